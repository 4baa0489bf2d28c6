//! [`Bm25Index`]: an in-memory BM25 lexical index over slots, by default the Lucene/Anserini
//! BM25 baseline that BEIR reports use ([`Bm25Params::default`]).
//!
//! - **Analysis** ([`Analyzer`]): Lucene's `EnglishAnalyzer` chain (Unicode word
//!   segmentation, possessives, lowercase, Lucene's 33 English stop words, original Porter
//!   stemmer), checked token for token against Lucene 8.7 on a committed corpus.
//! - **Scoring** ([`Bm25Params`]): Lucene ≥ 8's BM25 (`k1 = 0.9`, `b = 0.4`,
//!   `idf = ln(1 + (N − df + 0.5)/(df + 0.5))`, no `(k1 + 1)` factor), document length = the
//!   number of indexed terms, stored with Lucene's lossy one-byte norm ([`LengthNorm`]), and
//!   the variants of bm25s ([`Bm25Method`]). `N` is the number of documents with at least one
//!   indexed term and `avgdl` their mean exact length, as Lucene's collection statistics.
//! - **Queries** are analysed like documents; every query term counts once per occurrence
//!   (Anserini's bag-of-words query boosts a repeated term by its count). A document is a hit
//!   when it holds at least one query term; its score is the sum over query terms.
//!
//! Layout: an inverted index term id → postings `(slot, tf)` sorted by slot, a forward list
//! per slot (its terms, for exact removal), the per-slot norm lengths, and the collection
//! statistics, kept exact on every insert and removal. A query walks the postings of its
//! terms into a dense per-thread score accumulator (term at a time), then keeps the best `k`
//! that `allow` accepts in a bounded heap.
//!
//! ```
//! use llmops_rag::index::bm25::{Bm25Index, Bm25Params};
//! let mut idx = Bm25Index::new(Bm25Params::default());
//! idx.insert(0, "How do I reset my password?");
//! idx.insert(1, "Refunds are processed within 5 days.");
//! idx.insert(2, "Password rules: at least 12 characters.");
//! let hits = idx.search("password reset", 10, &|_| true);
//! assert_eq!(hits.first().map(|h| h.0), Some(0));
//! assert_eq!(hits.len(), 2);
//! // Filtered inside the search: slot 0 is neither returned nor counted towards k.
//! assert_eq!(idx.search("password reset", 1, &|s| s != 0)[0].0, 2);
//! ```

mod analyzer;
mod params;
mod persist;
mod porter;
mod search;

use std::collections::HashMap;

pub use analyzer::{Analyzer, DEFAULT_MAX_TOKEN_CHARS, ENGLISH_STOP_WORDS, Stemmer};
pub use params::{Bm25Method, Bm25Params, DEFAULT_DELTA, LengthNorm};

use search::Scratch;

/// One posting: a slot holding the term, and how often.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Posting {
    slot: u32,
    tf: u32,
}

/// What a slot holds: its length and its distinct terms with their counts.
#[derive(Debug, Clone, PartialEq, Eq)]
struct DocTerms {
    len: u32,
    terms: Box<[(u32, u32)]>,
}

/// Collection statistics of a [`Bm25Index`].
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Bm25Stats {
    /// Slots held (documents, including those with no indexed term).
    pub docs: usize,
    /// `N`: documents with at least one indexed term (Lucene's `docCount`).
    pub docs_with_terms: u32,
    /// Total number of indexed terms (Lucene's `sumTotalTermFreq`).
    pub total_len: u64,
    /// `avgdl = total_len / N` (0 when empty).
    pub avg_len: f32,
    /// Distinct terms held.
    pub terms: usize,
}

/// An in-memory BM25 index over `u32` slots (see the [module docs](self)).
///
/// Slots are dense small integers handed out by the owner: memory grows with the largest
/// slot. Ties in score are broken by ascending slot, so results are deterministic.
#[derive(Clone)]
pub struct Bm25Index {
    params: Bm25Params,
    terms: Terms,
    /// Slot → its terms (None when absent).
    docs: Vec<Option<DocTerms>>,
    /// Slot → the document length the norm uses.
    norm_len: Vec<f32>,
    live: usize,
    docs_with_terms: u32,
    total_len: u64,
}

