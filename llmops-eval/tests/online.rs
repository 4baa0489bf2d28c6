//! Online evaluation (sampling, bounded queue, rolling scores, drift alerts, results recorded
//! on the client) and data drift.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::sync::{Arc, Mutex};

use llmops_core::provider::scripted::Step;
use llmops_core::{
    Alert, AlertSink, ChatRequest, ChatResponse, Client, EvalCase, EvalOutput, EvaluationResult,
    Evaluator, ExchangeRecord, HashingEmbedder, MemoryObserver, Observer, Score, ScriptedProvider,
    async_trait,
};
use llmops_eval::drift::{DataDrift, case_input};
use llmops_eval::online::{OnlineConfig, OnlineEvaluator, SCORE_DROP_RULE, Window};
use llmops_eval::{AssertionSpec, BuildContext, Case, Dataset, Registry};

/// `says-good`: 1 when the reply contains "good".
struct SaysGood(Option<Arc<tokio::sync::Semaphore>>);
#[async_trait]
impl Evaluator for SaysGood {
    fn name(&self) -> &str {
        "says-good"
    }
    async fn evaluate(&self, _: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        if let Some(gate) = &self.0 {
            gate.acquire().await.unwrap().forget();
        }
        Ok(Score::binary(out.text.contains("good"), "looked for good"))
    }
}

fn registry(gate: Option<Arc<tokio::sync::Semaphore>>) -> Registry {
    let mut r = Registry::new(BuildContext::new());
    r.register("says-good", move |_: &AssertionSpec, _: &BuildContext| {
        Ok(Arc::new(SaysGood(gate.clone())) as Arc<dyn Evaluator>)
    });
    r
}

fn specs() -> Vec<AssertionSpec> {
    vec![AssertionSpec::of("says-good")]
}

/// Replies with the user's text: send "good" or "bad".
fn echo_client(observers: Vec<Arc<dyn Observer>>) -> Client {
    let p = ScriptedProvider::new().responder(|req: &ChatRequest| {
        Some(Step::Reply(ChatResponse::new(
            req.last_user_text().unwrap_or_default(),
        )))
    });
    let mut b = Client::builder().provider(p);
    for o in observers {
        b = b.observer(o);
    }
    b.build().unwrap()
}

async fn send(client: &Client, model: &str, text: &str, n: usize) {
    for _ in 0..n {
        client
            .chat(ChatRequest::new(model).user(text))
            .await
            .unwrap();
    }
}

#[derive(Default)]
struct Alerts(Mutex<Vec<Alert>>);
#[async_trait]
impl AlertSink for Alerts {
    async fn send(&self, a: &Alert) -> llmops_core::Result<()> {
        self.0.lock().unwrap().push(a.clone());
        Ok(())
    }
}

#[tokio::test]
async fn the_sampled_share_is_near_the_rate_and_reproducible() {
    let online = OnlineEvaluator::start(
        &registry(None),
        &specs(),
        OnlineConfig::new().sample_rate(0.3).queue(4096),
        None,
    )
    .unwrap();
    let records = MemoryObserver::new();
    let client = echo_client(vec![online.clone(), Arc::new(records.clone())]);
    send(&client, "scripted/m", "good", 2000).await;
    client.flush().await.unwrap();
    let s = online.stats();
    assert_eq!(s.seen, 2000);
    assert!((520..=680).contains(&s.sampled), "{s:?}");
    assert_eq!((s.evaluated, s.dropped), (s.sampled, 0));
    // the decision is a function of the request id: another evaluator picks the same ones
    let again = OnlineEvaluator::start(
        &registry(None),
        &specs(),
        OnlineConfig::new().sample_rate(0.3),
        None,
    )
    .unwrap();
    let ids: Vec<String> = records
        .records()
        .into_iter()
        .map(|r| r.request_id)
        .collect();
    let picked = ids.iter().filter(|id| again.sampled(id)).count() as u64;
    assert_eq!(picked, s.sampled);
    let scores = online.scores();
    let (key, score) = scores.iter().next().unwrap();
    assert_eq!(key.prompt, "-");
    assert_eq!((score.n, score.mean, score.total), (200, 1.0, s.sampled));
}

