//! [`CaseSink`]: where each case goes the moment it finishes, so a crash or a kill loses
//! nothing that finished. [`JsonlSink`] appends one JSON line per case and flushes it.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use crate::{CaseResult, EvalError, Result};

/// Receives every finished case, in completion order (not suite order), before the run
/// report is assembled. An error stops the run (nothing more starts) and is returned by
/// [`Runner::run`](super::Runner::run): a journal that cannot be written is not silently
/// skipped.
pub trait CaseSink: Send + Sync + 'static {
    /// One case finished.
    fn on_case(&self, case: &CaseResult) -> Result<()>;
}

impl<F> CaseSink for F
where
    F: Fn(&CaseResult) -> Result<()> + Send + Sync + 'static,
{
    fn on_case(&self, case: &CaseResult) -> Result<()> {
        self(case)
    }
}

/// Appends each finished case as one JSON line (a [`CaseResult`]) and flushes it.
///
/// ```
/// use llmops_eval::runner::{CaseSink, JsonlSink};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("run.jsonl");
/// let sink = JsonlSink::create(&path).unwrap();
/// assert!(JsonlSink::read(&path).unwrap().is_empty());
/// ```
#[derive(Debug)]
pub struct JsonlSink {
    path: PathBuf,
    file: Mutex<std::fs::File>,
}

impl JsonlSink {
    /// Creates (truncating) the journal.
    pub fn create(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = std::fs::File::create(&path).map_err(|e| EvalError::io(&path, e))?;
        Ok(JsonlSink {
            path,
            file: Mutex::new(file),
        })
    }

    /// Opens the journal for appending (resuming after a crash).
    pub fn append(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| EvalError::io(&path, e))?;
        Ok(JsonlSink {
            path,
            file: Mutex::new(file),
        })
    }

    /// Reads a journal back. A torn last line (the process died mid-write) is ignored; a
    /// malformed line elsewhere is an error naming it.
    pub fn read(path: impl AsRef<Path>) -> Result<Vec<CaseResult>> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|e| EvalError::io(path, e))?;
        let lines: Vec<&str> = text.lines().collect();
        let mut out = Vec::with_capacity(lines.len());
        for (i, line) in lines.iter().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            match serde_json::from_str::<CaseResult>(line) {
                Ok(c) => out.push(c),
                Err(_) if i + 1 == lines.len() && !text.ends_with('\n') => break,
                Err(e) => {
                    return Err(EvalError::dataset(
                        path,
                        i + 1,
                        format!("not a case result: {e}"),
                    ));
                }
            }
        }
        Ok(out)
    }
}

impl CaseSink for JsonlSink {
    fn on_case(&self, case: &CaseResult) -> Result<()> {
        let mut line = serde_json::to_vec(case)
            .map_err(|e| EvalError::io(&self.path, std::io::Error::other(e)))?;
        line.push(b'\n');
        let mut f = match self.file.lock() {
            Ok(f) => f,
            Err(p) => p.into_inner(),
        };
        f.write_all(&line)
            .and_then(|()| f.flush())
            .map_err(|e| EvalError::io(&self.path, e))
    }
}
