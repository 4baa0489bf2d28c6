//! Cost control and resilient routing on one client with every issue-7 layer on: a prompt
//! from the prompt store, budgets, the exact cache, a router with a fallback chain and circuit
//! breakers, and the cost ledger pricing every exchange from the bundled price table.
//!
//! ```sh
//! cargo run --example cost_and_fallback
//! ```
//!
//! Offline: two scripted providers stand in for `openai` and `anthropic` (their failures are
//! scripted: a 429 with `Retry-After`, then 500s), the prompt directory is a copy of
//! `examples/prompts/` in a temporary directory; no API key, no server. The example checks
//! what it shows and exits non-zero (with the reason) when something does not hold, so CI
//! runs it as a test.

use std::collections::{BTreeMap, VecDeque};
use std::path::Path;
use std::process::ExitCode;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use futures_util::StreamExt;
use llmops::cache::Cache;
use llmops::cost::budget::{BudgetFile, Budgets};
use llmops::cost::{CostLedger, GroupBy, PriceTable, Pricing, Report, TablePricer};
use llmops::error::BudgetAmount;
use llmops::prompts::PromptStore;
use llmops::provider::scripted::Step;
use llmops::routing::{BreakerPolicy, BreakerState, Decision, RetryPolicy, RouteTrace, Router};
use llmops::{
    Alert, AlertSink, CacheOutcome, ChatRequest, ChatResponse, Client, Cost, Error, ExchangeRecord,
    MemoryObserver, Money, ProviderError, ProviderErrorKind, ScriptedProvider, StreamEvent,
    Tiktoken, TokenCounter, Usage, async_trait,
};

/// The route callers name; the router's group of the same name lists the primary deployment.
/// The budget reserves on the dearest deployment the router may try for it (the primary or
/// the fallback).
const ROUTE: &str = "gpt-4o-mini";
const PRIMARY: &str = "openai/gpt-4o-mini";
const FALLBACK: &str = "anthropic/claude-haiku-4-5";
/// Initech's summaries go straight to this deployment (no group: one candidate).
const SUMMARIES: &str = "openai/gpt-4.1-mini";

/// Budgets as an operator writes them (`Budgets::builder().file("budgets.toml")` reads the
/// same format from disk).
const BUDGETS: &str = r#"
unpriced = "refuse"          # a model the price table does not know is refused

[[limit]]
scope = "global"
window = "month"
usd = "100"

[[limit]]
scope = "tenant"             # every tenant: its own counter
window = "day"
usd = "5"

[[limit]]
name = "initech-daily"
scope = "tenant"
only = "initech"
window = "day"
usd = "0.0012"
alerts = [50, 100]
"#;

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

type Res<T> = Result<T, Box<dyn std::error::Error>>;

