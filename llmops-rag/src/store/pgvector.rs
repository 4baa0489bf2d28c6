//! [`PgVectorStore`]: the shared [`VectorStore`] on PostgreSQL with the pgvector extension
//! (feature `pgvector`). One table per collection, an HNSW index, filters in SQL, writes in
//! transactions, a connection pool.

mod options;
mod sql;

use std::collections::HashSet;
use std::sync::OnceLock;

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use tokio_postgres::NoTls;
use tokio_postgres::types::ToSql;

use crate::document::scope_principals;
use crate::filter::Filter;
use crate::store::{ChunkRecord, DocState, Metric, Scored, VectorStore};
use crate::{RagError, Result};
use options::EF_SEARCH_MAX;
pub use options::PgVectorOptions;
use sql::{COLLECTIONS, COMPONENT};

/// A [`VectorStore`] in PostgreSQL with pgvector: the shared backend several processes can
/// read and write.
///
/// Each collection is one table (`id` primary key, `doc_id` indexed, `doc_version`, `text`,
/// `span_start`/`span_end`, `meta jsonb`, `tenant text NULL`, `principals text[]`,
/// `embedding vector(dims)` with an HNSW index), plus one row in `llmops_rag_collections`
/// holding its dimensions, metric and embedder id. Access labels and metadata conditions are
/// SQL conditions of the search itself, so a chunk the caller may not read is never returned
/// nor counted towards `k`. A filtered HNSW scan that yields fewer than `k` rows is repeated
/// as an exact scan (see `docs/rag-pgvector.md`).
///
/// Errors from the server are [`RagError::Backend`] with component `pgvector` and the
/// server's message; a connection string is shown without its password.
///
/// ```no_run
/// # async fn demo() -> llmops_rag::Result<()> {
/// use llmops_rag::{Filter, Metric, PgVectorOptions, PgVectorStore, VectorStore};
/// let store = PgVectorStore::connect(
///     "postgres://app@127.0.0.1:5432/kb",
///     PgVectorOptions::new("kb_chunks", 384, Metric::Cosine),
/// )
/// .await?;
/// let hits = store.search("minilm-l6-v2", &vec![0.1; 384], 5, &Filter::default()).await?;
/// # let _ = hits; Ok(()) }
/// ```
pub struct PgVectorStore {
    pool: Pool,
    options: PgVectorOptions,
    /// Where the pool points, without a password.
    target: String,
    /// The collection's embedder id, once known (it never changes once set).
    embedder: OnceLock<String>,
}

impl std::fmt::Debug for PgVectorStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgVectorStore")
            .field("target", &self.target)
            .field("table", &self.options.table)
            .field("dims", &self.options.dims)
            .field("metric", &self.options.metric)
            .finish_non_exhaustive()
    }
}

impl PgVectorStore {
    /// Connects to `conn` (a URL `postgres://user:password@host:port/db` or a key/value string
    /// `host=... user=...`; TLS is not supported) with a pool of `options.pool_size`
    /// connections, then [`open`](Self::open)s the collection.
    ///
    /// # Errors
    /// [`RagError::Invalid`] for bad options or a connection string that does not parse;
    /// [`RagError::Backend`] when the server cannot be reached or refuses (the message names
    /// the server without the password); what [`open`](Self::open) returns.
    pub async fn connect(conn: &str, options: PgVectorOptions) -> Result<Self> {
        options.validate()?;
        let mut cfg: tokio_postgres::Config = conn.parse().map_err(|e| {
            RagError::invalid(sql::scrub(
                format!("pgvector connection string: {}", sql::pg_message(&e)),
                sql::naive_password(conn),
            ))
        })?;
        if cfg.get_connect_timeout().is_none() {
            cfg.connect_timeout(options.connect_timeout);
        }
        let target = sql::target(&cfg);
        let manager = Manager::from_config(
            cfg,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.pool_size)
            .runtime(Runtime::Tokio1)
            .create_timeout(Some(options.connect_timeout))
            .build()
            .map_err(|e| RagError::backend(COMPONENT, format!("pool for {target}: {e}")))?;
        Self::setup(pool, options, Some(target)).await
    }

