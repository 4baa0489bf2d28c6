//! Assertions as promptfoo writes them, compiled to [`Evaluator`]s before a run starts.
//!
//! An [`AssertionSpec`] is the written form (`type`, `value`, `threshold`, `weight`, `metric`,
//! `provider`, `rubricPrompt`, `config`); a `not-` prefix negates any type. A [`Registry`] maps
//! type names to [`EvaluatorFactory`]s and [`Registry::compile`]s a spec into an [`Assertion`]:
//! an unknown type, a bad value (an invalid regex, a schema that does not compile), or a
//! model-graded type with no judge configured is an error **before** anything runs.
//!
//! Scoring follows promptfoo so suites move between the two: a negated assertion scores
//! `1 - score` and passes when the inner one fails; a case's score is the weighted mean
//! `Σ score·weight / Σ weight` (0 when the weights sum to 0); a case passes when every assertion
//! passes, or, when the case sets a non-zero `threshold`, when its score reaches it; a case
//! without assertions passes with score 1. See [`combine`].

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use llmops_core::{
    Client, Embedder, EvalCase, EvalOutput, Evaluator, Guardrail, Score, TokenCounter,
};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{EvalError, Result};

/// An assertion as written in a suite (promptfoo's shape).
///
/// ```
/// use llmops_eval::AssertionSpec;
/// let spec: AssertionSpec = serde_json::from_str(r#"{"type": "not-icontains", "value": "sorry", "weight": 2}"#).unwrap();
/// assert_eq!(spec.kind, "not-icontains");
/// // fields we do not run (JavaScript transforms ...) are an error, never ignored
/// assert!(serde_json::from_str::<AssertionSpec>(r#"{"type": "equals", "transform": "output.trim()"}"#).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "camelCase")]
#[non_exhaustive]
pub struct AssertionSpec {
    /// The type (`equals`, `icontains-any`, `not-regex`, `llm-rubric` ...).
    #[serde(rename = "type")]
    pub kind: String,
    /// The value (a string, list, number or object, as the type wants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<Value>,
    /// Pass threshold for scored types (similarity, ROUGE, judge scores ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Weight in the case's score (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weight: Option<f64>,
    /// A named metric the score also counts toward (default: the type).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub metric: Option<String>,
    /// The judge model for model-graded types (`provider/model`), overriding the suite's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<Value>,
    /// A judge prompt template overriding the built-in one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rubric_prompt: Option<String>,
    /// Type-specific options.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub config: BTreeMap<String, Value>,
}

impl AssertionSpec {
    /// A spec with a type and a value.
    pub fn new(kind: impl Into<String>, value: impl Into<Value>) -> Self {
        AssertionSpec {
            kind: kind.into(),
            value: Some(value.into()),
            ..AssertionSpec::default()
        }
    }

    /// A spec with a type and no value (`is-json`, `answer-relevance` ...).
    pub fn of(kind: impl Into<String>) -> Self {
        AssertionSpec {
            kind: kind.into(),
            ..AssertionSpec::default()
        }
    }

    /// With a threshold.
    #[must_use]
    pub fn threshold(mut self, t: f64) -> Self {
        self.threshold = Some(t);
        self
    }

    /// With a weight.
    #[must_use]
    pub fn weight(mut self, w: f64) -> Self {
        self.weight = Some(w);
        self
    }

    /// With a named metric.
    #[must_use]
    pub fn metric(mut self, m: impl Into<String>) -> Self {
        self.metric = Some(m.into());
        self
    }

    /// The type without its `not-` prefix, and whether it had one.
    pub fn base_kind(&self) -> (&str, bool) {
        match self.kind.strip_prefix("not-") {
            Some(k) => (k, true),
            None => (&self.kind, false),
        }
    }

    /// The value as a string, or an assertion error naming what was expected.
    pub fn value_str(&self) -> Result<&str> {
        match &self.value {
            Some(Value::String(s)) => Ok(s),
            Some(other) => Err(EvalError::assertion(
                &self.kind,
                format!("value must be a string, got {other}"),
            )),
            None => Err(EvalError::assertion(&self.kind, "needs a `value`")),
        }
    }

