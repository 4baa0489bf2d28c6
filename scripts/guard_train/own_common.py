"""Helpers shared by the own-data generators (own_i13, own_i14): near-duplicate removal.

`dedupe(rows, out_name)` drops, in order: exact duplicates (normalised), rows near a held-out
text (llmops-guard/tests/data/injection/heldout*.jsonl, hashed only, both directions), rows
near train.jsonl or any scripts/guard_train/*.jsonl except `out_name` (both directions), and
rows near an already kept row of a different `group`. Shingles: heldout3.shingles (word
8-grams, or character 12-grams for CJK/kana/hangul text); index: heldout2.Index; threshold
>= 50 % of either text's shingles. Rows are dicts with at least text, group, lang, _part.
Returns (kept rows, Counter of counts). Never prints texts.
"""

import collections
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "scripts" / "guard_corpus"))


def dedupe(ROWS, out_name):
    from build import norm  # scripts/guard_corpus/build.py
    from heldout2 import Index, texts_of
    from heldout3 import shingles

    data = REPO / "llmops-guard" / "tests" / "data" / "injection"
    stats = collections.Counter()
    seen, kept = set(), []
    for r in ROWS:
        k = norm(r["text"])
        if k in seen:
            stats["exact_dup"] += 1
            continue
        seen.add(k)
        kept.append(r)
    held = Index((t for p in sorted(data.glob("heldout*.jsonl")) for t in texts_of(p)), shingles)
    stats["indexed_heldout_texts"] = len(held.sizes)
    trainish = [data / "train.jsonl"] + sorted(p for p in (REPO / "scripts" / "guard_train").glob("*.jsonl")
                                               if p.name != out_name)
    train = Index((t for p in trainish for t in texts_of(p)), shingles)
    stats["indexed_train_texts"] = len(train.sizes)
    out, own, own_groups = [], Index([], shingles), []
    for r in kept:
        t = r["text"]
        if held.near(t, both=True):
            stats["near_heldout"] += 1
            continue
        if train.near(t, both=True):
            stats["near_train"] += 1
            continue
        sh = shingles(t)
        hits = collections.Counter(i for s in sh for i in own.index.get(s, ()))
        if any(own_groups[i] != r["group"] and (n / len(sh) >= 0.5 or n / own.sizes[i] >= 0.5)
               for i, n in hits.items() if sh):
            stats["near_own_other_group"] += 1
            stats["near_own:" + r["_part"] + ":" + r["lang"]] += 1
            continue
        own.add(t)
        own_groups.append(r["group"])
        out.append(r)
    return out, stats
