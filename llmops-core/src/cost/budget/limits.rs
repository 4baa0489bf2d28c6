//! What a budget limits: [`Scope`] (whose counter), [`Window`] (calendar windows in UTC),
//! [`Limit`] (an exact amount of money or tokens per window), and [`TokenCap`] (input tokens
//! per request).

use std::fmt;

use chrono::{DateTime, Datelike, Months, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::error::BudgetAmount;
use crate::types::Caller;
use crate::{Error, Money, Result};

/// Whose counter a limit keeps: one for everyone, or one per tenant, feature, user or API key
/// ([`Caller`] fields).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Scope {
    /// Every request counts against one counter.
    Global,
    /// One counter per tenant (`Caller::tenant`).
    Tenant,
    /// One counter per product feature (`Caller::feature`).
    Feature,
    /// One counter per end user (`Caller::user`).
    User,
    /// One counter per API key (`Caller::api_key_id`).
    ApiKey,
}

impl Scope {
    /// `global`, `tenant`, `feature`, `user` or `api_key`.
    pub fn as_str(self) -> &'static str {
        match self {
            Scope::Global => "global",
            Scope::Tenant => "tenant",
            Scope::Feature => "feature",
            Scope::User => "user",
            Scope::ApiKey => "api_key",
        }
    }

    /// The caller's value for this scope (`""` for [`Scope::Global`]); `None` when the caller
    /// has none, and then a limit of this scope does not apply to it.
    ///
    /// ```
    /// use llmops_core::Caller;
    /// use llmops_core::cost::budget::Scope;
    /// let c = Caller::default().tenant("acme");
    /// assert_eq!(Scope::Tenant.value_of(&c), Some("acme"));
    /// assert_eq!(Scope::User.value_of(&c), None);
    /// assert_eq!(Scope::Global.value_of(&c), Some(""));
    /// ```
    pub fn value_of(self, caller: &Caller) -> Option<&str> {
        match self {
            Scope::Global => Some(""),
            Scope::Tenant => caller.tenant.as_deref(),
            Scope::Feature => caller.feature.as_deref(),
            Scope::User => caller.user.as_deref(),
            Scope::ApiKey => caller.api_key_id.as_deref(),
        }
    }

    /// `global`, or `tenant=acme` (what errors and alerts name).
    pub fn describe(self, value: &str) -> String {
        match self {
            Scope::Global => "global".to_owned(),
            s => format!("{}={value}", s.as_str()),
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A calendar window in UTC: a minute, an hour, a day (from 00:00 UTC) or a calendar month
/// (from the 1st, 00:00 UTC, to the 1st of the next month). Counters start at zero in each
/// new window; nothing rolls over.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use llmops_core::cost::budget::Window;
/// let at = Utc.with_ymd_and_hms(2026, 2, 14, 15, 42, 7).unwrap();
/// assert_eq!(Window::Hour.start(at), Utc.with_ymd_and_hms(2026, 2, 14, 15, 0, 0).unwrap());
/// assert_eq!(Window::Month.start(at), Utc.with_ymd_and_hms(2026, 2, 1, 0, 0, 0).unwrap());
/// assert_eq!(Window::Month.end(at), Utc.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Window {
    /// A calendar minute.
    Minute,
    /// A calendar hour.
    Hour,
    /// A UTC day.
    Day,
    /// A calendar month in UTC.
    Month,
}

impl Window {
    /// `minute`, `hour`, `day` or `month`.
    pub fn as_str(self) -> &'static str {
        match self {
            Window::Minute => "minute",
            Window::Hour => "hour",
            Window::Day => "day",
            Window::Month => "month",
        }
    }

    fn seconds(self) -> Option<i64> {
        match self {
            Window::Minute => Some(60),
            Window::Hour => Some(3_600),
            Window::Day => Some(86_400),
            Window::Month => None,
        }
    }

    /// The start of the window containing `at`.
    pub fn start(self, at: DateTime<Utc>) -> DateTime<Utc> {
        match self.seconds() {
            Some(len) => {
                let t = at.timestamp();
                Utc.timestamp_opt(t - t.rem_euclid(len), 0)
                    .single()
                    .unwrap_or(at)
            }
            None => at
                .date_naive()
                .with_day(1)
                .map(|d| d.and_time(NaiveTime::MIN).and_utc())
                .unwrap_or(at),
        }
    }

    /// The end of the window containing `at` (the start of the next one).
    pub fn end(self, at: DateTime<Utc>) -> DateTime<Utc> {
        let start = self.start(at);
        match self.seconds() {
            Some(len) => start + chrono::Duration::seconds(len),
            None => start
                .checked_add_months(Months::new(1))
                .unwrap_or(DateTime::<Utc>::MAX_UTC),
        }
    }
}

impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a limit counts.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LimitAmount {
    /// Money at the price table's prices (USD), exact.
    Money(Money),
    /// Tokens, input plus output.
    Tokens(u64),
}

