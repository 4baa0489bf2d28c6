//! [`OpenAiEmbedder`]: `POST /embeddings` on any OpenAI-compatible server.

use serde::{Deserialize, Serialize};

use super::OpenAi;
use crate::embed::Embedder;
use crate::error::{ProviderError, ProviderErrorKind};
use crate::provider::http;
use crate::{Error, Result};

/// Native vector sizes of OpenAI's embedding models.
fn native_dims(model: &str) -> Option<usize> {
    match model {
        "text-embedding-3-large" => Some(3072),
        "text-embedding-3-small" | "text-embedding-ada-002" => Some(1536),
        _ => None,
    }
}

/// Embeddings through an OpenAI-compatible `/embeddings` endpoint: texts are sent in batches,
/// results are put back in input order by their `index`, and `dimensions` is sent only when
/// asked for.
///
/// [`id`](Embedder::id) is `provider/model` (`openai/text-embedding-3-small`), with `@N`
/// appended when the server is asked to shorten vectors to `N` dimensions, so an index never
/// mixes vectors of different shapes.
///
/// ```
/// use llmops_core::{ApiKey, Embedder, OpenAi, OpenAiEmbedder};
/// let openai = OpenAi::new(ApiKey::new("sk-test"));
/// let e = openai.embedder("text-embedding-3-small");
/// assert_eq!((e.id(), e.dims()), ("openai/text-embedding-3-small", 1536));
/// // shortened vectors (the server is sent `dimensions: 256`)
/// let short = OpenAiEmbedder::new(&openai, "text-embedding-3-large").with_dims(256);
/// assert_eq!((short.id(), short.dims()), ("openai/text-embedding-3-large@256", 256));
/// // a model the table does not know, on a local server
/// let local = OpenAi::compatible("http://127.0.0.1:8000/v1").embedder("bge-small-en").with_dims(384);
/// assert_eq!((local.id(), local.dims()), ("openai/bge-small-en", 384));
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
    /// An embedder for `model` on `provider`'s server, key and HTTP client.
    pub fn new(provider: &OpenAi, model: impl Into<String>) -> Self {
        let model = model.into();
        OpenAiEmbedder {
            id: format!("{}/{model}", provider.name),
            dims: native_dims(&model).unwrap_or(0),
            provider: provider.clone(),
            model,
            request_dims: None,
            batch: 256,
        }
    }

    /// Vectors of `n` dimensions. For a model whose native size is known and differs, the
    /// server is asked to shorten them (`dimensions: n`, text-embedding-3 models); for a model
    /// the table does not know, this declares its size.
    #[must_use]
    pub fn with_dims(self, n: usize) -> Self {
        match native_dims(&self.model) {
            Some(native) if native != n => self.dimensions(n),
            Some(_) => self,
            None => OpenAiEmbedder { dims: n, ..self },
        }
    }

    /// Always sends `dimensions: n` (servers whose models can shorten vectors).
    #[must_use]
    pub fn dimensions(mut self, n: usize) -> Self {
        self.request_dims = Some(n);
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

    fn decode_error(&self, msg: String) -> Error {
        ProviderError::new(ProviderErrorKind::Decode, self.provider.name.clone(), msg).into()
    }

    /// The vectors of one response, in input order.
    fn place(&self, resp: Resp, n: usize) -> Result<Vec<Vec<f32>>> {
        if resp.data.len() != n {
            return Err(
                self.decode_error(format!("asked for {n} embeddings, got {}", resp.data.len()))
            );
        }
        let mut slots: Vec<Option<Vec<f32>>> = vec![None; n];
        for (pos, item) in resp.data.into_iter().enumerate() {
            let i = item.index.unwrap_or(pos);
            if item.embedding.len() != self.dims {
                return Err(self.decode_error(format!(
                    "expected {} dimensions, got {} (embedding {i})",
                    self.dims,
                    item.embedding.len()
                )));
            }
            match slots.get_mut(i) {
                Some(slot @ None) => *slot = Some(item.embedding),
                Some(Some(_)) => {
                    return Err(self.decode_error(format!("embedding index {i} appears twice")));
                }
                None => {
                    return Err(self.decode_error(format!(
                        "embedding index {i} is out of range for {n} inputs"
                    )));
                }
            }
        }
        // n items, each index once and in range: every slot is filled
        Ok(slots.into_iter().flatten().collect())
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
    index: Option<usize>,
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
                "embedding model `{}` has no known dimensions: declare them with `.with_dims(n)`",
                self.model
            )));
        }
        let (url, key) = self.provider.target("embeddings", &self.model, None);
        let mut out = Vec::with_capacity(texts.len());
        for batch in texts.chunks(self.batch) {
            let body = serde_json::to_vec(&Body {
                model: &self.model,
                input: batch,
                encoding_format: "float",
                dimensions: self.request_dims,
            })?;
            let resp = self
                .provider
                .post(&url, key, body, Default::default())
                .await?;
            let bytes = resp
                .bytes()
                .await
                .map_err(|e| http::transport_error(&self.provider.name, &e))?;
            let resp: Resp = serde_json::from_slice(&bytes)
                .map_err(|e| self.decode_error(format!("not an embeddings response: {e}")))?;
            out.extend(self.place(resp, batch.len())?);
        }
        Ok(out)
    }
}
