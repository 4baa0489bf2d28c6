//! Embedding throughput: all-MiniLM-L6-v2 (int8 ONNX) through the local embedder, batches of
//! 32 sentences of ~7 and ~12 tokens (sentences/s = elements/s); and the embedding cache's hit
//! path (32 cached texts, 384 dimensions).
//!
//! The model part needs the runtime and model (docs/rag-embeddings.md):
//! `ORT_DYLIB_PATH=... LLMOPS_EMBED_ONNX=... LLMOPS_EMBED_TOKENIZER_DIR=...
//! cargo bench -p llmops --features fastembed --bench rag_embed`; without them it prints a
//! `SKIPPED:` line and measures the cache only. Figures in docs/rag-embeddings.md.
// A bench that cannot set up must stop loudly; asserts inside the timed closures keep a broken
// path from looking fast.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use llmops::rag::CachedEmbedder;
use llmops::{Embedder, HashingEmbedder};

const BATCH: usize = 32;

/// `n` distinct sentences of `words` words (about `words + 2` tokens with [CLS] and [SEP]).
fn sentences(n: usize, words: usize) -> Vec<String> {
    const VOCAB: [&str; 24] = [
        "order", "refund", "shipping", "account", "password", "invoice", "delivery", "customer",
        "support", "payment", "card", "address", "parcel", "return", "policy", "store", "price",
        "week", "today", "late", "missing", "changed", "billing", "help",
    ];
    let v = VOCAB.len();
    let out: Vec<String> = (0..n)
        .map(|i| {
            (0..words)
                .map(|j| match j {
                    0 => VOCAB[i % v],
                    1 => VOCAB[(i + 3 + 7 * (i / v)) % v],
                    _ => VOCAB[(i * 7 + j * 5 + i * j) % v],
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let distinct: std::collections::HashSet<&String> = out.iter().collect();
    assert_eq!(distinct.len(), n, "the bench sentences must be distinct");
    out
}

#[cfg(not(feature = "fastembed"))]
fn model(_: &mut Criterion, _: &tokio::runtime::Runtime) {
    eprintln!("SKIPPED: rag_embed/minilm needs the fastembed feature; measuring the cache only");
}

#[cfg(feature = "fastembed")]
fn model(c: &mut Criterion, rt: &tokio::runtime::Runtime) {
    let Ok(builder) = llmops::rag::LocalEmbedder::builder_from_env() else {
        eprintln!(
            "SKIPPED: rag_embed/minilm needs ORT_DYLIB_PATH, LLMOPS_EMBED_ONNX and \
             LLMOPS_EMBED_TOKENIZER_DIR (docs/rag-embeddings.md); measuring the cache only"
        );
        return;
    };
    let embedder = builder
        .build()
        .expect("the local embedder named by the environment");
    let mut g = c.benchmark_group("rag_embed/minilm");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.sample_size(20);
    for (label, words) in [("7_tokens", 5), ("12_tokens", 10)] {
        let texts = sentences(BATCH, words);
        let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
        g.bench_function(BenchmarkId::new("batch32", label), |b| {
            b.to_async(rt).iter(|| async {
                let v = embedder.embed(&refs).await.expect("embed");
                assert_eq!(v.len(), BATCH);
            })
        });
    }
    g.finish();
}

fn cache(c: &mut Criterion, rt: &tokio::runtime::Runtime) {
    let cached = CachedEmbedder::new(HashingEmbedder::new(384));
    let texts = sentences(BATCH, 10);
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    rt.block_on(cached.embed(&refs)).expect("warm the cache");
    let mut g = c.benchmark_group("rag_embed/cache_hit");
    g.throughput(Throughput::Elements(BATCH as u64));
    g.bench_function(BenchmarkId::new("batch32", "shared"), |b| {
        b.to_async(rt).iter(|| async {
            let v = cached.embed_shared(&refs).await.expect("hit");
            assert_eq!(v.len(), BATCH);
        })
    });
    g.bench_function(BenchmarkId::new("batch32", "owned"), |b| {
        b.to_async(rt).iter(|| async {
            let v = cached.embed(&refs).await.expect("hit");
            assert_eq!(v[0].len(), 384);
        })
    });
    g.finish();
    assert_eq!(
        cached.stats().misses,
        BATCH as u64,
        "every timed call was a hit"
    );
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    model(c, &rt);
    cache(c, &rt);
}

criterion_group!(benches, bench);
criterion_main!(benches);
