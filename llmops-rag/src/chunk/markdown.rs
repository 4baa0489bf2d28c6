//! [`MarkdownChunker`]: one piece per heading section, keeping the heading path.

use std::sync::Arc;

use llmops_core::TokenCounter;
use serde_json::Value;

use super::{Chunker, Measure, Piece, RecursiveChunker, trim_span};
use crate::Result;
use crate::document::Document;

/// A Markdown heading found by [`headings`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heading {
    /// 1 to 6.
    pub(crate) level: u8,
    /// The heading's text (closing `#`s and surrounding whitespace removed).
    pub(crate) text: String,
    /// Byte offset of the start of its first line (for setext headings, the text line).
    pub(crate) start: usize,
}

/// The headings of a Markdown text, in order: ATX headings (`## Title`, up to three spaces of
/// indentation, optional closing `#`s) and setext headings (`Title` underlined with `===` or
/// `---`) whose text is a single line. Lines inside fenced code blocks (```` ``` ```` or
/// `~~~`, closed by a fence of the same character at least as long) and a leading YAML front
/// matter block are never headings.
pub(crate) fn headings(text: &str) -> Vec<Heading> {
    match scan(text, true) {
        (heads, false) => heads,
        // an unclosed front matter block was not front matter: scan it as text
        (_, true) => scan(text, false).0,
    }
}

/// The headings, and whether a front matter block was left unclosed.
fn scan(text: &str, allow_front_matter: bool) -> (Vec<Heading>, bool) {
    let mut out: Vec<Heading> = Vec::new();
    let mut fence: Option<(u8, usize)> = None;
    let mut pos = 0;
    // (start, content) of the previous line when it could be a setext heading's text
    let mut para: Option<(usize, &str)> = None;
    // whether the line before the previous one ended a block (blank, heading, start)
    let mut prev_ends_block = true;
    let mut front_matter =
        allow_front_matter && (text.starts_with("---\n") || text.starts_with("---\r\n"));
    let mut first = true;
    for raw in text.split_inclusive('\n') {
        let start = pos;
        pos += raw.len();
        let line = raw.trim_end_matches(['\n', '\r']);
        if front_matter {
            if !first && (line.trim_end() == "---" || line.trim_end() == "...") {
                front_matter = false;
            }
            first = false;
            continue;
        }
        if let Some((ch, len)) = fence {
            if closes_fence(line, ch, len) {
                fence = None;
            }
            para = None;
            prev_ends_block = true;
            continue;
        }
        if let Some(f) = opens_fence(line) {
            fence = Some(f);
            para = None;
            prev_ends_block = true;
            continue;
        }
        if let Some((level, title)) = atx(line) {
            out.push(Heading {
                level,
                text: title.to_owned(),
                start,
            });
            para = None;
            prev_ends_block = true;
            continue;
        }
        if let (Some(level), Some((pstart, ptext))) = (setext_level(line), para) {
            out.push(Heading {
                level,
                text: ptext.trim().to_owned(),
                start: pstart,
            });
            para = None;
            prev_ends_block = true;
            continue;
        }
        if line.trim().is_empty() || thematic_break(line) {
            para = None;
            prev_ends_block = true;
            continue;
        }
        para = (prev_ends_block && paragraph_start(line)).then_some((start, line));
        prev_ends_block = false;
    }
    (out, front_matter)
}

/// Leading spaces (at most 3) stripped, or `None` when indented 4+ (or by a tab).
fn unindent(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches(' ');
    if line.len() - rest.len() > 3 || rest.starts_with('\t') {
        return None;
    }
    Some(rest)
}

fn opens_fence(line: &str) -> Option<(u8, usize)> {
    let rest = unindent(line)?;
    let ch = *rest.as_bytes().first()?;
    if ch != b'`' && ch != b'~' {
        return None;
    }
    let len = rest.bytes().take_while(|&b| b == ch).count();
    if len < 3 {
        return None;
    }
    // a backtick fence's info string may not contain backticks
    if ch == b'`' && rest.get(len..).is_some_and(|info| info.contains('`')) {
        return None;
    }
    Some((ch, len))
}

