//! PII scanning: a 4 KB mixed prompt (support-chat prose with order numbers, amounts, times,
//! versions and a URL) without personal data, and the same prompt with one of each category
//! spliced in. `scan` finds, `redact` finds and replaces with typed placeholders, `pseudonym`
//! with keyed pseudonyms. Throughput is in bytes of prompt.
//!
//! `names/*`: the same with the person-name recognizer on (`PiiCategory::PersonName`, off in
//! `PiiScanner::new()`): the clean prompt (capitalised words, no name), the prompt with a
//! signature line holding a name, the recognizer alone on the clean prompt, and the
//! recognizer alone over every sentence of `llmops-guard/tests/data/names/eval.jsonl`.
//!
//! `cargo bench --bench guard_pii --features llmops/guard`; figures in docs/benchmarks.md.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use llmops::guard::pii::{PiiCategory, PiiScanner, Pseudonymizer, RedactionMode, redact};

#[path = "common/guard_prompt.rs"]
mod guard_prompt;
use guard_prompt::{PROSE, pii_prompt as prompt, prompt as support_prompt};

/// A line with a name for the "with findings" case of the name recognizer.
const NAME_LINE: &str = "Best regards, Maren Lindqvist (customer since 2019).";

/// The sentences of the names evaluation set.
fn eval_texts() -> Vec<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/llmops-guard/tests/data/names/eval.jsonl"
    );
    std::fs::read_to_string(path)
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["text"].as_str().unwrap().to_owned()
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let scanner = PiiScanner::new();
    let clean = prompt(false);
    let dirty = prompt(true);
    let key = Pseudonymizer::new(b"bench-secret-0123456789abcdef").unwrap();
    let pseudonym = RedactionMode::Pseudonym(key);
    let n_dirty = scanner.scan(&dirty).len();
    assert!(
        scanner.scan(&clean).is_empty(),
        "{:?}",
        scanner.scan(&clean)
    );
    assert!(n_dirty >= 6, "{n_dirty}");
    let mut cats: Vec<_> = scanner.scan(&dirty).iter().map(|f| f.category).collect();
    cats.dedup();
    eprintln!(
        "pii_4k: {} bytes, {n_dirty} findings; categories in order: {cats:?}",
        dirty.len()
    );

    let mut g = c.benchmark_group("guard_pii");
    g.throughput(Throughput::Bytes(clean.len() as u64));
    g.bench_function("scan/clean_4k", |b| {
        b.iter(|| assert!(scanner.scan(&clean).is_empty()));
    });
    g.throughput(Throughput::Bytes(dirty.len() as u64));
    g.bench_function("scan/pii_4k", |b| {
        b.iter(|| assert_eq!(scanner.scan(&dirty).len(), n_dirty));
    });
    g.bench_function("redact/pii_4k", |b| {
        b.iter(|| {
            let f = scanner.scan(&dirty);
            let out = redact(&dirty, &f, &RedactionMode::Placeholder);
            assert!(!out.mapping.is_empty());
        });
    });
    g.bench_function("pseudonym/pii_4k", |b| {
        b.iter(|| {
            let f = scanner.scan(&dirty);
            let out = redact(&dirty, &f, &pseudonym);
            assert!(!out.mapping.is_empty());
        });
    });
    g.finish();

    let names = PiiScanner::new().with(PiiCategory::PersonName, true);
    let only_names = PiiScanner::only(&[PiiCategory::PersonName]);
    let named = support_prompt(PROSE, 4096, |i| (i % 7 == 6).then_some(NAME_LINE));
    assert!(names.scan(&clean).is_empty(), "{:?}", names.scan(&clean));
    let n_named = names.scan(&named).len();
    assert!(n_named >= 1, "{n_named}");
    let eval = eval_texts();
    let eval_bytes: usize = eval.iter().map(String::len).sum();
    eprintln!(
        "names: {n_named} findings in the named prompt; eval set {} texts, {eval_bytes} bytes",
        eval.len()
    );
    let mut g = c.benchmark_group("guard_pii_names");
    g.throughput(Throughput::Bytes(clean.len() as u64));
    g.bench_function("pii_with_names/clean_4k", |b| {
        b.iter(|| assert!(names.scan(&clean).is_empty()));
    });
    g.bench_function("names_only/clean_4k", |b| {
        b.iter(|| assert!(only_names.scan(&clean).is_empty()));
    });
    g.throughput(Throughput::Bytes(named.len() as u64));
    g.bench_function("pii_with_names/named_4k", |b| {
        b.iter(|| assert_eq!(names.scan(&named).len(), n_named));
    });
    g.throughput(Throughput::Bytes(eval_bytes as u64));
    g.bench_function("names_only/eval_set", |b| {
        b.iter(|| eval.iter().map(|t| only_names.scan(t).len()).sum::<usize>());
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
