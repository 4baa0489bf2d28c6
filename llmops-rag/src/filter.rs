//! [`Filter`]: the metadata conditions and the access scope every search applies inside the
//! index, before scoring, so nothing outside them is ever returned or ranked.

use std::collections::BTreeMap;

use llmops_core::{AccessScope, Query};
use serde_json::Value;

use crate::store::ChunkRecord;

/// Metadata conditions plus the caller's [`AccessScope`].
///
/// A condition `field → value` holds when the chunk's metadata field equals `value`; when
/// `value` is an array, when the field equals any element; when the chunk's field is itself an
/// array, when it contains `value` (or any element of it). A missing field never matches.
///
/// ```
/// use llmops_core::{AccessScope, Query};
/// use llmops_rag::Filter;
/// let q = Query::new("refund", 5).filter("lang", "en");
/// let f = Filter::from_query(&q, &AccessScope::default());
/// assert_eq!(f.meta.len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct Filter {
    /// Metadata conditions, all of which must hold.
    pub meta: BTreeMap<String, Value>,
    /// Who is searching.
    pub scope: AccessScope,
}

impl Filter {
    /// The filter of a query run by `scope`.
    pub fn from_query(q: &Query, scope: &AccessScope) -> Self {
        Filter {
            meta: q.filters.clone(),
            scope: scope.clone(),
        }
    }

    /// Only the access scope, no metadata condition.
    pub fn scope(scope: &AccessScope) -> Self {
        Filter {
            meta: BTreeMap::new(),
            scope: scope.clone(),
        }
    }

    /// With a metadata condition.
    #[must_use]
    pub fn with(mut self, field: impl Into<String>, value: impl Into<Value>) -> Self {
        self.meta.insert(field.into(), value.into());
        self
    }

    /// Whether `chunk` passes: readable by the scope and matching every condition.
    pub fn matches(&self, chunk: &ChunkRecord) -> bool {
        chunk.acl.allows(&self.scope) && self.matches_meta(&chunk.meta)
    }

    /// Whether `meta` satisfies every metadata condition.
    pub fn matches_meta(&self, meta: &BTreeMap<String, Value>) -> bool {
        self.meta
            .iter()
            .all(|(k, want)| meta.get(k).is_some_and(|have| value_matches(have, want)))
    }
}

fn value_matches(have: &Value, want: &Value) -> bool {
    match (have, want) {
        (Value::Array(hs), Value::Array(ws)) => ws.iter().any(|w| hs.contains(w)),
        (Value::Array(hs), w) => hs.contains(w),
        (h, Value::Array(ws)) => ws.contains(h),
        (h, w) => h == w,
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]
mod tests {
    use super::*;
    use crate::Acl;
    use serde_json::json;

    fn chunk(meta: Value, acl: Acl) -> ChunkRecord {
        let mut c = ChunkRecord::new("d#0", "d", "v1", "text", (0, 4));
        if let Value::Object(m) = meta {
            c.meta = m.into_iter().collect();
        }
        c.acl = acl;
        c
    }

    #[test]
    fn conditions_scalars_arrays_and_missing_fields() {
        let c = chunk(
            json!({"lang": "en", "tags": ["billing", "refund"]}),
            Acl::public(),
        );
        let f = |k: &str, v: Value| Filter::default().with(k, v).matches(&c);
        assert!(f("lang", json!("en")));
        assert!(!f("lang", json!("de")));
        assert!(f("lang", json!(["de", "en"])));
        assert!(f("tags", json!("refund")));
        assert!(f("tags", json!(["x", "billing"])));
        assert!(!f("tags", json!("shipping")));
        assert!(!f("missing", json!("en")));
    }

    #[test]
    fn access_labels_are_part_of_the_filter() {
        let c = chunk(json!({}), Acl::tenant("acme").group("eng"));
        let mut scope = AccessScope::default();
        assert!(!Filter::scope(&scope).matches(&c));
        scope.tenant = Some("acme".into());
        assert!(!Filter::scope(&scope).matches(&c));
        scope.groups.push("eng".into());
        assert!(Filter::scope(&scope).matches(&c));
    }
}
