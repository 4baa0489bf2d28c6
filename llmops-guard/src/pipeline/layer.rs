//! [`GuardLayer`]: the pipeline's guard stage (core's [`CoreStage::Guard`]).

use std::sync::{Arc, Mutex};

use futures_util::StreamExt;
use llmops_core::{
    Caller, ChatRequest, ChatResponse, ChatStream, ClientBuilder, ContentPart, CoreStage, Exchange,
    GuardFinding, Middleware, Next, Reply, Result, StreamEvent, StreamTap, Tap, TextSource,
};

use super::restore::{GuardMapping, RestoreTap};
use super::rewrite::Redactions;
use super::set::{GuardSet, Kind};
use super::sources::{message_source, segments};
use crate::pii::{Mapping, restore};

/// The guard stage: runs a [`GuardSet`] on every input text and on the output.
///
/// **Inputs**, in message order, every text part: system, user and assistant messages by
/// role, tool messages as [`TextSource::ToolResult`], and inside messages the retrieved
/// context and tool outputs the RAG layer delimits (`<document>`, `<tool_output>`) as
/// [`TextSource::Retrieved`] / [`TextSource::ToolResult`]. Redactions rewrite the request that
/// goes on (copied once, only when something changed); a block refuses the exchange with
/// [`Error::Guard`](llmops_core::Error::Guard) (class `guard_blocked`) before anything is
/// sent. Tokens of placeholders and pseudonyms go into a [`GuardMapping`] in the exchange's
/// extensions.
///
/// **Outputs**: a full answer is checked as [`TextSource::Output`] (redact, block with
/// `Error::Guard`, hold: the approver is awaited). A stream gets each output guard's
/// [`stream_tap`](llmops_core::Guardrail::stream_tap) (incremental: see
/// [`OutputTap`](super::OutputTap)); when a guard may hold output or has no tap, the stream is
/// buffered instead: the caller receives nothing until the provider finished, every guard
/// checked the whole text and (on a hold) the approver decided; then the answer comes as one
/// text delta followed by the other events, or the stream yields one `Err(Error::Guard)`.
///
/// With [`GuardSet::restore_output`], the values behind the tokens are put back into the
/// answer last, after the output guards, so the caller sees them and the model never did.
///
/// Every decision but allow is recorded in the exchange's `guard_findings` (guard, source,
/// action, categories, highest score; for holds the approver's decision), which the record,
/// spans, metrics and the audit trail carry.
#[derive(Debug, Clone)]
pub struct GuardLayer {
    set: Arc<GuardSet>,
}

impl GuardLayer {
    /// The stage running `set`.
    pub fn new(set: GuardSet) -> Self {
        GuardLayer { set: Arc::new(set) }
    }

    /// Installs the layer at core's guard stage.
    pub fn install(self, builder: ClientBuilder) -> ClientBuilder {
        builder.core_layer(CoreStage::Guard, Arc::new(self))
    }
}

impl GuardSet {
    /// Installs this set as the client's guard stage (see [`GuardLayer`]).
    pub fn install(self, builder: ClientBuilder) -> ClientBuilder {
        GuardLayer::new(self).install(builder)
    }
}

/// `ClientBuilder::guards`: installs a [`GuardSet`] at the guard stage.
pub trait GuardsExt {
    /// Installs `set` as the client's guard stage (see [`GuardLayer`]).
    #[must_use]
    fn guards(self, set: GuardSet) -> Self;
}

impl GuardsExt for ClientBuilder {
    fn guards(self, set: GuardSet) -> Self {
        set.install(self)
    }
}

#[async_trait::async_trait]
impl Middleware for GuardLayer {
    fn name(&self) -> &str {
        "guard"
    }

    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        let mut redactions = Redactions::default();
        let caller = req.caller.clone();
        let req = check_inputs(&self.set, req, cx, &mut redactions).await?;
        let mapping = (!redactions.mapping().is_empty()).then(|| {
            let m = Arc::new(redactions.mapping().clone());
            cx.extensions.insert(GuardMapping(m.clone()));
            m
        });
        let restore_with = mapping.filter(|_| self.set.restore);
        match next.run(req, cx).await? {
            Reply::Full(r) => {
                let r = check_full(&self.set, r, cx, caller, &mut redactions, restore_with).await?;
                Ok(Reply::Full(r))
            }
            Reply::Stream(s) => Ok(Reply::Stream(guard_stream(
                &self.set,
                s,
                cx,
                caller,
                redactions,
                restore_with,
            ))),
        }
    }
}

