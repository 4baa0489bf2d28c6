//! The response cache: an exact hit end to end through `client.chat` (and `chat_stream`)
//! against the same request as a miss (lookup, scripted provider, write; and with the write
//! dropped) and with no cache;
//! the key alone; a semantic hit over 1k and 10k stored questions of one scope with the
//! hashing embedder.
//!
//! `cargo bench --bench cache --features cache`; figures in docs/benchmarks.md.
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

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use llmops::cache::{Cache, CacheKey, CacheStore, CachedAnswer, MemoryStore};
use llmops::{
    CacheKind, CacheOutcome, ChatRequest, Client, Exchange, HashingEmbedder, Result,
    ScriptedProvider, async_trait,
};
use payload::{Count, REPLY, request, stream_all};

/// Writes like the memory store, never finds: every request is a full miss.
struct Forgetful(MemoryStore);

/// Never finds, drops writes: a miss without the cost of the write.
struct Nothing;

#[async_trait]
impl CacheStore for Nothing {
    fn name(&self) -> &str {
        "nothing"
    }
    async fn get(&self, _key: &CacheKey) -> Result<Option<Arc<CachedAnswer>>> {
        Ok(None)
    }
    async fn put(&self, _key: &CacheKey, _entry: Arc<CachedAnswer>, _ttl: Duration) -> Result<()> {
        Ok(())
    }
    async fn remove(&self, _key: &CacheKey) -> Result<()> {
        Ok(())
    }
    async fn clear(&self, _tenant: Option<Option<&str>>) -> Result<()> {
        Ok(())
    }
}

#[async_trait]
impl CacheStore for Forgetful {
    fn name(&self) -> &str {
        "forgetful"
    }
    async fn get(&self, _key: &CacheKey) -> Result<Option<Arc<CachedAnswer>>> {
        Ok(None)
    }
    async fn put(&self, key: &CacheKey, entry: Arc<CachedAnswer>, ttl: Duration) -> Result<()> {
        self.0.put(key, entry, ttl).await
    }
    async fn remove(&self, key: &CacheKey) -> Result<()> {
        self.0.remove(key).await
    }
    async fn clear(&self, tenant: Option<Option<&str>>) -> Result<()> {
        self.0.clear(tenant).await
    }
}

