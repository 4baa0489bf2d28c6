//! Regression gates: compare a candidate run with a baseline run (usually the report
//! committed with the prompt) under a [`GatePolicy`], and say pass or fail with the evidence.
//!
//! Cases are paired by id; cases only in one run are listed, never silently dropped. For
//! every metric the outcome holds the baseline mean, the candidate mean, their difference and
//! a paired bootstrap interval of the difference ([`crate::stats::paired_bootstrap`]), per
//! run and per tag. Checks: minimum means (`min`), largest drops (`max_drop`, counted only
//! when significant unless `require_significance: false`), errored cases, case count,
//! completeness, missing cases. [`GateOutcome::exit_code`] follows the CLI convention: 0
//! passed, 100 checks failed; a tool failure is an `Err` (the CLI exits 1).
//!
//! ```
//! use llmops_eval::gate::{gate, GatePolicy};
//! use llmops_eval::RunReport;
//! # fn run(scores: &[f64]) -> RunReport {
//! #     let cases: Vec<_> = scores.iter().enumerate().map(|(i, s)| serde_json::json!({
//! #         "id": format!("c{i}"), "trials": [], "status": if *s >= 0.5 { "pass" } else { "fail" }, "score": s,
//! #     })).collect();
//! #     let mut r = RunReport::empty("support", "support-reply/4");
//! #     r.cases = serde_json::from_value(serde_json::Value::Array(cases)).unwrap();
//! #     r.compute_totals();
//! #     r
//! # }
//! // 40 cases; the candidate turns 12 passes into failures
//! let baseline = run(&[1.0; 40]);
//! let mut scores = [1.0; 40];
//! scores[..12].fill(0.0);
//! let candidate = run(&scores);
//! let policy = GatePolicy::default().max_drop("score", 0.02).min("pass_rate", 0.8);
//! let outcome = gate(&candidate, Some(&baseline), &policy)?;
//! assert!(!outcome.passed());
//! assert_eq!(outcome.exit_code(), 100);
//! assert_eq!(outcome.eval_record().pass_rate, 0.7);
//! println!("{}", outcome.to_markdown());
//! # Ok::<(), llmops_eval::EvalError>(())
//! ```

use std::collections::{BTreeSet, HashMap};

use chrono::{DateTime, Utc};
use llmops_core::EvalRecord;
use serde::{Deserialize, Serialize};

use crate::report_model::{CaseResult, RunReport, Status};
use crate::stats::{PairedDiff, paired_bootstrap};
use crate::{EvalError, Result};

mod policy;
mod render;

pub use policy::{BootstrapSettings, GatePolicy, MAX_ITERATIONS, PASS_RATE, SCORE};

/// Exit code: the gate passed.
pub const EXIT_PASSED: i32 = 0;
/// Exit code: the tool failed (unreadable report, bad policy, incompatible runs).
pub const EXIT_TOOL_ERROR: i32 = 1;
/// Exit code: checks failed (promptfoo's convention, ARCHITECTURE.md's CLI conventions).
pub const EXIT_CHECKS_FAILED: i32 = 100;

/// How a metric moved from baseline to candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Change {
    /// The interval lies above zero.
    Improved,
    /// The interval includes zero and no limit was crossed.
    Unchanged,
    /// The interval lies below zero, within the allowed drop (or no drop limit is set).
    Worse,
    /// The mean dropped more than allowed, but the interval includes zero: within noise, not
    /// counted (only with `require_significance`).
    NoisyDrop,
    /// The mean dropped more than allowed (significantly, when required): the check fails.
    Regressed,
    /// No baseline, or no case pair has the metric.
    NotCompared,
}

impl Change {
    /// A short label (`regressed`, `noisy drop` ...).
    pub fn label(self) -> &'static str {
        match self {
            Change::Improved => "improved",
            Change::Unchanged => "unchanged",
            Change::Worse => "worse",
            Change::NoisyDrop => "noisy drop",
            Change::Regressed => "regressed",
            Change::NotCompared => "not compared",
        }
    }
}

