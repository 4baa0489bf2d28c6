//! The Rust side of the BM25 peer scripts in `scripts/peers/bm25/` (not a user example).
//!
//! ```sh
//! # the analyzer's terms of a corpus and its queries, as JSON
//! cargo run --release --example bm25_peer --no-default-features --features rag -- tokens CORPUS.jsonl QUERIES.jsonl
//! # build time and single-thread query throughput (k = 10), as JSON
//! cargo run --release --example bm25_peer --no-default-features --features rag -- speed CORPUS.jsonl QUERIES.jsonl
//! ```
//!
//! Each JSONL line is `{"id": "...", "text": "..."}`.
#![allow(clippy::expect_used, clippy::unwrap_used, clippy::indexing_slicing)]

use std::collections::BTreeMap;
use std::time::Instant;

use llmops::rag::{Analyzer, Bm25Index, Bm25Params, LengthNorm};
use serde_json::{Value, json};

fn read(path: &str) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| {
        eprintln!("cannot read {path}: {e}");
        std::process::exit(2)
    });
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: Value = serde_json::from_str(l).expect("a JSON object per line");
            let id = v["id"].as_str().expect("id").to_owned();
            let text = v["text"].as_str().expect("text").to_owned();
            (id, text)
        })
        .collect()
}

fn tokens(docs: &[(String, String)], queries: &[(String, String)]) -> Value {
    let a = Analyzer::english();
    let map = |items: &[(String, String)]| {
        items
            .iter()
            .map(|(id, text)| (id.clone(), json!(a.analyze(text))))
            .collect::<BTreeMap<_, _>>()
    };
    json!({ "analyzer": "Analyzer::english()", "docs": map(docs), "queries": map(queries) })
}

fn build(docs: &[(String, String)], params: Bm25Params) -> (Bm25Index, f64) {
    let t = Instant::now();
    let mut idx = Bm25Index::new(params);
    for (slot, (_, text)) in docs.iter().enumerate() {
        idx.insert(slot as u32, text);
    }
    (idx, t.elapsed().as_secs_f64())
}

const PASSES: usize = 5;

/// This thread's CPU time (Linux), so figures hold on a machine shared with other jobs.
fn thread_cpu_s() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let ns: u64 = s.split_whitespace().next()?.parse().ok()?;
    Some(ns as f64 * 1e-9)
}

fn speed(docs: &[(String, String)], queries: &[(String, String)]) -> Value {
    let k = 10;
    let cpu = thread_cpu_s();
    let (idx, build_s) = build(docs, Bm25Params::default());
    let build_cpu_s = cpu.zip(thread_cpu_s()).map(|(a, b)| b - a);
    // Warm up (page in, fill the per-thread accumulator), then time every query.
    for (_, q) in queries.iter().take(100) {
        std::hint::black_box(idx.search(q, k, &|_| true));
    }
    // Five passes over the queries: qps of the median pass, latency percentiles over all.
    let mut lat = Vec::with_capacity(queries.len() * PASSES);
    let mut passes = Vec::with_capacity(PASSES);
    let mut hits = 0usize;
    let mut cpu_passes = Vec::with_capacity(PASSES);
    for _ in 0..PASSES {
        let cpu = thread_cpu_s();
        let t = Instant::now();
        for (_, q) in queries {
            let t0 = Instant::now();
            hits += std::hint::black_box(idx.search(q, k, &|_| true)).len();
            lat.push(t0.elapsed().as_secs_f64());
        }
        passes.push(t.elapsed().as_secs_f64());
        if let (Some(a), Some(b)) = (cpu, thread_cpu_s()) {
            cpu_passes.push(b - a);
        }
    }
    passes.sort_by(f64::total_cmp);
    cpu_passes.sort_by(f64::total_cmp);
    let total = passes[PASSES / 2];
    let cpu_total = cpu_passes.get(PASSES / 2).copied();
    lat.sort_by(f64::total_cmp);
    let pct = |p: f64| lat[((lat.len() as f64 - 1.0) * p).round() as usize] * 1e6;

    // What Lucene's lossy length norm changes: top-10 agreement with exact lengths.
    let (exact, _) = build(
        docs,
        Bm25Params::default().with_length_norm(LengthNorm::Exact),
    );
    let mut overlap = 0usize;
    let mut same_list = 0usize;
    for (_, q) in queries {
        let a: Vec<u32> = idx.search(q, k, &|_| true).iter().map(|h| h.0).collect();
        let b: Vec<u32> = exact.search(q, k, &|_| true).iter().map(|h| h.0).collect();
        overlap += a.iter().filter(|s| b.contains(s)).count();
        same_list += usize::from(a == b);
    }
    let s = idx.stats();
    json!({
        "docs": docs.len(),
        "queries": queries.len(),
        "avg_doc_terms": s.avg_len,
        "terms": s.terms,
        "k": k,
        "build_s": build_s,
        "build_cpu_s": build_cpu_s,
        "passes": PASSES,
        "query_pass_s": passes,
        "qps": queries.len() as f64 / total,
        "qps_cpu": cpu_total.map(|c| queries.len() as f64 / c),
        "query_pass_cpu_s": cpu_passes,
        "latency_us": { "mean": total / queries.len() as f64 * 1e6, "p50": pct(0.5), "p99": pct(0.99), "max": pct(1.0) },
        "hits_returned_per_pass": hits / PASSES,
        "lossy_vs_exact_norm": {
            "mean_overlap_at_10": overlap as f64 / (queries.len() * k) as f64,
            "identical_top10_lists": same_list as f64 / queries.len() as f64,
        },
    })
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(mode), Some(corpus), Some(queries)) = (args.first(), args.get(1), args.get(2)) else {
        eprintln!("usage: bm25_peer tokens|speed CORPUS.jsonl QUERIES.jsonl");
        std::process::exit(2)
    };
    let (docs, queries) = (read(corpus), read(queries));
    let out = match mode.as_str() {
        "tokens" => tokens(&docs, &queries),
        "speed" => speed(&docs, &queries),
        other => {
            eprintln!("unknown mode {other}: tokens | speed");
            std::process::exit(2)
        }
    };
    println!("{out}");
}
