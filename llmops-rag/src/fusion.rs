//! Hybrid fusion of rankings (reciprocal rank, weighted scores) and MMR diversity.

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

use crate::store::Scored;
use crate::{RagError, Result};

/// How the rankings of several retrievers become one.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "method", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Fusion {
    /// Reciprocal rank fusion (Cormack et al. 2009): `score = Σ 1 / (k + rank)`, rank from 1.
    /// Needs no score calibration; `k = 60` is the paper's and most engines' default.
    Rrf {
        /// The damping constant.
        k: f32,
    },
    /// Weighted sum of min-max normalised scores: `score = Σ wᵢ · (sᵢ − minᵢ) / (maxᵢ − minᵢ)`
    /// over each list; a chunk missing from a list gets 0 there.
    Weighted {
        /// One weight per list, in the order the lists are given (e.g. `[dense, lexical]`).
        weights: [f32; 2],
    },
}

impl Default for Fusion {
    fn default() -> Self {
        Fusion::rrf()
    }
}

impl Fusion {
    /// RRF with k = 60.
    pub fn rrf() -> Self {
        Fusion::Rrf { k: 60.0 }
    }

    /// Weighted fusion: `dense` for the first list, `1 − dense` for the second.
    pub fn weighted(dense: f32) -> Self {
        Fusion::Weighted {
            weights: [dense, 1.0 - dense],
        }
    }

    /// Checks the parameters (finite, non-negative, not all zero).
    pub fn validate(&self) -> Result<()> {
        match *self {
            Fusion::Rrf { k } if k.is_finite() && k >= 0.0 => Ok(()),
            Fusion::Rrf { k } => Err(RagError::invalid(format!(
                "RRF k must be finite and ≥ 0, got {k}"
            ))),
            Fusion::Weighted { weights }
                if weights.iter().all(|w| w.is_finite() && *w >= 0.0)
                    && weights.iter().any(|w| *w > 0.0) =>
            {
                Ok(())
            }
            Fusion::Weighted { weights } => Err(RagError::invalid(format!(
                "fusion weights must be finite, ≥ 0 and not all 0, got {weights:?}"
            ))),
        }
    }

    /// Fuses ranked lists (each best first) into one, best first, at most `k` long. Ties
    /// break by chunk id so the order is deterministic.
    ///
    /// ```
    /// use llmops_rag::{ChunkRecord, Scored, fusion::Fusion};
    /// let s = |id: &str, score| Scored::new(ChunkRecord::new(id, "d", "v", "t", (0, 1)), score);
    /// let dense = vec![s("a", 0.9), s("b", 0.8)];
    /// let lexical = vec![s("b", 12.0), s("c", 3.0)];
    /// let fused = Fusion::rrf().fuse(&[dense, lexical], 3).unwrap();
    /// assert_eq!(fused[0].chunk.id, "b"); // in both lists
    /// ```
    pub fn fuse(&self, lists: &[Vec<Scored>], k: usize) -> Result<Vec<Scored>> {
        self.validate()?;
        let mut acc: HashMap<&str, (f32, &Scored)> = HashMap::new();
        for (li, list) in lists.iter().enumerate() {
            let weight_norm = match *self {
                Fusion::Rrf { .. } => None,
                Fusion::Weighted { weights } => {
                    let w = weights.get(li).copied().ok_or_else(|| {
                        RagError::invalid(format!(
                            "weighted fusion has {} weights but got {} lists",
                            weights.len(),
                            lists.len()
                        ))
                    })?;
                    let (lo, hi) = list
                        .iter()
                        .fold((f32::INFINITY, f32::NEG_INFINITY), |a, s| {
                            (a.0.min(s.score), a.1.max(s.score))
                        });
                    Some((w, lo, hi))
                }
            };
            for (rank, s) in list.iter().enumerate() {
                let add = match (*self, weight_norm) {
                    (Fusion::Rrf { k }, _) => 1.0 / (k + rank as f32 + 1.0),
                    (_, Some((w, lo, hi))) => {
                        let span = hi - lo;
                        let norm = if span > 0.0 {
                            (s.score - lo) / span
                        } else {
                            1.0
                        };
                        w * norm
                    }
                    _ => 0.0,
                };
                let e = acc.entry(s.chunk.id.as_str()).or_insert((0.0, s));
                e.0 += add;
            }
        }
        let mut out: Vec<Scored> = acc
            .into_values()
            .map(|(score, s)| Scored::new(s.chunk.clone(), score))
            .collect();
        sort_best_first(&mut out);
        out.truncate(k);
        Ok(out)
    }
}

/// Sorts by score, best first; equal scores by chunk id.
pub(crate) fn sort_best_first(v: &mut [Scored]) {
    v.sort_by(|a, b| {
        b.score
            .total_cmp(&a.score)
            .then_with(|| a.chunk.id.cmp(&b.chunk.id))
    });
}

