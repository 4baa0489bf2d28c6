//! [`CacheStore`]: where exact entries live. [`MemoryStore`] (moka, in process) is the default;
//! a shared backend (Redis, with the `redis` feature) implements the same trait.
//!
//! The semantic index stays in process whatever the store: it holds vectors and the keys of
//! exact entries, and a semantic hit is read back through the store.

use std::sync::Arc;
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::key::CacheKey;
use crate::Result;
use crate::stream::StreamEvent;
use crate::types::{ChatResponse, PromptVersionRef};

/// One stored answer: the response, the events of the stream it came from (when it was
/// streamed), and where it came from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CachedAnswer {
    /// The key it is stored under (checked on every read: an entry is never served for another
    /// tenant or request, whatever the store returns).
    pub key: CacheKey,
    /// The response (metadata cleared).
    pub response: ChatResponse,
    /// The events as the provider streamed them (text, reasoning and tool-call deltas, usage,
    /// finish), when the answer was streamed; a full answer replays as its events.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub events: Option<Vec<StreamEvent>>,
    /// The deployment that produced it.
    pub deployment: String,
    /// Its provider.
    pub provider: String,
    /// Whether that deployment was the first one its exchange tried (not a fallback).
    pub first_choice: bool,
    /// The prompt version of the request.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<PromptVersionRef>,
    /// When it was stored.
    pub stored_at: DateTime<Utc>,
    /// Approximate size in bytes (what the byte bound counts).
    pub size: usize,
}

impl CachedAnswer {
    pub(crate) fn new(
        key: CacheKey,
        mut response: ChatResponse,
        events: Option<Vec<StreamEvent>>,
        deployment: String,
        provider: String,
        first_choice: bool,
        prompt: Option<PromptVersionRef>,
    ) -> Self {
        let model = response.meta.model_answered.take();
        response.meta = Default::default();
        response.meta.model_answered = model;
        let size = 256
            + response_size(&response)
            + events
                .as_ref()
                .map_or(0, |e| e.iter().map(event_size).sum::<usize>());
        CachedAnswer {
            key,
            response,
            events,
            deployment,
            provider,
            first_choice,
            prompt,
            stored_at: Utc::now(),
            size,
        }
    }
}

fn response_size(r: &ChatResponse) -> usize {
    r.message
        .content
        .iter()
        .map(|p| p.as_text().map_or(64, str::len))
        .sum::<usize>()
        + r.message
            .tool_calls
            .iter()
            .map(|c| c.id.len() + c.name.len() + c.arguments.len() + 32)
            .sum::<usize>()
        + r.id.as_ref().map_or(0, String::len)
}

fn event_size(e: &StreamEvent) -> usize {
    32 + match e {
        StreamEvent::Start { id, model } => {
            id.as_ref().map_or(0, String::len) + model.as_ref().map_or(0, String::len)
        }
        StreamEvent::Delta { text } | StreamEvent::ReasoningDelta { text } => text.len(),
        StreamEvent::ToolCallDelta { id, name, args, .. } => {
            id.as_ref().map_or(0, String::len) + name.as_ref().map_or(0, String::len) + args.len()
        }
        StreamEvent::Usage { .. } | StreamEvent::Finish { .. } => 16,
    }
}

/// Where exact cache entries are kept.
///
/// Implementations scope by the whole [`CacheKey`] (tenant and hash); the cache layer checks
/// the key of every entry it reads, so a store that returns a wrong entry causes a miss, never
/// a cross-tenant answer. A store error is a miss by default (the cache fails open; see
/// [`StoreFailure`](super::StoreFailure)). A remote store bounds its own calls with a short
/// timeout.
///
/// ```
/// use std::sync::Arc;
/// use std::time::Duration;
/// use llmops_core::cache::{CacheKey, CachedAnswer, CacheStore};
/// use llmops_core::{async_trait, Result};
///
/// /// A store that never keeps anything (every lookup misses).
/// struct Nothing;
///
/// #[async_trait]
/// impl CacheStore for Nothing {
///     fn name(&self) -> &str { "nothing" }
///     async fn get(&self, _key: &CacheKey) -> Result<Option<Arc<CachedAnswer>>> { Ok(None) }
///     async fn put(&self, _key: &CacheKey, _entry: Arc<CachedAnswer>, _ttl: Duration) -> Result<()> { Ok(()) }
///     async fn remove(&self, _key: &CacheKey) -> Result<()> { Ok(()) }
///     async fn clear(&self, _tenant: Option<Option<&str>>) -> Result<()> { Ok(()) }
/// }
/// ```
#[async_trait::async_trait]
pub trait CacheStore: Send + Sync + 'static {
    /// A short name for logs and errors (`memory`, `redis`).
    fn name(&self) -> &str;
    /// The entry stored under `key`, if any and not expired.
    async fn get(&self, key: &CacheKey) -> Result<Option<Arc<CachedAnswer>>>;
    /// Stores `entry` under `key` for `ttl`.
    async fn put(&self, key: &CacheKey, entry: Arc<CachedAnswer>, ttl: Duration) -> Result<()>;
    /// Removes the entry under `key`.
    async fn remove(&self, key: &CacheKey) -> Result<()>;
    /// Removes every entry of one tenant (`Some(tenant)`, where `Some(None)` is the requests
    /// without a tenant), or every entry (`None`).
    async fn clear(&self, tenant: Option<Option<&str>>) -> Result<()>;
    /// How many entries it holds, when it knows cheaply.
    fn entries(&self) -> Option<u64> {
        None
    }
}

