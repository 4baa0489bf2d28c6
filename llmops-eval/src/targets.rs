//! Ready-made [`Target`]s: [`ClientTarget`] (a model behind an llmops [`Client`], with message
//! templates rendered strictly from the case's variables), [`FnTarget`] (an async closure) and
//! [`StaticOutputs`] (outputs given per case id, e.g. logged answers to score).

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::future::Future;
use std::sync::{Arc, Mutex};

use crate::Target;
pub use crate::dataset::MessageTemplate;
use llmops_core::{
    ChatRequest, ChunkRef, Client, Error, EvalCase, EvalOutput, ExchangeRecord, Message, Observer,
    Role,
};

/// Keeps the retrieved chunks of recent exchanges so a [`ClientTarget`] can put their ids on
/// the output ([`EvalOutput::retrieved_docs`]), which hit rate and MRR read.
///
/// Core's reply ([`llmops_core::ChatResponse`]) does not carry the chunks the retrieval stage
/// found; the exchange record does. Register the capture on the client as an observer and hand
/// it to the target: the record is handed to observers before `chat` returns, so the target
/// finds it by request id. It holds at most `capacity` exchanges (oldest dropped).
#[derive(Debug, Clone)]
pub struct RecordCapture {
    inner: Arc<Mutex<CaptureInner>>,
}

#[derive(Debug)]
struct CaptureInner {
    capacity: usize,
    order: VecDeque<String>,
    chunks: HashMap<String, Vec<ChunkRef>>,
}

impl RecordCapture {
    /// A capture keeping the last `capacity` exchanges (at least 1).
    pub fn new(capacity: usize) -> Self {
        RecordCapture {
            inner: Arc::new(Mutex::new(CaptureInner {
                capacity: capacity.max(1),
                order: VecDeque::new(),
                chunks: HashMap::new(),
            })),
        }
    }

    /// Removes and returns the chunks retrieved for `request_id`.
    pub fn take(&self, request_id: &str) -> Option<Vec<ChunkRef>> {
        let mut g = match self.inner.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        let found = g.chunks.remove(request_id);
        if found.is_some() {
            g.order.retain(|id| id != request_id);
        }
        found
    }
}

impl Observer for RecordCapture {
    fn name(&self) -> &str {
        "eval-record-capture"
    }
    fn on_finish(&self, rec: &ExchangeRecord) {
        if rec.retrieved.is_empty() {
            return;
        }
        let mut g = match self.inner.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        while g.order.len() >= g.capacity {
            if let Some(old) = g.order.pop_front() {
                g.chunks.remove(&old);
            }
        }
        g.order.push_back(rec.request_id.clone());
        g.chunks
            .insert(rec.request_id.clone(), rec.retrieved.clone());
    }
}

type Configure = Arc<dyn Fn(ChatRequest, &EvalCase) -> ChatRequest + Send + Sync>;

/// A model behind an llmops [`Client`]: every case becomes one `chat` call through the whole
/// pipeline (prompts, guards, cache, router, cost, observers).
///
/// The messages are the case's own [`messages`](EvalCase::messages) when it has any, else the
/// target's templates rendered from the case's `vars` **strictly**: a variable the case does
/// not define is an error naming the case and the variable (the trial errors), never an
/// empty string. With [`prompt`](ClientTarget::prompt) the case's vars go to the prompt
/// registry instead.
///
/// ```
/// use llmops_core::{Client, EvalCase, ScriptedProvider};
/// use llmops_eval::{Target, targets::ClientTarget};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let client = Client::builder().provider(ScriptedProvider::new().repeat("Paris.")).build().unwrap();
/// let target = ClientTarget::new(client, "scripted/demo")
///     .system("Answer in one word.")?
///     .user("What is the capital of {{ country }}?")?;
/// let mut case = EvalCase::default();
/// case.id = "capital".into();
/// case.vars.insert("country".into(), "France".into());
/// assert_eq!(target.run(&case).await.unwrap().text, "Paris.");
/// case.vars.clear();
/// let err = target.run(&case).await.unwrap_err().to_string();
/// assert!(err.contains("case `capital`") && err.contains("`country`"), "{err}");
/// # Ok::<(), llmops_eval::EvalError>(())
/// # }).unwrap();
/// ```
pub struct ClientTarget {
    id: String,
    client: Client,
    model: String,
    templates: Vec<MessageTemplate>,
    prompt: Option<String>,
    configure: Option<Configure>,
    capture: Option<RecordCapture>,
}

