//! RAG metrics: context precision and context recall as RAGAS defines them, with a judge and
//! without, and hit rate / MRR when the case names its relevant documents.
//!
//! Retrieved contexts are the output's `retrieved` (in rank order); reference contexts are
//! the case's `context`; the reference answer is the case's `expected`.
//!
//! | type | RAGAS metric | needs |
//! |---|---|---|
//! | `context-precision` | `LLMContextPrecisionWithReference` (judge verdict per retrieved chunk, average precision) | judge |
//! | `context-precision` + `config.mode: non-llm`, or `context-precision-nonllm` | `NonLLMContextPrecisionWithReference` | reference contexts |
//! | `context-recall` | `LLMContextRecall` (judge attributes each reference-answer sentence to the retrieved context) | judge, `expected` |
//! | `context-recall` + `config.mode: non-llm`, or `context-recall-nonllm` | `NonLLMContextRecall` | reference contexts |
//! | `hit-rate`, `mrr` | ours: a relevant document in the top `k` / 1 ÷ rank of the first | `relevant_docs`, `retrieved_docs` |
//!
//! The non-LLM versions compare strings with RAGAS' default `NonLLMStringSimilarity`:
//! `1 − Levenshtein distance ÷ the longer length` (in characters), a retrieved context
//! counting as relevant when its best similarity to a reference context is **≥** the
//! similarity threshold (default 0.5) for precision, and a reference context counting as
//! recalled when its best similarity to a retrieved one is **>** the threshold for recall:
//! RAGAS 0.4.3 uses `>=` in one and `>` in the other, and so do we, to give equal numbers.
//!
//! Average precision is `Σₖ precision@k · vₖ ÷ Σ vₖ` (0 when nothing is relevant). RAGAS adds
//! 1e-10 to the denominator; we divide exactly, a difference below 1e-9.

use std::sync::Arc;

use futures_util::future::try_join_all;
use llmops_core::{EvalCase, EvalOutput, Evaluator, Score};
use minijinja::Value;
use serde::Deserialize;

use super::graded::judge::{Judge, JudgeError, Spend, binary, common_vars, excerpt, threshold_of};
use super::graded::templates::{JudgePrompt, PRECISION, RECALL, check_keys};
use crate::assertion::{AssertionSpec, BuildContext};
use crate::{EvalError, Registry, Result};

/// The default pass threshold of context precision and recall.
pub const DEFAULT_THRESHOLD: f64 = 0.7;

/// RAGAS' default similarity threshold for the non-LLM metrics.
pub const DEFAULT_SIMILARITY_THRESHOLD: f64 = 0.5;

/// Adds this family's assertion types.
pub(crate) fn register(r: &mut Registry) {
    r.register(
        "context-precision",
        |s: &AssertionSpec, cx: &BuildContext| precision(s, cx, mode_of(s)?),
    );
    r.register(
        "context-precision-nonllm",
        |s: &AssertionSpec, cx: &BuildContext| precision(s, cx, Mode::NonLlm),
    );
    r.register("context-recall", |s: &AssertionSpec, cx: &BuildContext| {
        recall(s, cx, mode_of(s)?)
    });
    r.register(
        "context-recall-nonllm",
        |s: &AssertionSpec, cx: &BuildContext| recall(s, cx, Mode::NonLlm),
    );
    r.register("hit-rate", |s: &AssertionSpec, _: &BuildContext| {
        Ok(Arc::new(Ranked::build(s, RankMetric::HitRate)?) as Arc<dyn Evaluator>)
    });
    r.register("mrr", |s: &AssertionSpec, _: &BuildContext| {
        Ok(Arc::new(Ranked::build(s, RankMetric::Mrr)?) as Arc<dyn Evaluator>)
    });
}

/// With a judge or by string similarity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Llm,
    NonLlm,
}

fn mode_of(spec: &AssertionSpec) -> Result<Mode> {
    match spec.config.get("mode") {
        None => Ok(Mode::Llm),
        Some(serde_json::Value::String(s)) if s == "llm" => Ok(Mode::Llm),
        Some(serde_json::Value::String(s)) if s == "non-llm" => Ok(Mode::NonLlm),
        Some(other) => Err(EvalError::assertion(
            &spec.kind,
            format!("config.mode must be `llm` or `non-llm`, got {other}"),
        )),
    }
}

