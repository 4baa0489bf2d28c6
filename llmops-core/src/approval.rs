//! [`Approver`]: a human (or a policy) decides about a held output or a high-risk tool call.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Result;
use crate::types::Caller;

/// What needs approving.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum ApprovalSubject {
    /// A tool call.
    ToolCall {
        /// Tool name.
        name: String,
        /// Its arguments.
        arguments: Value,
    },
    /// A held output.
    Output {
        /// The text.
        text: String,
    },
    /// A prompt promotion.
    Promotion {
        /// Prompt name.
        prompt: String,
        /// Version.
        version: u32,
        /// Target label.
        label: String,
    },
}

/// A request for a decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApprovalRequest {
    /// The exchange (or operation) id.
    pub request_id: String,
    /// Who the action is for.
    pub caller: Arc<Caller>,
    /// What is to be approved.
    pub subject: ApprovalSubject,
    /// Why approval is needed.
    pub reason: String,
    /// How long to wait before denying.
    #[serde(with = "crate::serde_util::duration_ms")]
    pub timeout: Duration,
}

impl ApprovalRequest {
    /// A request to approve `subject` for `caller` in exchange `request_id`, denied after
    /// `timeout`.
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use llmops_core::{ApprovalRequest, ApprovalSubject, Caller};
    /// let subject = ApprovalSubject::Output { text: "the answer".into() };
    /// let req = ApprovalRequest::new("req-1", Arc::new(Caller::default()), subject, "held by a guard", Duration::from_secs(60));
    /// assert_eq!(req.timeout, Duration::from_secs(60));
    /// ```
    pub fn new(
        request_id: impl Into<String>,
        caller: Arc<Caller>,
        subject: ApprovalSubject,
        reason: impl Into<String>,
        timeout: Duration,
    ) -> Self {
        ApprovalRequest {
            request_id: request_id.into(),
            caller,
            subject,
            reason: reason.into(),
            timeout,
        }
    }
}

/// A decision: who decided, when, why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ApprovalDecision {
    /// Approved or not.
    pub approved: bool,
    /// Who decided (`"timeout"` when nobody did).
    pub by: String,
    /// When.
    pub at: DateTime<Utc>,
    /// Why.
    pub reason: String,
}

impl ApprovalDecision {
    /// A denial because nobody decided in time.
    pub fn timed_out() -> Self {
        ApprovalDecision {
            approved: false,
            by: "timeout".into(),
            at: Utc::now(),
            reason: "no decision in time".into(),
        }
    }
}

/// Decides approval requests. Implementations deny on timeout.
///
/// ```
/// use llmops_core::{async_trait, ApprovalDecision, ApprovalRequest, Approver, Result};
/// struct DenyAll;
/// #[async_trait]
/// impl Approver for DenyAll {
///     async fn decide(&self, _req: &ApprovalRequest) -> Result<ApprovalDecision> {
///         Ok(ApprovalDecision::timed_out())
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Approver: Send + Sync + 'static {
    /// Waits for a decision (deny when `req.timeout` passes).
    async fn decide(&self, req: &ApprovalRequest) -> Result<ApprovalDecision>;
}

#[async_trait::async_trait]
impl<T: Approver + ?Sized> Approver for Arc<T> {
    async fn decide(&self, req: &ApprovalRequest) -> Result<ApprovalDecision> {
        (**self).decide(req).await
    }
}
