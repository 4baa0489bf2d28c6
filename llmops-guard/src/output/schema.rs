//! [`SchemaGuard`]: JSON-schema validity of structured output.

use std::sync::Arc;

use jsonschema::Validator;
use llmops_core::{Finding, GuardInput, Guardrail, TextSource, Verdict};
use serde_json::Value;

use super::error::OutputError;
use crate::detector::Detector;

/// Category of output that is not JSON or fails its schema.
pub const SCHEMA: &str = "output.schema";

/// What the guard does with output that fails.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum SchemaAction {
    /// Refuse the answer (default).
    #[default]
    Block,
    /// Deliver it, record the failure.
    Flag,
}

/// Why an output failed: where and which rule, never the offending value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum SchemaFailure {
    /// The text is not JSON.
    NotJson {
        /// Line of the syntax error (1-based).
        line: usize,
        /// Column of the syntax error (1-based).
        column: usize,
    },
    /// The JSON fails the schema.
    Invalid {
        /// JSON pointer to the failing value (`/items/0/price`; `/` for the root).
        path: String,
        /// The schema keyword that failed (`type`, `required`, `enum` ...).
        keyword: String,
        /// How many errors the validator reported in all.
        errors: usize,
    },
}

impl std::fmt::Display for SchemaFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SchemaFailure::NotJson { line, column } => {
                write!(
                    f,
                    "output is not JSON (syntax error at line {line}, column {column})"
                )
            }
            SchemaFailure::Invalid {
                path,
                keyword,
                errors,
            } => {
                write!(f, "output fails its JSON schema at {path} ({keyword})")?;
                if *errors > 1 {
                    write!(f, " and {} more", errors - 1)?;
                }
                Ok(())
            }
        }
    }
}

