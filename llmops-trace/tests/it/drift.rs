//! Model drift: a silent change of the answering model raises one alert and one audit event.

use std::sync::{Arc, Mutex};

use llmops_core::*;
use llmops_trace::{AuditLog, ModelDrift, audit};

#[derive(Default)]
struct Collect(Mutex<Vec<Alert>>);

#[async_trait]
impl AlertSink for Collect {
    async fn send(&self, a: &Alert) -> Result<()> {
        self.0.lock().unwrap().push(a.clone());
        Ok(())
    }
}

fn answered_by(model: &str, fingerprint: Option<&str>) -> ChatResponse {
    let mut r = ChatResponse::new("ok");
    r.meta.model_answered = Some(model.into());
    r.system_fingerprint = fingerprint.map(Into::into);
    r
}

#[tokio::test]
async fn a_silent_model_change_is_alerted_and_audited_once() {
    let dir = tempfile::tempdir().unwrap();
    let trail = AuditLog::open(dir.path().join("audit.jsonl")).unwrap();
    let alerts = Arc::new(Collect::default());
    let drift = ModelDrift::new(alerts.clone(), Some(Arc::new(trail.clone()))).unwrap();
    let p = ScriptedProvider::new()
        .reply_with(answered_by("gpt-4o-2024-08-06", Some("fp_1")))
        .reply_with(answered_by("gpt-4o-2024-08-06", Some("fp_1")))
        .reply_with(answered_by("gpt-4o-2024-11-20", Some("fp_1")))
        .reply_with(answered_by("gpt-4o-2024-11-20", Some("fp_1")))
        .reply_with(answered_by("gpt-4o-2024-11-20", Some("fp_2")))
        .reply_with(answered_by("other", None))
        .fail(ProviderErrorKind::Server);
    let c = Client::builder()
        .provider(p)
        .observer(drift.clone())
        .build()
        .unwrap();
    for _ in 0..5 {
        c.chat(ChatRequest::new("scripted/gpt-4o").user("x"))
            .await
            .unwrap();
    }
    c.chat(ChatRequest::new("scripted/other").user("x"))
        .await
        .unwrap();
    assert!(
        c.chat(ChatRequest::new("scripted/gpt-4o").user("x"))
            .await
            .is_err()
    );
    c.flush().await.unwrap();

    let got = alerts.0.lock().unwrap().clone();
    assert_eq!(got.len(), 2, "{got:#?}");
    assert_eq!(got[0].rule, "model_drift");
    assert!(
        got[0].message.contains("gpt-4o-2024-11-20")
            && got[0].message.contains("gpt-4o-2024-08-06")
    );
    assert_eq!(got[1].data["before"]["fingerprint"], "fp_1");
    assert_eq!(got[1].data["after"]["fingerprint"], "fp_2");
    let b = drift.baselines();
    assert_eq!(b["scripted/gpt-4o"].model, "gpt-4o-2024-11-20");
    assert_eq!(b["scripted/other"].model, "other");
    let entries = audit::tail(trail.path(), 10).unwrap();
    assert_eq!(
        entries
            .iter()
            .filter(|e| e.event.kind == "model.drift")
            .count(),
        2
    );
    assert_eq!(audit::verify(trail.path()).unwrap().records, 2);
}

#[tokio::test]
async fn alert_rules_see_every_exchange_through_the_client() {
    use llmops_trace::{AlertRules, Rule};
    let alerts = Arc::new(Collect::default());
    let rules = AlertRules::new(
        alerts.clone(),
        vec![Rule::ErrorRate {
            window: std::time::Duration::from_secs(60),
            max: 0.5,
            min_requests: 10,
        }],
    )
    .unwrap();
    let mut p = ScriptedProvider::new();
    for i in 0..30 {
        p = if i % 4 == 0 {
            p.reply("ok")
        } else {
            p.fail(ProviderErrorKind::Server)
        };
    }
    let c = Client::builder()
        .provider(p)
        .observer(rules)
        .build()
        .unwrap();
    for _ in 0..30 {
        let _ = c.chat(ChatRequest::new("scripted/m").user("x")).await;
    }
    c.flush().await.unwrap();
    let got = alerts.0.lock().unwrap().clone();
    assert_eq!(got.len(), 1, "one alert per rule per window: {got:#?}");
    assert_eq!(got[0].rule, "error_rate");
}
