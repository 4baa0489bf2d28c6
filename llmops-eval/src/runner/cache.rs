//! [`OutputCache`]: the target's outputs (and, optionally, judge scores) on disk, so a rerun of
//! an unchanged suite costs nothing.
//!
//! An output is keyed by the sha256 of what decides it: the target id, the case id and the
//! case's inputs (vars, messages, context) and the repeat index; the expected output, tags and
//! assertions are not part of the key, so editing an assertion re-scores the stored outputs
//! without calling the target again. (The case id is part of the key because a target may
//! answer by id, as [`StaticOutputs`](crate::targets::StaticOutputs) does: a renamed case
//! runs once more.)
//!
//! A judge score is keyed by the assertion as written, the whole case and the output; only
//! scores that spent tokens (a model was called) are stored, deterministic ones are cheaper
//! to recompute than to read.
//!
//! Entries are JSON files under `dir/<2 hex>/<64 hex>.json`, written to a temporary file and
//! renamed, so a crash never leaves half an entry. An entry that cannot be read or parsed,
//! or that names another key, is a miss, counted in [`CacheStats::corrupt`] and overwritten;
//! it never fails the run.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use llmops_core::{EvalCase, EvalOutput, Score};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::{AssertionSpec, EvalError, Result};

/// Format version of the entries (part of every key: a new format starts a new cache).
const CACHE_VERSION: u32 = 1;

/// What the cache did during a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CacheStats {
    /// Outputs served from the cache.
    pub hits: u64,
    /// Outputs not found.
    pub misses: u64,
    /// Entries that could not be read or parsed (treated as misses).
    pub corrupt: u64,
    /// Entries written.
    pub writes: u64,
    /// Entries that could not be written (the run goes on; the next run pays again).
    pub write_errors: u64,
    /// Judge scores served from the cache.
    pub score_hits: u64,
    /// Judge scores looked up and not found.
    pub score_misses: u64,
}

#[derive(Debug, Default)]
struct Counters {
    hits: AtomicU64,
    misses: AtomicU64,
    corrupt: AtomicU64,
    writes: AtomicU64,
    write_errors: AtomicU64,
    score_hits: AtomicU64,
    score_misses: AtomicU64,
    tmp: AtomicU64,
}

/// The on-disk output cache. Cheap to clone (clones share counters).
///
/// ```
/// use llmops_core::{EvalCase, EvalOutput};
/// use llmops_eval::runner::OutputCache;
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let dir = tempfile::tempdir().unwrap();
/// let cache = OutputCache::open(dir.path()).unwrap();
/// let case = EvalCase::default();
/// assert!(cache.get_output("t", &case, 0).await.is_none());
/// cache.put_output("t", &case, 0, &EvalOutput::text("hi")).await;
/// assert_eq!(cache.get_output("t", &case, 0).await.unwrap().text, "hi");
/// assert!(cache.get_output("t", &case, 1).await.is_none(), "each repeat has its own entry");
/// assert_eq!(cache.stats().hits, 1);
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct OutputCache {
    dir: PathBuf,
    scores: bool,
    n: Arc<Counters>,
}

#[derive(Serialize)]
struct OutputKey<'a> {
    v: u32,
    kind: &'static str,
    target: &'a str,
    case: &'a str,
    vars: &'a std::collections::BTreeMap<String, serde_json::Value>,
    messages: &'a [llmops_core::Message],
    context: &'a [String],
    repeat: u32,
}

#[derive(Serialize)]
struct ScoreKey<'a> {
    v: u32,
    kind: &'static str,
    spec: &'a AssertionSpec,
    case: &'a EvalCase,
    output: &'a EvalOutput,
}

#[derive(Serialize, Deserialize)]
struct Entry<T> {
    key: String,
    value: T,
}

