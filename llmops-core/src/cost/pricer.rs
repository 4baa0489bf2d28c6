//! [`TablePricer`]: core's [`Pricer`] on a [`PriceTable`] — every exchange priced, attempt by
//! attempt, on its own deployment's prices.

use std::cell::RefCell;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::prices::PriceTable;
use super::pricing::Pricing;
use crate::exchange::{AttemptRecord, CacheOutcome, ExchangeRecord};
use crate::tokens::{RequestCounter, Tiktoken, TokenCount, TokenCounter};
use crate::{ClientBuilder, Cost, Money, Pricer, Result, Usage, UsageSource};

pub use crate::exchange::BATCH_ANNOTATION;

/// One provider attempt, priced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PricedAttempt {
    /// 1-based attempt number (0 for the line of an exchange that made no attempt: a cache
    /// hit, a refusal).
    pub attempt: u32,
    /// Provider name (empty when no attempt was made).
    pub provider: String,
    /// Deployment id.
    pub deployment: String,
    /// The provider-side model of the attempt (the model requested when no attempt was made).
    pub model: String,
    /// The price-table key the price came from (`None` when the model is not in the table).
    pub priced_as: Option<String>,
    /// The usage priced.
    pub usage: Usage,
    /// Where `usage` came from: the provider, or counted / estimated by us when the provider
    /// never said.
    pub source: UsageSource,
    /// The cost of this attempt.
    pub cost: Cost,
}

/// An exchange priced attempt by attempt: what the [`CostLedger`](super::CostLedger) records.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PricedExchange {
    /// The sum over the attempts (unknown when any attempt's cost is).
    pub cost: Cost,
    /// Standard or batch prices.
    pub pricing: Pricing,
    /// One line per attempt (one empty line when no attempt was made).
    pub lines: Vec<PricedAttempt>,
}

/// Prices every exchange from a [`PriceTable`]: core's finaliser calls it on every ending
/// (completed, failed, cut, dropped, cancelled) when no layer set the cost.
///
/// - **Attempts are summed**, each on its own prices: a fallback chain costs the primary's
///   attempt plus the fallback's; failed attempts cost what they consumed (zero when the
///   provider reported nothing).
/// - **Which price**, per attempt, the first the table knows: the model the provider said
///   answered (`provider/model_answered`, last attempt only), the attempt's deployment
///   (`provider/model`), the deployment id, the model the caller requested. None known:
///   [`Cost::Unknown`] with the reason, never zero.
/// - **Usage**: the provider's when it reported it ([`UsageSource::Provider`]); otherwise
///   (usage missing, a stream cut, dropped or cancelled before its usage event) the input is
///   counted with [`RequestCounter`] on the request as sent and the output with the model's
///   tokenizer on the text received so far, tagged [`UsageSource::Counted`] when both counts
///   are exact (OpenAI models, documented formats), else [`UsageSource::Estimated`].
/// - **Cache hits** (the record's cache outcome is a hit) and exchanges that never reached a
///   provider cost zero: nothing was spent.
/// - **Batch**: a record annotated [`BATCH_ANNOTATION`] is priced at [`Pricing::Batch`].
///
/// ```
/// use llmops_core::cost::PriceTable;
/// use llmops_core::{ChatRequest, Client, Money, ScriptedProvider};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let client = Client::builder()
///     .provider(ScriptedProvider::named("openai").reply("four words of reply"))
///     .prices(PriceTable::bundled().unwrap())
///     .build().unwrap();
/// let r = client.chat(ChatRequest::new("openai/gpt-4o").user("one two three")).await.unwrap();
/// // the scripted provider reports 3 input and 4 output tokens: 3 × 2.5e-6 + 4 × 1e-5
/// assert_eq!(r.meta.cost.known(), Some(&Money::usd_str("0.0000475").unwrap()));
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct TablePricer {
    table: Arc<PriceTable>,
}

thread_local! {
    /// The breakdown of the exchange this thread priced last: core's finaliser prices, then
    /// runs the observers on the same thread, so the ledger takes it instead of counting twice.
    static LAST: RefCell<Option<(String, PricedExchange)>> = const { RefCell::new(None) };
}

impl TablePricer {
    /// A pricer on `table`.
    pub fn new(table: Arc<PriceTable>) -> Self {
        TablePricer { table }
    }

    /// A pricer on the bundled table.
    pub fn bundled() -> Result<Self> {
        Ok(TablePricer::new(PriceTable::bundled()?))
    }

    /// The table.
    pub fn table(&self) -> &Arc<PriceTable> {
        &self.table
    }

    /// The exchange priced attempt by attempt. When this thread's last [`price`](Pricer::price)
    /// call was for the same record, its result is reused (no second token count).
    pub fn breakdown(&self, rec: &ExchangeRecord) -> PricedExchange {
        let memo = LAST.with(|l| {
            let mut l = l.borrow_mut();
            match l.as_ref() {
                Some((id, _)) if *id == rec.request_id => l.take().map(|(_, b)| b),
                _ => None,
            }
        });
        memo.unwrap_or_else(|| self.compute(rec))
    }

