//! Importing Microsoft Prompty files (`.prompty`) as [`PromptFile`]s.
//!
//! A Prompty file has YAML front matter (`name`, `description`, `authors`, `model: {api,
//! configuration, parameters}`, `inputs`, `sample`) and a Jinja2 body whose messages start
//! at lines reading `system:`, `user:` or `assistant:`. The import maps:
//!
//! - `model.configuration.azure_deployment` / `.model` / `.name` → `model`;
//!   `model.parameters` → `config`;
//! - `inputs` (`name: {type, default, description, required}` or `name: type`) → the input
//!   schema (an input with no default is required unless `required: false`) and defaults;
//!   `sample` is example data and is not imported;
//! - `authors` → `author` (joined), `version` → `version` when it is an integer;
//! - the body → messages in [`TemplateFormat::Jinja`]; text before the first role line is a
//!   system message, as Prompty does.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::file::{content_hash, key_line, parse_yaml, split_front_matter};
use super::schema::InputSchema;
use super::template::{MessageTemplate, TemplateFormat};
use super::{PromptError, PromptFile};
use crate::types::Role;

fn role_line(line: &str) -> Option<Role> {
    let word = line.trim().strip_suffix(':')?.trim_end();
    match word.to_ascii_lowercase().as_str() {
        "system" => Some(Role::System),
        "user" => Some(Role::User),
        "assistant" => Some(Role::Assistant),
        _ => None,
    }
}

/// Splits a Prompty body at role lines into `(role, text, first line)`.
fn split_prompty_roles(body: &str, body_line: usize) -> Vec<(Role, String, usize)> {
    let mut out = Vec::new();
    let mut role = Role::System;
    let mut lines: Vec<&str> = Vec::new();
    let mut start = body_line;
    let mut flush = |role: Role, lines: &mut Vec<&str>, start: usize| {
        let lead = lines.iter().take_while(|l| l.trim().is_empty()).count();
        let text = lines.join("\n").trim().to_owned();
        if !text.is_empty() {
            out.push((role, text, start + lead));
        }
        lines.clear();
    };
    for (i, line) in body.lines().enumerate() {
        if let Some(next) = role_line(line) {
            flush(role, &mut lines, start);
            role = next;
            start = body_line + i + 1;
        } else {
            lines.push(line);
        }
    }
    flush(role, &mut lines, start);
    out
}

fn prompty_type(ty: &str) -> (&'static str, bool) {
    // (picoschema scalar or container, is container)
    match ty.to_ascii_lowercase().as_str() {
        "string" | "str" => ("string", false),
        "number" | "float" => ("number", false),
        "integer" | "int" => ("integer", false),
        "boolean" | "bool" => ("boolean", false),
        "array" | "list" => ("array", true),
        "object" | "dict" => ("object", true),
        _ => ("any", false),
    }
}

/// Converts Prompty `inputs` into a Picoschema map and defaults.
fn convert_inputs(inputs: &Map<String, Value>) -> (Map<String, Value>, BTreeMap<String, Value>) {
    let mut schema = Map::new();
    let mut defaults = BTreeMap::new();
    for (name, spec) in inputs {
        let (ty, default, required, description) = match spec {
            Value::Object(m) => {
                let ty = m.get("type").and_then(Value::as_str).unwrap_or("any");
                let default = m.get("default").cloned();
                let required = m
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(default.is_none());
                let description = m.get("description").and_then(Value::as_str);
                (ty, default, required, description)
            }
            Value::String(ty) => (ty.as_str(), None, true, None),
            _ => ("any", None, true, None),
        };
        let (ty, container) = prompty_type(ty);
        let opt = if required { "" } else { "?" };
        let desc = description.map(|d| format!(", {}", d.replace('\n', " ")));
        let (key, value) = if container {
            let key = format!("{name}{opt}({ty}{})", desc.unwrap_or_default());
            let inner = if ty == "array" {
                json!("any")
            } else {
                json!({"(*)": "any"})
            };
            (key, inner)
        } else {
            (
                format!("{name}{opt}"),
                json!(format!("{ty}{}", desc.unwrap_or_default())),
            )
        };
        schema.insert(key, value);
        if let Some(d) = default {
            defaults.insert(name.clone(), d);
        }
    }
    (schema, defaults)
}

