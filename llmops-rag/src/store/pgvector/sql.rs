//! SQL text, identifier checks, row conversion and error messages for the pgvector store.
//!
//! Only a validated table name and integers are ever formatted into SQL text; every value
//! (ids, texts, metadata, tenants, principals, vectors, filter keys and values) travels as a
//! bound parameter.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde_json::Value;
use tokio_postgres::Row;

use crate::document::Acl;
use crate::store::{ChunkRecord, Metric};
use crate::{RagError, Result};

/// The component named in [`RagError::Backend`].
pub(super) const COMPONENT: &str = "pgvector";

/// The table holding one row per collection: its dimensions, metric and embedder id.
pub(super) const COLLECTIONS: &str = "llmops_rag_collections";

/// The longest table name accepted: the derived index names (`{table}_embedding_hnsw`) must
/// stay within PostgreSQL's 63-byte identifiers.
pub(super) const MAX_TABLE_LEN: usize = 48;

/// Columns read back by every query that returns chunks, in [`record`]'s order.
const COLUMNS: &str =
    "id, doc_id, doc_version, text, span_start, span_end, meta::text, tenant, principals";

/// Parameters per inserted row.
const INSERT_PARAMS: usize = 10;

/// A table name is a plain lowercase SQL identifier: `[a-z_][a-z0-9_]*`, at most
/// [`MAX_TABLE_LEN`] bytes, not `pg_*` and not the collections table.
pub(super) fn check_table(name: &str) -> Result<()> {
    let mut chars = name.chars();
    let first_ok = chars
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_');
    let rest_ok = chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !first_ok || !rest_ok || name.len() > MAX_TABLE_LEN {
        return Err(RagError::invalid(format!(
            "pgvector table name {name:?}: use 1 to {MAX_TABLE_LEN} lowercase ASCII letters, \
             digits or underscores, not starting with a digit"
        )));
    }
    if name.starts_with("pg_") || name == COLLECTIONS {
        return Err(RagError::invalid(format!(
            "pgvector table name {name:?} is reserved"
        )));
    }
    Ok(())
}

/// The operator class, distance operator and score expression of a metric. pgvector's `<=>`
/// is the cosine distance (score = 1 − distance), `<#>` the negative inner product
/// (score = −distance).
pub(super) fn metric_sql(metric: Metric) -> (&'static str, &'static str, &'static str) {
    match metric {
        Metric::Cosine => ("vector_cosine_ops", "<=>", "1 - (embedding <=> $1)"),
        Metric::Dot => ("vector_ip_ops", "<#>", "-(embedding <#> $1)"),
    }
}

/// The metric's name in the collections table.
pub(super) fn metric_name(metric: Metric) -> &'static str {
    match metric {
        Metric::Cosine => "cosine",
        Metric::Dot => "dot",
    }
}

/// `CREATE TABLE` for the collections table.
pub(super) fn create_collections() -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS {COLLECTIONS} (\
           name text PRIMARY KEY, \
           dims integer NOT NULL, \
           metric text NOT NULL, \
           embedder_id text, \
           created_at timestamptz NOT NULL DEFAULT now())"
    )
}

/// `CREATE TABLE` for a collection (`table` validated by [`check_table`]).
pub(super) fn create_table(table: &str, dims: usize) -> String {
    format!(
        "CREATE TABLE IF NOT EXISTS \"{table}\" (\
           id text PRIMARY KEY, \
           doc_id text NOT NULL, \
           doc_version text NOT NULL, \
           text text NOT NULL, \
           span_start bigint NOT NULL, \
           span_end bigint NOT NULL, \
           meta jsonb NOT NULL DEFAULT '{{}}', \
           tenant text, \
           principals text[] NOT NULL DEFAULT '{{}}', \
           embedding vector({dims}) NOT NULL)"
    )
}

/// The secondary indexes, by name: document id (replace/delete), tenant (filtered exact
/// scans) and HNSW on the embedding.
pub(super) fn create_indexes(
    table: &str,
    metric: Metric,
    m: u32,
    ef_construction: u32,
) -> [(String, String); 3] {
    let (ops, _, _) = metric_sql(metric);
    let index = |suffix: &str, body: String| {
        let name = format!("{table}_{suffix}");
        let ddl = format!("CREATE INDEX IF NOT EXISTS \"{name}\" ON \"{table}\" {body}");
        (name, ddl)
    };
    [
        index("doc_id_idx", "(doc_id)".into()),
        index("tenant_idx", "(tenant)".into()),
        index(
            "embedding_hnsw",
            format!(
                "USING hnsw (embedding {ops}) WITH (m = {m}, ef_construction = {ef_construction})"
            ),
        ),
    ]
}

