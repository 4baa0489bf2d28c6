//! The four report formats on a realistic hand-built run, and the HTML page rendered by a real
//! headless Chromium when `LLMOPS_TEST_CHROMIUM` names one.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

#[path = "support/run_fixture.rs"]
mod fixture;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use fixture::support_run;
use llmops_eval::RunReport;
use llmops_eval::report::{self, Format, html, junit, markdown};

#[test]
fn json_round_trips_through_the_file() {
    let run = support_run();
    let dir = tempfile::tempdir().unwrap();
    let files = report::write_all(&run, dir.path().join("out").as_path()).unwrap();
    for f in [&files.json, &files.markdown, &files.junit, &files.html] {
        assert!(std::fs::metadata(f).unwrap().len() > 100, "{}", f.display());
    }
    assert_eq!(files.json.file_name().unwrap(), "report.json");
    let back = RunReport::read(&files.json).unwrap();
    assert_eq!(back, run);
    let text = std::fs::read_to_string(&files.json).unwrap();
    assert!(
        text.starts_with("{\n  \"schema_version\": 1,"),
        "{text:.60}"
    );
}

#[test]
fn markdown_summarises_for_a_pull_request() {
    let run = support_run();
    let md = markdown::to_markdown(&run);
    println!("{md}");
    // 8 cases: 3 pass, 2 fail... as computed by the run itself
    let t = &run.totals;
    assert_eq!((t.cases, t.passed, t.failed, t.errored), (8, 4, 2, 2));
    assert!(
        md.starts_with("## Eval `support` ❌ 4/8 passed (50.0%)"),
        "{md}"
    );
    assert!(md.contains("| 8 | 4 | 2 | 2 | 50.0% |"), "{md}");
    // per-metric means
    assert!(md.contains("| context-faithfulness | 0.675 |"), "{md}");
    // per-tag table
    assert!(md.contains("| billing | 3 | 1 | 1 | 1 | 33.3% |"), "{md}");
    assert!(md.contains("| shipping | 2 | 1 | 0 | 1 | 50.0% |"), "{md}");
    // the failing cases with their reasons
    assert!(md.contains("### Failing cases (4)"), "{md}");
    assert!(
        md.contains("| refund-currency | fail | 0.250 | expected output to contain \\`EUR\\` |"),
        "{md}"
    );
    assert!(
        md.contains("| shipping-timeout | error | 0.000 | target error: provider timeout after 30 s (3 attempts) |"),
        "{md}"
    );
    assert!(
        md.contains("llm-rubric errored: judge reply is not JSON"),
        "{md}"
    );
    // judge cost
    assert!(
        md.contains("Judge cost: 0.0123 USD (4200 in / 310 out tokens)"),
        "{md}"
    );
    // nothing from the run escapes into raw HTML
    assert!(!md.contains("<script>") && !md.contains("<b>"), "{md}");
    // a passing case is not listed
    assert!(!md.contains("| refund-window |"), "{md}");
}

#[test]
fn markdown_of_a_passing_run_says_so() {
    let run = fixture::scored_run("s", "t", &[1.0, 0.9, 0.8]);
    let md = markdown::to_markdown(&run);
    assert!(md.starts_with("## Eval `s` ✅ 3/3 passed (100.0%)"), "{md}");
    assert!(!md.contains("Failing cases"), "{md}");
}

