//! [`DataDrift`]: does the eval set still look like the traffic? Compares live inputs with the
//! eval set's inputs in an [`Embedder`]'s space.
//!
//! Three signals, all on cosine distance (`1 - cos`):
//! - **centroid distance**: between the mean direction of the live inputs and that of the
//!   eval set: the traffic as a whole moved;
//! - **nearest-case distance**: each live input's distance to its nearest eval case, averaged,
//!   against the eval set's own leave-one-out nearest distance (how far a case is from its
//!   nearest neighbour in the set): the ratio says how much farther live inputs sit from the
//!   set than the set's cases from each other;
//! - **share beyond p95**: the share of live inputs farther from every case than 95 % of the
//!   eval set's cases are from their nearest neighbour; in-distribution traffic gives about
//!   5 %, a new topic raises it.
//!
//! `drifted` is set when any signal passes its [`DriftThresholds`]. The defaults suit
//! sentence-embedding models (MiniLM and the like); calibrate them for yours by fitting on
//! one half of the eval set and observing the other half (no drift by construction).

use std::collections::VecDeque;
use std::sync::Arc;

use llmops_core::{Embedder, EvalCase, ExchangeRecord, Role};
use serde::{Deserialize, Serialize};

use crate::{Dataset, EvalError, Result};

/// Texts embedded per call.
const BATCH: usize = 64;

/// When a [`DriftReport`] says `drifted`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DriftThresholds {
    /// Largest centroid distance that is not drift.
    pub centroid_distance: f64,
    /// Largest ratio of the live mean nearest-case distance to the eval set's own.
    pub nearest_ratio: f64,
    /// Largest share of live inputs beyond the eval set's p95 nearest distance.
    pub share_beyond_p95: f64,
}

impl Default for DriftThresholds {
    fn default() -> Self {
        DriftThresholds {
            centroid_distance: 0.15,
            nearest_ratio: 1.5,
            share_beyond_p95: 0.25,
        }
    }
}

impl DriftThresholds {
    /// With a centroid distance threshold.
    #[must_use]
    pub fn centroid_distance(mut self, v: f64) -> Self {
        self.centroid_distance = v;
        self
    }
    /// With a nearest-distance ratio threshold.
    #[must_use]
    pub fn nearest_ratio(mut self, v: f64) -> Self {
        self.nearest_ratio = v;
        self
    }
    /// With a share-beyond-p95 threshold.
    #[must_use]
    pub fn share_beyond_p95(mut self, v: f64) -> Self {
        self.share_beyond_p95 = v;
        self
    }
}

/// The comparison of live inputs with the eval set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DriftReport {
    /// The embedder's id.
    pub embedder: String,
    /// Eval-set inputs.
    pub reference_n: usize,
    /// Live inputs compared.
    pub live_n: usize,
    /// Cosine distance between the two centroids.
    pub centroid_distance: f64,
    /// Mean distance of a live input to its nearest eval case.
    pub live_nearest_mean: f64,
    /// Mean leave-one-out nearest distance within the eval set.
    pub reference_nearest_mean: f64,
    /// `live_nearest_mean / reference_nearest_mean`.
    pub nearest_ratio: f64,
    /// The eval set's 95th percentile nearest distance.
    pub reference_p95: f64,
    /// Share of live inputs farther than `reference_p95` from every case.
    pub share_beyond_p95: f64,
    /// Whether any threshold was passed.
    pub drifted: bool,
    /// Which thresholds were passed, in words.
    pub reasons: Vec<String>,
}

/// Compares live inputs with an eval set (see the module docs).
///
/// ```
/// use std::sync::Arc;
/// use llmops_core::HashingEmbedder;
/// use llmops_eval::drift::{DataDrift, DriftThresholds};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let eval_set = ["how do I return a damaged item", "refund for a broken item", "return window for items"];
/// let mut drift = DataDrift::fit(Arc::new(HashingEmbedder::new(512)), &eval_set).await.unwrap();
/// drift.observe(&["kubernetes pod stuck in crashloopbackoff", "helm chart upgrade failed"]).await.unwrap();
/// let report = drift.report().unwrap();
/// assert!(report.drifted, "{report:?}");
/// # });
/// ```
pub struct DataDrift {
    embedder: Arc<dyn Embedder>,
    thresholds: DriftThresholds,
    reference: Vec<Vec<f32>>,
    centroid: Vec<f32>,
    ref_nearest: Vec<f64>,
    live: VecDeque<Vec<f32>>,
    max_live: usize,
}