fn closes_fence(line: &str, ch: u8, len: usize) -> bool {
    let Some(rest) = unindent(line) else {
        return false;
    };
    let n = rest.bytes().take_while(|&b| b == ch).count();
    n >= len && rest.get(n..).is_some_and(|r| r.trim().is_empty())
}

/// An ATX heading's level and text.
fn atx(line: &str) -> Option<(u8, &str)> {
    let rest = unindent(line)?;
    let hashes = rest.bytes().take_while(|&b| b == b'#').count();
    if !(1..=6).contains(&hashes) {
        return None;
    }
    let after = rest.get(hashes..)?;
    if !(after.is_empty() || after.starts_with([' ', '\t'])) {
        return None;
    }
    let mut title = after.trim();
    // an optional closing sequence: spaces then #s
    let without = title.trim_end_matches('#');
    if without.is_empty() {
        title = "";
    } else if without.len() < title.len() && without.ends_with([' ', '\t']) {
        title = without.trim_end();
    }
    u8::try_from(hashes).ok().map(|l| (l, title))
}

/// The level of a setext underline (`===` → 1, `---` → 2).
fn setext_level(line: &str) -> Option<u8> {
    let rest = unindent(line)?.trim_end();
    let ch = rest.chars().next()?;
    if !(ch == '=' || ch == '-') || !rest.chars().all(|c| c == ch) {
        return None;
    }
    Some(if ch == '=' { 1 } else { 2 })
}

/// `---`, `***`, `___` (3 or more, spaces allowed between).
fn thematic_break(line: &str) -> bool {
    let Some(rest) = unindent(line) else {
        return false;
    };
    let Some(ch) = rest.chars().next() else {
        return false;
    };
    (ch == '-' || ch == '*' || ch == '_')
        && rest.chars().all(|c| c == ch || c == ' ' || c == '\t')
        && rest.chars().filter(|&c| c == ch).count() >= 3
}

/// Whether `line` can start a paragraph (and so be a setext heading's text).
fn paragraph_start(line: &str) -> bool {
    let Some(rest) = unindent(line) else {
        return false;
    };
    let list_item = rest.starts_with(['-', '*', '+'])
        && (rest.len() == 1 || rest.get(1..2).is_some_and(|c| c == " " || c == "\t"));
    let ordered = {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        digits > 0
            && rest
                .get(digits..)
                .is_some_and(|r| r.starts_with(['.', ')']))
    };
    !(list_item || ordered || rest.starts_with(['>', '|', '<']))
}

/// One piece per heading section (the heading line and what follows up to the next heading
/// of any level). Each piece carries metadata `heading_path` (a JSON array of the heading
/// texts from the top level down to its own) and `section` (its own heading); text before
/// the first heading has an empty `heading_path` and no `section`.
///
/// - Headings: ATX (`#` to `######`) and single-line setext (`===`, `---`); `#` lines inside
///   fenced code blocks (```` ``` ```` / `~~~`) or YAML front matter are not headings.
/// - A section over the maximum size is split further by a [`RecursiveChunker`] with the
///   same maximum, overlap, measure and separators; its pieces keep the section's path.
///   Sections are never merged.
/// - Size in characters by default, or tokens (`with_tokens`).
///
/// ```
/// use llmops_rag::{Document, Format, chunk::{Chunker, MarkdownChunker}};
/// let text = "# Guide\nIntro.\n## Install\n```sh\n# not a heading\n```\n## Use\nRun it.\n";
/// let doc = Document::new("d", text).format(Format::Markdown);
/// let c = MarkdownChunker::new(1000, 0).unwrap();
/// assert_eq!(c.name(), "markdown-chars-1000-0");
/// let pieces = c.chunk(&doc).unwrap();
/// assert_eq!(pieces.len(), 3);
/// assert_eq!(pieces[1].text, "## Install\n```sh\n# not a heading\n```");
/// assert_eq!(pieces[1].meta["heading_path"], serde_json::json!(["Guide", "Install"]));
/// assert_eq!(pieces[2].meta["section"], "Use");
/// ```
#[derive(Debug, Clone)]
pub struct MarkdownChunker {
    inner: RecursiveChunker,
    name: String,
}

