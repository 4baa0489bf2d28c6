//! Recognizer, redaction and guard tests: true positives, near misses, properties.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::borrow::Cow;

use llmops_core::{GuardInput, Guardrail, Redactor, Role, TextSource, Verdict};
use proptest::prelude::*;

use super::*;

/// The (category, matched text) pairs the default scanner finds.
fn found(text: &str) -> Vec<(PiiCategory, &str)> {
    PiiScanner::new()
        .scan(text)
        .iter()
        .map(|f| (f.category, f.text(text).unwrap()))
        .collect()
}

fn finds(text: &str, category: PiiCategory, value: &str) {
    assert_eq!(found(text), [(category, value)], "in {text:?}");
}

fn finds_nothing(text: &str) {
    assert_eq!(found(text), [], "in {text:?}");
}

#[test]
fn patterns_compile() {
    // touches every lazily compiled pattern
    let _ = PiiScanner::new().scan("born 1 Jan 2000 a@b.co 1.2.3.4 ::");
}

#[test]
fn emails() {
    finds(
        "mail jane.doe+tag@mail.example.co.uk now",
        PiiCategory::Email,
        "jane.doe+tag@mail.example.co.uk",
    );
    finds("<bob@example.com>", PiiCategory::Email, "bob@example.com");
    finds_nothing("@handle on twitter, user@localhost, a@b");
}

#[test]
fn phones() {
    finds(
        "call +1 415 555 0132 today",
        PiiCategory::Phone,
        "+1 415 555 0132",
    );
    finds(
        "tel: +49 (30) 1234 5678.",
        PiiCategory::Phone,
        "+49 (30) 1234 5678",
    );
    finds(
        "ring 0044 20 7946 0958",
        PiiCategory::Phone,
        "0044 20 7946 0958",
    );
    finds("US (555) 123-4567", PiiCategory::Phone, "(555) 123-4567");
    finds("FR 01 23 45 67 89", PiiCategory::Phone, "01 23 45 67 89");
    finds("UK 020 7946 0958", PiiCategory::Phone, "020 7946 0958");
    // too few digits, dates, times, order numbers, amounts
    finds_nothing("+49 123 and 555-1234");
    finds_nothing("on 2024-01-15 at 10:30:45");
    finds_nothing("order #1234567890 and invoice 2024-000123");
    finds_nothing("costs 12 500 EUR");
}

#[test]
fn cards() {
    finds(
        "card 4111 1111 1111 1111 exp 12/29",
        PiiCategory::CreditCard,
        "4111 1111 1111 1111",
    );
    finds(
        "amex 3782-822463-10005",
        PiiCategory::CreditCard,
        "3782-822463-10005",
    );
    finds(
        "mc 5500000000000004.",
        PiiCategory::CreditCard,
        "5500000000000004",
    );
    // a card followed by another digit group
    finds(
        "4111 1111 1111 1111 12 pcs",
        PiiCategory::CreditCard,
        "4111 1111 1111 1111",
    );
    // Luhn invalid, unknown issuer, too long a digit run
    finds_nothing("card 4111 1111 1111 1112");
    finds_nothing("ref 1234567812345670");
    finds_nothing("tracking 41111111111111111111111");
}

#[test]
fn ibans() {
    finds(
        "IBAN DE89 3704 0044 0532 0130 00, thanks",
        PiiCategory::Iban,
        "DE89 3704 0044 0532 0130 00",
    );
    finds(
        "GB82WEST12345698765432",
        PiiCategory::Iban,
        "GB82WEST12345698765432",
    );
    finds(
        "DE89370400440532013000 BIC COBADEFFXXX",
        PiiCategory::Iban,
        "DE89370400440532013000",
    );
    // wrong checksum, wrong length for the country, unknown country
    finds_nothing("DE89 3704 0044 0532 0130 01");
    finds_nothing("DE89 3704 0044 0532 0130");
    finds_nothing("ZZ89370400440532013000");
}

#[test]
fn ssns() {
    finds("SSN 123-45-6789.", PiiCategory::UsSsn, "123-45-6789");
    for bad in [
        "000-12-3456",
        "666-12-3456",
        "912-34-5678",
        "123-00-4567",
        "123-45-0000",
    ] {
        finds_nothing(&format!("SSN {bad}"));
    }
    // a longer dashed number (it may pass as a phone number, never as an SSN)
    assert!(
        found("part 123-45-6789-01")
            .iter()
            .all(|(c, _)| *c != PiiCategory::UsSsn)
    );
}

#[test]
fn ip_addresses() {
    finds(
        "from 192.168.1.20:8080",
        PiiCategory::IpAddress,
        "192.168.1.20",
    );
    finds(
        "host 2001:db8::ff00:42:8329.",
        PiiCategory::IpAddress,
        "2001:db8::ff00:42:8329",
    );
    finds(
        "link fe80::1ff:fe23:4567:890a%eth0",
        PiiCategory::IpAddress,
        "fe80::1ff:fe23:4567:890a",
    );
    // out of range, five parts, versions glued to a letter, times, Rust paths
    finds_nothing("999.1.1.1 and 1.2.3.4.5");
    finds_nothing("release v1.2.3.4 is out");
    finds_nothing("at 12:30:45, see std::net::Ipv6Addr and dead::beef");
}

