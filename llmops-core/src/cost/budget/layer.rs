//! [`Budgets`]: the pipeline's budget stage. Reserve an upper bound of the cost before the
//! call (or refuse), settle to the real cost in the exchange's finisher.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use arc_swap::ArcSwap;

use chrono::{DateTime, Datelike, Timelike, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};
use serde_json::json;

use super::alerts::Fired;
use super::limits::{Limit, TokenCap, Window};
use super::reservation::{Held, Reservation};
use super::store::{BudgetStore, Charge, CounterState, Reserve};
use super::{ANNOTATION, token_cap};
use crate::cost::{ModelPrice, PriceTable, Pricing};
use crate::error::{BudgetAmount, BudgetRefusal};
use crate::exchange::Exchange;
use crate::pipeline::{Middleware, Next};
use crate::provider::{Deployment, ModelRegistry};
use crate::stream::Reply;
use crate::tokens::TokenBound;
use crate::trim::TrimPolicy;
use crate::types::{Caller, ChatRequest};
use crate::{AlertSink, Cost, Error, Money, Result};

/// What to do with a request the price table cannot price (a model it does not know, or no
/// `max_tokens` and no output limit for a token or money bound).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Unpriced {
    /// Refuse it with [`Error::BudgetExceeded`] (fail closed; the default).
    #[default]
    Refuse,
    /// Let it through uncounted: nothing is reserved or settled for it; counted in
    /// [`BudgetStats::unpriced_allowed`] and annotated on the exchange.
    Allow,
}

/// What to do when the store fails (a shared store unreachable or slow).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StoreFailure {
    /// Refuse the request with the store's error (the default).
    #[default]
    FailClosed,
    /// Let it through uncounted (counted in [`BudgetStats::store_failed_open`]).
    FailOpen,
}

/// Counts of what the budget stage did, since it was built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BudgetStats {
    /// Reservations granted.
    pub granted: u64,
    /// Requests refused (over a limit, unpriced, or over a token cap that trimming could
    /// not meet).
    pub refused: u64,
    /// Requests counted exactly because their bound would have been refused.
    pub recounted: u64,
    /// Of those, granted on the exact count.
    pub granted_on_recount: u64,
    /// Reservations settled.
    pub settled: u64,
    /// Of those, settled at the reserved amount because the real cost was unknown.
    pub settled_unknown: u64,
    /// Reservations released unsettled.
    pub released: u64,
    /// Requests let through uncounted by [`Unpriced::Allow`].
    pub unpriced_allowed: u64,
    /// Store calls that failed.
    pub store_errors: u64,
    /// Requests let through uncounted by [`StoreFailure::FailOpen`].
    pub store_failed_open: u64,
    /// Settlements or releases that could not finish (no runtime to finish them): a shared
    /// store's TTL frees them.
    pub stranded: u64,
    /// Requests trimmed to their token cap.
    pub trimmed: u64,
    /// Alerts sent.
    pub alerts_sent: u64,
    /// Alerts the sink failed to deliver.
    pub alert_errors: u64,
}

#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) granted: AtomicU64,
    pub(crate) refused: AtomicU64,
    pub(crate) recounted: AtomicU64,
    pub(crate) granted_on_recount: AtomicU64,
    pub(crate) settled: AtomicU64,
    pub(crate) settled_unknown: AtomicU64,
    pub(crate) released: AtomicU64,
    pub(crate) unpriced_allowed: AtomicU64,
    pub(crate) store_errors: AtomicU64,
    pub(crate) store_failed_open: AtomicU64,
    pub(crate) stranded: AtomicU64,
    pub(crate) trimmed: AtomicU64,
    pub(crate) alerts_sent: AtomicU64,
    pub(crate) alert_errors: AtomicU64,
}

pub(crate) fn bump(c: &AtomicU64) {
    c.fetch_add(1, Ordering::Relaxed);
}

/// One configured limit, with its amount in counter units.
#[derive(Debug)]
pub(crate) struct Entry {
    pub(crate) limit: Limit,
    /// Nano-dollars or tokens.
    pub(crate) units: i64,
    pub(crate) tokens: bool,
    /// The current window: start, end, and the counter-key prefix (`name|start|`), swapped
    /// when a window ends, so a request formats no date.
    pub(crate) current: ArcSwap<Current>,
}

#[derive(Debug)]
pub(crate) struct Current {
    start: DateTime<Utc>,
    end: DateTime<Utc>,
    prefix: String,
}

