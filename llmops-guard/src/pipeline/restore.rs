//! Restoring redacted values in the answer: [`GuardMapping`] (kept on the exchange) and
//! [`RestoreTap`] (streams, with tokens split across chunks).

use std::sync::Arc;

use llmops_core::{StreamEvent, StreamTap, Tap};

use crate::pii::{Mapping, restore};

/// The tokens (placeholders, pseudonyms) the input guards put into an exchange's request and
/// the values they stand for. A [`GuardSet`](super::GuardSet) keeps it in the exchange's
/// [`extensions`](llmops_core::Exchange::extensions) for middleware after the guard stage; it
/// holds personal data: it lives as long as the exchange, never in records or logs (`Debug`
/// shows only its size).
#[derive(Debug, Clone, Default)]
pub struct GuardMapping(pub Arc<Mapping>);

impl GuardMapping {
    /// The mapping.
    pub fn mapping(&self) -> &Mapping {
        &self.0
    }
}

/// Restores the tokens of a [`Mapping`] in streamed output. A `<` that may begin a token
/// (no `>` yet, fewer bytes than the longest token) is held back until the token is complete
/// or cannot be one, so a token split across chunks is still restored.
///
/// ```
/// use std::sync::Arc;
/// use llmops_core::{StreamEvent, StreamTap};
/// use llmops_guard::pii::{redact, PiiScanner, RedactionMode};
/// use llmops_guard::pipeline::RestoreTap;
/// let prompt = "I am ann@example.com";
/// let red = redact(prompt, &PiiScanner::new().scan(prompt), &RedactionMode::Placeholder);
/// let mut tap = RestoreTap::new(Arc::new(red.mapping));
/// let mut out = String::new();
/// for chunk in ["Hello <EMA", "IL_1>, welcome"] {
///     let mut ev = StreamEvent::delta(chunk);
///     tap.on_event(&mut ev);
///     if let StreamEvent::Delta { text } = ev { out.push_str(&text) }
/// }
/// assert_eq!(out, "Hello ann@example.com, welcome");
/// ```
#[derive(Debug)]
pub struct RestoreTap {
    mapping: Arc<Mapping>,
    max: usize,
    held: String,
}

impl RestoreTap {
    /// A tap restoring the tokens of `mapping`.
    pub fn new(mapping: Arc<Mapping>) -> Self {
        let max = mapping.max_token_len();
        RestoreTap {
            mapping,
            max,
            held: String::new(),
        }
    }
}

impl StreamTap for RestoreTap {
    fn name(&self) -> &str {
        "restore"
    }

    fn on_event(&mut self, ev: &mut StreamEvent) -> Tap {
        if let StreamEvent::Delta { text } = ev {
            if self.held.is_empty() && !text.contains('<') {
                return Tap::Pass;
            }
            self.held.push_str(text);
            let keep_from = match self.held.rfind('<') {
                Some(p)
                    if self.held.len() - p < self.max
                        && self.held.get(p..).is_some_and(|t| !t.contains('>')) =>
                {
                    p
                }
                _ => self.held.len(),
            };
            let rest = self.held.split_off(keep_from);
            let ready = std::mem::replace(&mut self.held, rest);
            *text = restore(&ready, &self.mapping).into_owned();
        }
        Tap::Pass
    }

    fn drain(&mut self) -> Vec<StreamEvent> {
        if self.held.is_empty() {
            return Vec::new();
        }
        let rest = std::mem::take(&mut self.held);
        vec![StreamEvent::delta(
            restore(&rest, &self.mapping).into_owned(),
        )]
    }
}
