//! [`Router`]: the pipeline's router stage (route planning and the attempt loop), and
//! [`ClientBuilder::router`](crate::ClientBuilder::router).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::{ArcSwap, ArcSwapOption};
use tokio::time::Instant;

use super::attempt::{DeploymentState, Skips, attempt, collapse, settle_pending_attempt};
use super::balance::{self, Balance, Load};
use super::breaker::{Admit, Breaker, BreakerPolicy, BreakerState, Observed, ProbeTicket};
use super::builder::{DeploymentConfig, RouterBuilder};
use super::limits::LimitStore;
use super::retry::{Disposition, RetryPolicy};
use super::rules::{Needs, Policy, RequestSize, RouteInput, Rule};
use super::stream::Watched;
use super::trace::{Decision, SkipReason, Tracer, WaitReason};
use crate::error::ProviderErrorKind;
use crate::exchange::Exchange;
use crate::pipeline::{CoreStage, Middleware, Next};
use crate::provider::{Capabilities, Deployment, ModelRegistry};
use crate::stream::Reply;
use crate::types::ChatRequest;
use crate::{Error, Result};

#[derive(Clone)]
pub(super) struct Member {
    pub(super) dep: Arc<Deployment>,
    pub(super) state: Arc<DeploymentState>,
    pub(super) caps: Capabilities,
    pub(super) weight: u32,
}

#[derive(Default)]
pub(super) struct Resolved {
    pub(super) groups: HashMap<String, Vec<Member>>,
}

pub(super) struct RouterInner {
    pub(super) groups: HashMap<String, Vec<String>>,
    pub(super) balances: HashMap<String, Balance>,
    pub(super) balance: Balance,
    pub(super) fallbacks: HashMap<String, Vec<String>>,
    pub(super) rules: Vec<Rule>,
    pub(super) policies: Vec<Policy>,
    pub(super) configs: HashMap<String, DeploymentConfig>,
    pub(super) retry: RetryPolicy,
    pub(super) breaker: Arc<BreakerPolicy>,
    pub(super) store: Arc<dyn LimitStore>,
    pub(super) limit_wait: Duration,
    pub(super) default_output_tokens: u64,
    pub(super) default_route: Option<String>,
    pub(super) needs_size: bool,
    pub(super) resolved: ArcSwapOption<Resolved>,
    pub(super) states: ArcSwap<HashMap<String, Arc<DeploymentState>>>,
}

/// The router stage: picks deployments by rules and usage policy, balances across a group,
/// falls back along chains, retries with backoff, and keeps breakers and rate limits per
/// deployment. Install it with [`ClientBuilder::router`](crate::ClientBuilder::router).
///
/// Groups list deployment ids, aliases or `provider/model` references (core's addressing);
/// they resolve against the client's [`ModelRegistry`] on first use (check them at startup
/// with [`Router::validate`]). A router keeps breaker, latency and limit state; cloning it
/// shares that state.
///
/// ```
/// use llmops_core::{ChatRequest, Client, ProviderErrorKind, ScriptedProvider};
/// use llmops_core::routing::{RetryPolicy, RouteTrace, Router};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let router = Router::builder()
///     .group("chat", ["primary/m", "backup/m"])
///     .retry(RetryPolicy::default().retries_per_deployment(0))
///     .build()?;
/// let client = Client::builder()
///     .provider(ScriptedProvider::named("primary").fail(ProviderErrorKind::Overloaded))
///     .provider(ScriptedProvider::named("backup").reply("from the fallback"))
///     .router(router)
///     .build()?;
/// let r = client.chat(ChatRequest::new("chat").user("hi")).await?;
/// assert_eq!(r.text(), "from the fallback");
/// assert_eq!(r.meta.attempts, 2);
/// let trace = RouteTrace::from_annotations(&r.meta.annotations).unwrap();
/// assert_eq!(trace.served_by.as_deref(), Some("backup/m"));
/// # Ok::<(), llmops_core::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct Router {
    pub(super) inner: Arc<RouterInner>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Router")
            .field("groups", &self.inner.groups)
            .field("fallbacks", &self.inner.fallbacks)
            .field("rules", &self.inner.rules.len())
            .field("policies", &self.inner.policies.len())
            .field("retry", &self.inner.retry)
            .field("limit_store", &self.inner.store.name())
            .finish_non_exhaustive()
    }
}

impl Router {
    /// A builder.
    pub fn builder() -> RouterBuilder {
        RouterBuilder::default()
    }

