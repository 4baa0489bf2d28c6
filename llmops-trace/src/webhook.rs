//! [`WebhookAlerts`]: an [`AlertSink`] that POSTs each [`Alert`] as JSON to a URL.
//!
//! The body is the alert itself ([`PayloadFormat::Json`], the default) or a Slack-compatible
//! `{"text": "..."}` ([`PayloadFormat::Slack`]). Each attempt has a timeout (5 s by default);
//! a 5xx, a 429, a timeout or a network failure is retried with exponential backoff (2 retries
//! by default, `Retry-After` honoured up to [`MAX_BACKOFF`]). Anything else that is not a 2xx
//! fails at once. A failure is a [`WebhookError`] that names the status and the URL (without
//! its path, credentials and query: Slack-style URLs keep their secret in the path), never the configured headers.
//!
//! Wrap the sink in [`Debounced`](crate::Debounced) so that a storm yields one alert per rule
//! per window.
//!
//! ```no_run
//! use std::time::Duration;
//! use llmops_core::{Alert, AlertSink, Severity};
//! use llmops_trace::{PayloadFormat, WebhookAlerts};
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let hook = WebhookAlerts::builder("https://alerts.example.com/llmops")
//!     .header("Authorization", "Bearer s3cret")
//!     .timeout(Duration::from_secs(2))
//!     .retries(3)
//!     .format(PayloadFormat::Json)
//!     .build()?;
//! hook.send(&Alert::now("error_rate", Severity::Critical, "7.5% of 400 exchanges failed")).await?;
//! # Ok(())
//! # }
//! ```

use std::fmt;
use std::time::Duration;

use async_trait::async_trait;
use llmops_core::{Alert, AlertSink, Severity};
use reqwest::Url;
use reqwest::header::{CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, RETRY_AFTER};

/// The longest pause between two attempts, whatever the backoff or `Retry-After` says.
pub const MAX_BACKOFF: Duration = Duration::from_secs(10);

/// How much of an error body a [`WebhookError::Status`] keeps.
const BODY_SNIPPET: usize = 256;

/// What the webhook receives.
///
/// ```
/// use llmops_trace::PayloadFormat;
/// assert_eq!(PayloadFormat::default(), PayloadFormat::Json);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[non_exhaustive]
pub enum PayloadFormat {
    /// The [`Alert`] serialized as JSON: `{"rule", "severity", "at", "message", "data"}`.
    #[default]
    Json,
    /// A Slack-compatible incoming-webhook body: `{"text": "[critical] rule: message"}`
    /// (Mattermost, Rocket.Chat and Discord's `/slack` endpoint accept it too).
    Slack,
}

/// Why a webhook could not be built or an alert could not be delivered.
///
/// The message names the status and the URL (scheme, host and port: never its path, credentials or query),
/// never a configured header value.
///
/// ```
/// use llmops_trace::{WebhookAlerts, WebhookError};
/// let e = WebhookAlerts::builder("not a url").build().unwrap_err();
/// assert!(matches!(e, WebhookError::InvalidUrl { .. }));
/// assert!(!e.is_retryable());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum WebhookError {
    /// The URL does not parse, or is not `http`/`https` with a host.
    #[error("invalid webhook URL: {reason}")]
    InvalidUrl {
        /// What is wrong with it.
        reason: String,
    },
    /// A header name or value is not valid in HTTP (the value is never shown).
    #[error("invalid webhook header `{name}`: {reason}")]
    InvalidHeader {
        /// The header name as given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// The HTTP client could not be built (TLS setup).
    #[error("cannot build the webhook HTTP client: {reason}")]
    Client {
        /// The cause.
        reason: String,
    },
    /// The alert could not be encoded as JSON.
    #[error("cannot encode the alert: {reason}")]
    Encode {
        /// The cause.
        reason: String,
    },
    /// The webhook answered with a status that is not a 2xx (after the retries, if retryable).
    #[error(
        "webhook {url} answered HTTP {status} after {attempts} attempt(s){}",
        snippet(body)
    )]
    Status {
        /// The HTTP status.
        status: u16,
        /// The URL, without its path, credentials and query.
        url: String,
        /// How many requests were sent.
        attempts: u32,
        /// The start of the response body (at most 256 characters), with any configured header
        /// value masked.
        body: String,
    },
    /// No answer within the timeout (after the retries).
    #[error("webhook {url} did not answer within {timeout:?} after {attempts} attempt(s)")]
    Timeout {
        /// The URL, without its path, credentials and query.
        url: String,
        /// How many requests were sent.
        attempts: u32,
        /// The per-attempt timeout.
        timeout: Duration,
    },
    /// The connection failed (DNS, refused, reset) after the retries.
    #[error("webhook {url} unreachable after {attempts} attempt(s): {reason}")]
    Network {
        /// The URL, without its path, credentials and query.
        url: String,
        /// How many requests were sent.
        attempts: u32,
        /// The transport error, without the URL.
        reason: String,
    },
}

