//! Text matching: `equals`, the `contains` family, `regex`, `starts-with`, `ends-with`.

use std::sync::Arc;

use llmops_core::{EvalCase, EvalOutput, Evaluator, Score, async_trait};
use serde_json::Value;

use super::{clip, clip_json, js_number, need_value, quoted_list};
use crate::evaluators::json::{json_eq, parse_output};
use crate::{AssertionSpec, BuildContext, EvalError, Registry, Result};

pub(super) fn register(r: &mut Registry) {
    r.register("equals", |s: &AssertionSpec, _: &BuildContext| {
        build(s, equals(s)?)
    });
    for (kind, ci) in [("contains", false), ("icontains", true)] {
        r.register(kind, move |s: &AssertionSpec, _: &BuildContext| {
            let needle = scalar(s)?;
            build(s, Op::Contains(Needle::new(needle, ci)))
        });
    }
    for (kind, ci, all) in [
        ("contains-any", false, false),
        ("icontains-any", true, false),
        ("contains-all", false, true),
        ("icontains-all", true, true),
    ] {
        r.register(kind, move |s: &AssertionSpec, _: &BuildContext| {
            let needles = list(s)?.into_iter().map(|n| Needle::new(n, ci)).collect();
            build(
                s,
                if all {
                    Op::All(needles)
                } else {
                    Op::Any(needles)
                },
            )
        });
    }
    r.register("regex", |s: &AssertionSpec, _: &BuildContext| {
        let pattern = nonempty_str(s)?;
        let re = fancy_regex::RegexBuilder::new(pattern)
            .build()
            .map_err(|e| {
                EvalError::assertion(&s.kind, format!("invalid regex /{pattern}/: {e}"))
            })?;
        build(s, Op::Regex(re))
    });
    r.register("starts-with", |s: &AssertionSpec, _: &BuildContext| {
        build(s, Op::StartsWith(nonempty_str(s)?.to_owned()))
    });
    r.register("ends-with", |s: &AssertionSpec, _: &BuildContext| {
        build(s, Op::EndsWith(nonempty_str(s)?.to_owned()))
    });
}

fn build(spec: &AssertionSpec, op: Op) -> Result<Arc<dyn Evaluator>> {
    Ok(Arc::new(TextCheck {
        kind: spec.kind.clone(),
        op,
    }))
}

/// A substring to look for; `folded` is its lowercase form when case is ignored.
#[derive(Debug)]
struct Needle {
    text: String,
    folded: Option<String>,
}

impl Needle {
    fn new(text: String, ignore_case: bool) -> Self {
        let folded = ignore_case.then(|| text.to_lowercase());
        Needle { text, folded }
    }

    /// Whether `hay` (or `folded_hay`, the output in lowercase, when case is ignored) holds it.
    fn found_in(&self, hay: &str, folded_hay: Option<&str>) -> bool {
        match (&self.folded, folded_hay) {
            (Some(n), Some(h)) => h.contains(n.as_str()),
            _ => hay.contains(self.text.as_str()),
        }
    }
}

#[derive(Debug)]
enum Op {
    Equals(String),
    EqualsJson(Value),
    Contains(Needle),
    Any(Vec<Needle>),
    All(Vec<Needle>),
    Regex(fancy_regex::Regex),
    StartsWith(String),
    EndsWith(String),
}

impl Op {
    fn ignores_case(&self) -> bool {
        match self {
            Op::Contains(n) => n.folded.is_some(),
            Op::Any(ns) | Op::All(ns) => ns.iter().any(|n| n.folded.is_some()),
            _ => false,
        }
    }
}

#[derive(Debug)]
struct TextCheck {
    kind: String,
    op: Op,
}

#[async_trait]
impl Evaluator for TextCheck {
    fn name(&self) -> &str {
        &self.kind
    }

