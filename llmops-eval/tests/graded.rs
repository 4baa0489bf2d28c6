//! Model-graded, RAG-with-judge and safety evaluators, the judge scripted: the prompts sent,
//! the arithmetic, malformed judge output (an error, never a pass), judge cost and tokens,
//! template overrides.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::HashMap;
use std::sync::Arc;

use llmops_core::provider::scripted::Step;
use llmops_core::{
    ChatResponse, Cost, Embedder, EvalOutput, Money, ResponseFormat, Role, ScriptedProvider, Usage,
    async_trait,
};
use llmops_eval::assertion::{AssertionResult, combine};
use llmops_eval::{AssertionSpec, BuildContext, EvalError, Registry};
use serde_json::json;

#[path = "support/judge_fixture.rs"]
mod judge_fixture;
use judge_fixture::*;

const ANSWER: &str = "The Eiffel Tower is in Paris. It is 330 metres tall. It was built in 1999.";

fn statements_json() -> String {
    json!({"statements": [
        "The Eiffel Tower is in Paris.",
        "The Eiffel Tower is 330 metres tall.",
        "The Eiffel Tower was built in 1999."
    ]})
    .to_string()
}

fn verdicts_json(v: [i64; 3]) -> String {
    json!({"statements": [
        {"statement": "The Eiffel Tower is in Paris.", "reason": "stated", "verdict": v[0]},
        {"statement": "The Eiffel Tower is 330 metres tall.", "reason": "stated", "verdict": v[1]},
        {"statement": "The Eiffel Tower was built in 1999.", "reason": "not in context", "verdict": v[2]}
    ]})
    .to_string()
}

// ------------------------------------------------------------------ context-faithfulness

#[tokio::test]
async fn faithfulness_sends_the_ragas_prompts_and_scores_supported_over_total() {
    let p = judge(vec![
        ("into short statements", statements_json()),
        ("Judge each statement", verdicts_json([1, 1, 0])),
    ]);
    let a = compile(cx_with(&p), &AssertionSpec::of("context-faithfulness"));
    let retrieved = "Paris landmark: the Eiffel Tower, 330 metres.";
    let s = a
        .evaluate(&rag_case(), &answer(ANSWER, &[retrieved]))
        .await
        .unwrap();

    assert!((s.value - 2.0 / 3.0).abs() < 1e-12, "{}", s.value);
    assert_eq!(format!("{:.4}", s.value), "0.6667");
    assert!(!s.pass, "0.6667 < default threshold 0.7");
    assert!(s.reason.contains("2 of 3 statements"), "{}", s.reason);
    assert!(s.reason.contains("built in 1999"), "{}", s.reason);

    let reqs = p.requests();
    assert_eq!(reqs.len(), 2);
    // step 1: the statements prompt carries the answer and the question
    let step1 = all_text(&reqs[0]);
    assert!(step1.contains(ANSWER), "{step1}");
    assert!(
        step1.contains("Where is the Eiffel Tower and how tall is it?"),
        "{step1}"
    );
    assert!(
        !step1.contains(retrieved),
        "the context is not needed to extract statements"
    );
    // step 2: the verdict prompt carries the retrieved context and every statement
    let step2 = all_text(&reqs[1]);
    assert!(step2.contains(retrieved), "{step2}");
    for st in [
        "The Eiffel Tower is in Paris.",
        "The Eiffel Tower is 330 metres tall.",
        "The Eiffel Tower was built in 1999.",
    ] {
        assert!(step2.contains(st), "missing {st}: {step2}");
    }
    // judge calls: temperature 0, a JSON schema response format, the judge model
    for r in &reqs {
        assert_eq!(r.params.temperature, Some(0.0));
        assert!(matches!(
            r.params.response_format,
            Some(ResponseFormat::JsonSchema { .. })
        ));
        assert_eq!(r.model, "judge");
    }
}

