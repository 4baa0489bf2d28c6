//! [`Metrics`]: GenAI client metrics from every [`ExchangeRecord`], kept in process with
//! percentiles, and exposed as Prometheus text.
//!
//! The observer only queues a small sample (no lock on the request path); one thread folds
//! samples into HDR histograms and OpenTelemetry-style bucket counts per series (model,
//! provider, feature, prompt version).
//!
//! User feedback ([`Client::feedback`](llmops_core::Client::feedback)) is counted by label and
//! its scores kept as a distribution, in the series of the exchange it is about: the
//! aggregator remembers the series of the last [`FEEDBACK_ATTRIBUTION_WINDOW`] exchanges by
//! request id. Feedback on an older (or never seen) exchange counts in the series with empty
//! labels. Prometheus: `llmops_feedback_total{…,label="…"}` and the histogram
//! `llmops_feedback_score`. Replayed exchanges (`llmops log replay`, tagged
//! [`REPLAY_TAG`](crate::replay::REPLAY_TAG)) count as exchanges and also as `replays`, so
//! user traffic is `requests - replays`.
//!
//! Shared stores (the Redis cache, rate-limit and budget stores) are watched with
//! [`Metrics::watch_store`]: their calls, failures (errors, timeouts, calls refused during a
//! cool-down) and own events are read at snapshot time ([`MetricsSnapshot::stores`]) and
//! exported as `llmops_store_calls_total`, `llmops_store_failures_total` and
//! `llmops_store_events_total`.
//!
//! ```
//! use llmops_core::{ChatRequest, Client, ScriptedProvider};
//! use llmops_trace::Metrics;
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let metrics = Metrics::new().unwrap();
//! let client = Client::builder().provider(ScriptedProvider::new().repeat("ok")).observer(metrics.clone()).build().unwrap();
//! for _ in 0..3 { client.chat(ChatRequest::new("scripted/m").user("hi")).await.unwrap(); }
//! client.flush().await.unwrap();
//! let snap = metrics.snapshot();
//! assert_eq!(snap.by_model()["scripted/m"].requests, 3);
//! assert!(metrics.prometheus().contains("gen_ai_client_operation_duration_seconds_bucket"));
//! # });
//! ```

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use hdrhistogram::Histogram;
use llmops_core::{
    ExchangeRecord, Feedback, FeedbackValue, Observer, Outcome, StoreCounts, semconv,
};

use crate::error::Result;
use crate::queue::{Queue, WhenFull};
use crate::store_metrics::{self, Watched};

/// `gen_ai.client.token.usage` bucket boundaries (tokens), as the GenAI conventions advise.
pub const TOKEN_BUCKETS: [f64; 14] = [
    1.0, 4.0, 16.0, 64.0, 256.0, 1024.0, 4096.0, 16384.0, 65536.0, 262144.0, 1048576.0, 4194304.0,
    16777216.0, 67108864.0,
];
/// `gen_ai.client.operation.duration` bucket boundaries (seconds), as the GenAI conventions advise.
pub const DURATION_BUCKETS: [f64; 14] = [
    0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/// Feedback score bucket boundaries: thumbs (-1/0/1), 0..1 grades and 1–5 ratings all land
/// in distinct buckets.
pub const FEEDBACK_SCORE_BUCKETS: [f64; 11] =
    [-1.0, 0.0, 0.25, 0.5, 0.75, 1.0, 2.0, 3.0, 4.0, 5.0, 10.0];
/// How many recent exchanges the aggregator remembers (request id → series) to attribute
/// feedback to their model, feature and prompt version.
pub const FEEDBACK_ATTRIBUTION_WINDOW: usize = 65_536;
/// Distinct feedback labels kept per series; more are counted under `other` (labels are user
/// input: this bounds the Prometheus cardinality).
pub const MAX_FEEDBACK_LABELS: usize = 32;

const FEEDBACK_TOTAL: &str = "llmops_feedback_total";
const FEEDBACK_SCORE: &str = "llmops_feedback_score";

/// The labels of a series.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub struct SeriesKey {
    /// The model reference asked for.
    pub model: String,
    /// The provider of the last attempt.
    pub provider: String,
    /// The caller's feature.
    pub feature: String,
    /// `name/version` of the prompt, or empty.
    pub prompt: String,
}

