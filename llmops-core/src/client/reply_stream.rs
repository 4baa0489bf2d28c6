//! [`ResponseStream`]: the stream `Client::chat_stream` returns. Core polls the provider
//! stream once, runs the stream taps, measures time to first token, counts usage, and settles
//! the exchange on every ending.

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use futures_core::Stream;
use futures_util::StreamExt;

use super::finalise::{End, ExchangeGuard, estimate_usage};
use crate::exchange::{AttemptOutcome, Outcome};
use crate::stream::{Aggregator, ChatStream, StreamEvent, StreamTap, Tap};
use crate::types::{ChatResponse, ResponseMeta, UsageSource};
use crate::{Error, Result};

/// A streamed reply. Yields [`StreamEvent`]s; an `Err` item ends it (a provider error
/// mid-stream, a cut by a stream tap). Dropping it early is fine: the exchange is recorded as
/// `stream_dropped` with the usage seen so far (estimated when the provider had not said).
pub struct ResponseStream {
    inner: ChatStream,
    guard: ExchangeGuard,
    taps: Vec<Box<dyn StreamTap>>,
    held: Vec<StreamEvent>,
    ready: VecDeque<StreamEvent>,
    received: Aggregator,
    first_token: Option<Duration>,
    delivered: u64,
    attempt_started: Instant,
    /// When the consumer is `Client::chat` aggregating, a drop is a cancelled future.
    aggregating: bool,
    ended: bool,
}

impl std::fmt::Debug for ResponseStream {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ResponseStream")
            .field("request_id", &self.guard.ex.request_id())
            .field("delivered", &self.delivered)
            .field("ended", &self.ended)
            .finish_non_exhaustive()
    }
}

impl ResponseStream {
    pub(crate) fn new(
        inner: ChatStream,
        guard: ExchangeGuard,
        taps: Vec<Box<dyn StreamTap>>,
        aggregating: bool,
    ) -> Self {
        let attempt_started = guard
            .ex
            .attempts()
            .last()
            .map(|a| guard.ex.started() + a.offset)
            .unwrap_or_else(Instant::now);
        ResponseStream {
            inner,
            guard,
            taps,
            held: Vec::new(),
            ready: VecDeque::new(),
            received: Aggregator::with_capacity(512),
            first_token: None,
            delivered: 0,
            attempt_started,
            aggregating,
            ended: false,
        }
    }

    /// Our request id.
    pub fn request_id(&self) -> &str {
        self.guard.ex.request_id()
    }

    /// The metadata of the exchange, once the stream has ended (`None` before).
    pub fn meta(&self) -> Option<&ResponseMeta> {
        self.guard.meta()
    }

    /// Reads the rest of the stream and returns the assembled response (with its metadata).
    pub async fn into_response(mut self) -> Result<ChatResponse> {
        let mut agg = Aggregator::default();
        while let Some(ev) = self.next().await {
            agg.push(&ev?);
        }
        let mut r = agg.finish();
        if let Some(m) = self.guard.meta() {
            r.meta = m.clone();
        }
        Ok(r)
    }

    fn settle_attempt(&mut self, ok: bool) {
        let now = Instant::now();
        let out_bytes = self.received.output_bytes();
        let first_token = self.first_token;
        let attempt_started = self.attempt_started;
        let exchange_started = self.guard.ex.started();
        let usage = self.received.usage();
        let ex = &mut self.guard.ex;
        let sent = ex.sent.as_ref();
        if let Some(a) = ex.attempts.last_mut() {
            a.latency = now.saturating_duration_since(attempt_started);
            a.ttft = first_token
                .map(|t| (exchange_started + t).saturating_duration_since(attempt_started));
            match usage {
                Some(u) if ok => {
                    a.usage = Some(u);
                    a.usage_source = UsageSource::Provider;
                }
                Some(mut u) => {
                    // the provider's last report is not final: keep its input, and estimate what
                    // was generated when its running output count is behind
                    let est = estimate_usage(sent, out_bytes);
                    u.output_tokens = u.output_tokens.max(est.output_tokens);
                    a.usage = Some(u);
                    a.usage_source = UsageSource::Estimated;
                }
                None => {
                    a.usage = Some(estimate_usage(sent, out_bytes));
                    a.usage_source = UsageSource::Estimated;
                }
            }
            if a.outcome == AttemptOutcome::Pending {
                a.outcome = if ok {
                    AttemptOutcome::Ok
                } else {
                    AttemptOutcome::Abandoned
                };
            }
        }
    }

    fn end(&mut self, outcome: Outcome, attempt_failed: Option<&Error>) {
        if self.guard.is_done() {
            return;
        }
        let ok = outcome.is_completed();
        self.settle_attempt(ok);
        if let (Some(e), Some(a)) = (attempt_failed, self.guard.ex.attempts.last_mut()) {
            a.outcome = AttemptOutcome::Failed {
                error: e.class(),
                message: e.to_string(),
            };
        }
        for t in self.taps.iter_mut() {
            let found = t.take_findings();
            self.guard.ex.guard_findings.extend(found);
        }
        let agg = std::mem::take(&mut self.received);
        let model = agg_model(&agg);
        let response = super::finalise::response_record_owned(agg.finish());
        self.guard.finish(End {
            outcome,
            response: Some(response),
            model_answered: model,
            ttft: self.first_token,
        });
    }

