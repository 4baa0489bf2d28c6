//! Tests of the learned detector: the bundled model, the file format, scoring properties.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use super::*;
use crate::Detector;
use llmops_core::{Role, TextSource};

#[test]
fn placeholder() {
    let m = LearnedModel::bundled();
    let _ = m.score("hello");
    let _ = LearnedDetector::new();
    let mut v = Vec::new();
    LearnedDetector::new().scan("x", TextSource::Message(Role::User), &mut v);
}
