//! [`ToolRule`]: who may call one tool, with which arguments, how often, and whether a human
//! approves first; and its compiled form.

use std::fmt::Write;

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::{PatternOptions, ValidationError, Validator};
use serde_json::Value;

use super::constraint::{Compiled, Constraint};
use super::error::PolicyError;
use super::limit::{MAX_RATE_LIMITS, ToolRateLimit};
use super::text::Clipped;

/// The role that stands for every caller, also one without roles.
pub const EVERYONE: &str = "*";

/// What the policy allows for one tool.
///
/// - [`roles`](Self::roles): the caller roles that may call it (`*`: every caller, also an
///   unknown one); a caller needs one of them. A tool without a rule is denied to everyone.
/// - argument checks: the tool's JSON Schema (its [`ToolSpec`](llmops_core::ToolSpec)
///   `parameters`, given to the [builder](super::ToolPolicyBuilder::spec), or
///   [`schema`](Self::schema) here), the most bytes of argument text, the longest string
///   anywhere in the arguments, and [`Constraint`]s at JSON pointers;
/// - [`rate_limits`](Self::rate_limits): up to [`MAX_RATE_LIMITS`], all taken or none;
/// - [`approval`](Self::approval): a reason to ask an [`Approver`](llmops_core::Approver)
///   (only for calls that passed every other check).
///
/// ```
/// use llmops_guard::policy::{Constraint, ToolRateLimit, ToolRule};
/// let rule = ToolRule::new("send_email")
///     .roles(["support", "admin"])
///     .max_args_bytes(4096)
///     .constraint(Constraint::at("/to").suffix("@ourcompany.com"))
///     .rate_limit(ToolRateLimit::per_minute(5))
///     .require_approval("e-mail leaves the company");
/// assert_eq!(rule.roles, ["support", "admin"]);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ToolRule {
    /// The tool's name.
    pub name: String,
    /// Roles that may call it; [`EVERYONE`] (`*`) for every caller.
    pub roles: Vec<String>,
    /// The arguments' JSON Schema (else the one of the tool's spec, when given).
    pub schema: Option<Value>,
    /// The most bytes of argument text.
    pub max_args_bytes: Option<usize>,
    /// The most characters of any string (value or key) in the arguments.
    pub max_string_len: Option<usize>,
    /// Constraints on argument values.
    pub constraints: Vec<Constraint>,
    /// Rate limits, all taken or none.
    pub rate_limits: Vec<ToolRateLimit>,
    /// When set, calls need approval, for this reason.
    pub approval: Option<String>,
    /// Where the rule was written (`policy.toml:12`), for errors.
    pub(crate) origin: Option<String>,
}

impl ToolRule {
    /// A rule for the tool `name` that allows nobody yet.
    pub fn new(name: impl Into<String>) -> Self {
        ToolRule {
            name: name.into(),
            ..ToolRule::default()
        }
    }

