//! # llmops
#![deny(missing_docs)]
#![forbid(unsafe_code)]
pub use llmops_core::*;
