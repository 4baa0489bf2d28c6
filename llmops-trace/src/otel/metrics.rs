//! [`OtelMetrics`]: the GenAI client metrics over OTLP, recorded from each
//! [`ExchangeRecord`].

use std::sync::Arc;

use llmops_core::exchange::CacheOutcome;
use llmops_core::{ExchangeRecord, Feedback, Observer, Outcome, semconv};
use opentelemetry::KeyValue;
use opentelemetry::metrics::{Counter, Histogram, Meter};

use crate::metrics::{DURATION_BUCKETS, TOKEN_BUCKETS};

/// Overhead buckets, seconds (1 µs … 100 ms).
const OVERHEAD_BUCKETS: [f64; 11] = [
    1e-6, 2.5e-6, 5e-6, 1e-5, 2.5e-5, 5e-5, 1e-4, 1e-3, 1e-2, 5e-2, 1e-1,
];

struct Instruments {
    tokens: Histogram<u64>,
    duration: Histogram<f64>,
    ttft: Histogram<f64>,
    overhead: Histogram<f64>,
    cost: Counter<f64>,
    requests: Counter<u64>,
    errors: Counter<u64>,
    events: Counter<u64>,
}

/// An [`Observer`] recording `gen_ai.client.token.usage` (`{token}`, by `gen_ai.token.type`)
/// and `gen_ai.client.operation.duration` (s) with the GenAI bucket boundaries, plus time to
/// first token, pipeline overhead, cost (USD), requests, errors by `error.type` and events
/// (cache hits, guard blocks, feedback), all labelled with operation, provider, request and
/// response model, server, feature and prompt. Made by [`Otel::metrics`](super::Otel::metrics).
#[derive(Clone)]
pub struct OtelMetrics {
    inner: Option<Arc<Instruments>>,
}

impl std::fmt::Debug for OtelMetrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtelMetrics")
            .field("enabled", &self.inner.is_some())
            .finish()
    }
}

impl OtelMetrics {
    /// Instruments from `meter` (e.g. a meter of the host's own `SdkMeterProvider`).
    ///
    /// ```
    /// use opentelemetry::metrics::MeterProvider;
    /// let provider = opentelemetry_sdk::metrics::SdkMeterProvider::builder().build();
    /// let metrics = llmops_trace::otel::OtelMetrics::new(&provider.meter("llmops"));
    /// # let _ = metrics;
    /// ```
    pub fn new(meter: &Meter) -> Self {
        let tokens = meter
            .u64_histogram(semconv::GEN_AI_CLIENT_TOKEN_USAGE)
            .with_unit("{token}")
            .with_description("Number of input and output tokens used.")
            .with_boundaries(TOKEN_BUCKETS.to_vec())
            .build();
        let duration = meter
            .f64_histogram(semconv::GEN_AI_CLIENT_OPERATION_DURATION)
            .with_unit("s")
            .with_description("GenAI operation duration.")
            .with_boundaries(DURATION_BUCKETS.to_vec())
            .build();
        let ttft = meter
            .f64_histogram(semconv::LLMOPS_CLIENT_TIME_TO_FIRST_TOKEN)
            .with_unit("s")
            .with_description("Time to the first streamed token.")
            .with_boundaries(DURATION_BUCKETS.to_vec())
            .build();
        let overhead = meter
            .f64_histogram(semconv::LLMOPS_CLIENT_OVERHEAD)
            .with_unit("s")
            .with_description("Request time minus provider time (the pipeline's own cost).")
            .with_boundaries(OVERHEAD_BUCKETS.to_vec())
            .build();
        let cost = meter
            .f64_counter(semconv::LLMOPS_CLIENT_COST)
            .with_unit("USD")
            .with_description("Known cost of exchanges.")
            .build();
        let requests = meter
            .u64_counter(semconv::LLMOPS_CLIENT_REQUESTS)
            .with_unit("{request}")
            .with_description("Exchanges, by outcome.")
            .build();
        let errors = meter
            .u64_counter(semconv::LLMOPS_CLIENT_ERRORS)
            .with_unit("{error}")
            .with_description("Failed exchanges, by error.type.")
            .build();
        let events = meter
            .u64_counter(semconv::LLMOPS_CLIENT_EVENTS)
            .with_unit("{event}")
            .with_description("Cache hits, guard blocks, feedback.")
            .build();
        OtelMetrics {
            inner: Some(Arc::new(Instruments {
                tokens,
                duration,
                ttft,
                overhead,
                cost,
                requests,
                errors,
                events,
            })),
        }
    }

