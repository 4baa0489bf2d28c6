//! The exchange pipeline: stage order, `Next` re-runs, stream taps, and exactly one
//! `ExchangeRecord` for every ending.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use futures_util::StreamExt;
use llmops_core::*;
use tokio::sync::mpsc;

fn req() -> ChatRequest {
    ChatRequest::new("scripted/demo")
        .system("be brief")
        .user("hello there")
        .tenant("acme")
}

fn build(p: ScriptedProvider) -> (Client, MemoryObserver) {
    super::support::client_with(p)
}

fn only(obs: &MemoryObserver) -> ExchangeRecord {
    let recs = obs.records();
    assert_eq!(recs.len(), 1, "expected exactly one record, got {recs:#?}");
    recs.into_iter().next().unwrap()
}

#[tokio::test]
async fn completed_full_reply_yields_one_record_and_meta() {
    let (c, obs) = build(ScriptedProvider::new().reply("hi there"));
    let r = c.chat(req()).await.unwrap();
    assert_eq!(r.text(), "hi there");
    assert!(r.meta.scripted);
    assert_eq!(r.meta.provider, "scripted");
    assert_eq!(r.meta.attempts, 1);
    assert_eq!(r.meta.model_requested, "scripted/demo");
    assert_eq!(r.meta.model_answered.as_deref(), Some("demo"));
    assert_eq!(r.meta.usage_source, UsageSource::Provider);
    let rec = only(&obs);
    assert_eq!(rec.outcome, Outcome::Completed);
    assert_eq!(rec.request_id, r.meta.request_id);
    assert_eq!(rec.caller.tenant.as_deref(), Some("acme"));
    assert_eq!(rec.usage, r.usage);
    assert!(rec.scripted);
    assert_eq!(rec.response.as_ref().unwrap().text, "hi there");
    assert_eq!(rec.attempts.len(), 1);
    assert_eq!(rec.attempts[0].outcome, AttemptOutcome::Ok);
    assert!(
        rec.cost.known().is_none(),
        "no cost layer: cost is unknown, never zero"
    );
    // the record is the request-log line: it round-trips through JSON
    let json = serde_json::to_string(&rec).unwrap();
    let back: ExchangeRecord = serde_json::from_str(&json).unwrap();
    assert_eq!(back, rec);
}

#[tokio::test]
async fn provider_failure_is_one_failed_record_with_its_class() {
    let (c, obs) = build(ScriptedProvider::new().fail(ProviderErrorKind::Overloaded));
    let e = c.chat(req()).await.unwrap_err();
    assert!(e.is_retryable());
    let rec = only(&obs);
    match &rec.outcome {
        Outcome::Failed { error, .. } => assert_eq!(error.as_str(), "overloaded"),
        o => panic!("{o:?}"),
    }
    assert!(matches!(
        rec.attempts[0].outcome,
        AttemptOutcome::Failed { .. }
    ));
}

#[tokio::test]
async fn invalid_and_unroutable_requests_are_recorded_too() {
    let (c, obs) = build(ScriptedProvider::new().repeat("x"));
    let e = c.chat(ChatRequest::new("scripted/demo")).await.unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)));
    let e = c.chat(req().temperature(7.0)).await.unwrap_err();
    assert!(matches!(e, Error::InvalidRequest(_)));
    let two = Client::builder()
        .provider(ScriptedProvider::named("a"))
        .provider(ScriptedProvider::named("b"))
        .observer(obs.clone())
        .build()
        .unwrap();
    let e = two
        .chat(ChatRequest::new("nobody-serves-this").user("x"))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::UnknownModel { .. }), "{e}");
    let e = c
        .chat(req().prompt("support@production"))
        .await
        .unwrap_err();
    assert!(e.to_string().contains("prompt"), "{e}");
    let recs = obs.records();
    assert_eq!(recs.len(), 4);
    let classes: Vec<String> = recs
        .iter()
        .map(|r| match &r.outcome {
            Outcome::Failed { error, .. } => error.to_string(),
            o => panic!("{o:?}"),
        })
        .collect();
    assert_eq!(
        classes,
        [
            "invalid_request",
            "invalid_request",
            "unknown_model",
            "invalid_request"
        ]
    );
}

/// A middleware that tells the test it was reached, then never finishes.
struct Gate(mpsc::UnboundedSender<()>);

