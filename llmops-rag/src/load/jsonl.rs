//! JSONL documents: one JSON object per line.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use serde_json::{Map, Value};

use super::{LoadOptions, Origin, html, markdown_title};
use crate::document::{Acl, Document, Format, Source};
use crate::{RagError, Result};

/// The fields a JSONL record may have.
const FIELDS: &str = "id, text, title, meta, acl, version, format";

/// The documents of a JSONL text: one JSON object per line, blank lines skipped.
///
/// Record fields: `id` (string, required, unique in the text), `text` (string, required),
/// `title` (string, into meta `title`), `meta` (object), `acl` (object with `tenant`,
/// `users`, `roles`, `groups`), `version` (string or integer), `format` (`"text"`,
/// `"markdown"` or `"html"`; HTML is converted to text and its `<title>` used when there is
/// no `title`). Any other field is an error (put extra fields under `meta`), as is a bad
/// line: [`RagError::Load`] names `source_name:line` and what is wrong. `null` counts as
/// absent for the optional fields.
///
/// Labels: the record's `acl`, else [`LoadOptions`]' ACL for the file (`acl_for` hook on
/// `source_name`, else the default). Metadata: the options' meta, the record's `meta` over
/// it, then `path` (= `source_name`) and `title`. The [`Source`] is `source_name` with the
/// line number.
///
/// ```
/// use llmops_rag::load::{LoadOptions, parse_jsonl};
/// let text = r#"{"id": "a", "text": "Refunds take 5 days.", "acl": {"tenant": "acme", "roles": ["support"]}}
///
/// {"id": "b", "text": "<p>Hi</p>", "format": "html", "version": 2}"#;
/// let docs = parse_jsonl(text, "kb.jsonl", &LoadOptions::new()).unwrap();
/// assert_eq!(docs.len(), 2);
/// assert_eq!(docs[0].acl.roles, ["support"]);
/// assert_eq!(docs[1].text, "Hi");
/// assert_eq!(docs[1].version.as_deref(), Some("2"));
/// assert_eq!(docs[1].source.as_ref().unwrap().line, Some(3));
///
/// let err = parse_jsonl("{\"id\": \"a\"}", "kb.jsonl", &LoadOptions::new()).unwrap_err();
/// assert_eq!(err.to_string(), "cannot load kb.jsonl:1: missing `text`");
/// ```
pub fn parse_jsonl(text: &str, source_name: &str, opts: &LoadOptions) -> Result<Vec<Document>> {
    let origin = Origin {
        name: source_name,
        shown: source_name,
        path: Path::new(source_name),
    };
    parse(text, &origin, opts)
}

/// [`parse_jsonl`] for a file: meta `path` and the hook use `origin.name`, errors
/// `origin.shown`, the [`Source`] `origin.path`.
pub(super) fn parse(text: &str, origin: &Origin<'_>, opts: &LoadOptions) -> Result<Vec<Document>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let file_acl = opts.file_acl(Path::new(origin.name));
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut docs = Vec::new();
    for (n, line) in text.split('\n').enumerate() {
        let line_no = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let at = || format!("{}:{line_no}", origin.shown);
        let doc =
            record(line, origin, line_no, &file_acl, opts).map_err(|message| RagError::Load {
                source_name: at(),
                message,
            })?;
        if let Some(first) = seen.insert(doc.id.clone(), line_no) {
            return Err(RagError::Load {
                source_name: at(),
                message: format!("duplicate id `{}` (first on line {first})", doc.id),
            });
        }
        docs.push(doc);
    }
    Ok(docs)
}

