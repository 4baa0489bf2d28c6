//! JSON assertion types: `is-json` and `contains-json` (optionally validated against a JSON
//! Schema), and `json-path` (a value selected by an RFC 9535 JSONPath, compared with an
//! expected JSON value).
//!
//! | type | value | passes when |
//! |---|---|---|
//! | `is-json` | none, or a JSON Schema | the whole output parses as JSON (and conforms) |
//! | `contains-json` | none, or a JSON Schema | the output holds a JSON object somewhere in its text (one that conforms) |
//! | `json-path` | `{path, equals}`, or a path | the output is JSON, the path selects something (equal to `equals`) |
//!
//! A schema is compiled once, when the assertion is compiled (drafts 4 to 2020-12, by its
//! `$schema`, else 2020-12); a schema that does not compile, or a path that does not parse, is
//! an [`EvalError::Assertion`] then. Remote and file `$ref`s are not fetched.
//!
//! ```
//! use llmops_core::{EvalCase, EvalOutput};
//! use llmops_eval::{AssertionSpec, BuildContext, Registry};
//! use serde_json::json;
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let reg = Registry::builtin(BuildContext::new());
//! let out = EvalOutput::text(r#"Here you go: {"order": 1234, "status": "refunded"} Anything else?"#);
//! let case = EvalCase::default();
//!
//! let schema = json!({"type": "object", "required": ["order", "status"]});
//! let a = reg.compile(&AssertionSpec::new("contains-json", schema)).unwrap();
//! assert!(a.evaluate(&case, &out).await.unwrap().pass);
//! // the whole output is not JSON
//! let a = reg.compile(&AssertionSpec::of("is-json")).unwrap();
//! assert!(!a.evaluate(&case, &out).await.unwrap().pass);
//!
//! let out = EvalOutput::text(r#"{"order": {"id": 1234, "items": [{"sku": "A1"}]}}"#);
//! let path = json!({"path": "$.order.items[0].sku", "equals": "A1"});
//! let a = reg.compile(&AssertionSpec::new("json-path", path)).unwrap();
//! assert!(a.evaluate(&case, &out).await.unwrap().pass);
//! // a schema that does not compile is refused before anything runs
//! assert!(reg.compile(&AssertionSpec::new("is-json", json!({"type": "thing"}))).is_err());
//! # });
//! ```

use std::sync::Arc;

use jsonschema::Validator;
use llmops_core::{EvalCase, EvalOutput, Evaluator, Score, async_trait};
use serde_json::Value;
use serde_json_path::JsonPath;

use crate::evaluators::deterministic::{clip, clip_json, clip_raw};
use crate::{AssertionSpec, BuildContext, EvalError, Registry, Result};

/// Adds this family's assertion types.
pub(crate) fn register(r: &mut Registry) {
    r.register("is-json", |s: &AssertionSpec, _: &BuildContext| {
        Ok(Arc::new(IsJson { schema: schema(s)? }) as Arc<dyn Evaluator>)
    });
    r.register("contains-json", |s: &AssertionSpec, _: &BuildContext| {
        Ok(Arc::new(ContainsJson { schema: schema(s)? }) as Arc<dyn Evaluator>)
    });
    r.register("json-path", |s: &AssertionSpec, _: &BuildContext| {
        Ok(Arc::new(JsonPathCheck::from_spec(s)?) as Arc<dyn Evaluator>)
    });
}

/// JSON equality as JavaScript's deep equality sees parsed JSON: numbers by value (`4` equals
/// `4.0`), objects regardless of key order, lists in order.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_i64(), y.as_i64()) {
            (Some(i), Some(j)) => i == j,
            _ => match (x.as_u64(), y.as_u64()) {
                (Some(i), Some(j)) => i == j,
                _ => x.as_f64() == y.as_f64(),
            },
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| json_eq(a, b))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// The whole output parsed as JSON (surrounding whitespace allowed, as in `JSON.parse`).
pub(crate) fn parse_output(text: &str) -> serde_json::Result<Value> {
    serde_json::from_str(text)
}

/// Every JSON object in `text`, left to right, not overlapping: the whole text when it is one
/// object, else each `{` that starts a well-formed object (the object is skipped past, so
/// objects nested in it are not listed again). This is promptfoo's `extractJsonObjects`
/// (strict JSON: no comments, no trailing commas).
pub(crate) fn extract_json_objects(text: &str) -> Vec<Value> {
    if let Ok(v @ Value::Object(_)) = parse_output(text) {
        return vec![v];
    }
    let mut found = Vec::new();
    let mut i = 0;
    while let Some(rel) = text.get(i..).and_then(|rest| rest.find('{')) {
        let start = i + rel;
        let rest = text.get(start..).unwrap_or_default();
        let mut stream = serde_json::Deserializer::from_str(rest).into_iter::<Value>();
        match stream.next() {
            Some(Ok(v @ Value::Object(_))) => {
                found.push(v);
                i = start + stream.byte_offset().max(1);
            }
            _ => i = start + 1,
        }
    }
    found
}

