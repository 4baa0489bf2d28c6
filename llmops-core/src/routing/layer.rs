//! [`Router`]: the pipeline's router stage, its builder, and
//! [`ClientBuilder::router`](crate::ClientBuilder::router).

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use arc_swap::{ArcSwap, ArcSwapOption};
use tokio::time::Instant;

use super::balance::{self, Balance, Load};
use super::breaker::{Admit, Breaker, BreakerPolicy, BreakerState, Observed, ProbeTicket};
use super::limits::{Grant, LimitStore, Limits, MemoryLimitStore, Rate, Take};
use super::retry::{Disposition, RetryPolicy};
use super::rules::{Needs, Policy, RequestSize, RouteInput, Rule};
use super::stream::{Watched, peek_first_content};
use super::trace::{Decision, SkipReason, Tracer, WaitReason};
use crate::error::{ProviderError, ProviderErrorKind};
use crate::exchange::{AttemptOutcome, Exchange};
use crate::pipeline::{CoreStage, Middleware, Next};
use crate::provider::{Capabilities, Deployment, ModelRegistry};
use crate::stream::Reply;
use crate::types::{ChatRequest, Usage, UsageSource};
use crate::{Error, Result};

/// Router settings for one deployment: its weight in a weighted group, its rate limits, and
/// capability overrides (what the provider reports otherwise).
///
/// ```
/// use llmops_core::routing::{DeploymentConfig, Limits};
/// let d = DeploymentConfig::new("azure-eu").weight(3).limits(Limits::default().rpm(600)).context_window(128_000);
/// assert_eq!(d.id, "azure-eu");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DeploymentConfig {
    /// The deployment id (or the model reference a group lists).
    pub id: String,
    /// Weight for [`Balance::Weighted`] (default 1).
    pub weight: u32,
    /// Requests and tokens per minute.
    pub limits: Limits,
    /// Capabilities replacing the provider's report.
    pub capabilities: Option<Capabilities>,
    /// A context window replacing the provider's (or the override's).
    pub context_window: Option<u32>,
}

impl DeploymentConfig {
    /// Settings for deployment `id`.
    pub fn new(id: impl Into<String>) -> Self {
        DeploymentConfig {
            id: id.into(),
            weight: 1,
            limits: Limits::default(),
            capabilities: None,
            context_window: None,
        }
    }
    /// Sets the weight.
    #[must_use]
    pub fn weight(mut self, w: u32) -> Self {
        self.weight = w;
        self
    }
    /// Sets the rate limits.
    #[must_use]
    pub fn limits(mut self, l: Limits) -> Self {
        self.limits = l;
        self
    }
    /// Replaces the provider's capability report.
    #[must_use]
    pub fn capabilities(mut self, c: Capabilities) -> Self {
        self.capabilities = Some(c);
        self
    }
    /// Sets the context window (tokens).
    #[must_use]
    pub fn context_window(mut self, n: u32) -> Self {
        self.context_window = Some(n);
        self
    }
}

/// Per-deployment router state, shared by every group that lists the deployment.
#[derive(Debug)]
pub(crate) struct DeploymentState {
    pub(crate) breaker: Breaker,
    pub(crate) load: Arc<Load>,
    limits: Limits,
    rpm_key: String,
    tpm_key: String,
}

/// A token reservation to settle once usage is known.
pub(crate) struct TokenReservation {
    store: Arc<dyn LimitStore>,
    state: Arc<DeploymentState>,
    rate: Rate,
    reserved: u64,
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

#[derive(Clone)]
struct Member {
    dep: Arc<Deployment>,
    state: Arc<DeploymentState>,
    caps: Capabilities,
    weight: u32,
}

#[derive(Default)]
struct Resolved {
    groups: HashMap<String, Vec<Member>>,
}

struct RouterInner {
    groups: HashMap<String, Vec<String>>,
    balances: HashMap<String, Balance>,
    balance: Balance,
    fallbacks: HashMap<String, Vec<String>>,
    rules: Vec<Rule>,
    policies: Vec<Policy>,
    configs: HashMap<String, DeploymentConfig>,
    retry: RetryPolicy,
    breaker: Arc<BreakerPolicy>,
    store: Arc<dyn LimitStore>,
    limit_wait: Duration,
    default_output_tokens: u64,
    default_route: Option<String>,
    needs_size: bool,
    resolved: ArcSwapOption<Resolved>,
    states: ArcSwap<HashMap<String, Arc<DeploymentState>>>,
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
/// use std::time::Duration;
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
    inner: Arc<RouterInner>,
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

/// Builds a [`Router`]; [`build`](RouterBuilder::build) checks the configuration.
#[derive(Default)]
pub struct RouterBuilder {
    groups: Vec<(String, Vec<String>)>,
    balances: HashMap<String, Balance>,
    balance: Balance,
    fallbacks: Vec<(String, Vec<String>)>,
    rules: Vec<Rule>,
    policies: Vec<Policy>,
    configs: Vec<DeploymentConfig>,
    retry: RetryPolicy,
    breaker: BreakerPolicy,
    store: Option<Arc<dyn LimitStore>>,
    limit_wait: Duration,
    default_output_tokens: Option<u64>,
    default_route: Option<String>,
}

impl std::fmt::Debug for RouterBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RouterBuilder")
            .field("groups", &self.groups)
            .field("rules", &self.rules.len())
            .finish_non_exhaustive()
    }
}

