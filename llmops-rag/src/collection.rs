//! [`Collection`]: documents chunked, embedded and indexed (vectors and BM25), with
//! versions, persistence, freshness and incremental refresh.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::Duration;

use chrono::{DateTime, Utc};
use llmops_core::{AccessScope, Embedder};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::chunk::{Chunker, RecursiveChunker};
use crate::document::{Document, Source};
use crate::filter::Filter;
use crate::index::Bm25Params;
use crate::lexical::LexicalIndex;
use crate::load::{LoadOptions, load_dir, load_file, load_file_in};
use crate::store::memory::{IndexKind, MemoryStore};
use crate::store::persist::write_atomic;
use crate::store::{ChunkRecord, Metric, Scored, VectorStore};
use crate::{RagError, Result};

/// What the collection remembers of an indexed document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DocEntry {
    /// Document id.
    pub doc_id: String,
    /// Indexed version ([`Document::effective_version`]).
    pub version: String,
    /// [`Document::content_hash`] when indexed: an upsert with the same hash is a no-op.
    pub content_hash: String,
    /// Where it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
    /// SHA-256 of the source file's bytes when indexed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source_hash: Option<String>,
    /// When it was (re-)indexed.
    pub indexed_at: DateTime<Utc>,
    /// How many chunks it has.
    pub chunks: usize,
    /// The embedder of its vectors (`None` for a lexical-only collection).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embedder_id: Option<String>,
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Upserted {
    /// Same content as indexed: nothing re-chunked or re-embedded.
    Unchanged,
    /// A new document.
    Added {
        /// Its chunks.
        chunks: usize,
    },
    /// A new version replaced the old one.
    Updated {
        /// Its chunks.
        chunks: usize,
    },
}

/// Totals of a batch of writes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct IndexReport {
    /// New documents.
    pub added: Vec<String>,
    /// Documents re-indexed because they changed.
    pub updated: Vec<String>,
    /// Documents skipped because they did not change.
    pub unchanged: usize,
    /// Documents deleted (their source is gone).
    pub deleted: Vec<String>,
    /// Chunks written.
    pub chunks: usize,
    /// Texts sent to the embedder.
    pub embedded: usize,
}

/// Which documents need attention.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FreshnessReport {
    /// Documents checked.
    pub checked: usize,
    /// Indexed longer ago than the TTL.
    pub stale: Vec<String>,
    /// Whose source file changed since indexing.
    pub changed: Vec<String>,
    /// Whose source file is gone.
    pub missing: Vec<String>,
    /// Without a source (cannot be checked beyond the TTL).
    pub unsourced: usize,
}

impl FreshnessReport {
    /// Whether nothing is stale, changed or missing.
    pub fn is_fresh(&self) -> bool {
        self.stale.is_empty() && self.changed.is_empty() && self.missing.is_empty()
    }
}

enum Vectors {
    Memory(Arc<MemoryStore>),
    Shared(Arc<dyn VectorStore>),
}

impl Vectors {
    fn store(&self) -> &dyn VectorStore {
        match self {
            Vectors::Memory(m) => m.as_ref(),
            Vectors::Shared(s) => s.as_ref(),
        }
    }
}

/// Builds a [`Collection`].
#[must_use]
pub struct CollectionBuilder {
    chunker: Arc<dyn Chunker>,
    embedder: Option<Arc<dyn Embedder>>,
    store: Option<Arc<dyn VectorStore>>,
    index: IndexKind,
    metric: Metric,
    bm25: Option<Bm25Params>,
    embed_batch: usize,
}

impl std::fmt::Debug for CollectionBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CollectionBuilder")
            .field("chunker", &self.chunker.name())
            .field(
                "embedder",
                &self.embedder.as_ref().map(|e| e.id().to_owned()),
            )
            .finish_non_exhaustive()
    }
}

