//! [`TypedTool`] and [`tool_fn`]: a [`Tool`] from an argument type and an async function, its
//! parameters' JSON Schema derived from the type with schemars.

use std::future::Future;
use std::marker::PhantomData;

use schemars::JsonSchema;
use schemars::generate::SchemaSettings;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use crate::tool::{Tool, ToolCx};
use crate::types::ToolSpec;
use crate::{Error, Result};

/// The longest tool name providers accept (OpenAI: 64).
pub const MAX_TOOL_NAME: usize = 64;

/// A [`Tool`] made from an argument type `A` and an async function; build it with
/// [`tool_fn`].
///
/// The model's arguments are deserialised into `A` before the function runs: arguments that
/// do not fit are an [`Error::InvalidRequest`] naming the tool and what did not fit, which
/// the tool loop hands back to the model as a tool error (never a panic, never a default).
/// The function's output is serialised to JSON (a `String` output is sent as it is).
pub struct TypedTool<A, F> {
    spec: ToolSpec,
    f: F,
    _args: PhantomData<fn() -> A>,
}

impl<A, F> std::fmt::Debug for TypedTool<A, F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TypedTool")
            .field("spec", &self.spec)
            .finish_non_exhaustive()
    }
}

/// A tool named `name` that the model sees described as `description`, with parameters
/// derived from `A` (an object schema, OpenAI function-calling compatible: inlined
/// sub-schemas, no `$schema`, no root `title`, no non-standard `format`s), running `f`.
///
/// Errors ([`Error::Config`]): a name that providers reject (empty, over 64 characters,
/// other than ASCII letters, digits, `_` and `-`), or an `A` whose schema is not an object.
///
/// ```
/// use llmops_core::{tool_fn, Tool, ToolCx, Caller};
/// use schemars::JsonSchema;
/// use serde::Deserialize;
/// use std::sync::Arc;
///
/// #[derive(Deserialize, JsonSchema)]
/// struct Weather {
///     /// The city and state, e.g. San Francisco, CA
///     location: String,
///     /// Celsius unless asked otherwise.
///     unit: Option<String>,
/// }
///
/// let tool = tool_fn("get_weather", "Current weather for a place", |a: Weather, _cx: ToolCx| async move {
///     Ok(format!("22 degrees {} in {}", a.unit.as_deref().unwrap_or("celsius"), a.location))
/// })?;
/// let params = &tool.spec().parameters;
/// assert_eq!(params["type"], "object");
/// assert_eq!(params["required"], serde_json::json!(["location"]));
/// assert!(params.get("$schema").is_none());
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let cx = ToolCx::new("req-1", Arc::new(Caller::default()), "call_1");
/// let out = tool.call(serde_json::json!({"location": "Paris"}), &cx).await?;
/// assert_eq!(out, "22 degrees celsius in Paris");
/// let bad = tool.call(serde_json::json!({"city": "Paris"}), &cx).await.unwrap_err();
/// assert!(bad.to_string().contains("missing field `location`"));
/// # Ok::<(), llmops_core::Error>(())
/// # }).unwrap();
/// # Ok::<(), llmops_core::Error>(())
/// ```
pub fn tool_fn<A, F, Fut, R>(
    name: impl Into<String>,
    description: impl Into<String>,
    f: F,
) -> Result<TypedTool<A, F>>
where
    A: JsonSchema + DeserializeOwned + Send + 'static,
    F: Fn(A, ToolCx) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R>> + Send + 'static,
    R: Serialize + Send + 'static,
{
    let name = name.into();
    check_tool_name(&name)?;
    let parameters =
        parameters_for::<A>().map_err(|e| Error::config(format!("tool `{name}`: {e}")))?;
    Ok(TypedTool {
        spec: ToolSpec::new(name, description, parameters),
        f,
        _args: PhantomData,
    })
}

impl<A, F> TypedTool<A, F> {
    /// With OpenAI `strict` structured arguments on (the schema must then meet OpenAI's
    /// strict-mode rules: every property required, `additionalProperties: false`).
    #[must_use]
    pub fn strict(mut self, on: bool) -> Self {
        self.spec.strict = Some(on);
        self
    }
}