/// One metric compared between the runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MetricComparison {
    /// The metric (`score`, `pass_rate`, a named metric).
    pub metric: String,
    /// Case pairs with the metric on both sides (0 without a baseline).
    pub paired: u32,
    /// Baseline mean over those pairs.
    pub baseline: Option<f64>,
    /// Candidate mean over those pairs; without a baseline, over every candidate case with
    /// the metric.
    pub candidate: Option<f64>,
    /// `candidate - baseline`.
    pub delta: Option<f64>,
    /// Paired bootstrap interval of the difference.
    pub interval: Option<PairedDiff>,
    /// The allowed drop that applied (`max_drop` or `tag_max_drop`).
    pub max_drop: Option<f64>,
    /// The verdict.
    pub change: Change,
}

/// One tag's cases compared between the runs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TagComparison {
    /// The tag.
    pub tag: String,
    /// Candidate cases with the tag.
    pub cases: u32,
    /// Of them, paired with a baseline case.
    pub paired: u32,
    /// `score`, `pass_rate` and the metrics the policy limits.
    pub metrics: Vec<MetricComparison>,
}

impl TagComparison {
    /// Whether any metric of the tag regressed (or, ungated, got significantly worse).
    pub fn worse(&self) -> bool {
        self.metrics
            .iter()
            .any(|m| matches!(m.change, Change::Regressed | Change::Worse))
    }
}

/// A check's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckStatus {
    /// Met.
    Pass,
    /// Not met: the gate fails.
    Fail,
    /// Not applicable (no baseline, metric new in the candidate, check switched off).
    Skipped,
}

/// One check of the policy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Check {
    /// What was checked (`min pass_rate`, `max_drop score`, `errors` ...).
    pub name: String,
    /// The result.
    pub status: CheckStatus,
    /// The numbers behind it.
    pub detail: String,
}

impl Check {
    fn new(name: impl Into<String>, status: CheckStatus, detail: impl Into<String>) -> Self {
        Check {
            name: name.into(),
            status,
            detail: detail.into(),
        }
    }
}

/// The headline figures of one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RunSummary {
    /// What was evaluated.
    pub target: String,
    /// When it started.
    pub started_at: DateTime<Utc>,
    /// Cases.
    pub cases: u32,
    /// Passed.
    pub passed: u32,
    /// Failed.
    pub failed: u32,
    /// Errored.
    pub errored: u32,
    /// Pass rate.
    pub pass_rate: f64,
    /// Mean score.
    pub score: f64,
    /// Whether every case ran.
    pub complete: bool,
}

impl RunSummary {
    fn of(r: &RunReport) -> Self {
        let n = r.cases.len() as u32;
        let count = |s: Status| r.cases.iter().filter(|c| c.status == s).count() as u32;
        let passed = count(Status::Pass);
        RunSummary {
            target: r.target.clone(),
            started_at: r.started_at,
            cases: n,
            passed,
            failed: count(Status::Fail),
            errored: count(Status::Error),
            pass_rate: ratio(f64::from(passed), n),
            score: ratio(r.cases.iter().map(|c| c.score).sum(), n),
            complete: r.complete,
        }
    }
}

fn ratio(sum: f64, n: u32) -> f64 {
    if n == 0 { 0.0 } else { sum / f64::from(n) }
}

/// What [`gate`] decided, with the evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GateOutcome {
    /// The candidate's suite.
    pub suite: String,
    /// The candidate run.
    pub candidate: RunSummary,
    /// The baseline run, when there was one.
    pub baseline: Option<RunSummary>,
    /// Cases in both runs.
    pub paired: u32,
    /// Baseline case ids the candidate lacks.
    pub only_in_baseline: Vec<String>,
    /// Candidate case ids the baseline lacks (new cases).
    pub only_in_candidate: Vec<String>,
    /// Every check, in policy order.
    pub checks: Vec<Check>,
    /// Every metric of either run, compared.
    pub metrics: Vec<MetricComparison>,
    /// Per tag (empty when `per_tag` is off).
    pub tags: Vec<TagComparison>,
    /// The bootstrap settings used.
    pub bootstrap: BootstrapSettings,
    /// Whether drops had to be significant.
    pub require_significance: bool,
    /// The candidate as core's [`EvalRecord`].
    pub record: EvalRecord,
}

impl GateOutcome {
    /// No check failed.
    pub fn passed(&self) -> bool {
        self.checks.iter().all(|c| c.status != CheckStatus::Fail)
    }

    /// The failed checks.
    pub fn failures(&self) -> impl Iterator<Item = &Check> {
        self.checks.iter().filter(|c| c.status == CheckStatus::Fail)
    }

