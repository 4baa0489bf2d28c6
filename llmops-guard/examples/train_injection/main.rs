//! Trains the learned prompt-injection detector (`llmops_guard::learned`) and writes its model
//! file. Run by `scripts/guard_train/train.sh` (release mode); not part of CI.
//!
//! Reads every `*.jsonl` file of the corpus directory (one object per line with `text`,
//! `label` = `attack` | `benign`, `family`, `split`) and keeps **only** `"split": "train"`
//! lines: the held-out split measures the model and is never read into training or
//! threshold selection. `--extra FILE` adds JSONL files of your own (lines without a `split`
//! count as train). `--retired FILE` adds a held-out split that has been retired into training
//! (every line trains, whatever its `split`; i14: the first two held-out splits, after they
//! had served as development splits).
//!
//! Procedure: features from the crate's own feature function (hashed character 3–5-grams and
//! word 1–2-grams of the normalised text, scaled by 1/√n); logistic regression by AdaGrad
//! with L2 and class weights, a few epochs, seeded shuffles; benign texts longer than the
//! scoring window also train as windows (every window of a benign text is benign).
//! **Source-grouped** k-fold cross-validation on train (`--cv grouped`, the default: a source
//! file, generator or template set of our own is never on both sides of a fold, so the
//! figures are those of unseen sources; `--cv stratified` deals texts at random per family,
//! which overestimates) picks the L2 strength and the threshold (the lowest that
//! keeps out-of-fold false positives ≤ the target) with the quantised model scoring exactly as
//! at run time (whole text and windows). The final model trains on all of train.
//! `TRAIN_DEBUG=1` prints the 30 highest out-of-fold scores of each L2 value and the threshold
//! each benign family asks for; `TRAIN_DUMP=FILE` writes every text's rule verdict and
//! out-of-fold score (train texts only) as TSV.
//!
//! ```sh
//! cargo run --release -p llmops-guard --example train_injection -- \
//!     --data llmops-guard/tests/data/injection --out llmops-guard/models/injection-v1.bin
//! ```
#![allow(clippy::indexing_slicing, clippy::unwrap_used, clippy::expect_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

mod capped;
mod dev;
mod explain;
mod featurize;
mod folds;
mod loso;
mod opts;
mod recap;
mod report;

use featurize::{bury_attacks, featurize};
use folds::{group_of, grouped_folds, stratified_folds};
use opts::{Opts, opts};
use report::{report, report_langs};

use llmops_core::{Role, TextSource};
use llmops_guard::injection::InjectionDetector;
use llmops_guard::learned::{LearnedModel, RuleFeatures, STACK_LEN, Signals, Stack, scored_text};

/// A sparse feature vector: (bucket, value) sorted by bucket.
type Sparse = Vec<(u32, f32)>;

