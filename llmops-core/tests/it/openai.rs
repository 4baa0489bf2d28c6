//! The OpenAI-compatible provider against recorded and documented wire formats, served by a
//! local HTTP server (wiremock, or a raw TCP server where the test needs to control the bytes),
//! driven through `Client` so the whole pipeline runs. Fixture sources:
//! `tests/fixtures/openai/README.md`.

use std::time::Duration;

use futures_util::StreamExt;
use llmops_core::provider::openai::presets;
use llmops_core::*;
use proptest::prelude::*;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-test-key-0000000000000000000000";

fn fixture(name: &str) -> String {
    super::support::fixture("openai", name)
}

fn json_fixture(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

fn client_for(p: OpenAi) -> (Client, MemoryObserver) {
    super::support::client_with(p)
}

fn client(server: &MockServer) -> (Client, MemoryObserver) {
    client_for(OpenAi::compatible(format!("{}/v1", server.uri())).api_key(ApiKey::new(KEY)))
}

fn json_reply(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "application/json")
}

fn weather_tool() -> ToolSpec {
    ToolSpec::new(
        "get_current_weather",
        "Get the current weather in a given location",
        json!({
            "type": "object",
            "properties": {
                "location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]}
            },
            "required": ["location"]
        }),
    )
}

async fn collect(mut s: ResponseStream) -> (Vec<StreamEvent>, Option<Error>) {
    let mut events = Vec::new();
    while let Some(ev) = s.next().await {
        match ev {
            Ok(ev) => events.push(ev),
            Err(e) => return (events, Some(e)),
        }
    }
    (events, None)
}

fn text_of(events: &[StreamEvent]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Delta { text } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

// ---------- full responses ----------

#[tokio::test]
async fn full_chat_sends_the_expected_body_and_maps_the_documented_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(json_fixture("chat_request.json")))
        .respond_with(json_reply(fixture("chat_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let (c, obs) = client(&server);
    let r = c
        .chat(
            ChatRequest::new("openai/gpt-4.1-mini")
                .system("You are a helpful assistant.")
                .user("Hello!")
                .temperature(0.2)
                .max_tokens(256)
                .seed(42),
        )
        .await
        .unwrap();
    assert_eq!(r.text(), "Hello! How can I assist you today?");
    assert_eq!(r.finish_reason, Some(FinishReason::Stop));
    assert_eq!(r.usage, Usage::new(19, 10));
    assert_eq!(
        r.id.as_deref(),
        Some("chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT")
    );
    assert_eq!(r.meta.model_answered.as_deref(), Some("gpt-4.1-2025-04-14"));
    assert_eq!(r.system_fingerprint, None);
    assert_eq!(r.meta.provider, "openai");
    assert!(!r.meta.scripted);
    let rec = obs.records().pop().unwrap();
    assert_eq!(rec.outcome, Outcome::Completed);
    assert_eq!(rec.usage_source, UsageSource::Provider);
    assert_eq!(rec.model_answered.as_deref(), Some("gpt-4.1-2025-04-14"));
}

#[tokio::test]
async fn system_fingerprint_and_cached_tokens_are_kept() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_reply(fixture("chat_response_2024.json")))
        .mount(&server)
        .await;
    let (c, obs) = client(&server);
    let r = c
        .chat(ChatRequest::new("openai/gpt-4o-mini").user("Hello!"))
        .await
        .unwrap();
    assert_eq!(r.text(), "\n\nHello there, how may I assist you today?");
    assert_eq!(r.system_fingerprint.as_deref(), Some("fp_44709d6fcb"));
    assert_eq!(r.usage, Usage::new(9, 12));
    let rec = obs.records().pop().unwrap();
    assert_eq!(
        rec.response.unwrap().system_fingerprint.as_deref(),
        Some("fp_44709d6fcb")
    );

    // cached and reasoning tokens from the usage details
    let server = MockServer::start().await;
    let body = fixture("chat_response.json")
        .replace("\"cached_tokens\": 0", "\"cached_tokens\": 12")
        .replace("\"reasoning_tokens\": 0", "\"reasoning_tokens\": 4");
    Mock::given(method("POST"))
        .respond_with(json_reply(body))
        .mount(&server)
        .await;
    let (c, _) = client(&server);
    let r = c
        .chat(ChatRequest::new("openai/gpt-4.1").user("Hello!"))
        .await
        .unwrap();
    assert_eq!(
        r.usage,
        Usage::new(19, 10).with_cache(12, 0).with_reasoning(4)
    );
}

