//! Validators that keep false positives down: Shannon entropy, character classes, provider
//! checksums (GitHub, npm), JWT headers, placeholder and code-expression values.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

/// Shannon entropy of `bytes` in bits per byte (0 for an empty slice). Allocation-free.
pub(crate) fn shannon(bytes: &[u8]) -> f64 {
    if bytes.is_empty() {
        return 0.0;
    }
    let mut counts = [0u32; 256];
    for b in bytes {
        if let Some(c) = counts.get_mut(usize::from(*b)) {
            *c += 1;
        }
    }
    let n = bytes.len() as f64;
    counts
        .iter()
        .filter(|c| **c > 0)
        .map(|c| {
            let p = f64::from(*c) / n;
            -p * p.log2()
        })
        .sum()
}

/// Which character classes a value holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Classes {
    pub(crate) lower: bool,
    pub(crate) upper: bool,
    pub(crate) digit: bool,
    pub(crate) symbol: bool,
}

impl Classes {
    pub(crate) fn of(bytes: &[u8]) -> Classes {
        let mut c = Classes::default();
        for b in bytes {
            match b {
                b'a'..=b'z' => c.lower = true,
                b'A'..=b'Z' => c.upper = true,
                b'0'..=b'9' => c.digit = true,
                _ => c.symbol = true,
            }
        }
        c
    }

    /// How many of the four classes are present.
    pub(crate) fn count(self) -> usize {
        usize::from(self.lower)
            + usize::from(self.upper)
            + usize::from(self.digit)
            + usize::from(self.symbol)
    }

    /// Letters and digits both present.
    pub(crate) fn alnum_mix(self) -> bool {
        self.digit && (self.lower || self.upper)
    }
}

/// Base62 value of `s` with the alphabet `0-9A-Za-z` (GitHub's and npm's checksum encoding).
fn base62(s: &[u8]) -> Option<u64> {
    let mut n: u64 = 0;
    for b in s {
        let d = match b {
            b'0'..=b'9' => b - b'0',
            b'A'..=b'Z' => b - b'A' + 10,
            b'a'..=b'z' => b - b'a' + 36,
            _ => return None,
        };
        n = n.checked_mul(62)?.checked_add(u64::from(d))?;
    }
    Some(n)
}

/// The CRC32 checksum of GitHub (`ghp_` ...) and npm (`npm_`) tokens: the last six characters
/// are the base62 CRC32 of the 30 random characters after the prefix.
pub(crate) fn crc32_token(token: &[u8], prefix_len: usize) -> bool {
    let Some(body) = token.get(prefix_len..) else {
        return false;
    };
    if body.len() < 7 {
        return false;
    }
    let (random, check) = body.split_at(body.len() - 6);
    base62(check).is_some_and(|c| c == u64::from(crc32fast::hash(random)))
}

/// Whether `part` (base64url, no padding) decodes to a JSON object with an `alg` member: the
/// header of a JWT. Decodes into a stack buffer; headers over 768 bytes are not JWT headers.
pub(crate) fn jwt_header(part: &[u8]) -> bool {
    if part.len() > 1024 {
        return false;
    }
    let mut buf = [0u8; 768];
    let Ok(n) = URL_SAFE_NO_PAD.decode_slice(part, &mut buf) else {
        return false;
    };
    let Some(json) = buf.get(..n) else {
        return false;
    };
    match serde_json::from_slice::<serde_json::Value>(json) {
        Ok(serde_json::Value::Object(map)) => map.get("alg").is_some_and(|a| a.is_string()),
        _ => false,
    }
}

/// Values that stand for a secret rather than being one: `<password>`, `${TOKEN}`, `****`,
/// `your_api_key`, `changeme`, `xxxxxxxx`, and the documented example keys (`...EXAMPLE...`).
pub(crate) fn placeholder(value: &str) -> bool {
    let lower = value.to_ascii_lowercase();
    const WORDS: &[&str] = &[
        "example",
        "changeme",
        "change_me",
        "placeholder",
        "your_",
        "your-",
        "yourpassword",
        "yourtoken",
        "my_secret",
        "mysecret",
        "secret123",
        "password",
        "passw0rd",
        "redacted",
        "dummy",
        "sample",
        "insert",
        "replace",
        "todo",
        "xxxx",
        "****",
        "....",
        "1234567",
        "abcdef",
        "<",
        "${",
        "{{",
        "%(",
        "%s",
        "$(",
        "env(",
        "environ",
        "process.env",
        "getenv",
    ];
    if WORDS.iter().any(|w| lower.contains(w)) {
        return true;
    }
    // one character repeated, or one character for most of the value
    let bytes = value.as_bytes();
    bytes.first().is_some_and(|f| {
        let same = bytes.iter().filter(|b| *b == f).count();
        same * 2 > bytes.len()
    })
}

