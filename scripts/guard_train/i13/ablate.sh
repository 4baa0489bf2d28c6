#!/usr/bin/env bash
# i13: the recipe ablation of docs/guard-learned.md ("i13: what the recipe since i9 costs").
# Run by hand (not in CI): bash scripts/guard_train/i13/ablate.sh QUEUE
# QUEUE: lines "NAME trainer-flags..." (scripts/guard_train/i13/queue.txt is the session's).
# Each line trains a model into $WORK/NAME.bin (two at a time: the trainer is single-threaded)
# and scores it with --score-only on the two development splits (the first and second
# held-out splits, which from i13 on only guide choices: see docs/guard.md) with SCORE_DUMP;
# then `python3 scripts/guard_train/i13/figs.py` prints the table. heldout3 is never read here.
set -euo pipefail
cd "$(dirname "$0")/../../.."
WORK=${WORK:-/tmp/i13}
mkdir -p "$WORK"
export WORK
cargo build --release -p llmops-guard --example train_injection
T=${CARGO_TARGET_DIR:-target}/release/examples/train_injection
export T
[ -s scripts/guard_train/prose/prose-train.jsonl ] || python3 scripts/guard_corpus/prose_train.py
# the development splits without their split field (the trainer skips lines of other splits)
python3 - "$WORK" <<'PY'
import json, sys
for src, dst in [("heldout.jsonl", "dev-h1.jsonl"), ("heldout2.jsonl", "dev-h2.jsonl")]:
    with open(f"{sys.argv[1]}/{dst}", "w") as out:
        for line in open(f"llmops-guard/tests/data/injection/{src}"):
            if line.strip():
                row = json.loads(line)
                row.pop("split", None)
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
PY
one() {
    name=$1; shift
    model=llmops-guard/models/injection-v1.bin
    if [ "$name" != bundled ]; then
        "$T" --data llmops-guard/tests/data/injection "$@" --out "$WORK/$name.bin" > "$WORK/$name.log" 2>&1
        model=$WORK/$name.bin
    fi
    for h in h1 h2; do
        SCORE_DUMP=$WORK/$name-$h.tsv "$T" --data llmops-guard/tests/data/injection \
            --score-only "$model" --dev "$WORK/dev-$h.jsonl" > "$WORK/$name-score-$h.log" 2>&1
    done
    grep -m1 '^score only' "$WORK/$name-score-h1.log" > "$WORK/$name.out"
}
export -f one
xargs -P 2 -L 1 bash -c 'one "$@"' _ < "${1:-scripts/guard_train/i13/queue.txt}"
python3 scripts/guard_train/i13/figs.py $(cut -d' ' -f1 "${1:-scripts/guard_train/i13/queue.txt}")
