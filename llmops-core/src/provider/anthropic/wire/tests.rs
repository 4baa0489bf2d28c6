//! Unit tests of the request and response mapping.
use serde_json::json;

use super::*;
use crate::types::{Params, ToolSpec};

const OPTS: BodyOptions = BodyOptions {
    default_max_tokens: 4096,
    seed_is_default: false,
};

/// The body as sent: bytes (f32 parameters are written in their shortest form), parsed.
fn body(req: &ChatRequest) -> Result<Value> {
    let bytes = serde_json::to_vec(&MessagesBody::new(req, &req.model, OPTS)?)?;
    Ok(serde_json::from_slice(&bytes)?)
}

#[test]
fn defaults_system_string_and_sampling() {
    let req = ChatRequest::new("claude-x")
        .system("Be terse.")
        .user("hi")
        .temperature(0.5)
        .top_p(0.9)
        .stop("END");
    assert_eq!(
        body(&req).unwrap(),
        json!({
            "model": "claude-x", "max_tokens": 4096, "system": "Be terse.",
            "messages": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}],
            "temperature": 0.5, "top_p": 0.9, "stop_sequences": ["END"]
        })
    );
}

#[test]
fn several_system_messages_become_blocks_with_ttl() {
    let req = ChatRequest::new("m")
        .system("a")
        .message(Message::system("b").cached())
        .message(Message::with_parts(
            Role::System,
            vec![ContentPart::text("c").cached(CacheControl::Ephemeral {
                ttl: Some("1h".into()),
            })],
        ))
        .user("q");
    assert_eq!(
        body(&req).unwrap()["system"],
        json!([
            {"type": "text", "text": "a"},
            {"type": "text", "text": "b", "cache_control": {"type": "ephemeral"}},
            {"type": "text", "text": "c", "cache_control": {"type": "ephemeral", "ttl": "1h"}}
        ])
    );
}

