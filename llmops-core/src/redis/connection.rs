//! [`RedisConnection`]: one lazily opened, reconnecting connection to a Redis server, shared
//! by the stores built on it, with the per-call timeout and the cool-down of
//! [`RedisOptions`].

use std::future::Future;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use tokio::time::Instant;

use super::policy::{Counters, RedisOptions, bump};
use crate::{Error, Result};

/// A connection to one Redis server (standalone, or the primary of a replicated set), shared
/// by every store built on it. Cheap to clone.
///
/// Opening checks the URL and nothing else: the connection is made on the first call, inside
/// that call's timeout, so a process starts whether or not Redis is up. It multiplexes every
/// call over one TCP connection and opens a fresh one after a failure (once the cool-down of
/// [`RedisOptions::cooldown`] is over). Needs a Tokio runtime (with timers) when used.
///
/// The URL is `redis://[[user]:password@]host[:port][/db]`, `rediss://...` for TLS, or
/// `redis+unix:///path`; its password never appears in `Debug` output or errors.
///
/// **TLS** (`rediss://`) runs on rustls, verifying the server against the system's root
/// certificates (`SSL_CERT_FILE` / `SSL_CERT_DIR` are honoured), or against a private CA
/// given to [`with_root_certs`](Self::with_root_certs). The host name must match the
/// server's certificate (`rediss://127.0.0.1` needs an IP address in it). When the process
/// has installed no rustls crypto provider, the first TLS connection installs aws-lc-rs's as
/// the process default (as rustls does when it is the only one built in). Client
/// certificates (mutual TLS) and skipping verification are not offered.
///
/// ```
/// use llmops_core::redis::{RedisConnection, RedisOptions};
/// // no I/O here: the connection is made on first use
/// let conn = RedisConnection::open("redis://:secret@127.0.0.1:6379/0")?;
/// assert!(!format!("{conn:?}").contains("secret"));
/// assert!(RedisConnection::open("http://127.0.0.1/").is_err());
/// let shop = RedisConnection::with_options("redis://127.0.0.1/", RedisOptions::default().prefix("shop"))?;
/// assert_eq!(shop.options().prefix, "shop");
/// # Ok::<(), llmops_core::Error>(())
/// ```
#[derive(Clone)]
pub struct RedisConnection {
    inner: Arc<Shared>,
}

struct Shared {
    client: redis::Client,
    addr: String,
    options: RedisOptions,
    manager: ArcSwapOption<ConnectionManager>,
    base: Instant,
    /// Nanoseconds after `base` until which calls fail at once (0: not cooling down).
    down_until: AtomicU64,
}

impl std::fmt::Debug for RedisConnection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RedisConnection")
            .field("addr", &self.inner.addr)
            .field("options", &self.inner.options)
            .field("cooling_down", &self.cooling_down().is_some())
            .finish()
    }
}

impl RedisConnection {
    /// A connection to `url` with the default [`RedisOptions`] (50 ms per call).
    ///
    /// # Errors
    /// [`Error::Config`] when the URL is not a Redis URL.
    pub fn open(url: &str) -> Result<Self> {
        Self::with_options(url, RedisOptions::default())
    }

    /// A connection to `url` with `options`.
    ///
    /// # Errors
    /// [`Error::Config`] when the URL is not a Redis URL, or the key prefix is empty.
    pub fn with_options(url: &str, options: RedisOptions) -> Result<Self> {
        Self::build(url, options, None)
    }

    /// A TLS connection (`rediss://`) to a server whose certificate a private CA signed:
    /// `pem` holds that CA's certificate(s), which replace the system's roots.
    ///
    /// ```
    /// use llmops_core::redis::{RedisConnection, RedisOptions};
    /// // not a certificate: a typed error, and so is a plain `redis://` URL
    /// let e = RedisConnection::with_root_certs("rediss://localhost/", RedisOptions::default(), b"junk");
    /// assert!(e.is_err());
    /// let e = RedisConnection::with_root_certs("redis://localhost/", RedisOptions::default(), b"");
    /// assert!(e.unwrap_err().to_string().contains("rediss://"));
    /// ```
    ///
    /// # Errors
    /// [`Error::Config`] when the URL is not a `rediss://` URL, the key prefix is empty, or
    /// `pem` holds no usable certificate.
    pub fn with_root_certs(url: &str, options: RedisOptions, pem: &[u8]) -> Result<Self> {
        Self::build(url, options, Some(pem))
    }

