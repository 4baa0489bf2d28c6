//! llmops guard layer: guardrail scanners and detectors.
//!
//! Today the layer holds the [`pii`] module: detection of personal data with validated
//! recognizers, redaction (masks, typed placeholders, keyed reversible pseudonyms) and
//! [`PiiGuard`], a [`Guardrail`](llmops_core::Guardrail) with an action per category;
//! [`normalize`](mod@normalize) (the canonical form detectors scan: NFKC, case, invisible
//! characters and smuggled payloads, homoglyphs) and [`injection`] (the rule-based
//! prompt-injection detector). Secret scanning, output checks and tool policy land with the
//! rest of issue 8.
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

mod detector;
mod error;
pub mod injection;
pub mod normalize;
pub mod pii;

pub use detector::Detector;
pub use error::{GuardError, Result};
pub use injection::{InjectionDetector, InjectionFamily};
pub use llmops_core;
pub use normalize::{Normalized, normalize};
pub use pii::{PiiAction, PiiCategory, PiiGuard};
