//! Regression gates on hand-built runs: identical runs pass, a clear regression fails with
//! exit 100, noise does not, thresholds, tags, missing cases, incompatible runs.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "support/run_fixture.rs"]
mod fixture;

use fixture::{C, run, scored_run};
use llmops_eval::EvalError;
use llmops_eval::gate::{Change, CheckStatus, GateOutcome, GatePolicy, gate};

fn check<'a>(o: &'a GateOutcome, name: &str) -> &'a llmops_eval::gate::Check {
    o.checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check `{name}` in {:#?}", o.checks))
}

/// 40 cases of 1.0; `drop` of them (the first ones) at 0.0 in the candidate.
fn forty(drop: usize) -> Vec<f64> {
    (0..40).map(|i| if i < drop { 0.0 } else { 1.0 }).collect()
}

#[test]
fn identical_runs_pass() {
    let base = scored_run("support", "support-reply/4", &forty(3));
    let cand = scored_run("support", "support-reply/5", &forty(3));
    let p = GatePolicy::default()
        .max_drop("score", 0.02)
        .max_drop("pass_rate", 0.0);
    let o = gate(&cand, Some(&base), &p).unwrap();
    assert!(o.passed(), "{o}");
    assert_eq!(o.exit_code(), 0);
    assert_eq!(o.paired, 40);
    let s = o.metric("score").unwrap();
    assert_eq!(
        (s.baseline, s.candidate, s.delta),
        (Some(0.925), Some(0.925), Some(0.0))
    );
    let i = s.interval.unwrap();
    assert_eq!((i.low, i.high, i.n), (0.0, 0.0, 40));
    assert_eq!(s.change, Change::Unchanged);
    assert_eq!(check(&o, "max_drop score").status, CheckStatus::Pass);
}

#[test]
fn a_clear_regression_fails_with_exit_100() {
    let base = scored_run("support", "support-reply/4", &forty(0));
    let cand = scored_run("support", "support-reply/5", &forty(12));
    let p = GatePolicy::default().max_drop("score", 0.02);
    let o = gate(&cand, Some(&base), &p).unwrap();
    println!("{o}");
    assert!(!o.passed());
    assert_eq!(o.exit_code(), 100);
    let s = o.metric("score").unwrap();
    assert!((s.delta.unwrap() + 0.3).abs() < 1e-12);
    let i = s.interval.unwrap();
    assert!(i.high < 0.0 && i.low < -0.15, "{i:?}");
    assert_eq!(s.change, Change::Regressed);
    let c = check(&o, "max_drop score");
    assert_eq!(c.status, CheckStatus::Fail);
    assert!(c.detail.contains("drop 0.300 > 0.02"), "{}", c.detail);
    // pass_rate has no limit: reported as significantly worse, not failed
    assert_eq!(o.metric("pass_rate").unwrap().change, Change::Worse);
    assert_eq!(o.failures().count(), 1);
    // the record promotion reads is the candidate's
    let rec = o.eval_record();
    assert_eq!(rec, cand.eval_record());
    assert_eq!(
        (rec.target.as_str(), rec.cases, rec.pass_rate),
        ("support-reply/5", 40, 0.7)
    );
}

#[test]
fn noise_within_the_interval_does_not_fail_when_significance_is_required() {
    // 4 cases drop 1 -> 0, 2 others rise 0 -> 1: mean drop 0.05 (> 0.02), but the paired
    // interval straddles zero
    let base: Vec<f64> = (0..40).map(|i| if i >= 38 { 0.0 } else { 1.0 }).collect();
    let cand: Vec<f64> = (0..40).map(|i| if i < 4 { 0.0 } else { 1.0 }).collect();
    let base = scored_run("support", "a", &base);
    let cand = scored_run("support", "b", &cand);
    let p = GatePolicy::default().max_drop("score", 0.02);
    let o = gate(&cand, Some(&base), &p).unwrap();
    let s = o.metric("score").unwrap();
    assert!((s.delta.unwrap() + 0.05).abs() < 1e-12);
    let i = s.interval.unwrap();
    assert!(i.low < 0.0 && i.high > 0.0, "{i:?}");
    assert_eq!(s.change, Change::NoisyDrop);
    println!("{o}");
    assert!(o.passed(), "{o}");
    assert!(check(&o, "max_drop score").detail.contains("noise"));

    // the same drop counts when significance is not required
    let o = gate(&cand, Some(&base), &p.clone().require_significance(false)).unwrap();
    assert_eq!(o.metric("score").unwrap().change, Change::Regressed);
    assert_eq!(o.exit_code(), 100);
}

