//! [`ExchangeRecord`]: the one record core builds at the end of every exchange.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::error::ErrorClass;
use crate::guardrail::GuardFinding;
use crate::money::Cost;
use crate::retrieval::ChunkRef;
use crate::tool::ToolCallRecord;
use crate::types::{
    Caller, ChatRequest, FinishReason, ParamSources, PromptVersionRef, ToolCall, Usage, UsageSource,
};

/// The version of the [`ExchangeRecord`] schema (request-log lines carry it).
pub const RECORD_SCHEMA_VERSION: u32 = 1;

/// How an exchange ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// The reply was delivered in full.
    Completed,
    /// The exchange failed (before or during the reply).
    Failed {
        /// The error class.
        error: ErrorClass,
        /// The error message (secrets redacted).
        message: String,
    },
    /// The caller dropped the future before a reply.
    Cancelled,
    /// A stream tap cut the stream.
    StreamCut {
        /// The tap.
        tap: String,
        /// Why.
        reason: String,
    },
    /// The caller dropped the stream before its end.
    StreamDropped {
        /// Events delivered before the drop.
        events_delivered: u64,
    },
}

impl Outcome {
    /// `completed`, `failed`, `cancelled`, `stream_cut` or `stream_dropped`.
    pub fn as_str(&self) -> &'static str {
        match self {
            Outcome::Completed => "completed",
            Outcome::Failed { .. } => "failed",
            Outcome::Cancelled => "cancelled",
            Outcome::StreamCut { .. } => "stream_cut",
            Outcome::StreamDropped { .. } => "stream_dropped",
        }
    }

    /// Whether the reply was delivered in full.
    pub fn is_completed(&self) -> bool {
        matches!(self, Outcome::Completed)
    }
}

/// The outcome of one provider attempt.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
#[non_exhaustive]
pub enum AttemptOutcome {
    /// Still running (only seen while the exchange is open).
    Pending,
    /// The provider answered.
    Ok,
    /// The attempt failed.
    Failed {
        /// The class.
        error: ErrorClass,
        /// The message.
        message: String,
    },
    /// The attempt was abandoned (caller gone, stream dropped or cut).
    Abandoned,
}

/// One provider attempt of an exchange (the router makes several).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AttemptRecord {
    /// 1-based attempt number.
    pub attempt: u32,
    /// Provider name.
    pub provider: String,
    /// Deployment id.
    pub deployment: String,
    /// The provider-side model name.
    pub model: String,
    /// When the attempt started, from the start of the exchange.
    #[serde(with = "crate::serde_util::duration_ms")]
    pub offset: Duration,
    /// How long it ran (for streams: to the end of the stream).
    #[serde(with = "crate::serde_util::duration_ms")]
    pub latency: Duration,
    /// Time to first content token (streams).
    #[serde(default, with = "crate::serde_util::opt_duration_ms")]
    pub ttft: Option<Duration>,
    /// Usage of this attempt (failed attempts included when known).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub usage: Option<Usage>,
    /// Where `usage` came from.
    #[serde(default)]
    pub usage_source: UsageSource,
    /// How it ended.
    pub outcome: AttemptOutcome,
}

/// Cache kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheKind {
    /// Same request, byte for byte (normalised).
    Exact,
    /// A similar request by embedding.
    Semantic,
}

/// What the response cache did for an exchange.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "result", rename_all = "snake_case")]
#[non_exhaustive]
pub enum CacheOutcome {
    /// Served from cache.
    Hit {
        /// Exact or semantic.
        kind: CacheKind,
        /// Similarity of a semantic hit.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        similarity: Option<f32>,
    },
    /// Looked up, not found (the reply may be stored).
    Miss,
    /// Not looked up (streaming off, no-cache header, non-deterministic params ...).
    Bypass {
        /// Why.
        reason: String,
    },
}

/// What the caller received (or had received when the exchange ended).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ResponseRecord {
    /// Provider response id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The assistant's text.
    pub text: String,
    /// Tool calls made.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    /// Finish reason.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finish_reason: Option<FinishReason>,
    /// OpenAI's system fingerprint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system_fingerprint: Option<String>,
}

/// The record of one exchange: exactly one per `chat`/`chat_stream` call, on every ending.
///
/// This is the request-log line (with [`schema_version`](ExchangeRecord::schema_version)), the
/// input of the cost ledger, metrics, audit and online evaluation.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ExchangeRecord {
    /// [`RECORD_SCHEMA_VERSION`].
    pub schema_version: u32,
    /// Our request id.
    pub request_id: String,
    /// W3C trace id, when tracing is on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub trace_id: Option<String>,
    /// When the exchange started.
    pub started_at: DateTime<Utc>,
    /// `chat`.
    pub operation: std::borrow::Cow<'static, str>,
    /// Whether the caller asked for a stream.
    pub stream: bool,
    /// Who asked.
    pub caller: Arc<Caller>,
    /// The model reference the caller asked for.
    pub model_requested: String,
    /// The provider of the last attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider: Option<String>,
    /// The deployment of the last attempt.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deployment: Option<String>,
    /// The model the provider said answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_answered: Option<String>,
    /// The request as sent to the provider (after prompt rendering and input guards), or as
    /// entered when it never got that far.
    pub request: ChatRequest,
    /// What the caller received.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseRecord>,
    /// How it ended.
    pub outcome: Outcome,
    /// Usage over all attempts.
    pub usage: Usage,
    /// Where the usage came from (the weakest source of any attempt).
    pub usage_source: UsageSource,
    /// Every provider attempt.
    pub attempts: Vec<AttemptRecord>,
    /// Wall time of the exchange.
    #[serde(with = "crate::serde_util::duration_ms")]
    pub latency: Duration,
    /// Time to first token (streams).
    #[serde(default, with = "crate::serde_util::opt_duration_ms")]
    pub ttft: Option<Duration>,
    /// Time spent in provider attempts.
    #[serde(with = "crate::serde_util::duration_ms")]
    pub provider_time: Duration,
    /// Cost (unknown until priced).
    pub cost: Cost,
    /// The prompt version used.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prompt: Option<PromptVersionRef>,
    /// Cache outcome.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cache: Option<CacheOutcome>,
    /// Guard findings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub guard_findings: Vec<GuardFinding>,
    /// Retrieved chunks.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub retrieved: Vec<ChunkRef>,
    /// Tool calls executed, with their gate decisions.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCallRecord>,
    /// Where each applied parameter came from.
    #[serde(default, skip_serializing_if = "ParamSources::is_empty")]
    pub params: ParamSources,
    /// Produced by a scripted provider (not real model output).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub scripted: bool,
    /// Layer-specific data (`"budget": {...}`), for fields that have no typed home yet.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, Value>,
}

impl ExchangeRecord {
    /// Latency not spent in provider attempts: what the pipeline added.
    pub fn overhead(&self) -> Duration {
        self.latency.saturating_sub(self.provider_time)
    }
}
