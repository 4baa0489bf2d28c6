//! OpenAI-compatible chat completions and embeddings: OpenAI itself, Azure OpenAI deployments,
//! and every server that speaks the same API (vLLM, Ollama, LM Studio, Groq, Together,
//! Fireworks, DeepSeek, Mistral, OpenRouter, xAI ...). Vendors differ by *configuration*
//! ([`Preset`]: base URL, key variable, the bare model names they serve, wire [`Quirks`]),
//! never by copied code.
//!
//! ```
//! use llmops_core::{ApiKey, ChatRequest, Client, OpenAi};
//! use llmops_core::provider::openai::presets;
//! // a local vLLM server, and Groq with an explicit key
//! let local = OpenAi::compatible("http://127.0.0.1:8000/v1").named("vllm");
//! let groq = OpenAi::from_preset(&presets::GROQ).api_key(ApiKey::new("gsk-test"));
//! let client = Client::builder().provider(local).provider(groq).build()?;
//! let req = ChatRequest::new("vllm/meta-llama/Llama-3.1-8B-Instruct").user("Hello!");
//! # let _ = (client, req);
//! # Ok::<(), llmops_core::Error>(())
//! ```
//!
//! # What is sent
//!
//! Roles `system`/`user`/`assistant`/`tool`; text and image parts (a base64 image becomes a
//! `data:` URL, `detail` is kept); a message that is one text part goes as a plain string;
//! tools as `{"type":"function","function":{name, description, parameters, strict}}`;
//! `tool_choice`; assistant `tool_calls` and `role: tool` results with `tool_call_id`;
//! `temperature`, `top_p`, `max_tokens` (or `max_completion_tokens`, per [`Quirks`]),
//! `stop`, `seed`, `response_format`, `parallel_tool_calls`; and `params.extra` merged into
//! the body (a key there replaces the field llmops would send; `model`, `messages` and
//! `stream` cannot be replaced). Streams ask for `stream_options: {"include_usage": true}`
//! unless the preset says the server refuses it.
//!
//! Prompt-cache markers (`cache_control`) are **not sent**: OpenAI caches prompt prefixes
//! automatically and reports cached tokens in `usage.prompt_tokens_details.cached_tokens`,
//! which arrive as [`Usage::cache_read_tokens`](crate::Usage::cache_read_tokens). A tool
//! result's `is_error` has no OpenAI field either: the result text carries the failure.
//!
//! # What is read
//!
//! Leniently: `content` as a string, null or an array of parts; `refusal`; `tool_calls`;
//! `reasoning_content` / `reasoning` (DeepSeek, vLLM, OpenRouter) as
//! [`StreamEvent::ReasoningDelta`](crate::StreamEvent::ReasoningDelta) in streams; any
//! `finish_reason` (null and `""` are none, unknown values are
//! [`FinishReason::Other`](crate::FinishReason::Other)); usage with every detail optional
//! (Groq's `x_groq.usage` too); unknown fields ignored. Errors are classified once for HTTP
//! errors, error bodies and errors inside a stream (see `error.rs` for the precedence).
//!
//! # Secrets
//!
//! The key is an [`ApiKey`]: never in `Debug` output; sent as a header marked sensitive; and
//! removed from any error message or body a server echoes it in (keys of 8 characters or
//! more).

pub mod batch;
mod embed;
mod error;
mod preset;
mod stream;
mod wire;

use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

pub use batch::{BATCH_ANNOTATION, BatchLayer, NonUrgent, OpenAiBatch};
pub use embed::OpenAiEmbedder;
pub use preset::{Preset, Quirks, presets};

use super::http::{self, HttpOptions};
use super::{ApiKey, Capabilities, Deployment, Provider};
use crate::error::{ProviderError, ProviderErrorKind};
use crate::exchange::Exchange;
use crate::stream::Reply;
use crate::types::ChatRequest;
use crate::{Error, Result};

/// The environment variables `OpenAi::from_env` reads.
const ENV_KEY: &str = "OPENAI_API_KEY";
const ENV_BASE_URL: &str = "OPENAI_BASE_URL";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Auth {
    /// `Authorization: Bearer KEY`.
    Bearer,
    /// Azure: `api-key: KEY`, URL `{endpoint}/openai/deployments/{model}/…?api-version=…`.
    Azure { api_version: String },
}

