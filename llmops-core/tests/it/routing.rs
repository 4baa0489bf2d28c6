//! The router stage: rules, usage policy, fallback chains, capability flags, retries with
//! backoff and `Retry-After`, deadlines, circuit breakers, rate limits, balancing, streams,
//! and the decisions it records.

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use llmops_core::routing::*;
use llmops_core::*;
use tokio::time::Instant;

fn sp(name: &str) -> ScriptedProvider {
    ScriptedProvider::named(name)
}

fn client(providers: Vec<Arc<ScriptedProvider>>, router: Router) -> (Client, MemoryObserver) {
    let obs = MemoryObserver::new();
    let mut b = Client::builder().observer(obs.clone()).router(router);
    for p in providers {
        b = b.provider_arc(p);
    }
    (b.build().unwrap(), obs)
}

fn only(obs: &MemoryObserver) -> ExchangeRecord {
    let recs = obs.records();
    assert_eq!(recs.len(), 1, "expected exactly one record: {recs:#?}");
    recs.into_iter().next().unwrap()
}

fn trace_of(rec: &ExchangeRecord) -> RouteTrace {
    RouteTrace::from_annotations(&rec.annotations).expect("a routing annotation")
}

fn req(model: &str) -> ChatRequest {
    ChatRequest::new(model).user("hello there").tenant("acme")
}

fn no_retry() -> RetryPolicy {
    RetryPolicy::default().retries_per_deployment(0)
}

#[tokio::test]
async fn falls_back_on_overload_and_records_every_attempt() {
    let a = Arc::new(sp("a").fail(ProviderErrorKind::Overloaded));
    let b = Arc::new(sp("b").reply("from b"));
    let router = Router::builder()
        .group("chat", ["a/m1", "b/m2"])
        .retry(no_retry())
        .build()
        .unwrap();
    let (c, obs) = client(vec![a.clone(), b.clone()], router);
    let r = c.chat(req("chat")).await.unwrap();
    assert_eq!(r.text(), "from b");
    assert_eq!(r.meta.attempts, 2);
    assert_eq!(r.meta.deployment.as_deref(), Some("b/m2"));
    let rec = only(&obs);
    assert_eq!(rec.attempts.len(), 2);
    assert!(matches!(&rec.attempts[0].outcome,
        AttemptOutcome::Failed { error, .. } if error.as_str() == "overloaded"));
    assert_eq!(rec.attempts[1].outcome, AttemptOutcome::Ok);
    assert_eq!(rec.attempts[1].model, "m2");
    let t = trace_of(&rec);
    assert_eq!(t.route, "chat");
    assert_eq!(t.candidates, ["a/m1", "b/m2"]);
    assert_eq!(t.served_by.as_deref(), Some("b/m2"));
    assert!(t.decisions.iter().any(|d| matches!(d,
        Decision::Failed { deployment, then: Disposition::Retry, .. } if deployment == "a/m1")));
    // the response metadata carries the same trace
    assert_eq!(r.meta.annotations, rec.annotations);
    assert_eq!((a.calls(), b.calls()), (1, 1));
}

#[tokio::test]
async fn never_falls_back_on_quota_bad_request_auth_or_content_filter() {
    for kind in [
        ProviderErrorKind::QuotaExhausted,
        ProviderErrorKind::BadRequest,
        ProviderErrorKind::Auth,
        ProviderErrorKind::ContentFilter,
    ] {
        let a = Arc::new(sp("a").fail(kind.clone()));
        let b = Arc::new(sp("b").repeat("never"));
        let router = Router::builder()
            .group("chat", ["a/m", "b/m"])
            .build()
            .unwrap();
        let (c, obs) = client(vec![a.clone(), b.clone()], router);
        let e = c.chat(req("chat")).await.unwrap_err();
        assert_eq!(e.class(), ErrorClass::Provider(kind.clone()), "{kind}");
        assert_eq!((a.calls(), b.calls()), (1, 0), "{kind}");
        let rec = only(&obs);
        assert_eq!(rec.attempts.len(), 1);
        let t = trace_of(&rec);
        assert!(
            matches!(
                &t.decisions[1],
                Decision::Failed {
                    then: Disposition::Fatal,
                    ..
                }
            ),
            "{t:?}"
        );
    }
}

