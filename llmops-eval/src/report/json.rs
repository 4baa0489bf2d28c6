//! The JSON report: the [`RunReport`] itself, pretty-printed, `schema_version` first. It is
//! what `llmops eval gate` reads back ([`RunReport::read`]) as the baseline of the next run.

use crate::report_model::RunReport;
use crate::{EvalError, Result};

/// The run as pretty JSON (with a trailing newline).
///
/// ```
/// let run = llmops_eval::RunReport::empty("support", "support-reply/4");
/// let text = llmops_eval::report::json::to_json(&run)?;
/// assert!(text.trim_start().starts_with("{\n  \"schema_version\": 1"));
/// let back: llmops_eval::RunReport = serde_json::from_str(&text).unwrap();
/// assert_eq!(back, run);
/// # Ok::<(), llmops_eval::EvalError>(())
/// ```
pub fn to_json(report: &RunReport) -> Result<String> {
    let mut s = serde_json::to_string_pretty(report)
        .map_err(|e| EvalError::Config(format!("cannot serialise the run report: {e}")))?;
    s.push('\n');
    Ok(s)
}
