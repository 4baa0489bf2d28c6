//! [`OutputTap`]: checks streamed output incrementally, holding back a window of text so that a
//! leak split across chunks is rewritten or cut before any byte of it reaches the caller.

use std::sync::Arc;

use llmops_core::{Finding, GuardFinding, GuardRefusal, StreamEvent, StreamTap, Tap, TextSource};

use super::detector_guard::record_of;
use super::policy::{GuardAction, GuardPolicy};
use super::rewrite::{Redactions, Span};
use crate::detector::Detector;
use crate::pii::RedactionMode;

/// The stream tap of a [`DetectorGuard`](super::DetectorGuard).
///
/// **Hold-back window.** A detector promises that no span it reports is longer than its
/// [`max_match_len`](Detector::max_match_len); the tap's window `W` is the largest of them.
/// Text the model streamed is released only once at least `W` more bytes have arrived after
/// it (or the stream ends), so any match that includes a byte has been seen whole before that
/// byte leaves: redacting findings are rewritten, a blocking finding cuts the stream (the
/// caller gets [`Error::Guard`](llmops_core::Error::Guard) with the guard, the category and
/// the reason; the exchange's outcome is `stream_cut`, named after the guard). Each text delta is rewritten to carry what can be released now
/// (possibly nothing: an empty delta); the rest comes out in later deltas, the tail when
/// generation ends ([`StreamTap::drain`]). Other events (usage, tool-call pieces, finish) are
/// not delayed; reasoning deltas and tool-call arguments are not scanned.
///
/// **Cost.** The tap scans each time `W` new bytes have come in (so between `W` and `2W` bytes
/// are held back while the answer streams); a scan covers at most `3W` bytes: `W` of released
/// context (for detectors that look behind, such as dates of birth after "born"), the `W` held
/// and the `W` new. Linear in the output (each byte is scanned about three times), never the
/// whole text again.
///
/// **Whole output.** When a detector needs the whole text (`max_match_len() == None`) or the
/// policy can hold output, the tap releases nothing before the end; there it decides once.
/// A hold cannot be approved from inside a tap: alone, the tap cuts (a
/// [`GuardSet`](super::GuardSet) with an approver buffers such streams and asks instead).
///
/// ```
/// use llmops_core::{StreamEvent, StreamTap, Tap};
/// use llmops_guard::pii::PiiScanner;
/// use llmops_guard::pipeline::DetectorGuard;
/// let mut tap = DetectorGuard::new("pii", PiiScanner::new()).output_tap();
/// let mut out = String::new();
/// for chunk in ["write to ann@exa", "mple.com today"] {
///     let mut ev = StreamEvent::delta(chunk);
///     assert_eq!(tap.on_event(&mut ev), Tap::Pass);
///     if let StreamEvent::Delta { text } = ev { out.push_str(&text) }
/// }
/// assert_eq!(out, ""); // everything is still inside the 128-byte window
/// for ev in tap.drain() {
///     if let StreamEvent::Delta { text } = ev { out.push_str(&text) }
/// }
/// assert_eq!(out, "write to <EMAIL_1> today");
/// assert_eq!(tap.take_findings()[0].action, "redact");
/// ```
pub struct OutputTap {
    name: Arc<str>,
    detectors: Arc<[Arc<dyn Detector>]>,
    policy: Arc<GuardPolicy>,
    /// `None`: hold everything until the end.
    window: Option<usize>,
    /// Raw text from absolute offset `base`: released context, then unreleased text.
    text: String,
    base: usize,
    released: usize,
    /// Bytes received since the last scan.
    unscanned: usize,
    found: Vec<Finding>,
    redactions: Redactions,
    action: GuardAction,
    categories: Vec<String>,
    score: f32,
    reported: bool,
    /// Why the stream was cut: the deciding category and the reason.
    cut: Option<(String, String)>,
}

impl std::fmt::Debug for OutputTap {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutputTap")
            .field("name", &self.name)
            .field("window", &self.window)
            .field("released", &self.released)
            .finish_non_exhaustive()
    }
}

impl OutputTap {
    pub(crate) fn new(
        name: Arc<str>,
        detectors: Arc<[Arc<dyn Detector>]>,
        policy: Arc<GuardPolicy>,
        window: Option<usize>,
    ) -> Self {
        let window = if policy.can_hold(TextSource::Output) {
            None
        } else {
            window
        };
        OutputTap {
            name,
            detectors,
            policy,
            window,
            text: String::new(),
            base: 0,
            released: 0,
            unscanned: 0,
            found: Vec::new(),
            redactions: Redactions::default(),
            action: GuardAction::Allow,
            categories: Vec::new(),
            score: 0.0,
            reported: false,
            cut: None,
        }
    }