#[tokio::test]
async fn fallback_chains_and_direct_model_references() {
    let a = Arc::new(sp("a").fail(ProviderErrorKind::Server));
    let b = Arc::new(sp("b").fail(ProviderErrorKind::Network));
    let c3 = Arc::new(sp("c").reply("third"));
    let router = Router::builder()
        .group("primary", ["a/m"])
        .fallback("primary", ["b/m", "c/m"])
        .retry(no_retry())
        .build()
        .unwrap();
    let (c, obs) = client(vec![a, b, c3], router);
    let r = c.chat(req("primary")).await.unwrap();
    assert_eq!(r.text(), "third");
    assert_eq!(trace_of(&only(&obs)).candidates, ["a/m", "b/m", "c/m"]);
    // a model reference that names no group goes straight through (one candidate)
    let plain = Arc::new(sp("p").reply("plain"));
    let router = Router::builder().build().unwrap();
    let (c, obs) = client(vec![plain], router);
    let r = c.chat(req("p/x")).await.unwrap();
    assert_eq!(r.text(), "plain");
    let t = trace_of(&only(&obs));
    assert_eq!((t.route.as_str(), t.candidates.len()), ("p/x", 1));
}

#[tokio::test]
async fn rules_route_by_feature_tag_model_and_token_bound() {
    let small = Arc::new(sp("small").repeat("small"));
    let big = Arc::new(sp("big").repeat("big"));
    let vip = Arc::new(sp("vip").repeat("vip"));
    let router = Router::builder()
        .group("default", ["small/m"])
        .group("long", ["big/m"])
        .group("premium", ["vip/m"])
        .rule(
            Rule::new("long-inputs")
                .when(Match::tokens_over(200))
                .to("long"),
        )
        .rule(
            Rule::new("vip")
                .when(Match::feature("concierge").or(Match::tag("tier", "gold")))
                .to("premium"),
        )
        .rule(Rule::model("gpt-4o", "premium"))
        .default_route("default")
        .build()
        .unwrap();
    let (c, obs) = client(vec![small, big, vip], router);
    assert_eq!(c.chat(req("anything")).await.unwrap().text(), "small");
    let long = ChatRequest::new("anything").user("x".repeat(300));
    assert_eq!(c.chat(long).await.unwrap().text(), "big");
    assert_eq!(
        c.chat(req("anything").feature("concierge"))
            .await
            .unwrap()
            .text(),
        "vip"
    );
    let gold = req("anything").caller(Caller::default().tag("tier", "gold"));
    assert_eq!(c.chat(gold).await.unwrap().text(), "vip");
    assert_eq!(c.chat(req("gpt-4o")).await.unwrap().text(), "vip");
    let rules: Vec<Option<String>> = obs.records().iter().map(|r| trace_of(r).rule).collect();
    assert_eq!(
        rules,
        [
            None,
            Some("long-inputs".to_owned()),
            Some("vip".to_owned()),
            Some("vip".to_owned()),
            Some("model:gpt-4o".to_owned())
        ]
    );
}

#[tokio::test]
async fn usage_policy_refuses_routes_and_skips_deployments() {
    let ext = Arc::new(sp("openai").repeat("external"));
    let local = Arc::new(sp("local").repeat("in-house"));
    let router = Router::builder()
        .group("chat", ["openai/gpt", "local/llama"])
        .group("premium", ["openai/gpt"])
        .policy(
            Policy::deny("pii-in-house")
                .when(Match::tag("data_class", "pii"))
                .providers(["openai"])
                .reason("personal data stays on our deployments"),
        )
        .policy(
            Policy::deny("free-tier")
                .when(Match::tenant("free"))
                .groups(["premium"]),
        )
        .build()
        .unwrap();
    let (c, obs) = client(vec![ext.clone(), local.clone()], router);
    // no PII: the first deployment
    assert_eq!(c.chat(req("chat")).await.unwrap().text(), "external");
    // PII: the external deployment is skipped
    let pii = req("chat").caller(Caller::default().tenant("acme").tag("data_class", "pii"));
    assert_eq!(c.chat(pii.clone()).await.unwrap().text(), "in-house");
    // PII on a route with only external deployments: refused, nothing sent
    let before = ext.calls();
    let e = c.chat(pii.model("premium")).await.unwrap_err();
    assert!(
        matches!(&e, Error::PolicyDenied { rule, reason } if rule == "pii-in-house" && reason.contains("personal data")),
        "{e:?}"
    );
    assert_eq!(ext.calls(), before);
    // a route denied to a tenant
    let e = c.chat(req("premium").tenant("free")).await.unwrap_err();
    assert!(matches!(&e, Error::PolicyDenied { rule, .. } if rule == "free-tier"));
    // refusals are records with their own class (what the audit observer keeps)
    let recs = obs.records();
    assert_eq!(recs.len(), 4);
    for r in &recs[2..] {
        assert!(
            matches!(
                &r.outcome,
                Outcome::Failed {
                    error: ErrorClass::PolicyDenied,
                    ..
                }
            ),
            "{:?}",
            r.outcome
        );
        assert!(r.attempts.is_empty());
    }
    let t = trace_of(&recs[1]);
    assert_eq!(
        t.skipped().collect::<Vec<_>>(),
        [("openai/gpt", SkipReason::Policy)]
    );
}

