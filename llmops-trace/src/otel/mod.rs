//! OpenTelemetry: core's `tracing` spans bridged to OpenTelemetry and exported over OTLP
//! (HTTP/protobuf by default, gRPC with feature `otlp-grpc`), GenAI metrics over OTLP, W3C
//! trace context into provider calls and out of the host's incoming requests.
//!
//! Nothing here is global: [`Otel::install`] returns the pieces and the host installs them:
//! the [`layer`](Otel::layer) into its `tracing` subscriber, the [`bridge`](Otel::bridge) and
//! the [`metrics`](Otel::metrics) observer into its [`Client`](llmops_core::Client).
//!
//! ```no_run
//! use llmops_core::{ChatRequest, Client, ScriptedProvider};
//! use llmops_trace::otel::{Otel, OtelOptions};
//! use tracing_subscriber::layer::SubscriberExt;
//! # #[tokio::main] async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME ... apply.
//! let otel = Otel::install(OtelOptions::new().service_name("checkout-assistant"))?;
//! let subscriber = tracing_subscriber::registry().with(otel.layer());
//! tracing::subscriber::set_global_default(subscriber)?; // the host's choice, not ours
//! let client = Client::builder()
//!     .provider(ScriptedProvider::new().reply("ok"))
//!     .span_bridge(otel.bridge())
//!     .observer(otel.metrics())
//!     .build()?;
//! client.chat(ChatRequest::new("scripted/m").user("hi")).await?;
//! otel.shutdown().await?;
//! # Ok(()) }
//! ```

mod backends;
mod bridge;
mod content;
mod export;
mod metrics;
mod openinference;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use llmops_core::{Redactor, SecretRedactor};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry::{InstrumentationScope, KeyValue};
use opentelemetry_otlp::{WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::{BatchConfigBuilder, SdkTracerProvider, Tracer};

pub use bridge::{OtelBridge, extract_context, set_parent_from_headers};
pub use export::ExportStats;
pub use metrics::OtelMetrics;

use crate::error::{Error, Result};
use export::{Counters, CountingProcessor, LlmopsExporter};

/// The environment variable that turns message content capture on (`true`), as OpenTelemetry's
/// GenAI instrumentations name it.
pub const CAPTURE_CONTENT_ENV: &str = "OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT";

/// The OTLP transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Protocol {
    /// OTLP/HTTP with protobuf bodies (`/v1/traces`, `/v1/metrics`): the default.
    #[default]
    HttpProtobuf,
    /// OTLP/gRPC (feature `otlp-grpc`).
    Grpc,
}

impl Protocol {
    /// From `OTEL_EXPORTER_OTLP_TRACES_PROTOCOL`, else `OTEL_EXPORTER_OTLP_PROTOCOL`, else the
    /// default. An unsupported value is an error naming it.
    pub fn from_env() -> Result<Self> {
        let v = std::env::var("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL")
            .or_else(|_| std::env::var("OTEL_EXPORTER_OTLP_PROTOCOL"))
            .unwrap_or_default();
        match v.trim() {
            "" | "http/protobuf" => Ok(Protocol::HttpProtobuf),
            "grpc" => Ok(Protocol::Grpc),
            other => Err(Error::Otel(format!(
                "OTEL_EXPORTER_OTLP_PROTOCOL={other:?} is not supported: use \"http/protobuf\" or \"grpc\""
            ))),
        }
    }
}

