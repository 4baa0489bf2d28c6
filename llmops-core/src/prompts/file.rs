//! Parsing Dotprompt-style prompt files: YAML front matter between `---` lines, then a body
//! split into messages by `{{role "..."}}` markers.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::PromptError;
use super::schema::InputSchema;
use super::template::{MessageTemplate, TemplateFormat};
use crate::types::Role;

/// Front-matter keys we read, plus Dotprompt's own keys that we accept and ignore.
const KNOWN_KEYS: &[&str] = &[
    "name",
    "model",
    "config",
    "input",
    "tools",
    "template_format",
    "version",
    "author",
    "reason",
    "created",
    // Dotprompt keys carried for compatibility, not used by this slice.
    "description",
    "variant",
    "output",
    "metadata",
];

/// One version of a prompt, parsed from a file and with its templates compiled.
///
/// ```
/// use llmops_core::prompts::{PromptFile, TemplateFormat};
/// use llmops_core::Role;
/// let text = r#"---
/// model: openai/gpt-4o-mini
/// config:
///   temperature: 0.2
/// version: 3
/// author: ada
/// reason: shorter answers
/// created: 2025-01-31T12:00:00Z
/// input:
///   schema:
///     question: string
/// ---
/// {{role "system"}}
/// Answer in one sentence.
/// {{role "user"}}
/// {{question}}
/// "#;
/// let file = PromptFile::parse("support-reply", text)?;
/// assert_eq!(file.version, 3);
/// assert_eq!(file.model.as_deref(), Some("openai/gpt-4o-mini"));
/// assert_eq!(file.config["temperature"], 0.2);
/// assert_eq!(file.format, TemplateFormat::Mustache);
/// assert_eq!(file.messages[0].role(), Role::System);
/// assert_eq!(file.messages[1].source(), "{{question}}");
/// assert_eq!(file.content_hash.len(), 64);
/// # Ok::<(), llmops_core::prompts::PromptError>(())
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct PromptFile {
    /// The prompt's name (given by the caller or the file name).
    pub name: String,
    /// The version number from front matter (`version`), 1 when absent.
    pub version: u32,
    /// The model target, as written (`provider/model`).
    pub model: Option<String>,
    /// Free-form model parameters (temperature, max tokens, stop ...).
    pub config: Map<String, Value>,
    /// Declared inputs and their defaults.
    pub input: InputSchema,
    /// Tool names or definitions, as written.
    pub tools: Vec<Value>,
    /// The template syntax.
    pub format: TemplateFormat,
    /// The messages in order, each with its parsed template.
    pub messages: Vec<MessageTemplate>,
    /// Who wrote this version.
    pub author: Option<String>,
    /// Why this version exists (the changelog line).
    pub reason: Option<String>,
    /// When this version was created (RFC 3339 in the file).
    pub created: Option<DateTime<Utc>>,
    /// Lower-case hex SHA-256 of the file's bytes.
    pub content_hash: String,
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn content_hash(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The parts of a file: front matter (text and first line) and body (text and first line).
pub(crate) struct Split<'a> {
    pub(crate) front: Option<(&'a str, usize)>,
    pub(crate) body: &'a str,
    pub(crate) body_line: usize,
}

/// Splits `---` front matter from the body; the error is `(line, message)`.
pub(crate) fn split_front_matter(text: &str) -> Result<Split<'_>, (usize, String)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_end = text.find('\n').unwrap_or(text.len());
    if text.get(..first_end).map(str::trim_end) != Some("---") {
        return Ok(Split {
            front: None,
            body: text,
            body_line: 1,
        });
    }
    let mut offset = first_end + 1;
    let mut line = 2;
    while offset <= text.len() {
        let rest = text.get(offset..).unwrap_or_default();
        let end = rest.find('\n').unwrap_or(rest.len());
        let this = rest.get(..end).unwrap_or_default();
        if this.trim_end() == "---" {
            let front = text.get(first_end + 1..offset).unwrap_or_default();
            let body = text
                .get((offset + end + 1).min(text.len())..)
                .unwrap_or_default();
            return Ok(Split {
                front: Some((front, 2)),
                body,
                body_line: line + 1,
            });
        }
        if end == rest.len() {
            break;
        }
        offset += end + 1;
        line += 1;
    }
    Err((
        1,
        "front matter opened with `---` is never closed".to_owned(),
    ))
}

/// Parses YAML front matter into a JSON map; the error is `(file line, message)`.
pub(crate) fn parse_yaml(
    front: &str,
    first_line: usize,
) -> Result<Map<String, Value>, (usize, String)> {
    let value: Value = serde_yaml_ng::from_str(front).map_err(|e| {
        let line = e.location().map_or(0, |l| l.line().saturating_sub(1));
        (first_line + line, format!("front matter: {e}"))
    })?;
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err((first_line, "front matter must be a map of keys".to_owned())),
    }
}