impl Default for MarkdownChunker {
    /// 1,000 characters, no overlap, the default separators.
    fn default() -> Self {
        MarkdownChunker::from_inner(RecursiveChunker::build(1000, 0, Measure::Chars))
    }
}

impl MarkdownChunker {
    /// Sections of at most `max` characters (longer ones split with `overlap`); an error
    /// when `max` is 0 or `overlap >= max`.
    pub fn new(max: usize, overlap: usize) -> Result<Self> {
        Ok(MarkdownChunker::from_inner(RecursiveChunker::new(
            max, overlap,
        )?))
    }

    fn from_inner(inner: RecursiveChunker) -> Self {
        let mut c = MarkdownChunker {
            inner,
            name: String::new(),
        };
        c.rename();
        c
    }

    fn rename(&mut self) {
        self.name = format!(
            "markdown-{}-{}-{}",
            self.inner.measure().label(),
            self.inner.max(),
            self.inner.overlap()
        );
    }

    /// Measures sizes in tokens of `counter`.
    #[must_use]
    pub fn with_tokens(self, counter: Arc<dyn TokenCounter>) -> Self {
        self.with_measure(Measure::Tokens(counter))
    }

    /// Measures sizes with `measure`.
    #[must_use]
    pub fn with_measure(mut self, measure: Measure) -> Self {
        self.inner = self.inner.with_measure(measure);
        self.rename();
        self
    }

    /// The separators for splitting sections over the maximum.
    #[must_use]
    pub fn with_separators<I, S>(mut self, separators: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.inner = self.inner.with_separators(separators);
        self
    }
}

impl Chunker for MarkdownChunker {
    fn name(&self) -> &str {
        &self.name
    }

