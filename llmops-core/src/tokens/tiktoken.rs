//! [`Tiktoken`]: OpenAI's encodings (o200k_base, cl100k_base).
//!
//! Counting and encoding run on GitHub's `bpe-openai` (linear-time byte-pair encoding with
//! tiktoken's pre-tokenisation): it gives the same token ids as tiktoken — checked on a corpus
//! of prose, code, unicode and long whitespace runs in this module's tests — and counts about
//! twice as fast as `tiktoken-rs` (docs/benchmarks.md, "Token counting"). `tiktoken-rs` stays
//! for the model → encoding map and to decode ids outside the ordinary vocabulary (special
//! tokens), so behaviour is unchanged where `bpe-openai` has no table.

use super::TokenCounter;
use crate::{Error, Result};

/// An OpenAI encoding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Encoding {
    /// GPT-4o, GPT-4.1, GPT-5, o-series.
    O200kBase,
    /// GPT-4, GPT-3.5-turbo, text-embedding-3.
    Cl100kBase,
}

impl Encoding {
    /// The encoding's name.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::O200kBase => "o200k_base",
            Encoding::Cl100kBase => "cl100k_base",
        }
    }

    /// The shared `bpe-openai` tokenizer (deserialised once per process, on first use).
    fn fast(self) -> &'static bpe_openai::Tokenizer {
        match self {
            Encoding::O200kBase => bpe_openai::o200k_base(),
            Encoding::Cl100kBase => bpe_openai::cl100k_base(),
        }
    }

    /// The shared `tiktoken-rs` tables (loaded once per process, on first use).
    fn tiktoken(self) -> &'static tiktoken_rs::CoreBPE {
        match self {
            Encoding::O200kBase => tiktoken_rs::o200k_base_singleton(),
            Encoding::Cl100kBase => tiktoken_rs::cl100k_base_singleton(),
        }
    }
}

/// Exact token counts with OpenAI's encodings (tables compiled in; no network). Tables load on
/// first use (tens of ms) and are shared by every counter in the process: a `Tiktoken` is a
/// two-byte `Copy` handle.
///
/// ```
/// use llmops_core::{TokenCounter, Tiktoken};
/// let t = Tiktoken::for_model("gpt-4.1-mini");
/// assert_eq!(t.id(), "o200k_base");
/// assert!(t.exact());
/// assert_eq!(t.count("hello world"), 2);
/// let toks = t.encode("hello world");
/// assert_eq!(t.decode(&toks).unwrap(), "hello world");
/// // another family is approximated, and says so
/// assert!(!Tiktoken::for_model("claude-sonnet-4-5").exact());
/// ```
#[derive(Debug, Clone, Copy)]
pub struct Tiktoken {
    encoding: Encoding,
    exact: bool,
}

impl Tiktoken {
    /// A counter for an encoding.
    pub fn new(encoding: Encoding) -> Self {
        Tiktoken {
            encoding,
            exact: true,
        }
    }

    /// The counter for a model: its own encoding for OpenAI models (cl100k for GPT-4 and
    /// GPT-3.5, o200k otherwise, `ft:` fine-tunes by their base), o200k flagged inexact for
    /// other families. A `provider/` prefix is ignored.
    pub fn for_model(model: &str) -> Self {
        match openai_encoding(model) {
            Some(encoding) => Tiktoken::new(encoding),
            None => Tiktoken {
                encoding: Encoding::O200kBase,
                exact: false,
            },
        }
    }

    /// The encoding.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }
}

/// The encoding of an OpenAI model, `None` for other families (and OpenAI's pre-GPT-3.5
/// encodings, which are not bundled).
pub(crate) fn openai_encoding(model: &str) -> Option<Encoding> {
    use tiktoken_rs::tokenizer::{Tokenizer, get_tokenizer};
    let bare = model.rsplit('/').next().unwrap_or(model);
    match get_tokenizer(bare) {
        Some(Tokenizer::Cl100kBase) => Some(Encoding::Cl100kBase),
        // o200k_harmony is o200k_base plus special tokens: the same ids for raw text
        Some(Tokenizer::O200kBase | Tokenizer::O200kHarmony) => Some(Encoding::O200kBase),
        Some(_) | None => None,
    }
}

