//! OpenAI chat-completions wire types.
//!
//! Request structs borrow from the [`ChatRequest`], so serialising never copies prompt text
//! (a base64 image becomes its `data:` URL while it is written, not before). Response structs
//! are lenient: every field optional, unknown fields ignored, unknown enum values kept, token
//! counts accepted in whatever JSON number form a server writes them.

use std::fmt;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::Quirks;
use crate::types::{
    ChatRequest, ChatResponse, ContentPart, FinishReason, ImageSource, Message, ResponseFormat,
    Role, ToolCall, ToolChoice, ToolSpec, Usage,
};
use crate::{Error, Result};

/// Body fields `params.extra` may not replace: the request would no longer be the one asked.
const RESERVED: [&str; 3] = ["model", "messages", "stream"];

/// The `/chat/completions` request body.
///
/// Serialised by hand so that `params.extra` is merged into the body: a key of `extra` replaces
/// the field llmops would have sent under that name (`max_tokens` for a server that wants that
/// spelling, `stream_options` with more options ...); every other key is added.
pub(crate) struct ChatBody<'a> {
    req: &'a ChatRequest,
    messages: Vec<WireMessage<'a>>,
    quirks: Quirks,
}

impl<'a> ChatBody<'a> {
    /// The body for `req`, whose `model` is already the provider-side name.
    ///
    /// Prompt-cache markers are not sent: OpenAI caches prompt prefixes automatically. A tool
    /// result's `is_error` has no OpenAI field; the result text carries the failure.
    pub(crate) fn new(req: &'a ChatRequest, quirks: Quirks) -> Result<Self> {
        if let Some(k) = RESERVED.iter().find(|k| req.params.extra.contains_key(**k)) {
            return Err(Error::invalid(format!(
                "params.extra may not set `{k}`: it is part of the request itself"
            )));
        }
        let messages = req
            .messages
            .iter()
            .enumerate()
            .map(|(i, m)| message(i, m))
            .collect::<Result<_>>()?;
        Ok(ChatBody {
            req,
            messages,
            quirks,
        })
    }
}

impl Serialize for ChatBody<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let p = &self.req.params;
        let extra = &p.extra;
        let mut m = s.serialize_map(None)?;
        // Writes `key: value` when there is a value and `extra` does not replace it.
        macro_rules! field {
            ($key:expr, $value:expr) => {
                if let Some(v) = $value {
                    if !extra.contains_key($key) {
                        m.serialize_entry($key, &v)?;
                    }
                }
            };
        }
        m.serialize_entry("model", &self.req.model)?;
        m.serialize_entry("messages", &self.messages)?;
        field!(
            "tools",
            (!self.req.tools.is_empty()).then_some(WireTools(&self.req.tools))
        );
        field!("tool_choice", p.tool_choice.as_ref().map(WireToolChoice));
        field!("temperature", p.temperature);
        field!("top_p", p.top_p);
        let max_key = if self.quirks.max_completion_tokens {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        field!(max_key, p.max_tokens);
        field!("stop", p.stop.as_ref().filter(|s| !s.is_empty()));
        let seed_key = if self.quirks.random_seed {
            "random_seed"
        } else {
            "seed"
        };
        field!(seed_key, p.seed);
        field!(
            "response_format",
            p.response_format.as_ref().map(WireFormat)
        );
        field!(
            "parallel_tool_calls",
            p.parallel_tool_calls
                .filter(|_| self.quirks.parallel_tool_calls)
        );
        if self.req.stream {
            m.serialize_entry("stream", &true)?;
            field!(
                "stream_options",
                self.quirks.include_usage.then_some(StreamOptions {
                    include_usage: true
                })
            );
        }
        for (k, v) in extra {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
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

/// A message's content: a plain string when it is one text part, else an array of parts.
enum WireContent<'a> {
    Text(&'a str),
    Parts(&'a [ContentPart]),
}

impl Serialize for WireContent<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            WireContent::Text(t) => s.serialize_str(t),
            WireContent::Parts(parts) => s.collect_seq(parts.iter().map(WirePart)),
        }
    }
}

/// `{"type":"text","text":…}` or `{"type":"image_url","image_url":{"url":…,"detail":…}}`.
struct WirePart<'a>(&'a ContentPart);

impl Serialize for WirePart<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(Some(2))?;
        match self.0 {
            ContentPart::Text { text, .. } => {
                m.serialize_entry("type", "text")?;
                m.serialize_entry("text", text)?;
            }
            ContentPart::Image { source, detail, .. } => {
                m.serialize_entry("type", "image_url")?;
                m.serialize_entry(
                    "image_url",
                    &WireImage {
                        url: ImageUrl(source),
                        detail: detail.as_deref(),
                    },
                )?;
            }
        }
        m.end()
    }
}

