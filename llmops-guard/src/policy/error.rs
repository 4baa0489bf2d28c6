//! [`PolicyError`]: what can go wrong building a tool policy.

/// An error building a [`ToolPolicy`](super::ToolPolicy): a bad policy file, a rule that
/// cannot work, or a tool's argument schema that does not compile. Deciding about a call never
/// fails with this: a call the policy cannot admit is a [`Deny`](llmops_core::GateDecision).
///
/// ```
/// use llmops_guard::policy::{PolicyError, ToolPolicy};
/// let e = ToolPolicy::from_toml_str("[tools.send_email]\nroles = [\"support\"]\nmax_args_bytes = -1\n", "policy.toml")
///     .unwrap_err();
/// assert!(matches!(e, PolicyError::File { line: 3, .. }), "{e}");
/// assert!(e.to_string().starts_with("tool policy policy.toml:3:"), "{e}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum PolicyError {
    /// A policy file that cannot be read.
    #[error("cannot read tool policy file {path}: {message}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// A policy file that is not valid TOML or holds a bad field.
    #[error("tool policy {origin}:{line}:{column}: {message}")]
    File {
        /// The file (or the name given to the text).
        origin: String,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// What is wrong, naming the field.
        message: String,
    },
    /// A rule that cannot work (a bad JSON pointer, pattern, range, limit ...).
    #[error("tool policy rule for `{tool}`{at}: {message}")]
    Rule {
        /// The tool the rule is for.
        tool: String,
        /// Where the rule was written (` (policy.toml:12)`), empty for rules built in code.
        at: String,
        /// What is wrong.
        message: String,
    },
    /// A tool's argument schema that is not a valid JSON Schema.
    #[error("tool `{tool}`: its argument schema is not a valid JSON Schema: {message}")]
    Schema {
        /// The tool.
        tool: String,
        /// What the schema compiler said.
        message: String,
    },
}

impl From<PolicyError> for llmops_core::Error {
    fn from(e: PolicyError) -> Self {
        llmops_core::Error::config(e.to_string())
    }
}