/// The assertion's schema, compiled: none for no value (or `""`), else an object or boolean
/// schema, or a string holding one as JSON.
fn schema(spec: &AssertionSpec) -> Result<Option<Arc<Validator>>> {
    let bad = |m: String| EvalError::assertion(&spec.kind, m);
    let parsed;
    let schema = match &spec.value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) if s.trim().is_empty() => return Ok(None),
        Some(Value::String(s)) if s.starts_with("file://") => {
            return Err(bad(format!(
                "schema {s:?}: file references are not read here; put the schema inline"
            )));
        }
        Some(Value::String(s)) => {
            parsed = serde_json::from_str::<Value>(s).map_err(|e| {
                bad(format!(
                    "the schema string is not JSON ({e}); write the schema as an object"
                ))
            })?;
            &parsed
        }
        Some(v) => v,
    };
    if !matches!(schema, Value::Object(_) | Value::Bool(_)) {
        return Err(bad(format!(
            "value must be a JSON Schema (an object or a boolean), got {schema}"
        )));
    }
    jsonschema::validator_for(schema)
        .map(|v| Some(Arc::new(v)))
        .map_err(|e| bad(format!("invalid JSON Schema: {e}")))
}

/// Up to three of the validator's errors, each with where in the instance it is.
fn schema_errors(v: &Validator, instance: &Value) -> String {
    let mut errs: Vec<String> = v
        .iter_errors(instance)
        .take(4)
        .map(|e| {
            let at = e.instance_path().to_string();
            let at = if at.is_empty() { "/".to_owned() } else { at };
            format!("at {at}: {}", clip_raw(&e.to_string()))
        })
        .collect();
    if errs.len() > 3 {
        errs.truncate(3);
        errs.push("…".into());
    }
    errs.join("; ")
}

struct IsJson {
    schema: Option<Arc<Validator>>,
}

#[async_trait]
impl Evaluator for IsJson {
    fn name(&self) -> &str {
        "is-json"
    }

    async fn evaluate(&self, _case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let v = match parse_output(&out.text) {
            Ok(v) => v,
            Err(e) => {
                return Ok(Score::binary(
                    false,
                    format!("output is not valid JSON ({e}): {}", clip(&out.text)),
                ));
            }
        };
        Ok(match &self.schema {
            None => Score::binary(true, "output is valid JSON"),
            Some(s) if s.is_valid(&v) => {
                Score::binary(true, "output is valid JSON that conforms to the schema")
            }
            Some(s) => Score::binary(
                false,
                format!(
                    "output is JSON but does not conform to the schema: {}",
                    schema_errors(s, &v)
                ),
            ),
        })
    }
}

struct ContainsJson {
    schema: Option<Arc<Validator>>,
}

#[async_trait]
impl Evaluator for ContainsJson {
    fn name(&self) -> &str {
        "contains-json"
    }

    async fn evaluate(&self, _case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let objects = extract_json_objects(&out.text);
        let Some(first) = objects.first() else {
            return Ok(Score::binary(
                false,
                format!("output holds no JSON object: {}", clip(&out.text)),
            ));
        };
        let n = objects.len();
        Ok(match &self.schema {
            None => Score::binary(
                true,
                format!(
                    "output holds {n} JSON object(s), the first {}",
                    clip_json(first)
                ),
            ),
            Some(s) => match objects.iter().find(|o| s.is_valid(o)) {
                Some(ok) => Score::binary(
                    true,
                    format!(
                        "output holds a JSON object that conforms to the schema: {}",
                        clip_json(ok)
                    ),
                ),
                None => Score::binary(
                    false,
                    format!(
                        "output holds {n} JSON object(s), none conforms to the schema; the first: {}",
                        schema_errors(s, first)
                    ),
                ),
            },
        })
    }
}

/// `json-path`: `{path: "$.a.b", equals: <json>}` (or just the path).
struct JsonPathCheck {
    source: String,
    path: JsonPath,
    equals: Option<Value>,
}

