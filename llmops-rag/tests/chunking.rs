//! Loading and chunking: loaders over real files, chunker invariants over arbitrary text.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::Path;
use std::sync::Arc;

use llmops_core::{Tiktoken, TokenCounter};
use llmops_rag::chunk::{
    Chunker, MarkdownChunker, RecursiveChunker, SentenceChunker, TokenChunker,
};
use llmops_rag::load::{LoadOptions, load_dir, load_file, parse_jsonl};
use llmops_rag::{Acl, Document, Format, RagError};
use proptest::prelude::*;
use serde_json::json;
use unicode_segmentation::UnicodeSegmentation;

fn write(dir: &Path, rel: &str, content: impl AsRef<[u8]>) {
    let path = dir.join(rel);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, content).unwrap();
}

fn load_err(r: llmops_rag::Result<Vec<Document>>) -> (String, String) {
    match r {
        Err(RagError::Load {
            source_name,
            message,
        }) => (source_name, message),
        other => panic!("expected a load error, got {other:?}"),
    }
}

// ---------------------------------------------------------------- loaders

#[test]
fn each_format_loads_with_ids_meta_labels_and_source() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "notes.txt", "Plain text.\n");
    write(
        d,
        "guide/intro.md",
        "---\ntitle: fm\n---\nLead.\n# Getting started\nText.",
    );
    write(
        d,
        "guide/page.HTML",
        "<html><head><title>Help &amp; Support</title><script>evil()</script></head>\
         <body><h1>Help</h1><p>Call us.</p></body></html>",
    );
    write(
        d,
        "kb/records.jsonl",
        "{\"id\":\"kb-1\",\"text\":\"One.\",\"title\":\"First\"}\n\n{\"id\":\"kb-2\",\"text\":\"Two.\",\"meta\":{\"lang\":\"de\"}}\n",
    );
    let opts = LoadOptions::new()
        .acl(Acl::tenant("acme"))
        .meta("origin", "test");
    let docs = load_dir(d, &opts).unwrap();
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "guide/intro.md",
            "guide/page.HTML",
            "kb-1",
            "kb-2",
            "notes.txt"
        ]
    );
    for doc in &docs {
        assert_eq!(doc.acl, Acl::tenant("acme"));
        assert_eq!(doc.meta["origin"], "test");
        assert!(doc.source.as_ref().unwrap().path.starts_with(d));
    }
    let md = &docs[0];
    assert_eq!(md.format, Format::Markdown);
    assert_eq!(md.meta["title"], "Getting started");
    assert_eq!(md.meta["path"], "guide/intro.md");
    let html = &docs[1];
    assert_eq!(html.format, Format::Html);
    assert_eq!(html.meta["title"], "Help & Support");
    assert!(html.text.contains("Call us.") && !html.text.contains("evil"));
    let kb1 = &docs[2];
    assert_eq!(kb1.meta["title"], "First");
    assert_eq!(kb1.meta["path"], "kb/records.jsonl");
    assert_eq!(kb1.source.as_ref().unwrap().line, Some(1));
    assert_eq!(docs[3].meta["lang"], "de");
    assert_eq!(docs[3].source.as_ref().unwrap().line, Some(3));
    let txt = &docs[4];
    assert_eq!(
        (txt.format, txt.text.as_str()),
        (Format::Text, "Plain text.\n")
    );
    assert!(!txt.meta.contains_key("title"));
}

#[test]
fn load_file_dispatches_and_refuses_unknown_extensions() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "a.markdown", "# T\nx");
    write(d, "b.pdf", "%PDF");
    write(d, "README", "x");
    let docs = load_file(d.join("a.markdown"), &LoadOptions::new()).unwrap();
    assert_eq!(docs.len(), 1);
    assert!(docs[0].id.ends_with("/a.markdown"));
    let (name, msg) = load_err(load_file(d.join("b.pdf"), &LoadOptions::new()));
    assert!(name.ends_with("b.pdf"));
    assert!(msg.contains("extension `.pdf`"), "{msg}");
    let (_, msg) = load_err(load_file(d.join("README"), &LoadOptions::new()));
    assert!(msg.contains("no extension"), "{msg}");
    let (_, msg) = load_err(load_file(d.join("missing.txt"), &LoadOptions::new()));
    assert!(!msg.is_empty());
}

