//! The Anthropic Messages provider against a local HTTP server replaying documented wire
//! formats (`tests/fixtures/anthropic/`, sources in its README). Every request body is
//! compared with its expected-request fixture as JSON, so drift in what we send fails.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use llmops_core::*;
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const KEY: &str = "sk-ant-api03-test-key-LEAKCHECK-000000000000";
const MODEL: &str = "anthropic/claude-sonnet-4-5";

fn fixture(name: &str) -> String {
    super::support::fixture("anthropic", name)
}

fn json_fixture(name: &str) -> Value {
    serde_json::from_str(&fixture(name)).unwrap()
}

/// A 200 answer with a JSON fixture as body.
fn json_reply(name: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(fixture(name).into_bytes(), "application/json")
}

fn provider(server: &MockServer) -> Anthropic {
    Anthropic::new(ApiKey::new(KEY)).base_url(server.uri())
}

fn client_with(p: Anthropic) -> (Client, MemoryObserver) {
    super::support::client_with(p)
}

fn client(server: &MockServer) -> (Client, MemoryObserver) {
    client_with(provider(server))
}

/// Answers every `POST /v1/messages` with `reply`.
async fn serve(server: &MockServer, reply: ResponseTemplate) {
    Mock::given(method("POST"))
        .and(path("/v1/messages"))
        .respond_with(reply)
        .mount(server)
        .await;
}

async fn sent(server: &MockServer) -> Vec<Request> {
    server.received_requests().await.unwrap()
}

fn body_of(r: &Request) -> Value {
    serde_json::from_slice(&r.body).unwrap()
}

fn header_of<'a>(r: &'a Request, name: &str) -> Option<&'a str> {
    r.headers.get(name).and_then(|v| v.to_str().ok())
}

async fn collect(mut s: ResponseStream) -> Vec<Result<StreamEvent>> {
    let mut out = Vec::new();
    while let Some(ev) = s.next().await {
        out.push(ev);
    }
    out
}

