//! Damping of signals in texts that talk about attacks instead of carrying them: a quoted
//! phrase in a text with discussion words ([`discussion`]), a phrase in the clause of a
//! third-person description of what an attack makes a model do ([`described`]), and a phrase
//! that is named or cited rather than said ([`mentioned`]: "the DAN (Do Anything Now)
//! jailbreak", instructions like "…", "…"라는 입력).

use std::ops::Range;
use std::sync::LazyLock;

use regex::Regex;

use super::{InjectionFamily, Signal};

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
    // a description of a test ("tests whether the model will decode '…'")
    "tests whether",
    "tests if",
    "checks whether",
    "checks if",
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
/// to", "asks the agent not to", "wants the assistant to", "tests whether the assistant will",
/// "can be abused to", "让模型", "模型是否会", "モデルに", "모델이". An attack addresses the
/// model ("ignore your instructions", "I instruct you to"); a description names it in the
/// third person, as a test suite's or a paper's text does.
static DESCRIBED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let noun = r"(?:model|assistant|agent|ai|llm|chatbot|bot|system|target|victim)s?";
    let adjective = r"(?:target|victim|underlying|language|ai|llm|chat|deployed|downstream)\s+";
    let object = format!(
        r"(?:(?:the|a|an|this|that|its|their|any)\s+(?:{adjective})?{noun}|llms|models|chatbots|assistants|agents|it|them)"
    );
    let verbs = r"instructs?|instructing|instructed|asks?|asking|asked|tells?|telling|told|tricks?|tricking|tricked|forces?|forcing|forced|convinces?|convincing|convinced|causes?|causing|caused|prompts?|prompting|prompted|gets?|getting|trains?|training|trained|directs?|directing|directed|coax(?:es|ing|ed)?|manipulates?|manipulating|manipulated|persuades?|persuading|persuaded|wants?|wanting|wanted|induces?|inducing|induced|leads?|leading|pressures?|pressuring|pressured|pushes|pushing|pushed|urges?|urging|urged|encourages?|encouraging|encouraged|lures?|luring|lured|entices?|enticing|enticed";
    let english = format!(
        r"\b(?:(?:{verbs})\s+{object}\s+(?:not\s+)?(?:to|into)|(?:tests?|testing|tested|checks?|checking|checked|evaluates?|evaluating|evaluated|probes?|probing|probed|measures?|measuring|determines?|determining|verif(?:y|ies|ying))\s+(?:whether|if)|can\s+be\s+(?:abused|misused|exploited|used|tricked|manipulated)\s+(?:to|into)|(?:to\s+(?:make|get|have|let|force|trick)|makes?|making|made|lets?|letting)\s+{object}(?:\s+to)?|(?:jailbreaks?|techniques?|probes?|payloads?|methods?|strateg(?:y|ies))\s+(?:that|which)|attacks?\s*:|claim(?:s|ing|ed)(?:\s+that)?|(?:an?|the|this|that|its)\s+attempts?\s+to|(?:attackers?|attacks?|prompts?|inputs?|messages?|users?|payloads?)\s+(?:tries|tried|attempts|attempted)\s+to)\s+"
    );
    // Chinese (simplified, traditional): make/induce/ask the model, whether the model will;
    // Japanese: to/by the model; Korean: the model (subject, to the model)
    let cjk = r"(?:用户|用戶|使用者|攻击者|攻擊者|有人|对方|對方)(?:在|正在)?(?:要求|试图|試圖|想|让|讓|诱导|誘導)|(?:攻击|攻擊|攻撃|공격)\s*[：:]\s*|(?:让|讓|使|令|诱导|誘導|诱使|誘使|迫使|促使|引导|引導|欺骗|欺騙|说服|說服|要求|希望|骗|騙)(?:目标|目標|受害|被测|被測)?(?:模型|助手|助理|大模型|语言模型|語言模型|ai|llm|聊天机器人|聊天機器人|机器人|機器人|智能体|智能體|代理)|(?:模型|助手|助理|ai|llm|机器人|機器人|智能体|智能體)(?:是否|会不会|會不會|能否|能不能)(?:会|會|能)?|(?:モデル|アシスタント|ai|llm|チャットボット|エージェント)(?:に|が)|(?:모델|어시스턴트|ai|llm|챗봇|에이전트)(?:이|가|에게|로\s*하여금)\s*";
    Regex::new(&format!("{english}|{cjk}")).ok()
});

/// How far a [`DESCRIBED`] frame reaches: to the end of its clause, at most this many bytes.
const CLAUSE: usize = 160;