/// One record; the error is the message (the caller adds `file:line`).
fn record(
    line: &str,
    origin: &Origin<'_>,
    line_no: usize,
    file_acl: &Acl,
    opts: &LoadOptions,
) -> std::result::Result<Document, String> {
    let value: Value = serde_json::from_str(line).map_err(|e| format!("not a JSON object: {e}"))?;
    let Value::Object(mut obj) = value else {
        return Err(format!("not a JSON object but {}", kind(&value)));
    };
    let id = required_string(&mut obj, "id")?;
    if id.is_empty() {
        return Err("`id` is empty".into());
    }
    let mut text = required_string(&mut obj, "text")?;
    let mut title = optional_string(&mut obj, "title")?;
    let format = match take(&mut obj, "format") {
        None => Format::Text,
        Some(Value::String(f)) => match f.as_str() {
            "text" => Format::Text,
            "markdown" => Format::Markdown,
            "html" => Format::Html,
            other => {
                return Err(format!(
                    "`format` must be \"text\", \"markdown\" or \"html\", got {other:?}"
                ));
            }
        },
        Some(v) => return Err(format!("`format` must be a string, got {}", kind(&v))),
    };
    let meta = match take(&mut obj, "meta") {
        None => Map::new(),
        Some(Value::Object(m)) => m,
        Some(v) => return Err(format!("`meta` must be an object, got {}", kind(&v))),
    };
    let acl = match take(&mut obj, "acl") {
        None => file_acl.clone(),
        Some(v) => parse_acl(v)?,
    };
    let version = match take(&mut obj, "version") {
        None => None,
        Some(Value::String(v)) => Some(v),
        Some(Value::Number(n)) if n.is_i64() || n.is_u64() => Some(n.to_string()),
        Some(v) => {
            return Err(format!(
                "`version` must be a string or an integer, got {}",
                kind(&v)
            ));
        }
    };
    if let Some(field) = obj.keys().next() {
        return Err(format!(
            "unknown field `{field}` (allowed: {FIELDS}; put extra fields under `meta`)"
        ));
    }
    match format {
        Format::Html => {
            if title.is_none() {
                title = html::html_title(&text);
            }
            text = html::html_to_text(&text, &format!("{}:{line_no}", origin.shown))
                .map_err(|e| e.to_string())?;
        }
        Format::Markdown if title.is_none() => title = markdown_title(&text),
        _ => {}
    }
    let mut all: BTreeMap<String, Value> = opts.meta.clone();
    all.extend(meta);
    all.insert("path".into(), Value::String(origin.name.to_owned()));
    if let Some(t) = title {
        all.insert("title".into(), Value::String(t));
    }
    let mut source = Source::file(origin.path);
    source.line = Some(line_no);
    let mut doc = Document::new(id, text)
        .format(format)
        .acl(acl)
        .source(source);
    doc.meta = all;
    doc.version = version;
    Ok(doc)
}

/// An `acl` object; unknown keys are errors (a misspelt `role` must not open a document).
fn parse_acl(v: Value) -> std::result::Result<Acl, String> {
    let Value::Object(mut obj) = v else {
        return Err(format!("`acl` must be an object, got {}", kind(&v)));
    };
    let tenant = match take(&mut obj, "tenant") {
        None => None,
        Some(Value::String(t)) => Some(t),
        Some(v) => return Err(format!("`acl.tenant` must be a string, got {}", kind(&v))),
    };
    let acl = Acl {
        tenant,
        users: string_list(&mut obj, "users")?,
        roles: string_list(&mut obj, "roles")?,
        groups: string_list(&mut obj, "groups")?,
    };
    if let Some(field) = obj.keys().next() {
        return Err(format!(
            "unknown field `acl.{field}` (allowed: tenant, users, roles, groups)"
        ));
    }
    Ok(acl)
}

fn string_list(
    obj: &mut Map<String, Value>,
    key: &str,
) -> std::result::Result<Vec<String>, String> {
    match take(obj, key) {
        None => Ok(Vec::new()),
        Some(Value::Array(items)) => items
            .into_iter()
            .map(|v| match v {
                Value::String(s) => Ok(s),
                other => Err(format!(
                    "`acl.{key}` must hold strings, found {}",
                    kind(&other)
                )),
            })
            .collect(),
        Some(v) => Err(format!(
            "`acl.{key}` must be an array of strings, got {}",
            kind(&v)
        )),
    }
}

/// Removes `key`; `null` counts as absent.
fn take(obj: &mut Map<String, Value>, key: &str) -> Option<Value> {
    obj.remove(key).filter(|v| !v.is_null())
}

fn required_string(obj: &mut Map<String, Value>, key: &str) -> std::result::Result<String, String> {
    match take(obj, key) {
        None => Err(format!("missing `{key}`")),
        Some(Value::String(s)) => Ok(s),
        Some(v) => Err(format!("`{key}` must be a string, got {}", kind(&v))),
    }
}

