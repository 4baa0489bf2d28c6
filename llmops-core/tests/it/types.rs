//! The shared types cover real traffic and round-trip through serde.

use llmops_core::*;
use proptest::prelude::*;
use serde_json::json;

fn full_request() -> ChatRequest {
    ChatRequest::new("anthropic/claude-sonnet-4-5")
        .message(Message::system("You are a support agent.").cached())
        .user_parts(vec![
            ContentPart::text("What is in this picture?"),
            ContentPart::image_url("https://example.com/cat.png"),
            ContentPart::image_base64("image/png", "iVBORw0KGgo=").cached(CacheControl::Ephemeral { ttl: Some("1h".into()) }),
        ])
        .message(Message::assistant_tool_calls(
            "",
            vec![ToolCall::new("call_1", "lookup_order", r#"{"order_id":"A-17"}"#)],
        ))
        .message(Message::tool_result("call_1", r#"{"status":"shipped"}"#))
        .tool(ToolSpec::new(
            "lookup_order",
            "Find an order",
            json!({"type":"object","properties":{"order_id":{"type":"string"}},"required":["order_id"]}),
        ))
        .tool_choice(ToolChoice::Tool { name: "lookup_order".into() })
        .temperature(0.3)
        .top_p(0.9)
        .max_tokens(512)
        .stop("\n\nHuman:")
        .seed(42)
        .response_format(ResponseFormat::JsonSchema {
            name: "answer".into(),
            schema: json!({"type":"object"}),
            strict: Some(true),
        })
        .param("top_k", json!(40))
        .caller(
            Caller::default()
                .tenant("acme")
                .user("u-1")
                .role("support")
                .group("emea")
                .api_key_id("key-7")
                .feature("support-reply")
                .conversation("conv-9")
                .tag("plan", "enterprise"),
        )
        .prompt("support-reply@production")
        .var("customer", "Ada")
        .timeout(std::time::Duration::from_millis(1500))
}

#[test]
fn request_round_trips() {
    let r = full_request();
    let json = serde_json::to_value(&r).unwrap();
    let back: ChatRequest = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(back, r);
    // the wire shape is readable and stable
    assert_eq!(json["messages"][0]["role"], "system");
    assert_eq!(
        json["messages"][0]["content"][0]["cache_control"]["type"],
        "ephemeral"
    );
    assert_eq!(json["messages"][1]["content"][1]["type"], "image");
    assert_eq!(json["messages"][3]["tool_call_id"], "call_1");
    assert_eq!(json["params"]["response_format"]["type"], "json_schema");
    assert_eq!(json["caller"]["tenant"], "acme");
    assert_eq!(json["timeout"], 1500.0);
}

#[test]
fn response_and_usage_round_trip() {
    let mut r = ChatResponse::new("hello")
        .with_usage(Usage::new(100, 20).with_cache(80, 10).with_reasoning(5))
        .with_tool_calls(vec![ToolCall::new("c", "f", "{}")]);
    r.id = Some("msg_1".into());
    r.meta.cost = Cost::Known(Money::usd_str("0.00042").unwrap());
    r.meta.prompt = Some(PromptVersionRef::new("support-reply", 3, "sha256:abc"));
    r.meta.cache = Some(CacheOutcome::Hit {
        kind: CacheKind::Semantic,
        similarity: Some(0.97),
    });
    let back: ChatResponse = serde_json::from_str(&serde_json::to_string(&r).unwrap()).unwrap();
    assert_eq!(back, r);
    assert_eq!(back.finish_reason, Some(FinishReason::ToolCalls));
}

#[test]
fn cheap_clones_share_messages() {
    let r = full_request();
    let c = r.clone();
    assert!(std::sync::Arc::ptr_eq(&r.messages, &c.messages));
    assert!(std::sync::Arc::ptr_eq(&r.caller, &c.caller));
}

#[test]
fn repeated_tool_names_are_not_doubled() {
    let mut a = Aggregator::default();
    for args in ["{\"a\":", "1}"] {
        a.push(&StreamEvent::ToolCallDelta {
            index: 0,
            id: Some("c".into()),
            name: Some("lookup".into()),
            args: args.into(),
        });
    }
    let r = a.finish();
    assert_eq!(r.tool_calls()[0].name, "lookup");
    assert_eq!(r.tool_calls()[0].arguments, "{\"a\":1}");
}

#[test]
fn tool_call_arguments_parse_on_use() {
    assert_eq!(ToolCall::new("a", "f", "").args().unwrap(), json!({}));
    assert!(ToolCall::new("a", "f", "{not json").args().is_err());
}

fn event() -> impl Strategy<Value = StreamEvent> {
    prop_oneof![
        "[a-z ]{0,8}".prop_map(StreamEvent::delta),
        (0usize..3, "[a-z:{}\"0-9]{0,6}").prop_map(|(index, args)| StreamEvent::ToolCallDelta {
            index,
            id: None,
            name: None,
            args
        }),
        (0u64..1000, 0u64..1000).prop_map(|(i, o)| StreamEvent::Usage {
            usage: Usage::new(i, o)
        }),
    ]
}

proptest! {
    /// However a reply is chunked, aggregation gives the same text and arguments.
    #[test]
    fn aggregation_is_chunking_invariant(events in proptest::collection::vec(event(), 0..30)) {
        let mut a = Aggregator::default();
        for e in &events { a.push(e); }
        let r = a.finish();
        let text: String = events.iter().filter_map(|e| match e { StreamEvent::Delta { text } => Some(text.as_str()), _ => None }).collect();
        prop_assert_eq!(r.text(), text);
        // events survive JSON
        for e in &events {
            let back: StreamEvent = serde_json::from_str(&serde_json::to_string(e).unwrap()).unwrap();
            prop_assert_eq!(&back, e);
        }
    }

    /// Full replies become events and back without loss.
    #[test]
    fn full_reply_events_round_trip(text in "[a-zA-Z .]{0,40}", i in 0u64..10_000, o in 0u64..10_000) {
        let r = ChatResponse::new(text.clone()).with_usage(Usage::new(i, o));
        let mut a = Aggregator::default();
        for e in llmops_core::stream::response_events(&r) { a.push(&e); }
        let back = a.finish();
        prop_assert_eq!(back.text(), text);
        if i > 0 || o > 0 { prop_assert_eq!(back.usage, r.usage); }
        prop_assert_eq!(back.finish_reason, r.finish_reason);
    }
}
