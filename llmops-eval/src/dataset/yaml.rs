//! YAML with line numbers: the file is parsed once with [`saphyr`] (YAML 1.2, anchors
//! resolved with a node budget against alias bombs) into a [`Node`] tree that remembers the
//! line where every node starts, so a malformed case is reported at the line it starts on.
//! Values convert to JSON ([`Node::to_json`]) and the raw case shapes deserialize from that.

use std::path::Path;

use saphyr::{LoadableYamlNode, MarkedYaml, Scalar, YamlData};
use serde_json::{Map, Number, Value};

use crate::{EvalError, Result};

/// Deepest nesting accepted (a case is a few levels deep; this bounds recursion on hostile
/// input).
const MAX_DEPTH: usize = 64;

/// A YAML node and the 1-based line where it starts.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Node {
    pub(crate) line: usize,
    pub(crate) kind: Kind,
}

/// What a node holds.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Kind {
    Scalar(Value),
    Seq(Vec<Node>),
    Map(Vec<(String, Node)>),
}

impl Node {
    /// The node as JSON.
    pub(crate) fn to_json(&self) -> Value {
        match &self.kind {
            Kind::Scalar(v) => v.clone(),
            Kind::Seq(items) => Value::Array(items.iter().map(Node::to_json).collect()),
            Kind::Map(entries) => {
                let mut m = Map::new();
                for (k, v) in entries {
                    m.insert(k.clone(), v.to_json());
                }
                Value::Object(m)
            }
        }
    }