/// How [`Otel::install`] sets OpenTelemetry up. Unset fields follow the standard
/// `OTEL_EXPORTER_OTLP_*`, `OTEL_SERVICE_NAME`, `OTEL_RESOURCE_ATTRIBUTES` and `OTEL_BSP_*`
/// variables, then the OTLP defaults (`http://localhost:4318`).
///
/// ```
/// use llmops_trace::otel::{OtelOptions, Protocol};
/// let o = OtelOptions::new()
///     .service_name("support-bot")
///     .endpoint("http://127.0.0.1:4318")
///     .protocol(Protocol::HttpProtobuf)
///     .header("x-tenant", "acme")
///     .capture_content(true)
///     .openinference(true);
/// assert_eq!(o.endpoint.as_deref(), Some("http://127.0.0.1:4318"));
/// ```
#[derive(Clone)]
#[non_exhaustive]
pub struct OtelOptions {
    /// `service.name` (default: `OTEL_SERVICE_NAME`, else `unknown_service`).
    pub service_name: Option<String>,
    /// The collector's base URL (`/v1/traces` and `/v1/metrics` are appended for HTTP), like
    /// `OTEL_EXPORTER_OTLP_ENDPOINT`; default: the variables, else `http://localhost:4318`.
    pub endpoint: Option<String>,
    /// Transport (default: `OTEL_EXPORTER_OTLP_PROTOCOL`, else HTTP/protobuf).
    pub protocol: Option<Protocol>,
    /// Extra headers (authorization, tenant ...), added to `OTEL_EXPORTER_OTLP_HEADERS`.
    pub headers: HashMap<String, String>,
    /// Extra resource attributes.
    pub resource: Vec<(String, String)>,
    /// Per-export timeout (default: the variables, else 10 s).
    pub timeout: Option<Duration>,
    /// Record message content (`gen_ai.input.messages`, `gen_ai.output.messages`,
    /// `gen_ai.system_instructions`), after the redactor (default: the
    /// [`CAPTURE_CONTENT_ENV`] variable, else off).
    pub capture_content: Option<bool>,
    /// Applied to captured content (default: [`SecretRedactor`]).
    pub redactor: Arc<dyn Redactor>,
    /// Add OpenInference keys (`openinference.span.kind`, `llm.*`, `input.value` ...) so
    /// Arize Phoenix shows every field (default off).
    pub openinference: bool,
    /// Also emit the deprecated `gen_ai.system`, `gen_ai.usage.prompt_tokens` and
    /// `gen_ai.usage.completion_tokens` for backends that still read them (default off).
    pub legacy_attributes: bool,
    /// Export metrics over OTLP too (default on; interval from `OTEL_METRIC_EXPORT_INTERVAL`,
    /// else 60 s).
    pub metrics: bool,
    /// Metric export interval.
    pub metrics_interval: Option<Duration>,
    /// Spans buffered before export; beyond it spans are dropped and counted (default:
    /// `OTEL_BSP_MAX_QUEUE_SIZE`, else 2048).
    pub max_queue: Option<usize>,
    /// Delay between span exports (default: `OTEL_BSP_SCHEDULE_DELAY`, else 5 s).
    pub export_delay: Option<Duration>,
}

impl std::fmt::Debug for OtelOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OtelOptions")
            .field("service_name", &self.service_name)
            .field("endpoint", &self.endpoint)
            .field("protocol", &self.protocol)
            // header values carry credentials
            .field("headers", &self.headers.keys().collect::<Vec<_>>())
            .field("capture_content", &self.capture_content)
            .field("redactor", &self.redactor.name())
            .field("openinference", &self.openinference)
            .field("legacy_attributes", &self.legacy_attributes)
            .field("metrics", &self.metrics)
            .finish_non_exhaustive()
    }
}

impl Default for OtelOptions {
    fn default() -> Self {
        OtelOptions {
            service_name: None,
            endpoint: None,
            protocol: None,
            headers: HashMap::new(),
            resource: Vec::new(),
            timeout: None,
            capture_content: None,
            redactor: Arc::new(SecretRedactor::default()),
            openinference: false,
            legacy_attributes: false,
            metrics: true,
            metrics_interval: None,
            max_queue: None,
            export_delay: None,
        }
    }
}

