//! Streams and the cache: [`Replay`] serves a hit as the stored events, [`Recorder`] records a
//! missed stream and stores it only when it ends normally.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt;

use super::builder::Inner;
use super::exact::StoreJob;
use super::stats::bump;
use super::store::CachedAnswer;
use crate::Result;
use crate::stream::{Aggregator, ChatStream, StreamEvent, response_events};

/// A stored answer as a stream: the recorded events when it was streamed (start, text,
/// reasoning and tool-call deltas, usage, finish, in their original pieces), else the events
/// of the full response.
pub(crate) struct Replay {
    entry: Arc<CachedAnswer>,
    built: Option<std::vec::IntoIter<StreamEvent>>,
    next: usize,
}

impl Replay {
    pub(crate) fn new(entry: Arc<CachedAnswer>) -> Self {
        let built = match entry.events {
            Some(_) => None,
            None => Some(response_events(&entry.response).into_iter()),
        };
        Replay {
            entry,
            built,
            next: 0,
        }
    }
}

impl Stream for Replay {
    type Item = Result<StreamEvent>;

    fn poll_next(mut self: Pin<&mut Self>, _cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if let Some(it) = &mut this.built {
            return Poll::Ready(it.next().map(Ok));
        }
        let ev = this
            .entry
            .events
            .as_ref()
            .and_then(|e| e.get(this.next))
            .cloned();
        this.next += 1;
        Poll::Ready(ev.map(Ok))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        match (&self.built, &self.entry.events) {
            (Some(it), _) => it.size_hint(),
            (None, Some(e)) => {
                let n = e.len().saturating_sub(self.next);
                (n, Some(n))
            }
            (None, None) => (0, Some(0)),
        }
    }
}

/// Passes a provider stream through unchanged while recording its events; stores them when
/// the stream ends normally after a finish event. A stream that fails, is cut by a tap (which
/// stops polling it), or is dropped before its end stores nothing.
pub(crate) struct Recorder {
    inner: ChatStream,
    cache: Arc<Inner>,
    job: Option<StoreJob>,
    events: Vec<StreamEvent>,
    bytes: usize,
    finished: bool,
}

impl Recorder {
    pub(crate) fn new(inner: ChatStream, cache: Arc<Inner>, job: StoreJob) -> Self {
        Recorder {
            inner,
            cache,
            job: Some(job),
            events: Vec::with_capacity(24),
            bytes: 0,
            finished: false,
        }
    }

    fn abandon(&mut self) {
        if self.job.take().is_some() {
            bump(&self.cache.counters.not_stored);
        }
        self.events = Vec::new();
    }

    /// Stores what was recorded: at once when the store answers at once (the in-memory store
    /// does), else on a spawned task; without a runtime a pending write is dropped (counted).
    fn store(&mut self, cx: &mut Context<'_>) {
        let Some(job) = self.job.take() else { return };
        if !self.finished {
            bump(&self.cache.counters.not_stored);
            return;
        }
        let events = std::mem::take(&mut self.events);
        let mut agg = Aggregator::with_capacity(self.bytes);
        for e in &events {
            agg.push(e);
        }
        let response = agg.finish();
        let cache = self.cache.clone();
        let mut fut: Pin<Box<dyn Future<Output = ()> + Send>> = Box::pin(async move {
            // failing open or closed, the caller already has the stream: a write error is
            // counted and logged by `store`
            let _ = cache.store(job, response, Some(events)).await;
        });
        if fut.as_mut().poll(cx).is_pending() {
            match tokio::runtime::Handle::try_current() {
                Ok(h) => {
                    h.spawn(fut);
                }
                Err(_) => bump(&self.cache.counters.not_stored),
            }
        }
    }
}

impl Stream for Recorder {
    type Item = Result<StreamEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        match this.inner.poll_next_unpin(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(ev))) => {
                if this.job.is_some() {
                    this.bytes += event_bytes(&ev);
                    if this.bytes > this.cache.max_entry_bytes {
                        this.abandon();
                    } else {
                        if matches!(ev, StreamEvent::Finish { .. }) {
                            this.finished = true;
                        }
                        this.events.push(ev.clone());
                    }
                }
                Poll::Ready(Some(Ok(ev)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.abandon();
                Poll::Ready(Some(Err(e)))
            }
            Poll::Ready(None) => {
                this.store(cx);
                Poll::Ready(None)
            }
        }
    }
}

impl Drop for Recorder {
    fn drop(&mut self) {
        self.abandon();
    }
}

fn event_bytes(e: &StreamEvent) -> usize {
    match e {
        StreamEvent::Delta { text } | StreamEvent::ReasoningDelta { text } => text.len() + 32,
        StreamEvent::ToolCallDelta { args, name, .. } => {
            args.len() + name.as_ref().map_or(0, String::len) + 48
        }
        _ => 48,
    }
}
