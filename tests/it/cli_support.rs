//! Running the `llmops` binary from the CLI tests.

use std::io::Write;
use std::process::{Command, Output, Stdio};

/// The binary, run from the temporary directory (no `llmops.toml` there).
pub(crate) fn llmops() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_llmops"));
    c.current_dir(std::env::temp_dir());
    c
}

/// Runs `llmops ARGS` with `input` on its standard input.
pub(crate) fn with_stdin(args: &[&str], input: &str) -> Output {
    let mut child = llmops()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}
