//! Replay: re-run a logged exchange and show what changed, so a wrong answer can be explained
//! (and a fix checked) after the fact.
//!
//! [`run`] takes an [`ExchangeRecord`] read from the [`RequestLog`](crate::RequestLog) and a
//! [`Client`], sends the logged request again and returns a [`ReplayReport`]: which request
//! was sent ([`SentRequest`]), the original reply next to the new one (text, tool calls, finish
//! reason, usage, cost, model) and a line diff of the reply text.
//!
//! What is sent is the request **as logged**: after prompt rendering and input guards, with the
//! parameters that were in force, and after the request log's redactor. When the redactor
//! changed the request, the model sees the redacted text and the report says so
//! ([`Redaction::Redacted`]); keeping the original (reversible pseudonymisation) comes with the
//! guard layer. The model is the reference the caller asked for
//! ([`ExchangeRecord::model_requested`]), resolved again by the client, so routing applies as
//! it does today. A replay is never silent traffic: its caller carries the tag
//! [`REPLAY_TAG`]` = <original request id>`, which the request log keeps and the metrics count
//! as `replays`.
//!
//! ```
//! use llmops_core::{ChatRequest, Client, MemoryObserver, ScriptedProvider};
//! use llmops_trace::replay;
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let seen = MemoryObserver::new();
//! let before = Client::builder().provider(ScriptedProvider::new().reply("Paris")).observer(seen.clone()).build().unwrap();
//! before.chat(ChatRequest::new("scripted/m").user("Capital of France?")).await.unwrap();
//! let record = seen.take().remove(0);
//!
//! let after = Client::builder().provider(ScriptedProvider::new().reply("Lyon")).build().unwrap();
//! let report = replay::run(&after, &record).await;
//! assert!(!report.identical);
//! assert!(report.render().contains("- Paris\n+ Lyon"));
//! # });
//! ```

use std::fmt::Write as _;

use llmops_core::{
    ChatRequest, ChatResponse, Client, Cost, ExchangeRecord, FinishReason, Outcome, ToolCall, Usage,
};
use serde::Serialize;
use similar::{ChangeTag, TextDiff};

use crate::request_log::LineRedaction;

/// The caller tag a replayed request carries; its value is the original request id.
pub const REPLAY_TAG: &str = "replay_of";

/// Which request a replay sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SentRequest {
    /// The request as the request log stored it (after its redactor).
    Logged {
        /// What the redactor did to it.
        redaction: Redaction,
    },
}

/// What the request log's redactor did to the logged request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Redaction {
    /// Nothing was redacted in the request: it is the request that was sent.
    Unchanged {
        /// The redactor's name.
        redactor: String,
    },
    /// The redactor replaced parts of the request: the replay sends the redacted text.
    Redacted {
        /// The redactor's name.
        redactor: String,
    },
    /// The log line does not say (an older line, or a record not read from a request log).
    Unknown,
}

impl SentRequest {
    fn of(record: &ExchangeRecord) -> Self {
        let redaction = match LineRedaction::of(record) {
            Some(r) if r.request_changed => Redaction::Redacted {
                redactor: r.redactor,
            },
            Some(r) => Redaction::Unchanged {
                redactor: r.redactor,
            },
            None => Redaction::Unknown,
        };
        SentRequest::Logged { redaction }
    }

    /// One line for people.
    pub fn describe(&self) -> String {
        match self {
            SentRequest::Logged {
                redaction: Redaction::Unchanged { redactor },
            } => format!(
                "as logged, unchanged by the `{redactor}` redactor: the request originally sent"
            ),
            SentRequest::Logged {
                redaction: Redaction::Redacted { redactor },
            } => format!(
                "as logged, after the `{redactor}` redactor replaced parts of it: the model saw the redacted text, not the original"
            ),
            SentRequest::Logged {
                redaction: Redaction::Unknown,
            } => "as logged (after redaction)".to_owned(),
        }
    }
}

/// One side of a replay: the logged original or the new reply.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReplaySide {
    /// The exchange's request id (unknown when the replay failed before one was reported).
    pub request_id: Option<String>,
    /// `completed`, `failed` …
    pub outcome: String,
    /// The error, when it failed (`class: message`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The provider that answered.
    pub provider: Option<String>,
    /// The model the provider said answered.
    pub model_answered: Option<String>,
    /// The reply text.
    pub text: String,
    /// The tool calls made.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// Why generation stopped.
    pub finish_reason: Option<FinishReason>,
    /// Token usage.
    pub usage: Usage,
    /// Cost.
    pub cost: Cost,
}

