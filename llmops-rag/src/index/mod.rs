//! In-memory indexes: [`ExactIndex`] and [`HnswIndex`] for vectors, [`Bm25Index`] for text.
//!
//! They index *slots* (dense `u32` ids handed out by the owner, see `MemoryStore`)
//! and take an `allow` predicate evaluated inside the search, so filtered-out slots are
//! neither returned nor counted towards `k`.

pub mod bm25;
mod exact;
mod hnsw;

pub use bm25::{Analyzer, Bm25Index, Bm25Method, Bm25Params, Bm25Stats, LengthNorm, Stemmer};
pub use exact::ExactIndex;
pub use hnsw::{HnswIndex, HnswParams};

use crate::Result;
use crate::store::Metric;

/// A vector index over slots.
pub trait VectorIndex: Send + Sync + 'static {
    /// A short name (`exact`, `hnsw`).
    fn name(&self) -> &str;
    /// Vector length.
    fn dims(&self) -> usize;
    /// The similarity it ranks by.
    fn metric(&self) -> Metric;
    /// Adds (or replaces) the vector of `slot`.
    fn insert(&mut self, slot: u32, vector: &[f32]) -> Result<()>;
    /// Removes `slot`; a no-op when absent.
    fn remove(&mut self, slot: u32);
    /// The `k` best slots for `query` among those `allow` accepts, best first, with their
    /// similarity (higher is better).
    fn search(
        &self,
        query: &[f32],
        k: usize,
        allow: &dyn Fn(u32) -> bool,
    ) -> Result<Vec<(u32, f32)>>;
    /// The `k` best of `candidates`, scored exactly, best first (equal scores: lower slot
    /// first). For a selective filter the owner can resolve to a short list of slots itself
    /// (a metadata posting list, one tenant's slots): it costs one dot product per candidate
    /// instead of a scan. Absent and repeated slots are skipped.
    fn search_among(&self, query: &[f32], k: usize, candidates: &[u32]) -> Result<Vec<(u32, f32)>> {
        let q = exact::prepare(self.dims(), self.metric(), query)?;
        let mut top = exact::TopK::new(k);
        let mut seen = std::collections::HashSet::with_capacity(candidates.len());
        for &slot in candidates {
            if let Some(v) = self.vector(slot)
                && seen.insert(slot)
            {
                top.push(slot, exact::dot(&q, v));
            }
        }
        Ok(top.into_sorted())
    }
    /// The stored vector of `slot` (normalised for cosine), for persistence and MMR.
    fn vector(&self, slot: u32) -> Option<&[f32]>;
    /// How many vectors it holds.
    fn len(&self) -> usize;
    /// Whether it is empty.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
}
