//! Reports of a [`RunReport`]: JSON (machine), Markdown (a PR comment), JUnit XML (what CI
//! systems read) and a self-contained HTML page (what a person opens).
//!
//! Every format renders the same run; none of them computes anything the run does not hold
//! (totals come from [`RunReport::totals`], per-tag figures from the cases).
//!
//! ```
//! use llmops_eval::report::{self, Format};
//! use llmops_eval::RunReport;
//!
//! let run = RunReport::empty("support", "support-reply/4");
//! let md = report::render(&run, Format::Markdown)?;
//! assert!(md.contains("support"));
//! let dir = tempfile::tempdir().unwrap();
//! let files = report::write_all(&run, dir.path())?;
//! assert!(files.html.ends_with("report.html"));
//! assert_eq!(RunReport::read(&files.json)?, run);
//! # Ok::<(), llmops_eval::EvalError>(())
//! ```

use std::path::{Path, PathBuf};
use std::str::FromStr;

use crate::report_model::RunReport;
use crate::{EvalError, Result};

pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
mod summary;

pub use summary::{TagSummary, case_reason, tag_summaries};

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// The [`RunReport`] itself, pretty-printed (`report.json`); reads back with
    /// [`RunReport::read`].
    Json,
    /// A Markdown summary for a pull-request comment (`summary.md`).
    Markdown,
    /// JUnit XML (`junit.xml`).
    Junit,
    /// A self-contained HTML page (`report.html`).
    Html,
}

impl Format {
    /// Every format, in the order [`write_all`] writes them.
    pub const ALL: [Format; 4] = [Format::Json, Format::Markdown, Format::Junit, Format::Html];

    /// The file name [`write_all`] uses.
    pub fn file_name(self) -> &'static str {
        match self {
            Format::Json => "report.json",
            Format::Markdown => "summary.md",
            Format::Junit => "junit.xml",
            Format::Html => "report.html",
        }
    }

    /// The name the CLI accepts (`json`, `markdown`, `junit`, `html`).
    pub fn name(self) -> &'static str {
        match self {
            Format::Json => "json",
            Format::Markdown => "markdown",
            Format::Junit => "junit",
            Format::Html => "html",
        }
    }
}

impl FromStr for Format {
    type Err = EvalError;

    /// `json`, `markdown` (or `md`), `junit` (or `xml`), `html`; anything else is a typed
    /// configuration error listing them.
    fn from_str(s: &str) -> Result<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "json" => Ok(Format::Json),
            "markdown" | "md" => Ok(Format::Markdown),
            "junit" | "xml" => Ok(Format::Junit),
            "html" => Ok(Format::Html),
            other => Err(EvalError::Config(format!(
                "unknown report format `{other}` (expected json, markdown, junit or html)"
            ))),
        }
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Renders `report` in `format`.
pub fn render(report: &RunReport, format: Format) -> Result<String> {
    match format {
        Format::Json => json::to_json(report),
        Format::Markdown => Ok(markdown::to_markdown(report)),
        Format::Junit => junit::to_junit(report),
        Format::Html => Ok(html::to_html(report)),
    }
}

/// Renders `report` in `format` into `path` (the parent directory must exist).
pub fn write(report: &RunReport, format: Format, path: &Path) -> Result<()> {
    let text = render(report, format)?;
    std::fs::write(path, text).map_err(|e| EvalError::io(path, e))
}

/// The files [`write_all`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ReportFiles {
    /// `report.json`.
    pub json: PathBuf,
    /// `summary.md`.
    pub markdown: PathBuf,
    /// `junit.xml`.
    pub junit: PathBuf,
    /// `report.html`.
    pub html: PathBuf,
}

/// Writes every format into `dir` (created when missing): `report.json`, `summary.md`,
/// `junit.xml` and `report.html`. Everything is rendered before the first file is written, so
/// a rendering error leaves no partial set behind.
pub fn write_all(report: &RunReport, dir: &Path) -> Result<ReportFiles> {
    let mut rendered = Vec::with_capacity(Format::ALL.len());
    for f in Format::ALL {
        rendered.push((dir.join(f.file_name()), render(report, f)?));
    }
    std::fs::create_dir_all(dir).map_err(|e| EvalError::io(dir, e))?;
    for (path, text) in &rendered {
        std::fs::write(path, text).map_err(|e| EvalError::io(path, e))?;
    }
    Ok(ReportFiles {
        json: dir.join(Format::Json.file_name()),
        markdown: dir.join(Format::Markdown.file_name()),
        junit: dir.join(Format::Junit.file_name()),
        html: dir.join(Format::Html.file_name()),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn formats_parse_by_name_and_refuse_others() {
        for f in Format::ALL {
            assert_eq!(f.name().parse::<Format>().unwrap(), f);
        }
        assert_eq!("MD".parse::<Format>().unwrap(), Format::Markdown);
        let e = "pdf".parse::<Format>().unwrap_err().to_string();
        assert!(e.contains("`pdf`") && e.contains("junit"), "{e}");
    }
}
