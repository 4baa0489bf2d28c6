//! The gates against the set pass: the same findings on every text (the scanner with
//! `REFERENCE` set takes the set pass whatever the text).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]

use proptest::prelude::*;

use super::super::scanner::REFERENCE;
use super::super::{SecretFinding, SecretScanner};
use super::{LITERALS, open_rules};
use crate::secrets::rules::{RULES, SET};

fn both(scanner: &SecretScanner, text: &str) -> (Vec<SecretFinding>, Vec<SecretFinding>) {
    let gated = scanner.scan(text);
    REFERENCE.with(|r| r.set(true));
    let reference = scanner.scan(text);
    REFERENCE.with(|r| r.set(false));
    (gated, reference)
}

/// Pieces that make the rules' literals, their near misses and their contexts likely.
const PIECES: &[&str] = &[
    "sk-",
    "sk-ant-api03-",
    "sk-proj-",
    "risk-",
    "AKIA",
    "ASIA",
    "Asia",
    "akia",
    "A3T",
    "aws",
    "AWS_",
    "Secret",
    "secret",
    "_SECRET",
    "_access_key",
    "AIza",
    "aiza",
    "\"private_key\"",
    "\"Private_Key\"",
    ": \"",
    "-----BEGIN RSA PRIVATE KEY-----",
    "-----begin",
    "ghp_",
    "GHP_",
    "github_pat_",
    "xoxb-",
    "XOXB-",
    "xapp-",
    "https://hooks.slack.com/services/",
    "sk_live_",
    "pk_test_",
    "SK_LIVE_",
    "GOCSPX-",
    "ya29.",
    "YA29.",
    "SK",
    "sk",
    "SG.",
    "sg.",
    "msg.",
    "npm_",
    "NPM_",
    "pypi-AgE",
    "pypi-age",
    "hf_",
    "HF_",
    "api_org_",
    "AccountKey=",
    "accountkey=",
    "eyJ",
    "eyj",
    "EYJ",
    "://",
    "postgres://",
    "HTTPS://",
    "user",
    ":",
    "@",
    "@db",
    "key",
    "KEY",
    "Key",
    "token",
    "Token",
    "passw",
    "password",
    "PASSWORD",
    "pwd",
    "credentials",
    "bearer",
    "Bearer ",
    "BEARER",
    " is ",
    " was ",
    "=",
    " = ",
    ":=",
    "=>",
    "->",
    "\"",
    "'",
    "`",
    "]",
    "_",
    "-",
    ".",
    "/",
    "+",
    " ",
    "  ",
    "\n",
    "\t",
    "x",
    "monkey",
    "laws",
    "task",
];

/// Token-like runs: hex, base64, alphanumeric.
fn run() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9a-f]{8,44}",
        "[A-Za-z0-9+/]{20,90}",
        "[A-Za-z0-9_\\-]{10,60}",
        "[A-Z2-7]{16}",
    ]
}

/// An assignment shaped like the generic and AWS-secret rules at their longest: prefix,
/// keyword, up to 16 (20) name bytes, quote, spaces, separator, spaces, quote, value.
fn assignment() -> impl Strategy<Value = String> {
    let keyword = prop_oneof![
        "(encryption|signing|private|client|access|auth|api|secret)[_.\\-]?(key|token|secret)",
        "(?i)(token|secret|passwd|password|pwd|credentials?|apikey)",
        "(?i)aws[A-Za-z0-9_.\\-]{0,20}secret",
    ];
    (
        keyword,
        "[A-Za-z0-9_.\\-]{0,20}",
        "[\"'\\]]?",
        "[ \t]{0,4}",
        prop_oneof![
            Just(":=".to_owned()),
            Just("=>".to_owned()),
            Just("->".to_owned()),
            Just(":".to_owned()),
            Just("=".to_owned()),
            Just(" is ".to_owned()),
            Just(" was ".to_owned()),
        ],
        "[ \t]{0,4}",
        "[\"'`]?",
        prop_oneof!["[A-Za-z0-9/+]{40}", "[A-Za-z0-9_\\-]{4,12}"],
    )
        .prop_map(|(k, n, q, s1, sep, s2, q2, v)| format!("{k}{n}{q}{s1}{sep}{s2}{q2}{v}"))
}

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        3 => proptest::sample::select(PIECES).prop_map(str::to_owned),
        1 => run(),
        1 => assignment(),
        1 => "[ -~]{0,6}",
    ]
}

