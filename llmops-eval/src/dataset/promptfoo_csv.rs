//! promptfoo CSV tests and the `__expected` assertion mini-language (promptfoo's `csv.ts`).

use std::path::Path;

use serde_json::Value;

use crate::assertion::AssertionSpec;
use crate::dataset::{read, stem};
use crate::{Case, EvalError, Result};

/// Loads a promptfoo CSV tests file: one case per row, `<stem>:<line>` ids.
///
/// ```
/// # fn main() -> llmops_eval::Result<()> {
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("tests.csv");
/// std::fs::write(&path, "question,__expected1,__expected2,__metadata:topic\n\"Capital of France?\",contains: Paris,similar(0.9):Paris is the capital,geo\n").unwrap();
/// let cases = llmops_eval::dataset::promptfoo::load_csv(&path)?;
/// assert_eq!(cases[0].id(), "tests:2");
/// assert_eq!(cases[0].assertions[0].kind, "contains");
/// assert_eq!(cases[0].assertions[1].threshold, Some(0.9));
/// assert_eq!(cases[0].metadata["topic"], "geo");
/// # Ok(()) }
/// ```
pub fn load_csv(path: &Path) -> Result<Vec<Case>> {
    let text = read(path)?;
    parse_csv(&text, path)
}

/// Parses promptfoo CSV text (see [`load_csv`]).
pub fn parse_csv(text: &str, path: &Path) -> Result<Vec<Case>> {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = rdr
        .headers()
        .map_err(|e| csv_error(path, &e))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    for h in &headers {
        check_header(path, h)?;
    }
    let mut cases = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(|e| csv_error(path, &e))?;
        let line = record.position().map_or(0, |p| p.line() as usize);
        cases.push(csv_row(path, line, &headers, &record)?);
    }
    crate::Dataset::new(stem(path), cases).map(|d| d.cases)
}

fn csv_error(path: &Path, e: &csv::Error) -> EvalError {
    let line = e.position().map_or(1, |p| p.line() as usize);
    EvalError::dataset(path, line, format!("CSV: {e}"))
}

fn check_header(path: &Path, h: &str) -> Result<()> {
    let refused = [
        (
            "__prefix",
            "prompt prefixes are not supported; put the text in the prompt",
        ),
        (
            "__suffix",
            "prompt suffixes are not supported; put the text in the prompt",
        ),
        (
            "__providerOutput",
            "a canned provider output is not supported; use a scripted target",
        ),
    ];
    if let Some((_, why)) = refused.iter().find(|(k, _)| *k == h) {
        return Err(EvalError::dataset(path, 1, format!("column `{h}`: {why}")));
    }
    if h.starts_with("__config:") {
        return Err(EvalError::dataset(
            path,
            1,
            format!(
                "column `{h}`: per-assertion config columns are not supported; write the threshold inline (`similar(0.9):...`)"
            ),
        ));
    }
    let known = h.starts_with("__expected")
        || h.starts_with("__metadata:")
        || matches!(h, "__description" | "__threshold" | "__metric");
    if h.starts_with("__") && !known {
        return Err(EvalError::dataset(
            path,
            1,
            format!("unknown special column `{h}`"),
        ));
    }
    if let Some(rest) = h.strip_prefix("__expected")
        && !rest.is_empty()
        && !rest.bytes().all(|b| b.is_ascii_digit())
    {
        return Err(EvalError::dataset(
            path,
            1,
            format!("unknown special column `{h}` (expected `__expected` or `__expected<N>`)"),
        ));
    }
    if h == "__metadata:" || h == "__metadata:[]" {
        return Err(EvalError::dataset(
            path,
            1,
            format!("column `{h}` names no metadata key"),
        ));
    }
    if !h.starts_with("__")
        && [
            "_expected",
            "_description",
            "_metadata",
            "_threshold",
            "_metric",
        ]
        .iter()
        .any(|k| h.starts_with(k))
    {
        return Err(EvalError::dataset(
            path,
            1,
            format!("column `{h}`: did you mean `_{h}`?"),
        ));
    }
    Ok(())
}

