//! [`Reranker`]: reorders first-stage candidates with a stronger model (a cross-encoder) or
//! any rule of yours; [`crate::fusion::mmr`] diversifies them.

use crate::Result;
use crate::store::Scored;

/// Reorders candidates for a query; returns them best first with the reranker's scores.
///
/// ```
/// use llmops_rag::{Reranker, Result, Scored};
/// /// Prefers shorter chunks (a toy rule).
/// struct Shortest;
/// #[llmops_core::async_trait]
/// impl Reranker for Shortest {
///     fn name(&self) -> &str { "shortest" }
///     async fn rerank(&self, _q: &str, mut c: Vec<Scored>) -> Result<Vec<Scored>> {
///         for s in &mut c { s.score = -(s.chunk.text.len() as f32); }
///         c.sort_by(|a, b| b.score.total_cmp(&a.score));
///         Ok(c)
///     }
/// }
/// ```
#[async_trait::async_trait]
pub trait Reranker: Send + Sync + 'static {
    /// A short name for records and spans.
    fn name(&self) -> &str;
    /// `candidates` reordered for `query`, best first.
    async fn rerank(&self, query: &str, candidates: Vec<Scored>) -> Result<Vec<Scored>>;
}