    async fn evaluate(&self, _case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let text = out.text.as_str();
        let folded = self.op.ignores_case().then(|| text.to_lowercase());
        let folded = folded.as_deref();
        let case_note = if folded.is_some() {
            " (ignoring case)"
        } else {
            ""
        };
        let score = match &self.op {
            Op::Equals(want) => {
                if text == want {
                    Score::binary(true, format!("output equals {}", clip(want)))
                } else {
                    Score::binary(
                        false,
                        format!("expected {}, got {}", clip(want), clip(text)),
                    )
                }
            }
            Op::EqualsJson(want) => {
                let want_s = clip_json(want);
                match parse_output(text) {
                    Err(e) => Score::binary(
                        false,
                        format!(
                            "expected JSON equal to {want_s}; output is not JSON ({e}): {}",
                            clip(text)
                        ),
                    ),
                    Ok(got) if json_eq(&got, want) => {
                        Score::binary(true, format!("output is JSON equal to {want_s}"))
                    }
                    Ok(got) => Score::binary(
                        false,
                        format!("expected JSON equal to {want_s}, got {}", clip_json(&got)),
                    ),
                }
            }
            Op::Contains(n) => {
                if n.found_in(text, folded) {
                    Score::binary(true, format!("output contains {:?}{case_note}", n.text))
                } else {
                    Score::binary(
                        false,
                        format!(
                            "output does not contain {:?}{case_note}: {}",
                            n.text,
                            clip(text)
                        ),
                    )
                }
            }
            Op::Any(ns) => match ns.iter().find(|n| n.found_in(text, folded)) {
                Some(n) => Score::binary(
                    true,
                    format!(
                        "output contains {:?}{case_note} (one of {})",
                        n.text,
                        quoted_list(&texts(ns))
                    ),
                ),
                None => Score::binary(
                    false,
                    format!(
                        "output contains none of {}{case_note}: {}",
                        quoted_list(&texts(ns)),
                        clip(text)
                    ),
                ),
            },
            Op::All(ns) => {
                let missing: Vec<String> = ns
                    .iter()
                    .filter(|n| !n.found_in(text, folded))
                    .map(|n| n.text.clone())
                    .collect();
                if missing.is_empty() {
                    Score::binary(
                        true,
                        format!(
                            "output contains all of {}{case_note}",
                            quoted_list(&texts(ns))
                        ),
                    )
                } else {
                    Score::binary(
                        false,
                        format!(
                            "output is missing {} (of {}){case_note}: {}",
                            quoted_list(&missing),
                            quoted_list(&texts(ns)),
                            clip(text)
                        ),
                    )
                }
            }
            Op::Regex(re) => match re.find(text) {
                Ok(Some(m)) => Score::binary(
                    true,
                    format!("output matches /{}/ at {}", re.as_str(), clip(m.as_str())),
                ),
                Ok(None) => Score::binary(
                    false,
                    format!("output does not match /{}/: {}", re.as_str(), clip(text)),
                ),
                Err(e) => {
                    return Err(super::cannot_judge(
                        &self.kind,
                        format!("matching /{}/ failed: {e}", re.as_str()),
                    ));
                }
            },
            Op::StartsWith(p) => {
                if text.starts_with(p.as_str()) {
                    Score::binary(true, format!("output starts with {}", clip(p)))
                } else {
                    Score::binary(
                        false,
                        format!("output does not start with {}: {}", clip(p), clip(text)),
                    )
                }
            }
            Op::EndsWith(p) => {
                if text.ends_with(p.as_str()) {
                    Score::binary(true, format!("output ends with {}", clip(p)))
                } else {
                    Score::binary(
                        false,
                        format!("output does not end with {}: {}", clip(p), tail(text)),
                    )
                }
            }
        };
        Ok(score)
    }
}

fn texts(ns: &[Needle]) -> Vec<String> {
    ns.iter().map(|n| n.text.clone()).collect()
}

/// The end of `s`, quoted, for `ends-with` reasons.
fn tail(s: &str) -> String {
    let n = s.chars().count();
    if n <= super::CLIP_CHARS {
        return clip(s);
    }
    let start = s
        .char_indices()
        .nth(n - super::CLIP_CHARS)
        .map_or(0, |(i, _)| i);
    format!(
        "(… {} chars) {:?}",
        n - super::CLIP_CHARS,
        s.get(start..).unwrap_or_default()
    )
}