#[async_trait::async_trait]
impl<A, F, Fut, R> Tool for TypedTool<A, F>
where
    A: JsonSchema + DeserializeOwned + Send + 'static,
    F: Fn(A, ToolCx) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<R>> + Send + 'static,
    R: Serialize + Send + 'static,
{
    fn spec(&self) -> &ToolSpec {
        &self.spec
    }

    async fn call(&self, args: Value, cx: &ToolCx) -> Result<Value> {
        let args: A = serde_json::from_value(args).map_err(|e| {
            Error::invalid(format!(
                "the arguments do not match the parameters of tool `{}`: {e}",
                self.spec.name
            ))
        })?;
        let out = (self.f)(args, cx.clone()).await?;
        Ok(serde_json::to_value(out)?)
    }
}

/// Checks a tool name against what providers accept: 1 to 64 ASCII letters, digits, `_`
/// or `-` (OpenAI's rule; Anthropic's is the same).
///
/// ```
/// use llmops_core::tools::check_tool_name;
/// assert!(check_tool_name("get_weather").is_ok());
/// assert!(check_tool_name("get weather").is_err());
/// ```
pub fn check_tool_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > MAX_TOOL_NAME {
        return Err(Error::config(format!(
            "tool name `{name}` must have 1 to {MAX_TOOL_NAME} characters"
        )));
    }
    if let Some(c) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_' || *c == '-'))
    {
        return Err(Error::config(format!(
            "tool name `{name}` has `{c}`: use ASCII letters, digits, `_` and `-`"
        )));
    }
    Ok(())
}

/// The JSON Schema of `A` as function-calling `parameters`: draft-07 keywords, sub-schemas
/// inlined (recursive types keep `definitions` and `$ref`), no `$schema`, no root `title`,
/// `format`s only from the JSON Schema vocabulary (schemars's `uint32`, `double` ... are
/// dropped: some providers reject them), and always `type: object` with `properties`.
///
/// ```
/// use llmops_core::tools::parameters_for;
/// #[derive(schemars::JsonSchema)]
/// #[allow(dead_code)]
/// struct Args { n: u32 }
/// let p = parameters_for::<Args>()?;
/// assert_eq!(p, serde_json::json!({
///     "type": "object",
///     "properties": {"n": {"type": "integer", "minimum": 0}},
///     "required": ["n"]
/// }));
/// assert!(parameters_for::<u32>().is_err());
/// # Ok::<(), llmops_core::Error>(())
/// ```
pub fn parameters_for<A: JsonSchema>() -> Result<Value> {
    let settings = SchemaSettings::draft07().with(|s| {
        s.inline_subschemas = true;
        s.meta_schema = None;
    });
    let mut schema = settings
        .into_generator()
        .into_root_schema_for::<A>()
        .to_value();
    let Some(root) = schema.as_object_mut() else {
        return Err(Error::config(
            "tool parameters must be a JSON object schema, found a boolean schema",
        ));
    };
    root.remove("$schema");
    root.remove("title");
    if root.get("type").and_then(Value::as_str) != Some("object") {
        return Err(Error::config(format!(
            "tool parameters must be an object (a struct with named fields), found {}",
            root.get("type")
                .map_or_else(|| "no type".to_owned(), Value::to_string)
        )));
    }
    root.entry("properties")
        .or_insert_with(|| Value::Object(Map::new()));
    strip_formats(&mut schema);
    Ok(schema)
}

/// `format` values of the JSON Schema vocabulary (draft 2020-12 and its predecessors).
const STANDARD_FORMATS: [&str; 19] = [
    "date-time",
    "date",
    "time",
    "duration",
    "email",
    "idn-email",
    "hostname",
    "idn-hostname",
    "ipv4",
    "ipv6",
    "uri",
    "uri-reference",
    "iri",
    "iri-reference",
    "uuid",
    "uri-template",
    "json-pointer",
    "relative-json-pointer",
    "regex",
];

