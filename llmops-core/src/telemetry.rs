//! Spans beyond the request: [`execute_tool`] and [`invoke_agent`], and the [`SpanBridge`]
//! through which a tracing backend richer than `tracing` (OpenTelemetry, in llmops-trace)
//! gives core's spans trace ids, propagates them into provider calls and adds what `tracing`'s
//! 32 fields a span cannot carry.
//!
//! Core emits every span through `tracing` and installs nothing global: the host installs its
//! subscriber (and, with llmops-trace's `otlp` feature, the OpenTelemetry layer).

use tracing::field::Empty;

use crate::exchange::ExchangeRecord;
use crate::feedback::Feedback;

/// What core asks of a tracing backend. Every method has a no-op default; all are called
/// synchronously on the request path, so they must be cheap and must not panic. Core calls the
/// bridge only for exchanges whose request span is enabled (the host's subscriber wants
/// target `llmops` at INFO): no tracing, no cost.
///
/// ```
/// use llmops_core::{Client, ExchangeRecord, ScriptedProvider, SpanBridge};
/// use std::sync::atomic::{AtomicU64, Ordering};
///
/// /// Counts ended exchanges and stamps a header on provider calls.
/// #[derive(Default)]
/// struct Stamp(AtomicU64);
/// impl SpanBridge for Stamp {
///     fn inject(&self, _span: &tracing::Span, headers: &mut http::HeaderMap) {
///         headers.insert("x-trace-origin", http::HeaderValue::from_static("my-service"));
///     }
///     fn on_end(&self, _span: &tracing::Span, _rec: &ExchangeRecord) {
///         self.0.fetch_add(1, Ordering::Relaxed);
///     }
/// }
/// let client = Client::builder()
///     .provider(ScriptedProvider::new().reply("ok"))
///     .span_bridge(Stamp::default())
///     .build()
///     .unwrap();
/// # let _ = client;
/// ```
pub trait SpanBridge: Send + Sync + 'static {
    /// The W3C trace id (32 hex digits) of `span`, if the backend gives spans one. Core puts
    /// it in the exchange record and the response metadata.
    fn trace_id(&self, _span: &tracing::Span) -> Option<String> {
        None
    }

    /// Adds the headers that carry `span`'s context (W3C `traceparent`, `tracestate`) to an
    /// outgoing provider call. Providers call it through [`Exchange::trace_headers`](crate::Exchange::trace_headers).
    fn inject(&self, _span: &tracing::Span, _headers: &mut http::HeaderMap) {}

    /// The exchange ended: `span` is its request span, still open. Add what the record knows
    /// and `tracing`'s fields do not carry (time to first token, guard decisions, message
    /// content when enabled ...).
    fn on_end(&self, _span: &tracing::Span, _rec: &ExchangeRecord) {}

    /// Feedback arrived for an earlier exchange ([`Client::feedback`](crate::Client::feedback)).
    fn on_feedback(&self, _feedback: &Feedback) {}

    /// An evaluation of an earlier exchange arrived
    /// ([`Client::record_evaluation`](crate::Client::record_evaluation)): emit the
    /// `gen_ai.evaluation.result` event on that exchange's trace.
    fn on_evaluation(&self, _result: &crate::EvaluationResult) {}
}

impl<T: SpanBridge + ?Sized> SpanBridge for std::sync::Arc<T> {
    fn trace_id(&self, span: &tracing::Span) -> Option<String> {
        (**self).trace_id(span)
    }
    fn inject(&self, span: &tracing::Span, headers: &mut http::HeaderMap) {
        (**self).inject(span, headers)
    }
    fn on_end(&self, span: &tracing::Span, rec: &ExchangeRecord) {
        (**self).on_end(span, rec)
    }
    fn on_feedback(&self, feedback: &Feedback) {
        (**self).on_feedback(feedback)
    }
    fn on_evaluation(&self, result: &crate::EvaluationResult) {
        (**self).on_evaluation(result)
    }
}

/// Opens an `execute_tool {name}` span (GenAI conventions: operation `execute_tool`,
/// `gen_ai.tool.name`, `gen_ai.tool.call.id`, kind internal). Enter it (or instrument the
/// tool's future with it) while the tool runs; record `error.type` on failure.
///
/// ```
/// use tracing::Instrument;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let out = async { 42 }
///     .instrument(llmops_core::telemetry::execute_tool("get_weather", Some("call_1")))
///     .await;
/// assert_eq!(out, 42);
/// # });
/// ```
pub fn execute_tool(name: &str, call_id: Option<&str>) -> tracing::Span {
    tracing::info_span!(
        target: "llmops",
        "execute_tool",
        otel.name = %format_args!("execute_tool {name}"),
        otel.kind = "internal",
        gen_ai.operation.name = "execute_tool",
        gen_ai.tool.name = name,
        gen_ai.tool.call.id = call_id,
        gen_ai.tool.type = "function",
        error.type = Empty,
    )
}

/// Opens an `invoke_agent {name}` span that groups the client calls and tool steps of one
/// task into one trace: every exchange started inside it is its child ("multi-step chains and
/// agents are fully traced"). `conversation` sets `gen_ai.conversation.id`.
///
/// ```
/// use llmops_core::{Client, ChatRequest, ScriptedProvider};
/// use tracing::Instrument;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let client = Client::builder()
///     .provider(ScriptedProvider::new().reply("step 1").reply("step 2"))
///     .build()?;
/// let agent = llmops_core::telemetry::invoke_agent("trip-planner", Some("conv-7"));
/// async {
///     client.chat(ChatRequest::new("scripted/m").user("plan")).await?;
///     client.chat(ChatRequest::new("scripted/m").user("refine")).await
/// }
/// .instrument(agent)
/// .await?;
/// # Ok::<(), llmops_core::Error>(())
/// # }).unwrap();
/// ```
pub fn invoke_agent(name: &str, conversation: Option<&str>) -> tracing::Span {
    tracing::info_span!(
        target: "llmops",
        "invoke_agent",
        otel.name = %format_args!("invoke_agent {name}"),
        otel.kind = "internal",
        gen_ai.operation.name = "invoke_agent",
        gen_ai.agent.name = name,
        gen_ai.conversation.id = conversation,
        error.type = Empty,
    )
}

/// Opens a DEBUG-level child span for one pipeline stage (`prompt`, `retrieval`, `guard`,
/// `cache`): opt-in detail, off unless the host's filter enables DEBUG for target `llmops`,
/// because each span costs microseconds.
///
/// ```
/// let span = llmops_core::telemetry::stage_span("retrieval");
/// let _entered = span.enter();
/// ```
pub fn stage_span(stage: &'static str) -> tracing::Span {
    tracing::debug_span!(target: "llmops", "stage", otel.name = stage, llmops.stage = stage)
}
