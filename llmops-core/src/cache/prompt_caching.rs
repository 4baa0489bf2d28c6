//! Provider prompt caching: [`PromptCaching`] puts Anthropic `cache_control` markers on stable
//! prefixes; [`PromptCacheShare`] and [`cache_share`] report the share of input tokens read
//! from the provider's cache per prompt version (OpenAI caches prefixes by itself and reports
//! `cached_tokens`; Anthropic reports `cache_read_input_tokens`: both land in
//! [`Usage::cache_read_tokens`](crate::Usage)).

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use serde::{Deserialize, Serialize};

use crate::Result;
use crate::exchange::{CacheOutcome, Exchange, ExchangeRecord};
use crate::observer::Observer;
use crate::pipeline::{Middleware, Next};
use crate::stream::Reply;
use crate::types::{CacheControl, ChatRequest, ContentPart, Message, Role, ToolSpec};

/// Anthropic accepts at most this many `cache_control` breakpoints per request.
const MAX_BREAKPOINTS: usize = 4;

/// Marks the stable prefixes of a request for the provider's prompt cache: the tool
/// definitions (their last tool), the system prompt (its last part) and, optionally, the
/// conversation before the last user turn. Anthropic caches the prefix up to each marker
/// (in its order: tools, system, messages); OpenAI caches prefixes by itself and its provider
/// does not send markers; other providers ignore them.
///
/// Markers already present (the RAG layer's context assembly marks the history before the
/// retrieved context) are kept and counted: at most four in all. A prefix shorter than
/// [`min_prefix_bytes`](PromptCaching::min_prefix_bytes) is not marked (Anthropic does not
/// cache below 1,024 tokens, 2,048 on Haiku; the default 4,096 bytes is about 1,024 tokens).
/// Markers never change the response cache's key.
///
/// Opt-in per client: [`ClientBuilder::prompt_caching`](crate::ClientBuilder::prompt_caching).
///
/// ```
/// use llmops_core::ChatRequest;
/// use llmops_core::cache::PromptCaching;
/// let long_policy = "Refund within 30 days. ".repeat(300);
/// let mut req = ChatRequest::new("anthropic/claude-sonnet-4-5").system(long_policy).user("Can I return it?");
/// PromptCaching::new().apply(&mut req);
/// assert!(req.messages[0].content[0].cache_control().is_some());
/// assert!(req.messages[1].content[0].cache_control().is_none());
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct PromptCaching {
    ttl: Option<String>,
    min_prefix_bytes: usize,
    tools: bool,
    system: bool,
    history: bool,
}

impl Default for PromptCaching {
    fn default() -> Self {
        PromptCaching::new()
    }
}

impl PromptCaching {
    /// Tools and system prompt marked, history not, the provider's default time to live.
    pub fn new() -> Self {
        PromptCaching {
            ttl: None,
            min_prefix_bytes: 4096,
            tools: true,
            system: true,
            history: false,
        }
    }

    /// The markers' time to live as the provider spells it (`"5m"`, `"1h"`).
    pub fn ttl(mut self, ttl: impl Into<String>) -> Self {
        self.ttl = Some(ttl.into());
        self
    }

    /// The shortest prefix worth marking, in bytes.
    pub fn min_prefix_bytes(mut self, n: usize) -> Self {
        self.min_prefix_bytes = n;
        self
    }

    /// Mark the tool definitions.
    pub fn tools(mut self, yes: bool) -> Self {
        self.tools = yes;
        self
    }

    /// Mark the system prompt.
    pub fn system(mut self, yes: bool) -> Self {
        self.system = yes;
        self
    }

    /// Mark the conversation before the last user message (multi-turn chats).
    pub fn history(mut self, yes: bool) -> Self {
        self.history = yes;
        self
    }

    fn marker(&self) -> CacheControl {
        CacheControl::Ephemeral {
            ttl: self.ttl.clone(),
        }
    }

    /// Adds the markers to `req`.
    pub fn apply(&self, req: &mut ChatRequest) {
        let mut used = req
            .tools
            .iter()
            .filter(|t| t.cache_control.is_some())
            .count()
            + req
                .messages
                .iter()
                .flat_map(|m| m.content.iter())
                .filter(|p| p.cache_control().is_some())
                .count();
        // Anthropic's prefix order: tools, then system, then messages
        let mut prefix: usize = req.tools.iter().map(tool_bytes).sum();
        if self.tools
            && used < MAX_BREAKPOINTS
            && prefix >= self.min_prefix_bytes
            && req.tools.last().is_some_and(|t| t.cache_control.is_none())
            && let Some(t) = std::sync::Arc::make_mut(&mut req.tools).last_mut()
        {
            t.cache_control = Some(self.marker());
            used += 1;
        }
        prefix += req
            .messages
            .iter()
            .filter(|m| m.role == Role::System)
            .map(message_bytes)
            .sum::<usize>();
        if self.system && used < MAX_BREAKPOINTS && prefix >= self.min_prefix_bytes {
            let last_system = req.messages.iter().rposition(|m| m.role == Role::System);
            if let Some(i) = last_system
                && mark_last(req.messages_mut().get_mut(i), self.marker())
            {
                used += 1;
            }
        }
        if self.history && used < MAX_BREAKPOINTS {
            let last_user = req.messages.iter().rposition(|m| m.role == Role::User);
            let before = last_user.and_then(|u| {
                req.messages
                    .iter()
                    .take(u)
                    .rposition(|m| m.role != Role::System)
            });
            if let Some(i) = before {
                let bytes: usize = req
                    .messages
                    .iter()
                    .take(i + 1)
                    .filter(|m| m.role != Role::System)
                    .map(message_bytes)
                    .sum();
                if prefix + bytes >= self.min_prefix_bytes {
                    mark_last(req.messages_mut().get_mut(i), self.marker());
                }
            }
        }
    }
}