    /// [`EXIT_PASSED`] (0) or [`EXIT_CHECKS_FAILED`] (100).
    pub fn exit_code(&self) -> i32 {
        if self.passed() {
            EXIT_PASSED
        } else {
            EXIT_CHECKS_FAILED
        }
    }

    /// The candidate run as core's [`EvalRecord`] (what prompt promotion reads).
    pub fn eval_record(&self) -> EvalRecord {
        self.record.clone()
    }

    /// The comparison of `metric` over the whole run.
    pub fn metric(&self, metric: &str) -> Option<&MetricComparison> {
        self.metrics.iter().find(|m| m.metric == metric)
    }

    /// The comparison of one tag.
    pub fn tag(&self, tag: &str) -> Option<&TagComparison> {
        self.tags.iter().find(|t| t.tag == tag)
    }
}

/// Gates `candidate` against `baseline` (if any) under `policy`.
///
/// `Err` (the tool failed, exit 1) for an invalid policy, runs of different suites (unless
/// `allow_suite_mismatch`), a case id that appears twice in one run, or a metric the policy
/// names that neither run has (a typo would otherwise never be checked).
pub fn gate(
    candidate: &RunReport,
    baseline: Option<&RunReport>,
    policy: &GatePolicy,
) -> Result<GateOutcome> {
    policy.validate()?;
    if let Some(b) = baseline
        && b.suite != candidate.suite
        && !policy.allow_suite_mismatch
    {
        return Err(EvalError::Gate(format!(
            "incompatible runs: the candidate ran suite `{}`, the baseline suite `{}` \
             (set allow_suite_mismatch to compare them anyway)",
            candidate.suite, b.suite
        )));
    }
    let cand_by_id = index(candidate, "candidate")?;
    let base_by_id = match baseline {
        Some(b) => Some(index(b, "baseline")?),
        None => None,
    };

    let known = metric_names(candidate, baseline);
    for m in policy
        .min
        .keys()
        .chain(policy.max_drop.keys())
        .chain(policy.tag_max_drop.keys())
    {
        if !known.contains(m.as_str()) {
            return Err(EvalError::Gate(format!(
                "the policy names metric `{m}`, which neither run has (metrics: {})",
                known.iter().cloned().collect::<Vec<_>>().join(", ")
            )));
        }
    }

    // pairs in candidate order; unpaired ids on both sides
    let mut pairs: Vec<(&CaseResult, &CaseResult)> = Vec::new();
    let mut only_in_candidate = Vec::new();
    let mut only_in_baseline = Vec::new();
    if let (Some(b), Some(base_idx)) = (baseline, &base_by_id) {
        for c in &candidate.cases {
            match base_idx.get(c.id.as_str()) {
                Some(bc) => pairs.push((c, bc)),
                None => only_in_candidate.push(c.id.clone()),
            }
        }
        only_in_baseline = b
            .cases
            .iter()
            .filter(|c| !cand_by_id.contains_key(c.id.as_str()))
            .map(|c| c.id.clone())
            .collect();
    }

    let boot = policy.bootstrap;
    let has_baseline = baseline.is_some();
    let all_cand: Vec<&CaseResult> = candidate.cases.iter().collect();
    let metrics: Vec<MetricComparison> = known
        .iter()
        .map(|m| {
            compare(
                m,
                &pairs,
                &all_cand,
                has_baseline,
                policy.max_drop.get(m.as_str()).copied(),
                policy,
            )
        })
        .collect();

    let tags = if policy.per_tag || !policy.tag_max_drop.is_empty() {
        tag_comparisons(candidate, &pairs, has_baseline, &known, policy)
    } else {
        Vec::new()
    };

    let checks = checks(
        candidate,
        baseline,
        policy,
        &metrics,
        &tags,
        &only_in_baseline,
        &only_in_candidate,
    );

    Ok(GateOutcome {
        suite: candidate.suite.clone(),
        candidate: RunSummary::of(candidate),
        baseline: baseline.map(RunSummary::of),
        paired: pairs.len() as u32,
        only_in_baseline,
        only_in_candidate,
        checks,
        metrics,
        tags,
        bootstrap: boot,
        require_significance: policy.require_significance,
        record: candidate.eval_record(),
    })
}