    /// A mapping's value for `key`.
    pub(crate) fn get(&self, key: &str) -> Option<&Node> {
        match &self.kind {
            Kind::Map(entries) => entries.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// A mapping's keys.
    pub(crate) fn keys(&self) -> impl Iterator<Item = (&str, &Node)> {
        let entries: &[(String, Node)] = match &self.kind {
            Kind::Map(e) => e,
            _ => &[],
        };
        entries.iter().map(|(k, v)| (k.as_str(), v))
    }

    /// The string, if this is a string scalar.
    pub(crate) fn as_str(&self) -> Option<&str> {
        match &self.kind {
            Kind::Scalar(Value::String(s)) => Some(s),
            _ => None,
        }
    }

    /// A short name of the node's kind, for messages.
    pub(crate) fn kind_name(&self) -> &'static str {
        match &self.kind {
            Kind::Scalar(Value::Null) => "nothing",
            Kind::Scalar(Value::String(_)) => "a string",
            Kind::Scalar(_) => "a scalar",
            Kind::Seq(_) => "a list",
            Kind::Map(_) => "a mapping",
        }
    }
}

/// Parses one YAML document. An empty file is `None`; more than one document, a syntax error
/// or a value we cannot represent is a dataset error at its line.
pub(crate) fn parse(text: &str, file: &Path) -> Result<Option<Node>> {
    let docs = MarkedYaml::load_from_str(text).map_err(|e| {
        EvalError::dataset(
            file,
            e.marker().line().max(1),
            format!("YAML: {}", e.info()),
        )
    })?;
    let mut docs = docs.into_iter();
    let Some(first) = docs.next() else {
        return Ok(None);
    };
    if let Some(second) = docs.next() {
        return Err(EvalError::dataset(
            file,
            second.span.start.line().max(1),
            "a second YAML document (`---`): a dataset file holds one",
        ));
    }
    convert(&first, file, 0).map(Some)
}

fn convert(y: &MarkedYaml<'_>, file: &Path, depth: usize) -> Result<Node> {
    let line = y.span.start.line().max(1);
    if depth > MAX_DEPTH {
        return Err(EvalError::dataset(
            file,
            line,
            format!("nested deeper than {MAX_DEPTH} levels"),
        ));
    }
    let kind = match &y.data {
        YamlData::Value(s) => Kind::Scalar(scalar(s, file, line)?),
        YamlData::Representation(text, _, _) => Kind::Scalar(Value::String(text.to_string())),
        YamlData::Sequence(items) => Kind::Seq(
            items
                .iter()
                .map(|i| convert(i, file, depth + 1))
                .collect::<Result<_>>()?,
        ),
        YamlData::Mapping(map) => {
            let mut entries: Vec<(String, Node)> = Vec::with_capacity(map.len());
            let mut merged: Vec<(String, Node)> = Vec::new();
            for (k, v) in map {
                let key_line = k.span.start.line().max(1);
                let key = match convert(k, file, depth + 1)?.kind {
                    Kind::Scalar(Value::String(s)) => s,
                    Kind::Scalar(Value::Null) => "null".to_owned(),
                    Kind::Scalar(other) => other.to_string(),
                    _ => {
                        return Err(EvalError::dataset(
                            file,
                            key_line,
                            "a mapping key must be a string",
                        ));
                    }
                };
                let value = convert(v, file, depth + 1)?;
                if key == "<<" {
                    // YAML 1.1 merge key (js-yaml, hence promptfoo, supports it).
                    merge_into(&mut merged, value, file)?;
                } else {
                    entries.push((key, value));
                }
            }
            for (k, v) in merged {
                if !entries.iter().any(|(e, _)| *e == k) {
                    entries.push((k, v));
                }
            }
            Kind::Map(entries)
        }
        YamlData::Tagged(_, inner) => return convert(inner, file, depth + 1),
        YamlData::Alias(_) => {
            return Err(EvalError::dataset(file, line, "unresolved YAML alias"));
        }
        YamlData::BadValue => {
            return Err(EvalError::dataset(
                file,
                line,
                "a value that does not match its tag",
            ));
        }
    };
    Ok(Node { line, kind })
}

fn merge_into(out: &mut Vec<(String, Node)>, value: Node, file: &Path) -> Result<()> {
    match value.kind {
        Kind::Map(entries) => {
            for (k, v) in entries {
                if !out.iter().any(|(e, _)| *e == k) {
                    out.push((k, v));
                }
            }
            Ok(())
        }
        Kind::Seq(items) => {
            for i in items {
                merge_into(out, i, file)?;
            }
            Ok(())
        }
        Kind::Scalar(_) => Err(EvalError::dataset(
            file,
            value.line,
            "a merge key (`<<`) needs a mapping or a list of mappings",
        )),
    }
}

fn scalar(s: &Scalar<'_>, file: &Path, line: usize) -> Result<Value> {
    Ok(match s {
        Scalar::Null => Value::Null,
        Scalar::Boolean(b) => Value::Bool(*b),
        Scalar::Integer(i) => Value::Number(Number::from(*i)),
        Scalar::FloatingPoint(f) => {
            Value::Number(Number::from_f64(f.into_inner()).ok_or_else(|| {
                EvalError::dataset(file, line, "a number that is not finite (.nan, .inf)")
            })?)
        }
        Scalar::String(s) => Value::String(s.to_string()),
    })
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

    fn p(text: &str) -> Result<Option<Node>> {
        parse(text, Path::new("t.yaml"))
    }

    #[test]
    fn items_know_their_lines() {
        let n = p("# header\n- a: 1\n  b: [x, y]\n\n- a: 2\n")
            .unwrap()
            .unwrap();
        let Kind::Seq(items) = &n.kind else { panic!() };
        assert_eq!(items.iter().map(|i| i.line).collect::<Vec<_>>(), [2, 5]);
        assert_eq!(
            items[0].to_json(),
            serde_json::json!({"a": 1, "b": ["x", "y"]})
        );
    }

    #[test]
    fn yaml_1_2_scalars_and_merge_keys() {
        let n = p("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n  y: 3\nflag: yes\nnum: 0.5\n")
            .unwrap()
            .unwrap();
        assert_eq!(
            n.to_json(),
            serde_json::json!({"base": {"x": 1, "y": 2}, "use": {"y": 3, "x": 1}, "flag": "yes", "num": 0.5})
        );
    }

    #[test]
    fn errors_name_the_line() {
        let e = p("a: 1\nb: [unclosed\n").unwrap_err();
        assert!(
            matches!(e, EvalError::Dataset { line, .. } if line >= 2),
            "{e}"
        );
        let e = p("a: 1\n---\nb: 2\n").unwrap_err();
        assert!(matches!(e, EvalError::Dataset { line: 2 | 3, .. }), "{e}");
        let e = p("a: .nan\n").unwrap_err();
        assert!(matches!(e, EvalError::Dataset { line: 1, .. }), "{e}");
        assert!(p("").unwrap().is_none());
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        assert!(p(&deep).is_err());
    }

    #[test]
    fn duplicate_keys_are_refused() {
        assert!(p("a: 1\na: 2\n").is_err());
    }
}
