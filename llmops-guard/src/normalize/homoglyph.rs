//! Homoglyphs: the ASCII-letter skeletons of lookalike letters (UTS #39 confusables through
//! `unicode-security`) and what counts as the Latin script.

use std::sync::LazyLock;

use unicode_normalization::char::is_combining_mark;

/// Latin-1 Supplement to Latin Extended-B: every character is a letter except `×` and `÷`
/// (a test checks it against `char::is_alphabetic`), so the common accented letters skip the
/// Unicode table lookups.
const LATIN_LETTERS: std::ops::RangeInclusive<char> = '\u{C0}'..='\u{24F}';

/// `char::is_alphabetic`, without the table lookup for [`LATIN_LETTERS`].
pub(super) fn is_letter(c: char) -> bool {
    if LATIN_LETTERS.contains(&c) {
        c != '\u{D7}' && c != '\u{F7}'
    } else {
        c.is_alphabetic()
    }
}

/// `char::is_alphanumeric`, without the table lookup for [`LATIN_LETTERS`].
pub(super) fn is_letter_or_digit(c: char) -> bool {
    if LATIN_LETTERS.contains(&c) {
        c != '\u{D7}' && c != '\u{F7}'
    } else {
        c.is_alphanumeric()
    }
}

/// Letters of the Latin script beyond ASCII (Latin-1 to Latin Extended-B, IPA, Latin
/// Extended Additional, -C, -D, -E).
pub(super) fn is_latin(c: char) -> bool {
    matches!(
        u32::from(c),
        0x00C0..=0x02AF | 0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xAB30..=0xAB6F
    ) && is_letter(c)
}

/// [`lookalike_prototype`] of every character of [`LATIN_LETTERS`], computed once.
static LATIN_PROTOTYPES: LazyLock<Vec<Option<[Option<char>; 3]>>> =
    LazyLock::new(|| LATIN_LETTERS.map(lookalike_prototype).collect());

/// The ASCII-letter skeleton of a lookalike (lower case, at most three letters), tried on the
/// character and on its upper case (`н` has no Latin twin, `Н` looks like `H`).
pub(super) fn ascii_prototype(c: char) -> Option<[Option<char>; 3]> {
    if LATIN_LETTERS.contains(&c) {
        let at = (u32::from(c) - u32::from(*LATIN_LETTERS.start())) as usize;
        return LATIN_PROTOTYPES.get(at).copied().flatten();
    }
    lookalike_prototype(c)
}

/// [`ascii_prototype`] without the table.
fn lookalike_prototype(c: char) -> Option<[Option<char>; 3]> {
    // Combining marks (some are alphabetic, such as U+0345) are never letter lookalikes:
    // mapping one would change what the marks before it attach to.
    if c.is_ascii() || !c.is_alphabetic() || is_combining_mark(c) {
        return None;
    }
    // Accented letters (a base letter and a mark) are letters of their own, not lookalikes.
    let mut parts = 0;
    unicode_normalization::char::decompose_canonical(c, |_| parts += 1);
    if parts > 1 {
        return None;
    }
    let upper = {
        let mut it = c.to_uppercase();
        match (it.next(), it.next()) {
            (Some(u), None) if u != c => Some(u),
            _ => None,
        }
    };
    // NFKC turns the lunate sigma `ϲ` (a `c` lookalike) into the final sigma.
    if c == 'ς' {
        return Some([Some('c'), None, None]);
    }
    std::iter::once(c).chain(upper).find_map(skeleton_letters)
}

fn skeleton_letters(c: char) -> Option<[Option<char>; 3]> {
    let mut buf = [0u8; 4];
    let s: &str = c.encode_utf8(&mut buf);
    let mut out = [None; 3];
    let mut n = 0;
    for p in unicode_security::confusable_detection::skeleton(s) {
        if !p.is_ascii_alphabetic() {
            return None;
        }
        *out.get_mut(n)? = Some(p.to_ascii_lowercase());
        n += 1;
    }
    (n > 0).then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn latin_shortcuts_match_the_unicode_tables() {
        for c in LATIN_LETTERS {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
            assert_eq!(ascii_prototype(c), lookalike_prototype(c), "{c:?}");
        }
        for c in ['a', 'Z', '0', 'é', 'ж', '中', '\u{301}', '×'] {
            assert_eq!(is_letter(c), c.is_alphabetic(), "{c:?}");
            assert_eq!(is_letter_or_digit(c), c.is_alphanumeric(), "{c:?}");
        }
    }
}
