//! Anthropic Messages wire types. Requests borrow from the [`ChatRequest`]; responses are
//! lenient (unknown block types and fields ignored, unknown stop reasons kept).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::types::{
    CacheControl, ChatRequest, ChatResponse, ContentPart, FinishReason, ImageSource, Message,
    ResponseFormat, Role, ToolCall, ToolChoice, Usage,
};
use crate::{Error, Result};

#[derive(Serialize)]
pub(crate) struct MessagesBody<'a> {
    model: &'a str,
    max_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<System<'a>>,
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
    stop_sequences: Option<&'a [String]>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stream: bool,
    #[serde(flatten)]
    extra: &'a BTreeMap<String, Value>,
}

#[derive(Serialize)]
#[serde(untagged)]
enum System<'a> {
    Text(&'a str),
    Blocks(Vec<Block<'a>>),
}

#[derive(Serialize)]
struct WireMessage<'a> {
    role: &'static str,
    content: Vec<Block<'a>>,
}

#[derive(Serialize)]
struct WireCache<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    ttl: Option<&'a str>,
}

fn cache(c: Option<&CacheControl>) -> Option<WireCache<'_>> {
    c.map(|c| match c {
        CacheControl::Ephemeral { ttl } => WireCache {
            kind: "ephemeral",
            ttl: ttl.as_deref(),
        },
    })
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum Block<'a> {
    Text {
        text: &'a str,
        #[serde(skip_serializing_if = "Option::is_none")]
        cache_control: Option<WireCache<'a>>,
    },
    Image {
        source: ImageSrc<'a>,
        #[serde(skip_serializing_if = "Option::is_none")]
        cache_control: Option<WireCache<'a>>,
    },
    ToolUse {
        id: &'a str,
        name: &'a str,
        input: Value,
    },
    ToolResult {
        tool_use_id: &'a str,
        content: &'a str,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        is_error: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        cache_control: Option<WireCache<'a>>,
    },
}

#[derive(Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ImageSrc<'a> {
    Base64 { media_type: &'a str, data: &'a str },
    Url { url: &'a str },
}

#[derive(Serialize)]
struct WireTool<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    input_schema: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    cache_control: Option<WireCache<'a>>,
}

fn part(p: &ContentPart) -> Block<'_> {
    match p {
        ContentPart::Text {
            text,
            cache_control,
        } => Block::Text {
            text,
            cache_control: cache(cache_control.as_ref()),
        },
        ContentPart::Image {
            source,
            cache_control,
            ..
        } => Block::Image {
            source: match source {
                ImageSource::Base64 { media_type, data } => ImageSrc::Base64 { media_type, data },
                ImageSource::Url { url } => ImageSrc::Url { url },
            },
            cache_control: cache(cache_control.as_ref()),
        },
    }
}

fn blocks(m: &Message) -> Result<Vec<Block<'_>>> {
    let mut out = Vec::with_capacity(m.content.len() + m.tool_calls.len());
    match m.role {
        Role::Tool => {
            let id = m
                .tool_call_id
                .as_deref()
                .ok_or_else(|| Error::invalid("a tool message needs its tool_call_id"))?;
            // our tool results are text; the cache marker of their last part applies to the block
            let text = match m.content.as_slice() {
                [ContentPart::Text { text, .. }] => text.as_str(),
                [] => "",
                _ => {
                    return Err(Error::invalid(
                        "Anthropic tool results must be a single text part",
                    ));
                }
            };
            out.push(Block::ToolResult {
                tool_use_id: id,
                content: text,
                is_error: m.is_error,
                cache_control: cache(m.content.last().and_then(ContentPart::cache_control)),
            });
        }
        _ => {
            out.extend(
                m.content
                    .iter()
                    .filter(|p| p.as_text() != Some(""))
                    .map(part),
            );
            for c in &m.tool_calls {
                let input = c.args().map_err(|e| {
                    Error::invalid(format!(
                        "tool call `{}` has arguments that are not JSON: {e}",
                        c.id
                    ))
                })?;
                out.push(Block::ToolUse {
                    id: &c.id,
                    name: &c.name,
                    input,
                });
            }
        }
    }
    Ok(out)
}