fn snippet(body: &str) -> String {
    if body.is_empty() {
        String::new()
    } else {
        format!(": {body}")
    }
}

impl WebhookError {
    /// The HTTP status the webhook answered with, if it answered.
    ///
    /// ```
    /// use llmops_trace::WebhookError;
    /// let e = WebhookError::Timeout { url: "http://x/".into(), attempts: 1, timeout: Default::default() };
    /// assert_eq!(e.status(), None);
    /// ```
    pub fn status(&self) -> Option<u16> {
        match self {
            WebhookError::Status { status, .. } => Some(*status),
            WebhookError::InvalidUrl { .. }
            | WebhookError::InvalidHeader { .. }
            | WebhookError::Client { .. }
            | WebhookError::Encode { .. }
            | WebhookError::Timeout { .. }
            | WebhookError::Network { .. } => None,
        }
    }

    /// Whether the failure was a timeout.
    ///
    /// ```
    /// use llmops_trace::WebhookError;
    /// let e = WebhookError::Timeout { url: "http://x/".into(), attempts: 1, timeout: Default::default() };
    /// assert!(e.is_timeout());
    /// ```
    pub fn is_timeout(&self) -> bool {
        matches!(self, WebhookError::Timeout { .. })
    }

    /// Whether sending the same alert again later may succeed: a 5xx, a 429, a timeout or a
    /// network failure. Every variant is named.
    ///
    /// ```
    /// use llmops_trace::WebhookError;
    /// let e = WebhookError::Status { status: 503, url: "http://x/".into(), attempts: 3, body: String::new() };
    /// assert!(e.is_retryable());
    /// ```
    pub fn is_retryable(&self) -> bool {
        match self {
            WebhookError::Status { status, .. } => retryable_status(*status),
            WebhookError::Timeout { .. } | WebhookError::Network { .. } => true,
            WebhookError::InvalidUrl { .. }
            | WebhookError::InvalidHeader { .. }
            | WebhookError::Client { .. }
            | WebhookError::Encode { .. } => false,
        }
    }
}

impl From<WebhookError> for llmops_core::Error {
    /// Build-time failures become [`Error::Config`](llmops_core::Error::Config), delivery
    /// failures an [`Error::Extension`](llmops_core::Error::Extension) of `llmops-trace` whose
    /// message names the status and the URL.
    fn from(e: WebhookError) -> Self {
        match e {
            WebhookError::InvalidUrl { .. }
            | WebhookError::InvalidHeader { .. }
            | WebhookError::Client { .. } => llmops_core::Error::config(e.to_string()),
            WebhookError::Encode { .. }
            | WebhookError::Status { .. }
            | WebhookError::Timeout { .. }
            | WebhookError::Network { .. } => llmops_core::Error::extension("llmops-trace", e),
        }
    }
}

fn retryable_status(status: u16) -> bool {
    status == 429 || (500..600).contains(&status)
}

/// Builds a [`WebhookAlerts`]; nothing is checked until [`build`](Self::build).
///
/// ```
/// use std::time::Duration;
/// use llmops_trace::{PayloadFormat, WebhookAlerts};
/// let hook = WebhookAlerts::builder("https://hooks.slack.com/services/T0/B0/XXXX")
///     .format(PayloadFormat::Slack)
///     .timeout(Duration::from_secs(3))
///     .retries(1)
///     .backoff(Duration::from_millis(500))
///     .build()?;
/// assert_eq!(hook.format(), PayloadFormat::Slack);
/// # Ok::<(), llmops_trace::WebhookError>(())
/// ```
#[must_use]
pub struct WebhookAlertsBuilder {
    url: String,
    headers: Vec<(String, String)>,
    timeout: Duration,
    retries: u32,
    backoff: Duration,
    format: PayloadFormat,
}

