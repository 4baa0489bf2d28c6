//! [`RetrievalLayer`]: the pipeline's retrieval stage. For a request that asks for it
//! ([`ChatRequest::retrieve`](llmops_core::ChatRequest::retrieve)), it runs the retriever
//! with the caller's access scope, assembles the context under the token budget with
//! [`ContextBuilder`], and records the chunk ids the model saw on the exchange (request log)
//! and the trace.

use std::sync::Arc;

use llmops_core::trim::TrimPolicy;
use llmops_core::{
    ChatRequest, ClientBuilder, CoreStage, Exchange, Middleware, Next, Query, Reply, Result,
    Retriever, Role, TokenCounter, semconv,
};
use tracing::Instrument;

use crate::RagError;
use crate::context::ContextBuilder;

/// The retrieval stage. Requests without [`ChatRequest::retrieval`] pass untouched.
///
/// ```
/// use std::sync::Arc;
/// use llmops_core::{ChatRequest, Client, MemoryObserver, ScriptedProvider, Tiktoken};
/// use llmops_rag::{Collection, Document, RetrievalLayer};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let kb = Arc::new(Collection::builder().build()?);
/// kb.upsert(Document::new("kb/refunds", "Refunds take five business days.")).await?;
/// let records = MemoryObserver::new();
/// let client = RetrievalLayer::new(kb.lexical(), Arc::new(Tiktoken::for_model("gpt-4o")))
///     .install(Client::builder())
///     .provider(ScriptedProvider::new().reply("Five business days [kb/refunds#0]."))
///     .observer(records.clone())
///     .build()?;
/// client.chat(ChatRequest::new("scripted/x").user("How long do refunds take?").retrieve(3)).await?;
/// assert_eq!(records.records()[0].retrieved[0].id, "kb/refunds#0");
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// # }).unwrap();
/// ```
pub struct RetrievalLayer {
    retriever: Arc<dyn Retriever>,
    /// Counter, budget, policy and cache markers; each request fills in its own content.
    context: ContextBuilder,
}

impl std::fmt::Debug for RetrievalLayer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RetrievalLayer")
            .field("retriever", &self.retriever.name())
            .field("context", &self.context)
            .finish_non_exhaustive()
    }
}

impl RetrievalLayer {
    /// A layer retrieving with `retriever` and counting with `counter`.
    pub fn new(retriever: impl Retriever, counter: Arc<dyn TokenCounter>) -> Self {
        RetrievalLayer {
            retriever: Arc::new(retriever),
            context: ContextBuilder::new(counter),
        }
    }

    /// The prompt's token budget (system, history, chunks and question together).
    #[must_use]
    pub fn budget(mut self, tokens: usize) -> Self {
        self.context = self.context.budget(tokens);
        self
    }

    /// The trimming policy.
    #[must_use]
    pub fn policy(mut self, policy: TrimPolicy) -> Self {
        self.context = self.context.policy(policy);
        self
    }

    /// Whether to mark the static prefix for provider prompt caching (default on).
    #[must_use]
    pub fn cache_markers(mut self, on: bool) -> Self {
        self.context = self.context.cache_markers(on);
        self
    }

    /// Installs the layer at core's retrieval stage.
    pub fn install(self, builder: ClientBuilder) -> ClientBuilder {
        builder.core_layer(CoreStage::Retrieval, Arc::new(self))
    }

    async fn augment(&self, req: ChatRequest, q: Query, cx: &mut Exchange) -> Result<ChatRequest> {
        let last_is_user = req.messages.last().is_some_and(|m| m.role == Role::User);
        let Some(input) = req.last_user_text().filter(|_| last_is_user) else {
            return Err(RagError::invalid(
                "retrieval needs the request to end with a user message",
            )
            .into());
        };
        let q = if q.text.trim().is_empty() {
            let mut q = q;
            q.text = input.clone();
            q
        } else {
            q
        };
        let scope = req.caller.scope();
        let span = tracing::debug_span!(
            target: "llmops",
            "retrieval",
            otel.name = "retrieval",
            llmops.stage = "retrieval",
            llmops.retrieval.retriever = self.retriever.name(),
            llmops.retrieval.top_k = q.top_k as i64,
            llmops.retrieval.returned = tracing::field::Empty,
        );
        let chunks = self
            .retriever
            .retrieve(&q, &scope)
            .instrument(span.clone())
            .await?;
        span.record(semconv::LLMOPS_RETRIEVAL_RETURNED, chunks.len() as i64);
        let history = req
            .messages
            .iter()
            .take(req.messages.len().saturating_sub(1))
            .cloned();
        let assembled = self
            .context
            .clone()
            .history(history)
            .chunks(chunks)
            .input(input)
            .build()?;
        assembled.record(cx, self.retriever.name());
        let mut req = req;
        *req.messages_mut() = assembled.messages;
        Ok(req)
    }
}

#[async_trait::async_trait]
impl Middleware for RetrievalLayer {
    fn name(&self) -> &str {
        "retrieval"
    }

    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        match req.retrieval.clone() {
            None => next.run(req, cx).await,
            Some(q) => {
                let req = self.augment(req, q, cx).await?;
                next.run(req, cx).await
            }
        }
    }
}
