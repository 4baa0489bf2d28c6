//! The person-name recognizer ([`PiiCategory::PersonName`]): capitalised token runs scored by
//! evidence from the gazetteer ([`super::names_data`]) and the words around them.
//!
//! One pass over the bytes finds capitalised words (Unicode-aware: `Ö`, `Ł`, `Σ` start one
//! too); only there does the recognizer look anything up, so a text costs one byte loop plus a
//! hash lookup per capitalised word, and allocates nothing unless a name is found.
//!
//! Evidence and scores (the span is the name, without the title or cue):
//!
//! | evidence | example | score |
//! |---|---|---|
//! | title before the run | `Dr. Okonkwo`, `Frau Weber`, `Sra. Ruiz` | 0.95 |
//! | known given name + known surname | `Sarah Connor` | 0.9 |
//! | known given name + capitalised word that is no common word | `Sarah Qwertz` | 0.85 |
//! | given name that is also a word + known surname that is not | `Grant Thompson` | 0.8 |
//! | cue before two or more capitalised words | `my name is Kwame Mensah`, `Hi May Quirrell` | 0.7 |
//! | unknown capitalised word + known surname | `Xochitl Hernández` | 0.6 |
//! | cue before one known name (also an ambiguous one) | `Hi Will,` | 0.5 |
//! | strong cue before one unknown capitalised word | `my name is Xochitl` | 0.45 |
//!
//! Never reported: a word glued to `@`, `_`, digits, `(`, `::`, `/` or a dotted suffix
//! (e-mail addresses, URLs, code identifiers), camel-case words (`PayPal`; `McDonald`,
//! `MacArthur`, `O'Brien` are fine), a common word or place alone (`May`, `Paris`), a given
//! name that is also a word without a cue (`Will`, `Grant`, `Mark`), one given name without a
//! cue (`Alvin said ...`: on the evaluation set such findings were mostly brands and places),
//! a run after a place prefix (`San Sebastián`, `Saint Patrick`), a run next to `&`
//! (`Marks & Spencer`, `Johnson & Johnson`).

use super::category::{PiiCategory, PiiFinding};
use super::names_data::{GIVEN, MAX_TOKEN, PLACE, SURNAME, WORD, lookup};

/// The most capitalised tokens in one name.
const MAX_RUN: usize = 4;
/// The longest name span, in bytes (a streamed text's hold-back window must cover it plus the
/// cue before it: 80 + 40 < the PII scanner's 128).
const MAX_SPAN: usize = 80;
/// How far before a name its cue or title may end, in bytes.
const CUE_WINDOW: usize = 40;

const NAME: u8 = GIVEN | SURNAME;
const COMMON: u8 = WORD | PLACE;

/// Words before a name that say a name follows (matched ASCII case-insensitively at the end
/// of the text before it, after skipping spaces and `,:;-`); these also introduce a name the
/// gazetteer does not know.
const STRONG_CUES: &[&str] = &[
    "my name is",
    "name is",
    "name:",
    "i am",
    "i'm",
    "call me",
    "signed",
    "regards",
    "sincerely",
    "yours truly",
    "dear",
    "mein name ist",
    "ich heiße",
    "ich heisse",
    "ich bin",
    "grüße",
    "grüßen",
    "gruß",
    "je m'appelle",
    "je m’appelle",
    "mon nom est",
    "je suis",
    "cordialement",
    "salutations",
    "me llamo",
    "mi nombre es",
    "soy",
    "atentamente",
    "saludos",
    "mi chiamo",
    "il mio nome è",
    "sono",
    "cordiali saluti",
    "distinti saluti",
    "saluti",
];

/// Greetings, sign-offs and addressing: a cue for a name the gazetteer knows.
const WEAK_CUES: &[&str] = &[
    "this is",
    "it's",
    "it is",
    "here is",
    "ask",
    "hier ist",
    "c'est",
    "c’est",
    "ecco",
    "hi",
    "hello",
    "hey",
    "thanks",
    "thank you",
    "cheers",
    "best",
    "contact",
    "ask for",
    "cc",
    "attn",
    "attention",
    "customer",
    "client",
    "from:",
    "to:",
    "liebe",
    "lieber",
    "hallo",
    "sehr geehrte",
    "sehr geehrter",
    "ansprechpartner",
    "danke",
    "bonjour",
    "cher",
    "chère",
    "merci",
    "de la part de",
    "hola",
    "estimado",
    "estimada",
    "querido",
    "querida",
    "gracias",
    "ciao",
    "caro",
    "cara",
    "gentile",
    "grazie",
];

