//! Word-start literals derived from a pattern: finite sets of literals such that every match
//! of the pattern holds one literal of each set **at a lookup position** of the text, found
//! automatically from the pattern's syntax tree (`regex_syntax`'s HIR). The phrase scan
//! ([`super::phrase_scan`]) looks literals up only at those positions (a few hundred per
//! 4 KB of prose) instead of running an automaton over every byte.
//!
//! # Lookup positions
//!
//! Position `p` of a text is a lookup position when the byte at `p` is
//! - an ASCII word byte (`[0-9A-Za-z_]`, the bytes `(?-u:\b)` counts as word bytes) and `p`
//!   is 0 or the byte before is not one (a *word start*), or
//! - an *anywhere* byte ([`anywhere`]): ASCII punctuation or control (not a word byte, not
//!   ASCII whitespace) or the lead byte of a multi-byte UTF-8 character.
//!
//! # Which literals may be looked up
//!
//! A literal `l` found at the start `s` of a match of a sub-expression qualifies when
//! - its first byte is an anywhere byte: every occurrence of it is at a lookup position; or
//! - its first byte is an ASCII word byte and the context guarantees `ok(s)`: "if the byte
//!   at `s` is an ASCII word byte, `s` is a word start". Then the byte at `s` is `l[0]`, a
//!   word byte, so `s` is a word start.
//!
//! `ok(s)` is derived ([`ends_ok`]) from what precedes `s` in the pattern: a zero-width
//! assertion other than `\B` at `s` (`(?-u:\b)`: a word byte at `s` means a non-word byte or
//! the text's start before it; `^`, `(?m:^)`: the text's start or a line feed before; the
//! end assertions hold only where no word byte follows); a match of a literal ending in a
//! non-word byte, of a class without ASCII word bytes (`\s`, `[.!?]`; non-ASCII characters
//! end in a byte ≥ 0x80), or of a repetition of at least one of those, ending at `s`; a
//! repetition of zero or more of those or a `\B` (then whatever precedes them decides); an
//! alternation all of whose branches guarantee it; and, at the start of the pattern, nothing
//! (`ok` unknown, only anywhere literals qualify).
//!
//! # The sets
//!
//! - The prefix literals of a sub-expression (`regex_syntax`'s prefix [`Extractor`]): every
//!   match of it starts with one of them; a set when each qualifies at the start.
//! - In a concatenation, the prefix literals of every suffix `parts[i..]` (they start where
//!   `parts[..i]` ends, so `ok` comes from `parts[..i]`, or from `parts[i]` when it is an
//!   assertion) and the sets of every part with the same context.
//! - An alternation: per rank, the union of its branches' sets (each match is a match of one
//!   branch, which holds a literal of each of its sets at a lookup position).
//! - A group or a repetition of at least one: its body's sets (the first iteration starts
//!   where the repetition does).
//!
//! Literals are taken from the pattern with its whitespace classes (and repetitions of at
//! least one of them) read as one space ([`spaces_as_one`]): a literal's space stands for a
//! run of whitespace in the text, and literals span words (`from now on`). Sets are made
//! smaller without losing the property: a literal that another one is a prefix of is
//! dropped (the shorter one starts at the same position). The rarest sets come first
//! ([`cost`]: byte frequencies from `regex_syntax`'s rank table, common short words
//! penalised); a set holding the empty literal, or an infinite one, is no set.

use regex_syntax::hir::literal::{ExtractKind, Extractor, rank};
use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// A finite set of literals (sorted, without duplicates).
pub(super) type Lits = Vec<Vec<u8>>;

/// How many literal sets a pattern keeps at most (all must be present).
pub(super) const MAX_SETS: usize = 4;

/// Sets beyond the best one are kept only up to this [`cost`] (a set of common words or
/// punctuation filters nothing).
const MAX_EXTRA_COST: f64 = 0.02;

/// An ASCII word byte, as `(?-u:\b)` defines them.
pub(super) fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_'
}