/// An OpenAI-compatible provider: chat completions (full and streamed) and, through
/// [`OpenAi::embedder`], embeddings. One pooled HTTP client per instance (clones share it).
///
/// Constructors never fail: an invalid base URL, header or HTTP client is reported as
/// [`Error::Config`] by the first call.
///
/// ```
/// use llmops_core::{ApiKey, OpenAi, Provider};
/// let p = OpenAi::new(ApiKey::new("sk-test"))
///     .header("OpenAI-Project", "proj_123")
///     .models(["gpt-4.1-mini", "my-fine-tune"]);
/// assert!(p.serves("my-fine-tune"));
/// assert_eq!(p.server(), Some(("api.openai.com".to_owned(), 443)));
/// assert!(!format!("{p:?}").contains("sk-test"));
/// ```
#[derive(Clone)]
pub struct OpenAi {
    name: String,
    base_url: String,
    key: Option<ApiKey>,
    headers: HeaderMap,
    auth: Auth,
    quirks: Quirks,
    models: Option<Vec<String>>,
    families: &'static [&'static str],
    client: std::result::Result<reqwest::Client, String>,
    config_error: Option<String>,
}

impl std::fmt::Debug for OpenAi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAi")
            .field("name", &self.name)
            .field("base_url", &without_userinfo(&self.base_url))
            .field("key", &self.key)
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("auth", &self.auth)
            .field("quirks", &self.quirks)
            .finish_non_exhaustive()
    }
}

/// A URL with any `user:password@` part removed, for display.
fn without_userinfo(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut u) if !u.username().is_empty() || u.password().is_some() => {
            let _ = u.set_username("");
            let _ = u.set_password(None);
            u.to_string()
        }
        _ => url.to_owned(),
    }
}

impl OpenAi {
    fn with(name: &str, base_url: &str, key: Option<ApiKey>, quirks: Quirks) -> Self {
        OpenAi {
            name: name.to_owned(),
            base_url: String::new(),
            key,
            headers: HeaderMap::new(),
            auth: Auth::Bearer,
            quirks,
            models: None,
            families: preset::OPENAI_FAMILIES,
            client: HttpOptions::default().client().map_err(|e| e.to_string()),
            config_error: None,
        }
        .base_url(base_url)
    }

    /// api.openai.com with this key.
    pub fn new(key: ApiKey) -> Self {
        OpenAi::from_preset(&presets::OPENAI).api_key(key)
    }

    /// Any OpenAI-compatible server at `base_url` (`http://127.0.0.1:8000/v1`), without a
    /// key. Named `openai` and serving OpenAI's bare model names unless told otherwise
    /// ([`named`](OpenAi::named), [`models`](OpenAi::models)).
    pub fn compatible(base_url: impl Into<String>) -> Self {
        OpenAi::with("openai", &base_url.into(), None, Quirks::COMPATIBLE)
    }

    /// A vendor [`Preset`], its key read from the preset's environment variable.
    ///
    /// A preset that requires a key whose variable is unset is an [`Error::Config`] naming
    /// the variable; use [`from_preset`](OpenAi::from_preset) and
    /// [`api_key`](OpenAi::api_key) to pass the key yourself.
    ///
    /// ```no_run
    /// use llmops_core::OpenAi;
    /// use llmops_core::provider::openai::presets;
    /// let groq = OpenAi::preset(&presets::GROQ)?; // reads GROQ_API_KEY
    /// # let _ = groq;
    /// # Ok::<(), llmops_core::Error>(())
    /// ```
    pub fn preset(p: &Preset) -> Result<Self> {
        Self::preset_with(p, &|var| std::env::var(var).ok())
    }

    fn preset_with(p: &Preset, env: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        let key = p.key_env.and_then(|var| key_from(env, var));
        match (key, p.key_env) {
            (None, Some(var)) if p.key_required => Err(Error::config(format!(
                "{}: set the environment variable {var} (the API key)",
                p.name
            ))),
            (key, _) => {
                let mut o = OpenAi::from_preset(p);
                o.key = key;
                Ok(o)
            }
        }
    }

    /// A vendor [`Preset`] without reading the environment: no key until
    /// [`api_key`](OpenAi::api_key).
    pub fn from_preset(p: &Preset) -> Self {
        let mut o = OpenAi::with(p.name, p.base_url, None, p.quirks);
        o.families = p.serves;
        o
    }

