//! Anthropic Messages wire types.
//!
//! Request structs borrow from the [`ChatRequest`] (serialising copies no prompt text twice)
//! and leave absent fields out. Response structs are lenient: unknown block types, unknown
//! fields and unknown stop reasons are ignored or kept, never a failed request.

use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};
use serde_json::Value;

use super::error::{self, WireError};
use crate::types::{
    CacheControl, ChatRequest, ChatResponse, ContentPart, FinishReason, ImageSource, Message,
    ResponseFormat, Role, ToolCall, ToolChoice, Usage,
};
use crate::{Error, Result};

/// What the provider adds to a request: its configuration, and what core resolved.
#[derive(Debug, Clone, Copy)]
pub(crate) struct BodyOptions {
    /// `max_tokens` when the request sets none.
    pub(crate) default_max_tokens: u32,
    /// The seed, if any, came from a client or deployment default rather than the request or
    /// the prompt: it is ignored instead of refused.
    pub(crate) seed_is_default: bool,
}

/// The body of `POST /v1/messages`.
#[derive(Debug, Serialize)]
pub(crate) struct MessagesBody<'a> {
    model: &'a str,
    max_tokens: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<System<'a>>,
    messages: Vec<WireMessage<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tools: Vec<WireTool<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    tool_choice: Option<WireToolChoice<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    temperature: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    top_p: Option<f32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    stop_sequences: Option<&'a [String]>,
    #[serde(skip_serializing_if = "Option::is_none")]
    output_config: Option<Value>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    stream: bool,
    #[serde(flatten)]
    extra: Extra<'a>,
}

/// `params.extra`, minus what was merged elsewhere, written as top-level body fields.
#[derive(Debug)]
struct Extra<'a>(Vec<(&'a str, &'a Value)>);

impl Serialize for Extra<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum System<'a> {
    Text(&'a str),
    Blocks(Vec<Block<'a>>),
}

#[derive(Debug, Serialize)]
struct WireMessage<'a> {
    role: &'static str,
    content: Vec<Block<'a>>,
}

#[derive(Debug, Serialize)]
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

#[derive(Debug, Serialize)]
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
        #[serde(skip_serializing_if = "Option::is_none")]
        content: Option<ToolResultContent<'a>>,
        #[serde(skip_serializing_if = "std::ops::Not::not")]
        is_error: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        cache_control: Option<WireCache<'a>>,
    },
}

#[derive(Debug, Serialize)]
#[serde(untagged)]
enum ToolResultContent<'a> {
    Text(&'a str),
    Blocks(Vec<Block<'a>>),
}

#[derive(Debug, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum ImageSrc<'a> {
    Base64 { media_type: &'a str, data: &'a str },
    Url { url: &'a str },
}

#[derive(Debug, Serialize)]
struct WireTool<'a> {
    name: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    description: &'a str,
    input_schema: &'a Value,
    #[serde(skip_serializing_if = "Option::is_none")]
    cache_control: Option<WireCache<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    strict: Option<bool>,
}

#[derive(Debug, Serialize)]
struct WireToolChoice<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<&'a str>,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    disable_parallel_tool_use: bool,
}

/// An image source. `data:` URLs become base64 sources (the API's `url` source fetches
/// `https:` URLs only).
fn image_source(s: &ImageSource) -> Result<ImageSrc<'_>> {
    match s {
        ImageSource::Base64 { media_type, data } => Ok(ImageSrc::Base64 { media_type, data }),
        ImageSource::Url { url } => match url.strip_prefix("data:") {
            None => Ok(ImageSrc::Url { url }),
            Some(rest) => {
                let (meta, data) = rest.split_once(',').ok_or_else(|| {
                    Error::invalid("an image `data:` URL has no `,` before its data")
                })?;
                let media_type = meta.strip_suffix(";base64").ok_or_else(|| {
                    Error::invalid(
                        "Anthropic takes `data:` image URLs only base64-encoded (`data:image/png;base64,...`)",
                    )
                })?;
                Ok(ImageSrc::Base64 { media_type, data })
            }
        },
    }
}

/// A content part as a block; empty text parts (which the API refuses) are skipped.
fn part(p: &ContentPart, keep_cache: bool) -> Result<Option<Block<'_>>> {
    Ok(match p {
        ContentPart::Text { text, .. } if text.is_empty() => None,
        ContentPart::Text {
            text,
            cache_control,
        } => Some(Block::Text {
            text,
            cache_control: cache(cache_control.as_ref().filter(|_| keep_cache)),
        }),
        ContentPart::Image {
            source,
            cache_control,
            ..
        } => Some(Block::Image {
            source: image_source(source)?,
            cache_control: cache(cache_control.as_ref().filter(|_| keep_cache)),
        }),
    })
}

