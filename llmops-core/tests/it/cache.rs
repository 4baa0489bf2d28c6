//! The response cache through the client: exact hits, the determinism policy and directives,
//! tenant and prompt-version scopes, streams (replay, recording, never storing a broken one),
//! the deployment rule with a fallback, store failures, the semantic cache on the hashing
//! embedder, provider prompt caching, and a property test over tenants and prompt versions.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use futures_util::StreamExt;
use llmops_core::cache::{
    Cache, CacheDirective, CacheError, CacheKey, CacheRequestExt, CacheStore, CachedAnswer,
    DeploymentPolicy, PromptCacheShare, PromptCaching, StoreFailure,
};
use llmops_core::provider::scripted::Step;
use llmops_core::{
    CacheKind, CacheOutcome, ChatRequest, ChatResponse, Client, Cost, Deployment, Error, Exchange,
    HashingEmbedder, MemoryObserver, Money, PromptVersionRef, Provider, ProviderErrorKind, Reply,
    Result, ScriptedProvider, Stage, StreamEvent, StreamTap, Tap, ToolCall, Usage, async_trait,
    from_fn,
};

mod property;
mod streams;

fn req(q: &str) -> ChatRequest {
    ChatRequest::new("scripted/m")
        .system("Answer briefly.")
        .user(q)
        .temperature(0.0)
        .tenant("acme")
}

fn client(p: ScriptedProvider, cache: &Cache) -> (Client, MemoryObserver) {
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(p)
        .cache(cache.clone())
        .observer(obs.clone())
        .build()
        .unwrap();
    (c, obs)
}

fn hit(kind: CacheKind) -> Option<CacheOutcome> {
    Some(CacheOutcome::Hit {
        kind,
        similarity: None,
    })
}

#[tokio::test]
async fn an_exact_hit_calls_no_provider_is_recorded_once_and_costs_nothing() {
    let cache = Cache::builder().build().unwrap();
    let reply = ChatResponse::new("Paris.").with_usage(Usage::new(20, 3));
    let p = Arc::new(ScriptedProvider::new().repeat_with(reply));
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider_arc(p.clone())
        .cache(cache.clone())
        .observer(obs.clone())
        .build()
        .unwrap();
    let first = c.chat(req("Capital of France?")).await.unwrap();
    assert_eq!(first.meta.cache, Some(CacheOutcome::Miss));
    let second = c.chat(req("Capital of France?")).await.unwrap();
    assert_eq!(second.text(), "Paris.");
    assert_eq!(second.meta.cache, hit(CacheKind::Exact));
    assert_eq!(p.calls(), 1, "a hit must not call the provider");
    // the caller sees the original usage; the record spends nothing
    assert_eq!(second.usage, Usage::new(20, 3));
    assert_eq!(second.meta.attempts, 0);
    assert_eq!(second.meta.cost, Cost::Known(Money::zero()));
    c.flush().await.unwrap();
    let recs = obs.records();
    assert_eq!(recs.len(), 2, "exactly one record per exchange");
    let r = &recs[1];
    assert!(r.outcome.is_completed());
    assert!(r.attempts.is_empty());
    assert_eq!(r.usage, Usage::default());
    assert_eq!(r.response.as_ref().unwrap().text, "Paris.");
    let note = &r.annotations["cache"];
    assert_eq!(note["deployment"], "scripted/m");
    assert_eq!(note["usage"]["input_tokens"], 20);
    let s = cache.stats();
    assert_eq!((s.exact_hits, s.misses, s.stored, s.skipped), (1, 1, 1, 0));
    assert_eq!(s.hit_rate(), 0.5);
}

