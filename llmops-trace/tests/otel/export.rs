//! The OpenTelemetry bridge end to end in process: spans exported over OTLP/HTTP to a local
//! receiver and decoded with opentelemetry-proto; W3C trace context on the provider's wire.

use std::collections::HashMap;
use std::time::Duration;

use llmops_core::{ApiKey, ChatRequest, Client, MemoryObserver, OpenAi, ScriptedProvider};
use llmops_trace::otel::{Otel, OtelOptions};
use opentelemetry_proto::tonic::collector::metrics::v1::ExportMetricsServiceRequest;
use opentelemetry_proto::tonic::metrics::v1::metric;
use opentelemetry_proto::tonic::trace::v1::{Span, span::SpanKind};
use prost::Message as _;
use tracing::Instrument;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::support::{
    attrs, hex, receiver, scripted_client, span_with, spans_received, trace_into, value,
};

fn fixture(name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../llmops-core/tests/fixtures/openai")
        .join(name);
    std::fs::read_to_string(p).unwrap()
}

fn options(server: &MockServer) -> OtelOptions {
    OtelOptions::new()
        .service_name("llmops-test")
        .endpoint(server.uri())
        .export_delay(Duration::from_millis(50))
        .metrics_interval(Duration::from_secs(3600))
}

#[tokio::test]
async fn genai_spans_arrive_as_otlp_protobuf_with_trace_context_on_the_wire() {
    let collector = receiver().await;
    let provider_server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(fixture("chat_response.json"), "application/json"),
        )
        .mount(&provider_server)
        .await;
    let otel = Otel::install(options(&collector).capture_content(true)).unwrap();
    let _traced = trace_into(&otel).await;
    let records = MemoryObserver::new();
    let client = Client::builder()
        .provider(
            OpenAi::compatible(format!("{}/v1", provider_server.uri()))
                .named("openai")
                .api_key(ApiKey::new("sk-test")),
        )
        .span_bridge(otel.bridge())
        .observer(records.clone())
        .observer(otel.metrics())
        .build()
        .unwrap();

    let agent = llmops_core::telemetry::invoke_agent("support", Some("conv-1"));
    let reply = async {
        let reply = client
            .chat(
                ChatRequest::new("openai/gpt-4.1")
                    .system("Be brief.")
                    .user("Hello! my key is sk-proj-abcdefghijklmnopqrstuvwxyz0123456789")
                    .temperature(0.2)
                    .max_tokens(64)
                    .conversation("conv-1"),
            )
            .await
            .unwrap();
        let _t = llmops_core::telemetry::execute_tool("lookup", Some("call_1")).entered();
        reply
    }
    .instrument(agent)
    .await;
    client
        .feedback(&reply.meta.request_id, 0.0, Some("wrong"))
        .unwrap();
    let mut ev = llmops_core::EvaluationResult::from_score(
        &reply.meta.request_id,
        "faithfulness",
        &llmops_core::Score::new(0.5, false, "1 of 2 statements supported"),
    );
    ev.response_id = Some("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT".into());
    client.record_evaluation(ev).unwrap();
    otel.flush().await.unwrap();

    let spans = spans_received(&collector).await;
    let find = |pred: &dyn Fn(&Span) -> bool| spans.iter().find(|s| pred(s)).cloned();
    let request = find(&|s| attrs(s).contains_key("llmops.request_id")).expect("request span");
    let attempt = find(&|s| attrs(s).contains_key("llmops.attempt")).expect("attempt span");
    let agent = find(&|s| s.name == "invoke_agent support").expect("agent span");
    let tool = find(&|s| s.name == "execute_tool lookup").expect("tool span");
    let feedback = find(&|s| s.name == "feedback").expect("feedback span");
    let evaluation = find(&|s| s.name == "evaluation").expect("evaluation span");

    // names and kinds
    assert_eq!(request.name, "chat gpt-4.1");
    assert_eq!(request.kind, SpanKind::Client as i32);
    assert_eq!(attempt.name, "chat gpt-4.1");
    assert_eq!(attempt.kind, SpanKind::Client as i32);
    // one trace: agent > request > attempt; agent > tool; request > feedback
    for s in [&request, &attempt, &tool, &feedback, &evaluation] {
        assert_eq!(s.trace_id, agent.trace_id, "{}", s.name);
    }
    assert_eq!(request.parent_span_id, agent.span_id);
    assert_eq!(attempt.parent_span_id, request.span_id);
    assert_eq!(tool.parent_span_id, agent.span_id);
    assert_eq!(feedback.parent_span_id, request.span_id);
    // the gen_ai.evaluation.result event hangs off the evaluated request span
    assert_eq!(evaluation.parent_span_id, request.span_id);
    let event = evaluation
        .events
        .iter()
        .find(|e| e.name == "gen_ai.evaluation.result")
        .expect("gen_ai.evaluation.result event");
    let ev_attrs: std::collections::HashMap<String, String> = event
        .attributes
        .iter()
        .map(|kv| {
            (
                kv.key.clone(),
                format!("{:?}", kv.value.as_ref().and_then(|v| v.value.as_ref())),
            )
        })
        .collect();
    assert!(
        ev_attrs["gen_ai.evaluation.name"].contains("faithfulness"),
        "{ev_attrs:?}"
    );
    assert!(
        ev_attrs["gen_ai.evaluation.score.value"].contains("0.5"),
        "{ev_attrs:?}"
    );
    assert!(
        ev_attrs["gen_ai.evaluation.score.label"].contains("fail"),
        "{ev_attrs:?}"
    );
    assert!(
        ev_attrs["gen_ai.evaluation.explanation"].contains("1 of 2"),
        "{ev_attrs:?}"
    );
    assert!(
        ev_attrs["gen_ai.response.id"].contains("chatcmpl-B9MBs8"),
        "{ev_attrs:?}"
    );
    // the record and the response carry the trace id
    let trace = hex(&request.trace_id);
    assert_eq!(reply.meta.trace_id.as_deref(), Some(trace.as_str()));
    assert_eq!(
        records.records()[0].trace_id.as_deref(),
        Some(trace.as_str())
    );

    // W3C traceparent reached the provider: this trace, the attempt span as parent
    let sent = &provider_server.received_requests().await.unwrap()[0];
    let tp = sent.headers.get("traceparent").unwrap().to_str().unwrap();
    assert_eq!(tp, format!("00-{trace}-{}-01", hex(&attempt.span_id)));

    let a = attrs(&request);
    for (k, v) in [
        ("gen_ai.operation.name", "chat"),
        ("gen_ai.provider.name", "openai"),
        ("gen_ai.request.model", "gpt-4.1"),
        ("gen_ai.request.temperature", "0.20000000298023224"),
        ("gen_ai.request.max_tokens", "64"),
        (
            "gen_ai.response.id",
            "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        ),
        ("gen_ai.response.model", "gpt-4.1-2025-04-14"),
        ("gen_ai.response.finish_reasons", "[\"stop\"]"),
        ("gen_ai.usage.input_tokens", "19"),
        ("gen_ai.usage.output_tokens", "10"),
        ("gen_ai.usage.cache_read.input_tokens", "0"),
        ("gen_ai.conversation.id", "conv-1"),
        ("server.address", "127.0.0.1"),
        ("llmops.outcome", "completed"),
        ("llmops.attempts", "1"),
    ] {
        assert_eq!(a.get(k).map(String::as_str), Some(v), "{k} in {a:?}");
    }
    assert!(a.contains_key("server.port") && a.contains_key("llmops.overhead_ms"));
    // typed as the conventions say: counts and ports are ints, not their text
    for k in [
        "gen_ai.usage.input_tokens",
        "gen_ai.usage.output_tokens",
        "gen_ai.usage.cache_read.input_tokens",
        "gen_ai.request.max_tokens",
        "server.port",
        "llmops.attempts",
    ] {
        let v = request.attributes.iter().find(|kv| kv.key == k).unwrap();
        assert!(
            matches!(
                v.value.as_ref().and_then(|v| v.value.as_ref()),
                Some(opentelemetry_proto::tonic::common::v1::any_value::Value::IntValue(_))
            ),
            "{k} is not an int: {v:?}"
        );
    }
    let attempt_no = attempt
        .attributes
        .iter()
        .find(|kv| kv.key == "llmops.attempt")
        .unwrap();
    assert_eq!(
        attempt_no.value.as_ref().and_then(|v| v.value.clone()),
        Some(opentelemetry_proto::tonic::common::v1::any_value::Value::IntValue(1))
    );
    for deprecated in [
        "gen_ai.system",
        "gen_ai.usage.prompt_tokens",
        "gen_ai.usage.completion_tokens",
    ] {
        assert!(!a.contains_key(deprecated), "{deprecated}");
    }
    // content, redacted, as GenAI JSON
    let input = &a["gen_ai.input.messages"];
    assert!(
        input.contains("\"role\":\"user\"") && input.contains("my key is"),
        "{input}"
    );
    assert!(
        !input.contains("abcdefghijklmnopqrstuvwxyz0123456789"),
        "{input}"
    );
    assert!(a["gen_ai.system_instructions"].contains("Be brief."));
    assert!(a["gen_ai.output.messages"].contains("How can I assist you today?"));
    assert_eq!(attrs(&tool)["gen_ai.tool.call.id"], "call_1");
    assert_eq!(attrs(&feedback)["llmops.feedback.score"], "0");
    assert_eq!(attrs(&feedback)["llmops.feedback.comment"], "wrong");

    let stats = otel.stats();
    assert_eq!(stats.ended, stats.exported, "{stats:?}");
    assert!(
        stats.exported >= 5 && stats.failed == 0 && stats.dropped == 0,
        "{stats:?}"
    );
    otel.shutdown().await.unwrap();
}

