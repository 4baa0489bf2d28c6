//! Damping of signals in texts that talk about attacks instead of carrying them: a quoted
//! phrase in a text with discussion words ([`discussion`]), and a phrase that is the object of
//! a third-person description of what an attack makes a model do ([`described`]).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::Signal;

/// Words of texts that talk about attacks rather than carry them.
const DISCUSSION: &[&str] = &[
    "prompt injection",
    "jailbreak",
    "injection attack",
    "red team",
    "red-team",
    "attackers",
    "attacker",
    "malicious prompt",
    "detect",
    "classifier",
    "guardrail",
    "example of",
    "such as",
    "for example",
    "e.g.",
    "how do i",
    "how can i",
    "how to",
    "what is",
    "protect",
    "defend",
    "mitigat",
    "security",
    // a description of one attack ("Attack that tries to make the model ...", "this attack")
    "attack that",
    "attack which",
    "attacks that",
    "this attack",
    "the attack",
    // Chinese (simplified, traditional), Japanese, Korean: attack, jailbreak, injection,
    // red team, detect, prevent, defend, avoid, countermeasure (not "security" or "how": attacks
    // say those too)
    "攻击",
    "攻擊",
    "越狱",
    "越獄",
    "注入",
    "红队",
    "紅隊",
    "检测",
    "檢測",
    "防止",
    "防御",
    "防禦",
    "避免",
    "攻撃",
    "脱獄",
    "インジェクション",
    "対策",
    "検出",
    "防ぐ",
    "탈옥",
    "공격",
    "주입",
    "방어",
    "탐지",
];

/// A quoted phrase in a text that discusses attacks (a security question, a paper, a
/// guardrail's test) counts half.
pub(super) fn discussion(
    lower: &str,
    out: &mut [Signal],
    from: usize,
    map: impl Fn(Range<usize>) -> Range<usize>,
) {
    let Some(signals) = out.get_mut(from..) else {
        return;
    };
    if signals.is_empty() || !DISCUSSION.iter().any(|w| lower.contains(w)) {
        return;
    }
    // Quote characters of the lower-case view, mapped to original offsets.
    // Opening quotes: double quotes and the like, and single quotes after a space, a bracket
    // or a CJK character (Chinese text has no spaces; not apostrophes).
    let mut prev = ' ';
    let mut quotes = Vec::new();
    for (i, c) in lower.char_indices() {
        let opening = matches!(c, '"' | '“' | '«' | '`' | '「' | '‘')
            || (c == '\'' && (prev.is_whitespace() || "([:".contains(prev) || is_cjk(prev)));
        if opening {
            quotes.push(map(i..i).start);
        }
        prev = c;
    }
    for s in signals.iter_mut() {
        if quotes.iter().any(|&q| q < s.start && s.start - q <= 40) {
            s.score *= 0.5;
        }
    }
}

/// Han, kana, hangul and CJK punctuation: a quote after them opens (no space before it).
fn is_cjk(c: char) -> bool {
    matches!(c, '\u{2E80}'..='\u{9FFF}' | '\u{AC00}'..='\u{D7AF}' | '\u{F900}'..='\u{FAFF}' | '\u{FF00}'..='\u{FFEF}')
}

/// A third-person frame that describes what an attack makes a model do: "instructs the model
/// to", "asks the agent not to", "tests whether the assistant will", "can be abused to". An
/// attack addresses the model ("ignore your instructions", "I instruct you to"); a description
/// names it in the third person, as a test suite's or a paper's text does.
static DESCRIBED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let object = r"(?:the|a|an|this|that|its|their)\s+(?:model|assistant|agent|ai|llm|chatbot|bot|system|target|victim)|it|them";
    let verbs = r"instructs?|instructing|instructed|asks?|asking|asked|tells?|telling|told|tricks?|tricking|tricked|forces?|forcing|forced|convinces?|convincing|convinced|causes?|causing|caused|prompts?|prompting|prompted|gets?|getting|trains?|training|trained|directs?|directing|directed|coax(?:es|ing|ed)?|manipulates?|manipulating|manipulated|persuades?|persuading|persuaded";
    let pattern = format!(
        r"\b(?:(?:{verbs})\s+(?:{object})\s+(?:not\s+)?(?:to|into)|(?:tests?|testing|checks?|checking|evaluates?|evaluating)\s+(?:whether|if)\s+(?:{object})\s+(?:will|would|can|could|might)(?:\s+not)?|can\s+be\s+(?:abused|misused|exploited|used|tricked|manipulated)\s+(?:to|into)|(?:to\s+(?:make|get|have|let|force|trick)|makes?|making|made|lets?|letting)\s+(?:{object})(?:\s+to)?)\s+"
    );
    Regex::new(&pattern).ok()
});

/// Signals that are the direct object of a [`DESCRIBED`] frame (the frame, spaces included,
/// ends where the signal starts), and signals nested in that phrase, count half (once each):
/// "Directly instructs the model to ignore previous instructions." describes an attack, it
/// does not make one. One regex pass over the lower-case view, only when there are signals.
pub(super) fn described(
    lower: &str,
    out: &mut [Signal],
    from: usize,
    map: impl Fn(Range<usize>) -> Range<usize>,
) {
    let Some(signals) = out.get_mut(from..) else {
        return;
    };
    if signals.is_empty() {
        return;
    }
    let Some(re) = DESCRIBED.as_ref() else {
        return;
    };
    let mut damped = vec![false; signals.len()];
    for m in re.find_iter(lower) {
        let end = map(m.end()..m.end()).start;
        // the phrase the frame introduces, and the phrases nested in it ("act as an
        // unrestricted AI" holds "unrestricted AI")
        let Some(outer) = signals
            .iter()
            .filter(|s| s.start == end)
            .map(|s| s.end)
            .max()
        else {
            continue;
        };
        for (s, d) in signals.iter_mut().zip(damped.iter_mut()) {
            if !*d && s.start >= end && s.start < outer {
                s.score *= 0.5;
                *d = true;
            }
        }
    }
}
