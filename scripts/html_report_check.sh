#!/usr/bin/env bash
# Renders an llmops-eval HTML report in headless Chromium and checks what a person would see:
# the DOM Chromium built (--dump-dom) holds every case of report.json with its id, the totals,
# the three SVG charts, one <details> per case, and no <script> element; a PNG screenshot is
# taken (--screenshot) for a look.
#
#   scripts/html_report_check.sh                    # generate the sample report, check it
#   scripts/html_report_check.sh out/               # a directory written by report::write_all
#   scripts/html_report_check.sh out/report.html    # (report.json beside it is used when present)
#
# Environment: CHROMIUM (else LLMOPS_TEST_CHROMIUM, else `chromium` on PATH; Debian package
# `chromium`), SCREENSHOT (where to keep the PNG; default /tmp/llmops-report.png).
# Exit 0 = the page renders as expected, 1 = it does not (or a tool is missing).
set -euo pipefail
cd "$(dirname "$0")/.."

CHROMIUM=${CHROMIUM:-${LLMOPS_TEST_CHROMIUM:-$(command -v chromium || command -v chromium-browser || true)}}
if [ -z "$CHROMIUM" ] || ! command -v "$CHROMIUM" >/dev/null 2>&1; then
  echo "no Chromium found: apt-get install chromium, or set CHROMIUM=/path/to/chromium" >&2
  exit 1
fi
SCREENSHOT=${SCREENSHOT:-/tmp/llmops-report.png}

work=$(mktemp -d "${TMPDIR:-/tmp}/llmops-html-check.XXXXXX")
trap 'rm -rf "$work"' EXIT

target=${1:-}
if [ -z "$target" ]; then
  echo "no report given: writing the sample report (cargo test -p llmops-eval --test reports)"
  LLMOPS_REPORT_SAMPLE_DIR="$work/report" cargo test -q -p llmops-eval --test reports \
    sample_report_for_the_check_script -- --exact >"$work/cargo.log" 2>&1 ||
    { cat "$work/cargo.log" >&2; exit 1; }
  target="$work/report"
fi
if [ -d "$target" ]; then
  html="$target/report.html"
  json="$target/report.json"
else
  html=$target
  json="$(dirname "$target")/report.json"
fi
[ -f "$html" ] || { echo "no HTML report at $html" >&2; exit 1; }
url="file://$(realpath "$html")"

chromium() {
  timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-dev-shm-usage \
    --no-first-run --hide-scrollbars --user-data-dir="$work/profile" "$@" 2>>"$work/chromium.log"
}

echo "rendering $html with $("$CHROMIUM" --version 2>/dev/null || echo "$CHROMIUM")"
chromium --dump-dom "$url" >"$work/dom.html" || { cat "$work/chromium.log" >&2; exit 1; }
chromium --screenshot="$SCREENSHOT" --window-size=1280,2400 "$url" >/dev/null ||
  { cat "$work/chromium.log" >&2; exit 1; }
[ -s "$SCREENSHOT" ] || { echo "no screenshot written" >&2; exit 1; }

python3 - "$work/dom.html" "$json" "$SCREENSHOT" <<'PY'
import html, json, os, sys

dom_path, json_path, shot = sys.argv[1:4]
dom = open(dom_path, encoding="utf-8").read()
problems = []

def need(text, what):
    if text not in dom:
        problems.append(f"missing {what}: {text!r}")

need("<h1>Eval <code>", "the heading")
for h in ("Charts", "Cases ("):
    need(f"<h2>{h}", f"the {h!r} section")
svgs = dom.count('<svg class="chart"')
if svgs != 3:
    problems.append(f"expected 3 SVG charts, found {svgs}")
if "<script" in dom.lower():
    problems.append("a <script> element was parsed: some text was not escaped")

if os.path.exists(json_path):
    run = json.load(open(json_path, encoding="utf-8"))
    cases, t = run["cases"], run["totals"]
    details = dom.count('<details class="case ')
    if details != len(cases):
        problems.append(f"expected {len(cases)} case blocks, found {details}")
    for c in cases:
        need(f'<span class="id">{html.escape(c["id"], quote=False)}</span>', f"case {c['id']}")
        need(f'score {c["score"]:.3f}', f"the score of case {c['id']}")
    need(f'<span class="v">{t["cases"]}</span>', "the case count")
    need(f'<span class="v">{t["pass_rate"] * 100:.1f}%</span>', "the pass rate")
    need(f'<span class="v">{t["score"]:.3f}</span>', "the mean score")
    print(f"{len(cases)} cases, pass rate {t['pass_rate'] * 100:.1f}%, mean score {t['score']:.3f}: all in the DOM")
else:
    print(f"no report.json beside the page ({json_path}): structural checks only")

with open(shot, "rb") as f:
    if f.read(8) != b"\x89PNG\r\n\x1a\n":
        problems.append(f"{shot} is not a PNG")

if problems:
    print("HTML report check FAILED:", *problems, sep="\n  ", file=sys.stderr)
    sys.exit(1)
print(f"HTML report renders: DOM {len(dom)} bytes, screenshot {shot} ({os.path.getsize(shot)} bytes)")
PY
