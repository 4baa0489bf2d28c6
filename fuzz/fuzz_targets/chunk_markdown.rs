//! Arbitrary text through the Markdown, recursive and sentence chunkers: pieces that are
//! exact slices of the text at their spans, in order, never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use llmops_rag::Document;
use llmops_rag::chunk::{Chunker, MarkdownChunker, RecursiveChunker, SentenceChunker};

fuzz_target!(|data: &[u8]| {
    let Some((&size, rest)) = data.split_first() else {
        return;
    };
    let max = usize::from(size % 64) + 1;
    let text = String::from_utf8_lossy(rest);
    let doc = Document::new("fuzz", text.as_ref());
    let chunkers: [Box<dyn Chunker>; 3] = [
        Box::new(MarkdownChunker::new(max, 0).unwrap()),
        Box::new(RecursiveChunker::new(max, max / 2).unwrap()),
        Box::new(SentenceChunker::new(max, 1).unwrap()),
    ];
    for c in &chunkers {
        let pieces = c.chunk(&doc).unwrap();
        let mut last = (0, 0);
        for p in &pieces {
            assert_eq!(Some(p.text.as_str()), doc.text.get(p.span.0..p.span.1));
            assert!(!p.text.trim().is_empty());
            assert!(p.span.0 >= last.0 && p.span.1 >= last.1);
            last = p.span;
        }
    }
});