    /// Continues the placeholder numbering of an exchange's inputs, so an output placeholder
    /// never reuses a number that stands for another value there.
    pub(crate) fn numbering(mut self, redactions: Redactions) -> Self {
        self.redactions = redactions;
        self
    }

    /// The hold-back window in bytes (`None`: the whole output is held until the end).
    pub fn window(&self) -> Option<usize> {
        self.window
    }

    /// Bytes of output released so far (before rewriting).
    pub fn released(&self) -> usize {
        self.released
    }

    fn note(&mut self, action: GuardAction, f: &Finding) {
        self.action = self.action.max(action);
        self.score = self.score.max(f.score);
        if !self.categories.contains(&f.category) {
            self.categories.push(f.category.clone());
        }
    }

    /// Scans what is held and releases what is safe (everything when `last`). `Err` carries
    /// the deciding category and the reason to cut.
    fn step(&mut self, last: bool) -> Result<String, (String, String)> {
        match self.window {
            None if !last => return Ok(String::new()),
            // scan once a window's worth of new text is in: each scan then covers at most
            // three windows (context, held, new) and releases one
            Some(w) if !last && self.unscanned < w.max(1) => return Ok(String::new()),
            _ => self.unscanned = 0,
        }
        let rel = self.released.saturating_sub(self.base);
        let mut found = std::mem::take(&mut self.found);
        found.clear();
        for d in self.detectors.iter() {
            d.scan(&self.text, TextSource::Output, &mut found);
        }
        let placeholder = RedactionMode::Placeholder;
        let policy = self.policy.clone();
        let mut spans: Vec<(usize, usize, usize)> = Vec::new(); // start, end, finding index
        let mut stop: Option<(GuardAction, String, String)> = None;
        for (i, f) in found.iter().enumerate() {
            if f.end <= rel {
                continue; // decided when it was released
            }
            let rule = policy.rule_for(TextSource::Output, f);
            let a = rule.map_or_else(|| policy.action(TextSource::Output, f), |r| r.action());
            if a == GuardAction::Allow {
                continue;
            }
            self.note(a, f);
            match a {
                GuardAction::Block | GuardAction::Hold
                    if stop.as_ref().is_none_or(|(s, _, _)| a > *s) =>
                {
                    let reason = rule.map_or_else(
                        || format!("`{}` found in output", f.category),
                        |r| r.reason_for(&f.category, TextSource::Output),
                    );
                    stop = Some((a, f.category.clone(), reason));
                }
                GuardAction::Redact => spans.push((f.start.max(rel), f.end, i)),
                _ => {}
            }
        }
        if let Some((a, category, reason)) = stop {
            self.found = found;
            let reason = match a {
                GuardAction::Hold => {
                    format!("held for approval, and a bare stream tap cannot ask: {reason}")
                }
                _ => reason,
            };
            return Err((category, reason));
        }
        let len = self.text.len();
        let mut r = match (last, self.window) {
            (true, _) | (false, None) => len,
            (false, Some(w)) => len.saturating_sub(w).max(rel),
        };
        while r > rel && !self.text.is_char_boundary(r) {
            r -= 1;
        }
        // a redaction that starts before the release point is complete (it is longer than no
        // detector's window): release it whole
        loop {
            let grown = spans
                .iter()
                .filter(|(s, e, _)| *s < r && *e > r)
                .map(|(_, e, _)| *e)
                .max();
            match grown {
                Some(e) if e <= len => r = e,
                _ => break,
            }
        }
        let out = match self.text.get(rel..r) {
            Some(segment) => {
                let mut inside: Vec<Span<'_>> = spans
                    .iter()
                    .filter(|(s, _, _)| *s < r)
                    .filter_map(|(s, e, i)| {
                        let f = found.get(*i)?;
                        let mode = policy
                            .rule_for(TextSource::Output, f)
                            .map_or(&placeholder, |rule| rule.redaction_mode());
                        Some(Span {
                            start: s - rel,
                            end: e - rel,
                            category: &f.category,
                            mode,
                        })
                    })
                    .collect();
                if inside.is_empty() {
                    segment.to_owned()
                } else {
                    self.redactions.rewrite(segment, &mut inside, false)
                }
            }
            None => String::new(),
        };
        self.found = found;
        self.released = self.base + r;
        if let Some(w) = self.window {
            // keep `w` bytes of released text as context for the next scan
            let mut keep_from = r.saturating_sub(w);
            while keep_from > 0 && !self.text.is_char_boundary(keep_from) {
                keep_from -= 1;
            }
            if keep_from > 0 {
                self.text.drain(..keep_from);
                self.base += keep_from;
            }
        }
        Ok(out)
    }
}

