//! Redaction of secrets: typed placeholders or fixed masks, never a part of the value.

use std::borrow::Cow;

use super::kind::SecretFinding;

/// How a secret is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SecretRedaction {
    /// The kind's typed placeholder: `<SECRET_OPENAI_KEY>`, `<SECRET_PASSWORD>`.
    #[default]
    Placeholder,
    /// Always `****` (hides the kind and the length).
    Mask,
}

/// Replaces each finding of `text`. Findings must be sorted by start and must not overlap (as
/// [`SecretScanner::scan`](super::SecretScanner::scan) returns them); others, and spans not on
/// character boundaries, are skipped. Borrows `text` when there is nothing to replace.
///
/// Secrets are not restorable: no mapping is kept (a model has no use for a credential, and
/// a mapping would be one more place holding it).
///
/// ```
/// use llmops_guard::secrets::{redact_secrets, SecretRedaction, SecretScanner};
/// let text = format!("DATABASE_URL=postgres://app:{}@db.internal:5432/app", "Tr0ub4dor-and-3");
/// let found = SecretScanner::new().scan(&text);
/// let out = redact_secrets(&text, &found, SecretRedaction::Placeholder);
/// assert_eq!(out, "DATABASE_URL=postgres://app:<SECRET_PASSWORD>@db.internal:5432/app");
/// ```
pub fn redact_secrets<'a>(
    text: &'a str,
    findings: &[SecretFinding],
    mode: SecretRedaction,
) -> Cow<'a, str> {
    let mut out: Option<String> = None;
    let mut last = 0;
    for f in findings {
        if f.start < last {
            continue;
        }
        let (Some(before), Some(_)) = (text.get(last..f.start), text.get(f.start..f.end)) else {
            continue;
        };
        let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
        buf.push_str(before);
        buf.push_str(match mode {
            SecretRedaction::Placeholder => f.kind.placeholder(),
            SecretRedaction::Mask => "****",
        });
        last = f.end;
    }
    match out {
        Some(mut buf) => {
            buf.push_str(text.get(last..).unwrap_or(""));
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(text),
    }
}
