//! `llmops cost estimate`: the price of a prospective request from the bundled table (or
//! `--prices FILE` over it). `llmops cost report`: spend from the request log, grouped by
//! tenant, user, API key, feature, model, deployment, prompt (version) and day.
//!
//! Exit codes: 0 = ok; 1 = usage or I/O error, a model not in the price table (`estimate`),
//! an unreadable log (`report`). Unknown costs in a report are not an error: they are listed
//! apart with their request counts, never added as zero.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, Subcommand};
use llmops::cost::{PriceTable, Pricing};
use llmops::{ChatRequest, Cost, Error, Result, Usage};
use serde_json::json;

use crate::OK;
use crate::config::Config;

/// Arguments of `llmops cost`.
#[derive(Debug, Args)]
pub(crate) struct CostArgs {
    /// A price file in LiteLLM's format, merged over the bundled table (default: `prices` in
    /// llmops.toml, else the bundled table alone).
    #[arg(long, global = true, value_name = "FILE")]
    prices: Option<PathBuf>,
    #[command(subcommand)]
    command: CostCommand,
}

#[derive(Debug, Subcommand)]
enum CostCommand {
    /// The price of a prospective request: input tokens given or counted from files / stdin
    /// (as one user message, chat overhead included), output tokens given.
    Estimate(EstimateArgs),
    /// Spend from the request log, grouped (unknown costs listed apart).
    #[cfg(feature = "trace")]
    Report(ReportArgs),
}

#[derive(Debug, Args)]
struct EstimateArgs {
    /// The model: a bare name (`gpt-4o`), `provider/model`, or a key of the price table.
    #[arg(long, short)]
    model: String,
    /// Input tokens (instead of counting files).
    #[arg(long, conflicts_with = "files")]
    input_tokens: Option<u64>,
    /// Output tokens (default 0; the price at the model's output limit is shown beside).
    #[arg(long)]
    output_tokens: Option<u64>,
    /// Price at the Batch API's prices.
    #[arg(long)]
    batch: bool,
    /// Files whose text makes the request's user message (`-` is stdin); stdin when neither
    /// files nor `--input-tokens` are given.
    #[arg(value_name = "FILE")]
    files: Vec<PathBuf>,
}

pub(crate) fn run(args: CostArgs, cfg: &Config, json: bool) -> Result<u8> {
    let table = match args.prices.as_ref().or(cfg.prices.as_ref()) {
        Some(p) => Arc::new(PriceTable::bundled_with(p)?),
        None => PriceTable::bundled()?,
    };
    match args.command {
        CostCommand::Estimate(a) => estimate(a, &table, json),
        #[cfg(feature = "trace")]
        CostCommand::Report(a) => report::run(a, table, cfg, json),
    }
    .map(|()| OK)
}

fn estimate(a: EstimateArgs, table: &PriceTable, json: bool) -> Result<()> {
    let model = a.model.trim();
    let Some((key, price)) = table.lookup(model) else {
        return Err(Error::invalid(format!(
            "`{model}` is not in the price table (add it with --prices FILE)"
        )));
    };
    let (input, source) = match a.input_tokens {
        Some(n) => (n, "given"),
        None => {
            let files = if a.files.is_empty() {
                vec![PathBuf::from("-")]
            } else {
                a.files
            };
            let mut req = ChatRequest::new(model);
            for f in &files {
                req = req.user(crate::input::read_text(f)?);
            }
            let n = req.count_tokens();
            (n.tokens, if n.is_exact() { "counted" } else { "estimated" })
        }
    };
    let output = a.output_tokens.unwrap_or(0);
    let pricing = if a.batch {
        Pricing::Batch
    } else {
        Pricing::Standard
    };
    let cost = known(price.cost(model, &Usage::new(input, output), pricing))?;
    let limit = price.output_limit().filter(|_| a.output_tokens.is_none());
    let at_limit = match limit {
        Some(n) => Some(known(price.cost(model, &Usage::new(input, n), pricing))?),
        None => None,
    };
    if json {
        let out = json!({
            "model": model,
            "priced_as": key,
            "pricing": pricing,
            "input_tokens": input,
            "input_source": source,
            "output_tokens": output,
            "cost": cost.amount.normalize().to_string(),
            "currency": cost.currency,
            "max_output_tokens": limit,
            "cost_at_max_output": at_limit.as_ref().map(|m| m.amount.normalize().to_string()),
            "prices": table.source(),
        });
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        println!(
            "model          {model} (priced as {key}{})",
            if a.batch { ", batch" } else { "" }
        );
        println!("input tokens   {input} ({source})");
        println!("output tokens  {output}");
        println!("cost           {cost}");
        if let (Some(n), Some(m)) = (limit, at_limit) {
            println!("up to          {m} with the model's maximum output ({n} tokens)");
        }
    }
    Ok(())
}

fn known(c: Cost) -> Result<llmops::Money> {
    match c {
        Cost::Known(m) => Ok(m),
        Cost::Unknown { reason } => Err(Error::invalid(reason)),
    }
}

