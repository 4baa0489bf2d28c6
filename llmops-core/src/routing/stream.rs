//! Streams through the router: the first content event is awaited before the reply is
//! returned (until then a failure can still retry or fall back); after it, a failure becomes
//! [`Error::StreamInterrupted`] carrying the text received.

use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll};

use futures_core::Stream;
use futures_util::StreamExt;

use super::attempt::{DeploymentState, TokenReservation};
use super::balance::InFlight;
use super::breaker::Observed;
use crate::stream::{ChatStream, Reply, StreamEvent};
use crate::{Error, Result};

/// Reads `s` until its first content event (text, reasoning, tool call) or a finish, and
/// returns a stream that replays what was read, then the rest. An error before that is the
/// attempt's error.
pub(crate) async fn peek_first_content(mut s: ChatStream) -> Result<Reply> {
    let mut head = Vec::with_capacity(2);
    loop {
        match s.next().await {
            Some(Ok(ev)) => {
                let first = ev.is_content() || matches!(ev, StreamEvent::Finish { .. });
                head.push(ev);
                if first {
                    break;
                }
            }
            Some(Err(e)) => return Err(e),
            None => break,
        }
    }
    Ok(Reply::Stream(Box::pin(
        futures_util::stream::iter(head.into_iter().map(Ok)).chain(s),
    )))
}

/// The rest of a routed stream: turns a late failure into [`Error::StreamInterrupted`], tells
/// the breaker, corrects the token bucket from the reported usage, and keeps the deployment's
/// in-flight count until the stream ends or is dropped.
pub(crate) struct Watched {
    inner: ChatStream,
    text: String,
    events: u64,
    usage: Option<crate::types::Usage>,
    state: Arc<DeploymentState>,
    tokens: Option<TokenReservation>,
    inflight: Option<InFlight>,
    done: bool,
}

impl Watched {
    pub(crate) fn new(
        inner: ChatStream,
        state: Arc<DeploymentState>,
        tokens: Option<TokenReservation>,
        inflight: InFlight,
    ) -> Self {
        Watched {
            inner,
            text: String::new(),
            events: 0,
            usage: None,
            state,
            tokens,
            inflight: Some(inflight),
            done: false,
        }
    }

    fn end(&mut self) {
        self.done = true;
        self.inflight = None;
        if let (Some(t), Some(u)) = (self.tokens.take(), self.usage) {
            t.settle(Some(&u));
        }
    }
}

impl Stream for Watched {
    type Item = Result<StreamEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        if this.done {
            return Poll::Ready(None);
        }
        match this.inner.poll_next_unpin(cx) {
            Poll::Pending => Poll::Pending,
            Poll::Ready(Some(Ok(ev))) => {
                this.events += 1;
                match &ev {
                    StreamEvent::Delta { text } => this.text.push_str(text),
                    StreamEvent::Usage { usage } => this.usage = Some(*usage),
                    _ => {}
                }
                Poll::Ready(Some(Ok(ev)))
            }
            Poll::Ready(Some(Err(e))) => {
                this.state.breaker.record(Observed::Failure, false);
                let err = Error::StreamInterrupted {
                    received_text: std::mem::take(&mut this.text),
                    events: this.events,
                    cause: Box::new(e),
                };
                this.end();
                Poll::Ready(Some(Err(err)))
            }
            Poll::Ready(None) => {
                this.end();
                Poll::Ready(None)
            }
        }
    }
}
