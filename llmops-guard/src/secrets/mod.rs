//! Secret detection: provider API keys, private keys, tokens, passwords; never echoed back.
//!
//! - [`SecretScanner`] finds them ([`SecretKind`] lists what, `secret.<kind>` is the
//!   category a core [`Finding`](llmops_core::Finding) records) and is a
//!   [`Detector`](crate::Detector), so the crate's generic guard and stream tap can run it on
//!   any text source, and a core [`Redactor`](llmops_core::Redactor) for logs and traces.
//! - [`redact_secrets`] replaces findings by typed placeholders (`<SECRET_OPENAI_KEY>`) or a
//!   fixed mask.
//!
//! Rules with a fixed structure (prefixes, lengths) score high; provider checksums (GitHub's
//! and npm's CRC32) raise the score of a token that carries a valid one and lower the score
//! of one that does not; test keys, documented example keys and placeholder-looking values
//! score low. The generic rule needs a keyword (`api_key=`, `token:`, `secret`, `password
//! is`) and a value passing an entropy threshold and character-class checks, so UUIDs, git
//! hashes, webpack chunk names and base64 images in ordinary text are not reported.
//!
//! A [`SecretFinding`] holds the kind, the span and the score, never the value: its `Debug`
//! output, the core findings and the placeholders are safe to log.
//!
//! ```
//! use llmops_guard::secrets::{redact_secrets, SecretRedaction, SecretScanner};
//! let token = format!("ghp_{}", "x".repeat(36)); // a shape only: no valid checksum
//! let text = format!("export GITHUB_TOKEN={token}");
//! let found = SecretScanner::new().scan(&text);
//! assert_eq!(found[0].kind.as_str(), "secret.github_token");
//! assert!(found[0].score < 0.6); // the checksum does not hold
//! let out = redact_secrets(&text, &found, SecretRedaction::Placeholder);
//! assert_eq!(out, "export GITHUB_TOKEN=<SECRET_GITHUB_TOKEN>");
//! ```
//!
//! See `docs/guard.md` (section "Secrets") for every rule, its validation and score.

mod gates;
mod kind;
mod redact;
mod rules;
mod scanner;
mod validate;

#[cfg(test)]
mod tests;

pub use kind::{SecretFinding, SecretKind};
pub use redact::{SecretRedaction, redact_secrets};
pub use scanner::SecretScanner;
