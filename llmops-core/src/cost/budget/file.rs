//! [`BudgetFile`]: limits, token caps and policies from a TOML file.

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use rust_decimal::Decimal;
use serde::Deserialize;
use toml::Spanned;

use super::layer::{StoreFailure, Unpriced};
use super::limits::{Limit, OverCap, Scope, TokenCap, Window};
use crate::cost::Pricing;
use crate::trim::{TrimPolicy, TrimStep};
use crate::{Error, Money, Result};

/// What a budget file holds. The format:
///
/// ```toml
/// unpriced = "refuse"          # or "allow" (let through uncounted)
/// on_store_error = "fail_closed"
/// reservation_ttl_secs = 600
///
/// [[limit]]
/// scope = "global"             # global | tenant | feature | user | api_key
/// window = "month"             # minute | hour | day | month (calendar, UTC)
/// usd = "500"                  # exact: a string (or an integer)
/// alerts = [50, 80, 100]       # percent, each alerted once per window
///
/// [[limit]]
/// name = "acme-daily"          # optional; default `tenant=acme/day`
/// scope = "tenant"
/// only = "acme"                # optional: this tenant only (else one counter per tenant)
/// window = "day"
/// tokens = 2_000_000           # a token limit instead of money
///
/// [[request_tokens]]
/// scope = "feature"            # optional (default global)
/// only = "search"
/// route = "gpt-4o"             # optional: requests for this model reference
/// max_input_tokens = 8000
/// on_exceed = "trim"           # or "refuse"
///
/// [trim]                       # how caps trim (optional)
/// keep_turns = 1
/// ```
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct BudgetFile {
    /// The `[[limit]]` tables.
    pub limits: Vec<Limit>,
    /// The `[[request_tokens]]` tables.
    pub caps: Vec<TokenCap>,
    /// `[trim]`.
    pub trim: Option<TrimPolicy>,
    /// `unpriced`.
    pub unpriced: Option<Unpriced>,
    /// `on_store_error`.
    pub on_store_error: Option<StoreFailure>,
    /// `pricing` (`standard` or `batch`).
    pub pricing: Option<Pricing>,
    /// `reservation_ttl_secs`.
    pub reservation_ttl: Option<Duration>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    #[serde(default)]
    unpriced: Option<Unpriced>,
    #[serde(default)]
    on_store_error: Option<StoreFailure>,
    #[serde(default)]
    pricing: Option<Pricing>,
    #[serde(default)]
    reservation_ttl_secs: Option<u64>,
    #[serde(default)]
    limit: Vec<Spanned<RawLimit>>,
    #[serde(default)]
    request_tokens: Vec<Spanned<RawCap>>,
    #[serde(default)]
    trim: Option<RawTrim>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLimit {
    #[serde(default)]
    name: Option<String>,
    scope: Scope,
    #[serde(default)]
    only: Option<String>,
    window: Window,
    #[serde(default)]
    usd: Option<Spanned<Amount>>,
    #[serde(default)]
    tokens: Option<u64>,
    #[serde(default)]
    alerts: Vec<u32>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCap {
    #[serde(default)]
    scope: Option<Scope>,
    #[serde(default)]
    only: Option<String>,
    #[serde(default)]
    route: Option<String>,
    max_input_tokens: u64,
    #[serde(default)]
    on_exceed: Option<OverCap>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTrim {
    #[serde(default)]
    steps: Option<Vec<TrimStep>>,
    #[serde(default)]
    keep_turns: Option<usize>,
    #[serde(default)]
    keep_chunks: Option<usize>,
}

/// An exact amount: a decimal string or an integer; a float is refused (it may not be exact).
struct Amount(std::result::Result<Decimal, String>);

impl<'de> Deserialize<'de> for Amount {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = Amount;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("an amount in USD as a string (\"25.50\") or an integer")
            }
            fn visit_str<E: serde::de::Error>(self, s: &str) -> std::result::Result<Amount, E> {
                Ok(Amount(Decimal::from_str(s.trim()).map_err(|e| {
                    format!("`{s}` is not a decimal amount: {e}")
                })))
            }
            fn visit_i64<E: serde::de::Error>(self, n: i64) -> std::result::Result<Amount, E> {
                Ok(Amount(Ok(Decimal::from(n))))
            }
            fn visit_u64<E: serde::de::Error>(self, n: u64) -> std::result::Result<Amount, E> {
                Ok(Amount(Ok(Decimal::from(n))))
            }
            fn visit_f64<E: serde::de::Error>(self, n: f64) -> std::result::Result<Amount, E> {
                Ok(Amount(Err(format!(
                    "write the amount {n} as a string (\"{n}\") so it stays exact"
                ))))
            }
        }
        d.deserialize_any(V)
    }
}

/// 1-based line and column of byte `at` in `text`.
fn line_col(text: &str, at: usize) -> (usize, usize) {
    let before = text.get(..at).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let col = before
        .rfind('\n')
        .map_or(before.len(), |i| before.len() - i - 1)
        + 1;
    (line, col)
}

