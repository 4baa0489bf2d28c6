//! Decisions of the whole policy: order of checks, rate limits, store failures.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use llmops_core::routing::{Grant, LimitStore, Rate, Take};
use llmops_core::{Caller, Error, GateDecision, ToolCall, ToolSpec};
use serde_json::json;

use super::*;

fn refund_spec() -> ToolSpec {
    ToolSpec::new(
        "refund",
        "Refunds an order",
        json!({
            "type": "object",
            "properties": {
                "order": { "type": "string" },
                "amount": { "type": "number" }
            },
            "required": ["order", "amount"]
        }),
    )
}

fn policy(store: Option<Arc<dyn LimitStore>>) -> ToolPolicy {
    let mut b = ToolPolicy::builder().spec(&refund_spec()).tool(
        ToolRule::new("refund")
            .roles(["billing", "admin"])
            .constraint(Constraint::at("/amount").range(0.0, 500.0))
            .rate_limit(ToolRateLimit::per_minute(2))
            .require_approval("refunds move money"),
    );
    if let Some(s) = store {
        b = b.limit_store(s);
    }
    b.build().unwrap()
}

fn billing(user: &str) -> Caller {
    Caller::default().tenant("acme").user(user).role("billing")
}

fn call(args: &str) -> ToolCall {
    ToolCall::new("c1", "refund", args)
}

fn deny_reason(d: GateDecision) -> String {
    match d {
        GateDecision::Deny { reason } => reason,
        other => panic!("expected a denial, got {other:?}"),
    }
}