    /// Allows a role.
    #[must_use]
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.roles.push(role.into());
        self
    }

    /// Allows these roles.
    #[must_use]
    pub fn roles<R: Into<String>>(mut self, roles: impl IntoIterator<Item = R>) -> Self {
        self.roles.extend(roles.into_iter().map(Into::into));
        self
    }

    /// Allows every caller, also one without roles.
    #[must_use]
    pub fn everyone(self) -> Self {
        self.role(EVERYONE)
    }

    /// Validates arguments against this JSON Schema.
    #[must_use]
    pub fn schema(mut self, schema: Value) -> Self {
        self.schema = Some(schema);
        self
    }

    /// Refuses argument text over `n` bytes (before parsing it).
    #[must_use]
    pub fn max_args_bytes(mut self, n: usize) -> Self {
        self.max_args_bytes = Some(n);
        self
    }

    /// Refuses arguments holding a string (value or key) over `n` characters.
    #[must_use]
    pub fn max_string_len(mut self, n: usize) -> Self {
        self.max_string_len = Some(n);
        self
    }

    /// Adds a constraint.
    #[must_use]
    pub fn constraint(mut self, c: Constraint) -> Self {
        self.constraints.push(c);
        self
    }

    /// Adds a rate limit.
    #[must_use]
    pub fn rate_limit(mut self, l: ToolRateLimit) -> Self {
        self.rate_limits.push(l);
        self
    }

    /// Calls need approval, for this reason.
    #[must_use]
    pub fn require_approval(mut self, reason: impl Into<String>) -> Self {
        self.approval = Some(reason.into());
        self
    }

    pub(crate) fn located(mut self, origin: String) -> Self {
        self.origin = Some(origin);
        self
    }

    pub(crate) fn rule_error(&self, message: impl Into<String>) -> PolicyError {
        PolicyError::Rule {
            tool: self.name.clone(),
            at: self
                .origin
                .as_ref()
                .map(|o| format!(" ({o})"))
                .unwrap_or_default(),
            message: message.into(),
        }
    }

    /// Checks everything but the schema; the error says what is wrong.
    pub(crate) fn check(&self) -> Result<Box<[Compiled]>, String> {
        if self.name.is_empty() {
            return Err("the tool name is empty".into());
        }
        if self.roles.is_empty() {
            return Err(format!(
                "`roles` is empty, so nobody could call the tool: list roles, or \"{EVERYONE}\" for every caller"
            ));
        }
        if self.roles.iter().any(String::is_empty) {
            return Err("a role name is empty".into());
        }
        if self.max_args_bytes == Some(0) {
            return Err("`max_args_bytes` must be above zero".into());
        }
        if self.rate_limits.len() > MAX_RATE_LIMITS {
            return Err(format!(
                "{} rate limits; a tool may have at most {MAX_RATE_LIMITS}",
                self.rate_limits.len()
            ));
        }
        for l in &self.rate_limits {
            l.validate()?;
        }
        self.constraints.iter().map(Constraint::compile).collect()
    }

    /// Compiles the rule; `spec_schema` is the schema of the tool's spec, used when the rule
    /// has none of its own.
    pub(crate) fn compile(&self, spec_schema: Option<&Value>) -> Result<CompiledRule, PolicyError> {
        let constraints = self.check().map_err(|m| self.rule_error(m))?;
        let schema = match self.schema.as_ref().or(spec_schema) {
            None => None,
            Some(s) => Some(compile_schema(&self.name, s)?),
        };
        let mut roles: Vec<Box<str>> = self.roles.iter().map(|r| r.as_str().into()).collect();
        roles.sort_unstable();
        roles.dedup();
        Ok(CompiledRule {
            name: self.name.as_str().into(),
            everyone: roles.iter().any(|r| &**r == EVERYONE),
            roles: roles.into_boxed_slice(),
            schema,
            max_args_bytes: self.max_args_bytes,
            max_string_len: self.max_string_len,
            constraints,
            limits: self.rate_limits.clone().into_boxed_slice(),
            approval: self.approval.as_ref().map(|r| {
                if r.trim().is_empty() {
                    format!("tool `{}` is high-risk and needs approval", self.name)
                } else {
                    r.clone()
                }
            }),
        })
    }
}

/// Compiles a tool's argument schema with linear-time patterns and no remote references.
pub(crate) fn compile_schema(tool: &str, schema: &Value) -> Result<Validator, PolicyError> {
    let err = |message: String| PolicyError::Schema {
        tool: tool.to_owned(),
        message,
    };
    if !matches!(schema, Value::Object(_) | Value::Bool(_)) {
        return Err(err("a JSON Schema is an object or a boolean".to_owned()));
    }
    jsonschema::options()
        .with_pattern_options(PatternOptions::regex())
        .build(schema)
        .map_err(|e| err(e.to_string()))
}