    /// Records nothing (metrics turned off).
    pub fn disabled() -> Self {
        OtelMetrics { inner: None }
    }
}

fn labels(rec: &ExchangeRecord) -> Vec<KeyValue> {
    let mut l = Vec::with_capacity(10);
    l.push(KeyValue::new(
        semconv::GEN_AI_OPERATION_NAME,
        rec.operation.to_string(),
    ));
    l.push(KeyValue::new(
        semconv::GEN_AI_REQUEST_MODEL,
        rec.model_requested.clone(),
    ));
    if let Some(p) = &rec.provider {
        l.push(KeyValue::new(semconv::GEN_AI_PROVIDER_NAME, p.clone()));
    }
    if let Some(m) = &rec.model_answered {
        l.push(KeyValue::new(semconv::GEN_AI_RESPONSE_MODEL, m.clone()));
    }
    if let Some(f) = &rec.caller.feature {
        l.push(KeyValue::new(semconv::LLMOPS_FEATURE, f.clone()));
    }
    if let Some(p) = &rec.prompt {
        l.push(KeyValue::new(semconv::LLMOPS_PROMPT_NAME, p.name.clone()));
        l.push(KeyValue::new(
            semconv::LLMOPS_PROMPT_VERSION,
            i64::from(p.version),
        ));
    }
    l
}

impl Observer for OtelMetrics {
    fn name(&self) -> &str {
        "otel-metrics"
    }

    fn on_finish(&self, rec: &ExchangeRecord) {
        let Some(m) = &self.inner else {
            return;
        };
        let mut l = labels(rec);
        if let Outcome::Failed { error, .. } = &rec.outcome {
            l.push(KeyValue::new(
                semconv::ERROR_TYPE,
                error.as_str().to_owned(),
            ));
            m.errors.add(1, &l);
        }
        m.duration.record(rec.latency.as_secs_f64(), &l);
        m.overhead.record(rec.overhead().as_secs_f64(), &l);
        if let Some(t) = rec.ttft {
            m.ttft.record(t.as_secs_f64(), &l);
        }
        if let Some(c) = rec.cost.known() {
            m.cost.add(c.as_f64(), &l);
        }
        // one label vector, extended and shrunk per instrument: no clone per instrument
        let base = l.len();
        l.push(KeyValue::new(semconv::LLMOPS_OUTCOME, rec.outcome.as_str()));
        m.requests.add(1, &l);
        l.truncate(base);
        for (ty, n) in [
            ("input", rec.usage.input_tokens),
            ("output", rec.usage.output_tokens),
        ] {
            l.push(KeyValue::new(semconv::GEN_AI_TOKEN_TYPE, ty));
            m.tokens.record(n, &l);
            l.truncate(base);
        }
        if matches!(rec.cache, Some(CacheOutcome::Hit { .. })) {
            l.push(KeyValue::new(semconv::LLMOPS_EVENT, "cache_hit"));
            m.events.add(1, &l);
            l.truncate(base);
        }
        if rec.guard_findings.iter().any(|g| g.action == "block") {
            l.push(KeyValue::new(semconv::LLMOPS_EVENT, "guard_block"));
            m.events.add(1, &l);
        }
    }

    fn on_feedback(&self, fb: &Feedback) {
        if let Some(m) = &self.inner {
            let label = fb.label().unwrap_or("score").to_owned();
            m.events.add(
                1,
                &[
                    KeyValue::new(semconv::LLMOPS_EVENT, "feedback"),
                    KeyValue::new(semconv::LLMOPS_FEEDBACK_LABEL, label),
                ],
            );
        }
    }
}
