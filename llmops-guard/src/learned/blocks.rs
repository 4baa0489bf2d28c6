//! The running sums of one scoring pass: [`Blocks`] with raw feature counts (every model
//! file before the count cap, and any file whose cap is 0) and [`Capped`], which counts each
//! hashed feature at most `cap` times per scored span (the whole text, and each window).
//!
//! A window is two adjacent blocks of `half` bytes (a feature belongs to the block its last
//! byte is in), so windows overlap by half. Raw sums compose: a window's sum is the sum of
//! its two blocks'. Capped sums do not (a bucket seen twice in each block counts 4 times in
//! the window's raw sum but `cap` times in its capped one), so [`Capped`] keeps, per bucket,
//! its count in the current block, in the previous block and in the text so far, in a
//! thread-local table of one `u32` per bucket with a block stamp: the per-feature step is one
//! read and one write of that cell and three conditional additions, and nothing is cleared
//! or allocated per scan.

use std::cell::RefCell;

use super::features::feature_norm;

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
/// run out, [`rebase`](Self::rebase) renumbers the cells (once per about a million blocks).
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

    /// Renumbers the cells of the scan that started at `base` and is in the block stamped
    /// `cur`: 3 for that block, 2 for the one before, 1 for anything earlier in the scan, and
    /// the cells of other scans are cleared. The scan continues with base 1 and stamp 3.
    #[cold]
    #[inline(never)]
    fn rebase(&mut self, base: u32, cur: u32) {
        let low = (1u32 << STAMP_SHIFT) - 1;
        for c in &mut self.cells {
            let s = *c >> STAMP_SHIFT;
            *c = match s {
                _ if s < base => 0,
                _ if s == cur => (3 << STAMP_SHIFT) | (*c & low),
                _ if s + 1 == cur => (2 << STAMP_SHIFT) | (*c & low),
                _ => (1 << STAMP_SHIFT) | (*c & low),
            };
        }
    }
}

/// The running sums of one scoring pass with counts capped at `cap` per span: each bucket
/// adds its weight at most `cap` times to the whole text's sum (signals included) and at
/// most `cap` times to each window's (two adjacent blocks, counted together, not per block).
/// The norm is the span's raw number of features, as without a cap. With a cap at least as
/// high as every count, the sums, and so the scores, are [`Blocks`]'s bit for bit.
pub(super) struct Capped<'a> {
    counters: &'a mut Counters,
    cap: u32,
    half: usize,
    bias: f32,
    scale: f32,
    /// This scan's first stamp, and the current block's stamp.
    base: u32,
    cur: u32,
    /// Capped sum of the whole text; raw feature count of the closed blocks and signals.
    whole_s: i64,
    total_n: u64,
    /// Capped sum of the current block alone (the next window's first half).
    blk_s: i64,
    /// Capped sum of the window made of the previous and the current block.
    win_s: i64,
    /// Raw feature counts of the current and the previous block; the current block's index.
    cur_n: u64,
    prev_n: u64,
    cur_idx: usize,
    /// Features ending past this byte belong to a later block.
    next_edge: usize,
    /// The best window so far: logit, byte range.
    best: (f32, usize, usize),
}

impl<'a> Capped<'a> {
    /// A pass over `buckets` buckets with blocks of `half` bytes (`usize::MAX`: no windows)
    /// and counts capped at `cap` (1 ..= [`MAX_COUNT_CAP`]).
    pub(super) fn new(
        counters: &'a mut Counters,
        buckets: usize,
        cap: u8,
        half: usize,
        bias: f32,
        scale: f32,
    ) -> Self {
        let base = counters.begin(buckets);
        Capped {
            counters,
            cap: u32::from(cap),
            half,
            bias,
            scale,
            base,
            cur: base + 2,
            whole_s: 0,
            total_n: 0,
            blk_s: 0,
            win_s: 0,
            cur_n: 0,
            prev_n: 0,
            cur_idx: 0,
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

    /// A text-wide signal feature in `bucket` of weight `v` (whole text only; signals come
    /// before the text's features).
    pub(super) fn signal(&mut self, bucket: u32, v: i64) {
        self.total_n += 1;
        let base = self.base;
        if let Some(c) = self.counters.cells.get_mut(bucket as usize) {
            let total = if *c >> STAMP_SHIFT >= base {
                (*c >> TOTAL_SHIFT) & COUNT_MASK
            } else {
                0
            };
            if total < self.cap {
                self.whole_s += v;
            }
            *c = (base << STAMP_SHIFT) | ((total + 1).min(COUNT_MASK) << TOTAL_SHIFT);
        }
    }

    /// A feature in `bucket` of weight `v` ending at byte `end` (features come in text order).
    #[inline(always)]
    pub(super) fn add(&mut self, end: usize, bucket: u32, v: i64) {
        if end > self.next_edge {
            self.roll(end);
        }
        self.cur_n += 1;
        let (cur, base, cap) = (self.cur, self.base, self.cap);
        let Some(c) = self.counters.cells.get_mut(bucket as usize) else {
            return;
        };
        let cell = *c;
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
        self.blk_s += if block < cap { v } else { 0 };
        self.win_s += if prev + block < cap { v } else { 0 };
        self.whole_s += if total < cap { v } else { 0 };
        *c = (cur << STAMP_SHIFT)
            | ((total + 1).min(COUNT_MASK) << TOTAL_SHIFT)
            | (prev << COUNT_BITS)
            | (block + 1).min(COUNT_MASK);
    }

    /// A feature ending at `end` belongs to a later block: close the window ending with the
    /// current block and start the new one (its window begins with the closed block's own
    /// capped sum when the two are adjacent).
    #[cold]
    #[inline(never)]
    fn roll(&mut self, end: usize) {
        let idx = end.saturating_sub(1) / self.half;
        self.next_edge = (idx + 1).saturating_mul(self.half);
        self.close();
        self.total_n += self.cur_n;
        let adjacent = idx == self.cur_idx + 1;
        (self.win_s, self.prev_n) = if adjacent {
            (self.blk_s, self.cur_n)
        } else {
            (0, 0)
        };
        (self.blk_s, self.cur_n, self.cur_idx) = (0, 0, idx);
        if self.cur > STAMP_MAX - 2 {
            self.counters.rebase(self.base, self.cur);
            (self.base, self.cur) = (1, 3);
        }
        self.cur += if adjacent { 1 } else { 2 };
        self.counters.next = self.cur + 1;
    }

    /// Scores the window made of the previous and the current block.
    fn close(&mut self) {
        let n = self.prev_n + self.cur_n;
        if self.cur_idx >= 1 && n > 0 {
            let l = self.logit(self.win_s, n);
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
        let whole = self.logit(self.whole_s, self.total_n + self.cur_n);
        let (l, start, end) = self.best;
        if whole >= l {
            (whole, 0, len)
        } else {
            (l, start, end.min(len))
        }
    }
}