#[test]
fn dates_of_birth_need_context() {
    finds("DOB: 1985-03-12", PiiCategory::DateOfBirth, "1985-03-12");
    finds(
        "She was born on 12 March 1985.",
        PiiCategory::DateOfBirth,
        "12 March 1985",
    );
    finds(
        "geboren am 03.07.1990",
        PiiCategory::DateOfBirth,
        "03.07.1990",
    );
    finds(
        "née le 4 février 1972",
        PiiCategory::DateOfBirth,
        "4 février 1972",
    );
    finds(
        "date of birth: March 12, 1985",
        PiiCategory::DateOfBirth,
        "March 12, 1985",
    );
    // no context, context too far, implausible date, keyword inside a word
    finds_nothing("meeting on 1985-03-12");
    finds_nothing("born in a small town by the sea, many years later on 1985-03-12");
    finds_nothing("DOB 45.13.1985");
    finds_nothing("adobe 1985-03-12, stubborn 1985-03-12");
}

#[test]
fn overlaps_keep_the_best() {
    // an IP also looks like a national phone number: the IP wins
    finds("10.100.200.250", PiiCategory::IpAddress, "10.100.200.250");
    let text = "a@b.co 4111111111111111 DE89370400440532013000";
    let spans = PiiScanner::new().scan(text);
    assert!(spans.windows(2).all(|w| w[0].end <= w[1].start));
    assert_eq!(spans.len(), 3);
}

#[test]
fn scanner_categories() {
    let s = PiiScanner::only(&[PiiCategory::Email]);
    assert!(s.is_enabled(PiiCategory::Email) && !s.is_enabled(PiiCategory::Phone));
    assert_eq!(s.scan("x@example.com +1 415 555 0132").len(), 1);
}

#[test]
fn redaction_modes() {
    let text = "mail a@example.com, ssn 123-45-6789, mail a@example.com";
    let f = PiiScanner::new().scan(text);
    assert_eq!(
        redact(text, &f, &RedactionMode::Mask).text,
        "mail *************, ssn ***********, mail *************"
    );
    assert_eq!(
        redact(text, &f, &RedactionMode::MaskFixed).text,
        "mail ****, ssn ****, mail ****"
    );
    let p = redact(text, &f, &RedactionMode::Placeholder);
    assert_eq!(p.text, "mail <EMAIL_1>, ssn <US_SSN_1>, mail <EMAIL_1>");
    assert_eq!(p.mapping.len(), 2);
    assert_eq!(p.mapping.get("<EMAIL_1>"), Some("a@example.com"));
    assert_eq!(format!("{:?}", p.mapping), "Mapping { tokens: 2 }");
    assert!(matches!(
        redact("nothing", &[], &RedactionMode::Mask).text,
        Cow::Borrowed(_)
    ));
}

#[test]
fn pseudonyms_are_keyed_and_stable() {
    let a = Pseudonymizer::new(b"secret-number-one-32-bytes......").unwrap();
    let b = Pseudonymizer::new(b"secret-number-two-32-bytes......").unwrap();
    let t = a.token(PiiCategory::Email, "a@example.com");
    assert_eq!(t, a.token(PiiCategory::Email, "a@example.com"));
    assert_ne!(t, b.token(PiiCategory::Email, "a@example.com"));
    assert_ne!(t, a.token(PiiCategory::Phone, "a@example.com"));
    assert!(!format!("{a:?}").contains("secret"));
    assert_eq!(
        Pseudonymizer::new(b"short").unwrap_err(),
        crate::GuardError::SecretTooShort { len: 5, min: 16 }
    );
    let mode = RedactionMode::Pseudonym(a);
    let text = "a@example.com wrote to b@example.com";
    let out = redact(text, &PiiScanner::new().scan(text), &mode);
    assert!(out.text.starts_with(&t));
    assert_eq!(restore(&out.text, &out.mapping), text);
    // without the mapping nothing comes back
    assert_eq!(restore(&out.text, &Mapping::new()), out.text);
}

#[test]
fn restore_leaves_unknown_tokens() {
    let text = "x@example.com";
    let out = redact(
        text,
        &PiiScanner::new().scan(text),
        &RedactionMode::Placeholder,
    );
    let answer = "Dear <EMAIL_1>, <EMAIL_2> is unknown, <b>bold</b> < 3";
    assert_eq!(
        restore(answer, &out.mapping),
        "Dear x@example.com, <EMAIL_2> is unknown, <b>bold</b> < 3"
    );
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .build()
        .unwrap()
        .block_on(f)
}

