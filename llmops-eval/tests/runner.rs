//! The runner: concurrency, order, timeouts, retries, repeats, cache, cancellation, sinks,
//! evaluation results recorded on the client, and the targets.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic,
    missing_docs
)]

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use llmops_core::{
    ChatRequest, Client, Cost, EvalCase, EvalOutput, EvaluationResult, Evaluator, ExchangeRecord,
    Message, Money, Observer, ProviderErrorKind, Score, ScriptedProvider, Usage, async_trait,
};
use llmops_eval::runner::{JsonlSink, OutputCache, Runner};
use llmops_eval::targets::{ClientTarget, FnTarget, StaticOutputs};
use llmops_eval::{AssertionSpec, BuildContext, Case, Dataset, Registry, Status};

/// `contains`: the output contains the spec's value.
struct Contains(String);
#[async_trait]
impl Evaluator for Contains {
    fn name(&self) -> &str {
        "contains"
    }
    async fn evaluate(&self, _: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        Ok(Score::binary(
            out.text.contains(&self.0),
            format!("looked for {:?}", self.0),
        ))
    }
}

/// `judge`: a pretend model-graded evaluator that spends tokens and money and counts calls.
struct Judge(Arc<AtomicU64>);
#[async_trait]
impl Evaluator for Judge {
    fn name(&self) -> &str {
        "judge"
    }
    async fn evaluate(&self, _: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        self.0.fetch_add(1, Ordering::SeqCst);
        Ok(
            Score::new(0.8, true, format!("judged {:?}", out.text)).with_cost(
                Cost::Known(Money::usd_str("0.001").unwrap()),
                Usage::new(100, 10),
            ),
        )
    }
}

/// `boom`: always fails.
struct Boom;
#[async_trait]
impl Evaluator for Boom {
    fn name(&self) -> &str {
        "boom"
    }
    async fn evaluate(&self, _: &EvalCase, _: &EvalOutput) -> llmops_core::Result<Score> {
        Err(llmops_core::Error::invalid(
            "judge replied with prose, not JSON",
        ))
    }
}

fn registry(judge_calls: Arc<AtomicU64>) -> Registry {
    let mut r = Registry::new(BuildContext::new());
    r.register("contains", |s: &AssertionSpec, _: &BuildContext| {
        Ok(Arc::new(Contains(s.value_str()?.to_owned())) as Arc<dyn Evaluator>)
    });
    r.register("judge", move |_: &AssertionSpec, _: &BuildContext| {
        Ok(Arc::new(Judge(judge_calls.clone())) as Arc<dyn Evaluator>)
    });
    r.register("boom", |_: &AssertionSpec, _: &BuildContext| {
        Ok(Arc::new(Boom) as Arc<dyn Evaluator>)
    });
    r
}

fn reg() -> Registry {
    registry(Arc::new(AtomicU64::new(0)))
}

/// `n` cases `c00..`, each asking for `q` = its index and asserting the echo contains it.
fn suite(n: usize) -> Dataset {
    let cases = (0..n)
        .map(|i| {
            Case::new(format!("c{i:02}"))
                .var("q", i.to_string())
                .assert(AssertionSpec::new("contains", format!("#{i}")))
        })
        .collect();
    Dataset::new("suite", cases).unwrap()
}

fn q(case: &EvalCase) -> u64 {
    case.vars["q"].as_str().unwrap().parse().unwrap()
}

/// Echoes `#q` after a delay that makes later cases finish first; counts calls and the most
/// calls in flight at once.
#[derive(Clone, Default)]
struct Probe {
    calls: Arc<AtomicU64>,
    in_flight: Arc<AtomicUsize>,
    max_in_flight: Arc<AtomicUsize>,
}