#[test]
fn junit_parses_back_with_the_right_counts() {
    let run = support_run();
    let xml = junit::to_junit(&run).unwrap();
    println!("{xml}");
    // a strict XML 1.0 parser that is not the writer
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    let suites: Vec<_> = root
        .children()
        .filter(|n| n.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), 1);
    let s = suites[0];
    assert_eq!(s.attribute("name"), Some("support"));
    assert_eq!(s.attribute("tests"), Some("8"));
    assert_eq!(s.attribute("failures"), Some("2"));
    assert_eq!(s.attribute("errors"), Some("2"));
    assert_eq!(s.attribute("skipped"), Some("0"));
    assert_eq!(s.attribute("timestamp"), Some("2025-06-01T12:00:00"));

    let cases: Vec<_> = s
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 8);
    assert!(
        cases
            .iter()
            .all(|c| c.attribute("classname") == Some("support"))
    );
    let names: Vec<_> = cases.iter().map(|c| c.attribute("name").unwrap()).collect();
    assert_eq!(names[0], "refund-window");
    let count = |tag: &str| {
        cases
            .iter()
            .filter(|c| c.children().any(|n| n.has_tag_name(tag)))
            .count()
    };
    assert_eq!(count("failure"), 2);
    assert_eq!(count("error"), 2);

    let by = |name: &str| {
        *cases
            .iter()
            .find(|c| c.attribute("name") == Some(name))
            .unwrap()
    };
    let failure = by("refund-currency")
        .children()
        .find(|n| n.has_tag_name("failure"))
        .unwrap();
    assert_eq!(
        failure.attribute("message"),
        Some("expected output to contain `EUR`")
    );
    assert!(
        failure
            .text()
            .unwrap()
            .contains("- contains (metric contains, weight 1): score 0.000")
    );
    let error = by("shipping-timeout")
        .children()
        .find(|n| n.has_tag_name("error"))
        .unwrap();
    assert_eq!(error.attribute("type"), Some("target"));
    assert!(
        error
            .attribute("message")
            .unwrap()
            .contains("provider timeout")
    );
    let error = by("judge-broken")
        .children()
        .find(|n| n.has_tag_name("error"))
        .unwrap();
    assert_eq!(error.attribute("type"), Some("evaluator"));

    // the output comes back exactly, markup and all (escaped on the wire, not lost)
    let out = by("xss-probe")
        .children()
        .find(|n| n.has_tag_name("system-out"))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        out.contains("Sure! <script>alert(1)</script> & done"),
        "{out}"
    );
    assert!(xml.contains("&lt;script&gt;"), "escaped on the wire");
    // a control character XML cannot carry was replaced, not written raw
    let greet = by("greeting")
        .children()
        .find(|n| n.has_tag_name("system-out"))
        .unwrap()
        .text()
        .unwrap();
    assert!(
        greet.contains("Hello! How can I help?\u{FFFD}[0m"),
        "{greet}"
    );
    // source location
    assert_eq!(by("greeting").attribute("file"), Some("evals/support.yaml"));
    assert!(by("greeting").attribute("line").is_some());
    // repeats: three outputs
    let rep = by("shipping-countries")
        .children()
        .find(|n| n.has_tag_name("system-out"))
        .unwrap()
        .text()
        .unwrap();
    assert!(rep.contains("output (repeat 3):"), "{rep}");
}

#[test]
fn html_is_self_contained_and_escapes_everything() {
    let run = support_run();
    let page = html::to_html(&run);
    // the injected output appears escaped, never as markup
    assert!(
        page.contains("Sure! &lt;script&gt;alert(1)&lt;/script&gt; &amp; done"),
        "escaped output missing"
    );
    assert!(!page.to_lowercase().contains("<script"), "a script element");
    assert!(page.contains("Prompt injection &lt;b&gt;probe&lt;/b&gt;"));
    // self-contained: nothing to fetch
    for needle in [
        "http://",
        "https://",
        "src=",
        "href=\"//",
        "@import",
        "url(",
    ] {
        assert!(!page.contains(needle), "found `{needle}`");
    }
    // inline CSS and the three SVG charts
    assert!(page.contains("<style>"));
    for id in ["chart-histogram", "chart-metrics", "chart-tags"] {
        assert!(
            page.contains(&format!("<svg class=\"chart\" id=\"{id}\"")),
            "{id}"
        );
    }
    // one expandable block per case; failing ones open
    assert_eq!(page.matches("<details class=\"case ").count(), 8);
    assert!(page.contains("<details class=\"case fail\" id=\"case-refund-currency\" open>"));
    assert!(page.contains("<details class=\"case pass\" id=\"case-refund-window\">"));
    // word diff of expected vs output
    assert!(page.contains("<del>EUR</del>"), "word diff");
    assert!(page.contains("<ins>USD</ins>"), "word diff");
    // line diff with the changed word marked
    assert!(page.contains("<mark>Security</mark>") && page.contains("<mark>Privacy</mark>"));
    assert!(
        page.contains("<ins>+ 4. Check your inbox</ins>"),
        "added line"
    );
    // numbers
    assert!(page.contains("<span class=\"v\">50.0%</span>"));
    assert!(page.contains("0.0123 USD"));
    assert!(page.contains("mean 0.667 over 3 repeats"));
}

