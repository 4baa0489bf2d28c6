//! Query-time machinery: a reusable dense score accumulator and a bounded top-k heap.

use std::cell::Cell;
use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A dense accumulator over slots, reused across queries on the same thread. A cell is valid
/// only when its stamp is the current epoch, so nothing is cleared between queries; `touched`
/// lists the slots of the current query in first-touch order.
#[derive(Default)]
pub(crate) struct Scratch {
    cells: Vec<Acc>,
    epoch: u32,
    touched: Vec<u32>,
}

/// One slot's score and the epoch (query) it belongs to, side by side in memory.
#[derive(Clone, Copy, Default)]
struct Acc {
    stamp: u32,
    score: f32,
}

thread_local! {
    static SCRATCH: Cell<Scratch> = Cell::new(Scratch::default());
}

impl Scratch {
    /// Takes this thread's scratch (a fresh one when a search runs inside another's `allow`).
    pub(crate) fn take(slots: usize) -> Scratch {
        let mut s = SCRATCH.with(Cell::take);
        s.reset(slots);
        s
    }

    /// Gives it back for the next query.
    pub(crate) fn give_back(self) {
        SCRATCH.with(|c| c.set(self));
    }

    fn reset(&mut self, slots: usize) {
        if self.cells.len() < slots {
            self.cells.resize(slots, Acc::default());
        }
        self.touched.clear();
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            // After 2^32 queries the stamps could collide: start over.
            self.cells.iter_mut().for_each(|c| c.stamp = 0);
            self.epoch = 1;
        }
    }

    /// Adds `score` to `slot`.
    #[inline]
    pub(crate) fn add(&mut self, slot: u32, score: f32) {
        if let Some(c) = self.cells.get_mut(slot as usize) {
            if c.stamp == self.epoch {
                c.score += score;
            } else {
                *c = Acc {
                    stamp: self.epoch,
                    score,
                };
                self.touched.push(slot);
            }
        }
    }

    /// The slots touched by this query with their accumulated scores.
    pub(crate) fn hits(&self) -> impl Iterator<Item = (u32, f32)> + '_ {
        self.touched
            .iter()
            .map(|&s| (s, self.cells.get(s as usize).map_or(0.0, |c| c.score)))
    }

    /// How many slots were touched.
    pub(crate) fn touched(&self) -> usize {
        self.touched.len()
    }
}

/// A hit ordered so that the *worse* one is greater: lower score, then higher slot.
#[derive(Clone, Copy, Debug)]
struct Worse(f32, u32);

impl PartialEq for Worse {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}
impl Eq for Worse {}
impl PartialOrd for Worse {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Worse {
    fn cmp(&self, other: &Self) -> Ordering {
        other.0.total_cmp(&self.0).then(self.1.cmp(&other.1))
    }
}

/// The `k` best of `hits` that `allow` accepts, best first: higher score first, equal scores
/// by ascending slot. `allow` is asked only about hits that would enter the current top `k`
/// (most are ruled out by score first), so an expensive filter runs rarely.
pub(crate) fn top_k(
    hits: impl Iterator<Item = (u32, f32)>,
    k: usize,
    cap: usize,
    allow: &dyn Fn(u32) -> bool,
) -> Vec<(u32, f32)> {
    if k == 0 {
        return Vec::new();
    }
    let mut heap: BinaryHeap<Worse> = BinaryHeap::with_capacity(k.min(cap));
    for (slot, score) in hits {
        let hit = Worse(score, slot);
        if heap.len() < k {
            if allow(slot) {
                heap.push(hit);
            }
        } else if let Some(mut worst) = heap.peek_mut()
            && hit < *worst
            && allow(slot)
        {
            *worst = hit;
        }
    }
    heap.into_sorted_vec()
        .into_iter()
        .map(|Worse(score, slot)| (slot, score))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_k_orders_and_breaks_ties_by_slot() {
        let hits = [(5, 1.0), (2, 3.0), (9, 1.0), (1, 1.0), (7, 2.0)];
        let all = |_| true;
        assert_eq!(
            top_k(hits.into_iter(), 3, 5, &all),
            [(2, 3.0), (7, 2.0), (1, 1.0)]
        );
        assert_eq!(
            top_k(hits.into_iter(), 10, 5, &all),
            [(2, 3.0), (7, 2.0), (1, 1.0), (5, 1.0), (9, 1.0)]
        );
        assert!(top_k(hits.into_iter(), 0, 5, &all).is_empty());
        assert_eq!(top_k(hits.into_iter(), usize::MAX, 5, &all).len(), 5);
        // Rejected slots are not counted towards k.
        assert_eq!(
            top_k(hits.into_iter(), 2, 5, &|s| s != 2),
            [(7, 2.0), (1, 1.0)]
        );
        // allow is asked only about hits that could enter the top k.
        let asked = std::cell::Cell::new(0);
        let many = (0..1000u32).map(|s| (s, 1000.0 - s as f32));
        let top = top_k(many, 3, 1000, &|_| {
            asked.set(asked.get() + 1);
            true
        });
        assert_eq!(top, [(0, 1000.0), (1, 999.0), (2, 998.0)]);
        assert_eq!(asked.get(), 3);
    }

    #[test]
    fn scratch_accumulates_per_query() {
        let mut s = Scratch::take(4);
        s.add(3, 1.0);
        s.add(1, 2.0);
        s.add(3, 0.5);
        s.add(99, 1.0); // out of range: ignored
        assert_eq!(s.hits().collect::<Vec<_>>(), [(3, 1.5), (1, 2.0)]);
        s.give_back();
        let mut s = Scratch::take(4);
        assert_eq!(s.touched(), 0);
        s.add(3, 1.0);
        assert_eq!(s.hits().collect::<Vec<_>>(), [(3, 1.0)]);
        s.give_back();
    }
}
