//! # llmops-core
//!
//! Every type and seam shared between the llmops layers, the providers, and the [`Client`]
//! that runs one request through a fixed pipeline of stages.
//!
//! ## Core concepts
//!
//! - [`ChatRequest`] → [`Client::chat`] / [`Client::chat_stream`] → [`ChatResponse`] /
//!   [`ResponseStream`].
//! - [`Provider`]: a model API ([`ScriptedProvider`], `OpenAi`, `Anthropic`, or yours).
//! - [`Middleware`] in named [`Stage`] slots, continuing with [`Next`]; [`Reply`] is the one
//!   path for full and streamed replies; [`StreamTap`]s pass, hold or cut stream events.
//! - [`Exchange`]: the per-request context; [`ExchangeRecord`]: exactly one per exchange, on
//!   every ending, handed to each [`Observer`].
//! - Seams of later layers: [`Embedder`], [`Retriever`], [`Guardrail`], [`Evaluator`], [`Tool`],
//!   [`ToolGate`], [`Approver`], [`AuditSink`], [`AlertSink`], [`Redactor`], [`TokenCounter`].
//! - [`Money`] and [`Cost`]: exact amounts, and unknown costs that are never a silent zero.
//! - [`semconv`]: every OpenTelemetry GenAI and `llmops.*` name.
//!
//! ```
//! use llmops_core::{Client, ChatRequest, MemoryObserver, ScriptedProvider};
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let records = MemoryObserver::new();
//! let client = Client::builder()
//!     .provider(ScriptedProvider::new().reply("4"))
//!     .observer(records.clone())
//!     .build()?;
//! let reply = client.chat(ChatRequest::new("scripted/calc").user("2+2?")).await?;
//! assert_eq!(reply.text(), "4");
//! assert_eq!(records.records()[0].outcome.as_str(), "completed");
//! # Ok::<(), llmops_core::Error>(())
//! # }).unwrap();
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings), allow(dead_code))))]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

pub mod alert;
pub mod approval;
pub mod audit;
#[cfg(feature = "cache")]
#[cfg_attr(docsrs, doc(cfg(feature = "cache")))]
pub mod cache;
mod client;
#[cfg(feature = "cost")]
#[cfg_attr(docsrs, doc(cfg(feature = "cost")))]
pub mod cost;
pub mod embed;
pub mod error;
pub mod eval;
pub mod exchange;
pub mod feedback;
pub mod guardrail;
pub mod money;
pub mod observer;
pub mod pipeline;
#[cfg(feature = "prompts")]
#[cfg_attr(docsrs, doc(cfg(feature = "prompts")))]
pub mod prompts;
pub mod provider;
pub mod redact;
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub mod redis;
pub mod retrieval;
#[cfg(feature = "routing")]
#[cfg_attr(docsrs, doc(cfg(feature = "routing")))]
pub mod routing;
pub mod semconv;
mod serde_util;
pub mod store_counters;
pub mod stream;
pub mod telemetry;
pub mod testing;
pub mod tokens;
pub mod tool;
#[cfg(feature = "tools")]
#[cfg_attr(docsrs, doc(cfg(feature = "tools")))]
pub mod tools;
pub mod trim;
pub mod types;

pub use alert::{Alert, AlertSink, Severity};
pub use approval::{
    ApprovalDecision, ApprovalInbox, ApprovalRequest, ApprovalResponder, ApprovalSubject, Approver,
    ChannelApprover, PendingApproval,
};
pub use async_trait::async_trait;
pub use audit::{AuditEvent, AuditSink};
pub use client::{Client, ClientBuilder, ResponseStream};
pub use embed::{Embedder, HashingEmbedder};
pub use error::{Error, ErrorClass, ProviderError, ProviderErrorKind, Result};
pub use eval::{EvalCase, EvalOutput, EvalRecord, EvaluationResult, Evaluator, Score};
pub use exchange::{
    AttemptOutcome, AttemptRecord, BATCH_ANNOTATION, CacheKind, CacheOutcome, Exchange,
    ExchangeRecord, Outcome, ResponseRecord,
};
pub use feedback::{Feedback, FeedbackValue};
pub use guardrail::{
    Finding, GuardFinding, GuardInput, GuardRefusal, Guardrail, TextSource, Verdict,
};
pub use money::{Cost, Money, Pricer};
pub use observer::{MemoryObserver, Observer};
pub use pipeline::{BoxFuture, CoreStage, Middleware, Next, Stage, from_fn};
#[cfg(feature = "anthropic")]
pub use provider::anthropic::Anthropic;
#[cfg(feature = "openai")]
pub use provider::openai::{NonUrgent, OpenAi, OpenAiBatch, OpenAiEmbedder};
pub use provider::{ApiKey, Capabilities, Deployment, ModelRegistry, Provider, ScriptedProvider};
pub use redact::{Redactor, SecretRedactor};
pub use retrieval::{Chunk, ChunkRef, Query, Retriever};
pub use store_counters::{StoreCounters, StoreCounts};
pub use stream::{Aggregator, ChatStream, Reply, StreamEvent, StreamTap, Tap};
pub use telemetry::SpanBridge;
pub use tokens::TokenCounter;
#[cfg(feature = "tokens")]
pub use tokens::{Encoding, RequestCounter, Tiktoken};
pub use tokens::{ModelFamily, TokenBound, TokenCount};
pub use tool::{GateDecision, Tool, ToolCallRecord, ToolCx, ToolGate};
#[cfg(feature = "tools")]
pub use tools::{LoopStop, ToolLoop, ToolLoopOutcome, Toolbox, TypedTool, tool_fn};
pub use trim::{TrimPolicy, TrimStep};
pub use types::*;
