//! Hand-computed costs of real entries of the bundled table.

use std::sync::Arc;

use super::*;
use crate::{
    Aggregator, ChatRequest, ChatResponse, Client, Cost, Deployment, Money, ScriptedProvider, Usage,
};

fn usd(s: &str) -> Cost {
    Cost::Known(Money::usd_str(s).unwrap())
}

fn table() -> Arc<PriceTable> {
    PriceTable::bundled().unwrap()
}

#[test]
fn bundled_table_records_its_source() {
    let t = table();
    let src = t.source();
    assert_eq!(src.package.as_deref(), Some("litellm"));
    assert_eq!(src.version.as_deref(), Some("1.106.2"));
    assert_eq!(src.sha256.as_deref().map(str::len), Some(64));
    assert!(t.len() > 3000, "{}", t.len());
    // parsed once: the same shared table
    assert!(Arc::ptr_eq(&t, &table()));
}

#[test]
fn openai_standard_cached_and_batch() {
    let t = table();
    // gpt-4o: 2.5e-6 in, 1.25e-6 cache read, 1e-5 out; batch 1.25e-6 / 5e-6
    assert_eq!(
        t.cost("gpt-4o", &Usage::new(1_000, 100), Pricing::Standard),
        usd("0.0035")
    );
    // 10k input of which 4k cached: 6000 × 2.5e-6 + 4000 × 1.25e-6 + 200 × 1e-5
    let cached = Usage::new(10_000, 200).with_cache(4_000, 0);
    assert_eq!(
        t.cost("openai/gpt-4o", &cached, Pricing::Standard),
        usd("0.022")
    );
    // batch: 1000 × 1.25e-6 + 100 × 5e-6
    assert_eq!(
        t.cost("gpt-4o", &Usage::new(1_000, 100), Pricing::Batch),
        usd("0.00175")
    );
    // o3 reasoning tokens are output tokens at the output rate (no separate rate)
    let o3 = Usage::new(100, 1_000).with_reasoning(800);
    assert_eq!(t.cost("o3", &o3, Pricing::Standard), usd("0.0082")); // 100 × 2e-6 + 1000 × 8e-6
}

#[test]
fn anthropic_cache_reads_and_writes() {
    let t = table();
    let usage = Usage::new(10_000, 500).with_cache(8_000, 1_000);
    // 1000 × 3e-6 + 8000 × 3e-7 + 1000 × 3.75e-6 + 500 × 1.5e-5
    let expected = usd("0.01665");
    assert_eq!(
        t.cost("claude-sonnet-4-5", &usage, Pricing::Standard),
        expected
    );
    assert_eq!(
        t.cost("anthropic/claude-sonnet-4-5", &usage, Pricing::Standard),
        expected
    );
    assert_eq!(
        t.cost(
            "anthropic/claude-sonnet-4-5-20250929",
            &usage,
            Pricing::Standard
        ),
        expected
    );
    // batch: 1000 × 1.5e-6 + 8000 × 1.5e-7 + 1000 × 1.875e-6 + 500 × 7.5e-6
    assert_eq!(
        t.cost("claude-sonnet-4-5", &usage, Pricing::Batch),
        usd("0.008325")
    );
}

#[test]
fn no_cache_price_means_the_input_rate_and_reasoning_has_its_rate() {
    let t = table();
    // gpt-4 has no cache prices: 3e-5 for every input token, 6e-5 out
    let usage = Usage::new(1_000, 10).with_cache(600, 0);
    assert_eq!(t.cost("gpt-4", &usage, Pricing::Standard), usd("0.0306"));
    // a model priced per reasoning token: 4e-7 in, 1.2e-6 out, 4e-6 reasoning
    let q = Usage::new(1_000, 300).with_reasoning(200);
    assert_eq!(
        t.cost("dashscope/qwen-plus-2025-04-28", &q, Pricing::Standard),
        usd("0.00132") // 1000 × 4e-7 + 100 × 1.2e-6 + 200 × 4e-6
    );
}