impl Current {
    pub(crate) fn of(limit: &Limit, at: DateTime<Utc>) -> Self {
        let start = limit.window.start(at);
        Current {
            start,
            end: limit.window.end(at),
            prefix: counter_key(&limit.name, start, ""),
        }
    }
}

impl Entry {
    /// The start and end of the window containing `at`.
    fn window_at(&self, at: DateTime<Utc>) -> (DateTime<Utc>, DateTime<Utc>) {
        let c = self.current.load();
        if c.start <= at && at < c.end {
            return (c.start, c.end);
        }
        let next = Current::of(&self.limit, at);
        let w = (next.start, next.end);
        // only a later window replaces the cached one (a clock that runs back does not thrash)
        if next.start > c.start {
            self.current.store(Arc::new(next));
        }
        w
    }

    /// The counter key of `value` in the window starting at `start`.
    fn key(&self, start: DateTime<Utc>, value: &str) -> String {
        let c = self.current.load();
        if c.start == start {
            let mut k = String::with_capacity(c.prefix.len() + value.len());
            k.push_str(&c.prefix);
            k.push_str(value);
            return k;
        }
        counter_key(&self.limit.name, start, value)
    }
}

pub(crate) struct Inner {
    pub(crate) limits: Vec<Entry>,
    pub(crate) caps: Vec<TokenCap>,
    pub(crate) trim: TrimPolicy,
    pub(crate) store: Arc<dyn BudgetStore>,
    pub(crate) prices: Arc<PriceTable>,
    pub(crate) pricing: Pricing,
    pub(crate) unpriced: Unpriced,
    pub(crate) store_failure: StoreFailure,
    pub(crate) ttl: Duration,
    pub(crate) alerts: Option<Arc<dyn AlertSink>>,
    pub(crate) fired: Fired,
    pub(crate) counters: Counters,
    pub(crate) clock: Option<Clock>,
}

/// A time source (see [`BudgetsBuilder::clock`](super::BudgetsBuilder::clock)).
pub type Clock = Arc<dyn Fn() -> DateTime<Utc> + Send + Sync>;

/// The budget stage ([`CoreStage::Budget`](crate::CoreStage::Budget)): limits per scope and
/// window, reserved before the call and settled to the real cost after it; soft-threshold
/// alerts; per-request input token caps. Build it with [`Budgets::builder`], install it with
/// [`ClientBuilder::budgets`](crate::ClientBuilder::budgets); clones share everything.
///
/// Per request:
/// 1. **Token cap** ([`TokenCap`]): input over the tightest applicable cap is trimmed with
///    the [`TrimPolicy`] or refused.
/// 2. **Reserve**: the limits that apply to the caller each get a counter for the current
///    window; the request's [`token_upper_bound`](ChatRequest::token_upper_bound) priced
///    with [`PriceTable::max_cost`] (no tokenizer) is reserved on all of them at once, or the
///    request is refused with [`Error::BudgetExceeded`] (class `budget_exceeded`, figures in
///    the exchange's `budget` annotation). Only when the bound would be refused is the
///    request counted exactly ([`ChatRequest::count_tokens`]) and tried again.
/// 3. **Settle**: in the exchange's finisher (every ending: completed, failed, cut, dropped,
///    cancelled) the reservation becomes the real cost: the record's cost when known, else
///    its attempts' usage at the table's prices; an unknown cost keeps the reservation as the
///    spend ([`BudgetStats::settled_unknown`]). Soft thresholds alert once per window.
///
/// ```
/// use llmops_core::cost::budget::{Budgets, Limit, Scope, Window};
/// use llmops_core::cost::PriceTable;
/// use llmops_core::{ChatRequest, Client, Error, Money, ScriptedProvider};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// // $1 per million input tokens, $2 per million output tokens
/// let prices = PriceTable::from_json_str(r#"{"scripted/m": {"input_cost_per_token": 1e-6,
///     "output_cost_per_token": 2e-6, "litellm_provider": "scripted"}}"#, "prices.json")?;
/// let budgets = Budgets::builder()
///     .prices(prices)
///     .limit(Limit::money(Scope::Tenant, Window::Day, Money::usd_str("0.0005")?))
///     .build()?;
/// let client = Client::builder()
///     .provider(ScriptedProvider::new().repeat("ok"))
///     .budgets(budgets.clone())
///     .build()?;
/// let req = ChatRequest::new("scripted/m").user("hi").max_tokens(100).tenant("acme");
/// client.chat(req.clone()).await?; // reserves ≤ $0.00023, settles to the real cost
/// let big = req.max_tokens(1_000); // bound: ~$0.002, over the limit
/// let err = client.chat(big).await.unwrap_err();
/// assert_eq!(err.class().as_str(), "budget_exceeded");
/// assert_eq!(budgets.stats().refused, 1);
/// # Ok::<(), Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct Budgets {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for Budgets {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Budgets")
            .field("limits", &self.inner.limits.len())
            .field("caps", &self.inner.caps.len())
            .field("store", &self.inner.store.name())
            .finish_non_exhaustive()
    }
}

