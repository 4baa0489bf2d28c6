#!/usr/bin/env python3
"""Builds scripts/guard_train/own-i13.jsonl: own-written training data (i13) for two gaps of
the learned injection detector: (1) Chinese/Japanese/Korean attacks and risky-looking CJK
benign text, (2) agent-scenario indirect injections in retrieved content and their benign
twins. All texts are hand-written in the modules beside this file; composition (frame x goal,
carrier x payload/note, placement) is seeded, each pair at most once.

    python3 scripts/guard_train/own_i13/build.py

Drops exact duplicates (normalised), near-duplicates of held-out texts (heldout*.jsonl, only
hashed, both directions), of train.jsonl and every other scripts/guard_train/*.jsonl (both
directions), and near-duplicates within the output across groups (rows of one group are
variants of one piece by design). Shingles: heldout3.shingles (word 8-grams, or character
12-grams for CJK/kana/hangul text), index: dedupe.Index. Prints counts only.
"""

from __future__ import annotations

import collections
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
sys.path.insert(0, str(REPO / "scripts" / "guard_corpus"))
sys.path.insert(0, str(HERE.parent))

from own_i13 import agent_carriers, agent_docs, agent_fill, agent_payloads, cjk_indirect  # noqa: E402
from own_i13 import jako_attacks, jako_benign, zh_attacks, zh_benign  # noqa: E402
from own_common import dedupe  # noqa: E402

SEED = 20261124
SRC = "llmops-own (i13, scripts/guard_train/own_i13)"
OUT = HERE.parent / "own-i13.jsonl"
ROWS: list[dict] = []


def add(text, label, family, lang, group, kind="message", part=""):
    ROWS.append({"text": text.strip(), "label": label, "family": family, "lang": lang, "source": SRC,
                 "group": group, "kind": kind, "_part": part})


def combo_family(frame_fam, goal_fam):
    return frame_fam if frame_fam in ("delimiter", "roleplay", "jailbreak_itw") else goal_fam


def part1(rng):
    """CJK attacks: standalone pieces, frame x goal combinations, indirect in CJK documents."""
    for i, (fam, t) in enumerate(zh_attacks.STANDALONE):
        add(t, "attack", fam, "zh", f"own13:cjk:zh:s{i}", part="cjk_attack")
    for i, (fam, t) in enumerate(zh_attacks.ZH_HANT):
        add(t, "attack", fam, "zh", f"own13:cjk:zh:t{i}", part="cjk_attack")
    for i, (fam, t) in enumerate(zh_attacks.MIXED):
        add(t, "attack", fam, "zh", f"own13:cjk:zh:m{i}", part="cjk_attack")
    for lang, alone in (("ja", jako_attacks.JA_STANDALONE), ("ko", jako_attacks.KO_STANDALONE)):
        for i, (fam, t) in enumerate(alone):
            add(t, "attack", fam, lang, f"own13:cjk:{lang}:s{i}", part="cjk_attack")
    # frame x goal: frames and goals are dealt into blocks and combined only within their
    # block, so rows sharing a frame or a goal always share the group (the block)
    for lang, frames, goals, nb, k in (("zh", zh_attacks.FRAMES, zh_attacks.GOALS, 6, 5),
                                       ("ja", jako_attacks.JA_FRAMES, jako_attacks.JA_GOALS, 4, 3),
                                       ("ko", jako_attacks.KO_FRAMES, jako_attacks.KO_GOALS, 4, 3)):
        fi_all, gi_all = list(range(len(frames))), list(range(len(goals)))
        rng.shuffle(fi_all)
        rng.shuffle(gi_all)
        for bi in range(nb):
            bgoals = gi_all[bi::nb]
            for fi in fi_all[bi::nb]:
                ffam, frame = frames[fi]
                for gi in rng.sample(bgoals, min(k, len(bgoals))):
                    gfam, goal = goals[gi]
                    add(frame.replace("{g}", goal), "attack", combo_family(ffam, gfam), lang,
                        f"own13:cjk:{lang}:fg{bi}", part="cjk_attack")
    # CJK documents x payloads (blocks as above) and x notes to human readers (benign twins,
    # same group as the attacks in the same carrier)
    for lang, nb, n_note in (("zh", 4, 6), ("ja", 2, 4), ("ko", 2, 4)):
        pays, notes, carriers = cjk_indirect.PAYLOADS[lang], cjk_indirect.NOTES[lang], cjk_indirect.CARRIERS[lang]
        ci_all, pi_all = list(range(len(carriers))), list(range(len(pays)))
        rng.shuffle(ci_all)
        rng.shuffle(pi_all)
        for bi in range(nb):
            for ci in ci_all[bi::nb]:
                carrier = carriers[ci]
                fill = (lambda s: json.dumps(s, ensure_ascii=False)[1:-1]) if carrier.startswith("{") else (lambda s: s)
                for pj in pi_all[bi::nb]:
                    add(carrier.replace("{p}", fill(pays[pj])), "attack", "indirect", lang,
                        f"own13:cjkind:{lang}:b{bi}", "retrieved", part="cjk_attack")
                for n in rng.sample(notes, n_note):
                    add(carrier.replace("{p}", fill(n)), "benign", "document", lang, f"own13:cjkind:{lang}:b{bi}",
                        "retrieved", part="cjk_benign")


