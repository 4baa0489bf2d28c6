//! `PgVectorStore` against a real PostgreSQL with pgvector (`LLMOPS_TEST_PG_URL`, set by
//! `.ci/run`). Each test works in its own table (random suffix) and drops it.
#![cfg(feature = "pgvector")]
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::collections::{BTreeMap, BTreeSet};
use std::hash::{BuildHasher, RandomState};
use std::sync::Arc;

use llmops_core::{AccessScope, Caller};
use llmops_rag::{
    Acl, ChunkRecord, Filter, Metric, PgVectorOptions, PgVectorStore, RagError, VectorStore,
};
use serde_json::{Value, json};

const EMB: &str = "test-embedder@1";

fn pg_url() -> Option<String> {
    llmops_core::testing::backend("LLMOPS_TEST_PG_URL", "PostgreSQL with pgvector")
}

/// A fresh table name: `t_{what}_{random}`.
fn table(what: &str) -> String {
    let r = RandomState::new().hash_one(std::process::id());
    format!("t_{what}_{:012x}", r & 0xffff_ffff_ffff)
}

/// splitmix64: reproducible vectors without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f32 {
        (self.next() >> 40) as f32 / (1u64 << 24) as f32 * 2.0 - 1.0
    }
    fn vec(&mut self, dims: usize) -> Vec<f32> {
        (0..dims).map(|_| self.unit()).collect()
    }
    /// `base` plus noise of amplitude `eps`.
    fn near(&mut self, base: &[f32], eps: f32) -> Vec<f32> {
        base.iter().map(|x| x + eps * self.unit()).collect()
    }
}

fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn brute_score(metric: Metric, v: &[f32], q: &[f32]) -> f32 {
    match metric {
        Metric::Cosine => dot(v, q) / (dot(v, v).sqrt() * dot(q, q).sqrt()),
        _ => dot(v, q),
    }
}

fn rec(doc: &str, n: usize, version: &str, meta: Value, acl: Acl) -> ChunkRecord {
    let text = format!("chunk {n} of {doc} (it's \"quoted\"; -- not SQL)");
    let mut c = ChunkRecord::new(
        format!("{doc}#{n}"),
        doc,
        version,
        text.clone(),
        (n * 100, n * 100 + text.len()),
    );
    if let Value::Object(m) = meta {
        c.meta = m.into_iter().collect();
    }
    c.acl = acl;
    c
}

type Records = Vec<(ChunkRecord, Vec<f32>)>;

/// Searches `store` and checks the answer against brute force over `records`: the same ids
/// (the k best of those `filter` passes), the stored records unchanged, scores within 1e-4,
/// best first, nothing the filter rejects.
async fn check_search(
    store: &PgVectorStore,
    metric: Metric,
    records: &Records,
    q: &[f32],
    k: usize,
    filter: &Filter,
) -> Vec<String> {
    let got = store.search(EMB, q, k, filter).await.unwrap();
    let mut expected: Vec<(f32, &str)> = records
        .iter()
        .filter(|(c, _)| filter.matches(c))
        .map(|(c, v)| (brute_score(metric, v, q), c.id.as_str()))
        .collect();
    expected.sort_by(|a, b| b.0.total_cmp(&a.0));
    expected.truncate(k);
    let got_ids: BTreeSet<&str> = got.iter().map(|s| s.chunk.id.as_str()).collect();
    let want_ids: BTreeSet<&str> = expected.iter().map(|e| e.1).collect();
    assert_eq!(got_ids, want_ids, "filter {filter:?}, k {k}");
    assert_eq!(got.len(), expected.len());
    for pair in got.windows(2) {
        assert!(pair[0].score >= pair[1].score - 1e-6, "not best first");
    }
    for hit in &got {
        let (orig, v) = records.iter().find(|(c, _)| c.id == hit.chunk.id).unwrap();
        assert_eq!(&hit.chunk, orig, "stored record changed");
        assert!(filter.matches(&hit.chunk), "filter leak: {}", hit.chunk.id);
        let want = brute_score(metric, v, q);
        assert!(
            (hit.score - want).abs() < 1e-4,
            "{}: score {} vs brute force {want}",
            hit.chunk.id,
            hit.score
        );
    }
    got.iter().map(|s| s.chunk.id.clone()).collect()
}

