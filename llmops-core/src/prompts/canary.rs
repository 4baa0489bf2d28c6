//! [`CanaryGuard`]: reverts a canary split by itself when the canary is worse than the
//! stable version.
//!
//! The guard is an [`Observer`]: it reads every exchange record of one prompt label (the
//! prompt stage records the version each request got) and every evaluation result fed to the
//! client ([`Client::record_evaluation`](crate::Client::record_evaluation), online
//! evaluators), and keeps per-version figures for the label's current split. Once both the
//! stable version and a canary have `min_requests`, it compares them; when the canary's error
//! rate is higher by more than the margin, its p95 latency is over the allowed ratio, or (with
//! `min_scores` scores on both) its mean eval score is lower by more than the margin, the
//! label is set back to the stable version, recorded in the history (action `revert`, who
//! `canary-guard`, the figures in `details`) and in the audit trail (`prompt.revert`).

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};

use serde::Serialize;
use serde_json::Value;

use super::rollout::LabelTarget;
use super::store::{PromptStore, lock};
use crate::exchange::{ExchangeRecord, Outcome};
use crate::observer::Observer;

/// When a canary counts as worse than the stable version.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct CanaryPolicy {
    /// Requests each of the two versions must have served before they are compared.
    pub min_requests: u64,
    /// Revert when the canary's error rate exceeds the stable one's by more than this
    /// (absolute: 0.02 = two percentage points).
    pub max_error_rate_increase: f64,
    /// Revert when the canary's p95 latency exceeds the stable one's times this ratio (and
    /// by at least [`min_latency_increase_ms`](Self::min_latency_increase_ms)).
    pub max_latency_ratio: f64,
    /// The smallest p95 increase, in milliseconds, that counts as slower: below it the ratio
    /// is noise (0.4 ms against 0.2 ms is 2× and means nothing; a cache-served or local
    /// model's p95 moves that much with the machine's load).
    pub min_latency_increase_ms: f64,
    /// Revert when the canary's mean eval score is below the stable one's by more than this.
    pub max_score_drop: f64,
    /// Eval scores each version needs before scores are compared.
    pub min_scores: u64,
    /// The eval metric compared (`EvaluationResult::name`); `None`: every metric fed.
    pub metric: Option<String>,
}

impl Default for CanaryPolicy {
    /// 200 requests per version; +2 points of errors, 1.5× p95 latency (and at least 20 ms
    /// more) or −0.05 mean score (over 30 scores) revert.
    fn default() -> Self {
        CanaryPolicy {
            min_requests: 200,
            max_error_rate_increase: 0.02,
            max_latency_ratio: 1.5,
            min_latency_increase_ms: 20.0,
            max_score_drop: 0.05,
            min_scores: 30,
            metric: None,
        }
    }
}

/// One version's figures in a split.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ArmFigures {
    /// The version.
    pub version: u32,
    /// Requests it served.
    pub requests: u64,
    /// Of which failed.
    pub errors: u64,
    /// `errors / requests`.
    pub error_rate: f64,
    /// p95 latency of completed requests, in milliseconds (`None` before any).
    pub p95_ms: Option<f64>,
    /// Eval scores received.
    pub scores: u64,
    /// Their mean (`None` before any).
    pub mean_score: Option<f64>,
}

/// Why and on what figures a canary was reverted.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct CanaryRevert {
    /// The prompt.
    pub prompt: String,
    /// The label.
    pub label: String,
    /// The split that was reverted.
    pub split: LabelTarget,
    /// What was worse (`error rate`, `p95 latency`, `eval score`), with the numbers.
    pub reasons: Vec<String>,
    /// The stable version's figures.
    pub stable: ArmFigures,
    /// The canary's figures.
    pub canary: ArmFigures,
}

/// Log-spaced latency histogram: 5% wide buckets from 0.1 ms to ~8 minutes.
const BUCKETS: usize = 320;
const BASE_MS: f64 = 0.1;
const GROWTH: f64 = 1.05;