/// A date (`2025-03-01`, midnight UTC) or an RFC 3339 time.
#[cfg(feature = "trace")]
fn parse_time(s: &str) -> Result<chrono::DateTime<chrono::Utc>> {
    use chrono::{DateTime, NaiveDate, Utc};
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Ok(t.with_timezone(&Utc));
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .map(|t| t.and_utc())
        .ok_or_else(|| {
            Error::invalid(format!(
                "`{s}` is not a date (2025-03-01) or an RFC 3339 time (2025-03-01T12:00:00Z)"
            ))
        })
}

#[cfg(feature = "trace")]
mod report {
    use super::*;
    use llmops::Pricer;
    use llmops::cost::{Bucket, CostLedger, GroupBy, Query, TablePricer};
    use llmops::trace::{LogEntry, RequestLog};

    #[derive(Debug, Args)]
    pub(super) struct ReportArgs {
        /// The request log (default: `log` in llmops.toml, else ./requests.jsonl); its
        /// rotated files (`.1`, `.2` ...) are read too.
        #[arg(long, value_name = "FILE")]
        log: Option<PathBuf>,
        /// Group by these dimensions, comma-separated: tenant, user, api_key, feature, model,
        /// deployment, prompt, prompt_version, day, hour.
        #[arg(long, value_delimiter = ',', default_value = "model")]
        by: Vec<String>,
        /// From this date or time (UTC; hour resolution).
        #[arg(long)]
        since: Option<String>,
        /// Before this date or time.
        #[arg(long)]
        until: Option<String>,
        /// Only the N most expensive rows.
        #[arg(long)]
        top: Option<usize>,
        /// Price every record again with the table (bundled, or --prices over it) instead of
        /// the cost it was logged with.
        #[arg(long)]
        reprice: bool,
    }

    /// The log file and its rotated predecessors, oldest first.
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
        out.reverse();
        out
    }

    pub(super) fn run(
        a: ReportArgs,
        table: Arc<PriceTable>,
        cfg: &Config,
        json: bool,
    ) -> Result<()> {
        let by =
            a.by.iter()
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.parse::<GroupBy>())
                .collect::<Result<Vec<_>>>()?;
        let mut q = Query::new().by(by);
        if let Some(s) = &a.since {
            q = q.since(parse_time(s)?);
        }
        if let Some(s) = &a.until {
            q = q.until(parse_time(s)?);
        }
        if let Some(n) = a.top {
            q = q.top(n);
        }
        let log = a
            .log
            .or_else(|| cfg.log.clone())
            .unwrap_or_else(|| PathBuf::from("requests.jsonl"));
        if !log.exists() {
            return Err(Error::config(format!(
                "no request log at {}",
                log.display()
            )));
        }
        let pricer = Arc::new(TablePricer::new(table));
        let ledger = CostLedger::new(pricer.clone());
        for f in files(&log) {
            for e in RequestLog::read_entries(&f)? {
                if let LogEntry::Exchange(mut r) = e {
                    if a.reprice {
                        r.cost = pricer.price(&r);
                    }
                    ledger.record(&r);
                }
            }
        }
        let report = ledger.query(&q);
        if json {
            println!("{}", serde_json::to_string_pretty(&report)?);
            return Ok(());
        }
        let mut head: Vec<String> = report.group_by.iter().map(|g| g.to_string()).collect();
        head.extend(["requests", "cost (USD)", "per request", "unknown cost"].map(str::to_owned));
        let mut rows: Vec<Vec<String>> = report
            .rows
            .iter()
            .map(|b| {
                let mut r: Vec<String> = b
                    .key
                    .iter()
                    .map(|k| k.clone().unwrap_or_else(|| "-".to_owned()))
                    .collect();
                r.extend(numbers(b));
                r
            })
            .collect();
        let mut total = vec!["total".to_owned()];
        total.resize(report.group_by.len().max(1), String::new());
        total.extend(numbers(&report.total));
        if report.group_by.is_empty() {
            head.insert(0, String::new());
        }
        rows.push(total);
        print_table(&head, &rows);
        if !report.unknown.is_empty() {
            println!("\nunknown costs (not in the total):");
            for u in &report.unknown {
                println!("  {:>6} requests  {}", u.requests, u.reason);
            }
        }
        Ok(())
    }

    fn numbers(b: &Bucket) -> [String; 4] {
        [
            b.requests.to_string(),
            b.cost.amount.normalize().to_string(),
            b.cost_per_request()
                .map(|m| m.amount.round_dp(8).normalize().to_string())
                .unwrap_or_else(|| "-".to_owned()),
            b.unknown_cost_requests.to_string(),
        ]
    }

    fn print_table(head: &[String], rows: &[Vec<String>]) {
        let mut w: Vec<usize> = head.iter().map(|h| h.chars().count()).collect();
        for r in rows {
            for (i, c) in r.iter().enumerate() {
                if let Some(x) = w.get_mut(i) {
                    *x = (*x).max(c.chars().count());
                }
            }
        }
        let line = |cells: &[String]| {
            let parts: Vec<String> = cells
                .iter()
                .zip(&w)
                .map(|(c, n)| format!("{c:<n$}"))
                .collect();
            println!("{}", parts.join("  ").trim_end());
        };
        line(head);
        for r in rows {
            line(r);
        }
    }
}

#[cfg(feature = "trace")]
use report::ReportArgs;
