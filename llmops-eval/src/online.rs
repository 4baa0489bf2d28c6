//! [`OnlineEvaluator`]: scores a sample of live traffic off the hot path, keeps rolling scores
//! per prompt version and model, and raises a drift alert when one drops below its baseline.
//!
//! Register it on the client as an [`Observer`]. For each completed exchange, `on_finish`
//! decides from a hash of the request id whether the exchange is in the sample (so a replay
//! of the same traffic samples the same exchanges), and pushes it into a bounded queue with
//! `try_send`: a full queue drops the exchange and counts it, `on_finish` never blocks. A
//! background task builds an [`EvalCase`] from the record (id = request id, the messages as
//! sent, no vars) and an [`EvalOutput`] from the response, runs the configured assertions
//! and combines them as a suite would ([`combine`]). The combined score goes into the rolling
//! window of its key (`prompt name@version`, answering model).
//!
//! **Drift alert.** Once a key's window holds at least `min_samples` scores and its mean is
//! below `baseline - margin`, one alert (rule `eval_score_drop`) goes to the [`AlertSink`];
//! it re-arms when the mean is back at or above `baseline - margin`. The baseline is the one
//! configured ([`OnlineConfig::baseline`], typically the offline suite's score), else the mean
//! of the key's first `min_samples` scores.
//!
//! With [`OnlineEvaluator::record_to`], each assertion result is also recorded on the client
//! (`gen_ai.evaluation.result` on the exchange's trace). The client holds the evaluator (an
//! observer) and the evaluator then holds the client: [`Observer::shutdown`] (which
//! `Client::shutdown` calls) releases it.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use llmops_core::{
    Alert, AlertSink, Client, EvalCase, EvalOutput, EvaluationResult, ExchangeRecord, Observer,
    ResponseMeta, Severity,
};
use serde::{Deserialize, Serialize};
use tokio::sync::{mpsc, watch};

use crate::assertion::{Assertion, AssertionResult, combine};
use crate::{AssertionSpec, EvalError, Registry, Result};

/// The alert rule name of a rolling score drop.
pub const SCORE_DROP_RULE: &str = "eval_score_drop";

/// Which scores a rolling mean covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Window {
    /// The last `n` scores.
    Last(usize),
    /// Scores from the last duration.
    #[serde(with = "crate::report_model::duration_ms")]
    Time(Duration),
}

/// Settings of an [`OnlineEvaluator`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OnlineConfig {
    /// Share of completed exchanges evaluated, in 0..=1.
    pub sample_rate: f64,
    /// Queue capacity; beyond it sampled exchanges are dropped (counted).
    pub queue: usize,
    /// The rolling window.
    pub window: Window,
    /// Scores needed in a window before it can alert (and to learn a baseline).
    pub min_samples: usize,
    /// How far below the baseline the rolling mean must fall to alert.
    pub margin: f64,
    /// The baseline of every key; `None`: learned from each key's first `min_samples`.
    pub baseline: Option<f64>,
    /// Severity of the drift alert.
    pub severity: Severity,
}

impl Default for OnlineConfig {
    fn default() -> Self {
        OnlineConfig {
            sample_rate: 0.05,
            queue: 1024,
            window: Window::Last(200),
            min_samples: 30,
            margin: 0.1,
            baseline: None,
            severity: Severity::Warning,
        }
    }
}

impl OnlineConfig {
    /// The defaults: 5 % sampled, a queue of 1024, the last 200 scores, 30 samples before an
    /// alert, a margin of 0.1, a learned baseline, warning severity.
    pub fn new() -> Self {
        Self::default()
    }
    /// With a sample rate.
    #[must_use]
    pub fn sample_rate(mut self, r: f64) -> Self {
        self.sample_rate = r;
        self
    }
    /// With a queue capacity.
    #[must_use]
    pub fn queue(mut self, n: usize) -> Self {
        self.queue = n;
        self
    }
    /// With a window.
    #[must_use]
    pub fn window(mut self, w: Window) -> Self {
        self.window = w;
        self
    }
    /// With a minimum sample count.
    #[must_use]
    pub fn min_samples(mut self, n: usize) -> Self {
        self.min_samples = n;
        self
    }
    /// With a margin.
    #[must_use]
    pub fn margin(mut self, m: f64) -> Self {
        self.margin = m;
        self
    }
    /// With a fixed baseline for every key.
    #[must_use]
    pub fn baseline(mut self, b: f64) -> Self {
        self.baseline = Some(b);
        self
    }
    /// With an alert severity.
    #[must_use]
    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }

    fn validate(&self) -> Result<()> {
        let bad = |m: &str| Err(EvalError::Config(format!("online evaluation: {m}")));
        if !(0.0..=1.0).contains(&self.sample_rate) {
            return bad("sample_rate must be in 0..=1");
        }
        if self.queue == 0 {
            return bad("queue must hold at least 1 exchange");
        }
        if matches!(self.window, Window::Last(0)) || self.window == Window::Time(Duration::ZERO) {
            return bad("the window must not be empty");
        }
        if self.min_samples == 0 {
            return bad("min_samples must be at least 1");
        }
        if !self.margin.is_finite() || self.margin < 0.0 {
            return bad("margin must be a finite number ≥ 0");
        }
        if self.baseline.is_some_and(|b| !b.is_finite()) {
            return bad("baseline must be a finite number");
        }
        Ok(())
    }
}

