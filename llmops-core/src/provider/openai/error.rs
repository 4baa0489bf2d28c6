//! OpenAI error bodies and statuses → [`ProviderError`]: one classification function,
//! [`kind_of`], for HTTP errors, errors in a 200 body and errors inside a stream.
//!
//! Precedence (the table swiftide documents for OpenAI, `swiftide-integrations/src/openai/
//! provider_error.rs`, extended with the codes compatible servers use):
//!
//! 1. context length: code `context_length_exceeded` (or `string_above_max_length`), or a
//!    message saying "maximum context length" / "context window";
//! 2. quota: `insufficient_quota`, `billing_hard_limit_reached` ... arrive as HTTP 429 but
//!    waiting does not fix them → `QuotaExhausted`, not retryable;
//! 3. `rate_limit_exceeded` (type `tokens`/`requests`) → `RateLimited`;
//! 4. content filter: `content_filter`, `content_policy_violation` → `ContentFilter`;
//! 5. `invalid_api_key` and other auth codes → `Auth`;
//! 6. the HTTP status ([`ProviderErrorKind::from_status`]); inside a 200 stream, where there
//!    is none, a status-like numeric `code` (vLLM writes `"code": 400`), then the error type.
//!
//! The wait comes from `retry-after-ms` / `retry-after`, then the message ("Please try again
//! in 20s", "in 1.5s", "in 120ms": the limit that was actually hit), then, for a 429 only,
//! OpenAI's `x-ratelimit-reset-*` headers ([`http::retry_after`] reads all of them; OpenAI
//! sends the reset headers on every response, where they say when a window resets, not how
//! long to wait after a 500).

use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use reqwest::header::{HeaderMap, RETRY_AFTER};
use serde_json::Value;

use crate::error::{ProviderError, ProviderErrorKind};
use crate::provider::http;

/// The fields of `{"error": {"message", "type", "param", "code"}}`, of a bare error object
/// (vLLM: `{"object": "error", "message", "type", "code"}`), or of FastAPI's `{"detail": …}`.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) message: String,
    pub(crate) kind: Option<String>,
    pub(crate) code: Option<String>,
    /// An HTTP status the body itself names (`"code": 429`, `"status": 400`).
    pub(crate) status: Option<u16>,
}

impl ApiError {
    pub(crate) fn from_value(v: &Value) -> Self {
        let e = match v.get("error") {
            Some(e) if !e.is_null() => e,
            _ => v,
        };
        let text = |k: &str| match e.get(k) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let message = match e {
            Value::String(s) => s.clone(),
            _ => text("message")
                .or_else(|| text("detail"))
                .or_else(|| {
                    e.get("detail")
                        .filter(|d| !d.is_null())
                        .map(Value::to_string)
                })
                .unwrap_or_default(),
        };
        let status = ["code", "status"]
            .iter()
            .filter_map(|k| e.get(*k).and_then(Value::as_u64))
            .find(|n| (100..=599).contains(n))
            .and_then(|n| u16::try_from(n).ok());
        ApiError {
            message,
            kind: text("type"),
            code: text("code"),
            status,
        }
    }

    pub(crate) fn from_body(body: &str) -> Self {
        match serde_json::from_str::<Value>(body) {
            Ok(v) => ApiError::from_value(&v),
            Err(_) => ApiError {
                message: body.trim().chars().take(500).collect(),
                ..ApiError::default()
            },
        }
    }
}

