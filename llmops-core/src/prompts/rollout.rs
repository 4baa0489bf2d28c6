//! Weighted, sticky rollout: a label points at one version or splits traffic across
//! versions by weight; a caller key (user, tenant) always lands on the same version.
//!
//! In `labels.yaml`:
//!
//! ```text
//! production:
//!   split: {3: 95, 4: 5}    # version: weight
//! staging: 4
//! ```
//!
//! The version a key gets is `xxh3(prompt, label, key) mod total weight` placed on the
//! cumulative weights in version order: stable across processes, machines and restarts
//! (xxh3 is a fixed algorithm), independent between prompts and labels (the hash covers them),
//! and a key keeps its version when only the weights change in its favour.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::Xxh3;

use super::resolved::ResolvedPrompt;

/// Where a label points: one version, or a weighted split across versions.
///
/// ```
/// use llmops_core::prompts::LabelTarget;
/// let t: LabelTarget = serde_json::from_str(r#"{"split": {"3": 95, "4": 5}}"#)?;
/// assert_eq!(t.stable(), Some(3));
/// assert_eq!(t.to_string(), "3 (95%) / 4 (5%)");
/// assert_eq!(LabelTarget::Version(2).to_string(), "2");
/// # Ok::<(), serde_json::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged, from = "RawTarget")]
#[non_exhaustive]
pub enum LabelTarget {
    /// One version.
    Version(u32),
    /// Several versions by weight (`version -> weight`).
    Split {
        /// Version to weight.
        split: BTreeMap<u32, u32>,
    },
}

/// What `labels.yaml` and history lines hold; JSON spells the split's versions as strings.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawTarget {
    Version(u32),
    Split { split: BTreeMap<VersionKey, u32> },
}

#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct VersionKey(u32);

impl<'de> Deserialize<'de> for VersionKey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = VersionKey;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a version number")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<VersionKey, E> {
                u32::try_from(v).map(VersionKey).map_err(E::custom)
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<VersionKey, E> {
                u32::try_from(v).map(VersionKey).map_err(E::custom)
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<VersionKey, E> {
                v.parse().map(VersionKey).map_err(E::custom)
            }
        }
        d.deserialize_any(V)
    }
}

impl From<RawTarget> for LabelTarget {
    fn from(raw: RawTarget) -> Self {
        match raw {
            RawTarget::Version(v) => LabelTarget::Version(v),
            RawTarget::Split { split } => {
                LabelTarget::split(split.into_iter().map(|(k, w)| (k.0, w)))
            }
        }
    }
}

impl LabelTarget {
    /// A split from `(version, weight)` pairs.
    pub fn split(arms: impl IntoIterator<Item = (u32, u32)>) -> Self {
        LabelTarget::Split {
            split: arms.into_iter().collect(),
        }
    }

    /// The versions it points at, ascending.
    pub fn versions(&self) -> Vec<u32> {
        match self {
            LabelTarget::Version(v) => vec![*v],
            LabelTarget::Split { split } => split.keys().copied().collect(),
        }
    }

    /// The stable version: the only one, or the heaviest arm of a split (the lowest version
    /// on a tie). `None` for an empty split.
    pub fn stable(&self) -> Option<u32> {
        match self {
            LabelTarget::Version(v) => Some(*v),
            LabelTarget::Split { split } => split
                .iter()
                .max_by(|a, b| a.1.cmp(b.1).then(b.0.cmp(a.0)))
                .map(|(v, _)| *v),
        }
    }

    /// Checks a split: at least one arm, every weight positive.
    pub(crate) fn check(&self) -> Result<(), String> {
        match self {
            LabelTarget::Version(_) => Ok(()),
            LabelTarget::Split { split } if split.is_empty() => {
                Err("a split needs at least one `version: weight`".to_owned())
            }
            LabelTarget::Split { split } => match split.iter().find(|(_, w)| **w == 0) {
                Some((v, _)) => Err(format!("version {v} has weight 0 (remove it instead)")),
                None => Ok(()),
            },
        }
    }
}

impl fmt::Display for LabelTarget {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LabelTarget::Version(v) => write!(f, "{v}"),
            LabelTarget::Split { split } => {
                let total: u64 = split.values().map(|w| u64::from(*w)).sum();
                for (i, (v, w)) in split.iter().enumerate() {
                    if i > 0 {
                        f.write_str(" / ")?;
                    }
                    // percentages for display only; selection uses the integer weights
                    #[allow(clippy::cast_precision_loss)]
                    let pct = u64::from(*w) as f64 * 100.0 / total.max(1) as f64;
                    write!(f, "{v} ({}%)", trim_float(pct))?;
                }
                Ok(())
            }
        }
    }
}

