//! OpenAI-compatible provider against recorded wire formats on a local HTTP server.

use std::time::Duration;

use futures_util::StreamExt;
use llmops_core::*;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn fixture(name: &str) -> String {
    super::support::fixture("openai", name)
}

fn json_fixture(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

fn client(server: &MockServer) -> (Client, MemoryObserver) {
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(
            OpenAi::compatible(format!("{}/v1", server.uri()))
                .api_key(ApiKey::new("sk-test-key-0000000000000000000000")),
        )
        .observer(obs.clone())
        .build()
        .unwrap();
    (c, obs)
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

#[tokio::test]
async fn full_chat_sends_the_documented_body_and_maps_the_response() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(header(
            "authorization",
            "Bearer sk-test-key-0000000000000000000000",
        ))
        .and(body_json(json_fixture("chat_request.json")))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("chat_response.json")))
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
    assert_eq!(r.system_fingerprint.as_deref(), Some("fp_b376dfbbd5"));
    assert_eq!(r.meta.provider, "openai");
    assert!(!r.meta.scripted);
    let rec = obs.records().pop().unwrap();
    assert_eq!(rec.usage_source, UsageSource::Provider);
    assert_eq!(
        rec.response.unwrap().system_fingerprint.as_deref(),
        Some("fp_b376dfbbd5")
    );
}

#[tokio::test]
async fn tool_call_round_trip() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_json(json_fixture("tools_request.json")))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("tools_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_json(json_fixture("tool_result_request.json")))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("chat_response.json")))
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
    let call = r.tool_calls()[0].clone();
    assert_eq!(call.id, "call_abc123");
    assert_eq!(call.name, "get_current_weather");
    assert_eq!(call.args().unwrap(), json!({"location": "Boston, MA"}));
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
async fn streaming_text_with_usage_and_keepalives() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(wiremock::matchers::body_partial_json(
            json!({"stream": true, "stream_options": {"include_usage": true}}),
        ))
        .respond_with(super::support::sse(&fixture("stream_text.sse")))
        .expect(1)
        .mount(&server)
        .await;
    let (c, obs) = client(&server);
    let mut s = c
        .chat_stream(ChatRequest::new("openai/gpt-4o-mini").user("Hello!"))
        .await
        .unwrap();
    let mut events = Vec::new();
    while let Some(ev) = s.next().await {
        events.push(ev.unwrap());
    }
    assert!(matches!(&events[0], StreamEvent::Start { id: Some(id), .. } if id == "chatcmpl-123"));
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Delta { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Hello! How can I help you today?");
    assert!(events.contains(&StreamEvent::Finish {
        reason: FinishReason::Stop
    }));
    assert!(events.contains(&StreamEvent::Usage {
        usage: Usage::new(19, 9)
    }));
    drop(s);
    let rec = obs.records().pop().unwrap();
    assert_eq!(rec.outcome, Outcome::Completed);
    assert_eq!(rec.usage, Usage::new(19, 9));
    assert_eq!(rec.usage_source, UsageSource::Provider);
    assert_eq!(
        rec.model_answered.as_deref(),
        Some("gpt-4o-mini-2024-07-18")
    );
    assert!(rec.ttft.is_some());
}

#[tokio::test]
async fn streaming_parallel_tool_call_deltas_are_reassembled() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(super::support::sse(&fixture("stream_tools.sse")))
        .mount(&server)
        .await;
    let (c, _) = client(&server);
    let s = c
        .chat_stream(ChatRequest::new("openai/gpt-4o").user("weather and time in Paris"))
        .await
        .unwrap();
    let r = s.into_response().await.unwrap();
    assert_eq!(r.finish_reason, Some(FinishReason::ToolCalls));
    let calls = r.tool_calls();
    assert_eq!(calls.len(), 2);
    assert_eq!(
        (calls[0].id.as_str(), calls[0].name.as_str()),
        ("call_DdmO9pD3xa9XTPNJ32zg2hcA", "get_weather")
    );
    assert_eq!(
        calls[0].args().unwrap(),
        json!({"location": "Paris, France"})
    );
    assert_eq!(calls[1].args().unwrap(), json!({"tz": "CET"}));
    assert_eq!(r.usage, Usage::new(88, 41));
    // chat() over a streamed reply reassembles the same way
    let r2 = c
        .chat(ChatRequest::new("openai/gpt-4o").user("again"))
        .await
        .unwrap();
    assert_eq!(r2.tool_calls().len(), 2);
}

