//! The secret rules: one linear-time pattern each, then a validator that scores or rejects a
//! candidate.
//!
//! Patterns run on the `regex` crate (finite automata, no backtracking) with ASCII word
//! boundaries. A pattern with a capture group reports the group (the password of a URL, the
//! value after a keyword), else the whole match.

use std::sync::LazyLock;

use regex::{Regex, RegexSet};

use super::kind::SecretKind;
use super::validate::{
    Classes, base64_byte, code_like, crc32_token, hex_only, jwt_header, placeholder, shannon,
    token_byte, uuid,
};

/// A rule: what it finds and how it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Rule {
    OpenAi,
    Anthropic,
    AwsId,
    AwsSecretKeyword,
    GcpKey,
    GcpServiceAccount,
    GitHub,
    GitHubPat,
    Slack,
    SlackWebhook,
    Stripe,
    GoogleOAuth,
    Twilio,
    SendGrid,
    Npm,
    PyPi,
    HuggingFace,
    Azure,
    Pem,
    Jwt,
    Connection,
    Generic,
    Bearer,
}

impl Rule {
    /// The kind a rule reports (an AWS key id rule also looks for the paired secret).
    pub(crate) fn kind(self) -> SecretKind {
        match self {
            Rule::OpenAi => SecretKind::OpenAiKey,
            Rule::Anthropic => SecretKind::AnthropicKey,
            Rule::AwsId => SecretKind::AwsAccessKey,
            Rule::AwsSecretKeyword => SecretKind::AwsSecretKey,
            Rule::GcpKey => SecretKind::GcpApiKey,
            Rule::GcpServiceAccount => SecretKind::GcpServiceAccount,
            Rule::GitHub | Rule::GitHubPat => SecretKind::GitHubToken,
            Rule::Slack => SecretKind::SlackToken,
            Rule::SlackWebhook => SecretKind::SlackWebhook,
            Rule::Stripe => SecretKind::StripeKey,
            Rule::GoogleOAuth => SecretKind::GoogleOAuth,
            Rule::Twilio => SecretKind::TwilioKey,
            Rule::SendGrid => SecretKind::SendGridKey,
            Rule::Npm => SecretKind::NpmToken,
            Rule::PyPi => SecretKind::PyPiToken,
            Rule::HuggingFace => SecretKind::HuggingFaceToken,
            Rule::Azure => SecretKind::AzureStorageKey,
            Rule::Pem => SecretKind::PrivateKey,
            Rule::Jwt => SecretKind::Jwt,
            Rule::Connection => SecretKind::ConnectionString,
            Rule::Generic | Rule::Bearer => SecretKind::Generic,
        }
    }
}

