//! The error type of llmops-core and its classes.
//!
//! Every failure is a variant of [`Error`]. Provider failures carry a [`ProviderError`] whose
//! [`ProviderErrorKind`] says what routing may do about it: [`Error::is_retryable`] and
//! [`Error::retry_after`] name every kind, so a new kind forces a decision.
//!
//! ```
//! use llmops_core::{Error, ProviderError, ProviderErrorKind};
//! let e = Error::from(ProviderError::new(ProviderErrorKind::RateLimited, "openai", "slow down"));
//! assert!(e.is_retryable());
//! assert_eq!(e.class().as_str(), "rate_limited");
//! ```

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};

/// `Result` with [`Error`] as the error type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in an exchange.
///
/// Cheap to clone (large payloads are boxed or behind `Arc`) so the same error can travel to
/// the caller and into the [`ExchangeRecord`](crate::ExchangeRecord).
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A provider answered with an error, or its answer could not be used.
    #[error(transparent)]
    Provider(Box<ProviderError>),
    /// Every attempt failed (routing with retries or fallbacks); each attempt's error is kept.
    #[error("all {} attempts failed; last: {}", .0.len(), .0.last().map(|e| e.to_string()).unwrap_or_default())]
    AllAttemptsFailed(Vec<Error>),
    /// The request is not valid (empty messages, bad parameter ...). Not retryable.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The client or a component is misconfigured (missing key, bad URL ...).
    #[error("configuration error: {0}")]
    Config(String),
    /// No registered provider, deployment or alias serves this model reference.
    #[error("unknown model `{model}`: {hint}")]
    UnknownModel {
        /// The model reference as given.
        model: String,
        /// What was tried, and what is registered.
        hint: String,
    },
    /// A stream tap cut the stream (an output guard found a leak, say).
    #[error("stream cut by `{tap}`: {reason}")]
    StreamCut {
        /// The tap that cut.
        tap: String,
        /// Why it cut.
        reason: String,
    },
    /// The request's deadline passed.
    #[error("deadline of {0:?} exceeded")]
    Deadline(Duration),
    /// The client is shutting down and takes no new requests.
    #[error("the client is shut down")]
    Shutdown,
    /// A user middleware, observer or other extension failed.
    #[error("{component}: {message}")]
    Extension {
        /// Name of the component that failed.
        component: String,
        /// What went wrong.
        message: String,
    },
    /// JSON could not be encoded or decoded.
    #[error("json: {0}")]
    Json(#[source] Arc<serde_json::Error>),
    /// An I/O operation failed.
    #[error("io: {0}")]
    Io(#[source] Arc<std::io::Error>),
    /// A usage policy refuses this route to this caller (tenant, feature, data class): nothing
    /// was sent. Audited through the exchange record's class `policy_denied`.
    #[error("refused by usage policy `{rule}`: {reason}")]
    PolicyDenied {
        /// The policy rule that refused.
        rule: String,
        /// Why, in the policy's words.
        reason: String,
    },
    /// The deployment's circuit breaker is open (it failed repeatedly), and no other candidate
    /// could take the request.
    #[error("deployment `{deployment}` is unavailable: circuit open, next probe in {retry_in:?}")]
    CircuitOpen {
        /// The deployment.
        deployment: String,
        /// When the breaker lets a probe through.
        retry_in: Duration,
    },
    /// The deployment's own request or token rate limit (the router's token buckets) has no
    /// room for this request within the configured wait, and no other candidate could take it.
    #[error("deployment `{deployment}` is over its local rate limit{}", .retry_in.map(|d| format!("; room in {d:?}")).unwrap_or_else(|| "; the request is larger than the limit".to_owned()))]
    LocalRateLimit {
        /// The deployment.
        deployment: String,
        /// When there will be room (`None`: the request alone exceeds the limit).
        retry_in: Option<Duration>,
    },
    /// No candidate deployment of the route supports what the request uses (tools, images,
    /// a JSON schema, streaming).
    #[error("no deployment of route `{route}` supports {missing}")]
    Unsupported {
        /// The route (deployment group).
        route: String,
        /// What is missing (`tools`, `vision`, `json_schema`, `streaming`).
        missing: String,
    },
    /// A stream failed after its first content reached the caller: it cannot fall back any
    /// more. Carries what was received so far.
    #[error("stream interrupted after {events} events ({} bytes of text received): {cause}", .received_text.len())]
    StreamInterrupted {
        /// The text delivered before the failure.
        received_text: String,
        /// Events delivered before the failure.
        events: u64,
        /// The failure.
        cause: Box<Error>,
    },
    /// A budget refused the request: no room left in a limit's window, a request it cannot
    /// price (fail closed), or input over a per-request token cap that trimming cannot meet.
    /// Nothing was sent. Audited through the exchange record's class `budget_exceeded`.
    #[error("{0}")]
    BudgetExceeded(Box<BudgetRefusal>),
    /// A guard refused a text: an input (nothing was sent) or an output (nothing more was
    /// delivered), blocked outright or held for approval and not approved. Carries the guard,
    /// the text's source, the category and the reason, never the text. Classes
    /// `guard_blocked` and `approval_denied`.
    #[error("{0}")]
    Guard(Box<crate::guardrail::GuardRefusal>),
}

impl Error {
    /// A [`Error::InvalidRequest`].
    pub fn invalid(msg: impl Into<String>) -> Self {
        Error::InvalidRequest(msg.into())
    }

    /// A [`Error::Config`].
    pub fn config(msg: impl Into<String>) -> Self {
        Error::Config(msg.into())
    }

    /// An [`Error::Extension`] raised by a named component.
    pub fn extension(component: impl Into<String>, message: impl fmt::Display) -> Self {
        Error::Extension {
            component: component.into(),
            message: message.to_string(),
        }
    }

    /// The provider error inside, if this is one.
    pub fn provider_error(&self) -> Option<&ProviderError> {
        match self {
            Error::Provider(p) => Some(p),
            _ => None,
        }
    }

    /// The class of this error, as recorded in the exchange record and on spans (`error.type`).
    pub fn class(&self) -> ErrorClass {
        match self {
            Error::Provider(p) => ErrorClass::Provider(p.kind.clone()),
            Error::AllAttemptsFailed(errs) => errs
                .last()
                .map(Error::class)
                .unwrap_or(ErrorClass::AllAttemptsFailed),
            Error::InvalidRequest(_) => ErrorClass::InvalidRequest,
            Error::Config(_) => ErrorClass::Config,
            Error::UnknownModel { .. } => ErrorClass::UnknownModel,
            Error::StreamCut { .. } => ErrorClass::StreamCut,
            Error::Deadline(_) => ErrorClass::Deadline,
            Error::Shutdown => ErrorClass::Shutdown,
            Error::Extension { .. } => ErrorClass::Extension,
            Error::Json(_) => ErrorClass::Json,
            Error::Io(_) => ErrorClass::Io,
            Error::PolicyDenied { .. } => ErrorClass::PolicyDenied,
            Error::CircuitOpen { .. } => ErrorClass::CircuitOpen,
            Error::LocalRateLimit { .. } => ErrorClass::LocalRateLimit,
            Error::Unsupported { .. } => ErrorClass::Unsupported,
            Error::StreamInterrupted { .. } => ErrorClass::StreamInterrupted,
            Error::BudgetExceeded(_) => ErrorClass::BudgetExceeded,
            Error::Guard(r) if r.approval.is_some() => ErrorClass::ApprovalDenied,
            Error::Guard(_) => ErrorClass::GuardBlocked,
        }
    }

    /// Whether trying again (the same or another deployment) may succeed.
    ///
    /// Every variant is named: there is no catch-all arm.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Provider(p) => p.kind.is_retryable(),
            Error::AllAttemptsFailed(errs) => errs.iter().any(Error::is_retryable),
            Error::Deadline(_) => false,
            // transient: the breaker probes again, the bucket refills
            Error::CircuitOpen { .. } | Error::LocalRateLimit { .. } => true,
            Error::PolicyDenied { .. }
            | Error::Unsupported { .. }
            | Error::StreamInterrupted { .. } => false,
            Error::InvalidRequest(_)
            | Error::Config(_)
            | Error::UnknownModel { .. }
            | Error::StreamCut { .. }
            | Error::Shutdown
            | Error::Extension { .. }
            | Error::Json(_)
            | Error::Io(_) => false,
            // the window must roll over or the limit change: retrying now spends nothing
            Error::BudgetExceeded(_) => false,
            // the same text meets the same guard
            Error::Guard(_) => false,
        }
    }

    /// How long the provider asked us to wait, when it said.
    pub fn retry_after(&self) -> Option<Duration> {
        match self {
            Error::Provider(p) => p.retry_after(),
            Error::AllAttemptsFailed(errs) => errs.last().and_then(Error::retry_after),
            Error::CircuitOpen { retry_in, .. } => Some(*retry_in),
            Error::LocalRateLimit { retry_in, .. } => *retry_in,
            Error::PolicyDenied { .. }
            | Error::Unsupported { .. }
            | Error::StreamInterrupted { .. } => None,
            Error::InvalidRequest(_)
            | Error::Config(_)
            | Error::UnknownModel { .. }
            | Error::StreamCut { .. }
            | Error::Deadline(_)
            | Error::Shutdown
            | Error::Extension { .. }
            | Error::Json(_)
            | Error::Io(_) => None,
            Error::BudgetExceeded(_) | Error::Guard(_) => None,
        }
    }
}