#[derive(Serialize)]
struct WireImage<'a> {
    url: ImageUrl<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    detail: Option<&'a str>,
}

/// The image URL as sent; base64 data is written as a `data:` URL without building it first.
struct ImageUrl<'a>(&'a ImageSource);

impl Serialize for ImageUrl<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl fmt::Display for ImageUrl<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            ImageSource::Url { url } => f.write_str(url),
            ImageSource::Base64 { media_type, data } => {
                write!(f, "data:{media_type};base64,{data}")
            }
        }
    }
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

/// `tools`: `[{"type":"function","function":{name, description, parameters, strict}}]`.
struct WireTools<'a>(&'a [ToolSpec]);

impl Serialize for WireTools<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(|t| WireTool {
            kind: "function",
            function: WireFunction {
                name: &t.name,
                description: &t.description,
                parameters: &t.parameters,
                strict: t.strict,
            },
        }))
    }
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

/// `"auto"`, `"none"`, `"required"` or `{"type":"function","function":{"name":…}}`.
struct WireToolChoice<'a>(&'a ToolChoice);

impl Serialize for WireToolChoice<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Named<'a> {
            #[serde(rename = "type")]
            kind: &'static str,
            function: Name<'a>,
        }
        #[derive(Serialize)]
        struct Name<'a> {
            name: &'a str,
        }
        match self.0 {
            ToolChoice::Auto => s.serialize_str("auto"),
            ToolChoice::None => s.serialize_str("none"),
            ToolChoice::Required => s.serialize_str("required"),
            ToolChoice::Tool { name } => Named {
                kind: "function",
                function: Name { name },
            }
            .serialize(s),
        }
    }
}

/// `{"type":"text"}`, `{"type":"json_object"}` or
/// `{"type":"json_schema","json_schema":{name, schema, strict}}`.
struct WireFormat<'a>(&'a ResponseFormat);

impl Serialize for WireFormat<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        #[derive(Serialize)]
        struct Schema<'a> {
            name: &'a str,
            schema: &'a Value,
            #[serde(skip_serializing_if = "Option::is_none")]
            strict: Option<bool>,
        }
        let mut m = s.serialize_map(None)?;
        match self.0 {
            ResponseFormat::Text => m.serialize_entry("type", "text")?,
            ResponseFormat::JsonObject => m.serialize_entry("type", "json_object")?,
            ResponseFormat::JsonSchema {
                name,
                schema,
                strict,
            } => {
                m.serialize_entry("type", "json_schema")?;
                m.serialize_entry(
                    "json_schema",
                    &Schema {
                        name,
                        schema,
                        strict: *strict,
                    },
                )?;
            }
        }
        m.end()
    }
}

fn message(i: usize, m: &Message) -> Result<WireMessage<'_>> {
    let role = match m.role {
        Role::System => "system",
        Role::User => "user",
        Role::Assistant => "assistant",
        Role::Tool => "tool",
    };
    if m.role == Role::Tool && m.tool_call_id.is_none() {
        return Err(Error::invalid(format!(
            "message {i} has role tool but no tool_call_id"
        )));
    }
    let all_empty_text = m
        .content
        .iter()
        .all(|p| p.as_text().is_some_and(str::is_empty));
    let content = match m.content.as_slice() {
        // an assistant turn that only calls tools sends no content
        _ if all_empty_text && !m.tool_calls.is_empty() => None,
        [] => Some(WireContent::Text("")),
        // cache markers are not sent, so a single text part is a plain string
        [ContentPart::Text { text, .. }] => Some(WireContent::Text(text)),
        parts => Some(WireContent::Parts(parts)),
    };
    Ok(WireMessage {
        role,
        content,
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
        // the tool message schema has no `name`; OpenAI refuses unknown message fields
        name: m.name.as_deref().filter(|_| m.role != Role::Tool),
    })
}

// ---------- responses and stream chunks (lenient) ----------

/// A chat completion, a stream chunk, or an error payload: the same lenient shape.
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
    /// Groq reported stream usage here before it supported `stream_options`.
    #[serde(default)]
    pub(crate) x_groq: Option<XGroq>,
    #[serde(default)]
    pub(crate) error: Option<Value>,
}

#[derive(Deserialize, Default)]
pub(crate) struct XGroq {
    #[serde(default)]
    pub(crate) usage: Option<WireUsage>,
}

#[derive(Deserialize, Default)]
pub(crate) struct WireChoice {
    /// Missing on some servers' chunks; read as 0.
    #[serde(default, deserialize_with = "lenient_u64")]
    pub(crate) index: Option<u64>,
    #[serde(default)]
    pub(crate) message: Option<WireDelta>,
    #[serde(default)]
    pub(crate) delta: Option<WireDelta>,
    #[serde(default)]
    pub(crate) finish_reason: Option<Value>,
}

