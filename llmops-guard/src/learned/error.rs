//! [`ModelError`]: why a model file was refused.

/// A model file that cannot be used. Loading never panics: every way a file can be wrong
/// (short, foreign, from a newer trainer, inconsistent, corrupted) is one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ModelError {
    /// Fewer bytes than the header.
    #[error("model file too short: {len} bytes, the header alone is {header}")]
    TooShort {
        /// The file's length.
        len: usize,
        /// The header's length.
        header: usize,
    },
    /// The file does not start with the model magic.
    #[error("not an llmops learned-detector model (bad magic)")]
    BadMagic,
    /// A format version this build cannot read.
    #[error("model format version {found} not supported (this build reads {supported})")]
    UnsupportedVersion {
        /// The file's version.
        found: u16,
        /// The version this build reads.
        supported: u16,
    },
    /// The feature configuration or a parameter in the header is out of range.
    #[error("invalid model header: {0}")]
    BadHeader(&'static str),
    /// The weights do not have the length the header announces.
    #[error("model weights truncated or padded: {found} bytes, header says {expected}")]
    LengthMismatch {
        /// Bytes of weights expected.
        expected: usize,
        /// Bytes of weights found.
        found: usize,
    },
    /// The checksum does not match the contents.
    #[error("model checksum mismatch: the file is corrupted")]
    Checksum,
}