#[derive(Debug, Clone)]
struct Arm {
    requests: u64,
    errors: u64,
    latency: Vec<u32>,
    completed: u64,
    score_sum: f64,
    scores: u64,
}

impl Default for Arm {
    fn default() -> Self {
        Arm {
            requests: 0,
            errors: 0,
            latency: vec![0; BUCKETS],
            completed: 0,
            score_sum: 0.0,
            scores: 0,
        }
    }
}

#[allow(
    clippy::cast_possible_truncation,
    clippy::cast_sign_loss,
    clippy::cast_precision_loss
)]
impl Arm {
    fn observe_latency(&mut self, ms: f64) {
        let i = if ms <= BASE_MS {
            0
        } else {
            ((ms / BASE_MS).ln() / GROWTH.ln()).ceil() as usize
        };
        if let Some(b) = self.latency.get_mut(i.min(BUCKETS - 1)) {
            *b += 1;
        }
        self.completed += 1;
    }

    /// The upper edge of the bucket holding the 95th percentile.
    fn p95_ms(&self) -> Option<f64> {
        if self.completed == 0 {
            return None;
        }
        let rank = (self.completed as f64 * 0.95).ceil() as u64;
        let mut seen = 0u64;
        for (i, n) in self.latency.iter().enumerate() {
            seen += u64::from(*n);
            if seen >= rank {
                return Some(BASE_MS * GROWTH.powi(i as i32));
            }
        }
        None
    }

    fn figures(&self, version: u32) -> ArmFigures {
        ArmFigures {
            version,
            requests: self.requests,
            errors: self.errors,
            error_rate: if self.requests == 0 {
                0.0
            } else {
                self.errors as f64 / self.requests as f64
            },
            p95_ms: self.p95_ms(),
            scores: self.scores,
            mean_score: (self.scores > 0).then(|| self.score_sum / self.scores as f64),
        }
    }
}

/// Who the history and the audit trail name for an automatic revert.
pub const REVERTER: &str = "canary-guard";

/// Which request went to which version, for scores that arrive later (bounded).
const REMEMBERED: usize = 100_000;

#[derive(Debug, Default)]
struct State {
    /// The split the figures belong to; a different split starts over.
    split: Option<LabelTarget>,
    arms: HashMap<u32, Arm>,
    requests: HashMap<String, u32>,
    order: VecDeque<String>,
    /// A revert is under way or done for this split.
    reverted: bool,
}

type RevertHook = Arc<dyn Fn(&CanaryRevert) + Send + Sync>;

/// Watches one label's canary split and reverts it when the canary is worse; add it to the
/// client as an observer.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use llmops_core::prompts::{CanaryGuard, CanaryPolicy, PromptStore};
/// use llmops_core::{Client, ScriptedProvider};
/// # let tmp = tempfile::tempdir()?;
/// # let dir = tmp.path();
/// # std::fs::create_dir_all(dir.join("greet"))?;
/// # std::fs::write(dir.join("greet/1.prompt"), "Hi")?;
/// # std::fs::write(dir.join("greet/labels.yaml"), "production: 1\n")?;
/// let store = PromptStore::open(dir)?;
/// let mut policy = CanaryPolicy::default();
/// policy.min_requests = 500;
/// let guard = Arc::new(CanaryGuard::new(store.clone(), "greet", "production", policy)
///     .on_revert(|r| eprintln!("reverted {}@{}: {:?}", r.prompt, r.label, r.reasons)));
/// let _client = Client::builder()
///     .provider(ScriptedProvider::new().repeat("hi"))
///     .prompts(store)
///     .observer_arc(guard.clone())
///     .build()?;
/// # Ok(()) }
/// ```
pub struct CanaryGuard {
    store: PromptStore,
    prompt: String,
    label: String,
    policy: CanaryPolicy,
    state: Mutex<State>,
    on_revert: Vec<RevertHook>,
}

impl std::fmt::Debug for CanaryGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CanaryGuard")
            .field("prompt", &self.prompt)
            .field("label", &self.label)
            .field("policy", &self.policy)
            .finish_non_exhaustive()
    }
}

