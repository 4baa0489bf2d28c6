#!/usr/bin/env python3
"""Token counting speed, side by side: Python tiktoken against llmops (bpe-openai) and
tiktoken-rs, on the same texts, in one run.

Run by hand from the repository root:

    python3 scripts/peers/tiktoken/speed.py [--no-rust]

1. Python tiktoken (pinned below, in a venv: /tmp/llmops-tiktoken-peer/venv or $TIKTOKEN_VENV)
   counts `len(enc.encode_ordinary(text))` for o200k_base and cl100k_base on 1 KiB, 4 KiB and
   64 KiB prefixes (cut at a character boundary) of texts/{prose,code,multilingual}.txt; the
   median over 7 batches of calls, each batch at least 0.2 s. The BPE files come from
   tiktoken-rs's crate (identical to OpenAI's: tiktoken checks their sha256), placed in a
   TIKTOKEN_CACHE_DIR, so nothing is downloaded at run time.
2. Rust: `cargo bench --bench tokens --no-default-features --features tokens -- --warm-up-time 1
   --measurement-time 3 count/`, then criterion's median per case.

Prints a table with the ratios and writes speed_results.json next to this script.
"""

import argparse
import glob
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", "..", ".."))
VENV = os.environ.get("TIKTOKEN_VENV", "/tmp/llmops-tiktoken-peer/venv")
PIN = "tiktoken==0.12.0"
KINDS = ["prose", "code", "multilingual"]
SIZES = [("1KiB", 1024), ("4KiB", 4096), ("64KiB", 65536)]
ENCODINGS = [("o200k", "o200k_base"), ("cl100k", "cl100k_base")]
URL = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"
BATCHES = 7
MIN_BATCH_S = 0.2


def ensure_venv():
    try:
        import tiktoken  # noqa: F401

        return
    except ImportError:
        pass
    py = os.path.join(VENV, "bin", "python")
    if os.path.realpath(sys.prefix) == os.path.realpath(VENV):
        sys.exit("tiktoken is missing from the venv even after installing it")
    if not os.path.exists(py):
        subprocess.run([sys.executable, "-m", "venv", VENV], check=True)
    subprocess.run([py, "-m", "pip", "install", "-q", PIN], check=True)
    os.execv(py, [py, os.path.abspath(__file__), *sys.argv[1:]])


def offline_bpe_files():
    """tiktoken caches a BPE file under sha1(its URL): put tiktoken-rs's copies there."""
    cache = os.environ.setdefault(
        "TIKTOKEN_CACHE_DIR", os.path.join(os.path.dirname(VENV), "tiktoken-cache")
    )
    os.makedirs(cache, exist_ok=True)
    home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
    for _, name in ENCODINGS:
        dest = os.path.join(cache, hashlib.sha1(URL.format(name).encode()).hexdigest())
        if os.path.exists(dest):
            continue
        found = sorted(glob.glob(f"{home}/registry/src/*/tiktoken-rs-*/assets/{name}.tiktoken"))
        if not found:
            sys.exit(f"{name}.tiktoken not found: build the bench once (cargo fetches tiktoken-rs)")
        shutil.copy(found[-1], dest)


def prefix(text, n):
    return text.encode()[:n].decode("utf-8", errors="ignore")


def time_python():
    import tiktoken

    out = {}
    for short, name in ENCODINGS:
        enc = tiktoken.get_encoding(name)
        for kind in KINDS:
            with open(os.path.join(HERE, "texts", f"{kind}.txt"), encoding="utf-8") as f:
                text = f.read()
            for size, n in SIZES:
                t = prefix(text, n)
                tokens = len(enc.encode_ordinary(t))
                calls = 1
                while True:  # calls per batch so that a batch takes at least MIN_BATCH_S
                    start = time.perf_counter()
                    for _ in range(calls):
                        enc.encode_ordinary(t)
                    if time.perf_counter() - start >= MIN_BATCH_S:
                        break
                    calls *= 2
                per_call = []
                for _ in range(BATCHES):
                    start = time.perf_counter()
                    for _ in range(calls):
                        len(enc.encode_ordinary(t))
                    per_call.append((time.perf_counter() - start) / calls * 1e9)
                out[f"{short}/{kind}/{size}"] = {
                    "bytes": len(t.encode()),
                    "tokens": tokens,
                    "python_tiktoken_ns": statistics.median(per_call),
                }
    return out, tiktoken.__version__


def time_rust():
    target = os.environ.get("CARGO_TARGET_DIR", os.path.join(ROOT, "target"))
    subprocess.run(
        ["cargo", "bench", "--bench", "tokens", "--no-default-features", "--features", "tokens",
         "--", "--warm-up-time", "1", "--measurement-time", "3", "count/"],
        cwd=ROOT, check=True,
    )
    out = {}
    for short, _ in ENCODINGS:
        for impl in ["bpe-openai", "tiktoken-rs"]:
            for kind in KINDS:
                for size, _ in SIZES:
                    path = os.path.join(target, "criterion", f"count_{short}", impl,
                                        f"{kind}_{size}", "new", "estimates.json")
                    with open(path) as f:
                        est = json.load(f)
                    out.setdefault(f"{short}/{kind}/{size}", {})[f"{impl}_ns"] = \
                        est["median"]["point_estimate"]
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--no-rust", action="store_true", help="time Python tiktoken only")
    args = ap.parse_args()
    ensure_venv()
    offline_bpe_files()
    results, version = time_python()
    if not args.no_rust:
        for case, rust in time_rust().items():
            results[case].update(rust)
    print(f"{'case':<28}{'bytes':>7}{'tokens':>8}{'tiktoken py':>14}{'bpe-openai':>12}"
          f"{'tiktoken-rs':>13}{'py/ours':>9}{'MiB/s ours':>12}")
    for case, r in results.items():
        ours = r.get("bpe-openai_ns")
        if ours:
            r["ratio_python_over_ours"] = r["python_tiktoken_ns"] / ours
            r["ratio_tiktoken_rs_over_ours"] = r["tiktoken-rs_ns"] / ours
        mibs = r["bytes"] / (ours / 1e9) / 2**20 if ours else float("nan")
        print(f"{case:<28}{r['bytes']:>7}{r['tokens']:>8}"
              f"{r['python_tiktoken_ns'] / 1e3:>12.1f}µs"
              f"{(ours or float('nan')) / 1e3:>10.1f}µs"
              f"{r.get('tiktoken-rs_ns', float('nan')) / 1e3:>11.1f}µs"
              f"{r.get('ratio_python_over_ours', float('nan')):>8.2f}×{mibs:>12.1f}")
    doc = {
        "python_tiktoken": version,
        "rust": "llmops Tiktoken (bpe-openai 0.3.2) and tiktoken-rs 0.12, criterion medians",
        "machine": {"cpu_count": os.cpu_count(), "platform": platform.platform(),
                    "python": platform.python_version()},
        "results": results,
    }
    with open(os.path.join(HERE, "speed_results.json"), "w") as f:
        json.dump(doc, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