/// A byte whose every occurrence is a lookup position: ASCII punctuation or control (not a
/// word byte, not ASCII whitespace, vertical tab included) or a UTF-8 lead byte.
pub(super) fn anywhere(b: u8) -> bool {
    if b >= 0x80 {
        return b >= 0xC0;
    }
    !is_word(b) && !matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// Whether `l` may be looked up when it starts where `ok` holds (see the module docs).
fn qualifies(l: &[u8], ok: bool) -> bool {
    match l.first() {
        Some(&b) => anywhere(b) || (ok && is_word(b)),
        None => false,
    }
}

/// The derivation for one pattern.
#[derive(Debug, Clone)]
pub(super) struct Derived {
    /// Up to [`MAX_SETS`] sets, rarest first: every match holds a literal of each at a
    /// lookup position. Empty when the derivation found none.
    pub(super) sets: Vec<Lits>,
    /// The longest match in bytes, when bounded.
    pub(super) max_len: Option<usize>,
    /// The pattern as `head · tail` (`head` `None` when empty) where the `tail` part of
    /// every match starts with a literal of `lits` at a lookup position.
    pub(super) split: Option<Split>,
}

/// A pattern cut in two where a literal set starts.
#[derive(Debug, Clone)]
pub(super) struct Split {
    /// The literals the tail part starts with.
    pub(super) lits: Lits,
    /// What comes before (`None` when nothing).
    pub(super) head: Option<Hir>,
    /// The rest.
    pub(super) tail: Hir,
}

/// The word-start literal sets and the longest match of `pattern`; `None` when it does not
/// parse.
pub(super) fn derive(pattern: &str) -> Option<Derived> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let max_len = hir.properties().maximum_len();
    let sets = select(all_sets(&for_literals(&hir), false), MAX_EXTRA_COST);
    // The split sets: prefixes of the top-level suffixes `parts[i..]`; the rarest wins.
    let parts: Vec<Hir> = match hir.kind() {
        HirKind::Concat(parts) => parts.clone(),
        _ => vec![hir.clone()],
    };
    let mut best: Option<(f64, usize, Lits)> = None;
    let mut ok = false;
    for (i, part) in parts.iter().enumerate() {
        let here = ok || matches!(part.kind(), HirKind::Look(l) if look_ok(*l));
        let rest = Hir::concat(parts.get(i..).unwrap_or_default().to_vec());
        if let Some(p) =
            prefixes(&for_literals(&rest)).filter(|p| p.iter().all(|l| qualifies(l, here)))
        {
            let m = minimized(p);
            let c = cost(&m);
            if !m.is_empty()
                && m.iter().all(|l| !l.is_empty())
                && best.as_ref().is_none_or(|b| c < b.0)
            {
                best = Some((c, i, m));
            }
        }
        ok = ends_ok(part, ok);
    }
    let split = best.map(|(_, i, lits)| {
        let head = parts.get(..i).unwrap_or_default().to_vec();
        Split {
            lits,
            head: (!head.is_empty()).then(|| Hir::concat(head)),
            tail: Hir::concat(parts.get(i..).unwrap_or_default().to_vec()),
        }
    });
    Some(Derived {
        sets,
        max_len,
        split,
    })
}

/// The prefix literals of `hir`, when finite and none empty, in [canonical](canonical) form.
fn prefixes(hir: &Hir) -> Option<Lits> {
    let seq = Extractor::new().kind(ExtractKind::Prefix).extract(hir);
    let lits = seq.literals()?;
    if lits.iter().any(|l| l.is_empty()) {
        return None;
    }
    Some(lits.iter().map(|l| canonical(l.as_bytes())).collect())
}

/// An ASCII whitespace byte (vertical tab included).
pub(super) fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C)
}

/// A literal with each run of ASCII whitespace as one space: the space stands for one or
/// more whitespace bytes of the text ([`super::phrase_scan`] compares them so). A text
/// holding the literal holds its canonical form in that sense.
///
/// Cut after [`MAX_LIT`] bytes or before a second space (a prefix of a literal is one too:
/// a text holding the literal holds its prefix; two words are rare enough).
fn canonical(l: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(l.len());
    let mut spaces = 0;
    for &b in l {
        if out.len() == MAX_LIT {
            break;
        }
        if is_space(b) {
            if out.last() != Some(&b' ') {
                spaces += 1;
                if spaces == 2 {
                    break;
                }
                out.push(b' ');
            }
        } else {
            out.push(b);
        }
    }
    out
}

