//! The Markdown summary: made for a pull-request comment (GitHub renders it; it stays short
//! on large suites by listing at most [`MAX_FAILING`] failing cases).
//!
//! Sections: a headline, the totals table (cases, pass, fail, error, pass rate, mean score),
//! per-metric means, a per-tag table, the failing cases with their reason, and what the judge
//! (and the target) cost. Text from the run (ids, reasons) is escaped so a `|`, a newline or a
//! `<tag>` in a model's output cannot break the table or inject HTML into the comment.

use std::fmt::Write as _;

use crate::report::summary::{
    case_reason, fmt_cost, fmt_duration, fmt_usage, num, one_line, pct, status_label, tag_summaries,
};
use crate::report_model::{RunReport, Status};

/// At most this many failing cases are listed (a PR comment has a size limit); the rest are
/// counted.
pub const MAX_FAILING: usize = 50;

/// The run as a Markdown summary.
///
/// ```
/// let run = llmops_eval::RunReport::empty("support", "support-reply/4");
/// let md = llmops_eval::report::markdown::to_markdown(&run);
/// assert!(md.starts_with("## Eval `support`"));
/// assert!(md.contains("| cases | pass | fail | error | pass rate | mean score |"));
/// ```
pub fn to_markdown(report: &RunReport) -> String {
    let t = &report.totals;
    let mut out = String::new();
    let mark = if t.failed + t.errored == 0 && t.cases > 0 {
        "✅"
    } else {
        "❌"
    };
    let _ = writeln!(
        out,
        "## Eval {} {mark} {}/{} passed ({})\n",
        code(&report.suite),
        t.passed,
        t.cases,
        pct(t.pass_rate)
    );
    let _ = writeln!(
        out,
        "Target {} · started {} · {}{}\n",
        code(&report.target),
        report.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        fmt_duration(report.duration),
        if report.complete {
            ""
        } else {
            " · **incomplete run** (cancelled: only the cases below ran)"
        }
    );

    out.push_str("| cases | pass | fail | error | pass rate | mean score |\n");
    out.push_str("|---:|---:|---:|---:|---:|---:|\n");
    let _ = writeln!(
        out,
        "| {} | {} | {} | {} | {} | {} |\n",
        t.cases,
        t.passed,
        t.failed,
        t.errored,
        pct(t.pass_rate),
        num(t.score)
    );

    if !t.metrics.is_empty() {
        out.push_str("### Metrics\n\n| metric | mean |\n|---|---:|\n");
        for (m, v) in &t.metrics {
            let _ = writeln!(out, "| {} | {} |", cell(m), num(*v));
        }
        out.push('\n');
    }

    let tags = tag_summaries(report);
    if !tags.is_empty() {
        out.push_str("### By tag\n\n");
        out.push_str("| tag | cases | pass | fail | error | pass rate | mean score |\n");
        out.push_str("|---|---:|---:|---:|---:|---:|---:|\n");
        for s in &tags {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                cell(&s.tag),
                s.cases,
                s.passed,
                s.failed,
                s.errored,
                pct(s.pass_rate),
                num(s.score)
            );
        }
        out.push('\n');
    }

    let failing: Vec<_> = report
        .cases
        .iter()
        .filter(|c| c.status != Status::Pass)
        .collect();
    if !failing.is_empty() {
        let _ = writeln!(out, "### Failing cases ({})\n", failing.len());
        out.push_str("| case | status | score | reason |\n|---|---|---:|---|\n");
        for c in failing.iter().take(MAX_FAILING) {
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                cell(&c.id),
                status_label(c.status),
                num(c.score),
                cell(&one_line(&case_reason(c), 200))
            );
        }
        if failing.len() > MAX_FAILING {
            let _ = writeln!(
                out,
                "\n… and {} more (see the HTML or JUnit report).",
                failing.len() - MAX_FAILING
            );
        }
        out.push('\n');
    }

    let _ = writeln!(
        out,
        "Judge cost: {} ({}) · target cost: {} ({})",
        fmt_cost(&report.eval_cost),
        fmt_usage(&report.eval_usage),
        fmt_cost(&report.target_cost),
        fmt_usage(&report.target_usage)
    );
    out
}

/// Text for a Markdown table cell: one line, `|` escaped, HTML special characters as
/// entities (GitHub renders inline HTML), backslashes and emphasis markers escaped.
pub(crate) fn cell(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for ch in one_line(s, usize::MAX).chars() {
        match ch {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '*' | '_' | '`' | '[' | ']' => {
                out.push('\\');
                out.push(ch);
            }
            c => out.push(c),
        }
    }
    out
}

/// An inline code span that survives backticks in the text.
pub(crate) fn code(s: &str) -> String {
    let flat = one_line(s, 200);
    if flat.contains('`') {
        format!("`` {} ``", flat.replace("``", "` `"))
    } else {
        format!("`{flat}`")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_cannot_break_the_table_or_inject_html() {
        let c = cell("a | b\nc <script>alert(1)</script> **x**");
        assert_eq!(
            c,
            "a \\| b c &lt;script&gt;alert(1)&lt;/script&gt; \\*\\*x\\*\\*"
        );
        assert!(!c.contains('\n'));
    }

    #[test]
    fn code_spans_survive_backticks() {
        assert_eq!(code("plain"), "`plain`");
        assert_eq!(code("a`b"), "`` a`b ``");
    }
}
