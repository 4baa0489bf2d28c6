//! [`CacheStats`]: hit, miss and skip counters of one cache.

use std::sync::atomic::{AtomicU64, Ordering};

use serde::{Deserialize, Serialize};

/// Counters of one [`Cache`](super::Cache) since it was built (a snapshot).
///
/// `lookups() = exact_hits + semantic_hits + misses`; `skipped` requests were not looked up
/// (a bypass directive, a non-deterministic request). The hit rate is over lookups.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CacheStats {
    /// Served from the exact cache.
    pub exact_hits: u64,
    /// Served from the semantic cache.
    pub semantic_hits: u64,
    /// Looked up, not served.
    pub misses: u64,
    /// Not looked up.
    pub skipped: u64,
    /// Entries found but refused (another deployment produced them, or their key did not
    /// match): counted in `misses` too.
    pub refused: u64,
    /// Answers stored.
    pub stored: u64,
    /// Answers not stored: a stream that failed, was cut or dropped; a reply too large; a
    /// fallback's answer where a first-choice one is kept.
    pub not_stored: u64,
    /// Store errors (each a miss or a dropped write when failing open).
    pub store_errors: u64,
    /// Embedder errors (each a semantic miss).
    pub embed_errors: u64,
}

impl CacheStats {
    /// Hits of both kinds.
    pub fn hits(&self) -> u64 {
        self.exact_hits + self.semantic_hits
    }

    /// Lookups made.
    pub fn lookups(&self) -> u64 {
        self.hits() + self.misses
    }

    /// Hits over lookups (0 before any lookup).
    pub fn hit_rate(&self) -> f64 {
        let n = self.lookups();
        if n == 0 {
            0.0
        } else {
            self.hits() as f64 / n as f64
        }
    }
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) exact_hits: AtomicU64,
    pub(crate) semantic_hits: AtomicU64,
    pub(crate) misses: AtomicU64,
    pub(crate) skipped: AtomicU64,
    pub(crate) refused: AtomicU64,
    pub(crate) stored: AtomicU64,
    pub(crate) not_stored: AtomicU64,
    pub(crate) store_errors: AtomicU64,
    pub(crate) embed_errors: AtomicU64,
}

pub(crate) fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

impl Counters {
    pub(crate) fn snapshot(&self) -> CacheStats {
        let l = |c: &AtomicU64| c.load(Ordering::Relaxed);
        CacheStats {
            exact_hits: l(&self.exact_hits),
            semantic_hits: l(&self.semantic_hits),
            misses: l(&self.misses),
            skipped: l(&self.skipped),
            refused: l(&self.refused),
            stored: l(&self.stored),
            not_stored: l(&self.not_stored),
            store_errors: l(&self.store_errors),
            embed_errors: l(&self.embed_errors),
        }
    }
}
