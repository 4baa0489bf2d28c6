//! [`Guardrail`]: checks on inputs and outputs, with verdicts allow, redact, flag, hold, block.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::approval::ApprovalDecision;
use crate::exchange::Exchange;
use crate::stream::StreamTap;
use crate::types::Role;

/// Where a checked text comes from: guards apply different policies to each.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TextSource {
    /// A message of the request, by role.
    Message(Role),
    /// Retrieved context (untrusted).
    Retrieved,
    /// A tool result (untrusted).
    ToolResult,
    /// The model's output.
    Output,
}

impl TextSource {
    /// `system`, `user`, `assistant`, `tool` (a message by role), `retrieved`, `tool_result`
    /// or `output`.
    ///
    /// ```
    /// use llmops_core::{Role, TextSource};
    /// assert_eq!(TextSource::Message(Role::User).as_str(), "user");
    /// assert_eq!(TextSource::Retrieved.as_str(), "retrieved");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            TextSource::Message(r) => r.as_str(),
            TextSource::Retrieved => "retrieved",
            TextSource::ToolResult => "tool_result",
            TextSource::Output => "output",
        }
    }
}

impl std::fmt::Display for TextSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A text to check, with where it comes from.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct GuardInput<'a> {
    /// The text.
    pub text: &'a str,
    /// Its source.
    pub source: TextSource,
    /// The exchange it belongs to, when checked inside the pipeline.
    pub exchange: Option<&'a Exchange>,
}

impl<'a> GuardInput<'a> {
    /// A text from `source`.
    pub fn new(text: &'a str, source: TextSource) -> Self {
        GuardInput {
            text,
            source,
            exchange: None,
        }
    }
}

/// A span of text a guard found (byte offsets into the checked text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Finding {
    /// Category (`pii.email`, `secret.openai_key`, `injection.override` ...).
    pub category: String,
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// Confidence in 0..=1.
    pub score: f32,
}

impl Finding {
    /// A finding of `category` over `start..end` with confidence `score` (guards outside core
    /// build findings through this, as the struct is `#[non_exhaustive]`).
    pub fn new(category: impl Into<String>, start: usize, end: usize, score: f32) -> Self {
        Finding {
            category: category.into(),
            start,
            end,
            score,
        }
    }
}

/// What a guard decided.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Verdict {
    /// Nothing found.
    Allow,
    /// Continue with this rewritten text.
    Redact {
        /// The rewritten text.
        text: String,
        /// What was found.
        findings: Vec<Finding>,
    },
    /// Continue, but record.
    Flag {
        /// What was found.
        findings: Vec<Finding>,
    },
    /// Deliver only after a human approves (routed to an `Approver`).
    Hold {
        /// Why.
        reason: String,
        /// What was found.
        findings: Vec<Finding>,
    },
    /// Refuse.
    Block {
        /// The category that blocked.
        category: String,
        /// Why.
        reason: String,
        /// What was found.
        findings: Vec<Finding>,
    },
}

impl Verdict {
    /// `allow`, `redact`, `flag`, `hold` or `block`.
    pub fn action(&self) -> &'static str {
        match self {
            Verdict::Allow => "allow",
            Verdict::Redact { .. } => "redact",
            Verdict::Flag { .. } => "flag",
            Verdict::Hold { .. } => "hold",
            Verdict::Block { .. } => "block",
        }
    }
}

/// A guard decision as recorded on the exchange (what, where, by whom; never the raw text).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GuardFinding {
    /// The guard's name.
    pub guard: String,
    /// The checked text's source.
    pub source: TextSource,
    /// `allow`, `redact`, `flag`, `hold`, `block`.
    pub action: String,
    /// Categories found.
    pub categories: Vec<String>,
    /// Highest score.
    pub score: f32,
    /// For a hold: the approver's decision (who, when, why), once made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalDecision>,
}

