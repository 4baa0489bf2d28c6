//! The semantic index: per scope, the vectors of stored questions and the keys of their exact
//! entries; a lookup is a brute-force cosine scan of one scope.
//!
//! A scope is the exact key of the request with its last user message left out and the
//! embedder's id put in (tenant, model, prompt version, parameters, tools, the rest of the
//! conversation): only the last user message may differ between a request and the entry that
//! answers it. Scopes are bounded in number (moka, least recently used out) and in rows
//! (oldest out); each scope has its own lock, so lookups in different scopes never wait on
//! each other. A scan of 10,000 rows of 384 floats is a few milliseconds: beyond that, keep
//! scopes narrower (per prompt version, per user) or put a vector index in front.

use std::collections::VecDeque;
use std::sync::{Arc, RwLock};

use super::key::CacheKey;
use crate::Result;
use crate::embed::Embedder;

/// One stored question.
struct Row {
    vector: Box<[f32]>,
    key: CacheKey,
}

#[derive(Default)]
struct Scope {
    rows: RwLock<VecDeque<Row>>,
}

/// Semantic matching over an [`Embedder`].
pub(crate) struct Semantic {
    pub(crate) embedder: Arc<dyn Embedder>,
    pub(crate) threshold: f32,
    max_rows: usize,
    scopes: moka::sync::Cache<u128, Arc<Scope>>,
}

impl std::fmt::Debug for Semantic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Semantic")
            .field("embedder", &self.embedder.id())
            .field("threshold", &self.threshold)
            .field("max_rows", &self.max_rows)
            .field("scopes", &self.scopes.entry_count())
            .finish()
    }
}

/// Candidates tried per lookup (the best first): a candidate whose exact entry expired or was
/// refused gives way to the next.
const CANDIDATES: usize = 3;

impl Semantic {
    pub(crate) fn new(
        embedder: Arc<dyn Embedder>,
        threshold: f32,
        max_rows: usize,
        max_scopes: u64,
    ) -> Self {
        Semantic {
            embedder,
            threshold,
            max_rows: max_rows.max(1),
            scopes: moka::sync::Cache::new(max_scopes.max(1)),
        }
    }

    /// The unit vector of `text`.
    pub(crate) async fn embed(&self, text: &str) -> Result<Vec<f32>> {
        let mut out = self.embedder.embed(&[text]).await?;
        let v = out.pop().filter(|_| out.is_empty()).ok_or_else(|| {
            crate::Error::extension("cache", "the embedder returned no vector for one text")
        })?;
        if v.len() != self.embedder.dims() {
            return Err(crate::Error::extension(
                "cache",
                format!(
                    "embedder `{}` returned {} dims, says {}",
                    self.embedder.id(),
                    v.len(),
                    self.embedder.dims()
                ),
            ));
        }
        normalised(v).ok_or_else(|| {
            crate::Error::extension("cache", "the embedder returned a zero or non-finite vector")
        })
    }

    /// The best rows of `scope` at or above the threshold, best first, with their similarity.
    pub(crate) fn nearest(&self, scope: &CacheKey, v: &[f32]) -> Vec<(CacheKey, f32)> {
        let Some(s) = self.scopes.get(&scope.hash) else {
            return Vec::new();
        };
        let rows = match s.rows.read() {
            Ok(r) => r,
            Err(p) => p.into_inner(),
        };
        let mut best: Vec<(usize, f32)> = Vec::with_capacity(CANDIDATES + 1);
        for (i, r) in rows.iter().enumerate() {
            // rounding can take the cosine of unit vectors just past 1
            let sim = dot(&r.vector, v).min(1.0);
            if sim < self.threshold
                || best.len() == CANDIDATES && best.last().is_some_and(|b| b.1 >= sim)
            {
                continue;
            }
            let at = best.iter().position(|b| b.1 < sim).unwrap_or(best.len());
            best.insert(at, (i, sim));
            best.truncate(CANDIDATES);
        }
        best.into_iter()
            .filter_map(|(i, sim)| rows.get(i).map(|r| (r.key.clone(), sim)))
            .collect()
    }

