//! What a Redis store does when Redis is slow or gone: [`RedisOptions`] (the per-call timeout,
//! the cool-down after a failure, the key prefix), [`LimitFailure`] (the rate limits' policy)
//! and [`RedisStats`] (what each store counts).
//!
//! Every call a store makes (connecting included) is bounded by [`RedisOptions::timeout`]
//! (50 ms by default): a call never waits longer, whatever Redis does. After a transport
//! failure (refused or dropped connection, timeout) the connection cools down for
//! [`RedisOptions::cooldown`] (500 ms by default): calls fail at once without touching the
//! network, so a dead Redis costs each request nothing but a counter bump, and the first call
//! after the cool-down opens a fresh connection. Errors that Redis itself returns (a full
//! memory, a wrong key type) fail that call only.
//!
//! What a failed call means depends on the store:
//!
//! | store | on failure (default) | configurable with |
//! |---|---|---|
//! | [`RedisCacheStore`](super::RedisCacheStore) | a miss, a dropped write (fails **open**) | [`CacheBuilder::on_store_error`](crate::cache::CacheBuilder::on_store_error) |
//! | [`RedisLimitStore`](super::RedisLimitStore) | the request goes through, recorded as a `LimitStoreError` decision (fails **open**) | [`RedisLimitStore::on_failure`](super::RedisLimitStore::on_failure) |
//! | [`RedisBudgetStore`](super::RedisBudgetStore) (feature `cost`) | the request is refused with the store's error (fails **closed**) | [`BudgetsBuilder::on_store_error`](crate::cost::budget::BudgetsBuilder::on_store_error) |

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::StoreCounts;

/// Timeouts and key layout shared by the stores of one
/// [`RedisConnection`](super::RedisConnection).
///
/// ```
/// use std::time::Duration;
/// use llmops_core::redis::RedisOptions;
/// let o = RedisOptions::default().timeout(Duration::from_millis(20)).prefix("shop");
/// assert_eq!(o.timeout, Duration::from_millis(20));
/// assert_eq!(o.cooldown, Duration::from_millis(500));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RedisOptions {
    /// The longest one call may take, connecting included (default 50 ms). A call that takes
    /// longer fails with a timeout and the store's failure policy applies.
    pub timeout: Duration,
    /// After a transport failure or a timeout, calls fail at once for this long (default
    /// 500 ms; zero turns the cool-down off, so every call tries Redis again).
    pub cooldown: Duration,
    /// The first part of every key (default `llmops`): keys are `<prefix>:cache:...`,
    /// `<prefix>:limit:...` and `<prefix>:budget...`. Processes that share state use the
    /// same prefix; separate applications on one Redis use different ones.
    pub prefix: String,
}

impl Default for RedisOptions {
    fn default() -> Self {
        RedisOptions {
            timeout: Duration::from_millis(50),
            cooldown: Duration::from_millis(500),
            prefix: "llmops".to_owned(),
        }
    }
}

impl RedisOptions {
    /// Sets the per-call timeout (at least 1 ms).
    #[must_use]
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = d.max(Duration::from_millis(1));
        self
    }

    /// Sets the cool-down after a failure (zero: none).
    #[must_use]
    pub fn cooldown(mut self, d: Duration) -> Self {
        self.cooldown = d;
        self
    }

    /// Sets the key prefix.
    #[must_use]
    pub fn prefix(mut self, p: impl Into<String>) -> Self {
        self.prefix = p.into();
        self
    }
}

/// What [`RedisLimitStore`](super::RedisLimitStore) answers when Redis fails or is too slow.
///
/// ```
/// use std::time::Duration;
/// use llmops_core::redis::LimitFailure;
/// assert_eq!(LimitFailure::default(), LimitFailure::Open);
/// let strict = LimitFailure::Closed { retry_in: Duration::from_secs(1) };
/// # let _ = strict;
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum LimitFailure {
    /// The store returns the error; the router lets the request through and records a
    /// `LimitStoreError` decision (default). The provider's own limits still apply (a 429
    /// is retried or falls back like any other), so an outage of the shared limiter does not
    /// become an outage of the service.
    #[default]
    Open,
    /// The store answers "no room, try again in `retry_in`": the router waits (within its
    /// `limit_wait` and the deadline) or skips the deployment, as for a full bucket.
    Closed {
        /// The wait announced to the router.
        retry_in: Duration,
    },
}

/// Counters of one Redis store since it was built (a snapshot).
///
/// `calls` are the calls that reached the network; `unavailable` ones failed at once during a
/// cool-down and are not in `calls`. Every failure is counted once in `errors` or `timeouts`
/// (or `unavailable`), and logged (`warn` when the connection starts cooling down, `debug`
/// after that).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RedisStats {
    /// Calls sent to Redis (connecting included).
    pub calls: u64,
    /// Calls that failed with an error (a refused or dropped connection, an error reply).
    pub errors: u64,
    /// Calls that took longer than the timeout.
    pub timeouts: u64,
    /// Calls refused at once because the connection was cooling down after a failure.
    pub unavailable: u64,
    /// Cache entries not stored because their serialised form exceeded the store's bound.
    pub too_large: u64,
    /// Cache entries read back that could not be decoded (served as misses).
    pub decode_errors: u64,
    /// Limit failures answered with "no room" under [`LimitFailure::Closed`].
    pub failed_closed: u64,
    /// Bucket corrections dropped (no Tokio runtime, or too many already queued).
    pub dropped_adjustments: u64,
}

impl RedisStats {
    /// Failed calls of every kind (`errors + timeouts + unavailable`).
    pub fn failures(&self) -> u64 {
        self.errors + self.timeouts + self.unavailable
    }

    /// The calls and failures as [`StoreCounts`], with no events (each store adds those
    /// that concern it when it implements [`StoreCounters`](crate::StoreCounters)).
    pub fn store_counts(&self) -> StoreCounts {
        StoreCounts::new(self.calls, self.errors, self.timeouts, self.unavailable)
    }
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) calls: AtomicU64,
    pub(crate) errors: AtomicU64,
    pub(crate) timeouts: AtomicU64,
    pub(crate) unavailable: AtomicU64,
    pub(crate) too_large: AtomicU64,
    pub(crate) decode_errors: AtomicU64,
    pub(crate) failed_closed: AtomicU64,
    pub(crate) dropped_adjustments: AtomicU64,
}

pub(crate) fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

impl Counters {
    pub(crate) fn snapshot(&self) -> RedisStats {
        let l = |c: &AtomicU64| c.load(Ordering::Relaxed);
        RedisStats {
            calls: l(&self.calls),
            errors: l(&self.errors),
            timeouts: l(&self.timeouts),
            unavailable: l(&self.unavailable),
            too_large: l(&self.too_large),
            decode_errors: l(&self.decode_errors),
            failed_closed: l(&self.failed_closed),
            dropped_adjustments: l(&self.dropped_adjustments),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_setters() {
        let o = RedisOptions::default();
        assert_eq!(o.timeout, Duration::from_millis(50));
        assert_eq!(o.prefix, "llmops");
        let o = o.timeout(Duration::ZERO).cooldown(Duration::ZERO);
        assert_eq!(
            o.timeout,
            Duration::from_millis(1),
            "a zero timeout is refused"
        );
        assert_eq!(o.cooldown, Duration::ZERO);
        let c = Counters::default();
        bump(&c.errors);
        bump(&c.timeouts);
        bump(&c.unavailable);
        assert_eq!(c.snapshot().failures(), 3);
    }
}
