//! Collection operations: versions, deletes, permissions inside every search, embedder ids,
//! persistence, freshness and incremental refresh, and the pipeline's retrieval stage.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use llmops_core::{
    AccessScope, Caller, ChatRequest, Client, Embedder, HashingEmbedder, MemoryObserver, Query,
    Retriever, ScriptedProvider, Tiktoken, async_trait,
};
use llmops_rag::chunk::{RecursiveChunker, WholeChunker};
use llmops_rag::index::HnswParams;
use llmops_rag::{
    Acl, Collection, CollectionBuilder, Document, Fusion, IndexKind, LoadOptions, RagError,
    Reranker, RetrievalLayer, Scored, Upserted,
};

/// Counts the texts it embeds.
struct Counting {
    inner: HashingEmbedder,
    texts: AtomicUsize,
}

impl Counting {
    fn new() -> Arc<Self> {
        Arc::new(Counting {
            inner: HashingEmbedder::new(256),
            texts: AtomicUsize::new(0),
        })
    }
    fn texts(&self) -> usize {
        self.texts.load(Ordering::SeqCst)
    }
}

#[async_trait]
impl Embedder for Counting {
    fn id(&self) -> &str {
        self.inner.id()
    }
    fn dims(&self) -> usize {
        self.inner.dims()
    }
    async fn embed(&self, texts: &[&str]) -> llmops_core::Result<Vec<Vec<f32>>> {
        self.texts.fetch_add(texts.len(), Ordering::SeqCst);
        self.inner.embed(texts).await
    }
}

fn builder(e: Arc<dyn Embedder>) -> CollectionBuilder {
    Collection::builder()
        .chunker(RecursiveChunker::new(200, 0).unwrap())
        .embedder(e)
}

fn corpus() -> Vec<Document> {
    vec![
        Document::new(
            "refunds",
            "Annual plans can be refunded within thirty days of purchase.",
        )
        .meta("topic", "billing"),
        Document::new(
            "invoices",
            "Invoices are emailed on the first day of each month.",
        )
        .meta("topic", "billing"),
        Document::new("sso", "Single sign-on with SAML needs the Business plan.")
            .meta("topic", "security"),
        Document::new(
            "refund-runbook",
            "Refund exceptions: agents approve refunds up to five hundred dollars.",
        )
        .acl(Acl::public().role("support-agent")),
        Document::new(
            "globex-refunds",
            "Globex refunds are handled by their account team.",
        )
        .acl(Acl::tenant("globex")),
    ]
}

async fn kb(e: Arc<dyn Embedder>) -> Arc<Collection> {
    let kb = Arc::new(builder(e).build().unwrap());
    kb.upsert_all(corpus()).await.unwrap();
    kb
}

fn doc_ids(chunks: &[llmops_core::Chunk]) -> Vec<String> {
    chunks.iter().map(|c| c.doc_id.clone()).collect()
}

#[tokio::test]
async fn versions_skip_unchanged_and_replace_changed_documents() {
    let e = Counting::new();
    let kb = Arc::new(builder(e.clone()).build().unwrap());
    let doc = Document::new("a", "First version of the text.");
    assert_eq!(
        kb.upsert(doc.clone()).await.unwrap(),
        Upserted::Added { chunks: 1 }
    );
    let v1 = kb.document("a").unwrap().unwrap().version;
    assert_eq!(kb.upsert(doc.clone()).await.unwrap(), Upserted::Unchanged);
    assert_eq!(e.texts(), 1, "an unchanged document is not re-embedded");
    let changed = Document::new("a", "Second version, rewritten.");
    assert!(matches!(
        kb.upsert(changed).await.unwrap(),
        Upserted::Updated { .. }
    ));
    let v2 = kb.document("a").unwrap().unwrap().version;
    assert_ne!(v1, v2);
    let got = kb
        .lexical()
        .retrieve(&Query::new("first version", 5), &AccessScope::default())
        .await
        .unwrap();
    assert!(got.iter().all(|c| c.meta["doc_version"] == v2.as_str()));
    assert!(
        got.iter().all(|c| !c.text.contains("First")),
        "old chunks are gone"
    );
    // labels: same text with another label is a change
    let labelled = Document::new("a", "Second version, rewritten.").version("2024-06");
    kb.upsert(labelled).await.unwrap();
    assert_eq!(kb.document("a").unwrap().unwrap().version, "2024-06");
    assert!(kb.delete("a").await.unwrap());
    assert!(!kb.delete("a").await.unwrap());
    let none = kb
        .dense()
        .retrieve(&Query::new("version", 5), &AccessScope::default())
        .await
        .unwrap();
    assert!(none.is_empty());
    // duplicate ids and empty ids are refused whole
    let dup = kb
        .upsert_all(vec![Document::new("x", "one"), Document::new("x", "two")])
        .await;
    assert!(matches!(dup, Err(RagError::Invalid(_))));
    assert!(kb.document("x").unwrap().is_none());
    assert!(kb.upsert(Document::new(" ", "t")).await.is_err());
}

