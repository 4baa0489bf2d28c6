//! `llmops eval run | gate | report | import`: the CI step of a prompt pull request.
//!
//! - `run SUITE` runs a suite against its model (or scores recorded outputs with `--outputs`),
//!   writes `report.json`, `summary.md`, `junit.xml` and `report.html` to `--out`, and exits
//!   100 when a case failed or errored.
//! - `gate CANDIDATE.json` compares a run with a baseline run under a policy; exit 100 when a
//!   check failed.
//! - `report REPORT.json --format F` renders one format of a written run.
//! - `import --log FILE --out CASES.jsonl` turns logged exchanges (and feedback) into cases.
//!
//! Exit codes: 0 = ok, 100 = checks failed, 1 = usage or tool error (a malformed suite, names
//! its file and line, and nothing runs; an interrupted run, whose partial report is written).

pub(crate) mod context;
mod verbs;

use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Subcommand};
use llmops::eval::report::{self, ReportFiles};
use llmops::eval::runner::{OutputCache, Runner};
use llmops::eval::targets::ClientTarget;
use llmops::eval::{Dataset, Registry, RunReport, Status, Target};
use llmops::{Error, Result};
use serde_json::json;

use crate::config::Config;
use crate::{CHECKS_FAILED, ERROR, OK};

/// Arguments of `llmops eval`.
#[derive(Debug, Args)]
pub(crate) struct EvalArgs {
    #[command(subcommand)]
    command: EvalCommand,
}

#[derive(Debug, Subcommand)]
enum EvalCommand {
    /// Run a suite and write its reports; exit 100 when a case failed or errored.
    Run(RunArgs),
    /// Gate a run against a baseline run under a policy; exit 100 when a check failed.
    Gate(verbs::GateArgs),
    /// Render one format of a written run (report.json).
    Report(verbs::ReportArgs),
    /// Turn logged exchanges and their feedback into dataset cases (JSONL).
    #[cfg(feature = "trace")]
    Import(verbs::ImportArgs),
}

/// Arguments of `llmops eval run`.
#[derive(Debug, Args)]
pub(crate) struct RunArgs {
    /// The suite file (or any dataset file: .jsonl, .yaml, .csv, a promptfoo config).
    suite: PathBuf,
    /// Where the reports go.
    #[arg(long, value_name = "DIR", default_value = "eval-out")]
    out: PathBuf,
    /// Cases in flight at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Runs per case (default: the suite's `repeat`, else 1).
    #[arg(long)]
    repeat: Option<u32>,
    /// Seconds one target call may take (default: no limit).
    #[arg(long, value_name = "SECS")]
    timeout: Option<f64>,
    /// Retries of a target call after a retryable error.
    #[arg(long, default_value_t = 2)]
    retries: u32,
    /// The output cache (outputs and judge scores), so a rerun of an unchanged suite calls no
    /// model.
    #[arg(
        long,
        value_name = "DIR",
        default_value = ".llmops/eval-cache",
        conflicts_with = "no_cache"
    )]
    cache: PathBuf,
    /// Call the model for every case (no output cache).
    #[arg(long)]
    no_cache: bool,
    /// Score recorded outputs instead of calling a model: JSONL of `{"id": .., "output": ..}`
    /// (`output` a string or an EvalOutput object).
    #[arg(long, value_name = "FILE.jsonl")]
    outputs: Option<PathBuf>,
    /// The target model (default: the suite's `model`, else `default_model` of llmops.toml;
    /// with --prompt, the prompt version's own model first).
    #[arg(short, long)]
    model: Option<String>,
    /// Run a version of the prompt registry (`name`, `name@label`, `name/3`) instead of the
    /// suite's `prompt:`: each case's `vars` render it strictly through the prompt stage, and
    /// the run (and its eval record) is named `name/version`, what `llmops prompt promote
    /// --record` checks.
    #[cfg(feature = "prompts")]
    #[arg(long, value_name = "REF", conflicts_with = "outputs")]
    prompt: Option<String>,
    /// The prompt directory of --prompt (default: `prompts` in llmops.toml, else ./prompts).
    #[cfg(feature = "prompts")]
    #[arg(long, value_name = "DIR", requires = "prompt")]
    prompts: Option<PathBuf>,
    /// The judge of model-graded assertions (default: the suite's `judge`).
    #[arg(long, value_name = "MODEL")]
    judge: Option<String>,
    /// The embedder of similarity assertions (default: the suite's `embedder`): `hashing`,
    /// `hashing:DIMS`, or `PROVIDER/MODEL[@DIMS]` on an OpenAI-compatible provider.
    #[arg(long)]
    embedder: Option<String>,
    /// Only cases with this tag; repeatable (a case with any of them runs).
    #[arg(long = "filter-tag", value_name = "TAG")]
    filter_tag: Vec<String>,
    /// No progress bar (it is drawn only when stderr is a terminal anyway).
    #[arg(long)]
    no_progress: bool,
}

