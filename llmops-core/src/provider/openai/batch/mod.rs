//! Non-urgent requests through OpenAI's Batch API: half the price, answers within 24 hours.
//!
//! A caller marks a request [`non_urgent`](NonUrgent::non_urgent) (the caller tag
//! `urgency=batch`). A client built with [`ClientBuilder::batch`] sends such requests to
//! [`OpenAiBatch`], which queues them, uploads them as one JSONL file, creates a batch, polls
//! it, downloads the output and error files and answers each caller with an ordinary
//! [`ChatResponse`](crate::ChatResponse) — or with the typed provider error of its line.
//! Urgent requests pass straight through to the wrapped [`OpenAi`] provider.
//!
//! ```
//! use std::time::Duration;
//! use llmops_core::{ApiKey, ChatRequest, Client, NonUrgent, OpenAi, OpenAiBatch};
//! let openai = OpenAi::new(ApiKey::new("sk-test"));
//! let client = Client::builder()
//!     .batch(
//!         OpenAiBatch::new(openai)
//!             .max_requests(500)
//!             .max_wait(Duration::from_secs(300))
//!             .poll_interval(Duration::from_secs(60)),
//!     )
//!     .build()?;
//! let req = ChatRequest::new("openai/gpt-4o-mini")
//!     .user("Summarise yesterday's tickets.")
//!     .timeout(Duration::from_secs(26 * 3600)) // a batch may take up to 24 hours
//!     .non_urgent();
//! assert!(req.is_non_urgent());
//! // client.chat(req).await answers when the batch is done
//! # let _ = client;
//! # Ok::<(), llmops_core::Error>(())
//! ```
//!
//! # Design: a provider wrapper plus a one-line layer
//!
//! [`OpenAiBatch`] *is* the `openai` provider (it wraps [`OpenAi`] and takes its name), so a
//! batched request goes through core's provider stage like any other: the deployment and
//! parameters are resolved, one attempt is recorded with the usage of the batch result, the
//! router's retries and fallbacks apply, and core's finaliser builds the one
//! [`ExchangeRecord`](crate::ExchangeRecord). A provider only sees `&Exchange`, so the
//! [`BatchLayer`] (installed by [`ClientBuilder::batch`] in [`Stage::BeforeProvider`], once per
//! attempt) writes `annotations["batch"] = true` when the attempt goes to the batcher — the
//! key the pricer and the ledger read to charge the batch price.
//!
//! # Flush rules and limits
//!
//! Requests are grouped by deployment and model (a batch file holds requests to one model).
//! A group is sent when it holds [`max_requests`](OpenAiBatch::max_requests), when its oldest
//! request has waited [`max_wait`](OpenAiBatch::max_wait), or before a request that would take
//! the file over [`max_file_bytes`](OpenAiBatch::max_file_bytes) — OpenAI's limits are 50,000
//! requests and 200 MB per file, and larger settings are lowered to them, so a larger load is
//! split into several batches. Callers that have gone by then (deadline passed) are left out.
//!
//! # Deadlines, streams, errors
//!
//! A caller waits until its result arrives or its exchange deadline passes
//! ([`Error::Deadline`]); the batch goes on for the others. Give
//! non-urgent requests a deadline that fits the 24-hour window (a client-wide timeout applies
//! to them too). A non-urgent *stream* request is refused with
//! [`Error::InvalidRequest`]: the Batch API does not stream.
//! A batch that fails, expires or is cancelled, an upload or create call that is refused, or
//! a result missing from both files gives each waiting caller a typed
//! [`ProviderError`](crate::ProviderError) (codes `batch_failed`, `batch_expired`,
//! `batch_cancelled`, `batch_result_missing`, or the provider's own code). Azure OpenAI
//! deployments (another URL scheme for files and batches) are not supported yet.

mod queue;
mod run;
mod wire;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::sync::{mpsc, oneshot};

use self::queue::{GroupKey, Job, Limits};
use self::wire::{ENDPOINT, InputLine};
use super::wire::ChatBody;
use super::{Auth, OpenAi};
use crate::client::ClientBuilder;
use crate::exchange::Exchange;
use crate::pipeline::{Middleware, Next, Stage};
use crate::provider::{Capabilities, Provider};
use crate::stream::Reply;
use crate::types::ChatRequest;
use crate::{Error, Result};

pub use crate::exchange::BATCH_ANNOTATION;

/// The caller tag that marks a request non-urgent, and its value.
const URGENCY_TAG: &str = "urgency";
const URGENCY_BATCH: &str = "batch";

