//! Gate decisions, approvals (channel approver, hanging approver, none), audit events.

use super::*;

#[tokio::test]
async fn a_gate_denial_goes_to_the_model_and_the_audit_trail() {
    let sent = Arc::new(AtomicUsize::new(0));
    let p = ScriptedProvider::new()
        .reply_with(turn(&[
            ("c1", "send_email", json!({})),
            ("c2", "broken", json!({})),
        ]))
        .reply("I cannot send email.");
    let (c, _) = client(p);
    let gate = ByName::default();
    let audit = Audit::default();
    let out = ToolLoop::new(
        Toolbox::new()
            .with(counted("send_email", "sent", sent.clone()))
            .unwrap()
            .with(counted("broken", "ran", sent.clone()))
            .unwrap(),
    )
    .gate(gate.clone())
    .audit(Arc::new(audit.clone()))
    .run(
        &c,
        user("email the customer list").caller(Caller::default().role("support")),
    )
    .await
    .unwrap();
    assert_eq!(sent.load(Ordering::SeqCst), 0);
    assert_eq!(
        out.messages[1].text(),
        "denied: email is not allowed for this caller"
    );
    assert!(out.messages[1].is_error);
    assert_eq!(out.tool_calls[0].error.as_deref(), Some("denied"));
    // a gate that fails denies (fail closed)
    assert!(
        matches!(&out.tool_calls[1].decision, GateDecision::Deny { reason } if reason.contains("gate failed (config)"))
    );
    // the gate saw the exchange of the turn that asked, with the caller
    let seen = gate.seen.lock().unwrap().clone();
    assert_eq!(seen[0].1, out.request_ids[0]);
    assert_eq!(seen[0].2, ["support"]);
    let ev = audit.events();
    assert_eq!(ev.len(), 2);
    assert_eq!(
        (ev[0].kind.as_str(), ev[0].actor.as_str()),
        ("tool.gate", "tool-gate")
    );
    assert_eq!(ev[0].reason, "email is not allowed for this caller");
    assert_eq!(ev[0].data["decision"], "deny");
    assert_eq!(ev[0].data["request_id"], out.request_ids[0].as_str());
}

fn refund_tool(runs: Arc<AtomicUsize>) -> impl Tool {
    counted("refund", "refunded", runs)
}

fn refund_model() -> ScriptedProvider {
    ScriptedProvider::new()
        .reply_with(turn(&[("c1", "refund", json!({"order": "A-1"}))]))
        .reply("done")
}

