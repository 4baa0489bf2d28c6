//! The running sums of one scoring pass: [`Blocks`] with raw feature counts (every model
//! file before the count cap, and any file whose cap is 0) and [`CapPass`], which counts each
//! hashed feature at most `cap` times per scored span (the whole text, and each window).
//!
//! A window is two adjacent blocks of `half` bytes (a feature belongs to the block its last
//! byte is in), so windows overlap by half. Raw sums compose: a window's sum is the sum of
//! its two blocks'. Capped sums do not (a bucket seen twice in each block counts 4 times in
//! the window's raw sum but `cap` times in its capped one), so [`CapPass`] keeps, per bucket,
//! its count in the current block, in the previous block and in the text so far, in a
//! thread-local table of one `u32` per bucket with a block stamp: the per-feature step is one
//! read and one write of that cell and three conditional additions, and nothing is cleared
//! or allocated per scan.

use std::cell::RefCell;

use super::features::{FeatureConfig, Signals, feature_norm};

/// The largest count cap a model file may carry (counts are kept in 4 bits).
pub const MAX_COUNT_CAP: u8 = 15;

/// The running sums of one scoring pass: the whole text, and blocks of `half` bytes (a window
/// is two adjacent blocks). The per-feature step is two additions and a compare; closing a
/// block (once per `half` bytes) is out of line.
pub(super) struct Blocks {
    half: usize,
    bias: f32,
    scale: f32,
    /// Sums of the closed blocks (the whole text is these plus the current block).
    total_s: i64,
    total_n: u64,
    /// The block being filled: sum, count, index.
    cur_s: i64,
    cur_n: u64,
    cur_idx: usize,
    /// The block before it.
    prev_s: i64,
    prev_n: u64,
    /// Features ending past this byte belong to a later block.
    next_edge: usize,
    /// The best window so far: logit, byte range.
    best: (f32, usize, usize),
}

impl Blocks {
    /// `half`: block size in bytes (`usize::MAX`: no windows).
    pub(super) fn new(half: usize, bias: f32, scale: f32) -> Self {
        Blocks {
            half,
            bias,
            scale,
            total_s: 0,
            total_n: 0,
            cur_s: 0,
            cur_n: 0,
            cur_idx: 0,
            prev_s: 0,
            prev_n: 0,
            next_edge: half,
            best: (f32::NEG_INFINITY, 0, 0),
        }
    }

    fn logit(&self, s: i64, n: u64) -> f32 {
        if n == 0 {
            self.bias
        } else {
            self.bias + self.scale * (s as f32) / feature_norm(n)
        }
    }

    /// A text-wide signal feature: counts in the whole text only.
    pub(super) fn signal(&mut self, v: i64) {
        self.total_s += v;
        self.total_n += 1;
    }

    /// A feature of weight `v` ending at byte `end` (features come in text order).
    #[inline(always)]
    pub(super) fn add(&mut self, end: usize, v: i64) {
        if end > self.next_edge {
            self.roll(end);
        }
        self.cur_s += v;
        self.cur_n += 1;
    }

    /// A feature ending at `end` belongs to a later block: close the window ending with the
    /// current block and start the new one.
    #[cold]
    #[inline(never)]
    fn roll(&mut self, end: usize) {
        let idx = end.saturating_sub(1) / self.half;
        self.next_edge = (idx + 1).saturating_mul(self.half);
        self.close();
        self.total_s += self.cur_s;
        self.total_n += self.cur_n;
        (self.prev_s, self.prev_n) = if idx == self.cur_idx + 1 {
            (self.cur_s, self.cur_n)
        } else {
            (0, 0)
        };
        (self.cur_s, self.cur_n, self.cur_idx) = (0, 0, idx);
    }

    /// Scores the window made of the previous and the current block.
    fn close(&mut self) {
        let (s, n) = (self.prev_s + self.cur_s, self.prev_n + self.cur_n);
        if self.cur_idx >= 1 && n > 0 {
            let l = self.logit(s, n);
            if l > self.best.0 {
                let half = self.half;
                self.best = (
                    l,
                    (self.cur_idx - 1).saturating_mul(half),
                    (self.cur_idx + 1).saturating_mul(half),
                );
            }
        }
    }

