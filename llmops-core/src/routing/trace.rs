//! [`RouteTrace`]: the router's decisions for one exchange, kept in the exchange's
//! annotations under [`ANNOTATION`] (so the [`ExchangeRecord`](crate::ExchangeRecord), the
//! request log and [`ResponseMeta`](crate::ResponseMeta) carry them).

use std::collections::BTreeMap;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::retry::Disposition;
use crate::error::ErrorClass;
use crate::exchange::Exchange;

/// The annotation key of the router's [`RouteTrace`].
pub const ANNOTATION: &str = "routing";

/// What the router decided for one exchange, in order. Core's attempt records (in the same
/// record) carry each attempt's provider, latency, usage and outcome; this adds the why.
///
/// ```json
/// {"rule": "long-inputs", "route": "big", "candidates": ["claude", "gpt-4o"],
///  "decisions": [
///    {"action": "skip", "deployment": "claude", "reason": "circuit_open"},
///    {"action": "attempt", "deployment": "gpt-4o", "attempt": 1},
///    {"action": "failed", "deployment": "gpt-4o", "attempt": 1, "error": "rate_limited", "then": "retry"},
///    {"action": "wait", "deployment": "gpt-4o", "ms": 1000, "reason": "retry_after"},
///    {"action": "attempt", "deployment": "gpt-4o", "attempt": 2}],
///  "served_by": "gpt-4o"}
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RouteTrace {
    /// The rule that matched (none: the model reference named the route).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rule: Option<String>,
    /// The route: a group name or the model reference.
    pub route: String,
    /// Deployment ids in the order they were to be tried (group, then fallbacks).
    pub candidates: Vec<String>,
    /// Every decision, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<Decision>,
    /// The deployment whose reply the caller got.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub served_by: Option<String>,
}

impl RouteTrace {
    /// The router's trace in a record's (or a response's) annotations.
    ///
    /// ```
    /// use llmops_core::routing::RouteTrace;
    /// assert!(RouteTrace::from_annotations(&Default::default()).is_none());
    /// ```
    pub fn from_annotations(a: &BTreeMap<String, Value>) -> Option<RouteTrace> {
        a.get(ANNOTATION)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }

    /// The deployments skipped, with why.
    pub fn skipped(&self) -> impl Iterator<Item = (&str, SkipReason)> {
        self.decisions.iter().filter_map(|d| match d {
            Decision::Skip {
                deployment, reason, ..
            } => Some((deployment.as_str(), *reason)),
            _ => None,
        })
    }

    /// The waits (backoff, `Retry-After`, rate limit), in order.
    pub fn waits(&self) -> impl Iterator<Item = (Duration, WaitReason)> + '_ {
        self.decisions.iter().filter_map(|d| match d {
            Decision::Wait { ms, reason, .. } => Some((Duration::from_millis(*ms), *reason)),
            _ => None,
        })
    }
}

/// One router decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Decision {
    /// A candidate was passed over.
    Skip {
        /// The deployment.
        deployment: String,
        /// Why.
        reason: SkipReason,
        /// More (the policy's name, the missing capability ...).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        detail: Option<String>,
    },
    /// An attempt started.
    Attempt {
        /// The deployment.
        deployment: String,
        /// The attempt number (as in the record's attempts).
        attempt: u32,
    },
    /// An attempt failed.
    Failed {
        /// The deployment.
        deployment: String,
        /// The attempt number.
        attempt: u32,
        /// The error class.
        error: ErrorClass,
        /// What the router did next.
        then: Disposition,
    },
    /// The router waited before going on.
    Wait {
        /// The deployment waited for.
        deployment: String,
        /// Milliseconds.
        ms: u64,
        /// Why.
        reason: WaitReason,
    },
    /// The rate-limit store failed; the request went through (limits fail open).
    LimitStoreError {
        /// The error.
        message: String,
    },
}

