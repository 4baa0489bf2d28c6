//! A bounded queue drained by one writer thread: what observers use to keep I/O off the
//! request path. `flush` waits until everything queued before it is handled.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{SyncSender, TrySendError, sync_channel};

use crate::error::{Error, Result};

/// What a full queue does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum WhenFull {
    /// Drop the item and count it (never silent: see the `dropped` counter).
    #[default]
    Drop,
    /// Make the caller wait for room (back-pressure).
    Block,
}

pub(crate) enum Msg<T> {
    Item(T),
    Flush(tokio::sync::oneshot::Sender<Result<()>>),
}

/// Counters of a queue.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    pub(crate) accepted: AtomicU64,
    pub(crate) dropped: AtomicU64,
}

pub(crate) struct Queue<T> {
    name: &'static str,
    tx: SyncSender<Msg<T>>,
    when_full: WhenFull,
    pub(crate) counters: Arc<Counters>,
}

impl<T: Send + 'static> Queue<T> {
    /// Spawns the writer thread. `handle` gets each item; `flush` makes what was handled durable.
    pub(crate) fn spawn<H, F>(
        name: &'static str,
        capacity: usize,
        when_full: WhenFull,
        mut handle: H,
        mut flush: F,
    ) -> Result<Self>
    where
        H: FnMut(T) + Send + 'static,
        F: FnMut() -> Result<()> + Send + 'static,
    {
        let (tx, rx) = sync_channel::<Msg<T>>(capacity.max(1));
        std::thread::Builder::new()
            .name(format!("llmops-{name}"))
            .spawn(move || {
                while let Ok(msg) = rx.recv() {
                    match msg {
                        Msg::Item(item) => handle(item),
                        Msg::Flush(done) => {
                            let _ = done.send(flush());
                        }
                    }
                }
                if let Err(e) = flush() {
                    tracing::error!(writer = name, error = %e, "final flush failed");
                }
            })
            .map_err(|e| Error::io(name, e))?;
        Ok(Queue {
            name,
            tx,
            when_full,
            counters: Arc::new(Counters::default()),
        })
    }

    /// Queues an item (drops and counts, or waits, when full).
    pub(crate) fn push(&self, item: T) {
        let sent = match self.when_full {
            WhenFull::Block => self.tx.send(Msg::Item(item)).map_err(|_| ()),
            WhenFull::Drop => match self.tx.try_send(Msg::Item(item)) {
                Ok(()) => Ok(()),
                Err(TrySendError::Full(_)) => {
                    self.counters.dropped.fetch_add(1, Ordering::Relaxed);
                    return;
                }
                Err(TrySendError::Disconnected(_)) => Err(()),
            },
        };
        match sent {
            Ok(()) => {
                self.counters.accepted.fetch_add(1, Ordering::Relaxed);
            }
            Err(()) => {
                self.counters.dropped.fetch_add(1, Ordering::Relaxed);
                tracing::error!(
                    writer = self.name,
                    "writer thread has stopped; item dropped"
                );
            }
        }
    }

    /// Waits until everything queued so far is handled and flushed.
    pub(crate) async fn flush(&self) -> Result<()> {
        let (done, wait) = tokio::sync::oneshot::channel();
        let tx = self.tx.clone();
        // `send` waits while the queue is full: do it off the async executor's threads
        tokio::task::spawn_blocking(move || tx.send(Msg::Flush(done)))
            .await
            .map_err(|_| Error::Closed(self.name))?
            .map_err(|_| Error::Closed(self.name))?;
        wait.await.map_err(|_| Error::Closed(self.name))?
    }
}
