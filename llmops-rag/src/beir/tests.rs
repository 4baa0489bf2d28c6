#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::fs;
use std::path::Path;

use super::*;

const HEADER: &str = "query-id\tcorpus-id\tscore\n";

fn mini() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/beir-mini")
}

/// A dataset directory with the given files (relative path → contents).
fn dataset(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("qrels")).unwrap();
    for (name, text) in files {
        fs::write(dir.path().join(name), text).unwrap();
    }
    dir
}

const CORPUS: &str = "{\"_id\": \"d1\", \"title\": \"One\", \"text\": \"first\"}\n\
                      {\"_id\": \"d2\", \"text\": \"second\"}\n";
const QUERIES: &str =
    "{\"_id\": \"q1\", \"text\": \"one?\"}\n{\"_id\": \"q2\", \"text\": \"two?\"}\n";

fn good_with(name: &str, text: &str) -> tempfile::TempDir {
    let test = format!("{HEADER}q1\td1\t1\n");
    let mut files = vec![
        ("corpus.jsonl", CORPUS),
        ("queries.jsonl", QUERIES),
        ("qrels/test.tsv", test.as_str()),
    ];
    files.retain(|(n, _)| *n != name);
    files.push((name, text));
    dataset(&files)
}

/// Loading fails with a `Load` error whose source is `file:line` and whose message says
/// `what`.
fn fails(dir: &tempfile::TempDir, file_line: &str, what: &str) {
    let err = BeirDataset::load(dir.path()).unwrap_err();
    let RagError::Load {
        source_name,
        message,
    } = &err
    else {
        panic!("not a Load error: {err:?}");
    };
    assert!(
        source_name.ends_with(file_line),
        "{source_name} should end with {file_line} ({message})"
    );
    assert!(message.contains(what), "{message:?} should say {what:?}");
}

#[test]
fn the_mini_fixture_loads() {
    let data = BeirDataset::load(mini()).unwrap();
    assert_eq!(data.split, "test");
    assert_eq!(data.corpus.len(), 40);
    // q13 has no judgments: dropped, as BEIR does.
    assert_eq!(data.queries.len(), 12);
    assert!(!data.queries.contains_key("q13"));
    assert_eq!(data.qrels.len(), 12);
    assert_eq!(
        data.stats,
        BeirStats {
            documents: 40,
            empty_documents: 0,
            queries_in_file: 13,
            queries_without_qrels: 1,
            judgments: data.qrels.judgments(),
            unknown_docs: 0,
            repeated_judgments: 0,
        }
    );
    let doc = &data.corpus[0];
    assert_eq!(doc.id, "bread-01");
    assert!(
        doc.text
            .starts_with("Feeding a sourdough starter\n\nA sourdough starter")
    );
    assert_eq!(doc.meta["title"], "Feeding a sourdough starter");
    assert_eq!(doc.meta["topic"], "bread");
    // Graded judgments.
    let grades: std::collections::BTreeSet<i32> = data
        .qrels
        .iter()
        .flat_map(|(_, d)| d.values().copied())
        .collect();
    assert_eq!(grades.into_iter().collect::<Vec<_>>(), [1, 2]);
}

#[test]
fn title_separator_is_configurable() {
    let data = BeirLoader::new(mini()).title_separator(" ").load().unwrap();
    assert!(
        data.corpus[0]
            .text
            .starts_with("Feeding a sourdough starter A sourdough")
    );
}

#[test]
fn documents_without_title_or_text_are_built_as_documented() {
    let corpus = "{\"_id\": \"a\", \"title\": \"\", \"text\": \"body\"}\n\
                  {\"_id\": \"b\", \"title\": \"Only title\", \"text\": \"  \"}\n\
                  {\"_id\": \"c\", \"title\": null, \"text\": \"\", \"extra\": 1}\n\
                  \n\
                  {\"_id\": \"d\", \"text\": \"x\", \"metadata\": {\"url\": \"u\", \"title\": \"m\"}}\n";
    let dir = good_with("corpus.jsonl", corpus);
    // q1 judges d1, which this corpus lacks: kept, counted.
    let data = BeirDataset::load(dir.path()).unwrap();
    let texts: Vec<&str> = data.corpus.iter().map(|d| d.text.as_str()).collect();
    assert_eq!(texts, ["body", "Only title", "", "x"]);
    assert!(!data.corpus[0].meta.contains_key("title"));
    assert_eq!(data.corpus[3].meta["url"], "u");
    assert_eq!(data.corpus[3].meta["title"], "m");
    assert_eq!(data.stats.empty_documents, 1);
    assert_eq!(data.stats.unknown_docs, 1);
}

