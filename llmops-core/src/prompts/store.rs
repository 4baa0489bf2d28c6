//! [`PromptStore`]: the live registry a service reads, swapped atomically on reload.
//!
//! Readers take the current [`PromptRegistry`] from an [`ArcSwap`] (no lock, no I/O); a
//! reload builds a whole new registry off to the side and swaps it in, so a request sees the
//! old registry or the new one, never half of each. A reload that fails (parse error,
//! template error, a label naming an unknown version, a published version edited in place)
//! keeps the last good registry serving and reports the error to the log and the
//! [`on_error`](PromptStoreBuilder::on_error) callbacks.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

use arc_swap::ArcSwap;
use serde_json::{Value, json};

use super::resolved::ResolvedPrompt;
use super::rollout::LabelTarget;
use super::watch::{PromptWatcher, WatchMode};
use super::{PromptError, PromptRegistry};
use crate::audit::{AuditEvent, AuditSink};
use crate::eval::EvalRecord;

type ErrorHook = Arc<dyn Fn(&PromptError) + Send + Sync>;
type ReloadHook = Arc<dyn Fn(&PromptRegistry) + Send + Sync>;

pub(crate) struct Inner {
    pub(crate) dir: PathBuf,
    current: ArcSwap<PromptRegistry>,
    on_error: Vec<ErrorHook>,
    on_reload: Vec<ReloadHook>,
    audit: Option<Arc<dyn AuditSink>>,
    reloads: AtomicU64,
    failures: AtomicU64,
    last_error: Mutex<Option<PromptError>>,
    /// Serialises reloads and label changes (readers never take it).
    writer: Mutex<()>,
}

/// The live prompt registry of a running service: lock-free reads, atomic reloads, label
/// changes written to disk and to the audit trail. Cheap to clone (one `Arc`).
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use llmops_core::prompts::PromptStore;
/// # let tmp = tempfile::tempdir()?;
/// # let dir = tmp.path();
/// std::fs::create_dir_all(dir.join("greet"))?;
/// std::fs::write(dir.join("greet/1.prompt"), "Hello {{who}}")?;
/// std::fs::write(dir.join("greet/labels.yaml"), "production: 1\n")?;
///
/// let store = PromptStore::builder(dir)
///     .on_error(|e| eprintln!("prompts: keeping the last good registry: {e}"))
///     .open()?;
/// assert_eq!(store.resolve("greet")?.version, 1);
///
/// std::fs::write(dir.join("greet/labels.yaml"), "production: 7\n")?; // a broken edit
/// assert!(store.reload().is_err());
/// assert_eq!(store.resolve("greet")?.version, 1); // still serving
/// assert_eq!(store.stats().failures, 1);
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct PromptStore {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for PromptStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PromptStore")
            .field("dir", &self.inner.dir)
            .field("stats", &self.stats())
            .finish_non_exhaustive()
    }
}

/// Reload counters of a [`PromptStore`].
#[derive(Debug, Clone, Default)]
#[non_exhaustive]
pub struct StoreStats {
    /// Successful reloads (label changes included), the first load not counted.
    pub reloads: u64,
    /// Failed reloads (the last good registry kept serving).
    pub failures: u64,
    /// The most recent failure, cleared by the next successful reload.
    pub last_error: Option<PromptError>,
}

/// Builds a [`PromptStore`].
pub struct PromptStoreBuilder {
    dir: PathBuf,
    on_error: Vec<ErrorHook>,
    on_reload: Vec<ReloadHook>,
    audit: Option<Arc<dyn AuditSink>>,
}

