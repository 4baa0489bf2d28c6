//! Image input tokens by the providers' documented formulas.
//!
//! - OpenAI tile models (GPT-4o, GPT-4.1, GPT-4.5, GPT-5, o1, o3, GPT-4o-mini ...): `low`
//!   detail costs the base tokens; `high` scales the image to fit 2048×2048, then its shortest
//!   side down to 768 px, and adds the tile tokens per 512-px tile.
//! - OpenAI patch models (GPT-4.1-mini/nano, GPT-5-mini/nano, o4-mini): one token per 32-px
//!   patch, at most 1536 patches (the image is scaled down to fit), times the model's
//!   multiplier.
//! - Anthropic: `width × height / 750` after scaling the long edge down to 1568 px.
//! - Gemini: 258 tokens per 768-px tile (258 for an image of at most 384 px on both sides).
//!
//! The size of an image is read from the header of inline (base64) PNG, GIF, JPEG and WebP
//! data; an image given by URL has no known size and is counted at its rule's maximum.

use super::ModelFamily;

/// How a model turns an image into input tokens.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ImageRule {
    /// Base tokens plus tile tokens per 512-px tile.
    Tiles { base: u64, tile: u64 },
    /// 32-px patches (at most 1536) times a multiplier.
    Patches { multiplier: f64 },
    /// Anthropic: pixels / 750 after the long edge is scaled to 1568.
    Pixels,
    /// Gemini: 258 per 768-px tile.
    GeminiTiles,
}

/// The largest image after OpenAI's high-detail resizing: 2048 × 768, 4 × 2 tiles.
const MAX_TILES: u64 = 8;
const MAX_PATCHES: u64 = 1536;
/// Anthropic scales images over about 1.15 megapixels down (about 1600 tokens).
const ANTHROPIC_MAX: u64 = 1600;
/// Gemini's tiles of a large image (documented for images up to 3072 px: 4 × 4 tiles).
const GEMINI_MAX_TILES: u64 = 16;

impl ImageRule {
    /// The rule for a model (an unknown OpenAI model gets GPT-4o's tiles).
    pub(crate) fn for_model(model: &str, family: ModelFamily) -> ImageRule {
        let bare = model.rsplit('/').next().unwrap_or(model);
        match family {
            ModelFamily::Anthropic => ImageRule::Pixels,
            ModelFamily::Gemini => ImageRule::GeminiTiles,
            ModelFamily::OpenAi | ModelFamily::Other => {
                let starts = |p: &str| bare.starts_with(p);
                if starts("gpt-4.1-mini") || starts("gpt-5-mini") {
                    ImageRule::Patches { multiplier: 1.62 }
                } else if starts("gpt-4.1-nano") || starts("gpt-5-nano") {
                    ImageRule::Patches { multiplier: 2.46 }
                } else if starts("o4-mini") {
                    ImageRule::Patches { multiplier: 1.72 }
                } else if starts("gpt-4o-mini") {
                    ImageRule::Tiles {
                        base: 2833,
                        tile: 5667,
                    }
                } else if starts("gpt-5") {
                    ImageRule::Tiles {
                        base: 70,
                        tile: 140,
                    }
                } else if starts("o1") || starts("o3") {
                    ImageRule::Tiles {
                        base: 75,
                        tile: 150,
                    }
                } else if starts("computer-use") {
                    ImageRule::Tiles {
                        base: 65,
                        tile: 129,
                    }
                } else if family == ModelFamily::OpenAi {
                    ImageRule::Tiles {
                        base: 85,
                        tile: 170,
                    }
                } else {
                    // an unknown family: the most expensive documented rule, so the figure
                    // stays an over-estimate
                    ImageRule::Tiles {
                        base: 2833,
                        tile: 5667,
                    }
                }
            }
        }
    }

    /// The most tokens one image can cost under this rule.
    pub(crate) fn max_tokens(self) -> u64 {
        match self {
            ImageRule::Tiles { base, tile } => base + tile * MAX_TILES,
            ImageRule::Patches { multiplier } => (MAX_PATCHES as f64 * multiplier).ceil() as u64,
            ImageRule::Pixels => ANTHROPIC_MAX,
            ImageRule::GeminiTiles => 258 * GEMINI_MAX_TILES,
        }
    }