#[tokio::test]
async fn only_deterministic_requests_unless_allowed_and_directives() {
    let cache = Cache::builder().build().unwrap();
    let (c, _) = client(ScriptedProvider::new().repeat("x"), &cache);
    let warm = ChatRequest::new("scripted/m")
        .user("Write a poem")
        .temperature(0.8);
    for _ in 0..2 {
        let r = c.chat(warm.clone()).await.unwrap();
        assert!(matches!(r.meta.cache, Some(CacheOutcome::Bypass { .. })));
    }
    // no temperature at all is not deterministic either (providers default to ~1)
    let r = c
        .chat(ChatRequest::new("scripted/m").user("hi"))
        .await
        .unwrap();
    assert!(matches!(r.meta.cache, Some(CacheOutcome::Bypass { .. })));
    // a seed alone is not enough by default
    let seeded = ChatRequest::new("scripted/m").user("hi").seed(7);
    let r = c.chat(seeded.clone()).await.unwrap();
    assert!(matches!(r.meta.cache, Some(CacheOutcome::Bypass { .. })));
    // allowed per request
    let allowed = warm.clone().cache(CacheDirective::Allow);
    c.chat(allowed.clone()).await.unwrap();
    assert_eq!(
        c.chat(allowed).await.unwrap().meta.cache,
        hit(CacheKind::Exact)
    );
    // bypass: neither read nor stored
    let det = req("q");
    c.chat(det.clone()).await.unwrap();
    let r = c
        .chat(det.clone().cache(CacheDirective::Bypass))
        .await
        .unwrap();
    assert!(matches!(r.meta.cache, Some(CacheOutcome::Bypass { .. })));
    // a directive set by a middleware before the cache wins over the tag
    let obs = MemoryObserver::new();
    let c2 = Client::builder()
        .provider(ScriptedProvider::new().repeat("y"))
        .layer_at(
            Stage::BeforeCache,
            from_fn(|req, cx, next| {
                cx.extensions.insert(CacheDirective::Bypass);
                Box::pin(next.run(req, cx))
            }),
        )
        .cache(cache.clone())
        .observer(obs)
        .build()
        .unwrap();
    let r = c2.chat(det.clone()).await.unwrap();
    assert!(matches!(r.meta.cache, Some(CacheOutcome::Bypass { .. })));
    // per-cache policies: any temperature, seeds, a known default temperature
    let any = Cache::builder()
        .allow_nondeterministic(true)
        .build()
        .unwrap();
    let (c3, _) = client(ScriptedProvider::new().repeat("z"), &any);
    c3.chat(warm.clone()).await.unwrap();
    assert_eq!(
        c3.chat(warm).await.unwrap().meta.cache,
        hit(CacheKind::Exact)
    );
    let seeds = Cache::builder()
        .seed_is_deterministic(true)
        .build()
        .unwrap();
    let (c4, _) = client(ScriptedProvider::new().repeat("z"), &seeds);
    c4.chat(seeded.clone()).await.unwrap();
    assert_eq!(
        c4.chat(seeded).await.unwrap().meta.cache,
        hit(CacheKind::Exact)
    );
    let zero = Cache::builder().default_temperature(0.0).build().unwrap();
    let (c5, _) = client(ScriptedProvider::new().repeat("z"), &zero);
    let plain = ChatRequest::new("scripted/m").user("hi");
    c5.chat(plain.clone()).await.unwrap();
    assert_eq!(
        c5.chat(plain).await.unwrap().meta.cache,
        hit(CacheKind::Exact)
    );
}

#[tokio::test]
async fn refresh_replaces_the_entry() {
    let cache = Cache::builder().build().unwrap();
    let (c, _) = client(ScriptedProvider::new().reply("old").reply("new"), &cache);
    c.chat(req("q")).await.unwrap();
    let r = c
        .chat(req("q").cache(CacheDirective::Refresh))
        .await
        .unwrap();
    assert_eq!(r.text(), "new");
    let r = c.chat(req("q")).await.unwrap();
    assert_eq!(
        (r.text().as_str(), r.meta.cache),
        ("new", hit(CacheKind::Exact))
    );
}

