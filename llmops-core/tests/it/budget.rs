//! Budgets: reserve the bound, settle the real cost, refuse with a typed error, alerts once
//! per window, token caps, the budget file, concurrency.

use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use futures_util::StreamExt;
use llmops_core::cost::budget::{
    ANNOTATION, BudgetStore, Budgets, Charge, CounterState, Limit, MemoryBudgetStore, Reserve,
    Scope, StoreFailure, TRIM_ANNOTATION, TokenCap, Unpriced, Window,
};
use llmops_core::cost::{PriceTable, Pricing};
use llmops_core::error::{BudgetAmount, BudgetRefusal};
use llmops_core::{
    Alert, AlertSink, Caller, ChatRequest, ChatResponse, Client, Cost, Error, ExchangeRecord,
    MemoryObserver, Message, Money, Pricer, Result, ScriptedProvider, Severity, Stage, Usage,
    async_trait, from_fn,
};

/// $1 per million input tokens, $2 per million output tokens.
pub fn prices() -> Arc<PriceTable> {
    Arc::new(
        PriceTable::from_json_str(
            r#"{"scripted/m": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6,
                "litellm_provider": "scripted", "max_output_tokens": 4096}}"#,
            "test-prices.json",
        )
        .unwrap(),
    )
}

pub fn usd(s: &str) -> Money {
    Money::usd_str(s).unwrap()
}

pub fn req() -> ChatRequest {
    ChatRequest::new("scripted/m")
        .user("What is the capital of France?")
        .max_tokens(100)
        .tenant("acme")
}

fn client(p: ScriptedProvider, b: &Budgets) -> (Client, MemoryObserver) {
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(p)
        .budgets(b.clone())
        .observer(obs.clone())
        .build()
        .unwrap();
    (c, obs)
}

async fn tenant_state(b: &Budgets, tenant: &str) -> (BudgetAmount, BudgetAmount) {
    let s = b.status(&Caller::default().tenant(tenant)).await.unwrap();
    (s[0].spent.clone(), s[0].reserved.clone())
}

#[tokio::test]
async fn reserves_the_bound_then_settles_the_real_cost() {
    let b = Budgets::builder()
        .prices(prices())
        .limit(Limit::money(Scope::Tenant, Window::Day, usd("1")))
        .build()
        .unwrap();
    let (c, obs) = client(
        ScriptedProvider::new()
            .reply_with(ChatResponse::new("Paris.").with_usage(Usage::new(14, 2))),
        &b,
    );
    let r = c.chat(req()).await.unwrap();
    let note = &r.meta.annotations[ANNOTATION];
    // the bound: every byte a token (3 + 4 + "user" 4 + 30 bytes = 41) plus 100 output tokens
    assert_eq!(note["input_tokens_bound"], 41);
    assert_eq!(note["reserved_usd"], "0.000241");
    // settled to the provider's usage: 14 × 1e-6 + 2 × 2e-6
    let (spent, reserved) = tenant_state(&b, "acme").await;
    assert_eq!(spent, BudgetAmount::Money(usd("0.000018")));
    assert_eq!(reserved, BudgetAmount::Money(usd("0")));
    assert_eq!(obs.records().len(), 1);
    let s = b.stats();
    assert_eq!((s.granted, s.settled, s.refused, s.recounted), (1, 1, 0, 0));
    // another tenant's counter is its own; a caller without a tenant is not counted
    assert!(b.status(&Caller::default()).await.unwrap().is_empty());
    let (spent, _) = tenant_state(&b, "other").await;
    assert_eq!(spent, BudgetAmount::Money(usd("0")));
}