impl StreamTap for OutputTap {
    fn name(&self) -> &str {
        &self.name
    }

    fn on_event(&mut self, ev: &mut StreamEvent) -> Tap {
        if let Some((_, reason)) = &self.cut {
            return Tap::Cut(reason.clone());
        }
        match ev {
            StreamEvent::Delta { text } => {
                self.text.push_str(text);
                self.unscanned += text.len();
                match self.step(false) {
                    Ok(out) => {
                        *text = out;
                        Tap::Pass
                    }
                    Err((category, reason)) => {
                        text.clear();
                        self.cut = Some((category, reason.clone()));
                        Tap::Cut(reason)
                    }
                }
            }
            _ => Tap::Pass,
        }
    }

    fn drain(&mut self) -> Vec<StreamEvent> {
        if self.cut.is_some() || self.released == self.base + self.text.len() {
            return Vec::new();
        }
        match self.step(true) {
            Ok(out) if out.is_empty() => Vec::new(),
            Ok(out) => vec![StreamEvent::delta(out)],
            Err(stop) => {
                self.cut = Some(stop);
                Vec::new()
            }
        }
    }

    fn on_end(&mut self) -> Tap {
        match &self.cut {
            Some((_, reason)) => Tap::Cut(reason.clone()),
            None => Tap::Pass,
        }
    }

    /// The cut as a typed refusal (`Error::Guard`: this guard, output, the deciding category).
    fn refusal(&mut self) -> Option<GuardRefusal> {
        let (category, reason) = self.cut.as_ref()?;
        Some(GuardRefusal::blocked(
            self.name.as_ref(),
            TextSource::Output,
            category.as_str(),
            reason.as_str(),
        ))
    }

    fn take_findings(&mut self) -> Vec<GuardFinding> {
        if self.reported || self.action == GuardAction::Allow {
            return Vec::new();
        }
        self.reported = true;
        let mut rec = record_of(&self.name, TextSource::Output, self.action, &[]);
        rec.categories = std::mem::take(&mut self.categories);
        rec.score = self.score;
        vec![rec]
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use crate::pii::PiiScanner;
    use crate::pipeline::DetectorGuard;
    use proptest::prelude::*;

    /// Feeds `chunks` as core would (deltas, then the drain), returns the delivered text.
    fn run(tap: &mut OutputTap, chunks: &[String]) -> (String, bool) {
        let mut out = String::new();
        for c in chunks {
            let mut ev = StreamEvent::delta(c.clone());
            match tap.on_event(&mut ev) {
                Tap::Pass => {}
                _ => return (out, true),
            }
            if let StreamEvent::Delta { text } = ev {
                out.push_str(&text);
            }
        }
        for ev in tap.drain() {
            if let StreamEvent::Delta { text } = ev {
                out.push_str(&text);
            }
        }
        (out, tap.on_end() != Tap::Pass)
    }

    fn chunked(text: &str, sizes: &[usize]) -> Vec<String> {
        let mut out = Vec::new();
        let mut at = 0;
        for s in sizes.iter().cycle().take(text.len() + 1) {
            if at >= text.len() {
                break;
            }
            let mut end = (at + s).min(text.len());
            while !text.is_char_boundary(end) {
                end += 1;
            }
            out.push(text[at..end].to_owned());
            at = end;
        }
        out
    }

    proptest! {
        /// Any text in any chunking: no panic, nothing cut by the PII policy (it redacts), and
        /// text without digits or `@` (nothing PII-shaped) comes out unchanged.
        #[test]
        fn any_text_any_chunking(text in "\\PC{0,400}", sizes in proptest::collection::vec(1usize..40, 1..8)) {
            let guard = DetectorGuard::new("pii", PiiScanner::new());
            let (out, cut) = run(&mut guard.output_tap(), &chunked(&text, &sizes));
            prop_assert!(!cut);
            if !text.chars().any(|c| c.is_ascii_digit() || c == '@' || c == ':') {
                prop_assert_eq!(out, text);
            }
        }
    }

    #[test]
    fn findings_are_reported_once_and_only_when_not_allowed() {
        let guard = DetectorGuard::new("pii", PiiScanner::new());
        let mut tap = guard.output_tap();
        let (out, cut) = run(&mut tap, &["mail a@example.com".into()]);
        assert_eq!((out.as_str(), cut), ("mail <EMAIL_1>", false));
        let f = tap.take_findings();
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].categories, vec!["pii.email".to_owned()]);
        assert!(tap.take_findings().is_empty());
        let mut clean = guard.output_tap();
        run(&mut clean, &["nothing here".into()]);
        assert!(clean.take_findings().is_empty());
        assert_eq!(clean.window(), Some(128));
    }
}
