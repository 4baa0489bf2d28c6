//! Circuit breaker per deployment: closed → open after too many failures in a window (a
//! count or a rate), open → half-open after a cooldown (one probe goes through), half-open →
//! closed on the probe's success or back to open on its failure.
//!
//! Time is [`tokio::time::Instant`], so tests drive it with paused time.

use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde::Serialize;
use tokio::time::Instant;

use crate::{Error, Result};

/// When a deployment's breaker opens, and for how long.
///
/// It opens when, within one `window`, `failures` attempts failed, or at least `min_requests`
/// were made and the share that failed reached `failure_rate`. Failures are the errors that
/// say the deployment is unwell (rate limited, overloaded, 5xx, timeout, network, malformed
/// answer), never the request's own faults (bad request, context length, content filter).
///
/// ```
/// use std::time::Duration;
/// use llmops_core::routing::BreakerPolicy;
/// let b = BreakerPolicy::default().failures(3).cooldown(Duration::from_secs(10));
/// assert_eq!(b.failures, 3);
/// assert!(BreakerPolicy::disabled().is_disabled());
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BreakerPolicy {
    /// Failures in one window that open the breaker (default 5; 0 disables the count).
    pub failures: u32,
    /// Failure share that opens it once `min_requests` were made (default 0.5).
    pub failure_rate: Option<f64>,
    /// Attempts in the window before the rate applies (default 10).
    pub min_requests: u32,
    /// The counting window (default 60 s; counts reset when it elapses).
    pub window: Duration,
    /// How long it stays open before a probe (default 30 s).
    pub cooldown: Duration,
}

impl Default for BreakerPolicy {
    fn default() -> Self {
        BreakerPolicy {
            failures: 5,
            failure_rate: Some(0.5),
            min_requests: 10,
            window: Duration::from_secs(60),
            cooldown: Duration::from_secs(30),
        }
    }
}

impl BreakerPolicy {
    /// A breaker that never opens.
    pub fn disabled() -> Self {
        BreakerPolicy {
            failures: 0,
            failure_rate: None,
            ..BreakerPolicy::default()
        }
    }

    /// Whether it never opens.
    pub fn is_disabled(&self) -> bool {
        self.failures == 0 && self.failure_rate.is_none()
    }

    /// Sets [`failures`](BreakerPolicy::failures).
    #[must_use]
    pub fn failures(mut self, n: u32) -> Self {
        self.failures = n;
        self
    }

    /// Sets the failure rate and the attempts before it applies.
    #[must_use]
    pub fn failure_rate(mut self, rate: f64, min_requests: u32) -> Self {
        self.failure_rate = Some(rate);
        self.min_requests = min_requests;
        self
    }

    /// Sets [`window`](BreakerPolicy::window).
    #[must_use]
    pub fn window(mut self, d: Duration) -> Self {
        self.window = d;
        self
    }

    /// Sets [`cooldown`](BreakerPolicy::cooldown).
    #[must_use]
    pub fn cooldown(mut self, d: Duration) -> Self {
        self.cooldown = d;
        self
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if let Some(r) = self.failure_rate
            && !(r > 0.0 && r <= 1.0)
        {
            return Err(Error::config(format!(
                "router breaker: failure_rate {r} must be in (0, 1]"
            )));
        }
        if !self.is_disabled() && (self.window.is_zero() || self.cooldown.is_zero()) {
            return Err(Error::config(
                "router breaker: window and cooldown must be above zero",
            ));
        }
        Ok(())
    }
}

/// The state of one deployment's breaker (see [`Router::breaker_state`](super::Router::breaker_state)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
#[non_exhaustive]
pub enum BreakerState {
    /// Requests go through.
    Closed,
    /// Requests are refused until the cooldown ends.
    Open {
        /// Time until a probe is let through.
        retry_in: Duration,
    },
    /// One probe is (or may be) in flight.
    HalfOpen,
}

