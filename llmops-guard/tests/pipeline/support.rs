//! Test detectors, a chunking provider, and the leak check.

use futures_util::StreamExt;
use llmops_core::{
    Capabilities, ChatRequest, ChatResponse, Client, Error, Exchange, ExchangeRecord, Finding,
    MemoryObserver, Outcome, Provider, Reply, Result, StreamEvent, TextSource, async_trait,
};
use llmops_guard::Detector;
use llmops_guard::pii::PiiScanner;
use llmops_guard::pipeline::{DetectorGuard, GuardSet, GuardsExt};
use regex::Regex;

// ---------------------------------------------------------------- test detectors and helpers

/// Finds every match of a regex, as one category.
pub(crate) struct Pattern {
    pub(crate) name: &'static str,
    pub(crate) category: &'static str,
    pub(crate) re: Regex,
    pub(crate) max: usize,
}

impl Detector for Pattern {
    fn name(&self) -> &str {
        self.name
    }
    fn scan(&self, text: &str, _source: TextSource, out: &mut Vec<Finding>) {
        for m in self.re.find_iter(text) {
            out.push(Finding::new(self.category, m.start(), m.end(), 0.95));
        }
    }
    fn max_match_len(&self) -> Option<usize> {
        Some(self.max)
    }
}

/// A fake API key shape (`sk-test-` + 24 alphanumerics), the prefix built at run time so the
/// repository holds no key-shaped literal.
pub(crate) fn fake_key() -> String {
    let prefix = ["s", "k", "-", "test", "-"].concat();
    format!("{prefix}{}", "Ab3dE6gH9jK2mN5pQ8rS1tU4")
}

pub(crate) fn secret_detector() -> Pattern {
    let prefix = ["s", "k", "-", "test", "-"].concat();
    Pattern {
        name: "secrets",
        category: "secret.test_key",
        re: Regex::new(&format!("{prefix}[A-Za-z0-9]{{24}}")).unwrap(),
        max: 40,
    }
}

/// A canary token (system-prompt leakage marker).
pub(crate) fn canary() -> String {
    format!("cnry-{:016x}", 0x5eed_1234_abcd_9876_u64)
}

pub(crate) fn canary_detector() -> Pattern {
    Pattern {
        name: "canary",
        category: "output.canary",
        re: Regex::new(&regex::escape(&canary())).unwrap(),
        max: canary().len(),
    }
}

