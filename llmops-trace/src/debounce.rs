//! [`Debounced`]: an [`AlertSink`] wrapper that forwards one alert per rule (and key) per
//! window and counts the rest.
//!
//! It is the seam every alert source shares: [`AlertRules`](crate::AlertRules),
//! [`ModelDrift`](crate::ModelDrift) and the evaluation layer's `eval_score_drop` rule all
//! send through an `Arc<dyn AlertSink>`, so wrapping the delivering sink (a
//! [`WebhookAlerts`](crate::WebhookAlerts), [`TracingAlerts`](crate::TracingAlerts), a pager)
//! once debounces them all.

use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, Utc};
use llmops_core::{Alert, AlertSink};

/// What alerts are debounced by: the rule, and `data["key"]` when it is a string.
type Key = (String, Option<String>);

/// Forwards an alert to the inner sink only if no alert with the same `rule` (and the same
/// `data["key"]` string, when there is one) was forwarded within `window`; the others are
/// counted in [`suppressed`](Self::suppressed).
///
/// Time is the alert's own `at` (event time), not the wall clock: replaying a log debounces
/// the same way as live traffic, and tests are deterministic. An alert within `window` of the
/// last forwarded one, before or after it, is suppressed. A failed delivery does not count:
/// the next alert of that rule and key is forwarded, and the error is returned to the caller.
///
/// Put per-model (or per-dataset, per-feature) labels in `data["key"]` so that each debounces
/// on its own: a score drop on `gpt-4o` does not hide one on `claude-sonnet`.
///
/// # The evaluation layer's `eval_score_drop`
///
/// The evaluation layer raises `eval_score_drop` through the same [`AlertSink`] as the
/// observability rules, keyed by what dropped. Over a webhook:
///
/// ```no_run
/// use std::sync::Arc;
/// use std::time::Duration;
/// use llmops_core::{Alert, AlertSink, Severity};
/// use llmops_trace::{Debounced, WebhookAlerts};
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let hook = WebhookAlerts::builder("https://alerts.example.com/llmops")
///     .header("Authorization", "Bearer s3cret")
///     .build()?;
/// let sink: Arc<dyn AlertSink> = Arc::new(Debounced::new(hook, Duration::from_secs(3600)));
///
/// let mut drop = Alert::now("eval_score_drop", Severity::Critical, "faithfulness 0.91 -> 0.78 on gpt-4o");
/// drop.data = serde_json::json!({"key": "gpt-4o", "metric": "faithfulness", "score": 0.78, "baseline": 0.91});
/// sink.send(&drop).await?; // POSTed
/// sink.send(&drop).await?; // same rule and key within the hour: suppressed
/// # Ok(())
/// # }
/// ```
///
/// The same, with a sink that counts what it receives:
///
/// ```
/// use std::sync::atomic::{AtomicUsize, Ordering};
/// use std::time::Duration;
/// use llmops_core::{async_trait, Alert, AlertSink, Result, Severity};
/// use llmops_trace::Debounced;
///
/// #[derive(Default)]
/// struct Count(AtomicUsize);
/// #[async_trait]
/// impl AlertSink for Count {
///     async fn send(&self, _: &Alert) -> Result<()> { self.0.fetch_add(1, Ordering::Relaxed); Ok(()) }
/// }
///
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<()> {
/// let sink = Debounced::new(Count::default(), Duration::from_secs(3600));
/// let score_drop = |model: &str, minutes: i64| {
///     let mut a = Alert::now("eval_score_drop", Severity::Critical, format!("faithfulness dropped on {model}"));
///     a.at = chrono::DateTime::UNIX_EPOCH + chrono::Duration::minutes(minutes);
///     a.data = serde_json::json!({"key": model, "score": 0.78, "baseline": 0.91});
///     a
/// };
/// sink.send(&score_drop("gpt-4o", 0)).await?;         // forwarded
/// sink.send(&score_drop("gpt-4o", 10)).await?;        // suppressed: same model within the hour
/// sink.send(&score_drop("claude-sonnet", 10)).await?; // forwarded: another model
/// sink.send(&score_drop("gpt-4o", 61)).await?;        // forwarded: the hour has passed
/// assert_eq!((sink.forwarded(), sink.suppressed()), (3, 1));
/// assert_eq!(sink.inner().0.load(Ordering::Relaxed), 3);
/// # Ok(())
/// # }
/// ```
pub struct Debounced<S> {
    inner: S,
    window: chrono::Duration,
    last: Mutex<HashMap<Key, DateTime<Utc>>>,
    forwarded: AtomicU64,
    suppressed: AtomicU64,
}

impl<S> fmt::Debug for Debounced<S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Debounced")
            .field("window", &self.window)
            .field("forwarded", &self.forwarded())
            .field("suppressed", &self.suppressed())
            .finish_non_exhaustive()
    }
}

impl<S: AlertSink> Debounced<S> {
    /// Wraps `inner`: one alert per rule (and key) per `window` gets through.
    ///
    /// ```
    /// use std::time::Duration;
    /// use llmops_trace::{Debounced, TracingAlerts};
    /// let sink = Debounced::new(TracingAlerts, Duration::from_secs(300));
    /// assert_eq!(sink.suppressed(), 0);
    /// ```
    pub fn new(inner: S, window: Duration) -> Self {
        Debounced {
            inner,
            window: chrono::Duration::from_std(window).unwrap_or(chrono::Duration::MAX),
            last: Mutex::new(HashMap::new()),
            forwarded: AtomicU64::new(0),
            suppressed: AtomicU64::new(0),
        }
    }
}

