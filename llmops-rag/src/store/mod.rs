//! [`VectorStore`]: where chunk vectors live. `MemoryStore` is the embedded default (exact
//! or HNSW index, persisted to disk); `PgVectorStore` (feature `pgvector`) the shared one.
//! Both implement the same trait and the same rules: every vector is tagged with its
//! embedder's id and a store refuses to mix two; filters and access labels apply inside the
//! search; writes replace a document's chunks as a whole.

pub mod memory;
pub(crate) mod persist;
pub(crate) mod slots;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Result;
use crate::document::Acl;
use crate::filter::Filter;

#[cfg(feature = "pgvector")]
mod pgvector;
#[cfg(feature = "pgvector")]
pub use self::pgvector::{PgVectorOptions, PgVectorStore};

/// A chunk as stored: text, provenance, metadata and access labels.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChunkRecord {
    /// Chunk id, `{doc_id}#{n}`: stable across re-indexing of the same document version.
    pub id: String,
    /// The document.
    pub doc_id: String,
    /// The document's version when this chunk was made.
    pub doc_version: String,
    /// The text.
    pub text: String,
    /// Byte offsets of the text in the document's text (`text == doc.text[span.0..span.1]`).
    pub span: (usize, usize),
    /// The document's metadata plus the chunker's (heading path ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, Value>,
    /// The document's access labels.
    #[serde(default)]
    pub acl: Acl,
}

impl ChunkRecord {
    /// A chunk without metadata, readable by callers without a tenant.
    pub fn new(
        id: impl Into<String>,
        doc_id: impl Into<String>,
        doc_version: impl Into<String>,
        text: impl Into<String>,
        span: (usize, usize),
    ) -> Self {
        ChunkRecord {
            id: id.into(),
            doc_id: doc_id.into(),
            doc_version: doc_version.into(),
            text: text.into(),
            span,
            meta: BTreeMap::new(),
            acl: Acl::default(),
        }
    }

    /// The core [`llmops_core::Chunk`] handed to callers, with `score`; provenance goes into
    /// `span` and the `doc_version` metadata field.
    pub fn to_chunk(&self, score: f32) -> llmops_core::Chunk {
        let mut c = llmops_core::Chunk::new(&self.id, &self.doc_id, &self.text, score);
        c.span = Some(self.span);
        c.meta = self.meta.clone();
        c.meta.insert(
            "doc_version".into(),
            Value::String(self.doc_version.clone()),
        );
        c
    }
}

/// A search result: the chunk and its score (higher is better).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Scored {
    /// The chunk.
    pub chunk: ChunkRecord,
    /// The score: cosine similarity or dot product for vectors, BM25 for text, the fused
    /// score after fusion.
    pub score: f32,
}

impl Scored {
    /// A scored chunk.
    pub fn new(chunk: ChunkRecord, score: f32) -> Self {
        Scored { chunk, score }
    }
}

/// How similar two vectors are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Metric {
    /// Cosine similarity (vectors are normalised on insert and query).
    #[default]
    Cosine,
    /// Dot product (vectors used as given).
    Dot,
}

/// What a store holds of one document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DocState {
    /// The document id.
    pub doc_id: String,
    /// The indexed version.
    pub version: String,
    /// How many chunks it has.
    pub chunks: usize,
}

/// A store of chunk vectors.
///
/// Implementations must: refuse vectors of another embedder than the one they hold
/// ([`crate::RagError::EmbedderMismatch`]) and vectors of the wrong length; apply `filter`
/// inside the search (a chunk the filter rejects is neither returned nor counted towards
/// `k`); make `replace_doc` atomic per document (a reader sees the old chunks or the new).
#[async_trait::async_trait]
pub trait VectorStore: Send + Sync + 'static {
    /// A short name (`memory-exact`, `memory-hnsw`, `pgvector`).
    fn name(&self) -> &str;
    /// The embedder whose vectors it holds, once it holds any.
    async fn embedder_id(&self) -> Result<Option<String>>;
    /// Replaces every chunk of `doc_id` with `chunks` (one vector each, made by
    /// `embedder_id`). An empty `chunks` deletes the document.
    async fn replace_doc(
        &self,
        embedder_id: &str,
        doc_id: &str,
        chunks: Vec<(ChunkRecord, Vec<f32>)>,
    ) -> Result<()>;
    /// Deletes a document's chunks; returns how many there were.
    async fn delete_doc(&self, doc_id: &str) -> Result<usize>;
    /// The `k` nearest chunks to `vector` passing `filter`, best first.
    async fn search(
        &self,
        embedder_id: &str,
        vector: &[f32],
        k: usize,
        filter: &Filter,
    ) -> Result<Vec<Scored>>;
    /// The documents held, with their versions.
    async fn documents(&self) -> Result<Vec<DocState>>;
    /// The number of chunks held.
    async fn len(&self) -> Result<usize>;
    /// Whether it holds no chunk.
    async fn is_empty(&self) -> Result<bool> {
        Ok(self.len().await? == 0)
    }
}
