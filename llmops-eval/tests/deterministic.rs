//! Deterministic and JSON assertion types through the public API: compiled from specs by
//! `Registry::builtin`, negated with `not-`, combined into case verdicts; property tests for
//! the `contains` family and for inputs that must never panic.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::time::Duration;

use futures_util::FutureExt;
use llmops_core::{Cost, EvalCase, EvalOutput, Money, Score};
use llmops_eval::assertion::{AssertionResult, combine};
use llmops_eval::{Assertion, AssertionSpec, BuildContext, EvalError, Registry};
use proptest::prelude::*;
use serde_json::{Value, json};

fn registry() -> Registry {
    Registry::builtin(BuildContext::new())
}

fn compile(spec: AssertionSpec) -> Assertion {
    registry().compile(&spec).unwrap_or_else(|e| panic!("{e}"))
}

/// Every deterministic evaluator finishes without waiting.
fn eval(a: &Assertion, out: &EvalOutput) -> llmops_core::Result<Score> {
    a.evaluate(&EvalCase::default(), out)
        .now_or_never()
        .expect("deterministic evaluators do not wait")
}

fn result(a: &Assertion, out: &EvalOutput) -> AssertionResult {
    let r = eval(a, out);
    let mut ar: AssertionResult = serde_json::from_value(json!({
        "kind": a.spec.kind, "metric": a.metric(), "weight": a.weight
    }))
    .unwrap();
    match r {
        Ok(s) => ar.score = Some(s),
        Err(e) => ar.error = Some(e.to_string()),
    }
    ar
}

const REPLY: &str = "You can return any item within 30 days of delivery for a full refund. \
                     Start the return from Orders > Return item; we email a prepaid label.";

#[test]
fn every_deterministic_type_is_registered() {
    let reg = registry();
    let kinds = reg.kinds();
    for k in [
        "equals",
        "contains",
        "icontains",
        "contains-any",
        "contains-all",
        "icontains-any",
        "icontains-all",
        "regex",
        "starts-with",
        "ends-with",
        "length",
        "character-count",
        "word-count",
        "token-count",
        "tokens-used",
        "latency",
        "cost",
        "is-json",
        "contains-json",
        "json-path",
    ] {
        assert!(kinds.contains(&k), "`{k}` is not registered");
    }
}

#[test]
fn negation_inverts_pass_and_score() {
    let out = EvalOutput::text(REPLY);
    let cases: &[(&str, Value, bool)] = &[
        ("contains", json!("30 days"), true),
        ("contains", json!("60 days"), false),
        ("icontains-any", json!("SORRY, REFUND"), true),
        ("icontains-all", json!(["REFUND", "warranty"]), false),
        ("regex", json!(r"\d+ days"), true),
        ("starts-with", json!("Sorry"), false),
        ("equals", json!(REPLY), true),
        ("length", json!({"max": 100}), false),
        ("word-count", json!({"min": 20, "max": 40}), true),
    ];
    for (kind, value, positive) in cases {
        let plain = eval(&compile(AssertionSpec::new(*kind, value.clone())), &out).unwrap();
        let negated = compile(AssertionSpec::new(format!("not-{kind}"), value.clone()));
        assert!(negated.negate);
        let neg = eval(&negated, &out).unwrap();
        assert_eq!(plain.pass, *positive, "{kind}: {}", plain.reason);
        assert_eq!(neg.pass, !positive, "not-{kind}: {}", neg.reason);
        assert_eq!(neg.value, 1.0 - plain.value);
        assert_eq!(neg.reason, format!("not: {}", plain.reason));
    }
    // the classic "must not apologise" check
    let s = eval(
        &compile(AssertionSpec::new("not-icontains", "i'm sorry")),
        &out,
    )
    .unwrap();
    assert!(s.pass);
    let s = eval(
        &compile(AssertionSpec::new("not-contains", "30 days")),
        &out,
    )
    .unwrap();
    assert!(!s.pass && s.value == 0.0);
    assert_eq!(s.reason, "not: output contains \"30 days\"");
}

