//! [`PiiScanner`]: the recognizers, one combined pass, then validation and overlap resolution.
//!
//! All patterns run on `regex-automata` (the engine under `regex`: finite automata, time
//! linear in the text for each search, no backtracking) with ASCII word boundaries so the
//! lazy DFA never falls back to the slower engines on non-ASCII text. Three layers decide
//! where a pattern searches, each exact (the findings are those of the whole-text search;
//! proptests in `scanner_equiv.rs` compare each layer with the code it replaced):
//!
//! 1. Byte gates ([`shapes`]: an `@` for e-mails, a chain of 13 digits for cards,
//!    `ddd-dd-dddd` for SSNs …, tested on the digit runs only) decide which recognizers may
//!    match at all; the others do not search. The digit runs are walked once per scan
//!    ([`runs`]) and shared by the gates, the regions and the date-of-birth search.
//! 2. A recognizer that may match searches only its *regions* ([`regions`]): the maximal runs
//!    of the bytes its matches are made of that hold enough digits (or `@`, `:`), each as a
//!    span of the text, so `\b` still sees the bytes around it; [`Kind::may_match`] drops the
//!    regions that cannot hold a match, and [`national`] the national-phone regions whose
//!    matches validation would all reject (`4471-2209`, `2024-05-03`: too few digits or
//!    groups).
//! 3. Dates of birth: the context keywords are searched (Aho-Corasick) only on the stretch
//!    before a digit run that has a date-shaped run near it ([`dates_of_birth`]).
//!
//! A text without candidates costs the gates, the region walk of the recognizers whose gate
//! is open and the keyword search before date-shaped numbers, and allocates nothing; a text
//! with candidates that validation rejects pays the search of their regions. (The gates
//! replaced a combined `RegexSet` pass, which had to read the whole text again to say which
//! recognizers matched; the regions replaced whole-text searches.)

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, AhoCorasickKind, MatchKind};
use regex::Regex;
#[cfg(test)]
use regex::RegexSet;

use crate::spans::keep_best_disjoint;

use super::category::{PiiCategory, PiiFinding};
use super::validate;
use regions::{Anchor, Shape};
use runs::{DigitRuns, run_end};

/// The candidate patterns, in the order of [`KINDS`].
const PATTERNS: [&str; 8] = [
    // e-mail: local part, @, dotted domain, alphabetic TLD
    r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?)*\.[A-Za-z]{2,24}(?-u:\b)",
    // phone, international: + or 00, country code, groups
    r"(?:\+|(?-u:\b)00)[1-9][0-9]{0,3}(?:[ .\-]?(?:\([0-9]{1,4}\)|[0-9]{1,6})){1,6}(?-u:\b)",
    // phone, national: an area code (bracketed or not), then separated groups
    r"(?:\([0-9]{2,5}\) ?|(?-u:\b)[0-9]{2,5}[ .\-])[0-9]{2,8}(?:[ .\-][0-9]{2,8}){0,3}(?-u:\b)",
    // payment card: 13-19 digits, single spaces or dashes between
    r"(?-u:\b)[0-9](?:[ \-]?[0-9]){12,18}(?-u:\b)",
    // IBAN: country, check digits, 11-30 alphanumerics, optionally grouped by spaces
    r"(?-u:\b)[A-Z]{2}[0-9]{2}(?: ?[A-Z0-9]){11,30}(?-u:\b)",
    // US SSN
    r"(?-u:\b)[0-9]{3}-[0-9]{2}-[0-9]{4}(?-u:\b)",
    // IPv4
    r"(?-u:\b)[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}(?-u:\b)",
    // IPv6 (shape only; std's parser decides)
    r"[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*",
];

/// What each pattern recognizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Email,
    PhoneIntl,
    PhoneNational,
    Card,
    Iban,
    Ssn,
    Ipv4,
    Ipv6,
}

const KINDS: [Kind; 8] = [
    Kind::Email,
    Kind::PhoneIntl,
    Kind::PhoneNational,
    Kind::Card,
    Kind::Iban,
    Kind::Ssn,
    Kind::Ipv4,
    Kind::Ipv6,
];