/// `(rule, pattern)`, in the order of the combined set.
pub(crate) const RULES: [(Rule, &str); 23] = [
    (
        Rule::OpenAi,
        r"(?-u:\b)sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_\-]{20,}",
    ),
    (
        Rule::Anthropic,
        r"(?-u:\b)sk-ant-[a-z]{2,8}[0-9]{2}-[A-Za-z0-9_\-]{20,}",
    ),
    (
        Rule::AwsId,
        r"(?-u:\b)(?:AKIA|ASIA|ABIA|ACCA|A3T[A-Z0-9])[A-Z2-7]{16}(?-u:\b)",
    ),
    (
        Rule::AwsSecretKeyword,
        r#"(?i:aws)[A-Za-z0-9_.\-]{0,20}(?i:secret)[A-Za-z0-9_.\-]{0,20}["']?\s{0,3}(?::=|=>|[:=])\s{0,3}["']?([A-Za-z0-9/+]{40})"#,
    ),
    (Rule::GcpKey, r"(?-u:\b)AIza[0-9A-Za-z_\-]{35}"),
    (
        Rule::GcpServiceAccount,
        r#""private_key"\s*:\s*"(-----BEGIN [A-Z ]{0,20}PRIVATE KEY-----[^"]*)"#,
    ),
    (Rule::GitHub, r"(?-u:\b)gh[pousr]_[A-Za-z0-9]{36}(?-u:\b)"),
    (
        Rule::GitHubPat,
        r"(?-u:\b)github_pat_[A-Za-z0-9]{22}_[A-Za-z0-9]{59}(?-u:\b)",
    ),
    (
        Rule::Slack,
        r"(?-u:\b)(?:xox[baprse]|xapp)-[0-9A-Za-z\-]{10,}",
    ),
    (
        Rule::SlackWebhook,
        r"https://hooks\.slack\.com/(?:services|workflows|triggers)/[A-Za-z0-9_/+\-]{20,}",
    ),
    (
        Rule::Stripe,
        r"(?-u:\b)(?:sk|rk|pk)_(?:live|test)_[0-9A-Za-z]{10,}",
    ),
    (
        Rule::GoogleOAuth,
        r"(?-u:\b)(?:GOCSPX-[A-Za-z0-9_\-]{28}|ya29\.[0-9A-Za-z_\-]{20,})",
    ),
    (Rule::Twilio, r"(?-u:\b)SK[0-9a-fA-F]{32}(?-u:\b)"),
    (
        Rule::SendGrid,
        r"(?-u:\b)SG\.[A-Za-z0-9_\-]{22}\.[A-Za-z0-9_\-]{43}",
    ),
    (Rule::Npm, r"(?-u:\b)npm_[A-Za-z0-9]{36}(?-u:\b)"),
    (Rule::PyPi, r"(?-u:\b)pypi-AgE[A-Za-z0-9_\-]{50,}"),
    (
        Rule::HuggingFace,
        r"(?-u:\b)(?:hf_|api_org_)[A-Za-z0-9]{34}(?-u:\b)",
    ),
    (Rule::Azure, r"AccountKey=([A-Za-z0-9+/]{86}==)"),
    (
        Rule::Pem,
        r"-----BEGIN[ A-Z0-9]{0,24} PRIVATE KEY(?: BLOCK)?-----",
    ),
    (
        Rule::Jwt,
        r"(?-u:\b)eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{5,}(?:\.[A-Za-z0-9_\-]*)?",
    ),
    (
        Rule::Connection,
        r"(?i)(?-u:\b)(?:postgres(?:ql)?|mysql|mariadb|mongodb(?:\+srv)?|rediss?|amqps?|mssql|sqlserver|jdbc:[a-z]+|ftps?|sftp|smtps?|ldaps?|https?)://[^\s:@/?#]*:([^\s@/?#]+)@[A-Za-z0-9\[._\-]",
    ),
    (
        Rule::Generic,
        r#"(?i)(?P<kw>api[_.\-]?key|api[_.\-]?secret|apikey|access[_.\-]?key|access[_.\-]?token|auth[_.\-]?token|auth[_.\-]?key|client[_.\-]?secret|secret[_.\-]?key|private[_.\-]?key|signing[_.\-]?key|encryption[_.\-]?key|token|secret|passw(?:or)?d|pwd|credentials?)[A-Za-z0-9_.\-]{0,16}["'\]]?\s{0,3}(?::=|=>|->|[:=]|\s(?:is|was)\s)\s{0,3}["'`]?([^\s"'`;,<>(){}\[\]]{6,})"#,
    ),
    (
        Rule::Bearer,
        r"(?i)(?-u:\b)bearer\s+([A-Za-z0-9_\-.~+/]{16,}=*)",
    ),
];

#[allow(clippy::expect_used)] // constant patterns; `patterns_compile` in the tests compiles them
pub(crate) static SET: LazyLock<RegexSet> = LazyLock::new(|| {
    RegexSet::new(RULES.iter().map(|(_, p)| *p)).expect("secret patterns compile")
});

#[allow(clippy::expect_used)] // constant patterns; `patterns_compile` in the tests compiles them
pub(crate) static REGEXES: LazyLock<Vec<Regex>> = LazyLock::new(|| {
    RULES
        .iter()
        .map(|(_, p)| Regex::new(p).expect("secret pattern compiles"))
        .collect()
});

/// A 40-character base64 run: an AWS secret access key near its key id.
#[allow(clippy::expect_used)] // a constant pattern; compiled by the tests
pub(crate) static AWS_SECRET_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"[A-Za-z0-9/+]{40}").expect("pattern compiles"));

/// How far after an AWS key id its secret may sit (bytes).
pub(crate) const AWS_PAIR_WINDOW: usize = 160;

/// How far a PEM block may run (bytes) before its end marker is no longer looked for.
const PEM_MAX: usize = 16 * 1024;

/// A scored candidate: kind, span, score.
pub(crate) type Scored = (SecretKind, usize, usize, f32);

fn byte(text: &str, i: usize) -> Option<u8> {
    text.as_bytes().get(i).copied()
}

