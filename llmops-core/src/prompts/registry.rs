//! The prompt registry: a directory of prompts with immutable numbered versions, labels
//! pointing at them, a lock of content hashes and an append-only history.
//!
//! ```text
//! DIR/<name>/<version>.prompt     immutable numbered versions (1.prompt, 2.prompt, ...)
//! DIR/<name>/labels.yaml          label -> version (`production: 3`)
//! DIR/.llmops/versions.lock       `<name>/<version> sha256:<hex>` per line
//! DIR/.llmops/history.jsonl       one JSON object per label change
//! ```

use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde_json::Value;

use super::evals::read_evals;
use super::file::{content_hash, parse_yaml, split_front_matter};
use super::resolved::{Reference, ResolvedPrompt, valid_name};
use super::rollout::{LabelTarget, Slot};
use super::{PromptError, PromptFile};
use crate::eval::EvalRecord;
use crate::types::Message;

/// The label an unqualified reference (`name`) resolves through.
pub const PRODUCTION: &str = "production";
/// The implicit label that always points at the newest version.
pub const LATEST: &str = "latest";

/// One prompt of a loaded registry.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub(crate) versions: BTreeMap<u32, Arc<ResolvedPrompt>>,
    /// Explicit labels (from labels.yaml), resolved with the label set.
    pub(crate) labels: BTreeMap<String, Slot>,
    /// `latest`, resolved with the label set.
    pub(crate) latest: Arc<ResolvedPrompt>,
}

/// A loaded prompt directory: every prompt, version and label, validated as a whole.
///
/// The value is immutable. Label changes ([`PromptRegistry::set_label`],
/// [`PromptRegistry::promote`], [`PromptRegistry::rollback`],
/// [`PromptRegistry::remove_label`]) write the directory and return a freshly loaded
/// registry, so a service can swap it in atomically.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use llmops_core::prompts::PromptRegistry;
/// # let tmp = tempfile::tempdir()?;
/// # let dir = tmp.path();
/// std::fs::create_dir_all(dir.join("greet"))?;
/// std::fs::write(dir.join("greet/1.prompt"), "Hello {{who}}")?;
/// std::fs::write(dir.join("greet/2.prompt"), "Hi {{who}}")?;
/// std::fs::write(dir.join("greet/labels.yaml"), "production: 1\n")?;
///
/// let registry = PromptRegistry::load(dir)?;
/// assert_eq!(registry.resolve("greet")?.version, 1);
/// assert_eq!(registry.resolve("greet@latest")?.version, 2);
/// assert_eq!(registry.resolve("greet/2")?.version, 2);
///
/// let registry = registry.set_label("greet", "production", 2, "ada", "friendlier")?;
/// assert_eq!(registry.resolve("greet")?.version, 2);
/// let registry = registry.rollback("greet", "production", "ada", "complaints")?;
/// assert_eq!(registry.resolve("greet")?.version, 1);
/// assert_eq!(registry.history("greet")?.len(), 2);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct PromptRegistry {
    pub(crate) dir: PathBuf,
    pub(crate) prompts: HashMap<String, Entry>,
}

pub(crate) fn io_err(path: &Path, e: std::io::Error) -> PromptError {
    PromptError::Io {
        path: path.display().to_string(),
        source: Arc::new(e),
    }
}

fn parse_err(path: &Path, line: usize, message: impl Into<String>) -> PromptError {
    PromptError::Parse {
        file: path.display().to_string(),
        line,
        message: message.into(),
    }
}

/// The lock file's path.
pub(crate) fn lock_path(dir: &Path) -> PathBuf {
    super::bookkeeping::path(dir, "versions.lock")
}

/// Reads `name/version -> hash` from the lock (missing file: empty).
fn read_lock(path: &Path) -> Result<HashMap<String, String>, PromptError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(HashMap::new()),
        Err(e) => return Err(io_err(path, e)),
    };
    let mut out = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, hash) = line
            .split_once(char::is_whitespace)
            .ok_or_else(|| parse_err(path, i + 1, "expected `<name>/<version> <hash>`"))?;
        out.insert(key.to_owned(), hash.trim().to_owned());
    }
    Ok(out)
}

/// Whether the front matter declares `version` (absent: the file name gives it).
fn declares_version(text: &str) -> bool {
    split_front_matter(text)
        .ok()
        .and_then(|s| s.front)
        .and_then(|(front, line)| parse_yaml(front, line).ok())
        .is_some_and(|m| m.get("version").is_some_and(|v| !v.is_null()))
}