#[tokio::test]
async fn a_refusal_is_typed_recorded_and_annotated_and_nothing_is_sent() {
    let b = Budgets::builder()
        .prices(prices())
        .limit(Limit::money(Scope::Tenant, Window::Day, usd("0.0001")))
        .build()
        .unwrap();
    let p = Arc::new(ScriptedProvider::new().repeat("ok"));
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider_arc(p.clone())
        .budgets(b.clone())
        .observer(obs.clone())
        .build()
        .unwrap();
    let err = c.chat(req()).await.unwrap_err();
    let Error::BudgetExceeded(r) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(r.budget, "tenant/day");
    assert_eq!(r.scope, "tenant=acme");
    assert!(r.window.starts_with("day from "), "{}", r.window);
    assert_eq!(r.limit, BudgetAmount::Money(usd("0.0001")));
    // the bound (41 input tokens: $0.000241) would refuse, so the request was counted
    // exactly (14 tokens) and tried again: the 100 output tokens alone cost $0.0002
    assert_eq!(r.requested, Some(BudgetAmount::Money(usd("0.000214"))));
    assert!(!err.is_retryable());
    assert_eq!(p.calls(), 0);
    let s = b.stats();
    assert_eq!((s.refused, s.recounted, s.granted), (1, 1, 0));
    // the record carries the class (the audit observer writes it) and the figures
    let rec = &obs.records()[0];
    assert_eq!(rec.outcome.as_str(), "failed");
    assert!(
        matches!(&rec.outcome, llmops_core::Outcome::Failed { error, .. } if error.as_str() == "budget_exceeded")
    );
    let a = &rec.annotations[ANNOTATION];
    assert_eq!(a["refused"], true);
    assert_eq!(a["budget"], "tenant/day");
    assert_eq!(a["requested"]["money"]["amount"], "0.000214");
    // nothing stays reserved
    let (spent, reserved) = tenant_state(&b, "acme").await;
    assert_eq!(
        (spent, reserved),
        (BudgetAmount::Money(usd("0")), BudgetAmount::Money(usd("0")))
    );
}

#[tokio::test]
async fn the_exact_count_runs_only_when_the_bound_would_refuse() {
    // 6,000 bytes of repeated words: the bound counts 6,000+ tokens, the tokenizer ~1,000
    let long = "hello ".repeat(1_000);
    let exact = ChatRequest::new("scripted/m")
        .user(long.clone())
        .count_tokens()
        .tokens;
    assert!(exact < 1_500, "{exact}");
    let b = Budgets::builder()
        .prices(prices())
        .limit(Limit::money(Scope::Global, Window::Hour, usd("0.003")))
        .build()
        .unwrap();
    let (c, _) = client(ScriptedProvider::new().repeat("ok"), &b);
    let r = c
        .chat(ChatRequest::new("scripted/m").user(long).max_tokens(10))
        .await
        .unwrap();
    let note = &r.meta.annotations[ANNOTATION];
    assert_eq!(note["recounted"], true);
    let s = b.stats();
    assert_eq!((s.recounted, s.granted_on_recount, s.granted), (1, 1, 1));
    // a small request fits on its bound: no tokenizer
    c.chat(ChatRequest::new("scripted/m").user("hi").max_tokens(10))
        .await
        .unwrap();
    assert_eq!(b.stats().recounted, 1);
}