    /// Adds (or refreshes) the row of `key` in `scope`.
    pub(crate) fn insert(&self, scope: &CacheKey, v: Vec<f32>, key: CacheKey) {
        let s = self.scopes.get_with(scope.hash, Arc::default);
        let mut rows = match s.rows.write() {
            Ok(r) => r,
            Err(p) => p.into_inner(),
        };
        rows.retain(|r| r.key != key);
        rows.push_back(Row {
            vector: v.into_boxed_slice(),
            key,
        });
        while rows.len() > self.max_rows {
            rows.pop_front();
        }
    }

    /// Drops the row of `key` (its exact entry is gone).
    pub(crate) fn remove(&self, scope: &CacheKey, key: &CacheKey) {
        if let Some(s) = self.scopes.get(&scope.hash) {
            let mut rows = match s.rows.write() {
                Ok(r) => r,
                Err(p) => p.into_inner(),
            };
            rows.retain(|r| &r.key != key);
        }
    }

    /// Drops every scope (rows of one tenant cannot be told apart by scope hash alone, so a
    /// tenant clear drops that tenant's rows scope by scope).
    pub(crate) fn clear(&self, tenant: Option<Option<&str>>) {
        match tenant {
            None => self.scopes.invalidate_all(),
            Some(t) => {
                for (_, s) in self.scopes.iter() {
                    let mut rows = match s.rows.write() {
                        Ok(r) => r,
                        Err(p) => p.into_inner(),
                    };
                    rows.retain(|r| r.key.tenant.as_deref() != t);
                }
            }
        }
    }
}

/// Dot product in eight independent lanes (which the compiler turns into SIMD; a plain
/// `zip().sum()` is one serial chain of additions).
fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; 8];
    let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
    let tail: f32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| x * y)
        .sum();
    for (x, y) in ca.zip(cb) {
        for ((s, p), q) in acc.iter_mut().zip(x).zip(y) {
            *s += p * q;
        }
    }
    acc.iter().sum::<f32>() + tail
}

fn normalised(mut v: Vec<f32>) -> Option<Vec<f32>> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if !n.is_finite() || n == 0.0 {
        return None;
    }
    for x in v.iter_mut() {
        *x /= n;
    }
    Some(v)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::HashingEmbedder;

    fn key(h: u128) -> CacheKey {
        CacheKey {
            tenant: Some("t".into()),
            hash: h,
        }
    }

    #[tokio::test]
    async fn nearest_above_threshold_best_first_and_bounded_rows() {
        let s = Semantic::new(Arc::new(HashingEmbedder::new(256)), 0.5, 3, 10);
        let scope = key(1);
        for (i, t) in [
            "the cat sat on the mat",
            "quantum flux capacitor",
            "the cat sat on a mat",
        ]
        .iter()
        .enumerate()
        {
            let v = s.embed(t).await.unwrap();
            s.insert(&scope, v, key(100 + i as u128));
        }
        let q = s.embed("the cat sat on the mat").await.unwrap();
        let hits = s.nearest(&scope, &q);
        assert_eq!(hits.len(), 2, "{hits:?}");
        assert_eq!(hits[0].0, key(100));
        assert!(hits[0].1 > 0.99 && hits[1].1 < hits[0].1);
        assert!(
            s.nearest(&key(2), &q).is_empty(),
            "another scope sees nothing"
        );
        // a fourth row pushes out the oldest
        let v = s.embed("dogs bark").await.unwrap();
        s.insert(&scope, v, key(200));
        assert!(s.nearest(&scope, &q).iter().all(|(k, _)| *k != key(100)));
        s.remove(&scope, &key(102));
        assert!(s.nearest(&scope, &q).is_empty());
    }

    #[test]
    fn zero_vectors_are_refused() {
        assert!(normalised(vec![0.0, 0.0]).is_none());
        assert!(normalised(vec![f32::NAN]).is_none());
        let v = normalised(vec![3.0, 4.0]).unwrap();
        assert!((dot(&v, &v) - 1.0).abs() < 1e-6);
        let a: Vec<f32> = (0..21).map(|i| i as f32).collect();
        let plain: f32 = a.iter().map(|x| x * x).sum();
        assert_eq!(dot(&a, &a), plain);
    }
}
