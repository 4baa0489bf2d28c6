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

mod canary {
    use std::time::Duration;

    use llmops_core::prompts::{CanaryGuard, CanaryPolicy, HistoryAction, LabelTarget, REVERTER};

    use super::*;

    #[derive(Default)]
    struct Audit(Mutex<Vec<AuditEvent>>);

    #[async_trait]
    impl AuditSink for Audit {
        async fn record(&self, ev: AuditEvent) -> Result<()> {
            self.0.lock().unwrap().push(ev);
            Ok(())
        }
    }

    fn policy(min_requests: u64) -> CanaryPolicy {
        let mut p = CanaryPolicy::default();
        p.min_requests = min_requests;
        p.min_scores = 20;
        // these tests check errors and eval scores; the mock provider's sub-millisecond
        // latencies depend on the machine's load, so latency never reverts here
        p.max_latency_ratio = f64::INFINITY;
        p
    }

    /// A client whose provider fails `fail_canary` of the requests rendered from version 3,
    /// with the guard watching `support@production`.
    async fn setup(
        dir: &Path,
        fail_canary: bool,
        policy: CanaryPolicy,
    ) -> (Client, PromptStore, Arc<CanaryGuard>, Arc<Audit>) {
        let audit = Arc::new(Audit::default());
        let store = PromptStore::builder(dir)
            .audit(audit.clone())
            .open()
            .unwrap();
        store
            .start_canary("support", "production", 3, 20, "ada", "try v3")
            .await
            .unwrap();
        let guard = Arc::new(CanaryGuard::new(
            store.clone(),
            "support",
            "production",
            policy,
        ));
        let n = Arc::new(std::sync::atomic::AtomicU64::new(0));
        let provider = ScriptedProvider::new().responder(move |req| {
            let canary = req.messages[0].text().starts_with("v3");
            let i = n.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            Some(if fail_canary && canary && i.is_multiple_of(4) {
                llmops_core::provider::scripted::Step::Fail(Error::invalid("bad output"))
            } else {
                llmops_core::provider::scripted::Step::Reply(ChatResponse::new("ok"))
            })
        });
        let c = Client::builder()
            .provider(provider)
            .prompts(store.clone())
            .observer_arc(guard.clone())
            .build()
            .unwrap();
        (c, store, guard, audit)
    }

    async fn wait_for_target(store: &PromptStore, want: &LabelTarget) {
        for _ in 0..500 {
            if &store
                .registry()
                .label_target("support", "production")
                .unwrap()
                == want
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("label never became {want}");
    }

    #[tokio::test]
    async fn a_failing_canary_reverts_itself_with_the_figures_recorded() {
        let dir = prompt_dir();
        let (c, store, guard, audit) = setup(dir.path(), true, policy(30)).await;
        let mut stopped_at = None;
        for u in 0..2000 {
            let req = ChatRequest::from_prompt("support")
                .var("question", "q")
                .end_user(format!("user-{u}"));
            let _ = c.chat(req).await;
            if store
                .registry()
                .label_target("support", "production")
                .unwrap()
                == LabelTarget::Version(1)
            {
                stopped_at = Some(u);
                break;
            }
            tokio::task::yield_now().await;
        }
        assert!(
            stopped_at.is_some(),
            "never reverted: {:?}",
            guard.figures()
        );
        wait_for_target(&store, &LabelTarget::Version(1)).await;
        let h = store.registry().history("support").unwrap();
        let last = h.last().unwrap();
        assert_eq!(last.action, HistoryAction::Revert);
        assert_eq!(last.who, REVERTER);
        assert_eq!(last.from, Some(LabelTarget::split([(1, 80), (3, 20)])));
        assert_eq!(last.to, Some(LabelTarget::Version(1)));
        assert!(last.why.contains("error rate"), "{}", last.why);
        let details = last.details.as_ref().unwrap();
        assert_eq!(details["canary"]["version"], 3);
        assert!(details["canary"]["requests"].as_u64().unwrap() >= 30);
        assert!(details["canary"]["errors"].as_u64().unwrap() > 0);
        assert_eq!(details["stable"]["errors"], 0);
        // the audit trail has the revert with the same figures
        let evs = audit.0.lock().unwrap().clone();
        let rev = evs.iter().find(|e| e.kind == "prompt.revert").unwrap();
        assert_eq!(rev.actor, REVERTER);
        assert_eq!(&rev.data["details"], details);
        // traffic now all goes to the stable version
        let r = c
            .chat(
                ChatRequest::from_prompt("support")
                    .var("question", "q")
                    .end_user("x"),
            )
            .await
            .unwrap();
        assert_eq!(r.meta.prompt.unwrap().version, 1);
        // and a human can undo the revert in one step
        store
            .rollback("support", "production", "ada", "retry the canary")
            .await
            .unwrap();
        assert_eq!(
            store
                .registry()
                .label_target("support", "production")
                .unwrap(),
            LabelTarget::split([(1, 80), (3, 20)])
        );
    }

    #[tokio::test]
    async fn a_healthy_canary_is_left_alone() {
        let dir = prompt_dir();
        let (c, store, guard, audit) = setup(dir.path(), false, policy(30)).await;
        for u in 0..400 {
            let req = ChatRequest::from_prompt("support")
                .var("question", "q")
                .end_user(format!("user-{u}"));
            c.chat(req).await.unwrap();
        }
        let figures = guard.figures();
        assert_eq!(figures.len(), 2);
        assert!(figures.iter().all(|f| f.requests >= 30), "{figures:?}");
        assert_eq!(
            store
                .registry()
                .label_target("support", "production")
                .unwrap(),
            LabelTarget::split([(1, 80), (3, 20)])
        );
        assert!(
            audit
                .0
                .lock()
                .unwrap()
                .iter()
                .all(|e| e.kind != "prompt.revert")
        );
    }

    #[tokio::test]
    async fn lower_eval_scores_fed_to_the_client_revert_the_canary() {
        let dir = prompt_dir();
        let mut p = policy(20);
        p.metric = Some("helpfulness".into());
        let (c, store, guard, _) = setup(dir.path(), false, p).await;
        for u in 0..600 {
            let r = c
                .chat(
                    ChatRequest::from_prompt("support")
                        .var("question", "q")
                        .end_user(format!("user-{u}")),
                )
                .await
                .unwrap();
            let version = r.meta.prompt.as_ref().unwrap().version;
            // an online judge: v3 answers score 0.6, v1 answers 0.9; other metrics ignored
            let mut e = EvaluationResult::new(&r.meta.request_id, "helpfulness");
            e.score = Some(if version == 3 { 0.6 } else { 0.9 });
            c.record_evaluation(e).unwrap();
            let mut other = EvaluationResult::new(&r.meta.request_id, "tone");
            other.score = Some(0.0);
            c.record_evaluation(other).unwrap();
            if store
                .registry()
                .label_target("support", "production")
                .unwrap()
                == LabelTarget::Version(1)
            {
                break;
            }
            tokio::task::yield_now().await;
        }
        wait_for_target(&store, &LabelTarget::Version(1)).await;
        let h = store.registry().history("support").unwrap();
        let why = &h.last().unwrap().why;
        assert!(why.contains("eval score"), "{why}");
        assert!(!why.contains("error rate"), "{why}");
        let details = h.last().unwrap().details.clone().unwrap();
        assert!((details["canary"]["mean_score"].as_f64().unwrap() - 0.6).abs() < 1e-9);
        assert!(guard.figures().is_empty() || guard.figures().iter().all(|f| f.requests > 0));
    }
}
