//! Files of the in-memory indexes: postcard blobs written atomically, with a format number.

use std::path::Path;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::document::Acl;
use crate::store::ChunkRecord;
use crate::{RagError, Result};

#[derive(Serialize, Deserialize)]
pub(crate) struct PersistedChunk {
    id: String,
    doc_id: String,
    doc_version: String,
    text: String,
    span: (usize, usize),
    meta_json: String,
    acl: PersistedAcl,
    vector: Vec<f32>,
}

/// [`Acl`] without serde's skipped fields (postcard needs every field written).
#[derive(Serialize, Deserialize)]
struct PersistedAcl {
    tenant: Option<String>,
    users: Vec<String>,
    roles: Vec<String>,
    groups: Vec<String>,
}

impl PersistedChunk {
    pub(crate) fn new(c: &ChunkRecord, vector: Vec<f32>) -> Result<Self> {
        Ok(PersistedChunk {
            id: c.id.clone(),
            doc_id: c.doc_id.clone(),
            doc_version: c.doc_version.clone(),
            text: c.text.clone(),
            span: c.span,
            meta_json: serde_json::to_string(&c.meta)
                .map_err(|e| RagError::invalid(format!("chunk metadata: {e}")))?,
            acl: PersistedAcl {
                tenant: c.acl.tenant.clone(),
                users: c.acl.users.clone(),
                roles: c.acl.roles.clone(),
                groups: c.acl.groups.clone(),
            },
            vector,
        })
    }

    pub(crate) fn into_parts(self) -> Result<(ChunkRecord, Vec<f32>)> {
        let mut c = ChunkRecord::new(self.id, self.doc_id, self.doc_version, self.text, self.span);
        c.meta = serde_json::from_str(&self.meta_json)
            .map_err(|e| RagError::invalid(format!("chunk {} metadata: {e}", c.id)))?;
        c.acl = Acl {
            tenant: self.acl.tenant,
            users: self.acl.users,
            roles: self.acl.roles,
            groups: self.acl.groups,
        };
        Ok((c, self.vector))
    }
}

/// Serializes `value` with postcard and writes it atomically to `path`.
pub(crate) fn write_postcard<T: Serialize>(path: &Path, value: &T) -> Result<()> {
    let bytes = postcard::to_stdvec(value).map_err(|e| RagError::Persist {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    write_atomic(path, &bytes)
}

/// Reads a postcard file written by [`write_postcard`]; `what` names it in errors.
pub(crate) fn read_postcard<T: DeserializeOwned>(path: &Path, what: &str) -> Result<T> {
    let bytes = std::fs::read(path).map_err(|e| RagError::Persist {
        path: path.to_owned(),
        message: e.to_string(),
    })?;
    postcard::from_bytes(&bytes).map_err(|e| RagError::Persist {
        path: path.to_owned(),
        message: format!("not a {what} file of this version: {e}"),
    })
}

/// A typed error unless `got` is the format this build reads.
pub(crate) fn check_format(path: &Path, got: u32, want: u32) -> Result<()> {
    if got == want {
        return Ok(());
    }
    Err(RagError::Persist {
        path: path.to_owned(),
        message: format!("format {got} (this build reads {want})"),
    })
}

pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let err = |e: std::io::Error| RagError::Persist {
        path: path.to_owned(),
        message: e.to_string(),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes).map_err(err)?;
    std::fs::rename(&tmp, path).map_err(err)
}
