//! promptfoo test files: `promptfooconfig.yaml`, standalone tests YAML/JSON/JSONL and CSV.
//!
//! What is read, as promptfoo reads it:
//! - `tests:` inline, or `file://` references (a string or list items; `.yaml`, `.yml`,
//!   `.json`, `.jsonl`, `.csv`; globs such as `file://tests/*.csv`), relative to the config;
//! - `defaultTest:` (inline or `file://`): its `assert` come **before** each test's own, its
//!   `vars` and `metadata` are merged under the test's, its `threshold` applies when the test
//!   sets none (promptfoo's `evaluator.ts`);
//! - a var whose value is a list of strings expands into one case per value (promptfoo's
//!   `generateVarCombinations`; several such vars give their product); ids get `#1`, `#2` ...;
//! - CSV: one test per row, columns are vars, plus `__expected`, `__expected1..N` (the
//!   assertion mini-language of [`assertion_from_string`]), `__description`, `__threshold`,
//!   `__metric`, `__metadata:key` and `__metadata:key[]` (comma-separated, `\,` escapes).
//!
//! What is refused (an error naming file and line, never ignored): per-test `options`,
//! `provider`, `providers`, `prompts`, `providerOutput`, `assertScoringFunction`; `defaultTest`
//! `options`/`provider`; CSV `__prefix`, `__suffix`, `__providerOutput`, `__config:*`;
//! `file://` vars; config keys other than `description`, `prompts`, `providers`, `tests`,
//! `defaultTest` (`prompts` and `providers` are accepted but not used: the system under test
//! is what the suite or the CLI names). Assertion types we do not run (`javascript`,
//! `python` ...) fail when the dataset is compiled, naming the case's file and line.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;

use crate::assertion::AssertionSpec;
use crate::dataset::yaml::{self, Kind, Node};
use crate::dataset::{Defaults, RawCase, extension, read, resolve_ref, stem};
use crate::{Case, Dataset, EvalError, Result};

/// Keys of a promptfoo config we read.
const CONFIG_KEYS: &[&str] = &[
    "description",
    "prompts",
    "providers",
    "tests",
    "defaultTest",
];

/// Whether a YAML mapping is a promptfoo config (named `promptfooconfig.*`, or has
/// `prompts:`/`providers:`).
pub(crate) fn is_config(path: &Path, node: &Node) -> bool {
    stem(path).starts_with("promptfooconfig")
        || node.get("prompts").is_some()
        || node.get("providers").is_some()
}

/// Loads a promptfoo config's tests as a dataset (named after its `description`, else the
/// file stem).
///
/// ```
/// # fn main() -> llmops_eval::Result<()> {
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("promptfooconfig.yaml");
/// std::fs::write(&path, "prompts: ['Answer: {{question}}']\nproviders: [openai:gpt-4.1-mini]\ndefaultTest:\n  assert:\n    - type: not-icontains\n      value: as an AI\ntests:\n  - vars: {question: Refund window?}\n    assert:\n      - type: icontains\n        value: 30 days\n").unwrap();
/// let ds = llmops_eval::dataset::promptfoo::load_config(&path)?;
/// let kinds: Vec<_> = ds.cases[0].assertions.iter().map(|a| a.kind.as_str()).collect();
/// assert_eq!(kinds, ["not-icontains", "icontains"]);
/// # Ok(()) }
/// ```
pub fn load_config(path: impl AsRef<Path>) -> Result<Dataset> {
    let path = path.as_ref();
    let text = read(path)?;
    match yaml::parse(&text, path)? {
        Some(node) => load_config_node(path, &node),
        None => Err(EvalError::dataset(path, 1, "empty promptfoo config")),
    }
}

pub(crate) fn load_config_node(path: &Path, node: &Node) -> Result<Dataset> {
    for (key, value) in node.keys() {
        if !CONFIG_KEYS.contains(&key) {
            return Err(EvalError::dataset(
                path,
                value.line,
                format!(
                    "promptfoo config key `{key}` is not supported (read: {})",
                    CONFIG_KEYS.join(", ")
                ),
            ));
        }
    }
    let defaults = match node.get("defaultTest") {
        Some(d) => read_defaults(path, d)?,
        None => Defaults::default(),
    };
    let cases = match node.get("tests") {
        Some(t) => read_tests(path, t)?,
        None => Vec::new(),
    };
    let cases = finish(cases, &defaults)?;
    let name = node
        .get("description")
        .and_then(Node::as_str)
        .map_or_else(|| stem(path), str::to_owned);
    Dataset::new(name, cases)
}

