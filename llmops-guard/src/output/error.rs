//! [`OutputError`]: what can go wrong configuring an output check. Messages name the bad
//! setting, never a canary token or a checked text.

/// An error building an output check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum OutputError {
    /// The operating system's random generator failed (no canary could be made).
    #[error("the operating system's random generator is unavailable: {0}")]
    RandomUnavailable(String),
    /// A canary token given by the host is unusable.
    #[error("canary token rejected: {reason}")]
    InvalidCanary {
        /// Why (the token itself is never shown).
        reason: &'static str,
    },
    /// An allow-list entry is not a host name, a `*.` wildcard or an IP address.
    #[error("allow-list entry {entry:?} is not a host, `*.domain` or an IP address: {reason}")]
    InvalidHost {
        /// The entry.
        entry: String,
        /// Why.
        reason: String,
    },
    /// The JSON schema does not compile.
    #[error("invalid JSON schema: {0}")]
    InvalidSchema(String),
    /// A deny-list topic name is empty or holds characters other than `a-z0-9_-`.
    #[error("deny-list topic {0:?} must be non-empty lowercase ASCII letters, digits, `_` or `-`")]
    InvalidTopic(String),
    /// A deny-list topic has no non-empty phrase.
    #[error("deny-list topic {0:?} has no phrase")]
    EmptyTopic(String),
    /// The phrase automaton could not be built.
    #[error("deny-list automaton: {0}")]
    DenyListBuild(String),
}
