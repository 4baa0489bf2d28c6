//! What Langfuse, MLflow and Arize Phoenix expect of an OTLP exporter: endpoint path, headers,
//! resource attributes. Jaeger, Tempo and any OpenTelemetry Collector need nothing beyond the
//! standard endpoint.

use base64::Engine as _;
use llmops_core::semconv::openinference;

use super::{OtelOptions, Protocol};

impl OtelOptions {
    /// Langfuse's OTLP endpoint (`{host}/api/public/otel`, HTTP/protobuf) with Basic auth from
    /// the project's public and secret keys. Langfuse takes traces only, so OTLP metrics are
    /// turned off (the in-process [`Metrics`](crate::Metrics) still work).
    ///
    /// ```
    /// let o = llmops_trace::otel::OtelOptions::new()
    ///     .langfuse("https://cloud.langfuse.com", "pk-lf-1", "sk-lf-1");
    /// assert_eq!(o.endpoint.as_deref(), Some("https://cloud.langfuse.com/api/public/otel"));
    /// assert_eq!(o.headers["Authorization"], "Basic cGstbGYtMTpzay1sZi0x");
    /// assert!(!o.metrics);
    /// ```
    #[must_use]
    pub fn langfuse(self, host: &str, public_key: &str, secret_key: &str) -> Self {
        let token =
            base64::engine::general_purpose::STANDARD.encode(format!("{public_key}:{secret_key}"));
        self.endpoint(format!("{}/api/public/otel", host.trim_end_matches('/')))
            .protocol(Protocol::HttpProtobuf)
            .header("Authorization", format!("Basic {token}"))
            .metrics(false)
    }

    /// An MLflow tracking server (OTLP at `{tracking_uri}/v1/traces`) and the
    /// experiment the traces go to (`x-mlflow-experiment-id`). Traces only.
    ///
    /// ```
    /// let o = llmops_trace::otel::OtelOptions::new().mlflow("http://127.0.0.1:5000", "42");
    /// assert_eq!(o.headers["x-mlflow-experiment-id"], "42");
    /// ```
    #[must_use]
    pub fn mlflow(self, tracking_uri: &str, experiment_id: &str) -> Self {
        self.endpoint(tracking_uri.trim_end_matches('/'))
            .protocol(Protocol::HttpProtobuf)
            .header("x-mlflow-experiment-id", experiment_id)
            .metrics(false)
    }

    /// Arize Phoenix (`http://host:6006`, OTLP/HTTP at `/v1/traces`): the project as the
    /// `openinference.project.name` resource attribute, and the OpenInference mode on so every
    /// field shows in Phoenix's UI. Traces only.
    ///
    /// ```
    /// let o = llmops_trace::otel::OtelOptions::new().phoenix("http://127.0.0.1:6006", "support-bot");
    /// assert!(o.openinference);
    /// assert!(o.resource.contains(&("openinference.project.name".into(), "support-bot".into())));
    /// ```
    #[must_use]
    pub fn phoenix(self, endpoint: &str, project: &str) -> Self {
        self.endpoint(endpoint.trim_end_matches('/'))
            .protocol(Protocol::HttpProtobuf)
            .resource_attribute(openinference::PROJECT_NAME, project)
            .openinference(true)
            .metrics(false)
    }
}