fn optional_string(
    obj: &mut Map<String, Value>,
    key: &str,
) -> std::result::Result<Option<String>, String> {
    match take(obj, key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(format!("`{key}` must be a string, got {}", kind(&v))),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn err(text: &str) -> String {
        parse_jsonl(text, "f.jsonl", &LoadOptions::new())
            .unwrap_err()
            .to_string()
    }

    #[test]
    fn every_field() {
        let line = r##"{"id":"x","text":"# Head\nbody","format":"markdown","meta":{"lang":"en","path":"ignored"},"acl":{"tenant":"t","users":["u"],"roles":["r"],"groups":["g"]},"version":"v3"}"##;
        let opts = LoadOptions::new().meta("origin", "crm").meta("lang", "xx");
        let docs = parse_jsonl(line, "dir/f.jsonl", &opts).unwrap();
        let d = &docs[0];
        assert_eq!(d.id, "x");
        assert_eq!(d.format, Format::Markdown);
        assert_eq!(d.meta["title"], "Head");
        assert_eq!(d.meta["lang"], "en");
        assert_eq!(d.meta["origin"], "crm");
        assert_eq!(d.meta["path"], "dir/f.jsonl");
        assert_eq!(d.acl, Acl::tenant("t").user("u").role("r").group("g"));
        assert_eq!(d.version.as_deref(), Some("v3"));
    }

    #[test]
    fn bad_lines_name_the_line_and_the_problem() {
        let ok = r#"{"id":"a","text":"t"}"#;
        assert_eq!(
            err(&format!("{ok}\n\nnot json")),
            "cannot load f.jsonl:3: not a JSON object: expected ident at line 1 column 2"
        );
        assert_eq!(
            err("[1]"),
            "cannot load f.jsonl:1: not a JSON object but an array"
        );
        assert_eq!(
            err(r#"{"text":"t"}"#),
            "cannot load f.jsonl:1: missing `id`"
        );
        assert_eq!(
            err(r#"{"id":7,"text":"t"}"#),
            "cannot load f.jsonl:1: `id` must be a string, got a number"
        );
        assert_eq!(
            err(r#"{"id":"","text":"t"}"#),
            "cannot load f.jsonl:1: `id` is empty"
        );
        assert!(err(r#"{"id":"a","text":"t","url":"u"}"#).contains("unknown field `url`"));
        assert!(err(r#"{"id":"a","text":"t","acl":{"role":["x"]}}"#).contains("`acl.role`"));
        assert!(err(r#"{"id":"a","text":"t","acl":{"roles":"x"}}"#).contains("array of strings"));
        assert!(err(r#"{"id":"a","text":"t","format":"pdf"}"#).contains("`format`"));
        assert!(err(r#"{"id":"a","text":"t","meta":[]}"#).contains("`meta` must be an object"));
        assert!(err(r#"{"id":"a","text":"t","version":1.5}"#).contains("`version`"));
        assert_eq!(
            err(&format!("{ok}\r\n{ok}")),
            "cannot load f.jsonl:2: duplicate id `a` (first on line 1)"
        );
    }

    #[test]
    fn crlf_bom_nulls_and_blank_lines() {
        let text = "\u{feff}{\"id\":\"a\",\"text\":\"x\",\"title\":null}\r\n  \r\n{\"id\":\"b\",\"text\":\"\"}\r\n";
        let docs = parse_jsonl(text, "f.jsonl", &LoadOptions::new()).unwrap();
        assert_eq!(docs.len(), 2);
        assert!(!docs[0].meta.contains_key("title"));
        assert_eq!(docs[1].source.as_ref().unwrap().line, Some(3));
    }

    #[test]
    fn file_acl_applies_unless_the_record_has_one() {
        let opts = LoadOptions::new().acl(Acl::tenant("default")).acl_for(|p| {
            if p.starts_with("hr") {
                Acl::tenant("acme").role("hr")
            } else {
                Acl::tenant("acme")
            }
        });
        let text = "{\"id\":\"a\",\"text\":\"x\"}\n{\"id\":\"b\",\"text\":\"x\",\"acl\":{\"tenant\":\"other\"}}";
        let docs = parse_jsonl(text, "hr/people.jsonl", &opts).unwrap();
        assert_eq!(docs[0].acl, Acl::tenant("acme").role("hr"));
        assert_eq!(docs[1].acl, Acl::tenant("other"));
    }
}