#[tokio::test]
async fn never_across_tenants_users_or_prompt_versions() {
    let cache = Cache::builder().build().unwrap();
    let p = ScriptedProvider::new().responder(|r| {
        Some(Step::Reply(ChatResponse::new(format!(
            "for {}",
            r.caller.tenant.clone().unwrap_or_default()
        ))))
    });
    // a middleware before the cache stands in for the prompt stage: version from a tag
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(p)
        .layer_at(
            Stage::BeforeCache,
            from_fn(|req, cx, next| {
                if let Some(v) = req.caller.tags.get("v") {
                    let v: u32 = v.parse().unwrap();
                    cx.prompt = Some(PromptVersionRef::new("p", v, format!("sha256:{v}")));
                }
                Box::pin(next.run(req, cx))
            }),
        )
        .cache(cache.clone())
        .observer(obs)
        .build()
        .unwrap();
    c.chat(req("q")).await.unwrap();
    let other = c.chat(req("q").tenant("globex")).await.unwrap();
    assert_eq!(other.text(), "for globex");
    assert_eq!(other.meta.cache, Some(CacheOutcome::Miss));
    let none = c
        .chat(
            ChatRequest::new("scripted/m")
                .system("Answer briefly.")
                .user("q")
                .temperature(0.0),
        )
        .await
        .unwrap();
    assert_eq!(none.meta.cache, Some(CacheOutcome::Miss));
    let tagged = |v: &str| {
        let mut r = req("q");
        Arc::make_mut(&mut r.caller)
            .tags
            .insert("v".into(), v.into());
        r
    };
    assert_eq!(
        c.chat(tagged("1")).await.unwrap().meta.cache,
        Some(CacheOutcome::Miss)
    );
    assert_eq!(
        c.chat(tagged("2")).await.unwrap().meta.cache,
        Some(CacheOutcome::Miss)
    );
    assert_eq!(
        c.chat(tagged("1")).await.unwrap().meta.cache,
        hit(CacheKind::Exact)
    );
    // users share within a tenant unless per-user
    assert_eq!(
        c.chat(req("q").end_user("u2")).await.unwrap().meta.cache,
        hit(CacheKind::Exact)
    );
    let per_user = Cache::builder().per_user(true).build().unwrap();
    let (c2, _) = client(ScriptedProvider::new().repeat("x"), &per_user);
    c2.chat(req("q").end_user("u1")).await.unwrap();
    assert_eq!(
        c2.chat(req("q").end_user("u2")).await.unwrap().meta.cache,
        Some(CacheOutcome::Miss)
    );
    // clearing one tenant leaves the others
    cache.clear_tenant(Some("acme")).await.unwrap();
    assert_eq!(
        c.chat(req("q")).await.unwrap().meta.cache,
        Some(CacheOutcome::Miss)
    );
    assert_eq!(
        c.chat(req("q").tenant("globex")).await.unwrap().meta.cache,
        hit(CacheKind::Exact)
    );
}

/// Two deployments; a middleware at `BeforeProvider` stands in for the router: when the
/// primary fails it moves the attempt to the fallback.
fn with_fallback(
    primary: ScriptedProvider,
    fallback: ScriptedProvider,
    cache: &Cache,
) -> (Client, MemoryObserver) {
    let fb = Arc::new(Deployment::new("fallback", "second", "m2"));
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(primary)
        .provider(fallback)
        .deployment(Deployment::new("primary", "first", "m1"))
        .cache(cache.clone())
        .layer_at(
            Stage::BeforeProvider,
            from_fn(move |req, cx, next| {
                let fb = fb.clone();
                Box::pin(async move {
                    match next.run(req.clone(), cx).await {
                        Ok(r) => Ok(r),
                        Err(_) => {
                            cx.deployment = Some(fb);
                            next.run(req, cx).await
                        }
                    }
                })
            }),
        )
        .observer(obs.clone())
        .build()
        .unwrap();
    (c, obs)
}

