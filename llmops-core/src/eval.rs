//! [`Evaluator`] and the types evaluation shares with other layers ([`EvalRecord`] is what
//! prompt promotion reads).

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Result;
use crate::money::Cost;
use crate::types::{Message, ResponseMeta, Usage};

/// One evaluation case: inputs, the expected output and context.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EvalCase {
    /// Case id (file and line, or a name).
    pub id: String,
    /// Template variables.
    #[serde(default)]
    pub vars: BTreeMap<String, Value>,
    /// Input messages (when the case is a conversation).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub messages: Vec<Message>,
    /// Expected output or reference answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// Context passages (RAG cases).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub context: Vec<String>,
    /// Ids of the documents that are relevant (retrieval metrics).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub relevant_docs: Vec<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
}

/// What the system under test produced for a case.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EvalOutput {
    /// The output text.
    pub text: String,
    /// Retrieved context, when the system retrieved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retrieved: Vec<String>,
    /// Retrieved document ids.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retrieved_docs: Vec<String>,
    /// Response metadata (latency, cost, usage ...).
    #[serde(default)]
    pub meta: ResponseMeta,
    /// Usage.
    #[serde(default)]
    pub usage: Usage,
}

impl EvalOutput {
    /// An output with text only.
    pub fn text(text: impl Into<String>) -> Self {
        EvalOutput {
            text: text.into(),
            ..EvalOutput::default()
        }
    }
}

/// An evaluator's judgement of one output.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Score {
    /// The score in 0..=1.
    pub value: f64,
    /// Whether it passes.
    pub pass: bool,
    /// Why.
    pub reason: String,
    /// What evaluating cost (a judge model's tokens); zero for deterministic evaluators.
    #[serde(default)]
    pub cost: Cost,
    /// Tokens the evaluator spent (a judge model's usage); zero for deterministic evaluators.
    #[serde(default, skip_serializing_if = "Usage::is_zero")]
    pub usage: Usage,
    /// A low-cardinality label for the score (`pass`, `fail`, `faithful`, a judge's verdict).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Score {
    /// A score.
    pub fn new(value: f64, pass: bool, reason: impl Into<String>) -> Self {
        Score {
            value,
            pass,
            reason: reason.into(),
            cost: Cost::Known(crate::Money::zero()),
            usage: Usage::default(),
            label: None,
        }
    }

    /// A passing (1.0) or failing (0.0) score.
    ///
    /// ```
    /// let s = llmops_core::Score::binary(false, "expected `Paris`");
    /// assert_eq!((s.value, s.pass), (0.0, false));
    /// ```
    pub fn binary(pass: bool, reason: impl Into<String>) -> Self {
        Score::new(if pass { 1.0 } else { 0.0 }, pass, reason)
    }

    /// With what evaluating cost and the tokens it spent (a judge call).
    #[must_use]
    pub fn with_cost(mut self, cost: Cost, usage: Usage) -> Self {
        self.cost = cost;
        self.usage = usage;
        self
    }

    /// With a label (`gen_ai.evaluation.score.label`).
    #[must_use]
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

/// Scores an output against a case.
///
/// ```
/// use llmops_core::{async_trait, EvalCase, EvalOutput, Evaluator, Result, Score};
/// struct Contains(&'static str);
/// #[async_trait]
/// impl Evaluator for Contains {
///     fn name(&self) -> &str { "contains" }
///     async fn evaluate(&self, _case: &EvalCase, out: &EvalOutput) -> Result<Score> {
///         let ok = out.text.contains(self.0);
///         Ok(Score::new(if ok { 1.0 } else { 0.0 }, ok, format!("looked for {:?}", self.0)))
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Evaluator: Send + Sync + 'static {
    /// The evaluator's name (assertion type).
    fn name(&self) -> &str;
    /// Scores `out` for `case`.
    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> Result<Score>;
}

#[async_trait::async_trait]
impl<T: Evaluator + ?Sized> Evaluator for Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> Result<Score> {
        (**self).evaluate(case, out).await
    }
}

