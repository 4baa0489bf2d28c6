//! Human review and judge calibration.
//!
//! A judge is a model; it drifts. The loop that catches it:
//! 1. [`review_items`] turns a [`RunReport`] into [`ReviewItem`]s (inputs, output, the run's
//!    verdict and each assertion's), written with [`write_jsonl`] or [`write_csv`];
//! 2. a person fills `human_label` (`pass`/`fail`) and an optional `note` (in the file, or
//!    through a [`ReviewQueue`] the host serves);
//! 3. [`read_review`] reads the file back (a bad label is an error naming file and line);
//!    [`labeled_cases`] turns the labels into dataset cases, and [`agreement`] reports how
//!    often the judge agreed with people: accuracy and Cohen's kappa, overall and per
//!    assertion type.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::{Case, EvalError, Result, RunReport};

/// A person's verdict on an output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HumanLabel {
    /// The output is acceptable.
    Pass,
    /// It is not.
    Fail,
}

impl HumanLabel {
    /// `pass` or `fail`.
    pub fn as_str(self) -> &'static str {
        match self {
            HumanLabel::Pass => "pass",
            HumanLabel::Fail => "fail",
        }
    }

    /// Whether it is `Pass`.
    pub fn is_pass(self) -> bool {
        self == HumanLabel::Pass
    }
}

impl std::str::FromStr for HumanLabel {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pass" => Ok(HumanLabel::Pass),
            "fail" => Ok(HumanLabel::Fail),
            other => Err(format!(
                "human_label must be `pass` or `fail`, got `{other}`"
            )),
        }
    }
}

/// One assertion's verdict as the run recorded it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AssertionVerdict {
    /// The type as written (`llm-rubric`, `not-contains` ...).
    pub kind: String,
    /// Pass; `None` when the evaluator errored.
    pub pass: Option<bool>,
    /// Score.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<f64>,
    /// Reason (or the error).
    #[serde(default)]
    pub reason: String,
}

/// One output to review: what went in, what came out, what the run said, what a person says.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReviewItem {
    /// Item id: the case id, with `#<repeat>` for repeats after the first.
    pub id: String,
    /// The case id.
    pub case_id: String,
    /// 0-based repeat.
    #[serde(default)]
    pub repeat: u32,
    /// The case's vars.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub vars: BTreeMap<String, Value>,
    /// The expected output.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected: Option<String>,
    /// The output (`None` when the target failed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub output: Option<String>,
    /// The run's verdict (`None` when the case errored).
    #[serde(default)]
    pub judge_pass: Option<bool>,
    /// The run's score.
    #[serde(default)]
    pub judge_score: f64,
    /// The run's reason.
    #[serde(default)]
    pub judge_reason: String,
    /// Each assertion's verdict.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertions: Vec<AssertionVerdict>,
    /// The person's label.
    #[serde(default)]
    pub human_label: Option<HumanLabel>,
    /// The person's note.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Who labelled.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reviewer: Option<String>,
    /// When.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labeled_at: Option<DateTime<Utc>>,
    /// Skipped in the queue (no label).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub skipped: bool,
}

/// The review items of a run: one per case and repeat.
pub fn review_items(report: &RunReport) -> Vec<ReviewItem> {
    let mut out = Vec::new();
    for c in &report.cases {
        for t in &c.trials {
            let id = if t.repeat == 0 {
                c.id.clone()
            } else {
                format!("{}#{}", c.id, t.repeat)
            };
            let errored = t.error.is_some() || t.verdict.errored;
            out.push(ReviewItem {
                id,
                case_id: c.id.clone(),
                repeat: t.repeat,
                vars: c.vars.clone(),
                expected: c.expected.clone(),
                output: t.output.as_ref().map(|o| o.text.clone()),
                judge_pass: (!errored).then_some(t.verdict.pass),
                judge_score: t.verdict.score,
                judge_reason: t.error.clone().unwrap_or_else(|| t.verdict.reason.clone()),
                assertions: t
                    .assertions
                    .iter()
                    .map(|a| AssertionVerdict {
                        kind: a.kind.clone(),
                        pass: a.error.is_none().then(|| a.passed()),
                        score: a.score.as_ref().map(|s| s.value),
                        reason: a.error.clone().unwrap_or_else(|| {
                            a.score
                                .as_ref()
                                .map(|s| s.reason.clone())
                                .unwrap_or_default()
                        }),
                    })
                    .collect(),
                human_label: None,
                note: None,
                reviewer: None,
                labeled_at: None,
                skipped: false,
            });
        }
    }
    out
}