impl BudgetFile {
    /// Reads a budget file. Errors name the file, line and column.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::config(format!("cannot read budget file {}: {e}", path.display()))
        })?;
        Self::parse(&text, &path.display().to_string())
    }

    /// Parses budget TOML; `origin` names it in errors.
    ///
    /// ```
    /// use llmops_core::cost::budget::BudgetFile;
    /// let f = BudgetFile::parse("[[limit]]\nscope = \"tenant\"\nwindow = \"day\"\nusd = \"20\"\n", "b.toml")?;
    /// assert_eq!(f.limits[0].name, "tenant/day");
    /// let e = BudgetFile::parse("[[limit]]\nscope = \"tenant\"\nwindow = \"day\"\nusd = 0.1\n", "b.toml").unwrap_err();
    /// assert!(e.to_string().contains("b.toml:4"), "{e}");
    /// # Ok::<(), llmops_core::Error>(())
    /// ```
    pub fn parse(text: &str, origin: &str) -> Result<Self> {
        let at = |span: std::ops::Range<usize>, msg: &str| {
            let (line, col) = line_col(text, span.start);
            Error::config(format!("budget file {origin}:{line}:{col}: {}", msg.trim()))
        };
        let raw: Raw =
            toml::from_str(text).map_err(|e| at(e.span().unwrap_or(0..0), e.message()))?;
        let mut out = BudgetFile {
            unpriced: raw.unpriced,
            on_store_error: raw.on_store_error,
            pricing: raw.pricing,
            reservation_ttl: raw.reservation_ttl_secs.map(Duration::from_secs),
            ..BudgetFile::default()
        };
        for l in raw.limit {
            let span = l.span();
            let l = l.into_inner();
            let mut limit = match (l.usd, l.tokens) {
                (Some(a), None) => {
                    let aspan = a.span();
                    match a.into_inner().0 {
                        Ok(d) => Limit::money(l.scope, l.window, Money::usd(d)),
                        Err(msg) => return Err(at(aspan, &msg)),
                    }
                }
                (None, Some(n)) => Limit::tokens(l.scope, l.window, n),
                _ => {
                    return Err(at(
                        span,
                        "a [[limit]] takes exactly one of `usd` and `tokens`",
                    ));
                }
            };
            if let Some(o) = l.only {
                limit = limit.only(o);
            }
            if let Some(n) = l.name {
                limit = limit.named(n);
            }
            limit = limit.alert_at(l.alerts);
            limit
                .validate()
                .map_err(|e| at(span.clone(), &e.to_string()))?;
            out.limits.push(limit);
        }
        for c in raw.request_tokens {
            let c = c.into_inner();
            let mut cap = TokenCap::input(c.max_input_tokens);
            if let Some(s) = c.scope {
                cap = cap.scope(s);
            }
            if let Some(o) = c.only {
                cap = cap.only(o);
            }
            if let Some(r) = c.route {
                cap = cap.route(r);
            }
            if c.on_exceed == Some(OverCap::Refuse) {
                cap = cap.refuse();
            }
            out.caps.push(cap);
        }
        if let Some(t) = raw.trim {
            let mut p = match t.steps {
                Some(s) => TrimPolicy::with_steps(s),
                None => TrimPolicy::default(),
            };
            if let Some(n) = t.keep_turns {
                p = p.keep_turns(n);
            }
            if let Some(n) = t.keep_chunks {
                p = p.keep_chunks(n);
            }
            out.trim = Some(p);
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cost::budget::LimitAmount;

    const DOC: &str = r#"
unpriced = "allow"
reservation_ttl_secs = 30

[[limit]]
scope = "global"
window = "month"
usd = "500.25"
alerts = [100, 50, 80]

[[limit]]
name = "acme-daily"
scope = "tenant"
only = "acme"
window = "day"
tokens = 2_000_000

[[request_tokens]]
scope = "feature"
only = "search"
max_input_tokens = 8000
on_exceed = "refuse"

[trim]
keep_turns = 2
"#;

    #[test]
    fn parses_the_documented_format() {
        let f = BudgetFile::parse(DOC, "b.toml").unwrap();
        assert_eq!(f.unpriced, Some(Unpriced::Allow));
        assert_eq!(f.reservation_ttl, Some(Duration::from_secs(30)));
        assert_eq!(f.limits.len(), 2);
        assert_eq!(
            f.limits[0].amount,
            LimitAmount::Money(Money::usd_str("500.25").unwrap())
        );
        assert_eq!(f.limits[0].alerts, [50, 80, 100]);
        assert_eq!(f.limits[1].name, "acme-daily");
        assert_eq!(f.limits[1].amount, LimitAmount::Tokens(2_000_000));
        assert_eq!(f.caps[0].on_exceed, OverCap::Refuse);
        assert_eq!(f.trim.unwrap().keep_turns, 2);
    }

    #[test]
    fn errors_name_the_file_and_line() {
        let cases = [
            // unknown window value
            (
                "[[limit]]\nscope = \"tenant\"\nwindow = \"week\"\nusd = \"1\"\n",
                3,
            ),
            // both amounts: the table is named by its header
            (
                "\n[[limit]]\nscope = \"tenant\"\nwindow = \"day\"\nusd = \"1\"\ntokens = 5\n",
                2,
            ),
            // a float amount
            (
                "[[limit]]\nscope = \"user\"\nwindow = \"day\"\n\nusd = 0.3\n",
                5,
            ),
            // not a decimal
            (
                "[[limit]]\nscope = \"user\"\nwindow = \"day\"\nusd = \"ten\"\n",
                4,
            ),
            // an unknown key
            (
                "[[limit]]\nscope = \"user\"\nwindow = \"day\"\nusd = \"1\"\nlimt = 3\n",
                5,
            ),
            // TOML syntax
            ("unpriced = \n", 1),
            // a global limit with `only`
            (
                "[[limit]]\nscope = \"global\"\nonly = \"x\"\nwindow = \"day\"\nusd = \"1\"\n",
                1,
            ),
        ];
        for (text, line) in cases {
            let e = BudgetFile::parse(text, "budgets.toml")
                .unwrap_err()
                .to_string();
            assert!(
                e.contains(&format!("budgets.toml:{line}:")),
                "expected line {line}: {e}"
            );
        }
    }
}