#[tokio::test]
async fn a_fallbacks_answer_never_poisons_the_primarys_entries() {
    let cache = Cache::builder().build().unwrap();
    let primary = ScriptedProvider::named("first")
        .fail(ProviderErrorKind::Server)
        .reply("from primary")
        .fail(ProviderErrorKind::Server)
        .repeat("primary again");
    let fallback = ScriptedProvider::named("second").repeat("from fallback");
    let (c, obs) = with_fallback(primary, fallback, &cache);
    let r = || ChatRequest::new("primary").user("q").temperature(0.0);

    // 1. the primary fails, the fallback answers: stored, marked as a fallback's
    let a = c.chat(r()).await.unwrap();
    assert_eq!(a.text(), "from fallback");
    assert_eq!(a.meta.deployment.as_deref(), Some("fallback"));
    // 2. a lookup refuses the fallback's answer: the primary answers and replaces it
    let b = c.chat(r()).await.unwrap();
    assert_eq!(
        (b.text().as_str(), b.meta.cache),
        ("from primary", Some(CacheOutcome::Miss))
    );
    assert_eq!(cache.stats().refused, 1);
    // 3. served from the primary's entry
    let h = c.chat(r()).await.unwrap();
    assert_eq!(
        (h.text().as_str(), h.meta.cache),
        ("from primary", hit(CacheKind::Exact))
    );
    // 4. a refresh during an outage: the fallback answers, the primary's entry stays
    let f = c.chat(r().cache(CacheDirective::Refresh)).await.unwrap();
    assert_eq!(f.text(), "from fallback");
    let h = c.chat(r()).await.unwrap();
    assert_eq!(
        (h.text().as_str(), h.meta.cache),
        ("from primary", hit(CacheKind::Exact))
    );
    c.flush().await.unwrap();
    let last = obs.records().pop().unwrap();
    assert_eq!(last.annotations["cache"]["deployment"], "primary");
    assert_eq!(last.annotations["cache"]["first_choice"], true);
    let s = cache.stats();
    assert_eq!((s.stored, s.not_stored), (2, 1));
}

#[tokio::test]
async fn with_any_deployment_a_fallbacks_answer_is_served() {
    let cache = Cache::builder()
        .deployments(DeploymentPolicy::Any)
        .build()
        .unwrap();
    let primary = ScriptedProvider::named("first")
        .fail(ProviderErrorKind::Server)
        .repeat("from primary");
    let fallback = ScriptedProvider::named("second").repeat("from fallback");
    let (c, obs) = with_fallback(primary, fallback, &cache);
    let r = || ChatRequest::new("primary").user("q").temperature(0.0);
    assert_eq!(c.chat(r()).await.unwrap().text(), "from fallback");
    let h = c.chat(r()).await.unwrap();
    assert_eq!(
        (h.text().as_str(), h.meta.cache),
        ("from fallback", hit(CacheKind::Exact))
    );
    c.flush().await.unwrap();
    assert_eq!(obs.records()[1].annotations["cache"]["first_choice"], false);
}

/// A store whose every call fails.
struct Broken;

#[async_trait]
impl CacheStore for Broken {
    fn name(&self) -> &str {
        "broken"
    }
    async fn get(&self, _: &CacheKey) -> Result<Option<Arc<CachedAnswer>>> {
        Err(Error::extension("broken", "connection refused"))
    }
    async fn put(&self, _: &CacheKey, _: Arc<CachedAnswer>, _: Duration) -> Result<()> {
        Err(Error::extension("broken", "connection refused"))
    }
    async fn remove(&self, _: &CacheKey) -> Result<()> {
        Ok(())
    }
    async fn clear(&self, _: Option<Option<&str>>) -> Result<()> {
        Ok(())
    }
}

/// A store that answers with someone else's entry, whatever the key.
struct Liar(Arc<CachedAnswer>);

