//! Token counting: exact counts of 1 KiB / 4 KiB / 64 KiB of English prose, Rust code and
//! multilingual text (the texts of `scripts/peers/tiktoken/texts/`, shared with the Python
//! tiktoken peer), with `bpe-openai` (what `Tiktoken` counts with) and `tiktoken-rs`; then
//! whole-request counting and the tokenizer-free upper bound of a 3-message ~1 KB request.
//!
//! `cargo bench --bench tokens --features tokens -- --warm-up-time 1 --measurement-time 3`;
//! `python3 scripts/peers/tiktoken/speed.py` runs this bench and Python tiktoken side by
//! side. Figures in docs/benchmarks.md ("Token counting").
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use llmops::{ChatRequest, Encoding, Tiktoken, TokenCounter};

const TEXTS: [(&str, &str); 3] = [
    (
        "prose",
        include_str!("../scripts/peers/tiktoken/texts/prose.txt"),
    ),
    (
        "code",
        include_str!("../scripts/peers/tiktoken/texts/code.txt"),
    ),
    (
        "multilingual",
        include_str!("../scripts/peers/tiktoken/texts/multilingual.txt"),
    ),
];
const SIZES: [(&str, usize); 3] = [("1KiB", 1024), ("4KiB", 4096), ("64KiB", 65536)];

/// The longest prefix of at most `n` bytes that ends on a character boundary (speed.py cuts
/// the same way).
fn prefix(s: &str, n: usize) -> &str {
    let mut end = n.min(s.len());
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn count(c: &mut Criterion) {
    for (encoding, enc) in [
        ("o200k", Encoding::O200kBase),
        ("cl100k", Encoding::Cl100kBase),
    ] {
        let ours = Tiktoken::new(enc);
        let reference = match enc {
            Encoding::Cl100kBase => tiktoken_rs::cl100k_base_singleton(),
            _ => tiktoken_rs::o200k_base_singleton(),
        };
        let mut g = c.benchmark_group(format!("count/{encoding}"));
        for (kind, text) in TEXTS {
            for (size, n) in SIZES {
                let t = prefix(text, n);
                let expected = reference.encode_ordinary(t).len();
                assert_eq!(ours.count(t), expected, "{kind}/{size}");
                g.throughput(Throughput::Bytes(t.len() as u64));
                let id = format!("{kind}/{size}");
                g.bench_with_input(BenchmarkId::new("bpe-openai", &id), t, |b, t| {
                    b.iter(|| {
                        let n = ours.count(black_box(t));
                        assert_eq!(n, expected);
                        n
                    })
                });
                g.bench_with_input(BenchmarkId::new("tiktoken-rs", &id), t, |b, t| {
                    b.iter(|| {
                        let n = reference.encode_ordinary(black_box(t)).len();
                        assert_eq!(n, expected);
                        n
                    })
                });
            }
        }
        g.finish();
    }
}

/// The architecture's payload: a 3-message request of ~1 KB.
fn request() -> ChatRequest {
    let prose = TEXTS[0].1;
    ChatRequest::new("gpt-4o")
        .system(prefix(prose, 300))
        .user(prefix(&prose[400..], 400))
        .assistant(prefix(&prose[900..], 300))
        .max_tokens(200)
}

fn whole_request(c: &mut Criterion) {
    let small = request();
    let big = ChatRequest::new("gpt-4o")
        .system(TEXTS[0].1)
        .user(TEXTS[1].1)
        .user(TEXTS[2].1);
    let mut g = c.benchmark_group("request");
    for (name, req) in [("3msg-1KB", &small), ("3msg-192KB", &big)] {
        let exact = req.count_tokens().tokens;
        let bound = req.token_upper_bound().input_tokens;
        assert!(bound >= exact);
        g.bench_with_input(BenchmarkId::new("count_tokens", name), req, |b, r| {
            b.iter(|| {
                let n = black_box(r).count_tokens().tokens;
                assert_eq!(n, exact);
                n
            })
        });
        g.bench_with_input(BenchmarkId::new("token_upper_bound", name), req, |b, r| {
            b.iter(|| {
                let n = black_box(r).token_upper_bound().input_tokens;
                assert_eq!(n, bound);
                n
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default();
    targets = count, whole_request
}
criterion_main!(benches);