/// One labelled text of the train split, normalised, with its features.
struct Doc {
    label: bool,
    family: String,
    /// Language code (`-` when unknown), for the per-language report.
    lang: String,
    /// Cross-validation group: texts of one group are always in the same fold (see
    /// [`group_of`]).
    group: String,
    /// The package (or body of our own writing) the text comes from: the unit of the
    /// leave-one-source-out view (see [`loso::package_of`]).
    package: String,
    text: String,
    signals: Signals,
    /// Corpus and `--extra` texts; `--background` texts are reported apart (they count in
    /// the threshold's benign pool of their source kind).
    calibrate: bool,
    /// In the threshold pools (`--extra-fit` files train only: they neither set a threshold
    /// nor appear in the tables, so that thresholds come from the same benign texts as a run
    /// without them).
    pool: bool,
    /// In the reported figures (`--extra-noeval` files train and calibrate but are left out
    /// of the tables, so that runs with and without them report on the same texts).
    eval: bool,
    /// Scanned as retrieved context (benign documents, indirect attacks, background prose)
    /// rather than as a user message: the source kind whose threshold applies.
    indirect: bool,
    /// The rule detector's report on the original text, for the stacker.
    rules: RuleFeatures,
    /// Whether the rule detector alone flags the text (at its own per-source thresholds).
    rules_hit: bool,
    /// (bucket, weight) with weight = count / √n, sorted by bucket.
    x: Vec<(u32, f32)>,
    /// Extra examples with the text's label: windows of long benign texts; for short attacks,
    /// the attack buried in a window of background text.
    windows: Vec<Vec<(u32, f32)>>,
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let o = opts()?;
    let mut docs = Vec::new();
    for dir in &o.data {
        for path in jsonl_files(dir)? {
            load(&path, Splits::TrainOnly, true, &o, &mut docs)?;
        }
    }
    for path in &o.extra {
        load(path, Splits::TrainOrNone, true, &o, &mut docs)?;
    }
    for path in &o.retired {
        load(path, Splits::All, true, &o, &mut docs)?;
    }
    let evaluated = docs.len();
    for path in &o.extra_noeval {
        load(path, Splits::TrainOrNone, true, &o, &mut docs)?;
    }
    for d in docs.iter_mut().skip(evaluated) {
        d.eval = false;
    }
    let fitted = docs.len();
    for path in &o.extra_fit {
        load(path, Splits::TrainOrNone, true, &o, &mut docs)?;
    }
    for d in docs.iter_mut().skip(fitted) {
        d.eval = false;
        d.pool = false;
    }
    for path in &o.background {
        load(path, Splits::TrainOrNone, false, &o, &mut docs)?;
    }
    let mut dev_docs = Vec::new();
    for path in &o.dev {
        load(path, Splits::All, true, &o, &mut dev_docs)?;
    }
    let mut explain_docs = Vec::new();
    for path in &o.explain {
        load(path, Splits::TrainOrNone, true, &o, &mut explain_docs)?;
    }
    if let Some(path) = &o.score_only {
        return dev::score_only(path, &docs, &dev_docs, &explain_docs, &o);
    }
    if let Some(path) = &o.recap {
        return recap::recap(path, &docs, &dev_docs, &o);
    }
    let pos = docs.iter().filter(|d| d.label).count();
    let neg = docs.len() - pos;
    if pos == 0 || neg == 0 {
        return Err(
            format!("need attacks and benign texts in train: {pos} attacks, {neg} benign").into(),
        );
    }
    let buried = bury_attacks(&mut docs, &o);
    let windows: usize = docs
        .iter()
        .filter(|d| !d.label)
        .map(|d| d.windows.len())
        .sum();
    println!(
        "train split: {} texts ({pos} attacks, {neg} benign; {windows} benign windows, {buried} attacks buried in background text), {} buckets, window {} B",
        docs.len(),
        o.cfg.buckets(),
        o.window
    );

    // one fold assignment per repeat (seeds o.seed, o.seed + 1, ...): a threshold set by the
    // top 1 % of benign scores moves with the assignment, so the figures pool the repeats
    let folds: Vec<Vec<usize>> = (0..o.repeats as u64)
        .map(|r| {
            if o.grouped {
                grouped_folds(&docs, &o, o.seed + r)
            } else {
                stratified_folds(&docs, &o, o.seed + r)
            }
        })
        .collect();
    // every text once per repeat, in the order the pooled score vectors use
    let view: Vec<&Doc> = (0..o.repeats).flat_map(|_| docs.iter()).collect();
    println!(
        "folds: {} x {} repeats ({}), {} groups",
        o.folds,
        o.repeats,
        if o.grouped {
            "grouped by source/template: no group is on both sides of a fold"
        } else {
            "stratified by label and family"
        },
        docs.iter()
            .map(|d| d.group.as_str())
            .collect::<std::collections::BTreeSet<_>>()
            .len()
    );