impl CollectionBuilder {
    /// The chunker (default: [`RecursiveChunker::default`]).
    pub fn chunker(mut self, c: impl Chunker) -> Self {
        self.chunker = Arc::new(c);
        self
    }

    /// A shared chunker.
    pub fn chunker_arc(mut self, c: Arc<dyn Chunker>) -> Self {
        self.chunker = c;
        self
    }

    /// The embedder: turns on dense retrieval (vectors in memory unless [`store`](Self::store)).
    pub fn embedder(mut self, e: Arc<dyn Embedder>) -> Self {
        self.embedder = Some(e);
        self
    }

    /// A shared vector store (pgvector ...) instead of the in-memory one.
    pub fn store(mut self, s: Arc<dyn VectorStore>) -> Self {
        self.store = Some(s);
        self
    }

    /// The in-memory index (default exact).
    pub fn memory_index(mut self, kind: IndexKind) -> Self {
        self.index = kind;
        self
    }

    /// The in-memory similarity (default cosine).
    pub fn metric(mut self, m: Metric) -> Self {
        self.metric = m;
        self
    }

    /// BM25 parameters (default: the Lucene/Anserini baseline).
    pub fn bm25(mut self, p: Bm25Params) -> Self {
        self.bm25 = Some(p);
        self
    }

    /// No lexical index (dense only).
    pub fn without_lexical(mut self) -> Self {
        self.bm25 = None;
        self
    }

    /// Texts per embedder call (default 64).
    pub fn embed_batch(mut self, n: usize) -> Self {
        self.embed_batch = n.max(1);
        self
    }

    /// The collection.
    pub fn build(self) -> Result<Collection> {
        if self.embedder.is_none() && self.bm25.is_none() {
            return Err(RagError::invalid(
                "a collection needs an embedder, a lexical index, or both",
            ));
        }
        if self.store.is_some() && self.embedder.is_none() {
            return Err(RagError::invalid("a vector store needs an embedder"));
        }
        let vectors = match (&self.embedder, self.store) {
            (Some(_), Some(s)) => Some(Vectors::Shared(s)),
            (Some(e), None) => Some(Vectors::Memory(Arc::new(MemoryStore::new(
                self.index,
                e.dims(),
                self.metric,
            )?))),
            (None, _) => None,
        };
        Ok(Collection {
            chunker: self.chunker,
            embedder: self.embedder,
            vectors,
            lexical: self.bm25.map(LexicalIndex::new),
            registry: RwLock::new(BTreeMap::new()),
            writer: tokio::sync::Mutex::new(()),
            embed_batch: self.embed_batch,
        })
    }
}

/// Documents chunked, embedded and indexed. See the crate docs.
///
/// ```
/// use llmops_core::AccessScope;
/// use llmops_rag::{Collection, Document, Upserted};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let kb = Collection::builder().build()?; // lexical only; add .embedder(..) for vectors
/// assert!(matches!(kb.upsert(Document::new("a", "Refunds take five days.")).await?, Upserted::Added { .. }));
/// assert_eq!(kb.upsert(Document::new("a", "Refunds take five days.")).await?, Upserted::Unchanged);
/// let hits = kb.search_lexical("refund", 3, &AccessScope::default())?;
/// assert_eq!(hits[0].chunk.doc_id, "a");
/// # Ok::<(), llmops_rag::RagError>(())
/// # }).unwrap();
/// ```
pub struct Collection {
    chunker: Arc<dyn Chunker>,
    embedder: Option<Arc<dyn Embedder>>,
    vectors: Option<Vectors>,
    lexical: Option<LexicalIndex>,
    registry: RwLock<BTreeMap<String, DocEntry>>,
    writer: tokio::sync::Mutex<()>,
    embed_batch: usize,
}

impl std::fmt::Debug for Collection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Collection")
            .field("chunker", &self.chunker.name())
            .field(
                "embedder",
                &self.embedder.as_ref().map(|e| e.id().to_owned()),
            )
            .field("lexical", &self.lexical.is_some())
            .finish_non_exhaustive()
    }
}

