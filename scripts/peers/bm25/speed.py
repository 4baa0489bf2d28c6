#!/usr/bin/env python3
"""BM25 speed, side by side: llmops-rag's Bm25Index against bm25s, same corpus, same queries.

Run by hand from the repository root:

    python3 scripts/peers/bm25/speed.py [--docs 10000] [--queries 1000]

Generates a deterministic synthetic corpus (pseudo-words, Zipf vocabulary of 30,000 words,
20-200 words per document; queries of 2-6 words skipping the 20 most frequent ranks) as JSONL
in a temporary directory, then times, on one thread each:

- bm25s (numba backend when importable): tokenize + index (build); tokenize + retrieve top 10,
  all queries in one batch call and one call per query;
- ours: `cargo run --release --example bm25_peer -- speed` (build = analyze + insert every
  document; query = analyze + score + top 10, one call per query).

Both sides analyze raw text with their own English pipeline (bm25s: regex tokenizer, its
English stop words, PyStemmer Snowball; ours: Lucene's chain, Porter). Prints a table and writes
speed_results.json next to this script. bm25s is installed in a venv (default
/tmp/llmops-bm25-peer/venv, or $BM25_VENV).
"""

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
VENV = os.environ.get("BM25_VENV", "/tmp/llmops-bm25-peer/venv")
PINS = ["bm25s==0.3.16", "PyStemmer==3.1.0", "numpy==2.4.6", "scipy==1.17.1", "numba==0.68.1"]
PASSES = 5
SYL = ["ka", "to", "ri", "ne", "mu", "sa", "lo", "pe", "di", "fu", "ga", "hi", "jo", "ba", "ve",
       "zo", "ny", "qua", "tre", "sko", "pli", "dra", "mon", "tal"]


def ensure_venv():
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


def generate(n_docs, n_queries, seed=42):
    rng = random.Random(seed)
    vocab = 30_000
    words = ["".join(rng.choice(SYL) for _ in range(rng.randint(2, 4))) + str(i)
             for i in range(vocab)]
    weights = [1.0 / r for r in range(1, vocab + 1)]
    docs = [" ".join(rng.choices(words, weights=weights, k=rng.randint(20, 200)))
            for _ in range(n_docs)]
    qwords, qweights = words[20:], weights[20:]
    queries = [" ".join(rng.choices(qwords, weights=qweights, k=rng.randint(2, 6)))
               for _ in range(n_queries)]
    return docs, queries


def write_jsonl(path, texts, prefix):
    with open(path, "w", encoding="utf-8") as f:
        for i, t in enumerate(texts):
            f.write(json.dumps({"id": f"{prefix}{i}", "text": t}) + "\n")


