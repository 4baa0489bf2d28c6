//! HTTP plumbing shared by the network providers: one pooled client per provider with connect
//! and read timeouts, transport-error classification, `Retry-After` parsing and a pull-based
//! SSE decoder (no task per stream; dropping the stream cancels the HTTP body).

use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use eventsource_stream::{EventStreamError, Eventsource};
use futures_core::Stream;
use futures_util::StreamExt;
use reqwest::header::HeaderMap;

use crate::error::{ProviderError, ProviderErrorKind};
use crate::stream::StreamEvent;
use crate::{Error, Result};

/// Connection settings of a provider's HTTP client.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HttpOptions {
    /// TCP + TLS connect timeout (default 10 s).
    pub connect_timeout: Duration,
    /// Longest silence while reading a response, between two chunks of a stream included
    /// (default 120 s).
    pub read_timeout: Duration,
    /// Idle pooled connections kept per host (default 32).
    pub pool_max_idle_per_host: usize,
}

impl Default for HttpOptions {
    fn default() -> Self {
        HttpOptions {
            connect_timeout: Duration::from_secs(10),
            read_timeout: Duration::from_secs(120),
            pool_max_idle_per_host: 32,
        }
    }
}

impl HttpOptions {
    /// Builds the pooled client.
    pub fn client(&self) -> Result<reqwest::Client> {
        reqwest::Client::builder()
            .connect_timeout(self.connect_timeout)
            .read_timeout(self.read_timeout)
            .pool_max_idle_per_host(self.pool_max_idle_per_host)
            .build()
            .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))
    }
}

/// Classifies a transport failure (no HTTP status, or a body that broke).
pub fn transport_error(provider: &str, e: &reqwest::Error) -> ProviderError {
    let kind = if e.is_timeout() {
        ProviderErrorKind::Timeout
    } else if e.is_decode() {
        ProviderErrorKind::Decode
    } else if e.is_builder() {
        ProviderErrorKind::BadRequest
    } else {
        ProviderErrorKind::Network
    };
    // reqwest's Display includes the URL; ours never carry secrets in the URL, but strip it anyway.
    let msg = e.without_url_ref();
    ProviderError::new(kind, provider, msg)
}

trait WithoutUrl {
    fn without_url_ref(&self) -> String;
}

impl WithoutUrl for reqwest::Error {
    fn without_url_ref(&self) -> String {
        let mut s = self.to_string();
        if let Some(url) = self.url() {
            s = s.replace(url.as_str(), "<url>");
        }
        let mut src = std::error::Error::source(self);
        while let Some(cause) = src {
            s.push_str(": ");
            s.push_str(&cause.to_string());
            src = cause.source();
        }
        s
    }
}

/// The wait a response asks for: `retry-after-ms`, then `retry-after` (seconds or an HTTP
/// date), then OpenAI's `x-ratelimit-reset-requests` / `-tokens` (`1s`, `6m0s`, `120ms`).
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let get = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::trim)
    };
    if let Some(ms) = get("retry-after-ms").and_then(|v| v.parse::<f64>().ok()) {
        return Duration::try_from_secs_f64(ms / 1000.0).ok();
    }
    if let Some(v) = get("retry-after") {
        if let Ok(secs) = v.parse::<f64>() {
            return Duration::try_from_secs_f64(secs).ok();
        }
        if let Ok(at) = httpdate::parse_http_date(v) {
            return Some(
                at.duration_since(SystemTime::now())
                    .unwrap_or(Duration::ZERO),
            );
        }
    }
    ["x-ratelimit-reset-requests", "x-ratelimit-reset-tokens"]
        .iter()
        .filter_map(|h| get(h).and_then(parse_duration_text))
        .max()
}

/// Parses Go-style durations as providers write them: `1s`, `6m0s`, `1h2m3.5s`, `120ms`,
/// `20.5s`. `None` when the text is not one.
pub fn parse_duration_text(s: &str) -> Option<Duration> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    let mut total = 0f64;
    let mut num = String::new();
    let mut chars = s.chars().peekable();
    let mut any = false;
    while let Some(c) = chars.next() {
        if c.is_ascii_digit() || c == '.' {
            num.push(c);
            continue;
        }
        let value: f64 = num.parse().ok()?;
        num.clear();
        let unit = match c {
            'h' => 3600.0,
            'm' if chars.peek() == Some(&'s') => {
                chars.next();
                0.001
            }
            'm' => 60.0,
            's' => 1.0,
            _ => return None,
        };
        total += value * unit;
        any = true;
    }
    if !num.is_empty() {
        return None;
    }
    any.then(|| Duration::try_from_secs_f64(total).ok())
        .flatten()
}

