//! Measured quality of the person-name recognizer (issue 8, point 2) on the labelled sets
//! `tests/data/names/{eval,heldout}.jsonl` (built by `scripts/guard_names/eval_set.py` from names that
//! do not come from the gazetteer's source; see the README beside the data).
//!
//! * `eval_sets_are_well_formed`: sizes (≥ 300 sentences with names, ≥ 300 without, en/de/fr/
//!   es/it), spans on character boundaries starting with a capital.
//! * `quality_does_not_regress`: span-level precision and recall, exact (same bytes) and
//!   overlap (any shared byte), overall and per language, at every score threshold of
//!   `floors.json`, on the development set `eval.jsonl` (the rules were tuned looking at its
//!   errors) and the held-out set `heldout.jsonl` (written afterwards, never tuned on); fails
//!   below the floors committed there.
//! * `names_round_trip_through_the_guard_pipeline`: names redacted before the provider and
//!   restored in the answer (full and streamed), placeholders and pseudonyms.
//! * `benign_injection_corpus`: how many benign texts of `tests/data/injection/train.jsonl`
//!   (train only) get a name finding, with a ceiling in `floors.json`.
//!
//! Run with `cargo test -p llmops-guard --test names -- --nocapture` to see the tables.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_precision_loss
)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use llmops_guard::pii::{PiiCategory, PiiScanner};
use serde_json::Value;

fn data(path: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data")
        .join(path)
}

struct Row {
    lang: String,
    text: String,
    names: Vec<(usize, usize)>,
}

/// The evaluation files: the development set (the rules were tuned looking at its errors) and
/// the held-out set (written afterwards, never used for tuning).
const SETS: [&str; 2] = ["eval", "heldout"];

fn rows(set: &str) -> Vec<Row> {
    let src = std::fs::read_to_string(data(&format!("names/{set}.jsonl"))).unwrap();
    src.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let names = v["names"]
                .as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    (
                        s[0].as_u64().unwrap() as usize,
                        s[1].as_u64().unwrap() as usize,
                    )
                })
                .collect();
            Row {
                lang: v["lang"].as_str().unwrap().to_owned(),
                text: v["text"].as_str().unwrap().to_owned(),
                names,
            }
        })
        .collect()
}

fn floors() -> Value {
    serde_json::from_str(&std::fs::read_to_string(data("names/floors.json")).unwrap()).unwrap()
}

fn scanner() -> PiiScanner {
    PiiScanner::only(&[PiiCategory::PersonName])
}

/// Counts for precision and recall.
#[derive(Default, Clone, Copy)]
struct Counts {
    gold: usize,
    found: usize,
    exact: usize,
    overlap_found: usize,
    overlap_gold: usize,
}

impl Counts {
    fn add(&mut self, gold: &[(usize, usize)], found: &[(usize, usize)]) {
        let overlaps = |a: &(usize, usize), b: &(usize, usize)| a.0 < b.1 && b.0 < a.1;
        self.gold += gold.len();
        self.found += found.len();
        self.exact += found.iter().filter(|f| gold.contains(f)).count();
        self.overlap_found += found
            .iter()
            .filter(|f| gold.iter().any(|g| overlaps(f, g)))
            .count();
        self.overlap_gold += gold
            .iter()
            .filter(|g| found.iter().any(|f| overlaps(f, g)))
            .count();
    }

    fn ratio(a: usize, b: usize) -> f64 {
        if b == 0 { 1.0 } else { a as f64 / b as f64 }
    }

    /// (exact precision, exact recall, overlap precision, overlap recall)
    fn figures(&self) -> [f64; 4] {
        [
            Self::ratio(self.exact, self.found),
            Self::ratio(self.exact, self.gold),
            Self::ratio(self.overlap_found, self.found),
            Self::ratio(self.overlap_gold, self.gold),
        ]
    }
}

#[test]
fn eval_sets_are_well_formed() {
    for set in SETS {
        let rows = rows(set);
        let with = rows.iter().filter(|r| !r.names.is_empty()).count();
        let without = rows.len() - with;
        assert!(
            with >= 300 && without >= 300,
            "{set}: {with} with names, {without} without"
        );
        for lang in ["en", "de", "fr", "es", "it"] {
            assert!(
                rows.iter().any(|r| r.lang == lang && !r.names.is_empty()),
                "{set}: {lang}"
            );
        }
        for r in &rows {
            for (s, e) in &r.names {
                let name = r.text.get(*s..*e).expect("span on char boundaries");
                assert!(name.chars().next().unwrap().is_uppercase(), "{name}");
            }
        }
    }
}