/// A distribution: bucket counts for export, an HDR histogram for percentiles.
#[derive(Debug, Clone)]
pub struct Distribution {
    bounds: &'static [f64],
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
    /// Values in units of `1 / scale` (µs for seconds, 1 for tokens).
    hdr: Histogram<u64>,
    scale: f64,
}

impl Distribution {
    fn new(bounds: &'static [f64], scale: f64) -> Self {
        Distribution {
            bounds,
            buckets: vec![0; bounds.len() + 1],
            sum: 0.0,
            count: 0,
            hdr: new_histogram(),
            scale,
        }
    }

    fn record(&mut self, v: f64) {
        let v = if v.is_finite() && v >= 0.0 { v } else { 0.0 };
        let i = self
            .bounds
            .iter()
            .position(|b| v <= *b)
            .unwrap_or(self.bounds.len());
        if let Some(b) = self.buckets.get_mut(i) {
            *b += 1;
        }
        self.sum += v;
        self.count += 1;
        let x = (v * self.scale).round() as u64;
        // `record` grows the (auto-resizing) histogram; saturate only if growing fails
        if self.hdr.record(x).is_err() {
            self.hdr.saturating_record(x);
        }
    }

    fn merge(&mut self, o: &Distribution) {
        for (a, b) in self.buckets.iter_mut().zip(&o.buckets) {
            *a += b;
        }
        self.sum += o.sum;
        self.count += o.count;
        let _ = self.hdr.add(&o.hdr);
    }

    /// The value at quantile `q` (0..=1), in the metric's unit.
    pub fn quantile(&self, q: f64) -> f64 {
        self.hdr.value_at_quantile(q) as f64 / self.scale
    }

    /// How many values.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Their sum.
    pub fn sum(&self) -> f64 {
        self.sum
    }
}

/// A distribution of feedback scores (any finite number, negatives included): bucket counts
/// over [`FEEDBACK_SCORE_BUCKETS`], sum, count, min and max.
#[derive(Debug, Clone)]
pub struct ScoreDistribution {
    buckets: Vec<u64>,
    sum: f64,
    count: u64,
    min: f64,
    max: f64,
}

impl ScoreDistribution {
    fn new() -> Self {
        ScoreDistribution {
            buckets: vec![0; FEEDBACK_SCORE_BUCKETS.len() + 1],
            sum: 0.0,
            count: 0,
            min: f64::INFINITY,
            max: f64::NEG_INFINITY,
        }
    }

    fn record(&mut self, v: f64) {
        if !v.is_finite() {
            return; // core rejects non-finite scores; never let one poison the sum
        }
        let i = FEEDBACK_SCORE_BUCKETS
            .iter()
            .position(|b| v <= *b)
            .unwrap_or(FEEDBACK_SCORE_BUCKETS.len());
        if let Some(b) = self.buckets.get_mut(i) {
            *b += 1;
        }
        self.sum += v;
        self.count += 1;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
    }

    fn merge(&mut self, o: &ScoreDistribution) {
        for (a, b) in self.buckets.iter_mut().zip(&o.buckets) {
            *a += b;
        }
        self.sum += o.sum;
        self.count += o.count;
        self.min = self.min.min(o.min);
        self.max = self.max.max(o.max);
    }

    /// How many scores.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Their sum.
    pub fn sum(&self) -> f64 {
        self.sum
    }

    /// Their mean, if any.
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// The lowest score, if any.
    pub fn min(&self) -> Option<f64> {
        (self.count > 0).then_some(self.min)
    }