#[tokio::test]
async fn faithfulness_threshold_and_context_fallback() {
    let p = judge(vec![
        ("into short statements", statements_json()),
        ("Judge each statement", verdicts_json([1, 1, 0])),
    ]);
    let a = compile(
        cx_with(&p),
        &AssertionSpec::of("context-faithfulness").threshold(0.6),
    );
    // nothing retrieved: the case's context is judged against
    let s = a.evaluate(&rag_case(), &answer(ANSWER, &[])).await.unwrap();
    assert!(s.pass);
    let step2 = all_text(&p.requests()[1]);
    assert!(
        step2.contains("The Eiffel Tower stands in Paris. It is 330 metres tall."),
        "{step2}"
    );

    // neither retrieved nor case context: an error, not a score
    let mut bare = rag_case();
    bare.context.clear();
    let e = err_of(&a, &bare, &answer(ANSWER, &[])).await;
    assert!(e.contains("needs a context"), "{e}");
    // no question: an error
    let mut noq = rag_case();
    noq.vars.clear();
    let e = err_of(&a, &noq, &answer(ANSWER, &["ctx"])).await;
    assert!(e.contains("needs the question"), "{e}");
}

#[tokio::test]
async fn faithfulness_with_no_statement_is_an_error_unless_configured() {
    let p = judge(vec![(
        "into short statements",
        r#"{"statements": []}"#.to_string(),
    )]);
    let a = compile(cx_with(&p), &AssertionSpec::of("context-faithfulness"));
    let e = err_of(&a, &rag_case(), &answer("I don't know.", &["ctx"])).await;
    assert!(e.contains("undefined") && e.contains("NaN"), "{e}");

    let mut spec = AssertionSpec::of("context-faithfulness");
    spec.config.insert("onNoStatements".into(), json!("pass"));
    let a = compile(cx_with(&p), &spec);
    let s = a
        .evaluate(&rag_case(), &answer("I don't know.", &["ctx"]))
        .await
        .unwrap();
    assert_eq!((s.value, s.pass), (1.0, true));
    assert_eq!(s.label.as_deref(), Some("no_statements"));

    spec.config.insert("onNoStatements".into(), json!("maybe"));
    assert!(Registry::builtin(cx_with(&p)).compile(&spec).is_err());
}

#[tokio::test]
async fn faithfulness_rejects_inconsistent_verdicts() {
    // two verdicts for three statements
    let two = json!({"statements": [
        {"statement": "a", "reason": "r", "verdict": 1},
        {"statement": "b", "reason": "r", "verdict": 1}
    ]})
    .to_string();
    let p = judge(vec![
        ("into short statements", statements_json()),
        ("Judge each statement", two),
    ]);
    let a = compile(cx_with(&p), &AssertionSpec::of("context-faithfulness"));
    let e = err_of(&a, &rag_case(), &answer(ANSWER, &["ctx"])).await;
    assert!(e.contains("2 verdicts for 3 statements"), "{e}");

    // a verdict that is not 0 or 1
    let p = judge(vec![
        ("into short statements", statements_json()),
        ("Judge each statement", verdicts_json([1, 2, 0])),
    ]);
    let a = compile(cx_with(&p), &AssertionSpec::of("context-faithfulness"));
    let e = err_of(&a, &rag_case(), &answer(ANSWER, &["ctx"])).await;
    assert!(e.contains("verdict must be 0 or 1, got 2"), "{e}");
}

// ------------------------------------------------------------------ malformed output, per type

/// Every judge-graded type, given a judge that answers `bad` to every call, errors with an
/// excerpt of the reply, and the case combining it is errored, not passed.
#[tokio::test]
async fn malformed_judge_output_errors_every_judge_type() {
    let bads = [
        "Sure! The answer passes.",                      // not JSON
        r#"{"reason": "fine"}"#,                         // missing fields
        r#"{"reason": "ok", "pass": true, "score": 7}"#, // out of range for a 0..1 score
    ];
    let mut case = rag_case();
    case.relevant_docs = vec!["d1".into()];
    let out = answer(ANSWER, &["ctx one", "ctx two"]);
    for bad in bads {
        let p = Arc::new(ScriptedProvider::new().repeat(bad));
        let cx = cx_with(&p).embedder(Arc::new(Table::default()));
        let reg = Registry::builtin(cx);
        for spec in [
            AssertionSpec::new("llm-rubric", "answers the question"),
            AssertionSpec::new("g-eval", "factually accurate"),
            AssertionSpec::of("context-faithfulness"),
            AssertionSpec::of("answer-relevance"),
            AssertionSpec::of("context-precision"),
            AssertionSpec::of("context-recall"),
        ] {
            let a = reg.compile(&spec).unwrap();
            let e = err_of(&a, &case, &out).await;
            let head: String = bad.chars().take(12).collect();
            assert!(
                e.contains(&head.replace('"', "\\\"")) || e.contains(&head),
                "{}: {e}",
                spec.kind
            );
            assert!(e.contains(&spec.kind), "names the type: {e}");
            // the case is errored, not passed
            let mut r: AssertionResult = serde_json::from_value(
                json!({"kind": spec.kind, "metric": spec.kind, "weight": 1.0}),
            )
            .unwrap();
            r.error = Some(e);
            let v = combine(&[r], Some(0.0001));
            assert!(v.errored && !v.pass);
        }
    }
}

