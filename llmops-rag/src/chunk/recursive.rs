//! [`RecursiveChunker`]: LangChain's recursive character splitter, on byte spans.

use std::sync::Arc;

use llmops_core::TokenCounter;
use unicode_segmentation::UnicodeSegmentation;

use super::{Chunker, Measure, Piece, check_sizes, trim_span};
use crate::Result;
use crate::document::Document;

/// The default separators: paragraphs, lines, sentences, words, then characters.
pub const DEFAULT_SEPARATORS: [&str; 5] = ["\n\n", "\n", ". ", " ", ""];

/// Splits text at the first separator of a list that occurs in it, merges the parts back up
/// to a maximum size (with an optional overlap), and splits parts still over the maximum
/// with the next separators: LangChain's `RecursiveCharacterTextSplitter`.
///
/// - Separators are literal strings, kept at the end of the part before them (`"One. "`,
///   `"Two."`); `""` splits into grapheme clusters. Default [`DEFAULT_SEPARATORS`].
/// - Size is measured in characters by default, or in tokens (`with_tokens`). A piece never
///   exceeds the maximum unless a single grapheme cluster does (the separators are followed
///   by a grapheme split even when `""` is not listed).
/// - Overlap (same unit as the size): a piece starts with the last parts of the previous one
///   whose size is at most the overlap.
/// - Pieces are trimmed of surrounding whitespace; whitespace-only pieces are dropped.
///
/// The work is linear in the text times the number of separators: each part is measured once
/// per level (and, for tokens, each piece once more to check the BPE count of the whole).
///
/// ```
/// use llmops_rag::{Document, chunk::{Chunker, RecursiveChunker}};
/// let c = RecursiveChunker::new(20, 0).unwrap();
/// assert_eq!(c.name(), "recursive-chars-20-0");
/// let doc = Document::new("d", "First paragraph here.\n\nSecond one, a bit longer.");
/// let pieces = c.chunk(&doc).unwrap();
/// let texts: Vec<&str> = pieces.iter().map(|p| p.text.as_str()).collect();
/// assert_eq!(texts, ["First paragraph", "here.", "Second one, a bit", "longer."]);
/// for p in &pieces {
///     assert_eq!(p.text, &doc.text[p.span.0..p.span.1]);
/// }
/// assert!(RecursiveChunker::new(10, 10).is_err()); // overlap must be smaller than the size
/// ```
#[derive(Debug, Clone)]
pub struct RecursiveChunker {
    max: usize,
    overlap: usize,
    separators: Vec<String>,
    measure: Measure,
    name: String,
}

/// A contiguous part of the text and its size.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Unit {
    /// Byte offset of its start.
    pub(crate) start: usize,
    /// Byte offset of its end.
    pub(crate) end: usize,
    /// Its size.
    pub(crate) len: usize,
}

impl Default for RecursiveChunker {
    /// 1,000 characters, overlap 200, the default separators.
    fn default() -> Self {
        RecursiveChunker::build(1000, 200, Measure::Chars)
    }
}

impl RecursiveChunker {
    /// At most `max` characters per piece, `overlap` characters of overlap; an error when
    /// `max` is 0 or `overlap >= max`.
    pub fn new(max: usize, overlap: usize) -> Result<Self> {
        check_sizes("recursive chunker", max, overlap)?;
        Ok(RecursiveChunker::build(max, overlap, Measure::Chars))
    }

    pub(crate) fn build(max: usize, overlap: usize, measure: Measure) -> Self {
        let mut c = RecursiveChunker {
            max,
            overlap,
            separators: DEFAULT_SEPARATORS.iter().map(|s| (*s).to_owned()).collect(),
            measure,
            name: String::new(),
        };
        c.rename();
        c
    }

    fn rename(&mut self) {
        self.name = format!(
            "recursive-{}-{}-{}",
            self.measure.label(),
            self.max,
            self.overlap
        );
    }

    /// Measures sizes (maximum and overlap) in tokens of `counter`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use llmops_core::Tiktoken;
    /// use llmops_rag::chunk::{Chunker, RecursiveChunker};
    /// let c = RecursiveChunker::new(256, 32).unwrap()
    ///     .with_tokens(Arc::new(Tiktoken::for_model("gpt-4o")));
    /// assert_eq!(c.name(), "recursive-tokens-256-32");
    /// ```
    #[must_use]
    pub fn with_tokens(self, counter: Arc<dyn TokenCounter>) -> Self {
        self.with_measure(Measure::Tokens(counter))
    }

    /// Measures sizes with `measure`.
    #[must_use]
    pub fn with_measure(mut self, measure: Measure) -> Self {
        self.measure = measure;
        self.rename();
        self
    }

