//! Non-urgent requests through OpenAI's Batch API, against a local server replaying the
//! documented wire bodies (`tests/fixtures/openai/batch/`, sources in its README), driven
//! through `Client` so core's pipeline, attempts and records are the real ones.
//!
//! The result files name requests `request-1` … `request-4`; the server rewrites those names to
//! the `custom_id`s llmops actually uploaded, matching each uploaded line to the documented
//! input line with the same body. A caller therefore only gets the right answer if results
//! are matched by `custom_id` (the documented output lists `request-2` first).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use llmops_core::*;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const KEY: &str = "sk-test-key-0000000000000000000000";
const MODEL: &str = "openai/gpt-3.5-turbo-0125";

fn fixture(name: &str) -> String {
    super::support::fixture("openai", &format!("batch/{name}"))
}

fn json_reply(body: String) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into_bytes(), "application/json")
}

/// The documented input lines, by their `custom_id` (`request-N`).
fn inputs() -> Vec<(String, Value)> {
    fixture("input.jsonl")
        .lines()
        .map(|l| {
            let v: Value = serde_json::from_str(l).unwrap();
            (v["custom_id"].as_str().unwrap().to_owned(), v)
        })
        .collect()
}

/// The request whose batch line is documented input line `request-n`.
fn request(n: usize) -> ChatRequest {
    let (_, line) = &inputs()[n - 1];
    let msgs = &line["body"]["messages"];
    ChatRequest::new(MODEL)
        .system(msgs[0]["content"].as_str().unwrap())
        .user(msgs[1]["content"].as_str().unwrap())
        .max_tokens(1000)
        .non_urgent()
}

/// One multipart upload as the server received it.
#[derive(Debug, Clone)]
struct Upload {
    fields: HashMap<String, String>,
    filename: Option<String>,
    file_type: Option<String>,
    jsonl: String,
}

fn parse_multipart(req: &Request) -> Upload {
    let ct = req.headers.get("content-type").unwrap().to_str().unwrap();
    assert!(ct.starts_with("multipart/form-data; boundary="), "{ct}");
    let boundary = ct.split("boundary=").nth(1).unwrap();
    let body = String::from_utf8(req.body.clone()).unwrap();
    assert!(
        body.ends_with(&format!("--{boundary}--\r\n")),
        "closing boundary"
    );
    let mut up = Upload {
        fields: HashMap::new(),
        filename: None,
        file_type: None,
        jsonl: String::new(),
    };
    for part in body.split(&format!("--{boundary}")).skip(1) {
        let Some((head, value)) = part.split_once("\r\n\r\n") else {
            continue; // the closing `--`
        };
        let value = value.strip_suffix("\r\n").unwrap();
        let name = head
            .split("name=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        if name == "file" {
            up.filename = head
                .split("filename=\"")
                .nth(1)
                .map(|s| s.split('"').next().unwrap().to_owned());
            up.file_type = head
                .lines()
                .find_map(|l| l.strip_prefix("Content-Type: "))
                .map(str::to_owned);
            up.jsonl = value.to_owned();
        } else {
            up.fields.insert(name.to_owned(), value.to_owned());
        }
    }
    up
}

/// What the server saw, shared with its responders.
#[derive(Default)]
struct Seen {
    uploads: Mutex<Vec<Upload>>,
    /// `request-N` → the `custom_id` llmops uploaded for that request.
    ids: Mutex<HashMap<String, String>>,
}

impl Seen {
    fn uploads(&self) -> Vec<Upload> {
        self.uploads.lock().unwrap().clone()
    }
}

struct UploadResponder(Arc<Seen>);

impl Respond for UploadResponder {
    fn respond(&self, req: &Request) -> ResponseTemplate {
        let up = parse_multipart(req);
        let docs = inputs();
        let mut ids = self.0.ids.lock().unwrap();
        for line in up.jsonl.lines() {
            let v: Value = serde_json::from_str(line).unwrap();
            if let Some((name, _)) = docs.iter().find(|(_, d)| d["body"] == v["body"]) {
                ids.insert(name.clone(), v["custom_id"].as_str().unwrap().to_owned());
            }
        }
        self.0.uploads.lock().unwrap().push(up);
        json_reply(fixture("file_upload_response.json"))
    }
}

