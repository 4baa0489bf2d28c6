//! The Anthropic Messages API (`POST {base}/v1/messages`): system prompt, content blocks
//! (text, images, `tool_use`, `tool_result`), prompt caching with `cache_control`, tools and
//! tool choice, structured JSON output, streaming events, and usage with cache-read and
//! cache-write tokens.
//!
//! ```
//! use llmops_core::{Anthropic, ApiKey, ChatRequest, Client, Message};
//! let client = Client::builder()
//!     .provider(
//!         Anthropic::new(ApiKey::new("sk-ant-test"))
//!             .default_max_tokens(1024)
//!             .beta("context-1m-2025-08-07"),
//!     )
//!     .build()?;
//! // A long, stable system prompt marked for prompt caching:
//! let req = ChatRequest::new("anthropic/claude-sonnet-4-5")
//!     .message(Message::system("You are the support agent of ACME. <3,000 tokens of policy>").cached())
//!     .user("Where is my order?");
//! # let _ = (client, req);
//! # Ok::<(), llmops_core::Error>(())
//! ```
//!
//! # How llmops requests map onto the Messages API
//!
//! - **System prompt.** Every [`Role::System`](crate::Role::System) message goes to the
//!   top-level `system`, wherever it stands in the conversation: a string when it is one text
//!   part without a cache marker, otherwise an array of text blocks (several system parts are
//!   kept as blocks, never joined with an invented separator). Images in system messages are
//!   refused.
//! - **Turns.** User and assistant messages become blocks (`text`, `image`; an assistant's
//!   tool calls become `tool_use` blocks whose `input` is the parsed JSON of the arguments:
//!   arguments that are not a JSON object are a typed [`Error::InvalidRequest`]). Tool-role
//!   messages become `tool_result` blocks (`tool_use_id`, `content`, `is_error`) in a user
//!   turn. Consecutive messages of one role (several tool results, a tool result followed by
//!   a user message) merge into one turn, as the API itself would combine them, and within a
//!   turn the tool results come first, as the API requires. Empty text parts are dropped (the
//!   API refuses them); a user or assistant message left with nothing is refused.
//! - **Images.** Base64 sources and `https:` URLs as they are; `data:…;base64,` URLs become
//!   base64 sources. OpenAI's `detail` has no equivalent and is not sent.
//! - **Prompt caching.** `cache_control` (`{"type": "ephemeral"}`, with `ttl` when set) goes on
//!   text and image blocks, system blocks and tools. A marker on a tool result's part marks
//!   the whole `tool_result` block.
//! - **Tools.** `{name, description, input_schema, cache_control}`, plus `strict: true` when
//!   the spec asks for it. Tool choice `auto | any | tool | none`;
//!   `parallel_tool_calls: false` becomes `disable_parallel_tool_use: true`.
//! - **`max_tokens`** is required by the API. A request that resolves none (request, prompt,
//!   deployment and client defaults all unset) is sent with the provider's
//!   [`default_max_tokens`](Anthropic::default_max_tokens) (4096 unless changed). This value is
//!   the provider's, so the exchange record's parameter sources do not list it.
//! - **Structured output.** `ResponseFormat::JsonSchema` is sent as
//!   `output_config.format = {"type": "json_schema", "schema": …}` (the schema's `name` and
//!   `strict` have no equivalent; Anthropic's JSON outputs are always constrained), merged
//!   into an `output_config` given in `params.extra` (`effort` …);
//!   `ResponseFormat::JsonObject` has no equivalent and is refused with a typed error.
//! - **`seed`** does not exist in the Messages API: set on the request or by a prompt version
//!   it is refused with a typed error; set as a client or deployment default (meant for every
//!   provider) it is ignored.
//! - **`params.extra`** fields are added to the body as given (`top_k`, `thinking`,
//!   `metadata`, `service_tier`, server tools under `tools` when the request has no tools of
//!   its own …). A field llmops already sets from the request (`model`, `messages`,
//!   `max_tokens`, `stream`, and `system`, `tools`, `tool_choice`, `temperature`, `top_p`,
//!   `stop_sequences` when set) is refused rather than sent twice.
//!
//! # Responses
//!
//! `text` blocks make the answer; `tool_use` blocks become [`ToolCall`](crate::ToolCall)s with
//! the JSON text of their `input`; `thinking` and every other block type are not part of the
//! answer text, and unknown fields are ignored. `stop_reason` maps through
//! [`FinishReason::from`](crate::FinishReason) (`end_turn`/`stop_sequence` → stop,
//! `max_tokens` → length, `tool_use` → tool calls, `refusal` → content filter, anything else —
//! `pause_turn` included — is kept as `Other`). Usage: `input_tokens` is Anthropic's
//! `input_tokens` plus `cache_read_input_tokens` and `cache_creation_input_tokens`, which are
//! also reported apart as cache reads and writes; `output_tokens_details.thinking_tokens`
//! becomes `reasoning_tokens`.
//!
//! # Streaming
//!
//! Events are decoded as the caller pulls them (no task per stream; dropping the stream drops
//! the connection):
//!
//! | event | yields |
//! |---|---|
//! | `message_start` | `Start { id, model }`, then a `Usage` with the input (cache tokens included) at once, so a stream cut later still accounts for its input |
//! | `content_block_start` | `tool_use` → `ToolCallDelta` with `id` and `name` (its `index` counts `tool_use` blocks only); text already in a `text`/`thinking` block → `Delta`/`ReasoningDelta` |
//! | `content_block_delta` | `text_delta` → `Delta`; `input_json_delta` of a `tool_use` block → `ToolCallDelta` arguments; `thinking_delta` → `ReasoningDelta`; `signature_delta`, `citations_delta` and the input of server tools (web search …) are skipped |
//! | `message_delta` | `Usage` with the merged cumulative totals, then `Finish` |
//! | `message_stop` | the end |
//! | `error` (after HTTP 200) | a classified `Err` item (below), never a normal end |
//! | `ping`, `content_block_stop`, unknown events | nothing |
//!
//! A body that ends before `message_stop` is a `Network` error ("connection closed before the
//! stream finished"); an event that is not JSON is a `Decode` error. A stream request answered
//! with a JSON message (some gateways do) is returned in full and streamed by core.
//!
//! # Errors
//!
//! The error body (`{"type": "error", "error": {"type", "message"}}`, the same object as an
//! `error` event) decides the [`ProviderErrorKind`]; the status only
//! when the type is missing or unknown. `retry-after` is read from the headers; the raw body is
//! kept, redacted of secrets.
//!
//! | `error.type` (status) | kind |
//! |---|---|
//! | `invalid_request_error` (400) saying the prompt is too long / exceeds the context window | ContextLength |
//! | `invalid_request_error` (400) about the credit balance, a spend or usage limit | QuotaExhausted (not retryable) |
//! | other `invalid_request_error` (400), `not_found_error` (404) | BadRequest |
//! | `authentication_error` (401), `permission_error` (403) | Auth |
//! | `billing_error` (402) | QuotaExhausted |
//! | `request_too_large` (413): the body exceeds the API's byte limit; only a smaller prompt helps, as for an over-long one | ContextLength |
//! | `rate_limit_error` (429) | RateLimited |
//! | `api_error` (500) | Server |
//! | `timeout_error` (504) | Timeout |
//! | `overloaded_error` (529) | Overloaded |
//!
//! # Not supported yet
//!
//! `thinking` blocks and their signatures are not carried back: core's
//! [`Message`](crate::Message) has no place for them, so a conversation that uses extended
//! thinking *and* tool use cannot be continued through llmops yet. Document and search-result
//! blocks, and citations in requests, have no core type either.