/// Values that are code, not secrets: a call (`get_token()`), an attribute path
/// (`settings.api_key`, `request.headers`), a type annotation (`str`, `Optional[str]`), a
/// boolean or null literal, a variable (`$TOKEN`, `@token`).
pub(crate) fn code_like(value: &str) -> bool {
    let bytes = value.as_bytes();
    if bytes
        .first()
        .is_some_and(|b| matches!(b, b'$' | b'@' | b'%' | b'&' | b'*' | b'!'))
    {
        return true;
    }
    if value.contains('(') || value.contains('[') || value.contains("::") || value.contains("->") {
        return true;
    }
    // dotted identifiers: letters/underscores separated by dots, no digits
    let dotted = value.contains('.')
        && value
            .split('.')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphabetic() || b == b'_'));
    if dotted {
        return true;
    }
    const TYPES: &[&str] = &[
        "string",
        "str",
        "none",
        "null",
        "nil",
        "true",
        "false",
        "undefined",
        "required",
        "optional",
        "secretstr",
        "bytes",
        "text",
        "varchar",
        "hidden",
        "masked",
    ];
    let lower = value.to_ascii_lowercase();
    TYPES.contains(&lower.as_str())
}

/// A UUID (`8-4-4-4-12` hex digits).
pub(crate) fn uuid(bytes: &[u8]) -> bool {
    bytes.len() == 36
        && bytes.iter().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => *b == b'-',
            _ => b.is_ascii_hexdigit(),
        })
}

/// Hex digits only.
pub(crate) fn hex_only(bytes: &[u8]) -> bool {
    !bytes.is_empty() && bytes.iter().all(u8::is_ascii_hexdigit)
}

/// Whether `b` can continue a token of `[A-Za-z0-9_-]`.
pub(crate) fn token_byte(b: Option<u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

/// Whether `b` can continue a base64 run (`[A-Za-z0-9+/=]`).
pub(crate) fn base64_byte(b: Option<u8>) -> bool {
    b.is_some_and(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/' || b == b'=')
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn entropy_of_known_strings() {
        assert_eq!(shannon(b""), 0.0);
        assert_eq!(shannon(b"aaaa"), 0.0);
        assert!((shannon(b"abcd") - 2.0).abs() < 1e-9);
        assert!((shannon(b"0123456789abcdef") - 4.0).abs() < 1e-9);
    }

    #[test]
    fn base62_alphabet_order() {
        assert_eq!(base62(b"0"), Some(0));
        assert_eq!(base62(b"Z"), Some(35));
        assert_eq!(base62(b"z"), Some(61));
        assert_eq!(base62(b"10"), Some(62));
        assert_eq!(base62(b"-"), None);
    }

    #[test]
    fn jwt_headers() {
        let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"HS256","typ":"JWT"}"#);
        assert!(jwt_header(header.as_bytes()));
        let no_alg = URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT"}"#);
        assert!(!jwt_header(no_alg.as_bytes()));
        assert!(!jwt_header(b"eyJub3QganNvbg"));
    }

    #[test]
    fn placeholders_and_code() {
        for p in [
            "<your-token>",
            "${API_KEY}",
            "********",
            "changeme123",
            "xxxxxxxxxxxx",
        ] {
            assert!(placeholder(p), "{p}");
        }
        assert!(!placeholder("h7Gq2LmP9xRt"));
        for c in [
            "get_token()",
            "settings.api_key",
            "str",
            "$TOKEN",
            "os.environ[\"X\"]",
        ] {
            assert!(code_like(c), "{c}");
        }
        assert!(!code_like("h7Gq2.LmP9xRt"));
    }

    #[test]
    fn uuids() {
        assert!(uuid(b"123e4567-e89b-12d3-a456-426614174000"));
        assert!(!uuid(b"123e4567e89b12d3a456426614174000"));
    }
}
