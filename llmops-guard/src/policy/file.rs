//! Policy files: TOML with one table per tool. Every error names the file, line and column
//! and the bad field.

use std::collections::BTreeMap;
use std::ops::Range;
use std::time::Duration;

use serde::Deserialize;
use serde_json::Value;
use toml::Spanned;

use super::ToolPolicyBuilder;
use super::constraint::Constraint;
use super::error::PolicyError;
use super::limit::{LimitKey, StoreFailure, ToolRateLimit};
use super::rule::ToolRule;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    on_store_error: Option<StoreFailure>,
    #[serde(default)]
    tools: BTreeMap<String, Spanned<RawTool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTool {
    roles: Vec<String>,
    #[serde(default)]
    max_args_bytes: Option<usize>,
    #[serde(default)]
    max_string_len: Option<usize>,
    #[serde(default)]
    approval: Option<Approval>,
    #[serde(default)]
    constraint: Vec<Spanned<RawConstraint>>,
    #[serde(default)]
    rate_limit: Vec<Spanned<RawLimit>>,
}

/// `approval = true` or `approval = "why"`.
#[derive(Deserialize)]
#[serde(untagged)]
enum Approval {
    Flag(bool),
    Reason(String),
}

/// A string or a list of strings.
#[derive(Deserialize)]
#[serde(untagged)]
enum Strings {
    One(String),
    Many(Vec<String>),
}

