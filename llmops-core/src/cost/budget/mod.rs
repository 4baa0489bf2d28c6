//! Budgets: the pipeline's budget stage ([`CoreStage::Budget`](crate::CoreStage::Budget)).
//!
//! - [`Limit`]: at most an exact amount of money ([`Money`](crate::Money), at the price
//!   table's prices) or of tokens per [`Window`] (minute, hour, day, calendar month; UTC),
//!   for one [`Scope`] (global, tenant, feature, user, API key), with soft alert thresholds.
//! - [`Budgets`]: the stage. Before the call it reserves an upper bound of the request's
//!   cost on every counter that applies, or refuses with
//!   [`Error::BudgetExceeded`](crate::Error::BudgetExceeded); the bound needs no tokenizer
//!   ([`ChatRequest::token_upper_bound`](crate::ChatRequest::token_upper_bound) priced by
//!   [`PriceTable::max_cost`](crate::cost::PriceTable::max_cost)), and the request is
//!   counted exactly only when that bound would be refused. The exchange's finisher settles
//!   the [`Reservation`] to the real cost on every ending.
//! - [`BudgetStore`]: where counters live — [`MemoryBudgetStore`] in process, a shared
//!   (Redis) store across processes — with atomic check-and-reserve and reservations that
//!   lapse after a TTL.
//! - [`TokenCap`]: a per-request cap on input tokens, met by trimming
//!   ([`TrimPolicy`](crate::TrimPolicy)) or refusal.
//! - [`BudgetFile`]: the same configuration from a TOML file.
//!
//! docs/cost.md ("Budgets") is the guide.

mod alerts;
mod builder;
mod file;
mod layer;
mod limits;
mod reservation;
mod settle;
mod store;
mod token_cap;

pub use alerts::ALERT_RULE;
pub use builder::{BudgetsBuilder, DEFAULT_TTL};
pub use file::BudgetFile;
pub use layer::{BudgetStats, BudgetStatus, Budgets, Clock, StoreFailure, Unpriced};
pub use limits::{Limit, LimitAmount, OverCap, Scope, TokenCap, Window};
pub use reservation::Reservation;
pub use store::{BudgetStore, Charge, CounterState, MemoryBudgetStore, Reserve};

/// The exchange annotation the budget stage writes: what it reserved (`reserved_usd`,
/// `reserved_tokens`, `input_tokens_bound`, `recounted` when the exact count was needed), or the figures of a refusal
/// (`refused: true` and the fields of [`BudgetRefusal`](crate::error::BudgetRefusal)), or
/// `uncounted: true` with the reason.
pub const ANNOTATION: &str = "budget";

/// The exchange annotation of a per-request token cap: `cap`, `input_tokens`, `trimmed`,
/// `input_tokens_after`, `messages_dropped`.
pub const TRIM_ANNOTATION: &str = "budget_trim";
