//! The three BEIR files, read line by line: `corpus.jsonl` (streamed), `queries.jsonl` and
//! `qrels/<split>.tsv`. Every malformed line is a [`RagError::Load`] naming `file:line`.

use std::collections::{BTreeMap, HashMap};
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use serde_json::{Map, Value};

use crate::metrics::Qrels;
use crate::{Document, RagError, Result};

/// What a corpus document's text is made of when it has a title: `title + separator + text`.
/// BEIR's dense baselines encode `title + " " + text` and its BM25 baselines search title and
/// text; a blank line tokenises the same as the space for BM25 analyzers and BERT-style
/// tokenizers, and keeps the title its own paragraph for chunkers.
pub const TITLE_SEPARATOR: &str = "\n\n";

/// Reads a file line by line, counting lines (1-based) for error messages.
struct Lines<R> {
    reader: R,
    name: String,
    line: usize,
    buf: String,
}

impl<R: BufRead> Lines<R> {
    fn new(reader: R, name: String) -> Self {
        Lines {
            reader,
            name,
            line: 0,
            buf: String::new(),
        }
    }

    /// The next line's number and text without its line ending (and without a UTF-8 byte
    /// order mark on line 1), or `None` at the end.
    fn next_line(&mut self) -> Option<Result<(usize, &str)>> {
        self.buf.clear();
        self.line += 1;
        match self.reader.read_line(&mut self.buf) {
            Ok(0) => None,
            Ok(_) => {
                let mut s = self.buf.trim_end_matches(['\n', '\r']);
                if self.line == 1 {
                    s = s.trim_start_matches('\u{feff}');
                }
                Some(Ok((self.line, s)))
            }
            Err(e) if e.kind() == std::io::ErrorKind::InvalidData => {
                Some(Err(self.error("not valid UTF-8")))
            }
            Err(e) => Some(Err(self.error(format!("read failed: {e}")))),
        }
    }

    fn error(&self, message: impl Into<String>) -> RagError {
        line_error(&self.name, self.line, message)
    }
}

fn line_error(name: &str, line: usize, message: impl Into<String>) -> RagError {
    RagError::Load {
        source_name: format!("{name}:{line}"),
        message: message.into(),
    }
}

pub(super) fn open(path: &Path) -> Result<BufReader<File>> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|e| RagError::Load {
            source_name: path.display().to_string(),
            message: if e.kind() == std::io::ErrorKind::NotFound {
                "no such file (a BEIR dataset is DIR/{corpus.jsonl, queries.jsonl, \
                 qrels/<split>.tsv})"
                    .into()
            } else {
                e.to_string()
            },
        })
}

/// Parses a JSONL line into an object, or says why it is not one.
fn object(line: &str) -> std::result::Result<Map<String, Value>, String> {
    match serde_json::from_str::<Value>(line) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(other) => Err(format!("expected a JSON object, got {}", kind(&other))),
        Err(e) => Err(format!("invalid JSON: {e}")),
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Takes a string field out of `map`: `Ok(None)` when absent or null.
fn string_field(
    map: &mut Map<String, Value>,
    field: &str,
) -> std::result::Result<Option<String>, String> {
    match map.remove(field) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(format!("`{field}` must be a string, got {}", kind(&other))),
    }
}

/// Takes the `_id` out of `map`: present, a string, not empty.
fn id_field(map: &mut Map<String, Value>) -> std::result::Result<String, String> {
    match string_field(map, "_id")? {
        None => Err("missing `_id`".into()),
        Some(id) if id.is_empty() => Err("empty `_id`".into()),
        Some(id) => Ok(id),
    }
}

/// Streams `corpus.jsonl` as [`Document`]s, one line at a time, so the file is never held in
/// memory. Lines: `{"_id": "...", "title": "...", "text": "...", "metadata": {...}}`; `_id`
/// and `text` required (strings; `text` may be empty), `title` and `metadata` optional, other
/// fields ignored, blank lines skipped. A document gets the id `_id`, the text
/// `title + separator + text` when the title is not blank (else `text`), the metadata
/// entries, and the title as metadata `title`. Duplicate ids are checked by the dataset
/// loader, not here.
///
/// ```
/// use llmops_rag::beir::CorpusReader;
/// let jsonl = "{\"_id\": \"d1\", \"title\": \"Refunds\", \"text\": \"Within 5 days.\"}\n";
/// let docs: Vec<_> = CorpusReader::new(jsonl.as_bytes(), "corpus.jsonl").collect::<Result<_, _>>()?;
/// assert_eq!(docs[0].text, "Refunds\n\nWithin 5 days.");
/// assert_eq!(docs[0].meta["title"], "Refunds");
/// # Ok::<(), llmops_rag::RagError>(())
/// ```
pub struct CorpusReader<R> {
    lines: Lines<R>,
    separator: String,
}

