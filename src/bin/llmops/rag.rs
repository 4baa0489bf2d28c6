//! `llmops rag eval --beir DIR`: scores retrievers (BM25, dense, hybrid) on a BEIR-layout
//! dataset (`corpus.jsonl`, `queries.jsonl`, `qrels/<split>.tsv`), side by side.
//!
//! Output: a table for people; with `--json`, one JSON object and nothing else on stdout:
//! `{"bm25": {"map": .., "ndcg@10": .., ...}, "dense": {..}, "skipped": {"hybrid": "why"}}`.
//! A retriever whose model or runtime is missing is listed under `skipped` with the reason
//! while the others still report. Exit codes: 0 = ok, 100 = a `--min` threshold failed,
//! 1 = usage or tool error.

use std::path::PathBuf;
use std::sync::Arc;

use clap::{Args, Subcommand};
use llmops::rag::beir::BeirLoader;
use llmops::rag::chunk;
use llmops::rag::eval::{EvalOutcome, EvalPlan, RetrieverKind, evaluate_dataset};
use llmops::rag::metrics::MetricName;
use llmops::{Embedder, Error, Result};
use serde_json::{Map, Value, json};

use crate::{CHECKS_FAILED, OK};

/// Arguments of `llmops rag`.
#[derive(Debug, Args)]
pub(crate) struct RagArgs {
    #[command(subcommand)]
    command: RagCommand,
}

#[derive(Debug, Subcommand)]
enum RagCommand {
    /// Score retrievers on a labelled set in the BEIR layout.
    Eval(EvalArgs),
}

#[derive(Debug, Args)]
struct EvalArgs {
    /// The dataset directory (corpus.jsonl, queries.jsonl, qrels/<split>.tsv).
    #[arg(long, value_name = "DIR")]
    beir: PathBuf,
    /// The qrels split (default: test, else the only split present).
    #[arg(long)]
    split: Option<String>,
    /// Retrievers to score, comma-separated: bm25, dense, hybrid, hybrid-weighted.
    #[arg(long, value_delimiter = ',', default_value = "bm25,dense,hybrid")]
    retrievers: Vec<String>,
    /// Metrics, comma-separated (map, ndcg@k, recall@k, mrr@k, p@k, map@k, hit@k).
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "map,ndcg@10,recall@100,mrr@10,p@10"
    )]
    metrics: Vec<String>,
    /// How documents are chunked: whole (BEIR's convention), recursive[:MAX[:OVERLAP]],
    /// markdown[:MAX[:OVERLAP]], sentence[:MAX[:OVERLAP]], tokens[:SIZE[:OVERLAP]].
    #[arg(long, default_value = "whole")]
    chunker: String,
    /// Documents retrieved per query (default: the deepest metric's cutoff).
    #[arg(long)]
    depth: Option<usize>,
    /// Search as this tenant (access labels apply as in production; default: none).
    #[arg(long)]
    tenant: Option<String>,
    /// Search with this role; repeatable.
    #[arg(long = "role", value_name = "ROLE")]
    roles: Vec<String>,
    /// Fail (exit 100) when a scored retriever is below a threshold, e.g. `ndcg@10=0.3`;
    /// repeatable.
    #[arg(long = "min", value_name = "METRIC=VALUE")]
    min: Vec<String>,
}

pub(crate) async fn run(args: RagArgs, json: bool) -> Result<u8> {
    match args.command {
        RagCommand::Eval(a) => eval(a, json).await,
    }
}

