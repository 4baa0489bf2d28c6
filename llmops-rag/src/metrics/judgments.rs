//! [`Qrels`] (relevance judgments) and [`Run`] (what a retriever returned), the two inputs of
//! an evaluation.

use std::cmp::Ordering;
use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};

use crate::{RagError, Result};

/// Relevance judgments: query id → document id → grade.
///
/// Grades are integers as in TREC and BEIR qrels: `0` (or below) is judged not relevant;
/// `1`, `2` ... are relevance levels. Binary metrics count a document as relevant when its
/// grade is at least the threshold of [`EvalOptions`](super::EvalOptions) (1 by default, as
/// trec_eval's `-l`); nDCG uses every positive grade as the gain. Serialises as the nested
/// object pytrec_eval takes: `{"q1": {"d3": 2, "d7": 0}}`.
///
/// ```
/// use llmops_rag::metrics::Qrels;
/// let qrels = Qrels::new().with("q1", "d3", 2).with("q1", "d7", 0).with("q2", "d1", 1);
/// assert_eq!(qrels.len(), 2);
/// assert_eq!(qrels.grade("q1", "d3"), Some(2));
/// assert_eq!(qrels.relevant("q1", 1), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Qrels {
    queries: BTreeMap<String, BTreeMap<String, i32>>,
}

impl Qrels {
    /// No judgments.
    pub fn new() -> Self {
        Qrels::default()
    }

    /// Judges `doc` for `query`; returns the grade it replaces, if any.
    pub fn insert(
        &mut self,
        query: impl Into<String>,
        doc: impl Into<String>,
        grade: i32,
    ) -> Option<i32> {
        self.queries
            .entry(query.into())
            .or_default()
            .insert(doc.into(), grade)
    }

    /// With a judgment (builder form of [`insert`](Self::insert)).
    #[must_use]
    pub fn with(mut self, query: impl Into<String>, doc: impl Into<String>, grade: i32) -> Self {
        self.insert(query, doc, grade);
        self
    }

    /// The judgments of `query` (document id → grade).
    pub fn get(&self, query: &str) -> Option<&BTreeMap<String, i32>> {
        self.queries.get(query)
    }

    /// The grade of `doc` for `query`, if judged.
    pub fn grade(&self, query: &str, doc: &str) -> Option<i32> {
        self.queries.get(query)?.get(doc).copied()
    }

    /// Whether `query` has judgments.
    pub fn contains(&self, query: &str) -> bool {
        self.queries.contains_key(query)
    }

    /// How many documents of `query` have a grade of at least `threshold`.
    pub fn relevant(&self, query: &str, threshold: i32) -> usize {
        self.get(query)
            .map_or(0, |docs| docs.values().filter(|&&g| g >= threshold).count())
    }

    /// The judged query ids, in order.
    pub fn queries(&self) -> impl Iterator<Item = &str> {
        self.queries.keys().map(String::as_str)
    }

    /// Each query with its judgments, in query id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &BTreeMap<String, i32>)> {
        self.queries.iter().map(|(q, d)| (q.as_str(), d))
    }

    /// Number of judged queries.
    pub fn len(&self) -> usize {
        self.queries.len()
    }

    /// Whether there is no judgment.
    pub fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }

    /// Number of (query, document) judgments.
    pub fn judgments(&self) -> usize {
        self.queries.values().map(BTreeMap::len).sum()
    }

    /// Keeps only the queries for which `keep` is true.
    pub fn retain_queries(&mut self, mut keep: impl FnMut(&str) -> bool) {
        self.queries.retain(|q, _| keep(q));
    }
}

