//! Loading [`Dataset`]s: JSONL, YAML, promptfoo test files and our suite files.
//!
//! Every loader reads the whole file, checks every case and either returns every case or a
//! typed [`EvalError::Dataset`] naming the file and the line of the case that is wrong (in
//! YAML, the line where the case starts). Nothing is skipped, nothing unknown is ignored:
//! a field we do not know, or a promptfoo feature we do not run (`options`, per-test
//! `provider`, JavaScript assertions ...), is an error. Assertions are compiled by
//! [`crate::assertion::compile_dataset`], whose errors also name the case's file and line.
//!
//! | file | read as |
//! |---|---|
//! | `*.jsonl` | one case per line ([`jsonl`]) |
//! | `*.csv` | promptfoo CSV tests ([`promptfoo`]) |
//! | `*.yaml`/`*.yml`/`*.json`, a list | a list of cases |
//! | `*.yaml`/`*.yml`, a mapping with `prompts:` or `providers:`, or named `promptfooconfig.*` | a promptfoo config ([`promptfoo`]) |
//! | `*.yaml`/`*.yml`, any other mapping | a suite file ([`suite`]) |
//!
//! ```
//! # fn main() -> llmops_eval::Result<()> {
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("support.jsonl");
//! std::fs::write(&path, r#"{"vars": {"question": "Refund window?"}, "assert": [{"type": "icontains", "value": "30 days"}]}
//! {"id": "shipping", "vars": {"question": "Do you ship abroad?"}, "expected": "Yes, to 40 countries."}
//! "#).unwrap();
//! let ds = llmops_eval::dataset::load(&path)?;
//! assert_eq!(ds.name, "support");
//! assert_eq!(ds.cases[0].id(), "support:1");
//! assert_eq!(ds.cases[1].eval.expected.as_deref(), Some("Yes, to 40 countries."));
//! # Ok(()) }
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use llmops_core::{ContentPart, Message, Role};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::assertion::AssertionSpec;
use crate::{Case, Dataset, EvalError, Result, SourceLoc};

pub mod from_log;
pub mod jsonl;
pub mod promptfoo;
mod promptfoo_csv;
pub mod suite;
pub(crate) mod yaml;

pub use from_log::{FromLogOptions, cases_from_log, write_jsonl};
pub use suite::{MessageTemplate, Suite};

/// Loads a dataset, choosing the reader by extension and content (see the module docs).
/// The dataset is named after the file stem (a suite's or promptfoo config's `name` or
/// `description` when it has one).
pub fn load(path: impl AsRef<Path>) -> Result<Dataset> {
    let path = path.as_ref();
    match extension(path).as_str() {
        "jsonl" | "ndjson" => jsonl::load(path),
        "csv" => {
            let cases = promptfoo::load_csv(path)?;
            Dataset::new(stem(path), cases)
        }
        "yaml" | "yml" | "json" => {
            let text = read(path)?;
            let Some(node) = yaml::parse(&text, path)? else {
                return Dataset::new(stem(path), Vec::new());
            };
            match &node.kind {
                yaml::Kind::Seq(_) => Dataset::new(stem(path), parse_case_list(&node, path)?),
                yaml::Kind::Map(_) if promptfoo::is_config(path, &node) => {
                    promptfoo::load_config_node(path, &node)
                }
                yaml::Kind::Map(_) => Ok(suite::Suite::from_node(path, &node)?.dataset),
                yaml::Kind::Scalar(_) => Err(EvalError::dataset(
                    path,
                    node.line,
                    format!(
                        "expected a list of cases, a suite or a promptfoo config, found {}",
                        node.kind_name()
                    ),
                )),
            }
        }
        other => Err(EvalError::dataset(
            path,
            1,
            format!(
                "unknown dataset format `.{other}` (expected .jsonl, .yaml, .yml, .json or .csv)"
            ),
        )),
    }
}

/// Parses YAML text holding a list of cases (what a `.yaml` dataset file holds); `file` names
/// the source in errors and ids.
///
/// ```
/// let cases = llmops_eval::dataset::parse_yaml("- vars: {q: hi}\n- id: two\n  expected: hello\n", "greet.yaml").unwrap();
/// assert_eq!((cases[0].id(), cases[1].id()), ("greet:1", "two"));
/// let err = llmops_eval::dataset::parse_yaml("- vars: {q: hi}\n- expectd: typo\n", "greet.yaml").unwrap_err();
/// assert!(err.to_string().starts_with("greet.yaml:2: "), "{err}");
/// ```
pub fn parse_yaml(text: &str, file: impl AsRef<Path>) -> Result<Vec<Case>> {
    let file = file.as_ref();
    match yaml::parse(text, file)? {
        None => Ok(Vec::new()),
        Some(node) => {
            let cases = parse_case_list(&node, file)?;
            Dataset::new(stem(file), cases).map(|d| d.cases)
        }
    }
}

