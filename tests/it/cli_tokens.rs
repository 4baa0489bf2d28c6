//! `llmops tokens count`, offline.

use crate::cli_support::{llmops, with_stdin};

use llmops::{Encoding, Tiktoken, TokenCounter};

#[test]
fn counts_stdin_raw_text_for_bare_model_names() {
    for model in ["gpt-4o", "gpt-4.1-mini", "o3", "openai/gpt-4o"] {
        let out = with_stdin(&["tokens", "count", "--model", model], "hello world");
        assert!(out.status.success(), "{model}: {out:?}");
        // raw text only: no chat overhead
        assert!(out.stderr.is_empty(), "{model}: {out:?}");
        assert_eq!(String::from_utf8(out.stdout).unwrap(), "2\n", "{model}");
    }
}

#[test]
fn several_files_print_each_and_a_total() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.txt");
    let b = dir.path().join("b.rs");
    let text_a = "The quick brown fox jumps over the lazy dog.\n東京都 🦀\n";
    let text_b = "fn main() {\n    println!(\"hi\");\n}\n";
    std::fs::write(&a, text_a).unwrap();
    std::fs::write(&b, text_b).unwrap();
    let cl = Tiktoken::new(Encoding::Cl100kBase);
    let (na, nb) = (cl.count(text_a), cl.count(text_b));

    let out = llmops()
        .args(["tokens", "count", "-m", "gpt-4"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    let expected = format!(
        "{na}\t{}\n{nb}\t{}\n{}\ttotal\n",
        a.display(),
        b.display(),
        na + nb
    );
    assert_eq!(stdout, expected);

    let out = llmops()
        .args(["--json", "tokens", "count", "--model", "gpt-4"])
        .arg(&a)
        .arg(&b)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["encoding"], "cl100k_base");
    assert_eq!(v["source"], "counted");
    assert_eq!(v["files"][0]["tokens"], na as u64);
    assert_eq!(v["files"][1]["path"], b.display().to_string());
    assert_eq!(v["total"], (na + nb) as u64);
}

#[test]
fn another_family_says_which_approximation() {
    let out = with_stdin(
        &["tokens", "count", "--model", "claude-sonnet-4-5"],
        "hello world",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(String::from_utf8(out.stdout).unwrap(), "2\n");
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("o200k_base") && err.contains("approximation"),
        "{err}"
    );
    let out = with_stdin(
        &["--json", "tokens", "count", "--model", "mistral/large"],
        "hello",
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["source"], "estimated");
    assert_eq!(v["files"][0]["path"], "-");
}

#[test]
fn bad_input_exits_one() {
    let out = llmops()
        .args([
            "tokens",
            "count",
            "--model",
            "gpt-4o",
            "/nonexistent/file.txt",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/file.txt"));
    let dir = tempfile::tempdir().unwrap();
    let bin = dir.path().join("bin.dat");
    std::fs::write(&bin, [0xff, 0xfe, 0x00]).unwrap();
    let out = llmops()
        .args(["tokens", "count", "--model", "gpt-4o"])
        .arg(&bin)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not UTF-8"));
    let out = llmops().args(["tokens", "count"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1)); // --model is required
}