/// Serves a result file with `request-N` rewritten to the uploaded `custom_id`s.
struct FileResponder(Arc<Seen>, String);

impl Respond for FileResponder {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let mut text = self.1.clone();
        for (name, id) in self.0.ids.lock().unwrap().iter() {
            text = text.replace(&format!("\"{name}\""), &format!("\"{id}\""));
        }
        ResponseTemplate::new(200).set_body_raw(text.into_bytes(), "application/octet-stream")
    }
}

/// Answers polls with each body in turn, the last one for ever after; with a gate, answers
/// the first body until the gate opens.
struct PollResponder {
    bodies: Vec<String>,
    n: AtomicUsize,
    gate: Option<Arc<AtomicBool>>,
}

impl Respond for PollResponder {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let i = match &self.gate {
            Some(g) if !g.load(Ordering::SeqCst) => 0,
            Some(_) => self.bodies.len() - 1,
            None => self.n.fetch_add(1, Ordering::SeqCst),
        };
        json_reply(self.bodies[i.min(self.bodies.len() - 1)].clone())
    }
}

struct Server {
    mock: MockServer,
    seen: Arc<Seen>,
}

/// Mounts upload + create; `polls` are the retrieve bodies in order; `files` the result files.
async fn server(polls: &[&str], gate: Option<Arc<AtomicBool>>, files: &[(&str, &str)]) -> Server {
    let mock = MockServer::start().await;
    let seen = Arc::new(Seen::default());
    Mock::given(method("POST"))
        .and(path("/v1/files"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(UploadResponder(seen.clone()))
        .mount(&mock)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/batches"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "input_file_id": "file-abc123",
            "endpoint": "/v1/chat/completions",
            "completion_window": "24h"
        })))
        .respond_with(json_reply(fixture("batch_create_response.json")))
        .mount(&mock)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/batches/batch_abc123"))
        .and(header("authorization", format!("Bearer {KEY}").as_str()))
        .respond_with(PollResponder {
            bodies: polls.iter().map(|f| fixture(f)).collect(),
            n: AtomicUsize::new(0),
            gate,
        })
        .mount(&mock)
        .await;
    for (id, file) in files {
        Mock::given(method("GET"))
            .and(path(format!("/v1/files/{id}/content")))
            .and(header("authorization", format!("Bearer {KEY}").as_str()))
            .respond_with(FileResponder(seen.clone(), fixture(file)))
            .mount(&mock)
            .await;
    }
    Server { mock, seen }
}

fn batcher(s: &MockServer) -> OpenAiBatch {
    OpenAiBatch::new(OpenAi::compatible(format!("{}/v1", s.uri())).api_key(ApiKey::new(KEY)))
        .max_wait(Duration::from_secs(3600))
        .poll_interval(Duration::from_millis(5))
}

fn client(b: OpenAiBatch) -> (Client, MemoryObserver) {
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .batch(b)
        .observer(obs.clone())
        .build()
        .unwrap();
    (c, obs)
}

/// Sends the requests at once; results in the same order.
async fn send_all(c: &Client, reqs: Vec<ChatRequest>) -> Vec<Result<ChatResponse>> {
    let tasks: Vec<_> = reqs
        .into_iter()
        .map(|r| {
            let c = c.clone();
            tokio::spawn(async move { c.chat(r).await })
        })
        .collect();
    let mut out = Vec::new();
    for t in tasks {
        out.push(t.await.unwrap());
    }
    out
}

fn provider_error(r: &Result<ChatResponse>) -> &ProviderError {
    match r {
        Err(Error::Provider(p)) => p,
        other => panic!("expected a provider error, got {other:?}"),
    }
}

