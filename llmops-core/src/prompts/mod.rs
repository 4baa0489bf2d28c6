//! Prompt files: versioned prompts as Dotprompt-style files, rendered strictly.
//!
//! A prompt file is YAML front matter between `---` lines and a body whose messages are
//! split by `{{role "system"}}`, `{{role "user"}}` and `{{role "model"}}` (or
//! `{{role "assistant"}}`) markers; a body without markers is one user message.
//!
//! ```text
//! ---
//! model: openai/gpt-4o-mini
//! config: {temperature: 0.2, max_tokens: 200}
//! input:
//!   schema:
//!     question: string
//!     tone?: string
//!   default: {tone: friendly}
//! version: 3
//! author: ada
//! reason: shorter answers
//! created: 2025-01-31T12:00:00Z
//! ---
//! {{role "system"}}
//! Answer in a {{tone}} tone.
//! {{role "user"}}
//! {{question}}
//! ```
//!
//! - [`PromptFile::parse`] / [`PromptFile::load`] parse the file and its templates once;
//!   every error is a [`PromptError::Parse`] naming the file and line.
//! - [`render`] applies defaults, checks the variables against the [`InputSchema`] and
//!   renders; a missing, mistyped or undeclared variable is a [`PromptError::Render`]
//!   naming the prompt, version and variable, never an empty string.
//! - [`PromptFile::from_prompty`] imports Microsoft Prompty files.
//!
//! - [`PromptRegistry`] loads a directory of prompts with immutable numbered versions,
//!   labels, a hash lock and an append-only history; it resolves `name`, `name@label` and
//!   `name/3` references and moves labels (set, eval-gated promote, rollback, remove).
//!
//! Weighted rollout, hot reload and pipeline integration build on this in later slices.

use std::sync::Arc;

mod bookkeeping;
mod canary;
mod evals;
mod file;
mod labels;
mod layer;
mod prompty;
mod registry;
mod resolved;
mod rollout;
pub mod schema;
mod store;
mod template;
mod watch;

pub use canary::{ArmFigures, CanaryGuard, CanaryPolicy, CanaryRevert, REVERTER};
pub use file::{PromptFile, content_hash};
pub use labels::{HistoryAction, HistoryRecord};
pub use layer::{PromptLayer, StickyKey};
pub use registry::{LATEST, PRODUCTION, PromptRegistry};
pub use resolved::{Reference, ResolvedPrompt};
pub use rollout::{LabelTarget, rollout_bucket};
pub use schema::{Field, FieldType, InputSchema, ObjectSchema};
pub use store::{PromptStore, PromptStoreBuilder, StoreStats};
pub use template::{MessageTemplate, TemplateFormat, render};
pub use watch::{PromptWatcher, WatchMode};

/// What went wrong loading or rendering a prompt.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum PromptError {
    /// The file (front matter, schema or a template) could not be parsed.
    #[error("{file}:{line}: {message}")]
    Parse {
        /// The file path or prompt name.
        file: String,
        /// The 1-based line the error concerns.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// A variable was missing, mistyped or undeclared, or a template failed.
    #[error("prompt `{prompt}` version {version}: variable `{variable}`: {message}")]
    Render {
        /// The prompt's name.
        prompt: String,
        /// The prompt's version.
        version: u32,
        /// The variable (dotted path) concerned.
        variable: String,
        /// What is wrong.
        message: String,
    },
    /// The file could not be read.
    #[error("{path}: {source}")]
    Io {
        /// The path that was read.
        path: String,
        /// The I/O error.
        #[source]
        source: Arc<std::io::Error>,
    },
    /// A published version's file no longer matches the hash recorded in the lock.
    #[error(
        "{file}: published version was edited in place (locked {locked}, found {found}); versions are immutable, create a new one"
    )]
    Modified {
        /// The edited file.
        file: String,
        /// The hash recorded when the version was first seen.
        locked: String,
        /// The hash of the file now.
        found: String,
    },
    /// A reference is not `name`, `name@label` or `name/<version>`.
    #[error("malformed prompt reference `{reference}`: {message}")]
    BadReference {
        /// The reference as given.
        reference: String,
        /// What is wrong.
        message: String,
    },
    /// No prompt of that name.
    #[error("unknown prompt `{name}`")]
    UnknownPrompt {
        /// The prompt name.
        name: String,
    },
    /// The prompt has no such label.
    #[error("prompt `{name}` has no label `{label}`")]
    UnknownLabel {
        /// The prompt name.
        name: String,
        /// The label.
        label: String,
    },
    /// The prompt has no such version.
    #[error("prompt `{name}` has no version {version}")]
    UnknownVersion {
        /// The prompt name.
        name: String,
        /// The version.
        version: u32,
    },
    /// A promotion's eval gate refused it.
    #[error("promotion of `{name}/{version}` to `{label}` refused: {reason}")]
    PromotionRefused {
        /// The prompt name.
        name: String,
        /// The label.
        label: String,
        /// The version.
        version: u32,
        /// Why.
        reason: String,
    },
    /// A label change was applied but its audit event could not be written.
    #[error("the label change was applied, but recording it in the audit trail failed: {message}")]
    Audit {
        /// The audit sink's error.
        message: String,
    },
    /// The file watcher could not be started.
    #[error("watching {path}: {message}")]
    Watch {
        /// The directory.
        path: String,
        /// What failed.
        message: String,
    },
    /// The history has no earlier target for the label.
    #[error("prompt `{name}` label `{label}`: nothing to roll back to")]
    NothingToRollBack {
        /// The prompt name.
        name: String,
        /// The label.
        label: String,
    },
}

impl From<PromptError> for crate::Error {
    fn from(e: PromptError) -> Self {
        match e {
            PromptError::Render { .. }
            | PromptError::BadReference { .. }
            | PromptError::UnknownPrompt { .. }
            | PromptError::UnknownLabel { .. }
            | PromptError::UnknownVersion { .. } => crate::Error::invalid(e.to_string()),
            PromptError::Parse { .. }
            | PromptError::Io { .. }
            | PromptError::Modified { .. }
            | PromptError::PromotionRefused { .. }
            | PromptError::NothingToRollBack { .. }
            | PromptError::Watch { .. } => crate::Error::config(e.to_string()),
            PromptError::Audit { .. } => crate::Error::extension("prompts", e),
        }
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;

    #[test]
    fn converts_into_core_error_keeping_the_message() {
        let err = PromptFile::parse("p", "---\nversion: 0\n---\n").unwrap_err();
        let core: crate::Error = err.clone().into();
        assert!(matches!(core, crate::Error::Config(ref m) if m == &err.to_string()));
        let err = render(
            &PromptFile::parse("p", "{{x}}").unwrap(),
            &Default::default(),
        )
        .unwrap_err();
        let core: crate::Error = err.into();
        assert!(matches!(core, crate::Error::InvalidRequest(ref m) if m.contains("`x`")));
    }
}
