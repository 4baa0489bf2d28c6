//! Every exchange priced and accounted once: the `TablePricer` and the `CostLedger` through a
//! real `Client`, on every ending (full, streamed, cut, dropped, cancelled, failed then
//! fallback, usage missing).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use llmops_core::cost::{
    BATCH_ANNOTATION, CostLedger, GroupBy, PriceTable, Pricing, Query, TablePricer,
};
use llmops_core::tokens::RequestCounter;
use llmops_core::*;

const MINI: &str = "openai/gpt-4o-mini";

fn usd(s: &str) -> Money {
    Money::usd_str(s).unwrap()
}

fn table() -> Arc<PriceTable> {
    PriceTable::bundled().unwrap()
}

/// A client on a scripted provider standing in for `openai`, priced by the bundled table,
/// with a ledger and a memory observer.
fn client(p: ScriptedProvider) -> (Client, CostLedger, MemoryObserver) {
    client_on(Client::builder().provider(p))
}

fn client_on(b: ClientBuilder) -> (Client, CostLedger, MemoryObserver) {
    let ledger = CostLedger::new(Arc::new(TablePricer::new(table())));
    let obs = MemoryObserver::new();
    let c = b
        .cost_ledger(ledger.clone())
        .observer(obs.clone())
        .build()
        .unwrap();
    (c, ledger, obs)
}

fn openai() -> ScriptedProvider {
    ScriptedProvider::named("openai")
}

fn req() -> ChatRequest {
    ChatRequest::new(MINI)
        .user("Name three prime numbers")
        .caller(Caller::default().tenant("acme").user("u1"))
}

/// The ledger agrees with the records: one request each, the known costs summed exactly, the
/// unknown ones counted, every attempt once.
fn assert_ledger_matches(ledger: &CostLedger, recs: &[ExchangeRecord]) {
    let t = ledger.totals();
    assert_eq!(
        t.requests as usize,
        recs.len(),
        "one ledger entry per exchange"
    );
    let mut sum = Money::zero();
    let mut unknown = 0;
    for r in recs {
        match &r.cost {
            Cost::Known(m) => sum = sum.checked_add(m).unwrap(),
            Cost::Unknown { .. } => unknown += 1,
        }
    }
    assert_eq!(
        t.cost.amount, sum.amount,
        "ledger total = sum of the records"
    );
    assert_eq!(t.unknown_cost_requests, unknown);
    let attempts: usize = recs.iter().map(|r| r.attempts.len()).sum();
    assert_eq!(t.attempts as usize, attempts, "every attempt once");
    let usage = recs.iter().fold(Usage::default(), |mut u, r| {
        u.add(&r.usage);
        u
    });
    if recs.iter().all(|r| r.usage_source == UsageSource::Provider) {
        assert_eq!(t.usage, usage);
    }
}

#[tokio::test]
async fn full_and_streamed_replies_cost_the_same() {
    let (c, ledger, obs) = client(openai().repeat("two three five").chunks(3));
    let full = c.chat(req()).await.unwrap();
    let mut s = c.chat_stream(req()).await.unwrap();
    while let Some(ev) = s.next().await {
        ev.unwrap();
    }
    drop(s);
    let recs = obs.records();
    assert_eq!(recs.len(), 2);
    // 4 words in, 3 out (the scripted provider's usage): 4 × 1.5e-7 + 3 × 6e-7
    let expected = usd("0.0000024");
    assert_eq!(full.meta.cost.known(), Some(&expected));
    for r in &recs {
        assert_eq!(r.cost.known(), Some(&expected), "stream: {}", r.stream);
        assert_eq!(r.usage_source, UsageSource::Provider);
    }
    assert_ledger_matches(&ledger, &recs);
    let t = ledger.totals();
    assert_eq!(t.cost, usd("0.0000048"));
    assert_eq!(t.usage_from(UsageSource::Provider), Usage::new(8, 6));
    assert_eq!(t.cost_per_request(), Some(expected));
    assert_eq!(t.active_users, 1);
}

