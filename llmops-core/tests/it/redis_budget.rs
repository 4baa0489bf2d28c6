//! The Redis budget store: the semantics of the in-memory store (all or nothing over several
//! counters, settle after a lapse counts, release, TTL lapse frees budget, alerts claimed
//! once across processes), 1,000 concurrent requests through two clients sharing one Redis
//! (never more than one request's bound over the limit), and, without a server, a closed
//! port: the request is refused with a typed error, or let through under `FailOpen`.
//!
//! Tests named `backend_*` need a real redis-server at `LLMOPS_REDIS_URL` (set by `.ci/run`);
//! unset, they print `SKIPPED:` and pass.

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, TimeZone, Utc};
use llmops_core::cost::Pricing;
use llmops_core::cost::budget::{
    ANNOTATION, BudgetStore, Budgets, Charge, CounterState, Limit, MemoryBudgetStore, Reserve,
    Scope, StoreFailure, Window,
};
use llmops_core::error::BudgetAmount;
use llmops_core::redis::{RedisBudgetStore, RedisConnection, RedisOptions};
use llmops_core::{Caller, Client, Error, MemoryObserver, Money, ScriptedProvider};

use super::budget::{contended, prices, req, usd};
use super::redis_support::*;

fn store(url: &str, prefix: &str) -> RedisBudgetStore {
    RedisBudgetStore::new(conn(url, prefix))
}

fn end() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap()
}

const TTL: Duration = Duration::from_secs(60);

#[tokio::test]
async fn backend_redis_budget_is_all_or_nothing_across_counters() {
    let Some(url) = redis_url() else { return };
    let mut r = raw(&url).await;
    let p = prefix("budget-all-or-nothing");
    let s = store(&url, &p);
    let two = |a| {
        [
            Charge::new("a", 100, a, end()),
            Charge::new("b", 50, a, end()),
        ]
    };
    assert_eq!(
        s.reserve("1", &two(40), TTL).await.unwrap(),
        Reserve::Granted
    );
    // a has room for 40 more, b does not: nothing is held on a either
    let refused = s.reserve("2", &two(40), TTL).await.unwrap();
    assert_eq!(
        refused,
        Reserve::Refused {
            index: 1,
            state: CounterState::new(0, 40)
        }
    );
    assert_eq!(s.state("a").await.unwrap(), CounterState::new(0, 40));
    s.release("1", &two(0)).await.unwrap();
    assert_eq!(s.state("a").await.unwrap(), CounterState::new(0, 0));
    // release of an unknown id is a no-op; settle of one still counts the spend
    s.release("nope", &two(0)).await.unwrap();
    let after = s.settle("gone", &two(7)).await.unwrap();
    assert_eq!(after, vec![CounterState::new(7, 0); 2]);
    // charges naming one counter add up (6 + 6 > 10) and refuse at the first of them
    let same = [
        Charge::new("k", 10, 6, end()),
        Charge::new("k", 10, 6, end()),
    ];
    assert!(matches!(
        s.reserve("3", &same, TTL).await.unwrap(),
        Reserve::Refused { index: 0, .. }
    ));
    assert_eq!(s.state("k").await.unwrap(), CounterState::new(0, 0));
    // a settle of several charges answers in their order
    let mixed = [
        Charge::new("b", 50, 1, end()),
        Charge::new("a", 100, 2, end()),
    ];
    assert_eq!(
        s.settle("4", &mixed).await.unwrap(),
        vec![CounterState::new(8, 0), CounterState::new(9, 0)]
    );
    // the same id reserved twice: the newer hold replaces the older
    let one = |a| [Charge::new("c", 100, a, end())];
    s.reserve("5", &one(30), TTL).await.unwrap();
    s.reserve("5", &one(20), TTL).await.unwrap();
    assert_eq!(s.state("c").await.unwrap(), CounterState::new(0, 20));
    // a counter nobody touched is zero, and has no key
    assert_eq!(s.state("never").await.unwrap(), CounterState::default());
    assert!(!keys(&mut r, &p).await.iter().any(|k| k.ends_with(":never")));
    assert_eq!(s.stats().failures(), 0);
    cleanup(&mut r, &p).await;
}

