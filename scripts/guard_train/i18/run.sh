#!/usr/bin/env bash
# i18: train the candidates of queue.txt and score them (and the bundled weights) on the
# development files with SCORE_DUMP; figures: python3 scripts/guard_train/i18/figs.py NAMES.
# Run by hand (not in CI): WORK=/tmp/i18 NO_BUILD=1 bash scripts/guard_train/i18/run.sh QUEUE
set -euo pipefail
cd "$(dirname "$0")/../../.."
WORK=${WORK:-/tmp/i18}
mkdir -p "$WORK"
export WORK
[ -n "${NO_BUILD:-}" ] || cargo build --release -p llmops-guard --example train_injection
T=${CARGO_TARGET_DIR:-target}/release/examples/train_injection
export T
# name -> file of the development sets scored
export DEVSETS="fd=scripts/guard_train/fresh-dev.jsonl oi=scripts/guard_train/own-i18-dev.jsonl pnm=scripts/guard_train/pkg-near-miss-dev.jsonl nm=scripts/guard_train/near-miss-dev.jsonl h3=llmops-guard/tests/data/injection/heldout3.jsonl h4=llmops-guard/tests/data/injection/heldout4.jsonl"
one() {
    name=$1; shift
    model=llmops-guard/models/injection-v1.bin
    if [ "$name" != bundled ]; then
        "$T" --data llmops-guard/tests/data/injection "$@" --out "$WORK/$name.bin" > "$WORK/$name.log" 2>&1
        model=$WORK/$name.bin
    fi
    for d in $DEVSETS; do
        SCORE_DUMP=$WORK/$name-${d%%=*}.tsv "$T" --data llmops-guard/tests/data/injection \
            --score-only "$model" --dev "${d#*=}" > "$WORK/$name-score-${d%%=*}.log" 2>&1
    done
}
export -f one
xargs -P 2 -L 1 bash -c 'one "$@"' _ < "$1"
