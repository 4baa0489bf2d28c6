//! The phrase pass without an automaton over every byte: literals looked up per word.
//!
//! Each phrase pattern has, from [`word_literals`](super::word_literals), up to two literal
//! sets such that every match holds a literal of each set starting at a *lookup position*
//! (a word start, or a punctuation byte or UTF-8 lead byte). The scan
//! 1. walks the lower-case text's lookup positions (a byte class table, one pass) and looks
//!    the first two bytes of each up in a 64 Kibit bitset built from the literals (8 KiB,
//!    stays in L1), then, on a hit, compares the literals that start with those two bytes;
//! 2. takes as candidates the patterns all of whose sets had a hit;
//! 3. decides exactly whether each candidate matches: a search of its own (the `regex`
//!    engine, `regex_automata::meta`) over `[q - max_len, q + max_len]` around each hit `q`
//!    of its first set, on the *whole* haystack (`Input::span`: `\b` and `^` see the bytes
//!    outside the span); a match holds such a literal at some `q` and is at most `max_len`
//!    long, so it lies inside that span. Patterns without a bound on their length are
//!    searched over the whole text (only when they are candidates);
//! 4. runs the residual patterns (no set derived) as one `RegexSet` on every text;
//! 5. reports the matching patterns exactly as the set pass did: in pattern order, every
//!    `find_iter` match over the whole text.
//!
//! `phrases_reference` in the tests is the set pass this replaces; proptests compare both.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::ops::Range;
use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};
use regex::RegexSet;
use regex_automata::hybrid;
use regex_automata::meta;
use regex_automata::nfa::thompson;
use regex_automata::{Anchored, Input};

use super::patterns::{self, Pattern};
use super::word_literals;
use super::{Signal, trim_range};

/// How a candidate pattern is decided.
#[derive(Debug)]
enum Verify {
    /// `head · tail`, every match's `tail` starting at a hit of the first set: a hit `q`
    /// decides when `head` matches some `[s, q)` (an anchored reverse search) and `tail`
    /// some `[q, e)` (an anchored forward search).
    Split {
        head: Option<hybrid::dfa::DFA>,
        tail: meta::Regex,
    },
    /// A match is at most this long: a search over `[q - max_len, q + max_len]`.
    Bounded(usize),
    /// A search over the whole text.
    Whole,
}

/// What the scan knows about one pattern.
#[derive(Debug)]
struct Pat {
    /// The bits of all its sets (`1 << set`); 0 for a residual pattern.
    full: u8,
    /// The literals whose positions the verification starts from (the split's, or the
    /// first set's), searched only when the pattern is a candidate.
    at: Option<AhoCorasick>,
    verify: Verify,
    /// The whole pattern on the engine with spans.
    regex: meta::Regex,
}

/// The literals sharing a key (their first four bytes, or all of a shorter one).
#[derive(Debug)]
struct Group {
    key: u32,
    len: u8,
    /// Literals at most one byte longer than the key.
    short: Range<u32>,
    /// Longer literals, by their two bytes after the key: a range of `PhraseScan::subs`.
    long: Range<u32>,
}

/// One literal: its bytes and which (pattern, set) pairs it belongs to.
#[derive(Debug)]
struct Lit {
    bytes: Vec<u8>,
    owners: Vec<(u16, u8)>,
}

/// Open-addressing slots of the group table.
const SLOTS: usize = 1 << SLOT_BITS;
const SLOT_BITS: u32 = 13;

