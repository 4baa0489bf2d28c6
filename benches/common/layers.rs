//! `pipeline/layers`: the pipeline payload (3 messages, ~1 KB, ~100-byte reply, one counting
//! observer, temperature 0, `max_tokens` 300) through `client.chat` with each issue-7 layer
//! alone and with every layer on, against the bare pipeline:
//!
//! - `prompt`: the same three messages rendered from a prompt (a copy of `examples/prompts`
//!   in a temporary directory, plus the payload as a template);
//! - `budget`: one global (month) and one tenant (day) money limit, in-memory store;
//! - `cache_miss`: the exact cache (moka, defaults); every iteration sets a new `seed`, so
//!   every call is a miss that stores its answer (a full cache evicts, as in production);
//! - `router`: one group of two deployments, the first always answers;
//! - `ledger`: the cost ledger (its pricer prices every record, the observer accounts it);
//! - `all`: everything at once, the model coming from the prompt and naming the router's
//!   group.
//!
//! Every case sets the per-iteration seed (a field write), so the bare case differs from the
//! others only by the layers.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

use criterion::{BenchmarkId, Criterion};
use llmops::cache::Cache;
use llmops::cost::budget::{Budgets, Limit, Scope, Window};
use llmops::cost::{CostLedger, PriceTable, TablePricer};
use llmops::prompts::PromptStore;
use llmops::routing::Router;
use llmops::{CacheOutcome, ChatRequest, Client, Money, ScriptedProvider};
use tokio::runtime::Runtime;

use crate::payload::{Count, REPLY, request};

/// The payload's three messages as a template; the model is the router's group.
const PROMPT: &str = r#"---
model: bench
config: {temperature: 0, max_tokens: 300}
input:
  schema:
    company: string
    order: string
    problem: string
---
{{role "system"}}
You are a support assistant for {{company}}. Answer briefly, cite the policy section, and never promise refunds. You are a support assistant for {{company}}. Answer briefly, cite the policy section, and never promise refunds. You are a support assistant for {{company}}. Answer briefly, cite the policy section, and never promise refunds.
{{role "user"}}
My order {{order}} arrived damaged; {{problem}} What can I do? My order {{order}} arrived damaged; {{problem}} What can I do? My order {{order}} arrived damaged; {{problem}} What can I do? My order {{order}} arrived damaged; {{problem}} What can I do?
{{role "assistant"}}
I am sorry to hear that. Could you share a photo of the damage and the order number? I am sorry to hear that. Could you share a photo of the damage and the order number?
"#;

/// The bench's prices: the group name (what budgets price before routing) and both
/// deployments (what the pricer prices per attempt).
const PRICES: &str = r#"{
  "bench": {"input_cost_per_token": 2.5e-6, "output_cost_per_token": 1e-5,
            "litellm_provider": "scripted", "max_output_tokens": 16384},
  "scripted/bench": {"input_cost_per_token": 2.5e-6, "output_cost_per_token": 1e-5,
                     "litellm_provider": "scripted", "max_output_tokens": 16384},
  "backup/bench": {"input_cost_per_token": 2.5e-6, "output_cost_per_token": 1e-5,
                   "litellm_provider": "backup", "max_output_tokens": 16384}
}"#;

#[derive(Clone, Copy, Default)]
struct Layers {
    prompts: bool,
    budget: bool,
    cache: bool,
    router: bool,
    ledger: bool,
}

struct Setup {
    _dir: tempfile::TempDir,
    store: PromptStore,
    prices: Arc<PriceTable>,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().expect("tempdir");
        copy_dir(
            &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/prompts"),
            dir.path(),
        );
        let p = dir.path().join("bench-support");
        std::fs::create_dir_all(&p).expect("dir");
        std::fs::write(p.join("1.prompt"), PROMPT).expect("prompt");
        std::fs::write(p.join("labels.yaml"), "production: 1\n").expect("labels");
        let store = PromptStore::open(dir.path()).expect("store");
        let prices =
            Arc::new(PriceTable::from_json_str(PRICES, "bench-prices.json").expect("prices"));
        Setup {
            _dir: dir,
            store,
            prices,
        }
    }

    /// A fresh client (fresh cache, counters and ledger) with these layers.
    fn client(&self, l: Layers) -> (Client, Option<Budgets>, Option<Cache>, Option<CostLedger>) {
        let mut b = Client::builder()
            .provider(ScriptedProvider::new().repeat(REPLY))
            .observer(Count::default());
        if l.router {
            b = b
                .provider(ScriptedProvider::named("backup").repeat(REPLY))
                .router(
                    Router::builder()
                        .group("bench", ["scripted/bench", "backup/bench"])
                        .build()
                        .expect("router"),
                );
        }
        if l.prompts {
            b = b.prompts(self.store.clone());
        }
        let budgets = l.budget.then(|| {
            let big = Money::usd_str("1000000000").expect("usd");
            Budgets::builder()
                .prices(self.prices.clone())
                .limit(Limit::money(Scope::Global, Window::Month, big.clone()))
                .limit(Limit::money(Scope::Tenant, Window::Day, big))
                .build()
                .expect("budgets")
        });
        if let Some(bu) = &budgets {
            b = b.budgets(bu.clone());
        }
        let cache = l.cache.then(|| Cache::builder().build().expect("cache"));
        if let Some(c) = &cache {
            b = b.cache(c.clone());
        }
        let ledger = l
            .ledger
            .then(|| CostLedger::new(Arc::new(TablePricer::new(self.prices.clone()))));
        if let Some(led) = &ledger {
            b = b.cost_ledger(led.clone());
        }
        (b.build().expect("client"), budgets, cache, ledger)
    }
}