#[tokio::test]
async fn backend_redis_budget_lapsed_holds_stop_counting_and_settle_still_counts() {
    let Some(url) = redis_url() else { return };
    let mut r = raw(&url).await;
    let p = prefix("budget-lapse");
    let s = store(&url, &p);
    let c = [Charge::new("k", 10, 8, end())];
    assert_eq!(
        s.reserve("1", &c, Duration::ZERO).await.unwrap(),
        Reserve::Granted
    );
    // the first hold lapsed at once: it no longer counts, so the second fits
    assert_eq!(s.state("k").await.unwrap(), CounterState::new(0, 0));
    assert_eq!(s.reserve("2", &c, TTL).await.unwrap(), Reserve::Granted);
    assert_eq!(s.state("k").await.unwrap(), CounterState::new(0, 8));
    // settling the lapsed one counts its spend and leaves the live hold alone
    let after = s
        .settle("1", &[Charge::new("k", 10, 3, end())])
        .await
        .unwrap();
    assert_eq!(after[0], CounterState::new(3, 8));
    // a short TTL lapses on Redis' clock and frees the budget
    let t = [Charge::new("t", 10, 10, end())];
    s.reserve("a", &t, Duration::from_millis(200))
        .await
        .unwrap();
    assert!(matches!(
        s.reserve("b", &t, TTL).await.unwrap(),
        Reserve::Refused { .. }
    ));
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(s.reserve("b", &t, TTL).await.unwrap(), Reserve::Granted);
    // every key expires an hour or so after its window
    let ks = keys(&mut r, &p).await;
    assert_eq!(
        ks,
        [
            format!("{p}:budget-holds:k"),
            format!("{p}:budget-holds:t"),
            format!("{p}:budget:k"),
            format!("{p}:budget:t"),
        ]
    );
    for k in &ks {
        let at: i64 = ::redis::cmd("PEXPIRETIME")
            .arg(k)
            .query_async(&mut r)
            .await
            .unwrap();
        let want = end().timestamp_millis() + 3_600_000;
        assert_eq!(at, want, "{k}");
    }
    cleanup(&mut r, &p).await;
}

#[tokio::test]
async fn backend_redis_budget_alerts_are_claimed_once_across_processes() {
    let Some(url) = redis_url() else { return };
    let mut r = raw(&url).await;
    let p = prefix("budget-alerts");
    let (a, b) = (store(&url, &p), store(&url, &p));
    let window_end = Utc::now() + chrono::Duration::minutes(1);
    assert!(a.claim_alert("g/day|x|", 50, window_end).await.unwrap());
    assert!(!b.claim_alert("g/day|x|", 50, window_end).await.unwrap());
    assert!(!a.claim_alert("g/day|x|", 50, window_end).await.unwrap());
    // another threshold or another counter is claimed afresh
    assert!(b.claim_alert("g/day|x|", 80, window_end).await.unwrap());
    assert!(b.claim_alert("g/day|y|", 50, window_end).await.unwrap());
    let ttl: i64 = ::redis::cmd("PTTL")
        .arg(format!("{p}:budget-alert:50:g/day|x|"))
        .query_async(&mut r)
        .await
        .unwrap();
    // the window's minute plus the hour of margin
    assert!(ttl > 3_600_000 && ttl <= 3_660_000, "{ttl}");
    // a window that ended long ago still gets a claim that expires (never an eternal key)
    let past = Utc::now() - chrono::Duration::days(3);
    assert!(a.claim_alert("old", 50, past).await.unwrap());
    let ttl: i64 = ::redis::cmd("PTTL")
        .arg(format!("{p}:budget-alert:50:old"))
        .query_async(&mut r)
        .await
        .unwrap();
    assert!(ttl > 0 && ttl <= 3_600_000, "{ttl}");
    cleanup(&mut r, &p).await;
}

