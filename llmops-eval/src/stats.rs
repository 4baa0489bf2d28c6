//! Statistics the runner and the gates share: the mean of repeated scores with a Student-t
//! confidence interval, and a paired bootstrap of the difference between two runs.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};

use crate::report_model::Interval;

/// Mean of `samples` with a two-sided Student-t interval at `level` (0.95). One sample: the
/// interval is the point. `None` for no samples or a level outside (0, 1).
///
/// ```
/// let ci = llmops_eval::stats::mean_interval(&[1.0, 0.0, 1.0, 1.0], 0.95).unwrap();
/// assert_eq!(ci.mean, 0.75);
/// // t(0.975, 3) = 3.182; sd = 0.5; half-width = 3.182 * 0.5 / 2
/// assert!((ci.high - ci.mean - 0.7956).abs() < 1e-3, "{ci:?}");
/// ```
pub fn mean_interval(samples: &[f64], level: f64) -> Option<Interval> {
    if samples.is_empty() || !(level > 0.0 && level < 1.0) {
        return None;
    }
    let n = samples.len() as f64;
    let mean = samples.iter().sum::<f64>() / n;
    if samples.len() == 1 {
        return Some(Interval {
            n: 1,
            mean,
            low: mean,
            high: mean,
            level,
        });
    }
    let var = samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0);
    let t = StudentsT::new(0.0, 1.0, n - 1.0)
        .ok()
        .map(|d| d.inverse_cdf(0.5 + level / 2.0))?;
    let half = t * (var / n).sqrt();
    Some(Interval {
        n: u32::try_from(samples.len()).unwrap_or(u32::MAX),
        mean,
        low: mean - half,
        high: mean + half,
        level,
    })
}

/// The difference `candidate - baseline` of paired per-case scores, with a bootstrap
/// confidence interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PairedDiff {
    /// Pairs.
    pub n: u32,
    /// Observed mean difference.
    pub mean: f64,
    /// Lower bound of the interval.
    pub low: f64,
    /// Upper bound of the interval.
    pub high: f64,
    /// Confidence level.
    pub level: f64,
    /// Share of resamples whose mean difference is < 0 (how sure a drop is).
    pub p_worse: f64,
}

/// Paired bootstrap: resample the case indices with replacement `iterations` times (seeded,
/// so a gate is reproducible), take the mean difference each time, report the percentile
/// interval at `level`. `None` when the slices differ in length, are empty, or the level is
/// outside (0, 1).
///
/// ```
/// use llmops_eval::stats::paired_bootstrap;
/// let base = [1.0; 40];
/// let mut cand = [1.0; 40];
/// for x in cand.iter_mut().take(12) { *x = 0.0; }
/// let d = paired_bootstrap(&base, &cand, 2000, 0.95, 7).unwrap();
/// assert!((d.mean + 0.3).abs() < 1e-12);
/// assert!(d.high < 0.0, "a 30-point drop on 40 cases is significant: {d:?}");
/// ```
pub fn paired_bootstrap(
    baseline: &[f64],
    candidate: &[f64],
    iterations: u32,
    level: f64,
    seed: u64,
) -> Option<PairedDiff> {
    if baseline.len() != candidate.len()
        || baseline.is_empty()
        || iterations == 0
        || !(level > 0.0 && level < 1.0)
    {
        return None;
    }
    let diffs: Vec<f64> = candidate.iter().zip(baseline).map(|(c, b)| c - b).collect();
    let n = diffs.len();
    let mean = diffs.iter().sum::<f64>() / n as f64;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut means = Vec::with_capacity(iterations as usize);
    let mut worse = 0u32;
    for _ in 0..iterations {
        let mut s = 0.0;
        for _ in 0..n {
            let i = rng.random_range(0..n);
            s += diffs.get(i).copied().unwrap_or(0.0);
        }
        let m = s / n as f64;
        if m < 0.0 {
            worse += 1;
        }
        means.push(m);
    }
    means.sort_by(f64::total_cmp);
    let q = |p: f64| -> f64 {
        let idx = ((p * (means.len() - 1) as f64).round() as usize).min(means.len() - 1);
        means.get(idx).copied().unwrap_or(mean)
    };
    let alpha = (1.0 - level) / 2.0;
    Some(PairedDiff {
        n: u32::try_from(n).unwrap_or(u32::MAX),
        mean,
        low: q(alpha),
        high: q(1.0 - alpha),
        level,
        p_worse: f64::from(worse) / f64::from(iterations),
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn identical_runs_have_a_zero_interval() {
        let a = [0.2, 0.9, 0.5, 1.0];
        let d = paired_bootstrap(&a, &a, 500, 0.95, 1).unwrap();
        assert_eq!((d.mean, d.low, d.high, d.p_worse), (0.0, 0.0, 0.0, 0.0));
    }

    #[test]
    fn noise_is_not_a_regression() {
        // half the cases a bit better, half a bit worse: the interval straddles zero
        let base: Vec<f64> = (0..30)
            .map(|i| if i % 2 == 0 { 0.6 } else { 0.8 })
            .collect();
        let cand = vec![0.7; 30];
        let d = paired_bootstrap(&base, &cand, 2000, 0.95, 3).unwrap();
        assert!(d.low < 0.0 && d.high > 0.0, "{d:?}");
    }

    #[test]
    fn bad_inputs_are_none() {
        assert!(paired_bootstrap(&[1.0], &[1.0, 2.0], 10, 0.95, 0).is_none());
        assert!(paired_bootstrap(&[], &[], 10, 0.95, 0).is_none());
        assert!(mean_interval(&[], 0.95).is_none());
        assert!(mean_interval(&[1.0], 1.5).is_none());
    }

    #[test]
    fn same_seed_same_interval() {
        let a: Vec<f64> = (0..20).map(|i| f64::from(i % 3) / 2.0).collect();
        let b: Vec<f64> = (0..20).map(|i| f64::from(i % 4) / 3.0).collect();
        assert_eq!(
            paired_bootstrap(&a, &b, 300, 0.9, 9),
            paired_bootstrap(&a, &b, 300, 0.9, 9)
        );
    }
}