/// Applies defaults and expands list-valued vars (what promptfoo does before a run).
fn finish(cases: Vec<Case>, defaults: &Defaults) -> Result<Vec<Case>> {
    let mut out = Vec::with_capacity(cases.len());
    for case in cases {
        out.extend(expand_vars(defaults.apply(case))?);
    }
    Ok(out)
}

/// The written shape of `defaultTest` (and of a suite's `defaults`).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawDefaults {
    #[serde(default, rename = "assert")]
    assertions: Option<Vec<AssertionSpec>>,
    #[serde(default)]
    threshold: Option<f64>,
    #[serde(default)]
    vars: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    metadata: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    options: Option<Value>,
    #[serde(default)]
    provider: Option<Value>,
    #[serde(default, rename = "assertScoringFunction")]
    assert_scoring_function: Option<Value>,
}

impl RawDefaults {
    pub(crate) fn from_node(path: &Path, node: &Node) -> Result<Defaults> {
        let raw: RawDefaults = serde_json::from_value(node.to_json())
            .map_err(|e| EvalError::dataset(path, node.line, format!("defaults: {e}")))?;
        let why = if raw.options.is_some() {
            Some("`options` (prefix, suffix, transform, provider) are not supported")
        } else if raw.provider.is_some() {
            Some("a `provider` override is not supported; set the judge for the suite")
        } else if raw.assert_scoring_function.is_some() {
            Some("custom scoring functions run JavaScript or Python and are not supported")
        } else {
            None
        };
        if let Some(why) = why {
            return Err(EvalError::dataset(
                path,
                node.line,
                format!("defaults: {why}"),
            ));
        }
        if let Some(t) = raw.threshold
            && !t.is_finite()
        {
            return Err(EvalError::dataset(
                path,
                node.line,
                "defaults: `threshold` must be a finite number",
            ));
        }
        Ok(Defaults {
            assert: raw.assertions.unwrap_or_default(),
            threshold: raw.threshold,
            vars: raw.vars.unwrap_or_default(),
            metadata: raw.metadata.unwrap_or_default(),
        })
    }
}

fn read_defaults(path: &Path, node: &Node) -> Result<Defaults> {
    if let Some(reference) = node.as_str() {
        let file = resolve_ref(path, reference);
        let text = read(&file)?;
        return match yaml::parse(&text, &file)? {
            Some(n) => RawDefaults::from_node(&file, &n),
            None => Ok(Defaults::default()),
        };
    }
    RawDefaults::from_node(path, node)
}

/// `tests:` as a list (inline tests and file references) or a single file reference.
pub(crate) fn read_tests(path: &Path, node: &Node) -> Result<Vec<Case>> {
    match &node.kind {
        Kind::Scalar(Value::String(r)) => read_refs(path, node.line, r),
        Kind::Seq(items) => {
            let mut out = Vec::new();
            for item in items {
                match &item.kind {
                    Kind::Scalar(Value::String(r)) => out.extend(read_refs(path, item.line, r)?),
                    Kind::Map(_) => {
                        let raw = RawCase::from_value(item.to_json(), path, item.line)?;
                        out.push(raw.into_case(path, item.line, None)?);
                    }
                    _ => {
                        return Err(EvalError::dataset(
                            path,
                            item.line,
                            format!(
                                "a test must be a mapping or a file:// reference, found {}",
                                item.kind_name()
                            ),
                        ));
                    }
                }
            }
            Ok(out)
        }
        _ => Err(EvalError::dataset(
            path,
            node.line,
            format!(
                "`tests` must be a list or a file:// reference, found {}",
                node.kind_name()
            ),
        )),
    }
}

