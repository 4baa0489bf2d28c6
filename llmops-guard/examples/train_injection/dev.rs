//! The dev check (`--dev`: labelled texts that are never trained on and never set a
//! threshold, scored by the final model), the probe lines (`--probe`: one probability per
//! text) and `--score-only` (an existing model file, e.g. the bundled weights, measured on
//! the same texts at its own thresholds).

use std::collections::BTreeMap;
use std::path::Path;

use llmops_guard::learned::{LearnedModel, Stack};

use super::capped::{self, Cap};
use super::report::{report, report_langs};
use super::{Doc, Opts, Thresholds, logit, sigmoid};

/// The learned probability of every text under `model` (its own count cap). With a
/// `--cap-renorm` cap, as [`capped::score`] computes it.
pub(super) fn learned(docs: &[Doc], model: &LearnedModel, cap: Option<Cap>) -> Vec<f32> {
    docs.iter()
        .map(|d| match cap {
            Some(c) if c.renorm => capped::score(model, &d.text, d.signals, c),
            _ => model.score_prepared(&d.text, d.signals).probability,
        })
        .collect()
}

/// One row per (label, family) and per (label, language) of the dev texts: learned alone,
/// rules alone, learned OR rules and, when the model has a stacker, stacked.
pub(super) fn report_dev(
    dev: &[Doc],
    model: &LearnedModel,
    t: &Thresholds,
    st_t: &Thresholds,
    cap: Option<Cap>,
) {
    if dev.is_empty() {
        return;
    }
    let p = learned(dev, model, cap);
    let stack = model.stack();
    let stacked: Vec<f32> = dev
        .iter()
        .zip(&p)
        .map(|(d, &s)| sigmoid(stack.logit(logit(s), &d.rules)))
        .collect();
    // rows keyed by label, then "family:<f>" / "kind:<k>" / "lang:<l>"
    let mut by: BTreeMap<(bool, String), [usize; 5]> = BTreeMap::new();
    for (k, d) in dev.iter().enumerate() {
        let th = if d.indirect { t.indirect } else { t.user };
        let sth = if d.indirect { st_t.indirect } else { st_t.user };
        let l = p[k] >= th;
        let s = !stack.is_empty() && stacked[k] >= sth;
        let kind = if d.indirect { "retrieved" } else { "message" };
        for key in [
            "all".to_owned(),
            format!("family {}", d.family),
            format!("as {kind}"),
            format!("lang {}", d.lang),
        ] {
            let e = by.entry((d.label, key)).or_default();
            e[0] += 1;
            e[1] += usize::from(l);
            e[2] += usize::from(d.rules_hit);
            e[3] += usize::from(l || d.rules_hit);
            e[4] += usize::from(s);
        }
    }
    println!("\n## dev check (--dev: never trained on; final model at the chosen thresholds)\n");
    println!("| label | rows | n | learned | rules | learned OR rules | stacked |");
    println!("|---|---|---:|---:|---:|---:|---:|");
    for ((label, key), [n, l, r, o, s]) in &by {
        let pct = |x: usize| x as f64 * 100.0 / (*n).max(1) as f64;
        println!(
            "| {} | {key} | {n} | {:.1}% | {:.1}% | {:.1}% | {} |",
            if *label { "attack" } else { "benign" },
            pct(*l),
            pct(*r),
            pct(*o),
            if stack.is_empty() {
                "-".to_owned()
            } else {
                format!("{:.1}%", pct(*s))
            }
        );
    }
    margins(dev, &p);
}

/// Benign dev texts per family, apart from any threshold: the median and 90th percentile of
/// the learned probability (a document's highest window) and the share at or above 0.5 /
/// 0.9 / 0.99, so that two models with different thresholds can be compared on how far
/// ordinary documents stay from firing.
fn margins(dev: &[Doc], p: &[f32]) {
    let mut by: BTreeMap<&str, Vec<f32>> = BTreeMap::new();
    for (d, &s) in dev.iter().zip(p) {
        if !d.label {
            by.entry(d.family.as_str()).or_default().push(s);
        }
    }
    println!("\n### dev benign: learned probability per document (no threshold)\n");
    println!("| family | n | median | p90 | >= 0.5 | >= 0.9 | >= 0.99 |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (family, mut v) in by {
        v.sort_by(f32::total_cmp);
        let at = |q: f64| {
            let i = ((v.len() - 1) as f64 * q).round() as usize;
            v.get(i).copied().unwrap_or(f32::NAN)
        };
        let share = |t: f32| v.iter().filter(|&&x| x >= t).count() as f64 * 100.0 / v.len() as f64;
        println!(
            "| {family} | {} | {:.3} | {:.3} | {:.1}% | {:.1}% | {:.1}% |",
            v.len(),
            at(0.5),
            at(0.9),
            share(0.5),
            share(0.9),
            share(0.99)
        );
    }
}