#[async_trait]
impl Middleware for Gate {
    async fn handle(
        &self,
        _req: ChatRequest,
        _cx: &mut Exchange,
        _next: Next<'_>,
    ) -> Result<Reply> {
        let _ = self.0.send(());
        std::future::pending().await
    }
}

#[tokio::test]
async fn a_future_dropped_at_any_await_point_yields_one_cancelled_record() {
    for stage in Stage::ALL {
        let (tx, mut rx) = mpsc::unbounded_channel();
        let obs = MemoryObserver::new();
        let c = Client::builder()
            .provider(ScriptedProvider::new().repeat("x"))
            .layer_at(stage, Gate(tx))
            .observer(obs.clone())
            .build()
            .unwrap();
        tokio::select! {
            _ = c.chat(req()) => panic!("gate never returns"),
            _ = rx.recv() => {}
        }
        let rec = only(&obs);
        assert_eq!(rec.outcome, Outcome::Cancelled, "stage {stage:?}");
        assert!(rec.attempts.is_empty());
        assert_eq!(c.in_flight(), 0);
    }
    // inside the provider call: the attempt is recorded as abandoned
    let (c, obs) = build(ScriptedProvider::new().hang());
    let r = tokio::time::timeout(Duration::from_millis(20), c.chat(req())).await;
    assert!(r.is_err());
    let rec = only(&obs);
    assert_eq!(rec.outcome, Outcome::Cancelled);
    assert_eq!(rec.attempts.len(), 1);
    assert_eq!(rec.attempts[0].outcome, AttemptOutcome::Abandoned);
    // during provider latency
    let (c, obs) = build(
        ScriptedProvider::new()
            .reply("late")
            .latency(Duration::from_secs(5)),
    );
    let r = tokio::time::timeout(Duration::from_millis(20), c.chat(req())).await;
    assert!(r.is_err());
    assert_eq!(only(&obs).outcome, Outcome::Cancelled);
    // while chat() aggregates a slow stream (a provider that streams even when not asked)
    let obs = MemoryObserver::new();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let c = Client::builder()
        .provider(ForceStream(
            ScriptedProvider::new()
                .reply("one two three")
                .chunks(3)
                .chunk_delay(Duration::from_millis(30)),
        ))
        .stream_tap(move || Signal(tx.clone()))
        .observer(obs.clone())
        .build()
        .unwrap();
    tokio::select! {
        biased;
        _ = rx.recv() => {}
        _ = c.chat(req()) => panic!("should be dropped first"),
    }
    let rec = only(&obs);
    assert_eq!(rec.outcome, Outcome::Cancelled);
    assert_eq!(rec.attempts[0].outcome, AttemptOutcome::Abandoned);
}

/// A provider that always streams.
struct ForceStream(ScriptedProvider);

#[async_trait]
impl Provider for ForceStream {
    fn name(&self) -> &str {
        self.0.name()
    }
    async fn chat(&self, req: &ChatRequest, cx: &Exchange) -> Result<Reply> {
        let mut req = req.clone();
        req.stream = true;
        self.0.chat(&req, cx).await
    }
}

/// A tap that signals each event it sees.
struct Signal(mpsc::UnboundedSender<()>);

impl StreamTap for Signal {
    fn on_event(&mut self, _ev: &mut StreamEvent) -> Tap {
        let _ = self.0.send(());
        Tap::Pass
    }
}

#[tokio::test]
async fn completed_stream_is_one_record_with_ttft_and_usage() {
    let (c, obs) = build(ScriptedProvider::new().reply("a b c d e f g h").chunks(4));
    let mut s = c.chat_stream(req()).await.unwrap();
    assert!(s.meta().is_none());
    let mut text = String::new();
    let mut kinds = Vec::new();
    while let Some(ev) = s.next().await {
        let ev = ev.unwrap();
        if let StreamEvent::Delta { text: t } = &ev {
            text.push_str(t);
        }
        kinds.push(ev);
    }
    assert_eq!(text, "a b c d e f g h");
    assert!(matches!(kinds.last(), Some(StreamEvent::Finish { .. })));
    let meta = s.meta().unwrap().clone();
    assert!(meta.ttft.is_some());
    drop(s);
    let rec = only(&obs);
    assert_eq!(rec.outcome, Outcome::Completed);
    assert!(rec.stream);
    assert_eq!(rec.usage_source, UsageSource::Provider);
    assert_eq!(rec.usage.output_tokens, 8);
    assert!(rec.ttft.is_some());
    assert_eq!(rec.response.unwrap().text, "a b c d e f g h");
    assert_eq!(rec.attempts[0].outcome, AttemptOutcome::Ok);
}

