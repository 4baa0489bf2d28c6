//! [`CachedEmbedder`]: an embedding cache in front of any [`Embedder`].

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use llmops_core::Embedder;
use moka::sync::Cache;
use sha2::{Digest, Sha256};

use crate::{RagError, Result};

/// Cache key: the embedder's id and the SHA-256 of the text. The id is part of the key, so
/// vectors of two models never answer for each other.
type Key = (Arc<str>, [u8; 32]);

/// An embedding cache in front of any [`Embedder`], transparent to its callers.
///
/// - Entries are keyed by the inner embedder's [`id`](Embedder::id) and the SHA-256 of the
///   text; values are shared `Arc<[f32]>` vectors. The cache is a bounded
///   [moka](https://docs.rs/moka) cache of `capacity` entries (TinyLFU admission, LRU
///   eviction); memory is about `capacity × dims × 4` bytes.
/// - One call embeds each distinct text once: repeats within a call are served by the first
///   copy ([`CacheStats::deduplicated`]).
/// - Misses go to the inner embedder in batches of at most `batch_size` texts, in order.
/// - The inner embedder's output is checked: one vector per text
///   ([`RagError::VectorCount`] otherwise), each of [`dims`](Embedder::dims) floats
///   ([`RagError::Dimensions`] otherwise). Nothing is cached from a failed batch.
/// - [`id`](Embedder::id) and [`dims`](Embedder::dims) are the inner embedder's: vectors are
///   the same with or without the cache, so stores see one model.
///
/// Two concurrent calls that miss on the same text may both embed it (the cache does not hold
/// calls back); the result is the same vector.
///
/// ```
/// use llmops_core::{Embedder, HashingEmbedder};
/// use llmops_rag::CachedEmbedder;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let cached = CachedEmbedder::builder(HashingEmbedder::new(64))
///     .capacity(1_000)
///     .batch_size(16)
///     .build()?;
/// let v = cached.embed(&["refund policy", "refund policy", "opening hours"]).await?;
/// assert_eq!(v.len(), 3);
/// assert_eq!(v[0], v[1]);
/// cached.embed(&["refund policy"]).await?; // served from the cache
/// let stats = cached.stats();
/// assert_eq!((stats.hits, stats.misses, stats.deduplicated), (1, 2, 1));
/// assert_eq!(cached.id(), "hashing-v1-64");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub struct CachedEmbedder<E: Embedder> {
    inner: E,
    id: Arc<str>,
    cache: Cache<Key, Arc<[f32]>>,
    capacity: u64,
    batch_size: usize,
    hits: AtomicU64,
    misses: AtomicU64,
    deduplicated: AtomicU64,
}

/// Counters of a [`CachedEmbedder`] since it was built. Each call counts its distinct texts
/// as hits or misses, and its repeated texts as deduplicated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct CacheStats {
    /// Distinct texts found in the cache.
    pub hits: u64,
    /// Distinct texts sent to the inner embedder.
    pub misses: u64,
    /// Repeats of a text within one call, served by its first copy.
    pub deduplicated: u64,
}

impl CacheStats {
    /// `hits / (hits + misses)`, or 0 before the first call.
    ///
    /// ```
    /// let s = llmops_rag::CacheStats::default();
    /// assert_eq!(s.hit_rate(), 0.0);
    /// ```
    pub fn hit_rate(&self) -> f64 {
        let total = self.hits + self.misses;
        if total == 0 {
            0.0
        } else {
            self.hits as f64 / total as f64
        }
    }
}

/// Builds a [`CachedEmbedder`]; see [`CachedEmbedder::builder`].
#[derive(Debug)]
#[must_use]
pub struct CachedEmbedderBuilder<E: Embedder> {
    inner: E,
    capacity: u64,
    batch_size: usize,
}

impl<E: Embedder> CachedEmbedderBuilder<E> {
    /// Maximum number of cached vectors (default
    /// [`CachedEmbedder::DEFAULT_CAPACITY`]). 0 caches nothing (calls are still
    /// deduplicated and batched).
    pub fn capacity(mut self, entries: u64) -> Self {
        self.capacity = entries;
        self
    }

    /// Maximum number of texts per call to the inner embedder (default
    /// [`CachedEmbedder::DEFAULT_BATCH_SIZE`]); at least 1.
    pub fn batch_size(mut self, texts: usize) -> Self {
        self.batch_size = texts;
        self
    }

