//! Tool policy: `ToolGate::admit` of one `send_email` call (about 200 bytes of arguments)
//! through `Arc<dyn ToolGate>`, as the tool loop calls it.
//!
//! - `allow/schema_constraints`: roles, the tool's JSON Schema (4 properties, a pattern,
//!   `additionalProperties: false`), the longest-string check and two constraints (a suffix
//!   allow-list on `/to`, the same on every `/cc/*`): the allow path;
//! - `allow/schema_constraints_limit`: the same plus a per-user rate limit in the in-memory
//!   limit store;
//! - `allow/roles_only`: a tool with a role rule and nothing else (no parsing beyond a syntax
//!   check);
//! - `deny/role`, `deny/constraint`: the refusal paths (they build a reason);
//! - `reference/parse_args`: `serde_json::from_str::<Value>` of the arguments alone.
//!
//! `cargo bench --bench guard_policy --no-default-features --features guard`; figures in
//! docs/guard.md ("Tool policy", "Cost").
#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::indexing_slicing,
    missing_docs
)]

use std::sync::Arc;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use llmops::guard::policy::{Constraint, ToolPolicy, ToolRateLimit, ToolRule};
use llmops::{Caller, Exchange, GateDecision, ToolCall, ToolGate, ToolSpec};
use serde_json::json;

const ARGS: &str = r#"{"to": "ann.lee@ourcompany.com", "cc": ["billing@ourcompany.com"], "subject": "Order 4471-2209", "body": "Hello Ann, the customer asks for a copy of the invoice of order 4471-2209. Thanks!"}"#;

fn spec(name: &str) -> ToolSpec {
    ToolSpec::new(
        name,
        "Sends an e-mail",
        json!({
            "type": "object",
            "properties": {
                "to": { "type": "string", "maxLength": 254, "pattern": "^[^@\\s]+@[^@\\s]+$" },
                "cc": { "type": "array", "items": { "type": "string" }, "maxItems": 10 },
                "subject": { "type": "string", "maxLength": 200 },
                "body": { "type": "string" }
            },
            "required": ["to", "body"],
            "additionalProperties": false
        }),
    )
}

fn email_rule(name: &str) -> ToolRule {
    ToolRule::new(name)
        .roles(["support", "admin"])
        .max_args_bytes(8192)
        .max_string_len(4000)
        .constraint(
            Constraint::at("/to")
                .suffix("@ourcompany.com")
                .ignore_case(),
        )
        .constraint(
            Constraint::at("/cc/*")
                .suffix("@ourcompany.com")
                .ignore_case(),
        )
}

/// (group, name, gate, call, exchange, whether the call is allowed)
type Case<'a> = (
    &'static str,
    &'static str,
    &'a Arc<dyn ToolGate>,
    &'a ToolCall,
    &'a Exchange,
    bool,
);

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let gate: Arc<dyn ToolGate> = Arc::new(
        ToolPolicy::builder()
            .spec(&spec("send_email"))
            .spec(&spec("send_email_limited"))
            .tool(email_rule("send_email"))
            .tool(
                email_rule("send_email_limited")
                    .rate_limit(ToolRateLimit::per_minute(1_000_000_000)),
            )
            .build()
            .expect("policy"),
    );
    // no specs: the rule has no schema, the arguments only get a syntax check
    let open: Arc<dyn ToolGate> = Arc::new(
        ToolPolicy::builder()
            .tool(ToolRule::new("lookup").role("support"))
            .build()
            .expect("policy"),
    );
    let cx = Exchange::new(
        "bench",
        Arc::new(
            Caller::default()
                .tenant("acme")
                .user("agent-7")
                .role("support"),
        ),
        "scripted/m",
        false,
    );
    let viewer = Exchange::new(
        "bench",
        Arc::new(Caller::default().tenant("acme").user("v").role("viewer")),
        "scripted/m",
        false,
    );
    let call = ToolCall::new("c1", "send_email", ARGS);
    let limited = ToolCall::new("c1", "send_email_limited", ARGS);
    let lookup = ToolCall::new("c1", "lookup", r#"{"order": "4471-2209"}"#);
    let bad = ToolCall::new(
        "c1",
        "send_email",
        ARGS.replace("ann.lee@ourcompany.com", "me@evil.example"),
    );

    let mut g = c.benchmark_group("guard_policy");
    let cases: [Case<'_>; 5] = [
        ("allow", "schema_constraints", &gate, &call, &cx, true),
        (
            "allow",
            "schema_constraints_limit",
            &gate,
            &limited,
            &cx,
            true,
        ),
        ("allow", "roles_only", &open, &lookup, &cx, true),
        ("deny", "role", &gate, &call, &viewer, false),
        ("deny", "constraint", &gate, &bad, &cx, false),
    ];
    for (group, name, gate, call, cx, allow) in cases {
        g.bench_function(BenchmarkId::new(group, name), |b| {
            b.to_async(&rt).iter(|| async {
                let d = gate.admit(call, cx).await.expect("admit");
                assert_eq!(d == GateDecision::Allow, allow, "{d:?}");
            })
        });
    }
    // what parsing the arguments alone costs (the allow path's one allocation site)
    g.bench_function(BenchmarkId::new("reference", "parse_args"), |b| {
        b.iter(|| {
            let v: serde_json::Value = serde_json::from_str(ARGS).expect("json");
            assert!(v.is_object());
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