/// A multi-row `INSERT` of `rows` rows, [`INSERT_PARAMS`] parameters each.
pub(super) fn insert(table: &str, rows: usize) -> String {
    let mut sql = format!(
        "INSERT INTO \"{table}\" (id, doc_id, doc_version, text, span_start, span_end, meta, \
         tenant, principals, embedding) VALUES "
    );
    for r in 0..rows {
        let b = r * INSERT_PARAMS;
        if r > 0 {
            sql.push_str(", ");
        }
        // Writing to a String cannot fail.
        let _ = write!(
            sql,
            "(${}, ${}, ${}, ${}, ${}, ${}, ${}::text::jsonb, ${}::text, ${}::text[], ${})",
            b + 1,
            b + 2,
            b + 3,
            b + 4,
            b + 5,
            b + 6,
            b + 7,
            b + 8,
            b + 9,
            b + 10
        );
    }
    sql
}

/// The largest batch of rows per `INSERT` (PostgreSQL allows 65,535 parameters).
pub(super) const INSERT_BATCH: usize = 500;

/// The filtered nearest-neighbour query. Parameters: `$1` the query vector, `$2` the caller's
/// tenant (`NULL` for none), `$3` the caller's principals, `$4` the limit, then one
/// (`key`, `JSON array of wanted values`) pair per metadata condition.
///
/// The access conditions are `tenant IS NOT DISTINCT FROM $2` and "no principals or one in
/// common", written as `tenant = $2` / `tenant IS NULL` (`tenant_is_null` says which) and
/// `principals = '{}' OR principals && $3`, forms the planner estimates from the column
/// statistics (it takes `IS NOT DISTINCT FROM` and `cardinality(..) = 0` for one row in
/// 200, which would rule the HNSW index out on any table).
///
/// A condition holds when the chunk's field equals one of the wanted values, or, when the
/// field is an array, contains one of them (a scalar wanted value is sent as a one-element
/// array: `Filter::matches_meta` gives the same answer). Values are compared as their
/// canonical `jsonb` text, so `1` and `1.0` differ as they do in `serde_json`; a missing
/// field never matches.
pub(super) fn search(
    table: &str,
    metric: Metric,
    tenant_is_null: bool,
    conditions: usize,
) -> String {
    let (_, op, score) = metric_sql(metric);
    let tenant = if tenant_is_null {
        "tenant IS NULL AND $2::text IS NULL"
    } else {
        "tenant = $2::text"
    };
    let mut sql = format!(
        "SELECT {COLUMNS}, {score} AS score FROM \"{table}\" \
         WHERE {tenant} \
         AND (principals = '{{}}'::text[] OR principals && $3::text[])"
    );
    for c in 0..conditions {
        let k = 5 + 2 * c;
        let w = k + 1;
        let _ = write!(
            sql,
            " AND EXISTS (SELECT 1 FROM jsonb_array_elements(${w}::text::jsonb) AS w(v) \
             WHERE CASE WHEN jsonb_typeof(meta -> ${k}::text) = 'array' \
             THEN EXISTS (SELECT 1 FROM jsonb_array_elements(meta -> ${k}::text) AS h(v) \
             WHERE h.v::text = w.v::text) \
             ELSE (meta -> ${k}::text)::text = w.v::text END)"
        );
    }
    let _ = write!(sql, " ORDER BY embedding {op} $1 LIMIT $4");
    sql
}

/// The wanted values of a condition as a JSON array (a scalar becomes `[scalar]`).
pub(super) fn wanted(value: &Value) -> String {
    match value {
        Value::Array(_) => value.to_string(),
        other => Value::Array(vec![other.clone()]).to_string(),
    }
}

/// Whether a JSON value holds a NUL character, which `jsonb` cannot store.
pub(super) fn has_nul(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('\0'),
        Value::Array(a) => a.iter().any(has_nul),
        Value::Object(o) => o.iter().any(|(k, v)| k.contains('\0') || has_nul(v)),
        _ => false,
    }
}