    /// Resolves every group, fallback and rule target against `models` (a client's
    /// [`Client::models`](crate::Client::models)): call it at startup to fail early on a typo.
    pub fn validate(&self, models: &ModelRegistry) -> Result<()> {
        self.inner.resolve_all(models).map(|_| ())
    }

    /// The breaker state of a deployment the router has used.
    pub fn breaker_state(&self, deployment: &str) -> Option<BreakerState> {
        self.inner
            .states
            .load()
            .get(deployment)
            .map(|s| s.breaker.state())
    }

    /// Requests in flight on a deployment (through this router).
    pub fn in_flight(&self, deployment: &str) -> Option<u64> {
        self.inner
            .states
            .load()
            .get(deployment)
            .map(|s| s.load.inflight())
    }

    /// The peak-EWMA latency estimate of a deployment, once observed.
    pub fn latency(&self, deployment: &str) -> Option<Duration> {
        self.inner
            .states
            .load()
            .get(deployment)
            .and_then(|s| s.load.latency())
    }
}

impl RouterInner {
    fn state(&self, dep: &Deployment) -> Arc<DeploymentState> {
        if let Some(s) = self.states.load().get(&dep.id) {
            return s.clone();
        }
        let limits = self
            .configs
            .get(&dep.id)
            .map(|c| c.limits)
            .unwrap_or_default();
        let fresh = Arc::new(DeploymentState {
            breaker: Breaker::new(self.breaker.clone()),
            load: Arc::new(Load::new()),
            limits,
            rpm_key: format!("{}:rpm", dep.id),
            tpm_key: format!("{}:tpm", dep.id),
        });
        let mut out = fresh.clone();
        self.states.rcu(|m| {
            let mut m = HashMap::clone(m);
            out = m
                .entry(dep.id.clone())
                .or_insert_with(|| fresh.clone())
                .clone();
            m
        });
        out
    }

    fn member(&self, models: &ModelRegistry, reference: &str) -> Result<Member> {
        let dep = models.resolve(reference)?;
        let cfg = self
            .configs
            .get(&dep.id)
            .or_else(|| self.configs.get(reference));
        let mut caps = match cfg.and_then(|c| c.capabilities.clone()) {
            Some(c) => c,
            None => models
                .provider(&dep.provider)
                .map(|p| p.capabilities(&dep.model))
                .unwrap_or_default(),
        };
        if let Some(w) = cfg.and_then(|c| c.context_window) {
            caps.context_window = Some(w);
        }
        Ok(Member {
            state: self.state(&dep),
            dep,
            caps,
            weight: cfg.map_or(1, |c| c.weight),
        })
    }

    /// Every name a route can use: groups, and the model references named by rules,
    /// fallbacks and the default route (one-deployment groups).
    fn resolve_all(&self, models: &ModelRegistry) -> Result<Arc<Resolved>> {
        let mut names: Vec<(String, Vec<String>)> = self
            .groups
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut implicit: HashSet<&str> = HashSet::new();
        for r in &self.rules {
            implicit.insert(&r.to);
        }
        for (from, to) in &self.fallbacks {
            implicit.insert(from);
            implicit.extend(to.iter().map(String::as_str));
        }
        if let Some(d) = &self.default_route {
            implicit.insert(d);
        }
        for n in implicit {
            if !self.groups.contains_key(n) {
                names.push((n.to_owned(), vec![n.to_owned()]));
            }
        }
        let mut groups = HashMap::new();
        for (name, members) in names {
            let mut out = Vec::with_capacity(members.len());
            for m in &members {
                out.push(self.member(models, m).map_err(|e| {
                    Error::config(format!("router group `{name}`, member `{m}`: {e}"))
                })?);
            }
            groups.insert(name, out);
        }
        Ok(Arc::new(Resolved { groups }))
    }

    fn resolved(&self, models: &ModelRegistry) -> Result<Arc<Resolved>> {
        if let Some(r) = self.resolved.load_full() {
            return Ok(r);
        }
        let r = self.resolve_all(models)?;
        self.resolved.store(Some(r.clone()));
        Ok(r)
    }

    /// The request's size, measured only when a rule needs it.
    fn size(&self, req: &ChatRequest) -> RequestSize {
        if self.needs_size {
            RequestSize::of(req)
        } else {
            RequestSize::default()
        }
    }

    fn balanced(&self, group: &str, members: &[Member]) -> Vec<Member> {
        let mut v = members.to_vec();
        let how = self.balances.get(group).copied().unwrap_or(self.balance);
        balance::order(how, &mut v, |m| m.weight, |m| m.state.load.as_ref());
        v
    }
}

/// The route of one request.
struct Plan {
    rule: Option<String>,
    route: String,
    candidates: Vec<Member>,
}

