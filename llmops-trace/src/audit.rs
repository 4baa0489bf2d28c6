//! [`AuditLog`]: an append-only JSONL audit trail in which every record is chained to the one
//! before by SHA-256, so [`verify`] detects a record edited, removed, inserted or reordered and
//! names the first bad one.
//!
//! Each line is `{"seq": n, "prev": "<hash of record n-1>", "hash": "<hash>", "event": {…}}`,
//! with `hash = sha256(prev ‖ "\n" ‖ json([seq, event]))` in hex; the first record's `prev` is
//! 64 zeros. JSON objects are written with sorted keys, so the hash input is canonical.
//!
//! ```
//! use llmops_core::AuditEvent;
//! use llmops_trace::{audit, AuditLog};
//! let dir = tempfile::tempdir().unwrap();
//! let path = dir.path().join("audit.jsonl");
//! let log = AuditLog::open(&path).unwrap();
//! log.append(AuditEvent::now("prompt.promote", "ada", "support-reply/4").reason("eval 0.93")).unwrap();
//! log.append(AuditEvent::now("prompt.rollback", "bob", "support-reply/3")).unwrap();
//! assert_eq!(audit::verify(&path).unwrap().records, 2);
//! ```

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use llmops_core::{AuditEvent, AuditSink, ExchangeRecord, Observer};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::queue::{Queue, WhenFull};

/// The `prev` of the first record.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One line of the audit file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AuditEntry {
    /// 0-based sequence number.
    pub seq: u64,
    /// Hash of the previous record.
    pub prev: String,
    /// Hash of this record.
    pub hash: String,
    /// The event.
    pub event: AuditEvent,
}

fn hash_of(prev: &str, seq: u64, event: &AuditEvent) -> Result<String> {
    // serde_json's default `Map` is sorted, so `data` objects serialise canonically
    let body = serde_json::to_vec(&(seq, event)).map_err(|e| Error::Malformed {
        path: PathBuf::new(),
        line: 0,
        reason: e.to_string(),
    })?;
    let mut h = Sha256::new();
    h.update(prev.as_bytes());
    h.update(b"\n");
    h.update(&body);
    Ok(hex::encode(h.finalize()))
}

struct State {
    file: BufWriter<File>,
    next_seq: u64,
    last_hash: String,
}

/// The audit trail. Appends never drop: concurrent writers wait their turn.
#[derive(Clone)]
pub struct AuditLog {
    path: PathBuf,
    state: Arc<Mutex<State>>,
}

impl std::fmt::Debug for AuditLog {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AuditLog")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl AuditLog {
    /// Opens (or creates) an audit file and continues its chain. The last record must be intact;
    /// run [`verify`] for the whole file.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_owned();
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
        }
        let (next_seq, last_hash) = match last_entry(&path)? {
            None => (0, GENESIS.to_owned()),
            Some((line, e)) => {
                let expect = hash_of(&e.prev, e.seq, &e.event)?;
                if expect != e.hash {
                    return Err(Error::ChainBroken {
                        path,
                        line,
                        seq: e.seq,
                        reason: "the last record's contents do not match its hash".into(),
                    });
                }
                (e.seq + 1, e.hash)
            }
        };
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&path)
            .map_err(|e| Error::io(&path, e))?;
        Ok(AuditLog {
            path,
            state: Arc::new(Mutex::new(State {
                file: BufWriter::new(file),
                next_seq,
                last_hash,
            })),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Appends one event and returns its entry. The line is handed to the OS before this returns.
    pub fn append(&self, event: AuditEvent) -> Result<AuditEntry> {
        let mut st = match self.state.lock() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        };
        let seq = st.next_seq;
        let hash = hash_of(&st.last_hash, seq, &event)?;
        let entry = AuditEntry {
            seq,
            prev: st.last_hash.clone(),
            hash: hash.clone(),
            event,
        };
        let line = serde_json::to_string(&entry).map_err(|e| Error::io(&self.path, e.into()))?;
        st.file
            .write_all(line.as_bytes())
            .map_err(|e| Error::io(&self.path, e))?;
        st.file
            .write_all(b"\n")
            .map_err(|e| Error::io(&self.path, e))?;
        st.file.flush().map_err(|e| Error::io(&self.path, e))?;
        st.next_seq = seq + 1;
        st.last_hash = hash;
        Ok(entry)
    }

    /// Makes every appended record durable (fsync).
    pub fn sync(&self) -> Result<()> {
        let mut st = match self.state.lock() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        };
        st.file.flush().map_err(|e| Error::io(&self.path, e))?;
        st.file
            .get_ref()
            .sync_data()
            .map_err(|e| Error::io(&self.path, e))
    }

    /// An [`Observer`] that audits every exchange (who, what, outcome, model, usage, cost)
    /// through a writer thread. It never drops: when its queue is full the exchange's ending
    /// waits (back-pressure).
    pub fn exchange_observer(&self) -> Result<ExchangeAudit> {
        let log = self.clone();
        let sync_log = self.clone();
        let queue = Queue::spawn(
            "audit",
            1024,
            WhenFull::Block,
            move |ev: AuditEvent| {
                if let Err(e) = log.append(ev) {
                    tracing::error!(error = %e, "audit append failed");
                }
            },
            move || sync_log.sync(),
        )?;
        Ok(ExchangeAudit {
            queue: Arc::new(queue),
        })
    }
}

