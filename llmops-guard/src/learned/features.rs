//! [`FeatureConfig`]: hashed character and word n-grams, the one feature function shared by
//! the trainer and the detector.
//!
//! Features are taken from the **normalised** text (see [`scored_text`]): every character
//! n-gram of length `char_min..=char_max` (whitespace and punctuation included, so word edges
//! count) and every word n-gram of length `1..=word_max` (a word is a run of alphanumeric
//! characters). Each n-gram is hashed into one of `2^bits` buckets (the hashing trick): no
//! vocabulary to ship, any language, any script.
//!
//! The hash is a polynomial over the characters, kept rolling (five multiplications per
//! character give the 3-, 4- and 5-grams ending there), finished by one multiply-shift; a
//! per-kind tag keeps a word apart from the character n-gram of the same letters. It touches
//! each character once and allocates nothing, which is what makes ≥ 50 MB/s reachable; a
//! byte-string hash (xxh3) per n-gram would read each byte nine times.

use std::borrow::Cow;

use crate::normalize::{Normalized, normalize};

/// The largest character n-gram length a model may ask for.
pub const MAX_CHAR_N: u8 = 8;
/// The largest word n-gram length a model may ask for.
pub const MAX_WORD_N: u8 = 2;
/// Fewest hash bits a model may use.
pub const MIN_BITS: u8 = 10;
/// Most hash bits a model may use (16 M buckets).
pub const MAX_BITS: u8 = 24;

/// Odd multiplier of the rolling polynomial (64-bit, from the digits of π).
const P: u64 = 0x243F_6A88_85A3_08D3;
/// Multiplier of the final multiply-shift (2^64 / φ, Fibonacci hashing).
const MIX: u64 = 0x9E37_79B9_7F4A_7C15;
/// Kind tags folded into the hash: character n-grams of each length, words, word pairs.
const TAG_CHAR: u64 = 0x5151_0000;
const TAG_WORD: u64 = 0x7777_0001;
const TAG_PAIR: u64 = 0x7777_0002;
const TAG_SIGNAL: u64 = 0x5160_0000;

/// Feature counts beyond which a text's feature values shrink as 1/n instead of 1/√n (about
/// the features of one 512-byte window).
pub const REF_FEATURES: u64 = 2048;

/// The divisor of a feature count in a text of `n` features: √n up to [`REF_FEATURES`], then
/// growing linearly (continuous at the joint). A feature's value is `count / norm(n)`, so a
/// short text is scaled like an L2-normalised bag of n-grams, while a long one scores like
/// the average of its windows and cannot grow without bound with its length.
///
/// ```
/// use llmops_guard::learned::{REF_FEATURES, feature_norm};
/// assert_eq!(feature_norm(16), 4.0);
/// let r = REF_FEATURES as f32;
/// assert!((feature_norm(4 * REF_FEATURES) - 4.0 * r.sqrt()).abs() < 1e-3);
/// ```
pub fn feature_norm(n: u64) -> f32 {
    let nf = n as f32;
    if n <= REF_FEATURES {
        nf.sqrt()
    } else {
        nf / (REF_FEATURES as f32).sqrt()
    }
}

/// The feature set of a model: hash bits and n-gram lengths. Stored in the model file's
/// header, so a model always runs with the features it was trained on.
///
/// ```
/// use llmops_guard::learned::FeatureConfig;
/// let cfg = FeatureConfig::default();
/// let mut n = 0;
/// cfg.for_each("ignore all", |_end, bucket| {
///     assert!(bucket < cfg.buckets());
///     n += 1;
/// });
/// // 3-, 4-, 5-grams of 10 characters (8 + 7 + 6), 2 words, 1 word pair
/// assert_eq!(n, 24);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeatureConfig {
    /// Hash bits: `2^bits` buckets (weights).
    pub bits: u8,
    /// Shortest character n-gram (0 turns character n-grams off).
    pub char_min: u8,
    /// Longest character n-gram, at most [`MAX_CHAR_N`].
    pub char_max: u8,
    /// Longest word n-gram: 0 (none), 1 (words) or 2 (words and adjacent pairs).
    pub word_max: u8,
}

impl Default for FeatureConfig {
    /// 2^16 buckets, character 3- to 5-grams, words and word pairs. 64 KB of `i8` weights
    /// stay in the L2 cache; 2^18 buckets measured 0.8 points more detection in
    /// cross-validation at about 1.4× the scoring time.
    fn default() -> Self {
        FeatureConfig {
            bits: 16,
            char_min: 3,
            char_max: 5,
            word_max: 2,
        }
    }
}

