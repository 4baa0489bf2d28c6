//! Integration tests of llmops-core: one binary, one module per area.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs,
    unreachable_pub
)]

#[cfg(feature = "anthropic")]
mod anthropic;
#[cfg(feature = "openai")]
mod batch;
#[cfg(feature = "cost")]
mod budget;
#[cfg(feature = "cache")]
mod cache;
#[cfg(all(feature = "cost", feature = "routing"))]
mod fault_costs;
#[cfg(all(feature = "routing", feature = "openai"))]
mod faults;
#[cfg(feature = "cost")]
mod ledger;
#[cfg(feature = "openai")]
mod openai;
mod pipeline;
#[cfg(feature = "prompts")]
mod prompts;
#[cfg(feature = "redis")]
mod redis;
#[cfg(all(feature = "redis", feature = "cost"))]
mod redis_budget;
#[cfg(feature = "redis")]
mod redis_support;
#[cfg(feature = "routing")]
mod routing;
mod support;
#[cfg(feature = "tools")]
mod tools;
mod types;