impl ReplaySide {
    fn original(r: &ExchangeRecord) -> Self {
        let resp = r.response.as_ref();
        ReplaySide {
            request_id: Some(r.request_id.clone()),
            outcome: r.outcome.as_str().to_owned(),
            error: match &r.outcome {
                Outcome::Failed { error, message } => Some(format!("{error}: {message}")),
                _ => None,
            },
            provider: r.provider.clone(),
            model_answered: r.model_answered.clone(),
            text: resp.map(|x| x.text.clone()).unwrap_or_default(),
            tool_calls: resp.map(|x| x.tool_calls.clone()).unwrap_or_default(),
            finish_reason: resp.and_then(|x| x.finish_reason.clone()),
            usage: r.usage,
            cost: r.cost.clone(),
        }
    }

    fn replayed(res: llmops_core::Result<ChatResponse>) -> Self {
        match res {
            Ok(r) => ReplaySide {
                request_id: Some(r.meta.request_id.clone()),
                outcome: "completed".to_owned(),
                error: None,
                provider: Some(r.meta.provider.clone()),
                model_answered: r.meta.model_answered.clone(),
                text: r.text(),
                tool_calls: r.tool_calls().to_vec(),
                finish_reason: r.finish_reason.clone(),
                usage: r.usage,
                cost: r.meta.cost.clone(),
            },
            Err(e) => ReplaySide {
                request_id: None,
                outcome: "failed".to_owned(),
                error: Some(format!("{}: {e}", e.class())),
                provider: None,
                model_answered: None,
                text: String::new(),
                tool_calls: Vec::new(),
                finish_reason: None,
                usage: Usage::default(),
                cost: Cost::unknown("the replay failed"),
            },
        }
    }

    fn calls(&self) -> Vec<(&str, &str)> {
        // call ids are minted per response: compare what was called, with what
        self.tool_calls
            .iter()
            .map(|c| (c.name.as_str(), c.arguments.as_str()))
            .collect()
    }
}

/// How a line of the reply diff changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LineChange {
    /// In both replies.
    Same,
    /// Only in the original (`-`).
    Removed,
    /// Only in the replay (`+`).
    Added,
}

/// One line of the reply diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct DiffLine {
    /// Same, removed or added.
    pub change: LineChange,
    /// The line, without its newline.
    pub text: String,
}

/// What a replay found.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ReplayReport {
    /// The request id of the exchange replayed.
    pub replay_of: String,
    /// The model reference asked for (resolved again by the replaying client).
    pub model_requested: String,
    /// Which request was sent.
    pub sent: SentRequest,
    /// How the replay differs from the original run in ways that are not the answer itself
    /// (streamed then, not now; the prompt was not rendered again …).
    pub notes: Vec<String>,
    /// The logged exchange.
    pub original: ReplaySide,
    /// The new one.
    pub replay: ReplaySide,
    /// A line diff of the reply text, original to replay.
    pub text_diff: Vec<DiffLine>,
    /// What differs in the answer: `outcome`, `text`, `tool_calls`, `finish_reason` (usage,
    /// cost and the answering model are shown, not compared).
    pub changes: Vec<String>,
    /// Whether the answer is the same (`changes` is empty).
    pub identical: bool,
}

/// The request a replay of `record` sends: the logged request, for the model reference the
/// caller asked for, its caller tagged [`REPLAY_TAG`]; a prompt already rendered into the
/// logged messages is not rendered again.
pub fn request_for(record: &ExchangeRecord) -> ChatRequest {
    let mut req = record.request.clone();
    req.model.clone_from(&record.model_requested);
    if record.prompt.is_some() && !req.messages.is_empty() {
        req.prompt = None;
    }
    let caller = (*req.caller)
        .clone()
        .tag(REPLAY_TAG, record.request_id.clone());
    req.caller(caller)
}

fn notes(record: &ExchangeRecord) -> Vec<String> {
    let mut n = Vec::new();
    if record.stream {
        n.push("the original was streamed; the replay asks for the whole reply".to_owned());
    }
    if let Some(p) = &record.prompt {
        n.push(format!(
            "prompt {}/{} as rendered then (not rendered again)",
            p.name, p.version
        ));
    }
    if record.scripted {
        n.push("the original reply came from a scripted provider".to_owned());
    }
    if !record.retrieved.is_empty() {
        n.push(
            "retrieved chunks are part of the logged messages; retrieval is not run again"
                .to_owned(),
        );
    }
    n
}

fn diff(old: &str, new: &str) -> Vec<DiffLine> {
    TextDiff::from_lines(old, new)
        .iter_all_changes()
        .map(|c| DiffLine {
            change: match c.tag() {
                ChangeTag::Equal => LineChange::Same,
                ChangeTag::Delete => LineChange::Removed,
                ChangeTag::Insert => LineChange::Added,
            },
            text: c.value().trim_end_matches(['\n', '\r']).to_owned(),
        })
        .collect()
}

