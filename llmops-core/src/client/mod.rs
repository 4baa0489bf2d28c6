//! [`Client`]: the entry point. `chat` and `chat_stream` run the exchange pipeline.

mod builder;
mod finalise;
mod reply_stream;
mod span;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use tracing::Instrument;

pub use builder::ClientBuilder;
pub use reply_stream::ResponseStream;

use finalise::ExchangeGuard;

use crate::exchange::{AttemptOutcome, AttemptRecord, Exchange};
use crate::observer::Observer;
use crate::pipeline::{Middleware, Next};
use crate::provider::ModelRegistry;
use crate::stream::{Reply, StreamTap};
use crate::types::{ChatRequest, ChatResponse, Params, UsageSource};
use crate::{Error, Result};

pub(crate) type TapFactory = Arc<dyn Fn() -> Box<dyn StreamTap> + Send + Sync>;

/// A new request id (UUID v7: time-ordered).
pub(crate) fn new_request_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

pub(crate) struct ClientInner {
    pub(crate) registry: ModelRegistry,
    pub(crate) chain: Box<[Arc<dyn Middleware>]>,
    pub(crate) observers: Box<[Arc<dyn Observer>]>,
    pub(crate) taps: Box<[TapFactory]>,
    pub(crate) defaults: Params,
    pub(crate) timeout: Option<Duration>,
    pub(crate) shutdown_timeout: Duration,
    pub(crate) inflight: AtomicUsize,
    pub(crate) idle: tokio::sync::Notify,
    pub(crate) closed: AtomicBool,
    pub(crate) observer_panics: AtomicU64,
    /// Model references already resolved (read lock-free on the hot path).
    pub(crate) resolved:
        arc_swap::ArcSwap<std::collections::HashMap<String, Arc<crate::Deployment>>>,
    pub(crate) bridge: Option<Arc<dyn crate::SpanBridge>>,
    pub(crate) pricer: Option<Arc<dyn crate::Pricer>>,
}

/// Resolved references kept per client; beyond this, references resolve without caching.
const RESOLVED_MAX: usize = 4096;

