//! Anthropic error bodies and statuses → [`ProviderError`].
//!
//! Body: `{"type": "error", "error": {"type": …, "message": …}}`. Classes:
//! `invalid_request_error` is a bad request, except a prompt too long for the context window
//! (ContextLength) and a credit balance too low (QuotaExhausted, not retryable);
//! `authentication_error`/`permission_error` → Auth; `not_found_error` → BadRequest;
//! `request_too_large` (413, the request exceeds the byte limit) → ContextLength;
//! `rate_limit_error` → RateLimited; `api_error` → Server; `overloaded_error` (529) →
//! Overloaded.

use reqwest::header::HeaderMap;
use serde_json::Value;

use crate::error::{ProviderError, ProviderErrorKind};
use crate::provider::http;

pub(crate) fn parts(v: &Value) -> (Option<String>, String) {
    let e = v.get("error").unwrap_or(v);
    let kind = e.get("type").and_then(Value::as_str).map(str::to_owned);
    let msg = e
        .get("message")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    (kind, msg)
}

pub(crate) fn kind_of(kind: Option<&str>, msg: &str, status: Option<u16>) -> ProviderErrorKind {
    let m = msg.to_ascii_lowercase();
    match kind {
        Some("invalid_request_error")
            if m.contains("prompt is too long")
                || m.contains("context window")
                || m.contains("context length") =>
        {
            ProviderErrorKind::ContextLength
        }
        Some("invalid_request_error") if m.contains("credit balance") => {
            ProviderErrorKind::QuotaExhausted
        }
        Some("invalid_request_error") | Some("not_found_error") => ProviderErrorKind::BadRequest,
        Some("authentication_error") | Some("permission_error") => ProviderErrorKind::Auth,
        Some("request_too_large") => ProviderErrorKind::ContextLength,
        Some("rate_limit_error") => ProviderErrorKind::RateLimited,
        Some("api_error") => ProviderErrorKind::Server,
        Some("overloaded_error") => ProviderErrorKind::Overloaded,
        Some("timeout_error") => ProviderErrorKind::Timeout,
        _ => match status {
            Some(s) => ProviderErrorKind::from_status(s),
            None => ProviderErrorKind::Server,
        },
    }
}

pub(crate) fn from_response(
    provider: &str,
    status: u16,
    headers: &HeaderMap,
    body: &str,
) -> ProviderError {
    let (kind, msg) = match serde_json::from_str::<Value>(body) {
        Ok(v) => parts(&v),
        Err(_) => (None, body.trim().chars().take(500).collect()),
    };
    let k = kind_of(kind.as_deref(), &msg, Some(status));
    let message = if msg.is_empty() {
        format!("HTTP {status}")
    } else {
        msg
    };
    ProviderError::new(k, provider, message)
        .with_status(status)
        .with_code(kind)
        .with_retry_after(http::retry_after(headers))
        .with_body(body)
}

pub(crate) fn from_event(provider: &str, v: &Value, raw: &str) -> ProviderError {
    let (kind, msg) = parts(v);
    let k = kind_of(kind.as_deref(), &msg, None);
    let message = if msg.is_empty() {
        "error event in the stream".to_owned()
    } else {
        msg
    };
    ProviderError::new(k, provider, message)
        .with_code(kind)
        .with_body(raw)
}