    fn chunk(&self, doc: &Document) -> Result<Vec<Piece>> {
        let text = &doc.text;
        let heads = headings(text);
        let mut bounds: Vec<(usize, usize, Option<usize>)> = Vec::with_capacity(heads.len() + 1);
        let first = heads.first().map_or(text.len(), |h| h.start);
        bounds.push((0, first, None));
        for (k, h) in heads.iter().enumerate() {
            let end = heads.get(k + 1).map_or(text.len(), |n| n.start);
            bounds.push((h.start, end, Some(k)));
        }
        let mut stack: Vec<(u8, &str)> = Vec::new();
        let mut pieces = Vec::new();
        for (start, end, head) in bounds {
            if let Some(h) = head.and_then(|k| heads.get(k)) {
                while stack.last().is_some_and(|(l, _)| *l >= h.level) {
                    stack.pop();
                }
                stack.push((h.level, h.text.as_str()));
            }
            let path = Value::Array(
                stack
                    .iter()
                    .map(|(_, t)| Value::String((*t).to_owned()))
                    .collect(),
            );
            let section = stack.last().map(|(_, t)| Value::String((*t).to_owned()));
            let spans = match trim_span(text, start, end) {
                None => Vec::new(),
                Some((s, e))
                    if text
                        .get(s..e)
                        .is_some_and(|t| self.inner.measure().len(t) <= self.inner.max()) =>
                {
                    vec![(s, e)]
                }
                Some(_) => self.inner.spans(text, start, end),
            };
            for (s, e) in spans {
                let mut p = Piece::slice(text, s, e)?.meta("heading_path", path.clone());
                if let Some(sec) = &section {
                    p = p.meta("section", sec.clone());
                }
                pieces.push(p);
            }
        }
        Ok(pieces)
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use serde_json::json;

    use super::*;

    fn titles(text: &str) -> Vec<(u8, String)> {
        headings(text)
            .into_iter()
            .map(|h| (h.level, h.text))
            .collect()
    }

    #[test]
    fn atx_headings_with_closing_hashes_and_indentation() {
        let t = "# A #\n   ## B\n    # code\n#no\n####### seven\n### C ###   \n#\n## D#\r\n";
        assert_eq!(
            titles(t),
            [
                (1, "A".into()),
                (2, "B".into()),
                (3, "C".into()),
                (1, String::new()),
                (2, "D#".into())
            ]
        );
    }

    #[test]
    fn code_fences_hide_headings() {
        let t = "# Top\n```\n# not\n```\n~~~~\n## not\n~~~\n## still not\n~~~~\n## Real\n````md\n# no\n```\n# no\n````\n";
        assert_eq!(titles(t), [(1, "Top".into()), (2, "Real".into())]);
        // an unclosed fence runs to the end
        assert_eq!(titles("```\n# no\n"), []);
    }

    #[test]
    fn setext_headings_and_their_look_alikes() {
        let t = "Title\n=====\ntext\n\nSub\n---\n\n---\n- item\n---\n> quote\n---\n";
        assert_eq!(titles(t), [(1, "Title".into()), (2, "Sub".into())]);
        let h = headings(t);
        assert_eq!(h[0].start, 0);
        assert_eq!(&t[h[1].start..h[1].start + 3], "Sub");
    }

    #[test]
    fn front_matter_is_not_a_heading() {
        assert_eq!(titles("---\ntitle: x\n---\n# Real\n"), [(1, "Real".into())]);
        // without a closing line it is ordinary text
        assert_eq!(titles("---\n# Real\n"), [(1, "Real".into())]);
    }

    #[test]
    fn heading_paths_follow_levels() {
        let text = "pre\n# A\na\n## B\nb\n### C\nc\n## D\nd\n# E\ne\n";
        let doc = Document::new("d", text);
        let pieces = MarkdownChunker::default().chunk(&doc).unwrap();
        let got: Vec<(String, Value, Option<Value>)> = pieces
            .iter()
            .map(|p| {
                (
                    p.text.clone(),
                    p.meta["heading_path"].clone(),
                    p.meta.get("section").cloned(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("pre".into(), json!([]), None),
                ("# A\na".into(), json!(["A"]), Some(json!("A"))),
                ("## B\nb".into(), json!(["A", "B"]), Some(json!("B"))),
                ("### C\nc".into(), json!(["A", "B", "C"]), Some(json!("C"))),
                ("## D\nd".into(), json!(["A", "D"]), Some(json!("D"))),
                ("# E\ne".into(), json!(["E"]), Some(json!("E"))),
            ]
        );
    }

    #[test]
    fn long_sections_are_split_keeping_the_path() {
        let body = "Sentence number one is here. ".repeat(20);
        let text = format!("# Top\n## Long\n{body}\n## Short\nok\n");
        let doc = Document::new("d", text.as_str());
        let pieces = MarkdownChunker::new(100, 0).unwrap().chunk(&doc).unwrap();
        let long: Vec<&Piece> = pieces
            .iter()
            .filter(|p| p.meta["section"] == "Long")
            .collect();
        assert!(long.len() > 3);
        assert!(long.iter().all(|p| p.text.chars().count() <= 100));
        assert!(
            long.iter()
                .all(|p| p.meta["heading_path"] == json!(["Top", "Long"]))
        );
        assert!(long[0].text.starts_with("## Long"));
        for p in &pieces {
            assert_eq!(p.text, &text[p.span.0..p.span.1]);
        }
    }

    #[test]
    fn cjk_and_emoji_headings() {
        let text = "# 東京 🗼\n本文です。\n## 🦀 Rust\nテキスト";
        let doc = Document::new("d", text);
        let pieces = MarkdownChunker::default().chunk(&doc).unwrap();
        assert_eq!(pieces.len(), 2);
        assert_eq!(
            pieces[1].meta["heading_path"],
            json!(["東京 🗼", "🦀 Rust"])
        );
        assert_eq!(pieces[1].text, "## 🦀 Rust\nテキスト");
    }

    #[test]
    fn names_and_empty_documents() {
        let c = MarkdownChunker::default();
        assert_eq!(c.name(), "markdown-chars-1000-0");
        assert!(c.chunk(&Document::new("d", "")).unwrap().is_empty());
        assert!(c.chunk(&Document::new("d", "\n \n")).unwrap().is_empty());
        assert!(MarkdownChunker::new(0, 0).is_err());
    }
}