/// Writes review items as JSONL.
pub fn write_jsonl(path: impl AsRef<Path>, items: &[ReviewItem]) -> Result<()> {
    let path = path.as_ref();
    let file = std::fs::File::create(path).map_err(|e| EvalError::io(path, e))?;
    let mut w = std::io::BufWriter::new(file);
    for item in items {
        serde_json::to_writer(&mut w, item)
            .map_err(|e| EvalError::io(path, std::io::Error::other(e)))?;
        w.write_all(b"\n").map_err(|e| EvalError::io(path, e))?;
    }
    w.flush().map_err(|e| EvalError::io(path, e))
}

/// The CSV columns (vars and assertions as JSON text).
#[derive(Debug, Serialize, Deserialize)]
struct CsvRow {
    id: String,
    case_id: String,
    repeat: u32,
    vars: String,
    expected: String,
    output: String,
    judge_verdict: String,
    judge_score: f64,
    judge_reason: String,
    assertions: String,
    human_label: String,
    note: String,
    reviewer: String,
}

/// Writes review items as CSV (what a spreadsheet opens): `human_label` and `note` are the
/// columns to fill.
pub fn write_csv(path: impl AsRef<Path>, items: &[ReviewItem]) -> Result<()> {
    let path = path.as_ref();
    let io = |e: csv::Error| EvalError::io(path, std::io::Error::other(e));
    let mut w = csv::Writer::from_path(path).map_err(io)?;
    for i in items {
        w.serialize(CsvRow {
            id: i.id.clone(),
            case_id: i.case_id.clone(),
            repeat: i.repeat,
            vars: json(&i.vars),
            expected: i.expected.clone().unwrap_or_default(),
            output: i.output.clone().unwrap_or_default(),
            judge_verdict: match i.judge_pass {
                Some(true) => "pass",
                Some(false) => "fail",
                None => "error",
            }
            .to_owned(),
            judge_score: i.judge_score,
            judge_reason: i.judge_reason.clone(),
            assertions: json(&i.assertions),
            human_label: i
                .human_label
                .map(|l| l.as_str().to_owned())
                .unwrap_or_default(),
            note: i.note.clone().unwrap_or_default(),
            reviewer: i.reviewer.clone().unwrap_or_default(),
        })
        .map_err(io)?;
    }
    w.flush().map_err(|e| EvalError::io(path, e))
}

/// JSON text of a value that always serializes (maps of JSON values, verdict lists).
fn json<T: Serialize>(v: &T) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// Reads an annotated review file (`.jsonl` or `.csv`); a malformed row or label is an error
/// naming file and line.
pub fn read_review(path: impl AsRef<Path>) -> Result<Vec<ReviewItem>> {
    let path = path.as_ref();
    let text = std::fs::read_to_string(path).map_err(|e| EvalError::io(path, e))?;
    match crate::dataset::extension(path).as_str() {
        "csv" => read_csv(&text, path),
        "jsonl" | "ndjson" => {
            let mut out = Vec::new();
            for (i, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let item: ReviewItem = serde_json::from_str(line)
                    .map_err(|e| EvalError::dataset(path, i + 1, e.to_string()))?;
                out.push(item);
            }
            Ok(out)
        }
        other => Err(EvalError::dataset(
            path,
            1,
            format!("unknown review file format `.{other}` (expected .jsonl or .csv)"),
        )),
    }
}

