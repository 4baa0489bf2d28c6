//! [`ResolvedPrompt`] (one version as a reference resolved it) and [`Reference`] (the
//! parsed `name`, `name@label`, `name/3`).

use std::collections::BTreeMap;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::registry::PRODUCTION;
use super::template::render_iter;
use super::{PromptError, PromptFile, render};
use crate::eval::EvalRecord;
use crate::types::{Message, Params, PromptVersionRef, ToolSpec};

/// One prompt version as a reference resolved it: name, version, content hash and the file.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResolvedPrompt {
    /// The prompt's name (its directory).
    pub name: String,
    /// The version number (its file name).
    pub version: u32,
    /// The content hash of the version's file, `sha256:<hex>`.
    pub hash: String,
    /// The label the reference went through (`None` for `name/3`).
    pub label: Option<String>,
    /// The parsed version.
    pub file: Arc<PromptFile>,
    /// The version's `config` as request parameters (`None` when it sets none); they apply
    /// between the request's own and the client's defaults.
    pub params: Option<Params>,
    /// Tool definitions the version declares (objects in `tools:`), added to the request.
    pub tools: Vec<ToolSpec>,
    /// Tool names the version expects the request to provide (strings in `tools:`).
    pub tool_names: Vec<String>,
    /// The latest eval record filed for this version (`.llmops/evals.jsonl`).
    pub eval: Option<EvalRecord>,
}

impl ResolvedPrompt {
    /// The reference core carries in `ResponseMeta` and traces.
    pub fn version_ref(&self) -> PromptVersionRef {
        let mut r = PromptVersionRef::new(self.name.clone(), self.version, self.hash.clone());
        r.label.clone_from(&self.label);
        r
    }

    /// Renders this version strictly (see [`render`]).
    pub fn render(&self, vars: &BTreeMap<String, Value>) -> Result<Vec<Message>, PromptError> {
        render(&self.file, vars)
    }

    /// Renders this version strictly with the variables of a request's
    /// [`PromptCall`](crate::PromptCall) (a JSON object).
    pub fn render_map(&self, vars: &Map<String, Value>) -> Result<Vec<Message>, PromptError> {
        render_iter(&self.file, vars.iter())
    }

    /// A resolved version of `file` (name, version and hash from the file), with its
    /// parameters and tools converted; a `config` or `tools` entry that does not convert is
    /// a [`PromptError::Parse`] naming `origin`.
    pub(crate) fn from_file(
        file: Arc<PromptFile>,
        origin: &str,
        eval: Option<EvalRecord>,
    ) -> Result<Self, PromptError> {
        let params = config_params(&file.config).map_err(|message| PromptError::Parse {
            file: origin.to_owned(),
            line: 1,
            message,
        })?;
        let (tools, tool_names) =
            split_tools(&file.tools).map_err(|message| PromptError::Parse {
                file: origin.to_owned(),
                line: 1,
                message,
            })?;
        Ok(ResolvedPrompt {
            name: file.name.clone(),
            version: file.version,
            hash: format!("sha256:{}", file.content_hash),
            label: None,
            params,
            tools,
            tool_names,
            eval,
            file,
        })
    }

    /// The same version, reached through `label`.
    pub(crate) fn with_label(&self, label: &str) -> Arc<Self> {
        let mut r = self.clone();
        r.label = Some(label.to_owned());
        Arc::new(r)
    }
}

/// `config` keys that map onto [`Params`] fields; Dotprompt's (Genkit's) camelCase names are
/// accepted too. Every other key is passed to the provider as an extra body parameter.
fn config_params(config: &Map<String, Value>) -> Result<Option<Params>, String> {
    if config.is_empty() {
        return Ok(None);
    }
    fn typed<T: serde::de::DeserializeOwned>(
        key: &str,
        v: &Value,
        what: &str,
    ) -> Result<T, String> {
        serde_json::from_value(v.clone())
            .map_err(|e| format!("config `{key}`: expected {what}: {e}"))
    }
    let mut p = Params::default();
    for (key, v) in config {
        match key.as_str() {
            "temperature" => p.temperature = Some(typed(key, v, "a number")?),
            "top_p" | "topP" => p.top_p = Some(typed(key, v, "a number")?),
            "max_tokens" | "maxOutputTokens" | "max_output_tokens" => {
                p.max_tokens = Some(typed(key, v, "a positive integer")?);
            }
            "stop" | "stopSequences" => {
                p.stop = Some(match v {
                    Value::String(s) => vec![s.clone()],
                    _ => typed(key, v, "a string or a list of strings")?,
                });
            }
            "seed" => p.seed = Some(typed(key, v, "an integer")?),
            "response_format" => p.response_format = Some(typed(key, v, "a response format")?),
            "tool_choice" => p.tool_choice = Some(typed(key, v, "a tool choice")?),
            "parallel_tool_calls" => p.parallel_tool_calls = Some(typed(key, v, "a boolean")?),
            _ => {
                p.extra.insert(key.clone(), v.clone());
            }
        }
    }
    if let Some(t) = p.temperature
        && !(0.0..=2.0).contains(&t)
    {
        return Err(format!("config `temperature`: {t} is outside 0..=2"));
    }
    Ok(Some(p))
}

