//! `llmops guard scan FILE...`: runs the default guards over text files or JSONL datasets and
//! logs, so teams scan them in CI.
//!
//! Input: a file ending in `.jsonl` holds one object per line, `{"id", "text", "role"}` (role
//! one of `system`, `user`, `assistant`, `tool`, `context`; other fields are ignored; `id`
//! defaults to `FILE:LINE`, `role` to `user`); any other file is one text (role `--role`,
//! default `user`). `-` reads one text from stdin. Roles map to the guard's sources: `system`
//! and `user` are messages of that role, `assistant` is model output (output checks apply),
//! `tool` a tool result and `context` retrieved text (both untrusted, indirect-injection
//! policy).
//!
//! `--names` adds the person-name recognizer (off in the defaults). `--stacked` makes the
//! injection guard decide by the model's stacker (`Decision::Stacked`: one verdict over the
//! learned score and the rules' evidence; fewer false positives, fewer detections at its
//! thresholds: docs/guard.md, "Stacked decision") instead of rules OR learned.
//!
//! Output: a table for people; with `--json` one JSON verdict per input (`id`, `role`,
//! `action`, `categories`, `scores` (highest per category), `spans` (byte offsets into the
//! text, category, score, guard)). Every guard sees the original text (a scan, not a chain),
//! and the strictest action wins. Found values are never printed.
//!
//! Exit codes: 0 = ok; 100 = something was blocked and `--fail-on-block` is given; 1 = usage,
//! I/O error or a malformed JSONL line (named by file and line, nothing scanned is lost: the
//! verdicts printed before it stand).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand, ValueEnum};
use llmops::guard::injection::Decision;
use llmops::guard::pii::{PiiCategory, PiiScanner};
use llmops::guard::{CombinedInjectionDetector, DetectorGuard, default_guards};
use llmops::{Error, GuardInput, Guardrail, Result, Role, TextSource, Verdict};
use serde::Deserialize;
use serde_json::json;

use crate::input::read_text;
use crate::{CHECKS_FAILED, OK};

/// Arguments of `llmops guard`.
#[derive(Debug, Args)]
pub(crate) struct GuardArgs {
    #[command(subcommand)]
    command: GuardCommand,
}

#[derive(Debug, Subcommand)]
enum GuardCommand {
    /// Scan text files or JSONL (`{"id","text","role"}` per line) with every default detector.
    Scan(ScanArgs),
}

#[derive(Debug, Args)]
struct ScanArgs {
    /// Files to scan: `*.jsonl` datasets/logs, any other file as one text, `-` for stdin.
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,
    /// The role of plain-text files (JSONL lines carry their own).
    #[arg(long, value_enum, default_value_t = ScanRole::User)]
    role: ScanRole,
    /// Exit 100 when any input was blocked.
    #[arg(long)]
    fail_on_block: bool,
    /// Also look for person names (`pii.person`, redacted; off by default: see docs/guard.md,
    /// "Person names").
    #[arg(long)]
    names: bool,
    /// The injection guard decides by the model's stacker (one verdict over the learned score
    /// and the rules' evidence) instead of rules OR learned: see docs/guard.md, "Stacked
    /// decision".
    #[arg(long)]
    stacked: bool,
}

/// Where a scanned text comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, Deserialize)]
#[serde(rename_all = "lowercase")]
enum ScanRole {
    System,
    User,
    Assistant,
    Tool,
    Context,
}

impl ScanRole {
    fn source(self) -> TextSource {
        match self {
            ScanRole::System => TextSource::Message(Role::System),
            ScanRole::User => TextSource::Message(Role::User),
            ScanRole::Assistant => TextSource::Output,
            ScanRole::Tool => TextSource::ToolResult,
            ScanRole::Context => TextSource::Retrieved,
        }
    }

    fn name(self) -> &'static str {
        match self {
            ScanRole::System => "system",
            ScanRole::User => "user",
            ScanRole::Assistant => "assistant",
            ScanRole::Tool => "tool",
            ScanRole::Context => "context",
        }
    }
}

/// One JSONL line (other fields ignored).
#[derive(Debug, Deserialize)]
struct Line {
    #[serde(default)]
    id: Option<serde_json::Value>,
    text: String,
    #[serde(default)]
    role: Option<ScanRole>,
}

/// One found span, as printed.
struct Span {
    guard: String,
    category: String,
    start: usize,
    end: usize,
    score: f32,
}

/// The verdict on one input.
struct Scanned {
    id: String,
    role: ScanRole,
    action: &'static str,
    spans: Vec<Span>,
    /// Categories a guard decided on without spans (a block's own category).
    categories: Vec<String>,
}

pub(crate) async fn run(args: GuardArgs, json: bool) -> Result<u8> {
    match args.command {
        GuardCommand::Scan(a) => scan(a, json).await,
    }
}

