//! Judge test helpers shared by `graded.rs` and `rag_metrics.rs`: a scripted judge that
//! answers by prompt content, with priced replies and a stand-in cost layer, and a RAG case.
#![allow(dead_code)]

use std::sync::Arc;

use llmops_core::provider::scripted::Step;
use llmops_core::{
    ChatRequest, ChatResponse, Client, Cost, EvalCase, EvalOutput, Message, Money, Reply,
    ScriptedProvider, Stage, Usage, from_fn,
};
use llmops_eval::{Assertion, AssertionSpec, BuildContext, Registry};
use serde_json::json;

pub(crate) fn all_text(req: &ChatRequest) -> String {
    req.messages
        .iter()
        .map(Message::text)
        .collect::<Vec<_>>()
        .join("\n")
}

/// A reply priced at `usd` with the given usage.
pub(crate) fn priced(text: &str, usd: &str, usage: Usage) -> Step {
    let mut r = ChatResponse::new(text);
    r.usage = usage;
    r.meta.cost = Cost::Known(Money::usd_str(usd).unwrap());
    Step::Reply(r)
}

pub(crate) fn reply(text: &str) -> Step {
    priced(text, "0.001", Usage::new(100, 20))
}

/// A judge answering by prompt content: the first `(needle, reply)` whose needle the prompt
/// contains.
pub(crate) fn judge(routes: Vec<(&'static str, String)>) -> Arc<ScriptedProvider> {
    Arc::new(ScriptedProvider::new().responder(move |req| {
        let text = all_text(req);
        routes
            .iter()
            .find(|(needle, _)| text.contains(needle))
            .map(|(_, r)| reply(r))
    }))
}

/// A client over the scripted judge with a stand-in cost layer: the exchange's cost is the
/// price the scripted reply carries (core settles the cost from the exchange, as the cost
/// layer will).
pub(crate) fn cx_with(p: &Arc<ScriptedProvider>) -> BuildContext {
    let client = Client::builder()
        .provider(p.clone())
        .layer_at(
            Stage::BeforeProvider,
            from_fn(|req, cx, next| {
                Box::pin(async move {
                    let reply = next.run(req, cx).await?;
                    if let Reply::Full(r) = &reply
                        && r.meta.cost.known().is_some()
                    {
                        cx.cost = Some(r.meta.cost.clone());
                    }
                    Ok(reply)
                })
            }),
        )
        .build()
        .unwrap();
    BuildContext::new().judge(client, "scripted/judge")
}

pub(crate) fn compile(cx: BuildContext, spec: &AssertionSpec) -> Assertion {
    Registry::builtin(cx).compile(spec).unwrap()
}

pub(crate) fn rag_case() -> EvalCase {
    let mut c = EvalCase::default();
    c.id = "eiffel".into();
    c.vars.insert(
        "query".into(),
        json!("Where is the Eiffel Tower and how tall is it?"),
    );
    c.context = vec!["The Eiffel Tower stands in Paris. It is 330 metres tall.".into()];
    c.expected = Some("The Eiffel Tower is in Paris. It is 330 metres tall.".into());
    c
}

pub(crate) fn answer(text: &str, retrieved: &[&str]) -> EvalOutput {
    let mut o = EvalOutput::text(text);
    o.retrieved = retrieved.iter().map(|s| s.to_string()).collect();
    o
}

/// The error message an evaluation failed with; panics when it passed or scored.
pub(crate) async fn err_of(a: &Assertion, case: &EvalCase, out: &EvalOutput) -> String {
    match a.evaluate(case, out).await {
        Ok(s) => panic!("expected an error, got a score: {s:?}"),
        Err(e) => e.to_string(),
    }
}
