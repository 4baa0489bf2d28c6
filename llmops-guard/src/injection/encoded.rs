//! Encoded payloads decoded and scanned again with the phrase patterns: the `encoded` family.
//!
//! Two kinds of decoding, each gated by a cheap test folded into a pass the clean path makes
//! anyway:
//!
//! - **Spans** ([`decode`]): base64, base32, hex (plain, `\x`, spaced), binary (7- or 8-bit
//!   groups), URL encoding, HTML numeric entities, `\uXXXX` escapes, Morse code, Braille.
//!   The grid scan of [`decode::candidates`] says which patterns can match; each match is
//!   decoded, kept when it reads as text, and scored on its own: the signal covers the span.
//! - **Rewrites of the whole text** (ASCII text only): rot13, Atbash, Caesar shifts of 1, 3
//!   and 25, text written backwards (whole, or word by word), gated by the anchor words of
//!   [`ciphers`] (a pattern of the phrase pass: two anchors, then an Aho-Corasick pass over
//!   texts that have them); leetspeak, gated by its byte search. The rewritten
//!   text is scanned for phrases; a phrase the rewrite made (not there in the plain text)
//!   is a signal at its place in the original.

use llmops_core::TextSource;

use super::ciphers::{self, Cipher};
use super::{InjectionFamily, Signal, decode, inner_score, phrases};

/// A rewrite of the lower-case text and whether it runs backwards (offset `i` of the
/// rewrite is `len - i` of the text) rather than in place.
struct Rewrite {
    text: String,
    backwards: bool,
}

/// Encoded payloads decoded and scanned again; `ascii`: `lower` is `text` lower-cased byte
/// for byte (plain ASCII), so rewrites of it keep the text's offsets; `anchors`: the phrase
/// pass saw two cipher anchor words.
pub(super) fn encoded(
    text: &str,
    lower: &str,
    anchors: bool,
    ascii: bool,
    source: TextSource,
    depth: u8,
    out: &mut Vec<Signal>,
) {
    let kinds = decode::candidates(text, ascii);
    if !kinds.is_empty() {
        for (start, end, _, decoded) in decode::decoded(text, kinds) {
            let inner = inner_score(&decoded, source, depth + 1);
            if inner >= 0.35 {
                out.push(Signal {
                    family: InjectionFamily::Encoded,
                    start,
                    end,
                    score: (inner + 0.1).min(1.0),
                });
            }
        }
    }
    // The rewrites keep the length of the text (ASCII texts only).
    if !ascii {
        return;
    }
    let mut rewritten = Vec::new();
    let in_place = |text: String| Rewrite {
        text,
        backwards: false,
    };
    let found = if anchors {
        ciphers::found(lower)
    } else {
        Vec::new()
    };
    for c in found {
        match c {
            Cipher::Rot13 => rewritten.push(in_place(ciphers::rot13(lower))),
            Cipher::Atbash => rewritten.push(in_place(ciphers::atbash(lower))),
            Cipher::Caesar(k) => rewritten.push(in_place(ciphers::shift(lower, 26 - k % 26))),
            Cipher::Reversed => {
                rewritten.push(Rewrite {
                    text: lower.chars().rev().collect(),
                    backwards: true,
                });
                rewritten.push(in_place(ciphers::reverse_words(lower)));
            }
        }
    }
    if decode::looks_leet(lower) {
        rewritten.push(in_place(decode::unleet(lower)));
    }
    let len = lower.len();
    for r in rewritten {
        let mut inner = Vec::new();
        phrases(&r.text, &mut inner, |x| x);
        for s in inner {
            let (start, end) = if r.backwards {
                (len - s.end.min(len), len - s.start.min(len))
            } else {
                (s.start, s.end)
            };
            let plain = out
                .iter()
                .any(|p| p.start < end && start < p.end && p.family != InjectionFamily::Encoded);
            // a phrase the rewrite made, not one the text has at that place already
            let changed = lower.get(start..end) != r.text.get(s.start..s.end);
            if !plain && changed {
                out.push(Signal {
                    family: InjectionFamily::Encoded,
                    start,
                    end,
                    score: (s.score + 0.1).min(1.0),
                });
            }
        }
    }
}
