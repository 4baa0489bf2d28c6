//! A model of a stream tap with a hold-back window, for detector tests (the real tap,
//! `pipeline::OutputTap`, is tested in tests/pipeline/).

use llmops_core::TextSource;
use llmops_guard::Detector;

/// What a stream tap with a hold-back window of `window` bytes does: after each chunk it scans
/// the text not yet released and cuts on a finding, else releases all but the last `window`
/// bytes. Returns (cut, bytes released before the cut).
pub(crate) fn stream(detector: &dyn Detector, chunks: &[&str], min_score: f32) -> (bool, usize) {
    let window = detector.max_match_len().unwrap_or(usize::MAX);
    let mut text = String::new();
    let mut released = 0;
    let mut found = Vec::new();
    for (i, chunk) in chunks.iter().enumerate() {
        text.push_str(chunk);
        found.clear();
        detector.scan(&text[released..], TextSource::Output, &mut found);
        if found.iter().any(|f| f.score >= min_score) {
            return (true, released);
        }
        let last = i + 1 == chunks.len();
        let mut to = if last {
            text.len()
        } else {
            text.len().saturating_sub(window)
        };
        while !text.is_char_boundary(to) {
            to -= 1;
        }
        released = released.max(to);
    }
    (false, released)
}
