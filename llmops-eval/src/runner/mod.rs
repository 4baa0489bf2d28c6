//! [`Runner`]: runs a [`Dataset`] against a [`Target`] and scores every output.
//!
//! - Every assertion of every case is compiled first ([`compile_dataset`]): a bad case is an
//!   error naming its file and line, and nothing runs.
//! - Cases run with bounded concurrency ([`Runner::concurrency`]); results come back in suite
//!   order whatever order they finish in.
//! - Each target call has a timeout ([`Runner::timeout`]) and is retried with exponential
//!   backoff on retryable errors ([`Runner::retries`], [`llmops_core::Error::is_retryable`];
//!   a timeout is not retried). A target that still fails makes the trial, and the case,
//!   errored.
//! - A case runs [`Runner::repeat`] times: its score is the mean over repeats with a Student-t
//!   interval; its status is `Error` if any repeat errored, else `Pass` if every repeat
//!   passed, else `Fail`.
//! - An [`OutputCache`] makes a rerun free; a [`CaseSink`] receives each case the moment it
//!   finishes; [`Runner::run_until`] stops on a cancellation future and keeps what finished.
//! - With [`Runner::evaluations`], every assertion result on an output that came through an
//!   llmops client is recorded back (`Client::record_evaluation`): the
//!   `gen_ai.evaluation.result` event lands on the evaluated exchange's trace.

mod cache;
mod progress;
mod sink;

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::StreamExt;
use llmops_core::{Client, Cost, Error, EvalOutput, EvaluationResult, Money, Usage};
use serde_json::json;
use tracing::Instrument;

pub use cache::{CacheStats, OutputCache};
pub use sink::{CaseSink, JsonlSink};

use crate::assertion::{Assertion, AssertionResult, Verdict, combine, compile_dataset};
use crate::{
    Case, CaseResult, Dataset, EvalError, Registry, Result, RunReport, Status, Target, Trial,
};

/// Confidence level of the per-case interval over repeats.
const LEVEL: f64 = 0.95;
/// The longest pause between two retries.
const MAX_BACKOFF: Duration = Duration::from_secs(30);

/// Runs suites. Built once, used for any number of runs.
///
/// ```
/// use std::sync::Arc;
/// use llmops_core::{async_trait, EvalCase, EvalOutput, Evaluator, Score};
/// use llmops_eval::{AssertionSpec, BuildContext, Case, Dataset, Registry, Status};
/// use llmops_eval::{runner::Runner, targets::FnTarget};
///
/// struct Contains;
/// #[async_trait]
/// impl Evaluator for Contains {
///     fn name(&self) -> &str { "contains" }
///     async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
///         let want = case.expected.clone().unwrap_or_default();
///         Ok(Score::binary(out.text.contains(&want), format!("looked for {want:?}")))
///     }
/// }
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let mut reg = Registry::new(BuildContext::new());
/// reg.register("has-expected", |_: &AssertionSpec, _: &BuildContext| Ok(Arc::new(Contains) as Arc<dyn Evaluator>));
/// let ds = Dataset::new("capitals", vec![
///     Case::new("fr").var("country", "France").expected("Paris").assert(AssertionSpec::of("has-expected")),
///     Case::new("de").var("country", "Germany").expected("Berlin").assert(AssertionSpec::of("has-expected")),
/// ]).unwrap();
/// let target = FnTarget::new("lookup", |case: EvalCase| async move {
///     let c = case.vars.get("country").and_then(|v| v.as_str()).unwrap_or_default().to_owned();
///     Ok(EvalOutput::text(if c == "France" { "Paris" } else { "Bonn" }))
/// });
/// let report = Runner::new(reg).concurrency(4).run(&ds, &target).await.unwrap();
/// assert_eq!(report.cases[0].status, Status::Pass);
/// assert_eq!(report.cases[1].status, Status::Fail);
/// assert_eq!(report.totals.pass_rate, 0.5);
/// # });
/// ```
#[derive(Clone)]
pub struct Runner {
    registry: Registry,
    concurrency: usize,
    timeout: Option<Duration>,
    retries: u32,
    backoff: Duration,
    repeat: u32,
    cache: Option<OutputCache>,
    progress: bool,
    evaluations: Option<Client>,
    sink: Option<Arc<dyn CaseSink>>,
}

impl std::fmt::Debug for Runner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runner")
            .field("concurrency", &self.concurrency)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("backoff", &self.backoff)
            .field("repeat", &self.repeat)
            .field("cache", &self.cache.as_ref().map(OutputCache::dir))
            .field("progress", &self.progress)
            .field("evaluations", &self.evaluations.is_some())
            .field("sink", &self.sink.is_some())
            .finish_non_exhaustive()
    }
}