fn read_csv(text: &str, path: &Path) -> Result<Vec<ReviewItem>> {
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let csv_err = |e: csv::Error| {
        let line = e.position().map_or(1, |p| p.line() as usize);
        EvalError::dataset(path, line, format!("CSV: {e}"))
    };
    let headers = rdr.headers().map_err(csv_err)?.clone();
    let mut out = Vec::new();
    for record in rdr.records() {
        let record = record.map_err(csv_err)?;
        let line = record.position().map_or(1, |p| p.line() as usize);
        let row: CsvRow = record
            .deserialize(Some(&headers))
            .map_err(|e| EvalError::dataset(path, line, format!("CSV: {e}")))?;
        let err = |m: String| EvalError::dataset(path, line, m);
        let parse_json = |s: &str, what: &str| -> Result<Value> {
            if s.trim().is_empty() {
                return Ok(Value::Null);
            }
            serde_json::from_str(s).map_err(|e| err(format!("`{what}` is not JSON: {e}")))
        };
        let vars: BTreeMap<String, Value> = match parse_json(&row.vars, "vars")? {
            Value::Null => BTreeMap::new(),
            v => serde_json::from_value(v).map_err(|e| err(format!("`vars`: {e}")))?,
        };
        let assertions: Vec<AssertionVerdict> = match parse_json(&row.assertions, "assertions")? {
            Value::Null => Vec::new(),
            v => serde_json::from_value(v).map_err(|e| err(format!("`assertions`: {e}")))?,
        };
        let judge_pass = match row.judge_verdict.trim() {
            "pass" => Some(true),
            "fail" => Some(false),
            "error" | "" => None,
            other => {
                return Err(err(format!(
                    "judge_verdict must be pass, fail or error, got `{other}`"
                )));
            }
        };
        let human_label = if row.human_label.trim().is_empty() {
            None
        } else {
            Some(row.human_label.parse::<HumanLabel>().map_err(err)?)
        };
        let opt = |s: String| (!s.is_empty()).then_some(s);
        out.push(ReviewItem {
            id: row.id,
            case_id: row.case_id,
            repeat: row.repeat,
            vars,
            expected: opt(row.expected),
            output: opt(row.output),
            judge_pass,
            judge_score: row.judge_score,
            judge_reason: row.judge_reason,
            assertions,
            human_label,
            note: opt(row.note),
            reviewer: opt(row.reviewer),
            labeled_at: None,
            skipped: false,
        });
    }
    Ok(out)
}

/// Labelled items as dataset cases: a `pass` output becomes the case's `expected` (a
/// reference people approved), a `fail` keeps the old `expected` and the rejected output in
/// metadata; tags `human:pass`/`human:fail`; metadata has the note, the reviewer and the run's
/// verdict. Unlabelled items are left out; one case per case id (its first labelled repeat).
pub fn labeled_cases(items: &[ReviewItem]) -> Vec<Case> {
    let mut seen = std::collections::HashSet::new();
    let mut out = Vec::new();
    for i in items {
        let Some(label) = i.human_label else { continue };
        if !seen.insert(i.case_id.clone()) {
            continue;
        }
        let mut c = Case::new(i.case_id.clone());
        c.eval.vars = i.vars.clone();
        c.eval.expected = match label {
            HumanLabel::Pass => i.output.clone().or_else(|| i.expected.clone()),
            HumanLabel::Fail => i.expected.clone(),
        };
        c.eval.tags.push(format!("human:{}", label.as_str()));
        let m = &mut c.metadata;
        m.insert("human_label".into(), Value::from(label.as_str()));
        if label == HumanLabel::Fail
            && let Some(o) = &i.output
        {
            m.insert("rejected_output".into(), Value::from(o.clone()));
        }
        if let Some(n) = &i.note {
            m.insert("review_note".into(), Value::from(n.clone()));
        }
        if let Some(r) = &i.reviewer {
            m.insert("reviewer".into(), Value::from(r.clone()));
        }
        if let Some(j) = i.judge_pass {
            m.insert("judge_pass".into(), Value::from(j));
        }
        out.push(c);
    }
    out
}

/// Agreement of two raters on pass/fail: the confusion counts, accuracy and Cohen's kappa.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AgreementStats {
    /// Items compared.
    pub n: u32,
    /// Both pass.
    pub both_pass: u32,
    /// Both fail.
    pub both_fail: u32,
    /// The judge passed what the human failed.
    pub judge_pass_human_fail: u32,
    /// The judge failed what the human passed.
    pub judge_fail_human_pass: u32,
    /// Share of items where they agree.
    pub accuracy: f64,
    /// Cohen's kappa `(pₒ − pₑ) / (1 − pₑ)`; `None` when undefined (no items, or both raters
    /// gave every item the same single label, so `pₑ = 1`).
    pub kappa: Option<f64>,
}

