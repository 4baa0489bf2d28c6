//! The default guards: what `llmops guard scan` runs with no flags, and a good start for a
//! client's guard stage.

use std::sync::Arc;

use llmops_core::Guardrail;

use crate::output::ExfilDetector;
use crate::pii::PiiScanner;
use crate::pipeline::{DetectorGuard, GuardSet};
use crate::secrets::SecretScanner;

/// One [`DetectorGuard`] named `default` over every default detector — PII, secrets and
/// exfiltration links (no domain allowed; output only) — under
/// [`GuardPolicy::default`](crate::GuardPolicy). Change its policy with
/// [`DetectorGuard::policy`].
///
/// ```
/// use llmops_core::{Role, TextSource};
/// let guard = llmops_guard::default_detector_guard();
/// let d = guard.decide("mail ada@example.org", TextSource::Message(Role::User));
/// assert_eq!(d.into_verdict().action(), "redact");
/// ```
pub fn default_detector_guard() -> DetectorGuard {
    DetectorGuard::new("default", PiiScanner::new())
        .detector(SecretScanner::new())
        .detector(ExfilDetector::none_allowed())
}

/// Every default guard, in the order they run: [`default_detector_guard`].
///
/// ```
/// let guards = llmops_guard::default_guards();
/// assert_eq!(guards[0].name(), "default");
/// ```
pub fn default_guards() -> Vec<Arc<dyn Guardrail>> {
    vec![Arc::new(default_detector_guard())]
}

/// A [`GuardSet`] of the default guards, for `ClientBuilder::guards`.
///
/// ```
/// let set = llmops_guard::default_guard_set();
/// assert_eq!(set.names(), ["default"]);
/// ```
pub fn default_guard_set() -> GuardSet {
    GuardSet::new().guard(default_detector_guard())
}