impl Runner {
    /// A runner compiling assertions with `registry`: concurrency 4, no timeout, 2 retries
    /// from a 500 ms backoff, 1 repeat, no cache, no progress bar.
    pub fn new(registry: Registry) -> Self {
        Runner {
            registry,
            concurrency: 4,
            timeout: None,
            retries: 2,
            backoff: Duration::from_millis(500),
            repeat: 1,
            cache: None,
            progress: false,
            evaluations: None,
            sink: None,
        }
    }

    /// At most `n` cases in flight (≥ 1; 0 is refused when the run starts).
    #[must_use]
    pub fn concurrency(mut self, n: usize) -> Self {
        self.concurrency = n;
        self
    }

    /// A deadline per target call; a call that exceeds it fails the trial (not retried).
    #[must_use]
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// Retries after a retryable error (rate limit, overload, network ...).
    #[must_use]
    pub fn retries(mut self, n: u32) -> Self {
        self.retries = n;
        self
    }

    /// The first pause between retries; it doubles per retry (at most 30 s), and a
    /// provider's `retry-after` wins when longer.
    #[must_use]
    pub fn backoff(mut self, d: Duration) -> Self {
        self.backoff = d;
        self
    }

    /// Runs each case `n` times (≥ 1; 0 is refused when the run starts).
    #[must_use]
    pub fn repeat(mut self, n: u32) -> Self {
        self.repeat = n;
        self
    }

    /// Serves outputs (and judge scores, see [`OutputCache::with_scores`]) from disk.
    #[must_use]
    pub fn cache(mut self, cache: OutputCache) -> Self {
        self.cache = Some(cache);
        self
    }

    /// Draws a progress bar on stderr when it is a terminal.
    #[must_use]
    pub fn progress(mut self, on: bool) -> Self {
        self.progress = on;
        self
    }

    /// Records every assertion result on an output with a request id through
    /// `client.record_evaluation` (the `gen_ai.evaluation.result` event on the evaluated
    /// exchange, every observer's `on_evaluation`).
    #[must_use]
    pub fn evaluations(mut self, client: Client) -> Self {
        self.evaluations = Some(client);
        self
    }

    /// Hands each finished case to `sink` (a [`JsonlSink`] journal, a callback).
    #[must_use]
    pub fn sink(mut self, sink: impl CaseSink) -> Self {
        self.sink = Some(Arc::new(sink));
        self
    }

    /// Runs every case.
    pub async fn run(&self, ds: &Dataset, target: &dyn Target) -> Result<RunReport> {
        self.run_until(ds, target, std::future::pending::<()>())
            .await
    }

    /// Runs until every case finished or `cancel` completes (ctrl-c, a token's
    /// `cancelled()`): then cases in flight are dropped, the finished ones are kept in suite
    /// order and the report says `complete: false`.
    pub async fn run_until<C>(
        &self,
        ds: &Dataset,
        target: &dyn Target,
        cancel: C,
    ) -> Result<RunReport>
    where
        C: Future + Send,
    {
        if self.concurrency == 0 {
            return Err(EvalError::Config("concurrency must be at least 1".into()));
        }
        if self.repeat == 0 {
            return Err(EvalError::Config("repeat must be at least 1".into()));
        }
        let compiled = compile_dataset(&self.registry, ds)?;
        let mut report = RunReport::empty(ds.name.clone(), target.id());
        let started = Instant::now();
        let mut progress = progress::Progress::new(self.progress, ds.len(), &ds.name);
        let stats_before = self.cache.as_ref().map(OutputCache::stats);

        let mut slots: Vec<Option<CaseResult>> = vec![None; ds.len()];
        let mut stream =
            futures_util::stream::iter(ds.cases.iter().zip(compiled.iter()).enumerate())
                .map(|(i, (case, asserts))| async move {
                    (i, self.run_case(&ds.name, case, asserts, target).await)
                })
                .buffer_unordered(self.concurrency);
        let mut cancel = std::pin::pin!(cancel);
        let mut complete = true;
        let mut sink_error = None;
        loop {
            tokio::select! {
                next = stream.next() => match next {
                    Some((i, res)) => {
                        progress.case_done(res.status);
                        if let Some(sink) = &self.sink
                            && let Err(e) = sink.on_case(&res)
                        {
                            sink_error = Some(e);
                        }
                        if let Some(slot) = slots.get_mut(i) {
                            *slot = Some(res);
                        }
                        if sink_error.is_some() {
                            break;
                        }
                    }
                    None => break,
                },
                _ = &mut cancel => {
                    complete = false;
                    break;
                }
            }
        }
        drop(stream);
        progress.finish(complete && sink_error.is_none());
        if let Some(e) = sink_error {
            return Err(e);
        }

        report.complete = complete;
        report.cases = slots.into_iter().flatten().collect();
        report.duration = started.elapsed();
        sum_costs(&mut report);
        report.compute_totals();
        if let (Some(cache), Some(before)) = (&self.cache, stats_before) {
            let now = cache.stats();
            report.metadata.insert(
                "output_cache".into(),
                json!({
                    "hits": now.hits - before.hits,
                    "misses": now.misses - before.misses,
                    "corrupt": now.corrupt - before.corrupt,
                    "write_errors": now.write_errors - before.write_errors,
                    "score_hits": now.score_hits - before.score_hits,
                }),
            );
        }
        report.metadata.insert(
            "runner".into(),
            json!({"repeat": self.repeat, "concurrency": self.concurrency, "retries": self.retries,
                   "timeout_ms": self.timeout.map(|d| d.as_millis() as u64)}),
        );
        Ok(report)
    }

