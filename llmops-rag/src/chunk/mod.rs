//! Chunkers: split a [`Document`] into [`Piece`]s with byte offsets, so every chunk can be
//! traced back to where it came from (the answer's citations).

use std::collections::BTreeMap;

use serde_json::Value;

use crate::Result;
use crate::document::Document;

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
}

impl<T: Chunker + ?Sized> Chunker for std::sync::Arc<T> {
    fn name(&self) -> &str {
        (**self).name()
    }
    fn chunk(&self, doc: &Document) -> Result<Vec<Piece>> {
        (**self).chunk(doc)
    }
}
