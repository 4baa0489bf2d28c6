//! Inline SVG charts (no script, no external resource): the score histogram, the per-metric
//! means, and pass/fail/error by tag.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::esc;
use crate::report::summary::{TagSummary, num, pct};

const W: f64 = 340.0;
const BINS: usize = 10;

/// Case scores in ten bins of width 0.1 (the last bin includes 1.0).
pub(crate) fn histogram(scores: &[f64]) -> String {
    let mut bins = [0u32; BINS];
    for s in scores {
        let i = if s.is_finite() {
            ((s.clamp(0.0, 1.0) * BINS as f64).floor() as usize).min(BINS - 1)
        } else {
            0
        };
        if let Some(b) = bins.get_mut(i) {
            *b += 1;
        }
    }
    let max = bins.iter().copied().max().unwrap_or(0).max(1);
    let (h, top, bottom, left) = (180.0, 16.0, 34.0, 30.0);
    let plot_h = h - top - bottom;
    let bw = (W - left - 10.0) / BINS as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" id="chart-histogram" viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" aria-label="Score distribution"><title>Score distribution: cases per score bin</title>"#
    );
    let _ = write!(
        s,
        r#"<line x1="{left}" y1="{y}" x2="{x2}" y2="{y}" class="axis"/>"#,
        y = top + plot_h,
        x2 = W - 10.0
    );
    let _ = write!(
        s,
        r#"<text x="{x}" y="{y}" class="tick" text-anchor="end">{max}</text>"#,
        x = left - 4.0,
        y = top + 4.0
    );
    for (i, &count) in bins.iter().enumerate() {
        let x = left + i as f64 * bw;
        let bh = plot_h * f64::from(count) / f64::from(max);
        let y = top + plot_h - bh;
        let lo = i as f64 / BINS as f64;
        let hue = (lo * 120.0).round();
        let _ = write!(
            s,
            r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{bh:.1}" fill="hsl({hue},60%,48%)"><title>{lo:.1}–{hi:.1}: {count} case(s)</title></rect>"#,
            x = x + 1.0,
            w = bw - 2.0,
            hi = lo + 0.1
        );
        if count > 0 {
            let _ = write!(
                s,
                r#"<text x="{cx:.1}" y="{ty:.1}" class="val" text-anchor="middle">{count}</text>"#,
                cx = x + bw / 2.0,
                ty = y - 3.0
            );
        }
        if i % 2 == 0 {
            let _ = write!(
                s,
                r#"<text x="{x:.1}" y="{ty}" class="tick" text-anchor="middle">{lo:.1}</text>"#,
                ty = top + plot_h + 14.0
            );
        }
    }
    let _ = write!(
        s,
        r#"<text x="{x}" y="{ty}" class="tick" text-anchor="middle">1.0</text><text x="{cx}" y="{ly}" class="tick" text-anchor="middle">case score</text></svg>"#,
        x = W - 10.0,
        ty = top + plot_h + 14.0,
        cx = left + (W - left - 10.0) / 2.0,
        ly = h - 4.0
    );
    s
}

