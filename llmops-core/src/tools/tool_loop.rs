//! [`ToolLoop`]: the bounded loop of model turns and tool calls.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt;
use tracing::Instrument;

use crate::approval::Approver;
use crate::audit::AuditSink;
use crate::client::Client;
use crate::exchange::Exchange;
use crate::guardrail::{GuardFinding, Guardrail};
use crate::money::{Cost, Money};
use crate::tool::{Tool, ToolGate};
use crate::types::{Caller, ChatRequest, ChatResponse, ToolChoice, ToolSpec, Usage};
use crate::{Error, Result};

use super::execute::Turn;
use super::outcome::{LoopStop, ToolLoopOutcome};
use super::span;
use super::toolbox::Toolbox;

/// The actor the loop names in audit events and decisions it makes itself (refusing a tool
/// that is not offered, denying for want of an approver).
pub const LOOP_ACTOR: &str = "tool-loop";

/// Decides per caller which tools are offered.
type OfferFn = Arc<dyn Fn(&Caller, &ToolSpec) -> bool + Send + Sync>;

/// A bounded tool loop: model → tool calls → gate → approvals → the calls of the turn run
/// concurrently (at most [`concurrency`](ToolLoop::concurrency) at once, results in call
/// order) → results as `tool` messages → model, until the model answers or a limit stops it
/// ([`LoopStop`]: step limit, cost limit, unknown cost under a cost limit).
///
/// Each model turn is an ordinary [`Client::chat`] exchange (every layer applies, every turn
/// has its record); the records of a turn's tool calls land on the next turn's exchange record
/// (the one whose request carries their results), with the guard findings on their results.
///
/// Least privilege: the tools offered are the toolbox's, filtered by
/// [`offer_if`](ToolLoop::offer_if) on the caller, fixed for the whole run. A call to any
/// other tool is refused (never run) with a tool error to the model, whatever earlier tool
/// results said. The [`ToolGate`] decides every offered call from the caller and its own
/// configuration; [`GateDecision::RequireApproval`](crate::GateDecision::RequireApproval)
/// asks the [`Approver`] and waits at most [`approval_timeout`](ToolLoop::approval_timeout)
/// (denied on timeout, even if the approver hangs). Every decision is on the call's
/// [`ToolCallRecord`](crate::ToolCallRecord) and, with an [`audit`](ToolLoop::audit) sink, in
/// an [`AuditEvent`](crate::AuditEvent) (`tool.gate`, `approval`; actor = who decided).
///
/// ```
/// use llmops_core::{ChatRequest, Client, LoopStop, ScriptedProvider, ToolCx, ToolLoop, Toolbox, tool_fn};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// #[derive(serde::Deserialize, schemars::JsonSchema)]
/// struct Ping {}
/// let ping = tool_fn("ping", "Pings", |_: Ping, _cx: ToolCx| async { Ok("pong") })?;
/// // a model that never stops calling tools
/// let model = ScriptedProvider::new().repeat_with(
///     llmops_core::ChatResponse::new("").with_tool_calls(vec![llmops_core::ToolCall::new("c", "ping", "{}")]));
/// let client = Client::builder().provider(model).build()?;
/// let out = ToolLoop::new(Toolbox::new().with(ping)?)
///     .max_steps(3)
///     .run(&client, ChatRequest::new("scripted/m").user("ping forever"))
///     .await?;
/// assert_eq!(out.stop, LoopStop::StepLimit { max_steps: 3 });
/// assert_eq!(out.steps, 3);
/// assert_eq!(out.tool_calls.len(), 2, "the third turn's call did not run");
/// assert_eq!(out.unexecuted.len(), 1);
/// # Ok::<(), llmops_core::Error>(())
/// # }).unwrap();
/// ```
#[derive(Clone)]
pub struct ToolLoop {
    pub(super) toolbox: Arc<Toolbox>,
    pub(super) gate: Option<Arc<dyn ToolGate>>,
    pub(super) approver: Option<Arc<dyn Approver>>,
    pub(super) approval_timeout: Duration,
    pub(super) max_steps: u32,
    pub(super) max_cost: Option<Money>,
    pub(super) concurrency: usize,
    pub(super) audit: Option<Arc<dyn AuditSink>>,
    pub(super) result_guards: Vec<Arc<dyn Guardrail>>,
    pub(super) offer: Option<OfferFn>,
    pub(super) tool_timeout: Option<Duration>,
    pub(super) reset_tool_choice: bool,
}

