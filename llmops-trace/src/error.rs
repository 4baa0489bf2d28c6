//! The error type of llmops-trace.

use std::path::PathBuf;

/// `Result` with [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong in the observability layer.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// Reading or writing a file failed.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file.
        path: PathBuf,
        /// The cause.
        #[source]
        source: std::io::Error,
    },
    /// A line of an audit file is not an audit record.
    #[error("{}:{line}: not an audit record: {reason}", path.display())]
    Malformed {
        /// The file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        reason: String,
    },
    /// The audit chain is broken at this record: edited, removed, inserted or reordered.
    #[error("{}:{line}: audit chain broken at record {seq}: {reason}", path.display())]
    ChainBroken {
        /// The file.
        path: PathBuf,
        /// 1-based line number of the first bad record.
        line: usize,
        /// The sequence number that line carries.
        seq: u64,
        /// What does not match.
        reason: String,
    },
    /// The OpenTelemetry setup is wrong (bad endpoint, header, protocol) or the SDK failed.
    #[error("OpenTelemetry: {0}")]
    Otel(String),
    /// A background writer has stopped (its thread ended); nothing more can be written.
    #[error("the {0} writer has stopped")]
    Closed(&'static str),
}

impl Error {
    pub(crate) fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

impl From<Error> for llmops_core::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Io { source, .. } => llmops_core::Error::Io(std::sync::Arc::new(source)),
            other => llmops_core::Error::extension("llmops-trace", other),
        }
    }
}