#[tokio::test]
async fn content_is_off_by_default_and_streams_carry_time_to_first_token() {
    let collector = receiver().await;
    let otel = Otel::install(options(&collector)).unwrap();
    let _traced = trace_into(&otel).await;
    let client = scripted_client(&otel, ScriptedProvider::new().reply("one two three"));
    let mut stream = client
        .chat_stream(ChatRequest::new("scripted/m").user("count"))
        .await
        .unwrap();
    use futures_util::StreamExt;
    while let Some(ev) = stream.next().await {
        ev.unwrap();
    }
    drop(stream);
    otel.flush().await.unwrap();
    let spans = spans_received(&collector).await;
    let request = span_with(&spans, "llmops.request_id");
    let a = attrs(request);
    assert!(a.contains_key("llmops.ttft_ms"), "{a:?}");
    assert!(!a.contains_key("gen_ai.input.messages"));
    assert!(!a.contains_key("gen_ai.output.messages"));
}

#[tokio::test]
async fn openinference_and_legacy_modes_add_their_keys() {
    let collector = receiver().await;
    let otel = Otel::install(
        options(&collector)
            .openinference(true)
            .legacy_attributes(true)
            .capture_content(true),
    )
    .unwrap();
    let _traced = trace_into(&otel).await;
    let client = scripted_client(&otel, ScriptedProvider::new().reply("Paris."));
    client
        .chat(ChatRequest::new("scripted/m").user("Capital of France?"))
        .await
        .unwrap();
    otel.flush().await.unwrap();
    let spans = spans_received(&collector).await;
    let request = span_with(&spans, "llmops.request_id");
    let a = attrs(request);
    assert_eq!(a["openinference.span.kind"], "LLM");
    assert_eq!(a["llm.model_name"], "m");
    assert_eq!(
        a["llm.input_messages.0.message.content"],
        "Capital of France?"
    );
    assert_eq!(a["output.value"], "Paris.");
    assert_eq!(a["gen_ai.system"], "scripted");
    assert!(a.contains_key("gen_ai.usage.prompt_tokens"));
    let attempt = span_with(&spans, "llmops.attempt");
    assert_eq!(attrs(attempt)["openinference.span.kind"], "CHAIN");
}