/// Marks a [`ChatRequest`] non-urgent: it may wait hours for the batch price.
///
/// The mark is the caller tag `urgency=batch`, so it shows in records and reports.
///
/// ```
/// use llmops_core::{ChatRequest, NonUrgent};
/// let req = ChatRequest::new("openai/gpt-4o-mini").user("Classify this ticket.").non_urgent();
/// assert!(req.is_non_urgent());
/// assert_eq!(req.caller.tags.get("urgency").map(String::as_str), Some("batch"));
/// assert!(!ChatRequest::new("openai/gpt-4o-mini").is_non_urgent());
/// ```
pub trait NonUrgent {
    /// Marks the request non-urgent.
    #[must_use]
    fn non_urgent(self) -> Self;
    /// Whether the request is marked non-urgent.
    fn is_non_urgent(&self) -> bool;
}

impl NonUrgent for ChatRequest {
    fn non_urgent(mut self) -> Self {
        Arc::make_mut(&mut self.caller)
            .tags
            .insert(URGENCY_TAG.to_owned(), URGENCY_BATCH.to_owned());
        self
    }

    fn is_non_urgent(&self) -> bool {
        self.caller
            .tags
            .get(URGENCY_TAG)
            .is_some_and(|v| v == URGENCY_BATCH)
    }
}

/// The OpenAI provider with a Batch API queue for non-urgent requests.
///
/// Register it with [`ClientBuilder::batch`] *instead of* the [`OpenAi`] it wraps (it takes
/// that provider's name). Urgent requests go to the wrapped provider unchanged; non-urgent
/// ones are queued and sent as batches (see the [module docs](crate::provider::openai::batch)). One worker task per
/// batcher (clones share it) runs on the Tokio runtime of the first non-urgent request;
/// configure the batcher before its first use.
///
/// ```
/// use std::time::Duration;
/// use llmops_core::{ApiKey, OpenAi, OpenAiBatch, Provider};
/// let b = OpenAiBatch::new(OpenAi::new(ApiKey::new("sk-test")))
///     .max_requests(100_000) // lowered to OpenAI's 50,000
///     .max_wait(Duration::from_secs(600));
/// assert_eq!(b.name(), "openai");
/// assert_eq!(b.limits(), (50_000, Duration::from_secs(600)));
/// ```
#[derive(Clone)]
pub struct OpenAiBatch {
    inner: OpenAi,
    limits: Limits,
    worker: Arc<Mutex<Option<mpsc::Sender<Job>>>>,
}

impl std::fmt::Debug for OpenAiBatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OpenAiBatch")
            .field("provider", &self.inner)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}

/// Jobs the worker's inbox holds before senders wait (back-pressure, not a limit on batches).
const INBOX: usize = 1024;

impl OpenAiBatch {
    /// Batches for `provider`'s server and key. Defaults: flush at 1,000 requests or after
    /// 60 s, poll every 30 s, files up to 200 MB.
    pub fn new(provider: OpenAi) -> Self {
        OpenAiBatch {
            inner: provider,
            limits: Limits::default(),
            worker: Arc::new(Mutex::new(None)),
        }
    }

    /// Sends a batch once this many requests are queued for one model (1 to 50,000; values
    /// outside are raised or lowered to that range).
    #[must_use]
    pub fn max_requests(mut self, n: usize) -> Self {
        self.limits.max_requests = n.clamp(1, queue::MAX_REQUESTS);
        self
    }

    /// Sends a batch once its oldest request has waited this long.
    #[must_use]
    pub fn max_wait(mut self, d: Duration) -> Self {
        self.limits.max_wait = d;
        self
    }

    /// How often a running batch is polled (at least 1 ms); transient polling failures back
    /// off from it exponentially.
    #[must_use]
    pub fn poll_interval(mut self, d: Duration) -> Self {
        self.limits.poll_interval = d.max(Duration::from_millis(1));
        self
    }

    /// The largest input file, in bytes (at most OpenAI's 200 MB; lower it to split sooner).
    /// A single request larger than this is refused with
    /// [`Error::InvalidRequest`].
    #[must_use]
    pub fn max_file_bytes(mut self, n: usize) -> Self {
        self.limits.max_file_bytes = n.clamp(1, queue::MAX_FILE_BYTES);
        self
    }

    /// `(max_requests, max_wait)` as configured.
    pub fn limits(&self) -> (usize, Duration) {
        (self.limits.max_requests, self.limits.max_wait)
    }

    /// Queues a job, starting the worker on the current runtime if none is running.
    async fn enqueue(&self, job: Job) -> Result<()> {
        let tx = {
            let mut slot = match self.worker.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            match slot.as_ref().filter(|tx| !tx.is_closed()) {
                Some(tx) => tx.clone(),
                None => {
                    let rt = tokio::runtime::Handle::try_current().map_err(|_| {
                        Error::config("OpenAiBatch needs a Tokio runtime for its batch worker")
                    })?;
                    let (tx, rx) = mpsc::channel(INBOX);
                    rt.spawn(queue::worker(self.inner.clone(), self.limits.clone(), rx));
                    *slot = Some(tx.clone());
                    tx
                }
            }
        };
        tx.send(job).await.map_err(|_| stopped())
    }

