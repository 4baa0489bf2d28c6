//! Deterministic evaluators over 10,000 cases: every deterministic and JSON assertion type
//! (text matching, regex, length/word/token bounds, latency, cost, is-json with and without a
//! schema, contains-json, json-path) compiled once, then run on 10,000 generated ~500-character
//! support-assistant outputs (a quarter pure JSON, a quarter with a JSON object inside the
//! text). `all` runs every assertion on every case; `type/<name>` runs one type over the
//! 10,000 outputs.
//!
//! `cargo bench --bench eval_deterministic --features eval`; figures in docs/benchmarks.md.
//! Under `cargo test --benches` (no `--bench` argument) it runs on 300 cases.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::time::Duration;

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use futures_util::FutureExt;
use llmops::eval::{Assertion, AssertionSpec, BuildContext, Registry};
use llmops::{Cost, EvalCase, EvalOutput, Money, Usage};
use serde_json::json;

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
}

const SENTENCES: &[&str] = &[
    "You can return any item within 30 days of delivery for a full refund.",
    "Start the return from Orders, then choose Return item next to the product.",
    "We email a prepaid shipping label within a few minutes.",
    "Refunds go back to the original payment method once the parcel reaches our warehouse.",
    "Items marked final sale cannot be returned, but they can be exchanged for store credit.",
    "If the item arrived damaged, attach a photo so we can send a replacement first.",
    "Gift cards are not refundable and do not expire.",
    "Express shipping fees are refunded only when the delay was our fault.",
    "Sorry, I cannot see your order history from here; please sign in first.",
    "Most refunds appear on your statement within 5 to 10 business days.",
    "For orders shipped outside the EU, customs charges are not refundable.",
    "You can change the delivery address until the order leaves the warehouse.",
];

const STATUSES: &[&str] = &["refunded", "open", "in_transit", "closed"];

fn prose(rng: &mut Rng, min_chars: usize) -> String {
    let mut s = String::new();
    while s.len() < min_chars {
        if !s.is_empty() {
            s.push(' ');
        }
        s.push_str(SENTENCES[rng.below(SENTENCES.len())]);
    }
    s
}

/// `n` outputs of ~500 characters with the metadata a client fills in.
fn outputs(n: usize) -> Vec<EvalOutput> {
    let mut rng = Rng(7);
    (0..n)
        .map(|i| {
            let order = 100_000 + rng.below(900_000);
            let status = STATUSES[rng.below(STATUSES.len())];
            let text = match i % 4 {
                0 => json!({
                    "answer": prose(&mut rng, 380),
                    "order": order,
                    "status": status,
                    "confidence": 0.9,
                })
                .to_string(),
                1 => format!(
                    "{} Here is the summary: {{\"order\": {order}, \"status\": \"{status}\"}} {}",
                    prose(&mut rng, 200),
                    prose(&mut rng, 200)
                ),
                _ => prose(&mut rng, 480),
            };
            let mut out = EvalOutput::text(text);
            out.meta.latency = Duration::from_millis(200 + rng.below(2000) as u64);
            out.meta.cost = Cost::Known(Money::from_micros(500 + rng.below(20_000) as i64));
            out.usage = Usage::new(300 + rng.below(200) as u64, 100 + rng.below(100) as u64);
            out
        })
        .collect()
}

/// One assertion of every deterministic type (`token-count` when the `tokens` feature is on).
fn specs() -> Vec<AssertionSpec> {
    let schema = json!({
        "type": "object",
        "properties": {"order": {"type": "integer"}, "status": {"enum": STATUSES}},
        "required": ["order", "status"]
    });
    let mut v = vec![
        AssertionSpec::new("equals", "You can return any item within 30 days."),
        AssertionSpec::new("equals", json!({"order": 1, "status": "open"})),
        AssertionSpec::new("contains", "30 days"),
        AssertionSpec::new("icontains", "REFUND"),
        AssertionSpec::new("contains-any", json!(["prepaid", "label", "store credit"])),
        AssertionSpec::new("contains-all", "refund, warehouse"),
        AssertionSpec::new("icontains-any", json!(["SORRY", "CANNOT"])),
        AssertionSpec::new("icontains-all", json!(["RETURN", "ORDER", "DAYS"])),
        AssertionSpec::new("regex", r"\b\d{1,2} (business )?days\b"),
        AssertionSpec::new("starts-with", "You can"),
        AssertionSpec::new("ends-with", "."),
        AssertionSpec::new("length", json!({"min": 300, "max": 800})),
        AssertionSpec::new("character-count", json!({"max": 600})),
        AssertionSpec::new("word-count", json!({"min": 50, "max": 150})),
        AssertionSpec::new("tokens-used", json!({"max": 550})),
        AssertionSpec::of("latency").threshold(1500.0),
        AssertionSpec::of("cost").threshold(0.01),
        AssertionSpec::of("is-json"),
        AssertionSpec::new("is-json", schema.clone()),
        AssertionSpec::new("contains-json", schema),
        AssertionSpec::new(
            "json-path",
            json!({"path": "$.status", "equals": "refunded"}),
        ),
        AssertionSpec::new("not-icontains", "as an ai"),
    ];
    if cfg!(feature = "tokens") {
        v.push(AssertionSpec::new("token-count", json!({"max": 150})));
    }
    v
}

fn context() -> BuildContext {
    #[cfg(feature = "tokens")]
    {
        let t = llmops::Tiktoken::new(llmops::Encoding::O200kBase);
        BuildContext::new().tokens(std::sync::Arc::new(t))
    }
    #[cfg(not(feature = "tokens"))]
    BuildContext::new()
}

/// Runs `assertions` on every output; returns how many passed.
fn run(assertions: &[Assertion], outs: &[EvalOutput]) -> usize {
    let case = EvalCase::default();
    let mut passed = 0;
    for out in outs {
        for a in assertions {
            let s = a
                .evaluate(&case, out)
                .now_or_never()
                .expect("deterministic evaluators do not wait")
                .expect("every output is judged");
            passed += usize::from(s.pass);
        }
    }
    passed
}

fn bench(c: &mut Criterion) {
    let n = if std::env::args().any(|a| a == "--bench") {
        10_000
    } else {
        300
    };
    let outs = outputs(n);
    let reg = Registry::builtin(context());
    let assertions: Vec<Assertion> = specs()
        .iter()
        .map(|s| reg.compile(s).expect("compiles"))
        .collect();
    let mean_chars = outs.iter().map(|o| o.text.chars().count()).sum::<usize>() / n;
    eprintln!(
        "{n} cases, {} assertions each, mean output {mean_chars} chars",
        assertions.len()
    );

    let mut g = c.benchmark_group("eval_deterministic");
    g.sample_size(10);
    g.throughput(Throughput::Elements(n as u64));
    let expected = run(&assertions, &outs);
    assert!(expected > 0 && expected < n * assertions.len());
    g.bench_function("all", |b| {
        b.iter(|| assert_eq!(run(&assertions, &outs), expected));
    });
    for a in &assertions {
        let one = std::slice::from_ref(a);
        let expected = run(one, &outs);
        let id = match a.spec.kind.as_str() {
            "equals" | "is-json" if a.spec.value.as_ref().is_some_and(|v| v.is_object()) => {
                format!("{}+object", a.spec.kind)
            }
            k => k.to_owned(),
        };
        g.bench_with_input(BenchmarkId::new("type", id), one, |b, one| {
            b.iter(|| assert_eq!(run(one, &outs), expected));
        });
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