#[test]
fn tiers_above_a_threshold() {
    let t = table();
    // gemini-2.5-pro above 200k input: 2.5e-6 in, 1.5e-5 out
    let big = Usage::new(250_000, 1_000);
    assert_eq!(
        t.cost("gemini/gemini-2.5-pro", &big, Pricing::Standard),
        usd("0.64")
    );
    let small = Usage::new(1_000, 1_000);
    assert_eq!(
        t.cost("gemini/gemini-2.5-pro", &small, Pricing::Standard),
        usd("0.01125") // 1000 × 1.25e-6 + 1000 × 1e-5
    );
    assert!(t.get("vertex_ai/gemini-2.5-pro").is_some());
}

#[test]
fn unknown_is_never_zero() {
    let t = table();
    for model in ["scripted/demo", "myproxy/gpt-4o", "nope"] {
        match t.cost(model, &Usage::new(10, 10), Pricing::Standard) {
            Cost::Unknown { reason } => assert!(reason.contains(model), "{reason}"),
            Cost::Known(m) => panic!("{model} priced at {m}"),
        }
    }
    // an entry without the rate the usage needs
    let mine = PriceTable::from_json_str(
        r#"{"acme/x": {"input_cost_per_token": 1e-6, "litellm_provider": "acme"}}"#,
        "mine.json",
    )
    .unwrap();
    assert_eq!(
        mine.cost("acme/x", &Usage::new(10, 0), Pricing::Standard),
        usd("0.00001")
    );
    assert!(matches!(
        mine.cost("acme/x", &Usage::new(10, 1), Pricing::Standard),
        Cost::Unknown { reason } if reason.contains("output_cost_per_token")
    ));
    // a bare name that only one `provider/name` key has
    assert!(mine.get("x").is_some());
}

#[test]
fn capabilities_and_limits() {
    let t = table();
    let c = t.get("gpt-4o").unwrap().capabilities();
    assert!(c.tools && c.vision && c.json_schema && c.streaming);
    assert!(!c.prompt_caching); // OpenAI caches without markers
    assert_eq!(c.context_window, Some(128_000));
    assert_eq!(c.max_output_tokens, Some(16_384));
    assert!(
        t.get("claude-sonnet-4-5")
            .unwrap()
            .capabilities()
            .prompt_caching
    );
    let emb = t.get("text-embedding-3-small").unwrap().capabilities();
    assert!(!emb.tools && !emb.vision);
    let d = Deployment::new("fast", "openai", "gpt-4.1-mini");
    assert_eq!(t.get_deployment(&d), t.get("gpt-4.1-mini"));
}

#[test]
fn files_override_and_errors_name_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("prices.json");
    std::fs::write(
        &good,
        r#"{
  "sample_spec": {"mode": "one of: chat, embedding", "max_tokens": "max output tokens"},
  "gpt-4o": {"input_cost_per_token": "0.000002", "output_cost_per_token": 8e-6, "litellm_provider": "openai", "max_tokens": 16384.0}
}"#,
    )
    .unwrap();
    let t = PriceTable::bundled_with(&good).unwrap();
    assert_eq!(
        t.cost("gpt-4o", &Usage::new(1_000, 100), Pricing::Standard),
        usd("0.0028")
    );
    assert_eq!(t.source().overrides, vec![good.display().to_string()]);
    assert_eq!(t.get("gpt-4o").unwrap().output_limit(), Some(16384));
    assert!(t.get("gpt-4.1").is_some());

    let bad = dir.path().join("bad.json");
    std::fs::write(
        &bad,
        "{\n  \"gpt-4o\": {\"input_cost_per_token\": 1e-6},\n  \"x\": {\"input_cost_per_token\": \"cheap\"}\n}\n",
    )
    .unwrap();
    let e = PriceTable::from_file(&bad).unwrap_err().to_string();
    assert!(e.contains("bad.json:3:"), "{e}");
    assert!(e.contains("`x`") && e.contains("cheap"), "{e}");
    let e = PriceTable::from_file(dir.path().join("missing.json"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("missing.json"), "{e}");
    let e = PriceTable::from_json_str("{\"a\": {}", "t.json")
        .unwrap_err()
        .to_string();
    assert!(e.contains("t.json:1:"), "{e}");
}

