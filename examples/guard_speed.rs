//! Throughput of the default input detectors on text files, for side-by-side runs with peers
//! (`scripts/peers/presidio/run.sh` runs this and Microsoft Presidio on the same texts).
//!
//! `cargo run --release --example guard_speed --features guard -- FILE...` prints one JSON
//! object per detector group and file: bytes, seconds per scan, MB/s (on average, and in the
//! fastest batch of 50 scans: less sensitive to other load), and the categories found. Groups: `pii`, `secrets`, `injection_rules`, `injection_learned`, `rules` (the first
//! three one after the other) and `all` (PII, secrets and the rules + learned pair over one
//! normalisation, as the default guards run them). `GUARD_SPEED_GROUPS=pii,rules` runs only
//! those groups, `GUARD_SPEED_SECONDS=0.5` measures each for that long (default 2 s).
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use llmops::guard::pii::PiiScanner;
use llmops::guard::{
    CombinedInjectionDetector, Detector, InjectionDetector, LearnedDetector, SecretScanner,
};
use llmops::{Finding, Role, TextSource};

/// A named group of detectors, run one after the other on the same text.
struct Group {
    name: &'static str,
    detectors: Vec<Box<dyn Detector>>,
}

impl Group {
    fn scan(&self, text: &str, out: &mut Vec<Finding>) {
        for d in &self.detectors {
            d.scan(text, TextSource::Message(Role::User), out);
        }
    }
}

/// Scans `text` repeatedly for at least `min`, in batches of 50 scans; returns seconds per
/// scan, on average and in the fastest batch (less sensitive to other load on the machine).
fn timed(g: &Group, text: &str, min: Duration) -> (f64, f64) {
    let mut out = Vec::new();
    g.scan(text, &mut out);
    let start = Instant::now();
    let mut n = 0u32;
    let mut best = f64::INFINITY;
    loop {
        let batch = Instant::now();
        for _ in 0..50 {
            out.clear();
            g.scan(std::hint::black_box(text), &mut out);
        }
        n += 50;
        best = best.min(batch.elapsed().as_secs_f64() / 50.0);
        let el = start.elapsed();
        if el >= min {
            return (el.as_secs_f64() / f64::from(n), best);
        }
    }
}

fn groups() -> Vec<Group> {
    let pii = || Box::new(PiiScanner::new()) as Box<dyn Detector>;
    let secrets = || Box::new(SecretScanner::new()) as Box<dyn Detector>;
    let rules = || Box::new(InjectionDetector::new()) as Box<dyn Detector>;
    let learned = || Box::new(LearnedDetector::new()) as Box<dyn Detector>;
    let group = |name, detectors| Group { name, detectors };
    vec![
        group("pii", vec![pii()]),
        group("secrets", vec![secrets()]),
        group("injection_rules", vec![rules()]),
        group("injection_learned", vec![learned()]),
        group("rules", vec![pii(), secrets(), rules()]),
        // what the default guards run: the injection pair over one normalisation
        group(
            "all",
            vec![pii(), secrets(), Box::new(CombinedInjectionDetector::new())],
        ),
    ]
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        return Err("usage: guard_speed FILE...".into());
    }
    // GUARD_SPEED_GROUPS=pii,secrets runs only those groups; GUARD_SPEED_SECONDS the time per
    // measurement (default 2).
    let only = std::env::var("GUARD_SPEED_GROUPS").ok();
    let seconds: f64 = std::env::var("GUARD_SPEED_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(2.0);
    let groups: Vec<Group> = groups()
        .into_iter()
        .filter(|g| {
            only.as_ref()
                .is_none_or(|o| o.split(',').any(|n| n == g.name))
        })
        .collect();
    for path in &paths {
        let text = std::fs::read_to_string(path)?;
        for g in &groups {
            let mut found: Vec<Finding> = Vec::new();
            g.scan(&text, &mut found);
            let mut cats: Vec<&str> = found.iter().map(|f| f.category.as_str()).collect();
            cats.sort_unstable();
            let (per, best) = timed(g, &text, Duration::from_secs_f64(seconds));
            let name = std::path::Path::new(path)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(path);
            println!(
                "{}",
                serde_json::json!({
                    "peer": "llmops", "mode": g.name, "text": name,
                    "bytes": text.len(), "seconds_per_scan": per,
                    "mb_per_s": text.len() as f64 / per / 1e6,
                    "best_mb_per_s": text.len() as f64 / best / 1e6, "findings": cats,
                })
            );
        }
    }
    Ok(())
}
