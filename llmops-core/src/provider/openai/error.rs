//! OpenAI error bodies and statuses → [`ProviderError`].
//!
//! Precedence (as swiftide documents it for OpenAI): the context-length code or message
//! first, then quota codes (`insufficient_quota` arrives as HTTP 429 but waiting does not fix
//! it), then rate limits, content filters and auth codes, then the HTTP status.

use std::sync::LazyLock;
use std::time::Duration;

use regex::Regex;
use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::error::{ProviderError, ProviderErrorKind};
use crate::provider::http;

/// The fields of `{"error": {"message", "type", "param", "code"}}` (or a bare object).
#[derive(Debug, Default)]
pub(crate) struct ApiError {
    pub(crate) message: String,
    pub(crate) kind: Option<String>,
    pub(crate) code: Option<String>,
}

impl ApiError {
    pub(crate) fn from_value(v: &Value) -> Self {
        let e = v.get("error").unwrap_or(v);
        let text = |k: &str| match e.get(k) {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        };
        let message = match e {
            Value::String(s) => s.clone(),
            _ => text("message").unwrap_or_default(),
        };
        ApiError {
            message,
            kind: text("type"),
            code: text("code"),
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

/// The class of an OpenAI-style error, `status` when it came with one.
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
    ]) {
        ProviderErrorKind::Auth
    } else if let Some(s) = status {
        ProviderErrorKind::from_status(s)
    } else if is(&["server_error", "api_error"]) {
        ProviderErrorKind::Server
    } else if is(&["overloaded_error", "service_unavailable"]) {
        ProviderErrorKind::Overloaded
    } else if is(&["invalid_request_error"]) {
        ProviderErrorKind::BadRequest
    } else {
        ProviderErrorKind::Server
    }
}

#[allow(clippy::expect_used)] // a constant pattern; tested below
static TRY_AGAIN: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)try again in\s+([0-9.]+)\s*(ms|milliseconds?|s|sec|seconds?|m|min|minutes?)\b")
        .expect("try-again pattern compiles")
});

/// "Please try again in 20s" / "in 1.5s" / "in 120ms" / "in 2 minutes".
pub(crate) fn retry_after_in_message(msg: &str) -> Option<Duration> {
    let c = TRY_AGAIN.captures(msg)?;
    let n: f64 = c.get(1)?.as_str().parse().ok()?;
    let unit = c.get(2)?.as_str().to_ascii_lowercase();
    let secs = if unit.starts_with("ms") || unit.starts_with("milli") {
        n / 1000.0
    } else if unit.starts_with('m') {
        n * 60.0
    } else {
        n
    };
    Duration::try_from_secs_f64(secs).ok()
}

/// A non-2xx response.
pub(crate) fn from_response(
    provider: &str,
    status: u16,
    headers: &HeaderMap,
    body: &str,
) -> ProviderError {
    let api = ApiError::from_body(body);
    let kind = kind_of(&api, Some(status));
    let message = if api.message.is_empty() {
        format!("HTTP {status}")
    } else {
        api.message.clone()
    };
    let retry = http::retry_after(headers).or_else(|| retry_after_in_message(&api.message));
    ProviderError::new(kind, provider, message)
        .with_status(status)
        .with_code(api.code.or(api.kind))
        .with_retry_after(retry)
        .with_body(body)
}

/// An `{"error": …}` payload inside a 200 stream.
pub(crate) fn from_stream_payload(provider: &str, v: &Value, raw: &str) -> ProviderError {
    let api = ApiError::from_value(v);
    let kind = kind_of(&api, None);
    let message = if api.message.is_empty() {
        "error event in the stream".to_owned()
    } else {
        api.message.clone()
    };
    let retry = retry_after_in_message(&api.message);
    ProviderError::new(kind, provider, message)
        .with_code(api.code.or(api.kind))
        .with_retry_after(retry)
        .with_body(raw)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn try_again_phrases() {
        assert_eq!(
            retry_after_in_message("Please try again in 20s."),
            Some(Duration::from_secs(20))
        );
        assert_eq!(
            retry_after_in_message("Please try again in 1.5s"),
            Some(Duration::from_millis(1500))
        );
        assert_eq!(
            retry_after_in_message("try again in 120ms"),
            Some(Duration::from_millis(120))
        );
        assert_eq!(
            retry_after_in_message("try again in 2 minutes"),
            Some(Duration::from_secs(120))
        );
        assert_eq!(retry_after_in_message("no hint"), None);
    }

    #[test]
    fn precedence() {
        let e = ApiError::from_body(
            r#"{"error":{"message":"You exceeded your current quota","type":"insufficient_quota","code":"insufficient_quota"}}"#,
        );
        assert_eq!(kind_of(&e, Some(429)), ProviderErrorKind::QuotaExhausted);
        let e = ApiError::from_body(
            r#"{"error":{"message":"This model's maximum context length is 128000 tokens","code":"context_length_exceeded"}}"#,
        );
        assert_eq!(kind_of(&e, Some(400)), ProviderErrorKind::ContextLength);
        let e = ApiError::from_body("<html>bad gateway</html>");
        assert_eq!(kind_of(&e, Some(502)), ProviderErrorKind::Server);
        let e = ApiError::from_body(r#"{"error":{"message":"x","code":429}}"#);
        assert_eq!(e.code.as_deref(), Some("429"));
    }
}
