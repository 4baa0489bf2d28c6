#!/usr/bin/env bash
# Trains the learned prompt-injection detector and writes llmops-guard/models/injection-v1.bin.
# Run by hand (not in CI): bash scripts/guard_train/train.sh [extra trainer flags]
#
# Reads the corpus's train split only (llmops-guard/tests/data/injection/*.jsonl, lines with
# "split":"train"; files named *heldout* are never opened) plus the seed set beside this
# script, augment.jsonl (written by augment.py from ml_text.py and local Debian text; its
# `group` field is the unit of the grouped cross-validation), and since i10 more-sources.jsonl
# and benign-docs.jsonl (scripts/guard_corpus/extra_train.py: pinned packages, own writing in
# ml_more.py, Debian documentation by a manifest). --loso adds the leave-one-source-out view
# (each package scored by a model trained without it), the figure that predicts held-out. Source-grouped 5-fold CV, 3 fold
# assignments pooled; thresholds per source kind (messages; retrieved text / tool results) at
# <= 1 % pooled false positives, and a stacker over the rule detector's report, all stored in
# the model file. Deterministic: the same data and flags give the same bytes. Prints the
# cross-validation figures and keeps them in scripts/guard_train/last-run.txt.
# Retrain on your own data: add --extra your.jsonl ({"text","label":"attack"|"benign","family"}
# per line) and --out your-model.bin, then LearnedModel::from_bytes(&std::fs::read(..)?)?.
# The model goes to $OUT (default /tmp/injection-candidate.bin), not over the bundled
# llmops-guard/models/injection-v1.bin: measure it on held-out first
# (cargo test -p llmops-guard --test corpus -- --nocapture with it copied in place).
# i10b: task framings (framed.py: benign framed documents and their attack twins) train only
# (--extra-fit: out of the thresholds and the tables, so both come from the same texts as i10);
# the dev check (framed_dev.py) is only scored (--dev), and the integrator's eight probe lines
# are printed one by one (--probe). --loso-own-as-one leaves all of our own writing out at once
# in the leave-one-source-out view. framed-short.jsonl and framed-lmeval.jsonl are measured in
# docs/guard-learned.md (i10b) and not used by default (more false positives in that view).
# i10c: benign long prose (news, encyclopaedic text, newsgroup posts from gensim 4.4.0's test
# data, extracted at run time and not committed; own stories, letters, speeches, essays, rules)
# train only (--extra-fit), 12 epochs instead of 8; every third article/page/post is the prose
# dev check (--dev), and Debian literary / legal / quotation prose a second one.
# prose-twins.jsonl (attack twins of the own prose) was measured and is not used (docs/guard-learned.md, i10c).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -s scripts/guard_train/prose/prose-train.jsonl ] && [ -s scripts/guard_train/prose/prose-debian-dev.jsonl ] \
    || python3 scripts/guard_corpus/prose_train.py
cargo run --release -p llmops-guard --example train_injection -- \
    --data llmops-guard/tests/data/injection \
    --extra scripts/guard_train/seed.jsonl \
    --extra scripts/guard_train/augment.jsonl \
    --extra scripts/guard_train/more-sources.jsonl \
    --extra scripts/guard_train/benign-docs.jsonl \
    --extra-fit scripts/guard_train/framed.jsonl \
    --extra-fit scripts/guard_train/prose/prose-train.jsonl \
    --extra-fit scripts/guard_train/prose-own.jsonl \
    --background scripts/guard_train/benign-extra.jsonl \
    --dev scripts/guard_train/framed-dev.jsonl \
    --dev scripts/guard_train/prose/prose-dev.jsonl \
    --dev scripts/guard_train/prose/prose-debian-dev.jsonl \
    --probe scripts/guard_train/framed-probe.jsonl \
    --out "${OUT:-/tmp/injection-candidate.bin}" \
    --bits 16 --l2 1e-6 --epochs 12 --loso --loso-own-as-one \
    "$@" | tee scripts/guard_train/last-run.txt
