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

/// Decides whether a tool call may run (policy, argument checks, rate limits, approvals).
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

/// What the exchange record keeps of one tool call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ToolCallRecord {
    /// Call id.
    pub id: String,
    /// Tool name.
    pub name: String,
    /// The gate's decision.
    pub decision: GateDecision,
    /// Who approved, when an approval was needed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approved_by: Option<String>,
    /// Whether the tool ran and succeeded.
    pub ok: bool,
    /// How long it ran.
    #[serde(with = "crate::serde_util::duration_ms")]
    pub duration: Duration,
}