/// A stored row back as a chunk record and its score.
pub(super) fn record(row: &Row, table: &str) -> Result<(ChunkRecord, f32)> {
    let corrupt = |what: &str, e: &dyn std::fmt::Display| {
        RagError::backend(COMPONENT, format!("table {table}: unreadable {what}: {e}"))
    };
    let get_str = |i: usize, what: &str| -> Result<String> {
        row.try_get::<_, String>(i).map_err(|e| corrupt(what, &e))
    };
    let span = |i: usize| -> Result<usize> {
        let v: i64 = row.try_get(i).map_err(|e| corrupt("span", &e))?;
        usize::try_from(v).map_err(|e| corrupt("span", &e))
    };
    let meta_text = get_str(6, "meta")?;
    let meta: BTreeMap<String, Value> =
        serde_json::from_str(&meta_text).map_err(|e| corrupt("meta", &e))?;
    let tenant: Option<String> = row.try_get(7).map_err(|e| corrupt("tenant", &e))?;
    let principals: Vec<String> = row.try_get(8).map_err(|e| corrupt("principals", &e))?;
    let score: f64 = row.try_get(9).map_err(|e| corrupt("score", &e))?;
    let chunk = ChunkRecord {
        id: get_str(0, "id")?,
        doc_id: get_str(1, "doc_id")?,
        doc_version: get_str(2, "doc_version")?,
        text: get_str(3, "text")?,
        span: (span(4)?, span(5)?),
        meta,
        acl: acl(tenant, principals, table)?,
    };
    Ok((chunk, score as f32))
}

/// Access labels from the stored tenant and `kind:name` principals.
fn acl(tenant: Option<String>, principals: Vec<String>, table: &str) -> Result<Acl> {
    let mut acl = Acl {
        tenant,
        ..Acl::default()
    };
    for p in principals {
        match p.split_once(':') {
            Some(("user", name)) => acl.users.push(name.to_owned()),
            Some(("role", name)) => acl.roles.push(name.to_owned()),
            Some(("group", name)) => acl.groups.push(name.to_owned()),
            _ => {
                return Err(RagError::backend(
                    COMPONENT,
                    format!(
                        "table {table}: unknown principal {p:?} (expected user:, role:, group:)"
                    ),
                ));
            }
        }
    }
    Ok(acl)
}

/// A PostgreSQL error as a message: the server's message, SQLSTATE, detail and hint, or the
/// client error with its causes.
pub(super) fn pg_message(e: &tokio_postgres::Error) -> String {
    if let Some(db) = e.as_db_error() {
        let mut m = format!("{} (SQLSTATE {})", db.message(), db.code().code());
        if let Some(d) = db.detail() {
            let _ = write!(m, "; detail: {d}");
        }
        if let Some(h) = db.hint() {
            let _ = write!(m, "; hint: {h}");
        }
        return m;
    }
    chain(e)
}

/// A pool error as a message.
pub(super) fn pool_message(e: &deadpool_postgres::PoolError) -> String {
    use deadpool_postgres::PoolError;
    match e {
        PoolError::Backend(e) => pg_message(e),
        PoolError::Timeout(t) => format!("timed out waiting for a connection ({t:?})"),
        other => chain(other),
    }
}

/// An error and its sources, `outer: inner: ...`, without repeating a cause its parent
/// already printed.
fn chain(e: &dyn std::error::Error) -> String {
    let mut m = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let t = s.to_string();
        if !m.ends_with(&t) {
            let _ = write!(m, ": {t}");
        }
        source = s.source();
    }
    m
}

/// Where a connection string points, without its password: `postgres://user@host:port/db`.
pub(super) fn target(cfg: &tokio_postgres::Config) -> String {
    use tokio_postgres::config::Host;
    let hosts: Vec<String> = cfg
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = cfg.get_ports().iter().map(u16::to_string).collect();
    let mut t = String::from("postgres://");
    if let Some(u) = cfg.get_user() {
        let _ = write!(t, "{u}@");
    }
    t.push_str(&hosts.join(","));
    if !ports.is_empty() {
        let _ = write!(t, ":{}", ports.join(","));
    }
    if let Some(db) = cfg.get_dbname() {
        let _ = write!(t, "/{db}");
    }
    t
}

