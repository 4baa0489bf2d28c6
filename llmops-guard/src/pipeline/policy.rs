//! [`GuardPolicy`]: what a [`DetectorGuard`](super::DetectorGuard) does about each finding,
//! per text source and category, with score thresholds.

use std::ops::BitOr;

use llmops_core::{Finding, Role, TextSource};

use crate::pii::RedactionMode;

/// What to do about a finding, from the most lenient to the strictest. Over all findings of a
/// text the strictest wins: block > hold > redact > flag > allow.
///
/// ```
/// use llmops_guard::pipeline::GuardAction;
/// assert!(GuardAction::Block > GuardAction::Hold);
/// assert!(GuardAction::Redact > GuardAction::Flag);
/// assert_eq!(GuardAction::Hold.as_str(), "hold");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum GuardAction {
    /// Ignore it (not recorded).
    Allow,
    /// Continue, and record it.
    Flag,
    /// Rewrite the span (placeholder or mask), continue, record it.
    Redact,
    /// Deliver only after a human approves (outputs; an input cannot be held and is refused).
    Hold,
    /// Refuse the text.
    Block,
}

impl GuardAction {
    /// `allow`, `flag`, `redact`, `hold` or `block` (as recorded).
    pub fn as_str(self) -> &'static str {
        match self {
            GuardAction::Allow => "allow",
            GuardAction::Flag => "flag",
            GuardAction::Redact => "redact",
            GuardAction::Hold => "hold",
            GuardAction::Block => "block",
        }
    }
}

/// A set of text sources a rule applies to. Combine with `|`.
///
/// A message with [`Role::Tool`] counts as [`Sources::TOOL_RESULT`].
///
/// ```
/// use llmops_core::{Role, TextSource};
/// use llmops_guard::pipeline::Sources;
/// let s = Sources::RETRIEVED | Sources::TOOL_RESULT;
/// assert!(s.contains(TextSource::Retrieved));
/// assert!(s.contains(TextSource::Message(Role::Tool)));
/// assert!(!s.contains(TextSource::Message(Role::User)));
/// assert!(Sources::INPUT.contains(TextSource::Message(Role::System)));
/// assert!(!Sources::INPUT.contains(TextSource::Output));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Sources(u8);

impl Sources {
    /// System messages.
    pub const SYSTEM: Sources = Sources(1);
    /// User messages.
    pub const USER: Sources = Sources(1 << 1);
    /// Assistant messages of the conversation (history sent back to the model).
    pub const ASSISTANT: Sources = Sources(1 << 2);
    /// Retrieved context.
    pub const RETRIEVED: Sources = Sources(1 << 3);
    /// Tool results.
    pub const TOOL_RESULT: Sources = Sources(1 << 4);
    /// The model's output.
    pub const OUTPUT: Sources = Sources(1 << 5);
    /// Untrusted context: retrieved text and tool results.
    pub const UNTRUSTED: Sources = Sources((1 << 3) | (1 << 4));
    /// Every input (all but the output).
    pub const INPUT: Sources = Sources(0b1_1111);
    /// Everything.
    pub const ALL: Sources = Sources(0b11_1111);

    /// The set holding only `source`.
    pub fn of(source: TextSource) -> Sources {
        match source {
            TextSource::Message(Role::System) => Sources::SYSTEM,
            TextSource::Message(Role::User) => Sources::USER,
            TextSource::Message(Role::Assistant) => Sources::ASSISTANT,
            TextSource::Message(Role::Tool) | TextSource::ToolResult => Sources::TOOL_RESULT,
            TextSource::Retrieved => Sources::RETRIEVED,
            // `TextSource` may grow: an unknown source is held to the output's rules
            _ => Sources::OUTPUT,
        }
    }

    /// Whether `source` is in the set.
    pub fn contains(self, source: TextSource) -> bool {
        self.0 & Sources::of(source).0 != 0
    }
}

impl BitOr for Sources {
    type Output = Sources;
    fn bitor(self, rhs: Sources) -> Sources {
        Sources(self.0 | rhs.0)
    }
}