#[tokio::test]
async fn a_stream_cut_mid_way_is_priced_on_what_was_received() {
    let p = openai()
        .fail_mid_stream("alpha beta gamma delta epsilon zeta", 2)
        .chunks(6);
    let (c, ledger, obs) = client(p);
    let mut s = c.chat_stream(req()).await.unwrap();
    let mut got = String::new();
    while let Some(ev) = s.next().await {
        match ev {
            Ok(StreamEvent::Delta { text }) => got.push_str(&text),
            Ok(_) => {}
            Err(_) => break,
        }
    }
    drop(s);
    let rec = obs.records().pop().unwrap();
    assert!(
        matches!(rec.outcome, Outcome::Failed { .. }),
        "{:?}",
        rec.outcome
    );
    assert!(!got.is_empty());
    // input counted exactly on the request as sent, output on the text received
    let priced = ledger.pricer().breakdown(&rec);
    let line = &priced.lines[0];
    let input = RequestCounter::for_model("gpt-4o-mini").count(&rec.request);
    let output = Tiktoken::for_model("gpt-4o-mini").count(&got) as u64;
    assert_eq!(line.usage.input_tokens, input.tokens);
    assert_eq!(line.usage.output_tokens, output);
    assert_eq!(line.source, UsageSource::Counted);
    let want = table().cost(MINI, &Usage::new(input.tokens, output), Pricing::Standard);
    assert_eq!(rec.cost, want);
    assert!(rec.cost.known().unwrap().amount > rust_decimal::Decimal::ZERO);
    assert_ledger_matches(&ledger, &[rec]);
    assert_eq!(
        ledger
            .totals()
            .usage_from(UsageSource::Counted)
            .output_tokens,
        output
    );
}

/// Cuts the stream at the first delta containing "m".
struct CutAtM;
impl StreamTap for CutAtM {
    fn on_event(&mut self, ev: &mut StreamEvent) -> Tap {
        match ev {
            StreamEvent::Delta { text } if text.contains('m') => Tap::Cut("m".into()),
            _ => Tap::Pass,
        }
    }
}

#[tokio::test]
async fn cut_dropped_and_cancelled_exchanges_are_all_charged() {
    let p = openai()
        .reply("alpha beta gamma delta") // cut by the tap at "gamma"
        .reply("one two three four five six") // dropped after one event
        .hang() // cancelled
        .chunks(4);
    let b = Client::builder().provider(p).layer_at(
        Stage::BeforeProvider,
        from_fn(|req, cx, next| {
            if req.messages.last().is_some_and(|m| m.text() == "cut") {
                cx.add_tap(Box::new(CutAtM));
            }
            Box::pin(next.run(req, cx))
        }),
    );
    let (c, ledger, obs) = client_on(b);
    let mut s = c
        .chat_stream(ChatRequest::new(MINI).user("cut"))
        .await
        .unwrap();
    while s.next().await.is_some() {}
    drop(s);
    let mut s = c.chat_stream(req()).await.unwrap();
    s.next().await.unwrap().unwrap();
    drop(s);
    let r = tokio::time::timeout(Duration::from_millis(20), c.chat(req())).await;
    assert!(r.is_err(), "the hang was cancelled");
    c.flush().await.unwrap();

    let recs = obs.records();
    let outcomes: Vec<&str> = recs.iter().map(|r| r.outcome.as_str()).collect();
    assert_eq!(outcomes, ["stream_cut", "stream_dropped", "cancelled"]);
    for r in &recs {
        let m = r.cost.known().unwrap_or_else(|| panic!("{:?}", r.cost));
        assert!(
            m.amount > rust_decimal::Decimal::ZERO,
            "{}: charged",
            r.outcome.as_str()
        );
        // no usage from the provider: counted (exact) or estimated, never "provider"
        let line = &ledger.pricer().breakdown(r).lines[0];
        assert_ne!(line.source, UsageSource::Provider);
        assert_ne!(line.source, UsageSource::Missing);
    }
    // the cancelled call received nothing: its input is exact, its output unknown (estimated)
    let cancelled = ledger.pricer().breakdown(&recs[2]);
    assert_eq!(cancelled.lines[0].source, UsageSource::Estimated);
    assert_eq!(
        cancelled.lines[0].usage.input_tokens,
        RequestCounter::for_model("gpt-4o-mini")
            .count(&recs[2].request)
            .tokens
    );
    assert_ledger_matches(&ledger, &recs);
    let t = ledger.totals();
    assert!(t.usage_from(UsageSource::Counted).input_tokens > 0);
    assert!(t.usage_from(UsageSource::Estimated).input_tokens > 0);
}

