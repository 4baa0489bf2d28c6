//! Declared input schemas in Dotprompt's Picoschema shape.
//!
//! ```yaml
//! input:
//!   schema:
//!     question: string, what the user asked
//!     tone?: string
//!     max_words?: integer
//!     tags(array): string
//!     customer(object):
//!       name: string
//!       tier?(enum): [free, pro]
//!   default:
//!     tone: friendly
//! ```
//!
//! A key ending in `?` is optional; `name(array)`, `name(object)` and `name(enum)` declare
//! containers (an optional description follows a comma: `name(array, the tags)`); a nested
//! map without parentheses is an object; `(*)` in an object allows any other key with the
//! given type. Scalar types: `string`, `number`, `integer`, `boolean`, `null`, `any`.

use std::collections::BTreeMap;

use serde_json::Value;

/// The type of one declared field.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum FieldType {
    /// A JSON string.
    String,
    /// Any JSON number.
    Number,
    /// A whole number (`3` or `3.0`).
    Integer,
    /// `true` or `false`.
    Boolean,
    /// `null`.
    Null,
    /// Any value.
    Any,
    /// An array whose items have the given type.
    Array(Box<FieldType>),
    /// An object with declared fields.
    Object(ObjectSchema),
    /// One of the listed values.
    Enum(Vec<Value>),
}

impl FieldType {
    /// The Picoschema name of the type (`string`, `array`, ...).
    pub fn name(&self) -> &'static str {
        match self {
            FieldType::String => "string",
            FieldType::Number => "number",
            FieldType::Integer => "integer",
            FieldType::Boolean => "boolean",
            FieldType::Null => "null",
            FieldType::Any => "any",
            FieldType::Array(_) => "array",
            FieldType::Object(_) => "object",
            FieldType::Enum(_) => "enum",
        }
    }
}

/// One declared field: its type, whether it is required, and its description.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Field {
    /// The declared type.
    pub ty: FieldType,
    /// `false` when the key was written with a trailing `?`.
    pub required: bool,
    /// The text after the comma, if any.
    pub description: Option<String>,
}

/// The fields of an object; unknown keys are rejected unless a `(*)` wildcard is declared.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ObjectSchema {
    /// Declared fields by name.
    pub fields: BTreeMap<String, Field>,
    /// The type of any other key, from `(*)`.
    pub wildcard: Option<Box<FieldType>>,
}

/// A prompt's declared inputs: the schema (if any) and default values.
///
/// ```
/// use llmops_core::prompts::InputSchema;
/// let schema = serde_json::json!({"question": "string", "tone?": "string"});
/// let input = InputSchema::from_picoschema(Some(&schema), Default::default())?;
/// assert!(input.schema.as_ref().unwrap().fields["question"].required);
/// # Ok::<(), String>(())
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct InputSchema {
    /// The declared variables, or `None` when the prompt declares no schema (then any
    /// variable is accepted, and an undefined one is still an error at render).
    pub schema: Option<ObjectSchema>,
    /// Values used for variables the caller does not pass.
    pub defaults: BTreeMap<String, Value>,
}

/// A schema violation: the dotted path of the variable and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Violation {
    /// Dotted path (`customer.name`, `tags[2]`).
    pub variable: String,
    /// What is wrong.
    pub message: String,
}

impl InputSchema {
    /// Builds a schema from the Picoschema value of `input.schema` and the defaults of
    /// `input.default`; the defaults are checked against the schema. The error is a message.
    pub fn from_picoschema(
        schema: Option<&Value>,
        defaults: BTreeMap<String, Value>,
    ) -> Result<Self, String> {
        let schema = match schema {
            None | Some(Value::Null) => None,
            Some(Value::Object(map)) => Some(parse_object(map, "")?),
            Some(other) => {
                return Err(format!(
                    "input.schema must be a map of variables, found {}",
                    json_kind(other)
                ));
            }
        };
        let input = InputSchema { schema, defaults };
        if let Some(obj) = &input.schema {
            for (name, value) in &input.defaults {
                match obj.fields.get(name) {
                    Some(field) => check_value(&field.ty, value, name)
                        .map_err(|v| format!("default for `{}`: {}", v.variable, v.message))?,
                    None if obj.wildcard.is_some() => {}
                    None => return Err(format!("default for undeclared variable `{name}`")),
                }
            }
        }
        Ok(input)
    }

    /// Merges defaults into `vars` and checks the result: a required variable missing, a value
    /// of the wrong type, or (when a schema is declared) an undeclared variable is a
    /// [`Violation`].
    pub fn apply(
        &self,
        vars: &BTreeMap<String, Value>,
    ) -> Result<BTreeMap<String, Value>, Violation> {
        self.apply_iter(vars.iter())
    }

