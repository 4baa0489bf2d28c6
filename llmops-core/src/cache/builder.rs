//! [`Cache`] (the handle: stats, invalidation, the pipeline stage) and [`CacheBuilder`].

use std::sync::Arc;
use std::time::Duration;

use super::policy::{DeploymentPolicy, Determinism, StoreFailure};
use super::semantic::Semantic;
use super::stats::{CacheStats, Counters};
use super::store::{CacheStore, MemoryStore};
use crate::embed::Embedder;

/// A misconfigured cache: refused by [`CacheBuilder::build`].
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum CacheError {
    /// Semantic caching was asked for and no embedder was given.
    #[error("semantic caching needs an embedder: call CacheBuilder::embedder(..)")]
    NoEmbedder,
    /// The similarity threshold is not in `(0, 1]`.
    #[error("the semantic similarity threshold must be in (0, 1], got {0}")]
    Threshold(f32),
    /// Another setting is out of range.
    #[error("cache configuration: {0}")]
    Invalid(String),
}

impl From<CacheError> for crate::Error {
    fn from(e: CacheError) -> Self {
        crate::Error::config(e.to_string())
    }
}

pub(crate) struct Inner {
    pub(crate) store: Arc<dyn CacheStore>,
    pub(crate) ttl: Duration,
    pub(crate) namespace: String,
    pub(crate) per_user: bool,
    pub(crate) determinism: Determinism,
    pub(crate) deployments: DeploymentPolicy,
    pub(crate) failure: StoreFailure,
    pub(crate) max_entry_bytes: usize,
    pub(crate) semantic: Option<Semantic>,
    pub(crate) counters: Counters,
}

/// The response cache: exact (and optionally semantic) answers, scoped by tenant, model and
/// prompt version. Cheap to clone; install it with
/// [`ClientBuilder::cache`](crate::ClientBuilder::cache) and keep a clone for
/// [`stats`](Cache::stats) and invalidation.
///
/// ```
/// use llmops_core::{ChatRequest, Client, ScriptedProvider, CacheOutcome, CacheKind};
/// use llmops_core::cache::Cache;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let cache = Cache::builder().build()?;
/// let client = Client::builder()
///     .provider(ScriptedProvider::new().reply("4").reply("four"))
///     .cache(cache.clone())
///     .build()?;
/// let req = ChatRequest::new("scripted/calc").user("2+2?").temperature(0.0).tenant("acme");
/// assert_eq!(client.chat(req.clone()).await?.text(), "4");
/// let again = client.chat(req).await?;
/// assert_eq!(again.text(), "4"); // the provider was not called again
/// assert_eq!(again.meta.cache, Some(CacheOutcome::Hit { kind: CacheKind::Exact, similarity: None }));
/// assert_eq!((cache.stats().exact_hits, cache.stats().misses), (1, 1));
/// # Ok::<(), llmops_core::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct Cache {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Cache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Cache")
            .field("store", &self.inner.store.name())
            .field("ttl", &self.inner.ttl)
            .field("semantic", &self.inner.semantic)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl Cache {
    /// A builder with the defaults: in-memory store of 10,000 entries and 64 MiB, one hour to
    /// live, deterministic requests only, first-choice deployments only, failing open, no
    /// semantic matching.
    pub fn builder() -> CacheBuilder {
        CacheBuilder::default()
    }

    /// The counters so far.
    pub fn stats(&self) -> CacheStats {
        self.inner.counters.snapshot()
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn CacheStore> {
        &self.inner.store
    }

    /// Removes every entry of `tenant` (`None`: the requests without a tenant).
    pub async fn clear_tenant(&self, tenant: Option<&str>) -> crate::Result<()> {
        if let Some(s) = &self.inner.semantic {
            s.clear(Some(tenant));
        }
        self.inner.store.clear(Some(tenant)).await
    }

    /// Removes every entry.
    pub async fn clear(&self) -> crate::Result<()> {
        if let Some(s) = &self.inner.semantic {
            s.clear(None);
        }
        self.inner.store.clear(None).await
    }
}

/// Configures a [`Cache`]; see [`Cache::builder`] for the defaults.
#[must_use]
pub struct CacheBuilder {
    store: Option<Arc<dyn CacheStore>>,
    max_entries: u64,
    max_bytes: u64,
    ttl: Duration,
    namespace: String,
    per_user: bool,
    determinism: Determinism,
    deployments: DeploymentPolicy,
    failure: StoreFailure,
    max_entry_bytes: usize,
    semantic: Option<f32>,
    embedder: Option<Arc<dyn Embedder>>,
    semantic_rows: usize,
    semantic_scopes: u64,
}

impl std::fmt::Debug for CacheBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CacheBuilder")
            .field("ttl", &self.ttl)
            .field("semantic", &self.semantic)
            .finish_non_exhaustive()
    }
}

impl Default for CacheBuilder {
    fn default() -> Self {
        CacheBuilder {
            store: None,
            max_entries: 10_000,
            max_bytes: 64 << 20,
            ttl: Duration::from_secs(3600),
            namespace: String::new(),
            per_user: false,
            determinism: Determinism::default(),
            deployments: DeploymentPolicy::default(),
            failure: StoreFailure::default(),
            max_entry_bytes: 1 << 20,
            semantic: None,
            embedder: None,
            semantic_rows: 10_000,
            semantic_scopes: 10_000,
        }
    }
}