impl fmt::Debug for WebhookAlertsBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // the URL may not parse yet, so it is not shown: it can carry a token
        let names: Vec<&str> = self.headers.iter().map(|(n, _)| n.as_str()).collect();
        f.debug_struct("WebhookAlertsBuilder")
            .field("headers", &names)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("backoff", &self.backoff)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

impl WebhookAlertsBuilder {
    /// Adds a header sent with every request (`Authorization`, an API key ...). Its value is
    /// marked sensitive and never printed. A later header of the same name replaces it.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The timeout of each attempt, connection included (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// How many times a retryable failure (5xx, 429, timeout, network) is retried (default 2,
    /// so at most 3 requests).
    pub fn retries(mut self, retries: u32) -> Self {
        self.retries = retries;
        self
    }

    /// The pause before the first retry, doubled before each next one and capped at
    /// [`MAX_BACKOFF`] (default 250 ms). A `Retry-After` in seconds replaces it.
    pub fn backoff(mut self, backoff: Duration) -> Self {
        self.backoff = backoff;
        self
    }

    /// The body format (default [`PayloadFormat::Json`]).
    pub fn format(mut self, format: PayloadFormat) -> Self {
        self.format = format;
        self
    }

    /// Checks the URL and headers and builds the HTTP client.
    ///
    /// # Errors
    ///
    /// [`WebhookError::InvalidUrl`] when the URL does not parse or is not `http(s)` with a
    /// host, [`WebhookError::InvalidHeader`] for a bad header, [`WebhookError::Client`] when
    /// the HTTP client cannot be built.
    pub fn build(self) -> Result<WebhookAlerts, WebhookError> {
        let url = Url::parse(self.url.trim()).map_err(|e| WebhookError::InvalidUrl {
            reason: e.to_string(),
        })?;
        if !matches!(url.scheme(), "http" | "https") {
            return Err(WebhookError::InvalidUrl {
                reason: format!("scheme `{}` is not http or https", url.scheme()),
            });
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(WebhookError::InvalidUrl {
                reason: "no host".into(),
            });
        }
        let mut headers = HeaderMap::new();
        let mut secrets = Vec::new();
        for (name, value) in self.headers {
            let Ok(n) = HeaderName::from_bytes(name.trim().as_bytes()) else {
                return Err(WebhookError::InvalidHeader {
                    name,
                    reason: "not a valid header name",
                });
            };
            let Ok(mut v) = HeaderValue::from_str(&value) else {
                return Err(WebhookError::InvalidHeader {
                    name,
                    reason: "the value contains characters not allowed in HTTP headers",
                });
            };
            v.set_sensitive(true);
            headers.insert(n, v);
            if !value.trim().is_empty() {
                secrets.push(value);
            }
        }
        let client = reqwest::Client::builder()
            .timeout(self.timeout)
            .build()
            .map_err(|e| WebhookError::Client {
                reason: e.without_url().to_string(),
            })?;
        Ok(WebhookAlerts {
            client,
            shown_url: shown(&url),
            url,
            headers,
            secrets,
            timeout: self.timeout,
            retries: self.retries,
            backoff: self.backoff,
            format: self.format,
        })
    }
}

/// The URL as errors and `Debug` show it: scheme, host and port only. The path is left out
/// too: Slack, Discord and Teams webhooks carry their secret in it
/// (`/services/T…/B…/XXXX`).
fn shown(url: &Url) -> String {
    let mut out = format!("{}://{}", url.scheme(), url.host_str().unwrap_or_default());
    if let Some(port) = url.port() {
        out.push_str(&format!(":{port}"));
    }
    if url.path() != "/" {
        out.push_str("/…");
    }
    out
}

