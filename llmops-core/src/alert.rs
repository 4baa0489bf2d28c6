//! [`Alert`] and [`AlertSink`]: rules over rolling windows raise alerts; sinks deliver them.

use std::sync::Arc;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::Result;

/// How bad an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// For information.
    Info,
    /// Someone should look.
    Warning,
    /// Someone should act now.
    Critical,
}

/// A raised alert.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Alert {
    /// The rule that fired (`p95_latency`, `error_rate`, `model_drift`, `eval_score_drop` ...).
    pub rule: String,
    /// Severity.
    pub severity: Severity,
    /// When.
    pub at: DateTime<Utc>,
    /// Human-readable summary.
    pub message: String,
    /// The observed value and its baseline, labels (model, feature ...).
    #[serde(default)]
    pub data: Value,
}

impl Alert {
    /// An alert raised now.
    pub fn now(rule: impl Into<String>, severity: Severity, message: impl Into<String>) -> Self {
        Alert {
            rule: rule.into(),
            severity,
            at: Utc::now(),
            message: message.into(),
            data: Value::Null,
        }
    }
}

/// Delivers alerts (a tracing event, a webhook, a pager).
///
/// ```
/// use llmops_core::{async_trait, Alert, AlertSink, Result};
/// struct Log;
/// #[async_trait]
/// impl AlertSink for Log {
///     async fn send(&self, a: &Alert) -> Result<()> { eprintln!("ALERT {}: {}", a.rule, a.message); Ok(()) }
/// }
/// ```
#[async_trait::async_trait]
pub trait AlertSink: Send + Sync + 'static {
    /// Delivers one alert.
    async fn send(&self, alert: &Alert) -> Result<()>;
}

#[async_trait::async_trait]
impl<T: AlertSink + ?Sized> AlertSink for Arc<T> {
    async fn send(&self, alert: &Alert) -> Result<()> {
        (**self).send(alert).await
    }
}
