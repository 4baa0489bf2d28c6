//! [`RequestLog`]: every [`ExchangeRecord`] as one JSON line, redacted, written off the
//! request path, with size-bounded rotation; user [`Feedback`] as lines of its own.
//!
//! An exchange line is the record itself (it starts with `schema_version`); a feedback line is
//! `{"feedback": {...}}`, so the two can't be confused. [`RequestLog::read`] returns the
//! records only, [`RequestLog::read_entries`] both kinds in file order, and
//! [`RequestLog::read_feedback`] the feedback on one exchange. Each exchange line carries, in
//! its annotations under [`REDACTION_ANNOTATION`], what the redactor changed
//! ([`LineRedaction`]): a replay needs to know whether the logged request is the one sent.
//!
//! ```
//! use llmops_core::{ChatRequest, Client, ScriptedProvider};
//! use llmops_trace::{RequestLog, RequestLogOptions};
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let dir = tempfile::tempdir().unwrap();
//! let log = RequestLog::open(RequestLogOptions::new(dir.path().join("requests.jsonl"))).unwrap();
//! let client = Client::builder().provider(ScriptedProvider::new().reply("ok")).observer(log.clone()).build().unwrap();
//! client.chat(ChatRequest::new("scripted/m").user("hi")).await.unwrap();
//! client.flush().await.unwrap();
//! let text = std::fs::read_to_string(dir.path().join("requests.jsonl")).unwrap();
//! assert_eq!(text.lines().count(), 1);
//! # });
//! ```

use std::borrow::Cow;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use llmops_core::{ExchangeRecord, Feedback, Observer, Redactor, SecretRedactor};
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::queue::{Queue, WhenFull};

/// Where and how the request log writes.
#[derive(Clone)]
#[non_exhaustive]
pub struct RequestLogOptions {
    /// The file (`requests.jsonl`); rotated files get `.1`, `.2` … appended.
    pub path: PathBuf,
    /// Rotate when the file reaches this size (default 64 MiB).
    pub max_bytes: u64,
    /// Rotated files kept (default 5).
    pub max_files: usize,
    /// Records queued before the policy applies (default 4096).
    pub queue: usize,
    /// What a full queue does (default: drop and count).
    pub when_full: WhenFull,
    /// Applied to every line before it is written (default: [`SecretRedactor`]; the guard
    /// layer's PII redactor plugs in here).
    pub redactor: Arc<dyn Redactor>,
}

impl std::fmt::Debug for RequestLogOptions {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestLogOptions")
            .field("path", &self.path)
            .field("max_bytes", &self.max_bytes)
            .field("max_files", &self.max_files)
            .field("queue", &self.queue)
            .field("when_full", &self.when_full)
            .field("redactor", &self.redactor.name())
            .finish()
    }
}

impl RequestLogOptions {
    /// Defaults for a file.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        RequestLogOptions {
            path: path.into(),
            max_bytes: 64 * 1024 * 1024,
            max_files: 5,
            queue: 4096,
            when_full: WhenFull::Drop,
            redactor: Arc::new(SecretRedactor::default()),
        }
    }

    /// Rotation size.
    #[must_use]
    pub fn max_bytes(mut self, n: u64) -> Self {
        self.max_bytes = n.max(1);
        self
    }

    /// Rotated files kept.
    #[must_use]
    pub fn max_files(mut self, n: usize) -> Self {
        self.max_files = n;
        self
    }

    /// Queue size and full-queue policy.
    #[must_use]
    pub fn queue(mut self, capacity: usize, when_full: WhenFull) -> Self {
        self.queue = capacity;
        self.when_full = when_full;
        self
    }

    /// The redactor applied to each line.
    #[must_use]
    pub fn redactor(mut self, r: Arc<dyn Redactor>) -> Self {
        self.redactor = r;
        self
    }
}

/// Counters of a request log: lines (exchange records and feedback alike).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RequestLogStats {
    /// Lines (records and feedback) accepted into the queue.
    pub accepted: u64,
    /// Lines (records and feedback) dropped because the queue was full (or the writer stopped).
    pub dropped: u64,
}

/// The annotation key under which each exchange line records what the request log's
/// redactor did to it (a [`LineRedaction`]).
pub const REDACTION_ANNOTATION: &str = "request_log";

/// What the request log's redactor did to one exchange line, stored in the record's
/// annotations under [`REDACTION_ANNOTATION`].
///
/// A replay sends the logged request; this says whether that is byte for byte the request
/// that was sent (`request_changed == false`) or a redacted copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LineRedaction {
    /// The redactor's name ([`Redactor::name`]).
    pub redactor: String,
    /// Whether it changed anything in the line.
    pub line_changed: bool,
    /// Whether it changed anything in the logged request (messages, tools, parameters).
    pub request_changed: bool,
}

impl LineRedaction {
    /// What the redactor did to the line `rec` was read from; `None` when the line does not
    /// say (written by an older version, or not read from a request log).
    pub fn of(rec: &ExchangeRecord) -> Option<Self> {
        rec.annotations
            .get(REDACTION_ANNOTATION)
            .and_then(|v| serde_json::from_value(v.clone()).ok())
    }
}