async fn run() -> Res<()> {
    let tmp = tempfile::tempdir()?;
    let dir = tmp.path().join("prompts");
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/prompts"),
        &dir,
    )?;
    let store = PromptStore::builder(&dir).open()?;
    let table = PriceTable::bundled()?;

    // The primary's outage is scripted: errors queued here are returned before any answer.
    let outage: Arc<Mutex<VecDeque<Error>>> = Arc::default();
    let openai = Arc::new(scripted("openai", Some(outage.clone())));
    let anthropic = Arc::new(scripted("anthropic", None));

    let router = Router::builder()
        .group(ROUTE, [PRIMARY])
        .group("backup", [FALLBACK])
        .fallback(ROUTE, ["backup"])
        .retry(
            RetryPolicy::default()
                .max_attempts(4)
                .retries_per_deployment(2)
                .backoff(Duration::from_millis(20), Duration::from_millis(200)),
        )
        .breaker(
            BreakerPolicy::default()
                .failures(3)
                .cooldown(Duration::from_secs(30)),
        )
        .build()?;
    let alerts = Arc::new(Alerts::default());
    let budgets = Budgets::builder()
        .apply(BudgetFile::parse(BUDGETS, "budgets.toml")?)
        .prices(table.clone())
        .alerts(alerts.clone())
        .build()?;
    let cache = Cache::builder().build()?;
    let ledger = CostLedger::new(Arc::new(TablePricer::new(table.clone())));
    let records = MemoryObserver::new();
    let client = Client::builder()
        .provider_arc(openai.clone())
        .provider_arc(anthropic.clone())
        .prompts(store.clone())
        .budgets(budgets.clone())
        .cache(cache.clone())
        .router(router.clone())
        .cost_ledger(ledger.clone())
        .observer(records.clone())
        .build()?;

    // 1. Before sending: the prompt as the prompt stage will render it, counted exactly, and
    // what it will cost (200 output tokens at most: the prompt version's `max_tokens`).
    println!("1. Estimate before sending");
    let vars = BTreeMap::from([
        ("customer".to_owned(), "Ada".into()),
        ("question".to_owned(), "Where is my order A-1729?".into()),
    ]);
    let planned = ChatRequest::new(ROUTE)
        .messages(store.resolve("support-reply")?.render(&vars)?)
        .max_tokens(200);
    let counted = planned.count_tokens();
    let bound = planned.token_upper_bound();
    let expected_out = 40;
    let estimate = table.cost(
        ROUTE,
        &Usage::new(counted.tokens, expected_out),
        Pricing::Standard,
    );
    let max = table.max_cost(ROUTE, &bound, Pricing::Standard);
    println!(
        "   input: {} tokens ({:?}); cost with a {expected_out}-token reply: {}",
        counted.tokens,
        counted.source,
        show(&estimate)
    );
    println!(
        "   upper bound (no tokenizer, what a budget reserves): {} input + {} output tokens, at most {}",
        bound.input_tokens,
        bound.output_tokens.unwrap_or_default(),
        show(&max)
    );

    // 2. Send it: the prompt stage renders it, the router sends it to the primary, the ledger
    // prices the provider's usage. The same deterministic request again is an exact cache hit.
    println!("\n2. The exact cache");
    let support = || {
        ChatRequest::from_prompt("support-reply")
            .model(ROUTE)
            .var("customer", "Ada")
            .var("question", "Where is my order A-1729?")
            .temperature(0.0) // deterministic: cached (the request's value wins over the prompt's 0.2)
            .tenant("acme")
            .feature("support")
    };
    let first = client.chat(support()).await?;
    let version = first
        .meta
        .prompt
        .as_ref()
        .map(|p| format!("{}@{}", p.name, p.version))
        .unwrap_or_default();
    println!(
        "   miss: {:?} from {} ({version}), {} in / {} out tokens, cost {}",
        first.text(),
        first.meta.deployment.as_deref().unwrap_or("?"),
        first.usage.input_tokens,
        first.usage.output_tokens,
        show(&first.meta.cost)
    );
    check(
        first.meta.cache == Some(CacheOutcome::Miss),
        "the first request must miss",
    )?;
    check(
        first.usage.input_tokens == counted.tokens,
        "the rendered request was not the one estimated",
    )?;
    check(
        first.meta.cost == table.cost(PRIMARY, &first.usage, Pricing::Standard)
            && cost_le(&first.meta.cost, &max),
        "the cost must be the table's price of the usage, within the bound",
    )?;
    let calls = openai.calls();
    let second = client.chat(support()).await?;
    println!(
        "   hit:  {:?}, cache {:?}, {} attempts, cost {}, provider calls {} -> {}",
        second.text(),
        second.meta.cache,
        second.meta.attempts,
        show(&second.meta.cost),
        calls,
        openai.calls()
    );
    check(
        matches!(second.meta.cache, Some(CacheOutcome::Hit { .. }))
            && second.meta.cost == Cost::Known(Money::zero())
            && openai.calls() == calls
            && second.text() == first.text(),
        "the same request again must be a hit, cost zero, no provider call",
    )?;

    // A streamed answer is recorded as it passes and replayed, event for event.
    let tracking = || support().var("question", "Can I get the tracking link?");
    let live = collect(&client, tracking()).await?;
    let calls = openai.calls();
    let replay = collect(&client, tracking()).await?;
    let rec = last(&records)?;
    println!(
        "   stream: {} events live, {} replayed from the cache ({:?}), provider calls {} -> {}",
        live.len(),
        replay.len(),
        rec.cache,
        calls,
        openai.calls()
    );
    check(
        live == replay && matches!(rec.cache, Some(CacheOutcome::Hit { .. })),
        "the streamed answer must be replayed from the cache",
    )?;
    check(
        openai.calls() == calls,
        "a replay must not call the provider",
    )?;
    let stats = cache.stats();
    println!(
        "   cache: {} exact hits, {} misses",
        stats.exact_hits, stats.misses
    );

    // 3. The primary fails: a 429 with Retry-After, then 500s. The router waits what the
    // provider asked, backs off with jitter, then falls back.
    println!("\n3. Retries, then the fallback");
    queue(&outage).extend([
        ProviderError::new(
            ProviderErrorKind::RateLimited,
            "openai",
            "Rate limit reached for gpt-4o-mini",
        )
        .with_status(429)
        .with_retry_after(Some(Duration::from_millis(300)))
        .into(),
        server_error(),
        server_error(),
    ]);
    let ask = |q: &str| {
        ChatRequest::new(ROUTE)
            .system("You are Globex's billing assistant. Be brief.")
            .user(q)
            .max_tokens(150)
            .temperature(0.0)
            .tenant("globex")
            .feature("billing")
    };
    let r = client.chat(ask("Why was I charged twice?")).await?;
    let trace = RouteTrace::from_annotations(&r.meta.annotations).ok_or("no routing trace")?;
    print_trace(&trace);
    println!(
        "   answer {:?} from {} after {} attempts, cost {}",
        r.text(),
        r.meta.deployment.as_deref().unwrap_or("?"),
        r.meta.attempts,
        show(&r.meta.cost)
    );
    check(
        trace.served_by.as_deref() == Some(FALLBACK) && r.meta.attempts == 4,
        "three attempts on the primary, then the fallback",
    )?;
    check(
        trace.waits().next().map(|(d, _)| d) == Some(Duration::from_millis(300)),
        "the first wait must be the provider's Retry-After",
    )?;
    let fallback_rec = last(&records)?;

    // 4. Three failures in a row opened the primary's breaker: the next request goes straight
    // to the fallback, without calling the primary.
    println!("\n4. The circuit breaker");
    let state = router.breaker_state(PRIMARY);
    println!("   {PRIMARY}: {state:?}");
    check(
        matches!(state, Some(BreakerState::Open { .. })),
        "the breaker must be open",
    )?;
    let calls = openai.calls();
    let r = client.chat(ask("Can I pay by bank transfer?")).await?;
    let trace = RouteTrace::from_annotations(&r.meta.annotations).ok_or("no routing trace")?;
    print_trace(&trace);
    check(
        trace.skipped().any(|(d, _)| d == PRIMARY)
            && openai.calls() == calls
            && r.meta.deployment.as_deref() == Some(FALLBACK),
        "an open breaker must send the request straight to the fallback",
    )?;

    // 5. Budgets: initech has $0.0012 a day, with alerts at 50% and 100%. Each request
    // reserves its upper bound, settles to its real cost, and is refused once the bound no
    // longer fits (after an exact recount).
    println!("\n5. Budgets");
    let summary = |n: usize| {
        ChatRequest::new(SUMMARIES)
            .user(format!("Summarise the Q3 report, part {n}."))
            .max_tokens(160)
            .tenant("initech")
            .feature("summaries")
    };
    let mut granted = 0;
    let mut over_half = 0;
    let mut refusal = None;
    for n in 1..=8 {
        match client.chat(summary(n)).await {
            Ok(r) => {
                granted += 1;
                let status = budgets
                    .status(&llmops::Caller::default().tenant("initech"))
                    .await?;
                let mine = status
                    .iter()
                    .find(|s| s.budget == "initech-daily")
                    .ok_or("no initech-daily counter")?;
                let pct = share(&mine.spent, &mine.limit);
                if pct >= 50.0 {
                    over_half += 1;
                }
                println!(
                    "   request {n}: cost {}, initech-daily spent {} of {} ({pct:.0}%), alerts so far: {}",
                    show(&r.meta.cost),
                    mine.spent,
                    mine.limit,
                    alerts.len()
                );
            }
            Err(Error::BudgetExceeded(why)) => {
                println!("   request {n}: refused: {why}");
                refusal = Some(why);
                break;
            }
            Err(e) => return Err(e.into()),
        }
    }
    let why = refusal.ok_or("the budget never refused")?;
    check(
        why.budget == "initech-daily" && why.scope == "tenant=initech",
        "the refusal must name the limit and its scope",
    )?;
    let fired = alerts.all();
    for a in &fired {
        println!("   alert [{:?}] {}", a.severity, a.message);
    }
    check(
        over_half >= 2 && fired.len() == 1,
        "the 50% alert must fire once, though several requests ended above 50%",
    )?;
    check(granted >= 2, "requests under the limit must be granted")?;

    // 6. The ledger: every exchange once (cache hits and the refusal at zero), failed
    // attempts included, by tenant, model and prompt version.
    println!("\n6. The cost ledger");
    client.flush().await?;
    print_report("tenant", &ledger.report(&[GroupBy::Tenant]));
    print_report("model", &ledger.report(&[GroupBy::Model]));
    print_report("prompt version", &ledger.report(&[GroupBy::PromptVersion]));

    let recs = records.records();
    let totals = ledger.totals();
    let mut sum = Money::zero();
    for rec in &recs {
        let Cost::Known(m) = &rec.cost else {
            return Err(format!("exchange {} has no known cost", rec.request_id).into());
        };
        sum = sum.checked_add(m).ok_or("overflow")?;
    }
    let attempts: usize = recs.iter().map(|r| r.attempts.len()).sum();
    println!(
        "   total: {} exchanges, {} attempts, {}; records sum to {sum}",
        totals.requests, totals.attempts, totals.cost
    );
    check(
        totals.requests as usize == recs.len() && totals.attempts as usize == attempts,
        "one ledger entry per exchange, every attempt once",
    )?;
    check(
        totals.cost == sum && totals.unknown_cost_requests == 0,
        "the ledger's total must be the sum of the records' costs",
    )?;
    charged_once(&ledger, &fallback_rec, &recs)?;
    println!("\nAll checks passed.");
    Ok(())
}