impl std::fmt::Debug for DataDrift {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DataDrift")
            .field("embedder", &self.embedder.id())
            .field("thresholds", &self.thresholds)
            .field("reference", &self.reference.len())
            .field("live", &self.live.len())
            .field("max_live", &self.max_live)
            .finish()
    }
}

impl DataDrift {
    /// Embeds the eval set's inputs (at least 2, for the leave-one-out distances).
    pub async fn fit<S: AsRef<str> + Sync>(
        embedder: Arc<dyn Embedder>,
        inputs: &[S],
    ) -> Result<Self> {
        if inputs.len() < 2 {
            return Err(EvalError::Config(format!(
                "data drift needs at least 2 eval-set inputs, got {}",
                inputs.len()
            )));
        }
        let reference = embed_all(embedder.as_ref(), inputs).await?;
        let centroid = centroid(reference.iter());
        let ref_nearest = (0..reference.len())
            .map(|i| {
                let v = reference.get(i).map_or(&[][..], Vec::as_slice);
                reference
                    .iter()
                    .enumerate()
                    .filter(|(j, _)| *j != i)
                    .map(|(_, w)| distance(v, w))
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        Ok(DataDrift {
            embedder,
            thresholds: DriftThresholds::default(),
            reference,
            centroid,
            ref_nearest,
            live: VecDeque::new(),
            max_live: 10_000,
        })
    }

    /// Fits on a dataset's inputs ([`case_input`] of each case).
    pub async fn fit_dataset(embedder: Arc<dyn Embedder>, ds: &Dataset) -> Result<Self> {
        let inputs: Vec<String> = ds.cases.iter().map(|c| case_input(&c.eval)).collect();
        Self::fit(embedder, &inputs).await
    }

    /// With thresholds.
    #[must_use]
    pub fn thresholds(mut self, t: DriftThresholds) -> Self {
        self.thresholds = t;
        self
    }

    /// Keeps at most the last `n` live inputs (default 10 000; at least 1).
    #[must_use]
    pub fn max_live(mut self, n: usize) -> Self {
        self.max_live = n.max(1);
        self
    }

    /// Adds live inputs.
    pub async fn observe<S: AsRef<str> + Sync>(&mut self, inputs: &[S]) -> Result<()> {
        let vs = embed_all(self.embedder.as_ref(), inputs).await?;
        for v in vs {
            if self.live.len() >= self.max_live {
                self.live.pop_front();
            }
            self.live.push_back(v);
        }
        Ok(())
    }

    /// Forgets the live inputs (start a new period).
    pub fn reset(&mut self) {
        self.live.clear();
    }

    /// Compares the live inputs seen so far with the eval set; an error before any.
    pub fn report(&self) -> Result<DriftReport> {
        if self.live.is_empty() {
            return Err(EvalError::Config(
                "data drift: no live inputs observed yet".into(),
            ));
        }
        let live_centroid = centroid(self.live.iter());
        let centroid_distance = distance(&self.centroid, &live_centroid);
        let live_nearest: Vec<f64> = self
            .live
            .iter()
            .map(|v| {
                self.reference
                    .iter()
                    .map(|r| distance(v, r))
                    .fold(f64::INFINITY, f64::min)
            })
            .collect();
        let live_nearest_mean = mean(&live_nearest);
        let reference_nearest_mean = mean(&self.ref_nearest);
        let nearest_ratio = live_nearest_mean / reference_nearest_mean.max(1e-9);
        let reference_p95 = percentile(&self.ref_nearest, 0.95);
        let beyond = live_nearest.iter().filter(|d| **d > reference_p95).count();
        let share_beyond_p95 = beyond as f64 / live_nearest.len() as f64;
        let t = &self.thresholds;
        let mut reasons = Vec::new();
        if centroid_distance > t.centroid_distance {
            reasons.push(format!(
                "centroid distance {centroid_distance:.3} > {}",
                t.centroid_distance
            ));
        }
        if nearest_ratio > t.nearest_ratio {
            reasons.push(format!(
                "live inputs are {nearest_ratio:.2}× farther from their nearest case than cases from each other (> {})",
                t.nearest_ratio
            ));
        }
        if share_beyond_p95 > t.share_beyond_p95 {
            reasons.push(format!(
                "{:.0} % of live inputs lie beyond the eval set's p95 nearest distance (> {:.0} %)",
                share_beyond_p95 * 100.0,
                t.share_beyond_p95 * 100.0
            ));
        }
        Ok(DriftReport {
            embedder: self.embedder.id().to_owned(),
            reference_n: self.reference.len(),
            live_n: self.live.len(),
            centroid_distance,
            live_nearest_mean,
            reference_nearest_mean,
            nearest_ratio,
            reference_p95,
            share_beyond_p95,
            drifted: !reasons.is_empty(),
            reasons,
        })
    }
}

/// A case's input text: its user messages, else its vars' values (strings as written,
/// others as JSON) in name order, one per line.
pub fn case_input(case: &EvalCase) -> String {
    if case.messages.is_empty() {
        return case
            .vars
            .values()
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    user_text(&case.messages)
}

/// A logged exchange's input text: the prompt variables when it used a versioned prompt (as
/// [`case_input`] reads a case's vars), else its user messages.
pub fn record_input(rec: &ExchangeRecord) -> String {
    if let Some(p) = rec.request.prompt.as_ref().filter(|p| !p.vars.is_empty()) {
        let mut keys: Vec<&String> = p.vars.keys().collect();
        keys.sort();
        return keys
            .into_iter()
            .filter_map(|k| p.vars.get(k))
            .map(|v| match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            })
            .collect::<Vec<_>>()
            .join("\n");
    }
    user_text(&rec.request.messages)
}

fn user_text(ms: &[llmops_core::Message]) -> String {
    ms.iter()
        .filter(|m| m.role == Role::User)
        .map(llmops_core::Message::text)
        .collect::<Vec<_>>()
        .join("\n")
}

async fn embed_all<S: AsRef<str> + Sync>(e: &dyn Embedder, inputs: &[S]) -> Result<Vec<Vec<f32>>> {
    let mut out = Vec::with_capacity(inputs.len());
    for chunk in inputs.chunks(BATCH) {
        let texts: Vec<&str> = chunk.iter().map(AsRef::as_ref).collect();
        let vs = e.embed(&texts).await?;
        if vs.len() != texts.len() {
            return Err(EvalError::Config(format!(
                "embedder `{}` returned {} vectors for {} texts",
                e.id(),
                vs.len(),
                texts.len()
            )));
        }
        out.extend(vs.into_iter().map(normalise));
    }
    Ok(out)
}

fn normalise(mut v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| f64::from(*x).powi(2)).sum::<f64>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x = (f64::from(*x) / n) as f32);
    }
    v
}

