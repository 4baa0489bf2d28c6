//! Human review: export, annotate, import, judge agreement, the review queue.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;

use llmops_eval::review::{
    AgreementStats, HumanLabel, ReviewQueue, agreement, labeled_cases, read_review, review_items,
    write_csv, write_jsonl,
};
use llmops_eval::{EvalError, RunReport};
use serde_json::json;

fn trial(repeat: u32, text: &str, pass: bool, rubric_pass: bool) -> serde_json::Value {
    json!({
        "repeat": repeat,
        "output": {"text": text},
        "assertions": [
            {"kind": "icontains", "metric": "icontains", "weight": 1.0,
             "score": {"value": if pass {1.0} else {0.0}, "pass": pass, "reason": "looked for it"}},
            {"kind": "llm-rubric", "metric": "llm-rubric", "weight": 1.0,
             "score": {"value": if rubric_pass {0.9} else {0.2}, "pass": rubric_pass, "reason": "judge says so"}}
        ],
        "verdict": {"score": 0.5, "pass": pass && rubric_pass, "reason": "r", "named_scores": {}, "errored": false}
    })
}

fn report() -> RunReport {
    let mut r = RunReport::empty("support", "support-reply/4");
    let cases = json!([
        {"id": "refund", "vars": {"question": "Refund window?"}, "expected": "30 days",
         "trials": [trial(0, "You have 30 days.", true, true), trial(1, "Thirty days, with receipt.", false, true)],
         "status": "fail", "score": 0.5},
        {"id": "shipping", "vars": {"question": "Ship abroad?"},
         "trials": [trial(0, "We ship to 40 countries.", true, false)], "status": "fail", "score": 0.5},
        {"id": "broken", "trials": [{"repeat": 0, "error": "timeout after 30s", "assertions": [],
          "verdict": {"score": 0.0, "pass": false, "reason": "target failed", "named_scores": {}, "errored": true}}],
         "status": "error", "score": 0.0}
    ]);
    r.cases = serde_json::from_value(cases).unwrap();
    r
}

#[test]
fn export_has_one_item_per_case_and_repeat() {
    let items = review_items(&report());
    let ids: Vec<_> = items.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, ["refund", "refund#1", "shipping", "broken"]);
    assert_eq!(
        items[1].output.as_deref(),
        Some("Thirty days, with receipt.")
    );
    assert_eq!(items[1].judge_pass, Some(false));
    assert_eq!(items[2].assertions[1].kind, "llm-rubric");
    assert_eq!(items[2].assertions[1].pass, Some(false));
    assert_eq!(items[3].judge_pass, None);
    assert_eq!(items[3].judge_reason, "timeout after 30s");
}

#[test]
fn jsonl_and_csv_round_trip_with_labels() {
    let dir = tempfile::tempdir().unwrap();
    let mut items = review_items(&report());
    items[0].human_label = Some(HumanLabel::Pass);
    items[2].human_label = Some(HumanLabel::Fail);
    items[2].note = Some("says 40, the policy says 38".into());
    for name in ["review.jsonl", "review.csv"] {
        let p = dir.path().join(name);
        if name.ends_with("csv") {
            write_csv(&p, &items).unwrap();
        } else {
            write_jsonl(&p, &items).unwrap();
        }
        let back = read_review(&p).unwrap();
        assert_eq!(back.len(), 4, "{name}");
        assert_eq!(back[0].human_label, Some(HumanLabel::Pass), "{name}");
        assert_eq!(
            back[2].note.as_deref(),
            Some("says 40, the policy says 38"),
            "{name}"
        );
        assert_eq!(back[2].assertions, items[2].assertions, "{name}");
        assert_eq!(back[0].vars, items[0].vars, "{name}");
        assert_eq!(back[3].judge_pass, None, "{name}");
    }
}