/// A two-deployment chain without the router: on a failure, or a reply cut by `max_tokens`,
/// run the rest again on the larger deployment.
struct Escalate(Arc<Deployment>);

#[async_trait]
impl Middleware for Escalate {
    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        let first = next.run(req.clone(), cx).await;
        let again = match &first {
            Err(_) => true,
            Ok(Reply::Full(r)) => r.finish_reason == Some(FinishReason::Length),
            Ok(Reply::Stream(_)) => false,
        };
        if !again {
            return first;
        }
        cx.deployment = Some(self.0.clone());
        next.run(req, cx).await
    }
}

#[tokio::test]
async fn a_fallback_chain_costs_the_primary_attempt_plus_the_fallback() {
    let big = Arc::new(Deployment::new("big", "openai", "gpt-4o"));
    let p = openai()
        // 1: the primary fails outright (nothing consumed), the fallback answers
        .fail(ProviderErrorKind::Server)
        .reply("fallback answer here")
        // 2: the primary answers but runs out of tokens (it consumed tokens), then the fallback
        .reply_with(ChatResponse::truncated("half an").with_usage(Usage::new(40, 2)))
        .reply_with(ChatResponse::new("a full answer").with_usage(Usage::new(40, 3)));
    let b = Client::builder()
        .provider(p)
        .deployment(Deployment::new("small", "openai", "gpt-4o-mini"))
        .layer_at(Stage::BeforeProvider, Escalate(big));
    let (c, ledger, obs) = client_on(b);
    let req = || ChatRequest::new("small").user("question").feature("chat");
    c.chat(req()).await.unwrap();
    c.chat(req()).await.unwrap();
    let recs = obs.records();
    let t = table();

    // 1: only the fallback's usage is charged, at gpt-4o's prices
    let r1 = &recs[0];
    assert_eq!(r1.attempts.len(), 2);
    assert_eq!(r1.attempts[1].deployment, "big");
    let u1 = r1.attempts[1].usage.unwrap();
    assert_eq!(r1.cost, t.cost("openai/gpt-4o", &u1, Pricing::Standard));

    // 2: primary attempt at gpt-4o-mini's prices + fallback at gpt-4o's
    let r2 = &recs[1];
    let primary = t.cost(MINI, &Usage::new(40, 2), Pricing::Standard);
    let fallback = t.cost("openai/gpt-4o", &Usage::new(40, 3), Pricing::Standard);
    assert_eq!(r2.cost, primary.plus(&fallback));
    assert_eq!(r2.usage, Usage::new(80, 5));

    assert_ledger_matches(&ledger, &recs);
    // each attempt charged to its own deployment; the requests counted where they ended
    let by_dep = ledger.report(&[GroupBy::Deployment]);
    let row = |d: &str| {
        by_dep
            .rows
            .iter()
            .find(|r| r.key == [Some(d.to_owned())])
            .unwrap()
            .clone()
    };
    assert_eq!(Cost::Known(row("small").cost), primary);
    assert_eq!(row("small").requests, 0);
    assert_eq!(row("small").attempts, 2);
    assert_eq!(row("big").requests, 2);
    assert_eq!(
        Cost::Known(row("big").cost),
        fallback.plus(&r1.cost),
        "the fallback's answers"
    );
    let by_model = ledger.report(&[GroupBy::Model]);
    let models: Vec<_> = by_model
        .rows
        .iter()
        .map(|r| r.key[0].clone().unwrap())
        .collect();
    assert_eq!(models, ["openai/gpt-4o", MINI], "most expensive first");
}

/// A provider that never reports usage.
struct NoUsage;

