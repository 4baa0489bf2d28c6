//! Eval records filed for prompt versions: `DIR/.llmops/evals.jsonl`, append-only, one
//! `{"prompt", "version", "record"}` object per line; the last line for a version is its
//! record. Versions are immutable files, so their eval results live beside them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::PromptError;
use super::bookkeeping;
use super::registry::PromptRegistry;
use crate::eval::EvalRecord;

#[derive(Debug, Serialize, Deserialize)]
struct Line {
    prompt: String,
    version: u32,
    record: EvalRecord,
}

fn evals_path(dir: &Path) -> PathBuf {
    bookkeeping::path(dir, "evals.jsonl")
}

/// Every version's latest record (missing file: none).
pub(crate) fn read_evals(dir: &Path) -> Result<HashMap<(String, u32), EvalRecord>, PromptError> {
    let lines: Vec<Line> = bookkeeping::read_lines(&evals_path(dir), "eval record")?;
    Ok(lines
        .into_iter()
        .map(|l| ((l.prompt, l.version), l.record))
        .collect())
}

impl PromptRegistry {
    /// Files an eval record for `name/version` (its `target` must be `name/version`, what
    /// `llmops eval run --prompt name/version` names its runs) and returns the reloaded
    /// registry; [`PromptRegistry::eval_record`] then returns it and a gated promotion can
    /// use it.
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use std::time::Duration;
    /// use llmops_core::{prompts::PromptRegistry, EvalRecord};
    /// # let tmp = tempfile::tempdir()?;
    /// # let dir = tmp.path();
    /// std::fs::create_dir_all(dir.join("greet"))?;
    /// std::fs::write(dir.join("greet/1.prompt"), "Hello {{who}}")?;
    /// let registry = PromptRegistry::load(dir)?;
    /// let rec = EvalRecord::new("support", "greet/1", 0.93, 0.9, 40, Duration::from_secs(8));
    /// let registry = registry.record_eval("greet", 1, &rec)?;
    /// assert_eq!(registry.eval_record("greet", 1)?.map(|r| r.score), Some(0.93));
    /// # Ok(()) }
    /// ```
    pub fn record_eval(
        &self,
        name: &str,
        version: u32,
        record: &EvalRecord,
    ) -> Result<PromptRegistry, PromptError> {
        let entry = self.entry(name)?;
        if !entry.versions.contains_key(&version) {
            return Err(PromptError::UnknownVersion {
                name: name.to_owned(),
                version,
            });
        }
        let target = format!("{name}/{version}");
        if record.target != target {
            return Err(PromptError::BadReference {
                reference: record.target.clone(),
                message: format!(
                    "the eval record targets `{}`, not `{target}`",
                    record.target
                ),
            });
        }
        let line = Line {
            prompt: name.to_owned(),
            version,
            record: record.clone(),
        };
        bookkeeping::append_line(&evals_path(&self.dir), &line)?;
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
    fn records_are_filed_per_version_and_the_last_one_wins() {
        let dir = fixture();
        let reg = PromptRegistry::load(dir.path()).unwrap();
        assert_eq!(reg.eval_record("greet", 2).unwrap(), None);
        let rec = |score| EvalRecord::new("s", "greet/2", score, 1.0, 3, Duration::from_secs(1));
        let reg = reg.record_eval("greet", 2, &rec(0.5)).unwrap();
        let reg = reg.record_eval("greet", 2, &rec(0.8)).unwrap();
        assert_eq!(reg.eval_record("greet", 2).unwrap().unwrap().score, 0.8);
        assert_eq!(
            reg.resolve("greet/2").unwrap().eval.as_ref().unwrap().score,
            0.8
        );
        assert_eq!(reg.eval_record("greet", 1).unwrap(), None);
        assert!(matches!(
            reg.record_eval("greet", 1, &rec(0.9)).unwrap_err(),
            PromptError::BadReference { .. }
        ));
        assert!(matches!(
            reg.record_eval("greet", 7, &rec(0.9)).unwrap_err(),
            PromptError::UnknownVersion { .. }
        ));
        assert!(reg.eval_record("greet", 7).is_err());
    }

    #[test]
    fn a_corrupt_evals_file_is_a_load_error_naming_the_line() {
        let dir = fixture();
        std::fs::create_dir_all(dir.path().join(".llmops")).unwrap();
        std::fs::write(dir.path().join(".llmops/evals.jsonl"), "\n{oops}\n").unwrap();
        let err = PromptRegistry::load(dir.path()).unwrap_err();
        assert!(
            matches!(err, PromptError::Parse { line: 2, ref file, .. } if file.ends_with("evals.jsonl")),
            "{err}"
        );
    }
}