    /// Opens (creating when missing) the collection `options.table` through an existing
    /// pool: the extension (when `create_extension` and permitted), the collections table and
    /// row, the table and its indexes, all idempotently and under an advisory lock so
    /// concurrent openers do not race.
    ///
    /// # Errors
    /// [`RagError::Invalid`] for bad options or a collection created with another metric;
    /// [`RagError::Dimensions`] when the collection holds vectors of other dimensions;
    /// [`RagError::Backend`] for server errors (a missing extension names the statement an
    /// administrator must run).
    pub async fn open(pool: Pool, options: PgVectorOptions) -> Result<Self> {
        options.validate()?;
        Self::setup(pool, options, None).await
    }

    /// The pool (to share with other code or read its status).
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// The options it was opened with.
    pub fn options(&self) -> &PgVectorOptions {
        &self.options
    }

    /// Drops the collection: its table and its row in `llmops_rag_collections`, in one
    /// transaction. The store is unusable afterwards.
    ///
    /// # Errors
    /// [`RagError::Backend`] for server errors.
    pub async fn drop_collection(self) -> Result<()> {
        let mut client = self.client().await?;
        let tx = client
            .transaction()
            .await
            .map_err(|e| self.pg("begin", &e))?;
        let table = &self.options.table;
        tx.batch_execute(&format!("DROP TABLE IF EXISTS \"{table}\""))
            .await
            .map_err(|e| self.pg("drop table", &e))?;
        tx.execute(
            &format!("DELETE FROM {COLLECTIONS} WHERE name = $1"),
            &[table],
        )
        .await
        .map_err(|e| self.pg("drop collection row", &e))?;
        tx.commit().await.map_err(|e| self.pg("commit", &e))
    }

