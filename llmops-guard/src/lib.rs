//! llmops guard layer: guardrail scanners and detectors, tool policy, approvals.
//!
//! A placeholder: the layer lands with issue 8. Until then the crate only re-exports
//! [`llmops_core`], so the facade's `guard` feature compiles and its wiring is tested.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub use llmops_core;