    /// The best logit over the windows and the whole text, with its byte range.
    pub(super) fn finish(mut self, len: usize) -> (f32, usize, usize) {
        if self.half != usize::MAX {
            self.close();
        }
        let whole = self.logit(self.total_s + self.cur_s, self.total_n + self.cur_n);
        let (l, start, end) = self.best;
        if whole >= l {
            (whole, 0, len)
        } else {
            (l, start, end.min(len))
        }
    }
}

/// Bits of one count in a counter cell.
const COUNT_BITS: u32 = 4;
/// Mask of one count (counts saturate here, above any cap).
const COUNT_MASK: u32 = (1 << COUNT_BITS) - 1;
/// Where the text-wide count sits in a cell.
const TOTAL_SHIFT: u32 = 2 * COUNT_BITS;
/// Where the stamp sits in a cell (above the three counts).
const STAMP_SHIFT: u32 = 3 * COUNT_BITS;
/// The largest stamp (20 bits).
const STAMP_MAX: u32 = u32::MAX >> STAMP_SHIFT;

/// Per-bucket counters of the capped pass, one `u32` cell per bucket:
/// `stamp << 12 | text count << 8 | previous-block count << 4 | block count`.
///
/// The stamp says when the cell was last written. One scan uses stamp `base` for the
/// text-wide signal features and one stamp per block above `base + 1` (the next block's
/// stamp is the current one plus 1, or plus 2 when a block without features lies between
/// them, so that "previous block" means the adjacent one). Cells stamped below `base` are
/// from earlier scans and read as zero: nothing is cleared between scans. When the stamps
/// run out, [`rebase`] renumbers the cells (once per about a million blocks).
pub(super) struct Counters {
    cells: Vec<u32>,
    /// The first stamp of the next scan (above every stamp in `cells`).
    next: u32,
}

thread_local! {
    /// The counter table of this thread, grown to the largest capped model it has run.
    static COUNTERS: RefCell<Counters> = const { RefCell::new(Counters::new()) };
}

/// Runs `f` with this thread's counter table (a table of its own when the thread's is in use
/// or already destroyed, which a scan never causes).
pub(super) fn with_counters<R>(mut f: impl FnMut(&mut Counters) -> R) -> R {
    COUNTERS
        .try_with(|cell| cell.try_borrow_mut().ok().map(|mut c| f(&mut c)))
        .ok()
        .flatten()
        .unwrap_or_else(|| f(&mut Counters::new()))
}

/// Clears this thread's table and sets the first stamp of its next scan (tests of the stamp
/// renumbering).
#[cfg(test)]
pub(super) fn set_next_stamp(next: u32) {
    with_counters(|c| {
        c.cells.fill(0);
        c.next = next.clamp(1, STAMP_MAX);
    });
}

/// The largest stamp (tests).
#[cfg(test)]
pub(super) const STAMP_LIMIT: u32 = STAMP_MAX;

impl Counters {
    const fn new() -> Self {
        Counters {
            cells: Vec::new(),
            next: 1,
        }
    }

    /// Readies the table for one scan over `buckets` buckets and returns its base stamp.
    fn begin(&mut self, buckets: usize) -> u32 {
        if self.cells.len() < buckets {
            self.cells.clear();
            self.cells.resize(buckets, 0);
            self.next = 1;
        }
        if self.next > STAMP_MAX - 4 {
            self.cells.fill(0);
            self.next = 1;
        }
        let base = self.next;
        self.next = base + 3;
        base
    }
}

/// Renumbers the cells of the scan that started at `base` and is in the block stamped
/// `cur`: 3 for that block, 2 for the one before, 1 for anything earlier in the scan, and
/// the cells of other scans are cleared. The scan continues with base 1 and stamp 3.
#[cold]
#[inline(never)]
fn rebase(cells: &mut [u32], base: u32, cur: u32) {
    let low = (1u32 << STAMP_SHIFT) - 1;
    for c in cells {
        let s = *c >> STAMP_SHIFT;
        *c = match s {
            _ if s < base => 0,
            _ if s == cur => (3 << STAMP_SHIFT) | (*c & low),
            _ if s + 1 == cur => (2 << STAMP_SHIFT) | (*c & low),
            _ => (1 << STAMP_SHIFT) | (*c & low),
        };
    }
}