    fn build(url: &str, options: RedisOptions, roots: Option<&[u8]>) -> Result<Self> {
        if options.prefix.is_empty() {
            return Err(Error::config("the Redis key prefix must not be empty"));
        }
        // the error says what is wrong, never the URL (it may hold a password)
        let info = redis::IntoConnectionInfo::into_connection_info(url)
            .map_err(|e| Error::config(format!("not a usable Redis URL: {e}")))?;
        let tls = matches!(info.addr(), redis::ConnectionAddr::TcpTls { .. });
        if tls {
            crypto_provider();
        }
        let client = match roots {
            None => redis::Client::open(info),
            Some(_) if !tls => {
                return Err(Error::config(
                    "root certificates need a TLS URL (rediss://...)",
                ));
            }
            Some(pem) if !holds_certificates(pem) => {
                return Err(Error::config(
                    "the root certificates are not PEM certificates (-----BEGIN CERTIFICATE-----)",
                ));
            }
            Some(pem) => redis::Client::build_with_tls(
                info,
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(pem.to_vec()),
                },
            ),
        }
        .map_err(|e| Error::config(format!("not a usable Redis URL or certificate: {e}")))?;
        let addr = client.get_connection_info().addr().to_string();
        Ok(RedisConnection {
            inner: Arc::new(Shared {
                client,
                addr,
                options,
                manager: ArcSwapOption::empty(),
                base: Instant::now(),
                down_until: AtomicU64::new(0),
            }),
        })
    }

    /// Whether it uses TLS (`rediss://`).
    pub fn is_tls(&self) -> bool {
        matches!(
            self.inner.client.get_connection_info().addr(),
            redis::ConnectionAddr::TcpTls { .. }
        )
    }

    /// The options it was opened with.
    pub fn options(&self) -> &RedisOptions {
        &self.inner.options
    }

    /// The server's address (`host:port`), for logs.
    pub fn addr(&self) -> &str {
        &self.inner.addr
    }

    /// How long calls keep failing at once after the last failure (`None`: not cooling down).
    pub fn cooling_down(&self) -> Option<Duration> {
        let until = self.inner.down_until.load(Ordering::Acquire);
        let now = self.now();
        (until > now).then(|| Duration::from_nanos(until - now))
    }

    /// Sends `PING` (under the timeout) and returns how long the round trip took: a health
    /// check for readiness probes.
    ///
    /// # Errors
    /// The failure, as the stores see it (timeout, refused connection, cool-down).
    pub async fn ping(&self) -> Result<Duration> {
        let counters = Counters::default();
        let t0 = Instant::now();
        self.run("PING", &counters, |mut m| async move {
            redis::cmd("PING").query_async::<()>(&mut m).await
        })
        .await?;
        Ok(t0.elapsed())
    }

    fn now(&self) -> u64 {
        Instant::now()
            .saturating_duration_since(self.inner.base)
            .as_nanos()
            .min(u128::from(u64::MAX)) as u64
    }

    pub(crate) fn prefix(&self) -> &str {
        &self.inner.options.prefix
    }

    /// The shared manager, created (without I/O) on first use.
    fn manager(&self) -> Result<Arc<ConnectionManager>> {
        if let Some(m) = self.inner.manager.load_full() {
            return Ok(m);
        }
        if tokio::runtime::Handle::try_current().is_err() {
            return Err(Error::config(
                "the Redis stores run on Tokio: call them from inside a Tokio runtime",
            ));
        }
        // a backstop for work left behind by a call that timed out; the call itself is
        // bounded by `run`
        let t = self.inner.options.timeout.saturating_mul(2);
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(t))
            .set_response_timeout(Some(t))
            .set_number_of_retries(0);
        let m = ConnectionManager::new_lazy_with_config(self.inner.client.clone(), config)
            .map(Arc::new)
            .map_err(|e| Error::config(format!("redis {}: {e}", self.inner.addr)))?;
        let none: Option<Arc<ConnectionManager>> = None;
        let prev = self.inner.manager.compare_and_swap(&none, Some(m.clone()));
        Ok(match &*prev {
            Some(other) => other.clone(),
            None => m,
        })
    }

    /// Starts a cool-down and drops the connection `used`, so the next call opens a fresh
    /// one. Returns whether the connection was up before (for the log level).
    fn trip(&self, used: &Arc<ConnectionManager>) -> bool {
        let now = self.now();
        let cd = self.inner.options.cooldown;
        let was_up = if cd.is_zero() {
            true
        } else {
            let until = now.saturating_add(cd.as_nanos().min(u128::from(u64::MAX)) as u64);
            self.inner.down_until.swap(until, Ordering::AcqRel) <= now
        };
        let current = Some(used.clone());
        self.inner.manager.compare_and_swap(&current, None);
        was_up
    }

    /// Runs one call under the timeout, the cool-down and the counters of a store.
    pub(crate) async fn run<T, F, Fut>(
        &self,
        what: &'static str,
        counters: &Counters,
        call: F,
    ) -> Result<T>
    where
        F: FnOnce(ConnectionManager) -> Fut,
        Fut: Future<Output = redis::RedisResult<T>>,
    {
        let addr = &self.inner.addr;
        if let Some(left) = self.cooling_down() {
            bump(&counters.unavailable);
            tracing::debug!(target: "llmops", redis = %addr, call = what, "redis call skipped: cooling down");
            return Err(Error::extension(
                "redis",
                format!(
                    "{addr}: {what} not sent: cooling down after a failure ({} ms left)",
                    left.as_millis().max(1)
                ),
            ));
        }
        let manager = self.manager()?;
        bump(&counters.calls);
        let timeout = self.inner.options.timeout;
        let outcome = tokio::time::timeout(timeout, call(ConnectionManager::clone(&manager))).await;
        let (message, transport) = match outcome {
            Ok(Ok(v)) => return Ok(v),
            Ok(Err(e)) if e.is_timeout() => {
                bump(&counters.timeouts);
                (format!("{addr}: {what} timed out: {e}"), true)
            }
            Ok(Err(e)) => {
                bump(&counters.errors);
                let transport = e.is_io_error()
                    || e.is_timeout()
                    || e.is_connection_refusal()
                    || e.is_connection_dropped()
                    || e.is_unrecoverable_error();
                (format!("{addr}: {what} failed: {e}"), transport)
            }
            Err(_) => {
                bump(&counters.timeouts);
                (
                    format!("{addr}: {what} timed out after {} ms", timeout.as_millis()),
                    true,
                )
            }
        };
        if transport && self.trip(&manager) {
            tracing::warn!(target: "llmops", redis = %addr, error = %message,
                cooldown_ms = self.inner.options.cooldown.as_millis() as u64,
                "redis unreachable or too slow: its stores apply their failure policy");
        } else {
            tracing::debug!(target: "llmops", redis = %addr, error = %message, "redis call failed");
        }
        Err(Error::extension("redis", message))
    }
}