    /// The value as a list of strings (a single string is a list of one).
    pub fn value_strs(&self) -> Result<Vec<String>> {
        match &self.value {
            Some(Value::String(s)) => Ok(vec![s.clone()]),
            Some(Value::Array(items)) => items
                .iter()
                .map(|v| match v {
                    Value::String(s) => Ok(s.clone()),
                    other => Err(EvalError::assertion(
                        &self.kind,
                        format!("value must be a list of strings, found {other}"),
                    )),
                })
                .collect(),
            Some(other) => Err(EvalError::assertion(
                &self.kind,
                format!("value must be a string or a list of strings, got {other}"),
            )),
            None => Err(EvalError::assertion(&self.kind, "needs a `value`")),
        }
    }

    /// The value as a number.
    pub fn value_f64(&self) -> Result<f64> {
        match &self.value {
            Some(Value::Number(n)) => n
                .as_f64()
                .filter(|f| f.is_finite())
                .ok_or_else(|| EvalError::assertion(&self.kind, "value must be a finite number")),
            Some(other) => Err(EvalError::assertion(
                &self.kind,
                format!("value must be a number, got {other}"),
            )),
            None => Err(EvalError::assertion(&self.kind, "needs a `value`")),
        }
    }
}

/// The judge model-graded assertions call: a [`Client`] (whose providers, retries and
/// observers apply to judge calls too) and the model to ask.
#[derive(Clone)]
pub struct JudgeModel {
    /// The client the judge calls go through.
    pub client: Client,
    /// The model (`openai/gpt-4.1-mini`, an alias ...).
    pub model: String,
}

impl std::fmt::Debug for JudgeModel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JudgeModel")
            .field("model", &self.model)
            .finish()
    }
}

/// What factories may need to build evaluators: an embedder (semantic similarity), a judge
/// (model-graded types), a token counter (token bounds). A type that needs one that is not
/// configured fails to compile with a typed configuration error.
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct BuildContext {
    /// Embedder for `similar` and data drift.
    pub embedder: Option<Arc<dyn Embedder>>,
    /// Judge for model-graded types.
    pub judge: Option<JudgeModel>,
    /// Token counter for token bounds.
    pub tokens: Option<Arc<dyn TokenCounter>>,
    /// Judge prompt templates overriding the built-ins, by assertion type.
    pub judge_templates: BTreeMap<String, String>,
    /// Guardrails the `safety` assertion scores outputs with (the guard layer's detectors).
    pub guardrails: Vec<Arc<dyn Guardrail>>,
}

