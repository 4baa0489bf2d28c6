//! ROUGE-N (promptfoo's `rouge-n`) and ROUGE-L (LCS F-measure), over js-rouge's Penn Treebank
//! tokens of the lower-cased texts.

use std::collections::HashMap;

use llmops_core::{EvalCase, EvalOutput, Evaluator, Score, async_trait};

use super::treebank::treebank_tokenize;
use super::{References, best, check_fields, threshold_reason};
use crate::{AssertionSpec, EvalError, Result};

/// Default pass threshold of `rouge-n` and `rouge-l` (promptfoo's).
pub const ROUGE_DEFAULT_THRESHOLD: f64 = 0.75;

/// Precision, recall and their F1.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Prf {
    /// Share of the candidate's units found in the reference.
    pub precision: f64,
    /// Share of the reference's units found in the candidate.
    pub recall: f64,
    /// Their harmonic mean (F1); 0 when nothing matches.
    pub f1: f64,
}

impl Prf {
    const ZERO: Prf = Prf {
        precision: 0.0,
        recall: 0.0,
        f1: 0.0,
    };

    fn of(matched: usize, candidate: usize, reference: usize) -> Prf {
        if matched == 0 || candidate == 0 || reference == 0 {
            return Prf::ZERO;
        }
        let precision = matched as f64 / candidate as f64;
        let recall = matched as f64 / reference as f64;
        Prf {
            precision,
            recall,
            f1: f1(precision, recall),
        }
    }
}

/// js-rouge's `fMeasure(p, r, 1)`, with its operation order (it bounds each scaled result
/// by the larger input so roundoff cannot overshoot).
fn f1(p: f64, r: f64) -> f64 {
    if p == r {
        return p;
    }
    if p == 0.0 || r == 0.0 {
        return 0.0;
    }
    if p > r {
        p.min(r * (2.0 / (1.0 + r / p)))
    } else {
        r.min(p * (2.0 / (1.0 + p / r)))
    }
}

fn tokens(text: &str) -> Vec<String> {
    treebank_tokenize(&text.to_lowercase())
}

/// ROUGE-N of a candidate against a reference, as promptfoo's `rouge-n` computes it: both
/// texts lower-cased and split by js-rouge's Penn Treebank tokenizer, n-grams counted with
/// clipping (`Σ min(count in candidate, count in reference)`), precision over the
/// candidate's n-grams, recall over the reference's. promptfoo's score is [`Prf::f1`] with
/// `n = 1`. A text with fewer than `n` tokens scores 0 (so do empty texts).
///
/// ```
/// use llmops_eval::evaluators::similarity::rouge_n;
/// // "the cat sat" vs "the cat sat down": 3 shared unigrams; P = 3/3, R = 3/4, F1 = 6/7
/// let s = rouge_n("The cat sat", "the cat sat down", 1);
/// assert_eq!((s.precision, s.recall), (1.0, 0.75));
/// assert!((s.f1 - 6.0 / 7.0).abs() < 1e-12);
/// ```
pub fn rouge_n(candidate: &str, reference: &str, n: usize) -> Prf {
    let (c, r) = (tokens(candidate), tokens(reference));
    if n == 0 || c.len() < n || r.len() < n {
        return Prf::ZERO;
    }
    let mut reference_counts: HashMap<&[String], usize> = HashMap::new();
    for g in r.windows(n) {
        *reference_counts.entry(g).or_insert(0) += 1;
    }
    let mut candidate_counts: HashMap<&[String], usize> = HashMap::new();
    for g in c.windows(n) {
        *candidate_counts.entry(g).or_insert(0) += 1;
    }
    let matched: usize = candidate_counts
        .iter()
        .map(|(g, k)| (*k).min(reference_counts.get(g).copied().unwrap_or(0)))
        .sum();
    Prf::of(matched, c.len() + 1 - n, r.len() + 1 - n)
}

