//! llmops guard layer: guardrail scanners and detectors.
//!
//! - [`pii`]: detection of personal data with validated recognizers, redaction (masks, typed
//!   placeholders, keyed reversible pseudonyms) and [`PiiGuard`], a
//!   [`Guardrail`](llmops_core::Guardrail) with an action per category;
//! - [`pipeline`]: [`DetectorGuard`] (any [`Detector`]s plus a [`GuardPolicy`] per text source
//!   and category), its incremental stream tap, and [`GuardSet`] / [`GuardLayer`], the
//!   client's guard stage (`ClientBuilder::guards` through [`GuardsExt`]) with approvals for
//!   held outputs and the PII mapping restored in the answer.
//! - [`policy`]: [`ToolPolicy`], the [`ToolGate`](llmops_core::ToolGate) that decides which
//!   tool calls run (roles, argument schema and constraints, rate limits, approvals);
//! - [`normalize`](mod@normalize): the canonical form detectors scan (NFKC, case, invisible
//!   characters and smuggled payloads, homoglyphs);
//! - [`injection`]: the rule-based prompt-injection detector, and [`learned`]: the bundled
//!   learned model;
//! - [`secrets`] and [`output`]: credentials, canary tokens, system-prompt leaks, exfiltration
//!   links, JSON schema, deny-lists.
//!
//! ```
//! use llmops_guard::{PiiAction, PiiCategory, PiiGuard};
//! use llmops_core::{GuardInput, Guardrail, Role, TextSource, Verdict};
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let guard = PiiGuard::new().action(PiiCategory::CreditCard, PiiAction::Block);
//! let input = GuardInput::new("reach me at +1 415 555 0132", TextSource::Message(Role::User));
//! match guard.check(&input).await? {
//!     Verdict::Redact { text, .. } => assert_eq!(text, "reach me at <PHONE_1>"),
//!     other => panic!("{other:?}"),
//! }
//! let input = GuardInput::new("card 4111-1111-1111-1111", TextSource::Message(Role::User));
//! assert_eq!(guard.check(&input).await?.action(), "block");
//! # Ok::<(), llmops_core::Error>(())
//! # }).unwrap();
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![doc(test(attr(deny(warnings))))]

mod defaults;
mod detector;
mod error;
pub mod injection;
pub mod learned;
pub mod normalize;
pub mod output;
pub mod pii;
pub mod pipeline;
pub mod policy;
pub mod secrets;
mod spans;

pub use defaults::{
    default_detector_guard, default_guard_set, default_guards, default_injection_guard,
};
pub use detector::Detector;
pub use error::{GuardError, Result};
pub use injection::{CombinedInjectionDetector, InjectionDetector, InjectionFamily};
pub use learned::{LearnedDetector, LearnedModel};
pub use llmops_core;
pub use normalize::{Normalized, normalize};
pub use pii::{PiiAction, PiiCategory, PiiGuard};
pub use pipeline::{DetectorGuard, GuardLayer, GuardPolicy, GuardSet, GuardsExt};
pub use policy::{Constraint, PolicyError, ToolPolicy, ToolPolicyBuilder, ToolRule};
pub use secrets::{SecretKind, SecretScanner};
