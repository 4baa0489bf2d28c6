//! [`CrossEncoderReranker`]: a cross-encoder ONNX model (query and passage read together)
//! run through fastembed's `TextRerank` on ONNX Runtime, from local files only.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use fastembed::{
    OnnxSource, RerankInitOptionsUserDefined, RerankResult, TextRerank, UserDefinedRerankingModel,
};

use crate::embed::model::{self, INSTALL_CROSS_ENCODER};
use crate::embed::runtime;
use crate::rerank::Reranker;
use crate::store::Scored;
use crate::{ModelFiles, RagError, Result, RuntimeOptions};

/// A cross-encoder reranker (ms-marco-MiniLM-L-6-v2, bge-reranker-base ... exported to ONNX
/// with a `logits` output) implementing [`Reranker`].
///
/// Each candidate's text is read together with the query; the candidate's score becomes the
/// model's logit (higher is more relevant; unbounded, apply a sigmoid for 0..1) and the
/// candidates come back best first. Texts are truncated at
/// [`max_length`](Self::max_length) tokens for query and passage together (the model's own
/// length by default; see [`crate::LocalEmbedder`] for the rule).
///
/// Built like [`crate::LocalEmbedder`]: local files only, ONNX Runtime loaded once per
/// process, a missing or broken file a [`RagError::Model`] naming it, a missing runtime a
/// [`RagError::Runtime`]; a model without a `logits` output (an embedding model, say) is
/// refused at build time. Inference runs on Tokio's blocking pool, one call at a time per
/// reranker.
///
/// No PyPI package shipping a cross-encoder in ONNX was found, so unlike the embedder this
/// reranker is not exercised on a real model in CI (docs/rag-embeddings.md).
///
/// ```no_run
/// use llmops_rag::{CrossEncoderReranker, ModelFiles, Reranker, RuntimeOptions};
/// # async fn demo(candidates: Vec<llmops_rag::Scored>) -> llmops_rag::Result<()> {
/// let reranker = CrossEncoderReranker::builder(
///     ModelFiles::in_dir("/models/ms-marco-MiniLM-L-6-v2-onnx"),
///     RuntimeOptions::from_env()?,
/// )
/// .with_name("ms-marco-MiniLM-L-6-v2")
/// .build()?;
/// let best_first = reranker.rerank("how do I get a refund?", candidates).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct CrossEncoderReranker {
    model: Arc<Mutex<TextRerank>>,
    name: String,
    max_length: usize,
    batch_size: usize,
    onnx: PathBuf,
}

/// Builds a [`CrossEncoderReranker`]; see [`CrossEncoderReranker::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct CrossEncoderRerankerBuilder {
    files: ModelFiles,
    runtime: RuntimeOptions,
    name: Option<String>,
    max_length: Option<usize>,
    batch_size: usize,
}

impl CrossEncoderRerankerBuilder {
    /// The name in records and spans, `cross-encoder/<name>@<12 hex of the ONNX file's
    /// SHA-256>` (default name: the ONNX file's stem, or its directory's name for
    /// `model.onnx`).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Truncate query + passage at `tokens` tokens (1 up to the model's limit).
    pub fn with_max_length(mut self, tokens: usize) -> Self {
        self.max_length = Some(tokens);
        self
    }

    /// Pairs per inference run (default [`CrossEncoderReranker::DEFAULT_BATCH_SIZE`]).
    pub fn with_batch_size(mut self, pairs: usize) -> Self {
        self.batch_size = pairs;
        self
    }

