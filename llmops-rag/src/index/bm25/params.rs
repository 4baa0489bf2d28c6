//! [`Bm25Params`]: the scoring variant, `k1`, `b`, `δ`, document-length encoding and analyzer.

use serde::{Deserialize, Serialize};

use super::analyzer::Analyzer;
use crate::{RagError, Result};

/// The BM25 variant: how idf and the term-frequency component are computed.
///
/// With `N` documents, `df` documents holding the term, `tf` its count in the document, `dl`
/// the document's length and `avgdl` the mean length, `L = 1 − b + b·dl/avgdl`:
///
/// | method | idf | term-frequency component |
/// |---|---|---|
/// | `Lucene` (default) | `ln(1 + (N − df + 0.5)/(df + 0.5))` | `tf / (tf + k1·L)` |
/// | `Robertson` | `ln(max(1, (N − df + 0.5)/(df + 0.5)))` | `tf / (tf + k1·L)` |
/// | `Atire` | `ln(N/df)` | `tf·(k1 + 1) / (tf + k1·L)` |
/// | `Bm25L` | `ln((N + 1)/(df + 0.5))` | `(k1 + 1)(c + δ) / (k1 + c + δ)`, `c = tf/L` |
/// | `Bm25Plus` | `ln((N + 1)/df)` | `(k1 + 1)·tf / (k1·L + tf) + δ` |
///
/// These are bm25s's `method`s, formula for formula (Kamphuis et al., ECIR 2020). `Lucene` is
/// Lucene ≥ 8's `BM25Similarity` (no `(k1 + 1)` factor). For `Bm25L` and `Bm25Plus` a
/// query term absent from a document still contributes its `tf = 0` value (a constant per
/// query, as bm25s adds it), but only documents holding at least one query term are
/// returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Bm25Method {
    /// Lucene ≥ 8 / Anserini (the default).
    #[default]
    Lucene,
    /// Robertson et al., idf floored at 0 (bm25s's `robertson`).
    Robertson,
    /// ATIRE (Trotman et al.).
    Atire,
    /// BM25L (Lv & Zhai), with `δ`.
    Bm25L,
    /// BM25+ (Lv & Zhai), with `δ`.
    Bm25Plus,
}

/// Which document length enters the length normalisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LengthNorm {
    /// Lucene's one-byte norm: the length is stored with `SmallFloat.intToByte4` and read
    /// back with `byte4ToInt` (exact up to 23 terms, then 4 significant bits, rounded down:
    /// 100 → 96, 1000 → 984). This is what Anserini/Pyserini's default `BM25Similarity`
    /// scores with, so BEIR's "BM25 flat" figures come out the same (the default).
    #[default]
    Lucene,
    /// The exact number of indexed terms (bm25s, rank-bm25, Anserini's
    /// `AccurateBM25Similarity`).
    Exact,
}

/// BM25 parameters. The default is the Lucene/Anserini baseline BEIR reports use:
/// [`Bm25Method::Lucene`], `k1 = 0.9`, `b = 0.4`, Lucene's lossy length norm
/// ([`LengthNorm::Lucene`]) and Lucene's English analyzer ([`Analyzer::english`]).
///
/// ```
/// use llmops_rag::index::bm25::{Bm25Method, Bm25Params, LengthNorm};
/// let p = Bm25Params::default();
/// assert_eq!((p.k1(), p.b(), p.method()), (0.9, 0.4, Bm25Method::Lucene));
/// let okapi = Bm25Params::new(Bm25Method::Robertson, 1.2, 0.75)?
///     .with_length_norm(LengthNorm::Exact);
/// assert_eq!(okapi.k1(), 1.2);
/// assert!(Bm25Params::new(Bm25Method::Lucene, 0.9, 1.5).is_err());
/// # Ok::<(), llmops_rag::RagError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ParamsConfig", into = "ParamsConfig")]
pub struct Bm25Params {
    method: Bm25Method,
    k1: f32,
    b: f32,
    delta: f32,
    length_norm: LengthNorm,
    analyzer: Analyzer,
}

/// bm25s's default `δ` for BM25L and BM25+.
pub const DEFAULT_DELTA: f32 = 0.5;

impl Default for Bm25Params {
    fn default() -> Self {
        Bm25Params {
            method: Bm25Method::Lucene,
            k1: 0.9,
            b: 0.4,
            delta: DEFAULT_DELTA,
            length_norm: LengthNorm::Lucene,
            analyzer: Analyzer::english(),
        }
    }
}

impl Bm25Params {
    /// A variant with its `k1` and `b` (other settings as the default).
    ///
    /// # Errors
    /// [`RagError::Invalid`] unless `k1` is finite and ≥ 0 and `b` is in `[0, 1]`.
    pub fn new(method: Bm25Method, k1: f32, b: f32) -> Result<Self> {
        Bm25Params {
            method,
            ..Bm25Params::default()
        }
        .with_k1(k1)?
        .with_b(b)
    }