impl<R> std::fmt::Debug for CorpusReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CorpusReader")
            .field("lines", &self.lines)
            .field("separator", &self.separator)
            .finish()
    }
}

impl<R> std::fmt::Debug for Lines<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Lines")
            .field("name", &self.name)
            .field("line", &self.line)
            .finish_non_exhaustive()
    }
}

impl CorpusReader<BufReader<File>> {
    /// Opens `path` for streaming.
    pub fn open(path: &Path) -> Result<Self> {
        Ok(CorpusReader::new(open(path)?, path.display().to_string()))
    }
}

impl<R: BufRead> CorpusReader<R> {
    /// Reads documents from `reader`; `name` is the file name used in errors.
    pub fn new(reader: R, name: impl Into<String>) -> Self {
        CorpusReader {
            lines: Lines::new(reader, name.into()),
            separator: TITLE_SEPARATOR.to_owned(),
        }
    }

    /// With another separator between title and text (default [`TITLE_SEPARATOR`]; BEIR's
    /// dense baselines use `" "`).
    #[must_use]
    pub fn title_separator(mut self, separator: impl Into<String>) -> Self {
        self.separator = separator.into();
        self
    }

    /// The line number of the document last returned.
    pub fn line(&self) -> usize {
        self.lines.line
    }
}

/// One corpus line as a [`Document`].
fn document(line: &str, separator: &str) -> std::result::Result<Document, String> {
    let mut map = object(line)?;
    let id = id_field(&mut map)?;
    let title = string_field(&mut map, "title")?;
    let text = string_field(&mut map, "text")?.ok_or("missing `text`")?;
    let meta = match map.remove("metadata") {
        None | Some(Value::Null) => Map::new(),
        Some(Value::Object(m)) => m,
        Some(other) => {
            return Err(format!(
                "`metadata` must be an object, got {}",
                kind(&other)
            ));
        }
    };
    let title = title.filter(|t| !t.trim().is_empty());
    let body = match &title {
        Some(t) if text.trim().is_empty() => t.clone(),
        Some(t) => {
            let mut s = String::with_capacity(t.len() + separator.len() + text.len());
            s.push_str(t);
            s.push_str(separator);
            s.push_str(&text);
            s
        }
        None => text,
    };
    let mut doc = Document::new(id, body);
    doc.meta.extend(meta);
    if let Some(t) = title {
        doc.meta.insert("title".into(), Value::String(t));
    }
    Ok(doc)
}

impl<R: BufRead> Iterator for CorpusReader<R> {
    type Item = Result<Document>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let parsed = match self.lines.next_line()? {
                Ok((_, l)) if l.trim().is_empty() => continue,
                Ok((_, l)) => document(l, &self.separator),
                Err(e) => return Some(Err(e)),
            };
            return Some(parsed.map_err(|m| self.lines.error(m)));
        }
    }
}

/// Reads `queries.jsonl`: `{"_id": "...", "text": "..."}` per line (other fields ignored,
/// blank lines skipped) into query id → text. A missing, non-string or blank `text`, a
/// duplicate `_id` or a malformed line is a [`RagError::Load`] naming `file:line`.
///
/// ```
/// use llmops_rag::beir::read_queries;
/// let q = read_queries("{\"_id\": \"q1\", \"text\": \"how long do refunds take\"}\n".as_bytes(), "queries.jsonl")?;
/// assert_eq!(q["q1"], "how long do refunds take");
/// # Ok::<(), llmops_rag::RagError>(())
/// ```
pub fn read_queries(reader: impl BufRead, name: &str) -> Result<BTreeMap<String, String>> {
    let mut lines = Lines::new(reader, name.to_owned());
    let mut queries = BTreeMap::new();
    let mut first_line = HashMap::new();
    while let Some(line) = lines.next_line() {
        let (n, line) = line?;
        if line.trim().is_empty() {
            continue;
        }
        let parsed = object(line).and_then(|mut map| {
            let id = id_field(&mut map)?;
            match string_field(&mut map, "text")? {
                None => Err("missing `text`".to_owned()),
                Some(t) if t.trim().is_empty() => Err(format!("query `{id}` has an empty `text`")),
                Some(t) => Ok((id, t)),
            }
        });
        let (id, text) = parsed.map_err(|m| line_error(name, n, m))?;
        if let Some(first) = first_line.insert(id.clone(), n) {
            return Err(line_error(
                name,
                n,
                format!("duplicate `_id` `{id}` (first on line {first})"),
            ));
        }
        queries.insert(id, text);
    }
    Ok(queries)
}