#[test]
fn guard_verdicts() {
    let guard = PiiGuard::new()
        .action(PiiCategory::UsSsn, PiiAction::Block)
        .action(PiiCategory::IpAddress, PiiAction::Flag);
    let check = |text: &str| {
        block_on(guard.check(&GuardInput::new(text, TextSource::Message(Role::User)))).unwrap()
    };
    assert_eq!(check("hello there"), Verdict::Allow);
    assert_eq!(check("from 10.0.0.7").action(), "flag");
    match check("from 10.0.0.7 by a@example.com") {
        Verdict::Redact { text, findings } => {
            assert_eq!(text, "from 10.0.0.7 by <EMAIL_1>");
            let cats: Vec<_> = findings.iter().map(|f| f.category.as_str()).collect();
            assert_eq!(cats, ["pii.ip_address", "pii.email"]);
        }
        other => panic!("{other:?}"),
    }
    match check("a@example.com 123-45-6789") {
        Verdict::Block {
            category,
            reason,
            findings,
        } => {
            assert_eq!(category, "pii.us_ssn");
            assert!(!reason.contains("123-45"));
            assert_eq!(findings.len(), 2);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(Guardrail::name(&guard), "pii");
    assert!(
        guard
            .clone()
            .ignore(PiiCategory::Email)
            .scan("a@example.com")
            .is_empty()
    );
}

#[test]
fn guard_as_log_redactor() {
    let guard = PiiGuard::new()
        .action(PiiCategory::IpAddress, PiiAction::Flag)
        .mode(RedactionMode::MaskFixed);
    assert_eq!(
        Redactor::redact(&guard, "ip 10.0.0.7 mail a@example.com"),
        "ip <IP_ADDRESS_1> mail ****"
    );
    assert!(matches!(
        Redactor::redact(&guard, "clean"),
        Cow::Borrowed(_)
    ));
}

#[test]
fn plugs_into_core_seams() {
    fn send_sync<T: Send + Sync + 'static>() {}
    send_sync::<PiiGuard>();
    send_sync::<Mapping>();
    send_sync::<PiiScanner>();
    let guard: std::sync::Arc<dyn Guardrail> = std::sync::Arc::new(PiiGuard::new().named("pii-in"));
    assert_eq!(guard.name(), "pii-in");
    let input = GuardInput::new("a@example.com", TextSource::Retrieved);
    assert_eq!(block_on(guard.check(&input)).unwrap().action(), "redact");
    let log: std::sync::Arc<dyn Redactor> = std::sync::Arc::new(PiiGuard::new());
    assert_eq!(log.redact("to a@example.com"), "to <EMAIL_1>");
}

/// Values the scanner must find, one per category.
const VALUES: &[&str] = &[
    "jane.doe@example.com",
    "+44 20 7946 0958",
    "4111 1111 1111 1111",
    "DE89 3704 0044 0532 0130 00",
    "123-45-6789",
    "192.168.10.20",
    "2001:db8::ff00:42:8329",
];

/// Prose without digits, '@', ':' or '<' around the values.
fn filler() -> impl Strategy<Value = String> {
    "[a-z ,!?]{0,20}".prop_map(|s| format!(" {s} "))
}

fn mixed() -> impl Strategy<Value = String> {
    proptest::collection::vec((filler(), 0..VALUES.len()), 0..8).prop_map(|parts| {
        parts
            .iter()
            .map(|(f, i)| format!("{f}{}", VALUES[*i]))
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn redaction_removes_every_found_value(text in mixed()) {
        let found = PiiScanner::new().scan(&text);
        prop_assert_eq!(found.len(), VALUES.iter().map(|v| text.matches(v).count()).sum::<usize>());
        let key = Pseudonymizer::new(b"proptest-secret-0123456789").unwrap();
        for mode in [RedactionMode::Mask, RedactionMode::MaskFixed, RedactionMode::Placeholder, RedactionMode::Pseudonym(key)] {
            let out = redact(&text, &found, &mode);
            for f in &found {
                let value = f.text(&text).unwrap();
                prop_assert!(!out.text.contains(value), "{value} left in {}", out.text);
            }
            if !matches!(mode, RedactionMode::Mask | RedactionMode::MaskFixed) {
                prop_assert_eq!(restore(&out.text, &out.mapping), text.as_str());
            }
        }
    }

    #[test]
    fn arbitrary_input_never_panics(text in any::<String>()) {
        let guard = PiiGuard::new();
        let found = guard.scan(&text);
        prop_assert!(found.windows(2).all(|w| w[0].end <= w[1].start));
        prop_assert!(found.iter().all(|f| f.text(&text).is_some()));
        let out = guard.redact(&text);
        let _ = restore(&out.text, &out.mapping);
        let _ = guard.verdict(&text);
    }

    #[test]
    fn digit_soup_never_panics(text in "[0-9 .:\\-+()/A-Za-z@]{0,80}") {
        let guard = PiiGuard::new();
        let out = guard.redact(&text);
        prop_assert_eq!(restore(&out.text, &out.mapping), text.as_str());
    }
}
