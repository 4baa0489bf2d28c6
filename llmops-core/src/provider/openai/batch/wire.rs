//! The Batch API's wire shapes: the JSONL input line, the multipart upload, the file and batch
//! objects, and the result lines of the output and error files.
//!
//! The chat body inside an input line is the provider's own [`ChatBody`]: the batch sends
//! exactly what `POST /chat/completions` would have.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::super::wire::ChatBody;

/// The endpoint every line and the batch name (`url` of a line, `endpoint` of the batch).
pub(crate) const ENDPOINT: &str = "/v1/chat/completions";

/// The only completion window OpenAI offers.
pub(crate) const COMPLETION_WINDOW: &str = "24h";

/// One line of the input file.
#[derive(Serialize)]
pub(crate) struct InputLine<'a> {
    pub(crate) custom_id: &'a str,
    pub(crate) method: &'static str,
    pub(crate) url: &'static str,
    pub(crate) body: ChatBody<'a>,
}

/// `POST /batches`.
#[derive(Serialize)]
pub(crate) struct CreateBatch<'a> {
    pub(crate) input_file_id: &'a str,
    pub(crate) endpoint: &'static str,
    pub(crate) completion_window: &'static str,
}

/// The file object `POST /files` answers with (only what we read).
#[derive(Deserialize)]
pub(crate) struct FileObject {
    pub(crate) id: String,
}

/// The batch object (`POST /batches`, `GET /batches/{id}`), leniently: unknown statuses are
/// kept as text and treated as still running.
#[derive(Deserialize, Default)]
pub(crate) struct BatchObject {
    pub(crate) id: String,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) output_file_id: Option<String>,
    #[serde(default)]
    pub(crate) error_file_id: Option<String>,
    #[serde(default)]
    pub(crate) errors: Option<BatchErrors>,
}

/// `errors` of a batch that failed validation.
#[derive(Deserialize, Default)]
pub(crate) struct BatchErrors {
    #[serde(default)]
    pub(crate) data: Vec<BatchError>,
}

/// One validation error; `line` is the 1-based line of the input file when it names one.
#[derive(Deserialize, Default, Clone)]
pub(crate) struct BatchError {
    #[serde(default)]
    pub(crate) code: Option<String>,
    #[serde(default)]
    pub(crate) message: Option<String>,
    #[serde(default)]
    pub(crate) line: Option<u64>,
}

/// A batch status as the docs name them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// `validating`, `in_progress`, `finalizing`, `cancelling`, or a status we do not know.
    Running,
    Completed,
    Failed,
    Expired,
    Cancelled,
}

impl Status {
    pub(crate) fn of(s: &str) -> Status {
        match s {
            "completed" => Status::Completed,
            "failed" => Status::Failed,
            "expired" => Status::Expired,
            "cancelled" => Status::Cancelled,
            _ => Status::Running,
        }
    }
}

/// One line of the output or error file.
#[derive(Deserialize)]
pub(crate) struct OutputLine {
    #[serde(default)]
    pub(crate) custom_id: Option<String>,
    #[serde(default)]
    pub(crate) response: Option<LineResponse>,
    #[serde(default)]
    pub(crate) error: Option<Value>,
}

/// `response` of a result line: the HTTP status and body the request would have had.
#[derive(Deserialize)]
pub(crate) struct LineResponse {
    #[serde(default)]
    pub(crate) status_code: Option<u16>,
    #[serde(default)]
    pub(crate) body: Option<Value>,
}

/// A `multipart/form-data` body with the fields `purpose=batch` and `file` (the JSONL).
pub(crate) struct Multipart {
    pub(crate) boundary: String,
    pub(crate) body: Vec<u8>,
}

impl Multipart {
    pub(crate) fn batch_file(filename: &str, jsonl: &[u8]) -> Self {
        // a boundary that cannot occur in the file: JSON text never holds a raw `-` run
        // followed by this random id
        let boundary = format!("llmops-batch-{}", uuid::Uuid::now_v7().simple());
        let mut body = Vec::with_capacity(jsonl.len() + 512);
        let head = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\n\
             Content-Type: application/jsonl\r\n\r\n"
        );
        body.extend_from_slice(head.as_bytes());
        body.extend_from_slice(jsonl);
        body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
        Multipart { boundary, body }
    }

    pub(crate) fn content_type(&self) -> String {
        format!("multipart/form-data; boundary={}", self.boundary)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn statuses_and_lenient_objects() {
        assert_eq!(Status::of("completed"), Status::Completed);
        assert_eq!(Status::of("cancelling"), Status::Running);
        assert_eq!(Status::of("something_new"), Status::Running);
        let b: BatchObject =
            serde_json::from_str(r#"{"id":"batch_1","status":"failed","errors":{"object":"list","data":[{"code":"x","line":2}]}}"#)
                .unwrap();
        assert_eq!(b.errors.unwrap().data[0].line, Some(2));
    }

    #[test]
    fn multipart_has_both_fields() {
        let m = Multipart::batch_file("in.jsonl", b"{\"a\":1}\n");
        let text = String::from_utf8(m.body.clone()).unwrap();
        assert!(m.content_type().ends_with(&m.boundary));
        assert!(text.contains("name=\"purpose\"\r\n\r\nbatch\r\n"));
        assert!(text.contains("filename=\"in.jsonl\""));
        assert!(text.contains("{\"a\":1}\n\r\n--"));
        assert!(text.ends_with(&format!("--{}--\r\n", m.boundary)));
    }
}
