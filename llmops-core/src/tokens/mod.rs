//! Tokens: exact counts of raw text, whole-request counts, and a tokenizer-free upper bound.
//!
//! - [`TokenCounter`]: tokens of raw text. With the `tokens` feature, [`Tiktoken`] counts with
//!   OpenAI's encodings (o200k_base or cl100k_base, picked per model), loaded once per process
//!   and shared.
//! - [`RequestCounter`] (feature `tokens`): the input tokens of a whole [`ChatRequest`](crate::ChatRequest) as the
//!   provider bills them — chat-format overhead per message, tool definitions, images, the
//!   reply's priming — as a [`TokenCount`] flagged [`UsageSource::Counted`] or
//!   [`UsageSource::Estimated`]. [`ChatRequest::count_tokens`](crate::ChatRequest::count_tokens) is the short form.
//! - [`ChatRequest::token_upper_bound`](crate::ChatRequest::token_upper_bound): a [`TokenBound`] that needs no tokenizer (bytes ≥
//!   tokens for byte-level BPE), for budgets on the hot path.
//!
//! docs/cost.md ("Tokens") gives the rules and what each approximation is.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::types::UsageSource;

use crate::Result;

/// Counts, encodes and decodes tokens of raw text (no chat formatting, no special tokens).
///
/// `exact()` is false when the encoding only approximates the model's own tokenizer (another
/// family's model counted with an OpenAI encoding): figures built on it are flagged estimated.
pub trait TokenCounter: Send + Sync + 'static {
    /// The encoding's name (`o200k_base`).
    fn id(&self) -> &str;
    /// Whether counts are exact for the model this counter was picked for.
    fn exact(&self) -> bool {
        true
    }
    /// The number of tokens of `text`.
    fn count(&self, text: &str) -> usize;
    /// The tokens of `text`.
    fn encode(&self, text: &str) -> Vec<u32>;
    /// The text of `tokens` (an error when they do not form valid UTF-8).
    fn decode(&self, tokens: &[u32]) -> Result<String>;
    /// Where each token of `text` starts: one byte offset per token (as many as
    /// [`count`](TokenCounter::count) gives), non-decreasing, on char boundaries of `text`.
    /// A token that starts inside a multi-byte character gets that character's start.
    /// Chunkers use it to cut text at token boundaries without re-tokenising prefixes.
    ///
    /// The default decodes token by token; a run of tokens that only forms UTF-8 together
    /// gets the run's start for each of its tokens (coarser than `Tiktoken`'s exact
    /// override, never past a token's first byte). It is an error when the tokens do not
    /// reproduce `text` (a counter that normalises its input has no byte offsets).
    ///
    /// ```
    /// # #[cfg(feature = "tokens")] {
    /// use llmops_core::{TokenCounter, Tiktoken};
    /// let t = Tiktoken::for_model("gpt-4.1-mini");
    /// assert_eq!(t.token_offsets("hello world").unwrap(), vec![0, 5]);
    /// # }
    /// ```
    fn token_offsets(&self, text: &str) -> Result<Vec<usize>> {
        let tokens = self.encode(text);
        let mut offsets = Vec::with_capacity(tokens.len());
        let mut pos = 0usize;
        let mut run_start = 0usize;
        for end in 1..=tokens.len() {
            let Some(run) = tokens.get(run_start..end) else {
                break;
            };
            let Ok(piece) = self.decode(run) else {
                continue; // a character split across tokens: decode it with the next ones
            };
            if !text.get(pos..).is_some_and(|rest| rest.starts_with(&piece)) {
                return Err(crate::Error::invalid(format!(
                    "{}: tokens do not reproduce the text at byte {pos}; no byte offsets",
                    self.id()
                )));
            }
            offsets.extend(std::iter::repeat_n(pos, run.len()));
            pos += piece.len();
            run_start = end;
        }
        if offsets.len() != tokens.len() || pos != text.len() {
            return Err(crate::Error::invalid(format!(
                "{}: tokens do not reproduce the text; no byte offsets",
                self.id()
            )));
        }
        Ok(offsets)
    }
}