    /// Replaces the separators (tried in order; `""` = grapheme clusters).
    ///
    /// ```
    /// use llmops_rag::{Document, chunk::{Chunker, RecursiveChunker}};
    /// let c = RecursiveChunker::new(12, 0).unwrap().with_separators(["; ", ""]);
    /// let doc = Document::new("d", "alpha; beta; gamma; delta");
    /// let texts: Vec<String> = c.chunk(&doc).unwrap().into_iter().map(|p| p.text).collect();
    /// assert_eq!(texts, ["alpha;", "beta;", "gamma; delta"]);
    /// ```
    #[must_use]
    pub fn with_separators<I, S>(mut self, separators: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.separators = separators.into_iter().map(Into::into).collect();
        self
    }

    /// The maximum size.
    pub fn max(&self) -> usize {
        self.max
    }

    /// The overlap.
    pub fn overlap(&self) -> usize {
        self.overlap
    }

    /// The measure.
    pub fn measure(&self) -> &Measure {
        &self.measure
    }

    /// The trimmed, non-empty spans of `text[start..end]`, in order.
    pub(crate) fn spans(&self, text: &str, start: usize, end: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        self.split(text, start, end, &self.separators, &mut out);
        out
    }

    fn split(
        &self,
        text: &str,
        start: usize,
        end: usize,
        separators: &[String],
        out: &mut Vec<(usize, usize)>,
    ) {
        let Some(slice) = text.get(start..end) else {
            return;
        };
        let found = separators
            .iter()
            .position(|s| s.is_empty() || slice.contains(s.as_str()));
        let (sep, rest): (&str, &[String]) = match found {
            Some(i) => (
                separators.get(i).map_or("", String::as_str),
                separators.get(i + 1..).unwrap_or(&[]),
            ),
            None => ("", &[]),
        };
        let parts = split_keep_end(slice, sep);
        let mut good: Vec<Unit> = Vec::new();
        for (s, e) in parts {
            let (s, e) = (start + s, start + e);
            let len = self.measure.unit_len(text, s, e);
            if len <= self.max {
                good.push(Unit {
                    start: s,
                    end: e,
                    len,
                });
                continue;
            }
            self.merge(text, &good, out);
            good.clear();
            if sep.is_empty() {
                // one grapheme cluster over the maximum: it cannot be split
                out.extend(trim_span(text, s, e));
            } else {
                self.split(text, s, e, rest, out);
            }
        }
        self.merge(text, &good, out);
    }

    /// Merges consecutive units (each at most `max`) into pieces of at most `max`, each
    /// starting with an overlap of the previous one's last units.
    fn merge(&self, text: &str, units: &[Unit], out: &mut Vec<(usize, usize)>) {
        merge_units(text, units, self.max, &self.measure, out, |units, j| {
            // LangChain: keep the last units whose size is within the overlap and that
            // leave room for the next unit.
            let next = units.get(j).map_or(0, |u| u.len);
            let mut k = j;
            let mut kept = 0;
            while k > 1 {
                let Some(u) = units.get(k - 1) else { break };
                if kept + u.len > self.overlap || kept + u.len + next > self.max {
                    break;
                }
                kept += u.len;
                k -= 1;
            }
            k
        });
    }
}

/// Groups `units` greedily into spans of at most `max` and pushes the trimmed spans. After a
/// group `i..j` ends before the last unit, `restart(units, j)` gives where the next group
/// starts (at most `j`); the group always advances. A unit over `max` stands alone.
pub(crate) fn merge_units(
    text: &str,
    units: &[Unit],
    max: usize,
    measure: &Measure,
    out: &mut Vec<(usize, usize)>,
    restart: impl Fn(&[Unit], usize) -> usize,
) {
    let n = units.len();
    let mut i = 0;
    while i < n {
        let mut j = i;
        let mut total = 0;
        while let Some(u) = units.get(j) {
            if j > i && total + u.len > max {
                break;
            }
            total += u.len;
            j += 1;
        }
        let span = |j: usize| {
            let s = units.get(i).map_or(0, |u| u.start);
            let e = units.get(j - 1).map_or(s, |u| u.end);
            trim_span(text, s, e)
        };
        if !measure.additive() {
            // BPE counts are not additive: check the whole and give back units if needed
            while j > i + 1
                && span(j)
                    .and_then(|(s, e)| text.get(s..e))
                    .is_some_and(|t| measure.len(t) > max)
            {
                j -= 1;
            }
        }
        out.extend(span(j));
        if j >= n {
            break;
        }
        let k = restart(units, j).clamp(i + 1, j);
        i = k;
    }
}

/// The parts of `s` split after each occurrence of `sep` (the separator stays at the end of
/// its part), or grapheme clusters when `sep` is empty. Byte ranges, covering `s`.
fn split_keep_end(s: &str, sep: &str) -> Vec<(usize, usize)> {
    if sep.is_empty() {
        return s
            .grapheme_indices(true)
            .map(|(i, g)| (i, i + g.len()))
            .collect();
    }
    let mut parts = Vec::new();
    let mut last = 0;
    for (i, m) in s.match_indices(sep) {
        let e = i + m.len();
        parts.push((last, e));
        last = e;
    }
    if last < s.len() {
        parts.push((last, s.len()));
    }
    parts
}