fn similarity_threshold(spec: &AssertionSpec) -> Result<f64> {
    match spec.config.get("similarityThreshold") {
        None => Ok(DEFAULT_SIMILARITY_THRESHOLD),
        Some(v) => v
            .as_f64()
            .filter(|t| (0.0..=1.0).contains(t))
            .ok_or_else(|| {
                EvalError::assertion(
                    &spec.kind,
                    format!("config.similarityThreshold must be a number in 0..=1, got {v}"),
                )
            }),
    }
}

fn need_judge_for(spec: &AssertionSpec, cx: &BuildContext) -> Result<Judge> {
    Judge::for_spec(spec, cx).map_err(|e| match e {
        EvalError::Config(m) => EvalError::Config(format!(
            "{m}; or score `{}` without a judge: `config: {{mode: non-llm}}` (RAGAS' non-LLM variant, comparing retrieved with reference contexts)",
            spec.kind
        )),
        other => other,
    })
}

/// RAGAS' `NonLLMStringSimilarity` with its default measure: `1 − Levenshtein distance ÷
/// the longer length`, counted in characters (1 for two empty strings).
///
/// ```
/// use llmops_eval::evaluators::rag::string_similarity;
/// assert_eq!(string_similarity("kitten", "sitting"), 1.0 - 3.0 / 7.0);
/// assert_eq!(string_similarity("", ""), 1.0);
/// ```
pub fn string_similarity(a: &str, b: &str) -> f64 {
    strsim::normalized_levenshtein(a, b)
}

/// Average precision of relevance verdicts in rank order: `Σₖ precision@k · vₖ ÷ Σ vₖ`, 0
/// when none is relevant.
///
/// ```
/// use llmops_eval::evaluators::rag::average_precision;
/// // relevant at ranks 1 and 3: (1/1 + 2/3) / 2
/// assert!((average_precision(&[true, false, true]) - 5.0 / 6.0).abs() < 1e-12);
/// assert_eq!(average_precision(&[false, false]), 0.0);
/// ```
pub fn average_precision(verdicts: &[bool]) -> f64 {
    let mut hits = 0usize;
    let mut sum = 0.0;
    for (i, v) in verdicts.iter().enumerate() {
        if *v {
            hits += 1;
            sum += hits as f64 / (i + 1) as f64;
        }
    }
    if hits == 0 { 0.0 } else { sum / hits as f64 }
}

fn best_similarity(text: &str, others: &[String]) -> f64 {
    others
        .iter()
        .map(|o| string_similarity(o, text))
        .fold(0.0, f64::max)
}

/// RAGAS' `NonLLMContextPrecisionWithReference`: each retrieved context is relevant when its
/// best similarity to a reference context is ≥ `threshold`; the score is the average
/// precision of those verdicts (0 when nothing was retrieved).
///
/// ```
/// use llmops_eval::evaluators::rag::non_llm_context_precision;
/// let refs = vec!["Paris is the capital of France.".to_string()];
/// let got = vec!["Bananas are yellow.".to_string(), "Paris is the capital of France!".to_string()];
/// assert_eq!(non_llm_context_precision(&got, &refs, 0.5), 0.5);
/// ```
pub fn non_llm_context_precision(
    retrieved: &[String],
    reference: &[String],
    threshold: f64,
) -> f64 {
    let verdicts: Vec<bool> = retrieved
        .iter()
        .map(|rc| best_similarity(rc, reference) >= threshold)
        .collect();
    average_precision(&verdicts)
}

