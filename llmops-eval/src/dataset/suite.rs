//! Suite files: a dataset plus what the CLI needs to run it (the prompt, the target model,
//! the judge, the embedder, defaults, repeats).
//!
//! ```yaml
//! name: support-reply
//! description: Answers from the help centre
//! prompt:
//!   - role: system
//!     content: You answer from the help centre only.
//!   - role: user
//!     content: "{{question}}"
//! model: openai/gpt-4.1-mini
//! judge: {model: openai/gpt-4.1}
//! embedder: hashing
//! defaults:                 # or defaultTest, as promptfoo spells it
//!   assert:
//!     - type: not-icontains
//!       value: as an AI
//!   threshold: 0.5
//! repeat: 3
//! tests: file://cases.jsonl   # or an inline list of cases, or a list of files
//! ```
//!
//! Every `{{var}}` of the prompt must be set by every case (or the defaults): a case that
//! misses one is an error at its line, before anything runs.

use std::collections::BTreeMap;
use std::path::Path;

use llmops_core::{Message, Role};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::dataset::promptfoo::{RawDefaults, read_tests};
use crate::dataset::yaml::{self, Kind, Node};
use crate::dataset::{Defaults, read, stem};
use crate::{Dataset, EvalError, Result};

const SUITE_KEYS: &[&str] = &[
    "name",
    "description",
    "prompt",
    "model",
    "judge",
    "embedder",
    "defaults",
    "defaultTest",
    "repeat",
    "tests",
];

/// A message template of a suite's prompt: a role and a text with `{{var}}` placeholders.
///
/// ```
/// use std::collections::BTreeMap;
/// use llmops_core::Role;
/// use llmops_eval::dataset::MessageTemplate;
/// let t = MessageTemplate::new(Role::User, "Order {{ order }}: {{question}}");
/// assert_eq!(t.vars().unwrap(), ["order", "question"]);
/// let vars = BTreeMap::from([("order".to_owned(), 42.into()), ("question".to_owned(), "where?".into())]);
/// assert_eq!(t.render(&vars).unwrap().text(), "Order 42: where?");
/// assert!(t.render(&BTreeMap::new()).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MessageTemplate {
    /// Who speaks.
    pub role: Role,
    /// The text, with `{{var}}` placeholders.
    pub content: String,
}

impl MessageTemplate {
    /// A template.
    pub fn new(role: Role, content: impl Into<String>) -> Self {
        MessageTemplate {
            role,
            content: content.into(),
        }
    }

    /// The variable names the template uses, sorted; a template that does not parse is
    /// an error.
    pub fn vars(&self) -> Result<Vec<String>> {
        let env = strict_env();
        let t = env
            .template_from_str(&self.content)
            .map_err(|e| self.syntax(e))?;
        let mut v: Vec<String> = t.undeclared_variables(false).into_iter().collect();
        v.sort_unstable();
        Ok(v)
    }

    /// Renders with `vars` (minijinja, strict: an undefined variable is an error, never an
    /// empty string); a missing var is a configuration error naming it.
    pub fn render(&self, vars: &BTreeMap<String, Value>) -> Result<Message> {
        if let Some(missing) = self.vars()?.into_iter().find(|v| !vars.contains_key(v)) {
            return Err(EvalError::Config(format!(
                "the prompt uses `{{{{{missing}}}}}` and the case sets no var `{missing}`"
            )));
        }
        let env = strict_env();
        let t = env
            .template_from_str(&self.content)
            .map_err(|e| self.syntax(e))?;
        let text = t
            .render(minijinja::Value::from(minijinja::value::Serde(vars)))
            .map_err(|e| EvalError::Config(format!("rendering prompt template: {e}")))?;
        Ok(Message::new(self.role, text))
    }

    fn syntax(&self, e: minijinja::Error) -> EvalError {
        EvalError::Config(format!("prompt template {:?}: {e}", self.content))
    }
}

fn strict_env() -> minijinja::Environment<'static> {
    let mut env = minijinja::Environment::new();
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env
}