impl CacheBuilder {
    /// How long an entry lives (default one hour).
    pub fn ttl(mut self, ttl: Duration) -> Self {
        self.ttl = ttl;
        self
    }

    /// Bounds of the in-memory store: entries and bytes (defaults 10,000 and 64 MiB).
    pub fn max_size(mut self, entries: u64, bytes: u64) -> Self {
        self.max_entries = entries;
        self.max_bytes = bytes;
        self
    }

    /// Answers larger than this are not stored (default 1 MiB).
    pub fn max_entry_bytes(mut self, bytes: usize) -> Self {
        self.max_entry_bytes = bytes;
        self
    }

    /// Another store (a shared one); the size bounds then are the store's.
    pub fn store(mut self, store: impl CacheStore) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// A namespace hashed into every key: change it to start afresh (after changing client
    /// default parameters, say), or to keep two clients sharing a store apart.
    pub fn namespace(mut self, ns: impl Into<String>) -> Self {
        self.namespace = ns.into();
        self
    }

    /// Scope entries by user as well as by tenant (answers that depend on who asks).
    pub fn per_user(mut self, yes: bool) -> Self {
        self.per_user = yes;
        self
    }

    /// Cache requests whatever their temperature (default: temperature 0 only).
    pub fn allow_nondeterministic(mut self, yes: bool) -> Self {
        self.determinism.any_temperature = yes;
        self
    }

    /// Count a request with a `seed` as deterministic (default off: OpenAI's seed is best
    /// effort).
    pub fn seed_is_deterministic(mut self, yes: bool) -> Self {
        self.determinism.seed_is_deterministic = yes;
        self
    }

    /// The temperature the client applies when neither the request nor the prompt version
    /// sets one (its default parameters), which the cache stage cannot see.
    pub fn default_temperature(mut self, t: f32) -> Self {
        self.determinism.default_temperature = Some(t);
        self
    }

    /// Which deployments' answers a lookup accepts (default [`DeploymentPolicy::FirstChoice`]).
    pub fn deployments(mut self, p: DeploymentPolicy) -> Self {
        self.deployments = p;
        self
    }

    /// What a store error does (default [`StoreFailure::Open`]: a miss).
    pub fn on_store_error(mut self, f: StoreFailure) -> Self {
        self.failure = f;
        self
    }

    /// Turns on semantic matching at this cosine similarity (needs an
    /// [`embedder`](CacheBuilder::embedder)). 0.9 suits sentence-transformers such as
    /// all-MiniLM-L6-v2 on short questions (see docs/cache.md).
    pub fn semantic(mut self, threshold: f32) -> Self {
        self.semantic = Some(threshold);
        self
    }

    /// The embedder of the semantic cache.
    pub fn embedder(mut self, e: Arc<dyn Embedder>) -> Self {
        self.embedder = Some(e);
        self
    }

    /// Bounds of the semantic index: rows per scope (oldest out) and scopes (least recently
    /// used out); defaults 10,000 each.
    pub fn semantic_limits(mut self, rows_per_scope: usize, scopes: u64) -> Self {
        self.semantic_rows = rows_per_scope;
        self.semantic_scopes = scopes;
        self
    }

    /// The cache, or a typed error: semantic matching without an embedder, a threshold out of
    /// `(0, 1]`, a zero bound or time to live.
    ///
    /// ```
    /// use llmops_core::cache::{Cache, CacheError};
    /// assert_eq!(Cache::builder().semantic(0.9).build().unwrap_err(), CacheError::NoEmbedder);
    /// ```
    pub fn build(self) -> Result<Cache, CacheError> {
        if self.ttl.is_zero() {
            return Err(CacheError::Invalid("the time to live is zero".into()));
        }
        if self.store.is_none() && (self.max_entries == 0 || self.max_bytes == 0) {
            return Err(CacheError::Invalid("a size bound is zero".into()));
        }
        if self.semantic_rows == 0 || self.semantic_scopes == 0 {
            return Err(CacheError::Invalid("a semantic bound is zero".into()));
        }
        let semantic = match self.semantic {
            None => None,
            Some(t) if !(t > 0.0 && t <= 1.0) => return Err(CacheError::Threshold(t)),
            Some(t) => {
                let e = self.embedder.ok_or(CacheError::NoEmbedder)?;
                Some(Semantic::new(
                    e,
                    t,
                    self.semantic_rows,
                    self.semantic_scopes,
                ))
            }
        };
        let store = self
            .store
            .unwrap_or_else(|| Arc::new(MemoryStore::new(self.max_entries, self.max_bytes)));
        Ok(Cache {
            inner: Arc::new(Inner {
                store,
                ttl: self.ttl,
                namespace: self.namespace,
                per_user: self.per_user,
                determinism: self.determinism,
                deployments: self.deployments,
                failure: self.failure,
                max_entry_bytes: self.max_entry_bytes,
                semantic,
                counters: Counters::default(),
            }),
        })
    }
}
