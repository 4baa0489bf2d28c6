//! JUnit XML, the shape CI systems (GitHub Actions test reporters, GitLab, Jenkins, Azure
//! Pipelines) read: one `<testsuite>` for the suite, one `<testcase>` per case
//! (`classname` = suite, `name` = case id, `file`/`line` from the case's source), a
//! `<failure>` for a failed case, an `<error>` for an errored one (the target or an evaluator
//! failed), and the output in `<system-out>`.
//!
//! Written with quick-xml, so every attribute and text node is escaped; characters XML 1.0
//! cannot carry at all (control characters other than tab and newlines) become U+FFFD.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use crate::report::summary::{case_reason, fmt_cost, num, one_line};
use crate::report_model::{CaseResult, RunReport, Status};
use crate::{EvalError, Result};

/// The run as JUnit XML.
///
/// ```
/// let run = llmops_eval::RunReport::empty("support", "support-reply/4");
/// let xml = llmops_eval::report::junit::to_junit(&run)?;
/// assert!(xml.contains(r#"<testsuite name="support" tests="0" failures="0" errors="0""#));
/// # Ok::<(), llmops_eval::EvalError>(())
/// ```
pub fn to_junit(report: &RunReport) -> Result<String> {
    write_doc(report)
        .map_err(|e| EvalError::Config(format!("cannot write the JUnit report: {e}")))
        .and_then(|bytes| {
            String::from_utf8(bytes)
                .map_err(|e| EvalError::Config(format!("JUnit report is not UTF-8: {e}")))
        })
}

