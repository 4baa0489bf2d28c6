//! `execute_tool` and `invoke_agent` spans of the tool loop, captured by a test subscriber.

use std::collections::BTreeMap;
use std::fmt::Debug;

use tracing::field::{Field, Visit};
use tracing::span::{Attributes, Id, Record};
use tracing::{Event, Metadata, Subscriber};

use super::*;

type Captured = (String, BTreeMap<String, String>, Option<u64>);

#[derive(Default, Clone)]
struct Capture(Arc<Mutex<Vec<Captured>>>);

struct Values<'a>(&'a mut BTreeMap<String, String>);

impl Visit for Values<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn Debug) {
        self.0.insert(
            field.name().to_owned(),
            format!("{value:?}").trim_matches('"').to_owned(),
        );
    }
}

thread_local! {
    static CURRENT: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

impl Subscriber for Capture {
    fn enabled(&self, _: &Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, attrs: &Attributes<'_>) -> Id {
        let mut values = BTreeMap::new();
        attrs.record(&mut Values(&mut values));
        let parent = attrs
            .parent()
            .map(Id::into_u64)
            .or_else(|| CURRENT.with(|c| c.borrow().last().copied()));
        let mut spans = self.0.lock().unwrap();
        spans.push((attrs.metadata().name().to_owned(), values, parent));
        Id::from_u64(spans.len() as u64)
    }
    fn record(&self, id: &Id, values: &Record<'_>) {
        let mut spans = self.0.lock().unwrap();
        if let Some(s) = spans.get_mut(id.into_u64() as usize - 1) {
            values.record(&mut Values(&mut s.1));
        }
    }
    fn record_follows_from(&self, _: &Id, _: &Id) {}
    fn event(&self, _: &Event<'_>) {}
    fn enter(&self, id: &Id) {
        CURRENT.with(|c| c.borrow_mut().push(id.into_u64()));
    }
    fn exit(&self, _: &Id) {
        CURRENT.with(|c| {
            c.borrow_mut().pop();
        });
    }
}

#[test]
fn every_execution_has_an_execute_tool_span_with_semconv_fields() {
    let cap = Capture::default();
    tracing::subscriber::with_default(cap.clone(), || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                let failing = tool_fn("fails", "Always fails", |_: NoArgs, _cx: ToolCx| async {
                    Err::<(), _>(Error::invalid("no"))
                })
                .unwrap();
                let p = ScriptedProvider::new()
                    .reply_with(turn(&[
                        ("call_w", "weather", json!({"city": "Oslo"})),
                        ("call_f", "fails", json!({})),
                        ("call_x", "not_offered", json!({})),
                    ]))
                    .reply("done");
                let (c, _) = client(p);
                ToolLoop::new(
                    Toolbox::new()
                        .with(weather())
                        .unwrap()
                        .with(failing)
                        .unwrap(),
                )
                .run(&c, user("x"))
                .await
                .unwrap();
            })
    });
    let spans = cap.0.lock().unwrap();
    let tools: Vec<_> = spans.iter().filter(|s| s.0 == "execute_tool").collect();
    assert_eq!(
        tools.len(),
        2,
        "one span per execution; a refused call runs nothing"
    );
    let w = &tools[0].1;
    assert_eq!(w["otel.name"], "execute_tool weather");
    assert_eq!(
        w[semconv::GEN_AI_OPERATION_NAME],
        semconv::operation::EXECUTE_TOOL
    );
    assert_eq!(w[semconv::GEN_AI_TOOL_NAME], "weather");
    assert_eq!(w[semconv::GEN_AI_TOOL_CALL_ID], "call_w");
    assert_eq!(w[semconv::GEN_AI_TOOL_TYPE], semconv::tool_type::FUNCTION);
    assert_eq!(w[semconv::GEN_AI_TOOL_DESCRIPTION], "Weather in a city");
    assert!(!w.contains_key(semconv::ERROR_TYPE));
    let f = &tools[1].1;
    assert_eq!(f[semconv::GEN_AI_TOOL_NAME], "fails");
    assert_eq!(f[semconv::ERROR_TYPE], "invalid_request");
    // tool spans and model turns are children of the run's invoke_agent span
    let agent = spans.iter().position(|s| s.0 == "invoke_agent").unwrap() as u64 + 1;
    assert!(tools.iter().all(|s| s.2 == Some(agent)));
    let chats: Vec<_> = spans.iter().filter(|s| s.0 == "chat").collect();
    assert_eq!(chats.len(), 2);
    assert!(chats.iter().all(|s| s.2 == Some(agent)));
}
