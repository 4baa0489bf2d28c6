//! [`OpenAiEmbedder`]: `/embeddings` on any OpenAI-compatible server.

use serde::{Deserialize, Serialize};

use super::OpenAi;
use crate::embed::Embedder;
use crate::error::{ProviderError, ProviderErrorKind};
use crate::provider::http;
use crate::{Error, Result};

/// Embeddings through an OpenAI-compatible `/embeddings` endpoint, batched.
///
/// ```
/// use llmops_core::{ApiKey, Embedder, OpenAi};
/// let e = OpenAi::new(ApiKey::new("sk-test")).embedder("text-embedding-3-small");
/// assert_eq!(e.dims(), 1536);
/// assert_eq!(e.id(), "openai/text-embedding-3-small");
/// ```
#[derive(Debug, Clone)]
pub struct OpenAiEmbedder {
    provider: OpenAi,
    model: String,
    id: String,
    dims: usize,
    request_dims: Option<usize>,
    batch: usize,
}

impl OpenAiEmbedder {
    pub(super) fn new(provider: OpenAi, model: String) -> Self {
        let dims = match model.as_str() {
            "text-embedding-3-large" => 3072,
            "text-embedding-3-small" | "text-embedding-ada-002" => 1536,
            _ => 0,
        };
        OpenAiEmbedder {
            id: format!("{}/{model}", provider.name),
            provider,
            model,
            dims,
            request_dims: None,
            batch: 256,
        }
    }

    /// Asks the server for vectors of `n` dimensions (`dimensions`), or declares the size of a
    /// model the table does not know.
    #[must_use]
    pub fn with_dims(mut self, n: usize) -> Self {
        if self.dims != 0 && self.dims != n {
            self.request_dims = Some(n);
        }
        self.dims = n;
        self.id = format!("{}/{}@{n}", self.provider.name, self.model);
        self
    }

    /// Texts per request (default 256; OpenAI accepts up to 2048).
    #[must_use]
    pub fn batch_size(mut self, n: usize) -> Self {
        self.batch = n.max(1);
        self
    }
}

#[derive(Serialize)]
struct Body<'a> {
    model: &'a str,
    input: &'a [&'a str],
    encoding_format: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    dimensions: Option<usize>,
}

#[derive(Deserialize)]
struct Resp {
    #[serde(default)]
    data: Vec<Item>,
}

#[derive(Deserialize)]
struct Item {
    #[serde(default)]
    index: usize,
    embedding: Vec<f32>,
}

#[async_trait::async_trait]
impl Embedder for OpenAiEmbedder {
    fn id(&self) -> &str {
        &self.id
    }

    fn dims(&self) -> usize {
        self.dims
    }

    async fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        if self.dims == 0 {
            return Err(Error::config(format!(
                "embedding model `{}` has no known dimensions: set them with `.with_dims(n)`",
                self.model
            )));
        }
        let name = &self.provider.name;
        let (url, key) = self.provider.target("embeddings", &self.model, None);
        let mut out = Vec::with_capacity(texts.len());
        for batch in texts.chunks(self.batch) {
            let body = serde_json::to_vec(&Body {
                model: &self.model,
                input: batch,
                encoding_format: "float",
                dimensions: self.request_dims,
            })?;
            let resp = self.provider.post(&url, key, body).await?;
            let bytes = resp
                .bytes()
                .await
                .map_err(|e| http::transport_error(name, &e))?;
            let decode = |msg: String| {
                Error::from(ProviderError::new(
                    ProviderErrorKind::Decode,
                    name.clone(),
                    msg,
                ))
            };
            let mut r: Resp = serde_json::from_slice(&bytes)
                .map_err(|e| decode(format!("embeddings response: {e}")))?;
            if r.data.len() != batch.len() {
                return Err(decode(format!(
                    "asked for {} embeddings, got {}",
                    batch.len(),
                    r.data.len()
                )));
            }
            r.data.sort_by_key(|i| i.index);
            for item in r.data {
                if item.embedding.len() != self.dims {
                    return Err(decode(format!(
                        "expected {} dimensions, got {}",
                        self.dims,
                        item.embedding.len()
                    )));
                }
                out.push(item.embedding);
            }
        }
        Ok(out)
    }
}
