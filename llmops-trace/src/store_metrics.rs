//! Counters of shared stores (the Redis cache, rate-limit and budget stores) in the metrics:
//! registered with [`Metrics::watch_store`](crate::Metrics::watch_store), read when the
//! metrics are read (a snapshot or a scrape), never on the request path.
//!
//! Prometheus (`<store>` is the registered name):
//! - `llmops_store_calls_total{llmops_store="<store>"}`: calls sent to the backend;
//! - `llmops_store_failures_total{llmops_store="<store>",error_type="error|timeout|unavailable"}`:
//!   failed calls (`unavailable`: refused at once during a cool-down after a failure);
//! - `llmops_store_events_total{llmops_store="<store>",llmops_event="..."}`: the store's own
//!   events (`too_large`, `decode_errors`, `failed_closed`, `dropped_adjustments`).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Arc, RwLock};

use llmops_core::{StoreCounters, StoreCounts, semconv};

/// The watched stores by name.
#[derive(Default)]
pub(crate) struct Watched {
    stores: RwLock<BTreeMap<String, Arc<dyn StoreCounters>>>,
}

impl Watched {
    pub(crate) fn insert(&self, name: String, store: Arc<dyn StoreCounters>) {
        let mut m = match self.stores.write() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        m.insert(name, store);
    }

    /// Every watched store's counters now.
    pub(crate) fn counts(&self) -> BTreeMap<String, StoreCounts> {
        let m = match self.stores.read() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        m.iter()
            .map(|(k, s)| (k.clone(), s.store_counts()))
            .collect()
    }
}

impl crate::Metrics {
    /// Exports the counters of a shared store (calls, failures, its own events) under
    /// `name` (`redis-budget`, `redis-cache`, `redis-limits` ...; a second store under the
    /// same name replaces the first). Pass a clone of the store: clones share their counters.
    /// They are read when the metrics are, never on the request path.
    ///
    /// ```
    /// use llmops_core::{StoreCounters, StoreCounts};
    /// use llmops_trace::Metrics;
    /// # #[derive(Clone)] struct MyStore;
    /// # impl StoreCounters for MyStore { fn store_counts(&self) -> StoreCounts { StoreCounts::new(7, 1, 0, 0) } }
    /// let store = MyStore; // e.g. a llmops_core::redis::RedisBudgetStore
    /// let metrics = Metrics::new().unwrap();
    /// metrics.watch_store("redis-budget", store.clone());
    /// assert_eq!(metrics.snapshot().stores["redis-budget"].calls, 7);
    /// assert!(metrics.prometheus().contains("llmops_store_calls_total{llmops_store=\"redis-budget\"} 7"));
    /// ```
    pub fn watch_store(&self, name: impl Into<String>, store: impl StoreCounters) {
        self.stores.insert(name.into(), Arc::new(store));
    }
}

fn metric(n: &str, suffix: &str) -> String {
    format!("{}{suffix}", n.replace('.', "_"))
}

/// Appends the three store counter families (nothing when no store is watched).
pub(crate) fn prometheus(
    out: &mut String,
    stores: &BTreeMap<String, StoreCounts>,
    esc: fn(&str) -> String,
) {
    if stores.is_empty() {
        return;
    }
    let label = metric(semconv::LLMOPS_STORE, "");
    let kind = metric(semconv::ERROR_TYPE, "");
    let event = metric(semconv::LLMOPS_EVENT, "");
    let family = |out: &mut String, name: &str, help: &str, rows: Vec<(String, u64)>| {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} counter");
        for (l, v) in rows {
            let _ = writeln!(out, "{name}{{{l}}} {v}");
        }
    };
    let mut calls = Vec::new();
    let mut failures = Vec::new();
    let mut events = Vec::new();
    for (name, c) in stores {
        let store = format!("{label}=\"{}\"", esc(name));
        calls.push((store.clone(), c.calls));
        for (k, v) in [
            ("error", c.errors),
            ("timeout", c.timeouts),
            ("unavailable", c.unavailable),
        ] {
            failures.push((format!("{store},{kind}=\"{k}\""), v));
        }
        for (e, v) in &c.events {
            events.push((format!("{store},{event}=\"{}\"", esc(e)), *v));
        }
    }
    family(
        out,
        &metric(semconv::LLMOPS_STORE_CALLS, "_total"),
        "Calls a shared store sent to its backend.",
        calls,
    );
    family(
        out,
        &metric(semconv::LLMOPS_STORE_FAILURES, "_total"),
        "Failed calls of a shared store, by kind.",
        failures,
    );
    family(
        out,
        &metric(semconv::LLMOPS_STORE_EVENTS, "_total"),
        "Events of a shared store (entries too large, undecodable entries, closed failures, dropped corrections).",
        events,
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Fixed(StoreCounts);
    impl StoreCounters for Fixed {
        fn store_counts(&self) -> StoreCounts {
            self.0.clone()
        }
    }

    #[test]
    fn families_and_labels() {
        let w = Watched::default();
        let mut out = String::new();
        prometheus(&mut out, &w.counts(), |s| s.to_owned());
        assert!(out.is_empty());
        w.insert(
            "redis-cache".into(),
            Arc::new(Fixed(StoreCounts::new(5, 1, 2, 3).event("too_large", 4))),
        );
        prometheus(&mut out, &w.counts(), |s| s.to_owned());
        assert!(out.contains("llmops_store_calls_total{llmops_store=\"redis-cache\"} 5\n"));
        assert!(out.contains(
            "llmops_store_failures_total{llmops_store=\"redis-cache\",error_type=\"timeout\"} 2\n"
        ));
        assert!(out.contains(
            "llmops_store_events_total{llmops_store=\"redis-cache\",llmops_event=\"too_large\"} 4\n"
        ));
        assert_eq!(out.matches("# TYPE").count(), 3);
    }
}
