//! [`Feedback`]: what a user said about one exchange, attached after the fact by request id.
//!
//! [`Client::feedback`](crate::Client::feedback) validates it and hands it to every
//! [`Observer`](crate::Observer) (`on_feedback`): the request log stores it beside the exchange,
//! the metrics count it, the OpenTelemetry bridge attaches it to the exchange's trace.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// The value of a piece of feedback: a number (thumbs as 1/0, a 1–5 rating ...) or a label.
///
/// ```
/// use llmops_core::FeedbackValue;
/// assert_eq!(FeedbackValue::from(1.0), FeedbackValue::Score(1.0));
/// assert_eq!(FeedbackValue::from("wrong_answer"), FeedbackValue::Label("wrong_answer".into()));
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackValue {
    /// A score (finite).
    Score(f64),
    /// A label (`thumbs_down`, `wrong_answer`, `harmful` ...), non-empty.
    Label(String),
}

impl From<f64> for FeedbackValue {
    fn from(v: f64) -> Self {
        FeedbackValue::Score(v)
    }
}

impl From<&str> for FeedbackValue {
    fn from(v: &str) -> Self {
        FeedbackValue::Label(v.to_owned())
    }
}

impl From<String> for FeedbackValue {
    fn from(v: String) -> Self {
        FeedbackValue::Label(v)
    }
}

/// User feedback on one exchange.
///
/// ```
/// use llmops_core::{Feedback, FeedbackValue};
/// let fb = Feedback::new("0192-req", 0.0, Some("cited the wrong policy")).unwrap();
/// assert_eq!(fb.value, FeedbackValue::Score(0.0));
/// assert!(Feedback::new("0192-req", f64::NAN, None).is_err());
/// assert!(Feedback::new("", 1.0, None).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Feedback {
    /// The exchange (`ResponseMeta::request_id`).
    pub request_id: String,
    /// Score or label.
    pub value: FeedbackValue,
    /// Free text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// When it was given.
    pub at: DateTime<Utc>,
}

/// Longest accepted comment, in bytes (a comment is not a document).
pub const MAX_COMMENT_BYTES: usize = 8 * 1024;

impl Feedback {
    /// Feedback given now; a typed error for an empty request id, a non-finite score, an
    /// empty label or a comment over [`MAX_COMMENT_BYTES`].
    pub fn new(
        request_id: impl Into<String>,
        value: impl Into<FeedbackValue>,
        comment: Option<&str>,
    ) -> Result<Self> {
        let request_id = request_id.into();
        let value = value.into();
        if request_id.trim().is_empty() {
            return Err(Error::invalid("feedback needs a request id"));
        }
        match &value {
            FeedbackValue::Score(s) if !s.is_finite() => {
                return Err(Error::invalid(format!(
                    "feedback score must be a finite number, got {s}"
                )));
            }
            FeedbackValue::Label(l) if l.trim().is_empty() => {
                return Err(Error::invalid("feedback label is empty"));
            }
            _ => {}
        }
        if let Some(c) = comment
            && c.len() > MAX_COMMENT_BYTES
        {
            return Err(Error::invalid(format!(
                "feedback comment is {} bytes, the limit is {MAX_COMMENT_BYTES}",
                c.len()
            )));
        }
        Ok(Feedback {
            request_id,
            value,
            comment: comment.map(str::to_owned),
            at: Utc::now(),
        })
    }

    /// The score, if the value is one.
    pub fn score(&self) -> Option<f64> {
        match self.value {
            FeedbackValue::Score(s) => Some(s),
            FeedbackValue::Label(_) => None,
        }
    }

    /// The label, if the value is one.
    pub fn label(&self) -> Option<&str> {
        match &self.value {
            FeedbackValue::Label(l) => Some(l),
            FeedbackValue::Score(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_bad_values() {
        let fb = Feedback::new("r1", "thumbs_down", Some("no")).unwrap();
        let back: Feedback = serde_json::from_str(&serde_json::to_string(&fb).unwrap()).unwrap();
        assert_eq!(back, fb);
        assert_eq!(fb.label(), Some("thumbs_down"));
        assert_eq!(fb.score(), None);
        assert!(Feedback::new("r1", f64::INFINITY, None).is_err());
        assert!(Feedback::new("r1", " ", None).is_err());
        let long = "x".repeat(MAX_COMMENT_BYTES + 1);
        let e = Feedback::new("r1", 1.0, Some(&long)).unwrap_err();
        assert!(e.to_string().contains("limit"), "{e}");
    }
}