/// The fallback exchange: its failed attempts cost nothing (no tokens reported), its reply is
/// charged once at the fallback's price, and the fallback model's ledger row is exactly the
/// exchanges it served.
fn charged_once(ledger: &CostLedger, rec: &ExchangeRecord, recs: &[ExchangeRecord]) -> Res<()> {
    let priced = ledger.pricer().breakdown(rec);
    for line in &priced.lines {
        println!(
            "   the fallback exchange, attempt {} on {}: {} in / {} out tokens, {}",
            line.attempt,
            line.deployment,
            line.usage.input_tokens,
            line.usage.output_tokens,
            show(&line.cost)
        );
    }
    let (failed, served) = priced.lines.split_at(priced.lines.len().saturating_sub(1));
    let zero = Cost::Known(Money::zero());
    check(
        failed.len() == 3 && failed.iter().all(|l| l.cost == zero),
        "the failed attempts must cost nothing",
    )?;
    check(
        served.len() == 1 && served.iter().all(|l| l.cost == rec.cost),
        "the exchange must cost its fallback's reply, once",
    )?;
    let mut expected = Money::zero();
    for r in recs {
        for a in r.attempts.iter().filter(|a| a.deployment == FALLBACK) {
            let usage = a.usage.unwrap_or_default();
            if let Cost::Known(m) =
                ledger
                    .pricer()
                    .table()
                    .cost(FALLBACK, &usage, Pricing::Standard)
            {
                expected = expected.checked_add(&m).ok_or("overflow")?;
            }
        }
    }
    let by_model = ledger.report(&[GroupBy::Model]);
    let row = by_model
        .rows
        .iter()
        .find(|b| b.key.first().and_then(|k| k.as_deref()) == Some(FALLBACK))
        .ok_or("no ledger row for the fallback")?;
    check(
        row.cost == expected,
        "the fallback's ledger row must be what its replies cost, each once",
    )
}