fn text_of(events: &[Result<StreamEvent>]) -> String {
    events
        .iter()
        .filter_map(|e| match e {
            Ok(StreamEvent::Delta { text }) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

fn get_weather(with_unit: bool) -> ToolSpec {
    let mut props = json!({"location": {"type": "string", "description": "The city and state, e.g. San Francisco, CA"}});
    if with_unit {
        props["unit"] = json!({"type": "string", "enum": ["celsius", "fahrenheit"], "description": "The unit of temperature, either \"celsius\" or \"fahrenheit\""});
    }
    ToolSpec::new(
        "get_weather",
        "Get the current weather in a given location",
        json!({"type": "object", "properties": props, "required": ["location"]}),
    )
}

#[tokio::test]
async fn messages_request_headers_and_response() {
    let server = MockServer::start().await;
    serve(&server, json_reply("messages_response.json")).await;
    let (c, obs) = client(&server);
    let r = c
        .chat(
            ChatRequest::new(MODEL)
                .user("Hello, world")
                .max_tokens(1024),
        )
        .await
        .unwrap();

    let reqs = sent(&server).await;
    assert_eq!(reqs.len(), 1);
    assert_eq!(body_of(&reqs[0]), json_fixture("messages_request.json"));
    assert_eq!(header_of(&reqs[0], "x-api-key"), Some(KEY));
    assert_eq!(header_of(&reqs[0], "anthropic-version"), Some("2023-06-01"));
    assert_eq!(
        header_of(&reqs[0], "content-type"),
        Some("application/json")
    );
    assert_eq!(header_of(&reqs[0], "anthropic-beta"), None);

    assert_eq!(r.text(), "Hi! My name is Claude.");
    assert_eq!(r.id.as_deref(), Some("msg_013Zva2CMHLNnXjNJJKqJ2EF"));
    assert_eq!(r.finish_reason, Some(FinishReason::Stop));
    assert_eq!(r.usage, Usage::new(2095, 503));
    assert_eq!(
        r.meta.model_answered.as_deref(),
        Some("claude-3-7-sonnet-20250219")
    );
    assert_eq!(r.meta.provider, "anthropic");
    let rec = obs.records().pop().unwrap();
    assert_eq!(rec.outcome, Outcome::Completed);
    assert_eq!(rec.usage_source, UsageSource::Provider);
    assert_eq!(rec.usage, Usage::new(2095, 503));
}

#[tokio::test]
async fn prompt_caching_markers_on_tools_system_and_messages_with_cache_usage() {
    let server = MockServer::start().await;
    serve(&server, json_reply("messages_full_response.json")).await;
    // max_tokens comes from the provider default here, not the request
    let (c, obs) = client_with(provider(&server).default_max_tokens(1024));
    let search = ToolSpec::new(
        "search_documents",
        "Search through the knowledge base",
        json!({"type": "object", "properties": {"query": {"type": "string", "description": "Search query"}}, "required": ["query"]}),
    );
    let mut get_doc = ToolSpec::new(
        "get_document",
        "Retrieve a specific document by ID",
        json!({"type": "object", "properties": {"doc_id": {"type": "string", "description": "Document ID"}}, "required": ["doc_id"]}),
    );
    get_doc.cache_control = Some(CacheControl::ephemeral());
    let instructions = "You are a helpful research assistant with access to a document knowledge base.\n\n# Instructions\n- Always search for relevant documents before answering\n- Provide citations for your sources\n- Be objective and accurate in your responses\n- If multiple documents contain relevant information, synthesize them\n- Acknowledge when information is not available in the knowledge base";
    let knowledge = "# Knowledge Base Context\n\nHere are the relevant documents for this conversation:\n\n## Document 1: Solar System Overview\nThe solar system consists of the Sun and all objects that orbit it...\n\n## Document 2: Planetary Characteristics\nEach planet has unique features. Mercury is the smallest planet...\n\n## Document 3: Mars Exploration\nMars has been a target of exploration for decades...\n\n[Additional documents...]";
    let req = ChatRequest::new(MODEL)
        .tool(search)
        .tool(get_doc)
        .message(Message::system(instructions).cached())
        .message(Message::system(knowledge).cached())
        .user("Can you search for information about Mars rovers?")
        .message(Message::assistant_tool_calls(
            "",
            vec![ToolCall::new(
                "tool_1",
                "search_documents",
                r#"{"query": "Mars rovers"}"#,
            )],
        ))
        .message(Message::tool_result(
            "tool_1",
            "Found 3 relevant documents: Document 3 (Mars Exploration), Document 7 (Rover Technology), Document 9 (Mission History)",
        ))
        .assistant("I found 3 relevant documents about Mars rovers. Let me get more details from the Mars Exploration document.")
        .message(Message::user("Yes, please tell me about the Perseverance rover specifically.").cached());
    let r = c.chat(req).await.unwrap();

    let reqs = sent(&server).await;
    assert_eq!(
        body_of(&reqs[0]),
        json_fixture("cache_breakpoints_request.json")
    );
    // input includes what was read from and written to the cache; both are reported apart
    let want = Usage::new(2095 + 2051 + 2051, 503).with_cache(2051, 2051);
    assert_eq!(r.usage, want);
    assert_eq!(obs.records().pop().unwrap().usage, want);
    // the reference response's extra fields (citations, container, stop_details, diagnostics,
    // server_tool_use ...) are ignored
    assert_eq!(r.text(), "Hi! My name is Claude.");
    assert_eq!(r.meta.model_answered.as_deref(), Some("claude-opus-5"));
    assert_eq!(r.finish_reason, Some(FinishReason::Stop));
}

#[tokio::test]
async fn tool_use_round_trip() {
    let server = MockServer::start().await;
    serve(&server, json_reply("tool_use_response.json")).await;
    let (c, _) = client(&server);
    let ask = || {
        ChatRequest::new(MODEL)
            .tool(get_weather(true))
            .user("What is the weather like in San Francisco?")
            .max_tokens(1024)
    };
    let r = c.chat(ask()).await.unwrap();
    assert_eq!(
        body_of(&sent(&server).await[0]),
        json_fixture("tool_use_request.json")
    );
    assert_eq!(r.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(
        r.text(),
        "I'll check the current weather in San Francisco for you."
    );
    let call = r.tool_calls()[0].clone();
    assert_eq!(
        (call.id.as_str(), call.name.as_str()),
        ("toolu_01A09q90qw90lq917835lq9", "get_weather")
    );
    assert_eq!(
        call.args().unwrap(),
        json!({"location": "San Francisco, CA", "unit": "celsius"})
    );
    assert_eq!(
        r.usage,
        Usage::default(),
        "the documented example has no usage"
    );

    server.reset().await;
    serve(&server, json_reply("tool_result_response.json")).await;
    let r2 = c
        .chat(
            ask()
                .message(r.message.clone())
                .message(Message::tool_result(&call.id, "15 degrees")),
        )
        .await
        .unwrap();
    assert_eq!(
        body_of(&sent(&server).await[0]),
        json_fixture("tool_result_request.json")
    );
    assert!(
        r2.text()
            .starts_with("The current weather in San Francisco is 15 degrees")
    );
    assert_eq!(r2.finish_reason, Some(FinishReason::Stop));
    assert!(r2.tool_calls().is_empty());
}

#[tokio::test]
async fn parallel_tool_results_merge_into_one_user_turn() {
    let server = MockServer::start().await;
    serve(&server, json_reply("messages_response.json")).await;
    let (c, _) = client(&server);
    let get_time = ToolSpec::new(
        "get_time",
        "Get the current time in a given timezone",
        json!({"type": "object", "properties": {"timezone": {"type": "string", "description": "The timezone, e.g. America/New_York"}}, "required": ["timezone"]}),
    );
    let calls = vec![
        ToolCall::new(
            "toolu_01",
            "get_weather",
            r#"{"location": "San Francisco, CA"}"#,
        ),
        ToolCall::new("toolu_02", "get_weather", r#"{"location": "New York, NY"}"#),
        ToolCall::new(
            "toolu_03",
            "get_time",
            r#"{"timezone": "America/Los_Angeles"}"#,
        ),
        ToolCall::new(
            "toolu_04",
            "get_time",
            r#"{"timezone": "America/New_York"}"#,
        ),
    ];
    let req = ChatRequest::new(MODEL)
        .max_tokens(1024)
        .tool(get_weather(false))
        .tool(get_time)
        .user("What's the weather in SF and NYC, and what time is it there?")
        .message(Message::assistant_tool_calls(
            "I'll check the weather and time for both San Francisco and New York City.",
            calls,
        ))
        .message(Message::tool_result(
            "toolu_01",
            "San Francisco: 68°F, partly cloudy",
        ))
        .message(Message::tool_result(
            "toolu_02",
            "New York: 45°F, clear skies",
        ))
        .message(Message::tool_result(
            "toolu_03",
            "San Francisco time: 2:30 PM PST",
        ))
        .message(Message::tool_result(
            "toolu_04",
            "New York time: 5:30 PM EST",
        ));
    c.chat(req).await.unwrap();
    assert_eq!(
        body_of(&sent(&server).await[0]),
        json_fixture("parallel_tool_results_request.json")
    );
}

#[tokio::test]
async fn streaming_text_event_sequence() {
    let server = MockServer::start().await;
    serve(&server, super::support::sse(&fixture("stream_text.sse"))).await;
    let (c, obs) = client(&server);
    let s = c
        .chat_stream(ChatRequest::new(MODEL).user("Hello").max_tokens(256))
        .await
        .unwrap();
    let events = collect(s).await;
    assert_eq!(
        body_of(&sent(&server).await[0]),
        json_fixture("stream_text_request.json")
    );
    assert!(events.iter().all(Result::is_ok), "{events:?}");
    assert!(matches!(
        &events[0],
        Ok(StreamEvent::Start { id: Some(id), model: Some(m) })
            if id == "msg_1nZdL29xx5MUA1yADyHTEsnR8uuvGzszyY" && m == "claude-sonnet-4-5-20250929"
    ));
    assert_eq!(text_of(&events), "Hello!");
    assert!(matches!(
        events.last(),
        Some(Ok(StreamEvent::Finish {
            reason: FinishReason::Stop
        }))
    ));
    let rec = obs.records().pop().unwrap();
    assert_eq!(rec.outcome, Outcome::Completed);
    assert_eq!(rec.usage, Usage::new(25, 15));
    assert_eq!(rec.usage_source, UsageSource::Provider);
    assert_eq!(
        rec.model_answered.as_deref(),
        Some("claude-sonnet-4-5-20250929")
    );
}

#[tokio::test]
async fn streaming_tool_use_reassembles_input_json_deltas() {
    let server = MockServer::start().await;
    serve(
        &server,
        super::support::sse(&fixture("stream_tool_use.sse")),
    )
    .await;
    let (c, _) = client(&server);
    let r = c
        .chat_stream(
            ChatRequest::new(MODEL)
                .max_tokens(1024)
                .tool(get_weather(false))
                .tool_choice(ToolChoice::Required)
                .user("What is the weather like in San Francisco?"),
        )
        .await
        .unwrap()
        .into_response()
        .await
        .unwrap();
    assert_eq!(
        body_of(&sent(&server).await[0]),
        json_fixture("stream_tool_use_request.json")
    );
    assert_eq!(
        r.text(),
        "Okay, let's check the weather for San Francisco, CA:"
    );
    assert_eq!(r.finish_reason, Some(FinishReason::ToolCalls));
    assert_eq!(r.tool_calls().len(), 1);
    let call = &r.tool_calls()[0];
    assert_eq!(
        (call.id.as_str(), call.name.as_str()),
        ("toolu_01T1x1fJ34qAmk2tNTrN7Up6", "get_weather")
    );
    assert_eq!(
        call.args().unwrap(),
        json!({"location": "San Francisco, CA", "unit": "fahrenheit"})
    );
    assert_eq!(r.usage, Usage::new(472, 89));
}

#[tokio::test]
async fn streaming_thinking_with_extra_params() {
    let server = MockServer::start().await;
    serve(
        &server,
        super::support::sse(&fixture("stream_thinking.sse")),
    )
    .await;
    let (c, obs) = client(&server);
    let s = c
        .chat_stream(
            ChatRequest::new(MODEL)
                .max_tokens(20000)
                .param(
                    "thinking",
                    json!({"type": "enabled", "budget_tokens": 16000}),
                )
                .user("What is 27 * 453?"),
        )
        .await
        .unwrap();
    let events = collect(s).await;
    assert_eq!(
        body_of(&sent(&server).await[0]),
        json_fixture("stream_thinking_request.json")
    );
    let reasoning: String = events
        .iter()
        .filter_map(|e| match e {
            Ok(StreamEvent::ReasoningDelta { text }) => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert!(reasoning.contains("10,800 + 1,350 + 81 = 12,231"));
    assert_eq!(
        text_of(&events),
        "27 * 453 = 12,231",
        "thinking is not answer text"
    );
    assert_eq!(obs.records().pop().unwrap().outcome, Outcome::Completed);
}

#[tokio::test]
async fn server_tools_from_extra_stream_without_client_tool_calls() {
    let server = MockServer::start().await;
    serve(
        &server,
        super::support::sse(&fixture("stream_web_search.sse")),
    )
    .await;
    let (c, _) = client(&server);
    let r = c
        .chat_stream(
            ChatRequest::new(MODEL)
                .max_tokens(1024)
                .param(
                    "tools",
                    json!([{"type": "web_search_20250305", "name": "web_search", "max_uses": 5}]),
                )
                .user("What is the weather like in New York City today?"),
        )
        .await
        .unwrap()
        .into_response()
        .await
        .unwrap();
    assert_eq!(
        body_of(&sent(&server).await[0]),
        json_fixture("stream_web_search_request.json")
    );
    assert!(
        r.tool_calls().is_empty(),
        "server tool input is not a client call"
    );
    assert!(
        r.text()
            .starts_with("I'll check the current weather in New York City for you.Here's")
    );
    // message_delta's cumulative usage (with the search's input) replaces message_start's
    assert_eq!(r.usage, Usage::new(10682, 510));
}

#[tokio::test]
async fn an_error_event_mid_stream_fails_the_stream_and_keeps_input_usage() {
    let server = MockServer::start().await;
    serve(&server, super::support::sse(&fixture("stream_error.sse"))).await;
    let (c, obs) = client(&server);
    let s = c
        .chat_stream(ChatRequest::new(MODEL).user("Hello"))
        .await
        .unwrap();
    let events = collect(s).await;
    assert_eq!(text_of(&events), "Hello");
    let e = events.last().unwrap().as_ref().unwrap_err();
    let pe = e.provider_error().unwrap();
    assert_eq!(pe.kind, ProviderErrorKind::Overloaded);
    assert_eq!(pe.code.as_deref(), Some("overloaded_error"));
    assert!(e.is_retryable());
    let rec = obs.records().pop().unwrap();
    assert!(
        matches!(&rec.outcome, Outcome::Failed { error, .. } if error.as_str() == "overloaded"),
        "{:?}",
        rec.outcome
    );
    assert_eq!(
        rec.usage.input_tokens, 25,
        "input usage from message_start is kept"
    );
}

#[tokio::test]
async fn a_connection_cut_mid_stream_is_a_network_error_with_input_usage_kept() {
    let partial = fixture("stream_text.sse")
        .split("event: content_block_stop")
        .next()
        .unwrap()
        .to_owned();
    let base = super::support::cutting_server(partial).await;
    let (c, obs) = client_with(Anthropic::new(ApiKey::new(KEY)).base_url(base));
    let s = c
        .chat_stream(ChatRequest::new(MODEL).user("Hello"))
        .await
        .unwrap();
    let events = collect(s).await;
    assert_eq!(text_of(&events), "Hello!");
    let e = events.last().unwrap().as_ref().unwrap_err();
    assert_eq!(e.provider_error().unwrap().kind, ProviderErrorKind::Network);
    assert!(e.is_retryable());
    let rec = obs.records().pop().unwrap();
    assert!(
        matches!(&rec.outcome, Outcome::Failed { error, .. } if error.as_str() == "network"),
        "{:?}",
        rec.outcome
    );
    assert_eq!(rec.usage.input_tokens, 25);
}

#[tokio::test]
async fn a_stream_request_answered_in_full_is_still_a_stream() {
    let server = MockServer::start().await;
    serve(&server, json_reply("messages_response.json")).await;
    let (c, _) = client(&server);
    let events = collect(
        c.chat_stream(ChatRequest::new(MODEL).user("Hello, world"))
            .await
            .unwrap(),
    )
    .await;
    assert_eq!(text_of(&events), "Hi! My name is Claude.");
}

async fn error_for(status: u16, file: &str, headers: &[(&str, &str)]) -> Error {
    let server = MockServer::start().await;
    let mut t = ResponseTemplate::new(status).set_body_raw(
        fixture(&format!("errors/{file}")).into_bytes(),
        "application/json",
    );
    for (k, v) in headers {
        t = t.insert_header(*k, *v);
    }
    serve(&server, t).await;
    let (c, obs) = client(&server);
    let e = c.chat(ChatRequest::new(MODEL).user("x")).await.unwrap_err();
    let rec = obs.records().pop().unwrap();
    assert!(matches!(&rec.outcome, Outcome::Failed { error, .. } if *error == e.class()));
    e
}

#[tokio::test]
async fn error_bodies_are_classified_for_routing() {
    use ProviderErrorKind as K;
    // (status, fixture, kind, retryable, retry-after sent); retry_after() honours the header
    // only for retryable kinds
    #[rustfmt::skip]
    let cases: [(u16, &str, K, bool, Option<u64>); 8] = [
        (400, "400_prompt_too_long.json", K::ContextLength, false, None),
        (400, "400_credit_balance.json", K::QuotaExhausted, false, Some(30)),
        (401, "401_authentication.json", K::Auth, false, None),
        (404, "404_not_found.json", K::BadRequest, false, None),
        (413, "413_request_too_large.json", K::ContextLength, false, None),
        (429, "429_rate_limit.json", K::RateLimited, true, Some(17)),
        (500, "500_api_error.json", K::Server, true, None),
        (529, "529_overloaded.json", K::Overloaded, true, Some(2)),
    ];
    for (status, file, kind, retryable, header) in cases {
        let value = header.map(|h| h.to_string());
        let headers: Vec<(&str, &str)> = value
            .as_deref()
            .map(|v| ("retry-after", v))
            .into_iter()
            .collect();
        let e = error_for(status, file, &headers).await;
        let pe = e.provider_error().unwrap();
        assert_eq!(pe.kind, kind, "{file}");
        assert_eq!(pe.status, Some(status), "{file}");
        assert_eq!(e.is_retryable(), retryable, "{file}");
        let after = header.filter(|_| retryable).map(Duration::from_secs);
        assert_eq!(e.retry_after(), after, "{file}");
        assert!(
            pe.body.as_deref().is_some_and(|b| b.contains("\"error\"")),
            "{file}"
        );
        assert!(!pe.message.is_empty(), "{file}");
    }
    let e = error_for(400, "400_prompt_too_long.json", &[]).await;
    assert_eq!(
        e.provider_error().unwrap().message,
        "prompt is too long: 200251 tokens > 200000 maximum"
    );
}

#[tokio::test]
async fn transport_and_decode_failures_are_classified() {
    // nothing listens on port 1
    let (c, _) = client_with(Anthropic::new(ApiKey::new(KEY)).base_url("http://127.0.0.1:1"));
    let e = c.chat(ChatRequest::new(MODEL).user("x")).await.unwrap_err();
    assert_eq!(e.provider_error().unwrap().kind, ProviderErrorKind::Network);
    assert!(!format!("{e} {e:?}").contains("LEAKCHECK"));

    let server = MockServer::start().await;
    serve(
        &server,
        ResponseTemplate::new(200).set_body_raw(b"<html>maintenance</html>".to_vec(), "text/html"),
    )
    .await;
    let (c, _) = client(&server);
    let e = c.chat(ChatRequest::new(MODEL).user("x")).await.unwrap_err();
    assert_eq!(e.provider_error().unwrap().kind, ProviderErrorKind::Decode);
}

#[tokio::test]
async fn what_the_api_cannot_express_is_refused_before_sending() {
    let server = MockServer::start().await;
    let (c, obs) = client(&server);
    let refused = [
        ChatRequest::new(MODEL).user("x").seed(1),
        ChatRequest::new(MODEL)
            .user("x")
            .response_format(ResponseFormat::JsonObject),
        ChatRequest::new(MODEL)
            .user("x")
            .message(Message::assistant_tool_calls(
                "",
                vec![ToolCall::new("t1", "f", "{not json")],
            )),
        ChatRequest::new(MODEL)
            .user("x")
            .temperature(0.2)
            .param("temperature", json!(1.0)),
    ];
    for req in refused {
        let e = c.chat(req).await.unwrap_err();
        assert!(matches!(e, Error::InvalidRequest(_)), "{e}");
        assert!(!e.is_retryable());
    }
    assert_eq!(obs.len(), 4);
    assert!(
        obs.records()
            .iter()
            .all(|r| matches!(&r.outcome, Outcome::Failed { error, .. } if error.as_str() == "invalid_request"))
    );
    assert!(sent(&server).await.is_empty());
}

#[tokio::test]
async fn a_default_seed_is_ignored_and_json_schema_goes_to_output_config() {
    let server = MockServer::start().await;
    serve(&server, json_reply("messages_response.json")).await;
    let mut defaults = Params::default();
    defaults.seed = Some(42);
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(provider(&server))
        .default_params(defaults)
        .observer(obs.clone())
        .build()
        .unwrap();
    let schema = json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"], "additionalProperties": false});
    c.chat(
        ChatRequest::new(MODEL)
            .user("Extract: Jane Doe")
            .response_format(ResponseFormat::JsonSchema {
                name: "contact".into(),
                schema: schema.clone(),
                strict: Some(true),
            }),
    )
    .await
    .unwrap();
    let body = body_of(&sent(&server).await[0]);
    assert!(body.get("seed").is_none());
    assert_eq!(
        body["output_config"],
        json!({"format": {"type": "json_schema", "schema": schema}})
    );
    assert_eq!(body["max_tokens"], json!(4096));
}

#[tokio::test]
async fn a_deployment_overrides_endpoint_and_key() {
    let default_server = MockServer::start().await;
    let eu = MockServer::start().await;
    serve(&eu, json_reply("messages_response.json")).await;
    let c = Client::builder()
        .provider(provider(&default_server))
        .deployment(
            Deployment::new("claude-eu", "anthropic", "claude-sonnet-4-5")
                .endpoint(format!("{}/v1", eu.uri()))
                .key(ApiKey::new("sk-ant-api03-eu-key-0000000000000000")),
        )
        .build()
        .unwrap();
    let r = c
        .chat(ChatRequest::new("claude-eu").user("Hello, world"))
        .await
        .unwrap();
    assert_eq!(r.meta.deployment.as_deref(), Some("claude-eu"));
    assert!(sent(&default_server).await.is_empty());
    let reqs = sent(&eu).await;
    assert_eq!(
        header_of(&reqs[0], "x-api-key"),
        Some("sk-ant-api03-eu-key-0000000000000000")
    );
    assert_eq!(body_of(&reqs[0])["model"], json!("claude-sonnet-4-5"));
}

#[tokio::test]
async fn betas_version_and_extra_headers() {
    let server = MockServer::start().await;
    serve(&server, json_reply("messages_response.json")).await;
    let (c, _) = client_with(
        provider(&server)
            .version("2023-01-01")
            .beta("context-1m-2025-08-07")
            .beta("interleaved-thinking-2025-05-14")
            .header("x-gateway-tenant", "acme")
            .named("claude"),
    );
    c.chat(ChatRequest::new("claude/claude-sonnet-4-5").user("hi"))
        .await
        .unwrap();
    let r = &sent(&server).await[0];
    assert_eq!(header_of(r, "anthropic-version"), Some("2023-01-01"));
    assert_eq!(
        header_of(r, "anthropic-beta"),
        Some("context-1m-2025-08-07,interleaved-thinking-2025-05-14")
    );
    assert_eq!(header_of(r, "x-gateway-tenant"), Some("acme"));
    assert_eq!(r.headers.get_all("x-api-key").iter().count(), 1);
}

#[tokio::test]
async fn configuration_problems_are_config_errors_at_the_first_call() {
    let server = MockServer::start().await;
    let (c, _) = client_with(provider(&server).header("x-api-key", "other"));
    let e = c.chat(ChatRequest::new(MODEL).user("x")).await.unwrap_err();
    assert!(
        matches!(&e, Error::Config(m) if m.contains("api_key(..)")),
        "{e}"
    );
    let (c, _) = client_with(provider(&server).version("bad\nversion"));
    let e = c.chat(ChatRequest::new(MODEL).user("x")).await.unwrap_err();
    assert!(matches!(e, Error::Config(_)), "{e}");
    assert!(sent(&server).await.is_empty());
}

#[tokio::test]
async fn lenient_parsing_of_unknown_blocks_stop_reasons_and_fields() {
    let server = MockServer::start().await;
    // synthetic: block types and a stop reason this version does not know, extra fields
    let body = json!({
        "id": "msg_x", "type": "message", "role": "assistant", "model": "claude-x",
        "content": [
            {"type": "thinking", "thinking": "hmm", "signature": "abc"},
            {"type": "server_tool_use", "id": "srvtoolu_1", "name": "web_search", "input": {"query": "q"}},
            {"type": "future_block", "payload": [1, 2]},
            {"type": "text", "text": "o", "citations": null},
            {"type": "text", "text": "k"}
        ],
        "stop_reason": "pause_turn_v2", "stop_details": null, "container": null,
        "usage": {"input_tokens": 1, "output_tokens": 2, "server_tool_use": {"web_search_requests": 1}, "future_counter": 3}
    });
    serve(&server, ResponseTemplate::new(200).set_body_json(body)).await;
    let (c, _) = client(&server);
    let r = c.chat(ChatRequest::new(MODEL).user("hi")).await.unwrap();
    assert_eq!(r.text(), "ok");
    assert!(r.tool_calls().is_empty());
    assert_eq!(
        r.finish_reason,
        Some(FinishReason::Other("pause_turn_v2".into()))
    );
    assert_eq!(r.usage, Usage::new(1, 2));

    for (reason, want) in [
        ("max_tokens", FinishReason::Length),
        ("stop_sequence", FinishReason::Stop),
        ("refusal", FinishReason::ContentFilter),
        ("pause_turn", FinishReason::Other("pause_turn".into())),
    ] {
        server.reset().await;
        serve(
            &server,
            ResponseTemplate::new(200).set_body_json(json!({"content": [], "stop_reason": reason})),
        )
        .await;
        let r = c.chat(ChatRequest::new(MODEL).user("hi")).await.unwrap();
        assert_eq!(r.finish_reason, Some(want), "{reason}");
    }
}

/// Collects every span and event field that `tracing` sees.
#[derive(Clone, Default)]
struct Capture(Arc<Mutex<String>>);

struct Fields<'a>(&'a mut String);

impl tracing::field::Visit for Fields<'_> {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        use std::fmt::Write;
        let _ = write!(self.0, "{}={value:?} ", field.name());
    }
}

impl tracing::Subscriber for Capture {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let mut s = self.0.lock().unwrap();
        s.push_str(span.metadata().name());
        s.push(' ');
        span.record(&mut Fields(&mut s));
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut Fields(&mut self.0.lock().unwrap()));
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut Fields(&mut self.0.lock().unwrap()));
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[test]
fn the_api_key_never_reaches_debug_output_errors_records_or_traces() {
    let capture = Capture::default();
    // With a single registered dispatcher, tracing caches a callsite's interest from the
    // default of whichever thread hits it first: spans first opened by a concurrent test would
    // stay disabled here. A second live dispatcher makes it consult every registered one.
    let _second = tracing::Dispatch::new(Capture::default());
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let seen = tracing::subscriber::with_default(capture.clone(), || {
        rt.block_on(async {
            let server = MockServer::start().await;
            serve(
                &server,
                ResponseTemplate::new(401).set_body_raw(
                    // a gateway that echoes the key it refused
                    format!(r#"{{"type":"error","error":{{"type":"authentication_error","message":"invalid x-api-key {KEY}"}}}}"#)
                        .into_bytes(),
                    "application/json",
                ),
            )
            .await;
            let p = provider(&server).header("x-gateway-token", KEY);
            let mut seen = format!("{p:?}");
            let (c, obs) = client_with(p);
            seen.push_str(&format!("{c:?}"));
            let e = c.chat(ChatRequest::new(MODEL).user("hi")).await.unwrap_err();
            assert_eq!(e.provider_error().unwrap().kind, ProviderErrorKind::Auth);
            seen.push_str(&format!("{e} {e:?} {:?}", e.provider_error().unwrap().body));
            for rec in obs.records() {
                seen.push_str(&serde_json::to_string(&rec).unwrap());
            }
            // the key did go out, once, in its header
            assert_eq!(header_of(&sent(&server).await[0], "x-api-key"), Some(KEY));
            seen
        })
    });
    let traces = capture.0.lock().unwrap().clone();
    assert!(
        traces.contains("anthropic"),
        "spans were captured: {traces}"
    );
    for text in [&seen, &traces] {
        assert!(!text.contains("LEAKCHECK"), "{text}");
    }
}
