//! RAG metrics: context precision and recall without a judge (RAGAS' non-LLM variants) and
//! with a scripted one, hit rate and MRR, against hand-computed values, failing cases, and
//! RAGAS' own numbers on the committed samples (`scripts/peers/ragas/`).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::PathBuf;
use std::sync::Arc;

use llmops_core::{EvalCase, EvalOutput, Score, ScriptedProvider};
use llmops_eval::evaluators::rag::{
    average_precision, non_llm_context_precision, non_llm_context_recall, string_similarity,
};
use llmops_eval::{AssertionSpec, BuildContext, Registry};
use serde_json::{Value, json};

fn strings(xs: &[&str]) -> Vec<String> {
    xs.iter().map(|s| s.to_string()).collect()
}

fn case(reference: &[&str], relevant: &[&str]) -> EvalCase {
    let mut c = EvalCase::default();
    c.id = "c1".into();
    c.context = strings(reference);
    c.relevant_docs = strings(relevant);
    c
}

fn out(retrieved: &[&str], docs: &[&str]) -> EvalOutput {
    let mut o = EvalOutput::text("answer");
    o.retrieved = strings(retrieved);
    o.retrieved_docs = strings(docs);
    o
}

async fn score(spec: AssertionSpec, c: &EvalCase, o: &EvalOutput) -> llmops_core::Result<Score> {
    Registry::builtin(BuildContext::new())
        .compile(&spec)
        .unwrap()
        .evaluate(c, o)
        .await
}

fn non_llm(kind: &str) -> AssertionSpec {
    let mut s = AssertionSpec::of(kind);
    s.config.insert("mode".into(), json!("non-llm"));
    s
}

// ------------------------------------------------------------------ hand-computed

#[test]
fn similarity_and_average_precision_by_hand() {
    // kitten → sitting: 3 edits over 7 characters
    assert!((string_similarity("kitten", "sitting") - 4.0 / 7.0).abs() < 1e-15);
    // characters, not bytes: one substitution over 4 characters
    assert!((string_similarity("café", "cafe") - 0.75).abs() < 1e-15);
    assert_eq!(string_similarity("", "abc"), 0.0);
    // relevant at ranks 2 and 4: (1/2 + 2/4) / 2 = 0.5
    assert_eq!(average_precision(&[false, true, false, true]), 0.5);
    // relevant at 1, 2, 4: (1 + 1 + 3/4) / 3
    assert!((average_precision(&[true, true, false, true]) - 2.75 / 3.0).abs() < 1e-15);
    assert_eq!(average_precision(&[]), 0.0);
}

#[tokio::test]
async fn non_llm_context_precision_by_hand() {
    let refs = [
        "Refunds are issued within 14 days.",
        "Refunds go back to the original card.",
    ];
    // relevant at ranks 1 and 3 of 4: AP = (1 + 2/3) / 2 = 0.8333
    let o = out(
        &[
            "Refunds are issued within 14 days.",
            "Our office is closed on Sundays.",
            "Refunds go back to the original card!",
            "We ship to 40 countries.",
        ],
        &[],
    );
    let s = score(non_llm("context-precision"), &case(&refs, &[]), &o)
        .await
        .unwrap();
    assert!((s.value - 5.0 / 6.0).abs() < 1e-12, "{}", s.value);
    assert!(s.pass, "0.83 ≥ default 0.7");
    assert!(
        s.reason.contains("2 of 4 retrieved contexts"),
        "{}",
        s.reason
    );
    // the same through the separate name
    let s2 = score(
        AssertionSpec::of("context-precision-nonllm"),
        &case(&refs, &[]),
        &o,
    )
    .await
    .unwrap();
    assert_eq!(s.value, s2.value);

    // relevant only at rank 4: AP = 1/4, fails
    let o = out(&["a", "b", "c", "Refunds are issued within 14 days."], &[]);
    let s = score(non_llm("context-precision"), &case(&refs, &[]), &o)
        .await
        .unwrap();
    assert_eq!((s.value, s.pass), (0.25, false));
    // nothing relevant, nothing retrieved: 0
    let s = score(
        non_llm("context-precision"),
        &case(&refs, &[]),
        &out(&["zzz"], &[]),
    )
    .await
    .unwrap();
    assert_eq!((s.value, s.pass), (0.0, false));
    let s = score(
        non_llm("context-precision"),
        &case(&refs, &[]),
        &out(&[], &[]),
    )
    .await
    .unwrap();
    assert_eq!(s.value, 0.0);
    // the similarity threshold is configurable: "abcd" vs "abxy" is exactly 0.5
    assert_eq!(
        non_llm_context_precision(&strings(&["abcd"]), &strings(&["abxy"]), 0.5),
        1.0
    );
    let mut strict = non_llm("context-precision");
    strict
        .config
        .insert("similarityThreshold".into(), json!(0.6));
    let s = score(strict, &case(&["abxy"], &[]), &out(&["abcd"], &[]))
        .await
        .unwrap();
    assert_eq!(s.value, 0.0);
}

