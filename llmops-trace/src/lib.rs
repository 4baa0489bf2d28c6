//! llmops trace layer (lands with its own issue).
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub use llmops_core;