#[tokio::test]
async fn out_of_range_scores_and_verdicts_are_errors() {
    let case = rag_case();
    let out = answer(ANSWER, &["ctx"]);
    // llm-rubric score above 1
    let p =
        Arc::new(ScriptedProvider::new().repeat(r#"{"reason": "r", "pass": true, "score": 1.5}"#));
    let a = compile(cx_with(&p), &AssertionSpec::new("llm-rubric", "x"));
    assert!(
        err_of(&a, &case, &out)
            .await
            .contains("score must lie in 0..=1, got 1.5")
    );
    // g-eval score above 10
    let p = judge(vec![
        (
            "evaluation steps that a grader",
            r#"{"steps": ["check facts"]}"#.into(),
        ),
        (
            "following the evaluation steps",
            r#"{"score": 11, "reason": "great"}"#.into(),
        ),
    ]);
    let a = compile(cx_with(&p), &AssertionSpec::new("g-eval", "accurate"));
    assert!(err_of(&a, &case, &out).await.contains("0..=10, got 11"));
    // answer-relevance noncommittal 3
    let p = Arc::new(ScriptedProvider::new().repeat(r#"{"questions": ["q"], "noncommittal": 3}"#));
    let a = compile(
        cx_with(&p).embedder(Arc::new(Table::default())),
        &AssertionSpec::of("answer-relevance"),
    );
    assert!(
        err_of(&a, &case, &out)
            .await
            .contains("verdict must be 0 or 1, got 3")
    );
}

// ------------------------------------------------------------------ cost and tokens

#[tokio::test]
async fn judge_cost_and_tokens_are_summed_over_every_call() {
    let p = Arc::new(ScriptedProvider::new().responder(|req| {
        let t = all_text(req);
        Some(if t.contains("into short statements") {
            priced(&statements_json(), "0.0012", Usage::new(300, 40))
        } else {
            priced(&verdicts_json([1, 1, 1]), "0.0030", Usage::new(500, 90))
        })
    }));
    let a = compile(cx_with(&p), &AssertionSpec::of("context-faithfulness"));
    let s = a
        .evaluate(&rag_case(), &answer(ANSWER, &["ctx"]))
        .await
        .unwrap();
    assert_eq!(s.value, 1.0);
    assert_eq!(s.cost, Cost::Known(Money::usd_str("0.0042").unwrap()));
    assert_eq!((s.usage.input_tokens, s.usage.output_tokens), (800, 130));

    // one unpriced call makes the total unknown, never a silent zero
    let p = Arc::new(ScriptedProvider::new().responder(|req| {
        let t = all_text(req);
        Some(if t.contains("into short statements") {
            priced(&statements_json(), "0.0012", Usage::new(300, 40))
        } else {
            Step::Reply(ChatResponse::new(verdicts_json([1, 1, 1])))
        })
    }));
    let a = compile(cx_with(&p), &AssertionSpec::of("context-faithfulness"));
    let s = a
        .evaluate(&rag_case(), &answer(ANSWER, &["ctx"]))
        .await
        .unwrap();
    assert!(s.cost.known().is_none(), "{:?}", s.cost);

    // context precision: one call per retrieved chunk, summed
    let p = Arc::new(ScriptedProvider::new().repeat_with({
        let mut r = ChatResponse::new(r#"{"reason": "useful", "verdict": 1}"#);
        r.usage = Usage::new(50, 5);
        r.meta.cost = Cost::Known(Money::usd_str("0.0005").unwrap());
        r
    }));
    let a = compile(cx_with(&p), &AssertionSpec::of("context-precision"));
    let s = a
        .evaluate(&rag_case(), &answer(ANSWER, &["a", "b", "c"]))
        .await
        .unwrap();
    assert_eq!(p.calls(), 3);
    assert_eq!(s.cost, Cost::Known(Money::usd_str("0.0015").unwrap()));
    assert_eq!(s.usage.input_tokens, 150);
}

// ------------------------------------------------------------------ llm-rubric

#[tokio::test]
async fn rubric_pass_score_threshold_and_prompt() {
    let p = Arc::new(
        ScriptedProvider::new()
            .repeat(r#"{"reason": "polite but vague", "pass": true, "score": 0.6}"#),
    );
    let a = compile(
        cx_with(&p),
        &AssertionSpec::new("llm-rubric", "Is polite and specific"),
    );
    let s = a
        .evaluate(&rag_case(), &EvalOutput::text("Happy to help!"))
        .await
        .unwrap();
    assert_eq!((s.value, s.pass), (0.6, true));
    assert_eq!(s.reason, "polite but vague");
    let sent = all_text(&p.requests()[0]);
    assert!(
        sent.contains("Happy to help!") && sent.contains("Is polite and specific"),
        "{sent}"
    );

    // with a threshold the score must reach it too
    let a = compile(
        cx_with(&p),
        &AssertionSpec::new("llm-rubric", "x").threshold(0.8),
    );
    let s = a
        .evaluate(&rag_case(), &EvalOutput::text("Happy to help!"))
        .await
        .unwrap();
    assert!(!s.pass);
    assert!(s.reason.contains("< threshold 0.8"), "{}", s.reason);

    // the judge says fail: fail, whatever the score; negation inverts
    let p = Arc::new(
        ScriptedProvider::new().repeat(r#"{"reason": "rude", "pass": false, "score": 0.0}"#),
    );
    let a = compile(
        cx_with(&p),
        &AssertionSpec::new("not-llm-rubric", "is rude"),
    );
    let s = a
        .evaluate(&rag_case(), &EvalOutput::text("Happy to help!"))
        .await
        .unwrap();
    assert_eq!((s.value, s.pass), (1.0, true));
}

#[tokio::test]
async fn the_spec_provider_overrides_the_judge_model() {
    let p =
        Arc::new(ScriptedProvider::new().repeat(r#"{"reason": "r", "pass": true, "score": 1}"#));
    let mut spec = AssertionSpec::new("llm-rubric", "x");
    spec.provider = Some(json!("scripted/bigger-judge"));
    compile(cx_with(&p), &spec)
        .evaluate(&rag_case(), &EvalOutput::text("y"))
        .await
        .unwrap();
    spec.provider = Some(json!({"id": "scripted/other"}));
    compile(cx_with(&p), &spec)
        .evaluate(&rag_case(), &EvalOutput::text("y"))
        .await
        .unwrap();
    let models: Vec<String> = p.requests().iter().map(|r| r.model.clone()).collect();
    assert_eq!(models, ["bigger-judge", "other"]);
    spec.provider = Some(json!(42));
    assert!(Registry::builtin(cx_with(&p)).compile(&spec).is_err());

    // jsonMode: object and off
    spec.provider = None;
    spec.config.insert("jsonMode".into(), json!("object"));
    compile(cx_with(&p), &spec)
        .evaluate(&rag_case(), &EvalOutput::text("y"))
        .await
        .unwrap();
    spec.config.insert("jsonMode".into(), json!("off"));
    compile(cx_with(&p), &spec)
        .evaluate(&rag_case(), &EvalOutput::text("y"))
        .await
        .unwrap();
    let reqs = p.requests();
    assert_eq!(
        reqs[2].params.response_format,
        Some(ResponseFormat::JsonObject)
    );
    assert_eq!(reqs[3].params.response_format, None);
}

// ------------------------------------------------------------------ g-eval

#[tokio::test]
async fn geval_generates_steps_then_scores_out_of_ten() {
    let p = judge(vec![
        (
            "evaluation steps that a grader",
            r#"```json
{"steps": ["Check each fact against the input", "Penalise invented facts"]}
```"#
                .into(),
        ),
        (
            "following the evaluation steps",
            r#"{"score": 7, "reason": "one invented date"}"#.into(),
        ),
    ]);
    let a = compile(
        cx_with(&p),
        &AssertionSpec::new("g-eval", "Factually accurate"),
    );
    let s = a
        .evaluate(&rag_case(), &EvalOutput::text(ANSWER))
        .await
        .unwrap();
    assert!((s.value - 0.7).abs() < 1e-12);
    assert!(s.pass, "0.7 reaches the default threshold 0.7");
    let reqs = p.requests();
    assert_eq!(reqs.len(), 2);
    assert!(all_text(&reqs[0]).contains("Factually accurate"));
    let eval = all_text(&reqs[1]);
    assert!(
        eval.contains("1. Check each fact against the input"),
        "{eval}"
    );
    assert!(eval.contains("2. Penalise invented facts"), "{eval}");
    assert!(
        eval.contains(ANSWER) && eval.contains("Where is the Eiffel Tower"),
        "{eval}"
    );
    assert!(eval.contains("to 10"), "{eval}");
    assert_eq!(s.cost, Cost::Known(Money::usd_str("0.002").unwrap()));

    // given steps skip step 1; a list of criteria is averaged
    let p = judge(vec![
        (
            "Criteria:\nConcise",
            r#"{"score": 4, "reason": "long"}"#.into(),
        ),
        (
            "Criteria:\nPolite",
            r#"{"score": 10, "reason": "polite"}"#.into(),
        ),
    ]);
    let mut spec = AssertionSpec::new("g-eval", json!(["Concise", "Polite"]));
    spec.config.insert("steps".into(), json!(["Read it"]));
    let a = compile(cx_with(&p), &spec);
    let s = a
        .evaluate(&rag_case(), &EvalOutput::text(ANSWER))
        .await
        .unwrap();
    assert_eq!(p.calls(), 2);
    assert!((s.value - 0.7).abs() < 1e-12, "{}", s.value);
    assert!(s.reason.contains("[Concise] 0.40"), "{}", s.reason);
}

#[tokio::test]
async fn geval_below_threshold_fails_and_bad_steps_error() {
    let p = judge(vec![
        (
            "evaluation steps that a grader",
            r#"{"steps": ["x"]}"#.into(),
        ),
        (
            "following the evaluation steps",
            r#"{"score": 3, "reason": "poor"}"#.into(),
        ),
    ]);
    let a = compile(cx_with(&p), &AssertionSpec::new("g-eval", "accurate"));
    let s = a
        .evaluate(&rag_case(), &EvalOutput::text("x"))
        .await
        .unwrap();
    assert_eq!((s.value, s.pass), (0.3, false));

    let p = judge(vec![(
        "evaluation steps that a grader",
        r#"{"steps": []}"#.into(),
    )]);
    let a = compile(cx_with(&p), &AssertionSpec::new("g-eval", "accurate"));
    assert!(
        err_of(&a, &rag_case(), &EvalOutput::text("x"))
            .await
            .contains("no evaluation steps")
    );
}

// ------------------------------------------------------------------ answer-relevance

/// Embeds by table; unknown texts get a fixed orthogonal-ish vector.
#[derive(Default)]
struct Table(HashMap<String, Vec<f32>>);

#[async_trait]
impl Embedder for Table {
    fn id(&self) -> &str {
        "table"
    }
    fn dims(&self) -> usize {
        2
    }
    async fn embed(&self, texts: &[&str]) -> llmops_core::Result<Vec<Vec<f32>>> {
        Ok(texts
            .iter()
            .map(|t| self.0.get(*t).cloned().unwrap_or(vec![0.0, 1.0]))
            .collect())
    }
}

#[tokio::test]
async fn answer_relevance_is_mean_cosine_zeroed_when_noncommittal() {
    let q = "Where is the Eiffel Tower and how tall is it?";
    let mut t = HashMap::new();
    t.insert(q.to_string(), vec![1.0, 0.0]);
    t.insert("Where is the Eiffel Tower?".to_string(), vec![1.0, 0.0]); // cos 1
    t.insert("How tall is it?".to_string(), vec![0.6, 0.8]); // cos 0.6
    t.insert("What is in Paris?".to_string(), vec![0.8, 0.6]); // cos 0.8
    let emb: Arc<dyn Embedder> = Arc::new(Table(t));
    let p = Arc::new(ScriptedProvider::new().repeat(
        r#"{"questions": ["Where is the Eiffel Tower?", "How tall is it?", "What is in Paris?"], "noncommittal": 0}"#,
    ));
    let a = compile(
        cx_with(&p).embedder(emb.clone()),
        &AssertionSpec::of("answer-relevance"),
    );
    let s = a
        .evaluate(&rag_case(), &EvalOutput::text(ANSWER))
        .await
        .unwrap();
    assert!((s.value - 0.8).abs() < 1e-6, "{}", s.value);
    assert!(s.pass);
    let sent = all_text(&p.requests()[0]);
    assert!(
        sent.contains(ANSWER) && sent.contains("write 3 different questions"),
        "{sent}"
    );

    let p = Arc::new(
        ScriptedProvider::new()
            .repeat(r#"{"questions": ["Where is the Eiffel Tower?"], "noncommittal": 1}"#),
    );
    let a = compile(
        cx_with(&p).embedder(emb.clone()),
        &AssertionSpec::of("answer-relevance"),
    );
    let s = a
        .evaluate(&rag_case(), &EvalOutput::text("I'm not sure."))
        .await
        .unwrap();
    assert_eq!((s.value, s.pass), (0.0, false));
    assert_eq!(s.label.as_deref(), Some("noncommittal"));

    // an unrelated answer: low similarity fails
    let p = Arc::new(
        ScriptedProvider::new()
            .repeat(r#"{"questions": ["What is a banana?"], "noncommittal": 0}"#),
    );
    let a = compile(
        cx_with(&p).embedder(emb),
        &AssertionSpec::of("answer-relevance"),
    );
    let s = a
        .evaluate(&rag_case(), &EvalOutput::text("Bananas are yellow."))
        .await
        .unwrap();
    assert_eq!((s.value, s.pass), (0.0, false));
}

// ------------------------------------------------------------------ configuration errors

#[test]
fn judge_types_without_a_judge_or_embedder_are_configuration_errors() {
    let reg = Registry::builtin(BuildContext::new());
    for kind in [
        "llm-rubric",
        "g-eval",
        "context-faithfulness",
        "answer-relevance",
        "context-precision",
        "context-recall",
    ] {
        let spec = AssertionSpec::new(kind, "v");
        match reg.compile(&spec) {
            Err(EvalError::Config(m)) => assert!(m.contains("needs a judge"), "{kind}: {m}"),
            other => panic!("{kind}: {other:?}"),
        }
    }
    let e = Registry::builtin(BuildContext::new())
        .compile(&AssertionSpec::of("context-precision"))
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("mode: non-llm"),
        "points at the non-LLM variant: {e}"
    );

    let p = Arc::new(ScriptedProvider::new());
    match Registry::builtin(cx_with(&p)).compile(&AssertionSpec::of("answer-relevance")) {
        Err(EvalError::Config(m)) => assert!(m.contains("needs an embedder"), "{m}"),
        other => panic!("{other:?}"),
    }
}

// ------------------------------------------------------------------ templates

#[tokio::test]
async fn template_overrides_are_used() {
    let ok = r#"{"reason": "r", "pass": true, "score": 1}"#;
    // BuildContext::judge_templates, by type
    let p = Arc::new(ScriptedProvider::new().repeat(ok));
    let cx = cx_with(&p).judge_template(
        "llm-rubric",
        "HOUSE RUBRIC {{ rubric }} :: {{ output }} :: {{ vars.tone }}",
    );
    let mut case = rag_case();
    case.vars.insert("tone".into(), json!("formal"));
    compile(cx, &AssertionSpec::new("llm-rubric", "be nice"))
        .evaluate(&case, &EvalOutput::text("hello"))
        .await
        .unwrap();
    assert_eq!(
        all_text(&p.requests()[0]),
        "HOUSE RUBRIC be nice :: hello :: formal"
    );

    // the spec's rubricPrompt wins over the context's, as a promptfoo message list
    let p = Arc::new(ScriptedProvider::new().repeat(ok));
    let cx = cx_with(&p).judge_template("llm-rubric", "HOUSE {{ output }}");
    let mut spec = AssertionSpec::new("llm-rubric", "be nice");
    spec.rubric_prompt = Some(
        r#"[{"role": "system", "content": "You are strict."}, {"role": "user", "content": "SPEC {{ output }}"}]"#.into(),
    );
    compile(cx, &spec)
        .evaluate(&case, &EvalOutput::text("hello"))
        .await
        .unwrap();
    let req = &p.requests()[0];
    assert_eq!(req.messages[0].role, Role::System);
    assert_eq!(req.messages[1].text(), "SPEC hello");

    // a non-main step: by `type.step` in the context, and by config.prompts in the spec
    let p = judge(vec![
        ("EXTRACT", statements_json()),
        ("VERDICTS", verdicts_json([1, 1, 1])),
    ]);
    let cx = cx_with(&p).judge_template(
        "context-faithfulness.statements",
        "EXTRACT {{ output }} for {{ question }}",
    );
    let mut spec = AssertionSpec::of("context-faithfulness");
    spec.config.insert(
        "prompts".into(),
        json!({"verdicts": "VERDICTS {{ context }} {% for s in statements %}[{{ s }}]{% endfor %}"}),
    );
    let s = compile(cx, &spec)
        .evaluate(&rag_case(), &answer(ANSWER, &["CTX"]))
        .await
        .unwrap();
    assert_eq!(s.value, 1.0);
    let reqs = p.requests();
    assert!(all_text(&reqs[0]).starts_with("EXTRACT The Eiffel"));
    assert_eq!(
        all_text(&reqs[1]),
        "VERDICTS CTX [The Eiffel Tower is in Paris.][The Eiffel Tower is 330 metres tall.][The Eiffel Tower was built in 1999.]"
    );
}

#[test]
fn an_unknown_template_variable_is_an_error_at_build() {
    let p = Arc::new(ScriptedProvider::new());
    let reg =
        Registry::builtin(cx_with(&p).judge_template("llm-rubric", "{{ output }} {{ rubrik }}"));
    let e = reg
        .compile(&AssertionSpec::new("llm-rubric", "x"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown variable `rubrik`"), "{e}");
    assert!(e.contains("rubric"), "lists the allowed ones: {e}");

    let mut spec = AssertionSpec::new("g-eval", "x");
    spec.rubric_prompt = Some("{{ output }} {{ statements }}".into());
    let e = Registry::builtin(cx_with(&p))
        .compile(&spec)
        .unwrap_err()
        .to_string();
    assert!(e.contains("unknown variable `statements`"), "{e}");

    // a template key naming a step that does not exist
    let reg = Registry::builtin(cx_with(&p).judge_template("context-faithfulness.statement", "x"));
    let e = reg
        .compile(&AssertionSpec::of("context-faithfulness"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no step `statement`"), "{e}");
    let mut spec = AssertionSpec::of("context-faithfulness");
    spec.config
        .insert("prompts".into(), json!({"verdict": "x"}));
    let e = Registry::builtin(cx_with(&p))
        .compile(&spec)
        .unwrap_err()
        .to_string();
    assert!(e.contains("config.prompts.verdict: no such step"), "{e}");
    // a syntax error
    let reg = Registry::builtin(cx_with(&p).judge_template("llm-rubric", "{% if output %}"));
    assert!(reg.compile(&AssertionSpec::new("llm-rubric", "x")).is_err());
}

// ------------------------------------------------------------------ docs stay true

/// docs/eval-judges.md prints every default prompt as it is, and the malformed-reply error
/// exactly as a user sees it.
#[tokio::test]
async fn the_docs_print_the_defaults_and_the_error_as_they_are() {
    let doc = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/eval-judges.md"),
    )
    .unwrap();
    for slot in llmops_eval::evaluators::graded::templates::SLOTS {
        assert!(
            doc.contains(slot.default_template()),
            "docs/eval-judges.md lacks the default prompt of `{}`",
            slot.key()
        );
        assert!(doc.contains(&format!("`{}`", slot.key())), "{}", slot.key());
    }
    let p = Arc::new(ScriptedProvider::new().repeat(r#"{"reason": "fine"}"#));
    let a = compile(cx_with(&p), &AssertionSpec::new("llm-rubric", "x"));
    let e = err_of(&a, &rag_case(), &EvalOutput::text("y")).await;
    assert!(doc.contains(&e), "docs/eval-judges.md should quote: {e}");
}
