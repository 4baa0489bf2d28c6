//! Core-owned finalisation: exactly one [`ExchangeRecord`] per exchange, on every ending.
//!
//! [`ExchangeGuard`] owns the [`Exchange`]. The pipeline borrows the exchange from it; when the
//! caller drops the future, the borrowing future is dropped first and the guard's `Drop` then
//! records the exchange as cancelled. A stream carries the guard along and settles it at its
//! end, on a cut, on an error, or in its own `Drop`.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

use super::ClientInner;
use crate::Error;
use crate::exchange::{
    AttemptOutcome, Exchange, ExchangeRecord, Outcome, RECORD_SCHEMA_VERSION, ResponseRecord,
};
use crate::types::{ChatRequest, ChatResponse, ResponseMeta, Usage, UsageSource};

/// How an exchange ended, as the finaliser needs it.
pub(crate) struct End {
    pub(crate) outcome: Outcome,
    pub(crate) response: Option<ResponseRecord>,
    pub(crate) model_answered: Option<String>,
    pub(crate) ttft: Option<Duration>,
}

impl End {
    pub(crate) fn failed(e: &Error) -> Self {
        End {
            outcome: Outcome::Failed {
                error: e.class(),
                message: e.to_string(),
            },
            response: None,
            model_answered: None,
            ttft: None,
        }
    }
}

pub(crate) struct ExchangeGuard {
    pub(crate) ex: Exchange,
    pub(crate) inner: Arc<ClientInner>,
    pub(crate) span: tracing::Span,
    request: Option<ChatRequest>,
    meta: Option<ResponseMeta>,
    done: bool,
}

impl ExchangeGuard {
    pub(crate) fn new(
        ex: Exchange,
        inner: Arc<ClientInner>,
        request: ChatRequest,
        span: tracing::Span,
    ) -> Self {
        inner.inflight.fetch_add(1, Ordering::AcqRel);
        ExchangeGuard {
            ex,
            inner,
            span,
            request: Some(request),
            meta: None,
            done: false,
        }
    }

    pub(crate) fn is_done(&self) -> bool {
        self.done
    }

    /// The metadata of the finished exchange (empty before it finished).
    pub(crate) fn meta(&self) -> Option<&ResponseMeta> {
        self.meta.as_ref()
    }

    /// Completes a full (non-streamed) reply: fills its metadata and records the exchange.
    pub(crate) fn complete_full(&mut self, mut r: ChatResponse) -> ChatResponse {
        let end = End {
            outcome: Outcome::Completed,
            response: Some(response_record(&r)),
            model_answered: r.meta.model_answered.clone(),
            ttft: None,
        };
        self.finish(end);
        if let Some(meta) = self.meta.take() {
            r.meta = meta;
        }
        r
    }

    /// Records a failure.
    pub(crate) fn fail(&mut self, e: &Error) {
        self.finish(End::failed(e));
    }

    /// Builds the one record and hands it to every observer. Idempotent.
    pub(crate) fn finish(&mut self, end: End) {
        if self.done {
            return;
        }
        self.done = true;
        let now = Instant::now();
        let ex = &mut self.ex;
        let started = ex.started();
        let abandoned = !matches!(end.outcome, Outcome::Completed);
        for a in ex.attempts.iter_mut() {
            if a.outcome == AttemptOutcome::Pending {
                a.outcome = if abandoned {
                    AttemptOutcome::Abandoned
                } else {
                    AttemptOutcome::Ok
                };
                if a.latency.is_zero() {
                    a.latency = now.saturating_duration_since(started + a.offset);
                }
                if a.usage.is_none() {
                    a.usage = Some(estimate_usage(
                        ex.sent.as_ref(),
                        end.response.as_ref().map_or(0, output_bytes),
                    ));
                    a.usage_source = UsageSource::Estimated;
                }
            }
        }
        let mut usage = Usage::default();
        let mut source: Option<UsageSource> = None;
        let mut provider_time = Duration::ZERO;
        for a in &ex.attempts {
            provider_time += a.latency;
            if let Some(u) = &a.usage {
                usage.add(u);
                source = Some(match source {
                    None => a.usage_source,
                    Some(s) => weakest(s, a.usage_source),
                });
            }
        }
        let last = ex.attempts.last();
        let request = ex
            .sent
            .take()
            .or_else(|| self.request.take())
            .unwrap_or_else(|| ChatRequest::new(ex.model_requested()));
        let mut rec = ExchangeRecord {
            schema_version: RECORD_SCHEMA_VERSION,
            request_id: ex.request_id().to_owned(),
            trace_id: ex.trace_id.clone(),
            started_at: ex.started_at(),
            operation: std::borrow::Cow::Borrowed("chat"),
            stream: ex.is_stream(),
            caller: request.caller.clone(),
            model_requested: ex.model_requested().to_owned(),
            provider: last.map(|a| a.provider.clone()),
            deployment: last.map(|a| a.deployment.clone()),
            model_answered: end.model_answered,
            request,
            response: end.response,
            outcome: end.outcome,
            usage,
            usage_source: source.unwrap_or(UsageSource::Missing),
            attempts: std::mem::take(&mut ex.attempts),
            latency: now.saturating_duration_since(started),
            ttft: end.ttft,
            provider_time,
            cost: ex.cost.clone().unwrap_or_default(),
            prompt: ex.prompt.clone(),
            cache: ex.cache.clone(),
            guard_findings: std::mem::take(&mut ex.guard_findings),
            retrieved: std::mem::take(&mut ex.retrieved),
            tool_calls: std::mem::take(&mut ex.tool_calls),
            params: std::mem::take(&mut ex.params),
            scripted: ex.scripted,
            annotations: std::mem::take(&mut ex.annotations),
        };
        if ex.cost.is_none()
            && let Some(p) = &self.inner.pricer
        {
            match catch_unwind(AssertUnwindSafe(|| p.price(&rec))) {
                Ok(cost) => rec.cost = cost,
                Err(_) => {
                    self.inner.observer_panics.fetch_add(1, Ordering::Relaxed);
                    rec.cost = crate::Cost::unknown("the pricer panicked");
                }
            }
        }
        let finishers = match ex.finishers.get_mut() {
            Ok(v) => std::mem::take(v),
            Err(p) => std::mem::take(p.into_inner()),
        };
        for f in finishers {
            if catch_unwind(AssertUnwindSafe(|| f(&rec))).is_err() {
                self.inner.observer_panics.fetch_add(1, Ordering::Relaxed);
                tracing::error!(request_id = %rec.request_id, "an exchange finisher panicked");
            }
        }
        super::span::record_end(&self.span, &rec, ex.server.as_ref());
        if let Some(b) = &ex.bridge
            && catch_unwind(AssertUnwindSafe(|| b.on_end(&self.span, &rec))).is_err()
        {
            self.inner.observer_panics.fetch_add(1, Ordering::Relaxed);
        }
        for o in self.inner.observers.iter() {
            if catch_unwind(AssertUnwindSafe(|| o.on_finish(&rec))).is_err() {
                self.inner.observer_panics.fetch_add(1, Ordering::Relaxed);
                tracing::error!(observer = o.name(), request_id = %rec.request_id, "observer panicked in on_finish; record skipped for it");
            }
        }
        self.meta = Some(meta_from_record(rec));
    }
}

