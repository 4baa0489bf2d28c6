//! Anthropic Messages API. (STUB: being implemented.)
#![allow(missing_docs)]
use crate::{ApiKey, ChatRequest, Exchange, Reply, Result, Error};

/// Anthropic provider (stub).
#[derive(Debug, Clone)]
pub struct Anthropic;
impl Anthropic {
    /// From `ANTHROPIC_API_KEY` / `ANTHROPIC_BASE_URL`.
    pub fn from_env() -> Result<Self> { Err(Error::config("stub")) }
    /// api.anthropic.com with this key.
    pub fn new(_key: ApiKey) -> Self { Anthropic }
}
#[async_trait::async_trait]
impl crate::Provider for Anthropic {
    fn name(&self) -> &str { "anthropic" }
    async fn chat(&self, _req: &ChatRequest, _cx: &Exchange) -> Result<Reply> { Err(Error::config("stub")) }
}
