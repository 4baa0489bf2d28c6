//! [`PgVectorOptions`]: table, dimensions, metric, HNSW and pool parameters of a
//! [`PgVectorStore`](crate::PgVectorStore)(super::PgVectorStore), with their checks.

use std::time::Duration;

use super::sql;
use crate::store::Metric;
use crate::{RagError, Result};

/// pgvector's largest `hnsw.ef_search`; an HNSW scan returns at most that many rows.
pub(super) const EF_SEARCH_MAX: u32 = 1000;
/// pgvector's largest number of dimensions an HNSW index on `vector` accepts.
const HNSW_MAX_DIMS: usize = 2000;

/// How a [`PgVectorStore`](crate::PgVectorStore) is set up: table, dimensions, metric, HNSW and pool parameters.
///
/// Defaults: `m = 16`, `ef_construction = 64` (pgvector's own), `ef_search = max(40, 4 × k)`
/// per query (capped at pgvector's 1,000), a pool of 8 connections, 10 s connect timeout,
/// `CREATE EXTENSION vector` attempted when missing.
///
/// ```
/// use llmops_rag::{Metric, PgVectorOptions};
/// let o = PgVectorOptions::new("kb_chunks", 384, Metric::Cosine).hnsw(24, 128).pool_size(4);
/// assert_eq!((o.hnsw_m, o.hnsw_ef_construction, o.pool_size), (24, 128, 4));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PgVectorOptions {
    /// The collection's table: lowercase ASCII letters, digits and `_`, at most 48 bytes,
    /// not starting with a digit.
    pub table: String,
    /// Vector dimensions (1 to 2,000, pgvector's HNSW limit).
    pub dims: usize,
    /// Cosine (`vector_cosine_ops`, `<=>`) or dot product (`vector_ip_ops`, `<#>`).
    pub metric: Metric,
    /// HNSW `m`: links per node (2 to 100). Applies when the index is created.
    pub hnsw_m: u32,
    /// HNSW `ef_construction`: candidate list while building (at least `2 × m`, at most
    /// 1,000). Applies when the index is created.
    pub hnsw_ef_construction: u32,
    /// The smallest `hnsw.ef_search` a query runs with.
    pub ef_search: u32,
    /// `hnsw.ef_search` per requested result: a query for `k` runs with
    /// `max(ef_search, ef_search_per_k × k)`, at most 1,000.
    pub ef_search_per_k: u32,
    /// Connections in the pool [`PgVectorStore::connect`](crate::PgVectorStore::connect) makes.
    pub pool_size: usize,
    /// How long [`PgVectorStore::connect`](crate::PgVectorStore::connect)'s pool waits for a new connection.
    pub connect_timeout: Duration,
    /// Whether opening runs `CREATE EXTENSION vector` when the extension is missing (needs
    /// the right to create it; otherwise an administrator creates it once).
    pub create_extension: bool,
}

impl PgVectorOptions {
    /// Options for a collection in `table` of `dims`-dimensional vectors compared by `metric`,
    /// with the documented defaults.
    pub fn new(table: impl Into<String>, dims: usize, metric: Metric) -> Self {
        PgVectorOptions {
            table: table.into(),
            dims,
            metric,
            hnsw_m: 16,
            hnsw_ef_construction: 64,
            ef_search: 40,
            ef_search_per_k: 4,
            pool_size: 8,
            connect_timeout: Duration::from_secs(10),
            create_extension: true,
        }
    }

    /// With HNSW build parameters.
    #[must_use]
    pub fn hnsw(mut self, m: u32, ef_construction: u32) -> Self {
        self.hnsw_m = m;
        self.hnsw_ef_construction = ef_construction;
        self
    }

    /// With query-time `hnsw.ef_search`: at least `min`, and `per_k` per requested result.
    #[must_use]
    pub fn ef_search(mut self, min: u32, per_k: u32) -> Self {
        self.ef_search = min;
        self.ef_search_per_k = per_k;
        self
    }

    /// With a pool size (for [`PgVectorStore::connect`](crate::PgVectorStore::connect)).
    #[must_use]
    pub fn pool_size(mut self, connections: usize) -> Self {
        self.pool_size = connections;
        self
    }

    /// With a connect timeout (for [`PgVectorStore::connect`](crate::PgVectorStore::connect)).
    #[must_use]
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// Whether to create the extension when missing.
    #[must_use]
    pub fn create_extension(mut self, create: bool) -> Self {
        self.create_extension = create;
        self
    }

    pub(super) fn validate(&self) -> Result<()> {
        sql::check_table(&self.table)?;
        let bad = |m: String| Err(RagError::invalid(m));
        if self.dims == 0 || self.dims > HNSW_MAX_DIMS {
            return bad(format!(
                "pgvector dims {}: pgvector's HNSW index takes 1 to {HNSW_MAX_DIMS} dimensions",
                self.dims
            ));
        }
        if !(2..=100).contains(&self.hnsw_m) {
            return bad(format!("pgvector hnsw m {}: must be 2 to 100", self.hnsw_m));
        }
        let ef_c = self.hnsw_ef_construction;
        if ef_c < 2 * self.hnsw_m || ef_c > 1000 {
            return bad(format!(
                "pgvector hnsw ef_construction {ef_c}: must be 2 × m ({}) to 1000",
                2 * self.hnsw_m
            ));
        }
        if self.ef_search == 0 || self.ef_search > EF_SEARCH_MAX {
            return bad(format!(
                "pgvector ef_search {}: must be 1 to {EF_SEARCH_MAX}",
                self.ef_search
            ));
        }
        if self.pool_size == 0 {
            return bad("pgvector pool_size: must be at least 1".into());
        }
        Ok(())
    }

    /// The `hnsw.ef_search` for a query of `k` results.
    pub(super) fn ef_search_for(&self, k: usize) -> u32 {
        let per_k = u64::from(self.ef_search_per_k).saturating_mul(k as u64);
        let ef = per_k.max(u64::from(self.ef_search));
        u32::try_from(ef.min(u64::from(EF_SEARCH_MAX))).unwrap_or(EF_SEARCH_MAX)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    #[test]
    fn options_are_validated() {
        let ok = PgVectorOptions::new("chunks", 8, Metric::Cosine);
        assert!(ok.validate().is_ok());
        for bad in [
            PgVectorOptions::new("Chunks", 8, Metric::Cosine),
            PgVectorOptions::new("chunks", 0, Metric::Cosine),
            PgVectorOptions::new("chunks", 2001, Metric::Cosine),
            ok.clone().hnsw(1, 64),
            ok.clone().hnsw(16, 31),
            ok.clone().hnsw(16, 1001),
            ok.clone().ef_search(0, 4),
            ok.clone().ef_search(1001, 4),
            ok.clone().pool_size(0),
        ] {
            assert!(
                matches!(bad.validate(), Err(RagError::Invalid(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn ef_search_grows_with_k_up_to_the_cap() {
        let o = PgVectorOptions::new("chunks", 8, Metric::Cosine);
        assert_eq!(o.ef_search_for(1), 40);
        assert_eq!(o.ef_search_for(10), 40);
        assert_eq!(o.ef_search_for(100), 400);
        assert_eq!(o.ef_search_for(10_000), 1000);
        assert_eq!(o.clone().ef_search(64, 0).ef_search_for(100), 64);
    }
}