impl GuardFinding {
    /// A decision of `guard` on a text from `source` (guards outside core record through
    /// this, as the struct is `#[non_exhaustive]`).
    ///
    /// ```
    /// use llmops_core::{GuardFinding, Role, TextSource};
    /// let f = GuardFinding::new("pii", TextSource::Message(Role::User), "redact", vec!["pii.email".into()], 0.9);
    /// assert_eq!(f.action, "redact");
    /// assert!(f.approval.is_none());
    /// ```
    pub fn new(
        guard: impl Into<String>,
        source: TextSource,
        action: impl Into<String>,
        categories: Vec<String>,
        score: f32,
    ) -> Self {
        GuardFinding {
            guard: guard.into(),
            source,
            action: action.into(),
            categories,
            score,
            approval: None,
        }
    }

    /// With the approver's decision on a hold.
    #[must_use]
    pub fn with_approval(mut self, decision: ApprovalDecision) -> Self {
        self.approval = Some(decision);
        self
    }
}

/// Why a guard refused a text: what [`Error::Guard`](crate::Error::Guard) carries. Names the
/// guard, the source, the category and a reason, never the text or the values found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GuardRefusal {
    /// The guard that refused.
    pub guard: String,
    /// The refused text's source.
    pub source: TextSource,
    /// The category that decided (`secret.aws_access_key`, `injection.override` ...).
    pub category: String,
    /// Why, in the guard's words.
    pub reason: String,
    /// For a held output that was not approved: the decision (who, when, why; `by` is
    /// `timeout` when nobody decided in time). `None` for a block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub approval: Option<ApprovalDecision>,
}

impl GuardRefusal {
    /// A block by `guard` of a text from `source`.
    ///
    /// ```
    /// use llmops_core::{Error, GuardRefusal, TextSource};
    /// let e = Error::from(GuardRefusal::blocked("secrets", TextSource::Output, "secret.aws_access_key", "a credential"));
    /// assert_eq!(e.class().as_str(), "guard_blocked");
    /// assert_eq!(e.to_string(), "blocked by guard `secrets` on output (secret.aws_access_key): a credential");
    /// ```
    pub fn blocked(
        guard: impl Into<String>,
        source: TextSource,
        category: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        GuardRefusal {
            guard: guard.into(),
            source,
            category: category.into(),
            reason: reason.into(),
            approval: None,
        }
    }

    /// This refusal as a hold that `decision` did not approve.
    #[must_use]
    pub fn denied(mut self, decision: ApprovalDecision) -> Self {
        self.approval = Some(decision);
        self
    }
}

impl std::fmt::Display for GuardRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.approval {
            None => write!(
                f,
                "blocked by guard `{}` on {} ({}): {}",
                self.guard, self.source, self.category, self.reason
            ),
            Some(d) => write!(
                f,
                "held by guard `{}` on {} ({}): {}; not approved by `{}`: {}",
                self.guard, self.source, self.category, self.reason, d.by, d.reason
            ),
        }
    }
}

impl From<GuardRefusal> for crate::Error {
    fn from(r: GuardRefusal) -> Self {
        crate::Error::Guard(Box::new(r))
    }
}

/// Checks a text and decides. Guards compose in order; every decision lands in the record.
///
/// ```
/// use llmops_core::{async_trait, Guardrail, GuardInput, Result, Verdict};
/// struct NoShouting;
/// #[async_trait]
/// impl Guardrail for NoShouting {
///     fn name(&self) -> &str { "no-shouting" }
///     async fn check(&self, input: &GuardInput<'_>) -> Result<Verdict> {
///         Ok(if input.text.len() > 3 && input.text == input.text.to_uppercase() {
///             Verdict::Redact { text: input.text.to_lowercase(), findings: vec![] }
///         } else { Verdict::Allow })
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Guardrail: Send + Sync + 'static {
    /// The guard's name.
    fn name(&self) -> &str;
    /// Checks one text.
    async fn check(&self, input: &GuardInput<'_>) -> Result<Verdict>;
    /// A tap that checks streamed output incrementally (cuts a leak before it reaches the
    /// caller), when this guard checks outputs.
    fn stream_tap(&self) -> Option<Box<dyn StreamTap>> {
        None
    }
}

#[async_trait::async_trait]
impl<T: Guardrail + ?Sized> Guardrail for Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    async fn check(&self, input: &GuardInput<'_>) -> Result<Verdict> {
        (**self).check(input).await
    }
    fn stream_tap(&self) -> Option<Box<dyn StreamTap>> {
        (**self).stream_tap()
    }
}