#[test]
fn split_selection() {
    // `test` by default, even with others present.
    let two = good_with("qrels/dev.tsv", &format!("{HEADER}q2\td2\t1\n"));
    assert_eq!(BeirDataset::load(two.path()).unwrap().split, "test");
    let dev = BeirLoader::new(two.path()).split("dev").load().unwrap();
    assert_eq!(dev.split, "dev");
    assert_eq!(dev.queries.keys().collect::<Vec<_>>(), ["q2"]);
    assert_eq!(
        BeirLoader::new(two.path()).splits().unwrap(),
        ["dev", "test"]
    );
    let err = BeirLoader::new(two.path())
        .split("train")
        .load()
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("no split `train` (available: dev, test)"),
        "{err}"
    );

    // No `test`: the only split present.
    let only_dev = dataset(&[
        ("corpus.jsonl", CORPUS),
        ("queries.jsonl", QUERIES),
        ("qrels/dev.tsv", &format!("{HEADER}q2\td2\t1\n")),
    ]);
    assert_eq!(BeirDataset::load(only_dev.path()).unwrap().split, "dev");

    // No `test` and two others: an error listing them.
    let ambiguous = dataset(&[
        ("corpus.jsonl", CORPUS),
        ("queries.jsonl", QUERIES),
        ("qrels/dev.tsv", &format!("{HEADER}q2\td2\t1\n")),
        ("qrels/train.tsv", &format!("{HEADER}q1\td1\t1\n")),
    ]);
    let err = BeirDataset::load(ambiguous.path()).unwrap_err();
    assert!(err.to_string().contains("available: dev, train"), "{err}");

    let none = dataset(&[("corpus.jsonl", CORPUS), ("queries.jsonl", QUERIES)]);
    let err = BeirDataset::load(none.path()).unwrap_err();
    assert!(err.to_string().contains("no <split>.tsv"), "{err}");
}

#[test]
fn missing_files_are_named() {
    let dir = dataset(&[
        ("queries.jsonl", QUERIES),
        ("qrels/test.tsv", &format!("{HEADER}q1\td1\t1\n")),
    ]);
    let err = BeirDataset::load(dir.path()).unwrap_err();
    assert!(err.to_string().contains("corpus.jsonl"), "{err}");
    assert!(err.to_string().contains("no such file"), "{err}");
    let err = BeirDataset::load("/nonexistent/beir").unwrap_err();
    assert!(err.to_string().contains("qrels"), "{err}");
}

#[test]
fn malformed_corpus_lines_name_file_and_line() {
    for (line2, what) in [
        ("not json", "invalid JSON"),
        ("[1, 2]", "expected a JSON object, got an array"),
        ("{\"text\": \"x\"}", "missing `_id`"),
        ("{\"_id\": \"\", \"text\": \"x\"}", "empty `_id`"),
        (
            "{\"_id\": 7, \"text\": \"x\"}",
            "`_id` must be a string, got a number",
        ),
        ("{\"_id\": \"d9\"}", "missing `text`"),
        (
            "{\"_id\": \"d9\", \"text\": [\"x\"]}",
            "`text` must be a string, got an array",
        ),
        (
            "{\"_id\": \"d9\", \"title\": 3, \"text\": \"x\"}",
            "`title` must be a string",
        ),
        (
            "{\"_id\": \"d9\", \"text\": \"x\", \"metadata\": \"m\"}",
            "`metadata` must be an object",
        ),
        (
            "{\"_id\": \"d1\", \"text\": \"again\"}",
            "duplicate `_id` `d1` (first on line 1)",
        ),
    ] {
        let corpus = format!("{{\"_id\": \"d1\", \"text\": \"x\"}}\n{line2}\n");
        fails(&good_with("corpus.jsonl", &corpus), "corpus.jsonl:2", what);
    }
    // Line numbers count blank lines.
    let corpus = "{\"_id\": \"d1\", \"text\": \"x\"}\n\n\nbroken\n";
    fails(
        &good_with("corpus.jsonl", corpus),
        "corpus.jsonl:4",
        "invalid JSON",
    );
    // Bytes that are not UTF-8.
    let dir = good_with("corpus.jsonl", CORPUS);
    fs::write(
        dir.path().join("corpus.jsonl"),
        b"{\"_id\": \"d1\", \"text\": \"x\"}\n\xff\xfe\n",
    )
    .unwrap();
    fails(&dir, "corpus.jsonl:2", "not valid UTF-8");
}