def part2(rng):
    """CJK benign: standalone texts and composed tickets / security questions."""
    zb = zh_benign
    for fam, items in (("support_ticket", zb.SUPPORT), ("security_question", zb.SECURITY),
                       ("jailbreak_discussion", zb.DISCUSSION), ("document", zb.DOCUMENTS),
                       ("code", zb.CODE), ("general", zb.GENERAL)):
        for i, t in enumerate(items):
            add(t, "benign", fam, "zh", f"own13:cjkb:zh:{fam}:{i // 3}", part="cjk_benign")
    for tag, items in (("hant", zb.HANT), ("mixed", zb.MIXED)):
        for i, (fam, t) in enumerate(items):
            add(t, "benign", fam, "zh", f"own13:cjkb:zh:{tag}:{i // 3}", part="cjk_benign")
    for lang, items in (("ja", jako_benign.JA), ("ko", jako_benign.KO)):
        for i, (fam, t) in enumerate(items):
            add(t, "benign", fam, lang, f"own13:cjkb:{lang}:{fam}:{i // 3}", part="cjk_benign")
    for lang, greet, issues, closing, k in (("zh", zb.TICKET_GREETING, zb.TICKET_ISSUE, zb.TICKET_CLOSING, 5),
                                            ("ja", jako_benign.JA_GREETING, jako_benign.JA_ISSUE, [""], 4),
                                            ("ko", jako_benign.KO_GREETING, jako_benign.KO_ISSUE, [""], 4)):
        for ii, issue in enumerate(issues):
            for g in rng.sample(greet, min(k, len(greet))):
                c = rng.choice(closing)
                add(f"{g} {issue}" if lang == "ko" else f"{g}{issue}{c}", "benign", "support_ticket", lang,
                    f"own13:cjkb:{lang}:ticket:{ii}", part="cjk_benign")
    for lang, topics, qs in (("zh", zb.SEC_TOPICS, zb.SEC_QUESTIONS),
                             ("ja", jako_benign.JA_SEC_TOPICS, jako_benign.JA_SEC_QUESTIONS),
                             ("ko", jako_benign.KO_SEC_TOPICS, jako_benign.KO_SEC_QUESTIONS)):
        for ti, t in enumerate(topics):
            for qi, q in enumerate(qs):
                key = f"sec:t{ti}" if len(t) >= len(q) - 3 else f"sec:q{qi}"
                add(q.replace("{t}", t), "benign", "security_question", lang, f"own13:cjkb:{lang}:{key}",
                    part="cjk_benign")


def part3(rng):
    """Agent-scenario indirect injections (2 carriers per payload) and benign twins (4 per note)."""
    carriers = agent_carriers.CARRIERS
    pays = [("en", p) for p in agent_payloads.EN] + [(l, p) for l, ps in agent_payloads.OTHER.items() for p in ps]
    for pi, (lang, p) in enumerate(pays):
        for c in rng.sample(carriers, 3 if pi % 3 == 0 else 2):
            add(c(rng, p, lang, rng.randint(0, 2)), "attack", "indirect", lang, f"own13:agent:{lang}:p{pi}",
                "retrieved", part="agent_attack")
    for di, (lang, d) in enumerate(agent_docs.DOCS):
        add(d, "benign", "document", lang, f"own13:agentdoc:{lang}:{di}", "retrieved", part="agent_benign")
    notes = [(l, n) for l, ns in agent_fill.NOTES.items() for n in ns]
    for ni, (lang, n) in enumerate(notes):
        for c in rng.sample(carriers, 5 if lang == "en" else 4):
            add(c(rng, n, lang, rng.randint(0, 2)), "benign", "document", lang, f"own13:agent:{lang}:n{ni}",
                "retrieved", part="agent_benign")


def main():
    rng = random.Random(SEED)
    part1(rng)
    part2(rng)
    part3(rng)
    rows, stats = dedupe(ROWS, OUT.name)
    by_part = collections.Counter(r["_part"] for r in rows)
    with open(OUT, "w", encoding="utf-8") as fh:
        for i, r in enumerate(rows):
            r = {"id": f"own-i13-{i:05d}", **{k: v for k, v in r.items() if k != "_part"}}
            fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    print(f"generated {len(ROWS)}, written {len(rows)} -> {OUT.relative_to(REPO)}")
    print("dedupe:", dict(stats))
    print("per part:", dict(sorted(by_part.items())))
    for part in sorted(by_part):
        pr = [r for r in rows if r["_part"] == part]
        print(f"  {part}: lang", dict(sorted(collections.Counter(r["lang"] for r in pr).items())),
              "family", dict(sorted(collections.Counter(r["family"] for r in pr).items())))
    zh = [r for r in rows if r["_part"].startswith("cjk") and r["lang"] == "zh"]
    def variant(g):
        seg = g.split(":")[3]
        return "zh-Hant" if re.fullmatch(r"t\d+|hant", seg) else "zh-en mixed" if re.fullmatch(r"m\d+|mixed", seg) else "zh-Hans"
    var = collections.Counter((r["label"], variant(r["group"])) for r in zh)
    print("zh variants (part 1/2):", dict(sorted(var.items())))
    print("per label/lang:", dict(sorted(collections.Counter((r['label'], r['lang']) for r in rows).items())))
    print("per label/family:", dict(sorted(collections.Counter((r['label'], r['family']) for r in rows).items())))
    groups = collections.defaultdict(set)
    for r in rows:
        groups[r["_part"]].add(r["group"])
    print("groups per part:", {k: len(v) for k, v in sorted(groups.items())})


if __name__ == "__main__":
    main()
