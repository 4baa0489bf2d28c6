//! Tool definitions, tool choice and tool calls as they travel on the wire.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::message::CacheControl;

/// A tool the model may call: name, description and JSON-schema parameters.
///
/// ```
/// use llmops_core::ToolSpec;
/// let t = ToolSpec::new("get_weather", "Current weather for a city",
///     serde_json::json!({"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}));
/// assert_eq!(t.name, "get_weather");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolSpec {
    /// The name the model calls it by.
    pub name: String,
    /// What it does, for the model.
    #[serde(default)]
    pub description: String,
    /// JSON Schema of the arguments object.
    pub parameters: Value,
    /// OpenAI `strict` structured arguments.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strict: Option<bool>,
    /// Prompt-cache marker (Anthropic caches tool definitions up to a marked one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache_control: Option<CacheControl>,
}

impl ToolSpec {
    /// A tool definition.
    pub fn new(name: impl Into<String>, description: impl Into<String>, parameters: Value) -> Self {
        ToolSpec {
            name: name.into(),
            description: description.into(),
            parameters,
            strict: None,
            cache_control: None,
        }
    }
}

/// Whether and which tool the model must call.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ToolChoice {
    /// The model decides.
    Auto,
    /// No tool calls.
    None,
    /// At least one tool call (OpenAI `required`, Anthropic `any`).
    Required,
    /// This tool.
    Tool {
        /// The tool's name.
        name: String,
    },
}

/// A tool call made by the model. `arguments` is the raw JSON text the model produced: it
/// may be invalid, so it is parsed on use ([`ToolCall::args`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolCall {
    /// The provider's call id, echoed back in the tool result.
    pub id: String,
    /// The tool's name.
    pub name: String,
    /// The arguments as JSON text.
    pub arguments: String,
}

impl ToolCall {
    /// A tool call.
    pub fn new(
        id: impl Into<String>,
        name: impl Into<String>,
        arguments: impl Into<String>,
    ) -> Self {
        ToolCall {
            id: id.into(),
            name: name.into(),
            arguments: arguments.into(),
        }
    }

    /// The arguments parsed as JSON (an empty string is `{}`).
    pub fn args(&self) -> crate::Result<Value> {
        if self.arguments.trim().is_empty() {
            return Ok(Value::Object(Default::default()));
        }
        Ok(serde_json::from_str(&self.arguments)?)
    }
}
