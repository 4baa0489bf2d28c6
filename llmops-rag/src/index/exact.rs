//! [`ExactIndex`]: brute-force vector search, the ground truth the ANN index is measured
//! against.
//!
//! Layout: one contiguous row-major `Vec<f32>` (one row of `dims` floats per vector), a
//! row → slot table and a slot → row map; a delete moves the last row into the hole
//! (swap-remove), so the rows stay dense and a scan reads memory in order. Cosine vectors are
//! normalised on insert and the query on search, so every score is a dot product, written
//! (8 independent accumulators over fixed-size chunks) so that LLVM vectorises it on stable
//! Rust without `unsafe`. Top-k goes through a bounded min-heap; equal scores rank the lower
//! slot first, so results are deterministic.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::{BinaryHeap, HashMap};

use crate::index::VectorIndex;
use crate::store::Metric;
use crate::{RagError, Result};

/// Brute-force vector index over slots: exact top-k by cosine or dot product.
///
/// ```
/// use llmops_rag::index::{ExactIndex, VectorIndex};
/// use llmops_rag::Metric;
///
/// let mut idx = ExactIndex::new(2, Metric::Cosine);
/// idx.insert(0, &[1.0, 0.0])?;
/// idx.insert(1, &[0.0, 1.0])?;
/// idx.insert(2, &[1.0, 1.0])?;
/// let hits = idx.search(&[1.0, 0.1], 2, &|_| true)?;
/// assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), [0, 2]);
/// // filtered inside the search: slot 0 is neither returned nor counted
/// let hits = idx.search(&[1.0, 0.1], 2, &|slot| slot != 0)?;
/// assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), [2, 1]);
/// # Ok::<(), llmops_rag::RagError>(())
/// ```
#[derive(Debug, Clone)]
pub struct ExactIndex {
    dims: usize,
    metric: Metric,
    /// Row-major vectors, `rows.len() == row_slot.len() * dims`.
    rows: Vec<f32>,
    /// The slot of each row.
    row_slot: Vec<u32>,
    /// The row of each slot.
    slot_row: HashMap<u32, u32>,
}

impl ExactIndex {
    /// An empty index of `dims`-long vectors ranked by `metric`.
    ///
    /// `dims` must be at least 1 for inserts and searches to succeed (a zero-length vector is
    /// refused with [`RagError::Invalid`]).
    pub fn new(dims: usize, metric: Metric) -> Self {
        ExactIndex {
            dims,
            metric,
            rows: Vec::new(),
            row_slot: Vec::new(),
            slot_row: HashMap::new(),
        }
    }

    /// An index filled from `(slot, vector)` pairs, as persisted (a later pair for the same
    /// slot replaces the earlier one).
    ///
    /// ```
    /// use llmops_rag::index::{ExactIndex, VectorIndex};
    /// use llmops_rag::Metric;
    /// let idx = ExactIndex::build(2, Metric::Dot, [(7, vec![1.0, 2.0]), (9, vec![3.0, 4.0])])?;
    /// assert_eq!(idx.vector(9), Some(&[3.0, 4.0][..]));
    /// # Ok::<(), llmops_rag::RagError>(())
    /// ```
    pub fn build<V: AsRef<[f32]>>(
        dims: usize,
        metric: Metric,
        vectors: impl IntoIterator<Item = (u32, V)>,
    ) -> Result<Self> {
        let vectors = vectors.into_iter();
        let mut idx = ExactIndex::new(dims, metric);
        let (lower, _) = vectors.size_hint();
        idx.rows.reserve(lower.saturating_mul(dims));
        idx.row_slot.reserve(lower);
        idx.slot_row.reserve(lower);
        for (slot, v) in vectors {
            idx.insert(slot, v.as_ref())?;
        }
        Ok(idx)
    }

