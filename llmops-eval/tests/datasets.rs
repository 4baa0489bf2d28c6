//! Dataset loaders: good files load every case; each malformed one fails as a whole with an
//! error naming the file and the line of the case.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use llmops_core::{EvalCase, EvalOutput, Evaluator, Role, Score, async_trait};
use llmops_eval::dataset::{self, Suite, promptfoo};
use llmops_eval::{AssertionSpec, BuildContext, EvalError, Registry};
use serde_json::json;

fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(rel)
}

/// The error's file name and line.
fn at(e: &EvalError) -> (String, usize, String) {
    match e {
        EvalError::Dataset {
            file,
            line,
            message,
        } => (
            file.file_name().unwrap().to_string_lossy().into_owned(),
            *line,
            message.clone(),
        ),
        other => panic!("not a dataset error: {other}"),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn jsonl_loads_every_case_with_default_ids() {
    let ds = dataset::load(fixture("datasets/support.jsonl")).unwrap();
    assert_eq!(ds.name, "support");
    let ids: Vec<_> = ds.cases.iter().map(|c| c.id()).collect();
    assert_eq!(ids, ["refund-window", "support:2", "support:4"]);
    assert_eq!(ds.cases[0].assertions[0].kind, "icontains");
    assert_eq!(ds.cases[1].eval.messages[1].role, Role::User);
    assert_eq!(
        ds.cases[1].eval.context,
        ["Parcels ship within 2 working days."]
    );
    assert_eq!(ds.cases[2].eval.relevant_docs, ["shipping-intl"]);
    assert_eq!(ds.cases[2].metadata["owner"], "support");
    assert_eq!(ds.cases[2].source.as_ref().unwrap().line, 4);
}

#[test]
fn malformed_jsonl_names_file_and_line() {
    let e = dataset::load(fixture("datasets/bad_line3.jsonl")).unwrap_err();
    let (file, line, msg) = at(&e);
    assert_eq!((file.as_str(), line), ("bad_line3.jsonl", 3));
    assert!(msg.contains("unknown field `expeced`"), "{msg}");
}

#[test]
fn yaml_list_loads_and_names_case_start_lines() {
    let ds = dataset::load(fixture("datasets/cases.yaml")).unwrap();
    assert_eq!(ds.cases.len(), 2);
    assert_eq!(ds.cases[0].id(), "refund-window");
    assert_eq!(ds.cases[1].id(), "cases:10");
    assert_eq!(ds.cases[1].eval.tags, ["shipping"]);

    let e = dataset::load(fixture("datasets/bad_case.yaml")).unwrap_err();
    let (file, line, msg) = at(&e);
    assert_eq!((file.as_str(), line), ("bad_case.yaml", 8), "{msg}");
    assert!(msg.contains("unknown field `asserts`"), "{msg}");
}

#[test]
fn yaml_syntax_errors_name_their_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "broken.yaml",
        "- vars: {q: a}\n- vars: {q: b\n- vars: {q: c}\n",
    );
    let (_, line, _) = at(&dataset::load(&p).unwrap_err());
    assert!((2..=4).contains(&line), "{line}");
    let p = write(dir.path(), "scalar.yaml", "just text\n");
    assert_eq!(at(&dataset::load(&p).unwrap_err()).1, 1);
    let p = write(dir.path(), "item.yaml", "- vars: {q: a}\n- 42\n");
    let (_, line, msg) = at(&dataset::load(&p).unwrap_err());
    assert_eq!(line, 2, "{msg}");
    let p = write(dir.path(), "data.txt", "x");
    assert!(dataset::load(&p).is_err());
}