#[test]
fn load_dir_never_drops_silently() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "a.txt", "a");
    write(d, "sub/b.bin", [0u8, 1, 2]);
    write(d, ".git/config", "[core]");
    write(d, ".hidden.txt", "h");
    // an unknown extension is an error by default ...
    let (name, msg) = load_err(load_dir(d, &LoadOptions::new()));
    assert!(name.ends_with("b.bin"), "{name}");
    assert!(msg.contains("skip_unknown"), "{msg}");
    // ... and passed over only when asked
    let docs = load_dir(d, &LoadOptions::new().skip_unknown(true)).unwrap();
    assert_eq!(docs.len(), 1);
    // hidden entries are included on request (then `.git/config` is unknown)
    let docs = load_dir(
        d,
        &LoadOptions::new().skip_unknown(true).include_hidden(true),
    )
    .unwrap();
    let ids: Vec<&str> = docs.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(ids, [".hidden.txt", "a.txt"]);
}

#[test]
fn bad_jsonl_lines_are_typed_errors_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let ok = r#"{"id":"a","text":"x"}"#;
    let cases = [
        (format!("{ok}\n\n{{\"id\":\"b\"}}\n"), 3, "missing `text`"),
        (format!("{ok}\n{{oops\n"), 2, "not a JSON object"),
        (
            format!("\n\n\n{ok}\n{ok}"),
            5,
            "duplicate id `a` (first on line 4)",
        ),
        (
            "\"just a string\"".to_owned(),
            1,
            "not a JSON object but a string",
        ),
        (
            r#"{"id":"a","text":"x","acl":{"tenant":"t","rolez":["x"]}}"#.to_owned(),
            1,
            "unknown field `acl.rolez`",
        ),
    ];
    for (content, line, what) in cases {
        write(d, "f.jsonl", &content);
        let (name, msg) = load_err(load_file(d.join("f.jsonl"), &LoadOptions::new()));
        assert!(
            name.ends_with(&format!("f.jsonl:{line}")),
            "{name} for {content:?}"
        );
        assert!(msg.contains(what), "{msg} for {content:?}");
    }
    // the same parser without a file
    let err = parse_jsonl("\n{\"id\":1,\"text\":\"x\"}", "mem", &LoadOptions::new()).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cannot load mem:2: `id` must be a string, got a number"
    );
}

#[test]
fn not_utf8_names_the_line() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path(), "x.txt", b"ok\nok\nbad \xff byte\n");
    let (name, msg) = load_err(load_file(tmp.path().join("x.txt"), &LoadOptions::new()));
    assert!(name.ends_with("x.txt:3"), "{name}");
    assert!(msg.contains("not UTF-8"));
}

#[test]
fn duplicate_ids_across_files_are_an_error() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "a.jsonl", r#"{"id":"same","text":"x"}"#);
    write(d, "b.jsonl", "\n{\"id\":\"same\",\"text\":\"y\"}");
    let (name, msg) = load_err(load_dir(d, &LoadOptions::new()));
    assert!(name.ends_with("b.jsonl:2"), "{name}");
    assert!(
        msg.contains("duplicate id `same`") && msg.contains("a.jsonl:1"),
        "{msg}"
    );
}

#[test]
fn per_file_acl_hook_labels_by_relative_path() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    write(d, "public/faq.md", "# FAQ");
    write(d, "hr/pay.txt", "salaries");
    write(
        d,
        "hr/people.jsonl",
        "{\"id\":\"p1\",\"text\":\"x\"}\n{\"id\":\"p2\",\"text\":\"y\",\"acl\":{\"tenant\":\"acme\",\"users\":[\"ceo\"]}}",
    );
    let opts = LoadOptions::new()
        .acl(Acl::tenant("acme"))
        .acl_for(|p: &Path| {
            if p.starts_with("hr") {
                Acl::tenant("acme").role("hr")
            } else {
                Acl::tenant("acme")
            }
        });
    let docs = load_dir(d, &opts).unwrap();
    let by_id = |id: &str| docs.iter().find(|d| d.id == id).unwrap();
    assert_eq!(by_id("hr/pay.txt").acl, Acl::tenant("acme").role("hr"));
    assert_eq!(by_id("p1").acl, Acl::tenant("acme").role("hr"));
    assert_eq!(by_id("p2").acl, Acl::tenant("acme").user("ceo"));
    assert_eq!(by_id("public/faq.md").acl, Acl::tenant("acme"));
}

