//! Per-tool rate limits: [`ToolRateLimit`], [`LimitKey`], [`StoreFailure`], and the bucket
//! keys, built on the stack.

use std::fmt::{self, Write};
use std::time::Duration;

use llmops_core::Caller;
use llmops_core::routing::Rate;
use serde::Deserialize;

/// The most rate limits one tool may have (their bucket keys are built on the stack).
pub const MAX_RATE_LIMITS: usize = 4;

/// Whose calls share a bucket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LimitKey {
    /// Every caller together.
    Global,
    /// One bucket per tenant (callers without a tenant share one).
    Tenant,
    /// One bucket per user within its tenant (callers without a user share one per tenant).
    #[default]
    User,
}

impl LimitKey {
    /// The name used in policy files and reasons.
    pub fn as_str(&self) -> &'static str {
        match self {
            LimitKey::Global => "global",
            LimitKey::Tenant => "tenant",
            LimitKey::User => "user",
        }
    }
}

/// A rate limit on one tool: at most `calls` per `per` for each [`LimitKey`] bucket, taken
/// from a [`LimitStore`](llmops_core::routing::LimitStore) (GCRA: the bucket refills
/// continuously and holds `calls` at most, so a burst of `calls` is allowed).
///
/// ```
/// use std::time::Duration;
/// use llmops_guard::policy::{LimitKey, ToolRateLimit};
/// let l = ToolRateLimit::new(5, Duration::from_secs(60)).key(LimitKey::Tenant);
/// assert_eq!((l.calls, l.key), (5, LimitKey::Tenant));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ToolRateLimit {
    /// Calls per period (and the burst).
    pub calls: u64,
    /// The period.
    pub per: Duration,
    /// Whose calls share a bucket.
    pub key: LimitKey,
}

impl ToolRateLimit {
    /// `calls` per `per`, per user.
    pub fn new(calls: u64, per: Duration) -> Self {
        ToolRateLimit {
            calls,
            per,
            key: LimitKey::User,
        }
    }

    /// `calls` per minute, per user.
    pub fn per_minute(calls: u64) -> Self {
        ToolRateLimit::new(calls, Duration::from_secs(60))
    }

    /// Sets whose calls share a bucket.
    #[must_use]
    pub fn key(mut self, key: LimitKey) -> Self {
        self.key = key;
        self
    }

    pub(crate) fn rate(&self) -> Rate {
        Rate::new(self.calls, self.per)
    }

    pub(crate) fn validate(&self) -> Result<(), String> {
        if self.calls == 0 || self.per.is_zero() {
            return Err("a rate limit needs `calls` and a period above zero".into());
        }
        Ok(())
    }
}

impl fmt::Display for ToolRateLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} calls per {}s per {}",
            self.calls,
            self.per.as_secs_f64(),
            self.key.as_str()
        )
    }
}

/// What a call gets when the limit store fails (a shared store that is unreachable).
///
/// Tool limits fail closed by default, unlike the router's deployment limits: a tool call that
/// cannot be counted is refused rather than let through uncounted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum StoreFailure {
    /// Refuse the call.
    #[default]
    Deny,
    /// Let it through uncounted.
    Allow,
}

/// Room for most bucket keys; longer ones spill to the heap.
const KEY_BYTES: usize = 200;

/// A bucket key, written on the stack.
pub(crate) struct KeyBuf {
    buf: [u8; KEY_BYTES],
    len: usize,
    spill: Option<String>,
}

impl Default for KeyBuf {
    fn default() -> Self {
        KeyBuf {
            buf: [0; KEY_BYTES],
            len: 0,
            spill: None,
        }
    }
}

impl Write for KeyBuf {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        if let Some(spill) = &mut self.spill {
            spill.push_str(s);
            return Ok(());
        }
        let end = self.len + s.len();
        match self.buf.get_mut(self.len..end) {
            Some(dst) => {
                dst.copy_from_slice(s.as_bytes());
                self.len = end;
            }
            None => {
                let mut spill = String::with_capacity(end);
                spill.push_str(self.stack_str());
                spill.push_str(s);
                self.spill = Some(spill);
            }
        }
        Ok(())
    }
}

