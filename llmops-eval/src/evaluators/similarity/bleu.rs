//! BLEU and GLEU as promptfoo computes them (`src/assertions/bleu.ts`, `gleu.ts`): words are
//! the lower-cased text split on whitespace, n-grams of orders 1 to 4.

use std::collections::HashMap;

use llmops_core::{EvalCase, EvalOutput, Evaluator, Score, async_trait};

use super::treebank::js_space;
use super::{References, check_fields, threshold_reason};
use crate::{AssertionSpec, Result};

/// Default pass threshold of `bleu` (promptfoo's).
pub const BLEU_DEFAULT_THRESHOLD: f64 = 0.5;
/// Default pass threshold of `gleu` (promptfoo's).
pub const GLEU_DEFAULT_THRESHOLD: f64 = 0.5;

/// A zero n-gram precision is replaced by this before its logarithm (promptfoo's smoothing).
const SMOOTHING: f64 = 1e-7;
const MAX_N: usize = 4;

/// `text.toLowerCase().trim().split(/\s+/)`: a blank text is one empty word, as in
/// JavaScript.
fn words(text: &str) -> Vec<String> {
    let lower = text.to_lowercase();
    let trimmed = lower.trim_matches(js_space);
    if trimmed.is_empty() {
        return vec![String::new()];
    }
    trimmed
        .split(js_space)
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

fn counts(words: &[String], n: usize) -> HashMap<&[String], usize> {
    let mut m = HashMap::new();
    if n > 0 && n <= words.len() {
        for g in words.windows(n) {
            *m.entry(g).or_insert(0) += 1;
        }
    }
    m
}

/// How many n-grams `len` words have.
fn grams(len: usize, n: usize) -> usize {
    if n == 0 || n > len { 0 } else { len + 1 - n }
}

fn clipped(candidate: &HashMap<&[String], usize>, reference: &HashMap<&[String], usize>) -> usize {
    candidate
        .iter()
        .map(|(g, k)| (*k).min(reference.get(g).copied().unwrap_or(0)))
        .sum()
}

/// BLEU of a candidate against one or more references, as promptfoo's `bleu`:
///
/// - words: lower-cased, split on whitespace (punctuation stays on its word);
/// - for each order n = 1..4 that the candidate has n-grams of, the modified precision
///   `p_n = max over references of Σ min(count in candidate, count in reference) / candidate n-grams`;
/// - a zero `p_n` is smoothed to 1e-7; orders the candidate is too short for are left out
///   and the remaining weights (¼ each) renormalised;
/// - brevity penalty `BP = 1` if the candidate is longer than the reference closest in length
///   (ties: the shorter), else `exp(1 − r / c)`;
/// - `BLEU = BP · exp(Σ w_n · ln p_n)`.
///
/// A blank candidate, or no reference, scores 0.
///
/// ```
/// use llmops_eval::evaluators::similarity::bleu;
/// assert!((bleu("the cat sat on the mat", &["the cat sat on the mat"]) - 1.0).abs() < 1e-12);
/// // "the cat sat" vs "the cat sat down": p1 = p2 = p3 = 1, BP = exp(1 − 4/3);
/// // order 4 is left out (3 words), so BLEU = exp(−1/3) ≈ 0.7165
/// assert!((bleu("the cat sat", &["the cat sat down"]) - (-1.0f64 / 3.0).exp()).abs() < 1e-12);
/// ```
pub fn bleu<S: AsRef<str>>(candidate: &str, references: &[S]) -> f64 {
    if references.is_empty() || candidate.trim_matches(js_space).is_empty() {
        return 0.0;
    }
    let cand = words(candidate);
    let refs: Vec<Vec<String>> = references.iter().map(|r| words(r.as_ref())).collect();
    let c = cand.len();
    let closest = refs
        .iter()
        .map(Vec::len)
        .fold(None, |prev: Option<usize>, cur| {
            Some(match prev {
                None => cur,
                Some(p) => {
                    let (dc, dp) = (cur.abs_diff(c), p.abs_diff(c));
                    if dc < dp || (dc == dp && cur < p) {
                        cur
                    } else {
                        p
                    }
                }
            })
        });
    let r = closest.unwrap_or(0);
    let mut orders: Vec<(f64, f64)> = Vec::with_capacity(MAX_N);
    for n in 1..=MAX_N {
        let total = grams(c, n);
        if total == 0 {
            continue;
        }
        let cand_counts = counts(&cand, n);
        let max_clipped = refs
            .iter()
            .map(|rw| clipped(&cand_counts, &counts(rw, n)))
            .max()
            .unwrap_or(0);
        orders.push((max_clipped as f64 / total as f64, 1.0 / MAX_N as f64));
    }
    let bp = if c > r {
        1.0
    } else {
        (1.0 - r as f64 / c as f64).exp()
    };
    let weight_sum: f64 = orders.iter().map(|(_, w)| w).sum();
    if weight_sum == 0.0 {
        return 0.0;
    }
    let weighted = orders.iter().fold(0.0, |acc, (p, w)| {
        let p = if *p == 0.0 { SMOOTHING } else { *p };
        acc + w / weight_sum * p.ln()
    });
    bp * weighted.exp()
}

/// GLEU (Google-BLEU, Wu et al. 2016) as promptfoo's `gleu`: words as for [`bleu`] with
/// trailing periods stripped; over n-grams of orders 1..4 pooled, `min(matches / candidate
/// n-grams, matches / reference n-grams)` with clipped matches; 1 for an exact word match;
/// the best over the references. A blank candidate, or no reference, scores 0.
///
/// ```
/// use llmops_eval::evaluators::similarity::gleu;
/// // "the cat sat" vs "the cat sat down": matches 3 + 2 + 1 = 6, candidate n-grams 6,
/// // reference n-grams 10: min(6/6, 6/10) = 0.6
/// assert!((gleu("the cat sat", &["the cat sat down"]) - 0.6).abs() < 1e-12);
/// assert_eq!(gleu("Done.", &["done"]), 1.0);
/// ```
pub fn gleu<S: AsRef<str>>(candidate: &str, references: &[S]) -> f64 {
    let cand = gleu_words(candidate);
    if cand.is_empty() || references.is_empty() {
        return 0.0;
    }
    references
        .iter()
        .map(|r| {
            let rw = gleu_words(r.as_ref());
            if rw == cand {
                return 1.0;
            }
            let (mut matches, mut cand_total, mut ref_total) = (0usize, 0usize, 0usize);
            for n in 1..=MAX_N {
                let (cc, rc) = (counts(&cand, n), counts(&rw, n));
                matches += clipped(&cc, &rc);
                cand_total += grams(cand.len(), n);
                ref_total += grams(rw.len(), n);
            }
            if cand_total == 0 || ref_total == 0 {
                return 0.0;
            }
            let precision = matches as f64 / cand_total as f64;
            let recall = matches as f64 / ref_total as f64;
            precision.min(recall)
        })
        .fold(f64::NEG_INFINITY, f64::max)
}

/// promptfoo's `tokenizeForGleu`: [`words`] with trailing periods stripped; no words at all
/// when every word is empty.
fn gleu_words(text: &str) -> Vec<String> {
    let w: Vec<String> = words(text)
        .into_iter()
        .map(|w| w.trim_end_matches('.').to_owned())
        .collect();
    if w.iter().any(|w| !w.is_empty()) {
        w
    } else {
        Vec::new()
    }
}

/// Which n-gram metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    Bleu,
    Gleu,
}

