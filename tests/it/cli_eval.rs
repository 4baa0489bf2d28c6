//! `llmops eval run | gate | report | import`: recorded outputs (no model), an
//! OpenAI-compatible mock server configured through llmops.toml (target and judge), the
//! request log written by `llmops chat`.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::Value;

fn llmops() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_llmops"));
    c.env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("ANTHROPIC_API_KEY");
    c.current_dir(std::env::temp_dir());
    c
}

fn fixture(name: &str) -> String {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/eval")
        .join(name)
        .display()
        .to_string()
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `eval run support.yaml --outputs FILE --out DIR`.
fn run_outputs(outputs: &str, out: &Path, json: bool) -> Output {
    let mut c = llmops();
    if json {
        c.arg("--json");
    }
    c.args(["eval", "run"])
        .arg(fixture("support.yaml"))
        .arg("--outputs")
        .arg(fixture(outputs))
        .args(["--out", s(out), "--no-progress"])
        .output()
        .unwrap()
}

#[test]
fn run_scores_recorded_outputs_writes_every_report_and_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("eval-out");
    let o = run_outputs("outputs-pass.jsonl", &out, false);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let stdout = text(&o.stdout);
    assert!(
        stdout.contains("3 cases: 3 passed, 0 failed, 0 errored"),
        "{stdout}"
    );
    for f in ["report.json", "summary.md", "junit.xml", "report.html"] {
        assert!(out.join(f).is_file(), "{f} missing");
    }
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["suite"], "support");
    assert_eq!(report["target"], "outputs:outputs-pass.jsonl");
    assert_eq!(report["complete"], true);
    assert_eq!(report["cases"][0]["id"], "refund-window");
    assert!(
        report["cases"][0]["source"]
            .as_str()
            .unwrap()
            .ends_with("support.yaml:15")
    );

    // --json: one object on stdout
    let o = run_outputs("outputs-pass.jsonl", &out, true);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["totals"]["passed"], 3);
    assert_eq!(v["failures"].as_array().unwrap().len(), 0);
    assert!(
        v["files"]["html"]
            .as_str()
            .unwrap()
            .ends_with("report.html")
    );

    // --filter-tag keeps the tagged cases only
    let o = llmops()
        .args(["--json", "eval", "run"])
        .arg(fixture("support.yaml"))
        .arg("--outputs")
        .arg(fixture("outputs-pass.jsonl"))
        .args(["--out", s(&out), "--filter-tag", "billing"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["totals"]["cases"], 1);
}

#[test]
fn run_with_a_failing_case_exits_100_and_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("eval-out");
    let o = run_outputs("outputs-fail.jsonl", &out, false);
    assert_eq!(o.status.code(), Some(100), "{o:?}");
    let stdout = text(&o.stdout);
    assert!(stdout.contains("refund-window"), "{stdout}");
    assert!(stdout.contains("FAIL"), "{stdout}");
    assert!(
        stdout.contains("3 cases: 2 passed, 1 failed, 0 errored"),
        "{stdout}"
    );
    assert!(out.join("junit.xml").is_file());
    let o = run_outputs("outputs-fail.jsonl", &out, true);
    assert_eq!(o.status.code(), Some(100));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["failures"][0]["id"], "refund-window");
    assert_eq!(v["failures"][0]["status"], "fail");
}