    /// From the environment: `OPENAI_API_KEY`, `OPENAI_BASE_URL` (a compatible server; with
    /// a base URL the key is optional, for local servers), and optionally `OPENAI_ORG_ID`
    /// and `OPENAI_PROJECT` (or `OPENAI_PROJECT_ID`), sent as `OpenAI-Organization` and
    /// `OpenAI-Project`. Neither a key nor a base URL is an [`Error::Config`] naming the
    /// variables.
    pub fn from_env() -> Result<Self> {
        Self::from_vars(&|var| std::env::var(var).ok())
    }

    fn from_vars(env: &dyn Fn(&str) -> Option<String>) -> Result<Self> {
        let key = key_from(env, ENV_KEY);
        let base = env(ENV_BASE_URL)
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty());
        let mut p = match (key, base) {
            (Some(k), None) => OpenAi::new(k),
            (key, Some(url)) => {
                let mut p = OpenAi::compatible(url);
                if is_openai_host(&p.base_url) {
                    p.quirks = Quirks::OPENAI;
                }
                p.key = key;
                p
            }
            (None, None) => {
                return Err(Error::config(format!(
                    "OpenAI is not configured: set {ENV_KEY}, or {ENV_BASE_URL} for a compatible server (its key in {ENV_KEY} if it needs one)"
                )));
            }
        };
        let nonempty = |var: &str| {
            env(var)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        if let Some(org) = nonempty("OPENAI_ORG_ID") {
            p = p.header("OpenAI-Organization", org);
        }
        if let Some(project) = nonempty("OPENAI_PROJECT").or_else(|| nonempty("OPENAI_PROJECT_ID"))
        {
            p = p.header("OpenAI-Project", project);
        }
        Ok(p)
    }

    /// Azure OpenAI: `endpoint` is the resource URL (`https://NAME.openai.azure.com`), the
    /// request's model is the *deployment* name, and the key goes in the `api-key` header.
    /// Requests go to `{endpoint}/openai/deployments/{model}/chat/completions?api-version=…`.
    /// Named `azure`.
    ///
    /// ```
    /// use llmops_core::{ApiKey, Client, Deployment, OpenAi};
    /// let client = Client::builder()
    ///     .provider(OpenAi::azure("https://acme-eu.openai.azure.com", "2024-10-21", ApiKey::new("k")))
    ///     .deployment(Deployment::new("eu-chat", "azure", "prod-gpt4o"))
    ///     .build()?;
    /// # let _ = client;
    /// # Ok::<(), llmops_core::Error>(())
    /// ```
    pub fn azure(endpoint: impl Into<String>, api_version: impl Into<String>, key: ApiKey) -> Self {
        let mut p = OpenAi::with("azure", &endpoint.into(), Some(key), Quirks::OPENAI);
        p.auth = Auth::Azure {
            api_version: api_version.into(),
        };
        p
    }

