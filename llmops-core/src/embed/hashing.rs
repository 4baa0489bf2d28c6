//! [`HashingEmbedder`]: feature hashing of words and character trigrams. Deterministic across
//! runs, platforms and versions, needs no model, and is **not semantic**: "car" and
//! "automobile" share nothing. Use it for tests, demos and as a lexical baseline.

use super::Embedder;
use crate::Result;

/// Feature-hashing embedder (FNV-1a over lower-cased words and character trigrams, signed
/// buckets, L2-normalised). Texts sharing words get a high cosine similarity; paraphrases with
/// other words do not.
///
/// ```
/// use llmops_core::{Embedder, HashingEmbedder};
/// # tokio::runtime::Runtime::new().unwrap().block_on(async {
/// let e = HashingEmbedder::new(256);
/// let v = e.embed(&["the cat sat", "the cat sat down", "quantum flux"]).await.unwrap();
/// let cos = |a: &[f32], b: &[f32]| a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>();
/// assert!(cos(&v[0], &v[1]) > cos(&v[0], &v[2]));
/// # });
/// ```
#[derive(Debug, Clone)]
pub struct HashingEmbedder {
    dims: usize,
    id: String,
}

impl HashingEmbedder {
    /// An embedder with `dims` dimensions (at least 1).
    pub fn new(dims: usize) -> Self {
        let dims = dims.max(1);
        HashingEmbedder {
            dims,
            id: format!("hashing-v1-{dims}"),
        }
    }

    /// Embeds one text synchronously.
    pub fn embed_one(&self, text: &str) -> Vec<f32> {
        let mut v = vec![0f32; self.dims];
        let lower = text.to_lowercase();
        let mut add = |feature: &[u8], weight: f32| {
            let h = fnv1a(feature);
            let idx = (h % self.dims as u64) as usize;
            let sign = if (h >> 63) == 0 { 1.0 } else { -1.0 };
            if let Some(slot) = v.get_mut(idx) {
                *slot += sign * weight;
            }
        };
        for word in lower
            .split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
        {
            add(word.as_bytes(), 1.0);
            let chars: Vec<char> = format!(" {word} ").chars().collect();
            for tri in chars.windows(3) {
                let s: String = tri.iter().collect();
                add(s.as_bytes(), 0.5);
            }
        }
        let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm > 0.0 {
            v.iter_mut().for_each(|x| *x /= norm);
        }
        v
    }
}

fn fnv1a(bytes: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in bytes {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

#[async_trait::async_trait]
impl Embedder for HashingEmbedder {
    fn id(&self) -> &str {
        &self.id
    }
    fn dims(&self) -> usize {
        self.dims
    }
    async fn embed(&self, texts: &[&str]) -> Result<Vec<Vec<f32>>> {
        Ok(texts.iter().map(|t| self.embed_one(t)).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_normalised() {
        let e = HashingEmbedder::new(64);
        let a = e.embed_one("Hello, world");
        assert_eq!(a, e.embed_one("hello world"));
        let n: f32 = a.iter().map(|x| x * x).sum();
        assert!((n - 1.0).abs() < 1e-5);
        assert!(e.embed_one("").iter().all(|x| *x == 0.0));
        // pinned value: a change of hashing breaks stored vectors
        assert_eq!(fnv1a(b"a"), 0xaf63_dc4c_8601_ec8c);
    }
}
