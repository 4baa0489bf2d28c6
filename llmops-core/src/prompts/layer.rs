//! [`PromptLayer`]: the pipeline's prompt stage. A request that references a prompt
//! (`ChatRequest::prompt("support-reply@production")`) is resolved against the live
//! [`PromptStore`] (a split label routes the caller by its sticky key), rendered strictly, and
//! continues with the rendered messages, the version's parameters and tools; the response
//! metadata, the exchange record and the trace carry the resolved name, version and hash.

use std::sync::Arc;

use super::PromptError;
use super::store::PromptStore;
use crate::Result;
use crate::exchange::Exchange;
use crate::pipeline::{Middleware, Next};
use crate::stream::Reply;
use crate::telemetry::stage_span;
use crate::types::{Caller, ChatRequest};

/// Which caller field keeps a caller on one version of a split label.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StickyKey {
    /// The user, else the tenant (the default).
    #[default]
    UserThenTenant,
    /// The user.
    User,
    /// The tenant: a whole customer sees one version.
    Tenant,
    /// The conversation: one thread sees one version.
    Conversation,
    /// A caller tag (`Caller::tags`).
    Tag(String),
}

impl StickyKey {
    /// The key of `caller`, if it has one.
    pub fn of<'a>(&'a self, caller: &'a Caller) -> Option<&'a str> {
        match self {
            StickyKey::UserThenTenant => caller.user.as_deref().or(caller.tenant.as_deref()),
            StickyKey::User => caller.user.as_deref(),
            StickyKey::Tenant => caller.tenant.as_deref(),
            StickyKey::Conversation => caller.conversation_id.as_deref(),
            StickyKey::Tag(t) => caller.tags.get(t).map(String::as_str),
        }
    }
}

/// The prompt stage (installed by [`ClientBuilder::prompts`](crate::ClientBuilder::prompts)).
///
/// For a request with a [`PromptCall`](crate::PromptCall):
/// - the reference resolves through the store serving now; a split label picks the version
///   by the caller's [`StickyKey`] (a caller without one is routed by its request id, so
///   anonymous traffic splits by weight, unsticky);
/// - the version renders strictly with the call's variables; its messages come first, then
///   the request's own (a conversation's turns);
/// - the version's `config` applies between the request's parameters and the client's
///   defaults; its tool definitions are added (a request's tool of the same name wins), and
///   a tool it names must be in the request;
/// - its `model` is used when the request names none (`ChatRequest::from_prompt`).
///
/// Every failure is a typed [`Error::InvalidRequest`](crate::Error::InvalidRequest) naming
/// the prompt, version and variable; nothing is sent.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use llmops_core::{prompts::PromptStore, ChatRequest, Client, ScriptedProvider};
/// # let tmp = tempfile::tempdir()?;
/// # let dir = tmp.path();
/// std::fs::create_dir_all(dir.join("greet"))?;
/// std::fs::write(dir.join("greet/1.prompt"), "---\nmodel: scripted/echo\n---\nSay hello to {{who}}")?;
/// std::fs::write(dir.join("greet/labels.yaml"), "production: 1\n")?;
///
/// let client = Client::builder()
///     .provider(ScriptedProvider::new().reply("Hello, Ada!"))
///     .prompts(PromptStore::open(dir)?)
///     .build()?;
/// let res = client.chat(ChatRequest::from_prompt("greet").var("who", "Ada").end_user("u-1")).await?;
/// let used = res.meta.prompt.as_ref().unwrap();
/// assert_eq!((used.name.as_str(), used.version), ("greet", 1));
/// assert!(used.hash.starts_with("sha256:"));
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PromptLayer {
    store: PromptStore,
    key: StickyKey,
}

impl PromptLayer {
    /// A prompt stage over `store`, sticky per user then tenant.
    pub fn new(store: PromptStore) -> Self {
        PromptLayer {
            store,
            key: StickyKey::default(),
        }
    }

    /// Chooses the caller field a split label is sticky on.
    #[must_use]
    pub fn sticky(mut self, key: StickyKey) -> Self {
        self.key = key;
        self
    }

    /// The store it reads.
    pub fn store(&self) -> &PromptStore {
        &self.store
    }

    /// Resolves and renders `req`'s prompt into `req` and `cx` (no-op without one).
    pub fn apply(&self, req: &mut ChatRequest, cx: &mut Exchange) -> Result<()> {
        let Some(call) = req.prompt.take() else {
            return Ok(());
        };
        let key = self.key.of(cx.caller()).unwrap_or(cx.request_id());
        let resolved = self.store.resolve_for(&call.reference, Some(key))?;
        let rendered = resolved.render_map(&call.vars)?;
        if req.messages.is_empty() {
            req.messages = Arc::new(rendered);
        } else {
            let own = std::mem::take(req.messages_mut());
            let msgs = req.messages_mut();
            msgs.extend(rendered);
            msgs.extend(own);
        }
        for name in &resolved.tool_names {
            if !req.tools.iter().any(|t| &t.name == name) {
                return Err(PromptError::Render {
                    prompt: resolved.name.clone(),
                    version: resolved.version,
                    variable: format!("tools.{name}"),
                    message: "the prompt expects this tool and the request does not provide it"
                        .to_owned(),
                }
                .into());
            }
        }
        if !resolved.tools.is_empty() {
            let tools = Arc::make_mut(&mut req.tools);
            for t in &resolved.tools {
                if !tools.iter().any(|own| own.name == t.name) {
                    tools.push(t.clone());
                }
            }
        }
        if req.model.trim().is_empty() {
            let model = resolved.file.model.clone().ok_or_else(|| {
                crate::Error::invalid(format!(
                    "prompt `{}` version {} names no model and neither does the request",
                    resolved.name, resolved.version
                ))
            })?;
            cx.set_model_requested(&model);
            req.model = model;
        }
        cx.prompt_params.clone_from(&resolved.params);
        cx.prompt = Some(resolved.version_ref());
        Ok(())
    }
}

#[async_trait::async_trait]
impl Middleware for PromptLayer {
    fn name(&self) -> &str {
        "prompts"
    }

    async fn handle(
        &self,
        mut req: ChatRequest,
        cx: &mut Exchange,
        next: Next<'_>,
    ) -> Result<Reply> {
        if req.prompt.is_none() {
            return next.run(req, cx).await;
        }
        let span = stage_span("prompt");
        span.in_scope(|| self.apply(&mut req, cx))?;
        next.run(req, cx).await
    }
}

impl crate::ClientBuilder {
    /// Installs the prompt stage over `store` (see [`PromptLayer`]).
    #[must_use]
    pub fn prompts(self, store: PromptStore) -> Self {
        self.prompt_layer(PromptLayer::new(store))
    }

    /// Installs a configured prompt stage (a different [`StickyKey`], say).
    #[must_use]
    pub fn prompt_layer(self, layer: PromptLayer) -> Self {
        self.core_layer(crate::pipeline::CoreStage::Prompt, Arc::new(layer))
    }
}