/// ROUGE-L: the longest common subsequence (LCS) of the two token sequences (same tokens
/// as [`rouge_n`]), `P = LCS / candidate tokens`, `R = LCS / reference tokens`, score F1
/// (the sentence-level ROUGE-L of Lin 2004 with β = 1, as Google's `rouge-score` reports
/// `rougeL`). promptfoo has no ROUGE-L assertion; this one is ours.
///
/// ```
/// use llmops_eval::evaluators::similarity::rouge_l;
/// // LCS of "police killed the gunman" / "police kill the gunman" = police the gunman (3)
/// let s = rouge_l("police killed the gunman", "police kill the gunman");
/// assert_eq!((s.precision, s.recall, s.f1), (0.75, 0.75, 0.75));
/// ```
pub fn rouge_l(candidate: &str, reference: &str) -> Prf {
    let (c, r) = (tokens(candidate), tokens(reference));
    Prf::of(lcs_len(&c, &r), c.len(), r.len())
}

/// Length of the longest common subsequence, in O(|a|·|b|) time and O(|b|) space.
fn lcs_len(a: &[String], b: &[String]) -> usize {
    let mut prev = vec![0usize; b.len() + 1];
    let mut row = vec![0usize; b.len() + 1];
    for x in a {
        for (j, y) in b.iter().enumerate() {
            let up_left = prev.get(j).copied().unwrap_or(0);
            let up = prev.get(j + 1).copied().unwrap_or(0);
            let left = row.get(j).copied().unwrap_or(0);
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = if x == y { up_left + 1 } else { up.max(left) };
            }
        }
        std::mem::swap(&mut prev, &mut row);
    }
    prev.last().copied().unwrap_or(0)
}

/// Which ROUGE.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    N(usize),
    L,
}

/// The `rouge-n` and `rouge-l` assertions: F1 against the reference (the best of several),
/// passing at ≥ `threshold` (default [`ROUGE_DEFAULT_THRESHOLD`]).
#[derive(Debug, Clone)]
pub struct Rouge {
    kind: &'static str,
    variant: Variant,
    threshold: f64,
    refs: References,
}

impl Rouge {
    /// `rouge-n` from its spec: `value` a reference or a list of them (absent: the case's
    /// `expected`), `threshold`, `config.n` (default 1, as promptfoo).
    pub fn rouge_n(spec: &AssertionSpec) -> Result<Self> {
        check_fields(spec, &["n"])?;
        let n = match spec.config.get("n") {
            None => 1,
            Some(v) => v
                .as_u64()
                .filter(|n| (1..=16).contains(n))
                .and_then(|n| usize::try_from(n).ok())
                .ok_or_else(|| {
                    EvalError::assertion(
                        &spec.kind,
                        format!("config.n must be an integer from 1 to 16, got {v}"),
                    )
                })?,
        };
        Ok(Rouge {
            kind: "rouge-n",
            variant: Variant::N(n),
            threshold: spec.threshold.unwrap_or(ROUGE_DEFAULT_THRESHOLD),
            refs: References::from_spec(spec)?,
        })
    }

    /// `rouge-l` from its spec: `value` as for `rouge-n`, `threshold`.
    pub fn rouge_l(spec: &AssertionSpec) -> Result<Self> {
        check_fields(spec, &[])?;
        Ok(Rouge {
            kind: "rouge-l",
            variant: Variant::L,
            threshold: spec.threshold.unwrap_or(ROUGE_DEFAULT_THRESHOLD),
            refs: References::from_spec(spec)?,
        })
    }
}