fn csv_row(
    path: &Path,
    line: usize,
    headers: &[String],
    record: &csv::StringRecord,
) -> Result<Case> {
    let mut case = Case::new(format!("{}:{line}", stem(path)));
    let mut metric = None;
    for (h, value) in headers.iter().zip(record.iter()) {
        if h.starts_with("__expected") {
            if !value.trim().is_empty() {
                case.assertions.push(assertion_from_string(value));
            }
        } else if h == "__description" {
            if !value.is_empty() {
                case.description = Some(value.to_owned());
            }
        } else if h == "__metric" {
            if !value.is_empty() {
                metric = Some(value.to_owned());
            }
        } else if h == "__threshold" {
            let v = value.trim();
            if !v.is_empty() {
                let t: f64 = v
                    .parse()
                    .ok()
                    .filter(|t: &f64| t.is_finite())
                    .ok_or_else(|| {
                        EvalError::dataset(
                            path,
                            line,
                            format!("`__threshold` is not a finite number: `{v}`"),
                        )
                    })?;
                case.threshold = Some(t);
            }
        } else if let Some(key) = h.strip_prefix("__metadata:") {
            if let Some(key) = key.strip_suffix("[]") {
                let items: Vec<Value> = split_escaped(value)
                    .into_iter()
                    .map(Value::String)
                    .collect();
                case.metadata.insert(key.to_owned(), Value::Array(items));
            } else if !value.is_empty() {
                case.metadata
                    .insert(key.to_owned(), Value::String(value.to_owned()));
            }
        } else {
            case.eval
                .vars
                .insert(h.clone(), Value::String(value.to_owned()));
        }
    }
    if let Some(m) = metric {
        for a in &mut case.assertions {
            a.metric = Some(m.clone());
        }
    }
    case.source = Some(crate::SourceLoc {
        file: path.to_path_buf(),
        line,
    });
    Ok(case)
}

/// Splits on commas not escaped as `\,`; trims; drops empty items.
fn split_escaped(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if chars.peek() == Some(&',') => {
                cur.push(',');
                chars.next();
            }
            ',' => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

/// promptfoo base assertion types the `__expected` mini-language recognises (longest first
/// where one is a prefix of another).
const BASE_TYPES: &[&str] = &[
    "answer-relevance",
    "bleu",
    "classifier",
    "contains-all",
    "contains-any",
    "contains-html",
    "contains-json",
    "contains-sql",
    "contains-xml",
    "contains",
    "context-faithfulness",
    "context-recall",
    "context-relevance",
    "cost",
    "equals",
    "factuality",
    "g-eval",
    "gleu",
    "icontains-all",
    "icontains-any",
    "icontains",
    "is-html",
    "is-json",
    "is-refusal",
    "is-sql",
    "is-valid-function-call",
    "is-valid-openai-function-call",
    "is-valid-openai-tools-call",
    "is-xml",
    "javascript",
    "latency",
    "levenshtein",
    "llm-rubric",
    "meteor",
    "model-graded-closedqa",
    "model-graded-factuality",
    "moderation",
    "perplexity-score",
    "perplexity",
    "python",
    "regex",
    "rouge-l",
    "rouge-n",
    "rouge-s",
    "select-best",
    "similar",
    "starts-with",
    "tool-call-f1",
    "webhook",
];

/// Types whose `__expected` form gets a default threshold (similar: 0.8, these: 0.75).
const THRESHOLD_DEFAULT: &[&str] = &[
    "answer-relevance",
    "classifier",
    "context-faithfulness",
    "context-recall",
    "context-relevance",
    "cost",
    "latency",
    "levenshtein",
    "perplexity-score",
    "perplexity",
    "rouge-l",
    "rouge-n",
    "rouge-s",
    "starts-with",
];

/// promptfoo's `assertionFromString`: the `__expected` mini-language.
///
/// `contains: Paris`, `icontains:...`, `not-regex:\d+`, `is-json`, `similar(0.9):text`
/// (threshold in parentheses; `similar` defaults to 0.8, other scored types to 0.75),
/// `contains-any:a,b,"c, d"` (a list), `grade:`/`llm-rubric:` (a rubric), `javascript:`/`fn:`/
/// `eval:`/`python:`/`file://x.py` (kept, and refused when compiled); anything else is
/// `equals` with the whole text.
///
/// ```
/// use llmops_eval::dataset::promptfoo::assertion_from_string as a;
/// assert_eq!(a("icontains: refund").value, Some("refund".into()));
/// assert_eq!((a("similar:hi").kind.as_str(), a("similar:hi").threshold), ("similar", Some(0.8)));
/// assert_eq!(a("not-rouge-n(0.3):x").threshold, Some(0.3));
/// assert_eq!(a("contains-all:a, b").value, Some(serde_json::json!(["a", "b"])));
/// assert_eq!(a("grade: is polite").kind, "llm-rubric");
/// assert_eq!(a("fn: output.length < 9").kind, "javascript");
/// assert_eq!((a("42").kind.as_str(), a("42").value), ("equals", Some("42".into())));
/// ```
pub fn assertion_from_string(expected: &str) -> AssertionSpec {
    let s = expected.trim();
    for (prefix, kind) in [
        ("javascript:", "javascript"),
        ("fn:", "javascript"),
        ("eval:", "javascript"),
        ("grade:", "llm-rubric"),
        ("llm-rubric:", "llm-rubric"),
        ("python:", "python"),
    ] {
        if let Some(rest) = s.strip_prefix(prefix) {
            return AssertionSpec::new(kind, rest.trim());
        }
    }
    if let Some(rest) = s.strip_prefix("file://") {
        let lower = rest.to_ascii_lowercase();
        if lower.ends_with(".py") || lower.contains(".py:") {
            return AssertionSpec::new("python", s);
        }
        if [".js", ".ts"]
            .iter()
            .any(|e| lower.ends_with(e) || lower.contains(&format!("{e}:")))
        {
            return AssertionSpec::new("javascript", rest.trim());
        }
    }
    if let Some(spec) = typed(s) {
        return spec;
    }
    AssertionSpec::new("equals", s)
}

fn typed(s: &str) -> Option<AssertionSpec> {
    let (not, body) = match s.strip_prefix("not-") {
        Some(b) => (true, b),
        None => (false, s),
    };
    let base = BASE_TYPES
        .iter()
        .filter(|t| {
            body.strip_prefix(**t)
                .is_some_and(|r| r.is_empty() || r.starts_with(':') || r.starts_with('('))
        })
        .max_by_key(|t| t.len())?;
    let mut rest = body.get(base.len()..)?;
    let mut threshold = None;
    if let Some(r) = rest.strip_prefix('(') {
        let close = r.find(')')?;
        let num = r.get(..close)?;
        if num.is_empty() || !num.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
            return None;
        }
        threshold = Some(num.parse::<f64>().ok()?);
        rest = r.get(close + 1..)?;
    }
    let value = match rest.strip_prefix(':') {
        Some(v) => Some(v.trim().to_owned()),
        None if rest.is_empty() => None,
        None => return None,
    };
    let kind = if not {
        format!("not-{base}")
    } else {
        (*base).to_owned()
    };
    let mut spec = AssertionSpec::of(kind);
    spec.value = match (*base, value) {
        ("contains-all" | "contains-any" | "icontains-all" | "icontains-any", Some(v)) => Some(
            Value::Array(split_quoted(&v).into_iter().map(Value::String).collect()),
        ),
        (_, Some(v)) => Some(Value::String(v)),
        (_, None) => None,
    };
    spec.threshold = threshold.filter(|t| *t != 0.0).or(if *base == "similar" {
        Some(0.8)
    } else if THRESHOLD_DEFAULT.contains(base) {
        Some(0.75)
    } else {
        None
    });
    Some(spec)
}