/// A tool-role message as one `tool_result` block. One text part travels as a string; several
/// parts (text and images) as blocks. A cache marker on any part marks the whole result.
fn tool_result(i: usize, m: &Message) -> Result<Block<'_>> {
    let id = m.tool_call_id.as_deref().ok_or_else(|| {
        Error::invalid(format!(
            "message {i} is a tool result without a tool_call_id"
        ))
    })?;
    if !m.tool_calls.is_empty() {
        return Err(Error::invalid(format!(
            "message {i} is a tool result that also carries tool calls"
        )));
    }
    let parts: Vec<&ContentPart> = m
        .content
        .iter()
        .filter(|p| p.as_text() != Some(""))
        .collect();
    let content = match parts.as_slice() {
        [] => None,
        [ContentPart::Text { text, .. }] => Some(ToolResultContent::Text(text)),
        many => {
            let mut blocks = Vec::with_capacity(many.len());
            for p in many {
                blocks.extend(part(p, false)?);
            }
            Some(ToolResultContent::Blocks(blocks))
        }
    };
    Ok(Block::ToolResult {
        tool_use_id: id,
        content,
        is_error: m.is_error,
        cache_control: cache(m.content.iter().rev().find_map(ContentPart::cache_control)),
    })
}

/// The blocks of a user or assistant message, its tool calls as `tool_use` blocks.
fn turn_blocks<'a>(i: usize, m: &'a Message, out: &mut Vec<Block<'a>>) -> Result<()> {
    let before = out.len();
    for p in &m.content {
        out.extend(part(p, true)?);
    }
    if !m.tool_calls.is_empty() && m.role != Role::Assistant {
        return Err(Error::invalid(format!(
            "message {i} ({}) carries tool calls; only assistant messages can",
            m.role.as_str()
        )));
    }
    for c in &m.tool_calls {
        out.push(tool_use(c)?);
    }
    if out.len() == before {
        return Err(Error::invalid(format!(
            "message {i} ({}) has no content; Anthropic refuses empty turns",
            m.role.as_str()
        )));
    }
    Ok(())
}

/// A tool call as a `tool_use` block: its JSON arguments parsed back into the object the API
/// expects.
fn tool_use(c: &ToolCall) -> Result<Block<'_>> {
    let input = c.args().map_err(|e| {
        Error::invalid(format!(
            "tool call `{}` ({}) has arguments that are not JSON: {e}",
            c.id, c.name
        ))
    })?;
    if !input.is_object() {
        return Err(Error::invalid(format!(
            "tool call `{}` ({}) has arguments that are not a JSON object; Anthropic's tool_use input is one",
            c.id, c.name
        )));
    }
    Ok(Block::ToolUse {
        id: &c.id,
        name: &c.name,
        input,
    })
}

fn system_of(req: &ChatRequest) -> Result<Option<System<'_>>> {
    let mut parts: Vec<&ContentPart> = Vec::new();
    for (i, m) in req.messages.iter().enumerate() {
        if m.role != Role::System {
            continue;
        }
        if !m.tool_calls.is_empty() {
            return Err(Error::invalid(format!(
                "message {i} is a system message with tool calls"
            )));
        }
        for p in &m.content {
            match p {
                ContentPart::Text { text, .. } if text.is_empty() => {}
                ContentPart::Text { .. } => parts.push(p),
                ContentPart::Image { .. } => {
                    return Err(Error::invalid(format!(
                        "message {i}: Anthropic system prompts take text only, not images"
                    )));
                }
            }
        }
    }
    Ok(match parts.as_slice() {
        [] => None,
        [
            ContentPart::Text {
                text,
                cache_control: None,
            },
        ] => Some(System::Text(text)),
        many => {
            let mut blocks = Vec::with_capacity(many.len());
            for p in many {
                blocks.extend(part(p, true)?);
            }
            Some(System::Blocks(blocks))
        }
    })
}

fn messages_of(req: &ChatRequest) -> Result<Vec<WireMessage<'_>>> {
    let mut messages: Vec<WireMessage<'_>> = Vec::with_capacity(req.messages.len());
    for (i, m) in req.messages.iter().enumerate() {
        let role = match m.role {
            Role::System => continue,
            Role::Assistant => "assistant",
            Role::User | Role::Tool => "user",
        };
        let mut blocks = Vec::with_capacity(m.content.len() + m.tool_calls.len());
        if m.role == Role::Tool {
            blocks.push(tool_result(i, m)?);
        } else {
            turn_blocks(i, m, &mut blocks)?;
        }
        match messages.last_mut() {
            // consecutive messages of one role form one turn (the API would combine them too)
            Some(last) if last.role == role => last.content.extend(blocks),
            _ => messages.push(WireMessage {
                role,
                content: blocks,
            }),
        }
    }
    if messages.is_empty() {
        return Err(Error::invalid(
            "the request has no user message; Anthropic needs at least one",
        ));
    }
    for m in &mut messages {
        // the API wants a turn's tool results before anything else in it
        let is_result = |b: &Block<'_>| matches!(b, Block::ToolResult { .. });
        let misplaced = m
            .content
            .iter()
            .skip_while(|b| is_result(b))
            .any(&is_result);
        if misplaced {
            let (mut results, rest): (Vec<_>, Vec<_>) = std::mem::take(&mut m.content)
                .into_iter()
                .partition(is_result);
            results.extend(rest);
            m.content = results;
        }
    }
    Ok(messages)
}