impl From<ProviderError> for Error {
    fn from(e: ProviderError) -> Self {
        Error::Provider(Box::new(e))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::Json(Arc::new(e))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::Io(Arc::new(e))
    }
}

/// What kind of provider failure this is: the input of retry and fallback decisions.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ProviderErrorKind {
    /// HTTP 429 (or an equivalent error code) that will pass: retry after a pause.
    RateLimited,
    /// Quota or credit exhausted (`insufficient_quota`): a 429 that retrying will not fix.
    QuotaExhausted,
    /// The provider is overloaded (HTTP 503/529, `overloaded_error`).
    Overloaded,
    /// Any other 5xx.
    Server,
    /// The provider did not answer in time (connect, read or overall timeout).
    Timeout,
    /// The connection failed or was cut (DNS, refused, reset, body cut mid-stream).
    Network,
    /// The prompt plus `max_tokens` exceeds the model's context window.
    ContextLength,
    /// The key is missing, invalid or lacks permission (401/403).
    Auth,
    /// The request was rejected as malformed (400/404/422 ...).
    BadRequest,
    /// The provider's content filter refused the input or the output.
    ContentFilter,
    /// The provider's answer could not be decoded (malformed JSON or SSE).
    Decode,
}

impl ProviderErrorKind {
    /// Whether a retry of the same request may succeed. Every kind is named.
    pub fn is_retryable(&self) -> bool {
        match self {
            ProviderErrorKind::RateLimited
            | ProviderErrorKind::Overloaded
            | ProviderErrorKind::Server
            | ProviderErrorKind::Timeout
            | ProviderErrorKind::Network => true,
            ProviderErrorKind::QuotaExhausted
            | ProviderErrorKind::ContextLength
            | ProviderErrorKind::Auth
            | ProviderErrorKind::BadRequest
            | ProviderErrorKind::ContentFilter
            | ProviderErrorKind::Decode => false,
        }
    }

