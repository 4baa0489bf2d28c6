//! [`AlertRules`]: rules over rolling windows of exchange records, delivered to an
//! [`AlertSink`], debounced to one alert per rule per window.
//!
//! Windows run on *event time* (each record's end time), so a replayed log alerts exactly as the
//! live traffic did. Rules:
//! - [`Rule::ErrorRate`]: failed exchanges over the window above a fraction;
//! - [`Rule::LatencyP95`]: p95 latency over the window above `factor ×` the p95 of the baseline
//!   window before it;
//! - [`Rule::CostPerHour`]: known cost over the last hour above a limit;
//! - [`Rule::TokensPerRequest`]: mean input tokens per exchange above `(1 + margin) ×` the
//!   baseline's (the forgotten debug string in a prompt);
//! - [`Rule::CacheHitRate`]: cache hits among looked-up exchanges below a floor.
//!
//! ```
//! use std::sync::Arc;
//! use std::time::Duration;
//! use llmops_trace::{AlertRules, Rule, TracingAlerts};
//! let rules = AlertRules::new(Arc::new(TracingAlerts), vec![
//!     Rule::ErrorRate { window: Duration::from_secs(300), max: 0.05, min_requests: 20 },
//!     Rule::TokensPerRequest { window: Duration::from_secs(3600), baseline: Duration::from_secs(86_400), margin: 0.25, min_requests: 50 },
//! ]).unwrap();
//! # let _ = rules;
//! ```

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use llmops_core::{Alert, AlertSink, CacheOutcome, ExchangeRecord, Money, Observer, Severity};

use crate::error::{Error, Result};
use crate::queue::{Queue, WhenFull};

/// An alert rule.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Rule {
    /// Failed exchanges / all exchanges over `window` above `max`.
    ErrorRate {
        /// The window.
        window: Duration,
        /// The highest acceptable failure fraction (0..=1).
        max: f64,
        /// Below this many exchanges in the window the rule stays quiet.
        min_requests: usize,
    },
    /// p95 latency over `window` above `factor ×` the p95 over the `baseline` before it.
    LatencyP95 {
        /// The window.
        window: Duration,
        /// The baseline window (immediately before `window`).
        baseline: Duration,
        /// How many times the baseline p95 is too slow (e.g. 1.5).
        factor: f64,
        /// Minimum exchanges in each window.
        min_requests: usize,
    },
    /// Known cost over the last hour above `limit`.
    CostPerHour {
        /// The limit.
        limit: Money,
    },
    /// Mean input tokens per exchange over `window` above `(1 + margin) ×` the baseline's.
    TokensPerRequest {
        /// The window.
        window: Duration,
        /// The baseline window (immediately before `window`).
        baseline: Duration,
        /// Allowed growth (0.25 = 25 %).
        margin: f64,
        /// Minimum exchanges in each window.
        min_requests: usize,
    },
    /// Cache hits / exchanges the cache looked up, over `window`, below `min`.
    CacheHitRate {
        /// The window.
        window: Duration,
        /// The lowest acceptable hit rate (0..=1).
        min: f64,
        /// Minimum looked-up exchanges in the window.
        min_requests: usize,
    },
}

impl Rule {
    /// The rule's name, used as the alert's `rule`.
    pub fn name(&self) -> &'static str {
        match self {
            Rule::ErrorRate { .. } => "error_rate",
            Rule::LatencyP95 { .. } => "p95_latency",
            Rule::CostPerHour { .. } => "cost_per_hour",
            Rule::TokensPerRequest { .. } => "tokens_per_request",
            Rule::CacheHitRate { .. } => "cache_hit_rate",
        }
    }

    /// How far back the rule needs records.
    fn horizon(&self) -> Duration {
        match self {
            Rule::ErrorRate { window, .. } | Rule::CacheHitRate { window, .. } => *window,
            Rule::LatencyP95 {
                window, baseline, ..
            }
            | Rule::TokensPerRequest {
                window, baseline, ..
            } => *window + *baseline,
            Rule::CostPerHour { .. } => Duration::from_secs(3600),
        }
    }

    /// The debounce period: one alert per rule per window.
    fn window(&self) -> Duration {
        match self {
            Rule::ErrorRate { window, .. }
            | Rule::CacheHitRate { window, .. }
            | Rule::LatencyP95 { window, .. }
            | Rule::TokensPerRequest { window, .. } => *window,
            Rule::CostPerHour { .. } => Duration::from_secs(3600),
        }
    }
}