    /// The slots held, in row order (not sorted).
    pub fn slots(&self) -> impl ExactSizeIterator<Item = u32> + '_ {
        self.row_slot.iter().copied()
    }

    /// Every `(slot, vector)` pair held, in row order: what to persist.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &[f32])> + '_ {
        self.row_slot
            .iter()
            .copied()
            .zip(self.rows.chunks_exact(self.dims.max(1)))
    }

    /// Whether `slot` is held.
    pub fn contains(&self, slot: u32) -> bool {
        self.slot_row.contains_key(&slot)
    }

    /// Checks and prepares a query (normalised for cosine).
    pub(crate) fn prepare<'a>(&self, v: &'a [f32]) -> Result<Cow<'a, [f32]>> {
        prepare(self.dims, self.metric, v)
    }

    /// Exact top-k of an already prepared query.
    pub(crate) fn search_prepared(
        &self,
        q: &[f32],
        k: usize,
        allow: &dyn Fn(u32) -> bool,
    ) -> Vec<(u32, f32)> {
        let mut top = TopK::new(k);
        if k == 0 {
            return Vec::new();
        }
        // Score first, ask `allow` only of a row that would enter the top k: a filtered scan
        // then costs an unfiltered one plus a few predicate calls per result, where the
        // predicate (a metadata and access check) is dearer than a dot product.
        for (row, &slot) in self.rows.chunks_exact(self.dims.max(1)).zip(&self.row_slot) {
            let score = dot(q, row);
            if top.admits(slot, score) && allow(slot) {
                top.push(slot, score);
            }
        }
        top.into_sorted()
    }

    /// The slots of a sample of at most `n` rows spread over the index (deterministic
    /// stride), for estimating how selective a predicate is.
    pub(crate) fn sample_slots(&self, n: usize) -> impl Iterator<Item = u32> + '_ {
        let len = self.row_slot.len();
        let step = if n == 0 {
            len.max(1)
        } else {
            len.div_ceil(n).max(1)
        };
        self.row_slot.iter().step_by(step).copied()
    }
}

impl VectorIndex for ExactIndex {
    fn name(&self) -> &str {
        "exact"
    }

    fn dims(&self) -> usize {
        self.dims
    }

    fn metric(&self) -> Metric {
        self.metric
    }

    fn insert(&mut self, slot: u32, vector: &[f32]) -> Result<()> {
        let v = prepare(self.dims, self.metric, vector)?;
        let dims = self.dims;
        match self.slot_row.get(&slot) {
            Some(&row) => {
                let start = row as usize * dims;
                if let Some(dst) = self.rows.get_mut(start..start + dims) {
                    dst.copy_from_slice(&v);
                }
            }
            None => {
                let row = u32::try_from(self.row_slot.len())
                    .map_err(|_| RagError::invalid("an index holds at most 2^32 vectors"))?;
                self.rows.extend_from_slice(&v);
                self.row_slot.push(slot);
                self.slot_row.insert(slot, row);
            }
        }
        Ok(())
    }

    fn remove(&mut self, slot: u32) {
        let Some(row) = self.slot_row.remove(&slot) else {
            return;
        };
        let row = row as usize;
        let last = self.row_slot.len() - 1;
        let dims = self.dims;
        if row != last {
            self.rows
                .copy_within(last * dims..(last + 1) * dims, row * dims);
            if let Some(&moved) = self.row_slot.get(last) {
                if let Some(s) = self.row_slot.get_mut(row) {
                    *s = moved;
                }
                // `row` fits in u32: it is below a length that did
                self.slot_row.insert(moved, row as u32);
            }
        }
        self.row_slot.truncate(last);
        self.rows.truncate(last * dims);
    }

    fn search(
        &self,
        query: &[f32],
        k: usize,
        allow: &dyn Fn(u32) -> bool,
    ) -> Result<Vec<(u32, f32)>> {
        let q = self.prepare(query)?;
        Ok(self.search_prepared(&q, k, allow))
    }

    fn vector(&self, slot: u32) -> Option<&[f32]> {
        let start = *self.slot_row.get(&slot)? as usize * self.dims;
        self.rows.get(start..start + self.dims)
    }

    fn len(&self) -> usize {
        self.row_slot.len()
    }
}

