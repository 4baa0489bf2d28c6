//! The facade re-exports core and wires the layer crates behind their features.

use llmops::{ChatRequest, Client, MemoryObserver, ScriptedProvider};

#[tokio::test]
async fn core_is_reachable_through_the_facade() {
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(ScriptedProvider::new().reply("ok"))
        .observer(obs.clone())
        .build()
        .unwrap();
    assert_eq!(
        c.chat(ChatRequest::new("m").user("x"))
            .await
            .unwrap()
            .text(),
        "ok"
    );
    assert_eq!(obs.len(), 1);
    let _ = llmops::semconv::GEN_AI_OPERATION_NAME;
    #[cfg(feature = "trace")]
    let _ = llmops::trace::llmops_core::semconv::SEMCONV_VERSION;
}
