//! [`SecretScanner`]: the rules in one combined pass, then validation, pairing (AWS secrets
//! next to their key id) and overlap resolution.

use std::borrow::Cow;

use llmops_core::{Finding, Redactor, TextSource};

use super::gates;
use super::kind::{SecretFinding, SecretKind};
use super::redact::{SecretRedaction, redact_secrets};
use super::rules::{
    AWS_PAIR_WINDOW, AWS_SECRET_RUN, REGEXES, RULES, Rule, SET, Scored, bearer, generic, validate,
};
use super::validate::{Classes, base64_byte, shannon};
use crate::detector::Detector;
use crate::spans::keep_best_disjoint;

/// Finds secrets in text: provider API keys, private key blocks, JWTs, passwords in connection
/// strings, and high-entropy values after a keyword.
///
/// On ASCII text one Aho-Corasick pass over the rules' fixed parts (provider prefixes, PEM
/// headers, `://`, keyword stems) names the rules that may match, and only those search; other
/// text takes one [`RegexSet`](regex::RegexSet) pass. A text without candidates costs that
/// pass and allocates nothing (after a thread's first scan). Candidates are then
/// validated (checksums, entropy, character classes, JWT headers, placeholder values) and
/// scored; findings under [`min_score`](Self::min_score) (default 0.3) are dropped.
///
/// ```
/// use llmops_guard::secrets::{SecretKind, SecretScanner};
/// let scanner = SecretScanner::new();
/// // built at run time, so this file holds no literal that looks like a live key
/// let key = format!("AKIA{}", "Z7QW3RT5YU2IOP4A");
/// let text = format!("aws_access_key_id = {key}");
/// let found = scanner.scan(&text);
/// assert_eq!(found[0].kind, SecretKind::AwsAccessKey);
/// assert_eq!(found[0].text(&text), Some(key.as_str()));
/// assert!(scanner.scan("the sk-learn docs and commit 3f9a1c2").is_empty());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SecretScanner {
    enabled: [bool; SecretKind::ALL.len()],
    min_score: f32,
}

impl Default for SecretScanner {
    fn default() -> Self {
        SecretScanner::new()
    }
}

impl SecretScanner {
    /// A scanner for every kind, reporting findings that score at least 0.3.
    pub fn new() -> Self {
        SecretScanner {
            enabled: [true; SecretKind::ALL.len()],
            min_score: 0.3,
        }
    }

    /// A scanner for `kinds` only.
    pub fn only(kinds: &[SecretKind]) -> Self {
        let mut s = SecretScanner::new();
        s.enabled = [false; SecretKind::ALL.len()];
        for k in kinds {
            if let Some(e) = s.enabled.get_mut(k.index()) {
                *e = true;
            }
        }
        s
    }

    /// Turns `kind` on or off.
    #[must_use]
    pub fn with(mut self, kind: SecretKind, on: bool) -> Self {
        if let Some(e) = self.enabled.get_mut(kind.index()) {
            *e = on;
        }
        self
    }

    /// Reports only findings scoring at least `score` (clamped to `0..=1`; NaN counts as 0).
    /// At 0 every validated candidate is reported, test keys and example values included.
    #[must_use]
    pub fn min_score(mut self, score: f32) -> Self {
        self.min_score = if score.is_nan() {
            0.0
        } else {
            score.clamp(0.0, 1.0)
        };
        self
    }

    /// Whether the scanner looks for `kind`.
    pub fn is_enabled(&self, kind: SecretKind) -> bool {
        self.enabled.get(kind.index()).copied().unwrap_or(false)
    }

    /// The secrets in `text`, sorted by start, without overlaps (a provider-specific finding
    /// beats a generic one, then the higher score, then the longer span). Allocates nothing
    /// when no candidate has the shape of a secret.
    pub fn scan(&self, text: &str) -> Vec<SecretFinding> {
        #[cfg(test)]
        if REFERENCE.with(std::cell::Cell::get) {
            return self.scan_with(text, set_pass(text));
        }
        let open = gates::open_rules(text).unwrap_or_else(|| set_pass(text));
        self.scan_with(text, open)
    }

    /// The findings of the rules marked in `open` (the others have no match in `text`).
    fn scan_with(&self, text: &str, open: [bool; RULES.len()]) -> Vec<SecretFinding> {
        let mut out = Vec::new();
        for (i, (rule, _)) in RULES.iter().enumerate() {
            let wanted = self.is_enabled(rule.kind())
                || (*rule == Rule::AwsId && self.is_enabled(SecretKind::AwsSecretKey));
            if open.get(i) != Some(&true) || !wanted {
                continue;
            }
            let Some(re) = REGEXES.get(i) else { continue };
            self.run_rule(*rule, re, text, &mut out);
        }
        resolve_overlaps(out)
    }

    fn keep(&self, out: &mut Vec<SecretFinding>, scored: Option<Scored>) {
        if let Some((kind, start, end, score)) = scored
            && self.is_enabled(kind)
            && score >= self.min_score
            && end > start
        {
            out.push(SecretFinding::new(kind, start, end, score));
        }
    }

