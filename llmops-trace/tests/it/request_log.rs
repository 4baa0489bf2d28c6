//! The request log: one redacted JSON line per exchange, whatever the ending.

use std::time::Duration;

use futures_util::StreamExt;
use llmops_core::*;
use llmops_trace::{RequestLog, RequestLogOptions, WhenFull};

fn req(text: &str) -> ChatRequest {
    ChatRequest::new("scripted/m").user(text).tenant("acme")
}

#[tokio::test]
async fn every_ending_is_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("requests.jsonl");
    let log = RequestLog::open(RequestLogOptions::new(&path)).unwrap();
    let p = ScriptedProvider::new()
        .reply("fine")
        .fail(ProviderErrorKind::Overloaded)
        .reply("never read")
        .latency(Duration::from_millis(0))
        .reply("one two three four")
        .hang();
    let c = Client::builder()
        .provider(p)
        .observer(log.clone())
        .build()
        .unwrap();
    c.chat(req("a")).await.unwrap();
    assert!(c.chat(req("b")).await.is_err());
    let mut s = c.chat_stream(req("c")).await.unwrap();
    s.next().await.unwrap().unwrap();
    drop(s); // dropped stream
    c.chat(req("d")).await.unwrap();
    assert!(
        tokio::time::timeout(Duration::from_millis(20), c.chat(req("e")))
            .await
            .is_err()
    ); // cancelled
    c.flush().await.unwrap();
    let recs = RequestLog::read(&path).unwrap();
    let outcomes: Vec<&str> = recs.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(
        outcomes,
        [
            "completed",
            "failed",
            "stream_dropped",
            "completed",
            "cancelled"
        ]
    );
    assert!(
        recs.iter()
            .all(|r| r.schema_version == 1 && r.caller.tenant.as_deref() == Some("acme"))
    );
    assert_eq!(log.stats().accepted, 5);
    assert_eq!(log.stats().dropped, 0);
}

#[tokio::test]
async fn secrets_never_reach_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.jsonl");
    let log = RequestLog::open(RequestLogOptions::new(&path)).unwrap();
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("ok"))
        .observer(log)
        .build()
        .unwrap();
    c.chat(req(
        "my key is sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123 please store it",
    ))
    .await
    .unwrap();
    c.flush().await.unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("ABCDEFGHIJKLMNOP"), "{text}");
    assert!(text.contains("[REDACTED]"));
}

