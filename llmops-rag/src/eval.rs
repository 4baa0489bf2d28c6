//! Scoring retrievers on a labelled set: index a [`BeirDataset`] once, run each retriever
//! over its queries, and report the metrics side by side (what `llmops rag eval` prints).

use std::collections::BTreeMap;
use std::sync::Arc;

use llmops_core::{AccessScope, Embedder, Query, Retriever};
use serde::{Deserialize, Serialize};

use crate::beir::BeirDataset;
use crate::chunk::Chunker;
use crate::collection::Collection;
use crate::fusion::Fusion;
use crate::metrics::{
    DEFAULT_METRICS, EvalOptions, MAP_DEPTH, MetricName, Report, Run, doc_ranking, evaluate,
};
use crate::{RagError, Result};

/// A retriever `llmops rag eval` can score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum RetrieverKind {
    /// BM25 (`bm25`).
    Bm25,
    /// Vector search with the local embedder (`dense`).
    Dense,
    /// Dense + BM25 by reciprocal rank fusion (`hybrid`).
    Hybrid,
    /// Dense + BM25 by weighted min-max scores, 0.5 each (`hybrid-weighted`).
    HybridWeighted,
}

impl RetrieverKind {
    /// Every kind, in report order.
    pub const ALL: [RetrieverKind; 4] = [
        RetrieverKind::Bm25,
        RetrieverKind::Dense,
        RetrieverKind::Hybrid,
        RetrieverKind::HybridWeighted,
    ];

    /// The name used on the command line and in reports.
    pub fn name(self) -> &'static str {
        match self {
            RetrieverKind::Bm25 => "bm25",
            RetrieverKind::Dense => "dense",
            RetrieverKind::Hybrid => "hybrid",
            RetrieverKind::HybridWeighted => "hybrid-weighted",
        }
    }

    /// Whether it needs an embedder.
    pub fn needs_embedder(self) -> bool {
        !matches!(self, RetrieverKind::Bm25)
    }
}

impl std::str::FromStr for RetrieverKind {
    type Err = RagError;
    fn from_str(s: &str) -> Result<Self> {
        RetrieverKind::ALL
            .into_iter()
            .find(|k| k.name() == s.trim())
            .ok_or_else(|| {
                RagError::invalid(format!(
                    "unknown retriever `{s}` (known: bm25, dense, hybrid, hybrid-weighted)"
                ))
            })
    }
}

/// What to score and how.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct EvalPlan {
    /// The retrievers, in report order.
    pub retrievers: Vec<RetrieverKind>,
    /// The metrics (default: `map`, `ndcg@10`, `recall@100`, `mrr@10`, `p@10`).
    pub metrics: Vec<MetricName>,
    /// How many documents each query retrieves (default: the deepest metric's cutoff, 1,000
    /// with `map`).
    pub depth: Option<usize>,
    /// Conventions (default: [`EvalOptions::beir`]).
    pub options: EvalOptions,
    /// Who searches (default: no tenant, no principal: public documents only).
    pub scope: AccessScope,
}

impl Default for EvalPlan {
    fn default() -> Self {
        EvalPlan {
            retrievers: vec![
                RetrieverKind::Bm25,
                RetrieverKind::Dense,
                RetrieverKind::Hybrid,
            ],
            metrics: DEFAULT_METRICS.to_vec(),
            depth: None,
            options: EvalOptions::beir(),
            scope: AccessScope::default(),
        }
    }
}

/// Scores side by side.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EvalOutcome {
    /// Retriever name → its report.
    pub reports: BTreeMap<String, Report>,
    /// Retriever name → why it was not scored (model or runtime missing ...).
    pub skipped: BTreeMap<String, String>,
    /// The chunker.
    pub chunker: String,
    /// Documents indexed.
    pub documents: usize,
    /// Chunks indexed.
    pub chunks: usize,
    /// Queries run.
    pub queries: usize,
}

/// Runs `retriever` on every query and turns its chunk rankings into document rankings.
pub async fn run_retriever(
    retriever: &dyn Retriever,
    queries: &BTreeMap<String, String>,
    depth: usize,
    scope: &AccessScope,
) -> Result<Run> {
    let mut run = Run::new();
    for (qid, text) in queries {
        let chunks = retriever
            .retrieve(&Query::new(text.clone(), depth), scope)
            .await
            .map_err(RagError::from)?;
        run.insert(qid.clone(), doc_ranking(&chunks))?;
    }
    Ok(run)
}

/// Indexes `dataset` with `chunker` (and `embedder` when available; `Err(reason)` marks the
/// retrievers that need it as skipped) and scores the plan's retrievers.
pub async fn evaluate_dataset(
    dataset: &BeirDataset,
    chunker: Arc<dyn Chunker>,
    embedder: std::result::Result<Arc<dyn Embedder>, String>,
    plan: &EvalPlan,
) -> Result<EvalOutcome> {
    let chunker_name = chunker.name().to_owned();
    let mut builder = Collection::builder().chunker_arc(chunker);
    let mut skipped = BTreeMap::new();
    match &embedder {
        Ok(e) if plan.retrievers.iter().any(|r| r.needs_embedder()) => {
            builder = builder.embedder(e.clone());
        }
        Ok(_) => {}
        Err(reason) => {
            for r in plan.retrievers.iter().filter(|r| r.needs_embedder()) {
                skipped.insert(r.name().to_owned(), reason.clone());
            }
        }
    }
    let kb = Arc::new(builder.build()?);
    let report = kb.upsert_all(dataset.corpus.clone()).await?;
    let depth = plan.depth.unwrap_or_else(|| {
        plan.metrics
            .iter()
            .map(MetricName::cutoff)
            .max()
            .unwrap_or(MAP_DEPTH)
    });
    let mut reports = BTreeMap::new();
    for kind in &plan.retrievers {
        if skipped.contains_key(kind.name()) {
            continue;
        }
        let r = match kind {
            RetrieverKind::Bm25 => kb.lexical(),
            RetrieverKind::Dense => kb.dense(),
            RetrieverKind::Hybrid => kb.hybrid(Fusion::rrf()).candidates(depth),
            RetrieverKind::HybridWeighted => kb.hybrid(Fusion::weighted(0.5)).candidates(depth),
        };
        let run = run_retriever(&r, &dataset.queries, depth, &plan.scope).await?;
        let rep = evaluate(&dataset.qrels, &run, &plan.metrics, &plan.options)?;
        reports.insert(kind.name().to_owned(), rep);
    }
    Ok(EvalOutcome {
        reports,
        skipped,
        chunker: chunker_name,
        documents: kb.documents()?.len(),
        chunks: report.chunks,
        queries: dataset.queries.len(),
    })
}