impl<T: TokenCounter + ?Sized> TokenCounter for Arc<T> {
    fn id(&self) -> &str {
        (**self).id()
    }
    fn exact(&self) -> bool {
        (**self).exact()
    }
    fn count(&self, text: &str) -> usize {
        (**self).count(text)
    }
    fn encode(&self, text: &str) -> Vec<u32> {
        (**self).encode(text)
    }
    fn decode(&self, tokens: &[u32]) -> Result<String> {
        (**self).decode(tokens)
    }
    fn token_offsets(&self, text: &str) -> Result<Vec<usize>> {
        (**self).token_offsets(text)
    }
}

pub use bound::TokenBound;
#[cfg(feature = "tokens")]
pub use request::{
    REPLY_PRIMING, RequestCounter, TOKENS_PER_MESSAGE, TOKENS_PER_NAME, TOKENS_PER_TOOL_CALL,
};
#[cfg(feature = "tokens")]
pub use tiktoken::{Encoding, Tiktoken};

mod bound;
mod image;
#[cfg(feature = "tokens")]
mod request;
#[cfg(feature = "tokens")]
mod tiktoken;
#[cfg(feature = "tokens")]
mod tools;

/// A model family: which tokenizer and chat format a model's tokens follow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ModelFamily {
    /// OpenAI (and Azure OpenAI): tiktoken encodings, counted exactly.
    OpenAi,
    /// Anthropic Claude: estimated.
    Anthropic,
    /// Google Gemini: estimated.
    Gemini,
    /// Anything else: estimated.
    Other,
}

impl ModelFamily {
    /// The family of a model reference: `provider/model`, LiteLLM's keys
    /// (`anthropic/claude-...`, `bedrock/anthropic.claude-...`, `vertex_ai/gemini-...`) or a
    /// bare name (`gpt-4o`, `o3`, `claude-sonnet-4-5`, `gemini-2.5-pro`). No table is loaded.
    ///
    /// ```
    /// use llmops_core::tokens::ModelFamily;
    /// assert_eq!(ModelFamily::of("gpt-4.1-mini"), ModelFamily::OpenAi);
    /// assert_eq!(ModelFamily::of("azure/my-gpt-4o"), ModelFamily::OpenAi);
    /// assert_eq!(ModelFamily::of("claude-sonnet-4-5"), ModelFamily::Anthropic);
    /// assert_eq!(ModelFamily::of("vertex_ai/gemini-2.5-pro"), ModelFamily::Gemini);
    /// assert_eq!(ModelFamily::of("mistral/mistral-large"), ModelFamily::Other);
    /// ```
    pub fn of(model: &str) -> ModelFamily {
        let provider = model.split_once('/').map(|(p, _)| p).unwrap_or("");
        let bare = model.rsplit('/').next().unwrap_or(model);
        let bare = bare.strip_prefix("ft:").unwrap_or(bare);
        if provider == "anthropic" || bare.starts_with("claude") || bare.contains(".claude") {
            return ModelFamily::Anthropic;
        }
        if matches!(provider, "gemini" | "vertex_ai" | "google") || bare.starts_with("gemini") {
            return ModelFamily::Gemini;
        }
        const OPENAI: [&str; 10] = [
            "gpt-",
            "chatgpt-",
            "o1",
            "o3",
            "o4",
            "text-embedding-",
            "codex-",
            "computer-use",
            "davinci",
            "babbage",
        ];
        if matches!(provider, "openai" | "azure") || OPENAI.iter().any(|p| bare.starts_with(p)) {
            return ModelFamily::OpenAi;
        }
        ModelFamily::Other
    }

    /// The lower-case name (`openai`, `anthropic`, `gemini`, `other`).
    pub fn as_str(self) -> &'static str {
        match self {
            ModelFamily::OpenAi => "openai",
            ModelFamily::Anthropic => "anthropic",
            ModelFamily::Gemini => "gemini",
            ModelFamily::Other => "other",
        }
    }
}

