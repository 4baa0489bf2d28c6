//! [`RedisLimitStore`]: the router's rate-limit buckets in Redis, taken atomically by one Lua
//! script, so that any number of processes share a deployment's requests and tokens per
//! minute.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, LazyLock};
use std::time::Duration;

use super::connection::RedisConnection;
use super::policy::{Counters, LimitFailure, RedisStats, bump};
use crate::routing::{Grant, LimitStore, Rate, Take};
use crate::{Error, Result};

/// Bucket corrections in flight at most; more are dropped (and counted).
const MAX_PENDING_ADJUSTMENTS: usize = 1024;

/// GCRA over every bucket given, all or nothing. Each key holds its bucket's "theoretical
/// arrival time" in microseconds of Redis' clock (`TIME`, so processes need no synchronised
/// clocks); a missing key is a full bucket. ARGV holds, per key, the emission interval of the
/// amount taken (`inc`) and the bucket's tolerance (its period, `tau`). Nothing is written
/// unless every bucket has room; each written key expires when its bucket is full again.
/// Returns `{1, 0}` (granted) or `{0, wait_us}`.
const TAKE: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local pending = {}
local order = {}
for i, key in ipairs(KEYS) do
  local inc = tonumber(ARGV[2 * i - 1])
  local tau = tonumber(ARGV[2 * i])
  local tat = pending[key]
  if tat == nil then
    local v = redis.call('GET', key)
    tat = now
    if v then tat = math.max(tonumber(v) or now, now) end
  end
  local new = math.max(tat, now) + inc
  if new - now > tau then
    return {0, new - now - tau}
  end
  if pending[key] == nil then table.insert(order, key) end
  pending[key] = new
end
for _, key in ipairs(order) do
  local tat = pending[key]
  redis.call('SET', key, string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
end
return {1, 0}
";

/// Corrects one bucket: ARGV[1] microseconds given back (positive) or taken (negative).
const ADJUST: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local d = tonumber(ARGV[1])
local v = redis.call('GET', KEYS[1])
local tat
if d > 0 then
  if not v then return 0 end
  tat = (tonumber(v) or now) - d
else
  tat = math.max(v and tonumber(v) or now, now) - d
end
if tat <= now then
  redis.call('DEL', KEYS[1])
else
  redis.call('SET', KEYS[1], string.format('%d', tat), 'PX', math.ceil((tat - now) / 1000) + 1)
end
return 1
";

static TAKE_SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(TAKE));
static ADJUST_SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| redis::Script::new(ADJUST));

/// A [`LimitStore`] in Redis: the same token buckets as
/// [`MemoryLimitStore`](crate::routing::MemoryLimitStore) (GCRA: a bucket of `capacity`
/// units per period, refilled continuously, bursting up to `capacity`), kept in Redis so that
/// every process using the same Redis and key prefix shares them.
///
/// - **Atomic**: one Lua script checks and takes every bucket of a request (requests and
///   tokens per minute) at once, all or nothing; concurrent takes from any number of
///   processes never grant more than the buckets hold.
/// - **Clock**: the script reads Redis' clock, so processes need no synchronised clocks.
///   Times are microseconds: emission intervals are rounded down to a whole microsecond
///   (at most one unit of excess per bucket for rates above about 7,700 single units per
///   minute; token amounts are exact to a few thousandths of a token).
/// - **Keys**: `<prefix>:limit:<bucket>` (`<bucket>` is the router's `<deployment>:rpm` or
///   `<deployment>:tpm`), each expiring when its bucket is full again. One request's buckets
///   are taken in one script, so it needs a standalone Redis (or a primary), not Redis
///   Cluster.
/// - **Corrections** ([`LimitStore::adjust`], after the real token count is known) are sent
///   in the background (spawned on the current Tokio runtime, at most 1,024 in flight); the
///   caller never waits.
/// - **Failures**: every call is bounded by the connection's timeout; what a failure answers
///   is [`on_failure`](Self::on_failure) ([`LimitFailure::Open`] by default: the router lets
///   the request through and records the error). Counted in [`stats`](Self::stats), logged.
///
/// ```
/// use std::sync::Arc;
/// use llmops_core::redis::{LimitFailure, RedisConnection, RedisLimitStore};
/// use llmops_core::routing::{DeploymentConfig, Limits, Router};
/// let conn = RedisConnection::open("redis://127.0.0.1:6379/")?;
/// let limits = RedisLimitStore::new(conn).on_failure(LimitFailure::Open);
/// let router = Router::builder()
///     .group("chat", ["openai/gpt-4.1-mini"])
///     .deployment(DeploymentConfig::new("openai/gpt-4.1-mini").limits(Limits::default().rpm(600)))
///     .limit_store(Arc::new(limits))
///     .build()?;
/// # let _ = router;
/// # Ok::<(), llmops_core::Error>(())
/// ```
#[derive(Clone)]
pub struct RedisLimitStore {
    conn: RedisConnection,
    on_failure: LimitFailure,
    counters: Arc<Counters>,
    pending: Arc<AtomicUsize>,
}

impl std::fmt::Debug for RedisLimitStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisLimitStore")
            .field("conn", &self.conn)
            .field("on_failure", &self.on_failure)
            .field("stats", &self.stats())
            .finish()
    }
}

/// One bucket's arguments to the script: emission interval of `amount` and tolerance, in µs.
fn micros_for(rate: Rate, amount: u64) -> u64 {
    let per = rate.per.as_micros();
    let n = per.saturating_mul(u128::from(amount)) / u128::from(rate.capacity.max(1));
    n.min(u128::from(u64::MAX)) as u64
}

fn tolerance(rate: Rate) -> u64 {
    rate.per.as_micros().min(u128::from(u64::MAX)) as u64
}