    let mut best: Option<(f32, Thresholds, f64, Vec<f32>)> = None;
    for &l2 in &o.l2 {
        // out-of-fold scores of every repeat, one after the other (as `view`)
        let mut oof = vec![0f32; view.len()];
        for (r, fold) in folds.iter().enumerate() {
            for k in 0..o.folds {
                let train: Vec<usize> = (0..docs.len()).filter(|&i| fold[i] != k).collect();
                let model = fit(&docs, &train, l2, &o)?;
                for i in (0..docs.len()).filter(|&i| fold[i] == k) {
                    oof[r * docs.len() + i] = model
                        .score_prepared(&docs[i].text, docs[i].signals)
                        .probability;
                }
            }
        }
        if std::env::var_os("TRAIN_DEBUG").is_some() {
            let mut v: Vec<(f32, bool, &str)> = view
                .iter()
                .zip(&oof)
                .map(|(d, &s)| (s, d.label, d.family.as_str()))
                .collect();
            v.sort_by(|a, b| b.0.total_cmp(&a.0));
            for x in v.iter().take(30) {
                println!("  {x:?}");
            }
        }
        let t = pick_thresholds(&view, &oof, &o);
        let (tpr, fpr) = rates(&view, &oof, &t);
        println!(
            "cv l2={l2:e}: thresholds user {:.4} / retrieved {:.4} -> detection {:.2}%, false positives {:.2}%",
            t.user,
            t.indirect,
            tpr * 100.0,
            fpr * 100.0
        );
        if best.as_ref().is_none_or(|b| tpr > b.2) {
            best = Some((l2, t, tpr, oof));
        }
    }
    let (l2, t, _, oof) = best.ok_or("no L2 value given")?;
    println!(
        "\nchosen l2={l2:e}, thresholds: user messages {:.4}, retrieved text / tool results {:.4}",
        t.user, t.indirect
    );
    if let Some(path) = std::env::var_os("TRAIN_DUMP") {
        // one line per text: label, family, lang, group, rules verdict, out-of-fold score, text,
        // source kind, the stacker's inputs (comma-separated; first fold assignment)
        // (`TRAIN_DUMP_FULL=1`: the whole text rather than its first 300 characters)
        let take = if std::env::var_os("TRAIN_DUMP_FULL").is_some() {
            usize::MAX
        } else {
            300
        };
        let mut out = String::new();
        for (d, s) in docs.iter().zip(&oof) {
            let t: String = d.text.chars().take(take).collect();
            let xs: Vec<String> = Stack::inputs(logit(*s), &d.rules)
                .iter()
                .map(|v| v.to_string())
                .collect();
            out.push_str(&format!(
                "{}\t{}\t{}\t{}\t{}\t{s:.4}\t{t:?}\t{}\t{}\n",
                d.label,
                d.family,
                d.lang,
                d.group,
                d.rules_hit,
                if d.indirect { "retrieved" } else { "message" },
                xs.join(",")
            ));
        }
        std::fs::write(path, out)?;
    }
    println!("\n### learned model alone, out of fold\n");
    report(&view, &oof, &t);
    report_langs(&view, &oof, &t);

    // the rule detector alone (its own thresholds), for comparison
    let rule_scores: Vec<f32> = view
        .iter()
        .map(|d| f32::from(u8::from(d.rules_hit)))
        .collect();
    let half = Thresholds {
        user: 0.5,
        indirect: 0.5,
    };
    println!("\n### rules alone (InjectionDetector at its own thresholds)\n");
    report(&view, &rule_scores, &half);
    report_langs(&view, &rule_scores, &half);

