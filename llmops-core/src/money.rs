//! Exact money: [`Money`] (decimal, never summed as `f64`) and [`Cost`] (known or unknown).
//!
//! ```
//! use llmops_core::{Cost, Money};
//! let per_token = Money::usd_str("0.00000015").unwrap();      // $0.15 per million tokens
//! let cost = per_token.times(1_000_000);
//! assert_eq!(cost, Money::usd_str("0.15").unwrap());
//! let total = Cost::Known(cost).plus(&Cost::Known(Money::usd_str("0.05").unwrap()));
//! assert_eq!(total.known().map(|m| m.to_string()), Some("0.2 USD".to_owned()));
//! assert!(Cost::unknown("model not in the price table").plus(&total).known().is_none());
//! ```

use std::fmt;
use std::str::FromStr;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An exact amount of money in one currency (ISO 4217 code, `USD` by default).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Serialize, Deserialize)]
pub struct Money {
    /// The amount, exact (serialised as a decimal string).
    pub amount: Decimal,
    /// ISO 4217 currency code.
    pub currency: String,
}

impl Money {
    /// An amount in US dollars.
    pub fn usd(amount: Decimal) -> Self {
        Money {
            amount,
            currency: "USD".to_owned(),
        }
    }

    /// Zero US dollars.
    pub fn zero() -> Self {
        Money::usd(Decimal::ZERO)
    }

    /// Parses a decimal string in US dollars (`"0.0000025"`).
    pub fn usd_str(s: &str) -> crate::Result<Self> {
        Decimal::from_str(s)
            .map(Money::usd)
            .map_err(|e| crate::Error::invalid(format!("`{s}` is not a decimal amount: {e}")))
    }

    /// US dollars from integer micro-dollars.
    pub fn from_micros(micros: i64) -> Self {
        Money::usd(Decimal::new(micros, 6))
    }

    /// The amount in micro-units, rounded half-even; saturates at the `i64` range.
    pub fn micros(&self) -> i64 {
        use rust_decimal::prelude::ToPrimitive;
        let scaled = self.amount * Decimal::new(1_000_000, 0);
        scaled
            .round()
            .to_i64()
            .unwrap_or(if scaled.is_sign_negative() {
                i64::MIN
            } else {
                i64::MAX
            })
    }

    /// `self × n` (price per token × tokens).
    pub fn times(&self, n: u64) -> Money {
        Money {
            amount: self.amount.saturating_mul(Decimal::from(n)),
            currency: self.currency.clone(),
        }
    }

    /// The sum, or `None` when the currencies differ.
    pub fn checked_add(&self, o: &Money) -> Option<Money> {
        (self.currency == o.currency).then(|| Money {
            amount: self.amount.saturating_add(o.amount),
            currency: self.currency.clone(),
        })
    }

    /// The amount as `f64`, for display and metrics only (never for sums).
    pub fn as_f64(&self) -> f64 {
        use rust_decimal::prelude::ToPrimitive;
        self.amount.to_f64().unwrap_or(f64::NAN)
    }
}

impl fmt::Display for Money {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.amount.normalize(), self.currency)
    }
}

/// The cost of an exchange: known exactly, or unknown with a reason (never a silent zero).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Cost {
    /// Priced.
    Known(Money),
    /// Not priced: the model is not in the price table, usage is missing, or no cost layer.
    Unknown {
        /// Why.
        reason: String,
    },
}

impl Default for Cost {
    fn default() -> Self {
        Cost::Unknown {
            reason: "no cost layer".to_owned(),
        }
    }
}

impl Cost {
    /// An unknown cost.
    pub fn unknown(reason: impl Into<String>) -> Self {
        Cost::Unknown {
            reason: reason.into(),
        }
    }

    /// The amount when known.
    pub fn known(&self) -> Option<&Money> {
        match self {
            Cost::Known(m) => Some(m),
            Cost::Unknown { .. } => None,
        }
    }

    /// The sum: unknown if either side is unknown or the currencies differ.
    pub fn plus(&self, o: &Cost) -> Cost {
        match (self, o) {
            (Cost::Known(a), Cost::Known(b)) => match a.checked_add(b) {
                Some(m) => Cost::Known(m),
                None => Cost::unknown(format!("cannot add {} to {}", b.currency, a.currency)),
            },
            (Cost::Unknown { reason }, _) | (_, Cost::Unknown { reason }) => {
                Cost::unknown(reason.clone())
            }
        }
    }
}

/// Prices an exchange from its record: core's finaliser calls it for every exchange (full,
/// streamed, cut, dropped, failed) before observers see the record, when no layer set
/// [`Exchange::cost`](crate::Exchange::cost). The cost layer's price table implements it.
///
/// ```
/// use llmops_core::{Cost, ExchangeRecord, Money, Pricer};
/// /// Every token costs one micro-dollar.
/// struct Flat;
/// impl Pricer for Flat {
///     fn price(&self, rec: &ExchangeRecord) -> Cost {
///         let tokens = rec.usage.input_tokens + rec.usage.output_tokens;
///         Cost::Known(Money::from_micros(i64::try_from(tokens).unwrap_or(i64::MAX)))
///     }
/// }
/// ```
pub trait Pricer: Send + Sync + 'static {
    /// The cost of the exchange `rec` describes.
    fn price(&self, rec: &crate::ExchangeRecord) -> Cost;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sums_are_exact_where_f64_is_not() {
        let tenth = Money::usd_str("0.1").unwrap();
        let mut total = Money::zero();
        for _ in 0..10 {
            total = total.checked_add(&tenth).unwrap();
        }
        assert_eq!(total, Money::usd_str("1").unwrap());
        assert_eq!(total.micros(), 1_000_000);
        let json = serde_json::to_string(&Cost::Known(total.clone())).unwrap();
        assert_eq!(
            json,
            r#"{"status":"known","amount":"1.0","currency":"USD"}"#
        );
        let back: Cost = serde_json::from_str(&json).unwrap();
        assert_eq!(back, Cost::Known(total));
    }

    #[test]
    fn currencies_do_not_mix() {
        let eur = Money {
            amount: Decimal::ONE,
            currency: "EUR".into(),
        };
        assert!(Money::zero().checked_add(&eur).is_none());
        assert!(
            Cost::Known(Money::zero())
                .plus(&Cost::Known(eur))
                .known()
                .is_none()
        );
        assert!(Money::usd_str("abc").is_err());
    }
}