/// Runs the input guards on every text of `req`; rewrites it when a guard redacted.
async fn check_inputs(
    set: &GuardSet,
    mut req: ChatRequest,
    cx: &mut Exchange,
    redactions: &mut Redactions,
) -> Result<ChatRequest> {
    if !set.entries.iter().any(|e| e.inputs) {
        return Ok(req);
    }
    let mut changes: Vec<(usize, usize, String)> = Vec::new();
    let mut findings = Vec::new();
    let mut result = Ok(());
    'messages: for (mi, m) in req.messages.iter().enumerate() {
        let source = message_source(m.role);
        for (pi, part) in m.content.iter().enumerate() {
            let Some(text) = part.as_text() else {
                continue;
            };
            let mut rewritten: Option<String> = None;
            let segs = segments(text, source);
            for (start, end, seg_source) in &segs {
                let seg = text.get(*start..*end).unwrap_or("");
                let out = set
                    .run(seg, *seg_source, Some(&*cx), redactions, &mut findings)
                    .await;
                match out {
                    Err(e) => {
                        result = Err(e);
                        break 'messages;
                    }
                    Ok((Some(new), _)) => {
                        let buf = rewritten.get_or_insert_with(|| {
                            let mut b = String::with_capacity(text.len() + 16);
                            b.push_str(text.get(..*start).unwrap_or(""));
                            b
                        });
                        buf.push_str(&new);
                    }
                    Ok((None, _)) => {
                        if let Some(buf) = rewritten.as_mut() {
                            buf.push_str(seg);
                        }
                    }
                }
            }
            if let Some(new) = rewritten {
                changes.push((mi, pi, new));
            }
        }
    }
    cx.guard_findings.append(&mut findings);
    result?;
    if !changes.is_empty() {
        let messages = req.messages_mut();
        for (mi, pi, new) in changes {
            if let Some(ContentPart::Text { text, .. }) =
                messages.get_mut(mi).and_then(|m| m.content.get_mut(pi))
            {
                *text = new;
            }
        }
    }
    Ok(req)
}

/// Output guards on a full answer, the approver on a hold, then the restored values.
async fn check_full(
    set: &GuardSet,
    mut r: ChatResponse,
    cx: &mut Exchange,
    caller: Arc<Caller>,
    redactions: &mut Redactions,
    restore_with: Option<Arc<Mapping>>,
) -> Result<ChatResponse> {
    let mut findings = Vec::new();
    let out = check_output_parts(
        set,
        &mut r.message.content,
        Some(&*cx),
        redactions,
        &mut findings,
    )
    .await;
    let result = match out {
        Err(e) => Err(e),
        Ok(None) => Ok(()),
        Ok(Some(held)) => {
            let text = r.text();
            set.approve(&text, held, cx.request_id(), caller, &mut findings)
                .await
        }
    };
    cx.guard_findings.append(&mut findings);
    result?;
    if let Some(m) = restore_with {
        restore_parts(&mut r.message.content, &m);
    }
    Ok(r)
}

/// Runs the output guards on every text part, rewriting them; returns the first hold.
async fn check_output_parts(
    set: &GuardSet,
    parts: &mut [ContentPart],
    exchange: Option<&Exchange>,
    redactions: &mut Redactions,
    findings: &mut Vec<GuardFinding>,
) -> Result<Option<super::set::Held>> {
    let mut first_hold = None;
    for part in parts.iter_mut() {
        if let ContentPart::Text { text, .. } = part {
            let (new, held) = set
                .run(text, TextSource::Output, exchange, redactions, findings)
                .await?;
            if let Some(new) = new {
                *text = new;
            }
            if first_hold.is_none() {
                first_hold = held;
            }
        }
    }
    Ok(first_hold)
}

fn restore_parts(parts: &mut [ContentPart], mapping: &Mapping) {
    for part in parts.iter_mut() {
        if let ContentPart::Text { text, .. } = part
            && let std::borrow::Cow::Owned(t) = restore(text, mapping)
        {
            *text = t;
        }
    }
}

