//! Our retrieval metrics against pytrec_eval's (trec_eval) values on the committed fixtures
//! of `scripts/peers/trec_eval/` (regenerate with its `run.sh`, by hand).
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::collections::BTreeMap;
use std::path::PathBuf;

use llmops_rag::metrics::{EvalOptions, MetricName, MissingQueries, Qrels, Report, Run, evaluate};
use serde::Deserialize;

const TOLERANCE: f64 = 1e-6;

#[derive(Deserialize)]
struct Case {
    qrels: Qrels,
    run: Run,
}

#[derive(Deserialize)]
struct Reference {
    cases: BTreeMap<String, BTreeMap<String, Convention>>,
}

#[derive(Deserialize)]
struct Convention {
    evaluated: Vec<String>,
    per_query: BTreeMap<String, BTreeMap<MetricName, f64>>,
    mean_present: BTreeMap<MetricName, f64>,
    mean_all: BTreeMap<MetricName, f64>,
}

fn peer_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../scripts/peers/trec_eval")
}

fn read<T: for<'de> Deserialize<'de>>(name: &str) -> T {
    let path = peer_dir().join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path:?}: {e}"))
}

fn assert_close(what: &str, ours: f64, theirs: f64) -> f64 {
    assert!(
        (ours - theirs).abs() <= TOLERANCE,
        "{what}: ours {ours}, pytrec_eval {theirs}"
    );
    (ours - theirs).abs()
}

/// Values compared and the largest difference seen.
#[derive(Default)]
struct Tally {
    compared: usize,
    max_diff: f64,
}

impl Tally {
    fn check(&mut self, what: &str, ours: f64, theirs: f64) {
        self.max_diff = self.max_diff.max(assert_close(what, ours, theirs));
        self.compared += 1;
    }
}

fn assert_means(tally: &mut Tally, label: &str, report: &Report, want: &BTreeMap<MetricName, f64>) {
    for (metric, &theirs) in want {
        let ours = report.mean(*metric).unwrap();
        tally.check(&format!("{label} mean {metric}"), ours, theirs);
    }
}

fn check_case(tally: &mut Tally, name: &str, reference: &BTreeMap<String, Convention>) {
    let case: Case = read(&format!("{name}.json"));
    for (convention, want) in reference {
        let metrics: Vec<MetricName> = want.mean_all.keys().copied().collect();
        let base = match convention.as_str() {
            "trec" => EvalOptions::default(),
            "beir" => EvalOptions::beir(),
            other => panic!("unknown convention {other}"),
        };
        let label = format!("{name}/{convention}");

        // pytrec_eval's own mean: the judged queries present in the run.
        let skip = base.clone().missing(MissingQueries::Skip);
        let report = evaluate(&case.qrels, &case.run, &metrics, &skip).unwrap();
        let ours: Vec<&String> = report.per_query.keys().collect();
        let theirs: Vec<&String> = want.evaluated.iter().collect();
        assert_eq!(ours, theirs, "{label}: evaluated queries");
        for (query, values) in &want.per_query {
            for (metric, &theirs) in values {
                let ours = report.query(query, *metric).unwrap();
                tally.check(&format!("{label} {query} {metric}"), ours, theirs);
            }
        }
        assert_means(tally, &label, &report, &want.mean_present);

        // Missing queries as zeros: the mean over every judged query (trec_eval -c).
        let zero = base.missing(MissingQueries::Zero);
        let report = evaluate(&case.qrels, &case.run, &metrics, &zero).unwrap();
        assert_eq!(report.queries, case.qrels.len(), "{label}");
        assert_means(
            tally,
            &format!("{label} (missing = 0)"),
            &report,
            &want.mean_all,
        );
    }
}

#[test]
fn metrics_match_pytrec_eval() {
    let reference: Reference = read("reference.json");
    assert_eq!(
        reference.cases.keys().collect::<Vec<_>>(),
        ["handmade", "random"]
    );
    let mut tally = Tally::default();
    for (name, conventions) in &reference.cases {
        check_case(&mut tally, name, conventions);
    }
    eprintln!(
        "compared {} values with pytrec_eval's; largest difference {:e}",
        tally.compared, tally.max_diff
    );
    // Both cases, both conventions, every query and metric: thousands of values.
    assert!(
        tally.compared > 2_000,
        "only {} values compared",
        tally.compared
    );
}

#[test]
fn the_fixtures_cover_the_edge_cases() {
    let case: Case = read("handmade.json");
    let reference: Reference = read("reference.json");
    let trec = &reference.cases["handmade"]["trec"];
    // A judged query missing from the run, one with an empty ranking, one judged but without
    // a relevant document, a run query without judgments.
    assert!(!case.run.contains("q-missing") && case.qrels.contains("q-missing"));
    assert_eq!(case.run.ranking("q-empty").unwrap().len(), 0);
    assert!(trec.evaluated.iter().any(|q| q == "q-empty"));
    assert_eq!(case.qrels.relevant("q-norel", 1), 0);
    assert!(!case.qrels.contains("q-unjudged"));
    // Ties: d5 (not relevant) and d1 (grade 2) share the top score; trec_eval ranks d5 first
    // (document ids descending), so the first relevant document is at rank 2.
    assert_eq!(trec.per_query["q-graded"][&MetricName::Mrr(10)], 0.5);
    // The query's own id ranked first only counts under BEIR's convention.
    let beir = &reference.cases["handmade"]["beir"];
    assert!(
        beir.per_query["q-self"][&MetricName::Mrr(1)]
            > trec.per_query["q-self"][&MetricName::Mrr(1)]
    );
}
