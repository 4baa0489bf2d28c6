//! [`Retriever`]: the seam retrieval-augmented generation plugs into.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Result;
use crate::types::AccessScope;

/// A retrieval query.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Query {
    /// The query text.
    pub text: String,
    /// How many chunks to return.
    pub top_k: usize,
    /// Metadata filters (`field → value`) applied inside the search.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub filters: BTreeMap<String, Value>,
}

impl Query {
    /// A query for the `top_k` best chunks.
    pub fn new(text: impl Into<String>, top_k: usize) -> Self {
        Query {
            text: text.into(),
            top_k,
            filters: BTreeMap::new(),
        }
    }

    /// With a metadata filter.
    #[must_use]
    pub fn filter(mut self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.filters.insert(field.into(), value.into());
        self
    }
}

/// A retrieved piece of a document, with provenance. Its text is untrusted input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Chunk {
    /// Chunk id (stable across re-indexing of the same document version).
    pub id: String,
    /// The document it comes from.
    pub doc_id: String,
    /// The text.
    pub text: String,
    /// Relevance score (higher is better; scale depends on the retriever).
    pub score: f32,
    /// Byte offsets in the source document.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub span: Option<(usize, usize)>,
    /// Metadata (heading path, source URL, version ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, Value>,
}

impl Chunk {
    /// A chunk.
    pub fn new(
        id: impl Into<String>,
        doc_id: impl Into<String>,
        text: impl Into<String>,
        score: f32,
    ) -> Self {
        Chunk {
            id: id.into(),
            doc_id: doc_id.into(),
            text: text.into(),
            score,
            span: None,
            meta: BTreeMap::new(),
        }
    }

    /// The reference recorded in the exchange record.
    pub fn to_ref(&self) -> ChunkRef {
        ChunkRef {
            id: self.id.clone(),
            doc_id: self.doc_id.clone(),
            score: self.score,
        }
    }
}

/// What the exchange record keeps of a retrieved chunk.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChunkRef {
    /// Chunk id.
    pub id: String,
    /// Document id.
    pub doc_id: String,
    /// Score.
    pub score: f32,
}

/// Finds chunks for a query, never returning one the scope may not read (not even its score).
///
/// ```
/// use llmops_core::{async_trait, AccessScope, Chunk, Query, Result, Retriever};
/// struct Fixed(Vec<Chunk>);
/// #[async_trait]
/// impl Retriever for Fixed {
///     async fn retrieve(&self, q: &Query, _scope: &AccessScope) -> Result<Vec<Chunk>> {
///         Ok(self.0.iter().take(q.top_k).cloned().collect())
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Retriever: Send + Sync + 'static {
    /// A short name for records and spans.
    fn name(&self) -> &str {
        "retriever"
    }
    /// The best chunks for `q` visible to `scope`, best first.
    async fn retrieve(&self, q: &Query, scope: &AccessScope) -> Result<Vec<Chunk>>;
}

#[async_trait::async_trait]
impl<T: Retriever + ?Sized> Retriever for Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    async fn retrieve(&self, q: &Query, scope: &AccessScope) -> Result<Vec<Chunk>> {
        (**self).retrieve(q, scope).await
    }
}