impl std::fmt::Debug for PromptStoreBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PromptStoreBuilder")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl PromptStoreBuilder {
    /// Called with the error of every failed reload (the last good registry keeps serving).
    #[must_use]
    pub fn on_error(mut self, f: impl Fn(&PromptError) + Send + Sync + 'static) -> Self {
        self.on_error.push(Arc::new(f));
        self
    }

    /// Called with the new registry after every successful reload or label change.
    #[must_use]
    pub fn on_reload(mut self, f: impl Fn(&PromptRegistry) + Send + Sync + 'static) -> Self {
        self.on_reload.push(Arc::new(f));
        self
    }

    /// Records every label change (set, promote, rollback, remove, canary, automatic
    /// revert) as an [`AuditEvent`] of kind `prompt.<action>` in this sink (the
    /// observability layer's hash-chained audit trail, for one).
    #[must_use]
    pub fn audit(mut self, sink: Arc<dyn AuditSink>) -> Self {
        self.audit = Some(sink);
        self
    }

    /// Loads the directory; the first load must succeed.
    pub fn open(self) -> Result<PromptStore, PromptError> {
        let registry = PromptRegistry::load(&self.dir)?;
        Ok(PromptStore {
            inner: Arc::new(Inner {
                dir: self.dir,
                current: ArcSwap::from_pointee(registry),
                on_error: self.on_error,
                on_reload: self.on_reload,
                audit: self.audit,
                reloads: AtomicU64::new(0),
                failures: AtomicU64::new(0),
                last_error: Mutex::new(None),
                writer: Mutex::new(()),
            }),
        })
    }
}

impl PromptStore {
    /// Opens `dir` with no callbacks and no audit sink.
    pub fn open(dir: impl AsRef<Path>) -> Result<Self, PromptError> {
        Self::builder(dir).open()
    }

    /// A builder for a store over `dir`.
    pub fn builder(dir: impl AsRef<Path>) -> PromptStoreBuilder {
        PromptStoreBuilder {
            dir: dir.as_ref().to_path_buf(),
            on_error: Vec::new(),
            on_reload: Vec::new(),
            audit: None,
        }
    }

    /// The prompt directory.
    pub fn dir(&self) -> &Path {
        &self.inner.dir
    }

    /// The registry serving now (a snapshot: later reloads do not change it).
    pub fn registry(&self) -> Arc<PromptRegistry> {
        self.inner.current.load_full()
    }

    /// Resolves a reference against the registry serving now.
    pub fn resolve(&self, reference: &str) -> Result<Arc<ResolvedPrompt>, PromptError> {
        self.inner.current.load().resolve(reference)
    }

    /// Resolves a reference for a caller key (sticky through split labels).
    pub fn resolve_for(
        &self,
        reference: &str,
        key: Option<&str>,
    ) -> Result<Arc<ResolvedPrompt>, PromptError> {
        self.inner.current.load().resolve_for(reference, key)
    }

    /// Reload counters and the last error.
    pub fn stats(&self) -> StoreStats {
        StoreStats {
            reloads: self.inner.reloads.load(Ordering::Relaxed),
            failures: self.inner.failures.load(Ordering::Relaxed),
            last_error: lock(&self.inner.last_error).clone(),
        }
    }

    /// Reloads the directory now. On success the new registry is swapped in whole; on
    /// failure the last good one keeps serving, the error is logged, passed to the
    /// `on_error` callbacks and returned.
    pub fn reload(&self) -> Result<Arc<PromptRegistry>, PromptError> {
        let _writer = lock(&self.inner.writer);
        match PromptRegistry::load(&self.inner.dir) {
            Ok(registry) => Ok(self.install(registry)),
            Err(e) => {
                self.inner.failures.fetch_add(1, Ordering::Relaxed);
                tracing::warn!(
                    dir = %self.inner.dir.display(),
                    error = %e,
                    "prompt reload failed; the last good registry keeps serving"
                );
                *lock(&self.inner.last_error) = Some(e.clone());
                for f in &self.inner.on_error {
                    f(&e);
                }
                Err(e)
            }
        }
    }

    fn install(&self, registry: PromptRegistry) -> Arc<PromptRegistry> {
        let registry = Arc::new(registry);
        self.inner.current.store(Arc::clone(&registry));
        self.inner.reloads.fetch_add(1, Ordering::Relaxed);
        *lock(&self.inner.last_error) = None;
        for f in &self.inner.on_reload {
            f(&registry);
        }
        registry
    }

    /// Watches the directory and reloads on change (see [`WatchMode`]): every change made
    /// after `watch` returns is picked up. Dropping the returned watcher stops watching.
    pub fn watch(&self, mode: WatchMode) -> Result<PromptWatcher, PromptError> {
        PromptWatcher::start(self.clone(), mode)
    }