/// What the rules keep of one exchange.
#[derive(Debug, Clone)]
struct Point {
    at: DateTime<Utc>,
    failed: bool,
    latency: f64,
    input_tokens: u64,
    cost_micros: i64,
    cache: Option<bool>,
}

impl Point {
    fn of(r: &ExchangeRecord) -> Self {
        let at = r.started_at + chrono::Duration::from_std(r.latency).unwrap_or_default();
        Point {
            at,
            failed: matches!(r.outcome, llmops_core::Outcome::Failed { .. }),
            latency: r.latency.as_secs_f64(),
            input_tokens: r.usage.input_tokens,
            cost_micros: r.cost.known().map_or(0, Money::micros),
            cache: match &r.cache {
                Some(CacheOutcome::Hit { .. }) => Some(true),
                Some(CacheOutcome::Miss) => Some(false),
                _ => None,
            },
        }
    }
}

/// Evaluates rules over a window of points (the part that needs no thread; tested directly).
pub(crate) struct Evaluator {
    rules: Vec<Rule>,
    last_fired: Vec<Option<DateTime<Utc>>>,
    points: VecDeque<Point>,
    horizon: Duration,
}

fn since(now: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    now - chrono::Duration::from_std(d).unwrap_or(chrono::Duration::MAX)
}

fn p95(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    let i = ((v.len() as f64) * 0.95).ceil() as usize;
    v.get(i.saturating_sub(1)).copied().unwrap_or(0.0)
}

impl Evaluator {
    pub(crate) fn new(rules: Vec<Rule>) -> Self {
        let horizon = rules.iter().map(Rule::horizon).max().unwrap_or_default();
        let n = rules.len();
        Evaluator {
            rules,
            last_fired: vec![None; n],
            points: VecDeque::new(),
            horizon,
        }
    }

    /// Adds a point; returns the alerts that fire now.
    fn push(&mut self, p: Point) -> Vec<Alert> {
        let now = p.at;
        self.points.push_back(p);
        let oldest = since(now, self.horizon);
        while self.points.front().is_some_and(|p| p.at < oldest) {
            self.points.pop_front();
        }
        let mut out = Vec::new();
        for i in 0..self.rules.len() {
            let (Some(rule), Some(last)) = (self.rules.get(i), self.last_fired.get(i)) else {
                continue;
            };
            if last.is_some_and(|t| {
                now < t + chrono::Duration::from_std(rule.window()).unwrap_or(chrono::Duration::MAX)
            }) {
                continue; // debounced
            }
            if let Some(alert) = self.check(rule, now) {
                if let Some(slot) = self.last_fired.get_mut(i) {
                    *slot = Some(now);
                }
                out.push(alert);
            }
        }
        out
    }

