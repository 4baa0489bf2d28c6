//! Routing rules ([`Rule`], [`Match`]), usage policy ([`Policy`]), and what a request needs
//! from a deployment ([`RequestSize`], [`Needs`]).

use serde::{Deserialize, Serialize};

use crate::provider::Capabilities;
use crate::types::{Caller, ChatRequest, ContentPart, ResponseFormat};

/// What rules and policies look at: the request's model reference, its prompt, its caller
/// and an upper bound of its size.
#[derive(Debug, Clone, Copy)]
pub struct RouteInput<'a> {
    /// The model reference of the request (an alias, a group name, a deployment id ...).
    pub model: &'a str,
    /// The name of the prompt the prompt stage resolved, if any.
    pub prompt: Option<&'a str>,
    /// Who is asking.
    pub caller: &'a Caller,
    /// An upper bound of the request's input tokens ([`RequestSize::input_upper`]).
    pub input_tokens_upper: u64,
    /// Whether the caller asked for a stream.
    pub stream: bool,
}

/// A condition over a request ([`RouteInput`]). Conditions combine with [`Match::and`],
/// [`Match::or`] and [`Match::not`].
///
/// ```
/// use llmops_core::routing::Match;
/// // PII from any tenant but `acme`
/// let m = Match::tag("data_class", "pii").and(Match::tenant("acme").not());
/// assert_eq!(m.to_string(), "(tag data_class=pii and not tenant acme)");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Match {
    /// Every request.
    Always,
    /// The request's model reference is exactly this (an alias, a group, `provider/model`).
    Model(String),
    /// The request used this prompt (by name, any version).
    Prompt(String),
    /// The caller's feature is this.
    Feature(String),
    /// The caller's tenant is this.
    Tenant(String),
    /// The caller has this tag with this value (`data_class=pii`).
    Tag(String, String),
    /// The upper bound of the request's input tokens is above this.
    TokensOver(u64),
    /// The caller asked for a stream.
    Stream,
    /// All of these.
    All(Vec<Match>),
    /// Any of these.
    Any(Vec<Match>),
    /// Not this.
    Not(Box<Match>),
}

impl Match {
    /// [`Match::Model`].
    pub fn model(m: impl Into<String>) -> Self {
        Match::Model(m.into())
    }
    /// [`Match::Prompt`].
    pub fn prompt(p: impl Into<String>) -> Self {
        Match::Prompt(p.into())
    }
    /// [`Match::Feature`].
    pub fn feature(f: impl Into<String>) -> Self {
        Match::Feature(f.into())
    }
    /// [`Match::Tenant`].
    pub fn tenant(t: impl Into<String>) -> Self {
        Match::Tenant(t.into())
    }
    /// [`Match::Tag`].
    pub fn tag(k: impl Into<String>, v: impl Into<String>) -> Self {
        Match::Tag(k.into(), v.into())
    }
    /// [`Match::TokensOver`].
    pub fn tokens_over(n: u64) -> Self {
        Match::TokensOver(n)
    }

    /// Both this and `other`.
    #[must_use]
    pub fn and(self, other: Match) -> Self {
        match self {
            Match::All(mut v) => {
                v.push(other);
                Match::All(v)
            }
            m => Match::All(vec![m, other]),
        }
    }

    /// This or `other`.
    #[must_use]
    pub fn or(self, other: Match) -> Self {
        match self {
            Match::Any(mut v) => {
                v.push(other);
                Match::Any(v)
            }
            m => Match::Any(vec![m, other]),
        }
    }

    /// The negation.
    #[allow(clippy::should_implement_trait)]
    #[must_use]
    pub fn not(self) -> Self {
        Match::Not(Box::new(self))
    }

    /// Whether `input` satisfies this condition.
    pub fn matches(&self, input: &RouteInput<'_>) -> bool {
        match self {
            Match::Always => true,
            Match::Model(m) => input.model == m,
            Match::Prompt(p) => input.prompt == Some(p.as_str()),
            Match::Feature(f) => input.caller.feature.as_deref() == Some(f.as_str()),
            Match::Tenant(t) => input.caller.tenant.as_deref() == Some(t.as_str()),
            Match::Tag(k, v) => input.caller.tags.get(k) == Some(v),
            Match::TokensOver(n) => input.input_tokens_upper > *n,
            Match::Stream => input.stream,
            Match::All(ms) => ms.iter().all(|m| m.matches(input)),
            Match::Any(ms) => ms.iter().any(|m| m.matches(input)),
            Match::Not(m) => !m.matches(input),
        }
    }

