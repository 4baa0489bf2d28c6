//! llmops rag layer: retrieval that is measured separately from answers, tuned against that
//! measure, and kept fresh.
//!
//! - [`Document`]s with ids, metadata, versions, sources and access labels ([`Acl`]), loaded
//!   from text, Markdown, HTML and JSONL (`load`) and split by [`chunk::Chunker`]s that keep
//!   byte offsets (provenance down to the answer's citations).
//! - Vectors from any [`llmops_core::Embedder`]; a [`VectorStore`] that tags every vector
//!   with its embedder id and refuses to mix two: `MemoryStore` (exact or HNSW, persisted
//!   to disk) or pgvector (feature `pgvector`).
//! - A BM25 lexical index, hybrid fusion, metadata and permission [`Filter`]s applied inside
//!   the search, [`Reranker`]s and MMR.
//! - Retrieval metrics over labelled sets and BEIR datasets; context assembly under a token
//!   budget.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod chunk;
pub mod document;
pub mod error;
pub mod filter;
pub mod index;
pub mod load;
pub mod rerank;
pub mod store;

pub use chunk::{Chunker, Piece};
pub use document::{Acl, Document, Format, Source};
pub use error::{RagError, Result};
pub use filter::Filter;
pub use index::VectorIndex;
pub use llmops_core;
pub use load::{LoadOptions, load_dir, load_file};
pub use rerank::Reranker;
pub use store::{ChunkRecord, DocState, Metric, Scored, VectorStore};
