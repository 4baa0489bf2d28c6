//! Measured quality of the prompt-injection / jailbreak detectors on the labelled corpus
//! under `tests/data/injection/` (issue 8, point 7).
//!
//! * `corpus_is_well_formed` checks the data itself: schema, labels, families, unique ids,
//!   the sizes the issue asks for (≥ 1,000 attacks and ≥ 1,000 benign texts; a held-out split
//!   of ≥ 300 attacks in ≥ 5 languages and ≥ 300 benign texts; held-out attacks in every
//!   family).
//! * `heldout_quality_does_not_regress` runs every detector of [`detectors`] on the held-out
//!   split, prints a table of detection (TPR) per attack family and false positives (FPR) per
//!   benign family, and fails when a figure falls below the floors committed in
//!   `tests/data/injection/floors.json` (floors are raised by hand, with a reason).
//! * `heldout2_quality_does_not_regress` does the same on the second held-out split
//!   (`heldout2.jsonl`, session 11: eight packages new to both earlier splits; its floors are
//!   `floors.json`'s `heldout2` section).
//!
//! A detector is plugged in as a plain `fn(&str, TextSource) -> bool` (flagged or not), so the
//! rule-based detector, the learned model and their combination are each one line in
//! [`detectors`]. Indirect attacks and benign documents are checked as
//! [`TextSource::Retrieved`], everything else as a user message.
//!
//! Run with `cargo test -p llmops-guard --test corpus -- --nocapture` to see the table.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    clippy::cast_precision_loss
)]

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::PathBuf;

use llmops_core::{Role, TextSource};
use serde_json::Value;

/// Flagged-or-not: the shape every detector is measured through.
type DetectFn = fn(&str, TextSource) -> bool;

/// The detectors measured on the held-out split, each with its floors in `floors.json`.
fn detectors() -> Vec<(&'static str, DetectFn)> {
    vec![
        ("keyword_baseline", keyword_baseline),
        ("rules", rules),
        ("learned", learned),
        ("default_injection_guard", default_injection_guard),
        ("stacked_injection_guard", stacked_injection_guard),
    ]
}

/// The rule-based detector at its default thresholds.
fn rules(text: &str, source: TextSource) -> bool {
    use std::sync::OnceLock;
    static D: OnceLock<llmops_guard::InjectionDetector> = OnceLock::new();
    let d = D.get_or_init(llmops_guard::InjectionDetector::new);
    d.analyze(text, source).is_injection()
}

/// What ships: `default_injection_guard()` (rules + learned model, the default policy); a
/// text counts as detected when the guard blocks it.
fn default_injection_guard(text: &str, source: TextSource) -> bool {
    use std::sync::OnceLock;
    static G: OnceLock<llmops_guard::DetectorGuard> = OnceLock::new();
    let g = G.get_or_init(llmops_guard::default_injection_guard);
    g.decide(text, source).into_verdict().action() == "block"
}

/// The default guard's detectors with the stacked decision
/// (`CombinedInjectionDetector::decision(Decision::Stacked)`): one verdict from the model's
/// stacker over the learned score and the rules' evidence.
fn stacked_injection_guard(text: &str, source: TextSource) -> bool {
    use llmops_guard::injection::Decision;
    use std::sync::OnceLock;
    static G: OnceLock<llmops_guard::DetectorGuard> = OnceLock::new();
    let g = G.get_or_init(|| {
        llmops_guard::DetectorGuard::new(
            "injection",
            llmops_guard::CombinedInjectionDetector::new().decision(Decision::Stacked),
        )
    });
    g.decide(text, source).into_verdict().action() == "block"
}

/// The bundled learned model at its own thresholds (per source).
fn learned(text: &str, source: TextSource) -> bool {
    use std::sync::OnceLock;
    static D: OnceLock<llmops_guard::LearnedDetector> = OnceLock::new();
    let d = D.get_or_init(llmops_guard::LearnedDetector::new);
    let mut out = Vec::new();
    llmops_guard::Detector::scan(d, text, source, &mut out);
    !out.is_empty()
}

/// A deliberately naive reference: lower-cased substring search for a handful of English
/// jailbreak phrases. It shows what the corpus measures; it is not a product detector.
fn keyword_baseline(text: &str, _source: TextSource) -> bool {
    const NEEDLES: &[&str] = &[
        "ignore all previous instructions",
        "ignore previous instructions",
        "ignore the above",
        "disregard all previous",
        "disregard previous",
        "system prompt",
        "do anything now",
        "developer mode",
        "jailbreak",
    ];
    let lower = text.to_lowercase();
    NEEDLES.iter().any(|n| lower.contains(n))
}

