//! `llmops prompt …` over a copy of `tests/fixtures/prompts` (greet 1 and 2 with
//! `production: 1`, `staging: 2`; support-reply 1 with a schema, defaults and tools).

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::Duration;

use serde_json::Value;

fn llmops() -> Command {
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
fn fixture() -> (tempfile::TempDir, PathBuf) {
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
fn prompt(dir: &Path, args: &[&str]) -> Output {
    llmops()
        .arg("prompt")
        .args(args)
        .arg("--prompts")
        .arg(dir)
        .output()
        .unwrap()
}

/// Like [`prompt`] with `--json`, expecting exit 0 and JSON on stdout.
fn prompt_json(dir: &Path, args: &[&str]) -> Value {
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

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn ok(o: &Output) -> String {
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

fn record(dir: &Path, name: &str, target: &str, score: f64) -> PathBuf {
    let rec = llmops::EvalRecord::new(
        "greetings",
        target,
        score,
        score,
        10,
        Duration::from_secs(2),
    );
    let path = dir.join(name);
    std::fs::write(&path, serde_json::to_string_pretty(&rec).unwrap()).unwrap();
    path
}

fn production(dir: &Path) -> u64 {
    prompt_json(dir, &["show", "greet"])["version"]
        .as_u64()
        .unwrap()
}

#[test]
fn promote_is_gated_by_an_eval_record() {
    let (t, dir) = fixture();
    let low = record(t.path(), "low.json", "greet/2", 0.5);
    let other = record(t.path(), "other.json", "greet/1", 0.95);
    let good = record(t.path(), "good.json", "greet/2", 0.9);
    let gated = |rec: &Path| {
        prompt(
            &dir,
            &[
                "promote",
                "greet",
                "2",
                "--who",
                "ada",
                "--why",
                "eval passed",
                "--record",
                rec.to_str().unwrap(),
                "--min-score",
                "0.8",
            ],
        )
    };
    let o = gated(&low);
    assert_eq!(o.status.code(), Some(100), "{o:?}");
    assert!(err(&o).contains("refused"), "{o:?}");
    assert!(err(&o).contains("scored 0.5 (minimum 0.8)"), "{o:?}");
    let o = gated(&other);
    assert_eq!(o.status.code(), Some(100), "{o:?}");
    assert!(err(&o).contains("targets `greet/1`"), "{o:?}");
    // --min-score without a record: refused
    let o = prompt(
        &dir,
        &[
            "promote",
            "greet",
            "2",
            "--who",
            "a",
            "--why",
            "b",
            "--min-score",
            "0.8",
        ],
    );
    assert_eq!(o.status.code(), Some(100), "{o:?}");
    assert!(err(&o).contains("no eval record"), "{o:?}");
    // nothing moved, nothing recorded
    assert_eq!(production(&dir), 1);
    assert_eq!(
        prompt_json(&dir, &["history", "greet"]),
        serde_json::json!([])
    );
    // a malformed record is a tool error
    let bad = t.path().join("bad.json");
    std::fs::write(&bad, "{}").unwrap();
    let o = gated(&bad);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(err(&o).contains("not an eval record"), "{o:?}");

    let o = gated(&good);
    assert_eq!(
        ok(&o),
        "greet@production: 1 -> 2 (promote by ada: eval passed)\n"
    );
    assert_eq!(production(&dir), 2);
    let h = prompt_json(&dir, &["history", "greet"]);
    assert_eq!(h[0]["action"], "promote");
    assert_eq!(h[0]["who"], "ada");
}

#[test]
fn who_defaults_to_user_and_is_required() {
    let (_t, dir) = fixture();
    let o = llmops()
        .env_remove("USER")
        .args(["prompt", "promote", "greet", "2", "--why", "x", "--prompts"])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(err(&o).contains("--who is required"), "{o:?}");
    let o = llmops()
        .env("USER", "carol")
        .args([
            "--json",
            "prompt",
            "promote",
            "greet",
            "2",
            "--why",
            "x",
            "--prompts",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["who"], "carol");
    assert_eq!((v["from"].as_u64(), v["to"].as_u64()), (Some(1), Some(2)));
}

#[test]
fn history_after_promote_and_rollback_after_rollback() {
    let (_t, dir) = fixture();
    // a third version to walk back through
    ok(&prompt(
        &dir,
        &["new", "greet", "--who", "ada", "--why", "v3"],
    ));
    let by = ["--who", "ada", "--why", "ship it"];
    ok(&prompt(
        &dir,
        &[&["promote", "greet", "2"][..], &by].concat(),
    ));
    ok(&prompt(
        &dir,
        &[&["promote", "greet", "3"][..], &by].concat(),
    ));
    assert_eq!(production(&dir), 3);
    let back = ["rollback", "greet", "--who", "bob", "--why", "complaints"];
    assert_eq!(
        ok(&prompt(&dir, &back)),
        "greet@production: 3 -> 2 (rollback by bob: complaints)\n"
    );
    assert_eq!(production(&dir), 2);
    ok(&prompt(&dir, &back));
    assert_eq!(production(&dir), 1);
    let o = prompt(&dir, &back);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        err(&o).contains("prompt `greet` label `production`: nothing to roll back to"),
        "{o:?}"
    );
    assert_eq!(production(&dir), 1);

    let h = prompt_json(&dir, &["history", "greet"]);
    let moves: Vec<(String, String, Value, Value)> = h
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["action"].as_str().unwrap().to_owned(),
                r["who"].as_str().unwrap().to_owned(),
                r["from"].clone(),
                r["to"].clone(),
            )
        })
        .collect();
    let m = |a: &str, w: &str, f: u64, t: u64| (a.to_owned(), w.to_owned(), f.into(), t.into());
    assert_eq!(
        moves,
        [
            m("promote", "ada", 1, 2),
            m("promote", "ada", 2, 3),
            m("rollback", "bob", 3, 2),
            m("rollback", "bob", 2, 1),
        ]
    );
    let text = ok(&prompt(&dir, &["history", "greet"]));
    assert!(
        text.contains("promote   production  1 -> 2  ship it"),
        "{text}"
    );
    assert!(
        text.contains("rollback  production  3 -> 2  complaints"),
        "{text}"
    );
    // --label filters; another label has its own (empty) history
    assert_eq!(
        prompt_json(&dir, &["history", "greet", "--label", "staging"]),
        serde_json::json!([])
    );
    let o = prompt(
        &dir,
        &[
            "rollback", "greet", "--label", "staging", "--who", "a", "--why", "b",
        ],
    );
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let o = prompt(&dir, &["history", "nope"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(err(&o).contains("unknown prompt `nope`"), "{o:?}");
}

fn snapshot(dir: &Path, name: &str) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join(name))
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().into_string().unwrap(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    files.sort();
    files
}

#[test]
fn new_creates_the_next_version_and_never_touches_existing_ones() {
    let (_t, dir) = fixture();
    let before = snapshot(&dir, "greet");
    let v = prompt_json(
        &dir,
        &[
            "new",
            "greet",
            "--who",
            "ada",
            "--why",
            "a \"shorter\" greeting",
        ],
    );
    assert_eq!(v["version"], 3);
    assert_eq!(v["from"], "greet/2");
    assert!(dir.join("greet/3.prompt").is_file());
    let after = snapshot(&dir, "greet");
    assert_eq!(after.len(), before.len() + 1);
    for f in &before {
        assert!(after.contains(f), "{} changed", f.0);
    }
    let s = prompt_json(&dir, &["show", "greet/3"]);
    assert_eq!(s["author"], "ada");
    assert_eq!(s["reason"], "a \"shorter\" greeting");
    assert_eq!(s["created"], v["created"]);
    assert!(s["created"].as_str().unwrap().starts_with("20"), "{s}");
    assert_eq!(s["messages"][1]["template"], "Hi {{who}}, welcome!");
    assert_eq!(s["config"]["temperature"], 0.7);
    // the lock records it; labels did not move
    let lock = std::fs::read_to_string(dir.join(".llmops/versions.lock")).unwrap();
    assert!(lock.contains("greet/3 sha256:"), "{lock}");
    assert_eq!(production(&dir), 1);

    // --from an older version
    let text = ok(&prompt(
        &dir,
        &[
            "new",
            "greet",
            "--from",
            "greet@production",
            "--who",
            "bob",
            "--why",
            "back",
        ],
    ));
    assert!(text.starts_with("created greet/4"), "{text}");
    assert!(text.contains("from greet/1"), "{text}");
    let s = prompt_json(&dir, &["show", "greet/4"]);
    assert_eq!(s["messages"][1]["template"], "Hello {{who}}");
    assert_eq!(s["version"], 4);

    // a new prompt starts from a minimal template that loads and renders
    let v = prompt_json(&dir, &["new", "welcome", "--who", "ada", "--why", "start"]);
    assert_eq!(v["version"], 1);
    let text = ok(&prompt(
        &dir,
        &["render", "welcome@latest", "--var", "question=hi"],
    ));
    assert!(text.ends_with("[user]\nhi\n"), "{text}");
    let s = prompt_json(&dir, &["show", "welcome/1"]);
    assert_eq!(s["author"], "ada");

    // a bad name
    let o = prompt(&dir, &["new", "a@b", "--who", "a", "--why", "b"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
}

#[test]
fn render_of_an_unlabelled_new_prompt_needs_a_label() {
    let (_t, dir) = fixture();
    ok(&prompt(
        &dir,
        &["new", "welcome", "--who", "a", "--why", "b"],
    ));
    let o = prompt(&dir, &["render", "welcome", "--var", "question=hi"]);
    // `welcome` means `welcome@production`, which is not set
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(err(&o).contains("no label `production`"), "{o:?}");
}

#[test]
fn new_in_a_directory_that_does_not_load_writes_nothing() {
    let (_t, dir) = fixture();
    std::fs::create_dir_all(dir.join("broken")).unwrap();
    std::fs::write(dir.join("broken/1.prompt"), "---\nunknown_key: 1\n---\nhi").unwrap();
    let before = snapshot(&dir, "greet");
    let o = prompt(&dir, &["new", "greet", "--who", "a", "--why", "b"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(err(&o).contains("unknown front-matter key"), "{o:?}");
    assert_eq!(snapshot(&dir, "greet"), before);
    let o = prompt(&dir, &["new", "fresh", "--who", "a", "--why", "b"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(!dir.join("fresh").exists());
}

/// An editor script in `dir` running `body` on its file (`$1`).
fn editor(dir: &Path, name: &str, body: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, format!("#!/bin/sh\n{body}\n")).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    }
    path
}

fn edit(dir: &Path, editor: &Path) -> Output {
    llmops()
        .env("EDITOR", editor)
        .args([
            "prompt",
            "edit",
            "greet",
            "--who",
            "ada",
            "--why",
            "shorter",
            "--prompts",
        ])
        .arg(dir)
        .output()
        .unwrap()
}

#[test]
fn edit_writes_the_edited_text_as_the_next_version() {
    let (t, dir) = fixture();
    let before = snapshot(&dir, "greet");
    let ed = editor(
        t.path(),
        "ed.sh",
        r#"sed -i 's/welcome/good to see you/' "$1""#,
    );
    let text = ok(&edit(&dir, &ed));
    assert!(text.starts_with("created greet/3"), "{text}");
    assert!(text.contains("from greet/2"), "{text}");
    let s = prompt_json(&dir, &["show", "greet/3"]);
    assert_eq!(s["messages"][1]["template"], "Hi {{who}}, good to see you!");
    assert_eq!(s["author"], "ada");
    assert_eq!(s["reason"], "shorter");
    let after = snapshot(&dir, "greet");
    for f in &before {
        assert!(after.contains(f), "{} changed", f.0);
    }

    // the `sh -c '…' "$0"` form of $EDITOR works too (VISUAL wins over EDITOR)
    let o = llmops()
        .env("VISUAL", r#"sh -c 'sed -i s/Hi/Hey/ "$0"'"#)
        .env("EDITOR", "false")
        .args([
            "prompt",
            "edit",
            "greet",
            "--who",
            "bob",
            "--why",
            "hey",
            "--prompts",
        ])
        .arg(&dir)
        .output()
        .unwrap();
    assert!(ok(&o).starts_with("created greet/4"), "{o:?}");
    let s = prompt_json(&dir, &["show", "greet/4"]);
    assert_eq!(
        s["messages"][1]["template"],
        "Hey {{who}}, good to see you!"
    );
}

#[test]
fn edit_without_a_change_or_with_a_broken_result_writes_nothing() {
    let (t, dir) = fixture();
    let before = snapshot(&dir, "greet");
    // unchanged text
    let o = edit(&dir, &editor(t.path(), "same.sh", "true"));
    assert!(ok(&o).contains("no change"), "{o:?}");
    assert_eq!(snapshot(&dir, "greet"), before);
    // a parse error
    let broken = editor(
        t.path(),
        "broken.sh",
        r#"printf '{{role "robot"}}\nbeep\n' >> "$1""#,
    );
    let o = edit(&dir, &broken);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(err(&o).contains("unknown role `robot`"), "{o:?}");
    assert_eq!(snapshot(&dir, "greet"), before);
    // a failing editor
    let o = edit(&dir, &editor(t.path(), "fail.sh", "exit 3"));
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(err(&o).contains("failed"), "{o:?}");
    assert_eq!(snapshot(&dir, "greet"), before);
    // no editor at all
    let o = prompt(&dir, &["edit", "greet", "--who", "a", "--why", "b"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(err(&o).contains("$EDITOR"), "{o:?}");
    assert_eq!(snapshot(&dir, "greet"), before);
}

#[test]
fn canary_splits_a_label_and_list_and_show_display_it() {
    let (_t, dir) = fixture();
    let by = ["--who", "ada", "--why", "try v2"];
    let text = ok(&prompt(
        &dir,
        &[&["canary", "greet", "2", "--weight", "5"][..], &by].concat(),
    ));
    assert_eq!(
        text,
        "greet@production: 1 -> 1 (95%) / 2 (5%) (canary by ada: try v2)\n"
    );
    let text = ok(&prompt(&dir, &["list"]));
    assert!(text.contains("production: 1 (95%) / 2 (5%)"), "{text}");
    let text = ok(&prompt(&dir, &["show", "greet@production"]));
    assert!(
        text.starts_with("greet/1  (label production: 1 (95%) / 2 (5%))"),
        "{text}"
    );
    let v = prompt_json(&dir, &["show", "greet"]);
    assert_eq!(v["version"], 1, "no caller key: the stable arm");
    assert_eq!(
        v["label_target"],
        serde_json::json!({"split": {"1": 95, "2": 5}})
    );
    let v = prompt_json(&dir, &["list"]);
    assert_eq!(
        v[0]["labels"]["production"],
        serde_json::json!({"split": {"1": 95, "2": 5}})
    );
    let h = prompt_json(&dir, &["history", "greet"]);
    assert_eq!(h[0]["action"], "canary");

    // a bad weight
    let o = prompt(
        &dir,
        &[&["canary", "greet", "2", "--weight", "0"][..], &by].concat(),
    );
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(err(&o).contains("1..=99"), "{o:?}");

    // rollback ends it
    let text = ok(&prompt(
        &dir,
        &["rollback", "greet", "--who", "bob", "--why", "worse"],
    ));
    assert_eq!(
        text,
        "greet@production: 1 (95%) / 2 (5%) -> 1 (rollback by bob: worse)\n"
    );
    let v = prompt_json(&dir, &["show", "greet"]);
    assert_eq!(v["label_target"], 1);
}

#[test]
fn min_score_alone_gates_on_the_record_filed_for_the_version() {
    let (_t, dir) = fixture();
    let rec = llmops::EvalRecord::new("greetings", "greet/2", 0.9, 0.9, 10, Duration::from_secs(1));
    std::fs::create_dir_all(dir.join(".llmops")).unwrap();
    std::fs::write(
        dir.join(".llmops/evals.jsonl"),
        format!(
            "{}\n",
            serde_json::json!({"prompt": "greet", "version": 2, "record": rec})
        ),
    )
    .unwrap();
    let gate = |min: &str| {
        prompt(
            &dir,
            &[
                "promote",
                "greet",
                "2",
                "--who",
                "a",
                "--why",
                "b",
                "--min-score",
                min,
            ],
        )
    };
    let o = gate("0.95");
    assert_eq!(o.status.code(), Some(100), "{o:?}");
    assert!(err(&o).contains("scored 0.9 (minimum 0.95)"), "{o:?}");
    ok(&gate("0.85"));
    assert_eq!(production(&dir), 2);
}

fn completion(content: &str) -> Value {
    serde_json::json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1741569952, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_runs_the_suite_on_both_versions_and_gates_b_against_a() {
    use wiremock::matchers::{body_partial_json, body_string_contains, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    // greet/1 ("Hello {{who}}", temperature 0.2) gets a plain hello: both cases fail;
    // greet/2 ("Hi {{who}}, welcome!", temperature 0.7) a welcome: both pass
    for who in ["Ada", "Bob"] {
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .and(body_partial_json(
                serde_json::json!({"model": "gpt-4o-mini", "temperature": 0.2}),
            ))
            .and(body_string_contains(format!("Hello {who}")))
            .respond_with(
                ResponseTemplate::new(200).set_body_json(completion(&format!("Hello {who}."))),
            )
            .mount(&server)
            .await;
        Mock::given(method("POST"))
            .and(path("/v1/chat/completions"))
            .and(body_partial_json(
                serde_json::json!({"model": "gpt-4o-mini", "temperature": 0.7}),
            ))
            .and(body_string_contains(format!("Hi {who}, welcome!")))
            .respond_with(
                ResponseTemplate::new(200)
                    .set_body_json(completion(&format!("Welcome, {who}! Good to see you."))),
            )
            .mount(&server)
            .await;
    }
    let (t, dir) = fixture();
    let config = t.path().join("llmops.toml");
    std::fs::write(
        &config,
        format!(
            "prompts = {}\n[providers.openai]\nkind = \"openai\"\nbase_url = \"{}/v1\"\n",
            serde_json::to_string(&dir).unwrap(),
            server.uri()
        ),
    )
    .unwrap();
    let suite = dir.join("greet-suite.yaml");
    let out = t.path().join("out");
    let compare = |args: &[&str]| {
        let mut c = llmops();
        c.arg("--config")
            .arg(&config)
            .args(["prompt", "compare"])
            .args(args)
            .arg("--suite")
            .arg(&suite)
            .arg("--no-progress");
        tokio::process::Command::from(c).output()
    };

    // B better than A: the gate passes
    let o = compare(&[
        "greet@production",
        "greet@staging",
        "--out",
        out.to_str().unwrap(),
    ])
    .await
    .unwrap();
    let text = ok(&o);
    assert!(
        text.contains("suite greetings · A greet/1 · B greet/2"),
        "{text}"
    );
    let line = |start: &str| {
        text.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_default()
            .to_owned()
    };
    assert!(
        line("ada ").contains("FAIL    0.000  pass    1.000"),
        "{text}"
    );
    assert!(
        line("bob ").contains("FAIL    0.500  pass    1.000"),
        "{text}"
    );
    let rates = line("pass rate");
    assert!(rates.contains("0.0%") && rates.contains("100.0%"), "{text}");
    let scores = line("score ");
    assert!(
        scores.contains("0.250 [") && scores.contains("1.000 [1.000, 1.000]"),
        "{text}"
    );
    assert!(text.contains("gate passed"), "{text}");
    assert!(out.join("greet-1/report.json").is_file());
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("greet-2/report.json")).unwrap())
            .unwrap();
    assert_eq!(report["target"], "greet/2");
    assert_eq!(
        report["cases"][0]["trials"][0]["output"]["text"],
        "Welcome, Ada! Good to see you."
    );

    // B worse than A under a policy limiting the drop: exit 100, with --json
    let policy = t.path().join("gate.yaml");
    std::fs::write(
        &policy,
        "max_drop:\n  score: 0.02\nrequire_significance: false\n",
    )
    .unwrap();
    let o = compare(&["greet/2", "greet/1", "--policy", policy.to_str().unwrap()])
        .await
        .unwrap();
    assert_eq!(o.status.code(), Some(100), "{o:?}");
    assert!(prints_the_table_and_a_failed_gate(&o));
    let mut c = llmops();
    c.arg("--json")
        .arg("--config")
        .arg(&config)
        .args(["prompt", "compare", "greet/2", "greet/1", "--policy"])
        .arg(&policy)
        .arg("--suite")
        .arg(&suite);
    let o = tokio::process::Command::from(c).output().await.unwrap();
    assert_eq!(o.status.code(), Some(100), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["passed"], false);
    assert_eq!(v["a"]["target"], "greet/2");
    assert_eq!(v["b"]["target"], "greet/1");
    assert_eq!(v["a"]["totals"]["pass_rate"], 1.0);
    assert_eq!(v["b"]["totals"]["pass_rate"], 0.0);
    assert_eq!(v["cases"][1]["id"], "bob");
    assert_eq!(v["cases"][1]["a"]["status"], "pass");
    assert_eq!(v["cases"][1]["b"]["status"], "fail");
    let failed: Vec<&str> = v["gate"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["status"] == "fail")
        .map(|c| c["name"].as_str().unwrap())
        .collect();
    assert!(failed.iter().any(|n| n.contains("score")), "{v}");

    // a version that does not render for a case errors that case, naming the variable
    let bad = t.path().join("bad-suite.yaml");
    std::fs::write(
        &bad,
        "name: greetings\ntests:\n  - id: nobody\n    vars: {name: Ada}\n    assert:\n      - type: icontains\n        value: welcome\n",
    )
    .unwrap();
    let mut c = llmops();
    c.args(["--json", "--config"])
        .arg(&config)
        .args(["prompt", "compare", "greet/1", "greet/2", "--suite"])
        .arg(&bad);
    let o = tokio::process::Command::from(c).output().await.unwrap();
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["cases"][0]["a"]["status"], "error", "{v}");
    let reason = v["cases"][0]["a"]["reason"].as_str().unwrap();
    assert!(reason.contains("variable"), "{reason}");
}

fn prints_the_table_and_a_failed_gate(o: &Output) -> bool {
    let text = out(o);
    text.contains("gate: B against A") && text.contains("gate FAILED")
}
