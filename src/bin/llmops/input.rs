//! Reading the text inputs of the verbs.
#![cfg_attr(not(any(feature = "tokens", feature = "guard")), allow(dead_code))]

use std::io::Read;
use std::path::Path;

use llmops::{Error, Result};

/// Reads a UTF-8 text file, or standard input for `-` (`tokens`, `cost`, `guard`).
pub(crate) fn read_text(path: &Path) -> Result<String> {
    let mut bytes = Vec::new();
    if path.as_os_str() == "-" {
        std::io::stdin()
            .read_to_end(&mut bytes)
            .map_err(|e| Error::invalid(format!("cannot read stdin: {e}")))?;
    } else {
        bytes = std::fs::read(path)
            .map_err(|e| Error::invalid(format!("cannot read {}: {e}", path.display())))?;
    }
    String::from_utf8(bytes)
        .map_err(|e| Error::invalid(format!("{} is not UTF-8 text: {e}", path.display())))
}
