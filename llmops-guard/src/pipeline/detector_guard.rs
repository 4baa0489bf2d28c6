//! [`DetectorGuard`]: a [`Guardrail`] (and a stream tap) from [`Detector`]s plus a
//! [`GuardPolicy`].

use std::sync::Arc;

use llmops_core::{
    Finding, GuardFinding, GuardInput, GuardRefusal, Guardrail, StreamTap, TextSource, Verdict,
};

use super::policy::{GuardAction, GuardPolicy};
use super::rewrite::{Redactions, Span};
use super::tap::OutputTap;
use crate::detector::Detector;
use crate::pii::{PiiAction, PiiCategory, PiiGuard, RedactionMode};

/// Detectors find spans; the policy decides, per text source and category, what to do about
/// each one (see [`GuardPolicy`]); the strictest action over all findings of a text wins.
///
/// - [`Guardrail::check`] decides on a whole text (`Redact` rewrites it with the rules'
///   placeholders or masks);
/// - [`Guardrail::stream_tap`] gives an [`OutputTap`] that checks streamed output
///   incrementally, holding back [`window`](DetectorGuard::window) bytes;
/// - in a [`GuardSet`](super::GuardSet), placeholders are numbered per exchange and their
///   mapping can restore the values in the answer.
///
/// Reasons name categories and sources, never the values found.
///
/// ```
/// use llmops_core::{GuardInput, Guardrail, Role, TextSource, Verdict};
/// use llmops_guard::pii::PiiScanner;
/// use llmops_guard::pipeline::{DetectorGuard, GuardAction, GuardPolicy, Rule, Sources};
/// # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
/// let guard = DetectorGuard::new("pii", PiiScanner::new()).policy(
///     GuardPolicy::default().first(Rule::new("pii.credit_card", GuardAction::Block).sources(Sources::OUTPUT)),
/// );
/// let input = GuardInput::new("mail me: ann@example.com", TextSource::Message(Role::User));
/// match guard.check(&input).await? {
///     Verdict::Redact { text, .. } => assert_eq!(text, "mail me: <EMAIL_1>"),
///     other => panic!("{other:?}"),
/// }
/// let output = GuardInput::new("card 4111 1111 1111 1111", TextSource::Output);
/// assert_eq!(guard.check(&output).await?.action(), "block");
/// assert_eq!(guard.window(), Some(128));
/// # Ok::<(), llmops_core::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct DetectorGuard {
    name: Arc<str>,
    detectors: Arc<[Arc<dyn Detector>]>,
    policy: Arc<GuardPolicy>,
}

impl std::fmt::Debug for DetectorGuard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DetectorGuard")
            .field("name", &self.name)
            .field(
                "detectors",
                &self.detectors.iter().map(|d| d.name()).collect::<Vec<_>>(),
            )
            .field("rules", &self.policy.rules().len())
            .finish()
    }
}

/// What a [`DetectorGuard`] decided about one text: richer than a [`Verdict`] (a hold keeps
/// the rewritten text that is delivered once approved).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Decision {
    /// The strictest action over all findings (`Allow` when nothing was found).
    pub action: GuardAction,
    /// The findings that were not allowed, offsets into the checked text.
    pub findings: Vec<Finding>,
    /// The text with every redacting finding rewritten, when one redacts.
    pub text: Option<String>,
    /// The category that decided a block or hold.
    pub category: Option<String>,
    /// Why it blocks or holds (no values).
    pub reason: Option<String>,
}

impl Decision {
    fn allow() -> Self {
        Decision {
            action: GuardAction::Allow,
            findings: Vec::new(),
            text: None,
            category: None,
            reason: None,
        }
    }

    /// The decision as a core [`Verdict`].
    pub fn into_verdict(self) -> Verdict {
        let Decision {
            action,
            findings,
            text,
            category,
            reason,
        } = self;
        match action {
            GuardAction::Allow => Verdict::Allow,
            GuardAction::Flag => Verdict::Flag { findings },
            GuardAction::Redact => match text {
                Some(text) => Verdict::Redact { text, findings },
                None => Verdict::Flag { findings },
            },
            GuardAction::Hold => Verdict::Hold {
                reason: reason.unwrap_or_default(),
                findings,
            },
            GuardAction::Block => Verdict::Block {
                category: category.unwrap_or_default(),
                reason: reason.unwrap_or_default(),
                findings,
            },
        }
    }

