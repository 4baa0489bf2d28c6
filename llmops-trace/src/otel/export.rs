//! The export path: a processor that counts spans ended, an exporter wrapper that counts what
//! the collector took or refused and applies the OpenInference and legacy mappings on the
//! export task (never on the request path).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use opentelemetry::Context;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::error::{OTelSdkError, OTelSdkResult};
use opentelemetry_sdk::trace::{Span, SpanData, SpanExporter, SpanProcessor};

use super::openinference;

/// What happened to the spans of one [`Otel`](super::Otel).
///
/// `dropped` is `ended − exported − failed − in flight`: exact once [`Otel::flush`](super::Otel::flush)
/// returned (spans the full queue refused, or lost at shutdown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct ExportStats {
    /// Spans ended (handed to the batch processor).
    pub ended: u64,
    /// Spans the collector accepted.
    pub exported: u64,
    /// Spans in batches the collector refused or could not be reached for.
    pub failed: u64,
    /// Export attempts that failed.
    pub failed_batches: u64,
    /// Spans neither exported nor failed (the queue was full): see above.
    pub dropped: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    ended: AtomicU64,
    exported: AtomicU64,
    failed: AtomicU64,
    failed_batches: AtomicU64,
}

impl Counters {
    pub(crate) fn snapshot(&self) -> ExportStats {
        let ended = self.ended.load(Ordering::Acquire);
        let exported = self.exported.load(Ordering::Acquire);
        let failed = self.failed.load(Ordering::Acquire);
        ExportStats {
            ended,
            exported,
            failed,
            failed_batches: self.failed_batches.load(Ordering::Acquire),
            dropped: ended.saturating_sub(exported + failed),
        }
    }
}

/// Counts spans ended, then hands them to the batch processor.
#[derive(Debug)]
pub(crate) struct CountingProcessor<P> {
    inner: P,
    counters: Arc<Counters>,
}

impl<P> CountingProcessor<P> {
    pub(crate) fn new(inner: P, counters: Arc<Counters>) -> Self {
        CountingProcessor { inner, counters }
    }
}

impl<P: SpanProcessor> SpanProcessor for CountingProcessor<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.inner.on_start(span, cx)
    }
    fn on_end(&self, span: SpanData) {
        if span.span_context.is_sampled() {
            self.counters.ended.fetch_add(1, Ordering::Relaxed);
        }
        self.inner.on_end(span)
    }
    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }
    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }
    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource)
    }
}

/// Wraps the OTLP exporter: maps attributes (OpenInference, legacy) and counts outcomes. The
/// SDK's batch processor calls it on its own thread; the export itself (async reqwest or
/// tonic) runs on the host's Tokio runtime, captured at install.
#[derive(Debug)]
pub(crate) struct LlmopsExporter<E> {
    inner: Arc<E>,
    runtime: tokio::runtime::Handle,
    counters: Arc<Counters>,
    openinference: bool,
    legacy: bool,
}

impl<E> LlmopsExporter<E> {
    pub(crate) fn new(
        inner: E,
        runtime: tokio::runtime::Handle,
        counters: Arc<Counters>,
        openinference: bool,
        legacy: bool,
    ) -> Self {
        LlmopsExporter {
            inner: Arc::new(inner),
            runtime,
            counters,
            openinference,
            legacy,
        }
    }
}

impl<E: SpanExporter + 'static> SpanExporter for LlmopsExporter<E> {
    async fn export(&self, mut batch: Vec<SpanData>) -> OTelSdkResult {
        if self.openinference || self.legacy {
            for span in &mut batch {
                openinference::map(&mut span.attributes, self.openinference, self.legacy);
            }
        }
        let n = batch.len() as u64;
        let inner = self.inner.clone();
        let res = match self
            .runtime
            .spawn(async move { inner.export(batch).await })
            .await
        {
            Ok(r) => r,
            Err(e) => Err(OTelSdkError::InternalFailure(format!(
                "the export task ended: {e}"
            ))),
        };
        match &res {
            Ok(()) => {
                self.counters.exported.fetch_add(n, Ordering::Release);
            }
            Err(_) => {
                self.counters.failed.fetch_add(n, Ordering::Release);
                self.counters.failed_batches.fetch_add(1, Ordering::Release);
            }
        }
        res
    }
    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }
    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }
    fn set_resource(&mut self, resource: &Resource) {
        // called once while the provider is built, before any export shares `inner`
        if let Some(e) = Arc::get_mut(&mut self.inner) {
            e.set_resource(resource)
        }
    }
}
