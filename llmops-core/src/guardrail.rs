//! [`Guardrail`]: checks on inputs and outputs, with verdicts allow, redact, flag, hold, block.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::Result;
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