/// One reference (maybe a glob) to test files.
fn read_refs(path: &Path, line: usize, reference: &str) -> Result<Vec<Case>> {
    if reference.contains("://") && !reference.starts_with("file://") {
        return Err(EvalError::dataset(
            path,
            line,
            format!(
                "`{reference}`: only local file:// test files are supported (no Google Sheets, Hugging Face or URLs)"
            ),
        ));
    }
    let target = resolve_ref(path, reference);
    let files: Vec<PathBuf> = if reference.contains(['*', '?', '[']) {
        let pattern = target.to_string_lossy().into_owned();
        let mut found: Vec<PathBuf> = glob::glob(&pattern)
            .map_err(|e| EvalError::dataset(path, line, format!("bad glob `{reference}`: {e}")))?
            .filter_map(std::result::Result::ok)
            .collect();
        found.sort();
        if found.is_empty() {
            return Err(EvalError::dataset(
                path,
                line,
                format!("`{reference}` matches no file"),
            ));
        }
        found
    } else {
        vec![target]
    };
    let mut out = Vec::new();
    for f in files {
        if !f.exists() {
            return Err(EvalError::dataset(
                path,
                line,
                format!("`{}` does not exist", f.display()),
            ));
        }
        out.extend(load_tests_file(&f)?);
    }
    Ok(out)
}

/// Loads a standalone promptfoo tests file (`.yaml`/`.yml`/`.json` list, `.jsonl`, `.csv`).
/// Defaults and var expansion are the config's business, not applied here.
pub fn load_tests_file(path: &Path) -> Result<Vec<Case>> {
    match extension(path).as_str() {
        "csv" => load_csv(path),
        "jsonl" | "ndjson" => crate::dataset::jsonl::parse(&read(path)?, path),
        "yaml" | "yml" | "json" => {
            let text = read(path)?;
            match yaml::parse(&text, path)? {
                Some(n) => crate::dataset::parse_case_list(&n, path),
                None => Ok(Vec::new()),
            }
        }
        other => Err(EvalError::dataset(
            path,
            1,
            format!(
                "unsupported tests file `.{other}` (JavaScript, Python and spreadsheets are not read)"
            ),
        )),
    }
}

/// promptfoo's `generateVarCombinations`: a var holding a list of strings gives one case per
/// string (the product over several such vars); other lists stay lists.
fn expand_vars(case: Case) -> Result<Vec<Case>> {
    let line = case.source.as_ref().map_or(0, |s| s.line);
    let file = case
        .source
        .as_ref()
        .map(|s| s.file.clone())
        .unwrap_or_default();
    let mut combos: Vec<BTreeMap<String, Value>> = vec![BTreeMap::new()];
    let mut expanded = false;
    for (k, v) in &case.eval.vars {
        if let Value::String(s) = v
            && s.starts_with("file://")
        {
            return Err(EvalError::dataset(
                file,
                line,
                format!(
                    "var `{k}`: values read from files (file://) are not supported; inline the value"
                ),
            ));
        }
        let values: Vec<Value> = match v {
            Value::Array(items) if items.first().is_some_and(Value::is_string) => {
                expanded = true;
                items.clone()
            }
            Value::Array(items) if items.is_empty() => {
                return Err(EvalError::dataset(
                    file,
                    line,
                    format!(
                        "var `{k}` is an empty list: promptfoo would run no case for this test"
                    ),
                ));
            }
            other => vec![other.clone()],
        };
        let mut next = Vec::with_capacity(combos.len() * values.len());
        for c in &combos {
            for val in &values {
                let mut c = c.clone();
                c.insert(k.clone(), val.clone());
                next.push(c);
            }
        }
        combos = next;
    }
    if !expanded {
        return Ok(vec![case]);
    }
    Ok(combos
        .into_iter()
        .enumerate()
        .map(|(i, vars)| {
            let mut c = case.clone();
            c.eval.id = format!("{}#{}", case.eval.id, i + 1);
            c.eval.vars = vars;
            c
        })
        .collect())
}

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

    #[test]
    fn list_vars_expand_like_promptfoo() {
        let c = crate::Case::new("t:3")
            .var("lang", json!(["fr", "de"]))
            .var("n", json!([1, 2]))
            .var("q", "hi");
        let out = expand_vars(c).unwrap();
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].id(), "t:3#2");
        assert_eq!(out[1].eval.vars["lang"], "de");
        assert_eq!(out[1].eval.vars["n"], json!([1, 2]));
        assert!(expand_vars(crate::Case::new("t").var("x", json!([]))).is_err());
        assert!(expand_vars(crate::Case::new("t").var("x", "file://a.txt")).is_err());
    }
}