impl std::fmt::Debug for ToolLoop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ToolLoop")
            .field("toolbox", &self.toolbox)
            .field("gate", &self.gate.is_some())
            .field("approver", &self.approver.is_some())
            .field("approval_timeout", &self.approval_timeout)
            .field("max_steps", &self.max_steps)
            .field("max_cost", &self.max_cost)
            .field("concurrency", &self.concurrency)
            .field("audit", &self.audit.is_some())
            .field(
                "result_guards",
                &self
                    .result_guards
                    .iter()
                    .map(|g| g.name())
                    .collect::<Vec<_>>(),
            )
            .field("tool_timeout", &self.tool_timeout)
            .finish_non_exhaustive()
    }
}

/// Default [`ToolLoop::max_steps`].
pub(super) const DEFAULT_MAX_STEPS: u32 = 10;
/// Default [`ToolLoop::concurrency`].
pub(super) const DEFAULT_CONCURRENCY: usize = 4;
/// Default [`ToolLoop::approval_timeout`].
pub(super) const DEFAULT_APPROVAL_TIMEOUT: Duration = Duration::from_secs(300);

/// The tools offered in one run, by name.
pub(super) struct Offered {
    pub(super) tools: HashMap<String, Arc<dyn Tool>>,
    pub(super) names: Vec<String>,
}

impl Offered {
    pub(super) fn get(&self, name: &str) -> Option<&Arc<dyn Tool>> {
        self.tools.get(name)
    }
}

impl ToolLoop {
    /// A loop over `toolbox`: at most 10 model turns, 4 tool calls at a time, approvals
    /// waited for at most 5 minutes, no gate (every offered call runs), no cost limit.
    pub fn new(toolbox: Toolbox) -> Self {
        ToolLoop {
            toolbox: Arc::new(toolbox),
            gate: None,
            approver: None,
            approval_timeout: DEFAULT_APPROVAL_TIMEOUT,
            max_steps: DEFAULT_MAX_STEPS,
            max_cost: None,
            concurrency: DEFAULT_CONCURRENCY,
            audit: None,
            result_guards: Vec::new(),
            offer: None,
            tool_timeout: None,
            reset_tool_choice: true,
        }
    }

    /// The gate every call passes (llmops-guard's `ToolPolicy`, or yours).
    #[must_use]
    pub fn gate(self, g: impl ToolGate) -> Self {
        self.gate_arc(Arc::new(g))
    }

    /// A shared gate.
    #[must_use]
    pub fn gate_arc(mut self, g: Arc<dyn ToolGate>) -> Self {
        self.gate = Some(g);
        self
    }

    /// The approver asked when the gate requires approval (without one, such calls are
    /// denied).
    #[must_use]
    pub fn approver(self, a: impl Approver) -> Self {
        self.approver_arc(Arc::new(a))
    }

    /// A shared approver.
    #[must_use]
    pub fn approver_arc(mut self, a: Arc<dyn Approver>) -> Self {
        self.approver = Some(a);
        self
    }

    /// How long an approval may take: the request's `timeout`, also enforced by the loop
    /// (an approver that hangs is a timeout denial). Default 5 minutes.
    #[must_use]
    pub fn approval_timeout(mut self, d: Duration) -> Self {
        self.approval_timeout = d;
        self
    }

    /// At most this many model turns (at least 1; default 10). When the model still calls
    /// tools in the last turn, those calls do not run: [`LoopStop::StepLimit`].
    #[must_use]
    pub fn max_steps(mut self, n: u32) -> Self {
        self.max_steps = n;
        self
    }

    /// Stop once the turns so far cost this much ([`LoopStop::CostLimit`]); a turn whose cost
    /// is unknown then stops the loop too ([`LoopStop::CostUnknown`]). Costs come from the
    /// client's pricer (the cost layer).
    #[must_use]
    pub fn max_cost(mut self, m: Money) -> Self {
        self.max_cost = Some(m);
        self
    }

    /// At most this many tool calls of one turn run at once (at least 1; default 4).
    #[must_use]
    pub fn concurrency(mut self, k: usize) -> Self {
        self.concurrency = k;
        self
    }

