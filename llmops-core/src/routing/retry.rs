//! Retries: [`RetryPolicy`] (bounded attempts, exponential backoff with full jitter,
//! `Retry-After`), and what the router does after each kind of failure ([`Disposition`]).

use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::error::{Error, ProviderErrorKind};

/// How many times to try, and how long to wait between tries of one deployment.
///
/// The wait before retry `n` (1-based) is drawn uniformly from `0 ..= min(max_backoff,
/// base × 2^(n-1))` ("full jitter"), unless the provider named a wait (`Retry-After`,
/// `retry-after-ms`, or the error body): that wait is honoured as given when it is at most
/// `max_retry_after`; a longer one moves on to the next candidate at once. No wait ever
/// reaches past the exchange's deadline: when it would, the router moves on instead.
///
/// ```
/// use std::time::Duration;
/// use llmops_core::routing::RetryPolicy;
/// let p = RetryPolicy::default()
///     .max_attempts(5)
///     .retries_per_deployment(2)
///     .attempt_timeout(Duration::from_secs(20));
/// assert!(p.backoff_cap(3) <= p.max_backoff);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Provider calls per exchange, over every candidate (default 4). At least 1.
    pub max_attempts: u32,
    /// Retries of one deployment before moving to the next candidate (default 1).
    pub retries_per_deployment: u32,
    /// The first backoff's upper bound (default 200 ms).
    pub base: Duration,
    /// The largest backoff (default 10 s).
    pub max_backoff: Duration,
    /// The longest provider-requested wait honoured (default 20 s); longer ones move on.
    pub max_retry_after: Duration,
    /// A timeout for each attempt (for streams: until the first content arrives). Default
    /// none: only the exchange's deadline applies.
    pub attempt_timeout: Option<Duration>,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 4,
            retries_per_deployment: 1,
            base: Duration::from_millis(200),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(20),
            attempt_timeout: None,
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries, no fallback.
    pub fn none() -> Self {
        RetryPolicy {
            max_attempts: 1,
            retries_per_deployment: 0,
            ..RetryPolicy::default()
        }
    }

    /// Sets [`max_attempts`](RetryPolicy::max_attempts).
    #[must_use]
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = n;
        self
    }

    /// Sets [`retries_per_deployment`](RetryPolicy::retries_per_deployment).
    #[must_use]
    pub fn retries_per_deployment(mut self, n: u32) -> Self {
        self.retries_per_deployment = n;
        self
    }

    /// Sets the backoff's base and cap.
    #[must_use]
    pub fn backoff(mut self, base: Duration, max: Duration) -> Self {
        self.base = base;
        self.max_backoff = max;
        self
    }

    /// Sets [`max_retry_after`](RetryPolicy::max_retry_after).
    #[must_use]
    pub fn max_retry_after(mut self, d: Duration) -> Self {
        self.max_retry_after = d;
        self
    }

    /// Sets [`attempt_timeout`](RetryPolicy::attempt_timeout).
    #[must_use]
    pub fn attempt_timeout(mut self, d: Duration) -> Self {
        self.attempt_timeout = Some(d);
        self
    }

    pub(crate) fn validate(&self) -> crate::Result<()> {
        if self.max_attempts == 0 {
            return Err(Error::config(
                "router retry policy: max_attempts must be at least 1",
            ));
        }
        if self.base > self.max_backoff {
            return Err(Error::config(format!(
                "router retry policy: base backoff {:?} is above max_backoff {:?}",
                self.base, self.max_backoff
            )));
        }
        if self.attempt_timeout == Some(Duration::ZERO) {
            return Err(Error::config(
                "router retry policy: attempt_timeout must be above zero",
            ));
        }
        Ok(())
    }

    /// The upper bound of the wait before retry `n` (1-based): `min(max_backoff, base ×
    /// 2^(n-1))`.
    pub fn backoff_cap(&self, n: u32) -> Duration {
        let shift = n.saturating_sub(1).min(30);
        self.base
            .checked_mul(1u32 << shift)
            .map_or(self.max_backoff, |d| d.min(self.max_backoff))
    }

    /// A jittered wait before retry `n`: uniform in `0 ..= backoff_cap(n)`.
    pub fn backoff_delay(&self, n: u32) -> Duration {
        let cap = self.backoff_cap(n).as_nanos().min(u128::from(u64::MAX)) as u64;
        Duration::from_nanos(fastrand::u64(0..=cap))
    }
}

