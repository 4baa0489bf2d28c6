//! [`CostLedger`]: every exchange's cost, attributed, queryable in process.

use std::collections::HashMap;
use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, BuildHasherDefault, Hash, Hasher};
use std::sync::{Arc, Mutex, MutexGuard};

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;

use super::pricer::TablePricer;
use super::report::{self, Bucket, GroupBy, PromptVersionRow, Query, Report};
use crate::{ClientBuilder, Cost, ExchangeRecord, Observer, Result, Usage, UsageSource};

/// Shards of the aggregate map (a power of two).
const SHARDS: usize = 16;

/// The cost ledger: an [`Observer`] that attributes every exchange's cost to tenant, user,
/// API key id, feature, model, deployment, prompt name and version, and hour (so day), and
/// answers queries in process ([`report`](Self::report), [`query`](Self::query),
/// [`totals`](Self::totals), [`prompt_versions`](Self::prompt_versions)).
///
/// - **One entry per exchange**, whatever its ending; its cost is the record's
///   [`cost`](ExchangeRecord::cost) (what the pricer or a layer set), split over its attempts:
///   a fallback's failed primary is charged to the primary's model and deployment, the
///   answer to the fallback's. The exchange itself (the request) counts where its last
///   attempt ran.
/// - **Unknown costs are never zero**: an exchange whose cost is unknown adds nothing to the
///   known total and counts in `unknown_cost_requests`, with its reason
///   ([`Report::unknown`]).
/// - **Usage figures keep their source** (provider, counted, estimated, missing).
/// - **Exact money**: sums are decimals (USD; a cost in another currency counts as unknown).
///
/// **Cost on the request path**: `on_finish` prices nothing twice (it reuses the breakdown the
/// [`TablePricer`] made a moment earlier on the same thread), hashes each attempt's
/// attribution key and adds into one of 16 mutex-guarded shards: a hash-map probe and a few
/// additions under the lock, no I/O, no allocation unless the key is new. Memory grows with
/// the number of distinct keys (tenant × user × … × hour), not with requests;
/// [`prune_before`](Self::prune_before) drops old hours.
///
/// ```
/// use llmops_core::cost::{CostLedger, GroupBy};
/// use llmops_core::{Caller, ChatRequest, Client, ScriptedProvider};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let ledger = CostLedger::bundled().unwrap();
/// let client = Client::builder()
///     .provider(ScriptedProvider::named("openai").repeat("an answer"))
///     .cost_ledger(ledger.clone())
///     .build().unwrap();
/// for tenant in ["acme", "acme", "globex"] {
///     let req = ChatRequest::new("openai/gpt-4o-mini").user("hello").caller(Caller::default().tenant(tenant));
///     client.chat(req).await.unwrap();
/// }
/// let by_tenant = ledger.report(&[GroupBy::Tenant]);
/// assert_eq!(by_tenant.rows[0].key, vec![Some("acme".to_owned())]);
/// assert_eq!(by_tenant.rows[0].requests, 2);
/// assert_eq!(ledger.totals().requests, 3);
/// assert_eq!(ledger.totals().unknown_cost_requests, 0);
/// # });
/// ```
#[derive(Clone)]
pub struct CostLedger {
    inner: Arc<Inner>,
}

struct Inner {
    pricer: Arc<TablePricer>,
    hasher: RandomState,
    shards: Vec<Mutex<Shard>>,
}

/// Aggregates by key hash; a collision keeps several keys in one slot.
type Shard = HashMap<u64, Vec<(Key, Agg)>, BuildHasherDefault<KeyHash>>;

impl std::fmt::Debug for CostLedger {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CostLedger")
            .field("keys", &self.keys())
            .finish_non_exhaustive()
    }
}

/// The attribution key of one aggregate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    pub(crate) tenant: Option<String>,
    pub(crate) user: Option<String>,
    pub(crate) api_key: Option<String>,
    pub(crate) feature: Option<String>,
    pub(crate) provider: String,
    pub(crate) model: String,
    pub(crate) deployment: String,
    pub(crate) prompt: Option<(String, u32)>,
    /// Hours since the Unix epoch (UTC) of the exchange's start.
    pub(crate) hour: i64,
}

/// A key made of borrowed parts (no allocation to look one up).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct KeyRef<'a> {
    tenant: Option<&'a str>,
    user: Option<&'a str>,
    api_key: Option<&'a str>,
    feature: Option<&'a str>,
    provider: &'a str,
    model: &'a str,
    deployment: &'a str,
    prompt: Option<(&'a str, u32)>,
    hour: i64,
}

