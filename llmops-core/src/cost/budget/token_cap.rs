//! The per-request token budget: a request's input over its [`TokenCap`] is trimmed with the
//! [`TrimPolicy`] (oldest history first, system instructions and the current input kept) or
//! refused with [`Error::BudgetExceeded`].

use std::sync::Arc;

use serde_json::json;

use super::limits::{OverCap, TokenCap};
use crate::error::{BudgetAmount, BudgetRefusal};
use crate::exchange::Exchange;
use crate::tokens::{RequestCounter, TokenBound};
use crate::trim::TrimPolicy;
use crate::types::ChatRequest;
use crate::{Error, Result};

/// What the cap pass did.
pub(crate) struct Capped {
    /// The request's bound, when it was computed and the request was not changed.
    pub(crate) bound: Option<TokenBound>,
    /// `trim` annotation, when the request was trimmed or counted exactly.
    pub(crate) note: Option<serde_json::Value>,
}

/// Fits `req` under the tightest cap that applies to it. The bound (no tokenizer) decides
/// first; the request is counted exactly only when the bound is over the cap.
pub(crate) fn apply(caps: &[TokenCap], trim: &TrimPolicy, req: &mut ChatRequest) -> Result<Capped> {
    let Some(cap) = caps
        .iter()
        .filter(|c| c.applies(&req.caller, &req.model))
        .min_by_key(|c| c.max_input_tokens)
    else {
        return Ok(Capped {
            bound: None,
            note: None,
        });
    };
    let max = cap.max_input_tokens;
    let bound = req.token_upper_bound();
    if bound.input_tokens <= max {
        return Ok(Capped {
            bound: Some(bound),
            note: None,
        });
    }
    let counter = RequestCounter::for_model(&req.model);
    let exact = counter.count(req);
    if exact.tokens <= max {
        return Ok(Capped {
            bound: Some(TokenBound {
                input_tokens: exact.tokens,
                output_tokens: bound.output_tokens,
            }),
            note: Some(json!({"cap": max, "input_tokens": exact.tokens, "trimmed": false})),
        });
    }
    let refuse = |note: String| {
        Error::BudgetExceeded(Box::new(
            BudgetRefusal::new(
                "request_tokens",
                cap.describe(&req.caller),
                "request",
                BudgetAmount::Tokens(max),
            )
            .with_figures(
                BudgetAmount::Tokens(0),
                BudgetAmount::Tokens(0),
                Some(BudgetAmount::Tokens(exact.tokens)),
            )
            .with_note(note),
        ))
    };
    if cap.on_exceed == OverCap::Refuse {
        return Err(refuse(format!(
            "{} input tokens over the per-request cap of {max}",
            exact.tokens
        )));
    }
    let sizes: Vec<u64> = req
        .messages
        .iter()
        .map(|m| counter.count_message(m).tokens)
        .collect();
    // what trimming cannot touch: tool definitions, response schema, reply priming
    let fixed = exact.tokens.saturating_sub(sizes.iter().sum());
    let Some(room) = max.checked_sub(fixed) else {
        return Err(refuse(format!(
            "tool definitions and fixed overhead alone take {fixed} tokens"
        )));
    };
    // counted again per message: only requests over their cap pay for it
    let kept = trim
        .trim_messages(
            &req.messages,
            usize::try_from(room).unwrap_or(usize::MAX),
            |m| usize::try_from(counter.count_message(m).tokens).unwrap_or(usize::MAX),
        )
        .map_err(|e| refuse(format!("trimming cannot fit it: {e}")))?;
    let before = req.messages.len();
    req.messages = Arc::new(kept);
    let after = counter.count(req);
    if after.tokens > max {
        return Err(refuse(format!(
            "trimmed to {} tokens, still over the cap",
            after.tokens
        )));
    }
    Ok(Capped {
        bound: None,
        note: Some(json!({
            "cap": max,
            "input_tokens": exact.tokens,
            "trimmed": true,
            "input_tokens_after": after.tokens,
            "messages_dropped": before - req.messages.len(),
        })),
    })
}

/// Annotates the exchange with what the cap pass did.
pub(crate) fn annotate(cx: &mut Exchange, note: serde_json::Value) {
    cx.annotations
        .insert(super::TRIM_ANNOTATION.to_owned(), note);
}