/// What rolling scores are kept per: the prompt version and the model.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct ScoreKey {
    /// `name@version`, or `-` when the request used no versioned prompt.
    pub prompt: String,
    /// The model that answered (else the one asked for).
    pub model: String,
}

impl ScoreKey {
    /// The key of a record.
    pub fn of(rec: &ExchangeRecord) -> Self {
        ScoreKey {
            prompt: rec
                .prompt
                .as_ref()
                .map_or_else(|| "-".to_owned(), |p| format!("{}@{}", p.name, p.version)),
            model: rec
                .model_answered
                .clone()
                .unwrap_or_else(|| rec.model_requested.clone()),
        }
    }
}

impl std::fmt::Display for ScoreKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} on {}", self.prompt, self.model)
    }
}

/// A key's rolling score.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RollingScore {
    /// Scores in the window.
    pub n: usize,
    /// Their mean (0 when empty).
    pub mean: f64,
    /// The baseline (configured or learned; `None` until learned).
    pub baseline: Option<f64>,
    /// Whether the drift alert is raised (and not yet re-armed).
    pub alerting: bool,
    /// Scores seen in total.
    pub total: u64,
}

/// Counters of an [`OnlineEvaluator`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OnlineStats {
    /// Completed exchanges seen.
    pub seen: u64,
    /// Exchanges in the sample.
    pub sampled: u64,
    /// Sampled exchanges dropped because the queue was full.
    pub dropped: u64,
    /// Exchanges evaluated.
    pub evaluated: u64,
    /// Exchanges where an assertion errored (not counted in the rolling score).
    pub errored: u64,
    /// Drift alerts raised.
    pub alerts: u64,
    /// Alerts the sink failed to deliver.
    pub alert_errors: u64,
}

struct Job {
    key: ScoreKey,
    case: EvalCase,
    output: EvalOutput,
}

#[derive(Default)]
struct KeyState {
    window: VecDeque<(Instant, f64)>,
    learning: Vec<f64>,
    baseline: Option<f64>,
    alerting: bool,
    total: u64,
}

#[derive(Default)]
struct Counters {
    seen: AtomicU64,
    sampled: AtomicU64,
    dropped: AtomicU64,
    enqueued: AtomicU64,
    evaluated: AtomicU64,
    errored: AtomicU64,
    alerts: AtomicU64,
    alert_errors: AtomicU64,
}

struct Shared {
    cfg: OnlineConfig,
    assertions: Vec<Assertion>,
    sink: Option<Arc<dyn AlertSink>>,
    client: Mutex<Option<Client>>,
    keys: Mutex<HashMap<ScoreKey, KeyState>>,
    n: Counters,
}

