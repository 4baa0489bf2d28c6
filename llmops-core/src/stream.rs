//! Streaming: [`StreamEvent`], [`ChatStream`], [`Reply`] (the one path for both modes) and
//! [`StreamTap`] (pass, hold or cut each event on its way to the caller).

use std::pin::Pin;

use futures_core::Stream;
use futures_util::StreamExt;
use serde::{Deserialize, Serialize};

use crate::Result;
use crate::types::{ChatResponse, FinishReason, ToolCall, Usage};

/// One event of a streamed reply.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum StreamEvent {
    /// Response metadata, as soon as the provider tells it (first chunk).
    Start {
        /// Provider response id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// The model answering.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        model: Option<String>,
    },
    /// A piece of the assistant's text.
    Delta {
        /// The text.
        text: String,
    },
    /// A piece of visible reasoning (Anthropic thinking, `reasoning_content`).
    ReasoningDelta {
        /// The text.
        text: String,
    },
    /// A piece of a tool call. The first piece of a call carries `id` and `name`; later pieces
    /// of the same `index` append to `args`.
    ToolCallDelta {
        /// Which call of this reply (0, 1 ...).
        index: usize,
        /// The call id (first piece).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        id: Option<String>,
        /// The tool name (first piece).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        /// A fragment of the JSON arguments.
        #[serde(default)]
        args: String,
    },
    /// Usage so far for this attempt, cumulative: a later event replaces an earlier one.
    Usage {
        /// The usage.
        usage: Usage,
    },
    /// Why generation stopped.
    Finish {
        /// The reason.
        reason: FinishReason,
    },
}

impl StreamEvent {
    /// A text delta.
    pub fn delta(text: impl Into<String>) -> Self {
        StreamEvent::Delta { text: text.into() }
    }

    /// Whether this event carries generated content (text, reasoning, tool call): what time to
    /// first token measures.
    pub fn is_content(&self) -> bool {
        matches!(
            self,
            StreamEvent::Delta { .. }
                | StreamEvent::ReasoningDelta { .. }
                | StreamEvent::ToolCallDelta { .. }
        )
    }
}

/// A stream of reply events. `Unpin` (it is boxed), `Send`, and ends with `None` after a
/// `Finish` or with an `Err` item: a provider error mid-stream is never a silent end.
pub type ChatStream = Pin<Box<dyn Stream<Item = Result<StreamEvent>> + Send>>;

/// What a provider or middleware returns: a full response or a stream. Every stage handles
/// both through the same code path.
// A reply moves a handful of times per exchange; boxing the response would cost an allocation
// on every request to save a few hundred bytes of memcpy.
#[allow(clippy::large_enum_variant)]
pub enum Reply {
    /// A complete response.
    Full(ChatResponse),
    /// A stream of events.
    Stream(ChatStream),
}

impl std::fmt::Debug for Reply {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Reply::Full(r) => f.debug_tuple("Full").field(r).finish(),
            Reply::Stream(_) => f.debug_tuple("Stream").finish_non_exhaustive(),
        }
    }
}

impl Reply {
    /// This reply as a stream (a full response becomes its events).
    pub fn into_stream(self) -> ChatStream {
        match self {
            Reply::Stream(s) => s,
            Reply::Full(r) => Box::pin(futures_util::stream::iter(
                response_events(&r).into_iter().map(Ok),
            )),
        }
    }

    /// This reply as a complete response (a stream is read to its end).
    pub async fn into_response(self) -> Result<ChatResponse> {
        match self {
            Reply::Full(r) => Ok(r),
            Reply::Stream(mut s) => {
                let mut agg = Aggregator::default();
                while let Some(ev) = s.next().await {
                    agg.push(&ev?);
                }
                Ok(agg.finish())
            }
        }
    }
}

