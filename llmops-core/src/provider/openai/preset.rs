//! [`Quirks`] and [`Preset`]: how OpenAI-compatible vendors differ, as data.

/// Differences between OpenAI-compatible servers that matter on the wire.
///
/// ```
/// use llmops_core::provider::openai::Quirks;
/// // a server that rejects `stream_options` and wants Mistral's seed name
/// let q = Quirks::COMPATIBLE.with_include_usage(false).with_random_seed(true);
/// assert!(!q.include_usage && q.random_seed);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Quirks {
    /// Send `stream_options: {"include_usage": true}` when streaming. Servers that reject it
    /// must not get it (they then report no usage, or report it unasked).
    pub include_usage: bool,
    /// Send `max_tokens` as `max_completion_tokens` (OpenAI's current name, required by its
    /// reasoning models; many compatible servers know only `max_tokens`).
    pub max_completion_tokens: bool,
    /// Whether `parallel_tool_calls` may be sent (it is left out otherwise).
    pub parallel_tool_calls: bool,
    /// Send `seed` as `random_seed` (Mistral).
    pub random_seed: bool,
}

impl Quirks {
    /// What api.openai.com and Azure OpenAI accept.
    pub const OPENAI: Quirks = Quirks {
        include_usage: true,
        max_completion_tokens: true,
        parallel_tool_calls: true,
        random_seed: false,
    };
    /// What most compatible servers accept.
    pub const COMPATIBLE: Quirks = Quirks {
        include_usage: true,
        max_completion_tokens: false,
        parallel_tool_calls: true,
        random_seed: false,
    };

    /// With [`include_usage`](Quirks::include_usage) set.
    #[must_use]
    pub const fn with_include_usage(mut self, on: bool) -> Self {
        self.include_usage = on;
        self
    }

    /// With [`max_completion_tokens`](Quirks::max_completion_tokens) set.
    #[must_use]
    pub const fn with_max_completion_tokens(mut self, on: bool) -> Self {
        self.max_completion_tokens = on;
        self
    }

    /// With [`parallel_tool_calls`](Quirks::parallel_tool_calls) set.
    #[must_use]
    pub const fn with_parallel_tool_calls(mut self, on: bool) -> Self {
        self.parallel_tool_calls = on;
        self
    }

    /// With [`random_seed`](Quirks::random_seed) set.
    #[must_use]
    pub const fn with_random_seed(mut self, on: bool) -> Self {
        self.random_seed = on;
        self
    }
}

/// An OpenAI-compatible vendor as data: what [`OpenAi::preset`](super::OpenAi::preset) needs
/// to talk to it.
///
/// ```
/// use llmops_core::provider::openai::{Preset, Quirks};
/// // a vendor llmops does not ship a preset for
/// const ACME: Preset = Preset::new("acme", "https://llm.acme.example/v1")
///     .key_env("ACME_API_KEY")
///     .serving(&["acme-"])
///     .quirks(Quirks::COMPATIBLE.with_include_usage(false));
/// assert_eq!(ACME.key_env, Some("ACME_API_KEY"));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Preset {
    /// Provider name (the `name/` prefix of model references).
    pub name: &'static str,
    /// Base URL up to and including the API version (`…/v1`).
    pub base_url: &'static str,
    /// Environment variable holding the key (`None`: a server without auth).
    pub key_env: Option<&'static str>,
    /// Whether the server refuses requests without a key (so a missing variable is a
    /// configuration error rather than a 401 later).
    pub key_required: bool,
    /// Prefixes of the bare model names this vendor serves (`grok-`); empty when its names
    /// say nothing about it (hosted open models).
    pub serves: &'static [&'static str],
    /// Wire differences.
    pub quirks: Quirks,
}

impl Preset {
    /// A preset with no key, serving no bare names, with [`Quirks::COMPATIBLE`].
    pub const fn new(name: &'static str, base_url: &'static str) -> Self {
        Preset {
            name,
            base_url,
            key_env: None,
            key_required: false,
            serves: &[],
            quirks: Quirks::COMPATIBLE,
        }
    }

    /// With a required key read from `var`.
    #[must_use]
    pub const fn key_env(mut self, var: &'static str) -> Self {
        self.key_env = Some(var);
        self.key_required = true;
        self
    }

    /// With an optional key read from `var` (a local server started with `--api-key`).
    #[must_use]
    pub const fn optional_key_env(mut self, var: &'static str) -> Self {
        self.key_env = Some(var);
        self.key_required = false;
        self
    }