impl OtelOptions {
    /// Defaults (everything from the environment).
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets `service.name`.
    #[must_use]
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }
    /// Sets the collector's base URL.
    #[must_use]
    pub fn endpoint(mut self, url: impl Into<String>) -> Self {
        self.endpoint = Some(url.into());
        self
    }
    /// Sets the transport.
    #[must_use]
    pub fn protocol(mut self, p: Protocol) -> Self {
        self.protocol = Some(p);
        self
    }
    /// Adds a header to every export.
    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.insert(name.into(), value.into());
        self
    }
    /// Adds a resource attribute.
    #[must_use]
    pub fn resource_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.resource.push((key.into(), value.into()));
        self
    }
    /// Sets the per-export timeout.
    #[must_use]
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }
    /// Turns message content capture on or off.
    #[must_use]
    pub fn capture_content(mut self, on: bool) -> Self {
        self.capture_content = Some(on);
        self
    }
    /// The redactor applied to captured content.
    #[must_use]
    pub fn redactor(mut self, r: impl Redactor) -> Self {
        self.redactor = Arc::new(r);
        self
    }
    /// Turns the OpenInference mode on or off.
    #[must_use]
    pub fn openinference(mut self, on: bool) -> Self {
        self.openinference = on;
        self
    }
    /// Turns the deprecated GenAI attributes on or off.
    #[must_use]
    pub fn legacy_attributes(mut self, on: bool) -> Self {
        self.legacy_attributes = on;
        self
    }
    /// Turns OTLP metrics on or off.
    #[must_use]
    pub fn metrics(mut self, on: bool) -> Self {
        self.metrics = on;
        self
    }
    /// Sets the metric export interval.
    #[must_use]
    pub fn metrics_interval(mut self, d: Duration) -> Self {
        self.metrics_interval = Some(d);
        self
    }
    /// Sets the span queue size.
    #[must_use]
    pub fn max_queue(mut self, n: usize) -> Self {
        self.max_queue = Some(n);
        self
    }
    /// Sets the delay between span exports.
    #[must_use]
    pub fn export_delay(mut self, d: Duration) -> Self {
        self.export_delay = Some(d);
        self
    }

    fn content_on(&self) -> bool {
        self.capture_content.unwrap_or_else(|| {
            std::env::var(CAPTURE_CONTENT_ENV).is_ok_and(|v| v.trim().eq_ignore_ascii_case("true"))
        })
    }
}

/// OpenTelemetry, set up: a tracer provider exporting over OTLP, a meter provider, and the
/// pieces the host installs. Cheap to clone.
///
/// Keep it alive for as long as you trace, and call [`shutdown`](Otel::shutdown) before the
/// runtime ends to export what is buffered. Dropping the last clone without it shuts export
/// down on a background thread (best effort), never blocking the dropping thread: blocking
/// there could stall a single-threaded runtime that the exporter itself runs on.
#[derive(Clone)]
pub struct Otel {
    _guard: Arc<DropGuard>,
    tracer_provider: SdkTracerProvider,
    meter_provider: Option<SdkMeterProvider>,
    tracer: Tracer,
    bridge: OtelBridge,
    metrics: OtelMetrics,
    counters: Arc<Counters>,
}

impl std::fmt::Debug for Otel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Otel")
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// Shuts the providers down off-thread when the last [`Otel`] goes away.
struct DropGuard {
    tracer_provider: SdkTracerProvider,
    meter_provider: Option<SdkMeterProvider>,
}

impl Drop for DropGuard {
    fn drop(&mut self) {
        let tp = self.tracer_provider.clone();
        let mp = self.meter_provider.take();
        let spawned = std::thread::Builder::new()
            .name("llmops-otel-shutdown".into())
            .spawn(move || {
                // already shut down explicitly: these return an error we do not need
                let _ = tp.shutdown();
                if let Some(mp) = mp {
                    let _ = mp.shutdown();
                }
            });
        if spawned.is_err() {
            tracing::warn!(target: "llmops", "could not start the OpenTelemetry shutdown thread; buffered spans may be lost");
        }
    }
}

