//! Validators the recognizers run on a candidate span: checksums, ranges, digit counts.
//!
//! Each takes the candidate's bytes and answers without allocating.

use std::net::{Ipv4Addr, Ipv6Addr};

/// The ASCII digits of `s` as values, skipping everything else.
fn digits(s: &[u8]) -> impl DoubleEndedIterator<Item = u32> + Clone + '_ {
    s.iter()
        .filter(|b| b.is_ascii_digit())
        .map(|b| u32::from(b - b'0'))
}

/// How many ASCII digits `s` holds.
pub(crate) fn digit_count(s: &[u8]) -> usize {
    s.iter().filter(|b| b.is_ascii_digit()).count()
}

/// The Luhn checksum over the digits of `s` (separators skipped).
pub(crate) fn luhn(s: &[u8]) -> bool {
    let mut sum = 0u32;
    for (i, d) in digits(s).rev().enumerate() {
        sum += if i % 2 == 1 {
            let x = d * 2;
            if x > 9 { x - 9 } else { x }
        } else {
            d
        };
    }
    sum.is_multiple_of(10)
}

/// The first `n` digits of `s` as a number (`None` when `s` has fewer).
fn prefix(s: &[u8], n: usize) -> Option<u32> {
    let mut it = digits(s);
    let mut v = 0u32;
    for _ in 0..n {
        v = v * 10 + it.next()?;
    }
    Some(v)
}

/// Whether the digits of `s` are a payment card number: 13 to 19 digits, a known issuer
/// prefix (IIN) with a length it issues, and a valid Luhn checksum.
pub(crate) fn card(s: &[u8]) -> bool {
    let n = digit_count(s);
    if !(13..=19).contains(&n) {
        return false;
    }
    let (Some(p1), Some(p2), Some(p3), Some(p4), Some(p6)) = (
        prefix(s, 1),
        prefix(s, 2),
        prefix(s, 3),
        prefix(s, 4),
        prefix(s, 6),
    ) else {
        return false;
    };
    let known = match p1 {
        // Visa
        4 => matches!(n, 13 | 16 | 19),
        // Mastercard 51-55 and 2221-2720; Mir 2200-2204
        5 if (51..=55).contains(&p2) => n == 16,
        2 => ((2221..=2720).contains(&p4) || (2200..=2204).contains(&p4)) && n == 16,
        // American Express
        3 if p2 == 34 || p2 == 37 => n == 15,
        // JCB 3528-3589
        3 if (3528..=3589).contains(&p4) => (16..=19).contains(&n),
        // Diners Club 300-305, 36, 38-39
        3 if (300..=305).contains(&p3) || p2 == 36 || p2 == 38 || p2 == 39 => {
            (14..=19).contains(&n)
        }
        // Discover 6011, 644-649, 65, 622126-622925; UnionPay 62; Maestro 50, 56-69
        6 if p4 == 6011
            || (644..=649).contains(&p3)
            || p2 == 65
            || (622_126..=622_925).contains(&p6)
            || p2 == 62 =>
        {
            (16..=19).contains(&n)
        }
        5 | 6 if p2 == 50 || (56..=69).contains(&p2) => (12..=19).contains(&n),
        _ => false,
    };
    known && luhn(s)
}

/// IBAN lengths by country (ISO 13616 registry).
const IBAN_LENGTHS: &[(&[u8; 2], usize)] = &[
    (b"AD", 24),
    (b"AE", 23),
    (b"AL", 28),
    (b"AT", 20),
    (b"AZ", 28),
    (b"BA", 20),
    (b"BE", 16),
    (b"BG", 22),
    (b"BH", 22),
    (b"BR", 29),
    (b"BY", 28),
    (b"CH", 21),
    (b"CR", 22),
    (b"CY", 28),
    (b"CZ", 24),
    (b"DE", 22),
    (b"DK", 18),
    (b"DO", 28),
    (b"EE", 20),
    (b"EG", 29),
    (b"ES", 24),
    (b"FI", 18),
    (b"FO", 18),
    (b"FR", 27),
    (b"GB", 22),
    (b"GE", 22),
    (b"GI", 23),
    (b"GL", 18),
    (b"GR", 27),
    (b"GT", 28),
    (b"HR", 21),
    (b"HU", 28),
    (b"IE", 22),
    (b"IL", 23),
    (b"IQ", 23),
    (b"IS", 26),
    (b"IT", 27),
    (b"JO", 30),
    (b"KW", 30),
    (b"KZ", 20),
    (b"LB", 28),
    (b"LC", 32),
    (b"LI", 21),
    (b"LT", 20),
    (b"LU", 20),
    (b"LV", 21),
    (b"MC", 27),
    (b"MD", 24),
    (b"ME", 22),
    (b"MK", 19),
    (b"MR", 27),
    (b"MT", 31),
    (b"MU", 30),
    (b"NL", 18),
    (b"NO", 15),
    (b"PK", 24),
    (b"PL", 28),
    (b"PS", 29),
    (b"PT", 25),
    (b"QA", 29),
    (b"RO", 24),
    (b"RS", 22),
    (b"SA", 24),
    (b"SC", 31),
    (b"SE", 24),
    (b"SI", 19),
    (b"SK", 24),
    (b"SM", 27),
    (b"TN", 24),
    (b"TR", 26),
    (b"UA", 29),
    (b"VA", 22),
    (b"VG", 24),
    (b"XK", 20),
];

