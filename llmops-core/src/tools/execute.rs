//! One tool call of a turn: offered? → arguments → gate → approval → run (in its span) →
//! guards on the result → the `tool` message and the call's record.

use std::sync::Arc;
use std::time::Instant;

use serde_json::{Value, json};
use tracing::Instrument;

use crate::approval::{ApprovalDecision, ApprovalRequest, ApprovalSubject};
use crate::audit::AuditEvent;
use crate::exchange::Exchange;
use crate::guardrail::{Finding, GuardFinding, GuardInput, TextSource, Verdict};
use crate::tool::{GateDecision, ToolCallRecord, ToolCx};
use crate::types::{Caller, Message, ToolCall};
use crate::{Error, Result};

use super::span;
use super::tool_loop::{LOOP_ACTOR, Offered, ToolLoop};

/// The actor of audited gate decisions.
const GATE_ACTOR: &str = "tool-gate";

/// A handled call: the message for the model and the record.
/// The turn that asked for the calls: its exchange (as the gate sees it) and its caller.
pub(super) struct Turn {
    pub(super) exchange: Exchange,
    pub(super) caller: Arc<Caller>,
}

pub(super) struct Executed {
    pub(super) message: Message,
    pub(super) record: ToolCallRecord,
}

impl Executed {
    fn refused(call: &ToolCall, mut record: ToolCallRecord, error: &str, text: String) -> Self {
        record.error = Some(error.to_owned());
        Executed {
            message: tool_message(call, text, true),
            record,
        }
    }
}

fn tool_message(call: &ToolCall, text: String, is_error: bool) -> Message {
    let mut m = Message::tool_result(call.id.clone(), text);
    m.is_error = is_error;
    m
}

/// A tool's output as the model sees it: a JSON string as it is, anything else as JSON.
fn result_text(v: Value) -> String {
    match v {
        Value::String(s) => s,
        other => other.to_string(),
    }
}

/// The record of one guard decision (categories and highest score; never the text).
fn guard_finding(
    guard: &str,
    action: &str,
    extra: Option<&str>,
    found: &[Finding],
) -> GuardFinding {
    let mut categories: Vec<String> = Vec::new();
    for c in extra
        .into_iter()
        .chain(found.iter().map(|f| f.category.as_str()))
    {
        if !categories.iter().any(|k| k == c) {
            categories.push(c.to_owned());
        }
    }
    GuardFinding::new(
        guard,
        TextSource::ToolResult,
        action,
        categories,
        found.iter().map(|f| f.score).fold(0.0, f32::max),
    )
}

impl ToolLoop {
    /// Handles one call of a turn. `Err` only when the audit sink fails (the call then does not
    /// run).
    pub(super) async fn execute(
        &self,
        call: &ToolCall,
        offered: &Offered,
        t: &Turn,
    ) -> Result<Executed> {
        let turn = &t.exchange;
        let mut record =
            ToolCallRecord::new(call.id.clone(), call.name.clone(), GateDecision::Allow);
        record.requested_in = Some(turn.request_id().to_owned());

        let Some(tool) = offered.get(&call.name) else {
            let reason = format!("no tool named `{}` is available", call.name);
            record.decision = GateDecision::Deny {
                reason: reason.clone(),
            };
            self.audit_event(
                AuditEvent::now("tool.gate", LOOP_ACTOR, call.name.clone())
                    .reason(reason.clone())
                    .data(self.event_data(call, turn, "deny")),
            )
            .await?;
            let text = format!(
                "error: {reason}; the available tools are: {}",
                offered.names.join(", ")
            );
            return Ok(Executed::refused(call, record, "unknown_tool", text));
        };

        let args = match call.args() {
            Ok(a) => a,
            Err(e) => {
                record.decision = GateDecision::Deny {
                    reason: "the arguments are not valid JSON".into(),
                };
                let text = format!(
                    "error: the arguments are not valid JSON ({e}); call again with a JSON object"
                );
                return Ok(Executed::refused(call, record, "invalid_arguments", text));
            }
        };

        if let Some(gate) = &self.gate {
            let decision = match gate.admit(call, turn).await {
                Ok(d) => d,
                Err(e) => GateDecision::Deny {
                    reason: format!("the tool gate failed ({})", e.class().as_str()),
                },
            };
            self.audit_event(
                AuditEvent::now("tool.gate", GATE_ACTOR, call.name.clone())
                    .reason(decision.reason().unwrap_or("allowed"))
                    .data(self.event_data(call, turn, decision.as_str())),
            )
            .await?;
            record.decision = decision;
        }
        match record.decision.clone() {
            GateDecision::Allow => {}
            GateDecision::Deny { reason } => {
                let text = format!("denied: {reason}");
                return Ok(Executed::refused(call, record, "denied", text));
            }
            GateDecision::RequireApproval { reason } => {
                let subject = ApprovalSubject::tool_call(call.name.clone(), args.clone());
                let d = self.approval(call, t, subject, reason).await?;
                let granted = d.approved;
                if granted {
                    record.approved_by = Some(d.by.clone());
                }
                let why = d.reason.clone();
                let timed_out = d
                    == ApprovalDecision {
                        at: d.at,
                        ..ApprovalDecision::timed_out()
                    };
                record.approval = Some(d);
                if !granted {
                    let (error, text) = if timed_out {
                        (
                            "timeout",
                            "denied: nobody approved this call in time".to_owned(),
                        )
                    } else {
                        (
                            "approval_denied",
                            format!("denied: approval was refused ({why})"),
                        )
                    };
                    return Ok(Executed::refused(call, record, error, text));
                }
            }
        }

        // run it
        let tool_span = span::execute_tool_span(&call.name, &call.id, &tool.spec().description);
        let cx = ToolCx::new(turn.request_id(), t.caller.clone(), call.id.clone());
        let t0 = Instant::now();
        let ran = async {
            match self.tool_timeout {
                None => Some(tool.call(args, &cx).await),
                Some(d) => tokio::time::timeout(d, tool.call(args, &cx)).await.ok(),
            }
        }
        .instrument(tool_span.clone())
        .await;
        record.duration = t0.elapsed();
        let text = match ran {
            None => {
                span::record_error(&tool_span, "timeout");
                let text = format!(
                    "error: the tool did not finish within {:?}",
                    self.tool_timeout.unwrap_or_default()
                );
                return Ok(Executed::refused(call, record, "timeout", text));
            }
            Some(Err(e)) => {
                let class = e.class();
                span::record_error(&tool_span, class.as_str());
                let text = format!("error: {e}");
                return Ok(Executed::refused(call, record, class.as_str(), text));
            }
            Some(Ok(v)) => result_text(v),
        };
        record.ok = true;
        let (text, withheld) = self.guard_result(call, t, text, &mut record).await?;
        Ok(Executed {
            message: tool_message(call, text, withheld),
            record,
        })
    }

