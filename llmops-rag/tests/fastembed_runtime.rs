//! Loading ONNX Runtime: a wrong library is a typed error naming the path and how to
//! install one, never `ort`'s panic, and a failed load leaves the process free to load the
//! right library afterwards.
//!
//! A process loads ONNX Runtime once, and test threads run in any order, so this binary holds
//! one test that goes through the cases in a fixed order: the failures first (they need no
//! runtime), then, when `.ci/run` provides the real library, a successful load, then a
//! different library (refused: one runtime per process).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, missing_docs)]

use std::path::Path;

use llmops_rag::{LocalEmbedder, ModelFiles, RagError, RuntimeOptions};

/// A well-formed tokenizer directory and a placeholder `model.onnx`: enough to get past the
/// file checks to the runtime.
fn fake_model_dir(dir: &Path) {
    let files = [
        (
            "tokenizer.json",
            r#"{"version":"1.0","truncation":null,"padding":null,"added_tokens":[],
               "normalizer":null,"pre_tokenizer":{"type":"Whitespace"},"post_processor":null,
               "decoder":null,"model":{"type":"WordLevel","vocab":{"[PAD]":0,"[UNK]":1},
               "unk_token":"[UNK]"}}"#,
        ),
        ("config.json", r#"{"max_position_embeddings": 512}"#),
        ("special_tokens_map.json", r#"{"pad_token": "[PAD]"}"#),
        (
            "tokenizer_config.json",
            r#"{"model_max_length": 512, "pad_token": "[PAD]"}"#,
        ),
        ("model.onnx", "\u{8}\u{7}placeholder"),
    ];
    for (name, body) in files {
        std::fs::write(dir.join(name), body).unwrap();
    }
}

fn runtime_error(files: &ModelFiles, dylib: &Path) -> String {
    match LocalEmbedder::from_files(files.clone(), RuntimeOptions::new(dylib)) {
        Err(e @ RagError::Runtime { .. }) => e.to_string(),
        Err(other) => panic!("expected a Runtime error for {dylib:?}, got {other:?}"),
        Ok(_) => panic!("expected a Runtime error for {dylib:?}, got an embedder"),
    }
}

#[test]
fn backend_runtime_loading_in_order() {
    let dir = tempfile::tempdir().unwrap();
    fake_model_dir(dir.path());
    let fake = ModelFiles::in_dir(dir.path());

    // 1. No such file.
    let missing = dir.path().join("lib/libonnxruntime.so.1.31.1");
    let msg = runtime_error(&fake, &missing);
    assert!(msg.contains(&missing.display().to_string()), "{msg}");
    assert!(msg.contains("pip install onnxruntime==1.31.1"), "{msg}");
    assert!(msg.contains("capi/libonnxruntime.so.1.31.1"), "{msg}");

    // 2. A directory.
    let msg = runtime_error(&fake, dir.path());
    assert!(msg.contains("not a file"), "{msg}");

    // 3. A file that is not a shared library (dlopen fails).
    let not_lib = dir.path().join("libonnxruntime.so");
    std::fs::write(&not_lib, "definitely not ELF").unwrap();
    let msg = runtime_error(&fake, &not_lib);
    assert!(msg.contains("cannot load it"), "{msg}");
    assert!(msg.contains("libonnxruntime.so"), "{msg}");

    // 4. A real shared library that is not ONNX Runtime (no OrtGetApiBase), when one is at
    //    hand.
    if let Some(libm) = [
        "/lib/x86_64-linux-gnu/libm.so.6",
        "/usr/lib/x86_64-linux-gnu/libm.so.6",
    ]
    .iter()
    .map(Path::new)
    .find(|p| p.exists())
    {
        let msg = runtime_error(&fake, libm);
        assert!(msg.contains("not an ONNX Runtime library"), "{msg}");
    }

    // 5. The real library loads after all these failures (they left nothing behind) ...
    let Some(dylib) = llmops_core::testing::backend("LLMOPS_TEST_ORT_DYLIB", "ONNX Runtime") else {
        return;
    };
    // ... and the placeholder model is then refused by ONNX Runtime itself, as a Model error.
    match LocalEmbedder::from_files(fake.clone(), RuntimeOptions::new(&dylib)) {
        Err(RagError::Model { path, message, .. }) => {
            assert_eq!(path, fake.onnx);
            assert!(message.contains("ONNX Runtime could not load"), "{message}");
        }
        other => panic!("expected a Model error for the placeholder model, got {other:?}"),
    }

    // 6. Once loaded, another library is refused (a process holds one ONNX Runtime).
    let msg = runtime_error(&fake, &not_lib);
    assert!(msg.contains("already loaded ONNX Runtime from"), "{msg}");
    assert!(msg.contains(&dylib), "{msg}");
}
