//! A property test: random sequences of requests from several tenants and prompt versions,
//! streamed or not; no answer is ever served across tenants, versions or questions.

use std::collections::HashMap;

use proptest::prelude::*;

use super::*;

const TENANTS: [&str; 3] = ["acme", "globex", "initech"];

/// One request: tenant, prompt version, question, and whether it streams.
fn op() -> impl Strategy<Value = (usize, u32, u8, bool)> {
    (0..TENANTS.len(), 1u32..4, 0u8..3, any::<bool>())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// Whatever the order of requests, every answer served belongs to the same tenant,
    /// prompt version and question; the first request of each triple misses and every
    /// later one hits.
    #[test]
    fn no_entry_is_served_across_tenants_or_prompt_versions(ops in proptest::collection::vec(op(), 1..40)) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let cache = Cache::builder().build().unwrap();
            // the provider answers with what it saw: tenant, version, question
            let p = ScriptedProvider::new().responder(|r| {
                Some(Step::Reply(ChatResponse::new(format!(
                    "{}|{}|{}",
                    r.caller.tenant.clone().unwrap_or_default(),
                    r.caller.tags.get("v").cloned().unwrap_or_default(),
                    r.last_user_text().unwrap_or_default()
                ))))
            });
            let c = Client::builder()
                .provider(p)
                .layer_at(Stage::BeforeCache, from_fn(|req, cx, next| {
                    let v: u32 = req.caller.tags.get("v").and_then(|v| v.parse().ok()).unwrap_or(0);
                    cx.prompt = Some(PromptVersionRef::new("p", v, format!("sha256:{v}")));
                    Box::pin(next.run(req, cx))
                }))
                .cache(cache.clone())
                .build()
                .unwrap();
            let mut seen: HashMap<(usize, u32, u8), ()> = HashMap::new();
            for (t, v, q, stream) in ops {
                let mut r = ChatRequest::new("scripted/m").user(format!("question {q}")).temperature(0.0).tenant(TENANTS[t]);
                Arc::make_mut(&mut r.caller).tags.insert("v".into(), v.to_string());
                let want = format!("{}|{v}|question {q}", TENANTS[t]);
                let (text, outcome) = if stream {
                    let mut s = c.chat_stream(r).await.unwrap();
                    let mut text = String::new();
                    while let Some(ev) = s.next().await {
                        if let StreamEvent::Delta { text: d } = ev.unwrap() { text.push_str(&d); }
                    }
                    (text, s.meta().and_then(|m| m.cache.clone()))
                } else {
                    let r = c.chat(r).await.unwrap();
                    (r.text(), r.meta.cache)
                };
                prop_assert_eq!(&text, &want);
                let expected = if seen.insert((t, v, q), ()).is_some() { hit(CacheKind::Exact) } else { Some(CacheOutcome::Miss) };
                prop_assert_eq!(outcome, expected);
            }
            Ok(())
        })?;
    }
}