/// An [`AlertSink`] that POSTs each alert as JSON to a webhook, with a timeout and retries.
///
/// - **Body:** the [`Alert`] itself ([`PayloadFormat::Json`], the default) or a Slack-compatible
///   `{"text": "[severity] rule: message"}` ([`PayloadFormat::Slack`]), `Content-Type:
///   application/json`, plus the configured headers (`Authorization` ...).
/// - **Timeout:** per attempt, connection included (5 s by default).
/// - **Retries:** a 5xx, a 429, a timeout or a network failure is retried (2 retries by
///   default) after an exponential backoff (250 ms, 500 ms ...) or the `Retry-After` seconds,
///   never more than [`MAX_BACKOFF`]. Any other non-2xx fails at once.
/// - **Errors:** [`post`](Self::post) returns a [`WebhookError`] naming the status and the URL
///   (scheme, host and port only), never a header value; [`AlertSink::send`] turns it into
///   an [`llmops_core::Error`]. Nothing panics.
///
/// Wrap it in [`Debounced`](crate::Debounced) so that a storm yields one alert per rule per
/// window; see there for the evaluation layer's `eval_score_drop`.
///
/// Cheap to clone (the HTTP connection pool is shared). `Debug` shows the URL without its path,
/// credentials and query, and the header names only.
///
/// ```
/// use llmops_trace::WebhookAlerts;
/// let hook = WebhookAlerts::builder("https://user:pw@alerts.example.com/hook?token=t0k")
///     .header("Authorization", "Bearer s3cret")
///     .build()?;
/// let shown = format!("{hook:?}");
/// assert!(shown.contains("https://alerts.example.com/…") && shown.contains("authorization"));
/// assert!(!shown.contains("s3cret") && !shown.contains("t0k") && !shown.contains("pw"));
/// assert!(!shown.contains("/hook"));
/// # Ok::<(), llmops_trace::WebhookError>(())
/// ```
#[derive(Clone)]
pub struct WebhookAlerts {
    client: reqwest::Client,
    url: Url,
    shown_url: String,
    headers: HeaderMap,
    /// The header values, masked in error bodies a server might echo.
    secrets: Vec<String>,
    timeout: Duration,
    retries: u32,
    backoff: Duration,
    format: PayloadFormat,
}

impl fmt::Debug for WebhookAlerts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = self.headers.keys().map(HeaderName::as_str).collect();
        f.debug_struct("WebhookAlerts")
            .field("url", &self.shown_url)
            .field("headers", &names)
            .field("timeout", &self.timeout)
            .field("retries", &self.retries)
            .field("backoff", &self.backoff)
            .field("format", &self.format)
            .finish_non_exhaustive()
    }
}

/// One failed attempt: the error it would end with, and whether (and when) to try again.
struct Failure {
    error: WebhookError,
    retry: bool,
    wait: Option<Duration>,
}

impl WebhookAlerts {
    /// A builder for a webhook at `url` (checked by [`build`](WebhookAlertsBuilder::build)).
    ///
    /// ```
    /// let hook = llmops_trace::WebhookAlerts::builder("http://127.0.0.1:9000/alerts").build()?;
    /// assert_eq!(hook.url(), "http://127.0.0.1:9000/…"); // the path may hold a secret
    /// # Ok::<(), llmops_trace::WebhookError>(())
    /// ```
    pub fn builder(url: impl Into<String>) -> WebhookAlertsBuilder {
        WebhookAlertsBuilder {
            url: url.into(),
            headers: Vec::new(),
            timeout: Duration::from_secs(5),
            retries: 2,
            backoff: Duration::from_millis(250),
            format: PayloadFormat::Json,
        }
    }

    /// The URL, as errors show it: without its path, credentials and query.
    pub fn url(&self) -> &str {
        &self.shown_url
    }

    /// The body format.
    pub fn format(&self) -> PayloadFormat {
        self.format
    }