#[tokio::test]
async fn an_error_event_mid_stream_is_a_classified_error_not_an_end() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(super::support::sse(&fixture("stream_error.sse")))
        .mount(&server)
        .await;
    let (c, obs) = client(&server);
    let mut s = c
        .chat_stream(ChatRequest::new("openai/gpt-4o-mini").user("hi"))
        .await
        .unwrap();
    let mut text = String::new();
    let mut err = None;
    while let Some(ev) = s.next().await {
        match ev {
            Ok(StreamEvent::Delta { text: t }) => text.push_str(&t),
            Ok(_) => {}
            Err(e) => err = Some(e),
        }
    }
    assert_eq!(text, "Partial");
    let e = err.expect("the error event surfaces");
    assert_eq!(e.class().as_str(), "server");
    assert!(e.is_retryable());
    drop(s);
    let rec = obs.records().pop().unwrap();
    assert!(matches!(&rec.outcome, Outcome::Failed { error, .. } if error.as_str() == "server"));
    assert_eq!(rec.response.unwrap().text, "Partial");
}

#[tokio::test]
async fn a_connection_cut_mid_stream_is_a_network_error_and_keeps_usage_so_far() {
    let body = "data: {\"id\":\"c1\",\"model\":\"gpt-4o-mini\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Once upon a time\"},\"finish_reason\":null}]}\n\n";
    let base = format!(
        "{}/v1",
        super::support::cutting_server(body.to_owned()).await
    );
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(OpenAi::compatible(base))
        .observer(obs.clone())
        .build()
        .unwrap();
    let mut s = c
        .chat_stream(ChatRequest::new("openai/gpt-4o-mini").user("tell me a story"))
        .await
        .unwrap();
    let mut got = Vec::new();
    while let Some(ev) = s.next().await {
        got.push(ev);
    }
    let last = got.pop().unwrap();
    let e = last.unwrap_err();
    assert_eq!(e.class().as_str(), "network", "{e}");
    assert!(
        got.iter()
            .any(|e| matches!(e, Ok(StreamEvent::Delta { text }) if text == "Once upon a time"))
    );
    drop(s);
    let rec = obs.records().pop().unwrap();
    assert!(matches!(&rec.outcome, Outcome::Failed { error, .. } if error.as_str() == "network"));
    assert_eq!(rec.usage_source, UsageSource::Estimated);
    assert!(
        rec.usage.output_tokens > 0 && rec.usage.input_tokens > 0,
        "{:?}",
        rec.usage
    );
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
    c.chat(ChatRequest::new("openai/gpt-4o-mini").user("x"))
        .await
        .unwrap_err()
}

#[tokio::test]
async fn error_bodies_are_classified_for_routing() {
    let e = error_for(429, "429_rate_limit.json", &[("retry-after", "2")]).await;
    let p = e.provider_error().unwrap();
    assert_eq!(p.kind, ProviderErrorKind::RateLimited);
    assert!(e.is_retryable());
    assert_eq!(e.retry_after(), Some(Duration::from_secs(2)));
    assert_eq!(p.status, Some(429));
    assert_eq!(p.code.as_deref(), Some("rate_limit_exceeded"));

    // no header: the body's "try again in 300ms"
    let e = error_for(429, "429_rate_limit.json", &[]).await;
    assert_eq!(e.retry_after(), Some(Duration::from_millis(300)));

    let e = error_for(429, "429_insufficient_quota.json", &[("retry-after", "20")]).await;
    assert_eq!(
        e.provider_error().unwrap().kind,
        ProviderErrorKind::QuotaExhausted
    );
    assert!(!e.is_retryable());
    assert_eq!(e.retry_after(), None);

    let e = error_for(400, "400_context_length.json", &[]).await;
    assert_eq!(
        e.provider_error().unwrap().kind,
        ProviderErrorKind::ContextLength
    );
    assert!(!e.is_retryable());

    let e = error_for(401, "401_invalid_key.json", &[]).await;
    assert_eq!(e.provider_error().unwrap().kind, ProviderErrorKind::Auth);
    // the key the server echoed is not in the message, the body or Debug output
    let p = e.provider_error().unwrap();
    for shown in [e.to_string(), format!("{e:?}"), p.body.clone().unwrap()] {
        assert!(!shown.contains("AAAAAAAAAAAAAAAA"), "{shown}");
    }

    let e = error_for(500, "500_server.json", &[]).await;
    assert_eq!(e.provider_error().unwrap().kind, ProviderErrorKind::Server);
    assert!(e.is_retryable());

    let e = error_for(503, "503_overloaded.json", &[("retry-after-ms", "1500")]).await;
    assert_eq!(
        e.provider_error().unwrap().kind,
        ProviderErrorKind::Overloaded
    );
    assert_eq!(e.retry_after(), Some(Duration::from_millis(1500)));

    let e = error_for(400, "400_content_filter.json", &[]).await;
    assert_eq!(
        e.provider_error().unwrap().kind,
        ProviderErrorKind::ContentFilter
    );
    assert!(!e.is_retryable());
}