/// Checks that the model's structured output is JSON valid against a schema (drafts 4 to
/// 2020-12, compiled once by the `jsonschema` crate; no remote `$ref`s are fetched).
///
/// It needs the whole text, so it is a [`Guardrail`] (a `Block` or `Flag` verdict with
/// the failing path and keyword in the reason, never the value) and a [`Detector`] whose
/// [`max_match_len`](Detector::max_match_len) is `None`: a stream tap holds the whole output
/// before releasing it. Only [`TextSource::Output`] is checked; other sources are allowed.
/// With [`strip_fence`](Self::strip_fence) a surrounding markdown code fence (```` ```json ````
/// ... ```` ``` ````) is removed first.
///
/// ```
/// use llmops_core::{GuardInput, Guardrail, TextSource, Verdict};
/// use llmops_guard::output::SchemaGuard;
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let schema = serde_json::json!({
///     "type": "object",
///     "required": ["sku", "qty"],
///     "properties": { "sku": {"type": "string"}, "qty": {"type": "integer", "minimum": 1} }
/// });
/// let guard = SchemaGuard::new(&schema)?.strip_fence(true);
/// let ok = GuardInput::new("```json\n{\"sku\": \"A-1\", \"qty\": 2}\n```", TextSource::Output);
/// assert_eq!(guard.check(&ok).await?, Verdict::Allow);
/// let bad = GuardInput::new(r#"{"sku": "A-1", "qty": 0}"#, TextSource::Output);
/// match guard.check(&bad).await? {
///     Verdict::Block { category, reason, .. } => {
///         assert_eq!(category, "output.schema");
///         assert_eq!(reason, "output fails its JSON schema at /qty (minimum)");
///     }
///     other => panic!("{other:?}"),
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct SchemaGuard {
    name: String,
    validator: Arc<Validator>,
    strip_fence: bool,
    action: SchemaAction,
}

impl SchemaGuard {
    /// A guard for `schema` (compiled now; an invalid schema is an error). Named `schema`,
    /// blocking, fences not stripped.
    pub fn new(schema: &Value) -> Result<Self, OutputError> {
        let validator = jsonschema::validator_for(schema)
            .map_err(|e| OutputError::InvalidSchema(e.to_string()))?;
        Ok(SchemaGuard {
            name: "schema".to_owned(),
            validator: Arc::new(validator),
            strip_fence: false,
            action: SchemaAction::Block,
        })
    }

    /// The guard's name in records (default `schema`).
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Whether a markdown code fence around the JSON is removed before parsing.
    #[must_use]
    pub fn strip_fence(mut self, on: bool) -> Self {
        self.strip_fence = on;
        self
    }

    /// Block (default) or flag failing output.
    #[must_use]
    pub fn action(mut self, action: SchemaAction) -> Self {
        self.action = action;
        self
    }

    /// Checks `text`: `Ok` when it is JSON valid against the schema.
    pub fn validate(&self, text: &str) -> Result<(), SchemaFailure> {
        let body = if self.strip_fence {
            unfence(text)
        } else {
            text
        };
        let value: Value = serde_json::from_str(body).map_err(|e| SchemaFailure::NotJson {
            line: e.line(),
            column: e.column(),
        })?;
        let mut errors = self.validator.iter_errors(&value);
        let Some(first) = errors.next() else {
            return Ok(());
        };
        let path = first.instance_path().to_string();
        Err(SchemaFailure::Invalid {
            path: if path.is_empty() {
                "/".to_owned()
            } else {
                path
            },
            keyword: first.kind().keyword().to_owned(),
            errors: 1 + errors.count(),
        })
    }

    /// The verdict on `text` from `source` (what [`Guardrail::check`] returns).
    pub fn verdict(&self, text: &str, source: TextSource) -> Verdict {
        if source != TextSource::Output {
            return Verdict::Allow;
        }
        match self.validate(text) {
            Ok(()) => Verdict::Allow,
            Err(failure) => {
                let findings = vec![Finding::new(SCHEMA, 0, text.len(), 1.0)];
                match self.action {
                    SchemaAction::Block => Verdict::Block {
                        category: SCHEMA.to_owned(),
                        reason: failure.to_string(),
                        findings,
                    },
                    SchemaAction::Flag => Verdict::Flag { findings },
                }
            }
        }
    }
}

/// The body of a fenced code block (```` ```json ```` or ```` ``` ````, optional info string),
/// or the trimmed text when it is not fenced.
fn unfence(text: &str) -> &str {
    let t = text.trim();
    let Some(rest) = t.strip_prefix("```") else {
        return t;
    };
    let Some(body) = rest.strip_suffix("```") else {
        return t;
    };
    // drop the info string (`json`, `JSON`, `jsonc` ...) up to the first line break
    match body.find('\n') {
        Some(nl) => body.get(nl + 1..).unwrap_or("").trim(),
        None => body.trim(),
    }
}

#[async_trait::async_trait]
impl Guardrail for SchemaGuard {
    fn name(&self) -> &str {
        &self.name
    }

    async fn check(&self, input: &GuardInput<'_>) -> llmops_core::Result<Verdict> {
        Ok(self.verdict(input.text, input.source))
    }
}

impl Detector for SchemaGuard {
    fn name(&self) -> &str {
        &self.name
    }

    /// One finding over the whole text when the output fails (score 1).
    fn scan(&self, text: &str, source: TextSource, out: &mut Vec<Finding>) {
        if source == TextSource::Output && self.validate(text).is_err() {
            out.push(Finding::new(SCHEMA, 0, text.len(), 1.0));
        }
    }

    /// `None`: validity is a property of the whole text.
    fn max_match_len(&self) -> Option<usize> {
        None
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use serde_json::json;

    fn guard() -> SchemaGuard {
        SchemaGuard::new(&json!({
            "type": "object",
            "required": ["name", "items"],
            "properties": {
                "name": {"type": "string"},
                "items": {"type": "array", "items": {
                    "type": "object",
                    "required": ["price"],
                    "properties": {"price": {"type": "number"}}
                }}
            }
        }))
        .unwrap()
    }

    #[test]
    fn failures_name_path_and_keyword_not_value() {
        let g = guard();
        let secret = "s3cr3t-value-in-output";
        let bad = format!(r#"{{"name": "a", "items": [{{"price": "{secret}"}}]}}"#);
        let f = g.validate(&bad).unwrap_err();
        assert_eq!(
            f,
            SchemaFailure::Invalid {
                path: "/items/0/price".into(),
                keyword: "type".into(),
                errors: 1
            }
        );
        match g.verdict(&bad, TextSource::Output) {
            Verdict::Block { reason, .. } => assert!(!reason.contains(secret), "{reason}"),
            other => panic!("{other:?}"),
        }
        let missing = g.validate(r#"{"name": "a"}"#).unwrap_err();
        assert!(
            matches!(missing, SchemaFailure::Invalid { ref keyword, .. } if keyword == "required")
        );
        assert_eq!(
            missing.to_string(),
            "output fails its JSON schema at / (required)"
        );
    }

    #[test]
    fn not_json_reports_position_only() {
        let g = guard();
        let f = g
            .validate("{\"name\": \"a\",\n oops password123}")
            .unwrap_err();
        assert!(matches!(f, SchemaFailure::NotJson { line: 2, .. }));
        assert!(!f.to_string().contains("password123"));
    }

    #[test]
    fn fences_are_stripped_only_when_asked() {
        let text = "```json\n{\"name\": \"a\", \"items\": []}\n```";
        assert!(guard().validate(text).is_err());
        assert!(guard().strip_fence(true).validate(text).is_ok());
        assert!(
            guard()
                .strip_fence(true)
                .validate("```\n{\"name\": \"a\", \"items\": []}```")
                .is_ok()
        );
        assert_eq!(unfence("  {\"a\":1} "), "{\"a\":1}");
    }

    #[test]
    fn flag_action_and_sources() {
        let g = guard().action(SchemaAction::Flag);
        assert_eq!(g.verdict("nope", TextSource::Output).action(), "flag");
        assert_eq!(g.verdict("nope", TextSource::ToolResult), Verdict::Allow);
        let mut out = Vec::new();
        Detector::scan(&g, "nope", TextSource::Output, &mut out);
        assert_eq!(
            (out[0].start, out[0].end, out[0].category.as_str()),
            (0, 4, SCHEMA)
        );
        assert_eq!(Detector::max_match_len(&g), None);
    }

    #[test]
    fn invalid_schema_is_an_error() {
        assert!(SchemaGuard::new(&json!({"type": 12})).is_err());
    }
}