impl Probe {
    fn target(&self, id: &str, n: u64) -> FnTarget {
        let p = self.clone();
        FnTarget::new(id, move |case: EvalCase| {
            let p = p.clone();
            async move {
                p.calls.fetch_add(1, Ordering::SeqCst);
                let now = p.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
                p.max_in_flight.fetch_max(now, Ordering::SeqCst);
                let i = q(&case);
                tokio::time::sleep(Duration::from_millis(2 + 3 * (n - i % n))).await;
                p.in_flight.fetch_sub(1, Ordering::SeqCst);
                let mut out = EvalOutput::text(format!("answer #{i}"));
                out.meta.cost = Cost::Known(Money::usd_str("0.1").unwrap());
                out.usage = Usage::new(10, 5);
                Ok(out)
            }
        })
    }
}

#[tokio::test]
async fn concurrency_is_bounded_and_suite_order_kept() {
    let probe = Probe::default();
    let ds = suite(24);
    let report = Runner::new(reg())
        .concurrency(3)
        .run(&ds, &probe.target("echo", 24))
        .await
        .unwrap();
    assert_eq!(probe.max_in_flight.load(Ordering::SeqCst), 3);
    let ids: Vec<&str> = report.cases.iter().map(|c| c.id.as_str()).collect();
    let want: Vec<String> = (0..24).map(|i| format!("c{i:02}")).collect();
    assert_eq!(ids, want);
    assert!(report.complete);
    assert_eq!((report.totals.passed, report.totals.pass_rate), (24, 1.0));
    // 24 × $0.1 summed exactly (f64 would give 2.4000000000000004)
    assert_eq!(
        report.target_cost,
        Cost::Known(Money::usd_str("2.4").unwrap())
    );
    assert_eq!(report.target_usage, Usage::new(240, 120));
    assert_eq!(report.target, "echo");
}

#[tokio::test]
async fn a_timeout_errors_the_case() {
    let slow = FnTarget::new("slow", |case: EvalCase| async move {
        if q(&case) == 1 {
            tokio::time::sleep(Duration::from_secs(5)).await;
        }
        Ok(EvalOutput::text(format!("#{}", q(&case))))
    });
    let report = Runner::new(reg())
        .timeout(Duration::from_millis(50))
        .run(&suite(3), &slow)
        .await
        .unwrap();
    let st: Vec<Status> = report.cases.iter().map(|c| c.status).collect();
    assert_eq!(st, [Status::Pass, Status::Error, Status::Pass]);
    let err = report.cases[1].trials[0].error.as_deref().unwrap();
    assert!(err.contains("deadline"), "{err}");
    assert_eq!(report.totals.errored, 1);
}

fn flaky(failures: u64, kind: ProviderErrorKind, calls: Arc<AtomicU64>) -> FnTarget {
    FnTarget::new("flaky", move |case: EvalCase| {
        let calls = calls.clone();
        let kind = kind.clone();
        async move {
            let n = calls.fetch_add(1, Ordering::SeqCst);
            if n < failures {
                return Err(llmops_core::ProviderError::new(kind, "test", "try later").into());
            }
            Ok(EvalOutput::text(format!("#{}", q(&case))))
        }
    })
}