    // the stacker: learned out-of-fold logit + rule features, fitted per fold on the other
    // folds' out-of-fold values, then on all of them
    let inputs: Vec<[f32; STACK_LEN]> = view
        .iter()
        .zip(&oof)
        .map(|(d, &p)| Stack::inputs(logit(p), &d.rules))
        .collect();
    let mut stacked = vec![0f32; view.len()];
    for (r, fold) in folds.iter().enumerate() {
        let base = r * docs.len();
        for k in 0..o.folds {
            let train: Vec<usize> = (0..docs.len())
                .filter(|&i| fold[i] != k)
                .map(|i| base + i)
                .collect();
            let st = fit_stack(&view, &inputs, &train);
            for i in (0..docs.len()).filter(|&i| fold[i] == k) {
                stacked[base + i] = sigmoid(dot(&st.0, &inputs[base + i]));
            }
        }
    }
    let st_t = pick_thresholds(&view, &stacked, &o);
    let pooled: Vec<usize> = (0..view.len()).collect();
    let stack = fit_stack(&view, &inputs, &pooled);
    println!(
        "\n### stacked (learned logit + rule features), out of fold; thresholds user {:.4}, retrieved {:.4}\nweights {:?}\n",
        st_t.user, st_t.indirect, stack.0
    );
    report(&view, &stacked, &st_t);
    report_langs(&view, &stacked, &st_t);
    let learned_or_rules: Vec<f32> = view
        .iter()
        .zip(&oof)
        .map(|(d, &p)| {
            let th = if d.indirect { t.indirect } else { t.user };
            f32::from(u8::from(d.rules_hit || p >= th))
        })
        .collect();
    println!(
        "\n### learned OR rules (each at its own thresholds: the default guard before stacking)\n"
    );
    report(&view, &learned_or_rules, &half);
    let either: Vec<f32> = view
        .iter()
        .zip(&stacked)
        .map(|(d, &p)| {
            let th = if d.indirect { st_t.indirect } else { st_t.user };
            f32::from(u8::from(d.rules_hit || p >= th))
        })
        .collect();
    println!(
        "\n### stacked OR rules (what a combined detector that also keeps the rule verdict flags)\n"
    );
    report(&view, &either, &half);

    if o.loso {
        // the out-of-fold stacker inputs of the first fold assignment, one per text
        loso::run(&docs, l2, &o, &t, &st_t, &inputs[..docs.len()])?;
    }

    let all: Vec<usize> = (0..docs.len()).collect();
    let model = fit(&docs, &all, l2, &o)?
        .with_threshold(t.user)?
        .with_indirect_threshold(t.indirect)?
        .with_stack(stack, st_t.user, st_t.indirect)?;
    let bytes = model.to_bytes();
    let back = LearnedModel::from_bytes(&bytes)?;
    let fit_fp = docs
        .iter()
        .filter(|d| {
            let th = if d.indirect { t.indirect } else { t.user };
            !d.label && back.score_prepared(&d.text, d.signals).probability >= th
        })
        .count();
    println!(
        "\nfinal model on all of train: {fit_fp} benign texts over the threshold (training fit)"
    );
    dev::report_dev(&dev_docs, &back, &t, &st_t, None);
    dev::probe(&o.probe, &back, &t)?;
    std::fs::write(&o.out, &bytes)?;
    println!("wrote {} ({} bytes)", o.out.display(), bytes.len());
    Ok(())
}

/// The thresholds of the two source kinds.
#[derive(Debug, Clone, Copy)]
struct Thresholds {
    /// User messages (and every source but retrieved text and tool results).
    user: f32,
    /// Retrieved text and tool results.
    indirect: f32,
}

fn logit(p: f32) -> f32 {
    let p = p.clamp(1e-7, 1.0 - 1e-7);
    (p / (1.0 - p)).ln().clamp(-16.0, 16.0)
}

fn sigmoid(z: f32) -> f32 {
    1.0 / (1.0 + (-z).exp())
}

fn dot(w: &[f32; STACK_LEN], x: &[f32; STACK_LEN]) -> f32 {
    w.iter().zip(x).map(|(a, b)| a * b).sum()
}