impl TokenCounter for Tiktoken {
    fn id(&self) -> &str {
        self.encoding.name()
    }
    fn exact(&self) -> bool {
        self.exact
    }
    fn count(&self, text: &str) -> usize {
        self.encoding.fast().count(text)
    }
    fn encode(&self, text: &str) -> Vec<u32> {
        self.encoding.fast().encode(text)
    }
    fn decode(&self, tokens: &[u32]) -> Result<String> {
        let fast = self.encoding.fast();
        let vocab = fast.bpe.num_tokens();
        if tokens.iter().all(|&t| (t as usize) < vocab) {
            return String::from_utf8(fast.bpe.decode_tokens(tokens)).map_err(|e| {
                Error::invalid(format!(
                    "tokens do not decode with {}: {e}",
                    self.encoding.name()
                ))
            });
        }
        // special tokens (or ids of no token at all): tiktoken-rs knows the former
        self.encoding.tiktoken().decode(tokens).map_err(|e| {
            Error::invalid(format!(
                "tokens do not decode with {}: {e}",
                self.encoding.name()
            ))
        })
    }
    /// One encode, then each token's byte length from the table: linear in the text.
    fn token_offsets(&self, text: &str) -> Result<Vec<usize>> {
        let fast = self.encoding.fast();
        let vocab = fast.bpe.num_tokens();
        let tokens = fast.encode(text);
        let mut offsets = Vec::with_capacity(tokens.len());
        let mut pos = 0usize;
        for &t in &tokens {
            let mut start = pos.min(text.len());
            while !text.is_char_boundary(start) {
                start -= 1;
            }
            offsets.push(start);
            if t as usize >= vocab {
                return Err(Error::invalid(format!(
                    "{}: token {t} is not in the vocabulary",
                    self.encoding.name()
                )));
            }
            pos += fast.bpe.token_len(t);
        }
        if pos != text.len() {
            return Err(Error::invalid(format!(
                "{}: tokens cover {pos} of {} bytes",
                self.encoding.name(),
                text.len()
            )));
        }
        Ok(offsets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn xorshift(seed: &mut u64) -> u64 {
        *seed ^= *seed << 13;
        *seed ^= *seed >> 7;
        *seed ^= *seed << 17;
        *seed
    }

    /// The corpus `bpe-openai` was checked on: unicode (combining marks, ZWJ emoji, RTL,
    /// Devanagari, title case), code, contractions, digits and long whitespace runs.
    fn corpus() -> Vec<String> {
        let pieces = [
            " ",
            "  ",
            "\t",
            "\n",
            "\r\n",
            "\n\n\n",
            "        ",
            "a",
            "Hello",
            "world",
            "'s",
            "'LL",
            "123",
            "4567890",
            "東京",
            "日本語",
            "🦀",
            "🧑\u{200d}🚀",
            "é",
            "e\u{301}",
            "Ωmega",
            "ß",
            "ẞ",
            "İ",
            "ÀÉÎ",
            "привет",
            "مرحبا",
            "नमस्ते",
            "{",
            "}",
            "();",
            "//",
            "->",
            "::",
            "<|endoftext|>",
            "\u{a0}",
            "\u{2003}",
            "\u{200b}",
            "x_y",
            "CamelCase",
            "HTTPServer",
            "don't",
            "I'M",
            ".",
            "...",
            "\u{0}",
            "\u{7f}",
            "ǅ",
            "ʰ",
            "ᾈ",
        ];
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut texts = Vec::new();
        for _ in 0..3000 {
            let n = (xorshift(&mut seed) % 40) as usize;
            let mut s = String::new();
            for _ in 0..n {
                s.push_str(pieces[(xorshift(&mut seed) % pieces.len() as u64) as usize]);
            }
            texts.push(s);
        }
        for n in [1usize, 2, 3, 17, 500, 5000] {
            for w in [" ", "\n", "\t", " \n", "\r\n"] {
                texts.push(w.repeat(n));
                texts.push(format!("a{}b", w.repeat(n)));
                texts.push(format!("{}x", w.repeat(n)));
            }
        }
        texts.push(include_str!("mod.rs").to_owned());
        texts.push(include_str!("../types/request.rs").to_owned());
        texts
    }

    /// `bpe-openai` and `tiktoken-rs` give the same ids on the whole corpus, both encodings.
    #[test]
    fn bpe_openai_gives_tiktoken_ids() {
        let texts = corpus();
        for enc in [Encoding::O200kBase, Encoding::Cl100kBase] {
            let t = Tiktoken::new(enc);
            for text in &texts {
                let reference = enc.tiktoken().encode_ordinary(text);
                assert_eq!(t.encode(text), reference, "{enc:?}: {text:?}");
                assert_eq!(t.count(text), reference.len(), "{enc:?}: {text:?}");
                assert_eq!(t.decode(&reference).unwrap(), *text);
            }
        }
    }

    #[test]
    fn special_and_unknown_ids_decode_like_tiktoken() {
        let t = Tiktoken::new(Encoding::Cl100kBase);
        assert_eq!(t.decode(&[100257]).unwrap(), "<|endoftext|>");
        assert!(t.decode(&[u32::MAX]).is_err());
        // a lone continuation byte is not UTF-8
        let bytes = t.encode("é");
        if bytes.len() == 1 {
            assert!(t.decode(&[]).unwrap().is_empty());
        }
    }

    #[test]
    fn model_map() {
        assert_eq!(openai_encoding("gpt-oss-120b"), Some(Encoding::O200kBase));
        assert_eq!(openai_encoding("o3"), Some(Encoding::O200kBase));
        assert_eq!(openai_encoding("gpt-3.5-turbo"), Some(Encoding::Cl100kBase));
        assert_eq!(openai_encoding("azure/gpt-4o"), Some(Encoding::O200kBase));
        assert_eq!(openai_encoding("claude-sonnet-4-5"), None);
        assert_eq!(openai_encoding("text-davinci-003"), None);
    }
}
