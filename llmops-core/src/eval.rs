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
}

impl Score {
    /// A score.
    pub fn new(value: f64, pass: bool, reason: impl Into<String>) -> Self {
        Score {
            value,
            pass,
            reason: reason.into(),
            cost: Cost::Known(crate::Money::zero()),
        }
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