/// Logistic regression of the stacker (class-balanced, small L2, plain gradient descent on
/// the full batch: 12 inputs, a few thousand texts). Reserved inputs stay zero.
fn fit_stack(docs: &[&Doc], inputs: &[[f32; STACK_LEN]], ids: &[usize]) -> Stack {
    let pos = ids.iter().filter(|&&i| docs[i].label).count().max(1) as f32;
    let neg = (ids.len() as f32 - pos).max(1.0);
    let (cw_pos, cw_neg) = (0.5 / pos, 0.5 / neg);
    let mut w = [0f32; STACK_LEN];
    w[0] = 1.0;
    let l2 = 1e-3f32;
    for it in 0..3000 {
        let mut g = [0f32; STACK_LEN];
        for &i in ids {
            let p = sigmoid(dot(&w, &inputs[i]));
            let (y, cw) = if docs[i].label {
                (1.0, cw_pos)
            } else {
                (0.0, cw_neg)
            };
            for (gj, xj) in g.iter_mut().zip(&inputs[i]) {
                *gj += cw * (p - y) * xj;
            }
        }
        let lr = if it < 1000 { 1.0 } else { 0.3 };
        for j in 0..STACK_LEN {
            // no penalty on the bias (input 1)
            let pen = if j == 1 { 0.0 } else { l2 * w[j] };
            w[j] -= lr * (g[j] + pen);
        }
    }
    for x in w.iter_mut() {
        if !x.is_finite() {
            *x = 0.0;
        }
    }
    Stack(w)
}

/// AdaGrad logistic regression with L2 and class weights over the docs `ids` (and the benign
/// windows of those docs); returns the quantised model.
fn fit(
    docs: &[Doc],
    ids: &[usize],
    l2: f32,
    o: &Opts,
) -> Result<LearnedModel, Box<dyn std::error::Error>> {
    let n = o.cfg.buckets() as usize;
    let mut w = vec![0f32; n];
    let mut g2 = vec![0f32; n];
    let (mut b, mut gb2) = (0f32, 0f32);
    // examples: (doc, None = whole text | Some(window index))
    let mut ex: Vec<(usize, Option<usize>)> = Vec::new();
    for &i in ids {
        ex.push((i, None));
        ex.extend((0..docs[i].windows.len()).map(|k| (i, Some(k))));
    }
    let pos = ex.iter().filter(|(i, _)| docs[*i].label).count().max(1) as f32;
    let neg = (ex.len() as f32 - pos).max(1.0);
    let (cw_pos, cw_neg) = (ex.len() as f32 / (2.0 * pos), ex.len() as f32 / (2.0 * neg));
    let lang_w = lang_weights(docs, ids, o.lang_floor);
    let mut rng = Rng(o.seed ^ 0xA5A5_5A5A);
    const EPS: f32 = 1e-6;
    for _ in 0..o.epochs {
        rng.shuffle(&mut ex);
        for &(i, win) in &ex {
            let d = &docs[i];
            let x = match win {
                None => &d.x,
                Some(k) => &d.windows[k],
            };
            let z = b + x.iter().map(|&(j, v)| w[j as usize] * v).sum::<f32>();
            let p = 1.0 / (1.0 + (-z).exp());
            let y = if d.label { 1.0 } else { 0.0 };
            let g = (p - y)
                * if d.label {
                    cw_pos
                        * if d.rules_hit {
                            o.rule_caught_weight
                        } else {
                            1.0
                        }
                } else {
                    cw_neg * lang_w.get(d.lang.as_str()).copied().unwrap_or(1.0)
                };
            for &(j, v) in x {
                let j = j as usize;
                let grad = g * v + l2 * w[j];
                g2[j] += grad * grad;
                w[j] -= o.lr * grad / (g2[j].sqrt() + EPS);
            }
            gb2 += g * g;
            b -= o.lr * g / (gb2.sqrt() + EPS);
        }
    }
    Ok(LearnedModel::from_float(o.cfg, o.window, b, &w, 0.5)?.with_count_cap(o.cap())?)
}

/// Weight of a benign example per language (`--lang-balance FLOOR`): a language whose share
/// of attacks among its texts is below the train set's weighs its benign texts by the ratio
/// of the two shares, at least `floor` (1 = every weight 1, the default). Languages without a
/// code (`-`) keep 1.
fn lang_weights<'a>(docs: &'a [Doc], ids: &[usize], floor: f32) -> BTreeMap<&'a str, f32> {
    let mut out = BTreeMap::new();
    if floor >= 1.0 {
        return out;
    }
    let mut by: BTreeMap<&str, (f32, f32)> = BTreeMap::new();
    let (mut a, mut b) = (0f32, 0f32);
    for &i in ids {
        let d = &docs[i];
        let e = by.entry(d.lang.as_str()).or_default();
        if d.label {
            e.0 += 1.0;
            a += 1.0;
        } else {
            e.1 += 1.0;
            b += 1.0;
        }
    }
    let global = a / b.max(1.0);
    for (lang, (la, lb)) in by {
        if lang != "-" && lb > 0.0 {
            out.insert(lang, ((la / lb) / global).clamp(floor, 1.0));
        }
    }
    out
}

