//! [`GatePolicy`]: what a candidate run must meet, as a file (YAML, JSON or TOML) or in code.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::{EvalError, Result};

/// The metric name for a case's combined score.
pub const SCORE: &str = "score";
/// The metric name for pass (1) or not (0) per case; its mean is the pass rate.
pub const PASS_RATE: &str = "pass_rate";

/// What a candidate run must meet to pass the gate.
///
/// Metric names: `score` (a case's combined score), `pass_rate` (1 for a passed case, 0
/// otherwise) and every named metric the cases carry (an assertion's type or its `metric:`).
/// Unknown keys in a policy file are an error, so a typo cannot silently switch a check off.
///
/// ```
/// use llmops_eval::gate::GatePolicy;
/// let p = GatePolicy::from_yaml(r#"
/// min: { pass_rate: 0.9, context-faithfulness: 0.8 }
/// max_drop: { score: 0.02 }
/// bootstrap: { iterations: 2000, confidence: 0.95, seed: 7 }
/// "#)?;
/// assert_eq!(p.min["pass_rate"], 0.9);
/// assert!(p.require_significance && p.fail_on_errors); // the defaults
/// assert!(GatePolicy::from_yaml("max_drops: { score: 0.02 }").is_err()); // typo
/// # Ok::<(), llmops_eval::EvalError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct GatePolicy {
    /// Per metric, the minimum mean the candidate must reach (over all its cases that have
    /// the metric): `{pass_rate: 0.9}`.
    pub min: BTreeMap<String, f64>,
    /// Per metric, the largest drop of the mean allowed against the baseline (over the cases
    /// both runs have): `{score: 0.02}`. Not checked without a baseline.
    pub max_drop: BTreeMap<String, f64>,
    /// The paired bootstrap behind every comparison.
    pub bootstrap: BootstrapSettings,
    /// A drop beyond `max_drop` fails the gate only when the paired bootstrap interval of the
    /// difference lies entirely below zero, i.e. the drop is unlikely to be noise. Default
    /// `true`; `false` fails on the observed drop alone.
    pub require_significance: bool,
    /// Compare each tag's cases separately (shown in the outcome). Default `true`.
    pub per_tag: bool,
    /// Per metric, the largest drop allowed within any one tag (gated like `max_drop`, with
    /// the same significance rule). Empty by default: tags are shown, not gated.
    pub tag_max_drop: BTreeMap<String, f64>,
    /// An errored case in the candidate (the target or an evaluator failed) fails the gate.
    /// Default `true`.
    pub fail_on_errors: bool,
    /// The candidate must have at least this many cases. Default 1 (an empty run fails).
    pub min_cases: u32,
    /// Baseline cases missing from the candidate fail the gate. Default `false`: they are
    /// listed (with the new cases) but the comparison runs over the cases both have.
    pub fail_on_missing_cases: bool,
    /// A cancelled (incomplete) candidate run may pass. Default `false`.
    pub allow_incomplete: bool,
    /// Runs of different suites may be compared. Default `false`: a typed error.
    pub allow_suite_mismatch: bool,
}

impl Default for GatePolicy {
    fn default() -> Self {
        GatePolicy {
            min: BTreeMap::new(),
            max_drop: BTreeMap::new(),
            bootstrap: BootstrapSettings::default(),
            require_significance: true,
            per_tag: true,
            tag_max_drop: BTreeMap::new(),
            fail_on_errors: true,
            min_cases: 1,
            fail_on_missing_cases: false,
            allow_incomplete: false,
            allow_suite_mismatch: false,
        }
    }
}

/// Paired bootstrap settings.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct BootstrapSettings {
    /// Resamples (default 2000).
    pub iterations: u32,
    /// Confidence level of the interval, in (0, 1) (default 0.95).
    pub confidence: f64,
    /// Seed: the same runs and policy always give the same interval (default 0).
    pub seed: u64,
}

impl Default for BootstrapSettings {
    fn default() -> Self {
        BootstrapSettings {
            iterations: 2000,
            confidence: 0.95,
            seed: 0,
        }
    }
}

/// The most resamples a policy may ask for (a gate should take seconds, not hours).
pub const MAX_ITERATIONS: u32 = 1_000_000;

impl GatePolicy {
    /// With a minimum mean for `metric`.
    #[must_use]
    pub fn min(mut self, metric: impl Into<String>, value: f64) -> Self {
        self.min.insert(metric.into(), value);
        self
    }

    /// With a largest allowed drop for `metric` against the baseline.
    #[must_use]
    pub fn max_drop(mut self, metric: impl Into<String>, value: f64) -> Self {
        self.max_drop.insert(metric.into(), value);
        self
    }

    /// With a largest allowed drop for `metric` within any tag.
    #[must_use]
    pub fn tag_max_drop(mut self, metric: impl Into<String>, value: f64) -> Self {
        self.tag_max_drop.insert(metric.into(), value);
        self
    }

    /// With bootstrap settings.
    #[must_use]
    pub fn bootstrap(mut self, iterations: u32, confidence: f64, seed: u64) -> Self {
        self.bootstrap = BootstrapSettings {
            iterations,
            confidence,
            seed,
        };
        self
    }

    /// Whether a drop must be significant to fail.
    #[must_use]
    pub fn require_significance(mut self, yes: bool) -> Self {
        self.require_significance = yes;
        self
    }

    /// Whether errored cases fail the gate.
    #[must_use]
    pub fn fail_on_errors(mut self, yes: bool) -> Self {
        self.fail_on_errors = yes;
        self
    }