#[tokio::test]
async fn an_unpriced_model_fails_closed_or_passes_uncounted() {
    let closed = Budgets::builder()
        .prices(prices())
        .limit(Limit::money(Scope::Global, Window::Day, usd("10")))
        .build()
        .unwrap();
    let (c, _) = client(ScriptedProvider::new().repeat("ok"), &closed);
    let err = c
        .chat(
            ChatRequest::new("scripted/unknown")
                .user("hi")
                .max_tokens(5),
        )
        .await
        .unwrap_err();
    assert_eq!(err.class().as_str(), "budget_exceeded");
    assert!(err.to_string().contains("cannot be priced"), "{err}");
    assert!(err.to_string().contains("not in the price table"), "{err}");
    // no max_tokens and no output limit in the table: unpriceable too
    let table = Arc::new(
        PriceTable::from_json_str(
            r#"{"scripted/m": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6, "litellm_provider": "scripted"}}"#,
            "p.json",
        )
        .unwrap(),
    );
    let no_limit = Budgets::builder()
        .prices(table)
        .limit(Limit::money(Scope::Global, Window::Day, usd("10")))
        .build()
        .unwrap();
    let (c2, _) = client(ScriptedProvider::new().repeat("ok"), &no_limit);
    let err = c2
        .chat(ChatRequest::new("scripted/m").user("hi"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("max_tokens"), "{err}");

    let open = Budgets::builder()
        .prices(prices())
        .limit(Limit::money(Scope::Global, Window::Day, usd("10")))
        .unpriced(Unpriced::Allow)
        .build()
        .unwrap();
    let (c, _) = client(ScriptedProvider::new().repeat("ok"), &open);
    let r = c
        .chat(ChatRequest::new("scripted/unknown").user("hi"))
        .await
        .unwrap();
    assert_eq!(r.meta.annotations[ANNOTATION]["uncounted"], true);
    assert_eq!(open.stats().unpriced_allowed, 1);
    assert_eq!(open.stats().granted, 0);
}

#[tokio::test]
async fn every_ending_settles_once_and_nothing_stays_reserved() {
    let b = Budgets::builder()
        .prices(prices())
        .limit(Limit::money(Scope::Tenant, Window::Day, usd("1")))
        .build()
        .unwrap();
    let p = ScriptedProvider::new()
        .fail(llmops_core::ProviderErrorKind::Server)
        .reply("one two three four five six seven eight")
        .chunks(8)
        .hang();
    let (c, obs) = client(p, &b);
    // a failed call
    assert!(c.chat(req()).await.is_err());
    // a stream dropped after two events
    let mut s = c.chat_stream(req()).await.unwrap();
    s.next().await.unwrap().unwrap();
    s.next().await.unwrap().unwrap();
    drop(s);
    // a cancelled call (the provider hangs; the caller gives up)
    assert!(
        tokio::time::timeout(Duration::from_millis(50), c.chat(req()))
            .await
            .is_err()
    );
    // a failure in a later stage after the reservation
    let later = Client::builder()
        .provider(ScriptedProvider::new().repeat("ok"))
        .budgets(b.clone())
        .layer_at(
            Stage::BeforeCache,
            from_fn(|_req, _cx, _next| Box::pin(async { Err(Error::invalid("later stage")) })),
        )
        .build()
        .unwrap();
    assert!(later.chat(req()).await.is_err());
    let s = b.stats();
    assert_eq!((s.granted, s.settled, s.released), (4, 4, 0));
    assert_eq!(obs.records().len(), 3);
    let (spent, reserved) = tenant_state(&b, "acme").await;
    assert_eq!(reserved, BudgetAmount::Money(usd("0")));
    // the dropped stream and the hung call were charged for what they used (estimated
    // input at least); the later-stage failure sent nothing
    let BudgetAmount::Money(m) = spent else {
        panic!()
    };
    assert!(m.amount > rust_decimal::Decimal::ZERO);
    // each record's cost (the table's, from its attempts) adds up to the spend
    let table = prices();
    let mut total = Money::zero();
    for rec in obs.records() {
        for a in &rec.attempts {
            if let Some(u) = &a.usage {
                let c = table.cost("scripted/m", u, Pricing::Standard);
                total = total.checked_add(c.known().unwrap()).unwrap();
            }
        }
    }
    assert_eq!(m, total);
}

/// Every exchange costs one micro-dollar.
struct Flat;
impl Pricer for Flat {
    fn price(&self, _rec: &ExchangeRecord) -> Cost {
        Cost::Known(Money::from_micros(1))
    }
}

#[tokio::test]
async fn the_records_cost_wins_when_a_pricer_set_it() {
    let b = Budgets::builder()
        .prices(prices())
        .limit(Limit::money(Scope::Tenant, Window::Day, usd("1")))
        .build()
        .unwrap();
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("ok"))
        .budgets(b.clone())
        .pricer(Arc::new(Flat))
        .build()
        .unwrap();
    c.chat(req()).await.unwrap();
    c.chat(req()).await.unwrap();
    let (spent, _) = tenant_state(&b, "acme").await;
    assert_eq!(spent, BudgetAmount::Money(usd("0.000002")));
}

/// A provider whose cost the table cannot know (`scripted/n` is priced for the bound under
/// an alias but answers as another model).
#[tokio::test]
async fn an_unknown_real_cost_keeps_the_reservation_as_the_spend() {
    let table = Arc::new(
        PriceTable::from_json_str(
            r#"{"alias-m": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6, "litellm_provider": "scripted"}}"#,
            "p.json",
        )
        .unwrap(),
    );
    let b = Budgets::builder()
        .prices(table)
        .limit(Limit::money(Scope::Tenant, Window::Day, usd("1")))
        .build()
        .unwrap();
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("ok"))
        .alias("alias-m", "scripted/n")
        .budgets(b.clone())
        .build()
        .unwrap();
    let r = c
        .chat(
            ChatRequest::new("alias-m")
                .user("hi")
                .max_tokens(10)
                .tenant("acme"),
        )
        .await
        .unwrap();
    let reserved = r.meta.annotations[ANNOTATION]["reserved_usd"]
        .as_str()
        .unwrap()
        .to_owned();
    let (spent, _) = tenant_state(&b, "acme").await;
    assert_eq!(spent, BudgetAmount::Money(usd(&reserved)));
    assert_eq!(b.stats().settled_unknown, 1);
}

