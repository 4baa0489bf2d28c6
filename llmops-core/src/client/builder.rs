//! [`ClientBuilder`]: providers, deployments, middleware in named slots, observers, taps.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize};
use std::time::Duration;

use super::{Client, ClientInner, TapFactory};
use crate::observer::Observer;
use crate::pipeline::{CoreStage, Middleware, Stage};
use crate::provider::{Deployment, ModelRegistry, Provider};
use crate::stream::StreamTap;
use crate::telemetry::SpanBridge;
use crate::types::Params;
use crate::{Error, Result};

/// Builds a [`Client`]. Configuration errors (duplicate provider names, a deployment naming an
/// unknown provider, an alias loop, no provider) surface from [`build`](ClientBuilder::build).
///
/// ```
/// use llmops_core::{Client, Deployment, MemoryObserver, ScriptedProvider, Stage, from_fn};
/// let log = MemoryObserver::new();
/// let client = Client::builder()
///     .provider(ScriptedProvider::named("local").repeat("ok"))
///     .deployment(Deployment::new("prod-chat", "local", "llama-3.1-8b"))
///     .alias("default", "prod-chat")
///     .layer_at(Stage::BeforeProvider, from_fn(|req, cx, next| Box::pin(next.run(req, cx))))
///     .observer(log.clone())
///     .build()
///     .unwrap();
/// # let _ = client;
/// ```
#[derive(Default)]
pub struct ClientBuilder {
    registry: ModelRegistry,
    errors: Vec<Error>,
    user: Vec<(Stage, Arc<dyn Middleware>)>,
    core: Vec<(CoreStage, Arc<dyn Middleware>)>,
    observers: Vec<Arc<dyn Observer>>,
    taps: Vec<TapFactory>,
    defaults: Params,
    timeout: Option<Duration>,
    shutdown_timeout: Option<Duration>,
    bridge: Option<Arc<dyn SpanBridge>>,
    pricer: Option<Arc<dyn crate::Pricer>>,
}

impl std::fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("registry", &self.registry)
            .field("middleware", &(self.user.len() + self.core.len()))
            .field("observers", &self.observers.len())
            .finish_non_exhaustive()
    }
}

impl ClientBuilder {
    /// Registers a provider under its [`name`](Provider::name).
    #[must_use]
    pub fn provider(self, p: impl Provider) -> Self {
        self.provider_arc(Arc::new(p))
    }

    /// Registers a shared provider.
    #[must_use]
    pub fn provider_arc(mut self, p: Arc<dyn Provider>) -> Self {
        if let Err(e) = self.registry.add_provider(p) {
            self.errors.push(e);
        }
        self
    }

    /// Registers a deployment (a named provider + model + overrides).
    #[must_use]
    pub fn deployment(mut self, d: Deployment) -> Self {
        if let Err(e) = self.registry.add_deployment(d) {
            self.errors.push(e);
        }
        self
    }

    /// Registers an alias (`"fast"` → `"openai/gpt-4.1-mini"`).
    #[must_use]
    pub fn alias(mut self, alias: impl Into<String>, target: impl Into<String>) -> Self {
        self.registry.add_alias(alias, target);
        self
    }

    /// Puts a middleware into a named slot. Within a slot, the first added runs first.
    #[must_use]
    pub fn layer_at(self, stage: Stage, m: impl Middleware) -> Self {
        self.layer_arc_at(stage, Arc::new(m))
    }

    /// Puts a shared middleware into a named slot.
    #[must_use]
    pub fn layer_arc_at(mut self, stage: Stage, m: Arc<dyn Middleware>) -> Self {
        self.user.push((stage, m));
        self
    }

    /// Installs a layer's own middleware at its core stage (used by the prompt, retrieval,
    /// guard, budget, cache and routing layers).
    #[must_use]
    pub fn core_layer(mut self, stage: CoreStage, m: Arc<dyn Middleware>) -> Self {
        self.core.push((stage, m));
        self
    }

    /// Adds an observer: it receives one [`ExchangeRecord`](crate::ExchangeRecord) per exchange.
    #[must_use]
    pub fn observer(self, o: impl Observer) -> Self {
        self.observer_arc(Arc::new(o))
    }

    /// Adds a shared observer.
    #[must_use]
    pub fn observer_arc(mut self, o: Arc<dyn Observer>) -> Self {
        self.observers.push(o);
        self
    }

    /// Adds a stream tap made fresh for every exchange (it sees full replies too).
    #[must_use]
    pub fn stream_tap<T, F>(mut self, make: F) -> Self
    where
        T: StreamTap,
        F: Fn() -> T + Send + Sync + 'static,
    {
        self.taps
            .push(Arc::new(move || Box::new(make()) as Box<dyn StreamTap>));
        self
    }

    /// Client-wide default parameters (lowest precedence).
    #[must_use]
    pub fn default_params(mut self, p: Params) -> Self {
        self.defaults = p;
        self
    }

    /// Connects core's spans to a richer tracing backend (llmops-trace's OpenTelemetry
    /// bridge): trace ids in records, `traceparent` on provider calls, attributes beyond
    /// `tracing`'s 32 fields, feedback on the exchange's trace. One bridge per client.
    #[must_use]
    pub fn span_bridge(mut self, b: impl SpanBridge) -> Self {
        self.bridge = Some(Arc::new(b));
        self
    }

    /// Prices every exchange in core's finaliser (see [`Pricer`](crate::Pricer)): the record,
    /// the response metadata, spans and every observer see the cost.
    #[must_use]
    pub fn pricer(mut self, p: Arc<dyn crate::Pricer>) -> Self {
        self.pricer = Some(p);
        self
    }

    /// A deadline for every request that sets none.
    #[must_use]
    pub fn timeout(mut self, d: Duration) -> Self {
        self.timeout = Some(d);
        self
    }

    /// How long [`Client::shutdown`] waits for exchanges in flight (default 30 s).
    #[must_use]
    pub fn shutdown_timeout(mut self, d: Duration) -> Self {
        self.shutdown_timeout = Some(d);
        self
    }

    /// Freezes the configuration into a client.
    pub fn build(mut self) -> Result<Client> {
        if let Some(e) = self.errors.drain(..).next() {
            return Err(e);
        }
        self.registry.validate()?;
        let mut chain: Vec<Arc<dyn Middleware>> =
            Vec::with_capacity(self.user.len() + self.core.len());
        for stage in Stage::ALL {
            chain.extend(
                self.user
                    .iter()
                    .filter(|(s, _)| *s == stage)
                    .map(|(_, m)| m.clone()),
            );
            if let Some(core) = stage.core_after() {
                chain.extend(
                    self.core
                        .iter()
                        .filter(|(s, _)| *s == core)
                        .map(|(_, m)| m.clone()),
                );
            }
        }
        Ok(Client {
            inner: Arc::new(ClientInner {
                registry: self.registry,
                chain: chain.into_boxed_slice(),
                observers: self.observers.into_boxed_slice(),
                taps: self.taps.into_boxed_slice(),
                defaults: self.defaults,
                timeout: self.timeout,
                shutdown_timeout: self.shutdown_timeout.unwrap_or(Duration::from_secs(30)),
                inflight: AtomicUsize::new(0),
                idle: tokio::sync::Notify::new(),
                closed: AtomicBool::new(false),
                observer_panics: AtomicU64::new(0),
                resolved: Default::default(),
                bridge: self.bridge,
                pricer: self.pricer,
            }),
        })
    }
}
