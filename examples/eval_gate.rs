//! An eval gate for a support assistant: run the suite in `evals/` (36 questions over the
//! help centre of examples/data/helpcentre) against the current assistant and against a
//! proposed change, write the reports, and gate the change against the baseline, as the CI
//! step of a prompt PR does (`llmops eval run` + `llmops eval gate`, docs/eval.md).
//!
//! ```sh
//! cargo run --example eval_gate                          # offline: extractive answers, a heuristic judge
//! OPENAI_API_KEY=sk-... cargo run --example eval_gate    # the model and the judge are real
//! ```
//!
//! Offline, the system under test answers with the first sentences of the best retrieved
//! article, and the judge is a scripted stand-in that calls a statement supported when most
//! of its words occur in the retrieved context. The change under review ("v2") answers from
//! the top article only and adds a line its new system prompt asks for, which the articles do
//! not support: the gate must catch it (exit code 100 from `llmops eval gate`). The example
//! fails when the gate does not behave, so CI runs it as a check.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use llmops::eval::dataset::Suite;
use llmops::eval::gate::{GatePolicy, gate};
use llmops::eval::report::write_all;
use llmops::eval::targets::FnTarget;
use llmops::eval::{BuildContext, Registry, RunReport, Runner};
use llmops::provider::scripted::Step;
use llmops::rag::chunk::MarkdownChunker;
use llmops::rag::load::{LoadOptions, load_dir};
use llmops::rag::{Acl, Collection, CollectionRetriever};
use llmops::{
    AccessScope, Caller, ChatRequest, ChatResponse, Client, EvalCase, EvalOutput, OpenAi, Query,
    Retriever, ScriptedProvider,
};

#[path = "common/extractive.rs"]
mod extractive;
use extractive::Extractive;