    /// With another `k1` (term-frequency saturation).
    ///
    /// # Errors
    /// [`RagError::Invalid`] unless `k1` is finite and ≥ 0.
    pub fn with_k1(mut self, k1: f32) -> Result<Self> {
        if !(k1.is_finite() && k1 >= 0.0) {
            return Err(RagError::invalid(format!(
                "bm25 k1 must be finite and >= 0, got {k1}"
            )));
        }
        self.k1 = k1;
        Ok(self)
    }

    /// With another `b` (length normalisation strength).
    ///
    /// # Errors
    /// [`RagError::Invalid`] unless `0 ≤ b ≤ 1`.
    pub fn with_b(mut self, b: f32) -> Result<Self> {
        if !(0.0..=1.0).contains(&b) {
            return Err(RagError::invalid(format!(
                "bm25 b must be within [0, 1], got {b}"
            )));
        }
        self.b = b;
        Ok(self)
    }

    /// With another `δ` (BM25L and BM25+ only; default 0.5).
    ///
    /// # Errors
    /// [`RagError::Invalid`] unless `δ` is finite and ≥ 0.
    pub fn with_delta(mut self, delta: f32) -> Result<Self> {
        if !(delta.is_finite() && delta >= 0.0) {
            return Err(RagError::invalid(format!(
                "bm25 delta must be finite and >= 0, got {delta}"
            )));
        }
        self.delta = delta;
        Ok(self)
    }

    /// With another variant.
    #[must_use]
    pub fn with_method(mut self, method: Bm25Method) -> Self {
        self.method = method;
        self
    }

    /// With another document-length encoding.
    #[must_use]
    pub fn with_length_norm(mut self, length_norm: LengthNorm) -> Self {
        self.length_norm = length_norm;
        self
    }

    /// With another analyzer.
    #[must_use]
    pub fn with_analyzer(mut self, analyzer: Analyzer) -> Self {
        self.analyzer = analyzer;
        self
    }

    /// The variant.
    pub fn method(&self) -> Bm25Method {
        self.method
    }
    /// `k1`.
    pub fn k1(&self) -> f32 {
        self.k1
    }
    /// `b`.
    pub fn b(&self) -> f32 {
        self.b
    }
    /// `δ`.
    pub fn delta(&self) -> f32 {
        self.delta
    }
    /// The document-length encoding.
    pub fn length_norm(&self) -> LengthNorm {
        self.length_norm
    }
    /// The analyzer.
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    /// The idf of a term held by `df` of `n` documents (`df ≥ 1`).
    pub(crate) fn idf(&self, df: u32, n: u32) -> f32 {
        let (df, n) = (f64::from(df), f64::from(n));
        let idf = match self.method {
            Bm25Method::Lucene => (1.0 + (n - df + 0.5) / (df + 0.5)).ln(),
            Bm25Method::Robertson => ((n - df + 0.5) / (df + 0.5)).max(1.0).ln(),
            Bm25Method::Atire => (n / df).ln(),
            Bm25Method::Bm25L => ((n + 1.0) / (df + 0.5)).ln(),
            Bm25Method::Bm25Plus => ((n + 1.0) / df).ln(),
        };
        idf as f32
    }

    /// The document length the norm uses for `len` indexed terms.
    pub(crate) fn norm_len(&self, len: u32) -> f32 {
        match self.length_norm {
            LengthNorm::Exact => len as f32,
            LengthNorm::Lucene => lucene_norm_len(len) as f32,
        }
    }

    /// The per-query scorer, given the collection's mean (norm) length.
    pub(crate) fn scorer(&self, avgdl: f32) -> TfScorer {
        let avgdl = if avgdl > 0.0 { avgdl } else { 1.0 };
        TfScorer {
            method: self.method,
            k1: self.k1,
            // L = (1 − b) + (b / avgdl)·dl
            l0: 1.0 - self.b,
            l1: self.b / avgdl,
            delta: self.delta,
        }
    }
}

/// The term-frequency component for one query (`avgdl` folded in).
#[derive(Debug, Clone, Copy)]
pub(crate) struct TfScorer {
    method: Bm25Method,
    k1: f32,
    l0: f32,
    l1: f32,
    delta: f32,
}