#[async_trait::async_trait]
impl AuditSink for AuditLog {
    async fn record(&self, ev: AuditEvent) -> llmops_core::Result<()> {
        self.append(ev).map(|_| ()).map_err(Into::into)
    }

    async fn flush(&self) -> llmops_core::Result<()> {
        self.sync().map_err(Into::into)
    }
}

/// Audits every exchange into an [`AuditLog`]; see [`AuditLog::exchange_observer`].
#[derive(Clone)]
pub struct ExchangeAudit {
    queue: Arc<Queue<AuditEvent>>,
}

impl std::fmt::Debug for ExchangeAudit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ExchangeAudit")
    }
}

/// The audit event of an exchange.
pub fn exchange_event(rec: &ExchangeRecord) -> AuditEvent {
    let c = &rec.caller;
    let actor = c
        .user
        .clone()
        .or_else(|| c.api_key_id.clone())
        .unwrap_or_else(|| "anonymous".into());
    let mut ev = AuditEvent::now("exchange", actor, rec.request_id.clone())
        .reason(rec.outcome.as_str())
        .data(serde_json::json!({
            "tenant": c.tenant,
            "feature": c.feature,
            "model_requested": rec.model_requested,
            "provider": rec.provider,
            "model_answered": rec.model_answered,
            "outcome": rec.outcome,
            "attempts": rec.attempts.len(),
            "usage": rec.usage,
            "cost": rec.cost,
            "prompt": rec.prompt,
            "guard_findings": rec.guard_findings,
            "tool_calls": rec.tool_calls,
            "scripted": rec.scripted,
        }));
    ev.at = rec.started_at;
    ev
}

#[async_trait::async_trait]
impl Observer for ExchangeAudit {
    fn name(&self) -> &str {
        "audit"
    }

    fn on_finish(&self, rec: &ExchangeRecord) {
        self.queue.push(exchange_event(rec));
    }

    async fn flush(&self) -> llmops_core::Result<()> {
        Ok(self.queue.flush().await?)
    }
}

fn last_entry(path: &Path) -> Result<Option<(usize, AuditEntry)>> {
    let f = match File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(Error::io(path, e)),
    };
    let mut last = None;
    for (i, line) in BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if !line.trim().is_empty() {
            last = Some((i + 1, line));
        }
    }
    match last {
        None => Ok(None),
        Some((n, line)) => serde_json::from_str(&line)
            .map(|e| Some((n, e)))
            .map_err(|e| Error::Malformed {
                path: path.to_owned(),
                line: n,
                reason: e.to_string(),
            }),
    }
}

/// What [`verify`] found.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Verified {
    /// Records checked.
    pub records: u64,
    /// Hash of the last record ([`GENESIS`] for an empty file).
    pub last_hash: String,
}

/// Checks the whole chain; the error names the first bad record and why.
pub fn verify(path: &Path) -> Result<Verified> {
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    let mut prev = GENESIS.to_owned();
    let mut expect_seq = 0u64;
    for (i, line) in BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let n = i + 1;
        let e: AuditEntry = serde_json::from_str(&line).map_err(|err| Error::Malformed {
            path: path.to_owned(),
            line: n,
            reason: err.to_string(),
        })?;
        let broken = |reason: String| Error::ChainBroken {
            path: path.to_owned(),
            line: n,
            seq: e.seq,
            reason,
        };
        if e.seq != expect_seq {
            return Err(broken(format!(
                "expected record {expect_seq}, found {}: a record was removed, inserted or reordered",
                e.seq
            )));
        }
        if e.prev != prev {
            return Err(broken(
                "its link to the previous record does not match: a record before it changed".into(),
            ));
        }
        if hash_of(&e.prev, e.seq, &e.event)? != e.hash {
            return Err(broken(
                "its contents do not match its hash: the record was edited".into(),
            ));
        }
        prev = e.hash;
        expect_seq += 1;
    }
    Ok(Verified {
        records: expect_seq,
        last_hash: prev,
    })
}

/// The last `n` records of an audit file (not verified; see [`verify`]).
pub fn tail(path: &Path, n: usize) -> Result<Vec<AuditEntry>> {
    let f = File::open(path).map_err(|e| Error::io(path, e))?;
    // `n` may be huge ("everything"): grow as records come, never pre-allocate `n`
    let mut out = std::collections::VecDeque::with_capacity(n.min(1024));
    for (i, line) in BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|e| Error::io(path, e))?;
        if line.trim().is_empty() {
            continue;
        }
        let e: AuditEntry = serde_json::from_str(&line).map_err(|err| Error::Malformed {
            path: path.to_owned(),
            line: i + 1,
            reason: err.to_string(),
        })?;
        if out.len() == n {
            out.pop_front();
        }
        if n > 0 {
            out.push_back(e);
        }
    }
    Ok(out.into())
}