impl JsonPathCheck {
    fn from_spec(spec: &AssertionSpec) -> Result<Self> {
        let bad = |m: String| EvalError::assertion(&spec.kind, m);
        let (source, equals) = match &spec.value {
            Some(Value::String(p)) => (p.clone(), None),
            Some(Value::Object(o)) => {
                if let Some(k) = o.keys().find(|k| *k != "path" && *k != "equals") {
                    return Err(bad(format!(
                        "unknown key `{k}` (expected `path` and `equals`)"
                    )));
                }
                let path = match o.get("path") {
                    Some(Value::String(p)) => p.clone(),
                    Some(other) => {
                        return Err(bad(format!("`path` must be a string, got {other}")));
                    }
                    None => return Err(bad("value needs a `path`".into())),
                };
                (path, o.get("equals").cloned())
            }
            None | Some(Value::Null) => return Err(bad("needs a `value`: {path, equals}".into())),
            Some(other) => {
                return Err(bad(format!(
                    "value must be {{path, equals}} or a path string, got {other}"
                )));
            }
        };
        let path = JsonPath::parse(&source)
            .map_err(|e| bad(format!("invalid JSONPath {source:?}: {e}")))?;
        Ok(JsonPathCheck {
            source,
            path,
            equals,
        })
    }
}

#[async_trait]
impl Evaluator for JsonPathCheck {
    fn name(&self) -> &str {
        "json-path"
    }