#[tokio::test]
async fn tool_call_round_trip() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_json(json_fixture("tools_request.json")))
        .respond_with(json_reply(fixture("tools_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_json(json_fixture("tool_result_request.json")))
        .respond_with(json_reply(fixture("chat_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let (c, _) = client(&server);
    let first = ChatRequest::new("openai/gpt-4.1-mini")
        .user("What's the weather like in Boston today?")
        .tool(weather_tool())
        .tool_choice(ToolChoice::Auto);
    let r = c.chat(first).await.unwrap();
    assert_eq!(r.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(r.usage, Usage::new(82, 17));
    assert_eq!(r.text(), "", "content: null is no text");
    let call = r.tool_calls()[0].clone();
    assert_eq!(call.id, "call_abc123");
    assert_eq!(call.name, "get_current_weather");
    assert_eq!(call.args().unwrap(), json!({"location": "Boston, MA"}));
    // the assistant turn goes back as it came (tool_calls, no content), then the result
    let second = ChatRequest::new("openai/gpt-4.1-mini")
        .user("What's the weather like in Boston today?")
        .message(r.message.clone())
        .message(Message::tool_result(
            &call.id,
            r#"{"temperature": 22, "unit": "celsius"}"#,
        ))
        .tool(weather_tool());
    let r2 = c.chat(second).await.unwrap();
    assert_eq!(r2.text(), "Hello! How can I assist you today?");
}

#[tokio::test]
async fn images_tool_choice_response_format_and_extra_on_the_wire() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_json(json!({
            "model": "gpt-4.1-mini",
            "messages": [{"role": "user", "content": [
                {"type": "text", "text": "What is this?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
                {"type": "image_url", "image_url": {"url": "https://example.com/cat.png", "detail": "low"}}
            ]}],
            "tools": [{"type": "function", "function": {"name": "f", "parameters": {"type": "object"}, "strict": true}}],
            "tool_choice": {"type": "function", "function": {"name": "f"}},
            "stop": ["END"],
            "top_p": 0.5,
            "max_tokens": 64,
            "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": true}},
            "parallel_tool_calls": true,
            "reasoning_effort": "low"
        })))
        .respond_with(json_reply(fixture("chat_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let (c, _) = client(&server);
    let mut tool = ToolSpec::new("f", "", json!({"type": "object"}));
    tool.strict = Some(true);
    let mut img = ContentPart::image_url("https://example.com/cat.png");
    if let ContentPart::Image { detail, .. } = &mut img {
        *detail = Some("low".into());
    }
    let mut req = ChatRequest::new("openai/gpt-4.1-mini")
        .user_parts(vec![
            ContentPart::text("What is this?"),
            ContentPart::image_base64("image/png", "iVBORw0KGgo="),
            img,
        ])
        .tool(tool)
        .tool_choice(ToolChoice::Tool { name: "f".into() })
        .stop("END")
        .top_p(0.5)
        // `extra` replaces what llmops would send under the same name
        .max_tokens(1000)
        .param("max_tokens", json!(64))
        .response_format(ResponseFormat::JsonSchema {
            name: "answer".into(),
            schema: json!({"type": "object"}),
            strict: Some(true),
        })
        .param("reasoning_effort", json!("low"));
    req.params.parallel_tool_calls = Some(true);
    c.chat(req).await.unwrap();

    // the other tool choices and formats
    for (choice, want) in [
        (ToolChoice::None, json!("none")),
        (ToolChoice::Required, json!("required")),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(wiremock::matchers::body_partial_json(
                json!({"tool_choice": want, "response_format": {"type": "json_object"}}),
            ))
            .respond_with(json_reply(fixture("chat_response.json")))
            .expect(1)
            .mount(&server)
            .await;
        let (c, _) = client(&server);
        c.chat(
            ChatRequest::new("openai/m")
                .user("x")
                .tool(weather_tool())
                .tool_choice(choice)
                .response_format(ResponseFormat::JsonObject),
        )
        .await
        .unwrap();
    }

    // `model`, `messages` and `stream` cannot be replaced through `extra`
    let e = c
        .chat(
            ChatRequest::new("openai/m")
                .user("x")
                .param("messages", json!([])),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)), "{e}");
}

#[tokio::test]
async fn vendor_quirks_change_the_body_not_the_code() {
    fn req(model: &str) -> ChatRequest {
        let mut r = ChatRequest::new(model)
            .system("You are a helpful assistant.")
            .user("Hello!")
            .max_tokens(256)
            .seed(42);
        r.params.parallel_tool_calls = Some(false);
        r
    }
    let cases = [
        (
            OpenAi::new(ApiKey::new(KEY)),
            "openai/gpt-4.1-mini",
            "openai_quirks_request.json",
        ),
        (
            OpenAi::from_preset(&presets::MISTRAL).api_key(ApiKey::new(KEY)),
            "mistral/mistral-small-latest",
            "mistral_request.json",
        ),
        (
            OpenAi::from_preset(&presets::DEEPSEEK).api_key(ApiKey::new(KEY)),
            "deepseek/deepseek-chat",
            "deepseek_request.json",
        ),
    ];
    for (provider, model, want) in cases {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .and(body_json(json_fixture(want)))
            .respond_with(super::support::sse(&fixture("deepseek_stream.sse")))
            .expect(1)
            .mount(&server)
            .await;
        let (c, _) = client_for(provider.base_url(format!("{}/v1", server.uri())));
        let s = c.chat_stream(req(model)).await.unwrap();
        let r = s.into_response().await.unwrap();
        assert_eq!(r.text(), "Hello! How can I assist you today?", "{want}");
    }
}

// ---------- streams ----------

#[tokio::test]
async fn streaming_text_with_usage_chunk_keepalives_and_done() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_json(json_fixture("stream_request.json")))
        .respond_with(super::support::sse(&fixture("stream_text.sse")))
        .expect(1)
        .mount(&server)
        .await;
    let (c, obs) = client(&server);
    let s = c
        .chat_stream(ChatRequest::new("openai/gpt-4o-mini").user("Hello!"))
        .await
        .unwrap();
    let (events, err) = collect(s).await;
    assert!(err.is_none(), "{err:?}");
    let starts: Vec<_> = events
        .iter()
        .filter(|e| matches!(e, StreamEvent::Start { .. }))
        .collect();
    assert_eq!(
        starts,
        [&StreamEvent::Start {
            id: Some("chatcmpl-123".into()),
            model: Some("gpt-4o-mini".into())
        }],
        "one Start"
    );
    assert_eq!(text_of(&events), "Hello! How can I help you today?");
    let usage = Usage::new(19, 10);
    assert!(events.contains(&StreamEvent::Usage { usage }));
    // OpenAI sends the usage chunk after the finish chunk; Finish is still the last event
    assert_eq!(
        events[events.len() - 2..],
        [
            StreamEvent::Usage { usage },
            StreamEvent::Finish {
                reason: FinishReason::Stop
            }
        ]
    );
    let rec = obs.records().pop().unwrap();
    assert_eq!(rec.outcome, Outcome::Completed);
    assert_eq!(rec.usage, usage);
    assert_eq!(rec.usage_source, UsageSource::Provider);
    assert_eq!(rec.model_answered.as_deref(), Some("gpt-4o-mini"));
    assert!(rec.ttft.is_some());
}

#[tokio::test]
async fn streaming_parallel_tool_call_deltas_are_reassembled_by_the_aggregator() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(super::support::sse(&fixture("stream_tools.sse")))
        .mount(&server)
        .await;
    let (c, obs) = client(&server);
    let s = c
        .chat_stream(ChatRequest::new("openai/gpt-4o").user("weather in Paris and Berlin"))
        .await
        .unwrap();
    let (events, err) = collect(s).await;
    assert!(err.is_none(), "{err:?}");
    // the provider emits pieces; the first piece of each call carries id and name
    let firsts: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ToolCallDelta {
                index,
                id: Some(id),
                name: Some(name),
                ..
            } => Some((*index, id.as_str(), name.as_str())),
            _ => None,
        })
        .collect();
    assert_eq!(
        firsts,
        [
            (0, "call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather"),
            (1, "call_Kq8vN2wX5mT1rY7cB4zL9pHs", "get_weather")
        ]
    );
    // core's Aggregator joins them
    let mut agg = Aggregator::default();
    for ev in &events {
        agg.push(ev);
    }
    let r = agg.finish();
    assert_eq!(r.finish_reason, Some(FinishReason::ToolCalls));
    let calls = r.tool_calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        calls[0].args().unwrap(),
        json!({"location": "Paris, France"})
    );
    assert_eq!(
        calls[1].args().unwrap(),
        json!({"location": "Berlin, Germany"})
    );
    assert_eq!(r.usage, Usage::new(88, 41));
    let rec = obs.records().pop().unwrap();
    assert_eq!(rec.response.unwrap().tool_calls, calls);

    // chat() over a server that streams anyway reassembles the same way
    let r2 = c
        .chat(ChatRequest::new("openai/gpt-4o").user("again"))
        .await
        .unwrap();
    assert_eq!(r2.tool_calls(), calls);
}

