//! Arbitrary bytes through the eval dataset loaders (JSONL and YAML): cases with unique,
//! non-empty ids and a source line, or a dataset error naming a line, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use llmops_eval::EvalError;
use llmops_eval::dataset::{jsonl, parse_yaml};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    for result in [jsonl::parse(&text, "fuzz.jsonl"), parse_yaml(&text, "fuzz.yaml")] {
        match result {
            Ok(cases) => {
                let mut ids = std::collections::HashSet::new();
                for c in &cases {
                    assert!(!c.id().is_empty());
                    assert!(ids.insert(c.id().to_owned()), "duplicate id {}", c.id());
                    assert!(c.source.as_ref().is_some_and(|s| s.line >= 1));
                }
            }
            Err(EvalError::Dataset { line, .. }) => assert!(line >= 1, "line 0"),
            Err(e) => panic!("not a dataset error: {e}"),
        }
    }
});