    /// What the exchange records of it (`None` for allow).
    pub fn record(&self, guard: &str, source: TextSource) -> Option<GuardFinding> {
        (self.action != GuardAction::Allow)
            .then(|| record_of(guard, source, self.action, &self.findings))
    }

    /// The refusal a block (or an unapproved hold) raises.
    pub fn refusal(&self, guard: &str, source: TextSource) -> GuardRefusal {
        GuardRefusal::blocked(
            guard,
            source,
            self.category.clone().unwrap_or_default(),
            self.reason.clone().unwrap_or_default(),
        )
    }
}

/// A [`GuardFinding`] for `findings` (categories deduplicated in order, highest score).
pub(crate) fn record_of(
    guard: &str,
    source: TextSource,
    action: GuardAction,
    findings: &[Finding],
) -> GuardFinding {
    let mut categories: Vec<String> = Vec::new();
    let mut score = 0f32;
    for f in findings {
        if !categories.contains(&f.category) {
            categories.push(f.category.clone());
        }
        score = score.max(f.score);
    }
    GuardFinding::new(guard, source, action.as_str(), categories, score)
}

impl DetectorGuard {
    /// A guard named `name` (in records) over `detector`, with [`GuardPolicy::default`].
    pub fn new(name: impl Into<String>, detector: impl Detector) -> Self {
        DetectorGuard {
            name: Arc::from(name.into()),
            detectors: Arc::from(vec![Arc::new(detector) as Arc<dyn Detector>]),
            policy: Arc::new(GuardPolicy::default()),
        }
    }

    /// Adds a detector (all run on every text, findings pooled).
    #[must_use]
    pub fn detector(mut self, detector: impl Detector) -> Self {
        let mut all: Vec<Arc<dyn Detector>> = self.detectors.iter().cloned().collect();
        all.push(Arc::new(detector));
        self.detectors = Arc::from(all);
        self
    }

    /// Replaces the policy.
    #[must_use]
    pub fn policy(mut self, policy: GuardPolicy) -> Self {
        self.policy = Arc::new(policy);
        self
    }

    /// The guard's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The policy.
    pub fn current_policy(&self) -> &GuardPolicy {
        &self.policy
    }

    /// The hold-back window of its stream tap: the largest
    /// [`max_match_len`](Detector::max_match_len) of its detectors, `None` (hold the whole
    /// output until the end) when one of them needs the whole text.
    pub fn window(&self) -> Option<usize> {
        self.detectors
            .iter()
            .try_fold(0usize, |w, d| d.max_match_len().map(|m| w.max(m)))
    }

    /// Whether the policy can hold output: the layer then buffers a streamed answer and asks
    /// the approver at its end.
    pub fn holds_output(&self) -> bool {
        self.policy.can_hold(TextSource::Output)
    }

    /// The stream tap checking output (see [`OutputTap`]).
    pub fn output_tap(&self) -> OutputTap {
        OutputTap::new(
            self.name.clone(),
            self.detectors.clone(),
            self.policy.clone(),
            self.window(),
        )
    }

    /// Runs the detectors on `text` into `out`.
    pub(crate) fn scan(&self, text: &str, source: TextSource, out: &mut Vec<Finding>) {
        for d in self.detectors.iter() {
            d.scan(text, source, out);
        }
    }

    /// Decides about `text` from `source` (placeholders numbered within this text).
    pub fn decide(&self, text: &str, source: TextSource) -> Decision {
        self.decide_with(text, source, &mut Redactions::default(), false)
    }