#[tokio::test]
async fn compatible_vendor_streams() {
    async fn run(file: &str) -> (Vec<StreamEvent>, ExchangeRecord) {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(super::support::sse(&fixture(file)))
            .mount(&server)
            .await;
        let (c, obs) = client(&server);
        let s = c
            .chat_stream(ChatRequest::new("openai/m").user("Hello!"))
            .await
            .unwrap();
        let (events, err) = collect(s).await;
        assert!(err.is_none(), "{file}: {err:?}");
        (events, obs.records().pop().unwrap())
    }

    // DeepSeek: usage in the finish chunk, no empty-choices chunk
    let (events, rec) = run("deepseek_stream.sse").await;
    assert_eq!(text_of(&events), "Hello! How can I assist you today?");
    assert_eq!(rec.usage, Usage::new(17, 9));
    assert_eq!(rec.usage_source, UsageSource::Provider);

    // DeepSeek reasoning: reasoning_content is reasoning, not answer text
    let (events, rec) = run("reasoning_stream.sse").await;
    let reasoning: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::ReasoningDelta { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(reasoning, "We need");
    assert_eq!(text_of(&events), "");
    assert!(events.contains(&StreamEvent::Finish {
        reason: FinishReason::Length
    }));
    assert_eq!(rec.usage, Usage::new(87, 2).with_reasoning(2));
    assert_eq!(rec.model_answered.as_deref(), Some("deepseek-v4-pro"));

    // Groq: usage under x_groq
    let (events, rec) = run("groq_stream.sse").await;
    let mut agg = Aggregator::default();
    events.iter().for_each(|e| agg.push(e));
    let r = agg.finish();
    assert_eq!(r.tool_calls()[0].name, "test-tool");
    assert_eq!(
        r.tool_calls()[0].args().unwrap(),
        json!({"value": "Sparkle Day"})
    );
    assert_eq!(rec.usage, Usage::new(18, 439));

    // usage on every chunk is a running total: the last one counts, not the sum
    let (events, rec) = run("continuous_usage_stream.sse").await;
    let mut agg = Aggregator::default();
    events.iter().for_each(|e| agg.push(e));
    let r = agg.finish();
    assert_eq!(r.tool_calls().len(), 1);
    assert_eq!(
        r.tool_calls()[0].args().unwrap(),
        json!({"query": "latest news on ai"})
    );
    assert_eq!(rec.usage, Usage::new(226, 20));
}

#[tokio::test]
async fn an_error_event_mid_stream_is_a_classified_error_and_a_failed_record() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(super::support::sse(&fixture("stream_error.sse")))
        .mount(&server)
        .await;
    let (c, obs) = client(&server);
    let s = c
        .chat_stream(ChatRequest::new("openai/gpt-4o-mini").user("hi"))
        .await
        .unwrap();
    let (events, err) = collect(s).await;
    assert_eq!(text_of(&events), "Hello");
    let e = err.expect("the error event surfaces as an Err item, not an end");
    assert_eq!(e.class().as_str(), "server");
    assert!(e.is_retryable());
    let p = e.provider_error().unwrap();
    assert_eq!(p.code.as_deref(), Some("server_error"));
    assert!(p.body.as_deref().unwrap().contains("server_error"));
    let rec = obs.records().pop().unwrap();
    assert!(
        matches!(&rec.outcome, Outcome::Failed { error, .. } if error.as_str() == "server"),
        "{:?}",
        rec.outcome
    );
    assert_eq!(rec.response.unwrap().text, "Hello");

    // `event: error` with a rate-limit body; and a chunk that is not JSON
    for (body, class) in [
        (
            "event: error\ndata: {\"error\":{\"message\":\"Rate limit reached. Please try again in 2s.\",\"type\":\"requests\",\"code\":\"rate_limit_exceeded\"}}\n\n",
            "rate_limited",
        ),
        ("data: {\"id\":\"x\",\"choices\":[{\"delta\n\n", "decode"),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(super::support::sse(body))
            .mount(&server)
            .await;
        let (c, obs) = client(&server);
        let s = c
            .chat_stream(ChatRequest::new("openai/m").user("hi"))
            .await
            .unwrap();
        let (_, err) = collect(s).await;
        let e = err.unwrap();
        assert_eq!(e.class().as_str(), class, "{e}");
        if class == "rate_limited" {
            assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
        }
        let rec = obs.records().pop().unwrap();
        assert_eq!(rec.outcome.as_str(), "failed");
    }
}