fn tool_choice_of(req: &ChatRequest) -> Option<WireToolChoice<'_>> {
    let p = &req.params;
    let mut choice = p.tool_choice.as_ref().map(|c| match c {
        ToolChoice::Auto => WireToolChoice {
            kind: "auto",
            name: None,
            disable_parallel_tool_use: false,
        },
        ToolChoice::None => WireToolChoice {
            kind: "none",
            name: None,
            disable_parallel_tool_use: false,
        },
        ToolChoice::Required => WireToolChoice {
            kind: "any",
            name: None,
            disable_parallel_tool_use: false,
        },
        ToolChoice::Tool { name } => WireToolChoice {
            kind: "tool",
            name: Some(name),
            disable_parallel_tool_use: false,
        },
    });
    if p.parallel_tool_calls == Some(false) {
        let c = choice.get_or_insert(WireToolChoice {
            kind: "auto",
            name: None,
            disable_parallel_tool_use: false,
        });
        // `none` calls no tool at all: nothing to disable
        c.disable_parallel_tool_use = c.kind != "none";
    }
    choice
}

impl<'a> MessagesBody<'a> {
    /// The request body. What the Messages API cannot express (an explicit seed, a
    /// `json_object` response format, an extra field that collides with one llmops sets) is a
    /// typed [`Error::InvalidRequest`], never silently dropped.
    pub(crate) fn new(req: &'a ChatRequest, model: &'a str, opts: BodyOptions) -> Result<Self> {
        let p = &req.params;
        if p.seed.is_some() && !opts.seed_is_default {
            return Err(Error::invalid(
                "Anthropic's Messages API has no `seed` parameter; remove it from this request (a seed set as a client default is ignored for Anthropic)",
            ));
        }
        let format = match &p.response_format {
            None | Some(ResponseFormat::Text) => None,
            Some(ResponseFormat::JsonSchema { schema, .. }) => {
                Some(serde_json::json!({"type": "json_schema", "schema": schema}))
            }
            Some(ResponseFormat::JsonObject) => {
                return Err(Error::invalid(
                    "Anthropic has no schema-less JSON mode (`json_object`); give a schema with ResponseFormat::JsonSchema (sent as `output_config.format`)",
                ));
            }
        };
        let system = system_of(req)?;
        let messages = messages_of(req)?;
        let tools: Vec<WireTool<'a>> = req
            .tools
            .iter()
            .map(|t| WireTool {
                name: &t.name,
                description: &t.description,
                input_schema: &t.parameters,
                cache_control: cache(t.cache_control.as_ref()),
                strict: t.strict.filter(|s| *s),
            })
            .collect();
        let tool_choice = tool_choice_of(req);
        let stop_sequences = p.stop.as_deref().filter(|s| !s.is_empty());

        let carried = |k: &str| match k {
            "model" | "messages" | "max_tokens" | "stream" => true,
            "system" => system.is_some(),
            "tools" => !tools.is_empty(),
            "tool_choice" => tool_choice.is_some(),
            "temperature" => p.temperature.is_some(),
            "top_p" => p.top_p.is_some(),
            "stop_sequences" => stop_sequences.is_some(),
            _ => false,
        };
        let mut extra = Vec::with_capacity(p.extra.len());
        let mut extra_output_config: Option<&Value> = None;
        for (k, v) in &p.extra {
            if carried(k) {
                return Err(Error::invalid(format!(
                    "params.extra sets `{k}`, which llmops already sets from the request; set it through the request instead"
                )));
            }
            if k == "output_config" && format.is_some() {
                extra_output_config = Some(v);
                continue;
            }
            extra.push((k.as_str(), v));
        }
        let output_config = match (format, extra_output_config) {
            (None, _) => None,
            (Some(f), None | Some(Value::Null)) => Some(serde_json::json!({ "format": f })),
            (Some(f), Some(Value::Object(o))) => {
                if o.contains_key("format") {
                    return Err(Error::invalid(
                        "both response_format and params.extra.output_config.format are set; keep one",
                    ));
                }
                let mut o = o.clone();
                o.insert("format".into(), f);
                Some(Value::Object(o))
            }
            (Some(_), Some(_)) => {
                return Err(Error::invalid(
                    "params.extra.output_config must be a JSON object",
                ));
            }
        };

        Ok(MessagesBody {
            model,
            max_tokens: p.max_tokens.unwrap_or(opts.default_max_tokens),
            system,
            messages,
            tools,
            tool_choice,
            temperature: p.temperature,
            top_p: p.top_p,
            stop_sequences,
            output_config,
            stream: req.stream,
            extra: Extra(extra),
        })
    }
}