/// The literal tables and per-pattern data.
#[derive(Debug)]
pub(super) struct PhraseScan {
    /// Literals, grouped by key.
    lits: Vec<Lit>,
    groups: Vec<Group>,
    /// Per group, sorted: the two bytes after the key, the literals with them.
    subs: Vec<(u16, Range<u32>)>,
    /// `SLOTS` entries: group index + 1, 0 when empty.
    slots: Vec<u16>,
    /// A bit per key hash ([`bloom_bit`]): most words start no literal.
    bloom: Vec<u64>,
    /// Per first byte: bit `k` when some literal starting with it has a key of `k` bytes and
    /// no space after it (looked up whatever follows).
    lens: [u8; 256],
    /// Per first byte: bit `k` when some literal starting with it has a space after a key
    /// of `k` bytes (looked up only when whitespace follows the `k` bytes in the text).
    spaced: [u8; 256],
    /// First filters: bit per hash of the first three bytes of literals with keys of three
    /// bytes or more ([`tri_hash`]), per first two bytes of keys of two, per first byte of
    /// keys of one.
    tri: Vec<u64>,
    pair: Vec<u64>,
    single: Vec<u64>,
    pats: Vec<Pat>,
    /// Patterns without sets (they run on every text).
    residual: Vec<usize>,
    residual_set: Option<RegexSet>,
}

/// Byte classes for the position walk: 1 word byte, 2 anywhere byte, 0 neither.
static CLASS: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = 0;
    while b < 256 {
        let c = b as u8;
        t[b] = if c.is_ascii_alphanumeric() || c == b'_' {
            1
        } else if c >= 0xC0
            || (c < 0x80 && !matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C))
        {
            2
        } else {
            0
        };
        b += 1;
    }
    t
};

static SCAN: LazyLock<PhraseScan> = LazyLock::new(|| PhraseScan::new(patterns::patterns()));

/// The scan over the phrase patterns.
pub(super) fn scan() -> &'static PhraseScan {
    &SCAN
}

/// Reused per thread: which literals occurred, which sets of each
/// pattern had a hit, the reverse searches' caches.
#[derive(Debug, Default)]
struct Scratch {
    /// Bit per literal: occurred.
    lit_seen: Vec<u64>,
    seen: Vec<u8>,
    hits: Vec<usize>,
    matched: Vec<usize>,
    caches: Vec<Option<hybrid::dfa::Cache>>,
}

thread_local! {
    static SCRATCH: RefCell<Scratch> = RefCell::new(Scratch::default());
}

fn hash(key: u32, len: u8) -> u64 {
    (u64::from(key) | u64::from(len) << 32).wrapping_mul(0x9E37_79B9_7F4A_7C15)
}

fn slot_of(key: u32, len: u8) -> usize {
    (hash(key, len) >> (64 - SLOT_BITS)) as usize
}

/// The bloom bit of a key (other bits of the hash than the slot's).
fn bloom_bit(key: u32, len: u8) -> usize {
    (hash(key, len) >> 8) as usize & (BLOOM_BITS - 1)
}

/// Bits of the bloom filter in front of the group table (8 KiB).
const BLOOM_BITS: usize = 1 << 16;

/// The key of the `len` (1..=4) bytes starting `window` (little-endian).
fn masked(window: u32, len: u8) -> u32 {
    if len >= 4 {
        window
    } else {
        window & ((1u32 << (8 * u32::from(len))) - 1)
    }
}