/// Per source kind (user messages; retrieved text and tool results), the lowest threshold
/// whose out-of-fold false positives, **pooled** over the kind's benign texts (background
/// included), are ≤ `o.fpr`, raised if needed until no benign family of ≥ 30 texts is above
/// `o.family_cap` (so thousands of easy texts cannot hide one family that fires often, without
/// letting the hardest small family set the threshold alone).
fn pick_thresholds(docs: &[&Doc], oof: &[f32], o: &Opts) -> Thresholds {
    let pick = |indirect: bool| -> f32 {
        let mut pool: Vec<f32> = Vec::new();
        let mut fams: BTreeMap<(bool, &str), Vec<f32>> = BTreeMap::new();
        for (d, &s) in docs.iter().zip(oof).filter(|(d, _)| {
            !d.label && d.indirect == indirect && d.pool && !(o.or_pool && d.rules_hit)
        }) {
            pool.push(s);
            fams.entry((d.calibrate, d.family.as_str()))
                .or_default()
                .push(s);
        }
        let lowest = |mut v: Vec<f32>, target: f64| -> f32 {
            v.sort_by(|a, b| b.total_cmp(a));
            let allowed = (target * v.len() as f64).floor() as usize;
            v.get(allowed).map_or(0.0, |&s| next_up(s))
        };
        let target = if indirect {
            o.fpr_retrieved.unwrap_or(o.fpr)
        } else {
            o.fpr
        };
        let mut t = lowest(pool, target);
        if let (true, Some(cap)) = (indirect, o.doc_group_cap) {
            // every source group of benign retrieved text (its documents' highest windows)
            let mut groups: BTreeMap<&str, Vec<f32>> = BTreeMap::new();
            for (d, &s) in docs
                .iter()
                .zip(oof)
                .filter(|(d, _)| !d.label && d.indirect && d.calibrate && d.pool)
            {
                groups.entry(d.group.as_str()).or_default().push(s);
            }
            for v in groups.into_values().filter(|v| v.len() >= 20) {
                t = t.max(lowest(v, cap));
            }
        }
        for (fam, v) in fams {
            // background families count in the pool only: they are code and prose of other
            // projects, harder than the traffic the thresholds are for
            if v.len() >= 30 && fam.0 {
                let ft = lowest(v.clone(), o.family_cap);
                if std::env::var_os("TRAIN_DEBUG").is_some() {
                    println!(
                        "  {} family {fam:?}: n {}, cap threshold {ft}",
                        if indirect { "retrieved" } else { "user" },
                        v.len()
                    );
                }
                t = t.max(ft);
            }
        }
        t.clamp(0.0, 1.0)
    };
    Thresholds {
        user: pick(false),
        indirect: pick(true),
    }
}

/// Detection and false-positive rate of the calibration texts (corpus and `--extra`), each
/// text at its source kind's threshold.
fn rates(docs: &[&Doc], oof: &[f32], t: &Thresholds) -> (f64, f64) {
    let rate = |label: bool| {
        let (hit, all) = docs
            .iter()
            .zip(oof)
            .filter(|(d, _)| d.label == label && d.calibrate && d.eval)
            .fold((0, 0), |(h, a), (d, &s)| {
                let th = if d.indirect { t.indirect } else { t.user };
                (h + usize::from(s >= th), a + 1)
            });
        hit as f64 / all.max(1) as f64
    };
    (rate(true), rate(false))
}

fn next_up(x: f32) -> f32 {
    f32::from_bits(x.to_bits() + 1)
}