/// Output tokens assumed for the token bucket when a request sets no `max_tokens`.
pub const DEFAULT_OUTPUT_TOKENS: u64 = 1024;

fn to_strings<I: IntoIterator<Item = S>, S: Into<String>>(i: I) -> Vec<String> {
    i.into_iter().map(Into::into).collect()
}

impl RouterBuilder {
    /// A deployment group: deployment ids, aliases or `provider/model` references, in
    /// priority order. Requests whose model is the group's name use it.
    #[must_use]
    pub fn group<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        name: impl Into<String>,
        members: I,
    ) -> Self {
        self.groups.push((name.into(), to_strings(members)));
        self
    }

    /// How one group balances (default: the router's [`balance`](RouterBuilder::balance)).
    #[must_use]
    pub fn group_balance(mut self, group: impl Into<String>, b: Balance) -> Self {
        self.balances.insert(group.into(), b);
        self
    }

    /// How groups balance by default ([`Balance::Ordered`]).
    #[must_use]
    pub fn balance(mut self, b: Balance) -> Self {
        self.balance = b;
        self
    }

    /// After every deployment of `from` (a group or a model reference) failed with a
    /// retryable or context-length error, try these (groups or model references), in order.
    /// Chains are not followed transitively.
    #[must_use]
    pub fn fallback<I: IntoIterator<Item = S>, S: Into<String>>(
        mut self,
        from: impl Into<String>,
        to: I,
    ) -> Self {
        self.fallbacks.push((from.into(), to_strings(to)));
        self
    }

    /// Adds a routing rule (tried in the order added; the first match wins).
    #[must_use]
    pub fn rule(mut self, r: Rule) -> Self {
        self.rules.push(r);
        self
    }

    /// Adds a usage policy.
    #[must_use]
    pub fn policy(mut self, p: Policy) -> Self {
        self.policies.push(p);
        self
    }

    /// Settings for one deployment (weight, limits, capabilities).
    #[must_use]
    pub fn deployment(mut self, d: DeploymentConfig) -> Self {
        self.configs.push(d);
        self
    }

    /// Retry policy ([`RetryPolicy::default`]).
    #[must_use]
    pub fn retry(mut self, r: RetryPolicy) -> Self {
        self.retry = r;
        self
    }

    /// Circuit-breaker policy ([`BreakerPolicy::default`]).
    #[must_use]
    pub fn breaker(mut self, b: BreakerPolicy) -> Self {
        self.breaker = b;
        self
    }

    /// Where rate-limit buckets live (default: a [`MemoryLimitStore`]).
    #[must_use]
    pub fn limit_store(mut self, s: Arc<dyn LimitStore>) -> Self {
        self.store = Some(s);
        self
    }

    /// How long a request may wait for room in a deployment's bucket before the router
    /// moves on (default zero: move on at once).
    #[must_use]
    pub fn limit_wait(mut self, d: Duration) -> Self {
        self.limit_wait = d;
        self
    }

    /// Output tokens reserved in token buckets when a request sets no `max_tokens`
    /// ([`DEFAULT_OUTPUT_TOKENS`]).
    #[must_use]
    pub fn default_output_tokens(mut self, n: u64) -> Self {
        self.default_output_tokens = Some(n);
        self
    }

    /// The route of requests no rule matches and whose model names no group (default: the
    /// model reference itself, as a one-deployment route).
    #[must_use]
    pub fn default_route(mut self, group: impl Into<String>) -> Self {
        self.default_route = Some(group.into());
        self
    }

    /// Checks the configuration and builds the router.
    pub fn build(self) -> Result<Router> {
        self.retry.validate()?;
        self.breaker.validate()?;
        let mut groups = HashMap::new();
        for (name, members) in self.groups {
            if name.trim().is_empty() {
                return Err(Error::config("router: a group has an empty name"));
            }
            if members.is_empty() || members.iter().any(|m| m.trim().is_empty()) {
                return Err(Error::config(format!(
                    "router group `{name}` needs at least one member, none empty"
                )));
            }
            if groups.insert(name.clone(), members).is_some() {
                return Err(Error::config(format!(
                    "router: two groups are named `{name}`"
                )));
            }
        }
        let mut fallbacks: HashMap<String, Vec<String>> = HashMap::new();
        for (from, to) in self.fallbacks {
            if to.iter().any(|t| *t == from || t.trim().is_empty()) {
                return Err(Error::config(format!(
                    "router fallback of `{from}`: a target is empty or `{from}` itself"
                )));
            }
            fallbacks.entry(from).or_default().extend(to);
        }
        for r in &self.rules {
            if r.to.trim().is_empty() {
                return Err(Error::config(format!(
                    "router rule `{}` routes nowhere: set `.to(group)`",
                    r.name
                )));
            }
        }
        for g in self.balances.keys() {
            if !groups.contains_key(g) {
                return Err(Error::config(format!(
                    "router: balance set for `{g}`, which is not a group"
                )));
            }
        }
        for p in &self.policies {
            if p.groups.is_empty() && p.deployments.is_empty() && p.providers.is_empty() {
                return Err(Error::config(format!(
                    "router policy `{}` denies nothing: name groups, deployments or providers",
                    p.name
                )));
            }
        }
        let mut configs = HashMap::new();
        for c in self.configs {
            c.limits.validate(&c.id)?;
            if configs.insert(c.id.clone(), c.clone()).is_some() {
                return Err(Error::config(format!(
                    "router: deployment `{}` is configured twice",
                    c.id
                )));
            }
        }
        let needs_size = configs.values().any(|c| c.limits.tpm.is_some())
            || self.rules.iter().any(|r| r.when.uses_tokens())
            || self.policies.iter().any(|p| p.when.uses_tokens());
        Ok(Router {
            inner: Arc::new(RouterInner {
                groups,
                balances: self.balances,
                balance: self.balance,
                fallbacks,
                rules: self.rules,
                policies: self.policies,
                configs,
                retry: self.retry,
                breaker: Arc::new(self.breaker),
                store: self
                    .store
                    .unwrap_or_else(|| Arc::new(MemoryLimitStore::new())),
                limit_wait: self.limit_wait,
                default_output_tokens: self.default_output_tokens.unwrap_or(DEFAULT_OUTPUT_TOKENS),
                default_route: self.default_route,
                needs_size,
                resolved: ArcSwapOption::empty(),
                states: ArcSwap::from_pointee(HashMap::new()),
            }),
        })
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

/// The candidate-skip error that explains best why nothing was attempted.
#[derive(Default)]
struct Skips {
    transient: Option<Error>,
    unsupported: Option<Error>,
    policy: Option<Error>,
}

impl Skips {
    fn note(&mut self, e: Error) {
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

    fn into_error(self, route: &str) -> Error {
        self.transient
            .or(self.unsupported)
            .or(self.policy)
            .unwrap_or_else(|| Error::config(format!("router: route `{route}` has no candidate")))
    }
}

fn collapse(mut errors: Vec<Error>) -> Error {
    if errors.len() == 1
        && let Some(e) = errors.pop()
    {
        return e;
    }
    Error::AllAttemptsFailed(errors)
}

/// Marks an attempt core left pending (a stream that failed before its first content, an
/// attempt the router timed out) as failed, with an estimated input usage.
fn settle_pending_attempt(cx: &mut Exchange, before: u32, e: &Error, req: &ChatRequest) {
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
async fn attempt(
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

    /// Takes room in the deployment's buckets, waiting within `limit_wait` and the deadline.
    async fn take_limits(
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

#[async_trait::async_trait]
impl Middleware for Router {
    fn name(&self) -> &str {
        "router"
    }

    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        let inner = &*self.inner;
        let models = next.models();
        let resolved = inner.resolved(models)?;
        let size = if inner.needs_size {
            RequestSize::of(&req)
        } else {
            RequestSize::default()
        };
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
                        if tries > policy.retries_per_deployment {
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
