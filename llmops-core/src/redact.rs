//! Redaction: the seam through which text is cleaned before it is logged, traced or stored.
//!
//! [`Redactor`] is the trait the request log, spans and audit trail call. Core ships
//! [`SecretRedactor`], which removes API keys and bearer tokens of the common providers; the
//! guard layer's PII redactor plugs into the same seam.
//!
//! ```
//! use llmops_core::{Redactor, SecretRedactor};
//! let r = SecretRedactor::default();
//! let out = r.redact("key=sk-proj-AAAAAAAAAAAAAAAAAAAAAAAAAAAA please");
//! assert_eq!(out, "key=[REDACTED] please");
//! ```

use std::borrow::Cow;
use std::sync::LazyLock;

use regex::Regex;

/// Cleans text before it leaves the process in logs, traces, errors or records.
///
/// Implementations must be cheap when nothing is found (return `Cow::Borrowed`).
pub trait Redactor: Send + Sync + 'static {
    /// A short name, recorded with what it redacted.
    fn name(&self) -> &str;
    /// The text with sensitive parts replaced.
    fn redact<'a>(&self, text: &'a str) -> Cow<'a, str>;
}

impl<T: Redactor + ?Sized> Redactor for std::sync::Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        (**self).redact(text)
    }
}

/// Removes provider API keys, bearer tokens, private-key blocks and passwords in URLs.
///
/// This is the redactor core applies to every provider error body. It is deliberately
/// conservative (few false positives); the guard layer ships the broad secret scanner.
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct SecretRedactor;

impl Redactor for SecretRedactor {
    fn name(&self) -> &str {
        "secrets"
    }
    fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        redact_secrets(text)
    }
}

#[allow(clippy::expect_used)] // a constant pattern; the unit test below compiles it
static SECRETS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?:sk-ant-[A-Za-z0-9_\-]{16,})", // Anthropic
        r"|(?:sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,})", // OpenAI
        r"|(?:AKIA|ASIA)[A-Z0-9]{16}",     // AWS access key id
        r"|AIza[0-9A-Za-z_\-]{35}",        // Google API key
        r"|gh[pousr]_[A-Za-z0-9]{36,}",    // GitHub tokens
        r"|github_pat_[A-Za-z0-9_]{22,}",
        r"|xox[abposr]-[A-Za-z0-9\-]{10,}",           // Slack
        r"|(?:sk|rk)_(?:live|test)_[A-Za-z0-9]{16,}", // Stripe
        r"|(?i:bearer)\s+[A-Za-z0-9._~+/\-]{16,}=*",  // bearer tokens
        r"|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?-----END [A-Z ]*PRIVATE KEY-----",
    ))
    .expect("secret pattern compiles")
});

#[allow(clippy::expect_used)] // a constant pattern; the unit test below compiles it
static URL_PASSWORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?P<scheme>[a-zA-Z][a-zA-Z0-9+.\-]*://[^:/@\s]+:)[^@/\s]+@")
        .expect("url pattern compiles")
});

/// Replaces secrets in `text` by `[REDACTED]` (see [`SecretRedactor`]).
pub fn redact_secrets(text: &str) -> Cow<'_, str> {
    let first = SECRETS.replace_all(text, "[REDACTED]");
    match URL_PASSWORD.replace_all(&first, "${scheme}[REDACTED]@") {
        Cow::Borrowed(_) => first,
        Cow::Owned(s) => Cow::Owned(s),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_known_key_shapes() {
        for secret in [
            "sk-ant-api03-abcdefghijklmnopqrstuvwxyz",
            "sk-proj-abcdefghijklmnopqrstuvwxyz012345",
            "AKIAABCDEFGHIJKLMNOP",
            "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
            "xoxb-1234567890-abcdefghij",
            "sk_live_abcdefghijklmnopqrstuvwx",
            "Bearer abcdefghijklmnopqrstuvwxyz",
        ] {
            let text = format!("before {secret} after");
            let out = redact_secrets(&text);
            assert!(!out.contains(secret), "{secret} survived: {out}");
            assert!(
                out.starts_with("before ") && out.ends_with(" after"),
                "{out}"
            );
        }
    }

    #[test]
    fn redacts_url_passwords_and_keeps_clean_text_borrowed() {
        let out = redact_secrets("postgres://app:hunter2@db:5432/x");
        assert_eq!(out, "postgres://app:[REDACTED]@db:5432/x");
        assert!(matches!(
            redact_secrets("nothing to see here"),
            Cow::Borrowed(_)
        ));
    }
}
