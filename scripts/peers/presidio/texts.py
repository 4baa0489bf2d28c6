"""The 4 KB prompts of benches/guard_pii.rs, rebuilt byte for byte (clean and with PII)."""

PROSE = [
    "Hi, I ordered a pair of running shoes last week (order 4471-2209) and they have not arrived yet.",
    "The tracking page says it left the warehouse on 2024-05-03 at 14:32 but nothing since then.",
    "I paid 89.90 EUR including 4.95 shipping, and the app (version 3.12.1) shows no update.",
    "Could you check whether the parcel is stuck somewhere, or send a replacement in size 42?",
    "See https://shop.example.com/orders/4471-2209 for the details; the invoice number is 2024-000318.",
    "If a refund is easier, that is fine too, as long as it arrives before the end of the month.",
    "Thanks a lot for your help, the support team has always been quick to answer so far.",
]

PII = [
    "You can reach me at jane.doe@example.com",
    "or call +44 20 7946 0958 in the afternoon.",
    "My card ends the same as 4111 1111 1111 1111,",
    "the refund can go to DE89 3704 0044 0532 0130 00,",
    "my SSN for the customs form is 123-45-6789,",
    "I wrote from 192.168.10.20, and my date of birth is 12 March 1985.",
]


def prompt(with_pii: bool) -> str:
    s = ""
    i = 0
    while len(s) < 4096:
        s += PROSE[i % len(PROSE)] + " "
        if with_pii and i % 3 == 1:
            s += PII[(i // 3) % len(PII)] + " "
        i += 1
    return s[:4096]


if __name__ == "__main__":
    import sys

    out = sys.argv[1]
    for name, text in (("clean_4k", prompt(False)), ("pii_4k", prompt(True))):
        with open(f"{out}/{name}.txt", "w", encoding="utf-8") as f:
            f.write(text)
