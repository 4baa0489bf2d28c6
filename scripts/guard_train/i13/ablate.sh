#!/usr/bin/env bash
# i13: the recipe ablation of docs/guard-learned.md ("i13: what the recipe since i9 costs").
# Run by hand (not in CI): bash scripts/guard_train/i13/ablate.sh QUEUE
# QUEUE: lines "NAME trainer-flags..." (scripts/guard_train/i13/queue.txt is the session's).
# Each line trains a model into $WORK/NAME.bin (two at a time: the trainer is single-threaded)
# and scores it with --score-only on the development splits ($DEV, below) with SCORE_DUMP;
# then `python3 scripts/guard_train/i13/figs.py` prints the table. The test split is never read here.
set -euo pipefail
cd "$(dirname "$0")/../../.."
WORK=${WORK:-/tmp/i13}
mkdir -p "$WORK"
export WORK
# NO_BUILD=1: use the trainer already built (another cargo job may hold the target dir's lock)
[ -n "${NO_BUILD:-}" ] || cargo build --release -p llmops-guard --example train_injection
T=${CARGO_TARGET_DIR:-target}/release/examples/train_injection
export T
[ -s scripts/guard_train/prose/prose-train.jsonl ] || python3 scripts/guard_corpus/prose_train.py
# the development splits: h1 = heldout.jsonl, hN = heldoutN.jsonl (--dev reads every line).
# i13: h1 h2 (the default). i14 on: DEV="h3 h4" (h1/h2 retired into training; heldout5 is the
# test split and is refused here).
DEV=${DEV:-h1 h2}
for h in $DEV; do
    case $h in h1|h2|h3|h4) ;; *) echo "ablate.sh: $h is not a development split" >&2; exit 2 ;; esac
done
devfile() { [ "$1" = h1 ] && echo heldout.jsonl || echo "heldout${1#h}.jsonl"; }
# i18: DEVSETS="name=file ..." scores any development files instead (no figs.py table; see
# scripts/guard_train/i18/figs.py); the test splits are refused by name.
if [ -z "${DEVSETS:-}" ]; then
    DEVSETS=$(for h in $DEV; do printf '%s=llmops-guard/tests/data/injection/%s ' "$h" "$(devfile "$h")"; done)
    FIGS=1
fi
for d in $DEVSETS; do
    case ${d#*=} in *heldout[5-9]*) echo "ablate.sh: ${d#*=} is a test split" >&2; exit 2 ;; esac
done
export DEVSETS
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
    first=${DEVSETS%% *}
    grep -m1 '^score only' "$WORK/$name-score-${first%%=*}.log" > "$WORK/$name.out"
}
export -f one
xargs -P 2 -L 1 bash -c 'one "$@"' _ < "${1:-scripts/guard_train/i13/queue.txt}"
[ -n "${FIGS:-}" ] || exit 0
python3 scripts/guard_train/i13/figs.py $(cut -d' ' -f1 "${1:-scripts/guard_train/i13/queue.txt}")
