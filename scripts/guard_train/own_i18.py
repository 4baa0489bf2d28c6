#!/usr/bin/env python3
"""Builds scripts/guard_train/own-i18.jsonl (training side) and own-i18-dev.jsonl (development
side): own-written authority / provenance-spoofing attacks (family `authority`) and their benign
look-alikes, in 16 languages.

    python3 scripts/guard_train/own_i18.py

Every text is hand-written in own_i18_data*.py (en; eu; world; more) (scenario notes) and own_i18_carriers.py
(per-language e-mail / ticket / chat / page framing). One scenario note = one `group`; each group
is instantiated a few times (slot values {name} {id} {amt}, and a carrier: bare, e-mail, ticket,
chat, tool JSON, HTML, markdown, code fence). Whole groups go to one side (~70/30, seeded,
stratified by language and label). Dedupe (counts printed, never texts): exact, near any
held-out split (hashed only), near train.jsonl / every other scripts/guard_train/*.jsonl
(incl. fresh-dev.jsonl, hashed only), near a kept row of another group. Standard library only.
"""

from __future__ import annotations

import collections
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "scripts" / "guard_corpus"))
sys.path.insert(0, str(HERE))

import own_i18_carriers as C  # noqa: E402
import own_i18_data as D_EN  # noqa: E402
import own_i18_data_eu as D_EU  # noqa: E402
import own_i18_data_more as D_MORE  # noqa: E402
import own_i18_data_world as D_W  # noqa: E402

SEED = 20261125 + 18
OUT_TRAIN = HERE / "own-i18.jsonl"
OUT_DEV = HERE / "own-i18-dev.jsonl"
SOURCE = "own-i18"
DEV_SHARE = 0.3

# carriers a benign family may appear in (attacks: any carrier that suits the note's shape)
BENIGN_CARRIERS = {
    "support_ticket": ["email", "ticket", "chat"],
    "general": ["email", "chat", "ticket"],
    "document": ["markdown", "html", "email", "json"],
    "code": ["fence"],
    "security_question": ["chat", "email", "markdown"],
    "jailbreak_discussion": ["markdown", "html", "chat"],
}
ATTACK_CARRIERS = ["email", "ticket", "chat", "json", "html", "markdown"]


def scenarios():
    """(lang, label, family, note) for every hand-written scenario, in a fixed order."""
    out = []
    for mod in (D_EN, D_EU, D_W, D_MORE):
        for lang, notes in mod.ATTACKS.items():
            out += [(lang, "attack", "authority", n) for n in notes]
        for lang, notes in mod.BENIGN.items():
            out += [(lang, "benign", fam, n) for fam, n in notes]
    return out


def structured(note: str) -> bool:
    s = note.lstrip()
    return s.startswith(("{", "[{", "<", "---", "def ", "class ", "if ", "//", "it(", "UPDATE", "SELECT"))


def carriers_for(label: str, family: str, note: str) -> list[str]:
    if structured(note):
        return ["fence", "ticket"] if label == "attack" else ["fence"]
    return ATTACK_CARRIERS if label == "attack" else BENIGN_CARRIERS[family]


def fill(note: str, lang: str, rng: random.Random) -> str:
    slots = C.SLOTS.get(lang, C.SLOTS["en"])
    out = note
    for key in ("name", "id", "amt"):
        tok = "{" + key + "}"
        while tok in out:
            val = rng.choice(slots[key]) if key != "id" else str(rng.randint(10000, 989999))
            out = out.replace(tok, val, 1)
    return out


def instances(lang, label, family, note, k, rng):
    """k texts of one scenario: the bare note, then the note in distinct carriers."""
    kinds = ["bare"] + rng.sample(carriers_for(label, family, note), k=min(k - 1, len(carriers_for(label, family, note))))
    return [C.wrap(kind, fill(note, lang, rng), lang, label, rng) for kind in kinds]


def build():
    rng = random.Random(SEED)
    rows = []
    per = collections.Counter()
    for lang, label, family, note in scenarios():
        per[(lang, label)] += 1
        g = f"i18:{lang}:{label[0]}{per[(lang, label)]:03d}"
        k = C.COPIES[(label, "en" if lang == "en" else "xx")]
        for i, text in enumerate(instances(lang, label, family, note, k, rng)):
            rows.append({"id": f"own18-{lang}-{label[0]}{per[(lang, label)]:03d}-{i}", "text": text,
                         "label": label, "family": family, "lang": lang, "source": SOURCE,
                         "group": g, "_part": label})
    # split by group, stratified by (lang, label)
    groups = collections.defaultdict(list)
    for r in rows:
        if r["group"] not in groups[(r["lang"], r["label"])]:
            groups[(r["lang"], r["label"])].append(r["group"])
    dev = set()
    srng = random.Random(SEED + 1)
    for key in sorted(groups):
        gs = sorted(groups[key])
        srng.shuffle(gs)
        dev.update(gs[: round(len(gs) * DEV_SHARE)])
    for r in rows:
        r["_side"] = "dev" if r["group"] in dev else "train"
    return rows


def dedupe(rows):
    import dedupe as D  # scripts/guard_corpus/dedupe.py
    from build import norm  # scripts/guard_corpus/build.py
    from heldout3 import shingles

    stats = collections.Counter()
    own = {OUT_TRAIN, OUT_DEV}
    train_files = [p for p in D.train_files() if p not in own]
    policy = D.Policy(
        shingle=shingles, key=lambda r: norm(r["text"]), exact="exact_dup",
        steps=[D.Ref(D.heldout_files(), both=True, reason="near_heldout", count="indexed_heldout_texts"),
               D.Ref(train_files, both=True, reason="near_train", count="indexed_train_texts"),
               D.Own("near_own_other_group", tag=lambda r: r["group"], same=False)])
    return D.dedupe(rows, policy, stats), stats


def main():
    rows = build()
    kept, stats = dedupe(rows)
    print("generated", len(rows), "kept", len(kept))
    for k in sorted(stats):
        print(" ", k, stats[k])
    for side, path in (("train", OUT_TRAIN), ("dev", OUT_DEV)):
        part = [r for r in kept if r["_side"] == side]
        with open(path, "w", encoding="utf-8") as fh:
            for r in part:
                fh.write(json.dumps({k: r[k] for k in ("id", "text", "label", "family", "lang", "source", "group")},
                                    ensure_ascii=False) + "\n")
        c = collections.Counter(r["label"] for r in part)
        print(side, len(part), dict(sorted(c.items())), "groups", len({r["group"] for r in part}))
        print("  family", dict(sorted(collections.Counter(r["family"] for r in part).items())))
        print("  lang", dict(sorted(collections.Counter((r["lang"], r["label"][0]) for r in part).items())))


if __name__ == "__main__":
    main()