#[test]
fn the_bootstrap_is_reproducible_and_the_seed_is_the_policys() {
    let base = scored_run("s", "a", &forty(2));
    let cand = scored_run("s", "b", &forty(6));
    let p = GatePolicy::default().bootstrap(500, 0.9, 42);
    let a = gate(&cand, Some(&base), &p).unwrap();
    let b = gate(&cand, Some(&base), &p).unwrap();
    assert_eq!(a, b);
    let i = a.metric("score").unwrap().interval.unwrap();
    assert_eq!(i.level, 0.9);
}

#[test]
fn minimum_thresholds() {
    // 40 cases, 6 fail: pass rate 0.85; faithfulness 0.9 on passing cases, 0.2 on failing ones
    let cases: Vec<C> = (0..40)
        .map(|i| {
            let id = format!("c{i:02}");
            if i < 6 {
                C::fail(&id, "wrong").metric("context-faithfulness", 0.2)
            } else {
                C::pass(&id).metric("context-faithfulness", 0.9)
            }
        })
        .collect();
    let cand = run("support", "t", &cases);
    let p = GatePolicy::default()
        .min("pass_rate", 0.9)
        .min("context-faithfulness", 0.75);
    let o = gate(&cand, None, &p).unwrap();
    assert_eq!(o.exit_code(), 100);
    let c = check(&o, "min pass_rate");
    assert_eq!(c.status, CheckStatus::Fail);
    assert!(c.detail.contains("0.850 < 0.9"), "{}", c.detail);
    // (34 * 0.9 + 6 * 0.2) / 40 = 0.795
    let c = check(&o, "min context-faithfulness");
    assert_eq!(c.status, CheckStatus::Pass, "{}", c.detail);
    assert!(c.detail.contains("0.795 >= 0.75"), "{}", c.detail);

    let o = gate(&cand, None, &GatePolicy::default().min("pass_rate", 0.85)).unwrap();
    assert!(o.passed(), "exactly the minimum passes: {o}");
    let o = gate(
        &cand,
        None,
        &GatePolicy::default().min("context-faithfulness", 0.8),
    )
    .unwrap();
    assert!(!o.passed());
}

#[test]
fn the_per_tag_breakdown_shows_which_tag_regressed() {
    // 10 billing + 30 shipping cases; 8 billing cases drop, shipping is unchanged
    let mk = |drop_billing: usize| {
        let cases: Vec<C> = (0..40)
            .map(|i| {
                let id = format!("c{i:02}");
                let (tag, dropped) = if i < 10 {
                    ("billing", i < drop_billing)
                } else {
                    ("shipping", false)
                };
                let c = if dropped {
                    C::fail(&id, "wrong")
                } else {
                    C::pass(&id)
                };
                c.tags(&[tag])
            })
            .collect::<Vec<_>>();
        run("support", "t", &cases)
    };
    let base = mk(0);
    let cand = mk(8);
    // overall: drop 0.2, allowed 0.25 -> passes; per tag: billing drops 0.8
    let p = GatePolicy::default()
        .max_drop("score", 0.25)
        .tag_max_drop("score", 0.1);
    let o = gate(&cand, Some(&base), &p).unwrap();
    println!("{}", o.to_markdown());
    let billing = o.tag("billing").unwrap();
    let shipping = o.tag("shipping").unwrap();
    assert_eq!((billing.cases, billing.paired), (10, 10));
    let bs = billing
        .metrics
        .iter()
        .find(|m| m.metric == "score")
        .unwrap();
    assert!((bs.delta.unwrap() + 0.8).abs() < 1e-12);
    assert_eq!(bs.change, Change::Regressed);
    assert!(billing.worse() && !shipping.worse());
    let ss = shipping
        .metrics
        .iter()
        .find(|m| m.metric == "score")
        .unwrap();
    assert_eq!(ss.change, Change::Unchanged);
    assert_eq!(check(&o, "max_drop score").status, CheckStatus::Pass);
    assert_eq!(
        check(&o, "tag billing: max_drop score").status,
        CheckStatus::Fail
    );
    assert_eq!(
        check(&o, "tag shipping: max_drop score").status,
        CheckStatus::Pass
    );
    assert_eq!(o.exit_code(), 100);
    let md = o.to_markdown();
    assert!(
        md.contains("| **billing** | score | 1.000 | 0.200 | -0.800 |"),
        "{md}"
    );

    // without tag limits the breakdown is shown but does not gate
    let o = gate(
        &cand,
        Some(&base),
        &GatePolicy::default().max_drop("score", 0.25),
    )
    .unwrap();
    assert!(o.passed(), "{o}");
    assert!(o.tag("billing").unwrap().worse());
}