impl KeyBuf {
    fn stack_str(&self) -> &str {
        // only whole `&str`s are copied in, so the bytes are UTF-8
        std::str::from_utf8(self.buf.get(..self.len).unwrap_or_default()).unwrap_or_default()
    }

    pub(crate) fn as_str(&self) -> &str {
        match &self.spill {
            Some(s) => s,
            None => self.stack_str(),
        }
    }

    /// Writes the key of limit `index` of `tool` for `caller`. Every variable part is length
    /// prefixed, so no two (tool, tenant, user) triples share a key.
    pub(crate) fn write_key(&mut self, tool: &str, index: usize, key: LimitKey, caller: &Caller) {
        let _ = write!(
            self,
            "tool-limit:{}:{tool}:{index}:{}",
            tool.len(),
            key.as_str()
        );
        let part = |w: &mut Self, tag: char, v: Option<&str>| {
            let _ = match v {
                Some(v) => write!(w, ":{tag}{}:{v}", v.len()),
                None => write!(w, ":{tag}-"),
            };
        };
        match key {
            LimitKey::Global => {}
            LimitKey::Tenant => part(self, 't', caller.tenant.as_deref()),
            LimitKey::User => {
                part(self, 't', caller.tenant.as_deref());
                part(self, 'u', caller.user.as_deref());
            }
        }
    }
}

/// `d` in whole seconds, rounded up (at least 1).
pub(crate) fn retry_secs(d: Duration) -> u64 {
    let s = d.as_secs() + u64::from(d.subsec_nanos() > 0);
    s.max(1)
}

#[cfg(test)]
#[allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::indexing_slicing,
    clippy::panic
)]
mod tests {
    use super::*;

    fn key(tool: &str, k: LimitKey, c: &Caller) -> String {
        let mut b = KeyBuf::default();
        b.write_key(tool, 0, k, c);
        b.as_str().to_owned()
    }

    #[test]
    fn keys_separate_tenants_and_users() {
        let c = Caller::default().tenant("acme").user("u1");
        assert_eq!(
            key("send_email", LimitKey::User, &c),
            "tool-limit:10:send_email:0:user:t4:acme:u2:u1"
        );
        assert_eq!(
            key("send_email", LimitKey::Tenant, &c),
            "tool-limit:10:send_email:0:tenant:t4:acme"
        );
        assert_eq!(key("x", LimitKey::Global, &c), "tool-limit:1:x:0:global");
        // no user, no tenant: one shared bucket, distinct from a user named "-"
        let anon = key("x", LimitKey::User, &Caller::default());
        assert_eq!(anon, "tool-limit:1:x:0:user:t-:u-");
        assert_ne!(
            anon,
            key(
                "x",
                LimitKey::User,
                &Caller::default().tenant("-").user("-")
            )
        );
        // a tenant that looks like a key suffix does not collide
        assert_ne!(
            key(
                "x",
                LimitKey::User,
                &Caller::default().tenant("a:u1:b").user("c")
            ),
            key(
                "x",
                LimitKey::User,
                &Caller::default().tenant("a").user("b:u1:c")
            )
        );
    }

    #[test]
    fn long_keys_spill_whole() {
        let user = "u".repeat(500);
        let c = Caller::default().tenant("acme").user(user.clone());
        let k = key("t", LimitKey::User, &c);
        assert!(k.ends_with(&user), "{k}");
        assert!(k.starts_with("tool-limit:1:t:0:user:t4:acme:u500:"));
    }

    #[test]
    fn retry_rounds_up() {
        assert_eq!(retry_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_secs(Duration::from_millis(12_001)), 13);
        assert_eq!(retry_secs(Duration::from_secs(12)), 12);
        assert_eq!(retry_secs(Duration::ZERO), 1);
    }

    #[test]
    fn limits_validate() {
        assert!(ToolRateLimit::per_minute(0).validate().is_err());
        assert!(ToolRateLimit::new(1, Duration::ZERO).validate().is_err());
        assert!(ToolRateLimit::per_minute(1).validate().is_ok());
        assert_eq!(
            ToolRateLimit::per_minute(5).to_string(),
            "5 calls per 60s per user"
        );
    }
}
