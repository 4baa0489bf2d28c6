//! Prompt deployment on embedded defaults: a versioned prompt directory, a request that
//! references `support-reply`, an eval-gated promotion, a 10% canary sticky per user that
//! reverts itself when it fails more, hot reload that survives a broken edit, one-step
//! rollback, and every label change in the history and the hash-chained audit trail.
//!
//! ```sh
//! cargo run --example prompt_rollout
//! ```
//!
//! It works on a copy of `examples/prompts/` in a temporary directory (the label changes,
//! the version lock and the history are written there); no API key, no server.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use llmops::prompts::{
    CanaryGuard, CanaryPolicy, LabelTarget, PromptError, PromptStore, WatchMode,
};
use llmops::provider::scripted::Step;
use llmops::trace::{AuditLog, audit};
use llmops::{ChatRequest, ChatResponse, Client, Error, EvalRecord, ScriptedProvider};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("prompts");
    copy_dir(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("examples/prompts")
            .as_path(),
        &dir,
    )?;
    let audit_path = tmp.path().join("audit.jsonl");
    let audit_log = AuditLog::open(&audit_path)?;

    // 1. The live registry: lock-free reads, atomic reloads, label changes audited.
    let store = PromptStore::builder(&dir)
        .audit(Arc::new(audit_log.clone()))
        .on_error(|e| println!("  ! reload refused, still serving the last good registry: {e}"))
        .open()?;
    let registry = store.registry();
    for name in registry.names() {
        let labels: Vec<String> = registry
            .labels(name)?
            .iter()
            .map(|(l, t)| format!("{l} -> {t}"))
            .collect();
        println!(
            "{name}: versions {:?}, labels: {}",
            registry.versions(name)?,
            labels.join(", ")
        );
    }

    // 2. A service asks for the prompt by name; the response says which version answered.
    // The scripted model answers per version; version 2 fails one call in four.
    let calls = Arc::new(std::sync::atomic::AtomicU64::new(0));
    let provider = ScriptedProvider::new().responder(move |req| {
        let v2 = req
            .messages
            .first()
            .is_some_and(|m| m.text().contains("two\nsentences"));
        let n = calls.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        Some(if v2 && n.is_multiple_of(4) {
            Step::Fail(Error::invalid("the model returned an empty answer"))
        } else if v2 {
            Step::Reply(ChatResponse::new("Shipped. It arrives tomorrow."))
        } else {
            Step::Reply(ChatResponse::new(
                "Thanks for asking! Your order has shipped and should arrive tomorrow.",
            ))
        })
    });
    let mut policy = CanaryPolicy::default();
    policy.min_requests = 30;
    let guard = Arc::new(
        CanaryGuard::new(store.clone(), "support-reply", "production", policy).on_revert(|r| {
            println!(
                "  ! canary guard: version {} reverted: {}",
                r.canary.version,
                r.reasons.join("; ")
            );
        }),
    );
    let client = Client::builder()
        .provider(provider)
        .prompts(store.clone())
        .observer_arc(guard.clone())
        .build()?;
    let ask = |user: &str| {
        ChatRequest::from_prompt("support-reply")
            .var("question", "Where is my order?")
            .var("customer", "Ada")
            .end_user(user)
    };
    let r = client.chat(ask("user-1")).await?;
    let used = r
        .meta
        .prompt
        .clone()
        .ok_or("no prompt version on the response")?;
    println!(
        "\nanswer: {:?}\n  from {}/{} ({}) via @{}",
        r.text(),
        used.name,
        used.version,
        &used.hash[..15],
        used.label.unwrap_or_default()
    );

    // Strict rendering: a missing variable is a typed error, nothing is sent.
    match client
        .chat(ChatRequest::from_prompt("support-reply").var("question", "?"))
        .await
    {
        Err(err @ Error::InvalidRequest(_)) => println!("missing variable: {err}"),
        other => return Err(format!("expected a render error, got {other:?}").into()),
    }

    // 3. Promotion is gated by the eval record of the version (what `llmops eval gate
    // --record` writes; here filed by hand).
    let low = EvalRecord::new(
        "support",
        "support-reply/2",
        0.71,
        0.7,
        36,
        Duration::from_secs(12),
    );
    match store
        .promote(
            "support-reply",
            "production",
            2,
            "grace",
            "shorter answers",
            Some((Some(&low), 0.8)),
        )
        .await
    {
        Err(PromptError::PromotionRefused { reason, .. }) => {
            println!("\npromotion refused: {reason}")
        }
        other => return Err(format!("expected a refusal, got {other:?}").into()),
    }

    // 4. Instead: a 10% canary, sticky per user, watched by the guard.
    store
        .start_canary(
            "support-reply",
            "production",
            2,
            10,
            "grace",
            "try shorter answers on 10%",
        )
        .await?;
    println!(
        "canary started: production -> {}",
        store
            .registry()
            .label_target("support-reply", "production")?
    );
    let mut first_seen = BTreeMap::new();
    let mut served = BTreeMap::<u32, u32>::new();
    for i in 0..2000 {
        let user = format!("user-{}", i % 500);
        if let Ok(r) = client.chat(ask(&user)).await
            && let Some(p) = r.meta.prompt
        {
            *served.entry(p.version).or_default() += 1;
            let first = *first_seen.entry(user.clone()).or_insert(p.version);
            if first != p.version
                && matches!(
                    store
                        .registry()
                        .label_target("support-reply", "production")?,
                    LabelTarget::Split { .. }
                )
            {
                return Err(format!("{user} switched versions during the canary").into());
            }
        }
        if store
            .registry()
            .label_target("support-reply", "production")?
            == LabelTarget::Version(1)
        {
            println!("  after {} requests: served per version {served:?}", i + 1);
            break;
        }
        tokio::task::yield_now().await;
    }
    tokio::time::sleep(Duration::from_millis(50)).await; // the revert is written on the runtime
    println!(
        "production -> {}",
        store
            .registry()
            .label_target("support-reply", "production")?
    );

    // 5. Hot reload: a new version lands in the directory (a git pull, a deploy) and is
    // served without a restart; a broken edit is refused and the last good registry serves.
    let watcher = store.watch(WatchMode::poll(Duration::from_millis(25)))?;
    std::fs::write(
        dir.join("support-reply/3.prompt"),
        std::fs::read_to_string(dir.join("support-reply/1.prompt"))?
            .replace("reason: first version", "reason: warmer greeting")
            .replace(
                "You are the support assistant",
                "You are the warm support assistant",
            ),
    )?;
    wait_for(&store, "support-reply@latest", 3).await?;
    println!("\nhot reload: support-reply@latest is now version 3, no restart");
    let labels = dir.join("support-reply/labels.yaml");
    let good = std::fs::read_to_string(&labels)?;
    std::fs::write(&labels, "production: 9\n")?;
    tokio::time::sleep(Duration::from_millis(200)).await;
    println!(
        "after a broken edit: production still serves version {}",
        store.resolve("support-reply")?.version
    );
    std::fs::write(&labels, good)?;
    drop(watcher);

    // 6. Promote version 3 (recorded), then take it back in one step.
    store
        .promote(
            "support-reply",
            "production",
            3,
            "ada",
            "warmer greeting",
            None,
        )
        .await?;
    let served = client
        .chat(ask("user-1"))
        .await?
        .meta
        .prompt
        .map_or(0, |p| p.version);
    println!("promoted: production serves version {served}");
    store
        .rollback("support-reply", "production", "ada", "warmth tested badly")
        .await?;
    println!(
        "rolled back: production -> {}",
        store
            .registry()
            .label_target("support-reply", "production")?
    );
    println!("\nhistory:");
    for h in store.registry().history("support-reply")? {
        let show = |t: &Option<LabelTarget>| t.as_ref().map_or("-".to_owned(), ToString::to_string);
        println!(
            "  {} {:<8} {:<10} {} -> {}  by {}: {}",
            h.at.format("%H:%M:%S"),
            h.action.as_str(),
            h.label,
            show(&h.from),
            show(&h.to),
            h.who,
            h.why
        );
    }
    let verified = audit::verify(&audit_path)?;
    println!(
        "\naudit trail: {} records, hash chain intact",
        verified.records
    );
    Ok(())
}

async fn wait_for(
    store: &PromptStore,
    reference: &str,
    version: u32,
) -> Result<(), Box<dyn std::error::Error>> {
    for _ in 0..200 {
        if store.resolve(reference)?.version == version {
            return Ok(());
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Err(format!("{reference} never became version {version}").into())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let target = to.join(e.file_name());
        if e.file_type()?.is_dir() {
            copy_dir(&e.path(), &target)?;
        } else {
            std::fs::copy(e.path(), target)?;
        }
    }
    Ok(())
}