/// RAGAS' `NonLLMContextRecall`: the share of reference contexts whose best similarity to a
/// retrieved context is > `threshold` (0 when nothing was retrieved).
///
/// ```
/// use llmops_eval::evaluators::rag::non_llm_context_recall;
/// let refs = vec!["Paris is the capital of France.".to_string(), "It has 2.1 million people.".to_string()];
/// let got = vec!["Paris is the capital of France!".to_string()];
/// assert_eq!(non_llm_context_recall(&got, &refs, 0.5), 0.5);
/// ```
pub fn non_llm_context_recall(retrieved: &[String], reference: &[String], threshold: f64) -> f64 {
    if reference.is_empty() {
        return 0.0;
    }
    let found = reference
        .iter()
        .filter(|r| best_similarity(r, retrieved) > threshold)
        .count();
    found as f64 / reference.len() as f64
}

fn need_reference_contexts<'a>(
    case: &'a EvalCase,
    kind: &str,
) -> llmops_core::Result<&'a [String]> {
    if case.context.is_empty() {
        Err(JudgeError::Input {
            case: case.id.clone(),
            message: format!(
                "`{kind}` (non-LLM) needs reference contexts: set the case's `context`"
            ),
        }
        .into_core(kind))
    } else {
        Ok(&case.context)
    }
}

fn verdict_score(score: f64, threshold: f64, detail: String) -> Score {
    let pass = score >= threshold;
    let verb = if pass { "≥" } else { "<" };
    Score::new(
        score,
        pass,
        format!("{score:.4} {verb} {threshold}: {detail}"),
    )
}

// ---------------------------------------------------------------- context precision

fn precision(spec: &AssertionSpec, cx: &BuildContext, mode: Mode) -> Result<Arc<dyn Evaluator>> {
    let threshold = threshold_of(spec, DEFAULT_THRESHOLD)?;
    let kind = spec.kind.clone();
    Ok(match mode {
        Mode::NonLlm => Arc::new(NonLlmPrecision {
            kind,
            threshold,
            similarity: similarity_threshold(spec)?,
        }),
        Mode::Llm => {
            let judge = need_judge_for(spec, cx)?;
            check_keys(PRECISION.kind, spec, cx)?;
            Arc::new(LlmPrecision {
                kind,
                judge,
                prompt: JudgePrompt::select(PRECISION, spec, cx)?,
                threshold,
            })
        }
    })
}

/// `context-precision` without a judge.
#[derive(Debug, Clone)]
struct NonLlmPrecision {
    kind: String,
    threshold: f64,
    similarity: f64,
}

#[llmops_core::async_trait]
impl Evaluator for NonLlmPrecision {
    fn name(&self) -> &str {
        &self.kind
    }

    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let reference = need_reference_contexts(case, &self.kind)?;
        let score = non_llm_context_precision(&out.retrieved, reference, self.similarity);
        let relevant = out
            .retrieved
            .iter()
            .filter(|rc| best_similarity(rc, reference) >= self.similarity)
            .count();
        Ok(verdict_score(
            score,
            self.threshold,
            format!(
                "{relevant} of {} retrieved contexts match a reference context (similarity ≥ {})",
                out.retrieved.len(),
                self.similarity
            ),
        ))
    }
}

/// One precision verdict.
#[derive(Debug, Clone, PartialEq, Deserialize)]
struct PrecisionReply {
    #[allow(dead_code)]
    reason: String,
    verdict: i64,
}

fn precision_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {
            "reason": {"type": "string"},
            "verdict": {"type": "integer", "enum": [0, 1]}
        },
        "required": ["reason", "verdict"],
        "additionalProperties": false
    })
}

/// `context-precision` with a judge: one verdict per retrieved chunk ("was it useful to
/// arrive at the answer": the reference answer when the case has one, else the output).
#[derive(Debug, Clone)]
struct LlmPrecision {
    kind: String,
    judge: Judge,
    prompt: JudgePrompt,
    threshold: f64,
}

