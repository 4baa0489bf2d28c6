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

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;
    use llmops_core::{Finding, async_trait};
    use serde_json::json;

    struct Fixed(&'static str, Verdict);

    #[async_trait]
    impl Guardrail for Fixed {
        fn name(&self) -> &str {
            self.0
        }
        async fn check(&self, input: &GuardInput<'_>) -> llmops_core::Result<Verdict> {
            assert_eq!(input.source, llmops_core::TextSource::Output);
            Ok(self.1.clone())
        }
    }

    fn finding(cat: &str) -> Finding {
        serde_json::from_value(json!({"category": cat, "start": 0, "end": 3, "score": 0.9}))
            .unwrap()
    }

    async fn safety_with(guards: Vec<Fixed>, spec: AssertionSpec) -> Score {
        let mut cx = BuildContext::new();
        for g in guards {
            cx = cx.guardrail(Arc::new(g));
        }
        Registry::builtin(cx)
            .compile(&spec)
            .unwrap()
            .evaluate(&EvalCase::default(), &EvalOutput::text("some output"))
            .await
            .unwrap()
    }

    #[tokio::test]
    async fn safety_passes_on_allow_and_flag_fails_on_redact_hold_block() {
        let s = safety_with(
            vec![Fixed("a", Verdict::Allow)],
            AssertionSpec::of("safety"),
        )
        .await;
        assert_eq!(
            (s.value, s.pass, s.label.as_deref()),
            (1.0, true, Some("allow"))
        );

        let flag = Verdict::Flag {
            findings: vec![finding("toxicity.mild")],
        };
        let s = safety_with(
            vec![Fixed("a", Verdict::Allow), Fixed("tox", flag)],
            AssertionSpec::of("safety"),
        )
        .await;
        assert_eq!((s.pass, s.label.as_deref()), (true, Some("flag")));
        assert!(
            s.reason.contains("tox flagged: toxicity.mild"),
            "{}",
            s.reason
        );

        let redact = Verdict::Redact {
            text: "***".into(),
            findings: vec![finding("pii.email")],
        };
        let s = safety_with(vec![Fixed("pii", redact)], AssertionSpec::of("safety")).await;
        assert_eq!(
            (s.value, s.pass, s.label.as_deref()),
            (0.0, false, Some("redact"))
        );
        assert!(s.reason.contains("pii.email"), "{}", s.reason);

        let hold = Verdict::Hold {
            reason: "refund promise".into(),
            findings: vec![],
        };
        let s = safety_with(vec![Fixed("policy", hold)], AssertionSpec::of("safety")).await;
        assert_eq!((s.pass, s.label.as_deref()), (false, Some("hold")));

        let block = Verdict::Block {
            category: "secret.openai_key".into(),
            reason: "API key in output".into(),
            findings: vec![],
        };
        let flag = Verdict::Flag {
            findings: vec![finding("x")],
        };
        let s = safety_with(
            vec![Fixed("f", flag), Fixed("secrets", block)],
            AssertionSpec::of("safety"),
        )
        .await;
        assert_eq!((s.pass, s.label.as_deref()), (false, Some("block")));
        assert!(
            s.reason
                .contains("secrets blocks (secret.openai_key): API key in output"),
            "{}",
            s.reason
        );

        // value restricts to named guardrails
        let block = Verdict::Block {
            category: "c".into(),
            reason: "r".into(),
            findings: vec![],
        };
        let s = safety_with(
            vec![Fixed("ok", Verdict::Allow), Fixed("strict", block)],
            AssertionSpec::new("safety", "ok"),
        )
        .await;
        assert!(s.pass);
    }

    #[test]
    fn safety_without_guardrails_or_with_an_unknown_one_is_an_error() {
        match Registry::builtin(BuildContext::new()).compile(&AssertionSpec::of("safety")) {
            Err(EvalError::Config(m)) => assert!(m.contains("needs guardrails"), "{m}"),
            other => panic!("{other:?}"),
        }
        let cx = BuildContext::new().guardrail(Arc::new(Fixed("pii", Verdict::Allow)));
        let e = Registry::builtin(cx)
            .compile(&AssertionSpec::new("safety", "toxicity"))
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no guardrail named `toxicity` (configured: pii)"),
            "{e}"
        );
    }
}