    /// The provider name (default `openai`): the `name/` prefix of model references.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The base URL, up to and including the API version (`…/v1`). An invalid URL is
    /// reported by the first call.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        let url = url.into();
        let url = url.trim().trim_end_matches('/');
        match reqwest::Url::parse(url) {
            Ok(u) if u.has_host() && matches!(u.scheme(), "http" | "https") => {
                if self
                    .config_error
                    .as_deref()
                    .is_some_and(|e| e.starts_with("invalid base URL"))
                {
                    self.config_error = None;
                }
            }
            _ => {
                self.config_error = Some(format!(
                    "invalid base URL `{}`: expected http(s)://host[:port][/path]",
                    without_userinfo(url)
                ));
            }
        }
        self.base_url = url.to_owned();
        self
    }

    /// The API key (sent as `Authorization: Bearer …`, or `api-key` for Azure).
    #[must_use]
    pub fn api_key(mut self, key: ApiKey) -> Self {
        self.key = Some(key);
        self
    }

    /// An extra header on every request (values are marked sensitive: never printed). An
    /// `Authorization` header set here is used when the provider has no key. An invalid name
    /// or value is reported by the first call as a configuration error.
    #[must_use]
    pub fn header(mut self, name: impl AsRef<str>, value: impl AsRef<str>) -> Self {
        let name = name.as_ref();
        match (
            HeaderName::from_bytes(name.as_bytes()),
            HeaderValue::from_str(value.as_ref()),
        ) {
            (Ok(n), Ok(mut v)) => {
                v.set_sensitive(true);
                self.headers.insert(n, v);
            }
            _ => {
                self.config_error = Some(format!("invalid header `{name}`"));
            }
        }
        self
    }

    /// Wire quirks (what the server accepts).
    #[must_use]
    pub fn quirks(mut self, q: Quirks) -> Self {
        self.quirks = q;
        self
    }

    /// Connection settings: connect and read timeouts, pool size (rebuilds the pooled client).
    #[must_use]
    pub fn http(mut self, opts: HttpOptions) -> Self {
        self.client = opts.client().map_err(|e| e.to_string());
        self
    }

    /// The bare model names this provider [`serves`](Provider::serves) (replacing the
    /// default: OpenAI's families for OpenAI, compatible servers and Azure; the preset's
    /// prefixes for a vendor).
    #[must_use]
    pub fn models<I: IntoIterator<Item = S>, S: Into<String>>(mut self, models: I) -> Self {
        self.models = Some(models.into_iter().map(Into::into).collect());
        self
    }

    /// An embedder for `model` on the same server, key and HTTP client. Standard OpenAI
    /// models know their dimensions; give others with [`OpenAiEmbedder::with_dims`].
    pub fn embedder(&self, model: impl Into<String>) -> OpenAiEmbedder {
        OpenAiEmbedder::new(self, model)
    }

    fn client(&self) -> Result<&reqwest::Client> {
        if let Some(e) = &self.config_error {
            return Err(Error::config(format!("{}: {e}", self.name)));
        }
        self.client
            .as_ref()
            .map_err(|e| Error::config(format!("{}: {e}", self.name)))
    }

    /// The URL and key for `path` (`chat/completions`, `embeddings`), honouring a
    /// deployment's endpoint and key.
    fn target<'a>(
        &'a self,
        path: &str,
        model: &str,
        dep: Option<&'a Deployment>,
    ) -> (String, Option<&'a ApiKey>) {
        let base = dep
            .and_then(|d| d.endpoint.as_deref())
            .unwrap_or(&self.base_url)
            .trim_end_matches('/');
        let key = dep.and_then(|d| d.key.as_ref()).or(self.key.as_ref());
        let url = match &self.auth {
            Auth::Bearer => format!("{base}/{path}"),
            // a deployment endpoint may already name the Azure deployment
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
        let mut headers = self.auth_headers(key)?;
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        Ok(self.client()?.post(url).headers(headers))
    }

    /// The provider's extra headers plus the key's authentication header.
    fn auth_headers(&self, key: Option<&ApiKey>) -> Result<HeaderMap> {
        let mut headers = self.headers.clone();
        if let Some(k) = key {
            let (name, value) = match self.auth {
                Auth::Bearer => (
                    AUTHORIZATION,
                    http::secret_header(&format!("Bearer {}", k.expose())),
                ),
                Auth::Azure { .. } => (
                    HeaderName::from_static("api-key"),
                    http::secret_header(k.expose()),
                ),
            };
            let value = value.map_err(|_| {
                Error::config(format!(
                    "{}: the API key contains characters not allowed in an HTTP header",
                    self.name
                ))
            })?;
            headers.insert(name, value);
        }
        Ok(headers)
    }

    /// Posts a JSON body; a non-2xx answer becomes a classified error, with the key removed
    /// from whatever the server echoed.
    async fn post(
        &self,
        url: &str,
        key: Option<&ApiKey>,
        body: Vec<u8>,
        trace: reqwest::header::HeaderMap,
    ) -> Result<reqwest::Response> {
        let rb = self.request(url, key)?.headers(trace).body(body);
        http::send(&self.name, rb, error::from_response)
            .await
            .map_err(|e| match e {
                Error::Provider(p) => Error::from(scrub(*p, key)),
                other => other,
            })
    }
}

/// A key from `var`, trimmed; `None` when unset or blank.
fn key_from(env: &dyn Fn(&str) -> Option<String>, var: &str) -> Option<ApiKey> {
    env(var)
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .map(ApiKey::new)
}

fn is_openai_host(url: &str) -> bool {
    reqwest::Url::parse(url)
        .ok()
        .and_then(|u| u.host_str().map(|h| h == "api.openai.com"))
        .unwrap_or(false)
}