#[tokio::test]
async fn non_llm_context_recall_by_hand() {
    let refs = [
        "The Eiffel Tower is in Paris.",
        "It was completed in 1889.",
        "It is 330 metres tall.",
    ];
    // 2 of 3 reference contexts found
    let o = out(
        &[
            "The Eiffel Tower is in Paris!",
            "It is 330 metres tall.",
            "Unrelated.",
        ],
        &[],
    );
    let s = score(non_llm("context-recall"), &case(&refs, &[]), &o)
        .await
        .unwrap();
    assert!((s.value - 2.0 / 3.0).abs() < 1e-12);
    assert!(!s.pass, "0.667 < default 0.7");
    let s = score(
        non_llm("context-recall").threshold(0.6),
        &case(&refs, &[]),
        &o,
    )
    .await
    .unwrap();
    assert!(s.pass);
    // recall counts a match only strictly above the similarity threshold (RAGAS' `>`)
    assert_eq!(
        non_llm_context_recall(&strings(&["abcd"]), &strings(&["abxy"]), 0.5),
        0.0
    );
    // nothing retrieved: 0
    let s = score(
        AssertionSpec::of("context-recall-nonllm"),
        &case(&refs, &[]),
        &out(&[], &[]),
    )
    .await
    .unwrap();
    assert_eq!((s.value, s.pass), (0.0, false));
}

#[tokio::test]
async fn non_llm_metrics_need_reference_contexts_and_valid_config() {
    let e = score(
        non_llm("context-recall"),
        &case(&[], &[]),
        &out(&["x"], &[]),
    )
    .await
    .unwrap_err()
    .to_string();
    assert!(e.contains("needs reference contexts"), "{e}");
    let reg = Registry::builtin(BuildContext::new());
    let mut bad = non_llm("context-precision");
    bad.config.insert("similarityThreshold".into(), json!(1.5));
    assert!(reg.compile(&bad).is_err());
    let mut bad = AssertionSpec::of("context-precision");
    bad.config.insert("mode".into(), json!("fuzzy"));
    assert!(reg.compile(&bad).is_err());
    assert!(
        reg.compile(&non_llm("context-recall").threshold(2.0))
            .is_err()
    );
}

