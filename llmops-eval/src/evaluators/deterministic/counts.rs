//! Length bounds: `length` / `character-count` (characters), `word-count`, `token-count`
//! (tokens of the output text), `tokens-used` (the call's reported usage).

use std::fmt;
use std::sync::Arc;

use llmops_core::{EvalCase, EvalOutput, Evaluator, Score, TokenCounter, async_trait};
use serde_json::Value;

use super::need_value;
use crate::{AssertionSpec, BuildContext, EvalError, Registry, Result};

pub(super) fn register(r: &mut Registry) {
    for kind in ["length", "character-count"] {
        r.register(kind, |s: &AssertionSpec, _: &BuildContext| {
            build(s, Unit::Chars, Bounds::parse(s, &[])?)
        });
    }
    r.register("word-count", |s: &AssertionSpec, _: &BuildContext| {
        build(s, Unit::Words, Bounds::parse(s, &[])?)
    });
    r.register("token-count", |s: &AssertionSpec, cx: &BuildContext| {
        let bounds = Bounds::parse(s, &[])?;
        let counter = cx.tokens.clone().ok_or_else(|| {
            EvalError::Config(format!(
                "assertion `{}` needs a token counter; none is configured (BuildContext::tokens)",
                s.kind
            ))
        })?;
        build(s, Unit::Tokens(counter), bounds)
    });
    r.register("tokens-used", |s: &AssertionSpec, _: &BuildContext| {
        let bounds = Bounds::parse(s, &["source", "pattern"])?;
        if bounds.exact.is_some() {
            return Err(EvalError::assertion(
                &s.kind,
                "value must be an object with `min` and/or `max`",
            ));
        }
        if let Some(Value::Object(o)) = &s.value {
            match o.get("source") {
                None => {}
                Some(Value::String(v)) if v == "response" || v == "auto" => {}
                Some(Value::String(v)) if v == "trace" => {
                    return Err(EvalError::assertion(
                        &s.kind,
                        "`source: trace` is not supported: evaluated outputs carry the response's usage, not trace spans",
                    ));
                }
                Some(other) => {
                    return Err(EvalError::assertion(
                        &s.kind,
                        format!("`source` must be \"response\" or \"auto\", got {other}"),
                    ));
                }
            }
            if o.get("pattern").is_some_and(|p| p != "*") {
                return Err(EvalError::assertion(
                    &s.kind,
                    "`pattern` selects trace spans, which evaluated outputs do not carry",
                ));
            }
        }
        build(s, Unit::UsedTokens, bounds)
    });
}

fn build(spec: &AssertionSpec, unit: Unit, bounds: Bounds) -> Result<Arc<dyn Evaluator>> {
    Ok(Arc::new(CountCheck {
        kind: spec.kind.clone(),
        unit,
        bounds,
    }))
}

/// What is counted.
enum Unit {
    Chars,
    Words,
    Tokens(Arc<dyn TokenCounter>),
    UsedTokens,
}

impl Unit {
    fn name(&self) -> &'static str {
        match self {
            Unit::Chars => "characters",
            Unit::Words => "words",
            Unit::Tokens(_) => "tokens",
            Unit::UsedTokens => "tokens used",
        }
    }
}

/// An exact count, or inclusive bounds (at least one of them).
#[derive(Debug, Clone, Copy, PartialEq)]
struct Bounds {
    exact: Option<f64>,
    min: Option<f64>,
    max: Option<f64>,
}