/// A full message or a streamed delta: the same fields.
#[derive(Deserialize, Default)]
pub(crate) struct WireDelta {
    #[serde(default)]
    pub(crate) content: Option<Value>,
    /// DeepSeek, vLLM (older), many compatible servers.
    #[serde(default)]
    pub(crate) reasoning_content: Option<Value>,
    /// vLLM (newer), OpenRouter.
    #[serde(default)]
    pub(crate) reasoning: Option<Value>,
    #[serde(default)]
    pub(crate) refusal: Option<Value>,
    #[serde(default, deserialize_with = "null_as_default")]
    pub(crate) tool_calls: Vec<WireRespToolCall>,
}

#[derive(Deserialize, Default)]
pub(crate) struct WireRespToolCall {
    #[serde(default, deserialize_with = "lenient_u64")]
    pub(crate) index: Option<u64>,
    #[serde(default)]
    pub(crate) id: Option<String>,
    #[serde(default)]
    pub(crate) function: Option<WireRespFunction>,
}

#[derive(Deserialize, Default)]
pub(crate) struct WireRespFunction {
    #[serde(default)]
    pub(crate) name: Option<String>,
    /// A string on the wire; some servers send the arguments as a JSON object.
    #[serde(default)]
    pub(crate) arguments: Option<Value>,
}

#[derive(Deserialize, Default, Clone, Copy)]
pub(crate) struct WireUsage {
    #[serde(default, deserialize_with = "lenient_u64")]
    prompt_tokens: Option<u64>,
    #[serde(default, deserialize_with = "lenient_u64")]
    completion_tokens: Option<u64>,
    #[serde(default)]
    prompt_tokens_details: Option<PromptDetails>,
    #[serde(default)]
    completion_tokens_details: Option<CompletionDetails>,
}

#[derive(Deserialize, Default, Clone, Copy)]
struct PromptDetails {
    #[serde(default, deserialize_with = "lenient_u64")]
    cached_tokens: Option<u64>,
}

#[derive(Deserialize, Default, Clone, Copy)]
struct CompletionDetails {
    #[serde(default, deserialize_with = "lenient_u64")]
    reasoning_tokens: Option<u64>,
}

fn null_as_default<'de, D, T>(d: D) -> std::result::Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Default + Deserialize<'de>,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// A count written as an integer, a float (`12.0`) or a numeric string; anything else is
/// "not given".
fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> std::result::Result<Option<u64>, D::Error> {
    Ok(match Value::deserialize(d)? {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64()
                .filter(|f| f.is_finite() && *f >= 0.0)
                .map(|f| f.round() as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    })
}

impl WireUsage {
    /// Our usage: cached prompt tokens are part of `input_tokens` at OpenAI too.
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

impl WireResponse {
    /// The usage of this response or chunk, wherever the server put it.
    pub(crate) fn usage(&self) -> Option<Usage> {
        self.usage
            .or_else(|| self.x_groq.as_ref().and_then(|x| x.usage))
            .map(WireUsage::to_usage)
    }

    /// The first choice (`index` 0, or missing), the one llmops reads.
    pub(crate) fn take_first_choice(&mut self) -> Option<WireChoice> {
        let pos = self
            .choices
            .iter()
            .position(|c| c.index.unwrap_or(0) == 0)?;
        Some(self.choices.swap_remove(pos))
    }

    /// A complete (non-streamed) response; `None` when it has no choice at all.
    pub(crate) fn into_response(mut self) -> Option<ChatResponse> {
        let choice = self.take_first_choice()?;
        let msg = choice.message.or(choice.delta).unwrap_or_default();
        // a refusal is the model's answer; without it there would be no text at all
        let text = content_text(msg.content.as_ref())
            .filter(|t| !t.is_empty())
            .or_else(|| text_of(msg.refusal.as_ref()))
            .unwrap_or_default();
        let calls: Vec<ToolCall> = msg
            .tool_calls
            .into_iter()
            .map(|c| {
                let f = c.function.unwrap_or_default();
                ToolCall::new(
                    c.id.unwrap_or_default(),
                    f.name.unwrap_or_default(),
                    arguments_text(f.arguments),
                )
            })
            .collect();
        let usage = self.usage();
        let mut r = ChatResponse::from_message(Message::assistant_tool_calls(text, calls));
        r.finish_reason = finish_reason(choice.finish_reason.as_ref());
        r.usage = usage.unwrap_or_default();
        r.id = self.id;
        r.meta.model_answered = self.model;
        r.system_fingerprint = self.system_fingerprint;
        Some(r)
    }
}

/// `finish_reason` as sent: null and `""` mean none; known spellings map onto
/// [`FinishReason`]; anything else is kept as [`FinishReason::Other`].
pub(crate) fn finish_reason(v: Option<&Value>) -> Option<FinishReason> {
    match v? {
        Value::Null => None,
        Value::String(s) if s.is_empty() => None,
        Value::String(s) => Some(FinishReason::from(s.as_str())),
        other => Some(FinishReason::Other(other.to_string())),
    }
}

/// The text of a `content` that may be a string, null, or an array of parts.
pub(crate) fn content_text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Array(parts) => {
            let mut out = String::new();
            for p in parts {
                match p {
                    Value::String(s) => out.push_str(s),
                    _ => {
                        if let Some(t) = p.get("text").and_then(Value::as_str) {
                            out.push_str(t);
                        }
                    }
                }
            }
            Some(out)
        }
        _ => None,
    }
}