    /// The highest score, if any.
    pub fn max(&self) -> Option<f64> {
        (self.count > 0).then_some(self.max)
    }

    /// Counts per bucket of [`FEEDBACK_SCORE_BUCKETS`] (not cumulative), then above the last.
    pub fn buckets(&self) -> &[u64] {
        &self.buckets
    }
}

#[allow(clippy::expect_used)] // 3 significant figures is within hdrhistogram's 0..=5
fn new_histogram() -> Histogram<u64> {
    Histogram::new(3).expect("3 significant figures are valid")
}

/// Everything measured for one series.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Series {
    /// Exchanges.
    pub requests: u64,
    /// Exchanges by outcome (`completed`, `failed`, `cancelled` …).
    pub outcomes: BTreeMap<String, u64>,
    /// Failures by error class (`rate_limited`, `timeout` …).
    pub errors: BTreeMap<String, u64>,
    /// Operation duration, seconds.
    pub duration: Distribution,
    /// Time to first token, seconds (streams).
    pub ttft: Distribution,
    /// Pipeline overhead (latency minus provider time), seconds.
    pub overhead: Distribution,
    /// Input tokens per exchange.
    pub input_tokens: Distribution,
    /// Output tokens per exchange.
    pub output_tokens: Distribution,
    /// Known cost, in micro-USD (sum exact to the micro-dollar).
    pub cost_micros: i64,
    /// Exchanges whose cost is unknown.
    pub cost_unknown: u64,
    /// Cache hits.
    pub cache_hits: u64,
    /// Guard blocks.
    pub guard_blocks: u64,
    /// Replayed exchanges (`llmops log replay`), counted in `requests` too.
    pub replays: u64,
    /// Feedback by label (at most [`MAX_FEEDBACK_LABELS`] labels, then `other`).
    pub feedback: BTreeMap<String, u64>,
    /// Feedback scores.
    pub feedback_scores: ScoreDistribution,
}

impl Series {
    fn new() -> Self {
        Series {
            requests: 0,
            outcomes: BTreeMap::new(),
            errors: BTreeMap::new(),
            duration: Distribution::new(&DURATION_BUCKETS, 1e6),
            ttft: Distribution::new(&DURATION_BUCKETS, 1e6),
            overhead: Distribution::new(&DURATION_BUCKETS, 1e6),
            input_tokens: Distribution::new(&TOKEN_BUCKETS, 1.0),
            output_tokens: Distribution::new(&TOKEN_BUCKETS, 1.0),
            cost_micros: 0,
            cost_unknown: 0,
            cache_hits: 0,
            guard_blocks: 0,
            replays: 0,
            feedback: BTreeMap::new(),
            feedback_scores: ScoreDistribution::new(),
        }
    }

    fn record_feedback(&mut self, v: &FeedbackValue) {
        match v {
            FeedbackValue::Score(s) => self.feedback_scores.record(*s),
            FeedbackValue::Label(l) => self.count_label(l, 1),
        }
    }

    fn count_label(&mut self, label: &str, n: u64) {
        let key = if self.feedback.contains_key(label) || self.feedback.len() < MAX_FEEDBACK_LABELS
        {
            label
        } else {
            "other"
        };
        *self.feedback.entry(key.to_owned()).or_default() += n;
    }

    fn record(&mut self, s: &Sample) {
        self.requests += 1;
        *self.outcomes.entry(s.outcome.to_owned()).or_default() += 1;
        if let Some(e) = &s.error {
            *self.errors.entry(e.clone()).or_default() += 1;
        }
        self.duration.record(s.latency);
        if let Some(t) = s.ttft {
            self.ttft.record(t);
        }
        self.overhead.record(s.overhead);
        self.input_tokens.record(s.input as f64);
        self.output_tokens.record(s.output as f64);
        match s.cost_micros {
            Some(c) => self.cost_micros = self.cost_micros.saturating_add(c),
            None => self.cost_unknown += 1,
        }
        self.cache_hits += u64::from(s.cache_hit);
        self.guard_blocks += u64::from(s.guard_block);
        self.replays += u64::from(s.replay);
    }