/// One limit's counter as it stands (see [`Budgets::status`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BudgetStatus {
    /// The limit's name.
    pub budget: String,
    /// `global`, `tenant=acme` ...
    pub scope: String,
    /// The window.
    pub window: Window,
    /// When the current window started.
    pub window_start: DateTime<Utc>,
    /// When it ends.
    pub window_end: DateTime<Utc>,
    /// The limit.
    pub limit: BudgetAmount,
    /// Settled spend in the window.
    pub spent: BudgetAmount,
    /// Held by requests in flight.
    pub reserved: BudgetAmount,
}

impl Budgets {
    /// A builder (bundled prices, in-memory store, fail closed).
    pub fn builder() -> super::BudgetsBuilder {
        super::BudgetsBuilder::default()
    }

    /// What the stage has done so far.
    pub fn stats(&self) -> BudgetStats {
        let c = &self.inner.counters;
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed);
        BudgetStats {
            granted: l(&c.granted),
            refused: l(&c.refused),
            recounted: l(&c.recounted),
            granted_on_recount: l(&c.granted_on_recount),
            settled: l(&c.settled),
            settled_unknown: l(&c.settled_unknown),
            released: l(&c.released),
            unpriced_allowed: l(&c.unpriced_allowed),
            store_errors: l(&c.store_errors),
            store_failed_open: l(&c.store_failed_open),
            stranded: l(&c.stranded),
            trimmed: l(&c.trimmed),
            alerts_sent: l(&c.alerts_sent),
            alert_errors: l(&c.alert_errors),
        }
    }

    /// The store.
    pub fn store(&self) -> &Arc<dyn BudgetStore> {
        &self.inner.store
    }

    /// The current window's counter of every limit that applies to `caller`.
    pub async fn status(&self, caller: &Caller) -> Result<Vec<BudgetStatus>> {
        self.status_at(caller, self.inner.now()).await
    }

    /// The counters of the windows containing `at`.
    pub async fn status_at(&self, caller: &Caller, at: DateTime<Utc>) -> Result<Vec<BudgetStatus>> {
        let mut out = Vec::new();
        for e in &self.inner.limits {
            let Some(value) = e.limit.applies_to(caller) else {
                continue;
            };
            let start = e.limit.window.start(at);
            let st = self
                .inner
                .store
                .state(&counter_key(&e.limit.name, start, value))
                .await?;
            out.push(BudgetStatus {
                budget: e.limit.name.clone(),
                scope: e.limit.scope.describe(value),
                window: e.limit.window,
                window_start: start,
                window_end: e.limit.window.end(at),
                limit: e.limit.amount.as_budget_amount(),
                spent: amount(e.tokens, st.spent),
                reserved: amount(e.tokens, st.reserved),
            });
        }
        Ok(out)
    }
}

/// `name|2026-01-02T00:00Z|value`: fixed-format window start, the scope value last.
pub(crate) fn counter_key(name: &str, start: DateTime<Utc>, value: &str) -> String {
    use std::fmt::Write;
    let mut k = String::with_capacity(name.len() + value.len() + 20);
    k.push_str(name);
    let _ = write!(
        k,
        "|{:04}-{:02}-{:02}T{:02}:{:02}Z|",
        start.year(),
        start.month(),
        start.day(),
        start.hour(),
        start.minute()
    );
    k.push_str(value);
    k
}

const NANOS: i64 = 1_000_000_000;

fn scaled(m: &Money) -> Option<Decimal> {
    m.amount.checked_mul(Decimal::from(NANOS))
}

/// Money to nano-dollars, rounded up (a reservation never holds less than the bound).
pub(crate) fn nanos_up(m: &Money) -> i64 {
    scaled(m)
        .and_then(|d| d.ceil().to_i64())
        .unwrap_or(i64::MAX)
}

