//! [`evaluate`]: a [`Run`] scored against [`Qrels`], per query and on average, with
//! trec_eval's (and so pytrec_eval's and BEIR's) conventions.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{MetricName, Qrels, Run};
use crate::{RagError, Result};

/// What to do with a judged query the run has no entry for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum MissingQueries {
    /// It scores 0 on every metric and counts in the mean (trec_eval `-c`). The default: a
    /// retriever that silently drops a query must not look better for it.
    #[default]
    Zero,
    /// It is left out of the mean, as pytrec_eval and so BEIR's `EvaluateRetrieval.evaluate`
    /// do (they average over the queries of the run that have judgments).
    Skip,
}

/// How an evaluation treats grades, missing queries and self-matches.
///
/// ```
/// use llmops_rag::metrics::{EvalOptions, MissingQueries};
/// let o = EvalOptions::default();
/// assert_eq!((o.relevance_threshold, o.missing, o.ignore_identical_ids), (1, MissingQueries::Zero, false));
/// let b = EvalOptions::beir();
/// assert_eq!((b.missing, b.ignore_identical_ids), (MissingQueries::Skip, true));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct EvalOptions {
    /// The lowest grade that counts as relevant for the binary metrics (recall, precision,
    /// MRR, MAP, hit rate); at least 1. Default 1, trec_eval's `-l` default. nDCG ignores it
    /// and uses every positive grade as the gain, as trec_eval's `ndcg_cut` does.
    pub relevance_threshold: i32,
    /// Judged queries absent from the run.
    pub missing: MissingQueries,
    /// Drops documents whose id equals the query id from each ranking before scoring, as
    /// BEIR's `evaluate` does by default (datasets such as ArguAna and Quora hold the query
    /// itself in the corpus). Default `false` (plain trec_eval).
    pub ignore_identical_ids: bool,
}

impl Default for EvalOptions {
    fn default() -> Self {
        EvalOptions {
            relevance_threshold: 1,
            missing: MissingQueries::Zero,
            ignore_identical_ids: false,
        }
    }
}

impl EvalOptions {
    /// BEIR's `EvaluateRetrieval.evaluate`: identical query and document ids ignored, the mean
    /// over the run's judged queries ([`MissingQueries::Skip`]), relevance from grade 1.
    pub fn beir() -> Self {
        EvalOptions {
            relevance_threshold: 1,
            missing: MissingQueries::Skip,
            ignore_identical_ids: true,
        }
    }

    /// With a relevance threshold.
    #[must_use]
    pub fn relevance_threshold(mut self, threshold: i32) -> Self {
        self.relevance_threshold = threshold;
        self
    }

    /// With a policy for missing queries.
    #[must_use]
    pub fn missing(mut self, missing: MissingQueries) -> Self {
        self.missing = missing;
        self
    }

    /// Whether to drop documents whose id is the query's.
    #[must_use]
    pub fn ignore_identical_ids(mut self, ignore: bool) -> Self {
        self.ignore_identical_ids = ignore;
        self
    }
}

/// The result of [`evaluate`]: the mean of each metric and every query's values.
/// Serialises as `{"mean": {"map": 0.41, "ndcg@10": 0.52}, "per_query": {"q1": {...}}, ...}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// Each metric's mean over the evaluated queries.
    pub mean: BTreeMap<MetricName, f64>,
    /// Each evaluated query's values (missing queries under [`MissingQueries::Zero`] appear
    /// with zeros).
    pub per_query: BTreeMap<String, BTreeMap<MetricName, f64>>,
    /// How many queries the means are over.
    pub queries: usize,
    /// Judged queries the run has no entry for (scored 0 or skipped, per the options).
    pub missing: Vec<String>,
    /// How many queries of the run have no judgments (ignored, as by trec_eval).
    pub unjudged: usize,
    /// The options used.
    pub options: EvalOptions,
}

impl Report {
    /// The mean of `metric`, if it was evaluated.
    pub fn mean(&self, metric: MetricName) -> Option<f64> {
        self.mean.get(&metric).copied()
    }

    /// The value of `metric` for `query`, if both were evaluated.
    pub fn query(&self, query: &str, metric: MetricName) -> Option<f64> {
        self.per_query.get(query)?.get(&metric).copied()
    }
}

