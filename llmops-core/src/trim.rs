//! [`TrimPolicy`]: what gives way when the content of a request exceeds its token budget.
//!
//! One policy serves every layer that fits content into a budget: the RAG layer's context
//! builder (system instructions, history, retrieved chunks, tool outputs) and the cost
//! layer's per-request token budget (the messages of a request). Content is described as
//! [`Segment`]s; [`TrimPolicy::plan`] decides which to keep.
//!
//! Rules, in this order of sacrifice by default: drop the lowest-ranked retrieved chunks,
//! then the oldest tool outputs, then the oldest conversation turns. System instructions and
//! the current input are never dropped; the newest `keep_turns` turns neither. When the
//! protected content alone exceeds the budget the plan fails with [`TrimError`] rather than
//! sending a request that cannot fit.
//!
//! ```
//! use llmops_core::trim::{Segment, SegmentKind, TrimPolicy};
//! let segments = [
//!     Segment::new(SegmentKind::System, 50),
//!     Segment::new(SegmentKind::Turn { age: 1 }, 40),
//!     Segment::new(SegmentKind::Chunk { rank: 0 }, 100),
//!     Segment::new(SegmentKind::Chunk { rank: 1 }, 100),
//!     Segment::new(SegmentKind::Input, 20),
//! ];
//! let plan = TrimPolicy::default().plan(&segments, 230)?;
//! assert_eq!(plan.keep, [true, true, true, false, true]); // the rank-1 chunk goes first
//! assert_eq!(plan.tokens, 210);
//! # Ok::<(), llmops_core::trim::TrimError>(())
//! ```

use serde::{Deserialize, Serialize};

use crate::types::{Message, Role};

/// What a segment of assembled content is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SegmentKind {
    /// System instructions: never dropped.
    System,
    /// A conversation turn; `age` 0 is the newest. Segments of one turn (a user message and
    /// its reply) share an age and go together.
    Turn {
        /// 0 = newest.
        age: usize,
    },
    /// A retrieved chunk; `rank` 0 is the best.
    Chunk {
        /// 0 = best.
        rank: usize,
    },
    /// A tool output; `age` 0 is the newest.
    ToolOutput {
        /// 0 = newest.
        age: usize,
    },
    /// The current input (the question): never dropped.
    Input,
}

impl SegmentKind {
    /// Whether no policy may drop it.
    pub fn is_protected(self) -> bool {
        matches!(self, SegmentKind::System | SegmentKind::Input)
    }
}

/// A piece of content and its size in tokens.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Segment {
    /// What it is.
    pub kind: SegmentKind,
    /// Its size in tokens (including any per-message overhead the caller counts).
    pub tokens: usize,
}

impl Segment {
    /// A segment.
    pub fn new(kind: SegmentKind, tokens: usize) -> Self {
        Segment { kind, tokens }
    }
}

/// One step of sacrifice.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum TrimStep {
    /// Drop retrieved chunks, lowest-ranked first.
    DropLowestRankedChunks,
    /// Drop tool outputs, oldest first.
    DropOldestToolOutputs,
    /// Drop conversation turns, oldest first (keeping the newest `keep_turns`).
    DropOldestTurns,
}

/// What gives way when content exceeds a token budget. See the [module docs](self).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TrimPolicy {
    /// The steps, in order; content of a kind no step names is never dropped.
    pub steps: Vec<TrimStep>,
    /// Turns never dropped, counted from the newest (default 1: the last exchange).
    pub keep_turns: usize,
    /// Chunks never dropped, counted from the best (default 0).
    pub keep_chunks: usize,
}

impl Default for TrimPolicy {
    fn default() -> Self {
        TrimPolicy {
            steps: vec![
                TrimStep::DropLowestRankedChunks,
                TrimStep::DropOldestToolOutputs,
                TrimStep::DropOldestTurns,
            ],
            keep_turns: 1,
            keep_chunks: 0,
        }
    }
}

/// Which segments to keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TrimPlan {
    /// One flag per segment, in the order given.
    pub keep: Vec<bool>,
    /// Tokens of the kept segments.
    pub tokens: usize,
    /// Tokens before trimming.
    pub tokens_before: usize,
    /// How many segments were dropped.
    pub dropped: usize,
}

/// The content cannot fit the budget whatever the policy drops.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "content needs at least {required} tokens after trimming (system instructions, input and \
     protected turns/chunks) but the budget is {budget}"
)]
#[non_exhaustive]
pub struct TrimError {
    /// Tokens left after every allowed drop.
    pub required: usize,
    /// The budget.
    pub budget: usize,
}