/// The longest literal kept.
const MAX_LIT: usize = 16;

/// Whether `class` matches ASCII whitespace only.
fn space_class(class: &Class) -> bool {
    let ok = |lo: u32, hi: u32| (lo..=hi).all(|c| u8::try_from(c).is_ok_and(is_space));
    match class {
        Class::Unicode(c) => c
            .iter()
            .all(|r| u32::from(r.end()) < 0x80 && ok(u32::from(r.start()), u32::from(r.end()))),
        Class::Bytes(c) => c
            .iter()
            .all(|r| ok(u32::from(r.start()), u32::from(r.end()))),
    }
}

/// `hir` with each whitespace class, or repetition of at least one of it, as one space
/// (for the literal extraction only: the extracted literals then span words, `from now on`
/// instead of `from`). Every match `m` of `hir` has an image `m'` (those whitespace runs
/// as one space) that matches the result, the rest of `m` unchanged; `m'` starts with a
/// literal `l`, so `m` holds `canonical(l)` in the whitespace-run sense. Line anchors see a
/// line feed that the space replaces: patterns with them keep their whitespace
/// ([`has_line_anchor`]).
fn spaces_as_one(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Class(c) if space_class(c) => Hir::literal(*b" "),
        HirKind::Repetition(r)
            if r.min >= 1 && matches!(r.sub.kind(), HirKind::Class(c) if space_class(c)) =>
        {
            Hir::literal(*b" ")
        }
        HirKind::Repetition(r) => {
            let mut r = r.clone();
            r.sub = Box::new(spaces_as_one(&r.sub));
            Hir::repetition(r)
        }
        HirKind::Capture(c) => {
            let mut c = c.clone();
            c.sub = Box::new(spaces_as_one(&c.sub));
            Hir::capture(c)
        }
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(spaces_as_one).collect()),
        HirKind::Alternation(b) => Hir::alternation(b.iter().map(spaces_as_one).collect()),
        _ => hir.clone(),
    }
}

/// Whether `hir` holds a line anchor (`(?m:^)`, `(?m:$)`).
fn has_line_anchor(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Look(l) => matches!(
            l,
            Look::StartLF | Look::EndLF | Look::StartCRLF | Look::EndCRLF
        ),
        HirKind::Repetition(r) => has_line_anchor(&r.sub),
        HirKind::Capture(c) => has_line_anchor(&c.sub),
        HirKind::Concat(p) | HirKind::Alternation(p) => p.iter().any(has_line_anchor),
        _ => false,
    }
}

/// [`spaces_as_one`] unless `hir` has line anchors.
fn for_literals(hir: &Hir) -> Hir {
    if has_line_anchor(hir) {
        hir.clone()
    } else {
        spaces_as_one(hir)
    }
}

/// Whether a zero-width assertion holding at `s` guarantees `ok(s)`.
fn look_ok(look: Look) -> bool {
    !matches!(look, Look::WordAsciiNegate | Look::WordUnicodeNegate)
}

/// Whether a class holds no ASCII word byte (its matches end in a non-word byte).
fn class_ok(class: &Class) -> bool {
    let overlaps = |lo: u32, hi: u32| {
        [(0x30, 0x39), (0x41, 0x5A), (0x5F, 0x5F), (0x61, 0x7A)]
            .iter()
            .any(|&(a, b)| lo <= b && a <= hi)
    };
    match class {
        Class::Unicode(c) => !c
            .iter()
            .any(|r| overlaps(u32::from(r.start()), u32::from(r.end()))),
        Class::Bytes(c) => !c
            .iter()
            .any(|r| overlaps(u32::from(r.start()), u32::from(r.end()))),
    }
}

