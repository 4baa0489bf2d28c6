//! [`ChatRequest`]: what a caller asks for.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::caller::Caller;
use super::message::{ContentPart, Message, Role};
use super::params::{Params, ResponseFormat};
use super::tools::{ToolChoice, ToolSpec};

/// A reference to a versioned prompt plus the variables to render it with.
///
/// `reference` is `name` (the `production` label), `name@label` or `name/3` (a version).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PromptCall {
    /// `name`, `name@label` or `name/version`.
    pub reference: String,
    /// Template variables.
    #[serde(default)]
    pub vars: Map<String, Value>,
}

/// A chat request. Cheap to clone (messages and tools sit behind `Arc`), so a retry replays it
/// without copying the prompt.
///
/// ```
/// use llmops_core::ChatRequest;
/// let req = ChatRequest::new("openai/gpt-4.1-mini")
///     .system("You are terse.")
///     .user("Name a prime.")
///     .temperature(0.0)
///     .tenant("acme");
/// assert_eq!(req.messages.len(), 2);
/// assert_eq!(req.caller.tenant.as_deref(), Some("acme"));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChatRequest {
    /// `provider/model`, a bare model name, an alias or a deployment id.
    pub model: String,
    /// The conversation.
    pub messages: Arc<Vec<Message>>,
    /// Tools the model may call.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Arc<Vec<ToolSpec>>,
    /// Generation parameters set on this request.
    #[serde(default)]
    pub params: Params,
    /// Who is asking.
    #[serde(default)]
    pub caller: Arc<Caller>,
    /// Whether the provider is asked to stream. Set by `Client::chat_stream`.
    #[serde(default)]
    pub stream: bool,
    /// A versioned prompt to render (needs the prompts layer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<PromptCall>,
    /// Retrieval to run for this request (needs a retrieval layer, e.g. llmops-rag's
    /// `RetrievalLayer`). An empty query text means "the last user message".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retrieval: Option<crate::retrieval::Query>,
    /// An overall deadline for this request.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::serde_util::opt_duration_ms"
    )]
    pub timeout: Option<Duration>,
}

impl ChatRequest {
    /// An empty request for `model`.
    pub fn new(model: impl Into<String>) -> Self {
        ChatRequest {
            model: model.into(),
            messages: Arc::new(Vec::new()),
            tools: Arc::new(Vec::new()),
            params: Params::default(),
            caller: Arc::new(Caller::default()),
            stream: false,
            prompt: None,
            retrieval: None,
            timeout: None,
        }
    }

    /// A request rendered from a versioned prompt (`name`, `name@label`, `name/3`) with the
    /// prompt version's model; set one with [`ChatRequest::model`] to override it. Needs the
    /// prompt stage (`ClientBuilder::prompts`).
    ///
    /// ```
    /// use llmops_core::ChatRequest;
    /// let req = ChatRequest::from_prompt("support-reply@canary").var("question", "Where is my order?");
    /// assert!(req.model.is_empty());
    /// assert_eq!(req.prompt.as_ref().map(|p| p.reference.as_str()), Some("support-reply@canary"));
    /// ```
    pub fn from_prompt(reference: impl Into<String>) -> Self {
        ChatRequest::new("").prompt(reference)
    }

    /// Sets the model reference.
    #[must_use]
    pub fn model(mut self, model: impl Into<String>) -> Self {
        self.model = model.into();
        self
    }

    /// Appends a message.
    #[must_use]
    pub fn message(mut self, m: Message) -> Self {
        Arc::make_mut(&mut self.messages).push(m);
        self
    }

    /// Appends messages.
    #[must_use]
    pub fn messages(mut self, ms: impl IntoIterator<Item = Message>) -> Self {
        Arc::make_mut(&mut self.messages).extend(ms);
        self
    }

    /// Appends a system message.
    #[must_use]
    pub fn system(self, text: impl Into<String>) -> Self {
        self.message(Message::system(text))
    }

    /// Appends a user message.
    #[must_use]
    pub fn user(self, text: impl Into<String>) -> Self {
        self.message(Message::user(text))
    }

    /// Appends a user message made of parts (text and images).
    #[must_use]
    pub fn user_parts(self, parts: Vec<ContentPart>) -> Self {
        self.message(Message::with_parts(Role::User, parts))
    }

    /// Appends an assistant message.
    #[must_use]
    pub fn assistant(self, text: impl Into<String>) -> Self {
        self.message(Message::assistant(text))
    }

    /// Adds a tool.
    #[must_use]
    pub fn tool(mut self, t: ToolSpec) -> Self {
        Arc::make_mut(&mut self.tools).push(t);
        self
    }

    /// Sets the tool choice.
    #[must_use]
    pub fn tool_choice(mut self, c: ToolChoice) -> Self {
        self.params.tool_choice = Some(c);
        self
    }