/// One scoring pass with counts capped at `cap` per span: each bucket adds its weight at
/// most `cap` times to the whole text's sum (signals included) and at most `cap` times to
/// each window's (two adjacent blocks, counted together, not per block). The norm is the
/// span's raw number of features, as without a cap. With a cap at least as high as every
/// count, the sums, and so the scores, are [`Blocks`]'s bit for bit.
#[derive(Debug, Clone, Copy)]
pub(super) struct CapPass<'w> {
    /// The features.
    pub(super) cfg: FeatureConfig,
    /// One `i8` weight per bucket.
    pub(super) weights: &'w [u8],
    /// 1 ..= [`MAX_COUNT_CAP`].
    pub(super) cap: u8,
    /// Block size in bytes (`usize::MAX`: no windows).
    pub(super) half: usize,
    pub(super) bias: f32,
    pub(super) scale: f32,
}

/// A cell's three counts as the feature at stamp `cur` of the scan from `base` sees them:
/// (this block, the previous block, the text so far).
#[inline(always)]
fn counts(cell: u32, cur: u32, base: u32) -> (u32, u32, u32) {
    let s = cell >> STAMP_SHIFT;
    let same = s == cur;
    let block = if same { cell & COUNT_MASK } else { 0 };
    let prev = if same {
        (cell >> COUNT_BITS) & COUNT_MASK
    } else if s + 1 == cur {
        cell & COUNT_MASK
    } else {
        0
    };
    let total = if s >= base {
        (cell >> TOTAL_SHIFT) & COUNT_MASK
    } else {
        0
    };
    (block, prev, total)
}

/// Keeps the window ending with block `idx` (of logit `l`) if it beats `best`.
#[inline(always)]
fn keep(best: &mut (f32, usize, usize), l: f32, idx: usize, half: usize) {
    if l > best.0 {
        *best = (
            l,
            (idx - 1).saturating_mul(half),
            (idx + 1).saturating_mul(half),
        );
    }
}

/// Features buffered between two runs of the counting loop.
const CHUNK: usize = 256;

/// The running state of a capped pass between chunks of features.
#[derive(Clone, Copy)]
struct CapState {
    base: u32,
    /// The whole text: capped sum, raw count of the closed blocks and the signals.
    whole_s: i64,
    total_n: u64,
    /// The current block: stamp, index, capped sum alone, raw count.
    cur: u32,
    cur_idx: usize,
    blk_s: i64,
    cur_n: u64,
    /// The window of the previous and the current block: capped sum, the previous block's
    /// raw count.
    win_s: i64,
    prev_n: u64,
    /// Features ending past this byte belong to a later block.
    next_edge: usize,
    /// The best window so far: logit, byte range.
    best: (f32, usize, usize),
}