/// A suite: its dataset (defaults applied) and how to run it.
///
/// ```
/// # fn main() -> llmops_eval::Result<()> {
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::write(dir.path().join("cases.jsonl"), "{\"vars\": {\"question\": \"Refund window?\"}, \"assert\": [{\"type\": \"icontains\", \"value\": \"30 days\"}]}\n").unwrap();
/// let path = dir.path().join("support.yaml");
/// std::fs::write(&path, "name: support\nprompt:\n  - role: user\n    content: '{{question}}'\nmodel: openai/gpt-4.1-mini\njudge: {model: openai/gpt-4.1}\ndefaults:\n  assert: [{type: not-icontains, value: as an AI}]\nrepeat: 2\ntests: file://cases.jsonl\n").unwrap();
/// let suite = llmops_eval::dataset::Suite::load(&path)?;
/// assert_eq!((suite.name.as_str(), suite.repeat, suite.judge_model.as_deref()), ("support", 2, Some("openai/gpt-4.1")));
/// assert_eq!(suite.dataset.cases[0].assertions.len(), 2);
/// assert_eq!(suite.dataset.cases[0].id(), "cases:1");
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Suite {
    /// Name (reports and gates use it); the file stem when unset.
    pub name: String,
    /// Description.
    pub description: Option<String>,
    /// The prompt: message templates rendered with each case's vars.
    pub prompt: Vec<MessageTemplate>,
    /// The target model (`provider/model`) the CLI runs.
    pub model: Option<String>,
    /// The judge model of model-graded assertions.
    pub judge_model: Option<String>,
    /// The embedder name (similarity assertions).
    pub embedder: Option<String>,
    /// The defaults (already applied to the dataset's cases).
    pub defaults: Defaults,
    /// The cases.
    pub dataset: Dataset,
    /// Runs per case (≥ 1).
    pub repeat: u32,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawPrompt {
    One(String),
    Many(Vec<MessageTemplate>),
}

#[derive(Deserialize)]
#[serde(untagged)]
enum RawJudge {
    Model(String),
    Full { model: String },
}

impl Suite {
    /// Loads a suite file.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = read(path)?;
        let node = yaml::parse(&text, path)?
            .ok_or_else(|| EvalError::dataset(path, 1, "empty suite file"))?;
        Suite::from_node(path, &node)
    }

    pub(crate) fn from_node(path: &Path, node: &Node) -> Result<Self> {
        if !matches!(node.kind, Kind::Map(_)) {
            return Err(EvalError::dataset(
                path,
                node.line,
                format!("a suite is a mapping, found {}", node.kind_name()),
            ));
        }
        for (key, value) in node.keys() {
            if !SUITE_KEYS.contains(&key) {
                return Err(EvalError::dataset(
                    path,
                    value.line,
                    format!(
                        "unknown suite key `{key}` (known: {})",
                        SUITE_KEYS.join(", ")
                    ),
                ));
            }
        }
        if node.get("defaults").is_some() && node.get("defaultTest").is_some() {
            return Err(EvalError::dataset(
                path,
                node.line,
                "both `defaults` and `defaultTest`: use one",
            ));
        }
        let field = |key: &str| -> Result<Option<Value>> {
            Ok(node.get(key).map(Node::to_json).filter(|v| !v.is_null()))
        };
        let typed = |key: &'static str, expect: &'static str| {
            let line = node.get(key).map_or(node.line, |n| n.line);
            move |e: serde_json::Error| {
                EvalError::dataset(path, line, format!("`{key}` must be {expect}: {e}"))
            }
        };
        let string = |key: &'static str| -> Result<Option<String>> {
            field(key)?
                .map(|v| serde_json::from_value::<String>(v).map_err(typed(key, "a string")))
                .transpose()
        };
        let name = string("name")?.unwrap_or_else(|| stem(path));
        let description = string("description")?;
        let model = string("model")?;
        let embedder = string("embedder")?;
        let judge_model = field("judge")?
            .map(|v| serde_json::from_value::<RawJudge>(v).map_err(typed("judge", "`{model}`")))
            .transpose()?
            .map(|j| match j {
                RawJudge::Model(m) | RawJudge::Full { model: m } => m,
            });
        let repeat = match field("repeat")? {
            None => 1,
            Some(v) => {
                serde_json::from_value::<u32>(v).map_err(typed("repeat", "a whole number ≥ 1"))?
            }
        };
        if repeat == 0 {
            let line = node.get("repeat").map_or(node.line, |n| n.line);
            return Err(EvalError::dataset(path, line, "`repeat` must be ≥ 1"));
        }
        let prompt = match field("prompt")? {
            None => Vec::new(),
            Some(v) => match serde_json::from_value::<RawPrompt>(v)
                .map_err(typed("prompt", "a string or a list of {role, content}"))?
            {
                RawPrompt::One(s) => vec![MessageTemplate::new(Role::User, s)],
                RawPrompt::Many(m) => m,
            },
        };
        let mut prompt_vars: Vec<String> = Vec::new();
        for t in &prompt {
            let line = node.get("prompt").map_or(node.line, |n| n.line);
            let vars = t
                .vars()
                .map_err(|e| EvalError::dataset(path, line, e.to_string()))?;
            for v in vars {
                if !prompt_vars.contains(&v) {
                    prompt_vars.push(v);
                }
            }
        }
        let defaults = match node.get("defaults").or_else(|| node.get("defaultTest")) {
            Some(d) => RawDefaults::from_node(path, d)?,
            None => Defaults::default(),
        };
        let cases = match node.get("tests") {
            Some(t) => read_tests(path, t)?,
            None => Vec::new(),
        };
        let mut out = Vec::with_capacity(cases.len());
        for case in cases {
            let case = defaults.apply(case);
            if let Some(missing) = prompt_vars
                .iter()
                .find(|v| !case.eval.vars.contains_key(*v))
            {
                let (file, line) = case
                    .source
                    .as_ref()
                    .map_or((path.to_path_buf(), 0), |s| (s.file.clone(), s.line));
                return Err(EvalError::dataset(
                    file,
                    line,
                    format!(
                        "case `{}` sets no var `{missing}`, which the prompt uses",
                        case.id()
                    ),
                ));
            }
            out.push(case);
        }
        Ok(Suite {
            dataset: Dataset::new(name.clone(), out)?,
            name,
            description,
            prompt,
            model,
            judge_model,
            embedder,
            defaults,
            repeat,
        })
    }

    /// The messages sent for a case: the rendered prompt, then the case's own messages.
    pub fn messages(&self, case: &crate::Case) -> Result<Vec<Message>> {
        let mut out = self
            .prompt
            .iter()
            .map(|t| t.render(&case.eval.vars))
            .collect::<Result<Vec<_>>>()?;
        out.extend(case.eval.messages.iter().cloned());
        Ok(out)
    }
}