/// A rule ready to decide.
#[derive(Debug)]
pub(crate) struct CompiledRule {
    pub(crate) name: Box<str>,
    everyone: bool,
    roles: Box<[Box<str>]>,
    schema: Option<Validator>,
    max_args_bytes: Option<usize>,
    max_string_len: Option<usize>,
    constraints: Box<[Compiled]>,
    pub(crate) limits: Box<[ToolRateLimit]>,
    pub(crate) approval: Option<String>,
}

impl CompiledRule {
    /// Whether a caller with `roles` may call the tool.
    pub(crate) fn admits(&self, roles: &[String]) -> bool {
        self.everyone
            || roles.iter().any(|r| {
                self.roles
                    .binary_search_by(|x| (**x).cmp(r.as_str()))
                    .is_ok()
            })
    }

    fn needs_value(&self) -> bool {
        self.schema.is_some() || self.max_string_len.is_some() || !self.constraints.is_empty()
    }

    /// Checks the argument text; the error is the reason of a denial.
    pub(crate) fn check_args(&self, text: &str) -> Result<(), String> {
        let tool = Clipped(&self.name);
        if let Some(max) = self.max_args_bytes
            && text.len() > max
        {
            return Err(format!(
                "arguments of `{tool}` are {} bytes, over the limit of {max}",
                text.len()
            ));
        }
        let text = match text.trim() {
            "" => "{}",
            t => t,
        };
        let not_json = |e: serde_json::Error| {
            format!(
                "arguments of `{tool}` are not valid JSON ({} at line {}, column {})",
                match e.classify() {
                    serde_json::error::Category::Eof => "unexpected end",
                    _ => "syntax error",
                },
                e.line(),
                e.column()
            )
        };
        if !self.needs_value() {
            return serde_json::from_str::<serde::de::IgnoredAny>(text)
                .map(|_| ())
                .map_err(not_json);
        }
        let args: Value = serde_json::from_str(text).map_err(not_json)?;
        if let Some(schema) = &self.schema
            && !schema.is_valid(&args)
        {
            return Err(match schema.validate(&args) {
                Err(e) => schema_reason(&self.name, &e),
                Ok(()) => format!("arguments of `{tool}` fail the tool's schema"),
            });
        }
        if let Some(limit) = self.max_string_len
            && let Some(path) = long_string(&args, limit)
        {
            return Err(format!(
                "argument `{}` of `{tool}` holds a string longer than {limit} characters",
                Clipped(&path)
            ));
        }
        for c in &self.constraints {
            c.check(&args)
                .map_err(|v| format!("argument `{}` of `{tool}` {v}", Clipped(c.at())))?;
        }
        Ok(())
    }
}

/// The reason for a schema failure: where, which keyword, and the schema's own limit (never
/// the value).
fn schema_reason(tool: &str, e: &ValidationError<'_>) -> String {
    let path = e.instance_path().to_string();
    let mut detail = String::new();
    let _ = match e.kind() {
        ValidationErrorKind::Required { property } => match property.as_str() {
            Some(p) => write!(detail, " (missing `{}`)", Clipped(p)),
            None => Ok(()),
        },
        ValidationErrorKind::Type { kind } => {
            detail.push_str(" (must be ");
            match kind {
                TypeKind::Single(t) => {
                    let _ = write!(detail, "{t}");
                }
                TypeKind::Multiple(set) => {
                    for (i, t) in set.iter().enumerate() {
                        let _ = write!(detail, "{}{t}", if i > 0 { " or " } else { "" });
                    }
                }
            }
            detail.push(')');
            Ok(())
        }
        ValidationErrorKind::AdditionalProperties { unexpected }
        | ValidationErrorKind::UnevaluatedProperties { unexpected } => {
            detail.push_str(" (unexpected ");
            for (i, k) in unexpected.iter().take(3).enumerate() {
                let _ = write!(detail, "{}`{}`", if i > 0 { ", " } else { "" }, Clipped(k));
            }
            if unexpected.len() > 3 {
                detail.push_str(", …");
            }
            detail.push(')');
            Ok(())
        }
        ValidationErrorKind::MaxLength { limit } => write!(detail, " (at most {limit} characters)"),
        ValidationErrorKind::MinLength { limit } => {
            write!(detail, " (at least {limit} characters)")
        }
        ValidationErrorKind::MaxItems { limit } => write!(detail, " (at most {limit} items)"),
        ValidationErrorKind::MinItems { limit } => write!(detail, " (at least {limit} items)"),
        ValidationErrorKind::Maximum { limit } => write!(detail, " (at most {limit})"),
        ValidationErrorKind::Minimum { limit } => write!(detail, " (at least {limit})"),
        ValidationErrorKind::ExclusiveMaximum { limit } => write!(detail, " (below {limit})"),
        ValidationErrorKind::ExclusiveMinimum { limit } => write!(detail, " (above {limit})"),
        ValidationErrorKind::Enum { .. } | ValidationErrorKind::Constant { .. } => {
            write!(detail, " (not an allowed value)")
        }
        _ => Ok(()),
    };
    let keyword = e.kind().keyword();
    if path.is_empty() {
        format!(
            "arguments of `{}` fail the schema rule `{keyword}`{detail}",
            Clipped(tool)
        )
    } else {
        format!(
            "argument `{}` of `{}` fails the schema rule `{keyword}`{detail}",
            Clipped(&path),
            Clipped(tool)
        )
    }
}

