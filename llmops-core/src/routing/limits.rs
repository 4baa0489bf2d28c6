//! Rate limits per deployment: token buckets on requests and tokens per minute, behind the
//! [`LimitStore`] trait that the in-memory store ([`MemoryLimitStore`], lock-free: one atomic
//! per bucket) and a shared (Redis) store implement alike.

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use arc_swap::ArcSwap;
use tokio::time::Instant;

use crate::{Error, Result};

/// A bucket's rate: `capacity` units per `per`, refilled continuously; a full bucket holds
/// `capacity` (the burst).
///
/// ```
/// use llmops_core::routing::Rate;
/// let r = Rate::per_minute(600);
/// assert_eq!(r.capacity, 600);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rate {
    /// Units per period (and the burst).
    pub capacity: u64,
    /// The period.
    pub per: Duration,
}

impl Rate {
    /// `n` units per minute.
    pub fn per_minute(n: u64) -> Self {
        Rate {
            capacity: n,
            per: Duration::from_secs(60),
        }
    }

    /// `n` units per `per`.
    pub fn new(n: u64, per: Duration) -> Self {
        Rate { capacity: n, per }
    }

    fn nanos_for(&self, amount: u64) -> u64 {
        let per = self.per.as_nanos();
        let n = per.saturating_mul(u128::from(amount)) / u128::from(self.capacity.max(1));
        n.min(u128::from(u64::MAX)) as u64
    }

    fn tolerance(&self) -> u64 {
        self.per.as_nanos().min(u128::from(u64::MAX)) as u64
    }
}

/// Units to take from one bucket.
#[derive(Debug, Clone, Copy)]
pub struct Take<'a> {
    /// The bucket (`<deployment>:rpm`, `<deployment>:tpm`).
    pub key: &'a str,
    /// Units to take.
    pub amount: u64,
    /// The bucket's rate.
    pub rate: Rate,
}

/// The answer of [`LimitStore::try_take`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Grant {
    /// Taken from every bucket.
    Granted,
    /// Nothing taken: there will be room in this long.
    Wait(Duration),
    /// Nothing taken: the amount exceeds a bucket's capacity and never fits.
    TooLarge,
}

