#!/usr/bin/env python3
"""Builds scripts/guard_train/own-i14.jsonl: own-written training data (i14) for four weak
areas of the learned injection detector:

1. `indirect` — operational injections in retrieved content (e-mail, ticket, invite, README,
   code comment, issue, web page, calendar note, log line, CI output, chat export, tool JSON,
   bare line) and benign twins in the same carriers (runbooks for humans, normal installs, ...);
2. `leak` — system-prompt / configuration probing without canonical phrases, and ordinary
   questions about the model's abilities;
3. `override` — override / persona jailbreaks in lower-resource languages, and benign
   imperatives (tickets, everyday requests) in the same languages;
4. `discuss` — benign one-line catalogue descriptions of attack techniques (en/zh/ja).

    python3 scripts/guard_train/own_i14/build.py

All texts are hand-written in the modules beside this file; composition (template x slots,
carrier, lead-in, frame x goal) is seeded. Dedupe: own_common.dedupe (shared with own_i13;
exact, held-out hashed only, train + every other scripts/guard_train/*.jsonl, own rows of
other groups). Prints counts only.
"""

from __future__ import annotations

import collections
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
sys.path.insert(0, str(REPO / "scripts" / "guard_corpus"))
sys.path.insert(0, str(HERE.parent))

from own_common import dedupe  # noqa: E402
from own_i14 import carriers, discuss, leak, ops_attacks, ops_benign, override  # noqa: E402

SEED = 20261124 + 14
OUT = HERE.parent / "own-i14.jsonl"
ROWS: list[dict] = []
LANG = {"zht": "zh"}


def add(text, label, family, key, group, tset, kind="message"):
    ROWS.append({"text": text.strip(), "label": label, "family": family, "lang": LANG.get(key, key),
                 "source": f"own-i14:{tset}", "group": f"own14:{tset}:{group}", "kind": kind, "_part": tset})


def part_indirect(rng):
    """Template x slots x carrier; attack templates 4-5 instances, benign templates 5-6."""
    cs = carriers.CARRIERS
    for key, temps in ops_attacks.T.items():
        n = 5 if key in ("zh", "zht") else 4
        for ti, (act, t) in enumerate(temps):
            for c in rng.sample(cs, n):
                inner = ops_attacks.fill(rng, t, key)
                add(c(rng, inner, key), "attack", "indirect", key, f"{key}:a{ti}", "indirect", "retrieved")
    for key, temps in ops_benign.T.items():
        n = 6 if key in ("zh", "zht", "en") else 5
        for ti, (act, t) in enumerate(temps):
            for c in rng.sample(cs, n):
                inner = ops_benign.fill(rng, t, key)
                add(c(rng, inner, key), "benign", "document", key, f"{key}:b{ti}", "indirect", "retrieved")


def part_leak(rng):
    for key, asks in leak.ASK.items():
        leads = leak.LEAD.get(key, [""])
        for ai, a in enumerate(asks):
            for ld in rng.sample(leads, min(3, len(leads))):
                add(ld + a, "attack", "prompt_leak", key, f"{key}:a{ai}", "leak")
    bleads = {"zh": ["", "请问", "想问一下，", "顺便问下，"], "en": ["", "Hi! ", "Quick question: "]}
    for key, qs in leak.BENIGN.items():
        for qi, q in enumerate(qs):
            for ld in rng.sample(bleads.get(key, [""]), min(2, len(bleads.get(key, [""])))):
                add(ld + q, "benign", "general", key, f"{key}:b{qi}", "leak")


def part_override(rng):
    for key, frames in override.FRAMES.items():
        goals = override.GOALS[key]
        for fi, (fam, f) in enumerate(frames):
            add(f.replace("{g}", "").strip(), "attack", fam, key, f"{key}:f{fi}", "override")
            for g in goals:
                add(f.replace("{g}", g), "attack", fam, key, f"{key}:f{fi}", "override")
    for key, items in override.BENIGN.items():
        opens, closes = override.WRAP[key]
        for bi, (fam, t) in enumerate(items):
            pairs = [(o, c) for o in opens for c in closes]
            for o, c in rng.sample(pairs, min(4, len(pairs))):
                add(o + t + c, "benign", fam, key, f"{key}:b{bi}", "override")


def part_discuss(rng):
    for key, styles in discuss.STYLE.items():
        for tk, name, en, zh, ja in discuss.TECH:
            for s in styles:
                add(s.format(key=tk, name=name, namezh=discuss.NAME_ZH[tk], en=en, zh=zh, ja=ja),
                    "benign", "jailbreak_discussion", key, f"t:{tk}", "discuss")


def main():
    rng = random.Random(SEED)
    part_indirect(rng)
    part_leak(rng)
    part_override(rng)
    part_discuss(rng)
    rows, stats = dedupe(ROWS, OUT.name)
    with open(OUT, "w", encoding="utf-8") as fh:
        for i, r in enumerate(rows):
            r = {"id": f"own-i14-{i:05d}", **{k: v for k, v in r.items() if k != "_part"}}
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"generated {len(ROWS)}, written {len(rows)} -> {OUT.relative_to(REPO)}")
    print("dedupe:", dict(stats))
    C = collections.Counter
    print("per part/label:", dict(sorted(C((r["_part"], r["label"]) for r in rows).items())))
    print("per label/family:", dict(sorted(C((r["label"], r["family"]) for r in rows).items())))
    print("per label/lang:", dict(sorted(C((r["label"], r["lang"]) for r in rows).items())))
    print("per label/kind:", dict(sorted(C((r["label"], r["kind"]) for r in rows).items())))
    print("groups per part:", {p: len({r["group"] for r in rows if r["_part"] == p}) for p in sorted({r["_part"] for r in rows})})
    zh_hant = C(r["label"] for r in rows if ":zht:" in r["group"])
    print("zh-Hant rows:", dict(zh_hant))


if __name__ == "__main__":
    main()
