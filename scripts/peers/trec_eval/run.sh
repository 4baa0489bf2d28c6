#!/usr/bin/env bash
# Recomputes reference.json (and random.json) with pytrec_eval. Run by hand; CI installs no
# peer. Usage: scripts/peers/trec_eval/run.sh [VENV_DIR]   (default: a temporary directory)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
venv="${1:-$(mktemp -d)/venv}"
if [ ! -x "$venv/bin/python" ]; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install --quiet 'pytrec-eval-terrier==0.5.11'
fi
"$venv/bin/python" "$here/reference.py"