#[test]
fn provenance_survives_from_file_to_chunk_record() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "guide.md",
        "# Guide\nIntro.\n## Returns\nSend it back within 30 days. Keep the receipt.\n",
    );
    let docs = load_dir(tmp.path(), &LoadOptions::new().acl(Acl::tenant("acme"))).unwrap();
    let doc = &docs[0];
    let recs = MarkdownChunker::new(40, 0).unwrap().records(doc).unwrap();
    assert!(recs.len() >= 3);
    for (n, r) in recs.iter().enumerate() {
        assert_eq!(r.id, format!("guide.md#{n}"));
        assert_eq!(r.doc_id, "guide.md");
        assert_eq!(r.text, &doc.text[r.span.0..r.span.1]);
        assert_eq!(r.acl, Acl::tenant("acme"));
        assert_eq!(r.meta["title"], "Guide");
        assert_eq!(r.meta["path"], "guide.md");
    }
    let last = recs.last().unwrap();
    assert_eq!(last.meta["heading_path"], json!(["Guide", "Returns"]));
    let chunk = last.to_chunk(0.5);
    assert_eq!(chunk.span, Some(last.span));
}

// ---------------------------------------------------------------- chunkers

fn cl100k() -> Arc<dyn TokenCounter> {
    Arc::new(Tiktoken::new(llmops_core::Encoding::Cl100kBase))
}

/// Checks the invariants every chunker keeps; `covering` adds: every non-whitespace byte is
/// in some piece and pieces do not overlap.
fn check(c: &dyn Chunker, text: &str, covering: bool) -> Vec<(usize, usize)> {
    let doc = Document::new("d", text);
    let pieces = c
        .chunk(&doc)
        .unwrap_or_else(|e| panic!("{}: {e} on {text:?}", c.name()));
    let spans: Vec<(usize, usize)> = pieces.iter().map(|p| p.span).collect();
    for p in &pieces {
        assert_eq!(
            Some(p.text.as_str()),
            text.get(p.span.0..p.span.1),
            "{}",
            c.name()
        );
        assert!(!p.text.trim().is_empty(), "{}: whitespace piece", c.name());
    }
    for w in spans.windows(2) {
        assert!(
            w[0].0 <= w[1].0 && w[0].1 <= w[1].1,
            "{}: {spans:?}",
            c.name()
        );
        if covering {
            assert!(w[0].1 <= w[1].0, "{}: overlap {spans:?}", c.name());
        }
    }
    if covering {
        let mut covered = vec![false; text.len()];
        for &(s, e) in &spans {
            covered[s..e].iter_mut().for_each(|b| *b = true);
        }
        for (i, ch) in text.char_indices() {
            assert!(
                ch.is_whitespace() || covered[i],
                "{}: {ch:?} at {i} not covered in {text:?}: {spans:?}",
                c.name()
            );
        }
    }
    if text.trim().is_empty() {
        assert!(spans.is_empty());
    }
    spans
}

/// Pieces are at most `max` chars unless a single grapheme cluster.
fn check_max_chars(text: &str, spans: &[(usize, usize)], max: usize) {
    for &(s, e) in spans {
        let t = &text[s..e];
        assert!(
            t.chars().count() <= max || t.graphemes(true).count() == 1,
            "{t:?} over {max}"
        );
    }
}