/// Samples live exchanges into evaluators (see the module docs).
///
/// ```
/// use std::sync::Arc;
/// use llmops_core::{ChatRequest, Client, ScriptedProvider};
/// use llmops_eval::{AssertionSpec, BuildContext, Registry};
/// use llmops_eval::online::{OnlineConfig, OnlineEvaluator};
/// # use llmops_core::{async_trait, EvalCase, EvalOutput, Evaluator, Score};
/// # struct NotEmpty;
/// # #[async_trait]
/// # impl Evaluator for NotEmpty {
/// #     fn name(&self) -> &str { "not-empty" }
/// #     async fn evaluate(&self, _: &EvalCase, o: &EvalOutput) -> llmops_core::Result<Score> {
/// #         Ok(Score::binary(!o.text.is_empty(), "non-empty"))
/// #     }
/// # }
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let mut reg = Registry::new(BuildContext::new());
/// reg.register("non-empty", |_: &AssertionSpec, _: &BuildContext| Ok(Arc::new(NotEmpty) as Arc<dyn Evaluator>));
/// let online = OnlineEvaluator::start(&reg, &[AssertionSpec::of("non-empty")], OnlineConfig::new().sample_rate(1.0), None).unwrap();
/// let client = Client::builder()
///     .provider(ScriptedProvider::new().repeat("hello"))
///     .observer(online.clone())
///     .build().unwrap();
/// client.chat(ChatRequest::new("scripted/m").user("hi")).await.unwrap();
/// client.flush().await.unwrap();
/// let scores = online.scores();
/// let (key, s) = scores.iter().next().unwrap();
/// assert_eq!((key.prompt.as_str(), s.n, s.mean), ("-", 1, 1.0));
/// # });
/// ```
pub struct OnlineEvaluator {
    tx: mpsc::Sender<Job>,
    processed: watch::Receiver<u64>,
    shared: Arc<Shared>,
}

impl std::fmt::Debug for OnlineEvaluator {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OnlineEvaluator")
            .field("config", &self.shared.cfg)
            .field("assertions", &self.shared.assertions.len())
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl OnlineEvaluator {
    /// Compiles `specs` with `registry` (a bad spec is an error now) and starts the
    /// background task on the current Tokio runtime (an error outside one).
    pub fn start(
        registry: &Registry,
        specs: &[AssertionSpec],
        cfg: OnlineConfig,
        alerts: Option<Arc<dyn AlertSink>>,
    ) -> Result<Arc<Self>> {
        cfg.validate()?;
        if specs.is_empty() {
            return Err(EvalError::Config(
                "online evaluation needs at least one assertion".into(),
            ));
        }
        let assertions = specs
            .iter()
            .map(|s| registry.compile(s))
            .collect::<Result<Vec<_>>>()?;
        let handle = tokio::runtime::Handle::try_current().map_err(|_| {
            EvalError::Config("OnlineEvaluator::start needs a Tokio runtime".into())
        })?;
        let (tx, rx) = mpsc::channel(cfg.queue);
        let (done_tx, done_rx) = watch::channel(0u64);
        let shared = Arc::new(Shared {
            cfg,
            assertions,
            sink: alerts,
            client: Mutex::new(None),
            keys: Mutex::new(HashMap::new()),
            n: Counters::default(),
        });
        handle.spawn(worker(shared.clone(), rx, done_tx));
        Ok(Arc::new(OnlineEvaluator {
            tx,
            processed: done_rx,
            shared,
        }))
    }

    /// Records every assertion result on `client` (`Client::record_evaluation`).
    pub fn record_to(&self, client: Client) {
        *lock(&self.shared.client) = Some(client);
    }

    /// Whether an exchange with this request id is in the sample: a hash of the id, so the
    /// same id always gets the same answer.
    pub fn sampled(&self, request_id: &str) -> bool {
        in_sample(request_id, self.shared.cfg.sample_rate)
    }

    /// The counters.
    pub fn stats(&self) -> OnlineStats {
        let n = &self.shared.n;
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed);
        OnlineStats {
            seen: l(&n.seen),
            sampled: l(&n.sampled),
            dropped: l(&n.dropped),
            evaluated: l(&n.evaluated),
            errored: l(&n.errored),
            alerts: l(&n.alerts),
            alert_errors: l(&n.alert_errors),
        }
    }

    /// The rolling score of every key.
    pub fn scores(&self) -> BTreeMap<ScoreKey, RollingScore> {
        let now = Instant::now();
        let mut keys = lock(&self.shared.keys);
        keys.iter_mut()
            .map(|(k, st)| {
                prune(&mut st.window, self.shared.cfg.window, now);
                (k.clone(), snapshot(st))
            })
            .collect()
    }
}

#[async_trait::async_trait]
impl Observer for OnlineEvaluator {
    fn name(&self) -> &str {
        "online-eval"
    }