const ATTACK_FAMILIES: &[&str] = &[
    "override",
    "roleplay",
    "delimiter",
    "prompt_leak",
    "encoded",
    "invisible",
    "homoglyph",
    "indirect",
    "jailbreak_itw",
    // since the ninth split (session 18): fake notes of a system, an administrator or a team, an
    // earlier agent's verdict, "this channel is verified", steering a decision
    "authority",
];

/// Families labelled only in later splits: the first split has none of them.
const LATER_FAMILIES: &[&str] = &["authority"];

/// The held-out splits, in the order they were built (`heldout.jsonl`, `heldout2.jsonl`, ...).
const HELDOUT_SPLITS: [&str; 9] = [
    "heldout", "heldout2", "heldout3", "heldout4", "heldout5", "heldout6", "heldout7", "heldout8",
    "heldout9",
];

const BENIGN_FAMILIES: &[&str] = &[
    "security_question",
    "code",
    "jailbreak_discussion",
    "support_ticket",
    "general",
    "document",
];

#[derive(Debug, Clone)]
struct Sample {
    id: String,
    text: String,
    attack: bool,
    family: String,
    lang: String,
    split: String,
    /// The package (or own-writing set) the text comes from: `source` up to its first `:` or
    /// space, with ` [marked]` when the source notes a canary token or a fake-document
    /// marker in the text.
    package: String,
}

impl Sample {
    /// Where the text would come from in an application: indirect attacks and benign
    /// documents are retrieved context; the rest are user messages.
    fn source(&self) -> TextSource {
        match self.family.as_str() {
            "indirect" | "document" => TextSource::Retrieved,
            _ => TextSource::Message(Role::User),
        }
    }
}

fn data_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/data/injection")
}

fn load(split: &str) -> Vec<Sample> {
    let path = data_dir().join(format!("{split}.jsonl"));
    let raw = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    raw.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(n, line)| {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("{split}.jsonl line {}: {e}", n + 1));
            let field = |k: &str| -> String {
                v.get(k)
                    .and_then(Value::as_str)
                    .unwrap_or_else(|| panic!("{split}.jsonl line {}: missing string `{k}`", n + 1))
                    .to_owned()
            };
            let label = field("label");
            assert!(
                label == "attack" || label == "benign",
                "{split}.jsonl line {}: label `{label}`",
                n + 1
            );
            let source = field("source");
            let mut package = source
                .split([':', ' '])
                .next()
                .unwrap_or_default()
                .to_owned();
            if source.contains("[canary token]") || source.contains("[fake-document marker]") {
                package.push_str(" [marked]");
            }
            Sample {
                id: field("id"),
                text: field("text"),
                attack: label == "attack",
                family: field("family"),
                lang: field("lang"),
                split: field("split"),
                package,
            }
        })
        .collect()
}

#[test]
fn corpus_is_well_formed() {
    let train = load("train");
    let splits: Vec<(&str, Vec<Sample>)> = HELDOUT_SPLITS.iter().map(|&n| (n, load(n))).collect();
    let mut ids = HashSet::new();
    for s in train.iter().chain(splits.iter().flat_map(|(_, v)| v)) {
        assert!(ids.insert(s.id.clone()), "duplicate id {}", s.id);
        assert!(!s.text.trim().is_empty(), "{}: empty text", s.id);
        assert!(!s.lang.is_empty(), "{}: empty lang", s.id);
        let families = if s.attack {
            ATTACK_FAMILIES
        } else {
            BENIGN_FAMILIES
        };
        assert!(
            families.contains(&s.family.as_str()),
            "{}: family `{}` is not a {} family",
            s.id,
            s.family,
            if s.attack { "attack" } else { "benign" }
        );
    }
    assert!(train.iter().all(|s| s.split == "train"));
    for (name, split) in &splits {
        assert!(
            split.iter().all(|s| s.split == *name),
            "{name}: split field"
        );
    }
    let heldout = &splits[0].1;

    let all = train.iter().chain(heldout);
    let (attacks, benign): (Vec<_>, Vec<_>) = all.partition(|s| s.attack);
    assert!(attacks.len() >= 1000, "{} attacks in total", attacks.len());
    assert!(
        benign.len() >= 1000,
        "{} benign texts in total",
        benign.len()
    );

    for (name, split) in &splits {
        let attacks = split.iter().filter(|s| s.attack).count();
        let benign = split.len() - attacks;
        assert!(attacks >= 300, "{attacks} {name} attacks");
        assert!(benign >= 300, "{benign} {name} benign texts");
        let langs: BTreeSet<_> = split
            .iter()
            .filter(|s| s.attack)
            .map(|s| s.lang.as_str())
            .collect();
        assert!(langs.len() >= 5, "{name} attack languages: {langs:?}");
    }
    // every family in the first held-out split (the second has only 2 in-the-wild jailbreaks:
    // its sources' templates are near-duplicates of train's)
    let held_attacks: Vec<_> = heldout.iter().filter(|s| s.attack).collect();
    for fam in ATTACK_FAMILIES
        .iter()
        .filter(|f| !LATER_FAMILIES.contains(f))
    {
        let n = held_attacks.iter().filter(|s| s.family == *fam).count();
        assert!(n >= 20, "held-out family {fam} has only {n} attacks");
    }
}

