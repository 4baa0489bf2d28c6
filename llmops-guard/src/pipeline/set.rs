//! [`GuardSet`]: the guards of a client, in order, with the approver for holds; runs them on
//! one text at a time.

use std::any::Any;
use std::borrow::Cow;
use std::sync::Arc;
use std::time::Duration;

use llmops_core::{
    ApprovalDecision, ApprovalRequest, ApprovalSubject, Approver, Caller, Exchange, GuardFinding,
    GuardInput, GuardRefusal, Guardrail, Result, TextSource, Verdict,
};

use super::detector_guard::{DetectorGuard, record_of};
use super::policy::GuardAction;
use super::rewrite::Redactions;
use crate::pii::PiiGuard;

/// A guard of the set.
#[derive(Clone)]
pub(crate) enum Kind {
    /// Known to the set: exchange-wide placeholders, holds keep their rewritten text.
    Detector(DetectorGuard),
    /// Any other guardrail, through its verdicts.
    Dyn(Arc<dyn Guardrail>),
}

#[derive(Clone)]
pub(crate) struct Entry {
    pub(crate) kind: Kind,
    pub(crate) inputs: bool,
    pub(crate) outputs: bool,
}

impl Entry {
    pub(crate) fn name(&self) -> &str {
        match &self.kind {
            Kind::Detector(d) => d.name(),
            Kind::Dyn(g) => g.name(),
        }
    }
}

/// A hold waiting for approval: which guard, why.
#[derive(Debug, Clone)]
pub(crate) struct Held {
    pub(crate) guard: String,
    pub(crate) category: String,
    pub(crate) reason: String,
}

/// The guards a [`GuardLayer`](super::GuardLayer) runs, in order, and how holds are approved.
///
/// - [`guard`](GuardSet::guard) checks inputs and outputs, [`input_guard`](GuardSet::input_guard)
///   and [`output_guard`](GuardSet::output_guard) one side only;
/// - a [`DetectorGuard`] is run knowing its policy (placeholders numbered per exchange, holds
///   keep the rewritten text); a [`PiiGuard`] is turned into one
///   ([`From<PiiGuard>`](DetectorGuard#impl-From<PiiGuard>-for-DetectorGuard)); any other
///   [`Guardrail`] runs through its verdicts;
/// - a hold asks the [`approver`](GuardSet::approver) (deny after
///   [`approval_timeout`](GuardSet::approval_timeout), 5 minutes by default; without an
///   approver a hold refuses);
/// - [`restore_output`](GuardSet::restore_output) puts the values that input guards replaced
///   by placeholders or pseudonyms back into the answer before the caller sees it.
///
/// ```
/// use llmops_core::{ChatRequest, Client, Error, MemoryObserver, ScriptedProvider};
/// use llmops_guard::pii::{PiiAction, PiiCategory, PiiGuard};
/// use llmops_guard::pipeline::{GuardSet, GuardsExt};
/// # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
/// let provider = ScriptedProvider::new().reply("Noted, <EMAIL_1>.");
/// let records = MemoryObserver::new();
/// let client = Client::builder()
///     .provider(provider)
///     .guards(GuardSet::new().guard(PiiGuard::new().action(PiiCategory::CreditCard, PiiAction::Block)).restore_output(true))
///     .observer(records.clone())
///     .build()?;
/// let r = client.chat(ChatRequest::new("scripted/m").user("I am ann@example.com")).await?;
/// assert_eq!(r.text(), "Noted, ann@example.com.");           // restored for the caller
/// let sent = &records.records()[0].request;
/// assert_eq!(sent.messages[0].text(), "I am <EMAIL_1>");     // the model never saw it
/// let e = client.chat(ChatRequest::new("scripted/m").user("card 4111 1111 1111 1111")).await.unwrap_err();
/// assert_eq!(e.class().as_str(), "guard_blocked");
/// assert!(!e.to_string().contains("4111"));
/// # Ok::<(), Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct GuardSet {
    pub(crate) entries: Vec<Entry>,
    pub(crate) approver: Option<Arc<dyn Approver>>,
    pub(crate) approval_timeout: Duration,
    pub(crate) restore: bool,
}

