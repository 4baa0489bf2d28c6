//! Faults through the real router with every cost layer on (pricer, ledger, budget): whatever
//! fails, each exchange is reserved once, settled once, charged once — every attempt that
//! consumed tokens at its own deployment's price, nothing twice — and the ledger, the budget
//! counter and the records agree to the nano-dollar.

use std::sync::Arc;
use std::time::Duration;

use llmops_core::cost::budget::{Budgets, Limit, Scope, Window};
use llmops_core::cost::{CostLedger, GroupBy, PriceTable, Pricing, TablePricer};
use llmops_core::error::BudgetAmount;
use llmops_core::*;

use super::support::{chaos, fault_router};

/// primary: $1/$2 per million tokens; backup: $3/$6 (a dearer fallback).
fn prices() -> Arc<PriceTable> {
    Arc::new(
        PriceTable::from_json_str(
            r#"{"primary/m": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6,
                 "litellm_provider": "primary", "max_output_tokens": 1000},
                "backup/m": {"input_cost_per_token": 3e-6, "output_cost_per_token": 6e-6,
                 "litellm_provider": "backup", "max_output_tokens": 1000}}"#,
            "fault-prices.json",
        )
        .unwrap(),
    )
}

/// Fails with the fault the request's last word names (`support::chaos`); `partial` streams
/// two chunks (tokens consumed and charged) and then cuts the connection.
fn primary() -> ScriptedProvider {
    chaos("primary").repeat_with(ChatResponse::new("primary ok").with_usage(Usage::new(20, 4)))
}

fn backup() -> ScriptedProvider {
    ScriptedProvider::named("backup")
        .repeat_with(ChatResponse::new("backup ok").with_usage(Usage::new(30, 5)))
}

struct Setup {
    client: Client,
    ledger: CostLedger,
    budgets: Budgets,
    obs: MemoryObserver,
}

fn setup() -> Setup {
    let router = fault_router(Duration::from_secs(5));
    let budgets = Budgets::builder()
        .prices(prices())
        .limit(Limit::money(
            Scope::Global,
            Window::Day,
            Money::usd_str("10").unwrap(),
        ))
        .build()
        .unwrap();
    let ledger = CostLedger::new(Arc::new(TablePricer::new(prices())));
    let obs = MemoryObserver::new();
    let client = Client::builder()
        .provider(primary())
        .provider(backup())
        .router(router)
        .budgets(budgets.clone())
        .cost_ledger(ledger.clone())
        .observer(obs.clone())
        .build()
        .unwrap();
    Setup {
        client,
        ledger,
        budgets,
        obs,
    }
}

fn req(fault: &str) -> ChatRequest {
    ChatRequest::new("chat")
        .user(format!("please {fault}"))
        .max_tokens(50)
        .tenant("acme")
}

