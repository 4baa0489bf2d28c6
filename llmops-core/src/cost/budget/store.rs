//! [`BudgetStore`]: where budget counters live. [`MemoryBudgetStore`] serves one process; a
//! shared store (Redis) implements the same trait so that several processes share budgets.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::Result;

/// What one reservation (or settlement) does to one counter.
///
/// Amounts are integers in the counter's unit: **nano-dollars** (10⁻⁹ USD) for money limits,
/// tokens for token limits. Money converts exactly to nine decimals: a reserved bound is
/// rounded up, a settled cost to the nearest nano-dollar, a limit down.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Charge {
    /// The counter: `<limit name>|<window start, RFC 3339>|<scope value>`; one per limit,
    /// window and caller value (`tenant/day|2026-01-02T00:00:00Z|acme`). A shared store may
    /// prefix it.
    pub key: String,
    /// The limit of the counter, in its unit.
    pub limit: i64,
    /// For [`BudgetStore::reserve`]: the upper bound to hold. For
    /// [`BudgetStore::settle`]: what was actually spent. Unused by
    /// [`BudgetStore::release`].
    pub amount: i64,
    /// The end of the counter's window: the store may forget the counter some time after it
    /// (a shared store sets its keys to expire then, plus a margin).
    pub window_end: DateTime<Utc>,
}

impl Charge {
    /// A charge.
    pub fn new(key: impl Into<String>, limit: i64, amount: i64, window_end: DateTime<Utc>) -> Self {
        Charge {
            key: key.into(),
            limit,
            amount,
            window_end,
        }
    }
}

/// One counter's figures, in its unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CounterState {
    /// Settled spend in the window.
    pub spent: i64,
    /// Held by live reservations (not expired, not settled or released).
    pub reserved: i64,
}

impl CounterState {
    /// A state.
    pub fn new(spent: i64, reserved: i64) -> Self {
        CounterState { spent, reserved }
    }
}

/// The answer of [`BudgetStore::reserve`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Reserve {
    /// Every counter had room: the amount is held on each.
    Granted,
    /// Nothing was held: the charge at `index` had no room; `state` is its counter then.
    Refused {
        /// Index into the charges.
        index: usize,
        /// That counter's figures.
        state: CounterState,
    },
}

