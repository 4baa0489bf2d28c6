//! Vector search: exact (brute force) and HNSW top-10 queries at 100k × 384 synthetic vectors,
//! with and without a metadata filter (`Filter::matches` on chunk records, the predicate the
//! memory store runs); index build times and HNSW recall@10 against exact, printed once, on
//! embedding-like vectors and on unstructured Gaussian ones (the worst case).
//!
//! `cargo bench -p llmops --bench rag_vectors`; figures in docs/benchmarks.md and
//! docs/rag-vectors.md. Under `cargo test --benches` (no `--bench` argument) it runs on 1,000
//! × 64 vectors so CI's debug build stays quick.
// A bench that cannot set up must stop loudly; asserts inside the timed closures keep a broken
// path from looking fast.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::collections::HashSet;
use std::hint::black_box;
use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use llmops::rag::index::{ExactIndex, HnswIndex, HnswParams, VectorIndex};
use llmops::rag::{ChunkRecord, Filter, Metric};

const K: usize = 10;

/// Sizes: the real run (`--bench`) or the quick test-mode run.
struct Size {
    n: usize,
    dims: usize,
    queries: usize,
    full: bool,
}

fn size() -> Size {
    if std::env::args().any(|a| a == "--bench") {
        Size {
            n: 100_000,
            dims: 384,
            queries: 200,
            full: true,
        }
    } else {
        Size {
            n: 1_000,
            dims: 64,
            queries: 10,
            full: false,
        }
    }
}

/// splitmix64: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f32 {
        let (u, v) = (self.unit(), self.unit());
        ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()) as f32
    }
}

/// Embedding-like synthetic vectors: a mixture of `clusters` Gaussian topics in a `latent`-
/// dimensional space (spread 0.6 around unit-variance centres), projected to `dims` by a
/// fixed random matrix, plus isotropic noise (σ 0.05 per component).
struct Synth {
    dims: usize,
    latent: usize,
    clusters: Vec<Vec<f32>>,
    projection: Option<Vec<Vec<f32>>>,
    rng: Rng,
}

impl Synth {
    fn embedding_like(seed: u64, dims: usize, clusters: usize) -> Self {
        let latent = 32.min(dims);
        let mut rng = Rng(seed);
        let scale = 1.0 / (latent as f32).sqrt();
        let projection = (0..dims)
            .map(|_| (0..latent).map(|_| rng.normal() * scale).collect())
            .collect();
        let clusters = (0..clusters)
            .map(|_| (0..latent).map(|_| rng.normal()).collect())
            .collect();
        Synth {
            dims,
            latent,
            clusters,
            projection: Some(projection),
            rng,
        }
    }

    /// The worst case: i.i.d. Gaussian vectors, no structure at all.
    fn unstructured(seed: u64, dims: usize) -> Self {
        Synth {
            dims,
            latent: dims,
            clusters: vec![vec![0.0; dims]],
            projection: None,
            rng: Rng(seed),
        }
    }

    fn vector(&mut self) -> Vec<f32> {
        let c = (self.rng.next_u64() % self.clusters.len() as u64) as usize;
        let z: Vec<f32> = (0..self.latent)
            .map(|i| self.clusters[c][i] + 0.6 * self.rng.normal())
            .collect();
        match &self.projection {
            None => z,
            Some(p) => (0..self.dims)
                .map(|d| {
                    let x: f32 = p[d].iter().zip(&z).map(|(a, b)| a * b).sum();
                    x + 0.05 * self.rng.normal()
                })
                .collect(),
        }
    }

    fn take(&mut self, n: usize) -> Vec<Vec<f32>> {
        (0..n).map(|_| self.vector()).collect()
    }
}

/// One chunk record per slot with metadata fields `group` (10 values) and `team` (100),
/// so `Filter::matches` is the predicate the memory store will run.
fn records(n: usize) -> Vec<ChunkRecord> {
    (0..n)
        .map(|i| {
            let mut r = ChunkRecord::new(format!("d{i}#0"), format!("d{i}"), "v1", "", (0, 0));
            r.meta.insert("group".into(), format!("g{}", i % 10).into());
            r.meta.insert("team".into(), format!("t{}", i % 100).into());
            r
        })
        .collect()
}

fn pairs(vs: &[Vec<f32>]) -> impl Iterator<Item = (u32, &Vec<f32>)> {
    vs.iter().enumerate().map(|(i, v)| (i as u32, v))
}

fn timed<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let t = Instant::now();
    let out = f();
    (out, t.elapsed())
}

/// Mean recall@K of `search` against the exact index, and the mean wall time per query.
fn recall(
    exact: &ExactIndex,
    queries: &[Vec<f32>],
    allow: &dyn Fn(u32) -> bool,
    search: impl Fn(&[f32]) -> Vec<(u32, f32)>,
) -> (f64, Duration) {
    let truth: Vec<HashSet<u32>> = queries
        .iter()
        .map(|q| {
            exact
                .search(q, K, allow)
                .unwrap()
                .iter()
                .map(|h| h.0)
                .collect()
        })
        .collect();
    let (got, took) = timed(|| queries.iter().map(|q| search(q)).collect::<Vec<_>>());
    let hit: f64 = got
        .iter()
        .zip(&truth)
        .map(|(g, t)| g.iter().filter(|h| t.contains(&h.0)).count() as f64 / t.len() as f64)
        .sum();
    (hit / queries.len() as f64, took / queries.len() as u32)
}

