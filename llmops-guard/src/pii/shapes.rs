//! Byte-level gates in front of the PII patterns: for each recognizer, a condition every
//! match of its pattern satisfies, tested on the text's digit runs (`runs.rs`, walked once per
//! scan) instead of running the pattern. A recognizer whose gate fails cannot match, so its
//! search is skipped; one whose gate passes searches its regions (`regions.rs`). The
//! scanner's findings are therefore those of the combined set pass the gates replaced
//! (proptests in `scanner_equiv.rs`: every match of a pattern passes its gate, and the
//! scanner's findings equal those of the set pass).

use super::runs::DigitRuns;

/// Which recognizers may match a text (`false`: the pattern has no match in it).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(super) struct Gates {
    /// `@`: every e-mail holds one.
    pub(super) email: bool,
    /// `+`, or a digit run starting `00` and a digit 1-9: every international number starts
    /// with one.
    pub(super) phone_intl: bool,
    /// A digit run of two or more digits: every national number starts with one (after an
    /// optional bracket).
    pub(super) phone_national: bool,
    /// A chain of 13 or more digits, each next to the last or one space or dash away.
    pub(super) card: bool,
    /// Two upper-case ASCII letters right before a digit run of two or more digits.
    pub(super) iban: bool,
    /// `ddd-dd-dddd`.
    pub(super) ssn: bool,
    /// A chain of digits with three dots, each dot between two digits.
    pub(super) ipv4: bool,
    /// Two colons with only hex digits between them.
    pub(super) ipv6: bool,
}

/// The gates of `text`, whose digit runs are `runs`. Allocates nothing.
///
/// Why each is a necessary condition (the patterns are in `scanner.rs`):
/// - e-mail `…+@…`: holds `@`.
/// - international phone `(?:\+|\b00)[1-9]…`: holds `+`, or `00` after a word boundary,
///   so at the start of a digit run, then a digit 1-9.
/// - national phone `(?:\([0-9]{2,5}\) ?|\b[0-9]{2,5}[ .\-])[0-9]{2,8}…`: holds a run of
///   two or more digits (`[0-9]{2,8}`).
/// - card `\b[0-9](?:[ \-]?[0-9]){12,18}\b`: 13 or more digits, consecutive ones adjacent or
///   one space or dash apart: the chain walked from the match's first digit (or from an
///   earlier digit of the same chain) counts at least those.
/// - IBAN `\b[A-Z]{2}[0-9]{2}…`: two upper-case letters, then two digits; the first digit
///   starts a digit run (a letter precedes it).
/// - SSN `\b[0-9]{3}-[0-9]{2}-[0-9]{4}\b`: the eleven bytes `ddd-dd-dddd`, starting at a
///   digit.
/// - IPv4 `\b[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\b`: digits joined by single dots,
///   three of them: the dot chain walked through the match counts at least three.
/// - IPv6 `[0-9A-Fa-f]*:[0-9A-Fa-f]*:[0-9A-Fa-f:.]*`: two colons with hex digits only
///   between them.
pub(super) fn gates(text: &str, runs: &DigitRuns<'_>) -> Gates {
    let b = text.as_bytes();
    let mut g = Gates {
        email: memchr_any(b, b'@'),
        phone_intl: memchr_any(b, b'+'),
        ipv6: ipv6_shape(b),
        ..Gates::default()
    };
    let upper = |i: usize| b.get(i).is_some_and(u8::is_ascii_uppercase);
    // Each chain walk resumes after the chain it walked, per separator kind.
    let (mut card_to, mut dot_to) = (0usize, 0usize);
    for (d, e) in runs.iter() {
        if e - d >= 3 && b.get(d..d + 2) == Some(b"00") && b.get(d + 2) != Some(&b'0') {
            g.phone_intl = true;
        }
        if e - d >= 2 {
            g.phone_national = true;
            if d >= 2 && upper(d - 1) && upper(d - 2) {
                g.iban = true;
            }
        }
        if !g.card && d >= card_to {
            let (digits, _, end) = chain(b, d, |s| matches!(s, b' ' | b'-'));
            g.card = digits >= 13;
            card_to = end;
        }
        if !g.ipv4 && d >= dot_to {
            let (_, seps, end) = chain(b, d, |s| s == b'.');
            g.ipv4 = seps >= 3;
            dot_to = end;
        }
        if !g.ssn {
            g.ssn = (d..e).any(|p| ssn_shape(b.get(p..p + 11)));
        }
    }
    g
}

/// From the digit at `start`: digits, each next to the last or one separator byte away.
/// Returns (digits, separators, end).
fn chain(b: &[u8], start: usize, sep: impl Fn(u8) -> bool) -> (usize, usize, usize) {
    let digit = |i: usize| b.get(i).is_some_and(u8::is_ascii_digit);
    let (mut digits, mut seps, mut i) = (1, 0, start + 1);
    loop {
        if digit(i) {
            digits += 1;
            i += 1;
        } else if b.get(i).is_some_and(|&s| sep(s)) && digit(i + 1) {
            digits += 1;
            seps += 1;
            i += 2;
        } else {
            return (digits, seps, i);
        }
    }
}

fn ssn_shape(w: Option<&[u8]>) -> bool {
    matches!(w, Some(w) if w.iter().enumerate().all(|(i, c)| if i == 3 || i == 6 { *c == b'-' } else { c.is_ascii_digit() }))
}

fn memchr_any(b: &[u8], needle: u8) -> bool {
    memchr::memchr(needle, b).is_some()
}

/// Two colons with only hex digits (or nothing) between them. The colons are found with
/// `memchr` (a byte-at-a-time search for them was most of the gates' time on prose with
/// times and URLs).
fn ipv6_shape(b: &[u8]) -> bool {
    let mut last_colon: Option<usize> = None;
    for i in memchr::memchr_iter(b':', b) {
        if let Some(l) = last_colon
            && b.get(l + 1..i)
                .is_some_and(|m| m.iter().all(u8::is_ascii_hexdigit))
        {
            return true;
        }
        last_colon = Some(i);
    }
    false
}