#[tokio::test]
async fn a_connection_cut_mid_stream_is_a_network_error_and_the_record_keeps_usage_so_far() {
    // no usage reported before the cut: the record estimates it
    let text = fixture("stream_text.sse");
    let cut = &text[..text.find("\" How can I\"").unwrap()];
    let cut = &cut[..cut.rfind("data:").unwrap()];
    let base = super::support::cutting_server(cut.to_owned()).await;
    let (c, obs) = client_for(OpenAi::compatible(format!("{base}/v1")));
    let s = c
        .chat_stream(ChatRequest::new("openai/gpt-4o-mini").user("tell me a story"))
        .await
        .unwrap();
    let (events, err) = collect(s).await;
    assert_eq!(text_of(&events), "Hello!");
    let e = err.expect("a cut is an error, not an end");
    assert_eq!(e.class().as_str(), "network", "{e}");
    assert!(e.is_retryable());
    let rec = obs.records().pop().unwrap();
    assert!(matches!(&rec.outcome, Outcome::Failed { error, .. } if error.as_str() == "network"));
    assert_eq!(rec.usage_source, UsageSource::Estimated);
    assert!(
        rec.usage.output_tokens > 0 && rec.usage.input_tokens > 0,
        "{:?}",
        rec.usage
    );

    // running usage reported before the cut: its input count is kept
    let stream = fixture("continuous_usage_stream.sse");
    let cut = &stream[..stream.find("\" news\"").unwrap()];
    let cut = &cut[..cut.rfind("data:").unwrap()];
    let base = super::support::cutting_server(cut.to_owned()).await;
    let (c, obs) = client_for(OpenAi::compatible(format!("{base}/v1")));
    let s = c
        .chat_stream(ChatRequest::new("openai/m").user("news?"))
        .await
        .unwrap();
    let (_, err) = collect(s).await;
    assert_eq!(err.unwrap().class().as_str(), "network");
    let rec = obs.records().pop().unwrap();
    assert_eq!(rec.outcome.as_str(), "failed");
    assert_eq!(rec.usage.input_tokens, 226);
    assert!(rec.usage.output_tokens >= 16, "{:?}", rec.usage);
    assert_eq!(rec.usage_source, UsageSource::Estimated);
}

#[tokio::test]
async fn a_server_answering_json_to_a_stream_request_still_streams() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_reply(fixture("chat_response.json")))
        .mount(&server)
        .await;
    let (c, _) = client(&server);
    let s = c
        .chat_stream(ChatRequest::new("openai/m").user("Hello!"))
        .await
        .unwrap();
    let (events, err) = collect(s).await;
    assert!(err.is_none());
    assert_eq!(text_of(&events), "Hello! How can I assist you today?");
}

