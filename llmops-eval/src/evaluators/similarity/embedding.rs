//! `similar` (and `similar:cosine`, `similar:dot`, `similar:euclidean`): the output's
//! embedding against the reference's, through the [`Embedder`] of the
//! [`BuildContext`](crate::BuildContext) (promptfoo's `src/assertions/similar.ts` and
//! `matchers/similarity.ts`).

use std::sync::Arc;

use llmops_core::{Embedder, EvalCase, EvalOutput, Evaluator, Score, async_trait};

use super::{References, check_fields};
use crate::{AssertionSpec, EvalError, Result};

/// Default threshold of `similar` (promptfoo's), for every metric.
pub const SIMILAR_DEFAULT_THRESHOLD: f64 = 0.75;

/// Reference embeddings kept per evaluator (a suite rarely has more distinct references).
const CACHED_REFERENCES: u64 = 4096;

/// How two embeddings are compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum SimilarityMetric {
    /// Cosine similarity; passes at ≥ threshold (`similar`, `similar:cosine`).
    Cosine,
    /// Dot product; passes at ≥ threshold (`similar:dot`); equals cosine for unit vectors.
    Dot,
    /// Euclidean distance; passes at ≤ threshold, scores `1 / (1 + distance)`
    /// (`similar:euclidean`).
    Euclidean,
}

impl SimilarityMetric {
    /// The metric an assertion type names (`similar`, `similar:dot` ...).
    pub fn from_kind(kind: &str) -> Option<Self> {
        match kind {
            "similar" | "similar:cosine" => Some(SimilarityMetric::Cosine),
            "similar:dot" => Some(SimilarityMetric::Dot),
            "similar:euclidean" => Some(SimilarityMetric::Euclidean),
            _ => None,
        }
    }

    /// The raw comparison of two vectors of equal length (computed in `f64`): cosine (0 when
    /// either vector is zero), dot product or Euclidean distance.
    ///
    /// ```
    /// use llmops_eval::evaluators::similarity::SimilarityMetric;
    /// let (a, b) = ([1.0f32, 0.0], [0.6f32, 0.8]);
    /// assert!((SimilarityMetric::Cosine.compare(&a, &b) - 0.6).abs() < 1e-7);
    /// assert!((SimilarityMetric::Euclidean.compare(&a, &b) - 0.8f64.sqrt()).abs() < 1e-7);
    /// ```
    pub fn compare(self, a: &[f32], b: &[f32]) -> f64 {
        let pairs = a.iter().zip(b).map(|(x, y)| (f64::from(*x), f64::from(*y)));
        match self {
            SimilarityMetric::Cosine => {
                let (mut dot, mut na, mut nb) = (0.0, 0.0, 0.0);
                for (x, y) in pairs {
                    dot += x * y;
                    na += x * x;
                    nb += y * y;
                }
                let (na, nb) = (na.sqrt(), nb.sqrt());
                if na == 0.0 || nb == 0.0 {
                    0.0
                } else {
                    dot / (na * nb)
                }
            }
            SimilarityMetric::Dot => pairs.map(|(x, y)| x * y).sum(),
            SimilarityMetric::Euclidean => {
                pairs.map(|(x, y)| (x - y) * (x - y)).sum::<f64>().sqrt()
            }
        }
    }

    /// Whether a raw comparison passes the threshold (with promptfoo's `Number.EPSILON`
    /// tolerance).
    fn passes(self, raw: f64, threshold: f64) -> bool {
        match self {
            SimilarityMetric::Euclidean => raw <= threshold + f64::EPSILON,
            _ => raw >= threshold - f64::EPSILON,
        }
    }

    /// The score of a raw comparison: higher is closer, in 0..=1.
    fn score(self, raw: f64) -> f64 {
        match self {
            SimilarityMetric::Euclidean => 1.0 / (1.0 + raw),
            _ => raw.clamp(0.0, 1.0),
        }
    }
}

/// The `similar` assertions: the output is embedded per call, each distinct reference once
/// (then cached in the evaluator); with several references the closest counts (the
/// assertion passes when any reference passes). An embedder failure is an error (the case
/// is errored, not failed or passed).
pub struct Similar {
    kind: String,
    metric: SimilarityMetric,
    threshold: f64,
    refs: References,
    embedder: Arc<dyn Embedder>,
    cache: moka::sync::Cache<String, Arc<[f32]>>,
}

impl std::fmt::Debug for Similar {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Similar")
            .field("kind", &self.kind)
            .field("threshold", &self.threshold)
            .field("embedder", &self.embedder.id())
            .finish_non_exhaustive()
    }
}

impl Similar {
    /// From its spec and an embedder: `value` a reference or a list (absent: the case's
    /// `expected`), `threshold` (default 0.75). A per-assertion `provider` is refused: the
    /// embedder comes from the build context.
    pub fn from_spec(spec: &AssertionSpec, embedder: Arc<dyn Embedder>) -> Result<Self> {
        let metric = SimilarityMetric::from_kind(&spec.kind).ok_or_else(|| {
            EvalError::assertion(
                &spec.kind,
                "unknown similarity metric (known: similar, similar:cosine, similar:dot, similar:euclidean)",
            )
        })?;
        check_fields(spec, &[])?;
        Ok(Similar {
            kind: spec.kind.clone(),
            metric,
            threshold: spec.threshold.unwrap_or(SIMILAR_DEFAULT_THRESHOLD),
            refs: References::from_spec(spec)?,
            embedder,
            cache: moka::sync::Cache::new(CACHED_REFERENCES),
        })
    }

