//! The trainer's command line.

use std::path::PathBuf;

use llmops_guard::learned::FeatureConfig;

pub(super) struct Opts {
    pub(super) data: Vec<PathBuf>,
    pub(super) extra: Vec<PathBuf>,
    /// Held-out splits retired into training (`--retired`): every line trains.
    pub(super) retired: Vec<PathBuf>,
    pub(super) extra_noeval: Vec<PathBuf>,
    /// Files that train only (`--extra-fit`): out of the thresholds and the tables.
    pub(super) extra_fit: Vec<PathBuf>,
    pub(super) background: Vec<PathBuf>,
    pub(super) out: PathBuf,
    pub(super) folds: usize,
    pub(super) epochs: usize,
    pub(super) seed: u64,
    pub(super) fpr: f64,
    pub(super) l2: Vec<f32>,
    pub(super) lr: f32,
    pub(super) cfg: FeatureConfig,
    pub(super) window: u16,
    /// `true`: source-grouped folds (default); `false`: folds stratified by label and family.
    pub(super) grouped: bool,
    /// Cross-validation repeats with other fold assignments, pooled in the figures and the
    /// thresholds.
    pub(super) repeats: usize,
    /// Largest out-of-fold false-positive rate any benign family (of ≥ 30 texts) may have at
    /// the chosen threshold (the pooled rate of the source kind is `fpr`).
    pub(super) family_cap: f64,
    /// Pooled false-positive target of retrieved text / tool results (`fpr` when unset).
    pub(super) fpr_retrieved: Option<f64>,
    /// Balance languages in the loss: benign texts of a language with relatively fewer
    /// attacks than the whole train set weigh less (down to this floor; 1 = off), so that
    /// "not English" is not learned as "benign".
    pub(super) lang_floor: f32,
    /// Loss weight of attack examples the rule detector already flags (`--rule-caught-weight`,
    /// 1 = off): the default guard is rules OR learned, so the model only adds the attacks
    /// the rules miss; a weight below 1 spends its capacity on those.
    pub(super) rule_caught_weight: f32,
    /// Threshold pools without the benign texts the rule detector flags (`--or-pool`): they
    /// are false positives of the default guard whatever the model says, so the model's
    /// false-positive budget goes to the others.
    pub(super) or_pool: bool,
    /// Run the leave-one-source-out view (train on every package but one, score that one).
    pub(super) loso: bool,
    /// Labelled files only scored (never trained on, never in the thresholds): the final
    /// model at the chosen thresholds, reported apart (`--dev`).
    pub(super) dev: Vec<PathBuf>,
    /// Texts (labels optional) whose probability is printed one by one (`--probe`).
    pub(super) probe: Vec<PathBuf>,
    /// Score an existing model file instead of training (`--score-only`): its own
    /// thresholds on train (in sample where it was trained), `--dev` and `--probe` files.
    pub(super) score_only: Option<PathBuf>,
    /// Retrieved text: the most out-of-fold false positives any one document group (a
    /// source, of >= 20 benign texts) may have at the retrieved threshold (`--doc-group-cap`;
    /// unset = no cap beyond `--family-cap`). Benign documents score by their highest
    /// window, so a group of long documents is many chances to fire.
    pub(super) doc_group_cap: Option<f64>,
    /// Leave-one-source-out: all of our own writing (before i10, i10, i10b) is one package
    /// (`--loso-own-as-one`), the strictest view: no wording of ours is seen.
    pub(super) loso_own_as_one: bool,
    /// Texts whose high scores are explained n-gram by n-gram (`--explain`, with
    /// `--score-only`): the span that scored and the n-grams adding most to its logit.
    pub(super) explain: Vec<PathBuf>,
    /// Explain texts at or above this probability (`--explain-min`; default: the threshold
    /// of the text's source).
    pub(super) explain_min: Option<f32>,
    /// `--count-cap K` (1..=15): each hashed feature counts at most K times per span (the
    /// whole text, each window). Training: the features and the written model carry the cap
    /// (model format version 3). `--score-only`: the model file scores with its weights and
    /// this cap. `--recap`: the cap to set. With `--cap-renorm` (score-only), the reference
    /// arithmetic of `capped.rs` with the capped count in the norm as well.
    pub(super) count_cap: Option<super::capped::Cap>,
    /// `--recap MODEL` (with `--count-cap K` and `--out`): the model's weights with count cap
    /// K, and thresholds re-picked so that train detection per source kind equals the model's
    /// own at its own thresholds (see `recap.rs`).
    pub(super) recap: Option<PathBuf>,
}

impl Opts {
    /// The count cap the trained model carries (0: raw counts).
    pub(super) fn cap(&self) -> u8 {
        self.count_cap
            .filter(|c| !c.renorm)
            .map_or(0, |c| u8::try_from(c.cap).unwrap_or(u8::MAX))
    }
}

/// The trainer's defaults (the command line overrides them).
pub(super) fn defaults() -> Opts {
    Opts {
        data: Vec::new(),
        extra: Vec::new(),
        retired: Vec::new(),
        extra_noeval: Vec::new(),
        extra_fit: Vec::new(),
        background: Vec::new(),
        out: PathBuf::from("llmops-guard/models/injection-v1.bin"),
        folds: 5,
        epochs: 8,
        seed: 8,
        fpr: 0.01,
        l2: vec![1e-5, 1e-4, 1e-3],
        lr: 0.2,
        cfg: FeatureConfig::default(),
        window: 512,
        grouped: true,
        repeats: 3,
        family_cap: 0.03,
        fpr_retrieved: None,
        lang_floor: 1.0,
        rule_caught_weight: 1.0,
        or_pool: false,
        loso: false,
        dev: Vec::new(),
        probe: Vec::new(),
        score_only: None,
        doc_group_cap: None,
        loso_own_as_one: false,
        explain: Vec::new(),
        explain_min: None,
        count_cap: None,
        recap: None,
    }
}

