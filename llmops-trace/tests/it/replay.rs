//! Replay: a logged exchange re-run against a changed model, and the difference shown.

use std::sync::Arc;

use llmops_core::*;
use llmops_trace::replay::{self, LineChange, REPLAY_TAG, Redaction, SentRequest};
use llmops_trace::{LineRedaction, RequestLog, RequestLogOptions};

/// Logs one exchange answered by `reply` and reads its record back from the file.
async fn logged(dir: &std::path::Path, question: &str, reply: &str) -> ExchangeRecord {
    let path = dir.join("requests.jsonl");
    let log = RequestLog::open(RequestLogOptions::new(&path)).unwrap();
    let c = Client::builder()
        .provider(ScriptedProvider::new().reply(reply))
        .observer(log)
        .build()
        .unwrap();
    c.chat(
        ChatRequest::new("scripted/geo")
            .system("Answer in one sentence.")
            .user(question)
            .temperature(0.0)
            .feature("geo"),
    )
    .await
    .unwrap();
    c.flush().await.unwrap();
    let mut recs = RequestLog::read(&path).unwrap();
    assert_eq!(recs.len(), 1);
    recs.remove(0)
}

fn client_answering(reply: &str) -> (Client, Arc<ScriptedProvider>, MemoryObserver) {
    let p = Arc::new(ScriptedProvider::new().reply(reply));
    let seen = MemoryObserver::new();
    let c = Client::builder()
        .provider(p.clone())
        .observer(seen.clone())
        .build()
        .unwrap();
    (c, p, seen)
}

#[tokio::test]
async fn a_changed_reply_shows_as_a_diff_of_the_logged_request() {
    let dir = tempfile::tempdir().unwrap();
    let rec = logged(
        dir.path(),
        "What is the capital of France?",
        "The capital is Paris.",
    )
    .await;
    assert_eq!(
        LineRedaction::of(&rec).map(|r| (r.line_changed, r.request_changed)),
        Some((false, false))
    );

    let (c, provider, seen) = client_answering("The capital is Lyon.");
    let report = replay::run(&c, &rec).await;
    c.flush().await.unwrap();

    assert!(!report.identical);
    assert_eq!(report.changes, ["text"]);
    assert_eq!(report.replay_of, rec.request_id);
    assert_eq!(
        report.sent,
        SentRequest::Logged {
            redaction: Redaction::Unchanged {
                redactor: "secrets".into()
            }
        }
    );
    let lines: Vec<(LineChange, &str)> = report
        .text_diff
        .iter()
        .map(|l| (l.change, l.text.as_str()))
        .collect();
    assert_eq!(
        lines,
        [
            (LineChange::Removed, "The capital is Paris."),
            (LineChange::Added, "The capital is Lyon."),
        ]
    );
    let text = report.render();
    for needle in [
        "- The capital is Paris.\n+ The capital is Lyon.\n",
        "the request originally sent",
        "result     different: text",
        &format!("replay_of={}", rec.request_id),
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }

    // the logged request was sent: same messages and parameters, same model reference
    let sent = provider.requests();
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].messages, rec.request.messages);
    assert_eq!(sent[0].params.temperature, Some(0.0));
    // and it is visibly a replay, not new user traffic
    let new = seen.take().remove(0);
    assert_eq!(
        new.caller.tags.get(REPLAY_TAG).map(String::as_str),
        Some(rec.request_id.as_str())
    );
    assert_eq!(new.caller.feature.as_deref(), Some("geo"));
    assert_eq!(new.model_requested, "scripted/geo");
    assert_eq!(
        report.replay.request_id.as_deref(),
        Some(new.request_id.as_str())
    );

    // the JSON form carries the same facts
    let v = serde_json::to_value(&report).unwrap();
    assert_eq!(v["sent"]["kind"], "logged");
    assert_eq!(v["sent"]["redaction"]["status"], "unchanged");
    assert_eq!(v["text_diff"][0]["change"], "removed");
    assert_eq!(v["identical"], false);
}

#[tokio::test]
async fn the_same_reply_is_identical() {
    let dir = tempfile::tempdir().unwrap();
    let rec = logged(dir.path(), "Capital of France?", "Paris.").await;
    let (c, _, _) = client_answering("Paris.");
    let report = replay::run(&c, &rec).await;
    assert!(report.identical, "{}", report.render());
    assert!(report.changes.is_empty());
    assert!(report.render().contains("result     identical"));
}

#[tokio::test]
async fn a_redacted_request_is_replayed_redacted_and_says_so() {
    let dir = tempfile::tempdir().unwrap();
    let rec = logged(
        dir.path(),
        "my key is sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123, is it valid?",
        "I can't check keys.",
    )
    .await;
    let (c, provider, _) = client_answering("I can't check keys.");
    let report = replay::run(&c, &rec).await;
    assert_eq!(
        report.sent,
        SentRequest::Logged {
            redaction: Redaction::Redacted {
                redactor: "secrets".into()
            }
        }
    );
    assert!(report.render().contains("the model saw the redacted text"));
    let sent = provider.requests();
    let user = sent[0].messages.last().unwrap().text();
    assert!(
        user.contains("[REDACTED]") && !user.contains("ABCDEFGH"),
        "{user}"
    );
}

#[tokio::test]
async fn a_record_that_does_not_say_is_as_logged_after_redaction() {
    // a record not read from a request log (or from an older line): no redaction annotation
    let seen = MemoryObserver::new();
    let c = Client::builder()
        .provider(ScriptedProvider::new().reply("one"))
        .observer(seen.clone())
        .build()
        .unwrap();
    c.chat(ChatRequest::new("scripted/m").user("hi"))
        .await
        .unwrap();
    let rec = seen.take().remove(0);
    let (c2, _, _) = client_answering("two");
    let report = replay::run(&c2, &rec).await;
    assert_eq!(report.sent.describe(), "as logged (after redaction)");
    assert!(
        report
            .render()
            .contains("request    as logged (after redaction)")
    );
}

#[tokio::test]
async fn a_failed_replay_is_reported_not_lost() {
    let dir = tempfile::tempdir().unwrap();
    let rec = logged(dir.path(), "Capital of France?", "Paris.").await;
    let c = Client::builder()
        .provider(ScriptedProvider::new().fail(ProviderErrorKind::Overloaded))
        .build()
        .unwrap();
    let report = replay::run(&c, &rec).await;
    assert!(report.replay_failed());
    assert!(!report.identical);
    assert_eq!(report.changes[0], "outcome");
    assert!(report.render().contains("- Paris."), "{}", report.render());
}