impl AgreementStats {
    /// From (judge, human) pairs.
    ///
    /// ```
    /// use llmops_eval::review::AgreementStats;
    /// // 20 both pass, 15 both fail, 5 judge-pass/human-fail, 10 judge-fail/human-pass
    /// let mut pairs = vec![(true, true); 20];
    /// pairs.extend(vec![(false, false); 15]);
    /// pairs.extend(vec![(true, false); 5]);
    /// pairs.extend(vec![(false, true); 10]);
    /// let s = AgreementStats::from_pairs(pairs);
    /// assert_eq!(s.accuracy, 0.7);
    /// assert!((s.kappa.unwrap() - 0.4).abs() < 1e-12);
    /// ```
    pub fn from_pairs(pairs: impl IntoIterator<Item = (bool, bool)>) -> Self {
        let mut s = AgreementStats::default();
        for (judge, human) in pairs {
            s.n += 1;
            match (judge, human) {
                (true, true) => s.both_pass += 1,
                (false, false) => s.both_fail += 1,
                (true, false) => s.judge_pass_human_fail += 1,
                (false, true) => s.judge_fail_human_pass += 1,
            }
        }
        if s.n == 0 {
            return s;
        }
        let n = f64::from(s.n);
        let po = f64::from(s.both_pass + s.both_fail) / n;
        let judge_yes = f64::from(s.both_pass + s.judge_pass_human_fail) / n;
        let human_yes = f64::from(s.both_pass + s.judge_fail_human_pass) / n;
        let pe = judge_yes * human_yes + (1.0 - judge_yes) * (1.0 - human_yes);
        s.accuracy = po;
        s.kappa = (pe < 1.0).then(|| (po - pe) / (1.0 - pe));
        s
    }
}

/// The judge's agreement with people over a set of labelled items.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Agreement {
    /// The run's case verdict against the human label.
    pub overall: AgreementStats,
    /// Each assertion type's verdict against the human label (`llm-rubric`, `similar` ...).
    pub per_assertion: BTreeMap<String, AgreementStats>,
    /// Labelled items left out because the run errored on them (no verdict to compare).
    pub errored: u32,
}

/// How often the run's verdicts agree with the human labels (unlabelled and skipped items
/// are left out; errored verdicts are counted apart).
pub fn agreement(items: &[ReviewItem]) -> Agreement {
    let mut overall = Vec::new();
    let mut per: BTreeMap<String, Vec<(bool, bool)>> = BTreeMap::new();
    let mut errored = 0;
    for i in items {
        let Some(label) = i.human_label else { continue };
        let human = label.is_pass();
        match i.judge_pass {
            Some(j) => overall.push((j, human)),
            None => errored += 1,
        }
        for a in &i.assertions {
            if let Some(p) = a.pass {
                per.entry(a.kind.clone()).or_default().push((p, human));
            }
        }
    }
    Agreement {
        overall: AgreementStats::from_pairs(overall),
        per_assertion: per
            .into_iter()
            .map(|(k, v)| (k, AgreementStats::from_pairs(v)))
            .collect(),
        errored,
    }
}

/// One queue decision, as persisted (one JSON line each).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Decision {
    id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    label: Option<HumanLabel>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    reviewer: Option<String>,
    at: DateTime<Utc>,
}

/// A review queue the host can serve (an HTTP handler, a CLI, a notebook): items waiting for a
/// person, labels and skips, safe to share between threads (`&self` methods behind a mutex).
/// With [`ReviewQueue::persisted`], every decision is appended to a JSONL file and replayed
/// when the queue is opened again, so a restart loses nothing.
///
/// ```
/// use llmops_eval::review::{HumanLabel, ReviewQueue};
/// # let items = llmops_eval::review::tests_support::items(&["a", "b"]);
/// let q = ReviewQueue::new(items);
/// assert_eq!(q.pending().len(), 2);
/// q.label("a", HumanLabel::Fail, Some("cites the wrong policy"), "ana").unwrap();
/// q.skip("b").unwrap();
/// assert!(q.pending().is_empty());
/// assert!(q.label("zzz", HumanLabel::Pass, None, "ana").is_err());
/// assert_eq!(q.export()[0].human_label, Some(HumanLabel::Fail));
/// ```
#[derive(Debug)]
pub struct ReviewQueue {
    state: Mutex<QueueState>,
}

#[derive(Debug)]
struct QueueState {
    items: Vec<ReviewItem>,
    index: HashMap<String, usize>,
    log: Option<PathBuf>,
}

impl ReviewQueue {
    /// An in-memory queue.
    pub fn new(items: Vec<ReviewItem>) -> Self {
        let index = items
            .iter()
            .enumerate()
            .map(|(i, it)| (it.id.clone(), i))
            .collect();
        ReviewQueue {
            state: Mutex::new(QueueState {
                items,
                index,
                log: None,
            }),
        }
    }