/// Detection and false-positive rates of one detector on one split.
#[derive(Debug, Default)]
struct Rates {
    /// family -> (flagged, total) over attacks
    tpr: BTreeMap<String, (usize, usize)>,
    /// family -> (flagged, total) over benign texts
    fpr: BTreeMap<String, (usize, usize)>,
    /// language -> (flagged, total) over attacks
    tpr_lang: BTreeMap<String, (usize, usize)>,
    /// package -> (flagged, total) over attacks
    tpr_package: BTreeMap<String, (usize, usize)>,
}

impl Rates {
    fn measure(samples: &[Sample], detect: DetectFn) -> Self {
        let mut r = Rates::default();
        for s in samples {
            let flagged = detect(&s.text, s.source());
            let map = if s.attack { &mut r.tpr } else { &mut r.fpr };
            let e = map.entry(s.family.clone()).or_default();
            e.0 += usize::from(flagged);
            e.1 += 1;
            if s.attack {
                for (map, key) in [(&mut r.tpr_lang, &s.lang), (&mut r.tpr_package, &s.package)] {
                    let e = map.entry(key.clone()).or_default();
                    e.0 += usize::from(flagged);
                    e.1 += 1;
                }
            }
        }
        r
    }

    fn total(map: &BTreeMap<String, (usize, usize)>) -> (usize, usize) {
        map.values().fold((0, 0), |a, b| (a.0 + b.0, a.1 + b.1))
    }
}

fn ratio((k, n): (usize, usize)) -> f64 {
    if n == 0 { 0.0 } else { k as f64 / n as f64 }
}

fn table(name: &str, split: &str, r: &Rates) -> String {
    let mut out = format!(
        "\n{name} ({split} split)\n| family | kind | flagged | n | rate |\n|---|---|---:|---:|---:|\n"
    );
    for (kind, map) in [("attack (TPR)", &r.tpr), ("benign (FPR)", &r.fpr)] {
        for (fam, &(k, n)) in map {
            out.push_str(&format!(
                "| {fam} | {kind} | {k} | {n} | {:.1}% |\n",
                100.0 * ratio((k, n))
            ));
        }
        let t = Rates::total(map);
        out.push_str(&format!(
            "| **all** | {kind} | {} | {} | {:.1}% |\n",
            t.0,
            t.1,
            100.0 * ratio(t)
        ));
    }
    let rates = |m: &BTreeMap<String, (usize, usize)>| -> String {
        m.iter()
            .map(|(l, &(k, n))| format!("{l} {:.0}% ({k}/{n})", 100.0 * ratio((k, n))))
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push_str(&format!("attacks by language: {}\n", rates(&r.tpr_lang)));
    out.push_str(&format!("attacks by source: {}\n", rates(&r.tpr_package)));
    out
}

fn floors() -> Value {
    let path = data_dir().join("floors.json");
    let raw = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&raw).unwrap_or_else(|e| panic!("floors.json: {e}"))
}