/// Money to nano-dollars, rounded to the nearest (half to even).
pub(crate) fn nanos_near(m: &Money) -> i64 {
    scaled(m)
        .and_then(|d| d.round().to_i64())
        .unwrap_or(i64::MAX)
}

/// Money to nano-dollars, rounded down (a limit is never raised).
pub(crate) fn nanos_down(m: &Money) -> i64 {
    scaled(m)
        .and_then(|d| d.floor().to_i64())
        .unwrap_or(i64::MAX)
}

pub(crate) fn money(nanos: i64) -> Money {
    Money::usd(Decimal::new(nanos, 9).normalize())
}

pub(crate) fn amount(tokens: bool, n: i64) -> BudgetAmount {
    if tokens {
        BudgetAmount::Tokens(u64::try_from(n).unwrap_or(0))
    } else {
        BudgetAmount::Money(money(n))
    }
}

/// The bound in both units, as needed.
struct Amounts {
    nanos: i64,
    tokens: i64,
}

/// Whose prices bound a request.
enum Targets {
    /// The request's model (an id, alias or `provider/model` of the client).
    Model,
    /// The deployments a router after the budget stage may try.
    Deployments(Vec<Arc<Deployment>>),
}

impl Inner {
    fn now(&self) -> DateTime<Utc> {
        self.clock.as_ref().map_or_else(Utc::now, |c| c())
    }

    fn price_of<'a>(&'a self, model: &str, registry: &ModelRegistry) -> Option<&'a ModelPrice> {
        self.prices.get(model).or_else(|| {
            registry
                .resolve(model)
                .ok()
                .and_then(|d| self.prices.get_deployment(&d))
        })
    }

    /// The bound's amounts on the dearest of the targets.
    fn bound_amounts(
        &self,
        targets: &Targets,
        model: &str,
        registry: &ModelRegistry,
        bound: &TokenBound,
        money: bool,
        tokens: bool,
    ) -> std::result::Result<Amounts, String> {
        match targets {
            Targets::Model => {
                self.amounts(self.price_of(model, registry), model, bound, money, tokens)
            }
            Targets::Deployments(deps) => {
                let mut most = Amounts {
                    nanos: 0,
                    tokens: 0,
                };
                for d in deps {
                    let a =
                        self.amounts(self.prices.get_deployment(d), &d.id, bound, money, tokens)?;
                    most.nanos = most.nanos.max(a.nanos);
                    most.tokens = most.tokens.max(a.tokens);
                }
                Ok(most)
            }
        }
    }

    fn amounts(
        &self,
        price: Option<&ModelPrice>,
        model: &str,
        bound: &TokenBound,
        money: bool,
        tokens: bool,
    ) -> std::result::Result<Amounts, String> {
        let nanos = if money {
            let Some(p) = price else {
                return Err(format!("`{model}` is not in the price table"));
            };
            match p.max_cost(model, bound, self.pricing) {
                Cost::Known(m) => nanos_up(&m),
                Cost::Unknown { reason } => return Err(reason),
            }
        } else {
            0
        };
        let tokens = if tokens {
            let out = bound
                .output_tokens
                .or_else(|| price.and_then(ModelPrice::output_limit))
                .ok_or_else(|| {
                    format!(
                        "`{model}`: the request sets no max_tokens and its output limit is unknown"
                    )
                })?;
            i64::try_from(bound.input_tokens.saturating_add(out)).unwrap_or(i64::MAX)
        } else {
            0
        };
        Ok(Amounts { nanos, tokens })
    }

    fn refusal(
        &self,
        charge: &Charge,
        held: &Held,
        state: CounterState,
        requested: Option<i64>,
    ) -> BudgetRefusal {
        let e = self.limits.get(held.limit);
        let name = e.map_or("", |e| e.limit.name.as_str());
        let scope = e.map_or_else(String::new, |e| {
            e.limit.scope.describe(scope_value(&charge.key))
        });
        BudgetRefusal::new(
            name,
            scope,
            format!(
                "{} from {}",
                held.window,
                held.window_start.format("%Y-%m-%dT%H:%MZ")
            ),
            amount(held.tokens, charge.limit),
        )
        .with_figures(
            amount(held.tokens, state.spent),
            amount(held.tokens, state.reserved),
            requested.map(|n| amount(held.tokens, n)),
        )
    }
}

