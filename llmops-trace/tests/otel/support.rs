//! The lock that keeps one test's subscriber the only one in the process, and OTLP decoding.

use std::collections::HashMap;

use llmops_trace::otel::Otel;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
use opentelemetry_proto::tonic::common::v1::{AnyValue, any_value};
use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message as _;
use tracing_subscriber::layer::SubscriberExt;
use wiremock::{Mock, MockServer, ResponseTemplate};

static LOCK: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// One test's subscriber; the lock keeps it the only one in the process while it lives.
pub(crate) struct Traced {
    _default: tracing::subscriber::DefaultGuard,
    _lock: tokio::sync::MutexGuard<'static, ()>,
}

/// Routes this thread's spans to `otel` until the guard drops (tests are `current_thread`).
pub(crate) async fn trace_into(otel: &Otel) -> Traced {
    let lock = LOCK.lock().await;
    let default =
        tracing::subscriber::set_default(tracing_subscriber::registry().with(otel.layer()));
    Traced {
        _default: default,
        _lock: lock,
    }
}

/// A local OTLP/HTTP receiver that accepts everything.
pub(crate) async fn receiver() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&server)
        .await;
    server
}

/// Every span the receiver got, decoded.
pub(crate) async fn spans_received(server: &MockServer) -> Vec<Span> {
    let mut out = Vec::new();
    for r in server.received_requests().await.unwrap() {
        if r.url.path() == "/v1/traces" {
            assert_eq!(
                r.headers.get("content-type").unwrap(),
                "application/x-protobuf"
            );
            let req = ExportTraceServiceRequest::decode(r.body.as_slice()).unwrap();
            for rs in req.resource_spans {
                for ss in rs.scope_spans {
                    out.extend(ss.spans);
                }
            }
        }
    }
    out
}

pub(crate) fn value(v: &AnyValue) -> String {
    match &v.value {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        other => format!("{other:?}"),
    }
}

pub(crate) fn attrs(s: &Span) -> HashMap<String, String> {
    s.attributes
        .iter()
        .map(|kv| {
            (
                kv.key.clone(),
                kv.value.as_ref().map(value).unwrap_or_default(),
            )
        })
        .collect()
}

pub(crate) fn hex(b: &[u8]) -> String {
    b.iter().map(|x| format!("{x:02x}")).collect()
}

/// The first span carrying attribute `key`.
pub(crate) fn span_with<'a>(spans: &'a [Span], key: &str) -> &'a Span {
    spans
        .iter()
        .find(|s| s.attributes.iter().any(|kv| kv.key == key))
        .unwrap_or_else(|| panic!("no span with {key}"))
}

/// A client on `provider` whose spans go through `otel`'s bridge.
pub(crate) fn scripted_client(
    otel: &Otel,
    provider: llmops_core::ScriptedProvider,
) -> llmops_core::Client {
    llmops_core::Client::builder()
        .provider(provider)
        .span_bridge(otel.bridge())
        .build()
        .unwrap()
}
