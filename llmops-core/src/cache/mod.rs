//! The response cache (feature `cache`): exact answers on moka, semantic matches on an
//! [`Embedder`](crate::Embedder), streams replayed, scoped by tenant, model and prompt
//! version; and provider prompt caching (Anthropic `cache_control` markers, cached-token
//! share per prompt version).
//!
//! - [`Cache`] / [`CacheBuilder`]: the stage installed by
//!   [`ClientBuilder::cache`](crate::ClientBuilder::cache) at
//!   [`CoreStage::Cache`](crate::CoreStage::Cache), after the budget and before the router.
//! - [`CacheKey`]: xxh3-128 of a canonical form of everything that affects the reply, tenant
//!   included (the module docs of `key` list what goes in and what is left out).
//! - [`CacheStore`]: where exact entries live; [`MemoryStore`] (moka, bounded in entries and
//!   bytes, per-entry time to live) by default, a shared store (Redis) behind the same trait.
//!   Store errors are misses by default ([`StoreFailure`]).
//! - [`CacheDirective`] per request ([`CacheRequestExt::cache`]): allow a non-deterministic
//!   request, bypass, refresh.
//! - [`DeploymentPolicy`]: which deployment's answers a lookup accepts (by default only the
//!   answers of the deployment a request goes to first, never a fallback's).
//! - [`CacheStats`]: exact and semantic hits, misses, skips, refusals, writes, errors.
//! - [`PromptCaching`]: marks stable prefixes for the provider's own prompt cache;
//!   [`PromptCacheShare`]: cached input tokens per prompt version.
//!
//! What an exchange records: [`Exchange::cache`](crate::Exchange::cache) is
//! `Hit { kind, similarity }`, `Miss` or `Bypass { reason }`; a hit makes no provider attempt,
//! costs `Cost::Known(0)`, reports zero usage in its record (nothing was spent) and carries
//! the original usage, deployment and time of storage in the record's `"cache"` annotation;
//! the reply the caller gets carries the original usage, as the provider reported it.
//!
//! The guide is `docs/cache.md`.

mod builder;
mod exact;
mod key;
mod layer;
mod policy;
mod prompt_caching;
mod replay;
mod semantic;
mod stats;
mod store;

pub use builder::{Cache, CacheBuilder, CacheError};
pub use key::CacheKey;
pub use policy::{
    CacheDirective, CacheRequestExt, DIRECTIVE_TAG, DeploymentPolicy, Determinism, StoreFailure,
};
pub use prompt_caching::{PromptCacheShare, PromptCaching, ShareRow, cache_share};
pub use stats::CacheStats;
pub use store::{CacheStore, CachedAnswer, MemoryStore};
