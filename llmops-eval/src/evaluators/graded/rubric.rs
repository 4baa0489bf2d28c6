//! `llm-rubric`: a judge grades the output against a rubric (the assertion's `value`) and
//! replies `{"reason", "pass", "score"}` (promptfoo's shape). With a `threshold` the
//! assertion passes when the judge says pass **and** `score ≥ threshold`.

use std::sync::Arc;

use llmops_core::{EvalCase, EvalOutput, Evaluator, Score};
use minijinja::Value;
use serde::Deserialize;

use super::judge::{Judge, JudgeError, Spend, common_vars, excerpt, threshold_of};
use super::templates::{JudgePrompt, RUBRIC, check_keys};
use crate::Result;
use crate::assertion::{AssertionSpec, BuildContext};

/// The judge's reply.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RubricReply {
    /// Why.
    pub reason: String,
    /// Whether the output meets the rubric.
    pub pass: bool,
    /// How well, in 0..=1.
    pub score: f64,
}

/// The JSON Schema sent as the response format.
pub(crate) fn schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "reason": {"type": "string"},
            "pass": {"type": "boolean"},
            "score": {"type": "number", "minimum": 0, "maximum": 1}
        },
        "required": ["reason", "pass", "score"],
        "additionalProperties": false
    })
}

/// The `llm-rubric` evaluator.
#[derive(Debug, Clone)]
pub struct LlmRubric {
    judge: Judge,
    prompt: JudgePrompt,
    rubric: String,
    threshold: Option<f64>,
}

impl LlmRubric {
    /// Builds it from a spec: the rubric is the `value` (a string).
    pub fn build(spec: &AssertionSpec, cx: &BuildContext) -> Result<Self> {
        let judge = Judge::for_spec(spec, cx)?;
        check_keys(RUBRIC.kind, spec, cx)?;
        let rubric = spec.value_str()?.to_owned();
        let threshold = match spec.threshold {
            Some(_) => Some(threshold_of(spec, 0.0)?),
            None => None,
        };
        Ok(LlmRubric {
            judge,
            prompt: JudgePrompt::select(RUBRIC, spec, cx)?,
            rubric,
            threshold,
        })
    }
}

#[llmops_core::async_trait]
impl Evaluator for LlmRubric {
    fn name(&self) -> &str {
        RUBRIC.kind
    }

    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let contexts = if out.retrieved.is_empty() {
            &case.context
        } else {
            &out.retrieved
        };
        let mut vars = common_vars(case, out, contexts);
        vars.insert("rubric", Value::from(self.rubric.clone()));
        let mut spend = Spend::new();
        let (reply, raw): (RubricReply, String) = self
            .judge
            .ask(&self.prompt, &vars, schema(), &mut spend)
            .await?;
        if !reply.score.is_finite() || !(0.0..=1.0).contains(&reply.score) {
            return Err(JudgeError::Invalid {
                slot: RUBRIC.key(),
                message: format!("score must lie in 0..=1, got {}", reply.score),
                excerpt: excerpt(&raw),
            }
            .into_core(RUBRIC.kind));
        }
        let pass = reply.pass && self.threshold.is_none_or(|t| reply.score >= t);
        let reason = match self.threshold {
            Some(t) if reply.pass && reply.score < t => {
                format!("score {:.2} < threshold {t}: {}", reply.score, reply.reason)
            }
            _ => reply.reason,
        };
        Ok(spend.apply(Score::new(reply.score, pass, reason)))
    }
}

/// The factory registered as `llm-rubric`.
pub(crate) fn factory(spec: &AssertionSpec, cx: &BuildContext) -> Result<Arc<dyn Evaluator>> {
    Ok(Arc::new(LlmRubric::build(spec, cx)?))
}