/// The llmops client: cheap to clone (one `Arc`), `Send + Sync`, no global state.
///
/// ```
/// use llmops_core::{Client, ChatRequest, ScriptedProvider};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let client = Client::builder()
///     .provider(ScriptedProvider::new().reply("Paris."))
///     .build()?;
/// let reply = client.chat(ChatRequest::new("scripted/demo").user("Capital of France?").tenant("acme")).await?;
/// assert_eq!(reply.text(), "Paris.");
/// assert_eq!(reply.meta.provider, "scripted");
/// # Ok::<(), llmops_core::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<ClientInner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("registry", &self.inner.registry)
            .field("middleware", &self.inner.chain.len())
            .field("observers", &self.inner.observers.len())
            .field("in_flight", &self.in_flight())
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// Sends a request and waits for the whole reply.
    ///
    /// If the provider streams anyway (or a stream tap is set), the stream is read to its end
    /// through the same taps as [`chat_stream`](Client::chat_stream).
    pub async fn chat(&self, req: ChatRequest) -> Result<ChatResponse> {
        self.chat_with(req, |_| {}).await
    }

    /// [`chat`](Client::chat), with `prepare` run on the new exchange before any stage, so
    /// whatever it sets lands in the exchange's record on every ending (the tool loop records
    /// the previous turn's tool calls this way).
    pub(crate) async fn chat_with(
        &self,
        mut req: ChatRequest,
        prepare: impl FnOnce(&mut Exchange),
    ) -> Result<ChatResponse> {
        req.stream = false;
        let mut guard = self.begin(&req, prepare)?;
        let span = guard.span.clone();
        let reply = self.run(req, &mut guard).instrument(span.clone()).await;
        match reply {
            Err(e) => {
                guard.fail(&e);
                Err(e)
            }
            Ok(Reply::Full(r)) if self.inner.taps.is_empty() && !has_taps(&guard.ex) => {
                Ok(guard.complete_full(r))
            }
            Ok(reply) => {
                let taps = self.taps_for(&guard.ex);
                ResponseStream::new(reply.into_stream(), guard, taps, true)
                    .into_response()
                    .instrument(span)
                    .await
            }
        }
    }

    /// Sends a request and returns the reply as a stream of events (text deltas, tool-call
    /// deltas, usage, finish). A provider that cannot stream answers in full and the reply is
    /// turned into events.
    pub async fn chat_stream(&self, mut req: ChatRequest) -> Result<ResponseStream> {
        req.stream = true;
        let mut guard = self.begin(&req, |_| {})?;
        let span = guard.span.clone();
        match self.run(req, &mut guard).instrument(span).await {
            Err(e) => {
                guard.fail(&e);
                Err(e)
            }
            Ok(reply) => {
                let taps = self.taps_for(&guard.ex);
                Ok(ResponseStream::new(reply.into_stream(), guard, taps, false))
            }
        }
    }

    /// Waits until every observer has processed what it received (request log written ...).
    pub async fn flush(&self) -> Result<()> {
        for o in self.inner.observers.iter() {
            o.flush().await?;
        }
        Ok(())
    }

    /// Refuses new requests, waits for exchanges in flight (streams included) up to the
    /// builder's shutdown timeout, then flushes and shuts down every observer.
    ///
    /// Returns an error naming how many exchanges were still in flight if the wait timed out
    /// (observers are shut down all the same).
    pub async fn shutdown(&self) -> Result<()> {
        self.inner.closed.store(true, Ordering::SeqCst);
        let waited = tokio::time::timeout(self.inner.shutdown_timeout, async {
            loop {
                let notified = self.inner.idle.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if self.inner.inflight.load(Ordering::Acquire) == 0 {
                    break;
                }
                notified.await;
            }
        })
        .await;
        let mut first_err = None;
        for o in self.inner.observers.iter() {
            if let Err(e) = o.shutdown().await {
                first_err.get_or_insert(e);
            }
        }
        if waited.is_err() {
            return Err(Error::extension(
                "client",
                format!(
                    "{} exchanges still in flight after {:?}",
                    self.in_flight(),
                    self.inner.shutdown_timeout
                ),
            ));
        }
        first_err.map_or(Ok(()), Err)
    }

    /// Attaches user feedback (a score or a label, and a comment) to an earlier exchange by its
    /// request id: every observer receives it (the request log stores it beside the exchange,
    /// the metrics count it, the OpenTelemetry bridge adds it to the exchange's trace).
    ///
    /// A bad value (empty id or label, a non-finite score, an over-long comment) is a typed
    /// error and reaches no observer.
    ///
    /// ```
    /// use llmops_core::{Client, ChatRequest, ScriptedProvider};
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let client = Client::builder().provider(ScriptedProvider::new().reply("42")).build()?;
    /// let reply = client.chat(ChatRequest::new("scripted/m").user("6 x 7?")).await?;
    /// let fb = client.feedback(&reply.meta.request_id, 1.0, Some("correct"))?;
    /// assert_eq!(fb.score(), Some(1.0));
    /// assert!(client.feedback(&reply.meta.request_id, f64::NAN, None).is_err());
    /// # Ok::<(), llmops_core::Error>(())
    /// # }).unwrap();
    /// ```
    pub fn feedback(
        &self,
        request_id: &str,
        value: impl Into<crate::FeedbackValue>,
        comment: Option<&str>,
    ) -> Result<crate::Feedback> {
        let fb = crate::Feedback::new(request_id, value, comment)?;
        tracing::info!(
            target: "llmops",
            { llmops.request_id = %fb.request_id, llmops.feedback.score = fb.score(), llmops.feedback.label = fb.label() },
            "feedback"
        );
        if let Some(b) = &self.inner.bridge
            && std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| b.on_feedback(&fb)))
                .is_err()
        {
            self.inner.observer_panics.fetch_add(1, Ordering::Relaxed);
        }
        for o in self.inner.observers.iter() {
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| o.on_feedback(&fb)))
                .is_err()
            {
                self.inner.observer_panics.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(fb)
    }

    /// Records an evaluation of an earlier exchange (an online evaluator's score, an offline
    /// run's verdict): validated, then handed to the span bridge (the `gen_ai.evaluation.result`
    /// event on the exchange's trace) and to every observer's `on_evaluation`.
    ///
    /// ```
    /// use llmops_core::{ChatRequest, Client, EvaluationResult, ScriptedProvider, Score};
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let client = Client::builder().provider(ScriptedProvider::new().reply("Paris.")).build().unwrap();
    /// let r = client.chat(ChatRequest::new("scripted/m").user("Capital of France?")).await.unwrap();
    /// let ev = EvaluationResult::from_score(&r.meta.request_id, "equals", &Score::binary(true, "matched"));
    /// client.record_evaluation(ev).unwrap();
    /// assert!(client.record_evaluation(EvaluationResult::new("", "equals")).is_err());
    /// # });
    /// ```
    pub fn record_evaluation(&self, result: crate::EvaluationResult) -> Result<()> {
        result.validate()?;
        tracing::info!(
            target: "llmops",
            { llmops.request_id = %result.request_id, gen_ai.evaluation.name = %result.name, gen_ai.evaluation.score.value = result.score, gen_ai.evaluation.score.label = result.label.as_deref() },
            "evaluation"
        );
        if let Some(b) = &self.inner.bridge
            && std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| b.on_evaluation(&result)))
                .is_err()
        {
            self.inner.observer_panics.fetch_add(1, Ordering::Relaxed);
        }
        for o in self.inner.observers.iter() {
            if std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| o.on_evaluation(&result)))
                .is_err()
            {
                self.inner.observer_panics.fetch_add(1, Ordering::Relaxed);
            }
        }
        Ok(())
    }

    /// Exchanges begun and not yet recorded.
    pub fn in_flight(&self) -> usize {
        self.inner.inflight.load(Ordering::Acquire)
    }

    /// How many times an observer panicked in `on_finish` (each panic skipped that observer
    /// for that record only).
    pub fn observer_panics(&self) -> u64 {
        self.inner.observer_panics.load(Ordering::Relaxed)
    }

    /// The providers, deployments and aliases this client knows.
    pub fn models(&self) -> &ModelRegistry {
        &self.inner.registry
    }

    fn begin(
        &self,
        req: &ChatRequest,
        prepare: impl FnOnce(&mut Exchange),
    ) -> Result<ExchangeGuard> {
        let id = new_request_id();
        let span = span::request_span(&req.model, &id);
        let mut ex = Exchange::new(id, req.caller.clone(), req.model.clone(), req.stream);
        ex.set_deadline(req.timeout.or(self.inner.timeout));
        prepare(&mut ex);
        if let Some(b) = &self.inner.bridge
            && !span.is_disabled()
        {
            ex.trace_id = b.trace_id(&span);
            ex.bridge = Some(b.clone());
        }
        let mut guard = ExchangeGuard::new(ex, self.inner.clone(), req.clone(), span);
        if self.inner.closed.load(Ordering::Acquire) {
            guard.fail(&Error::Shutdown);
            return Err(Error::Shutdown);
        }
        if let Err(e) = req.validate() {
            guard.fail(&e);
            return Err(e);
        }
        Ok(guard)
    }

    async fn run(&self, req: ChatRequest, guard: &mut ExchangeGuard) -> Result<Reply> {
        let next = Next::new(&self.inner.chain, &self.inner);
        match guard.ex.remaining() {
            None => next.run(req, &mut guard.ex).await,
            Some(left) => {
                let total = guard
                    .ex
                    .deadline()
                    .map(|d| d.saturating_duration_since(guard.ex.started()));
                match tokio::time::timeout(left, next.run(req, &mut guard.ex)).await {
                    Ok(r) => r,
                    Err(_) => Err(Error::Deadline(total.unwrap_or(left))),
                }
            }
        }
    }

    fn taps_for(&self, ex: &Exchange) -> Vec<Box<dyn StreamTap>> {
        let mut taps: Vec<Box<dyn StreamTap>> = self.inner.taps.iter().map(|f| f()).collect();
        taps.extend(ex.take_taps());
        taps
    }
}