impl FeatureConfig {
    /// The number of buckets, `2^bits`.
    pub fn buckets(&self) -> u32 {
        1u32 << u32::from(self.bits.min(MAX_BITS))
    }

    /// Why this configuration cannot be used, if it cannot.
    pub(crate) const fn problem(&self) -> Option<&'static str> {
        if self.bits < MIN_BITS || self.bits > MAX_BITS {
            return Some("hash bits outside 10..=24");
        }
        if self.char_max > MAX_CHAR_N {
            return Some("character n-grams longer than 8");
        }
        if self.char_min > self.char_max || (self.char_min == 0 && self.char_max != 0) {
            return Some("character n-gram range is empty or starts at 0");
        }
        if self.word_max > MAX_WORD_N {
            return Some("word n-grams longer than 2");
        }
        if self.char_max == 0 && self.word_max == 0 {
            return Some("no features at all");
        }
        None
    }

    /// Calls `f(end, bucket)` for every feature of `text` (already normalised), in text
    /// order: `end` is the byte offset just past the n-gram, `bucket` is below
    /// [`buckets`](Self::buckets). Allocates nothing.
    #[inline]
    pub fn for_each(&self, text: &str, f: impl FnMut(usize, u32)) {
        self.for_each_impl(text, f, true);
    }

    /// [`for_each`](Self::for_each), with the unrolled path for 3- to 5-grams allowed or not
    /// (both give the same features; the tests compare them).
    #[inline(always)]
    fn for_each_impl(&self, text: &str, mut f: impl FnMut(usize, u32), allow_fast: bool) {
        let shift = 64 - u32::from(self.bits.clamp(MIN_BITS, MAX_BITS));
        let bucket = |h: u64| ((h ^ (h >> 29)).wrapping_mul(MIX) >> shift) as u32;
        let char_min = usize::from(self.char_min);
        let char_max = usize::from(self.char_max.min(MAX_CHAR_N));
        let words = self.word_max >= 1;
        let pairs = self.word_max >= 2;

        // hs[k]: hash of the (k+1)-gram ending at the current character,
        // c0 + P c1 + P^2 c2 + ... (c0 the newest, +1 so that U+0000 counts); updated as
        // hs[k] = c0 + P hs[k-1] of the previous character. The kind tag of an n-gram is
        // (TAG_CHAR + n) P^n.
        let mut tags = [0u64; MAX_CHAR_N as usize];
        let mut pow = 1u64;
        for (n, t) in tags.iter_mut().enumerate() {
            pow = pow.wrapping_mul(P);
            *t = (TAG_CHAR + n as u64 + 1).wrapping_mul(pow);
        }
        let [_, t2, t3, t4, t5, ..] = tags;
        // the unrolled path: character 3- to 5-grams (the default), or 2- to 5-grams
        let fast = allow_fast && (char_min == 2 || char_min == 3) && char_max == 5;
        let twos = char_min == 2;
        let (mut h1, mut h2, mut h3, mut h4) = (0u64, 0u64, 0u64, 0u64);
        let mut hs = [0u64; MAX_CHAR_N as usize];
        let mut seen = 0usize;
        let mut word: u64 = 0;
        let mut in_word = false;
        let mut prev_word: Option<u64> = None;

        for (i, ch) in text.char_indices() {
            let end = i + ch.len_utf8();
            let c = u64::from(ch) + 1;
            seen += 1;
            if fast {
                let n5 = c.wrapping_add(h4.wrapping_mul(P));
                h4 = c.wrapping_add(h3.wrapping_mul(P));
                h3 = c.wrapping_add(h2.wrapping_mul(P));
                h2 = c.wrapping_add(h1.wrapping_mul(P));
                h1 = c;
                if twos && seen >= 2 {
                    f(end, bucket(h2 ^ t2));
                }
                if seen >= 5 {
                    f(end, bucket(h3 ^ t3));
                    f(end, bucket(h4 ^ t4));
                    f(end, bucket(n5 ^ t5));
                } else if seen >= 3 {
                    f(end, bucket(h3 ^ t3));
                    if seen == 4 {
                        f(end, bucket(h4 ^ t4));
                    }
                }
            } else if char_max > 0 {
                let mut next = [0u64; MAX_CHAR_N as usize];
                next[0] = c;
                for (dst, src) in next.iter_mut().skip(1).zip(hs.iter()) {
                    *dst = c.wrapping_add(src.wrapping_mul(P));
                }
                hs = next;
                for (k, (h, t)) in hs.iter().zip(tags.iter()).enumerate().take(char_max) {
                    if k + 1 >= char_min && k < seen {
                        f(end, bucket(h ^ t));
                    }
                }
            }
            if words {
                if ch.is_alphanumeric() {
                    word = word.wrapping_mul(P).wrapping_add(u64::from(ch) + 1);
                    in_word = true;
                } else if in_word {
                    emit_word(
                        word,
                        &mut prev_word,
                        pairs,
                        end - ch.len_utf8(),
                        &mut f,
                        &bucket,
                    );
                    word = 0;
                    in_word = false;
                }
            }
        }
        if in_word {
            emit_word(word, &mut prev_word, pairs, text.len(), &mut f, &bucket);
        }
    }
}