fn trim_float(x: f64) -> String {
    let s = format!("{x:.2}");
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// The rollout bucket of a caller key for a prompt's label: a stable 64-bit hash.
///
/// ```
/// use llmops_core::prompts::rollout_bucket;
/// assert_eq!(rollout_bucket("greet", "production", "user-1"), rollout_bucket("greet", "production", "user-1"));
/// assert_ne!(rollout_bucket("greet", "production", "user-1"), rollout_bucket("other", "production", "user-1"));
/// ```
pub fn rollout_bucket(prompt: &str, label: &str, key: &str) -> u64 {
    let mut h = Xxh3::new();
    // lengths first, so ("ab","c") and ("a","bc") differ
    h.update(&(prompt.len() as u64).to_le_bytes());
    h.update(prompt.as_bytes());
    h.update(&(label.len() as u64).to_le_bytes());
    h.update(label.as_bytes());
    h.update(key.as_bytes());
    h.digest()
}

/// A label of a loaded registry, resolved: its versions are loaded and checked.
#[derive(Debug, Clone)]
pub(crate) enum Slot {
    /// One version.
    One(Arc<ResolvedPrompt>),
    /// A weighted split.
    Split {
        /// `(cumulative upper bound, version)` in version order.
        arms: Vec<(u64, Arc<ResolvedPrompt>)>,
        /// The sum of the weights.
        total: u64,
        /// The stable (heaviest) arm, what a reference without a caller key gets.
        stable: Arc<ResolvedPrompt>,
    },
}

impl Slot {
    /// The version for `key` (a split without a key: the stable arm).
    pub(crate) fn pick(
        &self,
        prompt: &str,
        label: &str,
        key: Option<&str>,
    ) -> &Arc<ResolvedPrompt> {
        match self {
            Slot::One(r) => r,
            Slot::Split {
                arms,
                total,
                stable,
            } => match key {
                None => stable,
                Some(key) => {
                    let b = rollout_bucket(prompt, label, key) % (*total).max(1);
                    arms.iter()
                        .find(|(upper, _)| b < *upper)
                        .map_or(stable, |(_, r)| r)
                }
            },
        }
    }

    /// The target it was built from.
    pub(crate) fn target(&self) -> LabelTarget {
        match self {
            Slot::One(r) => LabelTarget::Version(r.version),
            Slot::Split { arms, .. } => {
                let mut prev = 0;
                LabelTarget::split(arms.iter().map(|(upper, r)| {
                    let w = u32::try_from(upper - prev).unwrap_or(u32::MAX);
                    prev = *upper;
                    (r.version, w)
                }))
            }
        }
    }

    /// Builds the slot of `label` from `target`, looking versions up with `version`.
    pub(crate) fn build(
        target: &LabelTarget,
        label: &str,
        mut version: impl FnMut(u32) -> Result<Arc<ResolvedPrompt>, String>,
    ) -> Result<Slot, String> {
        target.check()?;
        match target {
            LabelTarget::Version(v) => Ok(Slot::One(version(*v)?.with_label(label))),
            LabelTarget::Split { split } => {
                let mut arms = Vec::with_capacity(split.len());
                let mut total = 0u64;
                for (v, w) in split {
                    total += u64::from(*w);
                    arms.push((total, version(*v)?.with_label(label)));
                }
                let stable_version = target.stable().unwrap_or_default();
                let stable = arms
                    .iter()
                    .find(|(_, r)| r.version == stable_version)
                    .map(|(_, r)| Arc::clone(r))
                    .ok_or_else(|| "a split needs at least one arm".to_owned())?;
                Ok(Slot::Split {
                    arms,
                    total,
                    stable,
                })
            }
        }
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
    use crate::prompts::PromptFile;

    fn version(v: u32) -> Result<Arc<ResolvedPrompt>, String> {
        let mut file = PromptFile::parse("greet", "Hi {{who}}").unwrap();
        file.version = v;
        Ok(Arc::new(
            ResolvedPrompt::from_file(Arc::new(file), "greet", None).unwrap(),
        ))
    }

    #[test]
    fn targets_round_trip_through_yaml_and_json() {
        let yaml = "production:\n  split:\n    3: 95\n    4: 5\nstaging: 4\n";
        let labels: BTreeMap<String, LabelTarget> = serde_yaml_ng::from_str(yaml).unwrap();
        assert_eq!(labels["production"], LabelTarget::split([(3, 95), (4, 5)]));
        assert_eq!(labels["staging"], LabelTarget::Version(4));
        assert_eq!(serde_yaml_ng::to_string(&labels).unwrap(), yaml);
        let json = serde_json::to_string(&labels).unwrap();
        assert_eq!(
            serde_json::from_str::<BTreeMap<String, LabelTarget>>(&json).unwrap(),
            labels
        );
    }

    #[test]
    fn stable_is_the_heaviest_arm_then_the_lowest_version() {
        assert_eq!(LabelTarget::split([(3, 95), (4, 5)]).stable(), Some(3));
        assert_eq!(LabelTarget::split([(3, 5), (4, 95)]).stable(), Some(4));
        assert_eq!(LabelTarget::split([(3, 50), (4, 50)]).stable(), Some(3));
        assert_eq!(LabelTarget::split([]).stable(), None);
        assert!(LabelTarget::split([]).check().is_err());
        assert!(LabelTarget::split([(1, 0), (2, 1)]).check().is_err());
    }

    #[test]
    fn keys_stick_and_no_key_gets_the_stable_arm() {
        let slot = Slot::build(&LabelTarget::split([(1, 50), (2, 50)]), "prod", version).unwrap();
        assert_eq!(slot.pick("greet", "prod", None).version, 1);
        for i in 0..100 {
            let key = format!("user-{i}");
            let a = slot.pick("greet", "prod", Some(&key)).version;
            let b = slot.pick("greet", "prod", Some(&key)).version;
            assert_eq!(a, b);
        }
        assert_eq!(slot.target(), LabelTarget::split([(1, 50), (2, 50)]));
        assert_eq!(
            slot.pick("greet", "prod", Some("x")).label.as_deref(),
            Some("prod")
        );
    }

    #[test]
    fn split_distribution_on_100k_keys_is_within_tolerance() {
        let slot = Slot::build(
            &LabelTarget::split([(1, 95), (2, 5)]),
            "production",
            version,
        )
        .unwrap();
        let n = 100_000;
        let canary = (0..n)
            .filter(|i| {
                slot.pick("greet", "production", Some(&format!("user-{i}")))
                    .version
                    == 2
            })
            .count();
        // binomial(100k, 0.05): sd ≈ 69; ±0.5 point is more than 7 sd
        let share = canary as f64 / f64::from(n);
        assert!((share - 0.05).abs() < 0.005, "canary share {share}");
        let slot =
            Slot::build(&LabelTarget::split([(1, 1), (2, 1), (3, 2)]), "ab", version).unwrap();
        let mut counts = [0u32; 3];
        for i in 0..n {
            let v = slot
                .pick("greet", "ab", Some(&format!("tenant-{i}")))
                .version;
            counts[(v - 1) as usize] += 1;
        }
        for (got, want) in counts.iter().zip([0.25, 0.25, 0.5]) {
            let share = f64::from(*got) / f64::from(n);
            assert!((share - want).abs() < 0.01, "{counts:?}");
        }
    }

    #[test]
    fn widening_the_canary_keeps_canary_users_on_it() {
        let at5 = Slot::build(&LabelTarget::split([(1, 95), (2, 5)]), "p", version).unwrap();
        let at50 = Slot::build(&LabelTarget::split([(1, 50), (2, 50)]), "p", version).unwrap();
        for i in 0..10_000 {
            let key = format!("u{i}");
            if at5.pick("greet", "p", Some(&key)).version == 2 {
                assert_eq!(at50.pick("greet", "p", Some(&key)).version, 2, "{key}");
            }
        }
    }

    proptest::proptest! {
        /// Any labels.yaml text either parses into targets or is an error; never a panic.
        #[test]
        fn arbitrary_label_files_never_panic(text in "(production|canary|split|[0-9]{1,3}|[:{},\\[\\] \n-]){0,40}") {
            if let Ok(labels) = serde_yaml_ng::from_str::<BTreeMap<String, LabelTarget>>(&text) {
                for t in labels.values() {
                    let _ = t.check();
                    let _ = t.stable();
                    let _ = t.to_string();
                }
            }
        }

        /// Every key lands on a version of the split, and the same key on the same one.
        #[test]
        fn every_key_lands_on_an_arm(
            arms in proptest::collection::btree_map(1u32..20, 1u32..1000, 1..6),
            key in ".{0,40}",
        ) {
            let target = LabelTarget::Split { split: arms.clone() };
            let slot = Slot::build(&target, "l", version).unwrap();
            let v = slot.pick("p", "l", Some(&key)).version;
            proptest::prop_assert!(arms.contains_key(&v));
            proptest::prop_assert_eq!(slot.pick("p", "l", Some(&key)).version, v);
            proptest::prop_assert_eq!(slot.target(), target);
        }
    }

    #[test]
    fn display_shows_percentages() {
        assert_eq!(
            LabelTarget::split([(1, 2), (2, 1)]).to_string(),
            "1 (66.67%) / 2 (33.33%)"
        );
    }
}
