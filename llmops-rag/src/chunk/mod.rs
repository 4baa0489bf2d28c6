//! Chunkers: split a [`Document`] into [`Piece`]s with byte offsets, so every chunk can be
//! traced back to where it came from (the answer's citations).
//!
//! - [`TokenChunker`]: windows of tokens with overlap (core's [`TokenCounter`]).
//! - [`RecursiveChunker`]: LangChain-style recursive separators under a maximum size.
//! - [`MarkdownChunker`]: one piece per heading section, with the heading path as metadata.
//! - [`SentenceChunker`]: whole sentences grouped under a maximum size, overlap in sentences.
//!
//! Every piece satisfies `piece.text == doc.text[piece.span.0..piece.span.1]`; pieces are
//! trimmed of surrounding whitespace and whitespace-only pieces are dropped, so an empty
//! document gives no piece. Sizes are measured by a [`Measure`]: characters by default, or
//! tokens of a [`TokenCounter`].

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use llmops_core::TokenCounter;
use serde_json::Value;

use crate::Result;
use crate::document::Document;
use crate::store::ChunkRecord;

mod markdown;
mod recursive;
mod sentence;
mod spec;
mod tokens;
mod whole;

pub use markdown::MarkdownChunker;
pub(crate) use markdown::headings;
pub use recursive::{DEFAULT_SEPARATORS, RecursiveChunker};
pub use sentence::SentenceChunker;
pub use spec::from_spec;
pub use tokens::TokenChunker;
pub use whole::WholeChunker;

/// One piece of a document: its text, where it sits in the document and what the chunker
/// adds to the metadata (the heading path of a Markdown section ...).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Piece {
    /// The text; equal to `doc.text[span.0..span.1]`.
    pub text: String,
    /// Byte offsets in the document's text.
    pub span: (usize, usize),
    /// Metadata the chunker adds (merged over the document's).
    pub meta: BTreeMap<String, Value>,
}

impl Piece {
    /// The piece of `doc_text` between byte offsets `start..end` (which must be char
    /// boundaries).
    pub fn slice(doc_text: &str, start: usize, end: usize) -> Result<Self> {
        let text = doc_text.get(start..end).ok_or_else(|| {
            crate::RagError::invalid(format!(
                "chunk offsets {start}..{end} are not char boundaries of a {}-byte text",
                doc_text.len()
            ))
        })?;
        Ok(Piece {
            text: text.to_owned(),
            span: (start, end),
            meta: BTreeMap::new(),
        })
    }

    /// With a metadata field.
    ///
    /// ```
    /// use llmops_rag::Piece;
    /// let p = Piece::slice("abc", 1, 3).unwrap().meta("section", "Intro");
    /// assert_eq!(p.text, "bc");
    /// assert_eq!(p.meta["section"], "Intro");
    /// ```
    #[must_use]
    pub fn meta(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.meta.insert(key.into(), value.into());
        self
    }
}

/// Splits documents into pieces.
///
/// ```
/// use llmops_rag::{Document, Piece, Result, chunk::Chunker};
/// struct Whole;
/// impl Chunker for Whole {
///     fn name(&self) -> &str { "whole" }
///     fn chunk(&self, doc: &Document) -> Result<Vec<Piece>> {
///         Ok(vec![Piece::slice(&doc.text, 0, doc.text.len())?])
///     }
/// }
/// let pieces = Whole.chunk(&Document::new("d", "hello")).unwrap();
/// assert_eq!(pieces[0].span, (0, 5));
/// ```
pub trait Chunker: Send + Sync + 'static {
    /// A short name with its settings (`tokens-256-32`), for reports and comparisons.
    fn name(&self) -> &str;
    /// The pieces of `doc`, in document order. Empty text gives no piece.
    fn chunk(&self, doc: &Document) -> Result<Vec<Piece>>;

    /// The pieces of `doc` as [`ChunkRecord`]s ready to embed and store: ids `{doc_id}#{n}`,
    /// the document's version, metadata (the document's, then the piece's over it) and
    /// access labels, and the piece's span (provenance down to the answer's citations).
    ///
    /// ```
    /// use llmops_rag::{Document, chunk::{Chunker, SentenceChunker}};
    /// let doc = Document::new("kb/a", "One. Two.").version("v1").meta("lang", "en");
    /// let recs = SentenceChunker::new(5, 0).unwrap().records(&doc).unwrap();
    /// assert_eq!(recs[1].id, "kb/a#1");
    /// assert_eq!((recs[1].text.as_str(), recs[1].span), ("Two.", (5, 9)));
    /// assert_eq!(recs[1].meta["lang"], "en");
    /// assert_eq!(recs[1].doc_version, "v1");
    /// ```
    fn records(&self, doc: &Document) -> Result<Vec<ChunkRecord>> {
        let version = doc.effective_version();
        let pieces = self.chunk(doc)?;
        Ok(pieces
            .into_iter()
            .enumerate()
            .map(|(n, p)| {
                let mut rec =
                    ChunkRecord::new(format!("{}#{n}", doc.id), &doc.id, &version, p.text, p.span);
                rec.meta = doc.meta.clone();
                rec.meta.extend(p.meta);
                rec.acl = doc.acl.clone();
                rec
            })
            .collect())
    }
}