    /// The snake_case name used in records and on spans.
    pub fn as_str(&self) -> &'static str {
        match self {
            ProviderErrorKind::RateLimited => "rate_limited",
            ProviderErrorKind::QuotaExhausted => "quota_exhausted",
            ProviderErrorKind::Overloaded => "overloaded",
            ProviderErrorKind::Server => "server",
            ProviderErrorKind::Timeout => "timeout",
            ProviderErrorKind::Network => "network",
            ProviderErrorKind::ContextLength => "context_length",
            ProviderErrorKind::Auth => "auth",
            ProviderErrorKind::BadRequest => "bad_request",
            ProviderErrorKind::ContentFilter => "content_filter",
            ProviderErrorKind::Decode => "decode",
        }
    }

    /// The kind that an HTTP status implies when the body says nothing more specific.
    pub fn from_status(status: u16) -> Self {
        match status {
            401 | 403 => ProviderErrorKind::Auth,
            408 => ProviderErrorKind::Timeout,
            413 => ProviderErrorKind::ContextLength,
            429 => ProviderErrorKind::RateLimited,
            503 | 529 => ProviderErrorKind::Overloaded,
            500..=599 => ProviderErrorKind::Server,
            _ => ProviderErrorKind::BadRequest,
        }
    }
}

impl fmt::Display for ProviderErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A failure reported by (or while talking to) a provider.
///
/// `body` keeps the raw error body for diagnosis, with secrets redacted before it is stored.
#[derive(Clone, thiserror::Error)]
#[error("{provider}: {kind}{}: {message}", status.map(|s| format!(" (HTTP {s})")).unwrap_or_default())]
#[non_exhaustive]
pub struct ProviderError {
    /// The class of failure.
    pub kind: ProviderErrorKind,
    /// The provider's name (`openai`, `anthropic` ...).
    pub provider: String,
    /// The HTTP status, when there was one.
    pub status: Option<u16>,
    /// How long the provider asked us to wait (`Retry-After`, `retry-after-ms`, or the body).
    pub retry_after: Option<Duration>,
    /// The provider's error code or type (`insufficient_quota`, `overloaded_error` ...).
    pub code: Option<String>,
    /// A human-readable message.
    pub message: String,
    /// The raw body, redacted of secrets, truncated to 8 KiB.
    pub body: Option<String>,
}