    /// Embeds the output and the references not yet cached, in one call.
    async fn vectors(
        &self,
        output: &str,
        refs: &[String],
    ) -> llmops_core::Result<(Vec<f32>, Vec<Arc<[f32]>>)> {
        let cached: Vec<Option<Arc<[f32]>>> = refs.iter().map(|r| self.cache.get(r)).collect();
        let mut texts: Vec<&str> = vec![output];
        for (r, c) in refs.iter().zip(&cached) {
            if c.is_none() && !texts.iter().skip(1).any(|t| *t == r.as_str()) {
                texts.push(r);
            }
        }
        let got = self.embedder.embed(&texts).await?;
        if got.len() != texts.len() {
            return Err(self.error(format!(
                "embedder `{}` returned {} vectors for {} texts",
                self.embedder.id(),
                got.len(),
                texts.len()
            )));
        }
        let mut got = got.into_iter();
        let out = got.next().unwrap_or_default();
        let fresh: Vec<(&str, Arc<[f32]>)> = texts
            .iter()
            .skip(1)
            .zip(got)
            .map(|(t, v)| (*t, Arc::from(v)))
            .collect();
        for (t, v) in &fresh {
            self.cache.insert((*t).to_owned(), Arc::clone(v));
        }
        let mut vecs = Vec::with_capacity(refs.len());
        for (r, c) in refs.iter().zip(cached) {
            let v = match c {
                Some(v) => v,
                None => fresh
                    .iter()
                    .find(|(t, _)| *t == r.as_str())
                    .map(|(_, v)| Arc::clone(v))
                    .ok_or_else(|| self.error("a reference was not embedded".into()))?,
            };
            vecs.push(v);
        }
        Ok((out, vecs))
    }

    fn error(&self, message: String) -> llmops_core::Error {
        EvalError::assertion(&self.kind, message).into()
    }
}

#[async_trait]
impl Evaluator for Similar {
    fn name(&self) -> &str {
        &self.kind
    }

    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let refs = self.refs.resolve(&self.kind, case)?;
        let (output, vecs) = self.vectors(&out.text, &refs).await?;
        let mut best: Option<(f64, f64, usize)> = None; // (score, raw, index)
        for (i, v) in vecs.iter().enumerate() {
            if v.len() != output.len() {
                return Err(self.error(format!(
                    "embeddings differ in length ({} for the output, {} for reference {})",
                    output.len(),
                    v.len(),
                    i + 1
                )));
            }
            let raw = self.metric.compare(&output, v);
            if !raw.is_finite() {
                return Err(self.error(format!(
                    "the embedder produced a non-finite comparison ({raw})"
                )));
            }
            let score = self.metric.score(raw);
            if best.is_none_or(|(s, _, _)| score > s) {
                best = Some((score, raw, i));
            }
        }
        let Some((score, raw, i)) = best else {
            return Err(self.error("no reference".into()));
        };
        let pass = self.metric.passes(raw, self.threshold);
        let t = self.threshold;
        let mut reason = match (self.metric, pass) {
            (SimilarityMetric::Euclidean, true) => {
                format!("Distance {raw:.2} is less than or equal to threshold {t}")
            }
            (SimilarityMetric::Euclidean, false) => {
                format!("Distance {raw:.2} is greater than threshold {t}")
            }
            (_, true) => format!("Similarity {raw:.2} is greater than or equal to threshold {t}"),
            (_, false) => format!("Similarity {raw:.2} is less than threshold {t}"),
        };
        if refs.len() > 1 {
            reason.push_str(&format!(
                " (closest of {} references: #{})",
                refs.len(),
                i + 1
            ));
        }
        Ok(Score::new(score, pass, reason))
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;

    #[test]
    fn metrics_by_hand() {
        let (a, b) = ([3.0f32, 4.0], [4.0f32, 3.0]);
        // cos = (12 + 12) / (5 · 5) = 0.96; dot = 24; distance = √2
        assert!((SimilarityMetric::Cosine.compare(&a, &b) - 0.96).abs() < 1e-12);
        assert_eq!(SimilarityMetric::Dot.compare(&a, &b), 24.0);
        assert!((SimilarityMetric::Euclidean.compare(&a, &b) - 2f64.sqrt()).abs() < 1e-12);
        assert_eq!(SimilarityMetric::Cosine.compare(&[0.0, 0.0], &b), 0.0);
        // scores: clamped similarity, 1 / (1 + distance)
        assert_eq!(SimilarityMetric::Dot.score(24.0), 1.0);
        assert_eq!(SimilarityMetric::Cosine.score(-0.3), 0.0);
        assert_eq!(SimilarityMetric::Euclidean.score(1.0), 0.5);
        assert!(SimilarityMetric::Euclidean.passes(0.75, 0.75));
        assert!(!SimilarityMetric::Euclidean.passes(0.76, 0.75));
        assert!(SimilarityMetric::Cosine.passes(0.75, 0.75));
        assert!(!SimilarityMetric::Cosine.passes(0.7499, 0.75));
    }

    #[test]
    fn kinds() {
        assert_eq!(
            SimilarityMetric::from_kind("similar"),
            Some(SimilarityMetric::Cosine)
        );
        assert_eq!(
            SimilarityMetric::from_kind("similar:dot"),
            Some(SimilarityMetric::Dot)
        );
        assert_eq!(SimilarityMetric::from_kind("similar:manhattan"), None);
    }
}
