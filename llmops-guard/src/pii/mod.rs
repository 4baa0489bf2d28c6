//! PII detection and redaction.
//!
//! - [`PiiScanner`] finds personal data: e-mail addresses, phone numbers, payment cards
//!   (Luhn and issuer prefix), IBANs (country length and mod-97), US SSNs (valid ranges),
//!   IPv4/IPv6 addresses (std's parsers) and dates of birth (only next to "born", "DOB",
//!   "date of birth", "geboren", "né le" ...). Linear-time patterns, one combined pass, no
//!   allocation when the text holds nothing shaped like personal data.
//! - [`redact`] replaces findings by a [`RedactionMode`]: a mask, a typed placeholder
//!   (`<EMAIL_1>`), or a keyed pseudonym (`<EMAIL_3f9a1c2b>`, [`Pseudonymizer`]); [`restore`]
//!   puts values back into the model's answer from the [`Mapping`].
//! - [`PiiGuard`] is the [`Guardrail`](llmops_core::Guardrail) (per category: redact, flag or
//!   block) and a [`Redactor`](llmops_core::Redactor) for logs.
//!
//! ```
//! use llmops_guard::pii::PiiGuard;
//! let guard = PiiGuard::new();
//! let out = guard.redact("SSN 123-45-6789, mail jo@example.org");
//! assert_eq!(out.text, "SSN <US_SSN_1>, mail <EMAIL_1>");
//! ```
//!
//! See `docs/guard.md` for what each recognizer validates and what it does not cover.

mod category;
mod guard;
mod names;
mod names_data;
mod redact;
mod scanner;
mod validate;

#[cfg(test)]
mod names_tests;
#[cfg(test)]
mod tests;

pub use category::{PiiCategory, PiiFinding};
pub use guard::{PiiAction, PiiGuard};
pub use redact::{Mapping, Pseudonymizer, Redacted, RedactionMode, redact, restore};
pub use scanner::PiiScanner;