    /// Points `label` at `version` ([`PromptRegistry::set_label`]), swaps the new registry
    /// in and records the change in the audit trail.
    pub async fn set_label(
        &self,
        name: &str,
        label: &str,
        version: u32,
        who: &str,
        why: &str,
    ) -> Result<Arc<PromptRegistry>, PromptError> {
        self.change(name, label, who, why, None, |r| {
            r.set_label(name, label, version, who, why)
        })
        .await
    }

    /// Points `label` at a version or a split ([`PromptRegistry::set_target`]).
    pub async fn set_target(
        &self,
        name: &str,
        label: &str,
        target: LabelTarget,
        who: &str,
        why: &str,
    ) -> Result<Arc<PromptRegistry>, PromptError> {
        self.change(name, label, who, why, None, |r| {
            r.set_target(name, label, target.clone(), who, why)
        })
        .await
    }

    /// Promotes `version` to `label`, gated when `gate` is given
    /// ([`PromptRegistry::promote`]).
    #[allow(clippy::too_many_arguments)]
    pub async fn promote(
        &self,
        name: &str,
        label: &str,
        version: u32,
        who: &str,
        why: &str,
        gate: Option<(Option<&EvalRecord>, f64)>,
    ) -> Result<Arc<PromptRegistry>, PromptError> {
        self.change(name, label, who, why, None, |r| {
            r.promote(name, label, version, who, why, gate)
        })
        .await
    }

    /// Starts or re-weights a canary ([`PromptRegistry::start_canary`]).
    pub async fn start_canary(
        &self,
        name: &str,
        label: &str,
        version: u32,
        weight_percent: u8,
        who: &str,
        why: &str,
    ) -> Result<Arc<PromptRegistry>, PromptError> {
        self.change(name, label, who, why, None, |r| {
            r.start_canary(name, label, version, weight_percent, who, why)
        })
        .await
    }

    /// One-step rollback of `label` ([`PromptRegistry::rollback`]).
    pub async fn rollback(
        &self,
        name: &str,
        label: &str,
        who: &str,
        why: &str,
    ) -> Result<Arc<PromptRegistry>, PromptError> {
        self.rollback_with(name, label, who, why, None).await
    }

    /// A rollback recording `details` in the history and the audit event.
    pub(crate) async fn rollback_with(
        &self,
        name: &str,
        label: &str,
        who: &str,
        why: &str,
        details: Option<Value>,
    ) -> Result<Arc<PromptRegistry>, PromptError> {
        let d = details.clone();
        self.change(name, label, who, why, details, move |r| {
            r.rollback_with(name, label, who, why, d.clone())
        })
        .await
    }

    /// Sets `label` back to `stable` after a failed canary: recorded as a `revert` with the
    /// figures in `details` (history and audit event).
    pub(crate) async fn revert(
        &self,
        name: &str,
        label: &str,
        stable: u32,
        who: &str,
        why: &str,
        details: Value,
    ) -> Result<Arc<PromptRegistry>, PromptError> {
        let d = details.clone();
        self.change(name, label, who, why, Some(details), move |r| {
            r.revert(name, label, stable, who, why, d.clone())
        })
        .await
    }

    /// Removes `label` ([`PromptRegistry::remove_label`]).
    pub async fn remove_label(
        &self,
        name: &str,
        label: &str,
        who: &str,
        why: &str,
    ) -> Result<Arc<PromptRegistry>, PromptError> {
        self.change(name, label, who, why, None, |r| {
            r.remove_label(name, label, who, why)
        })
        .await
    }

