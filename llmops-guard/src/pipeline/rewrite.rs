//! Redaction across the texts of one exchange: typed placeholders numbered per exchange (the
//! same value gets the same `<EMAIL_1>` in every message), masks, keyed pseudonyms, and the
//! [`Mapping`] that restores them in the answer.

use std::collections::HashMap;
use std::fmt::Write as _;

use crate::pii::{Mapping, RedactionMode};

/// One span to rewrite (byte offsets into the text).
#[derive(Debug, Clone)]
pub(crate) struct Span<'a> {
    pub(crate) start: usize,
    pub(crate) end: usize,
    pub(crate) category: &'a str,
    pub(crate) mode: &'a RedactionMode,
}

/// The label of `category` in placeholders and pseudonyms: `pii.email` → `EMAIL` (as
/// [`PiiCategory::label`](crate::pii::PiiCategory::label)), `secret.aws_access_key` →
/// `SECRET_AWS_ACCESS_KEY`.
pub(crate) fn label_of(category: &str) -> String {
    let bare = category.strip_prefix("pii.").unwrap_or(category);
    bare.chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_uppercase()
            } else {
                '_'
            }
        })
        .collect()
}

/// Placeholder numbers and the restore mapping of one exchange.
#[derive(Debug, Default, Clone)]
pub(crate) struct Redactions {
    numbers: HashMap<(String, String), usize>,
    counts: HashMap<String, usize>,
    mapping: Mapping,
}

impl Redactions {
    /// The tokens recorded so far (inputs only) and their values.
    pub(crate) fn mapping(&self) -> &Mapping {
        &self.mapping
    }

    /// `text` with `spans` replaced. Spans are sorted here; overlapping spans are merged into
    /// one (named after the first) so no byte of either survives. Spans off character
    /// boundaries are skipped. Tokens are added to the mapping when `record` (inputs: the
    /// answer may echo them; an output's own redactions are never restored).
    pub(crate) fn rewrite(&mut self, text: &str, spans: &mut [Span<'_>], record: bool) -> String {
        spans.sort_by_key(|s| (s.start, std::cmp::Reverse(s.end)));
        let mut out = String::with_capacity(text.len() + 16);
        let mut last = 0;
        let mut i = 0;
        while let Some(first) = spans.get(i) {
            let (start, category, mode) = (first.start.max(last), first.category, first.mode);
            let mut end = first.end;
            i += 1;
            while let Some(next) = spans.get(i) {
                if next.start >= end {
                    break;
                }
                end = end.max(next.end);
                i += 1;
            }
            if end <= start {
                continue;
            }
            let (Some(before), Some(value)) = (text.get(last..start), text.get(start..end)) else {
                continue;
            };
            out.push_str(before);
            self.replace(&mut out, category, value, mode, record);
            last = end;
        }
        out.push_str(text.get(last..).unwrap_or(""));
        out
    }

    fn replace(
        &mut self,
        out: &mut String,
        category: &str,
        value: &str,
        mode: &RedactionMode,
        record: bool,
    ) {
        match mode {
            RedactionMode::Mask => out.extend(value.chars().map(|_| '*')),
            RedactionMode::Pseudonym(p) => {
                let token = p.token_labelled(&label_of(category), value);
                out.push_str(&token);
                if record {
                    self.mapping.insert(token, value.to_owned());
                }
            }
            RedactionMode::Placeholder => {
                let label = label_of(category);
                let key = (label, value.to_owned());
                let n = match self.numbers.get(&key) {
                    Some(n) => *n,
                    None => {
                        let c = self.counts.entry(key.0.clone()).or_insert(0);
                        *c += 1;
                        let n = *c;
                        self.numbers.insert(key.clone(), n);
                        n
                    }
                };
                let mut token = String::with_capacity(key.0.len() + 4);
                let _ = write!(token, "<{}_{n}>", key.0);
                out.push_str(&token);
                if record {
                    self.mapping.insert(token, key.1);
                }
            }
            // `MaskFixed` and any mode added later hide the length too
            _ => out.push_str("****"),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::pii::{Pseudonymizer, restore};

    fn span<'a>(s: usize, e: usize, c: &'a str, m: &'a RedactionMode) -> Span<'a> {
        Span {
            start: s,
            end: e,
            category: c,
            mode: m,
        }
    }

    #[test]
    fn labels() {
        assert_eq!(label_of("pii.email"), "EMAIL");
        assert_eq!(label_of("pii.credit_card"), "CREDIT_CARD");
        assert_eq!(label_of("secret.aws-key.v2"), "SECRET_AWS_KEY_V2");
    }

    #[test]
    fn placeholders_are_numbered_per_exchange_and_restore() {
        let ph = RedactionMode::Placeholder;
        let mut r = Redactions::default();
        let a = "mail a@x.io";
        let out_a = r.rewrite(a, &mut [span(5, 11, "pii.email", &ph)], true);
        let b = "or b@x.io or a@x.io";
        let out_b = r.rewrite(
            b,
            &mut [span(13, 19, "pii.email", &ph), span(3, 9, "pii.email", &ph)],
            true,
        );
        assert_eq!(out_a, "mail <EMAIL_1>");
        assert_eq!(out_b, "or <EMAIL_2> or <EMAIL_1>");
        assert_eq!(restore(&out_b, r.mapping()), b);
        assert_eq!(r.mapping().len(), 2);
    }

    #[test]
    fn overlapping_spans_merge_and_nothing_leaks() {
        let mask = RedactionMode::MaskFixed;
        let ph = RedactionMode::Placeholder;
        let mut r = Redactions::default();
        let t = "key=ABCDEFGHIJ!";
        let out = r.rewrite(
            t,
            &mut [span(4, 10, "secret.a", &mask), span(6, 14, "pii.b", &ph)],
            false,
        );
        assert_eq!(out, "key=****!");
        assert!(r.mapping().is_empty());
    }

    #[test]
    fn pseudonyms_are_keyed_and_recorded_for_inputs_only() {
        let p = RedactionMode::Pseudonym(Pseudonymizer::new(b"0123456789abcdef0123").unwrap());
        let mut r = Redactions::default();
        let out = r.rewrite(
            "tok sk-123",
            &mut [span(4, 10, "secret.openai_key", &p)],
            false,
        );
        assert!(out.starts_with("tok <SECRET_OPENAI_KEY_"), "{out}");
        assert!(r.mapping().is_empty());
        let out2 = r.rewrite(
            "tok sk-123",
            &mut [span(4, 10, "secret.openai_key", &p)],
            true,
        );
        assert_eq!(out, out2);
        assert_eq!(restore(&out2, r.mapping()), "tok sk-123");
    }

    #[test]
    fn spans_off_char_boundaries_are_skipped() {
        let ph = RedactionMode::Mask;
        let mut r = Redactions::default();
        assert_eq!(
            r.rewrite("héllo", &mut [span(2, 4, "x", &ph)], false),
            "héllo"
        );
    }
}
