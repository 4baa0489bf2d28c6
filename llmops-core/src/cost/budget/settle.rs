//! Settling a reservation: the real spend of a finished exchange, the store's settle or
//! release (driven without blocking from the sync finisher), and the soft-threshold alerts.

use std::sync::Arc;

use rust_decimal::Decimal;
use serde_json::json;

use super::alerts::{self, ALERT_RULE};
use super::layer::{Inner, amount, bump, nanos_near, scope_value};
use super::reservation::{Held, drive};
use super::store::{Charge, CounterState};
use crate::exchange::ExchangeRecord;
use crate::types::UsageSource;
use crate::{Alert, Cost, Money};

impl Inner {
    /// The real spend of a finished exchange: (nano-dollars, tokens); `None` when unknown.
    pub(crate) fn actual(&self, rec: &ExchangeRecord) -> (Option<i64>, Option<i64>) {
        let nanos = match &rec.cost {
            Cost::Known(m) if m.currency == "USD" => Some(nanos_near(m)),
            _ => self.price_attempts(rec),
        };
        let tokens = if rec.attempts.is_empty() {
            Some(0)
        } else if rec.usage_source == UsageSource::Missing {
            None
        } else {
            i64::try_from(
                rec.usage
                    .input_tokens
                    .saturating_add(rec.usage.output_tokens),
            )
            .ok()
        };
        (nanos, tokens)
    }

    /// Every attempt's usage at the table's prices (when no pricer priced the record).
    fn price_attempts(&self, rec: &ExchangeRecord) -> Option<i64> {
        let mut total = Decimal::ZERO;
        for a in &rec.attempts {
            let usage = a.usage.as_ref()?;
            // the deployment id is usually `provider/model` already: no formatting then; a
            // bare model name is not tried (another provider's price is never borrowed)
            let (model, p) = match self.prices.get(&a.deployment) {
                Some(p) => (std::borrow::Cow::Borrowed(a.deployment.as_str()), p),
                None => {
                    let full = format!("{}/{}", a.provider, a.model);
                    let p = self.prices.get(&full)?;
                    (std::borrow::Cow::Owned(full), p)
                }
            };
            match p.cost(&model, usage, self.pricing) {
                Cost::Known(m) => total = total.checked_add(m.amount)?,
                Cost::Unknown { .. } => return None,
            }
        }
        Some(nanos_near(&Money::usd(total)))
    }

    pub(crate) fn settle(
        self: Arc<Self>,
        id: String,
        mut charges: Vec<Charge>,
        held: Vec<Held>,
        nanos: Option<i64>,
        tokens: Option<i64>,
    ) {
        bump(&self.counters.settled);
        let mut unknown = false;
        for (c, h) in charges.iter_mut().zip(&held) {
            match if h.tokens { tokens } else { nanos } {
                Some(real) => c.amount = real,
                // the reservation stays as the spend
                None => unknown = true,
            }
        }
        if unknown {
            bump(&self.counters.settled_unknown);
            tracing::warn!(reservation = %id, "budget: real cost unknown; the reservation is kept as the spend");
        }
        let this = self.clone();
        let done = drive(async move {
            match this.store.settle(&id, &charges).await {
                Ok(states) => this.alert(&charges, &held, &states).await,
                Err(e) => {
                    bump(&this.counters.store_errors);
                    tracing::warn!(reservation = %id, error = %e, "budget: settling failed");
                }
            }
        });
        if !done {
            bump(&self.counters.stranded);
        }
    }

    pub(crate) fn release(self: Arc<Self>, id: String, charges: Vec<Charge>) {
        bump(&self.counters.released);
        let this = self.clone();
        let done = drive(async move {
            if let Err(e) = this.store.release(&id, &charges).await {
                bump(&this.counters.store_errors);
                tracing::warn!(reservation = %id, error = %e, "budget: release failed");
            }
        });
        if !done {
            bump(&self.counters.stranded);
        }
    }

    async fn alert(&self, charges: &[Charge], held: &[Held], states: &[CounterState]) {
        let Some(sink) = &self.alerts else {
            return;
        };
        for ((c, h), st) in charges.iter().zip(held).zip(states) {
            let Some(e) = self.limits.get(h.limit) else {
                continue;
            };
            if e.limit.alerts.is_empty() {
                continue;
            }
            let new = self.fired.mark(
                &c.key,
                alerts::reached(&e.limit.alerts, st.spent, e.units),
                c.window_end,
            );
            for p in new {
                match self.store.claim_alert(&c.key, p, c.window_end).await {
                    Ok(true) => {}
                    Ok(false) => continue,
                    Err(err) => {
                        bump(&self.counters.store_errors);
                        tracing::warn!(error = %err, "budget: alert claim failed");
                        continue;
                    }
                }
                let scope = e.limit.scope.describe(scope_value(&c.key));
                let spent = amount(h.tokens, st.spent);
                let mut a = Alert::now(
                    ALERT_RULE,
                    alerts::severity(p),
                    format!(
                        "budget `{}` ({scope}): {p}% of {} reached in the {} from {} ({spent} spent)",
                        e.limit.name,
                        e.limit.amount.as_budget_amount(),
                        h.window,
                        h.window_start.format("%Y-%m-%dT%H:%MZ"),
                    ),
                );
                a.data = json!({
                    "budget": e.limit.name,
                    "scope": scope,
                    "window": h.window,
                    "window_start": h.window_start,
                    "window_end": c.window_end,
                    "percent": p,
                    "limit": e.limit.amount.as_budget_amount().to_string(),
                    "spent": spent.to_string(),
                });
                match sink.send(&a).await {
                    Ok(()) => bump(&self.counters.alerts_sent),
                    Err(err) => {
                        bump(&self.counters.alert_errors);
                        tracing::warn!(error = %err, "budget: alert not delivered");
                    }
                }
            }
        }
    }
}