impl<T: Chunker + ?Sized> Chunker for std::sync::Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn chunk(&self, doc: &Document) -> Result<Vec<Piece>> {
        (**self).chunk(doc)
    }
    fn records(&self, doc: &Document) -> Result<Vec<ChunkRecord>> {
        (**self).records(doc)
    }
}

impl<T: Chunker + ?Sized> Chunker for Box<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn chunk(&self, doc: &Document) -> Result<Vec<Piece>> {
        (**self).chunk(doc)
    }
    fn records(&self, doc: &Document) -> Result<Vec<ChunkRecord>> {
        (**self).records(doc)
    }
}

/// How a chunker measures a piece's size.
///
/// ```
/// use std::sync::Arc;
/// use llmops_core::Tiktoken;
/// use llmops_rag::chunk::Measure;
/// assert_eq!(Measure::Chars.len("東京 ok"), 5);
/// let tokens = Measure::Tokens(Arc::new(Tiktoken::for_model("gpt-4o")));
/// assert_eq!(tokens.len("hello world"), 2);
/// assert_eq!(tokens.label(), "tokens");
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub enum Measure {
    /// Unicode scalar values (`str::chars().count()`), the default.
    #[default]
    Chars,
    /// Tokens of a counter (exact counts of raw text).
    Tokens(Arc<dyn TokenCounter>),
}

impl Measure {
    /// The size of `text`.
    pub fn len(&self, text: &str) -> usize {
        match self {
            Measure::Chars => text.chars().count(),
            Measure::Tokens(c) => c.count(text),
        }
    }

    /// `chars` or `tokens` (used in chunker names).
    pub fn label(&self) -> &'static str {
        match self {
            Measure::Chars => "chars",
            Measure::Tokens(_) => "tokens",
        }
    }

    /// Whether the size of a concatenation is exactly the sum of its parts' sizes (true for
    /// characters; BPE tokens may merge or split across a boundary).
    pub(crate) fn additive(&self) -> bool {
        matches!(self, Measure::Chars)
    }

    /// The size of `text[s..e]` as a unit a chunker groups. A unit that ends up alone in a
    /// piece is emitted trimmed, and BPE counts are not monotonic under trimming
    /// (" Longerword" is fewer tokens than "Longerword"), so for tokens a unit counts as the
    /// larger of its counts with and without the surrounding whitespace.
    pub(crate) fn unit_len(&self, text: &str, s: usize, e: usize) -> usize {
        let whole = text.get(s..e).map_or(0, |p| self.len(p));
        if self.additive() {
            return whole;
        }
        let trimmed = trim_span(text, s, e)
            .and_then(|(a, b)| text.get(a..b))
            .map_or(0, |p| self.len(p));
        whole.max(trimmed)
    }
}

impl fmt::Debug for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Measure::Chars => f.write_str("Chars"),
            Measure::Tokens(c) => f.debug_tuple("Tokens").field(&c.id()).finish(),
        }
    }
}

/// `start..end` of `text` without surrounding whitespace, or `None` when nothing but
/// whitespace (or nothing) is left.
pub(crate) fn trim_span(text: &str, start: usize, end: usize) -> Option<(usize, usize)> {
    let slice = text.get(start..end)?;
    let lead = slice.len() - slice.trim_start().len();
    let trimmed = slice.trim();
    if trimmed.is_empty() {
        return None;
    }
    let s = start + lead;
    Some((s, s + trimmed.len()))
}

/// Validates a maximum size and an overlap (`max > 0`, `overlap < max`).
pub(crate) fn check_sizes(what: &str, max: usize, overlap: usize) -> Result<()> {
    if max == 0 {
        return Err(crate::RagError::invalid(format!(
            "{what}: the size must be at least 1"
        )));
    }
    if overlap >= max {
        return Err(crate::RagError::invalid(format!(
            "{what}: the overlap ({overlap}) must be smaller than the size ({max})"
        )));
    }
    Ok(())
}