/// The `bleu` and `gleu` assertions: the score against the references (a string or a list;
/// absent: the case's `expected`), passing at ≥ `threshold` (default 0.5, as promptfoo).
#[derive(Debug, Clone)]
pub struct NGramOverlap {
    variant: Variant,
    threshold: f64,
    refs: References,
}

impl NGramOverlap {
    /// `bleu` from its spec.
    pub fn bleu(spec: &AssertionSpec) -> Result<Self> {
        check_fields(spec, &[])?;
        Ok(NGramOverlap {
            variant: Variant::Bleu,
            threshold: spec.threshold.unwrap_or(BLEU_DEFAULT_THRESHOLD),
            refs: References::from_spec(spec)?,
        })
    }

    /// `gleu` from its spec.
    pub fn gleu(spec: &AssertionSpec) -> Result<Self> {
        check_fields(spec, &[])?;
        Ok(NGramOverlap {
            variant: Variant::Gleu,
            threshold: spec.threshold.unwrap_or(GLEU_DEFAULT_THRESHOLD),
            refs: References::from_spec(spec)?,
        })
    }
}

#[async_trait]
impl Evaluator for NGramOverlap {
    fn name(&self) -> &str {
        match self.variant {
            Variant::Bleu => "bleu",
            Variant::Gleu => "gleu",
        }
    }

    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let refs = self.refs.resolve(self.name(), case)?;
        // several references are one multi-reference score (not the best of single ones)
        let score = match self.variant {
            Variant::Bleu => bleu(&out.text, &refs),
            Variant::Gleu => gleu(&out.text, &refs),
        };
        let label = match self.variant {
            Variant::Bleu => "BLEU",
            Variant::Gleu => "GLEU",
        };
        let pass = score >= self.threshold;
        let reason = threshold_reason(label, score, 4, pass, self.threshold, None, refs.len());
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
    fn words_split_like_javascript() {
        assert_eq!(
            words("  The  Cat,\tsat\u{a0}down "),
            ["the", "cat,", "sat", "down"]
        );
        assert_eq!(words(""), [""]);
        assert_eq!(words("\u{feff}x\u{85}y"), ["x\u{85}y"]);
    }