    fn merge(&mut self, o: &Series) {
        self.requests += o.requests;
        for (k, v) in &o.outcomes {
            *self.outcomes.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.errors {
            *self.errors.entry(k.clone()).or_default() += v;
        }
        self.duration.merge(&o.duration);
        self.ttft.merge(&o.ttft);
        self.overhead.merge(&o.overhead);
        self.input_tokens.merge(&o.input_tokens);
        self.output_tokens.merge(&o.output_tokens);
        self.cost_micros = self.cost_micros.saturating_add(o.cost_micros);
        self.cost_unknown += o.cost_unknown;
        self.cache_hits += o.cache_hits;
        self.guard_blocks += o.guard_blocks;
        self.replays += o.replays;
        for (k, v) in &o.feedback {
            self.count_label(k, *v);
        }
        self.feedback_scores.merge(&o.feedback_scores);
    }
}

/// A point-in-time copy of every series.
#[derive(Debug, Clone, Default)]
pub struct MetricsSnapshot {
    /// Per series.
    pub series: BTreeMap<SeriesKey, Series>,
    /// The counters of every watched store ([`Metrics::watch_store`]), by name.
    pub stores: BTreeMap<String, StoreCounts>,
}

impl MetricsSnapshot {
    fn group(&self, f: impl Fn(&SeriesKey) -> String) -> BTreeMap<String, Series> {
        let mut out: BTreeMap<String, Series> = BTreeMap::new();
        for (k, s) in &self.series {
            out.entry(f(k)).or_insert_with(Series::new).merge(s);
        }
        out
    }

    /// Merged per model.
    pub fn by_model(&self) -> BTreeMap<String, Series> {
        self.group(|k| k.model.clone())
    }

    /// Merged per feature.
    pub fn by_feature(&self) -> BTreeMap<String, Series> {
        self.group(|k| k.feature.clone())
    }

    /// Merged per prompt version (`name/version`; empty for no prompt).
    pub fn by_prompt(&self) -> BTreeMap<String, Series> {
        self.group(|k| k.prompt.clone())
    }
}

struct Sample {
    key: SeriesKey,
    request_id: Arc<str>,
    outcome: &'static str,
    error: Option<String>,
    latency: f64,
    ttft: Option<f64>,
    overhead: f64,
    input: u64,
    output: u64,
    cost_micros: Option<i64>,
    cache_hit: bool,
    guard_block: bool,
    replay: bool,
}

/// What the aggregator thread receives.
enum Event {
    Exchange(Box<Sample>),
    Feedback {
        request_id: String,
        value: FeedbackValue,
    },
}

/// The aggregator's state: the series, and the series of recent exchanges by request id
/// (bounded, oldest forgotten first) to attribute feedback.
#[derive(Default)]
struct State {
    series: BTreeMap<SeriesKey, Series>,
    recent: HashMap<Arc<str>, Arc<SeriesKey>>,
    order: VecDeque<Arc<str>>,
    keys: HashMap<SeriesKey, Arc<SeriesKey>>,
}

impl State {
    fn apply(&mut self, ev: Event) {
        match ev {
            Event::Exchange(s) => {
                self.series
                    .entry(s.key.clone())
                    .or_insert_with(Series::new)
                    .record(&s);
                self.remember(s.request_id.clone(), s.key);
            }
            Event::Feedback { request_id, value } => {
                let key = self
                    .recent
                    .get(request_id.as_str())
                    .map(|k| SeriesKey::clone(k))
                    .unwrap_or_else(SeriesKey::unattributed);
                self.series
                    .entry(key)
                    .or_insert_with(Series::new)
                    .record_feedback(&value);
            }
        }
    }

