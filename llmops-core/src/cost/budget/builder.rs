//! [`BudgetsBuilder`]: limits, caps, store, prices and policies, in code or from a file.

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use super::alerts::Fired;
use super::file::BudgetFile;
use arc_swap::ArcSwap;

use super::layer::{
    Budgets, Clock, Counters, Current, Entry, Inner, StoreFailure, Unpriced, nanos_down,
};
use super::limits::{Limit, LimitAmount, TokenCap};
use super::store::{BudgetStore, MemoryBudgetStore};
use crate::cost::{PriceTable, Pricing};
use crate::trim::TrimPolicy;
use crate::{AlertSink, Error, Result};

/// The default reservation TTL: longer than any request should take.
pub const DEFAULT_TTL: Duration = Duration::from_secs(600);

/// Builds [`Budgets`].
///
/// ```
/// use std::time::Duration;
/// use llmops_core::cost::budget::{Budgets, Limit, Scope, TokenCap, Unpriced, Window};
/// use llmops_core::Money;
/// let budgets = Budgets::builder()
///     .limit(Limit::money(Scope::Global, Window::Month, Money::usd_str("500")?).alert_at([50, 80, 100]))
///     .limit(Limit::money(Scope::Tenant, Window::Day, Money::usd_str("20")?))
///     .limit(Limit::tokens(Scope::User, Window::Minute, 40_000))
///     .token_cap(TokenCap::input(16_000))
///     .unpriced(Unpriced::Refuse)
///     .reservation_ttl(Duration::from_secs(300))
///     .build()?;
/// assert_eq!(budgets.stats().granted, 0);
/// # Ok::<(), llmops_core::Error>(())
/// ```
#[derive(Default)]
pub struct BudgetsBuilder {
    limits: Vec<Limit>,
    caps: Vec<TokenCap>,
    trim: Option<TrimPolicy>,
    store: Option<Arc<dyn BudgetStore>>,
    prices: Option<Arc<PriceTable>>,
    pricing: Pricing,
    unpriced: Unpriced,
    store_failure: StoreFailure,
    ttl: Option<Duration>,
    alerts: Option<Arc<dyn AlertSink>>,
    clock: Option<Clock>,
}

impl std::fmt::Debug for BudgetsBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BudgetsBuilder")
            .field("limits", &self.limits)
            .field("caps", &self.caps)
            .field("unpriced", &self.unpriced)
            .finish_non_exhaustive()
    }
}

impl BudgetsBuilder {
    /// Adds a limit.
    #[must_use]
    pub fn limit(mut self, l: Limit) -> Self {
        self.limits.push(l);
        self
    }

    /// Adds a per-request input token cap; the tightest applicable cap applies.
    #[must_use]
    pub fn token_cap(mut self, c: TokenCap) -> Self {
        self.caps.push(c);
        self
    }

    /// How token caps trim (default [`TrimPolicy::default`]: oldest history first, the newest
    /// turn, system instructions and the current input kept).
    #[must_use]
    pub fn trim_policy(mut self, p: TrimPolicy) -> Self {
        self.trim = Some(p);
        self
    }

    /// Where counters live (default: [`MemoryBudgetStore`]).
    #[must_use]
    pub fn store(self, s: impl BudgetStore) -> Self {
        self.store_arc(Arc::new(s))
    }

    /// A shared store.
    #[must_use]
    pub fn store_arc(mut self, s: Arc<dyn BudgetStore>) -> Self {
        self.store = Some(s);
        self
    }

    /// The price table (default: [`PriceTable::bundled`]).
    #[must_use]
    pub fn prices(mut self, t: impl Into<Arc<PriceTable>>) -> Self {
        self.prices = Some(t.into());
        self
    }

    /// Standard or batch prices (default standard).
    #[must_use]
    pub fn pricing(mut self, p: Pricing) -> Self {
        self.pricing = p;
        self
    }

    /// A request the table cannot price: refuse (default) or let through uncounted.
    #[must_use]
    pub fn unpriced(mut self, p: Unpriced) -> Self {
        self.unpriced = p;
        self
    }

    /// A failing store: fail closed (default) or open.
    #[must_use]
    pub fn on_store_error(mut self, p: StoreFailure) -> Self {
        self.store_failure = p;
        self
    }

    /// How long a reservation holds before it lapses in the store (default 10 minutes).
    #[must_use]
    pub fn reservation_ttl(mut self, d: Duration) -> Self {
        self.ttl = Some(d);
        self
    }

    /// Where soft-threshold alerts go (none by default: thresholds are then not tracked).
    #[must_use]
    pub fn alerts(mut self, sink: Arc<dyn AlertSink>) -> Self {
        self.alerts = Some(sink);
        self
    }

    /// The time source that picks each request's windows (default `Utc::now`): for tests
    /// and replays of recorded traffic.
    #[must_use]
    pub fn clock(
        mut self,
        now: impl Fn() -> chrono::DateTime<chrono::Utc> + Send + Sync + 'static,
    ) -> Self {
        self.clock = Some(Arc::new(now));
        self
    }

    /// Adds what a budget file holds (limits, caps, trimming, policies it sets): see
    /// [`BudgetFile`]. A malformed file is an error naming the file and line.
    pub fn file(self, path: impl AsRef<Path>) -> Result<Self> {
        Ok(self.apply(BudgetFile::load(path)?))
    }

    /// Adds what a parsed budget file holds.
    #[must_use]
    pub fn apply(mut self, f: BudgetFile) -> Self {
        self.limits.extend(f.limits);
        self.caps.extend(f.caps);
        if let Some(t) = f.trim {
            self.trim = Some(t);
        }
        if let Some(p) = f.unpriced {
            self.unpriced = p;
        }
        if let Some(p) = f.on_store_error {
            self.store_failure = p;
        }
        if let Some(p) = f.pricing {
            self.pricing = p;
        }
        if let Some(t) = f.reservation_ttl {
            self.ttl = Some(t);
        }
        self
    }

    /// Checks the limits (unique names, USD money, thresholds) and builds.
    pub fn build(self) -> Result<Budgets> {
        let mut names = std::collections::HashSet::new();
        let mut limits = Vec::with_capacity(self.limits.len());
        for l in self.limits {
            l.validate()?;
            if !names.insert(l.name.clone()) {
                return Err(Error::config(format!(
                    "two budget limits are named `{}`: name one with `.named(..)`",
                    l.name
                )));
            }
            let (units, tokens) = match &l.amount {
                LimitAmount::Money(m) => (nanos_down(m), false),
                LimitAmount::Tokens(n) => (i64::try_from(*n).unwrap_or(i64::MAX), true),
            };
            limits.push(Entry {
                current: ArcSwap::from_pointee(Current::of(&l, chrono::Utc::now())),
                limit: l,
                units,
                tokens,
            });
        }
        // token limits read the table too (a model's output limit bounds a request without
        // max_tokens)
        let prices = match self.prices {
            Some(p) => p,
            None if !limits.is_empty() => PriceTable::bundled()?,
            None => Arc::new(PriceTable::default()),
        };
        Ok(Budgets {
            inner: Arc::new(Inner {
                limits,
                caps: self.caps,
                trim: self.trim.unwrap_or_default(),
                store: self
                    .store
                    .unwrap_or_else(|| Arc::new(MemoryBudgetStore::new())),
                prices,
                pricing: self.pricing,
                unpriced: self.unpriced,
                store_failure: self.store_failure,
                ttl: self.ttl.unwrap_or(DEFAULT_TTL),
                alerts: self.alerts,
                fired: Fired::default(),
                counters: Counters::default(),
                clock: self.clock,
            }),
        })
    }
}