/// Scores `run` against `qrels` on `metrics`.
///
/// Queries: every judged query is evaluated (a query whose judgments are all 0 scores 0, as in
/// trec_eval); judged queries absent from the run follow [`EvalOptions::missing`]; run
/// queries without judgments are ignored. Documents: ranked as [`Run`] says (score, then
/// document id descending); unjudged documents are not relevant.
///
/// Errors ([`RagError::Invalid`]) on an empty metric list, a threshold below 1, or nothing
/// to evaluate (no judged query, or with [`MissingQueries::Skip`] none in the run).
///
/// ```
/// use llmops_rag::metrics::{evaluate, EvalOptions, MetricName, Qrels, Run};
/// let qrels = Qrels::new().with("q1", "a", 1).with("q2", "b", 2);
/// let mut run = Run::new();
/// run.insert("q1", [("x", 0.9), ("a", 0.5)])?;
/// run.insert("q2", [("b", 0.7)])?;
/// let report = evaluate(&qrels, &run, &[MetricName::Mrr(10), MetricName::Hit(1)], &EvalOptions::default())?;
/// assert_eq!(report.query("q1", MetricName::Mrr(10)), Some(0.5));
/// assert_eq!(report.mean(MetricName::Mrr(10)), Some(0.75));
/// assert_eq!(report.mean(MetricName::Hit(1)), Some(0.5));
/// # Ok::<(), llmops_rag::RagError>(())
/// ```
pub fn evaluate(
    qrels: &Qrels,
    run: &Run,
    metrics: &[MetricName],
    options: &EvalOptions,
) -> Result<Report> {
    if metrics.is_empty() {
        return Err(RagError::invalid("evaluate: no metric asked for"));
    }
    if options.relevance_threshold < 1 {
        return Err(RagError::invalid(format!(
            "evaluate: the relevance threshold must be at least 1, got {}",
            options.relevance_threshold
        )));
    }
    let mut per_query = BTreeMap::new();
    let mut missing = Vec::new();
    for (query, judged) in qrels.iter() {
        let ranking = match run.ranking(query) {
            Some(r) => r,
            None => {
                missing.push(query.to_owned());
                match options.missing {
                    MissingQueries::Zero => &[],
                    MissingQueries::Skip => continue,
                }
            }
        };
        let scored = QueryScorer::new(query, judged, ranking, options);
        let values = metrics.iter().map(|&m| (m, scored.value(m))).collect();
        per_query.insert(query.to_owned(), values);
    }
    if per_query.is_empty() {
        return Err(RagError::invalid(if qrels.is_empty() {
            "evaluate: the qrels hold no judged query"
        } else {
            "evaluate: no judged query is in the run"
        }));
    }
    let n = per_query.len();
    let mean = metrics
        .iter()
        .map(|&m| {
            let sum: f64 = per_query
                .values()
                .filter_map(|v: &BTreeMap<MetricName, f64>| v.get(&m))
                .sum();
            (m, sum / n as f64)
        })
        .collect();
    let unjudged = run.queries().filter(|q| !qrels.contains(q)).count();
    Ok(Report {
        mean,
        per_query,
        queries: n,
        missing,
        unjudged,
        options: options.clone(),
    })
}

/// One query's ranking reduced to what the metrics need.
struct QueryScorer {
    /// The grade of each ranked document (0 when unjudged), best first.
    grades: Vec<i32>,
    /// Judged documents with a grade of at least the threshold.
    num_relevant: usize,
    /// Positive grades of the judgments, highest first: the ideal ranking's gains.
    ideal: Vec<i32>,
    threshold: i32,
}

impl QueryScorer {
    fn new(
        query: &str,
        judged: &BTreeMap<String, i32>,
        ranking: &[(String, f64)],
        options: &EvalOptions,
    ) -> Self {
        let grades = ranking
            .iter()
            .filter(|(doc, _)| !(options.ignore_identical_ids && doc == query))
            .map(|(doc, _)| judged.get(doc).copied().unwrap_or(0))
            .collect();
        let threshold = options.relevance_threshold;
        let num_relevant = judged.values().filter(|&&g| g >= threshold).count();
        let mut ideal: Vec<i32> = judged.values().copied().filter(|&g| g > 0).collect();
        ideal.sort_unstable_by(|a, b| b.cmp(a));
        QueryScorer {
            grades,
            num_relevant,
            ideal,
            threshold,
        }
    }

