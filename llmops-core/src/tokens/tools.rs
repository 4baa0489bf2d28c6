//! Tokens of tool definitions, as the OpenAI cookbook counts them.
//!
//! The cookbook's `num_tokens_for_tools` ("How to count tokens with tiktoken", the section on
//! function calling) renders each function as `name:description` and each top-level property
//! as `key:type:description`, and adds fixed overheads fitted against the API: 7 tokens per
//! function for o200k models (10 for cl100k), 3 before the properties, 3 per property, 3 per
//! enum value minus 3 per enum, and 12 after the last function. A trailing `.` of a
//! description is dropped. The cookbook covers flat schemas; nested properties (objects,
//! arrays of objects, `anyOf` ...) are counted the same way, one level at a time, and the
//! count is then flagged estimated.

use serde_json::Value;

use super::{Encoding, Tiktoken, TokenCount, TokenCounter};
use crate::ToolSpec;

const PROP_INIT: i64 = 3;
const PROP_KEY: i64 = 3;
const ENUM_INIT: i64 = -3;
const ENUM_ITEM: i64 = 3;
const FUNC_END: i64 = 12;

/// The tokens of `tools` for a model counted with `text`.
pub(crate) fn tool_tokens(text: &Tiktoken, tools: &[ToolSpec]) -> TokenCount {
    if tools.is_empty() {
        return TokenCount::counted(0);
    }
    let func_init: i64 = match text.encoding() {
        Encoding::Cl100kBase => 10,
        Encoding::O200kBase => 7,
    };
    let mut exact = true;
    let mut n: i64 = 0;
    for t in tools {
        n += func_init;
        let desc = t.description.strip_suffix('.').unwrap_or(&t.description);
        n += count(text, &format!("{}:{desc}", t.name));
        n += properties(text, &t.parameters, &mut exact, 0);
    }
    n += FUNC_END;
    TokenCount::counted(u64::try_from(n.max(0)).unwrap_or(0)).exact_if(exact)
}

fn count(text: &Tiktoken, s: &str) -> i64 {
    i64::try_from(text.count(s)).unwrap_or(i64::MAX)
}

/// The tokens of an object schema's `properties` (nested levels flag the count estimated).
fn properties(text: &Tiktoken, schema: &Value, exact: &mut bool, depth: usize) -> i64 {
    let Some(props) = schema.get("properties").and_then(Value::as_object) else {
        if schema.get("anyOf").is_some() || schema.get("oneOf").is_some() {
            *exact = false;
        }
        return 0;
    };
    if props.is_empty() {
        return 0;
    }
    if depth > 0 {
        *exact = false;
    }
    let mut n = PROP_INIT;
    for (key, p) in props {
        n += PROP_KEY;
        let ty = match p.get("type") {
            Some(Value::String(s)) => s.clone(),
            Some(other) => {
                *exact = false;
                other.to_string()
            }
            None => {
                *exact = false;
                String::new()
            }
        };
        if let Some(items) = p.get("enum").and_then(Value::as_array) {
            n += ENUM_INIT;
            for item in items {
                n += ENUM_ITEM;
                n += match item {
                    Value::String(s) => count(text, s),
                    other => count(text, &other.to_string()),
                };
            }
        }
        let desc = p.get("description").and_then(Value::as_str).unwrap_or("");
        let desc = desc.strip_suffix('.').unwrap_or(desc);
        n += count(text, &format!("{key}:{ty}:{desc}"));
        // nested objects, and arrays of objects
        n += properties(text, p, exact, depth + 1);
        if let Some(items) = p.get("items") {
            n += properties(text, items, exact, depth + 1);
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The cookbook's example function, worked by hand from its formula and tiktoken counts.
    #[test]
    fn cookbook_weather_function() {
        let t = Tiktoken::new(Encoding::O200kBase);
        let tool = ToolSpec::new(
            "get_current_weather",
            "Get the current weather in a given location",
            json!({
                "type": "object",
                "properties": {
                    "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                    "unit": {"type": "string", "description": "The unit of temperature to return", "enum": ["celsius", "fahrenheit"]}
                },
                "required": ["location"]
            }),
        );
        let line = |s: &str| t.count(s) as u64;
        let expected = 7
            + line("get_current_weather:Get the current weather in a given location")
            + 3
            + 3
            + line("location:string:The city and state, e.g. San Francisco, CA")
            + 3
            + (3 + line("celsius") + 3 + line("fahrenheit"))
            - 3
            + line("unit:string:The unit of temperature to return")
            + 12;
        let got = tool_tokens(&t, std::slice::from_ref(&tool));
        assert_eq!(got, TokenCount::counted(expected));
        // cl100k models start each function with 10
        let cl = Tiktoken::new(Encoding::Cl100kBase);
        assert!(tool_tokens(&cl, &[tool]).is_exact());
        assert_eq!(tool_tokens(&t, &[]), TokenCount::counted(0));
    }

    #[test]
    fn nested_schemas_are_estimated() {
        let t = Tiktoken::new(Encoding::O200kBase);
        let tool = ToolSpec::new(
            "book",
            "",
            json!({"type": "object", "properties": {"trip": {"type": "object", "properties": {"from": {"type": "string"}}}}}),
        );
        let c = tool_tokens(&t, std::slice::from_ref(&tool));
        assert!(!c.is_exact());
        let flat = ToolSpec::new(
            "book",
            "",
            json!({"type": "object", "properties": {"trip": {"type": "object"}}}),
        );
        assert!(c.tokens > tool_tokens(&t, &[flat]).tokens);
    }
}