mod error;
mod stream;
mod wire;

use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue};

use super::http::{self, HttpOptions};
use super::{ApiKey, Capabilities, Provider};
use crate::error::{ProviderError, ProviderErrorKind};
use crate::exchange::Exchange;
use crate::stream::Reply;
use crate::types::{ChatRequest, ParamSource};
use crate::{Error, Result};

/// The default `anthropic-version` header.
pub const API_VERSION: &str = "2023-06-01";

/// The default base URL.
pub const BASE_URL: &str = "https://api.anthropic.com";

/// `max_tokens` for requests that resolve none, unless changed with
/// [`Anthropic::default_max_tokens`].
pub const DEFAULT_MAX_TOKENS: u32 = 4096;

/// Headers llmops sets itself, each with the builder method that sets it.
const RESERVED_HEADERS: [(&str, &str); 4] = [
    ("x-api-key", "api_key(..)"),
    ("anthropic-version", "version(..)"),
    ("anthropic-beta", "beta(..)"),
    ("content-type", "nothing (it is always application/json)"),
];

/// The Anthropic provider: one pooled HTTP client per instance (clones share it).
///
/// Builder methods never fail or panic: a bad header, version or HTTP client configuration is
/// reported as [`Error::Config`] by the first call.
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
    opts: HttpOptions,
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
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("default_max_tokens", &self.default_max_tokens)
            .field("models", &self.models)
            .field("http", &self.opts)
            .finish_non_exhaustive()
    }
}

impl Anthropic {
    /// api.anthropic.com with this key.
    pub fn new(key: ApiKey) -> Self {
        let opts = HttpOptions::default();
        Anthropic {
            name: "anthropic".into(),
            base_url: BASE_URL.into(),
            key: Some(key),
            version: API_VERSION.into(),
            betas: Vec::new(),
            headers: HeaderMap::new(),
            default_max_tokens: DEFAULT_MAX_TOKENS,
            models: None,
            client: opts.client().map_err(|e| e.to_string()),
            opts,
            config_error: None,
        }
    }