fn bench(c: &mut Criterion) {
    let sz = size();
    let mut synth = Synth::embedding_like(7, sz.dims, sz.n / 100);
    let vectors = synth.take(sz.n);
    let queries = synth.take(sz.queries);
    let recs = records(sz.n);
    let metric = Metric::Cosine;
    // the graph runs at every size here (small indexes are otherwise scanned exactly)
    let params = if sz.full {
        HnswParams::default()
    } else {
        HnswParams::default().exact_below(0)
    };

    let (exact, exact_build) =
        timed(|| ExactIndex::build(sz.dims, metric, pairs(&vectors)).expect("exact"));
    let (hnsw, hnsw_build) =
        timed(|| HnswIndex::build(sz.dims, metric, params.clone(), pairs(&vectors)).expect("hnsw"));
    println!(
        "rag_vectors: {} × {}: build exact {:.3} s, hnsw {:.1} s (M {}, ef_construction {}, \
         parallel on {} threads)",
        sz.n,
        sz.dims,
        exact_build.as_secs_f64(),
        hnsw_build.as_secs_f64(),
        params.max_nb_connection,
        params.ef_construction,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );

    let tenth = Filter::default().with("group", "g3");
    let hundredth = Filter::default().with("team", "t42");
    let allow_all = |_: u32| true;
    let allow_tenth = |s: u32| tenth.matches(&recs[s as usize]);
    let allow_hundredth = |s: u32| hundredth.matches(&recs[s as usize]);
    for ef in [16usize, 32, 64, 128, 256] {
        let (r, t) = recall(&exact, &queries, &allow_all, |q| {
            hnsw.search_ef(q, K, ef, &allow_all).unwrap()
        });
        println!(
            "rag_vectors: hnsw recall@{K} {r:.4} at ef {ef} ({:.0} µs/query, wall)",
            t.as_secs_f64() * 1e6
        );
    }
    for (name, allow) in [
        ("10%", &allow_tenth as &dyn Fn(u32) -> bool),
        ("1%", &allow_hundredth),
    ] {
        let (r, t) = recall(&exact, &queries, allow, |q| {
            hnsw.search(q, K, allow).unwrap()
        });
        println!(
            "rag_vectors: hnsw recall@{K} {r:.4} with a {name} filter at default ef ({:.0} µs/query)",
            t.as_secs_f64() * 1e6
        );
    }

    let mut g = c.benchmark_group("rag_vectors/query");
    if sz.full {
        g.sample_size(50);
    }
    let round = |i: &mut usize| {
        *i = (*i + 1) % queries.len();
        &queries[*i]
    };
    let id = |case: &str| BenchmarkId::new(case, format!("{}x{}", sz.n, sz.dims));
    let mut i = 0;
    g.bench_function(id("exact"), |b| {
        b.iter(|| {
            let hits = exact.search(round(&mut i), K, &allow_all).unwrap();
            assert_eq!(hits.len(), K);
        })
    });
    for ef in [16usize, 32, 64, 128] {
        g.bench_function(id(&format!("hnsw_ef{ef}")), |b| {
            b.iter(|| {
                let hits = hnsw.search_ef(round(&mut i), K, ef, &allow_all).unwrap();
                assert_eq!(hits.len(), K);
            })
        });
    }
    for (name, allow) in [
        ("filter10", &allow_tenth as &dyn Fn(u32) -> bool),
        ("filter1", &allow_hundredth),
    ] {
        g.bench_function(id(&format!("exact_{name}")), |b| {
            b.iter(|| {
                let hits = exact.search(round(&mut i), K, allow).unwrap();
                assert_eq!(hits.len(), K);
            })
        });
        g.bench_function(id(&format!("hnsw_{name}")), |b| {
            b.iter(|| {
                let hits = hnsw.search(round(&mut i), K, allow).unwrap();
                assert_eq!(hits.len(), K);
            })
        });
    }
    g.finish();

    let mut g = c.benchmark_group("rag_vectors/build");
    g.sample_size(10);
    g.bench_function(id("exact"), |b| {
        b.iter(|| {
            let idx = ExactIndex::build(sz.dims, metric, pairs(&vectors)).unwrap();
            assert_eq!(black_box(idx).len(), sz.n);
        })
    });
    g.finish();

    if sz.full {
        // the worst case: i.i.d. Gaussian vectors in all 384 dimensions, no structure
        let mut hard = Synth::unstructured(11, sz.dims);
        let vectors = hard.take(sz.n);
        let queries = hard.take(sz.queries);
        let exact = ExactIndex::build(sz.dims, metric, pairs(&vectors)).unwrap();
        let (hnsw, took) =
            timed(|| HnswIndex::build(sz.dims, metric, params.clone(), pairs(&vectors)).unwrap());
        println!(
            "rag_vectors: unstructured {} × {}: hnsw build {:.1} s",
            sz.n,
            sz.dims,
            took.as_secs_f64()
        );
        for ef in [64usize, 128, 256, 512, 1024] {
            let (r, t) = recall(&exact, &queries, &allow_all, |q| {
                hnsw.search_ef(q, K, ef, &allow_all).unwrap()
            });
            println!(
                "rag_vectors: unstructured: hnsw recall@{K} {r:.4} at ef {ef} ({:.0} µs/query, \
                 wall)",
                t.as_secs_f64() * 1e6
            );
        }
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
