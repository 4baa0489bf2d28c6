//! Loaders: text, Markdown, HTML and JSONL files into [`Document`]s with ids, metadata,
//! access labels and a [`Source`].
//!
//! | extension | format | id | title (meta `title`) |
//! |---|---|---|---|
//! | `.txt`, `.text` | [`Format::Text`] | the path | none |
//! | `.md`, `.markdown` | [`Format::Markdown`] | the path | the first `#` heading |
//! | `.html`, `.htm` | [`Format::Html`] (converted to text) | the path | `<title>` |
//! | `.jsonl`, `.ndjson` | per record ([`parse_jsonl`]) | the record's `id` | the record's `title` |
//!
//! Extensions match case-insensitively; any other extension is a [`RagError::Load`]. Files
//! must be UTF-8 (a leading byte-order mark is dropped). Every document gets meta `path`
//! and [`LoadOptions`]' meta and labels. Nothing is dropped silently: a file or record that
//! cannot be loaded is an error naming it, and the only files [`load_dir`] passes over are
//! the ones [`LoadOptions`] says to (hidden entries by default; unknown extensions only with
//! `skip_unknown`, each logged at WARN). Loading is synchronous file I/O: in async code call
//! it from `tokio::task::spawn_blocking`.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use crate::document::{Acl, Document, Format, Source};
use crate::{RagError, Result};

mod html;
mod jsonl;

pub use html::{MAX_HTML_DEPTH, html_title, html_to_text};
pub use jsonl::parse_jsonl;

/// The per-file access-label hook: given the path a document's id is made from, its labels.
pub type AclHook = Arc<dyn Fn(&Path) -> Acl + Send + Sync>;

/// What every loaded document gets, and which files a directory walk passes over.
///
/// Labels: a JSONL record's own `acl`, else the `acl_for` hook's answer for the file, else
/// `acl`. The hook receives the path the id is made from: relative to the directory for
/// [`load_dir`] (`hr/pay.md`), as given for [`load_file`] and [`parse_jsonl`].
///
/// Metadata, later ones winning: `meta`, a JSONL record's `meta`, then the loader's `path`
/// and `title`.
///
/// ```
/// use std::path::Path;
/// use llmops_rag::{Acl, load::LoadOptions};
/// let opts = LoadOptions::new()
///     .acl(Acl::tenant("acme"))
///     .meta("source", "help-centre")
///     .acl_for(|p: &Path| {
///         if p.starts_with("hr") { Acl::tenant("acme").role("hr") } else { Acl::tenant("acme") }
///     });
/// assert_eq!(opts.file_acl(Path::new("hr/pay.md")).roles, ["hr"]);
/// assert!(opts.file_acl(Path::new("faq.md")).is_open());
/// ```
#[derive(Clone, Default)]
#[non_exhaustive]
pub struct LoadOptions {
    /// Labels of documents the hook and the record do not label (default: public).
    pub acl: Acl,
    /// Metadata added to every document.
    pub meta: BTreeMap<String, Value>,
    /// Per-file labels.
    pub acl_for: Option<AclHook>,
    /// [`load_dir`]: pass over files with an unknown extension (logged at WARN) instead of
    /// failing.
    pub skip_unknown: bool,
    /// [`load_dir`]: also load entries whose name starts with `.` (passed over by default,
    /// logged at DEBUG).
    pub include_hidden: bool,
}

impl fmt::Debug for LoadOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoadOptions")
            .field("acl", &self.acl)
            .field("meta", &self.meta)
            .field(
                "acl_for",
                &self.acl_for.as_ref().map(|_| "Fn(&Path) -> Acl"),
            )
            .field("skip_unknown", &self.skip_unknown)
            .field("include_hidden", &self.include_hidden)
            .finish()
    }
}

impl LoadOptions {
    /// Public documents, no extra metadata, unknown extensions fail, hidden entries skipped.
    pub fn new() -> Self {
        LoadOptions::default()
    }

    /// With default labels.
    #[must_use]
    pub fn acl(mut self, acl: Acl) -> Self {
        self.acl = acl;
        self
    }

    /// With a metadata field on every document.
    #[must_use]
    pub fn meta(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.meta.insert(key.into(), value.into());
        self
    }

