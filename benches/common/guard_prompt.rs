//! The ~4 KB support-chat prompt the guard benches scan: ordinary prose with order numbers,
//! amounts, times, versions and a URL (things that look like PII or secrets but are not),
//! with lines spliced in where a bench wants findings.

/// The prose, one sentence per line.
pub(crate) const PROSE: &[&str] = &[
    "Hi, I ordered a pair of running shoes last week (order 4471-2209) and they have not arrived yet.",
    "The tracking page says it left the warehouse on 2024-05-03 at 14:32 but nothing since then.",
    "I paid 89.90 EUR including 4.95 shipping, and the app (version 3.12.1) shows no update.",
    "Could you check whether the parcel is stuck somewhere, or send a replacement in size 42?",
    "See https://shop.example.com/orders/4471-2209 for the details; the invoice number is 2024-000318.",
    "If a refund is easier, that is fine too, as long as it arrives before the end of the month.",
    "Thanks a lot for your help, the support team has always been quick to answer so far.",
];

/// Lines with personal data of seven kinds (e-mail, phone, card, IBAN, SSN, IP, date of
/// birth), spliced into the prose by [`pii_prompt`].
#[allow(dead_code)] // not every bench that includes this file scans personal data
pub(crate) const PII: &[&str] = &[
    "You can reach me at jane.doe@example.com",
    "or call +44 20 7946 0958 in the afternoon.",
    "My card ends the same as 4111 1111 1111 1111,",
    "the refund can go to DE89 3704 0044 0532 0130 00,",
    "my SSN for the customs form is 123-45-6789,",
    "I wrote from 192.168.10.20, and my date of birth is 12 March 1985.",
];

/// The 4,096-byte prompt, with a [`PII`] line after every third line of prose when
/// `with_pii` (14 findings; it ends inside an e-mail address: `jane.doe@exa`).
#[allow(dead_code)] // not every bench that includes this file scans personal data
pub(crate) fn pii_prompt(with_pii: bool) -> String {
    prompt(PROSE, 4096, |i| {
        (with_pii && i % 3 == 1).then(|| PII[(i / 3) % PII.len()])
    })
}

/// `lines` repeated (each followed by a space) up to `len` bytes, cut on a character
/// boundary; after line `i`, `insert(i)` is spliced in when it gives a line.
pub(crate) fn prompt(
    lines: &[&str],
    len: usize,
    mut insert: impl FnMut(usize) -> Option<&'static str>,
) -> String {
    let mut s = String::new();
    let mut i = 0;
    while s.len() < len {
        s.push_str(lines[i % lines.len()]);
        s.push(' ');
        if let Some(extra) = insert(i) {
            s.push_str(extra);
            s.push(' ');
        }
        i += 1;
    }
    let mut cut = len;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    s.truncate(cut);
    s
}
