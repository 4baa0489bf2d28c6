//! [`PiiGuard`]: the PII [`Guardrail`] and [`Redactor`].

use std::borrow::Cow;

use llmops_core::{Finding, GuardInput, Guardrail, Redactor, Verdict};

use super::category::{PiiCategory, PiiFinding};
use super::redact::{Redacted, RedactionMode, redact_with};
use super::scanner::PiiScanner;

/// What the guard does when it finds a category.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum PiiAction {
    /// Replace the value (the text continues, rewritten).
    Redact(RedactionMode),
    /// Leave the value, record the finding.
    Flag,
    /// Refuse the text.
    Block,
}

/// Finds personal data and redacts, flags or blocks it, per category.
///
/// By default every category is redacted with typed placeholders. The verdict is `Block` when
/// any finding's category blocks, else `Redact` when any redacts (the flagged ones stay in the
/// text), else `Flag`; every finding is reported. The rewritten text is all the [`Verdict`]
/// carries: a host that wants to [`restore`](super::restore) values in the answer calls
/// [`PiiGuard::redact`] itself and keeps the [`Mapping`](super::Mapping) (pseudonyms are
/// stable, so the mapping of the same text can also be rebuilt later with the same key).
///
/// ```
/// use llmops_guard::pii::{PiiAction, PiiCategory, PiiGuard, RedactionMode};
/// let guard = PiiGuard::new()
///     .action(PiiCategory::IpAddress, PiiAction::Flag)
///     .action(PiiCategory::Email, PiiAction::Redact(RedactionMode::Mask))
///     .ignore(PiiCategory::DateOfBirth);
/// let out = guard.redact("ann@example.com from 10.0.0.7");
/// assert_eq!(out.text, "*************** from 10.0.0.7");
/// ```
#[derive(Debug, Clone)]
pub struct PiiGuard {
    name: String,
    scanner: PiiScanner,
    actions: [Option<PiiAction>; PiiCategory::ALL.len()],
}

impl Default for PiiGuard {
    fn default() -> Self {
        PiiGuard::new()
    }
}

impl PiiGuard {
    /// Every category of [`PiiScanner::new`] (all but person names: turn them on with
    /// `.action(PiiCategory::PersonName, ..)`), redacted with typed placeholders; named `pii`.
    pub fn new() -> Self {
        let scanner = PiiScanner::new();
        PiiGuard {
            name: "pii".to_owned(),
            scanner,
            actions: std::array::from_fn(|i| {
                PiiCategory::ALL
                    .get(i)
                    .is_some_and(|c| scanner.is_enabled(*c))
                    .then_some(PiiAction::Redact(RedactionMode::Placeholder))
            }),
        }
    }

    /// The guard's name in records (default `pii`).
    #[must_use]
    pub fn named(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// What to do on `category` (turns it on if it was ignored).
    #[must_use]
    pub fn action(mut self, category: PiiCategory, action: PiiAction) -> Self {
        if let Some(slot) = self.actions.get_mut(category.index()) {
            *slot = Some(action);
        }
        self.scanner = self.scanner.with(category, true);
        self
    }

    /// Redact every category that redacts with `mode`.
    #[must_use]
    pub fn mode(mut self, mode: RedactionMode) -> Self {
        for a in self.actions.iter_mut().flatten() {
            if let PiiAction::Redact(m) = a {
                *m = mode.clone();
            }
        }
        self
    }

    /// Stop looking for `category`.
    #[must_use]
    pub fn ignore(mut self, category: PiiCategory) -> Self {
        if let Some(slot) = self.actions.get_mut(category.index()) {
            *slot = None;
        }
        self.scanner = self.scanner.with(category, false);
        self
    }

    /// The action for `category`, if the guard looks for it.
    pub fn action_for(&self, category: PiiCategory) -> Option<&PiiAction> {
        self.actions.get(category.index()).and_then(Option::as_ref)
    }

    /// The personal data in `text` the guard looks for.
    pub fn scan(&self, text: &str) -> Vec<PiiFinding> {
        self.scanner.scan(text)
    }

    /// `text` with the categories that redact replaced, and the mapping to restore them.
    pub fn redact<'a>(&self, text: &'a str) -> Redacted<'a> {
        let found = self.scanner.scan(text);
        self.redact_found(text, &found)
    }

    fn redact_found<'a>(&self, text: &'a str, found: &[PiiFinding]) -> Redacted<'a> {
        redact_with(text, found, |c| match self.action_for(c) {
            Some(PiiAction::Redact(mode)) => Some(mode),
            _ => None,
        })
    }

    /// The verdict on `text` (what [`Guardrail::check`] returns).
    pub fn verdict(&self, text: &str) -> Verdict {
        let found = self.scanner.scan(text);
        if found.is_empty() {
            return Verdict::Allow;
        }
        let findings: Vec<Finding> = found.iter().map(PiiFinding::to_finding).collect();
        let blocking = found
            .iter()
            .find(|f| matches!(self.action_for(f.category), Some(PiiAction::Block)));
        if let Some(b) = blocking {
            return Verdict::Block {
                category: b.category.as_str().to_owned(),
                reason: format!("personal data ({}) is not allowed here", b.category.label()),
                findings,
            };
        }
        let redacts = found
            .iter()
            .any(|f| matches!(self.action_for(f.category), Some(PiiAction::Redact(_))));
        if redacts {
            let out = self.redact_found(text, &found);
            return Verdict::Redact {
                text: out.text.into_owned(),
                findings,
            };
        }
        Verdict::Flag { findings }
    }
}

#[async_trait::async_trait]
impl Guardrail for PiiGuard {
    fn name(&self) -> &str {
        &self.name
    }

    async fn check(&self, input: &GuardInput<'_>) -> llmops_core::Result<Verdict> {
        Ok(self.verdict(input.text))
    }
}

/// For logs and traces: every category the guard looks for is replaced, whatever its action
/// (with its own mode when it redacts, a typed placeholder otherwise).
impl Redactor for PiiGuard {
    fn name(&self) -> &str {
        &self.name
    }

    fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let found = self.scanner.scan(text);
        if found.is_empty() {
            return Cow::Borrowed(text);
        }
        redact_with(text, &found, |c| match self.action_for(c) {
            Some(PiiAction::Redact(mode)) => Some(mode),
            Some(_) => Some(&RedactionMode::Placeholder),
            None => None,
        })
        .text
    }
}