fn otel_err(what: &str, e: impl std::fmt::Display) -> Error {
    Error::Otel(format!("{what}: {e}"))
}

fn http_client(timeout: Option<Duration>) -> Result<reqwest::Client> {
    reqwest::Client::builder()
        .timeout(timeout.unwrap_or(Duration::from_secs(10)))
        .build()
        .map_err(|e| otel_err("the OTLP HTTP client", e))
}

/// `base` + `/v1/{signal}` (an endpoint that already names the signal path is kept).
fn signal_url(base: &str, signal: &str) -> String {
    let base = base.trim_end_matches('/');
    let suffix = format!("/v1/{signal}");
    if base.ends_with(&suffix) {
        base.to_owned()
    } else {
        format!("{base}{suffix}")
    }
}

impl Otel {
    /// Builds the exporters, providers and pieces from `options`. Call it inside a Tokio
    /// runtime: the batch span processor and the metric reader run on it, so exporting never
    /// blocks a request; a collector that is down costs counted drops
    /// ([`stats`](Otel::stats)), never an error to a caller.
    pub fn install(options: OtelOptions) -> Result<Otel> {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return Err(Error::Otel(
                "Otel::install must run inside a Tokio runtime (the exporters run on it)".into(),
            ));
        };
        let protocol = match options.protocol {
            Some(p) => p,
            None => Protocol::from_env()?,
        };
        let resource = resource(&options);
        let counters = Arc::new(Counters::default());
        let span_exporter = span_exporter(&options, protocol)?;
        let exporter = LlmopsExporter::new(
            span_exporter,
            runtime,
            counters.clone(),
            options.openinference,
            options.legacy_attributes,
        );
        let mut batch = BatchConfigBuilder::default();
        if let Some(n) = options.max_queue {
            batch = batch.with_max_queue_size(n);
        }
        if let Some(d) = options.export_delay {
            batch = batch.with_scheduled_delay(d);
        }
        // the SDK's thread-based batch processor wakes its thread once per batch, not per span
        // (the Tokio-driven one wakes its task per span: ~1 µs on the request path)
        let processor = opentelemetry_sdk::trace::BatchSpanProcessor::builder(exporter)
            .with_batch_config(batch.build())
            .build();
        let tracer_provider = SdkTracerProvider::builder()
            .with_span_processor(CountingProcessor::new(processor, counters.clone()))
            .with_resource(resource.clone())
            .build();
        let tracer = tracer_provider.tracer_with_scope(scope());
        let meter_provider = if options.metrics {
            Some(meter_provider(&options, protocol, resource)?)
        } else {
            None
        };
        let metrics = match &meter_provider {
            Some(mp) => OtelMetrics::new(&opentelemetry::metrics::MeterProvider::meter_with_scope(
                mp,
                scope(),
            )),
            None => OtelMetrics::disabled(),
        };
        let bridge = OtelBridge::new(
            tracer.clone(),
            options.content_on(),
            options.redactor.clone(),
        );
        Ok(Otel {
            _guard: Arc::new(DropGuard {
                tracer_provider: tracer_provider.clone(),
                meter_provider: meter_provider.clone(),
            }),
            tracer_provider,
            meter_provider,
            tracer,
            bridge,
            metrics,
            counters,
        })
    }

    /// The `tracing` layer the host adds to its subscriber: it turns `tracing` spans
    /// (llmops's and the host's own) into OpenTelemetry spans.
    pub fn layer<S>(&self) -> impl tracing_subscriber::Layer<S> + use<S>
    where
        S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    {
        tracing_opentelemetry::layer()
            .with_tracer(self.tracer.clone())
            .with_location(false)
            .with_threads(false)
            .with_target(false)
            .with_tracked_inactivity(false)
    }

    /// The bridge to give [`ClientBuilder::span_bridge`](llmops_core::ClientBuilder::span_bridge).
    pub fn bridge(&self) -> OtelBridge {
        self.bridge.clone()
    }

    /// The observer recording the GenAI metrics over OTLP (a no-op when metrics are off).
    pub fn metrics(&self) -> OtelMetrics {
        self.metrics.clone()
    }

    /// The tracer provider (to install globally if the host wants to).
    pub fn tracer_provider(&self) -> &SdkTracerProvider {
        &self.tracer_provider
    }

    /// The meter provider, when metrics are on.
    pub fn meter_provider(&self) -> Option<&SdkMeterProvider> {
        self.meter_provider.as_ref()
    }

    /// Spans ended, exported, refused by the collector, dropped.
    pub fn stats(&self) -> ExportStats {
        self.counters.snapshot()
    }

    /// Exports everything buffered so far (spans and metrics) and waits for it.
    pub async fn flush(&self) -> Result<()> {
        let tp = self.tracer_provider.clone();
        let mp = self.meter_provider.clone();
        tokio::task::spawn_blocking(move || {
            let spans = tp.force_flush().map_err(|e| otel_err("flushing spans", e));
            let metrics = match mp {
                Some(mp) => mp
                    .force_flush()
                    .map_err(|e| otel_err("flushing metrics", e)),
                None => Ok(()),
            };
            spans.and(metrics)
        })
        .await
        .map_err(|e| otel_err("the flush task", e))?
    }

    /// Flushes and shuts the providers down.
    pub async fn shutdown(&self) -> Result<()> {
        let tp = self.tracer_provider.clone();
        let mp = self.meter_provider.clone();
        tokio::task::spawn_blocking(move || {
            let spans = tp
                .shutdown()
                .map_err(|e| otel_err("shutting spans down", e));
            let metrics = match mp {
                Some(mp) => mp
                    .shutdown()
                    .map_err(|e| otel_err("shutting metrics down", e)),
                None => Ok(()),
            };
            spans.and(metrics)
        })
        .await
        .map_err(|e| otel_err("the shutdown task", e))?
    }
}