/// Whether `ok(e)` holds at the end `e` of every match of `hir`, given `before` (whether it
/// holds at the start).
fn ends_ok(hir: &Hir, before: bool) -> bool {
    match hir.kind() {
        HirKind::Empty => before,
        HirKind::Look(look) => look_ok(*look) || before,
        HirKind::Literal(l) => match l.0.last() {
            Some(&b) => !is_word(b),
            None => before,
        },
        HirKind::Class(c) => class_ok(c),
        HirKind::Repetition(r) => {
            // The first iteration starts where `before` holds, later ones where the one
            // before ended (`ends_ok` is monotone in `before`).
            let iterations = ends_ok(&r.sub, before) && ends_ok(&r.sub, true);
            if r.min >= 1 {
                iterations
            } else {
                before && iterations
            }
        }
        HirKind::Capture(c) => ends_ok(&c.sub, before),
        HirKind::Concat(parts) => parts.iter().fold(before, |ok, p| ends_ok(p, ok)),
        HirKind::Alternation(branches) => branches.iter().all(|b| ends_ok(b, before)),
    }
}

/// Every candidate set of `hir` whose matches start where `ok` is `before` (not yet
/// selected): see the module docs.
fn all_sets(hir: &Hir, before: bool) -> Vec<Lits> {
    let mut sets: Vec<Lits> = prefixes(hir)
        .filter(|p| p.iter().all(|l| qualifies(l, before)))
        .into_iter()
        .collect();
    match hir.kind() {
        HirKind::Concat(parts) => {
            let mut ok = before;
            for (i, part) in parts.iter().enumerate() {
                let here = ok || matches!(part.kind(), HirKind::Look(l) if look_ok(*l));
                if i > 0 {
                    let rest = parts.get(i..).unwrap_or_default().to_vec();
                    sets.extend(
                        prefixes(&Hir::concat(rest))
                            .filter(|p| p.iter().all(|l| qualifies(l, here))),
                    );
                }
                sets.extend(best(part, here));
                ok = ends_ok(part, ok);
            }
        }
        HirKind::Alternation(branches) => {
            let per: Vec<Vec<Lits>> = branches.iter().map(|b| best(b, before)).collect();
            if per.iter().all(|c| !c.is_empty()) {
                // The k-th set of each branch (its last when it has fewer): every match is
                // a match of one branch, which holds a literal of each of its sets.
                for k in 0..MAX_SETS {
                    let union = per
                        .iter()
                        .filter_map(|c| c.get(k.min(c.len().saturating_sub(1))))
                        .flatten()
                        .cloned()
                        .collect();
                    sets.push(union);
                }
            }
        }
        HirKind::Capture(c) => sets.extend(best(&c.sub, before)),
        HirKind::Repetition(r) if r.min >= 1 => sets.extend(best(&r.sub, before)),
        _ => {}
    }
    sets
}

/// The selected sets of a sub-expression.
fn best(hir: &Hir, before: bool) -> Vec<Lits> {
    select(all_sets(hir, before), MAX_EXTRA_COST)
}

/// A set with fewer literals, each starting where one of `lits` did: literals that
/// another one is a prefix of dropped (a text holding the longer one holds the shorter one
/// there); sorted. Empty literals stay (they make the set useless, see [`select`]).
fn minimized(mut lits: Lits) -> Lits {
    lits.sort();
    lits.dedup();
    let mut kept: Lits = Vec::with_capacity(lits.len());
    for l in lits {
        // sorted: a prefix of `l` comes before it, the last kept one is the only candidate
        if !kept.last().is_some_and(|k| l.starts_with(k)) {
            kept.push(l);
        }
    }
    kept
}