impl PhraseScan {
    #[allow(clippy::expect_used)] // constant patterns; the tests build every one
    fn new(patterns: &[Pattern]) -> PhraseScan {
        let mut by_bytes: BTreeMap<Vec<u8>, Vec<(u16, u8)>> = BTreeMap::new();
        let mut pats = Vec::with_capacity(patterns.len());
        let mut residual = Vec::new();
        for (i, p) in patterns.iter().enumerate() {
            let src = p.regex.as_str();
            let derived = word_literals::derive(src);
            let regex = meta::Regex::builder()
                .configure(meta::Config::new().nfa_size_limit(Some(16 << 20)))
                .build(src)
                .expect("injection pattern compiles");
            let (full, at, verify) = match (derived, u16::try_from(i)) {
                (Some(d), Ok(id)) if !d.sets.is_empty() => {
                    for (k, set) in d.sets.iter().enumerate() {
                        for l in set {
                            by_bytes.entry(l.clone()).or_default().push((id, k as u8));
                        }
                    }
                    let full = ((1u16 << d.sets.len()) - 1) as u8;
                    let (lits, verify) = match (d.split, d.max_len) {
                        (Some(split), _) => (split.lits, split_verify(split.head, &split.tail)),
                        (None, Some(m)) => (
                            d.sets.first().cloned().unwrap_or_default(),
                            Verify::Bounded(m),
                        ),
                        (None, None) => (Vec::new(), Verify::Whole),
                    };
                    // The literals up to their first space: where the literal may start.
                    let heads: Vec<&[u8]> = lits
                        .iter()
                        .map(|l| l.get(..key_len(l)).unwrap_or_default())
                        .collect();
                    let at = (!heads.is_empty()).then(|| {
                        AhoCorasick::builder()
                            .match_kind(MatchKind::Standard)
                            .build(&heads)
                            .expect("literal automaton builds")
                    });
                    (full, at, verify)
                }
                _ => {
                    residual.push(i);
                    (0, None, Verify::Whole)
                }
            };
            pats.push(Pat {
                full,
                at,
                verify,
                regex,
            });
        }
        let mut by_key: BTreeMap<(u32, u8), Vec<Lit>> = BTreeMap::new();
        let mut lens = [0u8; 256];
        let mut spaced = [0u8; 256];
        let (mut tri, mut pair, mut single) = (vec![0u64; 1024], vec![0u64; 1024], vec![0u64; 4]);
        for (bytes, owners) in by_bytes {
            let Some(&b0) = bytes.first() else { continue };
            let len = key_len(&bytes) as u8;
            let mut w = [0u8; 4];
            for (d, s) in w
                .iter_mut()
                .zip(bytes.get(..usize::from(len)).unwrap_or_default())
            {
                *d = *s;
            }
            match len {
                1 => set_bit(&mut single, usize::from(b0)),
                2 => set_bit(
                    &mut pair,
                    usize::from(b0) | usize::from(bytes.get(1).copied().unwrap_or(0)) << 8,
                ),
                _ => {
                    let b = |i: usize| u32::from(bytes.get(i).copied().unwrap_or(0));
                    set_bit(&mut tri, tri_hash(b(0) | b(1) << 8 | b(2) << 16));
                }
            }
            let masks = if bytes.get(usize::from(len)) == Some(&b' ') {
                &mut spaced
            } else {
                &mut lens
            };
            if let Some(l) = masks.get_mut(usize::from(b0)) {
                *l |= 1 << len;
            }
            by_key
                .entry((u32::from_le_bytes(w), len))
                .or_default()
                .push(Lit { bytes, owners });
        }
        let mut lits = Vec::new();
        let mut groups = Vec::new();
        let mut subs: Vec<(u16, Range<u32>)> = Vec::new();
        let mut slots = vec![0u16; SLOTS];
        let mut bloom = vec![0u64; BLOOM_BITS / 64];
        for ((key, len), mut group) in by_key {
            let bit = bloom_bit(key, len);
            if let Some(w) = bloom.get_mut(bit >> 6) {
                *w |= 1 << (bit & 63);
            }
            let k = usize::from(len);
            group.sort_by_key(|l| (l.bytes.len() > k + 1, sig(&l.bytes, k)));
            let start = lits.len() as u32;
            let n_short = group.iter().filter(|l| l.bytes.len() <= k + 1).count() as u32;
            let sub_start = subs.len() as u32;
            for (i, l) in group.iter().enumerate().skip(n_short as usize) {
                let at = start + i as u32;
                let own = subs.len() > sub_start as usize;
                match subs.last_mut() {
                    Some((s, r)) if own && *s == sig(&l.bytes, k) => {
                        r.end = at + 1;
                    }
                    _ => subs.push((sig(&l.bytes, k), at..at + 1)),
                }
            }
            lits.extend(group);
            let g = groups.len();
            groups.push(Group {
                key,
                len,
                short: start..start + n_short,
                long: sub_start..subs.len() as u32,
            });
            let mut s = slot_of(key, len);
            while slots.get(s).is_some_and(|&x| x != 0) {
                s = (s + 1) & (SLOTS - 1);
            }
            if let Some(x) = slots.get_mut(s) {
                *x = u16::try_from(g + 1).expect("fewer groups than slots");
            }
        }
        assert!(groups.len() < SLOTS / 2, "literal table too full");
        let residual_set = (!residual.is_empty()).then(|| {
            RegexSet::new(
                residual
                    .iter()
                    .filter_map(|&i| patterns.get(i))
                    .map(|p| p.regex.as_str()),
            )
            .expect("injection patterns compile")
        });
        PhraseScan {
            lits,
            groups,
            subs,
            slots,
            bloom,
            lens,
            spaced,
            tri,
            pair,
            single,
            pats,
            residual,
            residual_set,
        }
    }