    /// Tokens of an image of `size` (width, height) at `detail`; `None` when the size is not
    /// known (the caller takes [`max_tokens`](Self::max_tokens)).
    pub(crate) fn tokens(self, size: Option<(u32, u32)>, low_detail: bool) -> Option<u64> {
        if let ImageRule::Tiles { base, .. } = self
            && low_detail
        {
            return Some(base);
        }
        let (w, h) = size?;
        let (w, h) = (f64::from(w.max(1)), f64::from(h.max(1)));
        Some(match self {
            ImageRule::Tiles { base, tile } => {
                let (mut w, mut h) = (w, h);
                let fit = (2048.0 / w.max(h)).min(1.0);
                w *= fit;
                h *= fit;
                let short = (768.0 / w.min(h)).min(1.0);
                w *= short;
                h *= short;
                let tiles = (w / 512.0).ceil() * (h / 512.0).ceil();
                base + tile * (tiles as u64).min(MAX_TILES)
            }
            ImageRule::Patches { multiplier } => {
                // a hair of tolerance: a side scaled to a whole number of patches stays whole
                let patches = |w: f64, h: f64| (w / 32.0 - 1e-9).ceil() * (h / 32.0 - 1e-9).ceil();
                let mut p = patches(w, h);
                if p > MAX_PATCHES as f64 {
                    let mut r = (32.0 * 32.0 * MAX_PATCHES as f64 / (w * h)).sqrt();
                    let fw = (w * r / 32.0).floor() / (w * r / 32.0);
                    let fh = (h * r / 32.0).floor() / (h * r / 32.0);
                    r *= fw.min(fh);
                    p = patches(w * r, h * r);
                }
                (p.min(MAX_PATCHES as f64) * multiplier).ceil() as u64
            }
            ImageRule::Pixels => {
                let scale = (1568.0 / w.max(h)).min(1.0);
                ((w * scale * h * scale / 750.0).ceil() as u64).min(ANTHROPIC_MAX)
            }
            ImageRule::GeminiTiles => {
                if w <= 384.0 && h <= 384.0 {
                    258
                } else {
                    let tiles = ((w / 768.0).ceil() * (h / 768.0).ceil()) as u64;
                    258 * tiles.min(GEMINI_MAX_TILES)
                }
            }
        })
    }
}

/// The width and height of inline image data (base64 PNG, GIF, JPEG or WebP), from its
/// header; `None` for anything else.
#[cfg(feature = "tokens")]
pub(crate) fn base64_image_size(data: &str) -> Option<(u32, u32)> {
    use base64::Engine;
    // JPEG keeps its size in a frame header after the EXIF block: look at up to 256 KiB
    let take = data.len().min(256 * 1024 / 3 * 4) / 4 * 4;
    let head = base64::engine::general_purpose::STANDARD
        .decode(data.get(..take)?)
        .ok()?;
    image_size(&head)
}

