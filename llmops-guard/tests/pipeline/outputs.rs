//! Outputs: leaks split across stream chunks, full answers.

use llmops_core::{ChatRequest, Client, Error, MemoryObserver, ScriptedProvider, TextSource};
use llmops_guard::pipeline::GuardsExt;
use proptest::prelude::*;

use super::support::*;

// ---------------------------------------------------------------- streamed leaks

#[test]
fn every_leak_split_in_two_at_every_offset_is_stopped() {
    for (leak, expect) in leaks() {
        let text = format!("{BEFORE}{leak}{AFTER}");
        for i in boundaries(&text) {
            let chunks = vec![text[..i].to_owned(), text[i..].to_owned()];
            check(&leak, expect, chunks).unwrap();
        }
    }
}

#[test]
fn every_leak_split_in_three_around_it_is_stopped() {
    for (leak, expect) in leaks() {
        let text = format!("{BEFORE}{leak}{AFTER}");
        let lo = BEFORE.len().saturating_sub(4);
        let hi = BEFORE.len() + leak.len() + 4;
        // every pair of cuts within and around the leak (the rest of the text is plain)
        let cuts: Vec<usize> = boundaries(&text)
            .into_iter()
            .filter(|i| (lo..=hi).contains(i))
            .collect();
        for (a, i) in cuts.iter().enumerate() {
            for j in &cuts[a + 1..] {
                let chunks = vec![
                    text[..*i].to_owned(),
                    text[*i..*j].to_owned(),
                    text[*j..].to_owned(),
                ];
                check(&leak, expect, chunks).unwrap();
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// Arbitrary chunkings (sizes 1..12 bytes, cuts pulled back to char boundaries) of every leak.
    #[test]
    fn arbitrary_chunkings_never_release_a_leak(sizes in proptest::collection::vec(1usize..12, 1..40), which in 0usize..3) {
        let (leak, expect) = leaks().swap_remove(which);
        let text = format!("{BEFORE}{leak}{AFTER}");
        let chunks = chunk_by(&text, &sizes);
        prop_assert_eq!(chunks.concat(), text.clone());
        if let Err(e) = check(&leak, expect, chunks) {
            prop_assert!(false, "{}", e);
        }
    }
}

#[test]
fn a_long_answer_streams_in_order_and_only_the_window_is_held() {
    let text: String = (0..200).map(|i| format!("line {i} is fine. ")).collect();
    let chunks = chunk_by(&text, &[20; 400]);
    let got = runtime().block_on(stream_chunks(output_guards(), chunks.clone()));
    assert_eq!(got.text(), text);
    assert!(got.record.guard_findings.is_empty());
    // text flows before the end: by the time the provider sent half, all but the windows of the
    // three chained taps (each holds between its window and twice it: 128, 40, the canary's
    // length) is out
    let half = chunks.len() / 2;
    let out_by_half: usize = got.deltas[..half].iter().map(String::len).sum();
    let sent_by_half: usize = chunks[..half].iter().map(String::len).sum();
    let windows = 128 + 40 + canary().len();
    assert!(
        out_by_half + 2 * windows >= sent_by_half,
        "{out_by_half} {sent_by_half}"
    );
    assert!(
        out_by_half + windows <= sent_by_half,
        "{out_by_half} {sent_by_half}"
    );
}

// ---------------------------------------------------------------- full outputs

#[tokio::test]
async fn full_answers_are_redacted_or_blocked() {
    let key = fake_key();
    let provider = ScriptedProvider::new()
        .reply("write to jo@example.com")
        .reply(format!("your key is {key}"));
    let obs = MemoryObserver::new();
    let client = Client::builder()
        .provider(provider)
        .guards(output_guards())
        .observer(obs.clone())
        .build()
        .unwrap();
    let r = client
        .chat(ChatRequest::new("scripted/m").user("hi"))
        .await
        .unwrap();
    assert_eq!(r.text(), "write to <EMAIL_1>");
    assert_eq!(r.meta.guard_findings[0].action, "redact");
    let e = client
        .chat(ChatRequest::new("scripted/m").user("hi"))
        .await
        .unwrap_err();
    let Error::Guard(refusal) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(refusal.category, "secret.test_key");
    assert_eq!(refusal.source, TextSource::Output);
    assert!(!format!("{e} {e:?}").contains(&key));
    let recs = obs.records();
    assert_eq!(recs[1].guard_findings[0].action, "block");
}