    /// Runs the result guards in order. Returns the text to send and whether it was withheld.
    async fn guard_result(
        &self,
        call: &ToolCall,
        t: &Turn,
        mut text: String,
        record: &mut ToolCallRecord,
    ) -> Result<(String, bool)> {
        let turn = &t.exchange;
        for g in &self.result_guards {
            let name = g.name();
            let verdict = {
                let mut input = GuardInput::new(&text, TextSource::ToolResult);
                input.exchange = Some(turn);
                g.check(&input).await
            };
            let withhold = match verdict {
                Ok(Verdict::Allow) => None,
                Ok(Verdict::Flag { findings }) => {
                    record
                        .guard_findings
                        .push(guard_finding(name, "flag", None, &findings));
                    None
                }
                Ok(Verdict::Redact { text: t, findings }) => {
                    record
                        .guard_findings
                        .push(guard_finding(name, "redact", None, &findings));
                    text = t;
                    None
                }
                Ok(Verdict::Hold { reason, findings }) => {
                    record
                        .guard_findings
                        .push(guard_finding(name, "hold", None, &findings));
                    let subject = ApprovalSubject::Output { text: text.clone() };
                    let d = self.approval(call, t, subject, reason).await?;
                    (!d.approved).then(|| "held and not approved".to_owned())
                }
                Ok(Verdict::Block {
                    category, findings, ..
                }) => {
                    record.guard_findings.push(guard_finding(
                        name,
                        "block",
                        Some(&category),
                        &findings,
                    ));
                    Some(category)
                }
                Err(e) => {
                    record.guard_findings.push(guard_finding(
                        name,
                        "block",
                        Some("guard_error"),
                        &[],
                    ));
                    Some(format!("the guard failed ({})", e.class().as_str()))
                }
            };
            if let Some(why) = withhold {
                record.error = Some("result_withheld".into());
                let refusal = format!(
                    "[the result of tool `{}` was withheld by guard `{name}`: {why}]",
                    call.name
                );
                return Ok((refusal, true));
            }
        }
        Ok((text, false))
    }

    /// Asks the approver (bounded by the approval timeout, whatever the approver does) and
    /// audits the decision.
    async fn approval(
        &self,
        call: &ToolCall,
        t: &Turn,
        subject: ApprovalSubject,
        reason: String,
    ) -> Result<ApprovalDecision> {
        let turn = &t.exchange;
        let d = match &self.approver {
            None => ApprovalDecision::denied(LOOP_ACTOR, "no approver is configured"),
            Some(a) => {
                let req = ApprovalRequest::new(
                    turn.request_id(),
                    t.caller.clone(),
                    subject,
                    reason,
                    self.approval_timeout,
                );
                match tokio::time::timeout(self.approval_timeout, a.decide(&req)).await {
                    Ok(Ok(d)) => d,
                    Ok(Err(e)) => ApprovalDecision::denied(
                        LOOP_ACTOR,
                        format!("the approver failed ({})", e.class().as_str()),
                    ),
                    Err(_) => ApprovalDecision::timed_out(),
                }
            }
        };
        let mut data = self.event_data(call, turn, if d.approved { "approved" } else { "denied" });
        if let Value::Object(m) = &mut data {
            m.insert("approved".into(), Value::Bool(d.approved));
            m.insert("decided_at".into(), json!(d.at));
        }
        self.audit_event(
            AuditEvent::now("approval", d.by.clone(), call.name.clone())
                .reason(d.reason.clone())
                .data(data),
        )
        .await?;
        Ok(d)
    }

    fn event_data(&self, call: &ToolCall, turn: &Exchange, decision: &str) -> Value {
        let c = turn.caller();
        json!({
            "request_id": turn.request_id(),
            "call_id": call.id,
            "tool": call.name,
            "decision": decision,
            "tenant": c.tenant,
            "user": c.user,
        })
    }

    async fn audit_event(&self, ev: AuditEvent) -> Result<()> {
        match &self.audit {
            None => Ok(()),
            Some(sink) => sink.record(ev).await.map_err(|e| {
                Error::extension(
                    "tools",
                    format!("the audit sink failed, the call did not run: {e}"),
                )
            }),
        }
    }
}