/// A string field (`refusal`, `reasoning_content`); other JSON types are not text.
pub(crate) fn text_of(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) if !s.is_empty() => Some(s.clone()),
        _ => None,
    }
}

/// Tool-call arguments as JSON text (a string as sent; an object written out).
pub(crate) fn arguments_text(v: Option<Value>) -> String {
    match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s,
        Some(other) => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn body(req: &ChatRequest, q: Quirks) -> Value {
        serde_json::to_value(ChatBody::new(req, q).unwrap()).unwrap()
    }

    #[test]
    fn extra_replaces_or_adds_fields_and_reserved_keys_are_refused() {
        let req = ChatRequest::new("m")
            .user("hi")
            .max_tokens(5)
            .param("max_tokens", json!(7))
            .param("top_k", json!(40));
        let b = body(&req, Quirks::COMPATIBLE);
        assert_eq!(b["max_tokens"], 7);
        assert_eq!(b["top_k"], 40);
        let s = serde_json::to_string(&ChatBody::new(&req, Quirks::COMPATIBLE).unwrap()).unwrap();
        assert_eq!(s.matches("max_tokens").count(), 1, "{s}");
        let bad = ChatRequest::new("m").user("hi").param("model", json!("x"));
        assert!(matches!(
            ChatBody::new(&bad, Quirks::COMPATIBLE),
            Err(Error::InvalidRequest(_))
        ));
    }

    #[test]
    fn quirks_rename_or_drop_fields() {
        let mut req = ChatRequest::new("m").user("hi").max_tokens(9).seed(3);
        req.params.parallel_tool_calls = Some(false);
        req.stream = true;
        let b = body(&req, Quirks::OPENAI);
        assert_eq!(b["max_completion_tokens"], 9);
        assert_eq!(b["seed"], 3);
        assert_eq!(b["parallel_tool_calls"], false);
        assert_eq!(b["stream_options"], json!({"include_usage": true}));
        let q = Quirks::COMPATIBLE
            .with_include_usage(false)
            .with_random_seed(true)
            .with_parallel_tool_calls(false);
        let b = body(&req, q);
        assert_eq!(b["max_tokens"], 9);
        assert_eq!(b["random_seed"], 3);
        assert!(b.get("seed").is_none() && b.get("stream_options").is_none());
        assert!(b.get("parallel_tool_calls").is_none());
        assert_eq!(b["stream"], true);
    }

    #[test]
    fn cached_single_text_part_is_a_plain_string_and_tool_messages_carry_no_name() {
        let mut tool = Message::tool_result("c1", "42");
        tool.name = Some("calc".into());
        let req = ChatRequest::new("m")
            .message(Message::system("stable").cached())
            .message(tool);
        let b = body(&req, Quirks::COMPATIBLE);
        assert_eq!(
            b["messages"][0],
            json!({"role": "system", "content": "stable"})
        );
        assert_eq!(
            b["messages"][1],
            json!({"role": "tool", "content": "42", "tool_call_id": "c1"})
        );
        assert!(req.messages[0].content[0].cache_control().is_some());
    }

    #[test]
    fn lenient_numbers_and_finish_reasons() {
        let r: WireResponse = serde_json::from_value(json!({
            "choices": [{"message": {"content": "x"}, "finish_reason": 7}],
            "usage": {"prompt_tokens": 3.0, "completion_tokens": "2", "prompt_tokens_details": null}
        }))
        .unwrap();
        let r = r.into_response().unwrap();
        assert_eq!(r.usage, Usage::new(3, 2));
        assert_eq!(r.finish_reason, Some(FinishReason::Other("7".into())));
        let none: WireResponse = serde_json::from_value(json!({"choices": []})).unwrap();
        assert!(none.into_response().is_none());
    }
}