/// The scope value of a counter key (after its second `|`).
pub(crate) fn scope_value(key: &str) -> &str {
    key.splitn(3, '|').nth(2).unwrap_or_default()
}

fn refuse(cx: &mut Exchange, counters: &Counters, e: Error) -> Error {
    bump(&counters.refused);
    if let Error::BudgetExceeded(r) = &e
        && let Ok(mut v) = serde_json::to_value(r.as_ref())
    {
        if let Some(o) = v.as_object_mut() {
            o.insert("refused".to_owned(), json!(true));
        }
        cx.annotations.insert(ANNOTATION.to_owned(), v);
    }
    e
}

#[async_trait::async_trait]
impl Middleware for Budgets {
    fn name(&self) -> &str {
        "budget"
    }

    async fn handle(
        &self,
        mut req: ChatRequest,
        cx: &mut Exchange,
        next: Next<'_>,
    ) -> Result<Reply> {
        let inner = &self.inner;
        let mut bound = None;
        if !inner.caps.is_empty() {
            match token_cap::apply(&inner.caps, &inner.trim, &mut req) {
                Ok(c) => {
                    bound = c.bound;
                    if let Some(note) = c.note {
                        if note.get("trimmed") == Some(&json!(true)) {
                            bump(&inner.counters.trimmed);
                        }
                        token_cap::annotate(cx, note);
                    }
                }
                Err(e) => return Err(refuse(cx, &inner.counters, e)),
            }
        }
        let now = inner.now();
        let caller = req.caller.clone();
        let applicable: Vec<(usize, &Entry, &str)> = inner
            .limits
            .iter()
            .enumerate()
            .filter_map(|(i, e)| e.limit.applies_to(&caller).map(|v| (i, e, v)))
            .collect();
        if applicable.is_empty() {
            return next.run(req, cx).await;
        }
        let bound = bound.unwrap_or_else(|| req.token_upper_bound());
        let money = applicable.iter().any(|(_, e, _)| !e.tokens);
        let tokens = applicable.iter().any(|(_, e, _)| e.tokens);
        // What bounds the cost: the deployments a router after this stage may try (a route
        // name is not a model, and a fallback may be dearer), else the request's model.
        let targets = match next.candidates(&req, cx) {
            Some(Ok(deps)) if !deps.is_empty() => Targets::Deployments(deps),
            // the router refuses it before any provider call: nothing to reserve
            Some(Err(_)) => return next.run(req, cx).await,
            _ => Targets::Model,
        };
        let models = next.models();
        let amounts = match inner.bound_amounts(&targets, &req.model, models, &bound, money, tokens)
        {
            Ok(a) => a,
            Err(reason) => {
                if inner.unpriced == Unpriced::Allow {
                    bump(&inner.counters.unpriced_allowed);
                    cx.annotations.insert(
                        ANNOTATION.to_owned(),
                        json!({"uncounted": true, "reason": reason}),
                    );
                    return next.run(req, cx).await;
                }
                let (_, e, v) = applicable
                    .first()
                    .copied()
                    .ok_or_else(|| Error::config("no limit"))?;
                let r = BudgetRefusal::new(
                    e.limit.name.clone(),
                    e.limit.scope.describe(v),
                    format!(
                        "{} from {}",
                        e.limit.window,
                        e.limit.window.start(now).format("%Y-%m-%dT%H:%MZ")
                    ),
                    e.limit.amount.as_budget_amount(),
                )
                .with_note(reason);
                return Err(refuse(
                    cx,
                    &inner.counters,
                    Error::BudgetExceeded(Box::new(r)),
                ));
            }
        };
        let mut charges = Vec::with_capacity(applicable.len());
        let mut held = Vec::with_capacity(applicable.len());
        for (i, e, v) in &applicable {
            let (start, end) = e.window_at(now);
            charges.push(Charge::new(
                e.key(start, v),
                e.units,
                if e.tokens {
                    amounts.tokens
                } else {
                    amounts.nanos
                },
                end,
            ));
            held.push(Held {
                limit: *i,
                tokens: e.tokens,
                window: e.limit.window,
                window_start: start,
            });
        }
        drop(applicable);
        let mut id = String::with_capacity(cx.request_id().len() + 7);
        id.push_str(cx.request_id());
        id.push_str("#budget");
        let mut outcome = inner.store.reserve(&id, &charges, inner.ttl).await;
        let mut recounted = false;
        if let Ok(Reserve::Refused { .. }) = outcome {
            // the bound would refuse: count exactly, and try once more if that is smaller
            bump(&inner.counters.recounted);
            let exact = req.count_tokens();
            if exact.tokens < bound.input_tokens {
                let tight = TokenBound {
                    input_tokens: exact.tokens,
                    output_tokens: bound.output_tokens,
                };
                if let Ok(a) =
                    inner.bound_amounts(&targets, &req.model, models, &tight, money, tokens)
                {
                    for (h, c) in held.iter().zip(charges.iter_mut()) {
                        c.amount = if h.tokens { a.tokens } else { a.nanos };
                    }
                    recounted = true;
                    outcome = inner.store.reserve(&id, &charges, inner.ttl).await;
                    if let Ok(Reserve::Granted) = outcome {
                        bump(&inner.counters.granted_on_recount);
                    }
                }
            }
        }
        match outcome {
            Ok(Reserve::Granted) => {}
            Ok(Reserve::Refused { index, state }) => {
                let i = if index < held.len() { index } else { 0 };
                let (Some(c), Some(h)) = (charges.get(i), held.get(i)) else {
                    return Err(Error::config("budget: no limit applied"));
                };
                let r = inner.refusal(c, h, state, Some(c.amount));
                return Err(refuse(
                    cx,
                    &inner.counters,
                    Error::BudgetExceeded(Box::new(r)),
                ));
            }
            Err(e) => {
                bump(&inner.counters.store_errors);
                if inner.store_failure == StoreFailure::FailOpen {
                    bump(&inner.counters.store_failed_open);
                    cx.annotations.insert(
                        ANNOTATION.to_owned(),
                        json!({"uncounted": true, "reason": format!("budget store `{}` failed: {e}", inner.store.name())}),
                    );
                    return next.run(req, cx).await;
                }
                cx.annotations.insert(
                    ANNOTATION.to_owned(),
                    json!({"refused": true, "store_error": e.to_string()}),
                );
                bump(&inner.counters.refused);
                return Err(e);
            }
        }
        bump(&inner.counters.granted);
        let mut note = serde_json::Map::new();
        if money {
            note.insert(
                "reserved_usd".to_owned(),
                json!(money_str(amounts_of(&charges, &held, false))),
            );
        }
        if tokens {
            note.insert(
                "reserved_tokens".to_owned(),
                json!(amounts_of(&charges, &held, true)),
            );
        }
        note.insert("input_tokens_bound".to_owned(), json!(bound.input_tokens));
        if recounted {
            note.insert("recounted".to_owned(), json!(true));
        }
        cx.annotations
            .insert(ANNOTATION.to_owned(), serde_json::Value::Object(note));
        let reservation = Reservation::new(id, charges, held, self.inner.clone());
        cx.on_finish(move |rec| reservation.settle_from(rec));
        next.run(req, cx).await
    }
}

