//! [`GuardError`]: what can go wrong configuring a guard.

/// An error of the guard layer.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum GuardError {
    /// A pseudonymisation secret shorter than the minimum.
    #[error("pseudonymisation secret too short: {len} bytes, at least {min} needed")]
    SecretTooShort {
        /// Its length in bytes.
        len: usize,
        /// The minimum in bytes.
        min: usize,
    },
    /// The MAC refused the secret.
    #[error("pseudonymisation secret rejected by HMAC-SHA256")]
    InvalidSecret,
}

/// The guard layer's result.
pub type Result<T, E = GuardError> = std::result::Result<T, E>;
