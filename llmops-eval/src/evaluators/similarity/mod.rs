//! Similarity to a reference answer: edit distance, n-gram overlap, embeddings.
//!
//! | type | score | passes when | default threshold |
//! |---|---|---|---|
//! | `levenshtein` | 1 or 0 | edit distance ≤ threshold | 5 |
//! | `rouge-n` | ROUGE-1 F1 ([`rouge_n`]) | score ≥ threshold | 0.75 |
//! | `rouge-l` | LCS F1 ([`rouge_l`]) | score ≥ threshold | 0.75 |
//! | `bleu` | BLEU-4 ([`bleu`]) | score ≥ threshold | 0.5 |
//! | `gleu` | GLEU ([`gleu`]) | score ≥ threshold | 0.5 |
//! | `similar`, `similar:cosine` | cosine similarity | similarity ≥ threshold | 0.75 |
//! | `similar:dot` | dot product | product ≥ threshold | 0.75 |
//! | `similar:euclidean` | `1 / (1 + distance)` | distance ≤ threshold | 0.75 |
//!
//! Names, defaults and formulas are promptfoo's (0.123), so a promptfoo suite scores the
//! same here; `rouge-l` is ours. The reference is the assertion's `value` (a string; every
//! type but `levenshtein` also takes a list: `bleu`/`gleu` score against all references at
//! once, the others keep the best); **without a `value`, the case's `expected` output is the
//! reference**, and a case with neither is an evaluation error naming the case.
//! `not-` negates any of them (score `1 − score`). The `similar` types need an
//! [`Embedder`](llmops_core::Embedder) in the [`BuildContext`];
//! without one they fail to compile with a configuration error.
//!
//! ```
//! use llmops_core::{EvalCase, EvalOutput};
//! use llmops_eval::{AssertionSpec, BuildContext, Registry};
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let reg = Registry::builtin(BuildContext::new());
//! let mut case = EvalCase::default();
//! case.expected = Some("Reset your password from the login page.".into());
//! let out = EvalOutput::text("You can reset your password from the login page.");
//! // no value: the case's expected output is the reference
//! let rouge = reg.compile(&AssertionSpec::of("rouge-n")).unwrap();
//! let s = rouge.evaluate(&case, &out).await.unwrap();
//! assert!(s.pass && s.value > 0.8, "{s:?}");
//! let bleu = reg.compile(&AssertionSpec::new("bleu", "Reset your password.").threshold(0.5)).unwrap();
//! assert!(!bleu.evaluate(&case, &out).await.unwrap().pass);
//! // `similar` needs an embedder
//! let err = reg.compile(&AssertionSpec::new("similar", "hi")).unwrap_err();
//! assert!(err.to_string().contains("needs an embedder"), "{err}");
//! # });
//! ```

use std::borrow::Cow;
use std::sync::Arc;

use llmops_core::{EvalCase, Evaluator};

use crate::{AssertionSpec, BuildContext, EvalError, Registry, Result};

mod bleu;
mod embedding;
mod levenshtein;
mod rouge;
mod treebank;

pub use bleu::{BLEU_DEFAULT_THRESHOLD, GLEU_DEFAULT_THRESHOLD, NGramOverlap, bleu, gleu};
pub use embedding::{SIMILAR_DEFAULT_THRESHOLD, Similar, SimilarityMetric};
pub use levenshtein::{LEVENSHTEIN_DEFAULT_THRESHOLD, Levenshtein, levenshtein};
pub use rouge::{Prf, ROUGE_DEFAULT_THRESHOLD, Rouge, rouge_l, rouge_n};
pub use treebank::treebank_tokenize;

/// The `similar` family's types.
const SIMILAR_KINDS: [&str; 4] = [
    "similar",
    "similar:cosine",
    "similar:dot",
    "similar:euclidean",
];

