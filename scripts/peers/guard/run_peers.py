#!/usr/bin/env python3
"""Runs open prompt-injection detectors from PyPI on the held-out split of the llmops guard
corpus and writes results.md / results.json beside this file. Run by hand (see README.md).

Peers (all offline, no model download):
  * rebuff 0.1.1, heuristic layer only (`detect_pi_heuristics`), flagged at its default
    threshold 0.75 (`max_heuristic_score`);
  * last_layer 0.1.33 (bundled native library with its own exploit classifier), flagged when
    `scan_prompt(..)` does not pass (any marker), and a second row counting only its
    injection-related markers;
  * llm-guard 0.3.16 `InvisibleText` (its only non-model input scanner aimed at injection).
"""

from __future__ import annotations

import argparse
import collections
import json
import logging
import sys
import time
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent.parent
HELDOUT = REPO / "llmops-guard" / "tests" / "data" / "injection" / "heldout.jsonl"


def load_rebuff(site: Path):
    sys.path.insert(0, str(site / "rebuff"))
    import detect_pi_heuristics as h  # noqa: E402

    return lambda t: h.detect_prompt_injection_using_heuristic_on_input(t) >= 0.75


def load_last_layer():
    from last_layer import scan_prompt

    injection = {"ExploitClassifier", "InvisibleUnicodeDetector", "HiddenTextDetector",
                 "ObfuscationDetector"}

    def any_marker(t):
        return not scan_prompt(t).passed

    def injection_markers(t):
        return bool(set(scan_prompt(t).markers) & injection)

    return any_marker, injection_markers


def load_llm_guard_invisible(site: Path):
    base = site / "llm_guard"
    for name, path in [("llm_guard", base), ("llm_guard.input_scanners", base / "input_scanners")]:
        m = types.ModuleType(name)
        m.__path__ = [str(path)]
        sys.modules[name] = m
    import structlog

    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.CRITICAL))
    from llm_guard.input_scanners.invisible_text import InvisibleText

    s = InvisibleText()
    return lambda t: not s.scan(t)[1]


REBUFF = "rebuff 0.1.1 heuristic (score >= 0.75), sample"
REBUFF_WORDS, REBUFF_PER_FAMILY = 20, 5  # its fuzzy matching costs ~0.5 s per word


def rebuff_sample(rows):
    """The first few short texts of each family: rebuff's heuristic needs hours otherwise."""
    per = collections.Counter()
    out = []
    for r in rows:
        key = (r["label"], r["family"])
        if len(r["text"].split()) <= REBUFF_WORDS and per[key] < REBUFF_PER_FAMILY:
            per[key] += 1
            out.append(r)
    return out


def measure(rows, detect):
    tpr = collections.defaultdict(lambda: [0, 0])
    fpr = collections.defaultdict(lambda: [0, 0])
    nbytes = sum(len(r["text"].encode()) for r in rows)
    start = time.perf_counter()
    for r in rows:
        flagged = bool(detect(r["text"]))
        m = tpr if r["label"] == "attack" else fpr
        m[r["family"]][0] += flagged
        m[r["family"]][1] += 1
    secs = time.perf_counter() - start
    return {"tpr": dict(tpr), "fpr": dict(fpr), "seconds": secs, "bytes": nbytes,
            "texts": len(rows)}


def pct(k, n):
    return f"{100.0 * k / n:.1f}%" if n else "n/a"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--site", type=Path, required=True,
                    help="site-packages of the venv holding the peers")
    args = ap.parse_args()
    rows = [json.loads(l) for l in HELDOUT.read_text().splitlines() if l.strip()]
    rb = load_rebuff(args.site)
    ll_any, ll_inj = load_last_layer()
    lg = load_llm_guard_invisible(args.site)
    peers = [
        (REBUFF, rb),
        ("last_layer 0.1.33 (any marker)", ll_any),
        ("last_layer 0.1.33 (injection markers only)", ll_inj),
        ("llm-guard 0.3.16 InvisibleText", lg),
    ]
    results = {}
    for name, f in peers:
        subset = rebuff_sample(rows) if name == REBUFF else rows
        results[name] = measure(subset, f)
        print(name, "done", file=sys.stderr)
    (HERE / "results.json").write_text(json.dumps(results, indent=1) + "\n")

    attack_fams = sorted({r["family"] for r in rows if r["label"] == "attack"})
    benign_fams = sorted({r["family"] for r in rows if r["label"] == "benign"})
    names = [n for n, _ in peers]
    def cell(x, kind, fam):
        k, n = results[x][kind].get(fam, [0, 0])
        return f"{pct(k, n)} ({n})" if x == REBUFF else pct(k, n)

    out = ["| family | n | " + " | ".join(names) + " |",
           "|---|---:|" + "---:|" * len(names)]
    for fam in attack_fams:
        n = results[names[1]]["tpr"][fam][1]
        out.append(f"| attack: {fam} (TPR) | {n} | " +
                   " | ".join(cell(x, "tpr", fam) for x in names) + " |")
    tot = {x: [sum(v[0] for v in results[x]["tpr"].values()),
               sum(v[1] for v in results[x]["tpr"].values())] for x in names}
    out.append(f"| **attacks, all (TPR)** | {tot[names[1]][1]} | " +
               " | ".join(pct(*tot[x]) for x in names) + " |")
    for fam in benign_fams:
        n = results[names[1]]["fpr"][fam][1]
        out.append(f"| benign: {fam} (FPR) | {n} | " +
                   " | ".join(cell(x, "fpr", fam) for x in names) + " |")
    totb = {x: [sum(v[0] for v in results[x]["fpr"].values()),
                sum(v[1] for v in results[x]["fpr"].values())] for x in names}
    out.append(f"| **benign, all (FPR)** | {totb[names[1]][1]} | " +
               " | ".join(pct(*totb[x]) for x in names) + " |")
    out.append("| throughput (MB/s, 1 core) | | " + " | ".join(
        f"{results[x]['bytes'] / results[x]['seconds'] / 1e6:.2f}" for x in names) + " |")
    out.append("| throughput (texts/s) | | " + " | ".join(
        f"{results[x]['texts'] / results[x]['seconds']:.0f}" for x in names) + " |")
    table = "\n".join(out)
    print(table)
    (HERE / "table.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
