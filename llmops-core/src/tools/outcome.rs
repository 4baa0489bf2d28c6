//! [`ToolLoopOutcome`] and [`LoopStop`]: what a tool loop ended with, and why.

use serde::{Deserialize, Serialize};

use crate::money::{Cost, Money};
use crate::tool::ToolCallRecord;
use crate::types::{ChatResponse, Message, ToolCall, Usage};

/// Why a tool loop stopped. Limits stop the loop with an outcome (not an error), so the
/// caller keeps the records, usage and cost of every turn.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "stop", rename_all = "snake_case")]
#[non_exhaustive]
pub enum LoopStop {
    /// The model answered without calling a tool.
    Answered,
    /// The model still called tools after `max_steps` model turns; those calls did not run.
    StepLimit {
        /// The limit.
        max_steps: u32,
    },
    /// The cost of the turns so far reached `max` (checked after each model turn, before its
    /// tools run: the last turn may take the total past `max`).
    CostLimit {
        /// Cost of the turns so far.
        spent: Money,
        /// The limit.
        max: Money,
    },
    /// A cost limit is set but a turn's cost is unknown (no pricer, a model without a price,
    /// another currency): the loop stops rather than run unmetered.
    CostUnknown {
        /// Why the cost is unknown.
        reason: String,
    },
}

impl LoopStop {
    /// `answered`, `step_limit`, `cost_limit` or `cost_unknown`.
    pub fn as_str(&self) -> &'static str {
        match self {
            LoopStop::Answered => "answered",
            LoopStop::StepLimit { .. } => "step_limit",
            LoopStop::CostLimit { .. } => "cost_limit",
            LoopStop::CostUnknown { .. } => "cost_unknown",
        }
    }
}

/// What a [`ToolLoop::run`](super::ToolLoop::run) ended with.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct ToolLoopOutcome {
    /// The last model response: the answer when [`stop`](ToolLoopOutcome::stop) is
    /// [`LoopStop::Answered`], otherwise the turn that asked for the calls that did not run.
    pub response: ChatResponse,
    /// Why the loop stopped.
    pub stop: LoopStop,
    /// Model turns made (each an ordinary exchange with its own record).
    pub steps: u32,
    /// Every tool call handled, in turn and call order, with its decisions.
    pub tool_calls: Vec<ToolCallRecord>,
    /// Calls of the last turn that did not run because a limit stopped the loop.
    pub unexecuted: Vec<ToolCall>,
    /// The messages the loop added to the conversation: each turn's assistant message with
    /// its tool calls and the `tool` results (not the final answer, which is `response`).
    pub messages: Vec<Message>,
    /// Usage over all turns.
    pub usage: Usage,
    /// Cost over all turns (unknown if any turn's is).
    pub cost: Cost,
    /// The request ids of the turns, in order.
    pub request_ids: Vec<String>,
}

impl ToolLoopOutcome {
    /// Whether the model answered (no limit stopped the loop).
    pub fn is_answered(&self) -> bool {
        matches!(self.stop, LoopStop::Answered)
    }

    /// The answer's text when the model answered.
    pub fn answer(&self) -> Option<String> {
        self.is_answered().then(|| self.response.text())
    }
}
