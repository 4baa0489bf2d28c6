"""Peer for benches/rag_embed.rs: the same model, sentences and batch size through Python
onnxruntime + tokenizers (mean pooling, L2 normalisation, truncation at 256), sentences/s.

    python3 -m venv P && P/bin/pip install onnxruntime==1.31.1 tokenizers numpy
    P/bin/python benches/peers/rag_embed_onnxruntime.py "$LLMOPS_EMBED_ONNX" "$LLMOPS_EMBED_TOKENIZER_DIR"
"""

import sys
import time

import numpy as np
import onnxruntime as ort
from tokenizers import Tokenizer

VOCAB = ["order", "refund", "shipping", "account", "password", "invoice", "delivery", "customer",
         "support", "payment", "card", "address", "parcel", "return", "policy", "store", "price",
         "week", "today", "late", "missing", "changed", "billing", "help"]
BATCH = 32


def sentences(n, words):
    v = len(VOCAB)
    out = []
    for i in range(n):
        ws = []
        for j in range(words):
            if j == 0:
                ws.append(VOCAB[i % v])
            elif j == 1:
                ws.append(VOCAB[(i + 3 + 7 * (i // v)) % v])
            else:
                ws.append(VOCAB[(i * 7 + j * 5 + i * j) % v])
        out.append(" ".join(ws))
    assert len(set(out)) == n
    return out


def main():
    onnx, tok_dir = sys.argv[1], sys.argv[2]
    tok = Tokenizer.from_file(f"{tok_dir}/tokenizer.json")
    tok.enable_padding(pad_id=0, pad_token="[PAD]")  # to the longest in the batch
    tok.enable_truncation(256)
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = 2
    sess = ort.InferenceSession(onnx, opts, providers=["CPUExecutionProvider"])

    def embed(texts):
        enc = tok.encode_batch(texts)
        ids = np.array([e.ids for e in enc], dtype=np.int64)
        mask = np.array([e.attention_mask for e in enc], dtype=np.int64)
        types = np.array([e.type_ids for e in enc], dtype=np.int64)
        (hidden,) = sess.run(None, {"input_ids": ids, "attention_mask": mask, "token_type_ids": types})
        m = mask[..., None].astype(np.float32)
        pooled = (hidden * m).sum(1) / np.clip(m.sum(1), 1e-9, None)
        return pooled / np.linalg.norm(pooled, axis=1, keepdims=True)

    for label, words in (("7_tokens", 5), ("12_tokens", 10)):
        texts = sentences(BATCH, words)
        for _ in range(3):
            embed(texts)
        runs, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 5.0:
            embed(texts)
            runs += 1
        dt = time.perf_counter() - t0
        print(f"python onnxruntime batch32/{label}: {runs * BATCH / dt:.0f} sentences/s ({runs} runs)")


main()