#[tokio::test]
async fn a_caller_never_gets_a_chunk_it_may_not_read() {
    let kb = kb(Counting::new()).await;
    let q = Query::new("refund exceptions approve refunds dollars", 10);
    let public = AccessScope::default();
    let agent = Caller::default().role("support-agent").scope();
    let globex = Caller::default().tenant("globex").scope();
    for r in [
        kb.lexical(),
        kb.dense(),
        kb.hybrid(Fusion::rrf()),
        kb.hybrid(Fusion::weighted(0.5)),
    ] {
        let p = doc_ids(&r.retrieve(&q, &public).await.unwrap());
        assert!(!p.contains(&"refund-runbook".into()), "{p:?}");
        assert!(!p.contains(&"globex-refunds".into()), "{p:?}");
        if r.name() != "bm25" {
            // (BM25 returns only chunks sharing a term with the query)
            assert_eq!(p.len(), 3, "k is filled with visible chunks: {p:?}");
        }
        let a = doc_ids(&r.retrieve(&q, &agent).await.unwrap());
        assert_eq!(a[0], "refund-runbook", "{a:?}");
        assert!(!a.contains(&"globex-refunds".into()));
        let g = doc_ids(&r.retrieve(&q, &globex).await.unwrap());
        assert_eq!(
            g,
            ["globex-refunds"],
            "a tenant sees only its own documents"
        );
    }
    // metadata filters apply inside the search too
    let billing = kb
        .hybrid(Fusion::rrf())
        .retrieve(&Query::new("plan", 10).filter("topic", "billing"), &public)
        .await
        .unwrap();
    assert!(!billing.is_empty());
    assert!(billing.iter().all(|c| c.meta["topic"] == "billing"));
}

#[tokio::test]
async fn vectors_of_another_embedder_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let kb = kb(Arc::new(HashingEmbedder::new(256))).await;
    kb.save(dir.path()).await.unwrap();
    let other = Collection::open(dir.path(), builder(Arc::new(HashingEmbedder::new(128))));
    assert!(matches!(other, Err(RagError::EmbedderMismatch { .. })));
    let rechunked = Collection::open(
        dir.path(),
        Collection::builder()
            .chunker(WholeChunker)
            .embedder(Arc::new(HashingEmbedder::new(256))),
    );
    assert!(matches!(rechunked, Err(RagError::Invalid(_))));
    let store = llmops_rag::MemoryStore::exact(2, Default::default()).unwrap();
    use llmops_rag::{ChunkRecord, VectorStore};
    let c = ChunkRecord::new("d#0", "d", "v", "t", (0, 1));
    store
        .replace_doc("model-a", "d", vec![(c.clone(), vec![1.0, 0.0])])
        .await
        .unwrap();
    let mixed = store
        .replace_doc(
            "model-b",
            "e",
            vec![(
                ChunkRecord::new("e#0", "e", "v", "t", (0, 1)),
                vec![0.0, 1.0],
            )],
        )
        .await;
    assert!(matches!(mixed, Err(RagError::EmbedderMismatch { .. })));
    let wrong_len = store
        .replace_doc("model-a", "d", vec![(c, vec![1.0])])
        .await;
    assert!(matches!(wrong_len, Err(RagError::Dimensions { .. })));
    assert_eq!(
        store.len().await.unwrap(),
        1,
        "a refused write changes nothing"
    );
}

