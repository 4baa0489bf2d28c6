//! HTML to text through `html2text`, and the document's `<title>`.

use html2text::render::TextDecorator;

use crate::{RagError, Result};

/// Columns the text is laid out in: wide enough that paragraphs stay on one line.
const WIDTH: usize = 100_000;

/// The deepest element nesting converted. `html2text`'s layout is quadratic in the depth
/// (10,000 nested `<div>`s take ~0.3 s, 40,000 ~6 s), real pages nest well under 100: deeper
/// input is refused with a load error rather than stalling the loader.
pub const MAX_HTML_DEPTH: usize = 1024;

/// The readable text of an HTML document: scripts, styles and the `<head>` dropped, block
/// elements on their own lines, tables without borders, links and emphasis as their text,
/// images as their alt text. Headings keep Markdown markers (`## Shipping`), list items
/// `* ` / `1. ` and quotes `> `, so a [`MarkdownChunker`](crate::chunk::MarkdownChunker)
/// finds the sections of an HTML page too.
///
/// ```
/// let text = llmops_rag::load::html_to_text(
///     "<html><head><title>T</title><style>p{}</style></head>\
///      <body><h1>Refunds</h1><p>Within <b>5</b> days.</p><script>x()</script></body></html>",
///     "page.html",
/// ).unwrap();
/// assert!(text.contains("Refunds"));
/// assert!(text.contains("Within 5 days."));
/// assert!(!text.contains("x()") && !text.contains("p{}"));
/// ```
pub fn html_to_text(html: &str, source_name: &str) -> Result<String> {
    let fail = |e: html2text::Error| RagError::Load {
        source_name: source_name.to_owned(),
        message: format!("HTML to text: {e}"),
    };
    let config = html2text::config::with_decorator(Readable)
        .no_table_borders()
        .link_footnotes(false)
        .allow_width_overflow();
    let dom = config.parse_html(html.as_bytes()).map_err(fail)?;
    let depth = depth(&dom.document);
    if depth > MAX_HTML_DEPTH {
        return Err(RagError::Load {
            source_name: source_name.to_owned(),
            message: format!(
                "HTML nests {depth} elements deep; at most {MAX_HTML_DEPTH} are converted"
            ),
        });
    }
    let tree = config.dom_to_render_tree(&dom).map_err(fail)?;
    let text = config.render_to_string(tree, WIDTH).map_err(fail)?;
    // lines carry the layout's trailing padding; keep the text, not the padding
    let mut out = String::with_capacity(text.len());
    for line in text.lines() {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    Ok(out.trim_end().to_owned())
}

/// The deepest nesting under `root` (iterative: deep input must not overflow the stack).
fn depth(root: &html2text::Handle) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(root.clone(), 0usize)];
    while let Some((node, d)) = stack.pop() {
        deepest = deepest.max(d);
        if d > MAX_HTML_DEPTH {
            break;
        }
        for child in node.children.borrow().iter() {
            stack.push((child.clone(), d + 1));
        }
    }
    deepest
}

/// Plain text with Markdown block markers and no inline markup.
#[derive(Debug, Clone, Copy)]
struct Readable;

impl TextDecorator for Readable {
    type Annotation = ();

    fn decorate_link_start(&mut self, _url: &str) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_link_end(&mut self) -> String {
        String::new()
    }
    fn decorate_em_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_em_end(&self) -> String {
        String::new()
    }
    fn decorate_strong_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_strong_end(&self) -> String {
        String::new()
    }
    fn decorate_strikeout_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_strikeout_end(&self) -> String {
        String::new()
    }
    fn decorate_code_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_code_end(&self) -> String {
        String::new()
    }
    fn decorate_preformat_first(&self) {}
    fn decorate_preformat_cont(&self) {}
    fn decorate_image(&mut self, _src: &str, title: &str) -> (String, ()) {
        (title.to_owned(), ())
    }
    fn header_prefix(&self, level: usize) -> String {
        format!("{} ", "#".repeat(level.clamp(1, 6)))
    }
    fn quote_prefix(&self) -> String {
        "> ".to_owned()
    }
    fn unordered_item_prefix(&self) -> String {
        "* ".to_owned()
    }
    fn ordered_item_prefix(&self, i: i64) -> String {
        format!("{i}. ")
    }
    fn make_subblock_decorator(&self) -> Self {
        Readable
    }
    fn decorate_superscript_start(&self) -> (String, ()) {
        (String::new(), ())
    }
    fn decorate_superscript_end(&self) -> String {
        String::new()
    }
}

