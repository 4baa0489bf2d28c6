//! `llmops tokens count --model M [FILES...]`: the tokens of raw text (no chat overhead), from
//! files or stdin.
//!
//! Output: the count alone for one input; with several files one `COUNT<TAB>PATH` line each
//! and a `COUNT<TAB>total` line (as `wc` does). With `--json`: `{"model", "encoding",
//! "source": "counted"|"estimated", "files": [{"path", "tokens"}], "total"}`. A model that is
//! not an OpenAI model is counted with o200k_base and the output says so (stderr note, or
//! `"source": "estimated"`); it is not an error. Exit codes: 0 = ok, 1 = usage or I/O error.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use llmops::{Error, Result, Tiktoken, TokenCounter};
use serde_json::json;

use crate::OK;
use crate::input::read_text;

/// Arguments of `llmops tokens`.
#[derive(Debug, Args)]
pub(crate) struct TokensArgs {
    #[command(subcommand)]
    command: TokensCommand,
}

#[derive(Debug, Subcommand)]
enum TokensCommand {
    /// Count the tokens of raw text (no chat-format overhead) in files, or stdin.
    Count(CountArgs),
}

#[derive(Debug, Args)]
struct CountArgs {
    /// The model whose tokenizer counts: a bare name (`gpt-4o`, `gpt-4.1-mini`, `o3`) or
    /// `provider/model`.
    #[arg(long, short)]
    model: String,
    /// Files to count (`-` is stdin); stdin when none.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: TokensArgs, json: bool) -> Result<u8> {
    match args.command {
        TokensCommand::Count(a) => count(a, json),
    }
}

fn count(a: CountArgs, json: bool) -> Result<u8> {
    if a.model.trim().is_empty() {
        return Err(Error::invalid("--model is empty"));
    }
    let counter = Tiktoken::for_model(&a.model);
    let files = if a.files.is_empty() {
        vec![PathBuf::from("-")]
    } else {
        a.files
    };
    let mut counts = Vec::with_capacity(files.len());
    for f in &files {
        let text = read_text(f)?;
        counts.push((f.display().to_string(), counter.count(&text) as u64));
    }
    let total: u64 = counts.iter().map(|(_, n)| n).sum();
    let source = if counter.exact() {
        "counted"
    } else {
        "estimated"
    };
    if json {
        let files: Vec<_> = counts
            .iter()
            .map(|(p, n)| json!({"path": p, "tokens": n}))
            .collect();
        let out = json!({
            "model": a.model,
            "encoding": counter.id(),
            "source": source,
            "files": files,
            "total": total,
        });
        println!("{out}");
    } else {
        if !counter.exact() {
            eprintln!(
                "note: `{}` is not an OpenAI model: counted with {} (an approximation of its own tokenizer)",
                a.model,
                counter.id()
            );
        }
        match counts.as_slice() {
            [(_, n)] => println!("{n}"),
            many => {
                for (p, n) in many {
                    println!("{n}\t{p}");
                }
                println!("{total}\ttotal");
            }
        }
    }
    Ok(OK)
}