impl Bounds {
    /// Reads `N`, `"N"` or `{min, max}` (plus the `extra` keys the type allows): numbers
    /// finite and ≥ 0, `min ≤ max`, unknown keys refused.
    fn parse(spec: &AssertionSpec, extra: &[&str]) -> Result<Bounds> {
        let bad = |m: String| EvalError::assertion(&spec.kind, m);
        let number = |key: &str, v: &Value| -> Result<f64> {
            v.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .ok_or_else(|| bad(format!("`{key}` must be a finite number ≥ 0, got {v}")))
        };
        match need_value(spec)? {
            v @ Value::Number(_) => Ok(Bounds {
                exact: Some(number("value", v)?),
                min: None,
                max: None,
            }),
            Value::String(s) => {
                let n: f64 = s.trim().parse().map_err(|_| {
                    bad(format!(
                        "value must be a count or {{min, max}}, got the string {s:?}"
                    ))
                })?;
                number("value", &Value::from(n)).map(|n| Bounds {
                    exact: Some(n),
                    min: None,
                    max: None,
                })
            }
            Value::Object(o) => {
                if let Some(k) = o
                    .keys()
                    .find(|k| !["min", "max"].contains(&k.as_str()) && !extra.contains(&k.as_str()))
                {
                    return Err(bad(format!(
                        "unknown key `{k}` (expected `min` and/or `max`)"
                    )));
                }
                let min = o.get("min").map(|v| number("min", v)).transpose()?;
                let max = o.get("max").map(|v| number("max", v)).transpose()?;
                match (min, max) {
                    (None, None) => Err(bad("value needs `min` and/or `max`".into())),
                    (Some(lo), Some(hi)) if lo > hi => {
                        Err(bad(format!("`min` ({lo}) is greater than `max` ({hi})")))
                    }
                    _ => Ok(Bounds {
                        exact: None,
                        min,
                        max,
                    }),
                }
            }
            other => Err(bad(format!(
                "value must be a count or {{min, max}}, got {other}"
            ))),
        }
    }

    fn admits(&self, n: f64) -> bool {
        self.exact.is_none_or(|e| n == e)
            && self.min.is_none_or(|m| n >= m)
            && self.max.is_none_or(|m| n <= m)
    }
}

impl fmt::Display for Bounds {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.exact, self.min, self.max) {
            (Some(e), _, _) => write!(f, "exactly {e}"),
            (None, Some(lo), Some(hi)) => write!(f, "between {lo} and {hi}"),
            (None, Some(lo), None) => write!(f, "at least {lo}"),
            (None, None, Some(hi)) => write!(f, "at most {hi}"),
            (None, None, None) => f.write_str("any number"),
        }
    }
}

struct CountCheck {
    kind: String,
    unit: Unit,
    bounds: Bounds,
}

#[async_trait]
impl Evaluator for CountCheck {
    fn name(&self) -> &str {
        &self.kind
    }