#[test]
fn promptfoo_config_merges_defaults_and_reads_referenced_files() {
    let path = fixture("promptfoo/basic/promptfooconfig.yaml");
    let ds = dataset::load(&path).unwrap();
    assert_eq!(ds.name, "Translation quality");
    let ids: Vec<_> = ds.cases.iter().map(|c| c.id()).collect();
    assert_eq!(
        ids,
        [
            "promptfooconfig:15",
            "promptfooconfig:22#1",
            "promptfooconfig:22#2",
            "tests:2",
            "tests:3",
            "more_tests:1"
        ]
    );
    // defaultTest assertions first, then the test's own
    let kinds: Vec<_> = ds.cases[0]
        .assertions
        .iter()
        .map(|a| a.kind.as_str())
        .collect();
    assert_eq!(kinds, ["not-icontains", "icontains"]);
    assert_eq!(ds.cases[0].description.as_deref(), Some("French greeting"));
    // defaultTest vars under the test's, its threshold when the test sets none
    assert_eq!(ds.cases[0].eval.vars["tone"], "neutral");
    assert_eq!(ds.cases[0].threshold, Some(0.5));
    assert_eq!(ds.cases[1].threshold, Some(0.8));
    // a list of strings expands into one case per value
    assert_eq!(ds.cases[1].eval.vars["language"], "German");
    assert_eq!(ds.cases[2].eval.vars["language"], "Spanish");
    // CSV: vars, __expected mini-language, description, metadata (arrays with \, escapes)
    let csv = &ds.cases[3];
    assert_eq!(csv.eval.vars["language"], "Italian");
    assert_eq!(csv.assertions[1].kind, "icontains");
    assert_eq!(csv.assertions[1].value, Some(json!("grazie")));
    assert_eq!(
        (csv.assertions[2].kind.as_str(), csv.assertions[2].threshold),
        ("similar", Some(0.9))
    );
    assert_eq!(csv.description.as_deref(), Some("thanks"));
    assert_eq!(csv.metadata["topic"], "courtesy");
    assert_eq!(csv.metadata["tags"], json!(["a", "b,c"]));
    assert_eq!(ds.cases[4].assertions[1].value, Some(json!(["おやすみ"])));
    assert_eq!(ds.cases[4].source.as_ref().unwrap().line, 3);
    assert_eq!(ds.cases[5].metadata["topic"], "farewell");
    assert!(
        ds.cases
            .iter()
            .all(|c| c.assertions[0].kind == "not-icontains")
    );
}

struct Always;
#[async_trait]
impl Evaluator for Always {
    fn name(&self) -> &str {
        "always"
    }
    async fn evaluate(&self, _: &EvalCase, _: &EvalOutput) -> llmops_core::Result<Score> {
        Ok(Score::binary(true, "ok"))
    }
}

#[test]
fn javascript_assertion_in_promptfoo_file_fails_naming_file_and_line() {
    let path = fixture("promptfoo/javascript/promptfooconfig.yaml");
    let ds = dataset::load(&path).unwrap();
    let mut reg = Registry::new(BuildContext::new());
    reg.register("icontains", |_: &AssertionSpec, _: &BuildContext| {
        Ok(Arc::new(Always) as Arc<dyn Evaluator>)
    });
    let e = llmops_eval::assertion::compile_dataset(&reg, &ds).unwrap_err();
    let (file, line, msg) = at(&e);
    assert_eq!((file.as_str(), line), ("promptfooconfig.yaml", 9), "{msg}");
    assert!(
        msg.contains("javascript") && msg.contains("not supported"),
        "{msg}"
    );
}

#[test]
fn promptfoo_features_we_do_not_run_are_refused_with_their_line() {
    let e = dataset::load(fixture("promptfoo/refused/promptfooconfig.yaml")).unwrap_err();
    let (file, line, msg) = at(&e);
    assert_eq!((file.as_str(), line), ("promptfooconfig.yaml", 6), "{msg}");
    assert!(msg.contains("`options`"), "{msg}");

    let dir = tempfile::tempdir().unwrap();
    for (text, line, needle) in [
        (
            "prompts: [x]\nscenarios: []\n",
            2,
            "`scenarios` is not supported",
        ),
        (
            "prompts: [x]\ndefaultTest:\n  options: {provider: x}\n",
            3,
            "`options`",
        ),
        (
            "prompts: [x]\ntests:\n  - vars: {q: a}\n    provider: openai:gpt-4\n",
            3,
            "provider",
        ),
        (
            "prompts: [x]\ntests:\n  - vars: {q: a}\n  - vars: {q: file://q.txt}\n",
            4,
            "file://",
        ),
        (
            "prompts: [x]\ntests: https://docs.google.com/sheet\n",
            2,
            "only local",
        ),
        (
            "prompts: [x]\ntests: file://missing/*.csv\n",
            2,
            "matches no file",
        ),
        ("prompts: [x]\ntests: [42]\n", 2, "a test must be"),
    ] {
        let p = write(dir.path(), "promptfooconfig.yaml", text);
        let e = dataset::load(&p).unwrap_err();
        let (_, l, msg) = at(&e);
        assert_eq!(l, line, "{text}: {msg}");
        assert!(msg.contains(needle), "{text}: {msg}");
    }
}

