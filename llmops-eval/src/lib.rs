//! llmops eval layer: evaluators, datasets, runner, reports, CI gates, online evaluation.
//!
//! A placeholder: the layer lands with issue 5. Until then the crate only re-exports
//! [`llmops_core`], so the facade's `eval` feature compiles and its wiring is tested.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub use llmops_core;