/// Checks `v` against the index's rules and returns it as stored: normalised for cosine,
/// as given for dot.
///
/// Rules: length `dims` ([`RagError::Dimensions`]); not empty, every component finite, squared
/// norm finite in `f32` (so no dot product overflows), and for cosine not the zero vector
/// ([`RagError::Invalid`]).
pub(crate) fn prepare(dims: usize, metric: Metric, v: &[f32]) -> Result<Cow<'_, [f32]>> {
    if v.len() != dims {
        return Err(RagError::Dimensions {
            expected: dims,
            got: v.len(),
        });
    }
    if dims == 0 {
        return Err(RagError::invalid("a vector needs at least one dimension"));
    }
    if let Some(i) = v.iter().position(|x| !x.is_finite()) {
        return Err(RagError::invalid(format!(
            "vector component {i} is not finite ({})",
            v.get(i).copied().unwrap_or(f32::NAN)
        )));
    }
    // in f64 so that large components cannot overflow the check itself
    let sq: f64 = v.iter().map(|&x| f64::from(x) * f64::from(x)).sum();
    if sq > f64::from(f32::MAX) {
        return Err(RagError::invalid(format!(
            "vector norm {:.3e} is too large (squared norm overflows f32)",
            sq.sqrt()
        )));
    }
    match metric {
        Metric::Dot => Ok(Cow::Borrowed(v)),
        Metric::Cosine => {
            if sq == 0.0 {
                return Err(RagError::invalid(
                    "the zero vector has no direction (cosine similarity undefined)",
                ));
            }
            let inv = 1.0 / sq.sqrt();
            Ok(Cow::Owned(
                v.iter().map(|&x| (f64::from(x) * inv) as f32).collect(),
            ))
        }
    }
}

/// Dot product of two equally long slices, in a shape LLVM vectorises: 8 independent
/// accumulators over fixed 8-float chunks, then the tail.
pub(crate) fn dot(a: &[f32], b: &[f32]) -> f32 {
    let (ca, ta) = a.as_chunks::<8>();
    let (cb, tb) = b.as_chunks::<8>();
    let mut acc = [0.0f32; 8];
    for (x, y) in ca.iter().zip(cb) {
        for ((s, &x), &y) in acc.iter_mut().zip(x).zip(y) {
            *s += x * y;
        }
    }
    let tail: f32 = ta.iter().zip(tb).map(|(&x, &y)| x * y).sum();
    let [a0, a1, a2, a3, a4, a5, a6, a7] = acc;
    ((a0 + a4) + (a1 + a5)) + ((a2 + a6) + (a3 + a7)) + tail
}

/// A result candidate ordered so that the heap's maximum is the *worst* kept one: lower
/// score, and on equal scores the higher slot.
#[derive(Debug, Clone, Copy)]
struct Worst(f32, u32);

impl PartialEq for Worst {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Worst {}
impl PartialOrd for Worst {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Worst {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
    }
}

/// Bounded top-k: keeps the `k` best `(slot, score)` pairs seen.
#[derive(Debug)]
pub(crate) struct TopK {
    k: usize,
    heap: BinaryHeap<Worst>,
}

impl TopK {
    /// Room for `k`.
    pub(crate) fn new(k: usize) -> Self {
        TopK {
            k,
            heap: BinaryHeap::with_capacity(k.min(4096) + 1),
        }
    }

    /// Whether a candidate would be kept now.
    pub(crate) fn admits(&self, slot: u32, score: f32) -> bool {
        self.heap.len() < self.k || self.heap.peek().is_some_and(|w| Worst(score, slot) < *w)
    }

    /// Offers a candidate.
    pub(crate) fn push(&mut self, slot: u32, score: f32) {
        let c = Worst(score, slot);
        if self.heap.len() < self.k {
            self.heap.push(c);
        } else if let Some(mut worst) = self.heap.peek_mut()
            && c < *worst
        {
            *worst = c;
        }
    }

    /// Best first; equal scores by ascending slot.
    pub(crate) fn into_sorted(self) -> Vec<(u32, f32)> {
        // ascending by `Worst` order = best first
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|Worst(score, slot)| (slot, score))
            .collect()
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    /// A deterministic vector generator (splitmix64).
    fn vectors(n: usize, dims: usize, seed: u64) -> Vec<Vec<f32>> {
        let mut s = seed;
        let mut next = move || {
            s = s.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = s;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^= z >> 31;
            (z >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
        };
        (0..n)
            .map(|_| (0..dims).map(|_| next()).collect())
            .collect()
    }

    fn naive(
        vs: &[(u32, Vec<f32>)],
        q: &[f32],
        k: usize,
        metric: Metric,
        allow: impl Fn(u32) -> bool,
    ) -> Vec<(u32, f32)> {
        let norm = |v: &[f32]| v.iter().map(|x| x * x).sum::<f32>().sqrt();
        let mut all: Vec<(u32, f32)> = vs
            .iter()
            .filter(|(s, _)| allow(*s))
            .map(|(s, v)| {
                let d: f32 = v.iter().zip(q).map(|(a, b)| a * b).sum();
                let score = match metric {
                    Metric::Cosine => d / (norm(v) * norm(q)),
                    _ => d,
                };
                (*s, score)
            })
            .collect();
        all.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));
        all.truncate(k);
        all
    }

