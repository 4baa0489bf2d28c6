//! Redaction of findings: masks, typed placeholders, keyed pseudonyms, and restoring them.

use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write as _;

use hmac::{Hmac, KeyInit, Mac};
use sha2_011::Sha256;

use super::category::{PiiCategory, PiiFinding};
use crate::error::{GuardError, Result};

/// How a finding is replaced.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum RedactionMode {
    /// One `*` per character of the value (keeps the length visible).
    Mask,
    /// Always `****` (hides the length too).
    MaskFixed,
    /// A typed placeholder numbered per distinct value within one text: `<EMAIL_1>`,
    /// `<EMAIL_2>`, `<PHONE_1>`. The [`Mapping`] restores them.
    Placeholder,
    /// A keyed pseudonym, stable across texts and processes for the same key:
    /// `<EMAIL_3f9a1c2b>` (see [`Pseudonymizer`]). The [`Mapping`] restores them.
    Pseudonym(Pseudonymizer),
}

/// Keyed pseudonyms: `HMAC-SHA256(secret, LABEL|value)`, the first 4 bytes in hex, as
/// `<LABEL_3f9a1c2b>`.
///
/// The same value gets the same token for the same key (so a conversation stays coherent and
/// logs stay joinable), and without the key nobody can tell which value a token stands for or
/// test a guess. Restoring needs the [`Mapping`] built while redacting; the pseudonym itself
/// cannot be reversed. Keep the secret in your secret store, at least 16 bytes, one per
/// tenant if tokens must not be comparable across tenants. 32 bits of token mean two distinct
/// values in one mapping collide with odds of about n²/2³³ (n values).
///
/// ```
/// use llmops_guard::pii::{PiiCategory, Pseudonymizer};
/// let p = Pseudonymizer::new(b"0123456789abcdef-host-secret")?;
/// let token = p.token(PiiCategory::Email, "jane@example.com");
/// assert!(token.starts_with("<EMAIL_") && token.len() == "<EMAIL_>".len() + 8);
/// assert_eq!(token, p.token(PiiCategory::Email, "jane@example.com"));
/// # Ok::<(), llmops_guard::GuardError>(())
/// ```
#[derive(Clone)]
pub struct Pseudonymizer {
    mac: Hmac<Sha256>,
}

impl std::fmt::Debug for Pseudonymizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pseudonymizer").finish_non_exhaustive()
    }
}

impl Pseudonymizer {
    /// The shortest secret accepted, in bytes.
    pub const MIN_SECRET_LEN: usize = 16;

    /// A pseudonymizer keyed with the host's `secret` (at least
    /// [`MIN_SECRET_LEN`](Self::MIN_SECRET_LEN) bytes).
    pub fn new(secret: &[u8]) -> Result<Self> {
        if secret.len() < Self::MIN_SECRET_LEN {
            return Err(GuardError::SecretTooShort {
                len: secret.len(),
                min: Self::MIN_SECRET_LEN,
            });
        }
        let mac = <Hmac<Sha256> as KeyInit>::new_from_slice(secret)
            .map_err(|_| GuardError::InvalidSecret)?;
        Ok(Pseudonymizer { mac })
    }

    /// The token of `value` in `category`.
    pub fn token(&self, category: PiiCategory, value: &str) -> String {
        self.token_labelled(category.label(), value)
    }

    /// The token of `value` under `label` (the guard pipeline's other categories).
    pub(crate) fn token_labelled(&self, label: &str, value: &str) -> String {
        let mut mac = self.mac.clone();
        mac.update(label.as_bytes());
        mac.update(b"|");
        mac.update(value.as_bytes());
        let digest = mac.finalize().into_bytes();
        let mut token = String::with_capacity(label.len() + 11);
        token.push('<');
        token.push_str(label);
        token.push('_');
        for b in digest.iter().take(4) {
            let _ = write!(token, "{b:02x}");
        }
        token.push('>');
        token
    }
}

/// Tokens (placeholders or pseudonyms) and the values they replaced, for [`restore`].
///
/// It holds the personal data itself: keep it where the original text may live (in memory for
/// the request, never in logs). `Debug` shows only its size.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Mapping {
    tokens: HashMap<String, String>,
}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mapping")
            .field("tokens", &self.tokens.len())
            .finish()
    }
}

impl Mapping {
    /// An empty mapping.
    pub fn new() -> Self {
        Mapping::default()
    }

    /// The original value behind `token`.
    pub fn get(&self, token: &str) -> Option<&str> {
        self.tokens.get(token).map(String::as_str)
    }

    /// How many tokens it holds.
    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    /// Whether it holds no token.
    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    /// Adds the tokens of `other` (for pseudonyms, which are stable across texts; placeholders
    /// are numbered per text and would clash).
    pub fn extend(&mut self, other: Mapping) {
        self.tokens.extend(other.tokens);
    }

    /// Records that `token` stands for `value` (the guard pipeline builds mappings across the
    /// texts of one exchange).
    pub(crate) fn insert(&mut self, token: String, value: String) {
        self.tokens.insert(token, value);
    }

    /// The longest token, for [`restore`]'s scan.
    pub(crate) fn max_token_len(&self) -> usize {
        self.tokens.keys().map(String::len).max().unwrap_or(0)
    }
}

