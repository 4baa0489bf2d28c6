//! [`Tool`], [`ToolGate`] and what the exchange record keeps of tool calls.

use std::sync::Arc;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Result;
use crate::exchange::Exchange;
use crate::types::{Caller, ToolCall, ToolSpec};

/// Context of one tool execution.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ToolCx {
    /// The exchange's request id.
    pub request_id: String,
    /// Who the model acts for.
    pub caller: Arc<Caller>,
    /// The call id.
    pub call_id: String,
}

impl ToolCx {
    /// The context of call `call_id`, made in exchange `request_id` for `caller` (the tool
    /// loop builds these; tests of a tool can too).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use llmops_core::{Caller, ToolCx};
    /// let cx = ToolCx::new("req-1", Arc::new(Caller::default().user("u-1")), "call_1");
    /// assert_eq!(cx.caller.user.as_deref(), Some("u-1"));
    /// ```
    pub fn new(
        request_id: impl Into<String>,
        caller: Arc<Caller>,
        call_id: impl Into<String>,
    ) -> Self {
        ToolCx {
            request_id: request_id.into(),
            caller,
            call_id: call_id.into(),
        }
    }
}

/// A function the model can call.
///
/// ```
/// use llmops_core::{async_trait, Result, Tool, ToolCx, ToolSpec};
/// use serde_json::{json, Value};
/// struct Add(ToolSpec);
/// #[async_trait]
/// impl Tool for Add {
///     fn spec(&self) -> &ToolSpec { &self.0 }
///     async fn call(&self, args: Value, _cx: &ToolCx) -> Result<Value> {
///         let a = args["a"].as_f64().unwrap_or(0.0);
///         let b = args["b"].as_f64().unwrap_or(0.0);
///         Ok(json!(a + b))
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Tool: Send + Sync + 'static {
    /// The definition the model sees.
    fn spec(&self) -> &ToolSpec;
    /// Runs the tool with validated arguments.
    async fn call(&self, args: Value, cx: &ToolCx) -> Result<Value>;
}

#[async_trait::async_trait]
impl<T: Tool + ?Sized> Tool for Arc<T> {
    fn spec(&self) -> &ToolSpec {
        (**self).spec()
    }
    async fn call(&self, args: Value, cx: &ToolCx) -> Result<Value> {
        (**self).call(args, cx).await
    }
}

/// A gate's decision about a tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
#[non_exhaustive]
pub enum GateDecision {
    /// Run it.
    Allow,
    /// Refuse it (the model receives the reason as the tool result).
    Deny {
        /// Why.
        reason: String,
    },
    /// Ask an `Approver` first.
    RequireApproval {
        /// Why approval is needed.
        reason: String,
    },
}

impl GateDecision {
    /// `allow`, `deny` or `require_approval`.
    ///
    /// ```
    /// use llmops_core::GateDecision;
    /// assert_eq!(GateDecision::Deny { reason: "no".into() }.as_str(), "deny");
    /// ```
    pub fn as_str(&self) -> &'static str {
        match self {
            GateDecision::Allow => "allow",
            GateDecision::Deny { .. } => "deny",
            GateDecision::RequireApproval { .. } => "require_approval",
        }
    }

    /// The reason, if the decision has one.
    pub fn reason(&self) -> Option<&str> {
        match self {
            GateDecision::Allow => None,
            GateDecision::Deny { reason } | GateDecision::RequireApproval { reason } => {
                Some(reason)
            }
        }
    }
}

/// Decides whether a tool call may run (policy, argument checks, rate limits, approvals).
///
/// The tool loop (`tools::ToolLoop`, feature `tools`) asks the gate about every call of a
/// model turn before anything runs, and passes as `cx` the exchange of the turn that asked
/// for the call: its request id, caller, requested model, prompt version and trace id (a
/// view rebuilt from that turn's response, as the turn's own exchange is finalised by then;
/// layer state such as attempts or extensions is not carried over). The gate decides from
/// the caller and its own configuration only: nothing a tool returned reaches it except the
/// model's next call itself. An `Err` from the gate denies the call (fail closed).
///
/// ```
/// use llmops_core::{async_trait, Exchange, GateDecision, Result, ToolCall, ToolGate};
/// struct NoEmail;
/// #[async_trait]
/// impl ToolGate for NoEmail {
///     async fn admit(&self, call: &ToolCall, _cx: &Exchange) -> Result<GateDecision> {
///         Ok(if call.name == "send_email" {
///             GateDecision::Deny { reason: "email is not allowed here".into() }
///         } else { GateDecision::Allow })
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait ToolGate: Send + Sync + 'static {
    /// Decides about one call.
    async fn admit(&self, call: &ToolCall, cx: &Exchange) -> Result<GateDecision>;
}

#[async_trait::async_trait]
impl<T: ToolGate + ?Sized> ToolGate for Arc<T> {
    async fn admit(&self, call: &ToolCall, cx: &Exchange) -> Result<GateDecision> {
        (**self).admit(call, cx).await
    }
}

/// What the exchange record keeps of one tool call (never its arguments or result: they
/// may carry personal data; the audit trail and spans carry names, ids and decisions).
///
/// The tool loop puts the records of a turn's calls on the exchange of the next model turn
/// (the one whose request carries their results), so each is in exactly one
/// [`ExchangeRecord`](crate::ExchangeRecord).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolCallRecord {
    /// Call id.
    pub id: String,
    /// Tool name.
    pub name: String,
    /// The gate's decision; a call the loop refused itself (a tool that is not offered,
    /// arguments that are not JSON) is recorded as `Deny` with the loop's reason.
    pub decision: GateDecision,
    /// Who approved, when an approval was needed and granted.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// The approver's decision (who, when, why; granted or not), when one was asked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<crate::approval::ApprovalDecision>,
    /// Whether the tool ran and succeeded.
    pub ok: bool,
    /// Why it did not (`unknown_tool`, `invalid_arguments`, `denied`, `approval_denied`,
    /// `timeout`, or the tool error's class), when `ok` is false.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The request id of the model turn that asked for the call.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requested_in: Option<String>,
    /// What the guards on tool results decided about its result (in guard order).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guard_findings: Vec<crate::guardrail::GuardFinding>,
    /// How long it ran.
    #[serde(with = "crate::serde_util::duration_ms")]
    pub duration: Duration,
}

impl ToolCallRecord {
    /// A record of call `id` to tool `name` with the gate's `decision` (not run yet: `ok` is
    /// false, no approval, no duration).
    ///
    /// ```
    /// use llmops_core::{GateDecision, ToolCallRecord};
    /// let r = ToolCallRecord::new("call_1", "search", GateDecision::Allow);
    /// assert!(!r.ok && r.approved_by.is_none());
    /// ```
    pub fn new(id: impl Into<String>, name: impl Into<String>, decision: GateDecision) -> Self {
        ToolCallRecord {
            id: id.into(),
            name: name.into(),
            decision,
            approved_by: None,
            approval: None,
            ok: false,
            error: None,
            requested_in: None,
            guard_findings: Vec::new(),
            duration: Duration::ZERO,
        }
    }
}
