//! [`RedisBudgetStore`]: budget counters in Redis, checked and held atomically by Lua
//! scripts, so that any number of processes share one set of budgets.

use std::sync::{Arc, LazyLock};
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::connection::RedisConnection;
use super::policy::{Counters, RedisStats};
use crate::cost::budget::{BudgetStore, Charge, CounterState, Reserve};
use crate::{Error, Result};

/// Keys live this long past their window's end (and at least this long after their last
/// write): late settlements of requests that straddle the window's end still find them.
pub const KEY_MARGIN: Duration = Duration::from_secs(3600);

/// The helpers every script starts with: `now` in milliseconds of Redis' clock, `figures` of a
/// counter hash, `sweep` of its lapsed holds, `expire` of a counter's two keys.
///
/// A counter is a hash (`spent`, `reserved`, and `h:<id>` = the amount of each hold) and a
/// sorted set of hold ids scored by their expiry (ms). `reserved` is the sum of the hash's
/// holds; `sweep` drops the holds whose expiry has passed and takes their amounts off it.
/// Integers are written by Redis (`HINCRBY` on decimal strings); Lua's doubles only compare.
const PRELUDE: &str = r"
if redis.replicate_commands then redis.replicate_commands() end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local function int(x) return string.format('%d', x) end
local function figures(h)
  local v = redis.call('HMGET', h, 'spent', 'reserved')
  return tonumber(v[1]) or 0, tonumber(v[2]) or 0
end
local function unhold(h, field)
  local a = redis.call('HGET', h, field)
  if not a then return end
  redis.call('HDEL', h, field)
  if redis.call('HINCRBY', h, 'reserved', int(-(tonumber(a) or 0))) < 0 then
    redis.call('HSET', h, 'reserved', 0)
  end
end
local function sweep(h, z)
  local gone = redis.call('ZRANGEBYSCORE', z, '-inf', now)
  if #gone == 0 then return end
  for _, id in ipairs(gone) do unhold(h, 'h:' .. id) end
  redis.call('ZREMRANGEBYSCORE', z, '-inf', now)
end
local function expire(h, z, at)
  redis.call('PEXPIREAT', h, int(at))
  redis.call('PEXPIREAT', z, int(at))
end
";

/// KEYS: per counter, its hash then its holds. ARGV: id, ttl (ms), margin (ms), then per
/// counter limit, amount, window end (ms). All or nothing: every counter is checked (after
/// sweeping lapsed holds) before any is held. Returns `{1, 0, 0, 0}` or
/// `{0, counter index, spent, reserved}`.
const RESERVE: &str = r"
local id, ttl, margin = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local n = #KEYS / 2
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  sweep(h, z)
  local spent, reserved = figures(h)
  if spent + reserved + tonumber(ARGV[3 * i + 2]) > tonumber(ARGV[3 * i + 1]) then
    return {0, i - 1, spent, reserved}
  end
end
local field = 'h:' .. id
for i = 1, n do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  local amount = ARGV[3 * i + 2]
  -- the same id reserved twice: the newer hold replaces the older
  unhold(h, field)
  redis.call('HSET', h, field, amount)
  redis.call('HINCRBY', h, 'reserved', amount)
  redis.call('ZADD', z, int(now + ttl), id)
  expire(h, z, math.max(tonumber(ARGV[3 * i + 3]), now + ttl) + margin)
end
return {1, 0, 0, 0}
";

/// KEYS: per counter, its hash then its holds. ARGV: id, margin (ms), then per counter
/// amount (the real spend), window end (ms). Ends the hold if it is still there and adds the
/// spend either way. Returns `{spent, reserved}` per counter, flattened.
const SETTLE: &str = r"
local id, margin = ARGV[1], tonumber(ARGV[2])
local field = 'h:' .. id
local out = {}
for i = 1, #KEYS / 2 do
  local h, z = KEYS[2 * i - 1], KEYS[2 * i]
  sweep(h, z)
  unhold(h, field)
  redis.call('ZREM', z, id)
  redis.call('HINCRBY', h, 'spent', ARGV[2 * i + 1])
  local spent, reserved = figures(h)
  expire(h, z, math.max(tonumber(ARGV[2 * i + 2]), now) + margin)
  table.insert(out, spent)
  table.insert(out, reserved)