impl std::fmt::Debug for Bm25Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Bm25Index")
            .field("params", &self.params)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

impl Default for Bm25Index {
    fn default() -> Self {
        Bm25Index::new(Bm25Params::default())
    }
}

impl Bm25Index {
    /// An empty index.
    pub fn new(params: Bm25Params) -> Self {
        Bm25Index {
            params,
            terms: Terms::default(),
            docs: Vec::new(),
            norm_len: Vec::new(),
            live: 0,
            docs_with_terms: 0,
            total_len: 0,
        }
    }

    /// The parameters.
    pub fn params(&self) -> &Bm25Params {
        &self.params
    }

    /// How many slots it holds.
    pub fn len(&self) -> usize {
        self.live
    }

    /// Whether it holds no slot.
    pub fn is_empty(&self) -> bool {
        self.live == 0
    }

    /// Whether `slot` is held.
    pub fn contains(&self, slot: u32) -> bool {
        matches!(self.docs.get(slot as usize), Some(Some(_)))
    }

    /// The collection statistics.
    pub fn stats(&self) -> Bm25Stats {
        Bm25Stats {
            docs: self.live,
            docs_with_terms: self.docs_with_terms,
            total_len: self.total_len,
            avg_len: self.avg_len(),
            terms: self.terms.ids.len(),
        }
    }

    /// How many documents hold `term` (an analysed term, e.g. from [`Analyzer::analyze`]).
    pub fn doc_freq(&self, term: &str) -> u32 {
        self.terms.postings(term).map_or(0, |p| p.len() as u32)
    }

    /// The number of indexed terms of `slot`, when held.
    pub fn doc_len(&self, slot: u32) -> Option<u32> {
        self.docs
            .get(slot as usize)
            .and_then(Option::as_ref)
            .map(|d| d.len)
    }

    fn avg_len(&self) -> f32 {
        if self.docs_with_terms == 0 {
            0.0
        } else {
            (self.total_len as f64 / f64::from(self.docs_with_terms)) as f32
        }
    }

    /// Indexes `text` under `slot`, replacing what the slot held.
    pub fn insert(&mut self, slot: u32, text: &str) {
        self.remove(slot);
        let mut ids: Vec<u32> = Vec::new();
        let Bm25Index { params, terms, .. } = self;
        params
            .analyzer()
            .for_each_term(text, |term| ids.push(terms.id(term)));
        let len = u32::try_from(ids.len()).unwrap_or(u32::MAX);
        ids.sort_unstable();
        let mut counts: Vec<(u32, u32)> = Vec::new();
        for id in ids {
            match counts.last_mut() {
                Some((t, tf)) if *t == id => *tf += 1,
                _ => counts.push((id, 1)),
            }
        }
        for &(t, tf) in &counts {
            if let Some(list) = self.terms.postings.get_mut(t as usize) {
                let p = Posting { slot, tf };
                match list.last() {
                    Some(last) if last.slot > slot => {
                        let at = list.partition_point(|q| q.slot < slot);
                        list.insert(at, p);
                    }
                    _ => list.push(p),
                }
            }
        }
        let i = slot as usize;
        if self.docs.len() <= i {
            self.docs.resize(i + 1, None);
            self.norm_len.resize(i + 1, 0.0);
        }
        if let Some(d) = self.docs.get_mut(i) {
            *d = Some(DocTerms {
                len,
                terms: counts.into_boxed_slice(),
            });
        }
        if let Some(n) = self.norm_len.get_mut(i) {
            *n = self.params.norm_len(len);
        }
        self.live += 1;
        if len > 0 {
            self.docs_with_terms += 1;
            self.total_len += u64::from(len);
        }
    }

    /// Removes `slot`; a no-op when absent. Statistics (`N`, `avgdl`, `df`) stay exact.
    pub fn remove(&mut self, slot: u32) {
        let Some(doc) = self.docs.get_mut(slot as usize).and_then(Option::take) else {
            return;
        };
        for &(t, _) in doc.terms.iter() {
            self.terms.unpost(t, slot);
        }
        if let Some(n) = self.norm_len.get_mut(slot as usize) {
            *n = 0.0;
        }
        self.live -= 1;
        if doc.len > 0 {
            self.docs_with_terms -= 1;
            self.total_len -= u64::from(doc.len);
        }
    }

