//! Figures every format shows the same way: per-tag counts, why a case failed, costs.

use std::collections::BTreeMap;

use llmops_core::{Cost, Usage};
use serde::{Deserialize, Serialize};

use crate::report_model::{CaseResult, RunReport, Status};

/// Counts and means of the cases carrying one tag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TagSummary {
    /// The tag.
    pub tag: String,
    /// Cases with the tag.
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
}

/// One [`TagSummary`] per tag, sorted by tag (a case with two tags counts in both).
///
/// ```
/// let run = llmops_eval::RunReport::empty("s", "t");
/// assert!(llmops_eval::report::tag_summaries(&run).is_empty());
/// ```
pub fn tag_summaries(report: &RunReport) -> Vec<TagSummary> {
    let mut by_tag: BTreeMap<&str, TagSummary> = BTreeMap::new();
    for c in &report.cases {
        for t in &c.tags {
            let s = by_tag.entry(t.as_str()).or_insert_with(|| TagSummary {
                tag: t.clone(),
                cases: 0,
                passed: 0,
                failed: 0,
                errored: 0,
                pass_rate: 0.0,
                score: 0.0,
            });
            s.cases += 1;
            match c.status {
                Status::Pass => s.passed += 1,
                Status::Fail => s.failed += 1,
                Status::Error => s.errored += 1,
            }
            s.score += c.score;
        }
    }
    by_tag
        .into_values()
        .map(|mut s| {
            if s.cases > 0 {
                s.pass_rate = f64::from(s.passed) / f64::from(s.cases);
                s.score /= f64::from(s.cases);
            }
            s
        })
        .collect()
}

/// Why a case did not pass, in one line: the target's error or an evaluator's error for an
/// errored case, the first failing repeat's verdict reason for a failed one; empty for a
/// passed case.
///
/// ```
/// let run = llmops_eval::RunReport::empty("s", "t");
/// assert!(run.cases.iter().all(|c| llmops_eval::report::case_reason(c).is_empty()));
/// ```
pub fn case_reason(case: &CaseResult) -> String {
    match case.status {
        Status::Pass => String::new(),
        Status::Error => {
            for t in &case.trials {
                if let Some(e) = &t.error {
                    return format!("target error: {e}");
                }
                if let Some(a) = t.assertions.iter().find(|a| a.error.is_some()) {
                    let e = a.error.as_deref().unwrap_or_default();
                    return format!("{} errored: {e}", a.kind);
                }
            }
            first_failed_reason(case).unwrap_or_else(|| "errored".to_owned())
        }
        Status::Fail => first_failed_reason(case).unwrap_or_else(|| "failed".to_owned()),
    }
}

fn first_failed_reason(case: &CaseResult) -> Option<String> {
    let trial = case.trials.iter().find(|t| !t.verdict.pass)?;
    if !trial.verdict.reason.trim().is_empty() {
        return Some(trial.verdict.reason.clone());
    }
    trial
        .assertions
        .iter()
        .find(|a| !a.passed())
        .map(|a| match &a.score {
            Some(s) if !s.reason.is_empty() => format!("{}: {}", a.kind, s.reason),
            _ => format!("{} failed", a.kind),
        })
}

/// `0.0123 USD`, or `unknown (why)`.
pub(crate) fn fmt_cost(cost: &Cost) -> String {
    match cost {
        Cost::Known(m) => m.to_string(),
        Cost::Unknown { reason } => format!("unknown ({reason})"),
    }
}

/// `1234 in / 56 out tokens`.
pub(crate) fn fmt_usage(u: &Usage) -> String {
    format!("{} in / {} out tokens", u.input_tokens, u.output_tokens)
}

/// `90.0%`.
pub(crate) fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// `0.912`.
pub(crate) fn num(x: f64) -> String {
    if x.is_finite() {
        format!("{x:.3}")
    } else {
        "n/a".to_owned()
    }
}

/// `2.5 s` / `340 ms`.
pub(crate) fn fmt_duration(d: std::time::Duration) -> String {
    if d.as_secs_f64() >= 1.0 {
        format!("{:.1} s", d.as_secs_f64())
    } else {
        format!("{} ms", d.as_millis())
    }
}

/// The label of a status (`pass`, `fail`, `error`).
pub(crate) fn status_label(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "fail",
        Status::Error => "error",
    }
}

/// At most `max` characters of `s` on one line, with `…` when cut.
pub(crate) fn one_line(s: &str, max: usize) -> String {
    let flat: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    let flat = flat.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= max {
        flat
    } else {
        let mut cut: String = flat.chars().take(max.saturating_sub(1)).collect();
        cut.push('…');
        cut
    }
}
