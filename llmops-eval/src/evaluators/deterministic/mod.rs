//! Deterministic assertion types: text matching, length and token bounds, latency and cost
//! thresholds. Names, value shapes and pass rules are promptfoo's, so a suite moves between
//! the two; the few types promptfoo does not have (`length`, `token-count`) are marked as
//! ours in `docs/eval-assertions.md`.
//!
//! | type | value | passes when |
//! |---|---|---|
//! | `equals` | string (or number); object/list | the output is exactly the string; or parses as JSON deep-equal to the value |
//! | `contains`, `icontains` | string or number | the output contains it (`i`: ignoring case) |
//! | `contains-any`, `icontains-any` | list, or a comma-separated string | the output contains at least one |
//! | `contains-all`, `icontains-all` | list, or a comma-separated string | the output contains every one |
//! | `regex` | pattern | the pattern matches somewhere in the output |
//! | `starts-with`, `ends-with` | string | the output starts (ends) with it |
//! | `length`, `character-count` | `{min, max}` or an exact number | the output's length in characters (Unicode scalar values) is within |
//! | `word-count` | `{min, max}` or an exact number | the number of whitespace-separated words is within |
//! | `token-count` | `{min, max}` or an exact number | the output's token count (the context's [`TokenCounter`](llmops_core::TokenCounter)) is within |
//! | `tokens-used` | `{min, max}` | the call's reported usage (input + output tokens) is within |
//! | `latency` | `threshold` (ms) | the measured latency is at most the threshold |
//! | `cost` | `threshold` (USD) | the exact cost is at most the threshold; an unknown cost is an error, never a pass |
//!
//! Every value is checked when the assertion is compiled (a bad regex, a list where a string
//! belongs, `min > max`, a missing value or threshold is an [`EvalError::Assertion`]); regexes
//! are compiled once then. Binary types score 1 or 0, and their reasons say what was looked
//! for and what was found.
//!
//! ```
//! use llmops_core::{EvalCase, EvalOutput};
//! use llmops_eval::{AssertionSpec, BuildContext, Registry};
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let reg = Registry::builtin(BuildContext::new());
//! let out = EvalOutput::text("Refunds are accepted within 30 days of delivery.");
//! let case = EvalCase::default();
//!
//! let a = reg.compile(&AssertionSpec::new("icontains", "30 DAYS")).unwrap();
//! assert!(a.evaluate(&case, &out).await.unwrap().pass);
//! let a = reg.compile(&AssertionSpec::new("not-contains-any", "sorry, cannot")).unwrap();
//! assert!(a.evaluate(&case, &out).await.unwrap().pass);
//! let a = reg.compile(&AssertionSpec::new("word-count", serde_json::json!({"max": 5}))).unwrap();
//! let s = a.evaluate(&case, &out).await.unwrap();
//! assert!(!s.pass && s.reason.contains("8 words"), "{}", s.reason);
//! // values are checked before anything runs
//! assert!(reg.compile(&AssertionSpec::new("regex", "(unclosed")).is_err());
//! # });
//! ```

mod counts;
mod meta;
mod text;

use serde_json::{Number, Value};

use crate::{AssertionSpec, EvalError, Registry, Result};

/// Adds this family's assertion types.
pub(crate) fn register(r: &mut Registry) {
    text::register(r);
    counts::register(r);
    meta::register(r);
}

/// How much of an output a reason quotes.
const CLIP_CHARS: usize = 160;

/// `s` quoted, cut to [`CLIP_CHARS`] characters with the rest counted, for reasons.
pub(crate) fn clip(s: &str) -> String {
    match s.char_indices().nth(CLIP_CHARS) {
        None => format!("{s:?}"),
        Some((cut, _)) => {
            let rest = s.get(cut..).map_or(0, |r| r.chars().count());
            let head = s.get(..cut).unwrap_or_default();
            format!("{head:?}… (+{rest} chars)")
        }
    }
}

