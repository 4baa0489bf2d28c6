//! [`AuditEvent`] and [`AuditSink`]: the append-only trail of who did what, when, and why.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Result;

/// One audited action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuditEvent {
    /// When.
    pub at: DateTime<Utc>,
    /// What kind (`exchange`, `prompt.promote`, `prompt.rollback`, `budget.refuse`,
    /// `guard.block`, `tool.gate`, `approval` ...).
    pub kind: String,
    /// Who acted (user, service, approver).
    pub actor: String,
    /// On what (request id, prompt name, tool ...).
    pub subject: String,
    /// Why.
    #[serde(default)]
    pub reason: String,
    /// Details.
    #[serde(default)]
    pub data: Value,
}

impl AuditEvent {
    /// An event happening now.
    pub fn now(
        kind: impl Into<String>,
        actor: impl Into<String>,
        subject: impl Into<String>,
    ) -> Self {
        AuditEvent {
            at: Utc::now(),
            kind: kind.into(),
            actor: actor.into(),
            subject: subject.into(),
            reason: String::new(),
            data: Value::Null,
        }
    }

    /// With a reason.
    #[must_use]
    pub fn reason(mut self, r: impl Into<String>) -> Self {
        self.reason = r.into();
        self
    }

    /// With details.
    #[must_use]
    pub fn data(mut self, d: Value) -> Self {
        self.data = d;
        self
    }
}

/// Receives audit events. An audit sink never drops: when it cannot keep up it makes the
/// caller wait.
///
/// ```
/// use llmops_core::{async_trait, AuditEvent, AuditSink, Result};
/// struct Stderr;
/// #[async_trait]
/// impl AuditSink for Stderr {
///     async fn record(&self, ev: AuditEvent) -> Result<()> {
///         eprintln!("{} {} {} {}", ev.at, ev.kind, ev.actor, ev.subject);
///         Ok(())
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait AuditSink: Send + Sync + 'static {
    /// Appends one event.
    async fn record(&self, ev: AuditEvent) -> Result<()>;
    /// Waits until every event is durable.
    async fn flush(&self) -> Result<()> {
        Ok(())
    }
}

#[async_trait::async_trait]
impl<T: AuditSink + ?Sized> AuditSink for Arc<T> {
    async fn record(&self, ev: AuditEvent) -> Result<()> {
        (**self).record(ev).await
    }
    async fn flush(&self) -> Result<()> {
        (**self).flush().await
    }
}