pub(crate) async fn run(args: EvalArgs, cfg: &Config, json: bool) -> Result<u8> {
    match args.command {
        EvalCommand::Run(a) => run_suite(a, cfg, json).await,
        EvalCommand::Gate(a) => verbs::gate(a, json),
        EvalCommand::Report(a) => verbs::report(a),
        #[cfg(feature = "trace")]
        EvalCommand::Import(a) => verbs::import(a, cfg, json),
    }
}

async fn run_suite(a: RunArgs, cfg: &Config, json: bool) -> Result<u8> {
    if a.concurrency == 0 {
        return Err(Error::invalid("--concurrency must be at least 1"));
    }
    if a.repeat == Some(0) {
        return Err(Error::invalid("--repeat must be at least 1"));
    }
    let timeout = match a.timeout {
        None => None,
        Some(s) if s.is_finite() && s > 0.0 => Some(Duration::from_secs_f64(s)),
        Some(s) => {
            return Err(Error::invalid(format!(
                "--timeout must be a positive number of seconds, got {s}"
            )));
        }
    };
    let spec = context::load_spec(&a.suite)?;
    let dataset = filter(spec.dataset.clone(), &a.filter_tag)?;
    let judge_model = a.judge.clone().or_else(|| spec.judge_model.clone());
    let embedder = a.embedder.clone().or_else(|| spec.embedder.clone());
    let target_model = a
        .model
        .clone()
        .or_else(|| spec.model.clone())
        .or_else(|| cfg.default_model.clone());

    // the client only when something calls a model: recorded outputs with deterministic
    // assertions need no provider
    let client = context::client(cfg);
    let built = context::build_context(
        cfg,
        &client,
        judge_model.as_deref(),
        embedder.as_deref(),
        target_model.as_deref(),
    );
    let registry = Registry::builtin(built.cx);
    context::precompile(&registry, &dataset, &built.unavailable)?;

    #[cfg(feature = "prompts")]
    let registry_target = match &a.prompt {
        Some(reference) => Some(prompt_target(&a, reference, &spec, cfg)?),
        None => None,
    };
    #[cfg(not(feature = "prompts"))]
    let registry_target: Option<ClientTarget> = None;
    let target: Box<dyn Target> = match &a.outputs {
        Some(path) => Box::new(context::static_outputs(path, &spec.dataset)?),
        None if registry_target.is_some() => match registry_target {
            Some(t) => Box::new(t),
            None => return Err(Error::config("the prompt target is missing")),
        },
        None => {
            let model = target_model.ok_or_else(|| {
                Error::invalid(
                    "no model to run: set `model:` in the suite, pass --model, set default_model in llmops.toml, or score recorded outputs with --outputs",
                )
            })?;
            let client = client?;
            let mut t = ClientTarget::new(client, model.clone());
            for m in &spec.prompt {
                t = t.message(m.role, m.content.clone()).map_err(Error::from)?;
            }
            if !spec.prompt.is_empty() {
                // the prompt is part of what decides an output: a changed prompt misses the cache
                let parts: Vec<&str> = spec
                    .prompt
                    .iter()
                    .flat_map(|m| [m.role.as_str(), m.content.as_str()])
                    .collect();
                t = t.id(format!("{model}#{}", context::short_hash(&parts)));
            }
            Box::new(t)
        }
    };

    let mut runner = Runner::new(registry)
        .concurrency(a.concurrency)
        .retries(a.retries)
        .repeat(a.repeat.unwrap_or(spec.repeat))
        .progress(!a.no_progress && !json);
    if let Some(t) = timeout {
        runner = runner.timeout(t);
    }
    // recorded outputs are already on disk: caching them again would only serve stale ones
    if !a.no_cache && a.outputs.is_none() {
        // a judge score's key holds the judge model (Runner keys the score cache on it); one
        // directory per judge also keeps each judge's entries apart on disk
        let dir = match &judge_model {
            Some(j) => a
                .cache
                .join(format!("judge-{}", context::short_hash(&[j.as_str()]))),
            None => a.cache.join("no-judge"),
        };
        let cache = OutputCache::open(&dir)
            .map_err(Error::from)?
            .with_scores(true);
        runner = runner.cache(cache);
    }
    let mut report = runner
        .run_until(&dataset, target.as_ref(), async {
            // a failure to install the handler must not end the run
            if tokio::signal::ctrl_c().await.is_err() {
                std::future::pending::<()>().await;
            }
        })
        .await
        .map_err(Error::from)?;
    report
        .metadata
        .insert("suite_file".into(), json!(a.suite.display().to_string()));
    if let Some(j) = &judge_model {
        report.metadata.insert("judge".into(), json!(j));
    }
    let files = report::write_all(&report, &a.out).map_err(Error::from)?;
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&summary_json(&report, &files))?
        );
    } else {
        print_summary(&report, &files);
    }
    if !report.complete {
        eprintln!(
            "interrupted: {} of {} cases finished; the partial report is in {}",
            report.cases.len(),
            dataset.len(),
            a.out.display()
        );
        return Ok(ERROR);
    }
    let bad = report.cases.iter().any(|c| c.status != Status::Pass);
    Ok(if bad { CHECKS_FAILED } else { OK })
}