#[async_trait]
impl Provider for NoUsage {
    fn name(&self) -> &str {
        "openai"
    }
    async fn chat(&self, _req: &ChatRequest, _cx: &Exchange) -> Result<Reply> {
        Ok(Reply::Full(ChatResponse::new("Two, three and five.")))
    }
}

#[tokio::test]
async fn missing_usage_is_counted_and_flagged() {
    let (c, ledger, obs) = client_on(Client::builder().provider(NoUsage));
    let r = c.chat(req()).await.unwrap();
    let rec = obs.records().pop().unwrap();
    assert_eq!(rec.usage_source, UsageSource::Missing, "the record says so");
    let input = RequestCounter::for_model("gpt-4o-mini").count(&rec.request);
    let output = Tiktoken::for_model("gpt-4o-mini").count("Two, three and five.") as u64;
    let want = table().cost(MINI, &Usage::new(input.tokens, output), Pricing::Standard);
    assert_eq!(r.meta.cost, want, "priced on counted tokens");
    let t = ledger.totals();
    assert_eq!(
        t.usage_from(UsageSource::Counted),
        Usage::new(input.tokens, output),
        "counted, and tagged so"
    );
    assert!(t.usage_from(UsageSource::Provider).is_zero());
    assert_ledger_matches(&ledger, &[rec]);
}

#[tokio::test]
async fn unknown_models_are_unknown_never_zero() {
    // requests for "refuse" are refused before any attempt (a policy, a budget ...)
    let b = Client::builder()
        .provider(ScriptedProvider::new().repeat("ok"))
        .layer_at(
            Stage::BeforeRouter,
            from_fn(|req, cx, next| {
                if req.messages.last().is_some_and(|m| m.text() == "refuse") {
                    return Box::pin(async { Err(Error::invalid("refused")) });
                }
                Box::pin(next.run(req, cx))
            }),
        );
    let (c, ledger, obs) = client_on(b);
    c.chat(ChatRequest::new("scripted/house-model").user("hi"))
        .await
        .unwrap();
    c.chat(ChatRequest::new("scripted/house-model").user("refuse"))
        .await
        .unwrap_err();
    let recs = obs.records();
    assert!(
        matches!(&recs[0].cost, Cost::Unknown { reason } if reason.contains("scripted/house-model"))
    );
    assert_eq!(
        recs[1].cost,
        Cost::Known(Money::zero()),
        "nothing sent, nothing spent"
    );
    let t = ledger.totals();
    assert_eq!(t.requests, 2);
    assert_eq!(t.unknown_cost_requests, 1);
    assert_eq!(t.known_cost_requests(), 1);
    let report = ledger.report(&[]);
    assert_eq!(report.unknown.len(), 1);
    assert_eq!(report.unknown[0].requests, 1);
    assert!(report.unknown[0].reason.contains("not in the price table"));
    assert_ledger_matches(&ledger, &recs);
}

#[tokio::test]
async fn batch_exchanges_are_priced_at_batch_prices() {
    let b = Client::builder()
        .provider(openai().repeat("two three five"))
        .layer_at(
            Stage::BeforeProvider,
            from_fn(|req, cx, next| {
                cx.annotations
                    .insert(BATCH_ANNOTATION.to_owned(), serde_json::Value::Bool(true));
                Box::pin(next.run(req, cx))
            }),
        );
    let (c, _ledger, obs) = client_on(b);
    let r = c.chat(req()).await.unwrap();
    let rec = obs.records().pop().unwrap();
    assert_eq!(TablePricer::pricing_of(&rec), Pricing::Batch);
    let batch = table().cost(MINI, &rec.usage, Pricing::Batch);
    assert_eq!(r.meta.cost, batch);
    assert_ne!(batch, table().cost(MINI, &rec.usage, Pricing::Standard));
}

