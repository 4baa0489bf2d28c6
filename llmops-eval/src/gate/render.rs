//! [`GateOutcome`] as text (a terminal), Markdown (a PR comment) and JSON (machines).

use std::fmt::{self, Write as _};

use serde::Serialize;

use super::{Change, CheckStatus, GateOutcome, MetricComparison};
use crate::report::markdown::{cell, code};
use crate::{EvalError, Result};

fn opt(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:.3}"))
}

fn signed(x: Option<f64>) -> String {
    x.map_or_else(|| "–".to_owned(), |v| format!("{v:+.3}"))
}

fn interval(m: &MetricComparison) -> String {
    m.interval.map_or_else(
        || "–".to_owned(),
        |i| format!("[{:+.3}, {:+.3}]", i.low, i.high),
    )
}

fn status(s: CheckStatus) -> &'static str {
    match s {
        CheckStatus::Pass => "PASS",
        CheckStatus::Fail => "FAIL",
        CheckStatus::Skipped => "SKIP",
    }
}

#[derive(Serialize)]
struct JsonOut<'a> {
    passed: bool,
    exit_code: i32,
    #[serde(flatten)]
    outcome: &'a GateOutcome,
}

impl GateOutcome {
    fn headline(&self) -> String {
        let verdict = if self.passed() {
            "passed".to_owned()
        } else {
            format!(
                "FAILED ({} of {} checks)",
                self.failures().count(),
                self.checks.len()
            )
        };
        match &self.baseline {
            Some(b) => format!(
                "gate {verdict}: suite {} · candidate {} vs baseline {} · {} paired cases",
                self.suite, self.candidate.target, b.target, self.paired
            ),
            None => format!(
                "gate {verdict}: suite {} · candidate {} · no baseline",
                self.suite, self.candidate.target
            ),
        }
    }

    /// Plain text for a terminal (also what `Display` prints).
    pub fn to_text(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(s, "{}", self.headline());
        let c = &self.candidate;
        let _ = writeln!(
            s,
            "candidate: {} cases, {} passed, {} failed, {} errored, pass rate {:.1}%, score {:.3}",
            c.cases,
            c.passed,
            c.failed,
            c.errored,
            c.pass_rate * 100.0,
            c.score
        );
        if let Some(b) = &self.baseline {
            let _ = writeln!(
                s,
                "baseline:  {} cases, {} passed, {} failed, {} errored, pass rate {:.1}%, score {:.3}",
                b.cases,
                b.passed,
                b.failed,
                b.errored,
                b.pass_rate * 100.0,
                b.score
            );
        }
        s.push_str("\nchecks:\n");
        for ch in &self.checks {
            let _ = writeln!(s, "  {}  {}: {}", status(ch.status), ch.name, ch.detail);
        }
        let level = self.bootstrap.confidence * 100.0;
        let _ = writeln!(
            s,
            "\nmetrics (means over paired cases; {level:.0}% paired bootstrap interval of the difference, {} resamples):",
            self.bootstrap.iterations
        );
        let _ = writeln!(
            s,
            "  {:<28} {:>9} {:>9} {:>8}  {:<18} verdict",
            "metric", "baseline", "candidate", "delta", "interval"
        );
        for m in &self.metrics {
            let _ = writeln!(
                s,
                "  {:<28} {:>9} {:>9} {:>8}  {:<18} {}",
                m.metric,
                opt(m.baseline),
                opt(m.candidate),
                signed(m.delta),
                interval(m),
                m.change.label()
            );
        }
        if !self.tags.is_empty() {
            s.push_str("\ntags:\n");
            for t in &self.tags {
                let flag = if t.worse() { "  <- worse" } else { "" };
                let _ = writeln!(
                    s,
                    "  {} ({} cases, {} paired){flag}",
                    t.tag, t.cases, t.paired
                );
                for m in &t.metrics {
                    let _ = writeln!(
                        s,
                        "    {:<26} {:>9} {:>9} {:>8}  {:<18} {}",
                        m.metric,
                        opt(m.baseline),
                        opt(m.candidate),
                        signed(m.delta),
                        interval(m),
                        m.change.label()
                    );
                }
            }
        }
        if !self.only_in_baseline.is_empty() {
            let _ = writeln!(
                s,
                "\nonly in the baseline ({}): {}",
                self.only_in_baseline.len(),
                self.only_in_baseline.join(", ")
            );
        }
        if !self.only_in_candidate.is_empty() {
            let _ = writeln!(
                s,
                "\nonly in the candidate ({}): {}",
                self.only_in_candidate.len(),
                self.only_in_candidate.join(", ")
            );
        }
        let _ = writeln!(s, "\nexit code {}", self.exit_code());
        s
    }