#[tokio::test(start_paused = true)]
async fn every_fault_is_reserved_settled_and_charged_exactly_once() {
    let s = setup();
    let faults = [
        "rate", "server", "decode", "hang", "cut0", "partial", "fine", "quota",
    ];
    let mut streamed_partial = None;
    for f in faults {
        let _ = s.client.chat(req(f)).await;
        let streamed = match s.client.chat_stream(req(f)).await {
            Ok(st) => st.into_response().await,
            Err(e) => Err(e),
        };
        if f == "partial" {
            streamed_partial = Some(streamed);
        }
    }
    let recs = s.obs.records();
    assert_eq!(recs.len(), faults.len() * 2, "one record per exchange");
    let table = prices();

    // each record: the sum of its attempts, each at its own deployment's price, one line per
    // attempt (a retried or fallen-back request is not charged twice for one attempt)
    let pricer = s.ledger.pricer();
    let mut total = Money::zero();
    for r in &recs {
        let Cost::Known(m) = &r.cost else {
            panic!("unpriced record {r:?}")
        };
        let b = pricer.breakdown(r);
        assert_eq!(&b.cost, &r.cost);
        if r.attempts.is_empty() {
            assert!(m.amount.is_zero(), "no attempt, no cost: {r:?}");
        } else {
            assert_eq!(b.lines.len(), r.attempts.len());
        }
        let mut sum = Money::zero();
        for (line, a) in b.lines.iter().zip(&r.attempts) {
            assert_eq!(
                line.priced_as.as_deref(),
                Some(a.deployment.as_str()),
                "{a:?}"
            );
            let Cost::Known(c) = &line.cost else {
                panic!("{line:?}")
            };
            if a.usage.is_none()
                || a.usage_source == UsageSource::Provider && a.usage.is_some_and(|u| u.is_zero())
            {
                assert!(
                    c.amount.is_zero(),
                    "nothing consumed, nothing charged: {line:?}"
                );
            }
            sum = sum.checked_add(c).unwrap();
        }
        assert_eq!(
            sum.amount, m.amount,
            "{:?}: cost = its attempts",
            r.attempts
        );
        total = total.checked_add(m).unwrap();
    }

    // the backup's answers were charged once each at the backup's price
    let backup_answers = recs
        .iter()
        .filter(|r| {
            r.outcome == Outcome::Completed && r.attempts.last().unwrap().provider == "backup"
        })
        .count();
    for r in &recs {
        eprintln!(
            "{:?} {:?} {:?}",
            r.outcome,
            r.attempts
                .iter()
                .map(|a| (&a.provider, &a.deployment, a.usage, &a.outcome))
                .collect::<Vec<_>>(),
            r.cost
        );
    }
    // rate, server, decode, hang and cut0 fall back, full and streamed; `partial` too when the
    // caller asked for a full reply (no chunk reached it)
    assert_eq!(backup_answers, 11);
    let by_dep = s.ledger.report(&[GroupBy::Deployment]);
    let backup_row = by_dep
        .rows
        .iter()
        .find(|r| r.key == [Some("backup/m".to_owned())])
        .unwrap();
    let one = table.cost("backup/m", &Usage::new(30, 5), Pricing::Standard);
    let Cost::Known(one) = one else { panic!() };
    assert_eq!(backup_row.requests as usize, backup_answers);
    assert_eq!(backup_row.cost, one.times(backup_answers as u64));

    // the partial stream: an error carrying what was received, the chunks it delivered charged
    let err = streamed_partial.unwrap().unwrap_err();
    assert_eq!(err.class(), ErrorClass::StreamInterrupted, "{err}");
    let cut = recs
        .iter()
        .find(|r| {
            r.outcome != Outcome::Completed
                && r.attempts
                    .iter()
                    .any(|a| a.usage.is_some_and(|u| u.output_tokens > 0))
        })
        .expect("the cut stream's record");
    assert!(
        matches!(&cut.cost, Cost::Known(m) if m.amount > Money::zero().amount),
        "{:?}",
        cut.cost
    );

    // the ledger and the budget counter agree with the records, to the nano-dollar
    let t = s.ledger.totals();
    assert_eq!(t.requests as usize, recs.len());
    assert_eq!(t.cost.amount, total.amount, "ledger = records");
    let attempts: usize = recs.iter().map(|r| r.attempts.len()).sum();
    assert_eq!(t.attempts as usize, attempts);

    let stats = s.budgets.stats();
    assert_eq!(
        stats.granted as usize,
        recs.len(),
        "one reservation per exchange"
    );
    assert_eq!(stats.settled as usize, recs.len(), "settled once each");
    assert_eq!(stats.refused, 0);
    let status = s.budgets.status(&Caller::default()).await.unwrap();
    assert_eq!(
        status[0].spent,
        BudgetAmount::Money(total),
        "budget = records"
    );
    assert_eq!(
        status[0].reserved,
        BudgetAmount::Money(Money::zero()),
        "no hold left"
    );

    assert_eq!(s.client.in_flight(), 0);
    assert_eq!(s.client.observer_panics(), 0);
}

#[tokio::test]
async fn the_reservation_is_priced_on_the_dearest_deployment_the_router_may_try() {
    let s = setup();
    let q = req("fine");
    let bound = q.token_upper_bound();
    let r = s.client.chat(q).await.unwrap();
    assert_eq!(r.text(), "primary ok");
    // the route `chat` is no model: its candidates are primary/m and the dearer backup/m
    let Cost::Known(most) = prices().max_cost("backup/m", &bound, Pricing::Standard) else {
        panic!("backup/m is priced")
    };
    let note = &r.meta.annotations[llmops_core::cost::budget::ANNOTATION];
    assert_eq!(
        note["reserved_usd"],
        most.amount.normalize().to_string(),
        "{note}"
    );

    // a request the router cannot route is the router's error, not a budget refusal
    let err = s
        .client
        .chat(ChatRequest::new("nowhere/x").user("hi").tenant("acme"))
        .await
        .unwrap_err();
    assert_ne!(err.class(), ErrorClass::BudgetExceeded, "{err}");
    assert_eq!(s.budgets.stats().granted, 1);
}
