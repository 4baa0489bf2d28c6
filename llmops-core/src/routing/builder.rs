//! [`RouterBuilder`] and [`DeploymentConfig`]: the router's configuration, checked at build.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::{ArcSwap, ArcSwapOption};

use super::balance::Balance;
use super::breaker::BreakerPolicy;
use super::layer::{Router, RouterInner};
use super::limits::{LimitStore, Limits, MemoryLimitStore};
use super::retry::RetryPolicy;
use super::rules::{Policy, Rule};
use crate::provider::Capabilities;
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
