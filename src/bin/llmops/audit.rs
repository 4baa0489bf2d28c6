//! `llmops audit verify | tail`: check and read the hash-chained audit trail.

use std::path::PathBuf;

use clap::{Args, Subcommand};
use llmops::Result;
use llmops::trace::{Error as TraceError, audit};

/// Arguments of `llmops audit`.
#[derive(Debug, Args)]
pub(crate) struct AuditArgs {
    /// The audit file (default: `audit` in llmops.toml, else ./audit.jsonl).
    #[arg(long, global = true, value_name = "FILE")]
    audit: Option<PathBuf>,
    #[command(subcommand)]
    command: AuditCommand,
}

#[derive(Debug, Subcommand)]
enum AuditCommand {
    /// Check the whole chain; exit 100 naming the first edited, removed, inserted or reordered record.
    Verify,
    /// Print the last records.
    Tail {
        /// How many.
        #[arg(short, long, default_value_t = 20)]
        n: usize,
    },
}

pub(crate) fn run(args: AuditArgs, default: Option<PathBuf>, json: bool) -> Result<u8> {
    let path = args
        .audit
        .or(default)
        .unwrap_or_else(|| PathBuf::from("audit.jsonl"));
    match args.command {
        AuditCommand::Verify => match audit::verify(&path) {
            Ok(v) => {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"ok": true, "records": v.records, "last_hash": v.last_hash})
                    );
                } else {
                    println!(
                        "ok: {} records, chain intact; last hash {}",
                        v.records, v.last_hash
                    );
                }
                Ok(crate::OK)
            }
            Err(TraceError::ChainBroken {
                line, seq, reason, ..
            }) => {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"ok": false, "line": line, "seq": seq, "reason": reason})
                    );
                } else {
                    println!("BROKEN at line {line} (record {seq}): {reason}");
                }
                Ok(crate::CHECKS_FAILED)
            }
            Err(TraceError::Malformed { line, reason, .. }) => {
                if json {
                    println!(
                        "{}",
                        serde_json::json!({"ok": false, "line": line, "reason": reason})
                    );
                } else {
                    println!("BROKEN at line {line}: not an audit record: {reason}");
                }
                Ok(crate::CHECKS_FAILED)
            }
            Err(e) => Err(e.into()),
        },
        AuditCommand::Tail { n } => {
            for e in audit::tail(&path, n)? {
                if json {
                    println!("{}", serde_json::to_string(&e)?);
                } else {
                    println!(
                        "{:>6}  {}  {:<16} {:<16} {:<38} {}",
                        e.seq,
                        e.event.at.format("%Y-%m-%dT%H:%M:%SZ"),
                        e.event.kind,
                        e.event.actor,
                        e.event.subject,
                        e.event.reason
                    );
                }
            }
            Ok(crate::OK)
        }
    }
}
