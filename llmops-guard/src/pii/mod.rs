//! PII detection and redaction.
//!
//! - [`PiiScanner`] finds personal data: e-mail addresses, phone numbers, payment cards
//!   (Luhn and issuer prefix), IBANs (country length and mod-97), US SSNs (valid ranges),
//!   IPv4/IPv6 addresses (std's parsers) and dates of birth (only next to "born", "DOB",
//!   "date of birth", "geboren", "né le" ...). Linear-time patterns, searched only where byte
//!   gates allow, no allocation when the text holds nothing shaped like personal data.
//! - Person names ([`PiiCategory::PersonName`], `pii.person`, placeholder `<PERSON_1>`), off in
//!   [`PiiScanner::new`] and turned on with `.with(PiiCategory::PersonName, true)`: capitalised
//!   words scored against an embedded gazetteer of given names and surnames (built from
//!   Faker's MIT-licensed lists), titles (`Dr.`, `Frau`, `Mme`, `Sra.`) and cues (`my name
//!   is`, `Dear`, `Regards,`, `je m'appelle` ...). Names the gazetteer does not know are only
//!   found after a title or cue; see `docs/guard.md`, "Person names", for measured precision
//!   and recall.
//! - [`redact()`] replaces findings by a [`RedactionMode`]: a mask, a typed placeholder
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
//! With person names:
//!
//! ```
//! use llmops_guard::pii::{PiiCategory, PiiScanner, RedactionMode, redact, restore};
//! let scanner = PiiScanner::new().with(PiiCategory::PersonName, true);
//! let text = "Dear Ms. Okafor, your order shipped. Regards, Maren Lindqvist";
//! let found = scanner.scan(text);
//! let names: Vec<_> = found.iter().filter_map(|f| f.text(text)).collect();
//! assert_eq!(names, ["Okafor", "Maren Lindqvist"]);
//! let out = redact(text, &found, &RedactionMode::Placeholder);
//! assert_eq!(out.text, "Dear Ms. <PERSON_1>, your order shipped. Regards, <PERSON_2>");
//! assert_eq!(restore(&out.text, &out.mapping), text);
//! // common words, places and brands alone are no names
//! assert!(scanner.scan("Will the May sale in Paris include the Mercedes Benz?").is_empty());
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