impl CanaryGuard {
    /// A guard of `prompt@label` in `store`.
    pub fn new(
        store: PromptStore,
        prompt: impl Into<String>,
        label: impl Into<String>,
        policy: CanaryPolicy,
    ) -> Self {
        CanaryGuard {
            store,
            prompt: prompt.into(),
            label: label.into(),
            policy,
            state: Mutex::new(State::default()),
            on_revert: Vec::new(),
        }
    }

    /// Called after a revert was decided, with its figures (the label change and its audit
    /// event follow on the runtime).
    #[must_use]
    pub fn on_revert(mut self, f: impl Fn(&CanaryRevert) + Send + Sync + 'static) -> Self {
        self.on_revert.push(Arc::new(f));
        self
    }

    /// The figures per version of the split being watched (empty when the label is not
    /// split).
    pub fn figures(&self) -> Vec<ArmFigures> {
        let st = lock(&self.state);
        let mut out: Vec<ArmFigures> = st.arms.iter().map(|(v, a)| a.figures(*v)).collect();
        out.sort_by_key(|f| f.version);
        out
    }

    /// The label's target now, when it is a split.
    fn current_split(&self) -> Option<LabelTarget> {
        match self
            .store
            .registry()
            .label_target(&self.prompt, &self.label)
        {
            Ok(t @ LabelTarget::Split { .. }) => Some(t),
            _ => None,
        }
    }

    /// Brings the state to the label's current split (a new split starts over).
    fn sync(&self, st: &mut State) -> bool {
        let split = self.current_split();
        if split != st.split {
            *st = State {
                split,
                ..State::default()
            };
        }
        st.split.is_some() && !st.reverted
    }

    #[allow(clippy::cast_precision_loss)]
    fn check(&self, st: &State) -> Option<CanaryRevert> {
        let split = st.split.as_ref()?;
        let stable_v = split.stable()?;
        let stable = st.arms.get(&stable_v)?;
        if stable.requests < self.policy.min_requests {
            return None;
        }
        let p = &self.policy;
        for v in split.versions().into_iter().filter(|v| *v != stable_v) {
            let Some(canary) = st.arms.get(&v) else {
                continue;
            };
            if canary.requests < p.min_requests {
                continue;
            }
            let (s, c) = (stable.figures(stable_v), canary.figures(v));
            let mut reasons = Vec::new();
            if c.error_rate - s.error_rate > p.max_error_rate_increase {
                reasons.push(format!(
                    "error rate {:.4} vs {:.4} (allowed +{})",
                    c.error_rate, s.error_rate, p.max_error_rate_increase
                ));
            }
            if let (Some(cp), Some(sp)) = (c.p95_ms, s.p95_ms)
                && cp > sp * p.max_latency_ratio
                && cp - sp >= p.min_latency_increase_ms
            {
                reasons.push(format!(
                    "p95 latency {cp:.1} ms vs {sp:.1} ms (allowed ×{}, or +{} ms)",
                    p.max_latency_ratio, p.min_latency_increase_ms
                ));
            }
            if let (Some(cm), Some(sm)) = (c.mean_score, s.mean_score)
                && c.scores >= p.min_scores
                && s.scores >= p.min_scores
                && sm - cm > p.max_score_drop
            {
                reasons.push(format!(
                    "eval score {cm:.4} vs {sm:.4} (allowed -{})",
                    p.max_score_drop
                ));
            }
            if !reasons.is_empty() {
                return Some(CanaryRevert {
                    prompt: self.prompt.clone(),
                    label: self.label.clone(),
                    split: split.clone(),
                    reasons,
                    stable: s,
                    canary: c,
                });
            }
        }
        None
    }

    fn decide(&self, st: &mut State) {
        if let Some(revert) = self.check(st) {
            st.reverted = true;
            for f in &self.on_revert {
                f(&revert);
            }
            self.revert(revert);
        }
    }