    /// Where gate and approval decisions are audited.
    #[must_use]
    pub fn audit(mut self, sink: Arc<dyn AuditSink>) -> Self {
        self.audit = Some(sink);
        self
    }

    /// A guard on tool results (`TextSource::ToolResult`), after those added before: a block
    /// replaces the result with a refusal text, a redact rewrites it, a hold asks the
    /// approver (withheld unless approved), a flag is recorded.
    #[must_use]
    pub fn guard_results(self, g: impl Guardrail) -> Self {
        self.guard_results_arc(Arc::new(g))
    }

    /// A shared guard on tool results.
    #[must_use]
    pub fn guard_results_arc(mut self, g: Arc<dyn Guardrail>) -> Self {
        self.result_guards.push(g);
        self
    }

    /// Offers only the tools for which `f(caller, spec)` holds (default: all). Decided once
    /// per run from the caller and the configuration.
    #[must_use]
    pub fn offer_if(
        mut self,
        f: impl Fn(&Caller, &ToolSpec) -> bool + Send + Sync + 'static,
    ) -> Self {
        self.offer = Some(Arc::new(f));
        self
    }

    /// A tool that runs longer is stopped and the model gets a timeout error (default: none).
    #[must_use]
    pub fn tool_timeout(mut self, d: Duration) -> Self {
        self.tool_timeout = Some(d);
        self
    }

    /// Whether the request's `tool_choice` is cleared after the first turn (default true,
    /// unless it is [`ToolChoice::None`]), so a forced call is not forced again in every turn.
    #[must_use]
    pub fn reset_tool_choice(mut self, on: bool) -> Self {
        self.reset_tool_choice = on;
        self
    }

    /// The toolbox.
    pub fn toolbox(&self) -> &Toolbox {
        &self.toolbox
    }

    /// The tools offered to `caller`.
    pub fn offered_to(&self, caller: &Caller) -> Vec<ToolSpec> {
        self.offered(caller)
            .names
            .iter()
            .filter_map(|n| self.toolbox.get(n))
            .map(|t| t.spec().clone())
            .collect()
    }

    pub(super) fn offered(&self, caller: &Caller) -> Offered {
        let mut tools = HashMap::new();
        let mut names = Vec::new();
        for t in self.toolbox.iter() {
            let spec = t.spec();
            if self.offer.as_ref().is_none_or(|f| f(caller, spec)) {
                names.push(spec.name.clone());
                tools.insert(spec.name.clone(), t.clone());
            }
        }
        Offered { tools, names }
    }

    /// Runs the loop for `req` on `client`. The request must not carry tools of its own (the
    /// loop offers its toolbox's); its caller decides what is offered.
    ///
    /// Errors: a bad configuration (`max_steps` or `concurrency` 0) or a request with its own
    /// tools ([`Error::Config`], [`Error::InvalidRequest`]); a model turn that fails (its
    /// error, as `client.chat` returns it); an audit sink that fails (the call it was
    /// auditing does not run). Tool failures are not errors: the model gets them as tool
    /// results.
    pub async fn run(&self, client: &Client, req: ChatRequest) -> Result<ToolLoopOutcome> {
        if self.max_steps == 0 {
            return Err(Error::config(
                "the tool loop's max_steps must be at least 1",
            ));
        }
        if self.concurrency == 0 {
            return Err(Error::config(
                "the tool loop's concurrency must be at least 1",
            ));
        }
        if !req.tools.is_empty() {
            return Err(Error::invalid(
                "the tool loop offers its toolbox's tools: leave the request's `tools` empty",
            ));
        }
        self.run_inner(client, req)
            .instrument(span::agent_span())
            .await
    }