fn index<'a>(r: &'a RunReport, which: &str) -> Result<HashMap<&'a str, &'a CaseResult>> {
    let mut m = HashMap::with_capacity(r.cases.len());
    for c in &r.cases {
        if m.insert(c.id.as_str(), c).is_some() {
            return Err(EvalError::Gate(format!(
                "case id `{}` appears twice in the {which} run: cases cannot be paired",
                c.id
            )));
        }
    }
    Ok(m)
}

/// `score`, `pass_rate`, then every named metric of either run.
fn metric_names(candidate: &RunReport, baseline: Option<&RunReport>) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    names.insert(SCORE.to_owned());
    names.insert(PASS_RATE.to_owned());
    for r in std::iter::once(candidate).chain(baseline) {
        for c in &r.cases {
            names.extend(c.metrics.keys().cloned());
        }
    }
    names
}

/// A case's value of `metric`.
fn value(c: &CaseResult, metric: &str) -> Option<f64> {
    match metric {
        SCORE => Some(c.score),
        PASS_RATE => Some(if c.passed() { 1.0 } else { 0.0 }),
        m => c.metrics.get(m).copied(),
    }
}

fn mean(xs: &[f64]) -> Option<f64> {
    (!xs.is_empty()).then(|| xs.iter().sum::<f64>() / xs.len() as f64)
}

/// Tolerance for comparing a drop with its limit (a drop of exactly the limit passes).
const EPS: f64 = 1e-9;

fn compare(
    metric: &str,
    pairs: &[(&CaseResult, &CaseResult)],
    candidates: &[&CaseResult],
    has_baseline: bool,
    limit: Option<f64>,
    policy: &GatePolicy,
) -> MetricComparison {
    if !has_baseline {
        let vals: Vec<f64> = candidates.iter().filter_map(|c| value(c, metric)).collect();
        return MetricComparison {
            metric: metric.to_owned(),
            paired: 0,
            baseline: None,
            candidate: mean(&vals),
            delta: None,
            interval: None,
            max_drop: limit,
            change: Change::NotCompared,
        };
    }
    let (b, c): (Vec<f64>, Vec<f64>) = pairs
        .iter()
        .filter_map(|(cand, base)| Some((value(base, metric)?, value(cand, metric)?)))
        .unzip();
    let (bm, cm) = (mean(&b), mean(&c));
    let delta = match (bm, cm) {
        (Some(x), Some(y)) => Some(y - x),
        _ => None,
    };
    let boot = policy.bootstrap;
    let interval = paired_bootstrap(&b, &c, boot.iterations, boot.confidence, boot.seed);
    let change = match delta {
        None => Change::NotCompared,
        Some(d) => {
            let sig_worse = interval.is_some_and(|i| i.high < 0.0);
            let sig_better = interval.is_some_and(|i| i.low > 0.0);
            match limit {
                Some(l) if -d > l + EPS => {
                    if sig_worse || !policy.require_significance {
                        Change::Regressed
                    } else {
                        Change::NoisyDrop
                    }
                }
                _ if sig_better => Change::Improved,
                _ if sig_worse => Change::Worse,
                _ => Change::Unchanged,
            }
        }
    };
    MetricComparison {
        metric: metric.to_owned(),
        paired: b.len() as u32,
        baseline: bm,
        candidate: cm,
        delta,
        interval,
        max_drop: limit,
        change,
    }
}

fn tag_comparisons(
    candidate: &RunReport,
    pairs: &[(&CaseResult, &CaseResult)],
    has_baseline: bool,
    known: &BTreeSet<String>,
    policy: &GatePolicy,
) -> Vec<TagComparison> {
    let tags: BTreeSet<&str> = candidate
        .cases
        .iter()
        .flat_map(|c| c.tags.iter().map(String::as_str))
        .collect();
    let mut wanted: BTreeSet<&str> = [SCORE, PASS_RATE].into_iter().collect();
    wanted.extend(policy.max_drop.keys().map(String::as_str));
    wanted.extend(policy.tag_max_drop.keys().map(String::as_str));
    tags.into_iter()
        .map(|tag| {
            let has = |c: &CaseResult| c.tags.iter().any(|t| t == tag);
            let tag_pairs: Vec<(&CaseResult, &CaseResult)> =
                pairs.iter().copied().filter(|(c, _)| has(c)).collect();
            let tag_cases: Vec<&CaseResult> = candidate.cases.iter().filter(|c| has(c)).collect();
            let metrics = wanted
                .iter()
                .filter(|m| known.contains(**m))
                .map(|m| {
                    compare(
                        m,
                        &tag_pairs,
                        &tag_cases,
                        has_baseline,
                        policy.tag_max_drop.get(*m).copied(),
                        policy,
                    )
                })
                .collect();
            TagComparison {
                tag: tag.to_owned(),
                cases: tag_cases.len() as u32,
                paired: tag_pairs.len() as u32,
                metrics,
            }
        })
        .collect()
}

