//! `llmops prompt compare A B --suite S`: the A/B comparison a prompt pull request needs. The
//! suite runs once per version, through a client with the prompt stage installed (each case's
//! vars render the version strictly), then the two runs are printed side by side and B is
//! gated against A by the eval gate (`llmops eval gate`'s code and policy format).

use std::path::{Path, PathBuf};

use clap::Args;
use llmops::eval::gate::{self, GateOutcome, GatePolicy};
use llmops::eval::report;
use llmops::eval::runner::Runner;
use llmops::eval::stats::mean_interval;
use llmops::eval::targets::ClientTarget;
use llmops::eval::{Registry, RunReport, Status};
use llmops::prompts::{PromptStore, ResolvedPrompt};
use llmops::{Error, Result};
use serde_json::{Value, json};

use super::{load, print_json, prompt_err};
use crate::config::Config;
use crate::eval::context::{self, Spec};
use crate::{CHECKS_FAILED, ERROR, OK};

/// Arguments of `llmops prompt compare`.
#[derive(Debug, Args)]
pub(crate) struct CompareArgs {
    /// The baseline version (`name`, `name@label`, `name/3`).
    a: String,
    /// The candidate version, gated against A.
    b: String,
    /// The eval suite (the files `llmops eval run` reads); each case's vars render the
    /// versions, so the suite's own `prompt:` is not used.
    #[arg(long, value_name = "FILE")]
    suite: PathBuf,
    /// The model both versions run on (default: each version's `model`, else the suite's,
    /// else `default_model` of llmops.toml).
    #[arg(short, long)]
    model: Option<String>,
    /// The judge of model-graded assertions (default: the suite's `judge`).
    #[arg(long, value_name = "MODEL")]
    judge: Option<String>,
    /// The embedder of similarity assertions (default: the suite's `embedder`).
    #[arg(long)]
    embedder: Option<String>,
    /// The gate policy (YAML, JSON or TOML, as `llmops eval gate --policy` reads; default: an
    /// empty policy, whose checks are errors, completeness and at least one case).
    #[arg(long, value_name = "FILE")]
    policy: Option<PathBuf>,
    /// Also write both runs' reports to `DIR/<name>-<version>/` (report.json, summary.md,
    /// junit.xml, report.html).
    #[arg(long, alias = "outputs-dir", value_name = "DIR")]
    out: Option<PathBuf>,
    /// Cases in flight at once.
    #[arg(long, default_value_t = 4)]
    concurrency: usize,
    /// Runs per case (default: the suite's `repeat`, else 1).
    #[arg(long)]
    repeat: Option<u32>,
    /// Retries of a call after a retryable error.
    #[arg(long, default_value_t = 2)]
    retries: u32,
    /// No progress bar.
    #[arg(long)]
    no_progress: bool,
}

/// `llmops prompt compare`: exit 0 when B passes the gate against A, 100 when it does not,
/// 1 when a run could not be made or was incomplete.
pub(super) async fn compare(dir: &Path, cfg: &Config, a: CompareArgs, json: bool) -> Result<u8> {
    if a.concurrency == 0 {
        return Err(Error::invalid("--concurrency must be at least 1"));
    }
    if a.repeat == Some(0) {
        return Err(Error::invalid("--repeat must be at least 1"));
    }
    let reg = load(dir)?;
    let pa = reg.resolve(&a.a).map_err(prompt_err)?;
    let pb = reg.resolve(&a.b).map_err(prompt_err)?;
    let spec = context::load_spec(&a.suite)?;
    let policy = match &a.policy {
        Some(p) => GatePolicy::load(p).map_err(Error::from)?,
        None => GatePolicy::default(),
    };
    let model_a = model_for(&pa, &a, &spec, cfg)?;
    let model_b = model_for(&pb, &a, &spec, cfg)?;

    let store = PromptStore::open(dir).map_err(prompt_err)?;
    let client = cfg
        .builder("to run the suite with")
        .and_then(|b| b.prompts(store).build());
    let judge = a.judge.clone().or_else(|| spec.judge_model.clone());
    let embedder = a.embedder.clone().or_else(|| spec.embedder.clone());
    let tokens_model = [&pa, &pb]
        .iter()
        .find_map(|p| p.file.model.clone())
        .or_else(|| a.model.clone());
    let built = context::build_context(
        cfg,
        &client,
        judge.as_deref(),
        embedder.as_deref(),
        tokens_model.as_deref(),
    );
    let registry = Registry::builtin(built.cx);
    context::precompile(&registry, &spec.dataset, &built.unavailable)?;
    let client = client?;
    let runner = Runner::new(registry)
        .concurrency(a.concurrency)
        .retries(a.retries)
        .repeat(a.repeat.unwrap_or(spec.repeat))
        .progress(!a.no_progress && !json);

    let mut reports = Vec::with_capacity(2);
    for (p, model) in [(&pa, model_a), (&pb, model_b)] {
        let id = format!("{}/{}", p.name, p.version);
        let target = ClientTarget::new(client.clone(), model)
            .prompt(id.clone())
            .id(id);
        let mut r = runner
            .run(&spec.dataset, &target)
            .await
            .map_err(Error::from)?;
        r.metadata
            .insert("suite_file".into(), json!(a.suite.display().to_string()));
        r.metadata.insert("prompt_hash".into(), json!(p.hash));
        if let Some(out) = &a.out {
            let d = out.join(format!("{}-{}", p.name, p.version));
            report::write_all(&r, &d).map_err(Error::from)?;
        }
        reports.push(r);
    }
    let (Some(ra), Some(rb)) = (reports.first(), reports.get(1)) else {
        return Err(Error::config("a run is missing"));
    };
    let outcome = gate::gate(rb, Some(ra), &policy).map_err(Error::from)?;
    if json {
        print_json(&to_json(ra, rb, &outcome)?)?;
    } else {
        print_text(ra, rb, &outcome);
    }
    if !ra.complete || !rb.complete {
        eprintln!("a run did not finish every case");
        return Ok(ERROR);
    }
    Ok(if outcome.passed() { OK } else { CHECKS_FAILED })
}