/// A scripted provider that answers every request (usage: the request counted exactly, the
/// reply's tokens), after returning the errors queued in `outage`, if any.
fn scripted(name: &'static str, outage: Option<Arc<Mutex<VecDeque<Error>>>>) -> ScriptedProvider {
    ScriptedProvider::named(name)
        .chunks(6)
        .responder(move |req| {
            if let Some(e) = outage.as_ref().and_then(|o| queue(o).pop_front()) {
                return Some(Step::Fail(e));
            }
            let q = req.last_user_text().unwrap_or_default();
            let text = if q.contains("Q3") {
                "Q3 revenue grew 12% on subscriptions; churn fell to 2.1%; the hardware line \
                 missed plan by 4% on supply delays; operating margin reached 18%. "
                    .repeat(4)
            } else if q.contains("tracking") {
                "Here is your tracking link: https://track.example/A-1729. It updates hourly."
                    .to_owned()
            } else if q.contains("A-1729") {
                "Your order A-1729 shipped on Monday and arrives Thursday.".to_owned()
            } else {
                format!("[{name}] Thanks, I have looked into it: all sorted.")
            };
            let out = Tiktoken::for_model("gpt-4o").count(&text) as u64;
            let usage = Usage::new(req.count_tokens().tokens, out);
            Some(Step::Reply(ChatResponse::new(text).with_usage(usage)))
        })
}