    /// [`InputSchema::apply`] over any `(name, value)` pairs (a JSON object's, say).
    pub fn apply_iter<'a>(
        &self,
        vars: impl Iterator<Item = (&'a String, &'a Value)>,
    ) -> Result<BTreeMap<String, Value>, Violation> {
        let mut merged: BTreeMap<String, Value> =
            vars.map(|(k, v)| (k.clone(), v.clone())).collect();
        for (k, v) in &self.defaults {
            merged.entry(k.clone()).or_insert_with(|| v.clone());
        }
        if let Some(obj) = &self.schema {
            check_object(obj, merged.iter(), "")?;
        }
        Ok(merged)
    }
}

fn json_kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

fn join(prefix: &str, name: &str) -> String {
    if prefix.is_empty() {
        name.to_owned()
    } else {
        format!("{prefix}.{name}")
    }
}

/// Splits `type, description` at the first comma.
fn split_description(s: &str) -> (&str, Option<String>) {
    match s.split_once(',') {
        Some((ty, desc)) => (
            ty.trim(),
            Some(desc.trim().to_owned()).filter(|d| !d.is_empty()),
        ),
        None => (s.trim(), None),
    }
}

fn scalar(ty: &str, path: &str) -> Result<FieldType, String> {
    Ok(match ty {
        "string" => FieldType::String,
        "number" => FieldType::Number,
        "integer" => FieldType::Integer,
        "boolean" => FieldType::Boolean,
        "null" => FieldType::Null,
        "any" => FieldType::Any,
        other => {
            return Err(format!(
                "`{path}`: unknown type `{other}` (expected string, number, integer, boolean, null or any)"
            ));
        }
    })
}

/// Parses a type value: a `type[, description]` string or a nested map (an object).
fn parse_type(value: &Value, path: &str) -> Result<(FieldType, Option<String>), String> {
    match value {
        Value::String(s) => {
            let (ty, desc) = split_description(s);
            Ok((scalar(ty, path)?, desc))
        }
        Value::Object(map) => Ok((FieldType::Object(parse_object(map, path)?), None)),
        other => Err(format!(
            "`{path}`: expected a type name or a map, found {}",
            json_kind(other)
        )),
    }
}

fn parse_object(
    map: &serde_json::Map<String, Value>,
    prefix: &str,
) -> Result<ObjectSchema, String> {
    let mut obj = ObjectSchema::default();
    for (key, value) in map {
        if key == "(*)" {
            let (ty, _) = parse_type(value, &join(prefix, "(*)"))?;
            obj.wildcard = Some(Box::new(ty));
            continue;
        }
        let (head, paren) = match key.split_once('(') {
            Some((head, rest)) => {
                let inner = rest
                    .strip_suffix(')')
                    .ok_or_else(|| format!("`{}`: unclosed `(` in the key", join(prefix, key)))?;
                (head, Some(inner))
            }
            None => (key.as_str(), None),
        };
        let (name, required) = match head.strip_suffix('?') {
            Some(n) => (n.trim(), false),
            None => (head.trim(), true),
        };
        if name.is_empty() {
            return Err(format!("`{}`: empty variable name", join(prefix, key)));
        }
        let path = join(prefix, name);
        let (ty, description) = match paren {
            None => parse_type(value, &path)?,
            Some(inner) => {
                let (kind, desc) = split_description(inner);
                let ty = match kind {
                    "array" => {
                        FieldType::Array(Box::new(parse_type(value, &format!("{path}[]"))?.0))
                    }
                    "object" => match value {
                        Value::Object(m) => FieldType::Object(parse_object(m, &path)?),
                        other => {
                            return Err(format!(
                                "`{path}`: an object needs a map of fields, found {}",
                                json_kind(other)
                            ));
                        }
                    },
                    "enum" => match value {
                        Value::Array(items) => FieldType::Enum(items.clone()),
                        other => {
                            return Err(format!(
                                "`{path}`: an enum needs a list of values, found {}",
                                json_kind(other)
                            ));
                        }
                    },
                    other => {
                        return Err(format!(
                            "`{path}`: unknown container `{other}` (expected array, object or enum)"
                        ));
                    }
                };
                (ty, desc)
            }
        };
        obj.fields.insert(
            name.to_owned(),
            Field {
                ty,
                required,
                description,
            },
        );
    }
    Ok(obj)
}

fn violation(variable: &str, message: String) -> Violation {
    Violation {
        variable: variable.to_owned(),
        message,
    }
}