#[tokio::test]
async fn capability_flags_keep_fallbacks_off_models_that_cannot() {
    let a = Arc::new(sp("a").fail(ProviderErrorKind::Server));
    let text_only = Arc::new(sp("t").repeat("no tools here"));
    let full = Arc::new(sp("f").repeat("with tools"));
    let mut caps = Capabilities::all();
    caps.tools = false;
    caps.vision = false;
    let router = Router::builder()
        .group("chat", ["a/m", "t/m", "f/m"])
        .deployment(DeploymentConfig::new("t/m").capabilities(caps.clone()))
        .retry(no_retry())
        .build()
        .unwrap();
    let (c, obs) = client(vec![a, text_only.clone(), full], router);
    let tool = ToolSpec::new("lookup", "looks up", serde_json::json!({"type": "object"}));
    let r = c.chat(req("chat").tool(tool.clone())).await.unwrap();
    assert_eq!(r.text(), "with tools");
    assert_eq!(text_only.calls(), 0);
    let t = trace_of(&only(&obs));
    assert!(t.decisions.iter().any(|d| matches!(d,
        Decision::Skip { deployment, reason: SkipReason::Capability, detail: Some(x) } if deployment == "t/m" && x == "tools")));
    // when no candidate can: a typed error naming what is missing
    let router = Router::builder()
        .group("chat", ["t/m"])
        .deployment(DeploymentConfig::new("t/m").capabilities(caps))
        .build()
        .unwrap();
    let (c, _) = client(vec![Arc::new(sp("t").repeat("x"))], router);
    let img = ChatRequest::new("chat").user_parts(vec![
        ContentPart::text("what is this?"),
        ContentPart::image_url("https://example.com/cat.png"),
    ]);
    let e = c.chat(img).await.unwrap_err();
    assert!(
        matches!(&e, Error::Unsupported { missing, .. } if missing == "vision"),
        "{e:?}"
    );
}

#[tokio::test]
async fn context_length_moves_to_a_larger_window() {
    let small = Arc::new(sp("small").fail(ProviderErrorKind::ContextLength));
    let same = Arc::new(sp("same").repeat("never"));
    let big = Arc::new(sp("big").repeat("long answer"));
    let router = Router::builder()
        .group("chat", ["small/m", "same/m", "big/m"])
        .deployment(DeploymentConfig::new("small/m").context_window(8_000))
        .deployment(DeploymentConfig::new("same/m").context_window(8_000))
        .deployment(DeploymentConfig::new("big/m").context_window(200_000))
        .build()
        .unwrap();
    let (c, obs) = client(vec![small, same.clone(), big], router);
    let r = c.chat(req("chat")).await.unwrap();
    assert_eq!(r.text(), "long answer");
    assert_eq!(same.calls(), 0);
    let t = trace_of(&only(&obs));
    assert_eq!(
        t.skipped().collect::<Vec<_>>(),
        [("same/m", SkipReason::ContextWindow)]
    );
}

