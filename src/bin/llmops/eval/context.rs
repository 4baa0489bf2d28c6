//! What `llmops eval run` builds before anything runs: the suite, the client of llmops.toml,
//! the judge, the embedder, the token counter, and recorded outputs.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use llmops::eval::assertion::compile_dataset;
use llmops::eval::dataset::{self, MessageTemplate, Suite};
use llmops::eval::targets::StaticOutputs;
use llmops::eval::{BuildContext, Dataset, Registry};
use llmops::{Client, Embedder, Error, EvalOutput, HashingEmbedder, OpenAi, Result};
use serde::Deserialize;

use crate::config::Config;

/// What a run needs from the suite file.
#[derive(Debug)]
pub(crate) struct Spec {
    pub(crate) dataset: Dataset,
    pub(crate) prompt: Vec<MessageTemplate>,
    pub(crate) model: Option<String>,
    pub(crate) judge_model: Option<String>,
    pub(crate) embedder: Option<String>,
    pub(crate) repeat: u32,
}

/// Loads a suite file, or any dataset file (then without prompt, model, judge or embedder).
/// A malformed file is an error naming its file and line.
pub(crate) fn load_spec(path: &Path) -> Result<Spec> {
    if !path.is_file() {
        return Err(Error::invalid(format!(
            "no suite file at {}",
            path.display()
        )));
    }
    // every format (and every error's file:line) is the dataset loader's
    let dataset = dataset::load(path).map_err(Error::from)?;
    let yaml = path
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
    // a mapping that is not a promptfoo config is a suite: read what the run needs from it
    if yaml && let Ok(s) = Suite::load(path) {
        return Ok(Spec {
            dataset: s.dataset,
            prompt: s.prompt,
            model: s.model,
            judge_model: s.judge_model,
            embedder: s.embedder,
            repeat: s.repeat,
        });
    }
    Ok(Spec {
        dataset,
        prompt: Vec::new(),
        model: None,
        judge_model: None,
        embedder: None,
        repeat: 1,
    })
}

/// A client over the providers of llmops.toml, or the environment's.
pub(crate) fn client(cfg: &Config) -> Result<Client> {
    cfg.client("to run the suite with")
}