impl RedisLimitStore {
    /// A store on `conn`, failing open, with its own counters.
    pub fn new(conn: RedisConnection) -> Self {
        RedisLimitStore {
            conn,
            on_failure: LimitFailure::default(),
            counters: Arc::default(),
            pending: Arc::default(),
        }
    }

    /// What a failure (timeout, refused connection, cool-down) answers (default
    /// [`LimitFailure::Open`]).
    #[must_use]
    pub fn on_failure(mut self, f: LimitFailure) -> Self {
        self.on_failure = f;
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

    /// The Redis key of bucket `bucket`: `<prefix>:limit:<bucket>`.
    pub fn redis_key(&self, bucket: &str) -> String {
        format!("{}:limit:{bucket}", self.conn.prefix())
    }

    fn failed(&self, e: Error) -> Result<Grant> {
        match self.on_failure {
            LimitFailure::Open => Err(e),
            LimitFailure::Closed { retry_in } => {
                bump(&self.counters.failed_closed);
                Ok(Grant::Wait(retry_in))
            }
        }
    }
}

impl crate::StoreCounters for RedisLimitStore {
    /// Calls and failures, and the events `failed_closed` and `dropped_adjustments`.
    fn store_counts(&self) -> crate::StoreCounts {
        let s = self.stats();
        s.store_counts()
            .event("failed_closed", s.failed_closed)
            .event("dropped_adjustments", s.dropped_adjustments)
    }
}

#[async_trait::async_trait]
impl LimitStore for RedisLimitStore {
    fn name(&self) -> &str {
        "redis"
    }

    async fn try_take(&self, takes: &[Take<'_>]) -> Result<Grant> {
        if takes.is_empty() {
            return Ok(Grant::Granted);
        }
        let mut keys = Vec::with_capacity(takes.len());
        let mut args = Vec::with_capacity(takes.len() * 2);
        for t in takes {
            if t.rate.capacity == 0 || t.rate.per.is_zero() {
                return Err(Error::config(format!(
                    "rate limit `{}` must have a capacity and a period above zero",
                    t.key
                )));
            }
            if t.amount > t.rate.capacity {
                return Ok(Grant::TooLarge);
            }
            keys.push(self.redis_key(t.key));
            args.push(micros_for(t.rate, t.amount));
            args.push(tolerance(t.rate));
        }
        let answer = self
            .conn
            .run("EVALSHA take", &self.counters, |mut m| async move {
                let mut inv = TAKE_SCRIPT.prepare_invoke();
                for k in &keys {
                    inv.key(k);
                }
                for a in &args {
                    inv.arg(*a);
                }
                inv.invoke_async::<(i64, i64)>(&mut m).await
            })
            .await;
        match answer {
            Ok((1, _)) => Ok(Grant::Granted),
            Ok((_, wait)) => Ok(Grant::Wait(Duration::from_micros(
                u64::try_from(wait).unwrap_or(0).max(1),
            ))),
            Err(e) => self.failed(e),
        }
    }

    fn adjust(&self, key: &str, rate: Rate, delta: i64) {
        if delta == 0 || rate.capacity == 0 {
            return;
        }
        let Ok(rt) = tokio::runtime::Handle::try_current() else {
            bump(&self.counters.dropped_adjustments);
            return;
        };
        if self.pending.fetch_add(1, Ordering::AcqRel) >= MAX_PENDING_ADJUSTMENTS {
            self.pending.fetch_sub(1, Ordering::AcqRel);
            bump(&self.counters.dropped_adjustments);
            return;
        }
        let micros = micros_for(rate, delta.unsigned_abs()).min(i64::MAX as u64) as i64;
        let signed = if delta > 0 { micros } else { -micros };
        let key = self.redis_key(key);
        let store = self.clone();
        rt.spawn(async move {
            let r = store
                .conn
                .run("EVALSHA adjust", &store.counters, |mut m| async move {
                    ADJUST_SCRIPT
                        .key(&key)
                        .arg(signed)
                        .invoke_async::<i64>(&mut m)
                        .await
                })
                .await;
            store.pending.fetch_sub(1, Ordering::AcqRel);
            if r.is_err() {
                bump(&store.counters.dropped_adjustments);
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_in_microseconds() {
        let r = Rate::per_minute(30);
        assert_eq!(micros_for(r, 1), 2_000_000);
        assert_eq!(tolerance(r), 60_000_000);
        // rounded down: a burst of `capacity` always fits the tolerance
        let r = Rate::per_minute(7);
        assert!(micros_for(r, 1) * 7 <= tolerance(r));
        assert!(micros_for(r, 1) * 8 > tolerance(r));
        assert_eq!(micros_for(Rate::per_minute(150_000), 2_000), 800_000);
    }

    #[tokio::test]
    async fn too_large_and_bad_rates_need_no_redis() {
        // nobody listens on port 1: these answers come before any call
        let s = RedisLimitStore::new(RedisConnection::open("redis://127.0.0.1:1/").unwrap());
        let t = Take {
            key: "d:rpm",
            amount: 5,
            rate: Rate::per_minute(4),
        };
        assert_eq!(s.try_take(&[t]).await.unwrap(), Grant::TooLarge);
        let t = Take {
            key: "d:rpm",
            amount: 1,
            rate: Rate::per_minute(0),
        };
        assert!(matches!(s.try_take(&[t]).await, Err(Error::Config(_))));
        assert_eq!(s.try_take(&[]).await.unwrap(), Grant::Granted);
        assert_eq!(s.stats().calls, 0);
        assert_eq!(s.redis_key("d:rpm"), "llmops:limit:d:rpm");
    }
}