#[tokio::test]
async fn a_stream_dropped_after_k_events_is_one_dropped_record() {
    // Start, 4 deltas, Usage, Finish = 7 events
    for k in 0..7 {
        let (c, obs) = build(ScriptedProvider::new().reply("w1 w2 w3 w4").chunks(4));
        let mut s = c.chat_stream(req()).await.unwrap();
        for _ in 0..k {
            s.next().await.unwrap().unwrap();
        }
        drop(s);
        let rec = only(&obs);
        match rec.outcome {
            Outcome::StreamDropped { events_delivered } => assert_eq!(events_delivered, k as u64),
            o => panic!("k={k}: {o:?}"),
        }
        assert_eq!(rec.attempts[0].outcome, AttemptOutcome::Abandoned);
        assert!(
            rec.usage_source == UsageSource::Estimated || rec.usage_source == UsageSource::Provider
        );
        assert!(
            rec.usage.input_tokens > 0,
            "usage so far is kept (estimated): {:?}",
            rec.usage
        );
        assert_eq!(c.in_flight(), 0);
    }
    // after the finish event the reply counts as delivered even if the consumer stops polling
    let (c, obs) = build(ScriptedProvider::new().reply("w1 w2").chunks(2));
    let mut s = c.chat_stream(req()).await.unwrap();
    for _ in 0..5 {
        s.next().await.unwrap().unwrap();
    }
    drop(s);
    assert_eq!(only(&obs).outcome, Outcome::Completed);
}

#[tokio::test]
async fn provider_error_mid_stream_is_an_err_item_not_an_end() {
    let (c, obs) = build(
        ScriptedProvider::new()
            .fail_mid_stream("never finished here", 3)
            .chunks(4),
    );
    let mut s = c.chat_stream(req()).await.unwrap();
    let mut oks = 0;
    let mut err = None;
    while let Some(ev) = s.next().await {
        match ev {
            Ok(_) => oks += 1,
            Err(e) => err = Some(e),
        }
    }
    assert_eq!(oks, 3);
    let e = err.expect("an error item");
    assert_eq!(e.class().as_str(), "network");
    let rec = only(&obs);
    assert!(matches!(rec.outcome, Outcome::Failed { .. }));
    assert!(matches!(
        rec.attempts[0].outcome,
        AttemptOutcome::Failed { .. }
    ));
    assert_eq!(rec.usage_source, UsageSource::Estimated);
    assert!(rec.usage.output_tokens > 0);
    // chat() over the same failure returns the error and records once
    let (c, obs) = build(ScriptedProvider::new().fail_mid_stream("x y", 1));
    assert!(c.chat(req()).await.is_err());
    assert_eq!(obs.len(), 1);
}