#[llmops_core::async_trait]
impl Evaluator for LlmPrecision {
    fn name(&self) -> &str {
        &self.kind
    }

    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        if out.retrieved.is_empty() {
            return Ok(verdict_score(
                0.0,
                self.threshold,
                "nothing retrieved".into(),
            ));
        }
        let base = common_vars(case, out, &out.retrieved);
        let answer = case.expected.clone().unwrap_or_else(|| out.text.clone());
        let calls = out.retrieved.iter().enumerate().map(|(i, chunk)| {
            let mut vars = base.clone();
            vars.insert("chunk", Value::from(chunk.clone()));
            vars.insert("rank", Value::from(i + 1));
            vars.insert("answer", Value::from(answer.clone()));
            async move {
                let mut spend = Spend::new();
                let (r, raw): (PrecisionReply, String) = self
                    .judge
                    .ask(&self.prompt, &vars, precision_schema(), &mut spend)
                    .await?;
                let v = binary(&PRECISION.key(), r.verdict, &raw)
                    .map_err(|e| e.into_core(&self.kind))?;
                Ok::<_, llmops_core::Error>((v, spend))
            }
        });
        let results = try_join_all(calls).await?;
        let mut spend = Spend::new();
        let mut verdicts = Vec::with_capacity(results.len());
        for (v, s) in &results {
            verdicts.push(*v);
            spend.merge(s);
        }
        let score = average_precision(&verdicts);
        let useful: Vec<String> = verdicts
            .iter()
            .enumerate()
            .filter(|(_, v)| **v)
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        Ok(spend.apply(verdict_score(
            score,
            self.threshold,
            format!(
                "average precision over {} retrieved chunks; useful at ranks [{}]",
                verdicts.len(),
                useful.join(", ")
            ),
        )))
    }
}

// ---------------------------------------------------------------- context recall

fn recall(spec: &AssertionSpec, cx: &BuildContext, mode: Mode) -> Result<Arc<dyn Evaluator>> {
    let threshold = threshold_of(spec, DEFAULT_THRESHOLD)?;
    let kind = spec.kind.clone();
    Ok(match mode {
        Mode::NonLlm => Arc::new(NonLlmRecall {
            kind,
            threshold,
            similarity: similarity_threshold(spec)?,
        }),
        Mode::Llm => {
            let judge = need_judge_for(spec, cx)?;
            check_keys(RECALL.kind, spec, cx)?;
            Arc::new(LlmRecall {
                kind,
                judge,
                prompt: JudgePrompt::select(RECALL, spec, cx)?,
                threshold,
            })
        }
    })
}

/// `context-recall` without a judge.
#[derive(Debug, Clone)]
struct NonLlmRecall {
    kind: String,
    threshold: f64,
    similarity: f64,
}