    /// The patterns without sets (they run on every text).
    #[cfg(test)]
    pub(super) fn residual(&self) -> &[usize] {
        &self.residual
    }

    /// How many distinct literals are looked up.
    #[cfg(test)]
    pub(super) fn literal_count(&self) -> usize {
        self.lits.len()
    }

    /// The group of key `key` of `len` bytes.
    #[inline]
    fn group(&self, key: u32, len: u8) -> Option<&Group> {
        let bit = bloom_bit(key, len);
        if self
            .bloom
            .get(bit >> 6)
            .is_none_or(|w| w & (1 << (bit & 63)) == 0)
        {
            return None;
        }
        let mut s = slot_of(key, len);
        loop {
            let g = *self.slots.get(s)?;
            let group = self.groups.get(usize::from(g).checked_sub(1)?)?;
            if group.key == key && group.len == len {
                return Some(group);
            }
            s = (s + 1) & (SLOTS - 1);
        }
    }

    /// Records the literals starting at `p`.
    #[inline]
    fn probe(&self, text: &[u8], p: usize, scratch: &mut Scratch) {
        let rest = text.get(p..).unwrap_or_default();
        let Some(&b0) = rest.first() else { return };
        let mut lens = self.lens.get(usize::from(b0)).copied().unwrap_or(0);
        let mut spaced = self.spaced.get(usize::from(b0)).copied().unwrap_or(0);
        while spaced != 0 {
            let k = spaced.trailing_zeros();
            spaced &= spaced - 1;
            if rest
                .get(k as usize)
                .copied()
                .is_some_and(word_literals::is_space)
            {
                lens |= 1 << k;
            }
        }
        if lens == 0 {
            return;
        }
        let window = match rest.get(..4) {
            Some(&[a, b, c, d]) => u32::from_le_bytes([a, b, c, d]),
            _ => {
                let mut w = [0u8; 4];
                for (d, s) in w.iter_mut().zip(rest) {
                    *d = *s;
                }
                u32::from_le_bytes(w)
            }
        };
        while lens != 0 {
            let len = lens.trailing_zeros() as u8;
            lens &= lens - 1;
            if rest.len() < usize::from(len) {
                break;
            }
            let Some(g) = self.group(masked(window, len), len) else {
                continue;
            };
            let k = usize::from(len);
            for id in g.short.clone() {
                self.check(rest, id, k, scratch);
            }
            if g.long.is_empty() {
                continue;
            }
            let subs = self
                .subs
                .get(g.long.start as usize..g.long.end as usize)
                .unwrap_or_default();
            let Ok(s) = subs.binary_search_by_key(&text_sig(rest, k), |x| x.0) else {
                continue;
            };
            if let Some((_, r)) = subs.get(s) {
                for id in r.clone() {
                    self.check(rest, id, k, scratch);
                }
            }
        }
    }

    /// Marks literal `id` as seen when `rest` starts with it (its first `k` bytes known to).
    #[inline]
    fn check(&self, rest: &[u8], id: u32, k: usize, scratch: &mut Scratch) {
        if self
            .lits
            .get(id as usize)
            .is_some_and(|l| tail_matches(rest, &l.bytes, k))
            && let Some(w) = scratch.lit_seen.get_mut(id as usize >> 6)
        {
            *w |= 1 << (id & 63);
        }
    }