/// One line of a request log.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum LogEntry {
    /// The record of one exchange.
    Exchange(Box<ExchangeRecord>),
    /// Feedback on an exchange, given after it ([`Client::feedback`](llmops_core::Client::feedback)).
    Feedback(Feedback),
}

/// The shape of a feedback line: `{"feedback": {...}}`.
#[derive(Serialize)]
struct FeedbackLineRef<'a> {
    feedback: &'a Feedback,
}

#[derive(Deserialize)]
struct FeedbackLine {
    feedback: Feedback,
}

/// What the writer thread receives.
enum Item {
    Exchange(Box<ExchangeRecord>),
    Feedback(Box<Feedback>),
}

impl Item {
    fn request_id(&self) -> &str {
        match self {
            Item::Exchange(r) => &r.request_id,
            Item::Feedback(f) => &f.request_id,
        }
    }
}

/// The request log: an [`Observer`] that writes one JSON line per exchange, and one per piece
/// of feedback. Cheap to clone.
#[derive(Clone)]
pub struct RequestLog {
    queue: Arc<Queue<Item>>,
    path: PathBuf,
}

impl std::fmt::Debug for RequestLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RequestLog")
            .field("path", &self.path)
            .field("stats", &self.stats())
            .finish()
    }
}

struct Sink {
    opts: RequestLogOptions,
    file: BufWriter<File>,
    size: u64,
}

fn open_append(path: &Path) -> Result<(BufWriter<File>, u64)> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    }
    let f = OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::io(path, e))?;
    let size = f.metadata().map_err(|e| Error::io(path, e))?.len();
    Ok((BufWriter::new(f), size))
}

fn rotated(path: &Path, n: usize) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(format!(".{n}"));
    PathBuf::from(s)
}

fn to_json<T: Serialize>(path: &Path, v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::io(path, e.into()))
}

/// The redacted text when the redactor changed anything (the common case, nothing found, is
/// `None` and copies nothing).
fn redacted(r: &dyn Redactor, text: &str) -> Option<String> {
    match r.redact(text) {
        Cow::Owned(o) if o != text => Some(o),
        _ => None,
    }
}

impl Sink {
    /// The redacted line of an exchange, with what the redactor changed in its annotations.
    fn exchange_line(&self, rec: &mut ExchangeRecord) -> Result<String> {
        let path = &self.opts.path;
        let redactor = &self.opts.redactor;
        let mut note = LineRedaction {
            redactor: redactor.name().to_owned(),
            line_changed: false,
            request_changed: false,
        };
        let annotate = |rec: &mut ExchangeRecord, note: &LineRedaction| -> Result<()> {
            let v = serde_json::to_value(note).map_err(|e| Error::io(path, e.into()))?;
            rec.annotations.insert(REDACTION_ANNOTATION.to_owned(), v);
            Ok(())
        };
        annotate(rec, &note)?;
        let raw = to_json(path, rec)?;
        if redacted(&**redactor, &raw).is_none() {
            return Ok(raw);
        }
        // rare: something was redacted; say so, and whether the request itself was touched
        note.line_changed = true;
        note.request_changed = redacted(&**redactor, &to_json(path, &rec.request)?).is_some();
        annotate(rec, &note)?;
        let raw = to_json(path, rec)?;
        Ok(redacted(&**redactor, &raw).unwrap_or(raw))
    }

    fn write(&mut self, item: Item) -> Result<()> {
        let line = match item {
            Item::Exchange(mut rec) => self.exchange_line(&mut rec)?,
            Item::Feedback(fb) => {
                let raw = to_json(&self.opts.path, &FeedbackLineRef { feedback: &fb })?;
                redacted(&*self.opts.redactor, &raw).unwrap_or(raw)
            }
        };
        self.file
            .write_all(line.as_bytes())
            .map_err(|e| Error::io(&self.opts.path, e))?;
        self.file
            .write_all(b"\n")
            .map_err(|e| Error::io(&self.opts.path, e))?;
        self.size += line.len() as u64 + 1;
        if self.size >= self.opts.max_bytes {
            self.rotate()?;
        }
        Ok(())
    }

    fn rotate(&mut self) -> Result<()> {
        let path = self.opts.path.clone();
        self.file.flush().map_err(|e| Error::io(&path, e))?;
        if self.opts.max_files == 0 {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
        } else {
            for n in (1..self.opts.max_files).rev() {
                let from = rotated(&path, n);
                if from.exists() {
                    std::fs::rename(&from, rotated(&path, n + 1))
                        .map_err(|e| Error::io(&from, e))?;
                }
            }
            std::fs::rename(&path, rotated(&path, 1)).map_err(|e| Error::io(&path, e))?;
        }
        let (file, size) = open_append(&path)?;
        self.file = file;
        self.size = size;
        Ok(())
    }
}

