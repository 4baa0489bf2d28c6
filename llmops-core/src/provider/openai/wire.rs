//! OpenAI chat-completions wire types.
//!
//! Request structs borrow from the [`ChatRequest`], so serialising never copies prompt text
//! (a base64 image becomes its `data:` URL while it is written, not before). Response structs
//! are lenient: every field optional, unknown fields ignored, unknown enum values kept, numbers
//! accepted in whatever JSON form a server writes them.

use std::collections::BTreeMap;
use std::fmt;

use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::Quirks;
use crate::types::{
    ChatRequest, ContentPart, FinishReason, ImageSource, Message, ResponseFormat, Role, ToolChoice,
    ToolSpec, Usage,
};
use crate::{Error, Result};

/// Body fields `params.extra` may not replace: the request would no longer be the one asked.
const RESERVED: [&str; 3] = ["model", "messages", "stream"];

/// The `/chat/completions` request body.
///
/// Serialised by hand so that `params.extra` is merged into the body: a key of `extra` replaces
/// the field llmops would have sent under that name (`max_tokens` for a server that wants it,
/// `stream_options` with more options ...), every other key is added.
pub(crate) struct ChatBody<'a> {
    model: &'a str,
    messages: Vec<WireMessage<'a>>,
    tools: &'a [ToolSpec],
    req: &'a ChatRequest,
    quirks: Quirks,
}

impl<'a> ChatBody<'a> {
    /// The body for `req` (whose `model` is already the provider-side name).
    ///
    /// Prompt-cache markers are not sent: OpenAI caches prompt prefixes automatically. A tool
    /// result's `is_error` has no OpenAI field; the result text carries the failure.
    pub(crate) fn new(req: &'a ChatRequest, quirks: Quirks) -> Result<Self> {
        if let Some(k) = RESERVED.iter().find(|k| req.params.extra.contains_key(**k)) {
            return Err(Error::invalid(format!(
                "params.extra may not set `{k}`: it is part of the request itself"
            )));
        }
        Ok(ChatBody {
            model: &req.model,
            messages: req
                .messages
                .iter()
                .enumerate()
                .map(|(i, m)| message(i, m))
                .collect::<Result<_>>()?,
            tools: &req.tools,
            req,
            quirks,
        })
    }
}

impl Serialize for ChatBody<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let p = &self.req.params;
        let extra = &p.extra;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("model", self.model)?;
        m.serialize_entry("messages", &self.messages)?;
        // A field is written unless `extra` replaces it.
        let mut field = |m: &mut S::SerializeMap, key: &str, v: Option<&dyn erased::Ser>| match v {
            Some(v) if !extra.contains_key(key) => m.serialize_entry(key, &erased::Wrap(v)),
            _ => Ok(()),
        };
        let tools: Vec<WireTool<'_>> = self.tools.iter().map(WireTool::from).collect();
        field(&mut m, "tools", (!tools.is_empty()).then_some(&tools))?;
        let choice = p.tool_choice.as_ref().map(WireToolChoice);
        field(&mut m, "tool_choice", choice.as_ref().map(|c| c as _))?;
        field(
            &mut m,
            "temperature",
            p.temperature.as_ref().map(|v| v as _),
        )?;
        field(&mut m, "top_p", p.top_p.as_ref().map(|v| v as _))?;
        let max_key = if self.quirks.max_completion_tokens {
            "max_completion_tokens"
        } else {
            "max_tokens"
        };
        field(&mut m, max_key, p.max_tokens.as_ref().map(|v| v as _))?;
        field(&mut m, "stop", p.stop.as_ref().map(|v| v as _))?;
        let seed_key = if self.quirks.random_seed {
            "random_seed"
        } else {
            "seed"
        };
        field(&mut m, seed_key, p.seed.as_ref().map(|v| v as _))?;
        let format = p.response_format.as_ref().map(WireFormat);
        field(&mut m, "response_format", format.as_ref().map(|f| f as _))?;
        let parallel = p
            .parallel_tool_calls
            .filter(|_| self.quirks.parallel_tool_calls);
        field(
            &mut m,
            "parallel_tool_calls",
            parallel.as_ref().map(|v| v as _),
        )?;
        if self.req.stream {
            m.serialize_entry("stream", &true)?;
            let opts = StreamOptions {
                include_usage: true,
            };
            let opts = self.quirks.include_usage.then_some(&opts);
            field(&mut m, "stream_options", opts.map(|o| o as _))?;
        }
        for (k, v) in extra {
            m.serialize_entry(k, v)?;
        }
        m.end()
    }
}

/// Object-safe serialisation of the heterogeneous optional fields above.
mod erased {
    use serde::{Serialize, Serializer};

    /// Anything serialisable to JSON text.
    pub(super) trait Ser {
        fn ser(&self, s: &mut serde_json::Serializer<&mut Vec<u8>>) -> serde_json::Result<()>;
        fn to_value(&self) -> serde_json::Result<serde_json::Value>;
    }

    impl<T: Serialize> Ser for T {
        fn ser(&self, s: &mut serde_json::Serializer<&mut Vec<u8>>) -> serde_json::Result<()> {
            self.serialize(s)
        }
        fn to_value(&self) -> serde_json::Result<serde_json::Value> {
            serde_json::to_value(self)
        }
    }

    /// Serialises the wrapped value with whatever serializer asks.
    pub(super) struct Wrap<'a>(pub(super) &'a dyn Ser);

    impl Serialize for Wrap<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            // `serde_json::to_vec` is the only serializer the provider uses; going through a
            // `RawValue`-free JSON buffer keeps this generic without `erased-serde`.
            let mut buf = Vec::with_capacity(64);
            let mut js = serde_json::Serializer::new(&mut buf);
            self.0.ser(&mut js).map_err(serde::ser::Error::custom)?;
            match serde_json::from_slice::<&serde_json::value::RawValueLike>(&buf) {
                Ok(_) | Err(_) => {}
            }
            let v = self.0.to_value().map_err(serde::ser::Error::custom)?;
            v.serialize(s)
        }
    }
}