end
return out
";

/// KEYS: per counter, its hash then its holds. ARGV: id. Ends the hold; a lapsed or unknown
/// id changes nothing (and creates no key).
const RELEASE: &str = r"
local field = 'h:' .. ARGV[1]
for i = 1, #KEYS / 2 do
  unhold(KEYS[2 * i - 1], field)
  redis.call('ZREM', KEYS[2 * i], ARGV[1])
end
return 1
";

/// KEYS: a counter's hash and holds. Returns `{spent, reserved}` after sweeping.
const STATE: &str = r"
sweep(KEYS[1], KEYS[2])
local spent, reserved = figures(KEYS[1])
return {spent, reserved}
";

/// KEYS: the alert's key. ARGV: window end (ms), margin (ms). `SET NX` expiring after the
/// window: 1 for the first caller only.
const CLAIM_ALERT: &str = r"
local at = math.max(tonumber(ARGV[1]), now) + tonumber(ARGV[2])
if redis.call('SET', KEYS[1], '1', 'NX', 'PX', int(math.max(at - now, 1))) then
  return 1
end
return 0
";

fn script(body: &str) -> redis::Script {
    redis::Script::new(&format!("{PRELUDE}{body}"))
}

static RESERVE_SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| script(RESERVE));
static SETTLE_SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| script(SETTLE));
static RELEASE_SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| script(RELEASE));
static STATE_SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| script(STATE));
static CLAIM_ALERT_SCRIPT: LazyLock<redis::Script> = LazyLock::new(|| script(CLAIM_ALERT));

/// A [`BudgetStore`] in Redis: the same semantics as
/// [`MemoryBudgetStore`](crate::cost::budget::MemoryBudgetStore), shared by every process
/// that uses the same Redis and key prefix, so that N processes together never spend more
/// than a limit (by more than one request's bound).
///
/// - **Keys**: a counter is a hash `<prefix>:budget:<counter key>` (`spent`, `reserved`, and
///   `h:<reservation id>` = the amount of each live hold) and a sorted set
///   `<prefix>:budget-holds:<counter key>` of its holds scored by their expiry. Soft-threshold
///   claims are `<prefix>:budget-alert:<percent>:<counter key>`. Every key expires
///   [`KEY_MARGIN`] (an hour) after its window ends.
/// - **Atomic**: one Lua script per operation. [`reserve`](BudgetStore::reserve) drops the
///   lapsed holds of each counter, checks `spent + reserved + amount ≤ limit` on all of them,
///   and holds the amount on all of them or on none; Redis runs one script at a time, so
///   concurrent reservations from any number of processes never overshoot a limit.
/// - **TTL**: a hold expires `ttl` after it was taken, on Redis' clock (`TIME`: processes
///   need no synchronised clocks), and stops counting: a process that dies between reserve
///   and settle pins nothing for longer. [`settle`](BudgetStore::settle) counts the spend
///   whether or not the hold had lapsed.
/// - **Alerts**: [`claim_alert`](BudgetStore::claim_alert) is a `SET NX` expiring after the
///   window, so processes sharing the store alert once between them.
/// - **Failures**: every call is bounded by the connection's timeout (50 ms by default) and
///   its cool-down; a failure is an error, which the budget stage turns into a refusal by
///   default ([`StoreFailure::FailClosed`](crate::cost::budget::StoreFailure::FailClosed)).
///   Counted in [`stats`](Self::stats), logged. One reservation's counters are changed in
///   one script, so it needs a standalone Redis (or a primary), not Redis Cluster.
/// - **Units**: amounts are compared as Lua doubles, exact up to 2⁵³ (about nine million
///   dollars in nano-dollars); sums are kept by Redis as 64-bit integers.
///
/// ```
/// use llmops_core::cost::budget::{Budgets, Limit, Scope, Window};
/// use llmops_core::redis::{RedisBudgetStore, RedisConnection};
/// use llmops_core::{Client, Money, ScriptedProvider};
/// // no I/O until the first request
/// let store = RedisBudgetStore::new(RedisConnection::open("redis://127.0.0.1:6379/")?);
/// let budgets = Budgets::builder()
///     .limit(Limit::money(Scope::Tenant, Window::Day, Money::usd_str("5")?))
///     .store(store.clone())
///     .build()?;
/// let client = Client::builder()
///     .provider(ScriptedProvider::named("openai"))
///     .budgets(budgets)
///     .build()?;
/// # let _ = client;
/// assert_eq!(store.redis_key("tenant/day|2026-01-02T00:00Z|acme"), "llmops:budget:tenant/day|2026-01-02T00:00Z|acme");
/// assert_eq!(store.stats().calls, 0);
/// # Ok::<(), llmops_core::Error>(())
/// ```
#[derive(Clone)]
pub struct RedisBudgetStore {
    conn: RedisConnection,
    counters: Arc<Counters>,
}