impl RequestLog {
    /// Opens (appends to) the log and starts its writer thread.
    pub fn open(opts: RequestLogOptions) -> Result<Self> {
        let (file, size) = open_append(&opts.path)?;
        let path = opts.path.clone();
        let sink = Arc::new(std::sync::Mutex::new(Sink {
            opts: opts.clone(),
            file,
            size,
        }));
        let (s1, s2) = (sink.clone(), sink);
        let queue = Queue::spawn(
            "request-log",
            opts.queue,
            opts.when_full,
            move |item: Item| {
                let mut sink = match s1.lock() {
                    Ok(s) => s,
                    Err(p) => p.into_inner(),
                };
                let request_id = item.request_id().to_owned();
                if let Err(e) = sink.write(item) {
                    tracing::error!(error = %e, request_id = %request_id, "request log write failed");
                }
            },
            move || {
                let mut sink = match s2.lock() {
                    Ok(s) => s,
                    Err(p) => p.into_inner(),
                };
                let path = sink.opts.path.clone();
                sink.file.flush().map_err(|e| Error::io(path, e))
            },
        )?;
        Ok(RequestLog {
            queue: Arc::new(queue),
            path,
        })
    }

    /// The file written to.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Accepted and dropped counts.
    pub fn stats(&self) -> RequestLogStats {
        RequestLogStats {
            accepted: self.queue.counters.accepted.load(Ordering::Relaxed),
            dropped: self.queue.counters.dropped.load(Ordering::Relaxed),
        }
    }

    /// Reads every exchange record of a request-log file (the current one, not rotated
    /// ones); feedback lines are skipped (see [`read_entries`](RequestLog::read_entries)).
    pub fn read(path: &Path) -> Result<Vec<ExchangeRecord>> {
        Ok(Self::read_entries(path)?
            .into_iter()
            .filter_map(|e| match e {
                LogEntry::Exchange(r) => Some(*r),
                LogEntry::Feedback(_) => None,
            })
            .collect())
    }

    /// Reads every line of a request-log file, records and feedback, in file order (a
    /// malformed line is an error naming it).
    ///
    /// ```
    /// use llmops_core::{ChatRequest, Client, ScriptedProvider};
    /// use llmops_trace::{LogEntry, RequestLog, RequestLogOptions};
    /// # tokio::runtime::Runtime::new().unwrap().block_on(async {
    /// let dir = tempfile::tempdir().unwrap();
    /// let path = dir.path().join("requests.jsonl");
    /// let log = RequestLog::open(RequestLogOptions::new(&path)).unwrap();
    /// let client = Client::builder().provider(ScriptedProvider::new().reply("Paris")).observer(log).build().unwrap();
    /// let reply = client.chat(ChatRequest::new("scripted/m").user("Capital of France?")).await.unwrap();
    /// client.feedback(&reply.meta.request_id, "correct", None).unwrap();
    /// client.flush().await.unwrap();
    /// let entries = RequestLog::read_entries(&path).unwrap();
    /// assert!(matches!(entries.as_slice(), [LogEntry::Exchange(_), LogEntry::Feedback(_)]));
    /// assert_eq!(RequestLog::read(&path).unwrap().len(), 1);
    /// # });
    /// ```
    pub fn read_entries(path: &Path) -> Result<Vec<LogEntry>> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                parse_line(l).map_err(|e| Error::Malformed {
                    path: path.to_owned(),
                    line: i + 1,
                    reason: e.to_string(),
                })
            })
            .collect()
    }

    /// The feedback on one exchange in a request-log file, in the order it was written.
    pub fn read_feedback(path: &Path, request_id: &str) -> Result<Vec<Feedback>> {
        Ok(Self::read_entries(path)?
            .into_iter()
            .filter_map(|e| match e {
                LogEntry::Feedback(f) if f.request_id == request_id => Some(f),
                _ => None,
            })
            .collect())
    }
}

/// A feedback line starts with its one key (lines are written compact, by us); anything else
/// is an exchange record.
fn parse_line(l: &str) -> serde_json::Result<LogEntry> {
    if l.trim_start().starts_with("{\"feedback\"") {
        let f: FeedbackLine = serde_json::from_str(l)?;
        Ok(LogEntry::Feedback(f.feedback))
    } else {
        Ok(LogEntry::Exchange(Box::new(serde_json::from_str(l)?)))
    }
}

#[async_trait::async_trait]
impl Observer for RequestLog {
    fn name(&self) -> &str {
        "request-log"
    }

    fn on_finish(&self, rec: &ExchangeRecord) {
        self.queue.push(Item::Exchange(Box::new(rec.clone())));
    }

    /// Queues the feedback as a line of its own (same redactor, rotation and full-queue
    /// policy as records; a dropped line is counted in [`RequestLog::stats`]).
    fn on_feedback(&self, feedback: &Feedback) {
        self.queue.push(Item::Feedback(Box::new(feedback.clone())));
    }

    async fn flush(&self) -> llmops_core::Result<()> {
        Ok(self.queue.flush().await?)
    }
}
