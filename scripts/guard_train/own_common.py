"""Helpers shared by the own-data generators (own_i13, own_i14): near-duplicate removal.

`dedupe(rows, out_name)` drops, in order: exact duplicates (normalised), rows near a held-out
text (llmops-guard/tests/data/injection/heldout*.jsonl, hashed only, both directions), rows
near train.jsonl or any scripts/guard_train/*.jsonl except `out_name` (both directions), and
rows near an already kept row of a different `group`. Shingles: heldout3.shingles (word
8-grams, or character 12-grams for CJK/kana/hangul text); index and loop:
scripts/guard_corpus/dedupe.py; threshold >= 50 % of either text's shingles. Rows are dicts
with at least text, group, lang, _part. Returns (kept rows, Counter of counts). Never prints
texts.
"""

import collections
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent
sys.path.insert(0, str(REPO / "scripts" / "guard_corpus"))

NEAR_OWN = "near_own_other_group"


def _keys(reason, r):
    # a row near a kept row of another group is also counted per part and language
    return (reason, "near_own:" + r["_part"] + ":" + r["lang"]) if reason == NEAR_OWN else (reason,)


def dedupe(ROWS, out_name):
    import dedupe as D  # scripts/guard_corpus/dedupe.py
    from build import norm  # scripts/guard_corpus/build.py
    from heldout3 import shingles

    stats = collections.Counter()
    policy = D.Policy(
        shingle=shingles, key=lambda r: norm(r["text"]), exact="exact_dup", keys=_keys,
        steps=[D.Ref(D.heldout_files(), both=True, reason="near_heldout", count="indexed_heldout_texts"),
               D.Ref(D.train_files(exclude=D.TRAIN_DIR / out_name), both=True, reason="near_train",
                     count="indexed_train_texts"),
               D.Own(NEAR_OWN, tag=lambda r: r["group"], same=False)])
    return D.dedupe(ROWS, policy, stats), stats