#[test]
fn promptfoo_csv_errors_name_their_line() {
    let dir = tempfile::tempdir().unwrap();
    for (text, line, needle) in [
        ("q,__threshold\na,0.5\nb,high\n", 3, "__threshold"),
        ("q,__prefix\na,x\n", 1, "prefixes are not supported"),
        (
            "q,__config:__expected:threshold\na,0.5\n",
            1,
            "config columns",
        ),
        ("q,__expectedX\na,b\n", 1, "unknown special column"),
        ("q,_expected\na,b\n", 1, "did you mean `__expected`"),
        ("q,__expected\na,b\nc\n", 3, "CSV"),
    ] {
        let p = write(dir.path(), "tests.csv", text);
        let e = dataset::load(&p).unwrap_err();
        let (file, l, msg) = at(&e);
        assert_eq!((file.as_str(), l), ("tests.csv", line), "{text}: {msg}");
        assert!(msg.contains(needle), "{text}: {msg}");
    }
    // a row with a javascript assertion loads, and fails when compiled, at its line
    let p = write(
        dir.path(),
        "js.csv",
        "q,__expected\na,contains:x\nb,fn: output.length > 3\n",
    );
    let ds = dataset::load(&p).unwrap();
    assert_eq!(ds.cases[1].assertions[0].kind, "javascript");
    let reg = Registry::new(BuildContext::new());
    let one = llmops_eval::Dataset::new("js", vec![ds.cases[1].clone()]).unwrap();
    let (_, l, _) = at(&llmops_eval::assertion::compile_dataset(&reg, &one).unwrap_err());
    assert_eq!(l, 3);
}

#[test]
fn standalone_promptfoo_tests_files_load() {
    let cases = promptfoo::load_tests_file(&fixture("promptfoo/basic/more_tests.yaml")).unwrap();
    assert_eq!(cases[0].assertions[0].kind, "regex");
    let cases = promptfoo::load_csv(&fixture("promptfoo/basic/tests.csv")).unwrap();
    assert_eq!(cases.len(), 2);
}

#[test]
fn suite_loads_prompt_models_defaults_and_cases() {
    let s = Suite::load(fixture("suite/support.yaml")).unwrap();
    assert_eq!(s.name, "support-reply");
    assert_eq!(s.model.as_deref(), Some("openai/gpt-4.1-mini"));
    assert_eq!(s.judge_model.as_deref(), Some("openai/gpt-4.1"));
    assert_eq!(s.embedder.as_deref(), Some("hashing"));
    assert_eq!(s.repeat, 3);
    assert_eq!(s.dataset.name, "support-reply");
    assert_eq!(s.dataset.cases[0].assertions[0].kind, "not-icontains");
    assert_eq!(s.dataset.cases[1].id(), "cases:2");
    let msgs = s.messages(&s.dataset.cases[1]).unwrap();
    assert_eq!(
        msgs[0].text(),
        "You answer from the help centre only. Tone: formal."
    );
    assert_eq!(msgs[1].text(), "Do you ship abroad?");
    let msgs = s.messages(&s.dataset.cases[0]).unwrap();
    assert!(msgs[0].text().ends_with("Tone: friendly."));
    // dataset::load on a suite file gives its dataset
    assert_eq!(
        dataset::load(fixture("suite/support.yaml")).unwrap().len(),
        2
    );
}

