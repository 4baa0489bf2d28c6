//! llmops rag layer: chunking, embedders, indexes, retrieval, retrieval metrics, context assembly, pgvector.
//!
//! A placeholder: the layer lands with issue 4. Until then the crate only re-exports
//! [`llmops_core`], so the facade's `rag` feature compiles and its wiring is tested.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub use llmops_core;