fn texts() -> impl Strategy<Value = String> {
    proptest::collection::vec(piece(), 0..40).prop_map(|v| v.concat())
}

fn cases() -> u32 {
    if cfg!(debug_assertions) { 400 } else { 4000 }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn gated_scan_equals_set_scan(text in texts()) {
        for scanner in [SecretScanner::new(), SecretScanner::new().min_score(0.0)] {
            let (gated, reference) = both(&scanner, &text);
            prop_assert_eq!(gated, reference, "text {:?}", text);
        }
    }

    #[test]
    fn every_rule_the_set_matches_is_open(text in texts()) {
        // `(?i)` pieces may hold KELVIN SIGN or LONG S: such texts take the set pass
        let Some(open) = open_rules(&text) else {
            prop_assert!(!text.is_ascii());
            return Ok(());
        };
        for i in SET.matches(&text).iter() {
            prop_assert!(open[i], "rule {:?} matches but its gate is shut: {:?}", RULES[i].0, text);
        }
    }

    #[test]
    fn arbitrary_ascii_gated_equals_set(text in "[ -~\n\t]{0,300}") {
        let open = open_rules(&text).unwrap();
        for i in SET.matches(&text).iter() {
            prop_assert!(open[i], "rule {:?}: {:?}", RULES[i].0, text);
        }
    }
}

#[test]
fn non_ascii_text_takes_the_set_pass() {
    assert!(open_rules("café token = 8f3b2a91c4d7").is_none());
    assert!(open_rules("plain ascii").is_some());
}

#[test]
fn clean_prose_opens_no_rule() {
    let text = "Hi, my order 4471-2209 from 2024-05-03 arrived broken; see \
                https://shop.example.com/orders/4471-2209. The monkey laws ask a task.";
    let open = open_rules(text).unwrap();
    assert!(open.iter().all(|o| !o), "{open:?}");
}

#[test]
fn no_literal_is_a_prefix_of_another() {
    for (a, _, _) in LITERALS {
        for (b, _, _) in LITERALS {
            let (a, b) = (a.to_ascii_lowercase(), b.to_ascii_lowercase());
            assert!(a == b || !b.starts_with(&a), "{a:?} starts {b:?}");
        }
    }
}

#[test]
fn every_rule_has_a_literal_and_literals_build() {
    for (rule, _) in RULES {
        assert!(
            rule == crate::secrets::rules::Rule::Twilio
                || LITERALS.iter().any(|(_, r, _)| r.contains(&rule)),
            "{rule:?} has no gate literal"
        );
    }
    assert_eq!(
        super::LITERAL_SEARCH.patterns_len(),
        LITERALS.len(),
        "every literal builds"
    );
}

/// Every text of the injection corpus's train split (code with token-like strings, prose,
/// attacks), as written and upper-cased: the same findings as the set pass.
#[test]
fn same_findings_on_the_corpus() {
    let path = format!(
        "{}/tests/data/injection/train.jsonl",
        env!("CARGO_MANIFEST_DIR")
    );
    let data = std::fs::read_to_string(path).unwrap();
    let step = if cfg!(debug_assertions) { 4 } else { 1 };
    let scanner = SecretScanner::new().min_score(0.0);
    let mut ascii = 0;
    for line in data.lines().step_by(step) {
        let v: serde_json::Value = serde_json::from_str(line).unwrap();
        let text = v["text"].as_str().unwrap();
        for t in [text.to_owned(), text.to_ascii_uppercase()] {
            let (gated, reference) = both(&scanner, &t);
            assert_eq!(gated, reference, "{t:?}");
            ascii += usize::from(t.is_ascii());
        }
    }
    assert!(ascii > 1000 / step, "{ascii} ascii texts");
}

/// The secret tests' samples of every kind, alone, in prose, upper- and lower-cased.
#[test]
fn same_findings_on_every_sample() {
    let scanner = SecretScanner::new().min_score(0.0);
    let mut found = 0;
    for (_, text, _) in super::super::tests::samples() {
        let prose = format!("Hi team, as discussed: {text} (see the ticket). Thanks!");
        for t in [
            text.clone(),
            prose.clone(),
            prose.to_ascii_uppercase(),
            prose.to_ascii_lowercase(),
        ] {
            let (gated, reference) = both(&scanner, &t);
            assert_eq!(gated, reference, "{t:?}");
            found += usize::from(!reference.is_empty());
        }
    }
    assert!(found > 60, "{found}");
}