#[tokio::test]
async fn retryable_errors_are_retried_then_succeed() {
    let calls = Arc::new(AtomicU64::new(0));
    let t = flaky(2, ProviderErrorKind::RateLimited, calls.clone());
    let report = Runner::new(reg())
        .retries(2)
        .backoff(Duration::from_millis(1))
        .run(&suite(1), &t)
        .await
        .unwrap();
    assert_eq!(report.cases[0].status, Status::Pass);
    assert_eq!(calls.load(Ordering::SeqCst), 3);

    // one retry is not enough
    let calls = Arc::new(AtomicU64::new(0));
    let t = flaky(2, ProviderErrorKind::RateLimited, calls.clone());
    let report = Runner::new(reg())
        .retries(1)
        .backoff(Duration::from_millis(1))
        .run(&suite(1), &t)
        .await
        .unwrap();
    assert_eq!(report.cases[0].status, Status::Error);
    assert_eq!(calls.load(Ordering::SeqCst), 2);

    // a non-retryable error is not retried
    let calls = Arc::new(AtomicU64::new(0));
    let t = flaky(1, ProviderErrorKind::Auth, calls.clone());
    let report = Runner::new(reg())
        .retries(3)
        .backoff(Duration::from_millis(1))
        .run(&suite(1), &t)
        .await
        .unwrap();
    assert_eq!(report.cases[0].status, Status::Error);
    assert_eq!(calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn repeats_give_a_mean_and_an_interval() {
    let calls = Arc::new(AtomicU64::new(0));
    let c = calls.clone();
    // passes on even calls, fails on odd ones
    let t = FnTarget::new("coin", move |case: EvalCase| {
        let n = c.fetch_add(1, Ordering::SeqCst);
        async move {
            Ok(EvalOutput::text(if n.is_multiple_of(2) {
                format!("#{}", q(&case))
            } else {
                "no idea".into()
            }))
        }
    });
    let report = Runner::new(reg())
        .repeat(4)
        .concurrency(1)
        .run(&suite(1), &t)
        .await
        .unwrap();
    let case = &report.cases[0];
    assert_eq!(case.trials.len(), 4);
    assert_eq!(case.status, Status::Fail, "not every repeat passed");
    assert_eq!(case.score, 0.5);
    assert_eq!(case.metrics["contains"], 0.5);
    let ci = case.interval.unwrap();
    assert_eq!((ci.n, ci.mean), (4, 0.5));
    // t(0.975, 3) = 3.182, sd = 0.577, n = 4: half-width 0.919
    assert!((ci.high - 0.5 - 0.9187).abs() < 1e-3, "{ci:?}");

    // a single run has no interval
    let report = Runner::new(reg()).run(&suite(1), &t).await.unwrap();
    assert!(report.cases[0].interval.is_none());
    // repeat(0) and concurrency(0) are refused, nothing runs
    let before = calls.load(Ordering::SeqCst);
    assert!(
        Runner::new(reg())
            .repeat(0)
            .run(&suite(1), &t)
            .await
            .is_err()
    );
    assert!(
        Runner::new(reg())
            .concurrency(0)
            .run(&suite(1), &t)
            .await
            .is_err()
    );
    assert_eq!(calls.load(Ordering::SeqCst), before);
}

#[tokio::test]
async fn the_cache_makes_a_rerun_free_and_survives_corruption() {
    let dir = tempfile::tempdir().unwrap();
    let cache = OutputCache::open(dir.path()).unwrap();
    let ds = suite(5);
    let first = Probe::default();
    let r1 = Runner::new(reg())
        .repeat(2)
        .cache(cache.clone())
        .run(&ds, &first.target("echo", 5))
        .await
        .unwrap();
    assert_eq!(first.calls.load(Ordering::SeqCst), 10);
    assert!(r1.cases.iter().flat_map(|c| &c.trials).all(|t| !t.cached));

    let second = Probe::default();
    let r2 = Runner::new(reg())
        .repeat(2)
        .cache(OutputCache::open(dir.path()).unwrap())
        .run(&ds, &second.target("echo", 5))
        .await
        .unwrap();
    assert_eq!(
        second.calls.load(Ordering::SeqCst),
        0,
        "a rerun calls nothing"
    );
    assert!(r2.cases.iter().flat_map(|c| &c.trials).all(|t| t.cached));
    assert_eq!(
        r2.target_cost,
        Cost::Known(Money::zero()),
        "cached outputs cost nothing"
    );
    assert_eq!(r2.totals.passed, 5);
    assert_eq!(r2.metadata["output_cache"]["hits"], 10);

    // another target id does not share entries
    let other = Probe::default();
    Runner::new(reg())
        .cache(cache.clone())
        .run(&ds, &other.target("echo-v2", 5))
        .await
        .unwrap();
    assert_eq!(other.calls.load(Ordering::SeqCst), 5);

    // corrupt every entry: each is a counted miss, the target is called again, no panic
    let mut n = 0;
    for fan in std::fs::read_dir(dir.path()).unwrap() {
        for f in std::fs::read_dir(fan.unwrap().path()).unwrap() {
            std::fs::write(f.unwrap().path(), b"\x00garbage").unwrap();
            n += 1;
        }
    }
    assert_eq!(n, 15);
    let third = Probe::default();
    let r3 = Runner::new(reg())
        .repeat(2)
        .cache(OutputCache::open(dir.path()).unwrap())
        .run(&ds, &third.target("echo", 5))
        .await
        .unwrap();
    assert_eq!(third.calls.load(Ordering::SeqCst), 10);
    assert_eq!(r3.metadata["output_cache"]["corrupt"], 10);
    assert_eq!(r3.totals.passed, 5);
}

#[tokio::test]
async fn judge_scores_are_cached_too() {
    let judge_calls = Arc::new(AtomicU64::new(0));
    let dir = tempfile::tempdir().unwrap();
    let ds = Dataset::new(
        "judged",
        (0..3)
            .map(|i| {
                Case::new(format!("j{i}"))
                    .var("q", i.to_string())
                    .assert(AssertionSpec::of("judge"))
                    .assert(AssertionSpec::new("contains", "#"))
            })
            .collect(),
    )
    .unwrap();
    let run = || async {
        let probe = Probe::default();
        let r = Runner::new(registry(judge_calls.clone()))
            .cache(OutputCache::open(dir.path()).unwrap().with_scores(true))
            .run(&ds, &probe.target("echo", 3))
            .await
            .unwrap();
        (r, probe.calls.load(Ordering::SeqCst))
    };
    let (r1, calls1) = run().await;
    assert_eq!((calls1, judge_calls.load(Ordering::SeqCst)), (3, 3));
    assert_eq!(r1.eval_cost, Cost::Known(Money::usd_str("0.003").unwrap()));
    assert_eq!(r1.eval_usage, Usage::new(300, 30));
    let (r2, calls2) = run().await;
    assert_eq!(
        (calls2, judge_calls.load(Ordering::SeqCst)),
        (0, 3),
        "no target or judge call"
    );
    assert_eq!(r2.eval_cost, Cost::Known(Money::zero()));
    assert_eq!(
        r2.cases[0].metrics["judge"], 0.8,
        "the cached score is the same"
    );
    // another judge model: its scores are its own, never the first judge's
    let client = llmops_core::Client::builder()
        .provider(llmops_core::ScriptedProvider::new())
        .build()
        .unwrap();
    let mut reg = Registry::new(BuildContext::new().judge(client, "scripted/other-judge"));
    let calls = judge_calls.clone();
    reg.register("judge", move |_: &AssertionSpec, _: &BuildContext| {
        Ok(Arc::new(Judge(calls.clone())) as Arc<dyn Evaluator>)
    });
    reg.register("contains", |s: &AssertionSpec, _: &BuildContext| {
        Ok(Arc::new(Contains(s.value_str()?.to_owned())) as Arc<dyn Evaluator>)
    });
    let probe = Probe::default();
    Runner::new(reg)
        .cache(OutputCache::open(dir.path()).unwrap().with_scores(true))
        .run(&ds, &probe.target("echo", 3))
        .await
        .unwrap();
    assert_eq!(
        (
            probe.calls.load(Ordering::SeqCst),
            judge_calls.load(Ordering::SeqCst)
        ),
        (0, 6),
        "outputs come from the cache, the other judge scores them afresh"
    );
}

#[tokio::test]
async fn cancellation_keeps_finished_cases_in_order() {
    // cases c00..c09; odd ones hang, even ones answer at once
    let t = FnTarget::new("half", |case: EvalCase| async move {
        if q(&case) % 2 == 1 {
            std::future::pending::<()>().await;
        }
        Ok(EvalOutput::text(format!("#{}", q(&case))))
    });
    let dir = tempfile::tempdir().unwrap();
    let journal = dir.path().join("run.jsonl");
    let cancel = tokio::time::sleep(Duration::from_millis(200));
    let report = Runner::new(reg())
        .concurrency(10)
        .sink(JsonlSink::create(&journal).unwrap())
        .run_until(&suite(10), &t, cancel)
        .await
        .unwrap();
    assert!(!report.complete);
    let ids: Vec<&str> = report.cases.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["c00", "c02", "c04", "c06", "c08"]);
    assert_eq!(report.totals.cases, 5);
    // the journal holds every finished case, even had the process died instead
    let mut logged: Vec<String> = JsonlSink::read(&journal)
        .unwrap()
        .into_iter()
        .map(|c| c.id)
        .collect();
    logged.sort();
    assert_eq!(logged, ids);
}

#[tokio::test]
async fn a_callback_sink_sees_each_case_and_its_error_stops_the_run() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s = seen.clone();
    let probe = Probe::default();
    let report = Runner::new(reg())
        .sink(move |c: &llmops_eval::CaseResult| {
            s.lock().unwrap().push(c.id.clone());
            Ok(())
        })
        .run(&suite(4), &probe.target("echo", 4))
        .await
        .unwrap();
    assert_eq!(seen.lock().unwrap().len(), 4);
    assert_eq!(report.cases.len(), 4);
    let err = Runner::new(reg())
        .concurrency(1)
        .sink(|_: &llmops_eval::CaseResult| Err(llmops_eval::EvalError::Config("disk full".into())))
        .run(&suite(4), &probe.target("echo", 4))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("disk full"));
}

