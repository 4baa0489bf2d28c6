//! HNSW recall@10 against the exact index, at default parameters, on clustered synthetic
//! vectors (≤ 5k): cosine and dot, with and without an allow filter, after deletes.
#![allow(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::collections::HashSet;

use llmops_rag::Metric;
use llmops_rag::index::{ExactIndex, HnswIndex, HnswParams, VectorIndex};

const N: usize = 2_000;
const DIMS: usize = 32;
const CLUSTERS: usize = 20;
const QUERIES: usize = 60;
const K: usize = 10;
const TARGET: f64 = 0.95;

/// splitmix64: a deterministic generator, no dependency.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in (0, 1].
    fn unit(&mut self) -> f64 {
        ((self.next_u64() >> 11) + 1) as f64 / (1u64 << 53) as f64
    }

    /// Standard normal (Box–Muller).
    fn normal(&mut self) -> f32 {
        let (u, v) = (self.unit(), self.unit());
        ((-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()) as f32
    }
}

/// `n` vectors around `CLUSTERS` random centres (noise 0.6 per component against unit
/// centres: neighbouring clusters overlap), each scaled by a factor in [0.5, 2) when `scaled`
/// (for the dot metric).
fn clustered(rng: &mut Rng, centres: &[Vec<f32>], n: usize, scaled: bool) -> Vec<Vec<f32>> {
    (0..n)
        .map(|_| {
            let c = &centres[(rng.next_u64() % centres.len() as u64) as usize];
            let scale = if scaled {
                0.5 + 1.5 * rng.unit() as f32
            } else {
                1.0
            };
            c.iter().map(|x| scale * (x + 0.6 * rng.normal())).collect()
        })
        .collect()
}

struct Data {
    vectors: Vec<Vec<f32>>,
    queries: Vec<Vec<f32>>,
}

fn data(seed: u64, scaled: bool) -> Data {
    let mut rng = Rng(seed);
    let centres: Vec<Vec<f32>> = (0..CLUSTERS)
        .map(|_| (0..DIMS).map(|_| rng.normal()).collect())
        .collect();
    Data {
        vectors: clustered(&mut rng, &centres, N, scaled),
        queries: clustered(&mut rng, &centres, QUERIES, scaled),
    }
}

/// Mean recall@K of `hnsw` against `exact` under `allow`; also checks that every result is
/// allowed, that `K` come back whenever `K` are allowed, and that shared slots score alike.
fn recall(
    hnsw: &HnswIndex,
    exact: &ExactIndex,
    queries: &[Vec<f32>],
    allow: &dyn Fn(u32) -> bool,
) -> f64 {
    let mut total = 0.0;
    for q in queries {
        let want = exact.search(q, K, allow).unwrap();
        let got = hnsw.search(q, K, allow).unwrap();
        assert_eq!(got.len(), want.len(), "k results whenever k exist");
        assert!(
            got.iter().all(|(s, _)| allow(*s)),
            "a rejected slot came back"
        );
        assert!(got.windows(2).all(|w| w[0].1 >= w[1].1), "best first");
        let truth: HashSet<u32> = want.iter().map(|h| h.0).collect();
        let qn = exact_query(exact, q);
        for (slot, score) in &got {
            let v = exact.vector(*slot).unwrap();
            let e: f32 = v.iter().zip(&qn).map(|(a, b)| a * b).sum();
            assert!((e - score).abs() < 1e-4, "score of {slot}");
        }
        total += got.iter().filter(|h| truth.contains(&h.0)).count() as f64 / want.len() as f64;
    }
    total / queries.len() as f64
}

/// The query as the index scores it (normalised for cosine).
fn exact_query(exact: &ExactIndex, q: &[f32]) -> Vec<f32> {
    match exact.metric() {
        Metric::Cosine => {
            let n = q.iter().map(|x| x * x).sum::<f32>().sqrt();
            q.iter().map(|x| x / n).collect()
        }
        _ => q.to_vec(),
    }
}

fn indexes(metric: Metric, d: &Data) -> (HnswIndex, ExactIndex) {
    let pairs = || d.vectors.iter().enumerate().map(|(i, v)| (i as u32, v));
    let hnsw = HnswIndex::build(DIMS, metric, params(), pairs()).unwrap();
    let exact = ExactIndex::build(DIMS, metric, pairs()).unwrap();
    assert_eq!((hnsw.len(), exact.len()), (N, N));
    (hnsw, exact)
}