/// The text of the first `<title>` element, entities decoded and whitespace collapsed;
/// `None` when there is none or it is blank.
///
/// ```
/// let t = llmops_rag::load::html_title("<head><TITLE> Fish &amp; chips\n</TITLE></head>");
/// assert_eq!(t.as_deref(), Some("Fish & chips"));
/// ```
pub fn html_title(html: &str) -> Option<String> {
    let lower = html.to_ascii_lowercase();
    let mut from = 0;
    let open = loop {
        let at = from + lower.get(from..)?.find("<title")?;
        let after = at + "<title".len();
        // `<title>` or `<title attr>`, not `<titles>`
        match lower.as_bytes().get(after) {
            Some(b'>' | b' ' | b'\t' | b'\n' | b'\r' | b'/') => break after,
            _ => from = after,
        }
    };
    let body_start = open + lower.get(open..)?.find('>')? + 1;
    let body_end = body_start + lower.get(body_start..)?.find("</title")?;
    let raw = html.get(body_start..body_end)?;
    // the title is text (RCDATA): escape `<` so only entities are interpreted
    let escaped = format!("<p>{}</p>", raw.replace('<', "&lt;"));
    let text = html2text::config::plain_no_decorate()
        .allow_width_overflow()
        .string_from_read(escaped.as_bytes(), WIDTH)
        .ok()?;
    let title = text.split_whitespace().collect::<Vec<_>>().join(" ");
    (!title.is_empty()).then_some(title)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn text_keeps_blocks_and_drops_scripts() {
        let html = "<!doctype html><html><head><title>Help</title>\
            <script>var secret = 1;</script></head><body>\
            <h2>Shipping</h2><p>We ship <a href=\"https://x.invalid\">worldwide</a>.</p>\
            <ul><li>Fast</li><li>Cheap</li></ul>\
            <table><tr><td>a</td><td>b</td></tr></table>\
            <style>.x{color:red}</style><p>東京 🦀</p></body></html>";
        let text = html_to_text(html, "t.html").unwrap();
        assert!(text.contains("## Shipping\n"), "{text}");
        assert!(text.contains("* Fast\n* Cheap"), "{text}");
        assert!(text.contains("We ship worldwide."), "{text}");
        assert!(text.contains("Fast") && text.contains("Cheap"));
        assert!(text.contains("東京 🦀"));
        assert!(!text.contains("secret") && !text.contains("color:red"));
        assert!(!text.contains("x.invalid"), "no link footnotes: {text}");
        assert!(text.lines().all(|l| l.len() == l.trim_end().len()));
    }

    #[test]
    fn deep_nesting_is_refused_not_stalled() {
        let ok = "<div>".repeat(200) + "deep" + &"</div>".repeat(200);
        assert_eq!(html_to_text(&ok, "ok.html").unwrap(), "deep");
        let n = MAX_HTML_DEPTH + 10;
        let deep = "<div>".repeat(n) + "x";
        let err = html_to_text(&deep, "deep.html").unwrap_err();
        assert!(err.to_string().contains("nests"), "{err}");
    }

    #[test]
    fn titles() {
        assert_eq!(html_title("<p>no title</p>"), None);
        assert_eq!(html_title("<title>  </title>"), None);
        assert_eq!(html_title("<titles>x</titles>"), None);
        assert_eq!(
            html_title("<title lang=en>A &lt;b&gt; &#x1F980; <i>x</title>").as_deref(),
            Some("A <b> 🦀 <i>x")
        );
        assert_eq!(html_title("<title>unclosed"), None);
    }
}