    async fn run_case(
        &self,
        suite: &str,
        case: &Case,
        asserts: &[Assertion],
        target: &dyn Target,
    ) -> CaseResult {
        let span = tracing::info_span!("eval_case", suite = %suite, case = %case.eval.id, target = %target.id());
        async {
            let mut trials = Vec::with_capacity(self.repeat as usize);
            for r in 0..self.repeat {
                trials.push(self.run_trial(case, asserts, target, r).await);
            }
            case_result(case, trials, self.repeat)
        }
        .instrument(span)
        .await
    }

    async fn run_trial(
        &self,
        case: &Case,
        asserts: &[Assertion],
        target: &dyn Target,
        repeat: u32,
    ) -> Trial {
        let cached = match &self.cache {
            Some(c) => c.get_output(target.id(), &case.eval, repeat).await,
            None => None,
        };
        let (output, was_cached, latency) = match cached {
            Some(out) => (Ok(out), true, Duration::ZERO),
            None => {
                let t0 = Instant::now();
                let res = self.call_target(case, target).await;
                let latency = t0.elapsed();
                if let (Ok(out), Some(c)) = (&res, &self.cache) {
                    c.put_output(target.id(), &case.eval, repeat, out).await;
                }
                (res, false, latency)
            }
        };
        let output = match output {
            Ok(o) => o,
            Err(e) => {
                tracing::warn!(repeat, error = %e, "target failed");
                return Trial {
                    repeat,
                    output: None,
                    error: Some(e.to_string()),
                    cached: false,
                    latency,
                    assertions: Vec::new(),
                    verdict: Verdict {
                        score: 0.0,
                        pass: false,
                        reason: format!("target failed: {e}"),
                        named_scores: Default::default(),
                        errored: true,
                    },
                };
            }
        };
        let mut results = Vec::with_capacity(asserts.len());
        for a in asserts {
            results.push(self.assess(case, a, &output).await);
        }
        let verdict = combine(&results, case.threshold);
        Trial {
            repeat,
            output: Some(output),
            error: None,
            cached: was_cached,
            latency,
            assertions: results,
            verdict,
        }
    }

    async fn call_target(
        &self,
        case: &Case,
        target: &dyn Target,
    ) -> llmops_core::Result<EvalOutput> {
        let mut attempt = 0u32;
        loop {
            let res = match self.timeout {
                Some(d) => match tokio::time::timeout(d, target.run(&case.eval)).await {
                    Ok(r) => r,
                    Err(_) => Err(Error::Deadline(d)),
                },
                None => target.run(&case.eval).await,
            };
            match res {
                Err(e) if e.is_retryable() && attempt < self.retries => {
                    let exp = self
                        .backoff
                        .saturating_mul(2u32.saturating_pow(attempt))
                        .min(MAX_BACKOFF);
                    let pause = e
                        .retry_after()
                        .map_or(exp, |ra| ra.max(exp))
                        .min(MAX_BACKOFF);
                    tracing::debug!(attempt, error = %e, ?pause, "retrying target");
                    tokio::time::sleep(pause).await;
                    attempt += 1;
                }
                other => return other,
            }
        }
    }

    /// The assertion as the score cache keys it: with the judge model and the embedder it
    /// runs with, so changing either never serves another judge's scores.
    fn cache_spec(&self, spec: &crate::AssertionSpec) -> crate::AssertionSpec {
        let mut spec = spec.clone();
        let cx = self.registry.context();
        if spec.provider.is_none()
            && let Some(j) = &cx.judge
        {
            spec.provider = Some(serde_json::Value::String(j.model.clone()));
        }
        if let Some(e) = &cx.embedder {
            spec.config.insert(
                "_embedder".into(),
                serde_json::Value::String(e.id().to_owned()),
            );
        }
        spec
    }

