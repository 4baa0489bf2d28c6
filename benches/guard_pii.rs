//! PII scanning: a 4 KB mixed prompt (support-chat prose with order numbers, amounts, times,
//! versions and a URL) without personal data, and the same prompt with one of each category
//! spliced in. `scan` finds, `redact` finds and replaces with typed placeholders, `pseudonym`
//! with keyed pseudonyms. Throughput is in bytes of prompt.
//!
//! `cargo bench --bench guard_pii --features llmops/guard`; figures in docs/benchmarks.md.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use llmops::guard::pii::{PiiScanner, Pseudonymizer, RedactionMode, redact};

#[path = "common/guard_prompt.rs"]
mod guard_prompt;
use guard_prompt::{PROSE, prompt as support_prompt};

const PII: &[&str] = &[
    "You can reach me at jane.doe@example.com",
    "or call +44 20 7946 0958 in the afternoon.",
    "My card ends the same as 4111 1111 1111 1111,",
    "the refund can go to DE89 3704 0044 0532 0130 00,",
    "my SSN for the customs form is 123-45-6789,",
    "I wrote from 192.168.10.20, and my date of birth is 12 March 1985.",
];

fn prompt(with_pii: bool) -> String {
    support_prompt(PROSE, 4096, |i| {
        (with_pii && i % 3 == 1).then(|| PII[(i / 3) % PII.len()])
    })
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
}

criterion_group!(benches, bench);
criterion_main!(benches);