/// Validates one candidate of `rule` at `start..end` (the group, when the rule has one).
pub(crate) fn validate(rule: Rule, text: &str, start: usize, end: usize) -> Option<Scored> {
    let span = text.get(start..end)?;
    let bytes = span.as_bytes();
    let example = || {
        let l = span.to_ascii_lowercase();
        l.contains("example") || l.contains("xxxxxxxx") || l.contains("your")
    };
    match rule {
        Rule::OpenAi => {
            if span.starts_with("sk-ant-") {
                return None;
            }
            let body = span
                .trim_start_matches("sk-")
                .trim_start_matches("proj-")
                .trim_start_matches("svcacct-")
                .trim_start_matches("admin-")
                .as_bytes();
            if span.contains("T3BlbkFJ") {
                return Some((SecretKind::OpenAiKey, start, end, 0.97));
            }
            let c = Classes::of(body);
            if body.len() < 32 || !c.digit || !c.lower || !c.upper || shannon(body) < 4.0 {
                return None;
            }
            let score = if example() { 0.2 } else { 0.8 };
            Some((SecretKind::OpenAiKey, start, end, score))
        }
        Rule::Anthropic => {
            let score = if example() {
                0.2
            } else if bytes.len() >= 90 && span.ends_with("AA") {
                0.97
            } else {
                0.85
            };
            Some((SecretKind::AnthropicKey, start, end, score))
        }
        Rule::AwsId => {
            let score = if span.ends_with("EXAMPLE") { 0.2 } else { 0.9 };
            Some((SecretKind::AwsAccessKey, start, end, score))
        }
        Rule::AwsSecretKeyword => {
            if base64_byte(byte(text, end)) {
                return None;
            }
            let score = if example() {
                0.2
            } else if shannon(bytes) >= 4.0 && Classes::of(bytes).count() >= 3 {
                0.9
            } else {
                return None;
            };
            Some((SecretKind::AwsSecretKey, start, end, score))
        }
        Rule::GcpKey => {
            if token_byte(byte(text, end)) {
                return None;
            }
            let score = if example() { 0.2 } else { 0.9 };
            Some((SecretKind::GcpApiKey, start, end, score))
        }
        Rule::GcpServiceAccount => {
            let body = bytes.iter().filter(|b| b.is_ascii_alphanumeric()).count();
            let score = if body >= 64 { 0.99 } else { 0.9 };
            Some((SecretKind::GcpServiceAccount, start, end, score))
        }
        Rule::GitHub => {
            let score = if crc32_token(bytes, 4) { 0.99 } else { 0.5 };
            Some((SecretKind::GitHubToken, start, end, score))
        }
        Rule::GitHubPat => Some((SecretKind::GitHubToken, start, end, 0.95)),
        Rule::Slack => {
            // real tokens carry numeric team/user ids: xoxb-<digits>-<digits>-<alnum>
            let groups = span.split('-').filter(|g| !g.is_empty()).count();
            let c = Classes::of(bytes);
            if !c.digit || groups < 3 || example() {
                return None;
            }
            Some((SecretKind::SlackToken, start, end, 0.9))
        }
        Rule::SlackWebhook => Some((SecretKind::SlackWebhook, start, end, 0.95)),
        Rule::Stripe => {
            let body = bytes.get(8..)?;
            if Classes::of(body).count() < 2 || shannon(body) < 3.0 {
                return None;
            }
            let live = span.get(3..8) == Some("live_");
            let secret = !span.starts_with("pk_");
            let score = match (live, secret) {
                (true, true) => 0.95,
                (true, false) => 0.5,
                (false, _) => 0.35,
            };
            Some((SecretKind::StripeKey, start, end, score))
        }
        Rule::GoogleOAuth => {
            let score = if span.starts_with("GOCSPX-") {
                0.95
            } else {
                0.85
            };
            (!example()).then_some((SecretKind::GoogleOAuth, start, end, score))
        }
        Rule::Twilio => {
            let body = bytes.get(2..)?;
            (shannon(body) >= 3.0 && Classes::of(body).alnum_mix()).then_some((
                SecretKind::TwilioKey,
                start,
                end,
                0.7,
            ))
        }
        Rule::SendGrid => Some((SecretKind::SendGridKey, start, end, 0.97)),
        Rule::Npm => {
            let score = if crc32_token(bytes, 4) { 0.99 } else { 0.5 };
            Some((SecretKind::NpmToken, start, end, score))
        }
        Rule::PyPi => Some((SecretKind::PyPiToken, start, end, 0.98)),
        Rule::HuggingFace => {
            let body = span
                .trim_start_matches("hf_")
                .trim_start_matches("api_org_");
            let c = Classes::of(body.as_bytes());
            (c.lower && c.upper && shannon(body.as_bytes()) >= 3.5 && !example()).then_some((
                SecretKind::HuggingFaceToken,
                start,
                end,
                0.9,
            ))
        }
        Rule::Azure => Some((SecretKind::AzureStorageKey, start, end, 0.97)),
        Rule::Pem => pem_block(text, start, end),
        Rule::Jwt => {
            let mut parts = span.split('.');
            let header = parts.next()?;
            if !jwt_header(header.as_bytes()) {
                return None;
            }
            let _payload = parts.next()?;
            let signed = parts.next().is_some_and(|s| s.len() >= 16);
            let score = if signed { 0.9 } else { 0.6 };
            Some((SecretKind::Jwt, start, end, score))
        }
        Rule::Connection => {
            let score = if placeholder(span) || code_like(span) {
                0.2
            } else {
                0.9
            };
            Some((SecretKind::ConnectionString, start, end, score))
        }
        Rule::Generic | Rule::Bearer => None, // need the keyword: see `generic`
    }
}