fn amounts_of(charges: &[Charge], held: &[Held], tokens: bool) -> i64 {
    charges
        .iter()
        .zip(held)
        .find(|(_, h)| h.tokens == tokens)
        .map_or(0, |(c, _)| c.amount)
}

fn money_str(nanos: i64) -> String {
    Decimal::new(nanos, 9).normalize().to_string()
}

impl crate::ClientBuilder {
    /// Installs the budget stage (after the input guards, before the cache). Keep a clone of
    /// `budgets` for its [`stats`](Budgets::stats) and [`status`](Budgets::status).
    #[must_use]
    pub fn budgets(self, budgets: Budgets) -> Self {
        self.core_layer(crate::pipeline::CoreStage::Budget, Arc::new(budgets))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn keys_and_units() {
        let start = Utc.with_ymd_and_hms(2026, 1, 2, 0, 0, 0).unwrap();
        let k = counter_key("tenant/day", start, "a|b");
        assert_eq!(k, "tenant/day|2026-01-02T00:00Z|a|b");
        assert_eq!(scope_value(&k), "a|b");
        let m = Money::usd_str("0.0000000015").unwrap();
        assert_eq!((nanos_up(&m), nanos_near(&m), nanos_down(&m)), (2, 2, 1));
        let m = Money::usd_str("0.0000000025").unwrap();
        assert_eq!(nanos_near(&m), 2); // half to even
        assert_eq!(money(1_500_000_000).to_string(), "1.5 USD");
        assert_eq!(nanos_up(&Money::usd(Decimal::MAX)), i64::MAX);
    }
}
