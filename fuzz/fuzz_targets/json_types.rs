//! Arbitrary JSON into the shared types: a typed error or a value that re-serialises, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use llmops_core::{ChatRequest, ChatResponse, ExchangeRecord, StreamEvent};

fuzz_target!(|data: &[u8]| {
    if let Ok(r) = serde_json::from_slice::<ChatRequest>(data) {
        let _ = r.validate();
        let _ = serde_json::to_vec(&r).unwrap();
    }
    if let Ok(r) = serde_json::from_slice::<ChatResponse>(data) {
        let _ = serde_json::to_vec(&r).unwrap();
    }
    if let Ok(r) = serde_json::from_slice::<StreamEvent>(data) {
        let _ = serde_json::to_vec(&r).unwrap();
    }
    let _ = serde_json::from_slice::<ExchangeRecord>(data);
});