#[tokio::test]
async fn a_full_queue_drops_and_counts_and_never_blocks() {
    let gate = Arc::new(tokio::sync::Semaphore::new(0));
    let online = OnlineEvaluator::start(
        &registry(Some(gate.clone())),
        &specs(),
        OnlineConfig::new().sample_rate(1.0).queue(2),
        None,
    )
    .unwrap();
    let client = echo_client(vec![online.clone()]);
    // the evaluator is stuck: every chat still returns at once
    tokio::time::timeout(
        std::time::Duration::from_secs(5),
        send(&client, "scripted/m", "good", 10),
    )
    .await
    .expect("on_finish never blocks");
    let s = online.stats();
    assert_eq!(s.sampled, 10);
    // one job taken by the worker (or not yet), two queued
    assert!((7..=8).contains(&s.dropped), "{s:?}");
    gate.add_permits(10);
    client.flush().await.unwrap();
    let s = online.stats();
    assert_eq!(s.evaluated + s.dropped, 10, "{s:?}");
}

#[tokio::test]
async fn the_drift_alert_fires_once_and_re_arms() {
    let alerts = Arc::new(Alerts::default());
    let cfg = OnlineConfig::new()
        .sample_rate(1.0)
        .window(Window::Last(5))
        .min_samples(5)
        .baseline(0.9)
        .margin(0.1);
    let online =
        OnlineEvaluator::start(&registry(None), &specs(), cfg, Some(alerts.clone())).unwrap();
    let client = echo_client(vec![online.clone()]);
    let count = |a: &Alerts| a.0.lock().unwrap().len();

    send(&client, "scripted/m", "good", 5).await;
    client.flush().await.unwrap();
    assert_eq!(count(&alerts), 0);
    send(&client, "scripted/m", "bad", 12).await;
    client.flush().await.unwrap();
    assert_eq!(
        count(&alerts),
        1,
        "one alert for one drop, however long it lasts"
    );
    let (_, s) = online.scores().into_iter().next().unwrap();
    assert!(
        s.alerting && s.mean == 0.0 && s.baseline == Some(0.9),
        "{s:?}"
    );

    send(&client, "scripted/m", "good", 5).await;
    client.flush().await.unwrap();
    let (_, s) = online.scores().into_iter().next().unwrap();
    assert!(!s.alerting, "recovered: re-armed");
    send(&client, "scripted/m", "bad", 5).await;
    client.flush().await.unwrap();
    let got = alerts.0.lock().unwrap().clone();
    assert_eq!(got.len(), 2);
    assert_eq!(got[0].rule, SCORE_DROP_RULE);
    assert_eq!(got[0].data["baseline"], 0.9);
    assert!(
        got[0].message.contains("scripted/m") || got[0].message.contains("on "),
        "{}",
        got[0].message
    );
    assert_eq!(online.stats().alerts, 2);
}

#[tokio::test]
async fn no_alert_before_min_samples_and_a_learned_baseline() {
    let alerts = Arc::new(Alerts::default());
    let cfg = OnlineConfig::new()
        .sample_rate(1.0)
        .window(Window::Last(4))
        .min_samples(4)
        .margin(0.2);
    let online =
        OnlineEvaluator::start(&registry(None), &specs(), cfg, Some(alerts.clone())).unwrap();
    let client = echo_client(vec![online.clone()]);
    // two models: two keys
    send(&client, "scripted/a", "good", 4).await;
    send(&client, "scripted/b", "bad", 3).await;
    client.flush().await.unwrap();
    let scores = online.scores();
    assert_eq!(scores.len(), 2);
    let a = scores
        .iter()
        .find(|(k, _)| k.model.contains('a'))
        .unwrap()
        .1;
    assert_eq!(a.baseline, Some(1.0), "learned from the first 4 scores");
    let b = scores
        .iter()
        .find(|(k, _)| k.model.contains('b'))
        .unwrap()
        .1;
    assert_eq!(b.baseline, None, "3 scores are not enough to learn");
    send(&client, "scripted/a", "bad", 2).await;
    client.flush().await.unwrap();
    assert_eq!(alerts.0.lock().unwrap().len(), 1, "mean 0.5 < 1.0 - 0.2");
}

#[derive(Default)]
struct Evals(Mutex<Vec<EvaluationResult>>);
impl Observer for Evals {
    fn on_finish(&self, _: &ExchangeRecord) {}
    fn on_evaluation(&self, r: &EvaluationResult) {
        self.0.lock().unwrap().push(r.clone());
    }
}