#[test]
fn a_case_without_a_recorded_output_is_errored() {
    let dir = tempfile::tempdir().unwrap();
    let outputs = dir.path().join("two.jsonl");
    std::fs::write(
        &outputs,
        "{\"id\": \"refund-window\", \"output\": \"30 days\"}\n{\"id\": \"ship-abroad\", \"output\": \"yes\"}\n",
    )
    .unwrap();
    let o = llmops()
        .args(["--json", "eval", "run"])
        .arg(fixture("support.yaml"))
        .args(["--outputs", s(&outputs), "--out"])
        .arg(dir.path().join("out"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(100), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["totals"]["errored"], 1);
    assert_eq!(v["failures"][0]["id"], "reset-password");
    assert!(
        v["failures"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("no output for case `reset-password`")
    );

    // a malformed outputs file, or an id no case has, is a tool error naming the line
    std::fs::write(&outputs, "{\"id\": \"refund-window\", \"output\": \"30 days\"}\n{\"id\": \"nope\", \"output\": \"x\"}\n").unwrap();
    let o = llmops()
        .args(["eval", "run"])
        .arg(fixture("support.yaml"))
        .args(["--outputs", s(&outputs), "--out"])
        .arg(dir.path().join("out2"))
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let err = text(&o.stderr);
    assert!(
        err.contains("two.jsonl:2") && err.contains("no case `nope`"),
        "{err}"
    );
    assert!(!dir.path().join("out2").exists());
}

#[test]
fn a_malformed_suite_exits_one_naming_file_and_line_and_runs_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("eval-out");
    let o = llmops()
        .args(["eval", "run"])
        .arg(fixture("malformed.yaml"))
        .args(["--out", s(&out)])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let err = text(&o.stderr);
    assert!(err.contains("malformed.yaml:6"), "{err}");
    assert!(err.contains("expectd"), "{err}");
    assert!(!out.exists(), "nothing runs, nothing is written");

    // an assertion type we do not run: the case's file and line, before anything runs
    let o = llmops()
        .args(["eval", "run"])
        .arg(fixture("javascript.yaml"))
        .args(["--out", s(&out)])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let err = text(&o.stderr);
    assert!(err.contains("javascript.yaml:9"), "{err}");
    assert!(err.contains("javascript"), "{err}");
    assert!(!out.exists());

    // no file at all
    let o = llmops()
        .args(["eval", "run", "/nonexistent/suite.yaml"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("/nonexistent/suite.yaml"));
}

#[test]
fn a_model_graded_assertion_without_a_judge_client_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let o = llmops()
        .args(["eval", "run"])
        .arg(fixture("judged.yaml"))
        .arg("--out")
        .arg(dir.path().join("out"))
        .arg("--no-cache")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let err = text(&o.stderr);
    assert!(err.contains("judged.yaml:10"), "{err}");
    assert!(err.contains("needs a judge"), "{err}");
    assert!(err.contains("no provider configured"), "{err}");
}

/// Writes the passing and the failing run; returns (pass report, fail report).
fn two_runs(dir: &Path) -> (PathBuf, PathBuf) {
    let (a, b) = (dir.join("pass"), dir.join("fail"));
    assert_eq!(
        run_outputs("outputs-pass.jsonl", &a, false).status.code(),
        Some(0)
    );
    assert_eq!(
        run_outputs("outputs-fail.jsonl", &b, false).status.code(),
        Some(100)
    );
    (a.join("report.json"), b.join("report.json"))
}

#[test]
fn gate_passes_identical_runs_fails_regressions_and_refuses_other_suites() {
    let dir = tempfile::tempdir().unwrap();
    let (pass, fail) = two_runs(dir.path());
    let policy = fixture("gate.yaml");

    let o = llmops()
        .args(["eval", "gate", s(&pass), "--baseline", s(&pass), "--policy"])
        .arg(&policy)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(
        text(&o.stdout).contains("gate passed"),
        "{}",
        text(&o.stdout)
    );

    let md = dir.path().join("comment/gate.md");
    let record = dir.path().join("record.json");
    let o = llmops()
        .args(["eval", "gate", s(&fail), "--baseline", s(&pass), "--policy"])
        .arg(&policy)
        .args(["--markdown", s(&md), "--record", s(&record)])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(100), "{o:?}");
    let stdout = text(&o.stdout);
    assert!(stdout.contains("gate FAILED"), "{stdout}");
    assert!(stdout.contains("max_drop score"), "{stdout}");
    assert!(std::fs::read_to_string(&md).unwrap().contains("regressed"));
    let rec: llmops::EvalRecord =
        serde_json::from_str(&std::fs::read_to_string(&record).unwrap()).unwrap();
    assert_eq!(rec.suite, "support");
    assert_eq!(rec.cases, 3);
    assert!((rec.pass_rate - 2.0 / 3.0).abs() < 1e-9, "{rec:?}");

    // --json: the outcome object
    let o = llmops()
        .args([
            "--json",
            "eval",
            "gate",
            s(&fail),
            "--baseline",
            s(&pass),
            "--policy",
        ])
        .arg(&policy)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(100));
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["passed"], false);
    assert_eq!(v["exit_code"], 100);

    // another suite: the tool refuses (exit 1)
    let mut other: Value = serde_json::from_str(&std::fs::read_to_string(&pass).unwrap()).unwrap();
    other["suite"] = "billing".into();
    let other_path = dir.path().join("other.json");
    std::fs::write(&other_path, other.to_string()).unwrap();
    let o = llmops()
        .args(["eval", "gate", s(&other_path), "--baseline", s(&pass)])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(text(&o.stderr).contains("incompatible runs"));

    // an unreadable report or policy: exit 1
    let o = llmops()
        .args(["eval", "gate", "/nonexistent/report.json"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let bad_policy = dir.path().join("bad.yaml");
    std::fs::write(&bad_policy, "max_drops: {score: 0.1}\n").unwrap();
    let o = llmops()
        .args(["eval", "gate", s(&pass), "--policy", s(&bad_policy)])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
}

#[test]
fn report_renders_each_format() {
    let dir = tempfile::tempdir().unwrap();
    let (_, fail) = two_runs(dir.path());
    let render = |format: &str| {
        let o = llmops()
            .args(["eval", "report", s(&fail), "--format", format])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(0), "{o:?}");
        text(&o.stdout)
    };
    assert!(render("md").contains("## Eval `support`"));
    assert!(render("markdown").contains("refund-window"));
    let junit = render("junit");
    assert!(
        junit.contains("<testsuites") && junit.contains("failures=\"1\""),
        "{junit}"
    );
    assert!(render("html").contains("<html"));
    let v: Value = serde_json::from_str(&render("json")).unwrap();
    assert_eq!(v["totals"]["failed"], 1);

    let file = dir.path().join("x/summary.md");
    let o = llmops()
        .args([
            "eval",
            "report",
            s(&fail),
            "--format",
            "md",
            "--out",
            s(&file),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(o.stdout.is_empty());
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("refund-window")
    );

    let o = llmops()
        .args(["eval", "report", s(&fail), "--format", "pdf"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o.stderr).contains("unknown report format `pdf`"));
}

/// An OpenAI chat completion whose content is `content`.
fn completion(model: &str, content: &str) -> Value {
    serde_json::json!({
        "id": "chatcmpl-judge", "object": "chat.completion", "created": 1741569952, "model": model,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 120, "completion_tokens": 20, "total_tokens": 140}
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn run_against_a_configured_server_with_a_judge_and_the_cache() {
    use wiremock::matchers::{body_partial_json, body_string_contains, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    let target_reply = std::fs::read(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("llmops-core/tests/fixtures/openai/chat_response.json"),
    )
    .unwrap();
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(serde_json::json!({
            "model": "gpt-4.1-mini",
            "messages": [{"role": "user", "content": "Hello!"}]
        })))
        .respond_with(ResponseTemplate::new(200).set_body_raw(target_reply, "application/json"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(serde_json::json!({"model": "gpt-4.1"})))
        .and(body_string_contains("The reply offers help politely."))
        .and(body_string_contains("How can I assist you today?"))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion(
            "gpt-4.1",
            r#"{"reason": "It greets and offers help.", "pass": true, "score": 0.9}"#,
        )))
        .expect(1)
        .mount(&server)
        .await;

    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("llmops.toml");
    std::fs::write(
        &config,
        format!(
            "[providers.local]\nkind = \"openai\"\nbase_url = \"{}/v1\"\n",
            server.uri()
        ),
    )
    .unwrap();
    let (out, cache) = (dir.path().join("out"), dir.path().join("cache"));
    let run = || {
        let mut c = llmops();
        c.args(["--json", "--config", s(&config), "eval", "run"])
            .arg(fixture("judged.yaml"))
            .args(["--out", s(&out), "--cache", s(&cache)]);
        tokio::process::Command::from(c).output()
    };
    let o = run().await.unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["totals"]["passed"], 1, "{v}");
    assert!((v["totals"]["metrics"]["llm-rubric"].as_f64().unwrap() - 0.9).abs() < 1e-9);
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    let trial = &report["cases"][0]["trials"][0];
    assert_eq!(
        trial["output"]["text"],
        "Hello! How can I assist you today?"
    );
    assert_eq!(
        trial["assertions"][1]["score"]["reason"],
        "It greets and offers help."
    );
    assert_eq!(report["eval_usage"]["input_tokens"], 120);
    assert_eq!(report["metadata"]["judge"], "local/gpt-4.1");

    // the rerun is served from the cache: no second call (the mocks expect one each)
    let o = run().await.unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["cases"][0]["trials"][0]["cached"], true);
    server.verify().await;

    // a judge saying no fails the case: exit 100
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(
            serde_json::json!({"model": "gpt-4.1-mini"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion(
            "gpt-4.1-mini",
            "Hello! How can I assist you today?",
        )))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(serde_json::json!({"model": "gpt-4.1"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(completion(
            "gpt-4.1",
            r#"{"reason": "Rude.", "pass": false, "score": 0.1}"#,
        )))
        .mount(&server)
        .await;
    let mut c = llmops();
    c.args(["--json", "--config", s(&config), "eval", "run"])
        .arg(fixture("judged.yaml"))
        .args(["--out", s(&out), "--no-cache"]);
    let o = tokio::process::Command::from(c).output().await.unwrap();
    assert_eq!(o.status.code(), Some(100), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["failures"][0]["id"], "greeting");
}

#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_writes_the_partial_report_and_exits_one() {
    use wiremock::matchers::method;
    use wiremock::{Mock, MockServer, ResponseTemplate};

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(completion("gpt-4.1-mini", "late"))
                .set_delay(std::time::Duration::from_secs(30)),
        )
        .mount(&server)
        .await;
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("llmops.toml");
    std::fs::write(
        &config,
        format!(
            "[providers.local]\nkind = \"openai\"\nbase_url = \"{}/v1\"\n",
            server.uri()
        ),
    )
    .unwrap();
    let out = dir.path().join("out");
    let mut c = llmops();
    c.args(["--config", s(&config), "eval", "run"])
        .arg(fixture("support.yaml"))
        .args(["--out", s(&out), "--no-cache"]);
    let child = tokio::process::Command::from(c)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().unwrap().to_string();
    // wait until the requests are in flight, then interrupt
    for _ in 0..100 {
        if server
            .received_requests()
            .await
            .is_some_and(|r| !r.is_empty())
        {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let killed = Command::new("kill").args(["-INT", &pid]).status().unwrap();
    assert!(killed.success());
    let o = tokio::time::timeout(std::time::Duration::from_secs(20), child.wait_with_output())
        .await
        .expect("the run stops on ctrl-c")
        .unwrap();
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        text(&o.stderr).contains("interrupted"),
        "{}",
        text(&o.stderr)
    );
    let report: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(report["complete"], false);
}

#[cfg(feature = "trace")]
#[test]
fn import_turns_the_request_log_into_cases_a_run_reads() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.jsonl");
    let config = dir.path().join("llmops.toml");
    std::fs::write(&config, format!("log = {:?}\n", s(&log))).unwrap();
    for msg in ["What is the refund window?", "Do you ship abroad?"] {
        let o = llmops()
            .args([
                "--config",
                s(&config),
                "chat",
                "--offline",
                "--no-stream",
                msg,
            ])
            .output()
            .unwrap();
        assert!(o.status.success(), "{o:?}");
    }
    let cases = dir.path().join("cases.jsonl");
    let o = llmops()
        .args([
            "--json",
            "--config",
            s(&config),
            "eval",
            "import",
            "--out",
            s(&cases),
        ])
        .args(["--tag", "from-log", "--as-reference"])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(
        (v["exchanges"].as_u64(), v["cases"].as_u64()),
        (Some(2), Some(2))
    );
    let ds = llmops::eval::dataset::load(&cases).unwrap();
    assert_eq!(ds.cases.len(), 2);
    assert_eq!(
        ds.cases[0].eval.messages[0].text(),
        "What is the refund window?"
    );
    assert!(ds.cases[0].eval.tags.contains(&"from-log".to_owned()));
    assert!(
        ds.cases[1]
            .eval
            .expected
            .as_deref()
            .unwrap()
            .contains("You said: Do you ship abroad?")
    );

    // --log explicitly, with filters: no exchange failed
    let o = llmops()
        .args([
            "eval",
            "import",
            "--log",
            s(&log),
            "--out",
            s(&cases),
            "--only-failures",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    assert!(
        text(&o.stdout).starts_with("0 cases from 2 exchanges"),
        "{}",
        text(&o.stdout)
    );
    let o = llmops()
        .args([
            "eval",
            "import",
            "--log",
            s(&log),
            "--out",
            s(&cases),
            "--limit",
            "1",
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0));
    assert_eq!(std::fs::read_to_string(&cases).unwrap().lines().count(), 1);

    // no log: a tool error
    let o = llmops()
        .args([
            "eval",
            "import",
            "--log",
            "/nonexistent/requests.jsonl",
            "--out",
            s(&cases),
        ])
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn the_embedder_comes_from_the_flag_or_the_suite_and_is_needed_only_by_similarity() {
    let dir = tempfile::tempdir().unwrap();
    let suite = dir.path().join("sim.yaml");
    std::fs::write(
        &suite,
        "name: sim\ntests:\n  - id: a\n    assert:\n      - type: similar\n        value: refunds within 30 days\n        threshold: 0.5\n",
    )
    .unwrap();
    let outputs = dir.path().join("out.jsonl");
    std::fs::write(
        &outputs,
        "{\"id\": \"a\", \"output\": \"refunds within 30 days\"}\n",
    )
    .unwrap();
    let run = |extra: &[&str]| {
        llmops()
            .args(["eval", "run", s(&suite), "--outputs", s(&outputs), "--out"])
            .arg(dir.path().join("eval-out"))
            .args(extra)
            .output()
            .unwrap()
    };
    let o = run(&[]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    let err = text(&o.stderr);
    assert!(
        err.contains("sim.yaml:3")
            && err.contains("needs an embedder")
            && err.contains("--embedder"),
        "{err}"
    );
    let o = run(&["--embedder", "hashing"]);
    assert_eq!(o.status.code(), Some(0), "{o:?}");
    let o = run(&["--embedder", "nowhere/model"]);
    assert_eq!(o.status.code(), Some(1), "{o:?}");
    assert!(
        text(&o.stderr).contains("no OpenAI-compatible provider `nowhere`"),
        "{}",
        text(&o.stderr)
    );
}
