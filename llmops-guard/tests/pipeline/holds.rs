//! Holds and approvals, full and streamed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use llmops_core::{
    ApprovalDecision, ApprovalRequest, ApprovalSubject, Approver, ChatRequest, Client, Error,
    MemoryObserver, Result, ScriptedProvider, StreamEvent, async_trait,
};
use llmops_guard::pii::PiiScanner;
use llmops_guard::pipeline::{
    DetectorGuard, GuardAction, GuardPolicy, GuardSet, GuardsExt, Rule, Sources,
};

use super::support::*;

// ---------------------------------------------------------------- holds

/// Answers every request with a fixed decision after recording it.
struct Decides {
    approved: Option<bool>,
    asked: Arc<Mutex<Vec<ApprovalRequest>>>,
}

fn decision(approved: bool) -> ApprovalDecision {
    serde_json::from_value(serde_json::json!({
        "approved": approved, "by": "ana@ops", "at": "2025-05-01T10:00:00Z",
        "reason": if approved { "looks fine" } else { "not for customers" },
    }))
    .unwrap()
}

#[async_trait]
impl Approver for Decides {
    async fn decide(&self, req: &ApprovalRequest) -> Result<ApprovalDecision> {
        self.asked.lock().unwrap().push(req.clone());
        match self.approved {
            Some(a) => Ok(decision(a)),
            None => std::future::pending().await,
        }
    }
}

fn holding_set(approved: Option<bool>, asked: Arc<Mutex<Vec<ApprovalRequest>>>) -> GuardSet {
    let policy = GuardPolicy::default().first(
        Rule::new("topic.*", GuardAction::Hold)
            .sources(Sources::OUTPUT)
            .reason("medical advice needs review"),
    );
    GuardSet::new()
        .output_guard(
            DetectorGuard::new("topics", words(&[("dosage", "topic.medical")]))
                .detector(PiiScanner::new())
                .policy(policy),
        )
        .approver(Decides { approved, asked })
        .approval_timeout(Duration::from_secs(30))
}

#[tokio::test]
async fn a_held_full_answer_waits_for_the_approver() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let obs = MemoryObserver::new();
    let client = Client::builder()
        .provider(ScriptedProvider::new().repeat("The dosage is 2 pills; ask jo@example.com"))
        .guards(holding_set(Some(true), asked.clone()))
        .observer(obs.clone())
        .build()
        .unwrap();
    let r = client
        .chat(
            ChatRequest::new("scripted/m")
                .user("how much?")
                .tenant("acme"),
        )
        .await
        .unwrap();
    assert_eq!(r.text(), "The dosage is 2 pills; ask <EMAIL_1>");
    let asked = asked.lock().unwrap().clone();
    assert_eq!(asked.len(), 1);
    // the approver sees what would be delivered (already redacted), and who it is for
    assert!(
        matches!(&asked[0].subject, ApprovalSubject::Output { text } if text == "The dosage is 2 pills; ask <EMAIL_1>")
    );
    assert_eq!(asked[0].reason, "medical advice needs review");
    assert_eq!(asked[0].caller.tenant.as_deref(), Some("acme"));
    let rec = obs.records().pop().unwrap();
    let hold = &rec.guard_findings[0];
    assert_eq!(hold.action, "hold");
    let d = hold.approval.as_ref().unwrap();
    assert!(d.approved && d.by == "ana@ops");
    // what the audit trail writes of the record carries who, when and why
    let json = serde_json::to_value(&rec.guard_findings).unwrap();
    assert_eq!(json[0]["approval"]["by"], "ana@ops");
    assert_eq!(json[0]["approval"]["reason"], "looks fine");
}

#[tokio::test]
async fn a_denied_hold_is_a_typed_error() {
    let client = Client::builder()
        .provider(ScriptedProvider::new().repeat("The dosage is 2 pills"))
        .guards(holding_set(Some(false), Arc::default()))
        .build()
        .unwrap();
    let e = client
        .chat(ChatRequest::new("scripted/m").user("how much?"))
        .await
        .unwrap_err();
    assert_eq!(e.class().as_str(), "approval_denied");
    let Error::Guard(r) = &e else { panic!() };
    assert_eq!(r.approval.as_ref().unwrap().by, "ana@ops");
    assert!(e.to_string().contains("not approved by `ana@ops`"), "{e}");
}

#[tokio::test(start_paused = true)]
async fn nobody_deciding_in_time_denies() {
    let obs = MemoryObserver::new();
    let client = Client::builder()
        .provider(ScriptedProvider::new().repeat("The dosage is 2 pills"))
        .guards(holding_set(None, Arc::default()))
        .observer(obs.clone())
        .build()
        .unwrap();
    let e = client
        .chat(ChatRequest::new("scripted/m").user("how much?"))
        .await
        .unwrap_err();
    let Error::Guard(r) = &e else { panic!() };
    assert_eq!(r.approval.as_ref().unwrap().by, "timeout");
    let rec = obs.records().pop().unwrap();
    assert_eq!(
        rec.guard_findings[0].approval.as_ref().unwrap().by,
        "timeout"
    );
}

#[tokio::test]
async fn without_an_approver_a_hold_refuses() {
    let set = GuardSet::new().output_guard(
        DetectorGuard::new("topics", words(&[("dosage", "topic.medical")]))
            .policy(GuardPolicy::empty().rule(Rule::new("topic.*", GuardAction::Hold))),
    );
    let client = Client::builder()
        .provider(ScriptedProvider::new().repeat("The dosage is 2 pills"))
        .guards(set)
        .build()
        .unwrap();
    let e = client
        .chat(ChatRequest::new("scripted/m").user("q"))
        .await
        .unwrap_err();
    assert_eq!(e.class().as_str(), "guard_blocked");
    assert!(e.to_string().contains("no approver"), "{e}");
}

#[tokio::test]
async fn a_held_stream_delivers_nothing_until_approved() {
    let asked = Arc::new(Mutex::new(Vec::new()));
    let obs = MemoryObserver::new();
    let text = "The dosage is 2 pills a day, mail jo@example.com";
    let chunks = chunk_by(text, &[7; 20]);
    let client = Client::builder()
        .provider(Chunks(chunks))
        .guards(holding_set(Some(true), asked.clone()))
        .observer(obs.clone())
        .build()
        .unwrap();
    let mut s = client
        .chat_stream(ChatRequest::new("chunks/m").user("q"))
        .await
        .unwrap();
    let mut deltas = Vec::new();
    while let Some(ev) = s.next().await {
        if let StreamEvent::Delta { text } = ev.unwrap() {
            // the approver was asked before the first byte came out
            assert_eq!(asked.lock().unwrap().len(), 1);
            deltas.push(text);
        }
    }
    assert_eq!(
        deltas,
        vec!["The dosage is 2 pills a day, mail <EMAIL_1>".to_owned()]
    );
    drop(s);
    let rec = obs.records().pop().unwrap();
    assert!(rec.guard_findings[0].approval.as_ref().unwrap().approved);

    // denied: the stream yields one typed error and no text
    let client = Client::builder()
        .provider(Chunks(chunk_by(text, &[7; 20])))
        .guards(holding_set(Some(false), Arc::default()))
        .build()
        .unwrap();
    let items: Vec<_> = client
        .chat_stream(ChatRequest::new("chunks/m").user("q"))
        .await
        .unwrap()
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert!(matches!(&items[0], Err(e) if e.class().as_str() == "approval_denied"));
}