impl ProviderError {
    /// A new error of `kind` from `provider`.
    pub fn new(
        kind: ProviderErrorKind,
        provider: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        ProviderError {
            kind,
            provider: provider.into(),
            status: None,
            retry_after: None,
            code: None,
            message: crate::redact::redact_secrets(&message.into()).into_owned(),
            body: None,
        }
    }

    /// With the HTTP status.
    #[must_use]
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }

    /// With the provider's requested wait.
    #[must_use]
    pub fn with_retry_after(mut self, d: Option<Duration>) -> Self {
        self.retry_after = d;
        self
    }

    /// With the provider's error code or type.
    #[must_use]
    pub fn with_code(mut self, code: Option<String>) -> Self {
        self.code = code;
        self
    }

    /// With the raw body (secrets are redacted and the text truncated here).
    #[must_use]
    pub fn with_body(mut self, body: &str) -> Self {
        const MAX: usize = 8 * 1024;
        let redacted = crate::redact::redact_secrets(body);
        let mut s = redacted.into_owned();
        if s.len() > MAX {
            let mut cut = MAX;
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            s.truncate(cut);
            s.push('…');
        }
        self.body = Some(s);
        self
    }

    /// The wait to honour before retrying, if the provider named one and the kind is retryable.
    pub fn retry_after(&self) -> Option<Duration> {
        if self.kind.is_retryable() {
            self.retry_after
        } else {
            None
        }
    }
}

impl fmt::Debug for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProviderError")
            .field("kind", &self.kind)
            .field("provider", &self.provider)
            .field("status", &self.status)
            .field("retry_after", &self.retry_after)
            .field("code", &self.code)
            .field("message", &self.message)
            .field("body_len", &self.body.as_ref().map(String::len))
            .finish_non_exhaustive()
    }
}

/// An amount a budget counts: money (exact) or tokens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BudgetAmount {
    /// Money, in the limit's currency.
    Money(crate::Money),
    /// Tokens (input plus output).
    Tokens(u64),
}

impl fmt::Display for BudgetAmount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BudgetAmount::Money(m) => m.fmt(f),
            BudgetAmount::Tokens(n) => write!(f, "{n} tokens"),
        }
    }
}