/// Removes non-standard `format` keywords everywhere in a schema. A property *named*
/// `format` holds a schema object, not a string, so it stays.
fn strip_formats(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map
                .get("format")
                .and_then(Value::as_str)
                .is_some_and(|f| !STANDARD_FORMATS.contains(&f))
            {
                map.remove("format");
            }
            for child in map.values_mut() {
                strip_formats(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(strip_formats),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use schemars::JsonSchema;
    use serde::Deserialize;
    use serde_json::json;

    use super::*;
    use crate::types::Caller;

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    enum Unit {
        #[serde(rename = "celsius")]
        Celsius,
        #[serde(rename = "fahrenheit")]
        Fahrenheit,
    }

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    struct Weather {
        /// The city and state, e.g. San Francisco, CA
        location: String,
        unit: Option<Unit>,
        /// A field named like a keyword.
        format: Option<String>,
        days: Option<u8>,
        when: Option<Stamp>,
    }

    #[derive(Deserialize, JsonSchema)]
    #[allow(dead_code)]
    struct Stamp {
        #[schemars(with = "String")]
        #[schemars(extend("format" = "date-time"))]
        at: String,
    }

    #[test]
    fn the_schema_is_a_clean_inlined_object() {
        let p = parameters_for::<Weather>().unwrap();
        let text = p.to_string();
        assert!(
            !text.contains("$schema") && !text.contains("$ref") && !text.contains("definitions"),
            "{text}"
        );
        assert_eq!(p["type"], "object");
        assert!(p.get("title").is_none());
        assert_eq!(p["required"], json!(["location"]));
        assert_eq!(
            p["properties"]["location"]["description"],
            "The city and state, e.g. San Francisco, CA"
        );
        // the enum is inlined with its wire names
        let unit = p["properties"]["unit"].to_string();
        assert!(
            unit.contains("celsius") && unit.contains("fahrenheit"),
            "{unit}"
        );
        // schemars's `uint8` format is dropped, the standard `date-time` kept, the property
        // named `format` kept
        assert!(!text.contains("uint8"), "{text}");
        assert_eq!(
            p["properties"]["when"]["properties"]["at"]["format"],
            "date-time"
        );
        assert!(p["properties"]["format"].is_object());
    }

    #[test]
    fn non_object_arguments_are_a_config_error() {
        let e = parameters_for::<Vec<String>>().unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{e}");
        let e = tool_fn("t", "", |_: String, _cx| async { Ok(()) }).unwrap_err();
        assert!(e.to_string().contains("tool `t`"), "{e}");
    }

    #[test]
    fn names_providers_reject_are_refused() {
        for bad in ["", "has space", "dot.ted", "ü", &"x".repeat(65)] {
            assert!(check_tool_name(bad).is_err(), "{bad:?}");
        }
        for ok in ["a", "get_weather", "A-1", &"x".repeat(64)] {
            assert!(check_tool_name(ok).is_ok(), "{ok:?}");
        }
    }

    #[tokio::test]
    async fn arguments_that_do_not_fit_are_an_invalid_request_naming_the_tool() {
        let t = tool_fn("get_weather", "d", |a: Weather, _cx| async move {
            Ok(json!({"where": a.location}))
        })
        .unwrap();
        let cx = ToolCx::new("r", Arc::new(Caller::default()), "c");
        assert_eq!(
            t.call(json!({"location": "Oslo"}), &cx).await.unwrap(),
            json!({"where": "Oslo"})
        );
        let e = t.call(json!({"location": 3}), &cx).await.unwrap_err();
        assert!(matches!(e, Error::InvalidRequest(_)));
        assert!(e.to_string().contains("`get_weather`"), "{e}");
        let e = t
            .call(json!({"location": "x", "unit": "kelvin"}), &cx)
            .await
            .unwrap_err();
        assert!(e.to_string().contains("kelvin"), "{e}");
    }

    #[tokio::test]
    async fn the_function_sees_the_call_context_and_its_error_passes_through() {
        #[derive(Deserialize, JsonSchema)]
        struct NoArgs {}
        let t = tool_fn("who", "d", |_: NoArgs, cx: ToolCx| async move {
            if cx.caller.user.is_none() {
                return Err(Error::invalid("anonymous"));
            }
            Ok(format!("{}:{}", cx.request_id, cx.call_id))
        })
        .unwrap()
        .strict(true);
        assert_eq!(t.spec().strict, Some(true));
        assert_eq!(
            t.spec().parameters,
            json!({"type": "object", "properties": {}})
        );
        let cx = ToolCx::new("r1", Arc::new(Caller::default().user("u")), "c1");
        assert_eq!(t.call(json!({}), &cx).await.unwrap(), json!("r1:c1"));
        let anon = ToolCx::new("r1", Arc::new(Caller::default()), "c1");
        assert!(t.call(json!({}), &anon).await.is_err());
    }
}
