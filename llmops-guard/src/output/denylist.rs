//! [`DenyList`]: banned topics as named lists of phrases, matched with Aho-Corasick.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use llmops_core::{Finding, TextSource};

use super::error::OutputError;
use crate::detector::Detector;
use crate::spans::keep_best_disjoint;

/// One topic: its category (`denylist.<topic>`) and score.
#[derive(Debug, Clone)]
struct Topic {
    category: String,
    score: f32,
}

/// Builds a [`DenyList`].
#[derive(Debug, Clone, Default)]
pub struct DenyListBuilder {
    topics: Vec<(String, Vec<String>, f32)>,
    whole_words: bool,
    sources: Option<Vec<TextSource>>,
}

impl DenyListBuilder {
    /// Adds a topic: `name` (lowercase ASCII letters, digits, `_`, `-`; the category is
    /// `denylist.<name>`) and its phrases, reported with score 0.9.
    #[must_use]
    pub fn topic<I, S>(self, name: &str, phrases: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        self.topic_scored(name, phrases, 0.9)
    }

    /// Adds a topic whose matches score `score` (clamped to `0..=1`).
    #[must_use]
    pub fn topic_scored<I, S>(mut self, name: &str, phrases: I, score: f32) -> Self
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let phrases = phrases
            .into_iter()
            .map(|p| p.as_ref().trim().to_owned())
            .filter(|p| !p.is_empty())
            .collect();
        let score = if score.is_nan() {
            0.0
        } else {
            score.clamp(0.0, 1.0)
        };
        self.topics.push((name.to_owned(), phrases, score));
        self
    }

    /// Whether a phrase must stand as whole words (default yes: `ban` does not match
    /// `banana`). A phrase that starts or ends with a non-alphanumeric character is not
    /// bounded on that side.
    #[must_use]
    pub fn whole_words(mut self, on: bool) -> Self {
        self.whole_words = on;
        self
    }

    /// Scan only texts from these sources (default: every source).
    #[must_use]
    pub fn sources(mut self, sources: &[TextSource]) -> Self {
        self.sources = Some(sources.to_vec());
        self
    }

    /// Builds the automaton (once; matching is then linear in the text).
    pub fn build(self) -> Result<DenyList, OutputError> {
        let mut patterns: Vec<String> = Vec::new();
        let mut owner: Vec<usize> = Vec::new();
        let mut topics = Vec::new();
        for (name, phrases, score) in self.topics {
            let valid = !name.is_empty()
                && name.bytes().all(|b| {
                    b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-'
                });
            if !valid {
                return Err(OutputError::InvalidTopic(name));
            }
            if phrases.is_empty() {
                return Err(OutputError::EmptyTopic(name));
            }
            let t = topics.len();
            for p in phrases {
                // ASCII letters match in any case through the automaton; for other letters
                // add the lower, upper and capitalised forms
                let mut forms = vec![p.clone()];
                if !p.is_ascii() {
                    let lower = p.to_lowercase();
                    let mut chars = lower.chars();
                    let capital: String = chars
                        .next()
                        .map(|c| c.to_uppercase().chain(chars).collect())
                        .unwrap_or_default();
                    forms.extend([p.to_uppercase(), lower, capital]);
                }
                forms.sort();
                forms.dedup();
                for f in forms {
                    patterns.push(f);
                    owner.push(t);
                }
            }
            topics.push(Topic {
                category: format!("denylist.{name}"),
                score,
            });
        }
        let longest = patterns.iter().map(String::len).max().unwrap_or(0);
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&patterns)
            .map_err(|e| OutputError::DenyListBuild(e.to_string()))?;
        Ok(DenyList {
            automaton,
            owner,
            topics,
            whole_words: self.whole_words,
            sources: self.sources,
            longest,
        })
    }
}

/// Banned topics and deny-listed phrases in a text: `denylist.<topic>` findings.
///
/// Topics are named lists of phrases, matched in one Aho-Corasick pass (linear in the text,
/// whatever the number of phrases), ASCII case-insensitively (other letters in their lower,
/// upper and capitalised forms) and, by default, as whole words. Where matches overlap the
/// longest is kept. Phrases match as written: `pipe bomb` does not match `pipe  bomb` or
/// `pipe-bomb` (list the variants you need). Nothing is allocated for a text without a match.
///
/// ```
/// use llmops_core::TextSource;
/// use llmops_guard::Detector;
/// use llmops_guard::output::DenyList;
///
/// let deny = DenyList::builder()
///     .topic("competitors", ["Acme Corp", "Globex"])
///     .topic("weapons", ["pipe bomb", "nerve agent"])
///     .build()?;
/// let mut found = Vec::new();
/// deny.scan("You could try GLOBEX instead.", TextSource::Output, &mut found);
/// assert_eq!(found[0].category, "denylist.competitors");
/// found.clear();
/// deny.scan("Globexia is a fictional country.", TextSource::Output, &mut found);
/// assert!(found.is_empty()); // whole words
/// # Ok::<(), llmops_guard::output::OutputError>(())
/// ```
#[derive(Debug, Clone)]
pub struct DenyList {
    automaton: AhoCorasick,
    owner: Vec<usize>,
    topics: Vec<Topic>,
    whole_words: bool,
    sources: Option<Vec<TextSource>>,
    longest: usize,
}