#[test]
fn missing_cases_are_listed_not_dropped() {
    let base = scored_run("support", "a", &[1.0; 40]);
    let mut cand = scored_run("support", "b", &[1.0; 38]);
    cand.cases.push(C::pass("brand-new").build());
    cand.compute_totals();
    let o = gate(
        &cand,
        Some(&base),
        &GatePolicy::default().max_drop("score", 0.0),
    )
    .unwrap();
    assert_eq!(o.only_in_baseline, vec!["c38".to_owned(), "c39".to_owned()]);
    assert_eq!(o.only_in_candidate, vec!["brand-new".to_owned()]);
    assert_eq!(o.paired, 38);
    let c = check(&o, "missing cases");
    assert_eq!(c.status, CheckStatus::Pass);
    assert!(
        c.detail
            .contains("2 baseline case(s) missing from the candidate (c38, c39)"),
        "{}",
        c.detail
    );
    assert!(o.passed());
    let text = o.to_text();
    assert!(
        text.contains("only in the baseline (2): c38, c39"),
        "{text}"
    );
    assert!(
        text.contains("only in the candidate (1): brand-new"),
        "{text}"
    );
    let md = o.to_markdown();
    assert!(
        md.contains("Baseline cases missing from the candidate (2)"),
        "{md}"
    );

    let o = gate(
        &cand,
        Some(&base),
        &GatePolicy::default().fail_on_missing_cases(true),
    )
    .unwrap();
    assert_eq!(check(&o, "missing cases").status, CheckStatus::Fail);
    assert_eq!(o.exit_code(), 100);
}

#[test]
fn incompatible_runs_are_a_tool_error() {
    let base = scored_run("billing-suite", "a", &[1.0; 3]);
    let cand = scored_run("support", "b", &[1.0; 3]);
    let e = gate(&cand, Some(&base), &GatePolicy::default()).unwrap_err();
    assert!(matches!(e, EvalError::Gate(_)), "{e}");
    assert!(e.to_string().contains("`billing-suite`"), "{e}");
    assert!(
        gate(
            &cand,
            Some(&base),
            &GatePolicy::default().allow_suite_mismatch(true)
        )
        .is_ok()
    );
}

#[test]
fn a_metric_neither_run_has_is_a_tool_error() {
    let cand = scored_run("s", "b", &[1.0; 3]);
    let e = gate(&cand, None, &GatePolicy::default().min("faithfulnes", 0.8)).unwrap_err();
    assert!(matches!(e, EvalError::Gate(_)));
    assert!(
        e.to_string().contains("`faithfulnes`") && e.to_string().contains("pass_rate"),
        "{e}"
    );
}

#[test]
fn duplicate_case_ids_are_a_tool_error() {
    let mut cand = scored_run("s", "b", &[1.0; 2]);
    cand.cases[1].id = cand.cases[0].id.clone();
    let e = gate(&cand, None, &GatePolicy::default()).unwrap_err();
    assert!(e.to_string().contains("appears twice"), "{e}");
}