/// Whether `pem` holds at least one certificate and nothing unreadable.
fn holds_certificates(pem: &[u8]) -> bool {
    use rustls::pki_types::CertificateDer;
    use rustls::pki_types::pem::PemObject;
    let mut n = 0usize;
    for c in CertificateDer::pem_slice_iter(pem) {
        if c.is_err() {
            return false;
        }
        n += 1;
    }
    n > 0
}

/// Makes sure rustls has a process-wide crypto provider before the redis crate builds a TLS
/// configuration (it would panic without one): aws-lc-rs's, unless the host installed one.
fn crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // losing a race to another installer is fine: a provider is there either way
        let _ = rustls::crypto::aws_lc_rs::default_provider().install_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_are_checked_and_passwords_kept_out() {
        let c = RedisConnection::open("redis://user:hunter2@localhost:6390/2").unwrap();
        assert_eq!(c.addr(), "localhost:6390");
        assert!(!format!("{c:?}").contains("hunter2"));
        for bad in ["", "http://localhost/", "redis://:hunter2@[::1"] {
            let e = RedisConnection::open(bad).unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{bad}: {e:?}");
            assert!(!e.to_string().contains("hunter2"), "{e}");
        }
        let e =
            RedisConnection::with_options("redis://localhost/", RedisOptions::default().prefix(""))
                .unwrap_err();
        assert!(matches!(e, Error::Config(_)));
    }

    #[test]
    fn tls_urls_open_and_say_so() {
        let c = RedisConnection::open("rediss://:hunter2@redis.example.com:6380/0").unwrap();
        assert!(c.is_tls());
        assert_eq!(c.addr(), "redis.example.com:6380");
        assert!(!format!("{c:?}").contains("hunter2"));
        assert!(
            !RedisConnection::open("redis://localhost/")
                .unwrap()
                .is_tls()
        );
        assert!(rustls::crypto::CryptoProvider::get_default().is_some());
        let o = RedisOptions::default;
        for (url, pem) in [
            ("redis://localhost/", &b""[..]),
            ("rediss://localhost/", b"not a certificate"),
        ] {
            let e = RedisConnection::with_root_certs(url, o(), pem).unwrap_err();
            assert!(matches!(e, Error::Config(_)), "{url}: {e:?}");
        }
    }

    #[test]
    fn outside_a_runtime_it_is_a_typed_error() {
        let c = RedisConnection::open("redis://127.0.0.1:1/").unwrap();
        let e = c.manager().unwrap_err();
        assert!(matches!(e, Error::Config(_)), "{e:?}");
    }

    #[tokio::test]
    async fn a_closed_port_fails_fast_then_cools_down() {
        // a port nobody listens on: bind, read the port, close
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let c = RedisConnection::open(&format!("redis://127.0.0.1:{port}/")).unwrap();
        let counters = Counters::default();
        let e = c.ping().await.unwrap_err();
        assert!(matches!(e, Error::Extension { .. }), "{e:?}");
        assert!(c.cooling_down().is_some());
        let e = c
            .run("GET", &counters, |mut m| async move {
                redis::cmd("GET")
                    .arg("k")
                    .query_async::<Option<String>>(&mut m)
                    .await
            })
            .await
            .unwrap_err();
        assert!(e.to_string().contains("cooling down"), "{e}");
        assert_eq!(counters.snapshot().unavailable, 1);
        assert_eq!(counters.snapshot().calls, 0);
    }
}
