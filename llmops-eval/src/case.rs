//! [`Case`] and [`Dataset`]: what a suite holds. A case is core's [`EvalCase`] (inputs,
//! expected output, context, tags) plus what the suite says about it: its assertions, a
//! test-level threshold, a description, metadata and where it was written.

use std::collections::BTreeMap;
use std::path::PathBuf;

use llmops_core::EvalCase;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::assertion::AssertionSpec;

/// Where a case was written: file and 1-based line.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct SourceLoc {
    /// The file.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
}

impl std::fmt::Display for SourceLoc {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.file.display(), self.line)
    }
}

/// One case of a suite.
///
/// ```
/// use llmops_eval::{AssertionSpec, Case};
/// let case = Case::new("refund-window")
///     .var("question", "How long do I have to return an item?")
///     .expected("30 days")
///     .assert(AssertionSpec::new("icontains", "30 days"))
///     .tag("returns");
/// assert_eq!(case.eval.tags, ["returns"]);
/// assert_eq!(case.assertions[0].kind, "icontains");
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Case {
    /// Inputs, expected output, context, relevant documents, tags (core's type, what
    /// evaluators see).
    #[serde(flatten)]
    pub eval: EvalCase,
    /// A human description (promptfoo's `description`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// The case's assertions, after the suite's defaults.
    #[serde(default, rename = "assert", skip_serializing_if = "Vec::is_empty")]
    pub assertions: Vec<AssertionSpec>,
    /// Test-level threshold: when set (and non-zero, as in promptfoo), the case passes when
    /// its weighted score reaches it, whatever single assertions say.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    /// Free-form metadata (origin request id, reviewer ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub metadata: BTreeMap<String, Value>,
    /// Where the case was written (set by the loaders).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<SourceLoc>,
}

impl Case {
    /// A case with an id.
    pub fn new(id: impl Into<String>) -> Self {
        let mut c = Case::default();
        c.eval.id = id.into();
        c
    }

    /// With a template variable.
    #[must_use]
    pub fn var(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.eval.vars.insert(name.into(), value.into());
        self
    }

    /// With the expected output.
    #[must_use]
    pub fn expected(mut self, text: impl Into<String>) -> Self {
        self.eval.expected = Some(text.into());
        self
    }

    /// With a context passage.
    #[must_use]
    pub fn context(mut self, text: impl Into<String>) -> Self {
        self.eval.context.push(text.into());
        self
    }

    /// With a relevant document id.
    #[must_use]
    pub fn relevant_doc(mut self, id: impl Into<String>) -> Self {
        self.eval.relevant_docs.push(id.into());
        self
    }

    /// With an assertion.
    #[must_use]
    pub fn assert(mut self, spec: AssertionSpec) -> Self {
        self.assertions.push(spec);
        self
    }

    /// With a tag.
    #[must_use]
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.eval.tags.push(tag.into());
        self
    }

    /// With a test-level threshold.
    #[must_use]
    pub fn threshold(mut self, t: f64) -> Self {
        self.threshold = Some(t);
        self
    }

    /// The case id.
    pub fn id(&self) -> &str {
        &self.eval.id
    }

    /// `file:line` when known, else the id: how errors name the case.
    pub fn locator(&self) -> String {
        match &self.source {
            Some(s) => format!("{s} ({})", self.eval.id),
            None => self.eval.id.clone(),
        }
    }
}

/// A named list of cases (a suite's tests). Ids are unique within a dataset.
///
/// ```
/// use llmops_eval::{Case, Dataset};
/// let ds = Dataset::new("support", vec![Case::new("a"), Case::new("b")]).unwrap();
/// assert_eq!(ds.len(), 2);
/// assert!(Dataset::new("dup", vec![Case::new("a"), Case::new("a")]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Dataset {
    /// The dataset's name (the suite name reports and gates use).
    pub name: String,
    /// The cases, in file order.
    pub cases: Vec<Case>,
}

impl Dataset {
    /// A dataset; a typed error when two cases share an id.
    pub fn new(name: impl Into<String>, cases: Vec<Case>) -> crate::Result<Self> {
        let mut seen = std::collections::HashMap::new();
        for c in &cases {
            if let Some(prev) = seen.insert(c.eval.id.as_str(), c.locator()) {
                let (file, line) = c
                    .source
                    .as_ref()
                    .map(|s| (s.file.clone(), s.line))
                    .unwrap_or_default();
                return Err(crate::EvalError::dataset(
                    file,
                    line,
                    format!("case id `{}` is used twice (first at {prev})", c.eval.id),
                ));
            }
        }
        Ok(Dataset {
            name: name.into(),
            cases,
        })
    }

    /// Number of cases.
    pub fn len(&self) -> usize {
        self.cases.len()
    }

    /// Whether there are no cases.
    pub fn is_empty(&self) -> bool {
        self.cases.is_empty()
    }
}