    /// Creates what is missing; `target` is `None` for a caller's pool (the server then says
    /// who and where we are).
    async fn setup(pool: Pool, options: PgVectorOptions, target: Option<String>) -> Result<Self> {
        let identify = target.is_none();
        let mut store = PgVectorStore {
            pool,
            options,
            target: target.unwrap_or_else(|| "postgres (caller's pool)".into()),
            embedder: OnceLock::new(),
        };
        let mut client = store.client().await?;
        if identify {
            let row = client
                .query_one(
                    "SELECT current_user::text, current_database()::text, \
                     coalesce(host(inet_server_addr()), 'local'), \
                     coalesce(inet_server_port(), 0)",
                    &[],
                )
                .await
                .map_err(|e| store.pg("identify server", &e))?;
            let col = |i| -> Result<String> {
                row.try_get(i).map_err(|e| store.pg("identify server", &e))
            };
            let port: i32 = row
                .try_get(3)
                .map_err(|e| store.pg("identify server", &e))?;
            store.target = format!("postgres://{}@{}:{port}/{}", col(0)?, col(2)?, col(1)?);
        }
        let tx = client
            .transaction()
            .await
            .map_err(|e| store.pg("begin", &e))?;
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext('llmops_rag_setup'))",
            &[],
        )
        .await
        .map_err(|e| store.pg("lock", &e))?;
        store.ensure_extension(&tx).await?;
        let o = &store.options;
        tx.batch_execute(&sql::create_collections())
            .await
            .map_err(|e| store.pg("create collections table", &e))?;
        tx.execute(
            &format!(
                "INSERT INTO {COLLECTIONS} (name, dims, metric) VALUES ($1, $2, $3) \
                 ON CONFLICT (name) DO NOTHING"
            ),
            &[&o.table, &dims_i32(o.dims)?, &sql::metric_name(o.metric)],
        )
        .await
        .map_err(|e| store.pg("register collection", &e))?;
        let row = tx
            .query_one(
                &format!("SELECT dims, metric, embedder_id FROM {COLLECTIONS} WHERE name = $1"),
                &[&o.table],
            )
            .await
            .map_err(|e| store.pg("read collection", &e))?;
        let read = |e| store.pg("read collection", &e);
        let dims: i32 = row.try_get(0).map_err(read)?;
        let metric: String = row.try_get(1).map_err(read)?;
        let embedder: Option<String> = row.try_get(2).map_err(read)?;
        check_dims(dims, o.dims)?;
        if metric != sql::metric_name(o.metric) {
            return Err(RagError::invalid(format!(
                "pgvector collection {} was created with metric {metric}, opened with {}",
                o.table,
                sql::metric_name(o.metric)
            )));
        }
        // A table made by hand or by another tool: its column must have our dimensions.
        let typmod = tx
            .query_opt(
                "SELECT atttypmod FROM pg_attribute \
                 WHERE attrelid = to_regclass($1) AND attname = 'embedding' AND NOT attisdropped",
                &[&o.table],
            )
            .await
            .map_err(|e| store.pg("inspect table", &e))?;
        if let Some(row) = &typmod {
            check_dims(
                row.try_get(0).map_err(|e| store.pg("inspect table", &e))?,
                o.dims,
            )?;
        }
        if typmod.is_none() {
            tx.batch_execute(&sql::create_table(&o.table, o.dims))
                .await
                .map_err(|e| store.pg("create table", &e))?;
        }
        // Only missing indexes: `CREATE INDEX IF NOT EXISTS` would lock out writers first.
        for (index, ddl) in
            sql::create_indexes(&o.table, o.metric, o.hnsw_m, o.hnsw_ef_construction)
        {
            let exists = tx
                .query_one("SELECT to_regclass($1) IS NOT NULL", &[&index])
                .await
                .and_then(|row| row.try_get::<_, bool>(0))
                .map_err(|e| store.pg("inspect indexes", &e))?;
            if !exists {
                tx.batch_execute(&ddl)
                    .await
                    .map_err(|e| store.pg("create index", &e))?;
            }
        }
        tx.commit()
            .await
            .map_err(|e| store.pg("commit setup", &e))?;
        drop(client);
        if let Some(e) = embedder {
            let _ = store.embedder.set(e);
        }
        Ok(store)
    }

    async fn ensure_extension(&self, tx: &deadpool_postgres::Transaction<'_>) -> Result<()> {
        let present = tx
            .query_opt("SELECT 1 FROM pg_extension WHERE extname = 'vector'", &[])
            .await
            .map_err(|e| self.pg("check extension", &e))?
            .is_some();
        if present {
            return Ok(());
        }
        let missing = |why: String| {
            RagError::backend(
                COMPONENT,
                format!(
                    "{}: the pgvector extension is not installed in this database ({why}); \
                     run `CREATE EXTENSION vector;` as a user allowed to (database owner or \
                     superuser), with pgvector installed on the server",
                    self.target
                ),
            )
        };
        if !self.options.create_extension {
            return Err(missing("create_extension is off".into()));
        }
        tx.batch_execute("CREATE EXTENSION IF NOT EXISTS vector")
            .await
            .map_err(|e| missing(sql::pg_message(&e)))
    }

    async fn client(&self) -> Result<deadpool_postgres::Client> {
        self.pool.get().await.map_err(|e| {
            RagError::backend(
                COMPONENT,
                format!(
                    "cannot connect to {}: {}",
                    self.target,
                    sql::pool_message(&e)
                ),
            )
        })
    }

    /// A server error during `op`.
    fn pg(&self, op: &str, e: &tokio_postgres::Error) -> RagError {
        RagError::backend(
            COMPONENT,
            format!(
                "{op} (table {}): {}",
                self.options.table,
                sql::pg_message(e)
            ),
        )
    }

    /// Checks a vector's length and values; normalises it for cosine.
    fn prepare_vector(&self, v: &[f32]) -> Result<Vec<f32>> {
        if v.len() != self.options.dims {
            return Err(RagError::Dimensions {
                expected: self.options.dims,
                got: v.len(),
            });
        }
        if v.iter().any(|x| !x.is_finite()) {
            return Err(RagError::invalid("vector with a NaN or infinite component"));
        }
        match self.options.metric {
            Metric::Cosine => {
                let norm = v.iter().map(|x| x * x).sum::<f32>().sqrt();
                if norm == 0.0 || !norm.is_finite() {
                    return Err(RagError::invalid(
                        "zero vector: cosine similarity is undefined for it",
                    ));
                }
                Ok(v.iter().map(|x| x / norm).collect())
            }
            Metric::Dot => Ok(v.to_vec()),
        }
    }

    /// The collection's embedder id, cached once set.
    async fn stored_embedder(&self, client: &deadpool_postgres::Client) -> Result<Option<String>> {
        if let Some(e) = self.embedder.get() {
            return Ok(Some(e.clone()));
        }
        let row = client
            .query_opt(
                &format!("SELECT embedder_id FROM {COLLECTIONS} WHERE name = $1"),
                &[&self.options.table],
            )
            .await
            .map_err(|e| self.pg("read collection", &e))?
            .ok_or_else(|| self.dropped())?;
        let e: Option<String> = row.try_get(0).map_err(|e| self.pg("read collection", &e))?;
        if let Some(e) = &e {
            let _ = self.embedder.set(e.clone());
        }
        Ok(e)
    }

    fn dropped(&self) -> RagError {
        RagError::backend(
            COMPONENT,
            format!(
                "collection {} has no row in {COLLECTIONS}: was it dropped? open it again",
                self.options.table
            ),
        )
    }

    /// Rows to insert, checked.
    fn rows(&self, doc_id: &str, chunks: Vec<(ChunkRecord, Vec<f32>)>) -> Result<Vec<RowIn>> {
        let mut ids = HashSet::with_capacity(chunks.len());
        let mut rows = Vec::with_capacity(chunks.len());
        for (c, v) in chunks {
            if c.doc_id != doc_id {
                return Err(RagError::invalid(format!(
                    "chunk {} belongs to document {}, not {doc_id}",
                    c.id, c.doc_id
                )));
            }
            if !ids.insert(c.id.clone()) {
                return Err(RagError::invalid(format!("chunk id {} given twice", c.id)));
            }
            let strings = [&c.id, &c.doc_version, &c.text];
            let acl_strings = c.acl.tenant.iter().chain(&c.acl.users).chain(&c.acl.roles);
            if strings
                .into_iter()
                .chain(acl_strings)
                .chain(&c.acl.groups)
                .any(|s| s.contains('\0'))
                || c.meta
                    .iter()
                    .any(|(k, v)| k.contains('\0') || sql::has_nul(v))
            {
                return Err(RagError::invalid(format!(
                    "chunk {}: PostgreSQL text cannot hold a NUL character",
                    c.id
                )));
            }
            let embedding = ::pgvector::Vector::from(self.prepare_vector(&v)?);
            let span = |x: usize| {
                i64::try_from(x)
                    .map_err(|_| RagError::invalid(format!("chunk {}: span too large", c.id)))
            };
            rows.push(RowIn {
                start: span(c.span.0)?,
                end: span(c.span.1)?,
                meta: serde_json::to_string(&c.meta)
                    .map_err(|e| RagError::invalid(format!("chunk {} metadata: {e}", c.id)))?,
                principals: c.acl.principals(),
                tenant: c.acl.tenant,
                id: c.id,
                doc_id: c.doc_id,
                version: c.doc_version,
                text: c.text,
                embedding,
            });
        }
        Ok(rows)
    }
}

