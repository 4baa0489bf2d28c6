//! # llmops-trace
//!
//! Observability and governance for llmops: when it breaks at 2am, the records say why; when
//! someone asks who approved what, the audit trail answers.
//!
//! Landed so far (issue 3 is in progress):
//! - [`RequestLog`]: an [`Observer`](llmops_core::Observer) writing every
//!   [`ExchangeRecord`](llmops_core::ExchangeRecord) as one JSON line, redacted through core's
//!   [`Redactor`](llmops_core::Redactor), off the request path (bounded queue: a counted drop
//!   or back-pressure, by configuration), with size-bounded rotation.
//! - [`AuditLog`]: an [`AuditSink`](llmops_core::AuditSink) writing an append-only JSONL
//!   trail chained by SHA-256; [`audit::verify`] names the first edited, removed, inserted or
//!   reordered record; [`AuditLog::exchange_observer`] audits every exchange and never drops.
//!
//! Still to come with issue 3: GenAI spans bridged to OpenTelemetry and OTLP export, metrics
//! and Prometheus text, alerts and model-drift detection, feedback, `log show | replay`.
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

pub mod audit;
mod error;
mod queue;
mod request_log;

pub use audit::{AuditEntry, AuditLog, ExchangeAudit};
pub use error::{Error, Result};
pub use llmops_core;
pub use queue::WhenFull;
pub use request_log::{RequestLog, RequestLogOptions, RequestLogStats};