/// The JSON pointer of the first string (value or key) over `limit` characters, if any.
fn long_string(v: &Value, limit: usize) -> Option<String> {
    let long = |s: &str| s.len() > limit && s.chars().count() > limit;
    match v {
        Value::String(s) if long(s) => Some(String::new()),
        Value::Array(a) => a
            .iter()
            .enumerate()
            .find_map(|(i, x)| long_string(x, limit).map(|rest| format!("/{i}{rest}"))),
        Value::Object(m) => m.iter().find_map(|(k, x)| {
            let key = || k.replace('~', "~0").replace('/', "~1");
            if long(k) {
                return Some(format!("/{}", key()));
            }
            long_string(x, limit).map(|rest| format!("/{}{rest}", key()))
        }),
        _ => None,
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
    use serde_json::json;

    fn email_schema() -> Value {
        json!({
            "type": "object",
            "properties": {
                "to": { "type": "string", "maxLength": 200 },
                "subject": { "type": "string" },
                "body": { "type": "string" },
                "priority": { "type": "integer", "minimum": 1, "maximum": 5 }
            },
            "required": ["to", "body"],
            "additionalProperties": false
        })
    }

    fn rule() -> CompiledRule {
        ToolRule::new("send_email")
            .roles(["support"])
            .schema(email_schema())
            .constraint(Constraint::at("/to").suffix("@ourcompany.com"))
            .compile(None)
            .unwrap()
    }

    #[test]
    fn roles_deny_by_default() {
        let r = rule();
        assert!(r.admits(&["support".into()]));
        assert!(r.admits(&["viewer".into(), "support".into()]));
        assert!(!r.admits(&["Support".into()]));
        assert!(!r.admits(&[]));
        let open = ToolRule::new("search").everyone().compile(None).unwrap();
        assert!(open.admits(&[]));
        assert!(open.admits(&["anyone".into()]));
    }

    #[test]
    fn schema_reasons_name_path_and_rule_not_value() {
        let r = rule();
        let cases = [
            (
                r#"{"body": "hi"}"#,
                "arguments of `send_email` fail the schema rule `required` (missing `to`)",
            ),
            (
                r#"{"to": 42, "body": "hi"}"#,
                "argument `/to` of `send_email` fails the schema rule `type` (must be string)",
            ),
            (
                r#"{"to": "a@ourcompany.com", "body": "hi", "bcc": "leak@evil.example"}"#,
                "arguments of `send_email` fail the schema rule `additionalProperties` (unexpected `bcc`)",
            ),
            (
                r#"{"to": "a@ourcompany.com", "body": "hi", "priority": 9}"#,
                "argument `/priority` of `send_email` fails the schema rule `maximum` (at most 5)",
            ),
        ];
        for (args, want) in cases {
            assert_eq!(r.check_args(args).unwrap_err(), want);
        }
        let e = r
            .check_args(&format!(
                r#"{{"to": "{}@ourcompany.com", "body": "x"}}"#,
                "s3cr3t".repeat(40)
            ))
            .unwrap_err();
        assert!(e.contains("`maxLength` (at most 200 characters)"), "{e}");
        assert!(!e.contains("s3cr3t"), "{e}");
        // the constraint runs after the schema
        assert_eq!(
            r.check_args(r#"{"to": "x@evil.example", "body": "hi"}"#)
                .unwrap_err(),
            "argument `/to` of `send_email` is not in its allow-list"
        );
        assert_eq!(
            r.check_args(r#"{"to": "x@ourcompany.com", "body": "hi"}"#),
            Ok(())
        );
    }

    #[test]
    fn argument_text_checks() {
        let r = ToolRule::new("t")
            .everyone()
            .max_args_bytes(32)
            .compile(None)
            .unwrap();
        assert_eq!(r.check_args(""), Ok(()));
        assert_eq!(r.check_args(r#"{"a": [1, 2]}"#), Ok(()));
        assert_eq!(
            r.check_args(r#"{"a": "secret-value"#).unwrap_err(),
            "arguments of `t` are not valid JSON (unexpected end at line 1, column 19)"
        );
        assert_eq!(
            r.check_args(r#"{"a": 1} trailing"#).unwrap_err(),
            "arguments of `t` are not valid JSON (syntax error at line 1, column 10)"
        );
        assert_eq!(
            r.check_args(&format!(r#"{{"a": "{}"}}"#, "x".repeat(40)))
                .unwrap_err(),
            "arguments of `t` are 49 bytes, over the limit of 32"
        );
        let s = ToolRule::new("t")
            .everyone()
            .max_string_len(4)
            .compile(None)
            .unwrap();
        assert_eq!(s.check_args(r#"{"a": ["ok", "äöüß"]}"#), Ok(()));
        assert_eq!(
            s.check_args(r#"{"a": ["ok", {"b/c": "toolong"}]}"#)
                .unwrap_err(),
            "argument `/a/1/b~1c` of `t` holds a string longer than 4 characters"
        );
        assert_eq!(
            s.check_args(r#"{"longkey": 1}"#).unwrap_err(),
            "argument `/longkey` of `t` holds a string longer than 4 characters"
        );
    }

    #[test]
    fn build_errors_name_the_tool() {
        let e = ToolRule::new("t")
            .everyone()
            .schema(json!({"type": "no-such-type"}))
            .compile(None)
            .unwrap_err();
        assert!(
            matches!(&e, PolicyError::Schema { tool, .. } if tool == "t"),
            "{e}"
        );
        let e = ToolRule::new("t")
            .everyone()
            .compile(Some(&json!("a string")))
            .unwrap_err();
        assert!(e.to_string().contains("object or a boolean"), "{e}");
        let e = ToolRule::new("t").compile(None).unwrap_err();
        assert!(e.to_string().contains("`roles` is empty"), "{e}");
        let mut r = ToolRule::new("t").everyone();
        for _ in 0..=MAX_RATE_LIMITS {
            r = r.rate_limit(ToolRateLimit::per_minute(1));
        }
        let e = r.located("p.toml:3".into()).compile(None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "tool policy rule for `t` (p.toml:3): 5 rate limits; a tool may have at most 4"
        );
        // patterns in schemas run on the linear-time engine: look-around is refused
        let e = ToolRule::new("t")
            .everyone()
            .schema(json!({"type": "string", "pattern": "(?=a)b"}))
            .compile(None)
            .unwrap_err();
        assert!(matches!(e, PolicyError::Schema { .. }), "{e}");
    }
}
