//! The prompt stage in the pipeline: `ChatRequest::prompt` resolved against a live
//! `PromptStore`, rendered strictly, sticky splits, parameters and tools, and the resolved
//! version on the response metadata and the exchange record.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use llmops_core::prompts::{PromptLayer, PromptStore, StickyKey};
use llmops_core::*;

/// `support` versions 1..=3 (text says which), `production: 1`.
fn prompt_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("support");
    std::fs::create_dir_all(&p).unwrap();
    for v in 1..=3 {
        std::fs::write(
            p.join(format!("{v}.prompt")),
            format!(
                "---\nmodel: scripted/from-prompt\nconfig: {{temperature: 0.{v}, maxOutputTokens: 100, top_k: 40}}\ninput:\n  schema:\n    question: string\n    tone?: string\n  default: {{tone: calm}}\ntools:\n  - name: lookup_order\n    description: Find an order\n    parameters: {{type: object, properties: {{id: {{type: string}}}}}}\n---\n{{{{role \"system\"}}}}\nv{v}: answer in a {{{{tone}}}} tone.\n{{{{role \"user\"}}}}\n{{{{question}}}}"
            ),
        )
        .unwrap();
    }
    std::fs::write(p.join("labels.yaml"), "production: 1\n").unwrap();
    dir
}

/// A client with the prompt stage whose provider records every request it gets.
fn client(store: PromptStore) -> (Client, MemoryObserver, Arc<Mutex<Vec<ChatRequest>>>) {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let s2 = Arc::clone(&seen);
    let provider = ScriptedProvider::new().responder(move |req| {
        s2.lock().unwrap().push(req.clone());
        Some(llmops_core::provider::scripted::Step::Reply(
            ChatResponse::new("ok"),
        ))
    });
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(provider)
        .prompts(store)
        .observer(obs.clone())
        .build()
        .unwrap();
    (c, obs, seen)
}

fn open(dir: &Path) -> PromptStore {
    PromptStore::open(dir).unwrap()
}

#[tokio::test]
async fn renders_the_resolved_version_with_its_model_params_and_tools() {
    let dir = prompt_dir();
    let (c, obs, seen) = client(open(dir.path()));
    let r = c
        .chat(
            ChatRequest::from_prompt("support")
                .var("question", "Where is my order?")
                .end_user("u-1"),
        )
        .await
        .unwrap();
    let sent = seen.lock().unwrap().pop().unwrap();
    let texts: Vec<_> = sent.messages.iter().map(|m| (m.role, m.text())).collect();
    assert_eq!(
        texts,
        [
            (Role::System, "v1: answer in a calm tone.".to_owned()),
            (Role::User, "Where is my order?".to_owned())
        ]
    );
    assert_eq!(sent.model, "from-prompt");
    assert_eq!(sent.params.temperature, Some(0.1));
    assert_eq!(sent.params.max_tokens, Some(100));
    assert_eq!(sent.params.extra["top_k"], 40);
    assert_eq!(sent.tools.len(), 1);
    assert_eq!(sent.tools[0].name, "lookup_order");
    assert!(
        sent.prompt.is_none(),
        "the provider gets messages, not the call"
    );

    let used = r.meta.prompt.clone().unwrap();
    assert_eq!((used.name.as_str(), used.version), ("support", 1));
    assert_eq!(used.label.as_deref(), Some("production"));
    let bytes = std::fs::read(dir.path().join("support/1.prompt")).unwrap();
    assert_eq!(
        used.hash,
        format!("sha256:{}", prompts::content_hash(&bytes))
    );
    assert_eq!(r.meta.model_requested, "scripted/from-prompt");
    assert_eq!(r.meta.params.get("temperature"), Some(&ParamSource::Prompt));
    let rec = obs.records().pop().unwrap();
    assert_eq!(rec.prompt, Some(used));
    assert_eq!(rec.model_requested, "scripted/from-prompt");
}

#[tokio::test]
async fn the_request_wins_over_the_prompt_and_keeps_its_own_turns() {
    let dir = prompt_dir();
    let (c, _, seen) = client(open(dir.path()));
    let own_tool = ToolSpec::new(
        "lookup_order",
        "mine",
        serde_json::json!({"type": "object"}),
    );
    c.chat(
        ChatRequest::new("scripted/override")
            .prompt("support/2")
            .var("question", "hi")
            .var("tone", "brisk")
            .temperature(0.9)
            .tool(own_tool)
            .user("and a follow-up"),
    )
    .await
    .unwrap();
    let sent = seen.lock().unwrap().pop().unwrap();
    assert_eq!(sent.model, "override");
    assert_eq!(sent.params.temperature, Some(0.9));
    assert_eq!(
        sent.params.max_tokens,
        Some(100),
        "unset by the request: the prompt's"
    );
    let texts: Vec<_> = sent.messages.iter().map(Message::text).collect();
    assert_eq!(
        texts,
        ["v2: answer in a brisk tone.", "hi", "and a follow-up"]
    );
    assert_eq!(sent.tools.len(), 1);
    assert_eq!(sent.tools[0].description, "mine");
}

