//! [`EvalError`]: what can go wrong loading a suite, compiling its assertions, running it or
//! writing its reports. Every variant names where (file and line, assertion, case).

use std::path::PathBuf;

/// The eval layer's error.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum EvalError {
    /// A dataset or suite file is malformed at `file:line`: the run refuses to start.
    #[error("{}:{line}: {message}", file.display())]
    Dataset {
        /// The file.
        file: PathBuf,
        /// 1-based line (the case's first line in YAML, the line in JSONL).
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// An assertion cannot be built (unknown type, bad value, missing judge or embedder).
    #[error("assertion `{kind}`: {message}")]
    Assertion {
        /// The assertion type as written (`not-contains`, `llm-rubric` ...).
        kind: String,
        /// What is wrong.
        message: String,
    },
    /// Configuration the run needs is missing or inconsistent.
    #[error("configuration: {0}")]
    Config(String),
    /// Comparing or gating runs failed (incompatible runs, unknown metric).
    #[error("gate: {0}")]
    Gate(String),
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A core error (a provider call, an embedder).
    #[error(transparent)]
    Core(#[from] llmops_core::Error),
}

impl EvalError {
    /// A dataset error at `file:line`.
    pub fn dataset(file: impl Into<PathBuf>, line: usize, message: impl Into<String>) -> Self {
        EvalError::Dataset {
            file: file.into(),
            line,
            message: message.into(),
        }
    }

    /// An assertion error.
    pub fn assertion(kind: impl Into<String>, message: impl Into<String>) -> Self {
        EvalError::Assertion {
            kind: kind.into(),
            message: message.into(),
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EvalError::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<EvalError> for llmops_core::Error {
    fn from(e: EvalError) -> Self {
        match e {
            EvalError::Core(c) => c,
            EvalError::Config(m) => llmops_core::Error::config(m),
            other => llmops_core::Error::extension("eval", other),
        }
    }
}

/// The eval layer's result.
pub type Result<T, E = EvalError> = std::result::Result<T, E>;
