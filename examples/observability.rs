//! Observability and governance on one client: the request log, the audit trail, metrics,
//! feedback, and (with feature `otlp`, when `OTEL_EXPORTER_OTLP_ENDPOINT` is set) GenAI spans
//! and metrics exported over OTLP.
//!
//! ```sh
//! cargo run --example observability            # writes requests.jsonl and audit.jsonl here
//! LLMOPS_REQUEST_LOG=/tmp/r.jsonl LLMOPS_AUDIT_LOG=/tmp/a.jsonl cargo run --example observability
//! cargo run --features cli --bin llmops -- audit verify
//! # to Phoenix, Jaeger, Tempo, an OpenTelemetry Collector ... (docs/observability.md)
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://127.0.0.1:4318 OTEL_SERVICE_NAME=support-bot \
//!   cargo run --example observability --features otlp
//! ```

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
    let otel = otlp::install()?;

    let builder = Client::builder()
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
        .observer(metrics.clone());
    let client = otlp::attach(builder, otel.as_ref()).build()?;

    let ask = |text: &str| {
        ChatRequest::new("scripted/support")
            .user(text)
            .tenant("acme")
            .end_user("u-42")
    };
    let ok = client.chat(ask("Where is my order?")).await?;
    println!("1. completed: {}", ok.text());
    // the user says the answer was right: attached to the logged exchange, its trace, the metrics
    client.feedback(&ok.meta.request_id, 1.0, Some("correct ETA"))?;
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
    otlp::finish(otel).await?;
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

/// OTLP export when built with `otlp` and `OTEL_EXPORTER_OTLP_ENDPOINT` is set.
#[cfg(feature = "otlp")]
mod otlp {
    use llmops::ClientBuilder;
    use llmops::trace::otel::{Otel, OtelOptions};
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    pub(crate) fn install() -> Result<Option<Otel>, Box<dyn std::error::Error>> {
        let Ok(endpoint) = std::env::var("OTEL_EXPORTER_OTLP_ENDPOINT") else {
            println!("(OTEL_EXPORTER_OTLP_ENDPOINT unset: no OTLP export)");
            return Ok(None);
        };
        // the standard OTEL_* variables configure the rest; content capture for the demo
        let otel = Otel::install(OtelOptions::new().capture_content(true))?;
        // the host (this example) installs the subscriber, never the library
        tracing_subscriber::registry()
            .with(otel.layer())
            .try_init()?;
        println!("exporting spans and metrics over OTLP to {endpoint}");
        Ok(Some(otel))
    }

    pub(crate) fn attach(b: ClientBuilder, otel: Option<&Otel>) -> ClientBuilder {
        match otel {
            Some(o) => b.span_bridge(o.bridge()).observer(o.metrics()),
            None => b,
        }
    }

    pub(crate) async fn finish(otel: Option<Otel>) -> Result<(), Box<dyn std::error::Error>> {
        if let Some(o) = otel {
            // a collector refusing something (e.g. Phoenix takes no metrics: 405) is reported,
            // it does not fail the run
            if let Err(e) = o.shutdown().await {
                println!("OTLP shutdown: {e}");
            }
            println!("OTLP spans: {:?}", o.stats());
        }
        Ok(())
    }
}

/// Without `otlp`: says how to get export when the endpoint is set.
#[cfg(not(feature = "otlp"))]
mod otlp {
    use llmops::ClientBuilder;

    pub(crate) fn install() -> Result<Option<()>, Box<dyn std::error::Error>> {
        if std::env::var_os("OTEL_EXPORTER_OTLP_ENDPOINT").is_some() {
            println!(
                "OTEL_EXPORTER_OTLP_ENDPOINT is set but this build has no OTLP: run with --features otlp"
            );
        }
        Ok(None)
    }

    pub(crate) fn attach(b: ClientBuilder, _otel: Option<&()>) -> ClientBuilder {
        b
    }

    pub(crate) async fn finish(_otel: Option<()>) -> Result<(), Box<dyn std::error::Error>> {
        Ok(())
    }
}