#[tokio::test]
async fn reports_group_filter_window_and_rank() {
    let (c, ledger, obs) = client(openai().repeat("one two three"));
    let calls = [
        ("acme", "u1", "search", "openai/gpt-4o"),
        ("acme", "u2", "search", MINI),
        ("acme", "u2", "reply", MINI),
        ("globex", "u3", "reply", MINI),
        ("globex", "u3", "reply", MINI),
    ];
    for (tenant, user, feature, model) in calls {
        let caller = Caller::default().tenant(tenant).user(user).feature(feature);
        c.chat(ChatRequest::new(model).user("a b c d").caller(caller))
            .await
            .unwrap();
    }
    let recs = obs.records();
    assert_ledger_matches(&ledger, &recs);
    let t = table();
    let one = |m: &str| t.cost(m, &Usage::new(4, 3), Pricing::Standard);
    let mini = one(MINI).known().unwrap().clone();
    let big = one("openai/gpt-4o").known().unwrap().clone();

    let by = ledger.report(&[GroupBy::Tenant, GroupBy::Model]);
    assert_eq!(by.rows.len(), 3);
    assert_eq!(
        by.rows[0].key,
        [Some("acme".into()), Some("openai/gpt-4o".into())]
    );
    assert_eq!(by.rows[0].cost, big);
    let globex = by
        .rows
        .iter()
        .find(|r| r.key[0].as_deref() == Some("globex"))
        .unwrap();
    assert_eq!(globex.requests, 2);
    assert_eq!(globex.cost, mini.times(2));
    assert_eq!(globex.active_users, 1);
    assert_eq!(globex.cost_per_active_user(), Some(mini.times(2)));

    // per tenant: cost per request and per active user
    let acme = ledger.query(&Query::new().filter(GroupBy::Tenant, "acme"));
    assert_eq!(acme.total.requests, 3);
    assert_eq!(acme.total.active_users, 2);
    let acme_cost = big.checked_add(&mini.times(2)).unwrap();
    assert_eq!(acme.total.cost, acme_cost);

    // top 1 by feature; the total still covers everything
    let top = ledger.query(&Query::new().by([GroupBy::Feature]).top(1));
    assert_eq!(top.rows.len(), 1);
    assert_eq!(top.rows[0].key, [Some("search".into())]);
    assert_eq!(top.total.requests, 5);

    // windows: everything is in this hour; nothing before it
    let now = chrono::Utc::now();
    assert_eq!(ledger.query(&Query::new().since(now)).total.requests, 5);
    assert_eq!(
        ledger
            .query(&Query::new().until(now - chrono::Duration::hours(2)))
            .total
            .requests,
        0
    );
    // days, from records replayed into a fresh ledger with their start moved
    let replay = CostLedger::new(ledger.pricer().clone());
    for (i, r) in recs.iter().enumerate() {
        let mut r = r.clone();
        r.started_at = "2025-03-01T10:30:00Z"
            .parse::<chrono::DateTime<chrono::Utc>>()
            .unwrap()
            + chrono::Duration::days(i as i64 % 2);
        replay.record(&r);
    }
    let days = replay.report(&[GroupBy::Day]);
    let mut keys: Vec<_> = days
        .rows
        .iter()
        .map(|r| (r.key[0].clone().unwrap(), r.requests))
        .collect();
    keys.sort();
    assert_eq!(
        keys,
        [("2025-03-01".to_owned(), 3), ("2025-03-02".to_owned(), 2)]
    );
    let since = "2025-03-02T00:00:00Z".parse().unwrap();
    assert_eq!(replay.query(&Query::new().since(since)).total.requests, 2);
    replay.prune_before(since);
    assert_eq!(replay.totals().requests, 2);
}