/// Titles before a name (the `.` after them is optional).
const TITLES: &[&str] = &[
    "mr",
    "mrs",
    "ms",
    "miss",
    "mx",
    "dr",
    "prof",
    "professor",
    "sir",
    "dame",
    "herr",
    "frau",
    "mme",
    "mlle",
    "monsieur",
    "madame",
    "mademoiselle",
    "sr",
    "sra",
    "srta",
    "señor",
    "señora",
    "señorita",
    "doña",
    "sig",
    "sig.ra",
    "signor",
    "signora",
    "signorina",
    "dott",
    "dott.ssa",
    "dottor",
    "dottoressa",
    "mevrouw",
    "meneer",
    "dhr",
    "mevr",
];

/// Words that start a place name, not a person's ("San Sebastián", "Saint Patrick").
const PLACE_PREFIXES: &[&str] = &[
    "san", "santa", "santo", "são", "saint", "sainte", "st", "sankt", "fort", "port", "mount",
    "lake", "cape", "isla", "lago", "monte",
];

/// Lowercase words that may stand between the parts of a name.
const PARTICLES: &[&str] = &[
    "van", "von", "de", "der", "den", "del", "della", "di", "da", "das", "dos", "du", "la", "le",
    "ter", "ten", "zu", "bin", "ibn", "y", "e", "al", "el", "st.",
];

/// One capitalised token of a run.
#[derive(Debug, Clone, Copy, Default)]
struct Tok {
    start: usize,
    end: usize,
    flags: u8,
}

/// Finds person names in `text` and pushes them to `out`.
pub(crate) fn person_names(text: &str, out: &mut Vec<PiiFinding>) {
    let mut from = 0;
    while let Some(start) = next_capital(text, from) {
        let mut run = [Tok::default(); MAX_RUN];
        let (n, next) = read_run(text, start, &mut run);
        from = next.max(start + 1);
        if let Some(f) = run.get(..n).and_then(|toks| judge(text, toks)) {
            out.push(f);
        }
    }
}

/// The character of `text` starting at byte `i`.
fn char_at(text: &str, i: usize) -> Option<char> {
    text.get(i..).and_then(|t| t.chars().next())
}

/// The character of `text` ending at byte `i`.
fn char_before(text: &str, i: usize) -> Option<char> {
    text.get(..i).and_then(|t| t.chars().next_back())
}

/// Whether `c` may stand right before a name.
fn opens(c: Option<char>) -> bool {
    match c {
        None => true,
        Some(c) => {
            c.is_whitespace()
                || matches!(
                    c,
                    '(' | '"'
                        | '\''
                        | '['
                        | ','
                        | ';'
                        | ':'
                        | '!'
                        | '?'
                        | '*'
                        | '«'
                        | '»'
                        | '„'
                        | '“'
                        | '”'
                        | '‘'
                        | '’'
                        | '>'
                        | '¡'
                        | '¿'
                )
        }
    }
}

/// Whether the 8 bytes of `x` hold an ASCII capital or a non-ASCII byte (SWAR: the
/// "has byte between" test of Bit Twiddling Hacks, with the high bit checked separately).
fn may_hold_capital(x: u64) -> bool {
    const ONES: u64 = u64::MAX / 255;
    const HIGH: u64 = ONES * 0x80;
    const LOW7: u64 = ONES * 0x7F;
    let low = x & LOW7;
    // bytes in 0x41..=0x5A: (127 + 0x5B - b) has its high bit set and (b + 127 - 0x40) too
    let between = (ONES * (127 + 0x5B)).wrapping_sub(low) & !x & (low + ONES * (127 - 0x40));
    x & HIGH != 0 || between & HIGH != 0
}