    /// Sets the label to the stable version on the runtime (or a thread of its own when
    /// called outside one); a failure is logged.
    fn revert(&self, revert: CanaryRevert) {
        let store = self.store.clone();
        let work = async move {
            let details = serde_json::to_value(&revert).unwrap_or(Value::Null);
            let why = format!(
                "canary {} worse: {}",
                revert.canary.version,
                revert.reasons.join("; ")
            );
            if let Err(e) = store
                .revert(
                    &revert.prompt,
                    &revert.label,
                    revert.stable.version,
                    REVERTER,
                    &why,
                    details,
                )
                .await
            {
                tracing::error!(prompt = %revert.prompt, label = %revert.label, error = %e, "canary revert failed");
            }
        };
        match tokio::runtime::Handle::try_current() {
            Ok(h) => {
                h.spawn(work);
            }
            Err(_) => {
                let _ = std::thread::Builder::new()
                    .name("llmops-canary-revert".into())
                    .spawn(move || {
                        if let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                            .enable_all()
                            .build()
                        {
                            rt.block_on(work);
                        }
                    });
            }
        }
    }
}

#[async_trait::async_trait]
impl Observer for CanaryGuard {
    fn name(&self) -> &str {
        REVERTER
    }

    fn on_finish(&self, rec: &ExchangeRecord) {
        let Some(p) = &rec.prompt else { return };
        if p.name != self.prompt || p.label.as_deref() != Some(self.label.as_str()) {
            return;
        }
        let mut st = lock(&self.state);
        if !self.sync(&mut st) {
            return;
        }
        if !st
            .split
            .as_ref()
            .is_some_and(|s| s.versions().contains(&p.version))
        {
            return;
        }
        let arm = st.arms.entry(p.version).or_default();
        arm.requests += 1;
        match rec.outcome {
            Outcome::Failed { .. } => arm.errors += 1,
            Outcome::Completed => arm.observe_latency(rec.latency.as_secs_f64() * 1000.0),
            _ => {}
        }
        if st.order.len() >= REMEMBERED
            && let Some(old) = st.order.pop_front()
        {
            st.requests.remove(&old);
        }
        st.requests.insert(rec.request_id.clone(), p.version);
        st.order.push_back(rec.request_id.clone());
        self.decide(&mut st);
    }