    /// From the environment: `ANTHROPIC_API_KEY` (required) and `ANTHROPIC_BASE_URL`
    /// (optional). A missing key is an [`Error::Config`] naming the variable.
    ///
    /// ```no_run
    /// use llmops_core::{Anthropic, Client};
    /// // no_run: the variables are not set where the docs are tested
    /// let client = Client::builder().provider(Anthropic::from_env()?).build()?;
    /// # let _ = client;
    /// # Ok::<(), llmops_core::Error>(())
    /// ```
    pub fn from_env() -> Result<Self> {
        Self::from_lookup(|var| std::env::var(var).ok())
    }

    fn from_lookup(get: impl Fn(&str) -> Option<String>) -> Result<Self> {
        let key = get("ANTHROPIC_API_KEY")
            .map(|k| k.trim().to_owned())
            .filter(|k| !k.is_empty())
            .ok_or_else(|| {
                Error::config(
                    "Anthropic is not configured: set ANTHROPIC_API_KEY (and optionally ANTHROPIC_BASE_URL)",
                )
            })?;
        let mut p = Anthropic::new(ApiKey::new(key));
        if let Some(url) = get("ANTHROPIC_BASE_URL").filter(|u| !u.trim().is_empty()) {
            p = p.base_url(url.trim());
        }
        Ok(p)
    }

    /// The provider name (default `anthropic`): the `name/` prefix of model references.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The base URL (default `https://api.anthropic.com`); requests go to `{base}/v1/messages`.
    /// A trailing `/v1` is accepted too.
    #[must_use]
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into().trim_end_matches('/').to_owned();
        self
    }

    /// The API key (sent as `x-api-key`; a deployment's key overrides it).
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

    /// Adds a beta to the `anthropic-beta` header (several are sent comma-separated).
    #[must_use]
    pub fn beta(mut self, b: impl Into<String>) -> Self {
        self.betas.push(b.into());
        self
    }

    /// An extra header on every request. Its value is never printed. Headers llmops sets
    /// itself (`x-api-key`, `anthropic-version`, `anthropic-beta`, `content-type`) are refused
    /// in favour of their builder methods; an invalid name or value is reported by the first
    /// call as a configuration error.
    #[must_use]
    pub fn header(mut self, name: &str, value: &str) -> Self {
        let problem = if let Some((_, method)) = RESERVED_HEADERS
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(name))
        {
            Some(format!("header `{name}` is set by llmops; use {method}"))
        } else {
            match (
                HeaderName::from_bytes(name.as_bytes()),
                http::secret_header(value),
            ) {
                (Ok(n), Ok(v)) => {
                    self.headers.insert(n, v);
                    None
                }
                (Err(_), _) => Some(format!("`{name}` is not a valid header name")),
                (_, Err(_)) => Some(format!(
                    "the value of header `{name}` has characters HTTP headers cannot carry"
                )),
            }
        };
        if let Some(p) = problem {
            self.config_error = Some(match self.config_error.take() {
                Some(earlier) => format!("{earlier}; {p}"),
                None => p,
            });
        }
        self
    }

    /// `max_tokens` for requests that resolve none (the API requires one). Default
    /// [`DEFAULT_MAX_TOKENS`].
    #[must_use]
    pub fn default_max_tokens(mut self, n: u32) -> Self {
        self.default_max_tokens = n;
        self
    }

    /// Connection settings (rebuilds the pooled client).
    #[must_use]
    pub fn http(mut self, opts: HttpOptions) -> Self {
        self.client = opts.client().map_err(|e| e.to_string());
        self.opts = opts;
        self
    }

    /// Bare model names this provider [`serves`](Provider::serves) (default: every name
    /// starting with `claude-`).
    #[must_use]
    pub fn models<I: IntoIterator<Item = S>, S: Into<String>>(mut self, models: I) -> Self {
        self.models = Some(models.into_iter().map(Into::into).collect());
        self
    }

    /// The request: URL and key from the deployment when it overrides them, headers, body.
    fn request(&self, cx: &Exchange, body: Vec<u8>) -> Result<reqwest::RequestBuilder> {
        let config = |msg: &str| Error::config(format!("{}: {msg}", self.name));
        if let Some(e) = &self.config_error {
            return Err(config(e));
        }
        let client = self.client.as_ref().map_err(|e| config(e))?;
        let dep = cx.deployment.as_deref();
        let base = dep
            .and_then(|d| d.endpoint.as_deref())
            .unwrap_or(&self.base_url);
        let key = dep
            .and_then(|d| d.key.as_ref())
            .or(self.key.as_ref())
            .ok_or_else(|| {
                config("no API key (set ANTHROPIC_API_KEY or give one to the provider)")
            })?;
        let mut headers = self.headers.clone();
        headers.extend(cx.trace_headers());
        headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
        headers.insert(
            "anthropic-version",
            HeaderValue::from_str(&self.version)
                .map_err(|_| config("the anthropic-version is not a valid header value"))?,
        );
        if !self.betas.is_empty() {
            headers.insert(
                "anthropic-beta",
                HeaderValue::from_str(&self.betas.join(","))
                    .map_err(|_| config("an anthropic-beta is not a valid header value"))?,
            );
        }
        headers.insert(
            "x-api-key",
            http::secret_header(key.expose())
                .map_err(|_| config("the API key has characters HTTP headers cannot carry"))?,
        );
        Ok(client.post(messages_url(base)).headers(headers).body(body))
    }
}

