//! # llmops-trace
//!
//! Observability and governance for llmops: when it breaks at 2am, the records say why; when
//! someone asks who approved what, the audit trail answers.
//!
//! What it holds:
//! - [`RequestLog`]: an [`Observer`](llmops_core::Observer) writing every
//!   [`ExchangeRecord`](llmops_core::ExchangeRecord) as one JSON line, redacted through core's
//!   [`Redactor`](llmops_core::Redactor), off the request path (bounded queue: a counted drop
//!   or back-pressure, by configuration), with size-bounded rotation.
//! - [`AuditLog`]: an [`AuditSink`](llmops_core::AuditSink) writing an append-only JSONL
//!   trail chained by SHA-256; [`audit::verify`] names the first edited, removed, inserted or
//!   reordered record; [`AuditLog::exchange_observer`] audits every exchange and never drops.
//!
//! - [`Metrics`]: `gen_ai.client.operation.duration` and `gen_ai.client.token.usage` with the
//!   GenAI bucket boundaries, time to first token, overhead, cost, errors by class, cache hits
//!   and guard blocks; p50/p95/p99 per model, feature and prompt version from HDR histograms;
//!   Prometheus text for a `/metrics` route, with the calls and failures of shared (Redis)
//!   stores ([`Metrics::watch_store`]). No lock on the request path.
//!
//! - [`ModelDrift`]: the model a provider actually answered with (and its system fingerprint)
//!   is tracked per requested model; a change raises a `model_drift` alert through an
//!   [`AlertSink`](llmops_core::AlertSink) ([`TracingAlerts`] by default) and is audited.
//!
//! - [`AlertRules`]: error rate, p95 latency against a baseline window, cost per hour, input
//!   tokens per exchange against a baseline (the forgotten debug string), cache hit rate; on
//!   event time, debounced to one alert per rule per window.
//!
//! Still to come with issue 3: GenAI spans bridged to OpenTelemetry and OTLP export (traces
//! and metrics), the webhook alert sink and the eval score-drop rule, feedback, `log show | replay`.
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings), allow(dead_code))))]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod alerts;
pub mod audit;
mod debounce;
mod drift;
mod error;
mod metrics;
#[cfg(feature = "otlp")]
pub mod otel;
mod queue;
pub mod replay;
mod request_log;
mod store_metrics;
mod webhook;

pub use alerts::{AlertRules, Rule};
pub use audit::{AuditEntry, AuditLog, ExchangeAudit};
pub use debounce::Debounced;
pub use drift::{Baseline, ModelDrift, TracingAlerts};
pub use error::{Error, Result};
pub use llmops_core;
pub use metrics::{
    DURATION_BUCKETS, Distribution, FEEDBACK_ATTRIBUTION_WINDOW, FEEDBACK_SCORE_BUCKETS,
    MAX_FEEDBACK_LABELS, Metrics, MetricsSnapshot, ScoreDistribution, Series, SeriesKey,
    TOKEN_BUCKETS,
};
pub use queue::WhenFull;
pub use replay::ReplayReport;
pub use request_log::{
    LineRedaction, LogEntry, REDACTION_ANNOTATION, RequestLog, RequestLogOptions, RequestLogStats,
};
pub use webhook::{MAX_BACKOFF, PayloadFormat, WebhookAlerts, WebhookAlertsBuilder, WebhookError};