/// The one record of the caller whose system message is `system`.
fn record_for<'a>(recs: &'a [ExchangeRecord], system: &str) -> &'a ExchangeRecord {
    let mine: Vec<_> = recs
        .iter()
        .filter(|r| r.request.messages[0].text() == system)
        .collect();
    assert_eq!(mine.len(), 1, "exactly one record per caller");
    mine[0]
}

#[tokio::test]
async fn each_caller_gets_its_own_result_matched_by_custom_id() {
    let s = server(
        &["batch_in_progress.json", "batch_completed.json"],
        None,
        &[
            ("file-cvaTdG", "output.jsonl"),
            ("file-HOWS94", "errors.jsonl"),
        ],
    )
    .await;
    let (c, obs) = client(batcher(&s.mock).max_requests(4));
    let res = send_all(&c, (1..=4).map(request).collect()).await;

    // request-1 and request-2: the documented answers, each to its own caller
    let r1 = res[0].as_ref().unwrap();
    assert_eq!(r1.text(), "Hello! How can I assist you today?");
    assert_eq!(r1.usage, Usage::new(20, 9));
    assert_eq!(r1.id.as_deref(), Some("chatcmpl-abc"));
    assert_eq!(r1.finish_reason, Some(FinishReason::Stop));
    let r2 = res[1].as_ref().unwrap();
    assert_eq!(r2.text(), "Hello.");
    assert_eq!(r2.usage, Usage::new(22, 2));
    assert_eq!(r2.system_fingerprint.as_deref(), Some("fp_123"));
    assert_eq!(r1.meta.annotations.get("batch"), Some(&json!(true)));
    // request-3: the error file's 500 line; request-4: a 400 line of the output file
    let e3 = provider_error(&res[2]);
    assert_eq!(e3.kind, ProviderErrorKind::Server);
    assert_eq!(e3.status, Some(500));
    let e4 = provider_error(&res[3]);
    assert_eq!(e4.kind, ProviderErrorKind::ContextLength);
    assert_eq!(e4.code.as_deref(), Some("context_length_exceeded"));

    // the wire: one upload (purpose=batch, a .jsonl file), lines as documented
    let ups = s.seen.uploads();
    assert_eq!(ups.len(), 1);
    let up = &ups[0];
    assert_eq!(up.fields.get("purpose").map(String::as_str), Some("batch"));
    assert!(up.filename.as_deref().unwrap().ends_with(".jsonl"));
    assert_eq!(up.file_type.as_deref(), Some("application/jsonl"));
    assert!(up.jsonl.ends_with('\n'));
    let ids = s.seen.ids.lock().unwrap().clone();
    assert_eq!(ids.len(), 4, "every uploaded body is a documented one");
    let docs: HashMap<String, Value> = inputs().into_iter().collect();
    for line in up.jsonl.lines() {
        let mut got: Value = serde_json::from_str(line).unwrap();
        let id = got["custom_id"].as_str().unwrap().to_owned();
        let name = ids.iter().find(|(_, v)| **v == id).unwrap().0;
        got["custom_id"] = json!(name);
        assert_eq!(got, docs[name], "line {name}");
    }
    let reqs = s.mock.received_requests().await.unwrap();
    let polls = reqs
        .iter()
        .filter(|r| r.url.path() == "/v1/batches/batch_abc123")
        .count();
    assert_eq!(polls, 2, "in_progress, then completed");
    assert_eq!(
        reqs.iter()
            .filter(|r| r.url.path() == "/v1/batches")
            .count(),
        1
    );

    // exactly one record per caller: one attempt, usage, provider, batch annotation
    c.flush().await.unwrap();
    let recs = obs.records();
    assert_eq!(recs.len(), 4);
    let rec1 = record_for(&recs, "You are a helpful assistant.");
    assert_eq!(rec1.outcome, Outcome::Completed);
    assert_eq!(rec1.attempts.len(), 1);
    assert_eq!(rec1.attempts[0].usage, Some(Usage::new(20, 9)));
    assert_eq!(rec1.attempts[0].usage_source, UsageSource::Provider);
    assert_eq!(rec1.usage, Usage::new(20, 9));
    assert_eq!(rec1.provider.as_deref(), Some("openai"));
    assert!(rec1.deployment.is_some());
    assert_eq!(rec1.model_answered.as_deref(), Some("gpt-3.5-turbo-0125"));
    assert_eq!(
        rec1.request.caller.tags.get("urgency").map(String::as_str),
        Some("batch")
    );
    for r in &recs {
        assert_eq!(r.annotations.get("batch"), Some(&json!(true)));
        assert_eq!(r.attempts.len(), 1);
    }
    let rec4 = record_for(&recs, "You are a verbose assistant.");
    assert!(matches!(
        &rec4.outcome,
        Outcome::Failed {
            error: ErrorClass::Provider(ProviderErrorKind::ContextLength),
            ..
        }
    ));
}