#[tokio::test]
async fn a_bad_case_stops_the_run_before_anything_runs() {
    let probe = Probe::default();
    let mut ds = suite(3);
    ds.cases[2]
        .assertions
        .push(AssertionSpec::new("javascript", "output.length > 3"));
    let err = Runner::new(reg())
        .run(&ds, &probe.target("echo", 3))
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("case `c02`") && err.contains("JavaScript"),
        "{err}"
    );
    assert_eq!(probe.calls.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_evaluator_error_errors_the_case_never_passes_it() {
    let ds = Dataset::new(
        "e",
        vec![
            Case::new("a")
                .var("q", "0")
                .assert(AssertionSpec::new("contains", "#0"))
                .assert(AssertionSpec::of("boom"))
                .threshold(0.1),
        ],
    )
    .unwrap();
    let probe = Probe::default();
    let r = Runner::new(reg())
        .run(&ds, &probe.target("echo", 1))
        .await
        .unwrap();
    let c = &r.cases[0];
    assert_eq!(c.status, Status::Error);
    let a = &c.trials[0].assertions[1];
    assert!(a.error.as_deref().unwrap().contains("prose"), "{a:?}");
    assert!(c.trials[0].assertions[0].passed());
}

/// Counts `on_evaluation` calls and keeps the results.
#[derive(Default)]
struct Evals(Mutex<Vec<EvaluationResult>>);
impl Observer for Evals {
    fn on_finish(&self, _: &ExchangeRecord) {}
    fn on_evaluation(&self, r: &EvaluationResult) {
        self.0.lock().unwrap().push(r.clone());
    }
}

#[tokio::test]
async fn evaluation_results_reach_the_clients_observers() {
    let evals = Arc::new(Evals::default());
    let provider = ScriptedProvider::new().responder(|req: &ChatRequest| {
        let q = req.last_user_text().unwrap_or_default();
        Some(llmops_core::provider::scripted::Step::Reply(
            llmops_core::ChatResponse::new(format!("You asked about {q}")),
        ))
    });
    let client = Client::builder()
        .provider(provider)
        .observer(evals.clone())
        .build()
        .unwrap();
    let target = ClientTarget::new(client.clone(), "scripted/m")
        .id("support-reply/1")
        .system("Be brief.")
        .unwrap()
        .user("Question #{{ q }}")
        .unwrap();
    let report = Runner::new(reg())
        .evaluations(client.clone())
        .run(&suite(3), &target)
        .await
        .unwrap();
    assert_eq!(report.totals.passed, 3, "{:#?}", report.cases[0].trials[0]);
    let got = evals.0.lock().unwrap().clone();
    assert_eq!(got.len(), 3);
    let ids: Vec<&str> = report
        .cases
        .iter()
        .map(|c| {
            c.trials[0]
                .output
                .as_ref()
                .unwrap()
                .meta
                .request_id
                .as_str()
        })
        .collect();
    for ev in &got {
        assert!(ids.contains(&ev.request_id.as_str()), "{ev:?}");
        assert_eq!(
            (ev.name.as_str(), ev.score, ev.label.as_deref()),
            ("contains", Some(1.0), Some("pass"))
        );
    }
    // without `evaluations`, nothing is recorded
    Runner::new(reg()).run(&suite(2), &target).await.unwrap();
    assert_eq!(evals.0.lock().unwrap().len(), 3);
}

#[tokio::test]
async fn client_target_renders_strictly_or_uses_the_case_messages() {
    let provider = Arc::new(ScriptedProvider::new().repeat("ok"));
    let client = Client::builder()
        .provider(provider.clone())
        .build()
        .unwrap();
    let target = ClientTarget::new(client, "scripted/m")
        .user("Tell me about {{ topic }} in {{ lang }}")
        .unwrap();
    let mut with_msgs = Case::new("conv");
    with_msgs.eval.messages = vec![
        Message::user("first"),
        Message::assistant("a"),
        Message::user("second"),
    ];
    let ds = Dataset::new(
        "t",
        vec![
            Case::new("full")
                .var("topic", "refunds")
                .var("lang", "French"),
            Case::new("missing").var("topic", "refunds"),
            with_msgs,
        ],
    )
    .unwrap();
    let r = Runner::new(reg()).run(&ds, &target).await.unwrap();
    assert_eq!(r.cases[0].status, Status::Pass);
    assert_eq!(r.cases[1].status, Status::Error);
    let err = r.cases[1].trials[0].error.as_deref().unwrap();
    assert!(
        err.contains("case `missing`") && err.contains("`lang`"),
        "{err}"
    );
    assert_eq!(r.cases[2].status, Status::Pass);
    let sent = provider.requests();
    assert_eq!(sent.len(), 2, "the errored case never called the model");
    assert_eq!(
        sent[0].messages[0].text(),
        "Tell me about refunds in French"
    );
    assert_eq!(sent[1].messages.len(), 3);
    // a template that does not parse is refused when built
    let client = Client::builder()
        .provider(ScriptedProvider::new())
        .build()
        .unwrap();
    assert!(
        ClientTarget::new(client, "scripted/m")
            .user("{{ unclosed")
            .is_err()
    );
}

#[tokio::test]
async fn static_outputs_score_logged_answers() {
    let t = StaticOutputs::new("logged")
        .output("c00", EvalOutput::text("#0"))
        .output("c01", EvalOutput::text("wrong"));
    let r = Runner::new(reg()).run(&suite(3), &t).await.unwrap();
    let st: Vec<Status> = r.cases.iter().map(|c| c.status).collect();
    assert_eq!(st, [Status::Pass, Status::Fail, Status::Error]);
    assert!(
        r.cases[2].trials[0]
            .error
            .as_deref()
            .unwrap()
            .contains("no output for case `c02`")
    );
    // unknown cost (no prices on these outputs) stays unknown, never a silent zero
    assert!(r.target_cost.known().is_none());
}
