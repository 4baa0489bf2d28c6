//! Gates in front of the secret rules, for ASCII text: one Aho-Corasick pass over the fixed
//! parts of the rules names the rules that may match, instead of the combined `RegexSet`
//! pass (which reads the whole text with a lazy DFA, ~1.3 ns per byte, even when nothing is
//! there). A rule whose gate stays shut has no match in the text, so its search is skipped;
//! the scanner's findings are those of the set pass (proptests in `gates_tests.rs` compare
//! the two).
//!
//! Every rule has a literal that each of its matches holds (the provider prefixes, the PEM
//! header, `://` of a connection string, a stem of every keyword of the generic rule). The
//! literals, lower-cased, are searched in a lower-cased copy of the text (same offsets; a
//! reused thread-local buffer), so the case-insensitive rules (`(?i)`) need no variants and
//! the automaton keeps its SIMD prefilter (an ASCII-case-insensitive automaton has none and
//! reads every byte: as slow as the set pass); a hit of a case-sensitive rule's literal is
//! kept only when the text's bytes have the rule's case. Twilio's two-byte `SK` would hit
//! every "ask" and "task" in the copy: it is searched in the text itself. On ASCII text
//! `(?i)` folds ASCII letters only (the other members of their case classes, KELVIN SIGN and
//! LONG S, are not ASCII), which is why the gates serve ASCII text only; other text takes the
//! set pass.
//!
//! A hit opens its rule's gate when the cheap necessary condition below holds at it (a rule
//! that starts with `(?-u:\b)` needs a non-word byte before the literal; a connection string
//! needs an `@` after `://` before the next white space; the AWS-secret and generic rules are
//! decided by their own pattern on the few dozen bytes around the hit, which holds every
//! shortest match containing the hit — those two patterns have no look-around, so a match in
//! the slice is a match in the text).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};

use super::rules::{REGEXES, RULES, Rule};

/// Where a literal sits in its rule's matches, and what else a hit must satisfy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Check {
    /// The literal starts the match right after `(?-u:\b)`, written in this case.
    WordStartExact,
    /// The literal is in the match, written in this case.
    Exact,
    /// `(?i)`, and `(?-u:\b)` before the literal.
    WordStart,
    /// `://` of a connection string: an `@` must follow before the next white space.
    Connection,
    /// Decided by the rule's own pattern on `hit - back .. hit + ahead` (a pattern without
    /// look-around whose every match holds the literal at most `back` bytes after its start
    /// and has a prefix match at most `ahead` bytes after the literal's start).
    Local { back: usize, ahead: usize },
}

/// The generic rule's check: every keyword holds a stem at most 11 bytes after its start
/// (`encryption_key`), and a shortest match is at most 14 (keyword) + 16 + 1 + 3 + 5 (` was `)
/// + 3 + 1 + 6 = 49 bytes long.
const GENERIC: Check = Check::Local {
    back: 11,
    ahead: 64,
};

/// The AWS-secret rule's check, `(?i:aws)[…]{0,20}(?i:secret)[…]{0,20}["']?\s{0,3}(?::=|=>|[:=])
/// \s{0,3}["']?([…]{40})`: a match starts at `aws` and is at most 3 + 20 + 6 + 20 + 1 + 3 + 2 + 3
/// + 1 + 40 = 99 bytes long.
const AWS_SECRET: Check = Check::Local {
    back: 0,
    ahead: 112,
};