    fn window(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> impl Iterator<Item = &Point> {
        self.points
            .iter()
            .filter(move |p| p.at >= from && p.at <= to)
    }

    fn check(&self, rule: &Rule, now: DateTime<Utc>) -> Option<Alert> {
        let fire = |sev, msg: String, data: serde_json::Value| {
            let mut a = Alert::now(rule.name(), sev, msg);
            a.at = now;
            a.data = data;
            Some(a)
        };
        match rule {
            Rule::ErrorRate {
                window,
                max,
                min_requests,
            } => {
                let w: Vec<&Point> = self.window(since(now, *window), now).collect();
                let failed = w.iter().filter(|p| p.failed).count();
                let rate = failed as f64 / w.len().max(1) as f64;
                (w.len() >= *min_requests && rate > *max).then_some(())?;
                fire(
                    Severity::Critical,
                    format!(
                        "{:.1}% of {} exchanges failed (limit {:.1}%)",
                        rate * 100.0,
                        w.len(),
                        max * 100.0
                    ),
                    serde_json::json!({"rate": rate, "failed": failed, "requests": w.len(), "max": max}),
                )
            }
            Rule::LatencyP95 {
                window,
                baseline,
                factor,
                min_requests,
            } => {
                let start = since(now, *window);
                let cur: Vec<f64> = self.window(start, now).map(|p| p.latency).collect();
                let base: Vec<f64> = self
                    .window(since(start, *baseline), start)
                    .filter(|p| p.at < start)
                    .map(|p| p.latency)
                    .collect();
                (cur.len() >= *min_requests && base.len() >= *min_requests).then_some(())?;
                let (c, b) = (p95(cur), p95(base));
                (b > 0.0 && c > b * factor).then_some(())?;
                fire(
                    Severity::Warning,
                    format!(
                        "p95 latency {:.0} ms is {:.1}× the baseline's {:.0} ms",
                        c * 1e3,
                        c / b,
                        b * 1e3
                    ),
                    serde_json::json!({"p95_s": c, "baseline_p95_s": b, "factor": factor}),
                )
            }
            Rule::CostPerHour { limit } => {
                let micros: i64 = self
                    .window(since(now, Duration::from_secs(3600)), now)
                    .map(|p| p.cost_micros)
                    .sum();
                let spent = Money::from_micros(micros);
                (spent.amount > limit.amount).then_some(())?;
                fire(
                    Severity::Critical,
                    format!("{spent} spent in the last hour (limit {limit})"),
                    serde_json::json!({"spent_micro_usd": micros, "limit": limit}),
                )
            }
            Rule::TokensPerRequest {
                window,
                baseline,
                margin,
                min_requests,
            } => {
                let start = since(now, *window);
                let mean = |v: Vec<u64>| {
                    (
                        v.len(),
                        v.iter().sum::<u64>() as f64 / v.len().max(1) as f64,
                    )
                };
                let (nc, c) = mean(self.window(start, now).map(|p| p.input_tokens).collect());
                let (nb, b) = mean(
                    self.window(since(start, *baseline), start)
                        .filter(|p| p.at < start)
                        .map(|p| p.input_tokens)
                        .collect(),
                );
                (nc >= *min_requests && nb >= *min_requests && b > 0.0 && c > b * (1.0 + margin))
                    .then_some(())?;
                fire(
                    Severity::Warning,
                    format!(
                        "input tokens per exchange {c:.0} vs baseline {b:.0} (+{:.0}%)",
                        (c / b - 1.0) * 100.0
                    ),
                    serde_json::json!({"mean_input_tokens": c, "baseline": b, "margin": margin}),
                )
            }
            Rule::CacheHitRate {
                window,
                min,
                min_requests,
            } => {
                let looked: Vec<bool> = self
                    .window(since(now, *window), now)
                    .filter_map(|p| p.cache)
                    .collect();
                let hits = looked.iter().filter(|h| **h).count();
                let rate = hits as f64 / looked.len().max(1) as f64;
                (looked.len() >= *min_requests && rate < *min).then_some(())?;
                fire(
                    Severity::Info,
                    format!(
                        "cache hit rate {:.1}% (floor {:.1}%)",
                        rate * 100.0,
                        min * 100.0
                    ),
                    serde_json::json!({"rate": rate, "looked_up": looked.len(), "min": min}),
                )
            }
        }
    }
}

/// The rules observer: records are evaluated on its own thread and alerts delivered from there.
#[derive(Clone)]
pub struct AlertRules {
    queue: Arc<Queue<Point>>,
}

impl std::fmt::Debug for AlertRules {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AlertRules")
    }
}

impl AlertRules {
    /// Starts evaluating `rules`; alerts go to `sink`.
    pub fn new(sink: Arc<dyn AlertSink>, rules: Vec<Rule>) -> Result<Self> {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .map_err(|e| Error::io("alert-rules runtime", e))?;
        let mut eval = Evaluator::new(rules);
        let queue = Queue::spawn(
            "alert-rules",
            16_384,
            WhenFull::Block,
            move |p: Point| {
                for alert in eval.push(p) {
                    if let Err(e) = rt.block_on(sink.send(&alert)) {
                        tracing::error!(error = %e, rule = %alert.rule, "alert not delivered");
                    }
                }
            },
            || Ok(()),
        )?;
        Ok(AlertRules {
            queue: Arc::new(queue),
        })
    }
}

#[async_trait::async_trait]
impl Observer for AlertRules {
    fn name(&self) -> &str {
        "alert-rules"
    }

    fn on_finish(&self, rec: &ExchangeRecord) {
        self.queue.push(Point::of(rec));
    }

