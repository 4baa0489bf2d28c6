//! Secret detection from outside the crate: the public API, the core seams (`Detector`,
//! `Redactor`), streamed output under a hold-back window, and properties.
//!
//! Fake keys are built at run time from the real shapes, so this file holds no literal that
//! looks like a live key (secret scanners such as GitHub push protection stay quiet).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::sync::Arc;

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use llmops_core::{Finding, Redactor, Role, TextSource};
use llmops_guard::Detector;
use llmops_guard::secrets::{SecretKind, SecretRedaction, SecretScanner, redact_secrets};
use proptest::prelude::*;

mod common;
use common::stream::stream;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const URLSAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

fn rand_str(seed: u64, alphabet: &[u8], n: usize) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(alphabet[(x % alphabet.len() as u64) as usize])
        })
        .collect()
}

fn github_token(seed: u64) -> String {
    let random = rand_str(seed, ALNUM, 30);
    let mut n = u64::from(crc32fast::hash(random.as_bytes()));
    let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut check = [b'0'; 6];
    for slot in check.iter_mut().rev() {
        *slot = digits[(n % 62) as usize];
        n /= 62;
    }
    format!("ghp_{random}{}", std::str::from_utf8(&check).unwrap())
}

/// (kind, a leak as a model might write it, the secret inside).
fn leaks() -> Vec<(SecretKind, String, String)> {
    let openai = format!("sk-proj-{}", rand_str(1, URLSAFE, 100));
    let anthropic = format!("sk-ant-api03-{}AA", rand_str(2, URLSAFE, 93));
    let aws = format!(
        "AKIA{}",
        rand_str(3, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    );
    let gh = github_token(4);
    let stripe = format!("sk_{}_{}", "live", rand_str(5, ALNUM, 24));
    let jwt = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        URL_SAFE_NO_PAD.encode(br#"{"sub":"42","role":"admin"}"#),
        rand_str(6, URLSAFE, 43)
    );
    let body: Vec<String> = (0..5).map(|i| rand_str(7 + i, ALNUM, 64)).collect();
    let pem = format!(
        "-----BEGIN {k}-----\n{}\n-----END {k}-----",
        body.join("\n"),
        k = "OPENSSH PRIVATE KEY"
    );
    let pw = rand_str(20, ALNUM, 18);
    let generic = rand_str(21, ALNUM, 40);
    vec![
        (
            SecretKind::OpenAiKey,
            format!("Your key is {openai}."),
            openai,
        ),
        (
            SecretKind::AnthropicKey,
            format!("ANTHROPIC_API_KEY={anthropic}"),
            anthropic,
        ),
        (SecretKind::AwsAccessKey, format!("id: {aws}\n"), aws),
        (SecretKind::GitHubToken, format!("use `{gh}` to push"), gh),
        (
            SecretKind::StripeKey,
            format!("stripe.api_key = \"{stripe}\""),
            stripe,
        ),
        (SecretKind::Jwt, format!("Bearer {jwt}"), jwt),
        (SecretKind::PrivateKey, format!("key:\n{pem}\n"), pem),
        (
            SecretKind::ConnectionString,
            format!("postgresql://svc:{pw}@10.1.2.3:5432/prod"),
            pw,
        ),
        (
            SecretKind::Generic,
            format!("\"api_secret\": \"{generic}\","),
            generic,
        ),
    ]
}

#[test]
fn public_api_finds_and_redacts() {
    let scanner = SecretScanner::new();
    for (kind, text, secret) in leaks() {
        let found = scanner.scan(&text);
        let f = found
            .iter()
            .find(|f| f.kind == kind)
            .unwrap_or_else(|| panic!("{kind:?}"));
        assert_eq!(f.text(&text), Some(secret.as_str()), "{kind:?}");
        let out = redact_secrets(&text, &found, SecretRedaction::Placeholder);
        assert!(!out.contains(&secret));
        assert!(out.contains(kind.placeholder()));
    }
}

#[test]
fn core_seams_as_trait_objects() {
    let detector: Arc<dyn Detector> = Arc::new(SecretScanner::new());
    let redactor: Arc<dyn Redactor> = Arc::new(SecretScanner::new());
    let (_, text, secret) = leaks().remove(0);
    let mut found: Vec<Finding> = Vec::new();
    detector.scan(&text, TextSource::Message(Role::User), &mut found);
    assert_eq!(found[0].category, "secret.openai_key");
    assert_eq!(detector.name(), "secrets");
    let logged = redactor.redact(&text);
    assert_eq!(logged, "Your key is <SECRET_OPENAI_KEY>.");
    assert!(!logged.contains(&secret));
    // Debug of the findings and of the scanner carry no secret bytes
    let dbg = format!("{found:?} {:?}", SecretScanner::new().scan(&text));
    assert!(!dbg.contains(&secret[..12]));
}

#[test]
fn a_leak_split_at_every_byte_is_cut_before_release() {
    let scanner = SecretScanner::new();
    let prose =
        "Here is the configuration you asked for, with every value filled in as requested. ";
    for (kind, leak, secret) in leaks() {
        let text = format!(
            "{}{}{leak} Let me know if you need more.",
            prose.repeat(8),
            ""
        );
        let start = text.find(&secret).unwrap();
        for at in 1..text.len() {
            if !text.is_char_boundary(at) {
                continue;
            }
            let (cut, released) = stream(&scanner, &[&text[..at], &text[at..]], 0.5);
            assert!(cut, "{kind:?} split at {at}: not cut");
            assert!(
                released <= start,
                "{kind:?} split at {at}: released {released} > {start}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn three_chunk_splits_are_cut_too(a in 0usize..2000, b in 0usize..2000, which in 0usize..9) {
        let (kind, leak, secret) = leaks().swap_remove(which % 9);
        let text = format!("{}{leak} thanks", "filler text, nothing to see. ".repeat(20));
        let start = text.find(&secret).unwrap();
        let (mut a, mut b) = (a % text.len(), b % text.len());
        if a > b { std::mem::swap(&mut a, &mut b); }
        let (cut, released) = stream(&SecretScanner::new(), &[&text[..a], &text[a..b], &text[b..]], 0.5);
        prop_assert!(cut, "{:?}", kind);
        prop_assert!(released <= start);
    }

    #[test]
    fn arbitrary_unicode_never_panics(text in "\\PC{0,600}") {
        let mut out = Vec::new();
        Detector::scan(&SecretScanner::new().min_score(0.0), &text, TextSource::Output, &mut out);
        for f in &out {
            prop_assert!(f.start < f.end && f.end <= text.len());
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        }
    }

    #[test]
    fn a_leak_at_a_random_place_in_random_text_is_found(
        filler in "[a-zA-Z0-9 .,\n]{0,400}",
        at in 0usize..400,
        which in 0usize..9,
    ) {
        let (kind, leak, secret) = leaks().swap_remove(which % 9);
        let at = at.min(filler.len());
        // whitespace around the leak keeps it a token of its own
        let text = format!("{} {leak} {}", &filler[..at], &filler[at..]);
        let found = SecretScanner::new().scan(&text);
        prop_assert!(
            found.iter().any(|f| f.text(&text) == Some(secret.as_str())),
            "{:?}", kind
        );
    }
}
