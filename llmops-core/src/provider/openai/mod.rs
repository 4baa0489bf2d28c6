//! OpenAI-compatible chat completions and embeddings: OpenAI itself, Azure OpenAI deployments,
//! and every server that speaks the same API (vLLM, Ollama, LM Studio, Groq, Together,
//! Fireworks, DeepSeek, Mistral, OpenRouter, xAI). Vendors differ by *configuration*
//! ([`Preset`]: base URL, key variable, quirks), never by copied code.
//!
//! ```
//! use llmops_core::{ApiKey, Client, OpenAi};
//! use llmops_core::provider::openai::presets;
//! let local = OpenAi::compatible("http://127.0.0.1:8000/v1").named("vllm");
//! let groq = OpenAi::preset(&presets::GROQ).api_key(ApiKey::new("gsk-test"));
//! let client = Client::builder().provider(local).provider(groq).build().unwrap();
//! # let _ = client;
//! ```
//!
//! Prompt-cache markers (`cache_control`) are not sent: OpenAI caches prompt prefixes
//! automatically and reports cached tokens in `usage.prompt_tokens_details.cached_tokens`,
//! which arrive as [`Usage::cache_read_tokens`](crate::Usage::cache_read_tokens).

mod embed;
mod error;
mod stream;
mod wire;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

pub use embed::OpenAiEmbedder;

use super::http::{self, HttpOptions};
use super::{ApiKey, Capabilities, Provider};
use crate::error::ProviderErrorKind;
use crate::exchange::Exchange;
use crate::stream::Reply;
use crate::types::ChatRequest;
use crate::{Error, Result};

/// Differences between OpenAI-compatible servers that matter on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Quirks {
    /// Send `stream_options: {"include_usage": true}` when streaming (servers that reject it
    /// report no usage in streams).
    pub include_usage: bool,
    /// Send `max_tokens` as `max_completion_tokens` (OpenAI's current name; older servers
    /// know only `max_tokens`).
    pub max_completion_tokens: bool,
    /// Whether `parallel_tool_calls` may be sent.
    pub parallel_tool_calls: bool,
}

impl Quirks {
    /// What api.openai.com accepts.
    pub const OPENAI: Quirks = Quirks {
        include_usage: true,
        max_completion_tokens: true,
        parallel_tool_calls: true,
    };
    /// What most compatible servers accept.
    pub const COMPATIBLE: Quirks = Quirks {
        include_usage: true,
        max_completion_tokens: false,
        parallel_tool_calls: true,
    };
}

/// A compatible vendor as data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Preset {
    /// Provider name (the `name/` prefix of model references).
    pub name: &'static str,
    /// Base URL up to and including the API version (`…/v1`).
    pub base_url: &'static str,
    /// Environment variable holding the key (`None`: local servers without auth).
    pub key_env: Option<&'static str>,
    /// Wire differences.
    pub quirks: Quirks,
}

/// Presets for common OpenAI-compatible vendors and local servers.
pub mod presets {
    use super::{Preset, Quirks};