/// `{base}/v1/messages`, also when the base already ends in `/v1`.
fn messages_url(base: &str) -> String {
    let base = base.trim_end_matches('/');
    match base.strip_suffix("/v1") {
        Some(root) => format!("{root}/v1/messages"),
        None => format!("{base}/v1/messages"),
    }
}

fn is_json(resp: &reqwest::Response) -> bool {
    resp.headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("json"))
}

#[async_trait::async_trait]
impl Provider for Anthropic {
    fn name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self, _model: &str) -> Capabilities {
        Capabilities::all()
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
        let opts = wire::BodyOptions {
            default_max_tokens: self.default_max_tokens,
            seed_is_default: cx.param_sources().get("seed") == Some(&ParamSource::Default),
        };
        let body = serde_json::to_vec(&wire::MessagesBody::new(req, &req.model, opts)?)?;
        let resp = http::send(&self.name, self.request(cx, body)?, error::from_response).await?;
        // follow the content type: some gateways answer a stream request in full, or stream
        // what was asked in full
        if http::is_event_stream(&resp) || (req.stream && !is_json(&resp)) {
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
        let raw = String::from_utf8_lossy(&bytes);
        let wire: wire::WireResponse = serde_json::from_slice(&bytes).map_err(|e| {
            ProviderError::new(
                ProviderErrorKind::Decode,
                self.name.clone(),
                format!("the response is not a Messages API message: {e}"),
            )
            .with_body(&raw)
        })?;
        Ok(Reply::Full(wire.into_response(&self.name, &raw)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_never_shows_the_key_or_header_values() {
        let p = Anthropic::new(ApiKey::new("sk-ant-api03-SECRETSECRETSECRET"))
            .header("x-gateway-token", "GATEWAYSECRET");
        let d = format!("{p:?}");
        assert!(!d.contains("SECRET"), "{d}");
        assert!(d.contains("x-gateway-token"));
        assert!(p.serves("claude-sonnet-4-5") && !p.serves("gpt-4o"));
        assert!(p.models(["opus"]).serves("opus"));
    }

    #[test]
    fn server_and_urls() {
        let p = Anthropic::new(ApiKey::new("k"));
        assert_eq!(p.server(), Some(("api.anthropic.com".into(), 443)));
        let p = p.base_url("http://127.0.0.1:8080/");
        assert_eq!(p.server(), Some(("127.0.0.1".into(), 8080)));
        assert_eq!(
            messages_url("https://gw.example/anthropic/v1/"),
            "https://gw.example/anthropic/v1/messages"
        );
        assert_eq!(
            messages_url("https://api.anthropic.com"),
            "https://api.anthropic.com/v1/messages"
        );
    }

    #[test]
    fn from_env_names_the_missing_variable() {
        let e = Anthropic::from_lookup(|_| None).unwrap_err();
        assert!(
            matches!(&e, Error::Config(m) if m.contains("ANTHROPIC_API_KEY")),
            "{e}"
        );
        let e = Anthropic::from_lookup(|_| Some("  ".into())).unwrap_err();
        assert!(matches!(e, Error::Config(_)));
        let p = Anthropic::from_lookup(|v| match v {
            "ANTHROPIC_API_KEY" => Some(" sk-ant-x ".into()),
            "ANTHROPIC_BASE_URL" => Some("http://127.0.0.1:9/".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(p.key.as_ref().map(ApiKey::expose), Some("sk-ant-x"));
        assert_eq!(p.base_url, "http://127.0.0.1:9");
    }

    #[test]
    fn reserved_and_invalid_headers_are_config_errors_at_the_first_call() {
        let p = Anthropic::new(ApiKey::new("k"))
            .header("X-Api-Key", "other")
            .header("bad header", "v");
        let e = p.config_error.clone().unwrap_or_default();
        assert!(e.contains("api_key(..)") && e.contains("bad header"), "{e}");
    }
}