/// Where budget counters live.
///
/// # Semantics (every implementation)
///
/// - **Atomic check-and-reserve.** [`reserve`](Self::reserve) grants only if *every* charge
///   has room — `spent + reserved + amount ≤ limit` on its counter — and then holds each
///   charge's amount under the reservation id `id` on its counter; otherwise it holds nothing.
///   Check and hold are one atomic step across all the charges (a Lua script in Redis, locks
///   taken in key order in memory), so concurrent requests never overshoot a limit through
///   the store.
/// - **Reservation id.** `id` is unique per reservation (core's request id plus a suffix);
///   [`settle`](Self::settle) and [`release`](Self::release) name it with the same charges
///   (same keys, in the same order).
/// - **TTL.** A hold lapses `ttl` after it was taken: it stops counting as reserved, so a
///   process that crashed between reserve and settle cannot pin budget. Set it above the
///   longest request (the budget's default is 10 minutes).
/// - **Settle.** Ends the hold (if it is still there) and adds each charge's `amount` — the
///   real spend — to `spent`, whether or not the hold had lapsed: money spent is counted.
///   Called at most once per reservation. Returns each counter's state afterwards, in the
///   order of the charges (the budget raises its soft-threshold alerts from them).
/// - **Release.** Ends the hold without spending. A lapsed or unknown id is a no-op.
/// - **Windows.** Each counter belongs to one window (its key holds the window's start);
///   the store may drop a counter after [`Charge::window_end`].
/// - **Failures.** A store error fails the request closed by default
///   ([`StoreFailure`](super::StoreFailure)); a remote store bounds each call with a short
///   timeout of its own and returns an error rather than hang.
///
/// ```
/// use std::time::Duration;
/// use chrono::{TimeZone, Utc};
/// use llmops_core::cost::budget::{BudgetStore, Charge, MemoryBudgetStore, Reserve};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = MemoryBudgetStore::new();
/// let end = Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap();
/// let c = |amount| [Charge::new("global/day|2099-12-31T00:00:00Z|", 100, amount, end)];
/// let ttl = Duration::from_secs(600);
/// assert_eq!(store.reserve("r1", &c(70), ttl).await?, Reserve::Granted);
/// assert!(matches!(store.reserve("r2", &c(40), ttl).await?, Reserve::Refused { index: 0, .. }));
/// let after = store.settle("r1", &c(25)).await?; // r1 cost 25, not 70
/// assert_eq!((after[0].spent, after[0].reserved), (25, 0));
/// assert_eq!(store.reserve("r2", &c(40), ttl).await?, Reserve::Granted);
/// # Ok::<(), llmops_core::Error>(())
/// # }).unwrap();
/// ```
#[async_trait::async_trait]
pub trait BudgetStore: Send + Sync + 'static {
    /// A short name for errors and metrics (`memory`, `redis`).
    fn name(&self) -> &str;

    /// Holds each charge's amount under `id` for `ttl` if every counter has room; else holds
    /// nothing and says which charge had none.
    async fn reserve(&self, id: &str, charges: &[Charge], ttl: Duration) -> Result<Reserve>;

    /// Ends the hold `id` and adds each charge's amount (the real spend) to its counter;
    /// returns the counters' states afterwards, in the order of `charges`.
    async fn settle(&self, id: &str, charges: &[Charge]) -> Result<Vec<CounterState>>;

    /// Ends the hold `id` without spending (no-op when it lapsed or is unknown).
    async fn release(&self, id: &str, charges: &[Charge]) -> Result<()>;

    /// The figures of the counter `key` (zero when it does not exist).
    async fn state(&self, key: &str) -> Result<CounterState>;

    /// Claims the soft-threshold alert `percent` of counter `key` for its window: `true` the
    /// first time only, so processes sharing the store alert once between them. The budget
    /// already alerts once per process; the default (for a store serving one process) says
    /// `true`.
    async fn claim_alert(
        &self,
        key: &str,
        percent: u32,
        window_end: DateTime<Utc>,
    ) -> Result<bool> {
        let _ = (key, percent, window_end);
        Ok(true)
    }
}

#[async_trait::async_trait]
impl<T: BudgetStore + ?Sized> BudgetStore for Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    async fn reserve(&self, id: &str, charges: &[Charge], ttl: Duration) -> Result<Reserve> {
        (**self).reserve(id, charges, ttl).await
    }
    async fn settle(&self, id: &str, charges: &[Charge]) -> Result<Vec<CounterState>> {
        (**self).settle(id, charges).await
    }
    async fn release(&self, id: &str, charges: &[Charge]) -> Result<()> {
        (**self).release(id, charges).await
    }
    async fn state(&self, key: &str) -> Result<CounterState> {
        (**self).state(key).await
    }
    async fn claim_alert(
        &self,
        key: &str,
        percent: u32,
        window_end: DateTime<Utc>,
    ) -> Result<bool> {
        (**self).claim_alert(key, percent, window_end).await
    }
}

const SHARDS: usize = 64;
/// Counters are kept this long past their window's end.
const KEEP_AFTER_END: chrono::Duration = chrono::Duration::minutes(5);
/// Ended counters are swept from a shard every this many new counters in it.
const SWEEP_EVERY: u64 = 256;

/// The in-process store: counters in 64 shards (a read lock to find a counter, a small mutex
/// per counter to change it; no global lock), holds lapsing after their TTL (swept when a
/// counter would refuse), counters dropped a few minutes after their window ends.
#[derive(Debug)]
pub struct MemoryBudgetStore {
    shards: Box<[Shard]>,
    hasher: RandomState,
}

