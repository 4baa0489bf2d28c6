#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::expect_used)]

use proptest::prelude::*;

use super::*;

/// d0 "apple banana apple" (3 terms), d1 "banana cherry" (2), d2 "cherry ×3 date" (4):
/// N = 3, avgdl = 3.
fn three(method: Bm25Method) -> Bm25Index {
    let params = Bm25Params::default()
        .with_method(method)
        .with_analyzer(Analyzer::simple());
    let mut idx = Bm25Index::new(params);
    idx.insert(0, "apple banana apple");
    idx.insert(1, "banana cherry");
    idx.insert(2, "cherry cherry cherry date");
    idx
}

fn close(got: &[(u32, f32)], want: &[(u32, f64)]) {
    assert_eq!(got.len(), want.len(), "{got:?} vs {want:?}");
    for (&(gs, gv), &(ws, wv)) in got.iter().zip(want) {
        assert_eq!(gs, ws, "{got:?} vs {want:?}");
        assert!(
            ((f64::from(gv) - wv) / wv).abs() < 1e-5,
            "{got:?} vs {want:?}"
        );
    }
}

#[test]
fn lucene_scores_by_hand() {
    let idx = three(Bm25Method::Lucene);
    // idf(df=1) = ln(1 + 2.5/1.5); tf=2, dl=3: 2 / (2 + 0.9·(0.6 + 0.4·3/3))
    close(
        &idx.search("apple", 10, &|_| true),
        &[(0, 0.676_433_967_594_294_1)],
    );
    // idf(df=2) = ln(1.6) for both terms.
    close(
        &idx.search("banana cherry", 10, &|_| true),
        &[
            (1, 0.528_093_965_444_646_8),
            (2, 0.350_748_977_049_056_44),
            (0, 0.247_370_331_181_966_1),
        ],
    );
    let s = idx.stats();
    assert_eq!(
        (s.docs, s.docs_with_terms, s.total_len, s.terms),
        (3, 3, 9, 4)
    );
    assert_eq!(s.avg_len, 3.0);
    assert_eq!(idx.doc_freq("cherry"), 2);
    assert_eq!(idx.doc_len(2), Some(4));
}

#[test]
fn variants_by_hand() {
    close(
        &three(Bm25Method::Atire).search("cherry", 10, &|_| true),
        &[(2, 0.574_913_212_989_188_3), (1, 0.432_799_834_497_478_83)],
    );
    // BM25+: the absent term adds idf·δ.
    close(
        &three(Bm25Method::Bm25Plus).search("apple date", 10, &|_| true),
        &[(0, 3.202_818_006_725_264_5), (2, 2.690_234_601_777_213)],
    );
    close(
        &three(Bm25Method::Bm25L).search("apple", 10, &|_| true),
        &[(0, 1.370_276_162_295_794_2)],
    );
    // Robertson's idf is floored at 0: a term in every document scores 0 but still matches.
    let mut idx = three(Bm25Method::Robertson);
    idx.insert(3, "banana");
    idx.insert(4, "banana");
    let hits = idx.search("banana", 10, &|_| true);
    assert_eq!(hits.len(), 4);
    assert!(hits.iter().all(|h| h.1 == 0.0));
    assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), [0, 1, 3, 4]);
}

#[test]
fn repeated_query_terms_count_each_time() {
    let idx = three(Bm25Method::Lucene);
    let once = idx.search("apple", 1, &|_| true)[0].1;
    let twice = idx.search("apple apple", 1, &|_| true)[0].1;
    assert!((twice - 2.0 * once).abs() < 1e-6);
}