    /// With per-file labels.
    #[must_use]
    pub fn acl_for(mut self, hook: impl Fn(&Path) -> Acl + Send + Sync + 'static) -> Self {
        self.acl_for = Some(Arc::new(hook));
        self
    }

    /// Whether [`load_dir`] passes over files with unknown extensions.
    #[must_use]
    pub fn skip_unknown(mut self, skip: bool) -> Self {
        self.skip_unknown = skip;
        self
    }

    /// Whether [`load_dir`] loads hidden entries.
    #[must_use]
    pub fn include_hidden(mut self, include: bool) -> Self {
        self.include_hidden = include;
        self
    }

    /// The labels of documents from `path` that carry none of their own.
    pub fn file_acl(&self, path: &Path) -> Acl {
        match &self.acl_for {
            Some(hook) => hook(path),
            None => self.acl.clone(),
        }
    }
}

/// A file kind, from its extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Text,
    Markdown,
    Html,
    Jsonl,
}

const KNOWN: &str = ".txt, .text, .md, .markdown, .html, .htm, .jsonl, .ndjson";

fn kind(path: &Path) -> Option<Kind> {
    let ext = path.extension()?.to_str()?.to_ascii_lowercase();
    match ext.as_str() {
        "txt" | "text" => Some(Kind::Text),
        "md" | "markdown" => Some(Kind::Markdown),
        "html" | "htm" => Some(Kind::Html),
        "jsonl" | "ndjson" => Some(Kind::Jsonl),
        _ => None,
    }
}

/// Where a file's documents come from.
struct Origin<'a> {
    /// The id and meta `path` (and the hook's input).
    name: &'a str,
    /// How errors name the file.
    shown: &'a str,
    /// The file, for [`Source`].
    path: &'a Path,
}

/// The documents of one file, by its extension: one document for text, Markdown and HTML
/// (id = the path as given, `/`-separated), one per record for JSONL.
///
/// ```
/// use llmops_rag::{Format, load::{LoadOptions, load_file}};
/// let dir = tempfile::tempdir().unwrap();
/// let path = dir.path().join("guide.md");
/// std::fs::write(&path, "Intro\n# Returns\nSend it back.").unwrap();
/// let docs = load_file(&path, &LoadOptions::new()).unwrap();
/// assert_eq!(docs[0].format, Format::Markdown);
/// assert_eq!(docs[0].meta["title"], "Returns");
/// assert!(load_file(dir.path().join("x.pdf"), &LoadOptions::new()).is_err());
/// ```
pub fn load_file(path: impl AsRef<Path>, opts: &LoadOptions) -> Result<Vec<Document>> {
    let path = path.as_ref();
    let name = utf8_name(path, path)?;
    let kind = kind(path).ok_or_else(|| unknown(path))?;
    let origin = Origin {
        name: &name,
        shown: &name,
        path,
    };
    load_kind(kind, &origin, opts)
}

/// One file under `dir`, with ids (and the `path` metadata) relative to `dir` as
/// [`load_dir`] gives them: how a refresh reloads a changed file.
///
/// ```
/// use llmops_rag::load::{LoadOptions, load_dir, load_file_in};
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::create_dir(dir.path().join("hr")).unwrap();
/// std::fs::write(dir.path().join("hr/pay.md"), "# Pay\nMonthly.").unwrap();
/// let all = load_dir(dir.path(), &LoadOptions::new()).unwrap();
/// let one = load_file_in(dir.path(), dir.path().join("hr/pay.md"), &LoadOptions::new()).unwrap();
/// assert_eq!(all, one);
/// ```
pub fn load_file_in(
    dir: impl AsRef<Path>,
    path: impl AsRef<Path>,
    opts: &LoadOptions,
) -> Result<Vec<Document>> {
    let (dir, path) = (dir.as_ref(), path.as_ref());
    let rel = path.strip_prefix(dir).map_err(|_| RagError::Load {
        source_name: path.display().to_string(),
        message: format!("not under {}", dir.display()),
    })?;
    let name = utf8_name(rel, path)?;
    let kind = kind(path).ok_or_else(|| unknown(path))?;
    let shown = path.display().to_string();
    let origin = Origin {
        name: &name,
        shown: &shown,
        path,
    };
    let mut docs = load_kind(kind, &origin, opts)?;
    for d in &mut docs {
        if let Some(s) = d.source.as_mut() {
            s.root = Some(dir.to_owned());
        }
    }
    Ok(docs)
}

