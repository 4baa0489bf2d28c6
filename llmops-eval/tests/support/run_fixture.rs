//! Hand-built [`RunReport`]s for the report and gate tests (the model's structs are
//! `#[non_exhaustive]`, so cases are built through their JSON form, as `RunReport::read` would).
#![allow(
    dead_code,
    unreachable_pub,
    missing_docs,
    clippy::unwrap_used,
    clippy::expect_used
)]

use std::time::Duration;

use llmops_eval::llmops_core::{Cost, Money, Usage};
use llmops_eval::{CaseResult, RunReport};
use serde_json::{Value, json};

/// One case, built step by step.
#[derive(Debug, Clone)]
pub struct C {
    id: String,
    tags: Vec<String>,
    status: &'static str,
    score: f64,
    output: Option<String>,
    expected: Option<String>,
    reason: String,
    error: Option<String>,
    metrics: Vec<(String, f64)>,
    description: Option<String>,
    repeats: Vec<f64>,
    assertions: Vec<Value>,
    vars: Value,
}

impl C {
    /// A passing case with score 1.
    pub fn pass(id: &str) -> Self {
        C {
            id: id.into(),
            tags: vec![],
            status: "pass",
            score: 1.0,
            output: Some(format!("answer to {id}")),
            expected: None,
            reason: String::new(),
            error: None,
            metrics: vec![],
            description: None,
            repeats: vec![],
            assertions: vec![],
            vars: json!({}),
        }
    }
    /// A failing case with score 0 and `reason`.
    pub fn fail(id: &str, reason: &str) -> Self {
        C {
            status: "fail",
            score: 0.0,
            reason: reason.into(),
            ..C::pass(id)
        }
    }
    /// A case whose target failed.
    pub fn error(id: &str, error: &str) -> Self {
        C {
            status: "error",
            score: 0.0,
            output: None,
            error: Some(error.into()),
            ..C::pass(id)
        }
    }
    /// Passed when `score >= 0.5`.
    pub fn scored(id: &str, score: f64) -> Self {
        if score >= 0.5 {
            C {
                score,
                ..C::pass(id)
            }
        } else {
            C {
                score,
                ..C::fail(id, "below threshold")
            }
        }
    }
    pub fn tags(mut self, t: &[&str]) -> Self {
        self.tags = t.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn score(mut self, s: f64) -> Self {
        self.score = s;
        self
    }
    pub fn output(mut self, o: &str) -> Self {
        self.output = Some(o.into());
        self
    }
    pub fn expected(mut self, e: &str) -> Self {
        self.expected = Some(e.into());
        self
    }
    pub fn describe(mut self, d: &str) -> Self {
        self.description = Some(d.into());
        self
    }
    pub fn metric(mut self, k: &str, v: f64) -> Self {
        self.metrics.push((k.into(), v));
        self
    }
    pub fn var(mut self, k: &str, v: Value) -> Self {
        self.vars[k] = v;
        self
    }
    /// Scores of repeated trials (the case score stays as set).
    pub fn repeats(mut self, scores: &[f64]) -> Self {
        self.repeats = scores.to_vec();
        self
    }
    /// Adds an assertion result.
    pub fn assertion(mut self, kind: &str, value: f64, pass: bool, reason: &str) -> Self {
        self.assertions.push(json!({
            "kind": kind, "metric": kind, "weight": 1.0,
            "score": {"value": value, "pass": pass, "reason": reason},
        }));
        self
    }
    /// Adds an assertion whose evaluator failed.
    pub fn assertion_error(mut self, kind: &str, error: &str) -> Self {
        self.assertions
            .push(json!({"kind": kind, "metric": kind, "weight": 1.0, "error": error}));
        self
    }

    fn trial(&self, repeat: usize, score: f64) -> Value {
        let pass = self.status == "pass";
        let mut t = json!({
            "repeat": repeat,
            "latency": 120.0 + repeat as f64,
            "assertions": self.assertions,
            "verdict": {
                "score": score, "pass": pass, "reason": self.reason,
                "named_scores": {}, "errored": self.status == "error",
            },
        });
        if let Some(o) = &self.output {
            t["output"] = json!({"text": o});
        }
        if let Some(e) = &self.error {
            t["error"] = json!(e);
        }
        t
    }

    pub fn build(&self) -> CaseResult {
        let trials: Vec<Value> = if self.repeats.is_empty() {
            vec![self.trial(0, self.score)]
        } else {
            self.repeats
                .iter()
                .enumerate()
                .map(|(i, s)| self.trial(i, *s))
                .collect()
        };
        let metrics: serde_json::Map<String, Value> = self
            .metrics
            .iter()
            .map(|(k, v)| (k.clone(), json!(v)))
            .collect();
        let mut c = json!({
            "id": self.id,
            "tags": self.tags,
            "vars": self.vars,
            "trials": trials,
            "status": self.status,
            "score": self.score,
            "metrics": metrics,
            "source": format!("evals/support.yaml:{}", 10 + self.id.len()),
        });
        if let Some(e) = &self.expected {
            c["expected"] = json!(e);
        }
        if let Some(d) = &self.description {
            c["description"] = json!(d);
        }
        if self.repeats.len() > 1 {
            let n = self.repeats.len() as f64;
            let m = self.repeats.iter().sum::<f64>() / n;
            c["interval"] = json!({"n": self.repeats.len(), "mean": m, "low": (m - 0.2).max(0.0), "high": (m + 0.2).min(1.0), "level": 0.95});
        }
        serde_json::from_value(c).expect("a valid case")
    }
}

/// A run of `suite` over `cases`, totals computed, judge and target costs set.
pub fn run(suite: &str, target: &str, cases: &[C]) -> RunReport {
    let mut r = RunReport::empty(suite, target);
    r.started_at = "2025-06-01T12:00:00Z".parse().unwrap();
    r.duration = Duration::from_millis(3_250);
    r.cases = cases.iter().map(C::build).collect();
    r.compute_totals();
    r.eval_cost = Cost::Known(Money::usd_str("0.0123").unwrap());
    r.eval_usage =
        serde_json::from_value(json!({"input_tokens": 4200, "output_tokens": 310})).unwrap();
    r.target_cost = Cost::Known(Money::usd_str("0.0456").unwrap());
    r.target_usage = Usage::default();
    r
}

/// `n` cases `c0..c{n-1}` with the given scores (pass when >= 0.5).
pub fn scored_run(suite: &str, target: &str, scores: &[f64]) -> RunReport {
    let cases: Vec<C> = scores
        .iter()
        .enumerate()
        .map(|(i, s)| C::scored(&format!("c{i:02}"), *s))
        .collect();
    run(suite, target, &cases)
}

/// A realistic support-assistant run: passes, a failure with a diff, an errored case, a judge
/// metric, repeats, tags, and an output that tries to inject a script.
pub fn support_run() -> RunReport {
    let cases = vec![
        C::pass("refund-window")
            .tags(&["billing", "refund"])
            .describe("Refund window for annual plans")
            .var("question", json!("How long do I have to ask for a refund?"))
            .expected("You can request a refund within 30 days of purchase.")
            .output("You can request a refund within 30 days of purchase.")
            .assertion("icontains", 1.0, true, "found `30 days`")
            .assertion("llm-rubric", 0.9, true, "accurate and polite")
            .metric("icontains", 1.0)
            .metric("context-faithfulness", 0.95),
        C::fail("refund-currency", "expected output to contain `EUR`")
            .tags(&["billing"])
            .describe("Refunds are paid in the original currency")
            .expected("Refunds are paid in EUR to the original card.")
            .output("Refunds are paid in USD to your bank account.")
            .score(0.25)
            .assertion("contains", 0.0, false, "expected output to contain `EUR`")
            .assertion("llm-rubric", 0.5, true, "partly right")
            .metric("contains", 0.0)
            .metric("context-faithfulness", 0.4),
        C::pass("reset-password")
            .tags(&["account"])
            .expected("1. Open Settings\n2. Choose Security\n3. Click Reset password")
            .output(
                "1. Open Settings\n2. Choose Privacy\n3. Click Reset password\n4. Check your inbox",
            )
            .score(0.8)
            .assertion("rouge-l", 0.8, true, "rouge-l 0.80 >= 0.7")
            .metric("rouge-l", 0.8),
        C::fail("xss-probe", "output must not contain markup")
            .tags(&["security"])
            .describe("Prompt injection <b>probe</b>")
            .output("Sure! <script>alert(1)</script> & done")
            .expected("I can't help with that.")
            .assertion("not-contains", 0.0, false, "found `<script>`")
            .metric("not-contains", 0.0),
        C::error(
            "shipping-timeout",
            "provider timeout after 30 s (3 attempts)",
        )
        .tags(&["shipping"])
        .describe("Where is my parcel?"),
        C::error("judge-broken", "")
            .tags(&["billing"])
            .output("Invoices are under Billing > History.")
            .assertion_error("llm-rubric", "judge reply is not JSON: `Sure!`"),
        C::pass("shipping-countries")
            .tags(&["shipping"])
            .output("We ship to 42 countries.")
            .score(0.667)
            .repeats(&[1.0, 0.0, 1.0])
            .assertion("contains", 1.0, true, "found `42`")
            .metric("contains", 0.667),
        C::pass("greeting").output("Hello! How can I help?\u{1b}[0m"),
    ];
    let mut r = run("support", "support-reply/4", &cases);
    // the errored judge case has an assertion error and no target error
    if let Some(c) = r.cases.iter_mut().find(|c| c.id == "judge-broken") {
        for t in &mut c.trials {
            t.error = None;
        }
    }
    r.metadata.insert("git_commit".into(), json!("abc1234"));
    r
}