#[tokio::test]
async fn an_expired_batch_delivers_what_ran_and_times_out_the_rest() {
    let s = server(
        &["batch_expired.json"],
        None,
        &[
            ("file-cvaTdG", "output.jsonl"),
            ("file-HOWS94", "errors_expired.jsonl"),
        ],
    )
    .await;
    let (c, _obs) = client(batcher(&s.mock).max_requests(3));
    let res = send_all(&c, (1..=3).map(request).collect()).await;
    assert_eq!(
        res[0].as_ref().unwrap().text(),
        "Hello! How can I assist you today?"
    );
    assert_eq!(res[1].as_ref().unwrap().text(), "Hello.");
    let e = provider_error(&res[2]);
    assert_eq!(e.kind, ProviderErrorKind::Timeout);
    assert_eq!(e.code.as_deref(), Some("batch_expired"));
    assert!(e.message.contains("completion window"), "{}", e.message);
}

#[tokio::test]
async fn a_failed_batch_gives_every_caller_a_typed_error() {
    let s = server(&["batch_failed.json"], None, &[]).await;
    let (c, obs) = client(batcher(&s.mock).max_requests(2));
    let res = send_all(&c, (1..=2).map(request).collect()).await;
    for r in &res {
        let e = provider_error(r);
        assert_eq!(e.kind, ProviderErrorKind::RateLimited);
        assert_eq!(e.code.as_deref(), Some("token_limit_exceeded"));
        assert!(e.message.contains("batch_abc123 failed"), "{}", e.message);
    }
    c.flush().await.unwrap();
    let recs = obs.records();
    assert_eq!(recs.len(), 2);
    assert!(
        recs.iter()
            .all(|r| !r.outcome.is_completed() && r.attempts.len() == 1)
    );
    // no result file to fetch
    let reqs = s.mock.received_requests().await.unwrap();
    assert!(reqs.iter().all(|r| !r.url.path().contains("/content")));
}

#[tokio::test]
async fn an_upload_refused_is_each_callers_typed_error_and_no_batch_is_created() {
    let cases = [
        (
            401,
            super::support::fixture("openai", "errors/401_invalid_key.json"),
            ProviderErrorKind::Auth,
        ),
        (
            400,
            r#"{"error":{"message":"Invalid file format for Batch API. Must be .jsonl","type":"invalid_request_error","param":null,"code":null}}"#.to_owned(),
            ProviderErrorKind::BadRequest,
        ),
    ];
    for (status, body, kind) in cases {
        let mock = MockServer::start().await;
        Mock::given(method("POST"))
            .and(path("/v1/files"))
            .respond_with(
                ResponseTemplate::new(status).set_body_raw(body.into_bytes(), "application/json"),
            )
            .expect(1)
            .mount(&mock)
            .await;
        Mock::given(method("POST"))
            .and(path("/v1/batches"))
            .respond_with(ResponseTemplate::new(500))
            .expect(0)
            .mount(&mock)
            .await;
        let (c, obs) = client(batcher(&mock).max_requests(2));
        let res = send_all(&c, (1..=2).map(request).collect()).await;
        for r in &res {
            let e = provider_error(r);
            assert_eq!(e.kind, kind);
            assert_eq!(e.status, Some(status));
        }
        c.flush().await.unwrap();
        assert_eq!(obs.records().len(), 2);
    }
}