impl TfScorer {
    /// The component for `tf` occurrences in a document of norm length `dl`.
    #[inline]
    pub(crate) fn tfc(&self, tf: f32, dl: f32) -> f32 {
        let l = self.l0 + self.l1 * dl;
        let k1 = self.k1;
        match self.method {
            Bm25Method::Lucene | Bm25Method::Robertson => tf / (tf + k1 * l),
            Bm25Method::Atire => tf * (k1 + 1.0) / (tf + k1 * l),
            Bm25Method::Bm25L => {
                let c = tf / l;
                (k1 + 1.0) * (c + self.delta) / (k1 + c + self.delta)
            }
            Bm25Method::Bm25Plus => (k1 + 1.0) * tf / (k1 * l + tf) + self.delta,
        }
    }

    /// The component of a term absent from a document (non-zero for BM25L and BM25+ only).
    pub(crate) fn absent(&self) -> f32 {
        match self.method {
            Bm25Method::Lucene | Bm25Method::Robertson | Bm25Method::Atire => 0.0,
            Bm25Method::Bm25L => (self.k1 + 1.0) * self.delta / (self.k1 + self.delta),
            Bm25Method::Bm25Plus => self.delta,
        }
    }
}

/// Lucene's norm round trip for a length: `byte4ToInt(intToByte4(len))`.
pub(crate) fn lucene_norm_len(len: u32) -> u32 {
    // SmallFloat: values below 24 are stored as is; above, as 24 + a 4-significant-bit float.
    const FREE: u32 = 24;
    if len < FREE {
        return len;
    }
    let v = u64::from(len - FREE);
    let bits = 64 - v.leading_zeros();
    let decoded = if bits < 4 {
        v
    } else {
        let shift = bits - 4;
        // Keep the top 4 bits (the leading one is implicit in Lucene's encoding).
        (v >> shift) << shift
    };
    FREE + decoded as u32
}

/// The serialized form of [`Bm25Params`], validated on the way back in.
#[derive(Serialize, Deserialize)]
struct ParamsConfig {
    method: Bm25Method,
    k1: f32,
    b: f32,
    delta: f32,
    length_norm: LengthNorm,
    analyzer: Analyzer,
}

impl From<Bm25Params> for ParamsConfig {
    fn from(p: Bm25Params) -> Self {
        ParamsConfig {
            method: p.method,
            k1: p.k1,
            b: p.b,
            delta: p.delta,
            length_norm: p.length_norm,
            analyzer: p.analyzer,
        }
    }
}

impl TryFrom<ParamsConfig> for Bm25Params {
    type Error = RagError;
    fn try_from(c: ParamsConfig) -> Result<Self> {
        Ok(Bm25Params::new(c.method, c.k1, c.b)?
            .with_delta(c.delta)?
            .with_length_norm(c.length_norm)
            .with_analyzer(c.analyzer))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn lucene_norm_matches_smallfloat() {
        // Values from Lucene's SmallFloat.byte4ToInt(intToByte4(i)).
        for (len, want) in [
            (0, 0),
            (1, 1),
            (23, 23),
            (24, 24),
            (31, 31),
            (39, 39),
            (40, 40),
            (41, 40),
            (42, 42),
            (43, 42),
            (100, 96),
            (1000, 984),
        ] {
            assert_eq!(lucene_norm_len(len), want, "{len}");
        }
        // Monotone and never above the true length.
        let mut prev = 0;
        for len in 0..100_000 {
            let n = lucene_norm_len(len);
            assert!(n <= len && n >= prev);
            prev = n;
        }
        assert!(lucene_norm_len(u32::MAX) > 1 << 31);
    }

    #[test]
    fn validation() {
        assert!(Bm25Params::new(Bm25Method::Lucene, -0.1, 0.4).is_err());
        assert!(Bm25Params::new(Bm25Method::Lucene, f32::NAN, 0.4).is_err());
        assert!(Bm25Params::new(Bm25Method::Lucene, 0.9, -0.01).is_err());
        assert!(Bm25Params::new(Bm25Method::Lucene, 0.9, f32::NAN).is_err());
        assert!(Bm25Params::default().with_delta(f32::INFINITY).is_err());
        let p = Bm25Params::new(Bm25Method::Bm25Plus, 1.5, 0.75).unwrap();
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Bm25Params>(&json).unwrap(), p);
        let bad = json.replace("\"b\":0.75", "\"b\":7.5");
        assert!(serde_json::from_str::<Bm25Params>(&bad).is_err());
    }

    #[test]
    fn idf_formulas() {
        let p = Bm25Params::default();
        // N = 3, df = 1: ln(1 + 2.5/1.5)
        assert!((p.idf(1, 3) - (1.0f32 + 2.5 / 1.5).ln()).abs() < 1e-6);
        let r = p.clone().with_method(Bm25Method::Robertson);
        assert_eq!(r.idf(3, 3), 0.0);
        let a = p.clone().with_method(Bm25Method::Atire);
        assert!((a.idf(1, 4) - 4f32.ln()).abs() < 1e-6);
    }
}
