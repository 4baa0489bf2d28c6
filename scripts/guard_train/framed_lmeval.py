"""Benign task framings from lm-eval's task YAMLs (i10b, issue 8 point 7; train only).

lm-eval 0.4.13 (MIT, pinned by sha256 below) ships ~14,000 task YAMLs whose `doc_to_text` is
the prompt an evaluation sends to a model: "Translate the following English sentences to
Swahili ...", "Given the categories ... what is the topic of the statement below?", "You are
given a story ... answer the question", "Read the passage: ...". Their Jinja placeholders are
filled here with benign documents (framed.py's own documents, Debian documentation chunks,
crate docs and code) and short questions; Jinja blocks are dropped. At most a few templates
per task directory, so one benchmark family does not dominate. About 40 % get an attack twin
(the same template, the document carrying one of framed.py's injections; their group is
`framed-attack:...`, so the leave-one-source-out view counts them with our own i10 writing,
whose sentences they share).

    python3 scripts/guard_train/framed_lmeval.py [--work /tmp/lmeval-work]

downloads the pinned wheel with `pip download --no-deps` when it is not in the work dir,
checks its sha256 and writes scripts/guard_train/framed-lmeval.jsonl (exact duplicates of
train texts and texts that would make a held-out text a near-duplicate dropped by
build.add_new_train; counts only). Deterministic.
"""
from __future__ import annotations

import argparse
import collections
import hashlib
import json
import random
import re
import subprocess
import sys
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "guard_corpus"))

import framed  # noqa: E402

PIN = ("lm-eval", "0.4.13", "lm_eval-0.4.13-py3-none-any.whl",
       "5daaa1973bf874005f64f28d3834b875f6886f0d6475878e6a6c821994a5286a", "MIT")
SRC = "lm-eval: lm_eval/tasks"
SEED = 20261126
PER_DIR = 6
# placeholders that hold the document (the first one found gets it)
DOC_KEYS = ("text", "context", "passage", "flores_passage", "sentence", "document", "article",
            "premise", "story", "input", "code", "query", "question", "tweet", "content")


def wheel(work: Path) -> Path:
    name, ver, fname, sha, _ = PIN
    p = work / fname
    if not p.exists():
        work.mkdir(parents=True, exist_ok=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", f"{name}=={ver}",
                        "-d", str(work)], check=True)
    got = hashlib.sha256(p.read_bytes()).hexdigest()
    if got != sha:
        raise SystemExit(f"{fname}: sha256 {got}, expected {sha}")
    return p


def templates(whl: Path) -> list[tuple[str, str]]:
    """(task directory, doc_to_text) of every YAML with an instruction of >= 6 words."""
    import yaml

    class Loader(yaml.SafeLoader):
        pass

    Loader.add_multi_constructor("!", lambda loader, suffix, node: None)
    out = []
    seen = set()
    with zipfile.ZipFile(whl) as z:
        for n in sorted(z.namelist()):
            if not (n.startswith("lm_eval/tasks/") and n.endswith(".yaml")):
                continue
            try:
                d = yaml.load(z.read(n).decode("utf-8"), Loader=Loader)
            except Exception:  # noqa: BLE001 (a YAML the safe loader cannot read is skipped)
                continue
            t = d.get("doc_to_text") if isinstance(d, dict) else None
            if not isinstance(t, str) or "{{" not in t or t in seen:
                continue
            words = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", t, flags=re.S).split()
            if len(words) < 6:
                continue
            seen.add(t)
            out.append(("/".join(n.split("/")[2:4]), t))
    return out


def fill(t: str, doc: str, rng: random.Random) -> str:
    t = re.sub(r"\{%.*?%\}", "", t, flags=re.S).replace("\\n", "\n")
    holes = re.findall(r"\{\{(.*?)\}\}", t, flags=re.S)
    main = None
    for k in DOC_KEYS:
        main = next((h for h in holes if k in h), None)
        if main is not None:
            break
    if main is None and holes:
        main = holes[0]
    shorts = ["yes", "no", "42", "the second one", "Paris", "it depends on the weather", "A", "B",
              "true", "the committee", "3 June"]

    def sub(m: re.Match) -> str:
        return doc if m.group(1) == main else rng.choice(shorts)

    return re.sub(r"\{\{(.*?)\}\}", sub, t, flags=re.S).strip()


def rows(whl: Path, rng: random.Random):
    by_dir = collections.defaultdict(list)
    for d, t in templates(whl):
        by_dir[d].append(t)
    bdocs = framed.load("benign-docs.jsonl")
    bextra = framed.load("benign-extra.jsonl")
    pool = [d for g, ds in framed.DOCS.items() for d in ds]
    pool += [framed.cut(r["text"], 200, 1000, rng) for r in rng.sample(bdocs, 200)]
    pool += [framed.cut(r["text"], 200, 900, rng) for r in rng.sample(bextra, 150)]
    inj = [x for lang in ("en", "de", "fr", "es", "sw", "zu") for x in framed.injections(lang, rng)]
    for d in sorted(by_dir):
        ts = by_dir[d]
        for t in rng.sample(ts, min(PER_DIR, len(ts))):
            doc = rng.choice(pool)
            kind = "retrieved" if rng.random() < 0.4 else "message"
            fam = "framed" if kind == "message" else "framed_doc"
            group = f"lmeval:{d.split('/')[0]}"
            yield "benign", fam, "en", f"{SRC}/{d}", group, kind, fill(t, doc, random.Random(0))
            if rng.random() < 0.4:
                ifam, s = rng.choice(inj)
                tdoc = framed.insert(doc, s, rng.choice(["start", "middle", "end"]), rng)
                yield ("attack", "indirect" if kind == "retrieved" else ifam, "en", f"{SRC}/{d}",
                       f"framed-attack:lmeval:{d.split('/')[0]}", kind, fill(t, tdoc, random.Random(0)))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/lmeval-work"))
    args = ap.parse_args()
    import build  # noqa: E402
    import extra_train  # noqa: E402

    new = [{"text": t, "label": l, "family": f, "lang": lang, "source": s, "group": g, "kind": k}
           for l, f, lang, s, g, k, t in rows(wheel(args.work), random.Random(SEED))]
    kept = extra_train.load_jsonl(extra_train.CORPUS / "train.jsonl", "train") + \
        extra_train.load_jsonl(extra_train.CORPUS / "heldout.jsonl", "heldout")
    for r in kept:
        r.setdefault("split", "train")
    for name in ("augment.jsonl", "seed.jsonl", "more-sources.jsonl", "framed.jsonl"):
        for r in extra_train.load_jsonl(HERE / name):
            kept.append({**r, "split": "train"})
    out, exact, near = build.add_new_train(kept, new)
    with open(HERE / "framed-lmeval.jsonl", "w", encoding="utf-8") as fh:
        for i, r in enumerate(out):
            fh.write(json.dumps({"id": f"framed-lmeval-{i:05d}", **r}, ensure_ascii=False) + "\n")
    c = collections.Counter((r["label"], r["family"], r["kind"]) for r in out)
    print({"in": len(new), "kept": len(out), "exact_duplicates": exact, "near_duplicates_of_heldout": near,
           "task_dirs": len({r["group"] for r in out})})
    for k, v in sorted(c.items()):
        print("  ", k, v)


if __name__ == "__main__":
    main()
