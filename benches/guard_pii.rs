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

const PROSE: &[&str] = &[
    "Hi, I ordered a pair of running shoes last week (order 4471-2209) and they have not arrived yet.",
    "The tracking page says it left the warehouse on 2024-05-03 at 14:32 but nothing since then.",
    "I paid 89.90 EUR including 4.95 shipping, and the app (version 3.12.1) shows no update.",
    "Could you check whether the parcel is stuck somewhere, or send a replacement in size 42?",
    "See https://shop.example.com/orders/4471-2209 for the details; the invoice number is 2024-000318.",
    "If a refund is easier, that is fine too, as long as it arrives before the end of the month.",
    "Thanks a lot for your help, the support team has always been quick to answer so far.",
];

const PII: &[&str] = &[
    "You can reach me at jane.doe@example.com",
    "or call +44 20 7946 0958 in the afternoon.",
    "My card ends the same as 4111 1111 1111 1111,",
    "the refund can go to DE89 3704 0044 0532 0130 00,",
    "my SSN for the customs form is 123-45-6789,",
    "I wrote from 192.168.10.20, and my date of birth is 12 March 1985.",
];

fn prompt(with_pii: bool) -> String {
    let mut s = String::new();
    let mut i = 0;
    while s.len() < 4096 {
        s.push_str(PROSE[i % PROSE.len()]);
        s.push(' ');
        if with_pii && i % 3 == 1 {
            s.push_str(PII[(i / 3) % PII.len()]);
            s.push(' ');
        }
        i += 1;
    }
    // ASCII only, so any byte is a character boundary
    s.truncate(4096);
    s
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
