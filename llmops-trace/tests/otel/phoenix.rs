//! Arize Phoenix, the real server: `.ci/run` installs and starts it and sets
//! `LLMOPS_TEST_PHOENIX_URL`. Unset: these tests skip loudly. Set and unreachable: they fail.

use std::time::Duration;

use llmops_core::testing::backend;

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