impl std::fmt::Debug for ClientTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientTarget")
            .field("id", &self.id)
            .field("model", &self.model)
            .field("templates", &self.templates)
            .field("prompt", &self.prompt)
            .finish_non_exhaustive()
    }
}

impl ClientTarget {
    /// A target calling `model` through `client`; its id is the model until
    /// [`id`](ClientTarget::id) names it.
    pub fn new(client: Client, model: impl Into<String>) -> Self {
        let model = model.into();
        ClientTarget {
            id: model.clone(),
            client,
            model,
            templates: Vec::new(),
            prompt: None,
            configure: None,
            capture: None,
        }
    }

    /// Names the target (`support-reply/4`): reports and the output cache key on it.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = id.into();
        self
    }

    /// Appends a message template; a template that does not parse is an error now.
    pub fn message(mut self, role: Role, template: impl Into<String>) -> crate::Result<Self> {
        let t = MessageTemplate::new(role, template);
        t.vars()?;
        self.templates.push(t);
        Ok(self)
    }

    /// Appends a system message template.
    pub fn system(self, template: impl Into<String>) -> crate::Result<Self> {
        self.message(Role::System, template)
    }

    /// Appends a user message template.
    pub fn user(self, template: impl Into<String>) -> crate::Result<Self> {
        self.message(Role::User, template)
    }

    /// Renders a versioned prompt (`support-reply@production`) with the case's vars instead
    /// of templates (needs the prompts layer on the client).
    #[must_use]
    pub fn prompt(mut self, reference: impl Into<String>) -> Self {
        self.prompt = Some(reference.into());
        self
    }

    /// Adjusts every request (temperature, caller, retrieval ...).
    #[must_use]
    pub fn configure(
        mut self,
        f: impl Fn(ChatRequest, &EvalCase) -> ChatRequest + Send + Sync + 'static,
    ) -> Self {
        self.configure = Some(Arc::new(f));
        self
    }

    /// Fills [`EvalOutput::retrieved_docs`] from the exchange record (see [`RecordCapture`]).
    #[must_use]
    pub fn capture(mut self, capture: RecordCapture) -> Self {
        self.capture = Some(capture);
        self
    }

    /// The messages for `case` (its own, or the rendered templates).
    pub fn render(&self, case: &EvalCase) -> llmops_core::Result<Vec<Message>> {
        if !case.messages.is_empty() {
            return Ok(case.messages.clone());
        }
        self.templates
            .iter()
            .map(|t| {
                t.render(&case.vars).map_err(|e| {
                    Error::invalid(format!(
                        "case `{}`: {}",
                        case.id,
                        e.to_string().trim_start_matches("configuration: ")
                    ))
                })
            })
            .collect()
    }

    fn request(&self, case: &EvalCase) -> llmops_core::Result<ChatRequest> {
        let mut req = ChatRequest::new(self.model.clone());
        match &self.prompt {
            Some(reference) if case.messages.is_empty() => {
                req = req.prompt(reference.clone());
                for (k, v) in &case.vars {
                    req = req.var(k.clone(), v.clone());
                }
                req = req.messages(self.render(case)?);
            }
            _ => {
                let msgs = self.render(case)?;
                if msgs.is_empty() {
                    return Err(Error::invalid(format!(
                        "case `{}` has no messages and the target has no templates",
                        case.id
                    )));
                }
                req = req.messages(msgs);
            }
        }
        Ok(match &self.configure {
            Some(f) => f(req, case),
            None => req,
        })
    }
}

#[async_trait::async_trait]
impl Target for ClientTarget {
    fn id(&self) -> &str {
        &self.id
    }