impl Drop for ExchangeGuard {
    fn drop(&mut self) {
        if !self.done {
            self.finish(End {
                outcome: Outcome::Cancelled,
                response: None,
                model_answered: None,
                ttft: None,
            });
        }
        if self.inner.inflight.fetch_sub(1, Ordering::AcqRel) == 1 {
            self.inner.idle.notify_waiters();
        }
    }
}

fn weakest(a: UsageSource, b: UsageSource) -> UsageSource {
    fn rank(s: UsageSource) -> u8 {
        match s {
            UsageSource::Missing => 0,
            UsageSource::Estimated => 1,
            UsageSource::Counted => 2,
            UsageSource::Provider => 3,
        }
    }
    if rank(a) <= rank(b) { a } else { b }
}

/// A rough usage when the provider never said: about four bytes a token.
pub(crate) fn estimate_usage(req: Option<&ChatRequest>, output_bytes: usize) -> Usage {
    let input: usize = req
        .map(|r| {
            r.messages
                .iter()
                .flat_map(|m| m.content.iter())
                .filter_map(|p| p.as_text())
                .map(str::len)
                .sum()
        })
        .unwrap_or(0);
    Usage::new(input.div_ceil(4) as u64, output_bytes.div_ceil(4) as u64)
}

/// Bytes of generated content in a response record (text and tool calls).
pub(crate) fn output_bytes(r: &ResponseRecord) -> usize {
    r.text.len()
        + r.tool_calls
            .iter()
            .map(|c| c.name.len() + c.arguments.len())
            .sum::<usize>()
}

/// The record of a response the caller no longer needs (moves the text).
pub(crate) fn response_record_owned(r: ChatResponse) -> ResponseRecord {
    let text = match <[_; 1]>::try_from(r.message.content) {
        Ok([crate::types::ContentPart::Text { text, .. }]) => text,
        Ok([other]) => other.as_text().unwrap_or_default().to_owned(),
        Err(parts) => parts.iter().filter_map(|p| p.as_text()).collect(),
    };
    ResponseRecord {
        id: r.id,
        text,
        tool_calls: r.message.tool_calls,
        finish_reason: r.finish_reason,
        system_fingerprint: r.system_fingerprint,
    }
}

pub(crate) fn response_record(r: &ChatResponse) -> ResponseRecord {
    ResponseRecord {
        id: r.id.clone(),
        text: r.text(),
        tool_calls: r.message.tool_calls.clone(),
        finish_reason: r.finish_reason.clone(),
        system_fingerprint: r.system_fingerprint.clone(),
    }
}

fn meta_from_record(rec: ExchangeRecord) -> ResponseMeta {
    ResponseMeta {
        request_id: rec.request_id,
        provider: rec.provider.unwrap_or_default(),
        deployment: rec.deployment,
        model_requested: rec.model_requested,
        model_answered: rec.model_answered,
        attempts: rec.attempts.len() as u32,
        latency: rec.latency,
        ttft: rec.ttft,
        prompt: rec.prompt,
        cache: rec.cache,
        cost: rec.cost,
        usage_source: rec.usage_source,
        guard_findings: rec.guard_findings,
        trace_id: rec.trace_id,
        params: rec.params,
        scripted: rec.scripted,
        annotations: rec.annotations,
    }
}
