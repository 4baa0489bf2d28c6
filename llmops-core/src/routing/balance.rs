//! Load balancing across the deployments of one group: in listed order, weighted random,
//! least in flight, or power of two choices on peak-EWMA latency.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use serde::{Deserialize, Serialize};
use tokio::time::Instant;

/// How a group orders its deployments for one request. The first is tried first; the others
/// follow (after the group come its fallback groups).
///
/// ```
/// use llmops_core::routing::Balance;
/// assert_eq!(Balance::default(), Balance::Ordered);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Balance {
    /// As listed: the first healthy deployment takes everything (priority order).
    #[default]
    Ordered,
    /// The first pick is random, in proportion to each deployment's weight.
    Weighted,
    /// Fewest requests in flight first (ties broken at random).
    LeastInFlight,
    /// Power of two choices: of two deployments drawn at random, the one with the lower
    /// peak-EWMA latency × (requests in flight + 1) goes first.
    PeakEwma,
}

/// Latency and in-flight count of one deployment. Updated with relaxed atomics: a lost
/// update costs a slightly stale estimate, never a lock.
#[derive(Debug)]
pub(crate) struct Load {
    inflight: AtomicU64,
    /// Peak-EWMA latency in nanoseconds, as `f64` bits; 0 until the first observation.
    ewma: AtomicU64,
    stamp: AtomicU64,
    base: Instant,
    decay: Duration,
}

/// How fast the EWMA forgets (Finagle and Linkerd use 10 s).
pub(crate) const EWMA_DECAY: Duration = Duration::from_secs(10);
/// The latency assumed for a deployment never observed.
pub(crate) const DEFAULT_RTT: Duration = Duration::from_millis(500);

impl Load {
    pub(crate) fn new() -> Self {
        Load {
            inflight: AtomicU64::new(0),
            ewma: AtomicU64::new(0),
            stamp: AtomicU64::new(0),
            base: Instant::now(),
            decay: EWMA_DECAY,
        }
    }

    pub(crate) fn inflight(&self) -> u64 {
        self.inflight.load(Ordering::Relaxed)
    }

    /// Counts a request in flight until the guard drops.
    pub(crate) fn enter(self: &Arc<Self>) -> InFlight {
        self.inflight.fetch_add(1, Ordering::Relaxed);
        InFlight(self.clone())
    }

    /// The current latency estimate.
    pub(crate) fn latency(&self) -> Option<Duration> {
        let v = f64::from_bits(self.ewma.load(Ordering::Relaxed));
        (v > 0.0).then(|| Duration::from_nanos(v as u64))
    }

    /// Takes one latency sample: a sample above the estimate replaces it (the peak), a lower
    /// one decays into it with weight `exp(-elapsed / decay)`.
    pub(crate) fn observe(&self, rtt: Duration) {
        let now = Instant::now()
            .saturating_duration_since(self.base)
            .as_nanos() as u64;
        let last = self.stamp.swap(now, Ordering::Relaxed);
        let rtt = rtt.as_nanos() as f64;
        let old = f64::from_bits(self.ewma.load(Ordering::Relaxed));
        let new = if old <= 0.0 || rtt > old {
            rtt
        } else {
            let elapsed = now.saturating_sub(last) as f64;
            let w = (-elapsed / self.decay.as_nanos() as f64).exp();
            old * w + rtt * (1.0 - w)
        };
        self.ewma.store(new.to_bits(), Ordering::Relaxed);
    }

    /// Peak-EWMA cost: latency × (in flight + 1).
    pub(crate) fn cost(&self) -> f64 {
        let l = self.latency().unwrap_or(DEFAULT_RTT).as_nanos() as f64;
        l * (self.inflight() as f64 + 1.0)
    }
}

/// A request in flight on a deployment (decrements on drop).
#[derive(Debug)]
pub(crate) struct InFlight(Arc<Load>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.inflight.fetch_sub(1, Ordering::Relaxed);
    }
}

