//! The registry's own files under `DIR/.llmops/`: append-only JSON lines (the label history,
//! the eval records) read and written one way.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;
use serde::de::DeserializeOwned;

use super::PromptError;
use super::registry::io_err;

/// `DIR/.llmops/<file>`.
pub(crate) fn path(dir: &Path, file: &str) -> PathBuf {
    dir.join(".llmops").join(file)
}

/// Every line of a JSON-lines file (missing file: none); a line that does not parse is a
/// [`PromptError::Parse`] naming the file, the line and `what` it should be.
pub(crate) fn read_lines<T: DeserializeOwned>(
    path: &Path,
    what: &str,
) -> Result<Vec<T>, PromptError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(e) => return Err(io_err(path, e)),
    };
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|e| PromptError::Parse {
                file: path.display().to_string(),
                line: i + 1,
                message: format!("{what}: {e}"),
            })
        })
        .collect()
}

/// Appends one JSON line (one `write` of the whole line, so concurrent appenders do not
/// interleave), creating `.llmops/` when needed.
pub(crate) fn append_line<T: Serialize>(path: &Path, value: &T) -> Result<(), PromptError> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| io_err(parent, e))?;
    }
    let mut line = serde_json::to_string(value).map_err(|e| PromptError::Parse {
        file: path.display().to_string(),
        line: 0,
        message: e.to_string(),
    })?;
    line.push('\n');
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| io_err(path, e))?;
    f.write_all(line.as_bytes()).map_err(|e| io_err(path, e))
}