fn has_taps(ex: &Exchange) -> bool {
    match ex.taps.lock() {
        Ok(t) => !t.is_empty(),
        Err(p) => !p.into_inner().is_empty(),
    }
}

impl ClientInner {
    fn resolve(&self, reference: &str) -> Result<Arc<crate::Deployment>> {
        if let Some(d) = self.resolved.load().get(reference) {
            return Ok(d.clone());
        }
        let d = self.registry.resolve(reference)?;
        if self.resolved.load().len() < RESOLVED_MAX {
            self.resolved.rcu(|m| {
                let mut m = std::collections::HashMap::clone(m);
                m.insert(reference.to_owned(), d.clone());
                m
            });
        }
        Ok(d)
    }

    /// The end of the chain: resolve the deployment and parameters, record the attempt, call
    /// the provider.
    pub(crate) async fn call_provider(
        &self,
        mut req: ChatRequest,
        cx: &mut Exchange,
    ) -> Result<Reply> {
        if let Some(p) = &req.prompt
            && cx.prompt.is_none()
        {
            return Err(Error::invalid(format!(
                "the request references prompt `{}` but no prompt layer resolved it (enable the `prompts` feature and add a registry)",
                p.reference
            )));
        }
        let dep = match &cx.deployment {
            Some(d) => d.clone(),
            None => self.resolve(&req.model)?,
        };
        let provider = self
            .registry
            .provider(&dep.provider)
            .ok_or_else(|| Error::config(format!("provider `{}` is not registered", dep.provider)))?
            .clone();

        let has_dep_params = dep.params != Params::default();
        if has_dep_params || cx.prompt_params.is_some() || self.defaults != Params::default() {
            let defaults = if has_dep_params {
                Params::resolve(&dep.params, None, &self.defaults).0
            } else {
                self.defaults.clone()
            };
            let (p, sources) = Params::resolve(&req.params, cx.prompt_params.as_ref(), &defaults);
            req.params = p;
            cx.params = sources;
        } else if cx.params.is_empty() {
            let (_, sources) = Params::resolve(&req.params, None, &self.defaults);
            cx.params = sources;
        }
        if req.model != dep.model {
            req.model.clone_from(&dep.model);
        }
        cx.deployment = Some(dep.clone());
        cx.scripted |= provider.is_scripted();
        let attempt = cx.attempt() + 1;
        cx.attempts.push(AttemptRecord {
            attempt,
            provider: provider.name().to_owned(),
            deployment: dep.id.clone(),
            model: dep.model.clone(),
            offset: cx.elapsed(),
            latency: Duration::ZERO,
            ttft: None,
            usage: None,
            usage_source: UsageSource::Missing,
            outcome: AttemptOutcome::Pending,
        });
        let t0 = Instant::now();
        let span = span::attempt_span(provider.name(), &dep.model, attempt);
        if !span.is_disabled() {
            // only traced exchanges pay for the server lookup
            cx.server = provider.server();
            span::record_server(&span, cx.server.as_ref());
        }
        let res = provider.chat(&req, cx).instrument(span.clone()).await;
        if let Err(e) = &res {
            span::record_attempt_error(&span, e);
        }
        cx.sent = Some(req);
        if let Some(a) = cx.attempts.last_mut() {
            match &res {
                Ok(Reply::Full(r)) => {
                    a.latency = t0.elapsed();
                    if r.usage.is_zero() {
                        a.usage = None;
                    } else {
                        a.usage = Some(r.usage);
                        a.usage_source = UsageSource::Provider;
                    }
                    a.outcome = AttemptOutcome::Ok;
                }
                Ok(Reply::Stream(_)) => {}
                Err(e) => {
                    a.latency = t0.elapsed();
                    a.usage = Some(Default::default());
                    a.usage_source = UsageSource::Provider;
                    a.outcome = AttemptOutcome::Failed {
                        error: e.class(),
                        message: e.to_string(),
                    };
                }
            }
        }
        res
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync_clone<T: Send + Sync + Clone + 'static>() {}
    fn assert_send<T: Send>(_: &T) {}

    #[test]
    fn client_is_send_sync_clone() {
        assert_send_sync_clone::<Client>();
    }

    #[test]
    fn futures_and_streams_are_send() {
        let c = Client::builder()
            .provider(crate::ScriptedProvider::new().repeat("x"))
            .build()
            .unwrap();
        let f = c.chat(ChatRequest::new("m").user("x"));
        assert_send(&f);
        let s = c.chat_stream(ChatRequest::new("m").user("x"));
        assert_send(&s);
        fn stream_is_send<T: Send + Unpin>() {}
        stream_is_send::<ResponseStream>();
        stream_is_send::<crate::ChatStream>();
    }
}
