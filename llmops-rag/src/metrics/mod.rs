//! Retrieval metrics over a labelled set: recall@k, precision@k, MRR@k, nDCG@k, MAP and hit
//! rate, computed as trec_eval (and so pytrec_eval and BEIR) computes them.
//!
//! - [`Qrels`]: the judgments (query → document → grade); [`Run`]: what a retriever returned
//!   (query → documents with scores). Retrievers return chunks and qrels judge documents:
//!   [`doc_ranking`] turns a chunk ranking into a document ranking.
//! - [`evaluate`] scores a run on a list of [`MetricName`]s under [`EvalOptions`] and returns
//!   a serialisable [`Report`] (mean per metric + per query).
//!
//! Conventions (see `docs/rag-metrics.md` for the formulas): a document is relevant when its
//! grade is at least 1 (configurable); nDCG's gain is the grade, discounted by
//! `log2(rank + 1)`, the ideal taken from the judgments; ties in score are broken by document
//! id in descending byte order, as trec_eval does; `map` is average precision over the top
//! 1,000, BEIR's `MAP@1000`. The values match pytrec_eval to 1e-6 on the committed fixtures
//! (`scripts/peers/trec_eval/`).
//!
//! ```
//! use llmops_core::Chunk;
//! use llmops_rag::metrics::{doc_ranking, evaluate, EvalOptions, MetricName, Qrels, Run};
//!
//! let qrels = Qrels::new().with("q1", "refunds", 2).with("q1", "billing", 1);
//! let chunks = vec![
//!     Chunk::new("refunds#0", "refunds", "...", 0.92),
//!     Chunk::new("refunds#3", "refunds", "...", 0.90),
//!     Chunk::new("shipping#1", "shipping", "...", 0.71),
//!     Chunk::new("billing#2", "billing", "...", 0.64),
//! ];
//! let mut run = Run::new();
//! run.insert("q1", doc_ranking(&chunks))?;
//! let report = evaluate(&qrels, &run, &[MetricName::Recall(2), MetricName::Mrr(10)], &EvalOptions::default())?;
//! assert_eq!(report.mean(MetricName::Recall(2)), Some(0.5));
//! assert_eq!(report.mean(MetricName::Mrr(10)), Some(1.0));
//! # Ok::<(), llmops_rag::RagError>(())
//! ```

mod evaluate;
mod judgments;
mod name;

use std::collections::HashSet;

use llmops_core::Chunk;

pub use evaluate::{EvalOptions, MissingQueries, Report, evaluate};
pub use judgments::{Qrels, Run};
pub use name::{DEFAULT_METRICS, MAP_DEPTH, MetricName, MetricNameError};

/// A chunk ranking (best first) as a document ranking: each document once, at its first
/// (best) chunk's place and with that chunk's score. Feed it to [`Run::insert`], or, when the
/// chunks' order is not their scores' order (after MMR), its ids to [`Run::insert_ranked`].
///
/// ```
/// use llmops_core::Chunk;
/// use llmops_rag::metrics::doc_ranking;
/// let chunks = [
///     Chunk::new("a#2", "a", "", 0.9),
///     Chunk::new("b#0", "b", "", 0.8),
///     Chunk::new("a#0", "a", "", 0.7),
/// ];
/// assert_eq!(doc_ranking(&chunks), [("a".to_string(), 0.9f32 as f64), ("b".to_string(), 0.8f32 as f64)]);
/// ```
pub fn doc_ranking(chunks: &[Chunk]) -> Vec<(String, f64)> {
    let mut seen = HashSet::new();
    chunks
        .iter()
        .filter(|c| seen.insert(c.doc_id.as_str()))
        .map(|c| (c.doc_id.clone(), f64::from(c.score)))
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn doc_ranking_keeps_first_occurrence_in_order() {
        let chunks = [
            Chunk::new("c#1", "c", "", 5.0),
            Chunk::new("a#1", "a", "", 4.0),
            Chunk::new("c#0", "c", "", 3.0),
            Chunk::new("b#0", "b", "", 2.0),
            Chunk::new("a#0", "a", "", 1.0),
        ];
        let ranked = doc_ranking(&chunks);
        let ids: Vec<&str> = ranked.iter().map(|(d, _)| d.as_str()).collect();
        assert_eq!(ids, ["c", "a", "b"]);
        assert_eq!(ranked[0].1, 5.0);
        assert!(doc_ranking(&[]).is_empty());
    }
}