#[test]
fn errored_cases_fail_unless_switched_off() {
    let cases = vec![C::pass("a"), C::pass("b"), C::error("c", "timeout")];
    let cand = run("s", "t", &cases);
    let o = gate(&cand, None, &GatePolicy::default()).unwrap();
    let c = check(&o, "errors");
    assert_eq!(c.status, CheckStatus::Fail);
    assert!(c.detail.contains("1 errored case(s): c"), "{}", c.detail);
    let o = gate(&cand, None, &GatePolicy::default().fail_on_errors(false)).unwrap();
    assert_eq!(check(&o, "errors").status, CheckStatus::Skipped);
    assert!(o.passed());
}

#[test]
fn case_count_and_completeness() {
    let cand = scored_run("s", "t", &[1.0; 5]);
    let o = gate(&cand, None, &GatePolicy::default().min_cases(20)).unwrap();
    assert_eq!(check(&o, "min_cases").status, CheckStatus::Fail);
    let empty = scored_run("s", "t", &[]);
    assert!(!gate(&empty, None, &GatePolicy::default()).unwrap().passed());
    let mut partial = scored_run("s", "t", &[1.0; 5]);
    partial.complete = false;
    let o = gate(&partial, None, &GatePolicy::default()).unwrap();
    assert_eq!(check(&o, "complete").status, CheckStatus::Fail);
}

#[test]
fn without_a_baseline_drops_are_skipped() {
    let cand = scored_run("s", "t", &forty(2));
    let p = GatePolicy::default()
        .max_drop("score", 0.01)
        .min("score", 0.9);
    let o = gate(&cand, None, &p).unwrap();
    assert!(o.passed(), "{o}");
    assert_eq!(check(&o, "max_drop score").status, CheckStatus::Skipped);
    let s = o.metric("score").unwrap();
    assert_eq!((s.change, s.candidate), (Change::NotCompared, Some(0.95)));
    assert!(o.to_markdown().contains("no baseline"));
}

#[test]
fn outcome_renders_as_text_markdown_and_json() {
    let base = scored_run("support", "support-reply/4", &forty(0));
    let cand = scored_run("support", "support-reply/5", &forty(12));
    let p = GatePolicy::from_yaml(
        "min: {pass_rate: 0.9}\nmax_drop: {score: 0.02}\nbootstrap: {iterations: 1000, seed: 1}\n",
    )
    .unwrap();
    let o = gate(&cand, Some(&base), &p).unwrap();
    let text = o.to_text();
    assert!(text.starts_with("gate FAILED (2 of"), "{text}");
    assert!(text.contains("FAIL  max_drop score"), "{text}");
    assert!(text.contains("exit code 100"), "{text}");
    let md = o.to_markdown();
    assert!(md.starts_with("## ❌ Eval gate failed (2 of"), "{md}");
    assert!(md.contains("| `max_drop score` | ❌ **fail** |"), "{md}");
    assert!(md.contains("| score | 1.000 | 0.700 | -0.300 |"), "{md}");
    assert!(md.contains("❌ **regressed**"), "{md}");
    let json: serde_json::Value = serde_json::from_str(&o.to_json().unwrap()).unwrap();
    assert_eq!(json["passed"], false);
    assert_eq!(json["exit_code"], 100);
    assert_eq!(json["record"]["pass_rate"], 0.7);
    assert_eq!(json["metrics"].as_array().unwrap().len(), 2);
}

#[test]
fn the_policy_file_drives_the_gate() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("gate.yaml");
    std::fs::write(
        &path,
        "# evals/gate.yaml\nmin:\n  pass_rate: 0.6\nmax_drop:\n  score: 0.02\nrequire_significance: true\n",
    )
    .unwrap();
    let p = GatePolicy::load(&path).unwrap();
    let base_path = dir.path().join("baseline.json");
    let base = scored_run("support", "a", &forty(0));
    std::fs::write(
        &base_path,
        llmops_eval::report::json::to_json(&base).unwrap(),
    )
    .unwrap();
    // the baseline comes back from its JSON report, as the CLI reads it
    let base = llmops_eval::RunReport::read(&base_path).unwrap();
    let cand = scored_run("support", "b", &forty(12));
    assert_eq!(gate(&cand, Some(&base), &p).unwrap().exit_code(), 100);
    assert_eq!(gate(&base, Some(&base), &p).unwrap().exit_code(), 0);
}