/// One server-sent event.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SseEvent {
    /// The `event:` field (empty for the default `message`).
    pub event: String,
    /// The `data:` lines joined by `\n`.
    pub data: String,
}

/// Decodes a byte stream as server-sent events. Comments (`: keep-alive`) are skipped, events
/// may be split at any byte, and a broken body is a classified error.
pub fn sse<S, E>(
    provider: &str,
    bytes: S,
) -> impl Stream<Item = Result<SseEvent>> + Send + use<S, E>
where
    S: Stream<Item = std::result::Result<Bytes, E>> + Send + 'static,
    E: std::fmt::Display + Send + 'static,
{
    let provider = provider.to_owned();
    bytes.eventsource().map(move |item| match item {
        Ok(ev) => Ok(SseEvent {
            event: ev.event,
            data: ev.data,
        }),
        Err(EventStreamError::Utf8(e)) => Err(ProviderError::new(
            ProviderErrorKind::Decode,
            provider.clone(),
            format!("stream is not UTF-8: {e}"),
        )
        .into()),
        Err(EventStreamError::Parser(e)) => Err(ProviderError::new(
            ProviderErrorKind::Decode,
            provider.clone(),
            format!("malformed SSE: {e}"),
        )
        .into()),
        Err(EventStreamError::Transport(e)) => Err(ProviderError::new(
            ProviderErrorKind::Network,
            provider.clone(),
            format!("stream cut: {e}"),
        )
        .into()),
    })
}

/// Sends a request; a non-2xx answer is read and turned into an error by `classify`
/// (status, headers, body), a transport failure by [`transport_error`].
pub async fn send(
    provider: &str,
    rb: reqwest::RequestBuilder,
    classify: fn(&str, u16, &HeaderMap, &str) -> ProviderError,
) -> Result<reqwest::Response> {
    let resp = rb.send().await.map_err(|e| transport_error(provider, &e))?;
    let status = resp.status();
    if status.is_success() {
        return Ok(resp);
    }
    let headers = resp.headers().clone();
    // an unreadable error body is said, not replaced by an empty one
    let text = match resp.text().await {
        Ok(t) => t,
        Err(e) => format!(
            "<the error body could not be read: {}>",
            e.without_url_ref()
        ),
    };
    Err(classify(provider, status.as_u16(), &headers, &text).into())
}

/// Whether a response is a server-sent event stream (some servers stream whatever was asked).
pub fn is_event_stream(resp: &reqwest::Response) -> bool {
    resp.headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/event-stream"))
}

/// A header value that is never printed (`Debug` shows `Sensitive`).
pub fn secret_header(value: &str) -> Result<reqwest::header::HeaderValue> {
    let mut v = reqwest::header::HeaderValue::from_str(value).map_err(|_| {
        Error::config("a key or header value contains characters not allowed in HTTP headers")
    })?;
    v.set_sensitive(true);
    Ok(v)
}

/// A provider's wire format for streams: turns each server-sent event into stream events.
pub trait SseDecoder: Send + Unpin + 'static {
    /// Decodes one event, pushing what it yields onto `out`; an `Err` ends the stream.
    fn on_event(&mut self, ev: &SseEvent, out: &mut VecDeque<StreamEvent>) -> Result<()>;
    /// Whether the provider's end marker was seen (`[DONE]`, `message_stop`): stop reading.
    fn is_done(&self) -> bool;
    /// Whether the body may end here without one (a finish reason was seen). Otherwise the
    /// end of the body is a cut connection, reported as a `Network` error.
    fn may_end(&self) -> bool {
        self.is_done()
    }
}

/// A pull-based stream of [`StreamEvent`]s decoded from server-sent events: no task per
/// stream, and dropping it drops the HTTP body.
pub struct SseStream<D> {
    provider: String,
    inner: Pin<Box<dyn Stream<Item = Result<SseEvent>> + Send>>,
    decoder: D,
    out: VecDeque<StreamEvent>,
    done: bool,
}

impl<D> std::fmt::Debug for SseStream<D> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SseStream")
            .field("provider", &self.provider)
            .field("done", &self.done)
            .finish_non_exhaustive()
    }
}

impl<D: SseDecoder> SseStream<D> {
    /// Decodes `events` (see [`sse`]) with `decoder`.
    pub fn new(
        provider: &str,
        events: impl Stream<Item = Result<SseEvent>> + Send + 'static,
        decoder: D,
    ) -> Self {
        SseStream {
            provider: provider.to_owned(),
            inner: Box::pin(events),
            decoder,
            out: VecDeque::new(),
            done: false,
        }
    }
}

