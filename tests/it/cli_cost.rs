//! `llmops cost estimate | report`, offline: the report reads a request log written by a
//! client in the test.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use llmops::cost::{PriceTable, Pricing};
use llmops::trace::{RequestLog, RequestLogOptions};
use llmops::{Caller, ChatRequest, Client, Cost, Money, ScriptedProvider, Usage};
use serde_json::Value;

fn llmops(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_llmops"))
        .current_dir(std::env::temp_dir())
        .args(args)
        .output()
        .unwrap()
}

fn json_of(out: &Output) -> Value {
    assert!(out.status.success(), "{out:?}");
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn estimate_prices_given_or_counted_tokens() {
    let out = llmops(&[
        "--json",
        "cost",
        "estimate",
        "--model",
        "gpt-4o",
        "--input-tokens",
        "1000",
        "--output-tokens",
        "100",
    ]);
    let v = json_of(&out);
    // 1000 × 2.5e-6 + 100 × 1e-5
    assert_eq!(v["cost"], "0.0035");
    assert_eq!(v["priced_as"], "gpt-4o");
    assert_eq!(v["input_source"], "given");

    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("prompt.txt");
    std::fs::write(&f, "Name three prime numbers.").unwrap();
    let v = json_of(&llmops(&[
        "--json",
        "cost",
        "estimate",
        "-m",
        "gpt-4o-mini",
        f.to_str().unwrap(),
    ]));
    let tokens = ChatRequest::new("gpt-4o-mini")
        .user("Name three prime numbers.")
        .count_tokens();
    assert_eq!(v["input_tokens"], tokens.tokens);
    assert_eq!(v["input_source"], "counted");
    let want = PriceTable::bundled().unwrap().cost(
        "gpt-4o-mini",
        &Usage::new(tokens.tokens, 0),
        Pricing::Standard,
    );
    assert_eq!(
        Cost::Known(Money::usd_str(v["cost"].as_str().unwrap()).unwrap()),
        want
    );
    assert!(v["cost_at_max_output"].is_string());

    // text output, batch prices
    let out = llmops(&[
        "cost",
        "estimate",
        "-m",
        "gpt-4o",
        "--input-tokens",
        "1000",
        "--batch",
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("0.00125 USD"), "{text}");
    assert!(text.contains("batch"), "{text}");
}

#[test]
fn estimate_refuses_unknown_models_and_accepts_a_price_file() {
    let out = llmops(&[
        "cost",
        "estimate",
        "-m",
        "acme/house",
        "--input-tokens",
        "10",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not in the price table"));

    let dir = tempfile::tempdir().unwrap();
    let prices = dir.path().join("prices.json");
    std::fs::write(
        &prices,
        r#"{"acme/house": {"litellm_provider": "acme", "input_cost_per_token": "0.000001", "output_cost_per_token": "0.000002"}}"#,
    )
    .unwrap();
    let v = json_of(&llmops(&[
        "--json",
        "cost",
        "--prices",
        prices.to_str().unwrap(),
        "estimate",
        "-m",
        "acme/house",
        "--input-tokens",
        "10",
        "--output-tokens",
        "5",
    ]));
    assert_eq!(v["cost"], "0.00002");

    // the same file named by `prices =` in llmops.toml
    let toml = dir.path().join("llmops.toml");
    std::fs::write(&toml, format!("prices = {:?}\n", prices.to_str().unwrap())).unwrap();
    let v = json_of(&llmops(&[
        "--json",
        "--config",
        toml.to_str().unwrap(),
        "cost",
        "estimate",
        "-m",
        "acme/house",
        "--input-tokens",
        "10",
    ]));
    assert_eq!(v["cost"], "0.00001");
    // a malformed price file named there is an error naming the file
    std::fs::write(
        &prices,
        "{\"acme/house\": {\"input_cost_per_token\": \"ten\"}}",
    )
    .unwrap();
    let out = llmops(&[
        "--config",
        toml.to_str().unwrap(),
        "cost",
        "estimate",
        "-m",
        "acme/house",
        "--input-tokens",
        "10",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("prices.json"),
        "{out:?}"
    );
}

/// Writes a request log: 3 acme requests (2 on gpt-4o-mini, 1 on gpt-4o), 2 globex ones, one
/// on a model the table does not know.
fn write_log(dir: &Path) -> PathBuf {
    let path = dir.join("requests.jsonl");
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let log = RequestLog::open(RequestLogOptions::new(&path)).unwrap();
        let client = Client::builder()
            .provider(ScriptedProvider::named("openai").repeat("one two three"))
            .prices(PriceTable::bundled().unwrap())
            .observer(log)
            .build()
            .unwrap();
        let calls = [
            ("acme", "search", "openai/gpt-4o-mini"),
            ("acme", "search", "openai/gpt-4o-mini"),
            ("acme", "reply", "openai/gpt-4o"),
            ("globex", "reply", "openai/gpt-4o-mini"),
            ("globex", "reply", "openai/house-model"),
        ];
        for (tenant, feature, model) in calls {
            let caller = Caller::default().tenant(tenant).feature(feature).user("u");
            client
                .chat(ChatRequest::new(model).user("a b c d").caller(caller))
                .await
                .unwrap();
        }
        client.shutdown().await.unwrap();
    });
    path
}

#[test]
fn report_groups_the_request_log_and_lists_unknown_costs_apart() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_log(dir.path());
    let log = log.to_str().unwrap();
    let t = PriceTable::bundled().unwrap();
    let one = |m: &str| {
        t.cost(m, &Usage::new(4, 3), Pricing::Standard)
            .known()
            .unwrap()
            .clone()
    };
    let (mini, big) = (one("gpt-4o-mini"), one("gpt-4o"));

    let v = json_of(&llmops(&[
        "--json",
        "cost",
        "report",
        "--log",
        log,
        "--by",
        "tenant,model",
    ]));
    assert_eq!(v["group_by"], serde_json::json!(["tenant", "model"]));
    let rows = v["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4);
    assert_eq!(rows[0]["key"], serde_json::json!(["acme", "openai/gpt-4o"]));
    assert_eq!(rows[0]["cost"]["amount"], big.amount.to_string());
    let acme_mini = rows
        .iter()
        .find(|r| r["key"] == serde_json::json!(["acme", "openai/gpt-4o-mini"]))
        .unwrap();
    assert_eq!(acme_mini["requests"], 2);
    assert_eq!(
        Money::usd_str(acme_mini["cost"]["amount"].as_str().unwrap()).unwrap(),
        mini.times(2)
    );
    // the unknown model: counted, not zero-priced
    assert_eq!(v["total"]["requests"], 5);
    assert_eq!(v["total"]["unknown_cost_requests"], 1);
    assert_eq!(v["unknown"][0]["requests"], 1);
    assert!(
        v["unknown"][0]["reason"]
            .as_str()
            .unwrap()
            .contains("house-model")
    );
    let total = big.checked_add(&mini.times(3)).unwrap();
    assert_eq!(
        Money::usd_str(v["total"]["cost"]["amount"].as_str().unwrap()).unwrap(),
        total
    );

    // text: a table, the total, the unknown costs apart
    let out = llmops(&[
        "cost", "report", "--log", log, "--by", "feature", "--top", "1",
    ]);
    assert!(out.status.success(), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert!(lines[0].starts_with("feature"), "{text}");
    assert!(
        lines[1].starts_with("reply"),
        "top 1 is the most expensive: {text}"
    );
    assert!(lines[2].starts_with("total"), "{text}");
    assert!(
        lines[2].contains(&total.amount.normalize().to_string()),
        "{text}"
    );
    assert!(text.contains("unknown costs"), "{text}");

    // a window after everything: nothing
    let v = json_of(&llmops(&[
        "--json",
        "cost",
        "report",
        "--log",
        log,
        "--since",
        "2999-01-01",
    ]));
    assert_eq!(v["total"]["requests"], 0);
    // by day: one row, today
    let v = json_of(&llmops(&[
        "--json", "cost", "report", "--log", log, "--by", "day",
    ]));
    let today = chrono_today();
    assert_eq!(v["rows"][0]["key"][0], today);
}

fn chrono_today() -> String {
    // the log's start times are UTC: so is the day
    let out = Command::new("date")
        .args(["-u", "+%Y-%m-%d"])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap().trim().to_owned()
}

#[test]
fn report_reprices_with_a_price_file() {
    let dir = tempfile::tempdir().unwrap();
    let log = write_log(dir.path());
    let prices = dir.path().join("prices.json");
    std::fs::write(
        &prices,
        r#"{"openai/house-model": {"litellm_provider": "openai", "input_cost_per_token": "0.000001", "output_cost_per_token": "0.000002"}}"#,
    )
    .unwrap();
    let v = json_of(&llmops(&[
        "--json",
        "cost",
        "--prices",
        prices.to_str().unwrap(),
        "report",
        "--log",
        log.to_str().unwrap(),
        "--reprice",
    ]));
    assert_eq!(v["total"]["unknown_cost_requests"], 0);
    assert!(v["unknown"].as_array().unwrap().is_empty());
}

#[test]
fn report_errors_are_clear() {
    let out = llmops(&["cost", "report", "--log", "/nonexistent/requests.jsonl"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no request log"));
    let dir = tempfile::tempdir().unwrap();
    let log = write_log(dir.path());
    let out = llmops(&[
        "cost",
        "report",
        "--log",
        log.to_str().unwrap(),
        "--by",
        "colour",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a ledger dimension"));
    let out = llmops(&[
        "cost",
        "report",
        "--log",
        log.to_str().unwrap(),
        "--since",
        "yesterday",
    ]);
    assert_eq!(out.status.code(), Some(1));
}