    async fn batch(&self, req: &ChatRequest, cx: &Exchange) -> Result<Reply> {
        if req.stream {
            return Err(Error::invalid(
                "a non-urgent request goes through the Batch API, which does not stream: send it with Client::chat, or leave it urgent",
            ));
        }
        if matches!(self.inner.auth, Auth::Azure { .. }) {
            return Err(Error::config(format!(
                "{}: the Batch API is not supported for Azure OpenAI deployments yet",
                self.inner.name
            )));
        }
        self.inner.client()?;
        let custom_id = format!("{}-{}", cx.request_id(), cx.attempt().max(1));
        let line = serde_json::to_vec(&InputLine {
            custom_id: &custom_id,
            method: "POST",
            url: ENDPOINT,
            body: ChatBody::new(req, self.inner.quirks)?,
        })?;
        if line.len() + 1 > self.limits.max_file_bytes {
            return Err(Error::invalid(format!(
                "the request takes {} bytes as a batch line; a batch file holds at most {}",
                line.len() + 1,
                self.limits.max_file_bytes
            )));
        }
        let (reply, rx) = oneshot::channel();
        let deployment = cx.deployment.clone();
        self.enqueue(Job {
            group: GroupKey {
                deployment: deployment.as_ref().map(|d| d.id.clone()),
                model: req.model.clone(),
            },
            deployment,
            custom_id,
            line,
            reply,
        })
        .await?;
        let answer = match cx.remaining() {
            None => rx.await,
            Some(left) => {
                let total = cx
                    .deadline()
                    .map_or(left, |d| d.saturating_duration_since(cx.started()));
                tokio::time::timeout(left, rx)
                    .await
                    .map_err(|_| Error::Deadline(total))?
            }
        };
        answer.map_err(|_| stopped())?.map(Reply::Full)
    }
}

fn stopped() -> Error {
    Error::extension(
        "openai-batch",
        "the batch worker stopped (its Tokio runtime shut down) before this request's result arrived",
    )
}

#[async_trait::async_trait]
impl Provider for OpenAiBatch {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn capabilities(&self, model: &str) -> Capabilities {
        self.inner.capabilities(model)
    }

    fn serves(&self, model: &str) -> bool {
        self.inner.serves(model)
    }

    fn server(&self) -> Option<(String, u16)> {
        self.inner.server()
    }

    async fn chat(&self, req: &ChatRequest, cx: &Exchange) -> Result<Reply> {
        if req.is_non_urgent() {
            self.batch(req, cx).await
        } else {
            self.inner.chat(req, cx).await
        }
    }
}

/// Marks each attempt that goes to the batcher with `annotations["batch"] = true` (and clears
/// the mark on an attempt that does not, after a fallback). Installed by
/// [`ClientBuilder::batch`] in [`Stage::BeforeProvider`].
#[derive(Debug, Clone)]
pub struct BatchLayer {
    provider: String,
}

impl BatchLayer {
    /// A layer for the batcher registered under `provider`.
    pub fn new(provider: impl Into<String>) -> Self {
        BatchLayer {
            provider: provider.into(),
        }
    }

    fn batched(&self, req: &ChatRequest, cx: &Exchange, next: &Next<'_>) -> bool {
        if !req.is_non_urgent() || req.stream {
            return false;
        }
        match &cx.deployment {
            Some(d) => d.provider == self.provider,
            None => next
                .models()
                .resolve(&req.model)
                .is_ok_and(|d| d.provider == self.provider),
        }
    }
}

#[async_trait::async_trait]
impl Middleware for BatchLayer {
    fn name(&self) -> &str {
        "openai-batch"
    }

    async fn handle(&self, req: ChatRequest, cx: &mut Exchange, next: Next<'_>) -> Result<Reply> {
        if self.batched(&req, cx, &next) {
            cx.annotations
                .insert(BATCH_ANNOTATION.to_owned(), Value::Bool(true));
        } else if !cx.annotations.is_empty() {
            cx.annotations.remove(BATCH_ANNOTATION);
        }
        next.run(req, cx).await
    }
}

impl ClientBuilder {
    /// Registers `batcher` as its provider (in place of the [`OpenAi`] it wraps) and the
    /// [`BatchLayer`] that marks batched exchanges: requests marked
    /// [`non_urgent`](NonUrgent::non_urgent) go through OpenAI's Batch API.
    ///
    /// ```
    /// use llmops_core::{ApiKey, Client, OpenAi, OpenAiBatch};
    /// let client = Client::builder()
    ///     .batch(OpenAiBatch::new(OpenAi::new(ApiKey::new("sk-test"))))
    ///     .build()
    ///     .unwrap();
    /// assert!(client.models().provider("openai").is_some());
    /// ```
    #[must_use]
    pub fn batch(self, batcher: OpenAiBatch) -> Self {
        let layer = BatchLayer::new(batcher.name());
        self.provider(batcher)
            .layer_at(Stage::BeforeProvider, layer)
    }
}