fn write_doc(report: &RunReport) -> io::Result<Vec<u8>> {
    let t = &report.totals;
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let tests = t.cases.to_string();
    let failures = t.failed.to_string();
    let errors = t.errored.to_string();
    let time = secs(report.duration.as_secs_f64());
    let timestamp = report.started_at.format("%Y-%m-%dT%H:%M:%S").to_string();
    let suite = xml_safe(&report.suite);
    w.create_element("testsuites")
        .with_attribute(("name", suite.as_ref()))
        .with_attribute(("tests", tests.as_str()))
        .with_attribute(("failures", failures.as_str()))
        .with_attribute(("errors", errors.as_str()))
        .with_attribute(("time", time.as_str()))
        .write_inner_content(|w| {
            w.create_element("testsuite")
                .with_attribute(("name", suite.as_ref()))
                .with_attribute(("tests", tests.as_str()))
                .with_attribute(("failures", failures.as_str()))
                .with_attribute(("errors", errors.as_str()))
                .with_attribute(("skipped", "0"))
                .with_attribute(("time", time.as_str()))
                .with_attribute(("timestamp", timestamp.as_str()))
                .write_inner_content(|w| {
                    write_properties(w, report)?;
                    for c in &report.cases {
                        write_case(w, &suite, c)?;
                    }
                    Ok(())
                })?;
            Ok(())
        })?;
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

fn write_properties(w: &mut Writer<Vec<u8>>, report: &RunReport) -> io::Result<()> {
    let t = &report.totals;
    let mut props: Vec<(String, String)> = vec![
        ("target".into(), report.target.clone()),
        ("complete".into(), report.complete.to_string()),
        ("pass_rate".into(), num(t.pass_rate)),
        ("score".into(), num(t.score)),
        ("eval_cost".into(), fmt_cost(&report.eval_cost)),
        ("target_cost".into(), fmt_cost(&report.target_cost)),
    ];
    for (m, v) in &t.metrics {
        props.push((format!("metric.{m}"), num(*v)));
    }
    w.create_element("properties").write_inner_content(|w| {
        for (k, v) in &props {
            w.create_element("property")
                .with_attribute(("name", xml_safe(k).as_ref()))
                .with_attribute(("value", xml_safe(&one_line(v, 500)).as_ref()))
                .write_empty()?;
        }
        Ok(())
    })?;
    Ok(())
}

fn write_case(w: &mut Writer<Vec<u8>>, suite: &str, c: &CaseResult) -> io::Result<()> {
    let time = secs(c.trials.iter().map(|t| t.latency.as_secs_f64()).sum());
    let id = xml_safe(&c.id);
    let mut el = w
        .create_element("testcase")
        .with_attribute(("classname", suite))
        .with_attribute(("name", id.as_ref()))
        .with_attribute(("time", time.as_str()));
    let (file, line) = split_source(c.source.as_deref());
    let file = file.map(xml_safe);
    if let Some(f) = &file {
        el = el.with_attribute(("file", f.as_ref()));
    }
    if let Some(l) = &line {
        el = el.with_attribute(("line", l.as_str()));
    }
    el.write_inner_content(|w| {
        let message = xml_safe(&one_line(&case_reason(c), 500)).into_owned();
        match c.status {
            Status::Pass => {}
            Status::Fail => {
                w.create_element("failure")
                    .with_attribute(("message", message.as_str()))
                    .with_attribute(("type", "assertion"))
                    .write_text_content(BytesText::new(&xml_safe(&details(c))))?;
            }
            Status::Error => {
                let kind = if c.trials.iter().any(|t| t.error.is_some()) {
                    "target"
                } else {
                    "evaluator"
                };
                w.create_element("error")
                    .with_attribute(("message", message.as_str()))
                    .with_attribute(("type", kind))
                    .write_text_content(BytesText::new(&xml_safe(&details(c))))?;
            }
        }
        let out = system_out(c);
        if !out.is_empty() {
            w.create_element("system-out")
                .write_text_content(BytesText::new(&xml_safe(&out)))?;
        }
        Ok(())
    })?;
    Ok(())
}

/// Every assertion that failed or errored, per repeat.
fn details(c: &CaseResult) -> String {
    let mut s = String::new();
    let repeats = c.trials.len() > 1;
    for t in &c.trials {
        let prefix = if repeats {
            format!("repeat {}: ", t.repeat + 1)
        } else {
            String::new()
        };
        if let Some(e) = &t.error {
            let _ = writeln!(s, "{prefix}target error: {e}");
        }
        if !t.verdict.pass && !t.verdict.reason.is_empty() {
            let _ = writeln!(s, "{prefix}{}", t.verdict.reason);
        }
        for a in t.assertions.iter().filter(|a| !a.passed()) {
            match (&a.score, &a.error) {
                (_, Some(e)) => {
                    let _ = writeln!(s, "{prefix}- {} errored: {e}", a.kind);
                }
                (Some(sc), None) => {
                    let _ = writeln!(
                        s,
                        "{prefix}- {} (metric {}, weight {}): score {} — {}",
                        a.kind,
                        a.metric,
                        a.weight,
                        num(sc.value),
                        sc.reason
                    );
                }
                (None, None) => {
                    let _ = writeln!(s, "{prefix}- {} failed", a.kind);
                }
            }
        }
    }
    s
}

/// Description, expected output and each repeat's output.
fn system_out(c: &CaseResult) -> String {
    let mut s = String::new();
    if let Some(d) = &c.description {
        let _ = writeln!(s, "description: {d}");
    }
    if let Some(e) = &c.expected {
        let _ = writeln!(s, "expected:\n{e}");
    }
    let repeats = c.trials.len() > 1;
    for t in &c.trials {
        if let Some(o) = &t.output {
            if repeats {
                let _ = writeln!(s, "output (repeat {}):\n{}", t.repeat + 1, o.text);
            } else {
                let _ = writeln!(s, "output:\n{}", o.text);
            }
        }
    }
    s
}

/// `evals/support.yaml:12` → (`evals/support.yaml`, `12`); no number → the whole as file.
fn split_source(src: Option<&str>) -> (Option<&str>, Option<String>) {
    let Some(src) = src else {
        return (None, None);
    };
    match src.rsplit_once(':') {
        Some((f, l)) if !f.is_empty() && l.parse::<u64>().is_ok() => (Some(f), Some(l.to_owned())),
        _ => (Some(src), None),
    }
}

fn secs(s: f64) -> String {
    format!("{s:.3}")
}

/// Replaces the characters XML 1.0 forbids (controls other than tab, LF, CR; U+FFFE/U+FFFF)
/// with U+FFFD; escaping is quick-xml's job.
pub(crate) fn xml_safe(s: &str) -> Cow<'_, str> {
    let bad = |c: char| {
        (c < ' ' && !matches!(c, '\t' | '\n' | '\r')) || c == '\u{FFFE}' || c == '\u{FFFF}'
    };
    if s.chars().any(bad) {
        Cow::Owned(
            s.chars()
                .map(|c| if bad(c) { '\u{FFFD}' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn forbidden_characters_are_replaced() {
        assert_eq!(xml_safe("a\u{0}b\u{1b}c\td\n"), "a\u{FFFD}b\u{FFFD}c\td\n");
        assert!(matches!(xml_safe("plain"), Cow::Borrowed(_)));
    }

    #[test]
    fn source_splits_into_file_and_line() {
        assert_eq!(
            split_source(Some("evals/a.yaml:12")),
            (Some("evals/a.yaml"), Some("12".to_owned()))
        );
        assert_eq!(split_source(Some("c:\\x")), (Some("c:\\x"), None));
        assert_eq!(split_source(None), (None, None));
    }
}