impl Strings {
    fn into_vec(self) -> Vec<String> {
        match self {
            Strings::One(s) => vec![s],
            Strings::Many(v) => v,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConstraint {
    at: String,
    #[serde(default)]
    one_of: Vec<Value>,
    #[serde(default)]
    prefix: Option<Strings>,
    #[serde(default)]
    suffix: Option<Strings>,
    #[serde(default)]
    pattern: Option<String>,
    #[serde(default)]
    ignore_case: bool,
    #[serde(default)]
    min: Option<f64>,
    #[serde(default)]
    max: Option<f64>,
    #[serde(default)]
    max_len: Option<usize>,
    #[serde(default)]
    required: bool,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimit {
    calls: u64,
    #[serde(default)]
    per: Option<Period>,
    #[serde(default)]
    per_secs: Option<u64>,
    #[serde(default)]
    key: LimitKey,
}

#[derive(Deserialize, Clone, Copy)]
#[serde(rename_all = "snake_case")]
enum Period {
    Second,
    Minute,
    Hour,
    Day,
}

impl Period {
    fn duration(self) -> Duration {
        Duration::from_secs(match self {
            Period::Second => 1,
            Period::Minute => 60,
            Period::Hour => 3600,
            Period::Day => 86_400,
        })
    }
}

/// 1-based line and column of byte `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, col)
}

/// The dotted path of the field at byte `at` (`tools.send_email.max_args_bytes`), from the
/// table header above it and the key on its line, for errors of the TOML decoder (which name
/// the line but not always the field).
fn field_path(text: &str, at: usize) -> Option<String> {
    let before = text.get(..at)?;
    let start = before.rfind('\n').map_or(0, |i| i + 1);
    let end = text
        .get(at..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| at + i);
    let line = text.get(start..end)?.trim();
    let header = text
        .get(..end)?
        .lines()
        .rev()
        .map(str::trim)
        .find(|l| l.starts_with('['))
        .map(|h| h.trim_matches(|c| c == '[' || c == ']').trim());
    let key = if line.starts_with('[') {
        None
    } else {
        line.split_once('=')
            .map(|(k, _)| k.trim().trim_matches('"'))
            .filter(|k| !k.is_empty())
    };
    match (header, key) {
        (Some(h), Some(k)) => Some(format!("{h}.{k}")),
        (Some(h), None) => Some(h.to_owned()),
        (None, Some(k)) => Some(k.to_owned()),
        (None, None) => None,
    }
}

/// Parses a policy file's text into a builder; `origin` names it in errors.
pub(super) fn parse(text: &str, origin: &str) -> Result<ToolPolicyBuilder, PolicyError> {
    let at = |span: Range<usize>, msg: &str| {
        let (line, column) = line_col(text, span.start);
        PolicyError::File {
            origin: origin.to_owned(),
            line,
            column,
            message: msg.trim().to_owned(),
        }
    };
    let raw: Raw = toml::from_str(text).map_err(|e| {
        let span = e.span().unwrap_or(0..0);
        match field_path(text, span.start) {
            Some(field) => at(span, &format!("{field}: {}", e.message().trim())),
            None => at(span, e.message()),
        }
    })?;
    let mut b = ToolPolicyBuilder::default();
    if let Some(f) = raw.on_store_error {
        b = b.on_store_error(f);
    }
    for (name, t) in raw.tools {
        let span = t.span();
        let t = t.into_inner();
        let (line, _) = line_col(text, span.start);
        let mut rule = ToolRule::new(name.clone()).roles(t.roles);
        rule.max_args_bytes = t.max_args_bytes;
        rule.max_string_len = t.max_string_len;
        rule.approval = match t.approval {
            None | Some(Approval::Flag(false)) => None,
            Some(Approval::Flag(true)) => Some(String::new()),
            Some(Approval::Reason(r)) => Some(r),
        };
        for c in t.constraint {
            let cspan = c.span();
            let c = c.into_inner();
            let constraint = Constraint {
                at: c.at,
                one_of: c.one_of,
                prefix: c.prefix.map(Strings::into_vec).unwrap_or_default(),
                suffix: c.suffix.map(Strings::into_vec).unwrap_or_default(),
                pattern: c.pattern,
                ignore_case: c.ignore_case,
                min: c.min,
                max: c.max,
                max_len: c.max_len,
                required: c.required,
            };
            constraint
                .compile()
                .map_err(|m| at(cspan, &format!("tools.{name}.constraint: {m}")))?;
            rule.constraints.push(constraint);
        }
        for l in t.rate_limit {
            let lspan = l.span();
            let l = l.into_inner();
            let per = match (l.per, l.per_secs) {
                (Some(p), None) => p.duration(),
                (None, Some(s)) => Duration::from_secs(s),
                _ => {
                    return Err(at(
                        lspan,
                        &format!(
                            "tools.{name}.rate_limit: give exactly one of `per` (second, minute, hour, day) and `per_secs`"
                        ),
                    ));
                }
            };
            let limit = ToolRateLimit::new(l.calls, per).key(l.key);
            limit
                .validate()
                .map_err(|m| at(lspan.clone(), &format!("tools.{name}.rate_limit: {m}")))?;
            rule.rate_limits.push(limit);
        }
        rule.check()
            .map_err(|m| at(span.clone(), &format!("tools.{name}: {m}")))?;
        b = b.tool(rule.located(format!("{origin}:{line}")));
    }
    Ok(b)
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
    use crate::policy::ToolPolicy;

    const DOC: &str = r#"
on_store_error = "allow"

[tools.search_docs]
roles = ["*"]

[tools.send_email]
roles = ["support", "admin"]
max_args_bytes = 4096
max_string_len = 2000
approval = "e-mail leaves the company"

[[tools.send_email.constraint]]
at = "/to"
suffix = "@ourcompany.com"
one_of = ["orders@partner.example"]
ignore_case = true
required = true

[[tools.send_email.rate_limit]]
calls = 20
per = "hour"
key = "user"

[[tools.send_email.rate_limit]]
calls = 200
per_secs = 86400
key = "tenant"

[tools.refund]
roles = ["billing"]
approval = true
[[tools.refund.constraint]]
at = "/amount"
min = 0
max = 500
"#;

    #[test]
    fn parses_the_documented_format() {
        let b = parse(DOC, "policy.toml").unwrap();
        assert_eq!(b.on_store_error, StoreFailure::Allow);
        let names: Vec<_> = b.rules.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["refund", "search_docs", "send_email"]);
        let email = b.rules.iter().find(|r| r.name == "send_email").unwrap();
        assert_eq!(email.roles, ["support", "admin"]);
        assert_eq!(email.max_args_bytes, Some(4096));
        assert_eq!(email.approval.as_deref(), Some("e-mail leaves the company"));
        assert_eq!(email.origin.as_deref(), Some("policy.toml:7"));
        let c = &email.constraints[0];
        assert_eq!(c.suffix, ["@ourcompany.com"]);
        assert_eq!(c.one_of, [Value::from("orders@partner.example")]);
        assert!(c.ignore_case && c.required);
        assert_eq!(
            email.rate_limits,
            [
                ToolRateLimit::new(20, Duration::from_secs(3600)),
                ToolRateLimit::new(200, Duration::from_secs(86_400)).key(LimitKey::Tenant)
            ]
        );
        let refund = b.rules.iter().find(|r| r.name == "refund").unwrap();
        assert_eq!(refund.approval.as_deref(), Some(""));
        assert_eq!(refund.constraints[0].min, Some(0.0));
        let p = b.build().unwrap();
        assert_eq!(p.rules.len(), 3);
        assert_eq!(
            p.rules.get("refund").unwrap().approval.as_deref(),
            Some("tool `refund` is high-risk and needs approval")
        );
    }

    #[test]
    fn errors_name_the_file_line_and_field() {
        let cases = [
            // TOML syntax
            ("[tools.x]\nroles = [\"a\"\n", 2, "unclosed array"),
            // unknown key in a tool
            (
                "[tools.x]\nroles = [\"a\"]\nmax_arg_bytes = 3\n",
                3,
                "max_arg_bytes",
            ),
            // missing roles: the tool's table
            (
                "\n[tools.x]\nmax_args_bytes = 3\n",
                2,
                "tools.x: missing field `roles`",
            ),
            // empty roles
            ("[tools.x]\nroles = []\n", 1, "roles"),
            // wrong type
            ("[tools.x]\nroles = \"a\"\n", 2, "sequence"),
            // negative size
            (
                "[tools.x]\nroles = [\"a\"]\n\nmax_args_bytes = -5\n",
                4,
                "tools.x.max_args_bytes: invalid value",
            ),
            // unknown key store failure value
            (
                "on_store_error = \"maybe\"\n",
                1,
                "on_store_error: unknown variant `maybe`",
            ),
            // a constraint without a rule
            (
                "[tools.x]\nroles = [\"a\"]\n[[tools.x.constraint]]\nat = \"/to\"\n",
                3,
                "tools.x.constraint: constraint at `/to` has no rule",
            ),
            // a bad pattern
            (
                "[tools.x]\nroles = [\"a\"]\n[[tools.x.constraint]]\nat = \"/to\"\npattern = \"(\"\n",
                3,
                "bad `pattern`",
            ),
            // a bad pointer
            (
                "[tools.x]\nroles = [\"a\"]\n[[tools.x.constraint]]\nat = \"to\"\nmax_len = 3\n",
                3,
                "not a JSON pointer",
            ),
            // an unknown constraint key
            (
                "[tools.x]\nroles = [\"a\"]\n[[tools.x.constraint]]\nat = \"/to\"\nsufix = \"@x\"\n",
                5,
                "sufix",
            ),
            // both periods
            (
                "[tools.x]\nroles = [\"a\"]\n\n[[tools.x.rate_limit]]\ncalls = 3\nper = \"minute\"\nper_secs = 60\n",
                4,
                "exactly one of `per`",
            ),
            // zero calls
            (
                "[tools.x]\nroles = [\"a\"]\n[[tools.x.rate_limit]]\ncalls = 0\nper = \"minute\"\n",
                3,
                "above zero",
            ),
            // an unknown period
            (
                "[tools.x]\nroles = [\"a\"]\n[[tools.x.rate_limit]]\ncalls = 3\nper = \"week\"\n",
                5,
                "week",
            ),
            // an unknown limit key
            (
                "[tools.x]\nroles = [\"a\"]\n[[tools.x.rate_limit]]\ncalls = 3\nper = \"day\"\nkey = \"team\"\n",
                6,
                "tools.x.rate_limit.key: unknown variant `team`",
            ),
        ];
        for (text, line, field) in cases {
            let e = parse(text, "policy.toml").unwrap_err();
            let PolicyError::File {
                line: got,
                ref message,
                ref origin,
                ..
            } = e
            else {
                panic!("{e}")
            };
            assert_eq!(origin, "policy.toml");
            assert_eq!(got, line, "{text:?}: {e}");
            assert!(message.contains(field), "{text:?}: {e}");
        }
    }

    #[test]
    fn build_errors_after_a_file_name_its_line() {
        let spec = llmops_core::ToolSpec::new("search", "", serde_json::json!({"type": "object"}));
        let e = ToolPolicy::from_toml_str("\n\n[tools.serach]\nroles = [\"*\"]\n", "p.toml")
            .unwrap()
            .spec(&spec)
            .build()
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "tool policy rule for `serach` (p.toml:3): no tool spec of this name was given, so its arguments have no schema (a typo?)"
        );
    }

    #[test]
    fn files_are_read_or_named() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("policy.toml");
        std::fs::write(&p, "[tools.x]\nroles = [\"*\"]\nmax_args_bytes = \"big\"\n").unwrap();
        let e = ToolPolicy::from_file(&p).unwrap_err().to_string();
        assert!(
            e.starts_with(&format!("tool policy {}:3:", p.display())),
            "{e}"
        );
        let e = ToolPolicy::from_file(dir.path().join("nope.toml")).unwrap_err();
        assert!(matches!(e, PolicyError::Read { .. }), "{e}");
        std::fs::write(&p, DOC).unwrap();
        assert!(ToolPolicy::from_file(&p).unwrap().build().is_ok());
    }
}