#[derive(Default)]
struct Sink(Mutex<Vec<Alert>>);

#[async_trait]
impl AlertSink for Sink {
    async fn send(&self, a: &Alert) -> Result<()> {
        self.0.lock().unwrap().push(a.clone());
        Ok(())
    }
}

#[tokio::test]
async fn soft_thresholds_alert_once_per_window() {
    let t0 = Utc
        .with_ymd_and_hms(2026, 3, 1, 10, 0, 5)
        .unwrap()
        .timestamp();
    let now = Arc::new(AtomicI64::new(t0));
    let clock = now.clone();
    let sink = Arc::new(Sink::default());
    let b = Budgets::builder()
        .prices(prices())
        .limit(Limit::tokens(Scope::Global, Window::Minute, 100).alert_at([50, 100]))
        .alerts(sink.clone())
        .clock(move || {
            DateTime::from_timestamp(clock.load(Ordering::SeqCst), 0).unwrap_or_default()
        })
        .build()
        .unwrap();
    let reply = |input, output| ChatResponse::new("ok").with_usage(Usage::new(input, output));
    let p = ScriptedProvider::new()
        .reply_with(reply(50, 5))
        .reply_with(reply(10, 5))
        .reply_with(reply(50, 5));
    let (c, _) = client(p, &b);
    let small = || ChatRequest::new("scripted/m").user("hi").max_tokens(10);
    c.chat(small()).await.unwrap(); // 55 of 100: crosses 50 %
    c.chat(small()).await.unwrap(); // 70 of 100: over 50 % again, same window
    {
        let got = sink.0.lock().unwrap();
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!(got[0].rule, "budget_threshold");
        assert_eq!(got[0].severity, Severity::Info);
        assert_eq!(got[0].data["percent"], 50);
        assert_eq!(got[0].data["spent"], "55 tokens");
        assert_eq!(got[0].data["window_start"], "2026-03-01T10:00:00Z");
    }
    now.fetch_add(60, Ordering::SeqCst); // the next minute
    c.chat(small()).await.unwrap(); // 55 of 100 in the new window
    let got = sink.0.lock().unwrap();
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[1].data["window_start"], "2026-03-01T10:01:00Z");
    assert_eq!(b.stats().alerts_sent, 2);
}

fn conversation() -> ChatRequest {
    let old = "An older question with plenty of words in it to take up tokens. ".repeat(10);
    ChatRequest::new("scripted/m")
        .messages(vec![
            Message::system("Be brief."),
            Message::user(old.clone()),
            Message::assistant(old.clone()),
            Message::user(old.clone()),
            Message::assistant(old),
            Message::user("And the newest question?"),
        ])
        .max_tokens(10)
}

#[tokio::test]
async fn a_token_cap_trims_the_oldest_history() {
    let full = conversation().count_tokens().tokens;
    let b = Budgets::builder()
        .token_cap(TokenCap::input(full * 2 / 3))
        .build()
        .unwrap();
    let p = Arc::new(ScriptedProvider::new().repeat("ok"));
    let c = Client::builder()
        .provider_arc(p.clone())
        .budgets(b.clone())
        .build()
        .unwrap();
    let r = c.chat(conversation()).await.unwrap();
    let sent = &p.requests()[0];
    // the oldest turn (question and answer) went; the system prompt, the newest turn (the
    // default policy keeps one) and the input stayed
    assert_eq!(sent.messages.len(), 4);
    assert_eq!(sent.messages[0].text(), "Be brief.");
    assert_eq!(sent.messages[3].text(), "And the newest question?");
    assert!(sent.count_tokens().tokens <= full * 2 / 3);
    let note = &r.meta.annotations[TRIM_ANNOTATION];
    assert_eq!(note["trimmed"], true);
    assert_eq!(note["messages_dropped"], 2);
    assert_eq!(note["input_tokens"], full);
    assert_eq!(b.stats().trimmed, 1);
}