    #[test]
    fn bleu_by_hand() {
        // 5-word candidate, 6-word reference "the cat is on the mat":
        // cand "the cat on the mat": p1 = 5/5, p2: {the cat, cat on, on the, the mat} ∩
        // {the cat, cat is, is on, on the, the mat} = 3/4, p3: {the cat on, cat on the,
        // on the mat} ∩ ... = {on the mat} 1/3, p4: {the cat on the, cat on the mat} 0/2 → 1e-7;
        // BP = exp(1 − 6/5)
        let want = (1.0f64 - 6.0 / 5.0).exp()
            * (0.25 * (1.0f64.ln() + 0.75f64.ln() + (1.0f64 / 3.0).ln() + 1e-7f64.ln())).exp();
        assert!(close(
            bleu("the cat on the mat", &["the cat is on the mat"]),
            want
        ));
        // longer than the reference: BP = 1; the clipping keeps "the the the" at p1 = 1/3 ...
        let s = bleu("the the the the the", &["the cat"]);
        assert!(s < 0.01, "{s}");
        // multi-reference: the closest length is picked for BP, precisions take the max
        let one = bleu("the cat sat", &["a dog ran away"]);
        let two = bleu("the cat sat", &["a dog ran away", "the cat sat"]);
        assert!(one < 1e-3 && close(two, 1.0), "{one} {two}");
    }

    #[test]
    fn bleu_edges() {
        assert_eq!(bleu("", &["x"]), 0.0);
        assert_eq!(bleu(" \n ", &["x"]), 0.0);
        assert_eq!(bleu::<&str>("x", &[]), 0.0);
        // an empty reference is one empty word: nothing matches, BP = 1 (1 word vs 1)
        assert!(close(bleu("x", &[""]), 1e-7));
        // case-insensitive, punctuation glued to words
        assert!(close(bleu("Hello World", &["hello world"]), 1.0));
        assert!(bleu("hello world!", &["hello world"]) < 0.5);
        // unicode words
        assert!(close(bleu("Größe ändern", &["größe ändern"]), 1.0));
    }

    #[test]
    fn gleu_by_hand() {
        // "a b c" vs "a b d": matches 2 + 1 + 0 = 3 over 3 + 2 + 1 = 6 each side: 0.5
        assert!(close(gleu("a b c", &["a b d"]), 0.5));
        assert_eq!(gleu("", &["a"]), 0.0);
        assert_eq!(gleu("...", &["a"]), 0.0);
        assert_eq!(gleu("x y", &["q", "x y."]), 1.0);
    }
}
