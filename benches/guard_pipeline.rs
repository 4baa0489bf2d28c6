//! The guard pipeline: a 4 KB request (support-chat prose; clean, and with personal data)
//! through a client whose guard stage runs the PII detector (`GuardSet` with a `PiiGuard`),
//! against the same client without a guard stage; and the output tap on a streamed 4 KB answer
//! in 20-byte chunks, alone (`tap/…`, bytes of answer per second) and through a client stream.
//!
//! `cargo bench --bench guard_pipeline --features llmops/guard`; figures in docs/benchmarks.md.
// A bench that cannot set up must stop loudly; asserts inside the timed closures keep a broken
// path from looking fast.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};
use futures_util::StreamExt;
use llmops::guard::pii::{PiiGuard, PiiScanner};
use llmops::guard::pipeline::{DetectorGuard, GuardSet, GuardsExt};
use llmops::{ChatRequest, Client, ScriptedProvider, StreamEvent, StreamTap, Tap};

#[path = "common/guard_prompt.rs"]
mod guard_prompt;
use guard_prompt::{PROSE, prompt as support_prompt};

const PII: &[&str] = &[
    "You can reach me at jane.doe@example.com",
    "or call +44 20 7946 0958 in the afternoon.",
    "the refund can go to DE89 3704 0044 0532 0130 00,",
];

fn text(with_pii: bool) -> String {
    support_prompt(PROSE, 4096, |i| {
        (with_pii && i % 4 == 1).then(|| PII[(i / 4) % PII.len()])
    })
}

fn client(guarded: bool, stream_reply: &str) -> Client {
    let b = Client::builder().provider(
        ScriptedProvider::new()
            .repeat(stream_reply)
            .chunks(stream_reply.len().div_ceil(20)),
    );
    let b = if guarded {
        b.guards(GuardSet::new().guard(PiiGuard::new()))
    } else {
        b
    };
    b.build().expect("client")
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let clean = text(false);
    let dirty = text(true);
    assert!(PiiScanner::new().scan(&clean).is_empty());
    let n_dirty = PiiScanner::new().scan(&dirty).len();
    assert!(n_dirty >= 3, "{n_dirty}");
    eprintln!("guard_pipeline: request 4096 bytes, {n_dirty} findings in the dirty one");

    let mut g = c.benchmark_group("guard_pipeline/request_4k");
    g.throughput(Throughput::Bytes(4096));
    for (label, guarded) in [("no_guard", false), ("pii_guard", true)] {
        let cl = client(guarded, "Thanks, noted.");
        for (kind, body) in [("clean", &clean), ("pii", &dirty)] {
            let req = ChatRequest::new("scripted/m").user(body.as_str());
            g.bench_function(BenchmarkId::new(label, kind), |b| {
                b.to_async(&rt).iter(|| {
                    let cl = cl.clone();
                    let req = req.clone();
                    async move {
                        let r = cl.chat(req).await.expect("reply");
                        assert_eq!(r.text(), "Thanks, noted.");
                        assert_eq!(
                            r.meta.guard_findings.len(),
                            usize::from(guarded && kind == "pii")
                        );
                    }
                })
            });
        }
    }
    g.finish();

    // the tap alone: 4 KB of answer in 20-byte deltas, then the drain at the end
    let answer = text(true);
    let chunks: Vec<String> = answer
        .as_bytes()
        .chunks(20)
        .map(|c| String::from_utf8(c.to_vec()).expect("ascii"))
        .collect();
    let guard = DetectorGuard::new("pii", PiiScanner::new());
    let mut g = c.benchmark_group("guard_pipeline/stream_4k_20b");
    g.throughput(Throughput::Bytes(answer.len() as u64));
    g.bench_function("tap/pii", |b| {
        b.iter(|| {
            let mut tap = guard.output_tap();
            let mut out = 0usize;
            for c in &chunks {
                let mut ev = StreamEvent::delta(c.clone());
                assert_eq!(tap.on_event(&mut ev), Tap::Pass);
                if let StreamEvent::Delta { text } = ev {
                    out += text.len();
                }
            }
            for ev in tap.drain() {
                if let StreamEvent::Delta { text } = ev {
                    out += text.len();
                }
            }
            assert!(out > 3000);
        })
    });
    g.bench_function("tap/copy_only", |b| {
        // the floor: the same deltas cloned and walked without scanning
        b.iter(|| {
            let mut out = 0usize;
            for c in &chunks {
                let ev = StreamEvent::delta(c.clone());
                if let StreamEvent::Delta { text } = ev {
                    out += text.len();
                }
            }
            assert_eq!(out, answer.len());
        })
    });
    for (label, guarded) in [("no_guard", false), ("pii_guard", true)] {
        let cl = client(guarded, &answer);
        let req = ChatRequest::new("scripted/m").user("Where is my parcel?");
        g.bench_function(BenchmarkId::new("client", label), |b| {
            b.to_async(&rt).iter(|| {
                let cl = cl.clone();
                let req = req.clone();
                async move {
                    let mut s = cl.chat_stream(req).await.expect("stream");
                    let mut n = 0usize;
                    while let Some(ev) = s.next().await {
                        if let StreamEvent::Delta { text } = ev.expect("event") {
                            n += text.len();
                        }
                    }
                    assert!(n > 3000);
                }
            })
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(30);
    targets = bench
}
criterion_main!(benches);