#[tokio::test(start_paused = true)]
async fn retries_back_off_with_jitter_and_stay_bounded() {
    let a = Arc::new(
        sp("a")
            .fail(ProviderErrorKind::Server)
            .fail(ProviderErrorKind::Server)
            .fail(ProviderErrorKind::Server)
            .fail(ProviderErrorKind::Server)
            .repeat("too late"),
    );
    let policy = RetryPolicy::default()
        .max_attempts(3)
        .retries_per_deployment(5)
        .backoff(Duration::from_millis(100), Duration::from_secs(1));
    let router = Router::builder()
        .group("chat", ["a/m"])
        .retry(policy)
        .build()
        .unwrap();
    let (c, obs) = client(vec![a.clone()], router);
    let t0 = Instant::now();
    let e = c.chat(req("chat")).await.unwrap_err();
    assert!(
        matches!(&e, Error::AllAttemptsFailed(v) if v.len() == 3),
        "{e:?}"
    );
    assert_eq!(e.class().as_str(), "server");
    assert_eq!(a.calls(), 3);
    let rec = only(&obs);
    assert_eq!(rec.attempts.len(), 3);
    let waits: Vec<(Duration, WaitReason)> = trace_of(&rec).waits().collect();
    assert_eq!(waits.len(), 2);
    assert!(waits[0].0 <= Duration::from_millis(100) && waits[1].0 <= Duration::from_millis(200));
    assert!(waits.iter().all(|(_, r)| *r == WaitReason::Backoff));
    // paused time moved exactly by the waits (ms rounding aside)
    assert!(
        t0.elapsed() <= Duration::from_millis(302),
        "{:?}",
        t0.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn retry_after_is_honoured_or_skipped_when_too_long() {
    let limited = |secs| {
        Error::from(
            ProviderError::new(ProviderErrorKind::RateLimited, "a", "slow down")
                .with_status(429)
                .with_retry_after(Some(Duration::from_secs(secs))),
        )
    };
    let a = Arc::new(sp("a").fail_with(limited(3)).reply("after the wait"));
    let router = Router::builder().group("chat", ["a/m"]).build().unwrap();
    let (c, obs) = client(vec![a], router);
    let t0 = Instant::now();
    let r = c.chat(req("chat")).await.unwrap();
    assert_eq!(r.text(), "after the wait");
    assert!(t0.elapsed() >= Duration::from_secs(3));
    let waits: Vec<_> = trace_of(&only(&obs)).waits().collect();
    assert_eq!(waits, [(Duration::from_secs(3), WaitReason::RetryAfter)]);

    // a wait longer than max_retry_after: the next candidate at once
    let a = Arc::new(sp("a").fail_with(limited(120)));
    let b = Arc::new(sp("b").reply("backup"));
    let router = Router::builder()
        .group("chat", ["a/m", "b/m"])
        .build()
        .unwrap();
    let (c, obs) = client(vec![a, b], router);
    let t0 = Instant::now();
    assert_eq!(c.chat(req("chat")).await.unwrap().text(), "backup");
    assert!(t0.elapsed() < Duration::from_secs(1));
    let t = trace_of(&only(&obs));
    assert_eq!(t.waits().count(), 0);
    assert_eq!(
        t.skipped().collect::<Vec<_>>(),
        [("a/m", SkipReason::RetryAfterTooLong)]
    );
}

#[tokio::test(start_paused = true)]
async fn never_sleeps_past_the_deadline() {
    let limited = Error::from(
        ProviderError::new(ProviderErrorKind::RateLimited, "a", "slow down")
            .with_retry_after(Some(Duration::from_secs(5))),
    );
    let a = Arc::new(sp("a").fail_with(limited).repeat("late"));
    let router = Router::builder().group("chat", ["a/m"]).build().unwrap();
    let (c, obs) = client(vec![a.clone()], router);
    let t0 = Instant::now();
    let e = c
        .chat(req("chat").timeout(Duration::from_secs(2)))
        .await
        .unwrap_err();
    // the provider's error, at once, not a deadline after a useless sleep
    assert_eq!(e.class().as_str(), "rate_limited");
    assert!(t0.elapsed() < Duration::from_secs(1));
    assert_eq!(a.calls(), 1);
    let t = trace_of(&only(&obs));
    assert_eq!(
        t.skipped().collect::<Vec<_>>(),
        [("a/m", SkipReason::Deadline)]
    );
}

#[tokio::test(start_paused = true)]
async fn per_attempt_timeout_moves_on_from_a_hang() {
    let a = Arc::new(sp("a").hang());
    let b = Arc::new(sp("b").reply("b answered"));
    let router = Router::builder()
        .group("chat", ["a/m", "b/m"])
        .retry(no_retry().attempt_timeout(Duration::from_secs(5)))
        .build()
        .unwrap();
    let (c, obs) = client(vec![a, b], router);
    let r = c.chat(req("chat")).await.unwrap();
    assert_eq!(r.text(), "b answered");
    let rec = only(&obs);
    assert!(matches!(&rec.attempts[0].outcome,
        AttemptOutcome::Failed { error, message } if error.as_str() == "timeout" && message.contains("attempt_timeout")));
    assert_eq!(rec.attempts[0].usage_source, UsageSource::Estimated);
    assert_eq!(rec.outcome, Outcome::Completed);
}

#[tokio::test(start_paused = true)]
async fn breaker_opens_skips_probes_and_closes() {
    let a = Arc::new(
        sp("a")
            .fail(ProviderErrorKind::Server)
            .fail(ProviderErrorKind::Server)
            .repeat("a is back"),
    );
    let b = Arc::new(sp("b").repeat("b"));
    let router = Router::builder()
        .group("chat", ["a/m", "b/m"])
        .retry(no_retry())
        .breaker(
            BreakerPolicy::default()
                .failures(2)
                .cooldown(Duration::from_secs(30)),
        )
        .build()
        .unwrap();
    let (c, obs) = client(vec![a.clone(), b], router.clone());
    for _ in 0..2 {
        assert_eq!(c.chat(req("chat")).await.unwrap().text(), "b");
    }
    assert!(matches!(
        router.breaker_state("a/m"),
        Some(BreakerState::Open { .. })
    ));
    // open: skipped without a call
    assert_eq!(c.chat(req("chat")).await.unwrap().text(), "b");
    assert_eq!(a.calls(), 2);
    let t = trace_of(&obs.records()[2]);
    assert_eq!(
        t.skipped().collect::<Vec<_>>(),
        [("a/m", SkipReason::CircuitOpen)]
    );
    // after the cooldown one probe goes through and closes it
    tokio::time::advance(Duration::from_secs(30)).await;
    assert_eq!(c.chat(req("chat")).await.unwrap().text(), "a is back");
    assert_eq!(router.breaker_state("a/m"), Some(BreakerState::Closed));
}

#[tokio::test(start_paused = true)]
async fn an_open_breaker_alone_refuses_fast_with_a_typed_error() {
    let a = Arc::new(sp("a").fail(ProviderErrorKind::Overloaded).repeat("x"));
    let router = Router::builder()
        .group("chat", ["a/m"])
        .retry(RetryPolicy::none())
        .breaker(BreakerPolicy::default().failures(1))
        .build()
        .unwrap();
    let (c, obs) = client(vec![a.clone()], router);
    assert!(c.chat(req("chat")).await.is_err());
    let e = c.chat(req("chat")).await.unwrap_err();
    assert!(
        matches!(&e, Error::CircuitOpen { deployment, .. } if deployment == "a/m"),
        "{e:?}"
    );
    assert!(e.is_retryable() && e.retry_after().is_some());
    assert_eq!(a.calls(), 1);
    assert!(matches!(
        &obs.records()[1].outcome,
        Outcome::Failed {
            error: ErrorClass::CircuitOpen,
            ..
        }
    ));
}

#[tokio::test(start_paused = true)]
async fn rate_limits_move_on_or_wait_within_the_bound() {
    let a = Arc::new(sp("a").repeat("a"));
    let b = Arc::new(sp("b").repeat("b"));
    let router = Router::builder()
        .group("chat", ["a/m", "b/m"])
        .deployment(DeploymentConfig::new("a/m").limits(Limits::default().rpm(1)))
        .build()
        .unwrap();
    let (c, obs) = client(vec![a.clone(), b.clone()], router);
    assert_eq!(c.chat(req("chat")).await.unwrap().text(), "a");
    assert_eq!(c.chat(req("chat")).await.unwrap().text(), "b");
    let t = trace_of(&obs.records()[1]);
    assert_eq!(
        t.skipped().collect::<Vec<_>>(),
        [("a/m", SkipReason::RateLimit)]
    );

    // alone, with a wait allowed: waits for the bucket
    let router = Router::builder()
        .group("chat", ["a/m"])
        .deployment(DeploymentConfig::new("a/m").limits(Limits::default().rpm(2)))
        .limit_wait(Duration::from_secs(60))
        .build()
        .unwrap();
    let (c, obs) = client(vec![Arc::new(sp("a").repeat("a"))], router);
    let t0 = Instant::now();
    for _ in 0..3 {
        c.chat(req("chat")).await.unwrap();
    }
    assert!(
        t0.elapsed() >= Duration::from_secs(29),
        "{:?}",
        t0.elapsed()
    );
    let waits: Vec<_> = trace_of(&obs.records()[2]).waits().collect();
    assert_eq!(waits.len(), 1);
    assert_eq!(waits[0].1, WaitReason::RateLimit);

    // a request larger than the token limit never fits
    let router = Router::builder()
        .group("chat", ["a/m"])
        .deployment(DeploymentConfig::new("a/m").limits(Limits::default().tpm(100)))
        .build()
        .unwrap();
    let (c, _) = client(vec![Arc::new(sp("a").repeat("a"))], router);
    let e = c
        .chat(req("chat").user("y".repeat(500)).max_tokens(10))
        .await
        .unwrap_err();
    assert!(
        matches!(&e, Error::LocalRateLimit { retry_in: None, .. }),
        "{e:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn token_buckets_are_corrected_from_usage() {
    // 2,000 tokens a minute; each request reserves its bound (13 input + 1,000 output) and
    // settles to the provider's usage (10), so many more requests fit than bounds suggest
    let a = Arc::new(sp("a").repeat_with(ChatResponse::new("ok").with_usage(Usage::new(5, 5))));
    let router = Router::builder()
        .group("chat", ["a/m"])
        .deployment(DeploymentConfig::new("a/m").limits(Limits::default().tpm(2_000)))
        .build()
        .unwrap();
    let (c, _) = client(vec![a.clone()], router);
    for _ in 0..50 {
        c.chat(ChatRequest::new("chat").user("hello").max_tokens(1_000))
            .await
            .unwrap();
    }
    assert_eq!(a.calls(), 50);
}

#[tokio::test]
async fn weighted_balancing_follows_weights() {
    let a = Arc::new(sp("a").repeat("a"));
    let b = Arc::new(sp("b").repeat("b"));
    let router = Router::builder()
        .group("chat", ["a/m", "b/m"])
        .group_balance("chat", Balance::Weighted)
        .deployment(DeploymentConfig::new("a/m").weight(3))
        .build()
        .unwrap();
    let (c, _) = client(vec![a.clone(), b.clone()], router);
    for _ in 0..800 {
        c.chat(req("chat")).await.unwrap();
    }
    // expected 600 : 200
    assert!(
        (520..680).contains(&a.calls()),
        "{} / {}",
        a.calls(),
        b.calls()
    );
    assert_eq!(a.calls() + b.calls(), 800);
}

#[tokio::test(start_paused = true)]
async fn peak_ewma_prefers_the_faster_deployment() {
    let slow = Arc::new(
        sp("slow")
            .repeat("slow")
            .latency(Duration::from_millis(800)),
    );
    let fast = Arc::new(sp("fast").repeat("fast").latency(Duration::from_millis(50)));
    let router = Router::builder()
        .group("chat", ["slow/m", "fast/m"])
        .balance(Balance::PeakEwma)
        .build()
        .unwrap();
    let (c, _) = client(vec![slow.clone(), fast.clone()], router.clone());
    for _ in 0..40 {
        c.chat(req("chat")).await.unwrap();
    }
    // each is tried (unknown latency is 500 ms), then the fast one takes the traffic
    assert!(slow.calls() <= 2, "{} slow calls", slow.calls());
    assert!(router.latency("fast/m").unwrap() < Duration::from_millis(100));
    assert_eq!(router.in_flight("fast/m"), Some(0));
}

#[tokio::test(start_paused = true)]
async fn least_in_flight_spreads_concurrent_requests() {
    let a = Arc::new(sp("a").repeat("a").latency(Duration::from_secs(1)));
    let b = Arc::new(sp("b").repeat("b").latency(Duration::from_secs(1)));
    let router = Router::builder()
        .group("chat", ["a/m", "b/m"])
        .balance(Balance::LeastInFlight)
        .build()
        .unwrap();
    let (c, obs) = client(vec![a.clone(), b.clone()], router);
    let mut tasks = Vec::new();
    for _ in 0..10 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move { c.chat(req("chat")).await }));
        tokio::task::yield_now().await;
    }
    for t in tasks {
        t.await.unwrap().unwrap();
    }
    assert_eq!((a.calls(), b.calls()), (5, 5));
    assert_eq!(obs.records().len(), 10);
}

