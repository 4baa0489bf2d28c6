//! [`RagError`]: what can go wrong in the RAG layer, typed.

use std::path::PathBuf;

/// A RAG-layer error. Converts into [`llmops_core::Error`] (as an extension error named
/// `rag`) where it crosses a core trait such as [`llmops_core::Retriever`].
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum RagError {
    /// A document could not be read or parsed.
    #[error("cannot load {source_name}: {message}")]
    Load {
        /// The file, URL or record that failed (`docs/a.jsonl:12`).
        source_name: String,
        /// What was wrong.
        message: String,
    },
    /// Input that breaks a documented rule (empty id, zero chunk size ...).
    #[error("invalid input: {0}")]
    Invalid(String),
    /// Vectors of two embedders were mixed in one index.
    #[error("embedder mismatch: the index holds vectors of `{expected}`, got `{got}`")]
    EmbedderMismatch {
        /// The embedder the index was built with.
        expected: String,
        /// The embedder offered.
        got: String,
    },
    /// A vector of the wrong length.
    #[error("dimension mismatch: expected {expected}, got {got}")]
    Dimensions {
        /// The index's dimensions.
        expected: usize,
        /// The vector's length.
        got: usize,
    },
    /// An embedder broke its contract: not one vector per text.
    #[error("embedder `{embedder}` returned {got} vectors for {expected} texts")]
    VectorCount {
        /// The embedder's id.
        embedder: String,
        /// How many texts it was given.
        expected: usize,
        /// How many vectors it returned.
        got: usize,
    },
    /// A native runtime (ONNX Runtime) is missing or unusable.
    #[error("{what} unavailable at {path}: {message}. {install}")]
    Runtime {
        /// The runtime (`ONNX Runtime`).
        what: String,
        /// Where it was looked for.
        path: PathBuf,
        /// The loader's error.
        message: String,
        /// How to install it.
        install: String,
    },
    /// A model file is missing or unusable.
    #[error("model file {path}: {message}. {install}")]
    Model {
        /// The file.
        path: PathBuf,
        /// What is wrong with it.
        message: String,
        /// How to provide it.
        install: String,
    },
    /// An embedder, reranker or backend failed.
    #[error("{component}: {message}")]
    Backend {
        /// The component (`fastembed`, `pgvector`).
        component: String,
        /// What went wrong.
        message: String,
    },
    /// A persisted index could not be written or read back.
    #[error("index file {path}: {message}")]
    Persist {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
    /// An I/O error.
    #[error("io: {0}")]
    Io(#[from] std::io::Error),
    /// An error from core (an [`llmops_core::Embedder`], a token counter).
    #[error(transparent)]
    Core(#[from] llmops_core::Error),
}

impl RagError {
    /// A [`RagError::Invalid`].
    pub fn invalid(msg: impl Into<String>) -> Self {
        RagError::Invalid(msg.into())
    }

    /// A [`RagError::Backend`].
    pub fn backend(component: impl Into<String>, message: impl std::fmt::Display) -> Self {
        RagError::Backend {
            component: component.into(),
            message: message.to_string(),
        }
    }
}

impl From<RagError> for llmops_core::Error {
    fn from(e: RagError) -> Self {
        match e {
            RagError::Core(e) => e,
            RagError::Invalid(m) => llmops_core::Error::invalid(m),
            other => llmops_core::Error::extension("rag", other),
        }
    }
}

/// A result with a [`RagError`].
pub type Result<T, E = RagError> = std::result::Result<T, E>;