impl std::fmt::Debug for RedisBudgetStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisBudgetStore")
            .field("conn", &self.conn)
            .field("stats", &self.stats())
            .finish()
    }
}

/// One counter of a call: charges naming the same key are one counter (amounts summed, the
/// lowest limit), in the order of their first appearance.
#[derive(Debug, PartialEq, Eq)]
struct Counter<'a> {
    key: &'a str,
    limit: i64,
    amount: i64,
    end_ms: i64,
    /// The first charge naming it.
    first: usize,
}

/// The counters of `charges`, and for each charge the index of its counter.
fn counters(charges: &[Charge]) -> (Vec<Counter<'_>>, Vec<usize>) {
    let mut out: Vec<Counter<'_>> = Vec::with_capacity(charges.len());
    let mut of = Vec::with_capacity(charges.len());
    for (i, c) in charges.iter().enumerate() {
        let amount = c.amount.max(0);
        let end_ms = c.window_end.timestamp_millis();
        match out.iter().position(|g| g.key == c.key) {
            Some(j) => {
                if let Some(g) = out.get_mut(j) {
                    g.amount = g.amount.saturating_add(amount);
                    g.limit = g.limit.min(c.limit);
                    g.end_ms = g.end_ms.max(end_ms);
                }
                of.push(j);
            }
            None => {
                of.push(out.len());
                out.push(Counter {
                    key: &c.key,
                    limit: c.limit,
                    amount,
                    end_ms,
                    first: i,
                });
            }
        }
    }
    (out, of)
}

