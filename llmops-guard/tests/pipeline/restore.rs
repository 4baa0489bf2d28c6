//! The PII mapping round trip.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::StreamExt;
use llmops_core::{
    ChatRequest, ChatResponse, Client, ScriptedProvider, Stage, StreamEvent, from_fn,
};
use llmops_guard::pii::{PiiGuard, Pseudonymizer, RedactionMode};
use llmops_guard::pipeline::{GuardMapping, GuardSet, GuardsExt};

use super::support::*;

// ---------------------------------------------------------------- PII mapping round trip

/// Answers by echoing the placeholders the model saw.
fn echo_provider() -> ScriptedProvider {
    ScriptedProvider::new().responder(|req| {
        let q = req.last_user_text()?;
        let tokens: Vec<&str> = q
            .split(|c: char| c.is_whitespace() || c == ',')
            .filter(|w| w.starts_with('<') && w.ends_with('>'))
            .collect();
        Some(llmops_core::provider::scripted::Step::Reply(
            ChatResponse::new(format!("I will contact {} today.", tokens.join(" and "))),
        ))
    })
}

#[tokio::test]
async fn placeholders_round_trip_to_the_caller_full_and_streamed() {
    for mode in [
        RedactionMode::Placeholder,
        RedactionMode::Pseudonym(Pseudonymizer::new(b"a host secret of 32 bytes.......").unwrap()),
    ] {
        let saw_mapping = Arc::new(AtomicUsize::new(0));
        let saw = saw_mapping.clone();
        let provider = Arc::new(echo_provider().chunks(9));
        let client = Client::builder()
            .provider_arc(provider.clone())
            .guards(
                GuardSet::new()
                    .guard(PiiGuard::new().mode(mode.clone()))
                    .restore_output(true),
            )
            .layer_at(
                Stage::BeforeCache,
                from_fn(move |req, cx, next| {
                    let n = cx
                        .extensions
                        .get::<GuardMapping>()
                        .map_or(0, |m| m.mapping().len());
                    saw.store(n, Ordering::SeqCst);
                    Box::pin(next.run(req, cx))
                }),
            )
            .build()
            .unwrap();
        let req = ChatRequest::new("scripted/m").user("mail ann@example.com, +44 20 7946 0958");
        let want = "I will contact ann@example.com and +44 20 7946 0958 today.";
        let r = client.chat(req.clone()).await.unwrap();
        assert_eq!(r.text(), want, "{mode:?}");
        assert_eq!(saw_mapping.load(Ordering::SeqCst), 2);
        let sent = provider.requests().pop().unwrap();
        assert!(!sent.messages[0].text().contains("ann@"));

        let s = client.chat_stream(req).await.unwrap();
        let deltas: Vec<String> = s
            .filter_map(|ev| async move {
                match ev.unwrap() {
                    StreamEvent::Delta { text } => Some(text),
                    _ => None,
                }
            })
            .collect()
            .await;
        assert!(deltas.len() > 1);
        assert_eq!(deltas.concat(), want, "{mode:?}");
    }
}

#[test]
fn placeholders_split_at_every_offset_are_restored() {
    let answer = "Dear <EMAIL_1>, your number <PHONE_1> is saved.";
    for i in boundaries(answer) {
        for j in boundaries(answer).into_iter().filter(|j| *j > i) {
            let chunks = vec![
                answer[..i].to_owned(),
                answer[i..j].to_owned(),
                answer[j..].to_owned(),
            ];
            let got = runtime().block_on(async {
                let client = Client::builder()
                    .provider(Chunks(chunks))
                    .guards(
                        GuardSet::new()
                            .input_guard(PiiGuard::new())
                            .restore_output(true),
                    )
                    .build()
                    .unwrap();
                let s = client
                    .chat_stream(
                        ChatRequest::new("chunks/m").user("ann@example.com or +1 415 555 0132"),
                    )
                    .await
                    .unwrap();
                s.into_response().await.unwrap().text()
            });
            assert_eq!(
                got,
                "Dear ann@example.com, your number +1 415 555 0132 is saved."
            );
        }
    }
}

#[tokio::test]
async fn an_output_redaction_is_never_restored_to_another_value() {
    // the model leaks a different address: it gets the next number, not the input's
    let client = Client::builder()
        .provider(Chunks(vec![
            "Ask bob@example.org or ".into(),
            "<EMAIL_1>".into(),
        ]))
        .guards(GuardSet::new().guard(PiiGuard::new()).restore_output(true))
        .build()
        .unwrap();
    let s = client
        .chat_stream(ChatRequest::new("chunks/m").user("I am ann@example.com"))
        .await
        .unwrap();
    let text = s.into_response().await.unwrap().text();
    assert_eq!(text, "Ask <EMAIL_2> or ann@example.com");
}
