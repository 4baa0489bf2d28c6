//! BM25 lexical index: query latency (top 10, unfiltered and with half the slots filtered
//! out) and index build, on a deterministic synthetic corpus of 10,000 documents (20–200
//! words each from a 30,000-word Zipf vocabulary) and 1,000 queries of 2–6 words.
//!
//! `cargo bench --bench rag_bm25 --no-default-features --features rag`; figures in
//! docs/benchmarks.md. In test mode (`cargo test --benches`, no `--bench` argument) the corpus
//! is 300 documents so the run stays quick.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use llmops::rag::{Bm25Index, Bm25Params};

/// SplitMix64: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// A synthetic corpus: pseudo-words drawn by Zipf rank (exponent 1).
struct Corpus {
    docs: Vec<String>,
    queries: Vec<String>,
}

fn corpus(n_docs: usize, n_queries: usize) -> Corpus {
    const SYL: [&str; 24] = [
        "ka", "to", "ri", "ne", "mu", "sa", "lo", "pe", "di", "fu", "ga", "hi", "jo", "ba", "ve",
        "zo", "ny", "qua", "tre", "sko", "pli", "dra", "mon", "tal",
    ];
    let vocab = 30_000;
    let mut rng = Rng(42);
    let words: Vec<String> = (0..vocab)
        .map(|i| {
            let n = 2 + rng.below(3);
            let mut w: String = (0..n).map(|_| SYL[rng.below(SYL.len())]).collect();
            w.push_str(&i.to_string()); // unique
            w
        })
        .collect();
    let mut cdf = Vec::with_capacity(vocab);
    let mut acc = 0.0;
    for r in 1..=vocab {
        acc += 1.0 / r as f64;
        cdf.push(acc);
    }
    let zipf = |rng: &mut Rng, min_rank: usize| loop {
        let x = rng.unit() * acc;
        let r = cdf.partition_point(|&c| c < x).min(vocab - 1);
        if r >= min_rank {
            return r;
        }
    };
    let docs = (0..n_docs)
        .map(|_| {
            let len = 20 + rng.below(181);
            let ws: Vec<&str> = (0..len)
                .map(|_| words[zipf(&mut rng, 0)].as_str())
                .collect();
            ws.join(" ")
        })
        .collect();
    // Query words skip the 20 most frequent ranks (as stop words would be).
    let queries = (0..n_queries)
        .map(|_| {
            let len = 2 + rng.below(5);
            let ws: Vec<&str> = (0..len)
                .map(|_| words[zipf(&mut rng, 20)].as_str())
                .collect();
            ws.join(" ")
        })
        .collect();
    Corpus { docs, queries }
}

fn build(docs: &[String]) -> Bm25Index {
    let mut idx = Bm25Index::new(Bm25Params::default());
    for (slot, d) in docs.iter().enumerate() {
        idx.insert(slot as u32, d);
    }
    idx
}

fn bench(c: &mut Criterion) {
    let full = std::env::args().any(|a| a == "--bench");
    let (n_docs, n_queries) = if full { (10_000, 1_000) } else { (300, 20) };
    let Corpus { docs, queries } = corpus(n_docs, n_queries);
    let idx = build(&docs);
    assert_eq!(idx.len(), n_docs);
    let label = format!("{n_docs}_docs");

    // One iteration runs every query once (the heavy-tailed cost of single queries averages
    // out); the throughput line gives queries/s, time ÷ queries the mean latency.
    let mut g = c.benchmark_group("rag_bm25/query");
    g.sample_size(20);
    g.throughput(Throughput::Elements(queries.len() as u64));
    g.bench_function(BenchmarkId::new("top10", &label), |b| {
        b.iter(|| {
            let mut n = 0;
            for q in &queries {
                let hits = idx.search(q, 10, &|_| true);
                assert!(hits.len() <= 10);
                n += hits.len();
            }
            n
        })
    });
    g.bench_function(BenchmarkId::new("top10_half_filtered", &label), |b| {
        b.iter(|| {
            let mut n = 0;
            for q in &queries {
                let hits = idx.search(q, 10, &|s| s % 2 == 0);
                assert!(hits.iter().all(|h| h.0 % 2 == 0));
                n += hits.len();
            }
            n
        })
    });
    g.finish();

    let mut g = c.benchmark_group("rag_bm25/build");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n_docs as u64));
    g.bench_function(BenchmarkId::new("insert_all", &label), |b| {
        b.iter(|| {
            let idx = build(&docs);
            assert_eq!(idx.len(), n_docs);
            idx
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