/// Every file under `dir`, recursively, in order of their paths relative to `dir`; ids are
/// those relative paths with `/` separators (JSONL records keep their own ids). Directory
/// symlinks are followed once (a loop is not re-entered). Two documents with the same id
/// are an error naming both files.
///
/// ```
/// use llmops_rag::{Acl, load::{LoadOptions, load_dir}};
/// let dir = tempfile::tempdir().unwrap();
/// std::fs::create_dir(dir.path().join("hr")).unwrap();
/// std::fs::write(dir.path().join("faq.txt"), "Opening hours: 9 to 5.").unwrap();
/// std::fs::write(dir.path().join("hr/pay.md"), "# Pay\nMonthly.").unwrap();
/// let opts = LoadOptions::new().acl_for(|p| {
///     if p.starts_with("hr") { Acl::tenant("acme").role("hr") } else { Acl::tenant("acme") }
/// });
/// let docs = load_dir(dir.path(), &opts).unwrap();
/// let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
/// assert_eq!(ids, ["faq.txt", "hr/pay.md"]);
/// assert_eq!(docs[1].acl.roles, ["hr"]);
/// assert_eq!(docs[1].meta["path"], "hr/pay.md");
/// ```
pub fn load_dir(dir: impl AsRef<Path>, opts: &LoadOptions) -> Result<Vec<Document>> {
    let dir = dir.as_ref();
    let mut files = Vec::new();
    let mut visited = HashSet::new();
    walk(dir, dir, opts, &mut files, &mut visited)?;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    let mut ids: HashMap<String, String> = HashMap::new();
    let mut docs = Vec::new();
    for (name, full, kind) in files {
        let shown = full.display().to_string();
        let origin = Origin {
            name: &name,
            shown: &shown,
            path: &full,
        };
        for mut doc in load_kind(kind, &origin, opts)? {
            if let Some(s) = doc.source.as_mut() {
                s.root = Some(dir.to_owned());
            }
            let here = doc_origin(&doc, &shown);
            if let Some(first) = ids.insert(doc.id.clone(), here.clone()) {
                return Err(RagError::Load {
                    source_name: here,
                    message: format!("duplicate id `{}` (also in {first})", doc.id),
                });
            }
            docs.push(doc);
        }
    }
    Ok(docs)
}

/// `file` or `file:line` for a document.
fn doc_origin(doc: &Document, shown: &str) -> String {
    match doc.source.as_ref().and_then(|s| s.line) {
        Some(line) => format!("{shown}:{line}"),
        None => shown.to_owned(),
    }
}

fn walk(
    root: &Path,
    dir: &Path,
    opts: &LoadOptions,
    files: &mut Vec<(String, PathBuf, Kind)>,
    visited: &mut HashSet<PathBuf>,
) -> Result<()> {
    let io = |p: &Path, e: std::io::Error| RagError::Load {
        source_name: p.display().to_string(),
        message: e.to_string(),
    };
    let canonical = dir.canonicalize().map_err(|e| io(dir, e))?;
    if !visited.insert(canonical) {
        tracing::debug!(dir = %dir.display(), "directory already loaded through a symlink");
        return Ok(());
    }
    for entry in std::fs::read_dir(dir).map_err(|e| io(dir, e))? {
        let entry = entry.map_err(|e| io(dir, e))?;
        let path = entry.path();
        let hidden = entry
            .file_name()
            .to_str()
            .is_some_and(|n| n.starts_with('.'));
        if hidden && !opts.include_hidden {
            tracing::debug!(path = %path.display(), "hidden entry passed over");
            continue;
        }
        let meta = std::fs::metadata(&path).map_err(|e| io(&path, e))?;
        if meta.is_dir() {
            walk(root, &path, opts, files, visited)?;
            continue;
        }
        let rel = path.strip_prefix(root).unwrap_or(&path);
        let name = utf8_name(rel, &path)?;
        match kind(&path) {
            Some(k) if meta.is_file() => files.push((name, path, k)),
            _ if opts.skip_unknown => {
                tracing::warn!(path = %path.display(), "not a known document type; passed over");
            }
            Some(_) => {
                return Err(RagError::Load {
                    source_name: path.display().to_string(),
                    message: "not a regular file".into(),
                });
            }
            None => return Err(unknown(&path)),
        }
    }
    Ok(())
}

