//! The exchange pipeline: fixed stages, named slots for user [`Middleware`], and [`Next`].
//!
//! # Ordering
//!
//! Core fixes the order of the stages, so it never differs between users. User middleware goes
//! into a named slot with [`ClientBuilder::layer_at`](crate::ClientBuilder::layer_at): a
//! middleware in [`Stage::BeforeCache`] runs after the budget stage and before the cache.
//! Within one slot, middleware added first runs first (sees the request first, the reply last).
//!
//! ```text
//!  client.chat(req)
//!    │ enter: Exchange created, request span opened (core)
//!    ▼
//!  ┌ BeforePrompt ─ prompt ─ BeforeRetrieval ─ retrieval ─ BeforeGuard ─ guard-in ─┐
//!  └ BeforeBudget ─ budget ─ BeforeCache ─ cache ─ BeforeRouter ─ router ──────────┘
//!    │  the router runs the rest once per attempt (Next is Copy):
//!    ▼
//!  BeforeProvider ─ provider call (core: resolve deployment, params, attempt record)
//!    │
//!    ▲ Reply::Full | Reply::Stream flows back through the same layers
//!  stream taps (pass / hold / cut) ─ finish: exactly one ExchangeRecord → observers (core)
//! ```
//!
//! Middleware changes the request on the way in and the reply on the way out. It does not
//! settle anything after `next` returns: a dropped future or stream skips that code. Settling
//! belongs to core's finaliser, which hands every [`Observer`](crate::Observer) one record.

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use crate::Result;
use crate::client::ClientInner;
use crate::exchange::Exchange;
use crate::provider::{Deployment, ModelRegistry};
use crate::stream::Reply;
use crate::types::ChatRequest;

/// A boxed `Send` future, what [`Middleware::handle`] returns.
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// The slots where user middleware can be placed, in pipeline order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Stage {
    /// Outermost: before the prompt is resolved (sees the request as the caller made it).
    BeforePrompt,
    /// After the prompt is rendered, before retrieval.
    BeforeRetrieval,
    /// Before the input guards.
    BeforeGuard,
    /// Before the budget reservation.
    BeforeBudget,
    /// Before the cache lookup.
    BeforeCache,
    /// Before the router picks a deployment (runs once per exchange).
    BeforeRouter,
    /// Innermost: right before the provider call; runs once per attempt.
    BeforeProvider,
}

/// The stages core's own layers occupy. Layer crates install their middleware here with
/// [`ClientBuilder::core_layer`](crate::ClientBuilder::core_layer).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum CoreStage {
    /// Prompt resolution and rendering.
    Prompt,
    /// Retrieval.
    Retrieval,
    /// Input guards.
    Guard,
    /// Budget reservation.
    Budget,
    /// Response cache.
    Cache,
    /// Router: deployment choice, retries, fallback, rate limits.
    Router,
}

impl Stage {
    /// All slots in pipeline order.
    pub const ALL: [Stage; 7] = [
        Stage::BeforePrompt,
        Stage::BeforeRetrieval,
        Stage::BeforeGuard,
        Stage::BeforeBudget,
        Stage::BeforeCache,
        Stage::BeforeRouter,
        Stage::BeforeProvider,
    ];

    /// The core stage that follows this slot (none after `BeforeProvider`).
    pub fn core_after(self) -> Option<CoreStage> {
        match self {
            Stage::BeforePrompt => Some(CoreStage::Prompt),
            Stage::BeforeRetrieval => Some(CoreStage::Retrieval),
            Stage::BeforeGuard => Some(CoreStage::Guard),
            Stage::BeforeBudget => Some(CoreStage::Budget),
            Stage::BeforeCache => Some(CoreStage::Cache),
            Stage::BeforeRouter => Some(CoreStage::Router),
            Stage::BeforeProvider => None,
        }
    }
}

/// A step of the pipeline: sees the request on the way in and the reply on the way out.
///
/// ```
/// use llmops_core::{async_trait, ChatRequest, Exchange, Middleware, Next, Reply, Result};
///
/// /// Tags every request with a feature name unless the caller set one.
/// struct DefaultFeature(&'static str);
///
/// #[async_trait]
/// impl Middleware for DefaultFeature {
///     async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
///         let req = if req.caller.feature.is_none() { req.feature(self.0) } else { req };
///         next.run(req, cx).await
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Middleware: Send + Sync + 'static {
    /// A short name for errors and traces.
    fn name(&self) -> &str {
        std::any::type_name::<Self>()
    }
    /// Handles one request: call `next.run(req, cx)` to continue, or return a reply yourself.
    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply>;

    /// The deployments this middleware would send `req` to, in the order it would try them,
    /// when it is the one that chooses (a router: the route its rules pick and the
    /// fallbacks). Stages before it look past a route name through [`Next::candidates`]: the
    /// budget stage prices a request's upper bound on the dearest of them. `Some(Err(_))`:
    /// the request cannot be routed (this middleware will refuse it). The default, `None`:
    /// this middleware does not choose deployments.
    fn candidates(
        &self,
        req: &ChatRequest,
        cx: &Exchange,
        models: &ModelRegistry,
    ) -> Option<Result<Vec<Arc<Deployment>>>> {
        let _ = (req, cx, models);
        None
    }
}

