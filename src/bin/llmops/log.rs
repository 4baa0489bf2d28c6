//! `llmops log show <request-id>`: everything about one exchange, from the request log (current
//! and rotated files) and the audit trail, so a wrong answer can be explained after the fact.

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use llmops::trace::{RequestLog, audit};
use llmops::{Error, ExchangeRecord, Outcome, Result};

/// Arguments of `llmops log`.
#[derive(Debug, Args)]
pub(crate) struct LogArgs {
    /// The request log (default: `log` in llmops.toml, else ./requests.jsonl).
    #[arg(long, global = true, value_name = "FILE")]
    log: Option<PathBuf>,
    /// The audit file to look the exchange up in (default: `audit` in llmops.toml, else ./audit.jsonl when present).
    #[arg(long, global = true, value_name = "FILE")]
    audit: Option<PathBuf>,
    #[command(subcommand)]
    command: LogCommand,
}

#[derive(Debug, Subcommand)]
enum LogCommand {
    /// Print one exchange: request, prompt version, retrieved chunks, guard findings, attempts, reply, cost, audit record.
    Show {
        /// The request id (from `ResponseMeta::request_id` or a trace).
        request_id: String,
    },
}

/// The log file and its rotated predecessors, newest first.
fn files(path: &Path) -> Vec<PathBuf> {
    let mut out = vec![path.to_owned()];
    for n in 1.. {
        let mut s = path.as_os_str().to_owned();
        s.push(format!(".{n}"));
        let p = PathBuf::from(s);
        if !p.exists() {
            break;
        }
        out.push(p);
    }
    out
}

fn find(path: &Path, id: &str) -> Result<Option<ExchangeRecord>> {
    for f in files(path) {
        if !f.exists() {
            continue;
        }
        if let Some(r) = RequestLog::read(&f)?
            .into_iter()
            .find(|r| r.request_id == id)
        {
            return Ok(Some(r));
        }
    }
    Ok(None)
}

pub(crate) fn run(
    args: LogArgs,
    default_log: Option<PathBuf>,
    default_audit: Option<PathBuf>,
    json: bool,
) -> Result<u8> {
    let log = args
        .log
        .or(default_log)
        .unwrap_or_else(|| PathBuf::from("requests.jsonl"));
    let audit_path = args
        .audit
        .or(default_audit)
        .unwrap_or_else(|| PathBuf::from("audit.jsonl"));
    match args.command {
        LogCommand::Show { request_id } => {
            if !log.exists() {
                return Err(Error::config(format!(
                    "no request log at {}",
                    log.display()
                )));
            }
            let rec = find(&log, &request_id)?.ok_or_else(|| {
                Error::invalid(format!("request {request_id} is not in {}", log.display()))
            })?;
            let audited = if audit_path.exists() {
                audit::tail(&audit_path, usize::MAX)?
                    .into_iter()
                    .find(|e| e.event.subject == request_id)
            } else {
                None
            };
            if json {
                #[derive(serde::Serialize)]
                struct Out<'a> {
                    record: &'a ExchangeRecord,
                    audit: Option<&'a audit::AuditEntry>,
                }
                println!(
                    "{}",
                    serde_json::to_string_pretty(&Out {
                        record: &rec,
                        audit: audited.as_ref()
                    })?
                );
                return Ok(crate::OK);
            }
            print_record(&rec);
            match audited {
                Some(a) => println!(
                    "audit      record {} (hash {}…) {} by {}",
                    a.seq,
                    a.hash.get(..12).unwrap_or(""),
                    a.event.kind,
                    a.event.actor
                ),
                None => println!(
                    "audit      no record for this exchange in {}",
                    audit_path.display()
                ),
            }
            Ok(crate::OK)
        }
    }
}

fn print_record(r: &ExchangeRecord) {
    let outcome = match &r.outcome {
        Outcome::Failed { error, message } => format!("failed ({error}): {message}"),
        o => o.as_str().to_owned(),
    };
    println!(
        "request    {}  {}  {}",
        r.request_id,
        r.started_at.to_rfc3339(),
        outcome
    );
    println!(
        "caller     tenant={} user={} feature={}",
        r.caller.tenant.as_deref().unwrap_or("-"),
        r.caller.user.as_deref().unwrap_or("-"),
        r.caller.feature.as_deref().unwrap_or("-")
    );
    println!(
        "model      asked {} → {} via {}{}",
        r.model_requested,
        r.model_answered.as_deref().unwrap_or("?"),
        r.provider.as_deref().unwrap_or("?"),
        if r.scripted { " (scripted)" } else { "" }
    );
    match &r.prompt {
        Some(p) => println!("prompt     {}/{} {}", p.name, p.version, p.hash),
        None => println!("prompt     (none)"),
    }
    for m in r.request.messages.iter() {
        println!("  {:<9} {}", m.role.as_str(), m.text().replace('\n', " "));
    }
    if !r.retrieved.is_empty() {
        let ids: Vec<&str> = r.retrieved.iter().map(|c| c.id.as_str()).collect();
        println!("retrieved  {}", ids.join(", "));
    }
    for g in &r.guard_findings {
        println!(
            "guard      {} {} {:?} {:.2}",
            g.guard, g.action, g.categories, g.score
        );
    }
    for a in &r.attempts {
        println!(
            "attempt {}  {} {} {:.1} ms {:?}",
            a.attempt,
            a.provider,
            a.model,
            a.latency.as_secs_f64() * 1e3,
            a.outcome
        );
    }
    if let Some(resp) = &r.response {
        println!("reply      {}", resp.text.replace('\n', " "));
        for c in &resp.tool_calls {
            println!("  tool     {}({})", c.name, c.arguments);
        }
    }
    println!(
        "usage      {} in / {} out ({:?}), latency {:.1} ms, cost {}",
        r.usage.input_tokens,
        r.usage.output_tokens,
        r.usage_source,
        r.latency.as_secs_f64() * 1e3,
        match r.cost.known() {
            Some(m) => m.to_string(),
            None => "unknown".into(),
        }
    );
}