    /// Whether the condition needs the token bound (so the router computes it only then).
    pub(crate) fn uses_tokens(&self) -> bool {
        match self {
            Match::TokensOver(_) => true,
            Match::All(ms) | Match::Any(ms) => ms.iter().any(Match::uses_tokens),
            Match::Not(m) => m.uses_tokens(),
            Match::Always
            | Match::Model(_)
            | Match::Prompt(_)
            | Match::Feature(_)
            | Match::Tenant(_)
            | Match::Tag(..)
            | Match::Stream => false,
        }
    }
}

impl std::fmt::Display for Match {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let join = |f: &mut std::fmt::Formatter<'_>, ms: &[Match], op: &str| {
            f.write_str("(")?;
            for (i, m) in ms.iter().enumerate() {
                if i > 0 {
                    write!(f, " {op} ")?;
                }
                write!(f, "{m}")?;
            }
            f.write_str(")")
        };
        match self {
            Match::Always => f.write_str("always"),
            Match::Model(m) => write!(f, "model {m}"),
            Match::Prompt(p) => write!(f, "prompt {p}"),
            Match::Feature(x) => write!(f, "feature {x}"),
            Match::Tenant(t) => write!(f, "tenant {t}"),
            Match::Tag(k, v) => write!(f, "tag {k}={v}"),
            Match::TokensOver(n) => write!(f, "tokens > {n}"),
            Match::Stream => f.write_str("stream"),
            Match::All(ms) => join(f, ms, "and"),
            Match::Any(ms) => join(f, ms, "or"),
            Match::Not(m) => write!(f, "not {m}"),
        }
    }
}

/// A routing rule: when its condition matches, the request goes to its route (a deployment
/// group, with that group's fallbacks). Rules are tried in order; the first match wins.
///
/// ```
/// use llmops_core::routing::{Match, Rule};
/// let r = Rule::new("long-inputs").when(Match::tokens_over(16_000)).to("long-context");
/// assert_eq!(r.route(), "long-context");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Rule {
    /// The rule's name (recorded in the routing annotation).
    pub name: String,
    /// The condition (default: [`Match::Always`]).
    #[serde(default = "always")]
    pub when: Match,
    /// The deployment group it routes to.
    pub to: String,
}

fn always() -> Match {
    Match::Always
}

impl Rule {
    /// A rule that matches every request until [`when`](Rule::when) narrows it.
    pub fn new(name: impl Into<String>) -> Self {
        Rule {
            name: name.into(),
            when: Match::Always,
            to: String::new(),
        }
    }

    /// Shorthand: requests for model reference `model` go to group `group`.
    pub fn model(model: impl Into<String>, group: impl Into<String>) -> Self {
        let model = model.into();
        Rule::new(format!("model:{model}"))
            .when(Match::Model(model))
            .to(group)
    }

    /// The condition.
    #[must_use]
    pub fn when(mut self, m: Match) -> Self {
        self.when = m;
        self
    }

    /// The deployment group.
    #[must_use]
    pub fn to(mut self, group: impl Into<String>) -> Self {
        self.to = group.into();
        self
    }

    /// The group this rule routes to.
    pub fn route(&self) -> &str {
        &self.to
    }
}

/// A model-usage policy: requests matching `when` may not use the named groups, deployments
/// or providers.
///
/// - A policy naming the **route** (the group a rule or the model reference picked) refuses
///   the exchange with [`Error::PolicyDenied`](crate::Error::PolicyDenied): nothing is sent.
/// - A policy naming **deployments or providers** removes them from the candidates (recorded
///   as skipped, reason `policy`); when none is left the exchange is refused the same way.
///
/// Patterns are exact ids or end in `*` (a prefix): `openai/*`, `azure-*`.
///
/// ```
/// use llmops_core::routing::{Match, Policy};
/// let p = Policy::deny("pii-in-house")
///     .when(Match::tag("data_class", "pii"))
///     .providers(["openai", "anthropic"])
///     .reason("personal data stays on our own deployments");
/// assert_eq!(p.name, "pii-in-house");
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Policy {
    /// The policy's name (the `rule` of the error).
    pub name: String,
    /// Which requests it applies to.
    #[serde(default = "always")]
    pub when: Match,
    /// Groups (routes) they may not use.
    #[serde(default)]
    pub groups: Vec<String>,
    /// Deployment ids (or `prefix*` patterns) they may not use.
    #[serde(default)]
    pub deployments: Vec<String>,
    /// Provider names they may not use.
    #[serde(default)]
    pub providers: Vec<String>,
    /// The reason given in the error and the record.
    #[serde(default)]
    pub reason: String,
}

