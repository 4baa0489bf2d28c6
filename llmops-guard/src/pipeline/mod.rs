//! The guard pipeline: detectors become guards, guards run in the client's pipeline.
//!
//! - [`DetectorGuard`]: a [`Guardrail`](llmops_core::Guardrail) from one or more
//!   [`Detector`](crate::Detector)s plus a [`GuardPolicy`] (per text source and category
//!   pattern → allow, flag, redact, hold or block, with score thresholds; first matching rule
//!   wins, the strictest action over all findings wins);
//! - [`OutputTap`]: its stream tap, checking streamed output incrementally behind a hold-back
//!   window so a leak split across chunks never reaches the caller;
//! - [`GuardSet`] and [`GuardLayer`]: the guards of a client, in order, at core's guard stage
//!   (`ClientBuilder::guards` through [`GuardsExt`]), on every input text and on the output,
//!   with holds routed to an [`Approver`](llmops_core::Approver) and, opt-in, the values
//!   behind placeholders restored in the answer ([`GuardMapping`], [`RestoreTap`]).
//!
//! See `docs/guard.md`, section "Guard pipeline".

mod detector_guard;
mod layer;
mod policy;
mod restore;
mod rewrite;
mod set;
mod sources;
mod tap;

pub use detector_guard::{Decision, DetectorGuard};
pub use layer::{GuardLayer, GuardsExt};
pub use policy::{CategoryMatch, GuardAction, GuardPolicy, Rule, Sources};
pub use restore::{GuardMapping, RestoreTap};
pub use set::GuardSet;
pub use tap::OutputTap;