struct Prepared {
    doc: Document,
    hash: String,
    source_hash: Option<String>,
    chunks: Vec<ChunkRecord>,
    replaced: bool,
}

impl Collection {
    /// A builder: lexical (BM25) on, no embedder, recursive chunker.
    pub fn builder() -> CollectionBuilder {
        CollectionBuilder {
            chunker: Arc::new(RecursiveChunker::default()),
            embedder: None,
            store: None,
            index: IndexKind::Exact,
            metric: Metric::Cosine,
            bm25: Some(Bm25Params::default()),
            embed_batch: 64,
        }
    }

    /// The chunker's name.
    pub fn chunker_name(&self) -> &str {
        self.chunker.name()
    }

    /// The embedder, when dense retrieval is on.
    pub fn embedder(&self) -> Option<&Arc<dyn Embedder>> {
        self.embedder.as_ref()
    }

    /// Whether BM25 is on.
    pub fn has_lexical(&self) -> bool {
        self.lexical.is_some()
    }

    fn registry_read(&self) -> Result<std::sync::RwLockReadGuard<'_, BTreeMap<String, DocEntry>>> {
        self.registry
            .read()
            .map_err(|_| RagError::backend("collection", "lock poisoned by a panic"))
    }

    fn registry_write(
        &self,
    ) -> Result<std::sync::RwLockWriteGuard<'_, BTreeMap<String, DocEntry>>> {
        self.registry
            .write()
            .map_err(|_| RagError::backend("collection", "lock poisoned by a panic"))
    }

    /// The indexed documents, by id.
    pub fn documents(&self) -> Result<Vec<DocEntry>> {
        Ok(self.registry_read()?.values().cloned().collect())
    }

    /// One indexed document.
    pub fn document(&self, doc_id: &str) -> Result<Option<DocEntry>> {
        Ok(self.registry_read()?.get(doc_id).cloned())
    }

    /// Indexes `doc` (or skips it when its content did not change).
    pub async fn upsert(&self, doc: Document) -> Result<Upserted> {
        let mut r = self.upsert_all(vec![doc]).await?;
        Ok(match (r.added.pop(), r.updated.pop()) {
            (Some(_), _) => Upserted::Added { chunks: r.chunks },
            (_, Some(_)) => Upserted::Updated { chunks: r.chunks },
            _ => Upserted::Unchanged,
        })
    }

    /// Indexes many documents, embedding their chunks in batches; unchanged ones are
    /// skipped. Two documents with one id in `docs` are an error (nothing written).
    pub async fn upsert_all(&self, docs: Vec<Document>) -> Result<IndexReport> {
        let _w = self.writer.lock().await;
        let mut seen = std::collections::HashSet::new();
        for d in &docs {
            if d.id.trim().is_empty() {
                return Err(RagError::invalid("a document id is empty"));
            }
            if !seen.insert(d.id.as_str()) {
                return Err(RagError::invalid(format!(
                    "document id {} appears twice",
                    d.id
                )));
            }
        }
        let mut report = IndexReport::default();
        let mut file_hashes: HashMap<PathBuf, Option<String>> = HashMap::new();
        let mut prepared = Vec::new();
        let mut touched = Vec::new();
        {
            let registry = self.registry_read()?;
            for doc in docs {
                let hash = doc.content_hash();
                let old = registry.get(&doc.id);
                let same_embedder = old.map(|o| o.embedder_id.as_deref())
                    == Some(self.embedder.as_ref().map(|e| e.id()));
                let source_hash = match &doc.source {
                    Some(s) => file_hashes
                        .entry(s.path.clone())
                        .or_insert_with(|| hash_file(&s.path))
                        .clone(),
                    None => None,
                };
                if let Some(o) = old.filter(|o| o.content_hash == hash && same_embedder) {
                    report.unchanged += 1;
                    // the source file changed elsewhere (another record of it): remember
                    // the file as seen, so it is not reported changed again
                    if o.source_hash != source_hash || o.source != doc.source {
                        let mut e = o.clone();
                        e.source_hash = source_hash;
                        e.source = doc.source;
                        touched.push(e);
                    }
                    continue;
                }
                let chunks = self.chunker.records(&doc)?;
                prepared.push(Prepared {
                    replaced: old.is_some(),
                    doc,
                    hash,
                    source_hash,
                    chunks,
                });
            }
        }
        // Embed everything first: a failing embedder leaves the index untouched.
        let vectors = self.embed_chunks(&prepared).await?;
        {
            let mut registry = self.registry_write()?;
            for e in touched {
                registry.insert(e.doc_id.clone(), e);
            }
        }
        report.embedded = vectors.as_ref().map_or(0, Vec::len);
        let mut vectors = vectors.map(Vec::into_iter);
        for p in prepared {
            let n = p.chunks.len();
            if let (Some(v), Some(e), Some(all)) = (&self.vectors, &self.embedder, vectors.as_mut())
            {
                let pairs: Vec<(ChunkRecord, Vec<f32>)> =
                    p.chunks.iter().cloned().zip(all.by_ref().take(n)).collect();
                v.store().replace_doc(e.id(), &p.doc.id, pairs).await?;
            }
            if let Some(l) = &self.lexical {
                l.replace_doc(&p.doc.id, p.chunks)?;
            }
            let entry = DocEntry {
                doc_id: p.doc.id.clone(),
                version: p.doc.effective_version(),
                content_hash: p.hash,
                source: p.doc.source.clone(),
                source_hash: p.source_hash,
                indexed_at: Utc::now(),
                chunks: n,
                embedder_id: self.embedder.as_ref().map(|e| e.id().to_owned()),
            };
            self.registry_write()?.insert(p.doc.id.clone(), entry);
            report.chunks += n;
            if p.replaced {
                report.updated.push(p.doc.id);
            } else {
                report.added.push(p.doc.id);
            }
        }
        Ok(report)
    }

    async fn embed_chunks(&self, prepared: &[Prepared]) -> Result<Option<Vec<Vec<f32>>>> {
        let Some(e) = &self.embedder else {
            return Ok(None);
        };
        let texts: Vec<&str> = prepared
            .iter()
            .flat_map(|p| p.chunks.iter().map(|c| c.text.as_str()))
            .collect();
        let mut out = Vec::with_capacity(texts.len());
        for batch in texts.chunks(self.embed_batch) {
            let v = e.embed(batch).await?;
            if v.len() != batch.len() {
                return Err(RagError::backend(
                    e.id(),
                    format!("returned {} vectors for {} texts", v.len(), batch.len()),
                ));
            }
            out.extend(v);
        }
        Ok(Some(out))
    }

    /// Deletes a document; returns whether it was indexed.
    pub async fn delete(&self, doc_id: &str) -> Result<bool> {
        let _w = self.writer.lock().await;
        self.delete_locked(doc_id).await
    }

    async fn delete_locked(&self, doc_id: &str) -> Result<bool> {
        if let Some(v) = &self.vectors {
            v.store().delete_doc(doc_id).await?;
        }
        if let Some(l) = &self.lexical {
            l.delete_doc(doc_id)?;
        }
        Ok(self.registry_write()?.remove(doc_id).is_some())
    }

    /// Which documents are older than `ttl` (when given), changed at their source, or whose
    /// source is gone.
    pub fn freshness(&self, ttl: Option<Duration>) -> Result<FreshnessReport> {
        let now = Utc::now();
        let mut r = FreshnessReport::default();
        let mut file_hashes: HashMap<PathBuf, Option<String>> = HashMap::new();
        for e in self.registry_read()?.values() {
            r.checked += 1;
            if let Some(ttl) = ttl
                && let Ok(ttl) = chrono::Duration::from_std(ttl)
                && now - e.indexed_at > ttl
            {
                r.stale.push(e.doc_id.clone());
            }
            match &e.source {
                None => r.unsourced += 1,
                Some(s) => {
                    let now_hash = file_hashes
                        .entry(s.path.clone())
                        .or_insert_with(|| hash_file(&s.path));
                    match now_hash {
                        None => r.missing.push(e.doc_id.clone()),
                        Some(h) if Some(&*h) != e.source_hash.as_ref() => {
                            r.changed.push(e.doc_id.clone())
                        }
                        Some(_) => {}
                    }
                }
            }
        }
        Ok(r)
    }

    /// Re-reads the sources that changed, re-indexing only the documents whose content
    /// changed (the others keep their vectors), and deletes documents whose source file is
    /// gone or no longer holds them. Documents older than `ttl` are re-read too.
    pub async fn refresh(&self, opts: &LoadOptions, ttl: Option<Duration>) -> Result<IndexReport> {
        let fresh = self.freshness(ttl)?;
        let registry = self.documents()?;
        let mut files: BTreeMap<(PathBuf, Option<PathBuf>), Vec<String>> = BTreeMap::new();
        for e in &registry {
            if let Some(s) = &e.source
                && (fresh.changed.contains(&e.doc_id) || fresh.stale.contains(&e.doc_id))
            {
                files
                    .entry((s.path.clone(), s.root.clone()))
                    .or_default()
                    .push(e.doc_id.clone());
            }
        }
        let mut report = IndexReport::default();
        for id in &fresh.missing {
            if self.delete(id).await? {
                report.deleted.push(id.clone());
            }
        }
        for ((path, root), ids) in files {
            let docs = match root {
                Some(root) => load_file_in(root, &path, opts)?,
                None => load_file(&path, opts)?,
            };
            let gone: Vec<String> = ids
                .into_iter()
                .filter(|id| !docs.iter().any(|d| &d.id == id))
                .collect();
            merge(&mut report, self.upsert_all(docs).await?);
            for id in gone {
                if self.delete(&id).await? {
                    report.deleted.push(id);
                }
            }
        }
        Ok(report)
    }

    /// Makes the collection mirror `dir`: loads every file, indexes what is new or changed,
    /// and deletes documents that came from `dir` but are no longer there.
    pub async fn sync_dir(&self, dir: &Path, opts: &LoadOptions) -> Result<IndexReport> {
        let docs = load_dir(dir, opts)?;
        let ids: std::collections::HashSet<String> = docs.iter().map(|d| d.id.clone()).collect();
        let mut report = self.upsert_all(docs).await?;
        let stale: Vec<String> = self
            .documents()?
            .into_iter()
            .filter(|e| {
                e.source.as_ref().is_some_and(|s| s.path.starts_with(dir))
                    && !ids.contains(&e.doc_id)
            })
            .map(|e| e.doc_id)
            .collect();
        for id in stale {
            if self.delete(&id).await? {
                report.deleted.push(id);
            }
        }
        Ok(report)
    }

    /// The `k` nearest chunks to `query` by vector, visible to `scope` and matching
    /// `filter`'s conditions.
    pub async fn search_dense(
        &self,
        query: &str,
        k: usize,
        filter: &Filter,
    ) -> Result<Vec<Scored>> {
        let (Some(v), Some(e)) = (&self.vectors, &self.embedder) else {
            return Err(RagError::invalid(
                "dense search needs a collection with an embedder",
            ));
        };
        let q = e.embed(&[query]).await?;
        let q = q
            .into_iter()
            .next()
            .ok_or_else(|| RagError::backend(e.id(), "returned no vector for the query"))?;
        v.store().search(e.id(), &q, k, filter).await
    }

    /// The `k` best chunks for `query` by BM25, visible to `scope`.
    pub fn search_lexical(
        &self,
        query: &str,
        k: usize,
        scope: &AccessScope,
    ) -> Result<Vec<Scored>> {
        self.search_lexical_filtered(query, k, &Filter::scope(scope))
    }

    /// The `k` best chunks for `query` by BM25 passing `filter`.
    pub fn search_lexical_filtered(
        &self,
        query: &str,
        k: usize,
        filter: &Filter,
    ) -> Result<Vec<Scored>> {
        let Some(l) = &self.lexical else {
            return Err(RagError::invalid(
                "lexical search needs a collection with BM25 on",
            ));
        };
        l.search(query, k, filter)
    }

    /// Saves the collection to `dir`: `collection.json` (documents, versions, sources),
    /// `vectors.bin` (in-memory vectors; a shared store keeps its own) and `lexical.bin`.
    pub async fn save(&self, dir: &Path) -> Result<()> {
        let _w = self.writer.lock().await;
        std::fs::create_dir_all(dir)?;
        let manifest = Manifest {
            format: 1,
            chunker: self.chunker.name().to_owned(),
            embedder: self.embedder.as_ref().map(|e| e.id().to_owned()),
            documents: self.documents()?,
        };
        let json = serde_json::to_vec_pretty(&manifest)
            .map_err(|e| RagError::invalid(format!("manifest: {e}")))?;
        if let Some(Vectors::Memory(m)) = &self.vectors {
            m.save(&dir.join("vectors.bin"))?;
        }
        if let Some(l) = &self.lexical {
            l.save(&dir.join("lexical.bin"))?;
        }
        write_atomic(&dir.join("collection.json"), &json)
    }

    /// Opens a collection saved with [`save`](Self::save), configured by `builder` (the same
    /// chunker and embedder: a different embedder or chunker is refused, since the index
    /// would mix them).
    pub fn open(dir: &Path, builder: CollectionBuilder) -> Result<Collection> {
        let path = dir.join("collection.json");
        let bytes = std::fs::read(&path).map_err(|e| RagError::Persist {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let m: Manifest = serde_json::from_slice(&bytes).map_err(|e| RagError::Persist {
            path: path.clone(),
            message: e.to_string(),
        })?;
        let want = builder.embedder.as_ref().map(|e| e.id().to_owned());
        if m.embedder != want {
            return Err(RagError::EmbedderMismatch {
                expected: m.embedder.unwrap_or_else(|| "none".into()),
                got: want.unwrap_or_else(|| "none".into()),
            });
        }
        if m.chunker != builder.chunker.name() {
            return Err(RagError::invalid(format!(
                "{} was chunked with {} but the builder's chunker is {}",
                dir.display(),
                m.chunker,
                builder.chunker.name()
            )));
        }
        let has_memory_vectors = builder.embedder.is_some() && builder.store.is_none();
        let mut c = builder.build()?;
        if has_memory_vectors {
            c.vectors = Some(Vectors::Memory(Arc::new(MemoryStore::load(
                &dir.join("vectors.bin"),
            )?)));
        }
        if c.lexical.is_some() {
            c.lexical = Some(LexicalIndex::load(&dir.join("lexical.bin"))?);
        }
        *c.registry_write()? = m
            .documents
            .into_iter()
            .map(|d| (d.doc_id.clone(), d))
            .collect();
        Ok(c)
    }
}

#[derive(Serialize, Deserialize)]
struct Manifest {
    format: u32,
    chunker: String,
    embedder: Option<String>,
    documents: Vec<DocEntry>,
}

fn merge(into: &mut IndexReport, r: IndexReport) {
    into.added.extend(r.added);
    into.updated.extend(r.updated);
    into.unchanged += r.unchanged;
    into.deleted.extend(r.deleted);
    into.chunks += r.chunks;
    into.embedded += r.embedded;
}

/// SHA-256 of a file's bytes, `None` when it cannot be read.
fn hash_file(path: &Path) -> Option<String> {
    let bytes = std::fs::read(path).ok()?;
    Some(hex::encode(Sha256::digest(&bytes)))
}