    fn top(&self, k: usize) -> impl Iterator<Item = (usize, i32)> + '_ {
        self.grades.iter().copied().take(k).enumerate()
    }

    fn relevant_in_top(&self, k: usize) -> usize {
        self.top(k).filter(|&(_, g)| g >= self.threshold).count()
    }

    fn value(&self, metric: MetricName) -> f64 {
        let k = metric.cutoff();
        match metric {
            MetricName::Map | MetricName::MapAt(_) => self.average_precision(k),
            MetricName::Ndcg(_) => self.ndcg(k),
            MetricName::Recall(_) => ratio(self.relevant_in_top(k), self.num_relevant),
            MetricName::Precision(_) => ratio(self.relevant_in_top(k), k),
            MetricName::Mrr(_) => self
                .top(k)
                .find(|&(_, g)| g >= self.threshold)
                .map_or(0.0, |(i, _)| 1.0 / (i + 1) as f64),
            MetricName::Hit(_) => {
                if self.relevant_in_top(k) > 0 {
                    1.0
                } else {
                    0.0
                }
            }
        }
    }

    /// trec_eval `map_cut`: Σ precision@rank over relevant ranks ≤ k, ÷ all relevant.
    fn average_precision(&self, k: usize) -> f64 {
        let mut found = 0usize;
        let mut sum = 0.0;
        for (i, g) in self.top(k) {
            if g >= self.threshold {
                found += 1;
                sum += found as f64 / (i + 1) as f64;
            }
        }
        if self.num_relevant == 0 {
            0.0
        } else {
            sum / self.num_relevant as f64
        }
    }

    /// trec_eval `ndcg_cut`: gain = grade (> 0), discount log2(rank + 1), ideal from the
    /// judgments' positive grades.
    fn ndcg(&self, k: usize) -> f64 {
        let gained = dcg(self.top(k).map(|(_, g)| g));
        let ideal = dcg(self.ideal.iter().copied().take(k));
        if ideal > 0.0 { gained / ideal } else { 0.0 }
    }
}

fn dcg(grades: impl Iterator<Item = i32>) -> f64 {
    grades
        .enumerate()
        .filter(|&(_, g)| g > 0)
        .map(|(i, g)| f64::from(g) / ((i + 2) as f64).log2())
        .sum()
}