    fn remember(&mut self, request_id: Arc<str>, key: SeriesKey) {
        let key = match self.keys.get(&key) {
            Some(k) => k.clone(),
            None => {
                let k = Arc::new(key.clone());
                self.keys.insert(key, k.clone());
                k
            }
        };
        if self.recent.insert(request_id.clone(), key).is_none() {
            self.order.push_back(request_id);
        }
        while self.order.len() > FEEDBACK_ATTRIBUTION_WINDOW {
            if let Some(old) = self.order.pop_front() {
                self.recent.remove(&old);
            }
        }
    }
}

impl SeriesKey {
    /// The series of feedback on an exchange the metrics no longer (or never) saw.
    fn unattributed() -> Self {
        SeriesKey {
            model: String::new(),
            provider: String::new(),
            feature: String::new(),
            prompt: String::new(),
        }
    }
}

impl Sample {
    fn of(r: &ExchangeRecord) -> Self {
        Sample {
            key: SeriesKey {
                model: r.model_requested.clone(),
                provider: r.provider.clone().unwrap_or_default(),
                feature: r.caller.feature.clone().unwrap_or_default(),
                prompt: r
                    .prompt
                    .as_ref()
                    .map(|p| format!("{}/{}", p.name, p.version))
                    .unwrap_or_default(),
            },
            request_id: Arc::from(r.request_id.as_str()),
            outcome: r.outcome.as_str(),
            error: match &r.outcome {
                Outcome::Failed { error, .. } => Some(error.as_str().to_owned()),
                _ => None,
            },
            latency: r.latency.as_secs_f64(),
            ttft: r.ttft.map(|t| t.as_secs_f64()),
            overhead: r.overhead().as_secs_f64(),
            input: r.usage.input_tokens,
            output: r.usage.output_tokens,
            cost_micros: r.cost.known().map(|m| m.micros()),
            cache_hit: matches!(r.cache, Some(llmops_core::CacheOutcome::Hit { .. })),
            guard_block: r.guard_findings.iter().any(|g| g.action == "block"),
            replay: r.caller.tags.contains_key(crate::replay::REPLAY_TAG),
        }
    }
}

/// The metrics observer. Cheap to clone.
#[derive(Clone)]
pub struct Metrics {
    queue: Arc<Queue<Event>>,
    state: Arc<Mutex<State>>,
    pub(crate) stores: Arc<Watched>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Metrics")
    }
}

impl Metrics {
    /// Starts the aggregating thread (queue of 16,384 samples and feedback; a full queue drops
    /// and counts).
    pub fn new() -> Result<Self> {
        let state: Arc<Mutex<State>> = Arc::default();
        let st = state.clone();
        let queue = Queue::spawn(
            "metrics",
            16_384,
            WhenFull::Drop,
            move |ev: Event| {
                let mut m = match st.lock() {
                    Ok(m) => m,
                    Err(p) => p.into_inner(),
                };
                m.apply(ev);
            },
            || Ok(()),
        )?;
        Ok(Metrics {
            queue: Arc::new(queue),
            state,
            stores: Arc::default(),
        })
    }