/// The IBAN length of the country code `cc`.
pub(crate) fn iban_length(cc: &[u8]) -> Option<usize> {
    IBAN_LENGTHS
        .iter()
        .find(|(c, _)| c.as_slice() == cc)
        .map(|(_, n)| *n)
}

/// Whether `compact` (an IBAN without spaces) passes the mod-97 check (ISO 7064).
pub(crate) fn iban_mod97(compact: &[u8]) -> bool {
    if compact.len() < 5 {
        return false;
    }
    let (head, tail) = compact.split_at(4);
    let mut rem = 0u32;
    for &b in tail.iter().chain(head) {
        rem = match b {
            b'0'..=b'9' => (rem * 10 + u32::from(b - b'0')) % 97,
            b'A'..=b'Z' => (rem * 100 + u32::from(b - b'A') + 10) % 97,
            _ => return false,
        };
    }
    rem == 1
}

/// Whether `AAA-GG-SSSS` is a possible US SSN: area not 000, 666 or 9xx, group not 00,
/// serial not 0000.
pub(crate) fn ssn(s: &[u8]) -> bool {
    let mut parts = s.split(|b| *b == b'-');
    let (Some(area), Some(group), Some(serial), None) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return false;
    };
    area != b"000"
        && area != b"666"
        && area.first() != Some(&b'9')
        && group != b"00"
        && serial != b"0000"
}

/// Whether `s` parses as an IPv4 address (std's strict parser: four octets ≤ 255, no
/// leading zeros).
pub(crate) fn ipv4(s: &str) -> bool {
    s.parse::<Ipv4Addr>().is_ok()
}

/// Whether `s` is an IPv6 address worth reporting: parses, holds a digit, and is not the
/// unspecified address or loopback (`::`, `::1`), which identify nobody.
pub(crate) fn ipv6(s: &str) -> bool {
    match s.parse::<Ipv6Addr>() {
        Ok(ip) => {
            !ip.is_unspecified() && !ip.is_loopback() && s.bytes().any(|b| b.is_ascii_digit())
        }
        Err(_) => false,
    }
}

/// Whether a phone candidate has a plausible number of digits: 8 to 15 after an
/// international prefix (E.164 allows at most 15), 10 to 12 in a national grouping (fewer
/// are mostly SSNs, order and invoice numbers).
pub(crate) fn phone(s: &[u8]) -> bool {
    let n = digit_count(s);
    let international = s.first() == Some(&b'+') || s.starts_with(b"00");
    if international {
        let n = if s.starts_with(b"00") {
            n.saturating_sub(2)
        } else {
            n
        };
        (8..=15).contains(&n)
    } else {
        (10..=12).contains(&n)
    }
}

/// Whether day, month and year make a date a living person could be born on.
pub(crate) fn plausible_date(day: u32, month: u32, year: u32) -> bool {
    let year_ok = year < 100 || (1900..=2100).contains(&year);
    (1..=31).contains(&day) && (1..=12).contains(&month) && year_ok
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;

    #[test]
    fn luhn_and_issuers() {
        assert!(card(b"4111 1111 1111 1111"));
        assert!(card(b"5500-0000-0000-0004"));
        assert!(card(b"378282246310005"));
        assert!(card(b"6011111111111117"));
        assert!(card(b"3530111333300000"));
        assert!(!card(b"4111 1111 1111 1112"), "Luhn invalid");
        assert!(!card(b"1234567812345670"), "Luhn valid, unknown issuer");
        assert!(!card(b"411111111111"), "too short");
    }

    #[test]
    fn iban_checksum_and_lengths() {
        assert!(iban_mod97(b"DE89370400440532013000"));
        assert!(iban_mod97(b"GB82WEST12345698765432"));
        assert!(!iban_mod97(b"DE89370400440532013001"));
        assert_eq!(iban_length(b"DE"), Some(22));
        assert_eq!(iban_length(b"ZZ"), None);
    }

    #[test]
    fn ssn_ranges() {
        assert!(ssn(b"123-45-6789"));
        for bad in [
            "000-12-3456",
            "666-12-3456",
            "912-12-3456",
            "123-00-4567",
            "123-45-0000",
        ] {
            assert!(!ssn(bad.as_bytes()), "{bad}");
        }
    }

    #[test]
    fn ip_and_phone_digit_counts() {
        assert!(ipv4("192.168.1.20"));
        assert!(!ipv4("999.1.1.1"));
        assert!(ipv6("2001:db8::ff00:42:8329"));
        assert!(!ipv6("::1"));
        assert!(!ipv6("dead::beef"));
        assert!(phone(b"+49 30 1234567"));
        assert!(!phone(b"+49 123"));
        assert!(phone(b"(555) 123-4567"));
        assert!(!phone(b"666-12-3456"));
        assert!(!phone(b"12 34 56"));
    }
}
