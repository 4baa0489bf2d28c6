//! [`TokenCounter`]: exact token counts of raw text. With the `tokens` feature, [`Tiktoken`]
//! counts with OpenAI's encodings (o200k_base or cl100k_base, picked per model), loaded once
//! per process and shared. Chat-format overhead and prices come with the cost layer.

use std::sync::Arc;

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

#[cfg(feature = "tokens")]
pub use tiktoken::{Encoding, Tiktoken};

#[cfg(feature = "tokens")]
mod tiktoken {
    use tiktoken_rs::CoreBPE;

    use super::TokenCounter;
    use crate::{Error, Result};

    /// An OpenAI encoding.
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
    #[non_exhaustive]
    pub enum Encoding {
        /// GPT-4o, GPT-4.1, GPT-5, o-series.
        O200kBase,
        /// GPT-4, GPT-3.5-turbo, text-embedding-3.
        Cl100kBase,
    }

    impl Encoding {
        /// The encoding's name.
        pub fn name(self) -> &'static str {
            match self {
                Encoding::O200kBase => "o200k_base",
                Encoding::Cl100kBase => "cl100k_base",
            }
        }

        fn bpe(self) -> &'static CoreBPE {
            match self {
                Encoding::O200kBase => tiktoken_rs::o200k_base_singleton(),
                Encoding::Cl100kBase => tiktoken_rs::cl100k_base_singleton(),
            }
        }
    }

    /// Exact token counts with tiktoken's BPE tables (compiled in; no network). Tables load on
    /// first use (70–250 ms) and are shared by every counter in the process.
    ///
    /// ```
    /// use llmops_core::{TokenCounter, Tiktoken};
    /// let t = Tiktoken::for_model("gpt-4.1-mini");
    /// assert_eq!(t.id(), "o200k_base");
    /// assert!(t.exact());
    /// assert_eq!(t.count("hello world"), 2);
    /// let toks = t.encode("hello world");
    /// assert_eq!(t.decode(&toks).unwrap(), "hello world");
    /// // another family is approximated, and says so
    /// assert!(!Tiktoken::for_model("claude-sonnet-4-5").exact());
    /// ```
    #[derive(Debug, Clone, Copy)]
    pub struct Tiktoken {
        encoding: Encoding,
        exact: bool,
    }

    impl Tiktoken {
        /// A counter for an encoding.
        pub fn new(encoding: Encoding) -> Self {
            Tiktoken {
                encoding,
                exact: true,
            }
        }

        /// The counter for a model: its own encoding for OpenAI models (cl100k for GPT-4 and
        /// GPT-3.5, o200k otherwise), o200k flagged inexact for other families.
        pub fn for_model(model: &str) -> Self {
            let bare = model.rsplit('/').next().unwrap_or(model);
            match tiktoken_rs::tokenizer::get_tokenizer(bare) {
                Some(tiktoken_rs::tokenizer::Tokenizer::Cl100kBase) => {
                    Tiktoken::new(Encoding::Cl100kBase)
                }
                Some(tiktoken_rs::tokenizer::Tokenizer::O200kBase) => {
                    Tiktoken::new(Encoding::O200kBase)
                }
                Some(_) | None => Tiktoken {
                    encoding: Encoding::O200kBase,
                    exact: false,
                },
            }
        }

        /// The encoding.
        pub fn encoding(&self) -> Encoding {
            self.encoding
        }
    }

    impl TokenCounter for Tiktoken {
        fn id(&self) -> &str {
            self.encoding.name()
        }
        fn exact(&self) -> bool {
            self.exact
        }
        fn count(&self, text: &str) -> usize {
            self.encoding.bpe().encode_ordinary(text).len()
        }
        fn encode(&self, text: &str) -> Vec<u32> {
            self.encoding.bpe().encode_ordinary(text)
        }
        fn decode(&self, tokens: &[u32]) -> Result<String> {
            self.encoding.bpe().decode(tokens).map_err(|e| {
                Error::invalid(format!(
                    "tokens do not decode with {}: {e}",
                    self.encoding.name()
                ))
            })
        }
        /// One encode, then each token's byte length from the table: linear in the text.
        fn token_offsets(&self, text: &str) -> Result<Vec<usize>> {
            let bpe = self.encoding.bpe();
            let tokens = bpe.encode_ordinary(text);
            let mut offsets = Vec::with_capacity(tokens.len());
            let mut pos = 0usize;
            for t in &tokens {
                let mut start = pos.min(text.len());
                while !text.is_char_boundary(start) {
                    start -= 1;
                }
                offsets.push(start);
                let bytes = bpe
                    .decode_bytes(std::slice::from_ref(t))
                    .map_err(|e| Error::invalid(format!("{}: {e}", self.encoding.name())))?;
                pos += bytes.len();
            }
            if pos != text.len() {
                return Err(Error::invalid(format!(
                    "{}: tokens cover {pos} of {} bytes",
                    self.encoding.name(),
                    text.len()
                )));
            }
            Ok(offsets)
        }
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
