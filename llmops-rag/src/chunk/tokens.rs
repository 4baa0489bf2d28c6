//! [`TokenChunker`]: fixed windows of tokens with overlap.

use std::sync::Arc;

use llmops_core::{Encoding, Tiktoken, TokenCounter};

use super::{Chunker, Piece, check_sizes, trim_span};
use crate::Result;
use crate::document::Document;

/// Windows of `size` tokens, each starting `size - overlap` tokens after the previous one,
/// counted with core's [`TokenCounter`] (default [`Tiktoken`] `cl100k_base`, the encoding of
/// OpenAI's `text-embedding-3` models).
///
/// The text is tokenised once and cut at the tokens' byte offsets
/// ([`TokenCounter::token_offsets`]), so chunking is linear in the text. A cut that would fall
/// inside a multi-byte character moves back to that character's start. Pieces are trimmed of
/// surrounding whitespace, so a piece may hold fewer tokens than `size`, never more (up to one
/// more partial character where a character spans tokens).
///
/// ```
/// use llmops_rag::{Document, chunk::{Chunker, TokenChunker}};
/// let c = TokenChunker::new(4, 1).unwrap();
/// assert_eq!(c.name(), "tokens-4-1");
/// let doc = Document::new("d", "one two three four five six seven");
/// let texts: Vec<String> = c.chunk(&doc).unwrap().into_iter().map(|p| p.text).collect();
/// assert_eq!(texts, ["one two three four", "four five six seven"]);
/// assert!(TokenChunker::new(4, 4).is_err());
/// ```
#[derive(Clone)]
pub struct TokenChunker {
    size: usize,
    overlap: usize,
    counter: Arc<dyn TokenCounter>,
    name: String,
}

impl std::fmt::Debug for TokenChunker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TokenChunker")
            .field("size", &self.size)
            .field("overlap", &self.overlap)
            .field("counter", &self.counter.id())
            .finish()
    }
}

impl Default for TokenChunker {
    /// 256 tokens, overlap 32, `cl100k_base`.
    fn default() -> Self {
        TokenChunker::build(256, 32, Arc::new(Tiktoken::new(Encoding::Cl100kBase)))
    }
}

impl TokenChunker {
    /// Windows of `size` tokens overlapping by `overlap` (`cl100k_base`); an error when
    /// `size` is 0 or `overlap >= size`.
    pub fn new(size: usize, overlap: usize) -> Result<Self> {
        check_sizes("token chunker", size, overlap)?;
        Ok(TokenChunker::build(
            size,
            overlap,
            Arc::new(Tiktoken::new(Encoding::Cl100kBase)),
        ))
    }

    fn build(size: usize, overlap: usize, counter: Arc<dyn TokenCounter>) -> Self {
        let mut c = TokenChunker {
            size,
            overlap,
            counter,
            name: String::new(),
        };
        c.rename();
        c
    }

    fn rename(&mut self) {
        // the default encoding stays out of the name (`tokens-256-32`)
        self.name = match self.counter.id() {
            "cl100k_base" => format!("tokens-{}-{}", self.size, self.overlap),
            id => format!("tokens-{id}-{}-{}", self.size, self.overlap),
        };
    }

    /// Counts with `counter` (the name then carries its id unless it is `cl100k_base`:
    /// `tokens-o200k_base-256-32`).
    ///
    /// ```
    /// use std::sync::Arc;
    /// use llmops_core::Tiktoken;
    /// use llmops_rag::chunk::{Chunker, TokenChunker};
    /// let c = TokenChunker::new(256, 32).unwrap()
    ///     .with_counter(Arc::new(Tiktoken::for_model("gpt-4o")));
    /// assert_eq!(c.name(), "tokens-o200k_base-256-32");
    /// ```
    #[must_use]
    pub fn with_counter(mut self, counter: Arc<dyn TokenCounter>) -> Self {
        self.counter = counter;
        self.rename();
        self
    }

    /// The window size in tokens.
    pub fn size(&self) -> usize {
        self.size
    }

    /// The overlap in tokens.
    pub fn overlap(&self) -> usize {
        self.overlap
    }
}

impl Chunker for TokenChunker {
    fn name(&self) -> &str {
        &self.name
    }

    fn chunk(&self, doc: &Document) -> Result<Vec<Piece>> {
        let text = &doc.text;
        if text.trim().is_empty() {
            return Ok(Vec::new());
        }
        let offsets = self.counter.token_offsets(text)?;
        let n = offsets.len();
        let step = self.size.saturating_sub(self.overlap).max(1);
        let at = |t: usize| offsets.get(t).copied().unwrap_or(text.len());
        let mut pieces = Vec::new();
        let mut i = 0;
        while i < n {
            let j = (i + self.size).min(n);
            if let Some((s, e)) = trim_span(text, at(i), at(j)) {
                pieces.push(Piece::slice(text, s, e)?);
            }
            if j == n {
                break;
            }
            i += step;
        }
        Ok(pieces)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    fn chunk(c: &TokenChunker, text: &str) -> Vec<Piece> {
        let doc = Document::new("d", text);
        let pieces = c.chunk(&doc).unwrap();
        for p in &pieces {
            assert_eq!(p.text, &text[p.span.0..p.span.1]);
        }
        pieces
    }

    #[test]
    fn windows_hold_at_most_size_tokens_and_overlap_exactly() {
        let t = Tiktoken::new(Encoding::Cl100kBase);
        let c = TokenChunker::new(10, 3).unwrap();
        let text = "Refunds are processed within five business days of the request. ".repeat(8);
        let pieces = chunk(&c, &text);
        assert!(pieces.len() > 3);
        for p in &pieces {
            assert!(t.count(&p.text) <= 10, "{}", p.text);
        }
        // consecutive windows share exactly their 3 boundary tokens
        let toks = t.encode(&text);
        let offsets = t.token_offsets(&text).unwrap();
        for (k, w) in pieces.windows(2).enumerate() {
            let start_tok = (k + 1) * 7;
            // window k+1 starts at its first token (after the token's leading space)
            assert!(text[offsets[start_tok]..w[1].span.0].trim().is_empty());
            // window k ends after its 10th token (before trailing space)
            assert!(text[w[0].span.1..offsets[k * 7 + 10]].trim().is_empty());
            let shared = &text[w[1].span.0..w[0].span.1];
            let expected = t.decode(&toks[start_tok..start_tok + 3]).unwrap();
            assert_eq!(shared, expected.trim());
        }
    }

    #[test]
    fn cjk_and_emoji_cut_on_char_boundaries() {
        let c = TokenChunker::new(3, 1).unwrap();
        let text = "東京都の天気は晴れです。🧑‍🚀🦀🦀 déjà vu";
        let pieces = chunk(&c, text);
        assert!(pieces.len() > 3);
        // every non-whitespace char is in some piece
        let mut covered = vec![false; text.len()];
        for p in &pieces {
            covered[p.span.0..p.span.1]
                .iter_mut()
                .for_each(|b| *b = true);
        }
        for (i, ch) in text.char_indices() {
            assert!(ch.is_whitespace() || covered[i], "{ch} at {i}");
        }
    }

    #[test]
    fn empty_and_whitespace_give_nothing_and_names_carry_settings() {
        let c = TokenChunker::default();
        assert_eq!(c.name(), "tokens-256-32");
        assert!(chunk(&c, "").is_empty());
        assert!(chunk(&c, " \n\t ").is_empty());
        assert!(matches!(
            TokenChunker::new(0, 0),
            Err(crate::RagError::Invalid(_))
        ));
    }
}
