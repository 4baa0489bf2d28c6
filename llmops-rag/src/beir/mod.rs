//! Loader for datasets in the BEIR layout, so any BEIR dataset can be scored:
//!
//! ```text
//! DIR/corpus.jsonl        {"_id": "d1", "title": "...", "text": "...", "metadata": {...}}
//! DIR/queries.jsonl       {"_id": "q1", "text": "..."}
//! DIR/qrels/<split>.tsv   query-id<TAB>corpus-id<TAB>score   (header line first)
//! ```
//!
//! [`BeirDataset::load`] reads the `test` split (or the only split present); [`BeirLoader`]
//! picks another split or title separator. As BEIR does, only queries with judgments in the
//! split are kept. The corpus is streamed line by line ([`CorpusReader`]). Every malformed
//! line is a [`RagError::Load`] naming `file:line` and what is wrong; duplicate ids and
//! judgments of unknown queries are errors; judgments of documents missing from the corpus
//! are kept (they count as relevant and never retrieved, as in BEIR) and counted in
//! [`BeirStats::unknown_docs`].
//!
//! ```no_run
//! use llmops_rag::beir::BeirDataset;
//! let data = BeirDataset::load("datasets/scifact")?;
//! println!("{} documents, {} queries, split {}", data.corpus.len(), data.queries.len(), data.split);
//! # Ok::<(), llmops_rag::RagError>(())
//! ```

mod files;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::metrics::Qrels;
use crate::{Document, RagError, Result};

pub use files::{CorpusReader, TITLE_SEPARATOR, read_qrels, read_queries};

/// The split read when none is named (BEIR's default).
pub const DEFAULT_SPLIT: &str = "test";

/// A BEIR dataset: the corpus, the queries that have judgments in the split, and the
/// judgments.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BeirDataset {
    /// The documents, in file order.
    pub corpus: Vec<Document>,
    /// Query id → text, only queries with judgments in [`split`](Self::split).
    pub queries: BTreeMap<String, String>,
    /// The split's judgments.
    pub qrels: Qrels,
    /// The split read (`test`, `dev` ...).
    pub split: String,
    /// Counts worth reporting.
    pub stats: BeirStats,
}

/// What the loader saw besides the data: counts to show next to the scores.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct BeirStats {
    /// Documents in the corpus.
    pub documents: usize,
    /// Documents with neither title nor text (kept; no retriever can find them).
    pub empty_documents: usize,
    /// Queries in `queries.jsonl`.
    pub queries_in_file: usize,
    /// Queries without judgments in the split (dropped, as BEIR does).
    pub queries_without_qrels: usize,
    /// (query, document) judgments in the split.
    pub judgments: usize,
    /// Judgments naming a document absent from the corpus (kept: relevant ones lower recall
    /// as they do in BEIR).
    pub unknown_docs: usize,
    /// Qrels lines repeating an earlier judgment with the same grade (ignored).
    pub repeated_judgments: usize,
}

impl BeirDataset {
    /// Loads the dataset in `dir` with the default split ([`DEFAULT_SPLIT`], or the only
    /// split present).
    pub fn load(dir: impl Into<PathBuf>) -> Result<Self> {
        BeirLoader::new(dir).load()
    }
}

/// Options for loading a BEIR dataset.
///
/// ```
/// use llmops_rag::beir::BeirLoader;
/// let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/beir-mini");
/// let data = BeirLoader::new(dir).split("test").load()?;
/// assert_eq!(data.split, "test");
/// assert!(data.queries.keys().all(|q| data.qrels.contains(q)));
/// # Ok::<(), llmops_rag::RagError>(())
/// ```
#[derive(Debug, Clone)]
pub struct BeirLoader {
    dir: PathBuf,
    split: Option<String>,
    title_separator: String,
}