    /// The embedder; [`RagError::Invalid`] for a batch size of 0.
    pub fn build(self) -> Result<CachedEmbedder<E>> {
        if self.batch_size == 0 {
            return Err(RagError::invalid(
                "CachedEmbedder batch_size must be at least 1",
            ));
        }
        let id: Arc<str> = Arc::from(self.inner.id());
        Ok(CachedEmbedder {
            cache: Cache::new(self.capacity),
            inner: self.inner,
            id,
            capacity: self.capacity,
            batch_size: self.batch_size,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            deduplicated: AtomicU64::new(0),
        })
    }
}

impl<E: Embedder> CachedEmbedder<E> {
    /// Default capacity: 10,000 vectors (about 15 MB at 384 dimensions).
    pub const DEFAULT_CAPACITY: u64 = 10_000;
    /// Default batch size: 32 texts per call to the inner embedder.
    pub const DEFAULT_BATCH_SIZE: usize = 32;

    /// A cache of [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY) vectors in front of `inner`,
    /// batches of [`DEFAULT_BATCH_SIZE`](Self::DEFAULT_BATCH_SIZE).
    ///
    /// ```
    /// let cached = llmops_rag::CachedEmbedder::new(llmops_core::HashingEmbedder::new(32));
    /// assert_eq!(cached.batch_size(), 32);
    /// ```
    pub fn new(inner: E) -> Self {
        let id: Arc<str> = Arc::from(inner.id());
        CachedEmbedder {
            cache: Cache::new(Self::DEFAULT_CAPACITY),
            inner,
            id,
            capacity: Self::DEFAULT_CAPACITY,
            batch_size: Self::DEFAULT_BATCH_SIZE,
            hits: AtomicU64::new(0),
            misses: AtomicU64::new(0),
            deduplicated: AtomicU64::new(0),
        }
    }

    /// A builder to set the capacity and batch size.
    pub fn builder(inner: E) -> CachedEmbedderBuilder<E> {
        CachedEmbedderBuilder {
            inner,
            capacity: Self::DEFAULT_CAPACITY,
            batch_size: Self::DEFAULT_BATCH_SIZE,
        }
    }

    /// The wrapped embedder.
    pub fn inner(&self) -> &E {
        &self.inner
    }

    /// Maximum number of cached vectors.
    pub fn capacity(&self) -> u64 {
        self.capacity
    }

    /// Maximum number of texts per call to the inner embedder.
    pub fn batch_size(&self) -> usize {
        self.batch_size
    }

    /// Hit, miss and deduplication counters since the embedder was built.
    pub fn stats(&self) -> CacheStats {
        CacheStats {
            hits: self.hits.load(Ordering::Relaxed),
            misses: self.misses.load(Ordering::Relaxed),
            deduplicated: self.deduplicated.load(Ordering::Relaxed),
        }
    }

    /// How many vectors the cache holds now (after pending evictions are applied).
    pub fn cached_entries(&self) -> u64 {
        self.cache.run_pending_tasks();
        self.cache.entry_count()
    }

    /// Empties the cache (the counters stay).
    pub fn clear(&self) {
        self.cache.invalidate_all();
    }

    /// One shared vector per text, in order: the cached ones without copying, the others
    /// embedded by the inner embedder (deduplicated, in batches) and cached.
    pub async fn embed_shared(&self, texts: &[&str]) -> Result<Vec<Arc<[f32]>>> {
        // Each text's slot among the distinct texts of this call.
        let mut slot_of: Vec<usize> = Vec::with_capacity(texts.len());
        let mut distinct: Vec<([u8; 32], &str)> = Vec::new();
        let mut seen: HashMap<[u8; 32], usize> = HashMap::with_capacity(texts.len());
        for text in texts {
            let digest: [u8; 32] = Sha256::digest(text.as_bytes()).into();
            let slot = *seen.entry(digest).or_insert_with(|| {
                distinct.push((digest, text));
                distinct.len() - 1
            });
            slot_of.push(slot);
        }
        let repeats = (texts.len() - distinct.len()) as u64;

        let mut vectors: Vec<Option<Arc<[f32]>>> = Vec::with_capacity(distinct.len());
        let mut missing: Vec<usize> = Vec::new();
        for (slot, (digest, _)) in distinct.iter().enumerate() {
            let hit = self.cache.get(&(self.id.clone(), *digest));
            if hit.is_none() {
                missing.push(slot);
            }
            vectors.push(hit);
        }
        let hits = (distinct.len() - missing.len()) as u64;

        let dims = self.inner.dims();
        for batch in missing.chunks(self.batch_size) {
            let batch_texts: Vec<&str> = batch
                .iter()
                .filter_map(|&slot| distinct.get(slot).map(|(_, t)| *t))
                .collect();
            let embedded = self.inner.embed(&batch_texts).await?;
            if embedded.len() != batch_texts.len() {
                return Err(RagError::VectorCount {
                    embedder: self.id.to_string(),
                    expected: batch_texts.len(),
                    got: embedded.len(),
                });
            }
            if let Some(bad) = embedded.iter().find(|v| v.len() != dims) {
                return Err(RagError::Dimensions {
                    expected: dims,
                    got: bad.len(),
                });
            }
            for (&slot, vector) in batch.iter().zip(embedded) {
                let vector: Arc<[f32]> = Arc::from(vector);
                if let Some((digest, _)) = distinct.get(slot) {
                    self.cache
                        .insert((self.id.clone(), *digest), vector.clone());
                }
                if let Some(v) = vectors.get_mut(slot) {
                    *v = Some(vector);
                }
            }
        }

        self.hits.fetch_add(hits, Ordering::Relaxed);
        self.misses
            .fetch_add(missing.len() as u64, Ordering::Relaxed);
        self.deduplicated.fetch_add(repeats, Ordering::Relaxed);

        slot_of
            .iter()
            .map(|&slot| {
                vectors.get(slot).cloned().flatten().ok_or_else(|| {
                    RagError::backend("embedding cache", "a text was left without a vector")
                })
            })
            .collect()
    }
}

