//! Redis stores (feature `redis`): state that several processes share through one Redis
//! server, behind the same traits as the in-memory defaults.
//!
//! The feature turns on `cache` and `routing`, whose stores it implements (and, with the
//! `cost` feature, the budgets' store):
//!
//! - [`RedisCacheStore`]: a [`CacheStore`](crate::cache::CacheStore) for the response cache
//!   (entries as JSON under `<prefix>:cache:<tenant>:<hash>`, expired by Redis);
//! - [`RedisLimitStore`]: a [`LimitStore`](crate::routing::LimitStore) for the router's rate
//!   limits (token buckets taken atomically by one Lua script on Redis' clock);
//! - [`RedisBudgetStore`] (feature `cost`): a [`BudgetStore`](crate::cost::budget::BudgetStore)
//!   for the budget stage (counters checked and held atomically by Lua scripts, holds that
//!   lapse after their TTL on Redis' clock).
//!
//! All run on a [`RedisConnection`]: opened lazily (a process starts whether Redis is up or
//! not), multiplexed, reconnecting, every call bounded by a short timeout (50 ms by default)
//! and followed, after a failure, by a cool-down during which calls fail at once
//! ([`RedisOptions`]). When Redis is unreachable or slow each store applies its policy: the
//! cache fails **open** (a miss; [`StoreFailure`](crate::cache::StoreFailure)), rate limits
//! fail **open** by default ([`LimitFailure`]), and budgets fail **closed** by default (the
//! request is refused; [`StoreFailure`](crate::cost::budget::StoreFailure)). Each store
//! counts its calls and failures ([`RedisStats`], exported as metrics through
//! [`StoreCounters`](crate::StoreCounters)) and logs them.
//!
//! ```
//! use std::sync::Arc;
//! use llmops_core::cache::Cache;
//! use llmops_core::redis::{RedisCacheStore, RedisConnection, RedisLimitStore};
//! use llmops_core::routing::{DeploymentConfig, Limits, Router};
//! use llmops_core::{Client, ScriptedProvider};
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! // no I/O until the first request
//! let conn = RedisConnection::open("redis://127.0.0.1:6379/")?;
//! let client = Client::builder()
//!     .provider(ScriptedProvider::named("openai"))
//!     .cache(Cache::builder().store(RedisCacheStore::new(conn.clone())).build()?)
//!     .router(
//!         Router::builder()
//!             .group("chat", ["openai/gpt-4.1-mini"])
//!             .deployment(DeploymentConfig::new("openai/gpt-4.1-mini").limits(Limits::default().rpm(600)))
//!             .limit_store(Arc::new(RedisLimitStore::new(conn)))
//!             .build()?,
//!     )
//!     .build()?;
//! # let _ = client;
//! # Ok::<(), llmops_core::Error>(())
//! # }).unwrap();
//! ```
//!
//! The guide's sections are "Redis" in `docs/cache.md` and `docs/routing.md`, and "Stores"
//! in `docs/cost.md`.

#[cfg(feature = "cost")]
mod budget;
mod cache;
mod connection;
mod limits;
mod policy;

#[cfg(feature = "cost")]
pub use budget::{KEY_MARGIN, RedisBudgetStore};
pub use cache::{DEFAULT_MAX_ENTRY_BYTES, RedisCacheStore};
pub use connection::RedisConnection;
pub use limits::RedisLimitStore;
pub use policy::{LimitFailure, RedisOptions, RedisStats};
