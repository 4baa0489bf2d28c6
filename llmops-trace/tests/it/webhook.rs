//! `WebhookAlerts` against a wiremock server on 127.0.0.1, and `Debounced` storms.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, Utc};
use llmops_core::{Alert, AlertSink, Severity, async_trait};
use llmops_trace::{Debounced, PayloadFormat, WebhookAlerts, WebhookError};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "Bearer sk-very-secret-42";

fn t(secs: i64) -> DateTime<Utc> {
    DateTime::UNIX_EPOCH + chrono::Duration::seconds(1_700_000_000 + secs)
}

fn alert(rule: &str, key: Option<&str>, secs: i64) -> Alert {
    let mut a = Alert::now(rule, Severity::Critical, format!("{rule} fired"));
    a.at = t(secs);
    a.data = match key {
        Some(k) => json!({"key": k, "value": 0.78, "baseline": 0.91}),
        None => json!({"value": 0.2}),
    };
    a
}

fn hook(server: &MockServer) -> llmops_trace::WebhookAlertsBuilder {
    WebhookAlerts::builder(format!("{}/hook", server.uri()))
        .header("Authorization", TOKEN)
        .backoff(Duration::from_millis(10))
}

#[tokio::test]
async fn the_body_is_the_alert_json_and_headers_arrive() {
    let server = MockServer::start().await;
    let a = alert("eval_score_drop", Some("gpt-4o"), 0);
    Mock::given(method("POST"))
        .and(path("/hook"))
        .and(header("authorization", TOKEN))
        .and(header("x-team", "llm-platform"))
        .and(header("content-type", "application/json"))
        .and(body_json(serde_json::to_value(&a).unwrap()))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let sink = hook(&server)
        .header("X-Team", "llm-platform")
        .build()
        .unwrap();
    sink.send(&a).await.unwrap();

    let got = server.received_requests().await.unwrap();
    let body: serde_json::Value = serde_json::from_slice(&got[0].body).unwrap();
    assert_eq!(body["rule"], "eval_score_drop");
    assert_eq!(body["severity"], "critical");
    assert_eq!(body["data"]["key"], "gpt-4o");
    let back: Alert = serde_json::from_value(body).unwrap();
    assert_eq!(back, a);
}

#[tokio::test]
async fn slack_format_sends_text() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .and(body_json(
            json!({"text": "[critical] error_rate: error_rate fired"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string("ok"))
        .expect(1)
        .mount(&server)
        .await;
    let sink = hook(&server).format(PayloadFormat::Slack).build().unwrap();
    sink.send(&alert("error_rate", None, 0)).await.unwrap();
}

#[tokio::test]
async fn a_503_is_retried_then_succeeds() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let sink = hook(&server).build().unwrap();
    sink.post(&alert("error_rate", None, 0)).await.unwrap();
}

#[tokio::test]
async fn a_429_honours_retry_after_and_gives_up_after_the_retries() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .expect(3)
        .mount(&server)
        .await;
    let sink = hook(&server).retries(2).build().unwrap();
    let e = sink.post(&alert("error_rate", None, 0)).await.unwrap_err();
    assert_eq!(e.status(), Some(429));
    assert!(
        matches!(e, WebhookError::Status { attempts: 3, .. }),
        "{e:?}"
    );
    assert!(e.is_retryable());
}

#[tokio::test]
async fn a_400_is_a_typed_error_naming_status_and_url_but_not_the_token() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        // a server that echoes what it got must not leak the token through our error
        .respond_with(
            ResponseTemplate::new(400).set_body_string(format!("no_text (auth: {TOKEN})")),
        )
        .expect(2) // not retried: one request for `post`, one for `send`
        .mount(&server)
        .await;
    let sink = hook(&server).build().unwrap();
    let a = alert("error_rate", None, 0);

    let typed = sink.post(&a).await.unwrap_err();
    assert_eq!(typed.status(), Some(400));
    assert!(!typed.is_retryable() && !typed.is_timeout());
    let url = format!("{}/hook", server.uri());
    match &typed {
        WebhookError::Status {
            status,
            url: u,
            attempts,
            body,
        } => {
            let shown = format!("{}/…", server.uri());
            assert_eq!((*status, u.as_str(), *attempts), (400, shown.as_str(), 1));
            assert!(body.starts_with("no_text"), "{body}");
        }
        other => panic!("not a status error: {other:?}"),
    }

    let core = sink.send(&a).await.unwrap_err();
    assert!(matches!(core, llmops_core::Error::Extension { .. }));
    for shown in [
        typed.to_string(),
        format!("{typed:?}"),
        core.to_string(),
        format!("{core:?}"),
        format!("{sink:?}"),
    ] {
        assert!(!shown.contains("sk-very-secret-42"), "{shown}");
    }
    let msg = core.to_string();
    let host = server.uri();
    assert!(msg.contains("400") && msg.contains(&host), "{msg}");
    // the path (where Slack-style webhooks keep their secret) is never shown
    assert!(!msg.contains(&url), "{msg}");
}