#[test]
fn lucene_norm_quantises_long_documents() {
    let text = |n: usize| vec!["word"; n].join(" ") + " needle";
    let lossy = |norm| {
        let mut idx = Bm25Index::new(
            Bm25Params::default()
                .with_length_norm(norm)
                .with_analyzer(Analyzer::simple()),
        );
        idx.insert(0, &text(99)); // 100 terms: Lucene stores 96
        idx.insert(1, &text(9)); // 10 terms: exact either way
        idx.search("needle", 10, &|_| true)
    };
    let exact = lossy(LengthNorm::Exact);
    let lucene = lossy(LengthNorm::Lucene);
    // avgdl = 55 either way (exact lengths); only dl of slot 0 differs.
    // N = 2, df = 2.
    let idf = (1.0f64 + 0.5 / 2.5).ln();
    let tfc = |dl: f64| 1.0 / (1.0 + 0.9 * (0.6 + 0.4 * dl / 55.0));
    close(&exact, &[(1, idf * tfc(10.0)), (0, idf * tfc(100.0))]);
    close(&lucene, &[(1, idf * tfc(10.0)), (0, idf * tfc(96.0))]);
}

#[test]
fn empty_query_and_empty_index() {
    let empty = Bm25Index::default();
    assert!(empty.is_empty());
    assert!(empty.search("anything", 10, &|_| true).is_empty());
    let idx = three(Bm25Method::Lucene);
    assert!(idx.search("", 10, &|_| true).is_empty());
    assert!(idx.search("   !!! ", 10, &|_| true).is_empty());
    assert!(idx.search("unknownword", 10, &|_| true).is_empty());
    assert!(idx.search("apple", 0, &|_| true).is_empty());
    // Only stop words in the index: held, but N = 0, and no NaN anywhere.
    let mut stop = Bm25Index::default();
    stop.insert(0, "the and of");
    assert_eq!((stop.len(), stop.stats().docs_with_terms), (1, 0));
    assert_eq!(stop.stats().avg_len, 0.0);
    assert!(stop.search("the", 10, &|_| true).is_empty());
    stop.insert(1, "apple");
    let hits = stop.search("apple", 10, &|_| true);
    assert_eq!(hits.len(), 1);
    assert!(hits[0].1.is_finite() && hits[0].1 > 0.0);
}

#[test]
fn insert_replaces_and_remove_is_exact() {
    let mut idx = three(Bm25Method::Lucene);
    idx.insert(0, "date");
    assert_eq!(idx.len(), 3);
    assert!(idx.search("apple", 10, &|_| true).is_empty());
    assert_eq!(idx.doc_freq("apple"), 0);
    assert_eq!(idx.stats().terms, 3);
    idx.remove(0);
    idx.remove(0);
    idx.remove(42);
    assert_eq!(idx.len(), 2);
    assert!(!idx.contains(0));
    // A freed term id is reused without disturbing the others.
    idx.insert(7, "elderberry banana");
    assert_eq!(idx.doc_freq("elderberry"), 1);
    assert_eq!(idx.doc_freq("banana"), 2);
    assert_eq!(idx.stats().total_len, 2 + 4 + 2);
}

#[test]
fn out_of_order_slots_keep_postings_sorted() {
    let mut idx = Bm25Index::new(Bm25Params::default().with_analyzer(Analyzer::simple()));
    for slot in [5, 1, 9, 3, 0] {
        idx.insert(slot, "same text");
    }
    let hits = idx.search("text", 10, &|_| true);
    assert_eq!(
        hits.iter().map(|h| h.0).collect::<Vec<_>>(),
        [0, 1, 3, 5, 9]
    );
    idx.remove(3);
    let hits = idx.search("same", 10, &|_| true);
    assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), [0, 1, 5, 9]);
}

#[test]
fn nested_search_inside_allow_does_not_panic() {
    let idx = three(Bm25Method::Lucene);
    let inner = three(Bm25Method::Lucene);
    let hits = idx.search("banana cherry", 10, &|s| {
        !inner.search("cherry", 10, &|_| true).is_empty() && s != 1
    });
    assert_eq!(hits.iter().map(|h| h.0).collect::<Vec<_>>(), [2, 0]);
}