impl BeirLoader {
    /// A loader for the dataset in `dir`.
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        BeirLoader {
            dir: dir.into(),
            split: None,
            title_separator: TITLE_SEPARATOR.to_owned(),
        }
    }

    /// Reads `qrels/<split>.tsv` (no fallback: a missing split is an error listing those
    /// present).
    #[must_use]
    pub fn split(mut self, split: impl Into<String>) -> Self {
        self.split = Some(split.into());
        self
    }

    /// Joins title and text with `separator` (default [`TITLE_SEPARATOR`]).
    #[must_use]
    pub fn title_separator(mut self, separator: impl Into<String>) -> Self {
        self.title_separator = separator.into();
        self
    }

    /// The splits present: the names of `qrels/*.tsv`, sorted.
    pub fn splits(&self) -> Result<Vec<String>> {
        let dir = self.dir.join("qrels");
        let entries = std::fs::read_dir(&dir).map_err(|e| RagError::Load {
            source_name: dir.display().to_string(),
            message: format!("cannot list the qrels folder: {e}"),
        })?;
        let mut splits = Vec::new();
        for entry in entries {
            let path = entry?.path();
            if path.extension().is_some_and(|e| e == "tsv")
                && let Some(stem) = path.file_stem().and_then(|s| s.to_str())
            {
                splits.push(stem.to_owned());
            }
        }
        splits.sort();
        Ok(splits)
    }

    /// The split to read: the one asked for, else `test`, else the only one present.
    fn resolve_split(&self) -> Result<String> {
        let splits = self.splits()?;
        let folder = self.dir.join("qrels").display().to_string();
        let available = || {
            if splits.is_empty() {
                "no <split>.tsv there".to_owned()
            } else {
                format!("available: {}", splits.join(", "))
            }
        };
        match &self.split {
            Some(s) if splits.contains(s) => Ok(s.clone()),
            Some(s) => Err(RagError::Load {
                source_name: folder.clone(),
                message: format!("no split `{s}` ({})", available()),
            }),
            None if splits.iter().any(|s| s == DEFAULT_SPLIT) => Ok(DEFAULT_SPLIT.to_owned()),
            None => match splits.as_slice() {
                [only] => Ok(only.clone()),
                _ => Err(RagError::Load {
                    source_name: folder.clone(),
                    message: format!(
                        "no `{DEFAULT_SPLIT}` split and no single other one to fall back on \
                         ({}); name one",
                        available()
                    ),
                }),
            },
        }
    }

    /// Reads the dataset: qrels and queries first (small), then the corpus, streamed.
    pub fn load(&self) -> Result<BeirDataset> {
        let split = self.resolve_split()?;
        let qrels_path = self.dir.join("qrels").join(format!("{split}.tsv"));
        let queries_path = self.dir.join("queries.jsonl");
        let corpus_path = self.dir.join("corpus.jsonl");
        let qrels_name = qrels_path.display().to_string();

        let parsed = files::parse_qrels(files::open(&qrels_path)?, &qrels_name)?;
        let all_queries = read_queries(
            files::open(&queries_path)?,
            &queries_path.display().to_string(),
        )?;
        let mut stats = BeirStats {
            queries_in_file: all_queries.len(),
            judgments: parsed.qrels.judgments(),
            repeated_judgments: parsed.repeated,
            ..BeirStats::default()
        };
        // Judgments of a query absent from queries.jsonl: BEIR's own loader fails on them.
        if let Some((query, line)) = parsed
            .qrels
            .queries()
            .filter(|q| !all_queries.contains_key(*q))
            .filter_map(|q| parsed.first_line.get(q).map(|&l| (q, l)))
            .min_by_key(|&(_, l)| l)
        {
            return Err(RagError::Load {
                source_name: format!("{qrels_name}:{line}"),
                message: format!("query `{query}` is not in {}", queries_path.display()),
            });
        }
        let queries: BTreeMap<String, String> = all_queries
            .into_iter()
            .filter(|(q, _)| parsed.qrels.contains(q))
            .collect();
        stats.queries_without_qrels = stats.queries_in_file - queries.len();

        let (corpus, lines) = self.read_corpus(&corpus_path)?;
        stats.documents = corpus.len();
        stats.empty_documents = corpus.iter().filter(|d| d.text.trim().is_empty()).count();
        stats.unknown_docs = parsed
            .qrels
            .iter()
            .flat_map(|(_, docs)| docs.keys())
            .filter(|d| !lines.contains_key(d.as_str()))
            .count();
        if stats.unknown_docs > 0 {
            tracing::warn!(
                dataset = %self.dir.display(),
                unknown_docs = stats.unknown_docs,
                "BEIR qrels name documents missing from the corpus; kept as never retrieved"
            );
        }
        Ok(BeirDataset {
            corpus,
            queries,
            qrels: parsed.qrels,
            split,
            stats,
        })
    }

    /// The documents, and each id's line (duplicate ids are an error).
    fn read_corpus(&self, path: &Path) -> Result<(Vec<Document>, HashMap<String, usize>)> {
        let mut reader = CorpusReader::open(path)?.title_separator(self.title_separator.clone());
        let mut docs = Vec::new();
        let mut lines = HashMap::new();
        while let Some(doc) = reader.next() {
            let doc = doc?;
            if let Some(first) = lines.insert(doc.id.clone(), reader.line()) {
                return Err(RagError::Load {
                    source_name: format!("{}:{}", path.display(), reader.line()),
                    message: format!("duplicate `_id` `{}` (first on line {first})", doc.id),
                });
            }
            docs.push(doc);
        }
        Ok((docs, lines))
    }
}

#[cfg(test)]
mod tests;