#[derive(Debug)]
enum State {
    Closed {
        since: Instant,
        failures: u32,
        total: u32,
    },
    Open {
        until: Instant,
    },
    HalfOpen {
        probing: bool,
    },
}

/// What the breaker says about one attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Admit {
    /// Closed: go.
    Go,
    /// Half-open: this attempt is the probe.
    Probe,
    /// Open (or a probe is already out): skip, a probe in this long.
    Refused(Duration),
}

/// How an attempt went, for the breaker.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Observed {
    Success,
    Failure,
    /// The deployment answered but the request was at fault: neither.
    Neutral,
}

/// One deployment's breaker. The lock is per deployment and held for a few comparisons.
#[derive(Debug)]
pub(crate) struct Breaker {
    policy: Arc<BreakerPolicy>,
    state: Mutex<State>,
}

impl Breaker {
    pub(crate) fn new(policy: Arc<BreakerPolicy>) -> Self {
        Breaker {
            policy,
            state: Mutex::new(State::Closed {
                since: Instant::now(),
                failures: 0,
                total: 0,
            }),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        match self.state.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    pub(crate) fn admit(&self) -> Admit {
        if self.policy.is_disabled() {
            return Admit::Go;
        }
        let now = Instant::now();
        let mut s = self.lock();
        match &mut *s {
            State::Closed { .. } => Admit::Go,
            State::Open { until } if now < *until => Admit::Refused(*until - now),
            State::Open { .. } => {
                *s = State::HalfOpen { probing: true };
                Admit::Probe
            }
            State::HalfOpen { probing: false } => {
                *s = State::HalfOpen { probing: true };
                Admit::Probe
            }
            State::HalfOpen { probing: true } => Admit::Refused(self.policy.cooldown),
        }
    }

    pub(crate) fn record(&self, observed: Observed, probe: bool) {
        if self.policy.is_disabled() {
            return;
        }
        let now = Instant::now();
        let p = &self.policy;
        let mut s = self.lock();
        if probe {
            if let State::HalfOpen { .. } = &*s {
                *s = match observed {
                    Observed::Failure => State::Open {
                        until: now + p.cooldown,
                    },
                    Observed::Success | Observed::Neutral => State::Closed {
                        since: now,
                        failures: 0,
                        total: 0,
                    },
                };
            }
            return;
        }
        if let State::Closed {
            since,
            failures,
            total,
        } = &mut *s
        {
            if now.saturating_duration_since(*since) >= p.window {
                *since = now;
                *failures = 0;
                *total = 0;
            }
            match observed {
                Observed::Success => *total += 1,
                Observed::Failure => {
                    *total += 1;
                    *failures += 1;
                }
                Observed::Neutral => return,
            }
            let by_count = p.failures > 0 && *failures >= p.failures;
            let by_rate = p.failure_rate.is_some_and(|r| {
                *total >= p.min_requests.max(1) && f64::from(*failures) >= r * f64::from(*total)
            });
            if observed == Observed::Failure && (by_count || by_rate) {
                *s = State::Open {
                    until: now + p.cooldown,
                };
            }
        }
    }

    /// A probe ended without a verdict (cancelled): let the next request probe.
    pub(crate) fn release_probe(&self) {
        let mut s = self.lock();
        if let State::HalfOpen { probing } = &mut *s {
            *probing = false;
        }
    }

    pub(crate) fn state(&self) -> BreakerState {
        let now = Instant::now();
        match &*self.lock() {
            State::Closed { .. } => BreakerState::Closed,
            State::Open { until } if now < *until => BreakerState::Open {
                retry_in: *until - now,
            },
            State::Open { .. } | State::HalfOpen { .. } => BreakerState::HalfOpen,
        }
    }
}

/// A probe's ticket: if it is dropped without a verdict the breaker lets another probe go.
#[derive(Debug)]
pub(crate) struct ProbeTicket {
    breaker: Option<Arc<super::attempt::DeploymentState>>,
}

impl ProbeTicket {
    pub(crate) fn new(state: Option<Arc<super::attempt::DeploymentState>>) -> Self {
        ProbeTicket { breaker: state }
    }

    /// Records the verdict (consumes the ticket).
    pub(crate) fn settle(mut self, state: &super::attempt::DeploymentState, observed: Observed) {
        let probe = self.breaker.take().is_some();
        state.breaker.record(observed, probe);
    }
}

impl Drop for ProbeTicket {
    fn drop(&mut self) {
        if let Some(s) = self.breaker.take() {
            s.breaker.release_probe();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn breaker(p: BreakerPolicy) -> Breaker {
        Breaker::new(Arc::new(p))
    }

    #[tokio::test(start_paused = true)]
    async fn opens_after_n_failures_probes_and_closes() {
        let b = breaker(
            BreakerPolicy::default()
                .failures(3)
                .cooldown(Duration::from_secs(10)),
        );
        for _ in 0..2 {
            assert_eq!(b.admit(), Admit::Go);
            b.record(Observed::Failure, false);
        }
        assert_eq!(b.state(), BreakerState::Closed);
        b.record(Observed::Failure, false);
        assert!(matches!(b.state(), BreakerState::Open { .. }));
        assert!(matches!(b.admit(), Admit::Refused(d) if d <= Duration::from_secs(10)));
        tokio::time::advance(Duration::from_secs(10)).await;
        assert_eq!(b.admit(), Admit::Probe);
        // one probe at a time
        assert!(matches!(b.admit(), Admit::Refused(_)));
        b.record(Observed::Success, true);
        assert_eq!(b.state(), BreakerState::Closed);
        assert_eq!(b.admit(), Admit::Go);
    }

    #[tokio::test(start_paused = true)]
    async fn failed_probe_reopens_and_a_dropped_probe_is_released() {
        let b = breaker(
            BreakerPolicy::default()
                .failures(1)
                .cooldown(Duration::from_secs(5)),
        );
        b.record(Observed::Failure, false);
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(b.admit(), Admit::Probe);
        b.record(Observed::Failure, true);
        assert!(matches!(b.state(), BreakerState::Open { .. }));
        tokio::time::advance(Duration::from_secs(5)).await;
        assert_eq!(b.admit(), Admit::Probe);
        b.release_probe();
        assert_eq!(b.admit(), Admit::Probe);
    }

    #[tokio::test(start_paused = true)]
    async fn rate_and_window() {
        let b = breaker(
            BreakerPolicy::default()
                .failures(0)
                .failure_rate(0.5, 4)
                .window(Duration::from_secs(60)),
        );
        b.record(Observed::Failure, false);
        b.record(Observed::Success, false);
        b.record(Observed::Neutral, false);
        b.record(Observed::Success, false);
        assert_eq!(b.state(), BreakerState::Closed);
        // the window resets the counts
        tokio::time::advance(Duration::from_secs(61)).await;
        b.record(Observed::Failure, false);
        b.record(Observed::Success, false);
        b.record(Observed::Success, false);
        assert_eq!(b.state(), BreakerState::Closed);
        b.record(Observed::Failure, false); // 2 of 4
        assert!(matches!(b.state(), BreakerState::Open { .. }));
    }

    #[test]
    fn disabled_never_opens_and_bad_policies_fail() {
        let b = breaker(BreakerPolicy::disabled());
        for _ in 0..100 {
            b.record(Observed::Failure, false);
        }
        assert_eq!(b.admit(), Admit::Go);
        assert!(
            BreakerPolicy::default()
                .failure_rate(1.5, 1)
                .validate()
                .is_err()
        );
        assert!(
            BreakerPolicy::default()
                .cooldown(Duration::ZERO)
                .validate()
                .is_err()
        );
    }
}
