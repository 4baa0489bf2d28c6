//! The Penn Treebank word tokenizer of `js-rouge` 3.2 (the tokenizer promptfoo's `rouge-n`
//! uses), ported rule by rule so ROUGE scores match promptfoo's on the same text.
//!
//! js-rouge runs a chain of JavaScript regular expressions, some with look-around, over the
//! text; each step below names the expression it replaces. Positions are counted in `char`s;
//! where JavaScript looks at a single UTF-16 unit (`text[i - 1]`), a character outside the
//! Basic Multilingual Plane never matches, as there (it is a lone surrogate to the regex).

use std::sync::LazyLock;

use regex::Regex;
use unicode_normalization::UnicodeNormalization;

/// Whitespace as JavaScript's `\s` and `String.prototype.trim` see it (not Rust's
/// `char::is_whitespace`: U+FEFF is whitespace there, U+0085 is not).
pub(crate) fn js_space(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// One Unicode property class, tested on a single character.
struct Class(Regex);

impl Class {
    #[allow(clippy::expect_used)] // constant patterns; every class is exercised by the tests below
    fn new(pattern: &str) -> Self {
        Class(Regex::new(&format!("^{pattern}$")).expect("constant class compiles"))
    }

    fn has(&self, c: char) -> bool {
        let mut buf = [0u8; 4];
        self.0.is_match(c.encode_utf8(&mut buf))
    }
}

struct Classes {
    punct: Class,
    open_punct: Class,
    modifier_letter: Class,
    number: Class,
    decimal: Class,
    word_start: Class,
    id_continue: Class,
}

static CLASSES: LazyLock<Classes> = LazyLock::new(|| Classes {
    punct: Class::new(r"\p{P}"),
    open_punct: Class::new(r"\p{Ps}"),
    modifier_letter: Class::new(r"\p{Lm}"),
    number: Class::new(r"\p{N}"),
    decimal: Class::new(r"\p{Nd}"),
    word_start: Class::new(r"[\p{L}\p{N}\p{Sc}\p{Ps}]"),
    id_continue: Class::new(r"[\p{ID_Continue}\x{200c}\x{200d}]"),
});

fn bmp(c: char) -> bool {
    (c as u32) < 0x1_0000
}

fn at(t: &[char], i: usize) -> Option<char> {
    t.get(i).copied()
}

fn before(t: &[char], i: usize, back: usize) -> Option<char> {
    i.checked_sub(back).and_then(|j| at(t, j))
}

/// Splits one sentence into Penn Treebank tokens, as `js-rouge`'s `treeBankTokenize`:
/// punctuation, brackets and quotes become tokens of their own, contractions split
/// (`don't` → `do n't`, `cannot` → `can not`), numbers keep their separators (`1,000`),
/// acronyms their dots (`U.S.`). Case is kept. Empty or blank text has no tokens.
///
/// ```
/// use llmops_eval::evaluators::similarity::treebank_tokenize;
/// assert_eq!(treebank_tokenize("I can't wait (really)."), ["I", "ca", "n't", "wait", "(", "really", ")", "."]);
/// assert_eq!(treebank_tokenize("It costs $1,000."), ["It", "costs", "$", "1,000", "."]);
/// assert!(treebank_tokenize(" \t\n").is_empty());
/// ```
pub fn treebank_tokenize(input: &str) -> Vec<String> {
    // input.replace(/[\s\u0085]+/g, ' ').trim()
    let mut text: Vec<char> = Vec::with_capacity(input.len());
    for c in input.chars() {
        if js_space(c) || c == '\u{85}' {
            if text.last() != Some(&' ') {
                text.push(' ');
            }
        } else {
            text.push(c);
        }
    }
    if text.first() == Some(&' ') {
        text.remove(0);
    }
    if text.last() == Some(&' ') {
        text.pop();
    }
    if text.is_empty() {
        return Vec::new();
    }
    let t = classify_quotes(&text);
    let t = punctuation(&t);
    let t = final_period(t);
    let t = spaced(&t, |c| {
        matches!(c, '?' | '!' | '[' | ']' | '(' | ')' | '{' | '}' | '<' | '>')
    });
    // .replace(/--/g, ' -- ')
    let mut s: String = t.into_iter().collect();
    s = s.replace("--", " -- ");
    let mut t: Vec<char> = format!(" {s} ").chars().collect();
    t = apostrophes(&t);
    for (first, second, then_space) in CONTRACTIONS {
        t = contraction(&t, first, second, *then_space);
    }
    // .replace(/ {2,}/g, ' ').replace(/^ | $/g, '').split(' '): the text has a non-space
    // character, so after collapsing runs and stripping the ends no piece is empty
    let s: String = t.into_iter().collect();
    s.split(' ')
        .filter(|p| !p.is_empty())
        .map(str::to_owned)
        .collect()
}

/// `text.replace(/``|''|"/g, ...)`: each quote becomes ` `` ` (opening) or ` '' ` (closing),
/// by js-rouge's pairing rules.
fn classify_quotes(t: &[char]) -> Vec<char> {
    let cl = &*CLASSES;
    let mut out = Vec::with_capacity(t.len() + 8);
    let mut inside = false;
    let mut i = 0;
    while let Some(c) = at(t, i) {
        let quote_len = match (c, at(t, i + 1)) {
            ('`', Some('`')) | ('\'', Some('\'')) => 2,
            ('"', _) => 1,
            _ => 0,
        };
        if quote_len == 0 {
            out.push(c);
            i += 1;
            continue;
        }
        let prev = before(t, i, 1);
        let prev_bmp = prev.filter(|p| bmp(*p));
        let opening = c == '`'
            || ((i + quote_len < t.len()
                || i == 0
                || prev_bmp.is_some_and(|p| p == ' ' || p == '<' || cl.open_punct.has(p)))
                && opens_double_quote(t, i, inside)
                && !prev.is_some_and(|p| matches!(p, '.' | '!' | '?'))
                && (c == '"'
                    || (i > 0
                        && at(t, i + 2).is_some_and(|n| cl.word_start.has(n))
                        && next_quote_is_closing(t, i + 2))));
        inside = opening;
        out.extend(if inside { " `` " } else { " '' " }.chars());
        i += quote_len;
    }
    out
}

/// `text.slice(from).match(/``|''|"/)?.[0] === "''"`.
fn next_quote_is_closing(t: &[char], from: usize) -> bool {
    let mut i = from;
    while let Some(c) = at(t, i) {
        match (c, at(t, i + 1)) {
            ('`', Some('`')) | ('"', _) => return false,
            ('\'', Some('\'')) => return true,
            _ => i += 1,
        }
    }
    false
}

/// js-rouge's `opensDoubleQuote` / `quoteOpeningContext`.
fn opens_double_quote(t: &[char], i: usize, inside: bool) -> bool {
    let cl = &*CLASSES;
    !inside
        && (i == 0
            || before(t, i, 1).is_some_and(|p| bmp(p) && (p == ' ' || p == '<' || cl.punct.has(p)))
            || (before(t, i, 2) == Some('`') && before(t, i, 1) == Some('`'))
            || follows_quoted_modifier(t, i))
}

/// js-rouge's `followsQuotedModifier`: a modifier letter (a footnote mark such as `ʰ`) right
/// after a closed quotation (`."ʰ`), possibly after footnote digits.
fn follows_quoted_modifier(t: &[char], i: usize) -> bool {
    let cl = &*CLASSES;
    let Some(modifier) = before(t, i, 1).filter(|m| cl.modifier_letter.has(*m)) else {
        return false;
    };
    // isAlphabeticFootnote: the modifier changes under NFKC and is followed by a delimiter
    let changes = modifier.to_string().nfkc().ne(std::iter::once(modifier));
    let delimited = at(t, i).is_some_and(|q| js_space(q) || ".,;:!?\"'“‘”’])}>".contains(q));
    if !(changes && delimited) {
        return false;
    }
    let mut start = i - 1;
    while start > 0 && before(t, start, 1).is_some_and(|n| cl.number.has(n)) {
        start -= 1;
    }
    before(t, start, 2).is_some_and(|p| matches!(p, '.' | '!' | '?'))
        && before(t, start, 1).is_some_and(|q| matches!(q, '"' | '\'' | '”' | '’'))
}

/// `.replace(/\.{3}/g, ' ... ')`, `.replace(/[:,](?!\p{Decimal_Number})/gu, ' $& ')`,
/// `.replace(/[;@#$%&]/g, ' $& ')`.
fn punctuation(t: &[char]) -> Vec<char> {
    let s: String = t.iter().collect();
    let t: Vec<char> = s.replace("...", " ... ").chars().collect();
    let cl = &*CLASSES;
    let mut out = Vec::with_capacity(t.len() + 8);
    for (i, &c) in t.iter().enumerate() {
        let separator = matches!(c, ':' | ',') && !at(&t, i + 1).is_some_and(|n| cl.decimal.has(n));
        if separator || matches!(c, ';' | '@' | '#' | '$' | '%' | '&') {
            out.extend([' ', c, ' ']);
        } else {
            out.push(c);
        }
    }
    out
}

/// `.replace(/([^.])(?<!\b[A-Za-z]\.[A-Za-z])(\.)([\])}>'\s]*)$/g, '$1 $2$3 ')`: the
/// sentence's final period becomes a token, unless it ends an acronym (`U.S.`).
fn final_period(mut t: Vec<char>) -> Vec<char> {
    let closer = |c: char| matches!(c, ']' | ')' | '}' | '>' | '\'') || js_space(c);
    let Some(dot) = t.iter().rposition(|c| !closer(*c)) else {
        return t;
    };
    if at(&t, dot) != Some('.') || dot == 0 || before(&t, dot, 1) == Some('.') {
        return t;
    }
    let alpha = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphabetic());
    let word = |c: Option<char>| c.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_');
    let acronym = alpha(before(&t, dot, 1))
        && before(&t, dot, 2) == Some('.')
        && alpha(before(&t, dot, 3))
        && !word(before(&t, dot, 4));
    if acronym {
        return t;
    }
    t.insert(dot, ' ');
    t.push(' ');
    t
}