    /// Samples (and feedback) dropped because the aggregator fell behind.
    pub fn dropped(&self) -> u64 {
        self.queue
            .counters
            .dropped
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    /// A copy of every series (after `client.flush()`, everything finished so far) and of the
    /// watched stores' counters.
    pub fn snapshot(&self) -> MetricsSnapshot {
        let m = match self.state.lock() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        let series = m.series.clone();
        drop(m);
        MetricsSnapshot {
            series,
            stores: self.stores.counts(),
        }
    }

    /// Prometheus text exposition (version 0.0.4) for a `/metrics` route.
    pub fn prometheus(&self) -> String {
        let snap = self.snapshot();
        // series that only hold feedback (on exchanges never seen) have no exchange metrics
        let exchanges = || snap.series.iter().filter(|(_, s)| s.requests > 0);
        let mut out = String::new();
        let name = |n: &str, unit: &str| format!("{}{}", n.replace('.', "_"), unit);
        let labels = |k: &SeriesKey| {
            format!(
                "{}=\"chat\",{}=\"{}\",{}=\"{}\",{}=\"{}\",{}=\"{}\"",
                name(semconv::GEN_AI_OPERATION_NAME, ""),
                name(semconv::GEN_AI_REQUEST_MODEL, ""),
                escape(&k.model),
                name(semconv::GEN_AI_PROVIDER_NAME, ""),
                escape(&k.provider),
                name(semconv::LLMOPS_FEATURE, ""),
                escape(&k.feature),
                name(semconv::LLMOPS_PROMPT_VERSION, ""),
                escape(&k.prompt)
            )
        };
        let hist = |out: &mut String,
                    metric: &str,
                    help: &str,
                    extra: &str,
                    pick: &dyn Fn(&Series) -> &Distribution| {
            let _ = writeln!(out, "# HELP {metric} {help}\n# TYPE {metric} histogram");
            for (k, s) in exchanges() {
                let d = pick(s);
                let l = format!("{}{extra}", labels(k));
                let mut cum = 0;
                for (b, c) in d.bounds.iter().zip(&d.buckets) {
                    cum += c;
                    let _ = writeln!(out, "{metric}_bucket{{{l},le=\"{b}\"}} {cum}");
                }
                let _ = writeln!(out, "{metric}_bucket{{{l},le=\"+Inf\"}} {}", d.count);
                let _ = writeln!(
                    out,
                    "{metric}_sum{{{l}}} {}\n{metric}_count{{{l}}} {}",
                    d.sum, d.count
                );
            }
        };
        let dur = name(semconv::GEN_AI_CLIENT_OPERATION_DURATION, "_seconds");
        hist(&mut out, &dur, "GenAI operation duration.", "", &|s| {
            &s.duration
        });
        let tok = name(semconv::GEN_AI_CLIENT_TOKEN_USAGE, "");
        let tt = name(semconv::GEN_AI_TOKEN_TYPE, "");
        let _ = writeln!(
            out,
            "# HELP {tok} Tokens used per exchange.\n# TYPE {tok} histogram"
        );
        for (typ, pick) in [
            (
                "input",
                (|s: &Series| &s.input_tokens) as fn(&Series) -> &Distribution,
            ),
            ("output", |s| &s.output_tokens),
        ] {
            let mut part = String::new();
            hist(&mut part, &tok, "", &format!(",{tt}=\"{typ}\""), &pick);
            // one HELP/TYPE header per metric family
            out.extend(part.lines().skip(2).map(|l| format!("{l}\n")));
        }
        let ttft = name(semconv::LLMOPS_CLIENT_TIME_TO_FIRST_TOKEN, "_seconds");
        hist(
            &mut out,
            &ttft,
            "Time to first token of streamed replies.",
            "",
            &|s| &s.ttft,
        );
        let ovh = name(semconv::LLMOPS_CLIENT_OVERHEAD, "_seconds");
        hist(
            &mut out,
            &ovh,
            "Pipeline overhead: latency minus provider time.",
            "",
            &|s| &s.overhead,
        );
        let counter = |out: &mut String, metric: &str, help: &str, rows: Vec<(String, u64)>| {
            let _ = writeln!(out, "# HELP {metric} {help}\n# TYPE {metric} counter");
            for (l, v) in rows {
                let _ = writeln!(out, "{metric}{{{l}}} {v}");
            }
        };
        let mut req_rows = Vec::new();
        let mut err_rows = Vec::new();
        let mut cost_rows = Vec::new();
        let mut misc_rows = Vec::new();
        for (k, s) in exchanges() {
            for (o, n) in &s.outcomes {
                req_rows.push((
                    format!(
                        "{},{}=\"{o}\"",
                        labels(k),
                        name(semconv::LLMOPS_OUTCOME, "")
                    ),
                    *n,
                ));
            }
            for (e, n) in &s.errors {
                err_rows.push((
                    format!("{},{}=\"{e}\"", labels(k), name(semconv::ERROR_TYPE, "")),
                    *n,
                ));
            }
            cost_rows.push((labels(k), s.cost_micros.max(0) as u64));
            let ev = name(semconv::LLMOPS_EVENT, "");
            misc_rows.push((format!("{},{ev}=\"cache_hit\"", labels(k)), s.cache_hits));
            misc_rows.push((
                format!("{},{ev}=\"guard_block\"", labels(k)),
                s.guard_blocks,
            ));
            misc_rows.push((
                format!("{},{ev}=\"cost_unknown\"", labels(k)),
                s.cost_unknown,
            ));
            misc_rows.push((format!("{},{ev}=\"replay\"", labels(k)), s.replays));
        }
        counter(
            &mut out,
            &name(semconv::LLMOPS_CLIENT_REQUESTS, "_total"),
            "Exchanges by outcome.",
            req_rows,
        );
        counter(
            &mut out,
            &name(semconv::LLMOPS_CLIENT_ERRORS, "_total"),
            "Failed exchanges by error class.",
            err_rows,
        );
        counter(
            &mut out,
            &name(semconv::LLMOPS_CLIENT_COST, "_micro_usd_total"),
            "Known cost, micro-USD.",
            cost_rows,
        );
        counter(
            &mut out,
            &name(semconv::LLMOPS_CLIENT_EVENTS, "_total"),
            "Cache hits, guard blocks, unpriced exchanges, replays.",
            misc_rows,
        );
        let mut fb_rows = Vec::new();
        for (k, s) in &snap.series {
            for (label, n) in &s.feedback {
                fb_rows.push((format!("{},label=\"{}\"", labels(k), escape(label)), *n));
            }
        }
        counter(
            &mut out,
            FEEDBACK_TOTAL,
            "User feedback by label, in the series of the exchange it is about.",
            fb_rows,
        );
        let _ = writeln!(
            out,
            "# HELP {FEEDBACK_SCORE} User feedback scores.\n# TYPE {FEEDBACK_SCORE} histogram"
        );
        for (k, s) in snap
            .series
            .iter()
            .filter(|(_, s)| s.feedback_scores.count > 0)
        {
            let (d, l) = (&s.feedback_scores, labels(k));
            let mut cum = 0;
            for (b, c) in FEEDBACK_SCORE_BUCKETS.iter().zip(&d.buckets) {
                cum += c;
                let _ = writeln!(out, "{FEEDBACK_SCORE}_bucket{{{l},le=\"{b}\"}} {cum}");
            }
            let _ = writeln!(
                out,
                "{FEEDBACK_SCORE}_bucket{{{l},le=\"+Inf\"}} {}\n{FEEDBACK_SCORE}_sum{{{l}}} {}\n{FEEDBACK_SCORE}_count{{{l}}} {}",
                d.count, d.sum, d.count
            );
        }
        store_metrics::prometheus(&mut out, &snap.stores, escape);
        out
    }
}

fn escape(v: &str) -> String {
    v.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

#[async_trait::async_trait]
impl Observer for Metrics {
    fn name(&self) -> &str {
        "metrics"
    }

    fn on_finish(&self, rec: &ExchangeRecord) {
        self.queue.push(Event::Exchange(Box::new(Sample::of(rec))));
    }

    fn on_feedback(&self, feedback: &Feedback) {
        self.queue.push(Event::Feedback {
            request_id: feedback.request_id.clone(),
            value: feedback.value.clone(),
        });
    }

    async fn flush(&self) -> llmops_core::Result<()> {
        Ok(self.queue.flush().await?)
    }
}
