//! Message templates and strict rendering.
//!
//! Two syntaxes, chosen per prompt with `template_format`:
//!
//! - `mustache` (the default): logic-less `{{var}}` and dotted paths `{{customer.name}}`,
//!   the syntax Langfuse, MLflow and Phoenix prompts share. Anything else between `{{` and
//!   `}}` (sections, partials, helpers) is a load error naming the line.
//! - `jinja`: full Jinja2 through minijinja, with undefined values an error.
//!
//! Templates are parsed once, when the file is loaded.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use minijinja::{Environment, UndefinedBehavior};
use serde_json::Value;

use super::{PromptError, PromptFile};
use crate::types::{Message, Role};

/// The template syntax of a prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum TemplateFormat {
    /// Logic-less `{{var}}` / `{{a.b}}` substitution.
    #[default]
    Mustache,
    /// Jinja2 (minijinja) with strict undefined values.
    Jinja,
}

impl TemplateFormat {
    /// The name used in front matter (`mustache`, `jinja`).
    pub fn as_str(self) -> &'static str {
        match self {
            TemplateFormat::Mustache => "mustache",
            TemplateFormat::Jinja => "jinja",
        }
    }

    /// Parses a front-matter name; `jinja2` is accepted for `jinja`.
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "mustache" => Some(TemplateFormat::Mustache),
            "jinja" | "jinja2" => Some(TemplateFormat::Jinja),
            _ => None,
        }
    }
}

#[derive(Debug, Clone)]
enum Segment {
    Text(String),
    Var { path: Vec<String>, line: usize },
}

#[derive(Clone)]
enum Compiled {
    Mustache(Vec<Segment>),
    Jinja(Arc<Environment<'static>>),
}

impl fmt::Debug for Compiled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Compiled::Mustache(s) => f.debug_tuple("Mustache").field(s).finish(),
            Compiled::Jinja(_) => f.write_str("Jinja"),
        }
    }
}

const JINJA_NAME: &str = "message";

/// One message of a prompt: its role and its template, parsed at load.
#[derive(Debug, Clone)]
pub struct MessageTemplate {
    role: Role,
    source: String,
    line: usize,
    compiled: Compiled,
}

impl MessageTemplate {
    /// Parses `source` in `format`; `line` is the file line the template starts on, used in
    /// error messages. The error is `(line, message)`.
    pub(crate) fn compile(
        role: Role,
        source: String,
        line: usize,
        format: TemplateFormat,
    ) -> Result<Self, (usize, String)> {
        let compiled = match format {
            TemplateFormat::Mustache => Compiled::Mustache(parse_mustache(&source, line)?),
            TemplateFormat::Jinja => {
                let mut env = Environment::new();
                env.set_undefined_behavior(UndefinedBehavior::Strict);
                env.add_template_owned(JINJA_NAME, source.clone())
                    .map_err(|e| {
                        (
                            line + e.line().unwrap_or(1).saturating_sub(1),
                            e.to_string(),
                        )
                    })?;
                Compiled::Jinja(Arc::new(env))
            }
        };
        Ok(MessageTemplate {
            role,
            source,
            line,
            compiled,
        })
    }

    /// Who speaks this message.
    pub fn role(&self) -> Role {
        self.role
    }

    /// The template text.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The line of the file the template starts on (1-based).
    pub fn line(&self) -> usize {
        self.line
    }

    /// Top-level variables a logic-less template refers to (empty for Jinja).
    pub(crate) fn variables(&self) -> Vec<(&str, usize)> {
        match &self.compiled {
            Compiled::Mustache(segs) => segs
                .iter()
                .filter_map(|s| match s {
                    Segment::Var { path, line } => path.first().map(|p| (p.as_str(), *line)),
                    Segment::Text(_) => None,
                })
                .collect(),
            Compiled::Jinja(_) => Vec::new(),
        }
    }

    /// Renders with already-checked variables; the error is `(variable, message)`.
    fn render(&self, vars: &BTreeMap<String, Value>) -> Result<String, (String, String)> {
        match &self.compiled {
            Compiled::Mustache(segs) => {
                let mut out = String::with_capacity(self.source.len());
                for seg in segs {
                    match seg {
                        Segment::Text(t) => out.push_str(t),
                        Segment::Var { path, .. } => out.push_str(&lookup(vars, path)?),
                    }
                }
                Ok(out)
            }
            Compiled::Jinja(env) => {
                let tmpl = env
                    .get_template(JINJA_NAME)
                    .map_err(|e| (String::new(), e.to_string()))?;
                tmpl.render(minijinja::value::Serde(vars)).map_err(|e| {
                    let missing = tmpl
                        .undeclared_variables(false)
                        .into_iter()
                        .filter(|v| !vars.contains_key(v))
                        .min()
                        .unwrap_or_default();
                    (missing, format!("{e:#}"))
                })
            }
        }
    }
}

