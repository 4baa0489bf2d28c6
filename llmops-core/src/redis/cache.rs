//! [`RedisCacheStore`]: the response cache's exact entries in Redis, shared by every process
//! that uses the same Redis and key prefix.

use std::sync::Arc;
use std::time::Duration;

use super::connection::RedisConnection;
use super::policy::{Counters, RedisStats, bump};
use crate::Result;
use crate::cache::{CacheKey, CacheStore, CachedAnswer};

/// Entries larger than this (serialised) are not stored by default: 1 MiB.
pub const DEFAULT_MAX_ENTRY_BYTES: usize = 1 << 20;

/// SCAN batch size of a tenant clear.
const SCAN_COUNT: usize = 1000;

/// A [`CacheStore`] in Redis: each entry is one string key holding the [`CachedAnswer`] as
/// JSON, written with `SET .. PX <ttl>` so Redis expires it.
///
/// - **Keys**: `<prefix>:cache:<scope>:<hash>`, where `<hash>` is the 32 hex digits of the
///   [`CacheKey`] and `<scope>` the tenant, escaped (ASCII letters, digits, `_` and `.` kept,
///   every other byte as `%XX`; `-` for requests without a tenant), so no tenant's keys fall
///   under another tenant's pattern.
/// - **Bounds**: an entry whose JSON exceeds [`max_entry_bytes`](Self::max_entry_bytes)
///   (1 MiB by default) is not stored (counted in [`RedisStats::too_large`]; the write still
///   succeeds). The total is bounded by Redis: set `maxmemory` with an eviction policy such as
///   `volatile-lru` or `allkeys-lru` (every entry has a time to live).
/// - **Clearing a tenant** ([`CacheStore::clear`]) walks the keys with `SCAN MATCH
///   <prefix>:cache:<scope>:*` in batches of 1,000 and `UNLINK`s what it finds. It never blocks
///   Redis, but costs one round trip per 1,000 keys of the whole database (not only the
///   tenant's), each bounded by the timeout: an administrative operation, not one for the
///   request path. Clearing everything (`None`) walks `<prefix>:cache:*` the same way; it
///   never flushes the database.
/// - **Failures** (timeout, refused connection, cool-down) are errors, which the cache turns
///   into misses and dropped writes by default
///   ([`StoreFailure::Open`](crate::cache::StoreFailure::Open)); an entry that does not decode
///   is a miss, counted in [`RedisStats::decode_errors`].
///
/// Two clients whose caches share a store must build their keys alike: same
/// [`CacheBuilder::namespace`](crate::cache::CacheBuilder::namespace) (empty by default) and
/// the same client default parameters.
///
/// ```
/// use llmops_core::cache::Cache;
/// use llmops_core::redis::{RedisCacheStore, RedisConnection};
/// let conn = RedisConnection::open("redis://127.0.0.1:6379/")?;
/// let store = RedisCacheStore::new(conn).max_entry_bytes(256 << 10);
/// let cache = Cache::builder().store(store.clone()).build()?;
/// # let _ = cache;
/// assert_eq!(store.stats().calls, 0); // nothing sent yet
/// # Ok::<(), llmops_core::Error>(())
/// ```
#[derive(Clone)]
pub struct RedisCacheStore {
    conn: RedisConnection,
    max_entry_bytes: usize,
    counters: Arc<Counters>,
}

impl std::fmt::Debug for RedisCacheStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisCacheStore")
            .field("conn", &self.conn)
            .field("max_entry_bytes", &self.max_entry_bytes)
            .field("stats", &self.stats())
            .finish()
    }
}

impl RedisCacheStore {
    /// A store on `conn`, with its own counters.
    pub fn new(conn: RedisConnection) -> Self {
        RedisCacheStore {
            conn,
            max_entry_bytes: DEFAULT_MAX_ENTRY_BYTES,
            counters: Arc::default(),
        }
    }

    /// Entries whose JSON is larger than this are not stored (default 1 MiB; at least 1).
    #[must_use]
    pub fn max_entry_bytes(mut self, bytes: usize) -> Self {
        self.max_entry_bytes = bytes.max(1);
        self
    }

    /// Its counters since it was built (clones share them).
    pub fn stats(&self) -> RedisStats {
        self.counters.snapshot()
    }

    /// The connection.
    pub fn connection(&self) -> &RedisConnection {
        &self.conn
    }

    /// The Redis key of `key`: `<prefix>:cache:<scope>:<hash>`.
    ///
    /// ```
    /// use llmops_core::cache::CacheKey;
    /// use llmops_core::redis::{RedisCacheStore, RedisConnection};
    /// use llmops_core::{ChatRequest, Exchange};
    /// let store = RedisCacheStore::new(RedisConnection::open("redis://127.0.0.1/")?);
    /// let req = ChatRequest::new("m").user("hi").tenant("acme:eu");
    /// let key = CacheKey::of(&req, &Exchange::for_request(&req), "");
    /// assert_eq!(store.redis_key(&key), format!("llmops:cache:acme%3Aeu:{}", key.hex()));
    /// # Ok::<(), llmops_core::Error>(())
    /// ```
    pub fn redis_key(&self, key: &CacheKey) -> String {
        format!(
            "{}:cache:{}:{}",
            self.conn.prefix(),
            scope(key.tenant.as_deref()),
            key.hex()
        )
    }

    /// The SCAN pattern of one tenant's keys (`Some(tenant)`) or of every cache key.
    fn pattern(&self, tenant: Option<Option<&str>>) -> String {
        let prefix = glob_escape(self.conn.prefix());
        match tenant {
            None => format!("{prefix}:cache:*"),
            // the escaped scope holds no glob character
            Some(t) => format!("{prefix}:cache:{}:*", scope(t)),
        }
    }
}