    /// Serving bare model names with these prefixes.
    #[must_use]
    pub const fn serving(mut self, prefixes: &'static [&'static str]) -> Self {
        self.serves = prefixes;
        self
    }

    /// With these wire quirks.
    #[must_use]
    pub const fn quirks(mut self, q: Quirks) -> Self {
        self.quirks = q;
        self
    }
}

/// Presets for OpenAI and common OpenAI-compatible vendors and local servers.
///
/// Local servers (`OLLAMA`, `VLLM`, `LMSTUDIO`) use their default ports on 127.0.0.1; point
/// elsewhere with [`OpenAi::base_url`](super::OpenAi::base_url).
pub mod presets {
    use super::{Preset, Quirks};

    /// OpenAI (api.openai.com).
    pub const OPENAI: Preset = Preset::new("openai", "https://api.openai.com/v1")
        .key_env("OPENAI_API_KEY")
        .serving(super::OPENAI_FAMILIES)
        .quirks(Quirks::OPENAI);
    /// Groq.
    pub const GROQ: Preset =
        Preset::new("groq", "https://api.groq.com/openai/v1").key_env("GROQ_API_KEY");
    /// Together AI.
    pub const TOGETHER: Preset =
        Preset::new("together", "https://api.together.xyz/v1").key_env("TOGETHER_API_KEY");
    /// Fireworks AI.
    pub const FIREWORKS: Preset = Preset::new("fireworks", "https://api.fireworks.ai/inference/v1")
        .key_env("FIREWORKS_API_KEY");
    /// DeepSeek (`parallel_tool_calls` is not part of its API).
    pub const DEEPSEEK: Preset = Preset::new("deepseek", "https://api.deepseek.com/v1")
        .key_env("DEEPSEEK_API_KEY")
        .serving(&["deepseek-"])
        .quirks(Quirks::COMPATIBLE.with_parallel_tool_calls(false));
    /// Mistral (refuses unknown fields: no `stream_options`, the seed is `random_seed`; usage
    /// arrives in the last chunk unasked).
    pub const MISTRAL: Preset = Preset::new("mistral", "https://api.mistral.ai/v1")
        .key_env("MISTRAL_API_KEY")
        .serving(&[
            "mistral-",
            "open-mistral-",
            "open-mixtral-",
            "codestral-",
            "ministral-",
            "pixtral-",
            "magistral-",
            "devstral-",
        ])
        .quirks(
            Quirks::COMPATIBLE
                .with_include_usage(false)
                .with_random_seed(true),
        );
    /// OpenRouter (model names are `vendor/model`: address them as
    /// `openrouter/openai/gpt-4o`).
    pub const OPENROUTER: Preset =
        Preset::new("openrouter", "https://openrouter.ai/api/v1").key_env("OPENROUTER_API_KEY");
    /// xAI.
    pub const XAI: Preset = Preset::new("xai", "https://api.x.ai/v1")
        .key_env("XAI_API_KEY")
        .serving(&["grok-"]);
    /// Ollama on this machine (no key).
    pub const OLLAMA: Preset = Preset::new("ollama", "http://127.0.0.1:11434/v1");
    /// vLLM on this machine (a key only when the server was started with `--api-key`).
    pub const VLLM: Preset =
        Preset::new("vllm", "http://127.0.0.1:8000/v1").optional_key_env("VLLM_API_KEY");
    /// LM Studio on this machine (no key).
    pub const LMSTUDIO: Preset = Preset::new("lmstudio", "http://127.0.0.1:1234/v1");

    /// Every preset above.
    pub const ALL: [Preset; 11] = [
        OPENAI, GROQ, TOGETHER, FIREWORKS, DEEPSEEK, MISTRAL, OPENROUTER, XAI, OLLAMA, VLLM,
        LMSTUDIO,
    ];

    /// The preset named `name` (`"groq"`), if llmops ships one.
    pub fn by_name(name: &str) -> Option<&'static Preset> {
        ALL.iter().find(|p| p.name == name)
    }
}

/// Bare model names OpenAI serves, by prefix.
pub(super) const OPENAI_FAMILIES: &[&str] = &[
    "gpt-",
    "o1",
    "o3",
    "o4",
    "chatgpt-",
    "text-embedding-",
    "omni-moderation",
    "codex-",
];