/// Prints the learned probability of every probe text and whether it is flagged as a user
/// message and as retrieved text.
pub(super) fn probe(
    files: &[impl AsRef<Path>],
    model: &LearnedModel,
    t: &Thresholds,
) -> Result<(), Box<dyn std::error::Error>> {
    for f in files {
        println!("\n## probe {}\n", f.as_ref().display());
        println!("| # | probability | as message | as retrieved | text |");
        println!("|---:|---:|---|---|---|");
        let text = std::fs::read_to_string(f)?;
        for (n, line) in text.lines().filter(|l| !l.trim().is_empty()).enumerate() {
            let v: serde_json::Value = serde_json::from_str(line)?;
            let s = v.get("text").and_then(|s| s.as_str()).unwrap_or("");
            let p = model.score(s).probability;
            let head: String = s.chars().take(48).collect();
            let flag = |th: f32| if p >= th { "flagged" } else { "-" };
            println!(
                "| {} | {p:.3} | {} | {} | {:?} |",
                n + 1,
                flag(t.user),
                flag(t.indirect),
                head
            );
        }
    }
    Ok(())
}

/// `--score-only MODEL`: the model file's own thresholds on every train text (in sample for
/// whatever it was trained on: a reference, not an estimate), the dev texts and the probes.
pub(super) fn score_only(
    path: &Path,
    docs: &[Doc],
    dev: &[Doc],
    explain: &[Doc],
    o: &Opts,
) -> Result<(), Box<dyn std::error::Error>> {
    let mut model = LearnedModel::from_bytes(&std::fs::read(path)?)?;
    if o.cap() > 0 {
        // the file's weights, scored with this cap (its thresholds as they are)
        model = model.with_count_cap(o.cap())?;
    }
    let t = Thresholds {
        user: model.threshold(),
        indirect: model.indirect_threshold(),
    };
    let st_t = Thresholds {
        user: model
            .stacked_threshold_for(llmops_core::TextSource::Message(llmops_core::Role::User)),
        indirect: model.stacked_threshold_for(llmops_core::TextSource::Retrieved),
    };
    println!(
        "score only: {} (thresholds user {:.4} / retrieved {:.4}, stacker: {}, count cap: {}{})",
        path.display(),
        t.user,
        t.indirect,
        !model.stack().is_empty(),
        model.count_cap(),
        if o.count_cap.is_some_and(|c| c.renorm) {
            " (capped.rs, renormalised)"
        } else {
            ""
        }
    );
    let view: Vec<&Doc> = docs.iter().collect();
    let p = learned(docs, &model, o.count_cap);
    println!("\n### train texts (in sample where the model was trained on them)\n");
    report(&view, &p, &t);
    report_langs(&view, &p, &t);
    report_dev(dev, &model, &t, &st_t, o.count_cap);
    if let Ok(file) = std::env::var("SCORE_DUMP") {
        // one line per text: set, label, family, group, source kind, calibrates, probability,
        // rules' verdict (1: the rule detector flags it), language, package, the rules' score
        // (0..1, below the threshold too), the stacked probability (the learned one when the
        // model has no stacker)
        // `SCORE_DUMP_STACK=1` appends the stacker's inputs (comma-separated) as a last column
        let with_inputs = std::env::var_os("SCORE_DUMP_STACK").is_some();
        let pd = learned(dev, &model, o.count_cap);
        let stack = model.stack();
        let mut out = String::new();
        for (set, ds, ps) in [("train", docs, &p), ("dev", dev, &pd)] {
            for (d, x) in ds.iter().zip(ps.iter()) {
                let stacked = if stack.is_empty() {
                    *x
                } else {
                    sigmoid(stack.logit(logit(*x), &d.rules))
                };
                out.push_str(&format!(
                    "{set}\t{}\t{}\t{}\t{}\t{}\t{x}\t{}\t{}\t{}\t{}\t{stacked}\n",
                    if d.label { "attack" } else { "benign" },
                    d.family,
                    d.group,
                    if d.indirect { "retrieved" } else { "message" },
                    u8::from(d.calibrate && d.eval),
                    u8::from(d.rules_hit),
                    d.lang,
                    d.package,
                    d.rules.score
                ));
                if with_inputs {
                    out.pop();
                    let xs = Stack::inputs(logit(*x), &d.rules);
                    let xs: Vec<String> = xs.iter().map(|v| v.to_string()).collect();
                    out.push('\t');
                    out.push_str(&xs.join(","));
                    out.push('\n');
                }
            }
        }
        std::fs::write(file, out)?;
    }
    probe(&o.probe, &model, &t)?;
    super::explain::explain(explain, &model, &t, o.explain_min);
    Ok(())
}