/// Cuts at a forbidden word; holds everything while a word might be forming.
struct CutOn(&'static str);

impl StreamTap for CutOn {
    fn name(&self) -> &str {
        "cut-on"
    }
    fn on_event(&mut self, ev: &mut StreamEvent) -> Tap {
        match ev {
            StreamEvent::Delta { text } if text.contains(self.0) => {
                Tap::Cut(format!("saw {}", self.0))
            }
            _ => Tap::Pass,
        }
    }
}

/// Cuts like [`CutOn`] and explains the cut as a guard's refusal.
struct RefuseOn(&'static str);

impl StreamTap for RefuseOn {
    fn name(&self) -> &str {
        "refuse-on"
    }
    fn on_event(&mut self, ev: &mut StreamEvent) -> Tap {
        CutOn(self.0).on_event(ev)
    }
    fn refusal(&mut self) -> Option<llmops_core::GuardRefusal> {
        Some(llmops_core::GuardRefusal::blocked(
            "refuse-on",
            llmops_core::TextSource::Output,
            "secret.word",
            "the secret word",
        ))
    }
}

/// Same name as [`RefuseOn`], never cuts, but would explain a cut differently.
struct Decoy;

impl StreamTap for Decoy {
    fn name(&self) -> &str {
        "refuse-on"
    }
    fn on_event(&mut self, _ev: &mut StreamEvent) -> Tap {
        Tap::Pass
    }
    fn refusal(&mut self) -> Option<llmops_core::GuardRefusal> {
        Some(llmops_core::GuardRefusal::blocked(
            "refuse-on",
            llmops_core::TextSource::Output,
            "decoy",
            "not the tap that cut",
        ))
    }
}

#[tokio::test]
async fn a_tap_with_a_refusal_ends_the_stream_with_a_guard_error() {
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(ScriptedProvider::new().reply("aaaaaa SECRET").chunks(2))
        .stream_tap(|| CutOn("nothing"))
        .stream_tap(|| Decoy)
        .stream_tap(|| RefuseOn("SECRET"))
        .observer(obs.clone())
        .build()
        .unwrap();
    let mut s = c.chat_stream(req()).await.unwrap();
    let mut delivered = String::new();
    let mut err = None;
    while let Some(ev) = s.next().await {
        match ev {
            Ok(StreamEvent::Delta { text }) => delivered.push_str(&text),
            Ok(_) => {}
            Err(e) => err = Some(e),
        }
    }
    assert_eq!(delivered, "aaaaaa ");
    let Some(Error::Guard(r)) = err else {
        panic!("not a guard error: {err:?}")
    };
    assert_eq!(
        (r.guard.as_str(), r.category.as_str()),
        ("refuse-on", "secret.word")
    );
    assert_eq!(Error::Guard(r).class().as_str(), "guard_blocked");
    assert!(matches!(only(&obs).outcome, Outcome::StreamCut { ref tap, .. } if tap == "refuse-on"));
}

/// Holds every delta until the finish event, uppercasing deltas on the way.
#[derive(Default)]
struct HoldUntilFinish;

impl StreamTap for HoldUntilFinish {
    fn on_event(&mut self, ev: &mut StreamEvent) -> Tap {
        match ev {
            StreamEvent::Delta { text } => {
                *text = text.to_uppercase();
                Tap::Hold
            }
            _ => Tap::Pass,
        }
    }
}

#[tokio::test]
async fn taps_cut_hold_and_rewrite() {
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(ScriptedProvider::new().reply("aaaaaa SECRET").chunks(2))
        .stream_tap(|| CutOn("SECRET"))
        .observer(obs.clone())
        .build()
        .unwrap();
    let mut s = c.chat_stream(req()).await.unwrap();
    let mut delivered = String::new();
    let mut cut = None;
    while let Some(ev) = s.next().await {
        match ev {
            Ok(StreamEvent::Delta { text }) => delivered.push_str(&text),
            Ok(_) => {}
            Err(e) => cut = Some(e),
        }
    }
    assert_eq!(delivered, "aaaaaa ");
    assert!(matches!(cut, Some(Error::StreamCut { ref tap, .. }) if tap == "cut-on"));
    let rec = only(&obs);
    assert!(matches!(rec.outcome, Outcome::StreamCut { .. }));

    // a full reply goes through the same taps
    let (c2, obs2) = {
        let obs = MemoryObserver::new();
        let c = Client::builder()
            .provider(ScriptedProvider::new().reply("top SECRET"))
            .stream_tap(|| CutOn("SECRET"))
            .observer(obs.clone())
            .build()
            .unwrap();
        (c, obs)
    };
    assert!(matches!(c2.chat(req()).await, Err(Error::StreamCut { .. })));
    assert!(matches!(only(&obs2).outcome, Outcome::StreamCut { .. }));

    // hold: nothing is released before the finish event passes; order and rewrite are kept
    let c3 = Client::builder()
        .provider(ScriptedProvider::new().reply("abcdef").chunks(3))
        .stream_tap(HoldUntilFinish::default)
        .build()
        .unwrap();
    let r = c3.chat(req()).await.unwrap();
    assert_eq!(r.text(), "ABCDEF");
}

/// Cuts when a word is split across chunks: keeps a window of held text.
struct WindowCut {
    word: &'static str,
    window: String,
}

impl StreamTap for WindowCut {
    fn on_event(&mut self, ev: &mut StreamEvent) -> Tap {
        if let StreamEvent::Delta { text } = ev {
            self.window.push_str(text);
            if self.window.contains(self.word) {
                return Tap::Cut("split word".into());
            }
            // hold while the tail could still begin the word
            let tail_could_start =
                (1..self.word.len()).any(|n| self.window.ends_with(&self.word[..n]));
            if tail_could_start {
                return Tap::Hold;
            }
            self.window.clear();
        }
        Tap::Pass
    }
}

#[tokio::test]
async fn a_held_window_stops_a_word_split_across_chunks() {
    for chunks in 1..=12 {
        let c = Client::builder()
            .provider(
                ScriptedProvider::new()
                    .reply("the password is hunter2")
                    .chunks(chunks),
            )
            .stream_tap(|| WindowCut {
                word: "hunter2",
                window: String::new(),
            })
            .build()
            .unwrap();
        let mut s = c.chat_stream(req()).await.unwrap();
        let mut delivered = String::new();
        while let Some(ev) = s.next().await {
            if let Ok(StreamEvent::Delta { text }) = ev {
                delivered.push_str(&text);
            }
        }
        assert!(
            !delivered.contains("hunter"),
            "chunks={chunks}: leaked {delivered:?}"
        );
    }
}

#[tokio::test]
async fn deadline_and_shutdown() {
    let (c, obs) = build(
        ScriptedProvider::new()
            .reply("slow")
            .latency(Duration::from_secs(10)),
    );
    let e = c
        .chat(req().timeout(Duration::from_millis(30)))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Deadline(_)), "{e}");
    assert_eq!(only(&obs).outcome.as_str(), "failed");

    let (c, obs) = build(ScriptedProvider::new().repeat("w1 w2 w3").chunks(3));
    let mut s = c.chat_stream(req()).await.unwrap();
    s.next().await.unwrap().unwrap();
    assert_eq!(c.in_flight(), 1);
    let c2 = c.clone();
    let shut = tokio::spawn(async move { c2.shutdown().await });
    tokio::time::sleep(Duration::from_millis(20)).await;
    assert!(!shut.is_finished(), "shutdown waits for the live stream");
    assert!(matches!(c.chat(req()).await, Err(Error::Shutdown)));
    drop(s);
    shut.await.unwrap().unwrap();
    assert_eq!(obs.len(), 2);
    c.flush().await.unwrap();
}