/// Why a budget refused a request: the figures of [`Error::BudgetExceeded`].
///
/// ```
/// use llmops_core::error::{BudgetAmount, BudgetRefusal};
/// use llmops_core::{Error, Money};
/// let r = BudgetRefusal::new(
///     "tenant/day", "tenant=acme", "day from 2026-01-02T00:00:00Z",
///     BudgetAmount::Money(Money::usd_str("10").unwrap()),
/// )
/// .with_figures(
///     BudgetAmount::Money(Money::usd_str("9.9").unwrap()),
///     BudgetAmount::Money(Money::usd_str("0.05").unwrap()),
///     Some(BudgetAmount::Money(Money::usd_str("0.2").unwrap())),
/// );
/// let e = Error::BudgetExceeded(Box::new(r));
/// assert_eq!(e.class().as_str(), "budget_exceeded");
/// assert!(!e.is_retryable());
/// assert!(e.to_string().contains("9.9 USD spent + 0.05 USD reserved + 0.2 USD requested > limit 10 USD"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BudgetRefusal {
    /// The limit's name (`tenant/day`, or the name it was given).
    pub budget: String,
    /// Whose counter: `global`, `tenant=acme`, `user=u-1`, `feature=search`, `api_key=k-1`.
    pub scope: String,
    /// The window: `day from 2026-01-02T00:00:00Z` ..., or `request` for a per-request cap.
    pub window: String,
    /// The limit.
    pub limit: BudgetAmount,
    /// Settled spend in the window so far.
    pub spent: BudgetAmount,
    /// Reserved by requests in flight.
    pub reserved: BudgetAmount,
    /// What this request needed (its upper bound, or its exact input tokens for a token
    /// cap); `None` when it could not be priced.
    pub requested: Option<BudgetAmount>,
    /// Why it could not be priced, or what trimming could not do.
    pub note: Option<String>,
}

impl BudgetRefusal {
    /// A refusal by the limit `budget` of `scope` in `window`; figures zero until set.
    pub fn new(
        budget: impl Into<String>,
        scope: impl Into<String>,
        window: impl Into<String>,
        limit: BudgetAmount,
    ) -> Self {
        let zero = match &limit {
            BudgetAmount::Money(m) => BudgetAmount::Money(crate::Money {
                amount: rust_decimal::Decimal::ZERO,
                currency: m.currency.clone(),
            }),
            BudgetAmount::Tokens(_) => BudgetAmount::Tokens(0),
        };
        BudgetRefusal {
            budget: budget.into(),
            scope: scope.into(),
            window: window.into(),
            limit,
            spent: zero.clone(),
            reserved: zero,
            requested: None,
            note: None,
        }
    }

    /// With the spent, reserved and requested figures.
    #[must_use]
    pub fn with_figures(
        mut self,
        spent: BudgetAmount,
        reserved: BudgetAmount,
        requested: Option<BudgetAmount>,
    ) -> Self {
        self.spent = spent;
        self.reserved = reserved;
        self.requested = requested;
        self
    }

    /// With a note (why the request could not be priced or trimmed).
    #[must_use]
    pub fn with_note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }
}

impl fmt::Display for BudgetRefusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "budget `{}` ({}, {}) refused the request: ",
            self.budget, self.scope, self.window
        )?;
        match &self.requested {
            Some(req) => write!(
                f,
                "{} spent + {} reserved + {} requested > limit {}",
                self.spent, self.reserved, req, self.limit
            )?,
            None => write!(f, "it cannot be priced (limit {})", self.limit)?,
        }
        if let Some(n) = &self.note {
            write!(f, "; {n}")?;
        }
        Ok(())
    }
}

/// The class of an [`Error`], as recorded (`error.type` on spans, `outcome.error` in records).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ErrorClass {
    /// A provider failure of this kind.
    Provider(ProviderErrorKind),
    /// Every attempt failed and none was recorded.
    AllAttemptsFailed,
    /// See [`Error::InvalidRequest`].
    InvalidRequest,
    /// See [`Error::Config`].
    Config,
    /// See [`Error::UnknownModel`].
    UnknownModel,
    /// See [`Error::StreamCut`].
    StreamCut,
    /// See [`Error::Deadline`].
    Deadline,
    /// See [`Error::Shutdown`].
    Shutdown,
    /// See [`Error::Extension`].
    Extension,
    /// See [`Error::Json`].
    Json,
    /// See [`Error::Io`].
    Io,
    /// See [`Error::PolicyDenied`].
    PolicyDenied,
    /// See [`Error::CircuitOpen`].
    CircuitOpen,
    /// See [`Error::LocalRateLimit`].
    LocalRateLimit,
    /// See [`Error::Unsupported`].
    Unsupported,
    /// See [`Error::StreamInterrupted`].
    StreamInterrupted,
    /// See [`Error::BudgetExceeded`].
    BudgetExceeded,
    /// [`Error::Guard`]: a guard blocked a text.
    GuardBlocked,
    /// [`Error::Guard`]: a held output was not approved (denied, or no decision in time).
    ApprovalDenied,
    /// A class added by a later layer (budget refused, guard blocked ...).
    Other(String),
}

