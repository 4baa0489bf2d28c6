//! Arize Phoenix, the real server: `.ci/run` installs and starts it and sets
//! `LLMOPS_TEST_PHOENIX_URL`. Unset: these tests skip loudly. Set and unreachable: they fail.

use std::time::Duration;

use llmops_core::testing::backend;
use llmops_core::{ChatRequest, Client, ScriptedProvider};
use llmops_trace::otel::{Otel, OtelOptions, Protocol};

use crate::support::trace_into;

/// The Phoenix base URL, or `None` (after a loud `SKIPPED:` line) when the test must skip.
fn phoenix_url() -> Option<String> {
    backend("LLMOPS_TEST_PHOENIX_URL", "Phoenix").map(|url| url.trim_end_matches('/').to_owned())
}

#[tokio::test]
async fn backend_phoenix_is_up() {
    let Some(url) = phoenix_url() else { return };
    let http = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    let resp = http
        .get(format!("{url}/v1/projects"))
        .send()
        .await
        .unwrap_or_else(|e| panic!("Phoenix at {url} is unreachable: {e}"));
    assert_eq!(resp.status(), 200, "GET {url}/v1/projects");
    let body: serde_json::Value = resp.json().await.unwrap();
    assert!(
        body["data"].is_array(),
        "GET {url}/v1/projects: no `data` array in {body}"
    );
}

/// Spans of `project` as Phoenix serves them, once at least `want` arrived (it ingests
/// asynchronously).
async fn phoenix_spans(url: &str, project: &str, want: usize) -> Vec<serde_json::Value> {
    let http = reqwest::Client::new();
    let mut last = serde_json::Value::Null;
    for _ in 0..60 {
        let resp = http
            .get(format!("{url}/v1/projects/{project}/spans?limit=100"))
            .send()
            .await
            .unwrap_or_else(|e| panic!("Phoenix at {url} is unreachable: {e}"));
        if resp.status() == 200 {
            last = resp.json().await.unwrap();
            if let Some(d) = last["data"].as_array()
                && d.len() >= want
            {
                return d.clone();
            }
        }
        tokio::time::sleep(Duration::from_millis(250)).await;
    }
    panic!("Phoenix did not show {want} spans of project {project}: {last}")
}

fn attr<'a>(span: &'a serde_json::Value, key: &str) -> &'a serde_json::Value {
    // Phoenix returns attributes flat (`"gen_ai.usage.input_tokens": 19`) or nested by dots
    let flat = &span["attributes"][key];
    if !flat.is_null() {
        return flat;
    }
    let mut v = &span["attributes"];
    for part in key.split('.') {
        v = &v[part];
    }
    v
}

/// Exports one exchange with `options` and reads `project`'s spans back from Phoenix at `url`.
async fn export_to_phoenix(
    url: &str,
    options: OtelOptions,
    project: &str,
) -> (String, Vec<serde_json::Value>) {
    let otel = Otel::install(options).unwrap();
    let reply = {
        let _traced = trace_into(&otel).await;
        let client = Client::builder()
            .provider(ScriptedProvider::new().reply("Paris is the capital of France."))
            .span_bridge(otel.bridge())
            .build()
            .unwrap();
        client
            .chat(
                ChatRequest::new("scripted/gpt-4.1")
                    .system("Answer in one sentence.")
                    .user("What is the capital of France?")
                    .temperature(0.3)
                    .max_tokens(50)
                    .conversation("conv-phoenix"),
            )
            .await
            .unwrap()
    };
    otel.shutdown().await.unwrap();
    let stats = otel.stats();
    assert_eq!((stats.failed, stats.dropped), (0, 0), "{stats:?}");
    let spans = phoenix_spans(url, project, 2).await;
    (reply.meta.request_id, spans)
}

fn check_llm_span(request_id: &str, spans: &[serde_json::Value]) {
    let llm = spans
        .iter()
        .find(|s| attr(s, "llmops.request_id") == request_id)
        .unwrap_or_else(|| panic!("no span with llmops.request_id={request_id}: {spans:?}"));
    assert_eq!(llm["name"], "chat gpt-4.1", "{llm}");
    // Phoenix lifts `openinference.span.kind` into its own field
    assert_eq!(llm["span_kind"], "LLM", "{llm}");
    for (k, v) in [
        ("gen_ai.operation.name", serde_json::json!("chat")),
        ("gen_ai.provider.name", serde_json::json!("scripted")),
        ("gen_ai.request.model", serde_json::json!("gpt-4.1")),
        ("gen_ai.request.max_tokens", serde_json::json!(50)),
        ("gen_ai.conversation.id", serde_json::json!("conv-phoenix")),
        ("gen_ai.response.model", serde_json::json!("gpt-4.1")),
        ("llm.model_name", serde_json::json!("gpt-4.1")),
        (
            "output.value",
            serde_json::json!("Paris is the capital of France."),
        ),
    ] {
        assert_eq!(attr(llm, k), &v, "{k} in {llm}");
    }
    // token counts intact, under both conventions
    let input = attr(llm, "gen_ai.usage.input_tokens").as_i64().unwrap();
    let output = attr(llm, "gen_ai.usage.output_tokens").as_i64().unwrap();
    assert!(input > 0 && output > 0, "{llm}");
    assert_eq!(attr(llm, "llm.token_count.prompt").as_i64(), Some(input));
    assert_eq!(
        attr(llm, "llm.token_count.completion").as_i64(),
        Some(output)
    );
    assert_eq!(
        attr(llm, "llm.token_count.total").as_i64(),
        Some(input + output)
    );
    assert!(
        attr(llm, "gen_ai.input.messages")
            .as_str()
            .unwrap_or_default()
            .contains("capital of France"),
        "{llm}"
    );
}

#[tokio::test]
async fn backend_phoenix_receives_genai_spans_over_otlp_http() {
    let Some(url) = phoenix_url() else { return };
    let project = format!("llmops-http-{}", std::process::id());
    let (id, spans) = export_to_phoenix(
        &url,
        OtelOptions::new()
            .phoenix(&url, &project)
            .capture_content(true)
            .service_name("llmops-ci"),
        &project,
    )
    .await;
    check_llm_span(&id, &spans);
}

#[tokio::test]
async fn backend_phoenix_receives_genai_spans_over_otlp_grpc() {
    let Some(url) = phoenix_url() else { return };
    let project = format!("llmops-grpc-{}", std::process::id());
    let (id, spans) = export_to_phoenix(
        &url,
        OtelOptions::new()
            .phoenix("http://127.0.0.1:4317", &project)
            .protocol(Protocol::Grpc)
            .capture_content(true),
        &project,
    )
    .await;
    check_llm_span(&id, &spans);
}