impl PromptFile {
    /// Imports a Microsoft Prompty file as a prompt in Jinja format. Errors are
    /// [`PromptError::Parse`] with the line.
    ///
    /// `model.configuration.azure_deployment` / `.model` / `.name` becomes `model`,
    /// `model.parameters` becomes `config`; `inputs` (`name: {type, default, description,
    /// required}` or `name: type`) become the input schema (an input without a default is
    /// required unless `required: false`) and defaults; `sample` is example data and is not
    /// imported; `authors` become `author`, `description` becomes `reason`, an integer
    /// `version` is kept (else 1). Lines reading `system:`, `user:` or `assistant:` start
    /// messages; text before the first one is a system message, as in Prompty.
    ///
    /// ```
    /// use llmops_core::prompts::{render, PromptFile, TemplateFormat};
    /// use llmops_core::Role;
    /// let text = "---\nname: Basic\nmodel:\n  api: chat\n  configuration:\n    type: azure_openai\n    azure_deployment: gpt-4o\n  parameters:\n    max_tokens: 128\ninputs:\n  question:\n    type: string\n---\nsystem:\nYou are helpful.\n\nuser:\n{{question}}\n";
    /// let file = PromptFile::from_prompty("basic", text)?;
    /// assert_eq!(file.format, TemplateFormat::Jinja);
    /// assert_eq!(file.model.as_deref(), Some("gpt-4o"));
    /// assert_eq!(file.config["max_tokens"], 128);
    /// let vars = [("question".to_string(), serde_json::json!("Why?"))].into();
    /// let messages = render(&file, &vars)?;
    /// assert_eq!((messages[1].role, messages[1].text()), (Role::User, "Why?".to_string()));
    /// # Ok::<(), llmops_core::prompts::PromptError>(())
    /// ```
    pub fn from_prompty(name: &str, text: &str) -> Result<Self, PromptError> {
        Self::prompty_inner(name, text).map_err(|(line, message)| PromptError::Parse {
            file: name.to_owned(),
            line,
            message,
        })
    }

    fn prompty_inner(name: &str, text: &str) -> Result<Self, (usize, String)> {
        let split = split_front_matter(text)?;
        let (front_text, first) = split.front.unwrap_or(("", 2));
        let front = parse_yaml(front_text, first)?;
        let at = |key: &str| key_line(front_text, first, key);
        let model_section = match front.get("model") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err((at("model"), "`model` must be a map".to_owned())),
        };
        let model = model_section
            .get("configuration")
            .and_then(|c| {
                ["azure_deployment", "model", "name"]
                    .iter()
                    .find_map(|k| c.get(*k).and_then(Value::as_str))
            })
            .map(str::to_owned);
        let config = match model_section.get("parameters") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m.clone(),
            Some(_) => return Err((at("model"), "`model.parameters` must be a map".to_owned())),
        };
        let input = match front.get("inputs") {
            None | Some(Value::Null) => InputSchema::default(),
            Some(Value::Object(m)) => {
                let (schema, defaults) = convert_inputs(m);
                InputSchema::from_picoschema(Some(&Value::Object(schema)), defaults)
                    .map_err(|e| (at("inputs"), format!("inputs: {e}")))?
            }
            Some(_) => return Err((at("inputs"), "`inputs` must be a map".to_owned())),
        };
        let author = match front.get("authors") {
            Some(Value::Array(a)) => {
                let names: Vec<&str> = a.iter().filter_map(Value::as_str).collect();
                Some(names.join(", ")).filter(|s| !s.is_empty())
            }
            Some(Value::String(s)) => Some(s.clone()),
            _ => None,
        };
        let version = front
            .get("version")
            .and_then(|v| {
                v.as_u64()
                    .or_else(|| v.as_str().and_then(|s| s.parse().ok()))
            })
            .and_then(|n| u32::try_from(n).ok())
            .filter(|n| *n > 0)
            .unwrap_or(1);
        let reason = front
            .get("description")
            .and_then(Value::as_str)
            .map(str::to_owned);
        let messages = split_prompty_roles(split.body, split.body_line)
            .into_iter()
            .map(|(role, source, line)| {
                MessageTemplate::compile(role, source, line, TemplateFormat::Jinja)
            })
            .collect::<Result<Vec<_>, _>>()?;
        Ok(PromptFile {
            name: name.to_owned(),
            version,
            model,
            config,
            input,
            tools: Vec::new(),
            format: TemplateFormat::Jinja,
            messages,
            author,
            reason,
            created: None,
            content_hash: content_hash(text.as_bytes()),
        })
    }
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
    use crate::prompts::render;

    const SAMPLE: &str = r#"---