    async fn evaluate(&self, _case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let p = &self.source;
        let doc = match parse_output(&out.text) {
            Ok(v) => v,
            Err(e) => {
                return Ok(Score::binary(
                    false,
                    format!(
                        "output is not valid JSON ({e}), so {p} selects nothing: {}",
                        clip(&out.text)
                    ),
                ));
            }
        };
        let nodes = self.path.query(&doc).all();
        let found = match nodes.as_slice() {
            [] => {
                return Ok(Score::binary(
                    false,
                    format!("{p} selects nothing in {}", clip_json(&doc)),
                ));
            }
            [one] => (*one).clone(),
            many => Value::Array(many.iter().map(|v| (*v).clone()).collect()),
        };
        let found_s = clip_json(&found);
        Ok(match &self.equals {
            None => Score::binary(true, format!("{p} selects {found_s}")),
            Some(want) if json_eq(&found, want) => Score::binary(true, format!("{p} is {found_s}")),
            Some(want) => Score::binary(
                false,
                format!("{p} is {found_s}, expected {}", clip_json(want)),
            ),
        })
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
mod tests {
    use llmops_core::EvalOutput;
    use serde_json::json;

    use super::*;
    use crate::evaluators::deterministic::test_support::{build_err, run};

    fn check(spec: AssertionSpec, out: &str) -> Score {
        run(spec, &EvalOutput::text(out)).unwrap()
    }

    fn order_schema() -> Value {
        json!({
            "type": "object",
            "properties": {"order": {"type": "integer"}, "status": {"enum": ["refunded", "open"]}},
            "required": ["order", "status"]
        })
    }

    #[test]
    fn json_equality_is_by_value() {
        assert!(json_eq(
            &json!({"a": [1, 2.0], "b": null}),
            &json!({"b": null, "a": [1.0, 2]})
        ));
        assert!(!json_eq(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
        assert!(!json_eq(&json!([1, 2]), &json!([2, 1])));
        assert!(!json_eq(&json!("1"), &json!(1)));
        assert!(json_eq(&json!(u64::MAX), &json!(u64::MAX)));
        assert!(!json_eq(&json!(-1), &json!(u64::MAX)));
    }

    #[test]
    fn is_json_with_and_without_schema() {
        assert!(check(AssertionSpec::of("is-json"), r#" {"a": 1} "#).pass);
        assert!(check(AssertionSpec::of("is-json"), "[1, 2]").pass);
        assert!(check(AssertionSpec::of("is-json"), "\"text\"").pass);
        let s = check(AssertionSpec::of("is-json"), "{'a': 1}");
        assert!(
            !s.pass
                && s.reason
                    .starts_with("output is not valid JSON (key must be a string"),
            "{}",
            s.reason
        );
        assert!(!check(AssertionSpec::of("is-json"), r#"Sure: {"a": 1}"#).pass);
        let spec = AssertionSpec::new("is-json", order_schema());
        let s = check(spec.clone(), r#"{"order": 1234, "status": "refunded"}"#);
        assert!(s.pass && s.reason.contains("conforms"), "{}", s.reason);
        let s = check(spec.clone(), r#"{"order": "1234", "status": "lost"}"#);
        assert!(!s.pass, "{}", s.reason);
        assert!(
            s.reason.contains("at /order:") && s.reason.contains("at /status:"),
            "{}",
            s.reason
        );
        // a schema may be written as a JSON string
        let spec = AssertionSpec::new("is-json", order_schema().to_string());
        assert!(!check(spec, r#"{"order": 1}"#).pass);
        // "" and no value mean no schema
        assert!(check(AssertionSpec::new("is-json", ""), "1").pass);
    }

    #[test]
    fn contains_json_finds_objects_in_text() {
        let text = "Sure! ```json\n{\"order\": 1234, \"status\": \"open\"}\n``` and {\"note\": {\"x\": 1}} bye {broken";
        let objs = extract_json_objects(text);
        assert_eq!(
            objs,
            vec![
                json!({"order": 1234, "status": "open"}),
                json!({"note": {"x": 1}})
            ]
        );
        assert!(extract_json_objects("no braces, [1, 2]").is_empty());
        assert_eq!(
            extract_json_objects(r#"{"a": "}{"}"#),
            vec![json!({"a": "}{"})]
        );
        assert!(check(AssertionSpec::of("contains-json"), text).pass);
        let s = check(AssertionSpec::of("contains-json"), "no JSON here {nope}");
        assert!(
            !s.pass && s.reason.starts_with("output holds no JSON object"),
            "{}",
            s.reason
        );
        let spec = AssertionSpec::new("contains-json", order_schema());
        assert!(
            check(spec.clone(), &format!("{{\"x\": 1}} then {text}")).pass,
            "a later object conforms"
        );
        let s = check(spec, r#"{"x": 1} and {"order": 5}"#);
        assert!(
            !s.pass && s.reason.contains("2 JSON object(s), none conforms"),
            "{}",
            s.reason
        );
    }

    #[test]
    fn json_path_selects_and_compares() {
        let doc =
            r#"{"order": {"id": 1234, "total": 19.5, "items": [{"sku": "A1"}, {"sku": "B2"}]}}"#;
        let p = |v: Value| AssertionSpec::new("json-path", v);
        assert!(check(p(json!({"path": "$.order.id", "equals": 1234.0})), doc).pass);
        let s = check(p(json!({"path": "$.order.id", "equals": 4321})), doc);
        assert!(
            !s.pass && s.reason == "$.order.id is 1234, expected 4321",
            "{}",
            s.reason
        );
        assert!(
            check(
                p(json!({"path": "$.order.items[*].sku", "equals": ["A1", "B2"]})),
                doc
            )
            .pass
        );
        assert!(
            check(
                p(json!({"path": "$.order.items[?@.sku == 'B2']", "equals": {"sku": "B2"}})),
                doc
            )
            .pass
        );
        assert!(
            check(p(json!("$.order.total")), doc).pass,
            "a bare path checks presence"
        );
        let s = check(p(json!("$.order.coupon")), doc);
        assert!(
            !s.pass && s.reason.starts_with("$.order.coupon selects nothing"),
            "{}",
            s.reason
        );
        let s = check(p(json!({"path": "$.a", "equals": 1})), "not json");
        assert!(
            !s.pass && s.reason.contains("not valid JSON"),
            "{}",
            s.reason
        );
    }

    #[test]
    fn bad_schemas_and_paths_are_build_errors() {
        let e = build_err(AssertionSpec::new("is-json", json!({"type": "thing"})));
        assert!(
            e.starts_with("assertion `is-json`: invalid JSON Schema"),
            "{e}"
        );
        let e = build_err(AssertionSpec::new(
            "contains-json",
            json!({"minLength": -1}),
        ));
        assert!(e.contains("invalid JSON Schema"), "{e}");
        assert!(build_err(AssertionSpec::new("is-json", "{not json")).contains("not JSON"));
        assert!(
            build_err(AssertionSpec::new("is-json", json!(3))).contains("an object or a boolean")
        );
        assert!(
            build_err(AssertionSpec::new("is-json", "file://schema.json"))
                .contains("file references")
        );
        let e = build_err(AssertionSpec::new(
            "json-path",
            json!({"path": "$.a[", "equals": 1}),
        ));
        assert!(
            e.starts_with("assertion `json-path`: invalid JSONPath \"$.a[\""),
            "{e}"
        );
        assert!(
            build_err(AssertionSpec::new("json-path", json!({"equals": 1})))
                .contains("needs a `path`")
        );
        assert!(
            build_err(AssertionSpec::new(
                "json-path",
                json!({"path": "$", "value": 1})
            ))
            .contains("unknown key `value`")
        );
        assert!(build_err(AssertionSpec::of("json-path")).contains("needs a `value`"));
        assert!(build_err(AssertionSpec::new("json-path", json!(["$"]))).contains("path string"));
    }
}