/// Marks the last part of `m` unless a part of it is marked already.
fn mark_last(m: Option<&mut Message>, cc: CacheControl) -> bool {
    let Some(m) = m else { return false };
    if m.content.iter().any(|p| p.cache_control().is_some()) {
        return false;
    }
    match m.content.pop() {
        Some(last) => {
            m.content.push(last.cached(cc));
            true
        }
        None => false,
    }
}

fn message_bytes(m: &Message) -> usize {
    m.content
        .iter()
        .map(|p| match p {
            ContentPart::Text { text, .. } => text.len(),
            // an image is over a thousand tokens
            ContentPart::Image { .. } => 4096,
        })
        .sum::<usize>()
        + m.tool_calls
            .iter()
            .map(|c| c.name.len() + c.arguments.len())
            .sum::<usize>()
}

fn tool_bytes(t: &ToolSpec) -> usize {
    t.name.len() + t.description.len() + t.parameters.to_string().len()
}

#[async_trait::async_trait]
impl Middleware for PromptCaching {
    fn name(&self) -> &str {
        "prompt_caching"
    }
    async fn handle(
        &self,
        mut req: ChatRequest,
        cx: &mut Exchange,
        next: Next<'_>,
    ) -> Result<Reply> {
        self.apply(&mut req);
        next.run(req, cx).await
    }
}

impl crate::ClientBuilder {
    /// Marks stable prefixes for the provider's prompt cache on every request (see
    /// [`PromptCaching`]); runs at the cache stage, after prompt rendering and retrieval.
    #[must_use]
    pub fn prompt_caching(self, p: PromptCaching) -> Self {
        self.core_layer(crate::pipeline::CoreStage::Cache, Arc::new(p))
    }
}

/// Provider prompt-cache figures of one prompt version on one provider.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ShareRow {
    /// The prompt name (`None`: requests without a versioned prompt).
    pub prompt: Option<String>,
    /// The prompt version.
    pub version: Option<u32>,
    /// The provider of the exchanges' last attempt.
    pub provider: String,
    /// Exchanges counted (response-cache hits are not: they reached no provider).
    pub exchanges: u64,
    /// Input tokens, cached ones included.
    pub input_tokens: u64,
    /// Input tokens read from the provider's cache.
    pub cache_read_tokens: u64,
    /// Input tokens written to the provider's cache.
    pub cache_write_tokens: u64,
}

impl ShareRow {
    /// Cached input tokens over input tokens (0 without input).
    pub fn share(&self) -> f64 {
        if self.input_tokens == 0 {
            0.0
        } else {
            self.cache_read_tokens as f64 / self.input_tokens as f64
        }
    }
}

type RowKey = (Option<String>, Option<u32>, String);

fn row_key(rec: &ExchangeRecord) -> Option<RowKey> {
    if matches!(rec.cache, Some(CacheOutcome::Hit { .. })) || rec.attempts.is_empty() {
        return None;
    }
    Some((
        rec.prompt.as_ref().map(|p| p.name.clone()),
        rec.prompt.as_ref().map(|p| p.version),
        rec.provider.clone().unwrap_or_default(),
    ))
}

/// The provider prompt-cache share per prompt version and provider over `records`, sorted by
/// prompt, version and provider.
///
/// ```
/// use llmops_core::cache::cache_share;
/// let rows = cache_share(&[]);
/// assert!(rows.is_empty());
/// ```
pub fn cache_share(records: &[ExchangeRecord]) -> Vec<ShareRow> {
    let mut m: HashMap<RowKey, ShareRow> = HashMap::new();
    for rec in records {
        let Some(k) = row_key(rec) else { continue };
        let row = m.entry(k).or_insert_with_key(empty_row);
        row.exchanges += 1;
        row.input_tokens += rec.usage.input_tokens;
        row.cache_read_tokens += rec.usage.cache_read_tokens;
        row.cache_write_tokens += rec.usage.cache_write_tokens;
    }
    sorted(m.into_values().collect())
}