/// A token count and where it came from: [`UsageSource::Counted`] when the model's own
/// tokenizer and documented format were used throughout, [`UsageSource::Estimated`] when any
/// part was approximated (another family, an image of unknown size, an undocumented format).
///
/// ```
/// use llmops_core::UsageSource;
/// use llmops_core::tokens::TokenCount;
/// let mut c = TokenCount::counted(10);
/// c.add(TokenCount::estimated(5));
/// assert_eq!((c.tokens, c.source), (15, UsageSource::Estimated));
/// assert!(!c.is_exact());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TokenCount {
    /// The number of tokens.
    pub tokens: u64,
    /// `Counted` (exact) or `Estimated`.
    pub source: UsageSource,
}

impl TokenCount {
    /// An exact count.
    pub fn counted(tokens: u64) -> Self {
        TokenCount {
            tokens,
            source: UsageSource::Counted,
        }
    }

    /// An estimate.
    pub fn estimated(tokens: u64) -> Self {
        TokenCount {
            tokens,
            source: UsageSource::Estimated,
        }
    }

    /// Whether the count is exact.
    pub fn is_exact(&self) -> bool {
        self.source == UsageSource::Counted
    }

    /// Adds another count: the sum is exact only when both are.
    pub fn add(&mut self, o: TokenCount) {
        self.tokens = self.tokens.saturating_add(o.tokens);
        if o.source != UsageSource::Counted {
            self.source = UsageSource::Estimated;
        }
    }

    /// This count, flagged estimated when `exact` is false.
    #[must_use]
    pub fn exact_if(mut self, exact: bool) -> Self {
        if !exact {
            self.source = UsageSource::Estimated;
        }
        self
    }
}

#[cfg(all(test, feature = "tokens"))]
mod tests {
    use super::*;

    /// Token ids as Python tiktoken gives them (its README and test suite).
    #[test]
    fn matches_tiktoken_ids() {
        let cl = Tiktoken::new(Encoding::Cl100kBase);
        assert_eq!(cl.encode("hello world"), vec![15339, 1917]);
        let o = Tiktoken::new(Encoding::O200kBase);
        assert_eq!(o.encode("hello world"), vec![24912, 2375]);
        assert_eq!(Tiktoken::for_model("gpt-4").id(), "cl100k_base");
        assert_eq!(Tiktoken::for_model("gpt-4o-mini").id(), "o200k_base");
        assert_eq!(Tiktoken::for_model("openai/gpt-4.1").id(), "o200k_base");
        // special-token text is counted as raw text, never as a special token
        assert!(o.count("<|endoftext|>") > 1);
        assert!(o.decode(&[u32::MAX]).is_err());
    }

    /// A counter that only has the default `token_offsets`.
    struct Plain(Tiktoken);
    impl TokenCounter for Plain {
        fn id(&self) -> &str {
            "plain"
        }
        fn count(&self, text: &str) -> usize {
            self.0.count(text)
        }
        fn encode(&self, text: &str) -> Vec<u32> {
            self.0.encode(text)
        }
        fn decode(&self, tokens: &[u32]) -> Result<String> {
            self.0.decode(tokens)
        }
    }

    #[test]
    fn token_offsets_are_char_boundaries_and_agree_with_the_default() {
        for enc in [Encoding::Cl100kBase, Encoding::O200kBase] {
            let t = Tiktoken::new(enc);
            for text in [
                "",
                "hello world",
                "naïve café 東京都 🦀🧑‍🚀 done.\r\n\tend",
                "😀😀😀 ẞẞ",
            ] {
                let fast = t.token_offsets(text).unwrap();
                assert_eq!(fast.len(), t.count(text), "{text}");
                assert!(fast.windows(2).all(|w| w[0] <= w[1]));
                assert!(fast.iter().all(|&o| text.is_char_boundary(o)));
                assert_eq!(fast.first().copied().unwrap_or(0), 0);
                let slow = Plain(t).token_offsets(text).unwrap();
                assert_eq!(slow.len(), fast.len());
                assert!(slow.iter().zip(&fast).all(|(s, f)| s <= f), "{text}");
                assert!(slow.iter().all(|&o| text.is_char_boundary(o)));
                if text.is_ascii() {
                    assert_eq!(slow, fast);
                }
            }
        }
    }
}
