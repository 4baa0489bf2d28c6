//! The HTML report: one self-contained file a person opens in a browser (or CI keeps as an
//! artifact). No script and no external URL: the CSS is inline, the charts are inline SVG.
//!
//! Sections: summary cards (cases, pass, fail, error, pass rate, mean score, costs), charts
//! (score histogram, per-metric means, pass/fail by tag), the per-tag table, then one
//! expandable `<details>` per case (failed and errored ones open) with its reason, variables,
//! the diff of expected vs output (`<del>`/`<ins>`), each repeat's output, its assertions and
//! its retrieved context. Every piece of text from the run is HTML-escaped.

use std::fmt::Write as _;

use serde_json::Value;

use crate::report::summary::{
    case_reason, fmt_cost, fmt_duration, fmt_usage, num, pct, status_label, tag_summaries,
};
use crate::report_model::{CaseResult, RunReport, Status, Trial};

mod charts;
mod diff;

const STYLE: &str = include_str!("html/style.css");

/// The run as a self-contained HTML page.
///
/// ```
/// let mut run = llmops_eval::RunReport::empty("support <v2>", "support-reply/4");
/// let page = llmops_eval::report::html::to_html(&run);
/// assert!(page.starts_with("<!DOCTYPE html>"));
/// assert!(page.contains("support &lt;v2&gt;") && !page.contains("<v2>"));
/// assert!(!page.contains("http://") && !page.contains("https://"));
/// ```
pub fn to_html(report: &RunReport) -> String {
    let t = &report.totals;
    let tags = tag_summaries(report);
    let mut h = String::with_capacity(16 * 1024 + report.cases.len() * 2048);
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>Eval {} · {}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n",
        esc(&report.suite),
        esc(&report.target)
    );

    // header
    let _ = write!(
        h,
        "<header>\n<h1>Eval <code>{}</code></h1>\n<p class=\"meta\">target <code>{}</code> · \
         started {} · {}{}</p>\n",
        esc(&report.suite),
        esc(&report.target),
        report.started_at.format("%Y-%m-%d %H:%M:%S UTC"),
        fmt_duration(report.duration),
        if report.complete {
            ""
        } else {
            " · <span class=\"warn\">incomplete run (cancelled)</span>"
        }
    );
    for (k, v) in &report.metadata {
        let _ = writeln!(
            h,
            "<p class=\"meta\">{}: <code>{}</code></p>",
            esc(k),
            esc(&value_text(v))
        );
    }
    h.push_str("</header>\n");

    // summary cards
    h.push_str("<section id=\"summary\" class=\"cards\">\n");
    for (class, k, v) in [
        ("", "cases", t.cases.to_string()),
        ("pass", "passed", t.passed.to_string()),
        ("fail", "failed", t.failed.to_string()),
        ("error", "errored", t.errored.to_string()),
        ("", "pass rate", pct(t.pass_rate)),
        ("", "mean score", num(t.score)),
        ("", "judge cost", fmt_cost(&report.eval_cost)),
        ("", "target cost", fmt_cost(&report.target_cost)),
    ] {
        let _ = writeln!(
            h,
            "<div class=\"card {class}\"><span class=\"k\">{k}</span><span class=\"v\">{}</span></div>",
            esc(&v)
        );
    }
    let _ = writeln!(
        h,
        "</section>\n<p class=\"meta\">judge: {} · target: {}</p>",
        fmt_usage(&report.eval_usage),
        fmt_usage(&report.target_usage)
    );

    // charts
    let scores: Vec<f64> = report.cases.iter().map(|c| c.score).collect();
    let _ = write!(
        h,
        "<section id=\"charts\">\n<h2>Charts</h2>\n<div class=\"charts\">\n\
         <figure><figcaption>Score distribution</figcaption>{}</figure>\n\
         <figure><figcaption>Per-metric means</figcaption>{}</figure>\n\
         <figure><figcaption>Pass / fail by tag</figcaption>{}</figure>\n</div>\n</section>\n",
        charts::histogram(&scores),
        charts::metric_bars(&t.metrics),
        charts::tag_bars(&tags)
    );

    // metrics and tags tables
    if !t.metrics.is_empty() {
        h.push_str("<section id=\"metrics\">\n<h2>Metrics</h2>\n<table>\n<tr><th>metric</th><th class=\"n\">mean</th></tr>\n");
        for (m, v) in &t.metrics {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(m),
                num(*v)
            );
        }
        h.push_str("</table>\n</section>\n");
    }
    if !tags.is_empty() {
        h.push_str("<section id=\"tags\">\n<h2>By tag</h2>\n<table>\n<tr><th>tag</th><th class=\"n\">cases</th><th class=\"n\">pass</th><th class=\"n\">fail</th><th class=\"n\">error</th><th class=\"n\">pass rate</th><th class=\"n\">mean score</th></tr>\n");
        for s in &tags {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
                esc(&s.tag),
                s.cases,
                s.passed,
                s.failed,
                s.errored,
                pct(s.pass_rate),
                num(s.score)
            );
        }
        h.push_str("</table>\n</section>\n");
    }

    // cases
    let _ = writeln!(
        h,
        "<section id=\"cases\">\n<h2>Cases ({})</h2>\n<p class=\"meta legend\">failed and errored cases are open; diff: \
         <del>expected only</del> <ins>output only</ins></p>",
        report.cases.len()
    );
    for c in &report.cases {
        case_html(&mut h, c);
    }
    h.push_str("</section>\n");
    let _ = write!(
        h,
        "<footer>llmops-eval report · schema version {}</footer>\n</body>\n</html>\n",
        report.schema_version
    );
    h
}