    /// The body sent for `alert`, in this webhook's format.
    ///
    /// ```
    /// use llmops_core::{Alert, Severity};
    /// use llmops_trace::{PayloadFormat, WebhookAlerts};
    /// let slack = WebhookAlerts::builder("https://hooks.example.com/x").format(PayloadFormat::Slack).build()?;
    /// let body = slack.payload(&Alert::now("error_rate", Severity::Critical, "7.5% failed"));
    /// assert_eq!(body, serde_json::json!({"text": "[critical] error_rate: 7.5% failed"}));
    /// # Ok::<(), llmops_trace::WebhookError>(())
    /// ```
    pub fn payload(&self, alert: &Alert) -> serde_json::Value {
        match self.format {
            PayloadFormat::Json => serde_json::to_value(alert).unwrap_or_else(|e| {
                // an `Alert` is plain data; keep its text if encoding ever fails
                serde_json::json!({"rule": alert.rule, "message": alert.message, "encode_error": e.to_string()})
            }),
            PayloadFormat::Slack => serde_json::json!({ "text": slack_text(alert) }),
        }
    }

    /// POSTs one alert, retrying what may pass; the typed form of [`AlertSink::send`].
    ///
    /// # Errors
    ///
    /// [`WebhookError::Status`] for a non-2xx answer (after the retries when it is a 5xx or a
    /// 429), [`WebhookError::Timeout`] and [`WebhookError::Network`] when every attempt failed
    /// that way, [`WebhookError::Encode`] when the alert cannot be encoded.
    pub async fn post(&self, alert: &Alert) -> Result<(), WebhookError> {
        let body = serde_json::to_vec(&self.payload(alert)).map_err(|e| WebhookError::Encode {
            reason: e.to_string(),
        })?;
        let attempts = self.retries.saturating_add(1);
        let mut backoff = self.backoff.min(MAX_BACKOFF);
        let mut attempt = 1;
        loop {
            let failure = match self.attempt(body.clone(), attempt).await {
                Ok(()) => return Ok(()),
                Err(f) => f,
            };
            if !failure.retry || attempt >= attempts {
                return Err(failure.error);
            }
            let wait = failure.wait.unwrap_or(backoff).min(MAX_BACKOFF);
            tracing::debug!(target: "llmops::alert", url = %self.shown_url, attempt, error = %failure.error, ?wait, "webhook attempt failed; retrying");
            tokio::time::sleep(wait).await;
            backoff = backoff.saturating_mul(2).min(MAX_BACKOFF);
            attempt += 1;
        }
    }

    async fn attempt(&self, body: Vec<u8>, attempt: u32) -> Result<(), Failure> {
        let sent = self
            .client
            .post(self.url.clone())
            .header(CONTENT_TYPE, "application/json")
            .headers(self.headers.clone())
            .body(body)
            .send()
            .await;
        let resp = match sent {
            Ok(r) => r,
            Err(e) => return Err(self.transport(e, attempt)),
        };
        let status = resp.status();
        if status.is_success() {
            return Ok(());
        }
        let wait = retry_after(resp.headers());
        // the body says why (Slack: `invalid_token`, `no_text`); an unreadable one is left out
        let text = resp.text().await.unwrap_or_default();
        Err(Failure {
            retry: retryable_status(status.as_u16()),
            wait,
            error: WebhookError::Status {
                status: status.as_u16(),
                url: self.shown_url.clone(),
                attempts: attempt,
                body: self.mask(&text),
            },
        })
    }

    fn transport(&self, e: reqwest::Error, attempt: u32) -> Failure {
        if e.is_timeout() {
            return Failure {
                retry: true,
                wait: None,
                error: WebhookError::Timeout {
                    url: self.shown_url.clone(),
                    attempts: attempt,
                    timeout: self.timeout,
                },
            };
        }
        // a builder error is ours, not the network's: trying again changes nothing
        let retry = !e.is_builder();
        let e = e.without_url();
        let mut reason = e.to_string();
        let mut src = std::error::Error::source(&e);
        while let Some(cause) = src {
            reason.push_str(": ");
            reason.push_str(&cause.to_string());
            src = cause.source();
        }
        Failure {
            retry,
            wait: None,
            error: WebhookError::Network {
                url: self.shown_url.clone(),
                attempts: attempt,
                reason,
            },
        }
    }