/// Checks one detector's rates against its floors; returns the violations.
fn check_floors(name: &str, r: &Rates, floors: &Value) -> Vec<String> {
    let Some(f) = floors.get("detectors").and_then(|d| d.get(name)) else {
        return vec![format!(
            "{name}: no floors in floors.json (add measured floors, with a reason)"
        )];
    };
    let mut bad = Vec::new();
    let tpr_min = f.get("tpr_min").and_then(Value::as_object);
    let fpr_max = f.get("fpr_max").and_then(Value::as_object);
    for fam in ATTACK_FAMILIES {
        let got = ratio(r.tpr.get(*fam).copied().unwrap_or_default());
        match tpr_min.and_then(|m| m.get(*fam)).and_then(Value::as_f64) {
            Some(min) if got + 1e-9 < min => {
                bad.push(format!("{name}: TPR {fam} {got:.4} < floor {min:.4}"));
            }
            Some(_) => {}
            // a family the split has no attacks of needs no floor
            None if r.tpr.contains_key(*fam) => {
                bad.push(format!("{name}: no tpr_min floor for {fam}"));
            }
            None => {}
        }
    }
    let all_fpr = ratio(Rates::total(&r.fpr));
    match fpr_max.and_then(|m| m.get("all")).and_then(Value::as_f64) {
        Some(max) if all_fpr > max + 1e-9 => {
            bad.push(format!("{name}: FPR all {all_fpr:.4} > ceiling {max:.4}"));
        }
        Some(_) => {}
        None => bad.push(format!("{name}: no fpr_max ceiling for all")),
    }
    for (fam, &counts) in &r.fpr {
        if let Some(max) = fpr_max.and_then(|m| m.get(fam)).and_then(Value::as_f64) {
            let got = ratio(counts);
            if got > max + 1e-9 {
                bad.push(format!("{name}: FPR {fam} {got:.4} > ceiling {max:.4}"));
            }
        }
    }
    bad
}

/// Every detector on `split` against the floors `floors` (a `{"detectors": …}` object).
fn measure_split(split: &str, floors: &Value) {
    let samples = load(split);
    let mut violations = Vec::new();
    for (name, detect) in detectors() {
        let r = Rates::measure(&samples, detect);
        println!("{}", table(name, split, &r));
        violations.extend(check_floors(name, &r, floors));
    }
    assert!(
        violations.is_empty(),
        "regressions on {split}:\n{}",
        violations.join("\n")
    );
}

#[test]
fn heldout_quality_does_not_regress() {
    measure_split("heldout", &floors());
}

/// A later held-out split against its own section of floors.json.
fn measure_section(split: &str) {
    let floors = floors();
    let section = floors
        .get(split)
        .unwrap_or_else(|| panic!("floors.json has no `{split}` section"));
    measure_split(split, section);
}

#[test]
fn heldout2_quality_does_not_regress() {
    measure_section("heldout2");
}

#[test]
fn heldout3_quality_does_not_regress() {
    measure_section("heldout3");
}

#[test]
fn heldout4_quality_does_not_regress() {
    measure_section("heldout4");
}

#[test]
fn heldout5_quality_does_not_regress() {
    measure_section("heldout5");
}

#[test]
fn heldout6_quality_does_not_regress() {
    measure_section("heldout6");
}

#[test]
fn heldout7_quality_does_not_regress() {
    measure_section("heldout7");
}

#[test]
fn heldout8_quality_does_not_regress() {
    measure_section("heldout8");
}

#[test]
fn heldout9_quality_does_not_regress() {
    measure_section("heldout9");
}

#[test]
fn floors_catch_a_regression() {
    // A detector that flags nothing must violate every non-zero TPR floor: the check bites.
    fn never(_: &str, _: TextSource) -> bool {
        false
    }
    let heldout = load("heldout");
    let r = Rates::measure(&heldout, never);
    let floors: Value = serde_json::json!({"detectors": {"never": {
        "tpr_min": {"override": 0.5, "roleplay": 0.0, "delimiter": 0.0, "prompt_leak": 0.0,
                    "encoded": 0.0, "invisible": 0.0, "homoglyph": 0.0, "indirect": 0.0,
                    "jailbreak_itw": 0.0},
        "fpr_max": {"all": 0.01}
    }}});
    let bad = check_floors("never", &r, &floors);
    assert_eq!(bad.len(), 1, "{bad:?}");
    assert!(bad[0].contains("TPR override"));
    // ... and one that flags everything breaks the false-positive ceiling.
    fn always(_: &str, _: TextSource) -> bool {
        true
    }
    let r = Rates::measure(&heldout, always);
    let bad = check_floors("never", &r, &floors);
    assert!(bad.iter().any(|b| b.contains("FPR all")), "{bad:?}");
    // A detector without floors is reported, not silently passed.
    assert_eq!(check_floors("absent", &r, &floors).len(), 1);
}
