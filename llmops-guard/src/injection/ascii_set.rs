//! The phrase patterns restricted to ASCII, for ASCII texts.
//!
//! The patterns are written for normalised text in many languages: their classes (`\p{L}`,
//! `[^ \t\r\n]`) and literals hold non-ASCII characters, and the lazy DFA of the whole set
//! carries the UTF-8 automata of all of them along every ASCII byte. On an ASCII haystack
//! only ASCII characters can take part in a match, so each pattern is rewritten
//! ([`restrict`]) with every class intersected with ASCII and every literal holding a
//! non-ASCII byte made impossible; a pattern that no longer matches anything (every match
//! needs a non-ASCII character: Cyrillic, CJK, accented stems) is left out of the set.
//!
//! Exactness: for an ASCII haystack `h` and a pattern `p`, a match of `p` is a substring of
//! `h`, so a string of ASCII characters; it is in the language of `p` iff it is in that of
//! `restrict(p)` (the rewrite removes exactly the strings holding a non-ASCII character).
//! Look-around assertions are evaluated on `h` in both (ASCII word boundaries, `^`, `$`:
//! unchanged). So `restrict(p)` matches `h` iff `p` does, and the set of restricted patterns
//! reports the same patterns as the full set; the signals then come from each pattern's own
//! `find_iter`, as before. `phrases_reference` in the tests is the full-set pass; proptests
//! and the whole injection corpus compare both.

use std::sync::LazyLock;

use regex::{RegexSet, RegexSetBuilder};
use regex_syntax::hir::{Class, ClassBytes, ClassBytesRange, ClassUnicode, ClassUnicodeRange};
use regex_syntax::hir::{Hir, HirKind};

use super::{ciphers, patterns};

/// The set index of the cipher anchors' pattern ([`ciphers::anchor_pattern`]), last in the
/// set: not a phrase pattern.
pub(super) const CIPHER_ANCHORS: usize = usize::MAX;

/// The restricted set and, per set index, the pattern's index in [`patterns::patterns`]
/// (or [`CIPHER_ANCHORS`]).
static ASCII: LazyLock<Option<(RegexSet, Vec<usize>)>> = LazyLock::new(build);

/// The set of the phrase patterns that can match ASCII text, restricted to ASCII, and the
/// pattern index of each, then the cipher anchors' pattern (two anchor words of a letter
/// cipher: it rides along the pass the phrases make anyway, at no measurable cost, where an
/// Aho-Corasick pass of its own cost 0.5 to 2.5 µs on 4 KB); `None` when a restricted
/// pattern fails to build (then the caller uses the full set).
pub(super) fn set() -> Option<&'static (RegexSet, Vec<usize>)> {
    ASCII.as_ref()
}

fn build() -> Option<(RegexSet, Vec<usize>)> {
    let mut sources = Vec::new();
    let mut index = Vec::new();
    for (i, p) in patterns::patterns().iter().enumerate() {
        let hir = regex_syntax::Parser::new().parse(p.regex.as_str()).ok()?;
        let ascii = restrict(&hir);
        if can_match(&ascii) {
            sources.push(ascii.to_string());
            index.push(i);
        }
    }
    sources.push(ciphers::anchor_pattern());
    index.push(CIPHER_ANCHORS);
    let set = RegexSetBuilder::new(&sources)
        .size_limit(64 << 20)
        .dfa_size_limit(16 << 20)
        .build()
        .ok()?;
    Some((set, index))
}

/// Whether `hir` matches any string (an empty class matches none; `minimum_len` cannot say:
/// it reports no length for an alternation with one impossible branch).
pub(super) fn can_match(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Empty | HirKind::Literal(_) | HirKind::Look(_) => true,
        HirKind::Class(Class::Unicode(c)) => !c.ranges().is_empty(),
        HirKind::Class(Class::Bytes(c)) => !c.ranges().is_empty(),
        HirKind::Repetition(r) => r.min == 0 || can_match(&r.sub),
        HirKind::Capture(c) => can_match(&c.sub),
        HirKind::Concat(parts) => parts.iter().all(can_match),
        HirKind::Alternation(b) => b.iter().any(can_match),
    }
}

/// `hir` matching the same strings of ASCII characters and no other (see the module docs).
pub(super) fn restrict(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Literal(l) if l.0.is_ascii() => hir.clone(),
        HirKind::Literal(_) => Hir::fail(),
        HirKind::Class(Class::Unicode(c)) => {
            let mut c = c.clone();
            c.intersect(&ClassUnicode::new([ClassUnicodeRange::new('\0', '\x7F')]));
            Hir::class(Class::Unicode(c))
        }
        HirKind::Class(Class::Bytes(c)) => {
            let mut c = c.clone();
            c.intersect(&ClassBytes::new([ClassBytesRange::new(0, 0x7F)]));
            Hir::class(Class::Bytes(c))
        }
        HirKind::Repetition(r) => {
            let mut r = r.clone();
            r.sub = Box::new(restrict(&r.sub));
            Hir::repetition(r)
        }
        HirKind::Capture(c) => {
            let mut c = c.clone();
            c.sub = Box::new(restrict(&c.sub));
            Hir::capture(c)
        }
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(restrict).collect()),
        HirKind::Alternation(b) => Hir::alternation(b.iter().map(restrict).collect()),
        HirKind::Empty | HirKind::Look(_) => hir.clone(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn r(p: &str) -> Hir {
        restrict(&regex_syntax::Parser::new().parse(p).unwrap())
    }

    #[test]
    fn non_ascii_parts_drop_out() {
        // a Cyrillic word alone cannot match ASCII text
        assert!(!can_match(&r("игнорир")));
        assert!(can_match(&r("(?:игнорир|🔓x|ignor)")));
        assert!(!can_match(&r("ignor(?:игнорир|🔓x)")));
        assert!(can_match(&r("ignor(?:игнорир|🔓x)?")));
        // an alternation keeps its ASCII branches
        let h = r(r"(?-u:\b)(?:ignor|игнорир)\p{L}*");
        let re = regex::Regex::new(&h.to_string()).unwrap();
        assert!(re.is_match("ignoring"));
        assert!(!re.is_match("игнорирую"));
        // classes shrink to their ASCII part
        let h = r(r"[^ \t\r\n]+");
        assert!(regex::Regex::new(&h.to_string()).unwrap().is_match("abc"));
        assert_eq!(h.properties().maximum_len(), None);
    }

    #[test]
    fn the_set_builds_and_keeps_the_english_patterns() {
        let (set, index) = set().unwrap();
        assert_eq!(set.len(), index.len());
        assert_eq!(index.last(), Some(&CIPHER_ANCHORS));
        let index = &index[..index.len() - 1];
        assert!(
            index.len() > patterns::patterns().len() / 2,
            "{}",
            index.len()
        );
        assert!(
            index.len() < patterns::patterns().len(),
            "some need non-ASCII text"
        );
        assert!(index.windows(2).all(|w| w[0] < w[1]));
    }
}