#[tokio::test]
async fn transport_failures_are_classified() {
    // nothing listens on this port
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let c = Client::builder()
        .provider(OpenAi::compatible(format!("http://127.0.0.1:{port}/v1")))
        .build()
        .unwrap();
    let e = c
        .chat(ChatRequest::new("openai/m").user("x"))
        .await
        .unwrap_err();
    assert_eq!(e.class().as_str(), "network", "{e}");
    assert!(e.is_retryable());

    // a 200 whose body is not a chat completion
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>proxy</html>"))
        .mount(&server)
        .await;
    let (c, _) = client(&server);
    let e = c
        .chat(ChatRequest::new("openai/m").user("x"))
        .await
        .unwrap_err();
    assert_eq!(e.class().as_str(), "decode");
}

#[tokio::test]
async fn lenient_parsing_of_real_world_servers() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("lenient_response.json")))
        .mount(&server)
        .await;
    let (c, _) = client(&server);
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
    // unknown finish reasons are kept
    let server = MockServer::start().await;
    let body = fixture("chat_response.json").replace(
        "\"finish_reason\": \"stop\"",
        "\"finish_reason\": \"eos_token\"",
    );
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
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
}

#[tokio::test]
async fn azure_deployments_use_the_deployment_url_and_api_key_header() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/openai/deployments/prod-gpt4o/chat/completions"))
        .and(query_param("api-version", "2024-10-21"))
        .and(header("api-key", "azure-key"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("chat_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let c = Client::builder()
        .provider(OpenAi::azure(
            server.uri(),
            "2024-10-21",
            ApiKey::new("azure-key"),
        ))
        .deployment(Deployment::new("eu-chat", "azure", "prod-gpt4o"))
        .build()
        .unwrap();
    let r = c
        .chat(ChatRequest::new("eu-chat").user("Hello!"))
        .await
        .unwrap();
    assert_eq!(r.meta.deployment.as_deref(), Some("eu-chat"));
}

#[tokio::test]
async fn a_deployment_overrides_endpoint_and_key() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/replica/v1/chat/completions"))
        .and(header("authorization", "Bearer replica-key"))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("chat_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let c = Client::builder()
        .provider(OpenAi::compatible("http://127.0.0.1:9/v1"))
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
async fn embeddings_are_batched_and_ordered_by_index() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(body_json(json!({"model": "text-embedding-3-small", "input": ["a", "b"], "encoding_format": "float", "dimensions": 3})))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("embeddings_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    // with_dims(3) on a 1536-dimension model asks the server for 3 dimensions
    let e = OpenAi::compatible(format!("{}/v1", server.uri()))
        .embedder("text-embedding-3-small")
        .with_dims(3);
    assert_eq!(e.dims(), 3);
    assert_eq!(e.embed(&["a", "b"]).await.unwrap().len(), 2);
    let server2 = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/embeddings"))
        .and(body_json(
            json!({"model": "custom-embed", "input": ["a", "b"], "encoding_format": "float"}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("embeddings_response.json")),
        )
        .expect(2)
        .mount(&server2)
        .await;
    let e = OpenAi::compatible(format!("{}/v1", server2.uri()))
        .embedder("custom-embed")
        .with_dims(3)
        .batch_size(2);
    let v = e.embed(&["a", "b", "a", "b"]).await.unwrap();
    assert_eq!(v.len(), 4);
    assert_eq!(v[0], vec![0.1, 0.2, 0.3]);
    assert_eq!(v[1], vec![0.4, 0.5, 0.6]);
    assert_eq!(v[2], vec![0.1, 0.2, 0.3]);
    // an unknown model without dims is a configuration error, not a panic
    let e = OpenAi::compatible("http://127.0.0.1:9/v1").embedder("mystery");
    assert!(matches!(e.embed(&["x"]).await, Err(Error::Config(_))));
    drop(server);
}

#[tokio::test]
async fn images_tool_choice_and_response_format_on_the_wire() {
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
            "response_format": {"type": "json_schema", "json_schema": {"name": "answer", "schema": {"type": "object"}, "strict": true}},
            "reasoning_effort": "low"
        })))
        .respond_with(ResponseTemplate::new(200).set_body_string(fixture("chat_response.json")))
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
    let req = ChatRequest::new("openai/gpt-4.1-mini")
        .user_parts(vec![
            ContentPart::text("What is this?"),
            ContentPart::image_base64("image/png", "iVBORw0KGgo="),
            img,
        ])
        .tool(tool)
        .tool_choice(ToolChoice::Tool { name: "f".into() })
        .stop("END")
        .top_p(0.5)
        .response_format(ResponseFormat::JsonSchema {
            name: "answer".into(),
            schema: json!({"type": "object"}),
            strict: Some(true),
        })
        .param("reasoning_effort", json!("low"));
    c.chat(req).await.unwrap();
}

#[test]
fn from_env_without_configuration_is_a_typed_error() {
    // only meaningful when the variables are unset in the test environment
    if std::env::var("OPENAI_API_KEY").is_err() && std::env::var("OPENAI_BASE_URL").is_err() {
        assert!(
            matches!(OpenAi::from_env(), Err(Error::Config(m)) if m.contains("OPENAI_API_KEY"))
        );
    }
}
