//! Ledger queries: [`GroupBy`], [`Query`], [`Report`] and the per-prompt-version report.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::str::FromStr;

use chrono::{DateTime, TimeZone, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use super::ledger::{Agg, Key, source_index};
use crate::{Error, Money, Usage, UsageSource};

/// A dimension spend is grouped (or filtered) by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GroupBy {
    /// `Caller::tenant`.
    Tenant,
    /// `Caller::user`.
    User,
    /// `Caller::api_key_id`.
    ApiKey,
    /// `Caller::feature`.
    Feature,
    /// `provider/model` of the attempt.
    Model,
    /// Deployment id of the attempt.
    Deployment,
    /// Prompt name.
    Prompt,
    /// Prompt name and version, `name@3`.
    PromptVersion,
    /// UTC day of the exchange's start, `2025-06-01`.
    Day,
    /// UTC hour of the exchange's start, `2025-06-01T13:00Z`.
    Hour,
}

impl GroupBy {
    /// The name used on the command line and in JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            GroupBy::Tenant => "tenant",
            GroupBy::User => "user",
            GroupBy::ApiKey => "api_key",
            GroupBy::Feature => "feature",
            GroupBy::Model => "model",
            GroupBy::Deployment => "deployment",
            GroupBy::Prompt => "prompt",
            GroupBy::PromptVersion => "prompt_version",
            GroupBy::Day => "day",
            GroupBy::Hour => "hour",
        }
    }

    fn value(self, k: &Key) -> Option<String> {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        match self {
            GroupBy::Tenant => k.tenant.clone(),
            GroupBy::User => k.user.clone(),
            GroupBy::ApiKey => k.api_key.clone(),
            GroupBy::Feature => k.feature.clone(),
            GroupBy::Model if k.provider.is_empty() => some(&k.model),
            GroupBy::Model => Some(format!("{}/{}", k.provider, k.model)),
            GroupBy::Deployment => some(&k.deployment),
            GroupBy::Prompt => k.prompt.as_ref().map(|(n, _)| n.clone()),
            GroupBy::PromptVersion => k.prompt.as_ref().map(|(n, v)| format!("{n}@{v}")),
            GroupBy::Day => hour_start(k.hour).map(|t| t.format("%Y-%m-%d").to_string()),
            GroupBy::Hour => hour_start(k.hour).map(|t| t.format("%Y-%m-%dT%H:00Z").to_string()),
        }
    }
}

impl fmt::Display for GroupBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for GroupBy {
    type Err = Error;
    /// `tenant`, `user`, `api_key` (or `key`), `feature`, `model`, `deployment`, `prompt`,
    /// `prompt_version` (or `version`), `day`, `hour`.
    fn from_str(s: &str) -> Result<Self, Error> {
        Ok(
            match s.trim().to_ascii_lowercase().replace('-', "_").as_str() {
                "tenant" => GroupBy::Tenant,
                "user" => GroupBy::User,
                "api_key" | "key" => GroupBy::ApiKey,
                "feature" => GroupBy::Feature,
                "model" => GroupBy::Model,
                "deployment" => GroupBy::Deployment,
                "prompt" => GroupBy::Prompt,
                "prompt_version" | "version" => GroupBy::PromptVersion,
                "day" => GroupBy::Day,
                "hour" => GroupBy::Hour,
                other => {
                    return Err(Error::invalid(format!(
                        "`{other}` is not a ledger dimension (tenant, user, api_key, feature, model, deployment, prompt, prompt_version, day, hour)"
                    )));
                }
            },
        )
    }
}

fn hour_start(hour: i64) -> Option<DateTime<Utc>> {
    Utc.timestamp_opt(hour.checked_mul(3600)?, 0).single()
}

/// A ledger query: grouping, time window, filters, top N.
///
/// The ledger keeps hours, so windows have hour resolution: an exchange is in
/// `since..until` when the start of its hour is at or after `since` rounded down to the hour,
/// and before `until`.
///
/// ```
/// use chrono::{Duration, Utc};
/// use llmops_core::cost::{CostLedger, GroupBy, Query};
/// let ledger = CostLedger::bundled().unwrap();
/// let q = Query::new()
///     .by([GroupBy::Feature])
///     .filter(GroupBy::Tenant, "acme")
///     .since(Utc::now() - Duration::days(7))
///     .top(5);
/// assert!(ledger.query(&q).rows.is_empty());
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct Query {
    /// The dimensions of a row (none: one total row).
    pub group_by: Vec<GroupBy>,
    /// From this time (hour resolution).
    pub since: Option<DateTime<Utc>>,
    /// Before this time.
    pub until: Option<DateTime<Utc>>,
    /// Only keys whose dimension has this value.
    pub filters: Vec<(GroupBy, String)>,
    /// Only the N most expensive rows (the total still covers everything in the window).
    pub top: Option<usize>,
}