/// The result of an evaluation run that a prompt version carries, and promotion reads.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EvalRecord {
    /// Suite name.
    pub suite: String,
    /// Aggregate score in 0..=1.
    pub score: f64,
    /// Pass rate in 0..=1.
    pub pass_rate: f64,
    /// Cases run.
    pub cases: u32,
    /// When it ran.
    pub at: DateTime<Utc>,
    /// How long it took.
    #[serde(with = "crate::serde_util::duration_ms")]
    pub duration: Duration,
    /// What it targeted (`support-reply/4`, a model, a retriever config).
    pub target: String,
}

impl EvalRecord {
    /// A record of a run of `suite` against `target` that just finished.
    ///
    /// ```
    /// use std::time::Duration;
    /// let rec = llmops_core::EvalRecord::new("support", "support-reply/4", 0.92, 0.9, 40, Duration::from_secs(3));
    /// assert_eq!(rec.cases, 40);
    /// ```
    pub fn new(
        suite: impl Into<String>,
        target: impl Into<String>,
        score: f64,
        pass_rate: f64,
        cases: u32,
        duration: Duration,
    ) -> Self {
        EvalRecord {
            suite: suite.into(),
            score,
            pass_rate,
            cases,
            at: Utc::now(),
            duration,
            target: target.into(),
        }
    }

    /// With the time it ran.
    #[must_use]
    pub fn at(mut self, at: DateTime<Utc>) -> Self {
        self.at = at;
        self
    }
}

/// One evaluation of one exchange, as OpenTelemetry's GenAI conventions describe the
/// `gen_ai.evaluation.result` event: evaluator name, score value and label, explanation.
///
/// Hand it to [`Client::record_evaluation`](crate::Client::record_evaluation): every
/// [`Observer`](crate::Observer) sees it (`on_evaluation`) and the span bridge attaches the
/// event to the evaluated exchange's trace.
///
/// ```
/// use llmops_core::{EvaluationResult, Score};
/// let ev = EvaluationResult::from_score("0192-req", "faithfulness", &Score::new(0.5, false, "1 of 2 statements supported"));
/// assert_eq!(ev.score, Some(0.5));
/// assert_eq!(ev.label.as_deref(), Some("fail"));
/// assert!(EvaluationResult::new("", "x").validate().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EvaluationResult {
    /// The evaluated exchange (`ResponseMeta::request_id`).
    pub request_id: String,
    /// The provider's response id, when known (`gen_ai.response.id`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_id: Option<String>,
    /// The evaluator (`gen_ai.evaluation.name`).
    pub name: String,
    /// The score (`gen_ai.evaluation.score.value`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// The label (`gen_ai.evaluation.score.label`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Why (`gen_ai.evaluation.explanation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explanation: Option<String>,
    /// The evaluator failed (`error.type`): no score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error_type: Option<String>,
}

impl EvaluationResult {
    /// A result with a name only; set the rest with the fields.
    pub fn new(request_id: impl Into<String>, name: impl Into<String>) -> Self {
        EvaluationResult {
            request_id: request_id.into(),
            response_id: None,
            name: name.into(),
            score: None,
            label: None,
            explanation: None,
            error_type: None,
        }
    }

    /// The result of `score`: its value, its label (or `pass`/`fail`) and its reason.
    pub fn from_score(
        request_id: impl Into<String>,
        name: impl Into<String>,
        score: &Score,
    ) -> Self {
        let mut r = EvaluationResult::new(request_id, name);
        r.score = Some(score.value);
        r.label = Some(
            score
                .label
                .clone()
                .unwrap_or_else(|| if score.pass { "pass" } else { "fail" }.to_owned()),
        );
        r.explanation = (!score.reason.is_empty()).then(|| score.reason.clone());
        r
    }

    /// A typed error for an empty request id or name, or a non-finite score.
    pub fn validate(&self) -> Result<()> {
        if self.request_id.trim().is_empty() {
            return Err(crate::Error::invalid("evaluation result: empty request id"));
        }
        if self.name.trim().is_empty() {
            return Err(crate::Error::invalid(
                "evaluation result: empty evaluator name",
            ));
        }
        if self.score.is_some_and(|s| !s.is_finite()) {
            return Err(crate::Error::invalid(format!(
                "evaluation result `{}`: score is not a finite number",
                self.name
            )));
        }
        Ok(())
    }
}