fn empty_row(k: &RowKey) -> ShareRow {
    ShareRow {
        prompt: k.0.clone(),
        version: k.1,
        provider: k.2.clone(),
        exchanges: 0,
        input_tokens: 0,
        cache_read_tokens: 0,
        cache_write_tokens: 0,
    }
}

fn sorted(mut rows: Vec<ShareRow>) -> Vec<ShareRow> {
    rows.sort_by(|a, b| {
        (&a.prompt, a.version, &a.provider).cmp(&(&b.prompt, b.version, &b.provider))
    });
    rows
}

#[derive(Debug, Default)]
struct Totals {
    exchanges: AtomicU64,
    input: AtomicU64,
    read: AtomicU64,
    write: AtomicU64,
}

/// An [`Observer`] that sums provider prompt-cache usage per prompt version and provider, as
/// records arrive ([`cache_share`] does the same over stored records). A known row is
/// updated with atomics under a shared read lock; only a new prompt version takes the write
/// lock once.
///
/// ```
/// use llmops_core::{ChatRequest, Client, ScriptedProvider, ChatResponse, Usage};
/// use llmops_core::cache::PromptCacheShare;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let share = PromptCacheShare::new();
/// let reply = ChatResponse::new("ok").with_usage(Usage::new(2000, 5).with_cache(1500, 0));
/// let client = Client::builder()
///     .provider(ScriptedProvider::new().repeat_with(reply))
///     .observer(share.clone())
///     .build()?;
/// client.chat(ChatRequest::new("scripted/m").user("hi")).await?;
/// assert_eq!(share.rows()[0].share(), 0.75);
/// # Ok::<(), llmops_core::Error>(())
/// # }).unwrap();
/// ```
#[derive(Debug, Clone, Default)]
pub struct PromptCacheShare {
    rows: Arc<RwLock<HashMap<RowKey, Arc<Totals>>>>,
}

impl PromptCacheShare {
    /// An empty aggregate.
    pub fn new() -> Self {
        PromptCacheShare::default()
    }

    /// The rows so far, sorted by prompt, version and provider.
    pub fn rows(&self) -> Vec<ShareRow> {
        let m = match self.rows.read() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed);
        sorted(
            m.iter()
                .map(|(k, t)| ShareRow {
                    exchanges: l(&t.exchanges),
                    input_tokens: l(&t.input),
                    cache_read_tokens: l(&t.read),
                    cache_write_tokens: l(&t.write),
                    ..empty_row(k)
                })
                .collect(),
        )
    }

    fn totals(&self, k: RowKey) -> Arc<Totals> {
        {
            let m = match self.rows.read() {
                Ok(m) => m,
                Err(p) => p.into_inner(),
            };
            if let Some(t) = m.get(&k) {
                return t.clone();
            }
        }
        let mut m = match self.rows.write() {
            Ok(m) => m,
            Err(p) => p.into_inner(),
        };
        m.entry(k).or_default().clone()
    }
}

impl Observer for PromptCacheShare {
    fn name(&self) -> &str {
        "prompt_cache_share"
    }
    fn on_finish(&self, rec: &ExchangeRecord) {
        let Some(k) = row_key(rec) else { return };
        let t = self.totals(k);
        t.exchanges.fetch_add(1, Ordering::Relaxed);
        t.input.fetch_add(rec.usage.input_tokens, Ordering::Relaxed);
        t.read
            .fetch_add(rec.usage.cache_read_tokens, Ordering::Relaxed);
        t.write
            .fetch_add(rec.usage.cache_write_tokens, Ordering::Relaxed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn long(n: usize) -> String {
        "x".repeat(n)
    }

    #[test]
    fn marks_tools_and_system_respects_existing_and_the_limit() {
        let mut req = ChatRequest::new("m")
            .tool(ToolSpec::new("f", long(5000), json!({})))
            .system(long(100))
            .user("q");
        PromptCaching::new().apply(&mut req);
        assert!(req.tools[0].cache_control.is_some());
        assert!(req.messages[0].content[0].cache_control().is_some());
        // short prefixes are left alone
        let mut short = ChatRequest::new("m").system("short").user("q");
        PromptCaching::new().apply(&mut short);
        assert!(short.messages[0].content[0].cache_control().is_none());
        // four markers already: nothing added
        let mut full = ChatRequest::new("m")
            .message(Message::system(long(5000)))
            .messages((0..4).map(|i| Message::user(format!("t{i}")).cached()))
            .user("q");
        PromptCaching::new().apply(&mut full);
        assert!(full.messages[0].content[0].cache_control().is_none());
    }

    #[test]
    fn history_marks_the_turn_before_the_last_user_message() {
        let mut req = ChatRequest::new("m")
            .system(long(3000))
            .user(long(2000))
            .assistant("a")
            .user("next");
        PromptCaching::new().history(true).ttl("1h").apply(&mut req);
        assert_eq!(
            req.messages[2].content[0].cache_control(),
            Some(&CacheControl::Ephemeral {
                ttl: Some("1h".into())
            })
        );
        assert!(req.messages[3].content[0].cache_control().is_none());
    }
}
