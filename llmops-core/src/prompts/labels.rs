//! Label changes (set, promote, rollback, remove) and the append-only history.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use serde_json::Value;

use super::PromptError;
use super::bookkeeping;
use super::registry::{LATEST, PromptRegistry, io_err, read_labels};
use super::rollout::LabelTarget;
use crate::eval::EvalRecord;

/// What a history record did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum HistoryAction {
    /// A version was promoted to a label (optionally through an eval gate).
    Promote,
    /// A label went back to its previous target.
    Rollback,
    /// A label was set directly.
    Set,
    /// A label was removed.
    Remove,
    /// A canary split was started or changed on a label.
    Canary,
    /// The canary guard set a split label back to its stable version.
    Revert,
}

impl HistoryAction {
    /// The action's name (`promote`, `rollback`, `set`, `remove`, `canary`).
    pub fn as_str(self) -> &'static str {
        match self {
            HistoryAction::Promote => "promote",
            HistoryAction::Rollback => "rollback",
            HistoryAction::Set => "set",
            HistoryAction::Remove => "remove",
            HistoryAction::Canary => "canary",
            HistoryAction::Revert => "revert",
        }
    }
}

/// One line of `.llmops/history.jsonl`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct HistoryRecord {
    /// When.
    pub at: DateTime<Utc>,
    /// Who.
    pub who: String,
    /// Why.
    pub why: String,
    /// What.
    pub action: HistoryAction,
    /// The prompt.
    pub prompt: String,
    /// The label.
    pub label: String,
    /// Where the label pointed before (`None`: unset).
    pub from: Option<LabelTarget>,
    /// Where it points after (`None`: removed).
    pub to: Option<LabelTarget>,
    /// Figures behind an automatic change (the canary guard's comparison).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<Value>,
}

fn history_path(dir: &Path) -> PathBuf {
    bookkeeping::path(dir, "history.jsonl")
}

/// Reads every history record (missing file: none).
fn read_history(dir: &Path) -> Result<Vec<HistoryRecord>, PromptError> {
    bookkeeping::read_lines(&history_path(dir), "history record")
}