#[test]
fn formats_render_by_name() {
    let run = support_run();
    for f in Format::ALL {
        let text = report::render(&run, f).unwrap();
        assert!(text.contains("support"), "{f}");
    }
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join("x.xml");
    report::write(&run, "junit".parse().unwrap(), &p).unwrap();
    assert!(roxmltree::Document::parse(&std::fs::read_to_string(&p).unwrap()).is_ok());
    let missing = dir.path().join("no/such/dir/x.md");
    let e = report::write(&run, Format::Markdown, &missing).unwrap_err();
    assert!(e.to_string().contains("x.md"), "{e}");
}

/// Writes the sample report; `scripts/html_report_check.sh` runs this test with
/// `LLMOPS_REPORT_SAMPLE_DIR` set to render it in Chromium.
#[test]
fn sample_report_for_the_check_script() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = std::env::var_os("LLMOPS_REPORT_SAMPLE_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| tmp.path().to_path_buf());
    let files = report::write_all(&support_run(), &dir).unwrap();
    assert!(files.html.is_file() && files.json.is_file());
}

/// Runs `chromium` with `args`, killing it after 90 s.
fn run_chromium(bin: &str, args: &[&str], profile: &Path) -> std::process::Output {
    let mut child = Command::new(bin)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--no-first-run",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("LLMOPS_TEST_CHROMIUM={bin} does not start: {e}"));
    let t0 = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if t0.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            panic!("chromium did not finish in 90 s");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    child.wait_with_output().unwrap()
}

#[test]
fn backend_chromium_renders_the_html_report() {
    let Some(bin) = llmops_core_backend() else {
        return;
    };
    let run = support_run();
    let dir = tempfile::tempdir().unwrap();
    let files = report::write_all(&run, dir.path()).unwrap();
    let url = format!("file://{}", files.html.display());
    let profile = dir.path().join("profile");

    let out = run_chromium(&bin, &["--dump-dom", &url], &profile);
    assert!(
        out.status.success(),
        "chromium failed: {}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let dom = String::from_utf8(out.stdout).unwrap();
    assert!(dom.len() > 5_000, "DOM too short: {dom}");
    // rendered headings and summary
    assert!(
        dom.contains("<h1>Eval <code>support</code></h1>"),
        "{dom:.2000}"
    );
    for h in ["Charts", "Metrics", "By tag", "Cases (8)"] {
        assert!(dom.contains(&format!("<h2>{h}</h2>")), "heading {h}");
    }
    // per-case details, with ids and numbers
    assert_eq!(dom.matches("<details class=\"case ").count(), 8);
    for id in [
        "refund-window",
        "refund-currency",
        "shipping-timeout",
        "xss-probe",
    ] {
        assert!(dom.contains(&format!("id=\"case-{id}\"")), "case {id}");
    }
    assert!(dom.contains("50.0%") && dom.contains("0.0123 USD"));
    // SVG charts parsed as SVG elements
    assert_eq!(dom.matches("<svg class=\"chart\"").count(), 3);
    assert!(dom.contains("<rect"));
    // the injected script stayed text: no script element in the parsed page
    assert!(
        !dom.to_lowercase().contains("<script"),
        "a script element was parsed"
    );
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
    assert!(dom.contains("<del>EUR</del>") && dom.contains("<ins>USD</ins>"));

    // and it paints: a PNG screenshot of the page
    let png = dir.path().join("report.png");
    let shot = format!("--screenshot={}", png.display());
    let out = run_chromium(&bin, &[&shot, "--window-size=1280,2400", &url], &profile);
    assert!(
        out.status.success(),
        "chromium --screenshot failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    assert!(bytes.starts_with(b"\x89PNG\r\n\x1a\n"), "not a PNG");
    assert!(
        bytes.len() > 20_000,
        "screenshot suspiciously small: {} bytes",
        bytes.len()
    );
    if let Ok(keep) = std::env::var("LLMOPS_TEST_SCREENSHOT") {
        std::fs::copy(&png, keep).unwrap();
    }
}

fn llmops_core_backend() -> Option<String> {
    llmops_eval::llmops_core::testing::backend("LLMOPS_TEST_CHROMIUM", "headless Chromium")
}