impl Key {
    fn as_ref(&self) -> KeyRef<'_> {
        KeyRef {
            tenant: self.tenant.as_deref(),
            user: self.user.as_deref(),
            api_key: self.api_key.as_deref(),
            feature: self.feature.as_deref(),
            provider: &self.provider,
            model: &self.model,
            deployment: &self.deployment,
            prompt: self.prompt.as_ref().map(|(n, v)| (n.as_str(), *v)),
            hour: self.hour,
        }
    }
}

impl KeyRef<'_> {
    fn to_owned(self) -> Key {
        Key {
            tenant: self.tenant.map(str::to_owned),
            user: self.user.map(str::to_owned),
            api_key: self.api_key.map(str::to_owned),
            feature: self.feature.map(str::to_owned),
            provider: self.provider.to_owned(),
            model: self.model.to_owned(),
            deployment: self.deployment.to_owned(),
            prompt: self.prompt.map(|(n, v)| (n.to_owned(), v)),
            hour: self.hour,
        }
    }
}

/// The map's keys are already hashes: pass them through.
#[derive(Default)]
struct KeyHash(u64);

impl Hasher for KeyHash {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// What one key accumulated.
#[derive(Debug, Clone, Default)]
pub(crate) struct Agg {
    /// Exchanges whose last attempt (or only line) ran here.
    pub(crate) requests: u64,
    /// Attempt lines.
    pub(crate) attempts: u64,
    /// Exchanges served from the response cache.
    pub(crate) cache_hits: u64,
    /// Known cost, USD.
    pub(crate) cost: Decimal,
    /// Exchanges (counted here like `requests`) whose cost is unknown.
    pub(crate) unknown_requests: u64,
    /// Why, with counts.
    pub(crate) unknown_reasons: Vec<(String, u64)>,
    /// Usage by source: provider, counted, estimated, missing.
    pub(crate) usage: [Usage; 4],
}

pub(crate) fn source_index(s: UsageSource) -> usize {
    match s {
        UsageSource::Provider => 0,
        UsageSource::Counted => 1,
        UsageSource::Estimated => 2,
        UsageSource::Missing => 3,
    }
}

fn lock(m: &Mutex<Shard>) -> MutexGuard<'_, Shard> {
    match m.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    }
}

impl CostLedger {
    /// A ledger that prices attempts with `pricer` (install the same pricer on the client,
    /// or use [`ClientBuilder::cost_ledger`], which does both).
    pub fn new(pricer: Arc<TablePricer>) -> Self {
        CostLedger {
            inner: Arc::new(Inner {
                pricer,
                hasher: RandomState::new(),
                shards: (0..SHARDS).map(|_| Mutex::new(Shard::default())).collect(),
            }),
        }
    }

    /// A ledger on the bundled price table.
    pub fn bundled() -> Result<Self> {
        Ok(CostLedger::new(Arc::new(TablePricer::bundled()?)))
    }

    /// The pricer.
    pub fn pricer(&self) -> &Arc<TablePricer> {
        &self.inner.pricer
    }

    /// Records one exchange (what [`Observer::on_finish`] does; also for replaying a request
    /// log into a ledger).
    pub fn record(&self, rec: &ExchangeRecord) {
        let priced = self.inner.pricer.breakdown(rec);
        // the record's cost is the truth (a layer may have set it); the breakdown splits it
        // over attempts when it agrees, else it all goes to the last attempt
        let split = priced.cost == rec.cost;
        let (known, reason) = match &rec.cost {
            Cost::Known(m) if m.currency == "USD" => (Some(m.amount), None),
            Cost::Known(m) => (
                None,
                Some(format!("cost in {} (the ledger sums USD)", m.currency)),
            ),
            Cost::Unknown { reason } => (None, Some(reason.clone())),
        };
        let caller = &rec.caller;
        let hour = rec.started_at.timestamp().div_euclid(3600);
        let cache_hit = matches!(rec.cache, Some(crate::CacheOutcome::Hit { .. }));
        let last = priced.lines.len().saturating_sub(1);
        for (i, line) in priced.lines.iter().enumerate() {
            let is_last = i == last;
            let key = KeyRef {
                tenant: caller.tenant.as_deref(),
                user: caller.user.as_deref(),
                api_key: caller.api_key_id.as_deref(),
                feature: caller.feature.as_deref(),
                provider: &line.provider,
                model: &line.model,
                deployment: &line.deployment,
                prompt: rec.prompt.as_ref().map(|p| (p.name.as_str(), p.version)),
                hour,
            };
            let amount = match known {
                None => None,
                Some(_) if split => line.cost.known().map(|m| m.amount),
                Some(total) if is_last => Some(total),
                Some(_) => Some(Decimal::ZERO),
            };
            self.add(key, |a| {
                a.attempts += u64::from(line.attempt > 0);
                if let Some(x) = amount {
                    a.cost += x;
                }
                if let Some(u) = a.usage.get_mut(source_index(line.source)) {
                    u.add(&line.usage);
                }
                if is_last {
                    a.requests += 1;
                    a.cache_hits += u64::from(cache_hit);
                    if let Some(r) = &reason {
                        a.unknown_requests += 1;
                        match a.unknown_reasons.iter_mut().find(|(x, _)| x == r) {
                            Some((_, n)) => *n += 1,
                            None => a.unknown_reasons.push((r.clone(), 1)),
                        }
                    }
                }
            });
        }
    }