/// promptfoo's comma-separated list: `"quoted, items"` keep their commas, `""` is a quote,
/// items are trimmed and empty ones dropped.
fn split_quoted(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut in_quotes = false;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if in_quotes && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '\\' if in_quotes && chars.peek() == Some(&'"') => {
                cur.push('"');
                chars.next();
            }
            '"' => in_quotes = !in_quotes,
            ',' if !in_quotes => out.push(std::mem::take(&mut cur)),
            c => cur.push(c),
        }
    }
    out.push(cur);
    out.into_iter()
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
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
    use serde_json::json;

    #[test]
    fn mini_language_matches_promptfoo() {
        let a = assertion_from_string;
        assert_eq!(a("regex:\\d+").value, Some(json!("\\d+")));
        assert_eq!(a("not-icontains:x").kind, "not-icontains");
        assert_eq!(a("is-json").value, None);
        assert_eq!(a("latency(1000)").threshold, Some(1000.0));
        assert_eq!(a("levenshtein(5):Expected").threshold, Some(5.0));
        assert_eq!(a("rouge-n:foo").threshold, Some(0.75));
        assert_eq!(a("bleu:foo").threshold, None);
        assert_eq!(a("bleu(0.3):foo").threshold, Some(0.3));
        assert_eq!(
            a("icontains-any: alpha, , beta,, ").value,
            Some(json!(["alpha", "beta"]))
        );
        assert_eq!(
            a("contains-any:\"hello, world\",foo").value,
            Some(json!(["hello, world", "foo"]))
        );
        assert_eq!(
            a("python: file://file.py ").value,
            Some(json!("file://file.py"))
        );
        assert_eq!(a("file://check.py").kind, "python");
        assert_eq!(a("containsx:y").kind, "equals");
        assert_eq!(
            a(" equals:Expected output\n").value,
            Some(json!("Expected output"))
        );
        assert_eq!(a("similar(0.9):x").kind, "similar");
    }

    #[test]
    fn metadata_arrays_split_on_unescaped_commas() {
        assert_eq!(split_escaped("a\\,b\\,c,d\\,e"), ["a,b,c", "d,e"]);
        assert_eq!(
            split_escaped("tag1,tag with\\, comma,tag3"),
            ["tag1", "tag with, comma", "tag3"]
        );
    }
}