/// The next byte offset at or after `from` where a capitalised word starts.
fn next_capital(text: &str, from: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = from;
    loop {
        // skip 8 bytes at a time while they hold no capital (most of a text)
        while let Some(chunk) = bytes.get(i..i + 8) {
            let mut w = [0u8; 8];
            w.copy_from_slice(chunk);
            if may_hold_capital(u64::from_le_bytes(w)) {
                break;
            }
            i += 8;
        }
        let stop = (i + 8).min(bytes.len());
        while i < stop {
            let b = bytes.get(i).copied().unwrap_or(0);
            let capital = if b.is_ascii_uppercase() {
                true
            } else {
                b >= 0xC0 && char_at(text, i).is_some_and(char::is_uppercase)
            };
            if capital && opens(char_before(text, i)) {
                return Some(i);
            }
            i += 1;
        }
        if i >= bytes.len() {
            return None;
        }
    }
}

/// A capitalised token at `start`: its end (a possessive `'s` cut off), or `None` when it is
/// no name-shaped word (a single letter, camel case, glued to code or an address). `skip` is
/// where the scan goes on either way.
fn read_token(text: &str, start: usize) -> (Option<usize>, usize) {
    let mut end = start;
    let mut letters = 0;
    let mut prev_lower = false;
    let mut camel = false;
    let mut chars = text.get(start..).unwrap_or("").char_indices().peekable();
    while let Some((off, c)) = chars.next() {
        if c.is_alphabetic() || is_mark(c) {
            if c.is_uppercase() && prev_lower {
                let head = text.get(start..start + off).unwrap_or("");
                if !matches!(head, "Mc" | "Mac" | "Fitz") {
                    camel = true;
                }
            }
            prev_lower = c.is_lowercase();
            letters += 1;
            end = start + off + c.len_utf8();
        } else if matches!(c, '-' | '\'' | '’')
            && chars.peek().is_some_and(|(_, n)| n.is_alphabetic())
        {
            prev_lower = false;
        } else {
            break;
        }
    }
    let skip = end.max(start + 1);
    let after = char_at(text, end);
    let glued = match after {
        Some(c) if c.is_alphanumeric() || matches!(c, '_' | '@' | '(' | '/' | '\\' | '=') => true,
        Some('.') => char_at(text, end + 1).is_some_and(|c| c.is_alphanumeric() || c == '_'),
        Some(':') => char_at(text, end + 1) == Some(':'),
        _ => false,
    };
    if letters < 2 || camel || glued || end - start > MAX_TOKEN {
        return (None, skip);
    }
    // a possessive: "Anna's", "Anna’s"
    let word = text.get(start..end).unwrap_or("");
    let cut = ["'s", "’s"]
        .iter()
        .find(|s| word.ends_with(*s) && word.len() > s.len() + 1)
        .map_or(0, |s| s.len());
    (Some(end - cut), skip)
}

/// A combining mark (accents of decomposed text).
fn is_mark(c: char) -> bool {
    matches!(c, '\u{300}'..='\u{36f}')
}

/// The run of capitalised tokens from `start` (one space apart, particles and initials
/// between); fills `run` and returns how many tokens it holds and where the scan goes on.
fn read_run(text: &str, start: usize, run: &mut [Tok; MAX_RUN]) -> (usize, usize) {
    let (end, mut skip) = read_token(text, start);
    let Some(end) = end.filter(|e| !is_title(text.get(start..*e).unwrap_or(""))) else {
        return (0, skip);
    };
    let mut n = 0;
    if let Some(slot) = run.get_mut(n) {
        *slot = Tok {
            start,
            end,
            flags: flags_of(text.get(start..end).unwrap_or("")),
        };
        n += 1;
    }
    let mut last_end = end;
    while n < MAX_RUN {
        let Some((next, initial)) = continuation(text, last_end) else {
            break;
        };
        if initial && run.get(n - 1).is_none_or(|t| t.flags & GIVEN == 0) {
            break; // "Bonjour M. Morin": M. is a title there, not an initial
        }
        let (tend, tskip) = read_token(text, next);
        let Some(tend) = tend else {
            break;
        };
        if tend - start > MAX_SPAN || is_title(text.get(next..tend).unwrap_or("")) {
            break;
        }
        if let Some(slot) = run.get_mut(n) {
            *slot = Tok {
                start: next,
                end: tend,
                flags: flags_of(text.get(next..tend).unwrap_or("")),
            };
            n += 1;
        }
        last_end = tend;
        skip = tskip;
    }
    (n, skip)
}

