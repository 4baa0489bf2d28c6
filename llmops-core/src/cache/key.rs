//! [`CacheKey`]: a 128-bit hash (xxh3-128) of a canonical form of everything that affects a
//! reply, scoped by tenant.
//!
//! What goes in, in this order (each field tagged and length-prefixed, so no two different
//! requests can produce the same byte stream):
//!
//! - the key format version and the cache's namespace;
//! - the scope: the tenant (and the user, with [`CacheBuilder::per_user`](super::CacheBuilder::per_user));
//! - the model reference: the deployment id when one is already chosen, else the request's
//!   model reference as it stands at the cache stage (after the prompt stage set it);
//! - the prompt version (name, version number, content hash; not the label that resolved it)
//!   and the version's parameters;
//! - the messages: role, name, text (adjacent text parts joined, empty parts dropped), images
//!   (source and detail, `auto` = unset), tool calls (name and arguments as canonical JSON) and
//!   tool results (`is_error`); tool-call ids are replaced by their order of first appearance;
//! - the parameters set on the request (temperature, top_p, max_tokens, stop, seed, response
//!   format, tool choice, parallel tool calls, provider-specific fields as canonical JSON);
//!   defaults are folded: no stop list = an empty one, `text` format = unset, `auto` tool
//!   choice = unset when tools are given, parallel tool calls `true` = unset;
//! - the tools, in order (name, description, canonical JSON schema, `strict`).
//!
//! Left out, because they do not change the reply: the stream flag, prompt-caching markers
//! (`cache_control`), the caller's other fields (user unless per-user, feature, tags ...),
//! the deadline. Canonical JSON sorts object keys and writes integral numbers as integers, so
//! `{"b":1,"a":2.0}` and `{"a":2,"b":1}` are one value.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use xxhash_rust::xxh3::Xxh3;

use crate::exchange::Exchange;
use crate::types::{
    ChatRequest, ContentPart, ImageSource, Message, Params, ResponseFormat, Role, ToolChoice,
    ToolSpec,
};

/// Bumped when the canonical form changes, so old shared entries are never misread.
const KEY_FORMAT: u8 = 1;

/// The address of a cache entry: the tenant it belongs to and a 128-bit hash of the canonical
/// request (the tenant is hashed in too). Two requests that can produce different replies
/// never share a key; two that differ only in how they were built share one.
///
/// ```
/// use llmops_core::cache::CacheKey;
/// use llmops_core::{ChatRequest, ContentPart, Exchange};
/// let a = ChatRequest::new("openai/gpt-4.1-mini").user("Hello world").temperature(0.0).tenant("acme");
/// let b = ChatRequest::new("openai/gpt-4.1-mini")
///     .user_parts(vec![ContentPart::text("Hello "), ContentPart::text("world")])
///     .temperature(-0.0)
///     .tenant("acme");
/// let ka = CacheKey::of(&a, &Exchange::for_request(&a), "");
/// let kb = CacheKey::of(&b, &Exchange::for_request(&b), "");
/// assert_eq!(ka, kb);
/// let other = a.clone().tenant("globex");
/// assert_ne!(ka, CacheKey::of(&other, &Exchange::for_request(&other), ""));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CacheKey {
    /// The tenant the entry belongs to (`None`: requests without a tenant).
    pub tenant: Option<String>,
    /// xxh3-128 of the canonical request, tenant included.
    pub hash: u128,
}

impl CacheKey {
    /// The key of `req` as it stands at the cache stage of exchange `cx`, in `namespace`.
    pub fn of(req: &ChatRequest, cx: &Exchange, namespace: &str) -> Self {
        Self::build(req, cx, namespace, false, None)
    }