/// A server on 127.0.0.1 that answers one request with a chunked event stream, writing each
/// piece as its own HTTP chunk and flushing in between. Returns the base URL (`…/v1`).
async fn chunked_server(pieces: Vec<Vec<u8>>) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        // read the whole request (headers, then content-length bytes) before answering
        let mut req = Vec::new();
        let mut buf = [0u8; 4096];
        loop {
            let n = sock.read(&mut buf).await.unwrap();
            req.extend_from_slice(&buf[..n]);
            if let Some(end) = req.windows(4).position(|w| w == b"\r\n\r\n") {
                let head = String::from_utf8_lossy(&req[..end]).to_ascii_lowercase();
                let len: usize = head
                    .lines()
                    .find_map(|l| l.strip_prefix("content-length:"))
                    .and_then(|v| v.trim().parse().ok())
                    .unwrap_or(0);
                if req.len() >= end + 4 + len {
                    break;
                }
            }
            if n == 0 {
                break;
            }
        }
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
        sock.write_all(head.as_bytes()).await.unwrap();
        for p in pieces.into_iter().filter(|p| !p.is_empty()) {
            sock.write_all(format!("{:x}\r\n", p.len()).as_bytes())
                .await
                .unwrap();
            sock.write_all(&p).await.unwrap();
            sock.write_all(b"\r\n").await.unwrap();
            sock.flush().await.unwrap();
            tokio::task::yield_now().await;
        }
        sock.write_all(b"0\r\n\r\n").await.unwrap();
        sock.flush().await.unwrap();
    });
    format!("http://{addr}/v1")
}

fn split(body: &[u8], cuts: &[usize]) -> Vec<Vec<u8>> {
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (body.len() + 1)).collect();
    points.extend([0, body.len()]);
    points.sort_unstable();
    points.dedup();
    points
        .windows(2)
        .map(|w| body[w[0]..w[1]].to_vec())
        .collect()
}

async fn reply_over_tcp(body: &str, cuts: &[usize]) -> (ChatResponse, ExchangeRecord) {
    let base = chunked_server(split(body.as_bytes(), cuts)).await;
    let (c, obs) = client_for(OpenAi::compatible(base));
    let s = c
        .chat_stream(ChatRequest::new("openai/m").user("hi"))
        .await
        .unwrap();
    let r = s.into_response().await.unwrap();
    (r, obs.records().pop().unwrap())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    /// The same bytes split anywhere, sent as separate HTTP chunks through a real socket,
    /// reassemble into the same text, tool calls, usage and finish.
    #[test]
    fn sse_split_at_arbitrary_byte_boundaries_over_http(
        cuts in proptest::collection::vec(any::<usize>(), 0..24),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        for file in ["stream_text.sse", "stream_tools.sse", "groq_stream.sse"] {
            let body = fixture(file);
            let (whole, _) = rt.block_on(reply_over_tcp(&body, &[]));
            let (parts, rec) = rt.block_on(reply_over_tcp(&body, &cuts));
            prop_assert_eq!(parts.text(), whole.text());
            prop_assert_eq!(parts.tool_calls(), whole.tool_calls());
            prop_assert_eq!(parts.usage, whole.usage);
            prop_assert_eq!(&parts.finish_reason, &whole.finish_reason);
            prop_assert!(rec.outcome.is_completed());
        }
    }
}

// ---------- errors ----------

async fn error_for(status: u16, body: &str, headers: &[(&str, &str)]) -> Error {
    let server = MockServer::start().await;
    let mut t =
        ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json");
    for (k, v) in headers {
        t = t.insert_header(*k, *v);
    }
    Mock::given(method("POST"))
        .respond_with(t)
        .mount(&server)
        .await;
    let (c, obs) = client(&server);
    let e = c
        .chat(ChatRequest::new("openai/gpt-4o-mini").user("x"))
        .await
        .unwrap_err();
    let rec = obs.records().pop().unwrap();
    assert_eq!(rec.outcome.as_str(), "failed");
    e
}

