//! Thresholds on the response's metadata: `latency` (ms) and `cost` (USD, exact).
//!
//! As in promptfoo, both read `threshold`, pass when the measured figure is at most the
//! threshold, and refuse to judge what was not measured: a cached response's latency, an
//! output without latency, an unpriced (`Cost::Unknown`) output. Refusing is an evaluator
//! error, so the case is errored and never passes, `not-cost` included.

use std::sync::Arc;

use llmops_core::{Cost, EvalCase, EvalOutput, Evaluator, Money, Score, async_trait};

use crate::{AssertionSpec, BuildContext, EvalError, Registry, Result};

pub(super) fn register(r: &mut Registry) {
    r.register("latency", |s: &AssertionSpec, _: &BuildContext| {
        let max_ms = threshold(s, "milliseconds")?;
        Ok(Arc::new(Latency { max_ms }) as Arc<dyn Evaluator>)
    });
    r.register("cost", |s: &AssertionSpec, _: &BuildContext| {
        let t = threshold(s, "US dollars")?;
        // `f64`'s Display is the shortest exact round trip and never uses an exponent.
        let max = Money::usd_str(&t.to_string())
            .map_err(|e| EvalError::assertion(&s.kind, format!("threshold {t}: {e}")))?;
        Ok(Arc::new(CostLimit { max }) as Arc<dyn Evaluator>)
    });
}

/// The spec's `threshold`: required, ≥ 0; a `value` instead of it is a mistake we name.
fn threshold(spec: &AssertionSpec, unit: &str) -> Result<f64> {
    match spec.threshold {
        Some(t) if t >= 0.0 => Ok(t),
        Some(t) => Err(EvalError::assertion(
            &spec.kind,
            format!("threshold must be ≥ 0 {unit}, got {t}"),
        )),
        None if spec.value.is_some() => Err(EvalError::assertion(
            &spec.kind,
            format!("the limit goes in `threshold` ({unit}), not `value`"),
        )),
        None => Err(EvalError::assertion(
            &spec.kind,
            format!("needs a `threshold` ({unit})"),
        )),
    }
}

struct Latency {
    max_ms: f64,
}

#[async_trait]
impl Evaluator for Latency {
    fn name(&self) -> &str {
        "latency"
    }

    async fn evaluate(&self, _case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        if let Some(llmops_core::CacheOutcome::Hit { .. }) = &out.meta.cache {
            return Err(super::cannot_judge(
                "latency",
                "the response came from the cache, so its latency says nothing about the model; rerun without the cache",
            ));
        }
        if out.meta.latency.is_zero() {
            return Err(super::cannot_judge(
                "latency",
                "the output carries no measured latency",
            ));
        }
        let ms = out.meta.latency.as_secs_f64() * 1000.0;
        let max = self.max_ms;
        Ok(if ms <= max {
            Score::binary(true, format!("latency {ms:.0} ms ≤ {max} ms threshold"))
        } else {
            Score::binary(false, format!("latency {ms:.0} ms > {max} ms threshold"))
        })
    }
}

struct CostLimit {
    max: Money,
}

#[async_trait]
impl Evaluator for CostLimit {
    fn name(&self) -> &str {
        "cost"
    }