#[tokio::test]
async fn genai_metrics_arrive_with_the_convention_buckets() {
    let collector = receiver().await;
    let otel = Otel::install(options(&collector)).unwrap();
    let client = Client::builder()
        .provider(ScriptedProvider::new().reply("ok"))
        .observer(otel.metrics())
        .build()
        .unwrap();
    client
        .chat(ChatRequest::new("scripted/m").user("hi"))
        .await
        .unwrap();
    otel.flush().await.unwrap();
    let mut names = HashMap::new();
    for r in collector.received_requests().await.unwrap() {
        if r.url.path() != "/v1/metrics" {
            continue;
        }
        let req = ExportMetricsServiceRequest::decode(r.body.as_slice()).unwrap();
        for rm in req.resource_metrics {
            for sm in rm.scope_metrics {
                for m in sm.metrics {
                    names.insert(m.name.clone(), m);
                }
            }
        }
    }
    let tokens = &names["gen_ai.client.token.usage"];
    assert_eq!(tokens.unit, "{token}");
    let Some(metric::Data::Histogram(h)) = &tokens.data else {
        panic!("not a histogram")
    };
    assert_eq!(
        h.data_points[0].explicit_bounds,
        llmops_trace::TOKEN_BUCKETS.to_vec()
    );
    let types: Vec<String> = h
        .data_points
        .iter()
        .flat_map(|p| p.attributes.iter())
        .filter(|kv| kv.key == "gen_ai.token.type")
        .map(|kv| value(kv.value.as_ref().unwrap()))
        .collect();
    assert!(types.contains(&"input".into()) && types.contains(&"output".into()));
    let duration = &names["gen_ai.client.operation.duration"];
    assert_eq!(duration.unit, "s");
    let Some(metric::Data::Histogram(d)) = &duration.data else {
        panic!("not a histogram")
    };
    assert_eq!(
        d.data_points[0].explicit_bounds,
        llmops_trace::DURATION_BUCKETS.to_vec()
    );
    assert_eq!(d.data_points[0].count, 1);
}