impl<D: SseDecoder> Stream for SseStream<D> {
    type Item = Result<StreamEvent>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = &mut *self;
        loop {
            if let Some(ev) = this.out.pop_front() {
                return Poll::Ready(Some(Ok(ev)));
            }
            if this.done || this.decoder.is_done() {
                this.done = true;
                return Poll::Ready(None);
            }
            match this.inner.poll_next_unpin(cx) {
                Poll::Pending => return Poll::Pending,
                Poll::Ready(Some(Ok(ev))) => {
                    if let Err(e) = this.decoder.on_event(&ev, &mut this.out) {
                        this.done = true;
                        this.out.clear();
                        return Poll::Ready(Some(Err(e)));
                    }
                }
                Poll::Ready(Some(Err(e))) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(e)));
                }
                Poll::Ready(None) => {
                    this.done = true;
                    if !this.decoder.may_end() {
                        let e = ProviderError::new(
                            ProviderErrorKind::Network,
                            this.provider.clone(),
                            "connection closed before the stream finished",
                        );
                        return Poll::Ready(Some(Err(e.into())));
                    }
                }
            }
        }
    }
}

/// `body` as a byte stream cut at `cuts` (each taken modulo the length): how the providers'
/// tests feed a recorded stream through [`sse`] split at arbitrary byte boundaries.
#[cfg(test)]
pub(crate) fn split_body(
    body: &str,
    cuts: &[usize],
) -> impl Stream<Item = std::result::Result<Bytes, std::io::Error>> + Send + 'static {
    let bytes = body.as_bytes();
    let mut points: Vec<usize> = cuts.iter().map(|c| c % (bytes.len() + 1)).collect();
    points.extend([0, bytes.len()]);
    points.sort_unstable();
    points.dedup();
    let chunks: Vec<std::result::Result<Bytes, std::io::Error>> = points
        .windows(2)
        .filter_map(|w| bytes.get(w[0]..w[1]).map(|b| Ok(Bytes::copy_from_slice(b))))
        .collect();
    futures_util::stream::iter(chunks)
}

/// The `(host, port)` of a base URL, for `server.address` / `server.port`.
pub fn server_of(url: &str) -> Option<(String, u16)> {
    let u = reqwest::Url::parse(url).ok()?;
    Some((u.host_str()?.to_owned(), u.port_or_known_default()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_text("6m0s"), Some(Duration::from_secs(360)));
        assert_eq!(parse_duration_text("1s"), Some(Duration::from_secs(1)));
        assert_eq!(
            parse_duration_text("120ms"),
            Some(Duration::from_millis(120))
        );
        assert_eq!(
            parse_duration_text("1h2m3.5s"),
            Some(Duration::from_secs_f64(3723.5))
        );
        assert_eq!(parse_duration_text("soon"), None);
        assert_eq!(parse_duration_text("12"), None);
    }

    #[test]
    fn retry_after_headers() {
        let mut h = HeaderMap::new();
        h.insert("retry-after", "7".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(7)));
        h.insert("retry-after-ms", "1500".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_millis(1500)));
        let mut h = HeaderMap::new();
        h.insert("x-ratelimit-reset-requests", "2s".parse().unwrap());
        h.insert("x-ratelimit-reset-tokens", "6m0s".parse().unwrap());
        assert_eq!(retry_after(&h), Some(Duration::from_secs(360)));
        let mut h = HeaderMap::new();
        h.insert(
            "retry-after",
            "Wed, 21 Oct 2015 07:28:00 GMT".parse().unwrap(),
        );
        assert_eq!(retry_after(&h), Some(Duration::ZERO));
    }

    #[tokio::test]
    async fn sse_skips_comments_and_joins_split_events() {
        let chunks: Vec<std::result::Result<Bytes, std::io::Error>> = vec![
            Ok(Bytes::from_static(b": keep-alive\n\nda")),
            Ok(Bytes::from_static(b"ta: {\"a\":1}\n")),
            Ok(Bytes::from_static(b"\nevent: ping\ndata: x\n\n")),
        ];
        let evs: Vec<_> = sse("t", futures_util::stream::iter(chunks)).collect().await;
        let evs: Vec<SseEvent> = evs.into_iter().map(|e| e.unwrap()).collect();
        assert_eq!(evs.len(), 2);
        assert_eq!(evs[0].data, "{\"a\":1}");
        assert_eq!(evs[1].event, "ping");
    }
}