impl std::fmt::Debug for GuardSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GuardSet")
            .field(
                "guards",
                &self.entries.iter().map(Entry::name).collect::<Vec<_>>(),
            )
            .field("approver", &self.approver.is_some())
            .field("approval_timeout", &self.approval_timeout)
            .field("restore", &self.restore)
            .finish()
    }
}

impl Default for GuardSet {
    fn default() -> Self {
        GuardSet::new()
    }
}

/// What the set knows of `g`: a detector guard (or a PII guard, turned into one) is run
/// knowing its policy; any other guardrail through its verdicts.
fn kind_of<G: Guardrail>(g: G) -> Kind {
    let any: &dyn Any = &g;
    if let Some(d) = any.downcast_ref::<DetectorGuard>() {
        return Kind::Detector(d.clone());
    }
    if let Some(p) = any.downcast_ref::<PiiGuard>() {
        return Kind::Detector(DetectorGuard::from(p.clone()));
    }
    Kind::Dyn(Arc::new(g))
}

impl GuardSet {
    /// No guards, no approver, no restoring.
    pub fn new() -> Self {
        GuardSet {
            entries: Vec::new(),
            approver: None,
            approval_timeout: Duration::from_secs(300),
            restore: false,
        }
    }

    fn push(mut self, kind: Kind, inputs: bool, outputs: bool) -> Self {
        self.entries.push(Entry {
            kind,
            inputs,
            outputs,
        });
        self
    }

    /// Adds a guard for inputs and outputs (after those added before).
    #[must_use]
    pub fn guard(self, g: impl Guardrail) -> Self {
        self.push(kind_of(g), true, true)
    }

    /// Adds a guard for inputs only.
    #[must_use]
    pub fn input_guard(self, g: impl Guardrail) -> Self {
        self.push(kind_of(g), true, false)
    }

    /// Adds a guard for outputs only.
    #[must_use]
    pub fn output_guard(self, g: impl Guardrail) -> Self {
        self.push(kind_of(g), false, true)
    }

    /// Adds a shared guard for inputs and outputs (run through its verdicts).
    #[must_use]
    pub fn guard_arc(self, g: Arc<dyn Guardrail>) -> Self {
        self.push(Kind::Dyn(g), true, true)
    }

    /// Who approves held outputs.
    #[must_use]
    pub fn approver(mut self, a: impl Approver) -> Self {
        self.approver = Some(Arc::new(a));
        self
    }

    /// A shared approver.
    #[must_use]
    pub fn approver_arc(mut self, a: Arc<dyn Approver>) -> Self {
        self.approver = Some(a);
        self
    }

    /// How long a hold waits for a decision before it is denied (also when the approver
    /// itself never answers).
    #[must_use]
    pub fn approval_timeout(mut self, d: Duration) -> Self {
        self.approval_timeout = d;
        self
    }

    /// Whether to restore, in the answer (full and streamed), the values input guards
    /// replaced by placeholders or pseudonyms (off by default).
    #[must_use]
    pub fn restore_output(mut self, on: bool) -> Self {
        self.restore = on;
        self
    }

    /// The guards' names, in order.
    pub fn names(&self) -> Vec<&str> {
        self.entries.iter().map(Entry::name).collect()
    }