/// Removes the key from an error's message and body (a server or proxy may echo it). Keys
/// shorter than 8 characters are left alone: replacing them would garble ordinary text.
pub(crate) fn scrub(mut e: ProviderError, key: Option<&ApiKey>) -> ProviderError {
    let Some(secret) = key.map(ApiKey::expose).filter(|k| k.len() >= 8) else {
        return e;
    };
    if e.message.contains(secret) {
        e.message = e.message.replace(secret, "[REDACTED]");
    }
    if let Some(b) = e.body.as_mut().filter(|b| b.contains(secret)) {
        *b = b.replace(secret, "[REDACTED]");
    }
    e
}

/// How to read a 2xx answer: by its content type, else as the request asked (some servers
/// stream whatever was asked, some ignore `stream`).
fn is_stream(resp: &reqwest::Response, asked: bool) -> bool {
    let ct = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_ascii_lowercase();
    if ct.starts_with("text/event-stream") {
        true
    } else if ct.contains("json") {
        false
    } else {
        asked
    }
}

#[async_trait::async_trait]
impl Provider for OpenAi {
    fn name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self, _model: &str) -> Capabilities {
        Capabilities {
            // OpenAI caches automatically; it takes no explicit markers
            prompt_caching: false,
            ..Capabilities::all()
        }
    }

    fn serves(&self, model: &str) -> bool {
        match &self.models {
            Some(m) => m.iter().any(|x| x == model),
            None => self.families.iter().any(|p| model.starts_with(p)),
        }
    }

    fn server(&self) -> Option<(String, u16)> {
        http::server_of(&self.base_url)
    }

    async fn chat(&self, req: &ChatRequest, cx: &Exchange) -> Result<Reply> {
        let body = serde_json::to_vec(&wire::ChatBody::new(req, self.quirks)?)?;
        let (url, key) = self.target("chat/completions", &req.model, cx.deployment.as_deref());
        let resp = self.post(&url, key, body, cx.trace_headers()).await?;
        if is_stream(&resp, req.stream) {
            let events = http::sse(&self.name, resp.bytes_stream());
            let decoder = stream::ChunkDecoder::new(&self.name, key.cloned());
            let events = http::SseStream::new(&self.name, events, decoder);
            return Ok(Reply::Stream(Box::pin(stream::FinishLast::new(events))));
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| http::transport_error(&self.name, &e))?;
        self.read_full(&bytes, key).map(Reply::Full)
    }
}