impl Query {
    /// Everything, one row.
    pub fn new() -> Self {
        Query::default()
    }
    /// Grouped by these dimensions, in this order.
    #[must_use]
    pub fn by(mut self, by: impl IntoIterator<Item = GroupBy>) -> Self {
        self.group_by = by.into_iter().collect();
        self
    }
    /// From `t`.
    #[must_use]
    pub fn since(mut self, t: DateTime<Utc>) -> Self {
        self.since = Some(t);
        self
    }
    /// Before `t`.
    #[must_use]
    pub fn until(mut self, t: DateTime<Utc>) -> Self {
        self.until = Some(t);
        self
    }
    /// Only where `dim` is `value`.
    #[must_use]
    pub fn filter(mut self, dim: GroupBy, value: impl Into<String>) -> Self {
        self.filters.push((dim, value.into()));
        self
    }
    /// The N most expensive rows.
    #[must_use]
    pub fn top(mut self, n: usize) -> Self {
        self.top = Some(n);
        self
    }

    fn admits(&self, k: &Key) -> bool {
        let since = self.since.map(|t| t.timestamp().div_euclid(3600));
        if since.is_some_and(|s| k.hour < s) {
            return false;
        }
        if self
            .until
            .is_some_and(|u| k.hour.saturating_mul(3600) >= u.timestamp())
        {
            return false;
        }
        self.filters
            .iter()
            .all(|(d, v)| d.value(k).as_deref() == Some(v.as_str()))
    }
}

/// One row of a report: spend of one group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Bucket {
    /// The group's values, one per [`Report::group_by`] dimension (`None`: not set).
    pub key: Vec<Option<String>>,
    /// Exchanges (counted where their last attempt ran).
    pub requests: u64,
    /// Provider attempts (retries and fallbacks included).
    pub attempts: u64,
    /// Exchanges served from the response cache.
    pub cache_hits: u64,
    /// Known cost (exact).
    pub cost: Money,
    /// Exchanges whose cost is unknown: not in `cost`, never counted as zero.
    pub unknown_cost_requests: u64,
    /// Distinct users with requests in the group.
    pub active_users: u64,
    /// Usage over every source.
    pub usage: Usage,
    /// Usage by where it came from (sources with no usage left out).
    pub usage_by_source: Vec<(UsageSource, Usage)>,
}

impl Bucket {
    fn new(key: Vec<Option<String>>) -> Self {
        Bucket {
            key,
            requests: 0,
            attempts: 0,
            cache_hits: 0,
            cost: Money::zero(),
            unknown_cost_requests: 0,
            active_users: 0,
            usage: Usage::default(),
            usage_by_source: Vec::new(),
        }
    }

    fn add(&mut self, a: &Agg) {
        self.requests += a.requests;
        self.attempts += a.attempts;
        self.cache_hits += a.cache_hits;
        self.cost.amount += a.cost;
        self.unknown_cost_requests += a.unknown_requests;
        for s in [
            UsageSource::Provider,
            UsageSource::Counted,
            UsageSource::Estimated,
            UsageSource::Missing,
        ] {
            let Some(u) = a.usage.get(source_index(s)) else {
                continue;
            };
            if u.is_zero() {
                continue;
            }
            self.usage.add(u);
            match self.usage_by_source.iter_mut().find(|(x, _)| *x == s) {
                Some((_, acc)) => acc.add(u),
                None => self.usage_by_source.push((s, *u)),
            }
        }
    }

    /// Requests whose cost is known.
    pub fn known_cost_requests(&self) -> u64 {
        self.requests.saturating_sub(self.unknown_cost_requests)
    }

    /// Known cost per request of known cost (`None` when there is none).
    pub fn cost_per_request(&self) -> Option<Money> {
        per(&self.cost, self.known_cost_requests())
    }

    /// Known cost per active user (`None` without users).
    pub fn cost_per_active_user(&self) -> Option<Money> {
        per(&self.cost, self.active_users)
    }

    /// The usage from one source.
    pub fn usage_from(&self, source: UsageSource) -> Usage {
        self.usage_by_source
            .iter()
            .find(|(s, _)| *s == source)
            .map(|(_, u)| *u)
            .unwrap_or_default()
    }
}

fn per(m: &Money, n: u64) -> Option<Money> {
    (n > 0).then(|| Money {
        amount: m.amount / Decimal::from(n),
        currency: m.currency.clone(),
    })
}

/// Unknown costs by reason.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UnknownCost {
    /// Why the cost is unknown (`` `acme/x` is not in the price table ``).
    pub reason: String,
    /// How many requests.
    pub requests: u64,
}