    #[test]
    fn dot_matches_scalar_for_every_length() {
        for len in [1usize, 7, 8, 9, 16, 31, 384] {
            let v = vectors(2, len, len as u64);
            let want: f64 = v[0]
                .iter()
                .zip(&v[1])
                .map(|(&a, &b)| f64::from(a) * f64::from(b))
                .sum();
            assert!(
                (f64::from(dot(&v[0], &v[1])) - want).abs() < 1e-4,
                "len {len}"
            );
        }
    }

    #[test]
    fn top_k_matches_a_naive_sort() {
        for metric in [Metric::Cosine, Metric::Dot] {
            let data: Vec<(u32, Vec<f32>)> = vectors(500, 37, 1)
                .into_iter()
                .enumerate()
                .map(|(i, v)| (i as u32 * 3, v))
                .collect();
            let idx = ExactIndex::build(37, metric, data.clone()).unwrap();
            assert_eq!(idx.len(), 500);
            for (qi, q) in vectors(20, 37, 2).iter().enumerate() {
                let allow = |s: u32| qi % 2 == 0 || s.is_multiple_of(7);
                let got = idx.search(q, 10, &allow).unwrap();
                let want = naive(&data, q, 10, metric, allow);
                let ids = |r: &[(u32, f32)]| r.iter().map(|x| x.0).collect::<Vec<_>>();
                assert_eq!(ids(&got), ids(&want), "{metric:?} query {qi}");
                for (g, w) in got.iter().zip(&want) {
                    assert!((g.1 - w.1).abs() < 1e-4);
                }
            }
        }
    }

    #[test]
    fn equal_scores_rank_the_lower_slot_first() {
        let mut idx = ExactIndex::new(2, Metric::Dot);
        for slot in [9, 3, 5, 1, 7] {
            idx.insert(slot, &[1.0, 0.0]).unwrap();
        }
        idx.insert(4, &[2.0, 0.0]).unwrap();
        let got = idx.search(&[1.0, 0.0], 4, &|_| true).unwrap();
        assert_eq!(got, vec![(4, 2.0), (1, 1.0), (3, 1.0), (5, 1.0)]);
    }

    #[test]
    fn filtered_slots_are_not_counted_towards_k() {
        let mut idx = ExactIndex::new(1, Metric::Dot);
        for slot in 0..10 {
            idx.insert(slot, &[slot as f32]).unwrap();
        }
        let got = idx.search(&[1.0], 3, &|s| s % 2 == 0).unwrap();
        assert_eq!(got.iter().map(|x| x.0).collect::<Vec<_>>(), [8, 6, 4]);
        assert!(idx.search(&[1.0], 3, &|_| false).unwrap().is_empty());
        assert!(idx.search(&[1.0], 0, &|_| true).unwrap().is_empty());
    }

