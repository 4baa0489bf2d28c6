//! Cases from real traffic: logged exchanges (core's [`ExchangeRecord`], read from the request
//! log by the CLI) and user [`Feedback`] become dataset cases a team reviews and commits.
//!
//! Each case's `messages` are the request's messages (and `vars` the prompt's variables when
//! the exchange rendered a registered prompt); `expected` stays empty unless
//! [`FromLogOptions::as_reference`] takes the logged answer as the reference. Metadata keeps
//! where the case came from: `origin_request_id`, `model`, `prompt` (`name/version`),
//! `outcome`, `feedback` (scores, labels and comments) and `occurrences` (identical inputs are
//! merged into one case). Failures (any outcome but completed) come first, then exchanges a
//! user flagged (a feedback score ≤ [`FromLogOptions::flag_threshold`], or any label), then
//! the rest, each group in log order.

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::Path;

use llmops_core::{ExchangeRecord, Feedback, FeedbackValue};
use serde_json::{Value, json};

use crate::{Case, EvalError, Result};

/// What to import.
///
/// ```
/// use llmops_eval::dataset::FromLogOptions;
/// let opts = FromLogOptions::default().limit(50).only_flagged(true).tag("from-log");
/// assert_eq!(opts.limit, Some(50));
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FromLogOptions {
    /// At most this many cases (after ordering and deduplication).
    pub limit: Option<usize>,
    /// Only failures and user-flagged exchanges.
    pub only_flagged: bool,
    /// Take the logged answer as `expected` (a reference for similarity or regression checks).
    pub as_reference: bool,
    /// A tag every case gets.
    pub tag: Option<String>,
    /// A feedback score at or below this flags the exchange (default 0: thumbs down).
    pub flag_threshold: f64,
    /// Id prefix (`log` → `log-<request id>`).
    pub id_prefix: String,
}

impl Default for FromLogOptions {
    fn default() -> Self {
        FromLogOptions {
            limit: None,
            only_flagged: false,
            as_reference: false,
            tag: None,
            flag_threshold: 0.0,
            id_prefix: "log".to_owned(),
        }
    }
}

impl FromLogOptions {
    /// With a limit.
    #[must_use]
    pub fn limit(mut self, n: usize) -> Self {
        self.limit = Some(n);
        self
    }

    /// Only failures and flagged exchanges.
    #[must_use]
    pub fn only_flagged(mut self, yes: bool) -> Self {
        self.only_flagged = yes;
        self
    }

    /// The logged answer as `expected`.
    #[must_use]
    pub fn as_reference(mut self, yes: bool) -> Self {
        self.as_reference = yes;
        self
    }

    /// A tag for every case.
    #[must_use]
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tag = Some(tag.into());
        self
    }

    /// The score at or below which feedback flags an exchange.
    #[must_use]
    pub fn flag_threshold(mut self, t: f64) -> Self {
        self.flag_threshold = t;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Group {
    Failed,
    Flagged,
    Rest,
}

/// Builds cases from logged exchanges and feedback (see the module docs).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")] async fn main() {
/// use llmops_core::{ChatRequest, Client, Feedback, MemoryObserver, ScriptedProvider};
/// use llmops_eval::dataset::{cases_from_log, FromLogOptions};
/// let seen = MemoryObserver::new();
/// let client = Client::builder().provider(ScriptedProvider::new().reply("30 days").reply("Yes")).observer(seen.clone()).build().unwrap();
/// client.chat(ChatRequest::new("scripted/m").user("Refund window?")).await.unwrap();
/// client.chat(ChatRequest::new("scripted/m").user("Ship abroad?")).await.unwrap();
/// client.flush().await.unwrap();
/// let recs = seen.records();
/// let thumbs_down = Feedback::new(recs[1].request_id.clone(), 0.0, Some("wrong")).unwrap();
/// let cases = cases_from_log(&recs, &[thumbs_down], &FromLogOptions::default());
/// assert_eq!(cases[0].eval.messages[0].text(), "Ship abroad?"); // flagged first
/// assert_eq!(cases[0].metadata["flagged"], true);
/// # }
/// ```
pub fn cases_from_log(
    records: &[ExchangeRecord],
    feedback: &[Feedback],
    opts: &FromLogOptions,
) -> Vec<Case> {
    let mut by_request: HashMap<&str, Vec<&Feedback>> = HashMap::new();
    for f in feedback {
        by_request.entry(f.request_id.as_str()).or_default().push(f);
    }
    let mut ranked: Vec<(Group, usize, &ExchangeRecord)> = records
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let fb = by_request.get(r.request_id.as_str());
            let flagged = fb.is_some_and(|fs| fs.iter().any(|f| flags(f, opts.flag_threshold)));
            let group = if !r.outcome.is_completed() {
                Group::Failed
            } else if flagged {
                Group::Flagged
            } else {
                Group::Rest
            };
            (group, i, r)
        })
        .filter(|(g, _, _)| !opts.only_flagged || *g != Group::Rest)
        .collect();
    ranked.sort_by_key(|(g, i, _)| (*g, *i));

    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut out: Vec<Case> = Vec::new();
    for (group, _, rec) in ranked {
        let key = input_key(rec);
        if let Some(&at) = seen.get(&key) {
            if let Some(c) = out.get_mut(at) {
                let n = c
                    .metadata
                    .get("occurrences")
                    .and_then(Value::as_u64)
                    .unwrap_or(1);
                c.metadata.insert("occurrences".into(), json!(n + 1));
            }
            continue;
        }
        if opts.limit.is_some_and(|l| out.len() >= l) {
            continue;
        }
        let fb = by_request
            .get(rec.request_id.as_str())
            .map_or(&[][..], Vec::as_slice);
        seen.insert(key, out.len());
        out.push(case_of(rec, fb, group, opts));
    }
    out
}