impl<E: Embedder> fmt::Debug for CachedEmbedder<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CachedEmbedder")
            .field("id", &self.id)
            .field("capacity", &self.capacity)
            .field("batch_size", &self.batch_size)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

#[async_trait::async_trait]
impl<E: Embedder> Embedder for CachedEmbedder<E> {
    fn id(&self) -> &str {
        self.inner.id()
    }

    fn dims(&self) -> usize {
        self.inner.dims()
    }

    async fn embed(&self, texts: &[&str]) -> llmops_core::Result<Vec<Vec<f32>>> {
        let shared = self.embed_shared(texts).await?;
        Ok(shared.iter().map(|v| v.to_vec()).collect())
    }
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::indexing_slicing,
        clippy::panic
    )]

    use std::sync::Mutex;

    use llmops_core::HashingEmbedder;

    use super::*;

    /// Records every batch it is given; optionally misbehaves.
    struct Counting {
        inner: HashingEmbedder,
        batches: Mutex<Vec<Vec<String>>>,
        drop_last: bool,
        wrong_len: bool,
    }

    impl Counting {
        fn new() -> Self {
            Counting {
                inner: HashingEmbedder::new(16),
                batches: Mutex::new(Vec::new()),
                drop_last: false,
                wrong_len: false,
            }
        }
        fn batches(&self) -> Vec<Vec<String>> {
            self.batches.lock().unwrap().clone()
        }
    }

    #[async_trait::async_trait]
    impl Embedder for Counting {
        fn id(&self) -> &str {
            "counting-16"
        }
        fn dims(&self) -> usize {
            16
        }
        async fn embed(&self, texts: &[&str]) -> llmops_core::Result<Vec<Vec<f32>>> {
            self.batches
                .lock()
                .unwrap()
                .push(texts.iter().map(|t| t.to_string()).collect());
            let mut out: Vec<Vec<f32>> = texts.iter().map(|t| self.inner.embed_one(t)).collect();
            if self.drop_last {
                out.pop();
            }
            if self.wrong_len {
                out[0].push(0.0);
            }
            Ok(out)
        }
    }

    fn rt() -> tokio::runtime::Runtime {
        tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap()
    }

    #[test]
    fn same_vectors_as_the_inner_embedder_and_transparent_id_dims() {
        rt().block_on(async {
            let plain = HashingEmbedder::new(64);
            let cached = CachedEmbedder::new(HashingEmbedder::new(64));
            let texts = ["alpha beta", "gamma", "alpha beta", ""];
            let a = plain.embed(&texts).await.unwrap();
            let b = cached.embed(&texts).await.unwrap();
            assert_eq!(a, b);
            let c = cached.embed(&texts).await.unwrap();
            assert_eq!(a, c);
            assert_eq!(cached.id(), plain.id());
            assert_eq!(cached.dims(), 64);
        });
    }

    #[test]
    fn deduplicates_within_a_call_and_hits_across_calls() {
        rt().block_on(async {
            let cached = CachedEmbedder::new(Counting::new());
            cached.embed(&["a", "b", "a", "a"]).await.unwrap();
            assert_eq!(cached.inner().batches(), vec![vec!["a", "b"]]);
            assert_eq!(
                cached.stats(),
                CacheStats {
                    hits: 0,
                    misses: 2,
                    deduplicated: 2
                }
            );
            let v = cached.embed(&["b", "c", "a"]).await.unwrap();
            assert_eq!(v.len(), 3);
            assert_eq!(cached.inner().batches()[1], vec!["c"]);
            let s = cached.stats();
            assert_eq!((s.hits, s.misses, s.deduplicated), (2, 3, 2));
            assert!((s.hit_rate() - 0.4).abs() < 1e-9);
            assert_eq!(cached.cached_entries(), 3);
        });
    }

    #[test]
    fn misses_go_in_batches_of_n_in_order() {
        rt().block_on(async {
            let cached = CachedEmbedder::builder(Counting::new())
                .batch_size(2)
                .build()
                .unwrap();
            let texts = ["t1", "t2", "t3", "t4", "t5"];
            let out = cached.embed(&texts).await.unwrap();
            let batches = cached.inner().batches();
            assert_eq!(
                batches,
                vec![vec!["t1", "t2"], vec!["t3", "t4"], vec!["t5"]]
            );
            let direct = HashingEmbedder::new(16);
            for (t, v) in texts.iter().zip(&out) {
                assert_eq!(v, &direct.embed_one(t));
            }
        });
    }

    #[test]
    fn empty_input_calls_nothing() {
        rt().block_on(async {
            let cached = CachedEmbedder::new(Counting::new());
            assert!(cached.embed(&[]).await.unwrap().is_empty());
            assert!(cached.inner().batches().is_empty());
        });
    }

    #[test]
    fn zero_batch_size_is_refused() {
        let err = CachedEmbedder::builder(Counting::new())
            .batch_size(0)
            .build()
            .unwrap_err();
        assert!(matches!(err, RagError::Invalid(_)), "{err}");
    }

    #[test]
    fn zero_capacity_still_deduplicates_but_never_hits() {
        rt().block_on(async {
            let cached = CachedEmbedder::builder(Counting::new())
                .capacity(0)
                .build()
                .unwrap();
            cached.embed(&["x", "x"]).await.unwrap();
            cached.embed(&["x"]).await.unwrap();
            assert_eq!(cached.inner().batches().len(), 2);
            assert_eq!(cached.stats().hits, 0);
            assert_eq!(cached.stats().deduplicated, 1);
        });
    }

    #[test]
    fn capacity_bounds_the_entries() {
        rt().block_on(async {
            let cached = CachedEmbedder::builder(Counting::new())
                .capacity(10)
                .build()
                .unwrap();
            let texts: Vec<String> = (0..200).map(|i| format!("text {i}")).collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            cached.embed(&refs).await.unwrap();
            assert!(cached.cached_entries() <= 10, "{}", cached.cached_entries());
        });
    }

    #[test]
    fn a_missing_vector_is_a_typed_error_and_nothing_is_cached() {
        rt().block_on(async {
            let mut inner = Counting::new();
            inner.drop_last = true;
            let cached = CachedEmbedder::new(inner);
            let err = cached.embed_shared(&["a", "b"]).await.unwrap_err();
            match err {
                RagError::VectorCount {
                    embedder,
                    expected,
                    got,
                } => {
                    assert_eq!(embedder, "counting-16");
                    assert_eq!((expected, got), (2, 1));
                }
                other => panic!("expected VectorCount, got {other:?}"),
            }
            assert_eq!(cached.cached_entries(), 0);
            // Through the core trait, the error keeps its message.
            let core = cached.embed(&["a"]).await.unwrap_err();
            assert!(
                core.to_string().contains("returned 0 vectors for 1 texts"),
                "{core}"
            );
        });
    }

    #[test]
    fn a_vector_of_the_wrong_length_is_a_typed_error() {
        rt().block_on(async {
            let mut inner = Counting::new();
            inner.wrong_len = true;
            let cached = CachedEmbedder::new(inner);
            let err = cached.embed_shared(&["a", "b"]).await.unwrap_err();
            assert!(
                matches!(
                    err,
                    RagError::Dimensions {
                        expected: 16,
                        got: 17
                    }
                ),
                "{err:?}"
            );
        });
    }

    #[test]
    fn works_as_a_dyn_embedder() {
        rt().block_on(async {
            let e: Arc<dyn Embedder> = Arc::new(CachedEmbedder::new(HashingEmbedder::new(8)));
            assert_eq!(e.embed(&["x"]).await.unwrap()[0].len(), 8);
        });
    }
}
