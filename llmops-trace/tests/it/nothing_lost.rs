//! Nothing lost: 10,000 exchanges with every kind of ending (completed, provider failures,
//! cancelled futures, dropped and cut streams) each appear exactly once in the request log and
//! in the audit trail after `flush()`, and in the cost ledger: its totals are the sum of the
//! records' costs, no exchange twice, none missing.

use std::collections::HashMap;
use std::time::Duration;

use futures_util::StreamExt;
use llmops_core::cost::{CostLedger, PriceTable, TablePricer};
use llmops_core::*;
use llmops_trace::{AuditLog, Metrics, RequestLog, RequestLogOptions, WhenFull, audit};

/// Fails every 7th call, otherwise answers (streams when asked).
struct Flaky(std::sync::atomic::AtomicU64, ScriptedProvider);

#[async_trait]
impl Provider for Flaky {
    fn name(&self) -> &str {
        "flaky"
    }
    async fn chat(&self, req: &ChatRequest, cx: &Exchange) -> Result<Reply> {
        let n = self.0.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        // requests marked "hang" wait until their caller gives up (a cancelled future)
        if req
            .messages
            .last()
            .is_some_and(|m| m.text().starts_with("hang"))
        {
            std::future::pending::<()>().await;
        }
        if n % 7 == 3 {
            return Err(ProviderError::new(ProviderErrorKind::Overloaded, "flaky", "busy").into());
        }
        self.1.chat(req, cx).await
    }
}

/// Cuts the stream at the first "m" (the scripted reply's third chunk is "amma d").
struct CutAtGamma;
impl StreamTap for CutAtGamma {
    fn on_event(&mut self, ev: &mut StreamEvent) -> Tap {
        match ev {
            StreamEvent::Delta { text } if text.contains('m') => Tap::Cut("gamma".into()),
            _ => Tap::Pass,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_exchanges_each_recorded_exactly_once() {
    const N: usize = 10_000;
    let dir = tempfile::tempdir().unwrap();
    let log_path = dir.path().join("requests.jsonl");
    let audit_path = dir.path().join("audit.jsonl");
    let log = RequestLog::open(
        RequestLogOptions::new(&log_path)
            .max_bytes(u64::MAX)
            .queue(1024, WhenFull::Block),
    )
    .unwrap();
    let trail = AuditLog::open(&audit_path).unwrap();
    let metrics = Metrics::new().unwrap();
    let prices = PriceTable::from_json_str(
        r#"{"flaky/m": {"litellm_provider": "flaky", "input_cost_per_token": "0.000001", "output_cost_per_token": "0.000002"}}"#,
        "test prices",
    )
    .unwrap();
    let ledger = CostLedger::new(std::sync::Arc::new(TablePricer::new(std::sync::Arc::new(
        PriceTable::bundled().unwrap().merged(&prices),
    ))));
    let provider = Flaky(
        Default::default(),
        ScriptedProvider::new()
            .repeat("alpha beta gamma delta epsilon")
            .chunks(5),
    );
    let client = Client::builder()
        .provider(provider)
        .observer(log.clone())
        .observer(metrics.clone())
        .observer(trail.exchange_observer().unwrap())
        .cost_ledger(ledger.clone())
        // requests that ask for it get a tap that cuts their stream
        .layer_at(
            Stage::BeforeProvider,
            from_fn(|req, cx, next| {
                if req
                    .messages
                    .last()
                    .is_some_and(|m| m.text().starts_with("cut"))
                {
                    cx.add_tap(Box::new(CutAtGamma));
                }
                Box::pin(next.run(req, cx))
            }),
        )
        .build()
        .unwrap();
    let mut tasks = Vec::with_capacity(N);
    for i in 0..N {
        let c = client.clone();
        tasks.push(tokio::spawn(async move {
            let req = ChatRequest::new("flaky/m").user(format!("message {i}"));
            match i % 5 {
                0 => {
                    let _ = c.chat(req).await;
                }
                1 => {
                    // cancelled: the caller drops the future while the provider works
                    let req = ChatRequest::new("flaky/m").user(format!("hang {i}"));
                    let _ = tokio::time::timeout(Duration::from_millis(1), c.chat(req)).await;
                }
                2 => {
                    if let Ok(mut s) = c.chat_stream(req).await {
                        let _ = s.next().await; // dropped after one event
                    }
                }
                3 => {
                    if let Ok(mut s) = c.chat_stream(req).await {
                        while s.next().await.is_some() {}
                    }
                }
                _ => {
                    // a stream cut by a tap
                    let req = ChatRequest::new("flaky/m").user(format!("cut {i}"));
                    if let Ok(mut s) = c.chat_stream(req).await {
                        while s.next().await.is_some() {}
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    client.flush().await.unwrap();
    assert_eq!(client.in_flight(), 0);

    let recs = RequestLog::read(&log_path).unwrap();
    assert_eq!(recs.len(), N, "request log");
    let mut per_id: HashMap<&str, usize> = HashMap::new();
    for r in &recs {
        *per_id.entry(r.request_id.as_str()).or_default() += 1;
    }
    assert_eq!(per_id.len(), N, "every request id exactly once");
    let mut outcomes: HashMap<&str, usize> = HashMap::new();
    for r in &recs {
        *outcomes.entry(r.outcome.as_str()).or_default() += 1;
    }
    for kind in [
        "completed",
        "failed",
        "cancelled",
        "stream_dropped",
        "stream_cut",
    ] {
        assert!(
            outcomes.get(kind).copied().unwrap_or(0) > 0,
            "no {kind} in {outcomes:?}"
        );
    }
    assert_eq!(log.stats().dropped, 0);

    let snap = metrics.snapshot();
    let counted: u64 = snap.series.values().map(|s| s.requests).sum();
    assert_eq!(counted as usize, N, "metrics");
    let by_outcome = &snap.by_model()["flaky/m"].outcomes;
    for (kind, n) in &outcomes {
        assert_eq!(
            by_outcome[*kind] as usize, *n,
            "metrics agree with the log on {kind}"
        );
    }
    assert_eq!(metrics.dropped(), 0);

    // the ledger: one entry per exchange, its totals the sum of the records' costs
    let totals = ledger.totals();
    assert_eq!(
        totals.requests as usize, N,
        "ledger: none missing, none twice"
    );
    let mut known = Money::zero();
    let mut unknown = 0;
    for r in &recs {
        match &r.cost {
            Cost::Known(m) => known = known.checked_add(m).unwrap(),
            Cost::Unknown { .. } => unknown += 1,
        }
    }
    assert_eq!(unknown, 0, "every exchange priced");
    assert!(known.amount > Default::default());
    assert_eq!(
        totals.cost.amount, known.amount,
        "ledger = sum of the records"
    );
    assert_eq!(totals.unknown_cost_requests, 0);
    let attempts: usize = recs.iter().map(|r| r.attempts.len()).sum();
    assert_eq!(totals.attempts as usize, attempts);

    let v = audit::verify(&audit_path).unwrap();
    assert_eq!(v.records as usize, N, "audit trail");
    let entries = audit::tail(&audit_path, N).unwrap();
    let audited: std::collections::HashSet<&str> =
        entries.iter().map(|e| e.event.subject.as_str()).collect();
    assert_eq!(audited.len(), N);
    assert!(per_id.keys().all(|id| audited.contains(id)));
}