/// Replays `record` through `client` (see the [module docs](self)). A replay that fails is
/// reported, not returned as an error: the failure is the difference.
pub async fn run(client: &Client, record: &ExchangeRecord) -> ReplayReport {
    let res = client.chat(request_for(record)).await;
    ReplayReport::new(record, ReplaySide::replayed(res))
}

impl ReplayReport {
    fn new(record: &ExchangeRecord, replay: ReplaySide) -> Self {
        let original = ReplaySide::original(record);
        let mut changes = Vec::new();
        if original.outcome != replay.outcome {
            changes.push("outcome".to_owned());
        }
        if original.text != replay.text {
            changes.push("text".to_owned());
        }
        if original.calls() != replay.calls() {
            changes.push("tool_calls".to_owned());
        }
        if original.finish_reason != replay.finish_reason {
            changes.push("finish_reason".to_owned());
        }
        ReplayReport {
            replay_of: record.request_id.clone(),
            model_requested: record.model_requested.clone(),
            sent: SentRequest::of(record),
            notes: notes(record),
            text_diff: diff(&original.text, &replay.text),
            identical: changes.is_empty(),
            changes,
            original,
            replay,
        }
    }

    /// Whether the replay itself failed (no reply to compare).
    pub fn replay_failed(&self) -> bool {
        self.replay.error.is_some()
    }

    /// The report for people: side by side, then the reply diff with `-`/`+` lines.
    pub fn render(&self) -> String {
        let mut out = String::new();
        let (o, r) = (&self.original, &self.replay);
        let _ = writeln!(
            out,
            "replay of  {} as {} (tagged {REPLAY_TAG}={})",
            self.replay_of,
            r.request_id.as_deref().unwrap_or("-"),
            self.replay_of
        );
        let _ = writeln!(out, "request    {}", self.sent.describe());
        let _ = writeln!(out, "model      asked {}", self.model_requested);
        for n in &self.notes {
            let _ = writeln!(out, "note       {n}");
        }
        let row = |out: &mut String, name: &str, a: String, b: String| {
            let mark = if a == b { ' ' } else { '*' };
            let _ = writeln!(out, "{mark}{name:<10}{a:<38} {b}");
        };
        let _ = writeln!(out, " {:<10}{:<38} replay", "", "original");
        let outcome = |s: &ReplaySide| match &s.error {
            Some(e) => format!("{} ({e})", s.outcome),
            None => s.outcome.clone(),
        };
        row(&mut out, "outcome", outcome(o), outcome(r));
        let answered = |s: &ReplaySide| {
            format!(
                "{} via {}",
                s.model_answered.as_deref().unwrap_or("?"),
                s.provider.as_deref().unwrap_or("?")
            )
        };
        row(&mut out, "answered", answered(o), answered(r));
        let finish = |s: &ReplaySide| {
            s.finish_reason
                .as_ref()
                .map_or_else(|| "-".to_owned(), ToString::to_string)
        };
        row(&mut out, "finish", finish(o), finish(r));
        let usage = |s: &ReplaySide| {
            format!(
                "{} in / {} out",
                s.usage.input_tokens, s.usage.output_tokens
            )
        };
        row(&mut out, "usage", usage(o), usage(r));
        let cost = |s: &ReplaySide| match s.cost.known() {
            Some(m) => m.to_string(),
            None => "unknown".to_owned(),
        };
        row(&mut out, "cost", cost(o), cost(r));
        if o.calls() != r.calls() || !o.tool_calls.is_empty() {
            let calls = |s: &ReplaySide| {
                s.calls()
                    .iter()
                    .map(|(n, a)| format!("{n}({a})"))
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            row(&mut out, "tools", calls(o), calls(r));
        }
        let _ = writeln!(out, "reply diff (- original, + replay):");
        for l in &self.text_diff {
            let sign = match l.change {
                LineChange::Same => ' ',
                LineChange::Removed => '-',
                LineChange::Added => '+',
            };
            let _ = writeln!(out, "{sign} {}", l.text);
        }
        if self.identical {
            let _ = writeln!(out, "result     identical");
        } else {
            let _ = writeln!(out, "result     different: {}", self.changes.join(", "));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_marks_removed_and_added_lines() {
        let d = diff("a\nb\nc", "a\nB\nc");
        let marks: Vec<(LineChange, &str)> =
            d.iter().map(|l| (l.change, l.text.as_str())).collect();
        assert_eq!(
            marks,
            [
                (LineChange::Same, "a"),
                (LineChange::Removed, "b"),
                (LineChange::Added, "B"),
                (LineChange::Same, "c"),
            ]
        );
    }
}