    pub(crate) fn build(
        req: &ChatRequest,
        cx: &Exchange,
        namespace: &str,
        per_user: bool,
        semantic: Option<(usize, &str)>,
    ) -> Self {
        let mut h = Canon::new();
        h.tag(KEY_FORMAT);
        h.str(namespace);
        let tenant = req.caller.tenant.as_deref();
        h.opt_str(tenant);
        if per_user {
            h.tag(b'u');
            h.opt_str(req.caller.user.as_deref());
        }
        match &cx.deployment {
            Some(d) => {
                h.tag(b'd');
                h.str(&d.id);
            }
            None => {
                h.tag(b'm');
                h.str(&req.model);
            }
        }
        match &cx.prompt {
            Some(p) => {
                h.tag(b'p');
                h.str(&p.name);
                h.u64(u64::from(p.version));
                h.str(&p.hash);
            }
            None => h.tag(0),
        }
        match &cx.prompt_params {
            Some(p) => {
                h.tag(b'P');
                h.params(p, !req.tools.is_empty());
            }
            None => h.tag(0),
        }
        if let Some(call) = &req.prompt {
            // not rendered (no prompt stage): the call itself is what the request says
            h.tag(b'c');
            h.str(&call.reference);
            h.value(&Value::Object(call.vars.clone()));
        }
        // semantic scope: the message at this index is left out, the embedder named instead
        let skip = semantic.map(|(i, _)| i);
        if let Some((_, embedder)) = semantic {
            h.tag(b'e');
            h.str(embedder);
        }
        h.messages(&req.messages, skip);
        h.params(&req.params, !req.tools.is_empty());
        h.u64(req.tools.len() as u64);
        for t in req.tools.iter() {
            h.tool(t);
        }
        CacheKey {
            tenant: tenant.map(str::to_owned),
            hash: h.finish(),
        }
    }

    /// The hash as 32 hex digits (what a shared store uses in its key).
    pub fn hex(&self) -> String {
        format!("{:032x}", self.hash)
    }
}

/// The index of the last user message whose content is only text (what the semantic cache
/// embeds), and that text.
pub(crate) fn last_user_text(req: &ChatRequest) -> Option<(usize, String)> {
    let (i, m) = req
        .messages
        .iter()
        .enumerate()
        .rev()
        .find(|(_, m)| m.role == Role::User)?;
    if m.content.iter().any(|p| p.as_text().is_none()) {
        return None;
    }
    let text = m.text();
    (!text.trim().is_empty()).then_some((i, text))
}

/// A streaming canonical encoder on xxh3-128.
struct Canon {
    h: Xxh3,
    /// Tool-call ids in order of first appearance.
    ids: Vec<String>,
}

impl Canon {
    fn new() -> Self {
        Canon {
            h: Xxh3::new(),
            ids: Vec::new(),
        }
    }

    fn finish(&self) -> u128 {
        self.h.digest128()
    }

    fn tag(&mut self, t: u8) {
        self.h.update(&[t]);
    }

    fn u64(&mut self, v: u64) {
        self.h.update(&v.to_le_bytes());
    }

    fn str(&mut self, s: &str) {
        self.u64(s.len() as u64);
        self.h.update(s.as_bytes());
    }

    fn opt_str(&mut self, s: Option<&str>) {
        match s {
            Some(s) => {
                self.tag(1);
                self.str(s);
            }
            None => self.tag(0),
        }
    }

    fn f32(&mut self, v: Option<f32>) {
        match v {
            // -0.0 and 0.0 are one temperature
            Some(v) => {
                self.tag(1);
                let v = if v == 0.0 { 0.0f32 } else { v };
                self.h.update(&v.to_bits().to_le_bytes());
            }
            None => self.tag(0),
        }
    }

    /// A tool-call id as its order of first appearance.
    fn call_id(&mut self, id: &str) {
        let n = match self.ids.iter().position(|s| s == id) {
            Some(n) => n,
            None => {
                self.ids.push(id.to_owned());
                self.ids.len() - 1
            }
        };
        self.u64(n as u64);
    }

    fn messages(&mut self, ms: &[Message], skip: Option<usize>) {
        self.u64(ms.len() as u64);
        for (i, m) in ms.iter().enumerate() {
            if skip == Some(i) {
                self.tag(b'?');
                continue;
            }
            self.message(m);
        }
    }

