//! The similarity evaluators through the registry: hand-computed scores, cases that must
//! fail, negation, references from the case, configuration errors, `similar` wiring, and
//! the peer check against promptfoo's own results (`scripts/peers/promptfoo/`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use llmops_core::{Embedder, EvalCase, EvalOutput, HashingEmbedder, Score, async_trait};
use llmops_eval::evaluators::similarity::{bleu, gleu, levenshtein, rouge_n, treebank_tokenize};
use llmops_eval::{AssertionSpec, BuildContext, EvalError, Registry};
use serde_json::{Value, json};

fn case(expected: Option<&str>) -> EvalCase {
    let mut c = EvalCase::default();
    c.id = "c1".into();
    c.expected = expected.map(str::to_owned);
    c
}

async fn score(reg: &Registry, spec: Value, output: &str, expected: Option<&str>) -> Score {
    let spec: AssertionSpec = serde_json::from_value(spec).unwrap();
    let a = reg.compile(&spec).unwrap();
    a.evaluate(&case(expected), &EvalOutput::text(output))
        .await
        .unwrap()
}

async fn error(reg: &Registry, spec: Value, output: &str, expected: Option<&str>) -> String {
    let spec: AssertionSpec = serde_json::from_value(spec).unwrap();
    let a = reg.compile(&spec).unwrap();
    a.evaluate(&case(expected), &EvalOutput::text(output))
        .await
        .unwrap_err()
        .to_string()
}

fn compile_error(reg: &Registry, spec: Value) -> String {
    let spec: AssertionSpec = serde_json::from_value(spec).unwrap();
    reg.compile(&spec).unwrap_err().to_string()
}