/// The events a full response is made of (start, text, tool calls, usage, finish).
pub fn response_events(r: &ChatResponse) -> Vec<StreamEvent> {
    let mut out = Vec::with_capacity(4 + r.message.tool_calls.len());
    if r.id.is_some() || r.meta.model_answered.is_some() {
        out.push(StreamEvent::Start {
            id: r.id.clone(),
            model: r.meta.model_answered.clone(),
        });
    }
    let text = r.text();
    if !text.is_empty() {
        out.push(StreamEvent::delta(text));
    }
    for (index, c) in r.message.tool_calls.iter().enumerate() {
        out.push(StreamEvent::ToolCallDelta {
            index,
            id: Some(c.id.clone()),
            name: Some(c.name.clone()),
            args: c.arguments.clone(),
        });
    }
    if !r.usage.is_zero() {
        out.push(StreamEvent::Usage { usage: r.usage });
    }
    if let Some(reason) = &r.finish_reason {
        out.push(StreamEvent::Finish {
            reason: reason.clone(),
        });
    }
    out
}

/// Reassembles stream events into a [`ChatResponse`]: text concatenated, tool-call pieces
/// joined by index, the latest usage kept.
///
/// ```
/// use llmops_core::{Aggregator, StreamEvent};
/// let mut a = Aggregator::default();
/// a.push(&StreamEvent::delta("Hel"));
/// a.push(&StreamEvent::delta("lo"));
/// a.push(&StreamEvent::ToolCallDelta { index: 0, id: Some("c1".into()), name: Some("f".into()), args: "{\"a\":".into() });
/// a.push(&StreamEvent::ToolCallDelta { index: 0, id: None, name: None, args: "1}".into() });
/// let r = a.finish();
/// assert_eq!(r.text(), "Hello");
/// assert_eq!(r.tool_calls()[0].arguments, "{\"a\":1}");
/// ```
#[derive(Debug, Default)]
pub struct Aggregator {
    id: Option<String>,
    model: Option<String>,
    text: String,
    calls: Vec<ToolCall>,
    usage: Option<Usage>,
    finish: Option<FinishReason>,
}

impl Aggregator {
    /// An aggregator whose text buffer starts with room for `bytes` (no reallocation while a
    /// typical reply streams in).
    pub fn with_capacity(bytes: usize) -> Self {
        Aggregator {
            text: String::with_capacity(bytes),
            ..Aggregator::default()
        }
    }

    /// Takes one event into account.
    pub fn push(&mut self, ev: &StreamEvent) {
        match ev {
            StreamEvent::Start { id, model } => {
                if id.is_some() {
                    self.id.clone_from(id);
                }
                if model.is_some() {
                    self.model.clone_from(model);
                }
            }
            StreamEvent::Delta { text } => self.text.push_str(text),
            StreamEvent::ReasoningDelta { .. } => {}
            StreamEvent::ToolCallDelta {
                index,
                id,
                name,
                args,
            } => {
                while self.calls.len() <= *index {
                    self.calls.push(ToolCall::new("", "", ""));
                }
                if let Some(c) = self.calls.get_mut(*index) {
                    if let Some(id) = id {
                        c.id.clone_from(id);
                    }
                    // names arrive whole in the first piece; some servers repeat them in every piece
                    if let Some(name) = name
                        && c.name != *name
                    {
                        c.name.push_str(name);
                    }
                    c.arguments.push_str(args);
                }
            }
            StreamEvent::Usage { usage } => match &mut self.usage {
                Some(u) => u.merge_max(usage),
                None => self.usage = Some(*usage),
            },
            StreamEvent::Finish { reason } => self.finish = Some(reason.clone()),
        }
    }

    /// Usage seen so far.
    pub fn usage(&self) -> Option<Usage> {
        self.usage
    }

    /// Text seen so far.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Bytes of generated content seen so far (text and tool-call names and arguments).
    pub fn output_bytes(&self) -> usize {
        self.text.len()
            + self
                .calls
                .iter()
                .map(|c| c.name.len() + c.arguments.len())
                .sum::<usize>()
    }

    /// The model named by a `Start` event, if seen.
    pub fn model(&self) -> Option<&str> {
        self.model.as_deref()
    }

    /// Finish reason, if seen.
    pub fn finish_reason(&self) -> Option<&FinishReason> {
        self.finish.as_ref()
    }

