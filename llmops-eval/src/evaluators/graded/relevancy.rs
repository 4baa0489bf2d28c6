//! `answer-relevance`: answer relevancy as RAGAS defines it. The judge writes `n` questions
//! the answer would answer (default 3, RAGAS' `strictness`) and says whether the answer is
//! noncommittal; the embedder embeds them with the case's question; the score is the mean
//! cosine similarity between the original question and the generated ones, times 0 when the
//! answer is noncommittal. RAGAS asks `n` times for one question each; at temperature 0 those
//! would repeat, so we ask once for `n` different questions. A negative mean is clamped to 0.
//! Needs a judge and an embedder (typed configuration errors without them).

use std::sync::Arc;

use llmops_core::{Embedder, EvalCase, EvalOutput, Evaluator, Score};
use minijinja::Value;
use serde::Deserialize;

use super::judge::{
    Judge, JudgeError, Spend, binary, common_vars, excerpt, need_question, threshold_of,
};
use super::templates::{JudgePrompt, RELEVANCY, check_keys};
use crate::assertion::{AssertionSpec, BuildContext};
use crate::{EvalError, Result};

/// The default pass threshold (promptfoo's).
pub const DEFAULT_THRESHOLD: f64 = 0.7;

/// The default number of generated questions (RAGAS' `strictness`).
pub const DEFAULT_N: u64 = 3;

/// The judge's reply.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct RelevancyReply {
    /// Questions the answer answers.
    pub questions: Vec<String>,
    /// 1 when the answer is evasive or vague.
    pub noncommittal: i64,
}

fn schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "questions": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "noncommittal": {"type": "integer", "enum": [0, 1]}
        },
        "required": ["questions", "noncommittal"],
        "additionalProperties": false
    })
}

/// The `answer-relevance` evaluator.
#[derive(Clone)]
pub struct AnswerRelevance {
    judge: Judge,
    embedder: Arc<dyn Embedder>,
    prompt: JudgePrompt,
    n: u64,
    threshold: f64,
}

impl std::fmt::Debug for AnswerRelevance {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AnswerRelevance")
            .field("judge", &self.judge)
            .field("embedder", &self.embedder.id())
            .field("n", &self.n)
            .field("threshold", &self.threshold)
            .finish()
    }
}

impl AnswerRelevance {
    /// Builds it from a spec (`threshold`, `config.n`).
    pub fn build(spec: &AssertionSpec, cx: &BuildContext) -> Result<Self> {
        let judge = Judge::for_spec(spec, cx)?;
        let embedder = cx.need_embedder(&spec.kind)?;
        check_keys(RELEVANCY.kind, spec, cx)?;
        let n = match spec.config.get("n") {
            None => DEFAULT_N,
            Some(v) => match v.as_u64() {
                Some(n @ 1..=20) => n,
                _ => {
                    return Err(EvalError::assertion(
                        &spec.kind,
                        format!("config.n must be an integer in 1..=20, got {v}"),
                    ));
                }
            },
        };
        Ok(AnswerRelevance {
            judge,
            embedder,
            prompt: JudgePrompt::select(RELEVANCY, spec, cx)?,
            n,
            threshold: threshold_of(spec, DEFAULT_THRESHOLD)?,
        })
    }
}

/// Cosine similarity; `None` when a vector is zero or the lengths differ.
pub(crate) fn cosine(a: &[f32], b: &[f32]) -> Option<f64> {
    if a.len() != b.len() || a.is_empty() {
        return None;
    }
    let (mut dot, mut na, mut nb) = (0.0f64, 0.0f64, 0.0f64);
    for (x, y) in a.iter().zip(b) {
        let (x, y) = (f64::from(*x), f64::from(*y));
        dot += x * y;
        na += x * x;
        nb += y * y;
    }
    (na > 0.0 && nb > 0.0).then(|| dot / (na.sqrt() * nb.sqrt()))
}

#[llmops_core::async_trait]
impl Evaluator for AnswerRelevance {
    fn name(&self) -> &str {
        RELEVANCY.kind
    }

    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let kind = RELEVANCY.kind;
        let question = need_question(case, kind).map_err(|e| e.into_core(kind))?;
        let mut vars = common_vars(case, out, &case.context);
        vars.insert("n", Value::from(self.n));
        let mut spend = Spend::new();
        let (reply, raw): (RelevancyReply, String) = self
            .judge
            .ask(&self.prompt, &vars, schema(), &mut spend)
            .await?;
        let noncommittal =
            binary(&RELEVANCY.key(), reply.noncommittal, &raw).map_err(|e| e.into_core(kind))?;
        let generated: Vec<&str> = reply
            .questions
            .iter()
            .map(String::as_str)
            .filter(|q| !q.trim().is_empty())
            .collect();
        if generated.is_empty() {
            return Err(JudgeError::Invalid {
                slot: RELEVANCY.key(),
                message: "no question generated".into(),
                excerpt: excerpt(&raw),
            }
            .into_core(kind));
        }
        let mut texts = Vec::with_capacity(generated.len() + 1);
        texts.push(question.as_str());
        texts.extend(generated.iter().copied());
        let vectors = self.embedder.embed(&texts).await?;
        let Some((q, rest)) = vectors.split_first() else {
            return Err(llmops_core::Error::extension(
                kind,
                format!("embedder `{}` returned no vector", self.embedder.id()),
            ));
        };
        if rest.len() != generated.len() {
            return Err(llmops_core::Error::extension(
                kind,
                format!(
                    "embedder `{}` returned {} vectors for {} texts",
                    self.embedder.id(),
                    vectors.len(),
                    texts.len()
                ),
            ));
        }
        let mut sum = 0.0;
        for v in rest {
            sum += cosine(q, v).ok_or_else(|| {
                llmops_core::Error::extension(
                    kind,
                    format!(
                        "embedder `{}` returned a zero vector or vectors of different lengths",
                        self.embedder.id()
                    ),
                )
            })?;
        }
        let mean = sum / rest.len() as f64;
        let score = if noncommittal {
            0.0
        } else {
            mean.clamp(0.0, 1.0)
        };
        let pass = score >= self.threshold;
        let reason = if noncommittal {
            "the answer is noncommittal (score 0)".to_owned()
        } else {
            format!(
                "mean cosine similarity {mean:.3} between the question and {} generated questions: {}",
                generated.len(),
                generated.join(" | ")
            )
        };
        let s = Score::new(score, pass, reason);
        let s = if noncommittal {
            s.with_label("noncommittal")
        } else {
            s
        };
        Ok(spend.apply(s))
    }
}

/// The factory registered as `answer-relevance`.
pub(crate) fn factory(spec: &AssertionSpec, cx: &BuildContext) -> Result<Arc<dyn Evaluator>> {
    Ok(Arc::new(AnswerRelevance::build(spec, cx)?))
}
