//! JSONL datasets: one case per line.
//!
//! ```text
//! {"id": "refund-window", "vars": {"question": "How long do I have to return an item?"}, "expected": "30 days", "tags": ["returns"], "assert": [{"type": "icontains", "value": "30 days"}]}
//! {"messages": [{"role": "user", "content": "Where is my parcel?"}], "context": ["Parcels ship in 2 days."], "threshold": 0.5}
//! ```
//!
//! Fields: `id`, `vars`, `messages` (`{role, content}` with content a string or content
//! parts), `expected`, `context` (a string or a list), `relevant_docs`, `tags`, `assert`,
//! `threshold`, `description`, `metadata`. A case without `id` is `<file stem>:<line>`.
//! Blank lines are skipped; anything else that is not a case is an error at its line.

use std::path::Path;

use crate::dataset::{RawCase, read, stem};
use crate::{Case, Dataset, EvalError, Result};

/// Loads a JSONL dataset named after the file stem.
pub fn load(path: &Path) -> Result<Dataset> {
    let text = read(path)?;
    Dataset::new(stem(path), parse(&text, path)?)
}

/// Parses JSONL text; `file` names the source in errors and default ids. Ids must be unique.
///
/// ```
/// use llmops_eval::dataset::jsonl;
/// let cases = jsonl::parse("{\"vars\": {\"q\": \"hi\"}}\n\n{\"id\": \"b\"}\n", "x.jsonl").unwrap();
/// assert_eq!((cases[0].id(), cases[1].id()), ("x:1", "b"));
/// let err = jsonl::parse("{\"id\": \"a\"}\n{\"id\": \"b\", \"expect\": \"typo\"}\n", "x.jsonl").unwrap_err();
/// assert!(err.to_string().starts_with("x.jsonl:2: unknown field `expect`"), "{err}");
/// ```
pub fn parse(text: &str, file: impl AsRef<Path>) -> Result<Vec<Case>> {
    let file = file.as_ref();
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let n = i + 1;
        let line = line.trim();
        if line.is_empty() {
            continue;
        }
        let value: serde_json::Value = serde_json::from_str(line)
            .map_err(|e| EvalError::dataset(file, n, format!("not JSON: {e}")))?;
        let raw = RawCase::from_value(value, file, n)?;
        cases.push(raw.into_case(file, n, None)?);
    }
    Dataset::new(stem(file), cases).map(|d| d.cases)
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
    use llmops_core::Role;

    #[test]
    fn every_field_is_read() {
        let text = r#"{"id": "a", "vars": {"q": "hi", "n": 2}, "messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": [{"type": "text", "text": "hi"}]}], "expected": 4, "context": "ctx", "relevant_docs": ["d1"], "tags": ["t"], "assert": [{"type": "equals", "value": "4"}], "threshold": 0.5, "description": "d", "metadata": {"k": 1}}"#;
        let c = &parse(text, "f.jsonl").unwrap()[0];
        assert_eq!(c.eval.vars["n"], 2);
        assert_eq!(c.eval.messages[0].role, Role::System);
        assert_eq!(c.eval.messages[1].text(), "hi");
        assert_eq!(c.eval.expected.as_deref(), Some("4"));
        assert_eq!(c.eval.context, ["ctx"]);
        assert_eq!(c.eval.relevant_docs, ["d1"]);
        assert_eq!(c.assertions[0].kind, "equals");
        assert_eq!(c.threshold, Some(0.5));
        assert_eq!(c.metadata["k"], 1);
        assert_eq!(c.source.as_ref().unwrap().line, 1);
    }

    #[test]
    fn malformed_lines_name_their_line() {
        for (text, line, needle) in [
            ("{}\nnot json\n", 2, "not JSON"),
            ("{}\n\n[1]\n", 3, "must be a mapping"),
            (
                "{}\n{\"options\": {\"prefix\": \"x\"}}\n",
                2,
                "per-test options",
            ),
            ("{\"provider\": \"openai:gpt-4\"}\n", 1, "provider override"),
            ("{\"threshold\": \"high\"}\n", 1, "invalid type"),
            ("{\"id\": \"\"}\n", 1, "`id` is empty"),
            ("{\"id\": \"a\"}\n{\"id\": \"a\"}\n", 2, "used twice"),
            (
                "{\"messages\": [{\"role\": \"robot\", \"content\": \"x\"}]}\n",
                1,
                "unknown variant",
            ),
            (
                "{\"assert\": [{\"type\": \"equals\", \"transform\": \"x\"}]}\n",
                1,
                "transform",
            ),
        ] {
            let e = parse(text, "f.jsonl").unwrap_err();
            let EvalError::Dataset {
                line: l, message, ..
            } = &e
            else {
                panic!("{e}")
            };
            assert_eq!(*l, line, "{text}: {e}");
            assert!(message.contains(needle), "{text}: {message}");
        }
    }
}
