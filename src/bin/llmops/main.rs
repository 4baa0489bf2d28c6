//! The `llmops` command line.
//!
//! Conventions (shared by every verb): `--config FILE` (default `./llmops.toml` when present),
//! `--json` where output is data, and exit codes 0 = ok, 100 = checks failed (verbs that check
//! things: `audit verify` on a broken chain, `log replay` when the answer changed, `rag eval`
//! under a `--min` threshold, `eval run` when a case failed or errored, `eval gate` when a
//! gate check failed, `prompt promote` refused by its eval gate, `guard scan --fail-on-block`
//! when an input was blocked), 1 = usage
//! or tool error.

#[cfg(feature = "trace")]
mod audit;
mod chat;
mod config;
#[cfg(feature = "cost")]
mod cost;
#[cfg(feature = "eval")]
mod eval;
#[cfg(feature = "guard")]
mod guard;
mod input;
#[cfg(feature = "trace")]
mod log;
#[cfg(feature = "prompts")]
mod prompt;
#[cfg(feature = "rag")]
mod rag;
#[cfg(feature = "tokens")]
mod tokens;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Exit code: everything went fine.
const OK: u8 = 0;
/// Exit code: a check failed (promptfoo's convention; used by checking verbs).
#[cfg_attr(
    not(any(
        feature = "trace",
        feature = "rag",
        feature = "eval",
        feature = "prompts",
        feature = "guard"
    )),
    allow(dead_code)
)]
const CHECKS_FAILED: u8 = 100;
/// Exit code: bad usage, bad configuration, or a failed call.
const ERROR: u8 = 1;

/// The operations layer of an LLM application, from the command line.
#[derive(Debug, Parser)]
#[command(name = "llmops", version, about)]
struct Cli {
    /// Configuration file (default: ./llmops.toml when it exists).
    #[arg(long, global = true, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Print machine-readable JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Send one chat request and stream the reply to the terminal.
    Chat(chat::ChatArgs),
    /// Verify or read the hash-chained audit trail.
    #[cfg(feature = "trace")]
    Audit(audit::AuditArgs),
    /// Explain one exchange from the request log.
    #[cfg(feature = "trace")]
    Log(log::LogArgs),
    /// Evaluate prompts: run a suite, gate it against a baseline, render reports, import cases
    /// from the request log.
    #[cfg(feature = "eval")]
    Eval(eval::EvalArgs),
    /// Prompts: list, show, render, diff and create versions; promote, roll back and read the
    /// label history.
    #[cfg(feature = "prompts")]
    Prompt(prompt::PromptArgs),
    /// Retrieval quality: score retrievers on a labelled (BEIR-layout) set.
    #[cfg(feature = "rag")]
    Rag(rag::RagArgs),
    /// Cost: the price of a prospective request; spend from the request log.
    #[cfg(feature = "cost")]
    Cost(cost::CostArgs),
    /// Tokens: count the tokens of raw text for a model.
    #[cfg(feature = "tokens")]
    Tokens(tokens::TokensArgs),
    /// Guardrails: scan texts and JSONL datasets or logs for PII, secrets, prompt injection
    /// and output leaks.
    #[cfg(feature = "guard")]
    Guard(guard::GuardArgs),
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let code = if e.use_stderr() { ERROR } else { OK };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start the async runtime: {e}");
            return ExitCode::from(ERROR);
        }
    };
    let result = rt.block_on(async {
        let cfg = config::Config::load(cli.config.as_deref())?;
        match cli.command {
            Command::Chat(args) => chat::run(args, &cfg, cli.json).await,
            #[cfg(feature = "trace")]
            Command::Audit(args) => audit::run(args, cfg.audit.clone(), cli.json),
            #[cfg(feature = "trace")]
            Command::Log(args) => log::run(args, &cfg, cli.json).await,
            #[cfg(feature = "eval")]
            Command::Eval(args) => eval::run(args, &cfg, cli.json).await,
            #[cfg(feature = "prompts")]
            Command::Prompt(args) => prompt::run(args, &cfg, cli.json).await,
            #[cfg(feature = "rag")]
            Command::Rag(args) => rag::run(args, cli.json).await,
            #[cfg(feature = "cost")]
            Command::Cost(args) => cost::run(args, &cfg, cli.json),
            #[cfg(feature = "tokens")]
            Command::Tokens(args) => tokens::run(args, cli.json),
            #[cfg(feature = "guard")]
            Command::Guard(args) => guard::run(args, cli.json).await,
        }
    });
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(ERROR)
        }
    }
}