/// The class of an OpenAI-style error; `status` is the HTTP status when there was one.
pub(crate) fn kind_of(e: &ApiError, status: Option<u16>) -> ProviderErrorKind {
    let code = e.code.as_deref().unwrap_or("");
    let typ = e.kind.as_deref().unwrap_or("");
    let msg = e.message.to_ascii_lowercase();
    let is = |names: &[&str]| names.iter().any(|n| *n == code || *n == typ);
    if is(&["context_length_exceeded", "string_above_max_length"])
        || msg.contains("maximum context length")
        || msg.contains("context window")
        || msg.contains("context_length_exceeded")
    {
        ProviderErrorKind::ContextLength
    } else if is(&[
        "insufficient_quota",
        "billing_hard_limit_reached",
        "billing_not_active",
        "quota_exceeded",
    ]) || msg.contains("exceeded your current quota")
    {
        ProviderErrorKind::QuotaExhausted
    } else if is(&[
        "rate_limit_exceeded",
        "rate_limit_error",
        "tokens",
        "requests",
    ]) {
        ProviderErrorKind::RateLimited
    } else if is(&["content_filter", "content_policy_violation"])
        || msg.contains("content management policy")
    {
        ProviderErrorKind::ContentFilter
    } else if is(&[
        "invalid_api_key",
        "authentication_error",
        "permission_error",
        "invalid_authentication",
    ]) {
        ProviderErrorKind::Auth
    } else if let Some(s) = status.or(e.status) {
        ProviderErrorKind::from_status(s)
    } else if is(&["server_error", "api_error", "internal_error"]) {
        ProviderErrorKind::Server
    } else if is(&[
        "overloaded_error",
        "service_unavailable",
        "engine_overloaded",
    ]) {
        ProviderErrorKind::Overloaded
    } else if is(&["invalid_request_error", "BadRequestError", "NotFoundError"]) {
        ProviderErrorKind::BadRequest
    } else if msg.contains("rate limit") {
        ProviderErrorKind::RateLimited
    } else {
        // an error of unknown shape mid-stream: the server failed, trying again may work
        ProviderErrorKind::Server
    }
}

#[allow(clippy::expect_used)] // a constant pattern; compiled by the tests below
static TRY_AGAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)try again in\s+([0-9]+(?:\.[0-9]+)?)\s*(ms|milliseconds?|s|secs?|seconds?|m|mins?|minutes?)\b",
    )
    .expect("try-again pattern compiles")
});

/// "Please try again in 20s" / "in 1.5s" / "in 120ms" / "in 2 minutes".
pub(crate) fn retry_after_in_message(msg: &str) -> Option<Duration> {
    let c = TRY_AGAIN.captures(msg)?;
    let n: f64 = c.get(1)?.as_str().parse().ok()?;
    let unit = c.get(2)?.as_str().to_ascii_lowercase();
    let secs = if unit == "ms" || unit.starts_with("milli") {
        n / 1000.0
    } else if unit.starts_with('m') {
        n * 60.0
    } else {
        n
    };
    Duration::try_from_secs_f64(secs).ok()
}

fn build(
    provider: &str,
    api: ApiError,
    status: Option<u16>,
    headers: Option<&HeaderMap>,
    body: &str,
) -> ProviderError {
    let kind = kind_of(&api, status);
    let explicit = headers.and_then(|h| {
        let mut only = HeaderMap::new();
        for name in [RETRY_AFTER.as_str(), "retry-after-ms"] {
            if let Some(v) = h.get(name) {
                only.insert(name, v.clone());
            }
        }
        http::retry_after(&only)
    });
    let retry = explicit
        .or_else(|| retry_after_in_message(&api.message))
        .or_else(|| {
            headers
                .filter(|_| status == Some(429))
                .and_then(http::retry_after)
        });
    let message = match (api.message.is_empty(), status) {
        (false, _) => api.message,
        (true, Some(s)) => format!("HTTP {s}"),
        (true, None) => "the server reported an error".to_owned(),
    };
    let e = ProviderError::new(kind, provider, message)
        .with_code(api.code.or(api.kind))
        .with_retry_after(retry)
        .with_body(body);
    match status {
        Some(s) => e.with_status(s),
        None => e,
    }
}

/// A non-2xx response (the shape `http::send` takes).
pub(crate) fn from_response(
    provider: &str,
    status: u16,
    headers: &HeaderMap,
    body: &str,
) -> ProviderError {
    build(
        provider,
        ApiError::from_body(body),
        Some(status),
        Some(headers),
        body,
    )
}