impl Kind {
    fn category(self) -> PiiCategory {
        match self {
            Kind::Email => PiiCategory::Email,
            Kind::PhoneIntl | Kind::PhoneNational => PiiCategory::Phone,
            Kind::Card => PiiCategory::CreditCard,
            Kind::Iban => PiiCategory::Iban,
            Kind::Ssn => PiiCategory::UsSsn,
            Kind::Ipv4 | Kind::Ipv6 => PiiCategory::IpAddress,
        }
    }
}

impl Kind {
    /// What every match of the kind's pattern is made of and holds (see [`regions`]).
    fn shape(self) -> &'static Shape {
        // e-mail: local part, @, domain; one @
        static EMAIL: Shape = Shape::new(b"._%+-@", true, true, Anchor::Byte(b'@'), 1);
        // international: + or 00, a country code starting 1-9, then a group of digits
        static PHONE_INTL: Shape = Shape::new(b"+ .-()", false, false, Anchor::Digit, 2);
        // national: two groups of two or more digits at least
        static PHONE_NATIONAL: Shape = Shape::new(b" .-()", false, false, Anchor::Digit, 4);
        // 13 digits at least
        static CARD: Shape = Shape::new(b" -", false, false, Anchor::Digit, 13);
        // capitals, digits, spaces; the two check digits
        static IBAN: Shape = Shape::new(b" ", true, false, Anchor::Digit, 2);
        // nine digits, two dashes
        static SSN: Shape = Shape::new(b"-", false, false, Anchor::Digit, 9);
        // four numbers
        static IPV4: Shape = Shape::new(b".", false, false, Anchor::Digit, 4);
        // hex digits (all letters here), colons and dots; two colons
        static IPV6: Shape = Shape::new(b":.", true, true, Anchor::Byte(b':'), 2);
        match self {
            Kind::Email => &EMAIL,
            Kind::PhoneIntl => &PHONE_INTL,
            Kind::PhoneNational => &PHONE_NATIONAL,
            Kind::Card => &CARD,
            Kind::Iban => &IBAN,
            Kind::Ssn => &SSN,
            Kind::Ipv4 => &IPV4,
            Kind::Ipv6 => &IPV6,
        }
    }
}

impl Kind {
    /// Whether a region of the kind's shape can hold a match of its pattern, beyond holding
    /// enough anchors: a `+` or `00` for international numbers (how they start), two capitals
    /// before a digit for IBANs (the country code and check digits), three dots for IPv4
    /// (the region holds digits and dots only) and two dashes for SSNs (digits and dashes).
    fn may_match(self, region: &[u8]) -> bool {
        let count = |c: u8| region.iter().filter(|b| **b == c).count();
        match self {
            Kind::PhoneIntl => region.contains(&b'+') || region.windows(2).any(|w| w == b"00"),
            Kind::Iban => region.windows(3).any(|w| {
                matches!(w, [a, b, c] if a.is_ascii_uppercase() && b.is_ascii_uppercase() && c.is_ascii_digit())
            }),
            Kind::Ipv4 => count(b'.') >= 3,
            Kind::Ssn => count(b'-') >= 2,
            Kind::Email | Kind::PhoneNational | Kind::Card | Kind::Ipv6 => true,
        }
    }
}

/// The set pass the byte gates ([`shapes`]) replaced, kept to compare with.
#[cfg(test)]
#[allow(clippy::expect_used)] // constant patterns; `patterns_compile` below compiles them
static SET: LazyLock<RegexSet> =
    LazyLock::new(|| RegexSet::new(PATTERNS).expect("PII patterns compile"));

/// The patterns as searched: on the regions of the text that can hold a match ([`regions`]).
/// Without a prefilter: a region is a few bytes long, and a literal prefilter's set-up (a
/// Rabin-Karp search on short haystacks) costs more there than the lazy DFA it would skip.
#[allow(clippy::expect_used)] // constant patterns; `patterns_compile` below compiles them
static SPAN_REGEXES: LazyLock<Vec<regex_automata::meta::Regex>> = LazyLock::new(|| {
    PATTERNS
        .iter()
        .map(|p| {
            regex_automata::meta::Builder::new()
                .configure(regex_automata::meta::Config::new().auto_prefilter(false))
                .build(p)
                .expect("PII pattern compiles")
        })
        .collect()
});