#[tokio::test]
async fn a_token_cap_refuses_when_told_or_when_trimming_cannot_fit() {
    let full = conversation().count_tokens().tokens;
    let p = Arc::new(ScriptedProvider::new().repeat("ok"));
    let refuse = Budgets::builder()
        .token_cap(TokenCap::input(full / 2).refuse())
        .build()
        .unwrap();
    let c = Client::builder()
        .provider_arc(p.clone())
        .budgets(refuse)
        .build()
        .unwrap();
    let err = c.chat(conversation()).await.unwrap_err();
    let Error::BudgetExceeded(r) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(r.window, "request");
    assert_eq!(r.limit, BudgetAmount::Tokens(full / 2));
    assert_eq!(r.requested, Some(BudgetAmount::Tokens(full)));
    // trimming cannot drop the system prompt or the input
    let tiny = Budgets::builder()
        .token_cap(TokenCap::input(5))
        .build()
        .unwrap();
    let c = Client::builder()
        .provider_arc(p.clone())
        .budgets(tiny)
        .build()
        .unwrap();
    let err = c.chat(conversation()).await.unwrap_err();
    assert_eq!(err.class().as_str(), "budget_exceeded");
    assert!(err.to_string().contains("trimming cannot fit"), "{err}");
    assert_eq!(p.calls(), 0);
    // a cap for another feature does not apply; one under the bound never counts
    let other = Budgets::builder()
        .token_cap(TokenCap::input(5).scope(Scope::Feature).only("search"))
        .token_cap(TokenCap::input(1_000_000))
        .build()
        .unwrap();
    let c = Client::builder()
        .provider_arc(p.clone())
        .budgets(other)
        .build()
        .unwrap();
    let r = c.chat(conversation().feature("support")).await.unwrap();
    assert!(!r.meta.annotations.contains_key(TRIM_ANNOTATION));
}

#[tokio::test]
async fn the_budget_file_configures_limits_and_names_its_errors() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("budgets.toml");
    std::fs::write(
        &path,
        "[[limit]]\nscope = \"tenant\"\nwindow = \"day\"\nusd = \"0.0001\"\n\n[[request_tokens]]\nmax_input_tokens = 100000\n",
    )
    .unwrap();
    let b = Budgets::builder()
        .prices(prices())
        .file(&path)
        .unwrap()
        .build()
        .unwrap();
    let (c, _) = client(ScriptedProvider::new().repeat("ok"), &b);
    assert_eq!(
        c.chat(req()).await.unwrap_err().class().as_str(),
        "budget_exceeded"
    );
    std::fs::write(
        &path,
        "[[limit]]\nscope = \"tenant\"\nwindow = \"fortnight\"\n",
    )
    .unwrap();
    let e = Budgets::builder().file(&path).unwrap_err().to_string();
    assert!(e.contains(&format!("{}:3:", path.display())), "{e}");
    assert!(e.contains("fortnight"), "{e}");
}

/// A store that always fails.
struct Down;

#[async_trait]
impl BudgetStore for Down {
    fn name(&self) -> &str {
        "down"
    }
    async fn reserve(&self, _: &str, _: &[Charge], _: Duration) -> Result<Reserve> {
        Err(Error::extension("budget store down", "connection refused"))
    }
    async fn settle(&self, _: &str, _: &[Charge]) -> Result<Vec<CounterState>> {
        Err(Error::extension("budget store down", "connection refused"))
    }
    async fn release(&self, _: &str, _: &[Charge]) -> Result<()> {
        Err(Error::extension("budget store down", "connection refused"))
    }
    async fn state(&self, _: &str) -> Result<CounterState> {
        Err(Error::extension("budget store down", "connection refused"))
    }
}

#[tokio::test]
async fn a_failing_store_fails_closed_unless_told_otherwise() {
    let limit = || Limit::money(Scope::Global, Window::Day, usd("1"));
    let closed = Budgets::builder()
        .prices(prices())
        .limit(limit())
        .store(Down)
        .build()
        .unwrap();
    let (c, obs) = client(ScriptedProvider::new().repeat("ok"), &closed);
    let err = c.chat(req()).await.unwrap_err();
    assert!(err.to_string().contains("connection refused"));
    assert_eq!(obs.records()[0].annotations[ANNOTATION]["refused"], true);
    let open = Budgets::builder()
        .prices(prices())
        .limit(limit())
        .store(Down)
        .on_store_error(StoreFailure::FailOpen)
        .build()
        .unwrap();
    let (c, _) = client(ScriptedProvider::new().repeat("ok"), &open);
    c.chat(req()).await.unwrap();
    let s = open.stats();
    assert_eq!((s.store_failed_open, s.store_errors), (1, 1));
}