fn flags(f: &Feedback, threshold: f64) -> bool {
    match &f.value {
        FeedbackValue::Score(s) => *s <= threshold,
        FeedbackValue::Label(_) => true,
    }
}

/// Identical inputs: the same messages, tools and prompt call.
fn input_key(rec: &ExchangeRecord) -> String {
    json!({
        "messages": &*rec.request.messages,
        "tools": &*rec.request.tools,
        "prompt": rec.request.prompt,
    })
    .to_string()
}

fn case_of(rec: &ExchangeRecord, fb: &[&Feedback], group: Group, opts: &FromLogOptions) -> Case {
    let mut case = Case::new(format!("{}-{}", opts.id_prefix, rec.request_id));
    case.eval.messages = rec.request.messages.to_vec();
    if let Some(p) = &rec.request.prompt {
        case.eval.vars = p.vars.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    }
    if opts.as_reference
        && rec.outcome.is_completed()
        && let Some(resp) = &rec.response
    {
        case.eval.expected = Some(resp.text.clone());
    }
    if let Some(t) = &opts.tag {
        case.eval.tags.push(t.clone());
    }
    let m = &mut case.metadata;
    m.insert("origin_request_id".into(), json!(rec.request_id));
    m.insert(
        "model".into(),
        json!(
            rec.model_answered
                .as_deref()
                .unwrap_or(&rec.model_requested)
        ),
    );
    if let Some(p) = &rec.prompt {
        m.insert("prompt".into(), json!(format!("{}/{}", p.name, p.version)));
    }
    m.insert("outcome".into(), json!(rec.outcome.as_str()));
    if let llmops_core::Outcome::Failed { message, .. } = &rec.outcome {
        m.insert("error".into(), json!(message));
    }
    if !opts.as_reference
        && let Some(resp) = &rec.response
    {
        m.insert("logged_answer".into(), json!(resp.text));
    }
    if group == Group::Flagged {
        m.insert("flagged".into(), json!(true));
    }
    if !fb.is_empty() {
        let items: Vec<Value> = fb
            .iter()
            .map(|f| {
                let mut o = BTreeMap::new();
                match &f.value {
                    FeedbackValue::Score(s) => o.insert("score", json!(s)),
                    FeedbackValue::Label(l) => o.insert("label", json!(l)),
                };
                if let Some(c) = &f.comment {
                    o.insert("comment", json!(c));
                }
                json!(o)
            })
            .collect();
        m.insert("feedback".into(), Value::Array(items));
    }
    case
}

/// Writes cases as JSONL (the format [`crate::dataset::jsonl`] reads back), one per line.
///
/// ```
/// use llmops_eval::{Case, dataset::{jsonl, write_jsonl}};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("imported.jsonl");
/// write_jsonl(&path, &[Case::new("log-1").var("q", "hi").tag("from-log")]).unwrap();
/// let back = jsonl::parse(&std::fs::read_to_string(&path).unwrap(), &path).unwrap();
/// assert_eq!((back[0].id(), back[0].eval.tags.as_slice()), ("log-1", &["from-log".to_owned()][..]));
/// ```
pub fn write_jsonl(path: impl AsRef<Path>, cases: &[Case]) -> Result<()> {
    let path = path.as_ref();
    let file = std::fs::File::create(path).map_err(|e| EvalError::io(path, e))?;
    let mut w = std::io::BufWriter::new(file);
    for c in cases {
        let mut v = serde_json::to_value(c)
            .map_err(|e| EvalError::Config(format!("case `{}`: {e}", c.id())))?;
        if let Some(o) = v.as_object_mut() {
            o.remove("source");
        }
        serde_json::to_writer(&mut w, &v)
            .map_err(|e| EvalError::io(path, std::io::Error::other(e)))?;
        w.write_all(b"\n").map_err(|e| EvalError::io(path, e))?;
    }
    w.flush().map_err(|e| EvalError::io(path, e))
}
