//! [`ModelDrift`]: notices when a provider silently changes the model behind a name.
//!
//! A provider update produces no error: the same request for `openai/gpt-4o` is simply answered
//! by `gpt-4o-2024-11-20` instead of `gpt-4o-2024-08-06`, or with a new system fingerprint. This
//! observer tracks, per requested model, the model (and fingerprint) that actually answered;
//! a change raises a `model_drift` [`Alert`] and, when an audit sink is given, a `model.drift`
//! audit event.
//!
//! ```
//! use std::sync::Arc;
//! use llmops_trace::{ModelDrift, TracingAlerts};
//! let drift = ModelDrift::new(Arc::new(TracingAlerts), None).unwrap();
//! // Client::builder().observer(drift.clone()) …; drift.baselines() shows what answers each model
//! # let _ = drift;
//! ```

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use llmops_core::{Alert, AlertSink, AuditEvent, AuditSink, ExchangeRecord, Observer, Severity};

use crate::error::{Error, Result};
use crate::queue::{Queue, WhenFull};

/// An [`AlertSink`] that emits each alert as a `tracing` warning (target `llmops::alert`): the
/// default sink, picked up by whatever subscriber the host installed.
#[derive(Debug, Clone, Copy, Default)]
pub struct TracingAlerts;

#[async_trait::async_trait]
impl AlertSink for TracingAlerts {
    async fn send(&self, a: &Alert) -> llmops_core::Result<()> {
        tracing::warn!(target: "llmops::alert", rule = %a.rule, severity = ?a.severity, data = %a.data, "{}", a.message);
        Ok(())
    }
}

/// What answers a requested model.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Baseline {
    /// The model the provider reported.
    pub model: String,
    /// The provider's system fingerprint, when it sends one.
    pub fingerprint: Option<String>,
    /// The exchange that established it.
    pub request_id: String,
}

struct Seen {
    requested: String,
    answered: String,
    fingerprint: Option<String>,
    request_id: String,
}

/// The drift observer. Cheap to clone.
#[derive(Clone)]
pub struct ModelDrift {
    queue: Arc<Queue<Seen>>,
    baselines: Arc<Mutex<BTreeMap<String, Baseline>>>,
}

impl std::fmt::Debug for ModelDrift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ModelDrift")
            .field("baselines", &self.baselines())
            .finish()
    }
}

impl ModelDrift {
    /// Starts the detector; alerts (and audit events) are delivered from its own thread.
    pub fn new(alerts: Arc<dyn AlertSink>, audit: Option<Arc<dyn AuditSink>>) -> Result<Self> {
        let baselines: Arc<Mutex<BTreeMap<String, Baseline>>> = Arc::default();
        let state = baselines.clone();
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::io("model-drift runtime", e))?;
        let queue = Queue::spawn(
            "model-drift",
            4096,
            WhenFull::Block,
            move |s: Seen| {
                let previous = {
                    let mut b = match state.lock() {
                        Ok(b) => b,
                        Err(p) => p.into_inner(),
                    };
                    let new = Baseline {
                        model: s.answered.clone(),
                        fingerprint: s.fingerprint.clone(),
                        request_id: s.request_id.clone(),
                    };
                    match b.get(&s.requested) {
                        None => {
                            b.insert(s.requested.clone(), new);
                            None
                        }
                        Some(old)
                            if old.model != s.answered
                                || fingerprint_changed(&old.fingerprint, &s.fingerprint) =>
                        {
                            let old = old.clone();
                            b.insert(s.requested.clone(), new);
                            Some(old)
                        }
                        Some(_) => None,
                    }
                };
                let Some(old) = previous else { return };
                let data = serde_json::json!({
                    "requested": s.requested,
                    "before": {"model": old.model, "fingerprint": old.fingerprint, "request_id": old.request_id},
                    "after": {"model": s.answered, "fingerprint": s.fingerprint, "request_id": s.request_id},
                });
                let mut alert = Alert::now(
                    "model_drift",
                    Severity::Warning,
                    format!(
                        "`{}` is now answered by `{}` (was `{}`)",
                        s.requested, s.answered, old.model
                    ),
                );
                alert.data = data.clone();
                rt.block_on(async {
                    if let Err(e) = alerts.send(&alert).await {
                        tracing::error!(error = %e, "model-drift alert not delivered");
                    }
                    if let Some(audit) = &audit {
                        let ev = AuditEvent::now("model.drift", "llmops", s.requested.clone())
                            .reason(alert.message.clone())
                            .data(data);
                        if let Err(e) = audit.record(ev).await {
                            tracing::error!(error = %e, "model-drift audit event not recorded");
                        }
                    }
                });
            },
            || Ok(()),
        )?;
        Ok(ModelDrift {
            queue: Arc::new(queue),
            baselines,
        })
    }

    /// What currently answers each requested model.
    pub fn baselines(&self) -> BTreeMap<String, Baseline> {
        match self.baselines.lock() {
            Ok(b) => b.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
}

fn fingerprint_changed(old: &Option<String>, new: &Option<String>) -> bool {
    matches!((old, new), (Some(a), Some(b)) if a != b)
}

#[async_trait::async_trait]
impl Observer for ModelDrift {
    fn name(&self) -> &str {
        "model-drift"
    }

    fn on_finish(&self, rec: &ExchangeRecord) {
        // exchanges without a reported model (failed, cancelled early) say nothing
        let Some(answered) = rec.model_answered.clone() else {
            return;
        };
        self.queue.push(Seen {
            requested: rec.model_requested.clone(),
            answered,
            fingerprint: rec
                .response
                .as_ref()
                .and_then(|r| r.system_fingerprint.clone()),
            request_id: rec.request_id.clone(),
        });
    }

    async fn flush(&self) -> llmops_core::Result<()> {
        Ok(self.queue.flush().await?)
    }
}