fn centroid<'a>(vs: impl Iterator<Item = &'a Vec<f32>>) -> Vec<f32> {
    let mut sum: Vec<f64> = Vec::new();
    for v in vs {
        if sum.len() < v.len() {
            sum.resize(v.len(), 0.0);
        }
        for (s, x) in sum.iter_mut().zip(v) {
            *s += f64::from(*x);
        }
    }
    normalise(sum.into_iter().map(|x| x as f32).collect())
}

/// Cosine distance of two unit vectors (a zero vector is at distance 1 from everything).
fn distance(a: &[f32], b: &[f32]) -> f64 {
    let dot: f64 = a
        .iter()
        .zip(b)
        .map(|(x, y)| f64::from(*x) * f64::from(*y))
        .sum();
    (1.0 - dot).clamp(0.0, 2.0)
}

fn mean(xs: &[f64]) -> f64 {
    if xs.is_empty() {
        0.0
    } else {
        xs.iter().sum::<f64>() / xs.len() as f64
    }
}

/// Nearest-rank percentile.
fn percentile(xs: &[f64], p: f64) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((p * v.len() as f64).ceil() as usize).clamp(1, v.len().max(1));
    v.get(rank - 1).copied().unwrap_or(0.0)
}

#[cfg(test)]
#[allow(clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn percentile_and_distance_by_hand() {
        let xs: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&xs, 0.95), 19.0);
        assert_eq!(percentile(&[3.0], 0.95), 3.0);
        assert!((distance(&[1.0, 0.0], &[0.0, 1.0]) - 1.0).abs() < 1e-12);
        assert!(distance(&[0.6, 0.8], &[0.6, 0.8]).abs() < 1e-6);
        let c = centroid([vec![1.0, 0.0], vec![0.0, 1.0]].iter());
        assert!((f64::from(c[0]) - std::f64::consts::FRAC_1_SQRT_2).abs() < 1e-6);
    }
}
