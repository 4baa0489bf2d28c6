//! [`Slots`]: chunk records by dense `u32` slot, with reuse of freed slots and the slots of
//! each document. The in-memory vector store and the lexical index both keep their chunks
//! here, so the indexes can work on small integers.

use std::collections::HashMap;

use crate::store::ChunkRecord;
use crate::{RagError, Result};

/// Chunk records by slot. See the [module docs](self).
#[derive(Debug, Clone, Default)]
pub(crate) struct Slots {
    records: Vec<Option<ChunkRecord>>,
    free: Vec<u32>,
    by_doc: HashMap<String, Vec<u32>>,
    len: usize,
}

impl Slots {
    /// The record in `slot`.
    pub(crate) fn get(&self, slot: u32) -> Option<&ChunkRecord> {
        self.records.get(slot as usize).and_then(Option::as_ref)
    }

    /// Stores `record`, returning its slot.
    pub(crate) fn insert(&mut self, record: ChunkRecord) -> Result<u32> {
        let doc = record.doc_id.clone();
        let slot = match self.free.pop() {
            Some(s) => {
                if let Some(place) = self.records.get_mut(s as usize) {
                    *place = Some(record);
                }
                s
            }
            None => {
                let s = u32::try_from(self.records.len()).map_err(|_| {
                    RagError::invalid("an in-memory index holds at most 2^32 chunks")
                })?;
                self.records.push(Some(record));
                s
            }
        };
        self.by_doc.entry(doc).or_default().push(slot);
        self.len += 1;
        Ok(slot)
    }

    /// Frees every slot of `doc_id`, returning them.
    pub(crate) fn remove_doc(&mut self, doc_id: &str) -> Vec<u32> {
        let slots = self.by_doc.remove(doc_id).unwrap_or_default();
        for s in &slots {
            if let Some(place) = self.records.get_mut(*s as usize)
                && place.take().is_some()
            {
                self.len -= 1;
                self.free.push(*s);
            }
        }
        slots
    }

    /// Replaces the contents with `records` at exactly these slots (holes become free).
    pub(crate) fn restore(&mut self, records: Vec<Option<ChunkRecord>>) -> Result<()> {
        u32::try_from(records.len())
            .map_err(|_| RagError::invalid("an in-memory index holds at most 2^32 chunks"))?;
        *self = Slots::default();
        for (i, r) in records.iter().enumerate() {
            match r {
                Some(r) => {
                    self.by_doc
                        .entry(r.doc_id.clone())
                        .or_default()
                        .push(i as u32);
                    self.len += 1;
                }
                None => self.free.push(i as u32),
            }
        }
        self.records = records;
        Ok(())
    }

    /// The number of records.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Every (slot, record), in slot order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &ChunkRecord)> {
        self.records
            .iter()
            .enumerate()
            .filter_map(|(i, r)| r.as_ref().map(|r| (i as u32, r)))
    }

    /// The documents and their chunk counts.
    pub(crate) fn docs(&self) -> impl Iterator<Item = (&str, usize)> {
        self.by_doc.iter().map(|(d, s)| (d.as_str(), s.len()))
    }

    /// The slots of `doc_id`.
    pub(crate) fn doc_slots(&self, doc_id: &str) -> &[u32] {
        self.by_doc.get(doc_id).map(Vec::as_slice).unwrap_or(&[])
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn slots_are_reused_and_docs_tracked() {
        let mut s = Slots::default();
        let r = |id: &str, doc: &str| ChunkRecord::new(id, doc, "v", "t", (0, 1));
        let a = s.insert(r("a#0", "a")).unwrap();
        let b = s.insert(r("b#0", "b")).unwrap();
        s.insert(r("a#1", "a")).unwrap();
        assert_eq!(s.len(), 3);
        assert_eq!(s.remove_doc("a").len(), 2);
        assert_eq!(s.len(), 1);
        assert!(s.get(a).is_none());
        assert_eq!(s.get(b).unwrap().id, "b#0");
        let c = s.insert(r("c#0", "c")).unwrap();
        assert!(c != b && c <= 2, "a freed slot is reused");
        assert!(s.remove_doc("missing").is_empty());
        assert_eq!(s.doc_slots("c"), [c]);
    }
}