#[test]
fn quality_does_not_regress() {
    let floors = floors();
    for set in SETS {
        let rows = rows(set);
        let thresholds = floors[set]["thresholds"].as_object().unwrap();
        println!(
            "\nperson names on tests/data/names/{set}.jsonl ({} sentences)",
            rows.len()
        );
        println!(
            "| set | min score | lang | gold | found | P exact | R exact | P overlap | R overlap |"
        );
        println!("|---|---|---|---:|---:|---:|---:|---:|---:|");
        for (t, want) in thresholds {
            let min: f32 = t.parse().unwrap();
            let mut per: BTreeMap<String, Counts> = BTreeMap::new();
            for r in &rows {
                let found: Vec<(usize, usize)> = scanner()
                    .scan(&r.text)
                    .iter()
                    .filter(|f| f.score >= min)
                    .map(|f| (f.start, f.end))
                    .collect();
                per.entry(r.lang.clone()).or_default().add(&r.names, &found);
                per.entry("all".into()).or_default().add(&r.names, &found);
            }
            for (lang, c) in &per {
                let [pe, re, po, ro] = c.figures();
                println!(
                    "| {set} | {min} | {lang} | {} | {} | {pe:.3} | {re:.3} | {po:.3} | {ro:.3} |",
                    c.gold, c.found
                );
            }
            let [pe, re, po, ro] = per["all"].figures();
            let floor = |k: &str| want[k].as_f64().unwrap();
            assert!(
                pe >= floor("precision_exact"),
                "{set} min {min}: precision (exact) {pe:.3}"
            );
            assert!(
                re >= floor("recall_exact"),
                "{set} min {min}: recall (exact) {re:.3}"
            );
            assert!(
                po >= floor("precision_overlap"),
                "{set} min {min}: precision (overlap) {po:.3}"
            );
            assert!(
                ro >= floor("recall_overlap"),
                "{set} min {min}: recall (overlap) {ro:.3}"
            );
        }
    }
}

#[test]
fn benign_injection_corpus() {
    let src = std::fs::read_to_string(data("injection/train.jsonl")).unwrap();
    let floors = floors();
    let ceiling = floors["benign_train_max_with_name"].as_u64().unwrap() as usize;
    let (mut benign, mut with_name) = (0, 0);
    let mut high = 0;
    for l in src.lines().filter(|l| !l.trim().is_empty()) {
        let v: Value = serde_json::from_str(l).unwrap();
        if v["label"] != "benign" {
            continue;
        }
        benign += 1;
        let found = scanner().scan(v["text"].as_str().unwrap());
        if !found.is_empty() {
            with_name += 1;
        }
        if found.iter().any(|f| f.score >= 0.7) {
            high += 1;
        }
    }
    println!(
        "\nbenign texts of injection/train.jsonl with a name finding: {with_name} of {benign} \
         ({high} with a score ≥ 0.7)"
    );
    assert!(with_name <= ceiling, "{with_name} > {ceiling}");
}

/// Names through the guard pipeline: redacted before the provider, restored in the answer
/// (full and streamed), with placeholders and with keyed pseudonyms.
#[tokio::test]
async fn names_round_trip_through_the_guard_pipeline() {
    use futures_util::StreamExt;
    use llmops_core::{ChatRequest, ChatResponse, Client, ScriptedProvider, StreamEvent};
    use llmops_guard::pii::{PiiAction, PiiGuard, Pseudonymizer, RedactionMode};
    use llmops_guard::pipeline::{GuardSet, GuardsExt};
    use std::sync::Arc;

    for mode in [
        RedactionMode::Placeholder,
        RedactionMode::Pseudonym(Pseudonymizer::new(b"a host secret of 32 bytes.......").unwrap()),
    ] {
        // the model answers with the tokens it saw
        let provider = Arc::new(
            ScriptedProvider::new()
                .responder(|req| {
                    let q = req.last_user_text()?;
                    let tokens: Vec<&str> = q
                        .split(|c: char| c.is_whitespace() || c == ',' || c == '.')
                        .filter(|w| w.starts_with("<PERSON_") && w.ends_with('>'))
                        .collect();
                    Some(llmops_core::provider::scripted::Step::Reply(
                        ChatResponse::new(format!("I will write to {}.", tokens.join(" and "))),
                    ))
                })
                .chunks(7),
        );
        let guard =
            PiiGuard::new().action(PiiCategory::PersonName, PiiAction::Redact(mode.clone()));
        let client = Client::builder()
            .provider_arc(provider.clone())
            .guards(GuardSet::new().guard(guard).restore_output(true))
            .build()
            .unwrap();
        let req = ChatRequest::new("scripted/m")
            .user("Please write to Dr. Okonkwo, and to Maren Lindqvist.");
        let want = "I will write to Okonkwo and Maren Lindqvist.";
        let r = client.chat(req.clone()).await.unwrap();
        assert_eq!(r.text(), want, "{mode:?}");
        let sent = provider.requests().pop().unwrap();
        let seen = sent.messages[0].text();
        assert!(
            !seen.contains("Okonkwo") && !seen.contains("Lindqvist") && seen.contains("<PERSON_"),
            "{seen}"
        );
        let deltas: Vec<String> = client
            .chat_stream(req)
            .await
            .unwrap()
            .filter_map(|ev| async move {
                match ev.unwrap() {
                    StreamEvent::Delta { text } => Some(text),
                    _ => None,
                }
            })
            .collect()
            .await;
        assert_eq!(deltas.concat(), want, "{mode:?}");
    }
}