fn plain() -> Registry {
    Registry::builtin(BuildContext::new())
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[tokio::test]
async fn rouge_n_by_hand() {
    let reg = plain();
    // ROUGE-1 of "the cat sat" vs "the cat sat down": P = 3/3, R = 3/4, F1 = 6/7 ≈ 0.857
    let s = score(
        &reg,
        json!({"type": "rouge-n", "value": "the cat sat down"}),
        "the cat sat",
        None,
    )
    .await;
    assert!(close(s.value, 6.0 / 7.0) && s.pass, "{s:?}");
    assert!(
        s.reason
            .contains("ROUGE-N score 0.86 is greater than or equal to threshold 0.75"),
        "{}",
        s.reason
    );
    // must fail: "the cat" vs "the cat sat down": P = 1, R = 2/4, F1 = 2/3 < 0.75
    let s = score(
        &reg,
        json!({"type": "rouge-n", "value": "the cat sat down"}),
        "the cat",
        None,
    )
    .await;
    assert!(close(s.value, 2.0 / 3.0) && !s.pass, "{s:?}");
    // ... and passes with a lower threshold
    let s = score(
        &reg,
        json!({"type": "rouge-n", "value": "the cat sat down", "threshold": 0.6}),
        "the cat",
        None,
    )
    .await;
    assert!(s.pass);
    // ROUGE-2 by config: bigrams {the cat, cat sat} of {the cat, cat sat, sat down}: F1 = 0.8
    let s = score(
        &reg,
        json!({"type": "rouge-n", "value": "the cat sat down", "config": {"n": 2}}),
        "the cat sat",
        None,
    )
    .await;
    assert!(
        close(s.value, 0.8) && s.pass && s.reason.starts_with("ROUGE-2"),
        "{s:?}"
    );
    // a list keeps the best reference
    let s = score(
        &reg,
        json!({"type": "rouge-n", "value": ["dogs bark", "the cat sat"]}),
        "the cat sat",
        None,
    )
    .await;
    assert!(
        close(s.value, 1.0) && s.reason.contains("best of 2 references: #2"),
        "{s:?}"
    );
}

#[tokio::test]
async fn rouge_l_by_hand() {
    let reg = plain();
    // LCS("a b c d e", "a c e f") = 3: P = 3/5, R = 3/4, F1 = 2/3: fails at 0.75
    let s = score(
        &reg,
        json!({"type": "rouge-l", "value": "a c e f"}),
        "a b c d e",
        None,
    )
    .await;
    assert!(close(s.value, 2.0 / 3.0) && !s.pass, "{s:?}");
    // word order counts for L: "sat the cat" vs "the cat sat": LCS = 2, F1 = 2/3
    let s = score(
        &reg,
        json!({"type": "rouge-l", "value": "the cat sat"}),
        "sat the cat",
        None,
    )
    .await;
    assert!(close(s.value, 2.0 / 3.0) && !s.pass, "{s:?}");
    let s = score(
        &reg,
        json!({"type": "rouge-l", "value": "The cat sat."}),
        "the cat sat.",
        None,
    )
    .await;
    assert!(close(s.value, 1.0) && s.pass, "{s:?}");
}

#[tokio::test]
async fn bleu_and_gleu_by_hand() {
    let reg = plain();
    // "the cat sat" vs "the cat sat down": p1..p3 = 1 (order 4 left out: 3 words),
    // BP = exp(1 − 4/3): BLEU = exp(−1/3) ≈ 0.7165
    let s = score(
        &reg,
        json!({"type": "bleu", "value": "the cat sat down"}),
        "the cat sat",
        None,
    )
    .await;
    assert!(close(s.value, (-1.0f64 / 3.0).exp()) && s.pass, "{s:?}");
    assert!(s.reason.contains("BLEU score 0.7165"), "{}", s.reason);
    // must fail: 2 of 5 words, no bigram in common
    let s = score(
        &reg,
        json!({"type": "bleu", "value": "reset it from the login page"}),
        "login reset",
        None,
    )
    .await;
    assert!(s.value < 0.01 && !s.pass, "{s:?}");
    // a list: one multi-reference score
    let s = score(
        &reg,
        json!({"type": "bleu", "value": ["a dog", "the cat sat"]}),
        "the cat sat",
        None,
    )
    .await;
    assert!(close(s.value, 1.0) && s.pass, "{s:?}");
    // GLEU: matches 3 + 2 + 1 = 6 of 6 candidate, 10 reference n-grams: min = 0.6
    let s = score(
        &reg,
        json!({"type": "gleu", "value": "the cat sat down"}),
        "the cat sat",
        None,
    )
    .await;
    assert!(close(s.value, 0.6) && s.pass, "{s:?}");
    let s = score(
        &reg,
        json!({"type": "gleu", "value": "the cat sat down", "threshold": 0.7}),
        "the cat sat",
        None,
    )
    .await;
    assert!(!s.pass);
}

#[tokio::test]
async fn levenshtein_by_hand() {
    let reg = plain();
    // kitten → sitting: 3 edits ≤ 5
    let s = score(
        &reg,
        json!({"type": "levenshtein", "value": "sitting"}),
        "kitten",
        None,
    )
    .await;
    assert!(
        s.pass && s.value == 1.0 && s.reason.contains("distance 3"),
        "{s:?}"
    );
    // must fail at threshold 2
    let s = score(
        &reg,
        json!({"type": "levenshtein", "value": "sitting", "threshold": 2}),
        "kitten",
        None,
    )
    .await;
    assert!(
        !s.pass && s.value == 0.0 && s.reason.contains("greater than threshold 2"),
        "{s:?}"
    );
    // threshold 0 means an exact match
    let s = score(
        &reg,
        json!({"type": "levenshtein", "value": "Paris", "threshold": 0}),
        "paris",
        None,
    )
    .await;
    assert!(!s.pass);
    let s = score(
        &reg,
        json!({"type": "levenshtein", "value": "Paris", "threshold": 0}),
        "Paris",
        None,
    )
    .await;
    assert!(s.pass);
    // unicode: é vs e is one edit; an emoji is two UTF-16 units (promptfoo's count)
    let s = score(
        &reg,
        json!({"type": "levenshtein", "value": "café", "threshold": 1}),
        "cafe",
        None,
    )
    .await;
    assert!(s.pass);
    let s = score(
        &reg,
        json!({"type": "levenshtein", "value": "ok", "threshold": 2}),
        "ok 👍",
        None,
    )
    .await;
    assert!(!s.pass && s.reason.contains("distance 3"), "{s:?}");
    // empty output: the distance is the reference's length
    let s = score(
        &reg,
        json!({"type": "levenshtein", "value": "abcdef"}),
        "",
        None,
    )
    .await;
    assert!(!s.pass && s.reason.contains("distance 6"), "{s:?}");
}

#[tokio::test]
async fn negation_inverts_score_and_verdict() {
    let reg = plain();
    let s = score(
        &reg,
        json!({"type": "not-rouge-n", "value": "the cat sat down"}),
        "the cat sat",
        None,
    )
    .await;
    assert!(close(s.value, 1.0 - 6.0 / 7.0) && !s.pass, "{s:?}");
    let s = score(
        &reg,
        json!({"type": "not-rouge-n", "value": "dogs bark loudly"}),
        "the cat sat",
        None,
    )
    .await;
    assert!(close(s.value, 1.0) && s.pass, "{s:?}");
    let s = score(
        &reg,
        json!({"type": "not-bleu", "value": "the cat sat down"}),
        "the cat sat",
        None,
    )
    .await;
    assert!(close(s.value, 1.0 - (-1.0f64 / 3.0).exp()) && !s.pass);
    let s = score(
        &reg,
        json!({"type": "not-levenshtein", "value": "sitting", "threshold": 2}),
        "kitten",
        None,
    )
    .await;
    assert!(s.pass && s.value == 1.0);
    let s = score(
        &reg,
        json!({"type": "not-gleu", "value": "x y z"}),
        "a b c",
        None,
    )
    .await;
    assert!(s.pass && close(s.value, 1.0));
}

#[tokio::test]
async fn empty_texts_score_zero_and_fail() {
    let reg = plain();
    for kind in ["rouge-n", "rouge-l", "bleu", "gleu"] {
        let s = score(
            &reg,
            json!({"type": kind, "value": "reset your password"}),
            "",
            None,
        )
        .await;
        assert!(s.value == 0.0 && !s.pass, "{kind}: {s:?}");
        // an empty reference is a reference nothing matches
        let s = score(
            &reg,
            json!({"type": kind, "value": ""}),
            "reset your password",
            None,
        )
        .await;
        assert!(s.value < 1e-6 && !s.pass, "{kind}: {s:?}");
    }
    let s = score(&reg, json!({"type": "levenshtein", "value": ""}), "", None).await;
    assert!(s.pass);
}

#[tokio::test]
async fn unicode_texts() {
    let reg = plain();
    // lower-casing is Unicode's (É → é, Σ → σ/ς); ß stays ß
    let s = score(
        &reg,
        json!({"type": "rouge-n", "value": "été à paris"}),
        "ÉTÉ À PARIS",
        None,
    )
    .await;
    assert!(close(s.value, 1.0), "{s:?}");
    let s = score(
        &reg,
        json!({"type": "bleu", "value": "οδος κλειστη"}),
        "ΟΔΟΣ ΚΛΕΙΣΤΗ",
        None,
    )
    .await;
    assert!(close(s.value, 1.0), "{s:?}");
    let s = score(
        &reg,
        json!({"type": "rouge-n", "value": "die strasse"}),
        "Die Straße",
        None,
    )
    .await;
    assert!(close(s.value, 0.5) && !s.pass, "{s:?}");
    // CJK: words are what spaces separate
    let s = score(
        &reg,
        json!({"type": "rouge-n", "value": "东京 塔 非常 高"}),
        "东京 塔 很 高",
        None,
    )
    .await;
    assert!(close(s.value, 0.75) && s.pass, "{s:?}");
}

#[tokio::test]
async fn reference_defaults_to_the_cases_expected_output() {
    let reg = plain();
    for kind in ["levenshtein", "rouge-n", "rouge-l", "bleu", "gleu"] {
        let s = score(
            &reg,
            json!({"type": kind}),
            "the cat sat",
            Some("the cat sat"),
        )
        .await;
        assert!(s.pass && close(s.value, 1.0), "{kind}: {s:?}");
        let s = score(
            &reg,
            json!({"type": kind}),
            "a dog barked loudly today",
            Some("the cat sat"),
        )
        .await;
        assert!(!s.pass, "{kind}: {s:?}");
        // the value wins over expected
        let s = score(
            &reg,
            json!({"type": kind, "value": "the cat sat"}),
            "the cat sat",
            Some("zzz"),
        )
        .await;
        assert!(s.pass, "{kind}: {s:?}");
        // neither: an evaluation error naming the case, never a pass or a silent 0
        let e = error(&reg, json!({"type": kind}), "the cat sat", None).await;
        assert!(e.contains("case `c1` has no reference"), "{kind}: {e}");
    }
}

#[test]
fn bad_specs_are_compile_errors() {
    let reg = plain();
    let e = compile_error(&reg, json!({"type": "levenshtein", "value": ["a", "b"]}));
    assert!(e.contains("value must be a string"), "{e}");
    let e = compile_error(
        &reg,
        json!({"type": "levenshtein", "value": "a", "threshold": -1}),
    );
    assert!(e.contains("must be ≥ 0"), "{e}");
    let e = compile_error(&reg, json!({"type": "not-bleu", "value": []}));
    assert!(
        e.starts_with("assertion `not-bleu`") && e.contains("empty list"),
        "{e}"
    );
    let e = compile_error(&reg, json!({"type": "rouge-n", "value": 3}));
    assert!(e.contains("string or a list of strings"), "{e}");
    let e = compile_error(
        &reg,
        json!({"type": "rouge-n", "value": "x", "config": {"n": 0}}),
    );
    assert!(
        e.contains("config.n must be an integer from 1 to 16"),
        "{e}"
    );
    let e = compile_error(
        &reg,
        json!({"type": "rouge-l", "value": "x", "config": {"beta": 2}}),
    );
    assert!(e.contains("unknown config key `beta` (known: none)"), "{e}");
    let e = compile_error(
        &reg,
        json!({"type": "bleu", "value": "x", "provider": "openai:gpt-4.1"}),
    );
    assert!(e.contains("`provider` is not read"), "{e}");
    let e = compile_error(&reg, json!({"type": "similar:manhattan", "value": "x"}));
    assert!(e.contains("unknown assertion type"), "{e}");
}

/// Records every text it embeds, through the hashing embedder (or fails).
struct Recording {
    inner: HashingEmbedder,
    seen: Mutex<Vec<String>>,
    fail: bool,
    dims_out: Option<usize>,
}

impl Recording {
    fn new() -> Arc<Self> {
        Arc::new(Recording {
            inner: HashingEmbedder::new(256),
            seen: Mutex::new(Vec::new()),
            fail: false,
            dims_out: None,
        })
    }
}

#[async_trait]
impl Embedder for Recording {
    fn id(&self) -> &str {
        "recording"
    }
    fn dims(&self) -> usize {
        256
    }
    async fn embed(&self, texts: &[&str]) -> llmops_core::Result<Vec<Vec<f32>>> {
        if self.fail {
            return Err(llmops_core::Error::invalid("embedding service unavailable"));
        }
        self.seen
            .lock()
            .unwrap()
            .extend(texts.iter().map(|t| (*t).to_owned()));
        let mut v = self.inner.embed(texts).await?;
        if let Some(d) = self.dims_out {
            v[0].truncate(d);
        }
        Ok(v)
    }
}

#[test]
fn similar_without_an_embedder_is_a_configuration_error() {
    for kind in [
        "similar",
        "not-similar",
        "similar:dot",
        "similar:euclidean",
        "similar:cosine",
    ] {
        let spec = AssertionSpec::new(kind, "reset your password");
        let e = plain().compile(&spec).unwrap_err();
        assert!(matches!(e, EvalError::Config(_)), "{kind}: {e:?}");
        assert!(e.to_string().contains("needs an embedder"), "{e}");
    }
}

#[tokio::test]
async fn similar_through_the_hashing_embedder() {
    let emb = Recording::new();
    let reg = Registry::builtin(BuildContext::new().embedder(emb.clone()));
    let reference = "reset your password from the login page";
    let s = score(
        &reg,
        json!({"type": "similar", "value": reference}),
        "Reset your password from the login page",
        None,
    )
    .await;
    assert!(s.pass && close(s.value, 1.0), "{s:?}");
    assert!(
        s.reason
            .contains("Similarity 1.00 is greater than or equal to threshold 0.75"),
        "{}",
        s.reason
    );
    // must fail: nothing in common
    let s = score(
        &reg,
        json!({"type": "similar", "value": reference}),
        "our office closes on holidays",
        None,
    )
    .await;
    assert!(!s.pass && s.value < 0.75, "{s:?}");
    // negation
    let s = score(
        &reg,
        json!({"type": "not-similar", "value": reference}),
        "our office closes on holidays",
        None,
    )
    .await;
    assert!(s.pass, "{s:?}");
    let s = score(
        &reg,
        json!({"type": "not-similar", "value": reference}),
        reference,
        None,
    )
    .await;
    assert!(!s.pass && s.value.abs() < 1e-6, "{s:?}");
    // a list: the closest reference counts; passes when any does
    let s = score(
        &reg,
        json!({"type": "similar", "value": ["office hours", reference]}),
        reference,
        None,
    )
    .await;
    assert!(
        s.pass && s.reason.contains("closest of 2 references: #2"),
        "{s:?}"
    );
    // unit vectors: dot = cosine; euclidean distance 0 scores 1
    let s = score(
        &reg,
        json!({"type": "similar:dot", "value": reference}),
        reference,
        None,
    )
    .await;
    assert!(s.pass && close(s.value, 1.0), "{s:?}");
    let s = score(
        &reg,
        json!({"type": "similar:euclidean", "value": reference, "threshold": 0.1}),
        reference,
        None,
    )
    .await;
    assert!(
        s.pass && close(s.value, 1.0) && s.reason.starts_with("Distance 0.00"),
        "{s:?}"
    );
    let s = score(
        &reg,
        json!({"type": "similar:euclidean", "value": reference, "threshold": 0.1}),
        "office hours",
        None,
    )
    .await;
    assert!(!s.pass && s.value < 1.0, "{s:?}");
    // reference from the case, and an error without one
    let s = score(&reg, json!({"type": "similar"}), reference, Some(reference)).await;
    assert!(s.pass);
    let e = error(&reg, json!({"type": "similar"}), reference, None).await;
    assert!(e.contains("has no reference"), "{e}");
}

#[tokio::test]
async fn similar_embeds_each_reference_once() {
    let emb = Recording::new();
    let reg = Registry::builtin(BuildContext::new().embedder(emb.clone()));
    let a = reg
        .compile(&AssertionSpec::new(
            "similar",
            json!(["ref one", "ref two", "ref one"]),
        ))
        .unwrap();
    for out in ["answer a", "answer b", "answer c"] {
        a.evaluate(&case(None), &EvalOutput::text(out))
            .await
            .unwrap();
    }
    let seen = emb.seen.lock().unwrap().clone();
    // outputs every call; each distinct reference once, in the first call's batch
    assert_eq!(
        seen,
        ["answer a", "ref one", "ref two", "answer b", "answer c"]
    );
}

#[tokio::test]
async fn similar_embedder_failures_are_errors() {
    let failing = Arc::new(Recording {
        inner: HashingEmbedder::new(8),
        seen: Mutex::new(Vec::new()),
        fail: true,
        dims_out: None,
    });
    let reg = Registry::builtin(BuildContext::new().embedder(failing));
    let e = error(&reg, json!({"type": "similar", "value": "x"}), "y", None).await;
    assert!(e.contains("embedding service unavailable"), "{e}");
    let short = Arc::new(Recording {
        inner: HashingEmbedder::new(8),
        seen: Mutex::new(Vec::new()),
        fail: false,
        dims_out: Some(4),
    });
    let reg = Registry::builtin(BuildContext::new().embedder(short));
    let e = error(&reg, json!({"type": "similar", "value": "x"}), "y", None).await;
    assert!(e.contains("embeddings differ in length"), "{e}");
}

// ---------------------------------------------------------------- peer check (promptfoo)

fn peer_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/peers/promptfoo")
}