#[tokio::test]
async fn saved_collections_reload_with_the_same_answers() {
    for kind in [IndexKind::Exact, IndexKind::Hnsw(HnswParams::default())] {
        let dir = tempfile::tempdir().unwrap();
        let e: Arc<dyn Embedder> = Arc::new(HashingEmbedder::new(256));
        let kb = Arc::new(
            builder(e.clone())
                .memory_index(kind.clone())
                .build()
                .unwrap(),
        );
        kb.upsert_all(corpus()).await.unwrap();
        kb.save(dir.path()).await.unwrap();
        let back = Arc::new(Collection::open(dir.path(), builder(e.clone())).unwrap());
        let agent = Caller::default().role("support-agent").scope();
        for q in ["refund thirty days", "saml business plan", "invoice email"] {
            let q = Query::new(q, 3);
            for (a, b) in [
                (kb.dense(), back.dense()),
                (kb.lexical(), back.lexical()),
                (kb.hybrid(Fusion::rrf()), back.hybrid(Fusion::rrf())),
            ] {
                assert_eq!(
                    a.retrieve(&q, &agent).await.unwrap(),
                    b.retrieve(&q, &agent).await.unwrap()
                );
            }
        }
        assert_eq!(kb.documents().unwrap(), back.documents().unwrap());
        // the reloaded collection keeps working: an unchanged upsert is still a no-op
        assert_eq!(
            back.upsert(corpus().remove(0)).await.unwrap(),
            Upserted::Unchanged
        );
    }
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("collection.json"), b"{not json").unwrap();
    assert!(matches!(
        Collection::open(dir.path(), Collection::builder()),
        Err(RagError::Persist { .. })
    ));
}

#[tokio::test]
async fn freshness_and_refresh_re_embed_only_what_changed() {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path();
    std::fs::write(p.join("a.md"), "# A\n\nAlpha text about refunds.").unwrap();
    std::fs::write(p.join("b.txt"), "Beta text about invoices.").unwrap();
    std::fs::write(
        p.join("c.jsonl"),
        "{\"id\": \"c1\", \"text\": \"Gamma one.\"}\n{\"id\": \"c2\", \"text\": \"Gamma two.\"}\n",
    )
    .unwrap();
    let e = Counting::new();
    let kb = Arc::new(builder(e.clone()).build().unwrap());
    let opts = LoadOptions::new();
    let r = kb.sync_dir(p, &opts).await.unwrap();
    assert_eq!(r.added.len(), 4);
    let embedded = e.texts();
    assert!(kb.freshness(None).unwrap().is_fresh());
    std::thread::sleep(std::time::Duration::from_millis(20));
    let stale = kb
        .freshness(Some(std::time::Duration::from_millis(1)))
        .unwrap();
    assert_eq!(stale.stale.len(), 4);

    // change one JSONL record, rewrite b.txt identically, delete a.md
    std::fs::write(
        p.join("c.jsonl"),
        "{\"id\": \"c1\", \"text\": \"Gamma one.\"}\n{\"id\": \"c2\", \"text\": \"Gamma two, changed.\"}\n",
    )
    .unwrap();
    std::fs::write(p.join("b.txt"), "Beta text about invoices.").unwrap();
    std::fs::remove_file(p.join("a.md")).unwrap();
    let f = kb.freshness(None).unwrap();
    assert_eq!(f.missing, ["a.md"]);
    let mut changed = f.changed.clone();
    changed.sort();
    assert_eq!(
        changed,
        ["c1", "c2"],
        "both records of the changed file are suspects"
    );
    let r = kb.refresh(&opts, None).await.unwrap();
    assert_eq!(r.updated, ["c2"]);
    assert_eq!(r.unchanged, 1, "c1 kept its vectors");
    assert_eq!(r.deleted, ["a.md"]);
    assert_eq!(
        e.texts() - embedded,
        1,
        "only the changed record was re-embedded"
    );
    assert!(kb.freshness(None).unwrap().is_fresh());

    // a new file and a vanished record through sync_dir
    std::fs::write(p.join("d.txt"), "Delta.").unwrap();
    std::fs::write(
        p.join("c.jsonl"),
        "{\"id\": \"c1\", \"text\": \"Gamma one.\"}\n",
    )
    .unwrap();
    let r = kb.sync_dir(p, &opts).await.unwrap();
    assert_eq!(r.added, ["d.txt"]);
    assert_eq!(r.deleted, ["c2"]);
    let ids: Vec<String> = kb
        .documents()
        .unwrap()
        .into_iter()
        .map(|d| d.doc_id)
        .collect();
    assert_eq!(ids, ["b.txt", "c1", "d.txt"]);
}