#[tokio::test]
async fn a_stream_falls_back_before_its_first_chunk() {
    let a = Arc::new(sp("a").fail_mid_stream("never seen", 0));
    let b = Arc::new(sp("b").reply("streamed from b"));
    let router = Router::builder()
        .group("chat", ["a/m", "b/m"])
        .retry(no_retry())
        .build()
        .unwrap();
    let (c, obs) = client(vec![a, b], router);
    let s = c.chat_stream(req("chat")).await.unwrap();
    let r = s.into_response().await.unwrap();
    assert_eq!(r.text(), "streamed from b");
    let rec = only(&obs);
    assert_eq!(rec.outcome, Outcome::Completed);
    assert_eq!(rec.attempts.len(), 2);
    assert!(matches!(&rec.attempts[0].outcome,
        AttemptOutcome::Failed { error, .. } if error.as_str() == "network"));
    assert_eq!(rec.attempts[1].outcome, AttemptOutcome::Ok);
    assert_eq!(rec.response.unwrap().text, "streamed from b");
}

#[tokio::test]
async fn a_stream_cut_after_its_first_chunk_is_interrupted_with_what_was_received() {
    let a = Arc::new(sp("a").chunks(4).fail_mid_stream("Hello world!", 2));
    let b = Arc::new(sp("b").repeat("must not be used"));
    let router = Router::builder()
        .group("chat", ["a/m", "b/m"])
        .build()
        .unwrap();
    let (c, obs) = client(vec![a, b.clone()], router);
    let mut s = c.chat_stream(req("chat")).await.unwrap();
    let mut text = String::new();
    let mut err = None;
    while let Some(ev) = s.next().await {
        match ev {
            Ok(StreamEvent::Delta { text: t }) => text.push_str(&t),
            Ok(_) => {}
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    let e = err.expect("the cut surfaces as an error");
    match &e {
        Error::StreamInterrupted {
            received_text,
            cause,
            ..
        } => {
            assert_eq!(received_text, &text);
            assert!(!text.is_empty());
            assert_eq!(cause.class().as_str(), "network");
        }
        other => panic!("{other:?}"),
    }
    drop(s);
    assert_eq!(b.calls(), 0);
    let rec = only(&obs);
    assert!(matches!(
        &rec.outcome,
        Outcome::Failed {
            error: ErrorClass::StreamInterrupted,
            ..
        }
    ));
}

#[tokio::test]
async fn misconfiguration_is_a_typed_error() {
    assert!(
        Router::builder()
            .group("g", Vec::<String>::new())
            .build()
            .is_err()
    );
    assert!(
        Router::builder()
            .group("g", ["a"])
            .group("g", ["b"])
            .build()
            .is_err()
    );
    assert!(
        Router::builder()
            .rule(Rule::new("nowhere"))
            .build()
            .is_err()
    );
    assert!(Router::builder().fallback("a", ["a"]).build().is_err());
    assert!(
        Router::builder()
            .policy(Policy::deny("empty"))
            .build()
            .is_err()
    );
    assert!(
        Router::builder()
            .group_balance("ghost", Balance::Weighted)
            .build()
            .is_err()
    );
    assert!(
        Router::builder()
            .deployment(DeploymentConfig::new("a").limits(Limits::default().rpm(0)))
            .build()
            .is_err()
    );
    // a member no provider serves: found by validate, and on first use
    let router = Router::builder().group("g", ["nope/x"]).build().unwrap();
    let c = Client::builder()
        .provider(sp("a").repeat("x"))
        .provider(sp("b").repeat("x"))
        .router(router.clone())
        .build()
        .unwrap();
    let e = router.validate(c.models()).unwrap_err();
    assert!(e.to_string().contains("member `nope/x`"), "{e}");
    assert!(matches!(c.chat(req("g")).await, Err(Error::Config(_))));
}