/// The model a version runs on: `--model`, else the version's own (left to the prompt
/// stage: an empty model), else the suite's, else `default_model`.
fn model_for(p: &ResolvedPrompt, a: &CompareArgs, spec: &Spec, cfg: &Config) -> Result<String> {
    if let Some(m) = &a.model {
        return Ok(m.clone());
    }
    if p.file.model.is_some() {
        return Ok(String::new());
    }
    spec.model
        .clone()
        .or_else(|| cfg.default_model.clone())
        .ok_or_else(|| {
            Error::invalid(format!(
                "prompt `{}` version {} names no model: pass --model, set `model:` in the suite or default_model in llmops.toml",
                p.name, p.version
            ))
        })
}

fn status(s: Status) -> &'static str {
    match s {
        Status::Pass => "pass",
        Status::Fail => "FAIL",
        Status::Error => "ERROR",
    }
}

/// Case ids of A in suite order, then those only B has.
fn case_ids<'a>(ra: &'a RunReport, rb: &'a RunReport) -> Vec<&'a str> {
    let mut ids: Vec<&str> = ra.cases.iter().map(|c| c.id.as_str()).collect();
    for c in &rb.cases {
        if !ids.contains(&c.id.as_str()) {
            ids.push(&c.id);
        }
    }
    ids
}

/// Mean case score with its 95% Student-t interval.
fn score_interval(r: &RunReport) -> Option<llmops::eval::Interval> {
    let scores: Vec<f64> = r.cases.iter().map(|c| c.score).collect();
    mean_interval(&scores, 0.95)
}

fn print_text(ra: &RunReport, rb: &RunReport, outcome: &GateOutcome) {
    println!("suite {} · A {} · B {}", ra.suite, ra.target, rb.target);
    println!();
    let ids = case_ids(ra, rb);
    let width = ids
        .iter()
        .map(|i| i.len())
        .max()
        .unwrap_or(0)
        .clamp("pass rate".len(), 40);
    let cell = |r: &RunReport, id: &str| {
        r.cases.iter().find(|c| c.id == id).map_or_else(
            || format!("{:<6} {:>6}", "-", "-"),
            |c| format!("{:<6} {:>6.3}", status(c.status), c.score),
        )
    };
    println!("{:<width$}  {:<13}  {:<13}", "case", "A", "B");
    for id in &ids {
        println!("{id:<width$}  {}  {}", cell(ra, id), cell(rb, id));
    }
    println!();
    let rate = |r: &RunReport| format!("{:.1}%", r.totals.pass_rate * 100.0);
    let score = |r: &RunReport| match score_interval(r) {
        Some(i) => format!("{:.3} [{:.3}, {:.3}]", i.mean, i.low, i.high),
        None => "-".to_owned(),
    };
    println!("{:<width$}  {:<22}  {:<22}", "", "A", "B");
    println!(
        "{:<width$}  {:<22}  {:<22}",
        "pass rate",
        rate(ra),
        rate(rb)
    );
    println!("{:<width$}  {:<22}  {:<22}", "score", score(ra), score(rb));
    println!();
    println!("gate: B against A");
    print!("{outcome}");
}

fn to_json(ra: &RunReport, rb: &RunReport, outcome: &GateOutcome) -> Result<Value> {
    let side = |r: &RunReport| -> Result<Value> {
        Ok(json!({
            "target": r.target,
            "prompt_hash": r.metadata.get("prompt_hash"),
            "complete": r.complete,
            "totals": serde_json::to_value(&r.totals)?,
            "score_interval": serde_json::to_value(score_interval(r))?,
        }))
    };
    let case = |r: &RunReport, id: &str| {
        r.cases.iter().find(|c| c.id == id).map(
            |c| json!({"status": c.status, "score": c.score, "reason": report::case_reason(c)}),
        )
    };
    let cases: Vec<Value> = case_ids(ra, rb)
        .into_iter()
        .map(|id| json!({"id": id, "a": case(ra, id), "b": case(rb, id)}))
        .collect();
    let gate: Value = serde_json::from_str(&outcome.to_json().map_err(Error::from)?)?;
    Ok(json!({
        "suite": ra.suite,
        "a": side(ra)?,
        "b": side(rb)?,
        "cases": cases,
        "passed": outcome.passed(),
        "gate": gate,
    }))
}
