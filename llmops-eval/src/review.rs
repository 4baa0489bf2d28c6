//! Human review (placeholder).