    /// Loads the runtime (once per process) and the model, and scores a probe pair to check
    /// that it is a cross-encoder. Blocking.
    pub fn build(self) -> Result<CrossEncoderReranker> {
        if self.batch_size == 0 {
            return Err(RagError::invalid(
                "CrossEncoderReranker batch_size must be at least 1",
            ));
        }
        self.runtime.check()?;
        let files = model::read(&self.files, INSTALL_CROSS_ENCODER)?;
        let max_length = match self.max_length {
            None => files.default_max_length,
            Some(n) if (1..=files.max_length_limit).contains(&n) => n,
            Some(n) => {
                return Err(RagError::invalid(format!(
                    "max_length {n} is out of range for {}: 1 to {} tokens",
                    self.files.onnx.display(),
                    files.max_length_limit
                )));
            }
        };
        let env = runtime::environment(&self.runtime)?;
        let mut options = RerankInitOptionsUserDefined::new()
            .with_environment(env)
            .with_max_length(max_length);
        if let Some(threads) = self.runtime.intra_threads {
            options = options.with_intra_threads(threads);
        }
        let user_model =
            UserDefinedRerankingModel::new(OnnxSource::Memory(files.onnx_bytes), files.tokenizer);
        let text_rerank = TextRerank::try_new_from_user_defined(user_model, options)
            .map_err(|e| model::load_error(&self.files, &e, INSTALL_CROSS_ENCODER))?;
        let model = Mutex::new(text_rerank);
        let probe = score(&model, "probe query", &["probe passage"], 1).map_err(|e| {
            model::model_error(
                &self.files.onnx,
                format!("not a cross-encoder (it needs one `logits` value per pair): {e}"),
                INSTALL_CROSS_ENCODER,
            )
        })?;
        if probe.len() != 1 {
            return Err(model::model_error(
                &self.files.onnx,
                format!("scored 1 probe pair as {} results", probe.len()),
                INSTALL_CROSS_ENCODER,
            ));
        }
        let base = self
            .name
            .unwrap_or_else(|| model::default_name(&self.files.onnx));
        let hash = files.onnx_sha256.get(..12).unwrap_or(&files.onnx_sha256);
        Ok(CrossEncoderReranker {
            model: Arc::new(model),
            name: format!("cross-encoder/{base}@{hash}"),
            max_length,
            batch_size: self.batch_size,
            onnx: self.files.onnx,
        })
    }
}

impl CrossEncoderReranker {
    /// Default pairs per inference run.
    pub const DEFAULT_BATCH_SIZE: usize = 32;

    /// A builder for the cross-encoder in `files` on the runtime in `runtime`.
    pub fn builder(files: ModelFiles, runtime: RuntimeOptions) -> CrossEncoderRerankerBuilder {
        CrossEncoderRerankerBuilder {
            files,
            runtime,
            name: None,
            max_length: None,
            batch_size: Self::DEFAULT_BATCH_SIZE,
        }
    }

    /// The cross-encoder in `files` with the model's defaults. Blocking.
    pub fn from_files(files: ModelFiles, runtime: RuntimeOptions) -> Result<Self> {
        Self::builder(files, runtime).build()
    }

    /// Tokens per query + passage pair.
    pub fn max_length(&self) -> usize {
        self.max_length
    }

    /// The ONNX file the model was loaded from.
    pub fn onnx_path(&self) -> &Path {
        &self.onnx
    }
}

/// Scores `passages` against `query`; fastembed's results, best first. A panic inside
/// fastembed (an output of an unexpected shape) becomes an error.
fn score(
    model: &Mutex<TextRerank>,
    query: &str,
    passages: &[&str],
    batch_size: usize,
) -> Result<Vec<RerankResult>> {
    let mut model = model.lock().unwrap_or_else(PoisonError::into_inner);
    match catch_unwind(AssertUnwindSafe(|| {
        model.rerank(query, passages, false, Some(batch_size))
    })) {
        Ok(Ok(results)) => Ok(results),
        Ok(Err(e)) => Err(RagError::backend("fastembed reranker", e)),
        Err(_) => Err(RagError::backend(
            "fastembed reranker",
            "the model's output has an unexpected shape (fastembed panicked)",
        )),
    }
}