fn read_json(name: &str) -> Value {
    let text = std::fs::read_to_string(peer_dir().join(name)).unwrap();
    serde_json::from_str(&text).unwrap()
}

#[test]
fn tokenizer_matches_js_rouge_on_the_corpus() {
    let corpus = read_json("treebank_corpus.json");
    let cases = corpus["cases"].as_array().unwrap();
    assert!(cases.len() >= 500);
    let mut bad = Vec::new();
    for c in cases {
        let input = c["input"].as_str().unwrap();
        let want: Vec<String> = serde_json::from_value(c["tokens"].clone()).unwrap();
        let got = treebank_tokenize(input);
        if got != want {
            bad.push(format!(
                "{input:?}\n  js-rouge: {want:?}\n  ours:     {got:?}"
            ));
        }
    }
    assert!(
        bad.is_empty(),
        "{} of {} differ:\n{}",
        bad.len(),
        cases.len(),
        bad.join("\n")
    );
}

#[tokio::test]
async fn scores_match_promptfoo() {
    let results = read_json("promptfoo_results.json");
    assert_eq!(results["promptfoo"], "0.123.1");
    let pairs: Vec<Value> = std::fs::read_to_string(peer_dir().join("pairs.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let results = results["results"].as_array().unwrap();
    assert_eq!(pairs.len(), results.len());
    assert!(pairs.len() >= 30);
    let reg = plain();
    let mut compared = 0;
    let max_diff = std::cell::Cell::new(0.0f64);
    for (p, r) in pairs.iter().zip(results) {
        let id = p["id"].as_str().unwrap();
        assert_eq!(r["id"], id);
        let output = p["output"].as_str().unwrap();
        let reference = &p["reference"];
        let check = |kind: &str, ours: &Score| {
            let want = &r[kind];
            let (ws, wp) = (
                want["score"].as_f64().unwrap(),
                want["pass"].as_bool().unwrap(),
            );
            assert!(
                (ours.value - ws).abs() < 1e-6,
                "{id} {kind}: ours {} promptfoo {ws}",
                ours.value
            );
            assert_eq!(ours.pass, wp, "{id} {kind}: pass differs ({})", ours.reason);
        };
        for kind in ["bleu", "gleu"] {
            let s = score(
                &reg,
                json!({"type": kind, "value": reference}),
                output,
                None,
            )
            .await;
            check(kind, &s);
            compared += 1;
        }
        let refs: Vec<String> = match reference {
            Value::String(s) => vec![s.clone()],
            other => serde_json::from_value(other.clone()).unwrap(),
        };
        assert!((bleu(output, &refs) - r["bleu"]["score"].as_f64().unwrap()).abs() < 1e-12);
        assert!((gleu(output, &refs) - r["gleu"]["score"].as_f64().unwrap()).abs() < 1e-12);
        let Some(reference) = reference.as_str() else {
            continue;
        };
        for kind in ["rouge-n", "not-rouge-n", "levenshtein"] {
            let s = score(
                &reg,
                json!({"type": kind, "value": reference}),
                output,
                None,
            )
            .await;
            check(kind, &s);
            compared += 1;
        }
        assert_eq!(
            levenshtein(output, reference) as u64,
            r["levenshtein"]["distance"].as_u64().unwrap(),
            "{id}: edit distance"
        );
        assert!(
            (rouge_n(output, reference, 1).f1 - r["rouge-n"]["score"].as_f64().unwrap()).abs()
                < 1e-12,
            "{id}"
        );
        let tokens = |t: &str| treebank_tokenize(&t.to_lowercase());
        assert_eq!(
            json!(tokens(output)),
            r["tokens"]["output"],
            "{id}: output tokens"
        );
        assert_eq!(
            json!(tokens(reference)),
            r["tokens"]["reference"],
            "{id}: reference tokens"
        );
    }
    assert!(compared >= 150, "{compared}");
    eprintln!(
        "{compared} scores compared with promptfoo over {} pairs; largest difference {:e}",
        pairs.len(),
        max_diff.get()
    );
}
