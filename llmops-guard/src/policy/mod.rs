//! The tool policy: [`ToolPolicy`], a [`ToolGate`] that decides for each tool call the model
//! asks for whether it runs, is refused, or waits for a human.
//!
//! For a call, in this order:
//!
//! 1. **roles**: the tool's [`ToolRule`] must list one of the caller's roles
//!    ([`Caller::roles`]), or `*`. A tool without a rule is denied to everyone (deny by
//!    default); a caller without roles (or an unknown one) gets only the tools allowed for `*`.
//! 2. **arguments**: the size of the argument text, then its JSON Schema (the tool's
//!    [`ToolSpec`] `parameters`, compiled once when the policy is built), the longest string,
//!    then each [`Constraint`] (allow-lists, ranges, lengths at JSON pointers).
//! 3. **rate limits**: one bucket per tool and per caller key ([`LimitKey`]) in a
//!    [`LimitStore`] (in memory by default; the Redis store shares them between processes).
//! 4. **approval**: a high-risk tool's call that passed everything above is
//!    [`GateDecision::RequireApproval`]; an invalid call is never sent for approval.
//!
//! A refusal is [`GateDecision::Deny`] with a reason naming the tool, the roles, the argument
//! path and the rule that failed, never an argument's value (the reason goes back to the model
//! and into the audit trail).
//!
//! **Tool results cannot widen permissions.** The policy reads the caller (set by the host on
//! the request) and the call (tool name and arguments) and nothing else: not the conversation,
//! not retrieved text, not earlier tool results. Whatever a document or a tool result says
//! ("you may now call delete_all"), the next call is judged by the same rules.
//!
//! **Cost.** Every decision is deterministic for a given caller, call and bucket state. Role
//! checks are a binary search, the size check reads a length, and a rule without schema or
//! constraints checks the JSON syntax without building a value. Allowing a call allocates only
//! the parsed arguments (a `serde_json::Value`, which the schema validator needs) and what the
//! limit store does; bucket keys are written on the stack; reasons are built only for
//! refusals. (`ToolGate::admit` itself boxes its future, as every `async_trait` method does.)
//!
//! ```
//! use std::sync::Arc;
//! use llmops_core::{Caller, Exchange, GateDecision, ToolCall, ToolGate, ToolSpec};
//! use llmops_guard::policy::{Constraint, ToolPolicy, ToolRule};
//! use serde_json::json;
//! # tokio::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
//! let email = ToolSpec::new("send_email", "Sends an e-mail", json!({
//!     "type": "object",
//!     "properties": { "to": { "type": "string" }, "body": { "type": "string" } },
//!     "required": ["to", "body"]
//! }));
//! let policy = ToolPolicy::builder()
//!     .spec(&email)
//!     .tool(ToolRule::new("send_email").role("support")
//!         .constraint(Constraint::at("/to").suffix("@ourcompany.com")))
//!     .build()?;
//!
//! let support = Exchange::new("req-1", Arc::new(Caller::default().role("support")), "m", false);
//! let ok = ToolCall::new("c1", "send_email", r#"{"to": "ann@ourcompany.com", "body": "hi"}"#);
//! assert_eq!(policy.admit(&ok, &support).await?, GateDecision::Allow);
//!
//! let leak = ToolCall::new("c2", "send_email", r#"{"to": "me@evil.example", "body": "the list"}"#);
//! let GateDecision::Deny { reason } = policy.admit(&leak, &support).await? else { panic!() };
//! assert_eq!(reason, "argument `/to` of `send_email` is not in its allow-list");
//!
//! let anon = Exchange::new("req-2", Arc::new(Caller::default()), "m", false);
//! let GateDecision::Deny { reason } = policy.admit(&ok, &anon).await? else { panic!() };
//! assert_eq!(reason, "tool `send_email` is not allowed for a caller without roles");
//! # Ok::<(), llmops_core::Error>(())
//! # }).unwrap();
//! ```
//!
//! [`Caller::roles`]: llmops_core::Caller::roles
//! [`ToolSpec`]: llmops_core::ToolSpec
//! [`LimitStore`]: llmops_core::routing::LimitStore

mod constraint;
mod error;
mod file;
mod limit;
mod rule;
mod text;

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use llmops_core::routing::{Grant, LimitStore, MemoryLimitStore, Rate, Take};
use llmops_core::{Caller, Exchange, GateDecision, ToolCall, ToolGate, ToolSpec};
use serde_json::Value;

pub use constraint::Constraint;
pub use error::PolicyError;
pub use limit::{LimitKey, MAX_RATE_LIMITS, StoreFailure, ToolRateLimit};
pub use rule::{EVERYONE, ToolRule};

use limit::{KeyBuf, retry_secs};
use rule::CompiledRule;
use text::{Clipped, RoleList};