#[async_trait::async_trait]
impl<T: CacheStore + ?Sized> CacheStore for Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    async fn get(&self, key: &CacheKey) -> Result<Option<Arc<CachedAnswer>>> {
        (**self).get(key).await
    }
    async fn put(&self, key: &CacheKey, entry: Arc<CachedAnswer>, ttl: Duration) -> Result<()> {
        (**self).put(key, entry, ttl).await
    }
    async fn remove(&self, key: &CacheKey) -> Result<()> {
        (**self).remove(key).await
    }
    async fn clear(&self, tenant: Option<Option<&str>>) -> Result<()> {
        (**self).clear(tenant).await
    }
    fn entries(&self) -> Option<u64> {
        (**self).entries()
    }
}

#[derive(Clone)]
struct Slot {
    entry: Arc<CachedAnswer>,
    ttl: Duration,
}

struct PerEntryTtl;

/// moka's hasher for the store's keys: foldhash's quality hasher, seeded at random per store.
/// The keys are xxh3-128 digests already, so a folded multiply spreads them as well as std's
/// SipHash at a fraction of the cost: moka hashes on every read and write and rehashes every
/// entry when its table grows or sweeps the tombstones evictions leave (a full cache, on every
/// miss). The random seed keeps a request from being crafted to land in a chosen bucket. The
/// quality variant's final mix matters for that: with the fast one, about one seed in 80 put
/// sequential digests 40 or more into one of 1,024 buckets (16 on average; 26 of 2,000 seeds,
/// worst 81); with the quality one none of 2,000 seeds did (worst 38).
type KeyHasher = foldhash::quality::RandomState;

impl moka::Expiry<u128, Slot> for PerEntryTtl {
    fn expire_after_create(&self, _k: &u128, v: &Slot, _at: Instant) -> Option<Duration> {
        Some(v.ttl)
    }
    fn expire_after_update(
        &self,
        _k: &u128,
        v: &Slot,
        _at: Instant,
        _left: Option<Duration>,
    ) -> Option<Duration> {
        Some(v.ttl)
    }
}

/// The in-process store on moka: bounded in entries and in bytes, each entry with its own
/// time to live. Reads take no global lock.
///
/// Both bounds hold at once: each entry weighs `max(size, max_bytes / max_entries)`
/// against a capacity of `max_bytes`, so neither more than `max_entries` entries nor more
/// than `max_bytes` bytes are kept; the least recently used (TinyLFU admission) go first.
///
/// ```
/// use llmops_core::cache::MemoryStore;
/// let store = MemoryStore::new(10_000, 64 << 20); // 10k entries, 64 MiB
/// # let _ = store;
/// ```
#[derive(Clone)]
pub struct MemoryStore {
    inner: moka::sync::Cache<u128, Slot, KeyHasher>,
    max_entries: u64,
    max_bytes: u64,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("entries", &self.inner.entry_count())
            .field("bytes", &self.inner.weighted_size())
            .field("max_entries", &self.max_entries)
            .field("max_bytes", &self.max_bytes)
            .finish()
    }
}

impl Default for MemoryStore {
    /// 10,000 entries, 64 MiB.
    fn default() -> Self {
        MemoryStore::new(10_000, 64 << 20)
    }
}

impl MemoryStore {
    /// A store of at most `max_entries` entries and `max_bytes` bytes (both at least 1).
    pub fn new(max_entries: u64, max_bytes: u64) -> Self {
        let max_entries = max_entries.max(1);
        let max_bytes = max_bytes.max(1);
        let floor = max_bytes.div_ceil(max_entries);
        let inner = moka::sync::Cache::builder()
            .max_capacity(max_bytes)
            .weigher(move |_k: &u128, v: &Slot| {
                u32::try_from((v.entry.size as u64).max(floor)).unwrap_or(u32::MAX)
            })
            .expire_after(PerEntryTtl)
            .support_invalidation_closures()
            .build_with_hasher(KeyHasher::default());
        MemoryStore {
            inner,
            max_entries,
            max_bytes,
        }
    }

    /// Entries held (after pending evictions ran).
    pub fn entry_count(&self) -> u64 {
        self.inner.run_pending_tasks();
        self.inner.entry_count()
    }

