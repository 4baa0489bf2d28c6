//! Built-in evaluators, one module per family. Each module's `register` adds its assertion
//! types to a [`Registry`].

use crate::Registry;

pub mod deterministic;
pub mod graded;
pub mod json;
pub mod rag;
pub mod safety;
pub mod similarity;

/// Adds every built-in type.
pub(crate) fn register_builtins(r: &mut Registry) {
    deterministic::register(r);
    json::register(r);
    similarity::register(r);
    graded::register(r);
    rag::register(r);
    safety::register(r);
}