pub(crate) fn parse_case_list(node: &yaml::Node, file: &Path) -> Result<Vec<Case>> {
    let yaml::Kind::Seq(items) = &node.kind else {
        return Err(EvalError::dataset(
            file,
            node.line,
            format!("expected a list of cases, found {}", node.kind_name()),
        ));
    };
    items
        .iter()
        .map(|item| {
            let raw = RawCase::from_value(item.to_json(), file, item.line)?;
            raw.into_case(file, item.line, None)
        })
        .collect()
}

/// Defaults applied to every case of a suite, as promptfoo's `defaultTest`: the default
/// assertions come **before** the case's own, vars and metadata are merged (the case wins),
/// and the case's threshold, when set, wins.
///
/// ```
/// use llmops_eval::{AssertionSpec, Case, dataset::Defaults};
/// let mut d = Defaults::default();
/// d.assert.push(AssertionSpec::new("not-icontains", "as an AI"));
/// d.vars.insert("tone".into(), "friendly".into());
/// let case = d.apply(Case::new("a").assert(AssertionSpec::new("icontains", "refund")));
/// let kinds: Vec<_> = case.assertions.iter().map(|a| a.kind.as_str()).collect();
/// assert_eq!(kinds, ["not-icontains", "icontains"]);
/// assert_eq!(case.eval.vars["tone"], "friendly");
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Defaults {
    /// Assertions every case runs first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assert: Vec<AssertionSpec>,
    /// The threshold of cases that set none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Variables every case has unless it sets them.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vars: BTreeMap<String, Value>,
    /// Metadata every case has unless it sets it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, Value>,
}

impl Defaults {
    /// Applies the defaults to a case.
    pub fn apply(&self, mut case: Case) -> Case {
        if !self.assert.is_empty() {
            let own = std::mem::take(&mut case.assertions);
            case.assertions = self.assert.iter().cloned().chain(own).collect();
        }
        if case.threshold.is_none() {
            case.threshold = self.threshold;
        }
        for (k, v) in &self.vars {
            case.eval.vars.entry(k.clone()).or_insert_with(|| v.clone());
        }
        for (k, v) in &self.metadata {
            case.metadata.entry(k.clone()).or_insert_with(|| v.clone());
        }
        case
    }

    /// Whether there is nothing to apply.
    pub fn is_empty(&self) -> bool {
        self.assert.is_empty()
            && self.threshold.is_none()
            && self.vars.is_empty()
            && self.metadata.is_empty()
    }
}

/// The written shape of a case (ours, a superset of a promptfoo test). The promptfoo fields
/// we do not run are named so the error says why.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct RawCase {
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    pub(crate) vars: Option<BTreeMap<String, Value>>,
    #[serde(default)]
    messages: Option<Vec<RawMessage>>,
    #[serde(default)]
    expected: Option<Scalarish>,
    #[serde(default)]
    context: Option<OneOrMany>,
    #[serde(default, alias = "relevantDocs")]
    relevant_docs: Option<Vec<String>>,
    #[serde(default)]
    tags: Option<Vec<String>>,
    #[serde(default, rename = "assert")]
    pub(crate) assertions: Option<Vec<AssertionSpec>>,
    #[serde(default)]
    threshold: Option<f64>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    metadata: Option<BTreeMap<String, Value>>,
    // promptfoo test fields we refuse, each with its reason.
    #[serde(default)]
    options: Option<Value>,
    #[serde(default)]
    provider: Option<Value>,
    #[serde(default)]
    providers: Option<Value>,
    #[serde(default)]
    prompts: Option<Value>,
    #[serde(default, rename = "providerOutput")]
    provider_output: Option<Value>,
    #[serde(default, rename = "assertScoringFunction")]
    assert_scoring_function: Option<Value>,
}

