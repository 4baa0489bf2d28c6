//! The queue of non-urgent requests: one worker task per [`OpenAiBatch`](super::OpenAiBatch)
//! groups jobs by deployment and model (one batch file holds requests to one model), and
//! flushes a group when it holds `max_requests`, when its oldest job has waited `max_wait`,
//! or before a job that would push the file over `max_file_bytes`. Each flushed group runs as
//! its own task ([`run`](super::run::run)), so batches of different sizes and ages proceed
//! side by side.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::time::Instant;

use super::super::OpenAi;
use crate::Result;
use crate::provider::Deployment;
use crate::types::ChatResponse;

/// OpenAI's limits on one batch input file (Batch API reference, "Create batch").
pub(crate) const MAX_REQUESTS: usize = 50_000;
/// 200 MB, counted in decimal megabytes (the smaller reading of the documented limit).
pub(crate) const MAX_FILE_BYTES: usize = 200_000_000;

/// Flush and polling settings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Limits {
    pub(crate) max_requests: usize,
    pub(crate) max_wait: Duration,
    pub(crate) poll_interval: Duration,
    pub(crate) max_file_bytes: usize,
    /// Consecutive retryable failures while polling or downloading before the callers are
    /// given the error.
    pub(crate) max_poll_failures: u32,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_requests: 1_000,
            max_wait: Duration::from_secs(60),
            poll_interval: Duration::from_secs(30),
            max_file_bytes: MAX_FILE_BYTES,
            max_poll_failures: 10,
        }
    }
}

/// Requests that may share a batch file: same deployment (endpoint and key), same model.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct GroupKey {
    pub(crate) deployment: Option<String>,
    pub(crate) model: String,
}

/// One queued request: its JSONL line and where its result goes.
pub(crate) struct Job {
    pub(crate) group: GroupKey,
    pub(crate) deployment: Option<Arc<Deployment>>,
    pub(crate) custom_id: String,
    pub(crate) line: Vec<u8>,
    pub(crate) reply: oneshot::Sender<Result<ChatResponse>>,
}

/// Jobs waiting to be sent as one batch.
pub(crate) struct Group {
    pub(crate) deployment: Option<Arc<Deployment>>,
    pub(crate) model: String,
    pub(crate) jobs: Vec<Job>,
    bytes: usize,
    ids: HashSet<String>,
    flush_at: Instant,
}

impl Group {
    fn new(job: &Job, flush_at: Instant) -> Self {
        Group {
            deployment: job.deployment.clone(),
            model: job.group.model.clone(),
            jobs: Vec::new(),
            bytes: 0,
            ids: HashSet::new(),
            flush_at,
        }
    }

    /// Whether `job` can join without breaking the file's limits (size, unique `custom_id`).
    fn fits(&self, job: &Job, max_bytes: usize) -> bool {
        self.bytes + job.line.len() < max_bytes && !self.ids.contains(&job.custom_id)
    }

    fn push(&mut self, job: Job) {
        self.bytes += job.line.len() + 1;
        self.ids.insert(job.custom_id.clone());
        self.jobs.push(job);
    }

    /// The input file: one line per job, each ending in `\n`.
    pub(crate) fn jsonl(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(self.bytes);
        for j in &self.jobs {
            out.extend_from_slice(&j.line);
            out.push(b'\n');
        }
        out
    }
}

/// The worker: receives jobs until every sender is gone, then flushes what is left.
pub(crate) async fn worker(provider: OpenAi, limits: Limits, mut rx: mpsc::Receiver<Job>) {
    let mut groups: HashMap<GroupKey, Group> = HashMap::new();
    loop {
        let due = groups.values().map(|g| g.flush_at).min();
        let received = match due {
            Some(at) => tokio::time::timeout_at(at, rx.recv()).await.ok(),
            None => Some(rx.recv().await),
        };
        match received {
            // a group's max_wait passed
            None => {
                let now = Instant::now();
                let keys: Vec<GroupKey> = groups
                    .iter()
                    .filter(|(_, g)| g.flush_at <= now)
                    .map(|(k, _)| k.clone())
                    .collect();
                for k in keys {
                    if let Some(g) = groups.remove(&k) {
                        launch(&provider, &limits, g);
                    }
                }
            }
            // the batcher is gone: send what is queued, then stop
            Some(None) => {
                for (_, g) in groups.drain() {
                    launch(&provider, &limits, g);
                }
                return;
            }
            Some(Some(job)) => add(&provider, &limits, &mut groups, job),
        }
    }
}

fn add(provider: &OpenAi, limits: &Limits, groups: &mut HashMap<GroupKey, Group>, job: Job) {
    let key = job.group.clone();
    if groups
        .get(&key)
        .is_some_and(|g| !g.fits(&job, limits.max_file_bytes))
        && let Some(full) = groups.remove(&key)
    {
        launch(provider, limits, full);
    }
    let g = groups
        .entry(key.clone())
        .or_insert_with(|| Group::new(&job, Instant::now() + limits.max_wait));
    g.push(job);
    if g.jobs.len() >= limits.max_requests
        && let Some(full) = groups.remove(&key)
    {
        launch(provider, limits, full);
    }
}

/// Starts a batch for `g`, leaving out callers that have already gone (deadline passed,
/// future dropped): nobody would read their result, and nobody would want to pay for it.
fn launch(provider: &OpenAi, limits: &Limits, mut g: Group) {
    g.jobs.retain(|j| !j.reply.is_closed());
    if g.jobs.is_empty() {
        return;
    }
    tokio::spawn(super::run::run(provider.clone(), limits.clone(), g));
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn job(id: &str, bytes: usize) -> (Job, oneshot::Receiver<Result<ChatResponse>>) {
        let (tx, rx) = oneshot::channel();
        let j = Job {
            group: GroupKey {
                deployment: None,
                model: "m".into(),
            },
            deployment: None,
            custom_id: id.into(),
            line: vec![b'x'; bytes],
            reply: tx,
        };
        (j, rx)
    }

    #[test]
    fn a_group_refuses_what_breaks_the_file() {
        let (a, _ra) = job("a", 10);
        let mut g = Group::new(&a, Instant::now());
        assert!(g.fits(&a, 11) && !g.fits(&a, 10));
        g.push(a);
        let (b, _rb) = job("b", 9);
        assert!(g.fits(&b, 21) && !g.fits(&b, 20));
        let (again, _r) = job("a", 1);
        assert!(!g.fits(&again, 1000), "custom ids are unique within a file");
        g.push(b);
        assert_eq!(g.jsonl().len(), 21);
        assert_eq!(g.jsonl().iter().filter(|c| **c == b'\n').count(), 2);
    }
}
