//! Integration tests of llmops-trace: one binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

mod audit;
mod drift;
mod metrics;
mod nothing_lost;
mod replay;
mod request_log;
mod webhook;