/// An error payload after HTTP 200: `{"error": …}` in a body or a stream event, or the data
/// of an `event: error` (JSON or not).
pub(crate) fn from_payload(provider: &str, raw: &str) -> ProviderError {
    build(provider, ApiError::from_body(raw), None, None, raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn try_again_phrases() {
        let cases = [
            ("Please try again in 20s.", Some(Duration::from_secs(20))),
            (
                "Please try again in 1.5s",
                Some(Duration::from_millis(1500)),
            ),
            ("try again in 120ms", Some(Duration::from_millis(120))),
            ("try again in 2 minutes", Some(Duration::from_secs(120))),
            ("Try again in 6m", Some(Duration::from_secs(360))),
            ("no hint", None),
        ];
        for (msg, want) in cases {
            assert_eq!(retry_after_in_message(msg), want, "{msg}");
        }
    }

    #[test]
    fn precedence() {
        let k = |body: &str, status| kind_of(&ApiError::from_body(body), status);
        // quota beats the 429 status
        let quota = r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#;
        assert_eq!(k(quota, Some(429)), ProviderErrorKind::QuotaExhausted);
        // context length beats everything, by code or by message
        let ctx = r#"{"error":{"message":"This model's maximum context length is 128000 tokens","code":"context_length_exceeded"}}"#;
        assert_eq!(k(ctx, Some(400)), ProviderErrorKind::ContextLength);
        let vllm = r#"{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens.","type":"BadRequestError","param":null,"code":400}"#;
        assert_eq!(k(vllm, Some(400)), ProviderErrorKind::ContextLength);
        // not JSON at all: the status decides
        assert_eq!(
            k("<html>bad gateway</html>", Some(502)),
            ProviderErrorKind::Server
        );
        // numeric codes are kept as text and, without a status, read as one
        let e = ApiError::from_body(r#"{"error":{"message":"x","code":429}}"#);
        assert_eq!(e.code.as_deref(), Some("429"));
        assert_eq!(kind_of(&e, None), ProviderErrorKind::RateLimited);
        let bad =
            r#"{"error":{"object":"error","message":"bad","type":"BadRequestError","code":400}}"#;
        assert_eq!(k(bad, None), ProviderErrorKind::BadRequest);
        // FastAPI's detail
        let e = ApiError::from_body(r#"{"detail":"Not Found"}"#);
        assert_eq!(e.message, "Not Found");
        // an unknown error mid-stream is a server failure
        assert_eq!(
            k(r#"{"error":{"message":"boom"}}"#, None),
            ProviderErrorKind::Server
        );
    }

    #[test]
    fn waits_prefer_explicit_headers_then_the_message_then_reset_headers_on_429() {
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-reset-tokens", "6m0s".parse().unwrap());
        let limited = r#"{"error":{"message":"Rate limit reached. Please try again in 300ms.","code":"rate_limit_exceeded"}}"#;
        let e = from_response("openai", 429, &h, limited);
        assert_eq!(e.retry_after(), Some(Duration::from_millis(300)));
        let e = from_response("openai", 429, &h, "{}");
        assert_eq!(e.retry_after(), Some(Duration::from_secs(360)));
        // a reset header says nothing about a server error
        let e = from_response("openai", 500, &h, "{}");
        assert_eq!(e.retry_after(), None);
        h.insert("retry-after", "3".parse().unwrap());
        let e = from_response("openai", 429, &h, limited);
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
    }

    #[test]
    fn payload_errors_have_messages_and_bodies() {
        let e = from_payload("openai", "upstream went away");
        assert_eq!(e.kind, ProviderErrorKind::Server);
        assert_eq!(e.message, "upstream went away");
        assert_eq!(e.status, None);
        let e = from_response("openai", 503, &HeaderMap::new(), "");
        assert_eq!(e.message, "HTTP 503");
        assert_eq!(e.kind, ProviderErrorKind::Overloaded);
    }
}
