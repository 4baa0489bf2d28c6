//! The Rust side of the LiteLLM peer comparison in `scripts/peers/litellm/` (not a user
//! example): what llmops' gateway layers add to a request against a real HTTP upstream.
//!
//! ```sh
//! cargo build --release --example gateway_overhead --features llmops/full
//! # an OpenAI-compatible server at URL (scripts/peers/litellm/upstream.py), then:
//! $CARGO_TARGET_DIR/release/examples/gateway_overhead http://127.0.0.1:8011/v1
//! # optional: the LiteLLM proxy measured with the same HTTP client, interleaved
//! $CARGO_TARGET_DIR/release/examples/gateway_overhead http://127.0.0.1:8011/v1 \
//!     --proxy http://127.0.0.1:4000/v1 --proxy-key sk-local --proxy-model chat
//! ```
//!
//! The upstream URL comes from the first argument, else `GATEWAY_UPSTREAM_URL`. Options:
//! `--n` requests per case and concurrency (default 2000), `--warmup` (200), `--rounds`
//! (4: the cases alternate in rounds, so a load spike from other jobs hits every case),
//! `--concurrency` (16; concurrency 1 always runs first), `--layers` (the layers of
//! `client_layers`, default `router,budget,cache,ledger`: for a breakdown per layer).
//!
//! Cases, each request with a unique prompt (so every cache lookup misses):
//! - `raw_upstream`: a bare `reqwest` POST of the request body to the upstream;
//! - `raw_proxy` (with `--proxy`): the same POST to the proxy (model `--proxy-model`);
//! - `client_bare`: `Client` with `OpenAi::compatible(url)`, no layer;
//! - `client_layers`: the same client with a router (a group with a fallback group), budgets
//!   (a tenant limit per day, in-memory store), the exact cache (misses) and a `CostLedger`
//!   (its `TablePricer` on the bundled LiteLLM price map).
//!
//! `--upstream-pid` and `--proxy-pid` add the CPU time those processes used per request
//! (Linux, `/proc`), beside this process's own.
//!
//! Prints one JSON object: p50/p90/p99/mean in µs and requests/s per case, CPU µs per request, the added
//! overhead (`client_layers − client_bare`, `raw_proxy − raw_upstream`) and the layers'
//! counters (cache misses, budget reservations, ledger requests and cost) as a check that
//! every layer ran. An unreachable upstream is an error message and exit code 2.

use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use llmops::cache::Cache;
use llmops::cost::CostLedger;
use llmops::cost::budget::{Budgets, Limit, Scope, Window};
use llmops::routing::{RetryPolicy, Router};
use llmops::{ChatRequest, Client, Deployment, Money, OpenAi};
use serde_json::{Value, json};

const SYSTEM: &str = "You are a helpful assistant.";
/// The model of the direct cases (the upstream answers any model with the same body).
const MODEL: &str = "gpt-4o-mini";
/// The fallback's model (dearer, so the budget reserves on it).
const FALLBACK_MODEL: &str = "gpt-4o";

/// The layers `client_layers` can turn on (`--layers`, default all).
const LAYERS: [&str; 4] = ["router", "budget", "cache", "ledger"];

type Res<T> = std::result::Result<T, String>;

struct Options {
    upstream: String,
    proxy: Option<String>,
    proxy_key: Option<String>,
    proxy_model: String,
    proxy_pid: Option<String>,
    upstream_pid: Option<String>,
    layers: Vec<String>,
    n: usize,
    warmup: usize,
    rounds: usize,
    concurrency: usize,
}

fn options() -> Res<Options> {
    let mut o = Options {
        upstream: std::env::var("GATEWAY_UPSTREAM_URL").unwrap_or_default(),
        proxy: None,
        proxy_key: None,
        proxy_model: "chat".to_owned(),
        proxy_pid: None,
        upstream_pid: None,
        layers: LAYERS.iter().map(|l| (*l).to_owned()).collect(),
        n: 2000,
        warmup: 200,
        rounds: 4,
        concurrency: 16,
    };
    let mut args = std::env::args().skip(1);
    let number = |name: &str, v: Option<String>| -> Res<usize> {
        v.as_deref()
            .unwrap_or("")
            .parse::<usize>()
            .ok()
            .filter(|n| *n > 0)
            .ok_or_else(|| format!("{name} takes a positive whole number"))
    };
    while let Some(a) = args.next() {
        match a.as_str() {
            "--proxy" => o.proxy = args.next(),
            "--proxy-key" => o.proxy_key = args.next(),
            "--proxy-model" => o.proxy_model = args.next().unwrap_or_default(),
            "--proxy-pid" => o.proxy_pid = args.next(),
            "--upstream-pid" => o.upstream_pid = args.next(),
            "--layers" => {
                o.layers = args
                    .next()
                    .unwrap_or_default()
                    .split(',')
                    .filter(|l| !l.is_empty())
                    .map(str::to_owned)
                    .collect();
                if let Some(bad) = o.layers.iter().find(|l| !LAYERS.contains(&l.as_str())) {
                    return Err(format!(
                        "unknown layer {bad}: expected some of {}",
                        LAYERS.join(",")
                    ));
                }
            }
            "--n" => o.n = number("--n", args.next())?,
            "--warmup" => o.warmup = number("--warmup", args.next())?,
            "--rounds" => o.rounds = number("--rounds", args.next())?,
            "--concurrency" => o.concurrency = number("--concurrency", args.next())?,
            s if s.starts_with("--") => return Err(format!("unknown option {s}")),
            s => o.upstream = s.to_owned(),
        }
    }
    o.upstream = o.upstream.trim_end_matches('/').to_owned();
    if o.upstream.is_empty() {
        return Err("give the upstream's base URL (http://HOST:PORT/v1) as the argument or in GATEWAY_UPSTREAM_URL".into());
    }
    Ok(o)
}