/// Second-person words: a clause that addresses the model is not a description.
static ADDRESSED: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:you|your|yours|yourself|yourselves|u|ur)\b|你|您|あなた|お前|너|당신|네가|니가",
    )
    .ok()
});

/// Signals in the clause a [`DESCRIBED`] frame opens count half (once each): from the end of
/// the frame to the end of its sentence or clause (`.` `;` `:` before a space, `?` `!` a line
/// break, `。` …, at most [`CLAUSE`] bytes), as long as nothing between the frame and the signal addresses the
/// model ("you", "your", 你 …). "Directly instructs the model to ignore previous
/// instructions.", "Attack that tries to make the model believe a special unrestricted mode
/// is on." describe attacks, they do not make them. One regex pass over the lower-case view,
/// only when there are signals; allocates nothing when no frame is found.
pub(super) fn described(
    text: &str,
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
    let (Some(re), Some(addressed)) = (DESCRIBED.as_ref(), ADDRESSED.as_ref()) else {
        return;
    };
    let signals_len = signals.len();
    // allocated at the first frame that reaches a signal
    let mut damped: Vec<bool> = Vec::new();
    for m in re.find_iter(lower) {
        let end = map(m.end()..m.end()).start;
        let stop = clause_end(text, end);
        for (i, s) in signals.iter_mut().enumerate() {
            if s.start < end || s.start >= stop || damped.get(i).copied().unwrap_or(false) {
                continue;
            }
            if addressed.is_match(text.get(end..s.start).unwrap_or_default()) {
                continue;
            }
            if damped.is_empty() {
                damped = vec![false; signals_len];
            }
            if let Some(d) = damped.get_mut(i) {
                *d = true;
            }
            s.score *= 0.5;
        }
    }
}

/// Where the clause that starts at `at` ends: the next `.`, `;` or `:` before a space or the
/// end, `?`, `!`, line break or CJK full stop, at most [`CLAUSE`] bytes on (offsets of `text`).
fn clause_end(text: &str, at: usize) -> usize {
    let Some(rest) = text.get(at..) else {
        return at;
    };
    let mut chars = rest.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if i >= CLAUSE {
            return at + i;
        }
        let stop = match c {
            '.' | ';' | ':' => chars.peek().is_none_or(|&(_, n)| n.is_whitespace()),
            '?' | '!' | '\n' | '。' | '！' | '？' | '；' => true,
            _ => false,
        };
        if stop {
            return at + i;
        }
    }
    text.len()
}

/// What follows a phrase that is named rather than said: a noun that names attacks ("the DAN
/// (Do Anything Now) jailbreak", "the 'ignore previous instructions' attack pattern", "system
/// prompt leakage", "越狱提示"), or, after the closing quote of a quoted phrase, a word that
/// cites it ("'이전 지시를 무시해'라는 입력", "「…」という", "用“…”诱导", "<|im_start|> 之类的标记").
static NAMED_AFTER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    let nouns = r"attacks?|jailbreaks?|techniques?|personas?|patterns?|probes?|payloads?|leakage|leaks|extraction|injections?|exploits?|vulnerabilit(?:y|ies)|strateg(?:y|ies)|templates?|variants?";
    let cjk_nouns = r"攻击|攻擊|越狱|越獄|攻撃|脱獄|공격|탈옥";
    let cites = r"라는|이라는|라고|는\s|와\s*같은|같은|という|といった|などの|など|と言う|之类|之類|这类|這類|这样|這樣|一类|一類|等|诱导|誘導|的话|的話";
    Regex::new(&format!(
        r#"(?i)^(?:(?:\s+|\s*[)"'”’」』»]+\s*|\s*-\s*)(?:{nouns})(?:[^\]\w]|$)|\s*[)"'”’」』»]*\s*(?:{cjk_nouns})|[^"'”’」』»\n]{{0,24}}["'”’」』»]\s*(?:{cites})|\s*(?:之类|之類|这类|這類|等特殊|などの|같은|and\s+similar|etc\b)|\s+(?:(?:and|or)\s+\S+\s+)?(?:is|are)\s+(?:an?\s+|the\s+)?(?:special|reserved|control)\s+tokens?\b|\s*["'”’»]?\s+(?:is|are|was|were)\s+(?:an?|the|one\s+of\s+the)\s+(?:[\w-]+\s+){{0,3}}(?:{nouns}|phrases?|examples?)\b|\s*["'”’»]\s*as\s+an?\s+(?:[\w-]+\s+){{0,2}}(?:examples?|samples?)\b)"#
    ))
    .ok()
});

