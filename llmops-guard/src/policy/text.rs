//! How untrusted names (a tool name or an argument path the model wrote) appear in reasons.

use std::fmt;

/// At most this many characters of a model-written name go into a reason.
pub(crate) const MAX_NAME_CHARS: usize = 64;

/// A model-written name, shown clipped to [`MAX_NAME_CHARS`] characters with control
/// characters and backticks replaced, so a reason cannot carry a long payload or break out of
/// its quoting.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clipped<'a>(pub(crate) &'a str);

impl fmt::Display for Clipped<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use fmt::Write;
        let mut chars = self.0.chars();
        for c in chars.by_ref().take(MAX_NAME_CHARS) {
            let c = if c.is_control() || c == '`' || is_invisible(c) {
                '?'
            } else {
                c
            };
            f.write_char(c)?;
        }
        if chars.next().is_some() {
            f.write_char('…')?;
        }
        Ok(())
    }
}

/// Bidi controls, zero-width characters and tag characters (invisible in a log line).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{E0000}'..='\u{E007F}')
}

/// A list of roles for a reason: `[a, b]`, or `no roles`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct RoleList<'a>(pub(crate) &'a [String]);

impl fmt::Display for RoleList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0.is_empty() {
            return f.write_str("a caller without roles");
        }
        f.write_str("roles [")?;
        for (i, r) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{}", Clipped(r))?;
        }
        f.write_str("]")
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
    fn clips_and_neutralises() {
        assert_eq!(Clipped("send_email").to_string(), "send_email");
        assert_eq!(Clipped("a`b\nc\u{202E}").to_string(), "a?b?c?");
        let long = "x".repeat(200);
        let shown = Clipped(&long).to_string();
        assert_eq!(shown.chars().count(), MAX_NAME_CHARS + 1);
        assert!(shown.ends_with('…'));
        assert_eq!(
            RoleList(&["a".into(), "b".into()]).to_string(),
            "roles [a, b]"
        );
        assert_eq!(RoleList(&[]).to_string(), "a caller without roles");
    }
}