impl Policy {
    /// A deny policy; narrow it with [`when`](Policy::when) and name what it denies.
    pub fn deny(name: impl Into<String>) -> Self {
        Policy {
            name: name.into(),
            when: Match::Always,
            groups: Vec::new(),
            deployments: Vec::new(),
            providers: Vec::new(),
            reason: String::new(),
        }
    }

    /// Which requests it applies to.
    #[must_use]
    pub fn when(mut self, m: Match) -> Self {
        self.when = m;
        self
    }

    /// Groups (routes) denied.
    #[must_use]
    pub fn groups<I: IntoIterator<Item = S>, S: Into<String>>(mut self, g: I) -> Self {
        self.groups.extend(g.into_iter().map(Into::into));
        self
    }

    /// Deployment ids or `prefix*` patterns denied.
    #[must_use]
    pub fn deployments<I: IntoIterator<Item = S>, S: Into<String>>(mut self, d: I) -> Self {
        self.deployments.extend(d.into_iter().map(Into::into));
        self
    }

    /// Providers denied.
    #[must_use]
    pub fn providers<I: IntoIterator<Item = S>, S: Into<String>>(mut self, p: I) -> Self {
        self.providers.extend(p.into_iter().map(Into::into));
        self
    }

    /// The reason given.
    #[must_use]
    pub fn reason(mut self, r: impl Into<String>) -> Self {
        self.reason = r.into();
        self
    }

    /// The reason, or a default naming the condition.
    pub(crate) fn reason_text(&self) -> String {
        if self.reason.is_empty() {
            format!("requests matching {} may not use this route", self.when)
        } else {
            self.reason.clone()
        }
    }

    pub(crate) fn denies_group(&self, group: &str) -> bool {
        self.groups.iter().any(|p| pattern_matches(p, group))
    }

    pub(crate) fn denies_deployment(&self, id: &str, provider: &str) -> bool {
        self.deployments.iter().any(|p| pattern_matches(p, id))
            || self.providers.iter().any(|p| p == provider)
    }
}

/// `exact` or `prefix*`.
pub(crate) fn pattern_matches(pattern: &str, id: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => id.starts_with(prefix),
        None => pattern == id,
    }
}

/// Bytes of JSON an image part is counted as (an upper bound of its tokens: a high-detail
/// 2048×2048 image is 1,105 tokens on OpenAI, ~1,600 on Anthropic's largest size).
pub const IMAGE_TOKENS_UPPER: u64 = 1_600;
/// Per-message allowance for the chat format's role and separator tokens.
pub const MESSAGE_OVERHEAD_TOKENS: u64 = 8;

/// An upper bound of a request's size in tokens that needs no tokenizer: byte-level BPE
/// never makes more tokens than bytes, so the text's byte count bounds its tokens; tool
/// definitions count by the bytes of their JSON, images by [`IMAGE_TOKENS_UPPER`], each message
/// adds [`MESSAGE_OVERHEAD_TOKENS`].
///
/// ```
/// use llmops_core::{ChatRequest, routing::RequestSize};
/// let s = RequestSize::of(&ChatRequest::new("m").user("hello").max_tokens(100));
/// assert_eq!(s.input_upper, 5 + 8);
/// assert_eq!(s.output_upper, Some(100));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RequestSize {
    /// Upper bound of the input tokens.
    pub input_upper: u64,
    /// The request's `max_tokens`, when set.
    pub output_upper: Option<u64>,
}

impl RequestSize {
    /// The bound for `req`.
    pub fn of(req: &ChatRequest) -> Self {
        let mut n: u64 = 0;
        for m in req.messages.iter() {
            n += MESSAGE_OVERHEAD_TOKENS;
            for p in &m.content {
                n += match p {
                    ContentPart::Text { text, .. } => text.len() as u64,
                    ContentPart::Image { .. } => IMAGE_TOKENS_UPPER,
                };
            }
            for c in &m.tool_calls {
                n += (c.name.len() + c.arguments.len()) as u64;
            }
        }
        for t in req.tools.iter() {
            n += serde_json::to_vec(t).map_or(0, |v| v.len() as u64);
        }
        RequestSize {
            input_upper: n,
            output_upper: req.params.max_tokens.map(u64::from),
        }
    }
}