/// `(literal, rules, check)`, searched lower-cased in the lower-cased text (Twilio's `SK` is
/// searched in the text: [`TWILIO`]).
const LITERALS: &[(&str, &[Rule], Check)] = &[
    // `sk-ant-…` matches both rules' patterns (the OpenAI validator rejects it)
    (
        "sk-",
        &[Rule::OpenAi, Rule::Anthropic],
        Check::WordStartExact,
    ),
    ("AKIA", &[Rule::AwsId], Check::WordStartExact),
    ("ASIA", &[Rule::AwsId], Check::WordStartExact),
    ("ABIA", &[Rule::AwsId], Check::WordStartExact),
    ("ACCA", &[Rule::AwsId], Check::WordStartExact),
    ("A3T", &[Rule::AwsId], Check::WordStartExact),
    ("aws", &[Rule::AwsSecretKeyword], AWS_SECRET),
    ("AIza", &[Rule::GcpKey], Check::WordStartExact),
    ("\"private_key\"", &[Rule::GcpServiceAccount], Check::Exact),
    ("ghp_", &[Rule::GitHub], Check::WordStartExact),
    ("gho_", &[Rule::GitHub], Check::WordStartExact),
    ("ghu_", &[Rule::GitHub], Check::WordStartExact),
    ("ghs_", &[Rule::GitHub], Check::WordStartExact),
    ("ghr_", &[Rule::GitHub], Check::WordStartExact),
    ("github_pat_", &[Rule::GitHubPat], Check::WordStartExact),
    ("xoxb-", &[Rule::Slack], Check::WordStartExact),
    ("xoxa-", &[Rule::Slack], Check::WordStartExact),
    ("xoxp-", &[Rule::Slack], Check::WordStartExact),
    ("xoxr-", &[Rule::Slack], Check::WordStartExact),
    ("xoxs-", &[Rule::Slack], Check::WordStartExact),
    ("xoxe-", &[Rule::Slack], Check::WordStartExact),
    ("xapp-", &[Rule::Slack], Check::WordStartExact),
    (
        "https://hooks.slack.com/",
        &[Rule::SlackWebhook],
        Check::Exact,
    ),
    ("sk_live_", &[Rule::Stripe], Check::WordStartExact),
    ("sk_test_", &[Rule::Stripe], Check::WordStartExact),
    ("rk_live_", &[Rule::Stripe], Check::WordStartExact),
    ("rk_test_", &[Rule::Stripe], Check::WordStartExact),
    ("pk_live_", &[Rule::Stripe], Check::WordStartExact),
    ("pk_test_", &[Rule::Stripe], Check::WordStartExact),
    ("GOCSPX-", &[Rule::GoogleOAuth], Check::WordStartExact),
    ("ya29.", &[Rule::GoogleOAuth], Check::WordStartExact),
    ("SG.", &[Rule::SendGrid], Check::WordStartExact),
    ("npm_", &[Rule::Npm], Check::WordStartExact),
    ("pypi-AgE", &[Rule::PyPi], Check::WordStartExact),
    ("hf_", &[Rule::HuggingFace], Check::WordStartExact),
    ("api_org_", &[Rule::HuggingFace], Check::WordStartExact),
    ("AccountKey=", &[Rule::Azure], Check::Exact),
    ("-----BEGIN", &[Rule::Pem], Check::Exact),
    ("eyJ", &[Rule::Jwt], Check::WordStartExact),
    ("://", &[Rule::Connection], Check::Connection),
    // every keyword of the generic rule holds one of these stems
    ("key", &[Rule::Generic], GENERIC),
    ("token", &[Rule::Generic], GENERIC),
    ("secret", &[Rule::Generic], GENERIC),
    ("passw", &[Rule::Generic], GENERIC),
    ("pwd", &[Rule::Generic], GENERIC),
    ("credential", &[Rule::Generic], GENERIC),
    ("bearer", &[Rule::Bearer], Check::WordStart),
];

/// Twilio's API key SID, `(?-u:\b)SK[0-9a-fA-F]{32}(?-u:\b)`: its literal, searched in the
/// text as written.
const TWILIO: &[u8] = b"SK";

#[allow(clippy::expect_used)] // constant literals; `gates_tests` builds them
static LITERAL_SEARCH: LazyLock<AhoCorasick> = LazyLock::new(|| {
    AhoCorasickBuilder::new()
        .match_kind(MatchKind::LeftmostLongest)
        .build(LITERALS.iter().map(|(l, _, _)| l.to_ascii_lowercase()))
        .expect("secret gate literals build")
});