/// The file line of a top-level `key:` in the front matter (the first line when not found).
pub(crate) fn key_line(front: &str, first_line: usize, key: &str) -> usize {
    front
        .lines()
        .position(|l| {
            l.strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with(':'))
        })
        .map_or(first_line.saturating_sub(1).max(1), |i| first_line + i)
}

fn role_of(name: &str) -> Option<Role> {
    match name {
        "system" => Some(Role::System),
        "user" => Some(Role::User),
        "model" | "assistant" => Some(Role::Assistant),
        _ => None,
    }
}

/// A message part of a body: role, text and first line.
type Part<'a> = (Role, &'a str, usize);

fn push_part<'a>(
    body: &'a str,
    body_line: usize,
    role: Role,
    from: usize,
    to: usize,
    parts: &mut Vec<Part<'a>>,
) {
    let raw = body.get(from..to).unwrap_or_default();
    let lead = raw.len() - raw.trim_start().len();
    let text = raw.trim();
    if !text.is_empty() {
        let line = body_line
            + body
                .get(..from + lead)
                .unwrap_or_default()
                .matches('\n')
                .count();
        parts.push((role, text, line));
    }
}

/// Splits a body at `{{role "..."}}` markers into `(role, text, first line)`; text before
/// the first marker (or a body without markers) is a user message. Blank parts are dropped.
fn split_roles(body: &str, body_line: usize) -> Result<Vec<Part<'_>>, (usize, String)> {
    let mut parts = Vec::new();
    let mut role = Role::User;
    let mut start = 0;
    let mut search = 0;
    while let Some(rel) = body.get(search..).and_then(|s| s.find("{{")) {
        let open = search + rel;
        let after = body.get(open + 2..).unwrap_or_default();
        let Some(close) = after.find("}}") else { break };
        let inner = after.get(..close).unwrap_or_default().trim();
        search = open + 2 + close + 2;
        let Some(arg) = inner
            .strip_prefix("role")
            .filter(|a| a.starts_with([' ', '\t']))
        else {
            continue;
        };
        let line = body_line + body.get(..open).unwrap_or_default().matches('\n').count();
        let name = arg.trim().trim_matches(|c| c == '"' || c == '\'');
        let next = role_of(name).ok_or_else(|| {
            (
                line,
                format!("unknown role `{name}` (expected system, user, model or assistant)"),
            )
        })?;
        push_part(body, body_line, role, start, open, &mut parts);
        role = next;
        start = search;
    }
    push_part(body, body_line, role, start, body.len(), &mut parts);
    Ok(parts)
}

impl PromptFile {
    /// Parses the text of a Dotprompt-style file. `name` names the prompt (and the file in
    /// errors). Every error is a [`PromptError::Parse`] with the line it concerns.
    pub fn parse(name: &str, text: &str) -> Result<Self, PromptError> {
        Self::parse_inner(name, text).map_err(|(line, message)| PromptError::Parse {
            file: name.to_owned(),
            line,
            message,
        })
    }

    /// Reads and parses a file; the prompt's name is the file stem. A `.prompty` file is
    /// imported with [`PromptFile::from_prompty`].
    pub fn load(path: impl AsRef<Path>) -> Result<Self, PromptError> {
        let path = path.as_ref();
        let shown = path.display().to_string();
        let bytes = std::fs::read(path).map_err(|e| PromptError::Io {
            path: shown.clone(),
            source: Arc::new(e),
        })?;
        let text = String::from_utf8(bytes).map_err(|e| PromptError::Parse {
            file: shown.clone(),
            line: 1,
            message: format!("not UTF-8: {e}"),
        })?;
        let name = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let parsed = if path.extension().is_some_and(|e| e == "prompty") {
            Self::from_prompty(&name, &text)
        } else {
            Self::parse(&name, &text)
        };
        parsed.map_err(|e| match e {
            PromptError::Parse { line, message, .. } => PromptError::Parse {
                file: shown,
                line,
                message,
            },
            other => other,
        })
    }