    async fn run_inner(&self, client: &Client, mut req: ChatRequest) -> Result<ToolLoopOutcome> {
        let offered = self.offered(&req.caller);
        req.tools = Arc::new(
            offered
                .names
                .iter()
                .filter_map(|n| offered.get(n))
                .map(|t| t.spec().clone())
                .collect(),
        );
        let mut acc = Accumulated::default();
        let mut pending: (Vec<crate::ToolCallRecord>, Vec<GuardFinding>) = Default::default();
        loop {
            acc.steps += 1;
            let (records, findings) = std::mem::take(&mut pending);
            let resp = client
                .chat_with(req.clone(), move |ex| {
                    ex.tool_calls = records;
                    ex.guard_findings.extend(findings);
                })
                .await?;
            acc.add_turn(&resp);
            let calls = resp.tool_calls().to_vec();
            if calls.is_empty() {
                return Ok(acc.finish(resp, LoopStop::Answered, Vec::new()));
            }
            if let Some(stop) = self.limit_reached(&acc) {
                return Ok(acc.finish(resp, stop, calls));
            }
            if self.reset_tool_choice
                && req
                    .params
                    .tool_choice
                    .as_ref()
                    .is_some_and(|c| *c != ToolChoice::None)
            {
                req.params.tool_choice = None;
            }
            let turn = turn_view(&resp, &req);
            req = req.message(resp.message.clone());
            acc.messages.push(resp.message.clone());
            let results: Vec<Result<super::execute::Executed>> =
                futures_util::stream::iter(calls.iter().map(|c| self.execute(c, &offered, &turn)))
                    .buffered(self.concurrency)
                    .collect()
                    .await;
            for r in results {
                let done = r?;
                req = req.message(done.message.clone());
                acc.messages.push(done.message);
                pending.1.extend(done.record.guard_findings.iter().cloned());
                pending.0.push(done.record.clone());
                acc.tool_calls.push(done.record);
            }
        }
    }

    fn limit_reached(&self, acc: &Accumulated) -> Option<LoopStop> {
        if acc.steps >= self.max_steps {
            return Some(LoopStop::StepLimit {
                max_steps: self.max_steps,
            });
        }
        let max = self.max_cost.as_ref()?;
        match acc.cost.as_ref()? {
            Cost::Unknown { reason } => Some(LoopStop::CostUnknown {
                reason: reason.clone(),
            }),
            Cost::Known(spent) if spent.currency != max.currency => Some(LoopStop::CostUnknown {
                reason: format!(
                    "the turns cost {} but the limit is in {}",
                    spent.currency, max.currency
                ),
            }),
            Cost::Known(spent) if spent.amount >= max.amount => Some(LoopStop::CostLimit {
                spent: spent.clone(),
                max: max.clone(),
            }),
            Cost::Known(_) => None,
        }
    }
}

/// The exchange of the turn that asked for the calls, as the gate and the guards see it:
/// rebuilt from the turn's response (request id, caller, model, prompt version, trace id,
/// cost, cache outcome, guard findings), since the turn's own exchange is finalised by now.
fn turn_view(resp: &ChatResponse, req: &ChatRequest) -> Turn {
    let m = &resp.meta;
    let mut ex = Exchange::new(
        m.request_id.clone(),
        req.caller.clone(),
        m.model_requested.clone(),
        false,
    );
    ex.prompt.clone_from(&m.prompt);
    ex.trace_id.clone_from(&m.trace_id);
    ex.cost = Some(m.cost.clone());
    ex.cache.clone_from(&m.cache);
    ex.guard_findings.clone_from(&m.guard_findings);
    Turn {
        exchange: ex,
        caller: req.caller.clone(),
    }
}

/// What the turns so far add up to.
#[derive(Default)]
struct Accumulated {
    steps: u32,
    usage: Usage,
    cost: Option<Cost>,
    tool_calls: Vec<crate::ToolCallRecord>,
    messages: Vec<crate::types::Message>,
    request_ids: Vec<String>,
}

impl Accumulated {
    fn add_turn(&mut self, resp: &ChatResponse) {
        self.usage.add(&resp.usage);
        self.cost = Some(match &self.cost {
            None => resp.meta.cost.clone(),
            Some(c) => c.plus(&resp.meta.cost),
        });
        self.request_ids.push(resp.meta.request_id.clone());
    }

    fn finish(
        self,
        response: ChatResponse,
        stop: LoopStop,
        unexecuted: Vec<crate::types::ToolCall>,
    ) -> ToolLoopOutcome {
        ToolLoopOutcome {
            response,
            stop,
            steps: self.steps,
            tool_calls: self.tool_calls,
            unexecuted,
            messages: self.messages,
            usage: self.usage,
            cost: self.cost.unwrap_or_default(),
            request_ids: self.request_ids,
        }
    }
}
