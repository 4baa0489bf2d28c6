//! Arbitrary bytes through the JSONL parser: documents with unique non-empty ids, or a load
//! error naming the line, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use llmops_rag::RagError;
use llmops_rag::load::{LoadOptions, parse_jsonl};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    match parse_jsonl(&text, "fuzz", &LoadOptions::new()) {
        Ok(docs) => {
            let mut ids = std::collections::HashSet::new();
            for d in &docs {
                assert!(!d.id.is_empty());
                assert!(ids.insert(d.id.clone()), "duplicate id {}", d.id);
                assert!(d.source.as_ref().and_then(|s| s.line).is_some());
            }
        }
        Err(RagError::Load { source_name, .. }) => assert!(source_name.starts_with("fuzz:")),
        Err(e) => panic!("not a load error: {e}"),
    }
});