#[tokio::test]
async fn a_slow_server_times_out() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200).set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let sink = hook(&server)
        .timeout(Duration::from_millis(200))
        .retries(1)
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let e = sink.post(&alert("error_rate", None, 0)).await.unwrap_err();
    assert!(e.is_timeout(), "{e:?}");
    assert!(
        matches!(e, WebhookError::Timeout { attempts: 2, .. }),
        "{e:?}"
    );
    assert!(started.elapsed() < Duration::from_secs(3));
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_unreachable_server_is_a_network_error() {
    // bind then drop a listener: nothing listens on that port any more
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let sink = WebhookAlerts::builder(format!("http://127.0.0.1:{port}/hook"))
        .retries(1)
        .backoff(Duration::from_millis(1))
        .build()
        .unwrap();
    let e = sink.post(&alert("error_rate", None, 0)).await.unwrap_err();
    assert!(
        matches!(e, WebhookError::Network { attempts: 2, .. }),
        "{e:?}"
    );
    assert!(e.to_string().contains(&format!("127.0.0.1:{port}")));
    assert!(!e.to_string().contains("/hook"));
}

#[tokio::test]
async fn a_bad_url_or_header_fails_at_build_time() {
    let e = WebhookAlerts::builder("hooks.example.com/x")
        .build()
        .unwrap_err();
    assert!(matches!(e, WebhookError::InvalidUrl { .. }));
    let core = llmops_core::Error::from(e);
    assert!(matches!(core, llmops_core::Error::Config(_)));
    let e = WebhookAlerts::builder("https://hooks.example.com/x")
        .header("Authorization", "Bearer a\r\nb")
        .build()
        .unwrap_err();
    assert!(matches!(e, WebhookError::InvalidHeader { .. }));
    assert!(!format!("{e} {e:?}").contains("Bearer"));
}

/// Counts deliveries.
#[derive(Default)]
struct Count(AtomicUsize);

#[async_trait]
impl AlertSink for Count {
    async fn send(&self, _: &Alert) -> llmops_core::Result<()> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

#[tokio::test]
async fn a_storm_yields_one_alert_per_rule_and_key_per_window() {
    let d = Debounced::new(Count::default(), Duration::from_secs(300));
    for i in 0..100 {
        d.send(&alert("p95_latency", Some("gpt-4o"), i))
            .await
            .unwrap();
    }
    assert_eq!((d.forwarded(), d.suppressed()), (1, 99));

    // another key of the same rule, and another rule, go through
    d.send(&alert("p95_latency", Some("claude-sonnet"), 50))
        .await
        .unwrap();
    d.send(&alert("error_rate", None, 50)).await.unwrap();
    assert_eq!((d.forwarded(), d.suppressed()), (3, 99));

    // still within 300 s of the first: suppressed; at 300 s: forwarded
    d.send(&alert("p95_latency", Some("gpt-4o"), 299))
        .await
        .unwrap();
    d.send(&alert("p95_latency", Some("gpt-4o"), 300))
        .await
        .unwrap();
    assert_eq!((d.forwarded(), d.suppressed()), (4, 100));
    assert_eq!(d.inner().0.load(Ordering::Relaxed), 4);
}

#[tokio::test]
async fn concurrent_storms_forward_one() {
    let d = Arc::new(Debounced::new(Count::default(), Duration::from_secs(60)));
    let tasks: Vec<_> = (0..100)
        .map(|i| {
            let d = Arc::clone(&d);
            tokio::spawn(async move { d.send(&alert("error_rate", None, i % 10)).await })
        })
        .collect();
    for task in tasks {
        task.await.unwrap().unwrap();
    }
    assert_eq!((d.forwarded(), d.suppressed()), (1, 99));
}

#[tokio::test]
async fn eval_score_drop_through_debounced_webhook() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/hook"))
        .and(header("authorization", TOKEN))
        .respond_with(ResponseTemplate::new(200))
        .expect(2)
        .mount(&server)
        .await;
    let sink: Arc<dyn AlertSink> = Arc::new(Debounced::new(
        hook(&server).build().unwrap(),
        Duration::from_secs(3600),
    ));
    for i in 0..100 {
        sink.send(&alert("eval_score_drop", Some("gpt-4o"), i))
            .await
            .unwrap();
    }
    sink.send(&alert("eval_score_drop", Some("gpt-4o"), 3600))
        .await
        .unwrap();
    let got = server.received_requests().await.unwrap();
    let ats: Vec<String> = got
        .iter()
        .map(|r| serde_json::from_slice::<serde_json::Value>(&r.body).unwrap()["at"].to_string())
        .collect();
    assert_eq!(
        ats,
        [
            serde_json::to_value(t(0)).unwrap().to_string(),
            serde_json::to_value(t(3600)).unwrap().to_string()
        ]
    );
}

#[tokio::test]
async fn a_failed_webhook_delivery_is_not_debounced() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    let d = Debounced::new(
        hook(&server).retries(0).build().unwrap(),
        Duration::from_secs(60),
    );
    let e = d.send(&alert("error_rate", None, 0)).await.unwrap_err();
    assert!(e.to_string().contains("500"), "{e}");
    d.send(&alert("error_rate", None, 1)).await.unwrap();
    assert_eq!((d.forwarded(), d.suppressed()), (1, 0));
}