/// Loads one version file, checking its number and its hash against the lock.
fn load_version(
    name: &str,
    number: u32,
    path: &Path,
    lock: &HashMap<String, String>,
    new_locks: &mut Vec<String>,
) -> Result<Arc<PromptFile>, PromptError> {
    let bytes = std::fs::read(path).map_err(|e| io_err(path, e))?;
    let hash = format!("sha256:{}", content_hash(&bytes));
    let key = format!("{name}/{number}");
    match lock.get(&key) {
        Some(locked) if *locked != hash => {
            return Err(PromptError::Modified {
                file: path.display().to_string(),
                locked: locked.clone(),
                found: hash,
            });
        }
        Some(_) => {}
        None => new_locks.push(format!("{key} {hash}\n")),
    }
    let text =
        String::from_utf8(bytes).map_err(|e| parse_err(path, 1, format!("not UTF-8: {e}")))?;
    let mut file = PromptFile::parse(name, &text).map_err(|e| match e {
        PromptError::Parse { line, message, .. } => parse_err(path, line, message),
        other => other,
    })?;
    if declares_version(&text) {
        if file.version != number {
            return Err(parse_err(
                path,
                1,
                format!(
                    "front matter says version {} but the file is version {number}",
                    file.version
                ),
            ));
        }
    } else {
        file.version = number;
    }
    Ok(Arc::new(file))
}

/// Reads `labels.yaml` (missing file: no labels).
pub(crate) fn read_labels(path: &Path) -> Result<BTreeMap<String, LabelTarget>, PromptError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(BTreeMap::new()),
        Err(e) => return Err(io_err(path, e)),
    };
    let labels: Option<BTreeMap<String, LabelTarget>> =
        serde_yaml_ng::from_str(&text).map_err(|e| {
            let line = e.location().map_or(1, |l| l.line());
            parse_err(
                path,
                line,
                format!("expected `label: version` or `label: {{split: {{version: weight}}}}` lines: {e}"),
            )
        })?;
    Ok(labels.unwrap_or_default())
}

fn load_prompt(
    name: &str,
    dir: &Path,
    lock: &HashMap<String, String>,
    evals: &HashMap<(String, u32), EvalRecord>,
    new_locks: &mut Vec<String>,
) -> Result<Option<Entry>, PromptError> {
    let mut files = BTreeMap::new();
    for item in std::fs::read_dir(dir).map_err(|e| io_err(dir, e))? {
        let path = item.map_err(|e| io_err(dir, e))?.path();
        if path.extension().is_none_or(|e| e != "prompt") {
            continue;
        }
        let stem = path.file_stem().map(|s| s.to_string_lossy().into_owned());
        let number = stem
            .as_deref()
            .filter(|s| !s.starts_with(['+', '0']))
            .and_then(|s| s.parse::<u32>().ok())
            .filter(|n| *n > 0)
            .ok_or_else(|| parse_err(&path, 1, "a version file is named `<number>.prompt`"))?;
        files.insert(number, path);
    }
    let labels_path = dir.join("labels.yaml");
    let labels = read_labels(&labels_path)?;
    if files.is_empty() && labels.is_empty() {
        return Ok(None);
    }
    let mut versions = BTreeMap::new();
    for (number, path) in &files {
        let file = load_version(name, *number, path, lock, new_locks)?;
        let eval = evals.get(&(name.to_owned(), *number)).cloned();
        let resolved = ResolvedPrompt::from_file(file, &path.display().to_string(), eval)?;
        versions.insert(*number, Arc::new(resolved));
    }
    let mut resolved_labels = BTreeMap::new();
    for (label, target) in &labels {
        if label == LATEST {
            return Err(parse_err(
                &labels_path,
                1,
                "`latest` is implicit (the newest version) and cannot be set",
            ));
        }
        let slot = Slot::build(target, label, |v| {
            versions
                .get(&v)
                .map(Arc::clone)
                .ok_or_else(|| format!("points at version {v}, which does not exist"))
        })
        .map_err(|m| parse_err(&labels_path, 1, format!("label `{label}`: {m}")))?;
        resolved_labels.insert(label.clone(), slot);
    }
    let newest = versions
        .last_key_value()
        .map(|(_, v)| v.with_label(LATEST))
        .ok_or_else(|| parse_err(&labels_path, 1, "labels but no `<number>.prompt` versions"))?;
    Ok(Some(Entry {
        versions,
        labels: resolved_labels,
        latest: newest,
    }))
}

