//! [`RunReport`]: what a run produced, the one input of every report format, gate and review
//! export. Serialises to the JSON report (`schema_version` first) and reads back from it, so
//! `llmops eval gate` compares two runs written by `llmops eval run`.

use std::collections::BTreeMap;
use std::time::Duration;

use chrono::{DateTime, Utc};
use llmops_core::{Cost, EvalOutput, EvalRecord, Usage};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::assertion::{AssertionResult, Verdict};

/// The JSON report's schema version.
pub const REPORT_SCHEMA_VERSION: u32 = 1;

/// One repeat of one case: the output (or the target's error), each assertion's result and
/// the combined verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Trial {
    /// 0-based repeat index.
    pub repeat: u32,
    /// What the target produced; `None` when it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<EvalOutput>,
    /// The target's error (timeout, provider failure after retries).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Served from the output cache (cost nothing).
    #[serde(default)]
    pub cached: bool,
    /// How long the target took (zero when cached).
    #[serde(with = "duration_ms", default)]
    pub latency: Duration,
    /// Each assertion's result, in suite order.
    #[serde(default)]
    pub assertions: Vec<AssertionResult>,
    /// The combined verdict.
    pub verdict: Verdict,
}

/// Outcome of a case over its repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Every repeat passed.
    Pass,
    /// A repeat failed its assertions.
    Fail,
    /// The target or an evaluator failed: neither passed nor failed on merit.
    Error,
}

/// Mean and confidence interval of a case's score over repeats.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Samples.
    pub n: u32,
    /// Mean.
    pub mean: f64,
    /// Lower bound.
    pub low: f64,
    /// Upper bound.
    pub high: f64,
    /// Confidence level (0.95).
    pub level: f64,
}

/// One case's results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CaseResult {
    /// Case id.
    pub id: String,
    /// Description.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Tags.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Template variables.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vars: BTreeMap<String, Value>,
    /// Expected output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// `file:line` of the case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Every repeat.
    pub trials: Vec<Trial>,
    /// Pass, fail or error over all repeats.
    pub status: Status,
    /// Mean score over repeats (errored repeats count 0).
    pub score: f64,
    /// Mean of each metric over repeats (assertion type or named metric → mean score).
    #[serde(default)]
    pub metrics: BTreeMap<String, f64>,
    /// Confidence interval of the score when the case ran more than once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval: Option<Interval>,
}

impl CaseResult {
    /// Whether the case passed.
    pub fn passed(&self) -> bool {
        self.status == Status::Pass
    }
}

/// Totals of a run.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Totals {
    /// Cases.
    pub cases: u32,
    /// Passed.
    pub passed: u32,
    /// Failed.
    pub failed: u32,
    /// Errored.
    pub errored: u32,
    /// Passed ÷ cases.
    pub pass_rate: f64,
    /// Mean case score.
    pub score: f64,
    /// Mean of each metric over the cases that have it.
    pub metrics: BTreeMap<String, f64>,
}

/// What a run produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RunReport {
    /// [`REPORT_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Suite (dataset) name.
    pub suite: String,
    /// What was evaluated (`support-reply/4`, a model, a retriever config).
    pub target: String,
    /// When the run started.
    pub started_at: DateTime<Utc>,
    /// Wall time.
    #[serde(with = "duration_ms")]
    pub duration: Duration,
    /// Whether every case ran (false after cancellation: the cases present are final).
    pub complete: bool,
    /// Case results, in suite order.
    pub cases: Vec<CaseResult>,
    /// Totals.
    pub totals: Totals,
    /// What the target's calls cost (unknown when any price is unknown).
    pub target_cost: Cost,
    /// Tokens the target spent.
    #[serde(default)]
    pub target_usage: Usage,
    /// What judge calls cost.
    pub eval_cost: Cost,
    /// Tokens judges spent.
    #[serde(default)]
    pub eval_usage: Usage,
    /// Free-form run metadata (git commit, prompt version, model).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, Value>,
}

impl RunReport {
    /// Recomputes [`RunReport::totals`] from the cases.
    pub fn compute_totals(&mut self) {
        let n = self.cases.len() as u32;
        let mut t = Totals {
            cases: n,
            ..Totals::default()
        };
        let mut sums: BTreeMap<String, (f64, u32)> = BTreeMap::new();
        let mut score = 0.0;
        for c in &self.cases {
            match c.status {
                Status::Pass => t.passed += 1,
                Status::Fail => t.failed += 1,
                Status::Error => t.errored += 1,
            }
            score += c.score;
            for (m, v) in &c.metrics {
                let e = sums.entry(m.clone()).or_insert((0.0, 0));
                e.0 += v;
                e.1 += 1;
            }
        }
        if n > 0 {
            t.pass_rate = f64::from(t.passed) / f64::from(n);
            t.score = score / f64::from(n);
        }
        t.metrics = sums
            .into_iter()
            .map(|(k, (s, c))| (k, s / f64::from(c.max(1))))
            .collect();
        self.totals = t;
    }

    /// The run as core's [`EvalRecord`] (what prompt promotion reads).
    ///
    /// ```
    /// # use llmops_eval::RunReport;
    /// let report = RunReport::empty("support", "support-reply/4");
    /// let rec = report.eval_record();
    /// assert_eq!((rec.suite.as_str(), rec.target.as_str(), rec.cases), ("support", "support-reply/4", 0));
    /// ```
    pub fn eval_record(&self) -> EvalRecord {
        EvalRecord::new(
            self.suite.clone(),
            self.target.clone(),
            self.totals.score,
            self.totals.pass_rate,
            self.totals.cases,
            self.duration,
        )
        .at(self.started_at)
    }

    /// A report with no cases (a starting point; the runner fills it).
    pub fn empty(suite: impl Into<String>, target: impl Into<String>) -> Self {
        RunReport {
            schema_version: REPORT_SCHEMA_VERSION,
            suite: suite.into(),
            target: target.into(),
            started_at: Utc::now(),
            duration: Duration::ZERO,
            complete: true,
            cases: Vec::new(),
            totals: Totals::default(),
            target_cost: Cost::Known(llmops_core::Money::zero()),
            target_usage: Usage::default(),
            eval_cost: Cost::Known(llmops_core::Money::zero()),
            eval_usage: Usage::default(),
            metadata: BTreeMap::new(),
        }
    }

    /// Reads a JSON report; a typed error naming the file for anything else.
    pub fn read(path: &std::path::Path) -> crate::Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| crate::EvalError::io(path, e))?;
        let r: RunReport = serde_json::from_str(&text).map_err(|e| {
            crate::EvalError::dataset(path, e.line(), format!("not a run report: {e}"))
        })?;
        if r.schema_version != REPORT_SCHEMA_VERSION {
            return Err(crate::EvalError::dataset(
                path,
                1,
                format!(
                    "report schema version {} (this build reads {REPORT_SCHEMA_VERSION})",
                    r.schema_version
                ),
            ));
        }
        Ok(r)
    }
}

pub(crate) mod duration_ms {
    use serde::{Deserialize, Deserializer, Serializer};
    use std::time::Duration;
    pub(crate) fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64() * 1000.0)
    }
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let ms = f64::deserialize(d)?;
        Duration::try_from_secs_f64(ms / 1000.0).map_err(serde::de::Error::custom)
    }
}