impl RouterInner {
    fn plan(
        &self,
        req: &ChatRequest,
        input: &RouteInput<'_>,
        resolved: &Resolved,
        models: &ModelRegistry,
    ) -> Result<Plan> {
        let (rule, route) = match self.rules.iter().find(|r| r.when.matches(input)) {
            Some(r) => (Some(r.name.clone()), r.to.clone()),
            None if resolved.groups.contains_key(&req.model) => (None, req.model.clone()),
            None => match &self.default_route {
                Some(d) => (None, d.clone()),
                None => (None, req.model.clone()),
            },
        };
        for p in &self.policies {
            if p.denies_group(&route) && p.when.matches(input) {
                return Err(Error::PolicyDenied {
                    rule: p.name.clone(),
                    reason: p.reason_text(),
                });
            }
        }
        let mut candidates = match resolved.groups.get(&route) {
            Some(members) => self.balanced(&route, members),
            None => vec![self.member(models, &route)?],
        };
        if let Some(fbs) = self.fallbacks.get(&route) {
            for fb in fbs {
                if let Some(members) = resolved.groups.get(fb) {
                    for m in self.balanced(fb, members) {
                        if !candidates.iter().any(|c| c.dep.id == m.dep.id) {
                            candidates.push(m);
                        }
                    }
                }
            }
        }
        Ok(Plan {
            rule,
            route,
            candidates,
        })
    }
}

#[async_trait::async_trait]
impl Middleware for Router {
    fn name(&self) -> &str {
        "router"
    }

    /// The plan's candidates, route and fallbacks, before policy, capability and breaker
    /// skips (a superset of what an attempt may reach).
    fn candidates(
        &self,
        req: &ChatRequest,
        cx: &Exchange,
        models: &ModelRegistry,
    ) -> Option<Result<Vec<Arc<Deployment>>>> {
        let inner = &*self.inner;
        let planned = inner.resolved(models).and_then(|resolved| {
            let size = inner.size(req);
            let prompt = cx.prompt.as_ref().map(|p| p.name.as_str());
            let input = RouteInput {
                model: &req.model,
                prompt,
                caller: &req.caller,
                input_tokens_upper: size.input_upper,
                stream: req.stream,
            };
            inner.plan(req, &input, &resolved, models)
        });
        Some(planned.map(|p| p.candidates.into_iter().map(|m| m.dep).collect()))
    }

    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        let inner = &*self.inner;
        let models = next.models();
        let resolved = inner.resolved(models)?;
        let size = inner.size(&req);
        let caller = req.caller.clone();
        let prompt = cx.prompt.as_ref().map(|p| p.name.clone());
        let input = RouteInput {
            model: &req.model,
            prompt: prompt.as_deref(),
            caller: &caller,
            input_tokens_upper: size.input_upper,
            stream: req.stream,
        };
        let plan = inner.plan(&req, &input, &resolved, models)?;
        let mut trace = Tracer::new(
            plan.rule.clone(),
            plan.route.clone(),
            plan.candidates.iter().map(|m| m.dep.id.clone()).collect(),
        );
        let needs = Needs::of(&req);
        let deadline = cx.remaining().map(|r| Instant::now() + r);
        let policy = &inner.retry;
        let mut errors: Vec<Error> = Vec::new();
        let mut skips = Skips::default();
        let mut attempts = 0u32;
        // after a context-length failure: the window that was exceeded (None: unknown)
        let mut exceeded: Option<Option<u32>> = None;