async fn roundtrip(metric: Metric) {
    let Some(url) = pg_url() else { return };
    let dims = 16;
    let store = PgVectorStore::connect(&url, PgVectorOptions::new(table("rt"), dims, metric))
        .await
        .unwrap();
    assert_eq!(store.name(), "pgvector");
    assert_eq!(store.embedder_id().await.unwrap(), None);
    assert_eq!(store.len().await.unwrap(), 0);
    let mut rng = Rng(7);
    let mut records: Records = Vec::new();
    for d in 0..5 {
        let doc = format!("kb/doc{d}");
        let chunks: Records = (0..8)
            .map(|n| {
                let meta = json!({"lang": if n % 2 == 0 { "en" } else { "de" }, "n": n});
                (rec(&doc, n, "v1", meta, Acl::public()), rng.vec(dims))
            })
            .collect();
        store.replace_doc(EMB, &doc, chunks.clone()).await.unwrap();
        records.extend(chunks);
    }
    assert_eq!(store.embedder_id().await.unwrap().as_deref(), Some(EMB));
    assert_eq!(store.len().await.unwrap(), 40);
    let docs = store.documents().await.unwrap();
    assert_eq!(docs.len(), 5);
    assert!(docs.iter().all(|d| d.version == "v1" && d.chunks == 8));
    assert_eq!(docs[0].doc_id, "kb/doc0");
    for _ in 0..5 {
        let q = rng.vec(dims);
        check_search(&store, metric, &records, &q, 10, &Filter::default()).await;
        check_search(&store, metric, &records, &q, 100, &Filter::default()).await;
        let en = Filter::default().with("lang", "en");
        check_search(&store, metric, &records, &q, 5, &en).await;
    }

    // A new version replaces the document as a whole.
    let doc0: Records = (0..3)
        .map(|n| {
            let acl = Acl::public();
            (
                rec("kb/doc0", n, "v2", json!({"lang": "fr"}), acl),
                rng.vec(dims),
            )
        })
        .collect();
    store
        .replace_doc(EMB, "kb/doc0", doc0.clone())
        .await
        .unwrap();
    records.retain(|(c, _)| c.doc_id != "kb/doc0");
    records.extend(doc0);
    assert_eq!(store.len().await.unwrap(), 35);
    let docs = store.documents().await.unwrap();
    assert_eq!((docs[0].version.as_str(), docs[0].chunks), ("v2", 3));
    let q = rng.vec(dims);
    let ids = check_search(&store, metric, &records, &q, 35, &Filter::default()).await;
    assert!(!ids.contains(&"kb/doc0#5".to_string()));

    assert_eq!(store.delete_doc("kb/doc1").await.unwrap(), 8);
    assert_eq!(store.delete_doc("kb/doc1").await.unwrap(), 0);
    records.retain(|(c, _)| c.doc_id != "kb/doc1");
    store.replace_doc(EMB, "kb/doc2", Vec::new()).await.unwrap();
    records.retain(|(c, _)| c.doc_id != "kb/doc2");
    assert_eq!(store.len().await.unwrap(), 19);
    check_search(&store, metric, &records, &q, 19, &Filter::default()).await;
    assert!(
        store
            .search(EMB, &q, 0, &Filter::default())
            .await
            .unwrap()
            .is_empty()
    );
    store.drop_collection().await.unwrap();
}

#[tokio::test]
async fn backend_pgvector_roundtrip_cosine() {
    roundtrip(Metric::Cosine).await;
}

#[tokio::test]
async fn backend_pgvector_roundtrip_dot() {
    roundtrip(Metric::Dot).await;
}