/// The features of one finished word: the word, and the pair with the word before it.
#[inline]
fn emit_word(
    word: u64,
    prev: &mut Option<u64>,
    pairs: bool,
    end: usize,
    f: &mut impl FnMut(usize, u32),
    bucket: &impl Fn(u64) -> u32,
) {
    f(end, bucket(word.wrapping_mul(P) ^ TAG_WORD));
    if let (true, Some(p)) = (pairs, *prev) {
        f(
            end,
            bucket(p.wrapping_mul(P).wrapping_add(word).wrapping_mul(P) ^ TAG_PAIR),
        );
    }
    *prev = Some(word);
}

/// Obfuscation signals from normalisation, one bit each, that enter the model as features of
/// the whole text (see [`Signals::from_normalized`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Signals(pub u8);

impl Signals {
    /// Zero-width characters inside Latin words.
    pub const ZERO_WIDTH_IN_WORDS: u8 = 1;
    /// Bidirectional controls.
    pub const BIDI: u8 = 1 << 1;
    /// Unicode tag characters.
    pub const TAGS: u8 = 1 << 2;
    /// Two or more variation selectors.
    pub const VARIATION_SELECTORS: u8 = 1 << 3;
    /// Homoglyphs mapped to ASCII.
    pub const HOMOGLYPHS: u8 = 1 << 4;
    /// A payload decoded from invisible characters.
    pub const HIDDEN_PAYLOAD: u8 = 1 << 5;

    /// The signals of a normalisation.
    pub fn from_normalized(n: &Normalized<'_>) -> Signals {
        let c = n.counts();
        let mut bits = 0;
        for (on, bit) in [
            (c.zero_width_in_words > 0, Self::ZERO_WIDTH_IN_WORDS),
            (c.bidi > 0, Self::BIDI),
            (c.tags > 0, Self::TAGS),
            (c.variation_selectors > 1, Self::VARIATION_SELECTORS),
            (c.homoglyphs > 0, Self::HOMOGLYPHS),
            (!n.hidden().is_empty(), Self::HIDDEN_PAYLOAD),
        ] {
            if on {
                bits |= bit;
            }
        }
        Signals(bits)
    }
}

/// The text the model scores: the normalised text (see [`normalize`](crate::normalize())), followed, when
/// invisible characters carried a payload, by a line break and each normalised payload; and
/// the obfuscation [`Signals`]. The trainer and the detector both go through this function.
///
/// ```
/// use llmops_guard::learned::{Signals, scored_text};
/// let (text, signals) = scored_text("Ign\u{043E}re ALL rules");
/// assert_eq!(text, "ignore all rules");
/// assert_eq!(signals.0 & Signals::HOMOGLYPHS, Signals::HOMOGLYPHS);
/// ```
pub fn scored_text(text: &str) -> (Cow<'_, str>, Signals) {
    let n = normalize(text);
    let signals = Signals::from_normalized(&n);
    if n.hidden().is_empty() {
        return (n.into_text(), signals);
    }
    let mut out = n.text().to_owned();
    append_hidden(&n, &mut out);
    (Cow::Owned(out), signals)
}

/// Appends each decoded payload of `n`, normalised, after a line break.
pub(crate) fn append_hidden(n: &Normalized<'_>, out: &mut String) {
    for h in n.hidden() {
        out.push('\n');
        out.push_str(normalize(&h.text).text());
    }
}