impl From<TrimError> for crate::Error {
    fn from(e: TrimError) -> Self {
        crate::Error::invalid(e.to_string())
    }
}

impl TrimPolicy {
    /// The default policy with `steps` instead.
    pub fn with_steps(steps: impl IntoIterator<Item = TrimStep>) -> Self {
        TrimPolicy {
            steps: steps.into_iter().collect(),
            ..TrimPolicy::default()
        }
    }

    /// Keeps the newest `n` turns whatever happens.
    #[must_use]
    pub fn keep_turns(mut self, n: usize) -> Self {
        self.keep_turns = n;
        self
    }

    /// Keeps the best `n` chunks whatever happens.
    #[must_use]
    pub fn keep_chunks(mut self, n: usize) -> Self {
        self.keep_chunks = n;
        self
    }

    /// Decides which segments to keep so their tokens fit `budget`.
    pub fn plan(&self, segments: &[Segment], budget: usize) -> Result<TrimPlan, TrimError> {
        let tokens_before: usize = segments.iter().map(|s| s.tokens).sum();
        let mut keep = vec![true; segments.len()];
        let mut total = tokens_before;
        for step in &self.steps {
            if total <= budget {
                break;
            }
            // Groups of this step's kind, in the order they are sacrificed.
            let mut groups: Vec<usize> = segments
                .iter()
                .filter_map(|s| self.order_key(*step, s.kind))
                .collect();
            groups.sort_unstable_by(|a, b| b.cmp(a));
            groups.dedup();
            for g in groups {
                if total <= budget {
                    break;
                }
                for (i, s) in segments.iter().enumerate() {
                    if self.order_key(*step, s.kind) == Some(g)
                        && let Some(k) = keep.get_mut(i)
                        && *k
                    {
                        *k = false;
                        total -= s.tokens;
                    }
                }
            }
        }
        if total > budget {
            return Err(TrimError {
                required: total,
                budget,
            });
        }
        let dropped = keep.iter().filter(|k| !**k).count();
        Ok(TrimPlan {
            keep,
            tokens: total,
            tokens_before,
            dropped,
        })
    }

    /// The sacrifice order of `kind` under `step` (higher goes first), or `None` when the
    /// step does not drop it.
    fn order_key(&self, step: TrimStep, kind: SegmentKind) -> Option<usize> {
        match (step, kind) {
            (TrimStep::DropLowestRankedChunks, SegmentKind::Chunk { rank })
                if rank >= self.keep_chunks =>
            {
                Some(rank)
            }
            (TrimStep::DropOldestToolOutputs, SegmentKind::ToolOutput { age }) => Some(age),
            (TrimStep::DropOldestTurns, SegmentKind::Turn { age }) if age >= self.keep_turns => {
                Some(age)
            }
            _ => None,
        }
    }

    /// Trims a request's messages to `budget` tokens (the cost layer's per-request budget).
    ///
    /// System messages are protected, the last message is the input, tool results are tool
    /// outputs, and the rest are turns: a turn starts at a user message and takes the replies
    /// and tool calls after it. `count` sizes a message (content plus per-message overhead).
    ///
    /// ```
    /// use llmops_core::Message;
    /// use llmops_core::trim::TrimPolicy;
    /// let msgs = vec![
    ///     Message::system("Be brief."),
    ///     Message::user("old question"),
    ///     Message::assistant("old answer"),
    ///     Message::user("new question"),
    /// ];
    /// let kept = TrimPolicy::default().keep_turns(0).trim_messages(&msgs, 25, |m| m.text().len())?;
    /// assert_eq!(kept.len(), 2); // the old turn went
    /// # Ok::<(), llmops_core::trim::TrimError>(())
    /// ```
    pub fn trim_messages(
        &self,
        messages: &[Message],
        budget: usize,
        count: impl Fn(&Message) -> usize,
    ) -> Result<Vec<Message>, TrimError> {
        let segments = message_segments(messages, &count);
        let plan = self.plan(&segments, budget)?;
        Ok(messages
            .iter()
            .zip(plan.keep)
            .filter(|(_, k)| *k)
            .map(|(m, _)| m.clone())
            .collect())
    }
}