/// The password of a connection string, found without parsing it fully (URL
/// `scheme://user:PASSWORD@host` or key/value `password=PASSWORD`), to scrub it from messages
/// about a string that did not parse.
pub(super) fn naive_password(conn: &str) -> Option<&str> {
    if let Some((_, rest)) = conn.split_once("://") {
        let userinfo = rest.split_once('@')?.0;
        return userinfo
            .split_once(':')
            .map(|(_, p)| p)
            .filter(|p| !p.is_empty());
    }
    let at = conn.find("password")?;
    let rest = conn.get(at + "password".len()..)?.trim_start();
    let rest = rest.strip_prefix('=')?.trim_start();
    let value = rest.trim_start_matches('\'');
    let end = value
        .find(|c: char| c.is_whitespace() || c == '\'')
        .unwrap_or(value.len());
    value.get(..end).filter(|p| !p.is_empty())
}

/// `message` with every occurrence of `secret` replaced by `***`.
pub(super) fn scrub(message: String, secret: Option<&str>) -> String {
    match secret {
        Some(s) if !s.is_empty() => message.replace(s, "***"),
        _ => message,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;
    use serde_json::json;

    #[test]
    fn table_names_are_plain_identifiers() {
        for ok in ["chunks", "_t", "kb_2024", &"a".repeat(MAX_TABLE_LEN)] {
            assert!(check_table(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "Chunks",
            "1chunks",
            "chunks; drop table x",
            "chunks\"",
            "public.chunks",
            "chünks",
            "pg_chunks",
            COLLECTIONS,
            &"a".repeat(MAX_TABLE_LEN + 1),
        ] {
            assert!(
                matches!(check_table(bad), Err(RagError::Invalid(_))),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn insert_numbers_every_parameter_once() {
        let sql = insert("t", 3);
        assert!(sql.contains("($1, $2,"));
        assert!(sql.contains("$30)"));
        assert!(!sql.contains("$31"));
        assert_eq!(sql.matches("::text::jsonb").count(), 3);
    }

    #[test]
    fn search_binds_every_condition() {
        let sql = search("t", Metric::Dot, false, 2);
        for p in [
            "$5::text",
            "$6::text::jsonb",
            "$7::text",
            "$8::text::jsonb",
            "LIMIT $4",
        ] {
            assert!(sql.contains(p), "{p} in {sql}");
        }
        assert!(sql.contains("ORDER BY embedding <#> $1"));
        assert!(sql.contains("tenant = $2::text"));
        let sql = search("t", Metric::Cosine, true, 0);
        assert!(sql.contains("1 - (embedding <=> $1) AS score"));
        assert!(sql.contains("tenant IS NULL AND $2::text IS NULL"));
    }

    #[test]
    fn indexes_are_named_after_the_table() {
        let [doc, tenant, hnsw] = create_indexes("kb", Metric::Cosine, 16, 64);
        assert_eq!(doc.0, "kb_doc_id_idx");
        assert_eq!(tenant.0, "kb_tenant_idx");
        assert_eq!(hnsw.0, "kb_embedding_hnsw");
        assert!(hnsw.1.contains("USING hnsw (embedding vector_cosine_ops)"));
        assert!(hnsw.1.contains("WITH (m = 16, ef_construction = 64)"));
        let [.., ip] = create_indexes("kb", Metric::Dot, 8, 32);
        assert!(ip.1.contains("vector_ip_ops"));
        assert!(create_table("kb", 384).contains("embedding vector(384) NOT NULL"));
    }

    #[test]
    fn wanted_values_are_arrays() {
        assert_eq!(wanted(&json!("en")), r#"["en"]"#);
        assert_eq!(wanted(&json!(["a", 1])), r#"["a",1]"#);
        assert_eq!(wanted(&json!({"a": 1})), r#"[{"a":1}]"#);
        assert!(has_nul(&json!({"k": ["x\u{0}"]})));
        assert!(!has_nul(&json!({"k": ["x"]})));
    }

    #[test]
    fn targets_and_messages_never_show_the_password() {
        let cfg: tokio_postgres::Config = "postgres://app:s3cret@db.local:5433/kb".parse().unwrap();
        assert_eq!(target(&cfg), "postgres://app@db.local:5433/kb");
        assert!(!format!("{cfg:?}").contains("s3cret"));
        assert_eq!(naive_password("postgres://app:s3cret@h/db"), Some("s3cret"));
        assert_eq!(naive_password("postgresql://app@h/db"), None);
        assert_eq!(
            naive_password("host=h password = 's3cret' user=a"),
            Some("s3cret")
        );
        assert_eq!(
            naive_password("host=h password=s3cret user=a"),
            Some("s3cret")
        );
        assert_eq!(
            scrub("bad s3cret here".into(), Some("s3cret")),
            "bad *** here"
        );
    }
}
