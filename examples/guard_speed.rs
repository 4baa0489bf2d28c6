//! Throughput of the default input detectors on text files, for side-by-side runs with peers
//! (`scripts/peers/presidio/run.sh` runs this and Microsoft Presidio on the same texts).
//!
//! `cargo run --release --example guard_speed --features guard -- FILE...` prints one JSON
//! object per detector and file: bytes, seconds per scan, MB/s, and the categories found.
#![allow(clippy::print_stdout)]

use std::time::{Duration, Instant};

use llmops::guard::Detector;
use llmops::guard::pii::PiiScanner;
use llmops::{Finding, Role, TextSource};

/// Scans `text` repeatedly for at least `min`; returns seconds per scan.
fn timed(d: &dyn Detector, text: &str, min: Duration) -> f64 {
    let mut out = Vec::new();
    let source = TextSource::Message(Role::User);
    d.scan(text, source, &mut out);
    let start = Instant::now();
    let mut n = 0u32;
    loop {
        out.clear();
        d.scan(std::hint::black_box(text), source, &mut out);
        n += 1;
        let el = start.elapsed();
        if el >= min {
            return el.as_secs_f64() / f64::from(n);
        }
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let paths: Vec<String> = std::env::args().skip(1).collect();
    if paths.is_empty() {
        return Err("usage: guard_speed FILE...".into());
    }
    let detectors: Vec<Box<dyn Detector>> = vec![Box::new(PiiScanner::new())];
    for path in &paths {
        let text = std::fs::read_to_string(path)?;
        for d in &detectors {
            let mut found: Vec<Finding> = Vec::new();
            d.scan(&text, TextSource::Message(Role::User), &mut found);
            let mut cats: Vec<&str> = found.iter().map(|f| f.category.as_str()).collect();
            cats.sort_unstable();
            let per = timed(d.as_ref(), &text, Duration::from_secs(2));
            let name = std::path::Path::new(path)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(path);
            println!(
                "{}",
                serde_json::json!({
                    "peer": "llmops", "mode": d.name(), "text": name,
                    "bytes": text.len(), "seconds_per_scan": per,
                    "mb_per_s": text.len() as f64 / per / 1e6, "findings": cats,
                })
            );
        }
    }
    Ok(())
}
