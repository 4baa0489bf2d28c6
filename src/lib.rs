//! # llmops
//!
//! The operations layer of a production LLM application, embedded in your Rust service: one
//! dependency, no extra service. Every layer is a cargo feature; you customise it by
//! implementing traits.
//!
//! ## Concepts
//!
//! - [`Client`] runs each request through a fixed pipeline of stages (prompt, retrieval,
//!   guard, budget, cache, router, provider). Your [`Middleware`] goes into named [`Stage`]
//!   slots; [`Next`] continues the chain and can be re-run per attempt.
//! - [`Provider`]s talk to models: [`ScriptedProvider`] (offline), `OpenAi` (any
//!   OpenAI-compatible server) and `Anthropic`.
//! - [`Reply`] is one path for full and streamed replies; [`StreamTap`]s pass, hold or cut
//!   stream events before the caller sees them.
//! - Core builds exactly one [`ExchangeRecord`] per exchange on every ending (completed,
//!   failed, cancelled, cut, dropped) and hands it to each [`Observer`].
//! - Seams for the other layers: [`Embedder`], [`Retriever`], [`Guardrail`], [`Evaluator`],
//!   [`Tool`], [`ToolGate`], [`Approver`], [`AuditSink`], [`AlertSink`], [`Redactor`],
//!   [`TokenCounter`]; exact [`Money`] and [`Cost`]; [`semconv`] names.
//!
//! ```
//! use llmops::{ChatRequest, Client, MemoryObserver, ScriptedProvider, Stage, from_fn};
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let records = MemoryObserver::new();
//! let client = Client::builder()
//!     .provider(ScriptedProvider::new().reply("Paris."))
//!     .layer_at(Stage::BeforeProvider, from_fn(|req, cx, next| Box::pin(next.run(req, cx))))
//!     .observer(records.clone())
//!     .build()?;
//! let reply = client.chat(ChatRequest::new("scripted/demo").user("Capital of France?").tenant("acme")).await?;
//! assert_eq!(reply.text(), "Paris.");
//! assert_eq!(records.records()[0].caller.tenant.as_deref(), Some("acme"));
//! # Ok::<(), llmops::Error>(())
//! # }).unwrap();
//! ```
//!
//! Guides: `docs/pipeline.md` (lifecycle, writing middleware, observers, taps, providers),
//! `docs/providers.md` (addressing, deployments, errors), `docs/benchmarks.md`.
//!
//! ## Feature flags
#![doc = document_features::document_features!()]
#![deny(missing_docs)]
#![forbid(unsafe_code)]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![doc(test(attr(deny(warnings), allow(dead_code))))]

#[doc(inline)]
pub use llmops_core::*;

/// Observability and governance: spans, metrics, request log, audit trail, alerts.
#[cfg(feature = "trace")]
#[cfg_attr(docsrs, doc(cfg(feature = "trace")))]
pub mod trace {
    pub use llmops_trace::*;
}

/// Evaluation: datasets and suites, promptfoo-compatible assertions, judges, runner, reports,
/// regression gates, online evaluation (guide: `docs/eval.md`).
#[cfg(feature = "eval")]
#[cfg_attr(docsrs, doc(cfg(feature = "eval")))]
pub mod eval {
    pub use llmops_eval::*;
}

/// Guardrails and tool policy.
#[cfg(feature = "guard")]
#[cfg_attr(docsrs, doc(cfg(feature = "guard")))]
pub mod guard {
    pub use llmops_guard::*;
}

/// RAG operations: chunking, indexes, retrieval, retrieval metrics.
#[cfg(feature = "rag")]
#[cfg_attr(docsrs, doc(cfg(feature = "rag")))]
pub mod rag {
    pub use llmops_rag::*;
}

/// Crates our public API exposes, so user code needs no extra dependency.
#[doc(hidden)]
pub mod reexports {
    pub use async_trait;
}

#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

#[doc = include_str!("../docs/pipeline.md")]
#[cfg(doctest)]
pub struct PipelineDoctests;

#[cfg(all(doctest, feature = "otlp"))]
#[doc = include_str!("../docs/observability.md")]
pub struct ObservabilityDoctests;