    /// Looks the literals up at every lookup position of `text`: which sets of each pattern
    /// had a hit (`scratch.seen`), the first sets' hits sorted by (pattern, position).
    fn lookup(&self, text: &[u8], scratch: &mut Scratch) {
        scratch.lit_seen.clear();
        scratch.lit_seen.resize(self.lits.len().div_ceil(64), 0);
        scratch.seen.clear();
        scratch.seen.resize(self.pats.len(), 0);
        scratch.matched.clear();
        // 64 bytes at a time: word bytes and anywhere bytes as bit masks, word starts where a
        // word byte follows a non-word one (or the text's start).
        let mut carry = 0u64;
        for (c, chunk) in text.chunks(64).enumerate() {
            let (mut word, mut any) = (0u64, 0u64);
            for (j, &b) in chunk.iter().enumerate() {
                let class = CLASS.get(usize::from(b)).copied().unwrap_or(0);
                word |= u64::from(class & 1) << j;
                any |= u64::from(class >> 1) << j;
            }
            let mut starts = (word & !((word << 1) | carry)) | any;
            carry = (word >> (chunk.len() - 1)) & 1;
            // A first filter without branches on the text: the position's first three bytes
            // (literals with a key of three bytes or more), two or one (shorter keys).
            let mut maybe = 0u64;
            let mut bits = starts;
            while bits != 0 {
                let j = bits.trailing_zeros();
                bits &= bits - 1;
                let p = c * 64 + j as usize;
                let b = |i: usize| u32::from(text.get(p + i).copied().unwrap_or(0));
                let k3 = b(0) | b(1) << 8 | b(2) << 16;
                let k2 = (k3 & 0xFFFF) as usize;
                let h = tri_hash(k3);
                let hit = bit(&self.tri, h) | bit(&self.pair, k2) | bit(&self.single, k2 & 0xFF);
                maybe |= u64::from(hit) << j;
            }
            starts &= maybe;
            while starts != 0 {
                let j = starts.trailing_zeros() as usize;
                starts &= starts - 1;
                self.probe(text, c * 64 + j, scratch);
            }
        }
        for (w, &bits) in scratch.lit_seen.iter().enumerate() {
            let mut bits = bits;
            while bits != 0 {
                let id = w * 64 + bits.trailing_zeros() as usize;
                bits &= bits - 1;
                for &(pat, set) in self
                    .lits
                    .get(id)
                    .map(|l| l.owners.as_slice())
                    .unwrap_or_default()
                {
                    if let Some(s) = scratch.seen.get_mut(usize::from(pat)) {
                        *s |= 1 << set;
                    }
                }
            }
        }
    }

    /// The positions where the verification literals of `pat` start, in text order.
    fn verify_hits(&self, pat: &Pat, text: &[u8], hits: &mut Vec<usize>) {
        hits.clear();
        if let Some(ac) = &pat.at {
            hits.extend(ac.find_overlapping_iter(text).map(|m| m.start()));
            hits.sort_unstable();
            hits.dedup();
        }
    }

    /// The lookup alone (timing): how many literal occurrences.
    #[cfg(test)]
    pub(super) fn lookup_only(&self, text: &str) -> usize {
        SCRATCH.with(|s| {
            let mut s = s.borrow_mut();
            self.lookup(text.as_bytes(), &mut s);
            s.seen.iter().filter(|&&x| x != 0).count()
        })
    }

    /// The candidates of `text` (patterns all of whose sets had a hit): index, first-set
    /// hits.
    #[cfg(test)]
    pub(super) fn candidates(&self, text: &str) -> Vec<(usize, usize)> {
        let mut scratch = Scratch::default();
        self.lookup(text.as_bytes(), &mut scratch);
        self.pats
            .iter()
            .enumerate()
            .filter(|(i, p)| p.full != 0 && scratch.seen.get(*i) == Some(&p.full))
            .map(|(i, p)| {
                let mut hits = Vec::new();
                self.verify_hits(p, text.as_bytes(), &mut hits);
                (i, hits.len())
            })
            .collect()
    }

    /// Appends the signals of every phrase pattern matching `lower` to `out` (offsets mapped
    /// by `map`), exactly as one set pass and `find_iter` per matching pattern would.
    pub(super) fn phrases(
        &self,
        lower: &str,
        out: &mut Vec<Signal>,
        map: impl Fn(Range<usize>) -> Range<usize>,
    ) {
        SCRATCH.with(|s| match s.try_borrow_mut() {
            Ok(mut scratch) => self.phrases_with(lower, out, &map, &mut scratch),
            // re-entered (not expected): a fresh scratch
            Err(_) => self.phrases_with(lower, out, &map, &mut Scratch::default()),
        });
    }

