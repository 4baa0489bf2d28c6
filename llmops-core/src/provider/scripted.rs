//! [`ScriptedProvider`]: queued replies, latency, injected failures and usage, for tests and
//! offline demos. Every response it produces is marked `scripted` in its metadata and record.

use std::collections::VecDeque;
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;

use super::{Capabilities, Provider};
use crate::error::{ProviderError, ProviderErrorKind};
use crate::exchange::Exchange;
use crate::stream::{Reply, StreamEvent, response_events};
use crate::types::{ChatRequest, ChatResponse, FinishReason, ToolCall, Usage};
use crate::{Error, Result};

/// One scripted step.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Step {
    /// Answer with this response.
    Reply(ChatResponse),
    /// Fail before answering.
    Fail(Error),
    /// Stream `after` events of this response, then fail with the error (a cut connection).
    FailMidStream {
        /// The response whose events are streamed.
        response: ChatResponse,
        /// Events delivered before the failure.
        after: usize,
        /// The error.
        error: Error,
    },
    /// Never answer (for cancellation and deadline tests).
    Hang,
}

/// A provider that replays a script. Replies are taken in order; when the queue is empty the
/// `repeat` reply answers, or the call fails with a configuration error naming the provider.
///
/// ```
/// use llmops_core::{Client, ChatRequest, ScriptedProvider, ProviderErrorKind};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let p = ScriptedProvider::new()
///     .fail(ProviderErrorKind::RateLimited)
///     .reply("second time lucky");
/// let client = Client::builder().provider(p).build().unwrap();
/// let req = ChatRequest::new("scripted/demo").user("hi");
/// assert!(client.chat(req.clone()).await.is_err());
/// let r = client.chat(req).await.unwrap();
/// assert_eq!(r.text(), "second time lucky");
/// assert!(r.meta.scripted);
/// # });
/// ```
pub struct ScriptedProvider {
    name: String,
    serving: Option<Vec<String>>,
    queue: Mutex<VecDeque<Step>>,
    repeat: Option<Step>,
    latency: Duration,
    chunk_delay: Duration,
    chunks: usize,
    calls: AtomicU64,
    seen: Mutex<VecDeque<ChatRequest>>,
    responder: Option<Responder>,
}

/// A function that answers a request (see [`ScriptedProvider::responder`]).
type Responder = std::sync::Arc<dyn Fn(&ChatRequest) -> Option<Step> + Send + Sync>;

const SEEN_MAX: usize = 1024;

impl std::fmt::Debug for ScriptedProvider {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScriptedProvider")
            .field("name", &self.name)
            .field("serving", &self.serving)
            .field("queued", &lock(&self.queue).len())
            .field("repeat", &self.repeat)
            .field("responder", &self.responder.is_some())
            .field("calls", &self.calls())
            .finish()
    }
}

impl Default for ScriptedProvider {
    fn default() -> Self {
        Self::new()
    }
}

impl ScriptedProvider {
    /// A scripted provider named `scripted`.
    pub fn new() -> Self {
        Self::named("scripted")
    }

    /// A scripted provider with another name (to stand in for `openai` in tests, say).
    pub fn named(name: impl Into<String>) -> Self {
        ScriptedProvider {
            name: name.into(),
            serving: None,
            queue: Mutex::new(VecDeque::new()),
            repeat: None,
            latency: Duration::ZERO,
            chunk_delay: Duration::ZERO,
            chunks: 4,
            calls: AtomicU64::new(0),
            seen: Mutex::new(VecDeque::new()),
            responder: None,
        }
    }

    /// Bare model names this provider claims (default: none, unless it is the only provider).
    #[must_use]
    pub fn serving<I: IntoIterator<Item = S>, S: Into<String>>(mut self, models: I) -> Self {
        self.serving = Some(models.into_iter().map(Into::into).collect());
        self
    }

    fn push(self, step: Step) -> Self {
        lock(&self.queue).push_back(step);
        self
    }

