//! `llmops prompt …` over a copy of `tests/fixtures/prompts` (greet 1 and 2 with
//! `production: 1`, `staging: 2`; support-reply 1 with a schema, defaults and tools):
//! reading verbs here, label changes, new versions and comparisons in the submodules.

mod compare;
mod labels;
mod versions;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

pub(super) fn llmops() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_llmops"));
    c.env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("ANTHROPIC_API_KEY")
        .env_remove("VISUAL")
        .env_remove("EDITOR");
    c.current_dir(std::env::temp_dir());
    c
}

/// A temporary copy of the fixture directory: `(tempdir, prompts dir)`.
pub(super) fn fixture() -> (tempfile::TempDir, PathBuf) {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let target = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &target);
            } else {
                std::fs::copy(e.path(), target).unwrap();
            }
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("prompts");
    copy(
        &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prompts"),
        &dir,
    );
    (tmp, dir)
}

/// `llmops prompt ARGS --prompts DIR`.
pub(super) fn prompt(dir: &Path, args: &[&str]) -> Output {
    llmops()
        .arg("prompt")
        .args(args)
        .arg("--prompts")
        .arg(dir)
        .output()
        .unwrap()
}

/// Like [`prompt`] with `--json`, expecting exit 0 and JSON on stdout.
pub(super) fn prompt_json(dir: &Path, args: &[&str]) -> Value {
    let o = llmops()
        .args(["--json", "prompt"])
        .args(args)
        .arg("--prompts")
        .arg(dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    serde_json::from_slice(&o.stdout).unwrap()
}

pub(super) fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub(super) fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub(super) fn ok(o: &Output) -> String {
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    out(o)
}
#[test]
fn list_shows_versions_labels_and_latest() {
    let (_t, dir) = fixture();
    let text = ok(&prompt(&dir, &["list"]));
    assert!(text.contains("greet"), "{text}");
    assert!(text.contains("production: 1, staging: 2"), "{text}");
    let v = prompt_json(&dir, &["list"]);
    let items = v.as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["name"], "greet");
    assert_eq!(items[0]["versions"], serde_json::json!([1, 2]));
    assert_eq!(items[0]["latest"], 2);
    assert_eq!(items[0]["labels"]["production"], 1);
    assert_eq!(items[0]["labels"]["staging"], 2);
    assert_eq!(items[1]["name"], "support-reply");
}

