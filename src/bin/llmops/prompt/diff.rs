//! `llmops prompt diff A B`: a unified text diff of two versions' templates (per message,
//! role shown) and parameters (model, config, input schema, tools, template format).

use clap::Args;
use llmops::Result;
use llmops::prompts::{PromptRegistry, ResolvedPrompt};
use serde_json::{Value, json};
use similar::TextDiff;

use super::show::params_json;
use super::{print_json, prompt_err};
use crate::OK;

/// Arguments of `llmops prompt diff`.
#[derive(Debug, Args)]
pub(crate) struct DiffArgs {
    /// The old side: `name`, `name@label` or `name/3`.
    a: String,
    /// The new side.
    b: String,
    /// Lines of context around each change.
    #[arg(long, default_value_t = 3)]
    context: usize,
}

/// One compared part of a version: its title and its text.
struct Section {
    title: String,
    text: String,
}

/// The parts of a version, in order: each message (`[role]` then the template), then the
/// parameters as pretty JSON.
fn sections(p: &ResolvedPrompt) -> Vec<Section> {
    let mut out: Vec<Section> = p
        .file
        .messages
        .iter()
        .enumerate()
        .map(|(i, m)| Section {
            title: format!("message {}", i + 1),
            text: format!("[{}]\n{}\n", m.role().as_str(), m.source()),
        })
        .collect();
    let params = serde_json::to_string_pretty(&params_json(&p.file)).unwrap_or_default();
    out.push(Section {
        title: "parameters".to_owned(),
        text: format!("{params}\n"),
    });
    out
}

/// The unified diffs of the sections that differ: `(section title, diff text)`.
fn diffs(a: &ResolvedPrompt, b: &ResolvedPrompt, context: usize) -> Vec<(String, String)> {
    let label = |p: &ResolvedPrompt| format!("{}/{}", p.name, p.version);
    let (la, lb) = (label(a), label(b));
    let (mut sa, mut sb) = (sections(a), sections(b));
    // messages pair by position; the parameters (always last) pair with each other
    let pa = sa.pop();
    let pb = sb.pop();
    let n = sa.len().max(sb.len());
    let mut pairs: Vec<(Option<Section>, Option<Section>)> = Vec::new();
    let mut ia = sa.into_iter();
    let mut ib = sb.into_iter();
    for _ in 0..n {
        pairs.push((ia.next(), ib.next()));
    }
    pairs.push((pa, pb));
    let mut out = Vec::new();
    for (x, y) in pairs {
        let title = x
            .as_ref()
            .or(y.as_ref())
            .map(|s| s.title.clone())
            .unwrap_or_default();
        let tx = x.map(|s| s.text).unwrap_or_default();
        let ty = y.map(|s| s.text).unwrap_or_default();
        if tx == ty {
            continue;
        }
        let diff = TextDiff::from_lines(&tx, &ty);
        let text = diff
            .unified_diff()
            .context_radius(context)
            .header(&format!("{la} {title}"), &format!("{lb} {title}"))
            .to_string();
        out.push((title, text));
    }
    out
}

/// `llmops prompt diff`: exit 0 whether or not the versions differ.
pub(super) fn diff(reg: &PromptRegistry, a: DiffArgs, json: bool) -> Result<u8> {
    let pa = reg.resolve(&a.a).map_err(prompt_err)?;
    let pb = reg.resolve(&a.b).map_err(prompt_err)?;
    let found = diffs(&pa, &pb, a.context);
    let side = |p: &ResolvedPrompt, r: &str| json!({"reference": r, "name": p.name, "version": p.version, "hash": p.hash});
    if json {
        let sections: Vec<Value> = found
            .iter()
            .map(|(s, d)| json!({"section": s, "diff": d}))
            .collect();
        print_json(&json!({
            "a": side(&pa, &a.a),
            "b": side(&pb, &a.b),
            "identical": found.is_empty(),
            "sections": sections,
        }))?;
        return Ok(OK);
    }
    if found.is_empty() {
        println!(
            "identical: {}/{} and {}/{} have the same templates and parameters",
            pa.name, pa.version, pb.name, pb.version
        );
        return Ok(OK);
    }
    for (_, d) in &found {
        print!("{d}");
        if !d.ends_with('\n') {
            println!();
        }
    }
    Ok(OK)
}