fn ratio(num: usize, den: usize) -> f64 {
    if den == 0 {
        0.0
    } else {
        num as f64 / den as f64
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    fn one(qrels: &Qrels, run: &Run, m: MetricName, o: &EvalOptions) -> f64 {
        evaluate(qrels, run, &[m], o).unwrap().mean(m).unwrap()
    }

    #[test]
    fn hand_computed_values() {
        // Ranking r1(2) n1(0) r2(1) x(unjudged) r3(1); r4(3) is never retrieved.
        let qrels = Qrels::new()
            .with("q", "r1", 2)
            .with("q", "r2", 1)
            .with("q", "r3", 1)
            .with("q", "r4", 3)
            .with("q", "n1", 0);
        let mut run = Run::new();
        run.insert_ranked("q", ["r1", "n1", "r2", "x", "r3"])
            .unwrap();
        let o = EvalOptions::default();
        close(one(&qrels, &run, MetricName::Precision(2), &o), 0.5);
        close(one(&qrels, &run, MetricName::Precision(10), &o), 0.3);
        close(one(&qrels, &run, MetricName::Recall(3), &o), 0.5);
        close(one(&qrels, &run, MetricName::Recall(100), &o), 0.75);
        close(one(&qrels, &run, MetricName::Mrr(10), &o), 1.0);
        close(one(&qrels, &run, MetricName::Hit(1), &o), 1.0);
        // AP: (1/1 + 2/3 + 3/5) / 4
        close(
            one(&qrels, &run, MetricName::Map, &o),
            (1.0 + 2.0 / 3.0 + 0.6) / 4.0,
        );
        close(
            one(&qrels, &run, MetricName::MapAt(3), &o),
            (1.0 + 2.0 / 3.0) / 4.0,
        );
        // nDCG@3: (2/log2 2 + 1/log2 4) / (3/log2 2 + 2/log2 3 + 1/log2 4)
        let want = (2.0 + 0.5) / (3.0 + 2.0 / 3f64.log2() + 0.5);
        close(one(&qrels, &run, MetricName::Ndcg(3), &o), want);
        // Threshold 2: only r1 and r4 are relevant; nDCG is unchanged.
        let o2 = EvalOptions::default().relevance_threshold(2);
        close(one(&qrels, &run, MetricName::Recall(100), &o2), 0.5);
        close(one(&qrels, &run, MetricName::Ndcg(3), &o2), want);
    }

    #[test]
    fn mrr_respects_the_cutoff() {
        let qrels = Qrels::new().with("q", "r", 1);
        let mut run = Run::new();
        run.insert_ranked("q", ["a", "b", "r"]).unwrap();
        let o = EvalOptions::default();
        close(one(&qrels, &run, MetricName::Mrr(2), &o), 0.0);
        close(one(&qrels, &run, MetricName::Mrr(3), &o), 1.0 / 3.0);
        close(one(&qrels, &run, MetricName::Hit(2), &o), 0.0);
    }

    #[test]
    fn missing_queries_zero_or_skip() {
        let qrels = Qrels::new().with("a", "x", 1).with("b", "x", 1);
        let mut run = Run::new();
        run.insert("a", [("x", 1.0)]).unwrap();
        run.insert("stray", [("x", 1.0)]).unwrap();
        let m = MetricName::Ndcg(10);
        let zero = evaluate(&qrels, &run, &[m], &EvalOptions::default()).unwrap();
        assert_eq!((zero.queries, zero.unjudged), (2, 1));
        assert_eq!(zero.missing, ["b"]);
        close(zero.mean(m).unwrap(), 0.5);
        assert_eq!(zero.query("b", m), Some(0.0));
        let skip = evaluate(
            &qrels,
            &run,
            &[m],
            &EvalOptions::default().missing(MissingQueries::Skip),
        )
        .unwrap();
        assert_eq!(skip.queries, 1);
        close(skip.mean(m).unwrap(), 1.0);
        assert_eq!(skip.query("b", m), None);
        assert_eq!(skip.missing, ["b"]);
    }

    #[test]
    fn identical_ids_are_dropped_when_asked() {
        let qrels = Qrels::new().with("q", "r", 1);
        let mut run = Run::new();
        run.insert_ranked("q", ["q", "r"]).unwrap();
        let m = MetricName::Mrr(10);
        close(one(&qrels, &run, m, &EvalOptions::default()), 0.5);
        close(one(&qrels, &run, m, &EvalOptions::beir()), 1.0);
    }

    #[test]
    fn no_relevant_document_scores_zero_everywhere() {
        let qrels = Qrels::new().with("q", "a", 0).with("q", "b", -1);
        let mut run = Run::new();
        run.insert_ranked("q", ["a", "b"]).unwrap();
        let report = evaluate(
            &qrels,
            &run,
            &[
                MetricName::Map,
                MetricName::Ndcg(10),
                MetricName::Recall(10),
                MetricName::Precision(1),
                MetricName::Mrr(10),
                MetricName::Hit(10),
            ],
            &EvalOptions::default(),
        )
        .unwrap();
        assert!(report.mean.values().all(|&v| v == 0.0), "{report:?}");
    }

    #[test]
    fn bad_calls_are_typed_errors() {
        let qrels = Qrels::new().with("q", "a", 1);
        let run = Run::new();
        let o = EvalOptions::default();
        let bad = [
            evaluate(&qrels, &run, &[], &o),
            evaluate(
                &qrels,
                &run,
                &[MetricName::Map],
                &o.clone().relevance_threshold(0),
            ),
            evaluate(&Qrels::new(), &run, &[MetricName::Map], &o),
            evaluate(
                &qrels,
                &run,
                &[MetricName::Map],
                &o.clone().missing(MissingQueries::Skip),
            ),
        ];
        for r in bad {
            assert!(matches!(r, Err(RagError::Invalid(_))), "{r:?}");
        }
    }

    #[test]
    fn report_serialises_with_metric_names_as_keys() {
        let qrels = Qrels::new().with("q", "a", 1);
        let mut run = Run::new();
        run.insert("q", [("a", 1.0)]).unwrap();
        let report = evaluate(
            &qrels,
            &run,
            &[MetricName::Map, MetricName::Ndcg(10)],
            &EvalOptions::default(),
        )
        .unwrap();
        let json = serde_json::to_value(&report).unwrap();
        assert_eq!(json["mean"]["ndcg@10"], 1.0);
        assert_eq!(json["per_query"]["q"]["map"], 1.0);
        assert_eq!(json["options"]["missing"], "zero");
        let back: Report = serde_json::from_value(json).unwrap();
        assert_eq!(back, report);
    }
}