#[tokio::test]
async fn a_collector_that_is_down_costs_counted_drops_not_errors() {
    // a port nothing listens on
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let otel = Otel::install(
        OtelOptions::new()
            .endpoint(format!("http://127.0.0.1:{port}"))
            .export_delay(Duration::from_millis(20))
            .timeout(Duration::from_millis(500))
            .metrics(false),
    )
    .unwrap();
    let _traced = trace_into(&otel).await;
    let client = scripted_client(&otel, ScriptedProvider::new().repeat("ok"));
    for _ in 0..5 {
        client
            .chat(ChatRequest::new("scripted/m").user("hi"))
            .await
            .unwrap();
    }
    let _ = otel.flush().await;
    let stats = otel.stats();
    assert_eq!(stats.ended, 10, "{stats:?}");
    assert_eq!(stats.exported, 0, "{stats:?}");
    assert_eq!(stats.failed + stats.dropped, 10, "{stats:?}");
    assert!(stats.failed_batches >= 1, "{stats:?}");
}

#[tokio::test]
async fn incoming_traceparent_becomes_the_parent() {
    let mut headers = http::HeaderMap::new();
    headers.insert(
        "traceparent",
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
            .parse()
            .unwrap(),
    );
    let otel = Otel::install(OtelOptions::new().metrics(false)).unwrap();
    let _traced = trace_into(&otel).await;
    let span = tracing::info_span!("POST /answer");
    llmops_trace::otel::set_parent_from_headers(&span, &headers).unwrap();
    use llmops_core::SpanBridge;
    assert_eq!(
        otel.bridge().trace_id(&span).as_deref(),
        Some("4bf92f3577b34da6a3ce929d0e0e4736")
    );
    // garbage is ignored, not an error
    let mut bad = http::HeaderMap::new();
    bad.insert("traceparent", "nonsense".parse().unwrap());
    llmops_trace::otel::set_parent_from_headers(&tracing::info_span!("x"), &bad).unwrap();
}

#[tokio::test]
async fn anthropic_calls_carry_the_attempt_traceparent_too() {
    let collector = receiver().await;
    let provider_server = MockServer::start().await;
    let body = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../llmops-core/tests/fixtures/anthropic/messages_response.json"),
    )
    .unwrap();
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .mount(&provider_server)
        .await;
    let otel = Otel::install(options(&collector)).unwrap();
    let _traced = trace_into(&otel).await;
    let client = Client::builder()
        .provider(
            llmops_core::Anthropic::new(ApiKey::new("sk-ant-test")).base_url(provider_server.uri()),
        )
        .span_bridge(otel.bridge())
        .build()
        .unwrap();
    let reply = client
        .chat(
            ChatRequest::new("anthropic/claude-sonnet-4-5")
                .user("hi")
                .max_tokens(32),
        )
        .await
        .unwrap();
    otel.flush().await.unwrap();
    let spans = spans_received(&collector).await;
    let attempt = span_with(&spans, "llmops.attempt");
    let sent = &provider_server.received_requests().await.unwrap()[0];
    let tp = sent.headers.get("traceparent").unwrap().to_str().unwrap();
    assert_eq!(
        tp,
        format!(
            "00-{}-{}-01",
            reply.meta.trace_id.as_deref().unwrap(),
            hex(&attempt.span_id)
        )
    );
}

#[tokio::test]
async fn retrieved_chunk_ids_reach_the_request_span() {
    let collector = receiver().await;
    let otel = Otel::install(options(&collector)).unwrap();
    let _traced = trace_into(&otel).await;
    let client = llmops_core::Client::builder()
        .provider(ScriptedProvider::new().reply("Five days [kb/a#0]."))
        .span_bridge(otel.bridge())
        .layer_at(
            llmops_core::Stage::BeforeGuard,
            llmops_core::from_fn(|req, cx, next| {
                Box::pin(async move {
                    for id in ["kb/a#0", "kb/b#2"] {
                        let doc = id.split('#').next().unwrap_or_default();
                        cx.retrieved
                            .push(llmops_core::Chunk::new(id, doc, "text", 1.0).to_ref());
                    }
                    next.run(req, cx).await
                })
            }),
        )
        .build()
        .unwrap();
    client
        .chat(ChatRequest::new("scripted/m").user("refunds?"))
        .await
        .unwrap();
    otel.flush().await.unwrap();
    let spans = spans_received(&collector).await;
    let request = span_with(&spans, "llmops.request_id");
    let ids = &attrs(request)["llmops.retrieval.chunk_ids"];
    assert!(ids.contains("kb/a#0") && ids.contains("kb/b#2"), "{ids}");
}
