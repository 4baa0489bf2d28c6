//! The spans core emits through `tracing`: one per request, one per provider attempt.
//! Field names are the constants of [`semconv`](crate::semconv); a test checks they match.

use tracing::field::Empty;

use crate::exchange::{ExchangeRecord, Outcome};
use crate::semconv;

/// Opens the request span (`chat {model}`, kind client). Fields without a value yet are
/// recorded when the exchange ends (tracing allows 32 fields a span: this uses all of them).
pub(crate) fn request_span(model: &str, request_id: &str) -> tracing::Span {
    tracing::info_span!(
        target: "llmops",
        "chat",
        otel.name = %format_args!("chat {model}"),
        otel.kind = "client",
        gen_ai.operation.name = "chat",
        gen_ai.request.model = model,
        gen_ai.request.temperature = Empty,
        gen_ai.request.top_p = Empty,
        gen_ai.request.max_tokens = Empty,
        gen_ai.request.seed = Empty,
        gen_ai.request.stop_sequences = Empty,
        gen_ai.provider.name = Empty,
        gen_ai.response.id = Empty,
        gen_ai.response.model = Empty,
        gen_ai.response.finish_reasons = Empty,
        gen_ai.usage.input_tokens = Empty,
        gen_ai.usage.output_tokens = Empty,
        gen_ai.usage.cache_read.input_tokens = Empty,
        gen_ai.conversation.id = Empty,
        server.address = Empty,
        server.port = Empty,
        error.type = Empty,
        llmops.request_id = request_id,
        llmops.outcome = Empty,
        llmops.tenant = Empty,
        llmops.feature = Empty,
        llmops.prompt.name = Empty,
        llmops.prompt.version = Empty,
        llmops.prompt.hash = Empty,
        llmops.cost.usd = Empty,
        llmops.cache.outcome = Empty,
        llmops.overhead_ms = Empty,
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
        server.address = Empty,
        server.port = Empty,
        error.type = Empty,
        llmops.attempt = i64::from(attempt),
    )
}

/// Records the end of the exchange on its span.
pub(crate) fn record_end(
    span: &tracing::Span,
    rec: &ExchangeRecord,
    server: Option<&(String, u16)>,
) {
    if span.is_disabled() {
        return;
    }
    // the span opened with the caller's reference (`openai/gpt-4.1`, an alias); name it after
    // the model the provider was asked for, as the GenAI conventions do
    if let Some(a) = rec.attempts.last()
        && a.model != rec.model_requested
    {
        span.record("otel.name", format_args!("chat {}", a.model));
        span.record(semconv::GEN_AI_REQUEST_MODEL, a.model.as_str());
    }
    let p = &rec.request.params;
    if let Some(v) = p.temperature {
        span.record(semconv::GEN_AI_REQUEST_TEMPERATURE, f64::from(v));
    }
    if let Some(v) = p.top_p {
        span.record(semconv::GEN_AI_REQUEST_TOP_P, f64::from(v));
    }
    if let Some(v) = p.max_tokens {
        span.record(semconv::GEN_AI_REQUEST_MAX_TOKENS, i64::from(v));
    }
    if let Some(v) = p.seed {
        span.record(semconv::GEN_AI_REQUEST_SEED, v);
    }
    if let Some(v) = &p.stop {
        span.record(semconv::GEN_AI_REQUEST_STOP_SEQUENCES, json(v).as_str());
    }
    if let Some(v) = &rec.provider {
        span.record(semconv::GEN_AI_PROVIDER_NAME, v.as_str());
    }
    if let Some(r) = &rec.response {
        if let Some(id) = &r.id {
            span.record(semconv::GEN_AI_RESPONSE_ID, id.as_str());
        }
        if let Some(f) = &r.finish_reason {
            span.record(
                semconv::GEN_AI_RESPONSE_FINISH_REASONS,
                json(&[f.as_str()]).as_str(),
            );
        }
    }
    if let Some(m) = &rec.model_answered {
        span.record(semconv::GEN_AI_RESPONSE_MODEL, m.as_str());
    }
    span.record(
        semconv::GEN_AI_USAGE_INPUT_TOKENS,
        int(rec.usage.input_tokens),
    );
    span.record(
        semconv::GEN_AI_USAGE_OUTPUT_TOKENS,
        int(rec.usage.output_tokens),
    );
    span.record(
        semconv::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
        int(rec.usage.cache_read_tokens),
    );
    let c = &rec.caller;
    if let Some(v) = &c.conversation_id {
        span.record(semconv::GEN_AI_CONVERSATION_ID, v.as_str());
    }
    record_server(span, server);
    if let Outcome::Failed { error, .. } = &rec.outcome {
        span.record(semconv::ERROR_TYPE, error.as_str());
    }
    span.record(semconv::LLMOPS_OUTCOME, rec.outcome.as_str());
    if let Some(v) = &c.tenant {
        span.record(semconv::LLMOPS_TENANT, v.as_str());
    }
    if let Some(v) = &c.feature {
        span.record(semconv::LLMOPS_FEATURE, v.as_str());
    }
    if let Some(pv) = &rec.prompt {
        span.record(semconv::LLMOPS_PROMPT_NAME, pv.name.as_str());
        span.record(semconv::LLMOPS_PROMPT_VERSION, i64::from(pv.version));
        span.record(semconv::LLMOPS_PROMPT_HASH, pv.hash.as_str());
    }
    if let Some(m) = rec.cost.known() {
        span.record(semconv::LLMOPS_COST_USD, m.as_f64());
    }
    if let Some(cache) = &rec.cache {
        span.record(semconv::LLMOPS_CACHE_OUTCOME, cache_label(cache).as_str());
    }
    span.record(
        semconv::LLMOPS_OVERHEAD_MS,
        rec.overhead().as_secs_f64() * 1000.0,
    );
}