fn server_error() -> Error {
    ProviderError::new(
        ProviderErrorKind::Server,
        "openai",
        "The server had an error",
    )
    .with_status(500)
    .into()
}

/// Streams one request to its end and returns its events.
async fn collect(client: &Client, req: ChatRequest) -> Res<Vec<StreamEvent>> {
    let mut s = client.chat_stream(req).await?;
    let mut events = Vec::new();
    while let Some(ev) = s.next().await {
        events.push(ev?);
    }
    Ok(events)
}

fn print_trace(t: &RouteTrace) {
    println!(
        "   route `{}`, candidates {:?}, served by {}",
        t.route,
        t.candidates,
        t.served_by.as_deref().unwrap_or("-")
    );
    for d in &t.decisions {
        let line = match d {
            Decision::Skip {
                deployment, reason, ..
            } => format!("skip    {deployment}: {reason:?}"),
            Decision::Attempt {
                deployment,
                attempt,
            } => format!("attempt {attempt} on {deployment}"),
            Decision::Failed {
                deployment,
                attempt,
                error,
                then,
            } => format!("failed  {attempt} on {deployment}: {error}, then {then:?}"),
            Decision::Wait {
                deployment,
                ms,
                reason,
            } => format!("wait    {ms} ms for {deployment}: {reason:?}"),
            other => format!("{other:?}"),
        };
        println!("     - {line}");
    }
}

fn print_report(by: &str, r: &Report) {
    println!("   by {by}:");
    for b in &r.rows {
        let key: Vec<&str> = b.key.iter().map(|k| k.as_deref().unwrap_or("-")).collect();
        println!(
            "     {:<34} {:>2} requests {:>2} attempts {:>2} cache hits  {}",
            key.join(" / "),
            b.requests,
            b.attempts,
            b.cache_hits,
            b.cost
        );
    }
}

fn show(c: &Cost) -> String {
    match c {
        Cost::Known(m) => m.to_string(),
        other => format!("{other:?}"),
    }
}

fn cost_le(a: &Cost, b: &Cost) -> bool {
    matches!((a.known(), b.known()), (Some(a), Some(b)) if a.amount <= b.amount)
}

/// `spent` as a share of `limit`, in percent (for display).
fn share(spent: &BudgetAmount, limit: &BudgetAmount) -> f64 {
    match (spent, limit) {
        (BudgetAmount::Money(s), BudgetAmount::Money(l)) if l.as_f64() > 0.0 => {
            s.as_f64() * 100.0 / l.as_f64()
        }
        (BudgetAmount::Tokens(s), BudgetAmount::Tokens(l)) if *l > 0 => {
            *s as f64 * 100.0 / *l as f64
        }
        _ => 0.0,
    }
}

fn check(ok: bool, what: &str) -> Res<()> {
    if ok { Ok(()) } else { Err(what.into()) }
}

fn last(records: &MemoryObserver) -> Res<ExchangeRecord> {
    Ok(records.records().pop().ok_or("no record")?)
}

fn queue(q: &Mutex<VecDeque<Error>>) -> MutexGuard<'_, VecDeque<Error>> {
    q.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Collects budget alerts (any `AlertSink`: a webhook, a pager, llmops-trace's sinks).
#[derive(Default)]
struct Alerts(Mutex<Vec<Alert>>);

impl Alerts {
    fn all(&self) -> Vec<Alert> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .clone()
    }
    fn len(&self) -> usize {
        self.all().len()
    }
}

#[async_trait]
impl AlertSink for Alerts {
    async fn send(&self, a: &Alert) -> llmops::Result<()> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push(a.clone());
        Ok(())
    }
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}
