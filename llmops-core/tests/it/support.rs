//! Helpers shared by the integration tests.
// the wire helpers serve only the provider tests
#![cfg_attr(not(any(feature = "openai", feature = "anthropic")), allow(dead_code))]

use std::time::Duration;

use wiremock::ResponseTemplate;

/// A client with one provider and a `MemoryObserver` that sees its records.
pub fn client_with(
    p: impl llmops_core::Provider,
) -> (llmops_core::Client, llmops_core::MemoryObserver) {
    let obs = llmops_core::MemoryObserver::new();
    let c = llmops_core::Client::builder()
        .provider(p)
        .observer(obs.clone())
        .build()
        .unwrap();
    (c, obs)
}

/// A fixture file of `tests/fixtures/<provider>/`.
pub fn fixture(provider: &str, name: &str) -> String {
    let p = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(provider)
        .join(name);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// A 200 response with a server-sent-event body.
pub fn sse(body: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.as_bytes().to_vec(), "text/event-stream")
}

/// A server on 127.0.0.1 that answers one request with HTTP 200 headers and `body` as the
/// first chunk of a chunked event stream, then closes the connection without ending it.
/// Returns `http://127.0.0.1:PORT`.
pub async fn cutting_server(body: String) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut sock, _) = listener.accept().await.unwrap();
        let mut buf = vec![0u8; 64 * 1024];
        let _ = sock.read(&mut buf).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n";
        sock.write_all(head.as_bytes()).await.unwrap();
        sock.write_all(format!("{:x}\r\n{body}\r\n", body.len()).as_bytes())
            .await
            .unwrap();
        sock.flush().await.unwrap();
        tokio::time::sleep(Duration::from_millis(20)).await;
    });
    format!("http://{addr}")
}

#[cfg(feature = "routing")]
/// A scripted provider named `name` that fails with the fault the request's last word names:
/// `rate` (429 with Retry-After 500 ms), `quota`, `server`, `decode`, `hang`, `cut0` (a stream
/// cut before its first event), `partial` (two events, then the connection cut); any other
/// word is left to the provider's queue or `repeat` reply.
pub fn chaos(name: &str) -> llmops_core::ScriptedProvider {
    use llmops_core::provider::scripted::Step;
    use llmops_core::{ChatResponse, ProviderError, ProviderErrorKind};
    let n = name.to_owned();
    llmops_core::ScriptedProvider::named(name).responder(move |r| {
        let q = r.last_user_text()?;
        let err = |k: ProviderErrorKind, m: &str| ProviderError::new(k, n.clone(), m);
        let cut = |text: &str, after: usize| Step::FailMidStream {
            response: ChatResponse::new(text),
            after,
            error: err(ProviderErrorKind::Network, "cut").into(),
        };
        match q.rsplit(' ').next()? {
            "rate" => Some(Step::Fail(
                err(ProviderErrorKind::RateLimited, "injected")
                    .with_status(429)
                    .with_retry_after(Some(Duration::from_millis(500)))
                    .into(),
            )),
            "quota" => Some(Step::Fail(
                err(ProviderErrorKind::QuotaExhausted, "injected").into(),
            )),
            "server" => Some(Step::Fail(
                err(ProviderErrorKind::Server, "injected").into(),
            )),
            "decode" => Some(Step::Fail(
                err(ProviderErrorKind::Decode, "injected").into(),
            )),
            "hang" => Some(Step::Hang),
            "cut0" => Some(cut("lost", 0)),
            "partial" => Some(cut("one two three four five six seven", 2)),
            _ => None,
        }
    })
}

/// The router of the fault tests: group `chat` = `primary/m`, fallback `backup/m`, at most
/// three attempts of `attempt_timeout` each, breakers off.
#[cfg(feature = "routing")]
pub fn fault_router(attempt_timeout: Duration) -> llmops_core::routing::Router {
    use llmops_core::routing::{BreakerPolicy, RetryPolicy, Router};
    Router::builder()
        .group("chat", ["primary/m"])
        .fallback("chat", ["backup/m"])
        .retry(
            RetryPolicy::default()
                .max_attempts(3)
                .attempt_timeout(attempt_timeout),
        )
        .breaker(BreakerPolicy::disabled())
        .build()
        .unwrap()
}