    /// The response assembled so far.
    pub fn finish(self) -> ChatResponse {
        let mut r = ChatResponse::empty();
        if !self.text.is_empty() {
            r.message
                .content
                .push(crate::types::ContentPart::text(self.text));
        }
        r.message.tool_calls = self
            .calls
            .into_iter()
            .filter(|c| !c.name.is_empty() || !c.id.is_empty())
            .collect();
        r.id = self.id;
        r.meta.model_answered = self.model;
        r.usage = self.usage.unwrap_or_default();
        r.finish_reason = self.finish;
        r
    }
}

/// What a [`StreamTap`] decides about an event.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Tap {
    /// Let it (and everything held before it) through.
    Pass,
    /// Keep it back, with everything after it, until an event passes every tap.
    Hold,
    /// End the stream now with [`Error::StreamCut`](crate::Error::StreamCut) (or the tap's
    /// [`refusal`](StreamTap::refusal), when it has one); held events are discarded and never
    /// reach the caller.
    Cut(String),
}

/// Sees every event of a stream in order, before the caller does, and may rewrite it (`&mut`),
/// let it pass, hold it back, or cut the stream.
///
/// Taps run in the order they were added; the strictest decision wins (cut > hold > pass).
/// Held events are released, in order, when a later event passes every tap, and at the end of
/// the stream when [`on_end`](StreamTap::on_end) passes.
///
/// ```
/// use llmops_core::{StreamEvent, StreamTap, Tap};
/// /// Cuts the stream when the model says a forbidden word.
/// struct NoSecrets;
/// impl StreamTap for NoSecrets {
///     fn on_event(&mut self, ev: &mut StreamEvent) -> Tap {
///         match ev {
///             StreamEvent::Delta { text } if text.contains("password") => Tap::Cut("leak".into()),
///             _ => Tap::Pass,
///         }
///     }
/// }
/// ```
pub trait StreamTap: Send + 'static {
    /// A short name, reported when the tap cuts.
    fn name(&self) -> &str {
        "stream_tap"
    }
    /// Decides about one event (and may rewrite it).
    fn on_event(&mut self, ev: &mut StreamEvent) -> Tap;
    /// Decides at the end of the stream about what is still held.
    fn on_end(&mut self) -> Tap {
        Tap::Pass
    }
    /// Events the tap kept back inside itself rather than holding whole events (an
    /// incremental scanner's window of text), released when generation ends. Core calls it on
    /// every tap, in order, when the provider's stream yields `Finish` and again when it ends
    /// (return nothing the second time); the events returned take their place in the stream
    /// there (after everything delivered or held so far, before the `Finish`) and pass through
    /// the taps after this one. Default: nothing kept back.
    fn drain(&mut self) -> Vec<StreamEvent> {
        Vec::new()
    }
    /// The guard decisions the tap made, which core moves into the exchange's
    /// [`guard_findings`](crate::Exchange::guard_findings) when the stream ends, whatever the
    /// ending (completed, cut, failed, dropped). Default: none.
    fn take_findings(&mut self) -> Vec<crate::GuardFinding> {
        Vec::new()
    }
    /// After this tap cut the stream: the typed refusal behind the cut, when the tap is a
    /// guard. The caller then gets [`Error::Guard`](crate::Error::Guard) (category, reason,
    /// class `guard_blocked`) instead of [`Error::StreamCut`](crate::Error::StreamCut); the
    /// exchange's outcome stays `stream_cut`, naming the tap. Default: none.
    fn refusal(&mut self) -> Option<crate::GuardRefusal> {
        None
    }
}

impl<T: StreamTap + ?Sized> StreamTap for Box<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn on_event(&mut self, ev: &mut StreamEvent) -> Tap {
        (**self).on_event(ev)
    }
    fn on_end(&mut self) -> Tap {
        (**self).on_end()
    }
    fn drain(&mut self) -> Vec<StreamEvent> {
        (**self).drain()
    }
    fn take_findings(&mut self) -> Vec<crate::GuardFinding> {
        (**self).take_findings()
    }
    fn refusal(&mut self) -> Option<crate::GuardRefusal> {
        (**self).refusal()
    }
}