#[tokio::test]
async fn a_prompt_version_that_grows_the_input_is_flagged() {
    // the prompt stage's outcome, simulated: version from the caller's tag; version 2 carries
    // a forgotten debug dump in its system message
    let debug = "DEBUG state dump: ".to_owned() + &"field=value ".repeat(60);
    let b = Client::builder()
        .provider(openai().repeat("a short answer"))
        .layer_at(
            Stage::BeforeProvider,
            from_fn(move |req, cx, next| {
                let v: u32 = cx
                    .caller()
                    .tags
                    .get("v")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(1);
                cx.prompt = Some(PromptVersionRef::new(
                    "support-reply",
                    v,
                    format!("sha256:{v}"),
                ));
                let req = if v == 2 {
                    let mut r = req.clone();
                    let mut msgs = (*r.messages).clone();
                    msgs.insert(0, Message::system(debug.clone()));
                    r.messages = Arc::new(msgs);
                    r
                } else {
                    req
                };
                Box::pin(next.run(req, cx))
            }),
        );
    let (c, ledger, _obs) = client_on(b);
    for v in [1, 1, 1, 2, 2, 3] {
        let mut caller = Caller::default().tenant("acme");
        caller.tags.insert("v".into(), v.to_string());
        let req = ChatRequest::new(MINI)
            .user("My order has not arrived, what can I do?")
            .caller(caller);
        c.chat(req).await.unwrap();
    }
    let rows = ledger.prompt_versions();
    assert_eq!(rows.len(), 3);
    let (v1, v2, v3) = (&rows[0], &rows[1], &rows[2]);
    assert_eq!((v1.version, v1.requests, v1.previous), (1, 3, None));
    assert_eq!(v1.avg_input_tokens, 9.0); // the scripted provider counts words
    assert!(!v1.flagged);
    assert_eq!((v2.version, v2.requests, v2.previous), (2, 2, Some(1)));
    assert!(v2.avg_input_tokens > 60.0, "{}", v2.avg_input_tokens);
    assert!(v2.input_growth.unwrap() > 5.0);
    assert!(v2.flagged, "the debug string shows");
    assert!(
        v2.cost_per_request.as_ref().unwrap().amount > v1.cost_per_request.as_ref().unwrap().amount
    );
    assert_eq!(v2.avg_output_tokens, v1.avg_output_tokens);
    // version 3 removed it again: not flagged (it shrank)
    assert!(v3.input_growth.unwrap() < 0.0);
    assert!(!v3.flagged);
    // and the same by the ledger's grouping
    let by_version = ledger.report(&[GroupBy::PromptVersion]);
    assert!(
        by_version
            .rows
            .iter()
            .any(|r| r.key == [Some("support-reply@2".to_owned())])
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_concurrent_exchanges_are_each_accounted_once() {
    let p = openai().repeat("alpha beta gamma delta").chunks(4);
    let (c, ledger, obs) = client(p);
    let mut tasks = Vec::new();
    for i in 0..400 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            let caller = Caller::default()
                .tenant(format!("t{}", i % 7))
                .user(format!("u{}", i % 13));
            let req = ChatRequest::new(MINI)
                .user(format!("message {i}"))
                .caller(caller);
            match i % 4 {
                0 => {
                    let _ = c.chat(req).await;
                }
                1 => {
                    let mut s = c.chat_stream(req).await.unwrap();
                    while s.next().await.is_some() {}
                }
                2 => {
                    let mut s = c.chat_stream(req).await.unwrap();
                    let _ = s.next().await;
                }
                _ => {
                    let req = ChatRequest::new("openai/house-model").user("unpriced");
                    let _ = c.chat(req).await;
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    c.flush().await.unwrap();
    let recs = obs.records();
    assert_eq!(recs.len(), 400);
    assert_ledger_matches(&ledger, &recs);
    let by_tenant = ledger.report(&[GroupBy::Tenant]);
    let sum: u64 = by_tenant.rows.iter().map(|r| r.requests).sum();
    assert_eq!(sum, 400);
}

#[cfg(feature = "cache")]
#[tokio::test]
async fn a_cache_hit_stays_zero_and_counts_as_a_hit() {
    let cache = llmops_core::cache::Cache::builder().build().unwrap();
    let b = Client::builder()
        .provider(openai().repeat("Paris."))
        .cache(cache);
    let (c, ledger, obs) = client_on(b);
    let q = || req().temperature(0.0);
    let first = c.chat(q()).await.unwrap();
    let second = c.chat(q()).await.unwrap();
    assert!(first.meta.cost.known().unwrap().amount > rust_decimal::Decimal::ZERO);
    assert_eq!(second.meta.cost, Cost::Known(Money::zero()));
    let recs = obs.records();
    assert_ledger_matches(&ledger, &recs);
    let t = ledger.totals();
    assert_eq!((t.requests, t.cache_hits, t.attempts), (2, 1, 1));
    assert_eq!(&t.cost, first.meta.cost.known().unwrap());
}