        'candidates: for m in &plan.candidates {
            let id = m.dep.id.as_str();
            if let Some(p) = inner
                .policies
                .iter()
                .find(|p| p.denies_deployment(id, &m.dep.provider) && p.when.matches(&input))
            {
                trace.skip(id, SkipReason::Policy, Some(p.name.clone()));
                skips.note(Error::PolicyDenied {
                    rule: p.name.clone(),
                    reason: p.reason_text(),
                });
                continue;
            }
            if let Some(missing) = needs.missing(&m.caps) {
                trace.skip(id, SkipReason::Capability, Some(missing.to_owned()));
                skips.note(Error::Unsupported {
                    route: plan.route.clone(),
                    missing: missing.to_owned(),
                });
                continue;
            }
            if let Some(Some(w)) = exceeded
                && m.caps.context_window.is_some_and(|c| c <= w)
            {
                trace.skip(id, SkipReason::ContextWindow, Some(format!("≤ {w} tokens")));
                continue;
            }
            let mut tries = 0u32;
            loop {
                if attempts >= policy.max_attempts {
                    trace.skip(id, SkipReason::AttemptsExhausted, None);
                    break 'candidates;
                }
                if deadline.is_some_and(|d| Instant::now() >= d) {
                    trace.skip(id, SkipReason::Deadline, None);
                    break 'candidates;
                }
                let ticket = match m.state.breaker.admit() {
                    Admit::Go => ProbeTicket::new(None),
                    Admit::Probe => ProbeTicket::new(Some(m.state.clone())),
                    Admit::Refused(retry_in) => {
                        trace.skip(id, SkipReason::CircuitOpen, None);
                        skips.note(Error::CircuitOpen {
                            deployment: id.to_owned(),
                            retry_in,
                        });
                        continue 'candidates;
                    }
                };
                let tokens = match inner.take_limits(m, &size, deadline, &mut trace, cx).await {
                    Ok(t) => t,
                    Err(e) => {
                        trace.skip(id, SkipReason::RateLimit, None);
                        skips.note(e);
                        continue 'candidates;
                    }
                };
                attempts += 1;
                let before = cx.attempt();
                cx.deployment = Some(m.dep.clone());
                trace.push(Decision::Attempt {
                    deployment: id.to_owned(),
                    attempt: before + 1,
                });
                trace.flush(cx);
                let inflight = m.state.load.enter();
                let t0 = Instant::now();
                let res = attempt(
                    next,
                    req.clone(),
                    cx,
                    policy.attempt_timeout,
                    &m.dep.provider,
                )
                .await;
                let elapsed = t0.elapsed();
                let e = match res {
                    Ok(reply) => {
                        ticket.settle(&m.state, Observed::Success);
                        m.state.load.observe(elapsed);
                        trace.served(cx, id);
                        return Ok(match reply {
                            Reply::Full(r) => {
                                if let Some(t) = tokens {
                                    t.settle((!r.usage.is_zero()).then_some(&r.usage));
                                }
                                drop(inflight);
                                Reply::Full(r)
                            }
                            Reply::Stream(s) => Reply::Stream(Box::pin(Watched::new(
                                s,
                                m.state.clone(),
                                tokens,
                                inflight,
                            ))),
                        });
                    }
                    Err(e) => e,
                };
                drop(inflight);
                settle_pending_attempt(cx, before, &e, &req);
                if let Some(t) = tokens {
                    t.settle(None);
                }
                let d = Disposition::of(&e);
                ticket.settle(
                    &m.state,
                    if d.counts_for_breaker() {
                        Observed::Failure
                    } else {
                        Observed::Neutral
                    },
                );
                if e.provider_error()
                    .is_some_and(|p| p.kind == ProviderErrorKind::Timeout)
                {
                    m.state.load.observe(elapsed);
                }
                trace.push(Decision::Failed {
                    deployment: id.to_owned(),
                    attempt: cx.attempt().max(before + 1),
                    error: e.class(),
                    then: d,
                });
                let retry_after = e.retry_after();
                errors.push(e);
                match d {
                    Disposition::Fatal => {
                        trace.flush(cx);
                        return Err(collapse(errors));
                    }
                    Disposition::Fallback => continue 'candidates,
                    Disposition::LargerContext => {
                        exceeded = Some(m.caps.context_window);
                        continue 'candidates;
                    }
                    Disposition::Retry => {
                        tries += 1;
                        if tries > policy.retries_per_deployment || attempts >= policy.max_attempts
                        {
                            continue 'candidates;
                        }
                        let (wait, why) = match retry_after {
                            Some(ra) if ra > policy.max_retry_after => {
                                trace.skip(
                                    id,
                                    SkipReason::RetryAfterTooLong,
                                    Some(format!("{} ms", ra.as_millis())),
                                );
                                continue 'candidates;
                            }
                            Some(ra) => (ra, WaitReason::RetryAfter),
                            None => (policy.backoff_delay(tries), WaitReason::Backoff),
                        };
                        if deadline.is_some_and(|dl| Instant::now() + wait >= dl) {
                            trace.skip(id, SkipReason::Deadline, None);
                            continue 'candidates;
                        }
                        trace.wait(id, wait, why);
                        trace.flush(cx);
                        tokio::time::sleep(wait).await;
                    }
                }
            }
        }
        trace.flush(cx);
        Err(if errors.is_empty() {
            skips.into_error(&plan.route)
        } else {
            collapse(errors)
        })
    }
}

impl crate::ClientBuilder {
    /// Installs the router stage (see [`Router`]).
    #[must_use]
    pub fn router(self, router: Router) -> Self {
        self.core_layer(CoreStage::Router, Arc::new(router))
    }
}