impl OpenAi {
    /// A complete (non-streamed) chat completion body: the answer, or the classified error a
    /// 200 body may carry (also what the Batch API's result lines hold).
    fn read_full(&self, bytes: &[u8], key: Option<&ApiKey>) -> Result<crate::ChatResponse> {
        let decode_error = |msg: String| {
            let e = ProviderError::new(ProviderErrorKind::Decode, self.name.clone(), msg)
                .with_body(&String::from_utf8_lossy(bytes));
            Error::from(scrub(e, key))
        };
        let wire: wire::WireResponse = serde_json::from_slice(bytes)
            .map_err(|e| decode_error(format!("the response is not a chat completion: {e}")))?;
        if wire.error.as_ref().is_some_and(|e| !e.is_null()) {
            let raw = String::from_utf8_lossy(bytes);
            return Err(scrub(error::from_payload(&self.name, &raw), key).into());
        }
        match wire.into_response() {
            Some(r) => Ok(r),
            None => Err(decode_error(
                "the response has no choices: there is no answer in it".to_owned(),
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let m: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |k| m.get(k).cloned()
    }

    #[test]
    fn debug_never_shows_the_key_or_header_values() {
        let p = OpenAi::new(ApiKey::new("sk-proj-SECRETSECRETSECRETSECRET"))
            .header("x-custom-auth", "TOPSECRETVALUE")
            .base_url("https://user:hunter2hunter2@proxy.example/v1");
        let d = format!("{p:?}");
        for secret in ["SECRET", "TOPSECRETVALUE", "hunter2"] {
            assert!(!d.contains(secret), "{d}");
        }
        assert!(
            d.contains("x-custom-auth") && d.contains("proxy.example"),
            "{d}"
        );
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
        let d = Deployment::new("x", "azure", "ignored")
            .endpoint("https://s.openai.azure.com/openai/deployments/named");
        assert_eq!(
            a.target("embeddings", "ignored", Some(&d)).0,
            "https://s.openai.azure.com/openai/deployments/named/embeddings?api-version=2024-10-21"
        );
        assert!(p.serves("gpt-4.1-mini") && !p.serves("claude-3"));
        assert_eq!(
            OpenAi::new(ApiKey::new("k")).server(),
            Some(("api.openai.com".into(), 443))
        );
    }

    #[test]
    fn from_env_reads_the_documented_variables() {
        let e = OpenAi::from_vars(&env(&[])).unwrap_err();
        assert!(
            matches!(&e, Error::Config(m) if m.contains("OPENAI_API_KEY") && m.contains("OPENAI_BASE_URL")),
            "{e}"
        );
        // a local server needs no key
        let p =
            OpenAi::from_vars(&env(&[("OPENAI_BASE_URL", " http://127.0.0.1:8000/v1/ ")])).unwrap();
        assert_eq!(p.base_url, "http://127.0.0.1:8000/v1");
        assert!(p.key.is_none());
        assert_eq!(p.quirks, Quirks::COMPATIBLE);
        let p = OpenAi::from_vars(&env(&[
            ("OPENAI_API_KEY", "sk-x"),
            ("OPENAI_ORG_ID", "org-1"),
            ("OPENAI_PROJECT_ID", "proj_1"),
            ("OPENAI_PROJECT", " "),
        ]))
        .unwrap();
        assert_eq!(p.base_url, "https://api.openai.com/v1");
        assert_eq!(p.quirks, Quirks::OPENAI);
        assert_eq!(p.headers["openai-organization"], "org-1");
        assert_eq!(p.headers["openai-project"], "proj_1");
        // an explicit OpenAI base URL keeps OpenAI's quirks
        let p = OpenAi::from_vars(&env(&[
            ("OPENAI_API_KEY", "sk-x"),
            ("OPENAI_BASE_URL", "https://api.openai.com/v1"),
        ]))
        .unwrap();
        assert_eq!(p.quirks, Quirks::OPENAI);
    }

    #[test]
    fn presets_are_data() {
        let e = OpenAi::preset_with(&presets::GROQ, &env(&[])).unwrap_err();
        assert!(
            matches!(&e, Error::Config(m) if m.contains("GROQ_API_KEY")),
            "{e}"
        );
        let g = OpenAi::preset_with(&presets::GROQ, &env(&[("GROQ_API_KEY", "gsk_1")])).unwrap();
        assert_eq!(g.name(), "groq");
        assert_eq!(g.base_url, "https://api.groq.com/openai/v1");
        assert!(g.key.is_some());
        // local servers need no key; vLLM takes one when set
        let v = OpenAi::preset_with(&presets::VLLM, &env(&[])).unwrap();
        assert!(v.key.is_none());
        assert_eq!(v.server(), Some(("127.0.0.1".into(), 8000)));
        let x = OpenAi::from_preset(&presets::XAI);
        assert!(x.serves("grok-4") && !x.serves("gpt-4o"));
        let m = OpenAi::from_preset(&presets::MISTRAL);
        assert!(m.quirks.random_seed && !m.quirks.include_usage);
        assert!(!OpenAi::from_preset(&presets::GROQ).serves("gpt-4o"));
        for p in presets::ALL {
            assert_eq!(presets::by_name(p.name), Some(&p));
            assert!(OpenAi::from_preset(&p).config_error.is_none(), "{}", p.name);
        }
    }

    #[test]
    fn bad_configuration_is_reported_by_the_first_call_not_a_panic() {
        let p = OpenAi::compatible("not a url");
        assert!(matches!(p.client(), Err(Error::Config(m)) if m.contains("invalid base URL")));
        let p = OpenAi::compatible("http://h/v1").header("bad header", "x");
        assert!(matches!(p.client(), Err(Error::Config(m)) if m.contains("invalid header")));
        let p = OpenAi::compatible("nope").base_url("http://fixed/v1");
        assert!(p.client().is_ok());
    }

    #[test]
    fn scrub_removes_the_exact_key() {
        let key = ApiKey::new("local-secret-0123");
        let e = ProviderError::new(ProviderErrorKind::Auth, "x", "bad key local-secret-0123")
            .with_body("{\"key\":\"local-secret-0123\"}");
        let e = scrub(e, Some(&key));
        assert!(!e.message.contains("local-secret") && !e.body.unwrap().contains("local-secret"));
    }
}
