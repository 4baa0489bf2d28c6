//! Output checks.