impl PromptRegistry {
    /// Loads the whole directory, or fails: a parse error, a version number that disagrees
    /// with its file name, a label naming an unknown version, a `latest:` label, or a
    /// published version whose bytes differ from the lock ([`PromptError::Modified`]).
    /// Versions seen for the first time get their hash appended to
    /// `.llmops/versions.lock` once everything else loaded.
    pub fn load(dir: impl AsRef<Path>) -> Result<Self, PromptError> {
        let dir = dir.as_ref().to_path_buf();
        let lock_file = lock_path(&dir);
        let lock = read_lock(&lock_file)?;
        let evals = read_evals(&dir)?;
        let mut new_locks = Vec::new();
        let mut prompts = HashMap::new();
        let mut dirs = Vec::new();
        for item in std::fs::read_dir(&dir).map_err(|e| io_err(&dir, e))? {
            let path = item.map_err(|e| io_err(&dir, e))?.path();
            let name = path.file_name().map(|s| s.to_string_lossy().into_owned());
            if let Some(name) = name.filter(|n| !n.starts_with('.') && path.is_dir()) {
                dirs.push((name, path));
            }
        }
        dirs.sort();
        for (name, path) in dirs {
            if !valid_name(&name) {
                return Err(parse_err(
                    &path,
                    1,
                    "a prompt name cannot have whitespace, `@` or `/`",
                ));
            }
            if let Some(entry) = load_prompt(&name, &path, &lock, &evals, &mut new_locks)? {
                prompts.insert(name, entry);
            }
        }
        if !new_locks.is_empty() {
            let parent = dir.join(".llmops");
            std::fs::create_dir_all(&parent).map_err(|e| io_err(&parent, e))?;
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&lock_file)
                .map_err(|e| io_err(&lock_file, e))?;
            f.write_all(new_locks.concat().as_bytes())
                .map_err(|e| io_err(&lock_file, e))?;
        }
        Ok(PromptRegistry { dir, prompts })
    }

    /// The directory this registry was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The prompt names, sorted.
    pub fn names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.prompts.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }

    /// A prompt's version numbers, ascending.
    pub fn versions(&self, name: &str) -> Result<Vec<u32>, PromptError> {
        Ok(self.entry(name)?.versions.keys().copied().collect())
    }

    /// A prompt's explicit labels and their targets (`latest` not included).
    pub fn labels(&self, name: &str) -> Result<BTreeMap<String, LabelTarget>, PromptError> {
        let entry = self.entry(name)?;
        Ok(entry
            .labels
            .iter()
            .map(|(l, s)| (l.clone(), s.target()))
            .collect())
    }

    /// Where `label` of `name` points (`latest`: the newest version).
    pub fn label_target(&self, name: &str, label: &str) -> Result<LabelTarget, PromptError> {
        let entry = self.entry(name)?;
        if label == LATEST {
            return Ok(LabelTarget::Version(entry.latest.version));
        }
        entry
            .labels
            .get(label)
            .map(Slot::target)
            .ok_or_else(|| PromptError::UnknownLabel {
                name: name.to_owned(),
                label: label.to_owned(),
            })
    }

    pub(crate) fn entry(&self, name: &str) -> Result<&Entry, PromptError> {
        self.prompts
            .get(name)
            .ok_or_else(|| PromptError::UnknownPrompt {
                name: name.to_owned(),
            })
    }

    /// Resolves `name` (through `production`), `name@label` (`latest` is the newest
    /// version) or `name/3`. A label that splits traffic gives its stable (heaviest) version:
    /// use [`PromptRegistry::resolve_for`] to route a caller.
    pub fn resolve(&self, reference: &str) -> Result<Arc<ResolvedPrompt>, PromptError> {
        self.resolve_for(reference, None)
    }

    /// Like [`PromptRegistry::resolve`], routing a caller through a split label: the same
    /// `key` (user, tenant) always gets the same version (see [`rollout_bucket`](super::rollout_bucket)).
    ///
    /// ```
    /// # fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use llmops_core::prompts::PromptRegistry;
    /// # let tmp = tempfile::tempdir()?;
    /// # let dir = tmp.path();
    /// std::fs::create_dir_all(dir.join("greet"))?;
    /// std::fs::write(dir.join("greet/1.prompt"), "Hello {{who}}")?;
    /// std::fs::write(dir.join("greet/2.prompt"), "Hi {{who}}")?;
    /// std::fs::write(dir.join("greet/labels.yaml"), "production:\n  split: {1: 90, 2: 10}\n")?;
    /// let registry = PromptRegistry::load(dir)?;
    /// let v = registry.resolve_for("greet", Some("user-42"))?.version;
    /// assert_eq!(registry.resolve_for("greet", Some("user-42"))?.version, v);
    /// assert_eq!(registry.resolve("greet")?.version, 1); // no key: the stable arm
    /// # Ok(()) }
    /// ```
    pub fn resolve_for(
        &self,
        reference: &str,
        key: Option<&str>,
    ) -> Result<Arc<ResolvedPrompt>, PromptError> {
        match Reference::parse(reference)? {
            Reference::Label { name, label } => {
                let entry = self.entry(name)?;
                if label == LATEST {
                    return Ok(Arc::clone(&entry.latest));
                }
                entry
                    .labels
                    .get(label)
                    .map(|slot| Arc::clone(slot.pick(name, label, key)))
                    .ok_or_else(|| PromptError::UnknownLabel {
                        name: name.to_owned(),
                        label: label.to_owned(),
                    })
            }
            Reference::Version { name, version } => self
                .entry(name)?
                .versions
                .get(&version)
                .map(Arc::clone)
                .ok_or_else(|| PromptError::UnknownVersion {
                    name: name.to_owned(),
                    version,
                }),
        }
    }

    /// Resolves `reference` and renders it strictly.
    pub fn render(
        &self,
        reference: &str,
        vars: &BTreeMap<String, Value>,
    ) -> Result<Vec<Message>, PromptError> {
        self.resolve(reference)?.render(vars)
    }

    /// The latest eval record filed for `name/version` ([`PromptRegistry::record_eval`]).
    pub fn eval_record(&self, name: &str, version: u32) -> Result<Option<EvalRecord>, PromptError> {
        let entry = self.entry(name)?;
        entry
            .versions
            .get(&version)
            .map(|r| r.eval.clone())
            .ok_or_else(|| PromptError::UnknownVersion {
                name: name.to_owned(),
                version,
            })
    }
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
pub(crate) mod tests {
    use super::*;

