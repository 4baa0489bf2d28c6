//! [`WholeChunker`]: the whole document as one chunk (BEIR-style document retrieval, short
//! documents).

use crate::Result;
use crate::chunk::{Chunker, Piece};
use crate::document::Document;

/// The whole document as one piece (none for a blank document).
///
/// ```
/// use llmops_rag::{Document, chunk::{Chunker, WholeChunker}};
/// let p = WholeChunker.chunk(&Document::new("d", "Short answer."))?;
/// assert_eq!(p[0].span, (0, 13));
/// # Ok::<(), llmops_rag::RagError>(())
/// ```
#[derive(Debug, Clone, Copy, Default)]
pub struct WholeChunker;

impl Chunker for WholeChunker {
    fn name(&self) -> &str {
        "whole"
    }

    fn chunk(&self, doc: &Document) -> Result<Vec<Piece>> {
        if doc.text.trim().is_empty() {
            return Ok(Vec::new());
        }
        Ok(vec![Piece::slice(&doc.text, 0, doc.text.len())?])
    }
}