/// `tools:` entries: a string names a tool the request must provide; an object is a
/// definition (`{name, description, parameters}`, OpenAI's `{type: function, function: ...}`
/// accepted too).
fn split_tools(tools: &[Value]) -> Result<(Vec<ToolSpec>, Vec<String>), String> {
    let mut specs = Vec::new();
    let mut names = Vec::new();
    for (i, t) in tools.iter().enumerate() {
        match t {
            Value::String(name) => names.push(name.clone()),
            Value::Object(o) => {
                let def = match o.get("function") {
                    Some(f) if o.get("type").and_then(Value::as_str) == Some("function") => f,
                    _ => t,
                };
                let mut def = def.clone();
                if let Value::Object(d) = &mut def
                    && !d.contains_key("parameters")
                {
                    d.insert(
                        "parameters".to_owned(),
                        serde_json::json!({"type": "object", "properties": {}}),
                    );
                }
                let spec: ToolSpec = serde_json::from_value(def).map_err(|e| {
                    format!("tools[{i}]: expected a name or {{name, description, parameters}}: {e}")
                })?;
                specs.push(spec);
            }
            _ => {
                return Err(format!(
                    "tools[{i}]: expected a tool name or a tool definition"
                ));
            }
        }
    }
    Ok((specs, names))
}

/// A parsed prompt reference: `name`, `name@label` or `name/3`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reference<'a> {
    /// `name@label`, or `name` (label `production`).
    Label {
        /// The prompt name.
        name: &'a str,
        /// The label.
        label: &'a str,
    },
    /// `name/3`.
    Version {
        /// The prompt name.
        name: &'a str,
        /// The version number.
        version: u32,
    },
}

impl<'a> Reference<'a> {
    /// Parses a reference; a malformed one is a [`PromptError::BadReference`].
    ///
    /// ```
    /// use llmops_core::prompts::Reference;
    /// assert_eq!(Reference::parse("greet")?, Reference::Label { name: "greet", label: "production" });
    /// assert_eq!(Reference::parse("greet/2")?, Reference::Version { name: "greet", version: 2 });
    /// assert!(Reference::parse("greet@").is_err());
    /// # Ok::<(), llmops_core::prompts::PromptError>(())
    /// ```
    pub fn parse(reference: &'a str) -> Result<Self, PromptError> {
        let bad = |message: &str| PromptError::BadReference {
            reference: reference.to_owned(),
            message: message.to_owned(),
        };
        let parsed = if let Some((name, label)) = reference.split_once('@') {
            if label.is_empty() || label.contains(['@', '/']) {
                return Err(bad("expected `name@label`"));
            }
            Reference::Label { name, label }
        } else if let Some((name, version)) = reference.split_once('/') {
            let version = version
                .parse::<u32>()
                .ok()
                .filter(|v| *v > 0 && !version.starts_with('+'))
                .ok_or_else(|| bad("expected `name/<positive version number>`"))?;
            Reference::Version { name, version }
        } else {
            Reference::Label {
                name: reference,
                label: PRODUCTION,
            }
        };
        let name = match parsed {
            Reference::Label { name, .. } | Reference::Version { name, .. } => name,
        };
        if !valid_name(name) {
            return Err(bad(
                "the prompt name is empty or has whitespace, `@` or `/`",
            ));
        }
        Ok(parsed)
    }
}

pub(crate) fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && !name.contains(['@', '/', '\\'])
        && !name.chars().any(char::is_whitespace)
}