    /// Bytes held, as weighed (after pending evictions ran).
    pub fn weighted_size(&self) -> u64 {
        self.inner.run_pending_tasks();
        self.inner.weighted_size()
    }

    pub(crate) fn get_now(&self, key: &CacheKey) -> Option<Arc<CachedAnswer>> {
        self.inner.get(&key.hash).map(|s| s.entry)
    }
}

#[async_trait::async_trait]
impl CacheStore for MemoryStore {
    fn name(&self) -> &str {
        "memory"
    }
    async fn get(&self, key: &CacheKey) -> Result<Option<Arc<CachedAnswer>>> {
        Ok(self.get_now(key))
    }
    async fn put(&self, key: &CacheKey, entry: Arc<CachedAnswer>, ttl: Duration) -> Result<()> {
        self.inner.insert(key.hash, Slot { entry, ttl });
        Ok(())
    }
    async fn remove(&self, key: &CacheKey) -> Result<()> {
        self.inner.invalidate(&key.hash);
        Ok(())
    }
    async fn clear(&self, tenant: Option<Option<&str>>) -> Result<()> {
        match tenant {
            None => self.inner.invalidate_all(),
            Some(t) => {
                let t = t.map(str::to_owned);
                self.inner
                    .invalidate_entries_if(move |_, v| v.entry.key.tenant == t)
                    .map_err(|e| crate::Error::extension("cache", e))?;
            }
        }
        self.inner.run_pending_tasks();
        Ok(())
    }
    fn entries(&self) -> Option<u64> {
        Some(self.inner.entry_count())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(hash: u128, tenant: &str, text: &str) -> Arc<CachedAnswer> {
        let key = CacheKey {
            tenant: Some(tenant.into()),
            hash,
        };
        Arc::new(CachedAnswer::new(
            key,
            ChatResponse::new(text),
            None,
            "d".into(),
            "p".into(),
            true,
            None,
        ))
    }

    #[tokio::test]
    async fn bounds_in_entries_and_bytes() {
        let s = MemoryStore::new(10, 1 << 20);
        for i in 0..100u128 {
            let e = entry(i, "t", "x");
            s.put(&e.key.clone(), e, Duration::from_secs(60))
                .await
                .unwrap();
        }
        assert!(s.entry_count() <= 10, "{}", s.entry_count());
        let s = MemoryStore::new(1000, 20_000);
        for i in 0..100u128 {
            let e = entry(i, "t", &"y".repeat(2000));
            s.put(&e.key.clone(), e, Duration::from_secs(60))
                .await
                .unwrap();
        }
        assert!(s.weighted_size() <= 20_000, "{}", s.weighted_size());
        assert!(s.entry_count() <= 10);
    }

    #[test]
    fn the_key_hasher_spreads_digests_and_is_keyed_per_store() {
        use std::hash::BuildHasher;
        let a = KeyHasher::default();
        let b = KeyHasher::default();
        // sequential digests (the worst case for a plain fold) over 1,024 buckets: even
        let mut buckets = vec![0u32; 1024];
        for i in 0..16_384u128 {
            let h = a.hash_one(i << 64 | i);
            let slot = buckets.get_mut((h % 1024) as usize).unwrap();
            *slot += 1;
        }
        let max = buckets.iter().copied().max().unwrap();
        assert!(max < 40, "a bucket got {max} of 16 on average");
        assert_eq!(a.hash_one(42u128), a.hash_one(42u128));
        assert_ne!(a.hash_one(42u128), b.hash_one(42u128));
        assert_ne!(a.hash_one(0u128), 0);
        assert_ne!(a.hash_one("x"), a.hash_one("y"));
    }

    #[test]
    fn an_entry_survives_serialisation_for_shared_stores() {
        let mut e = (*entry(7, "acme", "Paris.")).clone();
        e.events = Some(vec![
            StreamEvent::ReasoningDelta { text: "hm".into() },
            StreamEvent::delta("Paris."),
        ]);
        let json = serde_json::to_string(&e).unwrap();
        let back: CachedAnswer = serde_json::from_str(&json).unwrap();
        assert_eq!(back, e);
        assert_eq!(back.key.hex().len(), 32);
    }

    #[tokio::test]
    async fn clear_one_tenant() {
        let s = MemoryStore::default();
        for (i, t) in ["a", "b", "a"].iter().enumerate() {
            let e = entry(i as u128, t, "x");
            s.put(&e.key.clone(), e, Duration::from_secs(60))
                .await
                .unwrap();
        }
        s.clear(Some(Some("a"))).await.unwrap();
        let k = |h: u128, t: &str| CacheKey {
            tenant: Some(t.into()),
            hash: h,
        };
        assert!(s.get(&k(0, "a")).await.unwrap().is_none());
        assert!(s.get(&k(1, "b")).await.unwrap().is_some());
        s.clear(None).await.unwrap();
        assert!(s.get(&k(1, "b")).await.unwrap().is_none());
    }
}