/// What the router does after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Disposition {
    /// Transient: retry this deployment (within the policy), then fall back.
    Retry,
    /// This deployment cannot serve it (a malformed answer): the next candidate, no retry.
    Fallback,
    /// The input is too long for this deployment: the next candidate with a larger context
    /// window.
    LargerContext,
    /// Retrying or falling back will not help (bad request, auth, content filter, exhausted
    /// quota, policy ...): return the error.
    Fatal,
}

impl Disposition {
    /// The disposition of `e`. Provider kinds are named one by one (no catch-all arm); other
    /// errors retry only when [`Error::is_retryable`] says so.
    pub fn of(e: &Error) -> Self {
        match e.provider_error() {
            Some(p) => match p.kind {
                ProviderErrorKind::RateLimited
                | ProviderErrorKind::Overloaded
                | ProviderErrorKind::Server
                | ProviderErrorKind::Timeout
                | ProviderErrorKind::Network => Disposition::Retry,
                ProviderErrorKind::Decode => Disposition::Fallback,
                ProviderErrorKind::ContextLength => Disposition::LargerContext,
                ProviderErrorKind::QuotaExhausted
                | ProviderErrorKind::Auth
                | ProviderErrorKind::BadRequest
                | ProviderErrorKind::ContentFilter => Disposition::Fatal,
            },
            None if e.is_retryable() => Disposition::Retry,
            None => Disposition::Fatal,
        }
    }

    /// Whether the failure counts against the deployment's circuit breaker (it says the
    /// deployment is unwell, not that the request is wrong).
    pub fn counts_for_breaker(self) -> bool {
        match self {
            Disposition::Retry | Disposition::Fallback => true,
            Disposition::LargerContext | Disposition::Fatal => false,
        }
    }

    /// `retry`, `fallback`, `larger_context` or `fatal`.
    pub fn as_str(self) -> &'static str {
        match self {
            Disposition::Retry => "retry",
            Disposition::Fallback => "fallback",
            Disposition::LargerContext => "larger_context",
            Disposition::Fatal => "fatal",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ProviderError;

    fn kind(k: ProviderErrorKind) -> Error {
        ProviderError::new(k, "p", "x").into()
    }

    #[test]
    fn dispositions_follow_the_issue() {
        use Disposition::*;
        for (k, d) in [
            (ProviderErrorKind::RateLimited, Retry),
            (ProviderErrorKind::Overloaded, Retry),
            (ProviderErrorKind::Server, Retry),
            (ProviderErrorKind::Timeout, Retry),
            (ProviderErrorKind::Network, Retry),
            (ProviderErrorKind::Decode, Fallback),
            (ProviderErrorKind::ContextLength, LargerContext),
            (ProviderErrorKind::QuotaExhausted, Fatal),
            (ProviderErrorKind::Auth, Fatal),
            (ProviderErrorKind::BadRequest, Fatal),
            (ProviderErrorKind::ContentFilter, Fatal),
        ] {
            assert_eq!(Disposition::of(&kind(k.clone())), d, "{k}");
        }
        assert_eq!(Disposition::of(&Error::invalid("x")), Fatal);
        assert_eq!(
            Disposition::of(&Error::CircuitOpen {
                deployment: "a".into(),
                retry_in: Duration::from_secs(1)
            }),
            Retry
        );
        assert!(Retry.counts_for_breaker() && Fallback.counts_for_breaker());
        assert!(!Fatal.counts_for_breaker() && !LargerContext.counts_for_breaker());
    }

    #[test]
    fn backoff_is_capped_and_jittered() {
        let p = RetryPolicy::default().backoff(Duration::from_millis(100), Duration::from_secs(1));
        assert_eq!(p.backoff_cap(1), Duration::from_millis(100));
        assert_eq!(p.backoff_cap(2), Duration::from_millis(200));
        assert_eq!(p.backoff_cap(4), Duration::from_millis(800));
        assert_eq!(p.backoff_cap(5), Duration::from_secs(1));
        assert_eq!(p.backoff_cap(500), Duration::from_secs(1));
        let draws: Vec<Duration> = (0..200).map(|_| p.backoff_delay(3)).collect();
        assert!(draws.iter().all(|d| *d <= Duration::from_millis(400)));
        // full jitter: not a constant
        assert!(draws.iter().any(|d| *d != draws[0]));
    }

    #[test]
    fn bad_policies_are_config_errors() {
        assert!(RetryPolicy::default().max_attempts(0).validate().is_err());
        assert!(
            RetryPolicy::default()
                .backoff(Duration::from_secs(2), Duration::from_secs(1))
                .validate()
                .is_err()
        );
        assert!(
            RetryPolicy::default()
                .attempt_timeout(Duration::ZERO)
                .validate()
                .is_err()
        );
        assert!(RetryPolicy::none().validate().is_ok());
    }
}
