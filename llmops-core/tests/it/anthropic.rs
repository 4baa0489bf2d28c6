//! Anthropic Messages provider against recorded wire formats on a local HTTP server.

use std::time::Duration;

use futures_util::StreamExt;
use llmops_core::*;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture(name: &str) -> String {
    super::support::fixture("anthropic", name)
}

fn json_fixture(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

const KEY: &str = "sk-ant-api03-test-key-000000000000000000";

fn client(server: &MockServer) -> (Client, MemoryObserver) {
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(Anthropic::new(ApiKey::new(KEY)).base_url(server.uri()))
        .observer(obs.clone())
        .build()
        .unwrap();
    (c, obs)
}

fn weather() -> ToolSpec {
    ToolSpec::new(
        "get_weather",
        "Get the current weather in a given location",
        json!({"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}),
    )
}

#[tokio::test]
async fn messages_request_headers_and_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .and(header("x-api-key", KEY))
        .and(header("anthropic-version", "2023-06-01"))
        .and(body_json(json_fixture("messages_request.json")))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("messages_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let (c, obs) = client(&server);
    let r = c
        .chat(
            ChatRequest::new("anthropic/claude-sonnet-4-5")
                .system("You are a helpful assistant.")
                .user("Hello, Claude")
                .max_tokens(1024)
                .temperature(0.5),
        )
        .await
        .unwrap();
    assert_eq!(r.text(), "Hi! My name is Claude.");
    assert_eq!(r.finish_reason, Some(FinishReason::Stop));
    assert_eq!(r.usage, Usage::new(2095, 503));
    assert_eq!(
        r.meta.model_answered.as_deref(),
        Some("claude-sonnet-4-5-20250929")
    );
    assert_eq!(r.meta.provider, "anthropic");
    assert_eq!(obs.records()[0].usage_source, UsageSource::Provider);
}

#[tokio::test]
async fn prompt_caching_markers_and_cache_usage() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_json(json_fixture("cache_request.json")))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("cache_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let (c, _) = client(&server);
    let mut tool = weather();
    tool.cache_control = Some(CacheControl::Ephemeral {
        ttl: Some("1h".into()),
    });
    let req = ChatRequest::new("anthropic/claude-sonnet-4-5")
        .system("You are an AI assistant tasked with analyzing literary works.")
        .message(Message::system("<the entire contents of Pride and Prejudice>").cached())
        .user("Analyze the major themes in Pride and Prejudice.")
        .tool(tool);
    let r = c.chat(req).await.unwrap();
    // input includes the cached tokens; cache read/write are reported apart
    assert_eq!(r.usage.input_tokens, 21 + 188086);
    assert_eq!(r.usage.cache_write_tokens, 188086);
    assert_eq!(r.usage.cache_read_tokens, 0);
    assert_eq!(r.usage.output_tokens, 393);
}

#[tokio::test]
async fn tool_use_round_trip() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_partial_json(json!({"messages": [{"role": "user"}]})))
        .and(body_json(json!({
            "model": "claude-sonnet-4-5", "max_tokens": 4096,
            "messages": [{"role": "user", "content": [{"type": "text", "text": "What's the weather like in San Francisco?"}]}],
            "tools": [{"name": "get_weather", "description": "Get the current weather in a given location",
                       "input_schema": {"type": "object", "properties": {"location": {"type": "string"}}, "required": ["location"]}}],
            "tool_choice": {"type": "any"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("tool_use_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(body_json(json_fixture("tool_result_request.json")))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("messages_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let (c, _) = client(&server);
    let ask = || {
        ChatRequest::new("anthropic/claude-sonnet-4-5")
            .user("What's the weather like in San Francisco?")
            .tool(weather())
            .tool_choice(ToolChoice::Required)
    };
    let r = c.chat(ask()).await.unwrap();
    assert_eq!(r.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(
        r.text(),
        "I'll check the current weather in San Francisco for you."
    );
    let call = r.tool_calls()[0].clone();
    assert_eq!(call.id, "toolu_01A09q90qw90lq917835lq9");
    assert_eq!(
        call.args().unwrap(),
        json!({"location": "San Francisco, CA", "unit": "celsius"})
    );
    let r2 = c
        .chat(
            ask()
                .message(r.message.clone())
                .message(Message::tool_result(&call.id, "15 degrees")),
        )
        .await
        .unwrap();
    assert_eq!(r2.text(), "Hi! My name is Claude.");
}

#[tokio::test]
async fn streaming_text_event_sequence() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(body_partial_json(json!({"stream": true})))
        .respond_with(super::support::sse(&fixture("stream_text.sse")))
        .expect(1)
        .mount(&server)
        .await;
    let (c, obs) = client(&server);
    let mut s = c
        .chat_stream(ChatRequest::new("anthropic/claude-opus-4-1").user("Hello"))
        .await
        .unwrap();
    let mut events = Vec::new();
    while let Some(ev) = s.next().await {
        events.push(ev.unwrap());
    }
    assert!(
        matches!(&events[0], StreamEvent::Start { model: Some(m), .. } if m == "claude-opus-4-1-20250805")
    );
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Delta { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Hello!");
    assert!(events.contains(&StreamEvent::Finish {
        reason: FinishReason::Stop
    }));
    drop(s);
    let rec = obs.records().pop().unwrap();
    assert_eq!(rec.outcome, Outcome::Completed);
    assert_eq!(rec.usage, Usage::new(25, 15));
    assert_eq!(rec.usage_source, UsageSource::Provider);
}

#[tokio::test]
async fn streaming_tool_use_json_deltas() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(super::support::sse(&fixture("stream_tool_use.sse")))
        .mount(&server)
        .await;
    let (c, _) = client(&server);
    let r = c
        .chat_stream(ChatRequest::new("anthropic/claude-opus-4-1").user("weather?"))
        .await
        .unwrap()
        .into_response()
        .await
        .unwrap();
    assert_eq!(
        r.text(),
        "Okay, let's check the weather for San Francisco, CA:"
    );
    assert_eq!(r.finish_reason, Some(FinishReason::ToolCalls));
    let c0 = &r.tool_calls()[0];
    assert_eq!(
        (c0.id.as_str(), c0.name.as_str()),
        ("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather")
    );
    assert_eq!(
        c0.args().unwrap(),
        json!({"location": "San Francisco, CA", "unit": "fahrenheit"})
    );
    assert_eq!(r.usage, Usage::new(472, 89));
}

#[tokio::test]
async fn an_error_event_mid_stream_fails_the_stream_and_keeps_input_usage() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(super::support::sse(&fixture("stream_error.sse")))
        .mount(&server)
        .await;
    let (c, obs) = client(&server);
    let mut s = c
        .chat_stream(ChatRequest::new("anthropic/claude-opus-4-1").user("Hello"))
        .await
        .unwrap();
    let mut err = None;
    while let Some(ev) = s.next().await {
        if let Err(e) = ev {
            err = Some(e);
        }
    }
    let e = err.unwrap();
    assert_eq!(
        e.provider_error().unwrap().kind,
        ProviderErrorKind::Overloaded
    );
    assert!(e.is_retryable());
    drop(s);
    let rec = obs.records().pop().unwrap();
    assert!(
        matches!(&rec.outcome, Outcome::Failed { error, .. } if error.as_str() == "overloaded")
    );
    assert_eq!(
        rec.usage.input_tokens, 25,
        "input usage from message_start is kept"
    );
    assert!(rec.usage.output_tokens >= 1);
}

#[tokio::test]
async fn a_connection_cut_mid_stream_is_a_network_error_with_input_usage_kept() {
    let partial: String = fixture("stream_text.sse")
        .split("event: content_block_stop")
        .next()
        .unwrap()
        .to_owned();
    let base = super::support::cutting_server(partial).await;
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(Anthropic::new(ApiKey::new(KEY)).base_url(base))
        .observer(obs.clone())
        .build()
        .unwrap();
    let mut s = c
        .chat_stream(ChatRequest::new("anthropic/claude-opus-4-1").user("Hello"))
        .await
        .unwrap();
    let mut last = None;
    while let Some(ev) = s.next().await {
        last = Some(ev);
    }
    assert_eq!(last.unwrap().unwrap_err().class().as_str(), "network");
    drop(s);
    let rec = obs.records().pop().unwrap();
    assert!(matches!(&rec.outcome, Outcome::Failed { error, .. } if error.as_str() == "network"));
    assert_eq!(rec.usage.input_tokens, 25);
    assert_eq!(rec.usage_source, UsageSource::Estimated);
}

async fn error_for(status: u16, file: &str, headers: &[(&str, &str)]) -> Error {
    let server = MockServer::start().await;
    let mut t = ResponseTemplate::new(status).set_body_string(fixture(&format!("errors/{file}")));
    for (k, v) in headers {
        t = t.insert_header(*k, *v);
    }
    Mock::given(method("POST"))
        .respond_with(t)
        .mount(&server)
        .await;
    let (c, _) = client(&server);
    c.chat(ChatRequest::new("anthropic/claude-sonnet-4-5").user("x"))
        .await
        .unwrap_err()
}

#[tokio::test]
async fn error_bodies_are_classified_for_routing() {
    let kind = |e: &Error| e.provider_error().unwrap().kind.clone();
    let e = error_for(400, "400_prompt_too_long.json", &[]).await;
    assert_eq!(kind(&e), ProviderErrorKind::ContextLength);
    let e = error_for(400, "400_credit_balance.json", &[]).await;
    assert_eq!(kind(&e), ProviderErrorKind::QuotaExhausted);
    assert!(!e.is_retryable());
    let e = error_for(401, "401_auth.json", &[]).await;
    assert_eq!(kind(&e), ProviderErrorKind::Auth);
    assert!(!e.to_string().contains(KEY) && !format!("{e:?}").contains(KEY));
    let e = error_for(429, "429_rate_limit.json", &[("retry-after", "17")]).await;
    assert_eq!(kind(&e), ProviderErrorKind::RateLimited);
    assert_eq!(e.retry_after(), Some(Duration::from_secs(17)));
    let e = error_for(500, "500_api_error.json", &[]).await;
    assert_eq!(kind(&e), ProviderErrorKind::Server);
    assert!(e.is_retryable());
    let e = error_for(529, "529_overloaded.json", &[]).await;
    assert_eq!(kind(&e), ProviderErrorKind::Overloaded);
    assert_eq!(
        e.provider_error().unwrap().code.as_deref(),
        Some("overloaded_error")
    );
    let e = error_for(413, "413_too_large.json", &[]).await;
    assert_eq!(kind(&e), ProviderErrorKind::ContextLength);
}

#[tokio::test]
async fn what_the_api_cannot_express_is_refused_not_dropped() {
    let server = MockServer::start().await;
    let (c, obs) = client(&server);
    let e = c
        .chat(
            ChatRequest::new("anthropic/claude-sonnet-4-5")
                .user("x")
                .seed(1),
        )
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::InvalidRequest(ref m) if m.contains("seed")),
        "{e}"
    );
    let e = c
        .chat(
            ChatRequest::new("anthropic/claude-sonnet-4-5")
                .user("x")
                .response_format(ResponseFormat::JsonObject),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)));
    let bad = Message::assistant_tool_calls("", vec![ToolCall::new("t1", "f", "{not json")]);
    let e = c
        .chat(
            ChatRequest::new("anthropic/claude-sonnet-4-5")
                .user("x")
                .message(bad),
        )
        .await
        .unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)));
    assert_eq!(obs.len(), 3);
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn lenient_parsing_of_unknown_blocks_and_stop_reasons() {
    let server = MockServer::start().await;
    let body = json!({
        "id": "msg_x", "type": "message", "role": "assistant", "model": "claude-x",
        "content": [{"type": "thinking", "thinking": "hmm", "signature": "abc"}, {"type": "server_tool_use", "id": "s"}, {"type": "text", "text": "ok"}],
        "stop_reason": "pause_turn_v2", "usage": {"input_tokens": 1, "output_tokens": 2, "server_tool_use": {"web_search_requests": 1}},
        "container": null
    });
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    let (c, _) = client(&server);
    let r = c
        .chat(ChatRequest::new("anthropic/claude-x").user("hi"))
        .await
        .unwrap();
    assert_eq!(r.text(), "ok");
    assert_eq!(
        r.finish_reason,
        Some(FinishReason::Other("pause_turn_v2".into()))
    );
}