    fn phrases_with(
        &self,
        lower: &str,
        out: &mut Vec<Signal>,
        map: &impl Fn(Range<usize>) -> Range<usize>,
        scratch: &mut Scratch,
    ) {
        let text = lower.as_bytes();
        self.lookup(text, scratch);
        if scratch.caches.len() < self.pats.len() {
            scratch.caches.resize_with(self.pats.len(), || None);
        }
        for (i, pat) in self.pats.iter().enumerate() {
            let seen = scratch.seen.get(i).copied().unwrap_or(0);
            if pat.full == 0 || seen != pat.full {
                continue;
            }
            let mut hits = std::mem::take(&mut scratch.hits);
            self.verify_hits(pat, text, &mut hits);
            let found = match &pat.verify {
                Verify::Split { head, tail } => {
                    let cache = scratch.caches.get_mut(i).and_then(|c| {
                        head.as_ref()
                            .map(|d| c.get_or_insert_with(|| d.create_cache()))
                    });
                    split_match(text, &hits, head.as_ref(), cache, tail)
                        .unwrap_or_else(|| pat.regex.is_match(Input::new(text)))
                }
                Verify::Bounded(m) => spans(&hits, *m, text.len())
                    .any(|span| pat.regex.is_match(Input::new(text).span(span))),
                Verify::Whole => pat.regex.is_match(Input::new(text)),
            };
            scratch.hits = hits;
            if found {
                scratch.matched.push(i);
            }
        }
        if let Some(set) = &self.residual_set {
            for k in set.matches(lower).iter() {
                if let Some(&i) = self.residual.get(k) {
                    scratch.matched.push(i);
                }
            }
            scratch.matched.sort_unstable();
        }
        for &i in &scratch.matched {
            let Some(p) = patterns::patterns().get(i) else {
                continue;
            };
            for m in p.regex.find_iter(lower) {
                let r = map(trim_range(lower, m.range()));
                out.push(Signal {
                    family: p.family,
                    start: r.start,
                    end: r.end,
                    score: p.weight,
                });
            }
        }
    }
}

/// The filter bit of three bytes (little-endian in `k3`).
#[inline]
fn tri_hash(k3: u32) -> usize {
    (k3.wrapping_mul(0x9E37_79B1) >> 16) as usize
}

#[inline]
fn bit(bits: &[u64], i: usize) -> bool {
    bits.get(i >> 6).is_some_and(|w| w & (1 << (i & 63)) != 0)
}

fn set_bit(bits: &mut [u64], i: usize) {
    if let Some(w) = bits.get_mut(i >> 6) {
        *w |= 1 << (i & 63);
    }
}

/// The two bytes of a (canonical) literal after its `k` key bytes.
fn sig(lit: &[u8], k: usize) -> u16 {
    u16::from_be_bytes([
        lit.get(k).copied().unwrap_or(0),
        lit.get(k + 1).copied().unwrap_or(0),
    ])
}

/// The two canonical bytes of the text after `k` bytes (a whitespace run as one space),
/// as [`sig`] gives them for a literal.
#[inline]
fn text_sig(rest: &[u8], k: usize) -> u16 {
    let canon = |b: u8| if word_literals::is_space(b) { b' ' } else { b };
    let Some(&c0) = rest.get(k) else { return 0 };
    let c0 = canon(c0);
    let mut j = k + 1;
    if c0 == b' ' {
        while rest.get(j).copied().is_some_and(word_literals::is_space) {
            j += 1;
        }
    }
    u16::from_be_bytes([c0, rest.get(j).copied().map_or(0, canon)])
}

/// How many bytes of a literal make its key: up to four, before its first space.
fn key_len(lit: &[u8]) -> usize {
    lit.iter()
        .take(4)
        .position(|&b| b == b' ')
        .unwrap_or(lit.len().min(4))
}