/// Maximal marginal relevance (Carbonell & Goldstein 1998): picks `k` of `candidates`
/// greedily by `λ · sim(query, c) − (1 − λ) · max sim(c, picked)`. `vectors` are the
/// candidates' vectors in the same order and `query` the query's, all L2-normalised (so the
/// similarity is a dot product). λ = 1 is pure relevance, λ = 0 pure diversity. Each picked
/// chunk keeps its original score.
///
/// ```
/// use llmops_rag::{ChunkRecord, Scored, fusion::mmr};
/// let s = |id: &str| Scored::new(ChunkRecord::new(id, "d", "v", "t", (0, 1)), 1.0);
/// let q = [1.0, 0.0];
/// let vecs = vec![vec![1.0, 0.0], vec![1.0, 0.0], vec![0.6, 0.8]];
/// let picked = mmr(&q, vec![s("a"), s("a-copy"), s("other")], &vecs, 2, 0.3).unwrap();
/// assert_eq!(picked[1].chunk.id, "other"); // the duplicate loses to a diverse chunk
/// ```
pub fn mmr(
    query: &[f32],
    candidates: Vec<Scored>,
    vectors: &[Vec<f32>],
    k: usize,
    lambda: f32,
) -> Result<Vec<Scored>> {
    if !(0.0..=1.0).contains(&lambda) {
        return Err(RagError::invalid(format!(
            "MMR lambda must be within 0..=1, got {lambda}"
        )));
    }
    if vectors.len() != candidates.len() {
        return Err(RagError::invalid(format!(
            "MMR got {} candidates but {} vectors",
            candidates.len(),
            vectors.len()
        )));
    }
    if let Some(v) = vectors.iter().find(|v| v.len() != query.len()) {
        return Err(RagError::Dimensions {
            expected: query.len(),
            got: v.len(),
        });
    }
    let relevance: Vec<f32> = vectors.iter().map(|v| dot(query, v)).collect();
    let mut max_sim = vec![f32::NEG_INFINITY; candidates.len()];
    let mut picked: Vec<usize> = Vec::with_capacity(k.min(candidates.len()));
    let mut taken = vec![false; candidates.len()];
    while picked.len() < k.min(candidates.len()) {
        let mut best: Option<(usize, f32)> = None;
        for i in 0..candidates.len() {
            if taken.get(i).copied().unwrap_or(true) {
                continue;
            }
            let rel = relevance.get(i).copied().unwrap_or(0.0);
            let div = match max_sim.get(i).copied() {
                Some(m) if m.is_finite() => m,
                _ => 0.0,
            };
            let score = lambda * rel - (1.0 - lambda) * div;
            if best.is_none_or(|(_, b)| score > b) {
                best = Some((i, score));
            }
        }
        let Some((i, _)) = best else { break };
        picked.push(i);
        if let Some(t) = taken.get_mut(i) {
            *t = true;
        }
        if let Some(vi) = vectors.get(i) {
            for (j, vj) in vectors.iter().enumerate() {
                let s = dot(vi, vj);
                if let Some(m) = max_sim.get_mut(j)
                    && s > *m
                {
                    *m = s;
                }
            }
        }
    }
    let mut slots: Vec<Option<Scored>> = candidates.into_iter().map(Some).collect();
    Ok(picked
        .into_iter()
        .filter_map(|i| slots.get_mut(i).and_then(Option::take))
        .collect())
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::ChunkRecord;

    fn s(id: &str, score: f32) -> Scored {
        Scored::new(ChunkRecord::new(id, "d", "v", "t", (0, 1)), score)
    }

    fn ids(v: &[Scored]) -> Vec<&str> {
        v.iter().map(|s| s.chunk.id.as_str()).collect()
    }

    #[test]
    fn rrf_matches_the_formula() {
        let a = vec![s("x", 9.0), s("y", 8.0), s("z", 7.0)];
        let b = vec![s("z", 1.0), s("x", 0.5)];
        let f = Fusion::Rrf { k: 60.0 }.fuse(&[a, b], 10).unwrap();
        assert_eq!(ids(&f), ["x", "z", "y"]);
        let x = 1.0 / 61.0 + 1.0 / 62.0;
        assert!((f[0].score - x).abs() < 1e-7);
        let z = 1.0 / 63.0 + 1.0 / 61.0;
        assert!((f[1].score - z).abs() < 1e-7);
    }

    #[test]
    fn weighted_normalises_each_list() {
        let dense = vec![s("a", 0.9), s("b", 0.5), s("c", 0.1)];
        let lexical = vec![s("c", 30.0), s("a", 10.0)];
        let f = Fusion::weighted(0.5).fuse(&[dense, lexical], 3).unwrap();
        // a: .5*1 + .5*0 = .5 ; b: .5*.5 = .25 ; c: .5*0 + .5*1 = .5 → a, c tie → id order
        assert_eq!(ids(&f), ["a", "c", "b"]);
        assert!((f[2].score - 0.25).abs() < 1e-6);
    }

    #[test]
    fn bad_parameters_are_typed_errors() {
        assert!(Fusion::Rrf { k: f32::NAN }.fuse(&[], 1).is_err());
        assert!(
            Fusion::Weighted {
                weights: [0.0, 0.0]
            }
            .fuse(&[], 1)
            .is_err()
        );
        assert!(
            Fusion::weighted(0.5)
                .fuse(&[vec![], vec![], vec![]], 1)
                .is_err()
        );
        assert!(mmr(&[1.0], vec![s("a", 1.0)], &[vec![1.0]], 1, 1.5).is_err());
        assert!(mmr(&[1.0], vec![s("a", 1.0)], &[], 1, 0.5).is_err());
        assert!(mmr(&[1.0], vec![s("a", 1.0)], &[vec![1.0, 0.0]], 1, 0.5).is_err());
    }

    #[test]
    fn mmr_lambda_one_is_relevance_order() {
        let q = [1.0, 0.0];
        let v = vec![vec![0.6, 0.8], vec![1.0, 0.0], vec![0.8, 0.6]];
        let out = mmr(&q, vec![s("a", 0.0), s("b", 0.0), s("c", 0.0)], &v, 3, 1.0).unwrap();
        assert_eq!(ids(&out), ["b", "c", "a"]);
    }
}
