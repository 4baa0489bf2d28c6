//! The `llmops` binary, offline.

use std::io::Write;
use std::process::{Command, Stdio};

fn llmops() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_llmops"));
    c.env_remove("OPENAI_API_KEY")
        .env_remove("OPENAI_BASE_URL")
        .env_remove("ANTHROPIC_API_KEY");
    c.current_dir(std::env::temp_dir());
    c
}

#[test]
fn chat_streams_offline_and_exits_zero() {
    let out = llmops()
        .args(["chat", "--offline", "hello", "world"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(stdout.contains("You said: hello world"), "{stdout}");
    assert!(String::from_utf8_lossy(&out.stderr).contains("scripted"));
}

#[test]
fn chat_json_prints_text_usage_and_the_record() {
    let out = llmops()
        .args([
            "--json",
            "chat",
            "-m",
            "scripted/demo",
            "--temperature",
            "0.3",
            "hi",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["text"].as_str().unwrap().contains("You said: hi"));
    assert!(v["usage"]["output_tokens"].as_u64().unwrap() > 0);
    assert_eq!(v["record"]["outcome"]["status"], "completed");
    assert_eq!(v["record"]["scripted"], true);
    assert_eq!(v["record"]["request"]["params"]["temperature"], 0.3);
}

#[test]
fn chat_reads_stdin() {
    let mut child = llmops()
        .args(["chat", "--offline", "--no-stream"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"from a pipe\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("You said: from a pipe")
    );
}

#[test]
fn usage_and_configuration_errors_exit_one() {
    let out = llmops().args(["chat", "--bogus"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = llmops()
        .args(["chat", "no provider configured"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("OPENAI_API_KEY") && err.lines().count() == 1,
        "{err}"
    );
    let out = llmops()
        .args([
            "--config",
            "/nonexistent/llmops.toml",
            "chat",
            "--offline",
            "x",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let out = llmops()
        .args(["chat", "--offline", "--temperature", "9", "x"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("temperature"));
    let out = llmops().arg("--help").output().unwrap();
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn config_file_configures_providers_and_bad_files_are_clear_errors() {
    let dir = std::env::temp_dir().join(format!("llmops-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let good = dir.join("llmops.toml");
    std::fs::write(
        &good,
        r#"
default_model = "local/some-model"
[providers.local]
kind = "openai"
base_url = "http://127.0.0.1:9/v1"
[aliases]
fast = "local/some-model"
"#,
    )
    .unwrap();
    // the provider is configured; the call fails to connect (nothing on port 9): exit 1, one line
    let out = llmops()
        .args([
            "--config",
            good.to_str().unwrap(),
            "chat",
            "-m",
            "fast",
            "hi",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(err.contains("local") && err.contains("network"), "{err}");
    // two providers, a model neither serves: a typed error before any network, exit 1, one line
    let two = dir.join("two.toml");
    std::fs::write(
        &two,
        r#"
[providers.a]
kind = "openai"
base_url = "http://127.0.0.1:9/v1"
models = ["m1"]
[providers.b]
kind = "openai"
base_url = "http://127.0.0.1:9/v1"
models = ["m2"]
"#,
    )
    .unwrap();
    let out = llmops()
        .args(["--config", two.to_str().unwrap(), "chat", "-m", "zz", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("unknown model `zz`") && err.lines().count() == 1,
        "{err}"
    );
    let bad = dir.join("bad.toml");
    std::fs::write(&bad, "[providers.x]\nkind = \"martian\"\n").unwrap();
    let out = llmops()
        .args(["--config", bad.to_str().unwrap(), "chat", "hi"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8(out.stderr).unwrap().contains("bad.toml"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(feature = "trace")]
#[test]
fn audit_verify_and_tail() {
    use llmops::AuditEvent;
    use llmops::trace::AuditLog;
    let dir = std::env::temp_dir().join(format!("llmops-audit-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let p = dir.join("audit.jsonl");
    let log = AuditLog::open(&p).unwrap();
    for i in 0..3 {
        log.append(AuditEvent::now(
            "prompt.promote",
            "ada",
            format!("support/{i}"),
        ))
        .unwrap();
    }
    let file = p.to_str().unwrap();
    let out = llmops()
        .args(["audit", "--audit", file, "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(String::from_utf8(out.stdout).unwrap().contains("3 records"));
    let out = llmops()
        .args(["--json", "audit", "--audit", file, "tail", "-n", "2"])
        .output()
        .unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[1]["event"]["subject"], "support/2");
    // tamper: exit 100 naming the line
    let text = std::fs::read_to_string(&p)
        .unwrap()
        .replace("support/1", "support/9");
    std::fs::write(&p, text).unwrap();
    let out = llmops()
        .args(["--json", "audit", "--audit", file, "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(100));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        (v["ok"].as_bool(), v["line"].as_u64()),
        (Some(false), Some(2))
    );
    // a missing file is a tool error
    let out = llmops()
        .args(["audit", "--audit", "/nonexistent/audit.jsonl", "verify"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(feature = "trace")]
#[tokio::test]
async fn log_show_explains_one_exchange() {
    use llmops::trace::{AuditLog, RequestLog, RequestLogOptions};
    use llmops::{ChatRequest, Client, ScriptedProvider};
    let dir = std::env::temp_dir().join(format!("llmops-log-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (log_path, audit_path) = (dir.join("requests.jsonl"), dir.join("audit.jsonl"));
    let log = RequestLog::open(RequestLogOptions::new(&log_path)).unwrap();
    let trail = AuditLog::open(&audit_path).unwrap();
    let client = Client::builder()
        .provider(ScriptedProvider::new().reply("Your order ships tomorrow."))
        .observer(log)
        .observer(trail.exchange_observer().unwrap())
        .build()
        .unwrap();
    let r = client
        .chat(
            ChatRequest::new("scripted/support")
                .user("Where is my order?")
                .tenant("acme"),
        )
        .await
        .unwrap();
    let id = r.meta.request_id.clone();
    client
        .feedback(&id, "wrong_answer", Some("it shipped last week"))
        .unwrap();
    client.feedback(&id, 0.0, None).unwrap();
    client.flush().await.unwrap();
    let (l, a) = (log_path.to_str().unwrap(), audit_path.to_str().unwrap());
    let out = llmops()
        .args(["log", "--log", l, "--audit", a, "show", &id])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    for needle in [
        id.as_str(),
        "Where is my order?",
        "Your order ships tomorrow.",
        "tenant=acme",
        "audit      record 0",
        "label wrong_answer  \"it shipped last week\"",
        "score 0",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    let out = llmops()
        .args(["--json", "log", "--log", l, "--audit", a, "show", &id])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["record"]["request_id"], id.as_str());
    assert_eq!(v["audit"]["event"]["subject"], id.as_str());
    assert_eq!(v["feedback"][0]["value"]["label"], "wrong_answer");
    assert_eq!(v["feedback"][1]["value"]["score"], 0.0);
    let out = llmops()
        .args(["log", "--log", l, "show", "no-such-id"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(feature = "trace")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn log_replay_prints_what_changed() {
    use llmops::trace::{RequestLog, RequestLogOptions};
    use llmops::{ChatRequest, Client, OpenAi};
    use wiremock::matchers::{body_partial_json, method, path};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    // documented OpenAI responses (llmops-core/tests/fixtures/openai/README.md)
    let fixture = |name: &str| {
        let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("llmops-core/tests/fixtures/openai")
            .join(name);
        let body = std::fs::read(p).unwrap();
        ResponseTemplate::new(200).set_body_raw(body, "application/json")
    };
    let asked = serde_json::json!({
        "model": "gpt-4.1-mini",
        "messages": [{"role": "system", "content": "You are a helpful assistant."}, {"role": "user", "content": "Hello!"}],
        "temperature": 0.2
    });
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(&asked))
        .respond_with(fixture("chat_response.json"))
        .expect(1)
        .mount(&server)
        .await;

    let dir = std::env::temp_dir().join(format!("llmops-replay-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let log_path = dir.join("requests.jsonl");
    let config = dir.join("llmops.toml");
    std::fs::write(
        &config,
        format!(
            "log = {:?}\n[providers.local]\nkind = \"openai\"\nbase_url = \"{}/v1\"\n",
            log_path.to_str().unwrap(),
            server.uri()
        ),
    )
    .unwrap();

    // the application's exchange, logged
    let log = RequestLog::open(RequestLogOptions::new(&log_path)).unwrap();
    let app = Client::builder()
        .provider(OpenAi::compatible(format!("{}/v1", server.uri())).named("local"))
        .observer(log)
        .build()
        .unwrap();
    let r = app
        .chat(
            ChatRequest::new("local/gpt-4.1-mini")
                .system("You are a helpful assistant.")
                .user("Hello!")
                .temperature(0.2),
        )
        .await
        .unwrap();
    app.flush().await.unwrap();
    assert_eq!(r.text(), "Hello! How can I assist you today?");
    let id = r.meta.request_id.clone();
    server.verify().await;

    // the model changed: replay through the providers of llmops.toml
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .and(body_partial_json(&asked)) // the logged request is what is sent again
        .respond_with(fixture("chat_response_2024.json"))
        .expect(2)
        .mount(&server)
        .await;
    let cfg = config.to_str().unwrap().to_owned();
    let run = |json: bool| {
        let mut c = llmops();
        c.args(["--config", &cfg]);
        if json {
            c.arg("--json");
        }
        c.args(["log", "replay", &id]);
        tokio::process::Command::from(c).output()
    };
    let out = run(false).await.unwrap();
    let text = String::from_utf8(out.stdout.clone()).unwrap();
    assert_eq!(out.status.code(), Some(100), "{text}\n{out:?}");
    for needle in [
        "- Hello! How can I assist you today?\n",
        "+ Hello there, how may I assist you today?\n",
        "request    as logged, unchanged by the `secrets` redactor: the request originally sent",
        "result     different: text",
        "gpt-4.1-2025-04-14 via local",
        "gpt-4o-mini",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    let out = run(true).await.unwrap();
    assert_eq!(out.status.code(), Some(100));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["replay_of"], id.as_str());
    assert_eq!(v["identical"], false);
    assert_eq!(v["sent"]["redaction"]["status"], "unchanged");
    assert_eq!(v["original"]["text"], "Hello! How can I assist you today?");
    server.verify().await;

    // the same answer again: exit 0
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(fixture("chat_response.json"))
        .mount(&server)
        .await;
    let out = run(false).await.unwrap();
    assert_eq!(out.status.code(), Some(0), "{out:?}");
    assert!(
        String::from_utf8(out.stdout)
            .unwrap()
            .contains("result     identical")
    );

    // not in the log: a tool error
    let out = llmops()
        .args(["--config", &cfg, "log", "replay", "no-such-id"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[cfg(feature = "trace")]
#[test]
fn chat_writes_the_configured_request_log_and_log_show_finds_it() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("requests.jsonl");
    let config = dir.path().join("llmops.toml");
    std::fs::write(&config, format!("log = {:?}\n", log.to_str().unwrap())).unwrap();
    let out = llmops()
        .args([
            "--json",
            "--config",
            config.to_str().unwrap(),
            "chat",
            "--offline",
            "hi",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = v["record"]["request_id"].as_str().unwrap().to_owned();
    let logged = std::fs::read_to_string(&log).unwrap();
    assert_eq!(logged.lines().count(), 1, "{logged}");
    assert!(logged.contains(&id));
    let show = llmops()
        .args(["--config", config.to_str().unwrap(), "log", "show", &id])
        .output()
        .unwrap();
    assert!(show.status.success(), "{show:?}");
    assert!(String::from_utf8_lossy(&show.stdout).contains(&id));
}
