//! [`MetricName`]: the retrieval metrics by the names the CLI and reports use.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::RagError;

/// How deep `map` looks: average precision over the top 1,000 documents, as BEIR reports
/// `MAP@1000` (trec_eval's `map_cut.1000`).
pub const MAP_DEPTH: usize = 1000;

/// A retrieval metric with its cutoff, written as the CLI and the reports spell it:
/// `map`, `map@100`, `ndcg@10`, `recall@100`, `p@10`, `mrr@10`, `hit@5`.
///
/// Parsing ignores ASCII case (`NDCG@10`, `P@10` as BEIR prints them); [`Display`](fmt::Display)
/// gives the lowercase form. The derived order (kind, then cutoff) is the order of report
/// columns.
///
/// ```
/// use llmops_rag::metrics::MetricName;
/// let m: MetricName = "NDCG@10".parse()?;
/// assert_eq!(m, MetricName::Ndcg(10));
/// assert_eq!(m.to_string(), "ndcg@10");
/// assert_eq!("map".parse::<MetricName>()?.cutoff(), 1000);
/// assert!("ndcg".parse::<MetricName>().is_err());
/// # Ok::<(), llmops_rag::metrics::MetricNameError>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum MetricName {
    /// `map`: mean average precision over the top [`MAP_DEPTH`] (1,000) documents, BEIR's
    /// `MAP@1000` (trec_eval `map_cut.1000`).
    Map,
    /// `map@k`: average precision over the top `k` (trec_eval `map_cut.k`): the precision at
    /// each relevant document within the top `k`, summed and divided by all relevant ones.
    MapAt(usize),
    /// `ndcg@k`: normalised discounted cumulative gain (trec_eval `ndcg_cut.k`).
    Ndcg(usize),
    /// `recall@k`: relevant documents in the top `k` over all relevant ones (trec_eval
    /// `recall.k`).
    Recall(usize),
    /// `p@k`: relevant documents in the top `k` over `k` (trec_eval `P.k`).
    Precision(usize),
    /// `mrr@k`: reciprocal rank of the first relevant document within the top `k`, 0 when
    /// none (trec_eval `recip_rank` on the ranking cut at `k`).
    Mrr(usize),
    /// `hit@k`: 1 when a relevant document is in the top `k`, else 0; its mean is the hit
    /// rate (trec_eval `success.k`).
    Hit(usize),
}

/// The metrics `llmops rag eval` reports by default: `map`, `ndcg@10`, `recall@100`,
/// `mrr@10`, `p@10`.
pub const DEFAULT_METRICS: [MetricName; 5] = [
    MetricName::Map,
    MetricName::Ndcg(10),
    MetricName::Recall(100),
    MetricName::Mrr(10),
    MetricName::Precision(10),
];

impl MetricName {
    /// How many top documents the metric looks at (`map`: [`MAP_DEPTH`]).
    pub fn cutoff(&self) -> usize {
        match *self {
            MetricName::Map => MAP_DEPTH,
            MetricName::MapAt(k)
            | MetricName::Ndcg(k)
            | MetricName::Recall(k)
            | MetricName::Precision(k)
            | MetricName::Mrr(k)
            | MetricName::Hit(k) => k,
        }
    }

    /// The name without the cutoff (`ndcg`, `map` ...).
    pub fn kind(&self) -> &'static str {
        match self {
            MetricName::Map | MetricName::MapAt(_) => "map",
            MetricName::Ndcg(_) => "ndcg",
            MetricName::Recall(_) => "recall",
            MetricName::Precision(_) => "p",
            MetricName::Mrr(_) => "mrr",
            MetricName::Hit(_) => "hit",
        }
    }
}

impl fmt::Display for MetricName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            MetricName::Map => f.write_str("map"),
            other => write!(f, "{}@{}", other.kind(), other.cutoff()),
        }
    }
}

