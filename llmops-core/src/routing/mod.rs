//! The router and resilience stage: rules over core's aliases and [`Deployment`]s, usage
//! policy, fallback chains, retries with backoff and `Retry-After`, per-attempt timeouts,
//! circuit breakers, rate limits and load balancing.
//!
//! The router sits at [`CoreStage::Router`](crate::CoreStage::Router). For each exchange it
//!
//! 1. picks a **route**: the first [`Rule`] whose [`Match`] fits (model reference, prompt,
//!    feature, tenant, tags, an upper bound of the input tokens), else the group the model
//!    reference names, else the model reference itself;
//! 2. applies **usage policy** ([`Policy`]): a denied route refuses the exchange with
//!    [`Error::PolicyDenied`](crate::Error::PolicyDenied); denied deployments are skipped;
//! 3. orders the **candidates**: the route's deployments by its [`Balance`], then its
//!    fallbacks';
//! 4. tries them: skipping those that lack a capability the request uses, whose breaker is
//!    open, or whose rate limit has no room; retrying transient failures with backoff
//!    ([`RetryPolicy`]); moving on for retryable and context-length failures; stopping at
//!    once for the request's own faults ([`Disposition`]);
//! 5. records every decision in the exchange's annotations ([`RouteTrace`] under
//!    [`ANNOTATION`]), next to core's per-attempt records.
//!
//! Streams fall back only before their first content event reaches the caller; after it a
//! failure is [`Error::StreamInterrupted`](crate::Error::StreamInterrupted) with the text
//! received. See `docs/routing.md` for the guide.
//!
//! [`Deployment`]: crate::Deployment

mod attempt;
mod balance;
mod breaker;
mod builder;
mod layer;
mod limits;
mod retry;
mod rules;
mod stream;
mod trace;

pub use balance::Balance;
pub use breaker::{BreakerPolicy, BreakerState};
pub use builder::{DEFAULT_OUTPUT_TOKENS, DeploymentConfig, RouterBuilder};
pub use layer::Router;
pub use limits::{Grant, LimitStore, Limits, MemoryLimitStore, Rate, Take};
pub use retry::{Disposition, RetryPolicy};
pub use rules::{
    IMAGE_TOKENS_UPPER, MESSAGE_OVERHEAD_TOKENS, Match, Needs, Policy, RequestSize, RouteInput,
    Rule,
};
pub use trace::{ANNOTATION, Decision, RouteTrace, SkipReason, WaitReason};

/// The examples of the routing guide (`docs/routing.md`), run as doctests.
#[doc = include_str!("../../../docs/routing.md")]
#[cfg(doctest)]
pub struct GuideDoctests;
