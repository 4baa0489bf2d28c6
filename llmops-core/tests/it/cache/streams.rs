//! Streams and the cache: recorded event for event and replayed, full and streamed answers
//! serving each other, broken streams never stored, the size bound.

use super::*;

/// A provider whose stream has every kind of event: start, reasoning, text, a tool call in
/// pieces, usage, finish.
struct Rich {
    calls: AtomicU64,
}

fn rich_events() -> Vec<StreamEvent> {
    vec![
        StreamEvent::Start {
            id: Some("resp_1".into()),
            model: Some("m-2025".into()),
        },
        StreamEvent::ReasoningDelta {
            text: "Think".into(),
        },
        StreamEvent::ReasoningDelta {
            text: "ing.".into(),
        },
        StreamEvent::delta("Let me "),
        StreamEvent::delta("check."),
        StreamEvent::ToolCallDelta {
            index: 0,
            id: Some("call_9".into()),
            name: Some("weather".into()),
            args: "{\"city\":".into(),
        },
        StreamEvent::ToolCallDelta {
            index: 0,
            id: None,
            name: None,
            args: "\"Oslo\"}".into(),
        },
        StreamEvent::Usage {
            usage: Usage::new(11, 7),
        },
        StreamEvent::Finish {
            reason: llmops_core::FinishReason::ToolCalls,
        },
    ]
}

#[async_trait]
impl Provider for Rich {
    fn name(&self) -> &str {
        "rich"
    }
    async fn chat(&self, req: &ChatRequest, _cx: &Exchange) -> Result<Reply> {
        self.calls.fetch_add(1, Ordering::Relaxed);
        let events = rich_events();
        if req.stream {
            Ok(Reply::Stream(Box::pin(futures_util::stream::iter(
                events.into_iter().map(Ok),
            ))))
        } else {
            Reply::Stream(Box::pin(futures_util::stream::iter(
                events.into_iter().map(Ok),
            )))
            .into_response()
            .await
            .map(Reply::Full)
        }
    }
}

async fn collect(c: &Client, r: ChatRequest) -> (Vec<StreamEvent>, Option<CacheOutcome>) {
    let mut s = c.chat_stream(r).await.unwrap();
    let mut out = Vec::new();
    while let Some(ev) = s.next().await {
        out.push(ev.unwrap());
    }
    (out, s.meta().and_then(|m| m.cache.clone()))
}

#[tokio::test]
async fn a_stream_is_recorded_and_replayed_event_for_event_and_serves_full_requests() {
    let cache = Cache::builder().build().unwrap();
    let p = Arc::new(Rich {
        calls: AtomicU64::new(0),
    });
    let c = Client::builder()
        .provider_arc(p.clone())
        .cache(cache.clone())
        .build()
        .unwrap();
    let r = ChatRequest::new("rich/m")
        .user("Weather in Oslo?")
        .temperature(0.0);
    let (first, o1) = collect(&c, r.clone()).await;
    assert_eq!(first, rich_events());
    assert_eq!(o1, Some(CacheOutcome::Miss));
    let (again, o2) = collect(&c, r.clone()).await;
    assert_eq!(
        again,
        rich_events(),
        "same events, reasoning and tool calls included"
    );
    assert_eq!(o2, hit(CacheKind::Exact));
    let full = c.chat(r).await.unwrap();
    assert_eq!(full.meta.cache, hit(CacheKind::Exact));
    assert_eq!(full.text(), "Let me check.");
    assert_eq!(
        full.tool_calls(),
        &[ToolCall::new("call_9", "weather", "{\"city\":\"Oslo\"}")]
    );
    assert_eq!(full.usage, Usage::new(11, 7));
    assert_eq!(full.meta.model_answered.as_deref(), Some("m-2025"));
    assert_eq!(p.calls.load(Ordering::Relaxed), 1);
}