/// `candidates` reordered as `results` say, with their scores; every candidate exactly once.
fn reorder(candidates: Vec<Scored>, results: &[RerankResult]) -> Result<Vec<Scored>> {
    if results.len() != candidates.len() {
        return Err(RagError::backend(
            "fastembed reranker",
            format!(
                "{} scores for {} candidates",
                results.len(),
                candidates.len()
            ),
        ));
    }
    let mut slots: Vec<Option<Scored>> = candidates.into_iter().map(Some).collect();
    results
        .iter()
        .map(|r| {
            let mut s = slots
                .get_mut(r.index)
                .and_then(Option::take)
                .ok_or_else(|| {
                    RagError::backend(
                        "fastembed reranker",
                        format!("score for candidate {} is missing or repeated", r.index),
                    )
                })?;
            s.score = r.score;
            Ok(s)
        })
        .collect()
}

impl fmt::Debug for CrossEncoderReranker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CrossEncoderReranker")
            .field("name", &self.name)
            .field("max_length", &self.max_length)
            .field("batch_size", &self.batch_size)
            .field("onnx", &self.onnx)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl Reranker for CrossEncoderReranker {
    fn name(&self) -> &str {
        &self.name
    }

    async fn rerank(&self, query: &str, candidates: Vec<Scored>) -> Result<Vec<Scored>> {
        if candidates.is_empty() {
            return Ok(candidates);
        }
        let texts: Vec<String> = candidates.iter().map(|s| s.chunk.text.clone()).collect();
        let model = self.model.clone();
        let batch_size = self.batch_size;
        let query = query.to_owned();
        let job = move || {
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            score(&model, &query, &refs, batch_size)
        };
        let results = if tokio::runtime::Handle::try_current().is_ok() {
            tokio::task::spawn_blocking(job).await.map_err(|e| {
                RagError::backend("fastembed reranker", format!("reranking task failed: {e}"))
            })??
        } else {
            job()?
        };
        reorder(candidates, &results)
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )]

    use super::*;
    use crate::ChunkRecord;
    use crate::embed::model::tests::fake_model_dir;

    fn cand(id: &str) -> Scored {
        Scored::new(ChunkRecord::new(id, "d", "v1", id, (0, id.len())), 0.0)
    }

    fn result(index: usize, score: f32) -> RerankResult {
        RerankResult {
            document: None,
            score,
            index,
        }
    }

    #[test]
    fn reorder_follows_the_scores_and_keeps_every_candidate() {
        let out = reorder(
            vec![cand("a"), cand("b"), cand("c")],
            &[result(2, 3.0), result(0, 1.0), result(1, -2.0)],
        )
        .unwrap();
        let ids: Vec<&str> = out.iter().map(|s| s.chunk.id.as_str()).collect();
        assert_eq!(ids, ["c", "a", "b"]);
        assert_eq!(out[0].score, 3.0);
    }

    #[test]
    fn reorder_refuses_missing_repeated_or_out_of_range_indices() {
        for results in [
            vec![result(0, 1.0)],
            vec![result(0, 1.0), result(0, 0.5)],
            vec![result(0, 1.0), result(7, 0.5)],
        ] {
            let err = reorder(vec![cand("a"), cand("b")], &results).unwrap_err();
            assert!(matches!(err, RagError::Backend { .. }), "{err:?}");
        }
    }

    #[test]
    fn missing_files_and_runtime_are_typed_errors() {
        let dir = tempfile::tempdir().unwrap();
        let rt = RuntimeOptions::new(dir.path().join("no-libonnxruntime.so"));
        let err = CrossEncoderReranker::from_files(ModelFiles::in_dir(dir.path()), rt.clone())
            .unwrap_err();
        assert!(matches!(err, RagError::Model { .. }), "{err:?}");
        assert!(err.to_string().contains("logits"), "{err}");

        fake_model_dir(dir.path());
        let err = CrossEncoderReranker::from_files(ModelFiles::in_dir(dir.path()), rt.clone())
            .unwrap_err();
        assert!(matches!(err, RagError::Runtime { .. }), "{err:?}");

        for b in [
            CrossEncoderReranker::builder(ModelFiles::in_dir(dir.path()), rt.clone())
                .with_batch_size(0),
            CrossEncoderReranker::builder(ModelFiles::in_dir(dir.path()), rt.clone())
                .with_max_length(100_000),
        ] {
            assert!(matches!(b.build().unwrap_err(), RagError::Invalid(_)));
        }
    }
}
