//! `context-faithfulness`: faithfulness as RAGAS defines it. Step 1: the judge breaks the
//! answer (given the question) into statements. Step 2: the judge gives each statement a
//! verdict (1 supported by the context, 0 not). Score = supported / total.
//!
//! The context is what the system retrieved (`out.retrieved`), else the case's `context`.
//! When the answer yields no statement RAGAS returns NaN; here `config.onNoStatements`
//! decides: `error` (default: the case is errored, the metric is undefined), `pass` (score 1)
//! or `fail` (score 0).

use std::sync::Arc;

use llmops_core::{EvalCase, EvalOutput, Evaluator, Score};
use minijinja::Value;
use serde::Deserialize;

use super::judge::{
    Judge, JudgeError, Spend, binary, common_vars, context_of, excerpt, need_question, threshold_of,
};
use super::templates::{FAITHFULNESS_STATEMENTS, FAITHFULNESS_VERDICTS, JudgePrompt, check_keys};
use crate::assertion::{AssertionSpec, BuildContext};
use crate::{EvalError, Result};

/// The default pass threshold.
pub const DEFAULT_THRESHOLD: f64 = 0.7;

/// Step 1's reply.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StatementsReply {
    /// The statements.
    pub statements: Vec<String>,
}

/// One verdict of step 2.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct StatementVerdict {
    /// The statement judged.
    pub statement: String,
    /// Why.
    pub reason: String,
    /// 1 supported, 0 not.
    pub verdict: i64,
}

/// Step 2's reply.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct VerdictsReply {
    /// One verdict per statement, in order.
    pub statements: Vec<StatementVerdict>,
}

fn statements_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {"statements": {"type": "array", "items": {"type": "string"}}},
        "required": ["statements"],
        "additionalProperties": false
    })
}

fn verdicts_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {"statements": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "statement": {"type": "string"},
                "reason": {"type": "string"},
                "verdict": {"type": "integer", "enum": [0, 1]}
            },
            "required": ["statement", "reason", "verdict"],
            "additionalProperties": false
        }}},
        "required": ["statements"],
        "additionalProperties": false
    })
}

/// What to do when the answer yields no statement.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NoStatements {
    Error,
    Pass,
    Fail,
}

/// The `context-faithfulness` evaluator.
#[derive(Debug, Clone)]
pub struct ContextFaithfulness {
    judge: Judge,
    statements: JudgePrompt,
    verdicts: JudgePrompt,
    threshold: f64,
    none: NoStatements,
}

impl ContextFaithfulness {
    /// Builds it from a spec (`threshold`, `config.onNoStatements`).
    pub fn build(spec: &AssertionSpec, cx: &BuildContext) -> Result<Self> {
        let judge = Judge::for_spec(spec, cx)?;
        check_keys(FAITHFULNESS_VERDICTS.kind, spec, cx)?;
        let none = match spec.config.get("onNoStatements") {
            None => NoStatements::Error,
            Some(serde_json::Value::String(s)) => match s.as_str() {
                "error" => NoStatements::Error,
                "pass" => NoStatements::Pass,
                "fail" => NoStatements::Fail,
                other => {
                    return Err(EvalError::assertion(
                        &spec.kind,
                        format!("config.onNoStatements must be error, pass or fail, got `{other}`"),
                    ));
                }
            },
            Some(other) => {
                return Err(EvalError::assertion(
                    &spec.kind,
                    format!("config.onNoStatements must be a string, got {other}"),
                ));
            }
        };
        Ok(ContextFaithfulness {
            judge,
            statements: JudgePrompt::select(FAITHFULNESS_STATEMENTS, spec, cx)?,
            verdicts: JudgePrompt::select(FAITHFULNESS_VERDICTS, spec, cx)?,
            threshold: threshold_of(spec, DEFAULT_THRESHOLD)?,
            none,
        })
    }
}

#[llmops_core::async_trait]
impl Evaluator for ContextFaithfulness {
    fn name(&self) -> &str {
        FAITHFULNESS_VERDICTS.kind
    }

    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let kind = FAITHFULNESS_VERDICTS.kind;
        need_question(case, kind).map_err(|e| e.into_core(kind))?;
        let contexts = context_of(case, out, kind).map_err(|e| e.into_core(kind))?;
        let mut vars = common_vars(case, out, contexts);
        let mut spend = Spend::new();
        let (extracted, _): (StatementsReply, String) = self
            .judge
            .ask(&self.statements, &vars, statements_schema(), &mut spend)
            .await?;
        let statements: Vec<String> = extracted
            .statements
            .into_iter()
            .filter(|s| !s.trim().is_empty())
            .collect();
        if statements.is_empty() {
            return match self.none {
                NoStatements::Error => Err(JudgeError::Undefined {
                    case: case.id.clone(),
                    message: "faithfulness is undefined: the judge found no statement in the answer (RAGAS returns NaN); set config.onNoStatements to pass or fail to score it".into(),
                }
                .into_core(kind)),
                NoStatements::Pass => Ok(spend.apply(
                    Score::new(1.0, true, "no statement in the answer (onNoStatements: pass)")
                        .with_label("no_statements"),
                )),
                NoStatements::Fail => Ok(spend.apply(
                    Score::new(0.0, false, "no statement in the answer (onNoStatements: fail)")
                        .with_label("no_statements"),
                )),
            };
        }
        vars.insert("statements", Value::from(statements.clone()));
        let (judged, raw): (VerdictsReply, String) = self
            .judge
            .ask(&self.verdicts, &vars, verdicts_schema(), &mut spend)
            .await?;
        if judged.statements.len() != statements.len() {
            return Err(JudgeError::Invalid {
                slot: FAITHFULNESS_VERDICTS.key(),
                message: format!(
                    "{} verdicts for {} statements",
                    judged.statements.len(),
                    statements.len()
                ),
                excerpt: excerpt(&raw),
            }
            .into_core(kind));
        }
        let mut supported = 0usize;
        let mut unsupported = Vec::new();
        for v in &judged.statements {
            if binary(&FAITHFULNESS_VERDICTS.key(), v.verdict, &raw)
                .map_err(|e| e.into_core(kind))?
            {
                supported += 1;
            } else {
                unsupported.push(v.statement.as_str());
            }
        }
        let total = statements.len();
        let score = supported as f64 / total as f64;
        let pass = score >= self.threshold;
        let mut reason = format!("{supported} of {total} statements supported by the context");
        if !unsupported.is_empty() {
            reason.push_str(&format!("; unsupported: {}", unsupported.join(" | ")));
        }
        Ok(spend.apply(Score::new(score, pass, reason)))
    }
}

/// The factory registered as `context-faithfulness`.
pub(crate) fn factory(spec: &AssertionSpec, cx: &BuildContext) -> Result<Arc<dyn Evaluator>> {
    Ok(Arc::new(ContextFaithfulness::build(spec, cx)?))
}