    async fn flush(&self) -> llmops_core::Result<()> {
        Ok(self.queue.flush().await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pt(
        secs: i64,
        failed: bool,
        latency: f64,
        tokens: u64,
        cost_micros: i64,
        cache: Option<bool>,
    ) -> Point {
        Point {
            at: DateTime::<Utc>::from_timestamp(1_700_000_000 + secs, 0).unwrap(),
            failed,
            latency,
            input_tokens: tokens,
            cost_micros,
            cache,
        }
    }

    fn run(rule: Rule, points: impl IntoIterator<Item = Point>) -> Vec<Alert> {
        let mut e = Evaluator::new(vec![rule]);
        points.into_iter().flat_map(|p| e.push(p)).collect()
    }

    #[test]
    fn error_rate_fires_once_per_window_and_respects_the_minimum() {
        let rule = Rule::ErrorRate {
            window: Duration::from_secs(60),
            max: 0.2,
            min_requests: 10,
        };
        // 30 exchanges in a minute, every third failed (33% > 20%): one alert, debounced
        let a = run(
            rule.clone(),
            (0..30).map(|i| pt(i * 2, i % 3 == 0, 0.1, 10, 0, None)),
        );
        assert_eq!(a.len(), 1, "{a:#?}");
        assert_eq!(a[0].rule, "error_rate");
        assert_eq!(a[0].severity, Severity::Critical);
        // a storm over three windows: one alert per window
        let a = run(
            rule.clone(),
            (0..180).map(|i| pt(i, true, 0.1, 10, 0, None)),
        );
        assert_eq!(a.len(), 3);
        // too few exchanges: quiet
        assert!(run(rule.clone(), (0..5).map(|i| pt(i, true, 0.1, 10, 0, None))).is_empty());
        // healthy traffic: quiet
        assert!(run(rule, (0..100).map(|i| pt(i, i % 10 == 0, 0.1, 10, 0, None))).is_empty());
    }

    #[test]
    fn p95_latency_against_the_baseline() {
        let rule = Rule::LatencyP95 {
            window: Duration::from_secs(60),
            baseline: Duration::from_secs(600),
            factor: 2.0,
            min_requests: 20,
        };
        let base = (0..600).map(|i| pt(i, false, 0.200, 10, 0, None));
        let slow = (600..660).map(|i| pt(i, false, 0.900, 10, 0, None));
        let a = run(rule.clone(), base.clone().chain(slow));
        assert_eq!(a.len(), 1);
        assert!(a[0].message.contains("900 ms"), "{}", a[0].message);
        let same = (600..660).map(|i| pt(i, false, 0.250, 10, 0, None));
        assert!(run(rule, base.chain(same)).is_empty());
    }

    #[test]
    fn cost_per_hour_and_tokens_per_request() {
        let rule = Rule::CostPerHour {
            limit: Money::usd_str("1.00").unwrap(),
        };
        // 0.02 USD per exchange: the 51st exchange within the hour crosses 1 USD
        let a = run(
            rule,
            (0..60).map(|i| pt(i * 10, false, 0.1, 10, 20_000, None)),
        );
        assert_eq!(a.len(), 1);
        assert_eq!(a[0].data["spent_micro_usd"], 1_020_000);

        let rule = Rule::TokensPerRequest {
            window: Duration::from_secs(300),
            baseline: Duration::from_secs(3600),
            margin: 0.25,
            min_requests: 10,
        };
        let base = (0..3600)
            .step_by(10)
            .map(|i| pt(i, false, 0.1, 1000, 0, None));
        // the forgotten debug string: +40% input tokens
        let grown = (3600..3900)
            .step_by(10)
            .map(|i| pt(i, false, 0.1, 1400, 0, None));
        let a = run(rule.clone(), base.clone().chain(grown));
        assert_eq!(a.len(), 1);
        // fires as soon as the rolling mean crosses +25%, while old and new traffic still mix
        assert!(
            a[0].message.contains("vs baseline 1000"),
            "{}",
            a[0].message
        );
        assert!(a[0].data["mean_input_tokens"].as_f64().unwrap() > 1250.0);
        let fine = (3600..3900)
            .step_by(10)
            .map(|i| pt(i, false, 0.1, 1100, 0, None));
        assert!(run(rule, base.chain(fine)).is_empty());
    }

    #[test]
    fn cache_hit_rate_floor_counts_only_looked_up_exchanges() {
        let rule = Rule::CacheHitRate {
            window: Duration::from_secs(60),
            min: 0.5,
            min_requests: 10,
        };
        let a = run(
            rule.clone(),
            (0..40).map(|i| pt(i, false, 0.1, 10, 0, Some(i % 5 == 0))),
        );
        assert_eq!(a.len(), 1);
        // bypassed exchanges (no lookup) do not dilute the rate
        let mixed = (0..40).map(|i| {
            pt(
                i,
                false,
                0.1,
                10,
                0,
                if i % 2 == 0 { None } else { Some(true) },
            )
        });
        assert!(run(rule, mixed).is_empty());
    }
}