/// The cases carrying one of `tags` (all of them without tags).
fn filter(ds: Dataset, tags: &[String]) -> Result<Dataset> {
    if tags.is_empty() {
        return Ok(ds);
    }
    let cases: Vec<_> = ds
        .cases
        .into_iter()
        .filter(|c| c.eval.tags.iter().any(|t| tags.contains(t)))
        .collect();
    if cases.is_empty() {
        return Err(Error::invalid(format!(
            "no case of suite `{}` has tag {}",
            ds.name,
            tags.join(" or ")
        )));
    }
    Dataset::new(ds.name, cases).map_err(Error::from)
}

fn summary_json(r: &RunReport, files: &ReportFiles) -> serde_json::Value {
    let failures: Vec<_> = r
        .cases
        .iter()
        .filter(|c| c.status != Status::Pass)
        .map(|c| {
            json!({
                "id": c.id,
                "status": c.status,
                "score": c.score,
                "reason": report::case_reason(c),
                "source": c.source,
            })
        })
        .collect();
    json!({
        "suite": r.suite,
        "target": r.target,
        "complete": r.complete,
        "totals": r.totals,
        "target_cost": r.target_cost,
        "eval_cost": r.eval_cost,
        "failures": failures,
        "files": {
            "json": files.json,
            "markdown": files.markdown,
            "junit": files.junit,
            "html": files.html,
        },
    })
}

fn print_summary(r: &RunReport, files: &ReportFiles) {
    let t = &r.totals;
    println!(
        "suite {} · target {} · {:.1} s{}",
        r.suite,
        r.target,
        r.duration.as_secs_f64(),
        if r.complete { "" } else { " · INCOMPLETE" }
    );
    let bad: Vec<_> = r
        .cases
        .iter()
        .filter(|c| c.status != Status::Pass)
        .collect();
    if !bad.is_empty() {
        let width = bad
            .iter()
            .map(|c| c.id.len())
            .max()
            .unwrap_or(4)
            .clamp(4, 40);
        println!();
        println!("{:<width$}  {:<6} {:>6}  reason", "case", "status", "score");
        for c in &bad {
            let status = match c.status {
                Status::Pass => "pass",
                Status::Fail => "FAIL",
                Status::Error => "ERROR",
            };
            let reason: String = report::case_reason(c)
                .replace('\n', " ")
                .chars()
                .take(120)
                .collect();
            println!("{:<width$}  {status:<6} {:>6.3}  {reason}", c.id, c.score);
        }
    }
    if !t.metrics.is_empty() {
        println!();
        println!("{:<30} {:>8}", "metric", "mean");
        for (m, v) in &t.metrics {
            println!("{m:<30} {v:>8.3}");
        }
    }
    println!();
    println!(
        "{} cases: {} passed, {} failed, {} errored · pass rate {:.1}% · mean score {:.3}",
        t.cases,
        t.passed,
        t.failed,
        t.errored,
        t.pass_rate * 100.0,
        t.score
    );
    println!(
        "cost: target {} · judge {}",
        cost(&r.target_cost),
        cost(&r.eval_cost)
    );
    println!(
        "reports: {} {} {} {}",
        files.json.display(),
        files.markdown.display(),
        files.junit.display(),
        files.html.display()
    );
}

fn cost(c: &llmops::Cost) -> String {
    match c.known() {
        Some(m) => m.to_string(),
        None => "unknown".into(),
    }
}

/// The target of `eval run --prompt REF`: a client with the prompt stage over the registry,
/// sending the resolved `name/version` with each case's vars; named `name/version`.
#[cfg(feature = "prompts")]
fn prompt_target(
    a: &RunArgs,
    reference: &str,
    spec: &context::Spec,
    cfg: &Config,
) -> Result<ClientTarget> {
    use llmops::prompts::{PromptRegistry, PromptStore};
    let dir = a
        .prompts
        .clone()
        .or_else(|| cfg.prompts.clone())
        .unwrap_or_else(|| PathBuf::from("prompts"));
    if !dir.is_dir() {
        return Err(Error::config(format!(
            "no prompt directory at {}: pass --prompts DIR or set `prompts = \"DIR\"` in llmops.toml",
            dir.display()
        )));
    }
    let resolved = PromptRegistry::load(&dir)?.resolve(reference)?;
    let id = format!("{}/{}", resolved.name, resolved.version);
    let model = match (&a.model, &resolved.file.model) {
        (Some(m), _) => m.clone(),
        // empty: the version's own model (ChatRequest::from_prompt)
        (None, Some(_)) => String::new(),
        (None, None) => spec
            .model
            .clone()
            .or_else(|| cfg.default_model.clone())
            .ok_or_else(|| {
                Error::invalid(format!(
                    "prompt `{id}` names no model: pass --model, set `model:` in the suite or default_model in llmops.toml"
                ))
            })?,
    };
    let client = cfg
        .builder("to run the prompt with")?
        .prompts(PromptStore::open(&dir)?)
        .build()?;
    Ok(ClientTarget::new(client, model).prompt(id.clone()).id(id))
}
