//! [`OtelBridge`]: core's [`SpanBridge`] on OpenTelemetry: trace ids, W3C propagation, the
//! attributes beyond `tracing`'s 32 fields, message content, feedback on the exchange's trace.

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use llmops_core::exchange::CacheOutcome;
use llmops_core::{
    EvaluationResult, ExchangeRecord, Feedback, FeedbackValue, Outcome, Redactor, SpanBridge,
    semconv,
};
use opentelemetry::propagation::TextMapPropagator;
use opentelemetry::trace::{SpanContext, SpanKind, Status, TraceContextExt, Tracer as _};
use opentelemetry::{Context, KeyValue};
use opentelemetry_http::{HeaderExtractor, HeaderInjector};
use opentelemetry_sdk::propagation::TraceContextPropagator;
use opentelemetry_sdk::trace::Tracer;
use tracing_opentelemetry::OpenTelemetrySpanExt;

use super::content;
use crate::error::{Error, Result};

/// Exchanges whose span context is kept for feedback (the newest win), over [`SHARDS`] maps
/// so concurrent exchanges rarely meet on one lock.
const RECENT: usize = 16 * 1024;
const SHARDS: usize = 32;

#[derive(Default)]
struct Recent {
    map: HashMap<String, SpanContext>,
    order: VecDeque<String>,
}

struct Inner {
    tracer: Tracer,
    capture: bool,
    redactor: Arc<dyn Redactor>,
    propagator: TraceContextPropagator,
    recent: [Mutex<Recent>; SHARDS],
}

fn shard(request_id: &str) -> usize {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    request_id.hash(&mut h);
    (h.finish() as usize) % SHARDS
}

/// Core's [`SpanBridge`] on OpenTelemetry: give it to
/// [`ClientBuilder::span_bridge`](llmops_core::ClientBuilder::span_bridge). Made by
/// [`Otel::bridge`](super::Otel::bridge); cheap to clone.
#[derive(Clone)]
pub struct OtelBridge {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for OtelBridge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtelBridge")
            .field("capture_content", &self.inner.capture)
            .field("redactor", &self.inner.redactor.name())
            .finish_non_exhaustive()
    }
}

impl OtelBridge {
    pub(crate) fn new(tracer: Tracer, capture: bool, redactor: Arc<dyn Redactor>) -> Self {
        OtelBridge {
            inner: Arc::new(Inner {
                tracer,
                capture,
                redactor,
                propagator: TraceContextPropagator::new(),
                recent: std::array::from_fn(|_| Mutex::new(Recent::default())),
            }),
        }
    }

    fn remember(&self, request_id: &str, sc: SpanContext) {
        let Some(Ok(mut r)) = self.inner.recent.get(shard(request_id)).map(|m| m.lock()) else {
            return;
        };
        if r.map.insert(request_id.to_owned(), sc).is_none() {
            r.order.push_back(request_id.to_owned());
        }
        while r.order.len() > RECENT / SHARDS {
            if let Some(old) = r.order.pop_front() {
                r.map.remove(&old);
            }
        }
    }

    fn recall(&self, request_id: &str) -> Option<SpanContext> {
        self.inner
            .recent
            .get(shard(request_id))?
            .lock()
            .ok()
            .and_then(|r| r.map.get(request_id).cloned())
    }
}

fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

impl SpanBridge for OtelBridge {
    fn trace_id(&self, span: &tracing::Span) -> Option<String> {
        let cx = span.context();
        let sc = cx.span().span_context().clone();
        sc.is_valid().then(|| sc.trace_id().to_string())
    }

    fn inject(&self, span: &tracing::Span, headers: &mut http::HeaderMap) {
        self.inner
            .propagator
            .inject_context(&span.context(), &mut HeaderInjector(headers));
    }

    fn on_end(&self, span: &tracing::Span, rec: &ExchangeRecord) {
        let cx = span.context();
        // named after the model the provider was asked for, not the caller's reference
        // (`openai/gpt-4.1`, an alias); once the span is live only the OTel API renames it
        if let Some(a) = rec.attempts.last()
            && a.model != rec.model_requested
        {
            cx.span()
                .update_name(std::borrow::Cow::Owned(format!("chat {}", a.model)));
        }
        if let Some(t) = rec.ttft {
            span.set_attribute(semconv::LLMOPS_TTFT_MS, t.as_secs_f64() * 1000.0);
        }
        span.set_attribute(semconv::LLMOPS_ATTEMPTS, rec.attempts.len() as i64);
        if let Some(CacheOutcome::Hit {
            similarity: Some(s),
            ..
        }) = &rec.cache
        {
            span.set_attribute(semconv::LLMOPS_CACHE_SIMILARITY, f64::from(*s));
        }
        if !rec.guard_findings.is_empty() {
            let decisions: Vec<_> = rec
                .guard_findings
                .iter()
                .map(|g| {
                    serde_json::json!({
                        "guard": g.guard, "source": g.source, "action": g.action,
                        "categories": g.categories, "score": g.score,
                    })
                })
                .collect();
            span.set_attribute(semconv::LLMOPS_GUARD_DECISIONS, json(&decisions));
        }
        if !rec.retrieved.is_empty() {
            // what the model saw: the chunk ids, in the order they were given to it
            let ids: Vec<opentelemetry::StringValue> = rec
                .retrieved
                .iter()
                .map(|c| opentelemetry::StringValue::from(c.id.clone()))
                .collect();
            span.set_attribute(
                semconv::LLMOPS_RETRIEVAL_CHUNK_IDS,
                opentelemetry::Value::Array(opentelemetry::Array::String(ids)),
            );
        }
        if let Outcome::Failed { message, .. } = &rec.outcome {
            span.set_status(Status::error(
                self.inner.redactor.redact(message).into_owned(),
            ));
        }
        if self.inner.capture {
            let r = self.inner.redactor.as_ref();
            let (system, input) = content::input(&rec.request.messages, r);
            if let Some(s) = system {
                span.set_attribute(semconv::GEN_AI_SYSTEM_INSTRUCTIONS, s);
            }
            span.set_attribute(semconv::GEN_AI_INPUT_MESSAGES, input);
            if let Some(resp) = &rec.response {
                span.set_attribute(semconv::GEN_AI_OUTPUT_MESSAGES, content::output(resp, r));
            }
        }
        let sc = cx.span().span_context().clone();
        if sc.is_valid() {
            self.remember(&rec.request_id, sc);
        }
    }