#[tokio::test]
async fn each_error_class_from_status_and_body() {
    struct Case {
        status: u16,
        file: &'static str,
        headers: &'static [(&'static str, &'static str)],
        kind: ProviderErrorKind,
        retryable: bool,
        retry_after: Option<Duration>,
        code: Option<&'static str>,
    }
    let cases = [
        // header wins over the body's "try again in 300ms"
        Case {
            status: 429,
            file: "429_rate_limit.json",
            headers: &[("retry-after", "2")],
            kind: ProviderErrorKind::RateLimited,
            retryable: true,
            retry_after: Some(Duration::from_secs(2)),
            code: Some("rate_limit_exceeded"),
        },
        Case {
            status: 429,
            file: "429_rate_limit.json",
            headers: &[],
            kind: ProviderErrorKind::RateLimited,
            retryable: true,
            retry_after: Some(Duration::from_millis(300)),
            code: Some("rate_limit_exceeded"),
        },
        // a 429 that waiting will not fix
        Case {
            status: 429,
            file: "429_insufficient_quota.json",
            headers: &[("retry-after", "20")],
            kind: ProviderErrorKind::QuotaExhausted,
            retryable: false,
            retry_after: None,
            code: Some("insufficient_quota"),
        },
        Case {
            status: 400,
            file: "400_context_length.json",
            headers: &[],
            kind: ProviderErrorKind::ContextLength,
            retryable: false,
            retry_after: None,
            code: Some("context_length_exceeded"),
        },
        Case {
            status: 401,
            file: "401_invalid_key.json",
            headers: &[],
            kind: ProviderErrorKind::Auth,
            retryable: false,
            retry_after: None,
            code: Some("invalid_api_key"),
        },
        Case {
            status: 500,
            file: "500_server.json",
            headers: &[],
            kind: ProviderErrorKind::Server,
            retryable: true,
            retry_after: None,
            code: Some("server_error"),
        },
        Case {
            status: 503,
            file: "503_overloaded.json",
            headers: &[("retry-after-ms", "1500")],
            kind: ProviderErrorKind::Overloaded,
            retryable: true,
            retry_after: Some(Duration::from_millis(1500)),
            code: Some("server_error"),
        },
        Case {
            status: 400,
            file: "400_content_filter.json",
            headers: &[],
            kind: ProviderErrorKind::ContentFilter,
            retryable: false,
            retry_after: None,
            code: Some("content_filter"),
        },
    ];
    for c in cases {
        let body = fixture(&format!("errors/{}", c.file));
        let e = error_for(c.status, &body, c.headers).await;
        let p = e
            .provider_error()
            .unwrap_or_else(|| panic!("{}: {e}", c.file));
        assert_eq!(p.kind, c.kind, "{}", c.file);
        assert_eq!(p.status, Some(c.status), "{}", c.file);
        assert_eq!(e.is_retryable(), c.retryable, "{}", c.file);
        assert_eq!(e.retry_after(), c.retry_after, "{}", c.file);
        assert_eq!(p.code.as_deref(), c.code, "{}", c.file);
        assert_eq!(p.provider, "openai");
        assert!(!p.message.is_empty() && p.body.is_some(), "{}", c.file);
    }
    // a body that is not JSON: the status decides
    let e = error_for(502, "<html>Bad Gateway</html>", &[]).await;
    assert_eq!(e.provider_error().unwrap().kind, ProviderErrorKind::Server);
}

#[tokio::test]
async fn the_key_never_leaks_through_errors_records_or_debug() {
    // a key no secret pattern would recognise, echoed whole by a misbehaving server
    let key = "local-gateway-key-7f3a9c";
    let server = MockServer::start().await;
    let body = format!(
        r#"{{"error":{{"message":"key {key} is not valid for this deployment","type":"invalid_request_error","code":"invalid_api_key"}}}}"#
    );
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(401).set_body_raw(body.into_bytes(), "application/json"),
        )
        .mount(&server)
        .await;
    let provider = OpenAi::compatible(format!("{}/v1", server.uri())).api_key(ApiKey::new(key));
    assert!(!format!("{provider:?}").contains(key));
    let (c, obs) = client_for(provider);
    let e = c
        .chat(ChatRequest::new("openai/m").user("hi"))
        .await
        .unwrap_err();
    assert_eq!(e.provider_error().unwrap().kind, ProviderErrorKind::Auth);
    let rec = obs.records().pop().unwrap();
    let shown = [
        e.to_string(),
        format!("{e:?}"),
        e.provider_error().unwrap().body.clone().unwrap(),
        e.provider_error().unwrap().message.clone(),
        serde_json::to_string(&rec).unwrap(),
        format!("{c:?}"),
    ];
    for s in shown {
        assert!(!s.contains(key), "{s}");
    }

    // the same inside a stream
    let server = MockServer::start().await;
    let sse = format!(
        "data: {{\"error\":{{\"message\":\"bad key {key}\",\"code\":\"invalid_api_key\"}}}}\n\n"
    );
    Mock::given(method("POST"))
        .respond_with(super::support::sse(&sse))
        .mount(&server)
        .await;
    let (c, obs) =
        client_for(OpenAi::compatible(format!("{}/v1", server.uri())).api_key(ApiKey::new(key)));
    let s = c
        .chat_stream(ChatRequest::new("openai/m").user("hi"))
        .await
        .unwrap();
    let (_, err) = collect(s).await;
    let e = err.unwrap();
    assert_eq!(e.class().as_str(), "auth");
    assert!(!format!("{e} {e:?} {:?}", e.provider_error().unwrap().body).contains(key));
    assert!(!serde_json::to_string(&obs.records()).unwrap().contains(key));
}