    fn add(&self, key: KeyRef<'_>, f: impl FnOnce(&mut Agg)) {
        let h = self.inner.hasher.hash_one(key);
        let shard = (h as usize) & (SHARDS - 1);
        let Some(m) = self.inner.shards.get(shard) else {
            return;
        };
        let mut map = lock(m);
        let slot = map.entry(h).or_default();
        match slot.iter_mut().find(|(k, _)| k.as_ref() == key) {
            Some((_, a)) => f(a),
            None => {
                let mut a = Agg::default();
                f(&mut a);
                slot.push((key.to_owned(), a));
            }
        }
    }

    /// Every aggregate, copied out shard by shard (queries never block recording for long).
    pub(crate) fn snapshot(&self) -> Vec<(Key, Agg)> {
        let mut out = Vec::new();
        for m in &self.inner.shards {
            let map = lock(m);
            out.extend(map.values().flatten().cloned());
        }
        out
    }

    /// How many distinct attribution keys the ledger holds (its memory is proportional).
    pub fn keys(&self) -> usize {
        self.inner
            .shards
            .iter()
            .map(|m| lock(m).values().map(Vec::len).sum::<usize>())
            .sum()
    }

    /// Drops every aggregate of hours that ended before `t`.
    pub fn prune_before(&self, t: DateTime<Utc>) {
        let cutoff = t.timestamp().div_euclid(3600);
        for m in &self.inner.shards {
            let mut map = lock(m);
            map.retain(|_, slot| {
                slot.retain(|(k, _)| k.hour >= cutoff);
                !slot.is_empty()
            });
        }
    }

    /// Spend grouped by `by` (empty: one total row), most expensive first.
    ///
    /// ```
    /// # use llmops_core::cost::{CostLedger, GroupBy};
    /// let ledger = CostLedger::bundled().unwrap();
    /// let r = ledger.report(&[GroupBy::Tenant, GroupBy::Model]);
    /// assert!(r.rows.is_empty());
    /// ```
    pub fn report(&self, by: &[GroupBy]) -> Report {
        self.query(&Query::new().by(by.iter().copied()))
    }

    /// Spend as `q` asks: grouping, time window, filters, top N.
    pub fn query(&self, q: &Query) -> Report {
        report::build(self.snapshot(), q)
    }

    /// Everything in one row: requests, known cost, unknown-cost requests, usage by source.
    pub fn totals(&self) -> Bucket {
        report::build(self.snapshot(), &Query::new()).total
    }

    /// Average input and output tokens and cost per request of each prompt version, each
    /// compared with the previous version of its prompt; a version whose average input grew
    /// by more than 20% is flagged (see [`prompt_versions_with`](Self::prompt_versions_with)).
    pub fn prompt_versions(&self) -> Vec<PromptVersionRow> {
        self.prompt_versions_with(0.2)
    }

    /// [`prompt_versions`](Self::prompt_versions) with another threshold: flagged when the
    /// average input tokens grew by more than `growth` (0.2 = 20%) over the previous version.
    pub fn prompt_versions_with(&self, growth: f64) -> Vec<PromptVersionRow> {
        report::prompt_versions(self.snapshot(), growth)
    }
}

impl Observer for CostLedger {
    fn name(&self) -> &str {
        "cost_ledger"
    }
    fn on_finish(&self, rec: &ExchangeRecord) {
        self.record(rec);
    }
}

impl ClientBuilder {
    /// Prices every exchange with the ledger's pricer and records it in the ledger (the
    /// pricer and the observer in one step).
    #[must_use]
    pub fn cost_ledger(self, ledger: CostLedger) -> Self {
        let pricer: Arc<dyn crate::Pricer> = ledger.pricer().clone();
        self.pricer(pricer).observer(ledger)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn borrowed_and_owned_keys_hash_alike() {
        let k = Key {
            tenant: Some("t".into()),
            user: None,
            api_key: None,
            feature: Some("f".into()),
            provider: "p".into(),
            model: "m".into(),
            deployment: "d".into(),
            prompt: Some(("x".into(), 2)),
            hour: 7,
        };
        let s = RandomState::new();
        assert_eq!(
            s.hash_one(k.as_ref()),
            s.hash_one(k.as_ref().to_owned().as_ref())
        );
        let mut other = k.clone();
        other.hour = 8;
        assert_ne!(k.as_ref(), other.as_ref());
    }
}
