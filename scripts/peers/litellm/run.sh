#!/usr/bin/env bash
# Gateway overhead, llmops vs LiteLLM, side by side on this machine (see README.md).
#
#   scripts/peers/litellm/run.sh            # writes scripts/peers/litellm/results.json
#
# Environment: N (requests per case and concurrency, 2000), WARMUP (200), ROUNDS (4),
# CONCURRENCY (16), LITELLM_VENV (/tmp/litellm-venv), UPSTREAM_PORT (8011), PROXY_PORT (4000),
# OUT (results.json beside this script), GATEWAY_BIN (the built example).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
LITELLM_VERSION=1.106.2 # pinned; never 1.107.0 (reported compromised)
VENV=${LITELLM_VENV:-/tmp/litellm-venv}
N=${N:-2000}
WARMUP=${WARMUP:-200}
ROUNDS=${ROUNDS:-4}
CONCURRENCY=${CONCURRENCY:-16}
UPSTREAM_PORT=${UPSTREAM_PORT:-8011}
PROXY_PORT=${PROXY_PORT:-4000}
OUT=${OUT:-$HERE/results.json}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
BIN=${GATEWAY_BIN:-$TARGET/release/examples/gateway_overhead}
UPSTREAM=http://127.0.0.1:$UPSTREAM_PORT/v1
PROXY=http://127.0.0.1:$PROXY_PORT/v1
WORK=$(mktemp -d)

# 1. LiteLLM, pinned, in its own venv
if ! "$VENV/bin/python" -c "import importlib.metadata as m, sys; sys.exit(m.version('litellm') != '$LITELLM_VERSION')" 2>/dev/null; then
    python3 -m venv "$VENV"
    "$VENV/bin/pip" install --quiet "litellm[proxy]==$LITELLM_VERSION"
fi

# 2. our side, in release
if [ -z "${GATEWAY_BIN:-}" ]; then
    (cd "$ROOT" && cargo build --release --example gateway_overhead --features llmops/full)
fi