#[llmops_core::async_trait]
impl Evaluator for NonLlmRecall {
    fn name(&self) -> &str {
        &self.kind
    }

    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let reference = need_reference_contexts(case, &self.kind)?;
        let score = non_llm_context_recall(&out.retrieved, reference, self.similarity);
        Ok(verdict_score(
            score,
            self.threshold,
            format!(
                "{:.0} of {} reference contexts found among {} retrieved (similarity > {})",
                score * reference.len() as f64,
                reference.len(),
                out.retrieved.len(),
                self.similarity
            ),
        ))
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct Classification {
    statement: String,
    #[allow(dead_code)]
    reason: String,
    attributed: i64,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
struct RecallReply {
    classifications: Vec<Classification>,
}

fn recall_schema() -> serde_json::Value {
    serde_json::json!({
        "type": "object",
        "properties": {"classifications": {"type": "array", "items": {
            "type": "object",
            "properties": {
                "statement": {"type": "string"},
                "reason": {"type": "string"},
                "attributed": {"type": "integer", "enum": [0, 1]}
            },
            "required": ["statement", "reason", "attributed"],
            "additionalProperties": false
        }}},
        "required": ["classifications"],
        "additionalProperties": false
    })
}

/// `context-recall` with a judge: the share of the reference answer's sentences the judge
/// attributes to the retrieved context.
#[derive(Debug, Clone)]
struct LlmRecall {
    kind: String,
    judge: Judge,
    prompt: JudgePrompt,
    threshold: f64,
}

#[llmops_core::async_trait]
impl Evaluator for LlmRecall {
    fn name(&self) -> &str {
        &self.kind
    }

    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        if case.expected.as_deref().is_none_or(|e| e.trim().is_empty()) {
            return Err(JudgeError::Input {
                case: case.id.clone(),
                message: format!(
                    "`{}` needs the reference answer: set the case's `expected`",
                    self.kind
                ),
            }
            .into_core(&self.kind));
        }
        if out.retrieved.is_empty() {
            return Ok(verdict_score(
                0.0,
                self.threshold,
                "nothing retrieved".into(),
            ));
        }
        let mut vars = common_vars(case, out, &out.retrieved);
        vars.insert("context", Value::from(out.retrieved.join("\n")));
        let mut spend = Spend::new();
        let (reply, raw): (RecallReply, String) = self
            .judge
            .ask(&self.prompt, &vars, recall_schema(), &mut spend)
            .await?;
        if reply.classifications.is_empty() {
            return Err(JudgeError::Undefined {
                case: case.id.clone(),
                message: format!(
                    "context recall is undefined: the judge found no sentence in the reference answer (RAGAS returns NaN); reply: {:?}",
                    excerpt(&raw)
                ),
            }
            .into_core(&self.kind));
        }
        let mut attributed = 0usize;
        let mut missing = Vec::new();
        for c in &reply.classifications {
            if binary(&RECALL.key(), c.attributed, &raw).map_err(|e| e.into_core(&self.kind))? {
                attributed += 1;
            } else {
                missing.push(c.statement.as_str());
            }
        }
        let total = reply.classifications.len();
        let score = attributed as f64 / total as f64;
        let mut detail = format!(
            "{attributed} of {total} reference sentences attributed to the retrieved context"
        );
        if !missing.is_empty() {
            detail.push_str(&format!("; missing: {}", missing.join(" | ")));
        }
        Ok(spend.apply(verdict_score(score, self.threshold, detail)))
    }
}

// ---------------------------------------------------------------- hit rate, MRR

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum RankMetric {
    HitRate,
    Mrr,
}

/// `hit-rate` and `mrr` over the output's `retrieved_docs` (rank order) and the case's
/// `relevant_docs`, cut at `config.k` when given.
#[derive(Debug, Clone)]
struct Ranked {
    kind: String,
    metric: RankMetric,
    k: Option<usize>,
    threshold: Option<f64>,
}

impl Ranked {
    fn build(spec: &AssertionSpec, metric: RankMetric) -> Result<Self> {
        let k = match spec.config.get("k") {
            None => None,
            Some(v) => match v.as_u64().and_then(|k| usize::try_from(k).ok()) {
                Some(k) if k > 0 => Some(k),
                _ => {
                    return Err(EvalError::assertion(
                        &spec.kind,
                        format!("config.k must be a positive integer, got {v}"),
                    ));
                }
            },
        };
        let threshold = match spec.threshold {
            None => None,
            Some(_) => Some(threshold_of(spec, 0.0)?),
        };
        Ok(Ranked {
            kind: spec.kind.clone(),
            metric,
            k,
            threshold,
        })
    }
}

#[llmops_core::async_trait]
impl Evaluator for Ranked {
    fn name(&self) -> &str {
        &self.kind
    }

    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        if case.relevant_docs.is_empty() {
            return Err(JudgeError::Input {
                case: case.id.clone(),
                message: format!("`{}` needs the case's `relevant_docs`", self.kind),
            }
            .into_core(&self.kind));
        }
        let k = self.k.unwrap_or(out.retrieved_docs.len());
        let first = out
            .retrieved_docs
            .iter()
            .take(k)
            .position(|d| case.relevant_docs.iter().any(|r| r == d))
            .map(|i| i + 1);
        let score = match (self.metric, first) {
            (_, None) => 0.0,
            (RankMetric::HitRate, Some(_)) => 1.0,
            (RankMetric::Mrr, Some(rank)) => 1.0 / rank as f64,
        };
        let pass = match self.threshold {
            Some(t) => score >= t,
            None => score > 0.0,
        };
        let reason = match first {
            Some(rank) => {
                format!("first relevant document at rank {rank} (of top {k}): score {score:.4}")
            }
            None => format!(
                "no relevant document ({}) in the top {k} retrieved",
                case.relevant_docs.join(", ")
            ),
        };
        Ok(Score::new(score, pass, reason))
    }
}
