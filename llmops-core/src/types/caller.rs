//! Who is asking: tenant, user, roles, API key, feature, conversation.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// Who a request is made for. Scopes caches, budgets, retrieval permissions and logs.
///
/// ```
/// use llmops_core::Caller;
/// let c = Caller::default().tenant("acme").user("u-42").role("support");
/// assert_eq!(c.scope().tenant.as_deref(), Some("acme"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Caller {
    /// The tenant (customer organisation).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tenant: Option<String>,
    /// The end user.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The caller's roles (tool policy, retrieval permissions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub roles: Vec<String>,
    /// The caller's groups (retrieval permissions).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub groups: Vec<String>,
    /// The id (never the value) of the API key the request came in with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub api_key_id: Option<String>,
    /// The product feature making the call (`support-reply`, `search` ...).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub feature: Option<String>,
    /// The conversation (thread, session) this exchange belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conversation_id: Option<String>,
    /// Free-form tags for reports.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub tags: BTreeMap<String, String>,
}

impl Caller {
    /// With tenant.
    #[must_use]
    pub fn tenant(mut self, v: impl Into<String>) -> Self {
        self.tenant = Some(v.into());
        self
    }
    /// With user.
    #[must_use]
    pub fn user(mut self, v: impl Into<String>) -> Self {
        self.user = Some(v.into());
        self
    }
    /// Adds a role.
    #[must_use]
    pub fn role(mut self, v: impl Into<String>) -> Self {
        self.roles.push(v.into());
        self
    }
    /// Adds a group.
    #[must_use]
    pub fn group(mut self, v: impl Into<String>) -> Self {
        self.groups.push(v.into());
        self
    }
    /// With API-key id.
    #[must_use]
    pub fn api_key_id(mut self, v: impl Into<String>) -> Self {
        self.api_key_id = Some(v.into());
        self
    }
    /// With feature.
    #[must_use]
    pub fn feature(mut self, v: impl Into<String>) -> Self {
        self.feature = Some(v.into());
        self
    }
    /// With conversation id.
    #[must_use]
    pub fn conversation(mut self, v: impl Into<String>) -> Self {
        self.conversation_id = Some(v.into());
        self
    }
    /// Adds a tag.
    #[must_use]
    pub fn tag(mut self, k: impl Into<String>, v: impl Into<String>) -> Self {
        self.tags.insert(k.into(), v.into());
        self
    }

    /// What this caller may read: the filter retrieval applies inside the search.
    pub fn scope(&self) -> AccessScope {
        AccessScope {
            tenant: self.tenant.clone(),
            user: self.user.clone(),
            roles: self.roles.clone(),
            groups: self.groups.clone(),
        }
    }
}

/// The permissions a retrieval runs with: a chunk is visible when its access labels allow
/// this tenant and one of these principals.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AccessScope {
    /// The tenant; `None` sees only chunks without a tenant label.
    pub tenant: Option<String>,
    /// The user.
    pub user: Option<String>,
    /// Roles.
    pub roles: Vec<String>,
    /// Groups.
    pub groups: Vec<String>,
}