struct Panicky;
impl Observer for Panicky {
    fn on_finish(&self, _rec: &ExchangeRecord) {
        panic!("observer bug");
    }
}

#[tokio::test]
async fn a_panicking_observer_does_not_lose_records_for_others() {
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("x"))
        .observer(Panicky)
        .observer(obs.clone())
        .build()
        .unwrap();
    c.chat(req()).await.unwrap();
    assert_eq!(obs.len(), 1);
    assert_eq!(c.observer_panics(), 1);
}

/// Records the order in which middlewares see the request.
struct Trace(&'static str, Arc<Mutex<Vec<&'static str>>>);

#[async_trait]
impl Middleware for Trace {
    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        self.1.lock().unwrap().push(self.0);
        next.run(req, cx).await
    }
}

#[tokio::test]
async fn slots_run_in_pipeline_order_whatever_the_order_added() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("x"))
        .layer_at(Stage::BeforeProvider, Trace("provider-1", log.clone()))
        .layer_at(Stage::BeforeCache, Trace("cache", log.clone()))
        .layer_at(Stage::BeforePrompt, Trace("prompt", log.clone()))
        .layer_at(Stage::BeforeProvider, Trace("provider-2", log.clone()))
        .core_layer(CoreStage::Cache, Arc::new(Trace("core-cache", log.clone())))
        .layer_at(Stage::BeforeGuard, Trace("guard", log.clone()))
        .build()
        .unwrap();
    c.chat(req()).await.unwrap();
    assert_eq!(
        *log.lock().unwrap(),
        [
            "prompt",
            "guard",
            "cache",
            "core-cache",
            "provider-1",
            "provider-2"
        ]
    );
}

/// A minimal router: retries a retryable failure once by re-running `next`.
struct RetryOnce;

#[async_trait]
impl Middleware for RetryOnce {
    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        match next.run(req.clone(), cx).await {
            Err(e) if e.is_retryable() => next.run(req, cx).await,
            other => other,
        }
    }
}