fn client(cache: Option<Cache>) -> Client {
    let mut b = Client::builder()
        .provider(ScriptedProvider::new().repeat(REPLY).chunks(20))
        .observer(Count::default());
    if let Some(c) = cache {
        b = b.cache(c);
    }
    b.build().expect("client")
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let req = request().temperature(0.0);
    assert!(serde_json::to_string(&req).expect("json").len() > 900);

    let mut g = c.benchmark_group("cache/exact");
    let hit = client(Some(Cache::builder().build().expect("cache")));
    rt.block_on(hit.chat(req.clone())).expect("warm");
    g.bench_function(BenchmarkId::new("client", "hit"), |b| {
        b.to_async(&rt).iter(|| {
            let cl = hit.clone();
            let req = req.clone();
            async move {
                let r = cl.chat(req).await.expect("reply");
                assert!(matches!(
                    r.meta.cache,
                    Some(CacheOutcome::Hit {
                        kind: CacheKind::Exact,
                        ..
                    })
                ));
            }
        })
    });
    let miss = client(Some(
        Cache::builder()
            .store(Forgetful(MemoryStore::default()))
            .build()
            .expect("cache"),
    ));
    g.bench_function(BenchmarkId::new("client", "miss"), |b| {
        b.to_async(&rt).iter(|| {
            let cl = miss.clone();
            let req = req.clone();
            async move {
                let r = cl.chat(req).await.expect("reply");
                assert_eq!(r.meta.cache, Some(CacheOutcome::Miss));
            }
        })
    });
    let nowrite = client(Some(
        Cache::builder().store(Nothing).build().expect("cache"),
    ));
    g.bench_function(BenchmarkId::new("client", "miss_no_write"), |b| {
        b.to_async(&rt).iter(|| {
            let cl = nowrite.clone();
            let req = req.clone();
            async move {
                let r = cl.chat(req).await.expect("reply");
                assert_eq!(r.meta.cache, Some(CacheOutcome::Miss));
            }
        })
    });
    let none = client(None);
    g.bench_function(BenchmarkId::new("client", "no_cache"), |b| {
        b.to_async(&rt).iter(|| {
            let cl = none.clone();
            let req = req.clone();
            async move {
                let r = cl.chat(req).await.expect("reply");
                assert!(r.meta.cache.is_none());
            }
        })
    });
    g.finish();

    let mut g = c.benchmark_group("cache/stream20");
    // a streamed answer is stored as its events: the replay has the same 20 chunks
    let replay = client(Some(Cache::builder().build().expect("cache")));
    rt.block_on(stream_all(replay.clone(), req.clone()));
    g.bench_function(BenchmarkId::new("client", "hit_replay"), |b| {
        b.to_async(&rt)
            .iter(|| stream_all(replay.clone(), req.clone()))
    });
    g.bench_function(BenchmarkId::new("client", "miss_recorded"), |b| {
        b.to_async(&rt)
            .iter(|| stream_all(miss.clone(), req.clone()))
    });
    g.bench_function(BenchmarkId::new("client", "no_cache"), |b| {
        b.to_async(&rt)
            .iter(|| stream_all(none.clone(), req.clone()))
    });
    g.finish();

    let mut g = c.benchmark_group("cache/key");
    let cx = Exchange::for_request(&req);
    g.bench_function("1kb_request", |b| {
        b.iter(|| {
            let k = CacheKey::of(std::hint::black_box(&req), &cx, "");
            assert_ne!(k.hash, 0);
        })
    });
    g.finish();

    let mut g = c.benchmark_group("cache/semantic");
    g.sample_size(30);
    // Filling the cache goes through the client, one semantic miss (a full scan) per question:
    // quadratic, so in test mode (`cargo test --benches`, a debug build) one small size only.
    let sizes: &[usize] = if std::env::args().any(|a| a == "--bench") {
        &[1_000, 10_000]
    } else {
        &[100]
    };
    for &n in sizes {
        let cache = Cache::builder()
            .max_size(20_000, 256 << 20)
            .semantic(0.85)
            .embedder(Arc::new(HashingEmbedder::new(384)))
            .build()
            .expect("cache");
        let cl = client(Some(cache.clone()));
        let base = ChatRequest::new("scripted/bench")
            .system("You are a support assistant for ACME. Answer briefly.")
            .temperature(0.0)
            .tenant("acme");
        let questions: Vec<String> = (0..n).map(question).collect();
        rt.block_on(async {
            for q in &questions {
                cl.chat(base.clone().user(q.clone())).await.expect("fill");
            }
        });
        // random six-word questions: nearly all are stored, not matched to one another
        let stored = cache.stats().stored;
        assert!(stored >= n as u64 * 9 / 10, "{stored} of {n} stored");
        // the same words, punctuated: no exact hit, a semantic one
        let probe = base.clone().user(format!("{}?", questions[n / 2]));
        g.bench_function(BenchmarkId::new("hit", n), |b| {
            b.to_async(&rt).iter(|| {
                let cl = cl.clone();
                let req = probe.clone();
                async move {
                    let r = cl.chat(req).await.expect("reply");
                    assert!(matches!(
                        r.meta.cache,
                        Some(CacheOutcome::Hit {
                            kind: CacheKind::Semantic,
                            ..
                        })
                    ));
                }
            })
        });
    }
    g.finish();
}

/// A question of six pseudo-random five-letter words (deterministic per `i`).
fn question(i: usize) -> String {
    let mut x = (i as u64)
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut words = Vec::with_capacity(6);
    for _ in 0..6 {
        let mut w = String::with_capacity(5);
        for _ in 0..5 {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            w.push(char::from(b'a' + ((x >> 33) % 26) as u8));
        }
        words.push(w);
    }
    words.join(" ")
}

criterion_group!(benches, bench);
criterion_main!(benches);