    fn parse_inner(name: &str, text: &str) -> Result<Self, (usize, String)> {
        let split = split_front_matter(text)?;
        let (front_text, first) = split.front.unwrap_or(("", 2));
        let mut front = parse_yaml(front_text, first)?;
        let at = |key: &str| key_line(front_text, first, key);
        if let Some(key) = front
            .keys()
            .find(|k| !KNOWN_KEYS.contains(&k.as_str()) && !k.starts_with("ext."))
        {
            return Err((at(key), format!("unknown front-matter key `{key}`")));
        }
        let string = |front: &mut Map<String, Value>, key: &str| match front.remove(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err((at(key), format!("`{key}` must be a string, found {other}"))),
        };
        let model = string(&mut front, "model")?;
        let author = string(&mut front, "author")?;
        let reason = string(&mut front, "reason")?;
        let version = match front.remove("version") {
            None | Some(Value::Null) => 1,
            Some(v) => v
                .as_u64()
                .and_then(|n| u32::try_from(n).ok())
                .filter(|n| *n > 0)
                .ok_or_else(|| {
                    (
                        at("version"),
                        format!("`version` must be a positive integer, found {v}"),
                    )
                })?,
        };
        let created = string(&mut front, "created")?
            .map(|s| {
                DateTime::parse_from_rfc3339(&s)
                    .map(|d| d.with_timezone(&Utc))
                    .map_err(|e| {
                        (
                            at("created"),
                            format!("`created` is not RFC 3339 ({s}): {e}"),
                        )
                    })
            })
            .transpose()?;
        let format = match string(&mut front, "template_format")? {
            None => TemplateFormat::default(),
            Some(s) => TemplateFormat::parse(&s).ok_or_else(|| {
                (
                    at("template_format"),
                    format!("unknown template_format `{s}` (expected mustache or jinja)"),
                )
            })?,
        };
        let config = match front.remove("config") {
            None | Some(Value::Null) => Map::new(),
            Some(Value::Object(m)) => m,
            Some(other) => {
                return Err((
                    at("config"),
                    format!("`config` must be a map, found {other}"),
                ));
            }
        };
        let tools = match front.remove("tools") {
            None | Some(Value::Null) => Vec::new(),
            Some(Value::Array(t)) => t,
            Some(other) => {
                return Err((
                    at("tools"),
                    format!("`tools` must be a list, found {other}"),
                ));
            }
        };
        let input = match front.remove("input") {
            None | Some(Value::Null) => InputSchema::default(),
            Some(Value::Object(mut m)) => {
                let defaults = match m.remove("default") {
                    None | Some(Value::Null) => BTreeMap::new(),
                    Some(Value::Object(d)) => d.into_iter().collect(),
                    Some(_) => {
                        return Err((at("input"), "`input.default` must be a map".to_owned()));
                    }
                };
                InputSchema::from_picoschema(m.get("schema"), defaults)
                    .map_err(|e| (at("input"), format!("input schema: {e}")))?
            }
            Some(_) => {
                return Err((
                    at("input"),
                    "`input` must be a map with `schema`/`default`".to_owned(),
                ));
            }
        };
        let messages = split_roles(split.body, split.body_line)?
            .into_iter()
            .map(|(role, source, line)| {
                MessageTemplate::compile(role, source.to_owned(), line, format)
            })
            .collect::<Result<Vec<_>, _>>()?;
        check_declared(&input, &messages)?;
        Ok(PromptFile {
            name: name.to_owned(),
            version,
            model,
            config,
            input,
            tools,
            format,
            messages,
            author,
            reason,
            created,
            content_hash: content_hash(text.as_bytes()),
        })
    }
}

