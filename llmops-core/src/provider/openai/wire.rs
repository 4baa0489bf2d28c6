//! OpenAI chat-completions wire types. Request structs borrow from the [`ChatRequest`] so
//! serialising never copies prompt text; response structs are lenient (every field optional,
//! unknown fields ignored, unknown enum values kept).

use std::borrow::Cow;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Quirks;
use crate::types::{
    ChatRequest, ChatResponse, ContentPart, FinishReason, ImageSource, Message, ResponseFormat,
    Role, ToolCall, ToolChoice, Usage,
};
use crate::{Error, Result};

#[derive(Serialize)]
pub(crate) struct ChatBody<'a> {
    model: &'a str,
    messages: Vec<WireMessage<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<WireTool<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_choice: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_p: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    max_completion_tokens: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    seed: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    response_format: Option<Value>,
    #[serde(skip_serializing_if = "Option::is_none")]
    parallel_tool_calls: Option<bool>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stream: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    stream_options: Option<StreamOptions>,
    #[serde(flatten)]
    extra: &'a BTreeMap<String, Value>,
}

#[derive(Serialize)]
struct StreamOptions {
    include_usage: bool,
}

#[derive(Serialize)]
struct WireMessage<'a> {
    role: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<WireContent<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_calls: Vec<WireToolCall<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_call_id: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum WireContent<'a> {
    Text(&'a str),
    Parts(Vec<WirePart<'a>>),
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum WirePart<'a> {
    Text { text: &'a str },
    ImageUrl { image_url: WireImage<'a> },
}

#[derive(Serialize)]
struct WireImage<'a> {
    url: Cow<'a, str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
}

#[derive(Serialize)]
struct WireToolCall<'a> {
    id: &'a str,
    #[serde(rename = "type")]
    kind: &'static str,
    function: WireFunctionCall<'a>,
}

#[derive(Serialize)]
struct WireFunctionCall<'a> {
    name: &'a str,
    arguments: &'a str,
}

#[derive(Serialize)]
struct WireTool<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    function: WireFunction<'a>,
}

#[derive(Serialize)]
struct WireFunction<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    parameters: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    strict: Option<bool>,
}

impl<'a> ChatBody<'a> {
    /// The request body for `req`. Prompt-cache markers are not sent: OpenAI caches prompt
    /// prefixes automatically.
    pub(crate) fn new(req: &'a ChatRequest, quirks: &Quirks, model: &'a str) -> Result<Self> {
        let p = &req.params;
        let (max_tokens, max_completion_tokens) = if quirks.max_completion_tokens {
            (None, p.max_tokens)
        } else {
            (p.max_tokens, None)
        };
        Ok(ChatBody {
            model,
            messages: req.messages.iter().map(message).collect::<Result<_>>()?,
            tools: req
                .tools
                .iter()
                .map(|t| WireTool {
                    kind: "function",
                    function: WireFunction {
                        name: &t.name,
                        description: &t.description,
                        parameters: &t.parameters,
                        strict: t.strict,
                    },
                })
                .collect(),
            tool_choice: p.tool_choice.as_ref().map(tool_choice),
            temperature: p.temperature,
            top_p: p.top_p,
            max_tokens,
            max_completion_tokens,
            stop: p.stop.as_deref(),
            seed: p.seed,
            response_format: p.response_format.as_ref().map(response_format),
            parallel_tool_calls: if quirks.parallel_tool_calls {
                p.parallel_tool_calls
            } else {
                None
            },
            stream: req.stream,
            stream_options: (req.stream && quirks.include_usage).then_some(StreamOptions {
                include_usage: true,
            }),
            extra: &p.extra,
        })
    }
}

fn message(m: &Message) -> Result<WireMessage<'_>> {
    let role = match m.role {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::Tool => "tool",
    };
    let only_empty_text = m
        .content
        .iter()
        .all(|p| p.as_text().is_some_and(str::is_empty));
    let content = match m.content.as_slice() {
        [] => None,
        _ if only_empty_text && !m.tool_calls.is_empty() => None,
        [ContentPart::Text { text, .. }] => Some(WireContent::Text(text)),
        parts => Some(WireContent::Parts(parts.iter().map(part).collect())),
    };
    if m.role == Role::Tool && m.tool_call_id.is_none() {
        return Err(Error::invalid(
            "a tool message needs the tool_call_id it answers",
        ));
    }
    Ok(WireMessage {
        role,
        content: content.or_else(|| (m.tool_calls.is_empty()).then_some(WireContent::Text(""))),
        tool_calls: m
            .tool_calls
            .iter()
            .map(|c| WireToolCall {
                id: &c.id,
                kind: "function",
                function: WireFunctionCall {
                    name: &c.name,
                    arguments: &c.arguments,
                },
            })
            .collect(),
        tool_call_id: m.tool_call_id.as_deref(),
        name: m.name.as_deref(),
    })
}

fn part(p: &ContentPart) -> WirePart<'_> {
    match p {
        ContentPart::Text { text, .. } => WirePart::Text { text },
        ContentPart::Image { source, detail, .. } => WirePart::ImageUrl {
            image_url: WireImage {
                url: match source {
                    ImageSource::Url { url } => Cow::Borrowed(url.as_str()),
                    ImageSource::Base64 { media_type, data } => {
                        Cow::Owned(format!("data:{media_type};base64,{data}"))
                    }
                },
                detail: detail.as_deref(),
            },
        },
    }
}