impl std::fmt::Debug for BuildContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BuildContext")
            .field(
                "embedder",
                &self.embedder.as_ref().map(|e| e.id().to_owned()),
            )
            .field("judge", &self.judge)
            .field("tokens", &self.tokens.is_some())
            .field(
                "judge_templates",
                &self.judge_templates.keys().collect::<Vec<_>>(),
            )
            .field(
                "guardrails",
                &self
                    .guardrails
                    .iter()
                    .map(|g| g.name().to_owned())
                    .collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl BuildContext {
    /// An empty context (deterministic types only).
    pub fn new() -> Self {
        BuildContext::default()
    }

    /// With an embedder.
    #[must_use]
    pub fn embedder(mut self, e: Arc<dyn Embedder>) -> Self {
        self.embedder = Some(e);
        self
    }

    /// With a judge.
    #[must_use]
    pub fn judge(mut self, client: Client, model: impl Into<String>) -> Self {
        self.judge = Some(JudgeModel {
            client,
            model: model.into(),
        });
        self
    }

    /// With a token counter.
    #[must_use]
    pub fn tokens(mut self, t: Arc<dyn TokenCounter>) -> Self {
        self.tokens = Some(t);
        self
    }

    /// With a judge prompt template for one assertion type.
    #[must_use]
    pub fn judge_template(mut self, kind: impl Into<String>, template: impl Into<String>) -> Self {
        self.judge_templates.insert(kind.into(), template.into());
        self
    }

    /// With a guardrail for the `safety` assertion (added after those already there).
    #[must_use]
    pub fn guardrail(mut self, g: Arc<dyn Guardrail>) -> Self {
        self.guardrails.push(g);
        self
    }

    /// The embedder, or the typed configuration error `kind` reports without one.
    pub fn need_embedder(&self, kind: &str) -> Result<Arc<dyn Embedder>> {
        self.embedder.clone().ok_or_else(|| {
            EvalError::Config(format!(
                "assertion `{kind}` needs an embedder; none is configured (BuildContext::embedder, or --embedder on the CLI)"
            ))
        })
    }

    /// The judge, or the typed configuration error `kind` reports without one.
    pub fn need_judge(&self, kind: &str) -> Result<JudgeModel> {
        self.judge.clone().ok_or_else(|| {
            EvalError::Config(format!(
                "assertion `{kind}` is model-graded and needs a judge; none is configured (BuildContext::judge, or `judge:` in the suite)"
            ))
        })
    }
}

/// Builds an evaluator from a spec (its `not-` prefix already stripped: negation is applied
/// by [`Assertion`]).
pub trait EvaluatorFactory: Send + Sync + 'static {
    /// Builds the evaluator, checking the spec's value now.
    fn build(&self, spec: &AssertionSpec, cx: &BuildContext) -> Result<Arc<dyn Evaluator>>;
}

impl<F> EvaluatorFactory for F
where
    F: Fn(&AssertionSpec, &BuildContext) -> Result<Arc<dyn Evaluator>> + Send + Sync + 'static,
{
    fn build(&self, spec: &AssertionSpec, cx: &BuildContext) -> Result<Arc<dyn Evaluator>> {
        self(spec, cx)
    }
}

/// A compiled assertion: its spec, its evaluator, negation and weight.
#[derive(Clone)]
pub struct Assertion {
    /// As written.
    pub spec: AssertionSpec,
    /// The evaluator of the base type.
    pub evaluator: Arc<dyn Evaluator>,
    /// `not-` prefix.
    pub negate: bool,
    /// Weight (default 1).
    pub weight: f64,
}

impl std::fmt::Debug for Assertion {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Assertion")
            .field("kind", &self.spec.kind)
            .field("weight", &self.weight)
            .finish()
    }
}

impl Assertion {
    /// The metric this assertion's score counts toward: its `metric`, else its type.
    pub fn metric(&self) -> &str {
        self.spec.metric.as_deref().unwrap_or(&self.spec.kind)
    }

    /// Runs the evaluator and applies negation (`1 - score`, pass inverted).
    pub async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let mut s = self.evaluator.evaluate(case, out).await?;
        if self.negate {
            s.value = 1.0 - s.value;
            s.pass = !s.pass;
            s.reason = format!("not: {}", s.reason);
            s.label = None;
        }
        Ok(s)
    }
}

/// Assertion types and their factories. [`Registry::builtin`] knows every built-in type;
/// [`Registry::register`] adds (or replaces) one.
///
/// ```
/// use std::sync::Arc;
/// use llmops_eval::{AssertionSpec, BuildContext, Registry};
/// use llmops_core::{async_trait, EvalCase, EvalOutput, Evaluator, Score};
///
/// struct Polite;
/// #[async_trait]
/// impl Evaluator for Polite {
///     fn name(&self) -> &str { "polite" }
///     async fn evaluate(&self, _: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
///         Ok(Score::binary(out.text.contains("please"), "looked for `please`"))
///     }
/// }
/// let mut reg = Registry::new(BuildContext::new());
/// reg.register("polite", |_: &AssertionSpec, _: &BuildContext| Ok(Arc::new(Polite) as Arc<dyn Evaluator>));
/// assert!(reg.compile(&AssertionSpec::of("not-polite")).unwrap().negate);
/// let err = reg.compile(&AssertionSpec::of("javascript")).unwrap_err().to_string();
/// assert!(err.contains("not supported: it runs JavaScript"), "{err}");
/// let err = reg.compile(&AssertionSpec::of("polit")).unwrap_err().to_string();
/// assert!(err.contains("unknown assertion type (known: polite)"), "{err}");
/// ```
#[derive(Clone)]
pub struct Registry {
    factories: HashMap<String, Arc<dyn EvaluatorFactory>>,
    cx: BuildContext,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("types", &self.kinds())
            .field("cx", &self.cx)
            .finish()
    }
}

