"""Presidio's analyzer with its pattern recognizers on the same 4 KB texts as our bench.

Two ways of running Presidio, both without a spaCy model (none can be downloaded here):
- `analyzer`: AnalyzerEngine with a blank spaCy English pipeline (tokenizer only) as its NLP
  engine and the default recognizer registry minus the NER recognizer: what a user of
  Presidio's analyzer with pattern recognizers runs (tokenising + context enhancement).
- `recognizers`: the pattern recognizers called directly (no NLP artifacts): a lower bound
  of Presidio's cost.
Entities: the ones our PiiScanner covers (email, phone, card, IBAN, US SSN, IP, date).
Prints one JSON object per line.
"""

import json
import sys
import time

import spacy
import tldextract
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
from presidio_analyzer.nlp_engine import SpacyNlpEngine

ENTITIES = ["EMAIL_ADDRESS", "PHONE_NUMBER", "CREDIT_CARD", "IBAN_CODE", "US_SSN", "IP_ADDRESS", "DATE_TIME"]


# No network: tldextract (email/URL recognizers) uses its bundled suffix list snapshot.
tldextract.extract = tldextract.TLDExtract(suffix_list_urls=())


class BlankSpacy(SpacyNlpEngine):
    """A spaCy engine over `spacy.blank("en")`: tokenizer only, no model download."""

    def __init__(self):
        super().__init__(models=[{"lang_code": "en", "model_name": "blank"}])

    def load(self):
        self.nlp = {"en": spacy.blank("en")}


def timed(fn, text, min_seconds=2.0):
    fn(text)  # warm up
    n, start = 0, time.perf_counter()
    while True:
        fn(text)
        n += 1
        el = time.perf_counter() - start
        if el >= min_seconds:
            return el / n


def main(paths):
    nlp = BlankSpacy()
    nlp.load()
    registry = RecognizerRegistry()
    registry.load_predefined_recognizers(nlp_engine=nlp)
    registry.remove_recognizer("SpacyRecognizer")
    engine = AnalyzerEngine(registry=registry, nlp_engine=nlp, supported_languages=["en"])
    recognizers = [r for r in registry.get_recognizers("en", entities=ENTITIES)]
    for path in paths:
        text = open(path, encoding="utf-8").read()
        found = engine.analyze(text=text, language="en", entities=ENTITIES)
        per = timed(lambda t: engine.analyze(text=t, language="en", entities=ENTITIES), text)
        print(json.dumps({
            "peer": "presidio-analyzer", "mode": "analyzer", "text": path.rsplit("/", 1)[-1],
            "bytes": len(text.encode()), "seconds_per_scan": per,
            "mb_per_s": len(text.encode()) / per / 1e6,
            "findings": sorted((r.entity_type for r in found)),
        }))

        def direct(t):
            out = []
            for r in recognizers:
                out.extend(r.analyze(t, ENTITIES, None))
            return out

        found = direct(text)
        per = timed(direct, text)
        print(json.dumps({
            "peer": "presidio-analyzer", "mode": "recognizers", "text": path.rsplit("/", 1)[-1],
            "bytes": len(text.encode()), "seconds_per_scan": per,
            "mb_per_s": len(text.encode()) / per / 1e6,
            "findings": sorted((r.entity_type for r in found)),
        }))


if __name__ == "__main__":
    main(sys.argv[1:])
