//! One attempt of the router, and the bookkeeping around it: per-deployment state, token
//! reservations, the error that explains skipped candidates, pending attempt records.

use std::sync::Arc;
use std::time::Duration;

use tokio::time::Instant;

use super::balance::Load;
use super::breaker::Breaker;
use super::layer::{Member, RouterInner};
use super::limits::{Grant, LimitStore, Limits, Rate, Take};
use super::rules::RequestSize;
use super::stream::peek_first_content;
use super::trace::{Decision, Tracer, WaitReason};
use crate::error::{ProviderError, ProviderErrorKind};
use crate::exchange::{AttemptOutcome, Exchange};
use crate::pipeline::Next;
use crate::stream::Reply;
use crate::types::{ChatRequest, Usage, UsageSource};
use crate::{Error, Result};

/// Per-deployment router state, shared by every group that lists the deployment.
#[derive(Debug)]
pub(crate) struct DeploymentState {
    pub(crate) breaker: Breaker,
    pub(crate) load: Arc<Load>,
    pub(super) limits: Limits,
    pub(super) rpm_key: String,
    pub(super) tpm_key: String,
}

/// A token reservation to settle once usage is known.
pub(crate) struct TokenReservation {
    pub(super) store: Arc<dyn LimitStore>,
    pub(super) state: Arc<DeploymentState>,
    pub(super) rate: Rate,
    pub(super) reserved: u64,
}

impl TokenReservation {
    /// Gives back what was not used (all of it without usage: the attempt failed).
    pub(crate) fn settle(self, usage: Option<&Usage>) {
        let used = usage.map_or(0, |u| u.input_tokens + u.output_tokens);
        let delta = i64::try_from(self.reserved).unwrap_or(i64::MAX)
            - i64::try_from(used).unwrap_or(i64::MAX);
        self.store.adjust(&self.state.tpm_key, self.rate, delta);
    }
}

/// The candidate-skip error that explains best why nothing was attempted.
#[derive(Default)]
pub(super) struct Skips {
    transient: Option<Error>,
    unsupported: Option<Error>,
    policy: Option<Error>,
}

impl Skips {
    pub(super) fn note(&mut self, e: Error) {
        match &e {
            Error::CircuitOpen { .. } | Error::LocalRateLimit { .. } => {
                let better = match &self.transient {
                    None => true,
                    Some(old) => {
                        e.retry_after().unwrap_or(Duration::MAX)
                            < old.retry_after().unwrap_or(Duration::MAX)
                    }
                };
                if better {
                    self.transient = Some(e);
                }
            }
            Error::Unsupported { .. } => {
                self.unsupported.get_or_insert(e);
            }
            _ => {
                self.policy.get_or_insert(e);
            }
        }
    }

    pub(super) fn into_error(self, route: &str) -> Error {
        self.transient
            .or(self.unsupported)
            .or(self.policy)
            .unwrap_or_else(|| Error::config(format!("router: route `{route}` has no candidate")))
    }
}

pub(super) fn collapse(mut errors: Vec<Error>) -> Error {
    if errors.len() == 1
        && let Some(e) = errors.pop()
    {
        return e;
    }
    Error::AllAttemptsFailed(errors)
}

/// Marks an attempt core left pending (a stream that failed before its first content, an
/// attempt the router timed out) as failed, with an estimated input usage.
pub(super) fn settle_pending_attempt(cx: &mut Exchange, before: u32, e: &Error, req: &ChatRequest) {
    if cx.attempt() <= before {
        return;
    }
    let elapsed = cx.elapsed();
    if let Some(a) = cx.attempts.last_mut()
        && a.outcome == AttemptOutcome::Pending
    {
        a.latency = elapsed.saturating_sub(a.offset);
        a.outcome = AttemptOutcome::Failed {
            error: e.class(),
            message: e.to_string(),
        };
        let input_bytes: usize = req
            .messages
            .iter()
            .flat_map(|m| m.content.iter())
            .filter_map(|p| p.as_text())
            .map(str::len)
            .sum();
        a.usage = Some(Usage::new(input_bytes.div_ceil(4) as u64, 0));
        a.usage_source = UsageSource::Estimated;
    }
}

/// One attempt: the rest of the pipeline, then (for streams) the first content event, under
/// the attempt timeout.
pub(super) async fn attempt(
    next: Next<'_>,
    req: ChatRequest,
    cx: &mut Exchange,
    timeout: Option<Duration>,
    provider: &str,
) -> Result<Reply> {
    let run = async move {
        match next.run(req, cx).await? {
            Reply::Full(r) => Ok(Reply::Full(r)),
            Reply::Stream(s) => peek_first_content(s).await,
        }
    };
    match timeout {
        None => run.await,
        Some(t) => match tokio::time::timeout(t, run).await {
            Ok(r) => r,
            Err(_) => Err(ProviderError::new(
                ProviderErrorKind::Timeout,
                provider,
                format!("attempt timed out after {t:?} (router attempt_timeout)"),
            )
            .into()),
        },
    }
}

impl RouterInner {
    /// Takes room in the deployment's buckets, waiting within `limit_wait` and the deadline.
    pub(super) async fn take_limits(
        &self,
        m: &Member,
        size: &RequestSize,
        deadline: Option<Instant>,
        trace: &mut Tracer,
        cx: &mut Exchange,
    ) -> Result<Option<TokenReservation>> {
        let l = m.state.limits;
        if l.is_empty() {
            return Ok(None);
        }
        let tokens = size.input_upper + size.output_upper.unwrap_or(self.default_output_tokens);
        let mut takes = Vec::with_capacity(2);
        if let Some(rpm) = l.rpm {
            takes.push(Take {
                key: &m.state.rpm_key,
                amount: 1,
                rate: Rate::per_minute(rpm),
            });
        }
        let tpm = l.tpm.map(Rate::per_minute);
        if let Some(rate) = tpm {
            takes.push(Take {
                key: &m.state.tpm_key,
                amount: tokens,
                rate,
            });
        }
        let mut waited = Duration::ZERO;
        loop {
            match self.store.try_take(&takes).await {
                Ok(Grant::Granted) => {
                    return Ok(tpm.map(|rate| TokenReservation {
                        store: self.store.clone(),
                        state: m.state.clone(),
                        rate,
                        reserved: tokens,
                    }));
                }
                Ok(Grant::Wait(d)) => {
                    let fits_deadline = deadline.is_none_or(|dl| Instant::now() + d < dl);
                    if waited + d > self.limit_wait || !fits_deadline {
                        return Err(Error::LocalRateLimit {
                            deployment: m.dep.id.clone(),
                            retry_in: Some(d),
                        });
                    }
                    waited += d;
                    trace.wait(&m.dep.id, d, WaitReason::RateLimit);
                    trace.flush(cx);
                    tokio::time::sleep(d).await;
                }
                Ok(Grant::TooLarge) => {
                    return Err(Error::LocalRateLimit {
                        deployment: m.dep.id.clone(),
                        retry_in: None,
                    });
                }
                Err(e) => {
                    trace.push(Decision::LimitStoreError {
                        message: e.to_string(),
                    });
                    return Ok(None);
                }
            }
        }
    }
}