#[tokio::test]
async fn hit_rate_and_mrr_by_hand() {
    let c = case(&[], &["doc-7", "doc-9"]);
    let o = out(&[], &["doc-1", "doc-2", "doc-9", "doc-7"]);
    // first relevant at rank 3
    let s = score(AssertionSpec::of("hit-rate"), &c, &o).await.unwrap();
    assert_eq!((s.value, s.pass), (1.0, true));
    let s = score(AssertionSpec::of("mrr"), &c, &o).await.unwrap();
    assert!((s.value - 1.0 / 3.0).abs() < 1e-15);
    assert!(
        s.pass,
        "without a threshold a relevant document anywhere passes"
    );
    assert!(s.reason.contains("rank 3"), "{}", s.reason);
    let s = score(AssertionSpec::of("mrr").threshold(0.5), &c, &o)
        .await
        .unwrap();
    assert!(!s.pass, "1/3 < 0.5");

    // cut at k = 2: no relevant document in the top 2
    let mut k2 = AssertionSpec::of("hit-rate");
    k2.config.insert("k".into(), json!(2));
    let s = score(k2, &c, &o).await.unwrap();
    assert_eq!((s.value, s.pass), (0.0, false));
    assert!(s.reason.contains("top 2"), "{}", s.reason);
    let mut k2 = AssertionSpec::of("mrr");
    k2.config.insert("k".into(), json!(2));
    assert_eq!(score(k2, &c, &o).await.unwrap().value, 0.0);

    // first at rank 1
    let s = score(AssertionSpec::of("mrr"), &c, &out(&[], &["doc-7"]))
        .await
        .unwrap();
    assert_eq!(s.value, 1.0);
    // nothing retrieved
    let s = score(AssertionSpec::of("hit-rate"), &c, &out(&[], &[]))
        .await
        .unwrap();
    assert_eq!((s.value, s.pass), (0.0, false));
    // the case names no relevant document: an error, not a score
    let e = score(AssertionSpec::of("mrr"), &case(&[], &[]), &o)
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("needs the case's `relevant_docs`"), "{e}");
    let mut bad = AssertionSpec::of("mrr");
    bad.config.insert("k".into(), json!(0));
    assert!(
        Registry::builtin(BuildContext::new())
            .compile(&bad)
            .is_err()
    );
}

#[path = "support/judge_fixture.rs"]
mod judge_fixture;
use judge_fixture::*;

const ANSWER: &str = "It is in Paris and was built in 1999.";

// ------------------------------------------------------------------ RAG metrics with a judge

#[tokio::test]
async fn llm_context_precision_asks_per_chunk_and_averages_precision() {
    // chunks 1 and 3 useful: AP = (1/1 + 2/3) / 2 = 0.8333
    let p = judge(vec![
        (
            "Context:\nuseful one",
            r#"{"reason": "yes", "verdict": 1}"#.into(),
        ),
        (
            "Context:\nnoise",
            r#"{"reason": "no", "verdict": 0}"#.into(),
        ),
        (
            "Context:\nuseful two",
            r#"{"reason": "yes", "verdict": 1}"#.into(),
        ),
    ]);
    let a = compile(cx_with(&p), &AssertionSpec::of("context-precision"));
    let s = a
        .evaluate(
            &rag_case(),
            &answer(ANSWER, &["useful one", "noise", "useful two"]),
        )
        .await
        .unwrap();
    assert!((s.value - 5.0 / 6.0).abs() < 1e-12, "{}", s.value);
    assert!(s.pass);
    let reqs = p.requests();
    assert_eq!(reqs.len(), 3);
    for r in &reqs {
        let t = all_text(r);
        // the reference answer, not the output, is what the chunk must help arrive at
        assert!(
            t.contains("The Eiffel Tower is in Paris. It is 330 metres tall."),
            "{t}"
        );
        assert!(t.contains("Where is the Eiffel Tower"), "{t}");
        assert!(!t.contains(ANSWER), "{t}");
    }
    // useful only at rank 3: AP = 1/3, fails
    let p = judge(vec![
        (
            "Context:\nuseful",
            r#"{"reason": "yes", "verdict": 1}"#.into(),
        ),
        (
            "Context:\nnoise",
            r#"{"reason": "no", "verdict": 0}"#.into(),
        ),
    ]);
    let a = compile(cx_with(&p), &AssertionSpec::of("context-precision"));
    let s = a
        .evaluate(
            &rag_case(),
            &answer(ANSWER, &["noise a", "noise b", "useful"]),
        )
        .await
        .unwrap();
    assert!((s.value - 1.0 / 3.0).abs() < 1e-12);
    assert!(!s.pass);
}