impl LimitAmount {
    pub(crate) fn as_budget_amount(&self) -> BudgetAmount {
        match self {
            LimitAmount::Money(m) => BudgetAmount::Money(m.clone()),
            LimitAmount::Tokens(n) => BudgetAmount::Tokens(*n),
        }
    }
}

/// One limit: at most `amount` per `window`, for each caller value of `scope` (or only for
/// the value `only`), with soft alert thresholds in percent of the amount.
///
/// ```
/// use llmops_core::Money;
/// use llmops_core::cost::budget::{Limit, Scope, Window};
/// let l = Limit::money(Scope::Tenant, Window::Day, Money::usd_str("25").unwrap())
///     .only("acme")
///     .alert_at([50, 80, 100]);
/// assert_eq!(l.name, "tenant=acme/day");
/// let t = Limit::tokens(Scope::User, Window::Minute, 50_000);
/// assert_eq!(t.name, "user/minute/tokens");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Limit {
    /// A unique name (counter keys, errors, alerts): by default
    /// `scope[=only]/window[/tokens]`.
    pub name: String,
    /// Whose counter.
    pub scope: Scope,
    /// Only this value of the scope (one tenant, say); `None`: a counter per value.
    pub only: Option<String>,
    /// The window.
    pub window: Window,
    /// The amount per window.
    pub amount: LimitAmount,
    /// Soft thresholds in percent of the amount (50, 80, 100 ...), each alerted once per
    /// window and counter.
    pub alerts: Vec<u32>,
    named: bool,
}

impl Limit {
    /// A money limit (USD at the price table's prices).
    pub fn money(scope: Scope, window: Window, amount: Money) -> Self {
        Limit::new(scope, window, LimitAmount::Money(amount))
    }

    /// A token limit (input plus output tokens).
    pub fn tokens(scope: Scope, window: Window, tokens: u64) -> Self {
        Limit::new(scope, window, LimitAmount::Tokens(tokens))
    }

    fn new(scope: Scope, window: Window, amount: LimitAmount) -> Self {
        let mut l = Limit {
            name: String::new(),
            scope,
            only: None,
            window,
            amount,
            alerts: Vec::new(),
            named: false,
        };
        l.name = l.default_name();
        l
    }

    fn default_name(&self) -> String {
        let mut n = self.scope.as_str().to_owned();
        if let Some(o) = &self.only {
            n.push('=');
            n.push_str(o);
        }
        n.push('/');
        n.push_str(self.window.as_str());
        if matches!(self.amount, LimitAmount::Tokens(_)) {
            n.push_str("/tokens");
        }
        n
    }

    /// Applies only to this value of the scope (the tenant `acme`, say).
    #[must_use]
    pub fn only(mut self, value: impl Into<String>) -> Self {
        self.only = Some(value.into());
        if !self.named {
            self.name = self.default_name();
        }
        self
    }

    /// Names the limit (no `|` in it).
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self.named = true;
        self
    }

    /// Soft thresholds in percent of the amount, each alerted once per window and counter.
    #[must_use]
    pub fn alert_at(mut self, percents: impl IntoIterator<Item = u32>) -> Self {
        self.alerts = percents.into_iter().collect();
        self.alerts.sort_unstable();
        self.alerts.dedup();
        self
    }

    /// The caller's value for this limit's counter, when the limit applies to the caller.
    pub(crate) fn applies_to<'a>(&self, caller: &'a Caller) -> Option<&'a str> {
        let v = self.scope.value_of(caller)?;
        match &self.only {
            Some(o) if o != v => None,
            _ => Some(v),
        }
    }

    pub(crate) fn validate(&self) -> Result<()> {
        if self.name.is_empty() || self.name.contains('|') {
            return Err(Error::config(format!(
                "budget limit name `{}` must be non-empty and contain no `|`",
                self.name
            )));
        }
        if self.scope == Scope::Global && self.only.is_some() {
            return Err(Error::config(format!(
                "budget limit `{}`: a global limit takes no `only`",
                self.name
            )));
        }
        match &self.amount {
            LimitAmount::Money(m) if m.currency != "USD" => Err(Error::config(format!(
                "budget limit `{}` is in {}: prices are in USD",
                self.name, m.currency
            ))),
            LimitAmount::Money(m) if m.amount.is_sign_negative() => Err(Error::config(format!(
                "budget limit `{}` is negative",
                self.name
            ))),
            _ => Ok(()),
        }?;
        if let Some(p) = self.alerts.iter().find(|p| **p == 0 || **p > 1_000) {
            return Err(Error::config(format!(
                "budget limit `{}`: alert threshold {p}% must be between 1 and 1000",
                self.name
            )));
        }
        Ok(())
    }
}