PIDS=()
cleanup() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() { # URL what
    for _ in $(seq 180); do
        if curl -sf -o /dev/null "$1"; then return 0; fi
        sleep 0.5
    done
    echo "$2 did not start (log in $WORK)" >&2
    cat "$WORK"/*.log >&2 || true
    exit 1
}

LOAD_START=$(cut -d' ' -f1-3 /proc/loadavg)

# 3. the stand-in upstream (one Python process, aiohttp on uvloop) and the LiteLLM proxy
"$VENV/bin/python" "$HERE/upstream.py" --port "$UPSTREAM_PORT" >"$WORK/upstream.log" 2>&1 &
UPSTREAM_PID=$!
PIDS+=($UPSTREAM_PID)
wait_for "http://127.0.0.1:$UPSTREAM_PORT/health" upstream

sed "s#UPSTREAM_URL#$UPSTREAM#" "$HERE/config.yaml" >"$WORK/config.yaml"
LITELLM_LOG=ERROR LITELLM_LOCAL_MODEL_COST_MAP=True LITELLM_MASTER_KEY=sk-local \
    "$VENV/bin/litellm" --config "$WORK/config.yaml" --host 127.0.0.1 --port "$PROXY_PORT" \
    >"$WORK/proxy.log" 2>&1 &
PROXY_PID=$!
PIDS+=($PROXY_PID)
wait_for "http://127.0.0.1:$PROXY_PORT/health/liveliness" "LiteLLM proxy"

# 4. (a) raw → upstream, (b) raw → proxy → upstream, (d) llmops bare, (e) llmops with layers
echo "llmops client and raw HTTP (a, b, d, e) ..." >&2
"$BIN" "$UPSTREAM" --proxy "$PROXY" --proxy-key sk-local --proxy-model chat \
    --upstream-pid "$UPSTREAM_PID" --proxy-pid "$PROXY_PID" \
    --n "$N" --warmup "$WARMUP" --rounds "$ROUNDS" --concurrency "$CONCURRENCY" >"$WORK/rust.json"

# 4b. what each layer adds alone (concurrency 1, no proxy)
for layer in router budget cache ledger; do
    "$BIN" "$UPSTREAM" --layers "$layer" --upstream-pid "$UPSTREAM_PID" \
        --n "$N" --warmup "$WARMUP" --rounds "$ROUNDS" --concurrency 1 >"$WORK/layer-$layer.json"
done

# 5. (c) LiteLLM as a library vs the bare OpenAI SDK / httpx
echo "LiteLLM library (c) ..." >&2
"$VENV/bin/python" "$HERE/bench_library.py" --upstream "$UPSTREAM" --upstream-pid "$UPSTREAM_PID" \
    --n "$N" --warmup "$WARMUP" --rounds "$ROUNDS" --concurrency "$CONCURRENCY" >"$WORK/library.json"

LOAD_END=$(cut -d' ' -f1-3 /proc/loadavg)

# 6. results.json
"$VENV/bin/python" - "$WORK/rust.json" "$WORK/library.json" "$OUT" "$LOAD_START" "$LOAD_END" "$ROOT" <<'PY'
import datetime, importlib.metadata as m, json, os, platform, subprocess, sys

rust, lib, out, load_start, load_end, root = sys.argv[1:7]
def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, cwd=root).stdout.strip()
    except OSError:
        return None
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), None)
mem = next((l.split()[1] for l in open("/proc/meminfo") if l.startswith("MemTotal")), "0")
res = {
    "date": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
    "machine": {"cpu": cpu, "cores": os.cpu_count(), "mem_gib": round(int(mem) / 2**20, 1),
                "kernel": platform.release(),
                "load_average_at_start": load_start, "load_average_at_end": load_end},
    "versions": {"litellm": m.version("litellm"), "python": platform.python_version(),
                 "openai": m.version("openai"), "httpx": m.version("httpx"),
                 "aiohttp": m.version("aiohttp"), "uvicorn": m.version("uvicorn"),
                 "rustc": sh("rustc", "--version"), "llmops_commit": sh("git", "rev-parse", "--short", "HEAD")},
    "llmops_and_proxy": json.load(open(rust)),
    "litellm_library": json.load(open(lib)),
    "llmops_one_layer_at_a_time": {},
}
for layer in ("router", "budget", "cache", "ledger"):
    d = json.load(open(os.path.join(os.path.dirname(rust), f"layer-{layer}.json")))["concurrency_1"]
    res["llmops_one_layer_at_a_time"][layer] = {
        "client_bare": d["client_bare"], "client_layer": d["client_layers"],
        "added": d["added"]["client_layers_minus_client_bare"]}
json.dump(res, open(out, "w"), indent=2)
open(out, "a").write("\n")

def row(name, f):
    cpu = "  ".join(f"{k.removeprefix('cpu_us_per_request_')} {v:.1f}" for k, v in f.items() if k.startswith("cpu_"))
    return f"  {name:<34} p50 {f['p50_us']:>9.1f}  p90 {f['p90_us']:>9.1f}  p99 {f['p99_us']:>9.1f} µs  cpu µs/req: {cpu}"
for side in ("llmops_and_proxy", "litellm_library"):
    for c, figs in res[side].items():
        if not c.startswith("concurrency_"):
            continue
        print(f"{side}, {c}")
        for k, f in figs.items():
            if k == "added":
                for kk, ff in f.items():
                    print(row("+ " + kk, ff))
            else:
                print(row(k, f) + f"  {f['rps']:>8.1f} req/s")
for layer, d in res["llmops_one_layer_at_a_time"].items():
    print(row(f"+ {layer} alone (concurrency 1)", d["added"]))
print(f"load average {load_start} → {load_end}; results in {out}")
PY