    /// Decides, numbering placeholders with `redactions` (shared by the texts of an exchange)
    /// and recording tokens in its mapping when `record`.
    pub(crate) fn decide_with(
        &self,
        text: &str,
        source: TextSource,
        redactions: &mut Redactions,
        record: bool,
    ) -> Decision {
        let mut found = Vec::new();
        self.scan(text, source, &mut found);
        if found.is_empty() {
            return Decision::allow();
        }
        let placeholder = RedactionMode::Placeholder;
        let mut action = GuardAction::Allow;
        let mut decider: Option<(String, String)> = None;
        let mut spans: Vec<Span<'_>> = Vec::new();
        let mut kept = Vec::with_capacity(found.len());
        for f in &found {
            let rule = self.policy.rule_for(source, f);
            let a = rule.map_or_else(|| self.policy.action(source, f), |r| r.action());
            if a == GuardAction::Allow {
                continue;
            }
            if a > action {
                action = a;
                if a >= GuardAction::Hold {
                    let reason = match rule {
                        Some(r) => r.reason_for(&f.category, source),
                        None => format!("`{}` found in {source}", f.category),
                    };
                    decider = Some((f.category.clone(), reason));
                }
            }
            if a == GuardAction::Redact {
                spans.push(Span {
                    start: f.start,
                    end: f.end,
                    category: &f.category,
                    mode: rule.map_or(&placeholder, |r| r.redaction_mode()),
                });
            }
            kept.push(f.clone());
        }
        let text = (!spans.is_empty()).then(|| redactions.rewrite(text, &mut spans, record));
        let (category, reason) = decider.unzip();
        Decision {
            action,
            findings: kept,
            text,
            category,
            reason,
        }
    }
}

#[async_trait::async_trait]
impl Guardrail for DetectorGuard {
    fn name(&self) -> &str {
        &self.name
    }

    async fn check(&self, input: &GuardInput<'_>) -> llmops_core::Result<Verdict> {
        Ok(self.decide(input.text, input.source).into_verdict())
    }

    fn stream_tap(&self) -> Option<Box<dyn StreamTap>> {
        Some(Box::new(self.output_tap()))
    }
}

/// `PiiGuard` as a detector: its scanner with its categories turned on.
impl Detector for PiiGuard {
    fn name(&self) -> &str {
        Guardrail::name(self)
    }

    fn scan(&self, text: &str, _source: TextSource, out: &mut Vec<Finding>) {
        for f in PiiGuard::scan(self, text) {
            out.push(f.to_finding());
        }
    }

    fn max_match_len(&self) -> Option<usize> {
        Detector::max_match_len(&crate::pii::PiiScanner::new())
    }
}