#[test]
fn images_base64_url_and_data_url() {
    let req = ChatRequest::new("m").user_parts(vec![
        ContentPart::image_base64("image/jpeg", "/9j/4AAQSkZJRg..."),
        ContentPart::image_url("https://example.com/a.png").cached(CacheControl::ephemeral()),
        ContentPart::image_url("data:image/png;base64,iVBORw0KGgo="),
        ContentPart::text("What is in these images?"),
    ]);
    assert_eq!(
        body(&req).unwrap()["messages"][0]["content"],
        json!([
            {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQSkZJRg..."}},
            {"type": "image", "source": {"type": "url", "url": "https://example.com/a.png"}, "cache_control": {"type": "ephemeral"}},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
            {"type": "text", "text": "What is in these images?"}
        ])
    );
    let bad =
        ChatRequest::new("m").user_parts(vec![ContentPart::image_url("data:image/png,rawbytes")]);
    assert!(matches!(body(&bad), Err(Error::InvalidRequest(_))));
    let sys_image = ChatRequest::new("m")
        .message(Message::with_parts(
            Role::System,
            vec![ContentPart::image_url("https://x")],
        ))
        .user("q");
    assert!(matches!(body(&sys_image), Err(Error::InvalidRequest(_))));
}

#[test]
fn tool_results_with_images_errors_and_cache_markers() {
    let mut img = Message::with_parts(
        Role::Tool,
        vec![
            ContentPart::text("15 degrees"),
            ContentPart::image_base64("image/jpeg", "/9j/4AAQSkZJRg...")
                .cached(CacheControl::ephemeral()),
        ],
    );
    img.tool_call_id = Some("toolu_01A09q90qw90lq917835lq9".into());
    let mut failed = Message::tool_result("t2", "timeout").cached();
    failed.is_error = true;
    let mut empty = Message::with_parts(Role::Tool, vec![]);
    empty.tool_call_id = Some("t3".into());
    let req = ChatRequest::new("m")
        .user("q")
        .message(Message::assistant_tool_calls(
            "",
            vec![
                ToolCall::new("toolu_01A09q90qw90lq917835lq9", "f", "{}"),
                ToolCall::new("t2", "f", ""),
                ToolCall::new("t3", "f", "{\"a\":1}"),
            ],
        ))
        .message(img)
        .message(failed)
        .message(empty)
        .user("and now?");
    let b = body(&req).unwrap();
    assert_eq!(
        b["messages"][1]["content"],
        json!([
            {"type": "tool_use", "id": "toolu_01A09q90qw90lq917835lq9", "name": "f", "input": {}},
            {"type": "tool_use", "id": "t2", "name": "f", "input": {}},
            {"type": "tool_use", "id": "t3", "name": "f", "input": {"a": 1}}
        ])
    );
    assert_eq!(
        b["messages"][2]["content"],
        json!([
            {"type": "tool_result", "tool_use_id": "toolu_01A09q90qw90lq917835lq9", "content": [
                {"type": "text", "text": "15 degrees"},
                {"type": "image", "source": {"type": "base64", "media_type": "image/jpeg", "data": "/9j/4AAQSkZJRg..."}}
            ], "cache_control": {"type": "ephemeral"}},
            {"type": "tool_result", "tool_use_id": "t2", "content": "timeout", "is_error": true, "cache_control": {"type": "ephemeral"}},
            {"type": "tool_result", "tool_use_id": "t3"},
            {"type": "text", "text": "and now?"}
        ])
    );
    assert_eq!(b["messages"].as_array().unwrap().len(), 3);
}

#[test]
fn tool_results_move_before_text_in_a_merged_turn() {
    let req = ChatRequest::new("m")
        .user("q")
        .message(Message::assistant_tool_calls(
            "",
            vec![ToolCall::new("t1", "f", "{}")],
        ))
        .user("also this")
        .message(Message::tool_result("t1", "ok"));
    let b = body(&req).unwrap();
    assert_eq!(
        b["messages"][2]["content"],
        json!([
            {"type": "tool_result", "tool_use_id": "t1", "content": "ok"},
            {"type": "text", "text": "also this"}
        ])
    );
}

#[test]
fn invalid_conversations_are_typed_errors() {
    let bad_args = ChatRequest::new("m")
        .user("q")
        .message(Message::assistant_tool_calls(
            "",
            vec![ToolCall::new("t", "f", "{not json")],
        ));
    assert!(matches!(body(&bad_args), Err(Error::InvalidRequest(m)) if m.contains("not JSON")));
    let array_args = ChatRequest::new("m")
        .user("q")
        .message(Message::assistant_tool_calls(
            "",
            vec![ToolCall::new("t", "f", "[1]")],
        ));
    assert!(matches!(body(&array_args), Err(Error::InvalidRequest(_))));
    let no_id = ChatRequest::new("m")
        .user("q")
        .message(Message::new(Role::Tool, "x"));
    assert!(matches!(body(&no_id), Err(Error::InvalidRequest(_))));
    let only_system = ChatRequest::new("m").system("s");
    assert!(matches!(body(&only_system), Err(Error::InvalidRequest(_))));
    let empty_turn = ChatRequest::new("m").user("");
    assert!(matches!(body(&empty_turn), Err(Error::InvalidRequest(_))));
    let user_calls = ChatRequest::new("m").message(Message {
        tool_calls: vec![ToolCall::new("t", "f", "{}")],
        ..Message::user("q")
    });
    assert!(matches!(body(&user_calls), Err(Error::InvalidRequest(_))));
}

#[test]
fn tool_choice_parallel_and_strict() {
    let mut t = ToolSpec::new("f", "", json!({"type": "object"}));
    t.strict = Some(true);
    let mut req = ChatRequest::new("m")
        .user("q")
        .tool(t)
        .tool_choice(ToolChoice::Tool { name: "f".into() });
    req.params.parallel_tool_calls = Some(false);
    let b = body(&req).unwrap();
    assert_eq!(
        b["tool_choice"],
        json!({"type": "tool", "name": "f", "disable_parallel_tool_use": true})
    );
    assert_eq!(
        b["tools"],
        json!([{"name": "f", "input_schema": {"type": "object"}, "strict": true}])
    );
    let mut req = ChatRequest::new("m").user("q");
    req.params.parallel_tool_calls = Some(false);
    assert_eq!(
        body(&req).unwrap()["tool_choice"],
        json!({"type": "auto", "disable_parallel_tool_use": true})
    );
    let req = ChatRequest::new("m")
        .user("q")
        .tool_choice(ToolChoice::None);
    assert_eq!(body(&req).unwrap()["tool_choice"], json!({"type": "none"}));
    let req = ChatRequest::new("m")
        .user("q")
        .tool_choice(ToolChoice::Required);
    assert_eq!(body(&req).unwrap()["tool_choice"], json!({"type": "any"}));
}

#[test]
fn seed_response_format_and_extra() {
    let seeded = ChatRequest::new("m").user("q").seed(7);
    assert!(matches!(body(&seeded), Err(Error::InvalidRequest(m)) if m.contains("seed")));
    let ignored = MessagesBody::new(
        &seeded,
        "m",
        BodyOptions {
            seed_is_default: true,
            ..OPTS
        },
    )
    .unwrap();
    assert!(
        serde_json::to_value(ignored).unwrap().get("seed").is_none(),
        "a default seed is not sent"
    );

    let obj = ChatRequest::new("m")
        .user("q")
        .response_format(ResponseFormat::JsonObject);
    assert!(matches!(body(&obj), Err(Error::InvalidRequest(m)) if m.contains("json_object")));

    let schema = json!({"type": "object", "properties": {"name": {"type": "string"}}, "required": ["name"], "additionalProperties": false});
    let req = ChatRequest::new("m")
        .user("q")
        .response_format(ResponseFormat::JsonSchema {
            name: "contact".into(),
            schema: schema.clone(),
            strict: Some(true),
        })
        .param("output_config", json!({"effort": "low"}))
        .param("top_k", json!(5));
    let b = body(&req).unwrap();
    assert_eq!(
        b["output_config"],
        json!({"effort": "low", "format": {"type": "json_schema", "schema": schema}})
    );
    assert_eq!(b["top_k"], json!(5));

    let twice = ChatRequest::new("m")
        .user("q")
        .response_format(ResponseFormat::JsonSchema {
            name: "n".into(),
            schema: json!({}),
            strict: None,
        })
        .param("output_config", json!({"format": {}}));
    assert!(matches!(body(&twice), Err(Error::InvalidRequest(_))));

    let collide = ChatRequest::new("m")
        .user("q")
        .temperature(0.1)
        .param("temperature", json!(0.9));
    assert!(matches!(body(&collide), Err(Error::InvalidRequest(m)) if m.contains("temperature")));
    let stream = ChatRequest::new("m").user("q").param("stream", json!(true));
    assert!(matches!(body(&stream), Err(Error::InvalidRequest(_))));
    // a field llmops does not set passes through, even one it could set
    let mut p = Params::default();
    p.extra.insert(
        "tools".into(),
        json!([{"type": "web_search_20250305", "name": "web_search"}]),
    );
    let mut req = ChatRequest::new("m").user("q");
    req.params = p;
    assert_eq!(body(&req).unwrap()["tools"][0]["name"], json!("web_search"));
}

#[test]
fn usage_adds_cache_tokens_to_input_and_keeps_thinking() {
    let u: WireUsage = serde_json::from_value(json!({
        "input_tokens": 21, "cache_creation_input_tokens": 556, "cache_read_input_tokens": 188086,
        "output_tokens": 393, "output_tokens_details": {"thinking_tokens": 120},
        "cache_creation": {"ephemeral_5m_input_tokens": 456, "ephemeral_1h_input_tokens": 100}
    }))
    .unwrap();
    assert_eq!(
        u.to_usage(),
        Usage::new(21 + 556 + 188086, 393)
            .with_cache(188086, 556)
            .with_reasoning(120)
    );
    let mut acc: WireUsage =
        serde_json::from_value(json!({"input_tokens": 25, "output_tokens": 1})).unwrap();
    acc.update(
        &serde_json::from_value(json!({"output_tokens": 15, "input_tokens": null})).unwrap(),
    );
    assert_eq!(acc.to_usage(), Usage::new(25, 15));
}