    /// Applies a label change to the directory under the writer lock (the change reads the
    /// directory's current state, not a possibly older snapshot), swaps the result in, then
    /// writes the audit event. An audit failure after the change is
    /// [`PromptError::Audit`]: the label did move.
    async fn change(
        &self,
        name: &str,
        label: &str,
        who: &str,
        why: &str,
        details: Option<Value>,
        apply: impl FnOnce(&PromptRegistry) -> Result<PromptRegistry, PromptError>,
    ) -> Result<Arc<PromptRegistry>, PromptError> {
        let (registry, record) = {
            let _writer = lock(&self.inner.writer);
            // the directory as it is now: a change made by another process since the last
            // reload is the base, and a broken directory refuses the change
            let fresh = PromptRegistry::load(&self.inner.dir)?;
            let changed = apply(&fresh)?;
            // under the writer lock the label's last history record is this change's
            let record = changed
                .history(name)?
                .into_iter()
                .rev()
                .find(|r| r.label == label);
            (self.install(changed), record)
        };
        if let Some(sink) = &self.inner.audit {
            let action = record.as_ref().map_or("change", |r| r.action.as_str());
            let mut data = json!({ "prompt": name, "label": label });
            if let (Some(r), Value::Object(m)) = (&record, &mut data) {
                m.insert("from".into(), json!(r.from));
                m.insert("to".into(), json!(r.to));
                m.insert("at".into(), json!(r.at));
            }
            if let (Some(d), Value::Object(m)) = (details, &mut data) {
                m.insert("details".into(), d);
            }
            let event = AuditEvent::now(format!("prompt.{action}"), who, format!("{name}@{label}"))
                .reason(why)
                .data(data);
            sink.record(event).await.map_err(|e| PromptError::Audit {
                message: e.to_string(),
            })?;
        }
        Ok(registry)
    }
}