fn written(model: &str) -> ChatRequest {
    request().model(model).temperature(0.0).max_tokens(300)
}

fn prompted() -> ChatRequest {
    ChatRequest::from_prompt("bench-support")
        .var("company", "ACME")
        .var("order", "A-1729")
        .var("problem", "the box was crushed and the glass cracked.")
        .tenant("acme")
}

pub(crate) fn bench(c: &mut Criterion, rt: &Runtime) {
    let setup = Setup::new();
    // the rendered prompt is the payload: same three messages, same size (but for the
    // repetitions' trailing spaces)
    let rendered = setup
        .store
        .resolve("bench-support")
        .expect("prompt")
        .render_map(&prompted().prompt.expect("vars").vars)
        .expect("render");
    let bytes: usize = rendered.iter().map(|m| m.text().len()).sum();
    let payload: usize = request().messages.iter().map(|m| m.text().len()).sum();
    assert_eq!(rendered.len(), 3);
    assert!(
        bytes.abs_diff(payload) < 16,
        "{bytes} bytes rendered, {payload} written"
    );

    let none = Layers::default();
    let cases = [
        ("bare", written("scripted/bench"), none),
        (
            "prompt",
            prompted().model("scripted/bench"),
            Layers {
                prompts: true,
                ..none
            },
        ),
        (
            "budget",
            written("scripted/bench"),
            Layers {
                budget: true,
                ..none
            },
        ),
        (
            "cache_miss",
            written("scripted/bench"),
            Layers {
                cache: true,
                ..none
            },
        ),
        (
            "router",
            written("bench"),
            Layers {
                router: true,
                ..none
            },
        ),
        (
            "ledger",
            written("scripted/bench"),
            Layers {
                ledger: true,
                ..none
            },
        ),
        (
            "all",
            prompted(),
            Layers {
                prompts: true,
                budget: true,
                cache: true,
                router: true,
                ledger: true,
            },
        ),
    ];
    let seed = AtomicI64::new(0);
    let mut g = c.benchmark_group("pipeline/layers");
    for (name, req, layers) in cases {
        let (cl, budgets, cache, ledger) = setup.client(layers);
        let ran = AtomicI64::new(0);
        g.bench_function(BenchmarkId::new("client", name), |b| {
            b.to_async(rt).iter(|| {
                ran.fetch_add(1, Ordering::Relaxed);
                let cl = cl.clone();
                let mut req = req.clone();
                req.params.seed = Some(seed.fetch_add(1, Ordering::Relaxed));
                async move {
                    let r = cl.chat(req).await.expect("reply");
                    assert_eq!(r.text().len(), REPLY.len());
                    if layers.cache {
                        assert_eq!(r.meta.cache, Some(CacheOutcome::Miss));
                    }
                    if layers.router {
                        assert_eq!(r.meta.deployment.as_deref(), Some("scripted/bench"));
                    }
                }
            })
        });
        if ran.load(Ordering::Relaxed) == 0 {
            continue; // filtered out on the command line
        }
        // every exchange reserved and settled, stored in the cache, accounted once
        if let Some(b) = budgets {
            let s = b.stats();
            assert!(s.granted > 0 && s.granted == s.settled, "{s:?}");
            assert_eq!((s.refused, s.recounted, s.settled_unknown), (0, 0, 0));
        }
        if let Some(c) = cache {
            let s = c.stats();
            assert_eq!(s.exact_hits, 0, "{s:?}");
        }
        if let Some(l) = ledger {
            let t = l.totals();
            assert!(t.requests > 0 && t.unknown_cost_requests == 0);
        }
    }
    g.finish();
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for entry in std::fs::read_dir(from).expect("read_dir") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).expect("copy");
        }
    }
}
