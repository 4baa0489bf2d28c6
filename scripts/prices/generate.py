#!/usr/bin/env python3
"""Generates llmops-core/src/cost/model_prices.json from the price map bundled in a pinned
LiteLLM wheel (PyPI). Field names are LiteLLM's, unchanged; the source is recorded under the
top-level key `_source`. See README.md beside this script.

    python3 scripts/prices/generate.py                    # downloads litellm==1.106.2
    python3 scripts/prices/generate.py --wheel PATH.whl   # uses a wheel you already have
"""
import argparse
import hashlib
import json
import pathlib
import subprocess
import sys
import tempfile
import zipfile

VERSION = "1.106.2"
MEMBER = "litellm/model_prices_and_context_window_backup.json"
ROOT = pathlib.Path(__file__).resolve().parents[2]
OUT = ROOT / "llmops-core/src/cost/model_prices.json"

# Entries priced per token: chat and legacy completions, Responses-API-only models, embeddings.
# Dropped: image/audio/video generation, transcription, speech, realtime, rerank, search,
# OCR, moderation, evaluation ... (priced per image, second, query or page).
KEEP_MODES = {"chat", "completion", "responses", "embedding"}

# Fields kept, LiteLLM's names. Tiered prices (`..._above_200k_tokens`) are kept by pattern.
KEEP_FIELDS = [
    "litellm_provider",
    "mode",
    "input_cost_per_token",
    "output_cost_per_token",
    "cache_read_input_token_cost",
    "cache_creation_input_token_cost",
    "cache_creation_input_token_cost_above_1hr",
    "output_cost_per_reasoning_token",
    "input_cost_per_token_batches",
    "output_cost_per_token_batches",
    "cache_read_input_token_cost_batches",
    "cache_creation_input_token_cost_batches",
    "max_input_tokens",
    "max_output_tokens",
    "max_tokens",
    "supports_function_calling",
    "supports_vision",
    "supports_response_schema",
    "supports_native_streaming",
    "supports_prompt_caching",
    "supports_reasoning",
    "deprecation_date",
]
TIER_PREFIXES = (
    "input_cost_per_token_above_",
    "output_cost_per_token_above_",
    "cache_read_input_token_cost_above_",
    "cache_creation_input_token_cost_above_",
)


def keep_field(name: str) -> bool:
    if name in KEEP_FIELDS:
        return True
    # `..._above_200k_tokens`, not the priority/flex/batch variants of the tiers
    return name.startswith(TIER_PREFIXES) and name.endswith("k_tokens")


def download(version: str, into: pathlib.Path) -> pathlib.Path:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", f"litellm=={version}", "--no-deps",
         "--only-binary=:all:", "-d", str(into)],
        check=True,
    )
    wheels = sorted(into.glob(f"litellm-{version}-*.whl"))
    if not wheels:
        sys.exit(f"no litellm {version} wheel in {into}")
    return wheels[0]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--version", default=VERSION)
    ap.add_argument("--wheel", type=pathlib.Path, help="a downloaded litellm wheel")
    ap.add_argument("--out", type=pathlib.Path, default=OUT)
    args = ap.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        wheel = args.wheel or download(args.version, pathlib.Path(tmp))
        with zipfile.ZipFile(wheel) as z:
            raw = z.read(MEMBER)
    prices = json.loads(raw)

    kept, dropped_modes = {}, {}
    for key, entry in prices.items():
        if key == "sample_spec" or not isinstance(entry, dict):
            continue
        mode = entry.get("mode")
        if mode not in KEEP_MODES:
            dropped_modes[str(mode)] = dropped_modes.get(str(mode), 0) + 1
            continue
        kept[key] = {k: v for k, v in entry.items() if keep_field(k)}

    source = {
        "package": "litellm",
        "version": args.version,
        "file": MEMBER,
        "sha256": hashlib.sha256(raw).hexdigest(),
        "generator": "scripts/prices/generate.py",
        "modes": sorted(KEEP_MODES),
        "entries": len(kept),
        "dropped_by_mode": dict(sorted(dropped_modes.items())),
    }
    # One entry per line: readable diffs when the pin moves, and parse errors name a model.
    lines = ['  "_source": ' + json.dumps(source, sort_keys=True)]
    for key, entry in kept.items():
        lines.append(f"  {json.dumps(key)}: {json.dumps(entry, separators=(',', ':'))}")
    args.out.write_text("{\n" + ",\n".join(lines) + "\n}\n")
    print(f"{args.out}: {len(kept)} entries from litellm {args.version} "
          f"(sha256 {source['sha256'][:12]}...); dropped {sum(dropped_modes.values())}")


if __name__ == "__main__":
    main()
