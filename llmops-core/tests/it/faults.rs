//! Fault injection through the router: 429 with `Retry-After`, quota 429, 500s, hangs,
//! malformed bodies, streams cut before and after their first chunk. The client answers from
//! the fallback, retries stay bounded, every exchange leaves exactly one record, nothing
//! panics. HTTP error shapes come from the OpenAI provider against a local server replaying
//! the recorded error bodies of `tests/fixtures/openai/errors/`.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use llmops_core::routing::*;
use llmops_core::*;

use super::support::{chaos, fault_router};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn fixture(name: &str) -> String {
    super::support::fixture("openai", name)
}

fn json(status: u16, body: String) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.into_bytes(), "application/json")
}

/// An OpenAI-compatible provider named `name` in front of `server`.
fn openai(name: &str, server: &MockServer) -> OpenAi {
    OpenAi::compatible(format!("{}/v1", server.uri()))
        .named(name)
        .api_key(ApiKey::new("sk-test-0000000000000000000000000000"))
}

fn client(router: Router, providers: Vec<Arc<dyn Provider>>) -> (Client, MemoryObserver) {
    let obs = MemoryObserver::new();
    let mut b = Client::builder().observer(obs.clone()).router(router);
    for p in providers {
        b = b.provider_arc(p);
    }
    (b.build().unwrap(), obs)
}

fn req(model: &str) -> ChatRequest {
    ChatRequest::new(model).user("Say hello").tenant("acme")
}

fn trace(rec: &ExchangeRecord) -> RouteTrace {
    RouteTrace::from_annotations(&rec.annotations).unwrap()
}

/// Answers with `first` for the first `n` calls, then with `then`.
struct Sequence {
    n: usize,
    seen: AtomicUsize,
    first: ResponseTemplate,
    then: ResponseTemplate,
}

impl wiremock::Respond for Sequence {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        if self.seen.fetch_add(1, Ordering::SeqCst) < self.n {
            self.first.clone()
        } else {
            self.then.clone()
        }
    }
}

#[tokio::test]
async fn http_429_with_retry_after_is_waited_out_then_answered() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/chat/completions"))
        .respond_with(Sequence {
            n: 1,
            seen: AtomicUsize::new(0),
            first: json(429, fixture("errors/429_rate_limit.json"))
                .insert_header("retry-after-ms", "40"),
            then: json(200, fixture("chat_response.json")),
        })
        .expect(2)
        .mount(&server)
        .await;
    let router = Router::builder()
        .group("chat", ["east/gpt-4o-mini"])
        .build()
        .unwrap();
    let (c, obs) = client(router, vec![Arc::new(openai("east", &server))]);
    let r = c.chat(req("chat")).await.unwrap();
    assert!(!r.text().is_empty());
    assert_eq!(r.meta.attempts, 2);
    let rec = &obs.records()[0];
    let waits: Vec<_> = trace(rec).waits().collect();
    // the server's wait, as given (no jitter on a provider's own number)
    assert_eq!(waits, [(Duration::from_millis(40), WaitReason::RetryAfter)]);
    assert!(matches!(&rec.attempts[0].outcome,
        AttemptOutcome::Failed { error, .. } if error.as_str() == "rate_limited"));
    server.verify().await;
}

#[tokio::test]
async fn quota_429_does_not_fall_back() {
    let east = MockServer::start().await;
    let west = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            json(429, fixture("errors/429_insufficient_quota.json"))
                .insert_header("retry-after", "1"),
        )
        .expect(1)
        .mount(&east)
        .await;
    Mock::given(method("POST"))
        .respond_with(json(200, fixture("chat_response.json")))
        .expect(0)
        .mount(&west)
        .await;
    let router = Router::builder()
        .group("chat", ["east/gpt-4o-mini", "west/gpt-4o-mini"])
        .build()
        .unwrap();
    let (c, obs) = client(
        router,
        vec![
            Arc::new(openai("east", &east)),
            Arc::new(openai("west", &west)),
        ],
    );
    let e = c.chat(req("chat")).await.unwrap_err();
    assert_eq!(e.class().as_str(), "quota_exhausted");
    assert_eq!(obs.records().len(), 1);
    east.verify().await;
    west.verify().await;
}

