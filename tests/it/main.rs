//! Facade integration tests: one binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

#[cfg(all(feature = "cache", feature = "fastembed"))]
mod cache_semantic;
#[cfg(feature = "cli")]
mod cli;
#[cfg(all(feature = "cli", feature = "cost", feature = "trace"))]
mod cli_cost;
#[cfg(all(feature = "cli", feature = "eval"))]
mod cli_eval;
#[cfg(all(feature = "cli", feature = "guard"))]
mod cli_guard;
#[cfg(all(feature = "cli", feature = "prompts"))]
mod cli_prompt;
#[cfg(all(feature = "cli", feature = "rag"))]
mod cli_rag;
#[cfg(all(feature = "cli", any(feature = "guard", feature = "tokens")))]
mod cli_support;
#[cfg(all(feature = "cli", feature = "tokens"))]
mod cli_tokens;
mod facade;
#[cfg(all(feature = "cache", feature = "fastembed"))]
#[path = "../common/minilm.rs"]
mod minilm;
