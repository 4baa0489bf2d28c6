//! [`RequestLog`]: every [`ExchangeRecord`] as one JSON line, redacted, written off the
//! request path, with size-bounded rotation.
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

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::Ordering;

use llmops_core::{ExchangeRecord, Observer, Redactor, SecretRedactor};

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

/// Counters of a request log.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct RequestLogStats {
    /// Records accepted into the queue.
    pub accepted: u64,
    /// Records dropped because the queue was full (or the writer stopped).
    pub dropped: u64,
}

/// The request log: an [`Observer`] that writes one JSON line per exchange. Cheap to clone.
#[derive(Clone)]
pub struct RequestLog {
    queue: Arc<Queue<Box<ExchangeRecord>>>,
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

impl Sink {
    fn write(&mut self, rec: &ExchangeRecord) -> Result<()> {
        let line = serde_json::to_string(rec).map_err(|e| Error::io(&self.opts.path, e.into()))?;
        let line = self.opts.redactor.redact(&line);
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
            move |rec: Box<ExchangeRecord>| {
                let mut sink = match s1.lock() {
                    Ok(s) => s,
                    Err(p) => p.into_inner(),
                };
                if let Err(e) = sink.write(&rec) {
                    tracing::error!(error = %e, request_id = %rec.request_id, "request log write failed");
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

    /// Reads every record of a request-log file (the current one, not rotated ones).
    pub fn read(path: &Path) -> Result<Vec<ExchangeRecord>> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        text.lines()
            .enumerate()
            .filter(|(_, l)| !l.trim().is_empty())
            .map(|(i, l)| {
                serde_json::from_str(l).map_err(|e| Error::Malformed {
                    path: path.to_owned(),
                    line: i + 1,
                    reason: e.to_string(),
                })
            })
            .collect()
    }
}

#[async_trait::async_trait]
impl Observer for RequestLog {
    fn name(&self) -> &str {
        "request-log"
    }

    fn on_finish(&self, rec: &ExchangeRecord) {
        self.queue.push(Box::new(rec.clone()));
    }

    async fn flush(&self) -> llmops_core::Result<()> {
        Ok(self.queue.flush().await?)
    }
}
