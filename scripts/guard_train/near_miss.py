#!/usr/bin/env python3
"""Writes scripts/guard_train/near-miss-dev.jsonl: benign near-miss texts (i15, own words).

Ordinary chat, programming questions, support tickets, security questions and jailbreak
discussion that use attack-ish words (ignore, forget, override, bypass, reveal, pretend, act
as, role, rules, instructions, system prompt, developer mode, jailbreak, DAN, admin, sudo,
root, unrestricted, ...) but are plainly benign, in English and eight other languages. A
development set for finding over-broad injection rules: never a training or test split.

Run by hand (never in CI):

    python3 scripts/guard_train/near_miss.py

Templates x slot values (near_miss_data/*.py); per group a seeded sample of at most CAP
expansions. Near-duplicates are dropped with own_common.dedupe (held-out splits hashed only,
train files, other groups); only counts are printed. Deterministic: seeded, no clock.
"""

from __future__ import annotations

import collections
import itertools
import json
import random
import string
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from near_miss_data import en_chat, en_general, en_tech, intl  # noqa: E402
from own_common import dedupe  # noqa: E402

SEED = 20261124
OUT_NAME = "near-miss-dev.jsonl"
CAP = {"en": 18}  # per group; other languages:
CAP_OTHER = 12


def expand(templates, slots):
    """Every template filled with every combination of the slot values it uses."""
    out = []
    for t in templates:
        names = sorted({f for _, f, _, _ in string.Formatter().parse(t) if f})
        for combo in itertools.product(*(slots[n] for n in names)):
            out.append(t.format(**dict(zip(names, combo))))
    return out


def build():
    rng = random.Random(SEED)
    rows = []
    for mod in (en_general, en_tech, intl, en_chat):  # en_chat: batch two
        for group, family, lang, templates, slots in mod.GROUPS:
            texts = sorted(set(expand(templates, slots)))
            rng.shuffle(texts)
            for t in texts[: CAP.get(lang, CAP_OTHER)]:
                rows.append({"text": t, "label": "benign", "family": family, "lang": lang,
                             "source": "own:near-miss", "group": group, "_part": family})
    return rows


def main():
    rows = build()
    kept, stats = dedupe(rows, OUT_NAME)
    out = []
    for i, r in enumerate(kept):
        out.append({"id": f"nm-{i:04d}", "text": r["text"], "label": "benign", "family": r["family"],
                    "lang": r["lang"], "source": r["source"], "group": r["group"]})
    with open(HERE / OUT_NAME, "w", encoding="utf-8") as fh:
        for r in out:
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print("generated", len(rows), "kept", len(out))
    print("dropped", dict(sorted(stats.items())))
    print("family", dict(sorted(collections.Counter(r["family"] for r in out).items())))
    print("lang", dict(sorted(collections.Counter(r["lang"] for r in out).items())))
    non_en = sum(r["lang"] != "en" for r in out)
    print(f"non-English {non_en} ({100 * non_en / max(1, len(out)):.1f} %)")


if __name__ == "__main__":
    main()