/// Where the next token of a run starts after a token ending at `end`: one space (or
/// no-break space), optionally a particle or an initial and one more space, then a capital.
fn continuation(text: &str, end: usize) -> Option<(usize, bool)> {
    let space = |i: usize| match char_at(text, i) {
        Some(' ') => Some(i + 1),
        Some('\u{a0}') => Some(i + 2),
        _ => None,
    };
    let capital = |i: usize| {
        char_at(text, i)
            .is_some_and(char::is_uppercase)
            .then_some(i)
    };
    let i = space(end)?;
    if let Some(c) = capital(i) {
        // an initial: "John F. Kennedy"
        if char_at(text, i + c_len(text, i)) == Some('.') {
            let j = space(i + c_len(text, i) + 1)?;
            return capital(j).map(|k| (k, true));
        }
        return Some((c, false));
    }
    // up to two particles: "van Gogh", "de la Cruz", "van der Berg", "al-Rashid"
    let mut i = i;
    for _ in 0..2 {
        let rest = text.get(i..)?;
        let p = PARTICLES.iter().find(|p| {
            rest.strip_prefix(**p)
                .is_some_and(|after| after.starts_with([' ', '-']))
        })?;
        let j = i + p.len();
        if matches!(*p, "al" | "el") && rest.get(p.len()..)?.starts_with('-') {
            return capital(j + 1).map(|k| (k, false));
        }
        i = space(j)?;
        if let Some(k) = capital(i) {
            return Some((k, false));
        }
    }
    None
}

/// The byte length of the character at `i` (1 when there is none).
fn c_len(text: &str, i: usize) -> usize {
    char_at(text, i).map_or(1, char::len_utf8)
}

/// The gazetteer flags of a token; a hyphenated one that is not listed counts as its first
/// part ("Anna-Lena" as "Anna").
fn flags_of(word: &str) -> u8 {
    let f = lookup(word);
    if f != 0 {
        return f;
    }
    match word.split_once(['-', '\'', '’']) {
        Some((head, tail)) if head.chars().count() > 1 => lookup(head) | (lookup(tail) & SURNAME),
        Some((_, tail)) => lookup(tail) & (SURNAME | GIVEN),
        None => 0,
    }
}

/// Whether the token is only a common word or place (no name in the gazetteer).
fn only_common(f: u8) -> bool {
    f & COMMON != 0 && f & NAME == 0
}

/// The finding for a run of tokens, if the evidence is enough.
fn judge(text: &str, toks: &[Tok]) -> Option<PiiFinding> {
    // Trim common words at both ends ("Thanks Anna", "Anna Schmidt Support"), and a leading
    // word that is also a given name before a plain given name ("Will Jennifer ...").
    let mut toks = toks;
    if toks
        .first()
        .and_then(|t| text.get(t.start..t.end))
        .is_some_and(|w| PLACE_PREFIXES.iter().any(|p| p.eq_ignore_ascii_case(w)))
    {
        return None;
    }
    while let [first, rest @ ..] = toks {
        // German nouns and greetings are capitalised: "Der Kunde Holger Brinkmann",
        // "Liebe Heike", "Chère Maëlle"
        let clean_given_next = rest
            .first()
            .is_some_and(|t| t.flags & GIVEN != 0 && t.flags & COMMON == 0);
        let drop = only_common(first.flags)
            || (clean_given_next && (first.flags & GIVEN == 0 || first.flags & COMMON != 0));
        if !drop {
            break;
        }
        toks = rest;
    }
    while let [rest @ .., last] = toks {
        if rest.is_empty() || !only_common(last.flags) {
            break;
        }
        toks = rest;
    }
    let (first, last) = (toks.first()?, toks.last()?);
    if company(text, first.start, last.end) {
        return None;
    }
    if toks.iter().any(|t| only_common(t.flags)) {
        return None;
    }
    let (f0, fl) = (first.flags, last.flags);
    let ambiguous = f0 & COMMON != 0;
    let several = toks.len() > 1;
    // the cue before the run, looked up once and only when a rule needs it
    let cue_cell = std::cell::OnceCell::new();
    let cue = || *cue_cell.get_or_init(|| cue(text, first.start));
    let score = if titled(text, first.start) {
        0.95
    } else if several && f0 & GIVEN != 0 && !ambiguous {
        if fl & SURNAME != 0 { 0.9 } else { 0.85 }
    } else if several && f0 & GIVEN != 0 && fl & SURNAME != 0 && fl & COMMON == 0 {
        0.8
    } else if several && cue().is_some() {
        0.7
    } else if several && f0 == 0 && fl & SURNAME != 0 && fl & COMMON == 0 {
        0.6
    } else if !several && f0 & NAME != 0 && cue().is_some() {
        0.5
    } else if !several && f0 == 0 && cue() == Some(true) {
        0.45
    } else {
        return None;
    };
    Some(PiiFinding::new(
        PiiCategory::PersonName,
        first.start,
        last.end,
        score,
    ))
}

