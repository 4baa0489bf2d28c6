//! The [`Exchange`]: one request's context, from `client.chat` to its [`ExchangeRecord`].
//!
//! Middleware reads and fills typed fields (prompt version, cache outcome, guard findings,
//! retrieved chunks, cost); data a user's own middleware needs goes into
//! [`Exchange::extensions`]. Core turns the exchange into exactly one [`ExchangeRecord`] when it
//! ends, whatever the ending.

mod record;

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;

/// The [`Exchange::annotations`] key that marks an exchange sent through a provider's Batch
/// API (`true`): the cost layer prices it at the batch rate. Any value but `false` and `null`
/// counts.
pub const BATCH_ANNOTATION: &str = "batch";

pub use record::{
    AttemptOutcome, AttemptRecord, CacheKind, CacheOutcome, ExchangeRecord, Outcome,
    RECORD_SCHEMA_VERSION, ResponseRecord,
};

use crate::guardrail::GuardFinding;
use crate::money::Cost;
use crate::provider::Deployment;
use crate::retrieval::ChunkRef;
use crate::stream::StreamTap;
use crate::tool::ToolCallRecord;
use crate::types::{Caller, ParamSources, Params, PromptVersionRef};

/// Per-request context passed to every middleware (`&mut`) and to the provider (`&`).
pub struct Exchange {
    request_id: String,
    caller: Arc<Caller>,
    started: Instant,
    started_at: DateTime<Utc>,
    deadline: Option<Instant>,
    model_requested: String,
    stream: bool,
    /// The deployment the current attempt goes to. The router sets it; otherwise core resolves
    /// the request's model reference.
    pub deployment: Option<Arc<Deployment>>,
    /// The resolved prompt version (set by the prompt stage).
    pub prompt: Option<PromptVersionRef>,
    /// The prompt version's parameters (`config`), between request and client defaults.
    pub prompt_params: Option<Params>,
    /// What the cache did.
    pub cache: Option<CacheOutcome>,
    /// The exchange's cost when a layer priced it.
    pub cost: Option<Cost>,
    /// Guard findings, in the order the guards ran.
    pub guard_findings: Vec<GuardFinding>,
    /// Chunks retrieved for this exchange.
    pub retrieved: Vec<ChunkRef>,
    /// Tool calls executed, with their gate decisions.
    pub tool_calls: Vec<ToolCallRecord>,
    /// W3C trace id (set by the tracing layer).
    pub trace_id: Option<String>,
    /// Layer-specific record data (goes to [`ExchangeRecord::annotations`]).
    pub annotations: BTreeMap<String, Value>,
    /// Typed data for user middleware.
    pub extensions: http::Extensions,
    pub(crate) params: ParamSources,
    pub(crate) attempts: Vec<AttemptRecord>,
    pub(crate) taps: Mutex<Vec<Box<dyn StreamTap>>>,
    pub(crate) sent: Option<crate::types::ChatRequest>,
    pub(crate) scripted: bool,
    pub(crate) server: Option<(String, u16)>,
    pub(crate) bridge: Option<Arc<dyn crate::telemetry::SpanBridge>>,
    pub(crate) finishers: Mutex<Vec<Finisher>>,
}

/// Work a layer leaves for the end of the exchange (see [`Exchange::on_finish`]).
pub(crate) type Finisher = Box<dyn FnOnce(&ExchangeRecord) + Send>;

impl std::fmt::Debug for Exchange {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Exchange")
            .field("request_id", &self.request_id)
            .field("model_requested", &self.model_requested)
            .field("stream", &self.stream)
            .field("attempt", &self.attempt())
            .finish_non_exhaustive()
    }
}

impl Exchange {
    /// A new exchange. The client creates these; tests of a middleware or provider can too.
    pub fn new(
        request_id: impl Into<String>,
        caller: Arc<Caller>,
        model: impl Into<String>,
        stream: bool,
    ) -> Self {
        Exchange {
            request_id: request_id.into(),
            caller,
            started: Instant::now(),
            started_at: Utc::now(),
            deadline: None,
            model_requested: model.into(),
            stream,
            deployment: None,
            prompt: None,
            prompt_params: None,
            cache: None,
            cost: None,
            guard_findings: Vec::new(),
            retrieved: Vec::new(),
            tool_calls: Vec::new(),
            trace_id: None,
            annotations: BTreeMap::new(),
            extensions: http::Extensions::new(),
            params: ParamSources::new(),
            attempts: Vec::new(),
            taps: Mutex::new(Vec::new()),
            sent: None,
            scripted: false,
            server: None,
            bridge: None,
            finishers: Mutex::new(Vec::new()),
        }
    }

