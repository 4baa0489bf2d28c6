//! `llmops prompt …`: the prompt directory from the command line.
//!
//! - `list`, `show REF`, `render REF --var k=v`, `diff A B`, `history NAME` read it;
//! - `promote`, `rollback`, `canary` move or split labels (recorded in the history with who
//!   and why);
//! - `compare A B --suite S` runs an eval suite on two versions and gates B against A;
//! - `new NAME` and `edit NAME` write the next immutable version, so nobody edits a published
//!   version in place.
//!
//! Every verb takes `--prompts DIR` (else `prompts =` of llmops.toml, else `./prompts`).
//! Exit codes: 0 = ok, 100 = a promotion refused by its eval gate or a comparison whose gate
//! failed, 1 = usage or tool error.

mod change;
#[cfg(feature = "eval")]
mod compare;
mod diff;
mod new;
mod show;

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use llmops::prompts::{PromptError, PromptRegistry};
use llmops::{Error, Result};

use crate::config::Config;

/// Arguments of `llmops prompt`.
#[derive(Debug, Args)]
pub(crate) struct PromptArgs {
    /// The prompt directory (default: `prompts` in llmops.toml, else ./prompts).
    #[arg(long, global = true, value_name = "DIR")]
    prompts: Option<PathBuf>,
    /// Also record label changes in this hash-chained audit trail (default: `audit` in
    /// llmops.toml; none: the history file only).
    #[arg(long, global = true, value_name = "FILE")]
    audit: Option<PathBuf>,
    #[command(subcommand)]
    command: PromptCommand,
}

#[derive(Debug, Subcommand)]
enum PromptCommand {
    /// Every prompt with its versions, labels and latest version.
    List,
    /// One version (`name`, `name@label`, `name/3`): metadata, parameters and templates.
    Show(show::ShowArgs),
    /// Render a version strictly with the given variables.
    Render(show::RenderArgs),
    /// A text diff of two versions' templates and parameters (exit 0 either way).
    Diff(diff::DiffArgs),
    /// The label-change history of a prompt (when, who, action, label, from -> to, why).
    History(show::HistoryArgs),
    /// Point a label at a version, optionally gated by an eval record; exit 100 when refused.
    Promote(change::PromoteArgs),
    /// Return a label to its previous target.
    Rollback(change::RollbackArgs),
    /// Split a label: VERSION gets --weight percent of the traffic, sticky per caller key.
    Canary(change::CanaryArgs),
    /// Run an eval suite on two versions, print the scores side by side and gate B against A;
    /// exit 100 when the gate fails.
    #[cfg(feature = "eval")]
    Compare(compare::CompareArgs),
    /// Create the next immutable version, copied from an existing one (default: the latest).
    New(new::NewArgs),
    /// Open the latest version in $VISUAL / $EDITOR and save the result as the next version.
    Edit(new::EditArgs),
}

pub(crate) async fn run(args: PromptArgs, cfg: &Config, json: bool) -> Result<u8> {
    let dir = args
        .prompts
        .or_else(|| cfg.prompts.clone())
        .unwrap_or_else(|| PathBuf::from("prompts"));
    let audit = args.audit.or_else(|| cfg.audit.clone());
    let store = || change::store(&dir, audit.as_deref());
    match args.command {
        PromptCommand::List => show::list(&load(&dir)?, json),
        PromptCommand::Show(a) => show::show(&load(&dir)?, a, json),
        PromptCommand::Render(a) => show::render(&load(&dir)?, a, json),
        PromptCommand::Diff(a) => diff::diff(&load(&dir)?, a, json),
        PromptCommand::History(a) => show::history(&load(&dir)?, a, json),
        PromptCommand::Promote(a) => change::promote(&store()?, a, json).await,
        PromptCommand::Rollback(a) => change::rollback(&store()?, a, json).await,
        PromptCommand::Canary(a) => change::canary(&store()?, a, json).await,
        #[cfg(feature = "eval")]
        PromptCommand::Compare(a) => compare::compare(&dir, cfg, a, json).await,
        PromptCommand::New(a) => new::new(&dir, a, json),
        PromptCommand::Edit(a) => new::edit(&dir, a, json),
    }
}

/// Loads the prompt directory; a missing one is an error saying how to name it.
fn load(dir: &Path) -> Result<PromptRegistry> {
    if !dir.is_dir() {
        return Err(Error::config(format!(
            "no prompt directory at {}: pass --prompts DIR or set `prompts = \"DIR\"` in llmops.toml",
            dir.display()
        )));
    }
    PromptRegistry::load(dir).map_err(prompt_err)
}

/// A prompt error as the CLI reports it.
fn prompt_err(e: PromptError) -> Error {
    Error::from(e)
}

/// Who makes a change: `--who`, else `$USER`; neither is an error.
fn who(flag: Option<String>) -> Result<String> {
    flag.filter(|w| !w.trim().is_empty())
        .or_else(|| std::env::var("USER").ok().filter(|u| !u.trim().is_empty()))
        .ok_or_else(|| Error::invalid("--who is required (and $USER is not set)"))
}

/// `why` must say something.
fn why(flag: String) -> Result<String> {
    if flag.trim().is_empty() {
        return Err(Error::invalid("--why must not be empty"));
    }
    Ok(flag)
}

/// Prints `value` as pretty JSON on standard output.
fn print_json(value: &serde_json::Value) -> Result<()> {
    println!("{}", serde_json::to_string_pretty(value)?);
    Ok(())
}
