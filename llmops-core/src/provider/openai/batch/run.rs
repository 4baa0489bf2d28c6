//! One batch from upload to delivery: upload the JSONL (`POST /files`, `purpose=batch`),
//! create the batch (`POST /batches`), poll `GET /batches/{id}` until `completed`, `failed`,
//! `expired` or `cancelled`, download the output and error files
//! (`GET /files/{id}/content`), and hand each caller its result, matched by `custom_id`.
//!
//! Every caller gets exactly one answer: its result line, the batch's error for its line, or a
//! typed error for the whole batch (upload refused, batch failed, expired, cancelled, result
//! missing). A caller that has gone (deadline passed) is skipped; when all have gone, polling
//! stops — the batch itself goes on at the provider.

use std::collections::HashMap;
use std::time::Duration;

use bytes::Bytes;
use reqwest::header::{CONTENT_TYPE, HeaderMap};
use serde::de::DeserializeOwned;
use serde_json::Value;
use tokio::sync::oneshot;

use super::super::error::{self, ApiError};
use super::super::{OpenAi, scrub};
use super::queue::{Group, Limits};
use super::wire::{
    BatchError, BatchObject, COMPLETION_WINDOW, CreateBatch, ENDPOINT, FileObject, Multipart,
    OutputLine, Status,
};
use crate::error::{ProviderError, ProviderErrorKind};
use crate::provider::{ApiKey, http};
use crate::types::ChatResponse;
use crate::{Error, Result};

type Reply = oneshot::Sender<Result<ChatResponse>>;

/// The callers of one batch, by `custom_id`, and their line numbers (1-based) in the file.
struct Callers {
    waiting: HashMap<String, Reply>,
    lines: Vec<String>,
}

impl Callers {
    fn deliver(&mut self, custom_id: &str, r: Result<ChatResponse>) -> bool {
        match self.waiting.remove(custom_id) {
            Some(tx) => {
                // the caller may have gone meanwhile; its result is dropped with it
                let _ = tx.send(r);
                true
            }
            None => false,
        }
    }

    fn fail_all(&mut self, e: &Error) {
        for (_, tx) in self.waiting.drain() {
            let _ = tx.send(Err(e.clone()));
        }
    }

    fn all_gone(&self) -> bool {
        self.waiting.values().all(oneshot::Sender::is_closed)
    }

    /// The `custom_id` of a 1-based line of the input file.
    fn at_line(&self, line: u64) -> Option<&str> {
        let i = usize::try_from(line).ok()?.checked_sub(1)?;
        self.lines.get(i).map(String::as_str)
    }
}

/// Runs one batch to its end and answers every caller.
pub(crate) async fn run(p: OpenAi, limits: Limits, mut group: Group) {
    let jsonl = group.jsonl();
    let jobs = std::mem::take(&mut group.jobs);
    let mut callers = Callers {
        lines: jobs.iter().map(|j| j.custom_id.clone()).collect(),
        waiting: jobs.into_iter().map(|j| (j.custom_id, j.reply)).collect(),
    };
    let batch = Batch {
        p: &p,
        model: &group.model,
        dep: group.deployment.as_deref(),
        key: p
            .target("files", &group.model, group.deployment.as_deref())
            .1,
        limits: &limits,
    };
    if let Err(e) = batch.run(jsonl, &mut callers).await {
        callers.fail_all(&e);
    }
}

struct Batch<'a> {
    p: &'a OpenAi,
    model: &'a str,
    dep: Option<&'a crate::Deployment>,
    key: Option<&'a ApiKey>,
    limits: &'a Limits,
}