#[tokio::test]
async fn backend_pgvector_refuses_other_embedder_and_dims() {
    let Some(url) = pg_url() else { return };
    let name = table("guard");
    let store = PgVectorStore::connect(&url, PgVectorOptions::new(&name, 4, Metric::Cosine))
        .await
        .unwrap();
    let q = [1.0, 0.0, 0.0, 0.0];
    // Nothing written yet: a search finds nothing, whatever the embedder.
    assert!(
        store
            .search("any", &q, 3, &Filter::default())
            .await
            .unwrap()
            .is_empty()
    );
    let one = |doc: &str, v: Vec<f32>| vec![(rec(doc, 0, "v1", json!({}), Acl::public()), v)];
    store
        .replace_doc(EMB, "a", one("a", vec![1.0, 0.0, 0.0, 0.0]))
        .await
        .unwrap();

    let err = store
        .replace_doc("other@2", "b", one("b", vec![0.0, 1.0, 0.0, 0.0]))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, RagError::EmbedderMismatch { expected, got } if expected == EMB && got == "other@2"),
        "{err}"
    );
    let err = store
        .search("other@2", &q, 3, &Filter::default())
        .await
        .unwrap_err();
    assert!(matches!(err, RagError::EmbedderMismatch { .. }), "{err}");
    let err = store
        .replace_doc(EMB, "b", one("b", vec![1.0; 5]))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            RagError::Dimensions {
                expected: 4,
                got: 5
            }
        ),
        "{err}"
    );
    let err = store
        .search(EMB, &[1.0; 3], 3, &Filter::default())
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            RagError::Dimensions {
                expected: 4,
                got: 3
            }
        ),
        "{err}"
    );
    let err = store
        .replace_doc(EMB, "b", one("b", vec![0.0; 4]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, RagError::Invalid(_)),
        "zero vector under cosine: {err}"
    );
    let err = store
        .replace_doc(EMB, "b", one("c", vec![1.0; 4]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, RagError::Invalid(_)),
        "chunk of another document: {err}"
    );
    // A refused write leaves the store as it was.
    assert_eq!(store.len().await.unwrap(), 1);
    assert_eq!(store.documents().await.unwrap().len(), 1);

    // Reopening with other dimensions or another metric is refused; so is a bad name.
    let err = PgVectorStore::connect(&url, PgVectorOptions::new(&name, 8, Metric::Cosine))
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            RagError::Dimensions {
                expected: 4,
                got: 8
            }
        ),
        "{err}"
    );
    let err = PgVectorStore::connect(&url, PgVectorOptions::new(&name, 4, Metric::Dot))
        .await
        .unwrap_err();
    assert!(matches!(err, RagError::Invalid(_)), "{err}");
    let err = PgVectorStore::connect(&url, PgVectorOptions::new("x\"; drop", 4, Metric::Dot))
        .await
        .unwrap_err();
    assert!(matches!(err, RagError::Invalid(_)), "{err}");
    store.drop_collection().await.unwrap();
}