#[tokio::test]
async fn next_reruns_per_attempt_and_every_attempt_is_recorded() {
    let per_attempt = Arc::new(AtomicUsize::new(0));
    let n = per_attempt.clone();
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(
            ScriptedProvider::new()
                .fail(ProviderErrorKind::RateLimited)
                .reply("ok now"),
        )
        .core_layer(CoreStage::Router, Arc::new(RetryOnce))
        .layer_at(
            Stage::BeforeProvider,
            from_fn(move |req, cx, next| {
                n.fetch_add(1, Ordering::SeqCst);
                Box::pin(next.run(req, cx))
            }),
        )
        .observer(obs.clone())
        .build()
        .unwrap();
    let r = c.chat(req()).await.unwrap();
    assert_eq!(r.text(), "ok now");
    assert_eq!(r.meta.attempts, 2);
    assert_eq!(per_attempt.load(Ordering::SeqCst), 2);
    let rec = only(&obs);
    assert_eq!(rec.attempts.len(), 2);
    assert!(
        matches!(&rec.attempts[0].outcome, AttemptOutcome::Failed { error, .. } if error.as_str() == "rate_limited")
    );
    assert_eq!(rec.attempts[1].outcome, AttemptOutcome::Ok);
    assert_eq!(rec.attempts[1].attempt, 2);
}

#[tokio::test]
async fn parameters_resolve_request_over_prompt_over_default_and_say_so() {
    let p = Arc::new(ScriptedProvider::new().repeat("x"));
    let mut defaults = Params::default();
    defaults.temperature = Some(1.0);
    defaults.max_tokens = Some(100);
    defaults.seed = Some(7);
    let c = Client::builder()
        .provider_arc(p.clone())
        .default_params(defaults)
        .layer_at(
            Stage::BeforeProvider,
            from_fn(|req, cx, next| {
                let mut prompt = Params::default();
                prompt.max_tokens = Some(50);
                prompt.temperature = Some(0.5);
                cx.prompt_params = Some(prompt);
                Box::pin(next.run(req, cx))
            }),
        )
        .build()
        .unwrap();
    let r = c.chat(req().temperature(0.1)).await.unwrap();
    let sent = p.requests().pop().unwrap();
    assert_eq!(sent.params.temperature, Some(0.1));
    assert_eq!(sent.params.max_tokens, Some(50));
    assert_eq!(sent.params.seed, Some(7));
    assert_eq!(r.meta.params["temperature"], ParamSource::Request);
    assert_eq!(r.meta.params["max_tokens"], ParamSource::Prompt);
    assert_eq!(r.meta.params["seed"], ParamSource::Default);
    // the provider receives the provider-side model name
    assert_eq!(sent.model, "demo");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_exchanges_with_mixed_endings_yield_one_record_each() {
    let obs = MemoryObserver::new();
    let p = ScriptedProvider::new()
        .repeat("alpha beta gamma delta")
        .chunks(4);
    let c = Client::builder()
        .provider(p)
        .observer(obs.clone())
        .build()
        .unwrap();
    let mut tasks = Vec::new();
    for i in 0..400usize {
        let c = c.clone();
        tasks.push(tokio::spawn(async move {
            match i % 4 {
                0 => {
                    c.chat(req()).await.unwrap();
                }
                1 => {
                    let mut s = c.chat_stream(req()).await.unwrap();
                    while s.next().await.is_some() {}
                }
                2 => {
                    let mut s = c.chat_stream(req()).await.unwrap();
                    let _ = s.next().await;
                }
                _ => {
                    let _ = c.chat(ChatRequest::new("scripted/x")).await;
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    let recs = obs.records();
    assert_eq!(recs.len(), 400);
    let mut ids: Vec<_> = recs.iter().map(|r| r.request_id.clone()).collect();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 400);
    assert_eq!(c.in_flight(), 0);
}

#[test]
fn no_telemetry_name_literal_outside_semconv() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .unwrap()
        .to_path_buf();
    let mut offenders = Vec::new();
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let name = path.file_name().unwrap().to_string_lossy().to_string();
            if path.is_dir() {
                if name != "target" && !name.starts_with('.') && name != "fixtures" {
                    stack.push(path);
                }
            } else if name.ends_with(".rs")
                && name != "semconv.rs"
                && name != "pipeline.rs"
                // these assert the names as an OTLP receiver (ours, Phoenix) sees them, on
                // purpose not via semconv
                && !path.to_string_lossy().contains("llmops-trace/tests/otel/")
            {
                // the config file's name is not a telemetry name
                let text = std::fs::read_to_string(&path)
                    .unwrap()
                    .replace("\"llmops.toml", "");
                if text.contains("\"gen_ai.") || text.contains("\"llmops.") {
                    offenders.push(path.display().to_string());
                }
            }
        }
    }
    assert!(
        offenders.is_empty(),
        "telemetry names belong in semconv.rs: {offenders:?}"
    );
}

/// Prices every exchange by its output tokens (one micro-dollar each).
struct PerOutputToken;

impl Pricer for PerOutputToken {
    fn price(&self, rec: &ExchangeRecord) -> Cost {
        Cost::Known(Money::from_micros(rec.usage.output_tokens as i64))
    }
}

/// What the finishers saw: request id and priced micro-dollars.
type Settled = Arc<Mutex<Vec<(String, Option<i64>)>>>;

/// A layer that leaves a finisher on every exchange.
struct Settles(Settled);

#[async_trait]
impl Middleware for Settles {
    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        let seen = self.0.clone();
        cx.on_finish(move |rec| {
            seen.lock()
                .unwrap()
                .push((rec.request_id.clone(), rec.cost.known().map(Money::micros)));
        });
        next.run(req, cx).await
    }
}

#[tokio::test]
async fn the_pricer_and_finishers_see_every_ending_once() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(
            ScriptedProvider::new()
                .reply("one two three")
                .fail(ProviderErrorKind::Server)
                .reply("a streamed answer of six words")
                .chunks(6),
        )
        .pricer(Arc::new(PerOutputToken))
        .layer_at(Stage::BeforeProvider, Settles(seen.clone()))
        .observer(obs.clone())
        .build()
        .unwrap();
    let r = c.chat(req()).await.unwrap();
    assert_eq!(r.meta.cost.known().map(Money::micros), Some(3));
    assert!(c.chat(req()).await.is_err());
    // a stream dropped after two events: still priced, still settled, once
    let mut s = c.chat_stream(req()).await.unwrap();
    s.next().await.unwrap().unwrap();
    s.next().await.unwrap().unwrap();
    drop(s);
    let recs = obs.records();
    assert_eq!(recs.len(), 3);
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 3, "one finisher run per exchange: {seen:?}");
    for (rec, (id, micros)) in recs.iter().zip(&seen) {
        assert_eq!(&rec.request_id, id);
        assert_eq!(
            rec.cost.known().map(Money::micros),
            *micros,
            "finishers see the priced record"
        );
        assert!(rec.cost.known().is_some(), "{:?}", rec.outcome);
    }
}