    /// A queue whose decisions are appended to `log` (JSONL), replaying the decisions already
    /// there. A malformed line, or a decision about an item the queue does not hold, is an
    /// error naming the line.
    pub fn persisted(items: Vec<ReviewItem>, log: impl Into<PathBuf>) -> Result<Self> {
        let log = log.into();
        let q = ReviewQueue::new(items);
        if log.exists() {
            let text = std::fs::read_to_string(&log).map_err(|e| EvalError::io(&log, e))?;
            let mut st = q.lock();
            for (n, line) in text.lines().enumerate() {
                if line.trim().is_empty() {
                    continue;
                }
                let d: Decision = serde_json::from_str(line)
                    .map_err(|e| EvalError::dataset(&log, n + 1, e.to_string()))?;
                st.apply(&d)
                    .map_err(|m| EvalError::dataset(&log, n + 1, m))?;
            }
            drop(st);
        }
        q.lock().log = Some(log);
        Ok(q)
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, QueueState> {
        // A panic while holding the lock cannot leave the state half-written (every update
        // is one assignment after validation), so a poisoned lock is still usable.
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Items with no label that were not skipped, in order.
    pub fn pending(&self) -> Vec<ReviewItem> {
        self.lock()
            .items
            .iter()
            .filter(|i| i.human_label.is_none() && !i.skipped)
            .cloned()
            .collect()
    }

    /// Labels an item (a later label replaces an earlier one, and un-skips it).
    pub fn label(
        &self,
        id: &str,
        label: HumanLabel,
        note: Option<&str>,
        reviewer: &str,
    ) -> Result<()> {
        self.decide(Decision {
            id: id.to_owned(),
            label: Some(label),
            note: note.map(str::to_owned),
            reviewer: Some(reviewer.to_owned()),
            at: Utc::now(),
        })
    }

    /// Skips an item (it leaves [`ReviewQueue::pending`] without a label).
    pub fn skip(&self, id: &str) -> Result<()> {
        self.decide(Decision {
            id: id.to_owned(),
            label: None,
            note: None,
            reviewer: None,
            at: Utc::now(),
        })
    }

    fn decide(&self, d: Decision) -> Result<()> {
        let mut st = self.lock();
        if !st.index.contains_key(&d.id) {
            return Err(EvalError::Config(format!("review: no item `{}`", d.id)));
        }
        if let Some(log) = st.log.clone() {
            let line = serde_json::to_string(&d)
                .map_err(|e| EvalError::io(&log, std::io::Error::other(e)))?;
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&log)
                .map_err(|e| EvalError::io(&log, e))?;
            writeln!(f, "{line}").map_err(|e| EvalError::io(&log, e))?;
        }
        st.apply(&d).map_err(EvalError::Config)
    }

    /// Every item with its current label (what [`write_jsonl`], [`agreement`] and
    /// [`labeled_cases`] take).
    pub fn export(&self) -> Vec<ReviewItem> {
        self.lock().items.clone()
    }

    /// Counts: (labelled, skipped, pending).
    pub fn progress(&self) -> (usize, usize, usize) {
        let st = self.lock();
        let labelled = st.items.iter().filter(|i| i.human_label.is_some()).count();
        let skipped = st
            .items
            .iter()
            .filter(|i| i.human_label.is_none() && i.skipped)
            .count();
        (labelled, skipped, st.items.len() - labelled - skipped)
    }
}

impl QueueState {
    fn apply(&mut self, d: &Decision) -> std::result::Result<(), String> {
        let at = *self
            .index
            .get(&d.id)
            .ok_or_else(|| format!("review: no item `{}`", d.id))?;
        let item = self
            .items
            .get_mut(at)
            .ok_or_else(|| format!("review: no item `{}`", d.id))?;
        match d.label {
            Some(l) => {
                item.human_label = Some(l);
                item.note = d.note.clone();
                item.reviewer = d.reviewer.clone();
                item.labeled_at = Some(d.at);
                item.skipped = false;
            }
            None => item.skipped = true,
        }
        Ok(())
    }
}

#[doc(hidden)]
/// Helpers for doc examples.
pub mod tests_support {
    use super::ReviewItem;

    /// Unlabelled items with these ids.
    pub fn items(ids: &[&str]) -> Vec<ReviewItem> {
        ids.iter()
            .map(|id| ReviewItem {
                id: (*id).to_owned(),
                case_id: (*id).to_owned(),
                repeat: 0,
                vars: Default::default(),
                expected: None,
                output: Some(format!("output of {id}")),
                judge_pass: Some(true),
                judge_score: 1.0,
                judge_reason: String::new(),
                assertions: Vec::new(),
                human_label: None,
                note: None,
                reviewer: None,
                labeled_at: None,
                skipped: false,
            })
            .collect()
    }
}