#[tokio::test]
async fn strict_render_errors_name_the_variable_and_send_nothing() {
    let dir = prompt_dir();
    let (c, obs, seen) = client(open(dir.path()));
    let cases: [(ChatRequest, &str); 4] = [
        (ChatRequest::from_prompt("support"), "`question`"),
        (
            ChatRequest::from_prompt("support").var("question", 42),
            "`question`",
        ),
        (
            ChatRequest::from_prompt("support")
                .var("question", "q")
                .var("extra", "x"),
            "`extra`",
        ),
        (
            ChatRequest::from_prompt("support@canary").var("question", "q"),
            "canary",
        ),
    ];
    for (req, wanted) in cases {
        let err = c.chat(req).await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{err}");
        assert!(err.to_string().contains(wanted), "{err}");
    }
    assert!(seen.lock().unwrap().is_empty());
    let recs = obs.records();
    assert_eq!(
        recs.len(),
        4,
        "every refused exchange is still recorded once"
    );
    assert!(
        recs.iter()
            .all(|r| matches!(r.outcome, Outcome::Failed { .. }))
    );
}

#[tokio::test]
async fn a_prompt_without_a_model_needs_one_in_the_request() {
    let dir = prompt_dir();
    std::fs::write(dir.path().join("support/4.prompt"), "Hi {{who}}").unwrap();
    let (c, _, _) = client(open(dir.path()));
    let err = c
        .chat(ChatRequest::from_prompt("support/4").var("who", "x"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("names no model"), "{err}");
    c.chat(
        ChatRequest::from_prompt("support/4")
            .model("scripted/m")
            .var("who", "x"),
    )
    .await
    .unwrap();
}

#[tokio::test]
async fn a_named_tool_must_be_provided_by_the_request() {
    let dir = prompt_dir();
    std::fs::write(
        dir.path().join("support/4.prompt"),
        "---\nmodel: scripted/m\ntools: [refund]\n---\nHi",
    )
    .unwrap();
    let (c, _, _) = client(open(dir.path()));
    let err = c
        .chat(ChatRequest::from_prompt("support/4"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("refund"), "{err}");
    let refund = ToolSpec::new("refund", "refund", serde_json::json!({"type": "object"}));
    c.chat(ChatRequest::from_prompt("support/4").tool(refund))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_split_label_is_sticky_per_user_and_splits_anonymous_traffic() {
    let dir = prompt_dir();
    std::fs::write(
        dir.path().join("support/labels.yaml"),
        "production:\n  split: {1: 50, 3: 50}\n",
    )
    .unwrap();
    let (c, _, _) = client(open(dir.path()));
    let mut per_user = BTreeMap::new();
    for round in 0..3 {
        for u in 0..40 {
            let r = c
                .chat(
                    ChatRequest::from_prompt("support")
                        .var("question", "q")
                        .end_user(format!("user-{u}")),
                )
                .await
                .unwrap();
            let v = r.meta.prompt.unwrap().version;
            if round == 0 {
                per_user.insert(u, v);
            } else {
                assert_eq!(per_user[&u], v, "user-{u} changed version");
            }
        }
    }
    let on_canary = per_user.values().filter(|v| **v == 3).count();
    assert!(
        (5..=35).contains(&on_canary),
        "{on_canary} of 40 on version 3"
    );
    // no user, no tenant: routed by request id, so both versions serve
    let mut anonymous = std::collections::BTreeSet::new();
    for _ in 0..60 {
        let r = c
            .chat(ChatRequest::from_prompt("support").var("question", "q"))
            .await
            .unwrap();
        anonymous.insert(r.meta.prompt.unwrap().version);
    }
    assert_eq!(anonymous.into_iter().collect::<Vec<_>>(), [1, 3]);
}

#[tokio::test]
async fn sticky_on_tenant_keeps_a_whole_tenant_on_one_version() {
    let dir = prompt_dir();
    std::fs::write(
        dir.path().join("support/labels.yaml"),
        "production:\n  split: {1: 50, 2: 50}\n",
    )
    .unwrap();
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("ok"))
        .prompt_layer(PromptLayer::new(open(dir.path())).sticky(StickyKey::Tenant))
        .build()
        .unwrap();
    for t in 0..10 {
        let mut versions = std::collections::BTreeSet::new();
        for u in 0..10 {
            let r = c
                .chat(
                    ChatRequest::from_prompt("support")
                        .var("question", "q")
                        .tenant(format!("t{t}"))
                        .end_user(format!("u{u}")),
                )
                .await
                .unwrap();
            versions.insert(r.meta.prompt.unwrap().version);
        }
        assert_eq!(versions.len(), 1, "tenant t{t} saw {versions:?}");
    }
}

#[tokio::test]
async fn a_promotion_is_served_to_the_next_request_without_restart() {
    let dir = prompt_dir();
    let store = open(dir.path());
    let (c, _, _) = client(store.clone());
    let ask = || {
        ChatRequest::from_prompt("support")
            .var("question", "q")
            .end_user("u")
    };
    assert_eq!(c.chat(ask()).await.unwrap().meta.prompt.unwrap().version, 1);
    store
        .promote("support", "production", 3, "ada", "better", None)
        .await
        .unwrap();
    assert_eq!(c.chat(ask()).await.unwrap().meta.prompt.unwrap().version, 3);
    store
        .rollback("support", "production", "ada", "worse")
        .await
        .unwrap();
    assert_eq!(c.chat(ask()).await.unwrap().meta.prompt.unwrap().version, 1);
}

#[tokio::test]
async fn without_the_prompt_stage_a_prompt_request_is_refused() {
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("ok"))
        .build()
        .unwrap();
    let err = c
        .chat(ChatRequest::from_prompt("support").model("scripted/m"))
        .await
        .unwrap_err();
    assert!(err.to_string().contains("no prompt layer"), "{err}");
}
