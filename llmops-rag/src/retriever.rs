//! [`CollectionRetriever`]: core's [`Retriever`] over a [`Collection`]: dense, lexical or
//! hybrid, with optional reranking and MMR diversity.

use std::sync::Arc;

use llmops_core::{AccessScope, Chunk, Query, Retriever};
use tracing::Instrument;

use crate::collection::Collection;
use crate::filter::Filter;
use crate::fusion::{Fusion, mmr};
use crate::rerank::Reranker;
use crate::store::Scored;
use crate::{RagError, Result};

/// How a [`CollectionRetriever`] finds candidates.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Mode {
    /// Nearest vectors.
    Dense,
    /// BM25.
    Lexical,
    /// Both, fused.
    Hybrid(Fusion),
}

/// A retriever over a collection. Build it with [`Collection::dense`], [`Collection::lexical`]
/// or [`Collection::hybrid`].
///
/// ```
/// use std::sync::Arc;
/// use llmops_core::{AccessScope, HashingEmbedder, Query, Retriever};
/// use llmops_rag::{Collection, Document, Fusion};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let kb = Arc::new(Collection::builder().embedder(Arc::new(HashingEmbedder::new(256))).build()?);
/// kb.upsert(Document::new("a", "Refunds take five days.")).await?;
/// kb.upsert(Document::new("b", "Invoices are emailed monthly.")).await?;
/// let r = kb.hybrid(Fusion::rrf()).candidates(20);
/// let got = r.retrieve(&Query::new("refund days", 1), &AccessScope::default()).await?;
/// assert_eq!(got[0].doc_id, "a");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct CollectionRetriever {
    collection: Arc<Collection>,
    mode: Mode,
    name: String,
    candidates: usize,
    reranker: Option<Arc<dyn Reranker>>,
    mmr: Option<f32>,
}

impl std::fmt::Debug for CollectionRetriever {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CollectionRetriever")
            .field("name", &self.name)
            .field("mode", &self.mode)
            .field("candidates", &self.candidates)
            .field("mmr", &self.mmr)
            .finish_non_exhaustive()
    }
}

impl Collection {
    /// A dense (vector) retriever.
    pub fn dense(self: &Arc<Self>) -> CollectionRetriever {
        CollectionRetriever::new(self.clone(), Mode::Dense)
    }

    /// A lexical (BM25) retriever.
    pub fn lexical(self: &Arc<Self>) -> CollectionRetriever {
        CollectionRetriever::new(self.clone(), Mode::Lexical)
    }

    /// A hybrid retriever fusing dense and lexical rankings (dense is the first list for
    /// [`Fusion::Weighted`]).
    pub fn hybrid(self: &Arc<Self>, fusion: Fusion) -> CollectionRetriever {
        CollectionRetriever::new(self.clone(), Mode::Hybrid(fusion))
    }
}

impl CollectionRetriever {
    /// A retriever in `mode`.
    pub fn new(collection: Arc<Collection>, mode: Mode) -> Self {
        let name = match mode {
            Mode::Dense => "dense".to_owned(),
            Mode::Lexical => "bm25".to_owned(),
            Mode::Hybrid(Fusion::Rrf { .. }) => "hybrid-rrf".to_owned(),
            Mode::Hybrid(Fusion::Weighted { .. }) => "hybrid-weighted".to_owned(),
        };
        CollectionRetriever {
            collection,
            mode,
            name,
            candidates: 50,
            reranker: None,
            mmr: None,
        }
    }

    /// How many candidates each first stage fetches before fusion, reranking and MMR
    /// (default 50; never fewer than the query's `top_k`).
    #[must_use]
    pub fn candidates(mut self, n: usize) -> Self {
        self.candidates = n;
        self
    }

    /// Reranks the candidates with `r`.
    #[must_use]
    pub fn rerank(mut self, r: Arc<dyn Reranker>) -> Self {
        self.name = format!("{}+{}", self.name, r.name());
        self.reranker = Some(r);
        self
    }

    /// Diversifies the final `top_k` with MMR (λ in 0..=1; 1 = relevance only). Needs the
    /// collection's embedder.
    #[must_use]
    pub fn mmr(mut self, lambda: f32) -> Self {
        self.name = format!("{}+mmr", self.name);
        self.mmr = Some(lambda);
        self
    }

    /// Sets the name recorded in spans and records.
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// The scored candidates for `q` (best first, at most `q.top_k`).
    pub async fn search(&self, q: &Query, scope: &AccessScope) -> Result<Vec<Scored>> {
        let filter = Filter::from_query(q, scope);
        let k = q.top_k;
        if k == 0 {
            return Ok(Vec::new());
        }
        let wide = self.reranker.is_some() || self.mmr.is_some();
        let n = if wide || matches!(self.mode, Mode::Hybrid(_)) {
            self.candidates.max(k)
        } else {
            k
        };
        let c = &self.collection;
        let mut found = match self.mode {
            Mode::Dense => c.search_dense(&q.text, n, &filter).await?,
            Mode::Lexical => c.search_lexical_filtered(&q.text, n, &filter)?,
            Mode::Hybrid(f) => {
                let dense = c.search_dense(&q.text, n, &filter).await?;
                let lexical = c.search_lexical_filtered(&q.text, n, &filter)?;
                f.fuse(&[dense, lexical], n)?
            }
        };
        if let Some(r) = &self.reranker {
            found = r.rerank(&q.text, found).await?;
        }
        if let Some(lambda) = self.mmr {
            let e = c
                .embedder()
                .ok_or_else(|| RagError::invalid("MMR needs a collection with an embedder"))?;
            let mut texts: Vec<&str> = vec![q.text.as_str()];
            texts.extend(found.iter().map(|s| s.chunk.text.as_str()));
            let mut vecs = e.embed(&texts).await?.into_iter();
            let qv = vecs
                .next()
                .ok_or_else(|| RagError::backend(e.id(), "returned no vector"))?;
            let vecs: Vec<Vec<f32>> = vecs.map(normalised).collect();
            found = mmr(&normalised(qv), found, &vecs, k, lambda)?;
        }
        found.truncate(k);
        Ok(found)
    }
}

fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
    v
}

#[async_trait::async_trait]
impl Retriever for CollectionRetriever {
    fn name(&self) -> &str {
        &self.name
    }

    async fn retrieve(&self, q: &Query, scope: &AccessScope) -> llmops_core::Result<Vec<Chunk>> {
        let span = tracing::debug_span!(target: "llmops", "retrieve", otel.name = "retrieve", retriever = %self.name, top_k = q.top_k as i64);
        let found = self.search(q, scope).instrument(span).await?;
        Ok(found.iter().map(|s| s.chunk.to_chunk(s.score)).collect())
    }
}
