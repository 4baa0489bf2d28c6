//! The trainer's tables: detection and flag rates per family and per language.

use std::collections::BTreeMap;

use super::{Doc, Thresholds};

/// Detection (attacks) and flag rate (benign) per language of the out-of-fold scores.
pub(super) fn report_langs(docs: &[&Doc], scores: &[f32], t: &Thresholds) {
    let mut by: BTreeMap<(bool, &str), (usize, usize)> = BTreeMap::new();
    for (d, &s) in docs
        .iter()
        .zip(scores)
        .filter(|(d, _)| d.calibrate && d.eval)
    {
        let e = by.entry((d.label, d.lang.as_str())).or_default();
        let th = if d.indirect { t.indirect } else { t.user };
        e.0 += usize::from(s >= th);
        e.1 += 1;
    }
    println!("\nout-of-fold per language:");
    println!("| label | lang | n | flagged | rate |");
    println!("|---|---|---|---|---|");
    for ((label, lang), (hit, n)) in &by {
        let what = if *label { "attack" } else { "benign" };
        println!(
            "| {what} | {lang} | {n} | {hit} | {:.1}% |",
            *hit as f64 * 100.0 / *n as f64
        );
    }
}

pub(super) fn report(docs: &[&Doc], scores: &[f32], t: &Thresholds) {
    let mut by: BTreeMap<(bool, String), (usize, usize)> = BTreeMap::new();
    for (d, &s) in docs.iter().zip(scores).filter(|(d, _)| d.eval) {
        let fam = if d.calibrate {
            d.family.clone()
        } else {
            format!("{} (background, not in the totals)", d.family)
        };
        let e = by.entry((d.label, fam)).or_default();
        let th = if d.indirect { t.indirect } else { t.user };
        e.0 += usize::from(s >= th);
        e.1 += 1;
    }
    println!("| label | family | n | flagged | rate |");
    println!("|---|---|---|---|---|");
    for ((label, fam), (hit, n)) in &by {
        let what = if *label { "attack" } else { "benign" };
        println!(
            "| {what} | {fam} | {n} | {hit} | {:.1}% |",
            *hit as f64 * 100.0 / *n as f64
        );
    }
    let (tp, p) = sum(&by, true);
    let (fp, n) = sum(&by, false);
    println!(
        "| attack | all | {p} | {tp} | {:.2}% |",
        tp as f64 * 100.0 / p.max(1) as f64
    );
    println!(
        "| benign | all | {n} | {fp} | {:.2}% |",
        fp as f64 * 100.0 / n.max(1) as f64
    );
}

pub(super) fn sum(by: &BTreeMap<(bool, String), (usize, usize)>, label: bool) -> (usize, usize) {
    by.iter()
        .filter(|((l, f), _)| *l == label && !f.contains("(background"))
        .fold((0, 0), |(h, n), (_, (a, b))| (h + a, n + b))
}