#[async_trait]
impl CacheStore for Liar {
    fn name(&self) -> &str {
        "liar"
    }
    async fn get(&self, _: &CacheKey) -> Result<Option<Arc<CachedAnswer>>> {
        Ok(Some(self.0.clone()))
    }
    async fn put(&self, _: &CacheKey, _: Arc<CachedAnswer>, _: Duration) -> Result<()> {
        Ok(())
    }
    async fn remove(&self, _: &CacheKey) -> Result<()> {
        Ok(())
    }
    async fn clear(&self, _: Option<Option<&str>>) -> Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn store_errors_fail_open_by_default_and_closed_when_asked() {
    let open = Cache::builder().store(Broken).build().unwrap();
    let (c, _) = client(ScriptedProvider::new().repeat("ok"), &open);
    for _ in 0..2 {
        let r = c.chat(req("q")).await.unwrap();
        assert_eq!(
            (r.text().as_str(), r.meta.cache),
            ("ok", Some(CacheOutcome::Miss))
        );
    }
    let s = open.stats();
    assert_eq!((s.store_errors, s.misses, s.stored), (4, 2, 0));

    let closed = Cache::builder()
        .store(Broken)
        .on_store_error(StoreFailure::Closed)
        .build()
        .unwrap();
    let (c, obs) = client(ScriptedProvider::new().repeat("ok"), &closed);
    let e = c.chat(req("q")).await.unwrap_err();
    assert!(e.to_string().contains("connection refused"), "{e}");
    c.flush().await.unwrap();
    assert_eq!(obs.records()[0].outcome.as_str(), "failed");
}

#[tokio::test]
async fn an_entry_from_a_store_is_checked_against_the_key() {
    // a store bug (or a shared store with a stale format) must not leak an answer
    let cache = Cache::builder().build().unwrap();
    let (c, _) = client(ScriptedProvider::new().repeat("secret of acme"), &cache);
    c.chat(req("q")).await.unwrap();
    let stolen = {
        let r = req("q");
        let key = CacheKey::of(&r, &Exchange::for_request(&r), "");
        cache.store().get(&key).await.unwrap().unwrap()
    };
    let liar = Cache::builder().store(Liar(stolen)).build().unwrap();
    let (c, _) = client(ScriptedProvider::new().repeat("for globex"), &liar);
    let r = c.chat(req("q").tenant("globex")).await.unwrap();
    assert_eq!(
        (r.text().as_str(), r.meta.cache),
        ("for globex", Some(CacheOutcome::Miss))
    );
    assert_eq!(liar.stats().refused, 1);
}

#[tokio::test]
async fn semantic_hits_carry_their_similarity_and_stay_in_scope() {
    let cache = Cache::builder()
        .semantic(0.8)
        .embedder(Arc::new(HashingEmbedder::new(512)))
        .build()
        .unwrap();
    let p = ScriptedProvider::new().responder(|r| {
        Some(Step::Reply(ChatResponse::new(format!(
            "answer to {}",
            r.last_user_text().unwrap_or_default()
        ))))
    });
    let (c, obs) = client(p, &cache);
    c.chat(req("what is the capital city of france"))
        .await
        .unwrap();
    let near = c
        .chat(req("so what is the capital city of france?"))
        .await
        .unwrap();
    assert_eq!(near.text(), "answer to what is the capital city of france");
    let Some(CacheOutcome::Hit {
        kind: CacheKind::Semantic,
        similarity: Some(sim),
    }) = near.meta.cache
    else {
        panic!("{:?}", near.meta.cache)
    };
    assert!((0.8..1.0).contains(&sim), "{sim}");
    // another tenant, another system prompt, another question: misses
    let other_tenant = c
        .chat(req("what is the capital city of france?").tenant("globex"))
        .await
        .unwrap();
    assert_eq!(other_tenant.meta.cache, Some(CacheOutcome::Miss));
    let other_system = c
        .chat(
            ChatRequest::new("scripted/m")
                .system("Answer at length.")
                .user("what is the capital city of france?")
                .temperature(0.0)
                .tenant("acme"),
        )
        .await
        .unwrap();
    assert_eq!(other_system.meta.cache, Some(CacheOutcome::Miss));
    let unrelated = c.chat(req("how do magnets work")).await.unwrap();
    assert_eq!(unrelated.meta.cache, Some(CacheOutcome::Miss));
    c.flush().await.unwrap();
    let s = cache.stats();
    assert_eq!((s.semantic_hits, s.exact_hits, s.misses), (1, 0, 4));
    assert!(obs.records()[1].cache.is_some());
}

#[test]
fn semantic_without_an_embedder_is_a_typed_configuration_error() {
    let e = Cache::builder().semantic(0.9).build().unwrap_err();
    assert_eq!(e, CacheError::NoEmbedder);
    assert!(matches!(Error::from(e), Error::Config(_)));
    let e = Cache::builder()
        .semantic(1.5)
        .embedder(Arc::new(HashingEmbedder::new(8)))
        .build()
        .unwrap_err();
    assert_eq!(e, CacheError::Threshold(1.5));
    assert!(Cache::builder().ttl(Duration::ZERO).build().is_err());
    assert!(Cache::builder().max_size(0, 10).build().is_err());
}

#[tokio::test]
async fn prompt_caching_marks_prefixes_and_the_share_is_reported_per_version() {
    let reply = ChatResponse::new("ok").with_usage(Usage::new(4000, 5).with_cache(3000, 0));
    let p = Arc::new(ScriptedProvider::new().repeat_with(reply));
    let share = PromptCacheShare::new();
    let cache = Cache::builder().build().unwrap();
    let c = Client::builder()
        .provider_arc(p.clone())
        .prompt_caching(PromptCaching::new())
        .cache(cache)
        .layer_at(
            Stage::BeforeCache,
            from_fn(|req, cx, next| {
                cx.prompt = Some(PromptVersionRef::new("support", 3, "sha256:3"));
                Box::pin(next.run(req, cx))
            }),
        )
        .observer(share.clone())
        .build()
        .unwrap();
    let long = "Policy text. ".repeat(400);
    let r = ChatRequest::new("scripted/m")
        .system(long)
        .user("q")
        .temperature(0.0);
    c.chat(r.clone()).await.unwrap();
    // the marker is sent and does not change the response cache's key
    let hit2 = c.chat(r).await.unwrap();
    assert_eq!(hit2.meta.cache, hit(CacheKind::Exact));
    let sent = p.requests();
    assert!(sent[0].messages[0].content[0].cache_control().is_some());
    let rows = share.rows();
    assert_eq!(rows.len(), 1, "response-cache hits are not counted");
    assert_eq!(
        (rows[0].prompt.as_deref(), rows[0].version),
        (Some("support"), Some(3))
    );
    assert_eq!(rows[0].exchanges, 1);
    assert_eq!(rows[0].share(), 0.75);
}

/// With the real prompt stage: the version's `config` makes the request deterministic, and
/// moving the label to another version never serves the old version's answer.
#[cfg(feature = "prompts")]
#[tokio::test]
async fn prompt_versions_from_the_prompt_stage_scope_the_cache() {
    use llmops_core::prompts::PromptStore;
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("greet");
    std::fs::create_dir_all(&p).unwrap();
    let file = |v: u32, body: &str| {
        format!(
            "---\nmodel: scripted/m\nconfig: {{temperature: 0}}\nversion: {v}\n---\n{body} {{{{who}}}}\n"
        )
    };
    std::fs::write(p.join("1.prompt"), file(1, "Say hello to")).unwrap();
    std::fs::write(p.join("2.prompt"), file(2, "Say hi to")).unwrap();
    std::fs::write(p.join("labels.yaml"), "production: 1\n").unwrap();
    let store = PromptStore::open(dir.path()).unwrap();
    let cache = Cache::builder().build().unwrap();
    let provider = ScriptedProvider::new().responder(|r| {
        Some(Step::Reply(ChatResponse::new(format!(
            "re: {}",
            r.last_user_text().unwrap_or_default()
        ))))
    });
    let c = Client::builder()
        .provider(provider)
        .prompts(store.clone())
        .cache(cache.clone())
        .build()
        .unwrap();
    let ask = || {
        ChatRequest::from_prompt("greet")
            .var("who", "Ada")
            .tenant("acme")
    };
    let a = c.chat(ask()).await.unwrap();
    assert_eq!(
        (a.text().as_str(), a.meta.cache),
        ("re: Say hello to Ada", Some(CacheOutcome::Miss))
    );
    let b = c.chat(ask()).await.unwrap();
    assert_eq!(b.meta.cache, hit(CacheKind::Exact));
    assert_eq!(b.meta.prompt.as_ref().map(|p| p.version), Some(1));
    std::fs::write(p.join("labels.yaml"), "production: 2\n").unwrap();
    store.reload().unwrap();
    let v2 = c.chat(ask()).await.unwrap();
    assert_eq!(
        (v2.text().as_str(), v2.meta.cache),
        ("re: Say hi to Ada", Some(CacheOutcome::Miss))
    );
    assert_eq!(
        c.chat(ask()).await.unwrap().meta.cache,
        hit(CacheKind::Exact)
    );
}