/// The patterns for whole-text searches, kept to compare with.
#[cfg(test)]
#[allow(clippy::expect_used)] // constant patterns; `patterns_compile` below compiles them
static REGEXES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    PATTERNS
        .iter()
        .map(|p| Regex::new(p).expect("PII pattern compiles"))
        .collect()
});

/// Words that make a nearby date a date of birth (matched ASCII case-insensitively, on word
/// boundaries).
const DOB_KEYWORDS: &[&str] = &[
    "born",
    "dob",
    "d.o.b",
    "date of birth",
    "birth date",
    "birthdate",
    "birthday",
    "geboren",
    "geb.",
    "geburtsdatum",
    "geburtstag",
    "né le",
    "née le",
    "né",
    "née",
    "date de naissance",
    "fecha de nacimiento",
    "nacido",
    "nacida",
    "data di nascita",
    "nato il",
    "nata il",
];

#[allow(clippy::expect_used)] // constant keywords; `patterns_compile` below builds them
static DOB_CONTEXT: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::LeftmostLongest)
        .kind(Some(AhoCorasickKind::DFA))
        .build(DOB_KEYWORDS)
        .expect("keywords build")
});

/// Numeric dates (ISO, or day/month/year with `.`, `/`, `-`) and written ones in English,
/// German and French.
const DATE_PATTERN: &str = r"(?x)
    (?P<iy>[0-9]{4})-(?P<im>[0-9]{1,2})-(?P<id>[0-9]{1,2})(?-u:\b)
  | (?-u:\b)(?P<na>[0-9]{1,2})[./\-](?P<nb>[0-9]{1,2})[./\-](?P<ny>[0-9]{4}|[0-9]{2})(?-u:\b)
  | (?-u:\b)(?P<wd>[0-9]{1,2})\.?\ (?P<wm>\p{L}{3,9})\.?\ (?P<wy>[0-9]{4})(?-u:\b)
  | (?P<am>\p{L}{3,9})\.?\ (?P<ad>[0-9]{1,2}),?\ (?P<ay>[0-9]{4})(?-u:\b)
";

#[allow(clippy::expect_used)] // a constant pattern; `patterns_compile` below compiles it
static DATE: LazyLock<Regex> = LazyLock::new(|| Regex::new(DATE_PATTERN).expect("date compiles"));

/// How far after a context keyword a date of birth may start (bytes).
const DOB_WINDOW: usize = 40;

/// Finds personal data in text. Cheap to clone and to build (the patterns compile once per
/// process); configure which categories it looks for.
///
/// ```
/// use llmops_guard::pii::{PiiCategory, PiiScanner};
/// let scanner = PiiScanner::new();
/// let text = "Mail jane.doe@example.com or call +44 20 7946 0958.";
/// let found: Vec<_> = scanner.scan(text).iter().map(|f| f.category).collect();
/// assert_eq!(found, [PiiCategory::Email, PiiCategory::Phone]);
/// assert!(scanner.scan("nothing personal here, order 12345").is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PiiScanner {
    enabled: [bool; PiiCategory::ALL.len()],
}

impl Default for PiiScanner {
    fn default() -> Self {
        PiiScanner::new()
    }
}

impl PiiScanner {
    /// A scanner for every category but [`PiiCategory::PersonName`] (turn it on with
    /// [`with`](Self::with); see `docs/guard.md`, "Person names", for why it is off).
    pub fn new() -> Self {
        PiiScanner {
            enabled: std::array::from_fn(|i| i != PiiCategory::PersonName.index()),
        }
    }

    /// A scanner for `categories` only.
    pub fn only(categories: &[PiiCategory]) -> Self {
        let mut enabled = [false; PiiCategory::ALL.len()];
        for c in categories {
            if let Some(e) = enabled.get_mut(c.index()) {
                *e = true;
            }
        }
        PiiScanner { enabled }
    }

