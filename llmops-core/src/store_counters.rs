//! [`StoreCounters`]: what a store shared between processes (Redis) counts about its calls,
//! read by a metrics exporter without knowing the store.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A store's counters at one moment: calls to its backend and how they failed, plus events of
/// its own (entries too large to store, undecodable entries ...).
///
/// `calls` are the calls that reached the backend; a call refused at once (a cool-down after
/// a failure) is in `unavailable` and not in `calls`. Each failure is counted once, in
/// `errors`, `timeouts` or `unavailable`.
///
/// ```
/// use llmops_core::StoreCounts;
/// let c = StoreCounts::new(10, 1, 2, 3).event("too_large", 4);
/// assert_eq!(c.failures(), 6);
/// assert_eq!(c.events["too_large"], 4);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct StoreCounts {
    /// Calls sent to the backend.
    pub calls: u64,
    /// Calls that failed with an error (a refused or dropped connection, an error reply).
    pub errors: u64,
    /// Calls that took longer than the store's timeout.
    pub timeouts: u64,
    /// Calls failed at once, without touching the backend (it was cooling down after a
    /// failure).
    pub unavailable: u64,
    /// Events of the store's own, by name (`too_large`, `decode_errors`, `failed_closed` ...).
    pub events: BTreeMap<String, u64>,
}

impl StoreCounts {
    /// Counts without events.
    pub fn new(calls: u64, errors: u64, timeouts: u64, unavailable: u64) -> Self {
        StoreCounts {
            calls,
            errors,
            timeouts,
            unavailable,
            events: BTreeMap::new(),
        }
    }

    /// Adds (or replaces) the count of the event `name`.
    #[must_use]
    pub fn event(mut self, name: impl Into<String>, n: u64) -> Self {
        self.events.insert(name.into(), n);
        self
    }

    /// Failed calls of every kind (`errors + timeouts + unavailable`).
    pub fn failures(&self) -> u64 {
        self.errors
            .saturating_add(self.timeouts)
            .saturating_add(self.unavailable)
    }
}

/// A store whose counters a metrics exporter can read (the Redis stores implement it): hand
/// a clone of the store to the exporter (`llmops_trace::Metrics::watch_store`), which reads
/// [`store_counts`](Self::store_counts) when it is scraped, never on the request path.
///
/// ```
/// use std::sync::Arc;
/// use llmops_core::{StoreCounters, StoreCounts};
/// struct Remote;
/// impl StoreCounters for Remote {
///     fn store_counts(&self) -> StoreCounts {
///         StoreCounts::new(3, 1, 0, 0)
///     }
/// }
/// let watched: Arc<dyn StoreCounters> = Arc::new(Remote);
/// assert_eq!(watched.store_counts().failures(), 1);
/// ```
pub trait StoreCounters: Send + Sync + 'static {
    /// The counters now (cumulative since the store was built).
    fn store_counts(&self) -> StoreCounts;
}

impl<T: StoreCounters + ?Sized> StoreCounters for Arc<T> {
    fn store_counts(&self) -> StoreCounts {
        (**self).store_counts()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failures_add_up_and_saturate() {
        let c = StoreCounts::new(1, u64::MAX, 1, 0);
        assert_eq!(c.failures(), u64::MAX);
        let c = StoreCounts::default().event("a", 1).event("a", 2);
        assert_eq!(c.events.len(), 1);
        assert_eq!(c.events["a"], 2);
    }
}
