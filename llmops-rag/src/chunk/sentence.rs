//! [`SentenceChunker`]: whole sentences grouped under a maximum size.

use std::sync::Arc;

use llmops_core::TokenCounter;
use unicode_segmentation::UnicodeSegmentation;

use super::recursive::{Unit, merge_units};
use super::{Chunker, Measure, Piece, RecursiveChunker};
use crate::Result;
use crate::document::Document;

/// Groups consecutive sentences (Unicode sentence boundaries, UAX #29, through
/// `unicode-segmentation`) into pieces of at most a maximum size, each starting with the last
/// `overlap` sentences of the previous piece.
///
/// - Size in characters by default, or tokens (`with_tokens`); the overlap is in sentences,
///   reduced where the overlap plus the next sentence would not fit, and a piece always
///   advances by at least one sentence.
/// - A single sentence over the maximum is split by a [`RecursiveChunker`] (same maximum and
///   measure, no overlap) and its parts stand alone.
/// - Pieces are trimmed of surrounding whitespace.
///
/// ```
/// use llmops_rag::{Document, chunk::{Chunker, SentenceChunker}};
/// let c = SentenceChunker::new(40, 1).unwrap();
/// assert_eq!(c.name(), "sentences-chars-40-1");
/// let doc = Document::new("d", "One is short. Two is short too. Three ends it. Four!");
/// let texts: Vec<String> = c.chunk(&doc).unwrap().into_iter().map(|p| p.text).collect();
/// assert_eq!(texts, ["One is short. Two is short too.", "Two is short too. Three ends it. Four!"]);
/// ```
#[derive(Debug, Clone)]
pub struct SentenceChunker {
    max: usize,
    overlap: usize,
    long: RecursiveChunker,
    name: String,
}

impl Default for SentenceChunker {
    /// 1,000 characters, overlap 1 sentence.
    fn default() -> Self {
        SentenceChunker::build(1000, 1, Measure::Chars)
    }
}

impl SentenceChunker {
    /// Pieces of at most `max` characters, overlapping by `overlap` sentences; an error when
    /// `max` is 0.
    pub fn new(max: usize, overlap: usize) -> Result<Self> {
        if max == 0 {
            return Err(crate::RagError::invalid(
                "sentence chunker: the size must be at least 1",
            ));
        }
        Ok(SentenceChunker::build(max, overlap, Measure::Chars))
    }

    fn build(max: usize, overlap: usize, measure: Measure) -> Self {
        let mut c = SentenceChunker {
            max,
            overlap,
            long: RecursiveChunker::build(max, 0, measure),
            name: String::new(),
        };
        c.rename();
        c
    }

    fn rename(&mut self) {
        self.name = format!(
            "sentences-{}-{}-{}",
            self.long.measure().label(),
            self.max,
            self.overlap
        );
    }

    /// Measures sizes in tokens of `counter`.
    ///
    /// ```
    /// use std::sync::Arc;
    /// use llmops_core::Tiktoken;
    /// use llmops_rag::chunk::{Chunker, SentenceChunker};
    /// let c = SentenceChunker::new(128, 2).unwrap()
    ///     .with_tokens(Arc::new(Tiktoken::for_model("gpt-4o")));
    /// assert_eq!(c.name(), "sentences-tokens-128-2");
    /// ```
    #[must_use]
    pub fn with_tokens(self, counter: Arc<dyn TokenCounter>) -> Self {
        self.with_measure(Measure::Tokens(counter))
    }

    /// Measures sizes with `measure`.
    #[must_use]
    pub fn with_measure(mut self, measure: Measure) -> Self {
        self.long = self.long.with_measure(measure);
        self.rename();
        self
    }

    /// Groups runs of sentences that fit, in order.
    fn group(&self, text: &str, units: &[Unit], out: &mut Vec<(usize, usize)>) {
        let measure = self.long.measure();
        merge_units(text, units, self.max, measure, out, |units, j| {
            let next = units.get(j).map_or(0, |u| u.len);
            let mut k = j;
            let mut kept = 0;
            while j - k < self.overlap && k > 0 {
                let Some(u) = units.get(k - 1) else { break };
                if kept + u.len + next > self.max {
                    break;
                }
                kept += u.len;
                k -= 1;
            }
            k
        });
    }
}

