//! The audit trail: hash-chained, and every kind of tampering is found and located.

use llmops_core::*;
use llmops_trace::{AuditLog, Error as TraceError, audit};

fn write(path: &std::path::Path, n: usize) {
    let log = AuditLog::open(path).unwrap();
    for i in 0..n {
        log.append(
            AuditEvent::now("prompt.promote", format!("user{i}"), format!("support/{i}"))
                .reason("eval passed"),
        )
        .unwrap();
    }
}

fn lines(path: &std::path::Path) -> Vec<String> {
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .map(str::to_owned)
        .collect()
}

fn rewrite(path: &std::path::Path, lines: &[String]) {
    std::fs::write(path, lines.join("\n") + "\n").unwrap();
}

fn broken_at(path: &std::path::Path) -> (usize, String) {
    match audit::verify(path) {
        Err(TraceError::ChainBroken { line, reason, .. }) => (line, reason),
        other => panic!("expected a broken chain, got {other:?}"),
    }
}

#[test]
fn an_intact_chain_verifies_and_continues_after_reopening() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("audit.jsonl");
    write(&p, 5);
    assert_eq!(audit::verify(&p).unwrap().records, 5);
    write(&p, 2);
    let v = audit::verify(&p).unwrap();
    assert_eq!(v.records, 7);
    let t = audit::tail(&p, 2).unwrap();
    assert_eq!(t.iter().map(|e| e.seq).collect::<Vec<_>>(), [5, 6]);
    assert_eq!(t[1].hash, v.last_hash);
    // "all of them" is a valid request, not a capacity overflow
    assert_eq!(audit::tail(&p, usize::MAX).unwrap().len(), 7);
    assert!(audit::tail(&p, 0).unwrap().is_empty());
}

#[test]
fn edits_removals_insertions_and_reorderings_are_found() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("audit.jsonl");
    write(&p, 5);
    let orig = lines(&p);

    let mut edited = orig.clone();
    edited[2] = edited[2].replace("user2", "mallory");
    rewrite(&p, &edited);
    let (line, reason) = broken_at(&p);
    assert_eq!(line, 3);
    assert!(reason.contains("edited"), "{reason}");

    let mut removed = orig.clone();
    removed.remove(1);
    rewrite(&p, &removed);
    assert_eq!(broken_at(&p).0, 2);

    let mut inserted = orig.clone();
    inserted.insert(2, orig[1].clone());
    rewrite(&p, &inserted);
    assert_eq!(broken_at(&p).0, 3);

    let mut reordered = orig.clone();
    reordered.swap(1, 2);
    rewrite(&p, &reordered);
    assert_eq!(broken_at(&p).0, 2);

    // a chain cut short at its end is still a valid chain: truncation shows only against the
    // last hash kept elsewhere (`verify` returns it for that purpose)
    let mut truncated = orig.clone();
    truncated.pop();
    rewrite(&p, &truncated);
    let v = audit::verify(&p).unwrap();
    assert_eq!(v.records, 4);
    assert_ne!(
        v.last_hash,
        serde_json::from_str::<serde_json::Value>(&orig[4]).unwrap()["hash"]
    );

    // a tampered last record refuses to be continued
    let mut tail_edit = orig.clone();
    tail_edit[4] = tail_edit[4].replace("user4", "mallory");
    rewrite(&p, &tail_edit);
    assert!(matches!(
        AuditLog::open(&p),
        Err(TraceError::ChainBroken { line: 5, .. })
    ));

    // garbage is a malformed-record error naming the line
    rewrite(&p, &[orig[0].clone(), "not json".into()]);
    assert!(matches!(
        audit::verify(&p),
        Err(TraceError::Malformed { line: 2, .. })
    ));
}

#[test]
fn concurrent_appends_keep_one_chain() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("audit.jsonl");
    let log = AuditLog::open(&p).unwrap();
    std::thread::scope(|s| {
        for t in 0..4 {
            let log = log.clone();
            s.spawn(move || {
                for i in 0..50 {
                    log.append(AuditEvent::now(
                        "tool.gate",
                        format!("t{t}"),
                        format!("call{i}"),
                    ))
                    .unwrap();
                }
            });
        }
    });
    assert_eq!(audit::verify(&p).unwrap().records, 200);
}

#[tokio::test]
async fn every_exchange_is_audited() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("audit.jsonl");
    let log = AuditLog::open(&p).unwrap();
    let c = Client::builder()
        .provider(
            ScriptedProvider::new()
                .reply("a")
                .fail(ProviderErrorKind::Auth)
                .reply("c"),
        )
        .observer(log.exchange_observer().unwrap())
        .build()
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..3 {
        match c
            .chat(
                ChatRequest::new("scripted/m")
                    .user("x")
                    .end_user(format!("u{i}")),
            )
            .await
        {
            Ok(r) => ids.push(r.meta.request_id),
            Err(_) => ids.push(String::new()),
        }
    }
    c.flush().await.unwrap();
    assert_eq!(audit::verify(&p).unwrap().records, 3);
    let entries = audit::tail(&p, 10).unwrap();
    assert_eq!(
        entries
            .iter()
            .map(|e| e.event.reason.as_str())
            .collect::<Vec<_>>(),
        ["completed", "failed", "completed"]
    );
    assert_eq!(entries[0].event.subject, ids[0]);
    assert_eq!(entries[1].event.actor, "u1");
    assert_eq!(entries[2].event.data["model_requested"], "scripted/m");
}
