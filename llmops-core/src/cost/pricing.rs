//! Pricing a [`Usage`] with a [`ModelPrice`]: exact decimals, cached tokens at cache rates.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::prices::{ModelPrice, PriceTable};
use crate::tokens::TokenBound;
use crate::{Cost, Money, Usage};

/// Which price list applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Pricing {
    /// The ordinary synchronous API.
    #[default]
    Standard,
    /// The Batch API (`..._batches` prices; the standard price where a model has none, so a
    /// batch is never under-charged).
    Batch,
}

/// The rates that apply to one call.
struct Rates {
    input: Option<Decimal>,
    output: Option<Decimal>,
    cache_read: Option<Decimal>,
    cache_write: Option<Decimal>,
    reasoning: Option<Decimal>,
}

impl ModelPrice {
    fn rates(&self, pricing: Pricing, input_tokens: u64) -> Rates {
        let mut r = Rates {
            input: self.input_cost_per_token,
            output: self.output_cost_per_token,
            cache_read: self.cache_read_input_token_cost,
            cache_write: self.cache_creation_input_token_cost,
            reasoning: self.output_cost_per_reasoning_token,
        };
        match pricing {
            Pricing::Standard => {
                // the highest tier the input passes replaces the base rates it names
                for t in self.tiers() {
                    if input_tokens > t.above_input_tokens {
                        r.input = t.input.or(r.input);
                        r.output = t.output.or(r.output);
                        r.cache_read = t.cache_read.or(r.cache_read);
                        r.cache_write = t.cache_creation.or(r.cache_write);
                    }
                }
            }
            Pricing::Batch => {
                r.input = self.input_cost_per_token_batches.or(r.input);
                r.output = self.output_cost_per_token_batches.or(r.output);
                r.cache_read = self.cache_read_input_token_cost_batches.or(r.cache_read);
                r.cache_write = self
                    .cache_creation_input_token_cost_batches
                    .or(r.cache_write);
            }
        }
        r
    }

    /// The cost of `usage` at this model's prices.
    ///
    /// `usage.input_tokens` includes cached tokens: the uncached rest is priced at
    /// `input_cost_per_token`, `cache_read_tokens` at `cache_read_input_token_cost` and
    /// `cache_write_tokens` at `cache_creation_input_token_cost` (each at the input rate when
    /// the model has no cache price). Output tokens at `output_cost_per_token`, except
    /// reasoning tokens at `output_cost_per_reasoning_token` when the model has that rate.
    /// Input above a tier threshold (`..._above_200k_tokens`) is priced at the tier's rates.
    /// A rate the usage needs and the entry lacks makes the cost unknown, never zero.
    ///
    /// ```
    /// use llmops_core::cost::{PriceTable, Pricing};
    /// use llmops_core::{Money, Usage};
    /// let table = PriceTable::bundled().unwrap();
    /// let sonnet = table.get("claude-sonnet-4-5").unwrap();
    /// // 10k input of which 8k read from cache and 1k written to it, 500 output
    /// let usage = Usage::new(10_000, 500).with_cache(8_000, 1_000);
    /// let cost = sonnet.cost("claude-sonnet-4-5", &usage, Pricing::Standard);
    /// // 1000 × 3e-6 + 8000 × 3e-7 + 1000 × 3.75e-6 + 500 × 1.5e-5
    /// assert_eq!(cost.known(), Some(&Money::usd_str("0.01665").unwrap()));
    /// ```
    pub fn cost(&self, model: &str, usage: &Usage, pricing: Pricing) -> Cost {
        let r = self.rates(pricing, usage.input_tokens);
        let cached = usage
            .cache_read_tokens
            .saturating_add(usage.cache_write_tokens);
        let uncached = usage.input_tokens.saturating_sub(cached);
        let (reasoning, plain_output) = match r.reasoning {
            Some(_) => (
                usage.reasoning_tokens.min(usage.output_tokens),
                usage.output_tokens.saturating_sub(usage.reasoning_tokens),
            ),
            None => (0, usage.output_tokens),
        };
        let parts = [
            (uncached, r.input, "input_cost_per_token"),
            (
                usage.cache_read_tokens,
                r.cache_read.or(r.input),
                "cache_read_input_token_cost",
            ),
            (
                usage.cache_write_tokens,
                r.cache_write.or(r.input),
                "cache_creation_input_token_cost",
            ),
            (plain_output, r.output, "output_cost_per_token"),
            (reasoning, r.reasoning, "output_cost_per_reasoning_token"),
        ];
        let mut total = Decimal::ZERO;
        for (tokens, rate, field) in parts {
            if tokens == 0 {
                continue;
            }
            let Some(rate) = rate else {
                return Cost::unknown(format!("`{model}` has no `{field}` in the price table"));
            };
            total = total.saturating_add(rate.saturating_mul(Decimal::from(tokens)));
        }
        Cost::Known(Money::usd(total))
    }

    /// The most `bound` can cost: every input token at the highest input-side rate (cache
    /// writes can cost more than plain input), every output token at the highest output-side
    /// rate; the output side is `bound.output_tokens`, else the model's output limit.
    /// Unknown when neither limit is known or a rate is missing.
    pub fn max_cost(&self, model: &str, bound: &TokenBound, pricing: Pricing) -> Cost {
        let Some(output) = bound.output_tokens.or(self.output_limit()) else {
            return Cost::unknown(format!(
                "`{model}`: the request sets no max_tokens and the table has no output limit"
            ));
        };
        let r = self.rates(pricing, bound.input_tokens);
        let Some(input_rate) = [
            r.input,
            r.cache_write,
            self.cache_creation_input_token_cost_above_1hr,
        ]
        .into_iter()
        .flatten()
        .max() else {
            return Cost::unknown(format!(
                "`{model}` has no `input_cost_per_token` in the price table"
            ));
        };
        let Some(output_rate) = [r.output, r.reasoning].into_iter().flatten().max() else {
            return Cost::unknown(format!(
                "`{model}` has no `output_cost_per_token` in the price table"
            ));
        };
        let total = input_rate
            .saturating_mul(Decimal::from(bound.input_tokens))
            .saturating_add(output_rate.saturating_mul(Decimal::from(output)));
        Cost::Known(Money::usd(total))
    }
}

impl PriceTable {
    /// The cost of `usage` for `model` (looked up by [`PriceTable::get`]'s rules). A model
    /// not in the table is [`Cost::Unknown`] with the reason, never zero.
    pub fn cost(&self, model: &str, usage: &Usage, pricing: Pricing) -> Cost {
        match self.get(model) {
            Some(p) => p.cost(model, usage, pricing),
            None => Cost::unknown(format!("`{model}` is not in the price table")),
        }
    }

    /// The most a request within `bound` can cost for `model` ([`ModelPrice::max_cost`]):
    /// what a budget reserves before the call.
    ///
    /// ```
    /// use llmops_core::ChatRequest;
    /// use llmops_core::cost::{PriceTable, Pricing};
    /// let table = PriceTable::bundled().unwrap();
    /// let req = ChatRequest::new("gpt-4o-mini").user("Name a prime.").max_tokens(100);
    /// let bound = req.token_upper_bound();
    /// let max = table.max_cost(&req.model, &bound, Pricing::Standard);
    /// assert!(max.known().is_some());
    /// ```
    pub fn max_cost(&self, model: &str, bound: &TokenBound, pricing: Pricing) -> Cost {
        match self.get(model) {
            Some(p) => p.max_cost(model, bound, pricing),
            None => Cost::unknown(format!("`{model}` is not in the price table")),
        }
    }
}
