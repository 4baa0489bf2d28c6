"""Pre-study (session 16): do "described, not addressed" text features help the stacker?

Run by hand, not in CI (needs numpy and scikit-learn, e.g. in a venv):

    T=target/release/examples/train_injection
    # out-of-fold learned scores and stacker inputs of the train.sh recipe's texts
    TRAIN_DUMP=/tmp/i16/train-oof.tsv TRAIN_DUMP_FULL=1 $T --data llmops-guard/tests/data/injection \
        --extra scripts/guard_train/seed.jsonl --extra scripts/guard_train/augment.jsonl \
        --extra scripts/guard_train/more-sources.jsonl --extra scripts/guard_train/own-i13.jsonl \
        --extra scripts/guard_train/more-sources2.jsonl --background scripts/guard_train/benign-extra.jsonl \
        --out /tmp/i16/oof-model.bin --bits 16 --l2 1e-5 --epochs 12
    # the bundled model's stacker inputs on each development split and the own near misses
    SCORE_DUMP=/tmp/i16/st-h1.tsv SCORE_DUMP_STACK=1 $T --data llmops-guard/tests/data/injection \
        --score-only llmops-guard/models/injection-v1.bin --dev llmops-guard/tests/data/injection/heldout.jsonl
    # ... likewise st-h2 (heldout2), st-h3, st-h4, st-nm (scripts/guard_train/near-miss-dev.jsonl)
    python addressed_study.py /tmp/i16

Fits the stacker (logistic regression, class-balanced) on the out-of-fold inputs of the train
texts, once with the 15 inputs of the model file and once with text-shape features added
(second-person density, imperative sentence openings, third-person talk about models and
attacks, questions, quotes, length; each alone and times the rules' verdict), and prints the
detection at 0.5 / 1 / 2 % false positives on each development split (threshold-free) and
how many own near misses pass the threshold that gives 1 % false positives on train.
Only development splits are read (never heldout5/6/7).
"""
import csv
import json
import math
import re
import sys
from pathlib import Path

import numpy as np
from sklearn.linear_model import LogisticRegression

YOU = set("""you your yours yourself yourselves you're youre you've you'll you'd u ur
du dich dir dein deine deinen deinem deiner sie ihr ihre ihnen
tu toi te ton ta tes vous votre vos
tú tu te ti usted ustedes vosotros
você voce vocês seu sua teu tua
ты тебя тебе твой твоя твои твоего вы вас вам ваш ваша ваши
jij je jou jouw u uw
""".split())
YOU_CJK = ["你", "您", "あなた", "君", "당신", "너"]
IMP = set("""ignore forget disregard act pretend tell give write print reveal show output repeat say
respond answer translate list do don't dont never always stop start begin from now imagine roleplay
switch enter enable disable bypass override execute run send email forward summarize include append
ignoriere vergiss ignora olvida ignorez oubliez игнорируй забудь""".split())
THIRD = ["the model", "the llm", "the assistant", "the ai", "an attacker", "the attacker", "attackers",
 "attack", "jailbreak", "prompt injection", "injection", "this prompt", "the prompt", "detector",
 "malicious", "adversarial", "researcher", "technique", "example", "vulnerab", "exploit", "payload",
 "mitigat", "defen", "classifier", "dataset", "benchmark", "paper", "probe"]
SENT = re.compile(r"[^.!?\n。！？]+[.!?。！？]?")
WORD = re.compile(r"\w+(?:'\w+)?", re.U)
def feats(t):
    low = t.lower()
    words = WORD.findall(low)
    nw = max(1, len(words))
    you = sum(w in YOU for w in words) + sum(low.count(c) for c in YOU_CJK)
    sents = [s.strip() for s in SENT.findall(low) if s.strip()]
    ns = max(1, len(sents))
    imp = 0; q = 0
    for s in sents:
        ws = WORD.findall(s)
        if ws and ws[0] in IMP: imp += 1
        if s.endswith("?") or s.endswith("？"): q += 1
    third = sum(low.count(k) for k in THIRD)
    quotes = len(re.findall(r"[\"“”«»「」]", t))
    return [min(1, 5*you/nw), imp/ns, min(1, 10*third/nw), q/ns, min(1, quotes/20), math.log1p(len(t))/10, 1.0 if you>0 else 0.0, 1.0 if third>0 else 0.0]
