//! What the cache may serve and store: [`CacheDirective`] per request, [`DeploymentPolicy`]
//! and [`StoreFailure`] per cache.

use crate::exchange::Exchange;
use crate::types::{ChatRequest, Params};

/// The caller tag that carries a per-request [`CacheDirective`] (`allow`, `bypass`,
/// `refresh`); set it with [`CacheRequestExt::cache`].
pub const DIRECTIVE_TAG: &str = "cache";

/// What one request asks of the cache. Set per request with [`CacheRequestExt::cache`] (a
/// caller tag, so it shows in the request log), or by a middleware before the cache with
/// `cx.extensions.insert(directive)` (which wins).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum CacheDirective {
    /// The cache's policy decides (deterministic requests only, unless configured).
    #[default]
    Default,
    /// Read and store even though the request is not deterministic (temperature > 0).
    Allow,
    /// Neither read nor store.
    Bypass,
    /// Do not read; store the fresh answer (replaces the entry).
    Refresh,
}

impl CacheDirective {
    /// The tag value (`default`, `allow`, `bypass`, `refresh`).
    pub fn as_str(self) -> &'static str {
        match self {
            CacheDirective::Default => "default",
            CacheDirective::Allow => "allow",
            CacheDirective::Bypass => "bypass",
            CacheDirective::Refresh => "refresh",
        }
    }

    /// Parses a tag value; unknown values are `None`.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "default" => CacheDirective::Default,
            "allow" => CacheDirective::Allow,
            "bypass" | "no-cache" => CacheDirective::Bypass,
            "refresh" => CacheDirective::Refresh,
            _ => return None,
        })
    }

    /// The directive for this exchange: an extension set by a middleware, else the caller tag.
    pub(crate) fn of(req: &ChatRequest, cx: &Exchange) -> Self {
        if let Some(d) = cx.extensions.get::<CacheDirective>() {
            return *d;
        }
        if req.caller.tags.is_empty() {
            return CacheDirective::Default;
        }
        req.caller
            .tags
            .get(DIRECTIVE_TAG)
            .and_then(|v| CacheDirective::parse(v))
            .unwrap_or_default()
    }
}

/// Sets a [`CacheDirective`] on a request.
///
/// ```
/// use llmops_core::ChatRequest;
/// use llmops_core::cache::{CacheDirective, CacheRequestExt};
/// let req = ChatRequest::new("m").user("Tell me a joke").temperature(0.9).cache(CacheDirective::Allow);
/// assert_eq!(req.caller.tags["cache"], "allow");
/// ```
pub trait CacheRequestExt {
    /// This request with the directive.
    #[must_use]
    fn cache(self, directive: CacheDirective) -> Self;
}

impl CacheRequestExt for ChatRequest {
    fn cache(mut self, directive: CacheDirective) -> Self {
        std::sync::Arc::make_mut(&mut self.caller)
            .tags
            .insert(DIRECTIVE_TAG.to_owned(), directive.as_str().to_owned());
        self
    }
}

/// Which stored answers a lookup accepts, given the deployment that produced them.
///
/// The cache runs before the router, so a lookup cannot know where the request will go. Each
/// entry records the deployment that produced it and whether that deployment was the first
/// its exchange tried; the key holds the model reference (the deployment id when one is
/// already chosen at the cache stage).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum DeploymentPolicy {
    /// Serve only answers produced by the first deployment their exchange tried (the one the
    /// request goes to first), never a fallback's; when a deployment is already chosen at the
    /// cache stage, only that deployment's answers. A fallback's answer is stored (marked) but
    /// never replaces a first-choice answer, and is replaced by the next first-choice one.
    #[default]
    FirstChoice,
    /// Serve whichever deployment produced the answer (a fallback's too).
    Any,
}

/// What a store error does to the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StoreFailure {
    /// A failed read is a miss, a failed write is dropped; both counted and logged (default).
    #[default]
    Open,
    /// A failed read or write fails the request with the store's error.
    Closed,
}

/// Which requests are cached by default.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Determinism {
    /// Cache requests whatever their temperature.
    pub any_temperature: bool,
    /// Count a request with a `seed` as deterministic (OpenAI's seed is best effort: off by
    /// default).
    pub seed_is_deterministic: bool,
    /// The temperature that applies when neither the request nor the prompt version sets one
    /// (the client's or the deployment's default, which the cache stage does not see). Unset:
    /// such a request is not deterministic (providers default to about 1).
    pub default_temperature: Option<f32>,
}

impl Determinism {
    /// Why `req` is not cacheable under this policy (`None`: it is).
    pub(crate) fn refuses(&self, p: &Params, prompt: Option<&Params>) -> Option<&'static str> {
        if self.any_temperature {
            return None;
        }
        let t = p
            .temperature
            .or_else(|| prompt.and_then(|p| p.temperature))
            .or(self.default_temperature);
        if t == Some(0.0) {
            return None;
        }
        let seed = p.seed.or_else(|| prompt.and_then(|p| p.seed));
        if self.seed_is_deterministic && seed.is_some() {
            return None;
        }
        Some("not deterministic (temperature is not 0)")
    }
}
