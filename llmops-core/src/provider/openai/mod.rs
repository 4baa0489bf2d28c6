//! OpenAI-compatible chat completions and embeddings. (STUB: being implemented.)
#![allow(missing_docs, clippy::unwrap_used)]
use crate::{ApiKey, ChatRequest, Exchange, Reply, Result, Error};

/// OpenAI-compatible provider (stub).
#[derive(Debug, Clone)]
pub struct OpenAi;
impl OpenAi {
    /// From `OPENAI_API_KEY` / `OPENAI_BASE_URL`.
    pub fn from_env() -> Result<Self> { Err(Error::config("stub")) }
    /// Any OpenAI-compatible server at this base URL (`http://127.0.0.1:8000/v1`).
    pub fn compatible(_base_url: impl Into<String>) -> Self { OpenAi }
    /// api.openai.com with this key.
    pub fn new(_key: ApiKey) -> Self { OpenAi }
}
#[async_trait::async_trait]
impl crate::Provider for OpenAi {
    fn name(&self) -> &str { "openai" }
    async fn chat(&self, _req: &ChatRequest, _cx: &Exchange) -> Result<Reply> { Err(Error::config("stub")) }
}
/// Embeddings (stub).
#[derive(Debug, Clone)]
pub struct OpenAiEmbedder;