impl CapPass<'_> {
    fn logit(&self, s: i64, n: u64) -> f32 {
        if n == 0 {
            self.bias
        } else {
            self.bias + self.scale * (s as f32) / feature_norm(n)
        }
    }

    /// Counts one chunk of features (`ends[i]`, `buckets[i]`, in text order). The state is
    /// copied into locals for the loop, so that the writes to the counter table cannot alias
    /// it and it stays in registers.
    #[inline(never)]
    fn count(&self, st: &mut CapState, cells: &mut [u32], ends: &[usize], buckets: &[u32]) {
        let (half, cap, w) = (self.half, u32::from(self.cap), self.weights);
        let CapState {
            mut base,
            mut whole_s,
            mut total_n,
            mut cur,
            mut cur_idx,
            mut blk_s,
            mut cur_n,
            mut win_s,
            mut prev_n,
            mut next_edge,
            mut best,
        } = *st;
        for (&end, &b) in ends.iter().zip(buckets) {
            if end > next_edge {
                // a later block: score the window ending with the current one, start the next
                // (its window begins with the closed block's own capped sum when adjacent)
                if cur_idx >= 1 && prev_n + cur_n > 0 {
                    keep(&mut best, self.logit(win_s, prev_n + cur_n), cur_idx, half);
                }
                let idx = end.saturating_sub(1) / half;
                next_edge = (idx + 1).saturating_mul(half);
                total_n += cur_n;
                let adjacent = idx == cur_idx + 1;
                (win_s, prev_n) = if adjacent { (blk_s, cur_n) } else { (0, 0) };
                (blk_s, cur_n, cur_idx) = (0, 0, idx);
                if cur > STAMP_MAX - 2 {
                    rebase(cells, base, cur);
                    (base, cur) = (1, 3);
                }
                cur += if adjacent { 1 } else { 2 };
            }
            cur_n += 1;
            if let Some(c) = cells.get_mut(b as usize) {
                let (block, prev, total) = counts(*c, cur, base);
                let v = i64::from(w.get(b as usize).map_or(0, |&x| x as i8));
                blk_s += if block < cap { v } else { 0 };
                win_s += if prev + block < cap { v } else { 0 };
                whole_s += if total < cap { v } else { 0 };
                *c = (cur << STAMP_SHIFT)
                    | ((total + 1).min(COUNT_MASK) << TOTAL_SHIFT)
                    | (prev << COUNT_BITS)
                    | (block + 1).min(COUNT_MASK);
            }
        }
        *st = CapState {
            base,
            whole_s,
            total_n,
            cur,
            cur_idx,
            blk_s,
            cur_n,
            win_s,
            prev_n,
            next_edge,
            best,
        };
    }

    /// The best logit over the windows and the whole text of `text` (normalised, with its
    /// `signals`), with its byte range. The feature pass fills a small buffer on the stack;
    /// [`count`](Self::count) empties it (the per-feature closure stays small enough to
    /// inline into the feature loop, as the raw pass's).
    pub(super) fn run(
        &self,
        counters: &mut Counters,
        text: &str,
        signals: Signals,
    ) -> (f32, usize, usize) {
        let base = counters.begin(self.weights.len());
        let cells: &mut [u32] = &mut counters.cells;
        let cap = u32::from(self.cap);
        let mut st = CapState {
            base,
            whole_s: 0,
            total_n: 0,
            cur: base + 2,
            cur_idx: 0,
            blk_s: 0,
            cur_n: 0,
            win_s: 0,
            prev_n: 0,
            next_edge: self.half,
            best: (f32::NEG_INFINITY, 0, 0),
        };
        self.cfg.for_each_signal(signals, |b| {
            st.total_n += 1;
            if let Some(c) = cells.get_mut(b as usize) {
                let (_, _, total) = counts(*c, base + 2, base);
                let v = i64::from(self.weights.get(b as usize).map_or(0, |&x| x as i8));
                st.whole_s += if total < cap { v } else { 0 };
                *c = (base << STAMP_SHIFT) | ((total + 1).min(COUNT_MASK) << TOTAL_SHIFT);
            }
        });
        let mut ends = [0usize; CHUNK];
        let mut buckets = [0u32; CHUNK];
        let mut k = 0;
        self.cfg.for_each(text, |end, b| {
            if let (Some(e), Some(x)) = (ends.get_mut(k), buckets.get_mut(k)) {
                (*e, *x) = (end, b);
            }
            k += 1;
            if k == CHUNK {
                self.count(&mut st, cells, &ends, &buckets);
                k = 0;
            }
        });
        self.count(
            &mut st,
            cells,
            ends.get(..k).unwrap_or_default(),
            buckets.get(..k).unwrap_or_default(),
        );
        counters.next = st.cur + 1;
        let (half, len) = (self.half, text.len());
        if half != usize::MAX && st.cur_idx >= 1 && st.prev_n + st.cur_n > 0 {
            let l = self.logit(st.win_s, st.prev_n + st.cur_n);
            keep(&mut st.best, l, st.cur_idx, half);
        }
        let whole = self.logit(st.whole_s, st.total_n + st.cur_n);
        let (l, start, end) = st.best;
        if whole >= l {
            (whole, 0, len)
        } else {
            (l, start, end.min(len))
        }
    }
}
