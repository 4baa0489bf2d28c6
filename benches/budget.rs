//! The budget stage: the pipeline payload through `client.chat` with no budget, with one limit
//! (per tenant and day) and with three (global month, tenant day, tenant minute in tokens),
//! each reserved before the call and settled in the finisher against the in-memory store;
//! a streamed reply with one limit; and the in-memory store's reserve + settle alone.
//!
//! `cargo bench --bench budget --features cost`; figures in docs/benchmarks.md.
// A bench that cannot set up must stop loudly; asserts inside the timed closures keep a broken
// path from looking fast.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

#[path = "common/payload.rs"]
mod payload;

use std::sync::Arc;
use std::time::Duration;

use chrono::{TimeZone, Utc};
use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use llmops::cost::PriceTable;
use llmops::cost::budget::{
    BudgetStore, Budgets, Charge, Limit, MemoryBudgetStore, Reserve, Scope, Window,
};
use llmops::{Client, Money, ScriptedProvider};
use payload::{Count, REPLY, request, stream_all};

fn prices() -> Arc<PriceTable> {
    Arc::new(
        PriceTable::from_json_str(
            r#"{"scripted/bench": {"input_cost_per_token": 2.5e-6, "output_cost_per_token": 1e-5,
                "litellm_provider": "scripted", "max_output_tokens": 16384}}"#,
            "bench-prices.json",
        )
        .expect("prices"),
    )
}

/// Limits no run of the bench can exhaust.
fn budgets(limits: &[Limit]) -> Budgets {
    let mut b = Budgets::builder().prices(prices());
    for l in limits {
        b = b.limit(l.clone());
    }
    b.build().expect("budgets")
}

fn client(b: Option<&Budgets>) -> Client {
    let mut cb = Client::builder()
        .provider(ScriptedProvider::new().repeat(REPLY).chunks(20))
        .observer(Count::default());
    if let Some(b) = b {
        cb = cb.budgets(b.clone());
    }
    cb.build().expect("client")
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let req = request();
    assert!(serde_json::to_string(&req).expect("json").len() > 900);
    let big = Money::usd_str("1000000000").unwrap();
    let one = budgets(&[Limit::money(Scope::Tenant, Window::Day, big.clone())]);
    let three = budgets(&[
        Limit::money(Scope::Global, Window::Month, big.clone()),
        Limit::money(Scope::Tenant, Window::Day, big.clone()).alert_at([50, 80, 100]),
        Limit::tokens(Scope::Tenant, Window::Minute, i64::MAX as u64),
    ]);

    let mut g = c.benchmark_group("budget/full");
    for (name, b) in [
        ("no_budget", None),
        ("one_limit", Some(&one)),
        ("three_limits", Some(&three)),
    ] {
        let cl = client(b);
        g.bench_function(BenchmarkId::new("client", name), |bch| {
            bch.to_async(&rt).iter(|| {
                let cl = cl.clone();
                let req = req.clone();
                async move {
                    let r = cl.chat(req).await.expect("reply");
                    assert_eq!(r.text().len(), REPLY.len());
                }
            })
        });
    }
    g.finish();
    // every exchange reserved and settled (none refused, none recounted)
    for b in [&one, &three] {
        let s = b.stats();
        assert_eq!(s.granted, s.settled);
        assert_eq!((s.refused, s.recounted, s.settled_unknown), (0, 0, 0));
    }

    let mut g = c.benchmark_group("budget/stream20");
    for (name, b) in [("no_budget", None), ("one_limit", Some(&one))] {
        let cl = client(b);
        g.bench_function(BenchmarkId::new("client", name), |bch| {
            bch.to_async(&rt)
                .iter(|| stream_all(cl.clone(), req.clone()))
        });
    }
    g.finish();

    let mut g = c.benchmark_group("budget/store");
    let store = MemoryBudgetStore::new();
    let end = Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap();
    let reserve = [Charge::new(
        "tenant/day|2026-01-01T00:00Z|acme",
        i64::MAX,
        2_500,
        end,
    )];
    let settle = [Charge::new(
        "tenant/day|2026-01-01T00:00Z|acme",
        i64::MAX,
        1_000,
        end,
    )];
    let ttl = Duration::from_secs(600);
    g.bench_function("memory_reserve_settle", |bch| {
        bch.to_async(&rt).iter(|| async {
            let granted = store.reserve("req-1#budget", &reserve, ttl).await.unwrap();
            assert_eq!(granted, Reserve::Granted);
            let st = store.settle("req-1#budget", &settle).await.unwrap();
            assert_eq!(st[0].reserved, 0);
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