fn list(ids: &[String], max: usize) -> String {
    let mut s = ids
        .iter()
        .take(max)
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ");
    if ids.len() > max {
        s.push_str(&format!(" and {} more", ids.len() - max));
    }
    s
}

fn checks(
    candidate: &RunReport,
    baseline: Option<&RunReport>,
    policy: &GatePolicy,
    metrics: &[MetricComparison],
    tags: &[TagComparison],
    only_in_baseline: &[String],
    only_in_candidate: &[String],
) -> Vec<Check> {
    use CheckStatus::{Fail, Pass, Skipped};
    let mut out = Vec::new();
    let n = candidate.cases.len();

    let st = if n >= policy.min_cases as usize {
        Pass
    } else {
        Fail
    };
    out.push(Check::new(
        "min_cases",
        st,
        format!("{n} cases (at least {} required)", policy.min_cases),
    ));

    if candidate.complete {
        out.push(Check::new("complete", Pass, "every case ran"));
    } else {
        let st = if policy.allow_incomplete { Pass } else { Fail };
        out.push(Check::new(
            "complete",
            st,
            format!("the run was cancelled after {n} cases"),
        ));
    }

    let errored: Vec<String> = candidate
        .cases
        .iter()
        .filter(|c| c.status == Status::Error)
        .map(|c| c.id.clone())
        .collect();
    if !policy.fail_on_errors {
        out.push(Check::new(
            "errors",
            Skipped,
            format!("{} errored case(s), not gated", errored.len()),
        ));
    } else if errored.is_empty() {
        out.push(Check::new("errors", Pass, "no errored case"));
    } else {
        out.push(Check::new(
            "errors",
            Fail,
            format!("{} errored case(s): {}", errored.len(), list(&errored, 10)),
        ));
    }

    for (m, min) in &policy.min {
        let vals: Vec<f64> = candidate.cases.iter().filter_map(|c| value(c, m)).collect();
        let name = format!("min {m}");
        match mean(&vals) {
            None => out.push(Check::new(
                name,
                Fail,
                format!("the candidate has no case with metric `{m}`"),
            )),
            Some(v) if v + EPS >= *min => out.push(Check::new(
                name,
                Pass,
                format!("{v:.3} >= {min} over {} cases", vals.len()),
            )),
            Some(v) => out.push(Check::new(
                name,
                Fail,
                format!("{v:.3} < {min} over {} cases", vals.len()),
            )),
        }
    }

    for (m, limit) in &policy.max_drop {
        let name = format!("max_drop {m}");
        let Some(cmp) = metrics.iter().find(|c| &c.metric == m) else {
            continue;
        };
        let base_has = baseline.is_some_and(|b| b.cases.iter().any(|c| value(c, m).is_some()));
        if base_has && cmp.paired == 0 {
            // the baseline measured it, but no case pairs up: a renamed suite must not pass
            out.push(Check::new(
                name,
                Fail,
                format!("no candidate case pairs with a baseline case that has `{m}`: nothing to compare"),
            ));
            continue;
        }
        out.push(drop_check(name, cmp, *limit, baseline.is_some()));
    }

    if baseline.is_some() {
        let detail = format!(
            "{} baseline case(s) missing from the candidate{}; {} new case(s){}",
            only_in_baseline.len(),
            if only_in_baseline.is_empty() {
                String::new()
            } else {
                format!(" ({})", list(only_in_baseline, 10))
            },
            only_in_candidate.len(),
            if only_in_candidate.is_empty() {
                String::new()
            } else {
                format!(" ({})", list(only_in_candidate, 10))
            }
        );
        let st = if policy.fail_on_missing_cases && !only_in_baseline.is_empty() {
            Fail
        } else {
            Pass
        };
        out.push(Check::new("missing cases", st, detail));
    }

    for (m, limit) in &policy.tag_max_drop {
        for t in tags {
            if let Some(cmp) = t.metrics.iter().find(|c| &c.metric == m) {
                let c = drop_check(
                    format!("tag {}: max_drop {m}", t.tag),
                    cmp,
                    *limit,
                    baseline.is_some(),
                );
                out.push(c);
            }
        }
    }
    out
}

