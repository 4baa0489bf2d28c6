//! The digit runs of a text (its maximal runs of ASCII digits), walked once per scan and
//! shared by everything that reads them: the byte gates (`shapes.rs`), the region search of
//! the digit-anchored recognizers (`regions.rs`) and the date-of-birth search
//! (`dates_of_birth`). Each used to find them again with its own walk of the text.
//!
//! The first [`CAP`] runs are kept in an array on the stack (the 4 KB bench prompts have 125
//! and 155), so a scan still allocates nothing; past them, each reader walks the rest of the
//! text itself, from the end of the last kept run. Either way [`DigitRuns::iter`] yields every run, in
//! order (proptest `equiv::shared_runs_equal_each_walk` compares it with the walks it
//! replaced).

/// How many runs are kept.
const CAP: usize = 256;

/// The digit runs of a text, as `(start, end)` byte ranges, in order.
#[derive(Debug)]
pub(super) struct DigitRuns<'t> {
    text: &'t [u8],
    kept: [(usize, usize); CAP],
    len: usize,
    /// Whether the text has more runs than [`CAP`] (the rest are walked by each reader).
    more: bool,
}

impl<'t> DigitRuns<'t> {
    /// Walks the digit runs of `text` (digits found 32 bytes at a time).
    pub(super) fn new(text: &'t [u8]) -> Self {
        let mut runs = DigitRuns {
            text,
            kept: [(0, 0); CAP],
            len: 0,
            more: false,
        };
        let mut at = 0;
        while let Some(d) = next_digit(text, at) {
            let Some(slot) = runs.kept.get_mut(runs.len) else {
                runs.more = true;
                break;
            };
            at = run_end(text, d);
            *slot = (d, at);
            runs.len += 1;
        }
        runs
    }

    /// Every run, in order.
    pub(super) fn iter(&self) -> Runs<'_, 't> {
        Runs {
            all: self,
            next: 0,
            at: 0,
        }
    }
}

/// An iterator over [`DigitRuns`]; cloning it gives one that resumes from the same run.
#[derive(Debug, Clone)]
pub(super) struct Runs<'r, 't> {
    all: &'r DigitRuns<'t>,
    /// The next kept run.
    next: usize,
    /// The end of the last run yielded (where the walk of the rest resumes).
    at: usize,
}

impl Iterator for Runs<'_, '_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let all = self.all;
        let run = if let Some(run) = all.kept.get(..all.len).and_then(|k| k.get(self.next)) {
            self.next += 1;
            *run
        } else if all.more {
            let d = next_digit(all.text, self.at)?;
            (d, run_end(all.text, d))
        } else {
            return None;
        };
        self.at = run.1;
        Some(run)
    }
}

/// The end of the digit run starting at `d`.
pub(super) fn run_end(b: &[u8], d: usize) -> usize {
    let mut e = d;
    while b.get(e).is_some_and(u8::is_ascii_digit) {
        e += 1;
    }
    e
}

/// The position of the first ASCII digit at or after `from`. Tests 32 bytes at a time
/// without branching (the compiler vectorizes that) before looking for the position.
pub(super) fn next_digit(b: &[u8], from: usize) -> Option<usize> {
    let rest = b.get(from..)?;
    let mut offset = from;
    for chunk in rest.chunks(32) {
        if chunk.iter().fold(false, |any, c| any | c.is_ascii_digit()) {
            return chunk
                .iter()
                .position(u8::is_ascii_digit)
                .map(|p| offset + p);
        }
        offset += chunk.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn walk(t: &str) -> Vec<(usize, usize)> {
        DigitRuns::new(t.as_bytes()).iter().collect()
    }

    #[test]
    fn runs_are_maximal_digit_runs() {
        assert_eq!(walk(""), []);
        assert_eq!(walk("no digits"), []);
        assert_eq!(walk("1"), [(0, 1)]);
        assert_eq!(walk("a12 345-6é7"), [(1, 3), (4, 7), (8, 9), (11, 12)]);
    }

    #[test]
    fn runs_past_the_kept_ones_are_walked() {
        let t = "12 ".repeat(CAP + 5);
        let runs = DigitRuns::new(t.as_bytes());
        assert!(runs.more);
        let all: Vec<_> = runs.iter().collect();
        assert_eq!(all.len(), CAP + 5);
        assert!(
            all.iter()
                .enumerate()
                .all(|(i, r)| *r == (3 * i, 3 * i + 2))
        );
        // exactly CAP runs: nothing more to walk
        let t = "12 ".repeat(CAP);
        assert!(!DigitRuns::new(t.as_bytes()).more);
        assert_eq!(walk(&t).len(), CAP);
    }
}