    /// Turns `category` on or off.
    #[must_use]
    pub fn with(mut self, category: PiiCategory, on: bool) -> Self {
        if let Some(e) = self.enabled.get_mut(category.index()) {
            *e = on;
        }
        self
    }

    /// Whether the scanner looks for `category`.
    pub fn is_enabled(&self, category: PiiCategory) -> bool {
        self.enabled.get(category.index()).copied().unwrap_or(false)
    }

    /// The personal data in `text`, sorted by start, without overlaps (where two candidates
    /// overlap, the higher score wins, then the longer span). Allocates nothing when no
    /// candidate has the shape of personal data.
    pub fn scan(&self, text: &str) -> Vec<PiiFinding> {
        let mut out = Vec::new();
        #[cfg(test)]
        if REFERENCE.with(std::cell::Cell::get) {
            return self.scan_reference(text);
        }
        let patterns = KINDS.iter().any(|k| self.is_enabled(k.category()));
        // One walk of the digit runs for the gates, the regions and the dates of birth.
        let digits = patterns || self.is_enabled(PiiCategory::DateOfBirth);
        let runs = DigitRuns::new(if digits { text.as_bytes() } else { &[] });
        if patterns {
            let gates = shapes::gates(text, &runs);
            for (i, kind) in KINDS.iter().enumerate() {
                if !gates.allows(*kind) || !self.is_enabled(kind.category()) {
                    continue;
                }
                if let Some(re) = SPAN_REGEXES.get(i) {
                    let keep = |region: &[u8]| {
                        kind.may_match(region) && (*kind != Kind::PhoneNational || national(region))
                    };
                    regions::find_iter(re, text, kind.shape(), &runs, keep, |start, end| {
                        if let Some(f) = validate_candidate(*kind, text, start, end) {
                            out.push(f);
                        }
                    });
                }
            }
        }
        self.scan_rest(text, &runs, out)
    }

    /// Dates of birth, names, then overlap resolution.
    fn scan_rest(
        &self,
        text: &str,
        runs: &DigitRuns<'_>,
        mut out: Vec<PiiFinding>,
    ) -> Vec<PiiFinding> {
        if self.is_enabled(PiiCategory::DateOfBirth) {
            dates_of_birth(text, runs, &mut out);
        }
        if self.is_enabled(PiiCategory::PersonName) {
            super::names::person_names(text, &mut out);
        }
        resolve_overlaps(out)
    }

    /// The scan before the byte gates: the combined set pass names the recognizers to run.
    #[cfg(test)]
    fn scan_reference(&self, text: &str) -> Vec<PiiFinding> {
        let mut out = Vec::new();
        let patterns = KINDS.iter().any(|k| self.is_enabled(k.category()));
        if patterns && SET.is_match(text) {
            let hit = SET.matches(text);
            for (i, kind) in KINDS.iter().enumerate() {
                if !hit.matched(i) || !self.is_enabled(kind.category()) {
                    continue;
                }
                if let Some(re) = REGEXES.get(i) {
                    search(*kind, re, text, &mut out);
                }
            }
        }
        self.scan_rest(text, &DigitRuns::new(text.as_bytes()), out)
    }
}