/// The build context, and why a judge or an embedder is missing (said only when an
/// assertion needs it).
pub(crate) struct Built {
    pub(crate) cx: BuildContext,
    /// `("judge" | "embedder", why)`.
    pub(crate) unavailable: Vec<(&'static str, String)>,
}

pub(crate) fn build_context(
    cfg: &Config,
    client: &Result<Client>,
    judge: Option<&str>,
    embedder: Option<&str>,
    model: Option<&str>,
) -> Built {
    let mut cx = BuildContext::new();
    let mut unavailable = Vec::new();
    match (judge, client) {
        (Some(j), Ok(c)) => cx = cx.judge(c.clone(), j),
        (Some(j), Err(e)) => {
            unavailable.push(("judge", format!("the judge `{j}` has no client: {e}")))
        }
        (None, _) => unavailable.push((
            "judge",
            "name one with `judge:` in the suite or --judge".to_owned(),
        )),
    }
    match embedder.map(|spec| (spec, make_embedder(cfg, spec))) {
        Some((_, Ok(e))) => cx = cx.embedder(e),
        Some((spec, Err(why))) => {
            unavailable.push((
                "embedder",
                format!("the embedder `{spec}` is unavailable: {why}"),
            ));
        }
        None => unavailable.push((
            "embedder",
            "name one with `embedder:` in the suite or --embedder".to_owned(),
        )),
    }
    #[cfg(feature = "tokens")]
    {
        let m = model.unwrap_or("gpt-4o");
        cx = cx.tokens(Arc::new(llmops::Tiktoken::for_model(m)));
    }
    #[cfg(not(feature = "tokens"))]
    let _ = model;
    Built { cx, unavailable }
}

/// `hashing`, `hashing:DIMS`, or `PROVIDER/MODEL[@DIMS]` on an OpenAI-compatible provider of
/// llmops.toml (or `openai/..` from the environment).
fn make_embedder(cfg: &Config, spec: &str) -> std::result::Result<Arc<dyn Embedder>, String> {
    let spec = spec.trim();
    if spec == "hashing" {
        return Ok(Arc::new(HashingEmbedder::new(256)));
    }
    if let Some(d) = spec.strip_prefix("hashing:") {
        let dims: usize = d
            .parse()
            .map_err(|_| format!("`hashing:{d}`: the dimensions must be a whole number"))?;
        return Ok(Arc::new(HashingEmbedder::new(dims)));
    }
    let Some((provider, rest)) = spec.split_once('/') else {
        return Err("expected `hashing`, `hashing:DIMS` or `PROVIDER/MODEL[@DIMS]`".into());
    };
    let (model, dims) = match rest.rsplit_once('@') {
        Some((m, d)) => (
            m,
            Some(
                d.parse::<usize>()
                    .map_err(|_| format!("`@{d}`: the dimensions must be a whole number"))?,
            ),
        ),
        None => (rest, None),
    };
    let openai = match cfg.openai_provider(provider).map_err(|e| e.to_string())? {
        Some(o) => o,
        None if provider == "openai" && !cfg.has_providers() => {
            OpenAi::from_env().map_err(|e| e.to_string())?
        }
        None => {
            return Err(format!(
                "llmops.toml has no OpenAI-compatible provider `{provider}`"
            ));
        }
    };
    let mut e = openai.embedder(model);
    if let Some(n) = dims {
        e = e.with_dims(n);
    }
    if e.dims() == 0 {
        return Err(format!(
            "the dimensions of `{model}` are unknown: write `{provider}/{model}@DIMS`"
        ));
    }
    Ok(Arc::new(e))
}

/// Compiles every assertion now, so a missing judge or embedder is reported with why it is
/// missing (and the case's file and line) before anything runs.
pub(crate) fn precompile(
    registry: &Registry,
    ds: &Dataset,
    unavailable: &[(&'static str, String)],
) -> Result<()> {
    let Err(e) = compile_dataset(registry, ds) else {
        return Ok(());
    };
    let msg = e.to_string();
    let need = if msg.contains("needs a judge") {
        Some("judge")
    } else if msg.contains("needs an embedder") {
        Some("embedder")
    } else {
        None
    };
    match need.and_then(|n| unavailable.iter().find(|(k, _)| *k == n)) {
        Some((_, why)) => Err(Error::config(format!("{msg}; {why}"))),
        None => Err(Error::from(e)),
    }
}

/// A short hash of `parts`, stable across runs and Rust versions (FNV-1a): part of the target
/// id (the prompt) and of the cache directory (the judge).
pub(crate) fn short_hash(parts: &[&str]) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for p in parts {
        // the length first, so `ab` + `c` and `a` + `bc` differ
        for b in (p.len() as u64).to_le_bytes().iter().chain(p.as_bytes()) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{:08x}", h >> 32)
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct OutputLine {
    id: String,
    output: OutputValue,
}

#[derive(Deserialize)]
#[serde(untagged)]
enum OutputValue {
    Text(String),
    Full(Box<EvalOutput>),
}

/// Recorded outputs from JSONL (`{"id": .., "output": "text" | {EvalOutput}}`); a malformed
/// line, a repeated id or an id no case has is an error naming the line.
pub(crate) fn static_outputs(path: &Path, ds: &Dataset) -> Result<StaticOutputs> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::invalid(format!("--outputs {}: {e}", path.display())))?;
    let mut outputs = BTreeMap::new();
    for (i, line) in text.lines().enumerate() {
        let at = || format!("{}:{}", path.display(), i + 1);
        if line.trim().is_empty() {
            continue;
        }
        let l: OutputLine = serde_json::from_str(line).map_err(|e| {
            Error::invalid(format!(
                "{}: expected {{\"id\": .., \"output\": ..}}: {e}",
                at()
            ))
        })?;
        if !ds.cases.iter().any(|c| c.eval.id == l.id) {
            return Err(Error::invalid(format!(
                "{}: no case `{}` in suite `{}`",
                at(),
                l.id,
                ds.name
            )));
        }
        let out = match l.output {
            OutputValue::Text(t) => EvalOutput::text(t),
            OutputValue::Full(o) => *o,
        };
        if outputs.insert(l.id.clone(), out).is_some() {
            return Err(Error::invalid(format!(
                "{}: a second output for case `{}`",
                at(),
                l.id
            )));
        }
    }
    let name = path.file_name().map_or_else(
        || "outputs".to_owned(),
        |n| n.to_string_lossy().into_owned(),
    );
    Ok(StaticOutputs::from_map(format!("outputs:{name}"), outputs))
}