    /// An exchange for `req` (for unit tests of middleware and providers).
    pub fn for_request(req: &crate::types::ChatRequest) -> Self {
        Exchange::new(
            crate::client::new_request_id(),
            req.caller.clone(),
            req.model.clone(),
            req.stream,
        )
    }

    /// Replaces the model reference the caller asked for (the prompt stage, when the model
    /// comes from the prompt version).
    #[cfg(feature = "prompts")]
    pub(crate) fn set_model_requested(&mut self, model: &str) {
        model.clone_into(&mut self.model_requested);
    }

    /// Runs `f` with the finished record when the exchange ends, whatever the ending
    /// (completed, failed, cut, dropped, cancelled): after the cost is known, before the
    /// observers. This is how a layer settles what it started (a budget reservation settled
    /// to the real cost, say) without code after `next.run` — which a dropped future or
    /// stream would skip. A finisher that panics is caught and counted like an observer.
    ///
    /// ```
    /// use std::sync::{Arc, Mutex};
    /// use llmops_core::{Caller, Exchange};
    /// let mut cx = Exchange::new("req-1", Arc::new(Caller::default()), "m", false);
    /// let seen = Arc::new(Mutex::new(None));
    /// let s = seen.clone();
    /// cx.on_finish(move |rec| *s.lock().unwrap() = Some(rec.request_id.clone()));
    /// ```
    pub fn on_finish(&mut self, f: impl FnOnce(&ExchangeRecord) + Send + 'static) {
        match self.finishers.get_mut() {
            Ok(v) => v.push(Box::new(f)),
            Err(p) => p.into_inner().push(Box::new(f)),
        }
    }

    /// Our request id.
    pub fn request_id(&self) -> &str {
        &self.request_id
    }

    /// Who is asking.
    pub fn caller(&self) -> &Caller {
        &self.caller
    }

    /// When the exchange started.
    pub fn started(&self) -> Instant {
        self.started
    }

    /// Wall-clock start.
    pub fn started_at(&self) -> DateTime<Utc> {
        self.started_at
    }

    /// Time since the exchange started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed()
    }

    /// The deadline, if one is set.
    pub fn deadline(&self) -> Option<Instant> {
        self.deadline
    }

    /// The headers that carry the current span's trace context (W3C `traceparent`) to a
    /// provider; empty unless the client has a [`SpanBridge`](crate::SpanBridge). Providers
    /// add them to every outgoing call.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use llmops_core::{Caller, Exchange};
    /// let cx = Exchange::new("req-1", Arc::new(Caller::default()), "m", false);
    /// assert!(cx.trace_headers().is_empty());
    /// ```
    pub fn trace_headers(&self) -> http::HeaderMap {
        let mut h = http::HeaderMap::new();
        if let Some(b) = &self.bridge {
            b.inject(&tracing::Span::current(), &mut h);
        }
        h
    }

    /// Time left before the deadline.
    pub fn remaining(&self) -> Option<Duration> {
        self.deadline
            .map(|d| d.saturating_duration_since(Instant::now()))
    }

    pub(crate) fn set_deadline(&mut self, d: Option<Duration>) {
        self.deadline = d.map(|d| self.started + d);
    }

    /// The model reference the caller asked for.
    pub fn model_requested(&self) -> &str {
        &self.model_requested
    }

    /// Whether the caller asked for a stream.
    pub fn is_stream(&self) -> bool {
        self.stream
    }

    /// The current attempt number (0 before the first provider call).
    pub fn attempt(&self) -> u32 {
        self.attempts.len() as u32
    }

    /// The attempts so far.
    pub fn attempts(&self) -> &[AttemptRecord] {
        &self.attempts
    }

    /// Where each applied parameter came from (after the provider stage resolved them).
    pub fn param_sources(&self) -> &ParamSources {
        &self.params
    }

    /// Adds a stream tap for this exchange's reply (an output guard, say). Taps run in the
    /// order added, after the client's own taps.
    pub fn add_tap(&self, tap: Box<dyn StreamTap>) {
        match self.taps.lock() {
            Ok(mut t) => t.push(tap),
            Err(poisoned) => poisoned.into_inner().push(tap),
        }
    }

    pub(crate) fn take_taps(&self) -> Vec<Box<dyn StreamTap>> {
        match self.taps.lock() {
            Ok(mut t) => std::mem::take(&mut *t),
            Err(poisoned) => std::mem::take(&mut *poisoned.into_inner()),
        }
    }
}
