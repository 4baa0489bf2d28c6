#!/usr/bin/env bash
# Side by side, in one run: Microsoft Presidio's analyzer with its pattern recognizers and our
# default input detectors on the same 4 KB texts (benches/guard_pii.rs's prompts).
# Run by hand (CI installs no peer): bash scripts/peers/presidio/run.sh
# Needs PyPI access for the venv (presidio-analyzer 2.2.366 pulls spaCy; no spaCy model is
# downloaded: the analyzer runs on spacy.blank("en")).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
work="${PRESIDIO_WORK:-/tmp/presidio}"
mkdir -p "$work/texts"
if [ ! -x "$work/venv/bin/python" ]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install -q "presidio-analyzer==2.2.366"
fi
"$work/venv/bin/python" "$here/texts.py" "$work/texts"
texts=("$work/texts/clean_4k.txt" "$work/texts/pii_4k.txt")
echo "# machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
"$work/venv/bin/python" "$here/presidio_speed.py" "${texts[@]}" | tee "$work/presidio.jsonl"
(cd "$root" && cargo build -q --release --example guard_speed --features guard)
"${CARGO_TARGET_DIR:-$root/target}/release/examples/guard_speed" "${texts[@]}" | tee "$work/llmops.jsonl"
"$work/venv/bin/python" - "$work/presidio.jsonl" "$work/llmops.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for f in sys.argv[1:] for l in open(f) if l.strip()]
print("\n| text | tool | mode | MB/s | findings |")
print("|---|---|---|---:|---:|")
for r in rows:
    print(f"| {r['text']} | {r['peer']} | {r['mode']} | {r['mb_per_s']:.2f} | {len(r['findings'])} |")
for text in sorted({r["text"] for r in rows}):
    ours = [r for r in rows if r["text"] == text and r["peer"] == "llmops" and r["mode"] == "all"] or \
           [r for r in rows if r["text"] == text and r["peer"] == "llmops" and r["mode"] == "pii"]
    theirs = [r for r in rows if r["text"] == text and r["peer"] != "llmops" and r["mode"] == "analyzer"]
    if ours and theirs:
        print(f"\n{text}: llmops {ours[0]['mode']} is {ours[0]['mb_per_s'] / theirs[0]['mb_per_s']:.0f}x Presidio's analyzer")
PY