/// Which tools a caller may call, with which arguments, how often, and which need approval.
/// Built once (schemas and patterns compiled) with [`ToolPolicy::builder`] or from a file
/// ([`ToolPolicy::from_file`]); shared as `Arc<ToolPolicy>` by every request. See the
/// [module docs](self) for the order of checks.
pub struct ToolPolicy {
    rules: HashMap<Box<str>, CompiledRule>,
    store: Arc<dyn LimitStore>,
    on_store_error: StoreFailure,
}

impl std::fmt::Debug for ToolPolicy {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut tools: Vec<&str> = self.rules.keys().map(|k| &**k).collect();
        tools.sort_unstable();
        f.debug_struct("ToolPolicy")
            .field("tools", &tools)
            .field("store", &self.store.name())
            .field("on_store_error", &self.on_store_error)
            .finish()
    }
}

impl ToolPolicy {
    /// An empty builder (a policy that denies every tool until rules are added).
    pub fn builder() -> ToolPolicyBuilder {
        ToolPolicyBuilder::default()
    }

    /// A builder holding the rules of a policy file's text; `origin` names it in errors. Add
    /// the tools' specs (their schemas) and a shared limit store, then
    /// [`build`](ToolPolicyBuilder::build). The format is in `docs/guard.md` (“Tool policy”).
    ///
    /// ```
    /// use llmops_core::ToolSpec;
    /// use llmops_guard::policy::ToolPolicy;
    /// let text = r#"
    /// [tools.search_docs]
    /// roles = ["*"]
    ///
    /// [tools.refund]
    /// roles = ["billing"]
    /// approval = "refunds move money"
    /// [[tools.refund.constraint]]
    /// at = "/amount"
    /// min = 0
    /// max = 500
    /// "#;
    /// let refund = ToolSpec::new("refund", "", serde_json::json!({"type": "object"}));
    /// let search = ToolSpec::new("search_docs", "", serde_json::json!({"type": "object"}));
    /// let policy = ToolPolicy::from_toml_str(text, "policy.toml")?
    ///     .specs([&refund, &search])
    ///     .build()?;
    /// assert_eq!(policy.tools().collect::<Vec<_>>(), ["refund", "search_docs"]);
    /// # Ok::<(), llmops_guard::policy::PolicyError>(())
    /// ```
    pub fn from_toml_str(text: &str, origin: &str) -> Result<ToolPolicyBuilder, PolicyError> {
        file::parse(text, origin)
    }

    /// A builder holding the rules of a policy file. Errors name the file, line and column
    /// and the bad field.
    pub fn from_file(path: impl AsRef<Path>) -> Result<ToolPolicyBuilder, PolicyError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| PolicyError::Read {
            path: path.display().to_string(),
            message: e.to_string(),
        })?;
        file::parse(&text, &path.display().to_string())
    }

    /// The tools that have a rule, sorted.
    pub fn tools(&self) -> impl Iterator<Item = &str> {
        let mut names: Vec<&str> = self.rules.keys().map(|k| &**k).collect();
        names.sort_unstable();
        names.into_iter()
    }

    /// Whether `caller`'s roles allow `tool` at all (what to offer the model: a tool the
    /// caller may not call need not be in the request).
    ///
    /// ```
    /// use llmops_core::Caller;
    /// use llmops_guard::policy::{ToolPolicy, ToolRule};
    /// let p = ToolPolicy::builder()
    ///     .tool(ToolRule::new("search").everyone())
    ///     .tool(ToolRule::new("refund").role("billing"))
    ///     .build()?;
    /// assert!(p.may_call("search", &Caller::default()));
    /// assert!(!p.may_call("refund", &Caller::default().role("support")));
    /// # Ok::<(), llmops_guard::policy::PolicyError>(())
    /// ```
    pub fn may_call(&self, tool: &str, caller: &Caller) -> bool {
        self.rules
            .get(tool)
            .is_some_and(|r| r.admits(&caller.roles))
    }

    /// Decides about `call` for `caller` (what [`ToolGate::admit`] does with the exchange's
    /// caller).
    pub async fn decide(&self, call: &ToolCall, caller: &Caller) -> GateDecision {
        let rule = match self.rules.get(call.name.as_str()) {
            Some(r) if r.admits(&caller.roles) => r,
            _ => {
                return GateDecision::Deny {
                    reason: format!(
                        "tool `{}` is not allowed for {}",
                        Clipped(&call.name),
                        RoleList(&caller.roles)
                    ),
                };
            }
        };
        if let Err(reason) = rule.check_args(&call.arguments) {
            return GateDecision::Deny { reason };
        }
        if let Some(refusal) = self.take(rule, caller).await {
            return refusal;
        }
        match &rule.approval {
            Some(reason) => GateDecision::RequireApproval {
                reason: reason.clone(),
            },
            None => GateDecision::Allow,
        }
    }

    /// Takes one unit from every bucket of the rule; a refusal when any is out.
    async fn take(&self, rule: &CompiledRule, caller: &Caller) -> Option<GateDecision> {
        if rule.limits.is_empty() {
            return None;
        }
        let mut keys: [KeyBuf; MAX_RATE_LIMITS] = Default::default();
        for ((i, l), k) in rule.limits.iter().enumerate().zip(keys.iter_mut()) {
            k.write_key(&rule.name, i, l.key, caller);
        }
        let takes: [Take<'_>; MAX_RATE_LIMITS] = std::array::from_fn(|i| Take {
            key: keys.get(i).map_or("", KeyBuf::as_str),
            amount: 1,
            rate: rule
                .limits
                .get(i)
                .map_or(Rate::per_minute(1), ToolRateLimit::rate),
        });
        let takes = takes.get(..rule.limits.len()).unwrap_or_default();
        let tool = Clipped(&rule.name);
        let limits = Limits(&rule.limits);
        match self.store.try_take(takes).await {
            Ok(Grant::Granted) => None,
            Ok(Grant::Wait(d)) => Some(GateDecision::Deny {
                reason: format!(
                    "tool `{tool}` is over its rate limit ({limits}); retry after {}s",
                    retry_secs(d)
                ),
            }),
            Ok(_) => Some(GateDecision::Deny {
                reason: format!("tool `{tool}` is over its rate limit ({limits})"),
            }),
            Err(_) if self.on_store_error == StoreFailure::Allow => None,
            Err(e) => Some(GateDecision::Deny {
                reason: format!(
                    "the rate limit of tool `{tool}` could not be checked (limit store `{}`: {}); refused",
                    self.store.name(),
                    e.class().as_str()
                ),
            }),
        }
    }
}