/// A unique user prompt per request, across every case and round.
static PROMPT: AtomicU64 = AtomicU64::new(0);

fn prompt() -> String {
    format!(
        "Hello! (request {})",
        PROMPT.fetch_add(1, Ordering::Relaxed)
    )
}

fn request(model: &str) -> ChatRequest {
    ChatRequest::new(model)
        .system(SYSTEM)
        .user(prompt())
        .temperature(0.0)
        .max_tokens(256)
}

/// One way of sending a request.
#[derive(Clone)]
enum Case {
    Raw {
        http: reqwest::Client,
        url: String,
        key: Option<String>,
        model: String,
    },
    Client {
        client: Client,
        model: String,
        tenant: Option<String>,
    },
}

impl Case {
    async fn once(&self) -> Res<()> {
        match self {
            Case::Raw {
                http,
                url,
                key,
                model,
            } => {
                let body = json!({
                    "model": model,
                    "messages": [{"role": "system", "content": SYSTEM},
                                 {"role": "user", "content": prompt()}],
                    "temperature": 0.0,
                    "max_tokens": 256,
                });
                let mut rb = http.post(url).json(&body);
                if let Some(k) = key {
                    rb = rb.bearer_auth(k);
                }
                let resp = rb.send().await.map_err(|e| format!("{url}: {e}"))?;
                let status = resp.status();
                let bytes = resp.bytes().await.map_err(|e| format!("{url}: {e}"))?;
                if !status.is_success() {
                    return Err(format!(
                        "{url}: HTTP {status}: {}",
                        String::from_utf8_lossy(&bytes)
                    ));
                }
                Ok(())
            }
            Case::Client {
                client,
                model,
                tenant,
            } => {
                let mut req = request(model);
                if let Some(t) = tenant {
                    req = req.tenant(t.clone());
                }
                let reply = client.chat(req).await.map_err(|e| e.to_string())?;
                if reply.text().is_empty() {
                    return Err("empty reply".into());
                }
                Ok(())
            }
        }
    }
}

/// CPU time (user + system, every thread) a process has used so far, in nanoseconds, from
/// `/proc/PID/task/*/schedstat` (Linux); `None` elsewhere or for a process that is gone.
fn cpu_ns(pid: &str) -> Option<u64> {
    let mut total = 0u64;
    for task in std::fs::read_dir(format!("/proc/{pid}/task"))
        .ok()?
        .flatten()
    {
        let stat = std::fs::read_to_string(task.path().join("schedstat")).unwrap_or_default();
        total += stat
            .split_whitespace()
            .next()
            .and_then(|v| v.parse::<u64>().ok())
            .unwrap_or(0);
    }
    Some(total)
}

/// The processes whose CPU time is read around each run: this one, the upstream, the proxy.
fn cpu_now(pids: &[Option<String>; 3]) -> [Option<u64>; 3] {
    pids.each_ref().map(|p| p.as_deref().and_then(cpu_ns))
}

/// Sends `n` requests over `concurrency` tasks; the latency of each, in nanoseconds.
async fn run(case: &Case, n: usize, concurrency: usize) -> Res<(Vec<u64>, Duration)> {
    let next = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::with_capacity(concurrency);
    for _ in 0..concurrency {
        let case = case.clone();
        let next = next.clone();
        tasks.push(tokio::spawn(async move {
            let mut lat = Vec::with_capacity(n / concurrency + 1);
            while next.fetch_add(1, Ordering::Relaxed) < n {
                let t = Instant::now();
                case.once().await?;
                lat.push(u64::try_from(t.elapsed().as_nanos()).unwrap_or(u64::MAX));
            }
            Ok::<_, String>(lat)
        }));
    }
    let mut all = Vec::with_capacity(n);
    for t in tasks {
        all.extend(t.await.map_err(|e| e.to_string())??);
    }
    Ok((all, start.elapsed()))
}