async fn scan(a: ScanArgs, json: bool) -> Result<u8> {
    let mut guards = default_guards();
    if a.stacked {
        for g in guards.iter_mut().filter(|g| g.name() == "injection") {
            let stacked = CombinedInjectionDetector::new().decision(Decision::Stacked);
            *g = Arc::new(DetectorGuard::new("injection", stacked));
        }
    }
    if a.names {
        let names = PiiScanner::only(&[PiiCategory::PersonName]);
        guards.push(Arc::new(DetectorGuard::new("names", names)));
    }
    let mut blocked = 0usize;
    let mut total = 0usize;
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    if !json {
        println!(
            "{:<28} {:<9} {:<6} {:>5}  CATEGORIES",
            "ID", "ROLE", "ACTION", "SCORE"
        );
    }
    for file in &a.files {
        for (id, role, text) in inputs(file, a.role)? {
            let s = scan_one(&guards, id, role, &text).await?;
            total += 1;
            *counts.entry(s.action).or_default() += 1;
            if s.action == "block" {
                blocked += 1;
            }
            if json {
                println!("{}", verdict_json(&s));
            } else {
                println!("{}", table_row(&s));
            }
        }
    }
    if !json {
        let summary: Vec<String> = counts.iter().map(|(k, v)| format!("{k} {v}")).collect();
        eprintln!("scanned {total} inputs: {}", summary.join(", "));
    }
    Ok(if a.fail_on_block && blocked > 0 {
        CHECKS_FAILED
    } else {
        OK
    })
}

/// The inputs of one file: `(id, role, text)`.
fn inputs(path: &Path, role: ScanRole) -> Result<Vec<(String, ScanRole, String)>> {
    let text = read_text(path)?;
    let is_jsonl = path.extension().is_some_and(|e| e == "jsonl");
    if !is_jsonl {
        return Ok(vec![(path.display().to_string(), role, text)]);
    }
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let n = n + 1;
        if line.trim().is_empty() {
            continue;
        }
        let l: Line = serde_json::from_str(line).map_err(|e| {
            Error::invalid(format!(
                "{}:{n}: not a guard input line ({{\"id\", \"text\", \"role\"}}): {e}",
                path.display()
            ))
        })?;
        let id = match l.id {
            Some(serde_json::Value::String(s)) => s,
            Some(v) => v.to_string(),
            None => format!("{}:{n}", path.display()),
        };
        out.push((id, l.role.unwrap_or(ScanRole::User), l.text));
    }
    Ok(out)
}

async fn scan_one(
    guards: &[Arc<dyn Guardrail>],
    id: String,
    role: ScanRole,
    text: &str,
) -> Result<Scanned> {
    let input = GuardInput::new(text, role.source());
    let mut action = "allow";
    let mut spans = Vec::new();
    let mut categories = Vec::new();
    for g in guards {
        let verdict = g.check(&input).await?;
        if rank(verdict.action()) > rank(action) {
            action = verdict.action();
        }
        let findings = match verdict {
            Verdict::Allow => continue,
            Verdict::Redact { findings, .. }
            | Verdict::Flag { findings }
            | Verdict::Hold { findings, .. } => findings,
            Verdict::Block {
                category, findings, ..
            } => {
                categories.push(category);
                findings
            }
            _ => continue,
        };
        for f in findings {
            spans.push(Span {
                guard: g.name().to_owned(),
                category: f.category,
                start: f.start,
                end: f.end,
                score: f.score,
            });
        }
    }
    Ok(Scanned {
        id,
        role,
        action,
        spans,
        categories,
    })
}

fn rank(action: &str) -> u8 {
    match action {
        "block" => 4,
        "hold" => 3,
        "redact" => 2,
        "flag" => 1,
        _ => 0,
    }
}

/// Highest score per category, over spans and block categories.
fn scores(s: &Scanned) -> BTreeMap<&str, f32> {
    let mut out: BTreeMap<&str, f32> = BTreeMap::new();
    for sp in &s.spans {
        let e = out.entry(sp.category.as_str()).or_insert(0.0);
        *e = e.max(sp.score);
    }
    for c in &s.categories {
        out.entry(c.as_str()).or_insert(1.0);
    }
    out
}

/// A score as printed: four decimals (an `f32` widened to JSON's f64 prints its binary noise).
fn round4(x: f32) -> f64 {
    (f64::from(x) * 1e4).round() / 1e4
}

fn verdict_json(s: &Scanned) -> serde_json::Value {
    let scores: BTreeMap<&str, f64> = scores(s).into_iter().map(|(k, v)| (k, round4(v))).collect();
    let spans: Vec<_> = s
        .spans
        .iter()
        .map(|sp| {
            json!({"start": sp.start, "end": sp.end, "category": sp.category,
                   "score": round4(sp.score), "guard": sp.guard})
        })
        .collect();
    json!({
        "id": s.id,
        "role": s.role.name(),
        "action": s.action,
        "categories": scores.keys().collect::<Vec<_>>(),
        "scores": scores,
        "spans": spans,
    })
}

fn table_row(s: &Scanned) -> String {
    let scores = scores(s);
    let max = scores.values().fold(0.0f32, |a, b| a.max(*b));
    let cats: Vec<&str> = scores.keys().copied().collect();
    let mut id = s.id.clone();
    if id.chars().count() > 28 {
        id = format!("…{}", tail_chars(&id, 27));
    }
    format!(
        "{id:<28} {:<9} {:<6} {max:>5.2}  {}",
        s.role.name(),
        s.action,
        if cats.is_empty() {
            "-".to_owned()
        } else {
            cats.join(",")
        }
    )
}

fn tail_chars(s: &str, n: usize) -> &str {
    let count = s.chars().count();
    match s.char_indices().nth(count.saturating_sub(n)) {
        Some((i, _)) => s.get(i..).unwrap_or(s),
        None => s,
    }
}
