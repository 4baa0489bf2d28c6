//! [`from_spec`]: a chunker from a short text spec (command line, configuration files).

use std::sync::Arc;

use crate::chunk::{
    Chunker, MarkdownChunker, RecursiveChunker, SentenceChunker, TokenChunker, WholeChunker,
};
use crate::{RagError, Result};

/// A chunker from `NAME[:SIZE[:OVERLAP]]`: `whole`, `recursive`, `markdown`, `sentence`
/// (sizes in characters; the overlap of `sentence` in sentences) or `tokens` (sizes in
/// cl100k tokens). Missing numbers take each chunker's defaults.
///
/// ```
/// use llmops_rag::chunk::from_spec;
/// assert_eq!(from_spec("whole")?.name(), "whole");
/// assert!(from_spec("recursive:800:100")?.name().contains("800"));
/// assert!(from_spec("tokens:0").is_err());
/// assert!(from_spec("paragraphs").is_err());
/// # Ok::<(), llmops_rag::RagError>(())
/// ```
pub fn from_spec(spec: &str) -> Result<Arc<dyn Chunker>> {
    let mut parts = spec.trim().split(':');
    let name = parts.next().unwrap_or_default();
    let nums = parts
        .map(|p| {
            p.trim().parse::<usize>().map_err(|_| {
                RagError::invalid(format!("chunker spec `{spec}`: `{p}` is not a size"))
            })
        })
        .collect::<Result<Vec<usize>>>()?;
    if nums.len() > 2 {
        return Err(RagError::invalid(format!(
            "chunker spec `{spec}`: expected NAME[:SIZE[:OVERLAP]]"
        )));
    }
    let size = nums.first().copied();
    let overlap = nums.get(1).copied();
    Ok(match (name, size) {
        ("whole", None) => Arc::new(WholeChunker),
        ("whole", Some(_)) => {
            return Err(RagError::invalid("chunker spec: `whole` takes no size"));
        }
        ("recursive", None) => Arc::new(RecursiveChunker::default()),
        ("recursive", Some(s)) => Arc::new(RecursiveChunker::new(s, overlap.unwrap_or(0))?),
        ("markdown", None) => Arc::new(MarkdownChunker::default()),
        ("markdown", Some(s)) => Arc::new(MarkdownChunker::new(s, overlap.unwrap_or(0))?),
        ("sentence", None) => Arc::new(SentenceChunker::default()),
        ("sentence", Some(s)) => Arc::new(SentenceChunker::new(s, overlap.unwrap_or(0))?),
        ("tokens", None) => Arc::new(TokenChunker::default()),
        ("tokens", Some(s)) => Arc::new(TokenChunker::new(s, overlap.unwrap_or(0))?),
        _ => {
            return Err(RagError::invalid(format!(
                "unknown chunker `{name}` (known: whole, recursive, markdown, sentence, tokens)"
            )));
        }
    })
}