    /// The pricing a record asks for ([`BATCH_ANNOTATION`]).
    pub fn pricing_of(rec: &ExchangeRecord) -> Pricing {
        match rec.annotations.get(BATCH_ANNOTATION) {
            None | Some(serde_json::Value::Null | serde_json::Value::Bool(false)) => {
                Pricing::Standard
            }
            Some(_) => Pricing::Batch,
        }
    }

    fn compute(&self, rec: &ExchangeRecord) -> PricedExchange {
        let pricing = Self::pricing_of(rec);
        let cache_hit = matches!(rec.cache, Some(CacheOutcome::Hit { .. }));
        if cache_hit || rec.attempts.is_empty() {
            return PricedExchange {
                cost: Cost::Known(Money::zero()),
                pricing,
                lines: vec![PricedAttempt {
                    attempt: 0,
                    provider: rec.provider.clone().unwrap_or_default(),
                    deployment: rec.deployment.clone().unwrap_or_default(),
                    model: rec
                        .model_answered
                        .clone()
                        .unwrap_or_else(|| rec.model_requested.clone()),
                    priced_as: None,
                    usage: Usage::default(),
                    source: rec.usage_source,
                    cost: Cost::Known(Money::zero()),
                }],
            };
        }
        let last = rec.attempts.len().saturating_sub(1);
        let mut total = Cost::Known(Money::zero());
        let mut lines = Vec::with_capacity(rec.attempts.len());
        for (i, a) in rec.attempts.iter().enumerate() {
            let line = self.price_attempt(rec, a, i == last, pricing);
            total = total.plus(&line.cost);
            lines.push(line);
        }
        PricedExchange {
            cost: total,
            pricing,
            lines,
        }
    }

    fn price_attempt(
        &self,
        rec: &ExchangeRecord,
        a: &AttemptRecord,
        is_last: bool,
        pricing: Pricing,
    ) -> PricedAttempt {
        let (usage, source) = match (a.usage_source, a.usage) {
            (UsageSource::Provider, Some(u)) => (u, UsageSource::Provider),
            (_, recorded) => count_usage(rec, a, recorded, is_last),
        };
        // candidates built one at a time: most exchanges stop at the first
        let answered = rec.model_answered.as_deref().filter(|_| is_last);
        let found = answered
            .and_then(|m| self.find(format!("{}/{m}", a.provider)))
            .or_else(|| self.find(format!("{}/{}", a.provider, a.model)))
            .or_else(|| self.find(a.deployment.clone()))
            .or_else(|| self.find(rec.model_requested.clone()));
        let (priced_as, cost) = match found {
            Some((m, key, p)) => (Some(key), p.cost(&m, &usage, pricing)),
            None => {
                let reason = format!("`{}/{}` is not in the price table", a.provider, a.model);
                (None, Cost::unknown(reason))
            }
        };
        // a failed attempt that consumed nothing costs nothing, priced or not
        let cost = if usage.is_zero() && source == UsageSource::Provider {
            Cost::Known(Money::zero())
        } else {
            cost
        };
        PricedAttempt {
            attempt: a.attempt,
            provider: a.provider.clone(),
            deployment: a.deployment.clone(),
            model: a.model.clone(),
            priced_as,
            usage,
            source,
            cost,
        }
    }
}

impl TablePricer {
    /// The entry for `model`, with the model and the key it was found under.
    fn find(&self, model: String) -> Option<(String, String, &super::ModelPrice)> {
        let (key, price) = self.table.lookup(&model)?;
        let key = key.to_owned();
        Some((model, key, price))
    }
}

/// Usage when the provider did not report it: the request as sent counted for the input, the
/// text received (last attempt only) for the output; cache and reasoning figures kept from
/// what was recorded.
fn count_usage(
    rec: &ExchangeRecord,
    a: &AttemptRecord,
    recorded: Option<Usage>,
    is_last: bool,
) -> (Usage, UsageSource) {
    let model = if a.model.is_empty() {
        rec.model_requested.as_str()
    } else {
        a.model.as_str()
    };
    let input = RequestCounter::for_model(model).count(&rec.request);
    let output = match (&rec.response, is_last) {
        (Some(r), true) => {
            let t = Tiktoken::for_model(model);
            let mut n = TokenCount::counted(t.count(&r.text) as u64).exact_if(t.exact());
            for c in &r.tool_calls {
                // a tool call's framing is undocumented
                n.add(TokenCount::estimated(
                    (t.count(&c.name) + t.count(&c.arguments)) as u64,
                ));
            }
            n
        }
        _ => TokenCount::estimated(recorded.map_or(0, |u| u.output_tokens)),
    };
    let mut usage = recorded.unwrap_or_default();
    usage.input_tokens = input.tokens;
    usage.output_tokens = output.tokens;
    let mut n = input;
    n.add(output);
    (usage, n.source)
}

impl Pricer for TablePricer {
    fn price(&self, rec: &ExchangeRecord) -> Cost {
        let b = self.compute(rec);
        let cost = b.cost.clone();
        LAST.with(|l| *l.borrow_mut() = Some((rec.request_id.clone(), b)));
        cost
    }
}

impl ClientBuilder {
    /// Prices every exchange from `table` ([`TablePricer`]): the record, `ResponseMeta::cost`
    /// and every observer see the cost.
    #[must_use]
    pub fn prices(self, table: Arc<PriceTable>) -> Self {
        self.pricer(Arc::new(TablePricer::new(table)))
    }
}