/// Words with fixed categories.
pub(crate) fn words(list: &[(&str, &'static str)]) -> Pattern {
    let alts: Vec<String> = list.iter().map(|(w, _)| regex::escape(w)).collect();
    assert!(list.iter().all(|(_, c)| *c == list[0].1));
    Pattern {
        name: "words",
        category: list[0].1,
        re: Regex::new(&alts.join("|")).unwrap(),
        max: list.iter().map(|(w, _)| w.len()).max().unwrap(),
    }
}

/// Streams the given chunks, then a finish event.
pub(crate) struct Chunks(pub(crate) Vec<String>);

#[async_trait]
impl Provider for Chunks {
    fn name(&self) -> &str {
        "chunks"
    }
    fn capabilities(&self, _model: &str) -> Capabilities {
        Capabilities::all()
    }
    async fn chat(&self, req: &ChatRequest, _cx: &Exchange) -> Result<Reply> {
        let mut events: Vec<Result<StreamEvent>> = self
            .0
            .iter()
            .map(|c| Ok(StreamEvent::delta(c.clone())))
            .collect();
        events.push(Ok(StreamEvent::Finish {
            reason: llmops_core::FinishReason::Stop,
        }));
        if req.stream {
            Ok(Reply::Stream(Box::pin(futures_util::stream::iter(events))))
        } else {
            Ok(Reply::Full(ChatResponse::new(self.0.concat())))
        }
    }
}

/// What a streamed exchange delivered: each delta's text, the error that ended it, the record.
pub(crate) struct Streamed {
    pub(crate) deltas: Vec<String>,
    pub(crate) error: Option<Error>,
    pub(crate) record: ExchangeRecord,
}

impl Streamed {
    pub(crate) fn text(&self) -> String {
        self.deltas.concat()
    }
}

pub(crate) fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap()
}

pub(crate) async fn stream_chunks(set: GuardSet, chunks: Vec<String>) -> Streamed {
    let obs = MemoryObserver::new();
    let client = Client::builder()
        .provider(Chunks(chunks))
        .guards(set)
        .observer(obs.clone())
        .build()
        .unwrap();
    let mut s = client
        .chat_stream(ChatRequest::new("chunks/m").user("go"))
        .await
        .unwrap();
    let mut deltas = Vec::new();
    let mut error = None;
    while let Some(ev) = s.next().await {
        match ev {
            Ok(StreamEvent::Delta { text }) => deltas.push(text),
            Ok(_) => {}
            Err(e) => error = Some(e),
        }
    }
    drop(s);
    let record = obs.records().pop().unwrap();
    Streamed {
        deltas,
        error,
        record,
    }
}

pub(crate) fn output_guards() -> GuardSet {
    GuardSet::new()
        .output_guard(DetectorGuard::new("pii", PiiScanner::new()))
        .output_guard(DetectorGuard::new("secrets", secret_detector()))
        .output_guard(DetectorGuard::new("canary", canary_detector()))
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Expect {
    /// The leak is replaced by this placeholder.
    Redacted(&'static str),
    /// The stream is cut before the leak.
    Cut,
}

pub(crate) fn leaks() -> Vec<(String, Expect)> {
    vec![
        (
            "jane.doe@example.org".to_owned(),
            Expect::Redacted("<EMAIL_1>"),
        ),
        (fake_key(), Expect::Cut),
        (canary(), Expect::Cut),
    ]
}

pub(crate) const BEFORE: &str = "Voilà, the value you asked for: ";
pub(crate) const AFTER: &str = " — hope it helps, ünïcödé.";

/// Checks one delivery of `BEFORE + leak + AFTER` split into `chunks`: every delivered prefix is
/// a prefix of the safe answer, so no byte of the leak ever reached the caller.
pub(crate) fn check(
    leak: &str,
    expect: Expect,
    chunks: Vec<String>,
) -> std::result::Result<(), String> {
    let got = runtime().block_on(stream_chunks(output_guards(), chunks.clone()));
    let safe = match expect {
        Expect::Redacted(ph) => format!("{BEFORE}{ph}{AFTER}"),
        Expect::Cut => BEFORE.to_owned(),
    };
    let mut so_far = String::new();
    for d in &got.deltas {
        so_far.push_str(d);
        if !safe.starts_with(&so_far) {
            return Err(format!("{chunks:?}: released {so_far:?}"));
        }
    }
    let text = got.text();
    if text.contains(leak) || (leak.len() > 4 && text.contains(&leak[..5])) {
        return Err(format!("{chunks:?}: leaked into {text:?}"));
    }
    match expect {
        Expect::Redacted(_) => {
            if text != safe || got.error.is_some() {
                return Err(format!("{chunks:?}: {text:?} / {:?}", got.error));
            }
            let f = &got.record.guard_findings;
            if !(f.len() == 1 && f[0].action == "redact" && f[0].source == TextSource::Output) {
                return Err(format!("findings {f:?}"));
            }
        }
        Expect::Cut => {
            match &got.error {
                Some(Error::Guard(r))
                    if r.source == TextSource::Output && !r.category.is_empty() => {}
                other => return Err(format!("{chunks:?}: not cut: {text:?} {other:?}")),
            }
            if !matches!(got.record.outcome, Outcome::StreamCut { .. }) {
                return Err("outcome".into());
            }
            let blocked = got
                .record
                .guard_findings
                .iter()
                .any(|f| f.action == "block");
            if !blocked {
                return Err(format!("findings {:?}", got.record.guard_findings));
            }
        }
    }
    Ok(())
}

pub(crate) fn boundaries(s: &str) -> Vec<usize> {
    (1..s.len()).filter(|i| s.is_char_boundary(*i)).collect()
}

/// Splits `text` into chunks of the given sizes, moving each cut back to a char boundary.
pub(crate) fn chunk_by(text: &str, sizes: &[usize]) -> Vec<String> {
    let mut out = Vec::new();
    let mut at = 0;
    for s in sizes {
        if at >= text.len() {
            break;
        }
        let mut end = (at + s).min(text.len());
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        if end > at {
            out.push(text[at..end].to_owned());
            at = end;
        }
    }
    if at < text.len() {
        out.push(text[at..].to_owned());
    }
    out
}
