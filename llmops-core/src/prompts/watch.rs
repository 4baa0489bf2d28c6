//! Hot reload: a background thread that reloads a [`PromptStore`] when its directory
//! changes, by file-system events (inotify, FSEvents, ReadDirectoryChangesW through
//! `notify`) or by polling.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread::JoinHandle;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};
use xxhash_rust::xxh3::Xxh3;

use super::PromptError;
use super::store::PromptStore;

/// How a [`PromptStore`] notices changes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum WatchMode {
    /// File-system events; after an event, waits until the directory has been quiet for
    /// `debounce` (the rest of an editor's write, a `git pull`), then reloads once.
    Events {
        /// Quiet time before reloading.
        debounce: Duration,
    },
    /// Looks at the directory every `interval` (the names and contents of the prompt and
    /// label files) and reloads when a change has held still for one more interval (so a
    /// file caught mid-write is not loaded). Works everywhere, network file systems and bind
    /// mounts included.
    Poll {
        /// Time between looks.
        interval: Duration,
    },
}

impl WatchMode {
    /// File-system events with a 100 ms debounce.
    pub fn events() -> Self {
        WatchMode::Events {
            debounce: Duration::from_millis(100),
        }
    }

    /// Polling every `interval`.
    pub fn poll(interval: Duration) -> Self {
        WatchMode::Poll { interval }
    }
}

/// A running watcher; dropping it (or [`PromptWatcher::stop`]) stops the thread.
#[derive(Debug)]
pub struct PromptWatcher {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
    // kept alive while watching; dropped after the thread stopped
    _events: Option<notify::RecommendedWatcher>,
}

impl PromptWatcher {
    pub(crate) fn start(store: PromptStore, mode: WatchMode) -> Result<Self, PromptError> {
        let stop = Arc::new(AtomicBool::new(false));
        let dir = store.dir().to_path_buf();
        let watch_err = |message: String| PromptError::Watch {
            path: dir.display().to_string(),
            message,
        };
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.to_owned())
                .spawn(f)
                .map_err(|e| watch_err(e.to_string()))
        };
        match mode {
            WatchMode::Poll { interval } => {
                let s = Arc::clone(&stop);
                // taken now, so a change made right after `watch` returns is seen
                let first = fingerprint(&dir);
                let thread = spawn(
                    "llmops-prompts-poll",
                    Box::new(move || poll_loop(&store, first, interval, &s)),
                )?;
                Ok(PromptWatcher {
                    stop,
                    thread: Some(thread),
                    _events: None,
                })
            }
            WatchMode::Events { debounce } => {
                let (tx, rx) = mpsc::channel::<()>();
                let root = dir.clone();
                let mut watcher =
                    notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
                        // an error event (queue overflow) reloads too: something changed
                        let relevant =
                            ev.map_or(true, |ev| ev.paths.iter().any(|p| relevant(&root, p)));
                        if relevant {
                            let _ = tx.send(());
                        }
                    })
                    .map_err(|e| watch_err(e.to_string()))?;
                watcher
                    .watch(&dir, RecursiveMode::Recursive)
                    .map_err(|e| watch_err(e.to_string()))?;
                let s = Arc::clone(&stop);
                let thread = spawn(
                    "llmops-prompts-watch",
                    Box::new(move || event_loop(&store, &rx, debounce, &s)),
                )?;
                Ok(PromptWatcher {
                    stop,
                    thread: Some(thread),
                    _events: Some(watcher),
                })
            }
        }
    }

    /// Stops watching and waits for the thread to end.
    pub fn stop(mut self) {
        self.halt();
    }

    fn halt(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

impl Drop for PromptWatcher {
    fn drop(&mut self) {
        self.halt();
    }
}

/// Whether a changed path can change the registry: prompt files and label files, not our
/// own bookkeeping (`.llmops/`, where loading appends to the lock) nor temporary files.
fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else {
        return true;
    };
    let hidden = rel
        .components()
        .any(|c| c.as_os_str().to_string_lossy().starts_with('.'));
    if hidden {
        return false;
    }
    match path.file_name().map(|n| n.to_string_lossy()) {
        Some(n) => !n.contains(".tmp") && !n.ends_with('~'),
        None => true,
    }
}

/// Longest single wait, so a stop request is seen quickly.
const TICK: Duration = Duration::from_millis(50);

fn sleep_unless_stopped(total: Duration, stop: &AtomicBool) -> bool {
    let mut left = total;
    while !left.is_zero() {
        if stop.load(Ordering::Relaxed) {
            return false;
        }
        let step = left.min(TICK);
        std::thread::sleep(step);
        left = left.saturating_sub(step);
    }
    !stop.load(Ordering::Relaxed)
}

