//! `--recap MODEL --count-cap K --out FILE`: a model's weights with count cap `K` (each
//! hashed feature counted at most K times per scored span), the thresholds re-picked.
//!
//! Weights trained elsewhere (the bundled model's) cannot be cross-validated here, so the
//! trainer's own rule (out-of-fold false positives ≤ 1 %) does not apply. The rule here is
//! "matched detection": per source kind (user messages; retrieved text and tool results),
//! the highest threshold at which the capped scores detect at least as many train attacks
//! (the texts of the tables: corpus train split and `--extra`) as the model detects with its
//! own scoring at its own thresholds. The stacker, when the file has one, reads the learned
//! logit, which the cap moves: its thresholds are matched the same way on the stacked
//! scores. What the cap buys then shows as false positives at equal detection (printed, per
//! family in the table, and on the `--dev` files). Every figure is in sample for weights
//! that were trained on these texts.

use std::path::Path;

use llmops_core::{Role, TextSource};
use llmops_guard::learned::LearnedModel;

use super::dev::{learned, report_dev};
use super::report::{report, report_langs};
use super::{Doc, Opts, Thresholds, logit, sigmoid};

/// The counted texts of one source kind and label.
fn counted(d: &Doc, label: bool, indirect: bool) -> bool {
    d.calibrate && d.eval && d.label == label && d.indirect == indirect
}

/// Per source kind, the highest threshold on `after` that flags at least as many attacks as
/// `before` flags at `t`.
fn matched(docs: &[Doc], before: &[f32], after: &[f32], t: &Thresholds) -> Thresholds {
    let pick = |indirect: bool| {
        let th = if indirect { t.indirect } else { t.user };
        let hits = docs
            .iter()
            .zip(before)
            .filter(|(d, p)| counted(d, true, indirect) && **p >= th)
            .count();
        let mut v: Vec<f32> = docs
            .iter()
            .zip(after)
            .filter(|(d, _)| counted(d, true, indirect))
            .map(|(_, &p)| p)
            .collect();
        v.sort_by(|a, b| b.total_cmp(a));
        match hits.checked_sub(1).and_then(|k| v.get(k)) {
            Some(&p) => p,
            // none detected before: stay as strict as before
            None => th,
        }
    };
    Thresholds {
        user: pick(false),
        indirect: pick(true),
    }
}

/// Flagged / total of one source kind and label.
fn rate(docs: &[Doc], p: &[f32], t: &Thresholds, label: bool, indirect: bool) -> String {
    let th = if indirect { t.indirect } else { t.user };
    let (hit, n) = docs
        .iter()
        .zip(p)
        .filter(|(d, _)| counted(d, label, indirect))
        .fold((0usize, 0usize), |(h, n), (_, &s)| {
            (h + usize::from(s >= th), n + 1)
        });
    format!("{hit}/{n} ({:.2}%)", hit as f64 * 100.0 / n.max(1) as f64)
}

fn summary(name: &str, docs: &[Doc], p: &[f32], t: &Thresholds) {
    println!(
        "| {name} | {:.4} / {:.4} | {} | {} | {} | {} |",
        t.user,
        t.indirect,
        rate(docs, p, t, true, false),
        rate(docs, p, t, true, true),
        rate(docs, p, t, false, false),
        rate(docs, p, t, false, true),
    );
}

pub(super) fn recap(
    path: &Path,
    docs: &[Doc],
    dev: &[Doc],
    o: &Opts,
) -> Result<(), Box<dyn std::error::Error>> {
    if o.out == path || o.out.ends_with("models/injection-v1.bin") {
        return Err(format!(
            "--recap writes a candidate: give --out another file than {} (and measure it on held-out before it replaces anything)",
            o.out.display()
        )
        .into());
    }
    let base = LearnedModel::from_bytes(&std::fs::read(path)?)?;
    let capped = base.clone().with_count_cap(o.cap())?;
    let t0 = Thresholds {
        user: base.threshold(),
        indirect: base.indirect_threshold(),
    };
    let (p0, p1) = (learned(docs, &base, None), learned(docs, &capped, None));
    let t1 = matched(docs, &p0, &p1, &t0);
    println!(
        "recap: {} (count cap {}) -> count cap {}, thresholds matched on train detection per source kind\n",
        path.display(),
        base.count_cap(),
        capped.count_cap()
    );
    println!(
        "| scoring | thresholds user / retrieved | attacks as messages | attacks as retrieved | benign messages | benign retrieved |"
    );
    println!("|---|---|---|---|---|---|");
    summary("model as it is", docs, &p0, &t0);
    summary("capped, same thresholds", docs, &p1, &t0);
    summary("capped, matched", docs, &p1, &t1);
    let mut out = capped
        .with_threshold(t1.user)?
        .with_indirect_threshold(t1.indirect)?;
    let stack = base.stack();
    let st_t1 = if stack.is_empty() {
        println!("\nno stacker in the file: no stacked thresholds to re-pick");
        t1
    } else {
        let stacked = |p: &[f32]| -> Vec<f32> {
            docs.iter()
                .zip(p)
                .map(|(d, &s)| sigmoid(stack.logit(logit(s), &d.rules)))
                .collect()
        };
        let st_t0 = Thresholds {
            user: base.stacked_threshold_for(TextSource::Message(Role::User)),
            indirect: base.stacked_threshold_for(TextSource::Retrieved),
        };
        let (s0, s1) = (stacked(&p0), stacked(&p1));
        let st_t1 = matched(docs, &s0, &s1, &st_t0);
        println!("\nstacked:\n");
        summary("model as it is", docs, &s0, &st_t0);
        summary("capped, matched", docs, &s1, &st_t1);
        out = out.with_stack(stack, st_t1.user, st_t1.indirect)?;
        st_t1
    };
    let view: Vec<&Doc> = docs.iter().collect();
    println!("\n### train texts, capped at the matched thresholds (in sample for these weights)\n");
    report(&view, &p1, &t1);
    report_langs(&view, &p1, &t1);
    report_dev(dev, &out, &t1, &st_t1, None);
    let bytes = out.to_bytes();
    LearnedModel::from_bytes(&bytes)?;
    std::fs::write(&o.out, &bytes)?;
    println!("\nwrote {} ({} bytes)", o.out.display(), bytes.len());
    Ok(())
}
