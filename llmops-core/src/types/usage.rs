//! Token usage and finish reasons.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Tokens used by one call (or summed over several).
///
/// `input_tokens` counts every input token, including those read from or written to the
/// provider's prompt cache; `cache_read_tokens` and `cache_write_tokens` say how many of them
/// were. (Anthropic reports them apart; its provider adds them into `input_tokens`.)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Usage {
    /// Input (prompt) tokens, cached ones included.
    pub input_tokens: u64,
    /// Output (completion) tokens, reasoning included.
    pub output_tokens: u64,
    /// Input tokens served from the prompt cache.
    #[serde(default)]
    pub cache_read_tokens: u64,
    /// Input tokens written to the prompt cache.
    #[serde(default)]
    pub cache_write_tokens: u64,
    /// Output tokens spent on hidden reasoning.
    #[serde(default)]
    pub reasoning_tokens: u64,
}

impl Usage {
    /// Usage with input and output counts.
    pub fn new(input_tokens: u64, output_tokens: u64) -> Self {
        Usage {
            input_tokens,
            output_tokens,
            ..Usage::default()
        }
    }

    /// With cache read/write counts.
    #[must_use]
    pub fn with_cache(mut self, read: u64, write: u64) -> Self {
        self.cache_read_tokens = read;
        self.cache_write_tokens = write;
        self
    }

    /// With reasoning tokens.
    #[must_use]
    pub fn with_reasoning(mut self, reasoning: u64) -> Self {
        self.reasoning_tokens = reasoning;
        self
    }

    /// Input plus output.
    pub fn total(&self) -> u64 {
        self.input_tokens.saturating_add(self.output_tokens)
    }

    /// Whether nothing was counted.
    pub fn is_zero(&self) -> bool {
        *self == Usage::default()
    }

    /// Adds another call's usage (saturating).
    pub fn add(&mut self, o: &Usage) {
        self.input_tokens = self.input_tokens.saturating_add(o.input_tokens);
        self.output_tokens = self.output_tokens.saturating_add(o.output_tokens);
        self.cache_read_tokens = self.cache_read_tokens.saturating_add(o.cache_read_tokens);
        self.cache_write_tokens = self.cache_write_tokens.saturating_add(o.cache_write_tokens);
        self.reasoning_tokens = self.reasoning_tokens.saturating_add(o.reasoning_tokens);
    }

    /// Field-wise maximum: merges cumulative reports of the same call (a stream's usage
    /// events) without double counting.
    pub fn merge_max(&mut self, o: &Usage) {
        self.input_tokens = self.input_tokens.max(o.input_tokens);
        self.output_tokens = self.output_tokens.max(o.output_tokens);
        self.cache_read_tokens = self.cache_read_tokens.max(o.cache_read_tokens);
        self.cache_write_tokens = self.cache_write_tokens.max(o.cache_write_tokens);
        self.reasoning_tokens = self.reasoning_tokens.max(o.reasoning_tokens);
    }
}

/// Where a usage figure came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UsageSource {
    /// Reported by the provider.
    Provider,
    /// Counted by us with the model's exact tokenizer.
    Counted,
    /// Estimated (another family's tokenizer, bytes, a stream dropped before its usage event).
    Estimated,
    /// Not known at all.
    #[default]
    Missing,
}

/// Why generation stopped. Unknown values are kept as `Other`, never an error.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FinishReason {
    /// Natural end or a stop sequence.
    Stop,
    /// `max_tokens` reached.
    Length,
    /// The model called tools.
    ToolCalls,
    /// A content filter stopped generation.
    ContentFilter,
    /// A value we do not know, kept as sent.
    Other(String),
}

impl FinishReason {
    /// The canonical name (`stop`, `length`, `tool_calls`, `content_filter`, or the raw value).
    pub fn as_str(&self) -> &str {
        match self {
            FinishReason::Stop => "stop",
            FinishReason::Length => "length",
            FinishReason::ToolCalls => "tool_calls",
            FinishReason::ContentFilter => "content_filter",
            FinishReason::Other(s) => s,
        }
    }
}

impl From<&str> for FinishReason {
    /// Maps OpenAI and Anthropic spellings onto the canonical reasons.
    fn from(s: &str) -> Self {
        match s {
            "stop" | "end_turn" | "stop_sequence" => FinishReason::Stop,
            "length" | "max_tokens" | "model_context_window_exceeded" => FinishReason::Length,
            "tool_calls" | "function_call" | "tool_use" => FinishReason::ToolCalls,
            "content_filter" | "refusal" => FinishReason::ContentFilter,
            other => FinishReason::Other(other.to_owned()),
        }
    }
}

impl fmt::Display for FinishReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for FinishReason {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for FinishReason {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = String::deserialize(d)?;
        Ok(FinishReason::from(s.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_finish_reason_is_kept() {
        let f: FinishReason = serde_json::from_str("\"eos_token\"").unwrap();
        assert_eq!(f, FinishReason::Other("eos_token".into()));
        assert_eq!(serde_json::to_string(&f).unwrap(), "\"eos_token\"");
        assert_eq!(FinishReason::from("end_turn"), FinishReason::Stop);
        assert_eq!(FinishReason::from(""), FinishReason::Other(String::new()));
    }

    #[test]
    fn merge_max_does_not_double_count() {
        let mut u = Usage::new(10, 0).with_cache(4, 0);
        u.merge_max(&Usage::new(0, 7));
        u.merge_max(&Usage::new(0, 9));
        assert_eq!(u, Usage::new(10, 9).with_cache(4, 0));
    }
}
