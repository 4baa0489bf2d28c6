//! Expected vs output as HTML: `<del>` for what the expected text had and the output lacks,
//! `<ins>` for what the output added. One-line texts are diffed word by word; multi-line texts
//! line by line, with the changed words inside a changed line marked (`<mark>`).

use std::fmt::Write as _;
use std::time::Duration;

use similar::{ChangeTag, TextDiff};

use super::esc;

/// A diff never takes longer than this (similar falls back to a coarser diff).
const DIFF_TIMEOUT: Duration = Duration::from_millis(250);

/// `expected` vs `output`, as escaped HTML for a `<pre class="diff">`.
pub(crate) fn diff_html(expected: &str, output: &str) -> String {
    if expected.contains('\n') || output.contains('\n') {
        line_diff(expected, output)
    } else {
        word_diff(expected, output)
    }
}

fn word_diff(expected: &str, output: &str) -> String {
    let diff = TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_words(expected, output);
    let mut out = String::new();
    let mut run: Option<(ChangeTag, String)> = None;
    // merge consecutive changes of one kind into one element
    for ch in diff.iter_all_changes() {
        match &mut run {
            Some((tag, text)) if *tag == ch.tag() => text.push_str(ch.value()),
            _ => {
                if let Some((tag, text)) = run.take() {
                    push_span(&mut out, tag, &text);
                }
                run = Some((ch.tag(), ch.value().to_owned()));
            }
        }
    }
    if let Some((tag, text)) = run {
        push_span(&mut out, tag, &text);
    }
    out
}

fn push_span(out: &mut String, tag: ChangeTag, text: &str) {
    match tag {
        ChangeTag::Equal => out.push_str(&esc(text)),
        ChangeTag::Delete => {
            let _ = write!(out, "<del>{}</del>", esc(text));
        }
        ChangeTag::Insert => {
            let _ = write!(out, "<ins>{}</ins>", esc(text));
        }
    }
}

fn line_diff(expected: &str, output: &str) -> String {
    // a missing final newline would make the last line differ on one side only
    let terminated = |s: &str| {
        if s.ends_with('\n') {
            s.to_owned()
        } else {
            format!("{s}\n")
        }
    };
    let (expected, output) = (terminated(expected), terminated(output));
    let diff = TextDiff::configure()
        .timeout(DIFF_TIMEOUT)
        .diff_lines(expected.as_str(), output.as_str());
    let deadline = std::time::Instant::now().checked_add(DIFF_TIMEOUT);
    let mut out = String::new();
    for op in diff.ops() {
        for change in diff.iter_inline_changes_deadline(op, deadline) {
            let (open, close, sign) = match change.tag() {
                ChangeTag::Equal => ("<span class=\"eq\">", "</span>", ' '),
                ChangeTag::Delete => ("<del>", "</del>", '-'),
                ChangeTag::Insert => ("<ins>", "</ins>", '+'),
            };
            out.push_str(open);
            out.push(sign);
            out.push(' ');
            for (emph, value) in change.iter_strings_lossy() {
                let v = value.trim_end_matches(['\n', '\r']);
                if emph && change.tag() != ChangeTag::Equal {
                    let _ = write!(out, "<mark>{}</mark>", esc(v));
                } else {
                    out.push_str(&esc(v));
                }
            }
            out.push_str(close);
            out.push('\n');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_removed_and_added_are_marked() {
        let h = diff_html("Paris is the capital", "Lyon is the capital <b>");
        assert!(h.contains("<del>Paris</del>"), "{h}");
        assert!(h.contains("<ins>Lyon</ins>"), "{h}");
        assert!(h.contains("&lt;b&gt;") && !h.contains("<b>"), "{h}");
    }

    #[test]
    fn identical_texts_have_no_marks() {
        let h = diff_html("same\ntext", "same\ntext");
        assert!(!h.contains("<del>") && !h.contains("<ins>"), "{h}");
        assert!(h.contains("same") && h.contains("text"));
    }

    #[test]
    fn lines_diff_with_inline_emphasis() {
        let h = diff_html("a\nthe cat sat\nz", "a\nthe dog sat\nz");
        assert!(
            h.contains("<del>- the <mark>cat</mark>") || h.contains("<mark>cat</mark>"),
            "{h}"
        );
        assert!(h.contains("<ins>+ "), "{h}");
        assert!(h.contains("<mark>dog</mark>"), "{h}");
        assert!(h.contains("<span class=\"eq\">  z</span>"), "{h}");
    }
}