impl Batch<'_> {
    /// The URL of `path` on this batch's server (the deployment's endpoint, if it has one).
    fn url(&self, path: &str) -> String {
        self.p.target(path, self.model, self.dep).0
    }

    async fn run(&self, jsonl: Vec<u8>, callers: &mut Callers) -> Result<()> {
        let n = callers.lines.len();
        let file: FileObject = self.upload(&self.url("files"), &jsonl).await?;
        drop(jsonl);
        let body = serde_json::to_vec(&CreateBatch {
            input_file_id: &file.id,
            endpoint: ENDPOINT,
            completion_window: COMPLETION_WINDOW,
        })?;
        let resp = self
            .p
            .post(&self.url("batches"), self.key, body, HeaderMap::new())
            .await?;
        let mut batch: BatchObject = self.decode(&self.read(resp).await?, "a batch object")?;
        tracing::info!(batch_id = %batch.id, input_file_id = %file.id, requests = n, "openai batch created");
        let url = self.url(&format!("batches/{}", batch.id));
        let mut wait = self.limits.poll_interval;
        let mut failures = 0;
        while Status::of(&batch.status) == Status::Running {
            if callers.all_gone() {
                tracing::warn!(batch_id = %batch.id, "every caller of this batch has gone: polling stops, the batch goes on at the provider");
                return Ok(());
            }
            tokio::time::sleep(wait).await;
            match self.get_json::<BatchObject>(&url, "a batch object").await {
                Ok(b) => {
                    batch = b;
                    wait = self.limits.poll_interval;
                    failures = 0;
                }
                Err(e) => {
                    failures += 1;
                    wait = self.backoff(&e, failures)?;
                }
            }
        }
        let status = Status::of(&batch.status);
        tracing::info!(batch_id = %batch.id, status = %batch.status, "openai batch ended");
        for file_id in [&batch.output_file_id, &batch.error_file_id]
            .into_iter()
            .flatten()
        {
            let content = self
                .download(&self.url(&format!("files/{file_id}/content")))
                .await?;
            self.deliver_file(&content, callers);
        }
        if status == Status::Failed {
            let errors = batch.errors.take().map(|e| e.data).unwrap_or_default();
            self.deliver_validation_errors(&batch.id, &errors, callers);
        }
        let rest = self.missing_result(&batch.id, status);
        callers.fail_all(&rest.into());
        Ok(())
    }

    /// The wait before the next try after `e`, or `e` itself when it is not worth retrying.
    fn backoff(&self, e: &Error, failures: u32) -> Result<Duration> {
        let retry = matches!(e, Error::Provider(p) if p.kind.is_retryable());
        if !retry || failures > self.limits.max_poll_failures {
            return Err(e.clone());
        }
        let step = self
            .limits
            .poll_interval
            .saturating_mul(1 << failures.min(5));
        let asked = match e {
            Error::Provider(p) => p.retry_after(),
            _ => None,
        };
        Ok(asked.map_or(step, |a| a.max(step)))
    }

    async fn upload(&self, url: &str, jsonl: &[u8]) -> Result<FileObject> {
        let form = Multipart::batch_file("llmops-batch.jsonl", jsonl);
        let rb = self
            .p
            .client()?
            .post(url)
            .headers(self.p.auth_headers(self.key)?)
            .header(CONTENT_TYPE, form.content_type())
            .body(form.body);
        let resp = self.send(rb).await?;
        self.decode(&self.read(resp).await?, "a file object")
    }

    /// A file's content, retrying transient failures like the polling does.
    async fn download(&self, url: &str) -> Result<Bytes> {
        let mut failures = 0;
        loop {
            let res = match self.get(url).await {
                Ok(resp) => self.read(resp).await,
                Err(e) => Err(e),
            };
            match res {
                Ok(b) => return Ok(b),
                Err(e) => {
                    failures += 1;
                    tokio::time::sleep(self.backoff(&e, failures)?).await;
                }
            }
        }
    }

    async fn get(&self, url: &str) -> Result<reqwest::Response> {
        let rb = self
            .p
            .client()?
            .get(url)
            .headers(self.p.auth_headers(self.key)?);
        self.send(rb).await
    }

    async fn get_json<T: DeserializeOwned>(&self, url: &str, what: &str) -> Result<T> {
        let resp = self.get(url).await?;
        self.decode(&self.read(resp).await?, what)
    }

    async fn send(&self, rb: reqwest::RequestBuilder) -> Result<reqwest::Response> {
        http::send(&self.p.name, rb, error::from_response)
            .await
            .map_err(|e| match e {
                Error::Provider(pe) => Error::from(scrub(*pe, self.key)),
                other => other,
            })
    }

    async fn read(&self, resp: reqwest::Response) -> Result<Bytes> {
        resp.bytes()
            .await
            .map_err(|e| http::transport_error(&self.p.name, &e).into())
    }

    fn decode<T: DeserializeOwned>(&self, bytes: &[u8], what: &str) -> Result<T> {
        serde_json::from_slice(bytes).map_err(|e| {
            let pe = ProviderError::new(
                ProviderErrorKind::Decode,
                self.p.name.clone(),
                format!("the Batch API answered with something that is not {what}: {e}"),
            )
            .with_body(&String::from_utf8_lossy(bytes));
            scrub(pe, self.key).into()
        })
    }

    /// Answers the callers named in a result file (output or error file, same line shape).
    fn deliver_file(&self, content: &[u8], callers: &mut Callers) {
        for raw in content.split(|b| *b == b'\n') {
            if raw.iter().all(u8::is_ascii_whitespace) {
                continue;
            }
            let line: OutputLine = match serde_json::from_slice(raw) {
                Ok(l) => l,
                Err(e) => {
                    tracing::warn!(error = %e, "a batch result line is not JSON; skipped");
                    continue;
                }
            };
            let Some(id) = line.custom_id.clone() else {
                tracing::warn!("a batch result line has no custom_id; skipped");
                continue;
            };
            if !callers.waiting.contains_key(&id) {
                continue;
            }
            let r = self.line_result(line);
            callers.deliver(&id, r);
        }
    }

    /// One result line: the chat completion (read by the provider's own parser) or the typed
    /// error of its `response.status_code` / `body.error`, or of its `error` object.
    fn line_result(&self, line: OutputLine) -> Result<ChatResponse> {
        match (line.response, line.error) {
            (Some(r), _) => {
                let status = r.status_code.unwrap_or(200);
                let body = r.body.unwrap_or(Value::Null);
                let text = serde_json::to_vec(&body)?;
                if (200..300).contains(&status) {
                    self.p.read_full(&text, self.key)
                } else {
                    let text = String::from_utf8_lossy(&text);
                    let e = error::from_response(&self.p.name, status, &HeaderMap::new(), &text);
                    Err(scrub(e, self.key).into())
                }
            }
            (None, Some(err)) if !err.is_null() => {
                let api = ApiError::from_value(&err);
                let e = batch_error(&self.p.name, api, None).with_body(&err.to_string());
                Err(scrub(e, self.key).into())
            }
            (None, _) => Err(ProviderError::new(
                ProviderErrorKind::Decode,
                self.p.name.clone(),
                "a batch result line has neither a response nor an error",
            )
            .into()),
        }
    }

    /// A failed batch's validation errors: one naming a line goes to that line's caller; one
    /// naming no line goes to every caller still waiting.
    fn deliver_validation_errors(&self, id: &str, errors: &[BatchError], callers: &mut Callers) {
        let error_of = |e: &BatchError| {
            let api = ApiError {
                message: format!(
                    "batch {id} failed: {}",
                    e.message.as_deref().unwrap_or("no reason given")
                ),
                code: e.code.clone(),
                ..ApiError::default()
            };
            Error::from(scrub(batch_error(&self.p.name, api, Some(400)), self.key))
        };
        for e in errors {
            if let Some(custom_id) = e.line.and_then(|l| callers.at_line(l)) {
                let custom_id = custom_id.to_owned();
                callers.deliver(&custom_id, Err(error_of(e)));
            }
        }
        if let Some(e) = errors.iter().find(|e| e.line.is_none()) {
            callers.fail_all(&error_of(e));
        }
    }

    /// The error of a caller the batch gave no result.
    fn missing_result(&self, id: &str, status: Status) -> ProviderError {
        let (kind, code, what) = match status {
            Status::Expired => (
                ProviderErrorKind::Timeout,
                "batch_expired",
                "expired before this request ran",
            ),
            Status::Cancelled => (
                ProviderErrorKind::Server,
                "batch_cancelled",
                "was cancelled before this request ran",
            ),
            Status::Failed => (
                ProviderErrorKind::BadRequest,
                "batch_failed",
                "failed validation",
            ),
            Status::Completed | Status::Running => (
                ProviderErrorKind::Server,
                "batch_result_missing",
                "ended without a result for this request",
            ),
        };
        ProviderError::new(kind, self.p.name.clone(), format!("batch {id} {what}"))
            .with_code(Some(code.to_owned()))
    }
}