/// What a request uses that a deployment must support.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct Needs {
    /// Tool definitions.
    pub tools: bool,
    /// Image parts.
    pub vision: bool,
    /// `response_format: json_schema`.
    pub json_schema: bool,
    /// A streamed reply.
    pub streaming: bool,
}

impl Needs {
    /// What `req` uses.
    pub fn of(req: &ChatRequest) -> Self {
        Needs {
            tools: !req.tools.is_empty(),
            vision: req.messages.iter().any(|m| {
                m.content
                    .iter()
                    .any(|p| matches!(p, ContentPart::Image { .. }))
            }),
            json_schema: matches!(
                req.params.response_format,
                Some(ResponseFormat::JsonSchema { .. })
            ),
            streaming: req.stream,
        }
    }

    /// The first need `caps` does not meet (`tools`, `vision`, `json_schema`, `streaming`).
    pub fn missing(&self, caps: &Capabilities) -> Option<&'static str> {
        if self.tools && !caps.tools {
            Some("tools")
        } else if self.vision && !caps.vision {
            Some("vision")
        } else if self.json_schema && !caps.json_schema {
            Some("json_schema")
        } else if self.streaming && !caps.streaming {
            Some("streaming")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::types::ToolSpec;

    fn input<'a>(caller: &'a Caller, model: &'a str, tokens: u64) -> RouteInput<'a> {
        RouteInput {
            model,
            prompt: Some("support-reply"),
            caller,
            input_tokens_upper: tokens,
            stream: false,
        }
    }

    #[test]
    fn matches_combine() {
        let c = Caller::default()
            .tenant("acme")
            .feature("chat")
            .tag("data_class", "pii");
        let i = input(&c, "fast", 100);
        assert!(Match::model("fast").matches(&i));
        assert!(!Match::model("fas").matches(&i));
        assert!(Match::prompt("support-reply").matches(&i));
        assert!(Match::feature("chat").matches(&i));
        assert!(Match::tag("data_class", "pii").matches(&i));
        assert!(!Match::tag("data_class", "public").matches(&i));
        assert!(Match::tokens_over(99).matches(&i));
        assert!(!Match::tokens_over(100).matches(&i));
        assert!(
            Match::tenant("acme")
                .and(Match::feature("chat"))
                .matches(&i)
        );
        assert!(!Match::tenant("acme").and(Match::Stream).matches(&i));
        assert!(
            Match::tenant("other")
                .or(Match::feature("chat"))
                .matches(&i)
        );
        assert!(Match::tenant("other").not().matches(&i));
        assert!(Match::tenant("a").and(Match::tokens_over(3)).uses_tokens());
        assert!(!Match::tenant("a").not().uses_tokens());
    }

    #[test]
    fn policy_patterns() {
        let p = Policy::deny("x")
            .deployments(["azure-*", "exact"])
            .providers(["openai"])
            .groups(["premium"]);
        assert!(p.denies_deployment("azure-eu", "azure"));
        assert!(p.denies_deployment("exact", "local"));
        assert!(!p.denies_deployment("exactly", "local"));
        assert!(p.denies_deployment("whatever", "openai"));
        assert!(p.denies_group("premium"));
        assert!(!p.denies_group("premium-2"));
        assert!(p.reason_text().contains("always"));
    }

    #[test]
    fn size_bounds_tokens_and_needs() {
        let req = ChatRequest::new("m")
            .system("héllo") // 6 bytes
            .user_parts(vec![
                ContentPart::text("ab"),
                ContentPart::image_url("https://x/y.png"),
            ])
            .tool(ToolSpec::new(
                "f",
                "does f",
                serde_json::json!({"type": "object"}),
            ));
        let s = RequestSize::of(&req);
        let tool_bytes = serde_json::to_vec(&req.tools[0]).unwrap().len() as u64;
        assert_eq!(
            s.input_upper,
            2 * MESSAGE_OVERHEAD_TOKENS + 6 + 2 + IMAGE_TOKENS_UPPER + tool_bytes
        );
        let n = Needs::of(&req);
        assert!(n.tools && n.vision && !n.json_schema && !n.streaming);
        let mut caps = Capabilities::all();
        assert_eq!(n.missing(&caps), None);
        caps.vision = false;
        assert_eq!(n.missing(&caps), Some("vision"));
    }
}