#[tokio::test]
async fn online_results_are_recorded_on_the_evaluated_exchange() {
    let evals = Arc::new(Evals::default());
    let records = MemoryObserver::new();
    let online = OnlineEvaluator::start(
        &registry(None),
        &specs(),
        OnlineConfig::new().sample_rate(1.0),
        None,
    )
    .unwrap();
    let client = echo_client(vec![
        online.clone(),
        evals.clone(),
        Arc::new(records.clone()),
    ]);
    online.record_to(client.clone());
    send(&client, "scripted/m", "good", 2).await;
    send(&client, "scripted/m", "bad", 1).await;
    client.flush().await.unwrap();
    let got = evals.0.lock().unwrap().clone();
    let ids: Vec<String> = records
        .records()
        .into_iter()
        .map(|r| r.request_id)
        .collect();
    assert_eq!(got.len(), 3);
    let labels: Vec<(&str, Option<&str>)> = got
        .iter()
        .map(|e| (e.request_id.as_str(), e.label.as_deref()))
        .collect();
    assert_eq!(
        labels,
        [
            (ids[0].as_str(), Some("pass")),
            (ids[1].as_str(), Some("pass")),
            (ids[2].as_str(), Some("fail"))
        ]
    );
    client.shutdown().await.unwrap();
}

#[tokio::test]
async fn bad_online_configs_are_refused() {
    assert!(OnlineEvaluator::start(&registry(None), &[], OnlineConfig::new(), None).is_err());
    let err = OnlineEvaluator::start(
        &registry(None),
        &[AssertionSpec::of("nope")],
        OnlineConfig::new(),
        None,
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("unknown assertion type"), "{err}");
    assert!(
        OnlineEvaluator::start(
            &registry(None),
            &specs(),
            OnlineConfig::new().sample_rate(-0.1),
            None
        )
        .is_err()
    );
}

const EVAL_SET: &[&str] = &[
    "how do I return a damaged item",
    "can I get a refund for a broken item",
    "what is the return window for items bought online",
    "my refund has not arrived yet",
    "how long does shipping take to canada",
    "can I change the shipping address of my order",
    "my order arrived damaged what now",
    "do you ship to europe and how much does shipping cost",
    "how do I track my order shipping status",
    "refund to a gift card instead of my card",
    "return an item bought in a store",
    "where is my order it has not arrived",
];

#[tokio::test]
async fn same_topics_do_not_drift_a_new_topic_does() {
    let e = Arc::new(HashingEmbedder::new(1024));
    let ds = Dataset::new(
        "support",
        EVAL_SET
            .iter()
            .enumerate()
            .map(|(i, q)| Case::new(format!("c{i}")).var("question", *q))
            .collect(),
    )
    .unwrap();
    assert_eq!(case_input(&ds.cases[0].eval), EVAL_SET[0]);
    let fitted = DataDrift::fit_dataset(e.clone(), &ds).await.unwrap();

    let mut same = DataDrift::fit(e.clone(), EVAL_SET).await.unwrap();
    same.observe(&[
        "how can I return a broken item",
        "refund for a damaged order",
        "how long does shipping to europe take",
        "track the shipping of my order",
        "my order has not arrived yet where is it",
        "return window for an item I bought online",
    ])
    .await
    .unwrap();
    let r = same.report().unwrap();
    println!("same topics: {r:?}");
    assert!(!r.drifted, "{r:?}");

    let mut new = fitted;
    new.observe(&[
        "kubernetes pod stuck in crashloopbackoff",
        "helm chart upgrade failed with timeout",
        "terraform state lock cannot be released",
        "docker container exits with code 137",
        "postgres replication lag keeps growing",
        "nginx returns 502 bad gateway behind the load balancer",
    ])
    .await
    .unwrap();
    let r = new.report().unwrap();
    println!("new topic: {r:?}");
    assert!(r.drifted, "{r:?}");
    assert!(
        r.centroid_distance > 0.3 && r.share_beyond_p95 > 0.8,
        "{r:?}"
    );

    // nothing observed yet, or too small an eval set: typed errors
    assert!(
        DataDrift::fit(e.clone(), EVAL_SET)
            .await
            .unwrap()
            .report()
            .is_err()
    );
    assert!(DataDrift::fit(e, &EVAL_SET[..1]).await.is_err());
}