#[tokio::test(start_paused = true)]
async fn checks_run_in_order_and_approval_comes_last() {
    let p = policy(None);
    // roles before anything else: an invalid call by the wrong role names the role problem
    let r = deny_reason(
        p.decide(&call("not json"), &Caller::default().role("support"))
            .await,
    );
    assert_eq!(r, "tool `refund` is not allowed for roles [support]");
    // an invalid call is never sent for approval
    let r = deny_reason(
        p.decide(&call(r#"{"order": "o-1", "amount": 9000}"#), &billing("u1"))
            .await,
    );
    assert_eq!(
        r,
        "argument `/amount` of `refund` is outside the allowed range [0, 500]"
    );
    // a valid one is
    assert_eq!(
        p.decide(&call(r#"{"order": "o-1", "amount": 20}"#), &billing("u1"))
            .await,
        GateDecision::RequireApproval {
            reason: "refunds move money".into()
        }
    );
}

#[tokio::test(start_paused = true)]
async fn rate_limits_are_per_user_and_refill() {
    let p = policy(None);
    let ok = call(r#"{"order": "o-1", "amount": 20}"#);
    for _ in 0..2 {
        assert!(matches!(
            p.decide(&ok, &billing("u1")).await,
            GateDecision::RequireApproval { .. }
        ));
    }
    let r = deny_reason(p.decide(&ok, &billing("u1")).await);
    assert_eq!(
        r,
        "tool `refund` is over its rate limit (2 calls per 60s per user); retry after 30s"
    );
    // invalid calls take nothing: u2 still has its two
    for _ in 0..3 {
        deny_reason(p.decide(&call("{}"), &billing("u2")).await);
    }
    for _ in 0..2 {
        assert!(matches!(
            p.decide(&ok, &billing("u2")).await,
            GateDecision::RequireApproval { .. }
        ));
    }
    // the same user id in another tenant is another bucket
    let other = Caller::default()
        .tenant("globex")
        .user("u1")
        .role("billing");
    assert!(matches!(
        p.decide(&ok, &other).await,
        GateDecision::RequireApproval { .. }
    ));
    tokio::time::advance(Duration::from_secs(30)).await;
    assert!(matches!(
        p.decide(&ok, &billing("u1")).await,
        GateDecision::RequireApproval { .. }
    ));
}

/// A store that fails, counting calls.
struct Broken(AtomicUsize);

#[async_trait::async_trait]
impl LimitStore for Broken {
    fn name(&self) -> &str {
        "broken"
    }
    async fn try_take(&self, _takes: &[Take<'_>]) -> llmops_core::Result<Grant> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Err(Error::config("unreachable"))
    }
    fn adjust(&self, _key: &str, _rate: Rate, _delta: i64) {}
}

#[tokio::test]
async fn a_failing_store_denies_unless_told_otherwise() {
    let store = Arc::new(Broken(AtomicUsize::new(0)));
    let p = policy(Some(store.clone()));
    let ok = call(r#"{"order": "o-1", "amount": 20}"#);
    let r = deny_reason(p.decide(&ok, &billing("u1")).await);
    assert_eq!(
        r,
        "the rate limit of tool `refund` could not be checked (limit store `broken`: config); refused"
    );
    let open = ToolPolicy::builder()
        .tool(
            ToolRule::new("refund")
                .role("billing")
                .rate_limit(ToolRateLimit::per_minute(1)),
        )
        .limit_store(store.clone())
        .on_store_error(StoreFailure::Allow)
        .build()
        .unwrap();
    assert_eq!(open.decide(&ok, &billing("u1")).await, GateDecision::Allow);
    assert_eq!(store.0.load(Ordering::Relaxed), 2);
}

/// Records the keys it is asked for.
#[derive(Default)]
struct Recording(std::sync::Mutex<Vec<(String, u64)>>);

#[async_trait::async_trait]
impl LimitStore for Recording {
    async fn try_take(&self, takes: &[Take<'_>]) -> llmops_core::Result<Grant> {
        let mut seen = self.0.lock().unwrap();
        seen.extend(takes.iter().map(|t| (t.key.to_owned(), t.rate.capacity)));
        Ok(Grant::Granted)
    }
    fn adjust(&self, _key: &str, _rate: Rate, _delta: i64) {}
}

#[tokio::test]
async fn every_limit_of_a_tool_is_taken_in_one_call() {
    let store = Arc::new(Recording::default());
    let p = ToolPolicy::builder()
        .tool(
            ToolRule::new("search")
                .everyone()
                .rate_limit(ToolRateLimit::per_minute(10))
                .rate_limit(ToolRateLimit::per_minute(100).key(LimitKey::Tenant))
                .rate_limit(ToolRateLimit::per_minute(1000).key(LimitKey::Global)),
        )
        .limit_store(store.clone())
        .build()
        .unwrap();
    let c = ToolCall::new("c", "search", "");
    assert_eq!(
        p.decide(&c, &Caller::default().tenant("acme").user("u1"))
            .await,
        GateDecision::Allow
    );
    assert_eq!(
        *store.0.lock().unwrap(),
        [
            ("tool-limit:6:search:0:user:t4:acme:u2:u1".to_owned(), 10),
            ("tool-limit:6:search:1:tenant:t4:acme".to_owned(), 100),
            ("tool-limit:6:search:2:global".to_owned(), 1000),
        ]
    );
}

#[tokio::test]
async fn unknown_tools_and_callers() {
    let p = ToolPolicy::builder()
        .tool(ToolRule::new("search").everyone())
        .tool(ToolRule::new("delete_all").role("admin"))
        .build()
        .unwrap();
    let anon = Caller::default();
    assert_eq!(
        p.decide(&ToolCall::new("c", "search", "{}"), &anon).await,
        GateDecision::Allow
    );
    assert_eq!(
        deny_reason(
            p.decide(&ToolCall::new("c", "delete_all", "{}"), &anon)
                .await
        ),
        "tool `delete_all` is not allowed for a caller without roles"
    );
    let tricky = format!("no_such_tool`\n{}", "x".repeat(100));
    let r = deny_reason(
        p.decide(
            &ToolCall::new("c", tricky, "{}"),
            &Caller::default().role("admin").role("ops"),
        )
        .await,
    );
    assert!(
        r.starts_with("tool `no_such_tool??xxx")
            && r.ends_with("…` is not allowed for roles [admin, ops]"),
        "{r}"
    );
    // a role named like the wildcard does not open every tool
    assert!(!p.may_call("delete_all", &Caller::default().role("*")));
    assert!(p.may_call("search", &Caller::default().role("*")));
}

#[test]
fn builder_refuses_duplicates_and_unknown_tools() {
    let e = ToolPolicy::builder()
        .tool(ToolRule::new("a").everyone())
        .tool(ToolRule::new("a").role("x"))
        .build()
        .unwrap_err();
    assert_eq!(
        e.to_string(),
        "tool policy rule for `a`: a second rule for the same tool"
    );
    let e = ToolPolicy::builder()
        .spec(&refund_spec())
        .tool(ToolRule::new("refnd").everyone())
        .build()
        .unwrap_err();
    assert!(
        matches!(e, PolicyError::Rule { ref tool, .. } if tool == "refnd"),
        "{e}"
    );
    let e = ToolPolicy::builder()
        .spec(&ToolSpec::new("bad", "", json!({"type": 5})))
        .tool(ToolRule::new("bad").everyone())
        .build()
        .unwrap_err();
    assert!(
        matches!(e, PolicyError::Schema { ref tool, .. } if tool == "bad"),
        "{e}"
    );
    // a core error of the config class, for hosts that use core's `Result`
    let core: llmops_core::Error = e.into();
    assert_eq!(core.class().as_str(), "config");
}
