//! [`Observer`]: sees one [`ExchangeRecord`] per exchange.

use std::sync::Arc;

use crate::Result;
use crate::exchange::ExchangeRecord;
use crate::feedback::Feedback;

/// Receives the record of every finished exchange.
///
/// `on_finish` is called synchronously from wherever the exchange ended (an async task, a
/// stream's `poll_next`, a `Drop`): it must not block and must not panic. Push the record into
/// your own bounded queue and do the work elsewhere; [`flush`](Observer::flush) drains it.
///
/// ```
/// use std::sync::atomic::{AtomicU64, Ordering};
/// use llmops_core::{ExchangeRecord, Observer};
///
/// /// Counts completed exchanges.
/// #[derive(Default)]
/// struct Completed(AtomicU64);
///
/// impl Observer for Completed {
///     fn on_finish(&self, rec: &ExchangeRecord) {
///         if rec.outcome.is_completed() {
///             self.0.fetch_add(1, Ordering::Relaxed);
///         }
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Observer: Send + Sync + 'static {
    /// A short name for diagnostics.
    fn name(&self) -> &str {
        std::any::type_name::<Self>()
    }
    /// One exchange ended. Synchronous, non-blocking, never panics.
    fn on_finish(&self, rec: &ExchangeRecord);
    /// User feedback on an earlier exchange arrived ([`Client::feedback`](crate::Client::feedback)).
    /// Same rules as `on_finish`. The default ignores it.
    fn on_feedback(&self, _feedback: &Feedback) {}
    /// An evaluation of an earlier exchange arrived
    /// ([`Client::record_evaluation`](crate::Client::record_evaluation)). Same rules as
    /// `on_finish`. The default ignores it.
    fn on_evaluation(&self, _result: &crate::EvaluationResult) {}
    /// Waits until everything received so far is processed (written, exported ...).
    async fn flush(&self) -> Result<()> {
        Ok(())
    }
    /// Flushes and releases resources; no record arrives after this.
    async fn shutdown(&self) -> Result<()> {
        self.flush().await
    }
}

#[async_trait::async_trait]
impl<T: Observer + ?Sized> Observer for Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn on_finish(&self, rec: &ExchangeRecord) {
        (**self).on_finish(rec)
    }
    fn on_feedback(&self, feedback: &Feedback) {
        (**self).on_feedback(feedback)
    }
    fn on_evaluation(&self, result: &crate::EvaluationResult) {
        (**self).on_evaluation(result)
    }
    async fn flush(&self) -> Result<()> {
        (**self).flush().await
    }
    async fn shutdown(&self) -> Result<()> {
        (**self).shutdown().await
    }
}

/// An observer that keeps every record in memory (tests, demos, `llmops chat --json`).
///
/// ```
/// use llmops_core::{Client, ChatRequest, MemoryObserver, ScriptedProvider};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let records = MemoryObserver::new();
/// let client = Client::builder()
///     .provider(ScriptedProvider::new().reply("ok"))
///     .observer(records.clone())
///     .build().unwrap();
/// client.chat(ChatRequest::new("scripted/m").user("hi")).await.unwrap();
/// assert_eq!(records.len(), 1);
/// # });
/// ```
#[derive(Debug, Clone, Default)]
pub struct MemoryObserver {
    records: Arc<std::sync::Mutex<Vec<ExchangeRecord>>>,
}

impl MemoryObserver {
    /// An empty observer.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the records received so far.
    pub fn records(&self) -> Vec<ExchangeRecord> {
        match self.records.lock() {
            Ok(r) => r.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }

    /// How many records were received.
    pub fn len(&self) -> usize {
        match self.records.lock() {
            Ok(r) => r.len(),
            Err(p) => p.into_inner().len(),
        }
    }

    /// Whether none was received.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Removes and returns the records.
    pub fn take(&self) -> Vec<ExchangeRecord> {
        match self.records.lock() {
            Ok(mut r) => std::mem::take(&mut *r),
            Err(p) => std::mem::take(&mut *p.into_inner()),
        }
    }
}

impl Observer for MemoryObserver {
    fn name(&self) -> &str {
        "memory"
    }
    fn on_finish(&self, rec: &ExchangeRecord) {
        match self.records.lock() {
            Ok(mut r) => r.push(rec.clone()),
            Err(p) => p.into_inner().push(rec.clone()),
        }
    }
}