fn check_object<'a>(
    obj: &ObjectSchema,
    entries: impl Iterator<Item = (&'a String, &'a Value)> + Clone,
    prefix: &str,
) -> Result<(), Violation> {
    for (name, field) in &obj.fields {
        let present = entries
            .clone()
            .any(|(k, v)| k == name && (!v.is_null() || field.ty == FieldType::Null));
        if field.required && !present {
            return Err(violation(
                &join(prefix, name),
                "required variable is missing".to_owned(),
            ));
        }
    }
    for (key, value) in entries {
        let path = join(prefix, key);
        match (obj.fields.get(key), &obj.wildcard) {
            (Some(field), _) => {
                if value.is_null() && !field.required {
                    continue;
                }
                check_value(&field.ty, value, &path)?;
            }
            (None, Some(ty)) => check_value(ty, value, &path)?,
            (None, None) => {
                return Err(violation(
                    &path,
                    "variable is not declared in the input schema".to_owned(),
                ));
            }
        }
    }
    Ok(())
}

fn check_value(ty: &FieldType, value: &Value, path: &str) -> Result<(), Violation> {
    let ok = match (ty, value) {
        (FieldType::Any, _)
        | (FieldType::String, Value::String(_))
        | (FieldType::Number, Value::Number(_))
        | (FieldType::Boolean, Value::Bool(_))
        | (FieldType::Null, Value::Null) => true,
        (FieldType::Integer, Value::Number(n)) => {
            n.is_i64() || n.is_u64() || n.as_f64().is_some_and(|f| f.fract() == 0.0)
        }
        (FieldType::Enum(options), v) => {
            if options.contains(v) {
                true
            } else {
                return Err(violation(
                    path,
                    format!("{v} is not one of {}", Value::Array(options.clone())),
                ));
            }
        }
        (FieldType::Array(item), Value::Array(items)) => {
            for (i, v) in items.iter().enumerate() {
                check_value(item, v, &format!("{path}[{i}]"))?;
            }
            true
        }
        (FieldType::Object(obj), Value::Object(map)) => {
            check_object(obj, map.iter(), path)?;
            true
        }
        _ => false,
    };
    if ok {
        Ok(())
    } else {
        Err(violation(
            path,
            format!("expected {}, found {}", ty.name(), json_kind(value)),
        ))
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

    fn schema(v: Value) -> InputSchema {
        InputSchema::from_picoschema(Some(&v), BTreeMap::new()).unwrap()
    }

    fn vars(v: Value) -> BTreeMap<String, Value> {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn parses_picoschema_shapes() {
        let s = schema(json!({
            "q": "string, the question",
            "n?": "integer",
            "tags(array, labels)": "string",
            "c(object)": {"name": "string", "tier?(enum)": ["free", "pro"]},
            "meta": {"(*)": "any"},
        }));
        let obj = s.schema.unwrap();
        assert_eq!(obj.fields["q"].description.as_deref(), Some("the question"));
        assert!(!obj.fields["n"].required);
        assert_eq!(
            obj.fields["tags"].ty,
            FieldType::Array(Box::new(FieldType::String))
        );
        assert!(matches!(obj.fields["c"].ty, FieldType::Object(_)));
        assert!(matches!(&obj.fields["meta"].ty, FieldType::Object(o) if o.wildcard.is_some()));
    }

    #[test]
    fn rejects_bad_types() {
        let err = InputSchema::from_picoschema(Some(&json!({"q": "strin"})), BTreeMap::new());
        assert!(err.unwrap_err().contains("unknown type `strin`"));
        let err =
            InputSchema::from_picoschema(Some(&json!({"q(list)": "string"})), BTreeMap::new());
        assert!(err.unwrap_err().contains("unknown container"));
    }

    #[test]
    fn checks_types_missing_and_unknown() {
        let s = schema(json!({"q": "string", "n?": "integer", "c(object)": {"name": "string"}}));
        assert!(
            s.apply(&vars(json!({"q": "hi", "n": 3.0, "c": {"name": "x"}})))
                .is_ok()
        );
        let e = s.apply(&vars(json!({"c": {"name": "x"}}))).unwrap_err();
        assert_eq!(e.variable, "q");
        let e = s
            .apply(&vars(json!({"q": "hi", "n": 1.5, "c": {"name": "x"}})))
            .unwrap_err();
        assert_eq!(
            (e.variable.as_str(), e.message.as_str()),
            ("n", "expected integer, found number")
        );
        let e = s
            .apply(&vars(json!({"q": "hi", "c": {"name": "x", "age": 3}})))
            .unwrap_err();
        assert_eq!(e.variable, "c.age");
        let e = s
            .apply(&vars(json!({"q": "hi", "c": {"name": "x"}, "z": 1})))
            .unwrap_err();
        assert_eq!(e.variable, "z");
    }

    #[test]
    fn defaults_fill_and_are_checked() {
        let s = InputSchema::from_picoschema(
            Some(&json!({"q": "string"})),
            vars(json!({"q": "default"})),
        )
        .unwrap();
        assert_eq!(s.apply(&BTreeMap::new()).unwrap()["q"], json!("default"));
        let bad =
            InputSchema::from_picoschema(Some(&json!({"q": "string"})), vars(json!({"q": 1})));
        assert!(bad.unwrap_err().contains("default for `q`"));
    }
}