    /// Markdown for a pull-request comment.
    pub fn to_markdown(&self) -> String {
        let mut s = String::new();
        let mark = if self.passed() { "✅" } else { "❌" };
        let verdict = if self.passed() {
            "passed".to_owned()
        } else {
            format!(
                "failed ({} of {} checks)",
                self.failures().count(),
                self.checks.len()
            )
        };
        let _ = writeln!(s, "## {mark} Eval gate {verdict}: {}\n", code(&self.suite));
        match &self.baseline {
            Some(b) => {
                let _ = writeln!(
                    s,
                    "Candidate {} vs baseline {} · {} paired cases\n",
                    code(&self.candidate.target),
                    code(&b.target),
                    self.paired
                );
            }
            None => {
                let _ = writeln!(
                    s,
                    "Candidate {} · no baseline (drops not checked)\n",
                    code(&self.candidate.target)
                );
            }
        }
        s.push_str("| check | result | detail |\n|---|---|---|\n");
        for ch in &self.checks {
            let r = match ch.status {
                CheckStatus::Pass => "✅ pass",
                CheckStatus::Fail => "❌ **fail**",
                CheckStatus::Skipped => "➖ skipped",
            };
            let _ = writeln!(s, "| {} | {r} | {} |", code(&ch.name), cell(&ch.detail));
        }
        let _ = writeln!(
            s,
            "\n### Metrics\n\nMeans over the paired cases; interval: {:.0}% paired bootstrap of the difference.\n",
            self.bootstrap.confidence * 100.0
        );
        s.push_str("| metric | baseline | candidate | Δ | interval | verdict |\n");
        s.push_str("|---|---:|---:|---:|---|---|\n");
        for m in &self.metrics {
            md_row(&mut s, &cell(&m.metric), m);
        }
        if !self.tags.is_empty() {
            s.push_str("\n### By tag\n\n| tag | metric | baseline | candidate | Δ | interval | verdict |\n");
            s.push_str("|---|---|---:|---:|---:|---|---|\n");
            for t in &self.tags {
                for m in &t.metrics {
                    let tag = if t.worse() {
                        format!("**{}**", cell(&t.tag))
                    } else {
                        cell(&t.tag)
                    };
                    md_row(&mut s, &format!("{tag} | {}", cell(&m.metric)), m);
                }
            }
        }
        for (what, ids) in [
            (
                "Baseline cases missing from the candidate",
                &self.only_in_baseline,
            ),
            ("New cases (not in the baseline)", &self.only_in_candidate),
        ] {
            if !ids.is_empty() {
                let shown: Vec<String> = ids.iter().take(50).map(|i| cell(i)).collect();
                let more = if ids.len() > 50 {
                    format!(" … and {} more", ids.len() - 50)
                } else {
                    String::new()
                };
                let _ = writeln!(
                    s,
                    "\n**{what} ({}):** {}{more}",
                    ids.len(),
                    shown.join(", ")
                );
            }
        }
        s
    }

    /// The outcome as pretty JSON, with `passed` and `exit_code` first.
    pub fn to_json(&self) -> Result<String> {
        serde_json::to_string_pretty(&JsonOut {
            passed: self.passed(),
            exit_code: self.exit_code(),
            outcome: self,
        })
        .map_err(|e| EvalError::Gate(format!("cannot serialise the outcome: {e}")))
    }
}

fn md_row(s: &mut String, first: &str, m: &MetricComparison) {
    let verdict = match m.change {
        Change::Regressed => "❌ **regressed**".to_owned(),
        Change::Worse => "⚠️ worse".to_owned(),
        Change::NoisyDrop => "〰️ noisy drop".to_owned(),
        Change::Improved => "⬆️ improved".to_owned(),
        other => other.label().to_owned(),
    };
    let _ = writeln!(
        s,
        "| {first} | {} | {} | {} | {} | {verdict} |",
        opt(m.baseline),
        opt(m.candidate),
        signed(m.delta),
        interval(m)
    );
}

impl fmt::Display for GateOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}
