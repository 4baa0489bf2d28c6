//! The Redis stores: a cache shared by two clients, rate limits shared by two routers (never
//! more than the limit together), the bucket script against the in-memory store, TTLs, size
//! bounds and tenant clears; and, without a server, a slow Redis (accepts, never answers) and
//! a closed port: every call returns within the timeout and each store applies its policy.
//!
//! Tests named `backend_*` need a real redis-server at `LLMOPS_REDIS_URL` (set by `.ci/run`);
//! unset, they print `SKIPPED:` and pass.

use std::sync::Arc;
use std::time::{Duration, Instant};

use futures_util::future::join_all;
use llmops_core::cache::{Cache, CacheKey, CacheStore, CachedAnswer, StoreFailure};
use llmops_core::redis::{
    LimitFailure, RedisCacheStore, RedisConnection, RedisLimitStore, RedisOptions,
};
use llmops_core::routing::{
    Decision, DeploymentConfig, Grant, LimitStore, Limits, MemoryLimitStore, Rate, RouteTrace,
    Router, Take,
};
use llmops_core::{
    CacheKind, CacheOutcome, ChatRequest, ChatResponse, Client, Error, Exchange, MemoryObserver,
    ScriptedProvider, Usage,
};

use super::redis_support::*;

fn req(q: &str, tenant: &str) -> ChatRequest {
    ChatRequest::new("scripted/m")
        .user(q)
        .temperature(0.0)
        .tenant(tenant)
}

fn cached_client(p: Arc<ScriptedProvider>, store: RedisCacheStore) -> (Client, Cache) {
    let cache = Cache::builder().store(store).build().unwrap();
    let c = Client::builder()
        .provider_arc(p)
        .cache(cache.clone())
        .build()
        .unwrap();
    (c, cache)
}