static TWILIO_SEARCH: LazyLock<memchr::memmem::Finder<'static>> =
    LazyLock::new(|| memchr::memmem::Finder::new(TWILIO));

thread_local! {
    /// The lower-cased copy of the text, reused between scans.
    static LOWER: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// The rules (indices into [`RULES`]) that may match an ASCII `text`; `None` when `text` is
/// not ASCII (the caller then takes the set pass). Allocates nothing once the thread's copy
/// buffer is as long as the text.
pub(super) fn open_rules(text: &str) -> Option<[bool; RULES.len()]> {
    if !text.is_ascii() {
        return None;
    }
    let mut open = [false; RULES.len()];
    let b = text.as_bytes();
    if let Some(i) = RULES.iter().position(|(r, _)| *r == Rule::Twilio) {
        let word_start = |s: usize| s == 0 || b.get(s - 1).is_some_and(|c| !is_word_byte(*c));
        if TWILIO_SEARCH.find_iter(b).any(word_start)
            && let Some(o) = open.get_mut(i)
        {
            *o = true;
        }
    }
    LOWER.with(|lower| match lower.try_borrow_mut() {
        Ok(mut lower) => {
            lower.clear();
            lower.extend(b.iter().map(u8::to_ascii_lowercase));
            literal_hits(text, &lower, &mut open);
        }
        // re-entered on this thread (cannot happen: nothing here calls back): copy afresh
        Err(_) => literal_hits(text, &text.to_ascii_lowercase().into_bytes(), &mut open),
    });
    Some(open)
}

/// Opens the gates of the rules whose literals hit in `lower` (the lower-cased `text`).
///
/// Every occurrence of every literal is looked at: the search is leftmost-longest and starts
/// again one byte after each hit's start, so each position where a literal starts reports its
/// longest literal; no literal is a proper prefix of another one, so none is skipped.
fn literal_hits(text: &str, lower: &[u8], open: &mut [bool; RULES.len()]) {
    let b = text.as_bytes();
    let mut at = 0;
    while let Some(m) = LITERAL_SEARCH.find(Input::new(lower).span(at..lower.len())) {
        at = m.start() + 1;
        let Some(&(lit, rules, check)) = LITERALS.get(m.pattern().as_usize()) else {
            continue;
        };
        for rule in rules {
            let Some(i) = RULES.iter().position(|(r, _)| r == rule) else {
                continue;
            };
            if open.get(i) != Some(&true)
                && hit(text, b, lit, check, i, m.start(), m.end())
                && let Some(o) = open.get_mut(i)
            {
                *o = true;
            }
        }
    }
}

/// Whether the hit of `lit` at `s..e` satisfies the condition `check` of rule `i`.
fn hit(text: &str, b: &[u8], lit: &str, check: Check, i: usize, s: usize, e: usize) -> bool {
    let exact = || b.get(s..e) == Some(lit.as_bytes());
    let word_start = || s == 0 || b.get(s - 1).is_some_and(|c| !is_word_byte(*c));
    match check {
        Check::WordStartExact => word_start() && exact(),
        Check::Exact => exact(),
        Check::WordStart => word_start(),
        Check::Connection => b
            .get(e..)
            .unwrap_or_default()
            .iter()
            .take_while(|c| !is_space(**c))
            .any(|c| *c == b'@'),
        Check::Local { back, ahead } => {
            let slice = text.get(s.saturating_sub(back)..(s + ahead).min(b.len()));
            slice.is_some_and(|t| REGEXES.get(i).is_some_and(|re| re.is_match(t)))
        }
    }
}

/// `[0-9A-Za-z_]`: what `(?-u:\b)` counts as a word byte.
fn is_word_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_'
}

/// What `\s` matches in ASCII text: tab, line feed, vertical tab, form feed, carriage return
/// and space.
fn is_space(c: u8) -> bool {
    matches!(c, b'\t' | b'\n' | b'\x0B' | b'\x0C' | b'\r' | b' ')
}

#[cfg(test)]
#[path = "gates_tests.rs"]
mod tests;