impl Chunker for SentenceChunker {
    fn name(&self) -> &str {
        &self.name
    }

    fn chunk(&self, doc: &Document) -> Result<Vec<Piece>> {
        let text = &doc.text;
        let measure = self.long.measure();
        let mut spans = Vec::new();
        let mut run: Vec<Unit> = Vec::new();
        for (start, sentence) in text.split_sentence_bound_indices() {
            let end = start + sentence.len();
            let len = measure.unit_len(text, start, end);
            if len <= self.max {
                run.push(Unit { start, end, len });
                continue;
            }
            self.group(text, &run, &mut spans);
            run.clear();
            spans.extend(self.long.spans(text, start, end));
        }
        self.group(text, &run, &mut spans);
        spans
            .into_iter()
            .map(|(s, e)| Piece::slice(text, s, e))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::indexing_slicing)]

    use llmops_core::Tiktoken;

    use super::*;

    fn texts(c: &SentenceChunker, text: &str) -> Vec<String> {
        let doc = Document::new("d", text);
        let pieces = c.chunk(&doc).unwrap();
        for p in &pieces {
            assert_eq!(p.text, &text[p.span.0..p.span.1]);
        }
        pieces.into_iter().map(|p| p.text).collect()
    }

    #[test]
    fn groups_whole_sentences_without_overlap() {
        let c = SentenceChunker::new(30, 0).unwrap();
        let out = texts(&c, "Alpha one. Beta two. Gamma three. Delta four.");
        assert_eq!(out, ["Alpha one. Beta two.", "Gamma three. Delta four."]);
    }

    #[test]
    fn overlap_repeats_whole_sentences() {
        let c = SentenceChunker::new(90, 2).unwrap();
        let sentences: Vec<String> = (0..12).map(|i| format!("Sentence {i} is here.")).collect();
        let text = sentences.join(" ");
        let out = texts(&c, &text);
        assert!(out.len() > 3);
        for w in out.windows(2) {
            // the next piece starts with the previous piece's last two sentences
            let prev: Vec<&str> = w[0].split_sentence_bounds().map(str::trim).collect();
            let next: Vec<&str> = w[1].split_sentence_bounds().map(str::trim).collect();
            assert_eq!(&prev[prev.len() - 2..], &next[..2], "{w:?}");
        }
        assert!(out.iter().all(|p| p.chars().count() <= 90));
    }

    #[test]
    fn a_sentence_over_the_max_is_split() {
        let c = SentenceChunker::new(10, 1).unwrap();
        let out = texts(&c, "Tiny. This sentence is far too long for ten. End.");
        assert_eq!(out[0], "Tiny.");
        assert!(out.iter().all(|p| p.chars().count() <= 10), "{out:?}");
        assert_eq!(out.last().unwrap(), "End.");
    }

    #[test]
    fn cjk_and_emoji_sentences() {
        let c = SentenceChunker::new(12, 0).unwrap();
        let out = texts(&c, "今日は晴れです。明日は雨でしょう。🦀が好き！本当？");
        assert_eq!(
            out,
            ["今日は晴れです。", "明日は雨でしょう。", "🦀が好き！本当？"]
        );
    }

    #[test]
    fn token_measure() {
        let t: Arc<dyn TokenCounter> = Arc::new(Tiktoken::for_model("gpt-4o"));
        let c = SentenceChunker::new(12, 1).unwrap().with_tokens(t.clone());
        let text = "The cat sat on the mat. ".repeat(10);
        let out = texts(&c, &text);
        assert!(out.len() > 2);
        assert!(out.iter().all(|p| t.count(p) <= 12));
    }

    #[test]
    fn empty_and_zero_size() {
        let c = SentenceChunker::default();
        assert_eq!(c.name(), "sentences-chars-1000-1");
        assert!(texts(&c, "").is_empty());
        assert!(texts(&c, "  \n ").is_empty());
        assert!(SentenceChunker::new(0, 0).is_err());
    }
}