fn drop_check(name: String, cmp: &MetricComparison, limit: f64, has_baseline: bool) -> Check {
    use CheckStatus::{Fail, Pass, Skipped};
    if !has_baseline {
        return Check::new(name, Skipped, "no baseline run");
    }
    let (Some(d), Some(b)) = (cmp.delta, cmp.baseline) else {
        return Check::new(
            name,
            Skipped,
            format!("no case pair has metric `{}`", cmp.metric),
        );
    };
    let ci = cmp
        .interval
        .map(|i| {
            format!(
                ", {:.0}% interval [{:+.3}, {:+.3}]",
                i.level * 100.0,
                i.low,
                i.high
            )
        })
        .unwrap_or_default();
    let head = format!(
        "{b:.3} → {:.3} (delta {d:+.3}{ci}) over {} pairs",
        cmp.candidate.unwrap_or(f64::NAN),
        cmp.paired
    );
    match cmp.change {
        Change::Regressed => Check::new(name, Fail, format!("{head}: drop {:.3} > {limit}", -d)),
        Change::NoisyDrop => Check::new(
            name,
            Pass,
            format!(
                "{head}: drop {:.3} > {limit} but the interval includes 0 (noise)",
                -d
            ),
        ),
        _ => Check::new(name, Pass, format!("{head}: within {limit}")),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn run(scores: &[(&str, f64)]) -> RunReport {
        let cases: Vec<serde_json::Value> = scores
            .iter()
            .map(|(id, s)| {
                serde_json::json!({
                    "id": id, "trials": [], "score": s,
                    "status": if *s >= 0.5 { "pass" } else { "fail" },
                })
            })
            .collect();
        let mut r = RunReport::empty("s", "t");
        r.cases = serde_json::from_value(serde_json::Value::Array(cases)).unwrap();
        r.compute_totals();
        r
    }

    #[test]
    fn a_drop_of_exactly_the_limit_passes() {
        let base = run(&[("a", 1.0), ("b", 1.0), ("c", 1.0), ("d", 1.0)]);
        let cand = run(&[("a", 0.9), ("b", 0.9), ("c", 0.9), ("d", 0.9)]);
        let p = GatePolicy::default().max_drop(SCORE, 0.1);
        let o = gate(&cand, Some(&base), &p).unwrap();
        assert!(o.passed(), "{o}");
        assert_eq!(o.metric(SCORE).unwrap().change, Change::Worse);
        let o = gate(
            &cand,
            Some(&base),
            &GatePolicy::default().max_drop(SCORE, 0.099),
        )
        .unwrap();
        assert_eq!(o.metric(SCORE).unwrap().change, Change::Regressed);
    }

    #[test]
    fn improvements_are_marked() {
        let base = run(&[("a", 0.0), ("b", 0.0), ("c", 0.0)]);
        let cand = run(&[("a", 1.0), ("b", 1.0), ("c", 1.0)]);
        let o = gate(
            &cand,
            Some(&base),
            &GatePolicy::default().max_drop(SCORE, 0.0),
        )
        .unwrap();
        assert_eq!(o.metric(SCORE).unwrap().change, Change::Improved);
        assert!(o.passed());
    }

    #[test]
    fn a_baseline_with_no_common_case_cannot_pass_a_drop_check() {
        let base = run(&[("a", 1.0), ("b", 1.0)]);
        let cand = run(&[("x", 0.0), ("y", 0.0)]);
        let o = gate(&cand, None, &GatePolicy::default()).unwrap();
        // every case failed, but the policy sets no minimum: only the policy decides
        assert!(o.passed(), "{o}");
        let o = gate(
            &cand,
            Some(&base),
            &GatePolicy::default().max_drop(SCORE, 0.5).min_cases(0),
        )
        .unwrap();
        let c = o
            .checks
            .iter()
            .find(|c| c.name == "max_drop score")
            .unwrap();
        assert_eq!(c.status, CheckStatus::Fail, "{}", c.detail);
        assert_eq!(o.only_in_baseline, ["a", "b"]);
        assert_eq!(o.only_in_candidate, ["x", "y"]);
    }
}