#[tokio::test]
async fn llm_context_recall_attributes_reference_sentences() {
    let p = Arc::new(ScriptedProvider::new().repeat(
        json!({"classifications": [
            {"statement": "The Eiffel Tower is in Paris.", "reason": "in context", "attributed": 1},
            {"statement": "It is 330 metres tall.", "reason": "absent", "attributed": 0}
        ]})
        .to_string(),
    ));
    let a = compile(cx_with(&p), &AssertionSpec::of("context-recall"));
    let s = a
        .evaluate(
            &rag_case(),
            &answer(ANSWER, &["Paris has the Eiffel Tower.", "Lyon"]),
        )
        .await
        .unwrap();
    assert_eq!((s.value, s.pass), (0.5, false));
    assert!(
        s.reason.contains("missing: It is 330 metres tall."),
        "{}",
        s.reason
    );
    let sent = all_text(&p.requests()[0]);
    assert!(sent.contains("Paris has the Eiffel Tower.\nLyon"), "{sent}");
    assert!(
        sent.contains("The Eiffel Tower is in Paris. It is 330 metres tall."),
        "{sent}"
    );

    // nothing retrieved: 0 without asking; no reference answer: an error
    let before = p.calls();
    let s = a.evaluate(&rag_case(), &answer(ANSWER, &[])).await.unwrap();
    assert_eq!((s.value, p.calls()), (0.0, before));
    let mut noref = rag_case();
    noref.expected = None;
    assert!(
        err_of(&a, &noref, &answer(ANSWER, &["x"]))
            .await
            .contains("needs the reference answer")
    );
}

// ------------------------------------------------------------------ RAGAS peer values

fn peer_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/peers/ragas")
}

/// Our non-LLM precision and recall equal RAGAS 0.4.3's on every committed sample (to 1e-9;
/// the only difference is RAGAS' 1e-10 in the average-precision denominator).
#[tokio::test]
async fn non_llm_metrics_equal_ragas() {
    let samples = std::fs::read_to_string(peer_dir().join("samples.jsonl")).unwrap();
    let peer: Value = serde_json::from_str(
        &std::fs::read_to_string(peer_dir().join("ragas_results.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(peer["ragas_version"], "0.4.3");
    let results = peer["results"].as_array().unwrap();
    let mut compared = 0;
    for line in samples.lines().filter(|l| !l.trim().is_empty()) {
        let s: Value = serde_json::from_str(line).unwrap();
        let id = s["id"].as_str().unwrap();
        let list = |k: &str| -> Vec<String> {
            s[k].as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_str().unwrap().to_owned())
                .collect()
        };
        let (retrieved, reference) = (list("retrieved_contexts"), list("reference_contexts"));
        let theirs = results
            .iter()
            .find(|r| r["id"] == id)
            .unwrap_or_else(|| panic!("{id} missing"));
        let p = non_llm_context_precision(&retrieved, &reference, 0.5);
        let r = non_llm_context_recall(&retrieved, &reference, 0.5);
        let tp = theirs["non_llm_context_precision_with_reference"]
            .as_f64()
            .unwrap();
        let tr = theirs["non_llm_context_recall"].as_f64().unwrap();
        assert!(
            (p - tp).abs() < 1e-9,
            "{id}: precision ours {p}, RAGAS {tp}"
        );
        assert!((r - tr).abs() < 1e-12, "{id}: recall ours {r}, RAGAS {tr}");
        // and through the assertions
        let mut c = EvalCase::default();
        c.context = reference.clone();
        let mut o = EvalOutput::text("a");
        o.retrieved = retrieved.clone();
        let sp = score(non_llm("context-precision"), &c, &o).await.unwrap();
        let sr = score(non_llm("context-recall"), &c, &o).await.unwrap();
        assert_eq!((sp.value, sr.value), (p, r), "{id}");
        compared += 1;
    }
    assert_eq!(compared, results.len());
    assert!(compared >= 20, "{compared}");
}
