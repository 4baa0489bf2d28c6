//! [`Detector`]: the synchronous scanner every guard of this crate is built from.
//!
//! A detector only finds things (byte spans with a category and a score); what to do about
//! them (allow, redact, flag, hold, block) is a policy decided per text source by the guard
//! that wraps it. Being synchronous and free of I/O, the same detector serves
//! [`Guardrail::check`](llmops_core::Guardrail::check) on whole texts and a
//! [`StreamTap`](llmops_core::StreamTap) on streamed output, which holds back
//! [`max_match_len`](Detector::max_match_len) bytes so that a match split across chunks is
//! still seen whole before any of it reaches the caller.

use llmops_core::{Finding, TextSource};

use crate::pii::PiiScanner;

/// Finds spans of interest in a text. Implementations append nothing and allocate nothing
/// when nothing is found (the common case on the hot path).
///
/// ```
/// use llmops_core::{Finding, Role, TextSource};
/// use llmops_guard::Detector;
///
/// /// Finds the word "password" (a toy detector).
/// struct Password;
/// impl Detector for Password {
///     fn name(&self) -> &str { "password" }
///     fn scan(&self, text: &str, _source: TextSource, out: &mut Vec<Finding>) {
///         for (start, m) in text.match_indices("password") {
///             out.push(Finding::new("secret.password_word", start, start + m.len(), 0.5));
///         }
///     }
///     fn max_match_len(&self) -> Option<usize> { Some("password".len()) }
/// }
///
/// let mut found = Vec::new();
/// Password.scan("my password is", TextSource::Message(Role::User), &mut found);
/// assert_eq!((found[0].start, found[0].end), (3, 11));
/// ```
pub trait Detector: Send + Sync + 'static {
    /// A short name (`pii`, `secrets`, `injection` ...), used in records.
    fn name(&self) -> &str;

    /// Scans `text`, which comes from `source`, and appends what it finds to `out`: byte
    /// offsets into `text` on `char` boundaries, categories such as `pii.email`,
    /// `secret.aws_access_key`, `injection.override`, scores in `0..=1`.
    fn scan(&self, text: &str, source: TextSource, out: &mut Vec<Finding>);

    /// The longest span this detector reports, in bytes; `None` when a verdict needs the whole
    /// text (a JSON-schema check, a document-level score). A stream tap holds back this many
    /// bytes of output (the hold-back window) before releasing them to the caller.
    fn max_match_len(&self) -> Option<usize> {
        Some(256)
    }
}

impl<T: Detector + ?Sized> Detector for std::sync::Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn scan(&self, text: &str, source: TextSource, out: &mut Vec<Finding>) {
        (**self).scan(text, source, out);
    }
    fn max_match_len(&self) -> Option<usize> {
        (**self).max_match_len()
    }
}

impl Detector for PiiScanner {
    fn name(&self) -> &str {
        "pii"
    }

    fn scan(&self, text: &str, _source: TextSource, out: &mut Vec<Finding>) {
        for f in PiiScanner::scan(self, text) {
            out.push(Finding::new(f.category.as_str(), f.start, f.end, f.score));
        }
    }

    /// The longest PII match: an IPv6 address or a spaced IBAN (34 characters + spaces) and
    /// a date of birth up to 40 bytes after its keyword; 128 bytes cover them all.
    fn max_match_len(&self) -> Option<usize> {
        Some(128)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use llmops_core::Role;

    #[test]
    fn pii_scanner_reports_core_findings() {
        let mut out = Vec::new();
        let text = "mail ada@example.org now";
        Detector::scan(
            &PiiScanner::new(),
            text,
            TextSource::Message(Role::User),
            &mut out,
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].category, "pii.email");
        assert_eq!(&text[out[0].start..out[0].end], "ada@example.org");
    }

    #[test]
    fn clean_text_appends_nothing() {
        let mut out = Vec::new();
        Detector::scan(
            &PiiScanner::new(),
            "nothing here",
            TextSource::Output,
            &mut out,
        );
        assert!(out.is_empty());
        assert_eq!(out.capacity(), 0);
    }
}