#[test]
fn prompts_dir_comes_from_the_flag_the_config_or_is_a_clear_error() {
    let (t, dir) = fixture();
    let cfg = t.path().join("llmops.toml");
    std::fs::write(
        &cfg,
        format!("prompts = {}\n", serde_json::to_string(&dir).unwrap()),
    )
    .unwrap();
    let o = llmops()
        .args(["--json", "--config"])
        .arg(&cfg)
        .args(["prompt", "list"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 2);

    // no flag, no config, no ./prompts
    let empty = tempfile::tempdir().unwrap();
    let o = llmops()
        .current_dir(empty.path())
        .args(["prompt", "list"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(err(&o).contains("no prompt directory at prompts"), "{o:?}");
}

#[test]
fn show_prints_metadata_parameters_and_templates() {
    let (_t, dir) = fixture();
    let text = ok(&prompt(&dir, &["show", "greet"]));
    assert!(text.starts_with("greet/1  (label production)"), "{text}");
    for want in [
        "sha256:",
        "openai/gpt-4o-mini",
        "ada",
        "first version",
        "2025-01-31T12:00:00Z",
        "{\"temperature\":0.2}",
        "[system]\nYou greet people.",
        "[user]\nHello {{who}}",
    ] {
        assert!(text.contains(want), "{want} missing: {text}");
    }

    let v = prompt_json(&dir, &["show", "greet@staging"]);
    assert_eq!(v["name"], "greet");
    assert_eq!(v["version"], 2);
    assert_eq!(v["label"], "staging");
    assert_eq!(v["author"], "bob");
    assert_eq!(v["reason"], "friendlier");
    assert_eq!(v["config"]["temperature"], 0.7);
    assert!(v["hash"].as_str().unwrap().starts_with("sha256:"));
    assert_eq!(v["messages"][1]["role"], "user");
    assert_eq!(v["messages"][1]["template"], "Hi {{who}}, welcome!");

    let v = prompt_json(&dir, &["show", "support-reply/1"]);
    assert_eq!(v["label"], Value::Null);
    assert_eq!(
        v["input"]["schema"]["question"],
        "string, what the customer asked"
    );
    assert_eq!(v["input"]["schema"]["tone?"], "string");
    assert_eq!(v["input"]["schema"]["customer(object)"]["name"], "string");
    assert_eq!(v["input"]["default"]["tone"], "friendly");
    assert_eq!(v["tools"], serde_json::json!(["lookup_order"]));
    assert_eq!(v["config"]["max_tokens"], 200);

    let o = prompt(&dir, &["show", "greet/9"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("prompt `greet` has no version 9"), "{o:?}");
    let o = prompt(&dir, &["show", "greet@canary"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(err(&o).contains("no label `canary`"), "{o:?}");
}

#[test]
fn render_is_strict_and_names_prompt_version_and_variable() {
    let (t, dir) = fixture();
    let text = ok(&prompt(&dir, &["render", "greet", "--var", "who=Ada"]));
    assert_eq!(text, "[system]\nYou greet people.\n\n[user]\nHello Ada\n");

    let v = prompt_json(&dir, &["render", "greet@staging", "--var", "who=Ada"]);
    assert_eq!(v["version"], 2);
    assert_eq!(v["messages"][1]["role"], "user");
    assert_eq!(v["messages"][1]["text"], "Hi Ada, welcome!");

    // defaults, JSON variables and a variables file (flags override the file)
    let vars = t.path().join("vars.json");
    std::fs::write(
        &vars,
        r#"{"question": "Where is my order?", "customer": {"name": "Bob"}}"#,
    )
    .unwrap();
    let vars = vars.to_str().unwrap();
    let text = ok(&prompt(
        &dir,
        &[
            "render",
            "support-reply",
            "--vars",
            vars,
            "--var-json",
            r#"customer={"name": "Ada"}"#,
        ],
    ));
    assert!(text.contains("in a friendly tone"), "{text}");
    assert!(text.contains("Ada asks: Where is my order?"), "{text}");

    // a missing variable
    let o = prompt(&dir, &["render", "greet"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let e = err(&o);
    assert!(
        e.contains("prompt `greet` version 1: variable `who`"),
        "{e}"
    );
    assert!(out(&o).is_empty(), "nothing rendered: {o:?}");
    // a mistyped one
    let o = prompt(&dir, &["render", "greet/2", "--var-json", "who=3"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        err(&o).contains("prompt `greet` version 2: variable `who`"),
        "{o:?}"
    );
    // an undeclared one
    let o = prompt(&dir, &["render", "greet", "--var", "who=a", "--var", "x=1"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(err(&o).contains("variable `x`"), "{o:?}");
    // malformed flags
    let o = prompt(&dir, &["render", "greet", "--var", "who"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(err(&o).contains("expected NAME=VALUE"), "{o:?}");
    let o = prompt(&dir, &["render", "greet", "--var-json", "who={"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(err(&o).contains("not JSON"), "{o:?}");
}

#[test]
fn diff_shows_template_and_parameter_changes() {
    let (_t, dir) = fixture();
    let text = ok(&prompt(&dir, &["diff", "greet/1", "greet/2"]));
    for want in [
        "--- greet/1 message 2",
        "+++ greet/2 message 2",
        "-Hello {{who}}",
        "+Hi {{who}}, welcome!",
        "--- greet/1 parameters",
        "-    \"temperature\": 0.2",
        "+    \"temperature\": 0.7",
    ] {
        assert!(text.contains(want), "{want} missing: {text}");
    }
    // the unchanged system message is not shown
    assert!(!text.contains("message 1"), "{text}");
    // labels resolve; the same version is identical
    let text = ok(&prompt(&dir, &["diff", "greet@staging", "greet/2"]));
    assert!(text.starts_with("identical"), "{text}");

    let v = prompt_json(&dir, &["diff", "greet@production", "greet@staging"]);
    assert_eq!(v["identical"], false);
    assert_eq!(v["a"]["version"], 1);
    assert_eq!(v["b"]["version"], 2);
    let sections: Vec<&str> = v["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["section"].as_str().unwrap())
        .collect();
    assert_eq!(sections, ["message 2", "parameters"]);
    let v = prompt_json(&dir, &["diff", "greet/1", "greet/1"]);
    assert_eq!(v["identical"], true);

    // a different prompt: every message and the schema differ; extra messages show
    let text = ok(&prompt(&dir, &["diff", "greet/1", "support-reply/1"]));
    let added = |want: &str| text.lines().any(|l| l.starts_with('+') && l.contains(want));
    assert!(added("\"tone?\": \"string\""), "{text}");
    assert!(added("\"lookup_order\""), "{text}");
    assert!(added("{{customer.name}} asks: {{question}}"), "{text}");
}