fn case_html(h: &mut String, c: &CaseResult) {
    let status = status_label(c.status);
    let open = if c.status == Status::Pass {
        ""
    } else {
        " open"
    };
    let _ = write!(
        h,
        "<details class=\"case {status}\" id=\"case-{}\"{open}>\n<summary><span class=\"badge {status}\">{status}</span>\
         <span class=\"id\">{}</span><span class=\"score\">score {}</span><span class=\"desc\">{}</span></summary>\n\
         <div class=\"case-body\">\n",
        esc(&anchor(&c.id)),
        esc(&c.id),
        num(c.score),
        esc(c.description.as_deref().unwrap_or_default())
    );
    let reason = case_reason(c);
    if !reason.is_empty() {
        let _ = writeln!(h, "<p class=\"reason\"><b>Why:</b> {}</p>", esc(&reason));
    }
    let mut facts = Vec::new();
    if !c.tags.is_empty() {
        facts.push(format!("tags: {}", esc(&c.tags.join(", "))));
    }
    if let Some(src) = &c.source {
        facts.push(format!("source: <code>{}</code>", esc(src)));
    }
    if let Some(i) = &c.interval {
        facts.push(format!(
            "mean {} over {} repeats, {:.0}% interval [{}, {}]",
            num(i.mean),
            i.n,
            i.level * 100.0,
            num(i.low),
            num(i.high)
        ));
    }
    if !facts.is_empty() {
        let _ = writeln!(h, "<p class=\"meta\">{}</p>", facts.join(" · "));
    }
    if !c.vars.is_empty() {
        h.push_str("<h4>Variables</h4>\n<table>\n");
        for (k, v) in &c.vars {
            let _ = writeln!(
                h,
                "<tr><th>{}</th><td><pre>{}</pre></td></tr>",
                esc(k),
                esc(&value_text(v))
            );
        }
        h.push_str("</table>\n");
    }
    if !c.metrics.is_empty() {
        h.push_str("<h4>Metrics</h4>\n<table>\n");
        for (m, v) in &c.metrics {
            let _ = writeln!(
                h,
                "<tr><td>{}</td><td class=\"n\">{}</td></tr>",
                esc(m),
                num(*v)
            );
        }
        h.push_str("</table>\n");
    }
    let repeats = c.trials.len() > 1;
    for t in &c.trials {
        trial_html(h, c, t, repeats);
    }
    h.push_str("</div>\n</details>\n");
}

fn trial_html(h: &mut String, c: &CaseResult, t: &Trial, repeats: bool) {
    let suffix = if repeats {
        format!(" (repeat {})", t.repeat + 1)
    } else {
        String::new()
    };
    if let Some(e) = &t.error {
        let _ = writeln!(
            h,
            "<h4>Target error{suffix}</h4>\n<pre class=\"error\">{}</pre>",
            esc(e)
        );
    }
    if let Some(out) = &t.output {
        if let Some(exp) = &c.expected {
            let _ = writeln!(
                h,
                "<h4>Diff: expected vs output{suffix}</h4>\n<pre class=\"diff\">{}</pre>",
                diff::diff_html(exp, &out.text)
            );
        }
        let _ = writeln!(
            h,
            "<h4>Output{suffix}{}</h4>\n<pre class=\"output\">{}</pre>",
            if t.cached { " · cached" } else { "" },
            esc(&out.text)
        );
        if !out.retrieved.is_empty() {
            let _ = writeln!(
                h,
                "<details class=\"retrieved\"><summary>Retrieved context ({})</summary>",
                out.retrieved.len()
            );
            for (i, text) in out.retrieved.iter().enumerate() {
                let doc = out.retrieved_docs.get(i).map(String::as_str).unwrap_or("");
                let _ = writeln!(
                    h,
                    "<p class=\"meta\">#{} {}</p><pre>{}</pre>",
                    i + 1,
                    esc(doc),
                    esc(text)
                );
            }
            h.push_str("</details>\n");
        }
    }
    if !t.assertions.is_empty() {
        let _ = writeln!(
            h,
            "<h4>Assertions{suffix}</h4>\n<table class=\"assertions\">\n<tr><th></th><th>type</th><th>metric</th>\
             <th class=\"n\">weight</th><th class=\"n\">score</th><th>reason</th></tr>"
        );
        for a in &t.assertions {
            let (cls, score, reason) = match (&a.score, &a.error) {
                (_, Some(e)) => ("error", "–".to_owned(), format!("errored: {e}")),
                (Some(s), None) => (
                    if s.pass { "pass" } else { "fail" },
                    num(s.value),
                    s.reason.clone(),
                ),
                (None, None) => ("fail", "–".to_owned(), String::new()),
            };
            let _ = writeln!(
                h,
                "<tr><td><span class=\"badge {cls}\">{cls}</span></td><td><code>{}</code></td><td>{}</td>\
                 <td class=\"n\">{}</td><td class=\"n\">{score}</td><td>{}</td></tr>",
                esc(&a.kind),
                esc(&a.metric),
                a.weight,
                esc(&reason)
            );
        }
        h.push_str("</table>\n");
    }
}

/// A JSON value as text: strings as they are, everything else as compact JSON.
fn value_text(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// An id usable in a fragment (`#case-...`): whitespace becomes `-`.
fn anchor(id: &str) -> String {
    id.chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect()
}

/// HTML-escapes text for element content and quoted attribute values.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for ch in s.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_every_special_character() {
        assert_eq!(
            esc(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn the_style_has_no_external_resource() {
        assert!(!STYLE.contains("url(") && !STYLE.contains("@import"));
    }
}