    fn message(&mut self, m: &Message) {
        self.tag(match m.role {
            Role::System => b's',
            Role::User => b'u',
            Role::Assistant => b'a',
            Role::Tool => b't',
        });
        self.opt_str(m.name.as_deref());
        match &m.tool_call_id {
            Some(id) => {
                self.tag(1);
                self.call_id(id);
            }
            None => self.tag(0),
        }
        self.tag(u8::from(m.is_error));
        self.parts(&m.content);
        self.u64(m.tool_calls.len() as u64);
        for c in &m.tool_calls {
            self.call_id(&c.id);
            self.str(&c.name);
            self.json_text(&c.arguments);
        }
    }

    /// Content parts: a run of adjacent text parts is one text; empty texts are dropped.
    fn parts(&mut self, parts: &[ContentPart]) {
        let mut i = 0;
        while let Some(p) = parts.get(i) {
            match p {
                ContentPart::Text { .. } => {
                    let run: Vec<&str> = parts
                        .get(i..)
                        .unwrap_or_default()
                        .iter()
                        .map_while(ContentPart::as_text)
                        .collect();
                    i += run.len();
                    let len: usize = run.iter().map(|t| t.len()).sum();
                    if len > 0 {
                        self.tag(b'T');
                        self.u64(len as u64);
                        for t in run {
                            self.h.update(t.as_bytes());
                        }
                    }
                }
                ContentPart::Image { source, detail, .. } => {
                    i += 1;
                    self.tag(b'I');
                    match source {
                        ImageSource::Url { url } => {
                            self.tag(b'u');
                            self.str(url);
                        }
                        ImageSource::Base64 { media_type, data } => {
                            self.tag(b'b');
                            self.str(media_type);
                            self.str(data);
                        }
                    }
                    self.opt_str(detail.as_deref().filter(|d| *d != "auto"));
                }
            }
        }
        self.tag(b'.');
    }

    fn params(&mut self, p: &Params, has_tools: bool) {
        self.f32(p.temperature);
        self.f32(p.top_p);
        match p.max_tokens {
            Some(n) => {
                self.tag(1);
                self.u64(u64::from(n));
            }
            None => self.tag(0),
        }
        let stop = p.stop.as_deref().unwrap_or_default();
        self.u64(stop.len() as u64);
        for s in stop {
            self.str(s);
        }
        match p.seed {
            Some(s) => {
                self.tag(1);
                self.h.update(&s.to_le_bytes());
            }
            None => self.tag(0),
        }
        match &p.response_format {
            None | Some(ResponseFormat::Text) => self.tag(0),
            Some(ResponseFormat::JsonObject) => self.tag(b'o'),
            Some(ResponseFormat::JsonSchema {
                name,
                schema,
                strict,
            }) => {
                self.tag(b's');
                self.str(name);
                self.value(schema);
                self.tag(match strict {
                    None => 0,
                    Some(false) => 1,
                    Some(true) => 2,
                });
            }
        }
        match &p.tool_choice {
            None => self.tag(0),
            Some(ToolChoice::Auto) if has_tools => self.tag(0),
            Some(ToolChoice::Auto) => self.tag(b'a'),
            Some(ToolChoice::None) => self.tag(b'n'),
            Some(ToolChoice::Required) => self.tag(b'r'),
            Some(ToolChoice::Tool { name }) => {
                self.tag(b't');
                self.str(name);
            }
        }
        self.tag(match p.parallel_tool_calls {
            None | Some(true) => 0,
            Some(false) => 1,
        });
        self.u64(p.extra.len() as u64);
        for (k, v) in &p.extra {
            self.str(k);
            self.value(v);
        }
    }

    fn tool(&mut self, t: &ToolSpec) {
        self.str(&t.name);
        self.str(&t.description);
        self.value(&t.parameters);
        self.tag(match t.strict {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        });
    }

    /// JSON text as canonical JSON when it parses; as raw text otherwise.
    fn json_text(&mut self, s: &str) {
        if s.trim().is_empty() {
            self.value(&Value::Object(Default::default()));
            return;
        }
        match serde_json::from_str::<Value>(s) {
            Ok(v) => self.value(&v),
            Err(_) => {
                self.tag(b'R');
                self.str(s);
            }
        }
    }