/// Qrels as read, with what the dataset loader needs to report on them.
pub(super) struct ParsedQrels {
    pub(super) qrels: Qrels,
    /// Each query's first line, to name it in errors.
    pub(super) first_line: HashMap<String, usize>,
    /// Lines repeating a judgment with the same grade (ignored).
    pub(super) repeated: usize,
}

/// Reads a BEIR qrels TSV: a header line (`query-id\tcorpus-id\tscore`), then one
/// `query-id\tcorpus-id\tscore` judgment per line with an integer score (blank lines
/// skipped). A missing header, a line without exactly three tab-separated fields, an empty
/// id, a non-integer score or the same pair judged twice with different grades is a
/// [`RagError::Load`] naming `file:line`; a repeated identical line is ignored.
///
/// ```
/// use llmops_rag::beir::read_qrels;
/// let tsv = "query-id\tcorpus-id\tscore\nq1\td3\t2\nq1\td7\t0\n";
/// let qrels = read_qrels(tsv.as_bytes(), "qrels/test.tsv")?;
/// assert_eq!(qrels.grade("q1", "d3"), Some(2));
/// assert!(read_qrels("q1\td3\t2\n".as_bytes(), "qrels/test.tsv").is_err()); // no header
/// # Ok::<(), llmops_rag::RagError>(())
/// ```
pub fn read_qrels(reader: impl BufRead, name: &str) -> Result<Qrels> {
    parse_qrels(reader, name).map(|p| p.qrels)
}

pub(super) fn parse_qrels(reader: impl BufRead, name: &str) -> Result<ParsedQrels> {
    let mut lines = Lines::new(reader, name.to_owned());
    let mut parsed = ParsedQrels {
        qrels: Qrels::new(),
        first_line: HashMap::new(),
        repeated: 0,
    };
    let header_error = |got: &str| {
        line_error(
            name,
            1,
            format!("expected the header `query-id\\tcorpus-id\\tscore`, {got}"),
        )
    };
    match lines.next_line() {
        None => return Err(header_error("got an empty file")),
        Some(header) => {
            let (_, header) = header?;
            let fields: Vec<&str> = header.split('\t').collect();
            let is_header = match fields.as_slice() {
                [_, _, score] => score.trim().parse::<i64>().is_err(),
                _ => false,
            };
            if !is_header {
                return Err(header_error(&format!("got `{}`", header.escape_debug())));
            }
        }
    }
    while let Some(line) = lines.next_line() {
        let (n, line) = line?;
        if line.trim().is_empty() {
            continue;
        }
        let (query, doc, grade) = judgment(line).map_err(|m| line_error(name, n, m))?;
        match parsed.qrels.grade(query, doc) {
            Some(g) if g == grade => {
                parsed.repeated += 1;
                continue;
            }
            Some(g) => {
                return Err(line_error(
                    name,
                    n,
                    format!(
                        "`{query}` / `{doc}` judged again with another grade ({g}, now {grade})"
                    ),
                ));
            }
            None => {}
        }
        parsed.first_line.entry(query.to_owned()).or_insert(n);
        parsed.qrels.insert(query, doc, grade);
    }
    if parsed.qrels.is_empty() {
        return Err(RagError::Load {
            source_name: name.to_owned(),
            message: "no judgment after the header".into(),
        });
    }
    Ok(parsed)
}

fn judgment(line: &str) -> std::result::Result<(&str, &str, i32), String> {
    let fields: Vec<&str> = line.split('\t').collect();
    let [query, doc, score] = fields.as_slice() else {
        return Err(format!(
            "expected 3 tab-separated fields (query-id, corpus-id, score), got {}",
            fields.len()
        ));
    };
    if query.is_empty() {
        return Err("empty query-id".into());
    }
    if doc.is_empty() {
        return Err("empty corpus-id".into());
    }
    let grade = score
        .trim()
        .parse::<i32>()
        .map_err(|_| format!("score `{score}` is not an integer"))?;
    Ok((query, doc, grade))
}
