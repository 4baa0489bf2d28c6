//! [`Approver`]: a human (or a policy) decides about a held output or a high-risk tool call;
//! [`ChannelApprover`]: an approver a host UI serves through an [`ApprovalInbox`].

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
    /// A request to approve `subject` for `caller` in exchange `request_id`, denied when
    /// nobody decides within `timeout`.
    ///
    /// ```
    /// use std::{sync::Arc, time::Duration};
    /// use llmops_core::{ApprovalRequest, ApprovalSubject, Caller};
    /// let req = ApprovalRequest::new(
    ///     "req-1",
    ///     Arc::new(Caller::default().user("u-1")),
    ///     ApprovalSubject::tool_call("refund", serde_json::json!({"order": "A-1"})),
    ///     "refunds need a human",
    ///     Duration::from_secs(60),
    /// );
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

impl ApprovalSubject {
    /// A tool call with its arguments.
    pub fn tool_call(name: impl Into<String>, arguments: Value) -> Self {
        ApprovalSubject::ToolCall {
            name: name.into(),
            arguments,
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
    /// An approval by `by`, now.
    ///
    /// ```
    /// use llmops_core::ApprovalDecision;
    /// let d = ApprovalDecision::approved("alice@ops", "refund is within policy");
    /// assert!(d.approved && d.by == "alice@ops");
    /// assert!(!ApprovalDecision::denied("bob", "no").approved);
    /// ```
    pub fn approved(by: impl Into<String>, reason: impl Into<String>) -> Self {
        ApprovalDecision {
            approved: true,
            by: by.into(),
            at: Utc::now(),
            reason: reason.into(),
        }
    }

    /// A denial by `by`, now.
    pub fn denied(by: impl Into<String>, reason: impl Into<String>) -> Self {
        ApprovalDecision {
            approved: false,
            by: by.into(),
            at: Utc::now(),
            reason: reason.into(),
        }
    }

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

/// Who [`ChannelApprover`] names as the decider when no human decided (inbox closed,
/// responder dropped).
pub const CHANNEL_APPROVER: &str = "channel-approver";

/// An [`Approver`] a host serves: every request goes to an [`ApprovalInbox`] as a
/// [`PendingApproval`], and the host (a web handler, a chat bot, a CLI prompt) answers it with
/// [`approve`](PendingApproval::approve) or [`deny`](PendingApproval::deny).
///
/// Deny by default: no answer within the request's timeout is
/// [`ApprovalDecision::timed_out`]; a pending approval dropped unanswered, or an inbox that is
/// closed, is a denial by [`CHANNEL_APPROVER`] with a reason saying which. At most `capacity`
/// requests wait in the inbox; more wait for room (within their timeout).
///
/// ```
/// use std::{sync::Arc, time::Duration};
/// use llmops_core::{ApprovalRequest, ApprovalSubject, Approver, Caller, ChannelApprover};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let (approver, mut inbox) = ChannelApprover::new(16);
/// // the host side: a task (or a web handler) that serves the inbox
/// tokio::spawn(async move {
///     while let Some(pending) = inbox.recv().await {
///         let ok = matches!(&pending.request().subject, ApprovalSubject::ToolCall { name, .. } if name == "refund");
///         let _ = if ok { pending.approve("alice@ops", "within policy") } else { pending.deny("alice@ops", "not this one") };
///     }
/// });
/// let req = ApprovalRequest::new("req-1", Arc::new(Caller::default()),
///     ApprovalSubject::tool_call("refund", serde_json::json!({})), "refunds need a human",
///     Duration::from_secs(30));
/// let d = approver.decide(&req).await?;
/// assert!(d.approved);
/// assert_eq!(d.by, "alice@ops");
/// # Ok::<(), llmops_core::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone)]
pub struct ChannelApprover {
    tx: tokio::sync::mpsc::Sender<PendingApproval>,
    next_id: Arc<std::sync::atomic::AtomicU64>,
}

/// The host's end of a [`ChannelApprover`]: pending approvals, oldest first. Dropping it
/// denies every request still waiting and every later one.
#[derive(Debug)]
pub struct ApprovalInbox {
    rx: tokio::sync::mpsc::Receiver<PendingApproval>,
}

/// One request waiting for a decision, with the one-shot responder that delivers it.
#[derive(Debug)]
pub struct PendingApproval {
    id: u64,
    request: ApprovalRequest,
    responder: ApprovalResponder,
}

/// Delivers the decision about one [`PendingApproval`] (once). Dropping it unanswered denies
/// the request.
#[derive(Debug)]
pub struct ApprovalResponder {
    tx: tokio::sync::oneshot::Sender<ApprovalDecision>,
}

impl ChannelApprover {
    /// An approver and the inbox that serves it; at most `capacity` (at least 1) requests
    /// wait in the inbox at a time.
    pub fn new(capacity: usize) -> (ChannelApprover, ApprovalInbox) {
        let (tx, rx) = tokio::sync::mpsc::channel(capacity.max(1));
        (
            ChannelApprover {
                tx,
                next_id: Arc::new(std::sync::atomic::AtomicU64::new(1)),
            },
            ApprovalInbox { rx },
        )
    }

    async fn wait(&self, req: &ApprovalRequest) -> ApprovalDecision {
        let (tx, rx) = tokio::sync::oneshot::channel();
        let pending = PendingApproval {
            id: self
                .next_id
                .fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            request: req.clone(),
            responder: ApprovalResponder { tx },
        };
        if self.tx.send(pending).await.is_err() {
            return ApprovalDecision::denied(
                CHANNEL_APPROVER,
                "no approval inbox is open (it was dropped)",
            );
        }
        match rx.await {
            Ok(d) => d,
            Err(_) => ApprovalDecision::denied(
                CHANNEL_APPROVER,
                "the pending approval was dropped without a decision",
            ),
        }
    }
}

#[async_trait::async_trait]
impl Approver for ChannelApprover {
    async fn decide(&self, req: &ApprovalRequest) -> Result<ApprovalDecision> {
        match tokio::time::timeout(req.timeout, self.wait(req)).await {
            Ok(d) => Ok(d),
            Err(_) => Ok(ApprovalDecision::timed_out()),
        }
    }
}

impl ApprovalInbox {
    /// The next pending approval; `None` once every [`ChannelApprover`] clone is dropped.
    pub async fn recv(&mut self) -> Option<PendingApproval> {
        self.rx.recv().await
    }

    /// The next pending approval if one is waiting now.
    pub fn try_recv(&mut self) -> Option<PendingApproval> {
        self.rx.try_recv().ok()
    }

    /// Closes the inbox: requests still queued and later ones are denied.
    pub fn close(&mut self) {
        self.rx.close();
    }
}

impl PendingApproval {
    /// A number unique per [`ChannelApprover`] (and its clones), to address this approval
    /// from a UI.
    pub fn id(&self) -> u64 {
        self.id
    }

    /// What is to be approved.
    pub fn request(&self) -> &ApprovalRequest {
        &self.request
    }

    /// Whether the requester stopped waiting (timed out or cancelled): a decision now is
    /// too late.
    pub fn is_expired(&self) -> bool {
        self.responder.tx.is_closed()
    }

    /// Approves, by `by` (who decided) for `reason`. `Err` gives the decision back when the
    /// requester no longer waits (the request timed out or was cancelled).
    pub fn approve(
        self,
        by: impl Into<String>,
        reason: impl Into<String>,
    ) -> std::result::Result<(), ApprovalDecision> {
        self.responder.approve(by, reason)
    }

    /// Denies, by `by` for `reason` (`Err` as for [`approve`](PendingApproval::approve)).
    pub fn deny(
        self,
        by: impl Into<String>,
        reason: impl Into<String>,
    ) -> std::result::Result<(), ApprovalDecision> {
        self.responder.deny(by, reason)
    }

    /// The request and its responder, to keep the responder (in a map keyed by
    /// [`id`](PendingApproval::id), say) while a UI shows the request.
    pub fn into_parts(self) -> (u64, ApprovalRequest, ApprovalResponder) {
        (self.id, self.request, self.responder)
    }
}

impl ApprovalResponder {
    /// Approves (see [`PendingApproval::approve`]).
    pub fn approve(
        self,
        by: impl Into<String>,
        reason: impl Into<String>,
    ) -> std::result::Result<(), ApprovalDecision> {
        self.tx.send(ApprovalDecision::approved(by, reason))
    }

    /// Denies (see [`PendingApproval::deny`]).
    pub fn deny(
        self,
        by: impl Into<String>,
        reason: impl Into<String>,
    ) -> std::result::Result<(), ApprovalDecision> {
        self.tx.send(ApprovalDecision::denied(by, reason))
    }

    /// Sends a decision made elsewhere.
    pub fn send(self, d: ApprovalDecision) -> std::result::Result<(), ApprovalDecision> {
        self.tx.send(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(timeout: Duration) -> ApprovalRequest {
        ApprovalRequest::new(
            "req-1",
            Arc::new(Caller::default().user("u-1")),
            ApprovalSubject::tool_call("refund", serde_json::json!({"order": "A-1"})),
            "refunds need a human",
            timeout,
        )
    }

    #[tokio::test]
    async fn approve_reaches_the_requester_with_who_and_why() {
        let (approver, mut inbox) = ChannelApprover::new(4);
        let host = tokio::spawn(async move {
            let p = inbox.recv().await.unwrap();
            assert_eq!(p.request().reason, "refunds need a human");
            assert!(!p.is_expired());
            p.approve("alice", "ok by policy").unwrap();
        });
        let d = approver.decide(&req(Duration::from_secs(5))).await.unwrap();
        host.await.unwrap();
        assert!(d.approved);
        assert_eq!(
            (d.by.as_str(), d.reason.as_str()),
            ("alice", "ok by policy")
        );
    }

    #[tokio::test]
    async fn deny_reaches_the_requester() {
        let (approver, mut inbox) = ChannelApprover::new(4);
        tokio::spawn(async move {
            let (id, _req, responder) = inbox.recv().await.unwrap().into_parts();
            assert_eq!(id, 1);
            responder.deny("bob", "not today").unwrap();
        });
        let d = approver.decide(&req(Duration::from_secs(5))).await.unwrap();
        assert!(!d.approved);
        assert_eq!(d.by, "bob");
    }

    #[tokio::test(start_paused = true)]
    async fn no_answer_in_time_is_a_timeout_denial_and_a_late_answer_comes_back() {
        let (approver, mut inbox) = ChannelApprover::new(4);
        let d = approver
            .decide(&req(Duration::from_secs(30)))
            .await
            .unwrap();
        assert_eq!(
            d,
            ApprovalDecision {
                at: d.at,
                ..ApprovalDecision::timed_out()
            }
        );
        let late = inbox.recv().await.unwrap();
        assert!(late.is_expired());
        let back = late.approve("alice", "sorry, late").unwrap_err();
        assert!(back.approved, "the undelivered decision is handed back");
    }

    #[tokio::test]
    async fn a_dropped_pending_approval_is_a_denial() {
        let (approver, mut inbox) = ChannelApprover::new(4);
        tokio::spawn(async move {
            let p = inbox.recv().await.unwrap();
            drop(p);
            // keep the inbox open so only the responder is gone
            let _ = inbox.recv().await;
        });
        let d = approver.decide(&req(Duration::from_secs(5))).await.unwrap();
        assert!(!d.approved);
        assert_eq!(d.by, CHANNEL_APPROVER);
        assert!(
            d.reason.contains("dropped without a decision"),
            "{}",
            d.reason
        );
    }

    #[tokio::test]
    async fn a_closed_inbox_is_a_denial() {
        let (approver, inbox) = ChannelApprover::new(4);
        drop(inbox);
        let d = approver.decide(&req(Duration::from_secs(5))).await.unwrap();
        assert!(!d.approved);
        assert_eq!(d.by, CHANNEL_APPROVER);
        assert!(d.reason.contains("no approval inbox"), "{}", d.reason);

        let (approver, mut inbox) = ChannelApprover::new(4);
        inbox.close();
        let d = approver.decide(&req(Duration::from_secs(5))).await.unwrap();
        assert!(!d.approved && d.reason.contains("no approval inbox"));
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_inbox_waits_for_room_within_the_timeout() {
        let (approver, mut inbox) = ChannelApprover::new(1);
        let a = approver.clone();
        let first = tokio::spawn(async move { a.decide(&req(Duration::from_secs(10))).await });
        tokio::task::yield_now().await;
        // the second waits for room, then times out: nobody serves the inbox
        let d = approver
            .decide(&req(Duration::from_secs(10)))
            .await
            .unwrap();
        assert_eq!(d.by, "timeout");
        assert!(!first.await.unwrap().unwrap().approved);
        assert!(inbox.try_recv().is_some());
    }
}