/// `Mutex::lock`, recovering from poisoning (the guarded data stays consistent: every
/// writer replaces it whole).
pub(crate) fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use std::sync::atomic::AtomicBool;

    use super::*;
    use crate::prompts::registry::tests::fixture;

    #[derive(Default)]
    struct Events(Mutex<Vec<AuditEvent>>);

    #[async_trait::async_trait]
    impl AuditSink for Events {
        async fn record(&self, ev: AuditEvent) -> crate::Result<()> {
            self.0.lock().unwrap().push(ev);
            Ok(())
        }
    }

    #[tokio::test]
    async fn label_changes_swap_and_are_audited() {
        let dir = fixture();
        let events = Arc::new(Events::default());
        let reloaded = Arc::new(AtomicU64::new(0));
        let r2 = Arc::clone(&reloaded);
        let store = PromptStore::builder(dir.path())
            .audit(events.clone())
            .on_reload(move |_| {
                r2.fetch_add(1, Ordering::Relaxed);
            })
            .open()
            .unwrap();
        let before = store.registry();
        store
            .promote("greet", "production", 2, "ada", "better", None)
            .await
            .unwrap();
        assert_eq!(store.resolve("greet").unwrap().version, 2);
        assert_eq!(
            before.resolve("greet").unwrap().version,
            1,
            "snapshots stay"
        );
        store
            .start_canary("greet", "production", 1, 10, "ada", "compare")
            .await
            .unwrap();
        store
            .rollback("greet", "production", "bob", "no")
            .await
            .unwrap();
        assert_eq!(store.resolve("greet").unwrap().version, 2);
        let evs = events.0.lock().unwrap().clone();
        let kinds: Vec<_> = evs.iter().map(|e| e.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["prompt.promote", "prompt.canary", "prompt.rollback"]
        );
        let last = &evs[2];
        assert_eq!(
            (
                last.actor.as_str(),
                last.subject.as_str(),
                last.reason.as_str()
            ),
            ("bob", "greet@production", "no")
        );
        assert_eq!(last.data["to"], json!(2));
        assert_eq!(last.data["from"], json!({"split": {"1": 10, "2": 90}}));
        assert_eq!(reloaded.load(Ordering::Relaxed), 3);
        assert_eq!(store.stats().reloads, 3);
    }

    #[tokio::test]
    async fn a_refused_change_changes_nothing_and_audits_nothing() {
        let dir = fixture();
        let events = Arc::new(Events::default());
        let store = PromptStore::builder(dir.path())
            .audit(events.clone())
            .open()
            .unwrap();
        let err = store
            .promote("greet", "production", 2, "a", "b", Some((None, 0.9)))
            .await
            .unwrap_err();
        assert!(matches!(err, PromptError::PromotionRefused { .. }));
        assert!(events.0.lock().unwrap().is_empty());
        assert_eq!(store.resolve("greet").unwrap().version, 1);
        assert_eq!(store.stats().reloads, 0);
    }

    #[test]
    fn broken_edits_keep_the_last_good_registry_and_call_back() {
        let dir = fixture();
        let seen = Arc::new(Mutex::new(Vec::<String>::new()));
        let s2 = Arc::clone(&seen);
        let store = PromptStore::builder(dir.path())
            .on_error(move |e| s2.lock().unwrap().push(e.to_string()))
            .open()
            .unwrap();
        let labels = dir.path().join("greet/labels.yaml");
        let cases = [
            ("greet/labels.yaml", "production: 9\n", "version 9"),
            ("greet/3.prompt", "{{#unclosed}}", "3.prompt"),
            ("greet/labels.yaml", "production: [", "labels.yaml"),
            (
                "greet/2.prompt",
                "edited in place {{who}}",
                "edited in place",
            ),
        ];
        for (file, text, wanted) in cases {
            let path = dir.path().join(file);
            let original = std::fs::read(&path).ok();
            std::fs::write(&path, text).unwrap();
            let err = store.reload().unwrap_err();
            assert!(err.to_string().contains(wanted), "{file}: {err}");
            assert_eq!(store.resolve("greet").unwrap().version, 1);
            assert_eq!(
                store.stats().last_error.unwrap().to_string(),
                err.to_string()
            );
            match original {
                Some(bytes) => std::fs::write(&path, bytes).unwrap(),
                None => std::fs::remove_file(&path).unwrap(),
            }
        }
        assert_eq!(seen.lock().unwrap().len(), 4);
        std::fs::write(&labels, "production: 2\n").unwrap();
        store.reload().unwrap();
        assert_eq!(store.resolve("greet").unwrap().version, 2);
        assert!(store.stats().last_error.is_none());
        assert_eq!(store.stats().failures, 4);
    }

    /// Readers during 1,000 reloads only ever see whole registries: in every snapshot the
    /// two labels the writer always moves together agree, and the resolved version's text
    /// is that version's.
    #[test]
    fn concurrent_readers_never_see_a_torn_registry() {
        let dir = fixture();
        std::fs::write(dir.path().join("greet/3.prompt"), "Hey {{who}}").unwrap();
        let labels = dir.path().join("greet/labels.yaml");
        std::fs::write(&labels, "production: 1\nstaging: 1\n").unwrap();
        let store = PromptStore::open(dir.path()).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let readers: Vec<_> = (0..3)
            .map(|_| {
                let store = store.clone();
                let stop = Arc::clone(&stop);
                std::thread::spawn(move || {
                    let greeting = |v: u32| ["Hello", "Hi", "Hey"][(v - 1) as usize];
                    let vars = [("who".to_owned(), json!("x"))].into();
                    let mut checks = 0u64;
                    while !stop.load(Ordering::Relaxed) {
                        let reg = store.registry();
                        let p = reg.resolve("greet").unwrap();
                        let s = reg.resolve("greet@staging").unwrap();
                        assert_eq!(p.version, s.version, "labels torn apart");
                        let text = p.render(&vars).unwrap()[0].text();
                        assert_eq!(text, format!("{} x", greeting(p.version)));
                        checks += 1;
                    }
                    checks
                })
            })
            .collect();
        let mut ok = 0;
        for i in 0..1000u32 {
            if i % 10 == 9 {
                // a broken edit now and then: must not be served
                std::fs::write(&labels, "production: 1\nstaging: 8\n").unwrap();
                assert!(store.reload().is_err());
                continue;
            }
            let v = i % 3 + 1;
            let tmp = labels.with_extension("tmp");
            std::fs::write(&tmp, format!("production: {v}\nstaging: {v}\n")).unwrap();
            std::fs::rename(&tmp, &labels).unwrap();
            store.reload().unwrap();
            ok += 1;
        }
        stop.store(true, Ordering::Relaxed);
        for r in readers {
            assert!(r.join().unwrap() > 0);
        }
        assert_eq!(store.stats().reloads, ok);
        assert_eq!(store.stats().failures, 100);
    }
}