/// Streams: taps when every output guard can check incrementally, else the buffered path.
fn guard_stream(
    set: &Arc<GuardSet>,
    s: ChatStream,
    cx: &mut Exchange,
    caller: Arc<Caller>,
    redactions: Redactions,
    restore_with: Option<Arc<Mapping>>,
) -> ChatStream {
    let mut taps: Vec<Box<dyn StreamTap>> = Vec::new();
    let mut buffer = false;
    for e in set.entries.iter().filter(|e| e.outputs) {
        match &e.kind {
            Kind::Detector(d) if d.holds_output() => buffer = true,
            Kind::Detector(d) => taps.push(Box::new(d.output_tap().numbering(redactions.clone()))),
            Kind::Dyn(g) => match g.stream_tap() {
                Some(t) => taps.push(t),
                None => buffer = true,
            },
        }
    }
    if !buffer {
        for t in taps {
            cx.add_tap(t);
        }
        if let Some(m) = restore_with {
            cx.add_tap(Box::new(RestoreTap::new(m)));
        }
        return s;
    }
    let sink = Arc::new(Mutex::new(Vec::new()));
    cx.add_tap(Box::new(FindingsTap(sink.clone())));
    let job = Buffered {
        set: set.clone(),
        sink,
        request_id: cx.request_id().to_owned(),
        caller,
        redactions,
        restore_with,
    };
    Box::pin(futures_util::stream::once(job.run(s)).flat_map(futures_util::stream::iter))
}

/// What the buffered path needs after the layer returned.
struct Buffered {
    set: Arc<GuardSet>,
    sink: Arc<Mutex<Vec<GuardFinding>>>,
    request_id: String,
    caller: Arc<Caller>,
    redactions: Redactions,
    restore_with: Option<Arc<Mapping>>,
}

impl Buffered {
    /// Reads the whole stream, checks its text, awaits the approver on a hold, and returns
    /// the events to deliver: the (rewritten, restored) text as one delta where the first
    /// delta was, then every other event in order; or the one error.
    async fn run(mut self, mut s: ChatStream) -> Vec<Result<StreamEvent>> {
        let mut events = Vec::new();
        let mut text = String::new();
        while let Some(item) = s.next().await {
            match item {
                Ok(ev) => {
                    if let StreamEvent::Delta { text: t } = &ev {
                        text.push_str(t);
                    }
                    events.push(ev);
                }
                Err(e) => return vec![Err(e)],
            }
        }
        let mut parts = vec![ContentPart::text(text)];
        let mut findings = Vec::new();
        let checked = check_output_parts(
            &self.set,
            &mut parts,
            None,
            &mut self.redactions,
            &mut findings,
        )
        .await;
        let result = match checked {
            Err(e) => Err(e),
            Ok(None) => Ok(()),
            Ok(Some(held)) => {
                let text = parts.first().and_then(ContentPart::as_text).unwrap_or("");
                self.set
                    .approve(
                        text,
                        held,
                        &self.request_id,
                        self.caller.clone(),
                        &mut findings,
                    )
                    .await
            }
        };
        match self.sink.lock() {
            Ok(mut v) => v.append(&mut findings),
            Err(p) => p.into_inner().append(&mut findings),
        }
        if let Err(e) = result {
            return vec![Err(e)];
        }
        if let Some(m) = &self.restore_with {
            restore_parts(&mut parts, m);
        }
        let mut text = parts
            .into_iter()
            .next()
            .and_then(|p| p.as_text().map(str::to_owned));
        events
            .into_iter()
            .filter_map(|ev| match ev {
                StreamEvent::Delta { .. } => text.take().map(|t| Ok(StreamEvent::delta(t))),
                other => Some(Ok(other)),
            })
            .collect()
    }
}

/// Carries the buffered path's decisions into the exchange record.
struct FindingsTap(Arc<Mutex<Vec<GuardFinding>>>);

impl StreamTap for FindingsTap {
    fn name(&self) -> &str {
        "guard"
    }
    fn on_event(&mut self, _ev: &mut StreamEvent) -> Tap {
        Tap::Pass
    }
    fn take_findings(&mut self) -> Vec<GuardFinding> {
        match self.0.lock() {
            Ok(mut v) => std::mem::take(&mut *v),
            Err(p) => std::mem::take(&mut *p.into_inner()),
        }
    }
}
