//! Helpers shared by llmops-guard's integration tests.

pub(crate) mod stream;