#[tokio::test]
async fn http_500s_and_malformed_bodies_fall_back_to_the_next_deployment() {
    for (status, body, class) in [
        (500, fixture("errors/500_server.json"), "server"),
        (503, fixture("errors/503_overloaded.json"), "overloaded"),
        (200, "{\"choices\": [{\"message\": ".to_owned(), "decode"),
    ] {
        let east = MockServer::start().await;
        let west = MockServer::start().await;
        Mock::given(method("POST"))
            .respond_with(json(status, body.clone()))
            .mount(&east)
            .await;
        Mock::given(method("POST"))
            .respond_with(json(200, fixture("chat_response.json")))
            .expect(1)
            .mount(&west)
            .await;
        let router = Router::builder()
            .group("chat", ["east/gpt-4o-mini", "west/gpt-4o-mini"])
            .retry(RetryPolicy::default().retries_per_deployment(0))
            .build()
            .unwrap();
        let (c, obs) = client(
            router,
            vec![
                Arc::new(openai("east", &east)),
                Arc::new(openai("west", &west)),
            ],
        );
        let r = c.chat(req("chat")).await.unwrap();
        assert_eq!(
            r.meta.deployment.as_deref(),
            Some("west/gpt-4o-mini"),
            "{class}"
        );
        let recs = obs.records();
        assert_eq!(recs.len(), 1);
        assert!(
            matches!(&recs[0].attempts[0].outcome,
                AttemptOutcome::Failed { error, .. } if error.as_str() == class),
            "{status}: {:?}",
            recs[0].attempts[0].outcome
        );
        west.verify().await;
    }
}

