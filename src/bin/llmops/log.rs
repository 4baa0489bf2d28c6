//! `llmops log show <request-id>`: everything about one exchange, from the request log (current
//! and rotated files) and the audit trail, with the feedback given on it, so a wrong answer can
//! be explained after the fact. `llmops log replay <request-id>`: the same request sent again
//! through the providers of llmops.toml, and the difference.
//!
//! Exit codes of `replay`: 0 = the answer is the same, 100 = it differs (a check that failed,
//! as everywhere in this CLI), 1 = the replay could not be made (not in the log, no provider,
//! the call failed).

use std::path::{Path, PathBuf};

use clap::{Args, Subcommand};
use llmops::trace::{LogEntry, RequestLog, audit, replay};
use llmops::{Client, Error, ExchangeRecord, Feedback, Outcome, Result};

use crate::config::Config;

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
    /// Print one exchange: request, prompt version, retrieved chunks, guard findings, attempts, reply, cost, feedback, audit record.
    Show {
        /// The request id (from `ResponseMeta::request_id` or a trace).
        request_id: String,
    },
    /// Send the logged request again (through the providers of llmops.toml) and print the difference; exit 0 when the answer is the same, 100 when it differs.
    Replay {
        /// The request id of the exchange to replay.
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

/// The exchange `id` and the feedback on it (oldest first), from the log and its rotated files.
fn find(path: &Path, id: &str) -> Result<(ExchangeRecord, Vec<Feedback>)> {
    if !path.exists() {
        return Err(Error::config(format!(
            "no request log at {}",
            path.display()
        )));
    }
    let mut record = None;
    let mut feedback = Vec::new();
    // oldest file first: feedback comes out in the order it was given
    for f in files(path).into_iter().rev().filter(|f| f.exists()) {
        for e in RequestLog::read_entries(&f)? {
            match e {
                LogEntry::Exchange(r) if r.request_id == id => record = Some(*r),
                LogEntry::Feedback(fb) if fb.request_id == id => feedback.push(fb),
                _ => {}
            }
        }
    }
    let record = record
        .ok_or_else(|| Error::invalid(format!("request {id} is not in {}", path.display())))?;
    Ok((record, feedback))
}

/// A client over the providers of llmops.toml, or the environment's.
fn client(cfg: &Config) -> Result<Client> {
    cfg.client("to replay with")
}

pub(crate) async fn run(args: LogArgs, cfg: &Config, json: bool) -> Result<u8> {
    let log = args
        .log
        .or_else(|| cfg.log.clone())
        .unwrap_or_else(|| PathBuf::from("requests.jsonl"));
    let audit_path = args
        .audit
        .or_else(|| cfg.audit.clone())
        .unwrap_or_else(|| PathBuf::from("audit.jsonl"));
    match args.command {
        LogCommand::Replay { request_id } => {
            let (rec, _) = find(&log, &request_id)?;
            let client = client(cfg)?;
            let report = replay::run(&client, &rec).await;
            client.flush().await?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report)?);
            } else {
                print!("{}", report.render());
            }
            Ok(match &report.replay.error {
                Some(e) => {
                    eprintln!("error: the replay failed: {e}");
                    crate::ERROR
                }
                None if report.identical => crate::OK,
                None => crate::CHECKS_FAILED,
            })
        }
        LogCommand::Show { request_id } => {
            let (rec, feedback) = find(&log, &request_id)?;
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
                    feedback: &'a [Feedback],
                    audit: Option<&'a audit::AuditEntry>,
                }
                println!(
                    "{}",
                    serde_json::to_string_pretty(&Out {
                        record: &rec,
                        feedback: &feedback,
                        audit: audited.as_ref()
                    })?
                );
                return Ok(crate::OK);
            }
            print_record(&rec);
            print_feedback(&feedback);
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

fn print_feedback(feedback: &[Feedback]) {
    if feedback.is_empty() {
        println!("feedback   (none)");
    }
    for f in feedback {
        let value = match (f.label(), f.score()) {
            (Some(l), _) => format!("label {l}"),
            (None, Some(s)) => format!("score {s}"),
            (None, None) => "-".to_owned(),
        };
        match &f.comment {
            Some(c) => println!(
                "feedback   {}  {value}  \"{}\"",
                f.at.to_rfc3339(),
                c.replace('\n', " ")
            ),
            None => println!("feedback   {}  {value}", f.at.to_rfc3339()),
        }
    }
}