/// What a retriever returned: query id → documents with scores.
///
/// Like trec_eval, a query's documents are ranked by score, highest first, ties broken by
/// document id in *descending* byte order (`d9` before `d10`); the order they were inserted
/// in does not matter. For a ranking whose order is not its scores' order (MMR, a fixed list),
/// use [`insert_ranked`](Self::insert_ranked). Serialises as pytrec_eval's nested object
/// `{"q1": {"d3": 12.5, "d7": 3.0}}`.
///
/// ```
/// use llmops_rag::metrics::Run;
/// let mut run = Run::new();
/// run.insert("q1", [("d10", 1.0), ("d9", 1.0), ("d3", 2.0)])?;
/// let docs: Vec<&str> = run.ranking("q1").unwrap().iter().map(|(d, _)| d.as_str()).collect();
/// assert_eq!(docs, ["d3", "d9", "d10"]);
/// assert!(run.insert("q2", [("d1", f64::NAN)]).is_err());
/// # Ok::<(), llmops_rag::RagError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(
    try_from = "BTreeMap<String, BTreeMap<String, f64>>",
    into = "BTreeMap<String, BTreeMap<String, f64>>"
)]
pub struct Run {
    queries: BTreeMap<String, Vec<(String, f64)>>,
}

impl Run {
    /// An empty run.
    pub fn new() -> Self {
        Run::default()
    }

    /// Records the documents retrieved for `query` with their scores (an empty ranking is
    /// allowed: the query scores 0). Errors on a NaN score, a document listed twice, or a
    /// query already in the run.
    pub fn insert<D: Into<String>>(
        &mut self,
        query: impl Into<String>,
        ranking: impl IntoIterator<Item = (D, f64)>,
    ) -> Result<()> {
        let query = query.into();
        if self.queries.contains_key(&query) {
            return Err(RagError::invalid(format!(
                "query `{query}` is already in the run"
            )));
        }
        let mut docs: Vec<(String, f64)> = Vec::new();
        let mut seen = HashSet::new();
        for (doc, score) in ranking {
            let doc = doc.into();
            if score.is_nan() {
                return Err(RagError::invalid(format!(
                    "run: query `{query}`, document `{doc}` has a NaN score"
                )));
            }
            if !seen.insert(doc.clone()) {
                return Err(RagError::invalid(format!(
                    "run: query `{query}` lists document `{doc}` twice"
                )));
            }
            docs.push((doc, score));
        }
        docs.sort_by(trec_order);
        self.queries.insert(query, docs);
        Ok(())
    }

    /// Records documents for `query` in the order given, best first, whatever their scores:
    /// they get the scores `n, n-1, ..., 1`. For rankings reordered after scoring (MMR).
    ///
    /// ```
    /// use llmops_rag::metrics::Run;
    /// let mut run = Run::new();
    /// run.insert_ranked("q1", ["d2", "d9", "d1"])?;
    /// assert_eq!(run.ranking("q1").unwrap()[0], ("d2".to_string(), 3.0));
    /// # Ok::<(), llmops_rag::RagError>(())
    /// ```
    pub fn insert_ranked<D: Into<String>>(
        &mut self,
        query: impl Into<String>,
        docs: impl IntoIterator<Item = D>,
    ) -> Result<()> {
        let docs: Vec<String> = docs.into_iter().map(Into::into).collect();
        let n = docs.len();
        self.insert(
            query,
            docs.into_iter()
                .enumerate()
                .map(|(i, d)| (d, n.saturating_sub(i) as f64)),
        )
    }

    /// The ranking of `query`, best first (trec_eval's order).
    pub fn ranking(&self, query: &str) -> Option<&[(String, f64)]> {
        self.queries.get(query).map(Vec::as_slice)
    }

    /// Whether `query` is in the run.
    pub fn contains(&self, query: &str) -> bool {
        self.queries.contains_key(query)
    }

    /// The query ids, in order.
    pub fn queries(&self) -> impl Iterator<Item = &str> {
        self.queries.keys().map(String::as_str)
    }

    /// Each query with its ranking, in query id order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &[(String, f64)])> {
        self.queries.iter().map(|(q, r)| (q.as_str(), r.as_slice()))
    }

    /// Number of queries.
    pub fn len(&self) -> usize {
        self.queries.len()
    }

    /// Whether the run has no query.
    pub fn is_empty(&self) -> bool {
        self.queries.is_empty()
    }
}

/// trec_eval's ranking order: score descending, then document id descending (`strcmp`).
fn trec_order(a: &(String, f64), b: &(String, f64)) -> Ordering {
    b.1.total_cmp(&a.1).then_with(|| b.0.cmp(&a.0))
}

