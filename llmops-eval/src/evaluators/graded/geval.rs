//! `g-eval`: G-Eval style scoring as promptfoo runs it. The criteria (the `value`: a string,
//! or a list evaluated one by one and averaged) become evaluation steps (one judge call,
//! `{"steps": [...]}`, skipped when `config.steps` gives them), then a second call scores the
//! output from 0 to 10 following them (`{"score", "reason"}`); the score is divided by 10.
//! It passes at `score ≥ threshold` (default 0.7, as promptfoo).

use std::sync::Arc;

use llmops_core::{EvalCase, EvalOutput, Evaluator, Score};
use minijinja::Value;
use serde::Deserialize;

use super::judge::{Judge, JudgeError, Spend, common_vars, excerpt, threshold_of};
use super::templates::{GEVAL_EVALUATE, GEVAL_STEPS, JudgePrompt, check_keys};
use crate::assertion::{AssertionSpec, BuildContext};
use crate::{EvalError, Result};

/// The top of the judge's scale (promptfoo's `maxScore`).
pub const MAX_SCORE: f64 = 10.0;

/// The default pass threshold (promptfoo's).
pub const DEFAULT_THRESHOLD: f64 = 0.7;

/// Step 1's reply.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StepsReply {
    /// The evaluation steps.
    pub steps: Vec<String>,
}

/// Step 2's reply.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct GEvalReply {
    /// 0..=10.
    pub score: f64,
    /// Why.
    pub reason: String,
}

fn steps_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {"steps": {"type": "array", "items": {"type": "string"}, "minItems": 1}},
        "required": ["steps"],
        "additionalProperties": false
    })
}

fn score_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "score": {"type": "number", "minimum": 0, "maximum": MAX_SCORE},
            "reason": {"type": "string"}
        },
        "required": ["score", "reason"],
        "additionalProperties": false
    })
}

/// The `g-eval` evaluator.
#[derive(Debug, Clone)]
pub struct GEval {
    judge: Judge,
    steps_prompt: JudgePrompt,
    eval_prompt: JudgePrompt,
    criteria: Vec<String>,
    steps: Option<Vec<String>>,
    threshold: f64,
}

impl GEval {
    /// Builds it from a spec: criteria from `value`, optional `config.steps`.
    pub fn build(spec: &AssertionSpec, cx: &BuildContext) -> Result<Self> {
        let judge = Judge::for_spec(spec, cx)?;
        check_keys(GEVAL_EVALUATE.kind, spec, cx)?;
        let criteria = spec.value_strs()?;
        if criteria.is_empty() || criteria.iter().any(|c| c.trim().is_empty()) {
            return Err(EvalError::assertion(
                &spec.kind,
                "criteria (`value`) must be non-empty",
            ));
        }
        let steps = match spec.config.get("steps") {
            None => None,
            Some(serde_json::Value::Array(items)) if !items.is_empty() => Some(
                items
                    .iter()
                    .map(|v| match v {
                        serde_json::Value::String(s) => Ok(s.clone()),
                        other => Err(EvalError::assertion(
                            &spec.kind,
                            format!("config.steps must be strings, found {other}"),
                        )),
                    })
                    .collect::<Result<Vec<_>>>()?,
            ),
            Some(other) => {
                return Err(EvalError::assertion(
                    &spec.kind,
                    format!("config.steps must be a non-empty list of strings, got {other}"),
                ));
            }
        };
        Ok(GEval {
            judge,
            steps_prompt: JudgePrompt::select(GEVAL_STEPS, spec, cx)?,
            eval_prompt: JudgePrompt::select(GEVAL_EVALUATE, spec, cx)?,
            criteria,
            steps,
            threshold: threshold_of(spec, DEFAULT_THRESHOLD)?,
        })
    }

    async fn one(
        &self,
        criteria: &str,
        case: &EvalCase,
        out: &EvalOutput,
        spend: &mut Spend,
    ) -> llmops_core::Result<(f64, String)> {
        let mut vars = common_vars(case, out, &case.context);
        vars.insert("criteria", Value::from(criteria));
        let steps = match &self.steps {
            Some(s) => s.clone(),
            None => {
                let (reply, raw): (StepsReply, String) = self
                    .judge
                    .ask(&self.steps_prompt, &vars, steps_schema(), spend)
                    .await?;
                if reply.steps.is_empty() || reply.steps.iter().any(|s| s.trim().is_empty()) {
                    return Err(JudgeError::Invalid {
                        slot: GEVAL_STEPS.key(),
                        message: "no evaluation steps (or an empty one)".into(),
                        excerpt: excerpt(&raw),
                    }
                    .into_core(GEVAL_STEPS.kind));
                }
                reply.steps
            }
        };
        vars.insert("steps", Value::from(steps));
        vars.insert("max_score", Value::from(MAX_SCORE as i64));
        let (reply, raw): (GEvalReply, String) = self
            .judge
            .ask(&self.eval_prompt, &vars, score_schema(), spend)
            .await?;
        if !reply.score.is_finite() || !(0.0..=MAX_SCORE).contains(&reply.score) {
            return Err(JudgeError::Invalid {
                slot: GEVAL_EVALUATE.key(),
                message: format!("score must lie in 0..={MAX_SCORE}, got {}", reply.score),
                excerpt: excerpt(&raw),
            }
            .into_core(GEVAL_EVALUATE.kind));
        }
        Ok((reply.score / MAX_SCORE, reply.reason))
    }
}

#[llmops_core::async_trait]
impl Evaluator for GEval {
    fn name(&self) -> &str {
        GEVAL_EVALUATE.kind
    }

    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let mut spend = Spend::new();
        let mut total = 0.0;
        let mut reasons = Vec::with_capacity(self.criteria.len());
        for c in &self.criteria {
            let (s, why) = self.one(c, case, out, &mut spend).await?;
            total += s;
            reasons.push(if self.criteria.len() > 1 {
                format!("[{c}] {s:.2}: {why}")
            } else {
                why
            });
        }
        let score = total / self.criteria.len() as f64;
        let pass = score >= self.threshold;
        let verb = if pass { "≥" } else { "<" };
        let reason = format!(
            "G-Eval score {score:.2} {verb} threshold {}: {}",
            self.threshold,
            reasons.join("; ")
        );
        Ok(spend.apply(Score::new(score, pass, reason)))
    }
}

/// The factory registered as `g-eval`.
pub(crate) fn factory(spec: &AssertionSpec, cx: &BuildContext) -> Result<Arc<dyn Evaluator>> {
    Ok(Arc::new(GEval::build(spec, cx)?))
}