fn scope() -> InstrumentationScope {
    InstrumentationScope::builder("llmops")
        .with_version(env!("CARGO_PKG_VERSION"))
        .with_schema_url(llmops_core::semconv::SCHEMA_URL)
        .build()
}

fn resource(o: &OtelOptions) -> Resource {
    let mut b = Resource::builder();
    if let Some(name) = &o.service_name {
        b = b.with_service_name(name.clone());
    }
    for (k, v) in &o.resource {
        b = b.with_attribute(KeyValue::new(k.clone(), v.clone()));
    }
    b.build()
}

fn span_exporter(o: &OtelOptions, protocol: Protocol) -> Result<opentelemetry_otlp::SpanExporter> {
    let built = match protocol {
        Protocol::HttpProtobuf => {
            let mut b = opentelemetry_otlp::SpanExporter::builder()
                .with_http()
                .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
                .with_http_client(http_client(o.timeout)?);
            if let Some(e) = &o.endpoint {
                b = b.with_endpoint(signal_url(e, "traces"));
            }
            if let Some(t) = o.timeout {
                b = b.with_timeout(t);
            }
            if !o.headers.is_empty() {
                b = b.with_headers(o.headers.clone());
            }
            b.build()
        }
        Protocol::Grpc => return grpc_span_exporter(o),
    };
    built.map_err(|e| otel_err("building the OTLP span exporter", e))
}

#[cfg(feature = "otlp-grpc")]
fn grpc_metadata(o: &OtelOptions) -> Result<tonic::metadata::MetadataMap> {
    let mut map = http::HeaderMap::new();
    for (k, v) in &o.headers {
        let name = http::HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes())
            .map_err(|e| otel_err(&format!("header name {k:?}"), e))?;
        let value = http::HeaderValue::from_str(v)
            .map_err(|_| Error::Otel(format!("the value of header {k:?} is not valid")))?;
        map.insert(name, value);
    }
    Ok(tonic::metadata::MetadataMap::from_headers(map))
}