    /// Runs the guards of one side on one text, in order: each sees the text as the guards
    /// before it left it; a block stops the chain. Decisions other than allow go to
    /// `findings`. Returns the rewritten text (if any guard rewrote it) and the first hold.
    /// An input cannot be held: a hold on an input refuses it.
    pub(crate) async fn run(
        &self,
        text: &str,
        source: TextSource,
        exchange: Option<&Exchange>,
        redactions: &mut Redactions,
        findings: &mut Vec<GuardFinding>,
    ) -> Result<(Option<String>, Option<Held>)> {
        let output = source == TextSource::Output;
        let mut current: Cow<'_, str> = Cow::Borrowed(text);
        let mut held: Option<Held> = None;
        for e in self
            .entries
            .iter()
            .filter(|e| if output { e.outputs } else { e.inputs })
        {
            let (action, category, reason, rewritten) = match &e.kind {
                Kind::Detector(d) => {
                    let dec = d.decide_with(&current, source, redactions, !output);
                    if let Some(f) = dec.record(d.name(), source) {
                        findings.push(f);
                    }
                    (dec.action, dec.category, dec.reason, dec.text)
                }
                Kind::Dyn(g) => {
                    let mut input = GuardInput::new(&current, source);
                    input.exchange = exchange;
                    let verdict = g.check(&input).await?;
                    dyn_outcome(g.name(), source, verdict, findings)
                }
            };
            if let Some(t) = rewritten {
                current = Cow::Owned(t);
            }
            let category = category.unwrap_or_default();
            let reason = reason.unwrap_or_default();
            match action {
                GuardAction::Block => {
                    return Err(GuardRefusal::blocked(e.name(), source, category, reason).into());
                }
                GuardAction::Hold if !output => {
                    let reason = format!("{reason} (an input cannot be held for approval)");
                    return Err(GuardRefusal::blocked(e.name(), source, category, reason).into());
                }
                GuardAction::Hold if held.is_none() => {
                    held = Some(Held {
                        guard: e.name().to_owned(),
                        category,
                        reason,
                    });
                }
                _ => {}
            }
        }
        let text = match current {
            Cow::Owned(t) => Some(t),
            Cow::Borrowed(_) => None,
        };
        Ok((text, held))
    }

    /// Asks the approver about a held output (`text`, as it would be delivered); records the
    /// decision on the hold findings of `findings`. `Err` unless approved.
    pub(crate) async fn approve(
        &self,
        text: &str,
        held: Held,
        request_id: &str,
        caller: Arc<Caller>,
        findings: &mut [GuardFinding],
    ) -> Result<()> {
        let refusal = GuardRefusal::blocked(
            held.guard.clone(),
            TextSource::Output,
            held.category.clone(),
            held.reason.clone(),
        );
        let Some(approver) = &self.approver else {
            let mut r = refusal;
            r.reason = format!(
                "{}; held for approval, but no approver is configured",
                r.reason
            );
            return Err(r.into());
        };
        let req = ApprovalRequest::new(
            request_id,
            caller,
            ApprovalSubject::Output {
                text: text.to_owned(),
            },
            held.reason.clone(),
            self.approval_timeout,
        );
        let decision =
            match tokio::time::timeout(self.approval_timeout, approver.decide(&req)).await {
                Ok(Ok(d)) => d,
                Ok(Err(e)) => return Err(e),
                Err(_) => ApprovalDecision::timed_out(),
            };
        for f in findings
            .iter_mut()
            .filter(|f| f.action == GuardAction::Hold.as_str() && f.source == TextSource::Output)
        {
            f.approval = Some(decision.clone());
        }
        if decision.approved {
            Ok(())
        } else {
            Err(refusal.denied(decision).into())
        }
    }
}

/// Records a verdict of a guard the set only knows as a [`Guardrail`].
fn dyn_outcome(
    guard: &str,
    source: TextSource,
    verdict: Verdict,
    findings: &mut Vec<GuardFinding>,
) -> (GuardAction, Option<String>, Option<String>, Option<String>) {
    let (action, found, category, reason, text) = match verdict {
        Verdict::Allow => return (GuardAction::Allow, None, None, None),
        Verdict::Flag { findings } => (GuardAction::Flag, findings, None, None, None),
        Verdict::Redact { text, findings } => {
            (GuardAction::Redact, findings, None, None, Some(text))
        }
        Verdict::Hold { reason, findings } => {
            let category = findings.first().map(|f| f.category.clone());
            (GuardAction::Hold, findings, category, Some(reason), None)
        }
        Verdict::Block {
            category,
            reason,
            findings,
        } => (
            GuardAction::Block,
            findings,
            Some(category),
            Some(reason),
            None,
        ),
        // a verdict added later is recorded and otherwise let through
        _ => (GuardAction::Flag, Vec::new(), None, None, None),
    };
    findings.push(record_of(guard, source, action, &found));
    (action, category, reason, text)
}