/// One row to insert, owned so the parameters can borrow it.
struct RowIn {
    id: String,
    doc_id: String,
    version: String,
    text: String,
    start: i64,
    end: i64,
    meta: String,
    tenant: Option<String>,
    principals: Vec<String>,
    embedding: ::pgvector::Vector,
}

impl RowIn {
    fn params(&self) -> [&(dyn ToSql + Sync); 10] {
        [
            &self.id,
            &self.doc_id,
            &self.version,
            &self.text,
            &self.start,
            &self.end,
            &self.meta,
            &self.tenant,
            &self.principals,
            &self.embedding,
        ]
    }
}

fn dims_i32(dims: usize) -> Result<i32> {
    i32::try_from(dims).map_err(|_| RagError::invalid(format!("pgvector dims {dims}: too large")))
}

/// The collection holds `stored`-dimensional vectors; `given` must match.
fn check_dims(stored: i32, given: usize) -> Result<()> {
    if usize::try_from(stored).ok() == Some(given) {
        return Ok(());
    }
    Err(RagError::Dimensions {
        expected: usize::try_from(stored).unwrap_or(0),
        got: given,
    })
}

fn mismatch(expected: &str, got: &str) -> RagError {
    RagError::EmbedderMismatch {
        expected: expected.to_owned(),
        got: got.to_owned(),
    }
}

#[async_trait::async_trait]
impl VectorStore for PgVectorStore {
    fn name(&self) -> &str {
        "pgvector"
    }

    async fn embedder_id(&self) -> Result<Option<String>> {
        let client = self.client().await?;
        self.stored_embedder(&client).await
    }