    #[test]
    fn allow_is_asked_only_of_rows_that_would_rank() {
        let data: Vec<(u32, Vec<f32>)> = vectors(2_000, 16, 5)
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i as u32, v))
            .collect();
        let idx = ExactIndex::build(16, Metric::Cosine, data.clone()).unwrap();
        let calls = std::cell::Cell::new(0usize);
        let allow = |s: u32| {
            calls.set(calls.get() + 1);
            s % 10 == 3
        };
        let q = &vectors(1, 16, 6)[0];
        let got = idx.search(q, 10, &allow).unwrap();
        let want = naive(&data, q, 10, Metric::Cosine, |s| s % 10 == 3);
        let ids = |r: &[(u32, f32)]| r.iter().map(|x| x.0).collect::<Vec<_>>();
        assert_eq!(ids(&got), ids(&want));
        assert!(calls.get() < 1_000, "{} predicate calls", calls.get());
    }

    #[test]
    fn search_among_scores_only_the_candidates() {
        let data: Vec<(u32, Vec<f32>)> = vectors(300, 8, 7)
            .into_iter()
            .enumerate()
            .map(|(i, v)| (i as u32, v))
            .collect();
        let idx = ExactIndex::build(8, Metric::Dot, data.clone()).unwrap();
        let q = &vectors(1, 8, 8)[0];
        let candidates: Vec<u32> = (0..300).filter(|s| s % 7 == 0).collect();
        let mut with_noise = candidates.clone();
        with_noise.extend([14, 14, 5_000]); // repeated and absent slots are skipped
        let got = idx.search_among(q, 5, &with_noise).unwrap();
        assert_eq!(got, idx.search(q, 5, &|s| s % 7 == 0).unwrap());
        assert!(matches!(
            idx.search_among(&[1.0], 5, &candidates),
            Err(RagError::Dimensions { .. })
        ));
    }

    #[test]
    fn remove_and_reinsert_keep_rows_consistent() {
        let data = vectors(50, 5, 3);
        let mut idx = ExactIndex::new(5, Metric::Dot);
        for (i, v) in data.iter().enumerate() {
            idx.insert(i as u32, v).unwrap();
        }
        for s in [0u32, 49, 10, 11, 10, 1000] {
            idx.remove(s);
        }
        assert_eq!(idx.len(), 46);
        assert!(!idx.contains(10) && !idx.contains(0) && !idx.contains(49));
        for s in idx.slots().collect::<Vec<_>>() {
            assert_eq!(idx.vector(s).unwrap(), &data[s as usize][..]);
        }
        // replace in place, reinsert a removed slot
        idx.insert(5, &data[0]).unwrap();
        idx.insert(10, &data[10]).unwrap();
        assert_eq!(idx.len(), 47);
        assert_eq!(idx.vector(5).unwrap(), &data[0][..]);
        let got = idx.search(&data[10], 47, &|_| true).unwrap();
        assert_eq!(got.len(), 47);
        assert!(got.iter().any(|h| h.0 == 10));
        let pairs: Vec<(u32, Vec<f32>)> = idx.iter().map(|(s, v)| (s, v.to_vec())).collect();
        let rebuilt = ExactIndex::build(5, Metric::Dot, pairs).unwrap();
        assert_eq!(
            rebuilt.search(&data[3], 5, &|_| true).unwrap(),
            idx.search(&data[3], 5, &|_| true).unwrap()
        );
        for s in idx.slots().collect::<Vec<_>>() {
            idx.remove(s);
        }
        assert!(idx.is_empty());
        assert!(idx.search(&data[3], 5, &|_| true).unwrap().is_empty());
    }

    #[test]
    fn cosine_stores_normalised_vectors() {
        let mut idx = ExactIndex::new(2, Metric::Cosine);
        idx.insert(0, &[3.0, 4.0]).unwrap();
        let v = idx.vector(0).unwrap();
        assert!((v[0] - 0.6).abs() < 1e-6 && (v[1] - 0.8).abs() < 1e-6);
        let got = idx.search(&[30.0, 40.0], 1, &|_| true).unwrap();
        assert!((got[0].1 - 1.0).abs() < 1e-6);
    }

    #[test]
    fn bad_vectors_are_typed_errors() {
        let mut idx = ExactIndex::new(3, Metric::Cosine);
        assert!(matches!(
            idx.insert(0, &[1.0, 2.0]),
            Err(RagError::Dimensions {
                expected: 3,
                got: 2
            })
        ));
        assert!(matches!(
            idx.insert(0, &[1.0, f32::NAN, 0.0]),
            Err(RagError::Invalid(_))
        ));
        assert!(matches!(
            idx.insert(0, &[1.0, f32::INFINITY, 0.0]),
            Err(RagError::Invalid(_))
        ));
        assert!(matches!(
            idx.insert(0, &[0.0, 0.0, 0.0]),
            Err(RagError::Invalid(_))
        ));
        assert!(matches!(
            idx.insert(0, &[3e19, 3e19, 0.0]),
            Err(RagError::Invalid(_))
        ));
        assert!(matches!(
            idx.search(&[0.0, 0.0, 0.0], 1, &|_| true),
            Err(RagError::Invalid(_))
        ));
        assert!(matches!(
            idx.search(&[1.0], 1, &|_| true),
            Err(RagError::Dimensions { .. })
        ));
        assert!(idx.is_empty());
        // the zero vector is fine under dot
        let mut dot_idx = ExactIndex::new(3, Metric::Dot);
        dot_idx.insert(0, &[0.0, 0.0, 0.0]).unwrap();
        assert_eq!(
            dot_idx
                .search(&[0.0, 0.0, 0.0], 1, &|_| true)
                .unwrap()
                .len(),
            1
        );
        assert!(matches!(
            ExactIndex::new(0, Metric::Dot).insert(0, &[]),
            Err(RagError::Invalid(_))
        ));
    }
}