#[cfg(feature = "otlp-grpc")]
fn grpc_span_exporter(o: &OtelOptions) -> Result<opentelemetry_otlp::SpanExporter> {
    use opentelemetry_otlp::WithTonicConfig;
    let mut b = opentelemetry_otlp::SpanExporter::builder()
        .with_tonic()
        .with_metadata(grpc_metadata(o)?);
    if let Some(e) = &o.endpoint {
        b = b.with_endpoint(e.clone());
    }
    if let Some(t) = o.timeout {
        b = b.with_timeout(t);
    }
    b.build()
        .map_err(|e| otel_err("building the OTLP gRPC span exporter", e))
}

#[cfg(not(feature = "otlp-grpc"))]
fn grpc_span_exporter(_o: &OtelOptions) -> Result<opentelemetry_otlp::SpanExporter> {
    Err(grpc_missing())
}

#[cfg(not(feature = "otlp-grpc"))]
fn grpc_missing() -> Error {
    Error::Otel(
        "OTLP over gRPC needs llmops-trace's `otlp-grpc` feature (llmops: `otlp-grpc`)".into(),
    )
}

fn meter_provider(
    o: &OtelOptions,
    protocol: Protocol,
    resource: Resource,
) -> Result<SdkMeterProvider> {
    let exporter = match protocol {
        Protocol::HttpProtobuf => {
            let mut b = opentelemetry_otlp::MetricExporter::builder()
                .with_http()
                .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
                .with_http_client(http_client(o.timeout)?);
            if let Some(e) = &o.endpoint {
                b = b.with_endpoint(signal_url(e, "metrics"));
            }
            if let Some(t) = o.timeout {
                b = b.with_timeout(t);
            }
            if !o.headers.is_empty() {
                b = b.with_headers(o.headers.clone());
            }
            b.build()
                .map_err(|e| otel_err("building the OTLP metric exporter", e))?
        }
        Protocol::Grpc => grpc_metric_exporter(o)?,
    };
    let mut reader =
        opentelemetry_sdk::metrics::periodic_reader_with_async_runtime::PeriodicReader::builder(
            exporter,
            opentelemetry_sdk::runtime::Tokio,
        );
    if let Some(d) = o.metrics_interval {
        reader = reader.with_interval(d);
    }
    Ok(SdkMeterProvider::builder()
        .with_reader(reader.build())
        .with_resource(resource)
        .build())
}

#[cfg(feature = "otlp-grpc")]
fn grpc_metric_exporter(o: &OtelOptions) -> Result<opentelemetry_otlp::MetricExporter> {
    use opentelemetry_otlp::WithTonicConfig;
    let mut b = opentelemetry_otlp::MetricExporter::builder()
        .with_tonic()
        .with_metadata(grpc_metadata(o)?);
    if let Some(e) = &o.endpoint {
        b = b.with_endpoint(e.clone());
    }
    b.build()
        .map_err(|e| otel_err("building the OTLP gRPC metric exporter", e))
}

#[cfg(not(feature = "otlp-grpc"))]
fn grpc_metric_exporter(_o: &OtelOptions) -> Result<opentelemetry_otlp::MetricExporter> {
    Err(grpc_missing())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signal_paths() {
        assert_eq!(
            signal_url("http://h:4318", "traces"),
            "http://h:4318/v1/traces"
        );
        assert_eq!(
            signal_url("http://h:4318/", "metrics"),
            "http://h:4318/v1/metrics"
        );
        assert_eq!(
            signal_url("http://h/api/public/otel/v1/traces", "traces"),
            "http://h/api/public/otel/v1/traces"
        );
    }

    #[test]
    fn install_outside_a_runtime_is_a_typed_error() {
        let e = Otel::install(OtelOptions::new()).unwrap_err();
        assert!(e.to_string().contains("Tokio runtime"), "{e}");
    }
}