#[test]
fn unknown_cost_fails_the_case_whichever_way_it_is_negated() {
    let mut out = EvalOutput::text(REPLY);
    out.meta.latency = Duration::from_millis(420);
    out.meta.cost = Cost::unknown("no cost layer");
    for kind in ["cost", "not-cost"] {
        let a = compile(AssertionSpec::of(kind).threshold(0.01));
        let r = result(&a, &out);
        assert!(!r.passed());
        let v = combine(&[r], None);
        assert!(!v.pass && v.errored, "{kind}");
        assert!(
            v.reason.contains("the cost is unknown (no cost layer)"),
            "{}",
            v.reason
        );
        // a threshold does not rescue it either
        let a = compile(AssertionSpec::of(kind).threshold(0.01));
        let v = combine(&[result(&a, &out)], Some(0.1));
        assert!(!v.pass);
    }
    // priced: compared exactly
    out.meta.cost = Cost::Known(Money::usd_str("0.0100").unwrap());
    let a = compile(AssertionSpec::of("cost").threshold(0.01));
    assert!(eval(&a, &out).unwrap().pass);
    out.meta.cost = Cost::Known(Money::usd_str("0.01000001").unwrap());
    assert!(!eval(&a, &out).unwrap().pass);
}

#[test]
fn a_suite_of_deterministic_assertions_scores_as_promptfoo_does() {
    let mut out = EvalOutput::text(r#"{"answer": "Refunds within 30 days", "confidence": 0.9}"#);
    out.meta.latency = Duration::from_millis(300);
    let specs = [
        AssertionSpec::of("is-json"),
        AssertionSpec::new("json-path", json!({"path": "$.confidence", "equals": 0.9})),
        AssertionSpec::new("icontains", "30 DAYS").weight(2.0),
        AssertionSpec::of("latency").threshold(250.0),
    ];
    let results: Vec<_> = specs
        .into_iter()
        .map(|s| result(&compile(s), &out))
        .collect();
    let v = combine(&results, None);
    assert_eq!(v.score, 4.0 / 5.0);
    assert!(!v.pass);
    assert_eq!(v.reason, "latency: latency 300 ms > 250 ms threshold");
    assert!(combine(&results, Some(0.8)).pass);
}

#[test]
fn bad_values_fail_at_compile_time() {
    let reg = registry();
    let bad = [
        AssertionSpec::new("regex", "(?<name"),
        AssertionSpec::new("contains", json!({"a": 1})),
        AssertionSpec::new("contains-any", json!([])),
        AssertionSpec::new("length", json!({"min": 5, "max": 1})),
        AssertionSpec::new("is-json", json!({"type": 12})),
        AssertionSpec::new("json-path", json!({"path": "a.b", "equals": 1})),
        AssertionSpec::of("cost"),
        AssertionSpec::of("latency"),
        AssertionSpec::of("starts-with"),
    ];
    for spec in bad {
        match reg.compile(&spec) {
            Err(EvalError::Assertion { kind, message }) => {
                assert_eq!(kind, spec.kind);
                assert!(!message.is_empty());
            }
            other => panic!("`{}` compiled or failed oddly: {other:?}", spec.kind),
        }
    }
    match reg.compile(&AssertionSpec::new("token-count", json!({"max": 10}))) {
        Err(EvalError::Config(m)) => assert!(m.contains("token counter"), "{m}"),
        other => panic!("{other:?}"),
    }
}

fn contains_pass(kind: &str, needle: &str, text: &str) -> bool {
    eval(
        &compile(AssertionSpec::new(kind, needle)),
        &EvalOutput::text(text),
    )
    .unwrap()
    .pass
}

/// Any JSON value, a few levels deep.
fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        ".{0,8}".prop_map(Value::from),
        prop_oneof![
            Just("min"),
            Just("max"),
            Just("path"),
            Just("equals"),
            Just("$.a"),
            Just("type")
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(3, 24, 4, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("min".to_owned()),
                    Just("max".to_owned()),
                    Just("path".to_owned()),
                    Just("equals".to_owned()),
                    Just("type".to_owned()),
                    ".{0,4}"
                ],
                inner,
                0..4
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

const KINDS: &[&str] = &[
    "equals",
    "contains",
    "icontains",
    "contains-any",
    "contains-all",
    "icontains-any",
    "icontains-all",
    "regex",
    "starts-with",
    "ends-with",
    "length",
    "character-count",
    "word-count",
    "token-count",
    "tokens-used",
    "latency",
    "cost",
    "is-json",
    "contains-json",
    "json-path",
];

proptest! {
    #[test]
    fn contains_and_icontains_agree(text in ".{0,60}", start in 0usize..60, len in 1usize..8, other in ".{1,6}") {
        // a needle cut from the text is found, by both
        let chars: Vec<char> = text.chars().collect();
        if start < chars.len() {
            let needle: String = chars[start..(start + len).min(chars.len())].iter().collect();
            prop_assert!(contains_pass("contains", &needle, &text));
            // (case folding is contextual outside ASCII: a final sigma lowercases differently
            // alone and at a word's end, in JavaScript too)
            if text.is_ascii() {
                prop_assert!(contains_pass("icontains", &needle, &text));
            }
        }
        // icontains is contains on lowercased text; contains implies icontains
        let c = contains_pass("contains", &other, &text);
        let ic = contains_pass("icontains", &other, &text);
        prop_assert_eq!(ic, text.to_lowercase().contains(&other.to_lowercase()));
        prop_assert!(!c || ic);
        prop_assert_eq!(contains_pass("icontains", &other.to_uppercase(), &text), contains_pass("icontains", &other.to_lowercase(), &text.to_uppercase()));
        // not-contains is the complement
        prop_assert_eq!(contains_pass("not-contains", &other, &text), !c);
    }

    #[test]
    fn any_and_all_are_or_and_and(text in "[a-d ]{0,30}", a in "[a-d]{1,3}", b in "[a-d]{1,3}") {
        let one = |k: &str, v: Value| eval(&compile(AssertionSpec::new(k, v)), &EvalOutput::text(text.clone())).unwrap().pass;
        let (ha, hb) = (text.contains(&a), text.contains(&b));
        prop_assert_eq!(one("contains-any", json!([a, b])), ha || hb);
        prop_assert_eq!(one("contains-all", json!([a, b])), ha && hb);
        prop_assert_eq!(one("contains-all", json!(format!("{a}, {b}"))), ha && hb);
        prop_assert_eq!(one("icontains-any", json!([a.to_uppercase(), b.to_uppercase()])), ha || hb);
    }

    #[test]
    fn no_output_makes_an_evaluator_panic(text in prop_oneof![".{0,200}", r#"[{}\[\]":,0-9a-z \\]{0,200}"#]) {
        let mut out = EvalOutput::text(text);
        out.meta.latency = Duration::from_millis(10);
        let specs = [
            AssertionSpec::new("equals", json!({"a": [1, 2]})),
            AssertionSpec::new("equals", "x"),
            AssertionSpec::new("icontains-all", "a, \"b, c\", d"),
            AssertionSpec::new("regex", r"(\w+)\s+\1"),
            AssertionSpec::new("regex", r"(?<=a)b+"),
            AssertionSpec::new("ends-with", "}"),
            AssertionSpec::new("length", json!({"min": 1, "max": 50})),
            AssertionSpec::new("word-count", 3),
            AssertionSpec::of("is-json"),
            AssertionSpec::new("is-json", json!({"type": "object", "required": ["a"]})),
            AssertionSpec::new("contains-json", json!({"type": "object"})),
            AssertionSpec::new("json-path", json!({"path": "$..a", "equals": [1]})),
            AssertionSpec::of("latency").threshold(5.0),
            AssertionSpec::of("cost").threshold(1.0),
        ];
        for spec in specs {
            let a = compile(spec);
            if let Ok(s) = eval(&a, &out) {
                prop_assert!(s.value == 0.0 || s.value == 1.0);
                prop_assert!(!s.reason.is_empty());
            }
        }
    }

    #[test]
    fn no_value_makes_a_factory_panic(kind_i in 0usize..KINDS.len(), negate in any::<bool>(), value in proptest::option::of(any_json()), threshold in proptest::option::of(-10.0f64..10.0), text in ".{0,40}") {
        let kind = if negate { format!("not-{}", KINDS[kind_i]) } else { KINDS[kind_i].to_owned() };
        let mut spec = AssertionSpec::of(kind);
        spec.value = value;
        spec.threshold = threshold;
        if let Ok(a) = registry().compile(&spec) {
            let _ = eval(&a, &EvalOutput::text(text));
        }
    }
}