#[tokio::test]
async fn a_streamed_500_before_any_chunk_falls_back() {
    let east = MockServer::start().await;
    let west = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(500, fixture("errors/500_server.json")))
        .mount(&east)
        .await;
    Mock::given(method("POST"))
        .respond_with(super::support::sse(&fixture("stream_text.sse")))
        .mount(&west)
        .await;
    let router = Router::builder()
        .group("chat", ["east/gpt-4o-mini", "west/gpt-4o-mini"])
        .retry(RetryPolicy::default().retries_per_deployment(0))
        .build()
        .unwrap();
    let (c, obs) = client(
        router,
        vec![
            Arc::new(openai("east", &east)),
            Arc::new(openai("west", &west)),
        ],
    );
    let r = c
        .chat_stream(req("chat"))
        .await
        .unwrap()
        .into_response()
        .await
        .unwrap();
    assert!(r.text().starts_with("Hello"));
    let rec = &obs.records()[0];
    assert_eq!(rec.outcome, Outcome::Completed);
    assert_eq!(rec.attempts.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn every_fault_leaves_exactly_one_record_and_answers_from_the_fallback() {
    let primary = Arc::new(chaos("primary").repeat("primary ok"));
    let backup = Arc::new(ScriptedProvider::named("backup").repeat("backup ok"));
    let router = fault_router(Duration::from_secs(10));
    let (c, obs) = client(router, vec![primary.clone(), backup.clone()]);
    let faults = ["rate", "server", "decode", "hang", "cut0", "fine", "quota"];
    let mut outcomes = Vec::new();
    for f in faults {
        let q = req("chat").user(format!("please {f}"));
        let full = c.chat(q.clone()).await;
        let streamed = match c.chat_stream(q).await {
            Ok(s) => s.into_response().await,
            Err(e) => Err(e),
        };
        outcomes.push((f, full.map(|r| r.text()), streamed.map(|r| r.text())));
    }
    for (f, full, streamed) in &outcomes {
        let want = match *f {
            // `rate` waits out its Retry-After and fails again: the backup answers
            "rate" | "server" | "decode" | "hang" | "cut0" => Some("backup ok"),
            "fine" => Some("primary ok"),
            _ => None,
        };
        match want {
            Some(w) => {
                assert_eq!(full.as_deref().ok(), Some(w), "{f} full");
                assert_eq!(streamed.as_deref().ok(), Some(w), "{f} streamed");
            }
            None => {
                assert_eq!(
                    full.as_ref().unwrap_err().class().as_str(),
                    "quota_exhausted"
                );
                assert_eq!(
                    streamed.as_ref().unwrap_err().class().as_str(),
                    "quota_exhausted"
                );
            }
        }
    }
    // exactly one record per exchange, every attempt bounded by the policy
    let recs = obs.records();
    assert_eq!(recs.len(), faults.len() * 2);
    assert!(recs.iter().all(|r| r.attempts.len() <= 3));
    assert!(recs.iter().all(|r| {
        r.attempts
            .iter()
            .all(|a| a.outcome != AttemptOutcome::Pending)
    }));
    assert_eq!(c.in_flight(), 0);
    assert_eq!(c.observer_panics(), 0);
}

#[tokio::test]
async fn a_stream_cut_after_the_first_chunk_does_not_fall_back() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(json(200, fixture("chat_response.json")))
        .expect(0)
        .mount(&server)
        .await;
    let sse = fixture("stream_text.sse");
    // the first two events of a recorded stream, then the connection drops
    let head: String = sse
        .split("\n\n")
        .take(3)
        .map(|e| format!("{e}\n\n"))
        .collect();
    let cut = super::support::cutting_server(head).await;
    let first = OpenAi::compatible(format!("{cut}/v1"))
        .named("east")
        .api_key(ApiKey::new("sk-test-0000000000000000000000000000"));
    let router = Router::builder()
        .group("chat", ["east/gpt-4o-mini", "west/gpt-4o-mini"])
        .build()
        .unwrap();
    let (c, obs) = client(
        router,
        vec![Arc::new(first), Arc::new(openai("west", &server))],
    );
    let mut s = c.chat_stream(req("chat")).await.unwrap();
    let mut text = String::new();
    let mut err = None;
    while let Some(ev) = s.next().await {
        match ev {
            Ok(StreamEvent::Delta { text: t }) => text.push_str(&t),
            Ok(_) => {}
            Err(e) => {
                err = Some(e);
                break;
            }
        }
    }
    drop(s);
    match err {
        Some(Error::StreamInterrupted { received_text, .. }) => {
            assert_eq!(received_text, text);
            assert_eq!(text, "Hello");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(obs.records().len(), 1);
    server.verify().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_faults_leave_one_record_each() {
    let primary = Arc::new(chaos("primary").repeat("primary ok"));
    let backup = Arc::new(ScriptedProvider::named("backup").repeat("backup ok"));
    let router = Router::builder()
        .group("chat", ["primary/m", "backup/m"])
        .retry(
            RetryPolicy::default()
                .retries_per_deployment(0)
                .attempt_timeout(Duration::from_millis(50)),
        )
        // an open breaker would send the quota faults to the backup too
        .breaker(BreakerPolicy::disabled())
        .build()
        .unwrap();
    let (c, obs) = client(router, vec![primary, backup]);
    let faults = ["server", "decode", "hang", "cut0", "fine", "quota"];
    let mut tasks = Vec::new();
    for i in 0..120 {
        let c = c.clone();
        let f = faults[i % faults.len()];
        tasks.push(tokio::spawn(async move {
            let q = req("chat").user(format!("please {f}"));
            if i % 2 == 0 {
                c.chat(q).await.map(|r| r.text())
            } else {
                match c.chat_stream(q).await {
                    Ok(s) => s.into_response().await.map(|r| r.text()),
                    Err(e) => Err(e),
                }
            }
        }));
    }
    let mut ok = 0;
    for t in tasks {
        if t.await.unwrap().is_ok() {
            ok += 1;
        }
    }
    // everything but the quota faults is answered (by the backup if need be)
    assert_eq!(ok, 100);
    assert_eq!(obs.records().len(), 120);
    assert_eq!(c.in_flight(), 0);
}