/// Which lines of a JSONL file [`load`] keeps, by their `split` field.
#[derive(Clone, Copy, PartialEq)]
enum Splits {
    /// Corpus files: only `"split": "train"`.
    TrainOnly,
    /// `--extra` files: also lines with no split (never `heldout`).
    TrainOrNone,
    /// `--retired` held-out splits: every line.
    All,
}

/// Loads one JSONL file, keeping the lines `splits` says.
fn load(
    path: &Path,
    splits: Splits,
    calibrate: bool,
    o: &Opts,
    docs: &mut Vec<Doc>,
) -> Result<(), Box<dyn std::error::Error>> {
    let text = std::fs::read_to_string(path)?;
    for (n, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let v: serde_json::Value =
            serde_json::from_str(line).map_err(|e| format!("{}:{}: {e}", path.display(), n + 1))?;
        match v.get("split").and_then(|s| s.as_str()) {
            _ if splits == Splits::All => {}
            Some("train") => {}
            None if splits == Splits::TrainOrNone => {}
            _ => continue,
        }
        let field = |k: &str| v.get(k).and_then(|s| s.as_str());
        let (Some(t), Some(label)) = (field("text"), field("label")) else {
            return Err(format!("{}:{}: needs text and label", path.display(), n + 1).into());
        };
        let label = match label {
            "attack" => true,
            "benign" => false,
            other => return Err(format!("{}:{}: label {other:?}", path.display(), n + 1).into()),
        };
        let (norm, signals) = scored_text(t);
        let norm = norm.into_owned();
        let (x, windows) = featurize(&norm, signals, label, o);
        let family = field("family").unwrap_or("-");
        let lang = field("lang").unwrap_or("-");
        let group = if calibrate {
            group_of(field("group"), field("source").unwrap_or(""), family, lang)
        } else {
            // background text: one group per package (crate, module) it was taken from
            let src = field("source").unwrap_or("");
            let pkg = src.split_once(": ").map_or(src, |s| s.1);
            format!("background:{}", pkg.split('/').next().unwrap_or(pkg))
        };
        // retrieved context: benign documents and indirect attacks (as the corpus test scans
        // them), background prose
        // (a `kind` field says it outright: "retrieved" or "message")
        let indirect = match field("kind") {
            Some("retrieved") => true,
            Some("message") => false,
            _ => family == "document" || family == "indirect",
        };
        let source = if indirect {
            TextSource::Retrieved
        } else {
            TextSource::Message(Role::User)
        };
        let report = rules_detector().analyze(t, source);
        let mut package = loso::package_of(&group, field("source").unwrap_or(""), calibrate);
        if o.loso_own_as_one && package == "own-i10" {
            // all our own writing left out at once: no phrasing of ours is seen
            package = "own".to_owned();
        }
        docs.push(Doc {
            eval: true,
            pool: true,
            package,
            indirect,
            rules: RuleFeatures::from_report(&report).with_text(&norm),
            rules_hit: report.is_injection(),
            label,
            family: family.to_owned(),
            lang: lang.to_owned(),
            group,
            text: norm,
            signals,
            calibrate,
            x,
            windows,
        });
    }
    Ok(())
}

fn rules_detector() -> &'static InjectionDetector {
    static D: std::sync::OnceLock<InjectionDetector> = std::sync::OnceLock::new();
    D.get_or_init(InjectionDetector::new)
}

fn jsonl_files(dir: &Path) -> Result<Vec<PathBuf>, Box<dyn std::error::Error>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        // the held-out file is never opened
        .filter(|p| {
            !p.file_name()
                .is_some_and(|n| n.to_string_lossy().contains("heldout"))
        })
        .collect();
    v.sort();
    Ok(v)
}

/// splitmix64: a small seeded generator, so runs are reproducible.
pub(crate) struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn shuffle<T>(&mut self, v: &mut [T]) {
        for i in (1..v.len()).rev() {
            let j = (self.next() % (i as u64 + 1)) as usize;
            v.swap(i, j);
        }
    }
}