/// A string, or a number or boolean read as its text (`expected: 4`).
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Scalarish {
    Text(String),
    Number(serde_json::Number),
    Bool(bool),
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMessage {
    role: Role,
    #[serde(default)]
    content: Option<RawContent>,
    #[serde(default)]
    name: Option<String>,
    #[serde(default)]
    tool_calls: Option<Vec<llmops_core::ToolCall>>,
    #[serde(default)]
    tool_call_id: Option<String>,
    #[serde(default)]
    is_error: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum RawContent {
    Text(String),
    Parts(Vec<ContentPart>),
}

impl RawCase {
    /// Deserializes a case; serde's message (unknown field, wrong type) at `line`.
    pub(crate) fn from_value(v: Value, file: &Path, line: usize) -> Result<Self> {
        if !v.is_object() {
            return Err(EvalError::dataset(
                file,
                line,
                format!("a case must be a mapping, found {}", json_kind(&v)),
            ));
        }
        serde_json::from_value(v).map_err(|e| EvalError::dataset(file, line, e.to_string()))
    }

    /// The case, with `default_id` (else `<stem>:<line>`) when it names none.
    pub(crate) fn into_case(
        self,
        file: &Path,
        line: usize,
        default_id: Option<String>,
    ) -> Result<Case> {
        let err = |m: String| EvalError::dataset(file, line, m);
        let refused: [(&str, bool, &str); 6] = [
            (
                "options",
                self.options.is_some(),
                "per-test options (prefix, suffix, transform, provider) are not supported; set them in the suite or the target",
            ),
            (
                "provider",
                self.provider.is_some(),
                "a per-test provider override is not supported; the target and the judge are set for the suite",
            ),
            (
                "providers",
                self.providers.is_some(),
                "filtering tests by provider is not supported; split the suite",
            ),
            (
                "prompts",
                self.prompts.is_some(),
                "filtering tests by prompt is not supported; split the suite",
            ),
            (
                "providerOutput",
                self.provider_output.is_some(),
                "a canned provider output is not supported; use a scripted target",
            ),
            (
                "assertScoringFunction",
                self.assert_scoring_function.is_some(),
                "custom scoring functions run JavaScript or Python and are not supported",
            ),
        ];
        if let Some((field, _, why)) = refused.iter().find(|(_, set, _)| *set) {
            return Err(err(format!("`{field}`: {why}")));
        }
        let id = match self.id {
            Some(id) if id.trim().is_empty() => return Err(err("`id` is empty".into())),
            Some(id) => id,
            None => default_id.unwrap_or_else(|| format!("{}:{line}", stem(file))),
        };
        if let Some(t) = self.threshold
            && !t.is_finite()
        {
            return Err(err(format!("`threshold` must be a finite number, got {t}")));
        }
        let mut case = Case::new(id);
        case.eval.vars = self.vars.unwrap_or_default();
        case.eval.messages = self
            .messages
            .unwrap_or_default()
            .into_iter()
            .map(RawMessage::into_message)
            .collect();
        case.eval.expected = self.expected.map(|e| match e {
            Scalarish::Text(s) => s,
            Scalarish::Number(n) => n.to_string(),
            Scalarish::Bool(b) => b.to_string(),
        });
        case.eval.context = match self.context {
            None => Vec::new(),
            Some(OneOrMany::One(s)) => vec![s],
            Some(OneOrMany::Many(v)) => v,
        };
        case.eval.relevant_docs = self.relevant_docs.unwrap_or_default();
        case.eval.tags = self.tags.unwrap_or_default();
        case.assertions = self.assertions.unwrap_or_default();
        case.threshold = self.threshold;
        case.description = self.description;
        case.metadata = self.metadata.unwrap_or_default();
        case.source = Some(SourceLoc {
            file: file.to_path_buf(),
            line,
        });
        Ok(case)
    }
}

impl RawMessage {
    fn into_message(self) -> Message {
        let parts = match self.content {
            None => Vec::new(),
            Some(RawContent::Text(t)) => vec![ContentPart::text(t)],
            Some(RawContent::Parts(p)) => p,
        };
        let mut m = Message::with_parts(self.role, parts);
        m.name = self.name;
        m.tool_calls = self.tool_calls.unwrap_or_default();
        m.tool_call_id = self.tool_call_id;
        m.is_error = self.is_error.unwrap_or(false);
        m
    }
}

pub(crate) fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "a list",
        Value::Object(_) => "an object",
    }
}

pub(crate) fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| EvalError::io(path, e))
}

pub(crate) fn stem(path: &Path) -> String {
    path.file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "dataset".to_owned())
}

pub(crate) fn extension(path: &Path) -> String {
    path.extension()
        .map(|s| s.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

/// Resolves `file://rel` (or a bare relative path) against the directory of `base`.
pub(crate) fn resolve_ref(base: &Path, reference: &str) -> PathBuf {
    let rel = reference.strip_prefix("file://").unwrap_or(reference);
    let rel = Path::new(rel);
    if rel.is_absolute() {
        rel.to_path_buf()
    } else {
        base.parent().unwrap_or(Path::new(".")).join(rel)
    }
}