NAMES = ["you_dens","imp_share","third_dens","q_share","quotes","loglen","has_you","has_third"]
ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "llmops-guard/tests/data/injection"
SPLITS = {"h1": DATA / "heldout.jsonl", "h2": DATA / "heldout2.jsonl", "h3": DATA / "heldout3.jsonl",
          "h4": DATA / "heldout4.jsonl", "nm": ROOT / "scripts/guard_train/near-miss-dev.jsonl"}
FP = (0.005, 0.01, 0.02)


def load_dev(work, name, jsonl):
    rows = [r for r in csv.reader(open(work / f"st-{name}.tsv"), delimiter="\t") if r[0] == "dev"]
    lines = [json.loads(l) for l in open(jsonl) if l.strip()]
    assert len(rows) == len(lines), (name, len(rows), len(lines))
    return [dict(y=r[1] == "attack", rules=r[7] == "1", p=float(r[6]), stacked=float(r[11]),
                 x=[float(v) for v in r[12].split(",")], f=feats(l["text"])) for r, l in zip(rows, lines)]


def unrust(s):
    """A Rust `{:?}` string literal back to text."""
    s = s[1:-1]
    out, i = [], 0
    while i < len(s):
        if s[i] == "\\":
            n = s[i + 1]
            if n == "u":
                j = s.index("}", i)
                out.append(chr(int(s[i + 3:j], 16)))
                i = j + 1
                continue
            out.append({"n": "\n", "t": "\t", "r": "\r", "0": "\0", "\\": "\\", '"': '"', "'": "'"}[n])
            i += 2
            continue
        out.append(s[i])
        i += 1
    return "".join(out)


def load_train(work):
    rows = []
    for line in open(work / "train-oof.tsv"):
        c = line.rstrip("\n").split("\t")
        rows.append(dict(y=c[0] == "true", x=[float(v) for v in c[8].split(",")], f=feats(unrust(c[6]))))
    return rows


def design(rows, idx):
    out = []
    for r in rows:
        base = r["x"][:1] + r["x"][2:]  # the bias is the regression's own
        f = [r["f"][i] for i in idx]
        out.append(base + f + [r["x"][12] * v for v in f])
    return np.array(out)


def det_at(scores, y, fpr):
    neg = np.sort(scores[~y])[::-1]
    k = int(np.floor(fpr * len(neg)))
    thr = neg[k] if k < len(neg) else -np.inf
    return (scores[y] > thr).mean() * 100


def main():
    work = Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/i16")
    tr = load_train(work)
    dev = {n: load_dev(work, n, p) for n, p in SPLITS.items()}
    ytr = np.array([r["y"] for r in tr])
    subsets = {"model file's inputs only": [], "length": [5], "second person": [0, 6],
               "imperative openings": [1], "third person": [2, 7], "questions": [3], "quotes": [4],
               "all but length": [0, 1, 2, 3, 4, 6, 7], "all": list(range(8))}
    print("| features added | mean at 0.5 / 1 / 2 % FP | h1 / h2 / h3 / h4 at 1 % | own near misses flagged |")
    print("|---|---|---|---:|")
    for name, idx in subsets.items():
        m = LogisticRegression(C=1.0, max_iter=5000, class_weight="balanced").fit(design(tr, idx), ytr)
        res = []
        for n in ("h1", "h2", "h3", "h4"):
            y = np.array([r["y"] for r in dev[n]])
            res.append([det_at(m.decision_function(design(dev[n], idx)), y, f) for f in FP])
        s = m.decision_function(design(tr, idx))
        thr = np.sort(s[~ytr])[::-1][int(0.01 * (~ytr).sum())]
        nm = int((m.decision_function(design(dev["nm"], idx)) > thr).sum())
        mean = " / ".join(f"{v:.1f}" for v in np.mean(res, axis=0))
        at1 = " / ".join(f"{r[1]:.1f}" for r in res)
        print(f"| {name} | {mean} | {at1} | {nm} of {len(dev['nm'])} |")
    for n in ("h1", "h2", "h3", "h4"):
        y = np.array([r["y"] for r in dev[n]])
        ors = np.array([2.0 if r["rules"] else r["p"] for r in dev[n]])
        print(n, "default guard (rules OR learned) ranking at 0.5 / 1 / 2 %:",
              " / ".join(f"{det_at(ors, y, f):.1f}" for f in FP))


if __name__ == "__main__":
    main()