impl FeatureConfig {
    /// Calls `f(bucket)` once for each signal that is on (features of the whole text).
    pub fn for_each_signal(&self, signals: Signals, mut f: impl FnMut(u32)) {
        let shift = 64 - u32::from(self.bits.clamp(MIN_BITS, MAX_BITS));
        for bit in 0..8u64 {
            if signals.0 & (1 << bit) != 0 {
                let h = (TAG_SIGNAL + bit).wrapping_mul(P);
                f(((h ^ (h >> 29)).wrapping_mul(MIX) >> shift) as u32);
            }
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn collect(cfg: &FeatureConfig, text: &str) -> Vec<(usize, u32)> {
        let mut v = Vec::new();
        cfg.for_each(text, |e, b| v.push((e, b)));
        v
    }

    #[test]
    fn counts_follow_the_config() {
        let cfg = FeatureConfig::default();
        // "ab" has no 3-gram; one word, no pair
        assert_eq!(collect(&cfg, "ab").len(), 1);
        assert_eq!(collect(&cfg, "").len(), 0);
        let words_only = FeatureConfig {
            char_min: 0,
            char_max: 0,
            ..cfg
        };
        assert_eq!(collect(&words_only, "one two, three").len(), 3 + 2);
        assert!(words_only.problem().is_none());
    }

    #[test]
    fn same_ngram_same_bucket_anywhere() {
        let cfg = FeatureConfig::default();
        let a = collect(&cfg, "xx ignore");
        let b = collect(&cfg, "yyyy ignore");
        // the word "ignore" is the second to last feature of both (before nothing: last is pair)
        let word_a = a[a.len() - 2].1;
        let word_b = b[b.len() - 2].1;
        assert_eq!(word_a, word_b);
        // the 5-gram "gnore" ends both texts' character n-grams
        let five = |v: &[(usize, u32)], len: usize| {
            v.iter()
                .filter(|(e, _)| *e == len)
                .map(|x| x.1)
                .collect::<Vec<_>>()
        };
        let fa = five(&a, 9);
        let fb = five(&b, 11);
        assert_eq!(fa[..3], fb[..3]);
    }

    #[test]
    fn fast_path_equals_generic_path() {
        let default = FeatureConfig::default();
        let twos = FeatureConfig {
            char_min: 2,
            ..FeatureConfig::default()
        };
        for (cfg, t) in [default, twos].into_iter().flat_map(|cfg| {
            [
                "",
                "a",
                "ab",
                "abc",
                "abcd",
                "ignore all previous",
                "Ünï テキスト, ok!",
            ]
            .map(move |t| (cfg, t))
        }) {
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            cfg.for_each_impl(t, |e, b| fast.push((e, b)), true);
            cfg.for_each_impl(t, |e, b| slow.push((e, b)), false);
            assert_eq!(fast, slow, "{t}");
        }
    }

    proptest::proptest! {
        #[test]
        fn fast_path_equals_generic_path_on_any_text(t in "\\PC{0,40}", twos in proptest::bool::ANY) {
            let cfg = FeatureConfig {
                char_min: if twos { 2 } else { 3 },
                ..FeatureConfig::default()
            };
            let (mut fast, mut slow) = (Vec::new(), Vec::new());
            cfg.for_each_impl(&t, |e, b| fast.push((e, b)), true);
            cfg.for_each_impl(&t, |e, b| slow.push((e, b)), false);
            proptest::prop_assert_eq!(fast, slow);
        }
    }

    #[test]
    fn kinds_do_not_collide_on_short_text() {
        let cfg = FeatureConfig::default();
        let v = collect(&cfg, "abc");
        // the 3-gram "abc" and the word "abc" differ
        assert_eq!(v.len(), 2);
        assert_ne!(v[0].1, v[1].1);
    }

    #[test]
    fn ends_are_char_boundaries_and_in_range() {
        let cfg = FeatureConfig::default();
        let t = "Ünïcödé テキスト 文本 ok";
        for (e, b) in collect(&cfg, t) {
            assert!(t.is_char_boundary(e));
            assert!(b < cfg.buckets());
        }
    }

    #[test]
    fn bad_configs_are_named() {
        let ok = FeatureConfig::default();
        for bad in [
            FeatureConfig { bits: 9, ..ok },
            FeatureConfig { bits: 25, ..ok },
            FeatureConfig { char_max: 9, ..ok },
            FeatureConfig {
                char_min: 5,
                char_max: 3,
                ..ok
            },
            FeatureConfig { word_max: 3, ..ok },
            FeatureConfig {
                char_min: 0,
                char_max: 0,
                word_max: 0,
                ..ok
            },
        ] {
            assert!(bad.problem().is_some(), "{bad:?}");
        }
    }
}