    fn on_finish(&self, rec: &ExchangeRecord) {
        if !rec.outcome.is_completed() {
            return;
        }
        let Some(resp) = &rec.response else { return };
        let n = &self.shared.n;
        n.seen.fetch_add(1, Ordering::Relaxed);
        if !in_sample(&rec.request_id, self.shared.cfg.sample_rate) {
            return;
        }
        n.sampled.fetch_add(1, Ordering::Relaxed);
        let job = Job {
            key: ScoreKey::of(rec),
            case: case_of(rec),
            output: output_of(rec, &resp.text),
        };
        // counted once queued: flush() waits for every job counted before it was called
        match self.tx.try_send(job) {
            Ok(()) => {
                n.enqueued.fetch_add(1, Ordering::AcqRel);
            }
            Err(_) => {
                n.dropped.fetch_add(1, Ordering::Relaxed);
            }
        }
    }

    async fn flush(&self) -> llmops_core::Result<()> {
        let target = self.shared.n.enqueued.load(Ordering::Acquire);
        let mut rx = self.processed.clone();
        rx.wait_for(|done| *done >= target)
            .await
            .map(|_| ())
            .map_err(|_| {
                llmops_core::Error::extension("online-eval", "the evaluation task stopped")
            })
    }

    async fn shutdown(&self) -> llmops_core::Result<()> {
        let r = self.flush().await;
        lock(&self.shared.client).take();
        r
    }
}

async fn worker(shared: Arc<Shared>, mut rx: mpsc::Receiver<Job>, done: watch::Sender<u64>) {
    let mut processed = 0u64;
    while let Some(job) = rx.recv().await {
        evaluate(&shared, job).await;
        processed += 1;
        done.send_replace(processed);
    }
}

async fn evaluate(shared: &Shared, job: Job) {
    let mut results = Vec::with_capacity(shared.assertions.len());
    let client = lock(&shared.client).clone();
    for a in &shared.assertions {
        let res = a.evaluate(&job.case, &job.output).await;
        let metric = a.metric().to_owned();
        if let Some(c) = &client {
            let ev = match &res {
                Ok(s) => EvaluationResult::from_score(&job.case.id, &metric, s),
                Err(e) => {
                    let mut ev = EvaluationResult::new(&job.case.id, &metric);
                    ev.error_type = Some(e.class().as_str().to_owned());
                    ev.explanation = Some(e.to_string());
                    ev
                }
            };
            if let Err(e) = c.record_evaluation(ev) {
                tracing::warn!(error = %e, "recording an online evaluation failed");
            }
        }
        let (score, error) = match res {
            Ok(s) => (Some(s), None),
            Err(e) => (None, Some(e.to_string())),
        };
        results.push(AssertionResult {
            kind: a.spec.kind.clone(),
            metric,
            weight: a.weight,
            score,
            error,
        });
    }
    shared.n.evaluated.fetch_add(1, Ordering::Relaxed);
    let verdict = combine(&results, None);
    if verdict.errored {
        shared.n.errored.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(request_id = %job.case.id, reason = %verdict.reason, "online evaluation errored");
        return;
    }
    let alert = observe(shared, &job.key, verdict.score);
    if let (Some(alert), Some(sink)) = (alert, &shared.sink) {
        shared.n.alerts.fetch_add(1, Ordering::Relaxed);
        if let Err(e) = sink.send(&alert).await {
            shared.n.alert_errors.fetch_add(1, Ordering::Relaxed);
            tracing::warn!(error = %e, "delivering a drift alert failed");
        }
    }
}

/// Adds a score to its key's window; the alert to raise, if the window just crossed below.
fn observe(shared: &Shared, key: &ScoreKey, score: f64) -> Option<Alert> {
    let cfg = &shared.cfg;
    let now = Instant::now();
    let mut keys = lock(&shared.keys);
    let st = keys.entry(key.clone()).or_default();
    st.total += 1;
    st.window.push_back((now, score));
    prune(&mut st.window, cfg.window, now);
    if st.baseline.is_none() {
        match cfg.baseline {
            Some(b) => st.baseline = Some(b),
            None => {
                st.learning.push(score);
                if st.learning.len() >= cfg.min_samples {
                    st.baseline = Some(st.learning.iter().sum::<f64>() / st.learning.len() as f64);
                    st.learning = Vec::new();
                }
                return None;
            }
        }
    }
    let baseline = st.baseline?;
    let snap = snapshot(st);
    let floor = baseline - cfg.margin;
    if snap.mean >= floor {
        st.alerting = false;
        return None;
    }
    if st.alerting || snap.n < cfg.min_samples {
        return None;
    }
    st.alerting = true;
    let mut alert = Alert::now(
        SCORE_DROP_RULE,
        cfg.severity,
        format!(
            "online eval score of {key} fell to {:.3} over {} exchanges (baseline {baseline:.3}, margin {})",
            snap.mean, snap.n, cfg.margin
        ),
    );
    alert.data = serde_json::json!({
        "prompt": key.prompt, "model": key.model, "mean": snap.mean,
        "baseline": baseline, "margin": cfg.margin, "n": snap.n,
    });
    tracing::warn!(prompt = %key.prompt, model = %key.model, mean = snap.mean, baseline, "online eval score dropped");
    Some(alert)
}

