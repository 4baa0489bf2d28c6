//! llmops eval layer: datasets, evaluators, runner, reports, CI gates, online evaluation.
//!
//! "It seems better" is not a number. A suite ([`Dataset`] of [`Case`]s, each with
//! promptfoo-style assertions) is compiled against a [`Registry`] of evaluators before
//! anything runs, run against a [`Target`] (the system under test), reported (JSON, Markdown,
//! JUnit, HTML) and gated against a baseline run; the result is core's
//! [`EvalRecord`](llmops_core::EvalRecord), which prompt promotion reads.
//!
//! Guides: `docs/eval.md` (overview, the example, the CI step) and the pages it links.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod assertion;
mod case;
pub mod dataset;
pub mod drift;
mod error;
pub mod evaluators;
pub mod gate;
pub mod online;
pub mod report;
mod report_model;
pub mod review;
pub mod runner;
pub mod stats;
mod target;
pub mod targets;

pub use assertion::{
    Assertion, AssertionResult, AssertionSpec, BuildContext, EvaluatorFactory, JudgeModel,
    Registry, Verdict,
};
pub use case::{Case, Dataset, SourceLoc};
pub use error::{EvalError, Result};
pub use llmops_core;
pub use report_model::{
    CaseResult, Interval, REPORT_SCHEMA_VERSION, RunReport, Status, Totals, Trial,
};
pub use runner::{OutputCache, Runner};
pub use target::Target;

// The guides' examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../../docs/eval.md")]
pub struct EvalGuideDoctests;
#[cfg(doctest)]
#[doc = include_str!("../../docs/eval-runner.md")]
pub struct RunnerGuideDoctests;
#[cfg(doctest)]
#[doc = include_str!("../../docs/eval-reports.md")]
pub struct EvalReportsDoctests;
