//! `llmops rag eval`, offline, on the BEIR-layout fixture of llmops-rag and the help centre.

use std::path::PathBuf;
use std::process::Command;

fn llmops() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_llmops"));
    c.env_remove("ORT_DYLIB_PATH")
        .env_remove("LLMOPS_EMBED_ONNX");
    c.current_dir(std::env::temp_dir());
    c
}

fn fixture(rel: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(rel)
        .display()
        .to_string()
}

#[test]
fn rag_eval_json_is_one_object_of_retrievers_and_skipped() {
    let out = llmops()
        .args(["--json", "rag", "eval", "--beir"])
        .arg(fixture("llmops-rag/tests/data/beir-mini"))
        .args(["--retrievers", "bm25,dense"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let bm25 = v["bm25"].as_object().unwrap();
    for m in ["map", "ndcg@10", "recall@100", "mrr@10", "p@10"] {
        let x = bm25[m].as_f64().unwrap();
        assert!((0.0..=1.0).contains(&x), "{m} = {x}");
    }
    assert!(bm25["ndcg@10"].as_f64().unwrap() > 0.3);
    // without a model the dense retriever is skipped with a reason, bm25 still reports
    assert!(v.get("dense").is_none());
    assert!(!v["skipped"]["dense"].as_str().unwrap().is_empty());
}

#[test]
fn rag_eval_table_chunkers_scopes_and_thresholds() {
    let out = llmops()
        .args(["rag", "eval", "--beir"])
        .arg(fixture("examples/data/helpcentre"))
        .args([
            "--retrievers",
            "bm25",
            "--chunker",
            "markdown:1200",
            "--role",
            "support-agent",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let table = String::from_utf8(out.stdout).unwrap();
    assert!(
        table.contains("ndcg@10") && table.contains("bm25"),
        "{table}"
    );
    assert!(table.contains("by markdown-chars-1200-0"), "{table}");
    let failing = llmops()
        .args([
            "rag",
            "eval",
            "--retrievers",
            "bm25",
            "--min",
            "ndcg@10=1.01",
            "--beir",
        ])
        .arg(fixture("examples/data/helpcentre"))
        .output()
        .unwrap();
    assert_eq!(failing.status.code(), Some(100), "{failing:?}");
    for bad in [
        vec!["rag", "eval", "--beir", "/nonexistent-beir"],
        vec!["rag", "eval", "--beir", ".", "--retrievers", "magic"],
        vec!["rag", "eval", "--beir", ".", "--metrics", "ndcg"],
        vec!["rag", "eval", "--beir", ".", "--chunker", "tokens:0"],
        vec!["rag", "eval", "--beir", ".", "--min", "ndcg@10"],
    ] {
        let out = llmops().args(&bad).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{bad:?}: {out:?}");
        assert!(out.stdout.is_empty(), "errors go to stderr: {bad:?}");
    }
}
