//! Arbitrary text through `llmops_guard::normalize` and the injection detector: offsets that
//! map inside the original on char boundaries, an idempotent normal form, hidden payloads
//! inside the text, signals inside the text, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use llmops_core::{Role, TextSource};
use llmops_guard::injection::InjectionDetector;
use llmops_guard::normalize::normalize;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let n = normalize(&text);
    let len = n.text().len();
    for at in (0..=len).step_by(1 + len / 64) {
        let r = n.original_range(at..len);
        assert!(r.start <= r.end && r.end <= text.len());
        assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
    }
    for h in n.hidden() {
        assert!(h.start <= h.end && h.end <= text.len());
    }
    assert_eq!(normalize(n.text()).text(), n.text());
    for source in [TextSource::Message(Role::User), TextSource::Retrieved] {
        let report = InjectionDetector::new().analyze(&text, source);
        assert!((0.0..=1.0).contains(&report.score));
        for s in &report.signals {
            assert!(s.start <= s.end && s.end <= text.len());
            assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
        }
    }
});