/// `equals`: a string (numbers and booleans as JavaScript prints them) compares exactly; an
/// object or list compares as JSON with the output parsed.
fn equals(spec: &AssertionSpec) -> Result<Op> {
    Ok(match need_value(spec)? {
        Value::String(s) => Op::Equals(s.clone()),
        Value::Number(n) => Op::Equals(js_number(n)),
        Value::Bool(b) => Op::Equals(b.to_string()),
        v @ (Value::Object(_) | Value::Array(_)) => Op::EqualsJson(v.clone()),
        Value::Null => return Err(EvalError::assertion(&spec.kind, "needs a `value`")),
    })
}

/// A non-empty string value.
fn nonempty_str(spec: &AssertionSpec) -> Result<&str> {
    let s = spec.value_str()?;
    if s.is_empty() {
        return Err(EvalError::assertion(
            &spec.kind,
            "value must be a non-empty string",
        ));
    }
    Ok(s)
}

/// `contains`/`icontains`: a non-empty string or a number (promptfoo's rule).
fn scalar(spec: &AssertionSpec) -> Result<String> {
    match need_value(spec)? {
        Value::String(s) if !s.is_empty() => Ok(s.clone()),
        Value::Number(n) => Ok(js_number(n)),
        Value::String(_) => Err(EvalError::assertion(
            &spec.kind,
            "value must be a non-empty string (an empty one is in every output)",
        )),
        other => Err(EvalError::assertion(
            &spec.kind,
            format!(
                "value must be a string or a number, got {other}; for several strings use `{}-any` or `{}-all`",
                spec.kind, spec.kind
            ),
        )),
    }
}

/// `*-any`/`*-all`: a list of strings (numbers and booleans as JavaScript prints them), or one
/// string of comma-separated values (quoted fields may hold commas), as promptfoo reads them.
fn list(spec: &AssertionSpec) -> Result<Vec<String>> {
    let items = match need_value(spec)? {
        Value::String(s) => split_comma_separated(s).map_err(|m| {
            EvalError::assertion(&spec.kind, format!("comma-separated value {s:?}: {m}"))
        })?,
        Value::Array(vs) => vs
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(js_number(n)),
                Value::Bool(b) => Ok(b.to_string()),
                other => Err(EvalError::assertion(
                    &spec.kind,
                    format!("list items must be strings or numbers, found {other}"),
                )),
            })
            .collect::<Result<Vec<_>>>()?,
        other => Err(EvalError::assertion(
            &spec.kind,
            format!("value must be a list of strings or a comma-separated string, got {other}"),
        ))?,
    };
    if items.is_empty() {
        return Err(EvalError::assertion(&spec.kind, "value lists nothing"));
    }
    if items.iter().any(String::is_empty) {
        return Err(EvalError::assertion(
            &spec.kind,
            "list holds an empty string (it is in every output)",
        ));
    }
    Ok(items)
}