fn texty() -> impl Strategy<Value = String> {
    let atoms = prop::sample::select(vec![
        "# ",
        "## ",
        "### ",
        "\n",
        "\n\n",
        "```\n",
        "~~~\n",
        ". ",
        " ",
        "word",
        "Longerword",
        "東京",
        "🧑‍🚀",
        "e\u{301}",
        "\r\n",
        "---\n",
        "===\n",
        "\t",
        "。",
        "! ",
        "?",
        "\u{3000}",
        "    ",
        "-",
        "*",
        ">",
        "1. ",
        "a.b",
        "\u{200d}",
        "\u{feff}",
    ]);
    prop_oneof![
        any::<String>(),
        prop::collection::vec(atoms, 0..60).prop_map(|v| v.concat()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn recursive_invariants(text in texty(), max in 1usize..40, overlap_pct in 0usize..100) {
        let overlap = max * overlap_pct / 100;
        let c = RecursiveChunker::new(max, overlap).unwrap();
        let spans = check(&c, &text, overlap == 0);
        check_max_chars(&text, &spans, max);
    }

    #[test]
    fn markdown_invariants(text in texty(), max in 1usize..60) {
        let c = MarkdownChunker::new(max, 0).unwrap();
        let spans = check(&c, &text, true);
        check_max_chars(&text, &spans, max);
        let doc = Document::new("d", text.as_str());
        for p in c.chunk(&doc).unwrap() {
            prop_assert!(p.meta["heading_path"].is_array());
        }
    }

    #[test]
    fn sentence_invariants(text in texty(), max in 1usize..60, overlap in 0usize..3) {
        let c = SentenceChunker::new(max, overlap).unwrap();
        let spans = check(&c, &text, overlap == 0);
        check_max_chars(&text, &spans, max);
    }

    #[test]
    fn token_invariants(text in texty(), size in 1usize..12, overlap_pct in 0usize..100) {
        let overlap = size * overlap_pct / 100;
        let c = TokenChunker::new(size, overlap).unwrap();
        check(&c, &text, overlap == 0);
    }

    #[test]
    fn token_measured_chunkers_stay_under_the_token_max(text in texty(), max in 4usize..20) {
        let t = cl100k();
        let chunkers: Vec<Box<dyn Chunker>> = vec![
            Box::new(RecursiveChunker::new(max, 0).unwrap().with_tokens(t.clone())),
            Box::new(MarkdownChunker::new(max, 0).unwrap().with_tokens(t.clone())),
            Box::new(SentenceChunker::new(max, 0).unwrap().with_tokens(t.clone())),
        ];
        for c in &chunkers {
            for (s, e) in check(c.as_ref(), &text, true) {
                let piece = &text[s..e];
                prop_assert!(
                    t.count(piece) <= max || piece.graphemes(true).count() == 1,
                    "{}: {piece:?} has {} tokens", c.name(), t.count(piece)
                );
            }
        }
    }

    #[test]
    fn jsonl_parser_never_panics(text in texty()) {
        let _ = parse_jsonl(&text, "fuzz", &LoadOptions::new());
    }
}

#[test]
fn markdown_code_fences_and_heading_paths() {
    let text = "Preamble.\n\n# Install\n\n```bash\n# comment, not a heading\nmake\n```\n\n## Linux\napt install\n\n~~~\n## also not\n~~~\n# Use\nRun.";
    let doc = Document::new("d", text).format(Format::Markdown);
    let pieces = MarkdownChunker::default().chunk(&doc).unwrap();
    let got: Vec<_> = pieces
        .iter()
        .map(|p| {
            (
                p.meta["heading_path"].clone(),
                p.text.lines().next().unwrap().to_owned(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            (json!([]), "Preamble.".to_owned()),
            (json!(["Install"]), "# Install".to_owned()),
            (json!(["Install", "Linux"]), "## Linux".to_owned()),
            (json!(["Use"]), "# Use".to_owned()),
        ]
    );
    assert!(pieces[1].text.contains("# comment, not a heading"));
    assert!(pieces[2].text.contains("## also not"));
}

#[test]
fn html_pages_chunk_by_their_headings() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        "p.html",
        "<h1>Store</h1><p>Welcome.</p><h2>Hours</h2><p>9 to 5.</p>",
    );
    let doc = &load_dir(tmp.path(), &LoadOptions::new()).unwrap()[0];
    let pieces = MarkdownChunker::default().chunk(doc).unwrap();
    assert_eq!(
        pieces.last().unwrap().meta["heading_path"],
        json!(["Store", "Hours"])
    );
}

#[test]
fn cjk_and_emoji_through_every_chunker() {
    let text = "東京都は日本の首都です。人口は約1400万人です。🧑‍🚀🦀は絵文字です！\n\nMixed English text. Ünïcödé too.";
    let chunkers: Vec<Box<dyn Chunker>> = vec![
        Box::new(TokenChunker::new(5, 0).unwrap()),
        Box::new(RecursiveChunker::new(10, 0).unwrap()),
        Box::new(MarkdownChunker::new(10, 0).unwrap()),
        Box::new(SentenceChunker::new(15, 0).unwrap()),
    ];
    for c in &chunkers {
        let spans = check(c.as_ref(), text, true);
        assert!(spans.len() > 3, "{}", c.name());
    }
}

#[test]
fn chunker_names_carry_their_settings() {
    let names = [
        TokenChunker::new(256, 32).unwrap().name().to_owned(),
        RecursiveChunker::new(800, 80).unwrap().name().to_owned(),
        MarkdownChunker::new(500, 0)
            .unwrap()
            .with_tokens(cl100k())
            .name()
            .to_owned(),
        SentenceChunker::new(300, 2).unwrap().name().to_owned(),
    ];
    assert_eq!(
        names,
        [
            "tokens-256-32",
            "recursive-chars-800-80",
            "markdown-tokens-500-0",
            "sentences-chars-300-2"
        ]
    );
}

#[test]
fn a_large_document_chunks_without_blowing_up() {
    // ~200 KB: pieces stay bounded and cover the text (speed is measured by hand, not here)
    let para = "Refunds are processed within five business days. Contact support if not.\n\n";
    let text = para.repeat(2_700);
    for c in [
        Box::new(RecursiveChunker::default()) as Box<dyn Chunker>,
        Box::new(SentenceChunker::default()),
        Box::new(MarkdownChunker::default()),
    ] {
        let spans = check(c.as_ref(), &text, c.name().starts_with("markdown"));
        assert!(spans.len() > 100, "{}", c.name());
    }
}
