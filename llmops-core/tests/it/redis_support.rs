//! Helpers shared by the Redis backend tests: the server from `LLMOPS_REDIS_URL`, a key prefix
//! per test, connections, and key listing and clean-up.

use std::time::Duration;

use llmops_core::redis::{RedisConnection, RedisOptions};

pub const VAR: &str = "LLMOPS_REDIS_URL";

pub fn redis_url() -> Option<String> {
    llmops_core::testing::backend(VAR, "Redis")
}

/// A key prefix of its own, so tests sharing one server never see each other's keys.
pub fn prefix(test: &str) -> String {
    format!("llmops-it:{test}:{}", uuid::Uuid::now_v7().simple())
}

/// A connection with a generous timeout: these tests are about sharing, not slowness (a
/// loaded CI machine must not turn a Redis answer into a store failure).
pub fn conn(url: &str, prefix: &str) -> RedisConnection {
    RedisConnection::with_options(
        url,
        RedisOptions::default()
            .timeout(Duration::from_secs(5))
            .prefix(prefix),
    )
    .unwrap()
}

/// A raw connection for checks and clean-up; failing here means the server is unreachable.
pub async fn raw(url: &str) -> ::redis::aio::MultiplexedConnection {
    let c = ::redis::Client::open(url).unwrap();
    tokio::time::timeout(Duration::from_secs(5), c.get_multiplexed_async_connection())
        .await
        .unwrap_or_else(|_| panic!("{VAR}={url}: no answer within 5 s"))
        .unwrap_or_else(|e| panic!("{VAR}={url}: {e}"))
}

pub async fn keys(r: &mut ::redis::aio::MultiplexedConnection, prefix: &str) -> Vec<String> {
    let mut out: Vec<String> = ::redis::cmd("KEYS")
        .arg(format!("{prefix}:*"))
        .query_async(r)
        .await
        .unwrap();
    out.sort();
    out
}

pub async fn cleanup(r: &mut ::redis::aio::MultiplexedConnection, prefix: &str) {
    let ks = keys(r, prefix).await;
    if !ks.is_empty() {
        ::redis::cmd("DEL")
            .arg(ks)
            .query_async::<()>(r)
            .await
            .unwrap();
    }
}
