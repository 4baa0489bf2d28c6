//! The cost of the exchange pipeline: a 3-message ~1 KB request through the client with 0, 1
//! and 8 no-op middlewares and one observer, against calling the scripted provider directly;
//! full replies and streams of 20 chunks. With the `prompts`, `cost`, `cache` and `routing`
//! features (all default), `pipeline/layers`: the same payload with each issue-7 layer alone
//! and with every layer on (prompt render, budgets, an exact-cache miss, the router, the
//! ledger and its pricer), against the bare pipeline.
//!
//! `cargo bench --bench pipeline`; figures in docs/benchmarks.md.
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

#[cfg(all(
    feature = "prompts",
    feature = "cost",
    feature = "cache",
    feature = "routing"
))]
#[path = "common/layers.rs"]
mod layers;

use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use futures_util::StreamExt;
use llmops::{
    ChatRequest, Client, Exchange, Middleware, Next, Provider, Reply, Result, ScriptedProvider,
    Stage, async_trait,
};
use payload::{Count, REPLY, request, stream_all};

struct Noop;

#[async_trait]
impl Middleware for Noop {
    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        next.run(req, cx).await
    }
}

fn provider() -> ScriptedProvider {
    ScriptedProvider::new().repeat(REPLY).chunks(20)
}

fn client(middlewares: usize) -> Client {
    let mut b = Client::builder()
        .provider(provider())
        .observer(Count::default());
    for _ in 0..middlewares {
        b = b.layer_at(Stage::BeforeProvider, Noop);
    }
    b.build().expect("client")
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let req = request();
    assert!(serde_json::to_string(&req).expect("json").len() > 900);

    let mut g = c.benchmark_group("pipeline/full");
    let direct = Arc::new(provider());
    g.bench_function(BenchmarkId::new("direct", "provider"), |b| {
        b.to_async(&rt).iter(|| {
            let p = direct.clone();
            let req = req.clone();
            async move {
                let cx = Exchange::for_request(&req);
                match p.chat(&req, &cx).await.expect("reply") {
                    Reply::Full(r) => assert!(!r.text().is_empty()),
                    Reply::Stream(_) => unreachable!(),
                }
            }
        })
    });
    for n in [0usize, 1, 8] {
        let cl = client(n);
        g.bench_function(BenchmarkId::new("client", format!("{n}_middleware")), |b| {
            b.to_async(&rt).iter(|| {
                let cl = cl.clone();
                let req = req.clone();
                async move {
                    let r = cl.chat(req).await.expect("reply");
                    assert!(!r.text().is_empty());
                }
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("pipeline/stream20");
    let mut sreq = req.clone();
    sreq.stream = true;
    g.bench_function(BenchmarkId::new("direct", "provider"), |b| {
        b.to_async(&rt).iter(|| {
            let p = direct.clone();
            let req = sreq.clone();
            async move {
                let cx = Exchange::for_request(&req);
                let Reply::Stream(mut s) = p.chat(&req, &cx).await.expect("reply") else {
                    unreachable!()
                };
                let mut n = 0;
                while let Some(ev) = s.next().await {
                    ev.expect("event");
                    n += 1;
                }
                assert!(n >= 20);
            }
        })
    });
    for n in [0usize, 1, 8] {
        let cl = client(n);
        g.bench_function(BenchmarkId::new("client", format!("{n}_middleware")), |b| {
            b.to_async(&rt).iter(|| {
                let cl = cl.clone();
                let req = req.clone();
                stream_all(cl, req)
            })
        });
    }
    g.finish();

    #[cfg(all(
        feature = "prompts",
        feature = "cost",
        feature = "cache",
        feature = "routing"
    ))]
    layers::bench(c, &rt);
}

criterion_group!(benches, bench);
criterion_main!(benches);
