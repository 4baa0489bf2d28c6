//! Dumps the rule detector's verdict on every line of JSONL files: one TSV line per text with
//! the file, line number, id, label, family, source kind, verdict (1: flagged) and score.
//! The source kind follows the trainer (`train_injection`): a `kind` field says it outright,
//! otherwise `document` and `indirect` texts are retrieved context and the rest user messages.
//! `RULES_DUMP_SIGNALS=1` adds every signal (family, weight, phrase) as a last column.
//! For before/after comparisons of rule changes; not part of CI.
//!
//! ```sh
//! cargo run -p llmops-guard --example rules_dump -- FILE.jsonl ... > rules.tsv
//! ```
#![allow(clippy::print_stdout)]

use std::fmt::Write as _;

use llmops_core::{Role, TextSource};
use llmops_guard::injection::InjectionDetector;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let detector = InjectionDetector::new();
    let mut out = String::new();
    let signals = std::env::var_os("RULES_DUMP_SIGNALS").is_some();
    for path in std::env::args().skip(1) {
        let name = std::path::Path::new(&path)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        // the test splits are never read
        if ["heldout5", "heldout6", "heldout7", "heldout8", "heldout9"]
            .iter()
            .any(|h| name.contains(h))
        {
            return Err(format!("{path}: a test split, not read").into());
        }
        let text = std::fs::read_to_string(&path)?;
        for (n, line) in text.lines().enumerate() {
            if line.trim().is_empty() {
                continue;
            }
            let v: serde_json::Value = serde_json::from_str(line)?;
            let field = |k: &str| v.get(k).and_then(|s| s.as_str()).unwrap_or("-");
            let family = field("family");
            let indirect = match field("kind") {
                "retrieved" => true,
                "message" => false,
                _ => family == "document" || family == "indirect",
            };
            let source = if indirect {
                TextSource::Retrieved
            } else {
                TextSource::Message(Role::User)
            };
            let text = field("text");
            let r = detector.analyze(text, source);
            write!(
                out,
                "{name}\t{}\t{}\t{}\t{family}\t{}\t{}\t{:.4}\t",
                n + 1,
                field("id"),
                field("label"),
                if indirect { "retrieved" } else { "message" },
                u8::from(r.is_injection()),
                r.score
            )?;
            if signals {
                for s in &r.signals {
                    let phrase = text.get(s.start..s.end).unwrap_or("?");
                    let phrase: String = phrase.chars().take(60).collect();
                    write!(out, "{}:{:.3}:{:?} ", s.family.as_str(), s.score, phrase)?;
                }
            }
            out.push('\n');
        }
    }
    print!("{out}");
    Ok(())
}