fn percentile(sorted: &[u64], q: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let rank = ((q * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    sorted.get(rank - 1).map_or(0.0, |ns| *ns as f64 / 1000.0)
}

fn summary(mut lat: Vec<u64>, wall: Duration) -> Value {
    lat.sort_unstable();
    let mean = lat.iter().sum::<u64>() as f64 / lat.len().max(1) as f64 / 1000.0;
    let r = |x: f64| (x * 10.0).round() / 10.0;
    json!({
        "n": lat.len(),
        "p50_us": r(percentile(&lat, 0.50)),
        "p90_us": r(percentile(&lat, 0.90)),
        "p99_us": r(percentile(&lat, 0.99)),
        "mean_us": r(mean),
        "rps": r(lat.len() as f64 / wall.as_secs_f64()),
    })
}

fn minus(a: &Value, b: &Value) -> Value {
    let d = |k: &str| {
        let x = a.get(k).and_then(Value::as_f64).unwrap_or(0.0);
        let y = b.get(k).and_then(Value::as_f64).unwrap_or(0.0);
        ((x - y) * 10.0).round() / 10.0
    };
    let mut m = serde_json::Map::new();
    for k in [
        "p50_us",
        "p90_us",
        "p99_us",
        "mean_us",
        "cpu_us_per_request_client",
    ] {
        if a.get(k).is_some() && b.get(k).is_some() {
            m.insert(k.to_owned(), json!(d(k)));
        }
    }
    Value::Object(m)
}

fn bare_client(url: &str) -> Res<Client> {
    Client::builder()
        .provider(OpenAi::compatible(url))
        .build()
        .map_err(|e| e.to_string())
}

struct Layers {
    client: Client,
    cache: Cache,
    budgets: Budgets,
    ledger: CostLedger,
}

/// Every issue-7 layer on: router (group `chat` with the fallback group `fallback`: the
/// deployment `backup`, `openai/gpt-4o`), budgets
/// (a tenant limit per day, in-memory store), the exact cache and the cost ledger.
fn layered_client(url: &str, on: &[String]) -> Res<Layers> {
    let e = |e: llmops::Error| e.to_string();
    let has = |l: &str| on.iter().any(|x| x == l);
    let budgets = Budgets::builder()
        .limit(Limit::money(
            Scope::Tenant,
            Window::Day,
            Money::usd_str("1000000").map_err(e)?,
        ))
        .build()
        .map_err(e)?;
    let cache = Cache::builder().build().map_err(|e| e.to_string())?;
    let ledger = CostLedger::bundled().map_err(e)?;
    let mut b = Client::builder()
        .provider(OpenAi::compatible(url))
        .deployment(Deployment::new("backup", "openai", FALLBACK_MODEL));
    if has("router") {
        let router = Router::builder()
            .group("chat", [format!("openai/{MODEL}")])
            .group("fallback", ["backup"])
            .fallback("chat", ["fallback"])
            .retry(RetryPolicy::default().max_attempts(3))
            .build()
            .map_err(e)?;
        b = b.router(router);
    }
    if has("budget") {
        b = b.budgets(budgets.clone());
    }
    if has("cache") {
        b = b.cache(cache.clone());
    }
    if has("ledger") {
        b = b.cost_ledger(ledger.clone());
    }
    Ok(Layers {
        client: b.build().map_err(e)?,
        cache,
        budgets,
        ledger,
    })
}

async fn measure(o: &Options) -> Res<Value> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(32)
        .build()
        .map_err(|e| e.to_string())?;
    let raw_upstream = Case::Raw {
        http: http.clone(),
        url: format!("{}/chat/completions", o.upstream),
        key: None,
        model: MODEL.to_owned(),
    };
    raw_upstream
        .once()
        .await
        .map_err(|e| format!("cannot reach the upstream: {e}"))?;
    let mut cases: Vec<(&str, Case)> = vec![("raw_upstream", raw_upstream)];
    if let Some(p) = &o.proxy {
        let proxy = Case::Raw {
            http: http.clone(),
            url: format!("{}/chat/completions", p.trim_end_matches('/')),
            key: o.proxy_key.clone(),
            model: o.proxy_model.clone(),
        };
        proxy
            .once()
            .await
            .map_err(|e| format!("cannot reach the proxy: {e}"))?;
        cases.push(("raw_proxy", proxy));
    }
    cases.push((
        "client_bare",
        Case::Client {
            client: bare_client(&o.upstream)?,
            model: format!("openai/{MODEL}"),
            tenant: None,
        },
    ));
    let layers = layered_client(&o.upstream, &o.layers)?;
    let routed = o.layers.iter().any(|l| l == "router");
    cases.push((
        "client_layers",
        Case::Client {
            client: layers.client.clone(),
            model: if routed {
                "chat".to_owned()
            } else {
                format!("openai/{MODEL}")
            },
            tenant: Some("acme".to_owned()),
        },
    ));

    for (_, case) in &cases {
        run(case, o.warmup, 1).await?;
    }
    let pids = [
        Some(std::process::id().to_string()),
        o.upstream_pid.clone(),
        o.proxy_pid.clone(),
    ];
    let mut out = serde_json::Map::new();
    let levels = if o.concurrency == 1 {
        vec![1]
    } else {
        vec![1, o.concurrency]
    };
    for c in levels {
        let per_round = o.n.div_ceil(o.rounds);
        let mut lat: Vec<Vec<u64>> = vec![Vec::new(); cases.len()];
        let mut wall = vec![Duration::ZERO; cases.len()];
        let mut cpu: Vec<[Option<u64>; 3]> = vec![[Some(0), Some(0), Some(0)]; cases.len()];
        for _ in 0..o.rounds {
            for (i, (name, case)) in cases.iter().enumerate() {
                let before = cpu_now(&pids);
                let (l, w) = run(case, per_round, c).await?;
                let after = cpu_now(&pids);
                if let (Some(acc), Some(t), Some(used)) =
                    (lat.get_mut(i), wall.get_mut(i), cpu.get_mut(i))
                {
                    acc.extend(l);
                    *t += w;
                    for (j, u) in used.iter_mut().enumerate() {
                        // the proxy's CPU only counts for the case that goes through it
                        let relevant = j != 2 || *name == "raw_proxy";
                        *u = match (
                            *u,
                            before.get(j).copied().flatten(),
                            after.get(j).copied().flatten(),
                        ) {
                            (Some(u), Some(b), Some(a)) if relevant => {
                                Some(u + a.saturating_sub(b))
                            }
                            _ => None,
                        };
                    }
                }
            }
        }
        let mut figures = serde_json::Map::new();
        for (((name, _), (l, w)), used) in cases.iter().zip(lat.into_iter().zip(wall)).zip(&cpu) {
            let n = l.len().max(1) as f64;
            let mut f = summary(l, w);
            if let Some(f) = f.as_object_mut() {
                for (who, ns) in ["client", "upstream", "proxy"].iter().zip(used) {
                    if let Some(ns) = ns {
                        let us = (*ns as f64 / n / 100.0).round() / 10.0;
                        f.insert(format!("cpu_us_per_request_{who}"), json!(us));
                    }
                }
            }
            figures.insert((*name).to_owned(), f);
        }
        let get = |k: &str| figures.get(k).cloned().unwrap_or(Value::Null);
        let mut added = serde_json::Map::new();
        added.insert(
            "client_layers_minus_client_bare".into(),
            minus(&get("client_layers"), &get("client_bare")),
        );
        added.insert(
            "client_bare_minus_raw_upstream".into(),
            minus(&get("client_bare"), &get("raw_upstream")),
        );
        if o.proxy.is_some() {
            added.insert(
                "raw_proxy_minus_raw_upstream".into(),
                minus(&get("raw_proxy"), &get("raw_upstream")),
            );
        }
        figures.insert("added".into(), Value::Object(added));
        out.insert(format!("concurrency_{c}"), Value::Object(figures));
    }

    let cache = layers.cache.stats();
    let budget = layers.budgets.stats();
    let totals = layers.ledger.totals();
    out.insert(
        "layers_check".into(),
        json!({
            "cache_misses": cache.misses,
            "cache_hits": cache.exact_hits + cache.semantic_hits,
            "cache_stored": cache.stored,
            "budget_granted": budget.granted,
            "budget_settled": budget.settled,
            "budget_refused": budget.refused,
            "ledger_requests": totals.requests,
            "ledger_attempts": totals.attempts,
            "ledger_unknown_cost_requests": totals.unknown_cost_requests,
            "ledger_cost_usd": totals.cost.to_string(),
        }),
    );
    out.insert(
        "options".into(),
        json!({"n": o.n, "warmup": o.warmup, "rounds": o.rounds, "concurrency": o.concurrency, "layers": o.layers,
               "upstream": o.upstream, "proxy": o.proxy, "proxy_model": o.proxy_model}),
    );
    Ok(Value::Object(out))
}

fn main() -> ExitCode {
    let o = match options() {
        Ok(o) => o,
        Err(e) => {
            eprintln!("gateway_overhead: {e}");
            return ExitCode::from(2);
        }
    };
    let rt = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("gateway_overhead: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match rt.block_on(measure(&o)) {
        Ok(v) => {
            println!("{v:#}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("gateway_overhead: {e}");
            ExitCode::from(2)
        }
    }
}