impl ErrorClass {
    /// The snake_case name (`rate_limited`, `stream_cut` ...).
    pub fn as_str(&self) -> &str {
        match self {
            ErrorClass::Provider(k) => k.as_str(),
            ErrorClass::AllAttemptsFailed => "all_attempts_failed",
            ErrorClass::InvalidRequest => "invalid_request",
            ErrorClass::Config => "config",
            ErrorClass::UnknownModel => "unknown_model",
            ErrorClass::StreamCut => "stream_cut",
            ErrorClass::Deadline => "deadline",
            ErrorClass::Shutdown => "shutdown",
            ErrorClass::Extension => "extension",
            ErrorClass::Json => "json",
            ErrorClass::Io => "io",
            ErrorClass::PolicyDenied => "policy_denied",
            ErrorClass::CircuitOpen => "circuit_open",
            ErrorClass::LocalRateLimit => "local_rate_limit",
            ErrorClass::Unsupported => "unsupported",
            ErrorClass::StreamInterrupted => "stream_interrupted",
            ErrorClass::BudgetExceeded => "budget_exceeded",
            ErrorClass::GuardBlocked => "guard_blocked",
            ErrorClass::ApprovalDenied => "approval_denied",
            ErrorClass::Other(s) => s,
        }
    }
}

impl fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quota_is_not_retryable_even_with_retry_after() {
        let e = ProviderError::new(ProviderErrorKind::QuotaExhausted, "openai", "no credit")
            .with_status(429)
            .with_retry_after(Some(Duration::from_secs(3)));
        assert!(!e.kind.is_retryable());
        assert_eq!(e.retry_after(), None);
        let e = Error::from(e);
        assert!(!e.is_retryable());
    }

    #[test]
    fn body_is_redacted_and_bounded() {
        let body = format!(
            "{{\"error\":\"bad key sk-proj-abcdefghijklmnopqrstuvwxyz0123456789\"}}{}",
            "x".repeat(10_000)
        );
        let e = ProviderError::new(ProviderErrorKind::Auth, "openai", "bad").with_body(&body);
        let b = e.body.unwrap_or_default();
        assert!(!b.contains("abcdefghijklmnop"));
        assert!(b.len() <= 8 * 1024 + 4);
    }

    #[test]
    fn routing_errors_have_their_own_classes() {
        let e = Error::PolicyDenied {
            rule: "no-pii-external".into(),
            reason: "pii stays in-house".into(),
        };
        assert_eq!(e.class().as_str(), "policy_denied");
        assert!(!e.is_retryable());
        let e = Error::CircuitOpen {
            deployment: "a".into(),
            retry_in: Duration::from_secs(3),
        };
        assert_eq!(e.class(), ErrorClass::CircuitOpen);
        assert!(e.is_retryable());
        assert_eq!(e.retry_after(), Some(Duration::from_secs(3)));
        let e = Error::LocalRateLimit {
            deployment: "a".into(),
            retry_in: None,
        };
        assert_eq!(e.class().as_str(), "local_rate_limit");
        assert!(e.to_string().contains("larger than the limit"));
        let e = Error::StreamInterrupted {
            received_text: "Hel".into(),
            events: 2,
            cause: Box::new(ProviderError::new(ProviderErrorKind::Network, "p", "cut").into()),
        };
        assert_eq!(e.class().as_str(), "stream_interrupted");
        assert!(!e.is_retryable());
        assert!(e.to_string().contains("3 bytes"));
        // the error stays small: Result<T> is passed around on every path
        assert!(
            std::mem::size_of::<Error>() <= 64,
            "{}",
            std::mem::size_of::<Error>()
        );
    }

    #[test]
    fn status_mapping() {
        assert_eq!(
            ProviderErrorKind::from_status(429),
            ProviderErrorKind::RateLimited
        );
        assert_eq!(
            ProviderErrorKind::from_status(529),
            ProviderErrorKind::Overloaded
        );
        assert_eq!(
            ProviderErrorKind::from_status(502),
            ProviderErrorKind::Server
        );
        assert_eq!(ProviderErrorKind::from_status(401), ProviderErrorKind::Auth);
        assert_eq!(
            ProviderErrorKind::from_status(404),
            ProviderErrorKind::BadRequest
        );
    }
}
