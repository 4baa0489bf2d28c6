//! The guard pipeline through a real `Client`: inputs by source, composition, outputs (full
//! and streamed, leaks split at every offset), holds and approvals, the PII mapping round trip,
//! and what the exchange record carries.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

mod holds;
mod inputs;
mod outputs;
mod restore;
mod support;