    async fn replace_doc(
        &self,
        embedder_id: &str,
        doc_id: &str,
        chunks: Vec<(ChunkRecord, Vec<f32>)>,
    ) -> Result<()> {
        if let Some(e) = self.embedder.get().filter(|e| *e != embedder_id) {
            return Err(mismatch(e, embedder_id));
        }
        let writes = !chunks.is_empty();
        let rows = self.rows(doc_id, chunks)?;
        let table = &self.options.table;
        let mut client = self.client().await?;
        let tx = client
            .transaction()
            .await
            .map_err(|e| self.pg("begin", &e))?;
        // Writers of one document queue up, so the last one wins instead of failing on the
        // primary key; writers of other documents do not wait.
        tx.execute(
            "SELECT pg_advisory_xact_lock(hashtext($1), hashtext($2))",
            &[table, &doc_id],
        )
        .await
        .map_err(|e| self.pg("lock document", &e))?;
        if writes {
            // Tags the collection with its first writer's embedder; a no-op once tagged.
            tx.execute(
                &format!(
                    "UPDATE {COLLECTIONS} SET embedder_id = $2 \
                     WHERE name = $1 AND embedder_id IS NULL"
                ),
                &[table, &embedder_id],
            )
            .await
            .map_err(|e| self.pg("tag embedder", &e))?;
        }
        let row = tx
            .query_opt(
                &format!("SELECT embedder_id FROM {COLLECTIONS} WHERE name = $1"),
                &[table],
            )
            .await
            .map_err(|e| self.pg("read collection", &e))?
            .ok_or_else(|| self.dropped())?;
        let stored: Option<String> = row.try_get(0).map_err(|e| self.pg("read collection", &e))?;
        if let Some(stored) = stored {
            if stored != embedder_id {
                return Err(mismatch(&stored, embedder_id));
            }
            let _ = self.embedder.set(stored);
        }
        tx.execute(
            &format!("DELETE FROM \"{table}\" WHERE doc_id = $1"),
            &[&doc_id],
        )
        .await
        .map_err(|e| self.pg("delete document", &e))?;
        for batch in rows.chunks(sql::INSERT_BATCH) {
            let params: Vec<&(dyn ToSql + Sync)> = batch.iter().flat_map(RowIn::params).collect();
            tx.execute(&sql::insert(table, batch.len()), &params)
                .await
                .map_err(|e| self.pg("insert chunks", &e))?;
        }
        tx.commit().await.map_err(|e| self.pg("commit", &e))
    }

    async fn delete_doc(&self, doc_id: &str) -> Result<usize> {
        let client = self.client().await?;
        let n = client
            .execute(
                &format!("DELETE FROM \"{}\" WHERE doc_id = $1", self.options.table),
                &[&doc_id],
            )
            .await
            .map_err(|e| self.pg("delete document", &e))?;
        Ok(usize::try_from(n).unwrap_or(usize::MAX))
    }

