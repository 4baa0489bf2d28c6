//! [`Document`]: what is indexed, with its id, metadata, version, source and access labels.

use std::collections::BTreeMap;
use std::path::PathBuf;

use llmops_core::AccessScope;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};

/// The source format of a document's text (chunkers and loaders use it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
#[non_exhaustive]
pub enum Format {
    /// Plain text.
    #[default]
    Text,
    /// Markdown (headings give the chunks' heading path).
    Markdown,
    /// HTML, already converted to text by the loader.
    Html,
}

/// Who may read a document and its chunks. Checked inside every search, so a caller never
/// sees a chunk it may not read, not even its score.
///
/// Rules: the tenant must equal the caller's (`None` is visible only to callers without a
/// tenant); with no principals listed every caller of that tenant may read; otherwise the
/// caller must be one of `users` or hold one of `roles` or `groups`.
///
/// ```
/// use llmops_core::Caller;
/// use llmops_rag::Acl;
/// let acl = Acl::tenant("acme").role("support");
/// assert!(acl.allows(&Caller::default().tenant("acme").role("support").scope()));
/// assert!(!acl.allows(&Caller::default().tenant("acme").scope()));
/// assert!(!acl.allows(&Caller::default().tenant("globex").role("support").scope()));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Acl {
    /// The tenant owning the document; `None` for documents without a tenant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// Users allowed to read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub users: Vec<String>,
    /// Roles allowed to read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// Groups allowed to read.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
}

impl Acl {
    /// Readable by every caller without a tenant.
    pub fn public() -> Self {
        Acl::default()
    }

    /// Readable by every caller of `tenant`.
    pub fn tenant(tenant: impl Into<String>) -> Self {
        Acl {
            tenant: Some(tenant.into()),
            ..Acl::default()
        }
    }

    /// Also readable by `user`.
    #[must_use]
    pub fn user(mut self, user: impl Into<String>) -> Self {
        self.users.push(user.into());
        self
    }

    /// Also readable by holders of `role`.
    #[must_use]
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.roles.push(role.into());
        self
    }

    /// Also readable by members of `group`.
    #[must_use]
    pub fn group(mut self, group: impl Into<String>) -> Self {
        self.groups.push(group.into());
        self
    }

    /// Whether no principal is listed (every caller of the tenant may read).
    pub fn is_open(&self) -> bool {
        self.users.is_empty() && self.roles.is_empty() && self.groups.is_empty()
    }

    /// The principals as `user:x`, `role:y`, `group:z` (how SQL backends store them).
    pub fn principals(&self) -> Vec<String> {
        principals(&self.users, &self.roles, &self.groups)
    }

    /// Whether `scope` may read what these labels protect.
    pub fn allows(&self, scope: &AccessScope) -> bool {
        if self.tenant != scope.tenant {
            return false;
        }
        if self.is_open() {
            return true;
        }
        scope
            .user
            .as_ref()
            .is_some_and(|u| self.users.iter().any(|x| x == u))
            || scope.roles.iter().any(|r| self.roles.contains(r))
            || scope.groups.iter().any(|g| self.groups.contains(g))
    }
}

/// The principals of a scope as `user:x`, `role:y`, `group:z`.
pub fn scope_principals(scope: &AccessScope) -> Vec<String> {
    principals(scope.user.as_slice(), &scope.roles, &scope.groups)
}

fn principals(users: &[String], roles: &[String], groups: &[String]) -> Vec<String> {
    users
        .iter()
        .map(|u| format!("user:{u}"))
        .chain(roles.iter().map(|r| format!("role:{r}")))
        .chain(groups.iter().map(|g| format!("group:{g}")))
        .collect()
}

/// Where a document was loaded from, so a freshness check can tell whether it changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Source {
    /// The file it was read from.
    pub path: PathBuf,
    /// For files holding many documents (JSONL), the line.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    /// The directory the document's id is relative to (set by `load_dir`), so a refresh
    /// reloads the file under the same ids.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub root: Option<PathBuf>,
}

impl Source {
    /// A file source.
    pub fn file(path: impl Into<PathBuf>) -> Self {
        Source {
            path: path.into(),
            line: None,
            root: None,
        }
    }
}

/// A document to index.
///
/// ```
/// use llmops_rag::{Acl, Document};
/// let doc = Document::new("kb/refunds", "Refunds take 5 days.")
///     .meta("lang", "en")
///     .acl(Acl::tenant("acme"));
/// assert_eq!(doc.content_hash().len(), 64);
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Document {
    /// Stable id (`kb/refunds`).
    pub id: String,
    /// The text (HTML already converted).
    pub text: String,
    /// The text's format.
    #[serde(default)]
    pub format: Format,
    /// Metadata copied onto every chunk (title, URL, language ...).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub meta: BTreeMap<String, Value>,
    /// Who may read it.
    #[serde(default)]
    pub acl: Acl,
    /// The caller's version label; `None` uses the content hash.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    /// Where it came from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<Source>,
}

impl Document {
    /// A plain-text document readable by callers without a tenant.
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            text: text.into(),
            format: Format::Text,
            meta: BTreeMap::new(),
            acl: Acl::default(),
            version: None,
            source: None,
        }
    }

    /// With a format.
    #[must_use]
    pub fn format(mut self, format: Format) -> Self {
        self.format = format;
        self
    }

    /// With a metadata field.
    #[must_use]
    pub fn meta(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.meta.insert(key.into(), value.into());
        self
    }

    /// With access labels.
    #[must_use]
    pub fn acl(mut self, acl: Acl) -> Self {
        self.acl = acl;
        self
    }

    /// With an explicit version label.
    #[must_use]
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = Some(version.into());
        self
    }

    /// With a source.
    #[must_use]
    pub fn source(mut self, source: Source) -> Self {
        self.source = Some(source);
        self
    }

    /// SHA-256 of the text, metadata, access labels and version label, hex: changes when
    /// anything indexed changes.
    pub fn content_hash(&self) -> String {
        let mut h = Sha256::new();
        h.update(self.text.as_bytes());
        h.update([0]);
        // BTreeMap and the derived Serialize are deterministic.
        h.update(serde_json::to_vec(&self.meta).unwrap_or_default());
        h.update([0]);
        h.update(serde_json::to_vec(&self.acl).unwrap_or_default());
        h.update([0]);
        h.update(self.version.as_deref().unwrap_or_default().as_bytes());
        hex::encode(h.finalize())
    }

    /// The version recorded with its chunks: the label, else the first 16 hex digits of the
    /// content hash.
    pub fn effective_version(&self) -> String {
        match &self.version {
            Some(v) => v.clone(),
            None => self.content_hash().chars().take(16).collect(),
        }
    }
}