impl<S> Debounced<S> {
    /// The wrapped sink.
    pub fn inner(&self) -> &S {
        &self.inner
    }

    /// How many alerts were delivered by the inner sink.
    pub fn forwarded(&self) -> u64 {
        self.forwarded.load(Ordering::Relaxed)
    }

    /// How many alerts were suppressed because one of the same rule and key had been
    /// forwarded within the window.
    pub fn suppressed(&self) -> u64 {
        self.suppressed.load(Ordering::Relaxed)
    }

    fn lock(&self) -> MutexGuard<'_, HashMap<Key, DateTime<Utc>>> {
        // the map stays consistent across a panic elsewhere: every update is one insert/remove
        self.last.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn within(&self, a: DateTime<Utc>, b: DateTime<Utc>) -> bool {
        let gap = if a >= b {
            a.signed_duration_since(b)
        } else {
            b.signed_duration_since(a)
        };
        gap < self.window
    }

    /// Claims the slot of `key` for an alert at `at`; the previous holder when it was free.
    fn claim(&self, key: &Key, at: DateTime<Utc>) -> Result<Option<DateTime<Utc>>, ()> {
        let mut last = self.lock();
        let prev = last.get(key).copied();
        if prev.is_some_and(|t| self.within(at, t)) {
            return Err(());
        }
        // keys quiet for a window can never suppress again: drop them so the map stays small
        last.retain(|_, t| self.within(at, *t) || *t > at);
        let newest = prev.map_or(at, |t| t.max(at));
        last.insert(key.clone(), newest);
        Ok(prev)
    }

    /// Gives the slot back after a failed delivery, unless another alert claimed it since.
    fn release(&self, key: Key, at: DateTime<Utc>, prev: Option<DateTime<Utc>>) {
        let mut last = self.lock();
        if last.get(&key) == Some(&prev.map_or(at, |t| t.max(at))) {
            match prev {
                Some(t) => last.insert(key, t),
                None => last.remove(&key),
            };
        }
    }
}

fn key_of(alert: &Alert) -> Key {
    let label = alert
        .data
        .get("key")
        .and_then(serde_json::Value::as_str)
        .map(str::to_owned);
    (alert.rule.clone(), label)
}

#[async_trait]
impl<S: AlertSink> AlertSink for Debounced<S> {
    async fn send(&self, alert: &Alert) -> llmops_core::Result<()> {
        let key = key_of(alert);
        let Ok(prev) = self.claim(&key, alert.at) else {
            self.suppressed.fetch_add(1, Ordering::Relaxed);
            tracing::trace!(target: "llmops::alert", rule = %alert.rule, "alert debounced");
            return Ok(());
        };
        match self.inner.send(alert).await {
            Ok(()) => {
                self.forwarded.fetch_add(1, Ordering::Relaxed);
                Ok(())
            }
            Err(e) => {
                self.release(key, alert.at, prev);
                Err(e)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use llmops_core::Severity;

    use super::*;

    #[derive(Default)]
    struct Flaky {
        fail: AtomicBool,
        got: AtomicU64,
    }

    #[async_trait]
    impl AlertSink for Flaky {
        async fn send(&self, _: &Alert) -> llmops_core::Result<()> {
            if self.fail.load(Ordering::Relaxed) {
                return Err(llmops_core::Error::extension("flaky", "down"));
            }
            self.got.fetch_add(1, Ordering::Relaxed);
            Ok(())
        }
    }

    fn at(rule: &str, secs: i64) -> Alert {
        let mut a = Alert::now(rule, Severity::Warning, "m");
        a.at = DateTime::UNIX_EPOCH + chrono::Duration::seconds(secs);
        a
    }

    #[tokio::test]
    async fn a_failed_delivery_does_not_suppress_the_next() {
        let d = Debounced::new(Flaky::default(), Duration::from_secs(60));
        d.inner().fail.store(true, Ordering::Relaxed);
        assert!(d.send(&at("r", 0)).await.is_err());
        d.inner().fail.store(false, Ordering::Relaxed);
        d.send(&at("r", 1)).await.unwrap();
        assert_eq!((d.forwarded(), d.suppressed()), (1, 0));
    }

    #[tokio::test]
    async fn late_events_within_the_window_are_suppressed() {
        let d = Debounced::new(Flaky::default(), Duration::from_secs(60));
        d.send(&at("r", 100)).await.unwrap();
        d.send(&at("r", 50)).await.unwrap(); // earlier, but within the window
        d.send(&at("r", 10)).await.unwrap(); // 90 s before: its own window
        d.send(&at("r", 159)).await.unwrap();
        d.send(&at("r", 160)).await.unwrap();
        assert_eq!((d.forwarded(), d.suppressed()), (3, 2));
    }

    #[tokio::test]
    async fn quiet_keys_are_forgotten() {
        let d = Debounced::new(Flaky::default(), Duration::from_secs(60));
        for i in 0..100 {
            d.send(&at(&format!("r{i}"), i)).await.unwrap();
        }
        d.send(&at("x", 1000)).await.unwrap();
        assert_eq!(d.lock().len(), 1);
    }

    #[tokio::test]
    async fn non_string_keys_debounce_by_rule() {
        let d = Debounced::new(Flaky::default(), Duration::from_secs(60));
        let mut a = at("r", 0);
        a.data = serde_json::json!({"key": 1});
        d.send(&a).await.unwrap();
        a.data = serde_json::json!({"key": 2});
        d.send(&a).await.unwrap();
        assert_eq!(d.suppressed(), 1);
    }
}
