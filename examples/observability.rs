//! Observability and governance on one client: the request log and the audit trail.
//!
//! ```sh
//! cargo run --example observability            # writes requests.jsonl and audit.jsonl here
//! LLMOPS_REQUEST_LOG=/tmp/r.jsonl LLMOPS_AUDIT_LOG=/tmp/a.jsonl cargo run --example observability
//! cargo run --features cli --bin llmops -- audit verify
//! ```
//! (OTLP export arrives with the rest of issue 3.)

use std::time::Duration;

use futures_util::StreamExt;
use llmops::trace::{AuditLog, Metrics, RequestLog, RequestLogOptions, audit};
use llmops::{AuditEvent, AuditSink, ChatRequest, Client, ProviderErrorKind, ScriptedProvider};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let log_path = std::env::var("LLMOPS_REQUEST_LOG").unwrap_or_else(|_| "requests.jsonl".into());
    let audit_path = std::env::var("LLMOPS_AUDIT_LOG").unwrap_or_else(|_| "audit.jsonl".into());
    let requests = RequestLog::open(RequestLogOptions::new(&log_path))?;
    let audit_log = AuditLog::open(&audit_path)?;
    let metrics = Metrics::new()?;

    let client = Client::builder()
        .provider(
            ScriptedProvider::new()
                .reply("Your order ships tomorrow.")
                .fail(ProviderErrorKind::Overloaded)
                .reply("Here is a long streamed answer that the caller stops reading.")
                .chunks(10)
                .chunk_delay(Duration::from_millis(5)),
        )
        .observer(requests.clone())
        .observer(audit_log.exchange_observer()?)
        .observer(metrics.clone())
        .build()?;

    let ask = |text: &str| {
        ChatRequest::new("scripted/support")
            .user(text)
            .tenant("acme")
            .end_user("u-42")
    };
    let ok = client.chat(ask("Where is my order?")).await?;
    println!("1. completed: {}", ok.text());
    let failed = client.chat(ask("Again?")).await;
    println!(
        "2. failed: {}",
        failed.err().map(|e| e.to_string()).unwrap_or_default()
    );
    let mut stream = client.chat_stream(ask("Tell me everything.")).await?;
    let _first = stream.next().await;
    drop(stream);
    println!("3. stream dropped after one event");

    // a governance event of our own: who did what, and why
    audit_log
        .record(
            AuditEvent::now("prompt.promote", "ada", "support-reply/4").reason("eval 0.93 ≥ 0.90"),
        )
        .await?;

    client.flush().await?;
    println!("\nrequest log {log_path}: {:?}", requests.stats());
    let v = audit::verify(std::path::Path::new(&audit_path))?;
    println!(
        "audit trail {audit_path}: {} records, chain intact, last hash {}",
        v.records, v.last_hash
    );
    for (model, s) in metrics.snapshot().by_model() {
        println!(
            "metrics {model}: {} exchanges {:?}, p50 {:.1} ms, p99 {:.1} ms",
            s.requests,
            s.outcomes,
            s.duration.quantile(0.5) * 1e3,
            s.duration.quantile(0.99) * 1e3
        );
    }
    Ok(())
}
