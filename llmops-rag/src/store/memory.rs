//! [`MemoryStore`]: the embedded vector store, an exact or HNSW index in memory, saved to
//! and loaded from one file.

use std::path::Path;
use std::sync::RwLock;

use serde::{Deserialize, Serialize};

use crate::filter::Filter;
use crate::index::{ExactIndex, HnswIndex, HnswParams, VectorIndex};
use crate::store::persist::{PersistedChunk, check_format, read_postcard, write_postcard};
use crate::store::slots::Slots;
use crate::store::{ChunkRecord, DocState, Metric, Scored, VectorStore};
use crate::{RagError, Result};

/// Which index a [`MemoryStore`] searches with.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "lowercase")]
#[non_exhaustive]
pub enum IndexKind {
    /// Brute force: exact, best below ~50k vectors.
    Exact,
    /// HNSW: approximate, sub-millisecond at 100k+ vectors.
    Hnsw(HnswParams),
}

impl IndexKind {
    fn make(&self, dims: usize, metric: Metric) -> Result<Box<dyn VectorIndex>> {
        Ok(match self {
            IndexKind::Exact => Box::new(ExactIndex::new(dims, metric)),
            IndexKind::Hnsw(p) => Box::new(HnswIndex::with_params(dims, metric, p.clone())?),
        })
    }
}

struct Inner {
    embedder_id: Option<String>,
    index: Box<dyn VectorIndex>,
    slots: Slots,
}

/// The embedded [`VectorStore`]. Cheap reads in parallel; a write locks it briefly.
///
/// ```
/// use llmops_core::AccessScope;
/// use llmops_rag::{ChunkRecord, Filter, MemoryStore, Metric, VectorStore};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let store = MemoryStore::exact(2, Metric::Cosine)?;
/// let c = ChunkRecord::new("d#0", "d", "v1", "hello", (0, 5));
/// store.replace_doc("my-embedder", "d", vec![(c, vec![1.0, 0.0])]).await?;
/// let hits = store.search("my-embedder", &[1.0, 0.1], 5, &Filter::scope(&AccessScope::default())).await?;
/// assert_eq!(hits[0].chunk.id, "d#0");
/// assert!(store.search("other-model", &[1.0, 0.0], 5, &Filter::default()).await.is_err());
/// # Ok::<(), llmops_rag::RagError>(())
/// # }).unwrap();
/// ```
pub struct MemoryStore {
    name: String,
    kind: IndexKind,
    dims: usize,
    metric: Metric,
    inner: RwLock<Inner>,
}

impl std::fmt::Debug for MemoryStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("MemoryStore")
            .field("name", &self.name)
            .field("dims", &self.dims)
            .field("metric", &self.metric)
            .finish_non_exhaustive()
    }
}

/// The file format: a header and the chunks with their vectors. Metadata is JSON text
/// (postcard is not self-describing).
#[derive(Serialize, Deserialize)]
struct Persisted {
    format: u32,
    kind: String,
    dims: usize,
    metric: Metric,
    embedder_id: Option<String>,
    chunks: Vec<PersistedChunk>,
}

const FORMAT: u32 = 1;

impl MemoryStore {
    /// A store with an exact (brute-force) index.
    pub fn exact(dims: usize, metric: Metric) -> Result<Self> {
        Self::new(IndexKind::Exact, dims, metric)
    }

    /// A store with an HNSW index.
    pub fn hnsw(dims: usize, metric: Metric, params: HnswParams) -> Result<Self> {
        Self::new(IndexKind::Hnsw(params), dims, metric)
    }

    /// A store with the given index.
    pub fn new(kind: IndexKind, dims: usize, metric: Metric) -> Result<Self> {
        let index = kind.make(dims, metric)?;
        let name = format!("memory-{}", index.name());
        Ok(MemoryStore {
            name,
            kind,
            dims,
            metric,
            inner: RwLock::new(Inner {
                embedder_id: None,
                index,
                slots: Slots::default(),
            }),
        })
    }

    /// Vector length.
    pub fn dims(&self) -> usize {
        self.dims
    }

