//! Serde for [`Bm25Index`]: the parameters, the term table and each slot's terms. Postings,
//! norms and statistics are rebuilt (and the input checked) on the way back in.

use std::collections::HashMap;

use serde::de::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{Bm25Index, Bm25Params, DocTerms, Posting, Terms};

/// Bumped when the layout changes.
const VERSION: u32 = 1;

#[derive(Serialize)]
struct SnapshotRef<'a> {
    version: u32,
    params: &'a Bm25Params,
    terms: &'a [String],
    docs: Vec<DocRef<'a>>,
}

#[derive(Serialize)]
struct DocRef<'a> {
    slot: u32,
    len: u32,
    terms: &'a [(u32, u32)],
}

#[derive(Deserialize)]
struct Snapshot {
    version: u32,
    params: Bm25Params,
    terms: Vec<String>,
    docs: Vec<DocOwned>,
}

#[derive(Deserialize)]
struct DocOwned {
    slot: u32,
    len: u32,
    terms: Vec<(u32, u32)>,
}

impl Serialize for Bm25Index {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let docs = self
            .docs
            .iter()
            .enumerate()
            .filter_map(|(slot, d)| {
                d.as_ref().map(|d| DocRef {
                    slot: slot as u32,
                    len: d.len,
                    terms: &d.terms,
                })
            })
            .collect();
        SnapshotRef {
            version: VERSION,
            params: &self.params,
            terms: &self.terms.text,
            docs,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for Bm25Index {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let snap = Snapshot::deserialize(d)?;
        rebuild(snap).map_err(D::Error::custom)
    }
}

fn rebuild(snap: Snapshot) -> Result<Bm25Index, String> {
    if snap.version != VERSION {
        return Err(format!(
            "bm25 index format {} (this build reads {VERSION})",
            snap.version
        ));
    }
    let n_terms = snap.terms.len();
    let mut idx = Bm25Index::new(snap.params);
    idx.terms.postings = vec![Vec::new(); n_terms];
    let mut prev: Option<u32> = None;
    for doc in snap.docs {
        if prev.is_some_and(|p| p >= doc.slot) {
            return Err(format!("bm25 index: slot {} out of order", doc.slot));
        }
        prev = Some(doc.slot);
        let mut sum = 0u64;
        let mut last: Option<u32> = None;
        for &(t, tf) in &doc.terms {
            if last.is_some_and(|l| l >= t) || tf == 0 {
                return Err(format!("bm25 index: slot {}: bad term list", doc.slot));
            }
            last = Some(t);
            sum += u64::from(tf);
            let list = idx
                .terms
                .postings
                .get_mut(t as usize)
                .filter(|_| snap.terms.get(t as usize).is_some_and(|s| !s.is_empty()))
                .ok_or_else(|| format!("bm25 index: slot {}: unknown term id {t}", doc.slot))?;
            list.push(Posting { slot: doc.slot, tf });
        }
        if sum != u64::from(doc.len) {
            return Err(format!(
                "bm25 index: slot {}: length {} but {sum} terms",
                doc.slot, doc.len
            ));
        }
        let i = doc.slot as usize;
        if idx.docs.len() <= i {
            idx.docs.resize(i + 1, None);
            idx.norm_len.resize(i + 1, 0.0);
        }
        if let Some(n) = idx.norm_len.get_mut(i) {
            *n = idx.params.norm_len(doc.len);
        }
        if let Some(d) = idx.docs.get_mut(i) {
            *d = Some(DocTerms {
                len: doc.len,
                terms: doc.terms.into_boxed_slice(),
            });
        }
        idx.live += 1;
        if doc.len > 0 {
            idx.docs_with_terms += 1;
            idx.total_len += u64::from(doc.len);
        }
    }
    let mut ids = HashMap::with_capacity(n_terms);
    let mut text = snap.terms;
    let mut free = Vec::new();
    for (id, (t, postings)) in text.iter_mut().zip(&idx.terms.postings).enumerate() {
        if postings.is_empty() {
            t.clear();
            free.push(id as u32);
        } else if ids.insert(t.clone(), id as u32).is_some() {
            return Err(format!("bm25 index: term {t:?} twice"));
        }
    }
    free.reverse();
    idx.terms = Terms {
        ids,
        text,
        postings: std::mem::take(&mut idx.terms.postings),
        free,
    };
    Ok(idx)
}