/// With a schema declared, a logic-less template may only use declared variables.
pub(crate) fn check_declared(
    input: &InputSchema,
    messages: &[MessageTemplate],
) -> Result<(), (usize, String)> {
    let Some(schema) = &input.schema else {
        return Ok(());
    };
    if schema.wildcard.is_some() {
        return Ok(());
    }
    for m in messages {
        for (var, line) in m.variables() {
            if !schema.fields.contains_key(var) {
                return Err((
                    line,
                    format!("template uses `{var}`, which the input schema does not declare"),
                ));
            }
        }
    }
    Ok(())
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
    use proptest::prelude::*;

    fn line_of(err: PromptError) -> usize {
        match err {
            PromptError::Parse { line, .. } => line,
            other => panic!("not a parse error: {other}"),
        }
    }

    #[test]
    fn no_front_matter_is_one_user_message() {
        let f = PromptFile::parse("p", "Hello there\n").unwrap();
        assert_eq!(f.version, 1);
        assert_eq!(f.messages.len(), 1);
        assert_eq!(f.messages[0].role(), Role::User);
        assert_eq!(f.messages[0].line(), 1);
    }

    #[test]
    fn role_markers_split_messages() {
        let text = "---\nversion: 2\n---\n{{role \"system\"}}\nsys\n\n{{ role 'user' }}\nhi\n{{role \"model\"}}\nok\n{{role \"assistant\"}}\nagain";
        let f = PromptFile::parse("p", text).unwrap();
        let roles: Vec<_> = f
            .messages
            .iter()
            .map(|m| (m.role(), m.source(), m.line()))
            .collect();
        assert_eq!(
            roles,
            vec![
                (Role::System, "sys", 5),
                (Role::User, "hi", 8),
                (Role::Assistant, "ok", 10),
                (Role::Assistant, "again", 12),
            ]
        );
    }

    #[test]
    fn text_before_first_marker_is_user() {
        let f = PromptFile::parse("p", "intro\n{{role \"system\"}}\nrules").unwrap();
        assert_eq!(f.messages[0].role(), Role::User);
        assert_eq!(f.messages[1].role(), Role::System);
    }

    #[test]
    fn metadata_and_tools() {
        let text = "---\nname: p\nmodel: m\nauthor: ada\nreason: why\ncreated: 2025-02-01T10:00:00+01:00\ntools: [search, {name: calc}]\nconfig: {maxOutputTokens: 10, stopSequences: [x]}\next.team: core\n---\nhi";
        let f = PromptFile::parse("p", text).unwrap();
        assert_eq!(f.author.as_deref(), Some("ada"));
        assert_eq!(f.reason.as_deref(), Some("why"));
        assert_eq!(f.created.unwrap().to_rfc3339(), "2025-02-01T09:00:00+00:00");
        assert_eq!(f.tools.len(), 2);
        assert_eq!(f.config["maxOutputTokens"], 10);
    }

    #[test]
    fn errors_name_the_line() {
        let cases: &[(&str, usize)] = &[
            ("---\nmodel: m\n", 1),                                     // unclosed
            ("---\nmodel: m\nconfig: [a\n---\nx", 4),                   // yaml syntax
            ("---\nmodel: m\nverison: 2\n---\nx", 3),                   // unknown key
            ("---\nmodel: m\nversion: two\n---\nx", 3),                 // bad version
            ("---\n\ncreated: yesterday\n---\nx", 3),                   // bad date
            ("---\ntemplate_format: handlebars\n---\nx", 2),            // bad format
            ("---\ninput:\n  schema:\n    q: strng\n---\nx", 2),        // bad schema
            ("---\ninput:\n  schema:\n    q: string\n---\n\n{{r}}", 7), // undeclared var
            ("---\n---\n{{role \"robot\"}}\nx", 3),                     // bad role
            ("a\nb\n{{#if x}}y{{/if}}", 3),                             // logic in mustache
        ];
        for (text, line) in cases {
            let err = PromptFile::parse("p", text).unwrap_err();
            assert!(err.to_string().starts_with("p:"), "{err}");
            assert_eq!(line_of(err), *line, "{text:?}");
        }
    }

    #[test]
    fn content_hash_is_stable_and_sensitive() {
        let a = PromptFile::parse("p", "hello {{x}}").unwrap();
        let b = PromptFile::parse("other", "hello {{x}}").unwrap();
        let c = PromptFile::parse("p", "hello {{x}} ").unwrap();
        assert_eq!(a.content_hash, b.content_hash);
        assert_ne!(a.content_hash, c.content_hash);
        assert_eq!(
            content_hash(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn load_reads_files_and_names_them() {
        let dir = std::env::temp_dir().join(format!("llmops-prompts-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("greet.prompt");
        std::fs::write(&path, "---\nversion: 4\n---\nHi {{who}}").unwrap();
        let f = PromptFile::load(&path).unwrap();
        assert_eq!((f.name.as_str(), f.version), ("greet", 4));
        assert_eq!(f.content_hash, content_hash(&std::fs::read(&path).unwrap()));
        std::fs::write(&path, "---\nversion: x\n---\n").unwrap();
        let err = PromptFile::load(&path).unwrap_err();
        assert!(err.to_string().contains("greet.prompt:2:"), "{err}");
        assert!(matches!(
            PromptFile::load(dir.join("nope.prompt")),
            Err(PromptError::Io { .. })
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    proptest! {
        #[test]
        fn arbitrary_text_never_panics(text in "\\PC*") {
            let _ = PromptFile::parse("p", &text);
            let _ = PromptFile::from_prompty("p", &text);
        }

        #[test]
        fn structured_noise_never_panics(
            parts in proptest::collection::vec(
                prop_oneof![
                    Just("---\n".to_owned()), Just("{{".to_owned()), Just("}}".to_owned()),
                    Just("{{role \"system\"}}".to_owned()), Just("template_format: jinja\n".to_owned()),
                    Just("system:\n".to_owned()), Just("\n".to_owned()), "[a-z: {}%#?()]{0,8}",
                ],
                0..24,
            )
        ) {
            let text = parts.concat();
            let _ = PromptFile::parse("p", &text);
            let _ = PromptFile::from_prompty("p", &text);
        }
    }
}