#[derive(Debug, Default)]
struct Shard {
    map: RwLock<HashMap<String, Arc<Slot>>>,
    created: AtomicU64,
}

#[derive(Debug)]
struct Slot {
    window_end: DateTime<Utc>,
    state: Mutex<SlotState>,
}

#[derive(Debug, Default)]
struct SlotState {
    spent: i64,
    reserved: i64,
    holds: HashMap<Box<str>, Hold>,
}

#[derive(Debug, Clone, Copy)]
struct Hold {
    amount: i64,
    expires: Instant,
}

impl SlotState {
    fn figures(&self) -> CounterState {
        CounterState::new(self.spent, self.reserved)
    }

    fn has_room(&self, amount: i64, limit: i64) -> bool {
        self.spent
            .saturating_add(self.reserved)
            .saturating_add(amount)
            <= limit
    }

    /// Drops lapsed holds.
    fn sweep(&mut self, now: Instant) {
        let mut freed = 0i64;
        self.holds.retain(|_, h| {
            let keep = h.expires > now;
            if !keep {
                freed = freed.saturating_add(h.amount);
            }
            keep
        });
        self.reserved = self.reserved.saturating_sub(freed).max(0);
    }

    fn end_hold(&mut self, id: &str) {
        if let Some(h) = self.holds.remove(id) {
            self.reserved = self.reserved.saturating_sub(h.amount).max(0);
        }
    }
}

impl Default for MemoryBudgetStore {
    fn default() -> Self {
        Self::new()
    }
}

fn lock(m: &Mutex<SlotState>) -> MutexGuard<'_, SlotState> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl MemoryBudgetStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryBudgetStore {
            shards: (0..SHARDS).map(|_| Shard::default()).collect(),
            hasher: RandomState::new(),
        }
    }

    fn shard(&self, key: &str) -> Option<&Shard> {
        let i = (self.hasher.hash_one(key) as usize) % self.shards.len().max(1);
        self.shards.get(i)
    }

    fn find(&self, key: &str) -> Option<Arc<Slot>> {
        let shard = self.shard(key)?;
        let map = shard
            .map
            .read()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        map.get(key).cloned()
    }

    fn slot(&self, c: &Charge) -> Option<Arc<Slot>> {
        if let Some(s) = self.find(&c.key) {
            return Some(s);
        }
        let shard = self.shard(&c.key)?;
        let mut map = shard
            .map
            .write()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if shard.created.fetch_add(1, Ordering::Relaxed) % SWEEP_EVERY == SWEEP_EVERY - 1 {
            let cutoff = Utc::now() - KEEP_AFTER_END;
            map.retain(|_, s| s.window_end > cutoff || !lock(&s.state).holds.is_empty());
        }
        Some(
            map.entry(c.key.clone())
                .or_insert_with(|| {
                    Arc::new(Slot {
                        window_end: c.window_end,
                        state: Mutex::new(SlotState::default()),
                    })
                })
                .clone(),
        )
    }

    /// The counters of `charges`, each once, sorted by key (the lock order): the charge
    /// indices in key order, and per counter its slot and its range of those indices (a key
    /// named twice is one counter with the amounts summed).
    fn slots(&self, charges: &[Charge]) -> (Vec<usize>, Vec<Group>) {
        let mut order: Vec<usize> = (0..charges.len()).collect();
        let key = |i: &usize| charges.get(*i).map(|c| c.key.as_str());
        order.sort_unstable_by(|a, b| key(a).cmp(&key(b)));
        let mut out: Vec<Group> = Vec::with_capacity(order.len());
        let mut pos = 0;
        while pos < order.len() {
            let first = order.get(pos).and_then(|i| charges.get(*i));
            let mut end = pos + 1;
            while order
                .get(end)
                .is_some_and(|i| key(i) == first.map(|c| c.key.as_str()))
            {
                end += 1;
            }
            if let Some(s) = first.and_then(|c| self.slot(c)) {
                out.push((s, pos..end));
            }
            pos = end;
        }
        (order, out)
    }
}

