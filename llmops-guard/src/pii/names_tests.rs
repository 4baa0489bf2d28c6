//! Unit tests of the person-name recognizer through [`PiiScanner`].
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;

use super::{
    Mapping, PiiAction, PiiCategory, PiiGuard, PiiScanner, Pseudonymizer, RedactionMode, redact,
    restore,
};

fn scanner() -> PiiScanner {
    PiiScanner::only(&[PiiCategory::PersonName])
}

/// The names found, as text.
fn names(text: &str) -> Vec<&str> {
    scanner()
        .scan(text)
        .iter()
        .map(|f| f.text(text).unwrap())
        .collect()
}

fn score(text: &str) -> f32 {
    let found = scanner().scan(text);
    assert_eq!(found.len(), 1, "{text}: {found:?}");
    found[0].score
}

#[test]
fn full_names_are_found_whole() {
    assert_eq!(
        names("Please forward this to Sarah Connor today."),
        ["Sarah Connor"]
    );
    assert_eq!(
        names("Ticket opened by Jean-Luc Picard."),
        ["Jean-Luc Picard"]
    );
    assert_eq!(names("Spoke with Liam O'Brien about it"), ["Liam O'Brien"]);
    assert_eq!(names("Vincent van Gogh painted it"), ["Vincent van Gogh"]);
    assert_eq!(
        names("Signed: Ana María de la Cruz"),
        ["Ana María de la Cruz"]
    );
    assert_eq!(
        names("Bitte an Jürgen Müller weiterleiten."),
        ["Jürgen Müller"]
    );
    assert_eq!(names("JOHN F. KENNEDY was here"), ["JOHN F. KENNEDY"]);
    assert_eq!(names("ask Omar al-Rashid"), ["Omar al-Rashid"]);
}

#[test]
fn titles_and_cues_carry_unknown_and_ambiguous_names() {
    assert_eq!(names("I met Dr. Okonkwo yesterday"), ["Okonkwo"]);
    assert_eq!(names("Frau Weber hat angerufen."), ["Weber"]);
    assert_eq!(names("Merci, M. Dupont."), ["Dupont"]);
    assert_eq!(names("Hi Will, thanks for the update"), ["Will"]);
    assert_eq!(names("My name is Xochitl."), ["Xochitl"]);
    assert_eq!(names("Best regards,\nGrace"), ["Grace"]);
    assert_eq!(names("Me llamo Lucía Fernández"), ["Lucía Fernández"]);
    assert!((score("I met Dr. Okonkwo yesterday") - 0.95).abs() < 1e-6);
    assert!((score("Hi Will, thanks") - 0.5).abs() < 1e-6);
    assert!(score("Please forward this to Sarah Connor today.") >= 0.85);
}

#[test]
fn common_words_places_and_brands_alone_are_not_names() {
    for text in [
        "Will you send it in May?",
        "We shipped it to Paris and Jordan last March.",
        "Grant access to the Rose Garden page.",
        "The Mercedes Benz was parked near Victoria Station.",
        "Mark the ticket as done by Monday.",
        "Our Support Team answers within a day.",
    ] {
        assert!(names(text).is_empty(), "{text}: {:?}", names(text));
    }
}

#[test]
fn code_addresses_and_urls_are_skipped() {
    for text in [
        "mail Jennifer.Smith@example.com now",
        "see https://example.com/Jennifer/Lopez",
        "call JenniferLopez() or Jennifer_Lopez",
        "the class Jennifer::Lopez in `src`",
        "user.Jennifer is set",
        "Jennifer2 Lopez3",
    ] {
        assert!(names(text).is_empty(), "{text}: {:?}", names(text));
    }
}

#[test]
fn possessives_lose_their_s() {
    assert_eq!(names("That is Sarah Connor's order."), ["Sarah Connor"]);
}

#[test]
fn names_are_off_by_default_and_on_with() {
    let text = "Please call Sarah Connor.";
    assert!(PiiScanner::new().scan(text).is_empty());
    assert!(!PiiScanner::new().is_enabled(PiiCategory::PersonName));
    let on = PiiScanner::new().with(PiiCategory::PersonName, true);
    let found = on.scan(text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].category, PiiCategory::PersonName);
    assert_eq!(found[0].to_finding().category, "pii.person");
    assert!(
        PiiGuard::new()
            .action_for(PiiCategory::PersonName)
            .is_none()
    );
}

#[test]
fn debug_never_shows_the_name() {
    let found = scanner().scan("Please call Sarah Connor.");
    let dbg = format!("{found:?}");
    assert!(!dbg.contains("Sarah") && !dbg.contains("Connor"), "{dbg}");
}

#[test]
fn every_redaction_mode_works_for_names() {
    let text = "Sarah Connor wrote to Kyle Reese; Sarah Connor again.";
    let found = scanner().scan(text);
    assert_eq!(found.len(), 3, "{found:?}");
    let masked = redact(text, &found, &RedactionMode::Mask);
    assert_eq!(
        masked.text,
        "************ wrote to **********; ************ again."
    );
    let placed = redact(text, &found, &RedactionMode::Placeholder);
    assert_eq!(
        placed.text,
        "<PERSON_1> wrote to <PERSON_2>; <PERSON_1> again."
    );
    assert_eq!(restore(&placed.text, &placed.mapping), text);
    let key = Pseudonymizer::new(b"a host secret of 32 bytes.......").unwrap();
    let token = key.token(PiiCategory::PersonName, "Sarah Connor");
    assert!(token.starts_with("<PERSON_"));
    let pseudo = redact(text, &found, &RedactionMode::Pseudonym(key));
    assert!(!pseudo.text.contains("Sarah") && pseudo.text.starts_with(&token));
    let answer = format!("I will call {token} back.");
    assert_eq!(
        restore(&answer, &pseudo.mapping),
        "I will call Sarah Connor back."
    );
    assert_eq!(restore(&answer, &Mapping::new()), answer);
}

#[test]
fn the_guard_redacts_names_when_asked() {
    let guard = PiiGuard::new().action(
        PiiCategory::PersonName,
        PiiAction::Redact(RedactionMode::Placeholder),
    );
    let out = guard.redact("Dear Ms. Okafor, your order 4471-2209 shipped. mail ok@example.org");
    assert_eq!(
        out.text,
        "Dear Ms. <PERSON_1>, your order 4471-2209 shipped. mail <EMAIL_1>"
    );
}

proptest! {
    #[test]
    fn any_text_scans_without_panic_and_spans_are_words(s in "\\PC{0,200}") {
        for f in scanner().scan(&s) {
            let t = f.text(&s).unwrap();
            prop_assert!(t.chars().next().is_some_and(char::is_uppercase));
            prop_assert!(f.end - f.start <= 80);
        }
    }

    #[test]
    fn names_in_generated_sentences_are_found(
        given in prop::sample::select(vec!["Sarah", "Jürgen", "Amélie", "Lucía", "Giovanni"]),
        sur in prop::sample::select(vec!["Connor", "Müller", "Dubois", "García", "Rossi"]),
        pre in "[a-z ]{0,20}",
    ) {
        let text = format!("{pre} {given} {sur} wrote.");
        let found = names(&text);
        let want = format!("{given} {sur}");
        prop_assert_eq!(found, vec![want.as_str()]);
    }
}