#[test]
fn serde_roundtrip_and_corruption() {
    let mut idx = three(Bm25Method::Bm25Plus);
    idx.insert(9, "fig apple");
    idx.remove(1);
    let bytes = postcard::to_allocvec(&idx).unwrap();
    let back: Bm25Index = postcard::from_bytes(&bytes).unwrap();
    assert_eq!(back.params(), idx.params());
    assert_eq!(back.stats(), idx.stats());
    for q in ["apple", "cherry date", "fig banana", "nothing"] {
        assert_eq!(back.search(q, 10, &|_| true), idx.search(q, 10, &|_| true));
    }
    // Freed ids survive the trip and are reused.
    let mut back = back;
    back.insert(1, "grape");
    assert_eq!(back.doc_freq("grape"), 1);

    let json = serde_json::to_value(&idx).unwrap();
    let again: Bm25Index = serde_json::from_value(json.clone()).unwrap();
    assert_eq!(again.stats(), idx.stats());
    let mut bad = json.clone();
    bad["docs"][0]["len"] = 99.into();
    assert!(serde_json::from_value::<Bm25Index>(bad).is_err());
    let mut bad = json.clone();
    bad["docs"][0]["terms"][0][0] = 999.into();
    assert!(serde_json::from_value::<Bm25Index>(bad).is_err());
    let mut bad = json;
    bad["version"] = 2.into();
    assert!(serde_json::from_value::<Bm25Index>(bad).is_err());
}

const WORDS: [&str; 12] = [
    "alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta", "iota", "kappa", "the",
    "running",
];

fn doc() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(&WORDS[..]), 0..12).prop_map(|w| w.join(" "))
}

fn all(idx: &Bm25Index, q: &str) -> Vec<(u32, f32)> {
    idx.search(q, usize::MAX, &|_| true)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// After any removals and replacements, the index scores exactly as a fresh index of
    /// what remains.
    #[test]
    fn removals_keep_statistics_exact(
        docs in prop::collection::vec(doc(), 1..30),
        ops in prop::collection::vec((0u32..30, prop::option::of(doc())), 0..30),
        method in prop::sample::select(&[Bm25Method::Lucene, Bm25Method::Bm25Plus, Bm25Method::Atire][..]),
    ) {
        let params = Bm25Params::default().with_method(method);
        let mut idx = Bm25Index::new(params.clone());
        let mut truth: std::collections::BTreeMap<u32, String> = Default::default();
        for (i, d) in docs.iter().enumerate() {
            idx.insert(i as u32, d);
            truth.insert(i as u32, d.clone());
        }
        for (slot, op) in ops {
            match op {
                Some(text) => { idx.insert(slot, &text); truth.insert(slot, text); }
                None => { idx.remove(slot); truth.remove(&slot); }
            }
        }
        let mut fresh = Bm25Index::new(params);
        for (slot, text) in &truth {
            fresh.insert(*slot, text);
        }
        prop_assert_eq!(idx.stats(), fresh.stats());
        for w in WORDS {
            prop_assert_eq!(idx.doc_freq(w), fresh.doc_freq(w));
        }
        for q in ["alpha", "beta gamma", "delta delta zeta", "running eta the", "kappa iota theta"] {
            prop_assert_eq!(all(&idx, q), all(&fresh, q));
        }
    }

    /// Filtered search equals unfiltered search over the allowed subset, cut at k.
    #[test]
    fn allow_filter_is_exact(
        docs in prop::collection::vec(doc(), 1..40),
        mask in prop::collection::vec(any::<bool>(), 40),
        k in 1usize..10,
    ) {
        let mut idx = Bm25Index::default();
        for (i, d) in docs.iter().enumerate() {
            idx.insert(i as u32, d);
        }
        let allow = |s: u32| mask[s as usize];
        for q in ["alpha beta", "gamma", "epsilon zeta eta theta"] {
            let want: Vec<_> = all(&idx, q).into_iter().filter(|h| allow(h.0)).take(k).collect();
            prop_assert_eq!(idx.search(q, k, &allow), want);
        }
    }
}

#[test]
fn index_is_send_and_sync() {
    fn check<T: Send + Sync + 'static>() {}
    check::<Bm25Index>();
    check::<Bm25Params>();
    check::<Analyzer>();
}