    /// OpenAI.
    pub const OPENAI: Preset = Preset {
        name: "openai",
        base_url: "https://api.openai.com/v1",
        key_env: Some("OPENAI_API_KEY"),
        quirks: Quirks::OPENAI,
    };
    /// Groq.
    pub const GROQ: Preset = Preset {
        name: "groq",
        base_url: "https://api.groq.com/openai/v1",
        key_env: Some("GROQ_API_KEY"),
        quirks: Quirks::COMPATIBLE,
    };
    /// Together AI.
    pub const TOGETHER: Preset = Preset {
        name: "together",
        base_url: "https://api.together.xyz/v1",
        key_env: Some("TOGETHER_API_KEY"),
        quirks: Quirks::COMPATIBLE,
    };
    /// Fireworks AI.
    pub const FIREWORKS: Preset = Preset {
        name: "fireworks",
        base_url: "https://api.fireworks.ai/inference/v1",
        key_env: Some("FIREWORKS_API_KEY"),
        quirks: Quirks::COMPATIBLE,
    };
    /// DeepSeek.
    pub const DEEPSEEK: Preset = Preset {
        name: "deepseek",
        base_url: "https://api.deepseek.com/v1",
        key_env: Some("DEEPSEEK_API_KEY"),
        quirks: Quirks::COMPATIBLE,
    };
    /// Mistral.
    pub const MISTRAL: Preset = Preset {
        name: "mistral",
        base_url: "https://api.mistral.ai/v1",
        key_env: Some("MISTRAL_API_KEY"),
        quirks: Quirks {
            include_usage: false,
            max_completion_tokens: false,
            parallel_tool_calls: true,
        },
    };
    /// OpenRouter.
    pub const OPENROUTER: Preset = Preset {
        name: "openrouter",
        base_url: "https://openrouter.ai/api/v1",
        key_env: Some("OPENROUTER_API_KEY"),
        quirks: Quirks::COMPATIBLE,
    };
    /// xAI.
    pub const XAI: Preset = Preset {
        name: "xai",
        base_url: "https://api.x.ai/v1",
        key_env: Some("XAI_API_KEY"),
        quirks: Quirks::COMPATIBLE,
    };
    /// Ollama on this machine.
    pub const OLLAMA: Preset = Preset {
        name: "ollama",
        base_url: "http://127.0.0.1:11434/v1",
        key_env: None,
        quirks: Quirks::COMPATIBLE,
    };
    /// vLLM on this machine.
    pub const VLLM: Preset = Preset {
        name: "vllm",
        base_url: "http://127.0.0.1:8000/v1",
        key_env: None,
        quirks: Quirks::COMPATIBLE,
    };
    /// LM Studio on this machine.
    pub const LMSTUDIO: Preset = Preset {
        name: "lmstudio",
        base_url: "http://127.0.0.1:1234/v1",
        key_env: None,
        quirks: Quirks::COMPATIBLE,
    };

    /// Every preset, for lookup by name.
    pub const ALL: [Preset; 11] = [
        OPENAI, GROQ, TOGETHER, FIREWORKS, DEEPSEEK, MISTRAL, OPENROUTER, XAI, OLLAMA, VLLM,
        LMSTUDIO,
    ];
}

#[derive(Debug, Clone)]
enum Auth {
    /// `Authorization: Bearer KEY`.
    Bearer,
    /// Azure: `api-key: KEY`, URL `{endpoint}/openai/deployments/{model}/…?api-version=…`.
    Azure { api_version: String },
}

/// An OpenAI-compatible provider. One pooled HTTP client per instance.
#[derive(Clone)]
pub struct OpenAi {
    name: String,
    base_url: String,
    key: Option<ApiKey>,
    headers: HeaderMap,
    auth: Auth,
    quirks: Quirks,
    models: Option<Vec<String>>,
    opts: HttpOptions,
    client: std::result::Result<reqwest::Client, String>,
    config_error: Option<String>,
}

impl std::fmt::Debug for OpenAi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAi")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("key", &self.key.as_ref().map(|_| "[REDACTED]"))
            .field("auth", &self.auth)
            .field("quirks", &self.quirks)
            .finish_non_exhaustive()
    }
}

impl OpenAi {
    fn with(name: &str, base_url: &str, key: Option<ApiKey>, quirks: Quirks) -> Self {
        let opts = HttpOptions::default();
        OpenAi {
            name: name.to_owned(),
            base_url: base_url.trim_end_matches('/').to_owned(),
            key,
            headers: HeaderMap::new(),
            auth: Auth::Bearer,
            quirks,
            models: None,
            client: opts.client().map_err(|e| e.to_string()),
            opts,
            config_error: None,
        }
    }

    /// api.openai.com with this key.
    pub fn new(key: ApiKey) -> Self {
        OpenAi::with(
            "openai",
            presets::OPENAI.base_url,
            Some(key),
            Quirks::OPENAI,
        )
    }

    /// Any OpenAI-compatible server at `base_url` (`http://127.0.0.1:8000/v1`), no key.
    pub fn compatible(base_url: impl Into<String>) -> Self {
        OpenAi::with("openai", &base_url.into(), None, Quirks::COMPATIBLE)
    }

    /// A vendor preset; its key is read from the preset's variable when set.
    pub fn preset(p: &Preset) -> Self {
        OpenAi::with(
            p.name,
            p.base_url,
            p.key_env.and_then(ApiKey::from_env),
            p.quirks,
        )
    }