    /// Canonical JSON: object keys sorted, integral numbers as integers.
    fn value(&mut self, v: &Value) {
        match v {
            Value::Null => self.tag(b'n'),
            Value::Bool(b) => self.tag(if *b { b'T' } else { b'F' }),
            Value::Number(n) => {
                if let Some(i) = n.as_i64() {
                    self.tag(b'i');
                    self.h.update(&i.to_le_bytes());
                } else if let Some(u) = n.as_u64() {
                    self.tag(b'U');
                    self.u64(u);
                } else {
                    let f = n.as_f64().unwrap_or(f64::NAN);
                    if f.fract() == 0.0 && f.abs() < 9.0e15 {
                        self.tag(b'i');
                        self.h.update(&(f as i64).to_le_bytes());
                    } else {
                        self.tag(b'f');
                        self.h.update(&f.to_bits().to_le_bytes());
                    }
                }
            }
            Value::String(s) => {
                self.tag(b's');
                self.str(s);
            }
            Value::Array(a) => {
                self.tag(b'[');
                self.u64(a.len() as u64);
                for x in a {
                    self.value(x);
                }
            }
            Value::Object(o) => {
                self.tag(b'{');
                self.u64(o.len() as u64);
                let mut keys: Vec<&String> = o.keys().collect();
                keys.sort_unstable();
                for k in keys {
                    self.str(k);
                    if let Some(x) = o.get(k) {
                        self.value(x);
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use serde_json::json;

    use super::*;
    use crate::types::{CacheControl, PromptVersionRef, ToolCall};

    fn key(req: &ChatRequest) -> CacheKey {
        CacheKey::of(req, &Exchange::for_request(req), "")
    }

    fn base() -> ChatRequest {
        ChatRequest::new("openai/gpt-4.1-mini")
            .system("Be terse.")
            .user("What is 2+2?")
            .temperature(0.0)
            .tenant("acme")
    }

    #[test]
    fn equal_requests_built_differently_share_a_key() {
        let a = base();
        // cache markers, a split text, an empty part, -0.0, an empty stop list, text format,
        // another user and feature
        let b = ChatRequest::new("openai/gpt-4.1-mini")
            .message(Message::system("Be terse.").cached())
            .user_parts(vec![
                ContentPart::text("What is "),
                ContentPart::text(""),
                ContentPart::text("2+2?"),
            ])
            .temperature(-0.0)
            .response_format(ResponseFormat::Text)
            .tenant("acme")
            .end_user("u-9")
            .feature("calc");
        let mut b = b;
        b.params.stop = Some(Vec::new());
        b.params.parallel_tool_calls = Some(true);
        b.stream = true;
        assert_eq!(key(&a), key(&b));
    }

    #[test]
    fn json_is_canonical_and_tool_call_ids_are_positional() {
        let schema_a = json!({"type": "object", "properties": {"b": {"type": "integer"}, "a": {"type": "number", "minimum": 1.0}}});
        let schema_b = json!({"properties": {"a": {"minimum": 1, "type": "number"}, "b": {"type": "integer"}}, "type": "object"});
        let turn = |id: &str, args: &str| {
            base()
                .tool(ToolSpec::new("f", "d", schema_a.clone()))
                .message(Message::assistant_tool_calls(
                    "",
                    vec![ToolCall::new(id, "f", args)],
                ))
                .message(Message::tool_result(id, "4"))
        };
        let a = turn("call_1", r#"{"x": 1, "y": [1,2]}"#);
        let mut b = turn("toolu_ZZ", r#"{"y":[1,2],"x":1}"#);
        Arc::make_mut(&mut b.tools)[0].parameters = schema_b;
        Arc::make_mut(&mut b.tools)[0].cache_control = Some(CacheControl::ephemeral());
        assert_eq!(key(&a), key(&b));
        let c = turn("call_1", r#"{"x": 2, "y": [1,2]}"#);
        assert_ne!(key(&a), key(&c));
    }

    #[test]
    fn every_output_affecting_difference_changes_the_key() {
        let k = key(&base());
        let variants: Vec<ChatRequest> = vec![
            base().model("openai/gpt-4.1"),
            base().user("again"),
            base().temperature(0.1),
            base().top_p(0.9),
            base().max_tokens(10),
            base().stop("\n"),
            base().seed(1),
            base().response_format(ResponseFormat::JsonObject),
            base().tool_choice(ToolChoice::None),
            base().tool(ToolSpec::new("f", "d", json!({}))),
            base().param("reasoning_effort", json!("low")),
            base().tenant("globex"),
            {
                let mut r = base();
                r.messages_mut()[0].role = Role::User;
                r
            },
            {
                let mut r = base();
                r.messages_mut()[1].name = Some("ada".into());
                r
            },
            {
                let mut r = base();
                Arc::make_mut(&mut r.caller).tenant = None;
                r
            },
            base().user_parts(vec![ContentPart::image_url("https://x/y.png")]),
        ];
        for (i, v) in variants.iter().enumerate() {
            assert_ne!(k, key(v), "variant {i} shares the key");
        }
        // text boundaries between messages matter ("ab" + "c" is not "a" + "bc")
        let a = ChatRequest::new("m").user("ab").user("c");
        let b = ChatRequest::new("m").user("a").user("bc");
        assert_ne!(key(&a), key(&b));
    }

    #[test]
    fn prompt_version_deployment_namespace_and_user_scope() {
        let req = base();
        let mut cx = Exchange::for_request(&req);
        let plain = CacheKey::of(&req, &cx, "");
        cx.prompt = Some(PromptVersionRef::new("greet", 1, "sha256:aa"));
        let v1 = CacheKey::of(&req, &cx, "");
        let mut labelled = PromptVersionRef::new("greet", 1, "sha256:aa");
        labelled.label = Some("production".into());
        cx.prompt = Some(labelled);
        assert_eq!(v1, CacheKey::of(&req, &cx, ""), "the label is not content");
        cx.prompt = Some(PromptVersionRef::new("greet", 2, "sha256:bb"));
        let v2 = CacheKey::of(&req, &cx, "");
        assert!(plain != v1 && v1 != v2);
        assert_ne!(v2, CacheKey::of(&req, &cx, "ns2"));
        cx.deployment = Some(Arc::new(crate::Deployment::new("prod", "openai", "gpt")));
        assert_ne!(v2, CacheKey::of(&req, &cx, ""));
        let cx = Exchange::for_request(&req);
        let u1 = CacheKey::build(&req, &cx, "", true, None);
        let r2 = req.clone().end_user("other");
        assert_ne!(u1, CacheKey::build(&r2, &cx, "", true, None));
        assert_eq!(plain, CacheKey::build(&r2, &cx, "", false, None));
    }

    #[test]
    fn semantic_scope_ignores_only_the_last_user_message() {
        let a = base();
        let b = base().messages(Vec::new());
        let mut b = b;
        b.messages_mut()[1] = Message::user("How much is two plus two?");
        let (ia, _) = last_user_text(&a).unwrap();
        let (ib, tb) = last_user_text(&b).unwrap();
        assert_eq!(tb, "How much is two plus two?");
        let cx = Exchange::for_request(&a);
        let sa = CacheKey::build(&a, &cx, "", false, Some((ia, "e1")));
        let sb = CacheKey::build(&b, &cx, "", false, Some((ib, "e1")));
        assert_eq!(sa, sb);
        assert_ne!(sa, CacheKey::build(&a, &cx, "", false, Some((ia, "e2"))));
        let c = base().system("More instructions");
        let (ic, _) = last_user_text(&c).unwrap();
        assert_ne!(sa, CacheKey::build(&c, &cx, "", false, Some((ic, "e1"))));
        let img = base().user_parts(vec![ContentPart::image_url("https://x")]);
        assert!(last_user_text(&img).is_none());
    }
}