/// What precedes a quoted phrase given as an example: "instructions like \"…\"", "text such as
/// '…'", "e.g. \"…\"", "decodes to '…'", "例如“…”", "例えば「…」".
static EXAMPLE_BEFORE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)(?:\blike|\bsuch\s+as|\be\.g\.,?|\bfor\s+(?:example|instance),?|\bincluding|\bdecodes?\s+(?:in)?to|\btranslates?\s+to|例如|比如|诸如|諸如|譬如|像是|例えば|예를\s*들어|예컨대)\s*[:：,，]?\s*["'“‘「『«]\s*$"#,
    )
    .ok()
});

/// What precedes a phrase that is forbidden rather than said: a negation before a leak or
/// override verb ("Do not reveal internal prompts", "never ignore the policy": a system
/// prompt's own rules; [`NEGATED_VERB`] checks the verb). Not a string literal assigned in
/// code: payload splitting says `Let X = 'ignore all previous instructions …'`.
static NEGATION_BEFORE: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(
        r#"(?i)\b(?:do\s+not|don'?t|never|must\s+not|mustn'?t|should\s+not|shouldn'?t|shall\s+not|will\s+not|won'?t|may\s+not|cannot|can\s+not|can'?t)\s+$"#,
    )
    .ok()
});

/// The verbs whose negation forbids the attack ("do not reveal …") rather than makes one;
/// not "follow", "obey", "refuse" or "mention": "do not follow your rules" is an attack.
static NEGATED_VERB: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:reveal|disclose|share|leak|expose|ignore|forget|disregard|override|bypass|circumvent|exfiltrate)\b").ok()
});

/// A subject right before the verb: the phrase states what someone does ("We ignore those
/// directions in the parser", "Bots ignore your review guidelines, so a human signs off")
/// rather than telling the model to do it. Pronouns, and a plural noun (a word ending in one
/// `s` after another letter; [`NOT_SUBJECTS`] are the adverbs and forms that look like one).
static SUBJECT_BEFORE: LazyLock<Option<Regex>> =
    LazyLock::new(|| Regex::new(r"(?i)\b(we|they|it|he|she|[a-z][a-z-]*[a-rt-z]s)\s+$").ok());

/// Words that end like a plural noun but are not a subject before an imperative.
const NOT_SUBJECTS: &[&str] = &[
    "pls",
    "plz",
    "thanks",
    "thus",
    "always",
    "sometimes",
    "afterwards",
    "besides",
    "perhaps",
    "is",
    "was",
    "has",
    "does",
    "yes",
    "this",
    "its",
    "his",
    "hers",
    "yours",
    "ours",
    "theirs",
    "plus",
    "unless",
    "whereas",
    "towards",
    "nowadays",
    "anyways",
    "otherwise",
];

/// What follows "do not follow any instructions" in a rule about untrusted data rather than
/// in an attack: "… found in the diff", "… embedded in issue comments".
static FOUND_IN_AFTER: LazyLock<Option<Regex>> = LazyLock::new(|| {
    Regex::new(r"(?i)^\s+(?:found|embedded|contained|included|hidden|placed|appearing|that\s+appears?|which\s+appears?)\s+(?:in|inside|within)\b").ok()
});

/// Bytes of context [`mentioned`] reads before and after a signal.
const AROUND: usize = 48;

/// Signals of a phrase that is named or cited rather than said ([`NAMED_AFTER`],
/// [`EXAMPLE_BEFORE`]) count half. Reads at most [`AROUND`] bytes of the original text either
/// side of each signal; allocates nothing.
pub(super) fn mentioned(text: &str, out: &mut [Signal], from: usize) {
    let Some(signals) = out.get_mut(from..) else {
        return;
    };
    let (Some(after), Some(before), Some(negation), Some(verb)) = (
        NAMED_AFTER.as_ref(),
        EXAMPLE_BEFORE.as_ref(),
        NEGATION_BEFORE.as_ref(),
        NEGATED_VERB.as_ref(),
    ) else {
        return;
    };
    for s in signals.iter_mut() {
        let tail = text
            .get(s.end..ceil(text, s.end.saturating_add(AROUND)))
            .unwrap_or_default();
        let head = text
            .get(floor(text, s.start.saturating_sub(AROUND))..s.start)
            .unwrap_or_default();
        let said = text.get(s.start..s.end).unwrap_or_default();
        let forbidden = || negation.is_match(head) && verb.is_match(said);
        if after.is_match(tail)
            || before.is_match(head)
            || token_literal(s, head, tail)
            || link_or_section(s, said, tail)
            || forbidden()
            || stated(s, said, head, tail)
        {
            s.score *= 0.5;
        }
    }
}