name: ExamplePrompt
description: A prompt that uses context to ground an incoming question
authors:
  - Seth Juarez
  - Ada
version: 2
model:
  api: chat
  configuration:
    type: azure_openai
    azure_endpoint: ${env:AZURE_OPENAI_ENDPOINT}
    azure_deployment: gpt-35-turbo
  parameters:
    max_tokens: 3000
inputs:
  firstName:
    type: string
    default: friend
  context:
    type: string
  question:
    type: string
  items:
    type: list
    required: false
sample:
  firstName: Seth
  question: What kind of clothing do you suggest?
---
system:
You are an AI assistant who helps people find information.
# Customer
You are helping {{firstName}} to find answers.
{% for i in items|default([]) %}- {{ i }}
{% endfor %}
# Context
{{context}}

user:
{{question}}
"#;

    #[test]
    fn imports_a_prompty_file() {
        let f = PromptFile::from_prompty("example", SAMPLE).unwrap();
        assert_eq!(f.version, 2);
        assert_eq!(f.model.as_deref(), Some("gpt-35-turbo"));
        assert_eq!(f.config["max_tokens"], 3000);
        assert_eq!(f.author.as_deref(), Some("Seth Juarez, Ada"));
        assert_eq!(f.format, TemplateFormat::Jinja);
        assert_eq!(f.messages.len(), 2);
        assert_eq!(
            (f.messages[0].role(), f.messages[0].line()),
            (Role::System, 32)
        );
        assert_eq!(
            (f.messages[1].role(), f.messages[1].line()),
            (Role::User, 41)
        );
        let schema = f.input.schema.as_ref().unwrap();
        assert!(schema.fields["question"].required);
        assert!(!schema.fields["items"].required);

        let vars = [
            ("context".to_owned(), json!("winter")),
            ("question".to_owned(), json!("Coat?")),
            ("items".to_owned(), json!(["hat"])),
        ]
        .into();
        let out = render(&f, &vars).unwrap();
        assert!(out[0].text().contains("You are helping friend"));
        assert!(out[0].text().contains("- hat"));
        assert_eq!(out[1].text(), "Coat?");

        let err = render(&f, &[("context".to_owned(), json!("x"))].into()).unwrap_err();
        assert!(matches!(err, PromptError::Render { ref variable, .. } if variable == "question"));
    }

    #[test]
    fn body_without_roles_is_system_and_errors_have_lines() {
        let f = PromptFile::from_prompty("p", "---\nname: x\n---\nJust text {{ a }}").unwrap();
        assert_eq!(f.messages[0].role(), Role::System);
        assert!(f.input.schema.is_none());
        let err =
            PromptFile::from_prompty("p", "---\nname: x\n---\nuser:\nok\n{% if %}").unwrap_err();
        assert!(matches!(err, PromptError::Parse { line: 6, .. }), "{err}");
        let err = PromptFile::from_prompty("p", "---\nname: x\nmodel: [1\n---\n").unwrap_err();
        assert!(matches!(err, PromptError::Parse { .. }), "{err}");
    }
}