    async fn evaluate(&self, _case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let cost = match &out.meta.cost {
            Cost::Known(m) => m,
            Cost::Unknown { reason } => {
                return Err(super::cannot_judge(
                    "cost",
                    format!(
                        "the cost is unknown ({reason}), so it cannot be compared with the {} threshold; an unpriced output never passes",
                        self.max
                    ),
                ));
            }
        };
        if cost.currency != self.max.currency {
            return Err(super::cannot_judge(
                "cost",
                format!(
                    "the cost is in {}, the threshold in {}",
                    cost.currency, self.max.currency
                ),
            ));
        }
        Ok(if cost.amount <= self.max.amount {
            Score::binary(true, format!("cost {cost} ≤ {} threshold", self.max))
        } else {
            Score::binary(false, format!("cost {cost} > {} threshold", self.max))
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use std::time::Duration;

    use llmops_core::{CacheKind, CacheOutcome, EvalOutput};

    use super::super::test_support::{build_err, run};
    use super::*;

    fn out_with(latency_ms: u64, cost: Cost) -> EvalOutput {
        let mut out = EvalOutput::text("ok");
        out.meta.latency = Duration::from_millis(latency_ms);
        out.meta.cost = cost;
        out
    }

    fn usd(s: &str) -> Cost {
        Cost::Known(Money::usd_str(s).unwrap())
    }

    #[test]
    fn latency_threshold() {
        let spec = AssertionSpec::of("latency").threshold(1000.0);
        let s = run(spec.clone(), &out_with(812, usd("0"))).unwrap();
        assert!(s.pass, "{}", s.reason);
        assert_eq!(s.reason, "latency 812 ms ≤ 1000 ms threshold");
        assert!(run(spec.clone(), &out_with(1000, usd("0"))).unwrap().pass);
        let s = run(spec.clone(), &out_with(1001, usd("0"))).unwrap();
        assert!(
            !s.pass && s.value == 0.0 && s.reason.contains("1001 ms > 1000 ms"),
            "{}",
            s.reason
        );
        let e = run(spec.clone(), &EvalOutput::text("no meta")).unwrap_err();
        assert!(e.to_string().contains("no measured latency"), "{e}");
        let mut cached = out_with(3, usd("0"));
        cached.meta.cache = Some(CacheOutcome::Hit {
            kind: CacheKind::Exact,
            similarity: None,
        });
        assert!(
            run(spec, &cached)
                .unwrap_err()
                .to_string()
                .contains("from the cache")
        );
    }

    #[test]
    fn cost_compares_exact_money() {
        let spec = AssertionSpec::of("cost").threshold(0.003);
        // 0.001 + 0.002 is not ≤ 0.003 in f64; in decimal it is
        let s = run(spec.clone(), &out_with(5, usd("0.003"))).unwrap();
        assert!(s.pass, "{}", s.reason);
        assert_eq!(s.reason, "cost 0.003 USD ≤ 0.003 USD threshold");
        let s = run(spec.clone(), &out_with(5, usd("0.0030001"))).unwrap();
        assert!(
            !s.pass && s.reason == "cost 0.0030001 USD > 0.003 USD threshold",
            "{}",
            s.reason
        );
        let tiny = AssertionSpec::of("cost").threshold(0.0000001);
        assert!(
            run(tiny.clone(), &out_with(5, usd("0.0000001")))
                .unwrap()
                .pass
        );
        assert!(!run(tiny, &out_with(5, usd("0.00000011"))).unwrap().pass);
    }

    #[test]
    fn unknown_cost_never_passes() {
        let out = out_with(5, Cost::unknown("model not in the price table"));
        let e = run(AssertionSpec::of("cost").threshold(1.0), &out)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("the cost is unknown (model not in the price table)"),
            "{e}"
        );
        // negation does not turn an unknown cost into a pass either
        let e = run(AssertionSpec::of("not-cost").threshold(1.0), &out).unwrap_err();
        assert!(e.to_string().contains("cost is unknown"), "{e}");
        let mut eur = out_with(5, usd("0.001"));
        eur.meta.cost = Cost::Known(Money {
            amount: Money::usd_str("0.001").unwrap().amount,
            currency: "EUR".into(),
        });
        let e = run(AssertionSpec::of("cost").threshold(1.0), &eur).unwrap_err();
        assert!(
            e.to_string().contains("in EUR, the threshold in USD"),
            "{e}"
        );
    }

    #[test]
    fn thresholds_are_required_and_non_negative() {
        assert_eq!(
            build_err(AssertionSpec::of("latency")),
            "assertion `latency`: needs a `threshold` (milliseconds)"
        );
        let e = build_err(AssertionSpec::new("cost", 0.5));
        assert_eq!(
            e,
            "assertion `cost`: the limit goes in `threshold` (US dollars), not `value`"
        );
        assert!(build_err(AssertionSpec::of("cost").threshold(-0.1)).contains("≥ 0 US dollars"));
        assert!(
            build_err(AssertionSpec::of("not-latency").threshold(-1.0))
                .starts_with("assertion `not-latency`")
        );
    }
}