/// promptfoo types we deliberately do not run: code we cannot execute, or services we do
/// not call. Naming them gives a clearer error than "unknown".
const NOT_RUN: &[(&str, &str)] = &[
    ("javascript", "runs JavaScript"),
    ("python", "runs Python"),
    ("ruby", "runs Ruby"),
    ("webhook", "calls an external webhook"),
    (
        "moderation",
        "calls a moderation API; use the guard layer's `safety` seam",
    ),
];

impl Registry {
    /// An empty registry with a build context.
    pub fn new(cx: BuildContext) -> Self {
        Registry {
            factories: HashMap::new(),
            cx,
        }
    }

    /// Every built-in type (deterministic, similarity, model-graded, RAG, safety).
    pub fn builtin(cx: BuildContext) -> Self {
        let mut r = Registry::new(cx);
        crate::evaluators::register_builtins(&mut r);
        r
    }

    /// Adds or replaces a type.
    pub fn register(&mut self, kind: impl Into<String>, f: impl EvaluatorFactory) -> &mut Self {
        self.factories.insert(kind.into(), Arc::new(f));
        self
    }

    /// The build context.
    pub fn context(&self) -> &BuildContext {
        &self.cx
    }

    /// Known type names, sorted.
    pub fn kinds(&self) -> Vec<&str> {
        let mut k: Vec<&str> = self.factories.keys().map(String::as_str).collect();
        k.sort_unstable();
        k
    }

    /// Compiles a spec: the type must be known, the weight finite and ≥ 0, the threshold
    /// finite, and the factory must accept the value.
    pub fn compile(&self, spec: &AssertionSpec) -> Result<Assertion> {
        let (base, negate) = spec.base_kind();
        let weight = spec.weight.unwrap_or(1.0);
        if !weight.is_finite() || weight < 0.0 {
            return Err(EvalError::assertion(
                &spec.kind,
                format!("weight must be a finite number ≥ 0, got {weight}"),
            ));
        }
        if spec.threshold.is_some_and(|t| !t.is_finite()) {
            return Err(EvalError::assertion(
                &spec.kind,
                "threshold must be a finite number",
            ));
        }
        let Some(factory) = self.factories.get(base) else {
            if let Some((_, why)) = NOT_RUN.iter().find(|(k, _)| *k == base) {
                return Err(EvalError::assertion(
                    &spec.kind,
                    format!(
                        "not supported: it {why}; write it as a Rust Evaluator and register it"
                    ),
                ));
            }
            return Err(EvalError::assertion(
                &spec.kind,
                format!(
                    "unknown assertion type (known: {})",
                    self.kinds().join(", ")
                ),
            ));
        };
        let mut base_spec = spec.clone();
        base_spec.kind = base.to_owned();
        let evaluator = factory.build(&base_spec, &self.cx).map_err(|e| match e {
            EvalError::Assertion { message, .. } => EvalError::assertion(&spec.kind, message),
            other => other,
        })?;
        Ok(Assertion {
            spec: spec.clone(),
            evaluator,
            negate,
            weight,
        })
    }
}

/// One assertion's outcome within a case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AssertionResult {
    /// The type as written (`not-contains`).
    pub kind: String,
    /// The metric it counts toward.
    pub metric: String,
    /// Its weight.
    pub weight: f64,
    /// The score (after negation); `None` when the evaluator failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<Score>,
    /// The evaluator's error (a malformed judge reply, an embedder failure): the case is
    /// errored, never passed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