/// A counter and the range of charge indices (in key order) that name it.
type Group = (Arc<Slot>, Range<usize>);

fn group<'a>(order: &'a [usize], r: &Range<usize>) -> &'a [usize] {
    order.get(r.clone()).unwrap_or_default()
}

fn amount_of(charges: &[Charge], idx: &[usize]) -> i64 {
    idx.iter()
        .filter_map(|i| charges.get(*i))
        .fold(0i64, |a, c| a.saturating_add(c.amount.max(0)))
}

fn limit_of(charges: &[Charge], idx: &[usize]) -> i64 {
    idx.iter()
        .filter_map(|i| charges.get(*i))
        .map(|c| c.limit)
        .min()
        .unwrap_or(i64::MAX)
}

#[async_trait::async_trait]
impl BudgetStore for MemoryBudgetStore {
    fn name(&self) -> &str {
        "memory"
    }

    async fn reserve(&self, id: &str, charges: &[Charge], ttl: Duration) -> Result<Reserve> {
        let now = Instant::now();
        if let [c] = charges {
            // one counter (the common case): no lock ordering, no bookkeeping vectors
            let Some(slot) = self.slot(c) else {
                return Ok(Reserve::Granted);
            };
            let mut g = lock(&slot.state);
            let amount = c.amount.max(0);
            if !g.has_room(amount, c.limit) {
                g.sweep(now);
                if !g.has_room(amount, c.limit) {
                    return Ok(Reserve::Refused {
                        index: 0,
                        state: g.figures(),
                    });
                }
            }
            g.reserved = g.reserved.saturating_add(amount);
            if let Some(old) = g.holds.insert(
                id.into(),
                Hold {
                    amount,
                    expires: now + ttl,
                },
            ) {
                g.reserved = g.reserved.saturating_sub(old.amount).max(0);
            }
            return Ok(Reserve::Granted);
        }
        let (order, slots) = self.slots(charges);
        // locks in key order: concurrent reservations over overlapping counters cannot deadlock
        let mut guards: Vec<MutexGuard<'_, SlotState>> =
            slots.iter().map(|(s, _)| lock(&s.state)).collect();
        for (g, (_, r)) in guards.iter_mut().zip(&slots) {
            let idx = group(&order, r);
            let (amount, limit) = (amount_of(charges, idx), limit_of(charges, idx));
            if !g.has_room(amount, limit) {
                g.sweep(now);
                if !g.has_room(amount, limit) {
                    return Ok(Reserve::Refused {
                        index: idx.first().copied().unwrap_or(0),
                        state: g.figures(),
                    });
                }
            }
        }
        let expires = now + ttl;
        for (g, (_, r)) in guards.iter_mut().zip(&slots) {
            let amount = amount_of(charges, group(&order, r));
            g.reserved = g.reserved.saturating_add(amount);
            if let Some(old) = g.holds.insert(id.into(), Hold { amount, expires }) {
                // the same id reserved twice: the newer hold replaces the older
                g.reserved = g.reserved.saturating_sub(old.amount).max(0);
            }
        }
        Ok(Reserve::Granted)
    }

    async fn settle(&self, id: &str, charges: &[Charge]) -> Result<Vec<CounterState>> {
        if let [c] = charges {
            let Some(slot) = self.slot(c) else {
                return Ok(vec![CounterState::default()]);
            };
            let mut g = lock(&slot.state);
            g.end_hold(id);
            g.spent = g.spent.saturating_add(c.amount.max(0));
            return Ok(vec![g.figures()]);
        }
        let mut out = vec![CounterState::default(); charges.len()];
        let (order, slots) = self.slots(charges);
        for (slot, r) in &slots {
            let idx = group(&order, r);
            let mut g = lock(&slot.state);
            g.end_hold(id);
            g.spent = g.spent.saturating_add(amount_of(charges, idx));
            let f = g.figures();
            for i in idx {
                if let Some(o) = out.get_mut(*i) {
                    *o = f;
                }
            }
        }
        Ok(out)
    }