    async fn run(&self, case: &EvalCase) -> llmops_core::Result<EvalOutput> {
        let req = self.request(case)?;
        let reply = self.client.chat(req).await?;
        let mut out = EvalOutput::text(reply.text());
        out.usage = reply.usage;
        if let Some(chunks) = self
            .capture
            .as_ref()
            .and_then(|c| c.take(&reply.meta.request_id))
        {
            out.retrieved_docs = chunks.into_iter().map(|c| c.doc_id).collect();
        }
        out.meta = reply.meta;
        Ok(out)
    }
}

type BoxedFn = Arc<
    dyn Fn(EvalCase) -> futures_util::future::BoxFuture<'static, llmops_core::Result<EvalOutput>>
        + Send
        + Sync,
>;

/// A target from an async closure (a RAG pipeline, an agent, anything).
///
/// ```
/// use llmops_core::{EvalCase, EvalOutput};
/// use llmops_eval::{Target, targets::FnTarget};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let t = FnTarget::new("upper", |case: EvalCase| async move {
///     Ok(EvalOutput::text(case.id.to_uppercase()))
/// });
/// let mut case = EvalCase::default();
/// case.id = "abc".into();
/// assert_eq!(t.run(&case).await.unwrap().text, "ABC");
/// # });
/// ```
#[derive(Clone)]
pub struct FnTarget {
    id: String,
    f: BoxedFn,
}

impl std::fmt::Debug for FnTarget {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FnTarget").field("id", &self.id).finish()
    }
}

impl FnTarget {
    /// A target named `id` calling `f` with a copy of each case.
    pub fn new<F, Fut>(id: impl Into<String>, f: F) -> Self
    where
        F: Fn(EvalCase) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = llmops_core::Result<EvalOutput>> + Send + 'static,
    {
        FnTarget {
            id: id.into(),
            f: Arc::new(move |c| Box::pin(f(c))),
        }
    }
}

#[async_trait::async_trait]
impl Target for FnTarget {
    fn id(&self) -> &str {
        &self.id
    }
    async fn run(&self, case: &EvalCase) -> llmops_core::Result<EvalOutput> {
        (self.f)(case.clone()).await
    }
}

/// Outputs given per case id: score answers that already exist (logged exchanges, another
/// tool's run) without calling anything. A case with no output is an error naming it.
///
/// ```
/// use llmops_core::{EvalCase, EvalOutput};
/// use llmops_eval::{Target, targets::StaticOutputs};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let t = StaticOutputs::new("logged").output("a", EvalOutput::text("30 days"));
/// let mut case = EvalCase::default();
/// case.id = "a".into();
/// assert_eq!(t.run(&case).await.unwrap().text, "30 days");
/// case.id = "b".into();
/// assert!(t.run(&case).await.unwrap_err().to_string().contains("no output for case `b`"));
/// # });
/// ```
#[derive(Debug, Clone, Default)]
pub struct StaticOutputs {
    id: String,
    outputs: BTreeMap<String, EvalOutput>,
}

impl StaticOutputs {
    /// No outputs yet.
    pub fn new(id: impl Into<String>) -> Self {
        StaticOutputs {
            id: id.into(),
            outputs: BTreeMap::new(),
        }
    }

    /// With the output of case `case_id`.
    #[must_use]
    pub fn output(mut self, case_id: impl Into<String>, out: EvalOutput) -> Self {
        self.outputs.insert(case_id.into(), out);
        self
    }

    /// From a map of case id to output.
    pub fn from_map(id: impl Into<String>, outputs: BTreeMap<String, EvalOutput>) -> Self {
        StaticOutputs {
            id: id.into(),
            outputs,
        }
    }
}

#[async_trait::async_trait]
impl Target for StaticOutputs {
    fn id(&self) -> &str {
        &self.id
    }
    async fn run(&self, case: &EvalCase) -> llmops_core::Result<EvalOutput> {
        self.outputs
            .get(&case.id)
            .cloned()
            .ok_or_else(|| Error::invalid(format!("no output for case `{}`", case.id)))
    }
}