    fn on_evaluation(&self, result: &crate::EvaluationResult) {
        let Some(score) = result.score.filter(|s| s.is_finite()) else {
            return;
        };
        if self
            .policy
            .metric
            .as_ref()
            .is_some_and(|m| *m != result.name)
        {
            return;
        }
        let mut st = lock(&self.state);
        if !self.sync(&mut st) {
            return;
        }
        let Some(v) = st.requests.get(&result.request_id).copied() else {
            return;
        };
        let arm = st.arms.entry(v).or_default();
        arm.score_sum += score;
        arm.scores += 1;
        self.decide(&mut st);
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;
    use crate::prompts::registry::tests::fixture;

    fn guard(policy: CanaryPolicy) -> (tempfile::TempDir, CanaryGuard) {
        let dir = fixture();
        let store = PromptStore::open(dir.path()).unwrap();
        (dir, CanaryGuard::new(store, "greet", "production", policy))
    }

    fn state(stable: Arm, canary: Arm) -> State {
        State {
            split: Some(LabelTarget::split([(1, 90), (2, 10)])),
            arms: HashMap::from([(1, stable), (2, canary)]),
            ..State::default()
        }
    }

    fn arm(requests: u64, errors: u64, latency_ms: f64, scores: &[f64]) -> Arm {
        let mut a = Arm {
            requests,
            errors,
            ..Arm::default()
        };
        for _ in errors..requests {
            a.observe_latency(latency_ms);
        }
        for s in scores {
            a.score_sum += s;
            a.scores += 1;
        }
        a
    }

    #[test]
    fn p95_comes_from_the_histogram_within_five_percent() {
        let mut a = Arm::default();
        for i in 1..=1000 {
            a.observe_latency(f64::from(i));
        }
        let p95 = a.p95_ms().unwrap();
        assert!((950.0..=950.0 * 1.05).contains(&p95), "{p95}");
        assert_eq!(Arm::default().p95_ms(), None);
        a.observe_latency(1e9); // beyond the last bucket: clamped, no panic
        a.observe_latency(0.0);
    }

    #[test]
    fn each_rule_triggers_alone_and_only_past_its_margin() {
        let (_d, g) = guard(CanaryPolicy {
            min_requests: 100,
            ..CanaryPolicy::default()
        });
        let healthy = || arm(100, 1, 100.0, &[0.9; 30]);
        // equal: nothing
        assert!(g.check(&state(healthy(), healthy())).is_none());
        // errors: +1 point is within the 2-point margin, +5 points is not
        assert!(
            g.check(&state(healthy(), arm(100, 2, 100.0, &[0.9; 30])))
                .is_none()
        );
        let r = g
            .check(&state(healthy(), arm(100, 6, 100.0, &[0.9; 30])))
            .unwrap();
        assert_eq!(r.reasons.len(), 1);
        assert!(r.reasons[0].starts_with("error rate"), "{:?}", r.reasons);
        assert_eq!((r.stable.version, r.canary.version), (1, 2));
        // latency: 1.4x is allowed, 2x is not
        assert!(
            g.check(&state(healthy(), arm(100, 1, 140.0, &[0.9; 30])))
                .is_none()
        );
        let r = g
            .check(&state(healthy(), arm(100, 1, 200.0, &[0.9; 30])))
            .unwrap();
        assert!(r.reasons[0].starts_with("p95 latency"), "{:?}", r.reasons);
        // sub-millisecond latencies: 2x, but below the absolute floor, is not slower
        let fast = || arm(100, 1, 0.2, &[0.9; 30]);
        assert!(
            g.check(&state(fast(), arm(100, 1, 0.4, &[0.9; 30])))
                .is_none()
        );
        let r = g
            .check(&state(fast(), arm(100, 1, 40.0, &[0.9; 30])))
            .unwrap();
        assert!(r.reasons[0].starts_with("p95 latency"), "{:?}", r.reasons);
        // scores: -0.04 allowed, -0.1 not; too few scores: not compared
        assert!(
            g.check(&state(healthy(), arm(100, 1, 100.0, &[0.86; 30])))
                .is_none()
        );
        let r = g
            .check(&state(healthy(), arm(100, 1, 100.0, &[0.8; 30])))
            .unwrap();
        assert!(r.reasons[0].starts_with("eval score"), "{:?}", r.reasons);
        assert!(
            g.check(&state(healthy(), arm(100, 1, 100.0, &[0.1; 29])))
                .is_none()
        );
        // too few requests on either side: not compared
        assert!(
            g.check(&state(healthy(), arm(99, 50, 900.0, &[])))
                .is_none()
        );
        assert!(
            g.check(&state(arm(99, 0, 1.0, &[]), arm(100, 50, 900.0, &[])))
                .is_none()
        );
        // everything worse: every reason listed
        let r = g
            .check(&state(healthy(), arm(100, 10, 300.0, &[0.2; 30])))
            .unwrap();
        assert_eq!(r.reasons.len(), 3);
    }

    #[test]
    fn figures_reset_when_the_split_changes() {
        let (d, g) = guard(CanaryPolicy::default());
        let mut st = State::default();
        assert!(!g.sync(&mut st), "no split: nothing to watch");
        std::fs::write(
            d.path().join("greet/labels.yaml"),
            "production:\n  split: {1: 90, 2: 10}\n",
        )
        .unwrap();
        g.store.reload().unwrap();
        assert!(g.sync(&mut st));
        st.arms.insert(1, arm(10, 0, 1.0, &[]));
        assert!(g.sync(&mut st));
        assert_eq!(st.arms.len(), 1, "same split keeps its figures");
        std::fs::write(
            d.path().join("greet/labels.yaml"),
            "production:\n  split: {1: 50, 2: 50}\n",
        )
        .unwrap();
        g.store.reload().unwrap();
        assert!(g.sync(&mut st));
        assert!(st.arms.is_empty(), "a re-weighted split starts over");
    }
}
