//! The gazetteer of the person-name recognizer: given names, surnames, common words and
//! places, embedded from `llmops-guard/data/names/gazetteer.txt` (built by
//! `scripts/guard_names/build.py` from Faker's MIT-licensed name lists; see its README).
//!
//! The file holds sections headed `[flags]` (letters `g` given name, `s` surname, `w` also a
//! common word, `p` a place), each a sorted list of lowercase tokens. They are read once per
//! process into a hash map; a lookup lowercases the token into a stack buffer and allocates
//! nothing.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

/// A small multiplicative hash (FxHash's) for the short, trusted keys of the embedded list:
/// several times cheaper than the default SipHash on 4–10 byte keys, and the keys are ours
/// (no collision flooding to fear).
#[derive(Default, Clone, Copy)]
struct FxHasher(u64);

impl Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            let mut w = [0u8; 8];
            w.copy_from_slice(c);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(w)).wrapping_mul(K);
        }
        for b in chunks.remainder() {
            self.0 = (self.0.rotate_left(5) ^ u64::from(*b)).wrapping_mul(K);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type Table = HashMap<&'static str, u8, BuildHasherDefault<FxHasher>>;

/// The embedded gazetteer.
const GAZETTEER: &str = include_str!("../../data/names/gazetteer.txt");

/// A given name.
pub(crate) const GIVEN: u8 = 1;
/// A surname.
pub(crate) const SURNAME: u8 = 2;
/// Also a common word (a lowercase dictionary word, a month, a product word ...).
pub(crate) const WORD: u8 = 4;
/// Also a place.
pub(crate) const PLACE: u8 = 8;

/// The longest token looked up, in bytes (longer ones are no name in the list).
pub(crate) const MAX_TOKEN: usize = 40;

static TABLE: LazyLock<Table> = LazyLock::new(|| parse(GAZETTEER));

/// The flags of each token of `src` (the gazetteer format).
fn parse(src: &'static str) -> Table {
    let mut map = Table::with_capacity_and_hasher(src.len() / 8, BuildHasherDefault::default());
    let mut flags = 0u8;
    for line in src.lines() {
        if let Some(head) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            flags = head.bytes().fold(0, |acc, b| {
                acc | match b {
                    b'g' => GIVEN,
                    b's' => SURNAME,
                    b'w' => WORD,
                    b'p' => PLACE,
                    _ => 0,
                }
            });
        } else if !line.is_empty() {
            map.insert(line, flags);
        }
    }
    map
}

/// The flags of `token` (any case), 0 when the gazetteer does not know it.
pub(crate) fn lookup(token: &str) -> u8 {
    let mut buf = [0u8; MAX_TOKEN];
    if token.is_ascii() {
        let Some(dst) = buf.get_mut(..token.len()) else {
            return 0;
        };
        dst.copy_from_slice(token.as_bytes());
        dst.make_ascii_lowercase();
        return match std::str::from_utf8(dst) {
            Ok(key) => TABLE.get(key).copied().unwrap_or(0),
            Err(_) => 0,
        };
    }
    let mut n = 0;
    for c in token.chars() {
        for l in c.to_lowercase() {
            let mut enc = [0u8; 4];
            let bytes = l.encode_utf8(&mut enc).as_bytes();
            let Some(dst) = buf.get_mut(n..n + bytes.len()) else {
                return 0;
            };
            dst.copy_from_slice(bytes);
            n += bytes.len();
        }
    }
    match buf.get(..n).map(std::str::from_utf8) {
        Some(Ok(key)) => TABLE.get(key).copied().unwrap_or(0),
        _ => 0,
    }
}

/// How many tokens carry `flag` (for tests and docs).
#[cfg(test)]
pub(crate) fn count(flag: u8) -> usize {
    TABLE.values().filter(|f| **f & flag != 0).count()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn sections_set_flags() {
        let map = parse("[g]\nanna\n[gsw]\nwill\n[w]\nsupport\n");
        assert_eq!(map["anna"], GIVEN);
        assert_eq!(map["will"], GIVEN | SURNAME | WORD);
        assert_eq!(map["support"], WORD);
    }

    #[test]
    fn lookups_fold_case_without_allocating_keys() {
        assert_eq!(lookup("Jennifer") & GIVEN, GIVEN);
        assert_eq!(lookup("JENNIFER"), lookup("jennifer"));
        assert_ne!(lookup("Will") & WORD, 0, "Will is also a word");
        assert_ne!(lookup("Müller") & SURNAME, 0);
        assert_eq!(lookup("Xqzzyv"), 0);
        assert_eq!(lookup(&"a".repeat(MAX_TOKEN + 1)), 0);
    }

    #[test]
    fn the_embedded_list_is_large() {
        assert!(count(GIVEN) > 20_000, "{}", count(GIVEN));
        assert!(count(SURNAME) > 20_000, "{}", count(SURNAME));
        assert!(count(WORD) > 5_000);
    }
}
