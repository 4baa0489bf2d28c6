//! Choosing among overlapping candidate spans.

use std::collections::BTreeMap;

/// Keeps, from candidates given best first, each one that overlaps none kept before it;
/// returns them ordered by start. `span` gives a candidate's byte range `(start, end)`.
///
/// Kept spans never overlap, so only the last one starting before a candidate's end can
/// overlap it: one ordered-map lookup per candidate.
pub(crate) fn keep_best_disjoint<T>(
    best_first: impl IntoIterator<Item = T>,
    span: impl Fn(&T) -> (usize, usize),
) -> Vec<T> {
    let mut kept: BTreeMap<usize, (usize, T)> = BTreeMap::new();
    for c in best_first {
        let (start, end) = span(&c);
        let clash = kept
            .range(..end)
            .next_back()
            .is_some_and(|(_, (k_end, _))| *k_end > start);
        if !clash {
            kept.insert(start, (end, c));
        }
    }
    kept.into_values().map(|(_, c)| c).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_of_overlapping_candidates_wins_and_output_is_by_start() {
        let kept = keep_best_disjoint([(10, 20), (5, 12), (20, 25), (0, 5), (18, 30)], |c| *c);
        assert_eq!(kept, [(0, 5), (10, 20), (20, 25)]);
    }
}
