//! Label changes (set, promote, rollback, remove) and the append-only history.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::PromptError;
use super::registry::{LATEST, PromptRegistry, io_err, read_labels};
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
    /// The version the label pointed at before (`None`: unset).
    pub from: Option<u32>,
    /// The version it points at after (`None`: removed).
    pub to: Option<u32>,
}

fn history_path(dir: &Path) -> PathBuf {
    dir.join(".llmops").join("history.jsonl")
}

/// Reads every history record (missing file: none).
fn read_history(dir: &Path) -> Result<Vec<HistoryRecord>, PromptError> {
    let path = history_path(dir);
    let text = match std::fs::read_to_string(&path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(&path, e)),
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| PromptError::Parse {
                file: path.display().to_string(),
                line: i + 1,
                message: format!("history record: {e}"),
            })
        })
        .collect()
}

fn append_history(dir: &Path, record: &HistoryRecord) -> Result<(), PromptError> {
    let path = history_path(dir);
    let parent = dir.join(".llmops");
    std::fs::create_dir_all(&parent).map_err(|e| io_err(&parent, e))?;
    let mut line = serde_json::to_string(record).map_err(|e| PromptError::Parse {
        file: path.display().to_string(),
        line: 0,
        message: e.to_string(),
    })?;
    line.push('\n');
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| io_err(&path, e))?;
    f.write_all(line.as_bytes()).map_err(|e| io_err(&path, e))
}

/// Writes `labels.yaml` through a temporary file and a rename.
fn write_labels(path: &Path, labels: &BTreeMap<String, u32>) -> Result<(), PromptError> {
    let text: String = labels.iter().map(|(l, v)| format!("{l}: {v}\n")).collect();
    let tmp = path.with_extension(format!("yaml.tmp-{}", std::process::id()));
    std::fs::write(&tmp, text).map_err(|e| io_err(&tmp, e))?;
    std::fs::rename(&tmp, path).map_err(|e| io_err(path, e))
}

/// The target a rollback of `label` returns to, from the history: every set/promote/remove
/// pushes its target (the first also its starting point, `None` when unset), every rollback
/// pops one, so rollback after rollback walks back. `Some(None)`: back to unset.
fn rollback_target(history: &[HistoryRecord], prompt: &str, label: &str) -> Option<Option<u32>> {
    let mut stack: Vec<Option<u32>> = Vec::new();
    for r in history
        .iter()
        .filter(|r| r.prompt == prompt && r.label == label)
    {
        match r.action {
            HistoryAction::Rollback => {
                stack.pop();
            }
            HistoryAction::Set | HistoryAction::Promote | HistoryAction::Remove => {
                if stack.is_empty() {
                    stack.push(r.from);
                }
                stack.push(r.to);
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
        self.change(name, label, Some(version), HistoryAction::Set, who, why)
    }

    /// Like [`PromptRegistry::set_label`], recorded as a promotion, and refused
    /// ([`PromptError::PromotionRefused`]) when a `gate` is given and its eval record
    /// targets another version than `name/version` or scores below the minimum.
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
            let record = record.ok_or_else(|| refuse("no eval record".to_owned()))?;
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
        self.change(name, label, Some(version), HistoryAction::Promote, who, why)
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
        self.entry(name)?;
        let history = read_history(&self.dir)?;
        let target = rollback_target(&history, name, label).ok_or_else(|| {
            PromptError::NothingToRollBack {
                name: name.to_owned(),
                label: label.to_owned(),
            }
        })?;
        self.change(name, label, target, HistoryAction::Rollback, who, why)
    }

    /// Removes `label` of `name`.
    pub fn remove_label(
        &self,
        name: &str,
        label: &str,
        who: &str,
        why: &str,
    ) -> Result<PromptRegistry, PromptError> {
        self.change(name, label, None, HistoryAction::Remove, who, why)
    }

    fn change(
        &self,
        name: &str,
        label: &str,
        to: Option<u32>,
        action: HistoryAction,
        who: &str,
        why: &str,
    ) -> Result<PromptRegistry, PromptError> {
        let entry = self.entry(name)?;
        if label == LATEST || label.is_empty() || label.contains(['@', '/', ':', '\n']) {
            return Err(PromptError::BadReference {
                reference: format!("{name}@{label}"),
                message: "`latest` is implicit; a label is a plain word".to_owned(),
            });
        }
        if let Some(v) = to.filter(|v| !entry.versions.contains_key(v)) {
            return Err(PromptError::UnknownVersion {
                name: name.to_owned(),
                version: v,
            });
        }
        let path = self.dir.join(name).join("labels.yaml");
        let mut labels = read_labels(&path)?;
        let from = match to {
            Some(v) => labels.insert(label.to_owned(), v),
            None => labels.remove(label),
        };
        if action == HistoryAction::Remove && from.is_none() {
            return Err(PromptError::UnknownLabel {
                name: name.to_owned(),
                label: label.to_owned(),
            });
        }
        write_labels(&path, &labels)?;
        append_history(
            &self.dir,
            &HistoryRecord {
                at: Utc::now(),
                who: who.to_owned(),
                why: why.to_owned(),
                action,
                prompt: name.to_owned(),
                label: label.to_owned(),
                from,
                to,
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
        assert_eq!((r.from, r.to), (Some(1), Some(2)));
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
        let moves: Vec<_> = h.iter().map(|r| (r.action, r.from, r.to)).collect();
        assert_eq!(
            moves,
            [
                (HistoryAction::Set, Some(1), Some(2)),
                (HistoryAction::Set, Some(2), Some(3)),
                (HistoryAction::Rollback, Some(3), Some(2)),
                (HistoryAction::Rollback, Some(2), Some(1)),
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
}
