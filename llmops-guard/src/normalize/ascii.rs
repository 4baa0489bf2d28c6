//! ASCII fast paths of [`normalize`](super::normalize): for ASCII only case and whitespace
//! change, so stretches are copied and lower-cased in bulk instead of going through the
//! character stages one by one.

use super::{Builder, Normalized, Segment, Unit};

/// Bulk stretches shorter than this go through the character stages (not worth the scans).
const MIN_BULK: usize = 16;

/// The whitespace bytes `char::is_whitespace` accepts among ASCII.
#[inline(always)]
fn is_ws(b: u8) -> bool {
    matches!(b, b'\t' | b'\n' | 0x0b | 0x0c | b'\r' | b' ')
}

/// ASCII already in normal form: no upper case, every whitespace run a single `' '` or `'\n'`.
pub(super) fn ascii_is_normal(bytes: &[u8]) -> bool {
    let mut prev_ws = false;
    for &b in bytes {
        let ws = is_ws(b);
        if b.is_ascii_uppercase() || (ws && (prev_ws || (b != b' ' && b != b'\n'))) {
            return false;
        }
        prev_ws = ws;
    }
    true
}

/// Whether `b` ends a verbatim stretch when `next` follows it: whitespace that is not a lone
/// `' '` or `'\n'` (written without branches, so the chunk test below vectorizes).
#[inline(always)]
fn breaks(b: u8, next: u8) -> bool {
    is_ws(b) & (is_ws(next) | ((b != b' ') & (b != b'\n')))
}

/// The first position at or after `from` where the verbatim stretch ends (see [`breaks`];
/// past the end of `bytes` counts as not whitespace), or `bytes.len()`. Tests 32 bytes at a
/// time while a whole chunk (and the byte after it) holds no break, then byte by byte.
fn stretch_end(bytes: &[u8], mut from: usize) -> usize {
    while let Some(chunk) = bytes
        .get(from..from + 33)
        .and_then(|c| <&[u8; 33]>::try_from(c).ok())
    {
        let (head, next) = (&chunk[..32], &chunk[1..]);
        if head
            .iter()
            .zip(next)
            .fold(false, |acc, (&b, &n)| acc | breaks(b, n))
        {
            break;
        }
        from += 32;
    }
    while let Some(&b) = bytes.get(from) {
        if breaks(b, bytes.get(from + 1).copied().unwrap_or(b'x')) {
            break;
        }
        from += 1;
    }
    from
}