/// The segments of a message list: see [`TrimPolicy::trim_messages`].
pub fn message_segments(messages: &[Message], count: impl Fn(&Message) -> usize) -> Vec<Segment> {
    let last = messages.len().saturating_sub(1);
    // Ages: count user messages from the end (excluding the input).
    let mut out = Vec::with_capacity(messages.len());
    let mut turn_age = 0usize;
    let mut tool_age = 0usize;
    let mut kinds = vec![SegmentKind::Input; messages.len()];
    for (i, m) in messages.iter().enumerate().rev() {
        let kind = if m.role == Role::System {
            SegmentKind::System
        } else if i == last {
            SegmentKind::Input
        } else if m.role == Role::Tool {
            let k = SegmentKind::ToolOutput { age: tool_age };
            tool_age += 1;
            k
        } else {
            let k = SegmentKind::Turn { age: turn_age };
            if m.role == Role::User {
                turn_age += 1;
            }
            k
        };
        if let Some(slot) = kinds.get_mut(i) {
            *slot = kind;
        }
    }
    for (m, kind) in messages.iter().zip(kinds) {
        out.push(Segment::new(kind, count(m)));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    fn seg(kind: SegmentKind, tokens: usize) -> Segment {
        Segment::new(kind, tokens)
    }

    #[test]
    fn fits_untouched() {
        let s = [seg(SegmentKind::System, 10), seg(SegmentKind::Input, 5)];
        let plan = TrimPolicy::default().plan(&s, 15).unwrap();
        assert_eq!(plan.keep, [true, true]);
        assert_eq!(plan.dropped, 0);
    }

    #[test]
    fn chunks_then_tools_then_oldest_turns() {
        let s = [
            seg(SegmentKind::System, 10),
            seg(SegmentKind::Turn { age: 2 }, 10),
            seg(SegmentKind::Turn { age: 2 }, 10),
            seg(SegmentKind::Turn { age: 1 }, 10),
            seg(SegmentKind::Turn { age: 0 }, 10),
            seg(SegmentKind::ToolOutput { age: 0 }, 10),
            seg(SegmentKind::Chunk { rank: 0 }, 10),
            seg(SegmentKind::Chunk { rank: 1 }, 10),
            seg(SegmentKind::Input, 10),
        ];
        let p = TrimPolicy::default();
        assert_eq!(
            p.plan(&s, 80).unwrap().keep,
            [true, true, true, true, true, true, true, false, true]
        );
        assert_eq!(
            p.plan(&s, 60).unwrap().keep,
            [true, true, true, true, true, false, false, false, true]
        );
        // the two messages of the oldest turn go together
        assert_eq!(
            p.plan(&s, 40).unwrap().keep,
            [true, false, false, true, true, false, false, false, true]
        );
        // keep_turns = 1 protects age 0
        let e = p.plan(&s, 25).unwrap_err();
        assert_eq!(e.required, 30);
        assert_eq!(e.budget, 25);
    }

    #[test]
    fn protected_content_over_budget_is_an_error() {
        let s = [seg(SegmentKind::System, 100), seg(SegmentKind::Input, 10)];
        assert!(TrimPolicy::default().plan(&s, 50).is_err());
    }

    #[test]
    fn steps_not_named_are_never_taken() {
        let s = [
            seg(SegmentKind::Turn { age: 3 }, 50),
            seg(SegmentKind::Chunk { rank: 0 }, 50),
        ];
        let p = TrimPolicy::with_steps([TrimStep::DropLowestRankedChunks]).keep_turns(0);
        assert_eq!(p.plan(&s, 50).unwrap().keep, [true, false]);
        assert!(p.plan(&s, 40).is_err());
        let keep_best = TrimPolicy::default().keep_chunks(1).keep_turns(0);
        assert_eq!(keep_best.plan(&s, 50).unwrap().keep, [false, true]);
    }

    #[test]
    fn message_segments_classify_turns_and_tools() {
        let msgs = vec![
            Message::system("s"),
            Message::user("u1"),
            Message::assistant("a1"),
            Message::tool_result("c1", "t"),
            Message::user("u2"),
            Message::assistant("a2"),
            Message::user("now"),
        ];
        let kinds: Vec<_> = message_segments(&msgs, |_| 1)
            .into_iter()
            .map(|s| s.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                SegmentKind::System,
                SegmentKind::Turn { age: 1 },
                SegmentKind::Turn { age: 1 },
                SegmentKind::ToolOutput { age: 0 },
                SegmentKind::Turn { age: 0 },
                SegmentKind::Turn { age: 0 },
                SegmentKind::Input,
            ]
        );
    }
}