/// The default graph parameters (M 16, ef_construction 200, ef_search 64), with the graph
/// used at this size (by default indexes this small are scanned exactly).
fn params() -> HnswParams {
    HnswParams::default().exact_below(0)
}

fn check(metric: Metric, scaled: bool, seed: u64) {
    let d = data(seed, scaled);
    let (mut hnsw, mut exact) = indexes(metric, &d);

    let all = recall(&hnsw, &exact, &d.queries, &|_| true);
    // a metadata-like filter admitting 10% of the slots
    let tenth = |s: u32| s % 10 == 3;
    let filtered = recall(&hnsw, &exact, &d.queries, &tenth);
    // a very selective one (0.5%): answered by the exact scan over the allowed slots
    let rare = |s: u32| s % 200 == 7;
    let selective = recall(&hnsw, &exact, &d.queries, &rare);
    eprintln!("{metric:?}: recall@{K} {all:.3}, 10% filter {filtered:.3}, 0.5% {selective:.3}");
    assert!(all >= TARGET, "{metric:?} recall@{K} {all:.3}");
    assert!(
        filtered >= TARGET,
        "{metric:?} filtered recall@{K} {filtered:.3}"
    );
    assert_eq!(selective, 1.0);

    // delete a fifth (tombstones, below the rebuild threshold) and replace a few
    for s in (0..N as u32).filter(|s| s % 5 == 1) {
        hnsw.remove(s);
        exact.remove(s);
    }
    for s in (0..N as u32).filter(|s| s % 50 == 2) {
        let v = &d.vectors[(s as usize + 1) % N];
        hnsw.insert(s, v).unwrap();
        exact.insert(s, v).unwrap();
    }
    assert!(
        hnsw.tombstones() > 0,
        "the graph was rebuilt: nothing tested"
    );
    let after = recall(&hnsw, &exact, &d.queries, &|_| true);
    let after_filtered = recall(&hnsw, &exact, &d.queries, &tenth);
    eprintln!("{metric:?} after deletes: {after:.3}, 10% filter {after_filtered:.3}");
    assert!(
        after >= TARGET,
        "{metric:?} recall after deletes {after:.3}"
    );
    assert!(
        after_filtered >= TARGET,
        "{metric:?} filtered after deletes {after_filtered:.3}"
    );

    // a rebuild drops the tombstones and keeps what is live
    hnsw.rebuild();
    assert_eq!((hnsw.tombstones(), hnsw.len()), (0, exact.len()));
    let rebuilt = recall(&hnsw, &exact, &d.queries, &|_| true);
    assert!(
        rebuilt >= TARGET,
        "{metric:?} recall after rebuild {rebuilt:.3}"
    );
}

#[test]
fn cosine_recall_at_10() {
    check(Metric::Cosine, false, 1);
}

#[test]
fn dot_recall_at_10_on_unnormalised_vectors() {
    check(Metric::Dot, true, 2);
}

#[test]
fn fewer_allowed_than_k_and_reload() {
    let d = data(3, false);
    let (hnsw, exact) = indexes(Metric::Cosine, &d);
    let allowed = [5u32, 900, 1_999];
    let allow = |s: u32| allowed.contains(&s);
    let got = hnsw.search(&d.queries[0], K, &allow).unwrap();
    assert_eq!(got, exact.search(&d.queries[0], K, &allow).unwrap());
    assert_eq!(got.len(), 3);
    assert!(
        hnsw.search(&d.queries[0], K, &|_| false)
            .unwrap()
            .is_empty()
    );

    // what an owner persists: (slot, stored vector); rebuilt from it, it answers alike
    let saved: Vec<(u32, Vec<f32>)> = hnsw.iter().map(|(s, v)| (s, v.to_vec())).collect();
    assert_eq!(
        hnsw.vector(17).unwrap(),
        saved.iter().find(|p| p.0 == 17).unwrap().1
    );
    let again = HnswIndex::build(DIMS, Metric::Cosine, params(), saved).unwrap();
    let r = recall(&again, &exact, &d.queries, &|_| true);
    assert!(r >= TARGET, "reloaded recall {r:.3}");
}