    async fn search(
        &self,
        embedder_id: &str,
        vector: &[f32],
        k: usize,
        filter: &Filter,
    ) -> Result<Vec<Scored>> {
        let query = ::pgvector::Vector::from(self.prepare_vector(vector)?);
        let mut client = self.client().await?;
        match self.stored_embedder(&client).await? {
            None => return Ok(Vec::new()), // nothing written yet
            Some(e) if e != embedder_id => return Err(mismatch(&e, embedder_id)),
            Some(_) => {}
        }
        if k == 0 {
            return Ok(Vec::new());
        }
        let limit = i64::try_from(k).unwrap_or(i64::MAX);
        let tenant = filter.scope.tenant.clone();
        let principals = scope_principals(&filter.scope);
        let conditions: Vec<(String, String)> = filter
            .meta
            .iter()
            .map(|(key, want)| (key.clone(), sql::wanted(want)))
            .collect();
        let mut params: Vec<&(dyn ToSql + Sync)> = vec![&query, &tenant, &principals, &limit];
        for (key, want) in &conditions {
            params.push(key);
            params.push(want);
        }
        let table = &self.options.table;
        let sql = sql::search(
            table,
            self.options.metric,
            tenant.is_none(),
            conditions.len(),
        );
        let tx = client
            .build_transaction()
            .read_only(true)
            .start()
            .await
            .map_err(|e| self.pg("begin", &e))?;
        let mut rows = Vec::new();
        if k <= EF_SEARCH_MAX as usize {
            // First pass: an index scan, HNSW with ef_search for k (or the tenant index when
            // the planner finds that cheaper), never a sequential scan of the whole table.
            let ef = self.options.ef_search_for(k).to_string();
            tx.execute(
                "SELECT set_config('hnsw.ef_search', $1, true), \
                 set_config('enable_seqscan', 'off', true)",
                &[&ef],
            )
            .await
            .map_err(|e| self.pg("set ef_search", &e))?;
            rows = tx
                .query(&sql, &params)
                .await
                .map_err(|e| self.pg("search", &e))?;
        }
        if rows.len() < k {
            // An HNSW scan yields at most ef_search candidates before the filter: with a
            // selective filter fewer than k may survive although more match. Second pass:
            // the same query, exact (no index scan; the tenant index may still narrow it).
            tracing::debug!(table = %table, k, got = rows.len(), "pgvector: exact scan");
            tx.execute(
                "SELECT set_config('enable_seqscan', 'on', true), \
                 set_config('enable_indexscan', 'off', true)",
                &[],
            )
            .await
            .map_err(|e| self.pg("set enable_indexscan", &e))?;
            rows = tx
                .query(&sql, &params)
                .await
                .map_err(|e| self.pg("search", &e))?;
        }
        tx.commit().await.map_err(|e| self.pg("commit", &e))?;
        rows.iter()
            .map(|row| sql::record(row, table).map(|(chunk, score)| Scored::new(chunk, score)))
            .collect()
    }

    async fn documents(&self) -> Result<Vec<DocState>> {
        let client = self.client().await?;
        let rows = client
            .query(
                &format!(
                    "SELECT doc_id, min(doc_version), count(*) FROM \"{}\" \
                     GROUP BY doc_id ORDER BY doc_id",
                    self.options.table
                ),
                &[],
            )
            .await
            .map_err(|e| self.pg("list documents", &e))?;
        rows.iter()
            .map(|row| {
                let n: i64 = row.try_get(2).map_err(|e| self.pg("list documents", &e))?;
                Ok(DocState {
                    doc_id: row.try_get(0).map_err(|e| self.pg("list documents", &e))?,
                    version: row.try_get(1).map_err(|e| self.pg("list documents", &e))?,
                    chunks: usize::try_from(n).unwrap_or(0),
                })
            })
            .collect()
    }

    async fn len(&self) -> Result<usize> {
        let client = self.client().await?;
        let row = client
            .query_one(
                &format!("SELECT count(*) FROM \"{}\"", self.options.table),
                &[],
            )
            .await
            .map_err(|e| self.pg("count", &e))?;
        let n: i64 = row.try_get(0).map_err(|e| self.pg("count", &e))?;
        Ok(usize::try_from(n).unwrap_or(0))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing)]
    use super::*;

    #[tokio::test]
    async fn bad_names_fail_before_any_connection() {
        // A pool that could never connect: validation must refuse first.
        let cfg: tokio_postgres::Config = "postgres://u@127.0.0.1:1/db".parse().unwrap();
        let pool = Pool::builder(Manager::new(cfg, NoTls)).build().unwrap();
        let err = PgVectorStore::open(
            pool,
            PgVectorOptions::new("x; drop table y", 4, Metric::Dot),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, RagError::Invalid(_)), "{err}");
    }

    #[tokio::test]
    async fn connection_errors_never_show_the_password() {
        // Port 1 on loopback refuses at once.
        let err = PgVectorStore::connect(
            "postgres://app:hunter2-secret@127.0.0.1:1/kb",
            PgVectorOptions::new("chunks", 4, Metric::Cosine),
        )
        .await
        .unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, RagError::Backend { .. }), "{msg}");
        assert!(msg.contains("postgres://app@127.0.0.1:1/kb"), "{msg}");
        assert!(!msg.contains("hunter2"), "{msg}");
        assert!(!format!("{err:?}").contains("hunter2"));
        let err = PgVectorStore::connect(
            "postgres://app:hunter2-secret@127.0.0.1:notaport/kb",
            PgVectorOptions::new("chunks", 4, Metric::Cosine),
        )
        .await
        .unwrap_err();
        assert!(matches!(err, RagError::Invalid(_)), "{err}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }
}