/// Whether `rest` starts with the canonical literal `lit` (a space in it stands for one or
/// more ASCII whitespace bytes), its first `from` bytes known to match (the key did).
#[inline]
fn tail_matches(rest: &[u8], lit: &[u8], from: usize) -> bool {
    let (mut i, mut j) = (from, from);
    while let Some(&c) = lit.get(i) {
        if c == b' ' {
            if !rest.get(j).copied().is_some_and(word_literals::is_space) {
                return false;
            }
            while rest.get(j).copied().is_some_and(word_literals::is_space) {
                j += 1;
            }
        } else if rest.get(j) != Some(&c) {
            return false;
        } else {
            j += 1;
        }
        i += 1;
    }
    true
}

/// The engines of a split: `head` reversed (anchored at its end), `tail` forward.
#[allow(clippy::expect_used)] // constant patterns; the tests build every one
fn split_verify(head: Option<regex_syntax::hir::Hir>, tail: &regex_syntax::hir::Hir) -> Verify {
    let head = head.map(|h| {
        let nfa = thompson::Compiler::new()
            .configure(
                thompson::Config::new()
                    .reverse(true)
                    .which_captures(thompson::WhichCaptures::None)
                    .nfa_size_limit(Some(16 << 20)),
            )
            .build_from_hir(&h)
            .expect("injection pattern head compiles");
        hybrid::dfa::Builder::new()
            .build_from_nfa(nfa)
            .expect("injection pattern head compiles")
    });
    let tail = meta::Regex::builder()
        .configure(meta::Config::new().nfa_size_limit(Some(16 << 20)))
        .build_from_hir(tail)
        .expect("injection pattern tail compiles");
    Verify::Split { head, tail }
}

/// Whether `head · tail` matches with the split at one of `hits`; `None` when a reverse
/// search gave up (the caller searches the whole text).
fn split_match(
    text: &[u8],
    hits: &[usize],
    head: Option<&hybrid::dfa::DFA>,
    mut cache: Option<&mut hybrid::dfa::Cache>,
    tail: &meta::Regex,
) -> Option<bool> {
    let mut last = None;
    for &q in hits {
        if last == Some(q) {
            continue;
        }
        last = Some(q);
        if let (Some(dfa), Some(cache)) = (head, cache.as_deref_mut()) {
            let input = Input::new(text)
                .span(0..q)
                .anchored(Anchored::Yes)
                .earliest(true);
            if dfa.try_search_rev(cache, &input).ok()?.is_none() {
                continue;
            }
        } else if head.is_some() {
            return None;
        }
        let input = Input::new(text)
            .span(q..text.len())
            .anchored(Anchored::Yes)
            .earliest(true);
        if tail.is_match(input) {
            return Some(true);
        }
    }
    Some(false)
}

/// The spans `[q - max_len, q + max_len]` around the hits `q` (sorted), clipped to the text,
/// overlapping ones merged (a match inside one of them is inside their union).
fn spans(hits: &[usize], max_len: usize, len: usize) -> impl Iterator<Item = Range<usize>> {
    let mut it = hits
        .iter()
        .map(move |&q| q.saturating_sub(max_len)..(q + max_len).min(len));
    let mut cur = it.next();
    std::iter::from_fn(move || {
        let mut span = cur.take()?;
        for next in it.by_ref() {
            if next.start <= span.end {
                span.end = span.end.max(next.end);
            } else {
                cur = Some(next);
                break;
            }
        }
        Some(span)
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::injection::word_literals::{anywhere, is_word};

    #[test]
    fn class_table_matches_the_definitions() {
        for b in 0..=255u8 {
            assert_eq!(CLASS[usize::from(b)] == 1, is_word(b), "{b}");
            assert_eq!(CLASS[usize::from(b)] == 2, anywhere(b), "{b}");
        }
    }

    #[test]
    fn spans_merge_and_clip() {
        let hits = [2usize, 5, 30, 98];
        let s: Vec<_> = spans(&hits, 4, 100).collect();
        assert_eq!(s, [0..9, 26..34, 94..100]);
        assert_eq!(spans(&[], 4, 100).count(), 0);
    }
}