/// A metric name that is not one of `map`, `map@K`, `ndcg@K`, `recall@K`, `p@K`, `mrr@K`,
/// `hit@K` (K ≥ 1). Converts into [`RagError::Invalid`].
///
/// ```
/// use llmops_rag::metrics::MetricName;
/// let err = "ndcg@0".parse::<MetricName>().unwrap_err();
/// assert_eq!(err.input(), "ndcg@0");
/// assert!(err.to_string().contains("at least 1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown metric `{input}`: {reason} (expected map, map@K, ndcg@K, recall@K, p@K, mrr@K \
     or hit@K with K ≥ 1)"
)]
pub struct MetricNameError {
    input: String,
    reason: &'static str,
}

impl MetricNameError {
    /// The text that failed to parse.
    pub fn input(&self) -> &str {
        &self.input
    }

    /// Why it failed.
    pub fn reason(&self) -> &str {
        self.reason
    }
}

impl From<MetricNameError> for RagError {
    fn from(e: MetricNameError) -> Self {
        RagError::Invalid(e.to_string())
    }
}

impl FromStr for MetricName {
    type Err = MetricNameError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = |reason| MetricNameError {
            input: s.to_owned(),
            reason,
        };
        let lower = s.trim().to_ascii_lowercase();
        let Some((kind, k)) = lower.split_once('@') else {
            return match lower.as_str() {
                "map" => Ok(MetricName::Map),
                "ndcg" | "recall" | "p" | "precision" | "mrr" | "hit" => {
                    Err(err("this metric needs a cutoff, as in `ndcg@10`"))
                }
                _ => Err(err("no such metric")),
            };
        };
        let k: usize = k
            .parse()
            .map_err(|_| err("the cutoff after `@` is not a whole number"))?;
        if k == 0 {
            return Err(err("the cutoff must be at least 1"));
        }
        match kind {
            "map" => Ok(MetricName::MapAt(k)),
            "ndcg" => Ok(MetricName::Ndcg(k)),
            "recall" => Ok(MetricName::Recall(k)),
            "p" | "precision" => Ok(MetricName::Precision(k)),
            "mrr" => Ok(MetricName::Mrr(k)),
            "hit" => Ok(MetricName::Hit(k)),
            _ => Err(err("no such metric")),
        }
    }
}

impl Serialize for MetricName {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for MetricName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = std::borrow::Cow::<str>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn every_name_round_trips() {
        for name in [
            "map",
            "map@5",
            "ndcg@10",
            "recall@100",
            "p@10",
            "mrr@10",
            "hit@1",
        ] {
            let m: MetricName = name.parse().unwrap();
            assert_eq!(m.to_string(), name);
        }
        assert_eq!(
            "Precision@3".parse::<MetricName>().unwrap(),
            MetricName::Precision(3)
        );
        assert_eq!(" MAP ".parse::<MetricName>().unwrap(), MetricName::Map);
    }

    #[test]
    fn bad_names_say_why() {
        for (name, why) in [
            ("ndcg", "needs a cutoff"),
            ("ndcg@", "not a whole number"),
            ("ndcg@x", "not a whole number"),
            ("ndcg@-1", "not a whole number"),
            ("ndcg@0", "at least 1"),
            ("f1@10", "no such metric"),
            ("", "no such metric"),
        ] {
            let err = name.parse::<MetricName>().unwrap_err();
            assert!(err.to_string().contains(why), "{name}: {err}");
            assert_eq!(err.input(), name);
        }
        let rag: RagError = "bogus".parse::<MetricName>().unwrap_err().into();
        assert!(matches!(rag, RagError::Invalid(m) if m.contains("`bogus`")));
    }

    #[test]
    fn serde_uses_the_string_form() {
        let json = serde_json::to_string(&DEFAULT_METRICS).unwrap();
        assert_eq!(json, r#"["map","ndcg@10","recall@100","mrr@10","p@10"]"#);
        let back: Vec<MetricName> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, DEFAULT_METRICS);
        assert!(serde_json::from_str::<MetricName>(r#""ndcg@zero""#).is_err());
    }

    #[test]
    fn order_groups_by_kind_then_cutoff() {
        let mut v = vec![
            MetricName::Ndcg(100),
            MetricName::Map,
            MetricName::Ndcg(10),
            MetricName::MapAt(10),
        ];
        v.sort();
        assert_eq!(
            v,
            [
                MetricName::Map,
                MetricName::MapAt(10),
                MetricName::Ndcg(10),
                MetricName::Ndcg(100)
            ]
        );
    }
}
