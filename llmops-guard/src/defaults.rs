//! The default guards: what `llmops guard scan` runs with no flags.

use std::sync::Arc;

use llmops_core::Guardrail;

use crate::pii::PiiGuard;

/// Every default guard, in the order they run: PII.
///
/// ```
/// let guards = llmops_guard::default_guards();
/// assert!(!guards.is_empty());
/// ```
pub fn default_guards() -> Vec<Arc<dyn Guardrail>> {
    vec![Arc::new(PiiGuard::new())]
}