#[cfg(test)]
thread_local! {
    /// Tests: scan as before the byte gates (the reference of the equivalence proptests).
    pub(super) static REFERENCE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Every validated candidate of one recognizer, searching the whole text (the reference).
#[cfg(test)]
fn search(kind: Kind, re: &Regex, text: &str, out: &mut Vec<PiiFinding>) {
    for m in re.find_iter(text) {
        if let Some(f) = validate_candidate(kind, text, m.start(), m.end()) {
            out.push(f);
        }
    }
}

impl shapes::Gates {
    /// Whether the recognizer of `kind` may match.
    fn allows(&self, kind: Kind) -> bool {
        match kind {
            Kind::Email => self.email,
            Kind::PhoneIntl => self.phone_intl,
            Kind::PhoneNational => self.phone_national,
            Kind::Card => self.card,
            Kind::Iban => self.iban,
            Kind::Ssn => self.ssn,
            Kind::Ipv4 => self.ipv4,
            Kind::Ipv6 => self.ipv6,
        }
    }
}

/// The byte of `text` at `i`, if any.
fn byte(text: &str, i: usize) -> Option<u8> {
    text.as_bytes().get(i).copied()
}

/// Whether the span continues a longer dotted or dashed number (`1.2.3.4.5`, `12-34-56-78`).
fn glued(text: &str, start: usize, end: usize) -> bool {
    let is_sep = |b: Option<u8>| matches!(b, Some(b'.' | b'-'));
    let is_digit = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_digit());
    (start >= 2 && is_sep(byte(text, start - 1)) && is_digit(byte(text, start - 2)))
        || (is_sep(byte(text, end)) && is_digit(byte(text, end + 1)))
}

/// Whether the span follows a word holding a digit ("DE89 3704 0044 ...": the tail of a
/// longer number, not a phone number of its own).
fn continues_number(text: &str, start: usize) -> bool {
    let before = text.get(..start).unwrap_or("").trim_end_matches(' ');
    let word = before
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("");
    word.bytes().any(|b| b.is_ascii_digit())
}

/// Whether a region of the national phone pattern ([`regions`]) can hold a match that
/// [`validate_candidate`] accepts. Such a match holds 10 to 12 digits ([`validate::phone`]),
/// and it starts with `(` or has three groups or more (the rule "a national number has an
/// area code and at least two more groups, or a bracketed area code"). A match not starting
/// with `(` is made of digits and single `[ .-]` separators only, and its groups are its digit
/// runs, two digits long at least and separated, so each lies in a different digit run of the
/// text. A region with fewer than 10 digits, or without `(` and with fewer than three digit
/// runs of two digits or more, therefore holds no match validation keeps (on the
/// support-chat prompt, every region: `4471-2209`, `2024-05-03`, `89.90`, `2024-000318`).
fn national(region: &[u8]) -> bool {
    let (mut digits, mut runs, mut len) = (0, 0, 0);
    for b in region.iter().chain([&b' ']) {
        if b.is_ascii_digit() {
            len += 1;
        } else {
            digits += len;
            runs += usize::from(len >= 2);
            len = 0;
        }
    }
    digits >= 10 && (runs >= 3 || region.contains(&b'('))
}

