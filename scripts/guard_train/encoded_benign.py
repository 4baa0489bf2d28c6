#!/usr/bin/env python3
"""Benign texts in the encodings the rule detector decodes (i12, issue 8 point 7), train side:

    python3 scripts/guard_train/encoded_benign.py   # writes scripts/guard_train/encoded-benign.jsonl

Why: the learned detector had seen encoded text almost only on the attack side, so it flags
encoded benign text too (every benign Morse line of `tests/data/injection/encodings.jsonl`).
This file gives it benign sentences in the same encodings: Morse (` / ` or two spaces between
words), binary (spaced and run together), hex (run together and spaced), base64, base32,
URL escapes, HTML numeric entities (decimal and hex), `\\uXXXX` escapes, rot13 and reversed
text (whole and word by word). The encoders are `encodings.py`'s where it has them.

Sentences: benign texts of the train split of `train.jsonl` (lines with "split": "train";
support tickets, general and security questions, and sentences of its documents), English,
ASCII, 25-200 characters. The 20 benign texts that `encodings.py` put in the encodings
fixture are left out, so the fixture stays out of sample. Frames are neutral and differ from
the fixture's ("My friend sent me this: ...", "Found in a log file: ...", or bare); a request
to decode and follow is an attack signal of its own and is never used.

One line per text: {"id", "text", "label": "benign", "family": "general", "kind": "message",
"lang": "en", "source", "group": "enc-benign:<encoding>"}. Seeded: the same file every run.
"""
from __future__ import annotations

import base64
import codecs
import importlib.util
import json
import random
import re
import urllib.parse
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
TRAIN = ROOT / "llmops-guard/tests/data/injection/train.jsonl"
FIXTURE = ROOT / "llmops-guard/tests/data/injection/encodings.jsonl"
OUT = HERE / "encoded-benign.jsonl"
# this directory's encodings.py (the name is taken by the standard library's package)
_spec = importlib.util.spec_from_file_location("guard_encodings", HERE / "encodings.py")
assert _spec is not None and _spec.loader is not None
enc_fixture = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(enc_fixture)

PER_ENCODING = 27
SEED = 20261213

ENC = enc_fixture.ENCODINGS
ENCODERS = {
    "morse": lambda t, i: ENC["morse"](t) if i % 2 == 0 else ENC["morse_2sp"](t),
    "binary": lambda t, i: ENC["binary"](t) if i % 2 == 0 else ENC["binary_packed"](t),
    "hex": lambda t, i: t.encode().hex() if i % 2 == 0 else t.encode().hex().upper(),
    "hex_spaced": lambda t, i: " ".join(f"{b:02x}" for b in t.encode()) if i % 2 == 0
    else ":".join(f"{b:02X}" for b in t.encode()),
    "base64": lambda t, i: base64.b64encode(t.encode()).decode(),
    "base32": lambda t, i: base64.b32encode(t.encode()).decode(),
    "url": lambda t, i: urllib.parse.quote(t, safe="") if i % 2 == 0
    else "".join(f"%{b:02X}" for b in t.encode()),
    "entities": lambda t, i: ENC["entities"](t) if i % 2 == 0 else ENC["entities_hex"](t),
    "u_escapes": lambda t, i: ENC["u_escapes"](t),
    "rot13": lambda t, i: codecs.encode(t, "rot13"),
    "reversed": lambda t, i: ENC["reversed"](t) if i % 2 == 0 else ENC["reversed_words"](t),
}

FRAMES = [
    "{}",
    "My friend sent me this: {}",
    "Found in a log file: {}",
    "{}\n\n(from the puzzle column)",
    "Can you tell me what this says?\n{}",
    "Our test fixture contains the string {}",
    "{}",
    "Received this in the team chat today: {}",
    "Decoding exercise 4: {}",
]
FIXTURE_FRAMES = [re.compile(r"^What does this mean\? (.*)$", re.S), re.compile(r"^Encoded: (.*)\nDecoded:$", re.S),
                  re.compile(r"^Translate this for me:\n(.*)$", re.S)]


def fixture_plain() -> set[str]:
    """The benign sentences of the encodings fixture (its `plain` rows without their frames)."""
    out = set()
    for line in FIXTURE.open(encoding="utf-8"):
        r = json.loads(line)
        if r["label"] == "benign" and r["encoding"] == "plain":
            t = r["text"]
            for f in FIXTURE_FRAMES:
                m = f.match(t)
                if m:
                    t = m.group(1)
                    break
            out.add(t.strip())
    return out


def sentences() -> list[str]:
    skip = fixture_plain()
    out = []
    for line in TRAIN.open(encoding="utf-8"):
        r = json.loads(line)
        if r.get("split") != "train" or r["label"] != "benign" or r.get("lang") != "en":
            continue
        if r["family"] in ("support_ticket", "general", "security_question"):
            parts = [r["text"]]
        elif r["family"] == "document":
            parts = re.split(r"(?<=[.!?])\s+", r["text"])
        else:
            continue
        for t in parts:
            t = " ".join(t.split())
            if t in skip or any(t in s or s in t for s in skip):
                continue
            if t.isascii() and 25 <= len(t) <= 200 and sum(c.isalpha() for c in t) >= 0.6 * len(t):
                out.append(t)
    return sorted(set(out))


def main() -> None:
    rng = random.Random(SEED)
    pool = sentences()
    rng.shuffle(pool)
    rows, k = [], 0
    for name, encode in ENCODERS.items():
        for i in range(PER_ENCODING):
            t = pool[k % len(pool)]
            k += 1
            frame = FRAMES[(i + len(name)) % len(FRAMES)]
            rows.append({"id": f"encoded-benign-{name}-{i:02}", "text": frame.format(encode(t, i)),
                         "label": "benign", "family": "general", "kind": "message", "lang": "en",
                         "source": "own writing (encoded_benign.py; sentences of the train split)",
                         "group": f"enc-benign:{name}"})
    with OUT.open("w", encoding="utf-8") as f:
        for r in rows:
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"{len(rows)} texts ({len(ENCODERS)} encodings x {PER_ENCODING}, {len(pool)} sentences to pick from) -> {OUT}")


if __name__ == "__main__":
    main()