impl OutputCache {
    /// Opens (creating) a cache directory.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self> {
        let dir = dir.as_ref().to_path_buf();
        std::fs::create_dir_all(&dir).map_err(|e| EvalError::io(&dir, e))?;
        Ok(OutputCache {
            dir,
            scores: false,
            n: Arc::new(Counters::default()),
        })
    }

    /// Also caches judge scores (scores that spent tokens), so a rerun makes no judge call.
    #[must_use]
    pub fn with_scores(mut self, on: bool) -> Self {
        self.scores = on;
        self
    }

    /// Whether judge scores are cached.
    pub fn caches_scores(&self) -> bool {
        self.scores
    }

    /// The directory.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The counters so far.
    pub fn stats(&self) -> CacheStats {
        let l = |a: &AtomicU64| a.load(Ordering::Relaxed);
        CacheStats {
            hits: l(&self.n.hits),
            misses: l(&self.n.misses),
            corrupt: l(&self.n.corrupt),
            writes: l(&self.n.writes),
            write_errors: l(&self.n.write_errors),
            score_hits: l(&self.n.score_hits),
            score_misses: l(&self.n.score_misses),
        }
    }

    /// The key of an output: sha256 (hex) of the target id, the case's id and inputs, and
    /// the repeat index.
    pub fn output_key(target: &str, case: &EvalCase, repeat: u32) -> String {
        hash(&OutputKey {
            v: CACHE_VERSION,
            kind: "output",
            target,
            case: &case.id,
            vars: &case.vars,
            messages: &case.messages,
            context: &case.context,
            repeat,
        })
    }

    /// The key of a score: sha256 (hex) of the assertion as written, the case and the output.
    pub fn score_key(spec: &AssertionSpec, case: &EvalCase, output: &EvalOutput) -> String {
        hash(&ScoreKey {
            v: CACHE_VERSION,
            kind: "score",
            spec,
            case,
            output,
        })
    }

    /// The stored output, if any (a corrupt entry is a counted miss).
    pub async fn get_output(
        &self,
        target: &str,
        case: &EvalCase,
        repeat: u32,
    ) -> Option<EvalOutput> {
        let key = Self::output_key(target, case, repeat);
        let got = self.read::<EvalOutput>(&key).await;
        let c = if got.is_some() {
            &self.n.hits
        } else {
            &self.n.misses
        };
        c.fetch_add(1, Ordering::Relaxed);
        got
    }

    /// Stores an output (a failure to write is counted, not raised).
    pub async fn put_output(&self, target: &str, case: &EvalCase, repeat: u32, out: &EvalOutput) {
        let key = Self::output_key(target, case, repeat);
        self.write(&key, out).await;
    }

    /// The stored score of an assertion on an output, when score caching is on. Its cost and
    /// usage are zero: serving it cost nothing.
    pub async fn get_score(
        &self,
        spec: &AssertionSpec,
        case: &EvalCase,
        out: &EvalOutput,
    ) -> Option<Score> {
        if !self.scores {
            return None;
        }
        let key = Self::score_key(spec, case, out);
        match self.read::<Score>(&key).await {
            Some(mut s) => {
                self.n.score_hits.fetch_add(1, Ordering::Relaxed);
                s.cost = llmops_core::Cost::Known(llmops_core::Money::zero());
                s.usage = llmops_core::Usage::default();
                Some(s)
            }
            None => {
                self.n.score_misses.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    /// Stores a score when score caching is on and the score spent tokens.
    pub async fn put_score(
        &self,
        spec: &AssertionSpec,
        case: &EvalCase,
        out: &EvalOutput,
        score: &Score,
    ) {
        if !self.scores || score.usage.is_zero() {
            return;
        }
        let key = Self::score_key(spec, case, out);
        self.write(&key, score).await;
    }

    fn path(&self, key: &str) -> PathBuf {
        let fan = key.get(..2).unwrap_or("00");
        self.dir.join(fan).join(format!("{key}.json"))
    }

    async fn read<T: serde::de::DeserializeOwned>(&self, key: &str) -> Option<T> {
        let path = self.path(key);
        let bytes = match tokio::fs::read(&path).await {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return None,
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "eval cache entry unreadable");
                self.n.corrupt.fetch_add(1, Ordering::Relaxed);
                return None;
            }
        };
        match serde_json::from_slice::<Entry<T>>(&bytes) {
            Ok(entry) if entry.key == key => Some(entry.value),
            Ok(_) => {
                tracing::warn!(path = %path.display(), "eval cache entry holds another key");
                self.n.corrupt.fetch_add(1, Ordering::Relaxed);
                None
            }
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "eval cache entry corrupt");
                self.n.corrupt.fetch_add(1, Ordering::Relaxed);
                None
            }
        }
    }

    async fn write<T: Serialize>(&self, key: &str, value: &T) {
        let path = self.path(key);
        let res = async {
            let bytes = serde_json::to_vec(&Entry {
                key: key.to_owned(),
                value,
            })
            .map_err(std::io::Error::other)?;
            if let Some(parent) = path.parent() {
                tokio::fs::create_dir_all(parent).await?;
            }
            let n = self.n.tmp.fetch_add(1, Ordering::Relaxed);
            let tmp = path.with_extension(format!("tmp.{}.{n}", std::process::id()));
            tokio::fs::write(&tmp, &bytes).await?;
            if let Err(e) = tokio::fs::rename(&tmp, &path).await {
                let _ = tokio::fs::remove_file(&tmp).await;
                return Err(e);
            }
            Ok::<(), std::io::Error>(())
        }
        .await;
        match res {
            Ok(()) => {
                self.n.writes.fetch_add(1, Ordering::Relaxed);
            }
            Err(e) => {
                tracing::warn!(path = %path.display(), error = %e, "eval cache write failed");
                self.n.write_errors.fetch_add(1, Ordering::Relaxed);
            }
        }
    }
}