#[test]
fn suite_errors_name_file_and_line() {
    let e = Suite::load(fixture("suite/missing_var.yaml")).unwrap_err();
    let (file, line, msg) = at(&e);
    assert_eq!((file.as_str(), line), ("missing_var.yaml", 5), "{msg}");
    assert!(msg.contains("no var `question`"), "{msg}");

    let dir = tempfile::tempdir().unwrap();
    for (text, line, needle) in [
        ("name: s\nmodle: x\n", 2, "unknown suite key `modle`"),
        ("name: s\nrepeat: 0\n", 2, "≥ 1"),
        ("name: s\nrepeat: many\n", 2, "`repeat`"),
        ("name: s\nprompt: 'Hi {{name'\n", 2, "syntax error"),
        (
            "name: s\ndefaults: {assert: [], thresold: 1}\n",
            2,
            "thresold",
        ),
        (
            "name: s\ntests:\n  - vars: {q: a}\n  - id: x\n    bogus: 1\n",
            4,
            "bogus",
        ),
    ] {
        let p = write(dir.path(), "suite.yaml", text);
        let e = Suite::load(&p).unwrap_err();
        let (_, l, msg) = at(&e);
        assert_eq!(l, line, "{text}: {msg}");
        assert!(msg.contains(needle), "{text}: {msg}");
    }
}

mod props {
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]
        /// Arbitrary text never panics the JSONL loader: cases or a dataset error.
        #[test]
        fn arbitrary_jsonl_never_panics(lines in proptest::collection::vec(any::<String>(), 0..6)) {
            let text = lines.join("\n");
            match llmops_eval::dataset::jsonl::parse(&text, "p.jsonl") {
                Ok(cases) => prop_assert!(cases.iter().all(|c| !c.id().is_empty())),
                Err(llmops_eval::EvalError::Dataset { line, .. }) => prop_assert!(line >= 1),
                Err(e) => prop_assert!(false, "not a dataset error: {e}"),
            }
        }

        /// JSON-shaped lines (objects with arbitrary known and unknown keys) never panic.
        #[test]
        fn json_shaped_lines_never_panic(
            keys in proptest::collection::vec(prop_oneof![
                Just("id"), Just("vars"), Just("messages"), Just("expected"), Just("context"),
                Just("tags"), Just("assert"), Just("threshold"), Just("metadata"), Just("other")
            ], 0..5),
            vals in proptest::collection::vec(prop_oneof![
                Just("1"), Just("\"x\""), Just("[]"), Just("{}"), Just("null"), Just("[{\"type\":\"equals\"}]"),
                Just("[{\"role\":\"user\",\"content\":\"hi\"}]"), Just("1e999"), Just("-0.5")
            ], 0..5),
        ) {
            let body: Vec<String> = keys.iter().zip(vals.iter()).map(|(k, v)| format!("\"{k}\": {v}")).collect();
            let text = format!("{{{}}}", body.join(", "));
            let _ = llmops_eval::dataset::jsonl::parse(&text, "p.jsonl");
            let _ = llmops_eval::dataset::parse_yaml(&format!("- {text}"), "p.yaml");
        }

        /// Arbitrary text never panics the YAML loader.
        #[test]
        fn arbitrary_yaml_never_panics(text in any::<String>()) {
            match llmops_eval::dataset::parse_yaml(&text, "p.yaml") {
                Ok(_) => {}
                Err(llmops_eval::EvalError::Dataset { .. }) => {}
                Err(e) => prop_assert!(false, "not a dataset error: {e}"),
            }
        }
    }
}

mod from_log {
    use llmops_core::{
        ChatRequest, Client, Feedback, MemoryObserver, ProviderErrorKind, ScriptedProvider,
    };
    use llmops_eval::dataset::{FromLogOptions, cases_from_log, write_jsonl};