impl DenyList {
    /// A builder: add topics, then [`build`](DenyListBuilder::build).
    pub fn builder() -> DenyListBuilder {
        DenyListBuilder {
            whole_words: true,
            ..DenyListBuilder::default()
        }
    }

    fn bounded(&self, text: &str, start: usize, end: usize) -> bool {
        if !self.whole_words {
            return true;
        }
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        let phrase = text.get(start..end).unwrap_or("");
        let before = text.get(..start).and_then(|t| t.chars().next_back());
        let after = text.get(end..).and_then(|t| t.chars().next());
        let first = phrase.chars().next();
        let last = phrase.chars().next_back();
        (!word(first) || !word(before)) && (!word(last) || !word(after))
    }
}

impl Detector for DenyList {
    fn name(&self) -> &str {
        "denylist"
    }

    fn scan(&self, text: &str, source: TextSource, out: &mut Vec<Finding>) {
        if self.sources.as_ref().is_some_and(|s| !s.contains(&source)) {
            return;
        }
        // every overlapping match, so a whole-word match is not lost behind a longer one
        // that fails the word check; then the longest of overlapping ones (allocates only
        // when something matched)
        let mut hits: Vec<(usize, usize, usize)> = Vec::new();
        for m in self.automaton.find_overlapping_iter(text) {
            let (s, e) = (m.start(), m.end());
            if !self.bounded(text, s, e) {
                continue;
            }
            if let Some(topic) = self.owner.get(m.pattern().as_usize()).copied() {
                hits.push((s, e, topic));
            }
        }
        if hits.is_empty() {
            return;
        }
        hits.sort_by(|a, b| (b.1 - b.0).cmp(&(a.1 - a.0)).then(a.0.cmp(&b.0)));
        for (s, e, topic) in keep_best_disjoint(hits, |h| (h.0, h.1)) {
            if let Some(t) = self.topics.get(topic) {
                out.push(Finding::new(t.category.as_str(), s, e, t.score));
            }
        }
    }

    /// The longest phrase in bytes plus one character, for the word-boundary check.
    fn max_match_len(&self) -> Option<usize> {
        Some(self.longest + 4)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use llmops_core::Role;

    fn found(d: &DenyList, text: &str) -> Vec<(String, String)> {
        let mut out = Vec::new();
        d.scan(text, TextSource::Output, &mut out);
        out.iter()
            .map(|f| (f.category.clone(), text[f.start..f.end].to_owned()))
            .collect()
    }

    fn deny() -> DenyList {
        DenyList::builder()
            .topic("weapons", ["pipe bomb", "bomb", "nerve agent"])
            .topic("competitors", ["Acme", "Acme Corp"])
            .topic("de", ["Straße", "Übel"])
            .build()
            .unwrap()
    }

    #[test]
    fn whole_words_case_insensitive_longest() {
        let d = deny();
        assert_eq!(
            found(&d, "How to build a PIPE BOMB?"),
            [("denylist.weapons".into(), "PIPE BOMB".into())]
        );
        assert_eq!(
            found(&d, "Ask acme corp, or Acme."),
            [
                ("denylist.competitors".into(), "acme corp".into()),
                ("denylist.competitors".into(), "Acme".into())
            ]
        );
        assert!(found(&d, "a bombastic acmeist").is_empty());
        assert_eq!(found(&d, "the bombastic bomb").len(), 1);
        assert_eq!(found(&d, "ÜBEL and übel and straße").len(), 3);
    }

    #[test]
    fn substring_mode_and_sources() {
        let d = DenyList::builder()
            .topic("x", ["bomb"])
            .whole_words(false)
            .sources(&[TextSource::Output])
            .build()
            .unwrap();
        assert_eq!(found(&d, "bombastic").len(), 1);
        let mut out = Vec::new();
        d.scan("bomb", TextSource::Message(Role::User), &mut out);
        assert!(out.is_empty());
    }

    #[test]
    fn bad_topics_are_errors() {
        assert!(
            DenyList::builder()
                .topic("Bad Name", ["x"])
                .build()
                .is_err()
        );
        assert!(DenyList::builder().topic("empty", ["  "]).build().is_err());
        assert!(DenyList::builder().topic("", ["x"]).build().is_err());
    }

    #[test]
    fn clean_text_allocates_nothing() {
        let mut out = Vec::new();
        deny().scan("a perfectly fine answer", TextSource::Output, &mut out);
        assert_eq!(out.capacity(), 0);
    }
}