fn tool_choice(c: &ToolChoice) -> Value {
    match c {
        ToolChoice::Auto => Value::from("auto"),
        ToolChoice::None => Value::from("none"),
        ToolChoice::Required => Value::from("required"),
        ToolChoice::Tool { name } => {
            serde_json::json!({"type": "function", "function": {"name": name}})
        }
    }
}

fn response_format(f: &ResponseFormat) -> Value {
    match f {
        ResponseFormat::Text => serde_json::json!({"type": "text"}),
        ResponseFormat::JsonObject => serde_json::json!({"type": "json_object"}),
        ResponseFormat::JsonSchema {
            name,
            schema,
            strict,
        } => {
            let mut js = serde_json::json!({"name": name, "schema": schema});
            if let (Some(s), Some(obj)) = (strict, js.as_object_mut()) {
                obj.insert("strict".into(), Value::Bool(*s));
            }
            serde_json::json!({"type": "json_schema", "json_schema": js})
        }
    }
}

// ---------- responses (lenient) ----------

#[derive(Deserialize, Default)]
pub(crate) struct WireResponse {
    #[serde(default)]
    pub(crate) id: Option<String>,
    #[serde(default)]
    pub(crate) model: Option<String>,
    #[serde(default)]
    pub(crate) system_fingerprint: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) choices: Vec<WireChoice>,
    #[serde(default)]
    pub(crate) usage: Option<WireUsage>,
    #[serde(default)]
    pub(crate) error: Option<Value>,
}

#[derive(Deserialize, Default)]
pub(crate) struct WireChoice {
    #[serde(default)]
    pub(crate) message: Option<WireDelta>,
    #[serde(default)]
    pub(crate) delta: Option<WireDelta>,
    #[serde(default)]
    pub(crate) finish_reason: Option<String>,
}

/// A full message or a streamed delta: the same fields.
#[derive(Deserialize, Default)]
pub(crate) struct WireDelta {
    #[serde(default)]
    pub(crate) content: Option<Value>,
    #[serde(default)]
    pub(crate) reasoning_content: Option<String>,
    #[serde(default)]
    pub(crate) refusal: Option<String>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) tool_calls: Vec<WireRespToolCall>,
}

#[derive(Deserialize, Default)]
pub(crate) struct WireRespToolCall {
    #[serde(default)]
    pub(crate) index: Option<usize>,
    #[serde(default)]
    pub(crate) id: Option<String>,
    #[serde(default)]
    pub(crate) function: Option<WireRespFunction>,
}

#[derive(Deserialize, Default)]
pub(crate) struct WireRespFunction {
    #[serde(default)]
    pub(crate) name: Option<String>,
    #[serde(default)]
    pub(crate) arguments: Option<String>,
}

#[derive(Deserialize, Default, Clone, Copy)]
pub(crate) struct WireUsage {
    #[serde(default)]
    prompt_tokens: Option<u64>,
    #[serde(default)]
    completion_tokens: Option<u64>,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
    #[serde(default)]
    completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Deserialize, Default, Clone, Copy)]
struct PromptDetails {
    #[serde(default)]
    cached_tokens: Option<u64>,
}

#[derive(Deserialize, Default, Clone, Copy)]
struct CompletionDetails {
    #[serde(default)]
    reasoning_tokens: Option<u64>,
}

fn null_as_default<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: serde::Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

impl WireUsage {
    pub(crate) fn to_usage(self) -> Usage {
        Usage::new(
            self.prompt_tokens.unwrap_or(0),
            self.completion_tokens.unwrap_or(0),
        )
        .with_cache(
            self.prompt_tokens_details
                .and_then(|d| d.cached_tokens)
                .unwrap_or(0),
            0,
        )
        .with_reasoning(
            self.completion_tokens_details
                .and_then(|d| d.reasoning_tokens)
                .unwrap_or(0),
        )
    }
}

/// `finish_reason` as sent: null and `""` mean none.
pub(crate) fn finish_reason(s: Option<&str>) -> Option<FinishReason> {
    s.filter(|s| !s.is_empty()).map(FinishReason::from)
}

/// The text of a `content` that may be a string, null, or an array of parts.
pub(crate) fn content_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => {
            let mut out = String::new();
            for p in parts {
                if let Some(t) = p.get("text").and_then(Value::as_str) {
                    out.push_str(t);
                }
            }
            Some(out)
        }
        _ => None,
    }
}

impl WireResponse {
    /// A complete response.
    pub(crate) fn into_response(self) -> ChatResponse {
        let mut choice = self.choices.into_iter().next().unwrap_or_default();
        let msg = choice
            .message
            .take()
            .or(choice.delta.take())
            .unwrap_or_default();
        let text = content_text(msg.content.as_ref())
            .or(msg.refusal.clone())
            .unwrap_or_default();
        let calls: Vec<ToolCall> = msg
            .tool_calls
            .into_iter()
            .map(|c| {
                let f = c.function.unwrap_or_default();
                ToolCall::new(
                    c.id.unwrap_or_default(),
                    f.name.unwrap_or_default(),
                    f.arguments.unwrap_or_default(),
                )
            })
            .collect();
        let mut r = ChatResponse::from_message(Message::assistant_tool_calls(text, calls));
        r.finish_reason = finish_reason(choice.finish_reason.as_deref());
        r.usage = self.usage.map(WireUsage::to_usage).unwrap_or_default();
        r.id = self.id;
        r.meta.model_answered = self.model;
        r.system_fingerprint = self.system_fingerprint;
        r
    }
}
