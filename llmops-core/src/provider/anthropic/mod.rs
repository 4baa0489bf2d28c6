//! The Anthropic Messages API: system prompt, content blocks (text, images, tool_use,
//! tool_result), prompt caching with `cache_control`, tools and tool choice, streaming events,
//! and usage with cache-read and cache-write tokens.
//!
//! ```
//! use llmops_core::{Anthropic, ApiKey, ChatRequest, Client, Message};
//! let client = Client::builder()
//!     .provider(Anthropic::new(ApiKey::new("sk-ant-test")).default_max_tokens(1024))
//!     .build()
//!     .unwrap();
//! // A long, stable system prompt marked for prompt caching:
//! let req = ChatRequest::new("anthropic/claude-sonnet-4-5")
//!     .message(Message::system("You are the support agent of ACME. <3,000 tokens of policy>").cached())
//!     .user("Where is my order?");
//! # let _ = (client, req);
//! ```
//!
//! Differences from OpenAI that llmops handles: `system` messages go to the top-level
//! `system` field; tool results travel as `tool_result` blocks inside a user turn (consecutive
//! turns of one role are merged); `max_tokens` is required, so a request without one gets the
//! provider's [`default_max_tokens`](Anthropic::default_max_tokens) (4096 unless set), and the
//! record's parameter sources do not list it as a request parameter; `seed` and
//! `response_format` have no Messages-API equivalent and are refused with a typed error rather
//! than dropped.

mod error;
mod stream;
mod wire;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName};

use super::http::{self, HttpOptions};
use super::{ApiKey, Capabilities, Provider};
use crate::error::{ProviderError, ProviderErrorKind};
use crate::exchange::Exchange;
use crate::stream::Reply;
use crate::types::ChatRequest;
use crate::{Error, Result};

/// The default `anthropic-version` header.
pub const API_VERSION: &str = "2023-06-01";

/// The Anthropic provider. One pooled HTTP client per instance.
#[derive(Clone)]
pub struct Anthropic {
    name: String,
    base_url: String,
    key: Option<ApiKey>,
    version: String,
    betas: Vec<String>,
    headers: HeaderMap,
    default_max_tokens: u32,
    models: Option<Vec<String>>,
    client: std::result::Result<reqwest::Client, String>,
    config_error: Option<String>,
}

impl std::fmt::Debug for Anthropic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Anthropic")
            .field("name", &self.name)
            .field("base_url", &self.base_url)
            .field("key", &self.key.as_ref().map(|_| "[REDACTED]"))
            .field("version", &self.version)
            .field("betas", &self.betas)
            .finish_non_exhaustive()
    }
}

impl Anthropic {
    /// api.anthropic.com with this key.
    pub fn new(key: ApiKey) -> Self {
        Anthropic {
            name: "anthropic".into(),
            base_url: "https://api.anthropic.com".into(),
            key: Some(key),
            version: API_VERSION.into(),
            betas: Vec::new(),
            headers: HeaderMap::new(),
            default_max_tokens: 4096,
            models: None,
            client: HttpOptions::default().client().map_err(|e| e.to_string()),
            config_error: None,
        }
    }

    /// From `ANTHROPIC_API_KEY` and optionally `ANTHROPIC_BASE_URL`.
    pub fn from_env() -> Result<Self> {
        let key = ApiKey::from_env("ANTHROPIC_API_KEY")
            .ok_or_else(|| Error::config("Anthropic is not configured: set ANTHROPIC_API_KEY"))?;
        let mut p = Anthropic::new(key);
        if let Ok(url) = std::env::var("ANTHROPIC_BASE_URL")
            && !url.trim().is_empty()
        {
            p = p.base_url(url.trim());
        }
        Ok(p)
    }

    /// The provider name (default `anthropic`).
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The base URL (without `/v1`).
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

    /// The `anthropic-version` header (default [`API_VERSION`]).
    #[must_use]
    pub fn version(mut self, v: impl Into<String>) -> Self {
        self.version = v.into();
        self
    }

    /// Adds a beta to the `anthropic-beta` header.
    #[must_use]
    pub fn beta(mut self, b: impl Into<String>) -> Self {
        self.betas.push(b.into());
        self
    }