/// What to do with a request whose input exceeds a [`TokenCap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum OverCap {
    /// Trim it with the budget's [`TrimPolicy`](crate::TrimPolicy) (oldest history first);
    /// refuse when trimming cannot fit it.
    #[default]
    Trim,
    /// Refuse it.
    Refuse,
}

/// A per-request cap on input tokens, for a scope (every caller, or one tenant, feature,
/// user or API key) and optionally one route (the model reference as requested).
///
/// ```
/// use llmops_core::cost::budget::{OverCap, Scope, TokenCap};
/// let cap = TokenCap::input(8_000).scope(Scope::Feature).only("search").route("gpt-4o");
/// assert_eq!(cap.on_exceed, OverCap::Trim);
/// let strict = TokenCap::input(2_000).refuse();
/// assert_eq!(strict.on_exceed, OverCap::Refuse);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct TokenCap {
    /// Whose requests (default [`Scope::Global`]: every caller).
    pub scope: Scope,
    /// Only this value of the scope.
    pub only: Option<String>,
    /// Only requests for this model reference (as requested: an alias, a deployment id,
    /// `provider/model`).
    pub route: Option<String>,
    /// The most input tokens a request may send.
    pub max_input_tokens: u64,
    /// Trim or refuse.
    pub on_exceed: OverCap,
}

impl TokenCap {
    /// At most `max` input tokens per request, for every caller; trims by default.
    pub fn input(max: u64) -> Self {
        TokenCap {
            scope: Scope::Global,
            only: None,
            route: None,
            max_input_tokens: max,
            on_exceed: OverCap::Trim,
        }
    }

    /// For callers with a value of `scope` only.
    #[must_use]
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    /// Only for this value of the scope.
    #[must_use]
    pub fn only(mut self, value: impl Into<String>) -> Self {
        self.only = Some(value.into());
        self
    }

    /// Only for requests of this model reference.
    #[must_use]
    pub fn route(mut self, model: impl Into<String>) -> Self {
        self.route = Some(model.into());
        self
    }

    /// Refuses instead of trimming.
    #[must_use]
    pub fn refuse(mut self) -> Self {
        self.on_exceed = OverCap::Refuse;
        self
    }

    pub(crate) fn applies(&self, caller: &Caller, model: &str) -> bool {
        let Some(v) = self.scope.value_of(caller) else {
            return false;
        };
        self.only.as_deref().is_none_or(|o| o == v)
            && self.route.as_deref().is_none_or(|r| r == model)
    }

    /// `global`, `feature=search`, with the route when there is one.
    pub(crate) fn describe(&self, caller: &Caller) -> String {
        let mut s = self
            .scope
            .describe(self.scope.value_of(caller).unwrap_or_default());
        if let Some(r) = &self.route {
            s.push_str(", route ");
            s.push_str(r);
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_are_calendar_windows_in_utc() {
        let at = Utc.with_ymd_and_hms(2024, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(
            Window::Minute.start(at),
            Utc.with_ymd_and_hms(2024, 12, 31, 23, 59, 0).unwrap()
        );
        assert_eq!(
            Window::Day.end(at),
            Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
        );
        assert_eq!(
            Window::Month.end(at),
            Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
        );
        // February of a leap year
        let feb = Utc.with_ymd_and_hms(2024, 2, 29, 12, 0, 0).unwrap();
        assert_eq!(
            Window::Month.end(feb),
            Utc.with_ymd_and_hms(2024, 3, 1, 0, 0, 0).unwrap()
        );
        // before the epoch still floors
        let old = Utc.with_ymd_and_hms(1969, 12, 31, 23, 30, 0).unwrap();
        assert_eq!(
            Window::Hour.start(old),
            Utc.with_ymd_and_hms(1969, 12, 31, 23, 0, 0).unwrap()
        );
    }

    #[test]
    fn limits_apply_to_callers_with_the_scope() {
        let c = Caller::default().tenant("acme").user("u1");
        let per_tenant = Limit::tokens(Scope::Tenant, Window::Day, 10);
        assert_eq!(per_tenant.applies_to(&c), Some("acme"));
        assert_eq!(per_tenant.clone().only("other").applies_to(&c), None);
        assert_eq!(
            Limit::tokens(Scope::Feature, Window::Day, 1).applies_to(&c),
            None
        );
        assert!(
            Limit::tokens(Scope::Global, Window::Day, 1)
                .only("x")
                .validate()
                .is_err()
        );
        let named = Limit::tokens(Scope::Tenant, Window::Day, 1)
            .named("mine")
            .only("acme");
        assert_eq!(named.name, "mine");
        assert!(
            Limit::tokens(Scope::User, Window::Day, 1)
                .named("a|b")
                .validate()
                .is_err()
        );
        let eur = Money {
            amount: rust_decimal::Decimal::ONE,
            currency: "EUR".into(),
        };
        assert!(
            Limit::money(Scope::User, Window::Day, eur)
                .validate()
                .is_err()
        );
    }
}
