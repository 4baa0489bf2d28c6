//! The tool loop over the recorded OpenAI wire format on a local HTTP server.

use wiremock::matchers::{body_json, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use super::*;

fn fixture(name: &str) -> String {
    crate::support::fixture("openai", name)
}

/// The documented `get_current_weather` tool, hand-written to match the fixture exactly.
struct CurrentWeather(ToolSpec);

#[async_trait]
impl Tool for CurrentWeather {
    fn spec(&self) -> &ToolSpec {
        &self.0
    }
    async fn call(&self, args: Value, _cx: &ToolCx) -> Result<Value> {
        assert_eq!(args, json!({"location": "Boston, MA"}));
        Ok(Value::String(
            r#"{"temperature": 22, "unit": "celsius"}"#.into(),
        ))
    }
}

fn current_weather() -> CurrentWeather {
    CurrentWeather(ToolSpec::new(
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
    ))
}

fn json_reply(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "application/json")
}

#[tokio::test]
async fn the_loop_speaks_the_recorded_openai_tool_call_round_trip() {
    let server = MockServer::start().await;
    let as_json = |n: &str| serde_json::from_str::<Value>(&fixture(n)).unwrap();
    // turn 1: the documented request with `tool_choice: auto` → the documented tool call
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_json(as_json("tools_request.json")))
        .respond_with(json_reply(fixture("tools_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    // turn 2: the assistant turn as it came, the tool result, no forced tool choice
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_json(as_json("tool_result_request.json")))
        .respond_with(json_reply(fixture("chat_response.json")))
        .expect(1)
        .mount(&server)
        .await;
    let p = OpenAi::compatible(format!("{}/v1", server.uri()))
        .api_key(ApiKey::new("sk-test-key-0000000000000000000000"));
    let (c, records) = crate::support::client_with(p);
    let out = ToolLoop::new(Toolbox::new().with(current_weather()).unwrap())
        .run(
            &c,
            ChatRequest::new("openai/gpt-4.1-mini")
                .user("What's the weather like in Boston today?")
                .tool_choice(ToolChoice::Auto),
        )
        .await
        .unwrap();
    assert!(out.is_answered());
    assert_eq!(out.response.text(), "Hello! How can I assist you today?");
    assert_eq!(out.tool_calls[0].id, "call_abc123");
    assert!(out.tool_calls[0].ok);
    assert_eq!(out.usage.input_tokens, 82 + 19);
    let recs = records.records();
    assert_eq!(recs.len(), 2);
    assert_eq!(recs[1].tool_calls[0].name, "get_current_weather");
    server.verify().await;
}