    /// A registry with `greet` versions 1 and 2, `production: 1`, `staging: 2`.
    pub(crate) fn fixture() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let greet = dir.path().join("greet");
        std::fs::create_dir_all(&greet).unwrap();
        std::fs::write(
            greet.join("1.prompt"),
            "---\nversion: 1\ninput:\n  schema:\n    who: string\n---\nHello {{who}}",
        )
        .unwrap();
        std::fs::write(greet.join("2.prompt"), "Hi {{who}}").unwrap();
        std::fs::write(greet.join("labels.yaml"), "production: 1\nstaging: 2\n").unwrap();
        dir
    }

    fn vars(who: &str) -> BTreeMap<String, Value> {
        BTreeMap::from([("who".to_owned(), Value::from(who))])
    }

    #[test]
    fn resolves_all_reference_forms() {
        let dir = fixture();
        let reg = PromptRegistry::load(dir.path()).unwrap();
        assert_eq!(reg.names(), ["greet"]);
        assert_eq!(reg.versions("greet").unwrap(), [1, 2]);
        let p = reg.resolve("greet").unwrap();
        assert_eq!((p.version, p.label.as_deref()), (1, Some(PRODUCTION)));
        assert_eq!(reg.resolve("greet@staging").unwrap().version, 2);
        assert_eq!(reg.resolve("greet@latest").unwrap().version, 2);
        let v = reg.resolve("greet/2").unwrap();
        assert_eq!((v.version, v.label.as_deref()), (2, None));
        assert_eq!(v.file.version, 2, "version taken from the file name");
        let r = p.version_ref();
        assert_eq!((r.name.as_str(), r.version), ("greet", 1));
        assert_eq!(r.label.as_deref(), Some(PRODUCTION));
        let bytes = std::fs::read(dir.path().join("greet/1.prompt")).unwrap();
        assert_eq!(r.hash, format!("sha256:{}", content_hash(&bytes)));
        let msgs = reg.render("greet", &vars("ada")).unwrap();
        assert_eq!(msgs.len(), 1);
        let lock = std::fs::read_to_string(lock_path(dir.path())).unwrap();
        assert!(lock.contains(&format!("greet/1 {}", r.hash)), "{lock}");
        assert!(lock.contains("greet/2 sha256:"), "{lock}");
    }

    #[test]
    fn typed_errors_for_bad_references() {
        let dir = fixture();
        let reg = PromptRegistry::load(dir.path()).unwrap();
        assert!(matches!(
            reg.resolve("nope").unwrap_err(),
            PromptError::UnknownPrompt { .. }
        ));
        assert!(matches!(
            reg.resolve("greet@canary").unwrap_err(),
            PromptError::UnknownLabel { ref label, .. } if label == "canary"
        ));
        assert!(matches!(
            reg.resolve("greet/9").unwrap_err(),
            PromptError::UnknownVersion { version: 9, .. }
        ));
        let core: crate::Error = reg.resolve("greet@canary").unwrap_err().into();
        assert!(matches!(core, crate::Error::InvalidRequest(ref m) if m.contains("canary")));
        for bad in [
            "", "greet@", "@x", "greet/0", "greet/x", "greet/", "a b", "g@a/1",
        ] {
            assert!(
                matches!(
                    reg.resolve(bad).unwrap_err(),
                    PromptError::BadReference { .. }
                ),
                "{bad}"
            );
        }
    }

    #[test]
    fn latest_follows_a_new_version_after_reload() {
        let dir = fixture();
        let reg = PromptRegistry::load(dir.path()).unwrap();
        assert_eq!(reg.resolve("greet@latest").unwrap().version, 2);
        std::fs::write(dir.path().join("greet/3.prompt"), "Hey {{who}}").unwrap();
        let reg = PromptRegistry::load(dir.path()).unwrap();
        assert_eq!(reg.resolve("greet@latest").unwrap().version, 3);
        assert_eq!(reg.resolve("greet").unwrap().version, 1);
    }

    #[test]
    fn edited_published_version_is_a_load_error_naming_the_file() {
        let dir = fixture();
        PromptRegistry::load(dir.path()).unwrap();
        let file = dir.path().join("greet/2.prompt");
        std::fs::write(&file, "Hi there {{who}}").unwrap();
        let err = PromptRegistry::load(dir.path()).unwrap_err();
        assert!(matches!(err, PromptError::Modified { .. }), "{err}");
        assert!(
            err.to_string().contains(&file.display().to_string()),
            "{err}"
        );
        // Restoring the bytes makes it load again.
        std::fs::write(&file, "Hi {{who}}").unwrap();
        PromptRegistry::load(dir.path()).unwrap();
    }

    #[test]
    fn invalid_directories_are_load_errors() {
        let cases: [(&str, &str, &str); 5] = [
            ("labels.yaml", "production: 7\n", "version 7"),
            ("labels.yaml", "latest: 1\n", "`latest` is implicit"),
            ("labels.yaml", "production: [1]\n", "labels.yaml"),
            (
                "2.prompt",
                "---\nversion: 5\n---\nHi",
                "front matter says version 5",
            ),
            ("v3.prompt", "Hi", "`<number>.prompt`"),
        ];
        for (file, text, wanted) in cases {
            let dir = fixture();
            std::fs::write(dir.path().join("greet").join(file), text).unwrap();
            let err = PromptRegistry::load(dir.path()).unwrap_err();
            assert!(err.to_string().contains(wanted), "{file}: {err}");
        }
        let dir = fixture();
        std::fs::write(dir.path().join("greet/1.prompt"), "---\nbogus: 1\n---\n").unwrap();
        std::fs::remove_file(lock_path(dir.path())).ok();
        let err = PromptRegistry::load(dir.path()).unwrap_err();
        assert!(
            matches!(err, PromptError::Parse { ref file, line: 2, .. } if file.ends_with("1.prompt")),
            "{err}"
        );
        assert!(
            !lock_path(dir.path()).exists(),
            "a failed load records nothing"
        );
    }

    #[test]
    fn hidden_and_empty_directories_are_skipped() {
        let dir = fixture();
        std::fs::create_dir_all(dir.path().join(".git/objects")).unwrap();
        std::fs::create_dir_all(dir.path().join("empty")).unwrap();
        let reg = PromptRegistry::load(dir.path()).unwrap();
        assert_eq!(reg.names(), ["greet"]);
    }
}
