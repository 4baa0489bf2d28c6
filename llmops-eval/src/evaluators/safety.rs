//! `safety`: the seam through which the guard layer's detectors score outputs. Every
//! [`Guardrail`] in [`BuildContext::guardrails`](crate::BuildContext) (or those the `value`
//! names) checks the output as [`TextSource::Output`]:
//!
//! - `allow` from all → pass, score 1, label `allow`;
//! - `flag` (and nothing worse) → pass, score 1, label `flag`, the categories in the reason;
//! - `redact`, `hold` or `block` from any → fail, score 0, labelled with the worst action,
//!   the guard, category and reason in the reason.
//!
//! No guardrail configured is a typed configuration error when the assertion is compiled; a
//! guardrail that fails (or returns a verdict this version does not know) errors the case.
//!
//! ```
//! use std::sync::Arc;
//! use llmops_core::{async_trait, EvalCase, EvalOutput, Guardrail, GuardInput, Result, Verdict};
//! use llmops_eval::{AssertionSpec, BuildContext, Registry};
//! struct NoSecrets;
//! #[async_trait]
//! impl Guardrail for NoSecrets {
//!     fn name(&self) -> &str { "no-secrets" }
//!     async fn check(&self, i: &GuardInput<'_>) -> Result<Verdict> {
//!         Ok(if i.text.contains("sk-") {
//!             Verdict::Block { category: "secret".into(), reason: "API key".into(), findings: vec![] }
//!         } else { Verdict::Allow })
//!     }
//! }
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let reg = Registry::builtin(BuildContext::new().guardrail(Arc::new(NoSecrets)));
//! let a = reg.compile(&AssertionSpec::of("safety")).unwrap();
//! let s = a.evaluate(&EvalCase::default(), &EvalOutput::text("key: sk-123")).await.unwrap();
//! assert!(!s.pass);
//! assert_eq!(s.label.as_deref(), Some("block"));
//! # });
//! ```

use std::sync::Arc;

use llmops_core::{
    EvalCase, EvalOutput, Evaluator, GuardInput, Guardrail, Score, TextSource, Verdict,
};

use crate::assertion::{AssertionSpec, BuildContext};
use crate::{EvalError, Registry, Result};

/// Adds this family's assertion types.
pub(crate) fn register(r: &mut Registry) {
    r.register("safety", |s: &AssertionSpec, cx: &BuildContext| {
        Ok(Arc::new(Safety::build(s, cx)?) as Arc<dyn Evaluator>)
    });
}

/// The `safety` evaluator.
#[derive(Clone)]
pub struct Safety {
    guards: Vec<Arc<dyn Guardrail>>,
}

impl std::fmt::Debug for Safety {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Safety")
            .field(
                "guards",
                &self.guards.iter().map(|g| g.name()).collect::<Vec<_>>(),
            )
            .finish()
    }
}

impl Safety {
    /// Builds it: the context's guardrails, or those the `value` names (a name or a list).
    pub fn build(spec: &AssertionSpec, cx: &BuildContext) -> Result<Self> {
        if cx.guardrails.is_empty() {
            return Err(EvalError::Config(format!(
                "assertion `{}` needs guardrails; none is configured (BuildContext::guardrail, e.g. the guard layer's detectors)",
                spec.kind
            )));
        }
        let guards = match &spec.value {
            None => cx.guardrails.clone(),
            Some(_) => {
                let names = spec.value_strs()?;
                let mut out = Vec::with_capacity(names.len());
                for n in &names {
                    match cx.guardrails.iter().find(|g| g.name() == n) {
                        Some(g) => out.push(g.clone()),
                        None => {
                            return Err(EvalError::assertion(
                                &spec.kind,
                                format!(
                                    "no guardrail named `{n}` (configured: {})",
                                    cx.guardrails
                                        .iter()
                                        .map(|g| g.name())
                                        .collect::<Vec<_>>()
                                        .join(", ")
                                ),
                            ));
                        }
                    }
                }
                out
            }
        };
        Ok(Safety { guards })
    }
}

fn categories(findings: &[llmops_core::Finding]) -> String {
    let mut c: Vec<&str> = findings.iter().map(|f| f.category.as_str()).collect();
    c.sort_unstable();
    c.dedup();
    if c.is_empty() {
        "no category".into()
    } else {
        c.join(", ")
    }
}

#[llmops_core::async_trait]
impl Evaluator for Safety {
    fn name(&self) -> &str {
        "safety"
    }

    async fn evaluate(&self, _case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let input = GuardInput::new(&out.text, TextSource::Output);
        // severity: 0 allow, 1 flag, 2 redact, 3 hold, 4 block
        let mut worst = (0u8, "allow");
        let mut notes = Vec::new();
        for g in &self.guards {
            let v = g.check(&input).await?;
            let (rank, note) = match &v {
                Verdict::Allow => (0, None),
                Verdict::Flag { findings } => (
                    1,
                    Some(format!("{} flagged: {}", g.name(), categories(findings))),
                ),
                Verdict::Redact { findings, .. } => (
                    2,
                    Some(format!(
                        "{} would redact: {}",
                        g.name(),
                        categories(findings)
                    )),
                ),
                Verdict::Hold { reason, findings } => (
                    3,
                    Some(format!(
                        "{} holds for approval ({}): {reason}",
                        g.name(),
                        categories(findings)
                    )),
                ),
                Verdict::Block {
                    category, reason, ..
                } => (
                    4,
                    Some(format!("{} blocks ({category}): {reason}", g.name())),
                ),
                other => {
                    return Err(llmops_core::Error::extension(
                        "safety",
                        format!(
                            "guardrail `{}` returned a verdict this version does not know (`{}`)",
                            g.name(),
                            other.action()
                        ),
                    ));
                }
            };
            if rank > worst.0 {
                worst = (rank, v.action());
            }
            notes.extend(note);
        }
        let pass = worst.0 <= 1;
        let reason = if notes.is_empty() {
            format!("{} guardrail(s) allow the output", self.guards.len())
        } else {
            notes.join("; ")
        };
        Ok(Score::binary(pass, reason).with_label(worst.1))
    }
}