#[tokio::test]
async fn an_approval_through_the_channel_approver_lets_the_call_run() {
    let runs = Arc::new(AtomicUsize::new(0));
    let (c, records) = client(refund_model());
    let (approver, mut inbox) = ChannelApprover::new(8);
    let host = tokio::spawn(async move {
        let p = inbox.recv().await.unwrap();
        let req = p.request().clone();
        p.approve("alice@ops", "within policy").unwrap();
        req
    });
    let audit = Audit::default();
    let out = ToolLoop::new(Toolbox::new().with(refund_tool(runs.clone())).unwrap())
        .gate(ByName::default())
        .approver(approver)
        .approval_timeout(Duration::from_secs(30))
        .audit(Arc::new(audit.clone()))
        .run(&c, user("refund A-1").caller(Caller::default().user("u-7")))
        .await
        .unwrap();
    let asked = host.await.unwrap();
    assert_eq!(asked.reason, "refunds need a human");
    assert_eq!(asked.timeout, Duration::from_secs(30));
    assert_eq!(asked.caller.user.as_deref(), Some("u-7"));
    assert_eq!(
        asked.subject,
        ApprovalSubject::tool_call("refund", json!({"order": "A-1"}))
    );
    assert_eq!(runs.load(Ordering::SeqCst), 1);
    let rec = &out.tool_calls[0];
    assert!(rec.ok);
    assert_eq!(rec.approved_by.as_deref(), Some("alice@ops"));
    assert!(rec.approval.as_ref().unwrap().approved);
    assert_eq!(
        records.records()[1].tool_calls[0].approved_by.as_deref(),
        Some("alice@ops")
    );
    let ev = audit.events();
    let kinds: Vec<_> = ev
        .iter()
        .map(|e| (e.kind.as_str(), e.actor.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [("tool.gate", "tool-gate"), ("approval", "alice@ops")]
    );
    assert_eq!(ev[1].reason, "within policy");
    assert_eq!(ev[1].data["approved"], true);
}

#[tokio::test]
async fn a_denied_approval_does_not_run_the_call() {
    let runs = Arc::new(AtomicUsize::new(0));
    let (c, _) = client(refund_model());
    let (approver, mut inbox) = ChannelApprover::new(8);
    tokio::spawn(async move {
        let p = inbox.recv().await.unwrap();
        p.deny("bob@ops", "amount too high").unwrap();
    });
    let out = ToolLoop::new(Toolbox::new().with(refund_tool(runs.clone())).unwrap())
        .gate(ByName::default())
        .approver(approver)
        .run(&c, user("refund"))
        .await
        .unwrap();
    assert_eq!(runs.load(Ordering::SeqCst), 0);
    let rec = &out.tool_calls[0];
    assert_eq!(rec.error.as_deref(), Some("approval_denied"));
    assert!(rec.approved_by.is_none());
    assert_eq!(rec.approval.as_ref().unwrap().by, "bob@ops");
    assert_eq!(
        out.messages[1].text(),
        "denied: approval was refused (amount too high)"
    );
}

/// An approver that never answers (and ignores the request's timeout).
struct Hangs;

#[async_trait]
impl Approver for Hangs {
    async fn decide(&self, _req: &ApprovalRequest) -> Result<ApprovalDecision> {
        std::future::pending().await
    }
}

#[tokio::test(start_paused = true)]
async fn an_approver_that_hangs_is_a_timeout_denial() {
    let runs = Arc::new(AtomicUsize::new(0));
    let (c, _) = client(refund_model());
    let audit = Audit::default();
    let out = ToolLoop::new(Toolbox::new().with(refund_tool(runs.clone())).unwrap())
        .gate(ByName::default())
        .approver(Hangs)
        .approval_timeout(Duration::from_secs(60))
        .audit(Arc::new(audit.clone()))
        .run(&c, user("refund"))
        .await
        .unwrap();
    assert_eq!(runs.load(Ordering::SeqCst), 0);
    let rec = &out.tool_calls[0];
    assert_eq!(rec.error.as_deref(), Some("timeout"));
    assert_eq!(rec.approval.as_ref().unwrap().by, "timeout");
    assert_eq!(
        out.messages[1].text(),
        "denied: nobody approved this call in time"
    );
    assert_eq!(audit.events()[1].actor, "timeout");
}

#[tokio::test(start_paused = true)]
async fn the_channel_approver_times_out_when_nobody_answers() {
    let runs = Arc::new(AtomicUsize::new(0));
    let (c, _) = client(refund_model());
    let (approver, _inbox) = ChannelApprover::new(8);
    let out = ToolLoop::new(Toolbox::new().with(refund_tool(runs.clone())).unwrap())
        .gate(ByName::default())
        .approver(approver)
        .approval_timeout(Duration::from_secs(5))
        .run(&c, user("refund"))
        .await
        .unwrap();
    assert_eq!(runs.load(Ordering::SeqCst), 0);
    assert_eq!(out.tool_calls[0].error.as_deref(), Some("timeout"));
}

#[tokio::test]
async fn approval_without_an_approver_is_denied() {
    let runs = Arc::new(AtomicUsize::new(0));
    let (c, _) = client(refund_model());
    let out = ToolLoop::new(Toolbox::new().with(refund_tool(runs.clone())).unwrap())
        .gate(ByName::default())
        .run(&c, user("refund"))
        .await
        .unwrap();
    assert_eq!(runs.load(Ordering::SeqCst), 0);
    let d = out.tool_calls[0].approval.as_ref().unwrap();
    assert_eq!((d.approved, d.by.as_str()), (false, "tool-loop"));
    assert!(d.reason.contains("no approver"));
}

/// An audit sink that fails.
struct BrokenAudit;

#[async_trait]
impl AuditSink for BrokenAudit {
    async fn record(&self, _ev: AuditEvent) -> Result<()> {
        Err(Error::extension("audit", "disk full"))
    }
}

#[tokio::test]
async fn a_failing_audit_sink_stops_the_loop_before_the_call_runs() {
    let runs = Arc::new(AtomicUsize::new(0));
    let (c, _) = client(refund_model());
    let e = ToolLoop::new(
        Toolbox::new()
            .with(counted("refund", "x", runs.clone()))
            .unwrap(),
    )
    .gate(ByName::default())
    .audit(Arc::new(BrokenAudit))
    .run(&c, user("refund"))
    .await
    .unwrap_err();
    assert!(e.to_string().contains("audit sink failed"), "{e}");
    assert_eq!(runs.load(Ordering::SeqCst), 0);
}