#[tokio::test]
async fn a_caller_past_its_deadline_gets_deadline_while_the_batch_goes_on() {
    let gate = Arc::new(AtomicBool::new(false));
    let s = server(
        &["batch_in_progress.json", "batch_completed.json"],
        Some(gate.clone()),
        &[
            ("file-cvaTdG", "output.jsonl"),
            ("file-HOWS94", "errors.jsonl"),
        ],
    )
    .await;
    let (c, obs) = client(batcher(&s.mock).max_requests(2));
    let hasty = {
        let c = c.clone();
        tokio::spawn(async move { c.chat(request(1).timeout(Duration::from_millis(300))).await })
    };
    let patient = {
        let c = c.clone();
        tokio::spawn(async move { c.chat(request(2)).await })
    };
    let e = hasty.await.unwrap().unwrap_err();
    assert!(matches!(e, Error::Deadline(_)), "{e}");
    gate.store(true, Ordering::SeqCst);
    let r = patient.await.unwrap().unwrap();
    assert_eq!(r.text(), "Hello.");
    c.flush().await.unwrap();
    let recs = obs.records();
    assert_eq!(recs.len(), 2);
    let late = record_for(&recs, "You are a helpful assistant.");
    assert!(matches!(
        &late.outcome,
        Outcome::Failed {
            error: ErrorClass::Deadline,
            ..
        }
    ));
    assert!(
        record_for(&recs, "You are an unhelpful assistant.")
            .outcome
            .is_completed()
    );
}

#[tokio::test]
async fn batches_are_split_by_count_and_by_size_and_flushed_by_age() {
    // every result is the documented request-1 answer, under each uploaded custom_id
    struct Echo(Arc<Seen>);
    impl Respond for Echo {
        fn respond(&self, _: &Request) -> ResponseTemplate {
            let template = fixture("output.jsonl").lines().nth(1).unwrap().to_owned();
            let mut out = String::new();
            for up in self.0.uploads() {
                for line in up.jsonl.lines() {
                    let v: Value = serde_json::from_str(line).unwrap();
                    let mut r: Value = serde_json::from_str(&template).unwrap();
                    r["custom_id"] = v["custom_id"].clone();
                    out.push_str(&r.to_string());
                    out.push('\n');
                }
            }
            ResponseTemplate::new(200).set_body_raw(out.into_bytes(), "application/octet-stream")
        }
    }
    let s = server(&["batch_completed.json"], None, &[]).await;
    Mock::given(method("GET"))
        .and(path("/v1/files/file-cvaTdG/content"))
        .respond_with(Echo(s.seen.clone()))
        .mount(&s.mock)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/files/file-HOWS94/content"))
        .respond_with(ResponseTemplate::new(200))
        .mount(&s.mock)
        .await;

    let reqs = |n: usize| -> Vec<ChatRequest> {
        (0..n)
            .map(|i| {
                ChatRequest::new(MODEL)
                    .user(format!("Hello world {i}!"))
                    .non_urgent()
            })
            .collect()
    };
    let sizes = |seen: &Seen| {
        let mut v: Vec<usize> = seen
            .uploads()
            .iter()
            .map(|u| u.jsonl.lines().count())
            .collect();
        v.sort_unstable();
        v
    };
    // by count: four requests, two per batch (no age flush: the wait is an hour)
    let (c, _) = client(batcher(&s.mock).max_requests(2));
    let res = send_all(&c, reqs(4)).await;
    assert!(res.iter().all(Result::is_ok), "{res:?}");
    assert_eq!(sizes(&s.seen), [2, 2]);

    // by age: one request, far below max_requests, leaves after max_wait
    s.seen.uploads.lock().unwrap().clear();
    let (c, _) = client(batcher(&s.mock).max_wait(Duration::from_millis(20)));
    assert!(c.chat(reqs(1).remove(0)).await.is_ok());
    assert_eq!(sizes(&s.seen), [1]);

    // by size: room for two lines per file, however many requests are allowed
    s.seen.uploads.lock().unwrap().clear();
    // a line's length: these requests differ only in one digit
    let one_line = r#"{"custom_id":"00000000-0000-0000-0000-000000000000-1","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-3.5-turbo-0125","messages":[{"role":"user","content":"Hello world 0!"}]}}"#.len() + 1;
    let (c, _) = client(
        batcher(&s.mock)
            .max_requests(100)
            .max_file_bytes(2 * one_line + 10)
            // the last request leaves by age; the first two arrive well within a second
            .max_wait(Duration::from_secs(1)),
    );
    let res = send_all(&c, reqs(3)).await;
    assert!(res.iter().all(Result::is_ok), "{res:?}");
    assert_eq!(sizes(&s.seen), [1, 2]);
    assert!(
        s.seen
            .uploads()
            .iter()
            .all(|u| u.jsonl.len() <= 2 * one_line + 10)
    );
}