fn millis(d: Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// A reply of the wrong shape (a script out of step with this code): a typed error.
fn bad_reply(what: &str, got: &[i64]) -> Error {
    Error::extension(
        "redis",
        format!("budget {what}: unexpected script reply {got:?}"),
    )
}

impl RedisBudgetStore {
    /// A store on `conn`, with its own counters.
    pub fn new(conn: RedisConnection) -> Self {
        RedisBudgetStore {
            conn,
            counters: Arc::default(),
        }
    }

    /// Its counters since it was built (clones share them).
    pub fn stats(&self) -> RedisStats {
        self.counters.snapshot()
    }

    /// The connection.
    pub fn connection(&self) -> &RedisConnection {
        &self.conn
    }

    /// The Redis key (a hash) of the counter `key`: `<prefix>:budget:<key>`.
    pub fn redis_key(&self, key: &str) -> String {
        format!("{}:budget:{key}", self.conn.prefix())
    }

    /// The sorted set of the counter's holds: `<prefix>:budget-holds:<key>`.
    fn holds_key(&self, key: &str) -> String {
        format!("{}:budget-holds:{key}", self.conn.prefix())
    }

    fn alert_key(&self, key: &str, percent: u32) -> String {
        format!("{}:budget-alert:{percent}:{key}", self.conn.prefix())
    }

    /// Each counter's hash and holds keys, in order.
    fn keys(&self, counters: &[Counter<'_>]) -> Vec<String> {
        counters
            .iter()
            .flat_map(|c| [self.redis_key(c.key), self.holds_key(c.key)])
            .collect()
    }

    /// Runs `script` with `keys` and `args` under the connection's timeout and counters.
    async fn eval<T: redis::FromRedisValue + Send + 'static>(
        &self,
        what: &'static str,
        script: &'static redis::Script,
        keys: Vec<String>,
        args: Vec<String>,
    ) -> Result<T> {
        self.conn
            .run(what, &self.counters, |mut m| async move {
                let mut inv = script.prepare_invoke();
                for k in &keys {
                    inv.key(k);
                }
                for a in &args {
                    inv.arg(a);
                }
                inv.invoke_async::<T>(&mut m).await
            })
            .await
    }
}

impl crate::StoreCounters for RedisBudgetStore {
    /// Calls and failures (a failure refuses the request unless the budget fails open).
    fn store_counts(&self) -> crate::StoreCounts {
        self.stats().store_counts()
    }
}

#[async_trait::async_trait]
impl BudgetStore for RedisBudgetStore {
    fn name(&self) -> &str {
        "redis"
    }

    async fn reserve(&self, id: &str, charges: &[Charge], ttl: Duration) -> Result<Reserve> {
        if charges.is_empty() {
            return Ok(Reserve::Granted);
        }
        let (groups, _) = counters(charges);
        let mut args = Vec::with_capacity(3 + groups.len() * 3);
        args.extend([
            id.to_owned(),
            millis(ttl).to_string(),
            millis(KEY_MARGIN).to_string(),
        ]);
        for c in &groups {
            args.extend([
                c.limit.to_string(),
                c.amount.to_string(),
                c.end_ms.to_string(),
            ]);
        }
        let keys = self.keys(&groups);
        let r: Vec<i64> = self
            .eval("EVALSHA budget reserve", &RESERVE_SCRIPT, keys, args)
            .await?;
        match r.as_slice() {
            [1, ..] => Ok(Reserve::Granted),
            [0, i, spent, reserved] => {
                let index = usize::try_from(*i)
                    .ok()
                    .and_then(|i| groups.get(i))
                    .map_or(0, |g| g.first);
                Ok(Reserve::Refused {
                    index,
                    state: CounterState::new(*spent, *reserved),
                })
            }
            other => Err(bad_reply("reserve", other)),
        }
    }

    async fn settle(&self, id: &str, charges: &[Charge]) -> Result<Vec<CounterState>> {
        if charges.is_empty() {
            return Ok(Vec::new());
        }
        let (groups, of) = counters(charges);
        let mut args = Vec::with_capacity(2 + groups.len() * 2);
        args.extend([id.to_owned(), millis(KEY_MARGIN).to_string()]);
        for c in &groups {
            args.extend([c.amount.to_string(), c.end_ms.to_string()]);
        }
        let keys = self.keys(&groups);
        let r: Vec<i64> = self
            .eval("EVALSHA budget settle", &SETTLE_SCRIPT, keys, args)
            .await?;
        if r.len() != groups.len() * 2 {
            return Err(bad_reply("settle", &r));
        }
        let states: Vec<CounterState> = r
            .chunks_exact(2)
            .map(|p| match p {
                [s, r] => CounterState::new(*s, *r),
                _ => CounterState::default(),
            })
            .collect();
        Ok(of
            .iter()
            .map(|j| states.get(*j).copied().unwrap_or_default())
            .collect())
    }

    async fn release(&self, id: &str, charges: &[Charge]) -> Result<()> {
        if charges.is_empty() {
            return Ok(());
        }
        let (groups, _) = counters(charges);
        let keys = self.keys(&groups);
        let _: i64 = self
            .eval(
                "EVALSHA budget release",
                &RELEASE_SCRIPT,
                keys,
                vec![id.to_owned()],
            )
            .await?;
        Ok(())
    }

    async fn state(&self, key: &str) -> Result<CounterState> {
        let keys = vec![self.redis_key(key), self.holds_key(key)];
        let r: Vec<i64> = self
            .eval("EVALSHA budget state", &STATE_SCRIPT, keys, Vec::new())
            .await?;
        match r.as_slice() {
            [spent, reserved] => Ok(CounterState::new(*spent, *reserved)),
            other => Err(bad_reply("state", other)),
        }
    }

    async fn claim_alert(
        &self,
        key: &str,
        percent: u32,
        window_end: DateTime<Utc>,
    ) -> Result<bool> {
        let keys = vec![self.alert_key(key, percent)];
        let args = vec![
            window_end.timestamp_millis().to_string(),
            millis(KEY_MARGIN).to_string(),
        ];
        let r: i64 = self
            .eval(
                "EVALSHA budget claim_alert",
                &CLAIM_ALERT_SCRIPT,
                keys,
                args,
            )
            .await?;
        Ok(r == 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn end(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2100, 1, 1, h, 0, 0).unwrap()
    }

    #[test]
    fn charges_on_one_key_are_one_counter() {
        let c = [
            Charge::new("b", 50, 5, end(0)),
            Charge::new("a", 100, 7, end(0)),
            Charge::new("b", 40, 6, end(1)),
            Charge::new("c", 10, -3, end(0)),
        ];
        let (groups, of) = counters(&c);
        assert_eq!(of, [0, 1, 0, 2]);
        assert_eq!(groups.len(), 3);
        let b = &groups[0];
        // summed, the lowest limit, the later end, the first charge naming it
        assert_eq!((b.key, b.limit, b.amount, b.first), ("b", 40, 11, 0));
        assert_eq!(b.end_ms, end(1).timestamp_millis());
        assert_eq!((groups[1].key, groups[1].first), ("a", 1));
        // a negative amount holds nothing
        assert_eq!(groups[2].amount, 0);
        assert_eq!(millis(Duration::from_secs(2)), 2_000);
        assert_eq!(millis(Duration::MAX), i64::MAX);
    }

    #[test]
    fn every_script_starts_with_the_prelude() {
        for s in [RESERVE, SETTLE, RELEASE, STATE, CLAIM_ALERT] {
            let full = format!("{PRELUDE}{s}");
            assert!(full.contains("local now ="));
            assert!(!s.contains("KEYS[0]"), "Lua tables start at 1");
        }
    }

    #[tokio::test]
    async fn keys_and_empty_calls_need_no_redis() {
        // nobody listens on port 1: these answers come before any call
        let conn = RedisConnection::with_options(
            "redis://127.0.0.1:1/",
            super::super::RedisOptions::default().prefix("shop"),
        )
        .unwrap();
        let s = RedisBudgetStore::new(conn);
        assert_eq!(s.redis_key("g/day|x|"), "shop:budget:g/day|x|");
        assert_eq!(s.holds_key("g/day|x|"), "shop:budget-holds:g/day|x|");
        assert_eq!(s.alert_key("g/day|x|", 80), "shop:budget-alert:80:g/day|x|");
        let ttl = Duration::from_secs(1);
        assert_eq!(s.reserve("r", &[], ttl).await.unwrap(), Reserve::Granted);
        assert!(s.settle("r", &[]).await.unwrap().is_empty());
        s.release("r", &[]).await.unwrap();
        assert_eq!(s.stats().calls, 0);
        assert_eq!(s.name(), "redis");
        // a real call fails with a typed error, counted
        let e = s.state("k").await.unwrap_err();
        assert!(matches!(e, Error::Extension { .. }), "{e:?}");
        assert_eq!(s.stats().failures(), 1);
    }
}