/// The store's contract under contention from two processes (two connections): exactly as
/// many holds as fit, on both counters.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backend_redis_budget_store_never_overshoots_under_contention() {
    let Some(url) = redis_url() else { return };
    let mut r = raw(&url).await;
    let p = prefix("budget-contention");
    let stores = [store(&url, &p), store(&url, &p)];
    let memory = Arc::new(MemoryBudgetStore::new());
    let mut tasks = Vec::new();
    for i in 0..1_000 {
        let s = stores[i % 2].clone();
        let m = memory.clone();
        tasks.push(tokio::spawn(async move {
            let c = [
                Charge::new("a", 1_000, 7, end()),
                Charge::new("b", 5_000, 7, end()),
            ];
            let id = format!("r{i}");
            let got = s.reserve(&id, &c, TTL).await.unwrap();
            m.reserve(&id, &c, TTL).await.unwrap();
            got
        }));
    }
    let mut granted = 0;
    for t in tasks {
        if t.await.unwrap() == Reserve::Granted {
            granted += 1;
        }
    }
    assert_eq!(granted, 1_000 / 7);
    for k in ["a", "b"] {
        let st = stores[0].state(k).await.unwrap();
        assert_eq!(st, CounterState::new(0, granted * 7));
        assert_eq!(st, memory.state(k).await.unwrap());
    }
    assert!(stores[0].stats().calls > 0 && stores[1].stats().calls > 0);
    cleanup(&mut r, &p).await;
}

/// One "process": a client with its own connection, store and budget stage.
fn process(url: &str, prefix: &str, limit: &Money) -> (Client, Budgets) {
    contended(limit, Some(Arc::new(store(url, prefix))))
}

/// The concurrency test across processes: 1,000 concurrent requests through two
/// clients, each with its own connection to one Redis, against one limit. Settled spend never
/// exceeds the limit by more than one request's bound; both clients got grants.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backend_redis_budget_two_clients_never_overspend_together() {
    let Some(url) = redis_url() else { return };
    let mut r = raw(&url).await;
    let p = prefix("budget-two-clients");
    let limit = usd("0.05");
    let (c1, b1) = process(&url, &p, &limit);
    let (c2, b2) = process(&url, &p, &limit);
    let bound = prices()
        .max_cost("scripted/m", &req().token_upper_bound(), Pricing::Standard)
        .known()
        .cloned()
        .unwrap();
    let mut tasks = Vec::with_capacity(1_000);
    for i in 0..1_000 {
        let c = if i % 2 == 0 { c1.clone() } else { c2.clone() };
        tasks.push(tokio::spawn(async move { c.chat(req()).await }));
    }
    let (mut ok, mut refused) = (0u64, 0u64);
    for t in tasks {
        match t.await.unwrap() {
            Ok(_) => ok += 1,
            Err(Error::BudgetExceeded(_)) => refused += 1,
            Err(e) => panic!("{e}"),
        }
    }
    assert!(ok > 0 && refused > 0, "ok {ok}, refused {refused}");
    let (s1, s2) = (b1.stats(), b2.stats());
    assert!(s1.granted > 0 && s2.granted > 0, "{s1:?} {s2:?}");
    assert_eq!(s1.granted + s2.granted, ok);
    assert_eq!(s1.store_errors + s2.store_errors, 0);
    // settlements run in the background (spawned by the finishers): wait until every hold
    // has ended (a deadlock guard, not a timing)
    let caller = Caller::default().tenant("acme");
    let mut status = b1.status(&caller).await.unwrap();
    for _ in 0..500 {
        if status[0].reserved == BudgetAmount::Money(usd("0")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        status = b1.status(&caller).await.unwrap();
    }
    assert_eq!(status[0].reserved, BudgetAmount::Money(usd("0")));
    let BudgetAmount::Money(spent) = status[0].spent.clone() else {
        panic!()
    };
    // each success cost 30 × 1e-6 + 100 × 2e-6
    assert_eq!(spent, usd("0.00023").times(ok));
    // the requests overlapped: the limit, not the traffic, decided
    assert!(ok >= 200, "{ok}");
    assert!(
        spent.amount <= limit.amount + bound.amount,
        "spent {spent} > limit {limit} + bound {bound}"
    );
    // the other process sees the same counters, the global one included
    let other = b2.status(&caller).await.unwrap();
    assert_eq!(other[0].spent, BudgetAmount::Money(spent.clone()));
    assert_eq!(other[1].spent, BudgetAmount::Money(spent));
    cleanup(&mut r, &p).await;
}

/// A port nobody listens on.
fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("redis://127.0.0.1:{port}/")
}

