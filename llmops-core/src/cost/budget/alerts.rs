//! Soft thresholds: an [`Alert`](crate::Alert) once per window and counter when settled spend
//! crosses a limit's percentage (50, 80, 100 ...).

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;
use std::sync::Mutex;

use chrono::{DateTime, Utc};

use crate::Severity;

/// The rule name of budget alerts (`Alert::rule`).
pub const ALERT_RULE: &str = "budget_threshold";

const SHARDS: usize = 16;
const SWEEP_EVERY: usize = 256;

/// The highest threshold alerted per counter, in this process (16 shards, no global lock).
#[derive(Debug)]
pub(crate) struct Fired {
    shards: Box<[Mutex<Shard>]>,
    hasher: RandomState,
}

#[derive(Debug, Default)]
struct Shard {
    /// counter key → (highest percent alerted, window end)
    map: HashMap<String, (u32, DateTime<Utc>)>,
    inserts: usize,
}

impl Default for Fired {
    fn default() -> Self {
        Fired {
            shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            hasher: RandomState::new(),
        }
    }
}

/// The thresholds of `percents` (ascending) that `spent` of `limit` has reached.
pub(crate) fn reached(percents: &[u32], spent: i64, limit: i64) -> impl Iterator<Item = u32> + '_ {
    percents.iter().copied().filter(move |p| {
        // spent / limit ≥ p / 100, in integers
        i128::from(spent) * 100 >= i128::from(limit) * i128::from(*p)
    })
}

impl Fired {
    /// Marks the thresholds in `reached` (ascending) for `key`; returns those not alerted
    /// before in this window.
    pub(crate) fn mark(
        &self,
        key: &str,
        reached: impl Iterator<Item = u32>,
        window_end: DateTime<Utc>,
    ) -> Vec<u32> {
        let reached: Vec<u32> = reached.collect();
        let Some(&top) = reached.last() else {
            return Vec::new();
        };
        let i = (self.hasher.hash_one(key) as usize) % self.shards.len().max(1);
        let Some(shard) = self.shards.get(i) else {
            return Vec::new();
        };
        let mut g = shard
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let before = match g.map.get_mut(key) {
            Some((hi, _)) if *hi >= top => return Vec::new(),
            Some((hi, _)) => std::mem::replace(hi, top),
            None => {
                g.inserts += 1;
                if g.inserts % SWEEP_EVERY == 0 {
                    let now = Utc::now();
                    g.map.retain(|_, (_, end)| *end > now);
                }
                g.map.insert(key.to_owned(), (top, window_end));
                0
            }
        };
        reached.into_iter().filter(|p| *p > before).collect()
    }
}

/// `Info` below 80 %, `Warning` from 80 %, `Critical` from 100 %.
pub(crate) fn severity(percent: u32) -> Severity {
    match percent {
        100.. => Severity::Critical,
        80..=99 => Severity::Warning,
        _ => Severity::Info,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_threshold_once_per_counter() {
        let f = Fired::default();
        let end = Utc::now() + chrono::Duration::hours(1);
        let p = [50, 80, 100];
        assert_eq!(f.mark("k", reached(&p, 49, 100), end), Vec::<u32>::new());
        assert_eq!(f.mark("k", reached(&p, 50, 100), end), vec![50]);
        assert_eq!(f.mark("k", reached(&p, 60, 100), end), Vec::<u32>::new());
        // a jump past two thresholds alerts both
        assert_eq!(f.mark("k", reached(&p, 120, 100), end), vec![80, 100]);
        assert_eq!(f.mark("k", reached(&p, 130, 100), end), Vec::<u32>::new());
        // another counter (the next window's key) starts afresh
        assert_eq!(f.mark("k2", reached(&p, 55, 100), end), vec![50]);
        assert_eq!(severity(50), Severity::Info);
        assert_eq!(severity(80), Severity::Warning);
        assert_eq!(severity(100), Severity::Critical);
    }
}
