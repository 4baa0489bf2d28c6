//! [`PiiCategory`] and [`PiiFinding`]: what a recognizer found and where.

use llmops_core::Finding;

/// A kind of personal data the scanner recognizes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum PiiCategory {
    /// An e-mail address.
    Email,
    /// A phone number (international `+`/`00` form or a grouped national form).
    Phone,
    /// A payment card number (Luhn valid, known issuer prefix).
    CreditCard,
    /// An IBAN (country length and mod-97 checksum valid).
    Iban,
    /// A US social security number (`AAA-GG-SSSS`, valid ranges).
    UsSsn,
    /// An IPv4 or IPv6 address.
    IpAddress,
    /// A date of birth (a date near "born", "DOB", "date of birth" ...).
    DateOfBirth,
    /// A person's name (capitalised words scored against a gazetteer of given names and
    /// surnames, titles and cues; off in [`PiiScanner::new`](super::PiiScanner::new)).
    PersonName,
}

impl PiiCategory {
    /// Every category, in a stable order.
    pub const ALL: [PiiCategory; 8] = [
        PiiCategory::Email,
        PiiCategory::Phone,
        PiiCategory::CreditCard,
        PiiCategory::Iban,
        PiiCategory::UsSsn,
        PiiCategory::IpAddress,
        PiiCategory::DateOfBirth,
        PiiCategory::PersonName,
    ];

    /// The category as recorded in a core [`Finding`] (`pii.email` ...).
    ///
    /// ```
    /// use llmops_guard::pii::PiiCategory;
    /// assert_eq!(PiiCategory::CreditCard.as_str(), "pii.credit_card");
    /// ```
    pub fn as_str(self) -> &'static str {
        match self {
            PiiCategory::Email => "pii.email",
            PiiCategory::Phone => "pii.phone",
            PiiCategory::CreditCard => "pii.credit_card",
            PiiCategory::Iban => "pii.iban",
            PiiCategory::UsSsn => "pii.us_ssn",
            PiiCategory::IpAddress => "pii.ip_address",
            PiiCategory::DateOfBirth => "pii.date_of_birth",
            PiiCategory::PersonName => "pii.person",
        }
    }

    /// The label of typed placeholders and pseudonyms (`EMAIL` in `<EMAIL_1>`).
    pub fn label(self) -> &'static str {
        match self {
            PiiCategory::Email => "EMAIL",
            PiiCategory::Phone => "PHONE",
            PiiCategory::CreditCard => "CREDIT_CARD",
            PiiCategory::Iban => "IBAN",
            PiiCategory::UsSsn => "US_SSN",
            PiiCategory::IpAddress => "IP_ADDRESS",
            PiiCategory::DateOfBirth => "DATE_OF_BIRTH",
            PiiCategory::PersonName => "PERSON",
        }
    }

    /// The position of the category in [`PiiCategory::ALL`].
    pub(crate) fn index(self) -> usize {
        match self {
            PiiCategory::Email => 0,
            PiiCategory::Phone => 1,
            PiiCategory::CreditCard => 2,
            PiiCategory::Iban => 3,
            PiiCategory::UsSsn => 4,
            PiiCategory::IpAddress => 5,
            PiiCategory::DateOfBirth => 6,
            PiiCategory::PersonName => 7,
        }
    }
}

impl std::fmt::Display for PiiCategory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One piece of personal data found in a text (byte offsets into that text).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct PiiFinding {
    /// What was found.
    pub category: PiiCategory,
    /// Start byte.
    pub start: usize,
    /// End byte (exclusive).
    pub end: usize,
    /// Confidence in 0..=1 (validated checksums score higher than shape-only matches).
    pub score: f32,
}

impl PiiFinding {
    pub(crate) fn new(category: PiiCategory, start: usize, end: usize, score: f32) -> Self {
        PiiFinding {
            category,
            start,
            end,
            score,
        }
    }

    /// The matched text's length in bytes.
    pub fn len(&self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span is empty (never for a finding the scanner returns).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The matched text, when the span lies in `text` on character boundaries.
    pub fn text<'t>(&self, text: &'t str) -> Option<&'t str> {
        text.get(self.start..self.end)
    }

    /// The finding as core records it.
    pub fn to_finding(&self) -> Finding {
        Finding::new(self.category.as_str(), self.start, self.end, self.score)
    }
}