/// Writes `labels.yaml` through a temporary file and a rename.
fn write_labels(path: &Path, labels: &BTreeMap<String, LabelTarget>) -> Result<(), PromptError> {
    let text = if labels.is_empty() {
        String::new()
    } else {
        serde_yaml_ng::to_string(labels).map_err(|e| PromptError::Parse {
            file: path.display().to_string(),
            line: 0,
            message: e.to_string(),
        })?
    };
    let tmp = path.with_extension(format!("yaml.tmp-{}", std::process::id()));
    std::fs::write(&tmp, text).map_err(|e| io_err(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io_err(path, e))
}

/// The target a rollback of `label` returns to, from the history: every set/promote/remove
/// pushes its target (the first also its starting point, `None` when unset), every rollback
/// pops one, so rollback after rollback walks back. `Some(None)`: back to unset.
fn rollback_target(
    history: &[HistoryRecord],
    prompt: &str,
    label: &str,
) -> Option<Option<LabelTarget>> {
    let mut stack: Vec<Option<LabelTarget>> = Vec::new();
    for r in history
        .iter()
        .filter(|r| r.prompt == prompt && r.label == label)
    {
        match r.action {
            HistoryAction::Rollback => {
                stack.pop();
            }
            HistoryAction::Set
            | HistoryAction::Promote
            | HistoryAction::Remove
            | HistoryAction::Canary
            | HistoryAction::Revert => {
                if stack.is_empty() {
                    stack.push(r.from.clone());
                }
                stack.push(r.to.clone());
            }
        }
    }
    stack.pop();
    stack.pop()
}

impl PromptRegistry {
    /// Every history record of prompt `name`, oldest first.
    pub fn history(&self, name: &str) -> Result<Vec<HistoryRecord>, PromptError> {
        let mut all = read_history(&self.dir)?;
        all.retain(|r| r.prompt == name);
        Ok(all)
    }

    /// Points `label` of `name` at `version`, records it and returns the reloaded registry.
    pub fn set_label(
        &self,
        name: &str,
        label: &str,
        version: u32,
        who: &str,
        why: &str,
    ) -> Result<PromptRegistry, PromptError> {
        self.set_target(name, label, LabelTarget::Version(version), who, why)
    }

    /// Points `label` of `name` at `target` (one version or a weighted split), records it
    /// and returns the reloaded registry.
    pub fn set_target(
        &self,
        name: &str,
        label: &str,
        target: LabelTarget,
        who: &str,
        why: &str,
    ) -> Result<PromptRegistry, PromptError> {
        self.change(
            name,
            label,
            Some(target),
            HistoryAction::Set,
            who,
            why,
            None,
        )
    }

    /// Starts (or re-weights) a canary on `label`: `version` gets `weight_percent` of the
    /// traffic, the label's stable version the rest, sticky per caller key. The label must
    /// exist; [`PromptRegistry::promote`] ends the canary on a version, and
    /// [`PromptRegistry::rollback`] returns the label to where it was before.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use llmops_core::prompts::{LabelTarget, PromptRegistry};
    /// # let tmp = tempfile::tempdir()?;
    /// # let dir = tmp.path();
    /// std::fs::create_dir_all(dir.join("greet"))?;
    /// std::fs::write(dir.join("greet/1.prompt"), "Hello {{who}}")?;
    /// std::fs::write(dir.join("greet/2.prompt"), "Hi {{who}}")?;
    /// std::fs::write(dir.join("greet/labels.yaml"), "production: 1\n")?;
    /// let registry = PromptRegistry::load(dir)?.start_canary("greet", "production", 2, 5, "ada", "try v2")?;
    /// assert_eq!(registry.label_target("greet", "production")?, LabelTarget::split([(1, 95), (2, 5)]));
    /// let registry = registry.rollback("greet", "production", "ada", "v2 is worse")?;
    /// assert_eq!(registry.label_target("greet", "production")?, LabelTarget::Version(1));
    /// # Ok(()) }
    /// ```
    pub fn start_canary(
        &self,
        name: &str,
        label: &str,
        version: u32,
        weight_percent: u8,
        who: &str,
        why: &str,
    ) -> Result<PromptRegistry, PromptError> {
        let invalid = |message: String| PromptError::BadReference {
            reference: format!("{name}@{label}"),
            message,
        };
        if !(1..=99).contains(&weight_percent) {
            return Err(invalid(format!(
                "a canary weight is a percentage in 1..=99, not {weight_percent}"
            )));
        }
        let stable = self
            .label_target(name, label)?
            .stable()
            .ok_or_else(|| invalid("the label has no stable version".to_owned()))?;
        if stable == version {
            return Err(invalid(format!(
                "version {version} is already the label's stable version"
            )));
        }
        let target = LabelTarget::split([
            (stable, u32::from(100 - weight_percent)),
            (version, u32::from(weight_percent)),
        ]);
        self.change(
            name,
            label,
            Some(target),
            HistoryAction::Canary,
            who,
            why,
            None,
        )
    }

    /// Like [`PromptRegistry::set_label`], recorded as a promotion (it also ends a canary
    /// split), and refused ([`PromptError::PromotionRefused`]) when a `gate` is given and its
    /// eval record (the one given, else the one filed for the version with
    /// [`PromptRegistry::record_eval`]) targets another version than `name/version` or scores
    /// below the minimum.
    pub fn promote(
        &self,
        name: &str,
        label: &str,
        version: u32,
        who: &str,
        why: &str,
        gate: Option<(Option<&EvalRecord>, f64)>,
    ) -> Result<PromptRegistry, PromptError> {
        if let Some((record, min_score)) = gate {
            let refuse = |reason: String| PromptError::PromotionRefused {
                name: name.to_owned(),
                label: label.to_owned(),
                version,
                reason,
            };
            let stored;
            let record = match record {
                Some(r) => r,
                None => {
                    stored = self.eval_record(name, version)?;
                    stored.as_ref().ok_or_else(|| {
                        refuse("no eval record (given or filed with `record_eval`)".to_owned())
                    })?
                }
            };
            let target = format!("{name}/{version}");
            if record.target != target {
                return Err(refuse(format!(
                    "the eval record targets `{}`, not `{target}`",
                    record.target
                )));
            }
            if record.score.is_nan() || record.score < min_score {
                return Err(refuse(format!(
                    "suite `{}` scored {} (minimum {min_score})",
                    record.suite, record.score
                )));
            }
        }
        self.change(
            name,
            label,
            Some(LabelTarget::Version(version)),
            HistoryAction::Promote,
            who,
            why,
            None,
        )
    }

    /// Returns `label` to its previous target according to the history (a rollback after a
    /// rollback walks further back); [`PromptError::NothingToRollBack`] when there is none.
    pub fn rollback(
        &self,
        name: &str,
        label: &str,
        who: &str,
        why: &str,
    ) -> Result<PromptRegistry, PromptError> {
        self.rollback_with(name, label, who, why, None)
    }

    /// [`PromptRegistry::rollback`] recording `details` (the figures behind an automatic
    /// revert) in the history record.
    pub(crate) fn rollback_with(
        &self,
        name: &str,
        label: &str,
        who: &str,
        why: &str,
        details: Option<Value>,
    ) -> Result<PromptRegistry, PromptError> {
        self.entry(name)?;
        let history = read_history(&self.dir)?;
        let target = rollback_target(&history, name, label).ok_or_else(|| {
            PromptError::NothingToRollBack {
                name: name.to_owned(),
                label: label.to_owned(),
            }
        })?;
        self.change(
            name,
            label,
            target,
            HistoryAction::Rollback,
            who,
            why,
            details,
        )
    }

    /// Sets a split `label` back to `stable` (the canary guard's revert), with the figures.
    pub(crate) fn revert(
        &self,
        name: &str,
        label: &str,
        stable: u32,
        who: &str,
        why: &str,
        details: Value,
    ) -> Result<PromptRegistry, PromptError> {
        self.change(
            name,
            label,
            Some(LabelTarget::Version(stable)),
            HistoryAction::Revert,
            who,
            why,
            Some(details),
        )
    }

    /// Removes `label` of `name`.
    pub fn remove_label(
        &self,
        name: &str,
        label: &str,
        who: &str,
        why: &str,
    ) -> Result<PromptRegistry, PromptError> {
        self.change(name, label, None, HistoryAction::Remove, who, why, None)
    }

    #[allow(clippy::too_many_arguments)]
    fn change(
        &self,
        name: &str,
        label: &str,
        to: Option<LabelTarget>,
        action: HistoryAction,
        who: &str,
        why: &str,
        details: Option<Value>,
    ) -> Result<PromptRegistry, PromptError> {
        let entry = self.entry(name)?;
        if label == LATEST || label.is_empty() || label.contains(['@', '/', ':', '\n']) {
            return Err(PromptError::BadReference {
                reference: format!("{name}@{label}"),
                message: "`latest` is implicit; a label is a plain word".to_owned(),
            });
        }
        if let Some(target) = &to {
            if let Some(v) = target
                .versions()
                .into_iter()
                .find(|v| !entry.versions.contains_key(v))
            {
                return Err(PromptError::UnknownVersion {
                    name: name.to_owned(),
                    version: v,
                });
            }
            target
                .check()
                .map_err(|message| PromptError::BadReference {
                    reference: format!("{name}@{label}"),
                    message,
                })?;
        }
        let path = self.dir.join(name).join("labels.yaml");
        let mut labels = read_labels(&path)?;
        let from = match &to {
            Some(t) => labels.insert(label.to_owned(), t.clone()),
            None => labels.remove(label),
        };
        if action == HistoryAction::Remove && from.is_none() {
            return Err(PromptError::UnknownLabel {
                name: name.to_owned(),
                label: label.to_owned(),
            });
        }
        write_labels(&path, &labels)?;
        bookkeeping::append_line(
            &history_path(&self.dir),
            &HistoryRecord {
                at: Utc::now(),
                who: who.to_owned(),
                why: why.to_owned(),
                action,
                prompt: name.to_owned(),
                label: label.to_owned(),
                from,
                to,
                details,
            },
        )?;
        PromptRegistry::load(&self.dir)
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
    use std::time::Duration;

    use super::*;
    use crate::prompts::registry::tests::fixture;

    #[test]
    fn set_label_writes_labels_and_history() {
        let dir = fixture();
        let reg = PromptRegistry::load(dir.path()).unwrap();
        let reg = reg
            .set_label("greet", "production", 2, "ada", "friendlier")
            .unwrap();
        assert_eq!(reg.resolve("greet").unwrap().version, 2);
        let yaml = std::fs::read_to_string(dir.path().join("greet/labels.yaml")).unwrap();
        assert_eq!(yaml, "production: 2\nstaging: 2\n");
        let h = reg.history("greet").unwrap();
        assert_eq!(h.len(), 1);
        let r = &h[0];
        assert_eq!(
            (r.who.as_str(), r.why.as_str(), r.action, r.label.as_str()),
            ("ada", "friendlier", HistoryAction::Set, "production")
        );
        assert_eq!(
            (r.from.clone(), r.to.clone()),
            (Some(LabelTarget::Version(1)), Some(LabelTarget::Version(2)))
        );
        assert!(reg.history("other").unwrap().is_empty());
        // No temp file left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path().join("greet"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        assert!(names.iter().all(|n| !n.contains("tmp")), "{names:?}");
    }

    #[test]
    fn label_changes_are_validated() {
        let dir = fixture();
        let reg = PromptRegistry::load(dir.path()).unwrap();
        assert!(matches!(
            reg.set_label("greet", "production", 9, "a", "b")
                .unwrap_err(),
            PromptError::UnknownVersion { version: 9, .. }
        ));
        assert!(matches!(
            reg.set_label("greet", LATEST, 1, "a", "b").unwrap_err(),
            PromptError::BadReference { .. }
        ));
        assert!(matches!(
            reg.set_label("nope", "production", 1, "a", "b")
                .unwrap_err(),
            PromptError::UnknownPrompt { .. }
        ));
        assert!(matches!(
            reg.remove_label("greet", "canary", "a", "b").unwrap_err(),
            PromptError::UnknownLabel { .. }
        ));
        assert!(matches!(
            reg.rollback("greet", "production", "a", "b").unwrap_err(),
            PromptError::NothingToRollBack { .. }
        ));
        assert!(reg.history("greet").unwrap().is_empty());
    }

    #[test]
    fn rollback_and_rollback_after_rollback() {
        let dir = fixture();
        std::fs::write(dir.path().join("greet/3.prompt"), "Hey {{who}}").unwrap();
        let reg = PromptRegistry::load(dir.path()).unwrap();
        let reg = reg
            .set_label("greet", "production", 2, "ada", "v2")
            .unwrap();
        let reg = reg
            .set_label("greet", "production", 3, "ada", "v3")
            .unwrap();
        let reg = reg.rollback("greet", "production", "bob", "bad").unwrap();
        assert_eq!(reg.resolve("greet").unwrap().version, 2);
        let reg = reg.rollback("greet", "production", "bob", "worse").unwrap();
        assert_eq!(reg.resolve("greet").unwrap().version, 1);
        assert!(matches!(
            reg.rollback("greet", "production", "bob", "again")
                .unwrap_err(),
            PromptError::NothingToRollBack { .. }
        ));
        let h = reg.history("greet").unwrap();
        let v = |n| Some(LabelTarget::Version(n));
        let moves: Vec<_> = h
            .iter()
            .map(|r| (r.action, r.from.clone(), r.to.clone()))
            .collect();
        assert_eq!(
            moves,
            [
                (HistoryAction::Set, v(1), v(2)),
                (HistoryAction::Set, v(2), v(3)),
                (HistoryAction::Rollback, v(3), v(2)),
                (HistoryAction::Rollback, v(2), v(1)),
            ]
        );
        // Other labels have their own history.
        assert!(matches!(
            reg.rollback("greet", "staging", "bob", "x").unwrap_err(),
            PromptError::NothingToRollBack { .. }
        ));
    }

    #[test]
    fn rollback_restores_a_removed_label_and_removes_a_new_one() {
        let dir = fixture();
        let reg = PromptRegistry::load(dir.path()).unwrap();
        let reg = reg.remove_label("greet", "staging", "ada", "done").unwrap();
        assert!(reg.resolve("greet@staging").is_err());
        let reg = reg.rollback("greet", "staging", "ada", "oops").unwrap();
        assert_eq!(reg.resolve("greet@staging").unwrap().version, 2);
        let reg = reg.set_label("greet", "canary", 2, "ada", "try").unwrap();
        let reg = reg.rollback("greet", "canary", "ada", "no").unwrap();
        assert!(matches!(
            reg.resolve("greet@canary").unwrap_err(),
            PromptError::UnknownLabel { .. }
        ));
    }

    #[test]
    fn promotion_is_gated_by_the_eval_record() {
        let dir = fixture();
        let reg = PromptRegistry::load(dir.path()).unwrap();
        let rec = |target: &str, score: f64| {
            EvalRecord::new("support", target, score, 1.0, 10, Duration::from_secs(1))
        };
        let refused = |r: Result<PromptRegistry, PromptError>, wanted: &str| {
            let err = r.unwrap_err();
            assert!(matches!(err, PromptError::PromotionRefused { .. }), "{err}");
            assert!(err.to_string().contains(wanted), "{err}");
        };
        refused(
            reg.promote("greet", "production", 2, "a", "b", Some((None, 0.8))),
            "no eval record",
        );
        // a record filed for the version is used when none is given
        let filed = reg.record_eval("greet", 2, &rec("greet/2", 0.6)).unwrap();
        refused(
            filed.promote("greet", "production", 2, "a", "b", Some((None, 0.8))),
            "scored 0.6",
        );
        std::fs::remove_file(dir.path().join(".llmops/evals.jsonl")).unwrap();
        let other = rec("greet/1", 0.95);
        refused(
            reg.promote(
                "greet",
                "production",
                2,
                "a",
                "b",
                Some((Some(&other), 0.8)),
            ),
            "targets `greet/1`",
        );
        let low = rec("greet/2", 0.5);
        refused(
            reg.promote("greet", "production", 2, "a", "b", Some((Some(&low), 0.8))),
            "scored 0.5",
        );
        assert!(reg.history("greet").unwrap().is_empty());
        assert_eq!(reg.resolve("greet").unwrap().version, 1);
        let good = rec("greet/2", 0.9);
        let reg = reg
            .promote(
                "greet",
                "production",
                2,
                "ada",
                "passed",
                Some((Some(&good), 0.8)),
            )
            .unwrap();
        assert_eq!(reg.resolve("greet").unwrap().version, 2);
        let h = reg.history("greet").unwrap();
        assert_eq!(h.last().unwrap().action, HistoryAction::Promote);
        // Ungated promotion is a plain recorded move.
        let reg = reg
            .promote("greet", "staging", 1, "ada", "x", None)
            .unwrap();
        assert_eq!(reg.resolve("greet@staging").unwrap().version, 1);
    }

    #[test]
    fn canary_split_then_promote_or_rollback() {
        let dir = fixture();
        std::fs::write(dir.path().join("greet/3.prompt"), "Hey {{who}}").unwrap();
        let reg = PromptRegistry::load(dir.path()).unwrap();
        let reg = reg
            .start_canary("greet", "production", 3, 10, "ada", "try v3")
            .unwrap();
        let split = LabelTarget::split([(1, 90), (3, 10)]);
        assert_eq!(reg.label_target("greet", "production").unwrap(), split);
        let yaml = std::fs::read_to_string(dir.path().join("greet/labels.yaml")).unwrap();
        assert!(yaml.contains("split:"), "{yaml}");
        // re-weighting keeps the stable version
        let reg = reg
            .start_canary("greet", "production", 3, 50, "ada", "wider")
            .unwrap();
        assert_eq!(
            reg.label_target("greet", "production").unwrap(),
            LabelTarget::split([(1, 50), (3, 50)])
        );
        let reg = reg
            .rollback("greet", "production", "bob", "narrower")
            .unwrap();
        assert_eq!(reg.label_target("greet", "production").unwrap(), split);
        let reg = reg.rollback("greet", "production", "bob", "stop").unwrap();
        assert_eq!(
            reg.label_target("greet", "production").unwrap(),
            LabelTarget::Version(1)
        );
        let reg = reg
            .start_canary("greet", "production", 3, 5, "ada", "again")
            .unwrap();
        let reg = reg
            .promote("greet", "production", 3, "ada", "good", None)
            .unwrap();
        assert_eq!(
            reg.label_target("greet", "production").unwrap(),
            LabelTarget::Version(3)
        );
        let actions: Vec<_> = reg
            .history("greet")
            .unwrap()
            .iter()
            .map(|r| r.action.as_str())
            .collect();
        assert_eq!(
            actions,
            [
                "canary", "canary", "rollback", "rollback", "canary", "promote"
            ]
        );
        for (weight, version) in [(0u8, 3), (100, 3), (10, 9)] {
            assert!(
                reg.start_canary("greet", "production", version, weight, "a", "b")
                    .is_err()
            );
        }
        assert!(matches!(
            reg.start_canary("greet", "production", 3, 10, "a", "b")
                .unwrap_err(),
            PromptError::BadReference { ref message, .. } if message.contains("already")
        ));
        assert!(matches!(
            reg.start_canary("greet", "canary", 2, 10, "a", "b")
                .unwrap_err(),
            PromptError::UnknownLabel { .. }
        ));
    }

    #[test]
    fn history_written_with_integer_targets_still_reads() {
        let dir = fixture();
        std::fs::create_dir_all(dir.path().join(".llmops")).unwrap();
        std::fs::write(
            dir.path().join(".llmops/history.jsonl"),
            r#"{"at":"2025-01-01T00:00:00Z","who":"a","why":"b","action":"set","prompt":"greet","label":"production","from":2,"to":1}"#,
        )
        .unwrap();
        let reg = PromptRegistry::load(dir.path()).unwrap();
        let reg = reg.rollback("greet", "production", "a", "b").unwrap();
        assert_eq!(reg.resolve("greet").unwrap().version, 2);
    }
}