#[tokio::test]
async fn transport_and_body_failures_are_classified() {
    // nothing listens on this port
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let (c, _) = client_for(OpenAi::compatible(format!("http://127.0.0.1:{port}/v1")));
    let e = c
        .chat(ChatRequest::new("openai/m").user("x"))
        .await
        .unwrap_err();
    assert_eq!(e.class().as_str(), "network", "{e}");
    assert!(e.is_retryable());

    for (body, class) in [
        // a 200 whose body is not a chat completion
        ("<html>proxy</html>", "decode"),
        // a chat completion without any choice
        (
            r#"{"id":"x","object":"chat.completion","choices":[]}"#,
            "decode",
        ),
        // an error object in a 200 body
        (
            r#"{"error":{"message":"The engine is currently overloaded, please try again later","type":"server_error"}}"#,
            "server",
        ),
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(json_reply(body.to_owned()))
            .mount(&server)
            .await;
        let (c, obs) = client(&server);
        let e = c
            .chat(ChatRequest::new("openai/m").user("x"))
            .await
            .unwrap_err();
        assert_eq!(e.class().as_str(), class, "{body}: {e}");
        assert_eq!(obs.records().pop().unwrap().outcome.as_str(), "failed");
    }

    // a configuration mistake is a typed error at the first call, not a panic
    let (c, _) = client_for(OpenAi::compatible("localhost:8000"));
    let e = c
        .chat(ChatRequest::new("openai/m").user("x"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e}");
}

#[tokio::test]
async fn lenient_parsing_of_real_world_servers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_reply(fixture("lenient_response.json")))
        .mount(&server)
        .await;
    let (c, obs) = client(&server);
    let r = c
        .chat(ChatRequest::new("openai/meta-llama/Llama-3.1-8B-Instruct").user("hi"))
        .await
        .unwrap();
    assert_eq!(r.text(), "Hi there");
    assert_eq!(
        r.finish_reason, None,
        "an empty finish_reason is no reason, not an error"
    );
    assert_eq!(r.usage, Usage::new(12, 3));
    assert_eq!(obs.records().pop().unwrap().outcome, Outcome::Completed);

    // unknown finish reasons are kept
    let server = MockServer::start().await;
    let body = fixture("chat_response.json").replace(
        "\"finish_reason\": \"stop\"",
        "\"finish_reason\": \"eos_token\"",
    );
    Mock::given(method("POST"))
        .respond_with(json_reply(body))
        .mount(&server)
        .await;
    let (c, _) = client(&server);
    let r = c
        .chat(ChatRequest::new("openai/x").user("hi"))
        .await
        .unwrap();
    assert_eq!(
        r.finish_reason,
        Some(FinishReason::Other("eos_token".into()))
    );

    // no usage at all: the record says so instead of claiming zero tokens
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_reply(
            r#"{"choices":[{"message":{"role":"assistant","content":"ok"},"finish_reason":"stop"}]}"#
                .to_owned(),
        ))
        .mount(&server)
        .await;
    let (c, obs) = client(&server);
    let r = c
        .chat(ChatRequest::new("openai/x").user("hi"))
        .await
        .unwrap();
    assert_eq!(r.text(), "ok");
    assert_ne!(
        obs.records().pop().unwrap().usage_source,
        UsageSource::Provider
    );
}

// ---------- addressing: Azure, deployments, headers ----------