/// A tool's rate limits, for a reason.
struct Limits<'a>(&'a [ToolRateLimit]);

impl std::fmt::Display for Limits<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, l) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{l}")?;
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl ToolGate for ToolPolicy {
    async fn admit(&self, call: &ToolCall, cx: &Exchange) -> llmops_core::Result<GateDecision> {
        Ok(self.decide(call, cx.caller()).await)
    }
}

/// Builds a [`ToolPolicy`]: rules, the tools' schemas, the limit store.
#[derive(Default)]
pub struct ToolPolicyBuilder {
    rules: Vec<ToolRule>,
    specs: HashMap<String, Value>,
    store: Option<Arc<dyn LimitStore>>,
    on_store_error: StoreFailure,
}

impl std::fmt::Debug for ToolPolicyBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolPolicyBuilder")
            .field("rules", &self.rules)
            .field("specs", &self.specs.keys().collect::<Vec<_>>())
            .field("store", &self.store.as_ref().map(|s| s.name().to_owned()))
            .field("on_store_error", &self.on_store_error)
            .finish()
    }
}

impl ToolPolicyBuilder {
    /// Adds a rule (one per tool).
    #[must_use]
    pub fn tool(mut self, rule: ToolRule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Gives a tool's spec: its `parameters` become the schema the tool's arguments are
    /// validated against (unless its rule has a schema of its own).
    #[must_use]
    pub fn spec(mut self, spec: &ToolSpec) -> Self {
        self.specs
            .insert(spec.name.clone(), spec.parameters.clone());
        self
    }

    /// Gives several tools' specs (a toolbox's).
    #[must_use]
    pub fn specs<'a>(mut self, specs: impl IntoIterator<Item = &'a ToolSpec>) -> Self {
        for s in specs {
            self = self.spec(s);
        }
        self
    }

    /// Where rate-limit buckets live (default: a [`MemoryLimitStore`] of this policy). Give
    /// a shared store (Redis) to share limits between processes.
    #[must_use]
    pub fn limit_store(mut self, store: Arc<dyn LimitStore>) -> Self {
        self.store = Some(store);
        self
    }

    /// What a call gets when the limit store fails (default: [`StoreFailure::Deny`]).
    #[must_use]
    pub fn on_store_error(mut self, f: StoreFailure) -> Self {
        self.on_store_error = f;
        self
    }

    /// Compiles the policy. Errors name the tool: a rule that cannot work, a schema that does
    /// not compile, two rules for one tool, or (when specs were given) a rule for a tool no
    /// spec names (a typo would otherwise leave the tool without its schema).
    pub fn build(self) -> Result<ToolPolicy, PolicyError> {
        let mut rules = HashMap::with_capacity(self.rules.len());
        for r in &self.rules {
            let spec = self.specs.get(&r.name);
            if spec.is_none() && r.schema.is_none() && !self.specs.is_empty() {
                return Err(r.rule_error(
                    "no tool spec of this name was given, so its arguments have no schema (a typo?)",
                ));
            }
            let compiled = r.compile(spec)?;
            if rules.insert(r.name.as_str().into(), compiled).is_some() {
                return Err(r.rule_error("a second rule for the same tool"));
            }
        }
        Ok(ToolPolicy {
            rules,
            store: self
                .store
                .unwrap_or_else(|| Arc::new(MemoryLimitStore::new())),
            on_store_error: self.on_store_error,
        })
    }
}

#[cfg(test)]
mod tests;
