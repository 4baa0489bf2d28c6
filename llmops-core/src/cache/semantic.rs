//! The semantic index: per scope, the vectors of stored questions and the keys of their exact
//! entries; a lookup is a brute-force cosine scan of one scope.
//!
//! A scope is the exact key of the request with its last user message left out and the
//! embedder's id put in (tenant, model, prompt version, parameters, tools, the rest of the
//! conversation): only the last user message may differ between a request and the entry that
//! answers it. Scopes are bounded in number (moka, least recently used out) and in rows
//! (oldest out); each scope has its own lock, so lookups in different scopes never wait on
//! each other.
//!
//! The scan reads an 8-bit copy of each vector (a quarter of the memory traffic of the floats:
//! the scan is memory bound) to shortlist the rows within [`MARGIN`] of the threshold, then
//! scores the shortlist exactly on the floats: the similarities reported and the threshold
//! decision are the exact ones. Beyond tens of thousands of rows per scope, keep scopes
//! narrower (per prompt version, per user) or put a vector index in front.

use std::collections::VecDeque;
use std::sync::{Arc, RwLock};

use super::key::CacheKey;
use crate::Result;
use crate::embed::Embedder;

/// One stored question.
struct Row {
    /// The unit vector, quantised: `round(x × 127)`.
    quantised: Box<[i8]>,
    /// The unit vector.
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

/// Rows shortlisted on the 8-bit scan and scored exactly.
const SHORTLIST: usize = 16;

/// How far below the threshold an 8-bit similarity may fall and the row still be scored
/// exactly. Rounding each component of two unit vectors to 1/127 moves their dot product by
/// 0.003 (one standard deviation, errors independent; 0.014 at worst over 4,000 pairs of 384
/// dims in the tests): 0.05 is over fifteen standard deviations.
const MARGIN: f32 = 0.05;

/// 127²: an 8-bit dot product over this is the similarity.
const SCALE2: f32 = 127.0 * 127.0;

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
        let q = quantise(v);
        // the 8-bit scan: the best SHORTLIST rows within MARGIN of the threshold
        let floor = ((self.threshold - MARGIN) * SCALE2).floor() as i32;
        let mut short: Vec<(usize, i32)> = Vec::with_capacity(SHORTLIST + 1);
        for (i, r) in rows.iter().enumerate() {
            let d = dot_i8(&r.quantised, &q);
            if d < floor || short.len() == SHORTLIST && short.last().is_some_and(|b| b.1 >= d) {
                continue;
            }
            let at = short.iter().position(|b| b.1 < d).unwrap_or(short.len());
            short.insert(at, (i, d));
            short.truncate(SHORTLIST);
        }
        // exact scores of the shortlist; rounding can take the cosine of unit vectors just
        // past 1
        let mut best: Vec<(usize, f32)> = short
            .into_iter()
            .filter_map(|(i, _)| rows.get(i).map(|r| (i, dot(&r.vector, v).min(1.0))))
            .filter(|(_, sim)| *sim >= self.threshold)
            .collect();
        best.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        best.truncate(CANDIDATES);
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
            quantised: quantise(&v),
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

/// A unit vector in 8 bits: `round(x × 127)`, clamped.
fn quantise(v: &[f32]) -> Box<[i8]> {
    v.iter()
        .map(|x| (x * 127.0).round().clamp(-127.0, 127.0) as i8)
        .collect()
}

/// The dot product of two 8-bit vectors, in 32-bit lanes (vectorised by the compiler).
fn dot_i8(a: &[i8], b: &[i8]) -> i32 {
    let mut acc = [0i32; 16];
    let (ca, cb) = (a.chunks_exact(16), b.chunks_exact(16));
    let tail: i32 = ca
        .remainder()
        .iter()
        .zip(cb.remainder())
        .map(|(x, y)| i32::from(*x) * i32::from(*y))
        .sum();
    for (x, y) in ca.zip(cb) {
        for ((s, p), q) in acc.iter_mut().zip(x).zip(y) {
            *s += i32::from(*p) * i32::from(*q);
        }
    }
    acc.iter().sum::<i32>() + tail
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
    fn the_8_bit_similarity_stays_within_a_fraction_of_the_margin() {
        let mut x = 0x9e37_79b9_7f4a_7c15_u64;
        let mut unit = |n: usize| {
            let v: Vec<f32> = (0..n)
                .map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    (x % 2001) as f32 / 1000.0 - 1.0
                })
                .collect();
            normalised(v).unwrap()
        };
        let mut worst = 0f32;
        for _ in 0..2000 {
            let (a, b) = (unit(384), unit(384));
            // a near neighbour too: b moved towards a
            let c = normalised(a.iter().zip(&b).map(|(p, q)| p * 0.9 + q * 0.1).collect()).unwrap();
            for o in [&b, &c] {
                let exact = dot(&a, o);
                let approx = dot_i8(&quantise(&a), &quantise(o)) as f32 / SCALE2;
                worst = worst.max((exact - approx).abs());
            }
        }
        assert!(worst < MARGIN / 2.0, "worst 8-bit error {worst}");
        let a: Vec<i8> = (0..37).map(|i| (i * 7 % 255 - 127) as i8).collect();
        let plain: i32 = a.iter().map(|x| i32::from(*x) * i32::from(*x)).sum();
        assert_eq!(dot_i8(&a, &a), plain);
    }

    #[tokio::test]
    async fn the_shortlist_finds_the_exact_best_among_many_rows() {
        let s = Semantic::new(Arc::new(HashingEmbedder::new(384)), 0.8, 5000, 10);
        let scope = key(1);
        for i in 0..2000u128 {
            let v = s
                .embed(&format!(
                    "question number {i} about topic {}",
                    i * 7919 % 1000
                ))
                .await
                .unwrap();
            s.insert(&scope, v, key(1000 + i));
        }
        let q = s
            .embed("question number 1234 about topic 46")
            .await
            .unwrap();
        let hits = s.nearest(&scope, &q);
        // brute force on the floats agrees
        let rows = s.scopes.get(&scope.hash).unwrap();
        let rows = rows.rows.read().unwrap();
        let mut exact: Vec<(CacheKey, f32)> = rows
            .iter()
            .map(|r| (r.key.clone(), dot(&r.vector, &q).min(1.0)))
            .filter(|(_, sim)| *sim >= 0.8)
            .collect();
        exact.sort_by(|a, b| b.1.total_cmp(&a.1));
        exact.truncate(CANDIDATES);
        assert_eq!(hits, exact);
        assert_eq!(hits.len(), CANDIDATES);
        assert_eq!(hits[0].0, key(1000 + 1234), "the same question first");
        assert!(hits[0].1 > 0.999, "{hits:?}");
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