impl Chunker for RecursiveChunker {
    fn name(&self) -> &str {
        &self.name
    }

    fn chunk(&self, doc: &Document) -> Result<Vec<Piece>> {
        self.spans(&doc.text, 0, doc.text.len())
            .into_iter()
            .map(|(s, e)| Piece::slice(&doc.text, s, e))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use super::*;
    use llmops_core::Tiktoken;

    fn texts(c: &RecursiveChunker, text: &str) -> Vec<String> {
        let doc = Document::new("d", text);
        let pieces = c.chunk(&doc).unwrap();
        for p in &pieces {
            assert_eq!(p.text, &text[p.span.0..p.span.1]);
        }
        pieces.into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn splits_paragraphs_then_lines_then_words() {
        let c = RecursiveChunker::new(30, 0).unwrap();
        let text = "Short para.\n\nA second paragraph that is longer than thirty.\nNext line.";
        assert_eq!(
            texts(&c, text),
            [
                "Short para.",
                "A second paragraph that is",
                "longer than thirty.",
                "Next line."
            ]
        );
    }

    #[test]
    fn small_parts_are_merged_up_to_the_max() {
        let c = RecursiveChunker::new(40, 0).unwrap();
        let out = texts(&c, "a b c.\n\nd e f.\n\ng h i.\n\nj k l.");
        assert_eq!(out, ["a b c.\n\nd e f.\n\ng h i.\n\nj k l."]);
        let c = RecursiveChunker::new(16, 0).unwrap();
        let out = texts(&c, "a b c.\n\nd e f.\n\ng h i.\n\nj k l.");
        assert_eq!(out, ["a b c.\n\nd e f.", "g h i.\n\nj k l."]);
    }

    #[test]
    fn overlap_repeats_the_last_parts() {
        let c = RecursiveChunker::new(12, 6).unwrap().with_separators([" "]);
        let out = texts(&c, "aa bb cc dd ee ff gg");
        assert_eq!(out, ["aa bb cc dd", "cc dd ee ff", "ee ff gg"]);
        for w in out.windows(2) {
            let tail: Vec<&str> = w[0].split(' ').rev().take(2).collect();
            assert!(w[1].starts_with(&format!("{} {}", tail[1], tail[0])));
        }
    }

    #[test]
    fn never_exceeds_the_max_except_one_grapheme() {
        let c = RecursiveChunker::new(3, 0).unwrap();
        let text = "東京都庁舎 🧑‍🚀🧑‍🚀 e\u{301}e\u{301}e\u{301}e\u{301}";
        let out = texts(&c, text);
        assert!(
            out.iter()
                .all(|t| t.chars().count() <= 3 || t.graphemes(true).count() == 1)
        );
        assert_eq!(out[0], "東京都");
        // the astronaut is 3 chars (ZWJ sequence) and stays whole
        assert!(out.contains(&"🧑‍🚀".to_owned()));
        let c = RecursiveChunker::new(2, 0).unwrap();
        let out = texts(&c, "🧑‍🚀x");
        assert_eq!(out, ["🧑‍🚀", "x"]);
    }

    #[test]
    fn a_unit_that_trimming_makes_longer_in_tokens_is_split() {
        // found by the proptest: untrimmed 14 tokens or fewer, trimmed 15
        let text = " LongerwordLongerwordLongerword. \tword\t\u{feff}---\n";
        let t: Arc<dyn TokenCounter> = Arc::new(Tiktoken::new(llmops_core::Encoding::Cl100kBase));
        let c = RecursiveChunker::new(14, 0).unwrap().with_tokens(t.clone());
        for (s, e) in c.spans(text, 0, text.len()) {
            let piece = &text[s..e];
            assert!(
                t.count(piece) <= 14,
                "{piece:?} has {} tokens",
                t.count(piece)
            );
        }
    }

    #[test]
    fn token_measure_respects_the_token_max() {
        let t: Arc<dyn TokenCounter> = Arc::new(Tiktoken::for_model("gpt-4o"));
        let c = RecursiveChunker::new(8, 2).unwrap().with_tokens(t.clone());
        let text = "The quick brown fox jumps over the lazy dog. ".repeat(20);
        let out = texts(&c, &text);
        assert!(out.len() > 5);
        assert!(out.iter().all(|p| t.count(p) <= 8), "{out:?}");
    }

    #[test]
    fn empty_and_whitespace_give_nothing() {
        let c = RecursiveChunker::default();
        assert!(texts(&c, "").is_empty());
        assert!(texts(&c, " \n\n\t \u{3000}").is_empty());
        assert_eq!(c.name(), "recursive-chars-1000-200");
    }

    #[test]
    fn bad_sizes_are_typed_errors() {
        assert!(matches!(
            RecursiveChunker::new(0, 0),
            Err(crate::RagError::Invalid(_))
        ));
        assert!(matches!(
            RecursiveChunker::new(5, 7),
            Err(crate::RagError::Invalid(_))
        ));
    }
}