fn event_loop(store: &PromptStore, rx: &mpsc::Receiver<()>, debounce: Duration, stop: &AtomicBool) {
    while !stop.load(Ordering::Relaxed) {
        match rx.recv_timeout(TICK) {
            Ok(()) => {
                // wait until the directory has been quiet for `debounce`: a file still being
                // written keeps sending events, so it is not loaded half-written
                loop {
                    if stop.load(Ordering::Relaxed) {
                        return;
                    }
                    match rx.recv_timeout(debounce) {
                        Ok(()) => {}
                        Err(RecvTimeoutError::Timeout) => break,
                        Err(RecvTimeoutError::Disconnected) => return,
                    }
                }
                // errors are reported by the store (log + callbacks); keep watching
                let _ = store.reload();
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}

/// Reloads once a change has held still for one more interval: a file caught mid-write
/// (truncated, half written) looks different at the next look and is not loaded.
fn poll_loop(store: &PromptStore, first: u64, interval: Duration, stop: &AtomicBool) {
    let dir = store.dir().to_path_buf();
    let mut last = first;
    let mut pending: Option<u64> = None;
    while sleep_unless_stopped(interval, stop) {
        let now = fingerprint(&dir);
        if now == last {
            pending = None;
        } else if pending == Some(now) {
            last = now;
            pending = None;
            let _ = store.reload();
        } else {
            pending = Some(now);
        }
    }
}

/// A hash of the names and contents of every file under the prompt directories (hidden
/// entries skipped). Contents, not modification times: two writes within the file system's
/// timestamp granularity (milliseconds) would look unchanged. Prompt files are small, so a
/// look costs a directory walk and a few kilobytes read per file. A directory or file that
/// cannot be read hashes its error, so it reloads (and reports) when that changes.
pub(crate) fn fingerprint(dir: &Path) -> u64 {
    let mut h = Xxh3::new();
    let mut files: Vec<PathBuf> = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            h.update(b"unreadable dir");
            h.update(d.to_string_lossy().as_bytes());
            continue;
        };
        for e in entries.flatten() {
            let path = e.path();
            if !relevant(dir, &path) {
                continue;
            }
            if e.file_type().is_ok_and(|t| t.is_dir()) {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    for path in files {
        h.update(path.to_string_lossy().as_bytes());
        match std::fs::read(&path) {
            Ok(bytes) => {
                h.update(&(bytes.len() as u64).to_le_bytes());
                h.update(&bytes);
            }
            Err(e) => h.update(e.to_string().as_bytes()),
        }
    }
    h.digest()
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use std::time::Instant;

    use super::*;
    use crate::prompts::registry::tests::fixture;

    /// Waits (up to 10 s, so a loaded machine does not fail it) until `cond` holds.
    fn eventually(what: &str, cond: impl Fn() -> bool) {
        let start = Instant::now();
        while !cond() {
            assert!(start.elapsed() < Duration::from_secs(10), "never: {what}");
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    /// Writes like git and editors that save safely: a temporary file, then a rename.
    fn write_atomically(path: &Path, text: &str) {
        let tmp = path.with_extension("tmp-test");
        std::fs::write(&tmp, text).unwrap();
        std::fs::rename(&tmp, path).unwrap();
    }

    fn reloads_on_change(mode: WatchMode) {
        let dir = fixture();
        let errors = Arc::new(std::sync::Mutex::new(Vec::new()));
        let e2 = Arc::clone(&errors);
        let store = PromptStore::builder(dir.path())
            .on_error(move |e| e2.lock().unwrap().push(e.to_string()))
            .open()
            .unwrap();
        let watcher = store.watch(mode).unwrap();
        let labels = dir.path().join("greet/labels.yaml");
        write_atomically(&labels, "production: 2\nstaging: 2\n");
        eventually("label moved", || {
            store.resolve("greet").unwrap().version == 2
        });
        // a broken edit is reported and the last good registry keeps serving
        write_atomically(&labels, "production: 5\n");
        eventually("error reported", || !errors.lock().unwrap().is_empty());
        assert_eq!(store.resolve("greet").unwrap().version, 2);
        assert!(errors.lock().unwrap()[0].contains("version 5"));
        // a new version shows up as latest
        write_atomically(&dir.path().join("greet/3.prompt"), "Hey {{who}}");
        write_atomically(&labels, "production: 3\n");
        eventually("new version", || {
            store.resolve("greet").unwrap().version == 3
        });
        assert_eq!(store.resolve("greet@latest").unwrap().version, 3);
        watcher.stop();
        // stopped: changes are no longer picked up
        write_atomically(&labels, "production: 1\n");
        std::thread::sleep(Duration::from_millis(300));
        assert_eq!(store.resolve("greet").unwrap().version, 3);
    }

    #[test]
    fn polling_reloads_on_change() {
        reloads_on_change(WatchMode::poll(Duration::from_millis(20)));
    }

    #[test]
    fn file_events_reload_on_change() {
        reloads_on_change(WatchMode::Events {
            debounce: Duration::from_millis(20),
        });
    }

    #[test]
    fn bookkeeping_files_are_not_changes() {
        let dir = fixture();
        let root = dir.path();
        assert!(relevant(root, &root.join("greet/labels.yaml")));
        assert!(relevant(root, &root.join("greet/4.prompt")));
        assert!(!relevant(root, &root.join(".llmops/versions.lock")));
        assert!(!relevant(root, &root.join("greet/labels.yaml.tmp-12")));
        assert!(!relevant(root, &root.join(".git/index")));
        let before = fingerprint(root);
        std::fs::create_dir_all(root.join(".llmops")).unwrap();
        std::fs::write(root.join(".llmops/history.jsonl"), "{}\n").unwrap();
        assert_eq!(fingerprint(root), before);
        std::fs::write(root.join("greet/labels.yaml"), "production: 2\n").unwrap();
        assert_ne!(fingerprint(root), before);
    }
}