    /// The `k` best slots for `query` among those `allow` accepts, best first, with their
    /// BM25 scores. Slots `allow` rejects are neither returned nor counted towards `k`. Only
    /// slots holding at least one query term are hits; equal scores come by ascending slot.
    /// An empty query (or one whose terms are all unknown or stop words), an empty index or
    /// `k = 0` give an empty result.
    pub fn search(&self, query: &str, k: usize, allow: &dyn Fn(u32) -> bool) -> Vec<(u32, f32)> {
        let n = self.docs_with_terms;
        if k == 0 || n == 0 {
            return Vec::new();
        }
        let terms = self.query_terms(query);
        if terms.is_empty() {
            return Vec::new();
        }
        let scorer = self.params.scorer(self.avg_len());
        let absent = scorer.absent();
        let mut constant = 0.0f32;
        let mut scratch = Scratch::take(self.docs.len());
        for (postings, count) in terms {
            let df = postings.len() as u32;
            let w = count as f32 * self.params.idf(df, n);
            constant += w * absent;
            for p in postings {
                let dl = self.norm_len.get(p.slot as usize).copied().unwrap_or(0.0);
                scratch.add(p.slot, w * (scorer.tfc(p.tf as f32, dl) - absent));
            }
        }
        let cap = scratch.touched();
        let hits = scratch.hits().map(|(slot, s)| (slot, s + constant));
        let out = search::top_k(hits, k, cap, allow);
        scratch.give_back();
        out
    }

    /// The postings of the query's known terms with their counts, ordered by term text (so
    /// scores are summed in the same order whatever the term ids).
    fn query_terms(&self, query: &str) -> Vec<(&[Posting], usize)> {
        let mut words = self.params.analyzer().analyze(query);
        words.sort_unstable();
        let mut out: Vec<(&str, &[Posting], usize)> = Vec::new();
        for w in &words {
            match out.last_mut() {
                Some((t, _, c)) if *t == w.as_str() => *c += 1,
                _ => {
                    if let Some(p) = self.terms.postings(w) {
                        out.push((w, p, 1));
                    }
                }
            }
        }
        out.into_iter().map(|(_, p, c)| (p, c)).collect()
    }
}

/// The vocabulary and the inverted index.
#[derive(Debug, Clone, Default)]
struct Terms {
    /// Term → id.
    ids: HashMap<String, u32>,
    /// Id → term (empty for a freed id).
    text: Vec<String>,
    /// Id → postings sorted by slot.
    postings: Vec<Vec<Posting>>,
    /// Ids whose postings emptied, for reuse.
    free: Vec<u32>,
}

impl Terms {
    /// The id of `term`, created when new (reusing a freed id).
    fn id(&mut self, term: &str) -> u32 {
        if let Some(&id) = self.ids.get(term) {
            return id;
        }
        let id = match self.free.pop() {
            Some(id) => {
                if let Some(t) = self.text.get_mut(id as usize) {
                    term.clone_into(t);
                }
                id
            }
            None => {
                let id = self.text.len() as u32;
                self.text.push(term.to_owned());
                self.postings.push(Vec::new());
                id
            }
        };
        self.ids.insert(term.to_owned(), id);
        id
    }

    /// The postings of `term`, when held.
    fn postings(&self, term: &str) -> Option<&[Posting]> {
        self.ids
            .get(term)
            .and_then(|&t| self.postings.get(t as usize))
            .map(Vec::as_slice)
    }

    /// Removes `slot` from the postings of term `t`, freeing the term when none is left.
    fn unpost(&mut self, t: u32, slot: u32) {
        let Some(list) = self.postings.get_mut(t as usize) else {
            return;
        };
        if let Ok(at) = list.binary_search_by_key(&slot, |p| p.slot) {
            list.remove(at);
        }
        if list.is_empty() {
            *list = Vec::new();
            if let Some(text) = self.text.get_mut(t as usize) {
                self.ids.remove(text.as_str());
                text.clear();
            }
            self.free.push(t);
        }
    }
}

#[cfg(test)]
mod tests;