    fn on_feedback(&self, fb: &Feedback) {
        let mut attrs = vec![KeyValue::new(
            semconv::LLMOPS_REQUEST_ID,
            fb.request_id.clone(),
        )];
        match &fb.value {
            FeedbackValue::Score(s) => {
                attrs.push(KeyValue::new(semconv::LLMOPS_FEEDBACK_SCORE, *s))
            }
            FeedbackValue::Label(l) => {
                attrs.push(KeyValue::new(semconv::LLMOPS_FEEDBACK_LABEL, l.clone()))
            }
        }
        if let Some(c) = &fb.comment {
            attrs.push(KeyValue::new(
                semconv::LLMOPS_FEEDBACK_COMMENT,
                self.inner.redactor.redact(c).into_owned(),
            ));
        }
        let parent = match self.recall(&fb.request_id) {
            Some(sc) => Context::new().with_remote_span_context(sc),
            None => Context::new(),
        };
        let tracer = &self.inner.tracer;
        let mut span = tracer
            .span_builder("feedback")
            .with_kind(SpanKind::Internal)
            .with_attributes(attrs)
            .start_with_context(tracer, &parent);
        opentelemetry::trace::Span::end(&mut span);
    }

    /// A zero-length `evaluation` span, child of the evaluated exchange's request span (when
    /// still remembered), carrying the `gen_ai.evaluation.result` event (the conventions
    /// model it as an event parented to the evaluated span; a span that has ended takes no
    /// more events, so the event rides on a child).
    fn on_evaluation(&self, ev: &EvaluationResult) {
        let mut attrs = vec![KeyValue::new(
            semconv::GEN_AI_EVALUATION_NAME,
            ev.name.clone(),
        )];
        if let Some(v) = ev.score {
            attrs.push(KeyValue::new(semconv::GEN_AI_EVALUATION_SCORE_VALUE, v));
        }
        if let Some(l) = &ev.label {
            attrs.push(KeyValue::new(
                semconv::GEN_AI_EVALUATION_SCORE_LABEL,
                l.clone(),
            ));
        }
        if let Some(x) = &ev.explanation {
            attrs.push(KeyValue::new(
                semconv::GEN_AI_EVALUATION_EXPLANATION,
                self.inner.redactor.redact(x).into_owned(),
            ));
        }
        if let Some(id) = &ev.response_id {
            attrs.push(KeyValue::new(semconv::GEN_AI_RESPONSE_ID, id.clone()));
        }
        if let Some(e) = &ev.error_type {
            attrs.push(KeyValue::new(semconv::ERROR_TYPE, e.clone()));
        }
        let parent = match self.recall(&ev.request_id) {
            Some(sc) => Context::new().with_remote_span_context(sc),
            None => Context::new(),
        };
        let tracer = &self.inner.tracer;
        let mut span_attrs = attrs.clone();
        span_attrs.push(KeyValue::new(
            semconv::LLMOPS_REQUEST_ID,
            ev.request_id.clone(),
        ));
        let mut span = tracer
            .span_builder("evaluation")
            .with_kind(SpanKind::Internal)
            .with_attributes(span_attrs)
            .start_with_context(tracer, &parent);
        opentelemetry::trace::Span::add_event(&mut span, semconv::GEN_AI_EVALUATION_RESULT, attrs);
        opentelemetry::trace::Span::end(&mut span);
    }
}

/// The W3C trace context (`traceparent`, `tracestate`) of a host's incoming request.
///
/// ```
/// let mut headers = http::HeaderMap::new();
/// headers.insert("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01".parse().unwrap());
/// let cx = llmops_trace::otel::extract_context(&headers);
/// use opentelemetry::trace::TraceContextExt;
/// assert_eq!(cx.span().span_context().trace_id().to_string(), "4bf92f3577b34da6a3ce929d0e0e4736");
/// ```
pub fn extract_context(headers: &http::HeaderMap) -> Context {
    TraceContextPropagator::new().extract(&HeaderExtractor(headers))
}

/// Makes `span` (the host's request-handler span, around its `client.chat` calls) a child of
/// the trace in the incoming request's `traceparent`, so llmops's spans join the caller's trace.
/// A missing or malformed `traceparent` leaves the span a root (nothing to join).
///
/// ```no_run
/// # fn handler(headers: &http::HeaderMap) -> llmops_trace::Result<()> {
/// let span = tracing::info_span!("POST /answer");
/// llmops_trace::otel::set_parent_from_headers(&span, headers)?;
/// # Ok(()) }
/// ```
pub fn set_parent_from_headers(span: &tracing::Span, headers: &http::HeaderMap) -> Result<()> {
    let cx = extract_context(headers);
    if !cx.span().span_context().is_valid() {
        return Ok(());
    }
    span.set_parent(cx)
        .map_err(|e| Error::Otel(format!("setting the parent from traceparent: {e:?}")))
}