#[tokio::test]
async fn urgent_requests_bypass_the_queue_and_non_urgent_streams_are_refused() {
    let mock = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(json_reply(super::support::fixture(
            "openai",
            "chat_response.json",
        )))
        .expect(1)
        .mount(&mock)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/files"))
        .respond_with(ResponseTemplate::new(500))
        .expect(0)
        .mount(&mock)
        .await;
    let (c, obs) = client(batcher(&mock));
    let r = c
        .chat(ChatRequest::new(MODEL).user("Hello!"))
        .await
        .unwrap();
    assert_eq!(r.text(), "Hello! How can I assist you today?");
    assert!(!r.meta.annotations.contains_key("batch"));
    let e = c.chat_stream(request(1)).await.unwrap_err();
    assert!(
        matches!(&e, Error::InvalidRequest(m) if m.contains("does not stream")),
        "{e}"
    );
    c.flush().await.unwrap();
    let recs = obs.records();
    assert_eq!(recs.len(), 2);
    assert!(recs.iter().all(|r| !r.annotations.contains_key("batch")));
}

/// The seam the ledger uses: a pricer reading `annotations["batch"]` charges the batch price
/// (half of gpt-3.5-turbo-0125's standard price in the bundled table).
#[cfg(feature = "cost")]
#[tokio::test]
async fn the_batch_annotation_lets_the_pricer_charge_the_batch_price() {
    use llmops_core::cost::{PriceTable, Pricing};
    struct ByAnnotation(Arc<PriceTable>);
    impl Pricer for ByAnnotation {
        fn price(&self, rec: &ExchangeRecord) -> Cost {
            let pricing = if rec.annotations.get("batch") == Some(&json!(true)) {
                Pricing::Batch
            } else {
                Pricing::Standard
            };
            let model = rec.model_answered.as_deref().unwrap_or("");
            self.0.cost(model, &rec.usage, pricing)
        }
    }
    let table = PriceTable::bundled().unwrap();
    let s = server(
        &["batch_completed.json"],
        None,
        &[
            ("file-cvaTdG", "output.jsonl"),
            ("file-HOWS94", "errors.jsonl"),
        ],
    )
    .await;
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .batch(batcher(&s.mock).max_requests(1))
        .pricer(Arc::new(ByAnnotation(table.clone())))
        .observer(obs.clone())
        .build()
        .unwrap();
    let r = c.chat(request(1)).await.unwrap();
    let usage = Usage::new(20, 9);
    let batch = table.cost("gpt-3.5-turbo-0125", &usage, Pricing::Batch);
    let standard = table.cost("gpt-3.5-turbo-0125", &usage, Pricing::Standard);
    assert_eq!(r.meta.cost, batch);
    assert_ne!(batch, standard);
    // 20 × 2.5e-7 + 9 × 7.5e-7
    assert_eq!(batch.known(), Some(&Money::usd_str("0.00001175").unwrap()));
    c.flush().await.unwrap();
    assert_eq!(obs.records()[0].cost, batch);
}
