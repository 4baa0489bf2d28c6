//! OpenTelemetry end to end: spans and metrics exported over OTLP to a local receiver and
//! decoded with opentelemetry-proto, and to a real Arize Phoenix when `.ci/run` started one.
//!
//! A binary of its own whose tests take turns (a lock): `tracing` caches callsite interest
//! process-wide, and per-thread subscribers of concurrent tests made span counts flaky.
#![cfg(feature = "otlp")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod export;
mod phoenix;
mod support;