#[tokio::test]
async fn backend_pgvector_permission_filters() {
    let Some(url) = pg_url() else { return };
    let dims = 8;
    let store = PgVectorStore::connect(
        &url,
        PgVectorOptions::new(table("acl"), dims, Metric::Cosine),
    )
    .await
    .unwrap();
    let mut rng = Rng(11);
    let q = rng.vec(dims);
    let labels = [
        ("public", Acl::public(), false),
        ("public-alice", Acl::public().user("alice"), true),
        ("acme", Acl::tenant("acme"), false),
        ("acme-alice", Acl::tenant("acme").user("alice"), true),
        ("acme-support", Acl::tenant("acme").role("support"), true),
        ("acme-eng", Acl::tenant("acme").group("eng"), true),
        (
            "acme-multi",
            Acl::tenant("acme").user("bob").role("admin").group("ops"),
            true,
        ),
        ("globex", Acl::tenant("globex"), false),
        ("globex-alice", Acl::tenant("globex").user("alice"), true),
    ];
    let mut records: Records = Vec::new();
    for (doc, acl, restricted) in labels {
        let chunks: Records = (0..3)
            .map(|n| {
                // Restricted chunks are the nearest to the query: a leak would rank first.
                let v = if restricted {
                    rng.near(&q, 0.01)
                } else {
                    rng.vec(dims)
                };
                (rec(doc, n, "v1", json!({}), acl.clone()), v)
            })
            .collect();
        store.replace_doc(EMB, doc, chunks.clone()).await.unwrap();
        records.extend(chunks);
    }
    let scopes: Vec<AccessScope> = vec![
        AccessScope::default(),
        Caller::default().user("alice").scope(),
        Caller::default().tenant("acme").scope(),
        Caller::default().tenant("acme").user("alice").scope(),
        Caller::default().tenant("acme").role("support").scope(),
        Caller::default().tenant("acme").group("eng").scope(),
        Caller::default().tenant("acme").user("bob").scope(),
        Caller::default()
            .tenant("acme")
            .role("admin")
            .group("eng")
            .scope(),
        // Names are typed: a user called `support` does not hold the role `support`.
        Caller::default().tenant("acme").user("support").scope(),
        Caller::default().tenant("acme").group("support").scope(),
        Caller::default().tenant("globex").user("alice").scope(),
        Caller::default().tenant("initech").user("alice").scope(),
    ];
    for scope in &scopes {
        let f = Filter::scope(scope);
        check_search(&store, Metric::Cosine, &records, &q, 3, &f).await;
        let all = check_search(&store, Metric::Cosine, &records, &q, 100, &f).await;
        let readable = records.iter().filter(|(c, _)| c.acl.allows(scope)).count();
        assert_eq!(all.len(), readable, "{scope:?}");
    }
    // The nearest chunks belong to acme's support role: only its holders get them first.
    let support = Filter::scope(&Caller::default().tenant("acme").role("support").scope());
    let top = store.search(EMB, &q, 1, &support).await.unwrap();
    assert!(
        top[0].chunk.doc_id == "acme-support",
        "{:?}",
        top[0].chunk.id
    );
    let tenant_only = Filter::scope(&Caller::default().tenant("acme").scope());
    let top = store.search(EMB, &q, 3, &tenant_only).await.unwrap();
    assert!(top.iter().all(|s| s.chunk.doc_id == "acme"));
    store.drop_collection().await.unwrap();
}

#[tokio::test]
async fn backend_pgvector_metadata_filters_match_rust() {
    let Some(url) = pg_url() else { return };
    let dims = 8;
    let store =
        PgVectorStore::connect(&url, PgVectorOptions::new(table("meta"), dims, Metric::Dot))
            .await
            .unwrap();
    let metas = [
        json!({"lang": "en", "tags": ["billing", "refund"], "year": 2024, "score": 1.0,
               "obj": {"a": 1, "b": [1, 2]}, "flag": true, "none": null}),
        json!({"lang": "de", "tags": ["shipping"], "year": 2023, "score": 1}),
        json!({"lang": "en", "tags": [], "year": "2024"}),
        json!({"tags": "billing"}),
        json!({"lang": ["en", "fr"]}),
        json!({"obj": {"a": 1}}),
        json!({"tags": [["nested"], "x"]}),
        json!({}),
        json!({"lang": "EN", "n": 1.5, "big": 12_345_678_901_234_567_890u64}),
        json!({"we'ird \"key": "'; DROP TABLE x; --", "lang": "en"}),
        json!({"flag": false, "none": "null"}),
    ];
    let mut rng = Rng(5);
    let mut records: Records = Vec::new();
    for (i, meta) in metas.iter().enumerate() {
        let doc = format!("m{i}");
        let chunks: Records = (0..2)
            .map(|n| {
                (
                    rec(&doc, n, "v1", meta.clone(), Acl::public()),
                    rng.vec(dims),
                )
            })
            .collect();
        store.replace_doc(EMB, &doc, chunks.clone()).await.unwrap();
        records.extend(chunks);
    }
    let conditions: Vec<Vec<(&str, Value)>> = vec![
        vec![("lang", json!("en"))],
        vec![("lang", json!("de"))],
        vec![("lang", json!(["de", "en"]))],
        vec![("lang", json!([]))],
        vec![("lang", json!("fr"))],
        vec![("tags", json!("refund"))],
        vec![("tags", json!(["x", "billing"]))],
        vec![("tags", json!("billing"))],
        vec![("tags", json!("shipping"))],
        vec![("tags", json!(["nested"]))],
        vec![("tags", json!([["nested"]]))],
        vec![("year", json!(2024))],
        vec![("year", json!("2024"))],
        vec![("score", json!(1))],
        vec![("score", json!(1.0))],
        vec![("obj", json!({"a": 1}))],
        vec![("obj", json!({"b": [1, 2], "a": 1}))],
        vec![("flag", json!(true))],
        vec![("flag", json!(false))],
        vec![("none", Value::Null)],
        vec![("none", json!("null"))],
        vec![("missing", json!("en"))],
        vec![("n", json!(1.5))],
        vec![("big", json!(12_345_678_901_234_567_890u64))],
        vec![("we'ird \"key", json!("'; DROP TABLE x; --"))],
        vec![("lang", json!("en")), ("tags", json!("billing"))],
        vec![("lang", json!(["en", "de"])), ("year", json!([2023, 2024]))],
    ];
    let q = rng.vec(dims);
    for conds in conditions {
        let mut f = Filter::default();
        for (k, v) in conds {
            f = f.with(k, v);
        }
        let ids = check_search(&store, Metric::Dot, &records, &q, records.len(), &f).await;
        let want = records.iter().filter(|(c, _)| f.matches(c)).count();
        assert_eq!(ids.len(), want, "{f:?}");
    }
    assert_eq!(
        store.len().await.unwrap(),
        records.len(),
        "no condition is SQL"
    );
    store.drop_collection().await.unwrap();
}