fn lookup(vars: &BTreeMap<String, Value>, path: &[String]) -> Result<String, (String, String)> {
    let dotted = path.join(".");
    let mut parts = path.iter();
    let first = parts.next().map(String::as_str).unwrap_or_default();
    let mut cur = vars
        .get(first)
        .ok_or_else(|| (dotted.clone(), "variable is not defined".to_owned()))?;
    for part in parts {
        cur = cur
            .get(part.as_str())
            .ok_or_else(|| (dotted.clone(), format!("no field `{part}` in the value")))?;
    }
    match cur {
        Value::String(s) => Ok(s.clone()),
        Value::Null => Err((dotted, "value is null; nothing to render".to_owned())),
        other => Ok(other.to_string()),
    }
}

fn is_ident(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

fn parse_mustache(source: &str, start_line: usize) -> Result<Vec<Segment>, (usize, String)> {
    let mut segs = Vec::new();
    let mut rest = source;
    let mut line = start_line;
    while let Some(open) = rest.find("{{") {
        let (text, after) = rest.split_at(open);
        line += text.matches('\n').count();
        if !text.is_empty() {
            segs.push(Segment::Text(text.to_owned()));
        }
        let after = after.get(2..).unwrap_or_default();
        let close = after
            .find("}}")
            .ok_or_else(|| (line, "`{{` is never closed with `}}`".to_owned()))?;
        let (inner, tail) = after.split_at(close);
        let name = inner.trim();
        let path: Vec<String> = name.split('.').map(str::to_owned).collect();
        if inner.contains('\n') || !path.iter().all(|p| is_ident(p)) {
            return Err((
                line,
                format!(
                    "`{{{{{inner}}}}}` is not a variable: logic-less templates allow only {{{{name}}}} and {{{{a.b}}}} (use template_format: jinja for logic)"
                ),
            ));
        }
        segs.push(Segment::Var { path, line });
        rest = tail.get(2..).unwrap_or_default();
    }
    if !rest.is_empty() {
        segs.push(Segment::Text(rest.to_owned()));
    }
    Ok(segs)
}

/// Renders every message of `prompt` with `vars`: defaults are applied, then the variables
/// are checked against the declared schema, then the templates run. A missing, mistyped or
/// undeclared variable is a [`PromptError::Render`] naming the prompt, version and variable;
/// nothing renders as an empty string.
///
/// ```
/// use std::collections::BTreeMap;
/// use llmops_core::prompts::{render, PromptFile, PromptError};
/// let file = PromptFile::parse("greet", "---\nversion: 2\ninput:\n  schema:\n    who: string\n---\n{{role \"system\"}}\nBe brief.\n{{role \"user\"}}\nHello {{who}}")?;
/// let mut vars = BTreeMap::new();
/// vars.insert("who".to_string(), serde_json::json!("Ada"));
/// let messages = render(&file, &vars)?;
/// assert_eq!(messages[1].text(), "Hello Ada");
///
/// let err = render(&file, &BTreeMap::new()).unwrap_err();
/// assert!(matches!(err, PromptError::Render { ref variable, version: 2, .. } if variable == "who"));
/// # Ok::<(), PromptError>(())
/// ```
pub fn render(
    prompt: &PromptFile,
    vars: &BTreeMap<String, Value>,
) -> Result<Vec<Message>, PromptError> {
    render_iter(prompt, vars.iter())
}

/// [`render`] over any `(name, value)` pairs.
pub(crate) fn render_iter<'a>(
    prompt: &PromptFile,
    vars: impl Iterator<Item = (&'a String, &'a Value)>,
) -> Result<Vec<Message>, PromptError> {
    let fail = |variable: String, message: String| PromptError::Render {
        prompt: prompt.name.clone(),
        version: prompt.version,
        variable,
        message,
    };
    let merged = prompt
        .input
        .apply_iter(vars)
        .map_err(|v| fail(v.variable, v.message))?;
    prompt
        .messages
        .iter()
        .map(|m| {
            m.render(&merged)
                .map(|text| Message::new(m.role, text))
                .map_err(|(var, msg)| fail(var, msg))
        })
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

    fn vars(v: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(v).unwrap()
    }

    fn variable(err: PromptError) -> String {
        match err {
            PromptError::Render {
                prompt,
                version,
                variable,
                ..
            } => {
                assert_eq!((prompt.as_str(), version), ("p", 3));
                variable
            }
            other => panic!("not a render error: {other}"),
        }
    }

    const SCHEMA: &str = "---\nversion: 3\ninput:\n  schema:\n    q: string\n    n?: integer\n    user(object):\n      name: string\n  default:\n    n: 5\n";

    #[test]
    fn mustache_renders_paths_and_defaults() {
        let f = PromptFile::parse(
            "p",
            &format!("{SCHEMA}---\n{{{{q}}}} {{{{ user.name }}}} {{{{n}}}}"),
        )
        .unwrap();
        let out = render(&f, &vars(json!({"q": "hi", "user": {"name": "Ada"}}))).unwrap();
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].role, Role::User);
        assert_eq!(out[0].text(), "hi Ada 5");
    }

    #[test]
    fn strict_errors_in_both_modes() {
        for format in ["mustache", "jinja"] {
            let text =
                format!("{SCHEMA}template_format: {format}\n---\n{{{{q}}}} {{{{user.name}}}}");
            let f = PromptFile::parse("p", &text).unwrap();
            let ok = json!({"q": "hi", "user": {"name": "Ada"}});
            assert_eq!(render(&f, &vars(ok)).unwrap()[0].text(), "hi Ada");
            let missing = render(&f, &vars(json!({"user": {"name": "Ada"}}))).unwrap_err();
            assert_eq!(variable(missing), "q");
            let mistyped = render(&f, &vars(json!({"q": 1, "user": {"name": "Ada"}}))).unwrap_err();
            assert_eq!(variable(mistyped), "q");
            let unknown =
                render(&f, &vars(json!({"q": "x", "user": {"name": "A"}, "zz": 1}))).unwrap_err();
            assert_eq!(variable(unknown), "zz");
            let nested = render(&f, &vars(json!({"q": "x", "user": {}}))).unwrap_err();
            assert_eq!(variable(nested), "user.name");
        }
    }

    #[test]
    fn without_schema_undefined_is_an_error() {
        for format in ["mustache", "jinja"] {
            let text = format!("---\nversion: 3\ntemplate_format: {format}\n---\nHi {{{{who}}}}");
            let f = PromptFile::parse("p", &text).unwrap();
            assert_eq!(variable(render(&f, &BTreeMap::new()).unwrap_err()), "who");
            let out = render(&f, &vars(json!({"who": "Bo"}))).unwrap();
            assert_eq!(out[0].text(), "Hi Bo");
        }
    }

    #[test]
    fn jinja_logic_works() {
        let text =
            "---\ntemplate_format: jinja\n---\n{% for t in tags %}[{{ t|upper }}]{% endfor %}";
        let f = PromptFile::parse("p", text).unwrap();
        let out = render(&f, &vars(json!({"tags": ["a", "b"]}))).unwrap();
        assert_eq!(out[0].text(), "[A][B]");
    }

    #[test]
    fn null_renders_as_error_not_empty() {
        let f = PromptFile::parse("p", "---\nversion: 3\n---\n{{x}}").unwrap();
        assert_eq!(
            variable(render(&f, &vars(json!({"x": null}))).unwrap_err()),
            "x"
        );
    }

    #[test]
    fn logic_in_mustache_is_a_load_error_with_line() {
        let err = PromptFile::parse("p", "---\nversion: 1\n---\nline one\n{{#items}}x{{/items}}")
            .unwrap_err();
        assert!(matches!(err, PromptError::Parse { line: 5, .. }), "{err}");
        let err = PromptFile::parse("p", "hello\n\n{{ unclosed").unwrap_err();
        assert!(matches!(err, PromptError::Parse { line: 3, .. }), "{err}");
    }

    #[test]
    fn jinja_syntax_error_names_the_line() {
        let err = PromptFile::parse(
            "p",
            "---\ntemplate_format: jinja\n---\n{{role \"system\"}}\nok\n{% if x %}\nnever closed",
        )
        .unwrap_err();
        assert!(
            matches!(err, PromptError::Parse { line, .. } if (6..=7).contains(&line)),
            "{err}"
        );
    }
}