#[tokio::test]
async fn azure_deployments_use_the_deployment_url_api_key_header_and_api_version() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/openai/deployments/prod-gpt4o/chat/completions"))
        .and(query_param("api-version", "2024-10-21"))
        .and(header("api-key", "azure-key-123456"))
        .and(|r: &Request| !r.headers.contains_key("authorization"))
        .and(wiremock::matchers::body_partial_json(
            json!({"model": "prod-gpt4o", "max_completion_tokens": 100}),
        ))
        .respond_with(json_reply(fixture("chat_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let (c, obs) = {
        let obs = MemoryObserver::new();
        let c = Client::builder()
            .provider(OpenAi::azure(
                server.uri(),
                "2024-10-21",
                ApiKey::new("azure-key-123456"),
            ))
            .deployment(Deployment::new("eu-chat", "azure", "prod-gpt4o"))
            .observer(obs.clone())
            .build()
            .unwrap();
        (c, obs)
    };
    let r = c
        .chat(ChatRequest::new("eu-chat").user("Hello!").max_tokens(100))
        .await
        .unwrap();
    assert_eq!(r.meta.deployment.as_deref(), Some("eu-chat"));
    assert_eq!(r.meta.provider, "azure");
    let rec = obs.records().pop().unwrap();
    assert_eq!(rec.deployment.as_deref(), Some("eu-chat"));
}

#[tokio::test]
async fn a_deployment_overrides_endpoint_and_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/replica/v1/chat/completions"))
        .and(header("authorization", "Bearer replica-key"))
        .and(body_json(
            json!({"model": "gpt-4.1-mini", "messages": [{"role": "user", "content": "hi"}]}),
        ))
        .respond_with(json_reply(fixture("chat_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let c = Client::builder()
        .provider(OpenAi::compatible("http://127.0.0.1:9/v1").api_key(ApiKey::new("default-key")))
        .deployment(
            Deployment::new("replica", "openai", "gpt-4.1-mini")
                .endpoint(format!("{}/replica/v1", server.uri()))
                .key(ApiKey::new("replica-key")),
        )
        .build()
        .unwrap();
    c.chat(ChatRequest::new("replica").user("hi"))
        .await
        .unwrap();
}

#[tokio::test]
async fn custom_headers_go_on_every_request() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(header("openai-organization", "org-123"))
        .and(header("x-tenant", "acme"))
        .and(header("authorization", "Basic dXNlcjpwYXNz"))
        .respond_with(json_reply(fixture("chat_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    // no key: an Authorization header given here is sent as is
    let (c, _) = client_for(
        OpenAi::compatible(format!("{}/v1", server.uri()))
            .header("OpenAI-Organization", "org-123")
            .header("x-tenant", "acme")
            .header("Authorization", "Basic dXNlcjpwYXNz"),
    );
    c.chat(ChatRequest::new("openai/m").user("hi"))
        .await
        .unwrap();
}

#[tokio::test]
async fn bare_model_names_route_by_what_each_provider_serves() {
    let openai = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_reply(fixture("chat_response.json")))
        .expect(1)
        .mount(&openai)
        .await;
    let xai = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json_reply(fixture("chat_response_2024.json")))
        .expect(1)
        .mount(&xai)
        .await;
    let c = Client::builder()
        .provider(OpenAi::new(ApiKey::new(KEY)).base_url(format!("{}/v1", openai.uri())))
        .provider(
            OpenAi::from_preset(&presets::XAI)
                .api_key(ApiKey::new(KEY))
                .base_url(format!("{}/v1", xai.uri())),
        )
        .build()
        .unwrap();
    let r = c
        .chat(ChatRequest::new("gpt-4.1").user("hi"))
        .await
        .unwrap();
    assert_eq!(r.meta.provider, "openai");
    let r = c.chat(ChatRequest::new("grok-4").user("hi")).await.unwrap();
    assert_eq!(r.meta.provider, "xai");
}

// ---------- embeddings ----------

#[tokio::test]
async fn embeddings_are_batched_and_ordered_by_index() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(body_json(json!({"model": "text-embedding-3-small", "input": ["a", "b"], "encoding_format": "float", "dimensions": 3})))
        .respond_with(json_reply(fixture("embeddings_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    // with_dims(3) on a 1536-dimension model asks the server for 3 dimensions
    let e = OpenAi::compatible(format!("{}/v1", server.uri()))
        .api_key(ApiKey::new(KEY))
        .embedder("text-embedding-3-small")
        .with_dims(3);
    assert_eq!(e.dims(), 3);
    assert_eq!(e.id(), "openai/text-embedding-3-small@3");
    // the fixture lists index 1 before index 0
    assert_eq!(
        e.embed(&["a", "b"]).await.unwrap(),
        vec![vec![0.1, 0.2, 0.3], vec![0.4, 0.5, 0.6]]
    );

    let server2 = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(body_json(
            json!({"model": "custom-embed", "input": ["a", "b"], "encoding_format": "float"}),
        ))
        .respond_with(json_reply(fixture("embeddings_response.json")))
        .expect(2)
        .mount(&server2)
        .await;
    let e = OpenAi::compatible(format!("{}/v1", server2.uri()))
        .embedder("custom-embed")
        .with_dims(3)
        .batch_size(2);
    assert_eq!(e.id(), "openai/custom-embed");
    let v = e.embed(&["a", "b", "a", "b"]).await.unwrap();
    assert_eq!(v.len(), 4);
    assert_eq!(v[0], vec![0.1, 0.2, 0.3]);
    assert_eq!(v[1], vec![0.4, 0.5, 0.6]);
    assert_eq!(v[2], vec![0.1, 0.2, 0.3]);
    assert!(e.embed(&[]).await.unwrap().is_empty());

    // an answer that does not fit the question is a decode error
    for body in [
        r#"{"data":[{"index":0,"embedding":[0.1,0.2,0.3]}]}"#,
        r#"{"data":[{"index":0,"embedding":[0.1,0.2,0.3]},{"index":0,"embedding":[0.1,0.2,0.3]}]}"#,
        r#"{"data":[{"index":0,"embedding":[0.1,0.2,0.3]},{"index":7,"embedding":[0.1,0.2,0.3]}]}"#,
        r#"{"data":[{"index":0,"embedding":[0.1]},{"index":1,"embedding":[0.1]}]}"#,
    ] {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(json_reply(body.to_owned()))
            .mount(&server)
            .await;
        let e = OpenAi::compatible(format!("{}/v1", server.uri()))
            .embedder("custom-embed")
            .with_dims(3);
        let err = e.embed(&["a", "b"]).await.unwrap_err();
        assert_eq!(err.class().as_str(), "decode", "{body}: {err}");
    }

    // errors are classified as for chat
    let err = {
        let server = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(ResponseTemplate::new(429).set_body_raw(
                fixture("errors/429_insufficient_quota.json").into_bytes(),
                "application/json",
            ))
            .mount(&server)
            .await;
        OpenAi::compatible(format!("{}/v1", server.uri()))
            .embedder("text-embedding-3-small")
            .embed(&["a"])
            .await
            .unwrap_err()
    };
    assert_eq!(err.class().as_str(), "quota_exhausted");

    // an unknown model without dims is a configuration error, not a panic
    let e = OpenAi::compatible("http://127.0.0.1:9/v1").embedder("mystery");
    assert!(matches!(e.embed(&["x"]).await, Err(Error::Config(_))));
}

#[test]
fn from_env_without_configuration_is_a_typed_error() {
    // only meaningful when the variables are unset here (unit tests cover every combination)
    if std::env::var("OPENAI_API_KEY").is_err() && std::env::var("OPENAI_BASE_URL").is_err() {
        assert!(
            matches!(OpenAi::from_env(), Err(Error::Config(m)) if m.contains("OPENAI_API_KEY"))
        );
    }
}