#[test]
fn malformed_query_lines_name_file_and_line() {
    for (line2, what) in [
        ("{", "invalid JSON"),
        ("\"q\"", "expected a JSON object, got a string"),
        ("{\"text\": \"x\"}", "missing `_id`"),
        ("{\"_id\": \"q2\"}", "missing `text`"),
        (
            "{\"_id\": \"q2\", \"text\": \" \"}",
            "query `q2` has an empty `text`",
        ),
        ("{\"_id\": \"q2\", \"text\": null}", "missing `text`"),
        (
            "{\"_id\": \"q1\", \"text\": \"again\"}",
            "duplicate `_id` `q1` (first on line 1)",
        ),
    ] {
        let queries = format!("{{\"_id\": \"q1\", \"text\": \"x\"}}\n{line2}\n");
        fails(
            &good_with("queries.jsonl", &queries),
            "queries.jsonl:2",
            what,
        );
    }
}

#[test]
fn malformed_qrels_lines_name_file_and_line() {
    fails(&good_with("qrels/test.tsv", ""), "test.tsv:1", "empty file");
    fails(
        &good_with("qrels/test.tsv", "q1\td1\t1\n"),
        "test.tsv:1",
        "expected the header",
    );
    fails(
        &good_with("qrels/test.tsv", HEADER),
        "test.tsv",
        "no judgment after the header",
    );
    for (line2, what) in [
        ("q1\td1", "expected 3 tab-separated fields"),
        (
            "q1 d1 1",
            "expected 3 tab-separated fields (query-id, corpus-id, score), got 1",
        ),
        ("q1\td1\t1\t0", "got 4"),
        ("\td1\t1", "empty query-id"),
        ("q1\t\t1", "empty corpus-id"),
        ("q1\td1\thigh", "score `high` is not an integer"),
        ("q1\td1\t0.5", "score `0.5` is not an integer"),
        (
            "q1\td2\t1",
            "`q1` / `d2` judged again with another grade (2, now 1)",
        ),
        ("q9\td1\t1", "query `q9` is not in"),
    ] {
        let qrels = format!("{HEADER}q1\td2\t2\n{line2}\n");
        fails(&good_with("qrels/test.tsv", &qrels), "test.tsv:3", what);
    }
}

#[test]
fn qrels_tolerate_crlf_bom_and_repeats() {
    let qrels =
        "\u{feff}query-id\tcorpus-id\tscore\r\nq1\td1\t1\r\nq1\td1\t1\r\n\r\nq2\td2\t -1 \r\n";
    let dir = good_with("qrels/test.tsv", qrels);
    let data = BeirDataset::load(dir.path()).unwrap();
    assert_eq!(data.qrels.grade("q1", "d1"), Some(1));
    assert_eq!(data.qrels.grade("q2", "d2"), Some(-1));
    assert_eq!(data.stats.repeated_judgments, 1);
    assert_eq!(data.stats.judgments, 2);
}

#[test]
fn the_corpus_streams_from_any_reader() {
    let mut reader = CorpusReader::new(CORPUS.as_bytes(), "mem");
    let first = reader.next().unwrap().unwrap();
    assert_eq!((first.id.as_str(), reader.line()), ("d1", 1));
    let second = reader.next().unwrap().unwrap();
    assert_eq!((second.text.as_str(), reader.line()), ("second", 2));
    assert!(reader.next().is_none());
}
