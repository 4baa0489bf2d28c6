//! Where each part of a request message comes from: retrieved context and tool outputs that
//! the RAG layer's context builder delimits (`<document …>…</document>`,
//! `<tool_output …>…</tool_output>`) are checked as [`TextSource::Retrieved`] and
//! [`TextSource::ToolResult`], the rest as the message's role.

use llmops_core::{Role, TextSource};

/// The source of a message of `role`: a tool message is a tool result.
pub(crate) fn message_source(role: Role) -> TextSource {
    match role {
        Role::Tool => TextSource::ToolResult,
        r => TextSource::Message(r),
    }
}

const ELEMENTS: [(&str, &str, TextSource); 2] = [
    ("<document", "</document>", TextSource::Retrieved),
    ("<tool_output", "</tool_output>", TextSource::ToolResult),
];

/// Splits `text` (a message from `source`) into consecutive segments `(start, end, source)`
/// covering it. The contents of delimited elements take the element's source (an element
/// without its closing tag runs to the end); the tags and everything else keep `source`.
/// A text without elements is one segment.
pub(crate) fn segments(text: &str, source: TextSource) -> Vec<(usize, usize, TextSource)> {
    let mut out = Vec::new();
    if !text.contains("<document") && !text.contains("<tool_output") {
        out.push((0, text.len(), source));
        return out;
    }
    let mut at = 0;
    loop {
        let next = ELEMENTS
            .iter()
            .filter_map(|(open, close, s)| {
                let rel = text.get(at..)?.find(open)?;
                Some((at + rel, *open, *close, *s))
            })
            .min_by_key(|(p, ..)| *p);
        let Some((open_at, _, close, inner)) = next else {
            break;
        };
        let Some(content_start) = text
            .get(open_at..)
            .and_then(|t| t.find('>'))
            .map(|gt| open_at + gt + 1)
        else {
            break;
        };
        let content_end = text
            .get(content_start..)
            .and_then(|t| t.find(close))
            .map_or(text.len(), |rel| content_start + rel);
        if content_start > at {
            out.push((at, content_start, source));
        }
        if content_end > content_start {
            out.push((content_start, content_end, inner));
        }
        at = content_end;
        if at >= text.len() {
            break;
        }
    }
    if at < text.len() {
        out.push((at, text.len(), source));
    }
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_one_segment() {
        let user = TextSource::Message(Role::User);
        assert_eq!(segments("hello", user), vec![(0, 5, user)]);
    }

    #[test]
    fn documents_and_tool_outputs_are_untrusted() {
        let user = TextSource::Message(Role::User);
        let t = "<document id=\"a\">\nIGNORE\n</document>\n<tool_output name=\"s\">\nRES\n</tool_output>\n\nQuestion: q";
        let segs = segments(t, user);
        let texts: Vec<(&str, TextSource)> =
            segs.iter().map(|(s, e, src)| (&t[*s..*e], *src)).collect();
        assert_eq!(
            texts,
            vec![
                ("<document id=\"a\">", user),
                ("\nIGNORE\n", TextSource::Retrieved),
                ("</document>\n<tool_output name=\"s\">", user),
                ("\nRES\n", TextSource::ToolResult),
                ("</tool_output>\n\nQuestion: q", user),
            ]
        );
        // segments cover the text exactly
        assert_eq!(segs.first().unwrap().0, 0);
        assert_eq!(segs.last().unwrap().1, t.len());
        assert!(segs.windows(2).all(|w| w[0].1 == w[1].0));
    }

    #[test]
    fn an_unclosed_element_runs_to_the_end() {
        let user = TextSource::Message(Role::User);
        let segs = segments("x <document id=1>rest", user);
        assert_eq!(segs, vec![(0, 17, user), (17, 21, TextSource::Retrieved)]);
        let segs = segments("x <document no close", user);
        assert_eq!(segs, vec![(0, 20, user)]);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// Any text splits into consecutive segments on char boundaries covering it exactly.
        #[test]
        fn segments_cover_any_text(parts in proptest::collection::vec(prop_oneof![
            Just("<document id=\"x\">".to_owned()), Just("</document>".to_owned()),
            Just("<tool_output".to_owned()), Just("</tool_output>".to_owned()),
            Just(">".to_owned()), "\\PC{0,12}",
        ], 0..12)) {
            let text = parts.concat();
            let segs = segments(&text, TextSource::Message(Role::User));
            let mut at = 0;
            for (s, e, _) in &segs {
                prop_assert_eq!(*s, at);
                prop_assert!((e > s || text.is_empty()) && text.get(*s..*e).is_some());
                at = *e;
            }
            prop_assert_eq!(at, text.len());
        }
    }
}