/// Which categories a rule applies to: `*` (any), a family `pii.*` (any category starting with
/// `pii.`), or an exact name `secret.aws_access_key`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum CategoryMatch {
    /// Any category.
    Any,
    /// Categories starting with this prefix (the pattern without its `*`, dot included).
    Prefix(String),
    /// Exactly this category.
    Exact(String),
}

impl CategoryMatch {
    /// Parses `*`, `family.*` or an exact name.
    ///
    /// ```
    /// use llmops_guard::pipeline::CategoryMatch;
    /// assert!(CategoryMatch::parse("pii.*").matches("pii.email"));
    /// assert!(!CategoryMatch::parse("pii.*").matches("secret.jwt"));
    /// assert!(CategoryMatch::parse("*").matches("anything"));
    /// assert!(!CategoryMatch::parse("pii.email").matches("pii.email_x"));
    /// ```
    pub fn parse(pattern: &str) -> CategoryMatch {
        if pattern == "*" {
            CategoryMatch::Any
        } else if let Some(prefix) = pattern.strip_suffix('*') {
            CategoryMatch::Prefix(prefix.to_owned())
        } else {
            CategoryMatch::Exact(pattern.to_owned())
        }
    }

    /// Whether `category` matches.
    pub fn matches(&self, category: &str) -> bool {
        match self {
            CategoryMatch::Any => true,
            CategoryMatch::Prefix(p) => category.starts_with(p.as_str()),
            CategoryMatch::Exact(e) => category == e,
        }
    }
}

/// One rule: findings of matching categories, from matching sources, scoring at least
/// `min_score`, get `action`.
///
/// ```
/// use llmops_guard::pipeline::{GuardAction, Rule, Sources};
/// let r = Rule::new("injection.*", GuardAction::Block).sources(Sources::UNTRUSTED).min_score(0.5);
/// assert_eq!(r.action(), GuardAction::Block);
/// ```
#[derive(Debug, Clone)]
pub struct Rule {
    category: CategoryMatch,
    sources: Sources,
    min_score: f32,
    action: GuardAction,
    redaction: RedactionMode,
    reason: Option<String>,
}

impl Rule {
    /// `action` for categories matching `pattern` (see [`CategoryMatch::parse`]), from every
    /// source, at any score; redaction with typed placeholders.
    pub fn new(pattern: &str, action: GuardAction) -> Self {
        Rule {
            category: CategoryMatch::parse(pattern),
            sources: Sources::ALL,
            min_score: 0.0,
            action,
            redaction: RedactionMode::Placeholder,
            reason: None,
        }
    }

    /// Only for these sources.
    #[must_use]
    pub fn sources(mut self, sources: Sources) -> Self {
        self.sources = sources;
        self
    }

    /// Only for findings scoring at least `score` (a lower score falls through to the next
    /// rule).
    #[must_use]
    pub fn min_score(mut self, score: f32) -> Self {
        self.min_score = score;
        self
    }

    /// How a [`GuardAction::Redact`] rewrites the span (default: typed placeholders).
    #[must_use]
    pub fn redaction(mut self, mode: RedactionMode) -> Self {
        self.redaction = mode;
        self
    }

    /// The reason given when this rule blocks or holds (default: names the category and the
    /// source). Never put found values here.
    #[must_use]
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = Some(reason.into());
        self
    }

    /// The rule's action.
    pub fn action(&self) -> GuardAction {
        self.action
    }

    /// How the rule redacts.
    pub fn redaction_mode(&self) -> &RedactionMode {
        &self.redaction
    }

    /// The reason given when this rule blocks or holds `category` from `source`.
    pub fn reason_for(&self, category: &str, source: TextSource) -> String {
        match &self.reason {
            Some(r) => r.clone(),
            None => format!("`{category}` found in {source}"),
        }
    }

    fn applies(&self, source: TextSource, f: &Finding) -> bool {
        self.sources.contains(source)
            && f.score >= self.min_score
            && self.category.matches(&f.category)
    }
}