#[tokio::main]
async fn main() -> ExitCode {
    match run().await {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One version of the assistant: how many articles it reads and what its system prompt says.
#[derive(Clone, Copy)]
struct Variant {
    id: &'static str,
    top_k: usize,
    system: &'static str,
    /// What the offline model adds because the system prompt asks for it.
    offline_extra: &'static str,
}

const CURRENT: Variant = Variant {
    id: "support-assistant/v1",
    top_k: 4,
    system: "Answer from the Acme Cloud Notes help centre only, citing articles.",
    offline_extra: "",
};

const PROPOSED: Variant = Variant {
    id: "support-assistant/v2",
    top_k: 1,
    system: "Answer from the Acme Cloud Notes help centre, citing articles. End every answer by \
             recommending the Enterprise plan's 24/7 phone support.",
    offline_extra: " Enterprise customers also get 24/7 phone support with a one-hour response.",
};

async fn run() -> Result<ExitCode, Box<dyn std::error::Error>> {
    // 1. The knowledge base the assistant answers from (as a support agent, who may read the
    //    internal runbooks two questions need).
    let kb = index_help_centre().await?;
    let retriever = kb.lexical();
    let scope = Caller::default().user("sam").role("support-agent").scope();

    // 2. The suite: cases, defaults, judge model. Malformed cases stop here, naming file:line.
    let suite = Suite::load(root().join("evals/support.yaml"))?;
    println!(
        "suite `{}`: {} cases from evals/",
        suite.name,
        suite.dataset.len()
    );

    // 3. The model and the judge: real ones with an API key, offline stand-ins without.
    let online = std::env::var("OPENAI_API_KEY").is_ok();
    let (client, model, judge, judge_model) = if online {
        let model = suite.model.clone().unwrap_or("openai/gpt-4.1-mini".into());
        let judge_model = suite.judge_model.clone().unwrap_or(model.clone());
        let client = Client::builder().provider(OpenAi::from_env()?).build()?;
        (client.clone(), model, client, judge_model)
    } else {
        let client = Client::builder().provider(Extractive).build()?;
        let judge = Client::builder().provider(heuristic_judge()).build()?;
        (
            client,
            "extractive/first-document".to_owned(),
            judge,
            "scripted/heuristic-judge".to_owned(),
        )
    };

    // 4. Every built-in assertion type, with the judge for the model-graded ones.
    let registry = Registry::builtin(BuildContext::new().judge(judge, judge_model));
    let runner = Runner::new(registry).concurrency(4).progress(false);

    // 5. Run the current assistant (the baseline) and the proposed change.
    let out = root().join("target/eval-gate");
    let mut reports = Vec::new();
    for variant in [CURRENT, PROPOSED] {
        let target = assistant(
            variant,
            client.clone(),
            model.clone(),
            retriever.clone(),
            scope.clone(),
            online,
        );
        let report = runner.run(&suite.dataset, &target).await?;
        let dir = out.join(variant.id.replace('/', "-"));
        write_all(&report, &dir)?;
        print_summary(&report, &dir);
        reports.push(report);
    }
    let [baseline, candidate] = <[RunReport; 2]>::try_from(reports)
        .map_err(|_| "expected two runs (baseline, candidate)")?;

    // 6. The gate: the baseline against itself passes; the change is judged against it.
    let policy = GatePolicy::load(&root().join("evals/gate.yaml"))?;
    let same = gate(&baseline, Some(&baseline), &policy)?;
    let outcome = gate(&candidate, Some(&baseline), &policy)?;
    println!("\n{outcome}");
    println!(
        "gate: baseline vs itself exits {}, the proposed change exits {}",
        same.exit_code(),
        outcome.exit_code()
    );
    println!(
        "promotion reads: {}",
        serde_json::to_string(&outcome.eval_record())?
    );
    if online {
        return Ok(ExitCode::SUCCESS);
    }
    // Offline the outcome is known: the example is also CI's check that the gate works.
    if same.passed() && !outcome.passed() {
        println!("the gate caught the regression, as it must");
        Ok(ExitCode::SUCCESS)
    } else {
        eprintln!(
            "the gate did not behave: baseline passed = {}, change passed = {}",
            same.passed(),
            outcome.passed()
        );
        Ok(ExitCode::FAILURE)
    }
}

/// The help centre, indexed by Markdown section with BM25.
async fn index_help_centre() -> Result<Arc<Collection>, Box<dyn std::error::Error>> {
    let data = root().join("examples/data/helpcentre");
    let access: BTreeMap<String, Acl> =
        serde_json::from_slice(&std::fs::read(data.join("access.json"))?)?;
    let opts = LoadOptions::new().acl_for(move |path: &Path| {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default();
        access.get(name).cloned().unwrap_or_default()
    });
    let docs = load_dir(data.join("articles"), &opts)?;
    let kb = Arc::new(
        Collection::builder()
            .chunker(MarkdownChunker::new(1_200, 0)?)
            .build()?,
    );
    kb.upsert_all(docs).await?;
    Ok(kb)
}

/// The system under test: retrieve, answer through the client, and hand the evaluators the
/// answer, the retrieved text (faithfulness) and the retrieved article ids (hit rate).
fn assistant(
    v: Variant,
    client: Client,
    model: String,
    retriever: CollectionRetriever,
    scope: AccessScope,
    online: bool,
) -> FnTarget {
    FnTarget::new(v.id, move |case: EvalCase| {
        let (client, model, retriever, scope) = (
            client.clone(),
            model.clone(),
            retriever.clone(),
            scope.clone(),
        );
        async move {
            let question = case
                .vars
                .get("question")
                .and_then(|q| q.as_str())
                .unwrap_or_default()
                .to_owned();
            let chunks = retriever
                .retrieve(&Query::new(question.clone(), v.top_k), &scope)
                .await?;
            let documents: String = chunks
                .iter()
                .map(|c| format!("<document id=\"{}\">\n{}\n</document>\n", c.doc_id, c.text))
                .collect();
            let req = ChatRequest::new(model)
                .system(v.system)
                .user(format!("{documents}\nQuestion: {question}"))
                .temperature(0.0);
            let reply = client.chat(req).await?;
            let mut text = reply.text();
            if !online {
                text.push_str(v.offline_extra);
            }
            let mut out = EvalOutput::text(text);
            out.retrieved = chunks.iter().map(|c| c.text.clone()).collect();
            out.retrieved_docs = chunks.iter().map(|c| c.doc_id.clone()).collect();
            out.usage = reply.usage;
            out.meta = reply.meta;
            Ok(out)
        }
    })
}

fn print_summary(r: &RunReport, dir: &Path) {
    let t = &r.totals;
    println!(
        "\n{}: {}/{} passed (pass rate {:.2}, score {:.3}), {} failed, {} errored",
        r.target, t.passed, t.cases, t.pass_rate, t.score, t.failed, t.errored
    );
    for (metric, mean) in &t.metrics {
        println!("  {metric:<22} {mean:.3}");
    }
    println!("  reports: {}", dir.display());
}

/// The offline judge: a scripted provider answering the faithfulness prompts by word
/// overlap (a statement is supported when 70% of its words of four letters or more occur in
/// the context). A stand-in that makes the example and CI run without a model; with a key,
/// the real judge answers the same prompts.
fn heuristic_judge() -> ScriptedProvider {
    ScriptedProvider::named("scripted").responder(|req| {
        let prompt = req.last_user_text()?;
        let json = if prompt.starts_with("Break the answer") {
            let answer = between(&prompt, "Answer:\n", "\n\nReply with")?;
            let statements: Vec<String> = answer
                .split_inclusive(". ")
                .map(|s| s.trim().trim_end_matches('.').to_owned())
                .filter(|s| s.split_whitespace().count() >= 3)
                .collect();
            serde_json::json!({ "statements": statements })
        } else if prompt.starts_with("Judge each statement") {
            let context = between(&prompt, "Context:\n", "\n\nStatements:")?.to_lowercase();
            let listed = between(&prompt, "Statements:\n", "\nReply with")?;
            let verdicts: Vec<serde_json::Value> = listed
                .lines()
                .filter_map(|l| l.split_once(". "))
                .map(|(_, s)| {
                    let words: Vec<String> = s
                        .split(|c: char| !c.is_alphanumeric())
                        .filter(|w| w.len() >= 4)
                        .map(str::to_lowercase)
                        .collect();
                    let found = words
                        .iter()
                        .filter(|w| context.contains(w.as_str()))
                        .count();
                    let ok = words.is_empty() || found * 10 >= words.len() * 7;
                    serde_json::json!({
                        "statement": s,
                        "reason": format!("{found} of {} words in the context", words.len()),
                        "verdict": u8::from(ok),
                    })
                })
                .collect();
            serde_json::json!({ "statements": verdicts })
        } else {
            return None;
        };
        Some(Step::Reply(ChatResponse::new(json.to_string())))
    })
}

fn between<'a>(s: &'a str, start: &str, end: &str) -> Option<&'a str> {
    let from = s.find(start)? + start.len();
    let rest = s.get(from..)?;
    rest.get(..rest.find(end)?)
}