/// Validates one candidate; `None` when it is not what its pattern looks like.
fn validate_candidate(kind: Kind, text: &str, start: usize, end: usize) -> Option<PiiFinding> {
    let span = text.get(start..end)?;
    let bytes = span.as_bytes();
    let f = |score| Some(PiiFinding::new(kind.category(), start, end, score));
    match kind {
        Kind::Email => {
            let lead = bytes.iter().take_while(|b| **b == b'.').count();
            let start = start + lead;
            let local_end = span.find('@')?;
            let ok = end - start <= 254 && local_end > lead && local_end - lead <= 64;
            ok.then(|| PiiFinding::new(PiiCategory::Email, start, end, 0.95))
        }
        Kind::PhoneIntl => {
            let zeros = bytes.first() == Some(&b'0');
            if glued(text, start, end)
                || (zeros && continues_number(text, start))
                || !validate::phone(bytes)
            {
                return None;
            }
            f(0.8)
        }
        Kind::PhoneNational => {
            let dotted_quad = bytes.iter().all(|b| b.is_ascii_digit() || *b == b'.')
                && bytes.iter().filter(|b| **b == b'.').count() == 3;
            let after_plus = start > 0 && byte(text, start - 1) == Some(b'+');
            // A national number has an area code and at least two more groups, or a
            // bracketed area code: "2024-000123" is an invoice number.
            let groups = bytes
                .split(|b| matches!(b, b' ' | b'.' | b'-' | b')'))
                .filter(|g| !g.is_empty())
                .count();
            if dotted_quad
                || after_plus
                || (groups < 3 && bytes.first() != Some(&b'('))
                || continues_number(text, start)
                || glued(text, start, end)
                || !validate::phone(bytes)
            {
                return None;
            }
            f(0.6)
        }
        Kind::Card => {
            if glued(text, start, end) {
                return None;
            }
            // The pattern is greedy: a card followed by more digit groups ("... 1111 12")
            // matches too long; try the prefixes that end before a separator.
            let mut end_try = end;
            loop {
                let cand = text.get(start..end_try)?;
                if validate::card(cand.as_bytes()) {
                    return Some(PiiFinding::new(kind.category(), start, end_try, 0.95));
                }
                end_try = cand.rfind([' ', '-'])? + start;
                if validate::digit_count(text.get(start..end_try)?.as_bytes()) < 13 {
                    return None;
                }
            }
        }
        Kind::Iban => {
            let expected = validate::iban_length(bytes.get(..2)?)?;
            // Cut the candidate after `expected` alphanumerics (it may run into a following
            // uppercase word such as a BIC).
            let mut seen = 0;
            let mut cut = None;
            for (i, b) in bytes.iter().enumerate() {
                if *b != b' ' {
                    seen += 1;
                    if seen == expected {
                        cut = Some(i + 1);
                        break;
                    }
                }
            }
            let cut = cut?;
            if byte(text, start + cut).is_some_and(|b| b.is_ascii_alphanumeric()) {
                return None;
            }
            let mut compact = [0u8; 34];
            let mut n = 0;
            for b in bytes.get(..cut)?.iter().filter(|b| **b != b' ') {
                *compact.get_mut(n)? = *b;
                n += 1;
            }
            validate::iban_mod97(compact.get(..n)?)
                .then(|| PiiFinding::new(kind.category(), start, start + cut, 0.98))
        }
        Kind::Ssn => {
            let dashed_on =
                start > 0 && byte(text, start - 1) == Some(b'-') || byte(text, end) == Some(b'-');
            (!dashed_on && validate::ssn(bytes))
                .then(|| PiiFinding::new(kind.category(), start, end, 0.85))
        }
        Kind::Ipv4 => (!glued(text, start, end) && validate::ipv4(span))
            .then(|| PiiFinding::new(kind.category(), start, end, 0.9)),
        Kind::Ipv6 => {
            let word = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_');
            if (start > 0 && word(byte(text, start - 1))) || word(byte(text, end)) {
                return None;
            }
            // Sentence punctuation after an address: "... fe80::1." or "fe80::1:".
            let mut span = span.trim_end_matches('.');
            if span.ends_with(':') && !span.ends_with("::") {
                span = span.trim_end_matches(':');
            }
            validate::ipv6(span)
                .then(|| PiiFinding::new(kind.category(), start, start + span.len(), 0.9))
        }
    }
}

/// What the date-of-birth search needs to know about [`DOB_KEYWORDS`]: which bytes occur in
/// them (either ASCII case) and the longest one in bytes.
struct KeywordBytes {
    bytes: [bool; 256],
    longest: usize,
}

static DOB_BYTES: LazyLock<KeywordBytes> = LazyLock::new(|| {
    let mut bytes = [false; 256];
    for b in DOB_KEYWORDS.iter().flat_map(|k| k.bytes()) {
        for c in [b, b.to_ascii_lowercase(), b.to_ascii_uppercase()] {
            if let Some(slot) = bytes.get_mut(usize::from(c)) {
                *slot = true;
            }
        }
    }
    let longest = DOB_KEYWORDS.iter().map(|k| k.len()).max().unwrap_or(0);
    KeywordBytes { bytes, longest }
});