fn hash<T: Serialize>(v: &T) -> String {
    // serde_json of structs and BTreeMaps is deterministic (field order, sorted keys).
    let bytes = serde_json::to_vec(v).unwrap_or_default();
    hex::encode(Sha256::digest(&bytes))
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn corrupt_and_foreign_entries_are_counted_misses() {
        let dir = tempfile::tempdir().unwrap();
        let cache = OutputCache::open(dir.path()).unwrap();
        let case = EvalCase::default();
        cache
            .put_output("t", &case, 0, &EvalOutput::text("x"))
            .await;
        let key = OutputCache::output_key("t", &case, 0);
        let path = cache.path(&key);
        std::fs::write(&path, b"{not json").unwrap();
        assert!(cache.get_output("t", &case, 0).await.is_none());
        // an entry copied under another name
        let other = OutputCache::output_key("t", &case, 1);
        cache
            .put_output("t", &case, 1, &EvalOutput::text("y"))
            .await;
        std::fs::copy(cache.path(&other), &path).unwrap();
        assert!(cache.get_output("t", &case, 0).await.is_none());
        let s = cache.stats();
        assert_eq!((s.corrupt, s.misses, s.hits, s.writes), (2, 2, 0, 2));
    }

    #[test]
    fn keys_ignore_expected_and_tags_but_not_inputs() {
        let mut a = EvalCase::default();
        a.id = "c".into();
        let mut b = a.clone();
        b.expected = Some("x".into());
        b.tags.push("t".into());
        assert_eq!(
            OutputCache::output_key("t", &a, 0),
            OutputCache::output_key("t", &b, 0)
        );
        b.vars.insert("q".into(), "v".into());
        assert_ne!(
            OutputCache::output_key("t", &a, 0),
            OutputCache::output_key("t", &b, 0)
        );
        assert_ne!(
            OutputCache::output_key("t", &a, 0),
            OutputCache::output_key("u", &a, 0)
        );
    }
}
