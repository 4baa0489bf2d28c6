//! `levenshtein`: the edit distance between the output and the reference, passing when it
//! is at most the threshold (promptfoo's `src/assertions/levenshtein.ts`).

use llmops_core::{EvalCase, EvalOutput, Evaluator, Score, async_trait};

use super::{References, check_fields};
use crate::{AssertionSpec, EvalError, Result};

/// Default maximum edit distance of `levenshtein` (promptfoo's).
pub const LEVENSHTEIN_DEFAULT_THRESHOLD: f64 = 5.0;

/// The Levenshtein distance (insertions, deletions and substitutions of one unit each)
/// counted in UTF-16 code units, as JavaScript strings (and so promptfoo's
/// `fastest-levenshtein`) count: a character outside the Basic Multilingual Plane (most
/// emoji) is two units. Computed by [`strsim::generic_levenshtein`].
///
/// ```
/// use llmops_eval::evaluators::similarity::levenshtein;
/// assert_eq!(levenshtein("kitten", "sitting"), 3);
/// assert_eq!(levenshtein("café", "cafe"), 1);
/// assert_eq!(levenshtein("ok 👍", "ok"), 3); // the space and the emoji's two units
/// ```
pub fn levenshtein(a: &str, b: &str) -> usize {
    let a: Vec<u16> = a.encode_utf16().collect();
    let b: Vec<u16> = b.encode_utf16().collect();
    strsim::generic_levenshtein(&a, &b)
}

/// The `levenshtein` assertion: `value` the reference (absent: the case's `expected`),
/// `threshold` the largest distance that passes (default 5). The score is 1 when it passes,
/// else 0, as promptfoo's.
#[derive(Debug, Clone)]
pub struct Levenshtein {
    threshold: f64,
    refs: References,
}

impl Levenshtein {
    /// From its spec: a string `value` (promptfoo's rule: no list), a `threshold` ≥ 0.
    pub fn from_spec(spec: &AssertionSpec) -> Result<Self> {
        check_fields(spec, &[])?;
        if spec.value.is_some() {
            spec.value_str()?;
        }
        let threshold = spec.threshold.unwrap_or(LEVENSHTEIN_DEFAULT_THRESHOLD);
        if threshold < 0.0 {
            return Err(EvalError::assertion(
                &spec.kind,
                format!(
                    "threshold is the largest edit distance that passes and must be ≥ 0, got {threshold}"
                ),
            ));
        }
        Ok(Levenshtein {
            threshold,
            refs: References::from_spec(spec)?,
        })
    }
}

#[async_trait]
impl Evaluator for Levenshtein {
    fn name(&self) -> &str {
        "levenshtein"
    }

    async fn evaluate(&self, case: &EvalCase, out: &EvalOutput) -> llmops_core::Result<Score> {
        let refs = self.refs.resolve("levenshtein", case)?;
        let Some(reference) = refs.first() else {
            return Err(EvalError::assertion("levenshtein", "no reference").into());
        };
        let d = levenshtein(&out.text, reference);
        let pass = d as f64 <= self.threshold;
        let reason = if pass {
            format!(
                "Levenshtein distance {d} is less than or equal to threshold {}",
                self.threshold
            )
        } else {
            format!(
                "Levenshtein distance {d} is greater than threshold {}",
                self.threshold
            )
        };
        Ok(Score::binary(pass, reason))
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

    #[test]
    fn distance_by_hand() {
        // kitten → sitten (k→s) → sittin (e→i) → sitting (+g)
        assert_eq!(levenshtein("kitten", "sitting"), 3);
        assert_eq!(levenshtein("", ""), 0);
        assert_eq!(levenshtein("", "abc"), 3);
        assert_eq!(levenshtein("abc", ""), 3);
        // case counts
        assert_eq!(levenshtein("Paris", "paris"), 1);
        // BMP characters are one unit each, whatever their UTF-8 length
        assert_eq!(levenshtein("naïve", "naive"), 1);
        assert_eq!(levenshtein("東京", "京都"), 2);
        // an emoji is two UTF-16 units, as promptfoo counts
        assert_eq!(levenshtein("😀", "😃"), 1); // same high surrogate
        assert_eq!(levenshtein("a😀", "a"), 2);
    }
}
