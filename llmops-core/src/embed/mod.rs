//! [`Embedder`]: text to vectors. Core ships [`HashingEmbedder`] (deterministic, not
//! semantic) and, with the `openai` feature, an OpenAI-compatible embeddings client; the RAG
//! layer ships a local ONNX model.

mod hashing;

use std::sync::Arc;

pub use hashing::HashingEmbedder;

use crate::Result;

/// Turns texts into vectors of [`dims`](Embedder::dims) floats.
///
/// `id` names the model and its version; it is stored with every vector so an index never
/// mixes vectors of two models.
///
/// ```
/// use llmops_core::{Embedder, HashingEmbedder};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let e = HashingEmbedder::new(64);
/// let v = e.embed(&["hello world"]).await.unwrap();
/// assert_eq!(v[0].len(), e.dims());
/// # });
/// ```
#[async_trait::async_trait]
pub trait Embedder: Send + Sync + 'static {
    /// Model and version (`openai/text-embedding-3-small`, `hashing-v1-256`).
    fn id(&self) -> &str;
    /// Vector length.
    fn dims(&self) -> usize;
    /// One vector per text, in order.
    async fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>>;
}

#[async_trait::async_trait]
impl<T: Embedder + ?Sized> Embedder for Arc<T> {
    fn id(&self) -> &str {
        (**self).id()
    }
    fn dims(&self) -> usize {
        (**self).dims()
    }
    async fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        (**self).embed(texts).await
    }
}