pub(super) fn opts() -> Result<Opts, Box<dyn std::error::Error>> {
    let mut o = defaults();
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || args.next().ok_or_else(|| format!("{a} needs a value"));
        match a.as_str() {
            "--data" => o.data.push(val()?.into()),
            "--extra" => o.extra.push(val()?.into()),
            "--retired" => o.retired.push(val()?.into()),
            "--extra-noeval" => o.extra_noeval.push(val()?.into()),
            "--extra-fit" => o.extra_fit.push(val()?.into()),
            "--background" => o.background.push(val()?.into()),
            "--out" => o.out = val()?.into(),
            "--folds" => o.folds = val()?.parse()?,
            "--repeats" => o.repeats = val()?.parse()?,
            "--epochs" => o.epochs = val()?.parse()?,
            "--seed" => o.seed = val()?.parse()?,
            "--fpr" => o.fpr = val()?.parse()?,
            "--family-cap" => o.family_cap = val()?.parse()?,
            "--fpr-retrieved" => o.fpr_retrieved = Some(val()?.parse()?),
            "--lang-balance" => o.lang_floor = val()?.parse()?,
            "--rule-caught-weight" => o.rule_caught_weight = val()?.parse()?,
            "--or-pool" => o.or_pool = true,
            "--loso" => o.loso = true,
            "--loso-own-as-one" => o.loso_own_as_one = true,
            "--dev" => o.dev.push(val()?.into()),
            "--probe" => o.probe.push(val()?.into()),
            "--score-only" => o.score_only = Some(val()?.into()),
            "--explain" => o.explain.push(val()?.into()),
            "--count-cap" => {
                let renorm = o.count_cap.is_some_and(|c| c.renorm);
                o.count_cap = Some(super::capped::Cap {
                    cap: val()?.parse()?,
                    renorm,
                })
            }
            "--cap-renorm" => {
                o.count_cap = o
                    .count_cap
                    .map(|c| super::capped::Cap { renorm: true, ..c })
            }
            "--recap" => o.recap = Some(val()?.into()),
            "--explain-min" => o.explain_min = Some(val()?.parse()?),
            "--doc-group-cap" => o.doc_group_cap = Some(val()?.parse()?),
            "--lr" => o.lr = val()?.parse()?,
            "--bits" => o.cfg.bits = val()?.parse()?,
            "--chars" => {
                // LO-HI: the character n-gram lengths (0-0: none)
                let v = val()?;
                let (lo, hi) = v.split_once('-').ok_or("--chars LO-HI, e.g. 3-5")?;
                o.cfg.char_min = lo.parse()?;
                o.cfg.char_max = hi.parse()?;
            }
            "--words" => o.cfg.word_max = val()?.parse()?,
            "--window" => o.window = val()?.parse()?,
            "--cv" => {
                o.grouped = match val()?.as_str() {
                    "grouped" => true,
                    "stratified" => false,
                    other => return Err(format!("--cv grouped|stratified, not {other}").into()),
                }
            }
            "--l2" => {
                o.l2 = val()?
                    .split(',')
                    .map(str::parse)
                    .collect::<Result<_, _>>()?
            }
            "-h" | "--help" => {
                println!(
                    "train_injection [--data DIR]... [--extra FILE.jsonl]... [--retired HELDOUT.jsonl]... [--background FILE.jsonl]... [--out FILE] [--folds 5] [--repeats 3] [--epochs 8] [--seed 8] [--fpr 0.01] [--family-cap 0.03] [--lr 0.2] [--bits 18] [--chars 3-5] [--words 2] [--window 512] [--cv grouped|stratified] [--l2 1e-5,1e-4,1e-3] [--fpr-retrieved F] [--lang-balance FLOOR] [--rule-caught-weight W] [--or-pool] [--loso] [--dev FILE.jsonl]... [--probe FILE.jsonl]... [--score-only MODEL.bin] [--doc-group-cap F] [--loso-own-as-one] [--extra-fit FILE.jsonl]... [--explain FILE.jsonl]... [--explain-min P] [--count-cap K [--cap-renorm]] [--recap MODEL.bin --count-cap K]"
                );
                std::process::exit(0);
            }
            other => return Err(format!("unknown argument {other}").into()),
        }
    }
    if !(o.rule_caught_weight > 0.0 && o.rule_caught_weight <= 1.0) {
        return Err("--rule-caught-weight must be in (0, 1]".into());
    }
    if o.folds < 2 {
        return Err("--folds must be at least 2".into());
    }
    if let Some(c) = o.count_cap
        && (c.cap == 0 || c.cap > u32::from(llmops_guard::learned::MAX_COUNT_CAP))
    {
        return Err("--count-cap must be in 1..=15".into());
    }
    if o.recap.is_some() && o.cap() == 0 {
        return Err("--recap needs --count-cap K (without --cap-renorm)".into());
    }
    if o.repeats < 1 {
        return Err("--repeats must be at least 1".into());
    }
    Ok(o)
}