    async fn assess(&self, case: &Case, a: &Assertion, out: &EvalOutput) -> AssertionResult {
        let key_spec = self.cache.as_ref().map(|_| self.cache_spec(&a.spec));
        let cached = match (&self.cache, &key_spec) {
            (Some(c), Some(k)) => c.get_score(k, &case.eval, out).await,
            _ => None,
        };
        let res = match cached {
            Some(s) => Ok(s),
            None => {
                let r = a.evaluate(&case.eval, out).await;
                if let (Ok(s), Some(c), Some(k)) = (&r, &self.cache, &key_spec) {
                    c.put_score(k, &case.eval, out, s).await;
                }
                r
            }
        };
        let metric = a.metric().to_owned();
        match &res {
            Ok(s) => {
                tracing::info!(metric = %metric, score = s.value, pass = s.pass, reason = %s.reason, "assertion")
            }
            Err(e) => tracing::warn!(metric = %metric, error = %e, "assertion errored"),
        }
        if let Some(client) = &self.evaluations
            && !out.meta.request_id.is_empty()
        {
            let ev = match &res {
                Ok(s) => EvaluationResult::from_score(&out.meta.request_id, &metric, s),
                Err(e) => {
                    let mut ev = EvaluationResult::new(&out.meta.request_id, &metric);
                    ev.error_type = Some(e.class().as_str().to_owned());
                    ev.explanation = Some(e.to_string());
                    ev
                }
            };
            if let Err(e) = client.record_evaluation(ev) {
                tracing::warn!(metric = %metric, error = %e, "recording the evaluation failed");
            }
        }
        let (score, error) = match res {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e.to_string())),
        };
        AssertionResult {
            kind: a.spec.kind.clone(),
            metric,
            weight: a.weight,
            score,
            error,
        }
    }
}

/// A case's result from its trials: status over repeats (any errored → `Error`, else all
/// passed → `Pass`, else `Fail`), the mean score (errored repeats count 0), per-metric means
/// and, over more than one repeat, the interval.
fn case_result(case: &Case, trials: Vec<Trial>, repeat: u32) -> CaseResult {
    let errored = trials
        .iter()
        .any(|t| t.error.is_some() || t.verdict.errored);
    let status = if errored {
        Status::Error
    } else if trials.iter().all(|t| t.verdict.pass) {
        Status::Pass
    } else {
        Status::Fail
    };
    let scores: Vec<f64> = trials.iter().map(|t| t.verdict.score).collect();
    let n = scores.len().max(1) as f64;
    let score = scores.iter().sum::<f64>() / n;
    let mut sums: std::collections::BTreeMap<String, f64> = Default::default();
    for t in &trials {
        let mut per: std::collections::BTreeMap<&str, (f64, f64)> = Default::default();
        for a in &t.assertions {
            let e = per.entry(a.metric.as_str()).or_insert((0.0, 0.0));
            e.0 += a.score.as_ref().map_or(0.0, |s| s.value);
            e.1 += 1.0;
        }
        for (m, (s, c)) in per {
            *sums.entry(m.to_owned()).or_insert(0.0) += s / c;
        }
    }
    // a metric's mean over repeats; a repeat where the target failed scores 0 on it
    let metrics = sums.into_iter().map(|(m, s)| (m, s / n)).collect();
    let interval = (repeat > 1)
        .then(|| crate::stats::mean_interval(&scores, LEVEL))
        .flatten();
    CaseResult {
        id: case.eval.id.clone(),
        description: case.description.clone(),
        tags: case.eval.tags.clone(),
        vars: case.eval.vars.clone(),
        expected: case.eval.expected.clone(),
        source: case.source.as_ref().map(ToString::to_string),
        trials,
        status,
        score,
        metrics,
        interval,
    }
}

/// Target cost and usage over the trials that called the target (cached ones cost nothing),
/// judge cost and usage over every score; sums are exact ([`Cost::plus`]).
fn sum_costs(report: &mut RunReport) {
    let mut target_cost = Cost::Known(Money::zero());
    let mut target_usage = Usage::default();
    let mut eval_cost = Cost::Known(Money::zero());
    let mut eval_usage = Usage::default();
    for t in report.cases.iter().flat_map(|c| &c.trials) {
        if let Some(out) = t.output.as_ref().filter(|_| !t.cached) {
            target_cost = target_cost.plus(&out.meta.cost);
            target_usage.add(&out.usage);
        }
        for s in t.assertions.iter().filter_map(|a| a.score.as_ref()) {
            eval_cost = eval_cost.plus(&s.cost);
            eval_usage.add(&s.usage);
        }
    }
    report.target_cost = target_cost;
    report.target_usage = target_usage;
    report.eval_cost = eval_cost;
    report.eval_usage = eval_usage;
}
