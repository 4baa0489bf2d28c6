//! `llmops prompt promote | rollback | canary`: moving labels, recorded with who, when and
//! why in the history beside the prompts and, when an audit file is configured (`--audit
//! FILE` or `audit =` in llmops.toml), in the hash-chained audit trail.

use std::path::{Path, PathBuf};

use clap::Args;
use llmops::prompts::{
    HistoryRecord, LabelTarget, PRODUCTION, PromptError, PromptRegistry, PromptStore,
};
use llmops::{Error, EvalRecord, Result};
use serde_json::json;

use super::{print_json, prompt_err, who, why};
use crate::{CHECKS_FAILED, OK};

/// Arguments of `llmops prompt promote`.
#[derive(Debug, Args)]
pub(crate) struct PromoteArgs {
    /// The prompt name.
    name: String,
    /// The version to promote.
    version: u32,
    /// The label to move.
    #[arg(long, default_value = PRODUCTION)]
    label: String,
    /// Who promotes (default: $USER).
    #[arg(long)]
    who: Option<String>,
    /// Why (recorded in the history).
    #[arg(long)]
    why: String,
    /// The eval record of the version (JSON, as `llmops eval gate --record` writes it): the
    /// promotion is refused (exit 100) unless it targets NAME/VERSION and scores at least
    /// --min-score.
    #[arg(long, value_name = "EVAL_RECORD.json", requires = "min_score")]
    record: Option<PathBuf>,
    /// Gate the promotion: the eval record (--record, else the one filed for the version in
    /// `.llmops/evals.jsonl`) must score at least X; no record at all refuses it.
    #[arg(long, value_name = "X")]
    min_score: Option<f64>,
}

/// Reads an `EvalRecord` written by `llmops eval gate --record`.
fn read_record(path: &PathBuf) -> Result<EvalRecord> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::invalid(format!("--record {}: {e}", path.display())))?;
    serde_json::from_str(&text).map_err(|e| {
        Error::invalid(format!(
            "--record {}: not an eval record (the JSON `llmops eval gate --record` writes): {e}",
            path.display()
        ))
    })
}

/// `llmops prompt promote`.
pub(super) async fn promote(store: &PromptStore, a: PromoteArgs, json: bool) -> Result<u8> {
    let who = who(a.who)?;
    let why = why(a.why)?;
    let record = a.record.as_ref().map(read_record).transpose()?;
    if let Some(min) = a.min_score.filter(|m| !m.is_finite()) {
        return Err(Error::invalid(format!(
            "--min-score must be a number, got {min}"
        )));
    }
    let gate = a.min_score.map(|min| (record.as_ref(), min));
    match store
        .promote(&a.name, &a.label, a.version, &who, &why, gate)
        .await
    {
        Ok(reg) => report(&reg, &a.name, &a.label, json),
        Err(e @ PromptError::PromotionRefused { .. }) => {
            if json {
                print_json(&json!({
                    "prompt": a.name,
                    "label": a.label,
                    "version": a.version,
                    "refused": e.to_string(),
                }))?;
            }
            eprintln!("refused: {e}");
            Ok(CHECKS_FAILED)
        }
        Err(e) => Err(prompt_err(e)),
    }
}

/// Arguments of `llmops prompt rollback`.
#[derive(Debug, Args)]
pub(crate) struct RollbackArgs {
    /// The prompt name.
    name: String,
    /// The label to return to its previous target.
    #[arg(long, default_value = PRODUCTION)]
    label: String,
    /// Who rolls back (default: $USER).
    #[arg(long)]
    who: Option<String>,
    /// Why (recorded in the history).
    #[arg(long)]
    why: String,
}

/// `llmops prompt rollback`.
pub(super) async fn rollback(store: &PromptStore, a: RollbackArgs, json: bool) -> Result<u8> {
    let who = who(a.who)?;
    let why = why(a.why)?;
    let reg = store
        .rollback(&a.name, &a.label, &who, &why)
        .await
        .map_err(prompt_err)?;
    report(&reg, &a.name, &a.label, json)
}

/// Arguments of `llmops prompt canary`.
#[derive(Debug, Args)]
pub(crate) struct CanaryArgs {
    /// The prompt name.
    name: String,
    /// The canary version.
    version: u32,
    /// The share of traffic (percent, 1 to 99) the canary gets; the label's stable version
    /// keeps the rest. Sticky per caller key.
    #[arg(long, value_name = "PCT")]
    weight: u8,
    /// The label to split.
    #[arg(long, default_value = PRODUCTION)]
    label: String,
    /// Who starts the canary (default: $USER).
    #[arg(long)]
    who: Option<String>,
    /// Why (recorded in the history).
    #[arg(long)]
    why: String,
}

/// `llmops prompt canary`: split the label between its stable version and VERSION; end it
/// with `promote` (the canary wins) or `rollback` (the stable version gets everything back).
pub(super) async fn canary(store: &PromptStore, a: CanaryArgs, json: bool) -> Result<u8> {
    let who = who(a.who)?;
    let why = why(a.why)?;
    let reg = store
        .start_canary(&a.name, &a.label, a.version, a.weight, &who, &why)
        .await
        .map_err(prompt_err)?;
    report(&reg, &a.name, &a.label, json)
}

/// The live store over `dir` for a label change, writing to the audit trail at `audit`
/// when one is configured (the `trace` feature's hash-chained `AuditLog`).
pub(super) fn store(dir: &Path, audit: Option<&Path>) -> Result<PromptStore> {
    let registry = super::load(dir)?;
    drop(registry);
    let builder = PromptStore::builder(dir);
    #[cfg(feature = "trace")]
    let builder = match audit {
        Some(path) => {
            let log = llmops::trace::AuditLog::open(path)
                .map_err(|e| Error::config(format!("audit trail {}: {e}", path.display())))?;
            builder.audit(std::sync::Arc::new(log))
        }
        None => builder,
    };
    #[cfg(not(feature = "trace"))]
    if let Some(path) = audit {
        return Err(Error::config(format!(
            "an audit file ({}) needs the `trace` feature",
            path.display()
        )));
    }
    builder.open().map_err(prompt_err)
}

/// Prints the change just recorded (the last history record of `name` and `label`).
fn report(reg: &PromptRegistry, name: &str, label: &str, json: bool) -> Result<u8> {
    let history = reg.history(name).map_err(prompt_err)?;
    let Some(rec) = history.iter().rev().find(|r| r.label == label) else {
        return Err(Error::config(format!(
            "the change of `{name}@{label}` was not recorded in the history"
        )));
    };
    if json {
        print_json(&serde_json::to_value(rec)?)?;
    } else {
        println!("{}", describe(rec));
    }
    Ok(OK)
}

/// `greet@production: 1 -> 2 (promote by ada: eval passed)`.
fn describe(r: &HistoryRecord) -> String {
    let v = |v: Option<&LabelTarget>| v.map_or_else(|| "unset".to_owned(), ToString::to_string);
    format!(
        "{}@{}: {} -> {} ({} by {}: {})",
        r.prompt,
        r.label,
        v(r.from.as_ref()),
        v(r.to.as_ref()),
        r.action.as_str(),
        r.who,
        r.why
    )
}
