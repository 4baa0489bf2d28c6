#!/usr/bin/env python3
"""RAGAS reference values for llmops-eval's non-LLM context precision and recall.

Run by hand (CI installs no peer); see README.md. Reads samples.jsonl next to this file and
writes ragas_results.json: for each sample, RAGAS' NonLLMContextPrecisionWithReference and
NonLLMContextRecall with their defaults (NonLLMStringSimilarity = Levenshtein via rapidfuzz,
threshold 0.5). No LLM, no embedder, no network.
"""

import asyncio
import json
import math
import pathlib
import sys

import rapidfuzz
import ragas
from ragas.dataset_schema import SingleTurnSample
from ragas.metrics import NonLLMContextPrecisionWithReference, NonLLMContextRecall

HERE = pathlib.Path(__file__).resolve().parent


async def main() -> int:
    precision = NonLLMContextPrecisionWithReference()
    recall = NonLLMContextRecall()
    results = []
    for line in (HERE / "samples.jsonl").read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        s = json.loads(line)
        sample = SingleTurnSample(
            retrieved_contexts=s["retrieved_contexts"],
            reference_contexts=s["reference_contexts"],
        )
        p = await precision.single_turn_ascore(sample)
        r = await recall.single_turn_ascore(sample)
        for name, v in (("precision", p), ("recall", r)):
            if v is None or math.isnan(v):
                print(f"{s['id']}: RAGAS {name} is NaN", file=sys.stderr)
                return 1
        results.append(
            {
                "id": s["id"],
                "non_llm_context_precision_with_reference": float(p),
                "non_llm_context_recall": float(r),
            }
        )
    out = {
        "ragas_version": ragas.__version__,
        "rapidfuzz_version": rapidfuzz.__version__,
        "python": sys.version.split()[0],
        "threshold": precision.threshold,
        "results": results,
    }
    (HERE / "ragas_results.json").write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    print(f"{len(results)} samples -> {HERE / 'ragas_results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(asyncio.run(main()))
