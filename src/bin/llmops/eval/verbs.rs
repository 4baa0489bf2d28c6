//! `llmops eval gate | report | import`.

use std::path::{Path, PathBuf};

use clap::Args;
use llmops::eval::RunReport;
use llmops::eval::gate::{self, GatePolicy};
use llmops::eval::report::{self, Format};
use llmops::{Error, Result};

use crate::{CHECKS_FAILED, OK};

/// Arguments of `llmops eval gate`.
#[derive(Debug, Args)]
pub(crate) struct GateArgs {
    /// The candidate run (report.json written by `llmops eval run`).
    candidate: PathBuf,
    /// The baseline run to compare with (usually the report committed with the prompt).
    #[arg(long, value_name = "BASE.json")]
    baseline: Option<PathBuf>,
    /// The gate policy (YAML, JSON or TOML; default: an empty policy, whose checks are
    /// errors, completeness and at least one case).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Also write the outcome as Markdown (a pull-request comment).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    /// Also write the candidate's EvalRecord (JSON), what prompt promotion reads; written
    /// whether or not the gate passed (its `pass_rate` and `score` tell).
    #[arg(long, value_name = "FILE")]
    record: Option<PathBuf>,
}

pub(crate) fn gate(a: GateArgs, json: bool) -> Result<u8> {
    let candidate = RunReport::read(&a.candidate).map_err(Error::from)?;
    let baseline = a
        .baseline
        .as_deref()
        .map(RunReport::read)
        .transpose()
        .map_err(Error::from)?;
    let policy = match &a.policy {
        Some(p) => GatePolicy::load(p).map_err(Error::from)?,
        None => GatePolicy::default(),
    };
    let outcome = gate::gate(&candidate, baseline.as_ref(), &policy).map_err(Error::from)?;
    if let Some(path) = &a.markdown {
        write(path, &outcome.to_markdown())?;
    }
    if let Some(path) = &a.record {
        write(path, &serde_json::to_string_pretty(&outcome.eval_record())?)?;
    }
    if json {
        println!("{}", outcome.to_json().map_err(Error::from)?);
    } else {
        print!("{outcome}");
    }
    Ok(if outcome.passed() { OK } else { CHECKS_FAILED })
}

/// Arguments of `llmops eval report`.
#[derive(Debug, Args)]
pub(crate) struct ReportArgs {
    /// The run (report.json written by `llmops eval run`).
    report: PathBuf,
    /// json, md (markdown), junit (xml) or html.
    #[arg(long, short)]
    format: String,
    /// Write here instead of standard output.
    #[arg(long, value_name = "FILE")]
    out: Option<PathBuf>,
}

pub(crate) fn report(a: ReportArgs) -> Result<u8> {
    let format: Format = a.format.parse().map_err(Error::from)?;
    let run = RunReport::read(&a.report).map_err(Error::from)?;
    let text = report::render(&run, format).map_err(Error::from)?;
    match &a.out {
        Some(path) => write(path, &text)?,
        None => {
            print!("{text}");
            if !text.ends_with('\n') {
                println!();
            }
        }
    }
    Ok(OK)
}

/// Writes `text` to `path`, creating its directory.
fn write(path: &Path, text: &str) -> Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::invalid(format!("{}: {e}", dir.display())))?;
    }
    std::fs::write(path, text).map_err(|e| Error::invalid(format!("{}: {e}", path.display())))
}

/// Arguments of `llmops eval import`.
#[cfg(feature = "trace")]
#[derive(Debug, Args)]
pub(crate) struct ImportArgs {
    /// The request log (default: `log` in llmops.toml, else ./requests.jsonl); its rotated
    /// files (`FILE.1`, `FILE.2` ...) are read too.
    #[arg(long, value_name = "FILE")]
    log: Option<PathBuf>,
    /// The dataset to write (JSONL, one case per line; `llmops eval run` reads it).
    #[arg(long, value_name = "FILE.jsonl")]
    out: PathBuf,
    /// At most this many cases (failures first, then flagged exchanges, then the rest).
    #[arg(long)]
    limit: Option<usize>,
    /// Only exchanges that failed (any outcome but completed).
    #[arg(long)]
    only_failures: bool,
    /// Only failures and exchanges a user flagged (feedback score ≤ 0, or any label).
    #[arg(long)]
    only_flagged: bool,
    /// A tag every case gets.
    #[arg(long)]
    tag: Option<String>,
    /// Take the logged answer as the expected output (a reference for regression checks).
    #[arg(long)]
    as_reference: bool,
}

#[cfg(feature = "trace")]
pub(crate) fn import(a: ImportArgs, cfg: &crate::config::Config, json: bool) -> Result<u8> {
    use llmops::eval::dataset::{FromLogOptions, cases_from_log, write_jsonl};
    use llmops::trace::{LogEntry, RequestLog};

    let log = a
        .log
        .or_else(|| cfg.log.clone())
        .unwrap_or_else(|| PathBuf::from("requests.jsonl"));
    if !log.is_file() {
        return Err(Error::invalid(format!(
            "no request log at {}",
            log.display()
        )));
    }
    let mut records = Vec::new();
    let mut feedback = Vec::new();
    // oldest file first, so cases come out in log order
    for f in log_files(&log).into_iter().rev() {
        for e in RequestLog::read_entries(&f).map_err(Error::from)? {
            match e {
                LogEntry::Exchange(r) => records.push(*r),
                LogEntry::Feedback(fb) => feedback.push(fb),
                _ => {}
            }
        }
    }
    let exchanges = records.len();
    if a.only_failures {
        records.retain(|r| !r.outcome.is_completed());
    }
    let mut opts = FromLogOptions::default()
        .only_flagged(a.only_flagged)
        .as_reference(a.as_reference);
    if let Some(n) = a.limit {
        opts = opts.limit(n);
    }
    if let Some(t) = a.tag {
        opts = opts.tag(t);
    }
    let cases = cases_from_log(&records, &feedback, &opts);
    write_jsonl(&a.out, &cases).map_err(Error::from)?;
    if json {
        let ids: Vec<&str> = cases.iter().map(|c| c.id()).collect();
        println!(
            "{}",
            serde_json::to_string_pretty(&serde_json::json!({
                "log": log,
                "exchanges": exchanges,
                "feedback": feedback.len(),
                "cases": cases.len(),
                "ids": ids,
                "out": a.out,
            }))?
        );
    } else {
        println!(
            "{} cases from {} exchanges and {} feedback entries in {} → {}",
            cases.len(),
            exchanges,
            feedback.len(),
            log.display(),
            a.out.display()
        );
    }
    Ok(OK)
}

/// The log file and its rotated predecessors (`FILE.1`, `FILE.2` ...), newest first.
#[cfg(feature = "trace")]
fn log_files(path: &Path) -> Vec<PathBuf> {
    let mut out = vec![path.to_owned()];
    for n in 1.. {
        let mut s = path.as_os_str().to_owned();
        s.push(format!(".{n}"));
        let p = PathBuf::from(s);
        if !p.is_file() {
            break;
        }
        out.push(p);
    }
    out
}