/// An error the Batch API reports in its own words: `batch_expired` (the request did not run
/// within the completion window: a timeout), `batch_cancelled`, `token_limit_exceeded` (the
/// organisation's enqueued-token limit: retry once other batches finish); anything else is
/// classified like any OpenAI error.
fn batch_error(provider: &str, api: ApiError, status: Option<u16>) -> ProviderError {
    let kind = match api.code.as_deref() {
        Some("batch_expired") => ProviderErrorKind::Timeout,
        Some("batch_cancelled") => ProviderErrorKind::Server,
        Some("token_limit_exceeded") => ProviderErrorKind::RateLimited,
        _ => error::kind_of(&api, status),
    };
    let message = if api.message.is_empty() {
        "the Batch API reported an error".to_owned()
    } else {
        api.message
    };
    let e = ProviderError::new(kind, provider, message).with_code(api.code.or(api.kind));
    match status {
        Some(s) => e.with_status(s),
        None => e,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;

    #[test]
    fn batch_codes_have_their_own_classes() {
        let api = |code: &str| ApiError {
            message: "m".into(),
            code: Some(code.into()),
            ..ApiError::default()
        };
        let k = |code, status| batch_error("openai", api(code), status).kind;
        assert_eq!(k("batch_expired", None), ProviderErrorKind::Timeout);
        assert_eq!(
            k("token_limit_exceeded", Some(400)),
            ProviderErrorKind::RateLimited
        );
        assert_eq!(
            k("context_length_exceeded", None),
            ProviderErrorKind::ContextLength
        );
        assert_eq!(
            k("invalid_json_line", Some(400)),
            ProviderErrorKind::BadRequest
        );
        let e = batch_error("openai", ApiError::default(), None);
        assert!(!e.message.is_empty());
    }

    #[test]
    fn a_validation_error_naming_a_line_goes_to_that_line_only() {
        let p = OpenAi::compatible("http://127.0.0.1:9/v1");
        let limits = Limits::default();
        let b = Batch {
            p: &p,
            model: "m",
            dep: None,
            key: None,
            limits: &limits,
        };
        let (ta, mut ra) = oneshot::channel();
        let (tb, mut rb) = oneshot::channel();
        let mut c = Callers {
            waiting: [("a".to_owned(), ta), ("b".to_owned(), tb)].into(),
            lines: vec!["a".into(), "b".into()],
        };
        let e = BatchError {
            code: Some("invalid_request".into()),
            message: Some("bad line".into()),
            line: Some(2),
        };
        b.deliver_validation_errors("batch_1", &[e], &mut c);
        assert!(ra.try_recv().is_err(), "line 1 is still waiting");
        let Err(Error::Provider(pe)) = rb.try_recv().unwrap() else {
            panic!("line 2 gets a provider error")
        };
        assert_eq!(pe.kind, ProviderErrorKind::BadRequest);
        assert!(pe.message.contains("batch_1") && pe.message.contains("bad line"));
        assert_eq!(c.waiting.len(), 1);
    }

    #[test]
    fn lines_are_one_based() {
        let c = Callers {
            waiting: HashMap::new(),
            lines: vec!["a".into(), "b".into()],
        };
        assert_eq!(c.at_line(1), Some("a"));
        assert_eq!(c.at_line(2), Some("b"));
        assert_eq!(c.at_line(0), None);
        assert_eq!(c.at_line(3), None);
    }
}
