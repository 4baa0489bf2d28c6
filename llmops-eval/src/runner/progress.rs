//! The progress bar: indicatif on stderr, drawn only when stderr is a terminal (CI logs and
//! pipes get nothing).

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::Status;

/// A bar over the cases of a run, or nothing.
#[derive(Debug)]
pub(crate) struct Progress {
    bar: Option<ProgressBar>,
    passed: u64,
    failed: u64,
    errored: u64,
}

impl Progress {
    /// A bar of `len` cases when `wanted` and stderr is a terminal.
    pub(crate) fn new(wanted: bool, len: usize, suite: &str) -> Self {
        let bar = (wanted && std::io::stderr().is_terminal()).then(|| {
            let bar = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
            if let Ok(style) = ProgressStyle::with_template(
                "{prefix} [{bar:30}] {pos}/{len} {msg} ({elapsed}, eta {eta})",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_prefix(suite.to_owned());
            bar
        });
        Progress {
            bar,
            passed: 0,
            failed: 0,
            errored: 0,
        }
    }

    /// One case finished.
    pub(crate) fn case_done(&mut self, status: Status) {
        match status {
            Status::Pass => self.passed += 1,
            Status::Fail => self.failed += 1,
            Status::Error => self.errored += 1,
        }
        if let Some(bar) = &self.bar {
            bar.set_message(format!(
                "{} passed, {} failed, {} errored",
                self.passed, self.failed, self.errored
            ));
            bar.inc(1);
        }
    }

    /// The run ended (completely or not).
    pub(crate) fn finish(&self, complete: bool) {
        if let Some(bar) = &self.bar {
            if complete {
                bar.finish();
            } else {
                bar.abandon_with_message("cancelled");
            }
        }
    }
}