    /// Sets the temperature.
    #[must_use]
    pub fn temperature(mut self, v: f32) -> Self {
        self.params.temperature = Some(v);
        self
    }

    /// Sets top_p.
    #[must_use]
    pub fn top_p(mut self, v: f32) -> Self {
        self.params.top_p = Some(v);
        self
    }

    /// Sets max output tokens.
    #[must_use]
    pub fn max_tokens(mut self, v: u32) -> Self {
        self.params.max_tokens = Some(v);
        self
    }

    /// Adds a stop sequence.
    #[must_use]
    pub fn stop(mut self, s: impl Into<String>) -> Self {
        self.params.stop.get_or_insert_with(Vec::new).push(s.into());
        self
    }

    /// Sets the seed.
    #[must_use]
    pub fn seed(mut self, v: i64) -> Self {
        self.params.seed = Some(v);
        self
    }

    /// Sets the response format.
    #[must_use]
    pub fn response_format(mut self, f: ResponseFormat) -> Self {
        self.params.response_format = Some(f);
        self
    }

    /// Sets a provider-specific body field (`reasoning_effort`, `top_k` ...).
    #[must_use]
    pub fn param(mut self, key: impl Into<String>, value: Value) -> Self {
        self.params.extra.insert(key.into(), value);
        self
    }

    /// Replaces the caller.
    #[must_use]
    pub fn caller(mut self, c: Caller) -> Self {
        self.caller = Arc::new(c);
        self
    }

    /// Sets the caller's tenant.
    #[must_use]
    pub fn tenant(mut self, v: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.caller).tenant = Some(v.into());
        self
    }

    /// Sets the caller's end-user id.
    #[must_use]
    pub fn end_user(mut self, v: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.caller).user = Some(v.into());
        self
    }

    /// Sets the caller's feature.
    #[must_use]
    pub fn feature(mut self, v: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.caller).feature = Some(v.into());
        self
    }

    /// Sets the conversation id.
    #[must_use]
    pub fn conversation(mut self, v: impl Into<String>) -> Self {
        Arc::make_mut(&mut self.caller).conversation_id = Some(v.into());
        self
    }

    /// References a versioned prompt (`name`, `name@label`, `name/3`).
    #[must_use]
    pub fn prompt(mut self, reference: impl Into<String>) -> Self {
        self.prompt
            .get_or_insert_with(PromptCall::default)
            .reference = reference.into();
        self
    }

    /// Sets a prompt variable.
    #[must_use]
    pub fn var(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.prompt
            .get_or_insert_with(PromptCall::default)
            .vars
            .insert(key.into(), value.into());
        self
    }

    /// Asks the retrieval layer for the `top_k` best chunks for the last user message.
    #[must_use]
    pub fn retrieve(mut self, top_k: usize) -> Self {
        self.retrieval = Some(crate::retrieval::Query::new("", top_k));
        self
    }

    /// Asks the retrieval layer to run `query` (an empty text means the last user message).
    #[must_use]
    pub fn retrieval(mut self, query: crate::retrieval::Query) -> Self {
        self.retrieval = Some(query);
        self
    }

    /// The text of the last user message (what retrieval searches for by default).
    pub fn last_user_text(&self) -> Option<String> {
        self.messages
            .iter()
            .rev()
            .find(|m| m.role == Role::User)
            .map(Message::text)
    }

    /// Sets an overall deadline.
    #[must_use]
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// Mutable access to the messages (copy-on-write).
    pub fn messages_mut(&mut self) -> &mut Vec<Message> {
        Arc::make_mut(&mut self.messages)
    }

    /// Checks what every provider needs: a model and at least one message.
    pub fn validate(&self) -> crate::Result<()> {
        if self.model.trim().is_empty() && self.prompt.is_none() {
            return Err(crate::Error::invalid("the model is empty"));
        }
        if self.messages.is_empty() && self.prompt.is_none() {
            return Err(crate::Error::invalid(
                "the request has no messages and no prompt",
            ));
        }
        for (i, m) in self.messages.iter().enumerate() {
            if m.role == Role::Tool && m.tool_call_id.is_none() {
                return Err(crate::Error::invalid(format!(
                    "message {i} has role tool but no tool_call_id"
                )));
            }
        }
        if let Some(t) = self.params.temperature
            && (!(0.0..=2.0).contains(&t) || t.is_nan())
        {
            return Err(crate::Error::invalid(format!(
                "temperature {t} is outside 0..=2"
            )));
        }
        if let Some(p) = self.params.top_p
            && (!(0.0..=1.0).contains(&p) || p.is_nan())
        {
            return Err(crate::Error::invalid(format!("top_p {p} is outside 0..=1")));
        }
        Ok(())
    }
}