/// `s` as is (JSON, an error message), cut to [`CLIP_CHARS`] characters with the rest counted.
pub(crate) fn clip_raw(s: &str) -> String {
    match s.char_indices().nth(CLIP_CHARS) {
        None => s.to_owned(),
        Some((cut, _)) => {
            let rest = s.get(cut..).map_or(0, |r| r.chars().count());
            format!("{}… (+{rest} chars)", s.get(..cut).unwrap_or_default())
        }
    }
}

/// A JSON value, serialised and clipped, for reasons.
pub(crate) fn clip_json(v: &serde_json::Value) -> String {
    clip_raw(&v.to_string())
}

/// The spec's value, or the error every type without one reports.
pub(crate) fn need_value(spec: &AssertionSpec) -> Result<&Value> {
    match &spec.value {
        Some(Value::Null) | None => Err(EvalError::assertion(&spec.kind, "needs a `value`")),
        Some(v) => Ok(v),
    }
}

/// A number as JavaScript's `String(n)` writes it (`1.0` → `1`), so numeric values compare
/// as promptfoo compares them.
pub(crate) fn js_number(n: &Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    match n.as_f64() {
        Some(f) if f.fract() == 0.0 && f.abs() < 1e21 => format!("{f:.0}"),
        Some(f) => f.to_string(),
        None => n.to_string(),
    }
}

/// Lists as reasons show them: `"a", "b"`.
pub(crate) fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A core error for an output an evaluator cannot judge (unknown cost, no latency): the case
/// is errored, never passed, whichever way the assertion is negated.
pub(crate) fn cannot_judge(kind: &str, message: impl Into<String>) -> llmops_core::Error {
    EvalError::assertion(kind, message).into()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
pub(crate) mod test_support {
    use llmops_core::{EvalCase, EvalOutput, Score};

    use crate::{AssertionSpec, BuildContext, Registry};

    /// Compiles `spec` with the built-ins and evaluates it on `out`.
    pub(crate) fn run(spec: AssertionSpec, out: &EvalOutput) -> llmops_core::Result<Score> {
        run_with(BuildContext::new(), spec, out)
    }

    /// As [`run`], with a build context.
    pub(crate) fn run_with(
        cx: BuildContext,
        spec: AssertionSpec,
        out: &EvalOutput,
    ) -> llmops_core::Result<Score> {
        let a = Registry::builtin(cx).compile(&spec).unwrap();
        futures_util::FutureExt::now_or_never(a.evaluate(&EvalCase::default(), out))
            .expect("deterministic evaluators do not wait")
    }

    /// The compile error's message.
    pub(crate) fn build_err(spec: AssertionSpec) -> String {
        build_err_with(BuildContext::new(), spec)
    }

    /// As [`build_err`], with a build context.
    pub(crate) fn build_err_with(cx: BuildContext, spec: AssertionSpec) -> String {
        match Registry::builtin(cx).compile(&spec) {
            Ok(_) => panic!("`{}` compiled", spec.kind),
            Err(e) => e.to_string(),
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn clip_cuts_long_text_on_char_boundaries() {
        assert_eq!(clip("short"), "\"short\"");
        let long = "é".repeat(CLIP_CHARS + 7);
        let c = clip(&long);
        assert!(c.ends_with("… (+7 chars)"), "{c}");
        assert_eq!(c.matches('é').count(), CLIP_CHARS);
    }

    #[test]
    fn numbers_print_as_javascript_does() {
        let n = |v: Value| match v {
            Value::Number(n) => js_number(&n),
            _ => unreachable!(),
        };
        assert_eq!(n(serde_json::json!(42)), "42");
        assert_eq!(n(serde_json::json!(-3)), "-3");
        assert_eq!(n(serde_json::json!(1.0)), "1");
        assert_eq!(n(serde_json::json!(2.5)), "2.5");
    }
}
