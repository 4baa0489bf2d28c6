//! llmops rag layer: retrieval that is measured separately from answers, tuned against that
//! measure, and kept fresh.
//!
//! - [`Document`]s with ids, metadata, versions, sources and access labels ([`Acl`]), loaded
//!   from text, Markdown, HTML and JSONL (`load`) and split by [`chunk::Chunker`]s that keep
//!   byte offsets (provenance down to the answer's citations).
//! - Vectors from any [`llmops_core::Embedder`]; a [`VectorStore`] that tags every vector
//!   with its embedder id and refuses to mix two: [`MemoryStore`] (exact or HNSW, persisted
//!   to disk) or pgvector (feature `pgvector`).
//! - A BM25 lexical index, hybrid fusion, metadata and permission [`Filter`]s applied inside
//!   the search, [`Reranker`]s and MMR.
//! - Retrieval metrics over labelled sets and BEIR datasets; context assembly under a token
//!   budget.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod beir;
pub mod chunk;
pub mod collection;
pub mod context;
pub mod document;
pub mod embed;
pub mod error;
pub mod eval;
pub mod filter;
pub mod fusion;
pub mod index;
pub mod layer;
pub mod lexical;
pub mod load;
pub mod metrics;
pub mod rerank;
#[cfg(feature = "fastembed")]
pub mod rerank_fastembed;
pub mod retriever;
pub mod store;

pub use beir::BeirDataset;
pub use chunk::{Chunker, Piece};
pub use collection::{
    Collection, CollectionBuilder, DocEntry, FreshnessReport, IndexReport, Upserted,
};
pub use context::{Assembled, ContextBuilder};
/// The connection pool crate [`PgVectorStore::open`] takes, so callers build their pool with
/// the same version.
#[cfg(feature = "pgvector")]
pub use deadpool_postgres;
pub use document::{Acl, Document, Format, Source};
pub use embed::{CacheStats, CachedEmbedder};
#[cfg(feature = "fastembed")]
pub use embed::{LocalEmbedder, ModelFiles, RuntimeOptions};
pub use error::{RagError, Result};
pub use filter::Filter;
pub use fusion::Fusion;
pub use index::{
    Analyzer, Bm25Index, Bm25Method, Bm25Params, Bm25Stats, LengthNorm, Stemmer, VectorIndex,
};
pub use layer::RetrievalLayer;
pub use lexical::LexicalIndex;
pub use llmops_core;
pub use load::{LoadOptions, load_dir, load_file, load_file_in};
pub use metrics::{MetricName, Qrels, Run};
pub use rerank::Reranker;
#[cfg(feature = "fastembed")]
pub use rerank_fastembed::CrossEncoderReranker;
pub use retriever::{CollectionRetriever, Mode};
pub use store::memory::{IndexKind, MemoryStore};
pub use store::{ChunkRecord, DocState, Metric, Scored, VectorStore};
#[cfg(feature = "pgvector")]
pub use store::{PgVectorOptions, PgVectorStore};

// The guides' examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/rag.md")]
pub struct RagGuideDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/rag-chunking.md")]
pub struct ChunkingDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/rag-metrics.md")]
pub struct MetricsDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/rag-bm25.md")]
pub struct Bm25Doctests;

#[cfg(all(doctest, feature = "fastembed"))]
#[doc = include_str!("../../docs/rag-embeddings.md")]
pub struct EmbeddingsDoctests;

#[cfg(all(doctest, feature = "pgvector"))]
#[doc = include_str!("../../docs/rag-pgvector.md")]
pub struct PgVectorDoctests;

#[cfg(doctest)]
#[doc = include_str!("../../docs/rag-vectors.md")]
pub struct VectorsDoctests;