impl<'a> MessagesBody<'a> {
    /// The request body. Errors for what the Messages API cannot express (a seed, a
    /// response format other than text), rather than dropping it silently.
    pub(crate) fn new(
        req: &'a ChatRequest,
        model: &'a str,
        default_max_tokens: u32,
    ) -> Result<Self> {
        let p = &req.params;
        if p.seed.is_some() {
            return Err(Error::invalid(
                "Anthropic's Messages API has no `seed` parameter",
            ));
        }
        match &p.response_format {
            None | Some(ResponseFormat::Text) => {}
            Some(_) => {
                return Err(Error::invalid(
                    "Anthropic's Messages API has no `response_format`: describe the JSON in the prompt, or force a tool call with a JSON-schema tool",
                ));
            }
        }
        let mut system_parts: Vec<&ContentPart> = Vec::new();
        let mut messages: Vec<WireMessage<'a>> = Vec::new();
        for m in req.messages.iter() {
            if m.role == Role::System {
                system_parts.extend(m.content.iter());
                continue;
            }
            let role = if m.role == Role::Assistant {
                "assistant"
            } else {
                "user"
            };
            let content = blocks(m)?;
            match messages.last_mut() {
                // consecutive messages of one role (several tool results) merge into one turn
                Some(last) if last.role == role => last.content.extend(content),
                _ => messages.push(WireMessage { role, content }),
            }
        }
        let system = match system_parts.as_slice() {
            [] => None,
            [
                ContentPart::Text {
                    text,
                    cache_control: None,
                },
            ] => Some(System::Text(text)),
            parts => {
                if parts.iter().any(|p| p.as_text().is_none()) {
                    return Err(Error::invalid("Anthropic system prompts take text only"));
                }
                Some(System::Blocks(parts.iter().map(|p| part(p)).collect()))
            }
        };
        let mut tool_choice = p.tool_choice.as_ref().map(|c| match c {
            ToolChoice::Auto => serde_json::json!({"type": "auto"}),
            ToolChoice::None => serde_json::json!({"type": "none"}),
            ToolChoice::Required => serde_json::json!({"type": "any"}),
            ToolChoice::Tool { name } => serde_json::json!({"type": "tool", "name": name}),
        });
        if p.parallel_tool_calls == Some(false) {
            let tc = tool_choice.get_or_insert_with(|| serde_json::json!({"type": "auto"}));
            if let Some(o) = tc.as_object_mut() {
                o.insert("disable_parallel_tool_use".into(), Value::Bool(true));
            }
        }
        Ok(MessagesBody {
            model,
            max_tokens: p.max_tokens.unwrap_or(default_max_tokens),
            system,
            messages,
            tools: req
                .tools
                .iter()
                .map(|t| WireTool {
                    name: &t.name,
                    description: &t.description,
                    input_schema: &t.parameters,
                    cache_control: cache(t.cache_control.as_ref()),
                })
                .collect(),
            tool_choice,
            temperature: p.temperature,
            top_p: p.top_p,
            stop_sequences: p.stop.as_deref(),
            stream: req.stream,
            extra: &p.extra,
        })
    }
}

// ---------- responses ----------

#[derive(Deserialize, Default, Clone, Copy)]
pub(crate) struct WireUsage {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
}

impl WireUsage {
    /// Our usage: `input_tokens` includes the cached ones.
    pub(crate) fn to_usage(self) -> Usage {
        let read = self.cache_read_input_tokens.unwrap_or(0);
        let write = self.cache_creation_input_tokens.unwrap_or(0);
        Usage::new(
            self.input_tokens.unwrap_or(0) + read + write,
            self.output_tokens.unwrap_or(0),
        )
        .with_cache(read, write)
    }

    /// Fields present in a later (delta) report replace the earlier ones.
    pub(crate) fn update(&mut self, o: &WireUsage) {
        macro_rules! take {
            ($($f:ident),*) => { $( if o.$f.is_some() { self.$f = o.$f; } )* };
        }
        take!(
            input_tokens,
            output_tokens,
            cache_creation_input_tokens,
            cache_read_input_tokens
        );
    }
}

#[derive(Deserialize)]
pub(crate) struct WireResponse {
    #[serde(default)]
    pub(crate) id: Option<String>,
    #[serde(default)]
    pub(crate) model: Option<String>,
    #[serde(default)]
    pub(crate) content: Vec<Value>,
    #[serde(default)]
    pub(crate) stop_reason: Option<String>,
    #[serde(default)]
    pub(crate) usage: Option<WireUsage>,
}

/// A stop reason as sent: null means none.
pub(crate) fn stop_reason(s: Option<&str>) -> Option<FinishReason> {
    s.filter(|s| !s.is_empty()).map(FinishReason::from)
}

impl WireResponse {
    pub(crate) fn into_response(self) -> ChatResponse {
        let mut text = String::new();
        let mut calls = Vec::new();
        for b in &self.content {
            match b.get("type").and_then(Value::as_str) {
                Some("text") => text.push_str(b.get("text").and_then(Value::as_str).unwrap_or("")),
                Some("tool_use") => calls.push(ToolCall::new(
                    b.get("id").and_then(Value::as_str).unwrap_or(""),
                    b.get("name").and_then(Value::as_str).unwrap_or(""),
                    b.get("input")
                        .map(Value::to_string)
                        .unwrap_or_else(|| "{}".into()),
                )),
                _ => {} // thinking, redacted_thinking, server tool blocks ...: not part of the answer text
            }
        }
        let mut r = ChatResponse::from_message(Message::assistant_tool_calls(text, calls));
        r.finish_reason = stop_reason(self.stop_reason.as_deref());
        r.usage = self.usage.map(WireUsage::to_usage).unwrap_or_default();
        r.id = self.id;
        r.meta.model_answered = self.model;
        r
    }
}
