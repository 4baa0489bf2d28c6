//! Metrics: percentiles per model, feature and prompt version; Prometheus text.

use std::time::Duration;

use llmops_core::*;
use llmops_trace::{DURATION_BUCKETS, Metrics};

#[tokio::test]
async fn series_percentiles_and_counts() {
    let metrics = Metrics::new().unwrap();
    let fast = ScriptedProvider::named("fast")
        .serving(["small"])
        .repeat("one two");
    let slow = ScriptedProvider::named("slow")
        .serving(["big"])
        .repeat("one two three")
        .latency(Duration::from_millis(30));
    let c = Client::builder()
        .provider(fast)
        .provider(slow)
        .observer(metrics.clone())
        .build()
        .unwrap();
    for _ in 0..20 {
        c.chat(ChatRequest::new("small").user("hi").feature("search"))
            .await
            .unwrap();
    }
    for _ in 0..5 {
        c.chat(ChatRequest::new("big").user("hi there").feature("support"))
            .await
            .unwrap();
    }
    let _ = c
        .chat(ChatRequest::new("nope").user("x").feature("support"))
        .await; // unknown model: failed
    c.flush().await.unwrap();
    let snap = metrics.snapshot();
    let by_model = snap.by_model();
    assert_eq!(by_model["small"].requests, 20);
    assert_eq!(by_model["big"].requests, 5);
    assert_eq!(by_model["nope"].errors["unknown_model"], 1);
    let big = &by_model["big"];
    assert!(
        big.duration.quantile(0.5) >= 0.03,
        "p50 {}",
        big.duration.quantile(0.5)
    );
    assert!(by_model["small"].duration.quantile(0.99) < big.duration.quantile(0.5));
    assert_eq!(big.output_tokens.sum(), 15.0);
    let by_feature = snap.by_feature();
    assert_eq!(by_feature["support"].requests, 6);
    assert_eq!(by_feature["support"].outcomes["failed"], 1);
    assert_eq!(snap.by_prompt()[""].requests, 26);
    assert_eq!(
        by_model["small"].cost_unknown, 20,
        "no cost layer: unknown, counted"
    );
    assert_eq!(metrics.dropped(), 0);
}

#[tokio::test]
async fn prometheus_text_uses_the_genai_names_and_buckets() {
    let metrics = Metrics::new().unwrap();
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("ok \"quoted\""))
        .observer(metrics.clone())
        .build()
        .unwrap();
    c.chat(ChatRequest::new("scripted/m\"x").user("hi").feature("f"))
        .await
        .unwrap();
    c.flush().await.unwrap();
    let text = metrics.prometheus();
    assert!(text.contains("# TYPE gen_ai_client_operation_duration_seconds histogram"));
    assert!(text.contains("# TYPE gen_ai_client_token_usage histogram"));
    assert_eq!(
        text.matches("# TYPE gen_ai_client_token_usage histogram")
            .count(),
        1
    );
    assert!(text.contains("gen_ai_token_type=\"input\""));
    assert!(text.contains("gen_ai_token_type=\"output\""));
    assert!(
        text.contains("gen_ai_request_model=\"scripted/m\\\"x\""),
        "label values are escaped"
    );
    // every duration bucket boundary, cumulative, ending in +Inf == count
    for b in DURATION_BUCKETS {
        assert!(text.contains(&format!("le=\"{b}\"")), "bucket {b}");
    }
    let inf = text
        .lines()
        .find(|l| {
            l.starts_with("gen_ai_client_operation_duration_seconds_bucket") && l.contains("+Inf")
        })
        .unwrap();
    assert!(inf.ends_with(" 1"));
    assert!(text.contains("llmops_client_requests_total{"));
    assert!(text.contains("llmops_outcome=\"completed\"} 1"));
    // every sample line is `name{labels} value`
    for l in text.lines().filter(|l| !l.starts_with('#')) {
        let v = l.rsplit(' ').next().unwrap();
        assert!(v.parse::<f64>().is_ok(), "{l}");
    }
}
