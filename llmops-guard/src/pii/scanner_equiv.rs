//! Proptests: the faster paths of the scanner find exactly what the paths they replaced found.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use proptest::prelude::*;

use super::*;

/// The digit runs of `t`, as a scan walks them.
fn runs_of(t: &str) -> DigitRuns<'_> {
    DigitRuns::new(t.as_bytes())
}

/// Pieces random texts are made of: prose, digits, dates, keywords of every language in both
/// cases, personal data, separators, base64-ish runs, leetspeak and non-ASCII text.
const PIECES: &[&str] = &[
    "born",
    "Born",
    "BORN",
    "dob",
    "DOB",
    "D.O.B",
    "d.o.b.",
    "date of birth",
    "Date Of Birth",
    "birth date",
    "birthdate",
    "birthday",
    "geboren",
    "Geboren am",
    "geb.",
    "Geburtsdatum",
    "geburtstag",
    "né le",
    "née le",
    "né",
    "NÉE",
    "date de naissance",
    "fecha de nacimiento",
    "nacido",
    "nacida",
    "data di nascita",
    "nato il",
    "nata il",
    "reborn",
    "dobby",
    "birth",
    "date",
    "de",
    "of",
    "le",
    "nat",
    "1985",
    "12",
    "3",
    "03.04.1990",
    "1990-04-03",
    "4/3/90",
    "12 March 1985",
    "March 12, 1985",
    "12. März 1985",
    "1er mars 1985",
    "2024-000318",
    "4471-2209",
    "12345-01-02",
    "1.2.345",
    "1-2-3",
    "12.3.4567",
    "3/4/851",
    "1.22.33",
    "123.4.56",
    "1.234.56",
    "jane.doe@example.com",
    "@",
    "+44 20 7946 0958",
    "(030) 1234 5678",
    "4111 1111 1111 1111",
    "DE89 3704 0044 0532 0130 00",
    "123-45-6789",
    "192.168.10.20",
    "fe80::1",
    "14:32",
    "aGVsbG8gd29ybGQgaWdub3Jl",
    "1gn0r3 4ll",
    "h4x0r",
    " ",
    " ",
    " ",
    "  ",
    ", ",
    ". ",
    "\n",
    "-",
    "/",
    ".",
    ":",
    "é",
    "ß",
    "日本",
    "🙂",
    "k",
    "w",
    "x",
    "the parcel",
    "and",
    "was",
    "on",
    "am",
    "is",
];

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..60).prop_map(|v| v.concat())
}

/// Long digit-free stretches, so the region search has to start inside runs.
fn long_runs() -> impl Strategy<Value = String> {
    (text(), 0usize..200, text(), "[a-z .é]{0,80}")
        .prop_map(|(a, n, b, c)| format!("{a}{}{c}{b}", "the parcel was ".repeat(n / 15)))
}

/// A keyword, up to three filler words (any length, so dates land on and past the window's
/// edge) and a date, inside random text.
fn keyword_then_date() -> impl Strategy<Value = String> {
    (
        text(),
        prop::sample::select(DOB_KEYWORDS),
        prop::collection::vec("[a-z]{1,14}", 0..4),
        prop::sample::select(
            &[
                "1.2.90",
                "12.03.1985",
                "1985-03-12",
                "12 March 1985",
                "March 12, 1985",
                "3/4/85",
                "3/4/851",
                "12.3.4567",
                "x1.2.90",
                "1.2.90.3",
                "Mar 3, 2001",
                "12345-01-02",
            ][..],
        ),
        text(),
    )
        .prop_map(|(a, k, gap, date, b)| {
            let gap: String = gap.iter().map(|w| format!("{w} ")).collect();
            format!("{a} {k} {gap}{date} {b}")
        })
}