    fn run_rule(&self, rule: Rule, re: &regex::Regex, text: &str, out: &mut Vec<SecretFinding>) {
        match rule {
            Rule::Generic => {
                // The next search starts at the value, not after it: a value may hold the
                // real assignment (`token = client_secret=…`), which the value's own check
                // rejects as a whole.
                let mut at = 0;
                while let Some(caps) = re.captures_at(text, at) {
                    let (Some(kw), Some(v)) = (caps.get(1), caps.get(2)) else {
                        break;
                    };
                    self.keep(out, generic(kw.as_str(), text, v.start(), v.end()));
                    at = v.start();
                }
            }
            Rule::Bearer => {
                for caps in re.captures_iter(text) {
                    if let Some(v) = caps.get(1) {
                        self.keep(out, bearer(text, v.start(), v.end()));
                    }
                }
            }
            Rule::AwsSecretKeyword | Rule::GcpServiceAccount | Rule::Azure | Rule::Connection => {
                for caps in re.captures_iter(text) {
                    if let Some(v) = caps.get(1) {
                        self.keep(out, validate(rule, text, v.start(), v.end()));
                    }
                }
            }
            Rule::AwsId => {
                for m in re.find_iter(text) {
                    let scored = validate(rule, text, m.start(), m.end());
                    self.keep(out, scored);
                    if self.is_enabled(SecretKind::AwsSecretKey) {
                        self.keep(out, aws_secret_near(text, m.end()));
                    }
                }
            }
            _ => {
                for m in re.find_iter(text) {
                    self.keep(out, validate(rule, text, m.start(), m.end()));
                }
            }
        }
    }
}

/// The rules the combined set finds a match of: the pass for non-ASCII text (and, in tests,
/// the reference the gates are compared with).
fn set_pass(text: &str) -> [bool; RULES.len()] {
    let mut open = [false; RULES.len()];
    if SET.is_match(text) {
        for i in SET.matches(text).iter() {
            if let Some(o) = open.get_mut(i) {
                *o = true;
            }
        }
    }
    open
}

#[cfg(test)]
thread_local! {
    /// Tests: scan with the set pass whatever the text (the reference of the gate proptests).
    pub(super) static REFERENCE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// An AWS secret access key within [`AWS_PAIR_WINDOW`] bytes after a key id ending at `from`:
/// exactly 40 base64 characters, upper and lower case and digits, ≥ 4 bits of entropy.
fn aws_secret_near(text: &str, from: usize) -> Option<Scored> {
    let mut to = (from + AWS_PAIR_WINDOW).min(text.len());
    while !text.is_char_boundary(to) {
        to -= 1;
    }
    let window = text.get(from..to)?;
    AWS_SECRET_RUN.find_iter(window).find_map(|m| {
        let (s, e) = (from + m.start(), from + m.end());
        let b = m.as_str().as_bytes();
        let c = Classes::of(b);
        let bounded = !base64_byte(
            s.checked_sub(1)
                .and_then(|i| text.as_bytes().get(i).copied()),
        ) && !base64_byte(text.as_bytes().get(e).copied());
        (bounded && c.lower && c.upper && c.digit && shannon(b) >= 4.0).then_some((
            SecretKind::AwsSecretKey,
            s,
            e,
            0.9,
        ))
    })
}

/// Keeps the best of overlapping findings (specific before generic, then higher score, then
/// longer), sorted by start.
fn resolve_overlaps(mut found: Vec<SecretFinding>) -> Vec<SecretFinding> {
    if found.len() < 2 {
        return found;
    }
    found.sort_by(|a, b| {
        b.kind
            .is_specific()
            .cmp(&a.kind.is_specific())
            .then(b.score.total_cmp(&a.score))
            .then(b.len().cmp(&a.len()))
            .then(a.start.cmp(&b.start))
    });
    keep_best_disjoint(found, |f| (f.start, f.end))
}

impl Detector for SecretScanner {
    fn name(&self) -> &str {
        "secrets"
    }

    fn scan(&self, text: &str, _source: TextSource, out: &mut Vec<Finding>) {
        for f in SecretScanner::scan(self, text) {
            out.push(f.to_finding());
        }
    }

    /// 512 bytes: every rule decides within the first 512 bytes of a secret (a key, a
    /// keyword and its value, a PEM header, a JWT's header and the start of its payload, a URL
    /// up to its password). Longer spans (a PEM body, a long JWT) are reported whole when the
    /// text holds them, and found from their start when it does not, so a stream tap holding
    /// back 512 bytes cuts them before their first byte is released.
    fn max_match_len(&self) -> Option<usize> {
        Some(512)
    }
}

/// For logs and traces: every secret replaced by its typed placeholder.
impl Redactor for SecretScanner {
    fn name(&self) -> &str {
        "secrets"
    }

    fn redact<'a>(&self, text: &'a str) -> Cow<'a, str> {
        let found = SecretScanner::scan(self, text);
        redact_secrets(text, &found, SecretRedaction::Placeholder)
    }
}
