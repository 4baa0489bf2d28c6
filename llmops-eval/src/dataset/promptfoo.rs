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
pub use crate::dataset::promptfoo_csv::{assertion_from_string, load_csv, parse_csv};
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