fn same_dates(t: &str) -> Result<(), TestCaseError> {
    let mut fast = Vec::new();
    let mut slow = Vec::new();
    dates_of_birth(t, &runs_of(t), &mut fast);
    dates_of_birth_reference(t, &mut slow);
    prop_assert_eq!(fast, slow, "text: {:?}", t);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn dob_regions_match_whole_text_search(t in text()) {
        same_dates(&t)?;
    }

    #[test]
    fn dob_regions_match_on_long_runs(t in long_runs()) {
        same_dates(&t)?;
    }

    #[test]
    fn dob_regions_match_near_window_edges(t in keyword_then_date()) {
        same_dates(&t)?;
    }

    #[test]
    fn dob_regions_match_on_any_string(t in any::<String>(), pre in text()) {
        same_dates(&format!("{pre}{t}"))?;
    }
}

#[test]
fn dob_found_after_a_long_digit_free_run() {
    let t = format!(
        "{}my date of birth is 12 March 1985.",
        "the parcel was late ".repeat(20)
    );
    let mut fast = Vec::new();
    dates_of_birth(&t, &runs_of(&t), &mut fast);
    assert_eq!(fast.len(), 1);
    let mut slow = Vec::new();
    dates_of_birth_reference(&t, &mut slow);
    assert_eq!(fast, slow);
}

#[test]
fn generated_texts_hold_dates_of_birth() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = keyword_then_date();
    let found = (0..500)
        .filter(|_| {
            let t = strategy.new_tree(&mut runner).unwrap().current();
            let mut out = Vec::new();
            dates_of_birth(&t, &runs_of(&t), &mut out);
            !out.is_empty()
        })
        .count();
    assert!(
        found > 100,
        "{found} of 500 generated texts hold a date of birth"
    );
}

#[test]
fn region_starts_inside_keywords_and_fillers() {
    for pad in 0..90 {
        for kw in [
            "birthdate of birth",
            "Geburtsdatum",
            "fecha de nacimiento",
            "née le",
            "D.O.B",
        ] {
            for gap in ["", "am ", "was on the ", "kk pp ww "] {
                for date in ["1.2.90", "12 March 1985", "March 12, 1985"] {
                    let t = format!("{}{kw} {gap}{date}.", "k".repeat(pad));
                    let (mut fast, mut slow) = (Vec::new(), Vec::new());
                    dates_of_birth(&t, &runs_of(&t), &mut fast);
                    dates_of_birth_reference(&t, &mut slow);
                    assert_eq!(fast, slow, "{t:?}");
                }
            }
        }
    }
}

/// Pieces for the gates: digit chains of every length with every separator, letters of
/// both cases before digits, colons and hex, `@`, `+`, and the pieces above.
const SHAPE_PIECES: &[&str] = &[
    "0",
    "1",
    "7",
    "9",
    "00",
    "12",
    "123",
    "4111",
    "1111 ",
    "1111-",
    "-",
    " ",
    ".",
    ":",
    "::",
    "+",
    "@",
    "(",
    ")",
    "DE",
    "GB",
    "de",
    "A",
    "Z",
    "x",
    "fe80",
    "ab",
    "FF",
    "123-45-6789",
    "12-34-5678",
    "(089) 1234567",
    "030 1234 5678",
    "030.123.45.67",
    "192.168.",
    "10.0.0.1",
    "1.2.3",
    ". ",
    ", ",
    "\n",
    "é",
    "日本",
];

fn shape_text() -> impl Strategy<Value = String> {
    (
        prop::collection::vec(prop::sample::select(SHAPE_PIECES), 0..80),
        prop::collection::vec(prop::sample::select(PIECES), 0..20),
    )
        .prop_map(|(a, b)| {
            let mut v: Vec<&str> = a;
            v.extend(b);
            v.concat()
        })
}

/// Every pattern that matches passes its gate.
fn gates_hold(t: &str) -> Result<(), TestCaseError> {
    let g = shapes::gates(t, &runs_of(t));
    for (i, kind) in KINDS.iter().enumerate() {
        if REGEXES[i].is_match(t) {
            prop_assert!(
                g.allows(*kind),
                "{:?} matches but its gate is shut: {:?}",
                kind,
                t
            );
        }
    }
    Ok(())
}

