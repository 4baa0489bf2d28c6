//! `compare A B --suite S` against an OpenAI-compatible mock server configured in llmops.toml.

use std::process::Output;

use serde_json::Value;

use super::{fixture, llmops, ok, out};

fn completion(content: &str) -> Value {
    serde_json::json!({
        "id": "chatcmpl-1", "object": "chat.completion", "created": 1741569952, "model": "gpt-4o-mini",
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 20, "completion_tokens": 5, "total_tokens": 25}
    })
}

/// An OpenAI-compatible mock answering each greet version's rendered text.
async fn greet_server() -> wiremock::MockServer {
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
    server
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn compare_runs_the_suite_on_both_versions_and_gates_b_against_a() {
    let server = greet_server().await;
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

/// The CI flow of a prompt change: `eval run --prompt` names the run `name/version`,
/// `eval gate --record` writes its eval record, `prompt promote --record` accepts it.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn eval_run_on_a_registry_prompt_feeds_a_gated_promotion() {
    let server = greet_server().await;
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
    let run = |args: Vec<String>| {
        let mut c = llmops();
        c.arg("--config").arg(&config).args(args);
        tokio::process::Command::from(c).output()
    };
    let out = t.path().join("run");
    let s = |x: &std::path::Path| x.to_str().unwrap().to_owned();
    let o = run(vec![
        "eval".into(),
        "run".into(),
        s(&dir.join("greet-suite.yaml")),
        "--prompt".into(),
        "greet@staging".into(),
        "--out".into(),
        s(&out),
        "--no-cache".into(),
        "--no-progress".into(),
    ])
    .await
    .unwrap();
    ok(&o);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["target"], "greet/2");
    let rec = t.path().join("rec.json");
    let o = run(vec![
        "eval".into(),
        "gate".into(),
        s(&out.join("report.json")),
        "--record".into(),
        s(&rec),
    ])
    .await
    .unwrap();
    ok(&o);
    let record: Value = serde_json::from_str(&std::fs::read_to_string(&rec).unwrap()).unwrap();
    assert_eq!(record["target"], "greet/2");
    let promote = |min: &str| {
        run(vec![
            "prompt".into(),
            "promote".into(),
            "greet".into(),
            "2".into(),
            "--who".into(),
            "ci".into(),
            "--why".into(),
            "suite passed".into(),
            "--record".into(),
            s(&rec),
            "--min-score".into(),
            min.into(),
        ])
    };
    ok(&promote("0.9").await.unwrap());
    assert_eq!(super::labels::production(&dir), 2);
    // the same record does not promote version 1
    let o = run(vec![
        "prompt".into(),
        "promote".into(),
        "greet".into(),
        "1".into(),
        "--who".into(),
        "ci".into(),
        "--why".into(),
        "x".into(),
        "--record".into(),
        s(&rec),
        "--min-score".into(),
        "0.5".into(),
    ])
    .await
    .unwrap();
    assert_eq!(o.status.code(), Some(100), "{o:?}");
    // a prompt without a directory is a clear error
    let o = run(vec![
        "eval".into(),
        "run".into(),
        s(&dir.join("greet-suite.yaml")),
        "--prompt".into(),
        "greet".into(),
        "--prompts".into(),
        s(&t.path().join("nowhere")),
    ])
    .await
    .unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("no prompt directory"),
        "{o:?}"
    );
}