/// Adds `levenshtein`, `rouge-n`, `rouge-l`, `bleu`, `gleu` and the `similar` types.
pub(crate) fn register(r: &mut Registry) {
    fn arc(e: impl Evaluator) -> Arc<dyn Evaluator> {
        Arc::new(e)
    }
    r.register("levenshtein", |s: &AssertionSpec, _: &BuildContext| {
        Levenshtein::from_spec(s).map(arc)
    });
    r.register("rouge-n", |s: &AssertionSpec, _: &BuildContext| {
        Rouge::rouge_n(s).map(arc)
    });
    r.register("rouge-l", |s: &AssertionSpec, _: &BuildContext| {
        Rouge::rouge_l(s).map(arc)
    });
    r.register("bleu", |s: &AssertionSpec, _: &BuildContext| {
        NGramOverlap::bleu(s).map(arc)
    });
    r.register("gleu", |s: &AssertionSpec, _: &BuildContext| {
        NGramOverlap::gleu(s).map(arc)
    });
    for kind in SIMILAR_KINDS {
        r.register(kind, |s: &AssertionSpec, cx: &BuildContext| {
            let embedder = cx.need_embedder(&s.kind)?;
            Similar::from_spec(s, embedder).map(arc)
        });
    }
}

/// The reference(s) an assertion compares with: its `value`, else the case's `expected`.
#[derive(Debug, Clone)]
struct References(Option<Vec<String>>);

impl References {
    /// A string or a non-empty list of strings, or nothing (the case's `expected` then).
    fn from_spec(spec: &AssertionSpec) -> Result<Self> {
        if spec.value.is_none() {
            return Ok(References(None));
        }
        let refs = spec.value_strs()?;
        if refs.is_empty() {
            return Err(EvalError::assertion(
                &spec.kind,
                "value is an empty list: give at least one reference",
            ));
        }
        Ok(References(Some(refs)))
    }

    /// The references for one case.
    fn resolve<'a>(
        &'a self,
        kind: &str,
        case: &'a EvalCase,
    ) -> llmops_core::Result<Cow<'a, [String]>> {
        match (&self.0, &case.expected) {
            (Some(refs), _) => Ok(Cow::Borrowed(refs.as_slice())),
            (None, Some(expected)) => Ok(Cow::Owned(vec![expected.clone()])),
            (None, None) => Err(EvalError::assertion(
                kind,
                format!(
                    "case `{}` has no reference: give the assertion a `value` or the case an `expected` output",
                    case.id
                ),
            )
            .into()),
        }
    }
}

/// Refuses what these types do not read: a judge `provider`, a `rubricPrompt`, `config`
/// keys other than `allowed`.
fn check_fields(spec: &AssertionSpec, allowed: &[&str]) -> Result<()> {
    if spec.provider.is_some() {
        return Err(EvalError::assertion(
            &spec.kind,
            "`provider` is not read by this type (an embedder comes from the build context)",
        ));
    }
    if spec.rubric_prompt.is_some() {
        return Err(EvalError::assertion(
            &spec.kind,
            "`rubricPrompt` is not read by this type",
        ));
    }
    if let Some(k) = spec.config.keys().find(|k| !allowed.contains(&k.as_str())) {
        let known = if allowed.is_empty() {
            "none".to_owned()
        } else {
            allowed.join(", ")
        };
        return Err(EvalError::assertion(
            &spec.kind,
            format!("unknown config key `{k}` (known: {known})"),
        ));
    }
    Ok(())
}

/// The best score over the references, and which one (1-based) when there are several.
fn best<S: AsRef<str>>(refs: &[S], score: impl Fn(&str) -> f64) -> (f64, Option<usize>) {
    let mut top: Option<(f64, usize)> = None;
    for (i, r) in refs.iter().enumerate() {
        let s = score(r.as_ref());
        if top.is_none_or(|(t, _)| s > t) {
            top = Some((s, i));
        }
    }
    match top {
        Some((s, i)) if refs.len() > 1 => (s, Some(i + 1)),
        Some((s, _)) => (s, None),
        None => (0.0, None),
    }
}

/// "ROUGE-N score 0.86 is greater than or equal to threshold 0.75" (promptfoo's wording).
fn threshold_reason(
    label: &str,
    score: f64,
    decimals: usize,
    pass: bool,
    threshold: f64,
    which: Option<usize>,
    refs: usize,
) -> String {
    let cmp = if pass {
        "is greater than or equal to"
    } else {
        "is less than"
    };
    let mut s = format!("{label} score {score:.decimals$} {cmp} threshold {threshold}");
    match which {
        Some(i) => s.push_str(&format!(" (best of {refs} references: #{i})")),
        None if refs > 1 => s.push_str(&format!(" ({refs} references)")),
        None => {}
    }
    s
}