/// Spend grouped as a [`Query`] asked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Report {
    /// The dimensions of each row's key.
    pub group_by: Vec<GroupBy>,
    /// Rows, most expensive first (then most requests, then by key).
    pub rows: Vec<Bucket>,
    /// Everything in the window (all rows, also those `top` left out).
    pub total: Bucket,
    /// Unknown costs by reason, most requests first.
    pub unknown: Vec<UnknownCost>,
}

pub(crate) fn build(aggs: Vec<(Key, Agg)>, q: &Query) -> Report {
    let mut groups: HashMap<Vec<Option<String>>, (Bucket, HashSet<String>)> = HashMap::new();
    let mut total = (Bucket::new(Vec::new()), HashSet::new());
    let mut unknown: HashMap<String, u64> = HashMap::new();
    for (k, a) in &aggs {
        if !q.admits(k) {
            continue;
        }
        let key: Vec<Option<String>> = q.group_by.iter().map(|d| d.value(k)).collect();
        let g = groups
            .entry(key.clone())
            .or_insert_with(|| (Bucket::new(key), HashSet::new()));
        g.0.add(a);
        total.0.add(a);
        if a.requests > 0
            && let Some(u) = &k.user
        {
            g.1.insert(u.clone());
            total.1.insert(u.clone());
        }
        for (r, n) in &a.unknown_reasons {
            *unknown.entry(r.clone()).or_default() += n;
        }
    }
    let mut rows: Vec<Bucket> = groups
        .into_values()
        .map(|(mut b, users)| {
            b.active_users = users.len() as u64;
            b
        })
        .collect();
    rows.sort_by(|a, b| {
        b.cost
            .amount
            .cmp(&a.cost.amount)
            .then(b.requests.cmp(&a.requests))
            .then_with(|| a.key.cmp(&b.key))
    });
    if let Some(n) = q.top {
        rows.truncate(n);
    }
    total.0.active_users = total.1.len() as u64;
    let mut unknown: Vec<UnknownCost> = unknown
        .into_iter()
        .map(|(reason, requests)| UnknownCost { reason, requests })
        .collect();
    unknown.sort_by(|a, b| b.requests.cmp(&a.requests).then(a.reason.cmp(&b.reason)));
    Report {
        group_by: q.group_by.clone(),
        rows,
        total: total.0,
        unknown,
    }
}

/// One prompt version in the per-version report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PromptVersionRow {
    /// Prompt name.
    pub name: String,
    /// Version.
    pub version: u32,
    /// Requests.
    pub requests: u64,
    /// Average input tokens per request that reached a provider (cache hits left out).
    pub avg_input_tokens: f64,
    /// Average output tokens per request that reached a provider.
    pub avg_output_tokens: f64,
    /// Known cost per request of known cost.
    pub cost_per_request: Option<Money>,
    /// Requests whose cost is unknown.
    pub unknown_cost_requests: u64,
    /// The previous version of the prompt in the ledger.
    pub previous: Option<u32>,
    /// Growth of the average input tokens over the previous version (0.5 = +50%).
    pub input_growth: Option<f64>,
    /// The average input grew by more than the threshold: a forgotten debug string, a
    /// template pulling in too much context.
    pub flagged: bool,
}

pub(crate) fn prompt_versions(aggs: Vec<(Key, Agg)>, growth: f64) -> Vec<PromptVersionRow> {
    let mut by: HashMap<(String, u32), Bucket> = HashMap::new();
    for (k, a) in &aggs {
        if let Some((n, v)) = &k.prompt {
            by.entry((n.clone(), *v))
                .or_insert_with(|| Bucket::new(Vec::new()))
                .add(a);
        }
    }
    let mut keys: Vec<(String, u32)> = by.keys().cloned().collect();
    keys.sort();
    let mut out: Vec<PromptVersionRow> = Vec::with_capacity(keys.len());
    for (name, version) in keys {
        let Some(b) = by.get(&(name.clone(), version)) else {
            continue;
        };
        let served = b.requests.saturating_sub(b.cache_hits);
        let avg = |n: u64| {
            if served == 0 {
                Decimal::ZERO
            } else {
                Decimal::from(n) / Decimal::from(served)
            }
            .to_f64()
            .unwrap_or(0.0)
        };
        let prev = out.last().filter(|p| p.name == name);
        let avg_in = avg(b.usage.input_tokens);
        let input_growth = prev
            .filter(|p| p.avg_input_tokens > 0.0)
            .map(|p| avg_in / p.avg_input_tokens - 1.0);
        out.push(PromptVersionRow {
            previous: prev.map(|p| p.version),
            input_growth,
            flagged: input_growth.is_some_and(|g| g > growth),
            avg_input_tokens: avg_in,
            avg_output_tokens: avg(b.usage.output_tokens),
            cost_per_request: b.cost_per_request(),
            unknown_cost_requests: b.unknown_cost_requests,
            requests: b.requests,
            name,
            version,
        });
    }
    out
}
