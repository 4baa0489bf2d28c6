//! Helpers for tests that need a real server or runtime.
//!
//! A backend (Redis, PostgreSQL, Phoenix, ONNX Runtime, ...) is tested against the real thing.
//! `.ci/run` installs and starts it, then passes its address to the tests through an
//! environment variable (`LLMOPS_TEST_PHOENIX_URL`, ...). Such a test:
//!
//! - is named `backend_...`, so `.ci/run` can run exactly these tests with the filter
//!   `backend_`;
//! - asks [`backend`] for its variable first. Unset: the helper prints a loud `SKIPPED:` line
//!   and the test returns early (a plain `cargo test` on a laptop passes). Set: the helper
//!   prints `BACKEND TEST RAN:`, which `.ci/run` counts (it fails when none ran);
//! - fails, never skips, when the variable is set and the server cannot be reached.

/// The value of the environment variable `var`, which names the server `what` a backend test
/// needs, or `None` when the test must skip.
///
/// Unset or empty: prints `SKIPPED: <what> needs <var> (set by .ci/run after starting the
/// server)` to stderr and returns `None`. Set: prints `BACKEND TEST RAN: <what> (<var>=<value>)`
/// to stderr and returns the value. The test must then fail if the server does not answer.
///
/// ```
/// // A test named `backend_...`:
/// let Some(url) = llmops_core::testing::backend("LLMOPS_TEST_EXAMPLE_URL", "Example server")
/// else {
///     return; // printed "SKIPPED: Example server needs LLMOPS_TEST_EXAMPLE_URL ..."
/// };
/// // Talk to the server at `url`; an unreachable server is a failure, not a skip.
/// assert!(!url.is_empty());
/// ```
pub fn backend(var: &str, what: &str) -> Option<String> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => {
            eprintln!("BACKEND TEST RAN: {what} ({var}={value})");
            Some(value)
        }
        _ => {
            eprintln!("SKIPPED: {what} needs {var} (set by .ci/run after starting the server)");
            None
        }
    }
}