#[test]
fn a_person_edits_the_csv_and_a_bad_label_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("review.csv");
    write_csv(&p, &review_items(&report())).unwrap();
    // a reviewer fills the human_label column in a spreadsheet
    let text = std::fs::read_to_string(&p).unwrap();
    let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
    lines[1] = lines[1].replacen(",,,", ",PASS,,", 1);
    lines[2] = lines[2].replacen(",,,", ",maybe,,", 1);
    std::fs::write(&p, lines.join("\n")).unwrap();
    let e = read_review(&p).unwrap_err();
    let EvalError::Dataset { line, message, .. } = &e else {
        panic!("{e}")
    };
    assert_eq!(*line, 3, "{message}");
    assert!(message.contains("`pass` or `fail`"), "{message}");
    let j = dir.path().join("review.jsonl");
    std::fs::write(&j, "{\"id\":\"a\",\"case_id\":\"a\",\"human_label\":\"pass\"}\n{\"id\":\"b\",\"case_id\":\"b\",\"human_label\":\"ok\"}\n").unwrap();
    let e = read_review(&j).unwrap_err();
    assert!(matches!(e, EvalError::Dataset { line: 2, .. }), "{e}");
}

#[test]
fn labels_come_back_as_cases() {
    let mut items = review_items(&report());
    items[0].human_label = Some(HumanLabel::Pass);
    items[1].human_label = Some(HumanLabel::Fail); // second repeat of the same case: first wins
    items[2].human_label = Some(HumanLabel::Fail);
    items[2].reviewer = Some("ana".into());
    let cases = labeled_cases(&items);
    assert_eq!(cases.len(), 2);
    assert_eq!(cases[0].eval.expected.as_deref(), Some("You have 30 days."));
    assert_eq!(cases[0].eval.tags, ["human:pass"]);
    assert_eq!(cases[1].eval.expected, None);
    assert_eq!(
        cases[1].metadata["rejected_output"],
        "We ship to 40 countries."
    );
    assert_eq!(cases[1].metadata["reviewer"], "ana");
    assert_eq!(cases[1].metadata["judge_pass"], false);
    // and they write out as a dataset that loads again
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("reviewed.jsonl");
    llmops_eval::dataset::write_jsonl(&p, &cases).unwrap();
    let ds = llmops_eval::dataset::load(&p).unwrap();
    assert_eq!(ds.cases[1].eval.tags, ["human:fail"]);
}

#[test]
fn agreement_overall_and_per_assertion_type() {
    let mut items = review_items(&report());
    items[0].human_label = Some(HumanLabel::Pass); // run pass, icontains pass, rubric pass
    items[1].human_label = Some(HumanLabel::Pass); // run fail, icontains fail, rubric pass
    items[2].human_label = Some(HumanLabel::Fail); // run fail, icontains pass, rubric fail
    items[3].human_label = Some(HumanLabel::Fail); // errored: not compared
    let a = agreement(&items);
    assert_eq!(a.errored, 1);
    assert_eq!(a.overall.n, 3);
    assert!((a.overall.accuracy - 2.0 / 3.0).abs() < 1e-12);
    // judge_yes 1/3, human_yes 2/3: pe = 2/9 + 2/9 = 4/9; kappa = (2/3 - 4/9) / (5/9) = 0.4
    assert!((a.overall.kappa.unwrap() - 0.4).abs() < 1e-12);
    let rubric = a.per_assertion["llm-rubric"];
    assert_eq!(
        (rubric.n, rubric.accuracy, rubric.kappa),
        (3, 1.0, Some(1.0))
    );
    let ic = a.per_assertion["icontains"];
    assert!((ic.accuracy - 1.0 / 3.0).abs() < 1e-12);
    // judge_yes 2/3, human_yes 2/3: pe = 4/9 + 1/9 = 5/9; kappa = (1/3 - 5/9) / (4/9) = -0.5
    assert!((ic.kappa.unwrap() + 0.5).abs() < 1e-12);
}