    /// The start of a response body, with every configured header value masked.
    fn mask(&self, text: &str) -> String {
        let mut s: String = text.trim().chars().take(BODY_SNIPPET).collect();
        for secret in &self.secrets {
            s = s.replace(secret.as_str(), "<redacted>");
            // a bearer token echoed without its scheme
            if let Some((_, token)) = secret.split_once(' ')
                && !token.trim().is_empty()
            {
                s = s.replace(token.trim(), "<redacted>");
            }
        }
        s
    }
}

/// The Slack `text` of an alert: `[severity] rule: message`.
fn slack_text(alert: &Alert) -> String {
    let severity = match alert.severity {
        Severity::Info => "info",
        Severity::Warning => "warning",
        Severity::Critical => "critical",
    };
    format!("[{severity}] {}: {}", alert.rule, alert.message)
}

/// A `Retry-After` in seconds (an HTTP date is left to the backoff).
fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let v = headers.get(RETRY_AFTER)?.to_str().ok()?.trim();
    let secs = v.parse::<f64>().ok()?;
    Duration::try_from_secs_f64(secs).ok()
}

#[async_trait]
impl AlertSink for WebhookAlerts {
    async fn send(&self, alert: &Alert) -> llmops_core::Result<()> {
        self.post(alert).await.map_err(Into::into)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked() {
        for bad in [
            "",
            "not a url",
            "ftp://x/y",
            "file:///etc/passwd",
            "http://",
        ] {
            let e = WebhookAlerts::builder(bad).build().unwrap_err();
            assert!(matches!(e, WebhookError::InvalidUrl { .. }), "{bad}: {e}");
        }
        assert!(
            WebhookAlerts::builder(" https://x.example/a ")
                .build()
                .is_ok()
        );
    }

    #[test]
    fn headers_are_checked_without_showing_values() {
        let e = WebhookAlerts::builder("https://x.example/")
            .header("Authorization", "Bearer abc\ndef")
            .build()
            .unwrap_err();
        assert!(matches!(e, WebhookError::InvalidHeader { .. }));
        assert!(!e.to_string().contains("abc"));
        let e = WebhookAlerts::builder("https://x.example/")
            .header("bad name", "v")
            .build()
            .unwrap_err();
        assert!(e.to_string().contains("bad name"));
    }

    #[test]
    fn shown_url_drops_credentials_and_query() {
        let u = Url::parse("https://me:pw@h.example:8443/p/q?k=v#f").unwrap();
        assert_eq!(shown(&u), "https://h.example:8443/…");
        let slack = Url::parse("https://hooks.slack.com/services/T000/B000/XXXXSECRET").unwrap();
        assert_eq!(shown(&slack), "https://hooks.slack.com/…");
    }

    #[test]
    fn bodies_are_masked_and_cut() {
        let hook = WebhookAlerts::builder("https://x.example/")
            .header("Authorization", "Bearer tok123")
            .build()
            .unwrap();
        assert_eq!(
            hook.mask("bad Bearer tok123 and tok123"),
            "bad <redacted> and <redacted>"
        );
        assert_eq!(hook.mask(&"é".repeat(1000)).chars().count(), BODY_SNIPPET);
    }

    #[test]
    fn classification_names_every_class() {
        assert!(retryable_status(429) && retryable_status(500) && retryable_status(599));
        assert!(!retryable_status(400) && !retryable_status(404) && !retryable_status(600));
        let mut h = HeaderMap::new();
        h.insert(RETRY_AFTER, HeaderValue::from_static("2"));
        assert_eq!(retry_after(&h), Some(Duration::from_secs(2)));
        h.insert(RETRY_AFTER, HeaderValue::from_static("-1"));
        assert_eq!(retry_after(&h), None);
    }

    #[test]
    fn core_error_keeps_status_and_url() {
        let e = WebhookError::Status {
            status: 400,
            url: "https://x.example/h".into(),
            attempts: 1,
            body: "no_text".into(),
        };
        let core = llmops_core::Error::from(e);
        let s = core.to_string();
        assert!(s.contains("400") && s.contains("https://x.example/h") && s.contains("no_text"));
        let e = llmops_core::Error::from(WebhookError::InvalidUrl { reason: "x".into() });
        assert!(matches!(e, llmops_core::Error::Config(_)));
    }
}