// ---------- responses ----------

/// Usage as Anthropic reports it: `input_tokens` excludes the cached tokens, which come apart.
/// Every field is optional because stream events report only what changed.
#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct WireUsage {
    #[serde(default)]
    input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens: Option<u64>,
    #[serde(default)]
    cache_creation_input_tokens: Option<u64>,
    #[serde(default)]
    cache_read_input_tokens: Option<u64>,
    #[serde(default)]
    output_tokens_details: Option<OutputDetails>,
}

#[derive(Debug, Deserialize, Default, Clone, Copy, PartialEq, Eq)]
struct OutputDetails {
    #[serde(default)]
    thinking_tokens: Option<u64>,
}

impl WireUsage {
    /// Our usage: `input_tokens` includes the cache reads and writes.
    pub(crate) fn to_usage(self) -> Usage {
        let read = self.cache_read_input_tokens.unwrap_or(0);
        let write = self.cache_creation_input_tokens.unwrap_or(0);
        let input = self
            .input_tokens
            .unwrap_or(0)
            .saturating_add(read)
            .saturating_add(write);
        let thinking = self
            .output_tokens_details
            .and_then(|d| d.thinking_tokens)
            .unwrap_or(0);
        Usage::new(input, self.output_tokens.unwrap_or(0))
            .with_cache(read, write)
            .with_reasoning(thinking)
    }

    /// Merges a later report of the same message: counts present in it replace earlier ones
    /// (stream counts are cumulative).
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
        if let Some(t) = o.output_tokens_details.and_then(|d| d.thinking_tokens) {
            self.output_tokens_details = Some(OutputDetails {
                thinking_tokens: Some(t),
            });
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
enum RespBlock {
    Text {
        #[serde(default)]
        text: String,
    },
    ToolUse {
        #[serde(default)]
        id: String,
        #[serde(default)]
        name: String,
        #[serde(default)]
        input: Option<Value>,
    },
    /// thinking, redacted_thinking, server tool blocks, blocks of future versions
    #[serde(other)]
    Other,
}

/// A Messages API response (or, from some gateways, an error object with status 200).
#[derive(Debug, Deserialize)]
pub(crate) struct WireResponse {
    #[serde(default, rename = "type")]
    kind: Option<String>,
    #[serde(default)]
    id: Option<String>,
    #[serde(default)]
    model: Option<String>,
    #[serde(default)]
    content: Option<Vec<RespBlock>>,
    #[serde(default)]
    stop_reason: Option<String>,
    #[serde(default)]
    usage: Option<WireUsage>,
    #[serde(default)]
    error: Option<WireError>,
}

/// A stop reason as sent; `null` or empty means none yet.
pub(crate) fn stop_reason(s: Option<&str>) -> Option<FinishReason> {
    s.filter(|s| !s.is_empty()).map(FinishReason::from)
}

impl WireResponse {
    /// Our response; an error object is a classified error.
    pub(crate) fn into_response(self, provider: &str, raw: &str) -> Result<ChatResponse> {
        if let Some(err) = &self.error
            && (self.kind.as_deref() == Some("error") || self.content.is_none())
        {
            return Err(error::from_event(provider, err, raw).into());
        }
        let mut text = String::new();
        let mut calls = Vec::new();
        for b in self.content.unwrap_or_default() {
            match b {
                RespBlock::Text { text: t } => text.push_str(&t),
                RespBlock::ToolUse { id, name, input } => {
                    let args = match input {
                        None | Some(Value::Null) => "{}".to_owned(),
                        Some(v) => v.to_string(),
                    };
                    calls.push(ToolCall::new(id, name, args));
                }
                RespBlock::Other => {}
            }
        }
        let mut r = ChatResponse::from_message(Message::assistant_tool_calls(text, calls));
        r.finish_reason = stop_reason(self.stop_reason.as_deref());
        r.usage = self.usage.map(WireUsage::to_usage).unwrap_or_default();
        r.id = self.id;
        r.meta.model_answered = self.model;
        Ok(r)
    }
}

#[cfg(test)]
mod tests;