/// Splits `a, "b, c", d` as promptfoo's `parseCommaSeparatedValues` does: fields are trimmed,
/// repeated commas ignored; a quoted field may hold commas, `\"`, `\\` and `""`; an
/// unterminated quote, or text after a closing quote, is an error.
pub(crate) fn split_comma_separated(s: &str) -> std::result::Result<Vec<String>, String> {
    let chars: Vec<char> = s.chars().collect();
    let at = |i: usize| chars.get(i).copied();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        while at(i).is_some_and(|c| c.is_whitespace() || c == ',') {
            i += 1;
        }
        let Some(first) = at(i) else { break };
        if first == '"' {
            let mut field = String::new();
            let mut closed = false;
            i += 1;
            while let Some(c) = at(i) {
                match (c, at(i + 1)) {
                    ('\\', Some(n @ ('"' | '\\'))) | ('"', Some(n @ '"')) => {
                        field.push(n);
                        i += 2;
                    }
                    ('"', _) => {
                        i += 1;
                        closed = true;
                        break;
                    }
                    _ => {
                        field.push(c);
                        i += 1;
                    }
                }
            }
            if !closed {
                return Err("unterminated quoted field".into());
            }
            while at(i).is_some_and(char::is_whitespace) {
                i += 1;
            }
            if at(i).is_some_and(|c| c != ',') {
                return Err("expected a comma after a quoted field".into());
            }
            out.push(field);
        } else {
            let start = i;
            while at(i).is_some_and(|c| c != ',') {
                i += 1;
            }
            let field: String = chars.get(start..i).unwrap_or_default().iter().collect();
            out.push(field.trim().to_owned());
        }
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use llmops_core::EvalOutput;
    use serde_json::json;

    use super::super::test_support::{build_err, run};
    use super::*;

    const REPLY: &str =
        "Refunds are accepted within 30 days of delivery. Contact support@example.com.";

    fn check(kind: &str, value: Value, out: &str) -> Score {
        run(AssertionSpec::new(kind, value), &EvalOutput::text(out)).unwrap()
    }

    #[test]
    fn equals_strings_numbers_and_json() {
        assert!(check("equals", json!("Paris"), "Paris").pass);
        let s = check("equals", json!("Paris"), "paris");
        assert!(!s.pass && s.value == 0.0);
        assert_eq!(s.reason, r#"expected "Paris", got "paris""#);
        assert!(
            !check("equals", json!("Paris"), "Paris ").pass,
            "no trimming"
        );
        assert!(check("equals", json!(42), "42").pass);
        assert!(check("equals", json!(1.0), "1").pass);
        assert!(check("equals", json!(true), "true").pass);
        let obj = json!({"answer": 4, "unit": ["m"]});
        assert!(check("equals", obj.clone(), r#" {"unit": ["m"], "answer": 4.0} "#).pass);
        let s = check("equals", obj.clone(), r#"{"answer": 5, "unit": ["m"]}"#);
        assert!(!s.pass && s.reason.contains("got {"), "{}", s.reason);
        let s = check("equals", obj, "answer: 4");
        assert!(!s.pass && s.reason.contains("not JSON"), "{}", s.reason);
        assert!(check("equals", json!([1, 2]), "[1,2]").pass);
        assert!(!check("equals", json!([1, 2]), "[2,1]").pass);
    }

    #[test]
    fn contains_and_icontains() {
        assert!(check("contains", json!("30 days"), REPLY).pass);
        let s = check("contains", json!("30 Days"), REPLY);
        assert!(!s.pass, "contains is case-sensitive");
        assert!(
            s.reason
                .starts_with("output does not contain \"30 Days\": \"Refunds"),
            "{}",
            s.reason
        );
        let s = check("icontains", json!("30 DAYS"), REPLY);
        assert!(s.pass && s.reason.contains("ignoring case"), "{}", s.reason);
        assert!(!check("icontains", json!("60 days"), REPLY).pass);
        assert!(
            check("contains", json!(30), REPLY).pass,
            "numbers match as text"
        );
        assert!(check("icontains", json!("ΣΟΦΊΑ"), "η σοφία").pass);
    }

    #[test]
    fn any_and_all_with_lists_and_comma_separated_strings() {
        assert!(check("contains-any", json!(["refund", "Refund"]), REPLY).pass);
        let s = check("contains-any", json!(["cannot", "sorry"]), REPLY);
        assert!(
            !s.pass
                && s.reason
                    .starts_with(r#"output contains none of "cannot", "sorry""#),
            "{}",
            s.reason
        );
        assert!(check("contains-any", json!("sorry, 30 days"), REPLY).pass);
        assert!(check("icontains-any", json!("SORRY, REFUNDS"), REPLY).pass);
        assert!(!check("icontains-any", json!("sorry, cannot"), REPLY).pass);
        assert!(check("contains-all", json!("30 days, support@example.com"), REPLY).pass);
        let s = check(
            "contains-all",
            json!(["30 days", "receipt", "delivery"]),
            REPLY,
        );
        assert!(!s.pass);
        assert!(
            s.reason.starts_with(
                r#"output is missing "receipt" (of "30 days", "receipt", "delivery")"#
            ),
            "{}",
            s.reason
        );
        assert!(check("icontains-all", json!(["REFUNDS", "delivery"]), REPLY).pass);
        assert!(!check("icontains-all", json!(["REFUNDS", "receipt"]), REPLY).pass);
        // a quoted field keeps its comma
        assert!(!check("contains-any", json!(r#""days, of""#), REPLY).pass);
        assert!(check("contains-any", json!(r#""days of", x"#), REPLY).pass);
    }

    #[test]
    fn comma_separated_values_split_as_promptfoo_does() {
        let f = |s: &str| split_comma_separated(s).unwrap();
        assert_eq!(f("a, b ,c"), ["a", "b", "c"]);
        assert_eq!(f(",, a,,b ,"), ["a", "b"]);
        assert_eq!(f(r#""x, y", z"#), ["x, y", "z"]);
        assert_eq!(f(r#""say \"hi\"", "a""b""#), [r#"say "hi""#, r#"a"b"#]);
        assert!(split_comma_separated(r#""open"#).is_err());
        assert!(split_comma_separated(r#""a" b"#).is_err());
    }

    #[test]
    fn regex_starts_and_ends_with() {
        let s = check("regex", json!(r"\b\d+ days\b"), REPLY);
        assert!(
            s.pass && s.reason.contains(r#"at "30 days""#),
            "{}",
            s.reason
        );
        assert!(!check("regex", json!(r"^\d+ days"), REPLY).pass);
        // JavaScript look-around works
        assert!(check("regex", json!(r"support(?=@)"), REPLY).pass);
        assert!(!check("regex", json!(r"support(?!@)"), REPLY).pass);
        assert!(check("starts-with", json!("Refunds are"), REPLY).pass);
        assert!(!check("starts-with", json!("refunds"), REPLY).pass);
        assert!(check("ends-with", json!("example.com."), REPLY).pass);
        let s = check("ends-with", json!("example.com"), REPLY);
        assert!(
            !s.pass && s.reason.contains("does not end with"),
            "{}",
            s.reason
        );
    }

    #[test]
    fn long_outputs_are_clipped_in_reasons() {
        let long = "word ".repeat(1000);
        let s = check("contains", json!("absent"), &long);
        assert!(s.reason.len() < 400, "{}", s.reason);
        assert!(s.reason.ends_with("(+4840 chars)"), "{}", s.reason);
    }

    #[test]
    fn bad_values_are_build_errors() {
        let e = build_err(AssertionSpec::new("regex", "(unclosed"));
        assert!(
            e.starts_with("assertion `regex`: invalid regex /(unclosed/"),
            "{e}"
        );
        assert!(build_err(AssertionSpec::of("contains")).contains("needs a `value`"));
        assert!(build_err(AssertionSpec::new("contains", "")).contains("non-empty"));
        let e = build_err(AssertionSpec::new("contains", json!(["a", "b"])));
        assert!(e.contains("use `contains-any` or `contains-all`"), "{e}");
        let e = build_err(AssertionSpec::new("contains-any", json!({"a": 1})));
        assert!(e.contains("list of strings"), "{e}");
        assert!(build_err(AssertionSpec::new("contains-all", json!([]))).contains("lists nothing"));
        assert!(
            build_err(AssertionSpec::new("icontains-any", json!(["a", ""])))
                .contains("empty string")
        );
        assert!(
            build_err(AssertionSpec::new("contains-any", json!([{"x": 1}]))).contains("list items")
        );
        assert!(build_err(AssertionSpec::new("contains-any", r#""open"#)).contains("unterminated"));
        assert!(
            build_err(AssertionSpec::new("starts-with", json!(3))).contains("must be a string")
        );
        assert!(build_err(AssertionSpec::new("ends-with", "")).contains("non-empty"));
        assert!(build_err(AssertionSpec::of("equals")).contains("needs a `value`"));
        assert!(build_err(AssertionSpec::new("equals", Value::Null)).contains("needs a `value`"));
        // the message names the type as written, negation included
        let e = build_err(AssertionSpec::new("not-regex", "[z-a]"));
        assert!(e.starts_with("assertion `not-regex`: invalid regex"), "{e}");
    }
}