/// Where rate-limit buckets live. The in-memory store serves one process; a shared store
/// (Redis, with an atomic script) lets several processes share one deployment's limits.
///
/// A store that fails ([`Err`]) does not block traffic: the router lets the request through
/// and records the failure (rate limits fail open; budgets, not limits, fail closed).
///
/// ```
/// use llmops_core::routing::{Grant, LimitStore, MemoryLimitStore, Rate, Take};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let s = MemoryLimitStore::new();
/// let t = Take { key: "gpt:rpm", amount: 1, rate: Rate::per_minute(1) };
/// assert_eq!(s.try_take(&[t]).await?, Grant::Granted);
/// assert!(matches!(s.try_take(&[t]).await?, Grant::Wait(_)));
/// # Ok::<(), llmops_core::Error>(())
/// # }).unwrap();
/// ```
#[async_trait::async_trait]
pub trait LimitStore: Send + Sync + 'static {
    /// A short name for records and errors.
    fn name(&self) -> &str {
        "limits"
    }

    /// Takes every amount or none (all or nothing over the buckets given).
    async fn try_take(&self, takes: &[Take<'_>]) -> Result<Grant>;

    /// Corrects a bucket once the real amount is known: a positive `delta` gives units back,
    /// a negative one takes more. Must not block: a shared store queues the update.
    fn adjust(&self, key: &str, rate: Rate, delta: i64);
}

#[async_trait::async_trait]
impl<T: LimitStore + ?Sized> LimitStore for Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    async fn try_take(&self, takes: &[Take<'_>]) -> Result<Grant> {
        (**self).try_take(takes).await
    }
    fn adjust(&self, key: &str, rate: Rate, delta: i64) {
        (**self).adjust(key, rate, delta)
    }
}

/// Token buckets in memory, one `AtomicU64` each (GCRA: the bucket is its "theoretical
/// arrival time"; a take is one compare-and-swap). Buckets are created on first use through
/// a copy-on-write map, so lookups take no lock.
#[derive(Debug)]
pub struct MemoryLimitStore {
    base: Instant,
    buckets: ArcSwap<HashMap<String, Arc<AtomicU64>>>,
}

impl Default for MemoryLimitStore {
    fn default() -> Self {
        Self::new()
    }
}

impl MemoryLimitStore {
    /// An empty store.
    pub fn new() -> Self {
        MemoryLimitStore {
            base: Instant::now(),
            buckets: ArcSwap::from_pointee(HashMap::new()),
        }
    }

    fn now(&self) -> u64 {
        Instant::now()
            .saturating_duration_since(self.base)
            .as_nanos()
            .min(u128::from(u64::MAX)) as u64
    }

    fn bucket(&self, key: &str) -> Arc<AtomicU64> {
        if let Some(b) = self.buckets.load().get(key) {
            return b.clone();
        }
        let mut out = None;
        self.buckets.rcu(|m| {
            let mut m = HashMap::clone(m);
            let b = m
                .entry(key.to_owned())
                .or_insert_with(|| Arc::new(AtomicU64::new(0)))
                .clone();
            out = Some(b);
            m
        });
        out.unwrap_or_else(|| Arc::new(AtomicU64::new(0)))
    }

    /// Takes `amount` from one bucket, or says how long until it fits.
    fn take_one(&self, t: &Take<'_>, now: u64) -> Result<(Grant, Arc<AtomicU64>, u64)> {
        if t.rate.capacity == 0 || t.rate.per.is_zero() {
            return Err(Error::config(format!(
                "rate limit `{}` must have a capacity and a period above zero",
                t.key
            )));
        }
        let b = self.bucket(t.key);
        let inc = t.rate.nanos_for(t.amount);
        let tau = t.rate.tolerance();
        if t.amount > t.rate.capacity {
            return Ok((Grant::TooLarge, b, 0));
        }
        let mut cur = b.load(Ordering::Acquire);
        loop {
            let new = cur.max(now).saturating_add(inc);
            let ahead = new - now;
            if ahead > tau {
                return Ok((Grant::Wait(Duration::from_nanos(ahead - tau)), b, 0));
            }
            match b.compare_exchange_weak(cur, new, Ordering::AcqRel, Ordering::Acquire) {
                Ok(_) => return Ok((Grant::Granted, b, inc)),
                Err(actual) => cur = actual,
            }
        }
    }
}

#[async_trait::async_trait]
impl LimitStore for MemoryLimitStore {
    fn name(&self) -> &str {
        "memory"
    }

    async fn try_take(&self, takes: &[Take<'_>]) -> Result<Grant> {
        let now = self.now();
        let mut taken: Vec<(Arc<AtomicU64>, u64)> = Vec::with_capacity(takes.len());
        for t in takes {
            let (g, b, inc) = self.take_one(t, now)?;
            if g != Grant::Granted {
                for (b, inc) in taken {
                    let _ = b.fetch_update(Ordering::AcqRel, Ordering::Acquire, |v| {
                        Some(v.saturating_sub(inc))
                    });
                }
                return Ok(g);
            }
            taken.push((b, inc));
        }
        Ok(Grant::Granted)
    }

    fn adjust(&self, key: &str, rate: Rate, delta: i64) {
        if delta == 0 || rate.capacity == 0 {
            return;
        }
        let b = self.bucket(key);
        let nanos = rate.nanos_for(delta.unsigned_abs());
        let now = self.now();
        let _ = b.fetch_update(Ordering::AcqRel, Ordering::Acquire, |v| {
            Some(if delta > 0 {
                v.saturating_sub(nanos)
            } else {
                v.max(now).saturating_add(nanos)
            })
        });
    }
}

/// A deployment's own limits (requests and tokens per minute).
///
/// ```
/// use llmops_core::routing::Limits;
/// let l = Limits::default().rpm(600).tpm(150_000);
/// assert_eq!((l.rpm, l.tpm), (Some(600), Some(150_000)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Limits {
    /// Requests per minute.
    pub rpm: Option<u64>,
    /// Tokens (input upper bound + output allowance) per minute.
    pub tpm: Option<u64>,
}

impl Limits {
    /// Sets requests per minute.
    #[must_use]
    pub fn rpm(mut self, n: u64) -> Self {
        self.rpm = Some(n);
        self
    }

    /// Sets tokens per minute.
    #[must_use]
    pub fn tpm(mut self, n: u64) -> Self {
        self.tpm = Some(n);
        self
    }

    /// Whether any limit is set.
    pub fn is_empty(&self) -> bool {
        self.rpm.is_none() && self.tpm.is_none()
    }

    pub(crate) fn validate(&self, dep: &str) -> Result<()> {
        if self.rpm == Some(0) || self.tpm == Some(0) {
            return Err(Error::config(format!(
                "router limits of `{dep}`: rpm and tpm must be above zero"
            )));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn take(key: &str, amount: u64, per_min: u64) -> Take<'_> {
        Take {
            key,
            amount,
            rate: Rate::per_minute(per_min),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn bucket_bursts_then_refills() {
        let s = MemoryLimitStore::new();
        for _ in 0..3 {
            assert_eq!(
                s.try_take(&[take("a", 1, 3)]).await.unwrap(),
                Grant::Granted
            );
        }
        let Grant::Wait(w) = s.try_take(&[take("a", 1, 3)]).await.unwrap() else {
            panic!("expected a wait")
        };
        assert!(
            w <= Duration::from_secs(20) && w > Duration::from_secs(19),
            "{w:?}"
        );
        tokio::time::advance(w).await;
        assert_eq!(
            s.try_take(&[take("a", 1, 3)]).await.unwrap(),
            Grant::Granted
        );
        // other keys are independent
        assert_eq!(
            s.try_take(&[take("b", 3, 3)]).await.unwrap(),
            Grant::Granted
        );
        assert_eq!(
            s.try_take(&[take("c", 4, 3)]).await.unwrap(),
            Grant::TooLarge
        );
    }

    #[tokio::test(start_paused = true)]
    async fn all_or_nothing_and_adjust() {
        let s = MemoryLimitStore::new();
        assert_eq!(
            s.try_take(&[take("r", 1, 10), take("t", 100, 100)])
                .await
                .unwrap(),
            Grant::Granted
        );
        // tokens are out: the request bucket is given back
        assert!(matches!(
            s.try_take(&[take("r", 1, 10), take("t", 1, 100)])
                .await
                .unwrap(),
            Grant::Wait(_)
        ));
        for _ in 0..9 {
            s.adjust("t", Rate::per_minute(100), 1);
            assert_eq!(
                s.try_take(&[take("r", 1, 10), take("t", 1, 100)])
                    .await
                    .unwrap(),
                Grant::Granted
            );
        }
        // the request bucket held 10: nine more were granted after the first
        assert!(matches!(
            s.try_take(&[take("r", 1, 10)]).await.unwrap(),
            Grant::Wait(_)
        ));
        // a charge after the fact pushes the bucket into debt
        s.adjust("t2", Rate::per_minute(100), -100);
        assert!(matches!(
            s.try_take(&[take("t2", 1, 100)]).await.unwrap(),
            Grant::Wait(_)
        ));
        assert!(
            s.try_take(&[Take {
                key: "z",
                amount: 1,
                rate: Rate::per_minute(0)
            }])
            .await
            .is_err()
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_takes_never_exceed_capacity() {
        let s = Arc::new(MemoryLimitStore::new());
        let mut tasks = Vec::new();
        for _ in 0..8 {
            let s = s.clone();
            tasks.push(tokio::spawn(async move {
                let mut got = 0;
                for _ in 0..1000 {
                    // 500 a day: no refill during the test
                    let t = Take {
                        key: "k",
                        amount: 1,
                        rate: Rate::new(500, Duration::from_secs(86_400)),
                    };
                    if s.try_take(&[t]).await.unwrap() == Grant::Granted {
                        got += 1;
                    }
                }
                got
            }));
        }
        let mut total = 0;
        for t in tasks {
            total += t.await.unwrap();
        }
        assert_eq!(total, 500);
    }
}