impl crate::StoreCounters for RedisCacheStore {
    /// Calls and failures, and the events `too_large` and `decode_errors`.
    fn store_counts(&self) -> crate::StoreCounts {
        let s = self.stats();
        s.store_counts()
            .event("too_large", s.too_large)
            .event("decode_errors", s.decode_errors)
    }
}

/// The tenant part of a key: `-` without a tenant, else the tenant with every byte outside
/// `[A-Za-z0-9_.]` written `%XX` (injective, and free of `:` and glob characters).
pub(crate) fn scope(tenant: Option<&str>) -> String {
    let Some(t) = tenant else {
        return "-".to_owned();
    };
    let mut out = String::with_capacity(t.len());
    for b in t.bytes() {
        if b.is_ascii_alphanumeric() || b == b'_' || b == b'.' {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// `s` with the glob characters of `SCAN MATCH` escaped.
fn glob_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        if matches!(c, '*' | '?' | '[' | ']' | '\\' | '^') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

fn millis(ttl: Duration) -> u64 {
    // PX needs at least 1 ms
    (ttl.as_millis().min(u128::from(u64::MAX)) as u64).max(1)
}

#[async_trait::async_trait]
impl CacheStore for RedisCacheStore {
    fn name(&self) -> &str {
        "redis"
    }

    async fn get(&self, key: &CacheKey) -> Result<Option<Arc<CachedAnswer>>> {
        let k = self.redis_key(key);
        let bytes: Option<Vec<u8>> = self
            .conn
            .run("GET", &self.counters, |mut m| async move {
                redis::cmd("GET").arg(&k).query_async(&mut m).await
            })
            .await?;
        let Some(bytes) = bytes else {
            return Ok(None);
        };
        match serde_json::from_slice::<CachedAnswer>(&bytes) {
            Ok(entry) => Ok(Some(Arc::new(entry))),
            Err(e) => {
                bump(&self.counters.decode_errors);
                tracing::warn!(target: "llmops", store = "redis", error = %e,
                    "a cache entry in Redis does not decode: served as a miss");
                Ok(None)
            }
        }
    }

    async fn put(&self, key: &CacheKey, entry: Arc<CachedAnswer>, ttl: Duration) -> Result<()> {
        let bytes = serde_json::to_vec(&*entry).map_err(|e| crate::Error::Json(Arc::new(e)))?;
        if bytes.len() > self.max_entry_bytes {
            bump(&self.counters.too_large);
            tracing::debug!(target: "llmops", store = "redis", bytes = bytes.len(),
                max = self.max_entry_bytes, "cache entry too large for Redis: not stored");
            return Ok(());
        }
        let k = self.redis_key(key);
        let px = millis(ttl);
        self.conn
            .run("SET", &self.counters, |mut m| async move {
                redis::cmd("SET")
                    .arg(&k)
                    .arg(bytes)
                    .arg("PX")
                    .arg(px)
                    .query_async::<()>(&mut m)
                    .await
            })
            .await
    }

    async fn remove(&self, key: &CacheKey) -> Result<()> {
        let k = self.redis_key(key);
        self.conn
            .run("UNLINK", &self.counters, |mut m| async move {
                redis::cmd("UNLINK").arg(&k).query_async::<()>(&mut m).await
            })
            .await
    }

    async fn clear(&self, tenant: Option<Option<&str>>) -> Result<()> {
        let pattern = self.pattern(tenant);
        let mut cursor = 0u64;
        loop {
            let pat = pattern.as_str();
            let (next, keys): (u64, Vec<Vec<u8>>) = self
                .conn
                .run("SCAN", &self.counters, |mut m| async move {
                    redis::cmd("SCAN")
                        .arg(cursor)
                        .arg("MATCH")
                        .arg(pat)
                        .arg("COUNT")
                        .arg(SCAN_COUNT)
                        .query_async(&mut m)
                        .await
                })
                .await?;
            if !keys.is_empty() {
                self.conn
                    .run("UNLINK", &self.counters, |mut m| async move {
                        redis::cmd("UNLINK")
                            .arg(keys)
                            .query_async::<()>(&mut m)
                            .await
                    })
                    .await?;
            }
            if next == 0 {
                return Ok(());
            }
            cursor = next;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_are_injective_and_glob_free() {
        assert_eq!(scope(None), "-");
        assert_eq!(scope(Some("acme")), "acme");
        assert_eq!(scope(Some("")), "");
        assert_eq!(scope(Some("-")), "%2D");
        assert_eq!(scope(Some("a:b")), "a%3Ab");
        assert_eq!(scope(Some("a*")), "a%2A");
        assert_eq!(scope(Some("é")), "%C3%A9");
        assert_ne!(scope(Some("a%3Ab")), scope(Some("a:b")));
        for t in ["a:b", "*", "[x]", "?", "\\", "a b"] {
            let s = scope(Some(t));
            assert!(
                !s.contains([':', '*', '?', '[', ']', '\\', ' ']),
                "{t} -> {s}"
            );
        }
    }

    #[test]
    fn patterns_escape_the_prefix() {
        let conn = RedisConnection::with_options(
            "redis://127.0.0.1/",
            super::super::RedisOptions::default().prefix("app[1]*"),
        )
        .unwrap();
        let s = RedisCacheStore::new(conn);
        assert_eq!(s.pattern(None), "app\\[1\\]\\*:cache:*");
        assert_eq!(s.pattern(Some(Some("a:b"))), "app\\[1\\]\\*:cache:a%3Ab:*");
        assert_eq!(s.pattern(Some(None)), "app\\[1\\]\\*:cache:-:*");
        assert_eq!(millis(Duration::ZERO), 1);
        assert_eq!(millis(Duration::from_secs(2)), 2000);
    }
}