#[tokio::test]
async fn rotation_bounds_the_files() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.jsonl");
    let log =
        RequestLog::open(RequestLogOptions::new(&path).max_bytes(2_000).max_files(2)).unwrap();
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("ok"))
        .observer(log)
        .build()
        .unwrap();
    for i in 0..40 {
        c.chat(req(&format!("message {i}"))).await.unwrap();
    }
    c.flush().await.unwrap();
    let mut names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["r.jsonl", "r.jsonl.1", "r.jsonl.2"]);
    for n in &names {
        let p = dir.path().join(n);
        assert!(std::fs::metadata(&p).unwrap().len() < 2_000 + 1_500);
        assert!(!RequestLog::read(&p).unwrap().is_empty() || n == "r.jsonl");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_queue_drops_and_counts_or_waits_by_configuration() {
    for (when_full, expect_all) in [(WhenFull::Drop, false), (WhenFull::Block, true)] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        let log = RequestLog::open(RequestLogOptions::new(&path).queue(1, when_full)).unwrap();
        let c = Client::builder()
            .provider(ScriptedProvider::new().repeat("ok"))
            .observer(log.clone())
            .build()
            .unwrap();
        let mut tasks = Vec::new();
        for i in 0..300 {
            let c = c.clone();
            tasks.push(tokio::spawn(async move {
                c.chat(req(&format!("m{i}"))).await.unwrap()
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        c.flush().await.unwrap();
        let lines = RequestLog::read(&path).unwrap().len() as u64;
        let s = log.stats();
        // never silent: every record is either written or counted as dropped
        assert_eq!(s.accepted + s.dropped, 300, "{when_full:?}");
        assert_eq!(lines, s.accepted);
        if expect_all {
            assert_eq!((lines, s.dropped), (300, 0));
        }
    }
}

#[tokio::test]
async fn feedback_is_its_own_redacted_line_and_reads_back() {
    use llmops_trace::LogEntry;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("r.jsonl");
    let log = RequestLog::open(RequestLogOptions::new(&path)).unwrap();
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("ok"))
        .observer(log.clone())
        .build()
        .unwrap();
    let a = c.chat(req("a")).await.unwrap().meta.request_id;
    let b = c.chat(req("b")).await.unwrap().meta.request_id;
    c.feedback(
        &a,
        "wrong_answer",
        Some("leaked sk-proj-ABCDEFGHIJKLMNOPQRSTUVWXYZ0123"),
    )
    .unwrap();
    c.feedback(&b, 1.0, None).unwrap();
    c.feedback(&a, 0.0, Some("still wrong")).unwrap();
    c.flush().await.unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5);
    assert!(lines[2].starts_with("{\"feedback\":{"), "{}", lines[2]);
    assert!(
        !text.contains("ABCDEFGHIJKLMNOP"),
        "feedback is redacted too"
    );
    // records only, as before
    let recs = RequestLog::read(&path).unwrap();
    assert_eq!(recs.len(), 2);
    // everything, in file order
    let kinds: Vec<&str> = RequestLog::read_entries(&path)
        .unwrap()
        .iter()
        .map(|e| match e {
            LogEntry::Exchange(_) => "exchange",
            LogEntry::Feedback(_) => "feedback",
            _ => "other",
        })
        .collect();
    assert_eq!(
        kinds,
        ["exchange", "exchange", "feedback", "feedback", "feedback"]
    );
    let on_a = RequestLog::read_feedback(&path, &a).unwrap();
    assert_eq!(on_a.len(), 2);
    assert_eq!(on_a[0].label(), Some("wrong_answer"));
    assert!(on_a[0].comment.as_deref().unwrap().contains("[REDACTED]"));
    assert_eq!(on_a[1].score(), Some(0.0));
    assert_eq!(RequestLog::read_feedback(&path, &b).unwrap().len(), 1);
    assert_eq!((log.stats().accepted, log.stats().dropped), (5, 0));
}

/// A redactor that takes its time: the writer thread falls behind, the queue fills.
struct Slow;

impl Redactor for Slow {
    fn name(&self) -> &str {
        "slow"
    }
    fn redact<'a>(&self, text: &'a str) -> std::borrow::Cow<'a, str> {
        std::thread::sleep(Duration::from_millis(20));
        std::borrow::Cow::Borrowed(text)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_feedback_is_counted_and_block_waits() {
    for when_full in [WhenFull::Drop, WhenFull::Block] {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.jsonl");
        let log = RequestLog::open(
            RequestLogOptions::new(&path)
                .queue(1, when_full)
                .redactor(std::sync::Arc::new(Slow)),
        )
        .unwrap();
        let c = Client::builder()
            .provider(ScriptedProvider::new().repeat("ok"))
            .observer(log.clone())
            .build()
            .unwrap();
        for i in 0..10 {
            c.feedback(&format!("req-{i}"), 1.0, None).unwrap();
        }
        c.flush().await.unwrap();
        let written = RequestLog::read_entries(&path).unwrap().len() as u64;
        let s = log.stats();
        // never silent: every feedback line is either written or counted as dropped
        assert_eq!(s.accepted + s.dropped, 10, "{when_full:?}");
        assert_eq!(written, s.accepted, "{when_full:?}");
        match when_full {
            WhenFull::Drop => assert!(s.dropped > 0, "{s:?}"),
            _ => assert_eq!((written, s.dropped), (10, 0)),
        }
    }
}