/// Surrounds every character `pick` selects with spaces.
fn spaced(t: &[char], pick: impl Fn(char) -> bool) -> Vec<char> {
    let mut out = Vec::with_capacity(t.len() + 8);
    for &c in t {
        if pick(c) {
            out.extend([' ', c, ' ']);
        } else {
            out.push(c);
        }
    }
    out
}

/// `.replace(/([^'])' /g, "$1 ' ")`, `.replace(/'([sSmMdD]) /g, " '$1 ")`,
/// `.replace(/('ll|'LL|'re|'RE|'ve|'VE|n't|N'T) /g, ' $1 ')`, each a left-to-right scan.
fn apostrophes(t: &[char]) -> Vec<char> {
    let mut out = Vec::with_capacity(t.len() + 8);
    let mut i = 0;
    while let Some(c) = at(t, i) {
        if c != '\'' && at(t, i + 1) == Some('\'') && at(t, i + 2) == Some(' ') {
            out.extend([c, ' ', '\'', ' ']);
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    let t = out;
    let mut out = Vec::with_capacity(t.len() + 8);
    let mut i = 0;
    while let Some(c) = at(&t, i) {
        match (at(&t, i + 1), at(&t, i + 2)) {
            (Some(l), Some(' ')) if c == '\'' && "sSmMdD".contains(l) => {
                out.extend([' ', '\'', l, ' ']);
                i += 3;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    let t = out;
    let mut out = Vec::with_capacity(t.len() + 8);
    let mut i = 0;
    while let Some(c) = at(&t, i) {
        let three: String = t.iter().skip(i).take(3).collect();
        let hit = ["'ll", "'LL", "'re", "'RE", "'ve", "'VE", "n't", "N'T"]
            .contains(&three.as_str())
            && at(&t, i + 3) == Some(' ');
        if hit {
            out.push(' ');
            out.extend(three.chars());
            out.push(' ');
            i += 4;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

/// js-rouge's `TREEBANK_CONTRACTIONS`: (first part, second part, must be followed by a space).
const CONTRACTIONS: &[(&str, &str, bool)] = &[
    ("can", "not", false),
    ("d", "'ye", false),
    ("gim", "me", false),
    ("gon", "na", false),
    ("got", "ta", false),
    ("lem", "me", false),
    ("more", "'n", false),
    ("wan", "na", true),
    ("'t", "is", false),
    ("'t", "was", false),
];

/// Case-insensitive as a JavaScript `iu` regex: simple case folding, under which `ſ` is `s`.
fn folds_to(c: char, lower: char) -> bool {
    c.to_ascii_lowercase() == lower || (lower == 's' && c == 'ſ')
}

/// `parse.replace(/(?<!W)(first)(second)(?!W)/giu, ' $1 $2 ')` with W an identifier
/// character (`\p{ID_Continue}`, ZWNJ, ZWJ).
fn contraction(t: &[char], first: &str, second: &str, then_space: bool) -> Vec<char> {
    let cl = &*CLASSES;
    let pattern: Vec<char> = first.chars().chain(second.chars()).collect();
    let split = first.chars().count();
    let mut out = Vec::with_capacity(t.len() + 8);
    let mut i = 0;
    while let Some(c) = at(t, i) {
        let end = i + pattern.len();
        let hit = !before(t, i, 1).is_some_and(|p| cl.id_continue.has(p))
            && pattern
                .iter()
                .enumerate()
                .all(|(k, p)| at(t, i + k).is_some_and(|c| folds_to(c, *p)))
            && (!then_space || at(t, end) == Some(' '))
            && !at(t, end).is_some_and(|n| cl.id_continue.has(n));
        if hit {
            out.push(' ');
            out.extend(t.iter().skip(i).take(split));
            out.push(' ');
            out.extend(t.iter().skip(i + split).take(pattern.len() - split));
            out.push(' ');
            i = end;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;

    fn tok(s: &str) -> Vec<String> {
        treebank_tokenize(s)
    }

    #[test]
    fn classes_compile_and_classify() {
        let cl = &*CLASSES;
        assert!(cl.punct.has('!') && !cl.punct.has('a'));
        assert!(cl.open_punct.has('(') && !cl.open_punct.has(')'));
        assert!(cl.modifier_letter.has('ʰ') && !cl.modifier_letter.has('h'));
        assert!(cl.number.has('²') && cl.decimal.has('7') && !cl.decimal.has('²'));
        assert!(cl.word_start.has('€') && !cl.word_start.has('.'));
        assert!(
            cl.id_continue.has('é') && cl.id_continue.has('\u{200d}') && !cl.id_continue.has(' ')
        );
    }

    #[test]
    fn splits_punctuation_and_contractions() {
        assert_eq!(tok("the cat sat"), ["the", "cat", "sat"]);
        assert_eq!(tok("Hello, world!"), ["Hello", ",", "world", "!"]);
        assert_eq!(tok("I don't know."), ["I", "do", "n't", "know", "."]);
        assert_eq!(
            tok("We'll see; it's fine"),
            ["We", "'ll", "see", ";", "it", "'s", "fine"]
        );
        assert_eq!(
            tok("I cannot, I'm gonna"),
            ["I", "can", "not", ",", "I", "'m", "gon", "na"]
        );
        assert_eq!(tok("wanna go"), ["wan", "na", "go"]);
        // `wanna` splits only before a space: the text is padded with one, so alone too
        assert_eq!(tok("wanna"), ["wan", "na"]);
        assert_eq!(tok("wanna!"), ["wan", "na", "!"]);
        assert_eq!(tok("wanna/x"), ["wanna/x"]);
        // an identifier character before or after blocks a contraction
        assert_eq!(tok("scannot"), ["scannot"]);
        assert_eq!(tok("'tis"), ["'t", "is"]);
        assert_eq!(tok("'tiſ"), ["'t", "iſ"]);
    }

    #[test]
    fn keeps_numbers_and_acronyms() {
        assert_eq!(tok("1,000 at 10:30"), ["1,000", "at", "10:30"]);
        assert_eq!(tok("a, b: c"), ["a", ",", "b", ":", "c"]);
        assert_eq!(tok("made in the U.S."), ["made", "in", "the", "U.S."]);
        assert_eq!(tok("wait... what"), ["wait", "...", "what"]);
        assert_eq!(tok("done.)"), ["done", ".", ")"]);
        assert_eq!(tok("a -- b"), ["a", "--", "b"]);
        assert_eq!(tok("50% off & more"), ["50", "%", "off", "&", "more"]);
    }

    #[test]
    fn pairs_quotes() {
        assert_eq!(
            tok("he said \"hi\" then"),
            ["he", "said", "``", "hi", "''", "then"]
        );
        assert_eq!(tok("\"a\""), ["``", "a", "''"]);
        assert_eq!(tok("``a''"), ["``", "a", "''"]);
    }

    #[test]
    fn whitespace_is_javascripts() {
        assert_eq!(tok("a\u{a0}b\u{feff}c\u{85}d"), ["a", "b", "c", "d"]);
        assert!(tok("").is_empty());
        assert!(tok("\u{3000}\u{feff}").is_empty());
        assert_eq!(tok("naïve café 東京"), ["naïve", "café", "東京"]);
    }
}
