//! [`LexicalIndex`]: chunks in a BM25 index, with the same filters and document-level writes
//! as a vector store.

use std::path::Path;
use std::sync::RwLock;

use serde::{Deserialize, Serialize};

use crate::filter::Filter;
use crate::index::{Bm25Index, Bm25Params};
use crate::store::persist::{PersistedChunk, check_format, read_postcard, write_postcard};
use crate::store::slots::Slots;
use crate::store::{ChunkRecord, Scored};
use crate::{RagError, Result};

struct Inner {
    bm25: Bm25Index,
    slots: Slots,
}

/// Chunks in a BM25 index. Filters and access labels apply inside the search.
///
/// ```
/// use llmops_core::AccessScope;
/// use llmops_rag::{ChunkRecord, Filter, LexicalIndex};
/// let ix = LexicalIndex::new(Default::default());
/// ix.replace_doc("d", vec![ChunkRecord::new("d#0", "d", "v1", "refunds take five days", (0, 23))])?;
/// let hits = ix.search("refund", 3, &Filter::scope(&AccessScope::default()))?;
/// assert_eq!(hits[0].chunk.id, "d#0");
/// # Ok::<(), llmops_rag::RagError>(())
/// ```
pub struct LexicalIndex {
    inner: RwLock<Inner>,
}

impl std::fmt::Debug for LexicalIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LexicalIndex").finish_non_exhaustive()
    }
}

#[derive(Serialize, Deserialize)]
struct Persisted {
    format: u32,
    bm25: Bm25Index,
    // slot order matters: the BM25 postings refer to slots
    chunks: Vec<(u32, PersistedChunk)>,
}

const FORMAT: u32 = 1;

impl LexicalIndex {
    /// An empty index.
    pub fn new(params: Bm25Params) -> Self {
        LexicalIndex {
            inner: RwLock::new(Inner {
                bm25: Bm25Index::new(params),
                slots: Slots::default(),
            }),
        }
    }

    fn read(&self) -> Result<std::sync::RwLockReadGuard<'_, Inner>> {
        self.inner
            .read()
            .map_err(|_| RagError::backend("lexical index", "lock poisoned by a panic"))
    }

    fn write(&self) -> Result<std::sync::RwLockWriteGuard<'_, Inner>> {
        self.inner
            .write()
            .map_err(|_| RagError::backend("lexical index", "lock poisoned by a panic"))
    }

    /// Replaces every chunk of `doc_id` (an empty list deletes it).
    pub fn replace_doc(&self, doc_id: &str, chunks: Vec<ChunkRecord>) -> Result<()> {
        if let Some(c) = chunks.iter().find(|c| c.doc_id != doc_id) {
            return Err(RagError::invalid(format!(
                "chunk {} belongs to {} not {doc_id}",
                c.id, c.doc_id
            )));
        }
        let mut inner = self.write()?;
        for slot in inner.slots.remove_doc(doc_id) {
            inner.bm25.remove(slot);
        }
        for c in chunks {
            let text = c.text.clone();
            let slot = inner.slots.insert(c)?;
            inner.bm25.insert(slot, &text);
        }
        Ok(())
    }

    /// Deletes a document's chunks; returns how many there were.
    pub fn delete_doc(&self, doc_id: &str) -> Result<usize> {
        let mut inner = self.write()?;
        let slots = inner.slots.remove_doc(doc_id);
        for s in &slots {
            inner.bm25.remove(*s);
        }
        Ok(slots.len())
    }

    /// The `k` best chunks for `query` passing `filter`, best first (BM25 scores).
    pub fn search(&self, query: &str, k: usize, filter: &Filter) -> Result<Vec<Scored>> {
        let inner = self.read()?;
        let slots = &inner.slots;
        let allow = |slot: u32| slots.get(slot).is_some_and(|c| filter.matches(c));
        Ok(inner
            .bm25
            .search(query, k, &allow)
            .into_iter()
            .filter_map(|(slot, score)| slots.get(slot).map(|c| Scored::new(c.clone(), score)))
            .collect())
    }

    /// The number of chunks.
    pub fn len(&self) -> Result<usize> {
        Ok(self.read()?.slots.len())
    }

    /// Whether it holds no chunk.
    pub fn is_empty(&self) -> Result<bool> {
        Ok(self.len()? == 0)
    }

    /// Writes the index to `path` (atomically).
    pub fn save(&self, path: &Path) -> Result<()> {
        let inner = self.read()?;
        let chunks = inner
            .slots
            .iter()
            .map(|(s, c)| PersistedChunk::new(c, Vec::new()).map(|p| (s, p)))
            .collect::<Result<Vec<_>>>()?;
        let p = Persisted {
            format: FORMAT,
            bm25: inner.bm25.clone(),
            chunks,
        };
        drop(inner);
        write_postcard(path, &p)
    }

    /// Reads an index written by [`save`](Self::save).
    pub fn load(path: &Path) -> Result<Self> {
        let p: Persisted = read_postcard(path, "lexical index")?;
        check_format(path, p.format, FORMAT)?;
        // Re-insert in slot order so each chunk gets back the slot its postings name.
        let mut slots = Slots::default();
        let mut chunks = p.chunks;
        chunks.sort_by_key(|(s, _)| *s);
        let max = chunks.last().map(|(s, _)| *s + 1).unwrap_or(0);
        let mut by_slot: Vec<Option<ChunkRecord>> = vec![None; max as usize];
        for (s, pc) in chunks {
            let (c, _) = pc.into_parts()?;
            if let Some(place) = by_slot.get_mut(s as usize) {
                *place = Some(c);
            }
        }
        slots.restore(by_slot)?;
        Ok(LexicalIndex {
            inner: RwLock::new(Inner {
                bm25: p.bm25,
                slots,
            }),
        })
    }
}