/// Reverses the first stage's order (to see that reranking applies).
struct Reverse;

#[async_trait]
impl Reranker for Reverse {
    fn name(&self) -> &str {
        "reverse"
    }
    async fn rerank(&self, _q: &str, mut c: Vec<Scored>) -> llmops_rag::Result<Vec<Scored>> {
        c.reverse();
        Ok(c)
    }
}

#[tokio::test]
async fn rerankers_and_mmr_reorder_the_final_list() {
    let kb = kb(Arc::new(HashingEmbedder::new(256))).await;
    let q = Query::new("refunds billing", 3);
    let s = AccessScope::default();
    let plain = doc_ids(&kb.lexical().candidates(3).retrieve(&q, &s).await.unwrap());
    let reversed = kb.lexical().candidates(3).rerank(Arc::new(Reverse));
    assert_eq!(reversed.name(), "bm25+reverse");
    let mut r = doc_ids(&reversed.retrieve(&q, &s).await.unwrap());
    r.reverse();
    assert_eq!(r, plain);
    let diverse = kb
        .hybrid(Fusion::rrf())
        .mmr(0.3)
        .retrieve(&q, &s)
        .await
        .unwrap();
    assert_eq!(diverse.len(), 3);
    assert!(matches!(
        kb.lexical().mmr(2.0).search(&q, &s).await,
        Err(RagError::Invalid(_))
    ));
}

#[tokio::test]
async fn the_retrieval_stage_records_what_the_model_saw() {
    let kb = kb(Arc::new(HashingEmbedder::new(256))).await;
    let provider = Arc::new(ScriptedProvider::new().repeat("Within thirty days [refunds#0]."));
    let records = MemoryObserver::new();
    let client = RetrievalLayer::new(
        kb.hybrid(Fusion::rrf()),
        Arc::new(Tiktoken::for_model("gpt-4o")),
    )
    .budget(1_000)
    .install(Client::builder())
    .provider(provider.clone())
    .observer(records.clone())
    .build()
    .unwrap();
    // without .retrieve() nothing happens
    client
        .chat(ChatRequest::new("scripted/m").user("hello"))
        .await
        .unwrap();
    assert!(records.records()[0].retrieved.is_empty());
    assert_eq!(provider.requests()[0].messages.len(), 1);

    let req = ChatRequest::new("scripted/m")
        .system("Answer from the help centre.")
        .user("earlier question")
        .assistant("earlier answer")
        .user("refund exceptions approve dollars")
        .retrieve(3);
    client.chat(req.clone()).await.unwrap();
    let sent = &provider.requests()[1];
    let last = sent.messages.last().unwrap().text();
    assert!(last.contains("<document id="), "{last}");
    assert!(last.ends_with("Question: refund exceptions approve dollars"));
    assert!(
        !last.contains("refund-runbook"),
        "the public caller cannot see the runbook"
    );
    let rec = &records.records()[1];
    assert_eq!(rec.retrieved.len(), 3);
    for c in &rec.retrieved {
        assert!(last.contains(&format!("<document id=\"{}\"", c.id)));
    }
    assert!(
        rec.annotations
            .contains_key(llmops_core::semconv::LLMOPS_RETRIEVAL)
    );

    // the caller's scope is the request's
    let agent = req.caller(Caller::default().role("support-agent"));
    client.chat(agent).await.unwrap();
    assert!(
        records.records()[2]
            .retrieved
            .iter()
            .any(|c| c.doc_id == "refund-runbook")
    );

    // a budget too small for the question is a typed error before any provider call
    let tiny = RetrievalLayer::new(kb.lexical(), Arc::new(Tiktoken::for_model("gpt-4o")))
        .budget(5)
        .install(Client::builder())
        .provider(ScriptedProvider::new().reply("x"))
        .build()
        .unwrap();
    let e = tiny
        .chat(
            ChatRequest::new("scripted/m")
                .user("refund policy please")
                .retrieve(2),
        )
        .await
        .unwrap_err();
    assert!(e.to_string().contains("budget"), "{e}");
}