/// A PEM private key block from its `-----BEGIN ... PRIVATE KEY-----` header at
/// `start..header_end`: through its end marker when there is one within [`PEM_MAX`] bytes,
/// else through the base64 body that follows. A header followed by prose (a document that
/// names the format) scores low; a header at the very end of the text (a stream cut mid-key)
/// scores high, so a stream tap holds it back.
fn pem_block(text: &str, start: usize, header_end: usize) -> Option<Scored> {
    let mut limit = (header_end + PEM_MAX).min(text.len());
    while !text.is_char_boundary(limit) {
        limit -= 1;
    }
    let rest = text.get(header_end..limit)?;
    if let Some(end_rel) = rest.find("-----END") {
        let after = header_end + end_rel + "-----END".len();
        let close = text
            .get(after..limit)
            .and_then(|t| t.find("-----"))
            .map_or(after, |c| after + c + 5);
        let body = text.get(header_end..header_end + end_rel)?;
        let b64 = body.bytes().filter(u8::is_ascii_alphanumeric).count();
        let score = if b64 >= 64 { 0.99 } else { 0.25 };
        return Some((SecretKind::PrivateKey, start, close, score));
    }
    // No end marker: the body is the run of base64, header fields and line breaks (also the
    // two-character `\n` of JSON strings) after the header.
    let body_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || b"+/=\r\n\t \\:,-".contains(b))
        .count();
    let body = rest.get(..body_len)?;
    let b64 = body.bytes().filter(u8::is_ascii_alphanumeric).count();
    let at_end = header_end + body_len == text.len();
    let score = if b64 >= 64 || at_end { 0.95 } else { 0.25 };
    let end = header_end + body.trim_end().len();
    Some((SecretKind::PrivateKey, start, end, score))
}

/// Keywords whose values are nearly always credentials (a stronger signal than `token`).
fn strong_keyword(kw: &str) -> bool {
    let kw = kw.to_ascii_lowercase();
    [
        "api",
        "client",
        "private",
        "signing",
        "encryption",
        "access",
        "auth",
    ]
    .iter()
    .any(|k| kw.starts_with(k))
}

/// The generic rule: a value after a keyword, with an entropy threshold and character-class
/// checks; passwords need fewer bits but no placeholder and no code expression.
pub(crate) fn generic(kw: &str, text: &str, start: usize, end: usize) -> Option<Scored> {
    let mut value = text.get(start..end)?;
    // sentence punctuation after a value in prose: "the password is hunter2!."
    value = value.trim_end_matches(['.', '!', '?', ':']);
    let end = start + value.len();
    let bytes = value.as_bytes();
    let lower_kw = kw.to_ascii_lowercase();
    let password = lower_kw.starts_with("pass") || lower_kw == "pwd";
    if code_like(value) || value.contains("://") || placeholder(value) || assignment(value) {
        return None;
    }
    let c = Classes::of(bytes);
    if password {
        if bytes.len() < 6 || c.count() < 2 {
            return None;
        }
        return Some((SecretKind::Generic, start, end, 0.7));
    }
    if bytes.len() < 12 || !c.alnum_mix() {
        return None;
    }
    let strong = strong_keyword(kw);
    if uuid(bytes) {
        return strong.then_some((SecretKind::Generic, start, end, 0.35));
    }
    let sample = bytes.get(..200).unwrap_or(bytes);
    let h = shannon(sample);
    let threshold = if hex_only(bytes) {
        3.0
    } else if bytes.len() < 16 {
        3.2
    } else {
        3.5
    };
    if h < threshold {
        return None;
    }
    let mut score: f32 = 0.6;
    if strong {
        score += 0.1;
    }
    if h >= 4.0 && bytes.len() >= 20 {
        score += 0.1;
    }
    Some((SecretKind::Generic, start, end, score))
}

/// Whether `value` is itself an assignment (`client_secret=…`, `key:…`): an identifier, then
/// `=` or `:` and more. The scanner then finds the inner assignment on its own (base64
/// padding, `=` only at the end, is not one).
fn assignment(value: &str) -> bool {
    let Some(sep) = value.find(['=', ':']) else {
        return false;
    };
    let (name, rest) = value.split_at(sep);
    rest.len() > 1
        && name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'-'))
}

/// The bearer rule: a token after `Bearer` (an `Authorization` header in a pasted request).
pub(crate) fn bearer(text: &str, start: usize, end: usize) -> Option<Scored> {
    let value = text.get(start..end)?;
    let bytes = value.as_bytes();
    if placeholder(value) || !Classes::of(bytes).alnum_mix() || shannon(bytes) < 3.5 {
        return None;
    }
    Some((SecretKind::Generic, start, end, 0.75))
}