/// Dates within [`DOB_WINDOW`] bytes after a context keyword.
///
/// Every date holds an ASCII digit and no keyword does, so only keywords ending less than
/// [`DOB_WINDOW`] bytes before a digit can start a date of birth. The keyword search runs on
/// the digit-free run before a digit run only, from `DOB_WINDOW` + the longest keyword before
/// that run, moved back until the byte before it cannot be part of a keyword: no match of
/// the whole text straddles that point, so the leftmost-longest matches found there are the
/// ones the whole-text search finds (proptest `equiv::dob_regions_match_whole_text_search`).
///
/// And it runs only before a digit run that has a *date run* ([`next_date_run`]) starting
/// less than [`DOB_WINDOW`] bytes after its first digit. Why that loses no date of birth: a
/// keyword ending at `ke` yields one when [`DATE`] matches in the window `ke..we`,
/// `we <= ke + DOB_WINDOW` (cut there, then back to a char boundary). Let `d` be the first
/// digit at or after `ke`: the keyword is found by the search before the run `d` starts.
/// Every branch of [`DATE`] holds four digits in a row (an ISO or numeric year, the year of
/// a written date) or, for numeric dates with a two-digit year, `\b` + 1–2 digits + one of
/// `./-` + 1–2 digits + one of `./-` + 2 digits. In the first case the digit run of the text
/// holding the four digits is four digits long at least and starts at or after `ke` (the
/// byte before `ke` ends a keyword: no digit), so at or after `d`, and before the four
/// digits, which lie before `we`. In the second case the first number starts a digit run of
/// the text (the byte before it is no word byte, or the window starts there, and then the
/// keyword is followed by a digit, which [`date_after_keyword`] rejects before searching),
/// the second number is a whole run too (a separator on each side), and the third begins a
/// run of two digits or more (the window's end may cut it, the text's run goes on); the
/// first number lies in `d..we`. Either way a date run starts in `d..d + DOB_WINDOW` (a few
/// bytes earlier in fact: `d > ke`, and the date ends after the run's start; test
/// `equiv::date_runs_far_from_the_first_digit` fails when the bound is cut by 5). The
/// search before `d` is unchanged, so the keywords it finds, and what they yield, are those
/// of the search without this gate (proptests `equiv::dob_*`). `runs` are the digit runs of
/// `text`.
fn dates_of_birth(text: &str, runs: &DigitRuns<'_>, out: &mut Vec<PiiFinding>) {
    let b = text.as_bytes();
    let kw = &*DOB_BYTES;
    let reach = DOB_WINDOW + kw.longest;
    // The first date run at or after the last place it was looked for from.
    let mut date_run = None;
    let mut run_start = 0;
    let mut rest = runs.iter();
    loop {
        // the runs from this one on
        let here = rest.clone();
        let Some((d, e)) = rest.next() else { break };
        if d > run_start {
            if date_run.is_none_or(|r| r < d) {
                date_run = next_date_run(b, here);
                if date_run.is_none() {
                    return;
                }
            }
            if date_run.is_some_and(|r| r < d + DOB_WINDOW) {
                let mut a = d.saturating_sub(reach).max(run_start);
                while a > run_start
                    && b.get(a - 1)
                        .is_some_and(|c| kw.bytes.get(usize::from(*c)) == Some(&true))
                {
                    a -= 1;
                }
                if let Some(run) = b.get(a..d) {
                    for m in DOB_CONTEXT.find_iter(run) {
                        date_after_keyword(text, a + m.start(), a + m.end(), out);
                    }
                }
            }
        }
        run_start = e;
    }
}

/// The start of the first *date run* of `runs` (digit runs of `b`, in order): a digit run
/// four digits long or more, or one of 1–2 digits, one of `./-`, a run of 1–2 digits, one of
/// `./-` and a run of two digits or more (`3.4.85`, `12/03/1985`). Every match of [`DATE`]
/// holds one ([`dates_of_birth`] says how).
fn next_date_run(b: &[u8], runs: impl Iterator<Item = (usize, usize)>) -> Option<usize> {
    let sep = |i: usize| matches!(b.get(i), Some(b'.' | b'/' | b'-'));
    for (r, e) in runs {
        if e - r >= 4 {
            return Some(r);
        }
        if e - r <= 2 && sep(e) {
            let e2 = run_end(b, e + 1);
            if (1..=2).contains(&(e2 - (e + 1))) && sep(e2) && run_end(b, e2 + 1) >= e2 + 3 {
                return Some(r);
            }
        }
    }
    None
}