    async fn release(&self, id: &str, charges: &[Charge]) -> Result<()> {
        for c in charges {
            if let Some(slot) = self.find(&c.key) {
                lock(&slot.state).end_hold(id);
            }
        }
        Ok(())
    }

    async fn state(&self, key: &str) -> Result<CounterState> {
        Ok(self
            .find(key)
            .map(|s| {
                let mut g = lock(&s.state);
                g.sweep(Instant::now());
                g.figures()
            })
            .unwrap_or_default())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn end() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2100, 1, 1, 0, 0, 0).unwrap()
    }

    #[tokio::test]
    async fn all_or_nothing_across_counters() {
        let s = MemoryBudgetStore::new();
        let ttl = Duration::from_secs(60);
        let two = |a| {
            [
                Charge::new("a", 100, a, end()),
                Charge::new("b", 50, a, end()),
            ]
        };
        assert_eq!(
            s.reserve("1", &two(40), ttl).await.unwrap(),
            Reserve::Granted
        );
        // a has room for 40 more, b does not: nothing is held on a either
        let r = s.reserve("2", &two(40), ttl).await.unwrap();
        assert_eq!(
            r,
            Reserve::Refused {
                index: 1,
                state: CounterState::new(0, 40)
            }
        );
        assert_eq!(s.state("a").await.unwrap(), CounterState::new(0, 40));
        s.release("1", &two(0)).await.unwrap();
        assert_eq!(s.state("a").await.unwrap(), CounterState::new(0, 0));
        // release of an unknown id is a no-op; settle of one still counts the spend
        s.release("nope", &two(0)).await.unwrap();
        let after = s.settle("gone", &two(7)).await.unwrap();
        assert_eq!(after, vec![CounterState::new(7, 0); 2]);
    }

    #[tokio::test]
    async fn lapsed_holds_stop_counting() {
        let s = MemoryBudgetStore::new();
        let c = [Charge::new("k", 10, 8, end())];
        assert_eq!(
            s.reserve("1", &c, Duration::ZERO).await.unwrap(),
            Reserve::Granted
        );
        // the first hold lapsed at once: it is swept when the counter would refuse
        assert_eq!(
            s.reserve("2", &c, Duration::from_secs(60)).await.unwrap(),
            Reserve::Granted
        );
        assert_eq!(s.state("k").await.unwrap(), CounterState::new(0, 8));
        // settling the lapsed one counts its spend and leaves the live hold alone
        let after = s
            .settle("1", &[Charge::new("k", 10, 3, end())])
            .await
            .unwrap();
        assert_eq!(after[0], CounterState::new(3, 8));
    }

    #[tokio::test]
    async fn repeated_keys_in_one_reservation_add_up() {
        let s = MemoryBudgetStore::new();
        let c = [
            Charge::new("k", 10, 6, end()),
            Charge::new("k", 10, 6, end()),
        ];
        assert!(matches!(
            s.reserve("1", &c, Duration::from_secs(1)).await.unwrap(),
            Reserve::Refused { .. }
        ));
    }

    #[test]
    fn ended_counters_are_swept() {
        let s = MemoryBudgetStore::new();
        let past = Utc::now() - chrono::Duration::hours(1);
        // enough new counters that every shard sweeps at least once
        for i in 0..(SHARDS as u64 * SWEEP_EVERY * 2) {
            s.slot(&Charge::new(format!("old{i}"), 1, 0, past));
        }
        let left: usize = s.shards.iter().map(|sh| sh.map.read().unwrap().len()).sum();
        assert!(left < (SHARDS as u64 * SWEEP_EVERY) as usize, "{left}");
    }
}