#[tokio::test]
async fn backend_pgvector_selective_filter_still_returns_k() {
    let Some(url) = pg_url() else { return };
    let dims = 32;
    let name = table("sel");
    // ef_search 10 for k = 10: the HNSW scan sees 10 candidates before filtering.
    let options = PgVectorOptions::new(&name, dims, Metric::Cosine).ef_search(10, 1);
    let store = PgVectorStore::connect(&url, options).await.unwrap();
    let mut rng = Rng(3);
    let q = rng.vec(dims);
    let away: Vec<f32> = q.iter().map(|x| -x).collect();
    let mut records: Records = Vec::new();
    for d in 0..20 {
        let doc = format!("bulk{d}");
        let chunks: Records = (0..100)
            .map(|n| {
                (
                    rec(&doc, n, "v1", json!({"rare": false}), Acl::public()),
                    rng.vec(dims),
                )
            })
            .collect();
        store.replace_doc(EMB, &doc, chunks.clone()).await.unwrap();
        records.extend(chunks);
    }
    // 15 rare chunks and 12 of a small tenant, all far from the query.
    let rare: Records = (0..15)
        .map(|n| {
            (
                rec("rare", n, "v1", json!({"rare": true}), Acl::public()),
                rng.near(&away, 0.3),
            )
        })
        .collect();
    let tiny: Records = (0..12)
        .map(|n| {
            (
                rec("tiny", n, "v1", json!({}), Acl::tenant("tiny")),
                rng.near(&away, 0.3),
            )
        })
        .collect();
    store.replace_doc(EMB, "rare", rare.clone()).await.unwrap();
    store.replace_doc(EMB, "tiny", tiny.clone()).await.unwrap();
    records.extend(rare);
    records.extend(tiny);

    // Statistics as autovacuum would gather them, so the planner picks the HNSW index.
    let mut client = store.pool().get().await.unwrap();
    client
        .batch_execute(&format!("ANALYZE \"{name}\""))
        .await
        .unwrap();
    // The hazard: pgvector 0.6's HNSW scan alone returns fewer than k filtered rows.
    let tx = client.transaction().await.unwrap();
    tx.batch_execute("SET LOCAL enable_seqscan = off; SET LOCAL hnsw.ef_search = 10")
        .await
        .unwrap();
    let sql = format!(
        "SELECT id FROM \"{name}\" WHERE meta @> '{{\"rare\": true}}' \
         ORDER BY embedding <=> $1 LIMIT 10"
    );
    let hnsw_only = tx
        .query(&sql, &[&pgvector::Vector::from(q.clone())])
        .await
        .unwrap();
    assert!(hnsw_only.len() < 10, "HNSW alone found {}", hnsw_only.len());
    tx.rollback().await.unwrap();
    drop(client);

    let rare_f = Filter::default().with("rare", true);
    let ids = check_search(&store, Metric::Cosine, &records, &q, 10, &rare_f).await;
    assert_eq!(ids.len(), 10);
    let ids = check_search(&store, Metric::Cosine, &records, &q, 20, &rare_f).await;
    assert_eq!(ids.len(), 15, "every rare chunk when fewer than k match");
    let tiny_f = Filter::scope(&Caller::default().tenant("tiny").scope());
    let ids = check_search(&store, Metric::Cosine, &records, &q, 10, &tiny_f).await;
    assert_eq!(ids.len(), 10);
    let got = store.search(EMB, &q, 10, &Filter::default()).await.unwrap();
    assert_eq!(got.len(), 10);
    assert!(
        got.iter()
            .all(|s| s.chunk.meta.get("rare") == Some(&json!(false)))
    );
    store.drop_collection().await.unwrap();
}

