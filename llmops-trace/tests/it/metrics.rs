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

#[tokio::test]
async fn feedback_is_counted_per_series_by_label_and_score() {
    let metrics = Metrics::new().unwrap();
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("ok"))
        .observer(metrics.clone())
        .build()
        .unwrap();
    let a = c
        .chat(ChatRequest::new("scripted/a").user("hi").feature("search"))
        .await
        .unwrap();
    let b = c
        .chat(ChatRequest::new("scripted/b").user("hi").feature("support"))
        .await
        .unwrap();
    let (a, b) = (a.meta.request_id, b.meta.request_id);
    c.feedback(&a, "wrong_answer", Some("cited the old policy"))
        .unwrap();
    c.feedback(&a, 0.0, None).unwrap();
    c.feedback(&b, "wrong_answer", None).unwrap();
    c.feedback(&b, 1.0, None).unwrap();
    c.feedback(&b, 5.0, None).unwrap();
    c.feedback(&b, -1.0, None).unwrap();
    c.feedback("never-seen", "thumbs_down", None).unwrap();
    c.flush().await.unwrap();

    let snap = metrics.snapshot();
    let by_feature = snap.by_feature();
    let (search, support) = (&by_feature["search"], &by_feature["support"]);
    assert_eq!(search.feedback["wrong_answer"], 1);
    assert_eq!(search.feedback_scores.count(), 1);
    assert_eq!(search.feedback_scores.mean(), Some(0.0));
    assert_eq!(support.feedback["wrong_answer"], 1);
    let s = &support.feedback_scores;
    assert_eq!(
        (s.count(), s.sum(), s.min(), s.max()),
        (3, 5.0, Some(-1.0), Some(5.0))
    );
    assert_eq!(snap.by_model()["scripted/b"].feedback_scores.count(), 3);
    // feedback on an exchange the metrics never saw: counted, under empty labels
    assert_eq!(by_feature[""].feedback["thumbs_down"], 1);
    assert_eq!(by_feature[""].requests, 0);
    assert_eq!(metrics.dropped(), 0);

    let text = metrics.prometheus();
    assert!(
        text.contains("# TYPE llmops_feedback_total counter"),
        "{text}"
    );
    let line = text
        .lines()
        .find(|l| {
            l.starts_with("llmops_feedback_total{")
                && l.contains("llmops_feature=\"search\"")
                && l.contains("label=\"wrong_answer\"")
        })
        .unwrap();
    assert!(line.ends_with(" 1"), "{line}");
    assert!(text.contains("# TYPE llmops_feedback_score histogram"));
    let count = text
        .lines()
        .find(|l| {
            l.starts_with("llmops_feedback_score_count{")
                && l.contains("llmops_feature=\"support\"")
        })
        .unwrap();
    assert!(count.ends_with(" 3"), "{count}");
    let le_zero = text
        .lines()
        .find(|l| {
            l.starts_with("llmops_feedback_score_bucket{")
                && l.contains("llmops_feature=\"support\"")
                && l.contains("le=\"0\"")
        })
        .unwrap();
    assert!(
        le_zero.ends_with(" 1"),
        "cumulative: only -1 is <= 0: {le_zero}"
    );
    // the feedback-only series has no exchange metrics
    assert!(
        !text
            .lines()
            .any(|l| l.starts_with("llmops_client_requests_total{")
                && l.contains("gen_ai_request_model=\"\"")),
        "{text}"
    );
    for l in text.lines().filter(|l| !l.starts_with('#')) {
        let v = l.rsplit(' ').next().unwrap();
        assert!(v.parse::<f64>().is_ok(), "{l}");
    }
}

#[tokio::test]
async fn feedback_labels_are_bounded_and_replays_counted() {
    let metrics = Metrics::new().unwrap();
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("ok"))
        .observer(metrics.clone())
        .build()
        .unwrap();
    let r = c
        .chat(ChatRequest::new("scripted/m").user("hi"))
        .await
        .unwrap();
    for i in 0..(llmops_trace::MAX_FEEDBACK_LABELS + 8) {
        c.feedback(&r.meta.request_id, format!("label-{i}"), None)
            .unwrap();
    }
    let replay = Caller::default().tag(llmops_trace::replay::REPLAY_TAG, "r-1");
    c.chat(ChatRequest::new("scripted/m").user("hi").caller(replay))
        .await
        .unwrap();
    c.flush().await.unwrap();
    let m = &metrics.snapshot().by_model()["scripted/m"];
    assert_eq!(m.feedback.len(), llmops_trace::MAX_FEEDBACK_LABELS + 1);
    assert_eq!(m.feedback["other"], 8);
    assert_eq!((m.requests, m.replays), (2, 1));
    assert!(metrics.prometheus().contains("llmops_event=\"replay\"} 1"));
}

/// A Redis budget store on a port nobody listens on: the request is refused (budgets fail
/// closed), and the store's calls and failures are in the snapshot and the Prometheus text.
#[tokio::test]
async fn redis_store_failures_are_counted_in_the_metrics() {
    use llmops_core::cost::budget::{Budgets, Limit, Scope, Window};
    use llmops_core::redis::{RedisBudgetStore, RedisCacheStore, RedisConnection};
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let conn = RedisConnection::open(&format!("redis://127.0.0.1:{port}/")).unwrap();
    let store = RedisBudgetStore::new(conn.clone());
    let metrics = Metrics::new().unwrap();
    metrics.watch_store("redis-budget", store.clone());
    metrics.watch_store("redis-cache", RedisCacheStore::new(conn));
    let budgets = Budgets::builder()
        .limit(Limit::tokens(Scope::Global, Window::Day, 1_000))
        .store(store)
        .build()
        .unwrap();
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("ok"))
        .budgets(budgets)
        .observer(metrics.clone())
        .build()
        .unwrap();
    let req = || ChatRequest::new("scripted/m").user("hi").max_tokens(5);
    // the first call is refused by the network, the second by the cool-down
    for _ in 0..2 {
        let err = c.chat(req()).await.unwrap_err();
        assert!(matches!(err, Error::Extension { .. }), "{err:?}");
    }
    c.flush().await.unwrap();
    let snap = metrics.snapshot();
    let b = &snap.stores["redis-budget"];
    assert_eq!((b.calls, b.failures(), b.unavailable), (1, 2, 1), "{b:?}");
    assert_eq!(snap.stores["redis-cache"].calls, 0);
    let text = metrics.prometheus();
    assert!(
        text.contains("llmops_store_calls_total{llmops_store=\"redis-budget\"} 1\n"),
        "{text}"
    );
    assert!(text.contains(
        "llmops_store_failures_total{llmops_store=\"redis-budget\",error_type=\"unavailable\"} 1\n"
    ));
    let failed = text
        .lines()
        .filter(|l| l.starts_with("llmops_store_failures_total{llmops_store=\"redis-budget\""))
        .map(|l| l.rsplit(' ').next().unwrap().parse::<u64>().unwrap())
        .sum::<u64>();
    assert_eq!(failed, 2);
    assert!(text.contains(
        "llmops_store_events_total{llmops_store=\"redis-cache\",llmops_event=\"too_large\"} 0\n"
    ));
    // the refusals are exchanges too, failed with the store's class
    assert_eq!(snap.by_model()["scripted/m"].outcomes["failed"], 2);
}