fn entry(tenant: Option<&str>, text: &str) -> (CacheKey, Arc<CachedAnswer>) {
    let mut r = ChatRequest::new("m").user(text);
    if let Some(t) = tenant {
        r = r.tenant(t);
    }
    let key = CacheKey::of(&r, &Exchange::for_request(&r), "");
    // serde_json's `Value` holds no u128 (the key's hash): build the text
    let json = format!(
        r#"{{"key":{},"response":{},"deployment":"d","provider":"p","first_choice":true,"stored_at":{},"size":{}}}"#,
        serde_json::to_string(&key).unwrap(),
        serde_json::to_string(&ChatResponse::new(text)).unwrap(),
        serde_json::to_string(&chrono::Utc::now()).unwrap(),
        text.len()
    );
    let e: CachedAnswer = serde_json::from_str(&json).unwrap();
    (key, Arc::new(e))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backend_redis_cache_is_shared_between_two_clients() {
    let Some(url) = redis_url() else { return };
    let mut r = raw(&url).await;
    let p = prefix("cache-shared");
    let reply = ChatResponse::new("Paris.").with_usage(Usage::new(12, 2));
    let pa = Arc::new(ScriptedProvider::new().repeat_with(reply.clone()));
    let pb = Arc::new(ScriptedProvider::new().repeat_with(reply));
    // two clients, two connections, one Redis
    let (a, cache_a) = cached_client(pa.clone(), RedisCacheStore::new(conn(&url, &p)));
    let (b, cache_b) = cached_client(pb.clone(), RedisCacheStore::new(conn(&url, &p)));

    let first = a.chat(req("Capital of France?", "acme")).await.unwrap();
    assert_eq!(first.meta.cache, Some(CacheOutcome::Miss));
    assert_eq!(cache_a.stats().stored, 1);
    let ks = keys(&mut r, &p).await;
    assert_eq!(ks.len(), 1, "{ks:?}");
    assert!(ks[0].starts_with(&format!("{p}:cache:acme:")), "{ks:?}");
    let ttl: i64 = ::redis::cmd("PTTL")
        .arg(&ks[0])
        .query_async(&mut r)
        .await
        .unwrap();
    assert!(
        ttl > 0 && ttl <= 3_600_000,
        "one hour by default, got {ttl} ms"
    );

    let second = b.chat(req("Capital of France?", "acme")).await.unwrap();
    assert_eq!(second.text(), "Paris.");
    assert_eq!(
        second.meta.cache,
        Some(CacheOutcome::Hit {
            kind: CacheKind::Exact,
            similarity: None
        })
    );
    assert_eq!(
        second.usage,
        Usage::new(12, 2),
        "the original usage travels"
    );
    assert_eq!(pb.calls(), 0, "B answered from what A stored");
    assert_eq!(cache_b.stats().exact_hits, 1);

    // another tenant never sees it
    let other = b.chat(req("Capital of France?", "globex")).await.unwrap();
    assert_eq!(other.meta.cache, Some(CacheOutcome::Miss));
    assert_eq!(pb.calls(), 1);

    // streams replay from the shared entry too
    let mut s = b
        .chat_stream(req("Capital of France?", "acme"))
        .await
        .unwrap();
    let mut text = String::new();
    while let Some(ev) = futures_util::StreamExt::next(&mut s).await {
        if let llmops_core::StreamEvent::Delta { text: t } = ev.unwrap() {
            text.push_str(&t);
        }
    }
    assert_eq!(text, "Paris.");
    assert_eq!(pb.calls(), 1);

    // a tenant clear through A empties what B reads
    cache_a.clear_tenant(Some("acme")).await.unwrap();
    let again = b.chat(req("Capital of France?", "acme")).await.unwrap();
    assert_eq!(again.meta.cache, Some(CacheOutcome::Miss));
    assert_eq!(pb.calls(), 2);
    cleanup(&mut r, &p).await;
}

#[tokio::test]
async fn backend_redis_cache_store_ttl_bounds_and_tenant_clear() {
    let Some(url) = redis_url() else { return };
    let mut r = raw(&url).await;
    let p = prefix("cache-store");
    let store = RedisCacheStore::new(conn(&url, &p)).max_entry_bytes(4096);

    // round trip, TTL in milliseconds, removal
    let (k, e) = entry(Some("acme"), "hello");
    store
        .put(&k, e.clone(), Duration::from_millis(90_000))
        .await
        .unwrap();
    let back = store.get(&k).await.unwrap().expect("stored");
    assert_eq!(*back, *e);
    let ttl: i64 = ::redis::cmd("PTTL")
        .arg(store.redis_key(&k))
        .query_async(&mut r)
        .await
        .unwrap();
    assert!(ttl > 80_000 && ttl <= 90_000, "{ttl}");
    store.remove(&k).await.unwrap();
    assert!(store.get(&k).await.unwrap().is_none());

    // an entry past the size bound is not stored, and counted
    let (big_k, big) = entry(Some("acme"), &"x".repeat(5000));
    store
        .put(&big_k, big, Duration::from_secs(60))
        .await
        .unwrap();
    assert!(store.get(&big_k).await.unwrap().is_none());
    assert_eq!(store.stats().too_large, 1);

    // an entry that does not decode is a miss, counted
    ::redis::cmd("SET")
        .arg(store.redis_key(&k))
        .arg("not json")
        .query_async::<()>(&mut r)
        .await
        .unwrap();
    assert!(store.get(&k).await.unwrap().is_none());
    assert_eq!(store.stats().decode_errors, 1);

    // tenants whose names look like patterns or prefixes of each other stay apart
    let tenants = [Some("a"), Some("a:b"), Some("a*"), Some("-"), None];
    let mut stored = Vec::new();
    for (i, t) in tenants.iter().enumerate() {
        for j in 0..3 {
            let (k, e) = entry(*t, &format!("q{i}-{j}"));
            store.put(&k, e, Duration::from_secs(60)).await.unwrap();
            stored.push((*t, k));
        }
    }
    store.clear(Some(Some("a"))).await.unwrap();
    for (t, k) in &stored {
        let present = store.get(k).await.unwrap().is_some();
        assert_eq!(present, *t != Some("a"), "tenant {t:?}");
    }
    store.clear(Some(None)).await.unwrap();
    for (t, k) in &stored {
        let present = store.get(k).await.unwrap().is_some();
        assert_eq!(present, t.is_some() && *t != Some("a"), "tenant {t:?}");
    }
    // everything of this prefix, nothing of another
    let other = prefix("cache-store-other");
    let neighbour = RedisCacheStore::new(conn(&url, &other));
    let (nk, ne) = entry(Some("a"), "neighbour");
    neighbour
        .put(&nk, ne, Duration::from_secs(60))
        .await
        .unwrap();
    store.clear(None).await.unwrap();
    assert!(keys(&mut r, &p).await.is_empty());
    assert!(neighbour.get(&nk).await.unwrap().is_some());
    assert_eq!(store.stats().failures(), 0);
    cleanup(&mut r, &other).await;
    cleanup(&mut r, &p).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backend_redis_limits_two_routers_never_exceed_the_rpm_together() {
    let Some(url) = redis_url() else { return };
    let mut r = raw(&url).await;
    let p = prefix("limits-routers");
    let client = |store: RedisLimitStore| {
        let router = Router::builder()
            .group("chat", ["a/m"])
            .deployment(DeploymentConfig::new("a/m").limits(Limits::default().rpm(30)))
            .limit_store(Arc::new(store))
            .build()
            .unwrap();
        let provider = Arc::new(ScriptedProvider::named("a").repeat("ok"));
        let c = Client::builder()
            .provider_arc(provider.clone())
            .router(router)
            .build()
            .unwrap();
        (c, provider)
    };
    let store_a = RedisLimitStore::new(conn(&url, &p));
    let store_b = RedisLimitStore::new(conn(&url, &p));
    let (a, pa) = client(store_a.clone());
    let (b, pb) = client(store_b.clone());
    // both connections open before the race
    store_a.connection().ping().await.unwrap();
    store_b.connection().ping().await.unwrap();
    let tries = (0..50).flat_map(|_| {
        [
            a.chat(ChatRequest::new("chat").user("hi")),
            b.chat(ChatRequest::new("chat").user("hi")),
        ]
    });
    let results = join_all(tries).await;
    let granted = results.iter().filter(|r| r.is_ok()).count();
    for e in results.iter().filter_map(|r| r.as_ref().err()) {
        assert!(matches!(e, Error::LocalRateLimit { .. }), "{e:?}");
    }
    assert_eq!(granted, 30, "rpm 30 shared by two routers");
    assert_eq!(pa.calls() + pb.calls(), 30);
    assert_eq!(store_a.stats().failures() + store_b.stats().failures(), 0);
    // the bucket key expires when the bucket is full again (within the minute)
    let key = store_a.redis_key("a/m:rpm");
    let ttl: i64 = ::redis::cmd("PTTL")
        .arg(&key)
        .query_async(&mut r)
        .await
        .unwrap();
    assert!(ttl > 0 && ttl <= 60_001, "{ttl}");

    // and the stores alone, with no refill during the test: 2 × 100 concurrent takes of a
    // bucket of 30 a day grant exactly 30
    let day = Rate::new(30, Duration::from_secs(86_400));
    let take = |s: RedisLimitStore| async move {
        let t = Take {
            key: "daily",
            amount: 1,
            rate: day,
        };
        s.try_take(&[t]).await.unwrap() == Grant::Granted
    };
    let all = join_all((0..100).flat_map(|_| [take(store_a.clone()), take(store_b.clone())])).await;
    assert_eq!(all.iter().filter(|g| **g).count(), 30);
    cleanup(&mut r, &p).await;
}

#[tokio::test]
async fn backend_redis_bucket_script_matches_the_memory_store() {
    let Some(url) = redis_url() else { return };
    let mut r = raw(&url).await;
    let p = prefix("limits-script");
    let redis_store = RedisLimitStore::new(conn(&url, &p));
    let memory = MemoryLimitStore::new();
    let t = |key: &'static str, amount: u64, per_min: u64| Take {
        key,
        amount,
        rate: Rate::per_minute(per_min),
    };
    for s in [&redis_store as &dyn LimitStore, &memory] {
        // a burst of the capacity, then a wait of one emission interval
        for _ in 0..3 {
            assert_eq!(s.try_take(&[t("a", 1, 3)]).await.unwrap(), Grant::Granted);
        }
        let Grant::Wait(w) = s.try_take(&[t("a", 1, 3)]).await.unwrap() else {
            panic!("{}: expected a wait", s.name())
        };
        assert!(
            w > Duration::from_secs(19) && w <= Duration::from_secs(20),
            "{}: {w:?}",
            s.name()
        );
        assert_eq!(s.try_take(&[t("c", 4, 3)]).await.unwrap(), Grant::TooLarge);
        // all or nothing: the token bucket is out, so the request bucket is not taken
        assert_eq!(
            s.try_take(&[t("r", 1, 10), t("t", 100, 100)])
                .await
                .unwrap(),
            Grant::Granted
        );
        assert!(matches!(
            s.try_take(&[t("r", 1, 10), t("t", 1, 100)]).await.unwrap(),
            Grant::Wait(_)
        ));
        for _ in 0..9 {
            assert_eq!(s.try_take(&[t("r", 1, 10)]).await.unwrap(), Grant::Granted);
        }
        assert!(matches!(
            s.try_take(&[t("r", 1, 10)]).await.unwrap(),
            Grant::Wait(_)
        ));
    }
    // corrections run in the background: give back 50 tokens, then they fit again
    redis_store.adjust("t", Rate::per_minute(100), 50);
    let mut fitted = false;
    for _ in 0..100 {
        if redis_store.try_take(&[t("t", 50, 100)]).await.unwrap() == Grant::Granted {
            fitted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(fitted, "the correction never landed");
    // a charge after the fact pushes a bucket into debt
    redis_store.adjust("debt", Rate::per_minute(100), -100);
    let mut indebted = false;
    for _ in 0..100 {
        if matches!(
            redis_store.try_take(&[t("debt", 1, 100)]).await.unwrap(),
            Grant::Wait(_)
        ) {
            indebted = true;
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(indebted, "the charge never landed");
    let st = redis_store.stats();
    assert_eq!((st.failures(), st.dropped_adjustments), (0, 0), "{st:?}");
    // every bucket key carries a TTL
    for k in keys(&mut r, &p).await {
        let ttl: i64 = ::redis::cmd("PTTL")
            .arg(&k)
            .query_async(&mut r)
            .await
            .unwrap();
        assert!(ttl > 0, "{k}: {ttl}");
    }
    cleanup(&mut r, &p).await;
}

/// A "Redis" that accepts connections and never answers. Returns its URL.
async fn silent_server() -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let mut held = Vec::new();
        while let Ok((sock, _)) = listener.accept().await {
            held.push(sock); // keep it open, read nothing, write nothing
        }
    });
    format!("redis://{addr}/")
}

/// A port nobody listens on.
fn closed_port() -> String {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    format!("redis://127.0.0.1:{port}/")
}

const TIMEOUT: Duration = Duration::from_millis(50);
/// Far above the timeout: only a hang (or a missing timeout) exceeds it.
const HANG: Duration = Duration::from_secs(2);

fn failing_conn(url: &str) -> RedisConnection {
    RedisConnection::with_options(
        url,
        RedisOptions::default()
            .timeout(TIMEOUT)
            .cooldown(Duration::from_secs(30))
            .prefix("llmops-it"),
    )
    .unwrap()
}

async fn bounded<T>(f: impl std::future::Future<Output = T>) -> T {
    let t0 = Instant::now();
    let out = tokio::time::timeout(HANG * 5, f)
        .await
        .expect("a Redis store call hung");
    assert!(t0.elapsed() < HANG, "took {:?}", t0.elapsed());
    out
}

async fn the_policies_apply(url: &str, timed_out: bool) {
    // the cache fails open: the provider answers, the failures are counted
    let store = RedisCacheStore::new(failing_conn(url));
    let p = Arc::new(ScriptedProvider::new().repeat("fresh"));
    let (c, cache) = cached_client(p.clone(), store.clone());
    let reply = bounded(c.chat(req("q", "acme"))).await.unwrap();
    assert_eq!(reply.text(), "fresh");
    assert_eq!(reply.meta.cache, Some(CacheOutcome::Miss));
    assert_eq!(p.calls(), 1);
    let st = store.stats();
    if timed_out {
        assert_eq!(st.timeouts, 1, "{st:?}");
    } else {
        assert_eq!(st.errors, 1, "{st:?}");
    }
    // the write came during the cool-down: refused at once, without touching the network
    assert_eq!((st.calls, st.unavailable), (1, 1), "{st:?}");
    assert_eq!(cache.stats().store_errors, 2);
    assert!(store.connection().cooling_down().is_some());
    // a cache that fails closed turns the same failure into the request's error
    let closed = Cache::builder()
        .store(RedisCacheStore::new(failing_conn(url)))
        .on_store_error(StoreFailure::Closed)
        .build()
        .unwrap();
    let c = Client::builder()
        .provider(ScriptedProvider::new().repeat("fresh"))
        .cache(closed)
        .build()
        .unwrap();
    let e = bounded(c.chat(req("q", "acme"))).await.unwrap_err();
    assert!(e.to_string().contains("redis"), "{e}");

    // rate limits fail open by default: the request goes through, the decision is recorded
    let limits = RedisLimitStore::new(failing_conn(url));
    let router = Router::builder()
        .group("chat", ["a/m"])
        .deployment(DeploymentConfig::new("a/m").limits(Limits::default().rpm(1)))
        .limit_store(Arc::new(limits.clone()))
        .build()
        .unwrap();
    let obs = MemoryObserver::new();
    let c = Client::builder()
        .provider(ScriptedProvider::named("a").repeat("ok"))
        .router(router)
        .observer(obs.clone())
        .build()
        .unwrap();
    for _ in 0..3 {
        assert_eq!(
            bounded(c.chat(ChatRequest::new("chat").user("hi")))
                .await
                .unwrap()
                .text(),
            "ok"
        );
    }
    c.flush().await.unwrap();
    for rec in obs.records() {
        let t = RouteTrace::from_annotations(&rec.annotations).unwrap();
        assert!(
            t.decisions
                .iter()
                .any(|d| matches!(d, Decision::LimitStoreError { .. })),
            "{t:?}"
        );
    }
    let st = limits.stats();
    assert_eq!(st.failures(), 3, "{st:?}");
    assert_eq!((st.calls, st.unavailable), (1, 2), "{st:?}");

    // or closed: no room, so the router skips the deployment (here: the only one)
    let limits = RedisLimitStore::new(failing_conn(url)).on_failure(LimitFailure::Closed {
        retry_in: Duration::from_secs(1),
    });
    let router = Router::builder()
        .group("chat", ["a/m"])
        .deployment(DeploymentConfig::new("a/m").limits(Limits::default().rpm(1)))
        .limit_store(Arc::new(limits.clone()))
        .build()
        .unwrap();
    let p = Arc::new(ScriptedProvider::named("a").repeat("ok"));
    let c = Client::builder()
        .provider_arc(p.clone())
        .router(router)
        .build()
        .unwrap();
    let e = bounded(c.chat(ChatRequest::new("chat").user("hi")))
        .await
        .unwrap_err();
    assert!(matches!(e, Error::LocalRateLimit { .. }), "{e:?}");
    assert_eq!(p.calls(), 0);
    assert_eq!(limits.stats().failed_closed, 1);

    // a health check says so too
    let e = bounded(failing_conn(url).ping()).await.unwrap_err();
    assert!(
        e.to_string().contains("redis") || e.to_string().contains("127.0.0.1"),
        "{e}"
    );
}

#[tokio::test]
async fn a_slow_redis_times_out_and_each_store_applies_its_policy() {
    let url = silent_server().await;
    the_policies_apply(&url, true).await;
}

#[tokio::test]
async fn a_closed_port_fails_fast_and_each_store_applies_its_policy() {
    the_policies_apply(&closed_port(), false).await;
}

#[tokio::test]
async fn after_the_cooldown_a_fresh_connection_is_tried() {
    // a silent server first: the call times out and the connection cools down briefly
    let url = silent_server().await;
    let conn = RedisConnection::with_options(
        &url,
        RedisOptions::default()
            .timeout(TIMEOUT)
            .cooldown(Duration::from_millis(1)),
    )
    .unwrap();
    let store = RedisCacheStore::new(conn.clone());
    let (k, _) = entry(Some("acme"), "q");
    assert!(bounded(store.get(&k)).await.is_err());
    tokio::time::sleep(Duration::from_millis(5)).await;
    assert!(conn.cooling_down().is_none());
    // the next call goes to the network again (and times out again): not stuck on the old one
    assert!(bounded(store.get(&k)).await.is_err());
    let st = store.stats();
    assert_eq!((st.calls, st.timeouts, st.unavailable), (2, 2, 0), "{st:?}");
}