/// The width and height from an image file's first bytes.
#[cfg_attr(not(feature = "tokens"), allow(dead_code))]
pub(crate) fn image_size(b: &[u8]) -> Option<(u32, u32)> {
    let be16 = |i: usize| Some(u32::from(u16::from_be_bytes([*b.get(i)?, *b.get(i + 1)?])));
    let le16 = |i: usize| Some(u32::from(u16::from_le_bytes([*b.get(i)?, *b.get(i + 1)?])));
    let be32 = |i: usize| {
        Some(u32::from_be_bytes([
            *b.get(i)?,
            *b.get(i + 1)?,
            *b.get(i + 2)?,
            *b.get(i + 3)?,
        ]))
    };
    let le24 = |i: usize| {
        Some(u32::from_le_bytes([
            *b.get(i)?,
            *b.get(i + 1)?,
            *b.get(i + 2)?,
            0,
        ]))
    };
    if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some((be32(16)?, be32(20)?));
    }
    if b.starts_with(b"GIF87a") || b.starts_with(b"GIF89a") {
        return Some((le16(6)?, le16(8)?));
    }
    if b.starts_with(b"RIFF") && b.get(8..12) == Some(b"WEBP") {
        return match b.get(12..16)? {
            b"VP8 " => Some((le16(26)? & 0x3fff, le16(28)? & 0x3fff)),
            b"VP8L" => {
                let bits = u32::from_le_bytes([*b.get(21)?, *b.get(22)?, *b.get(23)?, *b.get(24)?]);
                Some(((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1))
            }
            b"VP8X" => Some((le24(24)? + 1, le24(27)? + 1)),
            _ => None,
        };
    }
    if b.starts_with(&[0xff, 0xd8]) {
        let mut i = 2usize;
        while i + 9 < b.len() {
            if *b.get(i)? != 0xff {
                return None;
            }
            let marker = *b.get(i + 1)?;
            if marker == 0xff {
                i += 1;
                continue;
            }
            let len = be16(i + 2)? as usize;
            // start-of-frame markers (not DHT, JPG, DAC)
            if (0xc0..=0xcf).contains(&marker) && ![0xc4, 0xc8, 0xcc].contains(&marker) {
                return Some((be16(i + 7)?, be16(i + 5)?));
            }
            i += 2 + len;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn openai_documented_examples() {
        let gpt4o = ImageRule::for_model("gpt-4o", ModelFamily::OpenAi);
        // the vision guide's examples: 1024² high = 765, 2048×4096 high = 1105, low = 85
        assert_eq!(gpt4o.tokens(Some((1024, 1024)), false), Some(765));
        assert_eq!(gpt4o.tokens(Some((2048, 4096)), false), Some(1105));
        assert_eq!(gpt4o.tokens(None, true), Some(85));
        assert_eq!(gpt4o.tokens(None, false), None);
        assert_eq!(gpt4o.max_tokens(), 85 + 170 * 8);
        // patch models: 1024² = 1024 patches; 1800×2400 is scaled to 1452 patches
        let mini = ImageRule::for_model("openai/gpt-4.1-mini", ModelFamily::OpenAi);
        assert_eq!(mini.tokens(Some((1024, 1024)), false), Some(1659)); // ⌈1024 × 1.62⌉
        let one = ImageRule::Patches { multiplier: 1.0 };
        assert_eq!(one.tokens(Some((1800, 2400)), false), Some(1452));
        assert!(one.tokens(Some((10_000, 10_000)), false) <= Some(1536));
    }

    #[test]
    fn other_families() {
        let claude = ImageRule::for_model("claude-sonnet-4-5", ModelFamily::Anthropic);
        assert_eq!(claude.tokens(Some((1000, 1000)), false), Some(1334));
        assert_eq!(claude.tokens(Some((8000, 8000)), false), Some(1600));
        let gemini = ImageRule::for_model("gemini-2.5-flash", ModelFamily::Gemini);
        assert_eq!(gemini.tokens(Some((300, 300)), false), Some(258));
        assert_eq!(gemini.tokens(Some((1000, 700)), false), Some(516));
    }

    #[test]
    fn sizes_from_headers() {
        let mut png = b"\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR".to_vec();
        png.extend(640u32.to_be_bytes());
        png.extend(480u32.to_be_bytes());
        assert_eq!(image_size(&png), Some((640, 480)));
        let gif = b"GIF89a\x20\x03\x58\x02rest";
        assert_eq!(image_size(gif), Some((800, 600)));
        // SOI, an APP0 segment of 16 bytes, then SOF0 with height 300 and width 200
        let mut jpg = vec![0xff, 0xd8, 0xff, 0xe0, 0, 16];
        jpg.extend([0u8; 14]);
        jpg.extend([0xff, 0xc0, 0, 17, 8, 0x01, 0x2c, 0x00, 0xc8, 3]);
        jpg.extend([0u8; 12]);
        assert_eq!(image_size(&jpg), Some((200, 300)));
        assert_eq!(image_size(b"not an image"), None);
        assert_eq!(image_size(&[0xff, 0xd8, 0xff]), None);
        #[cfg(feature = "tokens")]
        {
            use base64::Engine;
            let b64 = base64::engine::general_purpose::STANDARD.encode(&png);
            assert_eq!(base64_image_size(&b64), Some((640, 480)));
            assert_eq!(base64_image_size("%%%"), None);
        }
    }
}