#[tokio::test]
async fn a_full_answer_serves_a_stream_request() {
    let cache = Cache::builder().build().unwrap();
    let reply = ChatResponse::new("Oslo is cold.").with_usage(Usage::new(5, 4));
    let (c, _) = client(ScriptedProvider::new().reply_with(reply), &cache);
    let r = ChatRequest::new("scripted/m")
        .user("Weather?")
        .temperature(0.0);
    c.chat(r.clone()).await.unwrap();
    let (events, outcome) = collect(&c, r).await;
    assert_eq!(outcome, hit(CacheKind::Exact));
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Delta { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "Oslo is cold.");
    assert!(events.contains(&StreamEvent::Usage {
        usage: Usage::new(5, 4)
    }));
    assert!(matches!(events.last(), Some(StreamEvent::Finish { .. })));
}

/// Cuts the stream at its second text delta.
#[derive(Default)]
struct CutSecond(usize);
impl StreamTap for CutSecond {
    fn on_event(&mut self, ev: &mut StreamEvent) -> Tap {
        if let StreamEvent::Delta { .. } = ev {
            self.0 += 1;
            if self.0 == 2 {
                return Tap::Cut("no".into());
            }
        }
        Tap::Pass
    }
}

#[tokio::test]
async fn failed_cut_and_dropped_streams_are_never_stored() {
    let r = || {
        ChatRequest::new("scripted/m")
            .user("Tell me")
            .temperature(0.0)
    };
    // a provider error mid-stream
    let cache = Cache::builder().build().unwrap();
    let (c, _) = client(
        ScriptedProvider::new()
            .fail_mid_stream("one two three four", 2)
            .repeat("fresh"),
        &cache,
    );
    let mut s = c.chat_stream(r()).await.unwrap();
    let mut failed = false;
    while let Some(ev) = s.next().await {
        failed |= ev.is_err();
    }
    assert!(failed);
    let again = c.chat(r()).await.unwrap();
    assert_eq!(
        (again.text().as_str(), again.meta.cache),
        ("fresh", Some(CacheOutcome::Miss))
    );
    assert_eq!(cache.stats().not_stored, 1);

    // dropped by the caller after the first event
    let cache = Cache::builder().build().unwrap();
    let (c, _) = client(
        ScriptedProvider::new()
            .repeat("alpha beta gamma delta")
            .chunks(4),
        &cache,
    );
    let mut s = c.chat_stream(r()).await.unwrap();
    let _ = s.next().await;
    drop(s);
    assert_eq!(
        c.chat(r()).await.unwrap().meta.cache,
        Some(CacheOutcome::Miss)
    );
    assert_eq!(cache.stats().stored, 1, "only the complete second answer");

    // cut by a tap
    let cache = Cache::builder().build().unwrap();
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("safe secret text").chunks(3))
        .stream_tap(CutSecond::default)
        .cache(cache.clone())
        .build()
        .unwrap();
    let mut s = c.chat_stream(r()).await.unwrap();
    let mut cut = false;
    while let Some(ev) = s.next().await {
        cut |= matches!(ev, Err(Error::StreamCut { .. }));
    }
    assert!(cut);
    drop(s); // the recorder learns of the cut when the stream goes
    assert_eq!(cache.stats().stored, 0);
    assert_eq!(cache.stats().not_stored, 1);
}

#[tokio::test]
async fn answers_over_the_size_bound_are_not_stored() {
    let cache = Cache::builder().max_entry_bytes(1000).build().unwrap();
    let (c, _) = client(ScriptedProvider::new().repeat("word ".repeat(400)), &cache);
    c.chat(req("long")).await.unwrap();
    assert_eq!(
        c.chat(req("long")).await.unwrap().meta.cache,
        Some(CacheOutcome::Miss)
    );
    let mut s = c.chat_stream(req("long")).await.unwrap();
    while s.next().await.is_some() {}
    assert_eq!(cache.stats().stored, 0);
    assert_eq!(cache.stats().not_stored, 3);
}