/// Rules in order (the first that applies to a finding wins) and a fallback for findings no
/// rule covers.
///
/// [`GuardPolicy::default`] is:
///
/// | # | categories | sources | min score | action |
/// |---|---|---|---|---|
/// | 1 | `secret.*` | output | 0 | block |
/// | 2 | `secret.*` | inputs | 0 | redact |
/// | 3 | `injection.*` | user, retrieved, tool results | 0 | block |
/// | 4 | `injection.*` | any other | 0 | flag |
/// | 5 | `output.*` | output | 0.6 | block |
/// | 6 | `output.*` | output | 0 | flag (plain links to unknown domains score 0.25–0.35) |
/// | 7 | `denylist.*` | any | 0 | block |
/// | 8 | `pii.*` | any | 0 | redact |
/// | – | anything else | | | flag (the fallback) |
///
/// Untrusted sources are never treated more leniently than user input, so text that only
/// pretends to be retrieved context gains nothing.
///
/// ```
/// use llmops_core::{Finding, Role, TextSource};
/// use llmops_guard::pipeline::{GuardAction, GuardPolicy, Rule, Sources};
/// let p = GuardPolicy::default();
/// let f = Finding::new("injection.override", 0, 5, 0.6);
/// assert_eq!(p.action(TextSource::Retrieved, &f), GuardAction::Block);
/// assert_eq!(p.action(TextSource::Message(Role::User), &f), GuardAction::Block);
/// assert_eq!(p.action(TextSource::Message(Role::System), &f), GuardAction::Flag);
/// let strict = GuardPolicy::empty().rule(Rule::new("pii.email", GuardAction::Block).sources(Sources::OUTPUT));
/// assert_eq!(strict.action(TextSource::Output, &Finding::new("pii.email", 0, 5, 0.9)), GuardAction::Block);
/// assert_eq!(strict.action(TextSource::Message(Role::User), &Finding::new("pii.email", 0, 5, 0.9)), GuardAction::Flag);
/// ```
#[derive(Debug, Clone)]
pub struct GuardPolicy {
    rules: Vec<Rule>,
    fallback: GuardAction,
}

impl Default for GuardPolicy {
    fn default() -> Self {
        GuardPolicy::empty()
            .rule(Rule::new("secret.*", GuardAction::Block).sources(Sources::OUTPUT))
            .rule(Rule::new("secret.*", GuardAction::Redact).sources(Sources::INPUT))
            .rule(
                Rule::new("injection.*", GuardAction::Block)
                    .sources(Sources::UNTRUSTED | Sources::USER),
            )
            .rule(Rule::new("injection.*", GuardAction::Flag))
            .rule(
                Rule::new("output.*", GuardAction::Block)
                    .sources(Sources::OUTPUT)
                    .min_score(0.6),
            )
            .rule(Rule::new("output.*", GuardAction::Flag).sources(Sources::OUTPUT))
            .rule(Rule::new("denylist.*", GuardAction::Block))
            .rule(Rule::new("pii.*", GuardAction::Redact))
    }
}

impl GuardPolicy {
    /// No rules; every finding gets the fallback (flag).
    pub fn empty() -> Self {
        GuardPolicy {
            rules: Vec::new(),
            fallback: GuardAction::Flag,
        }
    }

    /// Appends a rule (rules added earlier win).
    #[must_use]
    pub fn rule(mut self, rule: Rule) -> Self {
        self.rules.push(rule);
        self
    }

    /// Puts a rule before all others.
    #[must_use]
    pub fn first(mut self, rule: Rule) -> Self {
        self.rules.insert(0, rule);
        self
    }

    /// The action for findings no rule covers (default flag).
    #[must_use]
    pub fn fallback(mut self, action: GuardAction) -> Self {
        self.fallback = action;
        self
    }

    /// The rules, in order.
    pub fn rules(&self) -> &[Rule] {
        &self.rules
    }

    /// The rule that decides `finding` from `source`, if one does.
    pub fn rule_for(&self, source: TextSource, finding: &Finding) -> Option<&Rule> {
        self.rules.iter().find(|r| r.applies(source, finding))
    }

    /// The action for `finding` from `source`.
    pub fn action(&self, source: TextSource, finding: &Finding) -> GuardAction {
        self.rule_for(source, finding)
            .map_or(self.fallback, Rule::action)
    }

