//! Secret rules: true positives per kind (fake keys with the real shapes, built at run time so
//! the repository holds no literal that looks like a live key), benign look-alikes, redaction,
//! no secret bytes in Debug output, properties.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use llmops_core::{Role, TextSource};
use proptest::prelude::*;

use super::*;
use crate::detector::Detector;

const ALNUM: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const URLSAFE: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const HEX: &[u8] = b"0123456789abcdef";

/// A deterministic pseudo-random string over `alphabet` (a fake key body).
fn rand_str(seed: u64, alphabet: &[u8], n: usize) -> String {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            char::from(alphabet[(x % alphabet.len() as u64) as usize])
        })
        .collect()
}

/// `n` in base62 (`0-9A-Za-z`), left-padded with `0` to six characters: written here
/// independently of the scanner's decoder.
fn base62_6(mut n: u64) -> String {
    let digits = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
    let mut out = vec![b'0'; 6];
    for slot in out.iter_mut().rev() {
        *slot = digits[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out).unwrap()
}

/// A token with GitHub's / npm's checksum: prefix, 30 random characters, base62 CRC32.
fn checksummed(prefix: &str, seed: u64) -> String {
    let random = rand_str(seed, ALNUM, 30);
    let crc = crc32fast::hash(random.as_bytes());
    format!("{prefix}{random}{}", base62_6(u64::from(crc)))
}

/// A PEM block of `label` (`RSA`, `OPENSSH`, `PGP` ...) with a fake body.
fn pem(label: &str, seed: u64) -> String {
    let kind = if label == "PGP" {
        "PGP PRIVATE KEY BLOCK".to_owned()
    } else if label.is_empty() {
        "PRIVATE KEY".to_owned()
    } else {
        format!("{label} PRIVATE KEY")
    };
    let body: Vec<String> = (0..6).map(|i| rand_str(seed + i, B64, 64)).collect();
    format!(
        "-----BEGIN {kind}-----\n{}\n-----END {kind}-----",
        body.join("\n")
    )
}

fn jwt(seed: u64) -> String {
    let h = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT","kid":"k1"}"#);
    let p = URL_SAFE_NO_PAD.encode(br#"{"sub":"1234567890","name":"Ada","iat":1516239022}"#);
    format!("{h}.{p}.{}", rand_str(seed, URLSAFE, 86))
}

/// (kind, text, the secret inside it).
pub(super) fn samples() -> Vec<(SecretKind, String, String)> {
    let mut v = Vec::new();
    let mut add = |kind, before: &str, secret: String, after: &str| {
        v.push((kind, format!("{before}{secret}{after}"), secret));
    };
    let openai = format!(
        "sk-{}{}{}{}",
        rand_str(1, ALNUM, 20),
        "T3Blbk",
        "FJ",
        rand_str(2, ALNUM, 20)
    );
    add(SecretKind::OpenAiKey, "OPENAI_API_KEY=", openai, "\n");
    let proj = format!("sk-proj-{}", rand_str(3, URLSAFE, 120));
    add(SecretKind::OpenAiKey, "use ", proj, " for the project");
    let ant = format!("sk-ant-api03-{}AA", rand_str(4, URLSAFE, 93));
    add(SecretKind::AnthropicKey, "key: ", ant, "");
    let aws = format!(
        "AKIA{}",
        rand_str(5, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    );
    add(SecretKind::AwsAccessKey, "aws_access_key_id=", aws, "");
    let temp = format!(
        "ASIA{}",
        rand_str(6, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    );
    add(SecretKind::AwsAccessKey, "creds ", temp, " expire");
    let aws_secret = rand_str(7, B64, 40);
    add(
        SecretKind::AwsSecretKey,
        "aws_secret_access_key = ",
        aws_secret,
        "\n",
    );
    let gcp = format!("AIza{}", rand_str(8, URLSAFE, 35));
    add(SecretKind::GcpApiKey, "?key=", gcp, "&q=1");
    let gh = checksummed("ghp_", 9);
    add(SecretKind::GitHubToken, "token ", gh, " works");
    let gho = checksummed("gho_", 10);
    add(SecretKind::GitHubToken, "", gho, "");
    let pat = format!(
        "github_pat_{}_{}",
        rand_str(11, ALNUM, 22),
        rand_str(12, ALNUM, 59)
    );
    add(SecretKind::GitHubToken, "GH=", pat, "");
    let slack = format!(
        "xoxb-{}-{}-{}",
        rand_str(13, b"0123456789", 12),
        rand_str(14, b"0123456789", 13),
        rand_str(15, ALNUM, 24)
    );
    add(SecretKind::SlackToken, "slack: ", slack, "");
    let hook = format!(
        "https://hooks.slack.com/services/T{}/B{}/{}",
        rand_str(16, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 8),
        rand_str(17, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", 10),
        rand_str(18, ALNUM, 24)
    );
    add(SecretKind::SlackWebhook, "post to ", hook, " please");
    let stripe = format!("sk_{}_{}", "live", rand_str(19, ALNUM, 24));
    add(SecretKind::StripeKey, "stripe ", stripe, "");
    let rk = format!("rk_{}_{}", "live", rand_str(20, ALNUM, 24));
    add(SecretKind::StripeKey, "", rk, "");
    let oauth = format!("GOCSPX-{}", rand_str(21, URLSAFE, 28));
    add(SecretKind::GoogleOAuth, "client secret ", oauth, "");
    let ya29 = format!("ya29.{}", rand_str(22, URLSAFE, 80));
    add(SecretKind::GoogleOAuth, "access ", ya29, "");
    let twilio = format!("SK{}", rand_str(23, HEX, 32));
    add(SecretKind::TwilioKey, "twilio ", twilio, "");
    let sg = format!(
        "SG.{}.{}",
        rand_str(24, URLSAFE, 22),
        rand_str(25, URLSAFE, 43)
    );
    add(SecretKind::SendGridKey, "SENDGRID=", sg, "");
    let npm = checksummed("npm_", 26);
    add(
        SecretKind::NpmToken,
        "//registry.npmjs.org/:_authToken=",
        npm,
        "",
    );
    let pypi = format!("pypi-AgEIcHlwaS5vcmc{}", rand_str(27, URLSAFE, 80));
    add(SecretKind::PyPiToken, "password = ", pypi, "");
    let hf = format!(
        "hf_{}",
        rand_str(
            28,
            b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz",
            34
        )
    );
    add(SecretKind::HuggingFaceToken, "HF_TOKEN=", hf, "");
    let azure = format!("{}==", rand_str(29, B64, 86));
    add(
        SecretKind::AzureStorageKey,
        "DefaultEndpointsProtocol=https;AccountName=acct;AccountKey=",
        azure,
        ";EndpointSuffix=core.windows.net",
    );
    for (i, label) in ["RSA", "EC", "OPENSSH", "PGP", "ENCRYPTED", "DSA", ""]
        .iter()
        .enumerate()
    {
        add(
            SecretKind::PrivateKey,
            "here is my key:\n",
            pem(label, 30 + i as u64),
            "\nthanks",
        );
    }
    add(SecretKind::Jwt, "Authorization: Bearer ", jwt(40), "\n");
    let pg = rand_str(41, ALNUM, 16);
    v.push((
        SecretKind::ConnectionString,
        format!("DATABASE_URL=postgres://app:{pg}@db.internal:5432/app"),
        pg,
    ));
    let mongo = rand_str(42, ALNUM, 20);
    v.push((
        SecretKind::ConnectionString,
        format!("mongodb+srv://admin:{mongo}@cluster0.abcde.mongodb.net/test"),
        mongo,
    ));
    let redis = rand_str(43, ALNUM, 24);
    v.push((
        SecretKind::ConnectionString,
        format!("REDIS_URL=redis://:{redis}@cache:6379/0"),
        redis,
    ));
    let mysql = format!("{}!x", rand_str(44, ALNUM, 10));
    v.push((
        SecretKind::ConnectionString,
        format!("mysql://root:{mysql}@localhost/db"),
        mysql,
    ));
    let amqp = rand_str(45, ALNUM, 12);
    v.push((
        SecretKind::ConnectionString,
        format!("amqp://guest:{amqp}@rabbit:5672/"),
        amqp,
    ));
    let generic = rand_str(46, ALNUM, 32);
    v.push((
        SecretKind::Generic,
        format!("config = {{ \"api_key\": \"{generic}\" }}"),
        generic,
    ));
    let hexkey = rand_str(47, HEX, 40);
    v.push((
        SecretKind::Generic,
        format!("client_secret={hexkey}"),
        hexkey,
    ));
    let pw = "Tr0ub4dor&3".to_owned();
    v.push((
        SecretKind::Generic,
        format!("by the way my password is {pw}."),
        pw,
    ));
    let bearer = rand_str(48, URLSAFE, 40);
    v.push((
        SecretKind::Generic,
        format!("curl -H 'Authorization: Bearer {bearer}' https://api.example.com"),
        bearer,
    ));
    v
}

#[test]
fn patterns_compile() {
    assert_eq!(rules::REGEXES.len(), rules::RULES.len());
    assert!(!rules::SET.is_match("nothing"));
    assert!(!rules::AWS_SECRET_RUN.is_match("short"));
}

#[test]
fn every_sample_is_found_with_its_kind_and_span() {
    let scanner = SecretScanner::new();
    for (kind, text, secret) in samples() {
        let found = scanner.scan(&text);
        let hit = found
            .iter()
            .find(|f| f.text(&text) == Some(secret.as_str()) || f.kind == kind);
        let Some(hit) = hit else {
            panic!("{kind:?} not found in a sample of {} bytes", text.len());
        };
        assert_eq!(hit.kind, kind, "kind in {kind:?} sample");
        assert_eq!(hit.text(&text), Some(secret.as_str()), "span of {kind:?}");
        assert!(hit.score >= 0.6, "{kind:?} scored {}", hit.score);
    }
}

#[test]
fn every_kind_has_a_sample() {
    let kinds: Vec<SecretKind> = samples().iter().map(|s| s.0).collect();
    for k in SecretKind::ALL {
        if k == SecretKind::GcpServiceAccount {
            continue; // its own test below
        }
        assert!(kinds.contains(&k), "{k:?}");
    }
}

#[test]
fn checksums_raise_and_lower_scores() {
    let scanner = SecretScanner::new();
    let good = checksummed("ghp_", 77);
    let f = scanner.scan(&good);
    assert_eq!(f[0].score, 0.99);
    // one character of the random part changed: the checksum no longer holds
    let mut bad = good.clone().into_bytes();
    bad[10] = if bad[10] == b'a' { b'b' } else { b'a' };
    let bad = String::from_utf8(bad).unwrap();
    let f = scanner.scan(&bad);
    assert_eq!(f[0].kind, SecretKind::GitHubToken);
    assert!(f[0].score <= 0.5);
    let npm = checksummed("npm_", 78);
    assert_eq!(scanner.scan(&npm)[0].score, 0.99);
}

#[test]
fn stripe_test_and_publishable_keys_score_lower() {
    let s = SecretScanner::new();
    let body = rand_str(90, ALNUM, 24);
    let live = s.scan(&format!("sk_{}_{body}", "live"))[0].score;
    let publishable = s.scan(&format!("pk_{}_{body}", "live"))[0].score;
    let test = s.scan(&format!("sk_{}_{body}", "test"))[0].score;
    assert!(
        live > publishable && publishable > test,
        "{live} {publishable} {test}"
    );
    assert!(s.min_score(0.4).scan(&format!("sk_test_{body}")).is_empty());
}

#[test]
fn aws_secret_next_to_its_key_id() {
    let id = format!(
        "AKIA{}",
        rand_str(50, b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", 16)
    );
    let secret = rand_str(51, B64, 40);
    let text = format!("[default]\nkey = {id}\nvalue = {secret}\n");
    let found = SecretScanner::new().scan(&text);
    let kinds: Vec<_> = found.iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [SecretKind::AwsAccessKey, SecretKind::AwsSecretKey]);
    assert_eq!(found[1].text(&text), Some(secret.as_str()));
    // the documented example pair scores low and is dropped by default
    let example = format!("AKIA{}", "IOSFODNN7EXAMPLE");
    assert!(SecretScanner::new().scan(&example).is_empty());
    assert_eq!(SecretScanner::new().min_score(0.0).scan(&example).len(), 1);
}

#[test]
fn gcp_service_account_json() {
    let body = (0..5)
        .map(|i| rand_str(60 + i, B64, 64))
        .collect::<Vec<_>>()
        .join("\\n");
    let begin = format!("-----BEGIN {}-----", "PRIVATE KEY");
    let end = format!("-----END {}-----", "PRIVATE KEY");
    let json = format!(
        "{{\n  \"type\": \"service_account\",\n  \"project_id\": \"demo\",\n  \"private_key\": \"{begin}\\n{body}\\n{end}\\n\",\n  \"client_email\": \"svc@demo.iam.gserviceaccount.com\"\n}}"
    );
    let found = SecretScanner::new().scan(&json);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].kind, SecretKind::GcpServiceAccount);
    let value = found[0].text(&json).unwrap();
    assert!(value.starts_with("-----BEGIN") && value.ends_with("-----\\n"));
}

#[test]
fn private_key_header_in_prose_scores_low_but_at_the_end_of_a_stream_high() {
    let header = format!("-----BEGIN {}-----", "RSA PRIVATE KEY");
    let prose = format!("A key file starts with {header} and ends with the END line.");
    assert!(SecretScanner::new().scan(&prose).is_empty());
    // the text ends right after the header (or inside the body): a stream cut mid-key
    let cut = format!("sure, here it is:\n{header}\nMIIEowIBAAKCAQEA");
    let found = SecretScanner::new().scan(&cut);
    assert_eq!(found[0].kind, SecretKind::PrivateKey);
    assert!(found[0].score >= 0.9);
}

#[test]
fn jwt_needs_a_header_with_alg() {
    let s = SecretScanner::new();
    let token = jwt(70);
    assert_eq!(s.scan(&token)[0].kind, SecretKind::Jwt);
    let no_alg = format!(
        "{}.{}.{}",
        URL_SAFE_NO_PAD.encode(br#"{"typ":"JWT","kid":"k1"}"#),
        URL_SAFE_NO_PAD.encode(br#"{"sub":"1"}"#),
        rand_str(71, URLSAFE, 43)
    );
    assert!(s.scan(&no_alg).iter().all(|f| f.kind != SecretKind::Jwt));
}

#[test]
fn benign_look_alikes_are_not_secrets() {
    let png = format!(
        "![chart](data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA{})",
        rand_str(80, B64, 400)
    );
    let sha = rand_str(81, HEX, 64);
    let git = format!(
        "commit {}\nAuthor: Ada <ada@example.org>\n\n    fix: tokenizer\n\ncommit {}\n",
        rand_str(82, HEX, 40),
        rand_str(83, HEX, 40)
    );
    let benign = [
        "request id 123e4567-e89b-12d3-a456-426614174000 failed".to_owned(),
        format!("sha256: {sha}"),
        format!("\"integrity\": \"sha512-{}\"", rand_str(84, B64, 86)),
        git,
        png,
        "<script src=\"/static/js/main.3f9a1c2b.chunk.js\"></script> vendors~main.8c1a2b3d4e5f.js"
            .to_owned(),
        "We use sk-learn; OpenAI keys start with sk- and look like sk-1234...".to_owned(),
        "token = request.headers[\"Authorization\"]".to_owned(),
        "def login(user: str, password: str) -> Token:".to_owned(),
        "password = os.environ[\"DB_PASSWORD\"]".to_owned(),
        "api_key = settings.OPENAI_API_KEY".to_owned(),
        "max_tokens=256, tokens: 1500, token_count: 123456789012".to_owned(),
        "secret_key_base = ENV['SECRET_KEY_BASE']".to_owned(),
        "SECRET_KEY_LENGTH = 32".to_owned(),
        "Authorization: Bearer <token>, or Bearer YOUR_TOKEN_HERE".to_owned(),
        "password: ********".to_owned(),
        "postgres://user:password@localhost/db and redis://:${REDIS_PASSWORD}@cache".to_owned(),
        "the secret is that nobody reads the docs; the token was invalid".to_owned(),
        "uuid: 9b2d6c1e-3f4a-4b5c-8d7e-1f2a3b4c5d6e".to_owned(),
        "export const password_hash = '$2b$12$abcdefghijklmnopqrstuv';".to_owned(),
        "xoxb-your-token-here".to_owned(),
    ];
    let s = SecretScanner::new();
    for text in &benign {
        let found = s.scan(text);
        assert!(found.is_empty(), "{found:?} in {text:?}");
    }
}

#[test]
fn findings_and_their_debug_carry_no_secret_bytes() {
    let s = SecretScanner::new();
    for (_, text, secret) in samples() {
        for f in s.scan(&text) {
            let dbg = format!("{f:?} {:?} {}", f.to_finding(), f.kind);
            // any 8-byte window of the secret (shorter secrets: all of it)
            let w = secret.len().min(8);
            for i in 0..=secret.len() - w {
                let piece = &secret[i..i + w];
                assert!(!dbg.contains(piece), "{dbg}");
            }
        }
    }
}

#[test]
fn redaction_replaces_every_secret() {
    let s = SecretScanner::new();
    for (kind, text, secret) in samples() {
        let found = s.scan(&text);
        let out = redact_secrets(&text, &found, SecretRedaction::Placeholder);
        assert!(!out.contains(&secret), "{kind:?}");
        assert!(out.contains(kind.placeholder()), "{kind:?}: {out}");
        let masked = redact_secrets(&text, &found, SecretRedaction::Mask);
        assert!(!masked.contains(&secret) && masked.contains("****"));
        let logged = llmops_core::Redactor::redact(&s, &text);
        assert!(!logged.contains(&secret));
    }
    let clean = "nothing to see";
    assert!(matches!(
        redact_secrets(clean, &[], SecretRedaction::Placeholder),
        std::borrow::Cow::Borrowed(_)
    ));
}

#[test]
fn only_and_with_select_kinds() {
    let (_, text, _) = samples()
        .into_iter()
        .find(|s| s.0 == SecretKind::GcpApiKey)
        .unwrap();
    assert!(
        SecretScanner::only(&[SecretKind::Jwt])
            .scan(&text)
            .is_empty()
    );
    assert!(
        SecretScanner::new()
            .with(SecretKind::GcpApiKey, false)
            .scan(&text)
            .is_empty()
    );
    assert!(
        !SecretScanner::only(&[SecretKind::GcpApiKey])
            .scan(&text)
            .is_empty()
    );
}

#[test]
fn detector_reports_core_findings_and_allocates_nothing_when_clean() {
    let mut out = Vec::new();
    let s = SecretScanner::new();
    Detector::scan(
        &s,
        "a clean prompt about tokens and secrets in general",
        TextSource::Message(Role::User),
        &mut out,
    );
    assert!(out.is_empty());
    assert_eq!(out.capacity(), 0);
    let (_, text, secret) = samples().remove(0);
    Detector::scan(&s, &text, TextSource::Output, &mut out);
    assert_eq!(out[0].category, "secret.openai_key");
    assert_eq!(&text[out[0].start..out[0].end], secret);
    assert_eq!(Detector::max_match_len(&s), Some(512));
}

#[test]
fn placeholder_labels_are_distinct() {
    let mut seen = std::collections::HashSet::new();
    for k in SecretKind::ALL {
        assert!(seen.insert(k.placeholder()), "{k:?}");
        assert!(k.as_str().starts_with("secret."));
        assert_eq!(SecretKind::ALL[k.index()], k);
    }
}

/// Benign filler words for the properties.
const WORDS: &[&str] = &[
    "the",
    "order",
    "shipped",
    "token",
    "on",
    "2024-05-03",
    "see",
    "commit",
    "3f9a1c2b",
    "and",
    "sk-learn",
    "uuid",
    "é",
    "日本",
    "—",
    "\n",
    "price",
    "12.50",
    "EUR",
    "key",
    "=",
    ":",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn arbitrary_text_never_panics_and_spans_are_sound(text in "\\PC{0,400}") {
        for f in SecretScanner::new().min_score(0.0).scan(&text) {
            prop_assert!(f.start < f.end && f.end <= text.len());
            prop_assert!(text.is_char_boundary(f.start) && text.is_char_boundary(f.end));
        }
    }

    #[test]
    fn tokenish_text_never_panics(text in "[A-Za-z0-9_\\-.:=/+ \"'@]{0,300}") {
        for f in SecretScanner::new().min_score(0.0).scan(&text) {
            prop_assert!(f.end <= text.len() && text.is_char_boundary(f.start));
        }
    }

    #[test]
    fn a_secret_inserted_anywhere_in_benign_text_is_found(
        words in proptest::collection::vec(proptest::sample::select(WORDS), 0..60),
        at in 0usize..60,
        which in 0usize..1000,
    ) {
        let all = samples();
        let (kind, _, secret) = &all[which % all.len()];
        // connection-string passwords and generic values need their context: insert the
        // whole sample text for them, the bare secret for the rest
        let (piece, needle) = match kind {
            SecretKind::ConnectionString
            | SecretKind::Generic
            | SecretKind::AwsSecretKey
            | SecretKind::AzureStorageKey => {
                (all[which % all.len()].1.clone(), secret.clone())
            }
            _ => (secret.clone(), secret.clone()),
        };
        let at = at.min(words.len());
        let mut parts: Vec<String> = words.iter().map(|w| (*w).to_owned()).collect();
        parts.insert(at, piece);
        let text = parts.join(" ");
        let found = SecretScanner::new().scan(&text);
        prop_assert!(
            found.iter().any(|f| f.text(&text) == Some(needle.as_str())),
            "{kind:?} not found"
        );
    }
}

#[test]
fn standard_base64_of_random_bytes_is_not_a_secret_without_a_keyword() {
    let blob = STANDARD.encode(rand_str(99, ALNUM, 300));
    assert!(SecretScanner::new().scan(&blob).is_empty());
}

#[test]
fn an_assignment_inside_a_rejected_value_is_still_found() {
    // found by the proptest above: "token = client_secret=<hex>" took the whole rest as the
    // token's value, rejected it, and searched on after it
    let hexkey = rand_str(47, HEX, 40);
    let text = format!("the token = client_secret={hexkey}");
    let found = SecretScanner::new().scan(&text);
    assert!(
        found.iter().any(|f| f.text(&text) == Some(hexkey.as_str())),
        "{found:?}"
    );
}
