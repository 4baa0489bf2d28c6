//! A bounded tool loop with a typed tool, a gate that requires approval for refunds, and a
//! channel approver served by a "host UI" task. Runs offline (scripted model):
//!
//! ```text
//! cargo run --example tool_loop
//! ```
//!
//! The model looks an order up (step 1), asks to refund it (step 2: the gate requires a human,
//! the host approves through the `ApprovalInbox`), then answers.

use std::sync::Arc;
use std::time::Duration;

use llmops::provider::scripted::Step;
use llmops::{
    AuditEvent, AuditSink, Caller, ChannelApprover, ChatRequest, ChatResponse, Client, Exchange,
    GateDecision, MemoryObserver, Result, Role, ScriptedProvider, ToolCall, ToolCx, ToolGate,
    ToolLoop, Toolbox, async_trait, tool_fn,
};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::json;

#[derive(Deserialize, JsonSchema)]
struct OrderId {
    /// The order number, e.g. A-1001.
    order: String,
}

/// Refunds need a human; everything else may run.
struct RefundsNeedApproval;

#[async_trait]
impl ToolGate for RefundsNeedApproval {
    async fn admit(&self, call: &ToolCall, _cx: &Exchange) -> Result<GateDecision> {
        Ok(if call.name == "refund" {
            GateDecision::RequireApproval {
                reason: "refunds need a human".into(),
            }
        } else {
            GateDecision::Allow
        })
    }
}

/// Prints audit events (llmops-trace's hash-chained audit trail is the real one).
struct PrintAudit;

#[async_trait]
impl AuditSink for PrintAudit {
    async fn record(&self, ev: AuditEvent) -> Result<()> {
        println!(
            "audit: {} by {} on {}: {}",
            ev.kind, ev.actor, ev.subject, ev.reason
        );
        Ok(())
    }
}

/// The scripted model: looks the order up, then refunds it, then answers.
fn model() -> ScriptedProvider {
    let call = |id: &str, name: &str, order: &str| {
        Step::Reply(ChatResponse::new("").with_tool_calls(vec![ToolCall::new(
            id,
            name,
            json!({ "order": order }).to_string(),
        )]))
    };
    ScriptedProvider::new().responder(move |req| {
        let tool_results = req.messages.iter().filter(|m| m.role == Role::Tool).count();
        Some(match tool_results {
            0 => call("call_1", "lookup_order", "A-1001"),
            1 => call("call_2", "refund", "A-1001"),
            _ => Step::Reply(ChatResponse::new(format!(
                "Done: {}",
                req.messages.last().map(|m| m.text()).unwrap_or_default()
            ))),
        })
    })
}

#[tokio::main]
async fn main() -> Result<()> {
    let lookup = tool_fn(
        "lookup_order",
        "Looks an order up",
        |a: OrderId, _cx: ToolCx| async move {
            Ok(json!({ "order": a.order, "status": "delivered", "total_eur": 42 }))
        },
    )?;
    let refund = tool_fn(
        "refund",
        "Refunds an order in full",
        |a: OrderId, cx: ToolCx| async move {
            Ok(format!(
                "order {} refunded for {}",
                a.order,
                cx.caller.user.as_deref().unwrap_or("?")
            ))
        },
    )?;

    // The host side of the approver: in a service, a web handler lists pending approvals and
    // a POST answers one (see docs/tools.md); here a task approves what it receives.
    let (approver, mut inbox) = ChannelApprover::new(16);
    tokio::spawn(async move {
        while let Some(pending) = inbox.recv().await {
            println!(
                "approval #{} asked: {:?} ({})",
                pending.id(),
                pending.request().subject,
                pending.request().reason
            );
            let _ = pending.approve("alice@support-leads", "customer is eligible");
        }
    });

    let records = MemoryObserver::new();
    let client = Client::builder()
        .provider(model())
        .observer(records.clone())
        .build()?;
    let tools = ToolLoop::new(Toolbox::new().with(lookup)?.with(refund)?)
        .gate(RefundsNeedApproval)
        .approver(approver)
        .approval_timeout(Duration::from_secs(120))
        .audit(Arc::new(PrintAudit))
        .max_steps(5)
        .concurrency(4);

    let req = ChatRequest::new("scripted/support")
        .user("Please refund order A-1001.")
        .caller(
            Caller::default()
                .tenant("acme")
                .user("u-42")
                .role("support"),
        );
    let out = tools.run(&client, req).await?;

    println!(
        "stop: {} after {} model turns",
        out.stop.as_str(),
        out.steps
    );
    for r in &out.tool_calls {
        println!(
            "tool {} ({}): {} ok={} approved_by={:?}",
            r.name,
            r.id,
            r.decision.as_str(),
            r.ok,
            r.approved_by
        );
    }
    println!("answer: {}", out.answer().unwrap_or_default());
    for rec in records.records() {
        println!(
            "exchange {}: {} tool call record(s)",
            rec.request_id,
            rec.tool_calls.len()
        );
    }
    assert!(out.is_answered());
    assert_eq!(
        out.tool_calls.get(1).and_then(|r| r.approved_by.as_deref()),
        Some("alice@support-leads")
    );
    Ok(())
}