/// The best sets: minimised, rarest first, without repeats and without empty literals;
/// beyond the first only those up to `bound`, at most [`MAX_SETS`].
fn select(sets: Vec<Lits>, bound: f64) -> Vec<Lits> {
    let mut sets: Vec<(f64, Lits)> = sets
        .into_iter()
        .map(minimized)
        .filter(|l| !l.is_empty() && l.iter().all(|x| !x.is_empty()))
        .map(|l| (cost(&l), l))
        .collect();
    sets.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
    sets.dedup_by(|a, b| a.1 == b.1);
    let mut out: Vec<Lits> = Vec::new();
    for (c, l) in sets {
        if out.len() == MAX_SETS || (!out.is_empty() && c > bound) {
            break;
        }
        // A set that every literal of a kept set starts with one of says nothing more.
        let implied = out
            .iter()
            .any(|kept| kept.iter().all(|k| l.iter().any(|x| k.starts_with(x))));
        if !implied {
            out.push(l);
        }
    }
    out
}

/// Short words that start many words of ordinary text.
const COMMON: &[&[u8]] = &[
    b"a", b"an", b"and", b"are", b"as", b"at", b"be", b"but", b"by", b"can", b"do", b"for",
    b"from", b"has", b"have", b"he", b"i", b"if", b"in", b"is", b"it", b"me", b"my", b"no", b"not",
    b"now", b"of", b"on", b"or", b"so", b"that", b"the", b"this", b"to", b"we", b"will", b"with",
    b"you", b"your",
];

/// The expected number of lookup hits per lookup position (lower is better): each literal's
/// probability from the byte frequencies of its first eight bytes (a literal of one or two
/// bytes, or a common short word, counts as likely), plus a small cost per literal.
pub(super) fn cost(lits: &Lits) -> f64 {
    lits.iter()
        .map(|l| {
            let common = COMMON.iter().any(|c| l.as_slice() == *c);
            let p: f64 = if common || l.len() <= 2 {
                0.05
            } else {
                l.iter()
                    .take(8)
                    .map(|&b| 0.15 * ((f64::from(rank(b)) + 1.0) / 256.0).powi(4))
                    .product()
            };
            p + 1e-6
        })
        .sum()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn sets(p: &str) -> Vec<Vec<String>> {
        derive(p)
            .unwrap()
            .sets
            .into_iter()
            .map(|s| {
                s.into_iter()
                    .map(|l| String::from_utf8(l).unwrap())
                    .collect()
            })
            .collect()
    }

    #[test]
    fn literals_after_a_boundary_or_a_separator() {
        assert_eq!(
            sets(r"(?:^|please\s+)(?-u:\b)(?:ignore|disregard)\s+rules")[0],
            ["disregard", "ignore"]
        );
        // after `\s+`: a word start
        assert_eq!(sets(r"x\S*\s+instructions")[0], ["instructions"]);
        // `\s*` may be empty: then `x` precedes, not a word start
        assert!(sets(r"xy\s*instructions").is_empty());
        // `[^a-z]` holds digits: `9ignore` has no word start at `i`
        assert!(sets(r"[^a-z]ignore").is_empty());
        assert_eq!(sets(r"[^a-zA-Z0-9_]ignore")[0], ["ignore"]);
        // no context at the pattern's start
        assert!(sets(r"ignore").is_empty());
        // punctuation and non-ASCII literals qualify anywhere
        assert_eq!(sets(r"<\|im_start\|>")[0], ["<|im_start|>"]);
        assert_eq!(sets(r"игнорир")[0], ["игнорир"]);
        assert!(sets(r"\s+system").len() == 1);
    }

    #[test]
    fn prefixes_keep_their_start() {
        // "ignore all" cut at the space, "ignorer" dropped for its prefix "ignore"
        assert_eq!(
            sets(r"(?-u:\b)(?:ignore\s+all|ignorer|ignore)")[0],
            ["ignore"]
        );
        // the literal inside a word is no prefix: both stay
        assert_eq!(
            sets(r"(?-u:\b)(?:ignore|reignore)")[0],
            ["ignore", "reignore"]
        );
    }

    #[test]
    fn bounds() {
        assert_eq!(derive(r"(?-u:\b)abc[ \t]{1,3}d").unwrap().max_len, Some(7));
        assert_eq!(derive(r"(?-u:\b)abc\S*").unwrap().max_len, None);
        assert!(derive("(").is_none());
    }
}
