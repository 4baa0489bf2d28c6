//! The leave-one-source-out view (`--loso`): for every package the train data come from (a
//! PyPI package, Debian's documentation, our own writing as a whole), a model trained on all
//! the others scores that package's texts at the thresholds the grouped cross-validation
//! chose. Our own writing is one package (all its languages and families together), so its
//! attacks in Irish or Zulu are scored by a model that saw no attack in those languages: the
//! situation of a held-out source worded unlike anything in train.

use std::collections::{BTreeMap, BTreeSet};

use llmops_guard::learned::{STACK_LEN, Stack};

use super::report::{report, report_langs};
use super::{Doc, Opts, Thresholds, dot, fit, fit_stack, logit, sigmoid};

/// The package of a text: the part of its source before the first `:` for package data;
/// `own` for what we wrote before i10 (corpus `llmops-own`, seed and augment sets) and
/// `own-i10` for `ml_more.py`'s set and i10b's task framings (`framed.py`) built on it;
/// Debian text by how it was collected; `background` for `--background` texts (always
/// trained on, never left out).
pub(super) fn package_of(group: &str, source: &str, calibrate: bool) -> String {
    if !calibrate {
        return "background".to_owned();
    }
    let head = |s: &str| s.split(':').next().unwrap_or(s).trim().to_owned();
    if group.starts_with("locale:") {
        return "debian-gettext".to_owned();
    }
    if group.starts_with("doc:") {
        return "debian-usr-share".to_owned();
    }
    if group.starts_with("docs:") {
        return "debian-docs-pinned".to_owned();
    }
    if group.starts_with("ml_more") || group.starts_with("framed") {
        // i10b's task framings (framed.py, and the attack twins of framed_lmeval.py) carry
        // ml_more.py's injected sentences: one package with them, so that leaving it out
        // leaves those sentences out. i10's own writing (jailbreak frames in twelve
        // languages) is its own package, so the view shows what it does for the older own
        // writing in the same languages
        return "own-i10".to_owned();
    }
    if source.is_empty()
        || source.starts_with("llmops-own")
        || source.starts_with("own writing")
        || group.starts_with("own:")
        || group.starts_with("aug")
    {
        return "own".to_owned();
    }
    head(source)
}

/// Runs the view and prints its tables: learned alone, stacked, learned OR rules, stacked OR
/// rules (per family, per language), and per package.
pub(super) fn run(
    docs: &[Doc],
    l2: f32,
    o: &Opts,
    t: &Thresholds,
    st_t: &Thresholds,
    oof_inputs: &[[f32; STACK_LEN]],
) -> Result<(), Box<dyn std::error::Error>> {
    let packages: BTreeSet<&str> = docs
        .iter()
        .filter(|d| d.calibrate)
        .map(|d| d.package.as_str())
        .collect();
    let mut learned = vec![f32::NAN; docs.len()];
    let mut stacked = vec![f32::NAN; docs.len()];
    let all: Vec<&Doc> = docs.iter().collect();
    for p in &packages {
        let train: Vec<usize> = (0..docs.len()).filter(|&i| docs[i].package != *p).collect();
        let model = fit(docs, &train, l2, o)?;
        // the stacker from the grouped cross-validation's out-of-fold inputs of the others
        let st = fit_stack(&all, oof_inputs, &train);
        for i in (0..docs.len()).filter(|&i| docs[i].package == *p) {
            let d = &docs[i];
            let s = model.score_prepared(&d.text, d.signals).probability;
            learned[i] = s;
            stacked[i] = sigmoid(dot(&st.0, &Stack::inputs(logit(s), &d.rules)));
        }
        eprintln!("loso: {p} done");
    }
    let keep: Vec<usize> = (0..docs.len())
        .filter(|&i| docs[i].calibrate && docs[i].eval)
        .collect();
    let view: Vec<&Doc> = keep.iter().map(|&i| &docs[i]).collect();
    let pick = |v: &[f32]| -> Vec<f32> { keep.iter().map(|&i| v[i]).collect() };
    let (l, s) = (pick(&learned), pick(&stacked));
    let or = |scores: &[f32], th: &Thresholds| -> Vec<f32> {
        view.iter()
            .zip(scores)
            .map(|(d, &p)| {
                let th = if d.indirect { th.indirect } else { th.user };
                f32::from(u8::from(d.rules_hit || p >= th))
            })
            .collect()
    };
    let half = Thresholds {
        user: 0.5,
        indirect: 0.5,
    };
    let (l_or, s_or) = (or(&l, t), or(&s, st_t));
    println!("\n## leave-one-source-out (each package scored by a model trained without it)\n");
    println!("### learned alone\n");
    report(&view, &l, t);
    report_langs(&view, &l, t);
    println!("\n### stacked\n");
    report(&view, &s, st_t);
    println!("\n### learned OR rules\n");
    report(&view, &l_or, &half);
    report_langs(&view, &l_or, &half);
    println!("\n### stacked OR rules\n");
    report(&view, &s_or, &half);

    // per package: attacks (learned / stacked / learned OR rules) and benign flagged
    let mut by: BTreeMap<(&str, bool), [usize; 4]> = BTreeMap::new();
    for (k, d) in view.iter().enumerate() {
        let th = if d.indirect { t.indirect } else { t.user };
        let sth = if d.indirect { st_t.indirect } else { st_t.user };
        let e = by.entry((d.package.as_str(), d.label)).or_default();
        e[0] += 1;
        e[1] += usize::from(l[k] >= th);
        e[2] += usize::from(s[k] >= sth);
        e[3] += usize::from(l_or[k] >= 0.5);
    }
    println!("\n### per package left out\n");
    println!("| package | label | n | learned | stacked | learned OR rules |");
    println!("|---|---|---:|---:|---:|---:|");
    for ((p, label), [n, a, b, c]) in &by {
        let r = |x: usize| x as f64 * 100.0 / (*n).max(1) as f64;
        println!(
            "| {p} | {} | {n} | {:.1}% | {:.1}% | {:.1}% |",
            if *label { "attack" } else { "benign" },
            r(*a),
            r(*b),
            r(*c)
        );
    }
    Ok(())
}