    /// From the environment: `OPENAI_API_KEY`, `OPENAI_BASE_URL` (a local server needs no
    /// key), and optionally `OPENAI_ORG_ID` / `OPENAI_PROJECT`.
    pub fn from_env() -> Result<Self> {
        let key = ApiKey::from_env("OPENAI_API_KEY");
        let base = std::env::var("OPENAI_BASE_URL")
            .ok()
            .filter(|s| !s.trim().is_empty());
        let mut p = match (key, base) {
            (Some(k), None) => OpenAi::new(k),
            (key, Some(url)) => {
                let mut p = OpenAi::compatible(url.trim());
                if url.contains("api.openai.com") {
                    p.quirks = Quirks::OPENAI;
                }
                p.key = key;
                p
            }
            (None, None) => {
                return Err(Error::config(
                    "OpenAI is not configured: set OPENAI_API_KEY (and optionally OPENAI_BASE_URL for a compatible server)",
                ));
            }
        };
        if let Ok(org) = std::env::var("OPENAI_ORG_ID") {
            p = p.header("OpenAI-Organization", org.trim());
        }
        if let Ok(project) = std::env::var("OPENAI_PROJECT") {
            p = p.header("OpenAI-Project", project.trim());
        }
        Ok(p)
    }

    /// Azure OpenAI: `endpoint` is the resource URL (`https://NAME.openai.azure.com`); the
    /// request's model is the deployment name.
    pub fn azure(endpoint: impl Into<String>, api_version: impl Into<String>, key: ApiKey) -> Self {
        let mut p = OpenAi::with("azure", &endpoint.into(), Some(key), Quirks::OPENAI);
        p.auth = Auth::Azure {
            api_version: api_version.into(),
        };
        p
    }

    /// The provider name (default `openai`).
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The base URL (up to and including `/v1`).
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// The API key.
    #[must_use]
    pub fn api_key(mut self, key: ApiKey) -> Self {
        self.key = Some(key);
        self
    }

    /// An extra header on every request. An invalid name or value is reported by the first
    /// call as a configuration error.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value),
        ) {
            (Ok(n), Ok(mut v)) => {
                v.set_sensitive(true);
                self.headers.insert(n, v);
            }
            _ => self.config_error = Some(format!("invalid header `{name}`")),
        }
        self
    }

    /// Wire quirks.
    #[must_use]
    pub fn quirks(mut self, q: Quirks) -> Self {
        self.quirks = q;
        self
    }

    /// Connection settings (rebuilds the pooled client).
    #[must_use]
    pub fn http(mut self, opts: HttpOptions) -> Self {
        self.client = opts.client().map_err(|e| e.to_string());
        self.opts = opts;
        self
    }

    /// Bare model names this provider serves (default: OpenAI's own families).
    #[must_use]
    pub fn models<I: IntoIterator<Item = S>, S: Into<String>>(mut self, models: I) -> Self {
        self.models = Some(models.into_iter().map(Into::into).collect());
        self
    }

    /// An embedder for `model` on the same server and key. Standard OpenAI models know their
    /// dimensions; give others with [`OpenAiEmbedder::with_dims`].
    pub fn embedder(&self, model: impl Into<String>) -> OpenAiEmbedder {
        OpenAiEmbedder::new(self.clone(), model.into())
    }

    fn client(&self) -> Result<&reqwest::Client> {
        if let Some(e) = &self.config_error {
            return Err(Error::config(format!("{}: {e}", self.name)));
        }
        self.client
            .as_ref()
            .map_err(|e| Error::config(format!("{}: {e}", self.name)))
    }

    /// The URL and key for a path (`chat/completions`, `embeddings`), honouring a deployment's
    /// endpoint and key.
    fn target<'a>(
        &'a self,
        path: &str,
        model: &str,
        cx: Option<&'a Exchange>,
    ) -> (String, Option<&'a ApiKey>) {
        let dep = cx.and_then(|c| c.deployment.as_deref());
        let base = dep
            .and_then(|d| d.endpoint.as_deref())
            .unwrap_or(&self.base_url)
            .trim_end_matches('/');
        let key = dep.and_then(|d| d.key.as_ref()).or(self.key.as_ref());
        let url = match &self.auth {
            Auth::Bearer => format!("{base}/{path}"),
            Auth::Azure { api_version } if base.contains("/openai/deployments/") => {
                format!("{base}/{path}?api-version={api_version}")
            }
            Auth::Azure { api_version } => {
                format!("{base}/openai/deployments/{model}/{path}?api-version={api_version}")
            }
        };
        (url, key)
    }

    fn request(&self, url: &str, key: Option<&ApiKey>) -> Result<reqwest::RequestBuilder> {
        let mut rb = self
            .client()?
            .post(url)
            .headers(self.headers.clone())
            .header(CONTENT_TYPE, "application/json");
        if let Some(k) = key {
            let (name, value) = match self.auth {
                Auth::Bearer => (AUTHORIZATION, format!("Bearer {}", k.expose())),
                Auth::Azure { .. } => (HeaderName::from_static("api-key"), k.expose().to_owned()),
            };
            let mut v = HeaderValue::from_str(&value).map_err(|_| {
                Error::config(format!(
                    "{}: the API key is not a valid header value",
                    self.name
                ))
            })?;
            v.set_sensitive(true);
            rb = rb.header(name, v);
        }
        Ok(rb)
    }

    /// Sends a JSON body; a non-2xx answer becomes a classified error.
    pub(crate) async fn post(
        &self,
        url: &str,
        key: Option<&ApiKey>,
        body: Vec<u8>,
    ) -> Result<reqwest::Response> {
        http::send(
            &self.name,
            self.request(url, key)?.body(body),
            error::from_response,
        )
        .await
    }
}