impl<'a> Builder<'a> {
    /// ASCII text: only case and whitespace change (same result as [`run`](Self::run)).
    pub(super) fn run_ascii(mut self) -> Normalized<'a> {
        self.ascii_span(0, self.original.len());
        self.finish()
    }

    /// Emits the ASCII bytes `start..end` of the original, with nothing pending before them
    /// (no word, no whitespace run). Stretches without whitespace to rewrite are copied and
    /// lower-cased in bulk, one map segment each (merged with the one before when
    /// contiguous); each whitespace run to rewrite is one unit. A whitespace run reaching
    /// `end` is emitted too, so `end` must be the end of the text or follow a byte that is
    /// not whitespace.
    #[inline]
    fn ascii_span(&mut self, start: usize, end: usize) {
        let Some(bytes) = self.original.as_bytes().get(..end) else {
            return;
        };
        let mut i = start;
        while i < end {
            // The verbatim stretch: up to a whitespace byte that is not a lone ' ' or '\n'.
            let from = i;
            i = stretch_end(bytes, i);
            if i > from {
                self.emit_ascii_verbatim(from, i);
            }
            // The whitespace run to rewrite, if any.
            let ws_start = i;
            let mut nl = false;
            while let Some(&w) = bytes.get(i).filter(|&&w| is_ws(w)) {
                nl |= w == b'\n';
                i += 1;
            }
            if i > ws_start {
                let c = if nl { '\n' } else { ' ' };
                self.emit(Unit {
                    c,
                    start: ws_start,
                    end: i,
                    verbatim: false,
                });
            }
        }
    }

    /// The general path meets an ASCII character at `i` after an ASCII character that is not
    /// alphanumeric (or at the start): hands the ASCII stretch from `i` to the bulk path, up to
    /// the last byte before the next non-ASCII character that ends a word, and returns where
    /// the character stages resume (`None`: too short, nothing done).
    ///
    /// Why the result is the same: the character before `i` sits alone in the NFKC chunk (an
    /// ASCII character never joins what precedes it) and flushing it here is what the stages
    /// would do on reaching `i`; that leaves no word pending, at most a whitespace run. Inside
    /// the stretch every character is ASCII: nothing joins, nothing is invisible, no word mixes
    /// scripts, so only case and whitespace change, as in [`run_ascii`](Self::run_ascii). The
    /// stretch ends after a byte that is not alphanumeric and before the last ASCII byte
    /// preceding a non-ASCII character (which may join it or continue its word): the stages
    /// resume with no word pending and, if that byte was whitespace, its run pending exactly
    /// as they would have left it (start, end, line break, count, first character).
    pub(super) fn bulk_ascii(&mut self, i: usize) -> Option<usize> {
        let bytes = self.original.as_bytes();
        let len = bytes.len();
        let rest = bytes.get(i..)?;
        // Backspace and DEL go through the character stages (they delete).
        let ascii_end = i + rest
            .iter()
            .position(|&b| !b.is_ascii() || b == super::BACKSPACE || b == super::DELETE)
            .unwrap_or(rest.len());
        let end = if ascii_end == len {
            len
        } else {
            let stretch = bytes.get(i..ascii_end.checked_sub(1)?)?;
            i + stretch.iter().rposition(|b| !b.is_ascii_alphanumeric())? + 1
        };
        if end - i < MIN_BULK {
            return None;
        }
        self.flush_chunk();
        // Continue a pending whitespace run.
        let mut pos = i;
        if self.ws.is_some() {
            while let Some(&b) = bytes.get(pos).filter(|&&b| pos < end && is_ws(b)) {
                self.ws_stage(Unit {
                    c: char::from(b),
                    start: pos,
                    end: pos + 1,
                    verbatim: true,
                });
                pos += 1;
            }
            if pos < end {
                self.flush_ws();
            }
        }
        // The whitespace run the stretch ends with stays pending, unless the text ends here.
        let mut body_end = end;
        if end < len {
            while body_end > pos && bytes.get(body_end - 1).is_some_and(|&b| is_ws(b)) {
                body_end -= 1;
            }
        }
        let body = bytes.get(pos..body_end)?;
        let letters = body.iter().any(u8::is_ascii_alphabetic);
        self.ascii_span(pos, body_end);
        if body_end < end {
            let run = bytes.get(body_end..end)?;
            let first = char::from(*run.first()?);
            self.ws = Some((body_end, end, run.contains(&b'\n'), run.len(), first));
        }
        if letters {
            self.prev_latin = Some(true);
        }
        self.last_kept = Some(char::from(*bytes.get(end - 1)?));
        Some(end)
    }

    /// Copies the ASCII bytes `start..end` of the original, lower-cased, as one verbatim
    /// stretch.
    fn emit_ascii_verbatim(&mut self, start: usize, end: usize) {
        let norm = self.out.len();
        let Some(part) = self.original.get(start..end) else {
            return;
        };
        self.out.push_str(part);
        if let Some(tail) = self.out.get_mut(norm..) {
            tail.make_ascii_lowercase();
        }
        let n = end - start;
        if let Some(last) = self.map.last_mut()
            && last.verbatim
            && last.norm + last.norm_len == norm
            && last.orig + last.orig_len == start
        {
            last.norm_len += n;
            last.orig_len += n;
            return;
        }
        self.map.push(Segment {
            norm,
            norm_len: n,
            orig: start,
            orig_len: n,
            verbatim: true,
        });
    }
}