/// Orders `items` for one request with `how`; `weight` and `load` read each item's settings.
pub(crate) fn order<T>(
    how: Balance,
    items: &mut [T],
    weight: impl Fn(&T) -> u32,
    load: impl Fn(&T) -> &Load,
) {
    let n = items.len();
    if n < 2 {
        return;
    }
    match how {
        Balance::Ordered => {}
        Balance::Weighted => {
            let total: u64 = items.iter().map(|t| u64::from(weight(t))).sum();
            if total == 0 {
                return;
            }
            let mut pick = fastrand::u64(0..total);
            let mut chosen = 0;
            for (i, t) in items.iter().enumerate() {
                let w = u64::from(weight(t));
                if pick < w {
                    chosen = i;
                    break;
                }
                pick -= w;
            }
            if let Some(head) = items.get_mut(..=chosen) {
                head.rotate_right(1);
            }
        }
        Balance::LeastInFlight => {
            items.rotate_left(fastrand::usize(0..n));
            items.sort_by_key(|t| load(t).inflight());
        }
        Balance::PeakEwma => {
            let a = fastrand::usize(0..n);
            let b = (a + 1 + fastrand::usize(0..n - 1)) % n;
            let cost = |i: usize| items.get(i).map_or(f64::INFINITY, |t| load(t).cost());
            let first = if cost(b) < cost(a) { b } else { a };
            items.swap(0, first);
            if let Some(rest) = items.get_mut(1..) {
                rest.sort_by(|x, y| load(x).cost().total_cmp(&load(y).cost()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Item {
        name: &'static str,
        weight: u32,
        load: Arc<Load>,
    }

    fn items(spec: &[(&'static str, u32)]) -> Vec<Item> {
        spec.iter()
            .map(|(name, weight)| Item {
                name,
                weight: *weight,
                load: Arc::new(Load::new()),
            })
            .collect()
    }

    fn first(how: Balance, v: &mut [Item]) -> &'static str {
        order(how, v, |i| i.weight, |i| &i.load);
        v[0].name
    }

    #[test]
    fn ordered_keeps_the_list() {
        let mut v = items(&[("a", 1), ("b", 1), ("c", 1)]);
        assert_eq!(first(Balance::Ordered, &mut v), "a");
        assert_eq!(
            v.iter().map(|i| i.name).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
    }

    #[test]
    fn weighted_follows_weights_and_keeps_everyone() {
        let mut hits = [0u32; 2];
        for _ in 0..4000 {
            let mut v = items(&[("a", 3), ("b", 1)]);
            let f = first(Balance::Weighted, &mut v);
            hits[usize::from(f == "b")] += 1;
            assert_eq!(v.len(), 2);
        }
        // expected 3000 : 1000
        assert!((2700..3300).contains(&hits[0]), "{hits:?}");
        let mut v = items(&[("a", 0), ("b", 5)]);
        assert_eq!(first(Balance::Weighted, &mut v), "b");
    }

    #[test]
    fn least_in_flight_prefers_the_idle() {
        let mut v = items(&[("busy", 1), ("idle", 1), ("busier", 1)]);
        let _g1 = v[0].load.enter();
        let _g2 = v[2].load.enter();
        let _g3 = v[2].load.enter();
        assert_eq!(first(Balance::LeastInFlight, &mut v), "idle");
        assert_eq!(v[2].name, "busier");
        drop(_g1);
    }

    #[tokio::test(start_paused = true)]
    async fn peak_ewma_prefers_the_fast_and_peaks_fast() {
        let mut v = items(&[("slow", 1), ("fast", 1)]);
        v[0].load.observe(Duration::from_millis(900));
        v[1].load.observe(Duration::from_millis(100));
        for _ in 0..50 {
            assert_eq!(first(Balance::PeakEwma, &mut v), "fast");
        }
        let fast = v.iter().find(|i| i.name == "fast").unwrap().load.clone();
        // one slow sample is taken at once (the peak) ...
        fast.observe(Duration::from_secs(2));
        assert_eq!(fast.latency(), Some(Duration::from_secs(2)));
        assert_eq!(first(Balance::PeakEwma, &mut v), "slow");
        // ... and decays away with time
        tokio::time::advance(Duration::from_secs(60)).await;
        fast.observe(Duration::from_millis(100));
        assert!(fast.latency().unwrap() < Duration::from_millis(110));
        // in-flight requests weigh in
        let _busy: Vec<InFlight> = (0..20).map(|_| fast.enter()).collect();
        assert_eq!(first(Balance::PeakEwma, &mut v), "slow");
    }
}