/// One horizontal bar per metric mean (the bar spans 0..1; values outside are clamped in the
/// bar, printed as they are).
pub(crate) fn metric_bars(metrics: &BTreeMap<String, f64>) -> String {
    let row = 22.0;
    let (label_w, top) = (130.0, 6.0);
    let h = top * 2.0 + row * metrics.len().max(1) as f64;
    let bar_max = W - label_w - 60.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" id="chart-metrics" viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" aria-label="Per-metric means"><title>Mean of each metric over the cases</title>"#
    );
    if metrics.is_empty() {
        let _ = write!(
            s,
            r#"<text x="8" y="{y}" class="tick">no metrics</text>"#,
            y = top + 14.0
        );
    }
    for (i, (name, v)) in metrics.iter().enumerate() {
        let y = top + i as f64 * row;
        let w = if v.is_finite() {
            v.clamp(0.0, 1.0) * bar_max
        } else {
            0.0
        };
        let hue = if v.is_finite() {
            (v.clamp(0.0, 1.0) * 120.0).round()
        } else {
            0.0
        };
        let _ = write!(
            s,
            r#"<text x="{lx}" y="{ty:.1}" class="label" text-anchor="end">{name}</text><rect x="{label_w}" y="{y:.1}" width="{bar_max:.1}" height="{bh}" class="track"/><rect x="{label_w}" y="{y:.1}" width="{w:.1}" height="{bh}" fill="hsl({hue},60%,45%)"><title>{name}: {val}</title></rect><text x="{vx:.1}" y="{ty:.1}" class="val">{val}</text>"#,
            lx = label_w - 6.0,
            ty = y + 14.0,
            bh = row - 6.0,
            name = esc(&short(name, 20)),
            val = num(*v),
            vx = label_w + bar_max + 6.0
        );
    }
    s.push_str("</svg>");
    s
}

/// One stacked bar per tag: passed (green), failed (red), errored (amber), as shares.
pub(crate) fn tag_bars(tags: &[TagSummary]) -> String {
    let row = 22.0;
    let (label_w, top) = (130.0, 6.0);
    let h = top * 2.0 + row * tags.len().max(1) as f64;
    let bar_max = W - label_w - 60.0;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart" id="chart-tags" viewBox="0 0 {W} {h}" width="{W}" height="{h}" role="img" aria-label="Pass and fail by tag"><title>Passed, failed and errored cases per tag</title>"#
    );
    if tags.is_empty() {
        let _ = write!(
            s,
            r#"<text x="8" y="{y}" class="tick">no tags</text>"#,
            y = top + 14.0
        );
    }
    for (i, t) in tags.iter().enumerate() {
        let y = top + i as f64 * row;
        let n = f64::from(t.cases.max(1));
        let mut x = label_w;
        let _ = write!(
            s,
            r#"<text x="{lx}" y="{ty:.1}" class="label" text-anchor="end">{name}</text>"#,
            lx = label_w - 6.0,
            ty = y + 14.0,
            name = esc(&short(&t.tag, 20))
        );
        for (count, class, what) in [
            (t.passed, "pass", "passed"),
            (t.failed, "fail", "failed"),
            (t.errored, "error", "errored"),
        ] {
            if count == 0 {
                continue;
            }
            let w = bar_max * f64::from(count) / n;
            let _ = write!(
                s,
                r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{bh}" class="{class}"><title>{tag}: {count} {what}</title></rect>"#,
                bh = row - 6.0,
                tag = esc(&t.tag)
            );
            x += w;
        }
        let _ = write!(
            s,
            r#"<text x="{vx:.1}" y="{ty:.1}" class="val">{p}</text>"#,
            vx = label_w + bar_max + 6.0,
            ty = y + 14.0,
            p = pct(t.pass_rate)
        );
    }
    s.push_str("</svg>");
    s
}

fn short(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_owned()
    } else {
        let mut c: String = s.chars().take(max.saturating_sub(1)).collect();
        c.push('…');
        c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_bins_scores_and_counts_them() {
        let h = histogram(&[0.0, 0.05, 0.55, 1.0, 1.0, 1.0]);
        assert!(h.contains("0.0–0.1: 2 case(s)"), "{h}");
        assert!(h.contains("0.5–0.6: 1 case(s)"), "{h}");
        assert!(h.contains("0.9–1.0: 3 case(s)"), "{h}");
        assert!(h.starts_with("<svg") && h.ends_with("</svg>"));
    }

    #[test]
    fn labels_are_escaped() {
        let mut m = BTreeMap::new();
        m.insert("<x>&".to_owned(), 0.5);
        let s = metric_bars(&m);
        assert!(s.contains("&lt;x&gt;&amp;") && !s.contains("<x>"), "{s}");
    }
}