/// Whether the span stands next to `&` ("Marks & Spencer", "Procter & Gamble"): a company.
fn company(text: &str, start: usize, end: usize) -> bool {
    let before = text.get(..start).unwrap_or("").trim_end_matches(' ');
    let after = text.get(end..).unwrap_or("");
    let after = after
        .strip_prefix("'s")
        .or_else(|| after.strip_prefix("’s"))
        .unwrap_or(after)
        .trim_start_matches(' ');
    before.ends_with('&') || after.starts_with('&')
}

/// The text before `start` within [`CUE_WINDOW`], with the spaces and punctuation that may
/// separate a cue or title from the name trimmed off.
fn before<'t>(text: &'t str, start: usize, trim: &[char]) -> &'t str {
    let mut from = start.saturating_sub(CUE_WINDOW);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    text.get(from..start).unwrap_or("").trim_end_matches(trim)
}

/// Whether `window` ends with `word` (ASCII case-insensitively) at a word start.
fn ends_with_word(window: &str, word: &str) -> bool {
    let (w, k) = (window.as_bytes(), word.as_bytes());
    if w.len() < k.len() {
        return false;
    }
    let at = w.len() - k.len();
    w.get(at..).is_some_and(|tail| tail.eq_ignore_ascii_case(k))
        && char_before(window, at).is_none_or(|c| !c.is_alphanumeric())
}

/// A cue before `start`: `Some(true)` for a strong one.
fn cue(text: &str, start: usize) -> Option<bool> {
    let window = before(
        text,
        start,
        &[' ', '\t', '\n', '\r', ',', ':', ';', '-', '–', '—'],
    );
    // "Name: Anna" and "From: Anna" keep their colon
    let colon = before(text, start, &[' ', '\t']);
    let colon = colon.ends_with(':').then_some(colon);
    let last = window.as_bytes().last()?.to_ascii_lowercase();
    // most words fail on their last byte: compare whole cues only when it matches
    let hit = |c: &&str| match (c.ends_with(':'), colon) {
        (true, Some(colon)) => ends_with_word(colon, c),
        (true, None) => false,
        (false, _) => c.as_bytes().last() == Some(&last) && ends_with_word(window, c),
    };
    if STRONG_CUES.iter().any(hit) {
        Some(true)
    } else {
        WEAK_CUES.iter().any(hit).then_some(false)
    }
}

/// Whether `word` is a title (any case).
fn is_title(word: &str) -> bool {
    TITLES.iter().any(|t| t.eq_ignore_ascii_case(word))
}

/// Whether a title stands right before `start` ("Dr. ", "Frau ", "M. ").
fn titled(text: &str, start: usize) -> bool {
    let window = before(text, start, &[' ', '\u{a0}']);
    if window.len() + 3 < before(text, start, &[]).len() {
        return false; // more than two spaces between
    }
    let (window, dot) = match window.strip_suffix('.') {
        Some(w) => (w, true),
        None => (window, false),
    };
    let Some(last) = window.as_bytes().last().map(u8::to_ascii_lowercase) else {
        return false;
    };
    (dot && ends_with_word(window, "m"))
        || TITLES
            .iter()
            .any(|t| t.as_bytes().last() == Some(&last) && ends_with_word(window, t))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_chunk_test_never_misses_a_capital(x in any::<u64>()) {
            let naive = x.to_le_bytes().iter().any(|b| b.is_ascii_uppercase() || *b >= 0x80);
            prop_assert!(!naive || may_hold_capital(x));
        }
    }

    #[test]
    fn the_chunk_test_passes_lowercase_prose() {
        let w = u64::from_le_bytes(*b"abc, xyz");
        assert!(!may_hold_capital(w));
        assert!(may_hold_capital(u64::from_le_bytes(*b"abc, Xyz")));
        assert!(may_hold_capital(u64::from_le_bytes(*b"ab,\xc3\xa9yz1")));
    }
}