fn serves_by_default(model: &str) -> bool {
    [
        "gpt-",
        "o1",
        "o3",
        "o4",
        "chatgpt-",
        "text-embedding-",
        "omni-moderation",
        "codex-",
    ]
    .iter()
    .any(|p| model.starts_with(p))
}

#[async_trait::async_trait]
impl Provider for OpenAi {
    fn name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self, _model: &str) -> Capabilities {
        Capabilities {
            prompt_caching: false,
            ..Capabilities::all()
        }
    }

    fn serves(&self, model: &str) -> bool {
        match &self.models {
            Some(m) => m.iter().any(|x| x == model),
            None => serves_by_default(model),
        }
    }

    fn server(&self) -> Option<(String, u16)> {
        http::server_of(&self.base_url)
    }

    async fn chat(&self, req: &ChatRequest, cx: &Exchange) -> Result<Reply> {
        let body = wire::ChatBody::new(req, &self.quirks, &req.model)?;
        let body = serde_json::to_vec(&body)?;
        let (url, key) = self.target("chat/completions", &req.model, Some(cx));
        let resp = self.post(&url, key, body).await?;
        // some servers stream whatever was asked: follow the content type, not the request
        if req.stream || http::is_event_stream(&resp) {
            let events = http::sse(&self.name, resp.bytes_stream());
            let decoder = stream::ChunkDecoder::new(&self.name);
            return Ok(Reply::Stream(Box::pin(http::SseStream::new(
                &self.name, events, decoder,
            ))));
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| http::transport_error(&self.name, &e))?;
        let wire: wire::WireResponse = serde_json::from_slice(&bytes).map_err(|e| {
            crate::ProviderError::new(
                ProviderErrorKind::Decode,
                self.name.clone(),
                format!("response is not a chat completion: {e}"),
            )
            .with_body(&String::from_utf8_lossy(&bytes))
        })?;
        if let Some(err) = wire.error.as_ref().filter(|e| !e.is_null()) {
            let raw = String::from_utf8_lossy(&bytes);
            return Err(error::from_stream_payload(
                &self.name,
                &serde_json::json!({ "error": err }),
                &raw,
            )
            .into());
        }
        Ok(Reply::Full(wire.into_response()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let p = OpenAi::new(ApiKey::new("sk-proj-SECRETSECRETSECRETSECRET"));
        let d = format!("{p:?}");
        assert!(!d.contains("SECRET"), "{d}");
    }

    #[test]
    fn urls() {
        let p = OpenAi::compatible("http://h:1/v1/");
        assert_eq!(
            p.target("chat/completions", "m", None).0,
            "http://h:1/v1/chat/completions"
        );
        let a = OpenAi::azure("https://r.openai.azure.com", "2024-10-21", ApiKey::new("k"));
        assert_eq!(
            a.target("chat/completions", "prod-gpt4o", None).0,
            "https://r.openai.azure.com/openai/deployments/prod-gpt4o/chat/completions?api-version=2024-10-21"
        );
        assert!(p.serves("gpt-4.1-mini") && !p.serves("claude-3"));
        assert_eq!(
            OpenAi::new(ApiKey::new("k")).server(),
            Some(("api.openai.com".into(), 443))
        );
    }
}