/// Why a candidate was skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// A usage policy denies it to this caller.
    Policy,
    /// It lacks what the request uses.
    Capability,
    /// Its context window is not larger than the one that was exceeded.
    ContextWindow,
    /// Its circuit breaker is open.
    CircuitOpen,
    /// Its own rate limit has no room within the wait allowed.
    RateLimit,
    /// The provider asked for a wait longer than the policy honours.
    RetryAfterTooLong,
    /// The wait would pass the exchange's deadline.
    Deadline,
    /// The policy's attempts were used up.
    AttemptsExhausted,
}

/// Why the router waited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum WaitReason {
    /// Exponential backoff with full jitter.
    Backoff,
    /// The provider's `Retry-After`.
    RetryAfter,
    /// The deployment's own token bucket.
    RateLimit,
}

/// Builds the trace and keeps the exchange's annotation up to date before every wait, so a
/// cancelled or timed-out exchange still records what happened.
#[derive(Debug)]
pub(crate) struct Tracer {
    trace: RouteTrace,
}

impl Tracer {
    pub(crate) fn new(rule: Option<String>, route: String, candidates: Vec<String>) -> Self {
        Tracer {
            trace: RouteTrace {
                rule,
                route,
                candidates,
                decisions: Vec::new(),
                served_by: None,
            },
        }
    }

    pub(crate) fn push(&mut self, d: Decision) {
        self.trace.decisions.push(d);
    }

    pub(crate) fn skip(&mut self, deployment: &str, reason: SkipReason, detail: Option<String>) {
        self.push(Decision::Skip {
            deployment: deployment.to_owned(),
            reason,
            detail,
        });
    }

    pub(crate) fn wait(&mut self, deployment: &str, d: Duration, reason: WaitReason) {
        self.push(Decision::Wait {
            deployment: deployment.to_owned(),
            ms: d.as_millis().min(u128::from(u64::MAX)) as u64,
            reason,
        });
    }

    /// Writes the trace into the exchange's annotations.
    pub(crate) fn flush(&self, cx: &mut Exchange) {
        if let Ok(v) = serde_json::to_value(&self.trace) {
            cx.annotations.insert(ANNOTATION.to_owned(), v);
        }
    }

    /// Records the deployment that served the reply (patched in place).
    pub(crate) fn served(&mut self, cx: &mut Exchange, deployment: &str) {
        self.trace.served_by = Some(deployment.to_owned());
        match cx.annotations.get_mut(ANNOTATION) {
            Some(Value::Object(m)) => {
                m.insert("served_by".to_owned(), Value::String(deployment.to_owned()));
            }
            _ => self.flush(cx),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_round_trips_through_annotations() {
        let mut cx = Exchange::new(
            "r",
            std::sync::Arc::new(crate::Caller::default()),
            "m",
            false,
        );
        let mut t = Tracer::new(
            Some("r1".into()),
            "fast".into(),
            vec!["a".into(), "b".into()],
        );
        t.skip("a", SkipReason::CircuitOpen, None);
        t.push(Decision::Attempt {
            deployment: "b".into(),
            attempt: 1,
        });
        t.wait("b", Duration::from_millis(250), WaitReason::RetryAfter);
        t.flush(&mut cx);
        t.served(&mut cx, "b");
        let back = RouteTrace::from_annotations(&cx.annotations).unwrap();
        assert_eq!(back.served_by.as_deref(), Some("b"));
        assert_eq!(back.rule.as_deref(), Some("r1"));
        assert_eq!(
            back.skipped().collect::<Vec<_>>(),
            [("a", SkipReason::CircuitOpen)]
        );
        assert_eq!(
            back.waits().collect::<Vec<_>>(),
            [(Duration::from_millis(250), WaitReason::RetryAfter)]
        );
        let json = serde_json::to_string(&cx.annotations[ANNOTATION]).unwrap();
        assert!(json.contains(r#""action":"skip""#), "{json}");
        assert!(json.contains(r#""reason":"circuit_open""#), "{json}");
    }
}