impl AssertionResult {
    /// Whether it passed (an errored assertion did not).
    pub fn passed(&self) -> bool {
        self.score.as_ref().is_some_and(|s| s.pass)
    }
}

/// A case's combined verdict (one repeat).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Verdict {
    /// Weighted mean score.
    pub score: f64,
    /// Pass.
    pub pass: bool,
    /// Why (the first failure, or the threshold comparison).
    pub reason: String,
    /// Per named metric: the sum of scores (promptfoo's `namedScores`).
    pub named_scores: BTreeMap<String, f64>,
    /// An assertion errored: the case is errored, not passed.
    pub errored: bool,
}

/// Combines assertion results as promptfoo does (see the module docs); an errored
/// assertion makes the case errored and not passed, whatever the threshold.
///
/// ```
/// use llmops_core::Score;
/// use llmops_eval::assertion::{combine, AssertionResult};
/// let r = |kind: &str, v: f64, pass: bool, w: f64| {
///     let mut a: AssertionResult = serde_json::from_value(serde_json::json!({"kind": kind, "metric": kind, "weight": w})).unwrap();
///     a.score = Some(Score::new(v, pass, ""));
///     a
/// };
/// let v = combine(&[r("contains", 1.0, true, 3.0), r("similar", 0.0, false, 1.0)], None);
/// assert_eq!((v.score, v.pass), (0.75, false));
/// let v = combine(&[r("contains", 1.0, true, 3.0), r("similar", 0.0, false, 1.0)], Some(0.7));
/// assert!(v.pass);
/// ```
pub fn combine(results: &[AssertionResult], threshold: Option<f64>) -> Verdict {
    if results.is_empty() {
        return Verdict {
            score: 1.0,
            pass: true,
            reason: "No assertions".into(),
            named_scores: BTreeMap::new(),
            errored: false,
        };
    }
    let (mut total, mut weight) = (0.0, 0.0);
    let mut named = BTreeMap::new();
    let mut failed: Option<String> = None;
    let mut errored = None;
    for r in results {
        let value = r.score.as_ref().map_or(0.0, |s| s.value);
        total += value * r.weight;
        weight += r.weight;
        *named.entry(r.metric.clone()).or_insert(0.0) += value;
        if let Some(e) = &r.error {
            errored.get_or_insert_with(|| format!("{} errored: {e}", r.kind));
        } else if !r.passed() && failed.is_none() {
            failed = Some(format!(
                "{}: {}",
                r.kind,
                r.score.as_ref().map_or("", |s| s.reason.as_str())
            ));
        }
    }
    let score = if weight > 0.0 { total / weight } else { 0.0 };
    if let Some(reason) = errored {
        return Verdict {
            score,
            pass: false,
            reason,
            named_scores: named,
            errored: true,
        };
    }
    let (pass, reason) = match threshold.filter(|t| *t != 0.0) {
        Some(t) if score >= t => (true, format!("Aggregate score {score:.2} ≥ {t} threshold")),
        Some(t) => (false, format!("Aggregate score {score:.2} < {t} threshold")),
        None => match failed {
            Some(f) => (false, f),
            None => (true, "All assertions passed".into()),
        },
    };
    Verdict {
        score,
        pass,
        reason,
        named_scores: named,
        errored: false,
    }
}

/// Compiles every assertion of every case; the first bad one is an error naming the case's
/// file and line, so a run with a malformed case never starts.
pub fn compile_dataset(reg: &Registry, ds: &crate::Dataset) -> Result<Vec<Vec<Assertion>>> {
    ds.cases
        .iter()
        .map(|c| {
            c.assertions
                .iter()
                .map(|spec| {
                    reg.compile(spec).map_err(|e| match &c.source {
                        Some(src) => EvalError::dataset(
                            src.file.clone(),
                            src.line,
                            format!("case `{}`: {e}", c.eval.id),
                        ),
                        None => {
                            EvalError::assertion(&spec.kind, format!("case `{}`: {e}", c.eval.id))
                        }
                    })
                })
                .collect()
        })
        .collect()
}