fn prune(w: &mut VecDeque<(Instant, f64)>, window: Window, now: Instant) {
    match window {
        Window::Last(n) => {
            while w.len() > n {
                w.pop_front();
            }
        }
        Window::Time(d) => {
            while w.front().is_some_and(|(t, _)| now.duration_since(*t) > d) {
                w.pop_front();
            }
        }
    }
}

fn snapshot(st: &KeyState) -> RollingScore {
    let n = st.window.len();
    let mean = if n == 0 {
        0.0
    } else {
        st.window.iter().map(|(_, s)| s).sum::<f64>() / n as f64
    };
    RollingScore {
        n,
        mean,
        baseline: st.baseline,
        alerting: st.alerting,
        total: st.total,
    }
}

/// Deterministic sampling: a well-mixed 64-bit hash of the id against the rate.
fn in_sample(request_id: &str, rate: f64) -> bool {
    if rate >= 1.0 {
        return true;
    }
    if rate <= 0.0 {
        return false;
    }
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in request_id.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    // splitmix64 finaliser: FNV alone mixes its last bytes poorly
    h = (h ^ (h >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h = (h ^ (h >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    ((h >> 11) as f64 / (1u64 << 53) as f64) < rate
}

/// The case of a logged exchange: the request id and the messages as sent.
pub fn case_of(rec: &ExchangeRecord) -> EvalCase {
    let mut c = EvalCase::default();
    c.id = rec.request_id.clone();
    c.messages = rec.request.messages.as_ref().clone();
    c
}

/// The output of a logged exchange: the text, the retrieved document ids, the metadata the
/// record carries.
pub fn output_of(rec: &ExchangeRecord, text: &str) -> EvalOutput {
    let mut meta = ResponseMeta::default();
    meta.request_id = rec.request_id.clone();
    meta.provider = rec.provider.clone().unwrap_or_default();
    meta.deployment = rec.deployment.clone();
    meta.model_requested = rec.model_requested.clone();
    meta.model_answered = rec.model_answered.clone();
    meta.attempts = u32::try_from(rec.attempts.len()).unwrap_or(u32::MAX);
    meta.latency = rec.latency;
    meta.ttft = rec.ttft;
    meta.prompt = rec.prompt.clone();
    meta.cache = rec.cache.clone();
    meta.cost = rec.cost.clone();
    meta.usage_source = rec.usage_source;
    meta.trace_id = rec.trace_id.clone();
    meta.scripted = rec.scripted;
    let mut out = EvalOutput::text(text);
    out.retrieved_docs = rec.retrieved.iter().map(|c| c.doc_id.clone()).collect();
    out.usage = rec.usage;
    out.meta = meta;
    out
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sampling_is_deterministic_and_near_the_rate() {
        let ids: Vec<String> = (0..20_000).map(|i| format!("req-{i:08}")).collect();
        let picked = ids.iter().filter(|id| in_sample(id, 0.1)).count();
        assert!((1_800..=2_200).contains(&picked), "{picked}");
        let again = ids.iter().filter(|id| in_sample(id, 0.1)).count();
        assert_eq!(picked, again);
        assert!(ids.iter().all(|id| in_sample(id, 1.0)));
        assert!(!ids.iter().any(|id| in_sample(id, 0.0)));
    }

    #[test]
    fn bad_configs_are_refused() {
        assert!(OnlineConfig::new().sample_rate(1.5).validate().is_err());
        assert!(OnlineConfig::new().queue(0).validate().is_err());
        assert!(
            OnlineConfig::new()
                .window(Window::Last(0))
                .validate()
                .is_err()
        );
        assert!(OnlineConfig::new().margin(f64::NAN).validate().is_err());
        assert!(OnlineConfig::new().validate().is_ok());
    }
}