    /// Whether some rule (or the fallback) can hold text from `source`: a stream tap then
    /// holds the whole output, and the layer awaits the approver at the end.
    pub fn can_hold(&self, source: TextSource) -> bool {
        self.fallback == GuardAction::Hold
            || self
                .rules
                .iter()
                .any(|r| r.action == GuardAction::Hold && r.sources.contains(source))
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn f(cat: &str, score: f32) -> Finding {
        Finding::new(cat, 0, 1, score)
    }

    #[test]
    fn defaults_follow_the_table() {
        let p = GuardPolicy::default();
        let user = TextSource::Message(Role::User);
        assert_eq!(
            p.action(TextSource::Output, &f("secret.jwt", 0.9)),
            GuardAction::Block
        );
        assert_eq!(p.action(user, &f("secret.jwt", 0.9)), GuardAction::Redact);
        assert_eq!(
            p.action(TextSource::Retrieved, &f("secret.jwt", 0.9)),
            GuardAction::Redact
        );
        assert_eq!(
            p.action(user, &f("injection.override", 0.8)),
            GuardAction::Block
        );
        assert_eq!(
            p.action(user, &f("injection.override", 0.3)),
            GuardAction::Block
        );
        assert_eq!(
            p.action(TextSource::ToolResult, &f("injection.override", 0.6)),
            GuardAction::Block
        );
        assert_eq!(
            p.action(
                TextSource::Message(Role::Tool),
                &f("injection.override", 0.6)
            ),
            GuardAction::Block
        );
        assert_eq!(
            p.action(
                TextSource::Message(Role::System),
                &f("injection.override", 0.9)
            ),
            GuardAction::Flag
        );
        assert_eq!(
            p.action(TextSource::Output, &f("output.canary", 1.0)),
            GuardAction::Block
        );
        assert_eq!(
            p.action(TextSource::Output, &f("output.exfil_image", 0.6)),
            GuardAction::Block
        );
        assert_eq!(
            p.action(TextSource::Output, &f("output.exfil_link", 0.35)),
            GuardAction::Flag
        );
        assert_eq!(
            p.action(user, &f("denylist.weapons", 1.0)),
            GuardAction::Block
        );
        assert_eq!(p.action(user, &f("pii.email", 0.9)), GuardAction::Redact);
        assert_eq!(p.action(user, &f("custom.thing", 0.9)), GuardAction::Flag);
        assert!(!p.can_hold(TextSource::Output));
    }

    #[test]
    fn untrusted_sources_are_never_more_lenient_than_user_input() {
        let p = GuardPolicy::default();
        for cat in [
            "secret.x",
            "injection.x",
            "pii.x",
            "denylist.x",
            "output.x",
            "other",
        ] {
            for score in [0.0, 0.3, 0.5, 0.69, 0.7, 1.0] {
                let user = p.action(TextSource::Message(Role::User), &f(cat, score));
                for s in [TextSource::Retrieved, TextSource::ToolResult] {
                    assert!(p.action(s, &f(cat, score)) >= user, "{cat} {score} {s}");
                }
            }
        }
    }

    #[test]
    fn first_matching_rule_wins_and_thresholds_fall_through() {
        let p = GuardPolicy::empty()
            .rule(Rule::new("x.*", GuardAction::Block).min_score(0.9))
            .rule(Rule::new("x.a", GuardAction::Hold).sources(Sources::OUTPUT))
            .rule(Rule::new("*", GuardAction::Allow))
            .fallback(GuardAction::Block);
        assert_eq!(
            p.action(TextSource::Output, &f("x.a", 0.95)),
            GuardAction::Block
        );
        assert_eq!(
            p.action(TextSource::Output, &f("x.a", 0.5)),
            GuardAction::Hold
        );
        assert_eq!(
            p.action(TextSource::Retrieved, &f("x.a", 0.5)),
            GuardAction::Allow
        );
        assert!(p.can_hold(TextSource::Output));
        assert!(!p.can_hold(TextSource::Retrieved));
    }
}