    /// Six logged exchanges: ok, failed, ok (thumbs down), ok (labelled), ok, and a repeat of
    /// the first question.
    async fn logged() -> (Vec<llmops_core::ExchangeRecord>, Vec<Feedback>) {
        let seen = MemoryObserver::new();
        let p = ScriptedProvider::new()
            .reply("30 days.")
            .fail(ProviderErrorKind::BadRequest)
            .reply("We ship everywhere.")
            .reply("Call us.")
            .reply("Monday to Friday.")
            .reply("30 days!");
        let c = Client::builder()
            .provider(p)
            .observer(seen.clone())
            .build()
            .unwrap();
        for q in [
            "Refund window?",
            "Cancel my order",
            "Ship abroad?",
            "Phone number?",
            "Opening hours?",
            "Refund window?",
        ] {
            let _ = c.chat(ChatRequest::new("scripted/m").user(q)).await;
        }
        c.flush().await.unwrap();
        let recs = seen.records();
        assert_eq!(recs.len(), 6);
        let fb = vec![
            Feedback::new(
                recs[2].request_id.clone(),
                0.0,
                Some("we do not ship to Mars"),
            )
            .unwrap(),
            Feedback::new(recs[3].request_id.clone(), "wrong_answer", None).unwrap(),
            Feedback::new(recs[4].request_id.clone(), 1.0, None).unwrap(),
        ];
        (recs, fb)
    }

    fn q(c: &llmops_eval::Case) -> String {
        c.eval.messages[0].text()
    }

    #[tokio::test]
    async fn failures_and_flagged_first_deduplicated() {
        let (recs, fb) = logged().await;
        let cases = cases_from_log(&recs, &fb, &FromLogOptions::default().tag("from-log"));
        let order: Vec<_> = cases.iter().map(q).collect();
        assert_eq!(
            order,
            [
                "Cancel my order",
                "Ship abroad?",
                "Phone number?",
                "Refund window?",
                "Opening hours?"
            ]
        );
        assert_eq!(cases[0].metadata["outcome"], "failed");
        assert_eq!(cases[1].metadata["flagged"], true);
        assert_eq!(
            cases[1].metadata["feedback"][0]["comment"],
            "we do not ship to Mars"
        );
        assert_eq!(cases[2].metadata["feedback"][0]["label"], "wrong_answer");
        assert_eq!(cases[3].metadata["occurrences"], 2);
        assert_eq!(
            cases[3].metadata["origin_request_id"],
            recs[0].request_id.as_str()
        );
        assert_eq!(cases[3].metadata["logged_answer"], "30 days.");
        assert_eq!(cases[3].metadata["model"], "m");
        assert!(
            cases
                .iter()
                .all(|c| c.eval.expected.is_none() && c.eval.tags == ["from-log"])
        );
        assert!(!cases[4].metadata.contains_key("flagged"));
    }

    #[tokio::test]
    async fn options_limit_filter_and_reference() {
        let (recs, fb) = logged().await;
        let only = cases_from_log(&recs, &fb, &FromLogOptions::default().only_flagged(true));
        assert_eq!(only.len(), 3);
        let two = cases_from_log(&recs, &fb, &FromLogOptions::default().limit(2));
        assert_eq!(
            two.iter().map(q).collect::<Vec<_>>(),
            ["Cancel my order", "Ship abroad?"]
        );
        let refs = cases_from_log(&recs, &fb, &FromLogOptions::default().as_reference(true));
        assert_eq!(refs[0].eval.expected, None); // a failure has no answer to keep
        assert_eq!(refs[3].eval.expected.as_deref(), Some("30 days."));
        // a rating scale: 1.0 is still "flagged" when the threshold is 2
        let strict = cases_from_log(
            &recs,
            &fb,
            &FromLogOptions::default()
                .flag_threshold(2.0)
                .only_flagged(true),
        );
        assert_eq!(strict.len(), 4);
    }

    #[tokio::test]
    async fn imported_cases_round_trip_through_jsonl() {
        let (recs, fb) = logged().await;
        let cases = cases_from_log(&recs, &fb, &FromLogOptions::default());
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("imported.jsonl");
        write_jsonl(&p, &cases).unwrap();
        let ds = llmops_eval::dataset::load(&p).unwrap();
        assert_eq!(ds.len(), cases.len());
        for (a, b) in ds.cases.iter().zip(&cases) {
            assert_eq!(
                (a.id(), &a.eval.messages, &a.metadata),
                (b.id(), &b.eval.messages, &b.metadata)
            );
        }
    }
}