    /// An extra header on every request (an invalid one is reported by the first call).
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        match (
            HeaderName::from_bytes(name.as_bytes()),
            http::secret_header(value),
        ) {
            (Ok(n), Ok(v)) => {
                self.headers.insert(n, v);
            }
            _ => self.config_error = Some(format!("invalid header `{name}`")),
        }
        self
    }

    /// `max_tokens` for requests that set none (the API requires one). Default 4096.
    #[must_use]
    pub fn default_max_tokens(mut self, n: u32) -> Self {
        self.default_max_tokens = n;
        self
    }

    /// Connection settings (rebuilds the pooled client).
    #[must_use]
    pub fn http(mut self, opts: HttpOptions) -> Self {
        self.client = opts.client().map_err(|e| e.to_string());
        self
    }

    /// Bare model names this provider serves (default: names starting with `claude-`).
    #[must_use]
    pub fn models<I: IntoIterator<Item = S>, S: Into<String>>(mut self, models: I) -> Self {
        self.models = Some(models.into_iter().map(Into::into).collect());
        self
    }

    fn request(&self, cx: &Exchange) -> Result<reqwest::RequestBuilder> {
        if let Some(e) = &self.config_error {
            return Err(Error::config(format!("{}: {e}", self.name)));
        }
        let client = self
            .client
            .as_ref()
            .map_err(|e| Error::config(format!("{}: {e}", self.name)))?;
        let dep = cx.deployment.as_deref();
        let base = dep
            .and_then(|d| d.endpoint.as_deref())
            .unwrap_or(&self.base_url)
            .trim_end_matches('/');
        let key = dep
            .and_then(|d| d.key.as_ref())
            .or(self.key.as_ref())
            .ok_or_else(|| {
                Error::config(format!(
                    "{}: no API key (set ANTHROPIC_API_KEY or give one to the provider)",
                    self.name
                ))
            })?;
        let mut rb = client
            .post(format!("{base}/v1/messages"))
            .headers(self.headers.clone())
            .header(CONTENT_TYPE, "application/json")
            .header("anthropic-version", &self.version)
            .header("x-api-key", http::secret_header(key.expose())?);
        if !self.betas.is_empty() {
            rb = rb.header("anthropic-beta", self.betas.join(","));
        }
        Ok(rb)
    }
}

#[async_trait::async_trait]
impl Provider for Anthropic {
    fn name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self, _model: &str) -> Capabilities {
        Capabilities {
            json_schema: false,
            ..Capabilities::all()
        }
    }

    fn serves(&self, model: &str) -> bool {
        match &self.models {
            Some(m) => m.iter().any(|x| x == model),
            None => model.starts_with("claude-"),
        }
    }

    fn server(&self) -> Option<(String, u16)> {
        http::server_of(&self.base_url)
    }

    async fn chat(&self, req: &ChatRequest, cx: &Exchange) -> Result<Reply> {
        let body = serde_json::to_vec(&wire::MessagesBody::new(
            req,
            &req.model,
            self.default_max_tokens,
        )?)?;
        let resp = http::send(
            &self.name,
            self.request(cx)?.body(body),
            error::from_response,
        )
        .await?;
        if req.stream || http::is_event_stream(&resp) {
            let events = http::sse(&self.name, resp.bytes_stream());
            let decoder = stream::EventDecoder::new(&self.name);
            return Ok(Reply::Stream(Box::pin(http::SseStream::new(
                &self.name, events, decoder,
            ))));
        }
        let bytes = resp
            .bytes()
            .await
            .map_err(|e| http::transport_error(&self.name, &e))?;
        let wire: wire::WireResponse = serde_json::from_slice(&bytes).map_err(|e| {
            ProviderError::new(
                ProviderErrorKind::Decode,
                self.name.clone(),
                format!("response is not a message: {e}"),
            )
            .with_body(&String::from_utf8_lossy(&bytes))
        })?;
        Ok(Reply::Full(wire.into_response()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key() {
        let p = Anthropic::new(ApiKey::new("sk-ant-api03-SECRETSECRETSECRET"));
        assert!(!format!("{p:?}").contains("SECRET"));
        assert!(p.serves("claude-sonnet-4-5") && !p.serves("gpt-4o"));
        assert_eq!(p.server(), Some(("api.anthropic.com".into(), 443)));
    }
}
