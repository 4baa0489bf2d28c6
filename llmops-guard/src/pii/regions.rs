//! Region search: each recognizer's pattern runs only on the stretches of the text that can
//! hold one of its matches, instead of over the whole text.
//!
//! Every match of a PII pattern is made of a few kinds of bytes only, its *alphabet*
//! ([`Shape::member`]: digits and `[ .()-]` for a national phone number, `[0-9.]` for IPv4 …),
//! and holds at least [`Shape::min`] *anchor* bytes (digits; `@` for e-mails; `:` for IPv6).
//! A match therefore lies inside one maximal run of alphabet bytes of the text (a *region*)
//! that holds at least that many anchors; the rest of the text cannot hold one. The regions
//! are found from the anchors (digits from the digit runs the scan walked once, `runs.rs`;
//! `@` and `:` with `memchr`), extended both ways over alphabet bytes. An alphabet may be wider than the pattern's (all
//! letters where IPv6 takes hex digits only): a match is still made of its bytes, so it still
//! lies in one region, only the regions are longer.
//!
//! Each region is searched as a span of the whole text (`regex_automata::Input::span`). Look-around
//! assertions (the patterns' ASCII `\b`) at the span's edges see the bytes outside it (the
//! crate documents this for `Input`; test `span_search_sees_the_bytes_around_the_span`), so a
//! match of the span is a match of the text at the same place, and the reverse. The spans,
//! searched in order, give the matches of one `find_iter` over the whole text: that search
//! reports the leftmost match, then the leftmost one starting at or after its end, and so on
//! (leftmost-first: at a given start, the alternative the pattern prefers). A match starting
//! inside a region ends inside it, so at every step the whole-text search and the search of
//! the region holding the current position pick among the same matches, and a region
//! without a match is one the whole-text search passes over without reporting anything. No
//! pattern matches the empty string, so no empty-match rule differs between the two.
//! (Proptests in `scanner_equiv.rs` compare the scan with the whole-text search.)

use regex_automata::Input;
use regex_automata::meta::Regex;

use super::runs::DigitRuns;

/// What bytes make up a pattern's matches and what they must hold.
#[derive(Debug, Clone, Copy)]
pub(super) struct Shape {
    /// The bytes a match is made of.
    member: [bool; 256],
    /// The byte every match holds ([`Anchor`]).
    anchor: Anchor,
    /// How many anchor bytes every match holds at least.
    min: usize,
}

/// The anchor bytes of a [`Shape`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Anchor {
    /// ASCII digits.
    Digit,
    /// One byte value.
    Byte(u8),
}

impl Shape {
    /// A shape whose matches are made of ASCII digits, the bytes of `extra` and, if
    /// asked, ASCII letters of either case.
    // Indexing: built at compile time (the shapes are statics), where an index out of range
    // fails the build instead of panicking.
    #[allow(clippy::indexing_slicing)]
    pub(super) const fn new(
        extra: &[u8],
        upper: bool,
        lower: bool,
        anchor: Anchor,
        min: usize,
    ) -> Shape {
        let mut member = [false; 256];
        let mut c = 0;
        while c < 128 {
            let b = c as u8;
            member[c] = b.is_ascii_digit()
                || (upper && b.is_ascii_uppercase())
                || (lower && b.is_ascii_lowercase());
            c += 1;
        }
        let mut rest = extra;
        while let [b, tail @ ..] = rest {
            member[*b as usize] = true;
            rest = tail;
        }
        Shape {
            member,
            anchor,
            min,
        }
    }

    fn member(&self, b: u8) -> bool {
        self.member.get(usize::from(b)).copied().unwrap_or(false)
    }

    fn anchor(&self, b: u8) -> bool {
        match self.anchor {
            Anchor::Digit => b.is_ascii_digit(),
            Anchor::Byte(a) => b == a,
        }
    }
}

/// Calls `f(start, end)` for each region of `text` (whose digit runs are `runs`) that holds
/// at least `shape.min` anchors, in order. Each byte is read at most twice.
pub(super) fn regions(
    text: &[u8],
    shape: &Shape,
    runs: &DigitRuns<'_>,
    mut f: impl FnMut(usize, usize),
) {
    // The first anchor at or after `from`, which is 0 or a byte outside the alphabet (digits
    // are in every alphabet): for digits, the start of the first run at or after it.
    let mut digit_runs = runs.iter();
    let mut next_anchor = |from: usize| match shape.anchor {
        Anchor::Digit => digit_runs.find(|r| r.0 >= from).map(|r| r.0),
        Anchor::Byte(a) => memchr::memchr(a, text.get(from..)?).map(|p| from + p),
    };
    let mut from = 0;
    while let Some(p) = next_anchor(from) {
        // `from` is 0 or the end of the last region (a byte outside the alphabet), so the
        // region of `p` starts after it.
        let mut start = p;
        while start > from && text.get(start - 1).is_some_and(|&c| shape.member(c)) {
            start -= 1;
        }
        let (mut end, mut anchors) = (p, 0);
        while let Some(&c) = text.get(end) {
            if !shape.member(c) {
                break;
            }
            anchors += usize::from(shape.anchor(c));
            end += 1;
        }
        if anchors >= shape.min {
            f(start, end);
        }
        // (an anchor is an alphabet byte, so `end > p`)
        from = end.max(p + 1);
    }
}

/// Calls `f(start, end)` for every match of `re` in `text` (those of `re.find_iter(text)`),
/// searching only the regions of `shape`, which must describe every match of `re`, and of
/// those only the ones `keep` accepts (the caller's knowledge that a region's matches
/// would all be rejected later; `|_| true` for all matches). `runs` are the digit runs of
/// `text`.
pub(super) fn find_iter(
    re: &Regex,
    text: &str,
    shape: &Shape,
    runs: &DigitRuns<'_>,
    keep: impl Fn(&[u8]) -> bool,
    mut f: impl FnMut(usize, usize),
) {
    let b = text.as_bytes();
    regions(b, shape, runs, |start, end| {
        if !b.get(start..end).is_some_and(&keep) {
            return;
        }
        for m in re.find_iter(Input::new(text).span(start..end)) {
            f(m.start(), m.end());
        }
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn span_search_sees_the_bytes_around_the_span() {
        let re = Regex::new(r"(?-u:\b)[0-9]{2}(?-u:\b)").unwrap();
        let text = "a12 34b 56";
        let found = |s: usize, e: usize| {
            re.find_iter(Input::new(text).span(s..e))
                .map(|m| (m.start(), m.end()))
                .collect::<Vec<_>>()
        };
        // "12" follows a letter, "34" precedes one: no word boundary in the text, although
        // the span starts or ends right there
        assert_eq!(found(1, 3), []);
        assert_eq!(found(4, 6), []);
        assert_eq!(found(8, 10), [(8, 10)]);
        assert_eq!(found(0, 10), [(8, 10)]);
    }

    #[test]
    fn regions_are_maximal_runs_with_enough_anchors() {
        let shape = Shape::new(b" -", false, false, Anchor::Digit, 3);
        let mut got = Vec::new();
        let t = b"ab 12 x 1-2-3 y 1234";
        regions(t, &shape, &DigitRuns::new(t), |s, e| got.push((s, e)));
        assert_eq!(got, [(7, 14), (15, 20)]);
        let at = Shape::new(b".@", true, true, Anchor::Byte(b'@'), 1);
        let mut got = Vec::new();
        let t = b"mail a.b@c.de, or x@y";
        regions(t, &at, &DigitRuns::new(t), |s, e| got.push((s, e)));
        assert_eq!(got, [(5, 13), (18, 21)]);
    }
}
