//! The tool loop's overhead per step: the ~1 KB payload through `ToolLoop::run` with a no-op
//! typed tool called in 1 and 4 steps (each step = one model turn that calls the tool, its
//! execution with the `execute_tool` span, the result appended), against one plain
//! `client.chat` turn on the same scripted model. After the criterion groups the bench prints
//! the derived figure: (loop with N steps − (N + 1) plain turns) ÷ N.
//!
//! `cargo bench --bench tool_loop`; figures in docs/tools.md.
// A bench that cannot set up must stop loudly; asserts inside the timed closures keep a broken
// path from looking fast.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs,
    dead_code
)]

#[path = "common/payload.rs"]
mod payload;

use std::time::{Duration, Instant};

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use llmops::provider::scripted::Step;
use llmops::{
    ChatRequest, ChatResponse, Client, Role, ScriptedProvider, ToolCall, ToolCx, ToolLoop, Toolbox,
    tool_fn,
};
use payload::{Count, REPLY, request};

#[derive(serde::Deserialize, schemars::JsonSchema)]
struct NoArgs {}

/// A model that calls `noop` until it has seen `steps` tool results, then answers.
fn client(steps: usize) -> Client {
    let call = ChatResponse::new("").with_tool_calls(vec![ToolCall::new("call_1", "noop", "{}")]);
    let p = ScriptedProvider::new().responder(move |req| {
        let seen = req.messages.iter().filter(|m| m.role == Role::Tool).count();
        Some(Step::Reply(if seen < steps {
            call.clone()
        } else {
            ChatResponse::new(REPLY)
        }))
    });
    Client::builder()
        .provider(p)
        .observer(Count::default())
        .build()
        .expect("client")
}

fn tool_loop() -> ToolLoop {
    let noop = tool_fn("noop", "Does nothing", |_: NoArgs, _cx: ToolCx| async {
        Ok("ok")
    })
    .expect("tool");
    ToolLoop::new(Toolbox::new().with(noop).expect("toolbox")).max_steps(16)
}

async fn run_loop(cl: &Client, l: &ToolLoop, req: ChatRequest, steps: u32) {
    let out = l.run(cl, req).await.expect("loop");
    assert!(out.is_answered());
    assert_eq!(out.steps, steps + 1);
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let req = request();
    let l = tool_loop();

    let mut g = c.benchmark_group("tool_loop");
    let plain = client(0);
    g.bench_function(BenchmarkId::new("chat", "1_turn"), |b| {
        b.to_async(&rt).iter(|| {
            let cl = plain.clone();
            let req = req.clone();
            async move {
                let r = cl.chat(req).await.expect("reply");
                assert_eq!(r.text(), REPLY);
            }
        })
    });
    for steps in [1u32, 4] {
        let cl = client(steps as usize);
        g.bench_function(BenchmarkId::new("loop", format!("{steps}_steps")), |b| {
            b.to_async(&rt)
                .iter(|| run_loop(&cl, &l, req.clone(), steps))
        });
    }
    g.finish();

    // the derived figure, measured side by side in one run (not under `cargo test --benches`,
    // which runs each benchmark once to check it works)
    if !std::env::args().any(|a| a == "--bench") {
        return;
    }
    let n = 2000u32;
    let time = |f: &dyn Fn() -> Duration| (0..3).map(|_| f()).min().unwrap_or_default();
    let turn = time(&|| {
        rt.block_on(async {
            let t0 = Instant::now();
            for _ in 0..n {
                plain.chat(req.clone()).await.expect("reply");
            }
            t0.elapsed() / n
        })
    });
    for steps in [1u32, 4] {
        let cl = client(steps as usize);
        let run = time(&|| {
            rt.block_on(async {
                let t0 = Instant::now();
                for _ in 0..n {
                    run_loop(&cl, &l, req.clone(), steps).await;
                }
                t0.elapsed() / n
            })
        });
        let per_step = run.saturating_sub(turn * (steps + 1)) / steps;
        println!(
            "tool_loop: {steps} step(s) {run:?}, plain turn {turn:?}: loop overhead per step {per_step:?}"
        );
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