    async fn evaluate(&self, _case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let n = match &self.unit {
            Unit::Chars => out.text.chars().count() as u64,
            Unit::Words => out.text.split_whitespace().count() as u64,
            Unit::Tokens(t) => t.count(&out.text) as u64,
            Unit::UsedTokens => {
                if out.usage.total() == 0 {
                    return Err(super::cannot_judge(
                        &self.kind,
                        "the output carries no token usage (the target reported none)",
                    ));
                }
                out.usage.total()
            }
        };
        #[allow(clippy::cast_precision_loss)] // counts far below 2^53
        let pass = self.bounds.admits(n as f64);
        let unit = self.unit.name();
        let how = if pass { "within" } else { "outside" };
        Ok(Score::binary(
            pass,
            format!("{n} {unit}, {how} the bound: {}", self.bounds),
        ))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use llmops_core::{EvalOutput, Usage};
    use serde_json::json;

    use super::super::test_support::{build_err, build_err_with, run, run_with};
    use super::*;

    /// One token per whitespace-separated word: enough to test the wiring.
    struct Words;
    impl TokenCounter for Words {
        fn id(&self) -> &str {
            "words"
        }
        fn count(&self, text: &str) -> usize {
            text.split_whitespace().count()
        }
        fn encode(&self, text: &str) -> Vec<u32> {
            vec![0; self.count(text)]
        }
        fn decode(&self, _: &[u32]) -> llmops_core::Result<String> {
            Ok(String::new())
        }
    }

    fn check(kind: &str, value: Value, out: &str) -> Score {
        run(AssertionSpec::new(kind, value), &EvalOutput::text(out)).unwrap()
    }

    #[test]
    fn length_counts_characters_not_bytes() {
        let s = check("length", json!({"min": 3, "max": 5}), "héllo");
        assert!(s.pass, "{}", s.reason);
        assert_eq!(s.reason, "5 characters, within the bound: between 3 and 5");
        let s = check("length", json!({"max": 4}), "héllo");
        assert!(!s.pass && s.value == 0.0);
        assert_eq!(s.reason, "5 characters, outside the bound: at most 4");
        assert!(!check("length", json!({"min": 6}), "héllo").pass);
        assert!(check("character-count", json!(5), "héllo").pass);
        assert!(!check("character-count", json!(4), "héllo").pass);
        assert!(check("character-count", json!("5"), "🦀🦀🦀🦀🦀").pass);
    }

    #[test]
    fn word_count() {
        assert!(check("word-count", json!(3), "  one two\tthree\n").pass);
        assert!(!check("word-count", json!({"min": 4}), "one two three").pass);
        assert!(check("word-count", json!({"min": 0, "max": 0}), "   ").pass);
    }

    #[test]
    fn token_count_needs_a_counter() {
        let cx = BuildContext::new().tokens(Arc::new(Words));
        let out = EvalOutput::text("one two three four");
        let s = run_with(
            cx.clone(),
            AssertionSpec::new("token-count", json!({"max": 4})),
            &out,
        )
        .unwrap();
        assert!(s.pass && s.reason.starts_with("4 tokens"), "{}", s.reason);
        let s = run_with(
            cx,
            AssertionSpec::new("token-count", json!({"max": 3})),
            &out,
        )
        .unwrap();
        assert!(!s.pass);
        let e = build_err(AssertionSpec::new("token-count", json!({"max": 3})));
        assert!(
            e.starts_with("configuration: assertion `token-count` needs a token counter"),
            "{e}"
        );
        // a bad value is reported before the missing counter
        let e = build_err_with(
            BuildContext::new(),
            AssertionSpec::new("token-count", json!({"min": 5, "max": 1})),
        );
        assert!(e.contains("`min` (5) is greater than `max` (1)"), "{e}");
    }

    #[test]
    fn tokens_used_reads_usage() {
        let mut out = EvalOutput::text("hi");
        out.usage = Usage::new(120, 30);
        let spec = AssertionSpec::new("tokens-used", json!({"max": 200, "source": "response"}));
        let s = run(spec, &out).unwrap();
        assert!(
            s.pass && s.reason.starts_with("150 tokens used"),
            "{}",
            s.reason
        );
        assert!(
            !run(AssertionSpec::new("tokens-used", json!({"min": 151})), &out)
                .unwrap()
                .pass
        );
        let e = run(
            AssertionSpec::new("tokens-used", json!({"max": 10})),
            &EvalOutput::text("hi"),
        )
        .unwrap_err();
        assert!(e.to_string().contains("no token usage"), "{e}");
        assert!(
            build_err(AssertionSpec::new("tokens-used", json!(100))).contains("`min` and/or `max`")
        );
        assert!(
            build_err(AssertionSpec::new(
                "tokens-used",
                json!({"max": 1, "source": "trace"})
            ))
            .contains("not supported")
        );
        assert!(
            build_err(AssertionSpec::new(
                "tokens-used",
                json!({"max": 1, "pattern": "llm.*"})
            ))
            .contains("trace spans")
        );
    }

    #[test]
    fn bad_bounds_are_build_errors() {
        let e = build_err(AssertionSpec::new("length", json!({"min": 10, "max": 2})));
        assert_eq!(
            e,
            "assertion `length`: `min` (10) is greater than `max` (2)"
        );
        assert!(build_err(AssertionSpec::new("length", json!({}))).contains("`min` and/or `max`"));
        assert!(
            build_err(AssertionSpec::new("length", json!({"minimum": 1})))
                .contains("unknown key `minimum`")
        );
        assert!(
            build_err(AssertionSpec::new("word-count", json!({"max": -1})))
                .contains("finite number ≥ 0")
        );
        assert!(
            build_err(AssertionSpec::new("word-count", json!({"max": "ten"})))
                .contains("`max` must be")
        );
        assert!(build_err(AssertionSpec::new("word-count", "ten")).contains("got the string"));
        assert!(
            build_err(AssertionSpec::new("character-count", json!([1])))
                .contains("count or {min, max}")
        );
        assert!(build_err(AssertionSpec::of("length")).contains("needs a `value`"));
        assert!(
            build_err(AssertionSpec::new(
                "not-length",
                json!({"max": 1, "extra": 2})
            ))
            .starts_with("assertion `not-length`")
        );
    }
}
