//! `new` and `edit`: the next immutable version, never an edit in place.

use std::path::{Path, PathBuf};
use std::process::Output;

use super::labels::production;
use super::{err, fixture, llmops, ok, prompt, prompt_json};

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