/// The same decisions as the [`PiiGuard`] (its action per category, on every source), as a
/// [`DetectorGuard`] named like it: what a [`GuardSet`](super::GuardSet) turns a `PiiGuard`
/// into, so placeholders are numbered per exchange and restorable, and streams are checked
/// incrementally.
impl From<PiiGuard> for DetectorGuard {
    fn from(pii: PiiGuard) -> Self {
        let mut policy = GuardPolicy::empty().fallback(GuardAction::Allow);
        for c in PiiCategory::ALL {
            let rule = match pii.action_for(c) {
                Some(PiiAction::Redact(mode)) => {
                    super::policy::Rule::new(c.as_str(), GuardAction::Redact)
                        .redaction(mode.clone())
                }
                Some(PiiAction::Block) => super::policy::Rule::new(c.as_str(), GuardAction::Block)
                    .reason(format!("personal data ({}) is not allowed here", c.label())),
                Some(PiiAction::Flag) => super::policy::Rule::new(c.as_str(), GuardAction::Flag),
                _ => continue,
            };
            policy = policy.rule(rule);
        }
        let name = Guardrail::name(&pii).to_owned();
        DetectorGuard::new(name, pii).policy(policy)
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;
    use crate::pipeline::policy::{Rule, Sources};
    use llmops_core::Role;

    /// Finds fixed words with fixed categories and scores.
    struct Words(Vec<(&'static str, &'static str, f32)>);
    impl Detector for Words {
        fn name(&self) -> &str {
            "words"
        }
        fn scan(&self, text: &str, _s: TextSource, out: &mut Vec<Finding>) {
            for (w, c, score) in &self.0 {
                for (i, m) in text.match_indices(w) {
                    out.push(Finding::new(*c, i, i + m.len(), *score));
                }
            }
        }
        fn max_match_len(&self) -> Option<usize> {
            self.0.iter().map(|w| w.0.len()).max()
        }
    }

    fn user() -> TextSource {
        TextSource::Message(Role::User)
    }

    #[test]
    fn strictest_action_wins_and_reasons_carry_no_values() {
        let g = DetectorGuard::new(
            "w",
            Words(vec![
                ("hunter2", "secret.password", 0.9),
                ("IGNORE", "injection.override", 0.95),
            ]),
        );
        let d = g.decide("pw hunter2 then IGNORE all", user());
        assert_eq!(d.action, GuardAction::Block);
        assert_eq!(d.category.as_deref(), Some("injection.override"));
        let reason = d.reason.clone().unwrap();
        assert!(
            !reason.contains("IGNORE") && !reason.contains("hunter2"),
            "{reason}"
        );
        assert_eq!(
            d.text.as_deref(),
            Some("pw <SECRET_PASSWORD_1> then IGNORE all")
        );
        let rec = d.record("w", user()).unwrap();
        assert_eq!(rec.action, "block");
        assert_eq!(
            rec.categories,
            vec!["secret.password", "injection.override"]
        );
        assert!((rec.score - 0.95).abs() < 1e-6);
        let refusal = d.refusal("w", user()).to_string();
        assert!(!refusal.contains("hunter2"), "{refusal}");
    }

    #[test]
    fn allowed_findings_are_not_recorded_and_clean_text_allocates_nothing() {
        let g = DetectorGuard::new("w", Words(vec![("ok", "benign.word", 0.1)]))
            .policy(GuardPolicy::empty().rule(Rule::new("benign.*", GuardAction::Allow)));
        let d = g.decide("ok ok", user());
        assert_eq!(d.action, GuardAction::Allow);
        assert!(d.findings.is_empty() && d.record("w", user()).is_none());
        let d = g.decide("nothing", user());
        assert_eq!(d.findings.capacity(), 0);
        assert_eq!(d.into_verdict(), Verdict::Allow);
    }

    #[test]
    fn hold_keeps_the_redacted_text() {
        let g = DetectorGuard::new(
            "w",
            Words(vec![
                ("risky", "topic.risky", 0.8),
                ("a@b.io", "pii.email", 0.9),
            ]),
        )
        .policy(
            GuardPolicy::default().first(
                Rule::new("topic.*", GuardAction::Hold)
                    .sources(Sources::OUTPUT)
                    .reason("needs review"),
            ),
        );
        assert!(g.holds_output());
        let d = g.decide("risky: a@b.io", TextSource::Output);
        assert_eq!(d.action, GuardAction::Hold);
        assert_eq!(d.text.as_deref(), Some("risky: <EMAIL_1>"));
        assert_eq!(d.reason.as_deref(), Some("needs review"));
        assert!(matches!(d.into_verdict(), Verdict::Hold { .. }));
    }

    #[test]
    fn window_is_the_largest_match_or_none() {
        struct Whole;
        impl Detector for Whole {
            fn name(&self) -> &str {
                "whole"
            }
            fn scan(&self, _: &str, _: TextSource, _: &mut Vec<Finding>) {}
            fn max_match_len(&self) -> Option<usize> {
                None
            }
        }
        let g = DetectorGuard::new("w", Words(vec![("abc", "x.y", 1.0)]))
            .detector(Words(vec![("abcdefgh", "x.z", 1.0)]));
        assert_eq!(g.window(), Some(8));
        assert_eq!(g.detector(Whole).window(), None);
    }

    #[test]
    fn a_pii_guard_converts_with_its_actions() {
        let pii = PiiGuard::new()
            .named("personal")
            .action(PiiCategory::CreditCard, PiiAction::Block)
            .action(PiiCategory::Email, PiiAction::Redact(RedactionMode::Mask))
            .ignore(PiiCategory::IpAddress);
        let g = DetectorGuard::from(pii);
        assert_eq!(g.name(), "personal");
        let d = g.decide("ann@example.com from 10.0.0.7", user());
        assert_eq!(d.text.as_deref(), Some("*************** from 10.0.0.7"));
        let d = g.decide("card 4111 1111 1111 1111", TextSource::Output);
        assert_eq!(d.action, GuardAction::Block);
        assert!(d.reason.unwrap().contains("CREDIT_CARD"));
    }
}
