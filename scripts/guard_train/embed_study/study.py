"""Grouped 5-fold CV (or leave-one-source-out): hashed n-grams vs MiniLM embeddings vs both,
each a logistic regression, out-of-fold detection at 1 % pooled false positives.

Run by hand after embed.py: python study.py OUT_DIR cv|loso [hashed|embedding|both ...]
(needs scikit-learn and scipy besides embed.py's packages).
"""
import json, sys
import numpy as np
from collections import defaultdict
from scipy.sparse import hstack, csr_matrix
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

OUT = sys.argv[1]
rows = [json.loads(l) for l in open(f"{OUT}/rows.jsonl")]
E = np.load(f"{OUT}/embs.npy")
y = np.array([r["label"] == "attack" for r in rows], dtype=int)
texts = [r["text"].lower() for r in rows]
groups = np.array([r["group"] for r in rows])
sources = np.array([r["source"] for r in rows])
hv_c = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=2**18, alternate_sign=False, norm="l2")
hv_w = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=2**18, alternate_sign=False, norm="l2")
H = hstack([hv_c.transform(texts), hv_w.transform(texts)]).tocsr()
feats = {"hashed": H, "embedding": csr_matrix(E), "both": hstack([H, csr_matrix(E)]).tocsr()}
C = {"hashed": 10.0, "embedding": 10.0, "both": 10.0}

def fit(X, y):
    return LogisticRegression(C=C_cur, max_iter=2000, solver="liblinear").fit(X, y)

def report(name, p, mask=None):
    ben = (y == 0)
    thr = np.quantile(p[ben], 0.99)
    det = p > thr
    by = defaultdict(lambda: [0, 0])
    for i, r in enumerate(rows):
        k = (r["label"], r["family"]) if r["label"] == "attack" else ("benign", r["family"])
        by[k][0] += det[i]; by[k][1] += 1
    att = det[y == 1].mean(); fp = det[ben].mean()
    print(f"\n## {name}: detection {att*100:.1f}% at FP {fp*100:.2f}% (threshold {thr:.3f})")
    for k in sorted(by):
        a, n = by[k]
        print(f"  {k[0]:7s} {k[1]:22s} {a:5d}/{n:5d} {a/n*100:5.1f}%")
    langs = defaultdict(lambda: [0, 0])
    for i, r in enumerate(rows):
        if r["label"] == "attack":
            langs[r["lang"]][0] += det[i]; langs[r["lang"]][1] += 1
    print("  attacks by lang:", ", ".join(f"{l} {a}/{n}" for l, (a, n) in sorted(langs.items(), key=lambda x: -x[1][1])[:14]))

mode = sys.argv[2] if len(sys.argv) > 2 else "cv"
for name in sys.argv[3:] or ["hashed", "embedding", "both"]:
    X = feats[name]; C_cur = C[name]
    p = np.zeros(len(rows))
    if mode == "cv":
        for tr, te in GroupKFold(n_splits=5).split(X, y, groups):
            p[te] = fit(X[tr], y[tr]).predict_proba(X[te])[:, 1]
    else:  # leave one source out (sources with attacks; the rest pooled in 5 grouped folds)
        att_src = sorted({s for s, l in zip(sources, y) if l == 1})
        done = np.zeros(len(rows), bool)
        for s in att_src:
            te = np.where(sources == s)[0]
            tr = np.where(sources != s)[0]
            p[te] = fit(X[tr], y[tr]).predict_proba(X[te])[:, 1]; done[te] = True
        rest = np.where(~done)[0]
        for tr_i, te_i in GroupKFold(n_splits=5).split(rest, y[rest], groups[rest]):
            te = rest[te_i]; tr = np.setdiff1d(np.arange(len(rows)), te)
            p[te] = fit(X[tr], y[tr]).predict_proba(X[te])[:, 1]
    report(f"{mode} {name}", p)