    fn read(&self) -> Result<std::sync::RwLockReadGuard<'_, Inner>> {
        self.inner
            .read()
            .map_err(|_| RagError::backend("memory store", "lock poisoned by a panic"))
    }

    fn write(&self) -> Result<std::sync::RwLockWriteGuard<'_, Inner>> {
        self.inner
            .write()
            .map_err(|_| RagError::backend("memory store", "lock poisoned by a panic"))
    }

    fn check_embedder(inner: &Inner, embedder_id: &str) -> Result<()> {
        match &inner.embedder_id {
            Some(e) if e != embedder_id => Err(RagError::EmbedderMismatch {
                expected: e.clone(),
                got: embedder_id.to_owned(),
            }),
            _ => Ok(()),
        }
    }

    /// Writes the store to `path` (atomically: a temporary file renamed over it).
    pub fn save(&self, path: &Path) -> Result<()> {
        let inner = self.read()?;
        let mut chunks = Vec::with_capacity(inner.slots.len());
        for (slot, c) in inner.slots.iter() {
            let v = inner
                .index
                .vector(slot)
                .map(<[f32]>::to_vec)
                .ok_or_else(|| {
                    RagError::backend("memory store", format!("chunk {} has no vector", c.id))
                })?;
            chunks.push(PersistedChunk::new(c, v)?);
        }
        let p = Persisted {
            format: FORMAT,
            kind: serde_json::to_string(&self.kind)
                .map_err(|e| RagError::invalid(e.to_string()))?,
            dims: self.dims,
            metric: self.metric,
            embedder_id: inner.embedder_id.clone(),
            chunks,
        };
        drop(inner);
        write_postcard(path, &p)
    }

    /// Reads a store written by [`save`](Self::save), rebuilding its index.
    pub fn load(path: &Path) -> Result<Self> {
        let p: Persisted = read_postcard(path, "vector store")?;
        check_format(path, p.format, FORMAT)?;
        let kind: IndexKind = serde_json::from_str(&p.kind).map_err(|e| RagError::Persist {
            path: path.to_owned(),
            message: format!("index kind: {e}"),
        })?;
        let store = MemoryStore::new(kind, p.dims, p.metric)?;
        {
            let mut inner = store.write()?;
            inner.embedder_id = p.embedder_id;
            for pc in p.chunks {
                let (c, v) = pc.into_parts()?;
                let slot = inner.slots.insert(c)?;
                inner.index.insert(slot, &v)?;
            }
        }
        Ok(store)
    }
}

#[async_trait::async_trait]
impl VectorStore for MemoryStore {
    fn name(&self) -> &str {
        &self.name
    }

    async fn embedder_id(&self) -> Result<Option<String>> {
        Ok(self.read()?.embedder_id.clone())
    }

    async fn replace_doc(
        &self,
        embedder_id: &str,
        doc_id: &str,
        chunks: Vec<(ChunkRecord, Vec<f32>)>,
    ) -> Result<()> {
        if let Some((c, _)) = chunks.iter().find(|(c, _)| c.doc_id != doc_id) {
            return Err(RagError::invalid(format!(
                "chunk {} belongs to {} not {doc_id}",
                c.id, c.doc_id
            )));
        }
        if let Some((_, v)) = chunks.iter().find(|(_, v)| v.len() != self.dims) {
            return Err(RagError::Dimensions {
                expected: self.dims,
                got: v.len(),
            });
        }
        let mut inner = self.write()?;
        Self::check_embedder(&inner, embedder_id)?;
        // Validate every vector before changing anything (all or nothing).
        let mut probe = ExactIndex::new(self.dims, self.metric);
        for (i, (_, v)) in chunks.iter().enumerate() {
            probe.insert(i as u32, v)?;
            probe.remove(i as u32);
        }
        for slot in inner.slots.remove_doc(doc_id) {
            inner.index.remove(slot);
        }
        if !chunks.is_empty() {
            inner.embedder_id = Some(embedder_id.to_owned());
        }
        for (c, v) in chunks {
            let slot = inner.slots.insert(c)?;
            inner.index.insert(slot, &v)?;
        }
        Ok(())
    }

    async fn delete_doc(&self, doc_id: &str) -> Result<usize> {
        let mut inner = self.write()?;
        let slots = inner.slots.remove_doc(doc_id);
        for s in &slots {
            inner.index.remove(*s);
        }
        Ok(slots.len())
    }

    async fn search(
        &self,
        embedder_id: &str,
        vector: &[f32],
        k: usize,
        filter: &Filter,
    ) -> Result<Vec<Scored>> {
        let inner = self.read()?;
        Self::check_embedder(&inner, embedder_id)?;
        if vector.len() != self.dims {
            return Err(RagError::Dimensions {
                expected: self.dims,
                got: vector.len(),
            });
        }
        let slots = &inner.slots;
        let allow = |slot: u32| slots.get(slot).is_some_and(|c| filter.matches(c));
        let hits = inner.index.search(vector, k, &allow)?;
        Ok(hits
            .into_iter()
            .filter_map(|(slot, score)| slots.get(slot).map(|c| Scored::new(c.clone(), score)))
            .collect())
    }

    async fn documents(&self) -> Result<Vec<DocState>> {
        let inner = self.read()?;
        let mut out: Vec<DocState> = inner
            .slots
            .docs()
            .filter_map(|(doc, n)| {
                let version = inner
                    .slots
                    .doc_slots(doc)
                    .first()
                    .and_then(|s| inner.slots.get(*s))
                    .map(|c| c.doc_version.clone())?;
                Some(DocState {
                    doc_id: doc.to_owned(),
                    version,
                    chunks: n,
                })
            })
            .collect();
        out.sort_by(|a, b| a.doc_id.cmp(&b.doc_id));
        Ok(out)
    }

    async fn len(&self) -> Result<usize> {
        Ok(self.read()?.slots.len())
    }
}
