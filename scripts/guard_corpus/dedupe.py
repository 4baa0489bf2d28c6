"""Near-duplicate removal shared by the corpus builders (run by hand, never in CI):
heldout2.py, split_builder.py (heldout3/4/5.py), extra_train2.py and guard_train/own_common.py
(own_i13, own_i14).

`dedupe(rows, policy, counts)` keeps the rows in order and drops
1. exact duplicates: a row whose `policy.key` was seen before (counted as `policy.exact`; a key
   counts as seen even when its first row is dropped by a later check);
2. then, per row, the first `policy.steps` check that matches, in the policy's order:
   - `Ref`: near-duplicates of a reference set read from JSONL files (`texts_of`). Held-out
     files are only hashed into shingle sets; their texts are never printed, logged or kept.
     `both=False`: only >= 50 % of the row's shingles in one reference text counts;
     `both=True`: also >= 50 % of the reference text's shingles.
   - `Own`: near-duplicates (both directions) of a row already kept in the output, optionally
     only among kept rows of the same `tag` (`same=True`, e.g. the label) or of a different one
     (`same=False`, e.g. the group), and not for rows `skip` says (compared by raw text only).
Each drop adds 1 to every counter key `policy.keys(reason, row)` gives (default: the reason).
A `Ref` with `count` also sets counts[count] to the number of its texts (after the exact pass).

`Index` (a shingle index: does a text near-duplicate one of its texts?) and `texts_of` live here;
the shingle function is the policy's (heldout2.shingles or heldout3.shingles).
"""

from __future__ import annotations

import collections
import dataclasses
import json
from pathlib import Path
from typing import Callable, Iterable

from build import norm  # scripts/guard_corpus/build.py (on sys.path of every caller)

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUT = REPO / "llmops-guard" / "tests" / "data" / "injection"
TRAIN_DIR = REPO / "scripts" / "guard_train"


class Index:
    """Shingle index of a reference set; tells whether a text near-duplicates one of its texts.
    `shingle` makes a text's hashed shingles."""

    def __init__(self, texts, shingle):
        self.shingle = shingle
        self.sizes = []
        self.index = collections.defaultdict(list)
        for t in texts:
            self.add(t)

    def add(self, text: str) -> None:
        """Adds one text to the reference set."""
        sh = self.shingle(text)
        i = len(self.sizes)
        self.sizes.append(len(sh))
        for s in sh:
            self.index[s].append(i)

    def near(self, text: str, both: bool, among: Callable[[int], bool] | None = None) -> bool:
        """>= 50 % of the text's shingles in one indexed text (or, with `both`, >= 50 % of that
        text's); `among(i)` limits the indexed texts compared (by their number)."""
        sh = self.shingle(text)
        if not sh:
            return False
        hits = collections.Counter()
        for s in sh:
            for i in self.index.get(s, ()):
                hits[i] += 1
        for i, n in hits.items():
            if among is not None and not among(i):
                continue
            if n / len(sh) >= 0.5 or (both and self.sizes[i] and n / self.sizes[i] >= 0.5):
                return True
        return False


def texts_of(path: Path):
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            line = line.strip()
            if line:
                yield json.loads(line)["text"]


def train_files(exclude: Path | None = None) -> list[Path]:
    """train.jsonl and every scripts/guard_train/*.jsonl (sorted) except `exclude`."""
    return [OUT / "train.jsonl"] + [p for p in sorted(TRAIN_DIR.glob("*.jsonl")) if p != exclude]


def heldout_files() -> list[Path]:
    """Every heldout*.jsonl present now (a glob: a new split is picked up on a re-run)."""
    return sorted(OUT.glob("heldout*.jsonl"))


def norm_key(r: dict) -> str:
    """Exact-duplicate key: the normalised text (build.norm), or the text if that is empty."""
    return norm(r["text"]) or r["text"]


@dataclasses.dataclass
class Ref:
    """Drop rows near a text of `files` (see the module docstring)."""

    files: list[Path]
    both: bool
    reason: str
    count: str | None = None  # counter key set to the number of indexed texts


@dataclasses.dataclass
class Own:
    """Drop rows near an already kept row of the output (both directions)."""

    reason: str
    tag: Callable[[dict], object] | None = None  # None: compared with every kept row
    same: bool = True  # compared with kept rows of the same tag (True) or of another tag (False)
    skip: Callable[[dict], bool] | None = None  # rows not compared (still kept and indexed)


@dataclasses.dataclass
class Policy:
    shingle: Callable[[str], set[int]]
    key: Callable[[dict], str]  # exact-duplicate key of a row
    exact: str  # reason of an exact duplicate
    steps: list  # Ref / Own checks, in order
    keys: Callable[[str, dict], Iterable[str]] = lambda reason, r: (reason,)  # counter keys of a drop


def dedupe(rows: list[dict], policy: Policy, counts: collections.Counter) -> list[dict]:
    """The rows kept, in order; drops counted in `counts` (see the module docstring)."""

    def drop(reason, r):
        for k in policy.keys(reason, r):
            counts[k] += 1

    seen, unique = set(), []
    for r in rows:
        key = policy.key(r)
        if key in seen:
            drop(policy.exact, r)
            continue
        seen.add(key)
        unique.append(r)

    refs = {}
    for step in policy.steps:
        if isinstance(step, Ref):
            refs[id(step)] = Index((t for f in step.files for t in texts_of(f)), policy.shingle)
            if step.count:
                counts[step.count] = len(refs[id(step)].sizes)
    has_own = any(isinstance(s, Own) for s in policy.steps)
    own, out = Index([], policy.shingle), []  # own[i] is out[i]

    def near(step, r) -> bool:
        if isinstance(step, Ref):
            return refs[id(step)].near(r["text"], both=step.both)
        if step.skip and step.skip(r):
            return False
        if step.tag is None:
            return own.near(r["text"], both=True)
        tag = step.tag(r)
        return own.near(r["text"], both=True, among=lambda i: (step.tag(out[i]) == tag) == step.same)

    for r in unique:
        hit = next((s for s in policy.steps if near(s, r)), None)
        if hit is not None:
            drop(hit.reason, r)
            continue
        if has_own:
            own.add(r["text"])
        out.append(r)
    return out