#[test]
fn kappa_hand_computed_values() {
    let pairs = |v: &[((bool, bool), usize)]| {
        v.iter()
            .flat_map(|(p, n)| std::iter::repeat_n(*p, *n))
            .collect::<Vec<_>>()
    };
    // 6 both pass, 2 both fail, 1 + 1 disagreements: po .8, pe .7·.7 + .3·.3 = .58
    let s = AgreementStats::from_pairs(pairs(&[
        ((true, true), 6),
        ((false, false), 2),
        ((true, false), 1),
        ((false, true), 1),
    ]));
    assert!((s.accuracy - 0.8).abs() < 1e-12);
    assert!((s.kappa.unwrap() - 0.22 / 0.42).abs() < 1e-12);
    // every answer disagrees, balanced: kappa -1
    let s = AgreementStats::from_pairs(pairs(&[((true, false), 2), ((false, true), 2)]));
    assert_eq!((s.accuracy, s.kappa), (0.0, Some(-1.0)));
    // people passed everything, the judge failed one of four: agreement no better than chance
    let s = AgreementStats::from_pairs(pairs(&[((true, true), 3), ((false, true), 1)]));
    assert_eq!((s.accuracy, s.kappa), (0.75, Some(0.0)));
    // degenerate: both raters gave every item the same label: pe = 1, kappa undefined
    let s = AgreementStats::from_pairs(pairs(&[((true, true), 5)]));
    assert_eq!((s.n, s.accuracy, s.kappa), (5, 1.0, None));
    let s = AgreementStats::from_pairs(pairs(&[((false, false), 3)]));
    assert_eq!(s.kappa, None);
    let s = AgreementStats::from_pairs(Vec::new());
    assert_eq!((s.n, s.kappa), (0, None));
}

#[test]
fn queue_is_shared_between_threads() {
    let items = review_items(&report());
    let q = Arc::new(ReviewQueue::new(items));
    let handles: Vec<_> = ["refund", "refund#1", "shipping", "broken"]
        .into_iter()
        .enumerate()
        .map(|(i, id)| {
            let q = q.clone();
            std::thread::spawn(move || {
                if i == 3 {
                    q.skip(id).unwrap();
                } else {
                    q.label(id, HumanLabel::Pass, None, &format!("r{i}"))
                        .unwrap();
                }
            })
        })
        .collect();
    for h in handles {
        h.join().unwrap();
    }
    assert!(q.pending().is_empty());
    assert_eq!(q.progress(), (3, 1, 0));
    assert!(matches!(q.skip("nope"), Err(EvalError::Config(_))));
}

#[test]
fn persisted_queue_replays_its_decisions() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("decisions.jsonl");
    {
        let q = ReviewQueue::persisted(review_items(&report()), &log).unwrap();
        q.label("refund", HumanLabel::Fail, Some("too vague"), "ana")
            .unwrap();
        q.skip("shipping").unwrap();
        q.label("shipping", HumanLabel::Pass, None, "bo").unwrap(); // a later label un-skips
        assert_eq!(q.pending().len(), 2);
    }
    let q = ReviewQueue::persisted(review_items(&report()), &log).unwrap();
    let items = q.export();
    assert_eq!(items[0].human_label, Some(HumanLabel::Fail));
    assert_eq!(items[0].note.as_deref(), Some("too vague"));
    assert_eq!(items[2].reviewer.as_deref(), Some("bo"));
    assert!(!items[2].skipped);
    assert_eq!(
        q.pending()
            .iter()
            .map(|i| i.id.as_str())
            .collect::<Vec<_>>(),
        ["refund#1", "broken"]
    );
    // a log that names an item the queue does not hold is refused at its line
    std::fs::write(
        &log,
        std::fs::read_to_string(&log).unwrap()
            + "{\"id\":\"ghost\",\"at\":\"2025-01-01T00:00:00Z\"}\n",
    )
    .unwrap();
    let e = ReviewQueue::persisted(review_items(&report()), &log).unwrap_err();
    assert!(matches!(e, EvalError::Dataset { line: 4, .. }), "{e}");
}