#[async_trait::async_trait]
impl<T: Middleware + ?Sized> Middleware for Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        (**self).handle(req, cx, next).await
    }
    fn candidates(
        &self,
        req: &ChatRequest,
        cx: &Exchange,
        models: &ModelRegistry,
    ) -> Option<Result<Vec<Arc<Deployment>>>> {
        (**self).candidates(req, cx, models)
    }
}

#[async_trait::async_trait]
impl<T: Middleware + ?Sized> Middleware for Box<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        (**self).handle(req, cx, next).await
    }
    fn candidates(
        &self,
        req: &ChatRequest,
        cx: &Exchange,
        models: &ModelRegistry,
    ) -> Option<Result<Vec<Arc<Deployment>>>> {
        (**self).candidates(req, cx, models)
    }
}

/// The rest of the pipeline. `Copy`: a router calls [`Next::run`] once per attempt.
#[derive(Clone, Copy)]
pub struct Next<'a> {
    chain: &'a [Arc<dyn Middleware>],
    client: &'a ClientInner,
}

impl std::fmt::Debug for Next<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Next")
            .field("remaining", &self.chain.len())
            .finish()
    }
}

impl<'a> Next<'a> {
    pub(crate) fn new(chain: &'a [Arc<dyn Middleware>], client: &'a ClientInner) -> Self {
        Next { chain, client }
    }

    /// Runs the rest of the pipeline: the next middleware, or the provider call.
    pub async fn run(self, req: ChatRequest, cx: &mut Exchange) -> Result<Reply> {
        match self.chain.split_first() {
            Some((head, rest)) => {
                head.handle(
                    req,
                    cx,
                    Next {
                        chain: rest,
                        client: self.client,
                    },
                )
                .await
            }
            None => self.client.call_provider(req, cx).await,
        }
    }

    /// The deployments the rest of the pipeline would send `req` to, asked of the first
    /// remaining middleware that chooses them (see [`Middleware::candidates`]); `None` when
    /// none does (the request's model is resolved by the client alone).
    pub fn candidates(
        &self,
        req: &ChatRequest,
        cx: &Exchange,
    ) -> Option<Result<Vec<Arc<Deployment>>>> {
        self.chain
            .iter()
            .find_map(|m| m.candidates(req, cx, &self.client.registry))
    }

    /// The providers, deployments and aliases of the client running this pipeline (a router
    /// resolves its deployment groups here).
    pub fn models(&self) -> &'a crate::provider::ModelRegistry {
        &self.client.registry
    }

    /// How many middlewares remain before the provider call.
    pub fn remaining(&self) -> usize {
        self.chain.len()
    }
}

/// A middleware made from a closure that returns a boxed future.
///
/// ```
/// use llmops_core::{from_fn, Client, ChatRequest, Stage, ScriptedProvider};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let client = Client::builder()
///     .provider(ScriptedProvider::new().reply("hi"))
///     .layer_at(Stage::BeforeProvider, from_fn(|req, cx, next| Box::pin(async move {
///         // runs once per attempt, right before the provider
///         next.run(req, cx).await
///     })))
///     .build()
///     .unwrap();
/// let r = client.chat(ChatRequest::new("scripted/any").user("x")).await.unwrap();
/// assert_eq!(r.text(), "hi");
/// # });
/// ```
pub fn from_fn<F>(f: F) -> FromFn<F>
where
    F: for<'a> Fn(ChatRequest, &'a mut Exchange, Next<'a>) -> BoxFuture<'a, Result<Reply>>
        + Send
        + Sync
        + 'static,
{
    FromFn(f)
}

/// See [`from_fn`].
#[derive(Clone)]
pub struct FromFn<F>(F);

impl<F> std::fmt::Debug for FromFn<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("FromFn")
    }
}

#[async_trait::async_trait]
impl<F> Middleware for FromFn<F>
where
    F: for<'a> Fn(ChatRequest, &'a mut Exchange, Next<'a>) -> BoxFuture<'a, Result<Reply>>
        + Send
        + Sync
        + 'static,
{
    fn name(&self) -> &str {
        "from_fn"
    }
    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        (self.0)(req, cx, next).await
    }
}
