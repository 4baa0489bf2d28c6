//! The cost path of every exchange: `TablePricer::price` (attempt by attempt, provider usage)
//! then `CostLedger::on_finish` (reusing the breakdown, one sharded aggregate update), on the
//! record of the common payload (a 3-message ~1 KB request on `openai/gpt-4o-mini`); also the
//! ledger alone re-pricing a record, a record whose usage is missing (tokens counted), and
//! the whole `client.chat` with and without the ledger.
//!
//! `cargo bench --bench cost_ledger --features cost`; figures in docs/cost.md ("Ledger").
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

#[path = "common/payload.rs"]
#[allow(dead_code)]
mod payload;

use std::sync::Arc;

use criterion::{Criterion, criterion_group, criterion_main};
use llmops::cost::{CostLedger, PriceTable, TablePricer};
use llmops::{
    ChatRequest, Client, ExchangeRecord, MemoryObserver, Observer, Pricer, ScriptedProvider,
    UsageSource,
};
use payload::{Count, REPLY, request};

fn req() -> ChatRequest {
    let mut r = request();
    r.model = "openai/gpt-4o-mini".into();
    r
}

fn client(ledger: Option<CostLedger>) -> Client {
    let b = Client::builder()
        .provider(ScriptedProvider::named("openai").repeat(REPLY))
        .observer(Count::default());
    match ledger {
        Some(l) => b.cost_ledger(l),
        None => b,
    }
    .build()
    .unwrap()
}

fn record(rt: &tokio::runtime::Runtime) -> ExchangeRecord {
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(ScriptedProvider::named("openai").repeat(REPLY))
        .observer(obs.clone())
        .build()
        .unwrap();
    rt.block_on(c.chat(req())).unwrap();
    obs.records().pop().unwrap()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let pricer = Arc::new(TablePricer::new(PriceTable::bundled().unwrap()));
    let rec = record(&rt);
    assert_eq!(rec.usage_source, UsageSource::Provider);
    let ledger = CostLedger::new(pricer.clone());
    let mut g = c.benchmark_group("cost_ledger");
    g.bench_function("price_then_on_finish", |b| {
        b.iter(|| {
            let cost = pricer.price(&rec);
            assert!(cost.known().is_some());
            ledger.on_finish(&rec);
        })
    });
    g.bench_function("price", |b| b.iter(|| pricer.price(&rec)));
    g.bench_function("on_finish_repricing", |b| b.iter(|| ledger.record(&rec)));
    let mut missing = rec.clone();
    for a in &mut missing.attempts {
        a.usage = None;
        a.usage_source = UsageSource::Missing;
    }
    g.bench_function("price_usage_missing_counted", |b| {
        b.iter(|| assert!(pricer.price(&missing).known().is_some()))
    });
    let plain = client(None);
    g.bench_function("chat_without_ledger", |b| {
        b.to_async(&rt).iter(|| {
            let c = plain.clone();
            async move { c.chat(req()).await.unwrap() }
        })
    });
    let with = client(Some(CostLedger::new(pricer.clone())));
    g.bench_function("chat_with_ledger", |b| {
        b.to_async(&rt).iter(|| {
            let c = with.clone();
            async move { c.chat(req()).await.unwrap() }
        })
    });
    g.finish();
    assert!(ledger.totals().requests > 0);
}

criterion_group!(benches, bench);
criterion_main!(benches);