/// The date of birth after the keyword at `ks..ke`, if there is one.
fn date_after_keyword(text: &str, ks: usize, ke: usize, out: &mut Vec<PiiFinding>) {
    let word = |b: Option<u8>| b.is_some_and(|b| b.is_ascii_alphanumeric());
    if (ks > 0 && word(byte(text, ks - 1))) || word(byte(text, ke)) {
        return;
    }
    let mut we = (ke + DOB_WINDOW).min(text.len());
    while !text.is_char_boundary(we) {
        we -= 1;
    }
    let Some(window) = text.get(ke..we) else {
        return;
    };
    let Some(caps) = DATE.captures(window) else {
        return;
    };
    let Some(m) = caps.get(0) else { return };
    // The date must come right after the keyword (a few words at most).
    let gap = window.get(..m.start()).unwrap_or("");
    if gap.split_whitespace().count() > 3 || !plausible(&caps) {
        return;
    }
    out.push(PiiFinding::new(
        PiiCategory::DateOfBirth,
        ke + m.start(),
        ke + m.end(),
        0.85,
    ));
}

/// The whole-text keyword search [`dates_of_birth`] replaced, kept to compare with.
#[cfg(test)]
fn dates_of_birth_reference(text: &str, out: &mut Vec<PiiFinding>) {
    for kw in DOB_CONTEXT.find_iter(text) {
        date_after_keyword(text, kw.start(), kw.end(), out);
    }
}

/// Month number of an English, German or French month name or abbreviation.
fn month(name: &str) -> Option<u32> {
    let lower = name.to_lowercase();
    const NAMES: [&[&str]; 12] = [
        &["jan", "january", "januar", "janvier"],
        &[
            "feb", "february", "februar", "fev", "fév", "février", "fevrier",
        ],
        &["mar", "march", "märz", "mars", "maerz"],
        &["apr", "april", "avr", "avril"],
        &["may", "mai"],
        &["jun", "june", "juni", "juin"],
        &["jul", "july", "juli", "juil", "juillet"],
        &["aug", "august", "août", "aout"],
        &["sep", "sept", "september", "septembre"],
        &["oct", "okt", "october", "oktober", "octobre"],
        &["nov", "november", "novembre"],
        &["dec", "dez", "déc", "december", "dezember", "décembre"],
    ];
    (1u32..)
        .zip(NAMES)
        .find_map(|(m, names)| names.contains(&lower.as_str()).then_some(m))
}

/// Whether the captured date is a calendar date (either day/month order for numeric ones).
fn plausible(caps: &regex::Captures<'_>) -> bool {
    let num = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    if let (Some(y), Some(m), Some(d)) = (num("iy"), num("im"), num("id")) {
        return validate::plausible_date(d, m, y);
    }
    if let (Some(a), Some(b), Some(y)) = (num("na"), num("nb"), num("ny")) {
        return validate::plausible_date(a, b, y) || validate::plausible_date(b, a, y);
    }
    if let (Some(d), Some(m), Some(y)) = (num("wd"), caps.name("wm"), num("wy")) {
        return month(m.as_str()).is_some_and(|m| validate::plausible_date(d, m, y));
    }
    if let (Some(m), Some(d), Some(y)) = (caps.name("am"), num("ad"), num("ay")) {
        return month(m.as_str()).is_some_and(|m| validate::plausible_date(d, m, y));
    }
    false
}

/// Keeps the best of overlapping findings (higher score, then longer), sorted by start.
fn resolve_overlaps(mut found: Vec<PiiFinding>) -> Vec<PiiFinding> {
    if found.len() < 2 {
        return found;
    }
    found.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then(b.len().cmp(&a.len()))
            .then(a.start.cmp(&b.start))
    });
    keep_best_disjoint(found, |f| (f.start, f.end))
}

#[path = "shapes.rs"]
mod shapes;

#[path = "regions.rs"]
mod regions;

#[path = "runs.rs"]
mod runs;

#[cfg(test)]
#[path = "scanner_equiv.rs"]
mod equiv;