#[tokio::test]
async fn an_unreachable_redis_refuses_with_a_typed_error_unless_told_to_fail_open() {
    let url = closed_port();
    let failing = || {
        RedisBudgetStore::new(
            RedisConnection::with_options(
                &url,
                RedisOptions::default().timeout(Duration::from_millis(50)),
            )
            .unwrap(),
        )
    };
    let limit = || Limit::money(Scope::Tenant, Window::Day, usd("1"));
    let s = failing();
    let closed = Budgets::builder()
        .prices(prices())
        .limit(limit())
        .store(s.clone())
        .build()
        .unwrap();
    let p = Arc::new(ScriptedProvider::new().repeat("ok"));
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider_arc(p.clone())
        .budgets(closed.clone())
        .observer(obs.clone())
        .build()
        .unwrap();
    for _ in 0..2 {
        let err = c.chat(req()).await.unwrap_err();
        // the store's error, typed: not a budget refusal, never a panic or a hang
        assert!(matches!(err, Error::Extension { .. }), "{err:?}");
        assert!(err.to_string().contains("redis"), "{err}");
    }
    assert_eq!(p.calls(), 0);
    let rec = &obs.records()[0];
    assert_eq!(rec.outcome.as_str(), "failed");
    assert_eq!(rec.annotations[ANNOTATION]["refused"], true);
    let st = closed.stats();
    assert_eq!((st.refused, st.store_errors, st.granted), (2, 2, 0));
    // the first call reached the network and failed; the second met the cool-down
    let rs = s.stats();
    assert_eq!((rs.calls, rs.unavailable), (1, 1), "{rs:?}");
    assert_eq!(rs.failures(), 2);

    let open = Budgets::builder()
        .prices(prices())
        .limit(limit())
        .store(failing())
        .on_store_error(StoreFailure::FailOpen)
        .build()
        .unwrap();
    let c = Client::builder()
        .provider_arc(p.clone())
        .budgets(open.clone())
        .build()
        .unwrap();
    let reply = c.chat(req()).await.unwrap();
    assert_eq!(reply.meta.annotations[ANNOTATION]["uncounted"], true);
    assert_eq!(p.calls(), 1);
    assert_eq!(open.stats().store_failed_open, 1);
}

/// `rediss://`: the store works over TLS, and the server's certificate is verified (the
/// system's roots do not know a private CA). Needs a TLS redis-server at
/// `LLMOPS_REDIS_TLS_URL` (e.g. `rediss://localhost:6392/`) and its CA's PEM file at
/// `LLMOPS_REDIS_TLS_CA`.
#[tokio::test]
async fn backend_redis_tls_budget_store_round_trip() {
    let Some(url) = llmops_core::testing::backend("LLMOPS_REDIS_TLS_URL", "Redis over TLS") else {
        return;
    };
    let ca = std::env::var("LLMOPS_REDIS_TLS_CA")
        .unwrap_or_else(|_| panic!("LLMOPS_REDIS_TLS_URL is set: set LLMOPS_REDIS_TLS_CA too"));
    let pem = std::fs::read(&ca).unwrap_or_else(|e| panic!("LLMOPS_REDIS_TLS_CA={ca}: {e}"));
    let p = prefix("budget-tls");
    let options = || {
        RedisOptions::default()
            .timeout(Duration::from_secs(5))
            .prefix(p.clone())
    };
    let conn = RedisConnection::with_root_certs(&url, options(), &pem).unwrap();
    assert!(conn.is_tls());
    conn.ping().await.unwrap();
    let s = RedisBudgetStore::new(conn);
    // a window ending soon: the keys expire an hour after it (this test cleans up nothing)
    let c = [Charge::new(
        "k",
        10,
        4,
        Utc::now() + chrono::Duration::minutes(1),
    )];
    assert_eq!(s.reserve("1", &c, TTL).await.unwrap(), Reserve::Granted);
    assert_eq!(
        s.settle("1", &c).await.unwrap(),
        vec![CounterState::new(4, 0)]
    );
    s.release("1", &c).await.unwrap();
    // an unknown CA: the handshake fails, a typed error
    let untrusted = RedisConnection::with_options(&url, options()).unwrap();
    let e = untrusted.ping().await.unwrap_err();
    assert!(matches!(e, Error::Extension { .. }), "{e:?}");
    let e = RedisBudgetStore::new(untrusted)
        .state("k")
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Extension { .. }), "{e:?}");
    // another process over TLS sees the counter
    let s2 =
        RedisBudgetStore::new(RedisConnection::with_root_certs(&url, options(), &pem).unwrap());
    assert_eq!(s2.state("k").await.unwrap(), CounterState::new(4, 0));
}
