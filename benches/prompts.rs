//! Prompt resolution and rendering: a typical 3-message prompt (~1 KB rendered: system,
//! a few-shot assistant turn, user) resolved through a label and rendered strictly, against
//! the live `PromptStore`; a split label routed by a caller key; the mustache and jinja
//! syntaxes; and the prompt stage in the pipeline against the same request with the messages
//! already written.
//!
//! `cargo bench --bench prompts`; figures in docs/benchmarks.md (budget: resolve + render
//! under 5 µs).
// A bench that cannot set up must stop loudly; asserts inside the timed closures keep a broken
// path from looking fast.
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

#[path = "common/payload.rs"]
#[allow(dead_code)] // the stream helper serves the pipeline bench
mod payload;

use std::hint::black_box;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use llmops::prompts::PromptStore;
use llmops::{ChatRequest, Client, ScriptedProvider};
use payload::{Count, REPLY, request};
use serde_json::{Map, Value, json};

/// The same three messages as the pipeline bench's payload, as a template.
const MUSTACHE: &str = r#"---
model: scripted/bench
config: {temperature: 0.2, max_tokens: 300}
input:
  schema:
    company: string
    section: string
    order: string
    problem: string
    tone?: string
  default: {tone: calm}
---
{{role "system"}}
You are a support assistant for {{company}}. Answer briefly in a {{tone}} tone, cite the policy section ({{section}}), and never promise refunds. You are a support assistant for {{company}}. Answer briefly, cite the policy section, and never promise refunds. You are a support assistant for {{company}}. Answer briefly, cite the policy section, and never promise refunds.
{{role "assistant"}}
I am sorry to hear that. Could you share a photo of the damage and the order number? I am sorry to hear that. Could you share a photo of the damage and the order number?
{{role "user"}}
My order {{order}} arrived damaged; {{problem}} What can I do? My order {{order}} arrived damaged; {{problem}} What can I do? My order {{order}} arrived damaged; {{problem}} What can I do? My order {{order}} arrived damaged; {{problem}} What can I do?
"#;

fn vars() -> Map<String, Value> {
    let Value::Object(m) = json!({
        "company": "ACME",
        "section": "4.2",
        "order": "A-1729",
        "problem": "the box was crushed and the glass cracked.",
    }) else {
        unreachable!()
    };
    m
}

fn store() -> (tempfile::TempDir, PromptStore) {
    let dir = tempfile::tempdir().expect("tempdir");
    let p = dir.path().join("support");
    std::fs::create_dir_all(&p).expect("dir");
    std::fs::write(p.join("1.prompt"), MUSTACHE).expect("v1");
    let jinja = MUSTACHE
        .replace("---\n{{role", "template_format: jinja\n---\n{{role")
        .replace("{{tone}}", "{{ tone | default('calm') }}");
    std::fs::write(p.join("2.prompt"), jinja).expect("v2");
    std::fs::write(
        p.join("labels.yaml"),
        "production: 1\njinja: 2\ncanary:\n  split: {1: 90, 2: 10}\n",
    )
    .expect("labels");
    let store = PromptStore::open(dir.path()).expect("store");
    (dir, store)
}

fn bench(c: &mut Criterion) {
    let (_dir, store) = store();
    let vars = vars();
    let rendered = store.resolve("support").unwrap().render_map(&vars).unwrap();
    let bytes: usize = rendered.iter().map(|m| m.text().len()).sum();
    assert_eq!(rendered.len(), 3);
    // the pipeline payload's text is ~880 bytes (~1 KB as JSON)
    assert!(bytes > 850, "{bytes} bytes");

    let mut g = c.benchmark_group("prompts");
    g.bench_function("resolve/label", |b| {
        b.iter(|| black_box(store.resolve(black_box("support@production")).unwrap()))
    });
    g.bench_function("resolve/split_by_user", |b| {
        b.iter(|| {
            black_box(
                store
                    .resolve_for(black_box("support@canary"), Some(black_box("user-1729")))
                    .unwrap(),
            )
        })
    });
    for (name, reference) in [("mustache", "support"), ("jinja", "support@jinja")] {
        g.bench_function(BenchmarkId::new("resolve+render", name), |b| {
            b.iter(|| {
                let p = store
                    .resolve_for(black_box(reference), Some("user-1729"))
                    .unwrap();
                let msgs = p.render_map(black_box(&vars)).unwrap();
                assert_eq!(msgs.len(), 3);
                msgs
            })
        });
    }
    g.finish();

    // The prompt stage in the pipeline: the same ~1 KB, 3-message request, written by hand
    // (no prompt stage) and rendered from the prompt.
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let plain = Client::builder()
        .provider(ScriptedProvider::new().repeat(REPLY))
        .observer(Count::default())
        .build()
        .expect("client");
    let with_prompts = Client::builder()
        .provider(ScriptedProvider::new().repeat(REPLY))
        .observer(Count::default())
        .prompts(store.clone())
        .build()
        .expect("client");
    let written = request();
    let mut from_prompt = ChatRequest::from_prompt("support").tenant("acme");
    from_prompt.prompt.as_mut().unwrap().vars = vars.clone();
    let mut g = c.benchmark_group("prompts/pipeline");
    g.bench_function(BenchmarkId::new("client", "messages_written"), |b| {
        b.to_async(&rt).iter(|| {
            let cl = plain.clone();
            let req = written.clone();
            async move { assert!(!cl.chat(req).await.expect("reply").text().is_empty()) }
        })
    });
    g.bench_function(BenchmarkId::new("client", "prompt_stage"), |b| {
        b.to_async(&rt).iter(|| {
            let cl = with_prompts.clone();
            let req = from_prompt.clone();
            async move {
                let r = cl.chat(req).await.expect("reply");
                assert_eq!(r.meta.prompt.as_ref().map(|p| p.version), Some(1));
            }
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