/// Records the server an attempt talks to.
pub(crate) fn record_server(span: &tracing::Span, server: Option<&(String, u16)>) {
    if let Some((host, port)) = server {
        span.record(semconv::SERVER_ADDRESS, host.as_str());
        span.record(semconv::SERVER_PORT, i64::from(*port));
    }
}

/// Records a failed attempt on its span.
pub(crate) fn record_attempt_error(span: &tracing::Span, e: &crate::Error) {
    if !span.is_disabled() {
        span.record(semconv::ERROR_TYPE, e.class().as_str());
    }
}

/// Integers go to spans as `i64`: `tracing` hands a `u64` to layers that do not take one
/// (tracing-opentelemetry) as its `Debug` text, and the GenAI conventions want ints.
fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

fn json<T: serde::Serialize + ?Sized>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

fn cache_label(c: &crate::exchange::CacheOutcome) -> String {
    use crate::exchange::{CacheKind, CacheOutcome};
    match c {
        CacheOutcome::Hit {
            kind: CacheKind::Exact,
            ..
        } => "hit_exact".into(),
        CacheOutcome::Hit {
            kind: CacheKind::Semantic,
            similarity,
        } => match similarity {
            Some(s) => format!("hit_semantic:{s:.3}"),
            None => "hit_semantic".into(),
        },
        CacheOutcome::Miss => "miss".into(),
        CacheOutcome::Bypass { .. } => "bypass".into(),
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::fmt::Debug;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Arc, Mutex};

    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    use super::*;
    use crate::{ChatRequest, Client, ProviderErrorKind, ScriptedProvider};

    /// A span's name, field names and recorded values.
    type Captured = (String, Vec<String>, BTreeMap<String, String>);

    /// Keeps every span.
    #[derive(Default, Clone)]
    struct Capture {
        spans: Arc<Mutex<Vec<Captured>>>,
        next: Arc<AtomicU64>,
    }

    struct Values<'a>(&'a mut BTreeMap<String, String>);

    impl Visit for Values<'_> {
        fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
            self.0.insert(
                field.name().to_owned(),
                format!("{value:?}").trim_matches('"').to_owned(),
            );
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, attrs: &Attributes<'_>) -> Id {
            let mut values = BTreeMap::new();
            attrs.record(&mut Values(&mut values));
            let names = attrs
                .metadata()
                .fields()
                .iter()
                .map(|f| f.name().to_owned())
                .collect();
            let mut spans = self.spans.lock().unwrap();
            spans.push((attrs.metadata().name().to_owned(), names, values));
            self.next.fetch_add(1, Ordering::Relaxed);
            Id::from_u64(spans.len() as u64)
        }
        fn record(&self, id: &Id, values: &Record<'_>) {
            let mut spans = self.spans.lock().unwrap();
            if let Some(s) = spans.get_mut(id.into_u64() as usize - 1) {
                values.record(&mut Values(&mut s.2));
            }
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, _: &Event<'_>) {}
        fn enter(&self, _: &Id) {}
        fn exit(&self, _: &Id) {}
    }

    const KNOWN: [&str; 32] = [
        semconv::GEN_AI_OPERATION_NAME,
        semconv::GEN_AI_REQUEST_MODEL,
        semconv::GEN_AI_REQUEST_TEMPERATURE,
        semconv::GEN_AI_REQUEST_TOP_P,
        semconv::GEN_AI_REQUEST_MAX_TOKENS,
        semconv::GEN_AI_REQUEST_SEED,
        semconv::GEN_AI_REQUEST_STOP_SEQUENCES,
        semconv::GEN_AI_PROVIDER_NAME,
        semconv::GEN_AI_RESPONSE_ID,
        semconv::GEN_AI_RESPONSE_MODEL,
        semconv::GEN_AI_RESPONSE_FINISH_REASONS,
        semconv::GEN_AI_USAGE_INPUT_TOKENS,
        semconv::GEN_AI_USAGE_OUTPUT_TOKENS,
        semconv::GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
        semconv::GEN_AI_CONVERSATION_ID,
        semconv::SERVER_ADDRESS,
        semconv::SERVER_PORT,
        semconv::ERROR_TYPE,
        semconv::LLMOPS_REQUEST_ID,
        semconv::LLMOPS_OUTCOME,
        semconv::LLMOPS_TENANT,
        semconv::LLMOPS_FEATURE,
        semconv::LLMOPS_PROMPT_NAME,
        semconv::LLMOPS_PROMPT_VERSION,
        semconv::LLMOPS_PROMPT_HASH,
        semconv::LLMOPS_COST_USD,
        semconv::LLMOPS_CACHE_OUTCOME,
        semconv::LLMOPS_OVERHEAD_MS,
        semconv::LLMOPS_ATTEMPT,
        semconv::LLMOPS_STREAM,
        semconv::LLMOPS_ATTEMPTS,
        semconv::LLMOPS_TTFT_MS,
    ];

    fn run(f: impl std::future::Future<Output = ()>) -> Capture {
        let cap = Capture::default();
        tracing::subscriber::with_default(cap.clone(), || {
            tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap()
                .block_on(f)
        });
        cap
    }

    #[test]
    fn span_fields_are_semconv_names_with_values() {
        let cap = run(async {
            let c = Client::builder()
                .provider(ScriptedProvider::new().reply("hi there"))
                .build()
                .unwrap();
            let req = ChatRequest::new("scripted/m")
                .user("x")
                .temperature(0.5)
                .max_tokens(64)
                .seed(7)
                .stop("END")
                .tenant("acme")
                .feature("search")
                .conversation("conv-1");
            c.chat(req).await.unwrap();
        });
        let spans = cap.spans.lock().unwrap();
        for (_, names, _) in spans.iter() {
            for n in names.iter().filter(|n| !n.starts_with("otel.")) {
                assert!(
                    KNOWN.contains(&n.as_str()),
                    "span field `{n}` is not a semconv constant"
                );
            }
            assert!(
                !names
                    .iter()
                    .any(|n| n == semconv::legacy::GEN_AI_SYSTEM || n.contains("prompt_tokens"))
            );
        }
        let (name, _, v) = spans.iter().find(|s| s.0 == "chat").unwrap();
        assert_eq!(name, "chat");
        // renamed at the end after the model the provider was asked for
        assert_eq!(v["otel.name"], "chat m");
        assert_eq!(v[semconv::GEN_AI_REQUEST_MODEL], "m");
        assert_eq!(v["otel.kind"], "client");
        assert_eq!(v[semconv::GEN_AI_REQUEST_TEMPERATURE], "0.5");
        assert_eq!(v[semconv::GEN_AI_REQUEST_MAX_TOKENS], "64");
        assert_eq!(v[semconv::GEN_AI_REQUEST_SEED], "7");
        assert_eq!(v[semconv::GEN_AI_REQUEST_STOP_SEQUENCES], r#"[\"END\"]"#);
        assert_eq!(v[semconv::GEN_AI_PROVIDER_NAME], "scripted");
        assert_eq!(v[semconv::GEN_AI_RESPONSE_MODEL], "m");
        assert_eq!(v[semconv::GEN_AI_RESPONSE_FINISH_REASONS], r#"[\"stop\"]"#);
        assert!(v[semconv::GEN_AI_RESPONSE_ID].starts_with("scripted-"));
        assert_eq!(v[semconv::GEN_AI_USAGE_OUTPUT_TOKENS], "2");
        assert_eq!(v[semconv::GEN_AI_CONVERSATION_ID], "conv-1");
        assert_eq!(v[semconv::LLMOPS_TENANT], "acme");
        assert_eq!(v[semconv::LLMOPS_FEATURE], "search");
        assert_eq!(v[semconv::LLMOPS_OUTCOME], "completed");
        assert!(v.contains_key(semconv::LLMOPS_OVERHEAD_MS));
        assert!(!v.contains_key(semconv::ERROR_TYPE));
        assert!(
            !v.contains_key(semconv::LLMOPS_COST_USD),
            "unknown cost is not recorded as zero"
        );
        let attempts: Vec<_> = spans.iter().filter(|s| s.0 == "attempt").collect();
        assert_eq!(attempts.len(), 1);
        assert_eq!(attempts[0].2[semconv::LLMOPS_ATTEMPT], "1");
    }

    #[test]
    fn failures_carry_error_type() {
        let cap = run(async {
            let c = Client::builder()
                .provider(ScriptedProvider::new().fail(ProviderErrorKind::RateLimited))
                .build()
                .unwrap();
            assert!(
                c.chat(ChatRequest::new("scripted/m").user("x"))
                    .await
                    .is_err()
            );
        });
        let spans = cap.spans.lock().unwrap();
        let chat = spans.iter().find(|s| s.0 == "chat").unwrap();
        assert_eq!(chat.2[semconv::ERROR_TYPE], "rate_limited");
        let attempt = spans.iter().find(|s| s.0 == "attempt").unwrap();
        assert_eq!(attempt.2[semconv::ERROR_TYPE], "rate_limited");
    }

    #[cfg(feature = "prompts")]
    #[test]
    fn the_request_span_carries_the_resolved_prompt_version() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("greet")).unwrap();
        std::fs::write(dir.path().join("greet/1.prompt"), "Hi {{who}}").unwrap();
        std::fs::write(dir.path().join("greet/labels.yaml"), "production: 1\n").unwrap();
        let store = crate::prompts::PromptStore::open(dir.path()).unwrap();
        let hash = store.resolve("greet").unwrap().hash.clone();
        let cap = run(async move {
            let c = Client::builder()
                .provider(ScriptedProvider::new().reply("hello"))
                .prompts(store)
                .build()
                .unwrap();
            c.chat(
                ChatRequest::from_prompt("greet")
                    .model("scripted/m")
                    .var("who", "x"),
            )
            .await
            .unwrap();
        });
        let spans = cap.spans.lock().unwrap();
        let (_, _, v) = spans.iter().find(|s| s.0 == "chat").unwrap();
        assert_eq!(v[semconv::LLMOPS_PROMPT_NAME], "greet");
        assert_eq!(v[semconv::LLMOPS_PROMPT_VERSION], "1");
        assert_eq!(v[semconv::LLMOPS_PROMPT_HASH], hash);
        let stage = spans.iter().find(|s| s.0 == "stage").unwrap();
        assert_eq!(stage.2["otel.name"], "prompt");
    }
}
