#!/usr/bin/env python3
"""Reference BM25 scores for the committed corpus, checked by llmops-rag/tests/bm25_reference.rs.

Run by hand from the repository root (CI installs no peer):

    python3 scripts/peers/bm25/reference.py

Writes, next to this script:

- lucene_reference.json: Lucene 8.7's own EnglishAnalyzer tokens and BM25Similarity(0.9, 0.4)
  scores (lossy one-byte norms), from LuceneReference.java. Needs a JDK and Debian's
  liblucene8-java (`apt-get install -y liblucene8-java`); skipped, keeping the committed file,
  when they are missing.
- bm25s_reference.json: bm25s scores for every method (lucene, robertson, atire, bm25l, bm25+;
  k1 = 0.9, b = 0.4, delta = 0.5) computed on *our* analyzer's tokens (the scoring-level
  check), plus the agreement of bm25s's own full pipeline (its tokenizer, its English stop
  words, PyStemmer's Snowball English) with Lucene's rankings (reported, not asserted).

bm25s and PyStemmer are installed in a venv (default /tmp/llmops-bm25-peer/venv, or $BM25_VENV).
Our tokens come from `cargo run --example bm25_peer -- tokens`.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
VENV = os.environ.get("BM25_VENV", "/tmp/llmops-bm25-peer/venv")
PINS = ["bm25s==0.3.16", "PyStemmer==3.1.0", "numpy==2.4.6", "scipy==1.17.1"]
LUCENE_JARS = [
    "/usr/share/java/lucene-core-8.7.0.jar",
    "/usr/share/java/lucene-analyzers-common-8.7.0.jar",
]
METHODS = ["lucene", "robertson", "atire", "bm25l", "bm25+"]
K1, B, DELTA = 0.9, 0.4, 0.5


def ensure_venv():
    """Re-executes this script inside the venv (created on first use) with bm25s installed."""
    try:
        import bm25s  # noqa: F401
        import Stemmer  # noqa: F401

        return
    except ImportError:
        pass
    py = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        sys.exit("bm25s is missing from the venv even after installing it")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([py, "-m", "pip", "install", "-q", *PINS], check=True)
    os.execv(py, [py, os.path.abspath(__file__), *sys.argv[1:]])


def read_jsonl(name):
    with open(os.path.join(HERE, name), encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def our_tokens():
    out = subprocess.run(
        ["cargo", "run", "-q", "--example", "bm25_peer", "--no-default-features",
         "--features", "rag", "--", "tokens",
         os.path.join(HERE, "corpus.jsonl"), os.path.join(HERE, "queries.jsonl")],
        cwd=ROOT, check=True, capture_output=True, text=True,
    ).stdout
    return json.loads(out)


def ranked(pairs):
    """(id, score) pairs, best first, ties by id (= insertion order here)."""
    return [[i, s] for i, s in sorted(pairs, key=lambda p: (-p[1], p[0]))]


def lucene_reference(docs, queries):
    javac, java = shutil.which("javac"), shutil.which("java")
    if not (javac and java and all(os.path.exists(j) for j in LUCENE_JARS)):
        print("lucene: no JDK or no liblucene8-java; keeping the committed lucene_reference.json")
        return
    cp = ":".join(LUCENE_JARS)
    with tempfile.TemporaryDirectory() as tmp:
        tsv = os.path.join(tmp, "in.tsv")
        with open(tsv, "w", encoding="utf-8") as f:
            for kind, items in (("D", docs), ("Q", queries)):
                for r in items:
                    assert "\t" not in r["text"] and "\n" not in r["text"]
                    f.write(f"{kind}\t{r['id']}\t{r['text']}\n")
        subprocess.run([javac, "-cp", cp, "-d", tmp, os.path.join(HERE, "LuceneReference.java")],
                       check=True)
        out = subprocess.run([java, "-cp", f"{cp}:{tmp}", "LuceneReference", tsv],
                             check=True, capture_output=True, text=True).stdout
    tokens = {"docs": {}, "queries": {}}
    scores = {q["id"]: [] for q in queries}
    stats = {}
    for line in out.splitlines():
        f = line.split("\t")
        if f[0] == "T":
            toks = f[3].split(" ") if f[3] else []
            tokens["docs" if f[1] == "D" else "queries"][f[2]] = toks
        elif f[0] == "N":
            stats = {"doc_count": int(f[1]), "sum_total_term_freq": int(f[2])}
        elif f[0] == "S":
            scores[f[1]].append([f[2], float(f[3])])
    ref = {
        "source": "Apache Lucene 8.7.0 (Debian liblucene8-java), EnglishAnalyzer, "
                  "BM25Similarity(k1=0.9, b=0.4), one SHOULD TermQuery per query token",
        "k1": K1, "b": B, **stats,
        "tokens": tokens,
        "scores": {q: ranked(s) for q, s in scores.items()},
    }
    write("lucene_reference.json", ref)
    return ref


def bm25s_reference(docs, queries, toks, lucene):
    import bm25s
    import numpy as np
    import Stemmer

    doc_ids = [d["id"] for d in docs]
    corpus = [toks["docs"][i] for i in doc_ids]
    methods = {}
    for m in METHODS:
        r = bm25s.BM25(method=m, k1=K1, b=B, delta=DELTA)
        r.index(corpus, show_progress=False)
        per_q = {}
        for q in queries:
            qt = [t for t in toks["queries"][q["id"]] if t in r.vocab_dict]
            if not qt:
                per_q[q["id"]] = []
                continue
            s = r.get_scores(qt)
            hits = [(doc_ids[i], float(s[i])) for i, d in enumerate(corpus)
                    if any(t in d for t in qt)]
            per_q[q["id"]] = ranked(hits)
        methods[m] = per_q

    # bm25s's own pipeline: its tokenizer and stop words, PyStemmer's Snowball English.
    stem = Stemmer.Stemmer("english")
    r = bm25s.BM25(method="lucene", k1=K1, b=B)
    r.index(bm25s.tokenize([d["text"] for d in docs], stopwords="en", stemmer=stem,
                           show_progress=False), show_progress=False)
    agree = {"top1_same": 0, "overlap_at_5": 0.0, "overlap_at_10": 0.0, "queries": 0}
    for q in queries:
        want = [i for i, _ in (lucene or {}).get("scores", {}).get(q["id"], [])]
        if not want:
            continue
        qt = bm25s.tokenize([q["text"]], stopwords="en", stemmer=stem, show_progress=False)
        res, sc = r.retrieve(qt, k=10, show_progress=False)
        got = [doc_ids[i] for i, s in zip(res[0], sc[0]) if s > 0]
        agree["queries"] += 1
        agree["top1_same"] += int(bool(got) and got[0] == want[0])
        for n in (5, 10):
            w = set(want[:n])
            agree[f"overlap_at_{n}"] += len(w & set(got[:n])) / len(w)
    for n in (5, 10):
        agree[f"overlap_at_{n}"] = round(agree[f"overlap_at_{n}"] / max(1, agree["queries"]), 4)

    ref = {
        "source": f"bm25s {bm25s.__version__} (numpy {np.__version__}), scores on the tokens of "
                  "llmops-rag's Analyzer::english(), exact document lengths",
        "k1": K1, "b": B, "delta": DELTA,
        "tokens": toks,
        "methods": methods,
        "full_pipeline_vs_lucene": {
            "what": "bm25s.tokenize(stopwords='en', stemmer=PyStemmer english) + method lucene, "
                    "top-10 against Lucene's ranking",
            **agree,
        },
    }
    write("bm25s_reference.json", ref)


def write(name, obj):
    path = os.path.join(HERE, name)
    with open(path, "w", encoding="utf-8") as f:
        json.dump(obj, f, ensure_ascii=False, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(path, ROOT))


def main():
    ensure_venv()
    docs, queries = read_jsonl("corpus.jsonl"), read_jsonl("queries.jsonl")
    lucene = lucene_reference(docs, queries)
    if lucene is None and os.path.exists(os.path.join(HERE, "lucene_reference.json")):
        with open(os.path.join(HERE, "lucene_reference.json"), encoding="utf-8") as f:
            lucene = json.load(f)
    toks = our_tokens()
    if lucene and toks["docs"] != lucene["tokens"]["docs"]:
        bad = [i for i in toks["docs"] if toks["docs"][i] != lucene["tokens"]["docs"].get(i)]
        print("note: our tokens differ from Lucene's for", bad)
    bm25s_reference(docs, queries, toks, lucene)


if __name__ == "__main__":
    main()