#[test]
fn max_cost_bounds_the_real_cost() {
    let t = table();
    let req = ChatRequest::new("claude-sonnet-4-5")
        .system("You are terse.")
        .user("Name a prime.")
        .max_tokens(100);
    let bound = req.token_upper_bound();
    let max = t.max_cost(&req.model, &bound, Pricing::Standard);
    let max = max.known().unwrap().clone();
    // the worst real usage within the bound: every input token a cache write
    let worst = Usage::new(bound.input_tokens, 100).with_cache(0, bound.input_tokens);
    let real = t.cost(&req.model, &worst, Pricing::Standard);
    assert!(real.known().unwrap().amount <= max.amount);
    // no max_tokens: the model's output limit (16384 × 1e-5 > 0.16)
    let open = ChatRequest::new("gpt-4o").user("hi").token_upper_bound();
    let m = t.max_cost("gpt-4o", &open, Pricing::Standard);
    assert!(m.known().unwrap().amount > rust_decimal::Decimal::new(16, 2));
    assert!(matches!(
        t.max_cost("nope", &open, Pricing::Standard),
        Cost::Unknown { .. }
    ));
}

/// A stream's usage prices the same as the full reply's: the same scripted answer through a
/// `Client`, once full, once streamed (in chunks) and aggregated.
#[tokio::test]
async fn streamed_usage_prices_like_a_full_reply() {
    use futures_util::StreamExt;
    let usage = Usage::new(1_200, 300).with_cache(1_000, 0);
    let provider = ScriptedProvider::named("openai")
        .repeat_with(ChatResponse::new("the same answer, in several chunks").with_usage(usage))
        .chunks(4);
    let client = Client::builder().provider(provider).build().unwrap();
    let req = ChatRequest::new("openai/gpt-4o").user("hi");
    let full = client.chat(req.clone()).await.unwrap();
    let mut stream = client.chat_stream(req).await.unwrap();
    let mut agg = Aggregator::default();
    let mut events = 0;
    while let Some(ev) = stream.next().await {
        agg.push(&ev.unwrap());
        events += 1;
    }
    assert!(events > 3, "{events}");
    let streamed = agg.finish();
    let t = table();
    let full_cost = t.cost("openai/gpt-4o", &full.usage, Pricing::Standard);
    let stream_cost = t.cost("openai/gpt-4o", &streamed.usage, Pricing::Standard);
    assert_eq!(full_cost, stream_cost);
    // 200 × 2.5e-6 + 1000 × 1.25e-6 + 300 × 1e-5
    assert_eq!(full_cost, usd("0.00475"));
}

/// LiteLLM's whole map (every mode, every field) loads as it is: set
/// `LLMOPS_LITELLM_PRICE_MAP` to `model_prices_and_context_window_backup.json` from the wheel
/// (scripts/prices/README.md).
#[test]
fn backend_litellm_map_drops_in() {
    let Some(path) =
        crate::testing::backend("LLMOPS_LITELLM_PRICE_MAP", "LiteLLM's full price map")
    else {
        return;
    };
    let full = PriceTable::from_file(&path).unwrap();
    let bundled = table();
    assert!(full.len() > bundled.len());
    // the same prices and limits (the full map has more fields: priority, flex ...)
    let usage = Usage::new(300_000, 2_000).with_cache(100_000, 50_000);
    for model in ["gpt-4o", "claude-sonnet-4-5", "gemini/gemini-2.5-pro", "o3"] {
        for pricing in [Pricing::Standard, Pricing::Batch] {
            let (a, b) = (
                full.cost(model, &usage, pricing),
                bundled.cost(model, &usage, pricing),
            );
            assert_eq!(a, b, "{model}");
            assert!(a.known().is_some(), "{model}");
        }
        let (a, b) = (full.get(model).unwrap(), bundled.get(model).unwrap());
        assert_eq!(a.capabilities(), b.capabilities(), "{model}");
    }
}
