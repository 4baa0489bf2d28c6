//! The cost of the exchange pipeline: a 3-message ~1 KB request through the client with 0, 1
//! and 8 no-op middlewares and one observer, against calling the scripted provider directly;
//! full replies and streams of 20 chunks.
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

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use futures_util::StreamExt;
use llmops::{
    ChatRequest, Client, Exchange, ExchangeRecord, Middleware, Next, Observer, Provider, Reply,
    Result, ScriptedProvider, Stage, async_trait,
};

struct Noop;

#[async_trait]
impl Middleware for Noop {
    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        next.run(req, cx).await
    }
}

#[derive(Default)]
struct Count(AtomicU64);

impl Observer for Count {
    fn on_finish(&self, _rec: &ExchangeRecord) {
        self.0.fetch_add(1, Ordering::Relaxed);
    }
}

/// ~1 KB over three messages.
fn request() -> ChatRequest {
    ChatRequest::new("scripted/bench")
        .system("You are a support assistant for ACME. Answer briefly, cite the policy section, and never promise refunds. ".repeat(3))
        .user("My order A-1729 arrived damaged; the box was crushed and the glass cracked. What can I do? ".repeat(4))
        .assistant("I am sorry to hear that. Could you share a photo of the damage and the order number? ".repeat(2))
        .tenant("acme")
}

const REPLY: &str = "Please upload a photo in the order page; a replacement ships within two business days (policy 4.2).";

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
                async move {
                    let mut s = cl.chat_stream(req).await.expect("stream");
                    let mut n = 0;
                    while let Some(ev) = s.next().await {
                        ev.expect("event");
                        n += 1;
                    }
                    assert!(n >= 20);
                }
            })
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
