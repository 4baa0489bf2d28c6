//! `promote` (gated by an eval record), `rollback`, `canary`, `history`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

use super::{err, fixture, llmops, ok, prompt, prompt_json};

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

pub(super) fn production(dir: &Path) -> u64 {
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

#[test]
fn label_changes_go_to_the_audit_trail_when_one_is_given() {
    let (t, dir) = fixture();
    let audit = t.path().join("audit.jsonl");
    let a = audit.to_str().unwrap();
    for args in [
        vec![
            "promote", "greet", "2", "--who", "ada", "--why", "v2", "--audit", a,
        ],
        vec![
            "rollback", "greet", "--who", "bob", "--why", "no", "--audit", a,
        ],
        vec![
            "canary", "greet", "2", "--weight", "5", "--who", "ada", "--why", "try", "--audit", a,
        ],
    ] {
        ok(&prompt(&dir, &args));
    }
    let kinds: Vec<(String, String, String)> = std::fs::read_to_string(&audit)
        .unwrap()
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            let ev = &v["event"];
            (
                ev["kind"].as_str().unwrap().to_owned(),
                ev["actor"].as_str().unwrap().to_owned(),
                ev["subject"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let s = |x: &str| x.to_owned();
    assert_eq!(
        kinds,
        [
            (s("prompt.promote"), s("ada"), s("greet@production")),
            (s("prompt.rollback"), s("bob"), s("greet@production")),
            (s("prompt.canary"), s("ada"), s("greet@production")),
        ]
    );
    // the chain verifies with `llmops audit verify`
    let o = llmops()
        .args(["audit", "verify", "--audit", a])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    // a refused promotion writes nothing to the trail
    let o = prompt(
        &dir,
        &[
            "promote",
            "greet",
            "1",
            "--who",
            "a",
            "--why",
            "b",
            "--min-score",
            "0.9",
            "--audit",
            a,
        ],
    );
    assert_eq!(o.status.code(), Some(100), "{o:?}");
    assert_eq!(std::fs::read_to_string(&audit).unwrap().lines().count(), 3);
}