impl TryFrom<BTreeMap<String, BTreeMap<String, f64>>> for Run {
    type Error = RagError;

    fn try_from(map: BTreeMap<String, BTreeMap<String, f64>>) -> Result<Self> {
        let mut run = Run::new();
        for (query, docs) in map {
            run.insert(query, docs)?;
        }
        Ok(run)
    }
}

impl From<Run> for BTreeMap<String, BTreeMap<String, f64>> {
    fn from(run: Run) -> Self {
        run.queries
            .into_iter()
            .map(|(q, docs)| (q, docs.into_iter().collect()))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn ids(run: &Run, q: &str) -> Vec<String> {
        run.ranking(q)
            .unwrap()
            .iter()
            .map(|(d, _)| d.clone())
            .collect()
    }

    #[test]
    fn ties_break_by_doc_id_descending_bytes() {
        let mut run = Run::new();
        run.insert(
            "q",
            [
                ("a", 1.0),
                ("d10", 2.0),
                ("d9", 2.0),
                ("b", 1.0),
                ("z", 0.5),
            ],
        )
        .unwrap();
        assert_eq!(ids(&run, "q"), ["d9", "d10", "b", "a", "z"]);
    }

    #[test]
    fn infinities_sort_and_nan_is_refused() {
        let mut run = Run::new();
        run.insert(
            "q",
            [("a", f64::NEG_INFINITY), ("b", f64::INFINITY), ("c", 0.0)],
        )
        .unwrap();
        assert_eq!(ids(&run, "q"), ["b", "c", "a"]);
        let err = run.insert("r", [("x", f64::NAN)]).unwrap_err();
        assert!(err.to_string().contains("NaN"), "{err}");
    }

    #[test]
    fn duplicates_are_refused() {
        let mut run = Run::new();
        let err = run.insert("q", [("a", 1.0), ("a", 2.0)]).unwrap_err();
        assert!(err.to_string().contains("twice"), "{err}");
        run.insert("q", [("a", 1.0)]).unwrap();
        let err = run.insert("q", [("b", 1.0)]).unwrap_err();
        assert!(err.to_string().contains("already"), "{err}");
    }

    #[test]
    fn insert_ranked_keeps_the_given_order() {
        let mut run = Run::new();
        run.insert_ranked("q", ["z", "a", "m"]).unwrap();
        assert_eq!(ids(&run, "q"), ["z", "a", "m"]);
        run.insert_ranked("empty", Vec::<String>::new()).unwrap();
        assert_eq!(run.ranking("empty").unwrap().len(), 0);
    }

    #[test]
    fn serde_is_pytrec_eval_shaped() {
        let run: Run = serde_json::from_str(r#"{"q1": {"d1": 1.5, "d2": 3}, "q2": {}}"#).unwrap();
        assert_eq!(ids(&run, "q1"), ["d2", "d1"]);
        assert!(run.contains("q2"));
        let back: Run = serde_json::from_str(&serde_json::to_string(&run).unwrap()).unwrap();
        assert_eq!(back, run);

        let qrels: Qrels = serde_json::from_str(r#"{"q1": {"d1": 2, "d2": 0}}"#).unwrap();
        assert_eq!(qrels.grade("q1", "d1"), Some(2));
        assert_eq!(qrels.judgments(), 2);
        assert_eq!(
            serde_json::to_string(&qrels).unwrap(),
            r#"{"q1":{"d1":2,"d2":0}}"#
        );
    }

    #[test]
    fn qrels_counts() {
        let mut qrels = Qrels::new().with("a", "x", 1).with("a", "y", 3);
        assert_eq!(qrels.insert("a", "y", -1), Some(3));
        qrels.insert("b", "x", 0);
        assert_eq!(qrels.relevant("a", 1), 1);
        assert_eq!(qrels.relevant("b", 1), 0);
        assert_eq!(qrels.relevant("nope", 1), 0);
        assert_eq!(qrels.queries().collect::<Vec<_>>(), ["a", "b"]);
        qrels.retain_queries(|q| q == "b");
        assert_eq!(qrels.len(), 1);
        assert!(!qrels.contains("a"));
    }
}