def time_bm25s(docs, queries, k=10):
    import bm25s
    import Stemmer

    try:
        import numba  # noqa: F401

        backend = "numba"
    except ImportError:
        backend = "numpy"
    stem = Stemmer.Stemmer("english")
    t, c = time.perf_counter(), time.thread_time()
    corpus_tokens = bm25s.tokenize(docs, stopwords="en", stemmer=stem, show_progress=False)
    r = bm25s.BM25(method="lucene", k1=0.9, b=0.4, backend=backend)
    r.index(corpus_tokens, show_progress=False)
    build, build_cpu = time.perf_counter() - t, time.thread_time() - c

    def batch(qs):
        qt = bm25s.tokenize(qs, stopwords="en", stemmer=stem, show_progress=False,
                            return_ids=False)
        return r.retrieve(qt, k=k, n_threads=1, show_progress=False)

    def timed(f):
        t, c = time.perf_counter(), time.thread_time()
        f()
        return time.perf_counter() - t, time.thread_time() - c

    batch(queries[:50])  # JIT compile / warm up
    batched, single = [], []
    for _ in range(PASSES):  # the median of five passes, as the Rust side
        batched.append(timed(lambda: batch(queries)))
        single.append(timed(lambda: [batch([q]) for q in queries]))
    med = lambda xs, i: sorted(x[i] for x in xs)[PASSES // 2]  # noqa: E731
    n = len(queries)
    return {
        "version": bm25s.__version__,
        "backend": backend,
        "build_s": build,
        "build_cpu_s": build_cpu,
        "qps_batch": n / med(batched, 0),
        "qps_batch_cpu": n / med(batched, 1),
        "qps_one_by_one": n / med(single, 0),
        "qps_one_by_one_cpu": n / med(single, 1),
        "mean_us_one_by_one": med(single, 0) / n * 1e6,
    }


def time_ours(corpus_path, queries_path):
    env = dict(os.environ)
    cmd = ["cargo", "run", "-q", "--release", "--example", "bm25_peer", "--no-default-features",
           "--features", "rag", "--", "speed", corpus_path, queries_path]
    subprocess.run(cmd[:-4] + ["--", "tokens", corpus_path, queries_path], cwd=ROOT, env=env,
                   check=True, capture_output=True)  # build first, outside the timing
    out = subprocess.run(cmd, cwd=ROOT, env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, default=10_000)
    ap.add_argument("--queries", type=int, default=1_000)
    args = ap.parse_args()
    ensure_venv()
    docs, queries = generate(args.docs, args.queries)
    with tempfile.TemporaryDirectory() as tmp:
        cp, qp = os.path.join(tmp, "corpus.jsonl"), os.path.join(tmp, "queries.jsonl")
        write_jsonl(cp, docs, "d")
        write_jsonl(qp, queries, "q")
        ours = time_ours(cp, qp)
    peer = time_bm25s(docs, queries)
    rustc = subprocess.run(["rustc", "--version"], capture_output=True, text=True).stdout.strip()
    result = {
        "corpus": {"docs": len(docs), "queries": len(queries),
                   "avg_words_per_doc": sum(len(d.split()) for d in docs) / len(docs)},
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version(), "rustc": rustc},
        "llmops": ours,
        "bm25s": peer,
        "ratio": {
            "qps_ours_over_bm25s_batch": ours["qps"] / peer["qps_batch"],
            "qps_ours_over_bm25s_one_by_one": ours["qps"] / peer["qps_one_by_one"],
            "build_bm25s_over_ours": peer["build_s"] / ours["build_s"],
            "cpu_qps_ours_over_bm25s_batch": ours["qps_cpu"] / peer["qps_batch_cpu"],
            "cpu_qps_ours_over_bm25s_one_by_one": ours["qps_cpu"] / peer["qps_one_by_one_cpu"],
            "cpu_build_bm25s_over_ours": peer["build_cpu_s"] / ours["build_cpu_s"],
        },
        "load_average": os.getloadavg(),
    }
    print(f"corpus: {len(docs)} docs, {len(queries)} queries; machine: {os.cpu_count()} cpus, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'':30}{'llmops-rag':>14}{'bm25s ' + peer['version']:>18}")
    rows = [
        ("build, wall (s)", ours["build_s"], peer["build_s"], ".3f"),
        ("build, cpu (s)", ours["build_cpu_s"], peer["build_cpu_s"], ".3f"),
        ("queries/s batch, wall", None, peer["qps_batch"], ".0f"),
        ("queries/s batch, cpu", None, peer["qps_batch_cpu"], ".0f"),
        ("queries/s one by one, wall", ours["qps"], peer["qps_one_by_one"], ".0f"),
        ("queries/s one by one, cpu", ours["qps_cpu"], peer["qps_one_by_one_cpu"], ".0f"),
    ]
    for name, a, b, fmt in rows:
        a = "-" if a is None else format(a, fmt)
        print(f"{name:30}{a:>14}{format(b, fmt):>18}")
    lat = ours["latency_us"]
    print(f"ours, latency per query (wall, us): mean {lat['mean']:.1f}, p50 {lat['p50']:.1f}, "
          f"p99 {lat['p99']:.1f}")
    print("ratios:", json.dumps({k: round(v, 2) for k, v in result["ratio"].items()}))
    path = os.path.join(HERE, "speed_results.json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(result, f, indent=1)
        f.write("\n")
    print("wrote", os.path.relpath(path, ROOT))


if __name__ == "__main__":
    main()