    /// The fewest cases the candidate may have.
    #[must_use]
    pub fn min_cases(mut self, n: u32) -> Self {
        self.min_cases = n;
        self
    }

    /// Whether baseline cases missing from the candidate fail the gate.
    #[must_use]
    pub fn fail_on_missing_cases(mut self, yes: bool) -> Self {
        self.fail_on_missing_cases = yes;
        self
    }

    /// Whether runs of different suites may be compared.
    #[must_use]
    pub fn allow_suite_mismatch(mut self, yes: bool) -> Self {
        self.allow_suite_mismatch = yes;
        self
    }

    /// Parses a YAML policy and validates it.
    pub fn from_yaml(text: &str) -> Result<Self> {
        let p: GatePolicy = serde_yaml_ng::from_str(text)
            .map_err(|e| EvalError::Config(format!("gate policy (YAML): {e}")))?;
        p.validate()?;
        Ok(p)
    }

    /// Parses a JSON policy and validates it.
    pub fn from_json(text: &str) -> Result<Self> {
        let p: GatePolicy = serde_json::from_str(text)
            .map_err(|e| EvalError::Config(format!("gate policy (JSON): {e}")))?;
        p.validate()?;
        Ok(p)
    }

    /// Parses a TOML policy and validates it.
    pub fn from_toml(text: &str) -> Result<Self> {
        let p: GatePolicy = toml::from_str(text)
            .map_err(|e| EvalError::Config(format!("gate policy (TOML): {e}")))?;
        p.validate()?;
        Ok(p)
    }

    /// Reads a policy file, the format chosen by its extension (`.yaml`/`.yml`, `.json`,
    /// `.toml`); errors name the file.
    pub fn load(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| EvalError::io(path, e))?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let parsed = match ext.as_deref() {
            Some("yaml" | "yml") => GatePolicy::from_yaml(&text),
            Some("json") => GatePolicy::from_json(&text),
            Some("toml") => GatePolicy::from_toml(&text),
            _ => Err(EvalError::Config(
                "gate policy: unknown file type (expected .yaml, .yml, .json or .toml)".into(),
            )),
        };
        parsed.map_err(|e| match e {
            EvalError::Config(m) => EvalError::Config(format!("{}: {m}", path.display())),
            other => other,
        })
    }

    /// Checks the values: finite thresholds, non-negative drops, a confidence level in
    /// (0, 1), 1 to [`MAX_ITERATIONS`] resamples.
    pub fn validate(&self) -> Result<()> {
        let bad = |m: String| Err(EvalError::Config(format!("gate policy: {m}")));
        for (k, v) in &self.min {
            if !v.is_finite() {
                return bad(format!("min.{k} must be a number, got {v}"));
            }
        }
        for (what, map) in [
            ("max_drop", &self.max_drop),
            ("tag_max_drop", &self.tag_max_drop),
        ] {
            for (k, v) in map {
                if !(v.is_finite() && *v >= 0.0) {
                    return bad(format!("{what}.{k} must be a number >= 0, got {v}"));
                }
            }
        }
        let b = &self.bootstrap;
        if !(b.confidence > 0.0 && b.confidence < 1.0) {
            return bad(format!(
                "bootstrap.confidence must be in (0, 1), got {}",
                b.confidence
            ));
        }
        if b.iterations == 0 || b.iterations > MAX_ITERATIONS {
            return bad(format!(
                "bootstrap.iterations must be 1 to {MAX_ITERATIONS}, got {}",
                b.iterations
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn the_three_formats_read_the_same_policy() {
        let y = GatePolicy::from_yaml(
            "min:\n  pass_rate: 0.9\nmax_drop:\n  score: 0.02\nbootstrap:\n  seed: 3\nmin_cases: 20\n",
        )
        .unwrap();
        let j = GatePolicy::from_json(
            r#"{"min": {"pass_rate": 0.9}, "max_drop": {"score": 0.02}, "bootstrap": {"seed": 3}, "min_cases": 20}"#,
        )
        .unwrap();
        let t = GatePolicy::from_toml(
            "min_cases = 20\n[min]\npass_rate = 0.9\n[max_drop]\nscore = 0.02\n[bootstrap]\nseed = 3\n",
        )
        .unwrap();
        assert_eq!(y, j);
        assert_eq!(y, t);
        assert_eq!(y.bootstrap.iterations, 2000);
        assert_eq!(y.min_cases, 20);
    }

    #[test]
    fn typos_and_bad_values_are_errors() {
        for bad in [
            "max_drops: {score: 0.1}",
            "bootstrap: {confidence: 1.5}",
            "bootstrap: {iterations: 0}",
            "max_drop: {score: -0.1}",
            "bootstrap: {seeds: 1}",
            "min: {score: .nan}",
        ] {
            let e = GatePolicy::from_yaml(bad).unwrap_err();
            assert!(matches!(e, EvalError::Config(_)), "{bad}: {e}");
        }
    }

    #[test]
    fn load_names_the_file_and_picks_the_format() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("gate.toml");
        std::fs::write(&p, "[min]\nscore = 0.5\n").unwrap();
        assert_eq!(GatePolicy::load(&p).unwrap().min["score"], 0.5);
        let q = dir.path().join("gate.yaml");
        std::fs::write(&q, "min: [1, 2]\n").unwrap();
        let e = GatePolicy::load(&q).unwrap_err().to_string();
        assert!(e.contains("gate.yaml"), "{e}");
        let r = dir.path().join("gate.ini");
        std::fs::write(&r, "").unwrap();
        assert!(GatePolicy::load(&r).is_err());
    }
}