/// The scanner's findings equal those of the set pass, for the default scanner and one per
/// category.
fn same_findings(t: &str) -> Result<(), TestCaseError> {
    let mut scanners = vec![PiiScanner::new(), PiiScanner::only(&[])];
    scanners.extend(PiiCategory::ALL.iter().map(|c| PiiScanner::only(&[*c])));
    for s in scanners {
        let fast = s.scan(t);
        REFERENCE.with(|r| r.set(true));
        let slow = s.scan(t);
        REFERENCE.with(|r| r.set(false));
        prop_assert_eq!(fast, slow, "text: {:?}", t);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn gates_pass_every_match(t in shape_text()) {
        gates_hold(&t)?;
    }

    #[test]
    fn gates_pass_every_match_on_digit_strings(t in "[0-9A-Z :.()+@-]{0,60}") {
        gates_hold(&t)?;
    }

    #[test]
    fn gated_scan_matches_set_scan(t in shape_text()) {
        same_findings(&t)?;
    }

    #[test]
    fn gated_scan_matches_set_scan_on_any_text(t in any::<String>(), pre in text()) {
        same_findings(&format!("{pre}{t}"))?;
    }
}

#[test]
fn gates_on_the_bench_prompts() {
    let clean = "Order 4471-2209 left on 2024-05-03 at 14:32; I paid 89.90 EUR (version 3.12.1), invoice 2024-000318.";
    let g = shapes::gates(clean, &runs_of(clean));
    assert!(g.phone_national);
    assert!(
        !g.email && !g.card && !g.iban && !g.ssn && !g.ipv4 && !g.ipv6,
        "{g:?}"
    );
    let pii = "jane.doe@example.com +44 20 7946 0958 4111 1111 1111 1111 DE89 3704 0044 0532 0130 00 123-45-6789 192.168.10.20 fe80::1";
    let g = shapes::gates(pii, &runs_of(pii));
    assert!(
        g.email && g.phone_intl && g.card && g.iban && g.ssn && g.ipv4 && g.ipv6,
        "{g:?}"
    );
    for t in [clean, pii] {
        same_findings(t).unwrap();
    }
}

/// Texts dense in the patterns' alphabets: digits, separators, letters of both cases, `@`,
/// `:`, `+`, brackets, and pieces of personal data, so regions are long and matches sit at
/// their edges.
fn alphabet_text() -> impl Strategy<Value = String> {
    (
        "[0-9A-Fa-z :.()+@%_-]{0,40}",
        shape_text(),
        "[0-9 .()-]{0,40}",
        "[0-9A-Z ]{0,40}",
        // an IBAN shape with only its check digits
        "[A-Z]{2}[0-9]{2}[A-Z ]{0,30}",
    )
        .prop_map(|(a, b, c, d, e)| format!("{a}{b}{c}{e}{d}{a}"))
}

/// The region search of every pattern reports the matches of its whole-text search.
fn same_matches(t: &str) -> Result<(), TestCaseError> {
    for (i, kind) in KINDS.iter().enumerate() {
        let whole: Vec<_> = REGEXES[i]
            .find_iter(t)
            .map(|m| (m.start(), m.end()))
            .collect();
        let mut spans = Vec::new();
        regions::find_iter(
            &SPAN_REGEXES[i],
            t,
            kind.shape(),
            &runs_of(t),
            |r| kind.may_match(r),
            |s, e| spans.push((s, e)),
        );
        prop_assert_eq!(spans, whole, "{:?} in {:?}", kind, t);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn region_search_matches_whole_text_search(t in alphabet_text()) {
        same_matches(&t)?;
    }

    #[test]
    fn region_search_matches_on_shape_texts(t in shape_text()) {
        same_matches(&t)?;
    }

    #[test]
    fn region_search_matches_on_any_text(t in any::<String>(), pre in text()) {
        same_matches(&format!("{pre}{t}"))?;
    }
}

/// A digit right after the keyword and the date's digits up to the window's end: the date
/// run starts as far after the first digit as a date of birth allows.
#[test]
fn date_runs_far_from_the_first_digit() {
    for kw in ["born", "DOB:", "née le"] {
        for first in ["1", "12", "1.2"] {
            for n in 0..40 {
                for date in ["1.2.90", "1985-03-12", "March 12, 1985", "12 Mar 1985"] {
                    let t = format!("{kw} {first} {} {date} and more", "k".repeat(n));
                    let (mut fast, mut slow) = (Vec::new(), Vec::new());
                    dates_of_birth(&t, &runs_of(&t), &mut fast);
                    dates_of_birth_reference(&t, &mut slow);
                    assert_eq!(fast, slow, "{t:?}");
                }
            }
        }
    }
}

/// Texts with many digit runs (up to ~500, past the runs [`DigitRuns`] keeps), with the
/// pieces above between them.
fn many_runs() -> impl Strategy<Value = String> {
    prop::collection::vec(
        prop_oneof![
            4 => "[0-9]{1,5}[ .:/()+@-]{1,2}",
            1 => prop::sample::select(PIECES).prop_map(str::to_owned),
            1 => prop::sample::select(SHAPE_PIECES).prop_map(str::to_owned),
        ],
        0..700,
    )
    .prop_map(|v| v.concat())
}

/// The digit-run walks the shared one replaced, each as it was written: the gates' (a digit
/// found 32 bytes at a time, then the digits after it), the date-of-birth search's (the
/// same with [`run_end`]) and, as a third reference, every digit byte by byte.
fn old_walks(t: &str) -> [Vec<(usize, usize)>; 3] {
    let b = t.as_bytes();
    let (mut gates, mut dates, mut bytes) = (Vec::new(), Vec::new(), Vec::new());
    let mut at = 0;
    while let Some(d) = runs::next_digit(b, at) {
        let mut e = d + 1;
        while b.get(e).is_some_and(u8::is_ascii_digit) {
            e += 1;
        }
        gates.push((d, e));
        at = e;
    }
    let mut run_start = 0;
    while let Some(d) = runs::next_digit(b, run_start) {
        let e = run_end(b, d);
        dates.push((d, e));
        run_start = e;
    }
    let mut start = None;
    for (i, c) in b.iter().chain([&b' ']).enumerate() {
        match (c.is_ascii_digit(), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                bytes.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    [gates, dates, bytes]
}

/// The shared walk yields the runs each old walk found, and so does a copy of it taken at
/// any run (the date-of-birth search looks ahead with one); the region walk's anchor, the
/// first digit at or after a byte that is not one, is the start of the first shared run
/// there.
fn same_runs(t: &str) -> Result<(), TestCaseError> {
    let runs = runs_of(t);
    let shared: Vec<_> = runs.iter().collect();
    for old in old_walks(t) {
        prop_assert_eq!(&shared, &old, "text: {:?}", t);
    }
    let mut it = runs.iter();
    for k in 0..=shared.len() {
        prop_assert_eq!(it.clone().collect::<Vec<_>>(), shared[k..].to_vec());
        it.next();
    }
    let b = t.as_bytes();
    let mut first = shared.iter().map(|r| r.0).peekable();
    for from in (0..=b.len()).filter(|&i| !b.get(i).is_some_and(u8::is_ascii_digit)) {
        while first.next_if(|&d| d < from).is_some() {}
        let anchor = first.peek().copied();
        prop_assert_eq!(
            anchor,
            runs::next_digit(b, from),
            "from {} in {:?}",
            from,
            t
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn shared_runs_equal_each_walk(t in many_runs()) {
        same_runs(&t)?;
    }

    #[test]
    fn shared_runs_equal_each_walk_on_any_text(t in any::<String>(), pre in text()) {
        same_runs(&format!("{pre}{t}"))?;
    }

    #[test]
    fn scan_matches_set_scan_past_the_kept_runs(t in many_runs()) {
        same_findings(&t)?;
        same_matches(&t)?;
        same_dates(&t)?;
        gates_hold(&t)?;
    }
}