/// Keeps the last 3 bytes of text inside itself (an incremental scanner's window), releases
/// them when generation ends, uppercased; reports one guard decision.
#[derive(Default)]
struct KeepTail {
    kept: String,
}

impl StreamTap for KeepTail {
    fn name(&self) -> &str {
        "keep-tail"
    }
    fn on_event(&mut self, ev: &mut StreamEvent) -> Tap {
        if let StreamEvent::Delta { text } = ev {
            self.kept.push_str(text);
            let cut = self.kept.len().saturating_sub(3);
            let rest = self.kept.split_off(cut);
            *text = std::mem::replace(&mut self.kept, rest);
        }
        Tap::Pass
    }
    fn drain(&mut self) -> Vec<StreamEvent> {
        if self.kept.is_empty() {
            return Vec::new();
        }
        vec![StreamEvent::delta(
            std::mem::take(&mut self.kept).to_uppercase(),
        )]
    }
    fn take_findings(&mut self) -> Vec<GuardFinding> {
        vec![GuardFinding::new(
            "keep-tail",
            TextSource::Output,
            "flag",
            vec!["test.tail".into()],
            0.5,
        )]
    }
}

#[tokio::test]
async fn taps_drain_what_they_kept_before_finish_and_report_findings() {
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(ScriptedProvider::new().reply("abcdefgh").chunks(4))
        .stream_tap(KeepTail::default)
        // a later tap sees the drained event like any other
        .stream_tap(|| HoldUntilFinish)
        .observer(obs.clone())
        .build()
        .unwrap();
    let s = c.chat_stream(req()).await.unwrap();
    let events: Vec<StreamEvent> = s.map(|e| e.unwrap()).collect().await;
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            StreamEvent::Delta { text } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(text, "ABCDEFGH");
    // the drained tail comes before the finish event
    let last_delta = events
        .iter()
        .rposition(|e| matches!(e, StreamEvent::Delta { .. }))
        .unwrap();
    let finish = events
        .iter()
        .position(|e| matches!(e, StreamEvent::Finish { .. }))
        .unwrap();
    assert!(last_delta < finish);
    let rec = only(&obs);
    assert_eq!(rec.guard_findings.len(), 1);
    assert_eq!(rec.guard_findings[0].guard, "keep-tail");
    // the record keeps what the provider generated
    assert_eq!(rec.response.unwrap().text, "abcdefgh");
}