/// A redacted text and the mapping that restores it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Redacted<'a> {
    /// The text with the findings replaced (borrowed when there was nothing to replace).
    pub text: Cow<'a, str>,
    /// Tokens to original values (empty for masks).
    pub mapping: Mapping,
}

/// Replaces each finding of `text` by `mode`.
///
/// ```
/// use llmops_guard::pii::{redact, restore, PiiScanner, RedactionMode};
/// let text = "Write to a@example.com, then b@example.com, then a@example.com again.";
/// let found = PiiScanner::new().scan(text);
/// let out = redact(text, &found, &RedactionMode::Placeholder);
/// assert_eq!(out.text, "Write to <EMAIL_1>, then <EMAIL_2>, then <EMAIL_1> again.");
/// assert_eq!(restore(&out.text, &out.mapping), text);
/// ```
pub fn redact<'a>(text: &'a str, findings: &[PiiFinding], mode: &RedactionMode) -> Redacted<'a> {
    redact_with(text, findings, |_| Some(mode))
}

/// Replaces the findings for which `mode_of` gives a mode; the others stay as they are.
/// Findings must be sorted by start and must not overlap (as [`PiiScanner::scan`] returns
/// them); others, and spans not on character boundaries, are skipped.
///
/// [`PiiScanner::scan`]: super::PiiScanner::scan
pub(crate) fn redact_with<'a, 'm>(
    text: &'a str,
    findings: &[PiiFinding],
    mode_of: impl Fn(PiiCategory) -> Option<&'m RedactionMode>,
) -> Redacted<'a> {
    let mut mapping = Mapping::new();
    let mut out: Option<String> = None;
    let mut last = 0;
    // Placeholder numbers: per category, per distinct value.
    let mut numbers: HashMap<(PiiCategory, &str), usize> = HashMap::new();
    let mut counts = [0usize; PiiCategory::ALL.len()];
    for f in findings {
        let Some(mode) = mode_of(f.category) else {
            continue;
        };
        if f.start < last {
            continue;
        }
        let (Some(before), Some(value)) = (text.get(last..f.start), text.get(f.start..f.end))
        else {
            continue;
        };
        let buf = out.get_or_insert_with(|| String::with_capacity(text.len() + 16));
        buf.push_str(before);
        match mode {
            RedactionMode::Mask => buf.extend(value.chars().map(|_| '*')),
            RedactionMode::MaskFixed => buf.push_str("****"),
            RedactionMode::Placeholder => {
                let n = match numbers.get(&(f.category, value)) {
                    Some(n) => *n,
                    None => {
                        let slot = counts.get_mut(f.category.index());
                        let n = slot.map_or(1, |c| {
                            *c += 1;
                            *c
                        });
                        numbers.insert((f.category, value), n);
                        n
                    }
                };
                let token = format!("<{}_{n}>", f.category.label());
                buf.push_str(&token);
                mapping.tokens.insert(token, value.to_owned());
            }
            RedactionMode::Pseudonym(p) => {
                let token = p.token(f.category, value);
                buf.push_str(&token);
                mapping.tokens.insert(token, value.to_owned());
            }
        }
        last = f.end;
    }
    let text = match out {
        Some(mut buf) => {
            buf.push_str(text.get(last..).unwrap_or(""));
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(text),
    };
    Redacted { text, mapping }
}

/// Puts the original values back for every token of `mapping` found in `text` (the model's
/// answer, say). Tokens the mapping does not know stay as they are.
///
/// ```
/// use llmops_guard::pii::{redact, restore, PiiScanner, Pseudonymizer, RedactionMode};
/// let mode = RedactionMode::Pseudonym(Pseudonymizer::new(b"a host secret of 32 bytes.......")?);
/// let prompt = "My card is 4111 1111 1111 1111.";
/// let out = redact(prompt, &PiiScanner::new().scan(prompt), &mode);
/// assert!(!out.text.contains("4111"));
/// // the model echoes the token back
/// let answer = format!("I have noted {}.", &out.text[11..out.text.len() - 1]);
/// assert_eq!(restore(&answer, &out.mapping), "I have noted 4111 1111 1111 1111.");
/// # Ok::<(), llmops_guard::GuardError>(())
/// ```
pub fn restore<'a>(text: &'a str, mapping: &Mapping) -> Cow<'a, str> {
    if mapping.is_empty() || !text.contains('<') {
        return Cow::Borrowed(text);
    }
    let max = mapping.max_token_len();
    let mut out: Option<String> = None;
    let mut last = 0;
    let mut from = 0;
    while let Some(rel) = text.get(from..).and_then(|t| t.find('<')) {
        let open = from + rel;
        let window_end = (open + max).min(text.len());
        let close = text
            .as_bytes()
            .get(open..window_end)
            .and_then(|w| w.iter().position(|b| *b == b'>'));
        let hit = close.and_then(|c| {
            let end = open + c + 1;
            let original = mapping.get(text.get(open..end)?)?;
            Some((end, original))
        });
        match hit {
            Some((end, original)) => {
                let buf = out.get_or_insert_with(|| String::with_capacity(text.len()));
                buf.push_str(text.get(last..open).unwrap_or(""));
                buf.push_str(original);
                last = end;
                from = end;
            }
            None => from = open + 1,
        }
    }
    match out {
        Some(mut buf) => {
            buf.push_str(text.get(last..).unwrap_or(""));
            Cow::Owned(buf)
        }
        None => Cow::Borrowed(text),
    }
}