#[async_trait]
impl Evaluator for Rouge {
    fn name(&self) -> &str {
        self.kind
    }

    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let refs = self.refs.resolve(self.kind, case)?;
        let (score, which) = best(&refs, |r| match self.variant {
            Variant::N(n) => rouge_n(&out.text, r, n).f1,
            Variant::L => rouge_l(&out.text, r).f1,
        });
        let label = match self.variant {
            Variant::N(1) => "ROUGE-N".to_owned(),
            Variant::N(n) => format!("ROUGE-{n}"),
            Variant::L => "ROUGE-L".to_owned(),
        };
        let pass = score >= self.threshold;
        let reason = threshold_reason(&label, score, 2, pass, self.threshold, which, refs.len());
        Ok(Score::new(score, pass, reason))
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-12
    }

    #[test]
    fn rouge_1_by_hand() {
        // identical: P = R = F = 1
        let s = rouge_n("the cat sat", "the cat sat", 1);
        assert_eq!(s.f1, 1.0);
        // "the cat sat on the mat" vs itself: the repeated `the` is clipped, not lost
        assert_eq!(
            rouge_n("the cat sat on the mat", "The cat sat on the mat", 1).f1,
            1.0
        );
        // candidate "the the the" vs "the cat": clipped matches min(3, 1) = 1;
        // P = 1/3, R = 1/2, F1 = 2·(1/3)(1/2)/(1/3 + 1/2) = 0.4
        let s = rouge_n("the the the", "the cat", 1);
        assert!(close(s.precision, 1.0 / 3.0) && close(s.recall, 0.5) && close(s.f1, 0.4));
        // tokens: ["it", "'s", "free", "."] vs ["it", "is", "free", "."]: 3 shared of 4
        let s = rouge_n("It's free.", "it is free.", 1);
        assert!(close(s.f1, 0.75), "{s:?}");
        // nothing shared
        assert_eq!(rouge_n("alpha beta", "gamma delta", 1), Prf::ZERO);
    }

    #[test]
    fn rouge_2_by_hand() {
        // bigrams: cand {the cat, cat sat} ref {the cat, cat sat, sat down}: 2 shared
        // P = 2/2, R = 2/3, F1 = 0.8
        let s = rouge_n("the cat sat", "the cat sat down", 2);
        assert!(close(s.precision, 1.0) && close(s.recall, 2.0 / 3.0) && close(s.f1, 0.8));
        // a one-token text has no bigram
        assert_eq!(rouge_n("cat", "cat", 2), Prf::ZERO);
    }

    #[test]
    fn rouge_l_by_hand() {
        // LCS("a b c d e", "a c e f") = a c e (3): P = 3/5, R = 3/4, F1 = 2/3
        let s = rouge_l("a b c d e", "a c e f");
        assert!(close(s.precision, 0.6) && close(s.recall, 0.75) && close(s.f1, 2.0 / 3.0));
        // order matters for L, not for 1-grams
        assert_eq!(rouge_n("c b a", "a b c", 1).f1, 1.0);
        assert!(close(rouge_l("c b a", "a b c").f1, 1.0 / 3.0));
    }

    #[test]
    fn empty_and_unicode() {
        assert_eq!(rouge_n("", "the cat", 1), Prf::ZERO);
        assert_eq!(rouge_n("the cat", "", 1), Prf::ZERO);
        assert_eq!(rouge_l("", ""), Prf::ZERO);
        // lower-casing is Unicode's: Straße/STRASSE differ, ÉTÉ/été match
        assert_eq!(rouge_n("ÉTÉ chaud", "été chaud", 1).f1, 1.0);
        assert!(close(rouge_n("Straße", "STRASSE", 1).f1, 0.0));
        // CJK without spaces is one token
        assert_eq!(rouge_n("東京 タワー", "東京 タワー", 1).f1, 1.0);
    }

    #[test]
    fn f1_is_symmetric_and_bounded() {
        assert!(close(f1(1.0, 0.75), 6.0 / 7.0));
        assert_eq!(f1(0.75, 1.0), f1(1.0, 0.75));
        assert_eq!(f1(0.5, 0.5), 0.5);
        assert_eq!(f1(0.0, 0.5), 0.0);
    }
}
