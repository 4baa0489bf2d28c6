//! The spans core emits through `tracing`: one per request, one per provider attempt.
//! Field names are the constants of [`semconv`](crate::semconv); a test checks they match.

use tracing::field::Empty;

use crate::exchange::{ExchangeRecord, Outcome};
use crate::semconv;

/// Opens the request span (`chat {model}`, kind client).
pub(crate) fn request_span(model: &str, request_id: &str, stream: bool) -> tracing::Span {
    tracing::info_span!(
        target: "llmops",
        "chat",
        otel.name = %format_args!("chat {model}"),
        otel.kind = "client",
        gen_ai.operation.name = "chat",
        gen_ai.request.model = model,
        gen_ai.provider.name = Empty,
        gen_ai.response.model = Empty,
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
        gen_ai.usage.cache_read.input_tokens = Empty,
        error.type = Empty,
        llmops.request_id = request_id,
        llmops.stream = stream,
        llmops.outcome = Empty,
        llmops.attempts = Empty,
    )
}

/// Opens the span of one provider attempt.
pub(crate) fn attempt_span(provider: &str, model: &str, attempt: u32) -> tracing::Span {
    tracing::info_span!(
        target: "llmops",
        "attempt",
        otel.name = %format_args!("chat {model}"),
        otel.kind = "client",
        gen_ai.operation.name = "chat",
        gen_ai.provider.name = provider,
        gen_ai.request.model = model,
        llmops.attempt = attempt,
    )
}

/// Records the end of the exchange on its span.
pub(crate) fn record_end(span: &tracing::Span, rec: &ExchangeRecord) {
    if span.is_disabled() {
        return;
    }
    if let Some(p) = &rec.provider {
        span.record(semconv::GEN_AI_PROVIDER_NAME, p.as_str());
    }
    if let Some(m) = &rec.model_answered {
        span.record(semconv::GEN_AI_RESPONSE_MODEL, m.as_str());
    }
    span.record(semconv::GEN_AI_USAGE_INPUT_TOKENS, rec.usage.input_tokens);
    span.record(semconv::GEN_AI_USAGE_OUTPUT_TOKENS, rec.usage.output_tokens);
    span.record(
        semconv::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
        rec.usage.cache_read_tokens,
    );
    span.record(semconv::LLMOPS_OUTCOME, rec.outcome.as_str());
    span.record(semconv::LLMOPS_ATTEMPTS, rec.attempts.len());
    if let Outcome::Failed { error, .. } = &rec.outcome {
        span.record(semconv::ERROR_TYPE, error.as_str());
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    use super::*;

    /// Collects the field names of every span created.
    struct Names(Arc<Mutex<Vec<String>>>);

    impl Subscriber for Names {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, attrs: &Attributes<'_>) -> Id {
            let mut n = self.0.lock().unwrap();
            n.extend(
                attrs
                    .metadata()
                    .fields()
                    .iter()
                    .map(|f| f.name().to_owned()),
            );
            Id::from_u64(1)
        }
        fn record(&self, _: &Id, _: &Record<'_>) {}
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, _: &Event<'_>) {}
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    #[test]
    fn span_fields_are_semconv_names() {
        let names = Arc::new(Mutex::new(Vec::new()));
        tracing::subscriber::with_default(Names(names.clone()), || {
            let _a = request_span("gpt-4.1", "r1", false);
            let _b = attempt_span("openai", "gpt-4.1", 1);
        });
        let known = [
            semconv::GEN_AI_OPERATION_NAME,
            semconv::GEN_AI_REQUEST_MODEL,
            semconv::GEN_AI_PROVIDER_NAME,
            semconv::GEN_AI_RESPONSE_MODEL,
            semconv::GEN_AI_USAGE_INPUT_TOKENS,
            semconv::GEN_AI_USAGE_OUTPUT_TOKENS,
            semconv::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
            semconv::ERROR_TYPE,
            semconv::LLMOPS_REQUEST_ID,
            semconv::LLMOPS_STREAM,
            semconv::LLMOPS_OUTCOME,
            semconv::LLMOPS_ATTEMPTS,
            semconv::LLMOPS_ATTEMPT,
        ];
        let names = names.lock().unwrap();
        assert!(names.len() > 10);
        for n in names.iter().filter(|n| !n.starts_with("otel.")) {
            assert!(
                known.contains(&n.as_str()),
                "span field `{n}` is not a semconv constant"
            );
        }
    }
}
