//! Anthropic error bodies and statuses → [`ProviderError`].
//!
//! Body: `{"type": "error", "error": {"type": …, "message": …}, "request_id": …}`, the same
//! object as an `event: error` in a stream. The error type decides the class; the HTTP status
//! decides only when the type is missing or unknown:
//!
//! | `error.type` (status) | kind | retryable |
//! |---|---|---|
//! | `invalid_request_error` (400), prompt too long / context window / context limit | ContextLength | no |
//! | `invalid_request_error` (400), credit balance / spend or usage limit | QuotaExhausted | no |
//! | `invalid_request_error` (400), anything else | BadRequest | no |
//! | `authentication_error` (401), `permission_error` (403) | Auth | no |
//! | `billing_error` (402) | QuotaExhausted | no |
//! | `not_found_error` (404) | BadRequest | no |
//! | `request_too_large` (413): the body exceeds the byte limit (32 MB); a smaller prompt is the only fix, so it is treated like an over-long prompt | ContextLength | no |
//! | `rate_limit_error` (429) | RateLimited | yes, after `retry-after` |
//! | `api_error` (500) | Server | yes |
//! | `timeout_error` (504) | Timeout | yes |
//! | `overloaded_error` (529) | Overloaded | yes |

use reqwest::header::HeaderMap;
use serde::Deserialize;

use crate::error::{ProviderError, ProviderErrorKind};
use crate::provider::http;

/// The `error` object of an error body or event.
#[derive(Debug, Clone, Default, Deserialize)]
pub(crate) struct WireError {
    #[serde(default, rename = "type")]
    pub(crate) kind: Option<String>,
    #[serde(default)]
    pub(crate) message: Option<String>,
}

#[derive(Deserialize)]
struct ErrorBody {
    #[serde(default)]
    error: Option<WireError>,
}

/// The class of an error type and message, with the status as the fallback.
pub(crate) fn kind_of(kind: Option<&str>, msg: &str, status: Option<u16>) -> ProviderErrorKind {
    let m = msg.to_ascii_lowercase();
    let has = |needles: &[&str]| needles.iter().any(|n| m.contains(n));
    match kind {
        Some("invalid_request_error")
            if has(&[
                "prompt is too long",
                "context window",
                "context length",
                "context limit",
            ]) =>
        {
            ProviderErrorKind::ContextLength
        }
        Some("invalid_request_error") if has(&["credit balance", "spend limit", "usage limit"]) => {
            ProviderErrorKind::QuotaExhausted
        }
        Some("invalid_request_error") | Some("not_found_error") => ProviderErrorKind::BadRequest,
        Some("authentication_error") | Some("permission_error") => ProviderErrorKind::Auth,
        Some("billing_error") => ProviderErrorKind::QuotaExhausted,
        Some("request_too_large") => ProviderErrorKind::ContextLength,
        Some("rate_limit_error") => ProviderErrorKind::RateLimited,
        Some("api_error") => ProviderErrorKind::Server,
        Some("timeout_error") => ProviderErrorKind::Timeout,
        Some("overloaded_error") => ProviderErrorKind::Overloaded,
        _ => match status {
            Some(s) => ProviderErrorKind::from_status(s),
            // an error event of a type we do not know, mid-stream: the server's side
            None => ProviderErrorKind::Server,
        },
    }
}

/// A non-2xx answer.
pub(crate) fn from_response(
    provider: &str,
    status: u16,
    headers: &HeaderMap,
    body: &str,
) -> ProviderError {
    let err = serde_json::from_str::<ErrorBody>(body)
        .ok()
        .and_then(|b| b.error)
        .unwrap_or_default();
    let msg = match err.message.as_deref().map(str::trim) {
        Some(m) if !m.is_empty() => m.to_owned(),
        // not the documented shape (a proxy's HTML page, say): the status and the start of it
        _ => {
            let start: String = body.trim().chars().take(200).collect();
            if start.is_empty() {
                format!("HTTP {status}")
            } else {
                format!("HTTP {status}: {start}")
            }
        }
    };
    ProviderError::new(
        kind_of(err.kind.as_deref(), &msg, Some(status)),
        provider,
        msg,
    )
    .with_status(status)
    .with_code(err.kind)
    .with_retry_after(http::retry_after(headers))
    .with_body(body)
}

/// An `error` object that arrived with HTTP 200: an `event: error` mid-stream, or an error
/// body a gateway sent as a success.
pub(crate) fn from_event(provider: &str, err: &WireError, raw: &str) -> ProviderError {
    let msg = match err.message.as_deref().map(str::trim) {
        Some(m) if !m.is_empty() => m.to_owned(),
        _ => "error event without a message".to_owned(),
    };
    ProviderError::new(kind_of(err.kind.as_deref(), &msg, None), provider, msg)
        .with_code(err.kind.clone())
        .with_body(raw)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    fn classify(status: u16, body: &str) -> ProviderError {
        from_response("anthropic", status, &HeaderMap::new(), body)
    }

    fn body(kind: &str, msg: &str) -> String {
        serde_json::json!({"type": "error", "error": {"type": kind, "message": msg}}).to_string()
    }

    #[test]
    fn documented_types_without_recorded_bodies() {
        // synthetic bodies of the documented shape, for types whose real messages we have not seen
        let cases = [
            (402, "billing_error", ProviderErrorKind::QuotaExhausted),
            (403, "permission_error", ProviderErrorKind::Auth),
            (504, "timeout_error", ProviderErrorKind::Timeout),
            (409, "conflict_error", ProviderErrorKind::BadRequest),
            (400, "some_future_error", ProviderErrorKind::BadRequest),
            (503, "some_future_error", ProviderErrorKind::Overloaded),
        ];
        for (status, kind, want) in cases {
            let e = classify(status, &body(kind, "x"));
            assert_eq!(e.kind, want, "{kind}");
            assert_eq!(e.code.as_deref(), Some(kind));
        }
        let e = classify(
            400,
            &body(
                "invalid_request_error",
                "input length and `max_tokens` exceed context limit: 188240 + 21333 > 200000, decrease input length or `max_tokens` and try again",
            ),
        );
        assert_eq!(e.kind, ProviderErrorKind::ContextLength);
    }

    #[test]
    fn bodies_that_are_not_json_fall_back_to_the_status() {
        let e = classify(502, "<html><body>502 Bad Gateway</body></html>");
        assert_eq!(e.kind, ProviderErrorKind::Server);
        assert!(e.message.contains("502 Bad Gateway"), "{}", e.message);
        let e = classify(429, "");
        assert_eq!(e.kind, ProviderErrorKind::RateLimited);
        assert_eq!(e.message, "HTTP 429");
    }

    #[test]
    fn retry_after_is_read_and_kept_only_for_retryable_kinds() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "3".parse().unwrap());
        let e = from_response(
            "anthropic",
            529,
            &h,
            &body("overloaded_error", "Overloaded"),
        );
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
        let e = from_response("anthropic", 401, &h, &body("authentication_error", "no"));
        assert_eq!(e.retry_after(), None);
    }

    #[test]
    fn error_events_without_a_known_type_are_server_errors() {
        let e = from_event("anthropic", &WireError::default(), "{}");
        assert_eq!(e.kind, ProviderErrorKind::Server);
        assert!(e.status.is_none());
    }
}
