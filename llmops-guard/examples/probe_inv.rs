use std::collections::BTreeMap;
fn main() {
    let d = llmops_guard::injection::InjectionDetector::new();
    for path in std::env::args().skip(1) {
        let data = std::fs::read_to_string(&path).unwrap();
        let mut hist: BTreeMap<(String, String, String), usize> = BTreeMap::new();
        for line in data.lines() {
            let v: serde_json::Value = serde_json::from_str(line).unwrap();
            let text = v["text"].as_str().unwrap();
            let label = v["label"].as_str().unwrap().to_string();
            let fam = v["family"].as_str().unwrap_or("").to_string();
            let n = llmops_guard::normalize::normalize(text);
            let c = n.counts();
            let chars: Vec<char> = text.chars().collect();
            let mut ctrl = 0;
            let mut bidi_in = 0;
            for (i, &ch) in chars.iter().enumerate() {
                let prev = i
                    .checked_sub(1)
                    .and_then(|p| chars.get(p))
                    .copied()
                    .unwrap_or(' ');
                let next = chars.get(i + 1).copied().unwrap_or(' ');
                if (ch.is_control() && !matches!(ch, '\t' | '\n' | '\r' | '\x0b' | '\x0c')) {
                    ctrl += 1;
                }
                if matches!(ch, '\u{200E}' | '\u{200F}' | '\u{061C}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
                    && prev.is_ascii_alphanumeric()
                    && next.is_ascii_alphanumeric()
                {
                    bidi_in += 1;
                }
            }
            let r = d.analyze(
                text,
                llmops_core::guardrail::TextSource::Message(llmops_core::Role::User),
            );
            let key = format!(
                "zwin={} bidi={} bidi_in={} ctrl={} det={}",
                c.zero_width_in_words.min(3),
                c.bidi.min(3),
                bidi_in.min(3),
                ctrl.min(3),
                r.is_injection()
            );
            if c.zero_width_in_words + c.bidi + ctrl + bidi_in > 0 {
                *hist.entry((label.clone(), fam.clone(), key)).or_default() += 1;
                if label == "benign" {
                    println!(
                        "BENIGN {}: {}",
                        fam,
                        text.chars().take(120).collect::<String>().escape_debug()
                    );
                }
            }
        }
        println!("== {path}");
        for ((l, f, k), n) in &hist {
            println!("{l} {f} {k}: {n}");
        }
    }
}