    /// Runs the taps on one event: the strictest decision wins (cut > hold > pass). A cut
    /// carries the index of the tap that cut.
    fn tap(&mut self, ev: &mut StreamEvent) -> (Tap, usize) {
        let mut decision = Tap::Pass;
        for (i, t) in self.taps.iter_mut().enumerate() {
            match t.on_event(ev) {
                Tap::Pass => {}
                Tap::Hold => decision = Tap::Hold,
                Tap::Cut(r) => return (Tap::Cut(r), i),
            }
        }
        (decision, 0)
    }

    fn tap_end(&mut self) -> Option<(usize, String)> {
        for (i, t) in self.taps.iter_mut().enumerate() {
            match t.on_end() {
                Tap::Pass => {}
                Tap::Hold => {
                    return Some((i, "still holding at the end of the stream".to_owned()));
                }
                Tap::Cut(r) => return Some((i, r)),
            }
        }
        None
    }

    /// Asks every tap, in order, for what it kept back inside itself; each drained event goes
    /// through the taps after the one that drained it. Returns the tap that cut, if one did.
    fn drain_taps(&mut self) -> Option<(usize, String)> {
        for i in 0..self.taps.len() {
            let drained = match self.taps.get_mut(i) {
                Some(t) => t.drain(),
                None => break,
            };
            for mut ev in drained {
                let mut decision = Tap::Pass;
                for (j, t) in self.taps.iter_mut().enumerate().skip(i + 1) {
                    match t.on_event(&mut ev) {
                        Tap::Pass => {}
                        Tap::Hold => decision = Tap::Hold,
                        Tap::Cut(r) => return Some((j, r)),
                    }
                }
                match decision {
                    Tap::Hold => self.held.push(ev),
                    _ => {
                        self.ready.extend(self.held.drain(..));
                        self.ready.push_back(ev);
                    }
                }
            }
        }
        None
    }

    /// Ends the stream because tap number `at` cut it.
    fn cut(&mut self, at: usize, reason: String) -> Error {
        self.held.clear();
        self.ready.clear();
        let (tap, refusal) = match self.taps.get_mut(at) {
            Some(t) => (t.name().to_owned(), t.refusal()),
            None => (String::new(), None),
        };
        let e = match refusal {
            Some(r) => Error::Guard(Box::new(r)),
            None => Error::StreamCut {
                tap: tap.clone(),
                reason: reason.clone(),
            },
        };
        self.end(Outcome::StreamCut { tap, reason }, None);
        self.ended = true;
        e
    }
}

fn agg_model(a: &Aggregator) -> Option<String> {
    a.model().map(str::to_owned)
}

impl Stream for ResponseStream {
    type Item = Result<StreamEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(ev) = this.ready.pop_front() {
                this.delivered += 1;
                return Poll::Ready(Some(Ok(ev)));
            }
            if this.ended {
                return Poll::Ready(None);
            }
            match this.inner.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(mut ev))) => {
                    if this.first_token.is_none() && ev.is_content() {
                        this.first_token = Some(this.guard.ex.elapsed());
                    }
                    this.received.push(&ev);
                    if matches!(ev, StreamEvent::Finish { .. })
                        && !this.taps.is_empty()
                        && let Some((tap, reason)) = this.drain_taps()
                    {
                        let e = this.cut(tap, reason);
                        return Poll::Ready(Some(Err(e)));
                    }
                    if this.taps.is_empty() {
                        // nothing is held or queued without taps: hand it straight over
                        this.delivered += 1;
                        return Poll::Ready(Some(Ok(ev)));
                    }
                    match this.tap(&mut ev) {
                        (Tap::Pass, _) => {
                            this.ready.extend(this.held.drain(..));
                            this.ready.push_back(ev);
                        }
                        (Tap::Hold, _) => this.held.push(ev),
                        (Tap::Cut(reason), tap) => {
                            let e = this.cut(tap, reason);
                            return Poll::Ready(Some(Err(e)));
                        }
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    // held events are not delivered: what is delivered is what passed the taps
                    this.held.clear();
                    this.end(End::failed(&e).outcome, Some(&e));
                    this.ended = true;
                    this.ready.clear();
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    if let Some((tap, reason)) = this.drain_taps().or_else(|| this.tap_end()) {
                        let e = this.cut(tap, reason);
                        return Poll::Ready(Some(Err(e)));
                    }
                    this.ready.extend(this.held.drain(..));
                    this.end(Outcome::Completed, None);
                    this.ended = true;
                }
            }
        }
    }
}

impl Drop for ResponseStream {
    fn drop(&mut self) {
        if self.guard.is_done() {
            return;
        }
        let outcome = if self.aggregating {
            Outcome::Cancelled
        } else if self.received.finish_reason().is_some() {
            // the consumer read the finish event and stopped polling: the reply was delivered
            Outcome::Completed
        } else {
            Outcome::StreamDropped {
                events_delivered: self.delivered,
            }
        };
        self.end(outcome, None);
    }
}
