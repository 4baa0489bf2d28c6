//! RAG end to end on the bundled help centre (examples/data/helpcentre): index 38 Markdown
//! articles with access labels, answer questions with citations through the pipeline's
//! retrieval stage, and score retrieval on the 36 labelled questions.
//!
//! ```sh
//! cargo run --example rag                 # offline: BM25, an extractive answerer
//! OPENAI_API_KEY=sk-... cargo run --example rag              # answers by a real model
//! # semantic (dense + hybrid) retrieval with the local ONNX model, see docs/rag.md:
//! ORT_DYLIB_PATH=... LLMOPS_EMBED_ONNX=... LLMOPS_EMBED_TOKENIZER_DIR=... cargo run --example rag --features fastembed
//! ```

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use llmops::rag::beir::BeirDataset;
use llmops::rag::chunk::MarkdownChunker;
use llmops::rag::context::citations;
use llmops::rag::eval::run_retriever;
use llmops::rag::load::{LoadOptions, load_dir};
use llmops::rag::metrics::{EvalOptions, MetricName, evaluate};
use llmops::rag::{Acl, Collection, CollectionRetriever, Fusion, RetrievalLayer};
use llmops::{
    AccessScope, Caller, ChatRequest, Client, Embedder, MemoryObserver, OpenAi, Tiktoken,
};

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/data/helpcentre")
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    // 1. Load the articles; access.json gives per-file labels (internal runbooks for support
    //    roles, one tenant's pages); everything else is public.
    let access: BTreeMap<String, Acl> =
        serde_json::from_slice(&std::fs::read(data_dir().join("access.json"))?)?;
    let opts = LoadOptions::new().acl_for(move |path: &Path| {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        access.get(name).cloned().unwrap_or_default()
    });
    let docs = load_dir(data_dir().join("articles"), &opts)?;

    // 2. Index: Markdown sections (heading path kept), BM25, and vectors when a local model
    //    is available.
    let mut builder = Collection::builder().chunker(MarkdownChunker::new(1_200, 0)?);
    let embedder = local_embedder();
    if let Some(e) = &embedder {
        builder = builder.embedder(e.clone());
    }
    let kb = Arc::new(builder.build()?);
    let report = kb.upsert_all(docs).await?;
    println!(
        "indexed {} articles into {} chunks ({} embedded)",
        report.added.len(),
        report.chunks,
        report.embedded
    );
    let retriever = match &embedder {
        Some(_) => kb.hybrid(Fusion::rrf()),
        None => kb.lexical(),
    };

    // 3. Answer through the pipeline: the retrieval stage retrieves with the caller's access
    //    scope and assembles the context under a token budget; the record keeps the chunk ids.
    let records = MemoryObserver::new();
    let counter = Arc::new(Tiktoken::for_model("gpt-4o"));
    let builder = RetrievalLayer::new(retriever.clone(), counter)
        .budget(2_000)
        .install(Client::builder())
        .observer(records.clone());
    let (builder, model) = if std::env::var("OPENAI_API_KEY").is_ok() {
        (builder.provider(OpenAi::from_env()?), "openai/gpt-4.1-mini")
    } else {
        (builder.provider(Extractive), "extractive/first-document")
    };
    let client = builder.build()?;
    let customer = Caller::default().user("dana");
    let agent = Caller::default().user("sam").role("support-agent");
    let questions = [
        (
            &customer,
            "customer",
            "How long do I have to ask for a refund on an annual plan?",
        ),
        (
            &customer,
            "customer",
            "my card got charged twice this month",
        ),
        (
            &customer,
            "customer",
            "What is the refund exception approval limit for agents?",
        ),
        (
            &agent,
            "agent",
            "What is the refund exception approval limit for agents?",
        ),
    ];
    for (caller, who, q) in questions {
        let req = ChatRequest::new(model)
            .system("Answer from the Acme Cloud Notes help centre only, citing articles.")
            .user(q)
            .caller(caller.clone())
            .retrieve(4);
        let reply = client.chat(req).await?;
        let seen = records
            .records()
            .last()
            .map(|r| r.retrieved.clone())
            .unwrap_or_default();
        println!("\n[{who}] {q}");
        println!("  answer: {}", reply.text());
        let cited: Vec<String> = citations(&reply.text(), &seen)
            .into_iter()
            .map(|c| c.chunk_id)
            .collect();
        println!("  cited:  {cited:?}");
        println!(
            "  model saw: {:?}",
            seen.iter().map(|c| c.id.as_str()).collect::<Vec<_>>()
        );
    }

    // 4. Retrieval quality on the labelled questions (as a support agent, who may read the
    //    internal runbooks two questions need).
    let labelled = BeirDataset::load(data_dir())?;
    let metrics = [
        MetricName::Ndcg(10),
        MetricName::Recall(10),
        MetricName::Mrr(10),
        MetricName::Hit(3),
    ];
    let scope = agent.scope();
    let mut candidates: Vec<(&str, CollectionRetriever)> = vec![("bm25", kb.lexical())];
    if embedder.is_some() {
        candidates.push(("dense", kb.dense()));
        candidates.push(("hybrid", kb.hybrid(Fusion::rrf())));
    }
    println!(
        "\nretrieval on {} labelled questions:",
        labelled.queries.len()
    );
    print!("{:<10}", "retriever");
    for m in &metrics {
        print!("{:>11}", m.to_string());
    }
    println!();
    for (name, r) in candidates {
        let run = run_retriever(&r, &labelled.queries, 10, &scope).await?;
        let rep = evaluate(&labelled.qrels, &run, &metrics, &EvalOptions::default())?;
        print!("{name:<10}");
        for m in &metrics {
            print!("{:>11.3}", rep.mean(*m).unwrap_or(0.0));
        }
        println!();
    }
    let public = run_retriever(
        &kb.lexical(),
        &labelled.queries,
        10,
        &AccessScope::default(),
    )
    .await?;
    let leaked = public
        .iter()
        .flat_map(|(_, ranking)| ranking.iter())
        .filter(|(doc, _)| doc.starts_with("internal-") || doc.starts_with("globex-"))
        .count();
    println!("restricted articles returned to a public caller: {leaked}");
    Ok(())
}

/// The local ONNX embedder when built with `--features fastembed` and configured.
#[cfg(feature = "fastembed")]
fn local_embedder() -> Option<Arc<dyn Embedder>> {
    use llmops::rag::embed::{CachedEmbedder, LocalEmbedder};
    match LocalEmbedder::from_env() {
        Ok(e) => Some(Arc::new(CachedEmbedder::new(e))),
        Err(e) => {
            eprintln!("no local embedder ({e}); BM25 only");
            None
        }
    }
}

/// Without the `fastembed` feature: BM25 only.
#[cfg(not(feature = "fastembed"))]
fn local_embedder() -> Option<Arc<dyn Embedder>> {
    None
}

#[path = "common/extractive.rs"]
mod extractive;
use extractive::Extractive;