async fn eval(a: EvalArgs, json: bool) -> Result<u8> {
    let mut plan = EvalPlan::default();
    plan.retrievers = a
        .retrievers
        .iter()
        .map(|s| s.parse::<RetrieverKind>())
        .collect::<std::result::Result<_, _>>()
        .map_err(Error::from)?;
    plan.metrics = a
        .metrics
        .iter()
        .map(|s| s.parse::<MetricName>())
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::invalid(e.to_string()))?;
    plan.depth = a.depth;
    let mut caller = llmops::Caller::default();
    if let Some(t) = &a.tenant {
        caller = caller.tenant(t.clone());
    }
    for r in &a.roles {
        caller = caller.role(r.clone());
    }
    plan.scope = caller.scope();
    let mins = a
        .min
        .iter()
        .map(|m| parse_min(m))
        .collect::<Result<Vec<_>>>()?;
    let chunker = chunk::from_spec(&a.chunker).map_err(Error::from)?;
    let mut loader = BeirLoader::new(&a.beir);
    if let Some(s) = &a.split {
        loader = loader.split(s.clone());
    }
    let dataset = loader.load().map_err(Error::from)?;
    if !json {
        eprintln!(
            "{}: {} documents, {} queries ({} split), chunker {}",
            a.beir.display(),
            dataset.stats.documents,
            dataset.queries.len(),
            dataset.split,
            chunker.name()
        );
    }
    let embedder = local_embedder();
    let outcome = evaluate_dataset(&dataset, chunker, embedder, &plan)
        .await
        .map_err(Error::from)?;
    if json {
        println!("{}", to_json(&outcome, &plan.metrics));
    } else {
        print_table(&outcome, &plan.metrics);
    }
    let mut failed = false;
    for (name, report) in &outcome.reports {
        for (metric, min) in &mins {
            let got = report.mean(*metric).unwrap_or(0.0);
            if got < *min {
                eprintln!("FAIL {name}: {metric} = {got:.4} < {min}");
                failed = true;
            }
        }
    }
    Ok(if failed { CHECKS_FAILED } else { OK })
}

fn parse_min(s: &str) -> Result<(MetricName, f64)> {
    let (m, v) = s
        .split_once('=')
        .ok_or_else(|| Error::invalid(format!("--min {s}: expected METRIC=VALUE")))?;
    let metric = m
        .parse::<MetricName>()
        .map_err(|e| Error::invalid(e.to_string()))?;
    let value = v
        .trim()
        .parse::<f64>()
        .map_err(|e| Error::invalid(format!("--min {s}: {e}")))?;
    Ok((metric, value))
}

/// The local embedder, or why there is none.
#[cfg(feature = "fastembed")]
fn local_embedder() -> std::result::Result<Arc<dyn Embedder>, String> {
    llmops::rag::embed::LocalEmbedder::from_env()
        .map(|e| Arc::new(e) as Arc<dyn Embedder>)
        .map_err(|e| e.to_string())
}

/// The local embedder, or why there is none.
#[cfg(not(feature = "fastembed"))]
fn local_embedder() -> std::result::Result<Arc<dyn Embedder>, String> {
    Err("this llmops was built without the `fastembed` feature (cargo install llmops --features cli,fastembed)".into())
}

fn to_json(o: &EvalOutcome, metrics: &[MetricName]) -> Value {
    let mut top = Map::new();
    for (name, report) in &o.reports {
        let mut m = Map::new();
        for metric in metrics {
            m.insert(
                metric.to_string(),
                json!(report.mean(*metric).unwrap_or(0.0)),
            );
        }
        top.insert(name.clone(), Value::Object(m));
    }
    top.insert("skipped".into(), json!(o.skipped));
    Value::Object(top)
}

fn print_table(o: &EvalOutcome, metrics: &[MetricName]) {
    let names: Vec<String> = metrics.iter().map(MetricName::to_string).collect();
    print!("{:<18}", "retriever");
    for n in &names {
        print!("{n:>12}");
    }
    println!();
    for (name, report) in &o.reports {
        print!("{name:<18}");
        for m in metrics {
            print!("{:>12.4}", report.mean(*m).unwrap_or(0.0));
        }
        println!();
    }
    for (name, why) in &o.skipped {
        println!("{name:<18}skipped: {why}");
    }
    println!(
        "({} documents, {} chunks by {}, {} queries)",
        o.documents, o.chunks, o.chunker, o.queries
    );
}