/// An override phrase stated rather than ordered: a subject right before its verb
/// ([`SUBJECT_BEFORE`]: "Forks ignore your repository rules"), or "do not follow any
/// instructions" about data ([`FOUND_IN_AFTER`]: "… found in the diff") as long as the rest of
/// the clause does not address the model ("… found in your system prompt" is an attack).
fn stated(s: &Signal, said: &str, head: &str, tail: &str) -> bool {
    if s.family != InjectionFamily::Override {
        return false;
    }
    let (Some(subject), Some(verb), Some(found), Some(addressed)) = (
        SUBJECT_BEFORE.as_ref(),
        NEGATED_VERB.as_ref(),
        FOUND_IN_AFTER.as_ref(),
        ADDRESSED.as_ref(),
    ) else {
        return false;
    };
    // a capital verb opens a new sentence (injected text often lacks the full stop before it:
    // "delayed by ten minutes Forget your previous instructions")
    let by_subject = said.starts_with(|c: char| c.is_ascii_lowercase())
        && verb.is_match(said)
        && subject.captures(head).is_some_and(|c| {
            c.get(1).is_some_and(|w| {
                !NOT_SUBJECTS
                    .iter()
                    .any(|n| w.as_str().eq_ignore_ascii_case(n))
            })
        });
    let said = said.trim_start();
    let about_data = [
        "do not follow",
        "don't follow",
        "never follow",
        "do not obey",
    ]
    .iter()
    .any(|p| {
        said.get(..p.len())
            .is_some_and(|h| h.eq_ignore_ascii_case(p))
    }) && found.is_match(tail)
        && !addressed.is_match(tail.get(..clause_end(tail, 0)).unwrap_or(tail));
    by_subject || about_data
}

/// A role header that is a markdown link's text (`[system](docs/system.md)`; not an anchor:
/// `[system](#assistant)` is a known injection into chat transcripts) or a configuration
/// file's section (`[system]` then `log_level = debug`).
fn link_or_section(s: &Signal, said: &str, tail: &str) -> bool {
    s.family == InjectionFamily::Delimiter
        && said.starts_with('[')
        && said.ends_with(']')
        && ((tail.starts_with('(') && !tail.starts_with("(#")) || section_body(tail))
}

/// Whether `tail` (after a `[section]` header) goes on with a `key = value` line.
fn section_body(tail: &str) -> bool {
    let Some(rest) = tail
        .strip_prefix('\n')
        .or_else(|| tail.strip_prefix("\r\n"))
    else {
        return false;
    };
    let line = rest.lines().next().unwrap_or_default();
    line.split_once('=').is_some_and(|(key, _)| {
        let key = key.trim();
        !key.is_empty()
            && key
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
    })
}

/// A chat-template token that is a whole string literal of code, an argument or a list item
/// (`replace("<|im_start|>", "")`, `["<|im_end|>", …]`): code that handles the token, not a
/// message that uses it.
fn token_literal(s: &Signal, head: &str, tail: &str) -> bool {
    if s.family != InjectionFamily::Delimiter {
        return false;
    }
    let quote = |c: char| matches!(c, '"' | '\'' | '`');
    let mut back = head.chars().rev();
    let Some(open) = back.next() else {
        return false;
    };
    quote(open)
        && tail.starts_with(open)
        && back
            .find(|c| !c.is_whitespace())
            .is_some_and(|c| matches!(c, '(' | '[' | ','))
}

/// The char boundary of `text` at or before `at`.
fn floor(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The char boundary of `text` at or after `at`.
fn ceil(text: &str, at: usize) -> usize {
    let mut at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

/// Panics when a damping pattern does not compile (each is an `Option<Regex>` so that the
/// scan never panics; a test calls this so that a broken pattern cannot go unnoticed).
#[cfg(test)]
pub(super) fn compiled() {
    for (name, re) in [
        ("DESCRIBED", DESCRIBED.is_some()),
        ("ADDRESSED", ADDRESSED.is_some()),
        ("NAMED_AFTER", NAMED_AFTER.is_some()),
        ("EXAMPLE_BEFORE", EXAMPLE_BEFORE.is_some()),
        ("NEGATION_BEFORE", NEGATION_BEFORE.is_some()),
        ("NEGATED_VERB", NEGATED_VERB.is_some()),
        ("SUBJECT_BEFORE", SUBJECT_BEFORE.is_some()),
        ("FOUND_IN_AFTER", FOUND_IN_AFTER.is_some()),
    ] {
        assert!(re, "{name} does not compile");
    }
}