/// A client whose budget has a tenant limit of `limit` (and a global one out of reach) on
/// `store` (the memory store when `None`), in front of a provider whose replies cost 95 % of
/// their bound ($0.00023 of $0.000241) after 30 ms: concurrent requests contend for the limit.
pub fn contended(limit: &Money, store: Option<Arc<dyn BudgetStore>>) -> (Client, Budgets) {
    let mut b = Budgets::builder()
        .prices(prices())
        .limit(Limit::money(Scope::Tenant, Window::Day, limit.clone()))
        .limit(Limit::money(Scope::Global, Window::Day, usd("100")));
    if let Some(s) = store {
        b = b.store_arc(s);
    }
    let b = b.build().unwrap();
    let p = ScriptedProvider::new()
        .responder(|_| {
            Some(llmops_core::provider::scripted::Step::Reply(
                ChatResponse::new("ok").with_usage(Usage::new(30, 100)),
            ))
        })
        .latency(Duration::from_millis(30));
    let c = Client::builder()
        .provider(p)
        .budgets(b.clone())
        .build()
        .unwrap();
    (c, b)
}

/// 1,000 concurrent requests against one limit: spend never exceeds it by more than one
/// request's bound, and the overflow is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_concurrent_requests_never_overspend() {
    let limit = usd("0.05");
    let (c, b) = contended(&limit, None);
    let bound = prices()
        .max_cost("scripted/m", &req().token_upper_bound(), Pricing::Standard)
        .known()
        .cloned()
        .unwrap();
    let mut tasks = Vec::with_capacity(1_000);
    for _ in 0..1_000 {
        let c = c.clone();
        tasks.push(tokio::spawn(async move { c.chat(req()).await }));
    }
    let mut ok = 0;
    let mut refused = 0;
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(Error::BudgetExceeded(_)) => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(ok > 0 && refused > 0, "ok {ok}, refused {refused}");
    let (spent, reserved) = tenant_state(&b, "acme").await;
    let BudgetAmount::Money(spent) = spent else {
        panic!()
    };
    assert_eq!(reserved, BudgetAmount::Money(usd("0")));
    // each success cost 30 × 1e-6 + 100 × 2e-6
    assert_eq!(spent, Money::usd_str("0.00023").unwrap().times(ok));
    // the requests overlapped: the limit, not the traffic, decided
    assert!(ok >= 200, "{ok}");
    assert!(
        spent.amount <= limit.amount + bound.amount,
        "spent {spent} > limit {limit} + bound {bound}"
    );
    // the global counter saw the same spend
    let g = b.status(&Caller::default().tenant("acme")).await.unwrap();
    assert_eq!(g[1].spent, BudgetAmount::Money(spent));
    let s = b.stats();
    assert_eq!(s.granted, ok);
    assert_eq!(s.settled, ok);
    assert!(s.refused >= refused);
}

/// The memory store's contract under contention: check-and-reserve is atomic across tasks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_memory_store_never_overshoots_under_contention() {
    let store = Arc::new(MemoryBudgetStore::new());
    let end = Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap();
    let mut tasks = Vec::new();
    for i in 0..1_000 {
        let s = store.clone();
        tasks.push(tokio::spawn(async move {
            let c = [
                Charge::new("a", 1_000, 7, end),
                Charge::new("b", 5_000, 7, end),
            ];
            s.reserve(&format!("r{i}"), &c, Duration::from_secs(60))
                .await
                .unwrap()
        }));
    }
    let mut granted = 0;
    for t in tasks {
        if t.await.unwrap() == Reserve::Granted {
            granted += 1;
        }
    }
    assert_eq!(granted, 1_000 / 7);
    assert_eq!(
        store.state("a").await.unwrap(),
        CounterState::new(0, granted * 7)
    );
    assert_eq!(
        store.state("b").await.unwrap(),
        CounterState::new(0, granted * 7)
    );
}

#[test]
fn refusals_read_well() {
    let r = BudgetRefusal::new(
        "request_tokens",
        "global",
        "request",
        BudgetAmount::Tokens(100),
    )
    .with_note("trimming cannot fit it");
    assert_eq!(
        r.to_string(),
        "budget `request_tokens` (global, request) refused the request: it cannot be priced (limit 100 tokens); trimming cannot fit it"
    );
}