fn unknown(path: &Path) -> RagError {
    let ext = path
        .extension()
        .map(|e| format!("extension `.{}`", e.to_string_lossy()))
        .unwrap_or_else(|| "no extension".into());
    RagError::Load {
        source_name: path.display().to_string(),
        message: format!(
            "{ext}: not a known document type (known: {KNOWN}); \
             LoadOptions::skip_unknown passes such files over in load_dir"
        ),
    }
}

/// `rel` as a `/`-separated UTF-8 string (an id), or an error naming `full`.
fn utf8_name(rel: &Path, full: &Path) -> Result<String> {
    let mut out = String::new();
    for c in rel.components() {
        let part = c.as_os_str().to_str().ok_or_else(|| RagError::Load {
            source_name: full.display().to_string(),
            message: "the path is not UTF-8, so it cannot be a document id".into(),
        })?;
        match c {
            Component::RootDir => out.push('/'),
            _ => {
                if !(out.is_empty() || out.ends_with('/') || out.ends_with(':')) {
                    out.push('/');
                }
                out.push_str(part);
            }
        }
    }
    Ok(out)
}

fn load_kind(kind: Kind, origin: &Origin<'_>, opts: &LoadOptions) -> Result<Vec<Document>> {
    let text = read_utf8(origin.path, origin.shown)?;
    if kind == Kind::Jsonl {
        return jsonl::parse(&text, origin, opts);
    }
    let (text, format, title) = match kind {
        Kind::Markdown => {
            let title = markdown_title(&text);
            (text, Format::Markdown, title)
        }
        Kind::Html => {
            let title = html_title(&text);
            (html_to_text(&text, origin.shown)?, Format::Html, title)
        }
        Kind::Text | Kind::Jsonl => (text, Format::Text, None),
    };
    let mut doc = Document::new(origin.name, text)
        .format(format)
        .acl(opts.file_acl(Path::new(origin.name)))
        .source(Source::file(origin.path));
    doc.meta = opts.meta.clone();
    doc.meta
        .insert("path".into(), Value::String(origin.name.to_owned()));
    if let Some(t) = title {
        doc.meta.insert("title".into(), Value::String(t));
    }
    Ok(vec![doc])
}

/// The file's text; not UTF-8 is an error naming the line of the first bad byte.
fn read_utf8(path: &Path, shown: &str) -> Result<String> {
    let bytes = std::fs::read(path).map_err(|e| RagError::Load {
        source_name: shown.to_owned(),
        message: e.to_string(),
    })?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let good = e.utf8_error().valid_up_to();
        let line = e
            .as_bytes()
            .get(..good)
            .map_or(0, |b| b.iter().filter(|&&c| c == b'\n').count())
            + 1;
        RagError::Load {
            source_name: format!("{shown}:{line}"),
            message: format!("not UTF-8 (byte {good})"),
        }
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_owned(),
        None => text,
    })
}

/// The text of the first level-1 heading of a Markdown text.
pub(crate) fn markdown_title(text: &str) -> Option<String> {
    crate::chunk::headings(text)
        .into_iter()
        .find(|h| h.level == 1 && !h.text.is_empty())
        .map(|h| h.text)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;

    #[test]
    fn kinds_by_extension() {
        assert_eq!(kind(Path::new("a/B.MD")), Some(Kind::Markdown));
        assert_eq!(kind(Path::new("x.htm")), Some(Kind::Html));
        assert_eq!(kind(Path::new("x.ndjson")), Some(Kind::Jsonl));
        assert_eq!(kind(Path::new("x.pdf")), None);
        assert_eq!(kind(Path::new("README")), None);
    }

    #[test]
    fn names_use_forward_slashes() {
        let p = Path::new("a").join("b").join("c.md");
        assert_eq!(utf8_name(&p, &p).unwrap(), "a/b/c.md");
        assert_eq!(
            utf8_name(Path::new("/x/y.md"), Path::new("/x/y.md")).unwrap(),
            "/x/y.md"
        );
    }

    #[test]
    fn markdown_titles_skip_fences_and_lower_levels() {
        assert_eq!(
            markdown_title("## Sub\n```\n# code\n```\n# Real title #\n").as_deref(),
            Some("Real title")
        );
        assert_eq!(markdown_title("no heading"), None);
    }
}