#[tokio::test]
async fn backend_pgvector_reopen_existing_table() {
    let Some(url) = pg_url() else { return };
    let options = PgVectorOptions::new(table("reopen"), 8, Metric::Dot).hnsw(8, 32);
    let mut rng = Rng(13);
    let first = PgVectorStore::connect(&url, options.clone()).await.unwrap();
    let mut records: Records = Vec::new();
    for d in 0..3 {
        let doc = format!("d{d}");
        let chunks: Records = (0..4)
            .map(|n| {
                (
                    rec(&doc, n, "v7", json!({"d": d}), Acl::tenant("acme")),
                    rng.vec(8),
                )
            })
            .collect();
        first.replace_doc(EMB, &doc, chunks.clone()).await.unwrap();
        records.extend(chunks);
    }
    let docs = first.documents().await.unwrap();
    drop(first);

    // Several processes opening the same collection at once: all succeed, none recreates it.
    let opens = (0..4).map(|_| {
        let (url, options) = (url.clone(), options.clone());
        tokio::spawn(async move { PgVectorStore::connect(&url, options).await })
    });
    for handle in opens.collect::<Vec<_>>() {
        let store = handle.await.unwrap().unwrap();
        assert_eq!(store.len().await.unwrap(), 12);
    }
    // A missing index is recreated on open.
    let hnsw = format!("{}_embedding_hnsw", options.table);
    let index_exists = |store: &PgVectorStore| {
        let (pool, hnsw) = (store.pool().clone(), hnsw.clone());
        async move {
            let client = pool.get().await.unwrap();
            let row = client
                .query_one("SELECT to_regclass($1) IS NOT NULL", &[&hnsw])
                .await
                .unwrap();
            row.get::<_, bool>(0)
        }
    };
    let probe = PgVectorStore::connect(&url, options.clone()).await.unwrap();
    assert!(index_exists(&probe).await);
    let client = probe.pool().get().await.unwrap();
    client
        .batch_execute(&format!("DROP INDEX \"{hnsw}\""))
        .await
        .unwrap();
    drop(client);
    assert!(!index_exists(&probe).await);
    let again = PgVectorStore::connect(&url, options.clone()).await.unwrap();
    assert!(index_exists(&again).await);
    assert_eq!(again.embedder_id().await.unwrap().as_deref(), Some(EMB));
    assert_eq!(again.documents().await.unwrap(), docs);
    let scope = Filter::scope(&Caller::default().tenant("acme").scope());
    check_search(&again, Metric::Dot, &records, &rng.vec(8), 5, &scope).await;

    // Through the caller's pool: same collection; Debug shows where, never a password.
    let through_pool = PgVectorStore::open(again.pool().clone(), options)
        .await
        .unwrap();
    assert_eq!(through_pool.len().await.unwrap(), 12);
    let debug = format!("{through_pool:?}");
    assert!(
        debug.contains("PgVectorStore") && debug.contains("reopen"),
        "{debug}"
    );
    through_pool.drop_collection().await.unwrap();

    // The table is gone: a typed backend error with the server's message.
    let err = again.len().await.unwrap_err();
    assert!(
        matches!(&err, RagError::Backend { component, message }
            if component == "pgvector" && message.contains("does not exist")),
        "{err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backend_pgvector_concurrent_searches_through_the_pool() {
    let Some(url) = pg_url() else { return };
    let dims = 16;
    let options = PgVectorOptions::new(table("conc"), dims, Metric::Cosine).pool_size(3);
    let store = Arc::new(PgVectorStore::connect(&url, options).await.unwrap());
    let mut rng = Rng(17);
    let docs: Vec<(String, Records)> = (0..8)
        .map(|d| {
            let doc = format!("c{d}");
            let acl = if d % 2 == 0 {
                Acl::public()
            } else {
                Acl::public().group("staff")
            };
            let chunks = (0..10)
                .map(|n| {
                    (
                        rec(&doc, n, "v1", json!({"d": d}), acl.clone()),
                        rng.vec(dims),
                    )
                })
                .collect();
            (doc, chunks)
        })
        .collect();
    // Concurrent writers of different documents.
    let writes: Vec<_> = docs
        .iter()
        .map(|(doc, chunks)| {
            let (store, doc, chunks) = (store.clone(), doc.clone(), chunks.clone());
            tokio::spawn(async move { store.replace_doc(EMB, &doc, chunks).await })
        })
        .collect();
    for w in writes {
        w.await.unwrap().unwrap();
    }
    let records: Records = docs.into_iter().flat_map(|(_, c)| c).collect();
    assert_eq!(store.len().await.unwrap(), 80);

    let queries: Vec<(Vec<f32>, Filter)> = (0..24)
        .map(|i| {
            let f = if i % 3 == 0 {
                Filter::scope(&Caller::default().group("staff").scope())
            } else {
                Filter::default().with("d", json!([1, 2, 4]))
            };
            (rng.vec(dims), f)
        })
        .collect();
    let mut sequential = Vec::new();
    for (q, f) in &queries {
        sequential.push(check_search(&store, Metric::Cosine, &records, q, 5, f).await);
    }
    let parallel: Vec<_> = queries
        .iter()
        .cloned()
        .map(|(q, f)| {
            let store = store.clone();
            tokio::spawn(async move { store.search(EMB, &q, 5, &f).await })
        })
        .collect();
    for (handle, want) in parallel.into_iter().zip(&sequential) {
        let got: Vec<String> = handle
            .await
            .unwrap()
            .unwrap()
            .into_iter()
            .map(|s| s.chunk.id)
            .collect();
        assert_eq!(&got, want);
    }

    // Concurrent writers of one document: each replace is atomic, the last one wins.
    let versions: Vec<_> = (0..4)
        .map(|v| {
            let store = store.clone();
            let chunks: Records = (0..(3 + v))
                .map(|n| {
                    (
                        rec("same", n, &format!("v{v}"), json!({}), Acl::public()),
                        vec![1.0; dims],
                    )
                })
                .collect();
            tokio::spawn(async move { store.replace_doc(EMB, "same", chunks).await })
        })
        .collect();
    for v in versions {
        v.await.unwrap().unwrap();
    }
    let same = store.documents().await.unwrap();
    let same = same.iter().find(|d| d.doc_id == "same").unwrap();
    let v: usize = same.version.trim_start_matches('v').parse().unwrap();
    assert_eq!(same.chunks, 3 + v, "chunks of one version only");
    let all = store
        .search(EMB, &[1.0; 16], 100, &Filter::default())
        .await
        .unwrap();
    let versions: BTreeMap<String, usize> =
        all.iter()
            .filter(|s| s.chunk.doc_id == "same")
            .fold(BTreeMap::new(), |mut m, s| {
                *m.entry(s.chunk.doc_version.clone()).or_default() += 1;
                m
            });
    assert_eq!(versions.len(), 1, "{versions:?}");
    Arc::try_unwrap(store)
        .unwrap()
        .drop_collection()
        .await
        .unwrap();
}
