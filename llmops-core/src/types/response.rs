//! [`ChatResponse`] and [`ResponseMeta`]: what came back, and how.

use std::time::Duration;

use serde::{Deserialize, Serialize};

use super::message::{Message, Role};
use super::params::ParamSources;
use super::tools::ToolCall;
use super::usage::{FinishReason, Usage, UsageSource};
use crate::exchange::CacheOutcome;
use crate::guardrail::GuardFinding;
use crate::money::Cost;

/// The prompt version that produced a request: answers "which prompt made this answer?".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PromptVersionRef {
    /// Prompt name.
    pub name: String,
    /// Version number.
    pub version: u32,
    /// Content hash of the version (`sha256:…`).
    pub hash: String,
    /// The label that resolved to it, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl PromptVersionRef {
    /// A prompt version reference.
    pub fn new(name: impl Into<String>, version: u32, hash: impl Into<String>) -> Self {
        PromptVersionRef {
            name: name.into(),
            version,
            hash: hash.into(),
            label: None,
        }
    }
}

/// Everything about how a response was produced.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// Our request id (also the exchange record's id).
    pub request_id: String,
    /// The provider that answered (`openai`, `anthropic`, `scripted` ...).
    pub provider: String,
    /// The deployment that answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    /// The model reference the caller asked for.
    pub model_requested: String,
    /// The model the provider reported answering with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_answered: Option<String>,
    /// How many provider attempts were made.
    pub attempts: u32,
    /// Wall time from entering the client to the response (for streams: to the end).
    #[serde(with = "crate::serde_util::duration_ms")]
    pub latency: Duration,
    /// Time to the first content token (streams).
    #[serde(default, with = "crate::serde_util::opt_duration_ms")]
    pub ttft: Option<Duration>,
    /// The prompt version used, when the request referenced one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<PromptVersionRef>,
    /// Cache outcome, when a cache is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<CacheOutcome>,
    /// Cost (`Unknown` until the cost layer prices it).
    #[serde(default)]
    pub cost: Cost,
    /// Where the usage figure came from.
    #[serde(default)]
    pub usage_source: UsageSource,
    /// Findings of the guards.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guard_findings: Vec<GuardFinding>,
    /// W3C trace id, when tracing is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// Which layer each applied parameter came from.
    #[serde(default, skip_serializing_if = "ParamSources::is_empty")]
    pub params: ParamSources,
    /// True when a scripted (test/offline) provider produced this: never real model output.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub scripted: bool,
    /// Layer-specific data, as in the record's `annotations` (the router's decisions under
    /// `"routing"`, say).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub annotations: std::collections::BTreeMap<String, serde_json::Value>,
}

/// A complete (non-streamed, or aggregated) chat response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChatResponse {
    /// The provider's response id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The assistant message (text and tool calls).
    pub message: Message,
    /// Why generation stopped.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<FinishReason>,
    /// Token usage as reported (or counted).
    #[serde(default)]
    pub usage: Usage,
    /// The provider's system fingerprint (OpenAI), for drift detection.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_fingerprint: Option<String>,
    /// How this response was produced.
    #[serde(default)]
    pub meta: ResponseMeta,
}

impl ChatResponse {
    /// A response with an assistant text.
    pub fn new(text: impl Into<String>) -> Self {
        ChatResponse {
            id: None,
            message: Message::assistant(text),
            finish_reason: Some(FinishReason::Stop),
            usage: Usage::default(),
            system_fingerprint: None,
            meta: ResponseMeta::default(),
        }
    }

    /// A response from an assistant message.
    pub fn from_message(message: Message) -> Self {
        ChatResponse {
            message,
            ..ChatResponse::new("")
        }
    }

    /// With usage.
    #[must_use]
    pub fn with_usage(mut self, usage: Usage) -> Self {
        self.usage = usage;
        self
    }

    /// With finish reason.
    #[must_use]
    pub fn with_finish(mut self, reason: FinishReason) -> Self {
        self.finish_reason = Some(reason);
        self
    }

    /// With tool calls (finish reason becomes `tool_calls`).
    #[must_use]
    pub fn with_tool_calls(mut self, calls: Vec<ToolCall>) -> Self {
        self.message.tool_calls = calls;
        self.finish_reason = Some(FinishReason::ToolCalls);
        self
    }

    /// The assistant's text.
    pub fn text(&self) -> String {
        self.message.text()
    }

    /// The tool calls the assistant made.
    pub fn tool_calls(&self) -> &[ToolCall] {
        &self.message.tool_calls
    }

    /// An empty assistant response (for aggregation).
    pub(crate) fn empty() -> Self {
        ChatResponse {
            message: Message::with_parts(Role::Assistant, Vec::new()),
            finish_reason: None,
            ..ChatResponse::new("")
        }
    }
}