    /// Answers from a function of the request, before the queue: `Some(step)` is taken,
    /// `None` falls through to the queue and `repeat`. Use it where replies depend on the
    /// request, not on call order (concurrent evaluation runs, a judge keyed by its prompt).
    ///
    /// ```
    /// use llmops_core::{Client, ChatRequest, ScriptedProvider, provider::scripted::Step, ChatResponse};
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let p = ScriptedProvider::new().responder(|req| {
    ///     let q = req.last_user_text()?;
    ///     q.contains("France").then(|| Step::Reply(ChatResponse::new("Paris.")))
    /// }).repeat("I don't know.");
    /// let client = Client::builder().provider(p).build().unwrap();
    /// let r = client.chat(ChatRequest::new("scripted/m").user("Capital of France?")).await.unwrap();
    /// assert_eq!(r.text(), "Paris.");
    /// let r = client.chat(ChatRequest::new("scripted/m").user("Capital of Mars?")).await.unwrap();
    /// assert_eq!(r.text(), "I don't know.");
    /// # });
    /// ```
    #[must_use]
    pub fn responder(
        mut self,
        f: impl Fn(&ChatRequest) -> Option<Step> + Send + Sync + 'static,
    ) -> Self {
        self.responder = Some(std::sync::Arc::new(f));
        self
    }

    /// Queues a text reply (usage: whitespace-separated words of input and output).
    #[must_use]
    pub fn reply(self, text: impl Into<String>) -> Self {
        self.push(Step::Reply(ChatResponse::new(text)))
    }

    /// Queues a full response (its usage is used as given).
    #[must_use]
    pub fn reply_with(self, response: ChatResponse) -> Self {
        self.push(Step::Reply(response))
    }

    /// Queues a reply that calls one tool.
    #[must_use]
    pub fn tool_call(self, name: impl Into<String>, args: serde_json::Value) -> Self {
        let n = lock(&self.queue).len();
        let call = ToolCall::new(format!("call_{n}"), name, args.to_string());
        self.push(Step::Reply(
            ChatResponse::new("").with_tool_calls(vec![call]),
        ))
    }

    /// Queues a failure of this kind.
    #[must_use]
    pub fn fail(self, kind: ProviderErrorKind) -> Self {
        let name = self.name.clone();
        self.push(Step::Fail(
            ProviderError::new(kind.clone(), name, format!("scripted {kind} failure")).into(),
        ))
    }

    /// Queues this error.
    #[must_use]
    pub fn fail_with(self, e: Error) -> Self {
        self.push(Step::Fail(e))
    }

    /// Queues a streamed reply that is cut by a network error after `after` events.
    #[must_use]
    pub fn fail_mid_stream(self, text: impl Into<String>, after: usize) -> Self {
        let error = ProviderError::new(
            ProviderErrorKind::Network,
            self.name.clone(),
            "scripted connection cut",
        )
        .into();
        self.push(Step::FailMidStream {
            response: ChatResponse::new(text),
            after,
            error,
        })
    }

    /// Queues a call that never answers.
    #[must_use]
    pub fn hang(self) -> Self {
        self.push(Step::Hang)
    }

    /// Answers every call with this text once the queue is empty.
    #[must_use]
    pub fn repeat(mut self, text: impl Into<String>) -> Self {
        self.repeat = Some(Step::Reply(ChatResponse::new(text)));
        self
    }

    /// Answers every call with this response once the queue is empty.
    #[must_use]
    pub fn repeat_with(mut self, response: ChatResponse) -> Self {
        self.repeat = Some(Step::Reply(response));
        self
    }

    /// Waits this long before answering.
    #[must_use]
    pub fn latency(mut self, d: Duration) -> Self {
        self.latency = d;
        self
    }

    /// Splits streamed text into this many chunks (default 4).
    #[must_use]
    pub fn chunks(mut self, n: usize) -> Self {
        self.chunks = n.max(1);
        self
    }

    /// Waits this long between streamed chunks.
    #[must_use]
    pub fn chunk_delay(mut self, d: Duration) -> Self {
        self.chunk_delay = d;
        self
    }

    /// How many calls were made.
    pub fn calls(&self) -> u64 {
        self.calls.load(Ordering::Relaxed)
    }

    /// The last (up to 1024) requests received, oldest first.
    pub fn requests(&self) -> Vec<ChatRequest> {
        lock(&self.seen).iter().cloned().collect()
    }

    fn next_step(&self, req: &ChatRequest) -> Result<Step> {
        if let Some(step) = self.responder.as_ref().and_then(|f| f(req)) {
            return Ok(step);
        }
        if let Some(s) = lock(&self.queue).pop_front() {
            return Ok(s);
        }
        self.repeat.clone().ok_or_else(|| {
            Error::config(format!(
                "scripted provider `{}` has no reply left (queue more, or set `repeat`)",
                self.name
            ))
        })
    }

    fn finish_response(&self, mut r: ChatResponse, req: &ChatRequest) -> ChatResponse {
        if r.usage.is_zero() {
            let input: usize = req
                .messages
                .iter()
                .map(|m| m.text().split_whitespace().count())
                .sum();
            let output = r.text().split_whitespace().count() + r.message.tool_calls.len();
            r.usage = Usage::new(input as u64, output as u64);
        }
        if r.meta.model_answered.is_none() {
            r.meta.model_answered = Some(req.model.clone());
        }
        if r.id.is_none() {
            r.id = Some(format!("scripted-{}", self.calls.load(Ordering::Relaxed)));
        }
        r.meta.scripted = true;
        r.meta.provider.clone_from(&self.name);
        r
    }

    fn events(&self, r: &ChatResponse) -> Vec<StreamEvent> {
        let mut out = Vec::new();
        for ev in response_events(r) {
            match ev {
                StreamEvent::Delta { text } if self.chunks > 1 => {
                    let chars: Vec<char> = text.chars().collect();
                    let size = chars.len().div_ceil(self.chunks).max(1);
                    for piece in chars.chunks(size) {
                        out.push(StreamEvent::delta(piece.iter().collect::<String>()));
                    }
                }
                other => out.push(other),
            }
        }
        out
    }

    fn stream(&self, events: Vec<StreamEvent>, tail: Option<Error>) -> Reply {
        let delay = self.chunk_delay;
        let items = events.into_iter().map(Ok).chain(tail.map(Err));
        if delay.is_zero() {
            Reply::Stream(Box::pin(futures_util::stream::iter(items)))
        } else {
            Reply::Stream(Box::pin(futures_util::stream::iter(items).then(
                move |item| async move {
                    tokio::time::sleep(delay).await;
                    item
                },
            )))
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

#[async_trait::async_trait]
impl Provider for ScriptedProvider {
    fn name(&self) -> &str {
        &self.name
    }

    fn capabilities(&self, _model: &str) -> Capabilities {
        Capabilities::all()
    }

    fn serves(&self, model: &str) -> bool {
        self.serving
            .as_ref()
            .is_some_and(|s| s.iter().any(|m| m == model))
    }

    fn is_scripted(&self) -> bool {
        true
    }

    async fn chat(&self, req: &ChatRequest, _cx: &Exchange) -> Result<Reply> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        {
            let mut seen = lock(&self.seen);
            if seen.len() == SEEN_MAX {
                seen.pop_front();
            }
            seen.push_back(req.clone());
        }
        let step = self.next_step(req)?;
        if !self.latency.is_zero() {
            tokio::time::sleep(self.latency).await;
        }
        match step {
            Step::Hang => std::future::pending().await,
            Step::Fail(e) => Err(e),
            Step::Reply(r) => {
                let r = self.finish_response(r, req);
                if req.stream {
                    let events = self.events(&r);
                    Ok(self.stream(events, None))
                } else {
                    Ok(Reply::Full(r))
                }
            }
            Step::FailMidStream {
                response,
                after,
                error,
            } => {
                let mut r = self.finish_response(response, req);
                // a cut connection delivers no usage or finish event
                r.usage = Usage::default();
                r.finish_reason = None;
                let mut events = self.events(&r);
                events.retain(|e| {
                    !matches!(e, StreamEvent::Usage { .. } | StreamEvent::Finish { .. })
                });
                events.truncate(after);
                if req.stream {
                    Ok(self.stream(events, Some(error)))
                } else {
                    Err(error)
                }
            }
        }
    }
}

impl ChatResponse {
    /// A response that stopped because of `max_tokens` (for tests of truncation handling).
    pub fn truncated(text: impl Into<String>) -> Self {
        ChatResponse::new(text).with_finish(FinishReason::Length)
    }
}
